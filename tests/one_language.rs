//! One language per output (issue 17): `fazhi run` on the bundled reports, then every text a
//! reader sees is scanned. With `--lang zh` no English sentence (a run of two or more English
//! words) may appear in the page, the briefing, the charts' drawn text, the workbook's string
//! cells or any CSV cell; with `--lang en` no Chinese character outside what the reports and
//! the reference file say (place names, evidence, units, file names, sources).
//!
//! What is legitimately in the other script is removed before the scan: every evidence
//! string, file name, place name and unit the run's own facts.csv holds, the reference
//! sources, and a short list of citations below. Everything else is the program's own words,
//! and those come from data/labels.toml in the run's language.

mod output_support;

use output_support::{cjk_runs, files, run, text};

use std::io::Cursor;
use std::path::Path;

use assert_cmd::Command;
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

/// Latin text the Chinese outputs may show: the interval's citation and the command lines a
/// reader types (the review step's round trip).
const LATIN_IN_ZH: [&str; 2] = ["Brown, Cai & DasGupta", "fazhi report --facts"];

/// The cells of a CSV, header row left out (headers are machine keys).
fn csv_cells(body: &str) -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().expect("header").clone();
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.expect("row");
        for (h, cell) in headers.iter().zip(row.iter()) {
            out.push((h.to_string(), cell.to_string()));
        }
    }
    out
}

/// What the reports and the reference file say, longest first: removed before a scan.
fn quoted(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let keep = [
        "doc",
        "province",
        "prefecture",
        "county",
        "unit",
        "evidence",
    ];
    for file in [
        "facts.csv",
        "checks.csv",
        "derived.csv",
        "trends.csv",
        "stated_changes.csv",
    ] {
        let path = root.join(file);
        assert!(
            path.exists() || file == "stated_changes.csv",
            "{file} missing"
        );
        if !path.exists() {
            continue;
        }
        for (h, cell) in csv_cells(&text(&path)) {
            if keep.contains(&h.as_str()) {
                out.push(cell);
            }
        }
    }
    for (h, cell) in csv_cells(&text(Path::new("data/reference.csv"))) {
        if h == "source" {
            if let Some((publisher, _)) = cell.split_once([':', '：']) {
                out.push(publisher.to_string());
            }
            out.push(cell);
        }
    }
    // Evidence strings joined by the checks (" | ") and derived rows (" / ") are each in
    // facts.csv. The method note quotes the words a report uses for "more than" and "about".
    // Column descriptions in English name them too, and the words for "compared with last
    // year".
    out.extend(["余/多/以上", "约/近", "余, 多", "近, 约", "同比, 较上年"].map(String::from));
    out.retain(|q| !q.is_empty());
    out.sort_by_key(|q| std::cmp::Reverse(q.chars().count()));
    out.dedup();
    out
}

/// The text a reader sees: no style, script or tags, entities decoded.
fn visible_text(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let skip_to = ["<style", "<script"]
            .iter()
            .find(|t| after.starts_with(**t))
            .map(|t| format!("</{}>", &t[1..]));
        let end = match skip_to {
            Some(close) => after.find(&close).map(|e| e + close.len()),
            None => after.find('>').map(|e| e + 1),
        }
        .unwrap_or(after.len());
        out.push('\n');
        rest = &after[end..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The text drawn in an SVG, one element per line.
fn svg_text(svg: &str) -> String {
    let mut out = String::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        let Some(open_end) = rest[start..].find('>') else {
            break;
        };
        let body = &rest[start + open_end + 1..];
        let close = body.find("</text>").unwrap_or(body.len());
        out.push_str(&body[..close]);
        out.push('\n');
        rest = &body[close..];
    }
    visible_text(&out)
}

/// Every string cell of every sheet of the workbook, one per line.
fn workbook_strings(bytes: &[u8]) -> String {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx opens");
    let mut out = String::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).expect("sheet");
        for row in range.rows() {
            for c in row {
                if let Data::String(s) = c {
                    out.push_str(s);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// Runs of two or more English words (two or more letters each, nothing else), separated by
/// spaces or by `,;:` and brackets around a word. A file name, an indicator id
/// (`mediation.success_rate`) or a flag (`--include-review`) is not a word.
fn english_runs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut run: Vec<&str> = Vec::new();
        let mut flush = |run: &mut Vec<&str>| {
            if run.len() >= 2 {
                out.push(format!("{} ⟨in: {}⟩", run.join(" "), line.trim()));
            }
            run.clear();
        };
        for token in line.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':')) {
            if token.is_empty() {
                continue;
            }
            let word = token.trim_matches(|c: char| "()[]\"'.!?（）【】「」“”".contains(c));
            let bracketed = word.len() != token.len();
            if word.len() > 1 && word.chars().all(|c| c.is_ascii_alphabetic()) {
                run.push(word);
                if bracketed && token.ends_with([')', ']', '.', '!', '?', '）', '】', '」', '”'])
                {
                    flush(&mut run);
                }
            } else {
                flush(&mut run);
            }
        }
        flush(&mut run);
    }
    out
}

/// The Word briefing's body and footnotes as text.
fn docx_text(bytes: &[u8]) -> String {
    ["word/document.xml", "word/footnotes.xml"]
        .map(|part| output_support::docx_part(bytes, part) + "\n")
        .concat()
}

/// Each text output of a run, by file (CSV cells and workbook strings one per line).
fn outputs(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in files(root) {
        let path = root.join(&f);
        let shown = match f.rsplit_once('.').map(|(_, ext)| ext) {
            Some("html") => visible_text(&text(&path)),
            Some("md") => text(&path),
            Some("svg") => svg_text(&text(&path)),
            Some("csv") => csv_cells(&text(&path))
                .into_iter()
                .map(|(_, c)| c + "\n")
                .collect(),
            Some("xlsx") => workbook_strings(&std::fs::read(&path).expect("read")),
            Some("docx") => docx_text(&std::fs::read(&path).expect("read")),
            _ => continue,
        };
        out.push((f, shown));
    }
    out
}

/// Every stray run of the other script, by file, after removing what is quoted.
fn strays(root: &Path, lang: &str) -> Vec<String> {
    let quoted = quoted(root);
    let mut found = Vec::new();
    for (file, mut shown) in outputs(root) {
        for q in &quoted {
            shown = shown.replace(q.as_str(), " ");
        }
        let runs = if lang == "en" {
            cjk_runs(&shown, 30)
        } else {
            for latin in LATIN_IN_ZH {
                shown = shown.replace(latin, " ");
            }
            english_runs(&shown)
        };
        found.extend(runs.into_iter().map(|r| format!("{file}: {r}")));
    }
    found
}

#[test]
fn zh_run_has_no_english_sentence() {
    let dir = run("zh");
    let found = strays(dir.path(), "zh");
    assert!(
        found.is_empty(),
        "{} English runs in zh outputs:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn en_run_has_no_chinese_outside_names_evidence_and_units() {
    let dir = run("en");
    let found = strays(dir.path(), "en");
    assert!(
        found.is_empty(),
        "{} Chinese runs in en outputs:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// The scanner itself: it finds the English a zh output must not hold, and lets file names,
/// ids and single words through.
#[test]
fn english_runs_finds_sentences_not_ids() {
    assert_eq!(english_runs("上报 99.6% vs successful ÷ disputes").len(), 1);
    assert_eq!(english_runs("（consistent by truncation）").len(), 1);
    assert!(english_runs("见 checks.csv 和 mediation.success_rate; fazhi 提取").is_empty());
    assert!(english_runs("加 --include-review 可计入 (PNG) · SVG").is_empty());
    assert_eq!(cjk_runs("Guan County 冠县", 30).len(), 1);
}

/// With `--lang en` places are named in pinyin beside the Chinese on the page, in the
/// briefing and in the charts; the tables keep `county` as the reports give it and add
/// `county_en` right after it.
#[test]
fn en_run_names_places_in_pinyin_beside_the_chinese() {
    let dir = run("en");
    let root = dir.path();
    let page = visible_text(&text(&root.join("index.html")));
    let briefing = text(&root.join("briefing.md"));
    for place in ["Guan County (冠县)", "Huancui District (环翠区)"] {
        assert!(page.contains(place), "page: {place}");
    }
    assert!(briefing.contains("County ("), "briefing:\n{briefing}");
    let drawn: String = files(root)
        .iter()
        .filter(|f| f.ends_with(".svg"))
        .map(|f| svg_text(&text(&root.join(f))))
        .collect();
    assert!(drawn.contains("Guan County (冠县)"), "charts");
    let facts = text(&root.join("facts.csv"));
    let header = facts.lines().next().expect("header");
    assert!(header.contains(",county,county_en,"), "{header}");
    assert!(facts.contains(",冠县,Guan County,"), "facts.csv");
    assert!(
        facts.contains(",山东省,Shandong Province,聊城市,Liaocheng City,"),
        "facts.csv"
    );
    // In Chinese the tables have no such column.
    let zh = run("zh");
    let facts = text(&zh.path().join("facts.csv"));
    assert!(!facts.lines().next().expect("header").contains("county_en"));
}

/// A place whose common reading is wrong is fixed in an edited labels file, without a
/// rebuild: 冠 given as `Kwan` here.
#[test]
fn an_edited_labels_file_overrides_a_romanisation() {
    let bundled = std::fs::read_to_string("data/labels.toml").expect("labels");
    let edited = bundled.replacen(
        "[place_names]\n",
        "[place_names]\n\"冠\" = { zh = \"冠\", en = \"Kwan\" }\n",
        1,
    );
    assert_ne!(
        edited, bundled,
        "the bundled file has a [place_names] table"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let labels = dir.path().join("labels.toml");
    std::fs::write(&labels, edited).expect("write");
    let out = dir.path().join("out");
    Command::cargo_bin("fazhi")
        .expect("binary built")
        .args(["run", "data/reports", "-q", "--lang", "en", "--labels"])
        .arg(&labels)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let page = visible_text(&text(&out.join("index.html")));
    assert!(page.contains("Kwan County (冠县)"), "page");
    assert!(!page.contains("Guan County"), "page");
    assert!(text(&out.join("trends.csv")).contains(",冠县,Kwan County,"));
}

/// Inputs that cannot be read are named in the run's language too: an empty file, a
/// byte-identical copy, a damaged Word file, a file of another kind and a text with bytes its
/// encoding cannot hold. The page's inputs list and the workbook's sources sheet say why in
/// Chinese (the manifest keeps the technical sentence).
#[test]
fn zh_run_names_bad_inputs_in_chinese() {
    let inputs = tempfile::tempdir().expect("tempdir");
    let reports = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reports");
    let mut first = None;
    for entry in std::fs::read_dir(&reports).expect("data/reports").flatten() {
        let name = entry.file_name();
        std::fs::copy(entry.path(), inputs.path().join(&name)).expect("copy");
        first.get_or_insert(name);
    }
    let first = first.expect("a bundled report");
    std::fs::copy(
        reports.join(&first),
        inputs.path().join("copy-of-first.txt"),
    )
    .expect("copy");
    std::fs::write(inputs.path().join("empty.txt"), b"").expect("write");
    std::fs::write(inputs.path().join("damaged.docx"), b"PK\x03\x04 not really").expect("write");
    std::fs::write(inputs.path().join("notes.xyz"), b"x").expect("write");
    // Enough Chinese for the encoding to be recognised as UTF-8, with one stray byte.
    let body = "本县全年办理法律援助案件一百二十件，调解矛盾纠纷三百件。".repeat(20);
    let mut bad_utf8 = body.as_bytes()[..300].to_vec();
    bad_utf8.push(0xff);
    bad_utf8.extend_from_slice(&body.as_bytes()[300..]);
    std::fs::write(inputs.path().join("bytes.txt"), bad_utf8).expect("write");

    let out = tempfile::tempdir().expect("tempdir");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(["run", "-q", "-o"])
        .arg(out.path())
        .arg(inputs.path())
        .status()
        .expect("run fazhi");
    assert!(status.code().is_some(), "fazhi was killed");
    let manifest = text(&out.path().join("manifest.json"));
    for key in [
        "\"empty\"",
        "\"duplicate\"",
        "\"not_text\"",
        "\"skipped\"",
        "\"malformed\"",
    ] {
        assert!(manifest.contains(key), "manifest lacks reason {key}");
    }
    let quoted = quoted(out.path());
    let mut found = Vec::new();
    for (file, shown) in [
        (
            "index.html",
            visible_text(&text(&out.path().join("index.html"))),
        ),
        (
            "fazhi.xlsx",
            workbook_strings(&std::fs::read(out.path().join("fazhi.xlsx")).expect("read")),
        ),
    ] {
        let mut shown = shown;
        for q in quoted.iter().chain(
            LATIN_IN_ZH
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .iter(),
        ) {
            shown = shown.replace(q.as_str(), " ");
        }
        found.extend(
            english_runs(&shown)
                .into_iter()
                .map(|r| format!("{file}: {r}")),
        );
    }
    assert!(
        found.is_empty(),
        "English in zh outputs:\n{}",
        found.join("\n")
    );
    let page = visible_text(&text(&out.path().join("index.html")));
    assert!(
        page.contains("文件为空"),
        "the empty file is not named in Chinese"
    );
}
