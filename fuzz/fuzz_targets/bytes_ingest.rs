//! Plain-text and .docx ingest on arbitrary bytes: never panic; malformed offsets are
//! increasing and inside the input.
#![no_main]

use std::path::Path;

use fazhi::ingest::{document_from_bytes, IngestOptions, InputKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let opts = IngestOptions {
        max_bytes: 1 << 20,
        ..IngestOptions::default()
    };
    for (name, kind) in [
        ("fuzz.txt", InputKind::Text),
        ("fuzz.docx", InputKind::Docx),
    ] {
        if let Ok(doc) = document_from_bytes(Path::new(name), kind, bytes, &opts) {
            assert!(doc.malformed_offsets.windows(2).all(|w| w[0] < w[1]));
            assert!(doc.malformed_offsets.iter().all(|&o| o < bytes.len()));
            let _ = fazhi::extract::metadata::resolve(name, &doc.text);
        }
    }
});
