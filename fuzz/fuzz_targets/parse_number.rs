//! Number parsing on arbitrary text: never panics; a parsed value is finite and not
//! negative (reports state counts, amounts and rates).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Some(n) = fazhi::extract::number::parse_number(text, fazhi::dict::Lexicon::bundled()) {
        assert!(n.value.is_finite(), "{text:?} parsed to {}", n.value);
        assert!(n.value >= 0.0, "{text:?} parsed to {}", n.value);
    }
});
