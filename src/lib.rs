//! fazhi turns Chinese county-level annual rule-of-law government reports
//! (法治政府建设年度报告) into numbers an analyst can trust.
//!
//! Data moves one way through the pipeline, and no module imports from a later stage:
//!
//! ```text
//! ingest  →  extract  →  dataset / analysis  →  render (html, charts, csv, xlsx, briefing)  →  output
//! (bytes → text)  (text → facts)  (facts → frames, trends, checks)  (→ bytes)  (→ files)
//! ```
//!
//! `cmd` is the glue that runs the stages for each subcommand and adds file context to errors.
#![warn(missing_docs)]

pub mod analysis;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod dataset;
pub mod dict;
pub mod extract;
pub mod ingest;
pub mod model;
pub mod output;
pub mod render;
