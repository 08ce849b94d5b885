//! `fix secrets` and `--rotate-key` on fixture apps (Mule 4 YAML, Mule 4 .properties,
//! Mule 3), copied to temporary folders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use intguard_engine::{run_rules, ScanOptions};
mod common;
use common::{copy_dir, fixture};

use intguard_fix::{plan_rotation, plan_secrets, verify, verify_unchanged, Plan, SecretsOptions};
use intguard_model::{Finding, Inventory};
use mule_secure_props::{parse_encrypted_value, Algorithm, Cipher, Mode};

const KEY: &[u8] = b"MuleSecretKey16!";
const NEW_KEY: &[u8] = b"N3w-Key-For-2026";

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(d: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), out);
            } else {
                out.insert(e.path(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    walk(dir, &mut out);
    out
}

/// The app's Inventory and its IG102 findings (what `fix secrets` plans from).
fn scan(app: &Path) -> (Inventory, Vec<Finding>) {
    let (inventory, findings) = common::scan(app);
    let findings = findings.into_iter().filter(|f| f.rule == "IG102").collect();
    (inventory, findings)
}

fn plan(app: &Path) -> Plan {
    let (inventory, findings) = scan(app);
    plan_secrets(&inventory, &findings, KEY, &SecretsOptions::default()).unwrap()
}

/// The IG108 findings of the app at `app`.
fn weak_settings(app: &Path) -> Vec<Finding> {
    let (inventory, _) = scan(app);
    run_rules(
        inventory,
        &ScanOptions {
            paths: vec![app.to_path_buf()],
            ..Default::default()
        },
    )
    .findings
    .into_vec()
    .into_iter()
    .filter(|f| f.rule == "IG108")
    .collect()
}

/// The decrypted value of `name` in `file` (relative to the app).
fn decrypt(app: &Path, file: &str, name: &str, cipher: Cipher, key: &[u8]) -> String {
    let (inventory, _) = scan(app);
    let path = app.join(file).to_string_lossy().replace('\\', "/");
    let f = inventory.apps[0]
        .property_files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} not read"));
    let e = f
        .entries
        .iter()
        .find(|e| e.key() == name)
        .unwrap_or_else(|| panic!("{name} not in {path}"));
    let b64 = parse_encrypted_value(e.value()).unwrap_or_else(|| panic!("{name} not encrypted"));
    String::from_utf8(cipher.decrypt(key, b64).unwrap()).unwrap()
}

fn lines(b: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(b)
        .split_inclusive('\n')
        .map(str::to_string)
        .collect()
}

/// Every line of the original files is still there byte for byte, unless it contains one
/// of `changing` (a secret, a moved reference, the root element's namespaces).
fn untouched_lines_kept(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
    changing: &[&str],
) {
    for (path, old) in before {
        let new = lines(&after[path]);
        let mut pool = new.clone();
        for l in lines(old) {
            if let Some(i) = pool.iter().position(|n| *n == l) {
                pool.remove(i);
            } else {
                assert!(
                    changing.iter().any(|c| l.contains(c)),
                    "{}: line changed or lost: {l:?}",
                    path.display()
                );
            }
        }
    }
}

struct Case {
    fixture: &'static str,
    cipher: Cipher,
    /// (file, property, original value)
    moved: Vec<(&'static str, &'static str, &'static str)>,
    secrets: Vec<&'static str>,
    changing: Vec<&'static str>,
}

fn run_case(case: &Case) {
    let (_tmp, app) = fixture(case.fixture);
    let before = snapshot(&app);
    let (read_before, _) = scan(&app);

    // Planning (the dry run) writes nothing; its diff shows no secret.
    let p = plan(&app);
    assert!(!p.is_empty(), "{:?}", p.skipped);
    assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    let diff = p.diff();
    assert_eq!(snapshot(&app), before, "planning changed files");
    for s in &case.secrets {
        assert!(!diff.contains(s), "diff shows a secret:\n{diff}");
    }
    assert!(diff.contains('…'), "no mask in diff:\n{diff}");
    for a in &p.actions {
        for s in &case.secrets {
            assert!(!a.contains(s), "{a}");
        }
    }

    // Real run.
    p.apply().unwrap();
    let after = snapshot(&app);
    for (file, name, value) in &case.moved {
        assert_eq!(
            decrypt(&app, file, name, case.cipher, KEY),
            *value,
            "{file} {name}"
        );
    }
    for s in &case.secrets {
        for (path, bytes) in &after {
            assert!(
                !String::from_utf8_lossy(bytes).contains(s),
                "{} still holds a secret",
                path.display()
            );
        }
    }
    untouched_lines_kept(&before, &after, &case.changing);

    // Re-scan: no IG102, nothing to read back wrong, no parse problem.
    let (inventory, findings) = scan(&app);
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(
        inventory.diagnostics.is_empty(),
        "{:#?}",
        inventory.diagnostics
    );
    assert!(verify(&inventory, &p.moved, KEY).is_empty());
    let unchanged = verify_unchanged(&read_before, &inventory, &p.paths(), KEY, KEY);
    assert!(unchanged.is_empty(), "{unchanged:?}");

    // Idempotent.
    let again = plan(&app);
    assert!(again.is_empty(), "{:?}", again.actions);

    // Rotation: every value opens with the new key; a second rotation does nothing.
    let (inventory, _) = scan(&app);
    let r = plan_rotation(&inventory, KEY, NEW_KEY, false).unwrap();
    assert!(!r.is_empty());
    r.apply().unwrap();
    for (file, name, value) in &case.moved {
        assert_eq!(
            decrypt(&app, file, name, case.cipher, NEW_KEY),
            *value,
            "{file} {name}"
        );
    }
    let (inventory, _) = scan(&app);
    assert!(plan_rotation(&inventory, KEY, NEW_KEY, false)
        .unwrap()
        .is_empty());
    // A wrong old key: error listing the values, nothing planned.
    let err = plan_rotation(&inventory, b"Wrong-Key-16byte", KEY, false).unwrap_err();
    assert!(err.0.contains("does not decrypt"), "{err}");

    // --upgrade-encryption with a rotation back to the first key: every value opens with
    // AES/CBC (with random IVs but in Mule 3) and that key, the configuration says so, and
    // IG108 has nothing left to report in Mule 4 (Mule 3 has no random IVs at all).
    let mule4 = case.fixture != "mule3-app";
    let strong = Cipher::new(Algorithm::Aes, Mode::Cbc, mule4);
    let before = snapshot(&app);
    let u = plan_rotation(&inventory, NEW_KEY, KEY, true).unwrap();
    u.apply().unwrap();
    for (file, name, value) in &case.moved {
        assert_eq!(
            decrypt(&app, file, name, strong, KEY),
            *value,
            "{file} {name}"
        );
    }
    let settings_changed = case.cipher != strong;
    let xml_changed = u
        .changes
        .iter()
        .any(|c| c.path.extension().is_some_and(|e| e == "xml"));
    assert_eq!(xml_changed, settings_changed, "{:?}", u.actions);
    untouched_lines_kept(
        &before,
        &snapshot(&app),
        &["![", "<secure-properties:encrypt"],
    );
    let (inventory, _) = scan(&app);
    assert!(verify(&inventory, &u.moved, KEY).is_empty());
    assert!(plan_rotation(&inventory, KEY, KEY, true)
        .unwrap()
        .is_empty());
    assert!(plan_rotation(&inventory, NEW_KEY, KEY, true)
        .unwrap()
        .is_empty());
    let weak = weak_settings(&app);
    assert_eq!(weak.is_empty(), mule4, "{weak:#?}");
}

#[test]
fn mule4_yaml_app_without_secure_config() {
    let case = Case {
        fixture: "mule4-yaml",
        cipher: Cipher::new(Algorithm::Aes, Mode::Cbc, true),
        moved: vec![
            (
                "src/main/resources/properties/dev-secure.yaml",
                "sfdc.password",
                "Tiger2024!dev",
            ),
            (
                "src/main/resources/properties/dev-secure.yaml",
                "sfdc.token",
                "aB3dE5fG7hJ9kL1mN3pQ5rS7",
            ),
            (
                "src/main/resources/properties/prod-secure.yaml",
                "sfdc.password",
                "Pr0d-S3cret: with # and 'quotes'",
            ),
            (
                "src/main/resources/properties/prod-secure.yaml",
                "sfdc.token",
                "xY9wV8uT7sR6qP5oN4mL3kJ2",
            ),
            (
                "src/main/resources/properties/dev-secure.yaml",
                "erp_request.password",
                "Erp&Pass-2024!",
            ),
            (
                "src/main/resources/properties/prod-secure.yaml",
                "erp_request.password",
                "Erp&Pass-2024!",
            ),
        ],
        secrets: vec![
            "Tiger2024!dev",
            "aB3dE5fG7hJ9kL1mN3pQ5rS7",
            "Pr0d-S3cret",
            "xY9wV8uT7sR6qP5oN4mL3kJ2",
            "Erp&amp;Pass",
        ],
        changing: vec![
            "Tiger2024",
            "aB3dE5",
            "Pr0d-S3cret",
            "xY9wV8",
            "Erp&amp;Pass",
            "${sfdc.password}",
            "${sfdc.token}",
            "xmlns:xsi",
            "mule-http.xsd",
            "{\n",
        ],
    };
    run_case(&case);
}

#[test]
fn mule4_yaml_edits_in_detail() {
    let (_tmp, app) = fixture("mule4-yaml");
    plan(&app).apply().unwrap();
    let read = |f: &str| std::fs::read_to_string(app.join(f)).unwrap();
    assert_eq!(
        read("src/main/resources/properties/dev.yaml"),
        "# Development settings\nhttp:\n  port: \"8081\"\n\nsfdc:\n  username: \"int.orders@acme.com.dev\"\nerp:\n  host: erp-dev.example.com\n"
    );
    let secure = read("src/main/resources/properties/dev-secure.yaml");
    assert!(secure.starts_with("sfdc:\n  password: \"!["), "{secure}");
    assert!(secure.contains("\n  token: \"!["), "{secure}");
    assert!(
        secure.contains("erp_request:\n  password: \"!["),
        "{secure}"
    );
    let xml = read("src/main/mule/global.xml");
    assert!(xml.contains(
        "      xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n      xmlns:secure-properties=\"http://www.mulesoft.org/schema/mule/secure-properties\"\n"
    ), "{xml}");
    assert!(xml.contains(
        "mule-http.xsd\n        http://www.mulesoft.org/schema/mule/secure-properties http://www.mulesoft.org/schema/mule/secure-properties/current/mule-secure-properties.xsd\">"
    ), "{xml}");
    assert!(xml.contains(
        "    </http:request-config>\n\n    <secure-properties:config name=\"Secure_Properties\" key=\"${encryption.key}\" file=\"properties/${mule.env}-secure.yaml\">\n        <secure-properties:encrypt algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\"/>\n    </secure-properties:config>\n\n    <flow name=\"sync-accounts\">"
    ), "{xml}");
    assert!(xml.contains("password=\"${secure::sfdc.password}\""));
    assert!(xml.contains("securityToken=\"${secure::sfdc.token}\""));
    assert!(xml.contains("username=\"${sfdc.username}\""));
    assert!(xml.contains("password=\"${secure::erp_request.password}\""));
    assert_eq!(
        read("mule-artifact.json"),
        "{\n  \"secureProperties\": [\"sfdc.password\", \"sfdc.token\", \"erp_request.password\", \"encryption.key\"],\n  \"minMuleVersion\": \"4.4.0\",\n  \"javaSpecificationVersions\": [\"17\"]\n}\n"
    );
}

/// An app that already lists a key property in mule-artifact.json
/// (`mule.key`) gets a new configuration reading that one, not a second key
/// (`encryption.key`) for Runtime Manager to be given.
#[test]
fn a_new_configuration_reads_the_key_the_app_declares() {
    let (_tmp, app) = fixture("mule4-yaml");
    std::fs::write(
        app.join("mule-artifact.json"),
        "{\n  \"minMuleVersion\": \"4.4.0\",\n  \"secureProperties\": [\"mule.key\"]\n}\n",
    )
    .unwrap();
    let plan = plan(&app);
    assert!(
        plan.actions
            .iter()
            .any(|a| a.ends_with("with key ${mule.key}")),
        "{:?}",
        plan.actions
    );
    plan.apply().unwrap();
    let read = |f: &str| std::fs::read_to_string(app.join(f)).unwrap();
    let xml = read("src/main/mule/global.xml");
    assert!(
        xml.contains("<secure-properties:config name=\"Secure_Properties\" key=\"${mule.key}\""),
        "{xml}"
    );
    let artifact = read("mule-artifact.json");
    assert!(!artifact.contains("encryption.key"), "{artifact}");
}

/// Found by testing an estate: an app that imports a common file before
/// the environment's (`properties/common.yaml`, then
/// `properties/${mule.env}.yaml`) was given one secure file for every
/// environment (`properties/secure.yaml`, after the first import): IG102's
/// fix named it as "the environment's secure properties file", and `fix
/// secrets` refused every secret ("different values per environment, but
/// one secure file"). The new file follows the import that names the
/// environment.
#[test]
fn a_new_configuration_follows_the_environment_import_after_a_common_one() {
    let (_tmp, app) = fixture("mule4-yaml");
    let xml_path = app.join("src/main/mule/global.xml");
    let xml = std::fs::read_to_string(&xml_path).unwrap().replace(
        "    <configuration-properties file=\"properties/${mule.env}.yaml\"/>",
        "    <configuration-properties file=\"properties/common.yaml\"/>\n    <configuration-properties file=\"properties/${mule.env}.yaml\"/>",
    );
    std::fs::write(&xml_path, xml).unwrap();
    std::fs::write(
        app.join("src/main/resources/properties/common.yaml"),
        "http:\n  port: \"8081\"\n",
    )
    .unwrap();
    let (_, findings) = scan(&app);
    let in_files: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.location.path.ends_with(".yaml"))
        .collect();
    assert!(!in_files.is_empty(), "{findings:#?}");
    for f in &in_files {
        assert!(
            f.fix.contains(
                "(properties/${mule.env}-secure.yaml, read by a new <secure-properties:config>)"
            ),
            "{}",
            f.fix
        );
    }
    let plan = plan(&app);
    assert!(plan.skipped.is_empty(), "{:?}", plan.skipped);
    plan.apply().unwrap();
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    assert!(
        xml.contains("file=\"properties/${mule.env}-secure.yaml\""),
        "{xml}"
    );
    for env in ["dev", "prod"] {
        assert!(
            app.join(format!("src/main/resources/properties/{env}-secure.yaml"))
                .exists(),
            "{env}"
        );
    }
    assert!(!app
        .join("src/main/resources/properties/secure.yaml")
        .exists());
}

#[test]
fn mule4_properties_app_with_existing_config() {
    let cipher = Cipher::new(Algorithm::Blowfish, Mode::Cfb, false);
    let case = Case {
        fixture: "mule4-props",
        cipher,
        moved: vec![
            (
                "src/main/resources/secure-dev.properties",
                "sf.password",
                "PlainDevPassword1",
            ),
            (
                "src/main/resources/secure-dev.properties",
                "sf.consumerSecret",
                "CS-dev-123456",
            ),
            (
                "src/main/resources/secure-dev.properties",
                "db.password",
                "Db-Dev-Pa55",
            ),
            (
                "src/main/resources/secure-prod.properties",
                "db.password",
                "Db-Prod-Pa55!",
            ),
            (
                "src/main/resources/secure-prod.properties",
                "sf.password",
                "Prod-Password-9",
            ),
        ],
        secrets: vec!["PlainDevPassword1", "Db-Dev-Pa55", "Db-Prod-Pa55!"],
        changing: vec![
            "PlainDevPassword1",
            "Db-Dev-Pa55",
            "Db-Prod-Pa55!",
            "db.password",
            "\"encryption.key\"",
            "consumerSecret=",
        ],
    };
    run_case(&case);
}

#[test]
fn mule4_properties_edits_in_detail() {
    let (_tmp, app) = fixture("mule4-props");
    let p = plan(&app);
    let diff = p.diff();
    assert!(diff.contains("-db.password = Db…(11)\n"), "{diff}");
    assert!(diff.contains("-sf.password=Pl…(17)\n"), "{diff}");
    p.apply().unwrap();
    let read = |f: &str| std::fs::read_to_string(app.join(f)).unwrap();
    assert_eq!(
        read("src/main/resources/config-dev.properties"),
        "# dev\nsf.consumerKey=3MVG9dev\nsf.user=int@acme.dev\ndb.pool=5\n"
    );
    let dev = read("src/main/resources/secure-dev.properties");
    assert!(dev.starts_with("# secure values (Blowfish/CFB)\nsf.consumerSecret=![5iO4yX+V1N2UlbA6g8yzmg==]\nsf.password=!["), "{dev}");
    assert!(dev.contains("\ndb.password=!["), "{dev}");
    let xml = read("src/main/mule/app.xml");
    assert!(xml.contains("password=\"${secure::db.password}\""));
    assert!(xml.contains("#[p(&quot;secure::db.password&quot;) == null]"));
    assert_eq!(
        read("mule-artifact.json"),
        "{\n    \"minMuleVersion\": \"4.6.0\",\n    \"secureProperties\": [\n        \"encryption.key\",\n        \"db.password\"\n    ]\n}\n"
    );
}

#[test]
fn mule3_app() {
    let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, false);
    let case = Case {
        fixture: "mule3-app",
        cipher,
        moved: vec![
            (
                "src/main/resources/secure.dev.properties",
                "sfdc.password",
                "Legacy-Dev-1",
            ),
            (
                "src/main/resources/secure.prod.properties",
                "sfdc.password",
                "Legacy-Prod-2",
            ),
            (
                "src/main/resources/secure.dev.properties",
                "sfdc.securityToken",
                "Tok3nLiteralValue99",
            ),
            (
                "src/main/resources/secure.prod.properties",
                "sfdc.securityToken",
                "Tok3nLiteralValue99",
            ),
            // A Spring bean property: its `value` attribute.
            (
                "src/main/resources/secure.dev.properties",
                "ordersdatasource.password",
                "Orders-Db-Pass-3",
            ),
            (
                "src/main/resources/secure.prod.properties",
                "ordersdatasource.password",
                "Orders-Db-Pass-3",
            ),
        ],
        secrets: vec![
            "Legacy-Dev-1",
            "Legacy-Prod-2",
            "Tok3nLiteralValue99",
            "Orders-Db-Pass-3",
        ],
        changing: vec![
            "Legacy-",
            "Tok3nLiteralValue99",
            "Orders-Db-Pass-3",
            "xmlns:xsi",
            "mule-sfdc.xsd",
        ],
    };
    run_case(&case);
}

#[test]
fn mule3_edits_in_detail() {
    let (_tmp, app) = fixture("mule3-app");
    plan(&app).apply().unwrap();
    let read = |f: &str| std::fs::read_to_string(app.join(f)).unwrap();
    let xml = read("src/main/app/orders.xml");
    // Mule 3: plain references stay.
    assert!(
        xml.contains("password=\"${sfdc.password}\" securityToken=\"${sfdc.securityToken}\""),
        "{xml}"
    );
    assert!(
        xml.contains("<spring:property name=\"password\" value=\"${ordersdatasource.password}\"/>"),
        "{xml}"
    );
    assert!(xml.contains("  <secure-property-placeholder:config name=\"Secure_Property_Placeholder\" key=\"${encryption.key}\" location=\"secure.${env}.properties\" encryptionAlgorithm=\"AES\" encryptionMode=\"CBC\"/>\n\n  <flow name=\"orders\">"), "{xml}");
    assert_eq!(
        read("src/main/resources/mule.prod.properties"),
        "sfdc.username=legacy@acme.com\r\n"
    );
    assert!(!app.join("mule-artifact.json").exists());
}

#[test]
fn wrong_key_for_existing_values_is_refused() {
    let (_tmp, app) = fixture("mule4-props");
    let (inventory, findings) = scan(&app);
    let err = plan_secrets(
        &inventory,
        &findings,
        b"Another-Key-0000",
        &SecretsOptions::default(),
    )
    .unwrap_err();
    assert!(err.0.contains("does not decrypt"), "{err}");
    assert!(!err.0.contains("Another-Key"), "{err}");
}

/// A property file saved as UTF-16 (Windows PowerShell 5's `Out-File`
/// writes UTF-16LE with a byte order mark) is read by the scan, but fix
/// secrets edits UTF-8 text only: it refuses, naming the file and what to do,
/// not with "stream did not contain valid UTF-8", and changes nothing.
#[test]
fn a_utf16_property_file_is_refused_with_what_to_do() {
    let (_tmp, app) = fixture("mule4-props");
    let file = app.join("src/main/resources/config-dev.properties");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace('\n', "\r\n");
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(&file, utf16).unwrap();
    let before = snapshot(&app);
    let (inventory, findings) = scan(&app);
    assert!(
        findings
            .iter()
            .any(|f| f.location.path.as_str().ends_with("config-dev.properties")),
        "{findings:#?}"
    );
    let err = plan_secrets(&inventory, &findings, KEY, &SecretsOptions::default()).unwrap_err();
    assert!(err.0.contains("config-dev.properties"), "{err}");
    assert!(err.0.contains("saved as UTF-16"), "{err}");
    assert!(err.0.contains("save it as UTF-8"), "{err}");
    assert!(err.0.contains("Nothing was changed"), "{err}");
    assert_eq!(snapshot(&app), before);
}

/// A `.properties` file saved as ISO-8859-1 / Windows-1252 (a comment and a
/// password with `é` and `£` as single bytes) is read by the scan as Java
/// reads it, its secrets reported; fix secrets edits UTF-8 text only, and
/// which encoding Mule reads decides what the secret is: it refuses, naming
/// the file and what to do (not "stream did not contain valid UTF-8"), and
/// changes nothing.
#[test]
fn a_latin1_property_file_is_refused_with_what_to_do() {
    let (_tmp, app) = fixture("mule4-props");
    let file = app.join("src/main/resources/config-dev.properties");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut latin1 = b"# Configuraci\xf3n de desarrollo\n".to_vec();
    for line in text.lines() {
        if line.contains("password") && !line.contains("![") {
            let key = line.split(['=', ':']).next().unwrap().trim();
            latin1.extend_from_slice(key.as_bytes());
            latin1.extend_from_slice(b"=Caf\xe9Cr\xe8me\xa3Pw9\n");
        } else {
            latin1.extend_from_slice(line.as_bytes());
            latin1.push(b'\n');
        }
    }
    std::fs::write(&file, &latin1).unwrap();
    let before = snapshot(&app);
    let (inventory, findings) = scan(&app);
    let clear: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            f.rule == "IG102" && f.location.path.as_str().ends_with("config-dev.properties")
        })
        .collect();
    assert!(!clear.is_empty(), "{findings:#?}");
    // Read as written, as Java reads it (not as replacement characters).
    let described = intguard_model::secret::describe("Caf\u{e9}Cr\u{e8}me\u{a3}Pw9");
    assert!(
        clear.iter().any(|f| f.message.contains(&described)),
        "{described}: {clear:#?}"
    );
    let err = plan_secrets(&inventory, &findings, KEY, &SecretsOptions::default()).unwrap_err();
    assert!(err.0.contains("config-dev.properties"), "{err}");
    assert!(err.0.contains("not valid UTF-8"), "{err}");
    assert!(err.0.contains("Save it as UTF-8"), "{err}");
    assert!(err.0.contains("Nothing was changed"), "{err}");
    assert!(!err.0.contains("Caf"), "{err}");
    assert_eq!(snapshot(&app), before);
}

/// Credentials HTTP requests send (IG102): a request config's default header
/// (`value="…"` -> `${secure::…}`), DataWeave header and query-parameter
/// maps and a DataWeave body object (`'…'` -> `p('secure::…')`, keeping the
/// string's quote), named as IG102's fix names them; the same value sent
/// twice becomes one property, another value under a taken name a numbered
/// one.
#[test]
fn mule4_http_credentials() {
    let secrets = vec![
        "PartnerT0ken-55810",
        "K3y-9981-partner",
        "Cs-77aa-91bb-partner",
        "Pt-Cs-4471-secret",
    ];
    let secure = |env: &str| format!("src/main/resources/properties/{env}-secure.yaml");
    let mut moved = Vec::new();
    for env in ["dev", "prod"] {
        let file: &'static str = Box::leak(secure(env).into_boxed_str());
        moved.push((
            file,
            "partner_request.authorization",
            "Bearer PartnerT0ken-55810",
        ));
        moved.push((file, "partner_request.x_api_key", "K3y-9981-partner"));
        moved.push((
            file,
            "partner_request.client_secret",
            "Cs-77aa-91bb-partner",
        ));
        moved.push((file, "partner_request.client_secret2", "Pt-Cs-4471-secret"));
    }
    let case = Case {
        fixture: "mule4-http",
        cipher: Cipher::new(Algorithm::Aes, Mode::Cbc, true),
        moved,
        secrets: secrets.clone(),
        changing: [secrets.as_slice(), &["xmlns:xsi", "mule-http.xsd", "{\n"]].concat(),
    };
    run_case(&case);
}

#[test]
fn mule4_http_credentials_edits_in_detail() {
    let (_tmp, app) = fixture("mule4-http");
    let p = plan(&app);
    assert_eq!(
        p.actions
            .iter()
            .filter(|a| a.starts_with("replace "))
            .count(),
        5,
        "{:#?}",
        p.actions
    );
    p.apply().unwrap();
    let xml = std::fs::read_to_string(app.join("src/main/mule/partner.xml")).unwrap();
    for expected in [
        "<http:default-header key=\"Authorization\" value=\"${secure::partner_request.authorization}\"/>",
        "                'x-api-key': p('secure::partner_request.x_api_key'),\n                'Accept': 'application/json'",
        "<http:query-params>#[{\"client_secret\": p(\"secure::partner_request.client_secret\")}]</http:query-params>",
        "<http:headers><![CDATA[#[{'x-api-key': p('secure::partner_request.x_api_key')}]]]></http:headers>",
        "client_id: \"partner-client\", client_secret: p(\"secure::partner_request.client_secret2\") }]]]></http:body>",
        "<secure-properties:config name=\"Secure_Properties\" key=\"${encryption.key}\" file=\"properties/${mule.env}-secure.yaml\">",
    ] {
        assert!(xml.contains(expected), "{expected}\n---\n{xml}");
    }
    assert_eq!(
        std::fs::read_to_string(app.join("mule-artifact.json")).unwrap(),
        "{\n  \"secureProperties\": [\"partner_request.authorization\", \"partner_request.x_api_key\", \"partner_request.client_secret\", \"partner_request.client_secret2\", \"encryption.key\"],\n  \"minMuleVersion\": \"4.6.0\"\n}\n"
    );
}

/// A Mule 4 app `partner-api` under `dir` whose one configuration file,
/// `src/main/mule/partner.xml`, is `xml`.
fn partner_app(dir: &Path, xml: &str) -> PathBuf {
    let app = dir.join("partner-api");
    std::fs::create_dir_all(app.join("src/main/mule")).unwrap();
    std::fs::write(
        app.join("mule-artifact.json"),
        "{\"minMuleVersion\": \"4.6.0\"}\n",
    )
    .unwrap();
    std::fs::write(app.join("src/main/mule/partner.xml"), xml).unwrap();
    app
}

/// Credentials the fix cannot rewrite safely (a DataWeave string with an
/// escape, a form pair in a string that opens on an earlier line) are listed
/// as skipped, naming what they are, and no file changes.
#[test]
fn http_credentials_it_cannot_locate_are_skipped_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <flow name="get-stock">
    <http:request method="GET" url="https://partner.acme.com/stock">
      <http:headers><![CDATA[#[{'x-api-key': 'K3y\'9981-partner'}]]]></http:headers>
    </http:request>
    <http:request method="POST" url="https://partner.acme.com/oauth/token">
      <http:body>#['grant_type=client_credentials&amp;client_id=partner
&amp;client_secret=PartnerForm-5521']</http:body>
    </http:request>
  </flow>
</mule>
"#,
    );
    let before = snapshot(&app);
    let (_, findings) = scan(&app);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let p = plan(&app);
    assert!(p.is_empty(), "{:#?}", p.actions);
    assert_eq!(p.skipped.len(), 2, "{:?}", p.skipped);
    assert!(
        p.skipped[0].contains(
            "header `x-api-key` of an HTTP request: not a plain one-line DataWeave string; move it to a secure property by hand"
        ),
        "{:?}",
        p.skipped
    );
    assert!(
        p.skipped[1].contains(
            "body field `client_secret` of an HTTP request: a pair in a string that spans lines; move it to a secure property by hand"
        ),
        "{:?}",
        p.skipped
    );
    for s in &p.skipped {
        assert!(
            !s.contains("9981-partner") && !s.contains("PartnerForm-5521"),
            "{s}"
        );
    }
    assert_eq!(before, snapshot(&app));
}

/// A Mule 4 Spring beans file's secrets are left to the user, named, with no
/// file changed: `secure::` is not documented to resolve in Spring beans, so
/// the fix cannot move them to the app's secure properties.
#[test]
fn mule4_spring_beans_file_is_left_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:spring="http://www.mulesoft.org/schema/mule/spring">
  <spring:config name="springConfig" files="beans.xml"/>
</mule>
"#,
    );
    std::fs::create_dir_all(app.join("src/main/resources")).unwrap();
    std::fs::write(
        app.join("src/main/resources/beans.xml"),
        r#"<beans xmlns="http://www.springframework.org/schema/beans">
  <bean id="partnerDs" class="org.apache.commons.dbcp2.BasicDataSource">
    <property name="password" value="Partn3r-Db-88"/>
  </bean>
</beans>
"#,
    )
    .unwrap();
    let before = snapshot(&app);
    let (_, findings) = scan(&app);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let p = plan(&app);
    assert!(p.is_empty(), "{:#?}", p.actions);
    assert_eq!(p.skipped.len(), 1, "{:?}", p.skipped);
    assert!(
        p.skipped[0].ends_with(
            "beans.xml:3:31: `password` is in a Spring beans file: replace it with a placeholder supplied at deploy time by hand (the finding's fix says how)"
        ),
        "{:?}",
        p.skipped
    );
    assert!(!p.skipped[0].contains("Partn3r-Db-88"));
    assert_eq!(before, snapshot(&app));
}

/// Mule 4: a clear `.properties` value that a Spring beans file reads as
/// `${db.password}` is not moved to a secure file (the bean would not read
/// `secure::`): it is listed by name. Another clear secret of the same file,
/// read by a Mule connector, still moves.
#[test]
fn mule4_property_read_by_spring_beans_is_left_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:spring="http://www.mulesoft.org/schema/mule/spring" xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <configuration-properties file="spring.properties"/>
  <spring:config name="springConfig" files="beans.xml"/>
  <http:request-config name="Partner_Request">
    <http:request-connection host="partner.acme.com" protocol="HTTPS" port="443">
      <http:authentication>
        <http:basic-authentication username="partner" password="${partner.password}"/>
      </http:authentication>
    </http:request-connection>
  </http:request-config>
</mule>
"#,
    );
    std::fs::create_dir_all(app.join("src/main/resources")).unwrap();
    std::fs::write(
        app.join("src/main/resources/beans.xml"),
        r#"<beans xmlns="http://www.springframework.org/schema/beans">
  <bean id="partnerDs" class="org.apache.commons.dbcp2.BasicDataSource">
    <property name="password" value="${db.password}"/>
  </bean>
</beans>
"#,
    )
    .unwrap();
    std::fs::write(
        app.join("src/main/resources/spring.properties"),
        "db.password=Partn3r-Db-88\npartner.password=Partn3r-Http-41\n",
    )
    .unwrap();
    let (_, findings) = scan(&app);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let p = plan(&app);
    assert_eq!(p.skipped.len(), 1, "{:?}", p.skipped);
    assert!(
        p.skipped[0].ends_with(
            "spring.properties:1:1: `db.password` is read by a Spring beans file: supply it at deploy time by hand (the finding's fix says how)"
        ),
        "{:?}",
        p.skipped
    );
    let moved: Vec<&str> = p.moved.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(moved, ["partner.password"], "{:#?}", p.actions);
    let shown = format!("{:?} {:?}", p.skipped, p.actions);
    for secret in ["Partn3r-Db-88", "Partn3r-Http-41"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

/// A name defined both for every environment and for one: the secure file
/// of each environment gets the definition Mule reads there. Mule 4 keeps a
/// property's first definition, and common.properties is imported first.
#[test]
fn each_environment_gets_the_definition_mule_reads() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <configuration-properties file="common.properties"/>
  <configuration-properties file="${env}.properties"/>
  <http:request-config name="Partner_Request">
    <http:request-connection host="${partner.host}" protocol="HTTPS" port="443">
      <http:authentication>
        <http:basic-authentication username="partner" password="${partner.password}"/>
      </http:authentication>
    </http:request-connection>
  </http:request-config>
</mule>
"#,
    );
    let resources = app.join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    for (file, text) in [
        ("common.properties", "partner.password=Common-Pw-71\n"),
        (
            "dev.properties",
            "partner.host=dev.partner.example\npartner.password=Dev-Pw-72\n",
        ),
        ("prod.properties", "partner.host=partner.example\n"),
    ] {
        std::fs::write(resources.join(file), text).unwrap();
    }
    let p = plan(&app);
    assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    let moved: Vec<&str> = p.moved.iter().map(|m| m.name.as_str()).collect();
    // One move per environment's secure file.
    assert_eq!(
        moved,
        ["partner.password", "partner.password"],
        "{:#?}",
        p.actions
    );
    p.apply().unwrap();
    // Both environments read common.properties' value: each environment's
    // secure file (after the `${env}` import) gets it.
    let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    for env in ["dev", "prod"] {
        assert_eq!(
            decrypt(
                &app,
                &format!("src/main/resources/{env}-secure.yaml"),
                "partner.password",
                cipher,
                KEY
            ),
            "Common-Pw-71"
        );
    }
    for (path, bytes) in snapshot(&app) {
        let text = String::from_utf8_lossy(&bytes);
        for secret in ["Common-Pw-71", "Dev-Pw-72"] {
            assert!(
                !text.contains(secret),
                "{} still holds {secret}",
                path.display()
            );
        }
    }
}

/// Mule 3: a request-builder header and a form pair of a literal payload
/// become `${…}` (Mule 3 has no `secure::` prefix), read from the
/// secure-property-placeholder file the fix declares.
#[test]
fn mule3_http_header_becomes_a_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("legacy");
    std::fs::create_dir_all(app.join("src/main/app")).unwrap();
    std::fs::write(
        app.join("mule-project.xml"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mule-project xmlns=\"http://www.mulesoft.com/tooling/project\" runtimeId=\"org.mule.tooling.server.3.9.5.ee\" schemaVersion=\"5.3.0.0\">\n    <name>legacy</name>\n</mule-project>\n",
    )
    .unwrap();
    std::fs::write(
        app.join("src/main/app/legacy.xml"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http">
    <http:request-config name="Partner_Request" protocol="HTTPS" host="partner.acme.com" port="443"/>
    <flow name="get-stock">
        <http:request config-ref="Partner_Request" path="/stock" method="GET">
            <http:request-builder>
                <http:header headerName="Authorization" value="Basic c3ZjOkxlZ2FjeVBhc3MtOTk="/>
            </http:request-builder>
        </http:request>
    </flow>
    <flow name="token-m3">
        <set-payload value="grant_type=password&amp;username=svc.legacy&amp;password=LegacyForm-3391"/>
        <http:request config-ref="Partner_Request" path="/oauth/token" method="POST"/>
    </flow>
</mule>
"#,
    )
    .unwrap();
    let p = plan(&app);
    assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    assert!(!p.diff().contains("c3ZjOkxl"), "{}", p.diff());
    p.apply().unwrap();
    let xml = std::fs::read_to_string(app.join("src/main/app/legacy.xml")).unwrap();
    assert!(
        xml.contains(
            "<http:header headerName=\"Authorization\" value=\"${partner_request.authorization}\"/>"
        ),
        "{xml}"
    );
    assert!(!xml.contains("c3ZjOkxl"), "{xml}");
    // A form pair of a literal payload: a placeholder inside the text.
    assert!(
        xml.contains(
            "<set-payload value=\"grant_type=password&amp;username=svc.legacy&amp;password=${partner_request.password}\"/>"
        ),
        "{xml}"
    );
    assert_eq!(
        decrypt(
            &app,
            "src/main/resources/properties/secure.properties",
            "partner_request.password",
            Cipher::new(Algorithm::Aes, Mode::Cbc, false),
            KEY
        ),
        "LegacyForm-3391"
    );
    assert_eq!(
        decrypt(
            &app,
            "src/main/resources/properties/secure.properties",
            "partner_request.authorization",
            Cipher::new(Algorithm::Aes, Mode::Cbc, false),
            KEY
        ),
        "Basic c3ZjOkxlZ2FjeVBhc3MtOTk="
    );
    let (_, findings) = scan(&app);
    assert!(findings.is_empty(), "{findings:#?}");
}

/// Form pairs (`name=value` in a form-encoded string): Mule 4 cuts the
/// string around the value and appends the property, with the string's own
/// quote as written (`"`, `'`, `&quot;`), closing it when the value ended
/// it; Mule 3 and a literal `set-payload` value read it as a placeholder
/// inside the text. The values move to the secure file and decrypt back; the
/// rest of each string is kept; a re-scan finds nothing.
#[test]
fn form_pairs_are_cut_out_of_their_strings() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r##"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <http:request-config name="Partner_Request">
    <http:request-connection protocol="HTTPS" host="partner.acme.com" port="443"/>
  </http:request-config>
  <flow name="token-flow">
    <http:request method="POST" config-ref="Partner_Request" path="/oauth/token">
      <http:body><![CDATA[#["grant_type=password&username=svc.partner&password=PartnerEnd-4410"]]]></http:body>
    </http:request>
    <http:request method="POST" config-ref="Partner_Request" path="/oauth/token">
      <http:body>#['grant_type=client_credentials&amp;client_secret=PartnerMid-7731&amp;scope=api']</http:body>
    </http:request>
  </flow>
  <flow name="refresh-flow">
    <set-payload value="#[&quot;grant_type=refresh_token&amp;refresh_token=PartnerQuot-1187&quot;]"/>
    <http:request method="POST" config-ref="Partner_Request" path="/oauth/token"/>
  </flow>
</mule>
"##,
    );
    let (_, findings) = scan(&app);
    assert_eq!(findings.len(), 3, "{findings:#?}");
    let p = plan(&app);
    assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    for s in ["PartnerEnd-4410", "PartnerMid-7731", "PartnerQuot-1187"] {
        assert!(!p.diff().contains(s), "{s} in {}", p.diff());
    }
    p.apply().unwrap();
    let xml = std::fs::read_to_string(app.join("src/main/mule/partner.xml")).unwrap();
    for expected in [
        r##"<http:body><![CDATA[#["grant_type=password&username=svc.partner&password=" ++ p("secure::partner_request.password")]]]></http:body>"##,
        r##"<http:body>#['grant_type=client_credentials&amp;client_secret=' ++ p('secure::partner_request.client_secret') ++ '&amp;scope=api']</http:body>"##,
        r##"<set-payload value="#[&quot;grant_type=refresh_token&amp;refresh_token=&quot; ++ p(&quot;secure::partner_request.refresh_token&quot;)]"/>"##,
    ] {
        assert!(xml.contains(expected), "{expected}\n---\n{xml}");
    }
    // No property file yet: the fix creates one, for every environment.
    let file = "src/main/resources/properties/secure.yaml";
    for (name, value) in [
        ("partner_request.password", "PartnerEnd-4410"),
        ("partner_request.client_secret", "PartnerMid-7731"),
        ("partner_request.refresh_token", "PartnerQuot-1187"),
    ] {
        assert_eq!(
            decrypt(
                &app,
                file,
                name,
                Cipher::new(Algorithm::Aes, Mode::Cbc, true),
                KEY
            ),
            value
        );
    }
    let (_, findings) = scan(&app);
    assert!(findings.is_empty(), "{findings:#?}");
}

/// The secure property each IG102 finding on a literal in the XML proposes
/// (`secure::name` in its fix), in location order.
fn proposed_names(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.location.path.ends_with(".xml"))
        .filter_map(|f| {
            let at = f.fix.find("secure::")? + "secure::".len();
            let name: String = f.fix[at..]
                .chars()
                .take_while(|c| !matches!(c, '}' | '\'' | '"'))
                .collect();
            Some(name)
        })
        .collect()
}

/// The new secure properties a plan writes for literals in the XML, in the
/// order it replaces them.
fn written_names(plan: &Plan) -> Vec<String> {
    plan.actions
        .iter()
        .filter_map(|a| {
            a.split("with a reference to the new secure property `")
                .nth(1)
                .map(|rest| rest.trim_end_matches('`').to_string())
        })
        .collect()
}

/// What IG102's fixes propose for literals in the XML is what `fix secrets`
/// writes: two connections' passwords under two names, a name the app
/// already reads left alone, several credentials a request config sends
/// numbered. The apps are IG102's own fixtures.
#[test]
fn ig102_fixes_propose_the_names_fix_secrets_writes() {
    let rules_fixtures =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/tests/fixtures/IG102");
    for (rel, want) in [
        (
            "connection-names/orders-billing-api",
            &["sfdc.password", "sf_billing.password"][..],
        ),
        (
            "connection-names/defined-name-api",
            &["sf_leads.password"][..],
        ),
        ("body-positive/token-client", &[][..]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("app");
        copy_dir(&rules_fixtures.join(rel), &app);
        let (_, findings) = scan(&app);
        let proposed = proposed_names(&findings);
        let p = plan(&app);
        assert_eq!(proposed, written_names(&p), "{rel}: {:#?}", p.skipped);
        if !want.is_empty() {
            assert_eq!(proposed, want, "{rel}");
        }
    }
}

/// Settings read from properties (`algorithm="${secure.algorithm}"`, Blowfish in dev and
/// AES in prod, fixed IVs in both): each file's values are rotated with the cipher of its
/// environment, and `--upgrade-encryption` writes AES/CBC with random IVs in the XML,
/// re-encrypts each environment's values from its own cipher, and names the definitions
/// the settings no longer read.
#[test]
fn settings_read_from_properties_are_resolved_per_environment() {
    let blowfish = Cipher::new(Algorithm::Blowfish, Mode::Cbc, false);
    let aes_fixed = Cipher::new(Algorithm::Aes, Mode::Cbc, false);
    let strong = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    let values = [
        (
            "src/main/resources/properties/dev-secure.yaml",
            "sfdc.password",
            "Dev-Sfdc-Pass-01",
            blowfish,
        ),
        (
            "src/main/resources/properties/dev-secure.yaml",
            "erp.token",
            "dev-erp-token-7731",
            blowfish,
        ),
        (
            "src/main/resources/properties/prod-secure.yaml",
            "sfdc.password",
            "Prod-Sfdc-Pass-99",
            aes_fixed,
        ),
        // A file of no environment: each of its values is read with whichever
        // environment's cipher opens it.
        (
            "src/main/resources/legacy/secure.yaml",
            "erp.token",
            "Shared-Token-42",
            blowfish,
        ),
    ];
    let (_tmp, app) = fixture("mule4-setting-props");
    std::fs::create_dir_all(app.join("src/main/resources/legacy")).unwrap();
    std::fs::write(
        app.join("src/main/resources/legacy/secure.yaml"),
        "erp:\n  token: \"![EcczToMIeC+F4AjSKeh1Zg==]\"\n",
    )
    .unwrap();
    for (file, name, value, cipher) in values {
        assert_eq!(
            decrypt(&app, file, name, cipher, KEY),
            value,
            "{file} {name}"
        );
    }
    let weak = weak_settings(&app);
    assert_eq!(weak.len(), 2, "{weak:#?}");
    assert!(
        weak.iter().all(|f| f.fix.contains("--upgrade-encryption")),
        "{weak:#?}"
    );

    // Rotation alone: each environment keeps its cipher.
    let (inventory, _) = scan(&app);
    let r = plan_rotation(&inventory, KEY, NEW_KEY, false).unwrap();
    assert!(r.skipped.is_empty(), "{:?}", r.skipped);
    assert!(
        r.actions.iter().any(|a| a.contains("dev-secure.yaml")
            && a.contains("the new key (Blowfish/CBC/PKCS5Padding (fixed IV))")),
        "{:?}",
        r.actions
    );
    r.apply().unwrap();
    for (file, name, value, cipher) in values {
        assert_eq!(
            decrypt(&app, file, name, cipher, NEW_KEY),
            value,
            "{file} {name}"
        );
    }

    // The upgrade, keeping the key: every value opens with AES/CBC and random IVs.
    let xml_path = app.join("src/main/mule/global.xml");
    let xml_before = std::fs::read_to_string(&xml_path).unwrap();
    let (inventory, _) = scan(&app);
    let u = plan_rotation(&inventory, NEW_KEY, NEW_KEY, true).unwrap();
    let settings = u
        .actions
        .iter()
        .find(|a| a.starts_with("set "))
        .unwrap_or_else(|| panic!("{:?}", u.actions));
    assert!(
        settings.starts_with(
            "set algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\" on <secure-properties:config> `Secure_Props` in "
        ) && settings.contains("instead of reading `secure.algorithm` (")
            && settings.contains("dev.yaml:4:3")
            && settings.contains("prod.yaml:4:3")
            && settings.contains("`secure.mode` (")
            && settings.ends_with("delete them unless something else reads them)"),
        "{settings}"
    );
    u.apply().unwrap();
    for (file, name, value, _) in values {
        assert_eq!(
            decrypt(&app, file, name, strong, NEW_KEY),
            value,
            "{file} {name}"
        );
    }
    let xml_after = std::fs::read_to_string(&xml_path).unwrap();
    assert_eq!(
        xml_after,
        xml_before.replace(
            r#"<secure-properties:encrypt algorithm="${secure.algorithm}" mode="${secure.mode}"/>"#,
            r#"<secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>"#
        )
    );
    assert!(weak_settings(&app).is_empty());
    let (inventory, _) = scan(&app);
    assert!(plan_rotation(&inventory, NEW_KEY, NEW_KEY, true)
        .unwrap()
        .is_empty());
}

/// A setting read from a property the repository does not define (set at deploy time):
/// the values' cipher cannot be known, and rotating or upgrading is refused, naming it;
/// nothing is written.
#[test]
fn settings_from_properties_set_at_deploy_time_are_refused() {
    let (_tmp, app) = fixture("mule4-setting-props");
    let prod = app.join("src/main/resources/properties/prod.yaml");
    let text = std::fs::read_to_string(&prod).unwrap();
    std::fs::write(&prod, text.replace("  algorithm: \"AES\"\n", "")).unwrap();
    let before = snapshot(&app);
    let (inventory, _) = scan(&app);
    for upgrade in [false, true] {
        let err = plan_rotation(&inventory, KEY, NEW_KEY, upgrade).unwrap_err();
        assert!(
            err.0.contains(
                "prod-secure.yaml: the encryption settings of <secure-properties:config> read ${secure.algorithm}, which the repository does not define for prod: the cipher cannot be known"
            ),
            "{err}"
        );
    }
    assert_eq!(snapshot(&app), before);
    // IG108's fix does not name the command it would refuse.
    let weak = weak_settings(&app);
    assert!(!weak.is_empty());
    assert!(
        weak.iter().all(|f| !f.fix.contains("--upgrade-encryption")),
        "{weak:#?}"
    );
}

/// Moving clear secrets into a configuration whose settings differ per environment: each
/// environment's value goes to its secure file, encrypted with that environment's cipher
/// (dev's Blowfish, prod's AES), and reads back so.
#[test]
fn moving_into_settings_that_differ_per_environment_uses_each_ones_cipher() {
    let (_tmp, app) = fixture("mule4-setting-props");
    for (env, value) in [("dev", "Clear-Erp-Pass-5"), ("prod", "Clear-Erp-Prod-6")] {
        let path = app.join(format!("src/main/resources/properties/{env}.yaml"));
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}erp:\n  password: \"{value}\"\n")).unwrap();
    }
    let p = plan(&app);
    assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    assert!(
        p.actions
            .iter()
            .any(|a| a.starts_with("move `erp.password` to ")
                && a.ends_with("dev-secure.yaml (Blowfish/CBC/PKCS5Padding (fixed IV))")),
        "{:?}",
        p.actions
    );
    p.apply().unwrap();
    let blowfish = Cipher::new(Algorithm::Blowfish, Mode::Cbc, false);
    let aes = Cipher::new(Algorithm::Aes, Mode::Cbc, false);
    for (file, value, cipher) in [
        ("dev-secure.yaml", "Clear-Erp-Pass-5", blowfish),
        ("prod-secure.yaml", "Clear-Erp-Prod-6", aes),
    ] {
        let file = format!("src/main/resources/properties/{file}");
        assert_eq!(decrypt(&app, &file, "erp.password", cipher, KEY), value);
    }
    let (inventory, findings) = scan(&app);
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(verify(&inventory, &p.moved, KEY).is_empty());
}

/// Mule 3: `<secure-property-placeholder:config encryptionAlgorithm="${enc.alg}">` with
/// Blowfish in dev and AES in prod. `--upgrade-encryption` writes AES/CBC in the element
/// (Mule 3 has no random IVs) and re-encrypts each environment's values from its cipher.
#[test]
fn mule3_settings_read_from_properties_are_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("legacy-billing");
    let res = app.join("src/main/resources");
    std::fs::create_dir_all(app.join("src/main/app")).unwrap();
    std::fs::create_dir_all(&res).unwrap();
    std::fs::write(
        app.join("mule-project.xml"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mule-project xmlns=\"http://www.mulesoft.com/tooling/project\" runtimeId=\"org.mule.tooling.server.3.9.0.ee\" schemaVersion=\"4.0\">\n    <name>legacy-billing</name>\n</mule-project>\n",
    )
    .unwrap();
    let element = r#"<secure-property-placeholder:config name="Secure_Props" key="${encryption.key}" location="secure.${env}.properties" encryptionAlgorithm="${enc.alg}" encryptionMode="CBC"/>"#;
    std::fs::write(
        app.join("src/main/app/billing.xml"),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:sfdc="http://www.mulesoft.org/schema/mule/sfdc"
      xmlns:context="http://www.springframework.org/schema/context"
      xmlns:secure-property-placeholder="http://www.mulesoft.org/schema/mule/secure-property-placeholder">
  <context:property-placeholder location="mule.${{env}}.properties"/>
  {element}
  <global-property name="env" value="dev"/>
  <sfdc:config name="Salesforce" username="${{sfdc.username}}" password="${{sfdc.password}}"/>
</mule>
"#
        ),
    )
    .unwrap();
    for (env, alg, user, value) in [
        (
            "dev",
            "Blowfish",
            "billing@acme.dev",
            "14J0c3T/xvEj7SU1KbwlvA==",
        ),
        (
            "prod",
            "AES",
            "billing@acme.com",
            "hE6GX8fQMToXf25gr5JPow==",
        ),
    ] {
        std::fs::write(
            res.join(format!("mule.{env}.properties")),
            format!("sfdc.username={user}\nenc.alg={alg}\n"),
        )
        .unwrap();
        std::fs::write(
            res.join(format!("secure.{env}.properties")),
            format!("sfdc.password=![{value}]\n"),
        )
        .unwrap();
    }
    let (inventory, _) = scan(&app);
    let u = plan_rotation(&inventory, KEY, NEW_KEY, true).unwrap();
    assert!(
        u.actions.iter().any(|a| a.starts_with(
            "set encryptionAlgorithm=\"AES\" encryptionMode=\"CBC\" on <secure-property-placeholder:config> `Secure_Props`"
        ) && a.contains("instead of reading `enc.alg` (")),
        "{:?}",
        u.actions
    );
    u.apply().unwrap();
    let aes = Cipher::new(Algorithm::Aes, Mode::Cbc, false);
    for (env, value) in [("dev", "Legacy-Dev-1"), ("prod", "Legacy-Prod-2")] {
        let file = format!("src/main/resources/secure.{env}.properties");
        assert_eq!(decrypt(&app, &file, "sfdc.password", aes, NEW_KEY), value);
    }
    let xml = std::fs::read_to_string(app.join("src/main/app/billing.xml")).unwrap();
    assert!(xml.contains(&element.replace("${enc.alg}", "AES")), "{xml}");
    let (inventory, _) = scan(&app);
    assert!(plan_rotation(&inventory, NEW_KEY, NEW_KEY, true)
        .unwrap()
        .is_empty());
}

/// A domain project's literal Salesforce password is moved like an app's:
/// the secure-properties configuration goes inside its
/// `<domain:mule-domain>` root (the fix looked for `</mule>` and gave up on
/// the whole plan), a new scan finds no plaintext secret left in it, and
/// its `mule-artifact.json` is left alone.
#[test]
fn a_domain_projects_literal_credentials_are_moved() {
    let (_dir, domain) = fixture("mule4-domain");
    let config = domain.join("src/main/mule/mule-domain-config.xml");
    let (_, findings) = scan(&domain);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let p = plan(&domain);
    assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    p.apply().unwrap();
    let xml = std::fs::read_to_string(&config).unwrap();
    assert!(!xml.contains("Sh4red-Domain-Pw"), "{xml}");
    assert!(xml.contains("password=\"${secure::"), "{xml}");
    let at_config = xml.find("<secure-properties:config").expect(&xml);
    assert!(
        at_config < xml.find("</domain:mule-domain>").unwrap(),
        "{xml}"
    );
    assert!(xml.trim_end().ends_with("</domain:mule-domain>"), "{xml}");
    let (_, after) = scan(&domain);
    assert!(after.is_empty(), "{after:#?}");
    // A domain is not deployed through Runtime Manager: its descriptor
    // lists nothing.
    assert_eq!(
        std::fs::read_to_string(domain.join("mule-artifact.json")).unwrap(),
        "{\"minMuleVersion\": \"4.6.0\"}\n"
    );
}

/// Found by exploratory testing: a property whose value could not move in
/// one environment (an escape in prod.properties) was listed for that
/// environment only, and its plain values in the others were neither moved
/// nor listed. The name moves whole or not at all (its references read it
/// with `secure::` in every environment), so every definition left is
/// listed, each with why; the other properties still move.
#[test]
fn a_property_left_in_one_environment_is_listed_in_every_environment() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <configuration-properties file="config/${mule.env}.properties"/>
  <http:request-config name="Partner_Request">
    <http:request-connection host="partner.example" protocol="HTTPS" port="443">
      <http:authentication>
        <http:basic-authentication username="${partner.user}" password="${partner.password}"/>
      </http:authentication>
    </http:request-connection>
  </http:request-config>
  <http:request-config name="Erp_Request">
    <http:request-connection host="erp.example" protocol="HTTPS" port="443">
      <http:authentication>
        <http:basic-authentication username="svc" password="${erp.password}"/>
      </http:authentication>
    </http:request-connection>
  </http:request-config>
</mule>
"#,
    );
    let config = app.join("src/main/resources/config");
    std::fs::create_dir_all(&config).unwrap();
    for (file, text) in [
        (
            "dev.properties",
            "partner.user=svc\npartner.password=DevPlain-Pw-11\nerp.password=Erp-Dev-Pw-21\n",
        ),
        (
            "qa.properties",
            "partner.user=svc\npartner.password=QaPlain-Pw-12\nerp.password=Erp-Qa-Pw-22\n",
        ),
        (
            "prod.properties",
            "partner.user=svc\npartner.password=Summer\\uZZ2024Leak\nerp.password=Erp-Prod-Pw-23\n",
        ),
    ] {
        std::fs::write(config.join(file), text).unwrap();
    }
    let (_, findings) = scan(&app);
    assert_eq!(findings.len(), 6, "{findings:#?}");
    let p = plan(&app);
    let left = |file: &str| -> Vec<&String> {
        p.skipped
            .iter()
            .filter(|s| s.contains(&format!("config/{file}:2:1: `partner.password`: ")))
            .collect()
    };
    assert_eq!(p.skipped.len(), 3, "{:#?}", p.skipped);
    let prod = left("prod.properties");
    assert_eq!(prod.len(), 1, "{:#?}", p.skipped);
    assert!(prod[0].contains("a bad \\u escape"), "{}", prod[0]);
    for env in ["dev.properties", "qa.properties"] {
        let here = left(env);
        assert_eq!(here.len(), 1, "{env}: {:#?}", p.skipped);
        assert!(
            here[0].contains("not moved either, as ")
                && here[0].contains("config/prod.properties:2:1 cannot be"),
            "{}",
            here[0]
        );
    }
    // The other property moves in every environment.
    let mut moved: Vec<&str> = p.moved.iter().map(|m| m.name.as_str()).collect();
    moved.sort();
    assert_eq!(moved, ["erp.password"; 3], "{:#?}", p.actions);
    let shown = format!("{:?} {:?} {}", p.skipped, p.actions, p.diff());
    for secret in ["DevPlain-Pw-11", "QaPlain-Pw-12", "Summer\\uZZ2024Leak"] {
        assert!(!shown.contains(secret), "{secret}: {shown}");
    }
}

/// `.properties` values written with escapes (`\\=`, `\\u0021`) or continued
/// over several lines move like any other: the secure file gets the value
/// Mule reads (escapes decoded, lines joined), and the entry goes with every
/// line it was continued on.
#[test]
fn escaped_and_continued_properties_values_move() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <configuration-properties file="config.properties"/>
  <http:request-config name="Partner_Request">
    <http:request-connection host="partner.example" protocol="HTTPS" port="443">
      <http:authentication>
        <http:basic-authentication username="svc" password="${partner.password}"/>
      </http:authentication>
    </http:request-connection>
  </http:request-config>
  <http:request-config name="Erp_Request">
    <http:request-connection host="erp.example" protocol="HTTPS" port="443">
      <http:authentication>
        <http:basic-authentication username="svc" password="${erp.password}"/>
      </http:authentication>
    </http:request-connection>
  </http:request-config>
</mule>
"#,
    );
    let resources = app.join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    let original = "# partner\npartner.password=Summer\\u00212024\\=Leak\nerp.password = Erp-\\\n    Long-Pw-\\\n    99\nerp.timeout=30\n";
    std::fs::write(resources.join("config.properties"), original).unwrap();
    let p = plan(&app);
    assert!(p.skipped.is_empty(), "{:#?}", p.skipped);
    let mut moved: Vec<&str> = p.moved.iter().map(|m| m.name.as_str()).collect();
    moved.sort();
    assert_eq!(
        moved,
        ["erp.password", "partner.password"],
        "{:#?}",
        p.actions
    );
    let shown = format!("{:?} {:?} {}", p.skipped, p.actions, p.diff());
    for secret in ["Summer", "Long-Pw"] {
        assert!(!shown.contains(secret), "{secret}: {shown}");
    }
    p.apply().unwrap();
    let left = std::fs::read_to_string(resources.join("config.properties")).unwrap();
    assert_eq!(left, "# partner\nerp.timeout=30\n");
    let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    let secure = "src/main/resources/secure.yaml";
    assert_eq!(
        decrypt(&app, secure, "partner.password", cipher, KEY),
        "Summer!2024=Leak"
    );
    assert_eq!(
        decrypt(&app, secure, "erp.password", cipher, KEY),
        "Erp-Long-Pw-99"
    );
}

/// A secret that is several lines of text (a PEM key, CRLF or LF) encrypted with the right
/// key is opened by `fix secrets` and `--rotate-key`, as IG104 opens it: line breaks are
/// plausible plaintext, not a sign of a wrong key.
#[test]
fn multi_line_secrets_open_with_the_right_key() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("partner-api");
    let res = app.join("src/main/resources/properties");
    std::fs::create_dir_all(app.join("src/main/mule")).unwrap();
    std::fs::create_dir_all(&res).unwrap();
    std::fs::write(
        app.join("pom.xml"),
        "<project><modelVersion>4.0.0</modelVersion><groupId>com.acme</groupId><artifactId>partner-api</artifactId><version>1.0.0</version><packaging>mule-application</packaging></project>\n",
    )
    .unwrap();
    std::fs::write(
        app.join("mule-artifact.json"),
        "{\n  \"minMuleVersion\": \"4.6.0\",\n  \"secureProperties\": [\"encryption.key\"]\n}\n",
    )
    .unwrap();
    std::fs::write(
        app.join("src/main/mule/global.xml"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
  xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties"
  xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <global-property name="mule.env" value="dev"/>
  <configuration-properties file="properties/${mule.env}.yaml"/>
  <secure-properties:config name="Secure_Props" key="${encryption.key}" file="properties/${mule.env}-secure.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
  </secure-properties:config>
  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:basic-connection username="${sfdc.username}" password="${sfdc.password}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    )
    .unwrap();
    std::fs::write(
        res.join("dev.yaml"),
        "sfdc.username: \"int@acme.com\"\nsfdc.password: \"Tr0ub4dor-Horse-42\"\n",
    )
    .unwrap();
    let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    let pem = "-----BEGIN PRIVATE KEY-----\r\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASC\r\n-----END PRIVATE KEY-----\n";
    let enc = cipher.encrypt(KEY, pem.as_bytes()).unwrap();
    std::fs::write(
        res.join("dev-secure.yaml"),
        format!("partner.signing.key: \"![{enc}]\"\n"),
    )
    .unwrap();
    let (inventory, findings) = scan(&app);
    assert!(!findings.is_empty(), "the clear password is found");
    let p = plan_secrets(&inventory, &findings, KEY, &SecretsOptions::default()).unwrap();
    assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    p.apply().unwrap();
    let file = "src/main/resources/properties/dev-secure.yaml";
    assert_eq!(
        decrypt(&app, file, "sfdc.password", cipher, KEY),
        "Tr0ub4dor-Horse-42"
    );
    let (inventory, _) = scan(&app);
    plan_rotation(&inventory, KEY, NEW_KEY, false)
        .unwrap()
        .apply()
        .unwrap();
    assert_eq!(
        decrypt(&app, file, "partner.signing.key", cipher, NEW_KEY),
        pem
    );
}

/// The MUnit test resources' values under the old key are rotated with the
/// app's (the suites read them with it); a test file under a key of its own
/// is left and said, not an error that stops the rotation.
#[test]
fn rotation_takes_the_munit_test_resources_under_the_old_key() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("payments-api");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../rules/tests/fixtures/IG104/munit-resources/payments-api"),
        &app,
    );
    let old: &[u8] = b"PaymentsMunitK3y";
    let before = snapshot(&app);
    let (inventory, _) = scan(&app);
    let r = plan_rotation(&inventory, old, NEW_KEY, false).unwrap();
    let changed: Vec<String> = r
        .paths()
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].ends_with("src/test/resources/test-secure.yaml"));
    assert!(
        r.skipped
            .iter()
            .any(|s| s.contains("other-secure.yaml") && s.contains("its own key")),
        "{:?}",
        r.skipped
    );
    r.apply().unwrap();
    let text = std::fs::read_to_string(app.join("src/test/resources/test-secure.yaml")).unwrap();
    let b64 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("password: \"![")?.strip_suffix("]\""))
        .unwrap();
    let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    assert_eq!(cipher.decrypt(NEW_KEY, b64).unwrap(), b"SandboxPass-77");
    assert_ne!(
        cipher.decrypt(old, b64).ok().as_deref(),
        Some(&b"SandboxPass-77"[..])
    );
    let after = snapshot(&app);
    let other = app.join("src/test/resources/other-secure.yaml");
    assert_eq!(before[&other], after[&other]);
}

/// Found by testing as a user would: a reference whose default is a clear
/// secret (`password="${sf.pass:Default-Pw-77}"`, IG102) was taken for a
/// literal: the whole `${...}` text was encrypted as the new property's
/// value, and the reference replaced, so the environments defining
/// `sf.pass` would have logged in with the text `${sf.pass:...}`. It is
/// left to do by hand (remove the default, as the finding's fix says),
/// and nothing changes.
#[test]
fn a_secret_default_of_a_reference_is_left_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="${mule.env}.properties"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${sf.user}" password="${sf.pass:Default-Pw-77}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    std::fs::create_dir_all(app.join("src/main/resources")).unwrap();
    std::fs::write(
        app.join("src/main/resources/dev.properties"),
        "sf.user=int.p@acme.com.dev\n",
    )
    .unwrap();
    std::fs::write(
        app.join("src/main/resources/prod.properties"),
        "sf.user=int.p@acme.com\n",
    )
    .unwrap();
    let before = snapshot(&app);
    let (_, findings) = scan(&app);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let p = plan(&app);
    assert!(p.is_empty(), "{:#?}", p.actions);
    assert_eq!(p.skipped.len(), 1, "{:?}", p.skipped);
    assert!(
        p.skipped[0].ends_with(
            "partner.xml:5:56: `password` falls back to a secret written in clear as the default of `${sf.pass}`: remove the default by hand and define `sf.pass` where it is needed (the finding's fix says how)"
        ),
        "{:?}",
        p.skipped
    );
    assert!(!p.skipped[0].contains("Default-Pw-77"));
    assert_eq!(before, snapshot(&app));
}

/// Found by testing as a user would: the key committed as an entry of the
/// secure file it decrypts (`encryption.key` in dev-secure.yaml, which
/// IG103 reports) was not named by `--rotate-key`, which then exited as if
/// nothing were left to do, and a re-scan still reported IG103 there.
#[test]
fn rotation_names_the_old_key_left_in_a_secure_file() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <secure-properties:config name="SP" key="${encryption.key}" file="${mule.env}-secure.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
  </secure-properties:config>
</mule>
"#,
    );
    let key = std::str::from_utf8(KEY).unwrap();
    let value = Cipher::new(Algorithm::Aes, Mode::Cbc, true)
        .encrypt(KEY, b"Partner-Pw-1")
        .unwrap();
    std::fs::create_dir_all(app.join("src/main/resources")).unwrap();
    std::fs::write(
        app.join("src/main/resources/dev-secure.yaml"),
        format!("partner:\n  password: \"![{value}]\"\nencryption:\n  key: \"{key}\"\n"),
    )
    .unwrap();
    let (inventory, _) = scan(&app);
    let r = plan_rotation(&inventory, KEY, NEW_KEY, false).unwrap();
    assert!(
        r.skipped.iter().any(|s| s
            .contains("dev-secure.yaml:4:3: the old key is still written here (`encryption.key`)")),
        "{:?}",
        r.skipped
    );
    assert!(
        r.skipped.iter().all(|s| !s.contains(key)),
        "{:?}",
        r.skipped
    );
}

/// Found by testing as a user would: a Mule 3 placeholder that loads a
/// list (`location="common.properties,mule.${mule.env}.properties"`, the
/// usual layout) gave no environment to the new secure file: every
/// environment's password was left ("different values per environment,
/// but one secure file"), and IG102's fix named `properties/secure.properties`
/// for them all. The new file is per environment, as for a single location.
#[test]
fn mule3_location_list_gets_a_secure_file_per_environment() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("legacy-sync");
    let write = |rel: &str, text: &str| {
        let p = app.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "mule-project.xml",
        "<mule-project xmlns=\"http://www.mulesoft.com/tooling/project\"><name>legacy-sync</name></mule-project>\n",
    );
    write(
        "src/main/app/sync.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:context="http://www.springframework.org/schema/context"
      xmlns:sfdc="http://www.mulesoft.org/schema/mule/sfdc">
    <context:property-placeholder location="common.properties,mule.${mule.env}.properties"/>
    <sfdc:config name="SF" username="${sf.user}" password="${sf.password}"/>
</mule>
"#,
    );
    write(
        "src/main/resources/common.properties",
        "sf.user=int.sync@acme.com\n",
    );
    write(
        "src/main/resources/mule.dev.properties",
        "sf.password=Dev-Pw-1\n",
    );
    write(
        "src/main/resources/mule.prod.properties",
        "sf.password=Prod-Pw-2\n",
    );
    let p = plan(&app);
    assert!(p.skipped.is_empty(), "{:?}", p.skipped);
    p.apply().unwrap();
    let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, false);
    for (env, value) in [("dev", "Dev-Pw-1"), ("prod", "Prod-Pw-2")] {
        assert_eq!(
            decrypt(
                &app,
                &format!("src/main/resources/secure.{env}.properties"),
                "sf.password",
                cipher,
                KEY
            ),
            value
        );
    }
}

/// Found by testing as a user would: an `![...]` value in a file that a
/// plain `<configuration-properties>` loads (which Mule never decrypts)
/// was checked against the key as if the app's secure configuration read
/// it: "the key does not decrypt the existing value ... wrong key?", and
/// nothing was fixed, not even the clear secret of the secure file.
#[test]
fn an_encrypted_looking_value_of_a_plain_file_does_not_block_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <configuration-properties file="${mule.env}.yaml"/>
  <secure-properties:config name="SP" key="${encryption.key}" file="${mule.env}-secure.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
  </secure-properties:config>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${sf.user}" password="${sf.pw}" securityToken="${secure::sf.token}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    let resources = app.join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    // Encrypted with another key (the reference vector's), in a plain file.
    std::fs::write(
        resources.join("prod.yaml"),
        "sf:\n  user: \"int.p@acme.com\"\n  pw: \"![w9oKTqKTtvBuRUVbhQP/qw==]\"\n",
    )
    .unwrap();
    std::fs::write(
        resources.join("prod-secure.yaml"),
        "sf:\n  token: \"Clear-Token-4411\"\n",
    )
    .unwrap();
    let p = plan(&app);
    assert!(
        p.actions
            .iter()
            .any(|a| a.contains("encrypt `sf.token` in place")),
        "{:#?}",
        p.actions
    );
    p.apply().unwrap();
    let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    assert_eq!(
        decrypt(
            &app,
            "src/main/resources/prod-secure.yaml",
            "sf.token",
            cipher,
            KEY
        ),
        "Clear-Token-4411"
    );
}

/// The same for `--rotate-key`: an `![...]` value of a plain import's file
/// is not the secure configuration's to re-encrypt ("does not decrypt with
/// the old key", and nothing was rotated).
#[test]
fn rotation_leaves_the_encrypted_looking_values_of_plain_files() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <configuration-properties file="${mule.env}.yaml"/>
  <secure-properties:config name="SP" key="${encryption.key}" file="${mule.env}-secure.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
  </secure-properties:config>
</mule>
"#,
    );
    let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    let value = cipher.encrypt(KEY, b"Partner-Token-9").unwrap();
    let resources = app.join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    std::fs::write(
        resources.join("prod.yaml"),
        "sf:\n  pw: \"![w9oKTqKTtvBuRUVbhQP/qw==]\"\n",
    )
    .unwrap();
    std::fs::write(
        resources.join("prod-secure.yaml"),
        format!("partner:\n  token: \"![{value}]\"\n"),
    )
    .unwrap();
    let (inventory, _) = scan(&app);
    let r = plan_rotation(&inventory, KEY, NEW_KEY, false).unwrap();
    r.apply().unwrap();
    assert_eq!(
        decrypt(
            &app,
            "src/main/resources/prod-secure.yaml",
            "partner.token",
            cipher,
            NEW_KEY
        ),
        "Partner-Token-9"
    );
    assert_eq!(
        std::fs::read_to_string(resources.join("prod.yaml")).unwrap(),
        "sf:\n  pw: \"![w9oKTqKTtvBuRUVbhQP/qw==]\"\n"
    );
}

/// A secure file that starts with a byte order mark (and CRLF line ends):
/// the moved value goes under its existing `sf:` mapping. A second `sf:`
/// written after it would replace the first when Mule loads the file, and
/// `sf.token`, already encrypted there, would be lost.
#[test]
fn a_secure_file_with_a_byte_order_mark_keeps_its_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="${mule.env}.yaml"/>
  <secure-properties:config name="SP" key="${encryption.key}" file="${mule.env}-secure.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
  </secure-properties:config>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${sf.user}" password="${sf.password}" securityToken="${secure::sf.token}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    let token = cipher.encrypt(KEY, b"Token-77").unwrap();
    let resources = app.join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    std::fs::write(
        resources.join("prod.yaml"),
        "sf:\n  user: svc@acme.com\n  password: Bom-Pass-1\n",
    )
    .unwrap();
    let secure = resources.join("prod-secure.yaml");
    std::fs::write(
        &secure,
        format!("\u{feff}sf:\r\n  token: \"![{token}]\"\r\n"),
    )
    .unwrap();
    let p = plan(&app);
    assert_eq!(p.moved.len(), 1, "{:#?} {:#?}", p.actions, p.skipped);
    p.apply().unwrap();
    let text = std::fs::read_to_string(&secure).unwrap();
    assert_eq!(text.matches("sf:").count(), 1, "{text}");
    assert!(
        text.starts_with(&format!(
            "\u{feff}sf:\r\n  token: \"![{token}]\"\r\n  password: \"!["
        )),
        "{text}"
    );
    let secure = "src/main/resources/prod-secure.yaml";
    assert_eq!(decrypt(&app, secure, "sf.token", cipher, KEY), "Token-77");
    assert_eq!(
        decrypt(&app, secure, "sf.password", cipher, KEY),
        "Bom-Pass-1"
    );
}

/// A comment on a value's line that quotes the same `![...]`: the value is
/// re-encrypted, the comment left. (The last `![...]` of the line was taken:
/// the comment changed, and the value, still under the old key, no longer
/// opened once the app read the new one.)
#[test]
fn rotation_rewrites_the_value_not_a_comment_quoting_it() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <secure-properties:config name="SP" key="${encryption.key}" file="${mule.env}-secure.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
  </secure-properties:config>
</mule>
"#,
    );
    let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    let value = cipher.encrypt(KEY, b"Partner-Token-9").unwrap();
    let resources = app.join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    let comment = format!("   # as in qa: \"![{value}]\"\n");
    std::fs::write(
        resources.join("prod-secure.yaml"),
        format!("partner:\n  token: \"![{value}]\"{comment}"),
    )
    .unwrap();
    let (inventory, _) = scan(&app);
    let r = plan_rotation(&inventory, KEY, NEW_KEY, false).unwrap();
    r.apply().unwrap();
    let text = std::fs::read_to_string(resources.join("prod-secure.yaml")).unwrap();
    assert!(text.ends_with(&comment), "{text}");
    assert_eq!(
        decrypt(
            &app,
            "src/main/resources/prod-secure.yaml",
            "partner.token",
            cipher,
            NEW_KEY
        ),
        "Partner-Token-9"
    );
}

/// A file that cannot be written (here its folder cannot be created) leaves
/// every other file of the plan as it was: no app half fixed, its XML
/// reading `secure::` names from a secure file that was never written.
#[test]
fn a_change_that_cannot_be_written_leaves_every_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("global.xml");
    std::fs::write(&xml, "<mule password=\"${sf.password}\"/>\n").unwrap();
    std::fs::write(dir.path().join("blocker"), "a file, not a folder\n").unwrap();
    let plan = Plan {
        changes: vec![
            intguard_fix::FileChange {
                path: xml.clone(),
                original: Some("<mule password=\"${sf.password}\"/>\n".into()),
                masked_original: None,
                new: "<mule password=\"${secure::sf.password}\"/>\n".into(),
            },
            intguard_fix::FileChange {
                path: dir.path().join("blocker/dev-secure.yaml"),
                original: None,
                masked_original: None,
                new: "sf:\n  password: \"![x]\"\n".into(),
            },
        ],
        ..Plan::default()
    };
    let before = snapshot(dir.path());
    assert!(plan.apply().is_err());
    assert_eq!(before, snapshot(dir.path()));
}

/// A literal secret written over lines in an XML attribute moves as Mule
/// reads it: an XML parser reads each line break (and tab) written in an
/// attribute as a space, while a `&#10;` stays a line break. (The value was
/// encrypted with its line break, and the app's password changed.)
#[test]
fn a_literal_written_over_lines_moves_as_the_xml_parser_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\" xmlns:secure-properties=\"http://www.mulesoft.org/schema/mule/secure-properties\" xmlns:salesforce=\"http://www.mulesoft.org/schema/mule/salesforce\">
  <configuration-properties file=\"${mule.env}.yaml\"/>
  <secure-properties:config name=\"SP\" key=\"${encryption.key}\" file=\"${mule.env}-secure.yaml\">
    <secure-properties:encrypt algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\"/>
  </secure-properties:config>
  <salesforce:sfdc-config name=\"SF\">
    <salesforce:basic-connection username=\"svc@acme.com\" password=\"Two-Line\r\n\tPass&#10;word\"/>
  </salesforce:sfdc-config>
</mule>
",
    );
    let resources = app.join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    std::fs::write(resources.join("prod.yaml"), "sf:\n  user: svc@acme.com\n").unwrap();
    let p = plan(&app);
    assert_eq!(p.moved.len(), 1, "{:#?} {:#?}", p.actions, p.skipped);
    p.apply().unwrap();
    let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    assert_eq!(
        decrypt(
            &app,
            "src/main/resources/prod-secure.yaml",
            "sfdc.password",
            cipher,
            KEY
        ),
        "Two-Line  Pass\nword"
    );
}

/// A secure `.properties` file whose last line ends with `\` (continued to
/// the end of the file): the entry added after it is not read as the end of
/// that value. (`sf.token` became `![...]sf.password=![...]`, and
/// `sf.password` was not defined.)
#[test]
fn an_entry_added_after_a_continued_last_line_stays_an_entry() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="config.properties"/>
  <secure-properties:config name="SP" key="${encryption.key}" file="secure.properties"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${sf.user}" password="${sf.password}" securityToken="${secure::sf.token}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, false);
    let token = cipher.encrypt(KEY, b"Token-14").unwrap();
    let resources = app.join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    std::fs::write(
        resources.join("config.properties"),
        "sf.user=svc@acme.com\nsf.password=Pw-14\n",
    )
    .unwrap();
    std::fs::write(
        resources.join("secure.properties"),
        format!("sf.token=![{token}]\\\n"),
    )
    .unwrap();
    let p = plan(&app);
    assert_eq!(p.moved.len(), 1, "{:#?} {:#?}", p.actions, p.skipped);
    p.apply().unwrap();
    let secure = "src/main/resources/secure.properties";
    assert_eq!(decrypt(&app, secure, "sf.token", cipher, KEY), "Token-14");
    assert_eq!(decrypt(&app, secure, "sf.password", cipher, KEY), "Pw-14");
}

/// A moved entry on the first line of a YAML file that starts with a byte
/// order mark: the entry goes, the mark stays (the rest of the file as it was).
#[test]
fn a_moved_first_line_keeps_the_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="config.yaml"/>
  <configuration-properties file="config.properties"/>
  <secure-properties:config name="SP" key="${encryption.key}" file="secure.yaml"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${sf.user}" password="${sf.password}" securityToken="${sf.token}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    let resources = app.join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    std::fs::write(
        resources.join("config.yaml"),
        "\u{feff}sf.password: Bom-Pw-1\nsf.user: svc@acme.com\n",
    )
    .unwrap();
    std::fs::write(
        resources.join("config.properties"),
        "\u{feff}sf.token=Bom-Tok-1\nx=1\n",
    )
    .unwrap();
    std::fs::write(resources.join("secure.yaml"), "a: 1\n").unwrap();
    let p = plan(&app);
    assert_eq!(p.moved.len(), 1, "{:#?} {:#?}", p.actions, p.skipped);
    // Mule's `.properties` loader keeps the mark in the first key
    // (`\u{feff}sf.token`, which `${sf.token}` does not read): that entry is
    // left, named without the mark, or deleting it would pass the mark to `x`.
    assert_eq!(p.skipped.len(), 1, "{:#?}", p.skipped);
    assert!(
        p.skipped[0].contains("`sf.token` follows the UTF-8 byte order mark")
            && !p.skipped[0].contains('\u{feff}'),
        "{:#?}",
        p.skipped
    );
    p.apply().unwrap();
    let read = |f: &str| std::fs::read_to_string(resources.join(f)).unwrap();
    assert_eq!(read("config.yaml"), "\u{feff}sf.user: svc@acme.com\n");
    assert_eq!(
        read("config.properties"),
        "\u{feff}sf.token=Bom-Tok-1\nx=1\n"
    );
}

/// The same `--rotate-key --upgrade-encryption` run twice: the second finds
/// nothing to do. (The old Blowfish key, 8 bytes, does not fit the AES the
/// file is now read with: the second run was refused with a key-length error.)
#[test]
fn rotating_and_upgrading_twice_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <secure-properties:config name="SP" key="${encryption.key}" file="secure.yaml">
    <secure-properties:encrypt algorithm="Blowfish" mode="CBC"/>
  </secure-properties:config>
</mule>
"#,
    );
    let old_key: &[u8] = b"mulesoft";
    let blowfish = Cipher::new(Algorithm::Blowfish, Mode::Cbc, false);
    let value = blowfish.encrypt(old_key, b"Partner-Token-9").unwrap();
    let resources = app.join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    std::fs::write(
        resources.join("secure.yaml"),
        format!("partner:\n  token: \"![{value}]\"\n"),
    )
    .unwrap();
    let (inventory, _) = scan(&app);
    let r = plan_rotation(&inventory, old_key, NEW_KEY, true).unwrap();
    assert_eq!(r.moved.len(), 1, "{:#?}", r.actions);
    r.apply().unwrap();
    let (inventory, _) = scan(&app);
    let again = plan_rotation(&inventory, old_key, NEW_KEY, true).unwrap();
    assert!(again.is_empty(), "{:#?}", again.actions);
    assert_eq!(
        decrypt(
            &app,
            "src/main/resources/secure.yaml",
            "partner.token",
            Cipher::new(Algorithm::Aes, Mode::Cbc, true),
            NEW_KEY
        ),
        "Partner-Token-9"
    );
}

/// A secret in an anchored YAML mapping that another mapping merges
/// (`<<: *base`) is left, with why: moved, `sf2.password` (read through the
/// merge) would no longer be defined, and `SF2` would not start.
#[test]
fn a_secret_read_through_a_yaml_merge_key_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="config.yaml"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${sf.user}" password="${sf.password}"/>
  </salesforce:sfdc-config>
  <salesforce:sfdc-config name="SF2">
    <salesforce:basic-connection username="${sf2.user}" password="${sf2.password}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    let resources = app.join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    std::fs::write(
        resources.join("config.yaml"),
        "sf: &base\n  user: u\n  password: Anchored-Pw-1\nsf2:\n  <<: *base\n  user: u2\n",
    )
    .unwrap();
    let before = snapshot(&app);
    let p = plan(&app);
    assert!(p.is_empty(), "{:#?}", p.actions);
    assert!(
        p.skipped
            .iter()
            .any(|s| s.contains("`sf.password`") && s.contains("anchored")),
        "{:#?}",
        p.skipped
    );
    assert_eq!(before, snapshot(&app));
}

/// The entries of `file` (relative to the app) as the readers read them.
fn entries(app: &Path, file: &str) -> BTreeMap<String, String> {
    let (inventory, _) = scan(app);
    let path = app.join(file).to_string_lossy().replace('\\', "/");
    let f = inventory.apps[0]
        .property_files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} not read"));
    f.entries
        .iter()
        .map(|e| (e.key().to_string(), e.value().to_string()))
        .collect()
}

/// A secret moved under a mapping whose last child is a keep-chomped block
/// scalar (`|+`, `>+`): the block's trailing blank lines are part of its value,
/// so the new entry goes after them, and the block reads the same.
#[test]
fn an_entry_added_after_a_keep_chomped_block_keeps_its_value() {
    for indicator in ["|+", ">+", "|2+", ">+2 # folded", "&n |+"] {
        let dir = tempfile::tempdir().unwrap();
        let app = partner_app(
            dir.path(),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="config.yaml"/>
  <secure-properties:config name="SP" key="${encryption.key}" file="secure.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
  </secure-properties:config>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${sf.user}" password="${sf.password}" securityToken="${secure::sf.token}"/>
  </salesforce:sfdc-config>
</mule>
"#,
        );
        let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
        let token = cipher.encrypt(KEY, b"Token-77").unwrap();
        let resources = app.join("src/main/resources");
        std::fs::create_dir_all(&resources).unwrap();
        std::fs::write(
            resources.join("config.yaml"),
            "sf:\n  user: svc@acme.com\n  password: Keep-Pass-1\n",
        )
        .unwrap();
        std::fs::write(
            resources.join("secure.yaml"),
            format!(
                "sf:\n  token: \"![{token}]\"\n  note: {indicator}\n    first line\n      more: x\n\n  \n\n# trailing comment\nother: 1\n"
            ),
        )
        .unwrap();
        let secure = "src/main/resources/secure.yaml";
        let before = entries(&app, secure);
        assert!(
            before["sf.note"].ends_with("\n\n\n\n"),
            "{indicator}: {before:?}"
        );
        let p = plan(&app);
        assert_eq!(p.moved.len(), 1, "{:#?} {:#?}", p.actions, p.skipped);
        p.apply().unwrap();
        let after = entries(&app, secure);
        assert_eq!(after["sf.note"], before["sf.note"], "{indicator}");
        assert_eq!(after["other"], "1");
        assert_eq!(after.len(), before.len() + 1, "{after:?}");
        assert_eq!(
            decrypt(&app, secure, "sf.password", cipher, KEY),
            "Keep-Pass-1"
        );
    }
}

/// `key:\tvalue` (a tab after the colon, valid YAML that Mule reads): a clear
/// value on such a line is encrypted in place in a secure file and moved
/// out of a plain one, and every other entry reads as before.
#[test]
fn values_after_a_tab_move_and_encrypt() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="config.yaml"/>
  <secure-properties:config name="SP" key="${encryption.key}" file="secure.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
  </secure-properties:config>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${sf.user}" password="${sf.password}" securityToken="${secure::sf.token}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    let resources = app.join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    std::fs::write(
        resources.join("config.yaml"),
        "sf:\n  user:\tsvc@acme.com\n  password:\tTab-Pass-1\n",
    )
    .unwrap();
    std::fs::write(
        resources.join("secure.yaml"),
        "sf:\n  token:\tTab-Token-2\n",
    )
    .unwrap();
    let (inventory, findings) = scan(&app);
    assert!(
        inventory.diagnostics.is_empty(),
        "{:?}",
        inventory.diagnostics
    );
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let p = plan(&app);
    assert_eq!(p.moved.len(), 2, "{:#?} {:#?}", p.actions, p.skipped);
    assert!(p.skipped.is_empty(), "{:#?}", p.skipped);
    p.apply().unwrap();
    let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    let secure = "src/main/resources/secure.yaml";
    assert_eq!(
        decrypt(&app, secure, "sf.token", cipher, KEY),
        "Tab-Token-2"
    );
    assert_eq!(
        decrypt(&app, secure, "sf.password", cipher, KEY),
        "Tab-Pass-1"
    );
    let config = entries(&app, "src/main/resources/config.yaml");
    assert_eq!(
        config.into_iter().collect::<Vec<_>>(),
        [("sf.user".to_string(), "svc@acme.com".to_string())]
    );
    let (inventory, findings) = scan(&app);
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(
        inventory.diagnostics.is_empty(),
        "{:?}",
        inventory.diagnostics
    );
}

/// The check after writing compares every property an app read before with
/// what it reads after, per environment, encrypted values decrypted: a value
/// changed, a property gone or a file that no longer parses is named (never
/// its value); moving a value to a secure file is no change.
#[test]
fn verify_unchanged_names_every_property_that_reads_otherwise() {
    let (_tmp, app) = fixture("mule4-yaml");
    let (before, _) = scan(&app);
    let p = plan(&app);
    p.apply().unwrap();
    let (after, _) = scan(&app);
    assert!(verify_unchanged(&before, &after, &p.paths(), KEY, KEY).is_empty());
    let dev = app.join("src/main/resources/properties/dev.yaml");
    let text = std::fs::read_to_string(&dev).unwrap();
    std::fs::write(
        &dev,
        text.replace("erp-dev.example.com", "erp-other.example.com")
            .replace("  port: \"8081\"\n", "")
            + "broken: [\n",
    )
    .unwrap();
    let (broken, _) = scan(&app);
    let problems = verify_unchanged(&before, &broken, &[dev.as_path()], KEY, KEY);
    let text = problems.join("\n");
    assert!(
        text.contains("dev.yaml no longer reads: YAML syntax error"),
        "{text}"
    );
    assert!(
        text.contains("`erp.host` (dev) no longer reads as before"),
        "{text}"
    );
    assert!(
        text.contains("`http.port` (dev) no longer reads as before"),
        "{text}"
    );
    assert!(!text.contains("(prod)"), "{text}");
    assert!(!text.contains("erp-"), "{text}");
}

/// A property file linked into the app (its target inside the folder
/// scanned) is read at the link, so its secret is reported there; the fix
/// leaves it, naming the link's target: written at the link, the link would
/// become a file of its own and the (maybe shared) file keep the secret.
#[cfg(unix)]
#[test]
fn a_secret_in_a_linked_file_is_reported_and_left() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="config.yaml"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${sf.user}" password="${sf.password}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    let shared = app.join("shared");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::write(
        shared.join("config.yaml"),
        "sf:\n  user: svc@acme.com\n  password: Linked-Pw-5\n",
    )
    .unwrap();
    let resources = app.join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    std::os::unix::fs::symlink("../../../shared/config.yaml", resources.join("config.yaml"))
        .unwrap();
    let before = snapshot(&app);
    let (_, findings) = scan(&app);
    assert!(
        findings
            .iter()
            .any(|f| f.location.path.ends_with("src/main/resources/config.yaml")),
        "{findings:#?}"
    );
    let p = plan(&app);
    assert!(
        p.skipped
            .iter()
            .any(|s| s.contains("`sf.password` is in a symbolic link to ")
                && s.contains("shared/config.yaml, which fix secrets does not write through")),
        "{:#?}",
        p.skipped
    );
    p.apply().unwrap();
    assert_eq!(snapshot(&app), before);
    assert!(std::fs::symlink_metadata(resources.join("config.yaml"))
        .unwrap()
        .file_type()
        .is_symlink());
}

/// A secret moved out from after a keep-chomped block scalar (`|+`): the
/// blank lines that followed the secret's entry would have joined the
/// block's value once the entry was deleted; the block reads the same.
#[test]
fn an_entry_deleted_after_a_keep_chomped_block_keeps_its_value() {
    let dir = tempfile::tempdir().unwrap();
    let app = partner_app(
        dir.path(),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="config.yaml"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${sf.user}" password="${sf.password}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    let resources = app.join("src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    std::fs::write(
        resources.join("config.yaml"),
        "sf:\n  user: svc@acme.com\n  note: |+\n    text\n\n  password: Keep-Pw-3\n\n\nother: 1\n",
    )
    .unwrap();
    let config = "src/main/resources/config.yaml";
    let (before_inventory, _) = scan(&app);
    let before = entries(&app, config);
    let p = plan(&app);
    assert_eq!(p.moved.len(), 1, "{:#?} {:#?}", p.actions, p.skipped);
    p.apply().unwrap();
    let after = entries(&app, config);
    assert_eq!(after["sf.note"], before["sf.note"]);
    assert_eq!(after["other"], "1");
    let (after_inventory, findings) = scan(&app);
    assert!(findings.is_empty(), "{findings:#?}");
    let unchanged = verify_unchanged(&before_inventory, &after_inventory, &p.paths(), KEY, KEY);
    assert!(unchanged.is_empty(), "{unchanged:?}");
}

/// Found by review: deleting the key that ended a block scalar (`password:`
/// after `note: |`) made the comment lines indented deeper after it lines of
/// the scalar's text (YAML reads a line indented as deep as the text as
/// text, `#` or not), so `sf.note` read another value and the check after
/// writing rolled the fix back. The comments are moved left to the deleted
/// key's column, where they stay comments, and the scalar reads the same.
#[test]
fn an_entry_deleted_after_a_block_scalar_keeps_deeper_comments_out_of_it() {
    let cases = [
        // The case found: the comment as deep as the text.
        "sf:\n  user: svc@acme.com\n  note: |\n    text\n  password: Keep-Pw-3\n    # indented comment\nother: 1\n",
        // Deeper than the text, after a blank line, and two of them.
        "sf:\n  user: svc@acme.com\n  note: |\n    text\n  password: Keep-Pw-3\n\n      # indented comment\n   # another\nother: 1\n",
        // Keep-chomped, with a parent left empty (deleted too) and a
        // header with no text yet.
        "sf:\n  user: svc@acme.com\n  note: |+\n    text\n\n  auth:\n    password: Keep-Pw-3\n      # indented comment\nother: 1\n",
        "sf:\n  user: svc@acme.com\n  note: >-\n  password: Keep-Pw-3\n    # indented comment\nother: 1\n",
    ];
    for yaml in cases {
        let dir = tempfile::tempdir().unwrap();
        let app = partner_app(
            dir.path(),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="config.yaml"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${sf.user}" password="${sf.password}"/>
  </salesforce:sfdc-config>
</mule>
"#,
        );
        let resources = app.join("src/main/resources");
        std::fs::create_dir_all(&resources).unwrap();
        std::fs::write(resources.join("config.yaml"), yaml).unwrap();
        let config = "src/main/resources/config.yaml";
        let (before_inventory, _) = scan(&app);
        let before = entries(&app, config);
        let p = plan(&app);
        assert_eq!(
            p.moved.len(),
            1,
            "{yaml}: {:#?} {:#?}",
            p.actions,
            p.skipped
        );
        assert!(!p.diff().contains("Keep-Pw-3"), "{yaml}");
        p.apply().unwrap();
        let text = std::fs::read_to_string(resources.join("config.yaml")).unwrap();
        assert!(!text.contains("Keep-Pw-3"), "{text}");
        assert!(text.contains("# indented comment"), "{text}");
        let after = entries(&app, config);
        assert_eq!(after["sf.note"], before["sf.note"], "{yaml}\n{text}");
        assert_eq!(after["other"], "1");
        let (after_inventory, findings) = scan(&app);
        assert!(findings.is_empty(), "{findings:#?}");
        let unchanged = verify_unchanged(&before_inventory, &after_inventory, &p.paths(), KEY, KEY);
        assert!(unchanged.is_empty(), "{yaml}\n{text}\n{unchanged:?}");
    }
}

/// Found by review: a plan that made a new secure file in a folder that did
/// not exist (`properties/secure/`) and was then rolled back removed the file
/// and left the folders it had created for it, empty. They go with it; a
/// folder that was there before stays, and so does a created one that
/// something else was written into meanwhile.
#[test]
fn restore_removes_the_folders_apply_created() {
    let tmp = tempfile::tempdir().unwrap();
    let res = tmp.path().join("src/main/resources");
    std::fs::create_dir_all(res.join("empty-before")).unwrap();
    let existing = res.join("config.yaml");
    std::fs::write(&existing, "sf:\n  user: svc@acme.com\n").unwrap();
    let change = |path: PathBuf, original: Option<&str>, new: &str| intguard_fix::FileChange {
        path,
        original: original.map(str::to_string),
        masked_original: original.map(str::to_string),
        new: new.to_string(),
    };
    let plan = Plan {
        changes: vec![
            change(
                existing.clone(),
                Some("sf:\n  user: svc@acme.com\n"),
                "sf:\n  user: other@acme.com\n",
            ),
            change(
                res.join("properties/secure/dev-secure.yaml"),
                None,
                "a: 1\n",
            ),
            change(res.join("properties/secure/qa-secure.yaml"), None, "a: 2\n"),
            change(res.join("empty-before/new.yaml"), None, "a: 3\n"),
            change(res.join("kept/x/new.yaml"), None, "a: 4\n"),
        ],
        ..Plan::default()
    };
    plan.apply().unwrap();
    assert!(res.join("properties/secure/qa-secure.yaml").is_file());
    // Written into a created folder after the fix: that folder stays.
    std::fs::write(res.join("kept/mine.txt"), "mine").unwrap();

    assert_eq!(plan.restore(), Vec::<String>::new());
    assert_eq!(
        std::fs::read_to_string(&existing).unwrap(),
        "sf:\n  user: svc@acme.com\n"
    );
    assert!(!res.join("properties").exists(), "created folders are left");
    assert!(
        res.join("empty-before").is_dir(),
        "a folder that was there went"
    );
    assert!(!res.join("empty-before/new.yaml").exists());
    assert!(res.join("kept/mine.txt").is_file());
    assert!(!res.join("kept/x").exists());
    // Restoring again changes nothing and fails on nothing.
    assert_eq!(plan.restore(), Vec::<String>::new());
    assert!(res.is_dir());
}

/// A secret under a YAML key written again below in the file (a second
/// `sfdc:` block appended to dev.yaml) is not read by Mule: its key's last
/// value replaces the first whole. Moved to the secure file, it would be
/// read (`${secure::sfdc.password}` would find it where Mule finds nothing
/// in that environment now): it is left, saying why, and so is every other
/// environment's definition of the name (it moves whole or not at all).
#[test]
fn a_secret_in_a_replaced_yaml_block_is_not_moved() {
    let (_tmp, app) = fixture("mule4-yaml");
    let dev = app.join("src/main/resources/properties/dev.yaml");
    let mut text = std::fs::read_to_string(&dev).unwrap();
    text.push_str("sfdc:\n  url: \"https://test.salesforce.com\"\n");
    std::fs::write(&dev, text).unwrap();
    let plan = plan(&app);
    let left: Vec<&String> = plan
        .skipped
        .iter()
        .filter(|s| s.contains("`sfdc.password`"))
        .collect();
    assert!(
        left.iter().any(|s| s.contains("dev.yaml")
            && s.contains("writes again below")
            && s.contains("Mule does not read it")),
        "{:?}",
        plan.skipped
    );
    assert!(
        left.iter()
            .any(|s| s.contains("prod.yaml") && s.contains("not moved either")),
        "{:?}",
        plan.skipped
    );
    assert!(
        !plan.actions.iter().any(|a| a.contains("`sfdc.password`")),
        "{:?}",
        plan.actions
    );
}

/// IG102's fix and `fix secrets` agree on what the command moves: a name
/// another environment defines as a reference (`${SFDC_DEV_PASSWORD}`), or
/// that another property reads as a plain one (`${erp.password}` in a URL),
/// moves nowhere, and its finding gives the way by hand and why instead of
/// the command; a name whose every definition is a clear value moves, and
/// its finding names the command.
#[test]
fn ig102_names_the_command_only_where_it_moves_the_value() {
    let (_dir, app) = fixture("mule4-reference-env");
    let (_, findings) = scan(&app);
    let fix_at = |file: &str, line: u32| -> &str {
        let f = findings
            .iter()
            .find(|f| f.location.path.ends_with(file) && f.location.line == line)
            .unwrap_or_else(|| panic!("no IG102 at {file}:{line}: {findings:#?}"));
        &f.fix
    };
    let declined = fix_at("properties/prod.yaml", 4);
    assert!(
        declined.contains(
            "intguard fix secrets does not move it: it moves a name in every environment or in none, and dev.yaml:4 defines `sfdc.password` as a reference"
        ),
        "{declined}"
    );
    assert!(
        !declined.contains("intguard fix secrets --key-env"),
        "{declined}"
    );
    assert!(
        declined.contains("intguard secure-props encrypt --key-env <VAR holding the key> --algorithm AES --mode CBC --random-iv --wrap"),
        "{declined}"
    );
    for file in ["properties/dev.yaml", "properties/prod.yaml"] {
        let read_by = fix_at(file, 9);
        assert!(
            read_by.contains(
                "intguard fix secrets does not move it: it moves a name in every environment or in none, and `erp.url` (dev.yaml:10) reads `erp.password` as a plain property"
            ),
            "{read_by}"
        );
        assert!(
            !read_by.contains("intguard fix secrets --key-env"),
            "{read_by}"
        );
    }
    for file in ["properties/dev.yaml", "properties/prod.yaml"] {
        let moves = fix_at(file, 7);
        assert!(moves.contains("intguard fix secrets --key-env"), "{moves}");
        assert!(!moves.contains("does not move it"), "{moves}");
    }
    let p = plan(&app);
    let moved: Vec<&str> = p.moved.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        moved,
        ["billing.password", "billing.password"],
        "{:#?}",
        p.actions
    );
    assert_eq!(p.skipped.len(), 4, "{:?}", p.skipped);
    for file in ["dev.yaml:9:3", "prod.yaml:9:3"] {
        assert!(
            p.skipped.iter().any(|s| s.contains(&format!(
                "{file}: `erp.password`: also read as a plain property by `erp.url`"
            ))),
            "{:?}",
            p.skipped
        );
    }
    assert!(
        p.skipped
            .iter()
            .any(|s| s.contains("dev.yaml:4:3: `sfdc.password`: defined as a reference")),
        "{:?}",
        p.skipped
    );
    assert!(
        p.skipped
            .iter()
            .any(|s| s.contains("prod.yaml:4:3: `sfdc.password`: not moved either")),
        "{:?}",
        p.skipped
    );
    let shown = format!("{findings:?} {:?} {:?}", p.skipped, p.actions);
    for secret in [
        "Bill-Sfdc-Prod-77",
        "Bill-Dev-Pass-31",
        "Bill-Prod-Pass-52",
        "Erp-Dev-Pass-64",
        "Erp-Prod-Pass-19",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

/// One `${mule.env}.yaml` loaded by `<configuration-properties>` and the
/// secure configuration both, its clear token read as `${sf.token}`.
fn app_loading_one_file_both_ways(dir: &Path, global_token: bool) -> PathBuf {
    let global = if global_token {
        "\n  <global-property name=\"sf.token\" value=\"\"/>"
    } else {
        ""
    };
    let app = partner_app(
        dir,
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">{global}
  <configuration-properties file="config/${{mule.env}}.yaml"/>
  <secure-properties:config name="SP" key="${{encryption.key}}" file="config/${{mule.env}}.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
  </secure-properties:config>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${{sf.user}}" password="${{secure::sf.pw}}" securityToken="${{sf.token}}"/>
  </salesforce:sfdc-config>
</mule>
"#
        ),
    );
    let config = app.join("src/main/resources/config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("prod.yaml"),
        "sf:\n  user: \"int.p@acme.com\"\n  token: \"Clear-Token-5512\"\n",
    )
    .unwrap();
    std::fs::write(
        config.join("dev.yaml"),
        "sf:\n  user: \"int.p@acme.com.dev\"\n",
    )
    .unwrap();
    app
}

/// Found by testing as a user would: encrypted in place, a value that
/// `${sf.token}` reads through the `<configuration-properties>` loading the
/// secure file too would reach the connection as its `![...]` text; the
/// references now read `${secure::sf.token}`.
#[test]
fn a_value_encrypted_in_a_file_both_imports_load_is_read_as_secure() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_loading_one_file_both_ways(dir.path(), false);
    let p = plan(&app);
    assert!(p.skipped.is_empty(), "{:#?}", p.skipped);
    assert!(
        p.actions
            .iter()
            .any(|a| a.contains("read sf.token with secure:: in")),
        "{:#?}",
        p.actions
    );
    p.apply().unwrap();
    let xml = std::fs::read_to_string(app.join("src/main/mule/partner.xml")).unwrap();
    assert!(
        xml.contains(r#"securityToken="${secure::sf.token}""#),
        "{xml}"
    );
    let cipher = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
    assert_eq!(
        decrypt(
            &app,
            "src/main/resources/config/prod.yaml",
            "sf.token",
            cipher,
            KEY
        ),
        "Clear-Token-5512"
    );
    let (inventory, findings) = scan(&app);
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(verify(&inventory, &p.moved, KEY).is_empty());
}

/// Where `${secure::sf.token}` would not read what `${sf.token}` reads in
/// every environment (a `<global-property>` gives dev its value), the
/// references cannot switch: the value is left, and the plan says why.
#[test]
fn a_value_plain_references_read_elsewhere_too_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_loading_one_file_both_ways(dir.path(), true);
    let before = snapshot(&app);
    let p = plan(&app);
    assert!(p.actions.is_empty(), "{:#?}", p.actions);
    assert!(
        p.skipped.iter().any(|s| s.contains("`sf.token`")
            && s.contains("${secure::sf.token} would not read the same definition in dev")),
        "{:#?}",
        p.skipped
    );
    p.apply().unwrap();
    assert_eq!(snapshot(&app), before);
}
