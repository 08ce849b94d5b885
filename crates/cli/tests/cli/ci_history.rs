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
