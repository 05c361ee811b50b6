//! `fazhi scan` (hidden): the floor that benchmarks compare against — read every input's bytes
//! and count one keyword, nothing else. fazhi's full run is reported as a multiple of this.

use std::io::Write;

use super::Outcome;
use crate::cli::ScanArgs;
use crate::config::DEFAULT_INPUT;
use crate::ingest::{discover, Candidate};

/// Reads every file found under the inputs and prints the keyword's count and bytes read.
pub fn run(args: &ScanArgs) -> anyhow::Result<Outcome> {
    let inputs = if args.inputs.is_empty() {
        vec![DEFAULT_INPUT.into()]
    } else {
        args.inputs.clone()
    };
    // A vectorised substring search (memchr's, through aho-corasick's prefilter), so the
    // floor is what a plain scan can do, not a naive window comparison.
    let needle = aho_corasick::AhoCorasick::new([args.keyword.as_bytes()])?;
    let (mut bytes, mut hits) = (0usize, 0usize);
    for candidate in discover(&inputs) {
        if let Candidate::File(path) = candidate {
            let data = std::fs::read(&path)?;
            bytes += data.len();
            hits += needle.find_iter(&data).count();
        }
    }
    writeln!(
        std::io::stdout(),
        "{hits} occurrences of {} in {bytes} bytes",
        args.keyword
    )?;
    Ok(Outcome::Clean)
}
