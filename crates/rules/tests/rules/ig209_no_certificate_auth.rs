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

/// A metadata-only SFDX project (no Mule app among the paths): the client
/// credentials app's fix says how to switch to the JWT bearer flow without
/// naming a Mule element, which means nothing to whatever integration logs
/// in through it.
#[test]
fn metadata_only_fix_names_no_mule_element() {
    let findings = common::run("IG209", "IG209/metadata-only");
    let places: Vec<(String, u32)> = findings
        .iter()
        .map(|f| (f.location.path.to_string(), f.location.line))
        .collect();
    assert_eq!(findings.len(), 1, "{places:?}");
    let f = &findings[0];
    assert!(f
        .location
        .path
        .ends_with("connectedApps/Warehouse_Sync.connectedApp-meta.xml"));
    assert_eq!(f.location.line, 5);
    assert!(
        f.message.contains("int.warehouse@acme.example"),
        "{}",
        f.message
    );
    assert!(!f.fix.contains("salesforce:jwt-connection"), "{}", f.fix);
    assert!(
        f.fix
            .contains("its client signs a JWT with the private key"),
        "{}",
        f.fix
    );
}
