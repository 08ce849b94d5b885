//! intguard's rules. Each rule lives in its own file under the practice it
//! serves (`protect_credentials`, `protect_access`, `minimize_damage`), declares
//! its [`RuleMeta`] (id, name, severity and documentation) next to its code,
//! and is a pure function of the [`Inventory`]: no I/O.

pub mod identities;
pub mod minimize_damage;
pub mod protect_access;
pub mod protect_credentials;
mod registry;
pub mod support;

use intguard_model::{Finding, Inventory, RuleMeta};

pub use registry::{all_rules, find_rule};

/// A rule: metadata plus a check over the whole Inventory.
pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    /// The rule's findings at the rule's own severities.
    fn check(&self, inventory: &Inventory) -> Vec<Finding>;

    /// What the engine runs: [`Rule::check`], with every finding located in a
    /// Mule app's test sources (`src/test/`: MUnit suites and their resources)
    /// reported one severity lower, for every rule alike. MUnit suites often
    /// hold fake credentials and local mocks; a real secret there is still
    /// reported.
    fn run(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut findings = self.check(inventory);
        for f in &mut findings {
            if support::in_test_sources(&f.location.path) {
                f.severity = f.severity.lowered();
            }
        }
        findings
    }
}
