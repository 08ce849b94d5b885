//! The data model in the middle of intguard's one-way flow:
//!
//! ```text
//! inputs -> readers -> Inventory -> rules -> Findings -> reporters
//! ```
//!
//! Readers fill an [`Inventory`]; rules read it and emit [`Finding`]s; reporters
//! render findings. Nothing here does I/O.

mod dedup;
pub mod expr;
pub mod finding;
pub mod gap_pattern;
pub mod inventory;
pub mod location;
pub mod path_text;
pub mod property_names;
pub mod rule_meta;
pub mod secret;
pub mod shared_str;
pub mod soql;
pub mod trim;
pub mod vocab;

pub use expr::{Placeholder, Value};
pub use finding::{Diagnostic, DiagnosticLevel, Finding, Related, FINDINGS_LOST, ORG_PARTIAL};
pub use inventory::*;
pub use location::{FilePath, Location};
pub use rule_meta::{Practice, RuleMeta, Severity};
pub use shared_str::SharedStr;
pub use thin_vec::{thin_vec, ThinVec};
