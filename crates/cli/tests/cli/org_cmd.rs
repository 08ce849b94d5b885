//! `intguard org audit` against the simulated org of `intguard-org`'s tests
//! (loopback TLS, a test CA, the JWT bearer flow at its token endpoint), and
//! the round trip `org audit --snapshot` -> `scan --org-snapshot`.

use crate::sim;
use crate::support;

use std::path::PathBuf;

use serde_json::Value;
use sim::{FakeOrg, Running};
use support::{intguard, run_cmd, Run};

struct Setup {
    sim: Running,
    dir: tempfile::TempDir,
    key: PathBuf,
}

fn setup() -> Setup {
    setup_with(sim::seed(300, 20))
}

fn setup_with(data: sim::OrgData) -> Setup {
    let sim = FakeOrg::new(data).start();
    let dir = tempfile::tempdir().unwrap();
    let creds = salesforce_auth::generate_self_signed("intguard-audit", 30, 2048, None).unwrap();
    let key = dir.path().join("audit.key");
    salesforce_auth::keys::write_secret_file(&key, creds.private_key_pem().as_bytes(), false)
        .unwrap();
    Setup { sim, dir, key }
}

fn audit(s: &Setup, extra: &[&str]) -> Run {
    let mut cmd = intguard();
    cmd.current_dir(s.dir.path())
        .args(["org", "audit", "--login-url", &s.sim.url()])
        .args([
            "--client-id",
            "3MVG9_org_audit",
            "--username",
            "intguard.audit@acme.example",
        ])
        .arg("--key")
        .arg(&s.key)
        .arg("--ca-file")
        .arg(s.sim.pki.ca_file())
        .args(extra);
    run_cmd(&mut cmd)
}

/// Audits the simulated org (`--fail-on none`) into `org.json` in the setup's
/// folder, and returns that snapshot's path.
fn snapshot_of(s: &Setup) -> PathBuf {
    let snapshot = s.dir.path().join("org.json");
    audit(
        s,
        &[
            "--fail-on",
            "none",
            "--snapshot",
            snapshot.to_str().unwrap(),
        ],
    )
    .expect_no_panic()
    .expect_code(0);
    snapshot
}

/// `intguard ARGS PATH --org-snapshot SNAPSHOT`: no credentials, no call.
fn offline_run(args: &[&str], path: &std::path::Path, snapshot: &std::path::Path) -> Run {
    let mut cmd = intguard();
    cmd.args(args).arg(path).arg("--org-snapshot").arg(snapshot);
    run_cmd(&mut cmd)
}

fn keys(report: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn audits_an_org_and_the_snapshot_gives_the_same_findings_offline() {
    let s = setup();
    let snapshot = s.dir.path().join("org.json");
    let run = audit(
        &s,
        &["--format", "json", "--snapshot", snapshot.to_str().unwrap()],
    );
    run.expect_no_panic().expect_code(1);
    assert!(
        run.stderr
            .contains("intguard: 7 API calls; daily API requests: 14873 of 15000 left"),
        "{}",
        run.stderr
    );
    assert_eq!(s.sim.calls(), 7);
    assert_eq!(s.sim.violations(), Vec::<String>::new());
    // A complete audit says nothing of partiality.
    assert!(
        !run.stdout.contains("\"partial\"") && !run.stdout.contains("org-partial"),
        "{}",
        run.stdout
    );
    // Whom the user rules judged: every integration user the seed plants.
    let audited = run
        .stderr
        .lines()
        .find(|l| l.contains(" integration users audited: "))
        .unwrap_or_else(|| panic!("no audited users line: {}", run.stderr));
    assert!(
        audited.starts_with(&format!(
            "intguard: {} integration users audited: ",
            sim::INTEGRATION_USERS.len()
        )),
        "{audited}"
    );
    for u in sim::INTEGRATION_USERS {
        assert!(
            audited.contains(u.username),
            "{} not in {audited}",
            u.username
        );
    }
    let live = run.json();
    let rules: Vec<String> = keys(&live).into_iter().map(|k| k.0).collect();
    for rule in [
        "IG101", "IG113", "IG202", "IG211", "IG301", "IG303", "IG306",
    ] {
        assert!(rules.iter().any(|r| r == rule), "no {rule}: {rules:?}");
    }
    // No token in the report or the snapshot.
    let saved = std::fs::read_to_string(&snapshot).unwrap();
    for text in [&run.stdout, &run.stderr, &saved] {
        assert!(!text.contains("simulatedaccesstoken"));
    }

    let empty = s.dir.path().join("repo");
    std::fs::create_dir(&empty).unwrap();
    let offline = offline_run(&["scan", "--format", "json"], &empty, &snapshot);
    offline.expect_no_panic().expect_code(1);
    assert_eq!(keys(&offline.json()), keys(&live));
    // The summary names the org (its host), not "0 files".
    let org = live["summary"]["org"].as_str().expect("summary.org");
    assert!(!org.is_empty() && !org.contains('/'), "{org}");
    assert_eq!(offline.json()["summary"]["org"], live["summary"]["org"]);
    let text = offline_run(&["scan", "--fail-on", "none"], &empty, &snapshot);
    text.expect_no_panic().expect_code(0);
    assert!(
        text.stdout.contains(&format!("in the org {org}")) && !text.stdout.contains("0 files"),
        "{}",
        text.stdout
    );

    // The identities of the saved org, with their real assignments.
    let ids = offline_run(&["identities", "--only", "int.legacy"], &empty, &snapshot);
    ids.expect_no_panic().expect_code(0);
    assert!(
        ids.stdout.contains("int.legacy@acme.example"),
        "{}",
        ids.stdout
    );
    assert!(ids.stdout.contains("API_Only"), "{}", ids.stdout);
    // Offline: no call was made.
    assert_eq!(s.sim.calls(), 7);
}

/// `--max-api-calls` reached: no call past it, but what was read is audited
/// and reported with the `org-partial` error, and the run exits 2 even with
/// `--fail-on none` (a partial audit never passes for a clean one).
#[test]
fn stops_at_the_call_budget() {
    let s = setup();
    let run = audit(
        &s,
        &[
            "--max-api-calls",
            "3",
            "--fail-on",
            "none",
            "--format",
            "json",
        ],
    );
    run.expect_no_panic().expect_code(2);
    assert!(
        run.stderr
            .contains("intguard: partial read: --max-api-calls 3 was reached (3 calls spent)"),
        "{}",
        run.stderr
    );
    assert_eq!(s.sim.calls(), 3);
    let report = run.json();
    let partial: Vec<&Value> = support::diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "org-partial")
        .collect();
    assert_eq!(partial.len(), 1, "{report}");
    let message = partial[0]["message"].as_str().unwrap();
    assert!(
        message.contains("run the audit again with a higher --max-api-calls"),
        "{message}"
    );
    // The users and permission sets read were audited: the seeded admin
    // integration user is found (IG301).
    assert!(
        support::rules_of(&report).iter().any(|r| r == "IG301"),
        "{report}"
    );
}

/// One query failing on every retry: the audit reports everything else,
/// the failure is an `org-not-read` warning and an `org-partial` error in
/// every format, the run exits 2, and the snapshot, marked partial, gives
/// the same diagnostics (and exit code) offline.
#[test]
fn a_query_failing_every_retry_is_reported_and_the_snapshot_marked_partial() {
    let s = setup();
    s.sim.org.outages.lock().unwrap().push((
        "FROM%20ObjectPermissions".to_string(),
        sim::Fault::Unavailable,
    ));
    let snapshot = s.dir.path().join("org.json");
    let run = audit(
        &s,
        &["--format", "json", "--snapshot", snapshot.to_str().unwrap()],
    );
    run.expect_no_panic().expect_code(2);
    for needle in [
        "intguard: partial read: ObjectPermissions: Salesforce kept answering HTTP 503 (SERVER_UNAVAILABLE: Service Unavailable) after 4 attempts",
        "(partial: an audit of it says what is missing)",
        "the org audit is partial (see the org-partial diagnostic): exit 2",
    ] {
        assert!(run.stderr.contains(needle), "{needle}\n{}", run.stderr);
    }
    let live = run.json();
    assert_eq!(live["summary"]["partial"], true, "{}", live["summary"]);
    let codes = |r: &Value| -> Vec<(String, String, String)> {
        support::diagnostics(r)
            .iter()
            .filter(|d| d["code"] == "org-partial" || d["code"] == "org-not-read")
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["level"].to_string(),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let diags = codes(&live);
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert!(
        diags.iter().any(|(c, _, m)| c == "org-partial"
            && m.contains("not read or incomplete: ObjectPermissions;")
            && m.contains("IG304")),
        "{diags:?}"
    );
    // The rest was audited.
    let rules = support::rules_of(&live);
    for rule in ["IG101", "IG113", "IG211", "IG301", "IG303"] {
        assert!(rules.iter().any(|r| r == rule), "no {rule}: {rules:?}");
    }
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    assert_eq!(
        saved["partial"]["not_read"],
        serde_json::json!(["ObjectPermissions"])
    );

    // Offline: the same diagnostics and findings, the same exit code.
    let empty = s.dir.path().join("repo");
    std::fs::create_dir(&empty).unwrap();
    let offline = offline_run(
        &["scan", "--format", "json", "--fail-on", "none"],
        &empty,
        &snapshot,
    );
    offline.expect_no_panic().expect_code(2);
    assert_eq!(codes(&offline.json()), diags);
    assert_eq!(keys(&offline.json()), keys(&live));

    // A file given inside an app narrows the report to that file: the
    // org-partial error stays, and so does the exit code.
    let app = support::mule4_app(&s.dir.path().join("apps"), "orders-sapi", &[]);
    let flow = support::write(
        &app,
        "src/main/mule/orders.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">\n  <flow name=\"orders\"/>\n</mule>\n",
    );
    let focused = offline_run(&["scan", "--format", "json"], &flow, &snapshot);
    focused.expect_no_panic().expect_code(2);
    let report = focused.json();
    assert!(
        support::diagnostics(&report)
            .iter()
            .any(|d| d["code"] == "app-context"),
        "{report}"
    );
    assert!(
        support::diagnostics(&report)
            .iter()
            .any(|d| d["code"] == "org-partial"),
        "{report}"
    );

    // Text and SARIF carry it too.
    let text = offline_run(&["scan", "--color", "never"], &empty, &snapshot);
    text.expect_no_panic().expect_code(2);
    assert!(
        text.stdout.contains("org-partial") && text.stdout.contains("the org audit is partial"),
        "{}",
        text.stdout
    );
    // No verdict reads as a clean audit.
    assert!(
        text.stdout
            .contains("partial: the org audit is partial (see the org-partial error)"),
        "{}",
        text.stdout
    );
    let markdown = offline_run(&["scan", "--format", "markdown"], &empty, &snapshot);
    markdown.expect_no_panic().expect_code(2);
    assert!(
        markdown
            .stdout
            .contains("**Partial:** the org audit is partial"),
        "{}",
        markdown.stdout
    );
    let html = offline_run(&["scan", "--format", "html"], &empty, &snapshot);
    html.expect_no_panic().expect_code(2);
    assert!(
        html.stdout
            .contains("<p class=\"verdict fail\">Partial org audit: the org audit is partial"),
        "{}",
        html.stdout
    );
    let sarif = offline_run(&["scan", "--format", "sarif"], &empty, &snapshot);
    sarif.expect_no_panic().expect_code(2);
    assert!(
        sarif.stdout.contains("org-partial") && sarif.stdout.contains("the org audit is partial"),
        "{}",
        sarif.stdout
    );

    // `identities` on the partial snapshot: its listing says it is built
    // from a partial read, in text and JSON, and exits 2 after it, as
    // `scan` does (it exited 0, the listing reading as complete).
    let listing = offline_run(&["identities", "--format", "json"], &empty, &snapshot);
    listing.expect_no_panic().expect_code(2);
    let doc = listing.json();
    assert_eq!(doc["summary"]["partial"], true, "{}", doc["summary"]);
    assert!(
        doc["identities"]
            .as_array()
            .is_some_and(|ids| !ids.is_empty()),
        "what was read is listed: {doc}"
    );
    assert!(
        support::diagnostics(&doc)
            .iter()
            .any(|d| d["code"] == "org-partial"),
        "{doc}"
    );
    assert!(
        listing
            .stderr
            .contains("the org audit is partial (see the org-partial diagnostic): exit 2"),
        "{}",
        listing.stderr
    );
    let listing = offline_run(&["identities"], &empty, &snapshot);
    listing.expect_no_panic().expect_code(2);
    let head: Vec<&str> = listing.stdout.lines().take(3).collect();
    assert!(
        head.iter().any(|l| l.starts_with(
            "Partial: built from a partial org audit (see the org-partial error below)"
        )),
        "{}",
        listing.stdout
    );
}

/// The daily API limit running out mid-audit (403 TotalRequests Limit
/// exceeded on the fifth call): the audit reports what was read, exits 2,
/// and says how to finish.
#[test]
fn the_daily_limit_mid_audit_reports_what_was_read() {
    let s = setup();
    *s.sim.org.daily_limit_after.lock().unwrap() = Some(4);
    let run = audit(&s, &["--format", "sarif", "--fail-on", "none"]);
    run.expect_no_panic().expect_code(2);
    assert_eq!(s.sim.calls(), 5);
    assert!(
        run.stderr.contains(
            "intguard: partial read: the org's daily API request limit ran out (TotalRequests Limit exceeded) after 5 API calls"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("org-partial"), "{}", run.stdout);
    assert!(
        run.stdout.contains("rolling 24-hour API request count"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("IG113"), "{}", run.stdout);
}

/// A login that fails (the user not pre-authorized) stops at once with
/// Salesforce's own error: nothing to audit, no report, no snapshot, exit 2.
/// So does a re-authentication after a 401 mid-read that fails.
#[test]
fn a_failed_login_stops_at_once_with_salesforces_error() {
    let s = setup();
    *s.sim.org.token_error_after.lock().unwrap() =
        Some((0, "invalid_grant", "user hasn't approved this consumer"));
    let snapshot = s.dir.path().join("org.json");
    let run = audit(&s, &["--snapshot", snapshot.to_str().unwrap()]);
    run.expect_no_panic().expect_code(2);
    assert!(
        run.stderr.contains("user hasn't approved this consumer"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    assert!(!snapshot.exists());
    assert_eq!(s.sim.calls(), 0);

    let s = setup();
    *s.sim.org.token_error_after.lock().unwrap() =
        Some((1, "invalid_grant", "user hasn't approved this consumer"));
    // The Health Check's call answers 401: the re-login fails.
    s.sim
        .org
        .outages
        .lock()
        .unwrap()
        .push(("tooling/query".to_string(), sim::Fault::ExpireSession));
    let run = audit(&s, &["--snapshot", snapshot.to_str().unwrap()]);
    run.expect_no_panic().expect_code(2);
    assert!(
        run.stderr
            .contains("re-authentication after HTTP 401 failed")
            && run.stderr.contains("user hasn't approved this consumer"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("partial"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(!snapshot.exists());
}

#[test]
fn a_named_org_of_intguard_toml() {
    let s = setup();
    std::fs::write(
        s.dir.path().join("intguard.toml"),
        format!(
            "[orgs.sim]\nlogin-url = \"{}\"\nclient-id = \"3MVG9_org_audit\"\nusername = \"intguard.audit@acme.example\"\nkey = \"audit.key\"\nca-file = \"{}\"\n",
            s.sim.url(),
            s.sim.pki.ca_file().display()
        ),
    )
    .unwrap();
    let mut cmd = intguard();
    cmd.current_dir(s.dir.path())
        .args(["org", "audit", "--org", "sim", "--fail-on", "none"]);
    let run = run_cmd(&mut cmd);
    run.expect_no_panic().expect_code(0);
    assert!(run.stdout.contains("IG113"), "{}", run.stdout);
}

#[test]
fn a_broken_snapshot_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"format\": \"something else\"}").unwrap();
    let run = offline_run(&["scan"], dir.path(), &bad);
    run.expect_code(2);
    assert!(
        run.stderr.contains("not an intguard org snapshot"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_report_format() {
    let s = setup();
    for format in ["text", "sarif", "markdown", "html"] {
        let run = audit(&s, &["--format", format, "--color", "never"]);
        run.expect_no_panic().expect_code(1);
        assert!(run.stdout.contains("IG113"), "{format}: {}", run.stdout);
        assert!(!run.stdout.contains("simulatedaccesstoken"));
    }
    let sarif = audit(&s, &["--format", "sarif"]).json();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(
        uris.iter()
            .all(|u| u.starts_with("org://00DSIM000000001AAA/")),
        "{uris:?}"
    );
    assert_eq!(s.sim.violations(), Vec::<String>::new());
}

/// An org that requires a client certificate (mutual TLS) and none given:
/// whether the client reads the server's alert or its write fails first
/// (`Broken pipe`), the error names the likely cause and the options.
#[test]
fn an_org_requiring_mutual_tls_without_a_client_certificate_says_so() {
    let sim = FakeOrg::new(sim::seed(50, 5)).start_mtls();
    let dir = tempfile::tempdir().unwrap();
    let creds = salesforce_auth::generate_self_signed("intguard-audit", 30, 2048, None).unwrap();
    let key = dir.path().join("audit.key");
    salesforce_auth::keys::write_secret_file(&key, creds.private_key_pem().as_bytes(), false)
        .unwrap();
    let s = Setup { sim, dir, key };
    for _ in 0..3 {
        let run = audit(&s, &[]);
        run.expect_no_panic().expect_code(2);
        assert!(
            run.stderr.contains("client certificate") && run.stderr.contains("--client-cert"),
            "{}",
            run.stderr
        );
    }
    let cert = s.sim.pki.client_cert_file();
    let key = s.sim.pki.client_key_file();
    let run = audit(
        &s,
        &[
            "--client-cert",
            cert.to_str().unwrap(),
            "--client-key",
            key.to_str().unwrap(),
            "--fail-on",
            "none",
        ],
    );
    run.expect_no_panic().expect_code(0);
    assert!(run.stdout.contains("IG113"), "{}", run.stdout);
}

/// A snapshot joined with a repository: an app running as a user the org
/// shows inactive gets a diagnostic, not System Administrator findings;
/// `identities` says the user is inactive, that another username is not a
/// user of the org, and the scan says which users' logins and tokens the
/// snapshot lacks.
#[test]
fn a_snapshot_joined_with_a_repository_says_what_the_org_knows_of_its_users() {
    let s = setup();
    let snapshot = snapshot_of(&s);
    // The org's int.legacy@ (System Administrator), made inactive.
    let mut json: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    for u in json["users"].as_array_mut().unwrap() {
        if u["username"] == "int.legacy@acme.example" {
            u["is_active"] = Value::Bool(false);
        }
    }
    std::fs::write(&snapshot, serde_json::to_string(&json).unwrap()).unwrap();
    let repo = s.dir.path().join("repo");
    for (name, username) in [
        ("legacy-app", "int.legacy@acme.example"),
        ("people-app", "user7@acme.example"),
        ("ghost-app", "int.ghost@acme.example.uat"),
    ] {
        let app = support::mule4_app(&repo, name, &["sfdc.password"]);
        support::write(
            &app,
            "src/main/mule/global.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:jwt-connection consumerKey="${{secure::sfdc.key}}" keyStore="keys/sf.jks" storePassword="${{secure::sfdc.store}}" principal="{username}"/>
  </salesforce:sfdc-config>
</mule>
"#
            ),
        );
    }
    let scan = offline_run(
        &["scan", "--format", "json", "--fail-on", "none"],
        &repo,
        &snapshot,
    );
    scan.expect_no_panic().expect_code(0);
    let report = scan.json();
    let legacy: Vec<&Value> = support::findings(&report)
        .iter()
        .filter(|f| f["identity"] == "int.legacy@acme.example")
        .filter(|f| ["IG301", "IG302", "IG205", "IG202"].contains(&f["rule"].as_str().unwrap()))
        .collect();
    assert!(legacy.is_empty(), "{legacy:?}");
    let diags = support::diagnostics(&report);
    let message = |code: &str| -> String {
        diags
            .iter()
            .filter(|d| d["code"] == code)
            .map(|d| d["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let inactive = message("org-inactive-user");
    assert!(
        inactive
            .contains("legacy-app logs in as int.legacy@acme.example, which is inactive in org"),
        "{inactive}"
    );
    let unread = message("org-activity-not-read");
    assert!(
        unread.contains("user7@acme.example (used by people-app)"),
        "{unread}"
    );
    assert!(message("org-unknown-user")
        .contains("int.ghost@acme.example.uat (used by ghost-app) is not a user of org"));

    let ids = offline_run(&["identities"], &repo, &snapshot);
    ids.expect_no_panic().expect_code(0);
    assert!(ids.stdout.contains("inactive in the org"), "{}", ids.stdout);
    assert!(
        ids.stdout
            .contains("profile     unknown: not a user of org 00DSIM000000001AAA (127.0.0.1): wrong org or a sandbox username?"),
        "{}",
        ids.stdout
    );
    // No secret of the snapshot's org reached any output.
    for text in [&scan.stdout, &scan.stderr, &ids.stdout, &ids.stderr] {
        assert!(!text.contains("simulatedaccesstoken"));
    }
}

/// A production snapshot joined with an app whose username differs per
/// environment by the sandbox suffix (`int.orders@acme.example` in prod,
/// `.uat` in uat): the uat username is said to be the sandbox copy of the
/// org's user, with the environment that uses it; a sandbox's snapshot
/// (every username `.uat`) joined with the prod username says the
/// snapshot looks like sandbox uat's. Letter case does not matter.
#[test]
fn sandbox_usernames_are_told_apart_from_unknown_ones() {
    let s = setup();
    let snapshot = snapshot_of(&s);
    let repo = s.dir.path().join("repo");
    let app = support::mule4_app(&repo, "orders-sapi", &["sfdc.key", "sfdc.store"]);
    support::write(
        &app,
        "src/main/mule/global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="properties/${mule.env}.yaml"/>
  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:jwt-connection consumerKey="${secure::sfdc.key}" keyStore="keys/sf.jks" storePassword="${secure::sfdc.store}" principal="${sfdc.username}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    support::write(
        &app,
        "src/main/resources/properties/prod.yaml",
        "sfdc:\n  username: \"INT.Orders@acme.example\"\n",
    );
    support::write(
        &app,
        "src/main/resources/properties/uat.yaml",
        "sfdc:\n  username: \"int.orders@acme.example.uat\"\n",
    );
    let unknown = |snapshot: &std::path::Path| -> (String, String) {
        let scan = offline_run(
            &["scan", "--format", "json", "--fail-on", "none"],
            &repo,
            snapshot,
        );
        scan.expect_no_panic().expect_code(0);
        let report = scan.json();
        let diags: Vec<String> = support::diagnostics(&report)
            .iter()
            .filter(|d| d["code"] == "org-unknown-user")
            .map(|d| d["message"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(diags.len(), 1, "{diags:?}");
        let ids = offline_run(&["identities"], &repo, snapshot);
        ids.expect_no_panic().expect_code(0);
        (diags[0].clone(), ids.stdout)
    };

    let (diag, ids) = unknown(&snapshot);
    assert!(
        diag.starts_with("int.orders@acme.example.uat (used by orders-sapi in uat) is not a user of org 00DSIM000000001AAA (127.0.0.1): the org has int.orders@acme.example, and int.orders@acme.example.uat looks like its copy in a sandbox named uat"),
        "{diag}"
    );
    assert!(!diag.contains("wrong org or a sandbox username?"), "{diag}");
    assert!(
        ids.contains("  profile     unknown: not a user of org 00DSIM000000001AAA (127.0.0.1): the org has int.orders@acme.example, and int.orders@acme.example.uat looks like its copy in a sandbox named uat"),
        "{ids}"
    );

    // The snapshot of sandbox uat: every username with `.uat`.
    let mut json: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    for u in json["users"].as_array_mut().unwrap() {
        let name = format!("{}.uat", u["username"].as_str().unwrap());
        u["username"] = Value::String(name);
    }
    let sandbox = s.dir.path().join("uat.json");
    std::fs::write(&sandbox, serde_json::to_string(&json).unwrap()).unwrap();
    let (diag, ids) = unknown(&sandbox);
    assert!(
        diag.starts_with("INT.Orders@acme.example (used by orders-sapi in prod) is not a user of org 00DSIM000000001AAA (127.0.0.1): the org has int.orders@acme.example.uat, its copy in a sandbox named uat")
            && diag.contains("this snapshot looks like sandbox uat's, and INT.Orders@acme.example logs in to production or another org"),
        "{diag}"
    );
    assert!(
        ids.contains("the org has int.orders@acme.example.uat, its copy in a sandbox named uat"),
        "{ids}"
    );
}

/// An org none of whose users intguard counts as an integration user (the
/// integrations log in as ordinary users): the audit says that the user
/// rules checked nobody and how to name them, in every format, instead of
/// passing them silently; naming one in intguard.toml's [[identities]]
/// makes it judged, and the warning goes.
#[test]
fn an_org_without_integration_users_says_so() {
    let mut data = sim::seed(30, 2);
    let users: Vec<Value> = data.records["User"]
        .iter()
        .filter(|u| !u["Username"].as_str().unwrap().starts_with("int."))
        .cloned()
        .collect();
    data.records.insert("User", users);
    let s = setup_with(data);
    let run = audit(&s, &["--format", "json", "--fail-on", "none"]);
    run.expect_no_panic().expect_code(0);
    let report = run.json();
    let warned: Vec<String> = support::diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "org-no-integration-user")
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].starts_with("none of the 23 active users of org 00DSIM000000001AAA (127.0.0.1) is an integration user")
            && warned[0].contains("IG301, IG302")
            && warned[0].contains("name them in [[identities]] of intguard.toml"),
        "{}",
        warned[0]
    );
    assert!(!support::findings(&report)
        .iter()
        .any(|f| f["rule"] == "IG301" || f["rule"] == "IG306"));
    let text = audit(&s, &["--fail-on", "none", "--color", "never"]);
    assert!(
        text.stdout.contains("warning[org-no-integration-user]"),
        "{}",
        text.stdout
    );

    // Named in intguard.toml: judged, and the warning goes.
    std::fs::write(
        s.dir.path().join("intguard.toml"),
        "[[identities]]\nusername = \"user3@acme.example\"\n",
    )
    .unwrap();
    let named = audit(&s, &["--format", "json", "--fail-on", "none"]);
    named.expect_no_panic().expect_code(0);
    let report = named.json();
    assert!(!support::diagnostics(&report)
        .iter()
        .any(|d| d["code"] == "org-no-integration-user"));
    assert!(
        support::findings(&report)
            .iter()
            .any(|f| f["identity"] == "user3@acme.example"),
        "{}",
        named.stdout
    );
}

/// `identities` on an org's snapshot says which apps the org saw log in as
/// each user and how (Login History, per application and sub type: a
/// password flow shows as such), and which apps hold its OAuth tokens; the
/// JSON has them as `org_logins` and `org_tokens`. A user the org saw no
/// activity of has neither.
#[test]
fn identities_show_which_apps_the_org_saw_log_in_as_each_user() {
    let s = setup();
    let snapshot = snapshot_of(&s);
    let empty = s.dir.path().join("repo");
    std::fs::create_dir(&empty).unwrap();
    let text = offline_run(&["identities", "--only", "int.stale"], &empty, &snapshot);
    text.expect_no_panic().expect_code(0);
    assert!(
        text.stdout.contains("  org logins  Login History since ")
            && text.stdout.contains(
                "              Legacy ETL: 2 logins (OauthUsernamePassword) from 203.0.113.11, the last 2026-10-31T00:00:00Z"
            ),
        "{}",
        text.stdout
    );
    let shared = offline_run(&["identities", "--only", "int.shared"], &empty, &snapshot);
    assert!(
        shared.stdout.contains(
            "  org tokens  Billing Sync: last used 2026-10-31T00:00:00Z, 42 uses\n              Orders Sync: last used 2026-10-31T00:00:00Z, 42 uses"
        ),
        "{}",
        shared.stdout
    );
    let json = offline_run(&["identities", "--format", "json"], &empty, &snapshot).json();
    let of = |name: &str| -> Value {
        json["identities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone()
    };
    assert_eq!(
        of("int.stale@acme.example")["org_logins"],
        serde_json::json!([{"application": "Legacy ETL", "login_sub_type": "OauthUsernamePassword",
            "logins": 2, "failed": 0, "last": "2026-10-31T00:00:00Z", "source_ips": ["203.0.113.11"]}])
    );
    let dormant = of("int.dormant@acme.example");
    assert!(dormant.get("org_logins").is_none(), "{dormant}");
    assert_eq!(dormant["org_tokens"][0]["app"], "Old Sync");
}

/// `org audit -o FILE` refuses (exit 2, before logging in) a FILE that is
/// the private key it logs in with or the snapshot it writes: either would
/// be lost.
#[test]
fn output_never_replaces_the_key_or_the_snapshot() {
    let s = setup();
    let key_before = std::fs::read(&s.key).unwrap();
    let key = s.key.to_string_lossy().into_owned();
    let run = audit(&s, &["-o", &key]);
    run.expect_code(2);
    assert!(run.stderr.contains("is the private key"), "{}", run.stderr);
    assert_eq!(std::fs::read(&s.key).unwrap(), key_before);
    let run = audit(&s, &["--snapshot", "org.json", "-o", "./org.json"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("is the snapshot it writes"),
        "{}",
        run.stderr
    );
    assert!(!s.dir.path().join("org.json").exists());
}

/// `org audit --snapshot FILE` refuses (exit 2, before logging in) a FILE
/// that is the private key it logs in with or the config it reads: the
/// snapshot used to be written over it once the org was read, and the key
/// was lost. With `--org NAME`, the key named in `intguard.toml` is guarded
/// too, from `--snapshot` and `-o` alike.
#[test]
fn the_snapshot_never_replaces_the_key_or_the_config() {
    let s = setup();
    let key_before = std::fs::read(&s.key).unwrap();
    let key = s.key.to_string_lossy().into_owned();
    let run = audit(&s, &["--snapshot", &key]);
    run.expect_no_panic().expect_code(2);
    assert!(
        run.stderr.contains("--snapshot")
            && run.stderr.contains("is the private key")
            && run.stderr.contains("the snapshot would replace it"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(&s.key).unwrap(), key_before);
    assert_eq!(s.sim.calls(), 0, "nothing is sent before the check");

    let config = format!(
        "[orgs.sim]\nlogin-url = \"{}\"\nclient-id = \"3MVG9_org_audit\"\nusername = \"intguard.audit@acme.example\"\nkey = \"audit.key\"\nca-file = \"{}\"\n",
        s.sim.url(),
        s.sim.pki.ca_file().display()
    );
    std::fs::write(s.dir.path().join("intguard.toml"), &config).unwrap();
    for (option, file, what) in [
        ("--snapshot", "intguard.toml", "is the config"),
        ("--snapshot", "./audit.key", "is the private key"),
        ("-o", "audit.key", "is the private key"),
    ] {
        let mut cmd = intguard();
        cmd.current_dir(s.dir.path())
            .args(["org", "audit", "--org", "sim", option, file]);
        let run = run_cmd(&mut cmd);
        run.expect_no_panic().expect_code(2);
        assert!(run.stderr.contains(what), "{option} {file}: {}", run.stderr);
    }
    assert_eq!(std::fs::read(&s.key).unwrap(), key_before);
    assert_eq!(
        std::fs::read_to_string(s.dir.path().join("intguard.toml")).unwrap(),
        config
    );
    assert_eq!(s.sim.calls(), 0);
}

/// Found by testing: `org audit --snapshot missing/org.json` (or `-o` into a
/// folder that does not exist) logged in, read the whole org, spent its API
/// calls, and only then failed to write (exit 2, no report at all). Such a
/// path is now refused before logging in.
#[test]
fn an_unwritable_snapshot_or_report_is_refused_before_logging_in() {
    let s = setup();
    for args in [
        ["--snapshot", "missing/org.json"],
        ["-o", "missing/org.sarif"],
        ["--snapshot", "."],
    ] {
        let run = audit(&s, &args);
        run.expect_no_panic().expect_code(2);
        assert!(
            run.stderr.contains("folder missing does not exist")
                || run.stderr.contains("is a folder"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert_eq!(s.sim.calls(), 0, "no API call before the check");
    assert!(!s.dir.path().join("missing").exists());
}

/// Found by testing: `org audit --org NAME --key other.key --username
/// someone.else` logged in with the key and username of `[orgs.NAME]`,
/// silently ignoring the options typed. Login options with `--org` are a
/// usage error, before logging in.
#[test]
fn login_options_with_a_named_org_are_refused() {
    let s = setup();
    std::fs::write(
        s.dir.path().join("intguard.toml"),
        format!(
            "[orgs.sim]\nlogin-url = \"{}\"\nclient-id = \"3MVG9_org_audit\"\nusername = \"intguard.audit@acme.example\"\nkey = \"audit.key\"\nca-file = \"{}\"\n",
            s.sim.url(),
            s.sim.pki.ca_file().display()
        ),
    )
    .unwrap();
    for extra in [
        ["--key", "/nonexistent/other.key"],
        ["--username", "someone.else@acme.example"],
    ] {
        let mut cmd = intguard();
        cmd.current_dir(s.dir.path())
            .args(["org", "audit", "--org", "sim"])
            .args(extra);
        let run = run_cmd(&mut cmd);
        run.expect_no_panic().expect_code(2);
        assert!(
            run.stderr
                .contains("--org sim takes every login option from [orgs.sim]"),
            "{extra:?}: {}",
            run.stderr
        );
    }
    assert_eq!(s.sim.calls(), 0);
}

/// A snapshot whose `UserLogin` rows show int.dormant@'s password locked,
/// with failed logins in its Login History: `identities` marks it
/// "password locked in the org" (and no other user), and the scan's
/// `org-password-locked-user` diagnostic names it with the failures read
/// (how many, the latest's status, time and source IP).
#[test]
fn a_password_locked_user_is_marked_and_its_failed_logins_named() {
    let s = setup();
    let snapshot = snapshot_of(&s);
    let mut json: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    let dormant = json["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "int.dormant@acme.example")
        .unwrap()["id"]
        .clone();
    let mut locked = 0;
    for l in json["user_logins"].as_array_mut().unwrap() {
        if l["user_id"] == dormant {
            l["is_password_locked"] = Value::Bool(true);
            locked += 1;
        }
    }
    assert_eq!(locked, 1);
    let failure = |id: &str, time: &str, status: &str, ip: &str| {
        serde_json::json!({
            "id": id, "user_id": dormant, "login_time": time, "login_type": "Application",
            "login_sub_type": null, "source_ip": ip, "status": status,
            "application": "Browser", "api_type": null
        })
    };
    let history = json["login_history"].as_array_mut().unwrap();
    history.push(failure(
        "0YaFAIL1",
        "2026-11-20T08:00:00.000+0000",
        "Invalid Password",
        "198.51.100.7",
    ));
    history.push(failure(
        "0YaFAIL2",
        "2026-11-21T09:30:00.000+0000",
        "Password Lockout",
        "203.0.113.9",
    ));
    std::fs::write(&snapshot, serde_json::to_string(&json).unwrap()).unwrap();
    let repo = s.dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();

    let ids = offline_run(&["identities"], &repo, &snapshot);
    ids.expect_no_panic().expect_code(0);
    assert_eq!(
        ids.stdout
            .matches("password locked in the org (the org's UserLogin ")
            .count(),
        1,
        "{}",
        ids.stdout
    );
    let block = ids
        .stdout
        .split("\n\n")
        .find(|b| b.contains("password locked in the org"))
        .unwrap();
    assert!(block.contains("int.dormant@acme.example"), "{block}");

    let scan = offline_run(
        &["scan", "--format", "json", "--fail-on", "none"],
        &repo,
        &snapshot,
    );
    scan.expect_no_panic().expect_code(0);
    let report = scan.json();
    let locked: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "org-password-locked-user")
        .collect();
    assert_eq!(locked.len(), 1, "{locked:?}");
    let message = locked[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("int.dormant@acme.example: its password is locked in org ")
            && message.contains(
                "(the Login History read shows 2 failed logins, the latest `Password Lockout` at 2026-11-21T09:30:00.000+0000 from 203.0.113.9)"
            )
            && message.contains("Login History: source IP and application"),
        "{message}"
    );
}

/// A snapshot whose `UserLogin` rows show int.dormant@ frozen:
/// `identities` marks it "frozen in the org" (and no other user), and the
/// scan's IG306 says it is frozen and is not told to freeze it. The same
/// snapshot without `user_logins` (written before they were read) still
/// loads, nobody frozen.
#[test]
fn a_frozen_user_is_marked_in_identities_and_told_in_ig306() {
    let s = setup();
    let snapshot = snapshot_of(&s);
    let mut json: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    let dormant = json["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "int.dormant@acme.example")
        .unwrap()["id"]
        .clone();
    let mut frozen = 0;
    for l in json["user_logins"].as_array_mut().unwrap() {
        if l["user_id"] == dormant {
            l["is_frozen"] = Value::Bool(true);
            frozen += 1;
        }
    }
    assert_eq!(frozen, 1);
    std::fs::write(&snapshot, serde_json::to_string(&json).unwrap()).unwrap();
    let repo = s.dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();

    let ids = offline_run(&["identities"], &repo, &snapshot);
    ids.expect_no_panic().expect_code(0);
    assert_eq!(
        ids.stdout
            .matches("frozen in the org (the org's UserLogin ")
            .count(),
        1,
        "{}",
        ids.stdout
    );
    let block = ids
        .stdout
        .split("\n\n")
        .find(|b| b.contains("frozen in the org"))
        .unwrap();
    assert!(block.contains("int.dormant@acme.example"), "{block}");

    let scan = offline_run(
        &["scan", "--format", "json", "--fail-on", "none"],
        &repo,
        &snapshot,
    );
    scan.expect_no_panic().expect_code(0);
    let report = scan.json();
    let ig306: Vec<&Value> = support::findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG306" && f["identity"] == "int.dormant@acme.example")
        .filter(|f| f["message"].as_str().unwrap().contains("has not logged in"))
        .collect();
    assert_eq!(ig306.len(), 1, "{ig306:?}");
    assert!(
        ig306[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("integration user int.dormant@acme.example is frozen"),
        "{:?}",
        ig306[0]
    );
    assert!(
        !ig306[0]["fix"].as_str().unwrap().contains("or freeze"),
        "{:?}",
        ig306[0]
    );

    // Written before `user_logins` existed: loads, nobody frozen.
    json.as_object_mut().unwrap().remove("user_logins");
    std::fs::write(&snapshot, serde_json::to_string(&json).unwrap()).unwrap();
    let ids = offline_run(&["identities"], &repo, &snapshot);
    ids.expect_no_panic().expect_code(0);
    assert!(!ids.stdout.contains("frozen"), "{}", ids.stdout);
}

/// CRM Analytics' integration user, which Salesforce creates and maintains
/// on its own standard profile: `identities` lists it and says why it is not
/// judged, and the scan gives it no finding (every fix would edit
/// Salesforce's profile or user). Named by the config, it is judged.
#[test]
fn a_salesforce_managed_user_is_listed_not_judged() {
    let s = setup();
    let snapshot = snapshot_of(&s);
    let mut json: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    json["users"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "id": "005SIM00000000ANLY",
            "username": "integration@00dsim000000001aaa.example",
            "name": "Integration User",
            "is_active": true,
            "user_type": "Standard",
            "profile_id": "00eSIM00000000ANLY",
            "profile_name": "Analytics Cloud Integration User",
            "license": "Analytics Cloud Integration User",
            "last_login_date": "2026-01-01T00:00:00.000+0000",
            "last_password_change_date": "2025-01-01T00:00:00.000+0000",
            "created_date": "2024-01-01T00:00:00.000+0000"
        }));
    std::fs::write(&snapshot, serde_json::to_string(&json).unwrap()).unwrap();
    let repo = s.dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();

    let ids = offline_run(&["identities"], &repo, &snapshot);
    ids.expect_no_panic().expect_code(0);
    let block = ids
        .stdout
        .split("\n\n")
        .find(|b| b.contains("integration@00dsim000000001aaa.example"))
        .unwrap_or_else(|| panic!("{}", ids.stdout));
    assert!(
        block.contains("managed     by Salesforce: it creates and maintains this user and its profile Analytics Cloud Integration User"),
        "{block}"
    );
    assert!(block.contains("not judged"), "{block}");
    assert_eq!(ids.stdout.matches("managed     by Salesforce").count(), 1);

    let scan = offline_run(
        &["scan", "--format", "json", "--fail-on", "none"],
        &repo,
        &snapshot,
    );
    scan.expect_no_panic().expect_code(0);
    let report = scan.json();
    let about = |who: &str| -> Vec<Value> {
        support::findings(&report)
            .iter()
            .filter(|f| f["identity"] == who || f["message"].as_str().unwrap().contains(who))
            .cloned()
            .collect()
    };
    assert!(
        about("integration@00dsim000000001aaa.example").is_empty(),
        "{:?}",
        about("integration@00dsim000000001aaa.example")
    );
    // The customer's own dormant user is still reported.
    assert!(!about("int.dormant@acme.example").is_empty());

    // Named by intguard.toml, it is the customer's integration user: judged.
    support::write(
        &repo,
        "intguard.toml",
        "[[identities]]\nusername = \"integration@00dsim000000001aaa.example\"\n",
    );
    let scan = offline_run(
        &["scan", "--format", "json", "--fail-on", "none"],
        &repo,
        &snapshot,
    );
    scan.expect_no_panic().expect_code(0);
    let report = scan.json();
    let judged: Vec<&Value> = support::findings(&report)
        .iter()
        .filter(|f| f["identity"] == "integration@00dsim000000001aaa.example")
        .collect();
    assert!(judged.iter().any(|f| f["rule"] == "IG306"), "{judged:?}");
    assert!(
        judged.iter().all(|f| f["fix"]
            .as_str()
            .unwrap()
            .starts_with("integration@00dsim000000001aaa.example is the user Salesforce creates and maintains")),
        "{judged:?}"
    );
    let ids = offline_run(&["identities"], &repo, &snapshot);
    ids.expect_no_panic().expect_code(0);
    assert!(
        ids.stdout.contains("managed     by Salesforce: this user (profile Analytics Cloud Integration User) is the one Salesforce maintains for its own feature, yet your apps or configuration use it, so it is judged"),
        "{}",
        ids.stdout
    );
}

/// A Mule app logging in as `username` (JWT bearer), in `repo`.
fn jwt_app(repo: &std::path::Path, name: &str, username: &str) {
    let app = support::mule4_app(repo, name, &[]);
    support::write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:jwt-connection consumerKey="${{secure::sfdc.key}}" keyStore="keys/sf.jks" storePassword="${{secure::sfdc.store}}" principal="{username}"/>
  </salesforce:sfdc-config>
</mule>
"#
        ),
    );
}

/// IG303 found by the org (a snapshot joined with the repository: two apps
/// hold tokens of int.shared@) is shown at the org's user, whatever apps
/// the scan holds: an app of another user joining changes nothing, and
/// neither does a Mule app of that user (the Mule finding for the user,
/// once two apps share it, is merged into it; it was shown at the first
/// app's connection, so the finding moved from the org to a file, then to
/// the file of an app whose name sorts first). Its fingerprint is the
/// username's throughout, and a comment at an app's connection still
/// hides it.
#[test]
fn ig303_found_by_the_org_stays_at_the_orgs_user_as_apps_join() {
    const SHARED: &str = "int.shared@acme.example";
    let s = setup();
    let snapshot = snapshot_of(&s);
    let repo = s.dir.path().join("repo");
    let shared = || -> Option<Value> {
        let scan = offline_run(
            &["scan", "--format", "json", "--fail-on", "none"],
            &repo,
            &snapshot,
        );
        scan.expect_no_panic();
        let report = scan.json();
        let mut of_user: Vec<Value> = support::findings(&report)
            .iter()
            .filter(|f| f["rule"] == "IG303" && f["identity"] == SHARED)
            .cloned()
            .collect();
        assert!(of_user.len() <= 1, "{of_user:#?}");
        of_user.pop()
    };
    let place = |f: &Value| {
        (
            f["path"].as_str().unwrap().to_string(),
            f["line"].as_u64(),
            f["fingerprint"].as_str().unwrap().to_string(),
        )
    };
    jwt_app(&repo, "orders-sapi", SHARED);
    let first = shared().expect("IG303 for the org's shared user");
    let (path, _, _) = place(&first);
    assert!(
        path.starts_with("org://") && path.contains("/User/"),
        "{path}"
    );
    // An app of another user, whose name sorts first.
    jwt_app(&repo, "aaa-unrelated", "int.orders@acme.example");
    assert_eq!(place(&shared().unwrap()), place(&first));
    // A second app of the user: the Mule apps share it too.
    jwt_app(&repo, "billing-sapi", SHARED);
    let both = shared().unwrap();
    assert_eq!(place(&both), place(&first));
    let message = both["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("{SHARED} is used by 2 apps"))
            && message.contains("in the org, 2 apps hold its tokens or log in as it"),
        "{message}"
    );
    let related: Vec<&str> = both["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    for app in ["billing-sapi", "orders-sapi"] {
        assert!(
            related
                .iter()
                .any(|p| p.ends_with(&format!("{app}/src/main/mule/global.xml"))),
            "{app}: {related:?}"
        );
    }
    // One sorting first.
    jwt_app(&repo, "aab-sapi", SHARED);
    assert_eq!(place(&shared().unwrap()), place(&first));
    // A comment at a connection that runs as the user hides it, as without
    // the org.
    let global = repo.join("orders-sapi/src/main/mule/global.xml");
    let xml = std::fs::read_to_string(&global).unwrap().replace(
        "    <salesforce:jwt-connection",
        "    <!-- intguard-ignore IG303: one system until the split, ACME-1300 -->\n    <salesforce:jwt-connection",
    );
    std::fs::write(&global, xml).unwrap();
    assert!(shared().is_none());
}

/// A connection closed without an answer mid-audit (the call carrying the
/// muting sets' and the ECA policies' queries) costs only those queries:
/// the rest is reported, the snapshot saved and marked partial, exit 2. On
/// the first call it still stops at once: no report, no snapshot.
#[test]
fn a_connection_closed_mid_audit_reports_what_was_read() {
    let s = setup();
    s.sim.org.hang_ups.lock().unwrap().push((
        "FROM%20ExtlClntAppOauthPlcyCnfg".to_string(),
        sim::HangUp::Close,
    ));
    let snapshot = s.dir.path().join("org.json");
    let run = audit(
        &s,
        &["--format", "json", "--snapshot", snapshot.to_str().unwrap()],
    );
    run.expect_no_panic().expect_code(2);
    assert!(
        run.stderr.contains(
            "intguard: partial read: MutingPermissionSet: the connection to Salesforce failed: "
        ) && run
            .stderr
            .contains("(partial: an audit of it says what is missing)"),
        "{}",
        run.stderr
    );
    let live = run.json();
    assert_eq!(live["summary"]["partial"], true, "{}", live["summary"]);
    let not_read: Vec<String> = support::diagnostics(&live)
        .iter()
        .filter(|d| d["code"] == "org-not-read")
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(not_read.len(), 2, "{not_read:?}");
    assert!(
        not_read
            .iter()
            .all(|m| m.contains("the connection to Salesforce failed") && !m.contains("needs")),
        "{not_read:?}"
    );
    // The rest was audited.
    let rules = support::rules_of(&live);
    for rule in ["IG101", "IG211", "IG303"] {
        assert!(rules.iter().any(|r| r == rule), "no {rule}: {rules:?}");
    }
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).unwrap();
    assert_eq!(
        saved["partial"]["not_read"],
        serde_json::json!(["MutingPermissionSet", "ExtlClntAppOauthPlcyCnfg"])
    );

    let s = setup();
    s.sim
        .org
        .hang_ups
        .lock()
        .unwrap()
        .push(("/services/data/".to_string(), sim::HangUp::Close));
    let snapshot = s.dir.path().join("org.json");
    let run = audit(&s, &["--snapshot", snapshot.to_str().unwrap()]);
    run.expect_no_panic().expect_code(2);
    assert!(
        run.stderr.contains("/services/data/") && !run.stderr.contains("partial"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    assert!(!snapshot.exists());
    assert_eq!(s.sim.calls(), 1);
}
