//! Issue 18: PDF reports. Each bundled report, rendered as an HTML page and printed to PDF by
//! headless Chromium at two page sizes (so its lines break in different places, inside words
//! and numbers), gives the same facts as its text: metric, year, value, scope and qualifier.
//! Built PDFs check the line joining without Chromium, and scans, encrypted and broken files
//! get their messages.

mod pdf_support;

use std::path::{Path, PathBuf};

use fazhi::dict::load_dict;
use fazhi::extract::extract_document;
use fazhi::ingest::pdf::{pdf_to_text, PdfError};
use fazhi::ingest::{document_from_bytes, load_document, IngestError, IngestOptions, InputKind};
use fazhi::model::Fact;
use pdf_support::{chromium_present, encrypted, print_to_pdf, report_html, scan_pdf, text_pdf};

/// Page sizes the reports are printed at: A4, and a narrow page that breaks every line
/// somewhere else.
const PAGE_SIZES: [(&str, &str); 2] = [("a4", "210mm 297mm"), ("narrow", "105mm 180mm")];

fn reports() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reports");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("data/reports")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
}

/// What a fact says, without where it was found.
fn said(facts: &[Fact]) -> Vec<String> {
    let mut out: Vec<String> = facts
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {} {}",
                f.metric, f.year, f.value, f.scope, f.qualifier
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn printed_reports_give_the_facts_of_their_text() {
    if !chromium_present("reading the bundled reports printed to PDF") {
        return;
    }
    let dict = load_dict(None).expect("bundled dictionary");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pdf_reports");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let opts = IngestOptions::default();
    let mut failures = Vec::new();
    let mut checked = 0;
    for txt in reports() {
        let text_doc = load_document(&txt, &opts).expect("bundled report");
        let want = said(&extract_document(&text_doc, &dict).facts);
        assert!(!want.is_empty(), "{} has no facts", txt.display());
        let stem = txt.file_stem().expect("stem").to_string_lossy().to_string();
        for (size_name, size) in PAGE_SIZES {
            let html = dir.join(format!("{stem}-{size_name}.html"));
            let pdf = dir.join(format!("{stem}-{size_name}.pdf"));
            std::fs::write(&html, report_html(&text_doc.text, size)).expect("html");
            print_to_pdf(&html, &pdf);
            let doc = match load_document(&pdf, &opts) {
                Ok(doc) => doc,
                Err(e) => {
                    failures.push(format!("{}: {e}", pdf.display()));
                    continue;
                }
            };
            assert_eq!(doc.encoding_source, "pdf");
            let got = said(&extract_document(&doc, &dict).facts);
            checked += 1;
            if got != want {
                let missing: Vec<&String> = want.iter().filter(|w| !got.contains(w)).collect();
                let extra: Vec<&String> = got.iter().filter(|g| !want.contains(g)).collect();
                failures.push(format!(
                    "{}: {} facts, want {}\n  missing {missing:?}\n  extra {extra:?}",
                    pdf.display(),
                    got.len(),
                    want.len()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, 2 * reports().len());
}

#[test]
fn lines_broken_by_layout_are_joined_into_sentences() {
    // A paragraph wrapped at the right margin inside a word and inside a number, then a short
    // last line, then a new paragraph; the layout of a Word export (no paragraph spacing).
    let line = 18.0;
    let y = |row: f32| 770.0 - row * line;
    let pdf = text_pdf(&[vec![
        (72.0, y(0.0), 12.0, "二〇二三年法治政府建设年度报告"),
        (
            72.0,
            y(1.0),
            12.0,
            "全年共收到行政复议申请一百二十件，依法受理",
        ),
        (
            72.0,
            y(2.0),
            12.0,
            "一百零三件，审结九十八件，另有办理法律援",
        ),
        // One printed line, two text objects (a font change, as Chromium writes digits).
        (72.0, y(3.0), 12.0, "助案件一千二百三十四件，其中法律咨询"),
        (72.0 + 18.0 * 12.0, y(3.0), 12.0, "1,2"),
        (72.0, y(4.0), 12.0, "34件，同比增长百分之五。"),
        (96.0, y(5.0), 12.0, "二、存在的不足"),
    ]]);
    let text = pdf_to_text(&pdf, 1 << 20).expect("text");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "二〇二三年法治政府建设年度报告",
            "全年共收到行政复议申请一百二十件，依法受理一百零三件，审结九十八件，另有办理法律援助案件一千二百三十四件，其中法律咨询1,234件，同比增长百分之五。",
            "二、存在的不足",
        ],
        "{text}"
    );
}

#[test]
fn spaced_paragraphs_and_pages_join_like_a_reader_sees_them() {
    // Paragraph spacing (HTML printed to PDF): a wide gap ends a paragraph, a full line does
    // not, and a paragraph running over the page break continues on the next page. A page
    // number alone at the foot of the page is dropped.
    let a = "一二三四五六七八九十一二三四五六七八九十";
    let pdf = text_pdf(&[
        vec![
            (72.0, 770.0, 12.0, a),
            (72.0, 752.0, 12.0, "短行。"),
            (72.0, 722.0, 12.0, a),
            (72.0, 704.0, 12.0, a),
            (72.0, 686.0, 12.0, a),
            (290.0, 40.0, 10.0, "- 1 -"),
        ],
        vec![
            (72.0, 770.0, 12.0, "续完。"),
            (72.0, 740.0, 12.0, "下一段。"),
        ],
    ]);
    let text = pdf_to_text(&pdf, 1 << 20).expect("text");
    assert_eq!(
        text,
        format!("{a}短行。\n{a}{a}{a}续完。\n下一段。\n"),
        "{text}"
    );
}

#[test]
fn latin_words_broken_across_lines_keep_their_space() {
    let pdf = text_pdf(&[vec![
        (72.0, 770.0, 12.0, "Annual report on the rule of law in the"),
        (72.0, 752.0, 12.0, "county government, 2023."),
    ]]);
    let text = pdf_to_text(&pdf, 1 << 20).expect("text");
    assert!(
        text.starts_with("Annual report on the rule of law in the county government"),
        "{text}"
    );
}

#[test]
fn scans_encrypted_and_broken_pdfs_say_what_is_wrong() {
    let opts = IngestOptions::default();
    let read = |name: &str, bytes: &[u8]| {
        document_from_bytes(Path::new(name), InputKind::Pdf, bytes, &opts)
            .expect_err(name)
            .to_string()
    };

    let scan = document_from_bytes(Path::new("scan.pdf"), InputKind::Pdf, &scan_pdf(), &opts)
        .expect_err("a scan has no text");
    assert!(matches!(scan, IngestError::NeedsOcr { .. }), "{scan}");
    let message = scan.to_string();
    for part in ["scan.pdf", "no text layer", "needs OCR"] {
        assert!(message.contains(part), "{message}");
    }
    assert_eq!(
        pdf_to_text(&scan_pdf(), 1 << 20),
        Err(PdfError::NoTextLayer { pages: 1 })
    );

    let plain = text_pdf(&[vec![(72.0, 770.0, 12.0, "受理行政复议申请73件。")]]);
    let locked = read("locked.pdf", &encrypted(&plain, "secret"));
    assert!(
        locked.contains("locked.pdf") && locked.contains("encrypted with a password"),
        "{locked}"
    );
    // Encrypted only against editing (empty user password): read like any other PDF.
    let text = pdf_to_text(&encrypted(&plain, ""), 1 << 20).expect("empty user password");
    assert_eq!(text, "受理行政复议申请73件。\n");

    for (name, bytes) in [
        ("garbage.pdf", b"%PDF-1.7\nthis is not a PDF body".to_vec()),
        ("empty-ish.pdf", b"%PDF-".to_vec()),
        ("not-pdf.pdf", b"GIF89a....".to_vec()),
    ] {
        let message = read(name, &bytes);
        assert!(
            message.contains(name) && message.contains("not a readable PDF"),
            "{message}"
        );
    }
    // Half a PDF: what survives may be read, but never a silent empty document.
    let half = &plain[..plain.len() / 2];
    if let Ok(doc) = document_from_bytes(Path::new("half.pdf"), InputKind::Pdf, half, &opts) {
        assert!(!doc.text.trim().is_empty());
    }
}
