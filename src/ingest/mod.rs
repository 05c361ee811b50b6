//! Stage 1: files → decoded documents.
//!
//! Finds the inputs (files or folders, recursive, sorted), reads each one, decodes it to
//! text and records how. Nothing here interprets the report: that is `extract`'s job.
//! Invariant: every input path given by the user ends up in exactly one [`InputRecord`].
//!
//! Kinds read: plain text ([`decode`]: BOM, meta charset, UTF-8, detection), HTML pages
//! ([`html`]: the article body, chrome dropped), Word documents ([`docx`]) and PDF files with
//! a text layer ([`pdf`]; a scan is listed as needing OCR). Memory is bounded by the size
//! limit: a file over it is refused before it is read, and what a file inflates to (a .docx
//! part, PDF streams) is bounded by the same limit.

pub mod decode;
pub mod discover;
pub mod documents;
pub mod docx;
pub mod facts_csv;
pub mod html;
pub mod markup_limits;
pub mod pdf;

use std::path::{Path, PathBuf};

use serde::Serialize;
use std::sync::Arc;

use crate::dict::Lexicon;
use sha2::{Digest, Sha256};

pub use discover::{discover, Candidate, InputKind};

/// Default limit on one input's size in bytes. *Default:* 64 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// A decoded input document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file name (the `doc` column of the facts table).
    pub name: String,
    /// The path as found.
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// Lower-case hex SHA-256 of the raw bytes.
    pub sha256: String,
    /// The encoding the text was decoded from (`UTF-8`, `GBK`, `UTF-16LE`, ...).
    pub encoding: String,
    /// How the encoding was chosen (`bom`, `meta`, `utf8`, `detected`; `docx` for Word
    /// documents, whose XML is UTF-8; `pdf` for PDF text, mapped to Unicode by its fonts;
    /// `memory` for text built in memory).
    pub encoding_source: String,
    /// Byte offsets of malformed sequences replaced during decoding.
    pub malformed_offsets: Vec<usize>,
    /// The decoded text (for HTML and DOCX: the article text).
    pub text: String,
}

/// Errors reading one input; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is larger than the configured limit.
    #[error(
        "{path}: {size} bytes is over the size limit of {limit} bytes (raise it with --max-size)"
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is empty.
    #[error("{path}: the file is empty")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file does not hold text (binary content, a damaged .docx …).
    #[error("{path}: {reason}")]
    NotText {
        /// The file.
        path: PathBuf,
        /// Why it is not text.
        reason: String,
    },
    /// A PDF without readable text (a scan): it needs OCR before fazhi can read it.
    #[error("{path}: {reason}")]
    NeedsOcr {
        /// The file.
        path: PathBuf,
        /// What was found (no text layer, or text without a Unicode map).
        reason: String,
    },
}

impl IngestError {
    /// The reason this error gives its input, as a key for words.
    pub fn reason(&self) -> InputReason {
        match self {
            IngestError::Read { .. } => InputReason::Unreadable,
            IngestError::TooLarge { size, limit, .. } => InputReason::TooLarge {
                size: *size,
                limit: *limit,
            },
            IngestError::Empty { .. } => InputReason::Empty,
            IngestError::NotText { .. } => InputReason::NotText,
            IngestError::NeedsOcr { .. } => InputReason::NeedsOcr,
        }
    }

    /// The status this error gives its input in the manifest.
    pub fn status(&self) -> InputStatus {
        match self {
            IngestError::NeedsOcr { .. } => InputStatus::NeedsOcr,
            _ => InputStatus::Error,
        }
    }
}

/// Reading limits and the words reading needs. *Default:* [`DEFAULT_MAX_BYTES`], the bundled
/// lexicon.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Files larger than this are refused with a clear message.
    pub max_bytes: u64,
    /// The lexicon whose header-field labels the HTML reader keeps (`--lexicon`).
    pub lexicon: Arc<Lexicon>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            max_bytes: DEFAULT_MAX_BYTES,
            lexicon: Lexicon::bundled_shared(),
        }
    }
}

/// Status of one input in the run's manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputStatus {
    /// Read and at least one indicator value found.
    Ok,
    /// Read, but no indicator value found.
    NoIndicators,
    /// Not a supported kind of file, or a byte-identical duplicate; listed with the reason.
    Skipped,
    /// Could not be read or decoded; listed with the error.
    Error,
    /// A PDF without a text layer (a scan): listed with what to do, counted as failed.
    NeedsOcr,
}

impl InputStatus {
    /// True for an input that could not be read (exit status 1, named on stderr).
    pub fn failed(self) -> bool {
        matches!(self, InputStatus::Error | InputStatus::NeedsOcr)
    }
}

/// Why an input needs a word on the page, as a key and its figures: the page and the
/// workbook say it in the run's language (labels `input.<key>`); `message` keeps the full
/// technical sentence (English, with the library's own error text) for the manifest and logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "key", rename_all = "snake_case")]
pub enum InputReason {
    /// The file could not be opened or read (I/O error, missing, a symlink to itself).
    Unreadable,
    /// Larger than `--max-size`.
    TooLarge {
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file is empty.
    Empty,
    /// Not text, a web page, a Word document or a PDF with text (binary, damaged, hostile).
    NotText,
    /// A PDF without a text layer: it needs OCR.
    NeedsOcr,
    /// Left out while searching folders: not a report file (its kind, a device, a loop).
    Skipped,
    /// A byte-identical copy of a file that was read instead.
    Duplicate {
        /// The file that was read.
        first: String,
    },
    /// The file name is not valid UTF-8 (it is shown with replacement characters).
    NameNotUtf8,
    /// Byte sequences the encoding could not decode, replaced with U+FFFD.
    Malformed {
        /// How many.
        count: usize,
        /// The encoding.
        encoding: String,
        /// Byte offset of the first.
        first_offset: usize,
    },
    /// Rows of a facts CSV that could not be read (`fazhi report`).
    RowsSkipped {
        /// How many.
        count: usize,
    },
}

/// One input's line in the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct InputRecord {
    /// The path as given or found.
    pub path: String,
    /// Size in bytes, when known.
    pub size: Option<u64>,
    /// SHA-256 of the bytes, when read.
    pub sha256: Option<String>,
    /// Encoding decoded from.
    pub encoding: Option<String>,
    /// How the encoding was chosen.
    pub encoding_source: Option<String>,
    /// Number of malformed byte sequences replaced.
    pub malformed_bytes: usize,
    /// Byte offsets of the first malformed sequences (at most [`MALFORMED_OFFSETS_SHOWN`]).
    pub malformed_offsets: Vec<usize>,
    /// Status.
    pub status: InputStatus,
    /// The error or skip reason in one sentence.
    pub message: Option<String>,
    /// The same as keys with their figures, for words in the run's language.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<InputReason>,
    /// Facts extracted.
    pub facts: usize,
    /// Resolved county.
    pub county: Option<String>,
    /// Resolved division code.
    pub region_code: Option<String>,
    /// Report year.
    pub report_year: Option<i32>,
    /// For a byte-identical copy: the path of the copy that was read.
    pub duplicate_of: Option<String>,
    /// Other documents about the same county and year (both kept; flagged for review).
    pub same_county_year: Vec<String>,
    /// Which metadata fields came from `--documents` rather than the text, and from where.
    pub meta_source: Option<String>,
    /// The level of government of the resolved unit.
    pub level: Option<crate::model::Level>,
}

impl InputRecord {
    /// A record for an input that was never read.
    pub fn unread(path: &Path, status: InputStatus, reason: InputReason, message: String) -> Self {
        InputRecord {
            path: path.display().to_string(),
            size: None,
            sha256: None,
            encoding: None,
            encoding_source: None,
            malformed_bytes: 0,
            malformed_offsets: Vec::new(),
            status,
            message: Some(message),
            reasons: vec![reason],
            facts: 0,
            county: None,
            region_code: None,
            report_year: None,
            duplicate_of: None,
            same_county_year: Vec::new(),
            meta_source: None,
            level: None,
        }
    }

    /// A record for a document that was read; status is filled in after extraction.
    pub fn read(doc: &Document) -> Self {
        InputRecord {
            path: doc.path.display().to_string(),
            size: Some(doc.size),
            sha256: Some(doc.sha256.clone()),
            encoding: Some(doc.encoding.clone()),
            encoding_source: Some(doc.encoding_source.clone()),
            malformed_bytes: doc.malformed_offsets.len(),
            malformed_offsets: doc
                .malformed_offsets
                .iter()
                .take(MALFORMED_OFFSETS_SHOWN)
                .copied()
                .collect(),
            status: InputStatus::NoIndicators,
            message: None,
            reasons: Vec::new(),
            facts: 0,
            county: None,
            region_code: None,
            report_year: None,
            duplicate_of: None,
            same_county_year: Vec::new(),
            meta_source: None,
            level: None,
        }
    }
}

/// How many malformed-byte offsets a manifest lists per file (the count is always complete).
pub const MALFORMED_OFFSETS_SHOWN: usize = 20;

/// Reads and decodes one file. The size limit is checked before reading, and reading stops
/// at the limit even if the file grows meanwhile, so memory stays bounded.
pub fn load_document(path: &Path, opts: &IngestOptions) -> Result<Document, IngestError> {
    let read_error = |source| IngestError::Read {
        path: path.to_path_buf(),
        source,
    };
    let kind = InputKind::from_path(path).map_err(|reason| IngestError::NotText {
        path: path.to_path_buf(),
        reason,
    })?;
    let file = std::fs::File::open(path).map_err(read_error)?;
    let size = file.metadata().map_err(read_error)?.len();
    let too_large = |size| IngestError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit: opts.max_bytes,
    };
    if size > opts.max_bytes {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, opts.max_bytes.saturating_add(1)),
        &mut bytes,
    )
    .map_err(read_error)?;
    if bytes.len() as u64 > opts.max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    document_from_bytes(path, kind, &bytes, opts)
}

/// Decodes the bytes of one input of the given kind (also used by tests and fuzzing).
pub fn document_from_bytes(
    path: &Path,
    kind: InputKind,
    bytes: &[u8],
    opts: &IngestOptions,
) -> Result<Document, IngestError> {
    let not_text = |reason: String| IngestError::NotText {
        path: path.to_path_buf(),
        reason,
    };
    if bytes.is_empty() {
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
        });
    }
    let sha256 = hex(&Sha256::digest(bytes));
    let (text, encoding, encoding_source, malformed_offsets) = match kind {
        InputKind::Docx => {
            let text =
                docx::docx_to_text(bytes, opts.max_bytes).map_err(|e| not_text(e.to_string()))?;
            (text, "UTF-8".to_string(), "docx".to_string(), Vec::new())
        }
        InputKind::Pdf => {
            let text = pdf::pdf_to_text(bytes, opts.max_bytes).map_err(|e| match e {
                pdf::PdfError::NoTextLayer { .. } | pdf::PdfError::Undecodable => {
                    IngestError::NeedsOcr {
                        path: path.to_path_buf(),
                        reason: e.to_string(),
                    }
                }
                other => not_text(other.to_string()),
            })?;
            (text, "UTF-8".to_string(), "pdf".to_string(), Vec::new())
        }
        InputKind::Text | InputKind::Html => {
            let html = kind == InputKind::Html;
            let d = decode::decode(bytes, html).map_err(|e| not_text(e.to_string()))?;
            let text = if html {
                html::html_to_text(&d.text, &opts.lexicon).map_err(|e| not_text(e.to_string()))?
            } else {
                d.text
            };
            (text, d.encoding, d.source, d.malformed_offsets)
        }
    };
    if text.trim().is_empty() {
        return Err(not_text(match kind {
            InputKind::Html => "the page has no text".to_string(),
            InputKind::Docx => "the document has no text".to_string(),
            InputKind::Pdf => "the PDF has no text".to_string(),
            InputKind::Text => "the file holds only whitespace".to_string(),
        }));
    }
    Ok(Document {
        name: file_name(path),
        path: path.to_path_buf(),
        size: bytes.len() as u64,
        sha256,
        encoding,
        encoding_source,
        malformed_offsets,
        text,
    })
}

/// Builds a document from text already in memory (tests, benches, the corpus generator).
pub fn document_from_text(name: &str, text: &str) -> Document {
    Document {
        name: name.to_string(),
        path: PathBuf::from(name),
        size: text.len() as u64,
        sha256: hex(&Sha256::digest(text.as_bytes())),
        encoding: "UTF-8".to_string(),
        encoding_source: "memory".to_string(),
        malformed_offsets: Vec::new(),
        text: text.to_string(),
    }
}

/// The file name as text (lossy for non-UTF-8 names, which are reported elsewhere).
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
