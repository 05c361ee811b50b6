//! Writing outputs atomically: each file goes to a temporary sibling, then is renamed into
//! place, so an interrupted run never leaves a half-written file that looks complete.
//!
//! A run also marks its folder as unfinished until it is done: [`OutputDir::create`] removes
//! the previous run's `manifest.json` and writes [`INCOMPLETE_MARKER`], which lists every file
//! written so far; [`OutputDir::finish`] (after `manifest.json`, always written last) removes
//! the marker. A run cut short (Ctrl-C, disk full) therefore leaves no manifest and a marker
//! saying what was and was not written. File names derived from report text go through
//! [`safe_file_name`].

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// The marker file present while a run is writing (or after it was interrupted).
pub const INCOMPLETE_MARKER: &str = "RUN-INCOMPLETE.txt";
/// The manifest, written last; its presence means the run finished.
pub const MANIFEST: &str = "manifest.json";
/// Infix of temporary files (`.name.tmp-PID`), cleaned up by the next run.
const TMP_INFIX: &str = ".tmp-";

/// An output folder, created up front so a bad `-o` fails before any work.
#[derive(Debug, Clone)]
pub struct OutputDir {
    root: PathBuf,
    written: Vec<String>,
    /// What the run will write, one line per output, for the marker (empty: not said).
    plan: Vec<String>,
}

impl OutputDir {
    /// Creates (or reuses) the folder; fails with a clear message if `root` is a file or the
    /// folder cannot be written. Removes the previous run's manifest and leftover temporary
    /// files, and marks the folder unfinished.
    pub fn create(root: &Path) -> anyhow::Result<Self> {
        Self::create_with_plan(root, Vec::new())
    }

    /// As [`OutputDir::create`], with the marker listing `plan` (one line per output the run
    /// will write, in order) above what has been written, so an interrupted run shows what is
    /// missing.
    pub fn create_with_plan(root: &Path, plan: Vec<String>) -> anyhow::Result<Self> {
        if root.exists() && !root.is_dir() {
            anyhow::bail!(
                "output path {} is a file, not a folder (give a folder with -o)",
                root.display()
            );
        }
        std::fs::create_dir_all(root)
            .with_context(|| format!("cannot create output folder {}", root.display()))?;
        remove_leftover_temporaries(root);
        let out = OutputDir {
            root: root.to_path_buf(),
            written: Vec::new(),
            plan,
        };
        out.write_marker()
            .with_context(|| format!("output folder {} is not writable", root.display()))?;
        let manifest = root.join(MANIFEST);
        if manifest.exists() {
            std::fs::remove_file(&manifest).with_context(|| {
                format!(
                    "cannot remove the previous run's {} (it would describe the wrong outputs)",
                    manifest.display()
                )
            })?;
        }
        Ok(out)
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Relative paths written so far, in order.
    pub fn written(&self) -> &[String] {
        &self.written
    }

    /// Writes `bytes` to `relative` (subfolders created) atomically. `relative` must be a
    /// plain relative path (no `..`, not absolute): names from report text go through
    /// [`safe_file_name`] first.
    pub fn write(&mut self, relative: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.path_of(relative)?;
        write_atomic(&path, bytes).with_context(|| self.unfinished(relative))?;
        self.written.push(relative.to_string());
        // The marker is informative: failing to update it must not fail a write that worked.
        let _ = self.write_marker();
        Ok(())
    }

    /// Opens `relative` for a writer that streams its output (the workbook) instead of
    /// handing over bytes: the file is written under a temporary name and only put in place,
    /// and recorded, by [`OutputDir::commit`], so the list of outputs keeps the order of the
    /// commits whichever job finishes first. Needs no access to the folder once made, so a job
    /// running beside other writes can fill it. Dropped without a commit, it is removed.
    pub fn stage(&self, relative: &str) -> anyhow::Result<StagedFile> {
        self.stage_buffered(relative, STAGED_BUFFER)
    }

    fn stage_buffered(&self, relative: &str, buffer: usize) -> anyhow::Result<StagedFile> {
        let path = self.path_of(relative)?;
        let tmp = temporary_sibling(&path)?;
        let file = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(StagedFile {
            relative: relative.to_string(),
            path,
            tmp,
            writer: std::io::BufWriter::with_capacity(buffer, file),
            synced: false,
        })
    }

    /// Stages several files whose bytes are at hand, side by side: each is written and
    /// synced under its temporary name now, by a job running beside other writes, and put in
    /// place by [`OutputDir::commit_batch`]. A name given twice is refused before anything
    /// is written (the two would share one temporary file).
    pub fn stage_batch(&self, files: &[(String, &[u8])]) -> anyhow::Result<Vec<StagedFile>> {
        use rayon::prelude::*;
        let mut names = std::collections::HashSet::new();
        if let Some((relative, _)) = files.iter().find(|(r, _)| !names.insert(r.as_str())) {
            anyhow::bail!("{relative} would be written twice in one batch");
        }
        // Every name is checked before any file is made.
        for (relative, _) in files {
            self.path_of(relative)?;
        }
        files
            .par_iter()
            .map(|(relative, bytes)| {
                // The bytes are in memory already: no buffer in between.
                let mut staged = self.stage_buffered(relative, 0)?;
                staged
                    .writer
                    .write_all(bytes)
                    .and_then(|()| staged.writer.get_ref().sync_all())
                    .with_context(|| format!("cannot write {}", staged.path.display()))?;
                staged.synced = true;
                Ok(staged)
            })
            .collect()
    }

    /// Puts staged files in place in the order given (each synced, then renamed, as
    /// [`OutputDir::commit`] does) and updates the marker once. On failure, the files before
    /// the failing one stay recorded, the rest are removed, and the error names the file.
    pub fn commit_batch(&mut self, staged: Vec<StagedFile>) -> anyhow::Result<()> {
        let mut result = Ok(());
        for mut file in staged {
            if result.is_err() {
                // Dropped: its temporary file is removed.
                continue;
            }
            let put = (|| -> std::io::Result<()> {
                if !file.synced {
                    file.writer.flush()?;
                    file.writer.get_ref().sync_all()?;
                }
                std::fs::rename(&file.tmp, &file.path)
            })();
            match put {
                Ok(()) => self.written.push(file.relative.clone()),
                Err(e) => {
                    result = Err(e)
                        .with_context(|| format!("cannot write {}", file.path.display()))
                        .with_context(|| self.unfinished(&file.relative));
                }
            }
        }
        let _ = self.write_marker();
        result
    }

    /// Puts a staged file in place (synced, then renamed, as [`OutputDir::write`] does) and
    /// records it.
    pub fn commit(&mut self, mut staged: StagedFile) -> anyhow::Result<()> {
        let relative = staged.relative.clone();
        let result = (|| -> std::io::Result<()> {
            staged.writer.flush()?;
            staged.writer.get_ref().sync_all()?;
            std::fs::rename(&staged.tmp, &staged.path)
        })();
        result
            .with_context(|| format!("cannot write {}", staged.path.display()))
            .with_context(|| self.unfinished(&relative))?;
        self.written.push(relative);
        let _ = self.write_marker();
        Ok(())
    }

    /// The path of `relative`, which must be a plain relative path (no `..`, not absolute).
    fn path_of(&self, relative: &str) -> anyhow::Result<PathBuf> {
        let rel = Path::new(relative);
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            anyhow::bail!(
                "refusing to write {relative:?}: not a plain path inside the output folder"
            );
        }
        Ok(self.root.join(rel))
    }

    /// Marks the run finished: removes [`INCOMPLETE_MARKER`]. Call after the manifest.
    pub fn finish(&self) -> anyhow::Result<()> {
        let marker = self.root.join(INCOMPLETE_MARKER);
        match std::fs::remove_file(&marker) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e).with_context(|| format!("cannot remove {}", marker.display())),
        }
    }

    /// What an interrupted run leaves undone, in one sentence, for the error message.
    pub fn unfinished_note(&self) -> String {
        format!(
            "the run did not finish: {MANIFEST} was not written; written: {}; see {}",
            self.written_list(),
            self.root.join(INCOMPLETE_MARKER).display()
        )
    }

    /// What an error while writing `failed` leaves undone, in one sentence.
    fn unfinished(&self, failed: &str) -> String {
        format!(
            "cannot write {failed}; written before it: {}",
            self.written_list()
        )
    }

    fn written_list(&self) -> String {
        if self.written.is_empty() {
            "nothing".to_string()
        } else {
            self.written.join(", ")
        }
    }

    fn write_marker(&self) -> anyhow::Result<()> {
        let mut text = String::from(
            "A fazhi run writing this folder has not finished (or was interrupted).\n\
             manifest.json is written last: until it exists, the files here may be missing,\n\
             or left from an earlier run. Run fazhi again to complete them.\n\n",
        );
        if !self.plan.is_empty() {
            text.push_str("This run writes, in this order:\n");
            for line in &self.plan {
                text.push_str("- ");
                text.push_str(line);
                text.push('\n');
            }
            text.push('\n');
        }
        text.push_str("Written by this run so far:\n");
        for w in &self.written {
            text.push_str(w);
            text.push('\n');
        }
        write_atomic(&self.root.join(INCOMPLETE_MARKER), text.as_bytes())
    }
}

/// Write buffer of a staged file: the workbook's zip writer hands over many small pieces.
const STAGED_BUFFER: usize = 1 << 20;

/// A file of the output folder being written under its temporary name (see
/// [`OutputDir::stage`]).
#[derive(Debug)]
pub struct StagedFile {
    relative: String,
    path: PathBuf,
    tmp: PathBuf,
    writer: std::io::BufWriter<std::fs::File>,
    /// Written in full and synced already (by [`OutputDir::stage_batch`]).
    synced: bool,
}

impl StagedFile {
    /// Its path relative to the output folder, as the manifest lists it.
    pub fn relative(&self) -> &str {
        &self.relative
    }

    /// Where to write the file's contents.
    pub fn writer(&mut self) -> &mut std::io::BufWriter<std::fs::File> {
        &mut self.writer
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        // After a commit the temporary name is gone and this does nothing.
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// The temporary name `path` is written under (`.name.tmp-PID`, in the same folder, which is
/// created if missing).
fn temporary_sibling(path: &Path) -> anyhow::Result<PathBuf> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create folder {}", dir.display()))?;
    if path.is_dir() {
        anyhow::bail!("cannot write {}: it is a folder", path.display());
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    Ok(dir.join(format!(".{name}{TMP_INFIX}{}", std::process::id())))
}

/// Writes `bytes` to `path` via a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = temporary_sibling(path)?;
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

/// Removes `.name.tmp-PID` files an interrupted run left in `root` and in its folders one
/// level down (`charts/`) — only files named the way [`write_atomic`] and
/// [`OutputDir::stage`] name them, whose process is gone or is this one.
fn remove_leftover_temporaries(root: &Path) {
    remove_temporaries_in(root, 1);
}

fn remove_temporaries_in(dir: &Path, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            if depth > 0 {
                remove_temporaries_in(&entry.path(), depth - 1);
            }
            continue;
        }
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some((_, pid)) = name.rsplit_once(TMP_INFIX) else {
            continue;
        };
        if name.starts_with('.') && pid.parse::<u32>().is_ok_and(|p| !process_alive(p)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id is running (Linux: /proc; elsewhere assume it is not,
/// except this process).
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    Path::new("/proc").is_dir() && Path::new("/proc").join(pid.to_string()).exists()
}

/// Windows device names that cannot be file names, with any extension.
const RESERVED_NAMES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];
/// Longest file name produced, in bytes (255 is the limit on Linux and macOS; room is left
/// for an extension and a disambiguating suffix).
const NAME_MAX_BYTES: usize = 180;

/// A file name derived from untrusted text (a county name, a metric) that is safe on
/// Windows and Linux: no path separators or characters Windows forbids, no control
/// characters, no leading dot, no trailing dot or space, not a device name, not empty,
/// at most [`NAME_MAX_BYTES`] bytes. Chinese characters are kept.
pub fn safe_file_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = out.trim_end_matches(['.', ' ']).trim_start_matches(' ');
    out = trimmed.to_string();
    if out.starts_with('.') {
        out.replace_range(0..1, "_");
    }
    if out.len() > NAME_MAX_BYTES {
        let mut cut = NAME_MAX_BYTES;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out = out.trim_end_matches(['.', ' ']).to_string();
    }
    let stem = out.split('.').next().unwrap_or("").to_ascii_uppercase();
    if RESERVED_NAMES.contains(&stem.as_str()) {
        out.insert(0, '_');
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_file_names() {
        let cases = [
            ("沛县", "沛县"),
            ("a/b\\c", "a_b_c"),
            ("../../etc/passwd", "_._.._etc_passwd"),
            ("<script>", "_script_"),
            ("名称: \"x\"?*|", "名称_ _x____"),
            ("tab\there\nnew", "tab_here_new"),
            ("trailing. . ", "trailing"),
            (".hidden", "_hidden"),
            ("CON", "_CON"),
            ("nul.txt", "_nul.txt"),
            ("COM1", "_COM1"),
            ("CONSOLE", "CONSOLE"),
            ("", "_"),
            ("...", "_"),
        ];
        for (input, want) in cases {
            assert_eq!(safe_file_name(input), want, "{input:?}");
        }
        let long = safe_file_name(&"县".repeat(200));
        assert!(long.len() <= NAME_MAX_BYTES && long.chars().all(|c| c == '县'));
    }

    #[test]
    fn a_batch_naming_one_file_twice_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut out = OutputDir::create(&dir.path().join("out")).expect("create");
        let files = [
            ("charts/a.svg".to_string(), &b"<svg/>"[..]),
            ("charts/b.svg".to_string(), &b"<svg/>"[..]),
            ("charts/a.svg".to_string(), &b"<svg></svg>"[..]),
        ];
        let err = out.stage_batch(&files).expect_err("duplicate name");
        assert!(err.to_string().contains("charts/a.svg"), "{err}");
        assert!(!dir.path().join("out/charts").exists(), "nothing written");
        let staged = out.stage_batch(&files[..2]).expect("distinct names");
        out.commit_batch(staged).expect("commit");
        assert!(dir.path().join("out/charts/b.svg").exists());
    }

    #[test]
    fn a_run_is_marked_unfinished_until_finish() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("out");
        std::fs::create_dir(&root).expect("mkdir");
        std::fs::write(root.join(MANIFEST), "{}").expect("old manifest");
        std::fs::write(root.join(".facts.csv.tmp-4000000000"), "half").expect("leftover");
        std::fs::create_dir(root.join("charts")).expect("mkdir");
        std::fs::write(root.join("charts/.a.png.tmp-4000000000"), "half").expect("leftover");
        let mut out = OutputDir::create(&root).expect("create");
        assert!(!root.join(MANIFEST).exists(), "old manifest kept");
        assert!(
            !root.join(".facts.csv.tmp-4000000000").exists(),
            "leftover kept"
        );
        assert!(
            !root.join("charts/.a.png.tmp-4000000000").exists(),
            "leftover chart kept"
        );
        out.write("facts.csv", b"a,b\n").expect("write");
        out.write("charts/x.svg", b"<svg/>").expect("write");
        let marker = std::fs::read_to_string(root.join(INCOMPLETE_MARKER)).expect("marker");
        assert!(marker.contains("facts.csv\ncharts/x.svg\n"), "{marker}");
        out.write(MANIFEST, b"{}").expect("manifest");
        out.finish().expect("finish");
        assert!(!root.join(INCOMPLETE_MARKER).exists());
        let names: Vec<String> = std::fs::read_dir(&root)
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(TMP_INFIX)), "{names:?}");
    }

    #[test]
    fn a_batch_is_staged_then_put_in_place_and_recorded_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("out");
        let mut out = OutputDir::create(&root).expect("create");
        out.write("first.csv", b"a").expect("write");
        let files: Vec<(String, &[u8])> = (0..20)
            .map(|i| (format!("charts/c{i:02}.svg"), b"<svg/>" as &[u8]))
            .collect();
        let staged = out.stage_batch(&files).expect("stage");
        assert!(
            !root.join("charts/c00.svg").exists(),
            "in place before the commit"
        );
        out.commit_batch(staged).expect("commit");
        let mut want = vec!["first.csv".to_string()];
        want.extend(files.iter().map(|(n, _)| n.clone()));
        assert_eq!(out.written(), want.as_slice());
        for (name, bytes) in &files {
            assert_eq!(std::fs::read(root.join(name)).expect("read"), *bytes);
        }
        let marker = std::fs::read_to_string(root.join(INCOMPLETE_MARKER)).expect("marker");
        assert!(marker.ends_with("charts/c19.svg\n"), "{marker}");

        // A file that cannot be written (a folder is in its way) fails the batch, naming it;
        // the files before it are recorded.
        // Here the folder appears after staging, so putting the file in place fails.
        let staged = out
            .stage_batch(&[
                ("charts/ok.csv".to_string(), b"x" as &[u8]),
                ("charts/blocked.png".to_string(), b"x"),
                ("charts/after.csv".to_string(), b"x"),
            ])
            .expect("staged");
        std::fs::create_dir_all(root.join("charts/blocked.png")).expect("mkdir");
        let err = out.commit_batch(staged).expect_err("blocked");
        assert!(format!("{err:#}").contains("charts/blocked.png"), "{err:#}");
        assert_eq!(
            out.written().last().map(String::as_str),
            Some("charts/ok.csv")
        );
        assert!(!root.join("charts/after.csv").exists());
        let leftovers: Vec<String> = std::fs::read_dir(root.join("charts"))
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(TMP_INFIX))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        // A folder in the way when staging fails the batch there, naming the file.
        let err = out
            .stage_batch(&[
                ("charts/new.csv".to_string(), b"x" as &[u8]),
                ("charts/blocked.png".to_string(), b"x"),
            ])
            .expect_err("blocked");
        assert!(format!("{err:#}").contains("charts/blocked.png"), "{err:#}");
        assert!(!root.join("charts/new.csv").exists());
    }

    /// A staged file is invisible under its name until committed, is recorded in commit
    /// order (not staging order), and leaves nothing behind when dropped uncommitted.
    #[test]
    fn staged_files_appear_when_committed_in_commit_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("out");
        let mut out = OutputDir::create(&root).expect("create");
        let mut book = out.stage("book.xlsx").expect("stage");
        let dropped = out.stage("sub/dropped.bin").expect("stage");
        book.writer().write_all(b"PK streamed").expect("fill");
        out.write("first.csv", b"a").expect("write");
        assert!(!root.join("book.xlsx").exists(), "visible before commit");
        out.commit(book).expect("commit");
        drop(dropped);
        assert_eq!(out.written(), ["first.csv", "book.xlsx"]);
        assert_eq!(
            std::fs::read(root.join("book.xlsx")).expect("read"),
            b"PK streamed"
        );
        let marker = std::fs::read_to_string(root.join(INCOMPLETE_MARKER)).expect("marker");
        assert!(marker.ends_with("first.csv\nbook.xlsx\n"), "{marker}");
        for folder in [root.clone(), root.join("sub")] {
            let names: Vec<String> = std::fs::read_dir(&folder)
                .expect("list")
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            assert!(names.iter().all(|n| !n.contains(TMP_INFIX)), "{names:?}");
            assert!(!names.iter().any(|n| n == "dropped.bin"), "{names:?}");
        }
        assert!(out.stage("../escape.xlsx").is_err());
    }

    #[test]
    fn bad_destinations_are_clear_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("file");
        std::fs::write(&file, "x").expect("write");
        let err = OutputDir::create(&file).expect_err("file");
        assert!(err.to_string().contains("is a file, not a folder"), "{err}");

        let mut out = OutputDir::create(&dir.path().join("o")).expect("create");
        for bad in ["../x.csv", "/etc/x", "a/../../x"] {
            let err = out.write(bad, b"x").expect_err(bad);
            assert!(err.to_string().contains("not a plain path"), "{err}");
            let err = out
                .stage_batch(&[("ok.txt".to_string(), b"x"), (bad.to_string(), b"x")])
                .expect_err(bad);
            assert!(err.to_string().contains("not a plain path"), "{err}");
        }
        assert!(
            out.written().is_empty(),
            "nothing written before a refused batch"
        );
    }

    #[cfg(unix)]
    #[test]
    fn unwritable_folder_fails_up_front() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("ro");
        std::fs::create_dir(&root).expect("mkdir");
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o555)).expect("chmod");
        if std::fs::write(root.join("probe"), "x").is_ok() {
            // Running as root: permissions do not apply; nothing to test here.
            return;
        }
        let err = OutputDir::create(&root).expect_err("read-only");
        assert!(format!("{err:#}").contains("is not writable"), "{err:#}");
    }
}
