//! IG107 secure-property-exposed on fixture trees read by the real readers.

mod common;

#[test]
fn positive() {
    common::assert_places(
        "IG107",
        "IG107/positive",
        &[
            // The key property of the secure-properties config (key="${secure.key}").
            ("billing-api/src/main/mule/global.xml", 9),
            // A secret-named property, at its definition.
            (
                "billing-api/src/main/resources/properties/prod-secure.yaml",
                2,
            ),
            ("orders-api/src/main/mule/global.xml", 10),
            // Read as ${secure::sfdc.consumerKey}: at the reference.
            ("orders-api/src/main/mule/global.xml", 16),
            (
                "orders-api/src/main/resources/properties/prod-secure.yaml",
                3,
            ),
        ],
    );
}

#[test]
fn positive_fix_gives_the_json_line_and_points_at_the_descriptor() {
    let findings = common::run("IG107", "IG107/positive");
    let orders: Vec<_> = findings
        .iter()
        .filter(|f| f.message.starts_with("orders-api:"))
        .collect();
    assert_eq!(orders.len(), 3);
    let line = r#""secureProperties": ["anypoint.platform.client_secret", "encryption.key", "sfdc.consumerKey", "sfdc.keystorePassword"]"#;
    for f in &orders {
        assert!(f.fix.contains(line), "{}", f.fix);
        assert!(
            f.related
                .iter()
                .any(|r| r.path.ends_with("orders-api/mule-artifact.json")),
            "{:#?}",
            f.related
        );
        assert!(!f.message.contains("mock.password"));
    }
    let keystore = orders
        .iter()
        .find(|f| f.message.contains("`sfdc.keystorePassword`"))
        .unwrap();
    assert_eq!(keystore.identity.as_deref(), Some("int.orders@acme.com"));
    assert!(
        keystore.related.iter().any(|r| r.line == 18),
        "the reference: {:#?}",
        keystore.related
    );
    let billing = findings
        .iter()
        .find(|f| f.message.starts_with("billing-api:"))
        .unwrap();
    assert!(
        billing
            .message
            .contains("mule-artifact.json has no secureProperties"),
        "{}",
        billing.message
    );
    assert!(
        billing
            .fix
            .contains(r#""secureProperties": ["erp.password", "secure.key"]"#),
        "{}",
        billing.fix
    );
}

#[test]
fn negative() {
    common::assert_clean("IG107", "IG107/negative");
}
