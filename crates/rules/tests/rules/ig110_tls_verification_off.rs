//! IG110 tls-verification-off on a Mule 4 fixture: global and nested TLS
//! contexts, properties resolved per environment.

use crate::common;

use intguard_model::Severity;

const G: &str = "orders-sapi/src/main/mule/global.xml";

#[test]
fn positive() {
    common::assert_places(
        "IG110",
        "IG110/positive",
        &[(G, 23), (G, 24), (G, 34), (G, 41), (G, 49)],
    );
}

#[test]
fn messages_name_users_and_environments() {
    let findings = common::run("IG110", "IG110/positive");
    assert!(findings.iter().all(|f| f.severity == Severity::High));
    let at = |line: u32| findings.iter().find(|f| f.location.line == line).unwrap();
    assert!(at(23).message.contains("TLSv1.1"), "{}", at(23).message);
    assert!(
        at(24).message.contains("ERP_Request_Config"),
        "{}",
        at(24).message
    );
    assert!(at(24).related.iter().any(|r| r.line == 28));
    // insecure only where the property says so.
    assert_eq!(at(34).environments, vec!["dev".to_string()]);
    assert!(at(34).message.contains("Shop_Request_Config"));
    // TLSv1 (exact token) in the Salesforce connection's own context.
    assert!(at(41).message.contains("TLSv1 "), "{}", at(41).message);
    assert!(!at(41).message.contains("TLSv1.2"), "{}", at(41).message);
    assert!(at(41).message.contains("Salesforce connection"));
    // A requester's trust store validates servers; a listener's, clients.
    assert!(
        at(24)
            .message
            .contains(": server certificates are not validated"),
        "{}",
        at(24).message
    );
    assert!(
        at(49)
            .message
            .contains(": client certificates are not validated")
            && at(49).message.contains("Partner_Listener"),
        "{}",
        at(49).message
    );
    assert!(
        at(49).fix.contains("issues your clients' certificates"),
        "{}",
        at(49).fix
    );
    assert!(
        at(24).fix.contains("the server's CA certificate"),
        "{}",
        at(24).fix
    );
}

#[test]
fn no_fixture_secret_in_output() {
    common::assert_no_secrets("IG110/positive", &[]);
}

#[test]
fn negative() {
    common::assert_clean("IG110", "IG110/negative");
}

/// Found by review: on a Mule 3 app the fix read the trust store's password
/// as `${secure::...}`, Mule 4's secure-properties syntax; Mule 3's
/// secure-property-placeholder decrypts `![...]` values read as `${name}`.
#[test]
fn mule3_fix_uses_mule3_property_syntax() {
    let findings = common::run("IG110", "IG110/mule3");
    let f = findings
        .iter()
        .find(|f| f.location.line == 18)
        .expect("the insecure trust store");
    assert!(!f.fix.contains("secure::"), "{}", f.fix);
    assert!(
        f.fix.contains("password=\"${tls.truststore.password}\""),
        "{}",
        f.fix
    );
    assert!(f.fix.contains("secure-property-placeholder"), "{}", f.fix);
}

/// A domain project's shared TLS context is used by every app of the
/// domain: found in Mule 4's `<domain:mule-domain>` and in Mule 3's
/// `<mule-domain>` alike (the domain itself was not read before).
#[test]
fn shared_tls_contexts_of_domain_projects() {
    const ACME: &str = "acme-domain/src/main/mule/mule-domain-config.xml";
    const LEGACY: &str = "legacy-domain/src/main/domain/mule-domain-config.xml";
    common::assert_places("IG110", "IG110/domain", &[(ACME, 24), (LEGACY, 14)]);
    let findings = common::run("IG110", "IG110/domain");
    let acme = common::finding_at(&findings, ACME, 24);
    assert!(acme.message.contains("Shared_TLS"), "{}", acme.message);
}

/// Found by testing as a user would: where `insecure` is a property
/// (`insecure="${shop.tls.insecure}"`, true in dev.yaml), the fix said to
/// remove insecure="true", which is written nowhere: it names the property
/// and the file that sets it.
#[test]
fn an_insecure_property_is_fixed_where_it_is_set() {
    let findings = common::run("IG110", "IG110/positive");
    let f = findings.iter().find(|f| f.location.line == 34).unwrap();
    assert!(
        f.fix.starts_with(
            "Set `shop.tls.insecure` to \"false\" in dev.yaml (or remove insecure=\"${shop.tls.insecure}\" from the tls:trust-store) and give the tls:trust-store the server's CA certificate"
        ),
        "{}",
        f.fix
    );
    // A literal insecure="true" is removed where it is written.
    let f = findings.iter().find(|f| f.location.line == 24).unwrap();
    assert!(
        f.fix.starts_with("Remove insecure=\"true\" and give"),
        "{}",
        f.fix
    );
}
