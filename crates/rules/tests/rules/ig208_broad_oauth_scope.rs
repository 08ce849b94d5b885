//! IG208 broad-oauth-scope on the shared org fixtures (see `org/mod.rs`), both formats.

use crate::common;
use crate::org;

use org::{Format, FORMATS};

#[test]
fn positive() {
    for f in FORMATS {
        org::assert_places(
            "IG208",
            f,
            true,
            &[
                ("md:connectedApps/Legacy_Data_Loader.connectedApp", 21),
                ("md:connectedApps/Orders_Integration.connectedApp", 15),
                ("md:connectedApps/Orders_Integration.connectedApp", 16),
                ("md:connectedApps/Orders_Integration.connectedApp", 20),
                ("md:extlClntAppOauthSettings/Billing_Sync_oauth.ecaOauth", 3),
                ("md:extlClntAppOauthSettings/Billing_Sync_oauth.ecaOauth", 3),
                (
                    "md:extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy",
                    10,
                ),
            ],
        );
    }
}

#[test]
fn negative() {
    for f in FORMATS {
        common::assert_clean("IG208", &f.fixture(false));
    }
}

#[test]
fn keys_are_per_scope() {
    let findings = common::run("IG208", &Format::Sfdx.fixture(true));
    let keys: Vec<&str> = findings
        .iter()
        .map(|f| f.fingerprint_key.as_str())
        .collect();
    for k in [
        "connectedApp|Orders_Integration|scope|full",
        "connectedApp|Orders_Integration|scope|refreshtoken",
        "connectedApp|Orders_Integration|refreshTokenPolicy",
        "connectedApp|Legacy_Data_Loader|scope|web",
        "eca|Billing_Sync|scope|full",
        "eca|Billing_Sync|scope|refreshtoken",
        "eca|Billing_Sync|refreshTokenPolicyType",
    ] {
        assert!(keys.contains(&k), "{k} not in {keys:?}");
    }
    let full = findings
        .iter()
        .find(|f| f.fingerprint_key.ends_with("Orders_Integration|scope|full"))
        .unwrap();
    assert!(
        full.message.contains("has the Full scope"),
        "{}",
        full.message
    );
}
