//! Running the real `shisaku` binary as a server in tests.
//!
//! The tests synchronize on the server's own log rather than on time: the
//! server is ready when it logs `listening` (its sockets accept from then on,
//! and the line names the address, so every server binds port 0 and no two
//! tests race for a port), and later events (a swapped generation, the
//! overlap report, the shutdown) are waited for as their log lines.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};

use super::http::STALL;

pub const BIN: &str = env!("CARGO_BIN_EXE_shisaku");

/// The log filter of a test server unless the command sets `RUST_LOG`: the
/// server's own events (`listening` among them), warnings from everything.
pub const LOG: &str = "warn,shisaku_http=info";

/// A port free at the time of asking, for the tests whose address is given
/// in a configuration file rather than on the command line.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The lines a child process writes to one of its pipes, read on a thread
/// of their own: the pipe is drained whether or not a test reads it (so the
/// child never blocks on a full pipe), and a test waits on the lines it
/// needs. The lines end when the child closes the pipe (exits).
pub struct Log {
    lines: Receiver<String>,
    /// every line received so far, for the failure messages
    seen: Vec<String>,
    /// where the next wait starts in `seen`: after the line the last wait
    /// returned, so a line that came while waiting for another (a log line
    /// written before `listening`) is still found
    next: usize,
}

impl Log {
    pub fn follow(pipe: impl std::io::Read + Send + 'static) -> Log {
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Log {
            lines,
            seen: Vec::new(),
            next: 0,
        }
    }

    /// The next line containing `needle` after the line the previous wait
    /// returned. Panics with the lines so far when the child closes the pipe
    /// first (or stays silent for [`STALL`]); `child` is waited for to name
    /// its exit status.
    pub fn wait_for(&mut self, needle: &str, child: &mut Child) -> String {
        if let Some(i) = (self.next..self.seen.len()).find(|&i| self.seen[i].contains(needle)) {
            self.next = i + 1;
            return self.seen[i].clone();
        }
        loop {
            match self.lines.recv_timeout(STALL) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        self.next = self.seen.len();
                        return line;
                    }
                }
                Err(e) => {
                    let why = match e {
                        RecvTimeoutError::Timeout => "stayed silent".to_string(),
                        RecvTimeoutError::Disconnected => format!("exited ({:?})", child.wait()),
                    };
                    panic!(
                        "the process {why} before writing {needle:?}; its output:\n{}",
                        self.seen.join("\n")
                    )
                }
            }
        }
    }

    /// Every line until the child closes the pipe.
    pub fn until_end(&mut self) -> &[String] {
        loop {
            match self.lines.recv_timeout(STALL) {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => panic!(
                    "the process did not end; its output:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
        &self.seen
    }

    /// Every line received so far.
    pub fn so_far(&self) -> &[String] {
        &self.seen
    }
}

/// A running server: the child process, the address it listens on, and its
/// log (stderr).
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub log: Log,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Spawns `cmd` (a `shisaku … serve` command) with its stderr captured
    /// and returns once the server logs that it listens.
    pub fn start(mut cmd: Command) -> Server {
        if !cmd.get_envs().any(|(k, v)| k == "RUST_LOG" && v.is_some()) {
            cmd.env("RUST_LOG", LOG);
        }
        cmd.env_remove("SHISAKU_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("shisaku serve starts");
        let log = Log::follow(child.stderr.take().expect("stderr is piped"));
        let mut server = Server {
            child,
            addr: "0.0.0.0:0".parse().unwrap(),
            log,
        };
        let line = server.wait_log(" listening ");
        server.addr = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("addr="))
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        server
    }

    /// The next log line containing `needle` (panics when the server exits
    /// first).
    pub fn wait_log(&mut self, needle: &str) -> String {
        self.log.wait_for(needle, &mut self.child)
    }

    /// Waits for the process to end (its log ends first) and returns its
    /// exit status with its whole log.
    pub fn wait_exit(&mut self) -> (ExitStatus, Vec<String>) {
        let log = self.log.until_end().to_vec();
        (self.child.wait().unwrap(), log)
    }
}

/// The command serving `index` built from `manifest` on a port the system
/// picks (`127.0.0.1:0`), with the admin `token` (or none) and extra `serve`
/// flags.
pub fn serve_command(
    manifest: &Path,
    index: &Path,
    token: Option<&str>,
    flags: &[&str],
) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--manifest")
        .arg(manifest)
        .arg("--index")
        .arg(index)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(flags)
        .env_remove("SHISAKU_CONFIG");
    match token {
        Some(t) => cmd.env("SHISAKU_ADMIN_TOKEN", t),
        None => cmd.env_remove("SHISAKU_ADMIN_TOKEN"),
    };
    cmd
}

pub fn serve(manifest: &Path, index: &Path, token: Option<&str>) -> Server {
    serve_with(manifest, index, token, &[])
}

/// [`serve`] with extra `serve` flags.
pub fn serve_with(manifest: &Path, index: &Path, token: Option<&str>, flags: &[&str]) -> Server {
    Server::start(serve_command(manifest, index, token, flags))
}
