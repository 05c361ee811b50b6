//! Issue 7: the same report in GBK, GB18030, UTF-16 (LE and BE, with BOM), UTF-8 with BOM,
//! as an HTML page and as a .docx gives the same text, metadata and facts as the UTF-8
//! original. Fixtures are encoded at test time from `data/reports/*.txt` with encoding_rs.

use std::io::Write;
use std::path::{Path, PathBuf};

use fazhi::cmd::pipeline::{extract_batch, Batch};
use fazhi::config::InputConfig;
use fazhi::ingest::{load_document, IngestOptions, InputStatus};

fn reports() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reports");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("data/reports")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 5, "bundled reports missing");
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("report"))
        })
        .collect()
}

/// GBK has no code for a few typographic characters pages use (NBSP, en space, •); a real
/// GBK page cannot contain them, so the GBK fixture replaces each with one GBK character.
fn gbk_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{A0}' | '\u{2002}' | '\u{2003}' => ' ',
            '•' => '·',
            c => c,
        })
        .collect()
}

fn encode(encoding: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{} cannot encode the fixture", encoding.name());
    bytes.into_owned()
}

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mut out = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        out.extend(if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

fn batch_of(dir: &Path) -> Batch {
    let dict = fazhi::dict::load_dict(None).expect("bundled dictionary");
    extract_batch(
        &InputConfig {
            inputs: vec![dir.to_path_buf()],
            ingest: IngestOptions::default(),
            quiet: true,
            documents: Default::default(),
        },
        &dict,
    )
}

/// Writes each report, transformed, under `dir/<variant>/` with the original file name (the
/// `doc` column is the file name, so facts compare equal).
fn write_variant(root: &Path, variant: &str, files: &[(String, Vec<u8>)]) -> PathBuf {
    let dir = root.join(variant);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).expect("write fixture");
    }
    dir
}

#[test]
fn every_encoding_gives_the_same_text_and_facts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let reports = reports();
    type Encoder = fn(&str) -> Vec<u8>;
    let variants: [(&str, bool, Encoder, &str); 6] = [
        ("utf8", false, |t| t.as_bytes().to_vec(), "UTF-8"),
        (
            "utf8-bom",
            false,
            |t| [b"\xEF\xBB\xBF".as_slice(), t.as_bytes()].concat(),
            "UTF-8",
        ),
        ("gbk", true, |t| encode(encoding_rs::GBK, t), "GBK"),
        ("gb18030", false, |t| encode(encoding_rs::GB18030, t), "GBK"),
        ("utf16le", false, |t| utf16(t, true), "UTF-16LE"),
        ("utf16be", false, |t| utf16(t, false), "UTF-16BE"),
    ];
    let baseline_of = |gbk: bool| {
        let files: Vec<(String, Vec<u8>)> = reports
            .iter()
            .map(|(n, t)| {
                let t = if gbk { gbk_safe(t) } else { t.clone() };
                (n.clone(), t.into_bytes())
            })
            .collect();
        let dir = write_variant(tmp.path(), if gbk { "base-gbk" } else { "base" }, &files);
        batch_of(&dir)
    };
    let base = baseline_of(false);
    let base_gbk = baseline_of(true);
    let mut failures = Vec::new();
    for (variant, gbk, encoder, encoding) in variants {
        let files: Vec<(String, Vec<u8>)> = reports
            .iter()
            .map(|(n, t)| {
                let t = if gbk { gbk_safe(t) } else { t.clone() };
                (n.clone(), encoder(&t))
            })
            .collect();
        let dir = write_variant(tmp.path(), variant, &files);
        // The decoded text is the original, character for character.
        for (name, text) in &reports {
            let want = if gbk { gbk_safe(text) } else { text.clone() };
            let doc = load_document(&dir.join(name), &IngestOptions::default())
                .unwrap_or_else(|e| panic!("{variant} {name}: {e}"));
            if doc.text != want {
                failures.push(format!("{variant} {name}: decoded text differs"));
            }
            if doc.encoding != encoding || !doc.malformed_offsets.is_empty() {
                failures.push(format!(
                    "{variant} {name}: decoded as {} ({}), {} malformed",
                    doc.encoding,
                    doc.encoding_source,
                    doc.malformed_offsets.len()
                ));
            }
        }
        let batch = batch_of(&dir);
        let want = if gbk { &base_gbk } else { &base };
        if batch.facts != want.facts {
            failures.push(format!(
                "{variant}: {} facts, want {}",
                batch.facts.len(),
                want.facts.len()
            ));
        }
        if batch.documents != want.documents {
            failures.push(format!("{variant}: metadata differs"));
        }
        if batch.records.iter().any(|r| r.status == InputStatus::Error) {
            failures.push(format!("{variant}: some input failed"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The report wrapped in a GBK page with navigation, scripts and a footer gives the same
/// facts and metadata as the plain text.
#[test]
fn html_and_docx_versions_give_the_same_facts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let reports = reports();
    let mut html_files = Vec::new();
    let mut docx_files = Vec::new();
    let mut text_files = Vec::new();
    for (name, text) in &reports {
        let stem = name.trim_end_matches(".txt");
        let text = gbk_safe(text);
        let paragraphs: String = text
            .lines()
            .map(|l| format!("<p>{}</p>\n", escape(l)))
            .collect();
        let page = format!(
            "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" \
             content=\"text/html; charset=gb2312\"><title>page</title>\
             <script>var counter=\"访问量 12345\";</script><style>p{{margin:0}}</style></head>\
             <body><div class=\"nav\"><a href=\"/\">首页</a> <a href=\"/a\">政务公开</a></div>\
             <div class=\"main\"><div id=\"zoom\">{paragraphs}</div></div>\
             <footer>主办单位 网站标识码 访问量 999</footer></body></html>"
        );
        html_files.push((format!("{stem}.html"), encode(encoding_rs::GBK, &page)));
        docx_files.push((format!("{stem}.docx"), docx(&text)));
        text_files.push((name.clone(), text.into_bytes()));
    }
    let text_batch = batch_of(&write_variant(tmp.path(), "txt", &text_files));
    for (variant, files) in [("html", html_files), ("docx", docx_files)] {
        let batch = batch_of(&write_variant(tmp.path(), variant, &files));
        assert!(
            batch.records.iter().all(|r| r.status != InputStatus::Error),
            "{variant}: {:?}",
            batch.records
        );
        let project = |b: &Batch| -> Vec<(String, f64, i32)> {
            b.facts
                .iter()
                .map(|f| (f.metric.clone(), f.value, f.year))
                .collect()
        };
        assert_eq!(project(&batch), project(&text_batch), "{variant} facts");
        let metas: Vec<_> = batch.documents.iter().map(|(_, m)| m.clone()).collect();
        let want: Vec<_> = text_batch
            .documents
            .iter()
            .map(|(_, m)| m.clone())
            .collect();
        for (got, want) in metas.iter().zip(&want) {
            assert_eq!(
                (&got.region_code, got.report_year),
                (&want.region_code, want.report_year),
                "{variant} metadata"
            );
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn docx(text: &str) -> Vec<u8> {
    let body: String = text
        .lines()
        .map(|l| {
            format!(
                "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                escape(l)
            )
        })
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document \
         xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{body}</w:body></w:document>"
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .expect("zip entry");
        zip.write_all(xml.as_bytes()).expect("zip write");
        zip.finish().expect("zip finish");
    }
    buf.into_inner()
}
