//! Extraction (metadata and facts) on arbitrary UTF-8: never panics, and every fact's
//! evidence is the text at its offset (the invariant of `fazhi::extract`).
#![no_main]

use std::sync::OnceLock;

use fazhi::dict::IndicatorDict;
use libfuzzer_sys::fuzz_target;

fn dict() -> &'static IndicatorDict {
    static DICT: OnceLock<IndicatorDict> = OnceLock::new();
    DICT.get_or_init(|| fazhi::dict::load_dict(None).expect("bundled dictionary"))
}

fuzz_target!(|text: &str| {
    let doc = fazhi::ingest::document_from_text("fuzz.txt", text);
    let ex = fazhi::extract::extract_document(&doc, dict());
    for fact in ex.facts.iter().chain(ex.targets.iter()) {
        let at: String = doc
            .text
            .chars()
            .skip(fact.offset)
            .take(fact.evidence.chars().count())
            .collect();
        assert_eq!(
            at, fact.evidence,
            "evidence is not the text at offset {}",
            fact.offset
        );
        assert!(fact.value.is_finite());
    }
});
