//! Reindexing while serving, with the real binary: searches keep answering
//! from the old index during a rebuild (zero errors), the admin endpoint needs
//! its token, and a rebuild killed with SIGKILL leaves the previous index
//! intact and served after a restart.

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::http::request;
use common::server::{BIN, serve};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const TOKEN: &str = "test-admin-token-0123456789";

fn seeds_manifest() -> PathBuf {
    common::manifest_path()
}

fn generation(addr: SocketAddr) -> String {
    let (_, body) = request(addr, "GET", "/healthz", None).unwrap();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["generation"].as_str().unwrap().to_string()
}

#[test]
fn searches_keep_answering_during_a_rebuild_and_admin_needs_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let server = serve(&seeds_manifest(), &index, Some(TOKEN));
    let addr = server.addr;
    let before = generation(addr);

    assert_eq!(
        request(addr, "POST", "/api/admin/reindex", None).unwrap().0,
        401
    );
    assert_eq!(
        request(addr, "POST", "/api/admin/reindex", Some("wrong-token"))
            .unwrap()
            .0,
        401
    );

    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(std::sync::Mutex::new(Vec::new()));
    // each answer (true when it is a 200) is reported on the channel, so the
    // rebuild is started, and the test ended, on counts of answers, not on time
    let (answered, answers) = std::sync::mpsc::channel::<bool>();
    let queries = [
        "/api/search?q=%E7%9B%B8%E8%AB%87",
        "/api/search?q=%E6%B0%91%E7%94%9F%E5%A7%94%E5%93%A1&page=2",
        "/api/search?q=DV&plan_kind=suicide-prevention",
    ];
    let workers: Vec<_> = (0..2)
        .map(|w| {
            let (stop, errors, answered) = (stop.clone(), errors.clone(), answered.clone());
            std::thread::spawn(move || {
                let mut i = w;
                while !stop.load(Ordering::Relaxed) {
                    // vary the page so the response cache does not answer everything
                    let q = format!("{}&per_page={}", queries[i % queries.len()], 1 + i % 20);
                    let ok = match request(addr, "GET", &q, None) {
                        Ok((200, _)) => true,
                        other => {
                            errors.lock().unwrap().push(format!("{q}: {other:?}"));
                            false
                        }
                    };
                    let _ = answered.send(ok);
                    i += 1;
                }
            })
        })
        .collect();
    drop(answered);
    let count = |n: usize| {
        for _ in 0..n {
            answers.recv().expect("the searching threads stopped");
        }
    };
    // searches are being answered before the rebuild starts …
    count(10);
    while answers.try_recv().is_ok() {}
    let rebuild = std::thread::spawn(move || {
        request(addr, "POST", "/api/admin/reindex", Some(TOKEN)).unwrap()
    });
    // … during it (the rebuild of the seed corpus takes far longer than the
    // searches, whose answers are counted while the admin request is open) …
    let mut during = 0;
    while !rebuild.is_finished() {
        if answers.recv().expect("the searching threads stopped") {
            during += 1;
        }
    }
    let (status, body) = rebuild.join().unwrap();
    // … and after it
    count(10);
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(status, 200, "{body}");
    let errors = errors.lock().unwrap();
    assert!(
        errors.is_empty(),
        "{} errors during the rebuild: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    assert!(during > 0, "no search was answered during the rebuild");
    let after = generation(addr);
    assert_ne!(before, after, "the new generation is served");
    assert!(
        index.join(&before).exists(),
        "the previous generation is kept"
    );

    // without a configured token the admin endpoint does not exist
    drop(server);
    let plain = serve(&seeds_manifest(), &index, None);
    assert_eq!(
        request(plain.addr, "POST", "/api/admin/reindex", Some(TOKEN))
            .unwrap()
            .0,
        404
    );
}

#[test]
fn a_rebuild_killed_midway_leaves_the_previous_index_served() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let run = |args: &[&str]| {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let seeds = seeds_manifest();
    let idx = index.to_str().unwrap();
    run(&[
        "--manifest",
        seeds.to_str().unwrap(),
        "--index",
        idx,
        "index",
    ]);
    let current = std::fs::read_to_string(index.join("CURRENT")).unwrap();

    // a corpus big enough that its build is still running when killed
    let synth = dir.path().join("synth");
    run(&[
        "--manifest",
        seeds.to_str().unwrap(),
        "synth",
        "--measures",
        "6000",
        "--out",
        synth.to_str().unwrap(),
    ]);
    let synth_manifest = synth.join("manifest.toml");
    let mut child = Command::new(BIN)
        .args([
            "--manifest",
            synth_manifest.to_str().unwrap(),
            "--index",
            idx,
            "index",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // wait until the new generation folder exists, then SIGKILL (polling the
    // folder: the build announces nothing; a build that ends first fails)
    let new_gen = loop {
        let gens: Vec<_> = std::fs::read_dir(&index)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with("gen-") && *n != current.trim())
            .collect();
        if let Some(g) = gens.into_iter().next() {
            break g;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the rebuild ended ({status}) before its generation folder was seen");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // killed as soon as its generation folder exists: the import is done and
    // the 6,000 records, their links and the swap are still ahead of it
    assert!(
        child.try_wait().unwrap().is_none(),
        "the rebuild finished before it could be killed"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        index.join(&new_gen).exists(),
        "the half-built generation is left behind"
    );
    assert_eq!(
        std::fs::read_to_string(index.join("CURRENT")).unwrap(),
        current,
        "CURRENT still names the old index"
    );

    let server = serve(&seeds, &index, None);
    assert_eq!(generation(server.addr), current.trim());
    let (status, body) = request(
        server.addr,
        "GET",
        "/api/search?q=%E6%B0%91%E7%94%9F%E5%A7%94%E5%93%A1",
        None,
    )
    .unwrap();
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(v["total"].as_u64().unwrap() > 0);
    let (_, health) = request(server.addr, "GET", "/healthz", None).unwrap();
    assert!(health.contains("\"measures\":463"), "{health}");
}
