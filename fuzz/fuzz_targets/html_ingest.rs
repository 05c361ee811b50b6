//! HTML ingest on arbitrary bytes: encoding choice, decoding and article extraction never
//! panic; a page either decodes to text or is refused with a reason.
#![no_main]

use std::path::Path;

use fazhi::ingest::{document_from_bytes, IngestOptions, InputKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let opts = IngestOptions::default();
    if let Ok(doc) = document_from_bytes(Path::new("fuzz.html"), InputKind::Html, bytes, &opts) {
        assert!(!doc.text.trim().is_empty());
        assert!(doc.malformed_offsets.windows(2).all(|w| w[0] < w[1]));
        assert!(doc.malformed_offsets.iter().all(|&o| o < bytes.len()));
    }
    // The markup path alone, on whatever UTF-8 the bytes hold.
    let _ = fazhi::ingest::html::html_to_text(&String::from_utf8_lossy(bytes), &opts.lexicon);
});
