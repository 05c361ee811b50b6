//! The words of every output, in Chinese and English, as data (`data/labels.toml`): headings,
//! column names and their meanings, chart titles, method notes, check messages. A linguist
//! edits the file, not the code; `--labels FILE` uses an edited copy without a rebuild.
//!
//! Each entry is `key = { zh = "…", en = "…" }` under a `[section]`; its full key is
//! `section.key` (`page.title`). A text may hold `{name}` slots, filled by [`Lang::fill`].
//! Invariants, checked on load, each failure naming the file, the line and the key: every
//! entry has both languages, neither empty; both hold the same slots; a file given with
//! `--labels` has every key of the bundled one (the code asks for those).
//!
//! The table in use is process-wide, like the bundled lexicon: the renderers take a [`Lang`]
//! and look words up through it. [`install`] replaces the bundled table before the first
//! output is rendered (`fazhi run --labels`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::Lang;

/// The labels bundled with fazhi (`data/labels.toml`).
pub const BUNDLED_LABELS: &str = include_str!("../../data/labels.toml");

/// Problems with a labels file; each names the file, and the line and key where it can.
#[derive(Debug, thiserror::Error)]
pub enum LabelsError {
    /// The file could not be read.
    #[error("{path}: cannot read labels file: {error}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// The file is not valid TOML, or an entry breaks a rule.
    #[error("{path}: line {line}: key '{key}': {message}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line of the fault.
        line: usize,
        /// The full key at fault (`section.key`).
        key: String,
        /// What is wrong, with a hint where one helps.
        message: String,
    },
}

/// Every label, by full key: (Chinese, English).
#[derive(Debug, Clone, Default)]
pub struct Labels {
    map: BTreeMap<String, (String, String)>,
}

impl Labels {
    /// The text of `key` in `lang`, if the table has it.
    pub fn get(&self, key: &str, lang: Lang) -> Option<&str> {
        self.map.get(key).map(|(zh, en)| match lang {
            Lang::Zh => zh.as_str(),
            Lang::En => en.as_str(),
        })
    }

    /// Every key, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }
}

static INSTALLED: OnceLock<Labels> = OnceLock::new();

/// Makes `labels` the table every output uses. Only before the first lookup: afterwards the
/// table in use stays, and `labels` is handed back.
pub fn install(labels: Labels) -> Result<(), Labels> {
    INSTALLED.set(labels)
}

/// The table in use: the installed one, else the bundled one.
pub fn installed() -> &'static Labels {
    INSTALLED.get_or_init(|| {
        parse_labels(BUNDLED_LABELS, "data/labels.toml", None)
            .expect("the bundled labels are valid (checked by a test)")
    })
}

impl Lang {
    /// The label `key` in this language. A key missing from the table (a bug: a test checks
    /// every key the code names) shows as the key itself rather than failing the run.
    pub fn text(self, key: &str) -> &'static str {
        match installed().get(key, self) {
            Some(text) => text,
            None => {
                debug_assert!(false, "label '{key}' is not in data/labels.toml");
                // Leaked once per missing key and run at most: never in a correct build.
                Box::leak(key.to_string().into_boxed_str())
            }
        }
    }

    /// The label `key` with its `{name}` slots filled from `args` (one pass: a value that
    /// holds `{x}` is not filled again). A slot without a value is left as it is.
    pub fn fill(self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        fill_slots(self.text(key), args)
    }
}

/// Fills `{name}` slots of `template` from `args`, in one pass.
pub fn fill_slots(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(template.len() + 16 * args.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            args.iter().find(|a| a.0 == name).map(|a| (a.1, close))
        });
        match value {
            Some((v, close)) => {
                let _ = write!(out, "{v}");
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}` slots of a text.
fn slots(text: &str) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if close > 0
                    && after[..close]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                out.insert(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// Loads the labels file at `path` (checked to hold every bundled key), or the bundled one.
pub fn load_labels(path: Option<&Path>) -> Result<Labels, LabelsError> {
    let bundled = || parse_labels(BUNDLED_LABELS, "data/labels.toml", None);
    match path {
        None => bundled(),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|error| LabelsError::Read {
                path: p.to_path_buf(),
                error,
            })?;
            let required = bundled()?;
            parse_labels(&text, &p.display().to_string(), Some(&required))
        }
    }
}

/// Parses and checks a labels file; `origin` names it in errors. With `required`, every key
/// of that table must be present too.
pub fn parse_labels(
    text: &str,
    origin: &str,
    required: Option<&Labels>,
) -> Result<Labels, LabelsError> {
    let err = |line: usize, key: &str, message: String| LabelsError::Invalid {
        path: origin.to_string(),
        line,
        key: key.to_string(),
        message,
    };
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map_or(1, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        });
        err(line, "", e.message().to_string())
    })?;
    let mut labels = Labels::default();
    let mut stack: Vec<(String, &toml::Table)> = vec![(String::new(), &table)];
    while let Some((prefix, t)) = stack.pop() {
        for (name, value) in t {
            let key = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            let Some(entry) = value.as_table() else {
                return Err(err(
                    line_of(text, &key),
                    &key,
                    "expected a table: `key = { zh = \"…\", en = \"…\" }`".to_string(),
                ));
            };
            // A label holds its texts; anything else is a section.
            let is_label = ["zh", "en"]
                .iter()
                .any(|l| entry.get(*l).is_some_and(toml::Value::is_str));
            if !is_label {
                stack.push((key, entry));
                continue;
            }
            let lang = |l: &str| -> Result<String, LabelsError> {
                match entry.get(l).and_then(toml::Value::as_str) {
                    Some(s) if !s.trim().is_empty() => Ok(s.to_string()),
                    Some(_) => Err(err(line_of(text, &key), &key, format!("{l} is empty"))),
                    None => Err(err(
                        line_of(text, &key),
                        &key,
                        format!("no {l} text: every label needs zh and en"),
                    )),
                }
            };
            let (zh, en) = (lang("zh")?, lang("en")?);
            if let Some(other) = entry.keys().find(|k| *k != "zh" && *k != "en") {
                return Err(err(
                    line_of(text, &key),
                    &key,
                    format!("unknown field '{other}' (a label has zh and en only)"),
                ));
            }
            if slots(&zh) != slots(&en) {
                return Err(err(
                    line_of(text, &key),
                    &key,
                    format!(
                        "zh and en hold different {{slots}}: {:?} and {:?}",
                        slots(&zh),
                        slots(&en)
                    ),
                ));
            }
            labels.map.insert(key, (zh, en));
        }
    }
    if let Some(required) = required {
        if let Some(missing) = required.keys().find(|k| !labels.map.contains_key(*k)) {
            return Err(err(
                1,
                missing,
                "missing: fazhi needs every label of the bundled data/labels.toml".to_string(),
            ));
        }
    }
    Ok(labels)
}

/// The line of `key`'s entry (`section.key`): the line after the section's header whose
/// first word is the key's last part; 1 when not found.
fn line_of(text: &str, key: &str) -> usize {
    let (section, last) = key.rsplit_once('.').unwrap_or(("", key));
    let header = format!("[{section}]");
    let mut in_section = section.is_empty();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            in_section = t == header;
            continue;
        }
        if in_section {
            let word = t.split(|c: char| c == '=' || c.is_whitespace()).next();
            if word.map(|w| w.trim_matches('"')) == Some(last) {
                return i + 1;
            }
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_labels_are_valid() {
        let labels = load_labels(None).expect("bundled labels");
        assert!(labels.keys().count() > 0);
    }

    /// Every key the render code names (`.text("…")`, `.fill("…"`) is in the bundled file, and
    /// every bundled key is named somewhere (the column meanings are looked up by table and
    /// column), so the file holds no dead words.
    #[test]
    fn every_key_named_in_the_code_exists_and_every_label_is_used() {
        let labels = load_labels(None).expect("bundled");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render");
        let mut code = String::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("src/render").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                    code.push_str(&std::fs::read_to_string(&path).expect("source"));
                }
            }
        }
        let mut named = BTreeSet::new();
        // Every string literal that is a key of the table: `"page.title"` in a call, a list
        // or a `match` choosing one.
        let sections: BTreeSet<&str> = labels
            .keys()
            .filter_map(|k| k.split_once('.').map(|(section, _)| section))
            .collect();
        for (at, _) in code.match_indices('"') {
            let key: String = code[at + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            let closed = code[at + 1 + key.len()..].starts_with('"');
            let section = key.split_once('.').map(|(section, _)| section);
            if closed && !key.ends_with('.') && section.is_some_and(|s| sections.contains(s)) {
                named.insert(key);
            }
        }
        // The page template names its labels `t.<key>`, the `page.` section.
        let template = include_str!("templates/report.html");
        for (at, _) in template.match_indices("t.") {
            let before = template[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let key: String = template[at + 2..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !key.is_empty() {
                named.insert(format!("page.{key}"));
            }
        }
        // The review script names its labels `L.<key>`, the `review_step.` section.
        let script = include_str!("templates/review.js");
        for (at, _) in script.match_indices("L.") {
            let before = script[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let key: String = script[at + 2..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !key.is_empty() {
                named.insert(format!("review_step.{key}"));
            }
        }
        let missing: Vec<&String> = named
            .iter()
            .filter(|k| labels.get(k, Lang::Zh).is_none())
            .collect();
        assert!(missing.is_empty(), "not in data/labels.toml: {missing:?}");
        let unused: Vec<&str> = labels
            .keys()
            .filter(|k| {
                // Looked up by the text they translate (units, place names), not by name.
                let by_text = [
                    "columns.",
                    "units.",
                    "place_suffixes.",
                    "ethnic_groups.",
                    "place_names.",
                ];
                !by_text.iter().any(|p| k.starts_with(p)) && !named.contains(*k)
            })
            .collect();
        assert!(unused.is_empty(), "never used: {unused:?}");
    }

    #[test]
    fn slots_are_filled_once_and_unknown_ones_kept() {
        let got = fill_slots("{a} and {b}, {missing} {", &[("a", &"{b}"), ("b", &2)]);
        assert_eq!(got, "{b} and 2, {missing} {");
    }

    #[test]
    fn faults_name_the_line_and_key() {
        let cases = [
            (
                "[page]\ntitle = { zh = \"标题\" }\n",
                2,
                "page.title",
                "no en text",
            ),
            (
                "[page]\n\ntitle = { zh = \"\", en = \"T\" }\n",
                3,
                "page.title",
                "zh is empty",
            ),
            (
                "[page]\nnote = { zh = \"共 {n} 行\", en = \"{total} rows\" }\n",
                2,
                "page.note",
                "different {slots}",
            ),
            (
                "[page]\ntitle = { zh = \"标题\", en = \"T\", fr = \"T\" }\n",
                2,
                "page.title",
                "unknown field 'fr'",
            ),
            (
                "[page]\ntitle = \"标题\"\n",
                2,
                "page.title",
                "expected a table",
            ),
            (
                "[page]\ntitle = { zh = \"标题\", en = \n",
                2,
                "",
                "inline table",
            ),
        ];
        for (text, line, key, words) in cases {
            let e = parse_labels(text, "labels.toml", None).expect_err(text);
            let LabelsError::Invalid {
                line: got_line,
                key: got_key,
                message,
                ..
            } = &e
            else {
                panic!("{e}");
            };
            assert_eq!((*got_line, got_key.as_str()), (line, key), "{e}");
            assert!(message.contains(words), "{e}");
            assert!(e.to_string().starts_with("labels.toml: line"), "{e}");
        }
    }

    #[test]
    fn an_edited_file_must_keep_every_bundled_key() {
        let required = load_labels(None).expect("bundled");
        let e = parse_labels(
            "[page]\ntitle = { zh = \"标题\", en = \"Title\" }\n",
            "mine.toml",
            Some(&required),
        )
        .expect_err("keys missing");
        assert!(e.to_string().contains("missing"), "{e}");
    }
}
