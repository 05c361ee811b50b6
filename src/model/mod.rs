//! The ground floor: the values every stage passes on (facts, their scope and qualifier, and
//! a document's metadata). It imports no other module of the crate, so every stage can import
//! it without a cycle.

mod fact;
mod meta;

pub use fact::{format_value, Fact, Qualifier, Scope, FACT_COLUMNS};
pub use meta::{DocMeta, GivenMeta, Level};
