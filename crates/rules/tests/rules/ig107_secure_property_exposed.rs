//! IG107 secure-property-exposed on fixture trees read by the real readers.

use crate::common;

#[test]
fn positive() {
    common::assert_places(
        "IG107",
        "IG107/positive",
        &[
            // The key property of the secure-properties config (key="${secure.key}"),
            // at the key attribute.
            ("billing-api/src/main/mule/global.xml", 10),
            // A password read as a plain ${erp.password}, set in Runtime Manager.
            ("billing-api/src/main/mule/global.xml", 17),
            ("orders-api/src/main/mule/global.xml", 10),
            ("orders-api/src/main/mule/global.xml", 29),
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
    assert_eq!(orders.len(), 2);
    // ${secure::...} reads (sfdc.consumerKey, sfdc.keystorePassword) come from the
    // encrypted file, not from Runtime Manager: not reported, not in the fix.
    let line = r#""secureProperties": ["anypoint.platform.client_secret", "encryption.key", "erp.password"]"#;
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
    let billing: Vec<_> = findings
        .iter()
        .filter(|f| f.message.starts_with("billing-api:"))
        .collect();
    let erp = billing
        .iter()
        .find(|f| f.message.contains("`erp.password`"))
        .unwrap();
    assert!(
        erp.message
            .contains("mule-artifact.json has no secureProperties"),
        "{}",
        erp.message
    );
    assert!(
        erp.message
            .contains("read as ${erp.password} by `password` of <http:basic-authentication>"),
        "{}",
        erp.message
    );
    assert!(
        erp.related.iter().any(|r| r.path.ends_with("prod.yaml")),
        "the definition: {:#?}",
        erp.related
    );
    assert!(
        erp.fix
            .contains(r#""secureProperties": ["erp.password", "secure.key"]"#),
        "{}",
        erp.fix
    );
}

#[test]
fn negative() {
    common::assert_clean("IG107", "IG107/negative");
}
