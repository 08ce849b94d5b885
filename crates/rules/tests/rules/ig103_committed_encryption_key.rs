//! IG103 committed-encryption-key on fixture trees read by the real readers.

use crate::common;

/// The committed keys of the positive fixture: none may appear in any output.
const KEYS: &[&str] = &[
    "DevK3y-0123456789",
    "JvmK3y-0123456789",
    "PomK3y-0123456789",
    "Literal-K3y-123456",
    "GlobalPropK3y-12",
    "M3DevK3y-12345678",
    "CiK3yValue-123456",
];

#[test]
fn positive() {
    common::assert_places(
        "IG103",
        "IG103/positive",
        &[
            // `key="${encryption.key}"` defined in a property file, a -D option of
            // .mvn/jvm.config and a pom property.
            ("orders-api/src/main/resources/properties/dev.yaml", 4),
            ("orders-api/.mvn/jvm.config", 1),
            ("orders-api/pom.xml", 15),
            // A literal key attribute.
            ("legacy-api/src/main/mule/global.xml", 8),
            // A global-property.
            ("billing-api/src/main/mule/global.xml", 8),
            // Mule 3: secure-property-placeholder key in mule.dev.properties.
            ("accounts-m3/src/main/resources/mule.dev.properties", 2),
            // A CI variable outside every app.
            (".github/workflows/deploy.yml", 9),
        ],
    );
}

#[test]
fn positive_points_at_the_config_and_never_shows_the_key() {
    let findings = common::run("IG103", "IG103/positive");
    for f in &findings {
        let mut texts = vec![f.message.clone(), f.fix.clone()];
        texts.extend(f.related.iter().map(|r| r.message.clone()));
        for t in &texts {
            for k in KEYS {
                assert!(!t.contains(k), "key {k:?} in {t:?}");
            }
        }
    }
    let at = |file: &str| {
        findings
            .iter()
            .find(|f| f.location.path.ends_with(file))
            .unwrap_or_else(|| panic!("no finding in {file}"))
    };
    let dev = at("dev.yaml");
    assert_eq!(dev.environments, vec!["dev".to_string()]);
    assert!(
        dev.message.contains("`encryption.key` in dev.yaml (dev) is committed, the key of <secure-properties:config> `Secure_Props`"),
        "{}",
        dev.message
    );
    assert!(
        dev.message.contains("17 characters, sha256:"),
        "{}",
        dev.message
    );
    assert!(dev
        .related
        .iter()
        .any(|r| r.path.ends_with("global.xml") && r.line == 8));
    let jvm = at("jvm.config");
    assert!(
        jvm.message
            .starts_with("orders-api: `encryption.key` in jvm.config"),
        "{}",
        jvm.message
    );
    assert!(!jvm.related.is_empty());
    let literal = at("legacy-api/src/main/mule/global.xml");
    assert!(
        literal.message.contains("literal key attribute"),
        "{}",
        literal.message
    );
    let m3 = at("mule.dev.properties");
    assert!(
        m3.message
            .contains("<secure-property-placeholder:config> `Secure_Property_Placeholder`"),
        "{}",
        m3.message
    );
}

#[test]
fn negative() {
    common::assert_clean("IG103", "IG103/negative");
}

/// The Mule wrapper's `-M-D` options count like `-D`: a Studio launch
/// configuration's `vmArgs` and a start script (`mule -M-D... start`).
#[test]
fn mule_wrapper_options() {
    common::assert_places(
        "IG103",
        "IG104/mule-wrapper",
        &[
            ("launch-api/launch-api.launch", 4),
            ("script-api/run.sh", 3),
        ],
    );
    for f in common::run("IG103", "IG104/mule-wrapper") {
        assert!(
            f.message.contains("`mule.encryption.key`")
                && f.message
                    .contains("<secure-properties:config> `Secure_Props`"),
            "{}",
            f.message
        );
        for k in ["LaunchK3y-16byte", "ScriptK3y-16byte"] {
            assert!(!f.message.contains(k) && !f.fix.contains(k), "{f:#?}");
        }
    }
}
