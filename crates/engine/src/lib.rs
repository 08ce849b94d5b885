//! The scan pipeline that wires readers, rules and post-processing together:
//!
//! ```text
//! paths -> readers -> Inventory -> rules -> findings
//!       -> severity overrides -> inline suppressions -> baseline
//!       -> fingerprints, masked snippets -> ScanOutcome
//! ```
//!
//! It does the I/O rules may not do (reading snippet lines, the config and
//! baseline files, spilling a scan's findings to an encrypted temporary
//! file until the Inventory is freed, and the compact apps' `![...]`
//! records until IG104 reads them) and knows nothing about output formats.

pub mod baseline;
pub mod config;
mod fingerprint;
mod finish;
mod memory;
mod read;
mod reported;
mod scan;
mod sealed;
mod secret_store;
mod snippet;
mod spill;
mod suppress;
mod timing;

pub use baseline::Baseline;
pub use config::{Config, ConfigError, OrgConfig};
pub use memory::{set_memory_release, MemoryRelease};
pub use read::read_inventory;
pub use reported::ReportedFindings;
pub use scan::{run_rules, scan, ScanOptions, ScanOutcome};
pub use snippet::mask_lines;
pub use timing::{set_heap_probe, HeapProbe, PhaseTimer};
