//! The configuration file: settings not given as flags or environment
//! variables come from it, flags and environment win, and a bad file stops
//! the program with the file and line named.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn shisaku(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shisaku"));
    c.current_dir(dir).args(args);
    for v in ["SHISAKU_INDEX", "SHISAKU_MANIFEST", "SHISAKU_CONFIG"] {
        c.env_remove(v);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("shisaku-cfg-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn the_file_fills_what_flags_and_environment_leave_unset() {
    let d = scratch("precedence");
    std::fs::write(d.join("shisaku.toml"), "index = \"from-file\"\n").unwrap();
    // no index exists anywhere here: the error names the folder that was
    // used, relative to the file (the program runs elsewhere)
    let file = d.join("shisaku.toml");
    let o = shisaku(
        &std::env::temp_dir(),
        &["--config", &file.to_string_lossy(), "search", "相談"],
        &[],
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains(&*d.join("from-file").to_string_lossy()),
        "{}",
        stderr(&o)
    );

    let o = shisaku(
        &d,
        &["search", "相談"],
        &[
            ("SHISAKU_CONFIG", "shisaku.toml"),
            ("SHISAKU_INDEX", "from-env"),
        ],
    );
    assert!(stderr(&o).contains("from-env"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("from-file"), "{}", stderr(&o));

    let o = shisaku(
        &d,
        &[
            "--config",
            "shisaku.toml",
            "search",
            "--index",
            "from-flag",
            "相談",
        ],
        &[("SHISAKU_INDEX", "from-env")],
    );
    assert!(stderr(&o).contains("from-flag"), "{}", stderr(&o));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_bad_file_names_the_file_the_line_and_the_setting() {
    let d = scratch("bad");
    std::fs::write(
        d.join("bad.toml"),
        "index = \"i\"\n[serve]\nadress = \"0.0.0.0:80\"\n",
    )
    .unwrap();
    let o = shisaku(&d, &["--config", "bad.toml", "search", "相談"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("bad.toml") && e.contains("line 3") && e.contains("adress"),
        "{e}"
    );

    let o = shisaku(&d, &["--config", "missing.toml", "search", "相談"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.toml"), "{}", stderr(&o));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn serve_takes_its_address_and_admin_token_from_the_file() {
    use common::http::request;
    use common::server::{BIN, Server, free_port};
    let d = scratch("serve");
    let port = free_port();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/manifest.toml");
    std::fs::write(
        d.join("shisaku.toml"),
        format!(
            "manifest = {:?}\nindex = \"idx\"\n[serve]\naddr = \"127.0.0.1:{port}\"\nadmin_token = \"from-the-file\"\nwatch_seconds = 0\n",
            manifest.to_string_lossy()
        ),
    )
    .unwrap();
    let mut cmd = Command::new(BIN);
    cmd.current_dir(&d)
        .args(["--config", "shisaku.toml", "serve"])
        .env_remove("SHISAKU_ADMIN_TOKEN")
        .env_remove("SHISAKU_ADDR");
    let server = Server::start(cmd);
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let ready = request(server.addr, "GET", "/readyz", None);
    let wrong = request(server.addr, "POST", "/api/admin/reindex", Some("guess"));
    let listening = server.addr;
    drop(server);
    assert_eq!(listening, addr, "the server listens on the file's address");
    assert_eq!(ready.unwrap().0, 200);
    assert!(
        d.join("idx/CURRENT").exists(),
        "the index went where the file says"
    );
    // the admin endpoint exists (a token is configured) and refuses a wrong one
    assert_eq!(wrong.unwrap().0, 401);
    std::fs::remove_dir_all(&d).unwrap();
}

/// `serve --manifest` naming a file that is not there stops with the path
/// named instead of serving the old index (a reindex would read it).
#[test]
fn serve_refuses_a_missing_manifest() {
    let d = scratch("missing-manifest");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/manifest.toml");
    let built = shisaku(
        &d,
        &[
            "--manifest",
            manifest.to_str().unwrap(),
            "--index",
            "idx",
            "index",
        ],
        &[],
    );
    assert!(built.status.success(), "{}", stderr(&built));
    let port = common::server::free_port();
    let out = shisaku(
        &d,
        &[
            "--manifest",
            "/nonexistent/manifest.toml",
            "--index",
            "idx",
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
        ],
        &[],
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("/nonexistent/manifest.toml"), "{err}");
    std::fs::remove_dir_all(&d).unwrap();
}

/// The terminal output leaves out an empty department instead of printing
/// a dangling separator.
#[test]
fn search_output_has_no_dangling_separator() {
    let d = scratch("cli-search");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/manifest.toml");
    let m = manifest.to_str().unwrap();
    let built = shisaku(&d, &["--manifest", m, "--index", "idx", "index"], &[]);
    assert!(built.status.success(), "{}", stderr(&built));
    // 004's projects name no department
    let out = shisaku(
        &d,
        &[
            "--manifest",
            m,
            "--index",
            "idx",
            "search",
            "--filter",
            "plan_kind=regional-welfare",
            "民生委員",
        ],
        &[],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("出典: "), "{text}");
    for line in text.lines() {
        assert!(
            !line.contains("／  出典") && !line.trim_end().ends_with('／'),
            "{line}"
        );
    }
    std::fs::remove_dir_all(&d).unwrap();
}
