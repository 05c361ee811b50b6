//! The page's review step as a person uses it, in real headless Chromium driven through
//! ChromeDriver (Debian's `chromium-driver`, installed by `.ci/run`): run fazhi on the bundled
//! reports, open the page, mark one fact wrong and correct another, press the download button,
//! render the downloaded file with `fazhi report --facts`, and open the new page.
//!
//! What must hold: the download is `facts.csv` less the wrong row, with the corrected row's
//! value, confidence and reason changed and every other line byte for byte the same; the new
//! page shows the corrected figure where the old one was (冠县's acceptance rate moves from
//! 80.2% to 90.1% when 73 accepted becomes 82 of 91 received) and no longer holds the fact
//! marked wrong; no console message (so no CSP violation) on either page.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// WebDriver's key for an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn tools_present() -> bool {
    for tool in [CHROMEDRIVER, "/usr/bin/chromium"] {
        if !Path::new(tool).exists() {
            eprintln!(
                "SKIPPED: {tool} is absent, so the review step was not tried in a browser. \
                 Install it with `apt-get install -y chromium chromium-driver` (.ci/run does this)."
            );
            return false;
        }
    }
    true
}

/// ChromeDriver on a free loopback port, killed when dropped.
struct Driver {
    child: Child,
    base: String,
    agent: ureq::Agent,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        // It prints "... started successfully" once it listens.
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let start = Instant::now();
        loop {
            match lines.next() {
                Some(Ok(l)) if l.contains("started successfully") => break,
                Some(Ok(_)) => {}
                _ => panic!("chromedriver exited before listening"),
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "chromedriver slow"
            );
        }
        std::thread::spawn(move || for _ in lines {});
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            agent,
        }
    }

    /// One WebDriver command; panics with the driver's message on an error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let resp = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, body) => self
                .agent
                .post(&url)
                .send_json(body.unwrap_or_else(|| json!({}))),
        }
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status();
        let v: Value = resp
            .into_body()
            .read_json()
            .unwrap_or_else(|e| panic!("{method} {path}: reply is not JSON: {e}"));
        assert!(status.is_success(), "{method} {path}: {status}: {v}");
        v["value"].clone()
    }
}

/// A browser session with downloads going to `downloads`.
struct Session<'d> {
    driver: &'d Driver,
    id: String,
}

impl<'d> Session<'d> {
    fn new(driver: &'d Driver, downloads: &Path, profile: &Path) -> Session<'d> {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--no-first-run",
                         format!("--user-data-dir={}", profile.display())],
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false
                }
            }
        }}});
        let v = driver.call("POST", "/session", Some(caps));
        let id = v["sessionId"].as_str().expect("session id").to_string();
        let s = Session { driver, id };
        s.post(
            "/goog/cdp/execute",
            json!({"cmd": "Browser.setDownloadBehavior",
                   "params": {"behavior": "allow",
                              "downloadPath": downloads.display().to_string()}}),
        );
        s
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.driver
            .call("POST", &format!("/session/{}{path}", self.id), Some(body))
    }

    fn open(&self, page: &Path) {
        self.post("/url", json!({"url": format!("file://{}", page.display())}));
    }

    fn find(&self, css: &str) -> String {
        let v = self.post("/element", json!({"using": "css selector", "value": css}));
        v[ELEMENT].as_str().expect("element id").to_string()
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        self.post(&format!("/element/{e}/click"), json!({}));
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.post(&format!("/element/{e}/clear"), json!({}));
        self.post(&format!("/element/{e}/value"), json!({"text": text}));
    }

    fn text(&self, css: &str) -> String {
        let e = self.find(css);
        let v = self.driver.call(
            "GET",
            &format!("/session/{}/element/{e}/text", self.id),
            None,
        );
        v.as_str().unwrap_or_default().to_string()
    }

    fn script(&self, js: &str) -> Value {
        self.post("/execute/sync", json!({"script": js, "args": []}))
    }

    /// Console messages logged since the last call.
    fn console(&self) -> Vec<String> {
        let v = self.post("/se/log", json!({"type": "browser"}));
        v.as_array()
            .map(|a| a.iter().map(|m| m["message"].to_string()).collect())
            .unwrap_or_default()
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = self
            .driver
            .agent
            .delete(format!("{}/session/{}", self.driver.base, self.id))
            .call();
    }
}

fn fazhi(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run fazhi");
    assert!(
        out.status.success(),
        "fazhi {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn work_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("review_step");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

/// Waits for the finished download (Chromium writes `*.crdownload` first).
fn downloaded(dir: &Path, name: &str) -> Vec<u8> {
    let path = dir.join(name);
    let start = Instant::now();
    while !path.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no download in {}: {:?}",
            dir.display(),
            std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::read(path).expect("read download")
}

/// The line of `csv` (header first) whose cells hold `county` and `metric`.
fn line_of(csv: &str, county: &str, metric: &str) -> usize {
    csv.lines()
        .position(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            cells.get(4) == Some(&county) && cells.get(6) == Some(&metric)
        })
        .unwrap_or_else(|| panic!("{county} {metric} not in facts.csv"))
}

#[test]
fn a_fact_marked_wrong_and_one_corrected_reach_the_new_page() {
    if !tools_present() {
        return;
    }
    let dir = work_dir();
    let (out1, out2, downloads) = (dir.join("run"), dir.join("report"), dir.join("downloads"));
    std::fs::create_dir_all(&downloads).expect("mkdir");
    fazhi(&[
        "run",
        "-q",
        "data/reports",
        "-o",
        out1.to_str().expect("utf-8"),
    ]);
    let facts = String::from_utf8(std::fs::read(out1.join("facts.csv")).expect("facts.csv"))
        .expect("UTF-8");
    let facts = facts.strip_prefix('\u{feff}').expect("BOM");
    // Rows of the page's data are facts.csv's rows: line n is row n - 1.
    let fixed = line_of(facts, "冠县", "reconsideration.accepted");
    let wrong = line_of(facts, "冠县", "litigation.cases");
    let wrong_line = facts.lines().nth(wrong).expect("line").to_string();

    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("profile");
    let s = Session::new(&driver, &downloads, profile.path());
    s.open(&out1.join("index.html"));
    assert!(
        s.text("#check-status").contains('0'),
        "review script did not run"
    );
    s.click(&format!(
        "#check-table tr[data-row=\"{}\"] option[value=wrong]",
        wrong - 1
    ));
    let row = format!("#check-table tr[data-row=\"{}\"]", fixed - 1);
    s.click(&format!("{row} option[value=fix]"));
    s.type_into(&format!("{row} input"), "82");
    let status = s.text("#check-status");
    assert!(
        status.contains("1") && !status.contains("2"),
        "status after marking: {status}"
    );
    // A value that is not a number blocks the download and says why.
    s.type_into(&format!("{row} input"), "八十二");
    s.click("#check-download");
    assert_ne!(s.text("#check-status"), status, "bad value not reported");
    s.type_into(&format!("{row} input"), "82");
    s.click("#check-download");
    let got = downloaded(&downloads, "facts-reviewed.csv");
    let console = s.console();
    assert!(console.is_empty(), "console: {console:?}");

    // The download: facts.csv less one row, one row changed, the rest identical.
    let got = String::from_utf8(got).expect("UTF-8");
    let got = got.strip_prefix('\u{feff}').expect("BOM kept for Excel");
    let (old, new): (Vec<&str>, Vec<&str>) = (facts.lines().collect(), got.lines().collect());
    assert_eq!(new.len(), old.len() - 1);
    assert!(!new.contains(&wrong_line.as_str()));
    let changed: Vec<(&str, &str)> = old
        .iter()
        .filter(|l| **l != wrong_line)
        .zip(&new)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (*a, *b))
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    let cells: Vec<&str> = changed[0].1.split(',').collect();
    assert_eq!((cells[6], cells[9]), ("reconsideration.accepted", "82"));
    assert_eq!(&cells[15..], ["high", "corrected"]);

    // The round trip: render from the download and look at the new page.
    let reviewed = dir.join("facts-reviewed.csv");
    std::fs::write(&reviewed, got.as_bytes()).expect("write");
    fazhi(&[
        "report",
        "--facts",
        reviewed.to_str().expect("utf-8"),
        "-o",
        out2.to_str().expect("utf-8"),
    ]);
    let old_page = std::fs::read_to_string(out1.join("index.html")).expect("old page");
    let new_page = std::fs::read_to_string(out2.join("index.html")).expect("new page");
    assert!(old_page.contains("80.2%") && !old_page.contains("90.1%"));
    assert!(
        new_page.contains("90.1%"),
        "corrected rate not on the new page"
    );
    assert!(
        !new_page.contains("80.2%"),
        "old rate still on the new page"
    );
    s.open(&out2.join("index.html"));
    let shown: Value = s.script(
        "return Array.prototype.map.call(document.querySelectorAll('#check-table tbody tr'),\
         function(r){return r.textContent})",
    );
    let rows: Vec<&str> = shown
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        rows.len(),
        old.len() - 2,
        "the new page lists one fact fewer"
    );
    let evidence = wrong_line.split(',').nth(12).expect("evidence");
    assert!(
        !rows.iter().any(|r| r.contains(evidence)),
        "wrong fact still listed"
    );
    assert!(rows.iter().any(|r| r.contains("82")));
    let console = s.console();
    assert!(console.is_empty(), "console on the new page: {console:?}");
}
