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

/// Found by testing as a user would: an app pre-authorized for the
/// standard "Minimum Access - API Only Integrations" profile was not
/// reported. Every integration user of the org is meant to be on that
/// profile (each system with its own permission set), so whoever holds
/// this app's private key can mint a token for every other system's
/// integration user too: the audience is every integration, not one.
#[test]
fn the_standard_integration_profile_is_everyones() {
    const APP: &str =
        "salesforce/force-app/main/default/connectedApps/Orders_JWT.connectedApp-meta.xml";
    common::assert_places("IG305", "IG305/standard-integration-profile", &[(APP, 16)]);
    let f = &common::run("IG305", "IG305/standard-integration-profile")[0];
    assert!(
        f.message.contains(
            "pre-authorized for the Minimum Access - API Only Integrations profile: every integration user on it (int.billing@acme.com, int.orders@acme.com)"
        ),
        "{}",
        f.message
    );
    assert!(
        f.fix
            .contains("remove Minimum Access - API Only Integrations")
            && f.fix.contains("<permissionSetName>"),
        "{}",
        f.fix
    );
}
