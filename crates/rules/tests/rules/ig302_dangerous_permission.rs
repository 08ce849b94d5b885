//! IG302 dangerous-permission on fixture trees (the identity-graph cases
//! are in `identity_rules.rs`).

use crate::common;

use intguard_model::Severity;

/// A Metadata API project alone: an integration profile no user names is
/// the identity itself, so its finding says "profile Integration User
/// holds ModifyAllData", not "... via profile Integration User" too.
#[test]
fn a_profile_that_is_the_identity_is_named_once() {
    let findings = common::run("IG302", "IG302/profile-only");
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert!(
        f.location
            .path
            .ends_with("src/profiles/Integration%20User.profile"),
        "{}",
        f.location.path
    );
    assert_eq!(f.location.line, 9);
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(
        f.message,
        "profile Integration User holds ModifyAllData (super power)"
    );
    assert!(
        f.fix
            .contains("Remove ModifyAllData from profile Integration User"),
        "{}",
        f.fix
    );
}

/// A managed package's permission set (`acmepkg__Sync_Admin`, retrieved
/// into the project) granting ModifyAllData: its permissions cannot be
/// edited in the subscriber org, so the fix is not "set <enabled>false"
/// in its file" but to unassign it and grant what the package needs with
/// a set of the org's own.
#[test]
fn a_managed_packages_set_is_unassigned_not_edited() {
    let findings = common::run("IG302", "IG302/managed-set");
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert!(
        f.location
            .path
            .ends_with("permissionsets/acmepkg__Sync_Admin.permissionset-meta.xml"),
        "{}",
        f.location.path
    );
    assert_eq!(f.location.line, 4);
    assert_eq!(f.identity.as_deref(), Some("int.sync@acme.example"));
    assert!(!f.fix.contains("<enabled>false</enabled>"), "{}", f.fix);
    assert!(
        f.fix.starts_with(
            "Permission set acmepkg__Sync_Admin belongs to managed package acmepkg: its permissions cannot be edited in your org. Unassign it from int.sync@acme.example"
        ),
        "{}",
        f.fix
    );
    assert!(
        f.fix
            .contains("a permission set of your own, without ModifyAllData"),
        "{}",
        f.fix
    );
}
