//! IG210 session-ip-lock-off on the shared org fixtures (see `org/mod.rs`), both formats.

use crate::common;
use crate::org;

use org::{Format, FORMATS};

#[test]
fn positive() {
    for f in FORMATS {
        org::assert_places(
            "IG210",
            f,
            true,
            &[
                ("md:settings/Security.settings", 26),
                ("md:settings/Security.settings", 30),
            ],
        );
    }
}

#[test]
fn negative() {
    for f in FORMATS {
        common::assert_clean("IG210", &f.fixture(false));
    }
}

#[test]
fn low_severity_and_keys() {
    let findings = common::run("IG210", &Format::Sfdx.fixture(true));
    assert!(findings
        .iter()
        .all(|f| f.severity == intguard_model::Severity::Low));
    assert_eq!(
        findings[0].fingerprint_key,
        "SecuritySettings|enforceIpRangesEveryRequest"
    );
    assert_eq!(
        findings[1].fingerprint_key,
        "SecuritySettings|lockSessionsToIp"
    );
}
