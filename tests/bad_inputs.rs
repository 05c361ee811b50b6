//! Issue 7: a bad-input corpus, generated in a temporary folder at test time, mixed with the
//! good reports. The good reports' facts all come out (identical to reading them alone),
//! every bad file is in the manifest with its message, nothing panics, and the exit status
//! says some input failed. Issue 18 adds PDFs (a scan, an encrypted and a broken one, and a
//! good one), pages and documents over the structure limits, and office formats not read.

mod pdf_support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use fazhi::cmd::pipeline::{extract_batch, Batch};
use fazhi::config::InputConfig;
use fazhi::ingest::{IngestOptions, InputRecord, InputStatus};
use fazhi::render::manifest::{manifest_csv, manifest_json, Manifest};
use predicates::prelude::*;

fn reports_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reports")
}

fn good_reports() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(reports_dir())
        .expect("data/reports")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
}

fn batch_of(inputs: Vec<PathBuf>, max_bytes: u64) -> Batch {
    let dict = fazhi::dict::load_dict(None).expect("bundled dictionary");
    extract_batch(
        &InputConfig {
            inputs,
            ingest: IngestOptions {
                max_bytes,
                ..IngestOptions::default()
            },
            quiet: true,
            documents: Default::default(),
        },
        &dict,
    )
}

/// A bad file and what its manifest line must say.
struct Expect {
    name: &'static str,
    status: InputStatus,
    message: &'static str,
}

/// Builds the corpus: the good reports under `good/`, bad inputs beside them.
fn build_corpus(root: &Path) -> Vec<Expect> {
    let good = root.join("good");
    std::fs::create_dir_all(&good).expect("mkdir");
    let reports = good_reports();
    for p in &reports {
        std::fs::copy(p, good.join(p.file_name().expect("name"))).expect("copy");
    }
    let first = std::fs::read(&reports[0]).expect("report");
    let write = |name: &str, bytes: &[u8]| std::fs::write(root.join(name), bytes).expect(name);

    write("empty.txt", b"");
    write("blank.txt", b" \n\t\r\n  \n");
    let mut binary: Vec<u8> = (0..4096u32).map(|i| (i * 37 % 250 + 1) as u8).collect();
    binary[10] = 0;
    write("binary.txt", &binary);
    write("scan.txt", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n");
    write("report.pdf", b"%PDF-1.7\n");
    write("scan.pdf", &pdf_support::scan_pdf());
    let first_text = String::from_utf8_lossy(&first).to_string();
    let report_pdf = pdf_support::text_pdf(&[first_text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| (72.0, 800.0 - 18.0 * i as f32, 12.0, l.trim()))
        .collect()]);
    write("first-as.pdf", &report_pdf);
    write("locked.pdf", &pdf_support::encrypted(&report_pdf, "secret"));
    write(
        "deep.html",
        ("<div>".repeat(600) + "行政复议申请91件").as_bytes(),
    );
    let attributes: String = (0..300).map(|i| format!(" data-a{i}=\"v\"")).collect();
    write(
        "attributes.html",
        format!("<html><body><p{attributes}>行政复议申请91件</p></body></html>").as_bytes(),
    );
    write("deep.docx", &docx(&"<w:r>".repeat(600)));
    for name in ["old.wps", "old.rtf", "sheet.xls", "sheet.xlsx", "sheet.et"] {
        write(name, b"not read");
    }
    write("photo.png", b"\x89PNG\r\n\x1a\n");
    write("old.doc", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    write("README", b"no extension");
    write("broken.docx", b"PK\x03\x04 this is not really a zip");
    write(
        "empty.html",
        b"<html><head><title></title></head><body></body></html>",
    );
    // A copy of a good report: read once, listed as a duplicate.
    write("zz-copy-of-first.txt", &first);
    // A good report with damaged bytes: read, with the damage counted.
    let mut damaged = first.clone();
    let line_end = first
        .iter()
        .position(|&b| b == b'\n')
        .expect("a line break");
    damaged.insert(line_end, 0xFF);
    write("damaged.txt", &damaged);
    // 200 MB, sparse: refused by size before a byte is read.
    let big = std::fs::File::create(root.join("huge.txt")).expect("huge");
    big.set_len(200 * 1024 * 1024).expect("sparse 200 MB");

    let mut expect = vec![
        Expect {
            name: "empty.txt",
            status: InputStatus::Error,
            message: "the file is empty",
        },
        Expect {
            name: "blank.txt",
            status: InputStatus::Error,
            message: "only whitespace",
        },
        Expect {
            name: "binary.txt",
            status: InputStatus::Error,
            message: "NUL byte at offset 10",
        },
        Expect {
            name: "scan.txt",
            status: InputStatus::Error,
            message: "is a PDF file, not text",
        },
        Expect {
            name: "report.pdf",
            status: InputStatus::Error,
            message: "not a readable PDF",
        },
        Expect {
            name: "scan.pdf",
            status: InputStatus::NeedsOcr,
            message: "no text layer",
        },
        Expect {
            name: "first-as.pdf",
            status: InputStatus::Ok,
            message: "",
        },
        Expect {
            name: "locked.pdf",
            status: InputStatus::Error,
            message: "encrypted with a password",
        },
        Expect {
            name: "deep.html",
            status: InputStatus::Error,
            message: "nests elements more than 512 deep",
        },
        Expect {
            name: "attributes.html",
            status: InputStatus::Error,
            message: "more than 256 attributes",
        },
        Expect {
            name: "deep.docx",
            status: InputStatus::Error,
            message: "nests elements more than 512 deep",
        },
        Expect {
            name: "old.wps",
            status: InputStatus::Skipped,
            message: "open it in WPS and save it as .docx",
        },
        Expect {
            name: "old.rtf",
            status: InputStatus::Skipped,
            message: "save it as .docx",
        },
        Expect {
            name: "sheet.xls",
            status: InputStatus::Skipped,
            message: "is not a report",
        },
        Expect {
            name: "sheet.xlsx",
            status: InputStatus::Skipped,
            message: "fazhi report --facts",
        },
        Expect {
            name: "sheet.et",
            status: InputStatus::Skipped,
            message: "save the report as .docx or .pdf",
        },
        Expect {
            name: "photo.png",
            status: InputStatus::Skipped,
            message: ".png is not a report format",
        },
        Expect {
            name: "old.doc",
            status: InputStatus::Skipped,
            message: "save it as .docx",
        },
        Expect {
            name: "README",
            status: InputStatus::Skipped,
            message: "no file extension",
        },
        Expect {
            name: "broken.docx",
            status: InputStatus::Error,
            message: "not a readable .docx",
        },
        Expect {
            name: "empty.html",
            status: InputStatus::Error,
            message: "the page has no text",
        },
        Expect {
            name: "zz-copy-of-first.txt",
            status: InputStatus::Skipped,
            message: "byte-identical duplicate of",
        },
        Expect {
            name: "damaged.txt",
            status: InputStatus::NoIndicators,
            message: "malformed byte sequence(s)",
        },
        Expect {
            name: "huge.txt",
            status: InputStatus::Error,
            message: "over the size limit of 67108864 bytes (raise it with --max-size)",
        },
    ];

    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::symlink;
        symlink(root.join("loop.txt"), root.join("loop.txt")).expect("self link");
        symlink(root.join("nowhere.txt"), root.join("dangling.txt")).expect("dangling link");
        std::fs::create_dir(root.join("sub")).expect("sub");
        symlink(root, root.join("sub/up")).expect("folder loop");
        let odd = std::ffi::OsStr::from_bytes(b"name-\xFF\xFE.txt");
        std::fs::write(root.join(odd), &first[..first.len() / 2]).expect("non-UTF-8 name");
        let fifo = root.join("pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let unreadable = root.join("locked.txt");
        std::fs::write(&unreadable, &first).expect("locked");
        std::fs::set_permissions(
            &unreadable,
            std::os::unix::fs::PermissionsExt::from_mode(0o000),
        )
        .expect("chmod");
        expect.extend([
            Expect {
                name: "loop.txt",
                status: InputStatus::Error,
                message: "symlink loop",
            },
            Expect {
                name: "dangling.txt",
                status: InputStatus::Error,
                message: "broken symlink",
            },
            Expect {
                name: "sub/up",
                status: InputStatus::Skipped,
                message: "symlink loop: leads back to",
            },
            Expect {
                name: "name-\u{FFFD}\u{FFFD}.txt",
                status: InputStatus::NoIndicators,
                message: "file name is not valid UTF-8",
            },
        ]);
        if made.is_ok_and(|s| s.success()) {
            expect.push(Expect {
                name: "pipe.txt",
                status: InputStatus::Skipped,
                message: "not a regular file",
            });
        }
        if std::fs::read(&unreadable).is_err() {
            expect.push(Expect {
                name: "locked.txt",
                status: InputStatus::Error,
                message: "cannot read",
            });
        }
        // Running as root, permissions do not apply and locked.txt is read (as a duplicate).
    }
    expect
}

/// A .docx whose document part is `body` inside a body element.
fn docx(body: &str) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .expect("start");
        std::io::Write::write_all(
            &mut zip,
            format!("<w:document><w:body>{body}</w:body></w:document>").as_bytes(),
        )
        .expect("write");
        zip.finish().expect("finish");
    }
    buf.into_inner()
}

/// Statuses equal, counting "read with facts" and "read without" as the same: whether a
/// damaged report still yields facts is extraction's business, not ingest's.
fn same_status(got: InputStatus, want: InputStatus) -> bool {
    let read = |s| matches!(s, InputStatus::Ok | InputStatus::NoIndicators);
    got == want || (read(got) && read(want))
}

fn record<'a>(records: &'a [InputRecord], root: &Path, name: &str) -> Option<&'a InputRecord> {
    let want = root.join(name).display().to_string();
    records.iter().find(|r| r.path == want)
}

#[test]
fn bad_inputs_are_listed_and_good_reports_still_yield_every_fact() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let expect = build_corpus(root);

    let alone = batch_of(vec![root.join("good")], fazhi::ingest::DEFAULT_MAX_BYTES);
    let missing = root.join("no-such-folder");
    let mixed = batch_of(
        vec![root.to_path_buf(), missing.clone()],
        fazhi::ingest::DEFAULT_MAX_BYTES,
    );

    // Every good report's facts, exactly as when read alone.
    let good_facts: Vec<_> = mixed
        .facts
        .iter()
        .filter(|f| alone.facts.iter().any(|a| a.doc == f.doc))
        .cloned()
        .collect();
    assert_eq!(good_facts, alone.facts, "the good reports' facts changed");
    assert!(
        !alone.facts.is_empty(),
        "the good reports yield no facts at all"
    );
    for r in &alone.records {
        let m = record(
            &mixed.records,
            root,
            &format!(
                "good/{}",
                Path::new(&r.path)
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
            ),
        )
        .expect("good report listed");
        assert_eq!((m.status, m.facts), (r.status, r.facts), "{}", r.path);
    }

    // Every bad input listed once, with its status and message.
    let mut failures = Vec::new();
    for e in &expect {
        match record(&mixed.records, root, e.name) {
            None => failures.push(format!("{}: not in the manifest", e.name)),
            Some(r) => {
                let message = r.message.as_deref().unwrap_or_default();
                if !same_status(r.status, e.status) || !message.contains(e.message) {
                    failures.push(format!(
                        "{}: {:?} {message:?}, want {:?} containing {:?}",
                        e.name, r.status, e.status, e.message
                    ));
                }
                if r.status != InputStatus::Ok
                    && r.status != InputStatus::NoIndicators
                    && !message.contains(&root.join(e.name).display().to_string())
                {
                    failures.push(format!("{}: the message does not name the file", e.name));
                }
            }
        }
    }
    let missing_record = mixed
        .records
        .iter()
        .find(|r| r.path == missing.display().to_string());
    match missing_record {
        Some(r)
            if r.status == InputStatus::Error
                && r.message
                    .as_deref()
                    .is_some_and(|m| m.contains("input path does not exist")) => {}
        other => failures.push(format!("missing input: {other:?}")),
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // No path listed twice; damage located.
    let mut paths: Vec<&str> = mixed.records.iter().map(|r| r.path.as_str()).collect();
    paths.sort_unstable();
    let before = paths.len();
    paths.dedup();
    assert_eq!(before, paths.len(), "a path is listed twice");
    let damaged = record(&mixed.records, root, "damaged.txt").expect("damaged");
    assert_eq!(damaged.malformed_bytes, 1, "{damaged:?}");
    let line_end = std::fs::read(root.join("damaged.txt"))
        .expect("damaged")
        .iter()
        .position(|&b| b == 0xFF)
        .expect("the damage");
    assert_eq!(damaged.malformed_offsets, [line_end]);
    let copy = record(&mixed.records, root, "zz-copy-of-first.txt").expect("copy");
    assert!(copy
        .duplicate_of
        .as_deref()
        .is_some_and(|d| d.ends_with(".txt")));

    // The run reports failure, and the manifest files carry every input.
    assert!(mixed.has_errors());
    let manifest = Manifest {
        tool: "test".into(),
        inputs: &mixed.records,
        summary: fazhi::render::manifest::Summary::of(&mixed.records, mixed.facts.len()),
        checks: Vec::new(),
        conflicts: &[],
        warnings: &mixed.warnings,
        outputs: Vec::new(),
    };
    let json: serde_json::Value =
        serde_json::from_slice(&manifest_json(&manifest).expect("json")).expect("valid json");
    assert_eq!(
        json["inputs"].as_array().map(Vec::len),
        Some(mixed.records.len())
    );
    let csv = manifest_csv(&manifest).expect("csv");
    let rows = csv::Reader::from_reader(&csv[3..]).records().count();
    assert_eq!(rows, mixed.records.len());
}

#[test]
fn size_limit_is_configurable_and_named() {
    let reports = good_reports();
    let batch = batch_of(vec![reports[0].clone()], 100);
    let r = &batch.records[0];
    assert_eq!(r.status, InputStatus::Error);
    let message = r.message.as_deref().unwrap_or_default();
    assert!(
        message.contains("over the size limit of 100 bytes"),
        "{message}"
    );
    assert!(message.contains("--max-size"), "{message}");
}

fn fazhi() -> Command {
    Command::cargo_bin("fazhi").expect("binary built")
}

#[test]
fn cli_exit_status_and_messages() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    std::fs::write(root.join("empty.txt"), b"").expect("empty");
    let facts = root.join("facts.csv");
    // Some input failed: facts still written, status 1, the bad file named on stderr.
    fazhi()
        .arg("extract")
        .arg(reports_dir())
        .arg(root.join("empty.txt"))
        .arg(root.join("missing.txt"))
        .arg("-q")
        .arg("-o")
        .arg(&facts)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("empty.txt: the file is empty"))
        .stderr(predicate::str::contains(
            "missing.txt: input path does not exist",
        ));
    assert!(facts.is_file());

    // `run` names the failed inputs on stderr too, beside the manifest.
    fazhi()
        .arg("run")
        .arg(reports_dir())
        .arg(root.join("missing.txt"))
        .arg("-q")
        .arg("-o")
        .arg(root.join("out"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "missing.txt: input path does not exist",
        ))
        .stderr(predicate::str::contains("1 of 6 inputs failed"));
    assert!(root.join("out").join("manifest.csv").is_file());

    // An output path that is a file: fatal, status 2, before any work.
    fazhi()
        .arg("run")
        .arg(reports_dir())
        .arg("-q")
        .arg("-o")
        .arg(&facts)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a file, not a folder"));

    // --max-size is the named remedy.
    fazhi()
        .arg("extract")
        .arg(reports_dir())
        .args(["-q", "--max-size", "10", "-o"])
        .arg(root.join("f2.csv"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("raise it with --max-size"));
}
