//! Property tests for ingest and metadata (issue 7), complementing the cargo-fuzz targets in
//! `fuzz/`: decoding never panics and locates its damage, encodings round-trip, page chrome
//! never leaks into the text, file names derived from report text are always safe.

use std::path::Path;

use fazhi::dict::Lexicon;
use fazhi::extract::metadata::{parse_date, resolve};
use fazhi::ingest::decode::decode;
use fazhi::ingest::html::html_to_text;
use fazhi::ingest::{document_from_bytes, IngestOptions, InputKind};
use fazhi::output::write::safe_file_name;
use proptest::prelude::*;

/// Characters of real report text (common hanzi, digits, Chinese punctuation), so detection
/// sees text like the reports it is for.
fn report_chars() -> Vec<char> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reports");
    let mut chars: Vec<char> = std::fs::read_dir(dir)
        .expect("data/reports")
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .flat_map(|t| t.chars().collect::<Vec<_>>())
        .filter(|c| !c.is_whitespace() && !"•<>&".contains(*c))
        .collect();
    chars.sort_unstable();
    chars.dedup();
    chars
}

fn report_text(min: usize, max: usize) -> impl Strategy<Value = String> {
    let pool = report_chars();
    proptest::collection::vec(proptest::sample::select(pool), min..max)
        .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decoding_never_panics_and_locates_damage(bytes in proptest::collection::vec(any::<u8>(), 0..2048), html in any::<bool>()) {
        if let Ok(d) = decode(&bytes, html) {
            prop_assert!(d.malformed_offsets.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(d.malformed_offsets.iter().all(|&o| o < bytes.len()));
            let replaced = d.text.matches(char::REPLACEMENT_CHARACTER).count();
            prop_assert!(replaced >= d.malformed_offsets.len());
        }
    }

    #[test]
    fn utf16_and_bom_round_trip(text in "\\PC{1,300}") {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            le.extend(unit.to_le_bytes());
            be.extend(unit.to_be_bytes());
        }
        let bom8 = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        for bytes in [le, be, bom8] {
            let d = decode(&bytes, false).expect("text with a BOM always decodes");
            prop_assert_eq!(&d.text, &text);
            prop_assert!(d.malformed_offsets.is_empty());
        }
    }

    #[test]
    fn gbk_report_text_is_detected_and_round_trips(text in report_text(40, 400)) {
        for encoding in [encoding_rs::GBK, encoding_rs::GB18030] {
            let (bytes, _, unmappable) = encoding.encode(&text);
            prop_assume!(!unmappable);
            let d = decode(&bytes, false).expect("GBK text decodes");
            prop_assert_eq!(&d.text, &text, "decoded as {}", d.encoding);
        }
    }

    #[test]
    fn chrome_never_leaks_and_the_body_survives(body in report_text(60, 300), chrome in "[a-z]{8}") {
        let page = format!(
            "<html><head><title>t</title><style>.{chrome}{{}}</style></head><body>\
             <nav>NAV{chrome}</nav><div class=\"menu\">MENU{chrome}</div>\
             <div id=\"content\"><p>{body}</p></div>\
             <script>SCRIPT{chrome}</script><footer>FOOT{chrome}</footer></body></html>"
        );
        let text = html_to_text(&page, Lexicon::bundled()).expect("a page within the structure limits");
        prop_assert!(text.contains(&body), "body lost: {}", text);
        prop_assert!(!text.contains(&chrome), "chrome leaked: {}", text);
    }

    #[test]
    fn html_ingest_never_panics(markup in "(<[a-z]{1,6}( [a-z]{1,5}=\"[^\"]{0,8}\")?>|</[a-z]{1,6}>|[^<>]{0,12}|<!--|-->|<script>|<br/>){0,60}") {
        let _ = html_to_text(&markup, Lexicon::bundled());
        let _ = document_from_bytes(Path::new("p.html"), InputKind::Html, markup.as_bytes(), &IngestOptions::default());
    }

    #[test]
    fn safe_file_names_are_safe_and_stable(name in "\\PC{0,300}|(CON|nul|com1|\\.\\.|\\./)[.a-z]{0,4}") {
        let safe = safe_file_name(&name);
        prop_assert!(!safe.is_empty());
        prop_assert!(safe.len() <= 180);
        prop_assert!(!safe.chars().any(|c| "<>:\"/\\|?*".contains(c) || c.is_control()));
        prop_assert!(!safe.starts_with('.'));
        prop_assert!(!safe.ends_with('.') && !safe.ends_with(' '));
        let stem = safe.split('.').next().unwrap_or("").to_ascii_uppercase();
        prop_assert!(!["CON", "PRN", "AUX", "NUL", "COM1", "LPT1"].contains(&stem.as_str()));
        prop_assert_eq!(safe_file_name(&safe), safe.clone());
    }

    #[test]
    fn dates_normalise_in_every_written_form(y in 1990i32..2100, m in 1u32..=12, d in 1u32..=28, form in 0usize..5) {
        let written = match form {
            0 => format!("{y}-{m:02}-{d:02}"),
            1 => format!("{y}/{m}/{d} 09:30:00"),
            2 => format!("{y}年{m}月{d}日"),
            3 => format!("{y}.{m}.{d}"),
            _ => format!("{y}-{m}-{d}")
                .chars()
                .map(|c| c.to_digit(10).and_then(|v| char::from_u32('０' as u32 + v)).unwrap_or(c))
                .collect(),
        };
        prop_assert_eq!(parse_date(&written), Some(format!("{y:04}-{m:02}-{d:02}")));
    }

    #[test]
    fn metadata_never_panics(text in "\\PC{0,400}", name in "\\PC{0,40}") {
        let _ = resolve(&name, &text);
    }
}
