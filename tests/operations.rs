//! Operations with the real binary: SIGTERM stops the server gracefully
//! (requests in flight on every HTTP worker still get their answers, then
//! the process exits 0), a busy address is refused, the overlap report is
//! warmed at start-up, and every response carries a request id.

mod common;

use std::process::Command;

use common::http::{post_json, request, send};
use common::server::{BIN, LOG, Server, serve, serve_command, serve_with};

#[test]
fn sigterm_lets_requests_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    // a generous timeout: unoptimized test builds on a busy machine are slow;
    // the request trace (tower_http at debug) tells when each request is in
    let mut cmd = serve_command(
        &common::manifest_path(),
        &dir.path().join("index"),
        None,
        &["--request-timeout", "300", "--workers", "3"],
    );
    cmd.env("RUST_LOG", format!("{LOG},tower_http=debug"));
    let mut server = Server::start(cmd);
    let addr = server.addr;
    // requests that take a while: the wording-reuse finder on a long draft,
    // on several connections, which the kernel spreads over the 3 workers
    let draft: String =
        "地域住民の最も身近な相談相手であり、地域活動の中核を担う民生委員の活動を支援する。"
            .repeat(300);
    let body = serde_json::json!({ "text": draft });
    let in_flight: Vec<_> = (0..4)
        .map(|_| {
            let body = body.clone();
            std::thread::spawn(move || post_json(addr, "/api/similar", &body).unwrap())
        })
        .collect();
    // every request has reached the application before the signal
    for _ in 0..4 {
        server.wait_log("started processing request");
    }
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    for t in in_flight {
        let response = t.join().unwrap();
        assert_eq!(response.status, 200, "{response:?}");
    }
    let (status, log) = server.wait_exit();
    assert!(status.success(), "{status:?}");
    // the signal came while requests were still being answered: at least
    // one finished after the server began shutting down
    let shutdown = log
        .iter()
        .position(|l| l.contains("shutting down"))
        .unwrap_or_else(|| panic!("no shutdown logged:\n{}", log.join("\n")));
    assert!(
        log[shutdown..]
            .iter()
            .any(|l| l.contains("finished processing request")),
        "every request had finished before the signal:\n{}",
        log.join("\n")
    );
    assert!(
        request(addr, "GET", "/healthz", None).is_err(),
        "nothing listens any more"
    );
}

#[test]
fn responses_carry_a_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&common::manifest_path(), &dir.path().join("index"), None);
    let response = send(server.addr, "GET", "/healthz", &[], b"").unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    assert!(
        response
            .header("x-request-id")
            .is_some_and(|id| !id.is_empty()),
        "{response:?}"
    );
}

#[test]
fn a_busy_address_is_refused_and_the_overlap_report_is_warmed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let first = serve(&common::manifest_path(), &index, None);
    // a second server on the same address must not quietly share it
    let second = Command::new(BIN)
        .arg("--manifest")
        .arg(common::manifest_path())
        .arg("--index")
        .arg(&index)
        .args(["serve", "--addr", &first.addr.to_string()])
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on {}", first.addr)) && stderr.contains("in use"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("index open"),
        "the address is checked before the index is opened: {stderr}"
    );
    assert_eq!(request(first.addr, "GET", "/healthz", None).unwrap().0, 200);
    drop(first);

    // on a free address the server logs the overlap report computed in the background
    let mut server = serve_with(
        &common::manifest_path(),
        &index,
        None,
        &["--watch-seconds", "0"],
    );
    let text = server.wait_log("overlap report ready");
    assert!(
        text.contains("pairs=") && !text.contains("pairs=0 "),
        "{text}"
    );
}
