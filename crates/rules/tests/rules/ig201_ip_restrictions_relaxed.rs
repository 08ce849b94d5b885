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

/// Found by testing as a user would: a connected app's `ipRelaxation`
/// changed from `ENFORCE_RELAXREFRESH` (medium, baselined) to `BYPASS`
/// (high) kept its fingerprint, so `--baseline` hid a new high finding and
/// the gate passed. And the medium one said "a leaked credential works
/// from any address", when only refreshed tokens escape the ranges.
#[test]
fn relaxation_tiers_have_their_own_fingerprints() {
    use intguard_model::{ConnectedApp, ConnectedAppOauth, Inventory, Located, Location};
    let run = |value: &str| {
        let at = Location::new("connectedApps/Ops.connectedApp-meta.xml", 15, 9);
        let mut inv = Inventory::default();
        inv.salesforce.connected_apps.push(ConnectedApp {
            name: "Ops".into(),
            label: None,
            contact_email: None,
            location: Location::new("connectedApps/Ops.connectedApp-meta.xml", 0, 0),
            oauth: Some(ConnectedAppOauth {
                ip_relaxation: Some(Located::new(value.into(), at)),
                ..Default::default()
            }),
            profile_names: Vec::new(),
            permission_set_names: Vec::new(),
            ip_ranges: Vec::new(),
            has_saml: false,
        });
        let f = intguard_rules::find_rule("IG201").unwrap().run(&inv);
        assert_eq!(f.len(), 1, "{f:#?}");
        f.into_iter().next().unwrap()
    };
    let refresh = run("ENFORCE_RELAXREFRESH");
    let bypass = run("BYPASS");
    assert_eq!(refresh.severity, Severity::Medium);
    assert_eq!(bypass.severity, Severity::High);
    assert_ne!(refresh.fingerprint_key, bypass.fingerprint_key);
    // Both high tiers are one problem: the same finding.
    assert_eq!(
        bypass.fingerprint_key,
        run("BYPASS_2FACTOR").fingerprint_key
    );
    assert!(
        refresh
            .message
            .ends_with("a leaked refresh token works from any address"),
        "{}",
        refresh.message
    );
    assert!(
        bypass
            .message
            .ends_with("a leaked credential works from any address"),
        "{}",
        bypass.message
    );
}
