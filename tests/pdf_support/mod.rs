//! Small PDFs built in memory for the PDF reader's tests: text at chosen positions, a scan (an
//! image and no text), an encrypted copy, and headless Chromium printing a page to PDF.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream, StringFormat};

/// One string on a page: x and y of its start (PDF points, y up), font size, text.
pub type Placed<'a> = (f32, f32, f32, &'a str);

/// A PDF whose pages show the given strings, one text object each, in a Type0 font whose
/// ToUnicode map gives the text (no font program: a text layer is all a reader needs).
pub fn text_pdf(pages: &[Vec<Placed<'_>>]) -> Vec<u8> {
    let mut chars: Vec<char> = pages.iter().flatten().flat_map(|p| p.3.chars()).collect();
    chars.sort_unstable();
    chars.dedup();
    let code = |c: char| -> u16 {
        let i = chars.binary_search(&c).expect("every char has a code");
        u16::try_from(i + 1).expect("fewer than 65535 distinct chars")
    };
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for block in chars.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", block.len()));
        for &c in block {
            let mut units = [0u16; 2];
            let hex: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{:04X}> <{hex}>\n", code(c)));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");

    let mut doc = Document::with_version("1.7");
    let cmap_id = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => "TestSans",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "TestSans",
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => cmap_id,
    });
    let resources = dictionary! { "Font" => dictionary! { "F1" => font } };
    let mut contents = Vec::new();
    for page in pages {
        let mut ops = Vec::new();
        for &(x, y, size, text) in page {
            let bytes: Vec<u8> = text.chars().flat_map(|c| code(c).to_be_bytes()).collect();
            ops.extend([
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), size.into()]),
                Operation::new("Td", vec![x.into(), y.into()]),
                Operation::new("Tj", vec![Object::String(bytes, StringFormat::Hexadecimal)]),
                Operation::new("ET", vec![]),
            ]);
        }
        contents.push(Content { operations: ops }.encode().expect("content"));
    }
    finish(doc, resources, contents)
}

/// A one-page "scan": the page paints a grey image and shows no text.
pub fn scan_pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let image = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => 2,
            "Height" => 2,
            "ColorSpace" => "DeviceGray",
            "BitsPerComponent" => 8,
        },
        vec![0x40, 0x80, 0xC0, 0xFF],
    ));
    let resources = dictionary! { "XObject" => dictionary! { "Im0" => image } };
    finish(
        doc,
        resources,
        vec![b"q 595 0 0 842 0 0 cm /Im0 Do Q".to_vec()],
    )
}

fn finish(mut doc: Document, resources: lopdf::Dictionary, contents: Vec<Vec<u8>>) -> Vec<u8> {
    let pages_id = doc.new_object_id();
    let resources_id = doc.add_object(resources);
    let kids: Vec<Object> = contents
        .into_iter()
        .map(|content| {
            let content_id = doc.add_object(Stream::new(dictionary! {}, content));
            doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "Contents" => content_id,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            })
            .into()
        })
        .collect();
    let count = i64::try_from(kids.len()).expect("page count");
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// `pdf` encrypted (RC4 128-bit) with the given user password; the owner password is "owner".
pub fn encrypted(pdf: &[u8], user_password: &str) -> Vec<u8> {
    let mut doc = Document::load_mem(pdf).expect("load");
    if doc.trailer.get(b"ID").is_err() {
        let id = Object::String(b"0123456789abcdef".to_vec(), StringFormat::Hexadecimal);
        doc.trailer.set("ID", vec![id.clone(), id]);
    }
    let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password,
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    })
    .expect("encryption state");
    doc.encrypt(&state).expect("encrypt");
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// Debian's Chromium, as installed by `.ci/run` (see tests/browser.rs).
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// True when Chromium is installed; otherwise says on stderr what was skipped and why.
pub fn chromium_present(what: &str) -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    eprintln!(
        "SKIPPED: {CHROMIUM} is absent, so {what} was not tested. Install it with \
         `apt-get install -y chromium fonts-wqy-microhei` (.ci/run does this)."
    );
    false
}

/// Prints `page` (an HTML file) to `pdf` with headless Chromium, within a time limit.
pub fn print_to_pdf(page: &Path, pdf: &Path) {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-extensions",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "chromium failed on {}", page.display());
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!(
                "chromium did not finish printing {} in 90 s",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(pdf.is_file(), "no PDF written for {}", page.display());
}

/// An HTML rendering of a plain-text report: each non-empty line a paragraph, on pages of
/// the given CSS size (`"210mm 297mm"`).
pub fn report_html(text: &str, page_size: &str) -> String {
    let mut body = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        body.push_str("<p>");
        for c in line.chars() {
            match c {
                '<' => body.push_str("&lt;"),
                '>' => body.push_str("&gt;"),
                '&' => body.push_str("&amp;"),
                c => body.push(c),
            }
        }
        body.push_str("</p>\n");
    }
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>@page {{ size: {page_size}; \
         margin: 15mm }} body {{ font-size: 12pt; line-height: 1.5 }}</style></head><body>\
         {body}</body></html>"
    )
}
