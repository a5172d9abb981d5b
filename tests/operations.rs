//! Operations with the real binary: SIGTERM stops the server gracefully
//! (requests in flight on every HTTP worker still get their answers, then
//! the process exits 0), a busy address is refused, the overlap report is
//! warmed at start-up, and every response carries a request id.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::server::{BIN, request, serve, serve_with};

#[test]
fn sigterm_lets_requests_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    // a generous timeout: unoptimized test builds on a busy machine are slow
    let mut server = serve_with(
        &common::manifest_path(),
        &dir.path().join("index"),
        None,
        &["--request-timeout", "300", "--workers", "3"],
    );
    let addr = server.addr;
    // requests that take a while: the wording-reuse finder on a long draft,
    // on several connections, which the kernel spreads over the 3 workers
    let draft: String =
        "地域住民の最も身近な相談相手であり、地域活動の中核を担う民生委員の活動を支援する。"
            .repeat(300);
    let body = serde_json::json!({ "text": draft }).to_string();
    let in_flight: Vec<_> = (0..4).map(|_| {
        let body = body.clone();
        std::thread::spawn(move || {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(
            s,
            "POST /api/similar HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    })
    }).collect();
    std::thread::sleep(Duration::from_millis(150));
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
        assert!(
            response.starts_with("HTTP/1.1 200"),
            "{}",
            &response[..response.len().min(300)]
        );
    }
    let started = Instant::now();
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    assert!(
        request(addr, "GET", "/healthz", None).is_err(),
        "nothing listens any more"
    );
}

#[test]
fn responses_carry_a_request_id() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&common::manifest_path(), &dir.path().join("index"), None);
    let mut s = std::net::TcpStream::connect(server.addr).unwrap();
    write!(
        s,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(
        out.to_ascii_lowercase().contains("\r\nx-request-id: "),
        "{out}"
    );
}

#[test]
fn a_busy_address_is_refused_and_the_overlap_report_is_warmed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let first = serve(&common::manifest_path(), &index, None);
    let log = dir.path().join("second.log");
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
    let mut child = Command::new(BIN)
        .arg("--manifest")
        .arg(common::manifest_path())
        .arg("--index")
        .arg(&index)
        .args(["serve", "--addr", "127.0.0.1:0", "--watch-seconds", "0"])
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let text = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("overlap report ready") || started.elapsed() > Duration::from_secs(60) {
            break text;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(text.contains("overlap report ready"), "{text}");
    assert!(
        text.contains("pairs=") && !text.contains("pairs=0 "),
        "{text}"
    );
}
