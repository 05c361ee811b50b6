//! PDF reports with a text layer → the report's text, paragraphs one per line.
//!
//! lopdf parses the file (cross-reference repair, decryption with the empty password,
//! decompression bounded per stream). Its own text extraction starts a line at every `ET`, and
//! producers end a text object wherever the font changes: Chromium writes `受理` and `73` as
//! two text objects on one printed line. So the pages are read here, with each shown string's
//! position: strings on one baseline make a line, and lines are joined back into paragraphs
//! the way a reader sees them (see [`paragraphs`]).
//!
//! Invariants: no PDF yields a silent empty document: a PDF whose pages show no text is a
//! [`PdfError::NoTextLayer`] (a scan: it needs OCR), one whose glyphs cannot be mapped to
//! Unicode is [`PdfError::Undecodable`], a password-protected one [`PdfError::Encrypted`].
//! Work is bounded: every stream inflates to at most the input size limit, the pages' content
//! together to at most [`CONTENT_LIMIT_FACTOR`] times it, and content is read operator by
//! operator without recursion.

use lopdf::content::Content;
use lopdf::{Document, Encoding, LoadOptions, Object};
use std::collections::BTreeMap;

/// The pages' decompressed content may total this many times the input size limit.
pub const CONTENT_LIMIT_FACTOR: u64 = 4;

/// Why a PDF gave no text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// Not a PDF lopdf can read, or a damaged one.
    #[error("not a readable PDF (damaged or not a PDF): {0}")]
    Broken(String),
    /// Protected by a password.
    #[error(
        "the PDF is encrypted with a password: open it with the password and save or print an \
         unprotected copy"
    )]
    Encrypted,
    /// The PDF has pages but none of them shows text: scanned images.
    #[error(
        "the PDF has no text layer ({pages} page(s), images only, probably a scan): it needs \
         OCR; run it through OCR or ask for the text version"
    )]
    NoTextLayer {
        /// Pages in the file.
        pages: usize,
    },
    /// Glyphs are shown but their fonts carry no map to Unicode.
    #[error(
        "the PDF shows text but its fonts have no Unicode map, so the text cannot be read: \
         it needs OCR, or a copy exported with embedded Unicode text"
    )]
    Undecodable,
    /// Decompressed content over the limit.
    #[error(
        "the PDF's content inflates beyond {limit} bytes, over the size limit (raise it with \
         --max-size)"
    )]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
}

/// The text of a PDF. `limit` is the input size limit in bytes (see the module docs).
pub fn pdf_to_text(bytes: &[u8], limit: u64) -> Result<String, PdfError> {
    // lopdf is hardened against hostile files (its fuzzing, recursion limits), but a panic in
    // a dependency must still not take the batch down: it becomes this file's error.
    std::panic::catch_unwind(|| read_pdf(bytes, limit)).unwrap_or_else(|_| {
        Err(PdfError::Broken(
            "the PDF reader failed on this file".to_string(),
        ))
    })
}

fn read_pdf(bytes: &[u8], limit: u64) -> Result<String, PdfError> {
    let stream_limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let options = LoadOptions {
        max_decompressed_size: Some(stream_limit),
        ..LoadOptions::default()
    };
    let mut doc = Document::load_mem_with_options(bytes, options).map_err(|e| broken(&e, limit))?;
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        // Many PDFs are "encrypted" only against editing, with an empty user password.
        doc.decrypt("").map_err(|_| PdfError::Encrypted)?;
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(PdfError::Broken("the file has no pages".to_string()));
    }
    let mut budget = limit.saturating_mul(CONTENT_LIMIT_FACTOR);
    let mut lines_by_page = Vec::with_capacity(pages.len());
    let mut shown = false;
    for &page_id in pages.values() {
        let content = doc
            .get_page_content_with_limit(page_id, stream_limit)
            .map_err(|e| broken(&e, limit))?;
        budget = budget
            .checked_sub(content.len() as u64)
            .ok_or(PdfError::TooLarge { limit })?;
        // A page whose content does not parse loses its text, not the document's.
        let Ok(content) = Content::decode(&content) else {
            lines_by_page.push(Vec::new());
            continue;
        };
        let fonts = page_encodings(&doc, page_id, stream_limit);
        let runs = page_runs(&content, &fonts, &mut shown);
        lines_by_page.push(lines(runs));
    }
    let text = paragraphs(&lines_by_page);
    if text.trim().is_empty() {
        return Err(if shown {
            PdfError::Undecodable
        } else {
            PdfError::NoTextLayer { pages: pages.len() }
        });
    }
    Ok(text)
}

fn broken(e: &lopdf::Error, limit: u64) -> PdfError {
    match e {
        lopdf::Error::Decompress(_) => PdfError::TooLarge { limit },
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => PdfError::Encrypted,
        other => PdfError::Broken(other.to_string()),
    }
}

/// The page's fonts that decode to Unicode, by resource name. A composite font without a
/// `ToUnicode` map is left out: lopdf would read its glyph numbers as Latin-1 garbage.
fn page_encodings(
    doc: &Document,
    page_id: lopdf::ObjectId,
    limit: usize,
) -> BTreeMap<Vec<u8>, Encoding<'_>> {
    doc.get_page_fonts(page_id)
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, font)| {
            let identity = font
                .get(b"Encoding")
                .and_then(Object::as_name)
                .is_ok_and(|n| n.starts_with(b"Identity"));
            !identity || font.has(b"ToUnicode")
        })
        .filter_map(|(name, font)| {
            font.get_font_encoding_with_limit(doc, limit)
                .ok()
                .map(|e| (name, e))
        })
        .collect()
}

/// An affine matrix `[a b c d e f]` (PDF 32000-1 §8.3.3), points as row vectors.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Matrix([f64; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(tx: f64, ty: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    /// `self × other`: first `self`, then `other`.
    fn then(self, other: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn origin(self) -> (f64, f64) {
        (self.0[4], self.0[5])
    }

    /// Length of the unit vertical: the scale of a font size.
    fn vertical_scale(self) -> f64 {
        self.0[2].hypot(self.0[3])
    }

    /// Length of the unit horizontal.
    fn horizontal_scale(self) -> f64 {
        self.0[0].hypot(self.0[1])
    }

    fn from_operands(ops: &[Object]) -> Option<Matrix> {
        let v: Vec<f64> = ops.iter().filter_map(number).collect();
        let m: [f64; 6] = v.try_into().ok()?;
        m.iter().all(|x| x.is_finite()).then_some(Matrix(m))
    }
}

fn number(o: &Object) -> Option<f64> {
    o.as_float().ok().map(f64::from).filter(|x| x.is_finite())
}

/// One string shown on a page, in device space (y grows upwards).
#[derive(Debug, Clone)]
struct Run {
    x: f64,
    y: f64,
    /// Where the string ends, estimated from its characters (see [`advance_ems`]).
    end: f64,
    /// The font size in device units.
    em: f64,
    text: String,
}

/// Estimated advance of `text` in ems: a full-width character is one em, anything else half.
/// Only paragraph breaks depend on it (is a line short?), and they tolerate the error.
fn advance_ems(text: &str) -> f64 {
    text.chars()
        .map(|c| if is_wide(c) { 1.0 } else { 0.5 })
        .sum()
}

/// The strings a page shows, in content order, each with its position (PDF 32000-1 §9.4).
fn page_runs(
    content: &Content,
    fonts: &BTreeMap<Vec<u8>, Encoding<'_>>,
    shown: &mut bool,
) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut ctm = Matrix::IDENTITY;
    let mut saved: Vec<Matrix> = Vec::new();
    let (mut tm, mut tlm) = (Matrix::IDENTITY, Matrix::IDENTITY);
    let mut font: Option<&Encoding<'_>> = None;
    let (mut size, mut leading, mut hscale) = (0.0f64, 0.0f64, 1.0f64);
    for op in &content.operations {
        let ops = &op.operands;
        let num = |i: usize| ops.get(i).and_then(number);
        match op.operator.as_str() {
            // The graphics state stack is bounded by the content's size: no recursion.
            "q" => saved.push(ctm),
            "Q" => ctm = saved.pop().unwrap_or(Matrix::IDENTITY),
            "cm" => {
                if let Some(m) = Matrix::from_operands(ops) {
                    ctm = m.then(ctm);
                }
            }
            "BT" => (tm, tlm) = (Matrix::IDENTITY, Matrix::IDENTITY),
            "Tf" => {
                font = ops
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|n| fonts.get(n));
                size = num(1).unwrap_or(0.0);
            }
            "Tz" => hscale = num(0).unwrap_or(100.0) / 100.0,
            "TL" => leading = num(0).unwrap_or(0.0),
            "Tm" => {
                if let Some(m) = Matrix::from_operands(ops) {
                    (tm, tlm) = (m, m);
                }
            }
            "Td" | "TD" => {
                if let (Some(tx), Some(ty)) = (num(0), num(1)) {
                    tlm = Matrix::translate(tx, ty).then(tlm);
                    tm = tlm;
                    if op.operator == "TD" {
                        leading = -ty;
                    }
                }
            }
            "T*" => {
                tlm = Matrix::translate(0.0, -leading).then(tlm);
                tm = tlm;
            }
            "Tj" | "TJ" | "'" | "\"" => {
                if op.operator != "Tj" && op.operator != "TJ" {
                    tlm = Matrix::translate(0.0, -leading).then(tlm);
                    tm = tlm;
                }
                let shown_ops: &[Object] = match op.operator.as_str() {
                    "\"" => ops.get(2).map(std::slice::from_ref).unwrap_or_default(),
                    _ => ops,
                };
                let (text, adjust) = decode_shown(shown_ops, font, shown);
                let device = tm.then(ctm);
                let (x, y) = device.origin();
                let em = size * device.vertical_scale();
                let advance = (advance_ems(&text) - adjust / 1000.0) * size * hscale;
                let end = x + advance * device.horizontal_scale();
                tm = Matrix::translate(advance, 0.0).then(tm);
                if !text.is_empty() && em.is_finite() && x.is_finite() && y.is_finite() {
                    runs.push(Run {
                        x,
                        y,
                        end,
                        em: em.abs(),
                        text,
                    });
                }
            }
            _ => {}
        }
    }
    runs
}

/// The text of a show operator's strings, and the sum of its `TJ` position adjustments
/// (thousandths of an em, positive moves left). Sets `shown` when any string is shown.
fn decode_shown(ops: &[Object], font: Option<&Encoding<'_>>, shown: &mut bool) -> (String, f64) {
    let mut text = String::new();
    let mut adjust = 0.0;
    let mut pending: Vec<&Object> = ops.iter().collect();
    pending.reverse();
    // TJ takes one array of strings and numbers; walked with an explicit stack, arrays in
    // arrays (not valid PDF) included.
    while let Some(o) = pending.pop() {
        match o {
            Object::String(bytes, _) => {
                if !bytes.is_empty() {
                    *shown = true;
                }
                if let Some(enc) = font {
                    if let Ok(s) = Document::decode_text(enc, bytes) {
                        text.extend(s.chars().filter(|c| !c.is_control()).map(|c| {
                            if c == '\u{a0}' {
                                ' '
                            } else {
                                c
                            }
                        }));
                    }
                }
            }
            Object::Array(items) => pending.extend(items.iter().rev()),
            other => adjust += number(other).unwrap_or(0.0),
        }
    }
    (text, adjust)
}

/// One printed line.
#[derive(Debug, Clone)]
struct Line {
    x: f64,
    y: f64,
    end: f64,
    em: f64,
    text: String,
}

/// Runs on one baseline make a line (content order is kept: producers write in reading order).
fn lines(runs: Vec<Run>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for run in runs {
        match out.last_mut() {
            Some(line) if (run.y - line.y).abs() <= 0.5 * line.em.max(run.em) => {
                // A visible gap between two Latin words is a space the producer did not write.
                let gap = run.x - line.end;
                let ascii_edge = line.text.ends_with(|c: char| c.is_ascii_alphanumeric())
                    && run.text.starts_with(|c: char| c.is_ascii_alphanumeric());
                if ascii_edge && gap > 0.25 * run.em {
                    line.text.push(' ');
                }
                line.text.push_str(&run.text);
                line.end = line.end.max(run.end);
                line.x = line.x.min(run.x);
                line.em = line.em.max(run.em);
            }
            _ => out.push(Line {
                x: run.x,
                y: run.y,
                end: run.end,
                em: run.em,
                text: run.text,
            }),
        }
    }
    out.retain(|l| !l.text.trim().is_empty());
    for l in &mut out {
        l.text = l.text.trim().to_string();
    }
    out
}

/// A line gap this many times the usual line pitch separates paragraphs.
const PARAGRAPH_GAP: f64 = 1.4;
/// A line ending this many ems before the right margin ends its paragraph.
const SHORT_LINE_EMS: f64 = 2.5;
/// A line starting this many ems right of the left margin starts a paragraph.
const INDENT_EMS: f64 = 1.0;

/// Lines joined back into paragraphs, one per output line.
///
/// A paragraph ends where a reader sees it end: before a line gap clearly wider than the
/// usual line pitch (HTML printed to PDF, most web reports), before an indented line (Word's
/// first-line indent), or, in documents that do not space their paragraphs, after a line that
/// stops short of the right margin. Everywhere else the layout broke the line, possibly inside
/// a word or a number, and the lines are joined: directly, or with one space between two Latin
/// words. Page numbers alone on a page's first or last line are dropped.
fn paragraphs(pages: &[Vec<Line>]) -> String {
    let pages: Vec<Vec<&Line>> = pages
        .iter()
        .map(|lines| {
            let last = lines.len().saturating_sub(1);
            lines
                .iter()
                .enumerate()
                .filter(|(i, l)| !((*i == 0 || *i == last) && is_page_number(&l.text)))
                .map(|(_, l)| l)
                .collect()
        })
        .collect();
    let pitch = median_pitch(&pages);
    let spaced = pitch.is_some_and(|p| {
        pages.iter().any(|lines| {
            lines
                .windows(2)
                .any(|w| (w[0].y - w[1].y).abs() > PARAGRAPH_GAP * p)
        })
    });
    let mut out = String::new();
    let mut prev: Option<(&Line, f64)> = None; // the previous line and its page's right margin
    for lines in &pages {
        let left = lines.iter().map(|l| l.x).fold(f64::INFINITY, f64::min);
        let right = lines
            .iter()
            .map(|l| l.end)
            .fold(f64::NEG_INFINITY, f64::max);
        for (i, &line) in lines.iter().enumerate() {
            if let Some((before, before_right)) = prev {
                let same_page = i > 0;
                let gap = (before.y - line.y).abs();
                let wide_gap = same_page && pitch.is_some_and(|p| gap > PARAGRAPH_GAP * p);
                let indented = line.x > left + INDENT_EMS * line.em;
                let short = before.end < before_right - SHORT_LINE_EMS * before.em;
                let ends = wide_gap || indented || (short && (!spaced || !same_page));
                if ends {
                    out.push('\n');
                } else if before.text.ends_with(|c: char| c.is_ascii_alphabetic())
                    && line.text.starts_with(|c: char| c.is_ascii_alphabetic())
                {
                    out.push(' ');
                }
            }
            out.push_str(&line.text);
            prev = Some((line, right));
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// The usual distance between consecutive lines of the same size (the median).
fn median_pitch(pages: &[Vec<&Line>]) -> Option<f64> {
    let mut gaps: Vec<f64> = pages
        .iter()
        .flat_map(|lines| lines.windows(2))
        .filter(|w| (w[0].em - w[1].em).abs() < 0.1 * w[0].em.max(w[1].em))
        .map(|w| (w[0].y - w[1].y).abs())
        .filter(|g| *g > 0.0 && g.is_finite())
        .collect();
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_by(f64::total_cmp);
    Some(gaps[gaps.len() / 2])
}

/// A line holding only a page number (`3`, `- 3 -`, `— 3 —`, `3/12`).
fn is_page_number(line: &str) -> bool {
    line.chars().any(|c| c.is_ascii_digit())
        && line
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '—' | '–' | '/'))
}

fn is_wide(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(x: f64, y: f64, end: f64, text: &str) -> Line {
        Line {
            x,
            y,
            end,
            em: 10.0,
            text: text.to_string(),
        }
    }

    #[test]
    fn matrices_compose_in_pdf_order() {
        // Text at (8, 29) in a text space flipped and scaled by the page's cm.
        let ctm = Matrix([0.24, 0.0, 0.0, -0.24, 0.0, 567.0]);
        let tm = Matrix([1.0, 0.0, 0.0, -1.0, 8.0, 29.0]);
        let (x, y) = tm.then(ctm).origin();
        assert!((x - 1.92).abs() < 1e-9 && (y - (567.0 - 0.24 * 29.0)).abs() < 1e-9);
        assert!((tm.then(ctm).vertical_scale() - 0.24).abs() < 1e-9);
        assert_eq!(Matrix::from_operands(&[Object::Integer(1)]), None);
    }

    #[test]
    fn runs_on_one_baseline_make_one_line() {
        let run = |x: f64, y: f64, text: &str| Run {
            x,
            y,
            end: x + advance_ems(text) * 10.0,
            em: 10.0,
            text: text.to_string(),
        };
        let got = lines(vec![
            run(0.0, 100.0, "受理"),
            run(20.0, 100.5, "73"),
            run(30.0, 100.0, "件"),
            run(0.0, 85.0, "Annual"),
            run(40.0, 85.0, "report"),
            run(0.0, 70.0, "   "),
        ]);
        let texts: Vec<&str> = got.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["受理73件", "Annual report"]);
    }

    #[test]
    fn page_numbers_are_recognised() {
        for (text, want) in [
            ("3", true),
            ("- 12 -", true),
            ("— 4 —", true),
            ("3/12", true),
            ("2023", true),
            ("2023年", false),
            ("-", false),
        ] {
            assert_eq!(is_page_number(text), want, "{text}");
        }
        // Only on a page's first or last line: a year alone mid-page stays.
        let page = vec![
            line(0.0, 100.0, 50.0, "标题"),
            line(0.0, 80.0, 50.0, "2023"),
            line(0.0, 60.0, 200.0, "正文"),
            line(100.0, 10.0, 120.0, "1"),
        ];
        assert_eq!(paragraphs(&[page]), "标题\n2023\n正文\n");
    }
}
