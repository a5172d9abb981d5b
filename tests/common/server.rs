//! Running the real `shisaku` binary as a server in tests.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_shisaku");

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve(manifest: &Path, index: &Path, token: Option<&str>) -> Server {
    serve_with(manifest, index, token, &[])
}

/// [`serve`] with extra `serve` flags.
pub fn serve_with(manifest: &Path, index: &Path, token: Option<&str>, flags: &[&str]) -> Server {
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.arg("--manifest")
        .arg(manifest)
        .arg("--index")
        .arg(index)
        .arg("serve")
        .arg("--addr")
        .arg(addr.to_string())
        .args(flags)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    match token {
        Some(t) => cmd.env("SHISAKU_ADMIN_TOKEN", t),
        None => cmd.env_remove("SHISAKU_ADMIN_TOKEN"),
    };
    let server = Server {
        child: cmd.spawn().expect("shisaku serve starts"),
        addr,
    };
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        if let Ok((200, _)) = request(addr, "GET", "/readyz", None) {
            return server;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("server on {addr} did not become ready");
}

/// One HTTP/1.1 request with `Connection: close`; returns status and body.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    auth: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(120)))?;
    let auth = auth
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n{auth}\r\n"
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}
