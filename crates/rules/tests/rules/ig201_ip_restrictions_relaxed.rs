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
                // A trusted IP range of the whole IPv4 internet.
                ("md:connectedApps/Legacy_Data_Loader.connectedApp", 5),
                ("md:connectedApps/Orders_Integration.connectedApp", 19),
                (
                    "md:extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy",
                    6,
                ),
                // A trusted IP range of the whole IPv6 internet.
                ("md:extlClntAppOauthSettings/Billing_Sync_oauth.ecaOauth", 6),
            ],
        );
    }
}

#[test]
fn messages_and_severity() {
    let findings = common::run("IG201", &Format::Sfdx.fixture(true));
    let relaxed: Vec<_> = findings
        .iter()
        .filter(|f| f.message.contains("ipRelaxation"))
        .collect();
    assert_eq!(relaxed.len(), 2);
    assert!(relaxed.iter().all(|f| f.severity == Severity::High));
    let ca = relaxed[0];
    assert!(
        ca.message.starts_with(
            "connected app Orders Integration (Orders_Integration) (used by int.mule@acme.com, int.orders@acme.com) relaxes IP restrictions (ipRelaxation BYPASS)"
        ),
        "{}",
        ca.message
    );
    assert!(ca.fix.contains("<ipRelaxation>ENFORCE</ipRelaxation>"));
    let eca = relaxed[1];
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

/// A trusted IP range wider than a /8 (IPv4) or a /32 (IPv6) is medium,
/// named with its ends; the negative fixture's CloudHub /28 ranges are not
/// reported (see `negative`).
#[test]
fn wide_trusted_ip_ranges() {
    let findings = common::run("IG201", &Format::Sfdx.fixture(true));
    let wide: Vec<_> = findings
        .iter()
        .filter(|f| f.message.contains("skip identity verification"))
        .collect();
    assert_eq!(wide.len(), 2);
    assert!(wide.iter().all(|f| f.severity == Severity::Medium));
    assert!(
        wide[0].message.starts_with(
            "connected app Legacy Data Loader (Legacy_Data_Loader) (used by int.mule@acme.com) trusts 0.0.0.0-255.255.255.255 (ipRanges, wider than a /8)"
        ),
        "{}",
        wide[0].message
    );
    assert!(wide[0]
        .fix
        .contains("Legacy_Data_Loader.connectedApp-meta.xml"));
    assert!(
        wide[1].message.contains(
            "external client app Billing Sync (Billing_Sync)"
        ) && wide[1]
            .message
            .contains("trusts ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff (trustedIpRanges, wider than a /32)"),
        "{}",
        wide[1].message
    );
    assert!(wide[1].fix.contains("<trustedIpRanges>"));
}

#[test]
fn negative() {
    for f in FORMATS {
        common::assert_clean("IG201", &f.fixture(false));
    }
}
