//! IG203 not-admin-approved on the shared org fixtures (see `org/mod.rs`), both formats.

use crate::common;
use crate::org;

use org::{Format, FORMATS};

#[test]
fn positive() {
    for f in FORMATS {
        org::assert_places(
            "IG203",
            f,
            true,
            &[
                ("md:connectedApps/Legacy_Data_Loader.connectedApp", 14),
                (
                    "md:extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy",
                    9,
                ),
            ],
        );
    }
}

#[test]
fn negative() {
    for f in FORMATS {
        common::assert_clean("IG203", &f.fixture(false));
    }
}

#[test]
fn messages() {
    let findings = common::run("IG203", &Format::Sfdx.fixture(true));
    assert!(
        findings[0]
            .message
            .contains("connected app Legacy Data Loader (Legacy_Data_Loader)"),
        "{}",
        findings[0].message
    );
    assert!(findings[0].message.contains("isAdminApproved is false"));
    assert!(findings[0]
        .fix
        .contains("<isAdminApproved>true</isAdminApproved>"));
    assert!(findings[1].message.contains("AllSelfAuthorized"));
    assert!(findings[1].fix.contains("AdminApprovedPreAuthorized"));
}
