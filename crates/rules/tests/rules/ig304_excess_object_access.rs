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
