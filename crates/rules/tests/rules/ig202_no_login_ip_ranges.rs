//! IG202 no-login-ip-ranges on fixture trees read by the real readers (the
//! identity-graph cases are in `identity_rules.rs` and
//! `identity_rules_org.rs`).

use crate::common;

const FIXTURE: &str = "IG202/invalid-ranges";
const SYNC: &str = "force-app/main/default/profiles/SyncIntegration.profile-meta.xml";

/// Login IP ranges Salesforce rejects on deploy (`10.0.0.300`, a start
/// after the end) restrict nothing: a profile with only such ranges is
/// reported as having no valid range, at the first of them. A profile with
/// one valid range besides an invalid one (ReportsIntegration) is
/// restricted and not reported.
#[test]
fn invalid_ranges_are_no_restriction() {
    common::assert_places("IG202", FIXTURE, &[(SYNC, 4)]);
    let findings = common::run("IG202", FIXTURE);
    let f = common::finding_at(&findings, SYNC, 4);
    assert_eq!(f.location.column, 5);
    assert_eq!(
        f.message,
        "integration profile SyncIntegration has no valid login IP ranges \
         (10.0.0.300-10.0.0.310: start address `10.0.0.300` is not an IP address; \
         203.0.113.31-203.0.113.0: start address `203.0.113.31` comes after end address `203.0.113.0`): \
         its credentials work from any address"
    );
    assert!(
        f.fix
            .starts_with("Setup > Profiles > SyncIntegration > Login IP Ranges: replace them with"),
        "{}",
        f.fix
    );
}

/// A Metadata API project alone (no Mule app among the paths): the fix's
/// example addresses are not CloudHub's, which means nothing to an
/// integration that is no Mule app; with Mule apps they still are (the
/// example monorepo's findings, checked by `examples/`).
#[test]
fn metadata_only_example_is_not_cloudhub() {
    let findings = common::run("IG202", "IG202/metadata-only");
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert!(
        f.location
            .path
            .ends_with("src/profiles/Integration%20User.profile"),
        "{}",
        f.location.path
    );
    assert!(!f.fix.contains("CloudHub"), "{}", f.fix);
    assert!(
        f.fix
            .contains("e.g. the public addresses of the servers or NAT gateway it calls from"),
        "{}",
        f.fix
    );
    assert!(
        f.fix
            .contains("<loginIpRanges><description>Integration egress</description>"),
        "{}",
        f.fix
    );
}
