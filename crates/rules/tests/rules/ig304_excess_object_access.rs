//! IG304 excess-object-access on a Mule app and the SFDX project of its
//! user. The identity graph cases are in `identity_rules.rs`.

use crate::common;

const PERMSET: &str =
    "salesforce/force-app/main/default/permissionsets/Billing_Int.permissionset-meta.xml";

/// `<salesforce:delete>` takes record ids, whose objects are known only at
/// run time: the Delete it needs on some object is not called unused, nor
/// the Edit and Read Salesforce requires for Delete (clearing allowEdit
/// while allowDelete stays would not deploy), and the message names the
/// operation. Create on Account, which nothing does, still is excess.
#[test]
fn a_delete_by_id_keeps_delete_and_what_it_requires_needed() {
    common::assert_places("IG304", "IG304/delete-by-id", &[(PERMSET, 6)]);
    let findings = common::run("IG304", "IG304/delete-by-id");
    let f = common::finding_at(&findings, "Billing_Int.permissionset-meta.xml", 6);
    assert!(
        f.message
            .contains("via permission set Billing_Int: Account (Create; no known use) (its apps use Invoice__c;"),
        "{}",
        f.message
    );
    assert!(!f.message.contains("Invoice__c ("), "{}", f.message);
    assert!(
        f.message.ends_with(
            "; 1 operation whose objects intguard cannot tell: billing global.xml:13 (it names no object))"
        ),
        "{}",
        f.message
    );
    assert!(
        f.fix.contains("Set allowCreate to false for Account"),
        "{}",
        f.fix
    );
    assert!(!f.fix.contains("allowEdit"), "{}", f.fix);
}

/// Found by testing an estate: the findings about what a permission set
/// grants (IG304's object access, IG204's UseAnyApiClient, IG111's
/// PasswordNeverExpires) cited the user's profile assignment and profile
/// file as where the access comes from, not the permission set's
/// assignment (a user definition's `permsets`) and file, as IG302 does.
#[test]
fn a_permission_set_grant_cites_the_permission_set_assignment_not_the_profile() {
    let rel = "IG304/grant-related";
    let mut checked = 0;
    for (rule, expected) in [("IG304", 2), ("IG204", 1), ("IG111", 1)] {
        let findings = common::run(rule, rel);
        assert_eq!(findings.len(), expected, "{rule}: {findings:#?}");
        for f in &findings {
            let related = common::related_places(f);
            assert!(
                related.contains(&("sync-user-def.json".into(), 6))
                    && related.contains(&("Sync_Access.permissionset-meta.xml".into(), 2)),
                "{rule}: {related:?}"
            );
            assert!(
                !related.contains(&("sync-user-def.json".into(), 5))
                    && !related
                        .iter()
                        .any(|(file, _)| file == "Sync Integration.profile-meta.xml"),
                "{rule}: {related:?}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 4);
}

/// Found by testing an estate: IG204's fix for UseAnyApiClient said to
/// delete the `<userPermissions>` entry, where IG302's and IG111's fixes
/// for the same kind of entry say that deleting it does not revoke it on
/// deploy; nor did it name the set or its file ("the permission set").
#[test]
fn ig204_fix_disables_the_entry_in_the_named_set_and_file() {
    let findings = common::run("IG204", "IG304/grant-related");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let fix = &findings[0].fix;
    assert!(
        fix.contains("Setup > Permission Sets > Sync_Access > System Permissions, in permissionsets/Sync_Access.permissionset-meta.xml")
            && fix.contains("set <enabled>false</enabled> in its <userPermissions> entry for UseAnyApiClient: deleting the entry does not revoke it on deploy"),
        "{fix}"
    );
    assert!(!fix.contains("delete <userPermissions>"), "{fix}");
}

/// A managed package's permission set granting View All: its object
/// permissions cannot be edited in the subscriber org, so the fix
/// unassigns it and grants the access needed with a set of the org's own,
/// instead of "set viewAllRecords to false" in its file.
#[test]
fn a_managed_packages_set_is_unassigned_not_edited() {
    let findings = common::run("IG304", "IG304/managed-set");
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
    assert!(
        f.message.contains("acmepkg__Shipment__c (View All)"),
        "{}",
        f.message
    );
    assert_eq!(
        f.fix,
        "Permission set acmepkg__Sync_Admin belongs to managed package acmepkg: its object permissions cannot be edited in your org. Unassign it from int.sync@acme.example (Setup > Users > int.sync@acme.example > Permission Set Assignments; in a user definition, drop it from \"permsets\"), and grant the object access it needs without View All or Modify All (share the records it needs through sharing rules) with a permission set of your own."
    );
}
