//! Writing outputs atomically: each file goes to a temporary sibling, then is renamed into
//! place, so an interrupted run never leaves a half-written file that looks complete.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// An output folder, created up front so a bad `-o` fails before any work.
#[derive(Debug, Clone)]
pub struct OutputDir {
    root: PathBuf,
    written: Vec<String>,
}

impl OutputDir {
    /// Creates (or reuses) the folder; fails with a clear message if `root` is a file.
    pub fn create(root: &Path) -> anyhow::Result<Self> {
        if root.exists() && !root.is_dir() {
            anyhow::bail!("output path {} is a file, not a folder", root.display());
        }
        std::fs::create_dir_all(root)
            .with_context(|| format!("cannot create output folder {}", root.display()))?;
        Ok(OutputDir {
            root: root.to_path_buf(),
            written: Vec::new(),
        })
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Relative paths written so far, in order.
    pub fn written(&self) -> &[String] {
        &self.written
    }

    /// Writes `bytes` to `relative` (subfolders created) atomically.
    pub fn write(&mut self, relative: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.root.join(relative);
        write_atomic(&path, bytes)?;
        self.written.push(relative.to_string());
        Ok(())
    }
}

/// Writes `bytes` to `path` via a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create folder {}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
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
