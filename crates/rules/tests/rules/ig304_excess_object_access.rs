//! IG304 excess-object-access on a Mule app and the SFDX project of its
//! user. The identity graph cases are in `identity_rules.rs`.

use crate::common;

const PERMSET: &str =
    "salesforce/force-app/main/default/permissionsets/Billing_Int.permissionset-meta.xml";

/// `<salesforce:delete>` takes record ids, whose objects are known only at
/// run time: the Delete it needs on some object is not called unused, and
/// the message names the operation. Edit, which nothing does, still is.
#[test]
fn a_delete_by_id_keeps_delete_access_needed() {
    common::assert_places("IG304", "IG304/delete-by-id", &[(PERMSET, 6)]);
    let findings = common::run("IG304", "IG304/delete-by-id");
    let f = common::finding_at(&findings, "Billing_Int.permissionset-meta.xml", 6);
    assert!(
        f.message.contains(
            "via permission set Billing_Int: Invoice__c (Edit; its apps only read, create)"
        ),
        "{}",
        f.message
    );
    assert!(
        f.message.ends_with(
            "; 1 operation whose objects intguard cannot tell: billing global.xml:13 (it names no object))"
        ),
        "{}",
        f.message
    );
    assert!(
        f.fix.contains("Set allowEdit to false for Invoice__c"),
        "{}",
        f.fix
    );
    assert!(!f.fix.contains("allowDelete"), "{}", f.fix);
}
