//! Word documents (`.docx`) → text: the paragraphs of `word/document.xml`, one per line.
//!
//! Reports are often attachments saved as .docx. A .docx is a ZIP archive; only the main
//! document part is read, with its declared size checked against the input size limit first
//! (a small archive can inflate enormously). Text runs (`w:t`) are joined within a paragraph
//! (`w:p`); tabs become `\t`, breaks new lines, table cells are separated by tabs.
//! The XML is read as a stream of events in time linear in its size; elements nested deeper
//! than [`MAX_XML_DEPTH`] are refused (Word nests a few levels per table).

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

/// The part holding the document body.
const DOCUMENT_PART: &str = "word/document.xml";
/// Deepest element nesting accepted in the document part (the same bound as for HTML pages).
pub const MAX_XML_DEPTH: usize = super::markup_limits::MAX_DEPTH;

/// Why a .docx could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocxError {
    /// Not a ZIP archive, or a damaged one.
    #[error("not a readable .docx (ZIP) archive: {0}")]
    Archive(String),
    /// The archive has no main document part.
    #[error("not a Word document: the archive has no {DOCUMENT_PART}")]
    NoDocument,
    /// The document part inflates beyond the limit.
    #[error("{DOCUMENT_PART} inflates to {size} bytes, over the size limit of {limit} bytes (raise it with --max-size)")]
    TooLarge {
        /// Declared uncompressed size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The document part is not well-formed XML.
    #[error("{DOCUMENT_PART} is not well-formed XML: {0}")]
    Xml(String),
    /// Elements nested deeper than [`MAX_XML_DEPTH`].
    #[error("{DOCUMENT_PART} nests elements more than {limit} deep (at byte {offset}): over the structure limit, refused (a damaged or hostile document)")]
    TooDeep {
        /// The limit.
        limit: usize,
        /// Byte offset in the document part.
        offset: u64,
    },
}

/// The text of a .docx file's paragraphs. `limit` bounds the inflated document part.
pub fn docx_to_text(bytes: &[u8], limit: u64) -> Result<String, DocxError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| DocxError::Archive(e.to_string()))?;
    let mut part = match archive.by_name(DOCUMENT_PART) {
        Ok(part) => part,
        Err(zip::result::ZipError::FileNotFound) => return Err(DocxError::NoDocument),
        Err(e) => return Err(DocxError::Archive(e.to_string())),
    };
    if part.size() > limit {
        return Err(DocxError::TooLarge {
            size: part.size(),
            limit,
        });
    }
    let mut xml = Vec::new();
    // The declared size can lie: never read more than the limit.
    part.by_ref()
        .take(limit.saturating_add(1))
        .read_to_end(&mut xml)
        .map_err(|e| DocxError::Archive(e.to_string()))?;
    if xml.len() as u64 > limit {
        return Err(DocxError::TooLarge {
            size: xml.len() as u64,
            limit,
        });
    }
    let xml = String::from_utf8_lossy(&xml);
    document_xml_text(&xml)
}

/// The paragraph text of a WordprocessingML document part.
pub fn document_xml_text(xml: &str) -> Result<String, DocxError> {
    let mut reader = Reader::from_str(xml);
    let mut out = String::new();
    let mut in_text = false;
    let mut depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| DocxError::Xml(format!("at byte {}: {e}", reader.error_position())))?;
        match &event {
            Event::Start(_) => {
                depth += 1;
                if depth > MAX_XML_DEPTH {
                    return Err(DocxError::TooDeep {
                        limit: MAX_XML_DEPTH,
                        offset: reader.buffer_position(),
                    });
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "t" => in_text = true,
                "tc" if !out.is_empty() && !out.ends_with('\n') => out.push('\t'),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" => out.push('\t'),
                "br" | "cr" => out.push('\n'),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => out.push('\n'),
                "tr" if !out.ends_with('\n') => out.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text => out.push_str(&t.xml10_content()),
            Event::CData(t) if in_text => out.push_str(&t),
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_xml_entity(&r) {
                    out.push_str(s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docx(document_xml: &str) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file(DOCUMENT_PART, opts).expect("start");
            std::io::Write::write_all(&mut zip, document_xml.as_bytes()).expect("write");
            zip.finish().expect("finish");
        }
        buf.into_inner()
    }

    const XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>某县2023年法治政府建设年度报告</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">接收行政复议申请</w:t></w:r><w:r><w:t>91件&amp;受理73件</w:t></w:r></w:p>
<w:p><w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙&#x4E01;</w:t></w:r></w:p>
</w:body></w:document>"#;

    #[test]
    fn paragraphs_become_lines() {
        let text = docx_to_text(&docx(XML), 1 << 20).expect("docx");
        assert_eq!(
            text,
            "某县2023年法治政府建设年度报告\n接收行政复议申请91件&受理73件\n甲\t乙\n丙丁\n"
        );
    }

    #[test]
    fn bad_archives_are_refused_with_the_reason() {
        let not_zip = docx_to_text(b"plain text", 1 << 20).expect_err("not zip");
        assert!(
            not_zip.to_string().contains("not a readable .docx"),
            "{not_zip}"
        );

        let mut buf = Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buf);
            zip.start_file("other.xml", zip::write::SimpleFileOptions::default())
                .expect("start");
            zip.finish().expect("finish");
        }
        let no_doc = docx_to_text(&buf.into_inner(), 1 << 20).expect_err("no document");
        assert_eq!(no_doc, DocxError::NoDocument);

        let big = docx_to_text(&docx(XML), 10).expect_err("too large");
        assert!(big.to_string().contains("--max-size"), "{big}");

        let broken = docx_to_text(&docx("<w:p><w:t>a</w:x>"), 1 << 20).expect_err("xml");
        assert!(broken.to_string().contains("not well-formed"), "{broken}");

        let deep = "<w:r>".repeat(MAX_XML_DEPTH + 1);
        let too_deep = docx_to_text(&docx(&deep), 1 << 20).expect_err("deep");
        assert!(
            matches!(
                too_deep,
                DocxError::TooDeep {
                    limit: MAX_XML_DEPTH,
                    ..
                }
            ),
            "{too_deep}"
        );
        assert!(
            too_deep.to_string().contains("more than 512 deep"),
            "{too_deep}"
        );
    }
}
