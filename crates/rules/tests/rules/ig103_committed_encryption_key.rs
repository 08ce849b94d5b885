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
        let mut texts = vec![f.message.clone(), f.fix.to_string()];
        texts.extend(f.related.iter().map(|r| r.message.to_string()));
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

/// A deploy script's `-D` option whose name says nothing of a key
/// (`crypt.material`) is the committed key of the config that names it. The
/// tree also holds a password under a name that says nothing
/// (`-Dsf.login=...`, read by a connection: IG102's): the engine's `app_pass`
/// test holds the scan's reduced text facts to the whole Inventory on it,
/// and the CLI's masking test checks that neither value is printed.
#[test]
fn a_script_option_the_config_names_is_the_key() {
    common::assert_places(
        "IG103",
        "IG103/named-by-config",
        &[("crm-api/scripts/deploy.sh", 4)],
    );
    let findings = common::run("IG103", "IG103/named-by-config");
    let f = &findings[0];
    assert!(
        f.message
            .contains("`crypt.material` in deploy.sh is committed")
            && f.message
                .contains("the key of <secure-properties:config> `Crm_Secure_Props`"),
        "{}",
        f.message
    );
    common::assert_no_secrets(
        "IG103/named-by-config",
        &["Material-0123456789", "Hunter2-Pass-77"],
    );
}

/// A key assembled from several definitions is one finding, on the
/// definition the config names, describing the whole key (not one finding
/// per piece, each called the key).
#[test]
fn assembled_key_is_one_key() {
    let rel = "IG104/assembled-key";
    common::assert_places(
        "IG103",
        rel,
        &[
            ("parts-api/src/main/resources/config.yaml", 2),
            ("vault-api/src/main/resources/config.yaml", 2),
        ],
    );
    let findings = common::run("IG103", rel);
    let (parts, vault) = (&findings[0], &findings[1]);
    assert!(
        vault.message.starts_with(
            "vault-api: `app.crypt` in config.yaml and `vault.k` in config.yaml are committed, assembled into the key of <secure-properties:config> `sp` (16 characters, sha256:"
        ),
        "{}",
        vault.message
    );
    assert!(
        vault
            .related
            .iter()
            .any(|r| r.line == 4 && r.message == "part of the key: `vault.k` in config.yaml"),
        "{:#?}",
        vault.related
    );
    assert!(
        vault
            .fix
            .starts_with("Delete `app.crypt` from config.yaml and `vault.k` from config.yaml"),
        "{}",
        vault.fix
    );
    assert!(
        parts
            .message
            .contains("<global-property name=\"enc.part\"> in global.xml")
            && parts.message.contains("(16 characters, sha256:"),
        "{}",
        parts.message
    );
    let pieces: Vec<(String, u32)> = parts
        .related
        .iter()
        .filter(|r| r.message.starts_with("part of the key"))
        .map(|r| (r.path.rsplit('/').next().unwrap().to_string(), r.line))
        .collect();
    assert_eq!(
        pieces,
        vec![
            ("global.xml".to_string(), 4),
            ("config.yaml".to_string(), 3)
        ]
    );
    for f in &findings {
        let text = format!("{} {} {:?}", f.message, f.fix, f.related);
        for k in ["Vault-K3y-123456", "Vault-K3y-12", "Parts-K3y-", "16byte"] {
            assert!(!text.contains(k), "key {k:?} in {text}");
        }
    }
}

/// The secure-properties key given to a container: a Dockerfile's `ENV`
/// continued over lines, and a Kubernetes Deployment's `env` entry.
#[test]
fn dockerfile_and_kubernetes_env() {
    let rel = "IG102/containers";
    common::assert_places(
        "IG103",
        rel,
        &[
            ("shipments-api/Dockerfile", 5),
            ("shipments-api/deploy/k8s/deployment.yaml", 26),
        ],
    );
    let findings = common::run("IG103", rel);
    for f in &findings {
        assert!(
            f.message
                .contains("the key of <secure-properties:config> `Secure_Props`"),
            "{}",
            f.message
        );
    }
    let docker = common::finding_at(&findings, "shipments-api/Dockerfile", 5);
    assert!(
        docker.fix.starts_with("Delete `MULE_KEY` from Dockerfile")
            && docker.fix.contains("docker run -e MULE_KEY"),
        "{}",
        docker.fix
    );
    let k8s = common::finding_at(&findings, "deploy/k8s/deployment.yaml", 26);
    assert!(
        k8s.fix
            .starts_with("Replace the `value:` of `MULE_KEY` in deployment.yaml with `valueFrom:"),
        "{}",
        k8s.fix
    );
    common::assert_clean("IG103", "IG102/containers-negative");
}

/// The key among a Mule Maven plugin deployment's `<secureProperties>` in
/// the pom (fixture shared with IG102's `pom_deployment_settings`).
#[test]
fn pom_deployment_secure_properties() {
    let rel = "IG102/pom-deployment";
    common::assert_places("IG103", rel, &[("orders-api/pom.xml", 30)]);
    let findings = common::run("IG103", rel);
    assert!(
        findings[0]
            .message
            .starts_with("orders-api: `encryption.key` in pom.xml is committed"),
        "{}",
        findings[0].message
    );
    for f in &findings {
        let all = format!("{} {} {:?}", f.message, f.fix, f.related);
        assert!(!all.contains("Pom-Deploy-Key-16"), "{all}");
    }
}

/// The key among the system properties the MUnit plugin runs the app with
/// (`<systemPropertyVariables><mule.key>`) is committed like any other in
/// the pom.
#[test]
fn key_in_the_munit_plugins_system_properties() {
    let rel = "IG103/munit-plugin";
    common::assert_places("IG103", rel, &[("payments-api/pom.xml", 18)]);
    for f in common::run("IG103", rel) {
        let all = format!("{} {} {:?}", f.message, f.fix, f.related);
        assert!(!all.contains("PaymentsMunitK3y"), "{all}");
    }
}

/// Found by testing as a user would: a key kept in the secure file its
/// config decrypts is committed all the same (IG103 at its line), but the
/// config does not "take its key from here": `${encryption.key}` reads
/// plain files only, and the file needs the key first.
#[test]
fn a_key_in_the_secure_file_it_opens() {
    const F: &str = "billing-sapi/src/main/resources/dev-secure.yaml";
    common::assert_places("IG103", "IG103/key-in-secure-file", &[(F, 4)]);
    let f = &common::run("IG103", "IG103/key-in-secure-file")[0];
    let related: Vec<&str> = f.related.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(
        related,
        ["<secure-properties:config> `Secure_Props` of billing-sapi names this property as its key, which Mule cannot read from a secure-properties file (the key must open the file first)"]
    );
    common::assert_no_secrets("IG103/key-in-secure-file", &["SecureFileK3y-16"]);
}
