//! End-to-end tests of the web UI and the embeddable widget in a real,
//! headless Chromium driven over WebDriver (chromedriver + `fantoccini`).
//!
//! The test starts the real `shisaku` binary on a small fictional corpus
//! (`tests/fixtures/e2e/`: three plans of two municipalities, written as
//! `jsonl` so the scenarios do not depend on which importers exist), a
//! chromedriver, and two tiny static sites on other ports that embed the
//! widget: one whose origin the server allows (`--cors-origin`), one it does
//! not. Every child process is killed when the test ends, pass or fail.
//!
//! Chromium and chromedriver are required: when they are missing the test
//! fails with an install hint (CI installs them in `.ci/run`). Override the
//! paths with `CHROMEDRIVER` and `CHROME_BIN`. A screenshot of every page is
//! written to `<target dir>/e2e-screenshots/` (a failing wait also saves one).

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::http::request;
use common::server::{Log, Server, serve_command};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// Longest wait for one thing to appear in the browser.
const WAIT: Duration = Duration::from_secs(15);

// ------------------------------------------------------------------ processes

/// A child process killed (and reaped) on drop.
struct Proc {
    child: Child,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Finds a required program: `$env_var`, else the first of `candidates` that exists.
fn required_program(env_var: &str, candidates: &[&str]) -> PathBuf {
    if let Ok(p) = std::env::var(env_var) {
        let p = PathBuf::from(p);
        assert!(
            p.exists(),
            "{env_var}={} does not exist (the browser end-to-end test needs chromium and \
             chromedriver: apt-get install -y --no-install-recommends chromium chromium-driver)",
            p.display()
        );
        return p;
    }
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!(
                "the browser end-to-end test needs {} (looked for {}; set {env_var} to override). \
                 Install it: apt-get install -y --no-install-recommends chromium chromium-driver",
                candidates[0],
                candidates.join(", ")
            )
        })
}

/// The cargo target dir (…/target), derived from the test binary's own path.
fn target_dir() -> PathBuf {
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_shisaku"));
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target"))
}

// ------------------------------------------------------------------ browser helpers

struct Browser {
    c: Client,
    shots: PathBuf,
}

impl Browser {
    async fn goto(&self, url: &str) {
        self.c
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("goto {url}: {e}"));
    }

    async fn js(&self, script: &str) -> Value {
        self.c
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    async fn screenshot(&self, name: &str) {
        match self.c.screenshot().await {
            Ok(png) => {
                let path = self.shots.join(format!("{name}.png"));
                std::fs::write(&path, png).expect("write screenshot");
            }
            Err(e) => eprintln!("screenshot {name} failed: {e}"),
        }
    }

    /// Polls `script` (a function body returning a value) until `ok` accepts
    /// its result; panics with `what` (and saves a screenshot) after [`WAIT`].
    async fn until(&self, what: &str, script: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        let mut last = Value::Null;
        while start.elapsed() < WAIT {
            if let Ok(v) = self.c.execute(script, vec![]).await {
                if ok(&v) {
                    return v;
                }
                last = v;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let url = self
            .c
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let main = self
            .js("const m = document.querySelector('main'); return m ? m.innerText : document.body.innerText;")
            .await;
        self.screenshot("failure").await;
        panic!(
            "timed out waiting for: {what}\n  at {url}\n  last value: {last}\n  page text:\n{}",
            main.as_str().unwrap_or("")
        );
    }

    /// Waits until `css` matches at least `n` elements; returns the count.
    async fn until_count(&self, what: &str, css: &str, n: u64) -> u64 {
        let script = format!("return document.querySelectorAll({}).length;", json!(css));
        self.until(what, &script, |v| v.as_u64().unwrap_or(0) >= n)
            .await
            .as_u64()
            .unwrap_or(0)
    }

    async fn find(&self, css: &str) -> Element {
        self.c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_default()
    }

    async fn url(&self) -> String {
        self.c.current_url().await.expect("current url").to_string()
    }
}

fn key(k: Key) -> String {
    k.to_string()
}

fn decoded(url: &str) -> String {
    percent_encoding::percent_decode_str(url)
        .decode_utf8_lossy()
        .replace('+', " ")
}

// ------------------------------------------------------------------ the test

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_end_to_end() {
    let started = Instant::now();
    let chromedriver = required_program("CHROMEDRIVER", &["/usr/bin/chromedriver"]);
    let chrome = required_program(
        "CHROME_BIN",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    );
    let tmp = tempfile::tempdir().expect("temp dir");
    let shots = target_dir().join("e2e-screenshots");
    std::fs::create_dir_all(&shots).expect("create the screenshot folder");
    for old in std::fs::read_dir(&shots).into_iter().flatten().flatten() {
        if old.path().extension().is_some_and(|e| e == "png") {
            let _ = std::fs::remove_file(old.path());
        }
    }

    // two static "other sites" embedding the widget: one allowed by CORS, one not
    let allowed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let refused = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let allowed_origin = format!("http://{}", allowed.local_addr().unwrap());
    let refused_origin = format!("http://{}", refused.local_addr().unwrap());

    // the service, on the fixture corpus; ready once it logs that it listens
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/e2e/manifest.toml");
    let mut cmd = serve_command(
        &manifest,
        &tmp.path().join("index"),
        None,
        &["--cors-origin", &allowed_origin],
    );
    cmd.env("RUST_LOG", "warn,shisaku_http::listen=info");
    let server = Server::start(cmd);
    let (ready, _) = request(server.addr, "GET", "/readyz", None).expect("readyz answers");
    assert_eq!(ready, 200, "{:?}", server.log.so_far());
    let base = format!("http://{}", server.addr);

    // chromedriver on a port of its choosing, ready once it says so (stdout)
    let wd_log = tmp.path().join("chromedriver.log");
    let mut driver = Proc {
        child: Command::new(&chromedriver)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&wd_log).expect("create log file"))
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {chromedriver:?}: {e}")),
    };
    let mut driver_out = Log::follow(driver.child.stdout.take().expect("stdout is piped"));
    let started_line = driver_out.wait_for("started successfully on port", &mut driver.child);
    let wd_port: u16 = started_line
        .trim_end_matches('.')
        .rsplit(' ')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {started_line:?}"));
    let wd_addr = SocketAddr::from(([127, 0, 0, 1], wd_port));

    for (listener, origin) in [(allowed, &allowed_origin), (refused, &refused_origin)] {
        let page = widget_page(&base, origin);
        let app = axum::Router::new().route(
            "/",
            axum::routing::get(move || {
                let page = page.clone();
                async move { axum::response::Html(page) }
            }),
        );
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
    }
    let ready_at = started.elapsed();

    let user_data = tmp.path().join("chrome-profile");
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chrome,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars",
                "--lang=ja", "--window-size=1280,1400",
                format!("--user-data-dir={}", user_data.display()),
            ]
        }
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://{wd_addr}"))
        .await
        .unwrap_or_else(|e| {
            let text = std::fs::read_to_string(&wd_log).unwrap_or_default();
            let out = driver_out.so_far().join("\n");
            panic!("could not open a Chromium session through chromedriver: {e}\n{out}\n{text}")
        });
    let client = c.clone();
    let b = Browser { c, shots };
    let urls = (base.clone(), allowed_origin.clone(), refused_origin.clone());

    // the scenarios run as a task so that a failing one still lets the
    // session close (which quits Chromium) before the panic is passed on
    let scenarios = tokio::spawn(async move {
        let (base, allowed_origin, refused_origin) = urls;
        ui_works_under_its_content_security_policy(&b, &base).await;
        search_with_suggestions_and_facets(&b, &base).await;
        synonyms_and_pagination(&b, &base).await;
        search_errors_and_escaping(&b, &base).await;
        measure_page_and_related(&b, &base).await;
        overlaps_page(&b, &base).await;
        similar_page(&b, &base).await;
        widget_on_allowed_origin(&b, &base, &allowed_origin).await;
        widget_on_refused_origin(&b, &refused_origin).await;
        narrow_window(&b, &base).await;
        what_staff_see(&b, &base).await;
        overlaps_to_work_with(&b, &base).await;
        phone_width(&b, &base).await;
        prints_cleanly(&b, &base).await;
    });
    let outcome = tokio::time::timeout(Duration::from_secs(300), scenarios).await;
    let _ = client.close().await;
    drop(driver);
    drop(server);
    match outcome {
        Err(_) => panic!("the browser scenarios took longer than 300 s"),
        Ok(Err(e)) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Ok(Err(e)) => panic!("the browser scenarios did not finish: {e}"),
        Ok(Ok(())) => {}
    }
    eprintln!(
        "browser end-to-end: ready after {:.1} s, all scenarios after {:.1} s",
        ready_at.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

/// The HTML page of another site that embeds the widget with one tag.
fn widget_page(base: &str, origin: &str) -> String {
    format!(
        r##"<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>庁内ポータル（{origin}）</title>
<style>
  /* hostile page styles: none of this may reach the widget */
  * {{ color: rgb(255, 0, 0) !important; font-family: serif; }}
  a {{ text-decoration: line-through; }}
  ul, li {{ display: inline; margin: 0; padding: 0; }}
  input {{ border: 5px dashed green; }}
  body {{ margin: 2rem; }}
</style>
</head>
<body>
<h1>庁内ポータル</h1>
<p id="outside">このページは別のオリジン {origin} から配信されています。</p>
<ul id="page-list"><li>ページ自身のリスト</li></ul>
<div id="box"></div>
<script src="{base}/widget.js" data-target="#box" data-placeholder="施策を検索" data-limit="3"></script>
</body>
</html>"##
    )
}

// ------------------------------------------------------------------ scenarios

/// Type a query: suggestions (keyboard: ↓, Esc, Enter), results, facet counts;
/// a facet narrows the results and counts; the URL carries the state through
/// back, forward and reload.
/// The pages are served with a Content-Security-Policy (no inline or
/// eval'd script): it is in force in the browser, and the UI's own work
/// (listing, suggestions, a search) violates none of it.
async fn ui_works_under_its_content_security_policy(b: &Browser, base: &str) {
    b.goto(&format!("{base}/")).await;
    b.until_count("results under the CSP", "#results .hit", 10)
        .await;
    // an inline script added to the page does not run
    let inline = b
        .js(
            "var s = document.createElement('script'); s.textContent = 'window.__inline = 1;'; \
             document.head.appendChild(s); return window.__inline === 1 ? 'ran' : 'blocked';",
        )
        .await;
    assert_eq!(inline, "blocked", "the CSP is not in force");
    b.js(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', \
          e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI)); return true;",
    )
    .await;
    let q = b.find("#q").await;
    q.send_keys("相談").await.unwrap();
    q.send_keys(&key(Key::Enter)).await.unwrap();
    b.until("a search under the CSP", "return location.search;", |v| {
        v.as_str().is_some_and(|s| s.contains("q="))
    })
    .await;
    b.until(
        "results of the search",
        "return document.querySelectorAll('#results .hit').length;",
        |v| v.as_u64().unwrap_or(0) > 0,
    )
    .await;
    let violations = b.js("return window.__csp;").await;
    assert_eq!(violations, serde_json::json!([]), "CSP violations");
}

async fn search_with_suggestions_and_facets(b: &Browser, base: &str) {
    b.goto(&format!("{base}/")).await;
    assert_eq!(b.js("return document.documentElement.lang;").await, "ja");
    // the empty query lists everything, with facets
    b.until_count("all measures listed", "#results .hit", 10)
        .await;
    let q = b.find("#q").await;
    assert_eq!(q.attr("role").await.unwrap().as_deref(), Some("combobox"));
    let label = b.text("label[for=q]").await;
    assert_eq!(label, "検索語");

    // a long facet folds after 8 values; the button shows the rest
    let pillars = "return document.querySelectorAll('#facet-pillar input').length;";
    assert_eq!(b.js(pillars).await, 8);
    let more = b.find("#facet-pillar .more").await;
    assert_eq!(more.text().await.unwrap(), "さらに表示（全10件）");
    more.click().await.unwrap();
    assert_eq!(b.js(pillars).await, 10);
    assert_eq!(
        b.find("#facet-pillar .more")
            .await
            .attr("aria-expanded")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );

    // suggestions by reading: げーと → ゲートキーパー
    q.send_keys("げーと").await.unwrap();
    b.until_count(
        "suggestions for げーと",
        "#suggestions:not([hidden]) [role=option]",
        1,
    )
    .await;
    assert_eq!(
        q.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );
    let first = b.text("#suggestion-0 .suggestion-text").await;
    assert_eq!(first, "ゲートキーパー");
    b.screenshot("search-suggestions").await;
    q.send_keys(&key(Key::Down)).await.unwrap();
    assert_eq!(
        q.attr("aria-activedescendant").await.unwrap().as_deref(),
        Some("suggestion-0")
    );
    assert_eq!(
        b.find("#suggestion-0")
            .await
            .attr("aria-selected")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    q.send_keys(&key(Key::Escape)).await.unwrap();
    b.until(
        "Esc closes the suggestions",
        "return document.getElementById('suggestions').hidden;",
        |v| v == &Value::Bool(true),
    )
    .await;
    q.send_keys(&key(Key::Down)).await.unwrap();
    q.send_keys(&key(Key::Enter)).await.unwrap();
    b.until(
        "Enter on a suggestion searches for it",
        "return document.getElementById('q').value;",
        |v| v == "ゲートキーパー",
    )
    .await;
    b.until(
        "results for ゲートキーパー",
        "const h = document.querySelector('#results .hit-title mark'); return h ? h.textContent : null;",
        |v| v.as_str().is_some_and(|s| s.contains("ゲートキーパー")),
    )
    .await;
    assert!(decoded(&b.url().await).contains("q=ゲートキーパー"));

    // a typed query with Enter; the facet sidebar shows Japanese labels and counts
    q.clear().await.unwrap();
    q.send_keys("相談").await.unwrap();
    b.until_count(
        "suggestions for 相談",
        "#suggestions:not([hidden]) [role=option]",
        1,
    )
    .await;
    q.send_keys(&key(Key::Escape)).await.unwrap();
    q.send_keys(&key(Key::Enter)).await.unwrap();
    b.until(
        "6 results for 相談",
        "return document.getElementById('result-status').textContent;",
        |v| v.as_str().is_some_and(|s| s.starts_with("6件中")),
    )
    .await;
    let legends = b
        .js("return [...document.querySelectorAll('#facet-groups legend')].map(l => l.textContent);")
        .await;
    for want in ["計画", "計画の種類", "自治体", "担当部署", "階層"] {
        assert!(
            legends.as_array().unwrap().iter().any(|l| l == want),
            "facet {want} missing from {legends}"
        );
    }
    let kinds = b
        .js("return [...document.querySelectorAll('#facet-plan_kind .facet-value')].map(l => l.textContent);")
        .await;
    assert!(
        kinds.as_array().unwrap().iter().any(|k| k == "自殺対策"),
        "{kinds}"
    );
    let levels = b
        .js("return [...document.querySelectorAll('#facet-level .facet-value')].map(l => l.textContent);")
        .await;
    assert!(
        levels.as_array().unwrap().iter().any(|k| k == "取組"),
        "{levels}"
    );
    let count_of = r#"const i = document.querySelector('input[data-facet="municipality"][data-value="さくら市"]');
        return i ? i.closest('li').querySelector('.count').textContent : null;"#;
    assert_eq!(b.js(count_of).await, "4件");
    // results show plan badge, level, departments and 出典
    let hit = b.text("#results .hit").await;
    assert!(hit.contains("出典: "), "{hit}");
    b.screenshot("search-results").await;

    // apply a facet from the keyboard: focus the checkbox, press Space
    let dept = b
        .find(r#"input[data-facet="department"][data-value="健康福祉局"]"#)
        .await;
    b.js(r#"document.querySelector('input[data-facet="department"][data-value="健康福祉局"]').focus();"#)
        .await;
    dept.send_keys(" ").await.unwrap();
    b.until(
        "the department facet narrows the results",
        "return document.getElementById('result-status').textContent;",
        |v| v.as_str().is_some_and(|s| s.starts_with("2件中")),
    )
    .await;
    assert_eq!(
        b.js(count_of).await,
        "2件",
        "facet counts follow the filter"
    );
    let focused = b
        .js("return document.activeElement.dataset.value || null;")
        .await;
    assert_eq!(
        focused, "健康福祉局",
        "focus stays on the checkbox after the update"
    );
    let outline = b
        .js("return getComputedStyle(document.activeElement).outlineStyle;")
        .await;
    assert_ne!(outline, "none", "focused checkbox shows an outline");
    assert!(decoded(&b.url().await).contains("department=健康福祉局"));
    let chips = b.text("#selected-filters").await;
    assert!(chips.contains("担当部署: 健康福祉局"), "{chips}");
    // a second value of the same facet is an OR (repeated parameter)
    b.find(r#"input[data-facet="department"][data-value="市民局"]"#)
        .await
        .click()
        .await
        .unwrap();
    b.until(
        "two departments: OR",
        "return document.getElementById('result-status').textContent;",
        |v| v.as_str().is_some_and(|s| s.starts_with("3件中")),
    )
    .await;
    let url = decoded(&b.url().await);
    assert!(
        url.contains("department=健康福祉局&department=市民局"),
        "{url}"
    );
    b.screenshot("search-facets").await;

    // back, forward, reload
    b.c.back().await.unwrap();
    b.until(
        "back: one department again",
        "return document.getElementById('result-status').textContent;",
        |v| v.as_str().is_some_and(|s| s.starts_with("2件中")),
    )
    .await;
    b.c.back().await.unwrap();
    b.until(
        "back: no facet",
        "return document.getElementById('result-status').textContent;",
        |v| v.as_str().is_some_and(|s| s.starts_with("6件中")),
    )
    .await;
    b.c.forward().await.unwrap();
    b.until(
        "forward: one department",
        "return document.getElementById('result-status').textContent;",
        |v| v.as_str().is_some_and(|s| s.starts_with("2件中")),
    )
    .await;
    b.c.refresh().await.unwrap();
    b.until(
        "reload keeps query and facet",
        r#"const i = document.querySelector('input[data-facet="department"][data-value="健康福祉局"]');
           return [document.getElementById('q').value, !!(i && i.checked),
                   document.getElementById('result-status').textContent];"#,
        |v| v[0] == "相談" && v[1] == true && v[2].as_str().is_some_and(|s| s.starts_with("2件中")),
    )
    .await;

    // sort and the synonyms toggle are part of the state too
    b.find("#sort")
        .await
        .select_by_value("document")
        .await
        .unwrap();
    b.until("sort in the URL", "return location.search;", |v| {
        v.as_str().is_some_and(|s| s.contains("sort=document"))
    })
    .await;
    b.find("#synonyms").await.click().await.unwrap();
    b.until("synonyms off in the URL", "return location.search;", |v| {
        v.as_str().is_some_and(|s| s.contains("synonyms=off"))
    })
    .await;
}

/// The applied synonym expansions are shown and switch off with the toggle;
/// pages are links that keep the rest of the state.
async fn synonyms_and_pagination(b: &Browser, base: &str) {
    b.goto(&format!(
        "{base}/?q=%E9%85%8D%E5%81%B6%E8%80%85%E7%AD%89%E3%81%8B%E3%82%89%E3%81%AE%E6%9A%B4%E5%8A%9B"
    ))
    .await;
    let exp = b
        .until(
            "the synonym expansion shown",
            "return document.getElementById('expansions').textContent;",
            |v| v.as_str().is_some_and(|s| !s.is_empty()),
        )
        .await;
    let exp = exp.as_str().unwrap();
    assert!(
        exp.starts_with("同義語展開: 配偶者等からの暴力 → ") && exp.contains("配偶者暴力"),
        "{exp}"
    );
    b.find("#synonyms").await.click().await.unwrap();
    b.until(
        "no expansion with synonyms off",
        "return [location.search.includes('synonyms=off'), document.getElementById('expansions').textContent];",
        |v| v[0] == true && v[1] == "",
    )
    .await;

    b.goto(&format!("{base}/?per_page=5&sort=document")).await;
    b.until(
        "page 1 of 3",
        "return document.getElementById('result-status').textContent;",
        |v| v.as_str().is_some_and(|s| s.starts_with("13件中 1〜5件目")),
    )
    .await;
    assert_eq!(
        b.js("return document.querySelectorAll('#pager a').length;")
            .await,
        4
    );
    b.find("#pager a[aria-label='次のページ']")
        .await
        .click()
        .await
        .unwrap();
    b.until(
        "page 2",
        "return document.getElementById('result-status').textContent;",
        |v| {
            v.as_str()
                .is_some_and(|s| s.starts_with("13件中 6〜10件目"))
        },
    )
    .await;
    let search = b.js("return location.search;").await;
    let search = search.as_str().unwrap();
    assert!(
        search.contains("page=2")
            && search.contains("per_page=5")
            && search.contains("sort=document"),
        "{search}"
    );
    let current = b.text("#pager a[aria-current=page]").await;
    assert_eq!(current, "2");
    b.screenshot("search-pagination").await;
}

/// API errors show as Japanese messages, never a blank page; titles with
/// markup characters are shown as text.
async fn search_errors_and_escaping(b: &Browser, base: &str) {
    b.goto(&format!("{base}/?q=%E7%9B%B8%E8%AB%87&per_page=1000"))
        .await;
    let err = b
        .until(
            "the API's error shown",
            "const e = document.querySelector('#search-error .error'); return e ? e.textContent : null;",
            |v| v.is_string(),
        )
        .await;
    let err = err.as_str().unwrap();
    // Japanese throughout: the parameter by its Japanese name, no English
    assert_eq!(
        err,
        "検索できませんでした: 「表示件数」の値が正しくありません。"
    );
    b.screenshot("search-error").await;
    b.goto(&format!("{base}/?q=%22%E7%9B%B8%E8%AB%87")).await;
    let err = b
        .until(
            "an unbalanced quote explained",
            "const e = document.querySelector('#search-error .error'); return e ? e.textContent : null;",
            |v| v.is_string(),
        )
        .await;
    let err = err.as_str().unwrap();
    assert!(
        err.starts_with("検索できませんでした: 検索語の書き方に誤り"),
        "{err}"
    );
    assert!(
        !err.contains("unbalanced") && !err.contains("quote"),
        "English in: {err}"
    );

    b.goto(&format!("{base}/measure/no-such-measure")).await;
    let err = b
        .until(
            "a missing measure explained",
            "const e = document.querySelector('main .error'); return e ? e.textContent : null;",
            |v| v.is_string(),
        )
        .await;
    assert_eq!(
        err.as_str().unwrap(),
        "施策を表示できませんでした: 指定の施策またはページが見つかりません。"
    );

    // a title containing <b> and & is text, not markup
    b.goto(&format!("{base}/?q=%E6%83%85%E5%A0%B1%E7%99%BA%E4%BF%A1"))
        .await;
    b.until_count("results for 情報発信", "#results .hit", 1)
        .await;
    let title = b.text("#results .hit-title").await;
    assert!(title.contains("<b>強調</b> & 周知"), "{title}");
    assert_eq!(
        b.js("return document.querySelectorAll('#results b').length;")
            .await,
        0
    );
}

/// The measure page shows every field and 出典; related measures link to
/// their pages; the same-plan toggle widens the list.
async fn measure_page_and_related(b: &Browser, base: &str) {
    b.goto(&format!(
        "{base}/?q=%E3%82%B2%E3%83%BC%E3%83%88%E3%82%AD%E3%83%BC%E3%83%91%E3%83%BC"
    ))
    .await;
    b.until_count("results for ゲートキーパー", "#results .hit", 1)
        .await;
    b.find(r#"#results a[href="/measure/sakura-suicide-gatekeeper"]"#)
        .await
        .click()
        .await
        .unwrap();
    let prov = b
        .until(
            "出典 on the measure page",
            "const p = document.getElementById('provenance'); return p ? p.textContent : null;",
            |v| v.is_string(),
        )
        .await;
    // the document by its manifest description, then the file name
    assert_eq!(
        prov,
        "出典: さくら市自殺対策計画（試験用）、1行目 ファイル suicide.jsonl"
    );
    assert_eq!(b.text("h1").await, "ゲートキーパー養成講座の開催");
    let fields = b.text(".fields").await;
    for want in [
        "さくら市自殺対策計画",
        "自殺対策",
        "基本施策1 地域におけるネットワークの強化",
        "健康福祉局",
        "精神保健福祉室",
        "p. 12",
    ] {
        assert!(
            fields.contains(want),
            "{want} missing from the fields:\n{fields}"
        );
    }
    let heads = b
        .js("return [...document.querySelectorAll('table.progress thead th')].map(t => t.textContent);")
        .await;
    assert_eq!(
        heads,
        json!(["年度", "実施状況", "評価", "達成度", "今後の計画", "課題"])
    );
    let progress = b.text("table.progress tbody").await;
    assert!(
        progress.contains("令和3年度") && progress.contains("市職員向け講座を3回開催"),
        "{progress}"
    );
    let indicators = b.text("table.indicators").await;
    assert!(
        indicators.contains("ゲートキーパー養成数") && indicators.contains("1,000人"),
        "{indicators}"
    );

    // related measures in other plans, with score and shared terms
    b.until_count("related measures", "#related-list .related-item", 1)
        .await;
    let first = b.text("#related-list .related-item").await;
    assert!(first.contains("地域の見守り人材の育成"), "{first}");
    assert!(first.contains("類似度"), "{first}");
    assert!(
        b.until_count("shared-term chips", "#related-list .chip", 1)
            .await
            >= 1,
        "shared terms shown"
    );
    let own_plan = "return [...document.querySelectorAll('#related-list a')].filter(a => a.getAttribute('href').startsWith('/measure/sakura-suicide-')).length;";
    assert_eq!(b.js(own_plan).await, 0, "other plans only by default");
    b.screenshot("measure").await;

    b.find("#all-plans").await.click().await.unwrap();
    b.until("same-plan measures included", own_plan, |v| {
        v.as_u64().unwrap_or(0) >= 1
    })
    .await;
    assert!(b.url().await.ends_with("?all_plans=on"));
    b.find("#all-plans").await.click().await.unwrap();
    b.until("back to other plans only", own_plan, |v| v == 0)
        .await;

    // follow the related link
    b.find(r#"#related-list a[href="/measure/momiji-welfare-watch"]"#)
        .await
        .click()
        .await
        .unwrap();
    b.until(
        "the related measure's page",
        "const h = document.getElementById('measure-title'); return h ? h.textContent : null;",
        |v| v == "地域の見守り人材の育成",
    )
    .await;
    assert!(b.url().await.ends_with("/measure/momiji-welfare-watch"));
    let fields = b.text(".fields").await;
    assert!(
        fields.contains("主な活動の単位") && fields.contains("校区"),
        "{fields}"
    );
    b.until_count(
        "related back to the gatekeeper course",
        r#"#related-list a[href="/measure/sakura-suicide-gatekeeper"]"#,
        1,
    )
    .await;

    // implementing bodies ◎/○
    b.goto(&format!("{base}/measure/momiji-welfare-salon"))
        .await;
    let bodies = b.text(".fields .bodies").await;
    assert!(
        bodies.contains("◎ 社会福祉協議会") && bodies.contains("○ 自治会"),
        "{bodies}"
    );
    b.screenshot("measure-bodies").await;
}

/// The threshold field of the overlap page.
async fn threshold(b: &Browser) -> Option<String> {
    b.find("#threshold").await.prop("value").await.unwrap()
}

/// The overlap page draws the plan × plan matrix, lists clusters and pairs,
/// follows the threshold, and links the CSV.
async fn overlaps_page(b: &Browser, base: &str) {
    // the default threshold, then one the fixture's pairs straddle
    b.goto(&format!("{base}/overlaps")).await;
    b.until_count("the heat map", "svg#overlap-matrix .cell rect", 9)
        .await;
    assert_eq!(threshold(b).await.as_deref(), Some("0.35"));
    b.goto(&format!("{base}/overlaps?threshold=0.3")).await;
    b.until_count("the heat map", "svg#overlap-matrix .cell rect", 9)
        .await;
    let labels = b
        .js("return [...document.querySelectorAll('#overlap-matrix .row-label')].map(t => t.textContent);")
        .await;
    assert_eq!(
        labels,
        json!([
            "さくら市男女共同参画計画",
            "さくら市自殺対策計画",
            "もみじ町地域福祉計画"
        ])
    );
    let cells = b
        .js("return [...document.querySelectorAll('#overlap-matrix .cell text')].map(t => t.textContent);")
        .await;
    assert_eq!(cells, json!(["—", "1", "1", "1", "—", "0", "1", "0", "—"]));
    assert_eq!(threshold(b).await.as_deref(), Some("0.3"));
    b.until_count(
        "a cluster with linked measures",
        "#clusters .cluster a[href^='/measure/']",
        4,
    )
    .await;
    assert_eq!(
        b.js("return document.querySelectorAll('#pairs tbody tr').length;")
            .await,
        2
    );
    let csv = b
        .find("#csv-link")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(
        csv.starts_with("/api/overlaps?") && csv.contains("format=csv"),
        "{csv}"
    );
    let head = b
        .until(
            "the CSV downloads",
            "if (!window.__csv) { window.__csv = 'pending'; fetch(document.getElementById('csv-link').href).then(r => r.arrayBuffer()).then(b => window.__csv = [...new Uint8Array(b).slice(0, 3)].join(',') + '|' + new TextDecoder().decode(b)); } return window.__csv;",
            |v| v.as_str().is_some_and(|s| s != "pending"),
        )
        .await;
    // UTF-8 with BOM (for Excel), Japanese headers
    assert!(
        head.as_str().unwrap().starts_with("239,187,191|類似度,"),
        "{head}"
    );
    b.screenshot("overlaps").await;

    let t = b.find("#threshold").await;
    t.clear().await.unwrap();
    t.send_keys("0.401").await.unwrap();
    t.send_keys(&key(Key::Enter)).await.unwrap();
    b.until(
        "a higher threshold keeps one pair",
        "return document.querySelectorAll('#pairs tbody tr').length;",
        |v| v == 1,
    )
    .await;
    assert!(b.url().await.ends_with("/overlaps?threshold=0.401"));
    let csv = b
        .find("#csv-link")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(csv.contains("threshold=0.401"), "{csv}");
}

/// The wording-reuse page marks the shared spans of the closest sentences.
async fn similar_page(b: &Browser, base: &str) {
    b.goto(&format!("{base}/similar")).await;
    b.find("#similar-form button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    let empty = b.text("#similar-results .error").await;
    assert_eq!(empty, "文章を入力してください。");
    let draft = b.find("#draft").await;
    draft
        .send_keys("生活の悩みに関する相談窓口を一覧にしたリーフレットを作成する。\nまったく新しい取組として宇宙開発を進める。")
        .await
        .unwrap();
    b.find("#similar-form button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    b.until_count("two draft sentences", "#similar-results .sentence", 2)
        .await;
    b.until_count("marked matches", "#similar-results .match-text mark", 1)
        .await;
    let link = b
        .js("const a = document.querySelector('#similar-results .match a[href^=\"/measure/\"]'); return a ? a.getAttribute('href') : null;")
        .await;
    assert!(link.is_string(), "a match links to its measure");
    let first = b.text("#similar-results .match").await;
    assert!(
        first.contains("類似度") && first.contains("出典: "),
        "{first}"
    );
    // every match has a mark, and every mark is whole words
    let marks = b
        .js("return [...document.querySelectorAll('#similar-results .match-text')].map(m => m.querySelectorAll('mark').length);")
        .await;
    assert!(
        marks
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n.as_u64().unwrap_or(0) > 0),
        "{marks}"
    );
    assert!(b.find("#similar-csv").await.is_displayed().await.unwrap());
    // the CSV of the same request: BOM, Japanese headers, one row per match
    let csv = b
        .until(
            "the wording-reuse CSV",
            "if (!window.__sim) { window.__sim = 'pending'; fetch('/api/similar?format=csv', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({text: document.getElementById('draft').value, limit: 5})}).then(r => r.arrayBuffer()).then(b => window.__sim = [...new Uint8Array(b).slice(0, 3)].join(',') + '|' + new TextDecoder().decode(b)); } return window.__sim;",
            |v| v.as_str().is_some_and(|s| s != "pending"),
        )
        .await;
    let csv = csv.as_str().unwrap();
    assert!(
        csv.starts_with("239,187,191|文番号,下書きの文,類似度,"),
        "{csv}"
    );
    let shown = b
        .js("return document.querySelectorAll('#similar-results .match').length + document.querySelectorAll('#similar-results .sentence:not(:has(.match))').length;")
        .await;
    assert_eq!(
        csv.trim_end().lines().count() as u64,
        shown.as_u64().unwrap() + 1,
        "{csv}"
    );
    b.screenshot("similar").await;
}

/// The widget on a page of an allowed origin: results from the service,
/// keyboard navigation, no style leaks either way.
async fn widget_on_allowed_origin(b: &Browser, base: &str, origin: &str) {
    b.goto(&format!("{origin}/")).await;
    let host = b.find("#box").await;
    let root = host
        .shadow_root()
        .await
        .expect("the widget renders in a shadow root");
    let input = root.find(Locator::Css("input")).await.unwrap();
    assert_eq!(
        input.attr("placeholder").await.unwrap().as_deref(),
        Some("施策を検索")
    );
    input.send_keys("相談").await.unwrap();
    let options = "const r = document.querySelector('#box').shadowRoot; return r.querySelectorAll('[role=option] a').length;";
    b.until("widget results", options, |v| v.as_u64().unwrap_or(0) >= 3)
        .await;
    let hrefs = b
        .js("return [...document.querySelector('#box').shadowRoot.querySelectorAll('[role=option] a')].map(a => a.href);")
        .await;
    let hrefs: Vec<&str> = hrefs
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        hrefs.len(),
        4,
        "data-limit=3 results and the see-all link: {hrefs:?}"
    );
    assert!(
        hrefs[..3]
            .iter()
            .all(|h| h.starts_with(&format!("{base}/measure/"))),
        "{hrefs:?}"
    );
    assert!(hrefs[3].starts_with(&format!("{base}/?q=")), "{hrefs:?}");
    // plan names hold 「・」: the meta line's parts are set apart by ／
    let meta = b
        .js("return document.querySelector('#box').shadowRoot.querySelector('.meta').textContent;")
        .await;
    assert!(meta.as_str().unwrap().contains(" ／ "), "{meta}");
    // styles: the page's red does not reach the widget; the widget's do not reach the page
    let colors = b
        .js(r#"const r = document.querySelector('#box').shadowRoot;
               return [getComputedStyle(r.querySelector('[role=option] a')).color,
                       getComputedStyle(r.querySelector('[role=option] a')).textDecorationLine,
                       getComputedStyle(r.querySelector('input')).color,
                       getComputedStyle(r.querySelector('input')).borderTopStyle,
                       getComputedStyle(r.querySelector('input')).fontFamily.startsWith('serif'),
                       getComputedStyle(document.getElementById('outside')).color,
                       getComputedStyle(document.querySelector('#page-list li')).paddingLeft];"#)
        .await;
    assert_eq!(
        colors,
        json!([
            "rgb(29, 78, 216)",
            "none",
            "rgb(31, 41, 55)",
            "solid",
            false,
            "rgb(255, 0, 0)",
            "0px"
        ])
    );
    b.screenshot("widget").await;
    input.send_keys(&key(Key::Down)).await.unwrap();
    assert_eq!(
        input
            .attr("aria-activedescendant")
            .await
            .unwrap()
            .as_deref(),
        Some("r0")
    );
    input.send_keys(&key(Key::Enter)).await.unwrap();
    b.until(
        "Enter opens the measure page on the service",
        "return location.href;",
        |v| {
            v.as_str()
                .is_some_and(|u| u.starts_with(&format!("{base}/measure/")))
        },
    )
    .await;
    b.until_count("the measure page", "#provenance", 1).await;
}

/// The widget on a page of an origin the server does not allow: an error
/// line, no results.
async fn widget_on_refused_origin(b: &Browser, origin: &str) {
    b.goto(&format!("{origin}/")).await;
    let root = b.find("#box").await.shadow_root().await.unwrap();
    let input = root.find(Locator::Css("input")).await.unwrap();
    input.send_keys("相談").await.unwrap();
    let err = b
        .until(
            "the widget reports the refusal",
            "const e = document.querySelector('#box').shadowRoot.querySelector('.err'); return e && !e.hidden ? e.textContent : null;",
            |v| v.is_string(),
        )
        .await;
    assert!(
        err.as_str().unwrap().starts_with("検索できませんでした"),
        "{err}"
    );
    let n = b
        .js("return document.querySelector('#box').shadowRoot.querySelectorAll('[role=option]').length;")
        .await;
    assert_eq!(n, 0, "no results on a refused origin");
    b.screenshot("widget-refused").await;
}

/// At 640 CSS px wide (a 1280 px window at 200 % zoom) the pages reflow:
/// nothing scrolls sideways.
async fn narrow_window(b: &Browser, base: &str) {
    b.c.set_window_size(640, 1200).await.unwrap();
    let overflow =
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;";
    b.goto(&format!("{base}/?q=%E7%9B%B8%E8%AB%87")).await;
    b.until_count("results at 640 px", "#results .hit", 1).await;
    assert_eq!(
        b.js(overflow).await,
        0,
        "search page scrolls sideways at 640 px"
    );
    b.screenshot("search-narrow").await;
    b.goto(&format!("{base}/measure/sakura-suicide-gatekeeper"))
        .await;
    b.until_count("measure at 640 px", "#provenance", 1).await;
    assert_eq!(
        b.js(overflow).await,
        0,
        "measure page scrolls sideways at 640 px"
    );
    b.screenshot("measure-narrow").await;
    b.goto(&format!("{base}/overlaps")).await;
    b.until_count("overlaps at 640 px", "svg#overlap-matrix", 1)
        .await;
    assert_eq!(
        b.js(overflow).await,
        0,
        "overlap page scrolls sideways at 640 px"
    );
    b.screenshot("overlaps-narrow").await;
}

/// Fetches `url` in the page: the first three bytes and the text.
async fn fetch_head(b: &Browser, what: &str, url: &str) -> String {
    let script = format!(
        "if (window.__f !== {u}) {{ window.__f = {u}; window.__got = 'pending'; fetch({u}).then(r => r.arrayBuffer()).then(b => window.__got = [...new Uint8Array(b).slice(0, 3)].join(',') + '|' + new TextDecoder().decode(b)); }} return window.__got;",
        u = json!(url)
    );
    b.until(what, &script, |v| {
        v.as_str().is_some_and(|s| s != "pending")
    })
    .await
    .as_str()
    .unwrap()
    .to_string()
}

/// Every hit says why it matched (a match only in progress text is shown
/// from that text, named); results export to CSV (every hit, BOM); sort by
/// plan and year; the implementing-body facet; the favicon.
async fn what_staff_see(b: &Browser, base: &str) {
    b.c.set_window_size(1280, 1400).await.unwrap();
    // 受講 stands only in the progress text of the ゲートキーパー measure
    b.goto(&format!("{base}/?q=%E5%8F%97%E8%AC%9B")).await;
    b.until_count("results for 受講", "#results .hit", 1).await;
    let snippet = b.text("#results .hit .snippet").await;
    assert!(snippet.starts_with("進捗（令和3年度）: "), "{snippet}");
    let marks = b
        .js("return [...document.querySelectorAll('#results .hit')].map(h => h.querySelectorAll('mark').length);")
        .await;
    assert!(
        marks
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n.as_u64().unwrap_or(0) > 0),
        "every hit has a mark: {marks}"
    );
    b.screenshot("search-progress-match").await;

    // all hits in the CSV, not one page
    b.goto(&format!("{base}/?q=%E7%9B%B8%E8%AB%87&per_page=1"))
        .await;
    b.until_count("one hit per page", "#results .hit", 1).await;
    let total: u64 = b
        .js("return fetch('/api/search?q=%E7%9B%B8%E8%AB%87').then(r => r.json()).then(j => j.total);")
        .await
        .as_u64()
        .unwrap();
    assert!(total > 1);
    let href = b
        .find("#search-csv")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(
        href.contains("format=csv") && !href.contains("per_page"),
        "{href}"
    );
    let csv = fetch_head(b, "the search CSV", &href).await;
    assert!(csv.starts_with("239,187,191|順位,施策名,計画,"), "{csv}");
    assert_eq!(csv.trim_end().lines().count() as u64, total + 1, "{csv}");

    // sort by plan and by year; department sort names the missing department
    let sorts = b
        .js("return [...document.querySelectorAll('#sort option')].map(o => o.value);")
        .await;
    assert_eq!(
        sorts,
        json!(["relevance", "document", "department", "plan", "year"])
    );
    b.goto(&format!("{base}/?sort=department")).await;
    b.until_count("sorted by department", "#results .hit", 1)
        .await;
    b.goto(&format!("{base}/?sort=department&page=2")).await;
    b.until(
        "records without a department are listed, named",
        "return [...document.querySelectorAll('#results .group-label')].map(g => g.textContent).join('|');",
        |v| v.as_str().is_some_and(|s| s.contains("担当部署の記載なし")),
    )
    .await;
    b.screenshot("search-sorted-by-department").await;

    // the implementing bodies of the welfare plan: a facet of their own
    b.goto(&format!("{base}/")).await;
    b.until_count("the body facet", "#facet-body input", 1)
        .await;
    assert_eq!(b.text("#facet-body legend").await, "実施主体");

    // the favicon
    let icon = b
        .js("return fetch('/favicon.ico').then(r => r.status + ' ' + r.headers.get('content-type'));")
        .await;
    assert_eq!(icon, "200 image/x-icon");
}

/// The overlap page: in-page navigation, pairs before clusters, heat-map
/// cells that show that pair of plans, a sortable and filterable pairs
/// table, clusters numbered 1-based as in the JSON and CSV, and a visible
/// Japanese error for an invalid threshold.
async fn overlaps_to_work_with(b: &Browser, base: &str) {
    b.goto(&format!("{base}/overlaps?threshold=0.3")).await;
    b.until_count("the pairs", "#pairs tbody tr", 2).await;
    let order = b
        .js("return [...document.querySelectorAll('#overlap-report h2')].map(h => h.id);")
        .await;
    assert_eq!(order, json!(["matrix-h", "pairs-h", "clusters-h"]));
    let nav = b
        .js("return [...document.querySelectorAll('.overlap-nav a')].map(a => a.getAttribute('href'));")
        .await;
    assert_eq!(nav, json!(["#matrix-h", "#pairs-h", "#clusters-h"]));
    // clusters: 1-based in the JSON and on screen alike
    let json_numbers = b
        .js("return fetch('/api/overlaps?threshold=0.3').then(r => r.json()).then(j => j.clusters.map(c => c.number));")
        .await;
    assert_eq!(json_numbers[0], 1, "{json_numbers}");
    let shown = b
        .js("return [...document.querySelectorAll('#clusters .cluster h3')].map(h => parseInt(h.textContent.replace('クラスタ ', ''), 10));")
        .await;
    assert_eq!(shown, json_numbers);

    // a heat-map cell shows the pairs of its two plans
    b.find("#overlap-matrix a.cell-link")
        .await
        .click()
        .await
        .unwrap();
    let url = decoded(&b.url().await);
    assert!(
        url.contains("a=") && url.contains("b=") && url.ends_with("#pairs-h"),
        "{url}"
    );
    let rows = b
        .js("return [...document.querySelectorAll('#pairs tbody tr')].map(r => r.textContent);")
        .await;
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    assert!(
        b.text("#pairs-count").await.contains("2件中 1件"),
        "{}",
        b.text("#pairs-count").await
    );
    b.screenshot("overlaps-plan-pair").await;
    // the filter by words, then every pair again
    b.js("const s = document.getElementById('pairs-plans'); s.value = ''; s.dispatchEvent(new Event('change'));")
        .await;
    b.until_count("every pair again", "#pairs tbody tr", 2)
        .await;
    let words = b.find("#pairs-words").await;
    words.send_keys("暴力").await.unwrap();
    b.until(
        "the word filter",
        "return document.querySelectorAll('#pairs tbody tr').length;",
        |v| v == 1,
    )
    .await;
    words.clear().await.unwrap();
    b.js("document.getElementById('pairs-words').dispatchEvent(new Event('input'));")
        .await;
    b.until_count("every pair", "#pairs tbody tr", 2).await;
    // sorting by score: the lowest first after a second click
    let scores = "return [...document.querySelectorAll('#pairs tbody tr td:first-child')].map(t => Number(t.textContent));";
    let before = b.js(scores).await;
    b.find("#pairs .sort-button[data-sort=score]")
        .await
        .click()
        .await
        .unwrap();
    let after = b.js(scores).await;
    let mut reversed = before.as_array().unwrap().clone();
    reversed.reverse();
    assert_eq!(after, Value::Array(reversed));
    assert_eq!(
        b.find("#pairs th[aria-sort=ascending] .sort-button")
            .await
            .text()
            .await
            .unwrap(),
        "類似度"
    );

    // an invalid threshold is refused visibly, in Japanese, and not replaced
    for bad in ["1.5", "-1", "abc"] {
        let t = b.find("#threshold").await;
        t.clear().await.unwrap();
        t.send_keys(bad).await.unwrap();
        t.send_keys(&key(Key::Enter)).await.unwrap();
        let err = b
            .until(
                "the threshold error",
                "const e = document.getElementById('threshold-error'); return e && !e.hidden ? e.textContent : null;",
                |v| v.is_string(),
            )
            .await;
        assert!(err.as_str().unwrap().contains("0から1までの数"), "{err}");
        assert_eq!(threshold(b).await.as_deref(), Some(bad));
        assert_eq!(
            b.js("return document.getElementById('threshold').getAttribute('aria-invalid');")
                .await,
            "true"
        );
    }
    b.screenshot("overlaps-bad-threshold").await;
    // from the URL the API refuses it (400 naming the parameter), shown in Japanese
    b.goto(&format!("{base}/overlaps?threshold=1.5")).await;
    let err = b
        .until(
            "the threshold error from the URL",
            "const e = document.getElementById('threshold-error'); return e && !e.hidden ? e.textContent : null;",
            |v| v.is_string(),
        )
        .await;
    assert!(err.as_str().unwrap().contains("1.5"), "{err}");
    let api = b
        .js("return fetch('/api/overlaps?threshold=-1').then(r => r.json().then(j => r.status + ' ' + j.parameter));")
        .await;
    assert_eq!(api, "400 threshold");
}

/// At 390 px (a phone): the progress table becomes labelled cards, the heat
/// map keeps readable labels (scrolling inside its box), nothing else
/// scrolls sideways; the widget's meta line is set apart by ／.
async fn phone_width(b: &Browser, base: &str) {
    b.c.set_window_size(390, 900).await.unwrap();
    let overflow =
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;";
    b.goto(&format!("{base}/measure/sakura-suicide-gatekeeper"))
        .await;
    b.until_count("measure at 390 px", "table.progress td", 1)
        .await;
    assert_eq!(
        b.js(overflow).await,
        0,
        "measure page scrolls sideways at 390 px"
    );
    let cell = b
        .js("const td = document.querySelector('table.progress td'); return [getComputedStyle(td).display, getComputedStyle(td, '::before').content, td.getBoundingClientRect().width];")
        .await;
    assert_eq!(cell[0], "block", "{cell}");
    assert_eq!(cell[1], "\"実施状況\"", "{cell}");
    assert!(
        cell[2].as_f64().unwrap() > 250.0,
        "a progress cell is wide enough to read: {cell}"
    );
    b.js("document.querySelector('table.progress').scrollIntoView();")
        .await;
    b.screenshot("measure-390").await;
    b.goto(&format!("{base}/overlaps")).await;
    b.until_count("overlaps at 390 px", "svg#overlap-matrix", 1)
        .await;
    let wide = b
        .js("return [...document.querySelectorAll('body *')].filter(e => !e.closest('.matrix') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 6).map(e => e.tagName + '.' + e.className + '#' + e.id);")
        .await;
    assert_eq!(
        b.js(overflow).await,
        0,
        "overlap page scrolls sideways at 390 px: {wide}"
    );
    let font = b
        .js("const svg = document.getElementById('overlap-matrix'); return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;")
        .await;
    assert!(
        font.as_f64().unwrap() >= 0.99,
        "the heat map is not shrunk: {font}"
    );
    b.js("document.getElementById('matrix-h').scrollIntoView();")
        .await;
    b.screenshot("overlaps-390").await;
    b.goto(&format!("{base}/?q=%E7%9B%B8%E8%AB%87")).await;
    b.until_count("results at 390 px", "#results .hit", 1).await;
    assert_eq!(
        b.js(overflow).await,
        0,
        "search page scrolls sideways at 390 px"
    );
    b.screenshot("search-390").await;
    b.c.set_window_size(1280, 1400).await.unwrap();
}

/// A Chrome DevTools Protocol command sent through chromedriver's
/// passthrough (`POST /session/{id}/goog/cdp/execute`), which WebDriver
/// itself lacks: print media emulation and an exact viewport size.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

async fn cdp(b: &Browser, cmd: &'static str, params: Value) {
    b.c.issue_cmd(Cdp { cmd, params })
        .await
        .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"));
}

/// The printable width of an A4 page with the print stylesheet's `@page`
/// margins (210 mm - 2 x 12 mm at 96 CSS px per inch), and its height
/// (297 mm - 2 x 15 mm).
const A4_WIDTH_PX: u64 = 703;
const A4_HEIGHT_PX: f64 = 1009.0;

/// What the page looks like on paper, measured under print media at the
/// printable A4 width: what is shown that should not be (screen controls),
/// what sticks out to the right, table cells too narrow to hold a few
/// characters a line, links whose box is clipped, and the page count.
const PRINT_CHECK: &str = r#"
const width = document.documentElement.clientWidth;
const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '');
const controls = [...document.querySelectorAll('.site-header, nav, form, button, input, select, .button, .skip-link, .site-footer, .facets, .pager')]
  .filter(shown).map(name);
const wide = [...document.querySelectorAll('body *')]
  .filter((e) => shown(e) && e.getBoundingClientRect().right > width + 1).map(name);
const squeezed = [...document.querySelectorAll('th, td')]
  .filter((c) => shown(c) && c.textContent.trim().length > 3)
  .filter((c) => c.getBoundingClientRect().width < 3.5 * parseFloat(getComputedStyle(c).fontSize))
  .map((c) => name(c) + ' ' + c.textContent.trim().slice(0, 12) + ' ' + Math.round(c.getBoundingClientRect().width) + 'px');
const clipped = [...document.querySelectorAll('main a')].filter(shown).filter((a) => {
  const r = a.getBoundingClientRect();
  for (let p = a.parentElement; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX;
    if (o !== 'visible') {
      const q = p.getBoundingClientRect();
      if (r.left < q.left - 1 || r.right > q.right + 1) return true;
    }
  }
  return r.left < -1 || r.right > width + 1;
}).map((a) => a.textContent.trim().slice(0, 20));
return {
  width,
  print: matchMedia('print').matches,
  controls, wide: wide.slice(0, 8), squeezed: squeezed.slice(0, 8), clipped: clipped.slice(0, 8),
  height: document.documentElement.scrollHeight,
  text: document.querySelector('main').innerText.length,
};
"#;

async fn print_check(b: &Browser, what: &str, max_pages: f64) -> Value {
    let v = b.js(PRINT_CHECK).await;
    assert_eq!(v["print"], true, "{what}: print media is emulated: {v}");
    assert_eq!(v["width"], A4_WIDTH_PX, "{what}: A4 width: {v}");
    assert!(
        v["text"].as_u64().unwrap() > 100,
        "{what}: content printed: {v}"
    );
    assert_eq!(
        v["controls"],
        json!([]),
        "{what}: screen controls print: {v}"
    );
    assert_eq!(v["wide"], json!([]), "{what}: wider than A4: {v}");
    assert_eq!(
        v["squeezed"],
        json!([]),
        "{what}: squeezed table cells: {v}"
    );
    assert_eq!(v["clipped"], json!([]), "{what}: links cut off: {v}");
    let pages = v["height"].as_f64().unwrap() / A4_HEIGHT_PX;
    eprintln!("{what}: {pages:.2} A4 pages in print");
    assert!(pages <= max_pages, "{what}: {pages:.1} A4 pages: {v}");
    v
}

/// A measure page and a result list printed on A4: only the content, at
/// page width, tables readable, in a few pages.
async fn prints_cleanly(b: &Browser, base: &str) {
    let height = A4_HEIGHT_PX.round() as u64;
    cdp(
        b,
        "Emulation.setDeviceMetricsOverride",
        json!({"width": A4_WIDTH_PX, "height": height, "deviceScaleFactor": 1, "mobile": false}),
    )
    .await;
    cdp(b, "Emulation.setEmulatedMedia", json!({"media": "print"})).await;

    b.goto(&format!("{base}/measure/sakura-suicide-gatekeeper"))
        .await;
    b.until_count("measure to print", "table.progress td", 1)
        .await;
    b.until_count("related measures loaded", "#related-list .related-item", 1)
        .await;
    let v = print_check(b, "measure page", 2.0).await;
    // each field's label stands beside its value, not on a line of its own
    let beside = b
        .js("return [...document.querySelectorAll('.fields dt')].every(dt => { const dd = dt.nextElementSibling; return dd && dd.getBoundingClientRect().left > dt.getBoundingClientRect().right && Math.abs(dd.getBoundingClientRect().top - dt.getBoundingClientRect().top) < 4; });")
        .await;
    assert_eq!(beside, true, "field labels beside their values: {v}");
    // the record itself is all there: title, fields, both tables, source
    let text = b.text("main").await;
    for want in [
        "ゲートキーパー養成講座の開催",
        "精神保健福祉室",
        "市職員向け講座を3回開催",
        "ゲートキーパー養成数",
        "出典: さくら市自殺対策計画（試験用）",
    ] {
        assert!(text.contains(want), "{want} printed: {v}\n{text}");
    }
    b.screenshot("print-measure").await;

    b.goto(&format!("{base}/?q=%E7%9B%B8%E8%AB%87&per_page=20"))
        .await;
    b.until_count("results to print", "#results .hit", 2).await;
    let v = print_check(b, "result list", 2.0).await;
    let hits = b
        .js("return [...document.querySelectorAll('#results .hit')].filter(h => h.getClientRects().length).length;")
        .await;
    assert_eq!(
        hits,
        b.js("return document.querySelectorAll('#results .hit').length;")
            .await,
        "every hit printed: {v}"
    );
    // the search form does not print, so the status line names the query
    let status = b
        .js("const s = document.getElementById('result-status'); return getComputedStyle(s, '::before').content + s.textContent;")
        .await;
    let status = status.as_str().unwrap_or_default();
    assert!(
        status.contains("検索語「相談」") && status.contains("件中"),
        "the query and the count printed: {status}"
    );
    b.screenshot("print-results").await;

    cdp(b, "Emulation.setEmulatedMedia", json!({"media": ""})).await;
    cdp(b, "Emulation.clearDeviceMetricsOverride", json!({})).await;
}
