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
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Piping into `head` must not look like a failure (ripgrep does the same).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
