//! Bytes → text: choosing the encoding and decoding without ever aborting.
//!
//! Order (issue 7): a byte-order mark; then, for HTML, the `<meta charset>`; then valid UTF-8;
//! then detection (chardetng), which handles GBK/GB2312/GB18030 pages saved from county sites.
//! One exception to the order: a page whose meta names a legacy encoding but whose bytes are
//! valid UTF-8 (a page re-saved as UTF-8 keeps its old meta) is read as UTF-8, since no
//! Chinese GBK text of any length is also valid UTF-8.
//! Malformed sequences are replaced with U+FFFD and their byte offsets recorded: they never
//! abort a file. Bytes that are not text at all (NUL bytes, control characters, known
//! binary signatures) are refused with the reason.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// How many bytes at the start are examined for binary signatures and the meta charset.
const SNIFF_BYTES: usize = 64 * 1024;
/// Share of control bytes (per mille) above which a file is taken for binary.
const CONTROL_PER_MILLE_MAX: usize = 20;

/// A decoded text and how it was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, with U+FFFD where bytes were malformed.
    pub text: String,
    /// Encoding name as encoding_rs spells it (`UTF-8`, `GBK`, `UTF-16LE` …).
    pub encoding: String,
    /// How the encoding was chosen: `bom`, `meta`, `utf8` or `detected`.
    pub source: String,
    /// Byte offsets (into the input) of each malformed sequence replaced.
    pub malformed_offsets: Vec<usize>,
}

/// Why bytes could not be taken for text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The bytes carry a known binary file signature.
    #[error("is a {0} file, not text")]
    Signature(&'static str),
    /// The bytes look binary.
    #[error("does not look like text ({0})")]
    Binary(String),
}

/// Known binary signatures that are often misnamed `.txt` or `.html`.
const SIGNATURES: [(&[u8], &str); 9] = [
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP (or .docx/.xlsx)"),
    (b"\xD0\xCF\x11\xE0", "legacy Office (.doc/.xls)"),
    (b"\x89PNG", "PNG image"),
    (b"\xFF\xD8\xFF", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1F\x8B", "gzip"),
    (b"Rar!", "RAR"),
    (b"7z\xBC\xAF", "7-Zip"),
];

/// Decodes `bytes`; `html` enables the meta charset step.
pub fn decode(bytes: &[u8], html: bool) -> Result<Decoded, DecodeError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(decode_with(encoding, &bytes[bom_len..], bom_len, "bom"));
    }
    reject_binary(bytes)?;
    if let Some(encoding) = utf16_without_bom(bytes) {
        return Ok(decode_with(encoding, bytes, 0, "detected"));
    }
    let utf8 = std::str::from_utf8(bytes).ok();
    let utf8_valid = utf8.is_some();
    if html {
        if let Some(encoding) = meta_charset(&bytes[..bytes.len().min(SNIFF_BYTES)]) {
            let legacy_but_utf8 = encoding != UTF_8 && utf8_valid && !bytes.is_ascii();
            if !legacy_but_utf8 {
                return Ok(decode_with(encoding, bytes, 0, "meta"));
            }
        }
    }
    if let Some(text) = utf8 {
        // Already validated: a copy is all decoding would do.
        return Ok(Decoded {
            text: text.to_owned(),
            encoding: UTF_8.name().to_string(),
            source: "utf8".to_string(),
            malformed_offsets: Vec::new(),
        });
    }
    if mostly_utf8(bytes) {
        // A UTF-8 file with a few damaged bytes: chardetng rules UTF-8 out on the first
        // error and would pick a legacy encoding, garbling every character.
        return Ok(decode_with(UTF_8, bytes, 0, "detected"));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    Ok(decode_with(encoding, bytes, 0, "detected"))
}

/// Decodes `bytes` (which start `offset` bytes into the file) with `encoding`, recording the
/// file offset of every malformed sequence.
fn decode_with(encoding: &'static Encoding, bytes: &[u8], offset: usize, source: &str) -> Decoded {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut malformed_offsets = Vec::new();
    let mut pos = 0;
    loop {
        let remaining = bytes.len() - pos;
        let needed = decoder
            .max_utf8_buffer_length_without_replacement(remaining)
            .unwrap_or(remaining.saturating_mul(3))
            .max(4);
        text.reserve(needed);
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[pos..], &mut text, true);
        match result {
            encoding_rs::DecoderResult::InputEmpty => break,
            encoding_rs::DecoderResult::OutputFull => {
                pos += read;
            }
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                let end = pos + read - usize::from(after);
                let start = end.saturating_sub(usize::from(bad));
                malformed_offsets.push(offset + start);
                text.push('\u{FFFD}');
                pos += read;
            }
        }
    }
    Decoded {
        text,
        encoding: encoding.name().to_string(),
        source: source.to_string(),
        malformed_offsets,
    }
}

/// UTF-8 with a few malformed sequences: at least ten valid multi-byte characters per error.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    let mut errors = 0usize;
    let mut wide = 0usize;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                wide += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                // The prefix is valid UTF-8 by construction.
                wide += std::str::from_utf8(valid)
                    .map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                errors += 1;
                match e.error_len() {
                    Some(n) => rest = &after[n..],
                    None => break,
                }
            }
        }
    }
    errors > 0 && wide >= errors * 10
}

/// Refuses bytes with a binary signature, NUL bytes or many control characters.
fn reject_binary(bytes: &[u8]) -> Result<(), DecodeError> {
    for (magic, kind) in SIGNATURES {
        if bytes.starts_with(magic) {
            return Err(DecodeError::Signature(kind));
        }
    }
    let sniff = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if utf16_without_bom(bytes).is_some() {
        return Ok(());
    }
    if let Some(at) = sniff.iter().position(|&b| b == 0) {
        return Err(DecodeError::Binary(format!("NUL byte at offset {at}")));
    }
    let control = sniff
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
        .count();
    if !sniff.is_empty() && control * 1000 / sniff.len() > CONTROL_PER_MILLE_MAX {
        return Err(DecodeError::Binary(format!(
            "{control} control bytes in the first {} bytes",
            sniff.len()
        )));
    }
    Ok(())
}

/// UTF-16 without a byte-order mark, recognised by the NUL high bytes of ASCII characters
/// (line breaks, digits, punctuation) sitting on one side only.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sniff = &bytes[..bytes.len().min(SNIFF_BYTES) & !1];
    // Without a NUL byte there is nothing to count (the common case, found fast).
    if sniff.len() < 16 || !sniff.contains(&0) {
        return None;
    }
    let pairs = sniff.len() / 2;
    let even_nul = sniff.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = sniff.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    // Chinese UTF-16 has few NULs overall, but every ASCII character contributes one on the
    // same side; require a clear majority on one side and none on the other.
    let clear = |side: usize, other: usize| side * 10 >= pairs && other == 0;
    if clear(odd_nul, even_nul) {
        Some(UTF_16LE)
    } else if clear(even_nul, odd_nul) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// The encoding named by `<meta charset=…>` or `<meta http-equiv … content="…charset=…">`.
/// A meta naming UTF-16 is read as UTF-8, as browsers do (the bytes had no UTF-16 BOM).
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(found) = find(&lower[from..], b"<meta") {
        let start = from + found;
        let end = find(&lower[start..], b">").map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(at) = find(tag, b"charset") {
            let rest = &tag[at + b"charset".len()..];
            let rest = trim_ascii_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_ascii_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(encoding) = Encoding::for_label(&rest[..label_end]) {
                    return Some(if encoding == UTF_16LE || encoding == UTF_16BE {
                        UTF_8
                    } else {
                        encoding
                    });
                }
            }
        }
        from = end.max(start + 1);
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "接收行政复议申请91件，受理73件。全年办理法律援助案件1,234件。";

    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        encoding.encode(text).0.into_owned()
    }

    #[test]
    fn chooses_the_encoding_in_order() {
        let gbk = encode(encoding_rs::GBK, REPORT);
        let mut utf16le = vec![0xFF, 0xFE];
        for unit in REPORT.encode_utf16() {
            utf16le.extend(unit.to_le_bytes());
        }
        let mut utf16be = vec![0xFE, 0xFF];
        for unit in REPORT.encode_utf16() {
            utf16be.extend(unit.to_be_bytes());
        }
        let mut bom_utf8 = b"\xEF\xBB\xBF".to_vec();
        bom_utf8.extend(REPORT.as_bytes());
        let mut meta_gbk = b"<html><head><meta charset=\"gb2312\"></head><body>".to_vec();
        meta_gbk.extend(&gbk);
        let mut http_equiv =
            b"<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=GBK\">".to_vec();
        http_equiv.extend(&gbk);
        let mut stale_meta = b"<meta charset=\"gb2312\">".to_vec();
        stale_meta.extend(REPORT.as_bytes());
        let cases: Vec<(&str, Vec<u8>, bool, &str, &str)> = vec![
            (
                "plain UTF-8",
                REPORT.as_bytes().to_vec(),
                false,
                "UTF-8",
                "utf8",
            ),
            ("UTF-8 with BOM", bom_utf8, false, "UTF-8", "bom"),
            ("UTF-16LE with BOM", utf16le, false, "UTF-16LE", "bom"),
            ("UTF-16BE with BOM", utf16be, false, "UTF-16BE", "bom"),
            ("GBK detected", gbk.clone(), false, "GBK", "detected"),
            (
                "GB18030 detected as its GBK subset",
                encode(encoding_rs::GB18030, REPORT),
                false,
                "GBK",
                "detected",
            ),
            ("meta charset", meta_gbk, true, "GBK", "meta"),
            ("http-equiv meta", http_equiv, true, "GBK", "meta"),
            (
                "stale meta over UTF-8 bytes",
                stale_meta,
                true,
                "UTF-8",
                "utf8",
            ),
        ];
        for (case, bytes, html, encoding, source) in cases {
            let d = decode(&bytes, html).unwrap_or_else(|e| panic!("{case}: {e}"));
            assert_eq!(
                (d.encoding.as_str(), d.source.as_str()),
                (encoding, source),
                "{case}"
            );
            assert!(d.text.contains(REPORT), "{case}: {}", d.text);
            assert!(d.malformed_offsets.is_empty(), "{case}");
        }
    }

    #[test]
    fn malformed_bytes_are_replaced_and_located() {
        let mut bytes = REPORT.as_bytes().to_vec();
        bytes.insert(6, 0xFF);
        let at = bytes.len();
        bytes.extend([0xC3]);
        bytes.extend("完".as_bytes());
        let d = decode(&bytes, false).expect("text");
        assert_eq!(
            (d.encoding.as_str(), d.source.as_str()),
            ("UTF-8", "detected")
        );
        assert_eq!(d.malformed_offsets, [6, at]);
        assert_eq!(d.text.matches('\u{FFFD}').count(), 2);
        assert!(d.text.ends_with('完'));
    }

    #[test]
    fn binary_is_refused_with_the_reason() {
        let cases: [(&[u8], &str); 4] = [
            (b"%PDF-1.7 ...", "PDF"),
            (b"PK\x03\x04rest", "ZIP"),
            (b"abc\x00def", "NUL byte at offset 3"),
            (b"\x01\x02\x03\x04\x05\x06\x07\x08abc", "control bytes"),
        ];
        for (bytes, want) in cases {
            let err = decode(bytes, false).expect_err("binary");
            assert!(err.to_string().contains(want), "{err}");
        }
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let text = "2023年受理73件\r\n法律援助100件\r\n";
        let mut le = Vec::new();
        for unit in text.encode_utf16() {
            le.extend(unit.to_le_bytes());
        }
        let d = decode(&le, false).expect("utf-16");
        assert_eq!(d.encoding, "UTF-16LE");
        assert_eq!(d.text, text);
    }
}
