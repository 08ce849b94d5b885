//! IG206 no-mutual-tls (Mule side) on Mule 4 and Mule 3 fixtures.

use crate::common;

use intguard_model::Severity;

const G: &str = "orders-sapi/src/main/mule/global.xml";

#[test]
fn positive() {
    common::assert_places(
        "IG206",
        "IG206/positive",
        &[
            (G, 23),
            (G, 28),
            ("legacy-sync/src/main/app/global.xml", 14),
        ],
    );
}

#[test]
fn reasons_per_connection() {
    let findings = common::run("IG206", "IG206/positive");
    assert!(findings.iter().all(|f| f.severity == Severity::Medium));
    let at = |file: &str, line: u32| common::finding_at(&findings, file, line);
    let jwt = at(G, 23);
    assert!(
        jwt.message.contains("no client certificate"),
        "{}",
        jwt.message
    );
    assert!(
        jwt.message.contains("login.salesforce.com"),
        "{}",
        jwt.message
    );
    assert!(jwt.fix.contains("Enforce SSL/TLS Mutual Authentication"));
    assert!(jwt.fix.contains(":8443"));
    let bulk = at(G, 28);
    assert!(
        !bulk.message.contains("no client certificate"),
        "{}",
        bulk.message
    );
    assert_eq!(bulk.environments, vec!["prod".to_string()]);
    assert_eq!(
        bulk.identity.as_deref(),
        Some("int.orders.bulk@acme.com.uat (dev), int.orders.bulk@acme.com (prod)")
    );
    // The Mule 3 connector's configs take no TLS setting for the connection
    // (mule-migration-assistant's AbstractSalesforceConfigurationMigrationStep
    // maps every Mule 3 attribute: none is one); its JWT keyStore signs the
    // assertion. The message says so, and does not claim more.
    let legacy = at("legacy-sync/src/main/app/global.xml", 14);
    assert!(
        legacy.message.contains(
            "the Mule 3 Salesforce connector has no setting for a client certificate (its configs take no TLS context or key store for the connection)"
        ) && !legacy.message.contains("cannot present"),
        "{}",
        legacy.message
    );
    assert!(
        legacy.fix.starts_with("Migrate the integration to Mule 4")
            && legacy.fix.contains("javax.net.ssl.keyStore"),
        "{}",
        legacy.fix
    );
}

#[test]
fn no_fixture_secret_in_output() {
    common::assert_no_secrets("IG206/positive", &[]);
}

#[test]
fn negative() {
    common::assert_clean("IG206", "IG206/negative");
}

/// A connection without a client certificate lacks mutual TLS in every
/// environment, also where its token endpoint is already My Domain:8443.
#[test]
fn missing_certificate_counts_in_every_environment() {
    common::assert_places(
        "IG206",
        "IG206/per-env",
        &[("accounts-sapi/src/main/mule/global.xml", 12)],
    );
    let f = &common::run("IG206", "IG206/per-env")[0];
    assert!(f.message.contains("no client certificate"), "{}", f.message);
    assert!(
        f.message.contains("test.salesforce.com") && f.message.contains(" in dev"),
        "{}",
        f.message
    );
    let mut envs = f.environments.clone();
    envs.sort();
    assert_eq!(envs, vec!["dev".to_string(), "prod".to_string()]);
}

/// A connection whose user is not known (its username is set at deploy
/// time) still reads as a sentence.
#[test]
fn unknown_user_reads_properly() {
    let file = "orders-api/src/main/mule/global.xml";
    common::assert_places("IG206", "IG206/unknown-user", &[(file, 9)]);
    let f = &common::run("IG206", "IG206/unknown-user")[0];
    assert_eq!(f.identity, None);
    assert!(
        f.message.contains(
            "`Salesforce_Config` (salesforce:basic-connection) does not use mutual TLS for its integration user: it has no client certificate"
        ),
        "{}",
        f.message
    );
}

/// A username kept encrypted (`![...]`) is said to be so, not shown as the
/// user (see IG101's fixture).
#[test]
fn encrypted_usernames_are_not_named() {
    let findings = common::run("IG206", "IG101/encrypted-username");
    let at = |file: &str, line: u32| common::finding_at(&findings, file, line);
    let orders = at("orders-sapi/src/main/mule/global.xml", 18);
    assert!(
        orders
            .message
            .starts_with("orders-sapi `Salesforce_Config` (salesforce:basic-connection) does not use mutual TLS for integration user (an encrypted username): "),
        "{}",
        orders.message
    );
    assert_eq!(orders.identity, None);
    let legacy = at("legacy-sync/src/main/app/global.xml", 12);
    assert!(
        legacy.message.contains(
            "for integration user (int.legacy@acme.com.dev (dev), an encrypted username (prod)): "
        ),
        "{}",
        legacy.message
    );
    for f in &findings {
        let text = format!("{} {} {:?} {:?}", f.message, f.fix, f.related, f.identity);
        assert!(!text.contains("!["), "{text}");
    }
}

/// On a Mule domain's shared connection the fix's note on the properties
/// it reads names the domain, whose properties files must define them.
#[test]
fn a_domains_connection_fix_names_the_domain() {
    const D: &str = "acme-domain/src/main/mule/mule-domain-config.xml";
    let findings = common::run("IG206", "IG303/domain");
    let f = common::finding_at(&findings, D, 15);
    assert!(
        f.fix
            .contains("The domain defines none of sfdc.mtls.keystore.path"),
        "{}",
        f.fix
    );
    let app = common::finding_at(&findings, "billing-sapi/src/main/mule/billing.xml", 12);
    assert!(app.fix.contains("The app defines none of"), "{}", app.fix);
}

/// A metadata-only SFDX project: the integration user a user definition
/// creates has no Mule app among the paths, so the fix does not tell "its
/// apps" to call on port 8443 nor say their Mule connections are reported.
#[test]
fn metadata_only_fix_speaks_of_no_mule_app() {
    let findings = common::run("IG206", "IG206/metadata-only");
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert!(
        f.location
            .path
            .ends_with("config/int-warehouse-user-def.json"),
        "{}",
        f.location.path
    );
    assert_eq!(f.identity.as_deref(), Some("int.warehouse@acme.example"));
    assert!(!f.fix.contains("Mule"), "{}", f.fix);
    assert!(!f.fix.contains("its apps"), "{}", f.fix);
    assert!(
        f.fix
            .contains("have the integration that logs in as it call Salesforce on port 8443"),
        "{}",
        f.fix
    );
}
