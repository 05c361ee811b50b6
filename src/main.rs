//! The `fazhi` binary: parse the command line, run, print the error chain, exit.
//!
//! Exit status: 0 success; 1 some inputs failed or were skipped with an error (the run still
//! wrote its outputs); 2 a fatal error (bad flag, unreadable indicators file, unwritable output).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = fazhi::cli::Cli::parse();
    match fazhi::cmd::dispatch(cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {}", one_line(&err));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes on one line, each cause once: many errors already end with the
/// text of their source (`{path}: cannot read: {source}`), which `{:#}` would print twice.
fn one_line(err: &anyhow::Error) -> String {
    let mut line = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !line.ends_with(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
    }
    line
}

/// Piping into `head` must not look like a failure (ripgrep does the same).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn each_cause_is_printed_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let err = anyhow::Error::new(io).context("facts.csv: cannot read facts CSV: No such file");
        assert_eq!(
            one_line(&err),
            "facts.csv: cannot read facts CSV: No such file"
        );
        let err = anyhow::anyhow!("disk full").context("writing output/index.html");
        assert_eq!(one_line(&err), "writing output/index.html: disk full");
    }
}
