//! PDF ingest on arbitrary bytes: never panics, never hangs; a PDF either gives non-empty
//! text or is refused with a message that names the file (no silent empty document).
#![no_main]

use std::path::Path;

use fazhi::ingest::{document_from_bytes, IngestOptions, InputKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let opts = IngestOptions { max_bytes: 1 << 20 };
    match document_from_bytes(Path::new("fuzz.pdf"), InputKind::Pdf, bytes, &opts) {
        Ok(doc) => assert!(!doc.text.trim().is_empty()),
        Err(e) => assert!(e.to_string().starts_with("fuzz.pdf: ")),
    }
});
