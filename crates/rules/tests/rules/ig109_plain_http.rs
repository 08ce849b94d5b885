//! IG109 plain-http on real Mule 4 and Mule 3 fixture trees.

use crate::common;

use intguard_model::Severity;

const APP: &str = "orders-sapi/src/main/mule";
const LEGACY: &str = "legacy-sync/src/main/app/global.xml";

#[test]
fn positive() {
    common::assert_places(
        "IG109",
        "IG109/positive",
        &[
            ("orders-sapi/src/main/mule/global.xml", 24),
            ("orders-sapi/src/main/mule/global.xml", 28),
            ("orders-sapi/src/main/mule/global.xml", 33),
            ("orders-sapi/src/main/mule/global.xml", 41),
            ("orders-sapi/src/main/mule/orders.xml", 14),
            ("orders-sapi/src/main/mule/orders.xml", 15),
            ("orders-sapi/src/main/resources/properties/prod.yaml", 9),
            (LEGACY, 15),
            (LEGACY, 17),
        ],
    );
}

#[test]
fn severities_and_environments() {
    let findings = common::run("IG109", "IG109/positive");
    let at = |file: &str, line: u32| {
        findings
            .iter()
            .find(|f| f.location.path.ends_with(file) && f.location.line == line)
            .unwrap_or_else(|| panic!("no finding at {file}:{line}"))
    };
    // Salesforce token endpoint over http in dev only.
    let sfdc = at(&format!("{APP}/global.xml"), 28);
    assert_eq!(sfdc.severity, Severity::High);
    assert_eq!(sfdc.environments, vec!["dev".to_string()]);
    assert!(sfdc.message.contains("tokenEndpoint"), "{}", sfdc.message);
    assert!(sfdc
        .related
        .iter()
        .any(|r| r.path.ends_with("properties/dev.yaml") && r.line == 7));
    // Credential-bearing requester and token URL: high; the rest medium.
    assert_eq!(
        at(&format!("{APP}/global.xml"), 33).severity,
        Severity::High
    );
    assert_eq!(
        at(&format!("{APP}/orders.xml"), 14).severity,
        Severity::High
    );
    assert_eq!(
        at(&format!("{APP}/global.xml"), 24).severity,
        Severity::Medium
    );
    assert_eq!(
        at(&format!("{APP}/global.xml"), 41).severity,
        Severity::Medium
    );
    assert_eq!(
        at(&format!("{APP}/orders.xml"), 15).severity,
        Severity::Medium
    );
    assert_eq!(at("properties/prod.yaml", 9).severity, Severity::High);
    // Mule 3 SOAP login URL over http.
    let legacy = at(LEGACY, 17);
    assert_eq!(legacy.severity, Severity::High);
    assert!(legacy.message.contains("legacy-sync"));
}

#[test]
fn fingerprint_keys_are_unique_per_file() {
    let findings = common::run("IG109", "IG109/positive");
    let mut keys: Vec<(String, String)> = findings
        .iter()
        .map(|f| (f.location.path.to_string(), f.fingerprint_key.clone()))
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "{keys:#?}");
}

#[test]
fn no_fixture_secret_in_output() {
    common::assert_no_secrets(
        "IG109/positive",
        &["Tok3nFixture2024", "L3gacyFixture!2024"],
    );
}

#[test]
fn negative() {
    common::assert_clean("IG109", "IG109/negative");
}

/// Found by review: the Mule 3 listener's fix read the key store's passwords
/// as `${secure::...}` (Mule 4 only).
#[test]
fn mule3_fix_uses_mule3_property_syntax() {
    let findings = common::run("IG109", "IG110/mule3");
    let f = findings
        .iter()
        .find(|f| f.location.line == 14)
        .expect("the plain HTTP listener");
    assert!(!f.fix.contains("secure::"), "{}", f.fix);
    assert!(
        f.fix.contains("password=\"${tls.keystore.password}\""),
        "{}",
        f.fix
    );
}
