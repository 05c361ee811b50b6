//! The ground floor: the values every stage passes on (facts, their scope and qualifier,
//! stated changes, a region's level and a document's metadata). It imports no other module of
//! the crate, so every stage can import it without a cycle.

mod change;
mod fact;
mod meta;
mod region;

pub use change::{ChangeUnit, StatedChange};
pub use fact::{format_value, Confidence, Fact, Qualifier, Scope, FACT_COLUMNS};
pub use meta::{DocMeta, GivenMeta, Level};
pub use region::{prefecture_code, province_code};
