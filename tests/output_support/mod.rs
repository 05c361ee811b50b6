//! Reading a run's outputs, shared by the tests that look at all of them (`snapshots.rs`,
//! `one_language.rs`, `docx.rs`): the run itself, its files, their text, the Word briefing's
//! parts, and where a text holds Chinese.
#![allow(dead_code)]

use std::io::{Cursor, Read};
use std::path::Path;

/// `fazhi run` on the bundled reports with `--lang lang` into a fresh folder.
pub fn run(lang: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_cmd::Command::cargo_bin("fazhi")
        .expect("binary built")
        .args(["run", "data/reports", "-q", "--lang", lang, "-o"])
        .arg(dir.path())
        .assert()
        .success();
    dir
}

/// A text output, without its byte-order mark.
pub fn text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8(bytes)
        .expect("utf-8 output")
        .trim_start_matches('\u{feff}')
        .to_string()
}

/// Every file under `root`, relative, sorted.
pub fn files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("list").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).expect("under root");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// The text of one part of a .docx (`word/document.xml`, `word/footnotes.xml`), read with
/// fazhi's own reader of .docx reports, not the crate that writes the briefing.
pub fn docx_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("docx is a zip");
    let mut xml = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut xml)
        .expect("utf-8");
    fazhi::ingest::docx::document_xml_text(&xml).expect("well-formed part")
}

/// A CJK ideograph, or CJK or full-width punctuation.
pub fn is_cjk(c: char) -> bool {
    matches!(u32::from(c), 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
}

/// Each run of CJK characters, with `before` characters of context before it and ten after.
pub fn cjk_runs(text: &str, before: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if is_cjk(chars[i]) {
            let start = i;
            while i < chars.len() && is_cjk(chars[i]) {
                i += 1;
            }
            let from = start.saturating_sub(before);
            out.push(chars[from..(i + 10).min(chars.len())].iter().collect());
        } else {
            i += 1;
        }
    }
    out
}
