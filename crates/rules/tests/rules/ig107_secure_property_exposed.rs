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
            // What erp.password's value reads, `${ERP_PASSWORD}`: the value
            // Runtime Manager supplies.
            ("billing-api/src/main/resources/properties/prod.yaml", 3),
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
            .contains(r#""secureProperties": ["ERP_PASSWORD", "erp.password", "secure.key"]"#),
        "{}",
        erp.fix
    );
}

#[test]
fn negative() {
    common::assert_clean("IG107", "IG107/negative");
}

const VALUES: &str = "IG107/property-values";

/// A secret property whose value reads another property: that one is set in
/// Runtime Manager too, whether the definition is a property file entry or a
/// `<global-property>`; reported at the definition. A definition read by a
/// secret attribute counts even without a secret name (`sf.alias`); a plain
/// value reading a plain name does not (`sf.region`).
#[test]
fn references_in_property_values() {
    common::assert_places(
        "IG107",
        VALUES,
        &[
            ("alias-api/src/main/mule/global.xml", 11),
            ("alias-api/src/main/resources/config.yaml", 2),
            ("global-value-api/src/main/mule/global.xml", 7),
            // sfdc.token, read as #[p('sfdc.token')].
            ("yaml-value-api/src/main/mule/global.xml", 12),
            ("yaml-value-api/src/main/resources/config.yaml", 2),
        ],
    );
    let findings = common::run("IG107", VALUES);
    let deploy: Vec<_> = findings
        .iter()
        .filter(|f| f.fingerprint_key == "secure-property|sfdc.deploy.password")
        .collect();
    assert_eq!(deploy.len(), 2, "{deploy:#?}");
    let yaml = deploy
        .iter()
        .find(|f| f.location.path.ends_with("config.yaml"))
        .unwrap();
    assert_eq!((yaml.location.line, yaml.location.column), (2, 3));
    assert!(
        yaml.message.contains(
            "secret property `sfdc.deploy.password` (read as ${sfdc.deploy.password} by `sfdc.password` in config.yaml) is not listed in mule-artifact.json secureProperties"
        ),
        "{}",
        yaml.message
    );
    let global = deploy
        .iter()
        .find(|f| f.location.path.ends_with("global.xml"))
        .unwrap();
    assert!(
        global.message.contains(
            "(read as ${sfdc.deploy.password} by <global-property name=\"sfdc.password\">)"
        ),
        "{}",
        global.message
    );
    let base = common::finding_at(&findings, "alias-api/src/main/resources/config.yaml", 2);
    assert!(
        base.message
            .contains("`sf.base` (read as ${sf.base} by `sf.alias` in config.yaml)"),
        "{}",
        base.message
    );
}

/// The message quotes the reference as the XML writes it.
#[test]
fn dataweave_references_are_quoted_as_written() {
    let findings = common::run("IG107", VALUES);
    let token = findings
        .iter()
        .find(|f| f.fingerprint_key == "secure-property|sfdc.token")
        .expect("sfdc.token is reported");
    assert!(
        token.message.contains(
            "(read as #[p('sfdc.token')] by `securityToken` of <salesforce:basic-connection> `Salesforce_Config`)"
        ),
        "{}",
        token.message
    );
}

const NESTED: &str = "IG107/nested-names";

/// Found by testing as a user would: `${${mule.env}.sf.password}` (one file
/// holding every environment's values) was read as a property named
/// `${mule.env`, and the fix told to list `"${mule.env"` in
/// secureProperties. The names it reads are the keys it can name.
#[test]
fn a_nested_reference_names_the_properties_it_reads() {
    common::assert_places(
        "IG107",
        NESTED,
        &[
            ("sync-api/src/main/mule/global.xml", 11),
            ("sync-api/src/main/mule/global.xml", 11),
            ("sync-api/src/main/resources/config.yaml", 4),
            ("sync-api/src/main/resources/config.yaml", 8),
            ("sync-api/src/main/resources/config.yaml", 10),
        ],
    );
    let findings = common::run("IG107", NESTED);
    let keys: Vec<&str> = findings
        .iter()
        .filter(|f| f.location.path.ends_with("global.xml"))
        .map(|f| f.fingerprint_key.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "secure-property|dev.sf.password",
            "secure-property|prod.sf.password"
        ]
    );
    let line = r#""secureProperties": ["DEV_SF_PASSWORD", "PROD_SF_PASSWORD", "SF_PASSWORD", "dev.sf.password", "prod.sf.password"]"#;
    for f in &findings {
        assert!(f.fix.contains(line), "{}", f.fix);
        assert!(!f.message.contains("`${mule.env"), "{}", f.message);
    }
}

/// A YAML key written twice in one mapping keeps only its last value
/// (SnakeYAML): `sfdc:` written again replaces `sfdc.password:
/// "${OLD_SFDC_PASSWORD}"` and `sfdc.token: "${SFDC_TOKEN}"`. What the
/// unread first value reads is not set in Runtime Manager for Mule, so it
/// is not reported, and `sfdc.password`'s related locations give the read
/// definition as where it is defined and the unread one as not read.
#[test]
fn a_definition_mule_does_not_read_is_not_where_the_value_comes_from() {
    const UNREAD: &str = "IG107/unread-definitions";
    common::assert_places(
        "IG107",
        UNREAD,
        &[
            ("dup-key-api/src/main/mule/global.xml", 10),
            ("dup-key-api/src/main/resources/config.yaml", 7),
        ],
    );
    let findings = common::run("IG107", UNREAD);
    let pw = findings
        .iter()
        .find(|f| f.fingerprint_key == "secure-property|sfdc.password")
        .unwrap();
    let at = |line: u32| {
        pw.related
            .iter()
            .find(|r| r.path.ends_with("config.yaml") && r.line == line)
            .unwrap_or_else(|| panic!("line {line}: {:#?}", pw.related))
    };
    assert!(
        at(7)
            .message
            .starts_with("`sfdc.password` defined in config.yaml"),
        "{:#?}",
        pw.related
    );
    let unread = &at(2).message;
    assert!(
        !unread.contains("defined in") && unread.contains("Mule does not read it"),
        "{unread}"
    );
    assert!(
        !pw.fix.contains("OLD_SFDC_PASSWORD") && !pw.fix.contains("SFDC_TOKEN"),
        "{}",
        pw.fix
    );
}

const CLAIMS_M3: &str = "claims-m3/src/main/app/global.xml";

/// Mule 3 apps declare the properties CloudHub hides in the
/// `secure.properties` entry of `mule-app.properties` (a comma-separated
/// list: mulesoft/mule-migration-assistant SetSecureProperties turns it into
/// Mule 4's `secureProperties`). An app that declares one deploys where they
/// are hidden: its secret properties missing from the list are reported (the
/// secure-property-placeholder key, a `${proxy.password}`), not those listed
/// nor those its encrypted secure-property-placeholder file defines
/// (`sfdc.token`). An app without the entry (on premises, ledger-m3) is not
/// checked: nothing in its repository says Runtime Manager shows its
/// properties.
#[test]
fn mule3_secure_properties_of_mule_app_properties() {
    common::assert_places("IG107", "IG107/mule3", &[(CLAIMS_M3, 11), (CLAIMS_M3, 15)]);
    let findings = common::run("IG107", "IG107/mule3");
    let key = common::finding_at(&findings, CLAIMS_M3, 11);
    assert!(
        key.message.contains(
            "claims-m3: secret property `secure.key` (it holds the key of <secure-property-placeholder:config>"
        ) && key
            .message
            .contains("is not listed in the secure.properties entry of mule-app.properties"),
        "{}",
        key.message
    );
    let line = "secure.properties=sfdc.password, sfdc.username, proxy.password, secure.key";
    for f in &findings {
        assert!(
            f.fix.contains(line) && f.fix.contains("mule-app.properties"),
            "{}",
            f.fix
        );
        assert!(
            f.related.iter().any(|r| r
                .path
                .ends_with("claims-m3/src/main/app/mule-app.properties")
                && r.line == 2),
            "{:#?}",
            f.related
        );
        assert!(!f.message.contains("sfdc.token"), "{}", f.message);
        assert!(!f.message.contains("mule-artifact.json"), "{}", f.message);
    }
}

/// The encrypted value of the Mule 3 fixture's secure file never shows.
#[test]
fn mule3_no_fixture_secret_in_output() {
    common::assert_no_secrets("IG107/mule3", &["w9oKTqKTtvBuRUVbhQP/qw=="]);
}

/// A property file no `<configuration-properties>` or
/// `<secure-properties:config>` of the app loads (`legacy/old-config.yaml`)
/// is not where Mule reads a value: `sfdc.password`'s related locations
/// give the loaded `config.yaml` only, and `sfdc.token`, defined nowhere
/// else, names the unloaded file as not loaded, not as where it is
/// defined. What the unloaded file's values read (`${OLD_SFDC_PASSWORD}`)
/// is not reported.
#[test]
fn a_definition_in_a_file_no_import_loads_is_not_where_the_value_comes_from() {
    const UNLOADED: &str = "IG107/unloaded-files";
    common::assert_places(
        "IG107",
        UNLOADED,
        &[
            ("stray-api/src/main/mule/global.xml", 10),
            ("stray-api/src/main/mule/global.xml", 11),
            ("stray-api/src/main/resources/config.yaml", 4),
        ],
    );
    let findings = common::run("IG107", UNLOADED);
    let by_key = |name: &str| {
        findings
            .iter()
            .find(|f| f.fingerprint_key == format!("secure-property|{name}"))
            .unwrap_or_else(|| panic!("{name}: {findings:#?}"))
    };
    let pw = by_key("sfdc.password");
    assert!(
        pw.related
            .iter()
            .any(|r| r.path.ends_with("resources/config.yaml")
                && r.line == 4
                && r.message
                    .starts_with("`sfdc.password` defined in config.yaml")),
        "{:#?}",
        pw.related
    );
    assert!(
        !pw.related
            .iter()
            .any(|r| r.path.ends_with("old-config.yaml")),
        "{:#?}",
        pw.related
    );
    let token = by_key("sfdc.token");
    let stray: Vec<_> = token
        .related
        .iter()
        .filter(|r| r.path.ends_with("legacy/old-config.yaml"))
        .collect();
    assert_eq!(stray.len(), 1, "{:#?}", token.related);
    assert_eq!(stray[0].line, 3);
    assert!(
        !stray[0].message.contains("defined in")
            && stray[0].message.contains("old-config.yaml, which no")
            && stray[0].message.contains("Mule does not read it"),
        "{}",
        stray[0].message
    );
    assert!(
        !findings
            .iter()
            .any(|f| f.message.contains("OLD_SFDC_PASSWORD")),
        "{findings:#?}"
    );
}

/// A property named like a token that holds the token endpoint a
/// `tokenEndpoint` reads (`sf.token`) is no secret to protect; the store
/// password given at deploy time is.
#[test]
fn a_token_endpoint_read_by_its_attribute_is_not_asked_for() {
    common::assert_places(
        "IG107",
        "IG102/token-endpoint",
        &[("auth-sapi/src/main/resources/config.yaml", 6)],
    );
}
