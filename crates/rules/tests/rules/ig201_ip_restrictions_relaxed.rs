//! IG201 ip-restrictions-relaxed on the shared org fixtures, both formats.

use crate::common;
use crate::org;

use intguard_model::Severity;
use org::{Format, FORMATS};

#[test]
fn positive() {
    for f in FORMATS {
        org::assert_places(
            "IG201",
            f,
            true,
            &[
                ("md:connectedApps/Orders_Integration.connectedApp", 19),
                (
                    "md:extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy",
                    6,
                ),
            ],
        );
    }
}

#[test]
fn messages_and_severity() {
    let findings = common::run("IG201", &Format::Sfdx.fixture(true));
    assert!(findings.iter().all(|f| f.severity == Severity::High));
    let ca = &findings[0];
    assert!(
        ca.message.starts_with(
            "connected app Orders Integration (Orders_Integration) (used by int.mule@acme.com, int.orders@acme.com) relaxes IP restrictions (ipRelaxation BYPASS)"
        ),
        "{}",
        ca.message
    );
    assert!(ca.fix.contains("<ipRelaxation>ENFORCE</ipRelaxation>"));
    let eca = &findings[1];
    assert!(
        eca.message
            .contains("external client app Billing Sync (Billing_Sync)"),
        "{}",
        eca.message
    );
    assert!(eca
        .fix
        .contains("<ipRelaxationPolicyType>Enforce</ipRelaxationPolicyType>"));
    assert!(eca
        .related
        .iter()
        .any(|r| r.path.ends_with("Billing_Sync.eca-meta.xml")));
}

#[test]
fn negative() {
    for f in FORMATS {
        common::assert_clean("IG201", &f.fixture(false));
    }
}
