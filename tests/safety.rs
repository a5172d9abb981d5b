//! Nothing lost, nothing silently wrong, with the real binary: concurrent
//! rebuilds serialize and leave a complete index, a failed import never
//! replaces a good generation, a damaged generation is refused naming the
//! file, and a read-only index folder is searched and served.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::http::{closed_by_server, connect, request};
use common::server::{BIN, Server, free_port, serve, serve_command};

const TOKEN: &str = "test-admin-token-0123456789";

fn shisaku(manifest: &Path, index: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--manifest")
        .arg(manifest)
        .arg("--index")
        .arg(index)
        .args(args)
        .env_remove("SHISAKU_CONFIG")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn current(index: &Path) -> String {
    std::fs::read_to_string(index.join("CURRENT"))
        .unwrap()
        .trim()
        .to_string()
}

fn generations(index: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(index)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("gen-"))
        .collect();
    v.sort();
    v
}

/// Measures in the live generation, as `search --json` counts every record.
fn measures_searchable(manifest: &Path, index: &Path) -> u64 {
    let out = shisaku(manifest, index, &["search", "--json", "--limit", "1"]);
    assert!(out.status.success(), "search: {}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["total"].as_u64().unwrap()
}

fn healthz(addr: SocketAddr) -> serde_json::Value {
    let (status, body) = request(addr, "GET", "/healthz", None).unwrap();
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// A copy of the seed documents and manifest in `dir`.
fn copy_seeds(dir: &Path) -> PathBuf {
    let seeds = common::manifest_path().parent().unwrap().to_path_buf();
    std::fs::create_dir_all(dir).unwrap();
    for e in std::fs::read_dir(&seeds).unwrap().flatten() {
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    dir.join("manifest.toml")
}

/// Two CLI builds and an admin reindex of one index folder at the same
/// time: every one succeeds (they take turns), and afterwards `CURRENT`
/// names a complete, verified generation holding every measure; at most the
/// last two generations are left.
#[test]
fn concurrent_builds_from_the_cli_and_the_admin_endpoint_leave_a_complete_index() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let manifest = common::manifest_path();
    let server = serve(&manifest, &index, Some(TOKEN));
    let addr = server.addr;
    let cli: Vec<_> = (0..2)
        .map(|_| {
            let (manifest, index) = (manifest.clone(), index.clone());
            std::thread::spawn(move || shisaku(&manifest, &index, &["index"]))
        })
        .collect();
    let admin =
        std::thread::spawn(move || request(addr, "POST", "/api/admin/reindex", Some(TOKEN)));
    for t in cli {
        let out = t.join().unwrap();
        assert!(out.status.success(), "index: {}", stderr(&out));
    }
    let (status, body) = admin.join().unwrap().unwrap();
    assert_eq!(status, 200, "{body}");

    let live = current(&index);
    let gens = generations(&index);
    assert!(gens.contains(&live), "{live} not in {gens:?}");
    assert!(gens.len() <= 2, "{gens:?}");
    let verify = shisaku(&manifest, &index, &["verify"]);
    assert!(verify.status.success(), "verify: {}", stderr(&verify));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("463 measures"));
    assert_eq!(measures_searchable(&manifest, &index), 463);
    // the server serves a complete generation too
    assert_eq!(healthz(addr)["measures"], 463);
    drop(server);
    let again = serve(&manifest, &index, None);
    assert_eq!(healthz(again.addr)["generation"], live.as_str());
}

/// One document saved as CP932: `index` exits non-zero naming it, and the
/// previous generation stays current and on disk; with `--allow-partial`
/// the rest is built (exit code 2) and the previous generation is kept.
#[test]
fn a_failed_document_leaves_the_previous_generation_current() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let manifest = copy_seeds(&dir.path().join("docs"));
    let out = shisaku(&manifest, &index, &["index"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let good = current(&index);

    // 002 re-encoded: its first line's kanji as CP932 bytes ("熊本市" = 8c 46 96 7b 8e 73)
    let bad = manifest.parent().unwrap().join("002_da4c46357eda9c6e.txt");
    let mut bytes = std::fs::read(&bad).unwrap();
    bytes.splice(0..0, [0x8c, 0x46, 0x96, 0x7b, 0x8e, 0x73, b'\n']);
    std::fs::write(&bad, bytes).unwrap();

    let out = shisaku(&manifest, &index, &["index"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("002_da4c46357eda9c6e.txt:1"), "{err}");
    assert!(err.contains("UTF-8 ではありません"), "{err}");
    assert!(err.contains(&format!("{good} を使い続けます")), "{err}");
    assert!(err.contains("--allow-partial"), "{err}");
    assert_eq!(current(&index), good);
    assert_eq!(generations(&index), vec![good.clone()]);
    assert_eq!(measures_searchable(&manifest, &index), 463);

    let out = shisaku(&manifest, &index, &["index", "--allow-partial"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let partial = current(&index);
    assert_ne!(partial, good);
    assert_eq!(measures_searchable(&manifest, &index), 463 - 49);
    // the last two good generations are kept
    let mut both = vec![good.clone(), partial.clone()];
    both.sort();
    assert_eq!(generations(&index), both);
    // a third build removes the oldest
    std::fs::copy(
        common::manifest_path()
            .parent()
            .unwrap()
            .join("002_da4c46357eda9c6e.txt"),
        &bad,
    )
    .unwrap();
    let out = shisaku(&manifest, &index, &["index"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let third = current(&index);
    let mut kept = vec![partial, third];
    kept.sort();
    assert_eq!(generations(&index), kept);
}

/// Flips one bit of `file` (which a build made read-only).
fn flip_bit(file: &Path, at: usize) {
    let mut perms = std::fs::metadata(file).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(file, perms).unwrap();
    let mut bytes = std::fs::read(file).unwrap();
    let at = at % bytes.len();
    bytes[at] ^= 0x04;
    std::fs::write(file, bytes).unwrap();
}

/// A bit flipped in the links file or in a segment file: `verify`, `search`
/// and `serve` refuse the generation naming the file; a running server
/// keeps serving the generation it has when a damaged one becomes current.
#[test]
fn a_damaged_generation_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let manifest = common::manifest_path();
    let out = shisaku(&manifest, &index, &["index"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let good = current(&index);

    // a second generation, built apart, damaged, then made current under a
    // running server
    let other = dir.path().join("other");
    let out = shisaku(&manifest, &other, &["index"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let damaged = current(&other);
    let store = std::fs::read_dir(other.join(&damaged))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension() == Some("store".as_ref()))
        .unwrap();
    let store_name = store.file_name().unwrap().to_string_lossy().to_string();
    flip_bit(&store, 5000);
    for args in [&["verify"][..], &["search", "相談"][..]] {
        let out = shisaku(&manifest, &other, args);
        let err = stderr(&out);
        assert!(!out.status.success(), "{args:?} accepted a damaged index");
        assert!(
            err.contains(&store_name) && err.contains("checksum mismatch"),
            "{args:?}: {err}"
        );
    }
    let links = other.join(&damaged).join("related.links");
    flip_bit(&links, 3000);
    let out = shisaku(&manifest, &other, &["related", "x"]);
    assert!(!out.status.success());
    // either damaged file may be named first; both are damaged
    let err = stderr(&out);
    assert!(
        err.contains("related.links") || err.contains(&store_name),
        "{err}"
    );

    // serve refuses to start on it, with the message
    let out = Command::new(BIN)
        .args(["--index", other.to_str().unwrap(), "serve", "--addr"])
        .arg(format!("127.0.0.1:{}", free_port()))
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("checksum mismatch"),
        "{}",
        stderr(&out)
    );

    // a running server keeps its generation when the damaged one becomes current
    let mut cmd = Command::new(BIN);
    cmd.args([
        "--index",
        index.to_str().unwrap(),
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--watch-seconds",
        "1",
    ])
    .env_remove("SHISAKU_ADMIN_TOKEN");
    let mut server = Server::start(cmd);
    let addr = server.addr;
    assert_eq!(request(addr, "GET", "/readyz", None).unwrap().0, 200);
    std::fs::rename(other.join(&damaged), index.join(&damaged)).unwrap();
    std::fs::write(index.join("CURRENT.new"), &damaged).unwrap();
    std::fs::rename(index.join("CURRENT.new"), index.join("CURRENT")).unwrap();
    let line = server.wait_log("could not be opened");
    assert!(line.contains(&damaged), "{line}");
    assert_eq!(healthz(addr)["generation"], good.as_str());
    let (status, _) = request(addr, "GET", "/api/search?q=%E7%9B%B8%E8%AB%87", None).unwrap();
    assert_eq!(status, 200);
}

/// The uid of this process (from /proc, without unsafe code).
fn euid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").unwrap().uid()
}

/// `cmd`, as a user that cannot write to the index when this process is
/// root (root writes to read-only files).
fn unprivileged(mut cmd: Command) -> Command {
    use std::os::unix::process::CommandExt;
    if euid() == 0 {
        cmd.uid(65534).gid(65534);
    }
    cmd
}

fn make_read_only(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for e in std::fs::read_dir(path).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            make_read_only(&e.path());
        }
        std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o555)).unwrap();
}

/// An index folder its user cannot write to is searched and served;
/// `index` into it fails naming the folder.
#[test]
fn a_read_only_index_is_searched_and_served() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let index = dir.path().join("index");
    let manifest = common::manifest_path();
    let out = shisaku(&manifest, &index, &["index"]);
    assert!(out.status.success(), "{}", stderr(&out));
    make_read_only(&index);
    let before: Vec<_> = std::fs::read_dir(index.join(current(&index)))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();

    let mut search = Command::new(BIN);
    search
        .arg("--index")
        .arg(&index)
        .args(["search", "--json", "相談"]);
    let out = unprivileged(search).output().unwrap();
    assert!(out.status.success(), "search: {}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["total"].as_u64().unwrap() > 0);

    let mut rebuild = Command::new(BIN);
    rebuild
        .arg("--manifest")
        .arg(&manifest)
        .arg("--index")
        .arg(&index)
        .arg("index");
    let out = unprivileged(rebuild).output().unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&index.display().to_string()) && err.contains("needs write access"),
        "{err}"
    );

    let mut serve = Command::new(BIN);
    serve
        .arg("--index")
        .arg(&index)
        .args(["serve", "--addr", "127.0.0.1:0"]);
    let server = Server::start(unprivileged(serve));
    let (ready, _) = request(server.addr, "GET", "/readyz", None).unwrap();
    let (status, body) =
        request(server.addr, "GET", "/api/search?q=%E7%9B%B8%E8%AB%87", None).unwrap();
    drop(server);
    assert_eq!(ready, 200);
    assert_eq!(status, 200, "{body}");
    let after: Vec<_> = std::fs::read_dir(index.join(current(&index)))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(before, after, "opening wrote to the generation");
}

/// An admin token that no request could match is refused at start-up,
/// naming where it comes from.
#[test]
fn an_admin_token_that_can_never_match_stops_serve() {
    let dir = tempfile::tempdir().unwrap();
    for token in ["secret-token\n", "秘密のトークン"] {
        let out = Command::new(BIN)
            .arg("--index")
            .arg(dir.path().join("index"))
            .args(["serve", "--addr"])
            .arg(format!("127.0.0.1:{}", free_port()))
            .env("SHISAKU_ADMIN_TOKEN", token)
            .env_remove("SHISAKU_CONFIG")
            .output()
            .unwrap();
        let err = stderr(&out);
        assert!(!out.status.success(), "{token:?} accepted");
        assert!(err.contains("SHISAKU_ADMIN_TOKEN"), "{err}");
        assert!(err.contains("could never match"), "{err}");
    }
}

/// Sets this process's soft open-file limit to `soft` (at most the hard limit).
fn set_file_limit(soft: u64) -> std::io::Result<()> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: valid resource and struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        lim.rlim_cur = soft.min(lim.rlim_max);
        if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

fn serve_process(index: &Path, flags: &[&str], file_limit: Option<u64>) -> Server {
    use std::os::unix::process::CommandExt;
    let mut cmd = serve_command(&common::manifest_path(), index, None, flags);
    if let Some(limit) = file_limit {
        // SAFETY: only async-signal-safe calls between fork and exec
        unsafe {
            cmd.pre_exec(move || set_file_limit(limit));
        }
    }
    let server = Server::start(cmd);
    assert_eq!(request(server.addr, "GET", "/readyz", None).unwrap().0, 200);
    server
}

/// A request stopped mid-header and an idle keep-alive connection are
/// closed by the server after their timeouts; an oversized body announced
/// with `Expect: 100-continue` gets 413, never `100 Continue`.
#[test]
fn half_sent_and_idle_connections_are_closed_and_oversized_bodies_refused_first() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let server = serve_process(
        &index,
        &[
            "--header-timeout",
            "1",
            "--idle-timeout",
            "2",
            "--workers",
            "2",
        ],
        None,
    );
    let addr = server.addr;
    let limit = std::time::Duration::from_secs(60);

    let mut half = connect(addr).unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    assert!(
        closed_by_server(&mut half, limit),
        "a half-sent request is held"
    );

    let mut idle = connect(addr).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut head = [0u8; 12];
    idle.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    assert!(
        closed_by_server(&mut idle, limit),
        "an idle keep-alive connection is held"
    );

    let mut big = connect(addr).unwrap();
    big.write_all(
        b"POST /api/similar HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Content-Length: 1000000000\r\nExpect: 100-continue\r\n\r\n",
    )
    .unwrap();
    big.set_read_timeout(Some(limit)).unwrap();
    let mut head = [0u8; 12];
    big.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 413");
}

/// Started with the common soft limit of 1,024 open files, the server
/// raises it and keeps answering `/healthz` while 2,000 connections that
/// sent half a request are held open.
#[test]
fn healthz_answers_while_2000_half_open_connections_are_held() {
    use std::io::Write;
    set_file_limit(8192).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    // one worker: one accept queue, taken in order, so once a request made
    // after the 2,000 connections is answered, all of them have been accepted
    let server = serve_process(
        &index,
        &["--header-timeout", "600", "--workers", "1"],
        Some(1024),
    );
    let addr = server.addr;
    let fds = || {
        std::fs::read_dir(format!("/proc/{}/fd", server.child.id()))
            .unwrap()
            .count()
    };
    let before = fds();
    let mut held = Vec::with_capacity(2000);
    for _ in 0..2000 {
        let mut s = connect(addr).unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        held.push(s);
    }
    let answer = request(addr, "GET", "/healthz", None);
    // the connections accepted: the server holds a descriptor for each
    // (less a few: `before` may count the readiness probe's closing socket;
    // a server stuck at 1,024 files stops near 1,020)
    let count = fds() - before;
    drop(held);
    drop(server);
    assert!(
        count >= 1990,
        "the server accepted {count} of 2000 connections"
    );
    let (status, body) = answer.unwrap();
    assert_eq!(status, 200, "{body}");
}

/// A generation without checksums (an older shisaku's): `verify` and
/// `search` refuse it saying so; `serve` rebuilds, as it builds a missing
/// index, and serves the new generation.
#[test]
fn a_generation_without_checksums_is_refused_and_serve_rebuilds_it() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let manifest = common::manifest_path();
    let out = shisaku(&manifest, &index, &["index"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let old = current(&index);
    std::fs::remove_file(index.join(&old).join("shisaku-meta.json")).unwrap();
    for args in [&["verify"][..], &["search", "相談"][..]] {
        let out = shisaku(&manifest, &index, args);
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(
            err.contains("shisaku-meta.json") && err.contains("no checksums"),
            "{err}"
        );
    }
    let server = serve(&manifest, &index, None);
    let health = healthz(server.addr);
    assert_eq!(health["measures"], 463);
    assert_ne!(health["generation"], old.as_str());
    assert_eq!(health["generation"], current(&index).as_str());
}
