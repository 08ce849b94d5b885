//! IG104 decryptable-secret on fixture trees read by the real readers. The
//! encrypted values come from `fixtures/IG104/make_values.py` (an independent
//! Python implementation of Mule's cipher) and the reference vectors.

mod common;

/// Keys and plaintexts of the fixtures: none may appear in any output.
const SECRETS: &[&str] = &[
    "1234567890123456",
    "12345678901234567890123456789012",
    "Acc0untsM3Key!42",
    "Pr0dT0kenValue77",
    "DevPassw0rd!",
    "some value to encrypt",
    "Muleman is here",
    "Billing-Pr0d-Pass",
    "C0nsumerS3cretXYZ",
    "AccountsM3Pass#1",
    "M3SecTokenABCDEF",
    "Unreachable-Pa55",
];

fn assert_no_secret(findings: &[intguard_model::Finding]) {
    for f in findings {
        let mut texts = vec![f.message.clone(), f.fix.clone()];
        texts.extend(f.related.iter().map(|r| r.message.clone()));
        texts.extend(f.identity.clone());
        for t in &texts {
            for s in SECRETS {
                assert!(!t.contains(s), "secret {s:?} in {t:?}");
            }
        }
    }
}

#[test]
fn positive() {
    common::assert_places(
        "IG104",
        "IG104/positive",
        &[
            // billing-api's own values, and orders-api's consumerSecret (encrypted
            // with the same key: a key committed in another app counts too).
            ("billing-api/src/main/mule/global.xml", 11),
            ("billing-api/src/main/mule/global.xml", 11),
            ("legacy-sync/src/main/mule/global.xml", 9),
            ("orders-api/src/main/resources/properties/dev.yaml", 6),
            ("scripts/run-accounts.sh", 5),
        ],
    );
}

#[test]
fn positive_names_the_exposed_properties_and_never_their_values() {
    let findings = common::run("IG104", "IG104/positive");
    assert_no_secret(&findings);
    let by = |app: &str, file: &str| {
        findings
            .iter()
            .find(|f| f.message.starts_with(&format!("{app}:")) && f.location.path.ends_with(file))
            .unwrap_or_else(|| panic!("no finding for {app} at {file}: {findings:#?}"))
    };
    let orders = by("orders-api", "dev.yaml");
    assert!(
        orders
            .message
            .contains("prod-secure.yaml: sfdc.password, sfdc.token")
            && orders.message.contains("dev-secure.yaml: sfdc.password"),
        "{}",
        orders.message
    );
    assert!(
        !orders.message.contains("consumerSecret"),
        "another key's value: {}",
        orders.message
    );
    let foreign = by("orders-api", "global.xml");
    assert!(
        foreign.message.contains("of app billing-api")
            && foreign
                .message
                .ends_with("prod-secure.yaml: sfdc.consumerSecret"),
        "{}",
        foreign.message
    );
    assert_eq!(orders.related.len(), 3, "{:#?}", orders.related);
    assert_eq!(
        orders.identity.as_deref(),
        Some("int.orders.dev@acme.com (dev), int.orders@acme.com (prod)")
    );
    let legacy = by("legacy-sync", "global.xml");
    assert!(
        legacy
            .message
            .contains("secure.properties: legacy.ftp.password, legacy.api.secret"),
        "{}",
        legacy.message
    );
    assert!(legacy
        .message
        .contains("Blowfish/CBC/PKCS5Padding (fixed IV)"));
    let billing = by("billing-api", "global.xml");
    assert!(
        billing
            .message
            .contains("prod-secure.yaml: erp.password, sfdc.consumerSecret"),
        "{}",
        billing.message
    );
    assert!(billing.message.contains("(random IV)"));
    let accounts = by("accounts-m3", "run-accounts.sh");
    assert!(
        accounts
            .message
            .contains("secure.prod.properties: sfdc.password, sfdc.securityToken"),
        "{}",
        accounts.message
    );
    assert_eq!(accounts.identity.as_deref(), Some("int.accounts@acme.com"));
}

#[test]
fn negative() {
    common::assert_clean("IG104", "IG104/negative");
}
