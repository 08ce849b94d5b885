//! IG305 broad-app-audience on the shared org fixtures (see `org/mod.rs`), both formats.

use crate::common;
use crate::org;

use org::FORMATS;

/// An integration app pre-authorized for a broad profile is reported when
/// admin approved (Billing_Sync); one that all users may self-authorize
/// ignores its profiles (Invoice_Self: IG203 reports it), as does the shared
/// org fixtures' self-authorized Billing_Sync.
#[test]
fn positive() {
    common::assert_places(
        "IG305",
        "IG305/positive",
        &[(
            "salesforce/force-app/main/default/extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy-meta.xml",
            4,
        )],
    );
    for f in FORMATS {
        common::assert_clean("IG305", &f.fixture(true));
    }
}

#[test]
fn negative() {
    for f in FORMATS {
        common::assert_clean("IG305", &f.fixture(false));
    }
}

#[test]
fn message_names_the_profile() {
    let f = &common::run("IG305", "IG305/positive")[0];
    assert!(
        f.message
            .contains("pre-authorized for the Standard User profile"),
        "{}",
        f.message
    );
    assert!(f.fix.contains("commaSeparatedPermissionSet"));
}
