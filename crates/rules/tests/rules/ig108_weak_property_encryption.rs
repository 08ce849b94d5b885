//! IG108 weak-property-encryption on fixture trees read by the real readers.

use crate::common;

#[test]
fn positive() {
    common::assert_places(
        "IG108",
        "IG108/positive",
        &[
            // Blowfish in ECB mode: at the <secure-properties:encrypt> element.
            ("orders-api/src/main/mule/global.xml", 10),
            // No <secure-properties:encrypt>: Mule's default fixed IVs.
            ("billing-api/src/main/mule/global.xml", 9),
            // algorithm="${secure.algorithm}" resolving to DESede.
            ("catalog-api/src/main/mule/global.xml", 10),
            // Mule 3 encryptionAlgorithm="DES" (and fixed IVs): at the placeholder.
            ("accounts-m3/src/main/app/accounts.xml", 7),
            // Of two configs, the Blowfish one (the AES one is sound).
            ("ledger-api/src/main/mule/global.xml", 14),
            // algorithm="${secure.algorithm}": Blowfish in dev, set at deploy
            // time in prod.
            ("pricing-api/src/main/mule/global.xml", 11),
        ],
    );
}

/// A setting read from a property the repository does not define in some
/// environment (supplied at deploy time): the cipher of that environment's
/// values cannot be known, `fix secrets --upgrade-encryption` refuses the
/// config, and the fix does not name it: it says how by hand.
#[test]
fn positive_setting_set_at_deploy_time_is_changed_by_hand() {
    let findings = common::run("IG108", "IG108/positive");
    let pricing = findings
        .iter()
        .find(|f| f.message.starts_with("pricing-api:"))
        .expect("a finding for pricing-api");
    // Prod's algorithm is not known: the message says it is taken as dev's.
    assert!(
        pricing.message.ends_with(
            "the Blowfish algorithm (set by ${secure.algorithm}, a 64-bit block, open to Sweet32 birthday attacks); ${secure.algorithm} is not defined in the repository for prod (supplied at deploy time: taken as where it is defined)"
        ),
        "{}",
        pricing.message
    );
    assert!(
        !pricing.fix.contains("--upgrade-encryption"),
        "{}",
        pricing.fix
    );
    assert!(
        pricing.fix.contains(
            "intguard secure-props decrypt --key-env <VAR holding the old key> --algorithm Blowfish --mode CBC --random-iv | intguard secure-props encrypt --key-env <VAR holding the new key> --algorithm AES --mode CBC --random-iv --wrap. Then set <secure-properties:encrypt algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\"/> inside <secure-properties:config> `Pricing_Secure_Props`"
        ),
        "{}",
        pricing.fix
    );
    // The catalog's algorithm is read from a property every environment
    // defines: the command resolves it and applies.
    let catalog = findings
        .iter()
        .find(|f| f.message.starts_with("catalog-api:"))
        .expect("a finding for catalog-api");
    assert!(
        catalog.fix.contains("--upgrade-encryption "),
        "{}",
        catalog.fix
    );
}

/// A weak config names, and has re-encrypted, only the files it reads: not
/// those of the app's other, sound config.
#[test]
fn positive_lists_only_the_files_the_config_reads() {
    let findings = common::run("IG108", "IG108/positive");
    let ledger = findings
        .iter()
        .find(|f| f.message.starts_with("ledger-api:"))
        .expect("a finding for ledger-api");
    assert!(
        ledger.message.contains("Legacy_Props"),
        "{}",
        ledger.message
    );
    let files: Vec<&str> = ledger
        .related
        .iter()
        .filter(|r| r.message.contains("value(s) of"))
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(files.len(), 1, "{:#?}", ledger.related);
    assert!(files[0].ends_with("legacy-secure.yaml"), "{files:?}");
    assert!(ledger.fix.contains("legacy-secure.yaml"), "{}", ledger.fix);
    assert!(!ledger.fix.contains("prod-secure.yaml"), "{}", ledger.fix);
}

#[test]
fn positive_names_each_weakness_and_the_fix() {
    let findings = common::run("IG108", "IG108/positive");
    let of = |app: &str| {
        findings
            .iter()
            .find(|f| f.message.starts_with(&format!("{app}:")))
            .unwrap_or_else(|| panic!("no finding for {app}"))
    };
    let orders = of("orders-api");
    assert!(
        orders.message.contains("the Blowfish algorithm") && orders.message.contains("ECB mode"),
        "{}",
        orders.message
    );
    assert!(!orders.message.contains("fixed IVs"), "{}", orders.message);
    assert!(orders.fix.contains(
        r#"<secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>"#
    ));
    assert!(
        orders
            .fix
            .contains("Re-encrypt every ![...] value of prod-secure.yaml"),
        "{}",
        orders.fix
    );
    // Decrypted with the settings the values were written with, encrypted
    // with the new ones.
    assert!(
        orders.fix.contains(
            "intguard secure-props decrypt --key-env <VAR holding the old key> --algorithm Blowfish --mode ECB | intguard secure-props encrypt --key-env <VAR holding the new key> --algorithm AES --mode CBC --random-iv --wrap"
        ),
        "{}",
        orders.fix
    );
    // Settings written in the XML: one command changes them and the values.
    assert!(
        orders.fix.contains(
            "in one step: intguard fix secrets --key-env <VAR holding the old key> --rotate-key <VAR holding the new key> --upgrade-encryption "
        ),
        "{}",
        orders.fix
    );
    assert!(
        orders.related.iter().any(|r| r.line == 8),
        "{:#?}",
        orders.related
    );
    let billing = of("billing-api");
    assert!(
        billing.message.contains("fixed IVs (useRandomIVs not set"),
        "{}",
        billing.message
    );
    assert!(
        !billing.message.contains("algorithm ("),
        "AES is fine: {}",
        billing.message
    );
    let catalog = of("catalog-api");
    assert!(
        catalog.message.contains("the DESede algorithm"),
        "{}",
        catalog.message
    );
    assert!(
        !catalog.message.contains("fixed IVs"),
        "{}",
        catalog.message
    );
    let m3 = of("accounts-m3");
    assert!(
        m3.message.contains("the DES algorithm (a 56-bit key"),
        "{}",
        m3.message
    );
    assert!(
        m3.message
            .contains("fixed IVs (Mule 3 has no random-IV option"),
        "{}",
        m3.message
    );
    assert!(
        m3.fix
            .contains(r#"encryptionAlgorithm="AES" encryptionMode="CBC""#),
        "{}",
        m3.fix
    );
    // AES does not give Mule 3 random IVs: only Mule 4 does.
    assert!(m3.fix.contains("migrate the app to Mule 4"), "{}", m3.fix);
    assert!(
        m3.fix.contains("--upgrade-encryption ") && m3.fix.contains("accounts-m3"),
        "{}",
        m3.fix
    );
}

#[test]
fn negative() {
    common::assert_clean("IG108", "IG108/negative");
}

/// A property-valued setting is weak in some environments only: the finding
/// names them, and its files and fix are theirs (vary-api: Blowfish in prod,
/// AES in dev; rnd-api: fixed IVs in prod, random in dev).
#[test]
fn settings_weak_in_one_environment() {
    let rel = "IG104/per-env-settings";
    common::assert_places(
        "IG108",
        rel,
        &[
            ("rnd-api/src/main/mule/global.xml", 6),
            ("vary-api/src/main/mule/global.xml", 6),
        ],
    );
    let findings = common::run("IG108", rel);
    let (rnd, vary) = (&findings[0], &findings[1]);
    assert_eq!(
        vary.message,
        "vary-api: <secure-properties:config> `sp` encrypts secure properties in prod with the Blowfish algorithm (set by ${enc.alg}, a 64-bit block, open to Sweet32 birthday attacks)"
    );
    assert_eq!(vary.environments, vec!["prod".to_string()]);
    assert_eq!(vary.fingerprint_key, "weak-encryption|sp|prod");
    // Settings read from properties the repository defines: `fix secrets`
    // resolves them per environment, so it changes them (written in the XML
    // from then on) and the values; by hand, prod's values are decrypted with
    // prod's settings.
    assert!(
        vary.fix
            .contains("intguard secure-props decrypt --key-env <VAR holding the old key> --algorithm Blowfish --mode CBC --random-iv |"),
        "{}",
        vary.fix
    );
    assert!(
        vary.fix
            .contains("in one step: intguard fix secrets --key-env <VAR holding the old key> --rotate-key <VAR holding the new key> --upgrade-encryption "),
        "{}",
        vary.fix
    );
    assert!(
        vary.fix.contains("value of secure-prod.yaml") && !vary.fix.contains("secure-dev.yaml"),
        "{}",
        vary.fix
    );
    assert!(
        !vary
            .related
            .iter()
            .any(|r| r.path.ends_with("secure-dev.yaml")),
        "{:#?}",
        vary.related
    );
    assert!(
        rnd.message.starts_with(
            "rnd-api: <secure-properties:config> `sp` encrypts secure properties in prod with fixed IVs"
        ),
        "{}",
        rnd.message
    );
    assert_eq!(rnd.environments, vec!["prod".to_string()]);
    assert!(
        rnd.fix
            .contains("--algorithm AES --mode CBC | intguard secure-props encrypt"),
        "{}",
        rnd.fix
    );
}
