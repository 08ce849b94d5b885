//! IG104 decryptable-secret on fixture trees read by the real readers. The
//! encrypted values come from `fixtures/IG104/make_values.py` (an independent
//! Python implementation of Mule's cipher) and the reference vectors.

use crate::common;

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
        let mut texts = vec![f.message.clone(), f.fix.to_string()];
        texts.extend(f.related.iter().map(|r| r.message.to_string()));
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
    // One finding per decrypted value, at the `![...]` value's key line.
    common::assert_places(
        "IG104",
        "IG104/positive",
        &[
            // Mule 3: the key is a -D option in a script.
            ("accounts-m3/src/main/resources/secure.prod.properties", 1),
            ("accounts-m3/src/main/resources/secure.prod.properties", 2),
            // billing-api's own values (random IVs).
            (
                "billing-api/src/main/resources/properties/prod-secure.yaml",
                2,
            ),
            (
                "billing-api/src/main/resources/properties/prod-secure.yaml",
                4,
            ),
            // A literal Blowfish key.
            ("legacy-sync/src/main/resources/secure.properties", 2),
            ("legacy-sync/src/main/resources/secure.properties", 3),
            (
                "orders-api/src/main/resources/properties/dev-secure.yaml",
                2,
            ),
            (
                "orders-api/src/main/resources/properties/prod-secure.yaml",
                3,
            ),
            (
                "orders-api/src/main/resources/properties/prod-secure.yaml",
                4,
            ),
            // orders-api's consumerSecret, encrypted with billing-api's key: a
            // key committed in another app counts too.
            (
                "orders-api/src/main/resources/properties/prod-secure.yaml",
                7,
            ),
        ],
    );
}

#[test]
fn positive_names_the_exposed_properties_and_never_their_values() {
    let findings = common::run("IG104", "IG104/positive");
    assert_no_secret(&findings);
    let at = |file: &str, line: u32| {
        let mut hits = findings
            .iter()
            .filter(|f| f.location.path.ends_with(file) && f.location.line == line);
        let f = hits
            .next()
            .unwrap_or_else(|| panic!("no finding at {file}:{line}: {findings:#?}"));
        assert!(hits.next().is_none(), "two findings at {file}:{line}");
        f
    };
    // (file name, line) of each related entry.
    let related = |f: &intguard_model::Finding| -> Vec<(String, u32)> {
        f.related
            .iter()
            .map(|r| (r.path.rsplit('/').next().unwrap().to_string(), r.line))
            .collect()
    };
    // One fingerprint key per (file, property).
    let mut keys: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.location.path.as_str(), f.fingerprint_key.as_str()))
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), findings.len(), "{keys:#?}");

    let password = at(
        "orders-api/src/main/resources/properties/prod-secure.yaml",
        3,
    );
    assert!(
        password
            .message
            .starts_with("orders-api: `sfdc.password` in prod-secure.yaml (prod) decrypts"),
        "{}",
        password.message
    );
    assert!(
        password
            .message
            .contains("`encryption.key` in dev.yaml (dev)"),
        "{}",
        password.message
    );
    // The property, then the digest of what it decrypts to (a rotated
    // value is a new finding).
    assert_eq!(
        password.fingerprint_key_before_value.as_deref(),
        Some("decrypt|prod-secure.yaml|sfdc.password")
    );
    assert!(
        password
            .fingerprint_key
            .starts_with("decrypt|prod-secure.yaml|sfdc.password|"),
        "{}",
        password.fingerprint_key
    );
    // The key's definition, then the config that decrypts the file.
    assert_eq!(
        related(password),
        vec![("dev.yaml".to_string(), 6), ("global.xml".to_string(), 12)]
    );
    assert_eq!(password.identity.as_deref(), Some("int.orders@acme.com"));
    assert_eq!(password.environments, vec!["prod".to_string()]);
    let token = at(
        "orders-api/src/main/resources/properties/prod-secure.yaml",
        4,
    );
    assert!(token
        .message
        .contains("`sfdc.token` in prod-secure.yaml (prod)"));
    let dev = at(
        "orders-api/src/main/resources/properties/dev-secure.yaml",
        2,
    );
    assert!(
        dev.message
            .contains("`sfdc.password` in dev-secure.yaml (dev)"),
        "{}",
        dev.message
    );
    assert_eq!(dev.identity.as_deref(), Some("int.orders.dev@acme.com"));
    assert_eq!(dev.environments, vec!["dev".to_string()]);

    let foreign = at(
        "orders-api/src/main/resources/properties/prod-secure.yaml",
        7,
    );
    assert!(
        foreign
            .message
            .starts_with("orders-api: `sfdc.consumerSecret` in prod-secure.yaml (prod)")
            && foreign.message.contains("of app billing-api"),
        "{}",
        foreign.message
    );
    assert_eq!(
        related(foreign),
        vec![
            ("global.xml".to_string(), 11),
            ("global.xml".to_string(), 12)
        ]
    );
    assert!(foreign.related[0].path.contains("billing-api/"));
    assert!(foreign.related[1].path.contains("orders-api/"));

    for (line, name) in [(2, "legacy.ftp.password"), (3, "legacy.api.secret")] {
        let legacy = at("legacy-sync/src/main/resources/secure.properties", line);
        assert!(
            legacy
                .message
                .contains(&format!("`{name}` in secure.properties decrypts")),
            "{}",
            legacy.message
        );
        assert!(legacy
            .message
            .contains("Blowfish/CBC/PKCS5Padding (fixed IV)"));
        // The literal key attribute; the config starts a line above it.
        assert_eq!(
            related(legacy),
            vec![("global.xml".to_string(), 9), ("global.xml".to_string(), 8)]
        );
        assert!(legacy.identity.is_none());
    }

    let erp = at(
        "billing-api/src/main/resources/properties/prod-secure.yaml",
        2,
    );
    assert!(
        erp.message
            .contains("`erp.password` in prod-secure.yaml (prod)")
            && erp.message.contains("(random IV)"),
        "{}",
        erp.message
    );
    assert!(erp.identity.is_none(), "no Salesforce connection reads it");
    assert!(at(
        "billing-api/src/main/resources/properties/prod-secure.yaml",
        4
    )
    .message
    .contains("`sfdc.consumerSecret`"));

    for (line, name) in [(1, "sfdc.password"), (2, "sfdc.securityToken")] {
        let accounts = at(
            "accounts-m3/src/main/resources/secure.prod.properties",
            line,
        );
        assert!(
            accounts
                .message
                .starts_with(&format!("accounts-m3: `{name}` in secure.prod.properties")),
            "{}",
            accounts.message
        );
        assert_eq!(accounts.identity.as_deref(), Some("int.accounts@acme.com"));
        assert_eq!(related(accounts)[0], ("run-accounts.sh".to_string(), 5));
    }
}

#[test]
fn negative() {
    common::assert_clean("IG104", "IG104/negative");
}

/// Keys passed with the Mule wrapper's `-M-D` (launch configuration, start
/// script) decrypt the app's values.
#[test]
fn mule_wrapper_keys_decrypt() {
    common::assert_places(
        "IG104",
        "IG104/mule-wrapper",
        &[
            ("launch-api/src/main/resources/secure.yaml", 2),
            ("script-api/src/main/resources/secure.yaml", 2),
        ],
    );
    let findings = common::run("IG104", "IG104/mule-wrapper");
    for f in &findings {
        for s in [
            "LaunchK3y-16byte",
            "ScriptK3y-16byte",
            "LaunchPassw0rd!",
            "ScriptPassw0rd!",
        ] {
            assert!(!format!("{} {} {:?}", f.message, f.fix, f.related).contains(s));
        }
    }
    let launch = &findings[0];
    assert!(
        launch
            .related
            .iter()
            .any(|r| r.path.ends_with("launch-api.launch") && r.line == 4),
        "{:#?}",
        launch.related
    );
}

/// Two configs, each reading its own file with its own committed key: each
/// finding names the config that reads the file (the other config's cipher is
/// the same, so the key would open the value with it too).
#[test]
fn names_the_config_that_reads_the_file() {
    common::assert_places(
        "IG104",
        "IG104/two-configs",
        &[
            ("billing-api/src/main/resources/s1.yaml", 2),
            ("billing-api/src/main/resources/s2.yaml", 2),
        ],
    );
    let findings = common::run("IG104", "IG104/two-configs");
    let (s1, s2) = (&findings[0], &findings[1]);
    assert!(
        s1.message.contains("`encryption.key`")
            && s1.message.contains("of <secure-properties:config> `SP1`"),
        "{}",
        s1.message
    );
    assert!(
        s2.message.contains("`secure.key`")
            && s2.message.contains("of <secure-properties:config> `SP2`"),
        "{}",
        s2.message
    );
    assert!(s2
        .related
        .iter()
        .any(|r| r.message.contains("`SP2` decrypts s2.yaml") && r.line == 11));
    for f in &findings {
        for s in [
            "PomK3y-16-bytes!",
            "JvmK3y-16-bytes!",
            "ErpPassw0rd-One",
            "SfdcPassw0rd-Two",
        ] {
            assert!(!format!("{} {} {:?}", f.message, f.fix, f.related).contains(s));
        }
    }
}

/// Keys, plaintexts and assembled-key pieces of the fixtures below (values
/// made with `intguard secure-props encrypt`, checked with Python
/// `cryptography` as in `make_values.py`): none may appear in any output.
pub(crate) const MORE_SECRETS: &[&str] = &[
    "Ledger-K3y-16byt",
    "LedgerA-Passw0rd",
    "LedgerB-Passw0rd",
    "Vary-K3y-16bytes",
    "DevVaryPassw0rd",
    "ProdVaryPassw0rd",
    "SharedVaryT0ken",
    "Rnd-K3y-16-bytes",
    "DevRndPassw0rd",
    "ProdRndPassw0rd",
    "Vault-K3y-123456",
    "Vault-K3y-12",
    "VaultPassw0rd!",
    "Parts-K3y-16byte",
    "Parts-K3y-",
    "16byte",
    "PartsPassw0rd!",
];

/// Two configs with the same literal key: a value is said to open with the
/// key of the config that reads its file (its own attribute), not with the
/// other config's copy of it.
#[test]
fn shared_literal_key_names_the_decrypting_configs_own_key() {
    let rel = "IG104/shared-literal-key";
    common::assert_places(
        "IG104",
        rel,
        &[
            ("ledger-api/src/main/resources/secure-a.yaml", 2),
            ("ledger-api/src/main/resources/secure-b.yaml", 2),
        ],
    );
    let findings = common::run("IG104", rel);
    for (f, config, own, other) in [
        (&findings[0], "`strong`", 4, 7),
        (&findings[1], "`legacy`", 7, 4),
    ] {
        assert!(
            f.message.contains(&format!(
                "(the literal key attribute at global.xml:{own}, 16 characters"
            )) && f
                .message
                .contains(&format!("of <secure-properties:config> {config}")),
            "{}",
            f.message
        );
        assert!(
            f.fix.contains(&format!(
                "replace the literal key attribute at global.xml:{own} with"
            )),
            "{}",
            f.fix
        );
        assert_eq!(f.related[0].line, own, "{:#?}", f.related);
        assert!(
            f.related
                .iter()
                .any(|r| r.line == other && r.message.starts_with("the same key is also")),
            "{:#?}",
            f.related
        );
    }
    common::assert_no_secrets(rel, MORE_SECRETS);
}

/// Property-valued settings can differ per environment: each environment's
/// secure file is decrypted with that environment's algorithm and IV setting
/// (vary-api: `algorithm="${enc.alg}"`, AES in dev and Blowfish in prod;
/// rnd-api: `useRandomIVs="${rnd}"`, true in dev and false in prod), and a
/// file of no environment with each of them.
#[test]
fn settings_are_resolved_per_environment() {
    let rel = "IG104/per-env-settings";
    common::assert_places(
        "IG104",
        rel,
        &[
            ("rnd-api/src/main/resources/secure-dev.yaml", 2),
            ("rnd-api/src/main/resources/secure-prod.yaml", 2),
            ("vary-api/src/main/resources/secure-dev.yaml", 2),
            ("vary-api/src/main/resources/secure-prod.yaml", 2),
            ("vary-api/src/main/resources/shared-secure.yaml", 2),
        ],
    );
    let findings = common::run("IG104", rel);
    let at = |file: &str| common::finding_at(&findings, file, 2);
    for (file, env, cipher) in [
        (
            "vary-api/src/main/resources/secure-dev.yaml",
            "dev",
            "AES/CBC/PKCS5Padding (random IV)",
        ),
        (
            "vary-api/src/main/resources/secure-prod.yaml",
            "prod",
            "Blowfish/CBC/PKCS5Padding (random IV)",
        ),
        (
            "rnd-api/src/main/resources/secure-dev.yaml",
            "dev",
            "AES/CBC/PKCS5Padding (random IV)",
        ),
        (
            "rnd-api/src/main/resources/secure-prod.yaml",
            "prod",
            "AES/CBC/PKCS5Padding (fixed IV)",
        ),
    ] {
        let f = at(file);
        let name = file.rsplit('/').next().unwrap();
        assert!(
            f.message
                .contains(&format!("`sfdc.password` in {name} ({env}) decrypts"))
                && f.message.contains(&format!("`sp` ({cipher})")),
            "{}",
            f.message
        );
        assert_eq!(f.environments, vec![env.to_string()]);
        assert!(
            f.related.iter().any(|r| r
                .message
                .contains(&format!("decrypts {name} with this key ({cipher})"))),
            "{:#?}",
            f.related
        );
    }
    // Each environment's copy of the key is the one its values name: prod's
    // fix deletes prod's copy, the other is listed as a copy.
    for (app, env, other) in [("vary-api", "prod", "dev"), ("vary-api", "dev", "prod")] {
        let f = at(&format!("{app}/src/main/resources/secure-{env}.yaml"));
        assert!(
            f.message.contains(&format!(
                "key (`encryption.key` in config-{env}.yaml ({env}), 16 characters"
            )) && f.fix.contains(&format!(
                "delete `encryption.key` in config-{env}.yaml ({env})"
            )),
            "{}\n{}",
            f.message,
            f.fix
        );
        assert!(
            f.related
                .iter()
                .any(|r| r.path.ends_with(&format!("config-{other}.yaml"))
                    && r.message.starts_with("the same key is also committed here")),
            "{:#?}",
            f.related
        );
    }
    // Prod's settings (Blowfish; fixed IVs in rnd-api), read from properties
    // the repository defines, are weak (IG108): the fix re-encrypts under the
    // new key with strong settings in the same pass, which `fix secrets
    // --upgrade-encryption` resolves per environment, and encrypts the new
    // secret with them, not `${enc.alg}` as written.
    for app in ["vary-api", "rnd-api"] {
        let prod = at(&format!("{app}/src/main/resources/secure-prod.yaml"));
        assert!(
            prod.fix.contains("--upgrade-encryption ")
                && prod.fix.contains(&format!("per-env-settings/{app})"))
                && prod
                    .fix
                    .contains("--algorithm AES --mode CBC --random-iv --wrap")
                && !prod.fix.contains("${"),
            "{}",
            prod.fix
        );
    }
    let shared = at("vary-api/src/main/resources/shared-secure.yaml");
    assert!(
        shared
            .message
            .contains("(Blowfish/CBC/PKCS5Padding (random IV))"),
        "{}",
        shared.message
    );
    common::assert_no_secrets(rel, MORE_SECRETS);
}

/// A key assembled from several definitions (`app.crypt: "${vault.k}3456"`;
/// `"${enc.part}${tail}"` with a global-property) is tried whole, and named
/// by every definition it is written in.
#[test]
fn assembled_keys_decrypt() {
    let rel = "IG104/assembled-key";
    common::assert_places(
        "IG104",
        rel,
        &[
            ("parts-api/src/main/resources/secure.yaml", 2),
            ("vault-api/src/main/resources/secure.yaml", 2),
        ],
    );
    let findings = common::run("IG104", rel);
    let related = |f: &intguard_model::Finding| -> Vec<(String, u32)> {
        f.related
            .iter()
            .map(|r| (r.path.rsplit('/').next().unwrap().to_string(), r.line))
            .collect()
    };
    let vault = common::finding_at(&findings, "vault-api/src/main/resources/secure.yaml", 2);
    assert!(
        vault.message.contains(
            "(assembled from `app.crypt` in config.yaml and `vault.k` in config.yaml, 16 characters, sha256:"
        ),
        "{}",
        vault.message
    );
    assert_eq!(
        related(vault),
        vec![
            ("config.yaml".to_string(), 2),
            ("config.yaml".to_string(), 4),
            ("global.xml".to_string(), 5)
        ]
    );
    assert!(
        vault.fix.contains(
            "delete `app.crypt` in config.yaml and `vault.k` in config.yaml (the key is assembled from them)"
        ),
        "{}",
        vault.fix
    );
    let parts = common::finding_at(&findings, "parts-api/src/main/resources/secure.yaml", 2);
    assert!(
        parts.message.contains(
            "(assembled from `app.crypt` in config.yaml, <global-property name=\"enc.part\"> in global.xml and `tail` in config.yaml, 16 characters"
        ),
        "{}",
        parts.message
    );
    assert_eq!(
        related(parts),
        vec![
            ("config.yaml".to_string(), 2),
            ("global.xml".to_string(), 4),
            ("config.yaml".to_string(), 3),
            ("global.xml".to_string(), 6)
        ]
    );
    common::assert_no_secrets(rel, MORE_SECRETS);
}

/// The new key's rotation moves weak settings to AES with random IVs in the
/// same pass (`--upgrade-encryption`, as IG108 asks) and encrypts new secrets
/// so; strong settings are kept as they are.
#[test]
fn the_fix_upgrades_weak_settings_with_the_key() {
    let findings = common::run("IG104", "IG104/positive");
    let of_app = |app: &str| -> Vec<&intguard_model::Finding> {
        findings
            .iter()
            .filter(|f| f.location.path.contains(&format!("/{app}/")))
            .collect()
    };
    // Blowfish, fixed IVs.
    let legacy = of_app("legacy-sync");
    assert!(!legacy.is_empty());
    for f in legacy {
        assert!(
            f.fix
                .contains("--rotate-key <VAR holding the new key> --upgrade-encryption ")
                && f.fix
                    .contains("--algorithm AES --mode CBC --random-iv --wrap")
                && !f.fix.contains("--algorithm Blowfish"),
            "{}",
            f.fix
        );
    }
    // AES/CBC with random IVs already.
    let billing = of_app("billing-api");
    assert!(!billing.is_empty());
    for f in billing {
        assert!(
            !f.fix.contains("--upgrade-encryption")
                && f.fix.contains("--rotate-key <VAR holding the new key> ")
                && f.fix
                    .contains("--algorithm AES --mode CBC --random-iv --wrap"),
            "{}",
            f.fix
        );
    }
}

/// Found by testing as a user would: with the username chosen per
/// environment (`${${mule.env}.sfdc.username}`), IG104 lost the user (the
/// scan dropped the keys the nested name reads) and its fix said to change
/// the password "in the system it logs in to" instead of whose.
#[test]
fn a_nested_username_names_the_user() {
    let rel = "IG104/nested-username";
    common::assert_places(
        "IG104",
        rel,
        &[(
            "accounts-api/src/main/resources/properties/secure-prod.properties",
            1,
        )],
    );
    let findings = common::run("IG104", rel);
    assert_eq!(findings[0].identity.as_deref(), Some("int.acct@acme.com"));
    assert!(
        findings[0]
            .fix
            .contains("reset the password of int.acct@acme.com"),
        "{}",
        findings[0].fix
    );
}

#[test]
fn munit_test_resources_are_opened_with_the_suites_config() {
    // A suite's config reads src/test/resources/test-secure.yaml with the key
    // the MUnit plugin sets in the pom; other-secure.yaml is under a key
    // committed nowhere.
    let rel = "IG104/munit-resources";
    common::assert_places(
        "IG104",
        rel,
        &[("payments-api/src/test/resources/test-secure.yaml", 3)],
    );
    let findings = common::run("IG104", rel);
    let f = &findings[0];
    assert!(
        f.message.contains("`sfdc.password` in test-secure.yaml")
            && f.message.contains("`Test_Secure`")
            && f.message.contains("`mule.key` in pom.xml"),
        "{}",
        f.message
    );
    // Test sources: one level lower.
    assert_eq!(f.severity, intguard_model::Severity::High);
    let mut secrets = SECRETS.to_vec();
    secrets.extend(["PaymentsMunitK3y", "SandboxPass-77", "OtherSandbox-88"]);
    for t in [f.message.as_str(), f.fix.as_str()] {
        for s in &secrets {
            assert!(!t.contains(s), "secret {s:?} in {t:?}");
        }
    }
}

/// Found by testing as a user would: what to change for a leaked value
/// followed its property's name, not what reads it. The keystore password
/// of a JWT connection (`storePassword="${secure::sf.jwt.pw}"`) was to be
/// fixed by resetting the Salesforce user's password (the certificate's key
/// is what leaked), and a password connection's password kept under a name
/// without "password" (`sf.login`) by revoking "an API key".
#[test]
fn the_fix_follows_the_attribute_that_reads_the_value() {
    let rel = "IG104/jwt-store-password";
    let file = "payments-api/src/main/resources/properties/secure-prod.properties";
    common::assert_places("IG104", rel, &[(file, 1), (file, 2), (file, 3)]);
    let findings = common::run("IG104", rel);
    for line in [1, 2] {
        let f = common::finding_at(&findings, file, line);
        assert!(f.fix.contains("issue a new keystore"), "{}", f.fix);
        assert!(!f.fix.contains("reset the password"), "{}", f.fix);
    }
    let f = common::finding_at(&findings, file, 3);
    assert!(
        f.fix
            .contains("reset the password of int.payments@acme.com"),
        "{}",
        f.fix
    );
    assert_no_secret(&findings);
}

/// A value in a file only `<configuration-properties>` loads: the committed
/// key opens it, so it is leaked, but no secure-properties configuration
/// loads its file. The finding does not say the configuration decrypts that
/// file, and its fix puts the new secret where the configuration reads it
/// (`fix secrets` re-encrypts only what a configuration loads).
#[test]
fn a_value_no_configuration_loads_is_moved_where_one_does() {
    let rel = "IG104/unloaded-file";
    common::assert_places(
        "IG104",
        rel,
        &[
            ("erp-sync/src/main/resources/properties/prod-secure.yaml", 2),
            ("erp-sync/src/main/resources/properties/prod.yaml", 3),
        ],
    );
    let findings = common::run("IG104", rel);
    let loaded = common::finding_at(
        &findings,
        "erp-sync/src/main/resources/properties/prod-secure.yaml",
        2,
    );
    let unloaded = common::finding_at(
        &findings,
        "erp-sync/src/main/resources/properties/prod.yaml",
        3,
    );
    let config_says = |f: &intguard_model::Finding| {
        f.related
            .iter()
            .find(|r| r.path.ends_with("global.xml"))
            .map(|r| (r.line, r.message.to_string()))
    };
    assert_eq!(
        config_says(loaded),
        Some((
            14,
            "<secure-properties:config> `Secure_Props` decrypts prod-secure.yaml with this key (AES/CBC/PKCS5Padding (random IV))".to_string()
        ))
    );
    assert_eq!(
        config_says(unloaded),
        Some((
            14,
            "with this key, the cipher of <secure-properties:config> `Secure_Props` (AES/CBC/PKCS5Padding (random IV)) opens it, though that configuration does not load prod.yaml".to_string()
        ))
    );
    let moved = "put the new secret, encrypted, in a file <secure-properties:config> `Secure_Props` loads and read it as ${secure::erp.password}: no secure-properties configuration loads prod.yaml, so Mule does not decrypt it there and intguard fix secrets leaves it as it is";
    assert!(unloaded.fix.contains(moved), "{}", unloaded.fix);
    assert!(!loaded.fix.contains("put the new secret"), "{}", loaded.fix);
    common::assert_no_secrets(
        rel,
        &["UnloadedK3y-16by", "ErpUnl0aded-Pass", "SfdcL0aded-Pass"],
    );
}
