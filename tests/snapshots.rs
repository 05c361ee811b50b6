//! Snapshots of every output of `fazhi run` on the bundled reports, in both label languages
//! (issue 16): the CSVs, the briefing, the manifest, the page, the charts and the workbook's
//! cells, and the view models the page and the briefing are rendered from. They pin what a run writes, so a refactor of the render layer shows every change it
//! makes, and only those. Review a change with `cargo insta review` (or `INSTA_UPDATE=always`
//! and `git diff`).
//!
//! The files list holds every output's SHA-256: the same input must give byte-identical
//! output, so anything that differs between two runs of one commit is a bug, not noise.
//! The page is snapshotted one tag per line with each inline SVG replaced by its digest (the
//! charts' own snapshot shows their text), so a diff reads as a change of markup or wording.

mod output_support;

use output_support::{cjk_runs, files, run, text};

use std::io::Cursor;
use std::path::Path;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use fazhi::analysis::load_references;
use fazhi::cmd::pipeline::{analyse, extract_batch, split_review};
use fazhi::config::InputConfig;
use fazhi::dict::load_dict;
use fazhi::ingest::IngestOptions;
use fazhi::render::briefing::briefing_view;
use fazhi::render::chart::data::Grid;
use fazhi::render::chart::render_charts;
use fazhi::render::csv::CsvOptions;
use fazhi::render::html::{page_view, PageContext};
use fazhi::render::review::ReviewFacts;
use fazhi::render::Lang;
use sha2::{Digest, Sha256};

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The page, one tag per line, each `<svg …>…</svg>` replaced by `<svg sha256=…/>`.
fn page_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 4);
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</svg>")
            .map(|e| start + e + "</svg>".len())
            .expect("closed svg");
        out.push_str(&format!(
            "<svg sha256={}/>",
            &sha256(&rest.as_bytes()[start..end])[..16]
        ));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.replace("><", ">\n<")
}

/// The text drawn in an SVG (titles, axis labels, legends), one element per line.
fn svg_text(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        let Some(open_end) = rest[start..].find('>') else {
            break;
        };
        let body = &rest[start + open_end + 1..];
        let close = body.find("</text>").unwrap_or(body.len());
        let t = body[..close].trim();
        if !t.is_empty() {
            out.push(t.to_string());
        }
        rest = &body[close..];
    }
    out
}

/// The Word briefing as text, read with fazhi's own reader of .docx reports (not the crate
/// that wrote it): the body's paragraphs and table rows, the footnotes, then each part of the
/// package with its size and digest (the charts are the PNGs of charts/).
fn docx_text(bytes: &[u8]) -> String {
    let part = |name: &str| output_support::docx_part(bytes, name);
    let mut out = format!(
        "## word/document.xml\n{}\n## word/footnotes.xml\n{}\n## parts\n",
        part("word/document.xml"),
        part("word/footnotes.xml")
    );
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("docx is a zip");
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut body).expect("read");
        let name = entry.name().expect("name").to_string();
        out.push_str(&format!(
            "{name}\t{}\t{}\n",
            body.len(),
            &sha256(&body)[..16]
        ));
    }
    out
}

/// Each sheet of the workbook as tab-separated cells, with the cell type where it matters
/// (a number stays a number, a string a string).
fn workbook_cells(bytes: &[u8]) -> String {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx opens");
    let mut out = String::new();
    for name in wb.sheet_names() {
        out.push_str(&format!("## sheet {name}\n"));
        let range = wb.worksheet_range(&name).expect("sheet");
        for row in range.rows() {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.replace('\t', "\\t").replace('\n', "\\n"),
                    Data::Float(f) => format!("#{f}"),
                    Data::Int(i) => format!("#{i}"),
                    Data::Bool(b) => format!("?{b}"),
                    other => format!("{other:?}"),
                })
                .collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
    out
}

fn snapshot_run(lang: &str) {
    let dir = run(lang);
    let root = dir.path();
    let all = files(root);
    let listing: String = all
        .iter()
        .map(|f| {
            let bytes = std::fs::read(root.join(f)).expect("read");
            format!("{f}\t{}\t{}\n", bytes.len(), sha256(&bytes))
        })
        .collect();
    insta::assert_snapshot!(format!("{lang}_files"), listing);
    for f in all.iter().filter(|f| !f.contains('/')) {
        let path = root.join(f);
        match f.rsplit_once('.').map(|(_, ext)| ext) {
            Some("csv" | "md" | "json") => {
                insta::assert_snapshot!(format!("{lang}_{f}"), text(&path));
            }
            Some("html") => insta::assert_snapshot!(format!("{lang}_{f}"), page_text(&text(&path))),
            Some("xlsx") => insta::assert_snapshot!(
                format!("{lang}_{f}"),
                workbook_cells(&std::fs::read(&path).expect("read"))
            ),
            Some("docx") => insta::assert_snapshot!(
                format!("{lang}_{f}"),
                docx_text(&std::fs::read(&path).expect("read"))
            ),
            _ => panic!("an output this test does not know: {f}"),
        }
    }
    let mut charts = String::new();
    for f in all.iter().filter(|f| f.starts_with("charts/")) {
        let path = root.join(f);
        if f.ends_with(".svg") {
            charts.push_str(&format!("### {f}\n"));
            for t in svg_text(&text(&path)) {
                charts.push_str(&t);
                charts.push('\n');
            }
        } else if f.ends_with(".csv") {
            charts.push_str(&format!("### {f}\n{}", text(&path)));
        }
    }
    insta::assert_snapshot!(format!("{lang}_charts"), charts);
    speaks_one_language(root, lang);
}

/// The page (its charts' text included) and the briefing speak `lang` only: with `en` no
/// Chinese character outside what the reports and the reference file say (names, evidence,
/// units, sources); with `zh` no English sentence (three words or more) outside those. The
/// notes and check messages are labels too (`render::reasons`); tests/one_language.rs scans
/// every output, two English words at a time.
fn speaks_one_language(root: &Path, lang: &str) {
    let mut quoted: Vec<String> = Vec::new();
    let mut collect = |file: &str, columns: &[&str]| {
        let body = text(&root.join(file));
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let headers = reader.headers().expect("header").clone();
        for row in reader.records() {
            let row = row.expect("row");
            for c in columns {
                let i = headers.iter().position(|h| h == *c).expect("column");
                quoted.push(row[i].to_string());
            }
        }
    };
    collect(
        "facts.csv",
        &[
            "doc",
            "province",
            "prefecture",
            "county",
            "unit",
            "evidence",
        ],
    );
    collect("checks.csv", &["county", "doc", "evidence"]);
    collect("derived.csv", &["evidence"]);
    let mut reference = csv::Reader::from_path("data/reference.csv").expect("reference");
    let source = reference
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == "source")
        .expect("source column");
    for row in reference.records() {
        let source = row.expect("row")[source].to_string();
        // Charts name the publisher: the part before the first colon.
        if let Some((publisher, _)) = source.split_once([':', '：']) {
            quoted.push(publisher.to_string());
        }
        quoted.push(source);
    }
    // The method note explains the words a report uses for "more than" and "about".
    quoted.extend(["余/多/以上", "约/近"].map(String::from));
    quoted.retain(|q| !q.is_empty());
    quoted.sort_by_key(|q| std::cmp::Reverse(q.len()));
    for file in ["index.html", "briefing.md", "briefing.docx"] {
        let body = if file.ends_with(".docx") {
            docx_text(&std::fs::read(root.join(file)).expect("read"))
                .split("\n## parts\n")
                .next()
                .expect("text")
                .to_string()
        } else {
            text(&root.join(file))
        };
        let mut shown = visible_text(&body);
        for q in &quoted {
            shown = shown.replace(q.as_str(), " ");
        }
        let stray: Vec<String> = if lang == "en" {
            cjk_runs(&shown, 20)
        } else {
            english_sentences(&shown)
        };
        assert!(stray.is_empty(), "{lang} {file}: {stray:?}");
    }
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
        out.push(' ');
        rest = &after[end..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Runs of three or more English words (letters only), separated by spaces or punctuation.
fn english_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let flush = |run: &mut Vec<&str>, out: &mut Vec<String>| {
        if run.len() >= 3 {
            out.push(run.join(" "));
        }
        run.clear();
    };
    for token in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':')) {
        if token.is_empty() {
            continue;
        }
        if token.len() > 1 && token.chars().all(|c| c.is_ascii_alphabetic() || c == '\'') {
            run.push(token);
        } else {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The view models of the page and the briefing, built through the library from the bundled
/// reports: what each output says before it is laid out. Chart SVGs are shown by digest.
fn snapshot_view_models(lang: Lang) {
    let dict = load_dict(None).expect("bundled dictionary");
    let input = InputConfig {
        inputs: vec!["data/reports".into()],
        ingest: IngestOptions::default(),
        quiet: true,
        documents: Default::default(),
    };
    let mut batch = extract_batch(&input, &dict);
    let references =
        load_references(Path::new("data/reference.csv")).expect("bundled reference values");
    let (facts, review) = split_review(std::mem::take(&mut batch.facts), false);
    let review = ReviewFacts {
        facts: &review,
        counted: false,
    };
    let analysis = analyse(facts, &batch, &dict, &references).expect("analysis");
    let charts = render_charts(&analysis, &dict, lang, &CsvOptions::default()).expect("charts");
    let ctx = PageContext {
        analysis: &analysis,
        dict: &dict,
        inputs: &batch.records,
        charts: &charts,
        review,
        lang,
        unplaced: None,
    };
    let mut page = serde_json::to_value(page_view(&ctx, &Grid::build(&analysis, &dict)))
        .expect("page view as JSON");
    // Long constants and SVG: by digest.
    digest_fields(&mut page, &["before", "after", "style", "script", "csp"]);
    let name = if lang == Lang::En { "en" } else { "zh" };
    insta::assert_snapshot!(
        format!("{name}_page_view"),
        serde_json::to_string_pretty(&page).expect("json")
    );
    let briefing = briefing_view(&analysis, review, &dict, lang);
    insta::assert_snapshot!(
        format!("{name}_briefing_view"),
        serde_json::to_string_pretty(&briefing).expect("json")
    );
}

/// Replaces each string field named in `names`, at any depth, by the first 16 hex digits of
/// its SHA-256.
fn digest_fields(value: &mut serde_json::Value, names: &[&str]) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(s) if names.contains(&key.as_str()) => {
                        *s = format!("sha256:{}", &sha256(s.as_bytes())[..16]);
                    }
                    _ => digest_fields(v, names),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                digest_fields(v, names);
            }
        }
        _ => {}
    }
}

#[test]
fn view_models_zh() {
    snapshot_view_models(Lang::Zh);
}

#[test]
fn view_models_en() {
    snapshot_view_models(Lang::En);
}

#[test]
fn outputs_zh() {
    snapshot_run("zh");
}

#[test]
fn outputs_en() {
    snapshot_run("en");
}
