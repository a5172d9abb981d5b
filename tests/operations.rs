//! Operations with the real binary: SIGTERM stops the server gracefully
//! (a request in flight still gets its answer, then the process exits 0),
//! and every response carries a request id.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::server::{request, serve, serve_with};

#[test]
fn sigterm_lets_requests_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    // a generous timeout: unoptimized test builds on a busy machine are slow
    let mut server = serve_with(
        &common::manifest_path(),
        &dir.path().join("index"),
        None,
        &["--request-timeout", "300"],
    );
    let addr = server.addr;
    // a request that takes a while: the wording-reuse finder on a long draft
    let draft: String =
        "地域住民の最も身近な相談相手であり、地域活動の中核を担う民生委員の活動を支援する。"
            .repeat(300);
    let body = serde_json::json!({ "text": draft }).to_string();
    let in_flight = std::thread::spawn(move || {
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
    });
    std::thread::sleep(Duration::from_millis(150));
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let response = in_flight.join().unwrap();
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "{}",
        &response[..response.len().min(300)]
    );
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
