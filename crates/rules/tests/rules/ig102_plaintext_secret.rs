//! IG102 plaintext-secret on fixture trees read by the real readers.

use crate::common;

/// The clear secrets of the positive fixture: none may appear in any output.
const SECRETS: &[&str] = &[
    "Kst0reP4ss!",
    "Erp-Pa55word-2024",
    "Prod-Tiger-2024",
    "aB3dE5fG7hJ9kL1mN3pQ",
    "OldSecret#99",
    "Sh3ll-Secret!",
    "M3-Literal-Pass",
    "M3TokenInClear00",
];

#[test]
fn positive() {
    common::assert_places(
        "IG102",
        "IG102/positive",
        &[
            // Literal attributes: a key-store keyPassword, an HTTP basic-auth password,
            // a Mule 3 sfdc:config password.
            ("orders-api/src/main/mule/global.xml", 22),
            ("orders-api/src/main/mule/global.xml", 28),
            ("accounts-m3/src/main/app/accounts.xml", 12),
            // Property files: prod, a clear value in a secure file, a file nobody loads,
            // a Mule 3 environment file.
            ("orders-api/src/main/resources/properties/prod.yaml", 5),
            (
                "orders-api/src/main/resources/properties/prod-secure.yaml",
                2,
            ),
            ("orders-api/src/main/resources/old-config.properties", 3),
            ("accounts-m3/src/main/resources/mule.prod.properties", 2),
            // A script outside the apps.
            ("scripts/smoke-test.sh", 4),
        ],
    );
}

#[test]
fn positive_links_both_ends_names_the_user_and_hides_values() {
    let findings = common::run("IG102", "IG102/positive");
    for f in &findings {
        let mut texts = vec![f.message.clone(), f.fix.clone()];
        texts.extend(f.related.iter().map(|r| r.message.clone()));
        for t in &texts {
            for s in SECRETS {
                assert!(!t.contains(s), "secret {s:?} in {t:?}");
            }
        }
    }
    let at = |file: &str, line: u32| {
        findings
            .iter()
            .find(|f| f.location.path.ends_with(file) && f.location.line == line)
            .unwrap_or_else(|| panic!("no finding at {file}:{line}"))
    };
    let prod = at("properties/prod.yaml", 5);
    assert_eq!(prod.environments, vec!["prod".to_string()]);
    assert_eq!(prod.identity.as_deref(), Some("int.orders@acme.com"));
    assert!(
        prod.message.contains("`sfdc.password` in prod.yaml (prod)"),
        "{}",
        prod.message
    );
    assert!(prod.message.contains("Pr…(15) sha256:"), "{}", prod.message);
    assert!(
        prod.related
            .iter()
            .any(|r| r.path.ends_with("global.xml") && r.line == 16),
        "the XML end: {:#?}",
        prod.related
    );
    let token = at("prod-secure.yaml", 2);
    assert!(
        token
            .message
            .contains("is not encrypted, although the file is a secure-properties file"),
        "{}",
        token.message
    );
    assert!(
        token.related.iter().any(|r| r.line == 17),
        "{:#?}",
        token.related
    );
    let old = at("old-config.properties", 3);
    assert!(
        old.message.contains("no configuration loads"),
        "{}",
        old.message
    );
    let m3 = at("accounts.xml", 12);
    assert_eq!(m3.identity.as_deref(), Some("int.accounts@acme.com"));
    let m3_token = at("mule.prod.properties", 2);
    assert_eq!(m3_token.identity.as_deref(), Some("int.accounts@acme.com"));
    assert!(m3_token
        .related
        .iter()
        .any(|r| r.path.ends_with("accounts.xml")));
}

#[test]
fn negative() {
    common::assert_clean("IG102", "IG102/negative");
}
