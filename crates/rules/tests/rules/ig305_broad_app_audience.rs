//! IG305 broad-app-audience on the shared org fixtures (see `org/mod.rs`), both formats.

use crate::common;
use crate::org;

use org::{Format, FORMATS};

#[test]
fn positive() {
    for f in FORMATS {
        org::assert_places(
            "IG305",
            f,
            true,
            &[(
                "md:extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy",
                4,
            )],
        );
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
    let f = &common::run("IG305", &Format::Sfdx.fixture(true))[0];
    assert!(
        f.message
            .contains("pre-authorized for the Standard User profile"),
        "{}",
        f.message
    );
    assert!(f.fix.contains("commaSeparatedPermissionSet"));
}
