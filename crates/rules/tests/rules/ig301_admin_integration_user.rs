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
        "connected app Sync pre-authorizes the System Administrator profile (holders include int.sync@acme.com): every administrator may obtain API tokens through this integration app, and the integration itself runs as an administrator"
    );
    assert!(app.fix.contains("<permissionSetName>"), "{}", app.fix);
}
