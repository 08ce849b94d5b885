//! IG209 no-certificate-auth on the shared org fixtures (see `org/mod.rs`), both formats.

use crate::common;
use crate::org;

use org::{Format, FORMATS};

#[test]
fn positive() {
    for f in FORMATS {
        org::assert_places(
            "IG209",
            f,
            true,
            &[
                ("md:connectedApps/Legacy_Data_Loader.connectedApp", 11),
                (
                    "md:extlClntAppGlobalOauthSets/Billing_Sync_glbloauth.ecaGlblOauth",
                    2,
                ),
            ],
        );
    }
}

#[test]
fn negative() {
    for f in FORMATS {
        common::assert_clean("IG209", &f.fixture(false));
    }
}

#[test]
fn messages() {
    let findings = common::run("IG209", &Format::Sfdx.fixture(true));
    assert!(
        findings[0]
            .message
            .contains("runs the client credentials flow"),
        "{}",
        findings[0].message
    );
    assert!(findings[0]
        .related
        .iter()
        .any(|r| r.line == 19 && r.message.contains("int.mule@acme.com")));
    assert!(
        findings[1]
            .message
            .starts_with("external client app Billing Sync"),
        "{}",
        findings[1].message
    );
}
