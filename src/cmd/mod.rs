//! Glue: one file per subcommand, each calling the stages and adding file context to errors.

pub mod corpus;
pub mod eval;
pub mod explain;
pub mod extract;
pub mod indicators;
pub mod pipeline;
pub mod report;
pub mod run;
pub mod scan;

use crate::cli::{Cli, Command};

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything read.
    Clean,
    /// Outputs written, but some inputs failed (listed in the manifest).
    InputsFailed,
}

impl Outcome {
    /// The process exit status: 0 clean, 1 some inputs failed.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::InputsFailed => 1,
        }
    }
}

/// Runs the subcommand the user asked for (`run` when none).
pub fn dispatch(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        None => run::run(&cli.run),
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Extract(args)) => extract::run(&args),
        Some(Command::Report(args)) => report::run(&args),
        Some(Command::Eval(args)) => eval::run(&args),
        Some(Command::Indicators(args)) => indicators::run(&args),
        Some(Command::Explain(args)) => explain::run(&args),
        Some(Command::Corpus(args)) => corpus::run(&args),
        Some(Command::Scan(args)) => scan::run(&args),
    }
}
