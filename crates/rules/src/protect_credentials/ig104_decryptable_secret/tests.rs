use super::finding::change_where_issued;
use super::*;
use crate::support::file_name;
use crate::support::testkit::{app, conn, loc, props, val};
use intguard_model::{
    Assignment, AuthClass, GlobalProperty, PropertyEntry, PropertyFile, SecurePropertiesConfig,
    TextFileFacts,
};
use mule_secure_props::{Algorithm, Mode};

const XML: &str = "orders/src/main/mule/global.xml";
const AES_KEY: &str = "1234567890123456";

fn config(key: &str, algorithm: Option<&str>, random: Option<&str>) -> SecurePropertiesConfig {
    SecurePropertiesConfig {
        name: Some("Secure_Props".into()),
        element: "secure-properties:config".into(),
        location: loc(XML, 7),
        key: Some(val(key, XML, 7)),
        file: Some(val("properties/${mule.env}-secure.yaml", XML, 7).into()),
        algorithm: algorithm.map(|a| Box::new(val(a, XML, 8))),
        mode: None,
        use_random_ivs: random.map(|r| Box::new(val(r, XML, 8))),
    }
}

fn orders(config: SecurePropertiesConfig, secure: Vec<PropertyFile>) -> MuleApp {
    let mut a = app("orders", &["dev", "prod"]);
    a.secure_property_configs = vec![config];
    a.salesforce_connections = vec![conn(
        "Salesforce_Config",
        "salesforce:basic-connection",
        AuthClass::Password,
        XML,
        12,
        &[
            ("username", "${sfdc.username}"),
            ("password", "${secure::sfdc.password}"),
        ],
    )];
    a.property_files = vec![props(
        "orders/src/main/resources/properties/dev.yaml",
        Some("dev"),
        false,
        &[
            ("sfdc.username", "int.orders@acme.com"),
            ("encryption.key", AES_KEY),
        ],
    )]
    .into();
    a.property_files.extend(secure);
    a
}

fn secured(env: &str, entries: &[(&str, &str)]) -> PropertyFile {
    props(
        &format!("orders/src/main/resources/properties/{env}-secure.yaml"),
        Some(env),
        true,
        entries,
    )
}

#[test]
fn reference_vectors_decrypt_and_are_named_not_shown() {
    let aes = Cipher::default();
    let random_iv = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    let a = orders(
        config("${encryption.key}", None, None),
        vec![
            secured(
                "prod",
                &[
                    ("sfdc.password", "![w9oKTqKTtvBuRUVbhQP/qw==]"),
                    (
                        "sfdc.token",
                        &format!(
                            "![{}]",
                            aes.encrypt(AES_KEY.as_bytes(), b"Tok3nValue").unwrap()
                        ),
                    ),
                    // Encrypted with another key, or not valid text: not decrypted.
                    ("sfdc.other", "![hvviuvvOu8EADgdrFqCeXA==]"),
                    (
                        "sfdc.binary",
                        &format!(
                            "![{}]",
                            aes.encrypt(AES_KEY.as_bytes(), &[0xff, 0xfe, 0x01])
                                .unwrap()
                        ),
                    ),
                    // A random-IV value of another config does not decrypt with fixed IVs.
                    (
                        "sfdc.rand",
                        &format!(
                            "![{}]",
                            random_iv.encrypt(AES_KEY.as_bytes(), b"Random1!").unwrap()
                        ),
                    ),
                ],
            ),
            secured("dev", &[("sfdc.password", "![w9oKTqKTtvBuRUVbhQP/qw==]")]),
        ],
    );
    let inv = Inventory {
        apps: vec![a],
        ..Default::default()
    };
    let mut f = DecryptableSecret.check(&inv);
    f.sort_by(|a, b| a.location.cmp(&b.location));
    // One finding per decrypted value, at the value's key line.
    let places: Vec<(&str, u32, &str)> = f
        .iter()
        .map(|f| {
            (
                file_name(&f.location.path),
                f.location.line,
                f.fingerprint_key_before_value
                    .as_deref()
                    .unwrap_or_default(),
            )
        })
        .collect();
    // The key names the value, then its digest (a rotated one is new).
    for f in &f {
        let before = f.fingerprint_key_before_value.as_deref().unwrap();
        assert!(
            f.fingerprint_key.starts_with(&format!("{before}|")),
            "{}",
            f.fingerprint_key
        );
    }
    assert_eq!(
        places,
        vec![
            (
                "dev-secure.yaml",
                1,
                "decrypt|dev-secure.yaml|sfdc.password"
            ),
            (
                "prod-secure.yaml",
                1,
                "decrypt|prod-secure.yaml|sfdc.password"
            ),
            ("prod-secure.yaml", 2, "decrypt|prod-secure.yaml|sfdc.token"),
        ],
        "{f:#?}"
    );
    let token = &f[2];
    assert!(
        token
            .message
            .starts_with("orders: `sfdc.token` in prod-secure.yaml (prod) decrypts"),
        "{}",
        token.message
    );
    assert!(
        token.message.contains("`encryption.key` in dev.yaml (dev)"),
        "{}",
        token.message
    );
    assert!(token.message.contains("AES/CBC/PKCS5Padding (fixed IV)"));
    // The key's definition, then the config.
    let related: Vec<(&str, u32)> = token
        .related
        .iter()
        .map(|r| (file_name(&r.path), r.line))
        .collect();
    assert_eq!(related, vec![("dev.yaml", 2), ("global.xml", 7)]);
    // The connection reads sfdc.password, not sfdc.token.
    assert_eq!(f[1].identity.as_deref(), Some("int.orders@acme.com"));
    assert_eq!(token.identity, None);
    assert_eq!(token.environments, vec!["prod".to_string()]);
    assert_eq!(f[0].environments, vec!["dev".to_string()]);
    for f in &f {
        let mut texts = vec![f.message.as_str(), f.fix.as_str()];
        texts.extend(f.related.iter().map(|r| r.message.as_str()));
        for text in texts {
            for secret in [AES_KEY, "1234", "Tok3nValue"] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }
    }
}

#[test]
fn blowfish_literal_key_and_random_ivs() {
    let random = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    let value = random.encrypt(AES_KEY.as_bytes(), b"S3cret!").unwrap();
    let mut a = orders(
        config(AES_KEY, None, Some("true")),
        vec![secured(
            "prod",
            &[("sfdc.password", &format!("![{value}]"))],
        )],
    );
    let mut bf = config("mulesoft", Some("Blowfish"), None);
    bf.name = Some("Legacy_Props".into());
    bf.location = loc(XML, 20);
    bf.key = Some(val("mulesoft", XML, 20));
    a.secure_property_configs.push(bf);
    a.property_files.push(props(
        "orders/src/main/resources/legacy.properties",
        None,
        true,
        &[
            ("legacy.secret", "![8q5e1+jy0cND2iV2WPThahmz6XsDwB6Z]"),
            ("legacy.pw", "![qCReIPK3jcqD7WR84ISSIQ==]"),
        ],
    ));
    let inv = Inventory {
        apps: vec![a],
        ..Default::default()
    };
    let mut f = DecryptableSecret.check(&inv);
    f.sort_by(|a, b| a.location.cmp(&b.location));
    let places: Vec<_> = f
        .iter()
        .map(|f| (file_name(&f.location.path), f.location.line))
        .collect();
    assert_eq!(
        places,
        vec![
            ("legacy.properties", 1),
            ("legacy.properties", 2),
            ("prod-secure.yaml", 1)
        ],
        "{f:#?}"
    );
    assert!(f[2]
        .message
        .contains("`sfdc.password` in prod-secure.yaml (prod)"));
    assert!(f[2].message.contains("random IV"));
    assert_eq!(f[2].related[0].line, 7, "the literal key");
    for (f, name) in f[..2].iter().zip(["legacy.secret", "legacy.pw"]) {
        assert!(
            f.message
                .contains(&format!("`{name}` in legacy.properties decrypts")),
            "{}",
            f.message
        );
        assert!(f.message.contains("Blowfish/CBC"));
        assert!(f.message.contains("`Legacy_Props`"));
        assert_eq!(f.related[0].line, 20, "the literal key");
        assert!(f.environments.is_empty());
    }
}

/// A leaked password or token is the Salesforce user's to reset only
/// when a Salesforce connection reads it; another system's is changed
/// there.
#[test]
fn a_leaked_password_is_changed_where_it_logs_in() {
    assert_eq!(
        change_where_issued("sfdc.password", Some("int.orders@acme.com")),
        "reset the password of int.orders@acme.com"
    );
    assert_eq!(
        change_where_issued("sfdc.securityToken", Some("int.orders@acme.com")),
        "reset the security token of int.orders@acme.com"
    );
    assert_eq!(
        change_where_issued("erp.password", None),
        "change the password in the system it logs in to"
    );
    assert_eq!(
        change_where_issued("erp.token", None),
        "revoke the token at its issuer and issue a new one"
    );
    assert!(change_where_issued("tls.keystore.password", None).starts_with("issue a new keystore"));
    assert!(change_where_issued("sfdc.consumerSecret", None).starts_with("regenerate the secret"));
}

/// Mule 3's secure-property-placeholder has no random IVs: the fix
/// moves a Blowfish config to AES/CBC and asks for no random IVs.
#[test]
fn mule3_fix_asks_for_no_random_ivs() {
    let mut bf = config("mulesoft", Some("Blowfish"), None);
    bf.element = "secure-property-placeholder:config".into();
    let a = orders(
        bf,
        vec![secured(
            "prod",
            &[("sfdc.password", "![qCReIPK3jcqD7WR84ISSIQ==]")],
        )],
    );
    let inv = Inventory {
        apps: vec![a],
        ..Default::default()
    };
    let f = DecryptableSecret.check(&inv);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].fix.contains("values under it with AES/CBC, setting"),
        "{}",
        f[0].fix
    );
    assert!(!f[0].fix.contains("random"), "{}", f[0].fix);
}

#[test]
fn keys_from_global_properties_and_scripts_are_tried() {
    let mut a = orders(
        config("${secure.key}", None, None),
        vec![secured(
            "prod",
            &[("sfdc.password", "![w9oKTqKTtvBuRUVbhQP/qw==]")],
        )],
    );
    a.property_files[0]
        .entries
        .retain(|e| e.key() != "encryption.key");
    a.global_properties = vec![GlobalProperty {
        name: "http.port".into(),
        value: val("8081", XML, 3),
        location: loc(XML, 3),
    }]
    .into();
    let inv = Inventory {
        apps: vec![a],
        text_files: vec![TextFileFacts {
            path: "ci/deploy.sh".into(),
            assignments: vec![Assignment {
                form: Default::default(),
                name: "MULE_ENCRYPTION_KEY".into(),
                value: AES_KEY.into(),
                secret: true,
                location: loc("ci/deploy.sh", 4),
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let f = DecryptableSecret.check(&inv);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].location.path.as_str(), f[0].location.line),
        ("orders/src/main/resources/properties/prod-secure.yaml", 1)
    );
    assert_eq!(f[0].related[0].path, "ci/deploy.sh");
    assert!(
        f[0].message.contains("`MULE_ENCRYPTION_KEY` in deploy.sh"),
        "{}",
        f[0].message
    );
}

/// The same key committed in many places: a finding lists three of
/// them and counts the rest (IG103 reports each).
#[test]
fn copies_of_the_key_are_listed_up_to_three() {
    for (scripts, listed, unlisted) in [(2, 2, None), (3, 3, None), (7, 3, Some(4))] {
        let a = orders(
            config("${encryption.key}", None, None),
            vec![secured(
                "prod",
                &[("sfdc.password", "![w9oKTqKTtvBuRUVbhQP/qw==]")],
            )],
        );
        let text_files = (0..scripts)
            .map(|i| {
                let path = format!("ci/deploy-{i}.sh");
                TextFileFacts {
                    path: path.as_str().into(),
                    assignments: vec![Assignment {
                        form: Default::default(),
                        name: "MULE_ENCRYPTION_KEY".into(),
                        value: AES_KEY.into(),
                        secret: true,
                        location: loc(&path, 4),
                    }],
                    ..Default::default()
                }
            })
            .collect();
        let inv = Inventory {
            apps: vec![a],
            text_files,
            ..Default::default()
        };
        let f = DecryptableSecret.check(&inv);
        assert_eq!(f.len(), 1);
        let copies: Vec<&str> = f[0]
            .related
            .iter()
            .map(|r| r.message.as_str())
            .filter(|m| m.starts_with("the same key is also committed here"))
            .collect();
        assert_eq!(copies.len(), listed, "{copies:#?}");
        let counted: Vec<&&str> = copies.iter().filter(|m| m.contains("more place")).collect();
        match unlisted {
            None => assert!(counted.is_empty(), "{copies:#?}"),
            Some(n) => {
                assert_eq!(counted.len(), 1, "{copies:#?}");
                assert!(
                    copies[listed - 1].ends_with(&format!(
                        "; {n} more places commit it, each an IG103 finding"
                    )),
                    "{copies:#?}"
                );
            }
        }
    }
}

/// A reviewer's case: one key string committed by an AES app and used
/// (from the deploy) by a Blowfish app opens the Blowfish app's values
/// too: another app's key is tried with this config's own cipher.
#[test]
fn another_apps_key_is_tried_with_this_configs_cipher() {
    // orders: AES, its key committed in dev.yaml.
    let orders_app = orders(config("${encryption.key}", None, None), Vec::new());
    // billing: Blowfish, key supplied at deploy time, a value encrypted
    // with the same string.
    let blowfish = Cipher::new(Algorithm::Blowfish, Mode::Cbc, false);
    let value = blowfish
        .encrypt(AES_KEY.as_bytes(), b"B1llingS3cret")
        .unwrap();
    let mut billing = app("billing", &["prod"]);
    billing.root = "billing".into();
    let mut bf = config("${billing.key}", Some("Blowfish"), None);
    bf.location = loc("billing/src/main/mule/global.xml", 7);
    bf.file = Some(
        val(
            "properties/${mule.env}-secure.yaml",
            "billing/src/main/mule/global.xml",
            7,
        )
        .into(),
    );
    billing.secure_property_configs = vec![bf];
    billing.property_files = vec![props(
        "billing/src/main/resources/properties/prod-secure.yaml",
        Some("prod"),
        true,
        &[("erp.password", &format!("![{value}]"))],
    )]
    .into();
    let inv = Inventory {
        apps: vec![orders_app, billing],
        ..Default::default()
    };
    let f = DecryptableSecret.check(&inv);
    let billing_findings: Vec<_> = f
        .iter()
        .filter(|f| f.location.path.starts_with("billing/"))
        .collect();
    assert_eq!(billing_findings.len(), 1, "{f:#?}");
    assert!(
        billing_findings[0]
            .message
            .contains("`erp.password` in prod-secure.yaml (prod)")
            && billing_findings[0].message.contains("Blowfish/CBC"),
        "{}",
        billing_findings[0].message
    );
    assert!(billing_findings[0].related[0].path.starts_with("orders/"));
}

#[test]
fn wrong_or_external_key_is_clean() {
    let mut a = orders(
        config("${encryption.key}", None, None),
        vec![secured(
            "prod",
            &[("sfdc.password", "![hvviuvvOu8EADgdrFqCeXA==]")],
        )],
    );
    let inv = Inventory {
        apps: vec![a.clone()],
        ..Default::default()
    };
    assert!(DecryptableSecret.check(&inv).is_empty(), "wrong key");
    a.property_files[0]
        .entries
        .retain(|e| e.key() != "encryption.key");
    let old = a.property_files[1].entries[0].clone();
    a.property_files[1].entries[0] = PropertyEntry::new(
        old.key(),
        "![w9oKTqKTtvBuRUVbhQP/qw==]",
        old.location.clone(),
    );
    let inv = Inventory {
        apps: vec![a],
        ..Default::default()
    };
    assert!(DecryptableSecret.check(&inv).is_empty(), "no committed key");
}

#[test]
fn plausible_plaintext_only() {
    let c = Cipher::default();
    let k = AES_KEY;
    let enc =
        |p: &[u8]| mule_secure_props::decode_value(&c.encrypt(k.as_bytes(), p).unwrap()).unwrap();
    let key = KeyAttempt::new(&c, k);
    assert!(key.decrypts(&enc(b"multi\nline\tok")));
    assert!(!key.decrypts(&enc(b"\x07bell")));
    assert!(!key.decrypts(&enc(&[0xc3, 0x28])));
    assert!(!KeyAttempt::new(&c, "short").decrypts(&enc(b"x")));
    // Spaces around a committed key: tried trimmed too.
    assert!(KeyAttempt::new(&c, &format!(" {k}\t")).decrypts(&enc(b"ok")));
}

/// An app `name` whose config's key is committed in its own dev.yaml, with
/// `secure` files besides.
fn keyed_app(name: &str, secure: Vec<PropertyFile>) -> MuleApp {
    let mut a = app(name, &["dev", "prod"]);
    a.secure_property_configs = vec![config("${encryption.key}", None, None)];
    a.property_files = vec![props(
        &format!("{name}/src/main/resources/properties/dev.yaml"),
        Some("dev"),
        false,
        &[("encryption.key", AES_KEY)],
    )]
    .into();
    a.property_files.extend(secure);
    a
}

/// Handed over per app, the findings are `check`'s, fields and all, the
/// fingerprint keys told apart as over the whole list: in a file that two
/// apps read (a plugin's, lent to both) the second app's copy of a value is
/// `#2`, as when every app's findings are held together.
#[test]
fn findings_handed_over_per_app_are_those_of_check() {
    let aes = Cipher::default();
    let enc = |plain: &[u8]| format!("![{}]", aes.encrypt(AES_KEY.as_bytes(), plain).unwrap());
    let (password, token) = (enc(b"Passw0rd-One"), enc(b"Tok3nValue"));
    let own = |name: &str| {
        props(
            &format!("{name}/src/main/resources/properties/prod-secure.yaml"),
            Some("prod"),
            true,
            &[("sfdc.password", &password), ("sfdc.token", &token)],
        )
    };
    let lent = props(
        "common/src/main/resources/properties/prod-secure.yaml",
        Some("prod"),
        true,
        &[("partner.secret", &token)],
    );
    let inventory = Inventory {
        apps: vec![
            keyed_app("orders", vec![own("orders"), lent.clone()]),
            keyed_app("billing", vec![own("billing"), lent]),
            keyed_app("refunds", vec![own("refunds")]),
        ],
        ..Inventory::default()
    };
    let whole = DecryptableSecret.check(&inventory);
    assert_eq!(whole.len(), 8, "{whole:#?}");
    assert!(
        whole
            .iter()
            .any(|f| f.fingerprint_key_before_value.as_deref()
                == Some("decrypt|prod-secure.yaml|partner.secret#2")),
        "{whole:#?}"
    );
    let batches = Mutex::new(Vec::new());
    DecryptableSecret.check_into(&inventory, &|found| batches.lock().unwrap().push(found));
    let batches = batches.into_inner().unwrap();
    // One per app, and the lent file's last.
    assert_eq!(batches.len(), 4, "{batches:#?}");
    let order = |f: &Finding| {
        (
            f.location.clone(),
            f.fingerprint_key.clone(),
            format!("{f:?}"),
        )
    };
    let mut chunked: Vec<Finding> = batches.into_iter().flatten().collect();
    chunked.sort_by_key(order);
    let mut whole = whole;
    whole.sort_by_key(order);
    let shown = |all: &[Finding]| all.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>();
    assert_eq!(shown(&chunked), shown(&whole));
}

/// A value copied into two apps' files is known as repeated (its
/// decryptions kept for the other copy); one written once is not.
#[test]
fn a_value_written_in_two_apps_is_known_as_repeated() {
    let file = |name: &str, value: &str| {
        props(
            &format!("{name}/src/main/resources/properties/prod-secure.yaml"),
            Some("prod"),
            true,
            &[("sfdc.password", "![Q29waWVkVmFsdWU=]"), ("own", value)],
        )
    };
    let orders = keyed_app("orders", vec![file("orders", "![T3JkZXJzT25seQ==]")]);
    let billing = keyed_app("billing", vec![file("billing", "![QmlsbGluZ09ubHk=]")]);
    let inventory = Inventory {
        apps: vec![orders, billing],
        ..Inventory::default()
    };
    let repeated = survey(&inventory, &tried_apps(&inventory)).repeated;
    let groups = Vec::new();
    let keys = Keys {
        groups: &groups,
        by_app: groups_by_app(&groups),
        foreign_ok: true,
        repeated: &repeated,
    };
    assert_eq!(repeated.len(), 1);
    let decoded = |text: &str| mule_secure_props::decode_value(text).unwrap();
    assert!(keys.maybe_repeated(&decoded("Q29waWVkVmFsdWU=")));
    assert!(!keys.maybe_repeated(&decoded("T3JkZXJzT25seQ==")));
    assert!(!keys.maybe_repeated(&decoded("QmlsbGluZ09ubHk=")));
}

/// A payload that is not base64 opens with no key and counts as a miss:
/// one before two values that open leaves them found; two first leave the
/// file untried (a file whose first two values do not open).
#[test]
fn a_payload_not_base64_is_a_miss() {
    let aes = Cipher::default();
    let enc = |plain: &[u8]| format!("![{}]", aes.encrypt(AES_KEY.as_bytes(), plain).unwrap());
    let (one, two) = (enc(b"First-Secret"), enc(b"Second-Secret"));
    let found = |entries: &[(&str, &str)]| {
        let inventory = Inventory {
            apps: vec![keyed_app(
                "orders",
                vec![props(
                    "orders/src/main/resources/properties/prod-secure.yaml",
                    Some("prod"),
                    true,
                    entries,
                )],
            )],
            ..Inventory::default()
        };
        DecryptableSecret.check(&inventory).len()
    };
    assert_eq!(found(&[("bad", "![%%%]"), ("a", &one), ("b", &two)]), 2);
    assert_eq!(
        found(&[
            ("bad", "![%%%]"),
            ("worse", "![**]"),
            ("a", &one),
            ("b", &two)
        ]),
        0
    );
}

#[test]
fn index_lists_merge_in_order() {
    let got: Vec<usize> = merged(&[1, 4, 6, 9], &[0, 2, 3, 7]).collect();
    assert_eq!(got, vec![0, 1, 2, 3, 4, 6, 7, 9]);
    assert_eq!(merged(&[], &[5]).collect::<Vec<_>>(), vec![5]);
    assert_eq!(merged(&[5, 8], &[]).collect::<Vec<_>>(), vec![5, 8]);
}

/// An app of many configs, each reading its own file with its own key: each
/// value is opened by its config's key and named with that config; a file
/// no config names is opened by whichever key encrypted it.
#[test]
fn each_of_many_configs_opens_its_own_file() {
    let aes = Cipher::default();
    let n = 30;
    let key = |i: usize| format!("{i:0>16}");
    let enc = |i: usize, plain: &str| {
        format!(
            "![{}]",
            aes.encrypt(key(i).as_bytes(), plain.as_bytes()).unwrap()
        )
    };
    let mut a = app("orders", &["dev"]);
    a.secure_property_configs = (0..n)
        .map(|i| SecurePropertiesConfig {
            name: Some(format!("S{i}")),
            location: loc(XML, 100 + i as u32),
            key: Some(val(&format!("${{key{i}}}"), XML, 100 + i as u32)),
            file: Some(val(&format!("s{i}.yaml"), XML, 100 + i as u32).into()),
            ..config("", None, None)
        })
        .collect();
    let keys: Vec<(String, String)> = (0..n).map(|i| (format!("key{i}"), key(i))).collect();
    let keys: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    a.property_files = vec![props(
        "orders/src/main/resources/dev.yaml",
        None,
        false,
        &keys,
    )]
    .into();
    for i in 0..n {
        let value = enc(i, &format!("Secret-{i}!"));
        a.property_files.push(props(
            &format!("orders/src/main/resources/s{i}.yaml"),
            None,
            true,
            &[(format!("v{i}").as_str(), value.as_str())],
        ));
    }
    let loose = enc(7, "Loose-Value!");
    a.property_files.push(props(
        "orders/src/main/resources/other.yaml",
        None,
        true,
        &[("loose", loose.as_str())],
    ));
    let f = DecryptableSecret.check(&Inventory {
        apps: vec![a],
        ..Default::default()
    });
    assert_eq!(f.len(), n + 1, "{f:#?}");
    for i in 0..n {
        let name = format!("s{i}.yaml");
        let found = f
            .iter()
            .find(|f| file_name(&f.location.path) == name)
            .unwrap_or_else(|| panic!("no finding in {name}"));
        assert!(
            found.message.contains(&format!("`key{i}` in dev.yaml")),
            "{}",
            found.message
        );
        assert!(
            found
                .related
                .iter()
                .any(|r| file_name(&r.path) == "global.xml" && r.line == 100 + i as u32),
            "{:?}",
            found.related
        );
    }
    let other = f
        .iter()
        .find(|f| file_name(&f.location.path) == "other.yaml")
        .expect("the file no config names");
    assert!(
        other.message.contains("`key7` in dev.yaml"),
        "{}",
        other.message
    );
}
