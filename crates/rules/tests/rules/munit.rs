//! Findings in MUnit test sources (`src/test/`) are reported one severity
//! lower, for every rule alike (`Rule::run`).

use crate::common;

use intguard_model::Severity;

const SUITE: &str = "accounts-sapi/src/test/munit/accounts-suite.xml";

fn severity_at(id: &str, line: u32) -> Severity {
    let findings = common::run(id, "MUNIT");
    let f = findings
        .iter()
        .find(|f| f.location.path.ends_with(SUITE) && f.location.line == line)
        .unwrap_or_else(|| panic!("no {id} finding at {SUITE}:{line}: {findings:#?}"));
    f.severity
}

#[test]
fn every_rule_is_one_level_lower_in_test_sources() {
    // IG101 high -> medium: a basic-connection in the suite.
    assert_eq!(severity_at("IG101", 16), Severity::Medium);
    // IG102 critical -> high: its literal password.
    assert_eq!(severity_at("IG102", 16), Severity::High);
    // IG110 high -> medium: an insecure trust store.
    assert_eq!(severity_at("IG110", 20), Severity::Medium);
    // IG206 medium -> low: no client certificate.
    assert_eq!(severity_at("IG206", 16), Severity::Low);
}

#[test]
fn main_sources_keep_their_severity() {
    for f in common::run("IG206", "MUNIT") {
        if !f.location.path.contains("/src/test/") {
            assert_eq!(f.severity, Severity::Medium, "{}", f.message);
        }
    }
}
