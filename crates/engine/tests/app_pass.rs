//! `scan` runs each app's App-scope rules as the app is read and keeps only
//! what the Scan-scope rules read of it (`intguard_rules::scan_scope`), and
//! spills its findings to a temporary file until the Inventory is freed; it
//! must report exactly what running every rule on the whole Inventory, its
//! findings held in memory, does (`run_rules` on `read_inventory`, the path
//! an org snapshot takes). Checked
//! on every rule fixture tree, the readers' fixtures and the example, read
//! from several spellings of their paths.

use std::path::PathBuf;

mod common;

use common::{options, shown, whole_without_facts, workspace, write};
use intguard_engine::{read_inventory, run_rules, scan, ScanOptions};

/// Every fixture tree: each folder two levels under the rules' fixtures
/// (`IG102/positive`), the readers' fixtures, and the example monorepo.
fn trees() -> Vec<PathBuf> {
    let root = workspace();
    let mut out = Vec::new();
    let rules = root.join("crates/rules/tests/fixtures");
    for rule in std::fs::read_dir(&rules).unwrap() {
        let rule = rule.unwrap().path();
        if !rule.is_dir() {
            continue;
        }
        for tree in std::fs::read_dir(&rule).unwrap() {
            let tree = tree.unwrap().path();
            if tree.is_dir() {
                out.push(tree);
            }
        }
    }
    out.push(root.join("crates/readers/tests/fixtures"));
    out.push(root.join("examples/acme-integrations"));
    out.sort();
    out
}

fn assert_same(paths: Vec<PathBuf>) -> usize {
    let streamed = scan(&options(paths.clone()));
    let whole = {
        let options = options(paths.clone());
        run_rules(read_inventory(&options), &options)
    };
    let without_facts = whole_without_facts(&options(paths.clone()));
    let (a, b) = (shown(&streamed), shown(&whole));
    let c = shown(&without_facts);
    assert_eq!(
        b, c,
        "{paths:?}: the facts worked out in the app pass differ from the apps'"
    );
    if a != b {
        let first = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        panic!(
            "{paths:?}: the app pass reports otherwise than the whole Inventory, from line {first}:\n{}\n---\n{}",
            a.lines().skip(first).take(12).collect::<Vec<_>>().join("\n"),
            b.lines().skip(first).take(12).collect::<Vec<_>>().join("\n"),
        );
    }
    assert_no_twins(&paths, &streamed);
    streamed.findings.len() + streamed.suppressed.len()
}

/// No two findings of one rule at one place share a fingerprint: a
/// baseline entry could not tell them apart, and their order in the report
/// would depend on which was found first.
fn assert_no_twins(paths: &[PathBuf], outcome: &intguard_engine::ScanOutcome) {
    let mut seen = std::collections::HashSet::new();
    let reported = outcome.findings.to_vec();
    let suppressed = outcome.suppressed.to_vec();
    for f in reported.iter().chain(&suppressed) {
        assert!(
            seen.insert((&f.location, f.rule, &f.fingerprint)),
            "{paths:?}: two {} findings at {}:{}:{} with fingerprint {}",
            f.rule,
            f.location.path,
            f.location.line,
            f.location.column,
            f.fingerprint
        );
    }
}

#[test]
fn every_fixture_tree_reports_the_same() {
    let mut total = 0;
    let trees = trees();
    assert!(trees.len() >= 40, "{} trees", trees.len());
    for tree in &trees {
        total += assert_same(vec![tree.clone()]);
    }
    // The comparison means something only if the trees have findings.
    assert!(total > 300, "{total} findings in all");
}

#[test]
fn all_trees_at_once_report_the_same() {
    // Apps of different trees share usernames and keys: what the Scan rules
    // compare across apps.
    assert!(assert_same(trees()) > 300);
}

/// Files outside every app are read by the App rules a batch at a time
/// (their findings spilled batch by batch): 700 scripts and logs, some
/// holding one token twice, a clear secret beside a token, an SFDX auth
/// URL, report what the whole Inventory does.
#[test]
fn many_files_outside_every_app_report_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..700 {
        let token =
            format!("00D5g000005mVws!AQjCQwEXYoKpN0ghBClaFpltvJgK4OgHDCPvZ0GJgJtPhhiWDG4jDQ{i:05}");
        let (rel, text) = match i % 4 {
            0 => (
                format!("scripts/batch-{:02}/refresh-{i}.sh", i / 50),
                format!(
                    "#!/usr/bin/env bash\nexport SF_CLIENT_SECRET=862FC6DABDF674A8EAC4F0647{i:05}\ncurl -H \"Authorization: Bearer {token}\" https://acme.my.salesforce.com/services/data\n"
                ),
            ),
            1 => (
                format!("logs/sync-{i}.log"),
                format!(
                    "{{\"msg\":\"login\",\"response\":{{\"access_token\":\"{token}\",\"instance_url\":\"https://acme.my.salesforce.com\"}}}}\n{{\"msg\":\"retry\",\"access_token\":\"{token}\"}}\n"
                ),
            ),
            2 => (
                format!("ci/deploy-{i}.sh"),
                format!(
                    "export SFDX_AUTH_URL=force://PlatformCLI::5Aep861ALS.StkTZE5Zbj4u_jQiwihi7.Z7_mWtBrE3C4qQ{i:05}@acme.my.salesforce.com\nexport SFDC_PASSWORD=Winter{i:05}Sync\n"
                ),
            ),
            _ => (format!("docs/notes-{i}.md"), "Nothing secret here.\n".to_string()),
        };
        write(dir.path(), &rel, &text);
    }
    let found = assert_same(vec![dir.path().to_path_buf()]);
    assert!(found > 800, "{found}");
}

#[test]
fn other_spellings_of_the_paths_report_the_same() {
    let example = workspace().join("examples/acme-integrations");
    let app = example.join("orders-sapi");
    // An app given as its own folder, a file inside an app (widened to the
    // app), and a path given relative, with a trailing slash.
    assert!(assert_same(vec![app.clone()]) > 0);
    assert_same(vec![app.join("src/main/resources/properties/prod.yaml")]);
    let here = std::env::current_dir().unwrap();
    std::env::set_current_dir(&app).unwrap();
    let dot = assert_same(vec![PathBuf::from(".")]);
    let dot_slash = assert_same(vec![PathBuf::from("./")]);
    std::env::set_current_dir(here).unwrap();
    assert!(dot > 0 && dot == dot_slash);
}

/// An app importing a Mule plugin's secure-properties config, with secrets
/// of its own read as plain `${...}` and none listed in its
/// `secureProperties`: IG107's whole-scan part (the names only the lent
/// config reads) writes the app's full list in its fix, its own secrets
/// too, as the whole Inventory does.
#[test]
fn an_app_importing_a_plugin_secure_config_reports_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "plugins/common-lib/pom.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>common-lib</artifactId>
  <version>1.0.0</version>
  <packaging>mule-plugin</packaging>
</project>
"#,
    );
    write(
        root,
        "plugins/common-lib/src/main/mule/secure/secure-global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <secure-properties:config name="Common_Secure" key="${encryption.key}" file="properties/${mule.env}-secure.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC"/>
  </secure-properties:config>
</mule>
"#,
    );
    write(
        root,
        "orders-sapi/pom.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>orders-sapi</artifactId>
  <version>1.0.0</version>
  <packaging>mule-application</packaging>
  <dependencies>
    <dependency>
      <groupId>com.acme</groupId>
      <artifactId>common-lib</artifactId>
      <version>1.0.0</version>
      <classifier>mule-plugin</classifier>
    </dependency>
  </dependencies>
</project>
"#,
    );
    write(
        root,
        "orders-sapi/mule-artifact.json",
        "{\n  \"minMuleVersion\": \"4.4.0\",\n  \"secureProperties\": []\n}\n",
    );
    write(
        root,
        "orders-sapi/src/main/mule/global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:http="http://www.mulesoft.org/schema/mule/http"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <import file="secure/secure-global.xml"/>
  <configuration-properties file="properties/${mule.env}.yaml"/>
  <salesforce:sfdc-config name="Orders_SF">
    <salesforce:basic-connection username="${sfdc.username}" password="${sfdc.password}"/>
  </salesforce:sfdc-config>
  <http:request-config name="Partner_API">
    <http:request-connection host="partner.example.com" protocol="HTTPS">
      <http:authentication>
        <http:basic-authentication username="orders" password="${partner.password}"/>
      </http:authentication>
    </http:request-connection>
  </http:request-config>
</mule>
"#,
    );
    write(
        root,
        "orders-sapi/src/main/resources/properties/dev.yaml",
        "sfdc:\n  username: \"int.orders@acme.com\"\n  password: \"![c2ZkY3Bhc3M=]\"\npartner:\n  password: \"![cGFydG5lcg==]\"\n",
    );
    write(
        root,
        "orders-sapi/src/main/resources/properties/dev-secure.yaml",
        "other:\n  value: \"![b3RoZXI=]\"\n",
    );
    assert!(assert_same(vec![root.to_path_buf()]) > 0);
    let outcome = scan(&options(vec![root.to_path_buf()]));
    let exposed: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.rule == "IG107")
        .map(|f| format!("{} | {}", f.message, f.fix))
        .collect();
    assert!(
        exposed.iter().any(|f| f.contains("`encryption.key`")
            && f.contains("partner.password")
            && f.contains("sfdc.password")),
        "{exposed:#?}"
    );
}

/// With a baseline holding every other finding of the example, `scan`
/// (whose findings are spilled and sorted into reported, suppressed and
/// baselined as they are read back) and `run_rules` (held in memory) report
/// the same three lists.
#[test]
fn a_baseline_takes_out_the_same_findings() {
    let example = workspace().join("examples/acme-integrations");
    let first = scan(&options(vec![example.clone()]));
    let first = first.findings.into_vec();
    let half: Vec<_> = first.iter().step_by(2).collect();
    assert!(half.len() > 10, "{}", half.len());
    let with_baseline = || ScanOptions {
        baseline: Some(intguard_engine::Baseline::from_findings(
            half.iter().copied(),
        )),
        ..options(vec![example.clone()])
    };
    let streamed = scan(&with_baseline());
    let whole = run_rules(read_inventory(&with_baseline()), &with_baseline());
    assert_eq!(streamed.baselined.len(), half.len());
    assert!(!streamed.suppressed.is_empty());
    assert_eq!(shown(&streamed), shown(&whole));
}
