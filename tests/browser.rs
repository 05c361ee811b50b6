//! The summary page in real headless Chromium (Debian's `chromium`, installed by `.ci/run`):
//! it loads from file:// with no console error (so no CSP violation either), makes no network
//! request (read from Chromium's NetLog), runs its sort script (the CSP hash is right), prints
//! to A4 PDF, and a desktop-width screenshot is kept in `target/tmp/browser/`.
//!
//! A control page with a deliberate script error and an image from the network checks that
//! the detection itself works, so a pass cannot be a blind test.

mod render_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fazhi::render::chart::render_charts;
use fazhi::render::csv::CsvOptions;
use fazhi::render::html::{render_page, PageContext};
use fazhi::render::Lang;
use render_support::{dict, gold_analysis, gold_inputs};

const CHROMIUM: &str = "/usr/bin/chromium";

/// What one headless Chromium run saw.
struct Visit {
    /// stdout (the DOM after scripts ran, with `--dump-dom`).
    stdout: String,
    /// Console messages Chromium logged (`:CONSOLE` lines of its stderr log).
    console: Vec<String>,
    /// http(s) URLs the page itself requested (NetLog requests initiated from file://).
    requests: Vec<String>,
}

fn chromium_present() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    eprintln!(
        "SKIPPED: {CHROMIUM} is absent, so the page was not loaded in a browser. \
         Install it with `apt-get install -y chromium` (.ci/run does this)."
    );
    false
}

fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("browser")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

/// Runs Chromium headless on `page` with `extra` arguments, with a time limit.
fn visit(page: &Path, extra: &[String]) -> Visit {
    let dir = page.parent().expect("page folder");
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let netlog = dir.join(format!("netlog-{run}.json"));
    let profile = tempfile::tempdir().expect("profile dir");
    let mut cmd = Command::new(CHROMIUM);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-extensions",
        "--enable-logging=stderr",
        "--v=0",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .arg(format!("--log-net-log={}", netlog.display()))
    .args(extra)
    .arg(format!("file://{}", page.display()))
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start chromium");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let stdout = out.join().expect("stdout thread");
    let stderr = err.join().expect("stderr thread");
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Visit {
        stdout,
        console,
        requests: page_requests(&netlog),
    }
}

/// URLs of network requests the page made: NetLog `URL_REQUEST_START_JOB` events whose
/// initiator is the page (`null` for a file:// origin) or whose isolation key is file://.
/// Chromium's own background requests have initiator "not an origin" and are ignored.
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).expect("netlog written");
    let log: serde_json::Value = serde_json::from_str(&text).expect("netlog is JSON");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .expect("event type id");
    let mut out = Vec::new();
    for e in log["events"].as_array().expect("events") {
        if e["type"].as_u64() != Some(start_job) {
            continue;
        }
        let p = &e["params"];
        let url = p["url"].as_str().unwrap_or_default();
        let from_page = p["initiator"].as_str() == Some("null")
            || p["network_isolation_key"]
                .as_str()
                .is_some_and(|k| k.starts_with("file://"));
        if from_page && !url.starts_with("file:") {
            out.push(url.to_string());
        }
    }
    out
}

fn write_gold_page(dir: &Path, lang: Lang) -> PathBuf {
    let d = dict();
    let analysis = gold_analysis(&d);
    let charts = render_charts(&analysis, &d, lang, &CsvOptions::default()).expect("charts");
    let inputs = gold_inputs();
    let page = render_page(&PageContext {
        analysis: &analysis,
        dict: &d,
        inputs: &inputs,
        charts: &charts,
        review: Default::default(),
        lang,
        unplaced: None,
    });
    std::fs::create_dir_all(dir.join("charts")).expect("mkdir");
    for c in &charts {
        std::fs::write(dir.join(format!("charts/{}.png", c.name)), &c.png).expect("png");
    }
    let path = dir.join("index.html");
    std::fs::write(&path, page).expect("write page");
    path
}

#[test]
fn page_loads_offline_without_errors_or_requests() {
    if !chromium_present() {
        return;
    }
    let dir = work_dir("zh");
    let page = write_gold_page(&dir, Lang::Zh);
    let v = visit(&page, &["--dump-dom".to_string()]);
    assert!(
        v.console.is_empty(),
        "console messages:\n{}",
        v.console.join("\n")
    );
    assert!(v.requests.is_empty(), "network requests: {:?}", v.requests);
    // The sort script ran (its CSP hash matched): every header now holds a button.
    assert!(
        v.stdout.contains("<th><button type=\"button\">"),
        "sort script did not run"
    );
    assert!(v.stdout.contains("<svg "), "charts missing from the DOM");

    let shot = dir.join("screenshot-1280.png");
    let v = visit(
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".to_string(),
        ],
    );
    assert!(
        v.console.is_empty(),
        "console messages:\n{}",
        v.console.join("\n")
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG"), "screenshot is not a PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().expect("4 bytes"));
    assert_eq!(width, 1280);
    eprintln!("screenshot: {}", shot.display());

    let pdf = dir.join("print-a4.pdf");
    visit(
        &page,
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".to_string(),
        ],
    );
    let bytes = std::fs::read(&pdf).expect("pdf written");
    let text = String::from_utf8_lossy(&bytes);
    let boxes: Vec<(f64, f64)> = text
        .split("/MediaBox [0 0 ")
        .skip(1)
        .map(|rest| {
            let mut nums = rest.split([' ', ']']).filter_map(|n| n.parse::<f64>().ok());
            (nums.next().unwrap_or(0.0), nums.next().unwrap_or(0.0))
        })
        .collect();
    assert!(!boxes.is_empty(), "no pages in the PDF");
    // A4 is 595.28 × 841.89 points.
    for (w, h) in boxes {
        assert!(
            (w - 595.0).abs() < 2.0 && (h - 842.0).abs() < 2.0,
            "page is {w} × {h} pt, not A4"
        );
    }
}

#[test]
fn english_page_loads_cleanly() {
    if !chromium_present() {
        return;
    }
    let dir = work_dir("en");
    let page = write_gold_page(&dir, Lang::En);
    let v = visit(&page, &["--dump-dom".to_string()]);
    assert!(
        v.console.is_empty(),
        "console messages:\n{}",
        v.console.join("\n")
    );
    assert!(v.requests.is_empty(), "network requests: {:?}", v.requests);
    assert!(v.stdout.contains("<html lang=\"en\">"));
}

#[test]
fn detection_catches_a_script_error_and_a_network_request() {
    if !chromium_present() {
        return;
    }
    let dir = work_dir("control");
    let page = dir.join("control.html");
    // Port 9 (discard) on loopback: refused at once, no outside network needed.
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/probe.png\">\
         <script>notDefined();</script></body></html>",
    )
    .expect("write control");
    let v = visit(&page, &["--dump-dom".to_string()]);
    assert!(
        v.console.iter().any(|l| l.contains("Uncaught")),
        "script error not detected: {:?}",
        v.console
    );
    assert_eq!(v.requests, vec!["http://127.0.0.1:9/probe.png".to_string()]);
}
