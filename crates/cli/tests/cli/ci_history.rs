//! A CI gate living with a baseline for months: what a team's later edits do
//! to it. Edits that leave the problem as it was (lines above, reindenting,
//! reordered keys) keep it green; a plaintext secret replaced by another
//! plaintext secret (rotated, but still committed in clear) is a new leak and
//! fails it, wherever the secret is written.

use std::path::Path;

use crate::support::{
    diagnostics, findings, git, intguard, mule4_app, run, run_cmd, scan_json, write,
};

const YAML: &str = "orders/src/main/resources/properties/prod.yaml";
const PROPERTIES: &str = "orders/src/main/resources/erp-prod.properties";
const DOCKERFILE: &str = "docker/Dockerfile";

/// An app whose prod secrets are written in clear in a YAML file and a
/// `.properties` file, and a Dockerfile that sets a share password in clear.
fn project(root: &Path, sfdc: &str, erp: &str, share: &str) {
    let app = mule4_app(root, "orders", &["sfdc.password", "erp.password"]);
    write(
        &app,
        "src/main/mule/global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="properties/${mule.env}.yaml" />
  <configuration-properties file="erp-${mule.env}.properties" />
  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:jwt-connection consumerKey="${sfdc.consumerKey}" keyStore="keys/sf.jks" storePassword="${sfdc.password}" principal="${sfdc.username}" />
  </salesforce:sfdc-config>
</mule>
"#,
    );
    write(
        root,
        YAML,
        format!("sfdc:\n  username: \"int.orders@acme.com\"\n  password: \"{sfdc}\"\n"),
    );
    write(
        root,
        PROPERTIES,
        format!("erp.host=erp.acme.internal\nerp.password={erp}\n"),
    );
    write(
        root,
        DOCKERFILE,
        format!(
            "FROM eclipse-temurin:17-jre\nENV SHARE_USER=svc_orders \\\n    SHARE_PASSWORD={share}\n"
        ),
    );
}

const SFDC: &str = "Spr1ngOrders#2024";
const ERP: &str = "Erp!Pass2024x";
const SHARE: &str = "Cr1mShare-2019!";

/// The IG102 findings a gate with `baseline` fails on, by path.
fn new_ig102(root: &Path, baseline: &Path) -> Vec<String> {
    let (run, report) = scan_json(root, &["--baseline", baseline.to_str().unwrap()]);
    let mut paths: Vec<String> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG102")
        .map(|f| {
            f["path"]
                .as_str()
                .unwrap()
                .trim_start_matches(root.to_str().unwrap())
                .trim_start_matches('/')
                .to_string()
        })
        .collect();
    paths.sort();
    assert_eq!(run.code, i32::from(!paths.is_empty()), "{}", run.stdout);
    paths
}

#[test]
fn a_rotated_secret_still_in_clear_is_a_new_finding_wherever_it_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    project(&root, SFDC, ERP, SHARE);
    let baseline = tmp.path().join("baseline.json");
    run([
        "scan".as_ref(),
        root.as_os_str(),
        "--write-baseline".as_ref(),
        baseline.as_os_str(),
    ])
    .expect_code(0);
    assert!(new_ig102(&root, &baseline).is_empty());

    // Moved, reindented, reordered, commented: the same secrets, accepted.
    write(
        &root,
        YAML,
        format!("# prod\n\nsfdc:\n    password: '{SFDC}'\n    username: int.orders@acme.com\n"),
    );
    write(
        &root,
        PROPERTIES,
        format!("# ERP gateway\n\nerp.password = {ERP}\nerp.host=erp.acme.internal\n"),
    );
    assert!(new_ig102(&root, &baseline).is_empty());

    // Rotated, and committed in clear again: each is a new leak of a live
    // credential, as a new literal in the XML already is.
    project(
        &root,
        "Autumn0rders#2026",
        "Erp!Pass2026y",
        "Cr1mShare-2026!",
    );
    assert_eq!(
        new_ig102(&root, &baseline),
        vec![DOCKERFILE, PROPERTIES, YAML]
    );
}

/// A baseline written before secrets' values counted in their fingerprints
/// (these are the fingerprints intguard 0.1.0 gave the three findings) still
/// accepts them: an upgrade does not turn a green gate red. Written again,
/// it holds the fingerprints that tell a rotated secret apart.
#[test]
fn a_baseline_written_before_values_counted_still_accepts_its_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    project(&root, SFDC, ERP, SHARE);
    let baseline = write(
        tmp.path(),
        "old-baseline.json",
        r#"{
  "version": 1,
  "findings": [
    { "fingerprint": "0c5f8601bb5fbaff", "rule": "IG102", "path": "repo/orders/src/main/resources/erp-prod.properties" },
    { "fingerprint": "0cf0c5d1cd63ecb4", "rule": "IG102", "path": "repo/docker/Dockerfile" },
    { "fingerprint": "c67bf7bed1351851", "rule": "IG102", "path": "repo/orders/src/main/resources/properties/prod.yaml" }
  ]
}
"#,
    );
    assert!(new_ig102(&root, &baseline).is_empty());
}

/// Docker drops comment lines inside a continued `ENV`: an `intguard-ignore`
/// written above the pair it is about, inside the instruction, hides that
/// pair's finding (it hid the pair from the reader instead, and was then
/// reported as hiding nothing).
#[test]
fn a_suppression_inside_a_continued_dockerfile_env_hides_its_pair() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    project(&root, SFDC, ERP, SHARE);
    write(
        &root,
        DOCKERFILE,
        format!(
            "FROM eclipse-temurin:17-jre\nENV SHARE_USER=svc_orders \\\n# intguard-ignore IG102: share decommissioned, password revoked\n    SHARE_PASSWORD={SHARE} \\\n    OTHER_PASSWORD=An0ther!Secret9\n"
        ),
    );
    let (_, report) = scan_json(&root, &["--fail-on", "none"]);
    let in_docker: Vec<&serde_json::Value> = findings(&report)
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with(DOCKERFILE))
        .collect();
    assert_eq!(in_docker.len(), 1, "{in_docker:#?}");
    assert!(in_docker[0]["message"]
        .as_str()
        .unwrap()
        .contains("OTHER_PASSWORD"));
    assert_eq!(report["summary"]["suppressed"], 1);
    assert!(
        !diagnostics(&report)
            .iter()
            .any(|d| d["code"] == "suppression-unused"),
        "{:#?}",
        diagnostics(&report)
    );
}

/// The baseline file is committed and reviewed: written again from another
/// working directory or with another spelling of the same root (a runner's
/// absolute checkout path, `..` from a subfolder), it is the same file,
/// with the paths its fingerprints count from (from the top of the git work
/// tree), not the spelling of the run that wrote it: it neither churned on
/// every line nor recorded the runner's folders.
#[test]
fn a_baseline_is_the_same_file_however_the_root_is_spelt() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    project(&root, SFDC, ERP, SHARE);
    git(&root, &["init", "-q"]);
    let write_from = |cwd: &Path, root_arg: &str, name: &str| {
        let out = tmp.path().join(name);
        run_cmd(
            intguard()
                .current_dir(cwd)
                .args(["scan", root_arg, "--write-baseline"])
                .arg(&out),
        )
        .expect_code(0);
        std::fs::read_to_string(out).unwrap()
    };
    let dot = write_from(&root, ".", "dot.json");
    let absolute = write_from(tmp.path(), root.to_str().unwrap(), "absolute.json");
    let up = write_from(&root.join("docker"), "..", "up.json");
    let app = write_from(&root, "./orders/", "app.json");
    let baseline: serde_json::Value = serde_json::from_str(&dot).unwrap();
    let paths: Vec<&str> = baseline["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&DOCKERFILE), "{dot}");
    assert!(paths.contains(&YAML), "{dot}");
    assert_eq!(absolute, dot);
    assert_eq!(up, dot);
    // The app's own findings, with the paths `scan .` gives them.
    assert!(app.contains(&format!("\"path\": \"{YAML}\"")), "{app}");
    assert!(!app.contains(DOCKERFILE), "{app}");
}

/// A comment that names two rules and hides a finding of one: the other is
/// reported, as a comment hiding nothing is, since it would silence what
/// its rule finds there later.
#[test]
fn a_rule_named_by_a_used_suppression_that_hides_nothing_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    project(&root, SFDC, ERP, SHARE);
    write(
        &root,
        PROPERTIES,
        format!("erp.host=erp.acme.internal\n# intguard-ignore IG102, IG109: vendor-managed, rotated by them\nerp.password={ERP}\n"),
    );
    let (run, report) = scan_json(&root, &["--fail-on", "none"]);
    run.expect_code(0);
    assert_eq!(report["summary"]["suppressed"], 1);
    let unused: Vec<&serde_json::Value> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "suppression-unused")
        .collect();
    assert_eq!(unused.len(), 1, "{unused:#?}");
    assert!(unused[0]["path"].as_str().unwrap().ends_with(PROPERTIES));
    assert_eq!(unused[0]["line"], 2);
    assert!(
        unused[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("intguard-ignore IG102, IG109: IG109 hides no finding on lines 2 to 3"),
        "{}",
        unused[0]["message"]
    );
}

/// A secret rotated and encrypted again with the key committed beside it is
/// exposed again (IG104): a new finding for the baseline, like a rotated
/// secret in clear; the same ciphertext moved and reindented is not.
#[test]
fn a_rotated_secret_encrypted_with_the_committed_key_is_a_new_finding() {
    let (tmp, app) = crate::support::copy_example("orders-sapi");
    let secure = "src/main/resources/properties/dev-secure.yaml";
    let baseline = tmp.path().join("baseline.json");
    run([
        "scan".as_ref(),
        app.as_os_str(),
        "--write-baseline".as_ref(),
        baseline.as_os_str(),
    ])
    .expect_code(0);
    let text = std::fs::read_to_string(app.join(secure)).unwrap();
    let old = "password: \"![ECwOJev8qGdlpME3xM7/tQ==]\"";
    assert!(text.contains(old), "{text}");
    let ig104_new = |root: &Path| -> Vec<u64> {
        let (_, report) = scan_json(
            root,
            &[
                "--baseline",
                baseline.to_str().unwrap(),
                "--fail-on",
                "none",
            ],
        );
        findings(&report)
            .iter()
            .filter(|f| f["rule"] == "IG104")
            .map(|f| f["line"].as_u64().unwrap())
            .collect()
    };
    // Moved down and reindented: the same value.
    write(
        &app,
        secure,
        format!(
            "# reviewed\n\n{}",
            text.replace("sfdc:\n  ", "sfdc:\n    ")
                .replace("\n  token:", "\n    token:")
        ),
    );
    assert!(ig104_new(&app).is_empty());
    // Rotated, encrypted with the committed key (AES/CBC, global.xml).
    let encrypted = run_cmd(intguard().args([
        "secure-props",
        "encrypt",
        "--key",
        "AcmeOrd3rsK3y!16",
        "--wrap",
        "N3w-Dev-Passw0rd!",
    ]));
    encrypted.expect_code(0);
    let rotated = text.replace(old, &format!("password: \"{}\"", encrypted.stdout.trim()));
    assert_ne!(rotated, text);
    write(&app, secure, rotated);
    let (line, _) = crate::support::pos_in(
        &std::fs::read_to_string(app.join(secure)).unwrap(),
        "password:",
    );
    assert_eq!(ig104_new(&app), vec![line]);
}

/// Two apps share an integration user, and the comment at the first app's
/// connection accepts it (IG303 is shown there). A third app that joins
/// leaves it accepted, as the baseline does, whatever its name: one whose
/// name sorts first (IG303 is then shown at its connection) un-hid the
/// finding and turned the comment into a `suppression-unused` warning,
/// while one sorting last did not.
#[test]
fn a_shared_user_accepted_inline_stays_accepted_whatever_the_name_of_an_app_that_joins() {
    let shared_app = |root: &Path, name: &str, comment: &str| {
        let app = mule4_app(root, name, &[]);
        write(
            &app,
            "src/main/mule/global.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="Salesforce_Config">
{comment}    <salesforce:jwt-connection consumerKey="${{sf.key}}" keyStore="sf.jks" storePassword="${{secure::sf.pw}}" principal="int.shared@acme.com" />
  </salesforce:sfdc-config>
</mule>
"#
            ),
        );
    };
    for joining in ["aaa-sapi", "zzz-sapi"] {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo");
        shared_app(
            &root,
            "billing",
            "    <!-- intguard-ignore IG303: billing and orders are one system until ACME-1300 -->\n",
        );
        shared_app(&root, "orders", "");
        let (_, before) = scan_json(&root, &["--fail-on", "none"]);
        assert!(
            findings(&before).iter().all(|f| f["rule"] != "IG303"),
            "{before:#}"
        );
        shared_app(&root, joining, "");
        let (_, after) = scan_json(&root, &["--fail-on", "none"]);
        assert!(
            findings(&after).iter().all(|f| f["rule"] != "IG303"),
            "{joining}: {:#?}",
            findings(&after)
        );
        assert!(
            !diagnostics(&after)
                .iter()
                .any(|d| d["code"] == "suppression-unused"),
            "{joining}: {:#?}",
            diagnostics(&after)
        );
    }
}

const KEY_YAML: &str = "orders/src/main/resources/properties/dev.yaml";
const KEY_PEM: &str = "orders/src/main/resources/keys/jwt.pem";
const KEY_JKS: &str = "orders/src/main/resources/keys/sfdc.jks";
const KEY_ENV: &str = "ops/.env";

/// Two base64 lines standing for a key's body (no real key: the rules tell
/// a PEM key by its label), different for each `seed`.
pub(crate) fn key_body(seed: &str) -> [String; 2] {
    let line = |n: u8| -> String {
        format!("MIIEow{seed}FixtureOnlyNotAKey{n}")
            .chars()
            .cycle()
            .take(64)
            .collect()
    };
    [line(1), line(2)]
}

/// An app whose secure-properties key is committed in a property file
/// (IG103), with a PEM key and a JKS keystore committed in its resources
/// (IG105), and a key pasted in a `.env` file outside it (IG105).
pub(crate) fn key_project(root: &Path, encryption_key: &str, body: &[String; 2], keystore: &str) {
    let app = mule4_app(root, "orders", &["sfdc.keystore.password"]);
    write(
        &app,
        "src/main/mule/global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="properties/${mule.env}.yaml" />
  <secure-properties:config name="Secure_Props" key="${encryption.key}" file="properties/${mule.env}-secure.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC" />
  </secure-properties:config>
  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:jwt-connection consumerKey="${sfdc.consumerKey}" keyStore="keys/sfdc.jks" storePassword="${secure::sfdc.keystore.password}" principal="int.orders@acme.com" />
  </salesforce:sfdc-config>
</mule>
"#,
    );
    write(
        root,
        KEY_YAML,
        format!("http:\n  port: \"8081\"\nencryption:\n  key: \"{encryption_key}\"\n"),
    );
    write(
        root,
        KEY_PEM,
        format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n{}\n-----END RSA PRIVATE KEY-----\n",
            body[0], body[1]
        ),
    );
    write(
        root,
        KEY_ENV,
        format!(
            "SF_USER=int.orders@acme.com\nSF_JWT_KEY=\"-----BEGIN PRIVATE KEY-----\\n{}\\n{}\\n-----END PRIVATE KEY-----\"\n",
            body[1], body[0]
        ),
    );
    let fixtures = crate::support::workspace().join(
        "crates/rules/tests/fixtures/IG105/keystore-per-env/sync-api/src/main/resources/keys",
    );
    let jks = root.join(KEY_JKS);
    std::fs::copy(fixtures.join(keystore), jks).unwrap();
}

pub(crate) const ENC_KEY: &str = "OrdersK3y-2024-ab";

/// The IG103 and IG105 findings a gate with `baseline` fails on, by path.
fn new_committed_keys(root: &Path, baseline: &Path) -> Vec<(String, String)> {
    let (run, report) = scan_json(root, &["--baseline", baseline.to_str().unwrap()]);
    let mut found: Vec<(String, String)> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG103" || f["rule"] == "IG105")
        .map(|f| {
            let path = f["path"]
                .as_str()
                .unwrap()
                .trim_start_matches(root.to_str().unwrap())
                .trim_start_matches('/');
            (f["rule"].as_str().unwrap().to_string(), path.to_string())
        })
        .collect();
    found.sort();
    run.expect_no_panic();
    found
}

/// A committed encryption key (IG103), private key or keystore (IG105)
/// replaced by another one, committed at the same place again (rotated, but
/// still in the repository), is a new exposure: a baseline from before the
/// rotation does not silence it. The same keys moved down, reindented or
/// with other line breaks stay accepted.
#[test]
fn a_rotated_key_still_committed_is_a_new_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    key_project(&root, ENC_KEY, &key_body("a"), "sfdc-dev.jks");
    let baseline = tmp.path().join("baseline.json");
    run([
        "scan".as_ref(),
        root.as_os_str(),
        "--write-baseline".as_ref(),
        baseline.as_os_str(),
    ])
    .expect_code(0);
    let (_, report) = scan_json(&root, &["--fail-on", "none"]);
    let all: Vec<&serde_json::Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG103" || f["rule"] == "IG105")
        .collect();
    assert_eq!(all.len(), 4, "{all:#?}");
    assert!(new_committed_keys(&root, &baseline).is_empty());

    // Moved down, reindented, CRLF line breaks: the same keys, accepted.
    let body = key_body("a");
    write(
        &root,
        KEY_YAML,
        format!("# dev\n\nencryption:\n    key: '{ENC_KEY}'\nhttp:\n    port: \"8081\"\n"),
    );
    write(
        &root,
        KEY_PEM,
        format!(
            "\r\n-----BEGIN RSA PRIVATE KEY-----\r\n  {}\r\n  {}\r\n-----END RSA PRIVATE KEY-----\r\n",
            body[0], body[1]
        ),
    );
    write(
        &root,
        KEY_ENV,
        format!(
            "# ops\n\nSF_USER=int.orders@acme.com\n\nSF_JWT_KEY=\"-----BEGIN PRIVATE KEY-----\\n{}\\n{}\\n-----END PRIVATE KEY-----\"\n",
            body[1], body[0]
        ),
    );
    assert!(new_committed_keys(&root, &baseline).is_empty());

    // Rotated, and committed again at the same places: each a new finding.
    key_project(&root, "OrdersK3y-2026-cd", &key_body("b"), "sfdc-prod.jks");
    let ig = |rule: &str, path: &str| (rule.to_string(), path.to_string());
    assert_eq!(
        new_committed_keys(&root, &baseline),
        vec![
            ig("IG103", KEY_YAML),
            ig("IG105", KEY_ENV),
            ig("IG105", KEY_PEM),
            ig("IG105", KEY_JKS),
        ]
    );
    // Written again, the baseline accepts the new keys.
    run([
        "scan".as_ref(),
        root.as_os_str(),
        "--write-baseline".as_ref(),
        baseline.as_os_str(),
    ])
    .expect_code(0);
    assert!(new_committed_keys(&root, &baseline).is_empty());
}

/// A baseline written before the key's digest counted in IG103's and
/// IG105's fingerprints (these are the fingerprints the intguard before it
/// gave: the rule, the path and the key `key-definition|encryption.key`,
/// `pem|jwt.pem`, `jks|sfdc.jks`, `pem-block|PRIVATE KEY|0`) still accepts
/// their findings: an upgrade does not turn a green gate red.
#[test]
fn a_baseline_written_before_key_digests_counted_still_accepts_its_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    key_project(&root, ENC_KEY, &key_body("a"), "sfdc-dev.jks");
    let baseline = write(
        tmp.path(),
        "old-baseline.json",
        r#"{
  "version": 1,
  "findings": [
    { "fingerprint": "52f2df4e70c00630", "rule": "IG103", "path": "orders/src/main/resources/properties/dev.yaml" },
    { "fingerprint": "52c75f8e4b3856aa", "rule": "IG105", "path": "orders/src/main/resources/keys/jwt.pem" },
    { "fingerprint": "11eef64ddb3a9212", "rule": "IG105", "path": "orders/src/main/resources/keys/sfdc.jks" },
    { "fingerprint": "d20dcaa99c959aae", "rule": "IG105", "path": "ops/.env" }
  ]
}
"#,
    );
    // The findings are there, with fingerprints that count the keys' digests:
    // the old ones match by the back-compatible fingerprint alone.
    let (_, report) = scan_json(&root, &["--fail-on", "none"]);
    let now: Vec<&str> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG103" || f["rule"] == "IG105")
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(now.len(), 4, "{report:#}");
    let old = std::fs::read_to_string(&baseline).unwrap();
    assert!(now.iter().all(|fp| !old.contains(fp)), "{now:?}");
    assert!(new_committed_keys(&root, &baseline).is_empty());
    // As for IG102 and IG104, such a baseline knows the keys by their
    // names alone (README, Baselines): a rotation passes it until it is
    // written again, after which one fails the gate (the test above).
    key_project(&root, "OrdersK3y-2026-cd", &key_body("b"), "sfdc-prod.jks");
    assert!(new_committed_keys(&root, &baseline).is_empty());
}
