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
    let at = |path: &str, line: u32| {
        findings
            .iter()
            .find(|f| f.location.path.ends_with(path) && f.location.line == line)
            .unwrap()
    };
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
    let legacy = at("legacy-sync/src/main/app/global.xml", 14);
    assert!(legacy.message.contains("Mule 3"), "{}", legacy.message);
}

#[test]
fn no_fixture_secret_in_output() {
    assert_no_secrets("IG206/positive", &[]);
}

/// No finding's message, fix, identity or related entry holds a secret value
/// the readers saw, nor the fixture's own secrets.
fn assert_no_secrets(rel: &str, extra: &[&str]) {
    let rule = rel.split('/').next().unwrap();
    let findings = common::run(rule, rel);
    let mut secrets: Vec<String> = common::inventory(rel)
        .known_secrets()
        .into_iter()
        .filter(|s| s.len() >= 6 && !intguard_model::vocab::is_placeholder_value(s))
        .collect();
    secrets.extend(extra.iter().map(|s| s.to_string()));
    assert!(!findings.is_empty());
    for f in &findings {
        let text = format!("{} {} {:?} {:?}", f.message, f.fix, f.related, f.identity);
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "secret {s:?} leaked in {text}");
        }
    }
}

#[test]
fn negative() {
    common::assert_clean("IG206", "IG206/negative");
}
