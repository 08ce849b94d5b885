//! IG301 admin-integration-user on an SFDX project whose integration user is a
//! System Administrator and whose connected app (consumer key and secret, no
//! certificate) pre-authorizes that profile. The identity graph cases are in
//! `identity_rules.rs` and `identity_rules_org.rs`.

use crate::common;

use intguard_model::Severity;

const DEF: &str = "salesforce/config/int-sync-user-def.json";
const APP: &str = "salesforce/force-app/main/default/connectedApps/Sync.connectedApp-meta.xml";

#[test]
fn positive() {
    common::assert_places("IG301", "IG301/positive", &[(DEF, 5), (APP, 15)]);
}

#[test]
fn negative() {
    common::assert_clean("IG301", "IG301/negative");
}

/// An app without a certificate or client credentials is still an
/// integration app when an integration user logs in through it.
#[test]
fn an_app_serving_an_integration_user_is_flagged_for_pre_authorizing_admins() {
    let findings = common::run("IG301", "IG301/positive");
    let app = findings
        .iter()
        .find(|f| f.location.path.ends_with("Sync.connectedApp-meta.xml"))
        .unwrap();
    assert_eq!(app.severity, Severity::Critical);
    assert_eq!(app.identity.as_deref(), Some("int.sync@acme.com"));
    assert_eq!(
        app.message,
        "connected app Sync pre-authorizes the System Administrator profile (held by int.sync@acme.com): every administrator may obtain API tokens through this integration app; the integration user it serves is itself an administrator"
    );
    assert!(app.fix.contains("<permissionSetName>"), "{}", app.fix);
}

/// A user that reaches the app through a permission set, on a custom
/// profile, is not named as holding System Administrator; the app's
/// certificate lets a token be minted for any administrator.
#[test]
fn a_user_on_another_profile_is_not_named_as_an_admin() {
    let findings = common::run("IG301", "IG301/held-through-permission-set");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = common::finding_at(&findings, "Orders_SAPI.connectedApp-meta.xml", 17);
    assert_eq!(f.identity, None);
    assert_eq!(
        f.message,
        "connected app Orders SAPI (Orders_SAPI) pre-authorizes the System Administrator profile (no integration user intguard knows of holds it): whoever holds its certificate's private key can obtain a token as any administrator (JWT bearer flow)"
    );
}

/// An External Client App whose only flow is client credentials runs as its
/// run-as user (on an integration profile here), not as any administrator.
#[test]
fn client_credentials_run_as_their_one_user() {
    let findings = common::run("IG301", "IG301/eca-client-credentials");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = common::finding_at(&findings, "Billing_ECA_oauthPlcy.ecaOauthPlcy-meta.xml", 5);
    assert_eq!(f.identity, None);
    assert_eq!(
        f.message,
        "external client app Billing ECA (Billing_ECA) pre-authorizes the System Administrator profile (no integration user intguard knows of holds it): every administrator may obtain API tokens through this integration app; its client credentials flow runs as int.billing@acme.com alone, whatever profiles the app pre-authorizes"
    );
}

/// A client credentials flow whose run-as user holds System Administrator
/// runs as that administrator, named once.
#[test]
fn client_credentials_running_as_an_administrator_name_it() {
    let findings = common::run("IG301", "IG301/client-credentials-admin");
    let f = common::finding_at(&findings, "Nightly_Export.connectedApp-meta.xml", 17);
    assert_eq!(f.identity.as_deref(), Some("int.cc@acme.com"));
    assert_eq!(
        f.message,
        "connected app Nightly Export (Nightly_Export) pre-authorizes the System Administrator profile (held by int.cc@acme.com): every administrator may obtain API tokens through this integration app; its client credentials flow runs as the administrator int.cc@acme.com"
    );
}

/// A user only intguard.toml names (an ETL tool's, no Mule app, no user
/// definition, the Admin profile in no file of the scan) with the System
/// Administrator profile is reported at the config line that says so: it
/// had no other place to be cited, and was dropped.
#[test]
fn a_config_only_admin_user_is_reported_at_its_config_line() {
    use intguard_model::{IdentityHint, Inventory, Location};
    let mut inv = Inventory::default();
    let at = Location::new("intguard.toml", 4, 11);
    inv.identity_hints.push(IdentityHint {
        username: "etl@acme.com".into(),
        system: Some("Informatica ETL".into()),
        profile: Some("System Administrator".into()),
        profile_at: Some(at.clone()),
        ..Default::default()
    });
    inv.build_identities();
    let rule = intguard_rules::find_rule("IG301").unwrap();
    let findings = rule.run(&inv);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].location, at);
    assert!(
        findings[0]
            .message
            .starts_with("integration user etl@acme.com is a System Administrator"),
        "{}",
        findings[0].message
    );
}
