//! `fazhi indicators`: list the indicator dictionary.

use std::io::Write;

use super::Outcome;
use crate::cli::DictArgs;
use crate::config::dict_from_args;

/// Prints one line per indicator: id, scope, unit, Chinese and English names.
pub fn run(args: &DictArgs) -> anyhow::Result<Outcome> {
    let dict = dict_from_args(args)?;
    let mut stdout = std::io::stdout().lock();
    for i in &dict.indicators {
        writeln!(
            stdout,
            "{:<36} {:<10} {:<4} {}  {}",
            i.id, i.scope, i.unit, i.zh_name, i.en_name
        )?;
    }
    Ok(Outcome::Clean)
}
