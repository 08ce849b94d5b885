//! `intguard fix secrets` through the CLI: dry run, real run, re-scan, idempotence, the git
//! guard, key rotation. Fixture apps are the fix crate's, copied to temporary folders.

use crate::support::{copy_tree, file_tree, fix_fixture, git};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

const KEY: &str = "MuleSecretKey16!";
const NEW_KEY: &str = "N3w-Key-For-2026";

fn intguard() -> Command {
    let mut c = Command::cargo_bin("intguard").unwrap();
    c.env("IG_FIX_KEY", KEY).env("IG_NEW_KEY", NEW_KEY);
    c
}

fn ig102_count(app: &Path) -> usize {
    let out = intguard()
        .args(["scan", "--format", "json", "--fail-on", "none"])
        .arg(app)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "IG102")
        .count()
}

const SECRETS: &[&str] = &[
    "Tiger2024!dev",
    "aB3dE5fG7hJ9kL1mN3pQ5rS7",
    "Pr0d-S3cret",
    "xY9wV8uT7sR6qP5oN4mL3kJ2",
    "Erp&amp;Pass",
    KEY,
];

#[test]
fn dry_run_changes_nothing_and_masks_secrets() {
    let (_tmp, app) = fix_fixture("mule4-yaml");
    let before = file_tree(&app);
    let out = intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY", "--dry-run"])
        .arg(&app)
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(file_tree(&app), before);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains("-  password: \"Ti…(13)\"\n"), "{stdout}");
    assert!(stdout.contains("+++ b/"), "{stdout}");
    assert!(stdout.contains("+  password: \"!["), "{stdout}");
    for s in SECRETS {
        assert!(!stdout.contains(s) && !stderr.contains(s), "{s} shown");
    }
    assert!(stderr.contains("nothing was written"), "{stderr}");
}

#[test]
fn fix_then_rescan_then_nothing_to_do() {
    let (_tmp, app) = fix_fixture("mule4-yaml");
    assert_eq!(ig102_count(&app), 5);
    let out = intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY"])
        .arg(&app)
        .assert()
        .success()
        .get_output()
        .clone();
    for s in SECRETS {
        assert!(!String::from_utf8_lossy(&out.stdout).contains(s));
        assert!(!String::from_utf8_lossy(&out.stderr).contains(s));
    }
    assert_eq!(ig102_count(&app), 0);

    // The moved value decrypts to the original through `secure-props decrypt`.
    let secure =
        std::fs::read_to_string(app.join("src/main/resources/properties/prod-secure.yaml"))
            .unwrap();
    let line = secure.lines().find(|l| l.contains("password")).unwrap();
    let value = line.split_once(": ").unwrap().1.trim_matches('"');
    intguard()
        .args([
            "secure-props",
            "decrypt",
            "--random-iv",
            "--key-env",
            "IG_FIX_KEY",
            value,
        ])
        .assert()
        .success()
        .stdout("Pr0d-S3cret: with # and 'quotes'\n");

    // Idempotent.
    let after = file_tree(&app);
    intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY"])
        .arg(&app)
        .assert()
        .success()
        .stderr(predicate::str::contains("nothing to change"));
    assert_eq!(file_tree(&app), after);
}

#[test]
fn refuses_on_uncommitted_changes_unless_forced() {
    let (tmp, app) = fix_fixture("mule4-props");
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-q", "-m", "app"]);
    let dev = app.join("src/main/resources/config-dev.properties");
    let mut text = std::fs::read_to_string(&dev).unwrap();
    text.push_str("# local edit\n");
    std::fs::write(&dev, &text).unwrap();
    let before = file_tree(&app);
    intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY"])
        .arg(&app)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("uncommitted changes"))
        .stderr(predicate::str::contains("config-dev.properties"));
    assert_eq!(file_tree(&app), before);

    intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY", "--force"])
        .arg(&app)
        .assert()
        .success();
    assert_eq!(ig102_count(&app), 0);
    assert!(std::fs::read_to_string(&dev)
        .unwrap()
        .ends_with("db.pool=5\n# local edit\n"));
}

#[test]
fn clean_git_tree_is_fixed() {
    let (tmp, app) = fix_fixture("mule3-app");
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-q", "-m", "app"]);
    intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY"])
        .arg(&app)
        .assert()
        .success();
    assert_eq!(ig102_count(&app), 0);
}

/// Run from inside the app as `fix secrets .` (the default path): a secure
/// file the fix creates is found again when the result is read back, as
/// `./src/main/resources/...` (it was reported as not found, exit 2, after
/// a correct fix).
#[test]
fn fixing_the_current_folder_reads_back_the_new_secure_file() {
    let (tmp, app) = fix_fixture("mule4-yaml");
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-q", "-m", "app"]);
    let out = intguard()
        .current_dir(&app)
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY", "."])
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("will create ./src/main/resources/"),
        "{stderr}"
    );
    assert!(stderr.contains("encrypted and checked"), "{stderr}");
    assert_eq!(ig102_count(&app), 0);
}

/// `fix secrets --key-env IG_FIX_KEY --rotate-key IG_NEW_KEY` of `app`, then `extra`.
fn rotate(app: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    intguard()
        .args([
            "fix",
            "secrets",
            "--key-env",
            "IG_FIX_KEY",
            "--rotate-key",
            "IG_NEW_KEY",
        ])
        .args(extra)
        .arg(app)
        .assert()
}

/// The mule4-props fixture's `db.password` as its secure file `secure` holds it now
/// (an `![...]` value).
fn prod_password(secure: &Path) -> String {
    std::fs::read_to_string(secure)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("db.password="))
        .unwrap()
        .to_string()
}

/// `value` decrypts with IG_NEW_KEY, as the mule4-props fixture's configuration reads it
/// (Blowfish, CFB), to its prod password.
fn assert_decrypts_with_the_new_key(value: &str) {
    intguard()
        .args([
            "secure-props",
            "decrypt",
            "--algorithm",
            "Blowfish",
            "--mode",
            "CFB",
        ])
        .args(["--key-env", "IG_NEW_KEY", value])
        .assert()
        .success()
        .stdout("Db-Prod-Pa55!\n");
}

#[test]
fn rotate_key_round_trip() {
    let (_tmp, app) = fix_fixture("mule4-props");
    intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY"])
        .arg(&app)
        .assert()
        .success();
    let secure = app.join("src/main/resources/secure-prod.properties");

    // A wrong old key: error naming the values, nothing written.
    let before = file_tree(&app);
    intguard()
        .args([
            "fix",
            "secrets",
            "--key-env",
            "IG_WRONG_KEY",
            "--rotate-key",
            "IG_NEW_KEY",
        ])
        .env("IG_WRONG_KEY", "Wrong-Key-16byte")
        .arg(&app)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "does not decrypt with the old key",
        ))
        .stderr(predicate::str::contains("db.password"));
    assert_eq!(file_tree(&app), before);

    let out = rotate(&app, &["--dry-run"])
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(out).unwrap().contains("-db.password=!["));
    assert_eq!(file_tree(&app), before);

    rotate(&app, &[]).success();
    assert_decrypts_with_the_new_key(&prod_password(&secure));
    // Second rotation: nothing to do.
    let after = file_tree(&app);
    rotate(&app, &[])
        .success()
        .stderr(predicate::str::contains("nothing to change"));
    assert_eq!(file_tree(&app), after);
}

#[test]
fn usage_errors() {
    let (_tmp, app) = fix_fixture("mule4-yaml");
    intguard()
        .args(["fix", "secrets", "--key-env", "IG_UNSET_VAR"])
        .arg(&app)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("IG_UNSET_VAR is not set"));
    intguard()
        .args(["fix", "secrets"])
        .arg(&app)
        .assert()
        .code(2);
    // A key too short for AES.
    intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY"])
        .env("IG_FIX_KEY", "short")
        .arg(&app)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid key length"));
}

/// The quoted value of the first `password: "..."` line of a YAML file.
fn yaml_password(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        l.trim()
            .strip_prefix("password: \"")?
            .strip_suffix('"')
            .map(str::to_string)
    })
}

/// The example's orders-sapi: dev and qa already read `sfdc.password` as
/// `${secure::sfdc.password}`, prod holds it in clear. The fix moves prod's
/// (it used to give up on the whole name), and the value decrypts back.
#[test]
fn moves_a_secret_that_other_environments_already_read_securely() {
    const KEY: &str = "AcmeOrd3rsK3y!16"; // committed in the example's global.xml (IG103)
    let (_tmp, app) = crate::support::copy_example("orders-sapi");
    // The key taken out of the repository (supplied at deploy time): the fix
    // refuses to encrypt with a committed key.
    let global = app.join("src/main/mule/global.xml");
    let xml = std::fs::read_to_string(&global).unwrap();
    let committed = format!("name=\"encryption.key\" value=\"{KEY}\"");
    assert!(xml.contains(&committed));
    let xml: String = xml
        .split_inclusive('\n')
        .filter(|l| !l.contains(&committed))
        .collect();
    std::fs::write(&global, xml).unwrap();
    let prod = app.join("src/main/resources/properties/prod.yaml");
    let clear = yaml_password(&std::fs::read_to_string(&prod).unwrap())
        .expect("prod.yaml's clear password");
    assert!(ig102_count(&app) >= 1);
    intguard()
        .env("OS_KEY", KEY)
        .args(["fix", "secrets", "--key-env", "OS_KEY"])
        .arg(&app)
        .assert()
        .success();
    assert!(!std::fs::read_to_string(&prod).unwrap().contains(&clear));
    let secure =
        std::fs::read_to_string(app.join("src/main/resources/properties/prod-secure.yaml"))
            .unwrap();
    let moved = yaml_password(&secure).expect("prod-secure.yaml's password");
    let out = intguard()
        .env("OS_KEY", KEY)
        .args(["secure-props", "decrypt", "--key-env", "OS_KEY", &moved])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim_end(), clear);
    // No IG102 is left for prod's password.
    let out = intguard()
        .args(["scan", "--format", "json", "--fail-on", "none"])
        .arg(&app)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "IG102" && f["path"].as_str().unwrap().ends_with("prod.yaml")));
}

/// A key that does not open the app's existing `![...]` values (here in
/// mule.dev.properties, not the file being fixed) is refused: values
/// encrypted with it would not decrypt when the app starts.
#[test]
fn refuses_a_key_the_app_cannot_decrypt_with() {
    let (_tmp, app) = crate::support::copy_example("legacy-sync");
    let before = file_tree(&app);
    let out = intguard()
        .env("WRONG", "WrongKeyWrongKey")
        .args(["fix", "secrets", "--key-env", "WRONG"])
        .arg(&app)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("mule.dev.properties: the key does not decrypt the existing value"),
        "{stderr}"
    );
    assert_eq!(file_tree(&app), before);
}

/// After re-encrypting, the app still reads the old key (a literal key
/// attribute): the rotation says so.
#[test]
fn rotation_names_where_the_old_key_is_still_read() {
    let (_tmp, app) = crate::support::copy_example("legacy-sync");
    let out = intguard()
        .env("OLD", "L3gacySyncK3y#01") // the example's literal key (IG103)
        .env("NEW", "N3wLegacyKey#016")
        .args([
            "fix",
            "secrets",
            "--key-env",
            "OLD",
            "--rotate-key",
            "NEW",
            "--dry-run",
        ])
        .arg(&app)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    // 1: something is left for a person to do.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("global.xml:12:76: <secure-property-placeholder:config> still holds the old key in its key attribute"),
        "{stderr}"
    );
}

/// Found by testing as a user would: the old key passed as
/// `-Dencryption.key=...` by a workflow and a Dockerfile at the repository's
/// top (outside the app's folder, where IG103 finds them) was not named, and
/// the rotation exited 0 although the next deploy would hand the app the old
/// key. Another app's files are that app's to report.
#[test]
fn rotation_names_the_old_key_in_ci_files_outside_the_app() {
    const OLD: &str = "1234567890123456";
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    let write = |rel: &str, text: &str| {
        let path = repo.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    for app in ["orders", "billing"] {
        write(
            &format!("{app}/mule-artifact.json"),
            r#"{"minMuleVersion":"4.4.0","secureProperties":["encryption.key"]}"#,
        );
        write(
            &format!("{app}/src/main/mule/global.xml"),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <secure-properties:config name="Secure" file="secure.yaml" key="${encryption.key}">
    <secure-properties:encrypt algorithm="AES" mode="CBC"/>
  </secure-properties:config>
</mule>
"#,
        );
        // AES/CBC, fixed IV, key 1234567890123456: "1234" (mule.md's vector).
        write(
            &format!("{app}/src/main/resources/secure.yaml"),
            "sf:\n  password: \"![w9oKTqKTtvBuRUVbhQP/qw==]\"\n",
        );
    }
    write(
        ".github/workflows/deploy.yml",
        &format!("on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: mvn deploy -DmuleDeploy -Dencryption.key={OLD}\n"),
    );
    write(
        "Dockerfile",
        &format!("FROM maven:3\nRUN mvn package -Dencryption.key={OLD}\n"),
    );
    write(
        "billing/deploy.sh",
        &format!("mvn deploy -Dencryption.key={OLD}\n"),
    );
    let out = intguard()
        .current_dir(repo)
        .env("OLD", OLD)
        .env("NEW", "abcdefghijklmnop")
        .args([
            "fix",
            "secrets",
            "--key-env",
            "OLD",
            "--rotate-key",
            "NEW",
            "--dry-run",
            ".",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let left: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("intguard: left as is: "))
        .map(|l| l.split(": the old key is still set here").next().unwrap())
        .collect();
    // Each place once, though the workflow and Dockerfile (of no app) set
    // the key of both apps; billing's script is billing's.
    let mut places = left.clone();
    places.sort();
    assert_eq!(
        places,
        [
            "./.github/workflows/deploy.yml:6:38",
            "./Dockerfile:2:17",
            "./billing/deploy.sh:1:12",
        ],
        "{stderr}"
    );
    assert!(!stderr.contains(OLD), "the old key is printed: {stderr}");
}

/// Found by testing as a user would: a password in an `<http:request
/// url>`'s user info and a secret in a `.dwl` script were left "not in a
/// Mule app's XML or property files", although both are in an app. Each
/// reason now says what the value is part of and what to do.
#[test]
fn secrets_left_say_truly_why() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("erp-api");
    let write = |rel: &str, text: &str| {
        let path = app.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("mule-artifact.json", r#"{"minMuleVersion":"4.4.0"}"#);
    write(
        "src/main/mule/global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <flow name="pull-orders">
    <http:request method="GET" url="https://erpuser:Erp-Pass-9911@erp.acme.com/api/orders"/>
  </flow>
</mule>
"#,
    );
    write(
        "src/main/resources/dwl/auth.dwl",
        "%dw 2.0\noutput application/json\n---\n{\n  client_id: \"orders-client\",\n  client_secret: \"Sup3r-Secret-Dwl-4455\"\n}\n",
    );
    let out = intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY", "--dry-run"])
        .arg(&app)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("not in a Mule app"), "{stderr}");
    assert!(
        stderr.contains("global.xml:4:32: the credential is part of the URL of <http:request>"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "auth.dwl:6:3: in the DataWeave script auth.dwl, which fix secrets does not edit"
        ),
        "{stderr}"
    );
    for secret in ["Erp-Pass-9911", "Sup3r-Secret-Dwl-4455"] {
        assert!(!stderr.contains(secret), "{stderr}");
    }
}

/// A secret in a YAML list of maps is left as is with the reason (Mule
/// names no property after a list item), not moved to a secure file under
/// `keys[0]` where nothing could read it either.
#[test]
fn a_secret_in_a_yaml_list_is_left_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("partners-api");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../rules/tests/fixtures/IG102/yaml-list/partners-api"),
        &app,
    );
    let yaml = app.join("src/main/resources/partners.yaml");
    let before = std::fs::read_to_string(&yaml).unwrap();
    let out = intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY", "--force"])
        .arg(&app)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("partners.yaml:4:7: `partners.keys[0].secret` is an item of a YAML list, which Mule reads as no property"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&yaml).unwrap(), before);
    assert!(!app.join("src/main/resources/secure.yaml").exists());
}

/// API Manager's client secret, which the runtime reads from the
/// deployment, is not moved to a secure file it would never be read from.
#[test]
fn a_secret_the_runtime_reads_is_left_for_the_deployment() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("gateway-api");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../rules/tests/fixtures/IG102/runtime-read/gateway-api"),
        &app,
    );
    let out = intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY", "--force"])
        .arg(&app)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("gateway.yaml:6:5: `anypoint.platform.client_secret` is read by the Mule runtime from the deployment"),
        "{stderr}"
    );
    assert!(!app.join("src/main/resources/secure.yaml").exists());
}

/// A Mule 4 app in a temp folder from `(path, text)` pairs, its XML's
/// Salesforce connection reading `${sf.user}` and `password`.
fn app_of(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    for (rel, text) in files {
        let path = app.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    (tmp, app)
}

const SECURE_XML_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce"
      xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
"#;

/// Runs `fix secrets --force` on `app`: (exit code, stderr), and every file
/// of the app as it was before, to compare.
fn fix_keeping(app: &Path) -> (Option<i32>, String, BTreeMap<PathBuf, Vec<u8>>) {
    let before = file_tree(app);
    let out = intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY", "--force"])
        .arg(app)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stderr).unwrap(),
        before,
    )
}

/// Found by testing as a user would: dev read `sf.pass` from a
/// `<global-property>` (which the fix leaves), prod from prod.yaml; the fix
/// moved prod's and made the connection read `${secure::sf.pass}`, which
/// nothing defines in dev. A name moves in every environment or in none.
#[test]
fn a_name_a_global_property_defines_is_not_moved() {
    let xml = format!(
        "{SECURE_XML_HEAD}  <global-property name=\"sf.pass\" value=\"GlobalDefPw1\"/>\n  <configuration-properties file=\"${{mule.env}}.yaml\"/>\n  <secure-properties:config name=\"SP\" file=\"${{mule.env}}-secure.yaml\" key=\"${{mule.key}}\">\n    <secure-properties:encrypt algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\"/>\n  </secure-properties:config>\n  <salesforce:sfdc-config name=\"SF\">\n    <salesforce:basic-connection username=\"${{sf.user}}\" password=\"${{sf.pass}}\"/>\n  </salesforce:sfdc-config>\n</mule>\n"
    );
    let (_tmp, app) = app_of(&[
        (
            "mule-artifact.json",
            r#"{"minMuleVersion":"4.4.0","secureProperties":["mule.key"]}"#,
        ),
        ("src/main/mule/global.xml", &xml),
        (
            "src/main/resources/dev.yaml",
            "sf:\n  user: \"int.g@acme.com.dev\"\n",
        ),
        (
            "src/main/resources/prod.yaml",
            "sf:\n  user: \"int.g@acme.com\"\n  pass: \"ProdOverridePw\"\n",
        ),
    ]);
    let (code, stderr, before) = fix_keeping(&app);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("prod.yaml:3:3: `sf.pass`: <global-property name=\"sf.pass\"> at ")
            && stderr.contains("also defines it, and stays"),
        "{stderr}"
    );
    assert_eq!(file_tree(&app), before, "nothing is written");
}

/// Found by testing as a user would: `sf.tok` defined for qa only (prod's
/// given at deploy time) was moved to a secure file every environment
/// loads, so prod would run with qa's token.
#[test]
fn a_name_some_environments_do_not_define_is_not_moved() {
    let xml = format!(
        "{SECURE_XML_HEAD}  <configuration-properties file=\"${{mule.env}}.properties\"/>\n  <secure-properties:config name=\"SP\" file=\"secure.properties\" key=\"${{mule.key}}\">\n    <secure-properties:encrypt algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\"/>\n  </secure-properties:config>\n  <salesforce:sfdc-config name=\"SF\">\n    <salesforce:basic-connection username=\"${{sf.user}}\" password=\"${{secure::sf.pass}}\" securityToken=\"${{sf.tok}}\"/>\n  </salesforce:sfdc-config>\n</mule>\n"
    );
    let (_tmp, app) = app_of(&[
        (
            "mule-artifact.json",
            r#"{"minMuleVersion":"4.4.0","secureProperties":["mule.key"]}"#,
        ),
        ("src/main/mule/global.xml", &xml),
        (
            "src/main/resources/qa.properties",
            "sf.user=int.x@acme.com.qa\nsf.tok=QaOnlyToken12345\n",
        ),
        (
            "src/main/resources/prod.properties",
            "sf.user=int.x@acme.com\n",
        ),
        ("src/main/resources/secure.properties", "other=1\n"),
    ]);
    let (code, stderr, before) = fix_keeping(&app);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "qa.properties:2:1: `sf.tok`: defined for some environments only: prod defines none"
        ),
        "{stderr}"
    );
    assert_eq!(file_tree(&app), before, "nothing is written");
}

/// Found by testing as a user would: the fix rewrote the XML's references
/// to `secure::` but not another property's value (`login:
/// "${sf.pass}"`) nor a DataWeave script's `p('sf.pass')`, which then read
/// a name that no longer exists. Such a name is not moved; the places are
/// named.
#[test]
fn a_name_read_outside_the_xml_is_not_moved() {
    let xml = format!(
        "{SECURE_XML_HEAD}  <configuration-properties file=\"config.yaml\"/>\n  <salesforce:sfdc-config name=\"SF\">\n    <salesforce:basic-connection username=\"${{sf.user}}\" password=\"${{sf.pass}}\"/>\n  </salesforce:sfdc-config>\n</mule>\n"
    );
    let (_tmp, app) = app_of(&[
        ("mule-artifact.json", r#"{"minMuleVersion":"4.4.0"}"#),
        ("src/main/mule/global.xml", &xml),
        (
            "src/main/resources/config.yaml",
            "sf:\n  user: \"int.r@acme.com\"\n  pass: \"RefDevPw1\"\n  login: \"${sf.pass}\"\n",
        ),
        (
            "src/main/resources/dwl/login.dwl",
            "%dw 2.0\noutput application/json\n---\n{ password: Mule::p('sf.pass') }\n",
        ),
    ]);
    let (code, stderr, before) = fix_keeping(&app);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "config.yaml:3:3: `sf.pass`: also read as a plain property by `sf.login` at "
        ) && stderr.contains("login.dwl:4"),
        "{stderr}"
    );
    assert_eq!(file_tree(&app), before, "nothing is written");
}

/// Found by testing as a user would: `mode="${secure.mode:CBC}"` with only
/// prod defining `secure.mode`: dev's mode is the default, CBC. IG108 said
/// dev used prod's ECB, `--upgrade-encryption` refused dev's cipher as
/// unknown, and IG104 missed dev's value under a committed key.
#[test]
fn an_encryption_setting_takes_its_default_where_nothing_defines_it() {
    const KEY: &str = "0123456789abcdef";
    let encrypt = |alg: &str, mode: &str, value: &str| -> String {
        let out = intguard()
            .env("K", KEY)
            .args([
                "secure-props",
                "encrypt",
                "--algorithm",
                alg,
                "--mode",
                mode,
            ])
            .args(["--key-env", "K", "--wrap", value])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let xml = format!(
        "{SECURE_XML_HEAD}  <configuration-properties file=\"${{mule.env}}.properties\"/>\n  <secure-properties:config name=\"SP\" file=\"${{mule.env}}-secure.properties\" key=\"{KEY}\">\n    <secure-properties:encrypt algorithm=\"${{secure.algorithm}}\" mode=\"${{secure.mode:CBC}}\"/>\n  </secure-properties:config>\n</mule>\n"
    );
    let dev = format!("db.password={}\n", encrypt("Blowfish", "CBC", "DevDbPw"));
    let prod = format!("db.password={}\n", encrypt("AES", "ECB", "ProdDbPw"));
    let (_tmp, app) = app_of(&[
        ("mule-artifact.json", r#"{"minMuleVersion":"4.4.0"}"#),
        ("src/main/mule/global.xml", &xml),
        (
            "src/main/resources/dev.properties",
            "secure.algorithm=Blowfish\n",
        ),
        (
            "src/main/resources/prod.properties",
            "secure.algorithm=AES\nsecure.mode=ECB\n",
        ),
        ("src/main/resources/dev-secure.properties", &dev),
        ("src/main/resources/prod-secure.properties", &prod),
    ]);
    let weak = findings_of(&app, "IG108");
    let dev_weak = weak
        .iter()
        .find(|f| f["environments"] == serde_json::json!(["dev"]))
        .expect("dev's weak settings");
    let message = dev_weak["message"].as_str().unwrap();
    assert!(
        message.contains("Blowfish") && !message.contains("ECB"),
        "{message}"
    );
    let mut opened: Vec<String> = findings_of(&app, "IG104")
        .iter()
        .map(|f| {
            f["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    opened.sort();
    assert_eq!(opened, ["dev-secure.properties", "prod-secure.properties"]);
}

/// Found by testing as a user would: a second run of the same rotation
/// (a CI retry) said "nothing to change" and exited 0 although the old key
/// was still in the repository, which it had named the first time.
#[test]
fn a_second_rotation_still_names_the_old_key() {
    let (_tmp, app) = crate::support::copy_example("legacy-sync");
    let rotate = || {
        intguard()
            .env("OLD", "L3gacySyncK3y#01") // the example's literal key (IG103)
            .env("NEW", "N3wLegacyKey#016")
            .args([
                "fix",
                "secrets",
                "--key-env",
                "OLD",
                "--rotate-key",
                "NEW",
                "--force",
            ])
            .arg(&app)
            .output()
            .unwrap()
    };
    for run in 1..=2 {
        let out = rotate();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "run {run}: {stderr}");
        assert!(
            stderr.contains("still holds the old key in its key attribute"),
            "run {run}: {stderr}"
        );
        if run == 2 {
            assert!(stderr.contains("nothing to change"), "{stderr}");
        }
    }
}

/// Found by testing as a user would: common.yaml's clear `sf.pass` is read
/// in dev only (prod's own file reads `${secure::sf.pass}` first). IG102
/// said "(every environment)", and the fix it names refused ("prod-secure.yaml
/// already defines it with another value"). Now: "(dev)", and the value
/// moves to dev's secure file only.
#[test]
fn a_common_default_overridden_by_one_environment_moves_for_the_others() {
    let xml = format!(
        "{SECURE_XML_HEAD}  <configuration-properties file=\"config/${{mule.env}}.yaml\"/>\n  <configuration-properties file=\"config/common.yaml\"/>\n  <secure-properties:config name=\"SP\" file=\"config/${{mule.env}}-secure.yaml\" key=\"${{secure.key}}\">\n    <secure-properties:encrypt algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\"/>\n  </secure-properties:config>\n  <salesforce:sfdc-config name=\"SF\">\n    <salesforce:basic-connection username=\"${{sf.user}}\" password=\"${{sf.pass}}\"/>\n  </salesforce:sfdc-config>\n</mule>\n"
    );
    // prod's own value, encrypted with the fix's key.
    let out = intguard()
        .args([
            "secure-props",
            "encrypt",
            "--random-iv",
            "--key-env",
            "IG_FIX_KEY",
        ])
        .args(["--wrap", "ProdRealPw1!"])
        .output()
        .unwrap();
    let prod_secure_text = format!(
        "sf:\n  pass: \"{}\"\n",
        String::from_utf8(out.stdout).unwrap().trim()
    );
    let (_tmp, app) = app_of(&[
        (
            "mule-artifact.json",
            r#"{"minMuleVersion":"4.4.0","secureProperties":["secure.key"]}"#,
        ),
        ("src/main/mule/global.xml", &xml),
        (
            "src/main/resources/config/common.yaml",
            "sf:\n  pass: \"CommonDefaultPw1\"\n",
        ),
        (
            "src/main/resources/config/dev.yaml",
            "sf:\n  user: \"int.x@acme.com.dev\"\n",
        ),
        (
            "src/main/resources/config/prod.yaml",
            "sf:\n  user: \"int.x@acme.com\"\n  pass: \"${secure::sf.pass}\"\n",
        ),
        (
            "src/main/resources/config/prod-secure.yaml",
            &prod_secure_text,
        ),
        (
            "src/main/resources/config/dev-secure.yaml",
            "other: \"x\"\n",
        ),
    ]);
    let clear = findings_of(&app, "IG102");
    assert_eq!(clear.len(), 1, "{clear:#?}");
    let message = clear[0]["message"].as_str().unwrap();
    assert!(
        message.contains("`sf.pass` in common.yaml (dev) is in clear"),
        "{message}"
    );
    let prod_secure =
        std::fs::read(app.join("src/main/resources/config/prod-secure.yaml")).unwrap();
    let out = intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY", "--force"])
        .arg(&app)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("dev-secure.yaml"), "{stderr}");
    assert_eq!(
        std::fs::read(app.join("src/main/resources/config/prod-secure.yaml")).unwrap(),
        prod_secure
    );
    let dev_secure =
        std::fs::read_to_string(app.join("src/main/resources/config/dev-secure.yaml")).unwrap();
    assert!(dev_secure.contains("pass: \"!["), "{dev_secure}");
    assert!(findings_of(&app, "IG102").is_empty());
}

/// The findings of `rule` in a JSON scan of `app`.
fn findings_of(app: &Path, rule: &str) -> Vec<serde_json::Value> {
    let (_, report) = crate::support::scan_json(app, &["--fail-on", "none"]);
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .cloned()
        .collect()
}

/// The example's customers-papi encrypts with Blowfish and fixed IVs under a
/// key committed in its pom: IG103, IG104 and IG108 name one command for all
/// three, and that command, run as named, leaves IG104 and IG108 nothing to
/// report (IG103 stays until the old key is deleted, which it says).
#[test]
fn upgrade_encryption_fixes_ig104_and_ig108_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("customers-papi");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/acme-integrations/customers-papi"),
        &app,
    );
    let pom = std::fs::read_to_string(app.join("pom.xml")).unwrap();
    let committed = pom
        .split("<encryption.key>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_string();
    let command = "--rotate-key <VAR holding the new key> --upgrade-encryption";
    let weak = findings_of(&app, "IG108");
    assert_eq!(weak.len(), 1, "{weak:#?}");
    let decrypted = findings_of(&app, "IG104");
    assert_eq!(decrypted.len(), 15);
    let committed_key = findings_of(&app, "IG103");
    assert_eq!(committed_key.len(), 1);
    for f in weak.iter().chain(&decrypted).chain(&committed_key) {
        assert!(f["fix"].as_str().unwrap().contains(command), "{}", f["fix"]);
    }

    // Its 14-character Blowfish key cannot be an AES key: keeping it is
    // refused, with the way out, and nothing is written.
    let before = file_tree(&app);
    intguard()
        .args([
            "fix",
            "secrets",
            "--key-env",
            "IG_OLD_KEY",
            "--upgrade-encryption",
        ])
        .env("IG_OLD_KEY", &committed)
        .arg(&app)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("AES needs 16, 24 or 32 bytes"))
        .stderr(predicate::str::contains("add --rotate-key with a new key"));
    assert_eq!(file_tree(&app), before);

    let out = intguard()
        .args([
            "fix",
            "secrets",
            "--key-env",
            "IG_OLD_KEY",
            "--rotate-key",
            "IG_NEW_KEY",
            "--upgrade-encryption",
        ])
        .env("IG_OLD_KEY", &committed)
        .arg(&app)
        .assert()
        // Left to do by hand: the old key is still set in the pom.
        .code(1)
        .stderr(predicate::str::contains(
            "15 value(s) encrypted and checked",
        ))
        .stderr(predicate::str::contains(
            "pom.xml:50:9: the old key is still set here (`encryption.key`, read by <secure-properties:config> as ${encryption.key})",
        ))
        .get_output()
        .clone();
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!shown.contains(&committed) && !shown.contains(NEW_KEY));
    let global = std::fs::read_to_string(app.join("src/main/mule/global.xml")).unwrap();
    assert!(global.contains(
        r#"<secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true" />"#
    ));
    assert!(findings_of(&app, "IG108").is_empty());
    assert!(findings_of(&app, "IG104").is_empty());
    assert_eq!(findings_of(&app, "IG103").len(), 1);
    // A value reads back with the new key and settings.
    let dev =
        std::fs::read_to_string(app.join("src/main/resources/properties/dev-secure.yaml")).unwrap();
    let value = dev
        .lines()
        .find_map(|l| l.trim().strip_prefix("password: \"!["))
        .and_then(|v| v.strip_suffix("]\""))
        .unwrap();
    let plain = intguard()
        .args([
            "secure-props",
            "decrypt",
            "--random-iv",
            "--key-env",
            "IG_NEW_KEY",
            value,
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(!plain.is_empty());

    // Run again: nothing left to do.
    let after = file_tree(&app);
    intguard()
        .args([
            "fix",
            "secrets",
            "--key-env",
            "IG_NEW_KEY",
            "--upgrade-encryption",
        ])
        .arg(&app)
        .assert()
        .success()
        .stderr(predicate::str::contains("nothing to change"));
    assert_eq!(file_tree(&app), after);
}

/// `--upgrade-encryption` on an app whose cipher is read from properties
/// (Blowfish in dev, AES in prod, fixed IVs): the command IG108 names works
/// as named, writes the strong settings in the XML, says which definitions
/// they no longer read, and leaves IG108 nothing to report.
#[test]
fn upgrade_encryption_resolves_settings_read_from_properties() {
    let (_tmp, app) = fix_fixture("mule4-setting-props");
    let weak = findings_of(&app, "IG108");
    assert_eq!(weak.len(), 2, "{weak:#?}");
    for f in &weak {
        assert!(
            f["fix"]
                .as_str()
                .unwrap()
                .contains("--rotate-key <VAR holding the new key> --upgrade-encryption "),
            "{}",
            f["fix"]
        );
    }
    intguard()
        .args([
            "fix",
            "secrets",
            "--key-env",
            "IG_OLD_KEY",
            "--rotate-key",
            "IG_NEW_KEY",
            "--upgrade-encryption",
        ])
        .env("IG_OLD_KEY", "MuleSecretKey16!")
        .env("IG_NEW_KEY", "N3w-Key-For-2026")
        .arg(&app)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "set algorithm=\"AES\" mode=\"CBC\" useRandomIVs=\"true\" on <secure-properties:config> `Secure_Props`",
        ))
        .stderr(predicate::str::contains("instead of reading `secure.algorithm` ("))
        .stderr(predicate::str::contains(
            "re-encrypt 2 value(s) of ",
        ))
        .stderr(predicate::str::contains(
            "with the new key and AES/CBC/PKCS5Padding (random IV) instead of Blowfish/CBC/PKCS5Padding (fixed IV)",
        ))
        .stderr(predicate::str::contains("3 value(s) encrypted and checked"))
        .stderr(predicate::str::contains("MuleSecretKey16!").not())
        .stderr(predicate::str::contains("Dev-Sfdc-Pass-01").not());
    assert!(findings_of(&app, "IG108").is_empty());
    let global = std::fs::read_to_string(app.join("src/main/mule/global.xml")).unwrap();
    assert!(global.contains(
        r#"<secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>"#
    ));
}

/// Found by exploratory testing: `fix secrets` encrypted with a key the
/// repository commits (IG103) and exited 0, the new values as readable as
/// before. The key that would encrypt is refused (exit 2, where it is
/// committed, the key masked, `--rotate-key` as the way out); decrypting
/// with a committed old key while rotating to a new one is not.
#[test]
fn refuses_to_encrypt_with_a_committed_key() {
    let (_tmp, app) = fix_fixture("mule4-props");
    // The app's own key, committed as a -D option of a script.
    std::fs::write(
        app.join("deploy.sh"),
        format!("#!/bin/sh\nmvn deploy -DmuleDeploy -Dencryption.key={KEY}\n"),
    )
    .unwrap();
    assert_eq!(findings_of(&app, "IG103").len(), 1);
    let before = file_tree(&app);
    for dry_run in [false, true] {
        let mut cmd = intguard();
        cmd.args(["fix", "secrets", "--key-env", "IG_FIX_KEY"]);
        if dry_run {
            cmd.arg("--dry-run");
        }
        let out = cmd.arg(&app).assert().code(2).get_output().clone();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stdout.is_empty(), "{stdout}");
        assert!(
            stderr.contains(
                "refusing to encrypt with the key of --key-env IG_FIX_KEY (16 characters, sha256:"
            ) && stderr.contains("it is committed in the repository at ")
                && stderr.contains("deploy.sh:2 (IG103)")
                && stderr.contains("--rotate-key <VAR holding the new key>"),
            "{stderr}"
        );
        assert!(!stderr.contains(KEY), "{stderr}");
        assert_eq!(file_tree(&app), before);
    }

    // Rotating away from the committed key: allowed. Exit 1: the old key is
    // still in deploy.sh, to delete by hand.
    let out = rotate(&app, &[]).code(1).get_output().clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("encrypted and checked"), "{stderr}");
    assert!(stderr.contains("deploy.sh:2"), "{stderr}");
    assert_ne!(file_tree(&app), before);

    // Rotating to a key the repository commits: refused.
    let third = "Th1rd-Key-2026!!";
    std::fs::write(
        app.join("deploy.sh"),
        format!("#!/bin/sh\nmvn deploy -DmuleDeploy -Dencryption.key={third}\n"),
    )
    .unwrap();
    let before = file_tree(&app);
    let out = intguard()
        .env("IG_THIRD_KEY", third)
        .args([
            "fix",
            "secrets",
            "--key-env",
            "IG_NEW_KEY",
            "--rotate-key",
            "IG_THIRD_KEY",
        ])
        .arg(&app)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("refusing to encrypt with the new key of --rotate-key IG_THIRD_KEY")
            && stderr.contains("deploy.sh:2 (IG103)"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(third) && !stderr.contains(NEW_KEY),
        "{stderr}"
    );
    assert_eq!(file_tree(&app), before);
}

/// A `.properties` file saved with a UTF-8 byte order mark: Mule reads it
/// through a UTF-8 reader and `Properties.load`, which keep the mark in the
/// first key (`\u{feff}sf.password`), so `${sf.password}` does not read that
/// value. The scan still reports the clear secret, naming the key without
/// the mark and saying why nothing reads it; the fix leaves it (moved under
/// its own name it would still be read by nothing, and deleting the first
/// line would pass the mark to `sf.user`), saying what to do.
#[test]
fn a_properties_byte_order_mark_is_named_not_shown() {
    let xml = format!(
        "{SECURE_XML_HEAD}  <configuration-properties file=\"config.properties\"/>\n  <salesforce:sfdc-config name=\"SF\">\n    <salesforce:basic-connection username=\"${{sf.user}}\" password=\"${{sf.password}}\"/>\n  </salesforce:sfdc-config>\n</mule>\n"
    );
    let (_tmp, app) = app_of(&[
        ("mule-artifact.json", "{\"minMuleVersion\": \"4.6.0\"}\n"),
        ("src/main/mule/app.xml", &xml),
        (
            "src/main/resources/config.properties",
            "\u{feff}sf.password=Bom-Secret-99\nsf.user=svc@acme.com\n",
        ),
    ]);
    let ig102 = findings_of(&app, "IG102");
    assert_eq!(ig102.len(), 1, "{ig102:#?}");
    let f = &ig102[0];
    let text = serde_json::to_string(f).unwrap();
    assert!(!text.contains('\u{feff}'), "{text}");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("secret property `sf.password` (written after the file's UTF-8 byte order mark, which Mule's .properties loader reads as part of the key: ${sf.password} does not read this value)"),
        "{message}"
    );
    let fix = f["fix"].as_str().unwrap();
    assert!(
        fix.starts_with("Save config.properties as UTF-8 without a byte order mark"),
        "{fix}"
    );
    let (code, stderr, before) = fix_keeping(&app);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stderr.contains('\u{feff}'), "{stderr}");
    assert!(
        stderr.contains("config.properties:1:1: `sf.password` follows the UTF-8 byte order mark the file starts with"),
        "{stderr}"
    );
    assert_eq!(file_tree(&app), before);
}

/// Found by review: deleting `sf.password`, written after a block scalar
/// and before a comment indented deeper than the block's key, made the
/// comment a line of the block (YAML reads a line as deep as the block's
/// text as text), so `sf.note` read another value. The check after writing
/// caught it and put every file back (exit 2): the fix failed. The comment
/// is now moved left to the deleted key's column, where it stays a comment,
/// and the fix goes through with every other property as it was.
#[test]
fn a_deeper_comment_after_a_block_scalar_stays_a_comment() {
    let xml = format!(
        "{SECURE_XML_HEAD}  <configuration-properties file=\"config.yaml\"/>\n  <salesforce:sfdc-config name=\"SF\">\n    <salesforce:basic-connection username=\"${{sf.user}}\" password=\"${{sf.password}}\"/>\n  </salesforce:sfdc-config>\n</mule>\n"
    );
    let (_tmp, app) = app_of(&[
        ("mule-artifact.json", "{\"minMuleVersion\": \"4.6.0\"}\n"),
        ("src/main/mule/app.xml", &xml),
        (
            "src/main/resources/config.yaml",
            "sf:\n  user: svc@acme.com\n  note: |\n    text\n  password: Keep-Pw-3\n    # indented comment\nother: 1\n",
        ),
    ]);
    let (code, stderr, _) = fix_keeping(&app);
    assert_ne!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("1 value(s) encrypted and checked"),
        "{stderr}"
    );
    assert!(!stderr.contains("Keep-Pw-3"), "{stderr}");
    let config = std::fs::read_to_string(app.join("src/main/resources/config.yaml")).unwrap();
    assert_eq!(
        config,
        "sf:\n  user: svc@acme.com\n  note: |\n    text\n  # indented comment\nother: 1\n"
    );
}

/// The secure-properties key written as the first key of a `.properties`
/// file saved with a byte order mark (which Mule reads as part of the key)
/// is committed all the same: IG103 reports it, named without the mark, and
/// fix secrets refuses to encrypt with it.
#[test]
fn a_key_after_a_byte_order_mark_is_still_committed() {
    let xml = format!(
        "{SECURE_XML_HEAD}  <configuration-properties file=\"config.properties\"/>\n  <secure-properties:config name=\"SP\" key=\"${{encryption.key}}\" file=\"secure.yaml\"/>\n  <salesforce:sfdc-config name=\"SF\">\n    <salesforce:basic-connection username=\"${{sf.user}}\" password=\"${{sf.password}}\"/>\n  </salesforce:sfdc-config>\n</mule>\n"
    );
    let (_tmp, app) = app_of(&[
        ("mule-artifact.json", "{\"minMuleVersion\": \"4.6.0\"}\n"),
        ("src/main/mule/app.xml", &xml),
        (
            "src/main/resources/config.properties",
            &format!(
                "\u{feff}encryption.key={KEY}\nsf.user=svc@acme.com\nsf.password=Clear-Pw-8\n"
            ),
        ),
        ("src/main/resources/secure.yaml", "a: \"1\"\n"),
    ]);
    let ig103 = findings_of(&app, "IG103");
    assert_eq!(ig103.len(), 1, "{ig103:#?}");
    let text = serde_json::to_string(&ig103[0]).unwrap();
    assert!(!text.contains('\u{feff}') && !text.contains(KEY), "{text}");
    assert!(
        ig103[0]["message"]
            .as_str()
            .unwrap()
            .contains("`encryption.key` in config.properties is committed"),
        "{text}"
    );
    let (code, stderr, before) = fix_keeping(&app);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("committed"), "{stderr}");
    assert_eq!(file_tree(&app), before);
}

/// The app moved into a folder whose name is not UTF-8 (`caf\xE9`, saved
/// from a Latin-1 system): every file under it is shown as `caf\xE9/...`.
#[cfg(unix)]
fn in_a_latin1_folder(app: &Path) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    let moved = app
        .parent()
        .unwrap()
        .join(std::ffi::OsStr::from_bytes(b"caf\xE9"));
    std::fs::rename(app, &moved).unwrap();
    moved
}

/// Files whose names hold the escape reports spell a non-UTF-8 byte with
/// (`\xE9`): what writing at the shown name instead of the file makes.
#[cfg(unix)]
fn escaped_names(tree: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<&PathBuf> {
    tree.keys()
        .filter(|p| p.to_string_lossy().contains("\\x"))
        .collect()
}

/// An app whose path is not UTF-8 is fixed in its own files. Opened at the
/// name reports show (`caf\xE9/...`), each file was "not found": the XML
/// was planned as a new, empty file written beside it, and nothing was
/// encrypted.
#[cfg(unix)]
#[test]
fn an_app_whose_path_is_not_utf8_is_fixed_in_its_own_files() {
    let (_tmp, app) = fix_fixture("mule4-yaml");
    let app = in_a_latin1_folder(&app);
    assert_eq!(ig102_count(&app), 5);
    let before = file_tree(&app);
    let out = intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY"])
        .arg(&app)
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("caf\\xE9/src/main/mule/global.xml"),
        "{stderr}"
    );
    assert!(
        stderr.contains("value(s) encrypted and checked"),
        "{stderr}"
    );
    assert!(!stderr.contains('\u{FFFD}'), "{stderr}");
    for s in SECRETS {
        assert!(!stderr.contains(s), "{s} shown");
    }
    assert_eq!(ig102_count(&app), 0);
    let after = file_tree(&app);
    assert_eq!(escaped_names(&after), Vec::<&PathBuf>::new());
    // Each file it had is changed where it is (none left beside it).
    let global = app.join("src/main/mule/global.xml");
    assert_ne!(after[&global], before[&global]);
    assert!(String::from_utf8_lossy(&after[&global]).contains("${secure::"));
}

/// `--dry-run` on such an app shows the diff under the names reports use.
#[cfg(unix)]
#[test]
fn a_dry_run_names_a_path_that_is_not_utf8_as_reports_do() {
    let (_tmp, app) = fix_fixture("mule4-yaml");
    let app = in_a_latin1_folder(&app);
    let before = file_tree(&app);
    let out = intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY", "--dry-run"])
        .arg(&app)
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("--- a/") && stdout.contains("caf\\xE9/src/main/mule/global.xml\n"),
        "{stdout}"
    );
    assert!(!stdout.contains('\u{FFFD}'), "{stdout}");
    assert_eq!(file_tree(&app), before);
}

/// A key rotation in an app whose path is not UTF-8 re-encrypts its own
/// secure file (opened at the name reports show, it was "not found").
#[cfg(unix)]
#[test]
fn a_key_rotation_in_an_app_whose_path_is_not_utf8_rewrites_its_own_files() {
    let (_tmp, app) = fix_fixture("mule4-props");
    let app = in_a_latin1_folder(&app);
    intguard()
        .args(["fix", "secrets", "--key-env", "IG_FIX_KEY"])
        .arg(&app)
        .assert()
        .success();
    let secure = app.join("src/main/resources/secure-prod.properties");
    let before = prod_password(&secure);
    let out = rotate(&app, &[]).success().get_output().clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("caf\\xE9/src/main/resources/secure-prod.properties"),
        "{stderr}"
    );
    let after = prod_password(&secure);
    assert_ne!(after, before);
    assert_decrypts_with_the_new_key(&after);
    assert_eq!(escaped_names(&file_tree(&app)), Vec::<&PathBuf>::new());
}
