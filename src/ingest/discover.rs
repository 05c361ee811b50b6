//! Finding inputs: files as given, folders walked recursively in sorted order.
//!
//! Every path met is reported exactly once: as a file to read (with its kind), as skipped
//! (unsupported kind, special file, a symlink leading back into a folder already being walked)
//! or as an error (missing path, unreadable folder, a symlink loop). Walking is iterative, so
//! deep trees cannot overflow the stack, and folder symlink cycles are caught by their
//! canonical path.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// One path found while walking the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidate {
    /// A file of a supported kind, to be read.
    File(PathBuf),
    /// A path that will not be read, with the reason (unsupported kind, missing path...).
    Skipped(PathBuf, String),
    /// A path that could not be examined, with the error.
    Error(PathBuf, String),
}

/// The kinds of file read as reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Plain text (`.txt`, `.text`).
    Text,
    /// A web page (`.html`, `.htm`, `.shtml`, `.xhtml`).
    Html,
    /// A Word document (`.docx`).
    Docx,
    /// A PDF file (`.pdf`); read when it has a text layer.
    Pdf,
}

/// File extensions read as reports.
pub const SUPPORTED_EXTENSIONS: [&str; 8] = [
    "txt", "text", "html", "htm", "shtml", "xhtml", "docx", "pdf",
];

/// What to do with an office file that is not read, by extension: reports are published in
/// these formats too, so each gets the way to a format fazhi reads rather than a shrug.
const OFFICE_ADVICE: [(&str, &str); 12] = [
    ("doc", "legacy Word .doc is not read: open it in Word or WPS and save it as .docx (or print it to .pdf)"),
    ("wps", "WPS Writer .wps is not read: open it in WPS and save it as .docx (or print it to .pdf)"),
    ("wpt", "a WPS template (.wpt) is not a report: save the report itself as .docx"),
    ("dot", "a Word template (.dot) is not a report: save the report itself as .docx"),
    ("rtf", "RTF is not read: open it in Word or WPS and save it as .docx"),
    ("odt", "OpenDocument .odt is not read: open it in LibreOffice, WPS or Word and save it as .docx"),
    ("xls", "a spreadsheet (.xls) is not a report: fazhi reads report text; save the report as .docx or .pdf (to render a facts table edited in a spreadsheet, save it as CSV and run `fazhi report --facts FILE.csv`)"),
    ("xlsx", "a spreadsheet (.xlsx) is not a report: fazhi reads report text; save the report as .docx or .pdf (to render a facts table edited in a spreadsheet, save it as CSV and run `fazhi report --facts FILE.csv`)"),
    ("et", "a WPS spreadsheet (.et) is not a report: fazhi reads report text; save the report as .docx or .pdf (to render a facts table, save it as CSV and run `fazhi report --facts FILE.csv`)"),
    ("ods", "an OpenDocument spreadsheet (.ods) is not a report: save the report as .docx or .pdf (to render a facts table, save it as CSV and run `fazhi report --facts FILE.csv`)"),
    ("csv", "a CSV table is not a report: to render a facts table use `fazhi report --facts FILE.csv`; reports are read as .txt, .html, .docx or .pdf"),
    ("ofd", "OFD is not read: open it in an OFD reader and print it to .pdf"),
];

impl InputKind {
    /// The kind of file `path` names by its extension, or why it is not read.
    pub fn from_path(path: &Path) -> Result<InputKind, String> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "txt" | "text" => Ok(InputKind::Text),
            "html" | "htm" | "shtml" | "xhtml" => Ok(InputKind::Html),
            "docx" => Ok(InputKind::Docx),
            "pdf" => Ok(InputKind::Pdf),
            "" => Err(
                "no file extension: only .txt, .html/.htm/.shtml, .docx and .pdf are read".into(),
            ),
            other => match OFFICE_ADVICE.iter().find(|(ext, _)| *ext == other) {
                Some((_, advice)) => Err((*advice).to_string()),
                None => Err(format!(
                    ".{other} is not a report format (only .txt, .html/.htm/.shtml, .docx and \
                     .pdf are read)"
                )),
            },
        }
    }
}

/// Walks `inputs` (files or folders) and returns every path found, sorted within each folder.
pub fn discover(inputs: &[PathBuf]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for input in inputs {
        walk(input, &mut out);
    }
    out
}

/// One folder being walked: its remaining entries (reversed, so `pop` yields sorted order)
/// and its canonical path for cycle detection.
struct Frame {
    entries: Vec<PathBuf>,
    canonical: PathBuf,
}

fn walk(root: &Path, out: &mut Vec<Candidate>) {
    let mut stack: Vec<Frame> = Vec::new();
    // Canonical paths of the folders currently open (the ancestors of what is being read).
    let mut open: HashSet<PathBuf> = HashSet::new();
    visit(root, true, &mut stack, &mut open, out);
    while let Some(frame) = stack.last_mut() {
        match frame.entries.pop() {
            Some(path) => visit(&path, false, &mut stack, &mut open, out),
            None => {
                if let Some(done) = stack.pop() {
                    open.remove(&done.canonical);
                }
            }
        }
    }
}

fn visit(
    path: &Path,
    given: bool,
    stack: &mut Vec<Frame>,
    open: &mut HashSet<PathBuf>,
    out: &mut Vec<Candidate>,
) {
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            let message = match e.kind() {
                std::io::ErrorKind::NotFound if given => {
                    format!("{shown}: input path does not exist")
                }
                std::io::ErrorKind::NotFound => {
                    format!("{shown}: broken symlink (its target does not exist)")
                }
                _ if is_symlink_loop(&e) => {
                    format!("{shown}: symlink loop (the link resolves to itself)")
                }
                _ => format!("{shown}: cannot examine: {e}"),
            };
            out.push(Candidate::Error(path.to_path_buf(), message));
            return;
        }
    };
    if meta.is_dir() {
        let canonical = match std::fs::canonicalize(path) {
            Ok(c) => c,
            Err(e) => {
                out.push(Candidate::Error(
                    path.to_path_buf(),
                    format!("{shown}: cannot resolve folder: {e}"),
                ));
                return;
            }
        };
        if open.contains(&canonical) {
            out.push(Candidate::Skipped(
                path.to_path_buf(),
                format!(
                    "{shown}: symlink loop: leads back to {} which is already being read",
                    canonical.display()
                ),
            ));
            return;
        }
        let mut entries: Vec<PathBuf> = Vec::new();
        match std::fs::read_dir(path) {
            Ok(rd) => {
                for entry in rd {
                    match entry {
                        Ok(e) => entries.push(e.path()),
                        Err(e) => out.push(Candidate::Error(
                            path.to_path_buf(),
                            format!("{shown}: cannot list folder entry: {e}"),
                        )),
                    }
                }
            }
            Err(e) => {
                out.push(Candidate::Error(
                    path.to_path_buf(),
                    format!("{shown}: cannot read folder: {e}"),
                ));
                return;
            }
        }
        entries.sort();
        entries.reverse();
        open.insert(canonical.clone());
        stack.push(Frame { entries, canonical });
    } else if !meta.is_file() {
        out.push(Candidate::Skipped(
            path.to_path_buf(),
            format!("{shown}: not a regular file (device, pipe or socket)"),
        ));
    } else {
        match InputKind::from_path(path) {
            Ok(_) => out.push(Candidate::File(path.to_path_buf())),
            Err(reason) => out.push(Candidate::Skipped(
                path.to_path_buf(),
                format!("{shown}: {reason}"),
            )),
        }
    }
}

/// ELOOP: "too many levels of symbolic links".
fn is_symlink_loop(e: &std::io::Error) -> bool {
    // ErrorKind::FilesystemLoop is unstable; ELOOP is 40 on Linux, 62 on macOS and BSDs.
    matches!(e.raw_os_error(), Some(40) if cfg!(target_os = "linux"))
        || matches!(e.raw_os_error(), Some(62) if cfg!(any(target_os = "macos", target_os = "freebsd")))
        || e.to_string().contains("symbolic links")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_extension() {
        let cases = [
            ("a.txt", Some(InputKind::Text)),
            ("A.TXT", Some(InputKind::Text)),
            ("a.htm", Some(InputKind::Html)),
            ("a.shtml", Some(InputKind::Html)),
            ("a.docx", Some(InputKind::Docx)),
            ("a.doc", None),
            ("a.pdf", Some(InputKind::Pdf)),
            ("a.wps", None),
            ("a.rtf", None),
            ("a.xls", None),
            ("a", None),
            ("a.csv", None),
        ];
        for (name, want) in cases {
            assert_eq!(InputKind::from_path(Path::new(name)).ok(), want, "{name}");
        }
        for (name, advice) in [
            ("a.doc", "save it as .docx"),
            ("a.WPS", "save it as .docx"),
            ("a.rtf", "save it as .docx"),
            ("a.xls", "fazhi report --facts"),
            ("a.xlsx", "fazhi report --facts"),
            ("a.et", "save the report as .docx or .pdf"),
            ("a.csv", "fazhi report --facts"),
        ] {
            let message = InputKind::from_path(Path::new(name)).expect_err(name);
            assert!(message.contains(advice), "{name}: {message}");
        }
    }

    #[test]
    fn walks_sorted_and_reports_everything() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).expect("mkdir");
        for f in ["b.txt", "a.html", "c.xls", "sub/d.docx"] {
            std::fs::write(root.join(f), "x").expect("write");
        }
        let found = discover(&[root.to_path_buf(), root.join("missing")]);
        let summary: Vec<String> = found
            .iter()
            .map(|c| match c {
                Candidate::File(p) => format!("file {}", rel(root, p)),
                Candidate::Skipped(p, _) => format!("skip {}", rel(root, p)),
                Candidate::Error(p, m) => {
                    format!("error {} {}", rel(root, p), m.contains("does not exist"))
                }
            })
            .collect();
        assert_eq!(
            summary,
            [
                "file a.html",
                "file b.txt",
                "skip c.xls",
                "file sub/d.docx",
                "error missing true"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_end_the_walk() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).expect("mkdir");
        std::fs::write(root.join("sub/a.txt"), "x").expect("write");
        std::os::unix::fs::symlink(root, root.join("sub/back")).expect("symlink");
        std::os::unix::fs::symlink(root.join("self.txt"), root.join("self.txt")).expect("self");
        let found = discover(&[root.to_path_buf()]);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found
            .iter()
            .any(|c| matches!(c, Candidate::File(p) if p.ends_with("sub/a.txt"))));
        assert!(found.iter().any(
            |c| matches!(c, Candidate::Skipped(p, m) if p.ends_with("back") && m.contains("symlink loop"))
        ));
        assert!(found.iter().any(
            |c| matches!(c, Candidate::Error(p, m) if p.ends_with("self.txt") && m.contains("symlink loop"))
        ));
    }

    fn rel(root: &Path, p: &Path) -> String {
        p.strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    }
}
