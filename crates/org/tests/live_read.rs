//! `read_org` against the simulated org (`sim`): exact call counts, no write
//! ever, re-authentication, backoff, the daily limit, the call budget,
//! missing permissions, the findings and the snapshot round trip.

mod sim;

use std::time::Duration;

use intguard_engine::{run_rules, ScanOptions};
use intguard_model::{Finding, Inventory};
use intguard_org::{read_org, OrgClient, OrgError, OrgSnapshot, ReadOptions, RetryPolicy};
use salesforce_auth::{HttpsClient, RestClient, TlsOptions, TokenResponse};
use sim::{FakeOrg, Fault, Running, DAY, NOW};

const IDENTITY_URL: &str = "https://login.salesforce.com/id/00DSIM000000001AAA/005SIM000000001AAA";

fn start(users: usize, permission_sets: usize) -> Running {
    FakeOrg::new(sim::seed(users, permission_sets)).start()
}

fn client(sim: &Running, max_calls: Option<u64>) -> OrgClient {
    let tls = TlsOptions {
        ca_file: Some(sim.pki.ca_file()),
        client_identity: None,
    };
    let http = HttpsClient::new(&tls).unwrap();
    let url = sim.url();
    let token = TokenResponse::new(sim.org.issue_token(), url.clone(), IDENTITY_URL);
    let org = sim.org.clone();
    let provider = move || {
        Ok(TokenResponse::new(
            org.issue_token(),
            url.clone(),
            IDENTITY_URL,
        ))
    };
    OrgClient::new(RestClient::new(http, token, provider))
        .with_retry(RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(1),
        })
        .with_max_calls(max_calls)
}

fn options() -> ReadOptions {
    ReadOptions {
        now_unix: NOW,
        since_unix: NOW - 30 * DAY,
        extra_usernames: Vec::new(),
    }
}

fn read(sim: &Running) -> Result<OrgSnapshot, OrgError> {
    read_org(&client(sim, None), &options(), &mut |_: &str, _: u64| {})
}

fn findings(snapshot: &OrgSnapshot) -> Vec<Finding> {
    let mut inventory = Inventory::default();
    intguard_org::apply(snapshot, &mut inventory);
    inventory.build_identities();
    run_rules(inventory, &ScanOptions::default())
        .findings
        .into_vec()
}

fn has(findings: &[Finding], rule: &str, needle: &str) -> bool {
    findings.iter().any(|f| {
        f.rule == rule && (f.message.contains(needle) || f.identity.as_deref() == Some(needle))
    })
}

/// Calls for the seeded 10,000-user org: versions 1 + describes 1 (one
/// composite) + three composites of twelve queries, then the follow-up pages
/// (users and assignments: about 10,000 rows each, four more pages of 2,000,
/// the chains advancing together, the first two riding in the third
/// composite) for 6 composites in all + Health Check 1 + one composite for
/// login history and tokens of the 7 integration users = 10.
const CALLS_10K: u64 = 10;

#[test]
fn reads_ten_thousand_users_in_a_constant_number_of_calls_and_never_writes() {
    let sim = start(10_000, 1_000);
    let client = client(&sim, None);
    let mut steps = Vec::new();
    let snapshot = read_org(&client, &options(), &mut |s: &str, _: u64| {
        steps.push(s.to_string())
    })
    .unwrap();
    assert_eq!(sim.violations(), Vec::<String>::new());
    assert_eq!(sim.calls(), CALLS_10K, "steps: {steps:#?}");
    assert_eq!(client.calls(), CALLS_10K);
    assert_eq!(snapshot.org.api_calls, CALLS_10K);
    assert_eq!(snapshot.users.len(), 10_000);
    assert_eq!(
        snapshot.permission_sets.len(),
        // three named sets, Data_Loader and the group's aggregate set
        1_000 + 5 + sim::PROFILES.len()
    );
    // four named-set assignments and one group assignment
    assert_eq!(snapshot.assignments.len(), 10_000 - 7 + 5);
    assert_eq!(snapshot.login_history.len(), 9);
    assert_eq!(snapshot.oauth_tokens.len(), 4);
    assert!(snapshot.not_read.is_empty(), "{:?}", snapshot.not_read);
    assert_eq!(snapshot.org.api_version, "62.0");
    // Sforce-Limit-Info of the last answer.
    let usage = client.api_usage().unwrap();
    assert_eq!((usage.used, usage.max), (120 + CALLS_10K, 15_000));
    // Describe first: only audited Permissions* fields the org has.
    let admin = snapshot
        .permission_sets
        .iter()
        .find(|p| p.profile_name.as_deref() == Some("System Administrator"))
        .unwrap();
    assert!(admin.permissions.contains(&"ModifyAllData".to_string()));
    assert!(!admin.permissions.iter().any(|p| p == "EmailSingle"));
    // No token in the snapshot.
    let json = snapshot.to_json();
    assert!(!json.contains("simulatedaccesstoken"));
    assert!(!json.contains("00DSIM000000001!"));
}

#[test]
fn call_count_grows_only_with_pages() {
    let small = start(1_000, 100);
    read(&small).unwrap();
    // versions, describes (1 composite), 3 composites of queries, health,
    // activity: no follow-up page.
    assert_eq!(small.calls(), 7);
    let big = start(30_000, 3_000);
    read(&big).unwrap();
    // users and assignments: 15 pages each, 14 follow-ups advancing together,
    // the first of each riding in the third composite of queries: 7 + 13.
    assert_eq!(big.calls(), 7 + 13);
    assert_eq!(big.violations(), Vec::<String>::new());
}

#[test]
fn finds_the_seeded_problems() {
    let sim = start(300, 20);
    let snapshot = read(&sim).unwrap();
    let f = findings(&snapshot);
    let shown: Vec<String> = f
        .iter()
        .map(|f| format!("{} {} {}", f.rule, f.location, f.message))
        .collect();
    let shown = shown.join("\n");
    for (rule, who) in [
        ("IG301", "int.legacy@acme.example"),
        ("IG302", "int.legacy@acme.example"),
        ("IG113", "int.stale@acme.example"),
        ("IG101", "int.stale@acme.example"),
        ("IG306", "int.dormant@acme.example"),
        ("IG303", "int.shared@acme.example"),
        ("IG202", "int.roaming@acme.example"),
        ("IG202", "int.open@acme.example"),
        ("IG203", "Billing Sync"),
        ("IG211", "54"),
    ] {
        assert!(has(&f, rule, who), "no {rule} for {who}:\n{shown}");
    }
    for rule in ["IG101", "IG113", "IG202", "IG303", "IG306", "IG301"] {
        assert!(
            !has(&f, rule, "int.orders@acme.example"),
            "{rule} flags the clean user:\n{shown}"
        );
    }
    // The API does not say whether an app has a certificate: no IG209.
    assert!(!f.iter().any(|f| f.rule == "IG209"), "{shown}");
    // The ECA's pre-authorization reaches its integration user.
    assert!(has(&f, "IG301", "int.legacy@acme.example"));
    // Org findings point at org records.
    assert!(f
        .iter()
        .all(|f| f.location.path.starts_with("org://00DSIM000000001AAA/")));
}

#[test]
fn re_authenticates_once_on_401() {
    let sim = start(300, 20);
    sim.org
        .faults
        .lock()
        .unwrap()
        .push_back(Fault::ExpireSession);
    read(&sim).unwrap();
    // the first token, then one re-authentication
    assert_eq!(
        sim.org
            .token_requests
            .load(std::sync::atomic::Ordering::SeqCst),
        2
    );
    assert_eq!(sim.calls(), 7 + 1);
}

#[test]
fn backs_off_and_retries_unavailable_and_concurrent_limits() {
    let sim = start(300, 20);
    sim.org
        .faults
        .lock()
        .unwrap()
        .extend([Fault::Unavailable, Fault::Concurrent]);
    let client = client(&sim, None);
    read_org(&client, &options(), &mut |_: &str, _: u64| {}).unwrap();
    assert_eq!(sim.calls(), 7 + 2);
    assert_eq!(client.calls(), 7 + 2);
}

#[test]
fn retries_are_bounded() {
    let sim = start(300, 20);
    sim.org
        .faults
        .lock()
        .unwrap()
        .extend([Fault::Unavailable; 10]);
    let err = read(&sim).unwrap_err();
    assert!(
        matches!(
            err,
            OrgError::RetriesExhausted {
                status: 503,
                attempts: 4,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(sim.calls(), 4);
}

#[test]
fn stops_when_the_daily_limit_is_gone() {
    let sim = start(300, 20);
    sim.org.faults.lock().unwrap().push_back(Fault::DailyLimit);
    let err = read(&sim).unwrap_err();
    assert!(matches!(err, OrgError::DailyLimitExceeded), "{err}");
    assert!(err.to_string().contains("TotalRequests"));
    assert_eq!(sim.calls(), 1);
}

/// The call budget reached after the first composite call: no further call,
/// but what was read (the users, permission sets, ...) is kept, every object
/// left unread is named with its rules, and the snapshot is marked partial
/// with how to finish. A budget that allows no call at all leaves nothing to
/// audit: an error, as before.
#[test]
fn stops_before_exceeding_the_call_budget() {
    let sim = start(300, 20);
    let snapshot = read_org(
        &client(&sim, Some(3)),
        &options(),
        &mut |_: &str, _: u64| {},
    )
    .unwrap();
    assert_eq!(sim.calls(), 3);
    assert_eq!(snapshot.org.api_calls, 3);
    // The first composite call's five queries were read.
    assert_eq!(snapshot.users.len(), 300);
    assert!(!snapshot.permission_sets.is_empty());
    let partial = snapshot.partial.as_ref().expect("marked partial");
    assert_eq!(
        partial.reasons,
        vec!["--max-api-calls 3 was reached (3 calls spent)".to_string()]
    );
    assert!(
        partial.next_steps[0].contains("higher --max-api-calls"),
        "{partial:?}"
    );
    for what in [
        "PermissionSetGroup",
        "PermissionSetGroupComponent",
        "ConnectedApplication",
        "ExternalClientApplication",
        "LoginIpRange",
        "MutingPermissionSet",
        "ExtlClntAppOauthPlcyCnfg",
        "SecurityHealthCheck (Tooling API)",
        "LoginHistory",
        "OauthToken",
        "UserLogin",
    ] {
        assert!(
            partial.not_read.iter().any(|w| w == what),
            "{what}: {partial:?}"
        );
        let row = snapshot
            .not_read
            .iter()
            .find(|n| n.what == what)
            .unwrap_or_else(|| panic!("{what}: {:?}", snapshot.not_read));
        assert_eq!(
            row.reason,
            "not read: --max-api-calls 3 was reached (3 calls spent)"
        );
        assert_eq!(row.missing_permission, None);
    }
    // What was read is not said to be missing.
    for what in ["User", "PermissionSet", "PermissionSetAssignment"] {
        assert!(
            !snapshot.not_read.iter().any(|n| n.what == what),
            "{what}: {:?}",
            snapshot.not_read
        );
    }

    let sim = start(300, 20);
    let err = read_org(
        &client(&sim, Some(0)),
        &options(),
        &mut |_: &str, _: u64| {},
    )
    .unwrap_err();
    assert!(
        matches!(err, OrgError::BudgetExhausted { max: 0, spent: 0 }),
        "{err}"
    );
    assert_eq!(sim.calls(), 0);
}

/// The org's daily API requests running out mid-read (the fifth call is
/// answered 403 TotalRequests Limit exceeded): no call after that answer,
/// the first two composite calls' queries are audited, the rest is named
/// as not read, and the `org-partial` error says why, which rules may have
/// missed something and how to finish.
#[test]
fn the_daily_limit_mid_read_keeps_what_was_read() {
    let sim = start(300, 20);
    *sim.org.daily_limit_after.lock().unwrap() = Some(4);
    let snapshot = read(&sim).unwrap();
    assert_eq!(sim.calls(), 5, "no call after the limit's answer");
    assert_eq!(snapshot.users.len(), 300);
    assert!(!snapshot.connected_apps.is_empty());
    assert!(snapshot.muting_permission_sets.is_empty());
    assert_eq!(snapshot.health_check, None);
    let partial = snapshot.partial.as_ref().expect("marked partial");
    assert_eq!(
        partial.reasons,
        vec!["the org's daily API request limit ran out (TotalRequests Limit exceeded) after 5 API calls of this audit".to_string()]
    );
    assert_eq!(
        partial.not_read,
        [
            "MutingPermissionSet",
            "ExtlClntAppOauthPlcyCnfg",
            "SecurityHealthCheck (Tooling API)",
            "LoginHistory",
            "OauthToken",
            "UserLogin"
        ]
    );

    let mut inventory = Inventory::default();
    intguard_org::apply(&snapshot, &mut inventory);
    let partial: Vec<_> = inventory
        .diagnostics
        .iter()
        .filter(|d| d.code == "org-partial")
        .collect();
    assert_eq!(partial.len(), 1, "{:?}", inventory.diagnostics);
    let d = partial[0];
    assert_eq!(d.level, intguard_model::DiagnosticLevel::Error);
    assert_eq!(d.path, "org://00DSIM000000001AAA");
    for needle in [
        "the org audit is partial: the org's daily API request limit ran out (TotalRequests Limit exceeded) after 5 API calls",
        "not read or incomplete: MutingPermissionSet, ExtlClntAppOauthPlcyCnfg, SecurityHealthCheck (Tooling API), LoginHistory, OauthToken, UserLogin;",
        // The rules of those objects (LOGIN_RULES, TOKEN_RULES, IG211, ...).
        "rules that may have missed something: IG101, IG113, IG201, IG202, IG203, IG208, IG211, IG302, IG303, IG306;",
        "to finish: run the audit again once the org's rolling 24-hour API request count has room",
    ] {
        assert!(d.message.contains(needle), "{needle}\n{}", d.message);
    }
    // Each object has its own org-not-read warning too.
    assert!(inventory
        .diagnostics
        .iter()
        .any(|d| d.code == "org-not-read" && d.path.ends_with("/UserLogin")));

    // The snapshot keeps it: an offline audit says the same.
    let again = OrgSnapshot::from_json(&snapshot.to_json(), "org.json").unwrap();
    assert_eq!(again, snapshot);
    let mut offline = Inventory::default();
    intguard_org::apply(&again, &mut offline);
    assert_eq!(offline.diagnostics, inventory.diagnostics);
}

/// One query answered 503 on every attempt (its retries too): the read goes
/// on, every other object is read as in a clean read, and the query becomes
/// an `org-not-read` row naming the status, the error and the rules (no
/// permission blamed), with the snapshot marked partial.
#[test]
fn a_query_failing_every_retry_costs_only_that_query() {
    let clean = read(&start(300, 20)).unwrap();
    let sim = start(300, 20);
    sim.org
        .outages
        .lock()
        .unwrap()
        .push(("FROM%20ObjectPermissions".to_string(), Fault::Unavailable));
    let snapshot = read(&sim).unwrap();
    assert_eq!(snapshot.not_read.len(), 1, "{:?}", snapshot.not_read);
    let row = &snapshot.not_read[0];
    assert_eq!(row.what, "ObjectPermissions");
    assert_eq!(
        row.reason,
        "Salesforce kept answering HTTP 503 (SERVER_UNAVAILABLE: Service Unavailable) after 4 attempts"
    );
    assert_eq!(row.missing_permission, None);
    assert_eq!(row.rules, ["IG304"]);
    let partial = snapshot.partial.as_ref().expect("marked partial");
    assert_eq!(partial.not_read, ["ObjectPermissions"]);
    assert!(partial.next_steps[0].starts_with("run the audit again later"));
    // Everything else as in a clean read.
    let strip = |s: &OrgSnapshot| {
        let mut s = s.clone();
        s.org.api_calls = 0;
        s.org.instance_url.clear();
        s.object_permissions.clear();
        s.not_read.clear();
        s.partial = None;
        s
    };
    assert_eq!(strip(&snapshot), strip(&clean));

    let mut inventory = Inventory::default();
    intguard_org::apply(&snapshot, &mut inventory);
    let d = inventory
        .diagnostics
        .iter()
        .find(|d| d.code == "org-partial")
        .expect("org-partial");
    assert!(
        d.message
            .contains("ObjectPermissions: Salesforce kept answering HTTP 503")
            && d.message
                .contains("rules that may have missed something: IG304;"),
        "{}",
        d.message
    );
    let warning = inventory
        .diagnostics
        .iter()
        .find(|d| d.code == "org-not-read")
        .unwrap();
    assert!(
        warning.message.contains("HTTP 503") && !warning.message.contains("needs"),
        "{}",
        warning.message
    );
}

/// A describe, and the Health Check's Tooling query, failing every retry:
/// each is named, the rest is read.
#[test]
fn a_describe_and_the_health_check_failing_every_retry_are_named() {
    let sim = start(300, 20);
    sim.org.outages.lock().unwrap().push((
        "MutingPermissionSet/describe".to_string(),
        Fault::Unavailable,
    ));
    sim.org
        .outages
        .lock()
        .unwrap()
        .push(("tooling/query".to_string(), Fault::Unavailable));
    let snapshot = read(&sim).unwrap();
    let row = snapshot
        .not_read
        .iter()
        .find(|n| n.what == "MutingPermissionSet permissions (describe)")
        .unwrap_or_else(|| panic!("{:?}", snapshot.not_read));
    assert!(row.reason.contains("HTTP 503"), "{row:?}");
    assert_eq!(row.rules, ["IG302"]);
    let health = snapshot
        .not_read
        .iter()
        .find(|n| n.what == "SecurityHealthCheck (Tooling API)")
        .unwrap_or_else(|| panic!("{:?}", snapshot.not_read));
    assert_eq!(
        health.reason,
        "Salesforce kept answering HTTP 503 (SERVER_UNAVAILABLE: Service Unavailable) after 4 attempts"
    );
    assert_eq!(health.rules, ["IG211"]);
    assert_eq!(snapshot.health_check, None);
    // The rest is read: users, muting sets (without their permissions), logins.
    assert_eq!(snapshot.users.len(), 300);
    assert!(!snapshot.muting_permission_sets.is_empty());
    assert!(!snapshot.login_history.is_empty());
    assert_eq!(
        snapshot.partial.as_ref().unwrap().not_read,
        [
            "MutingPermissionSet permissions (describe)",
            "SecurityHealthCheck (Tooling API)"
        ]
    );
}

#[test]
fn missing_permissions_become_not_checked_diagnostics() {
    let sim = start(300, 20);
    sim.org.denied.lock().unwrap().extend([
        "LoginHistory".to_string(),
        "SecurityHealthCheck".to_string(),
    ]);
    sim.org
        .missing
        .lock()
        .unwrap()
        .insert("ExternalClientApplication".to_string());
    let snapshot = read(&sim).unwrap();
    let what: Vec<&str> = snapshot.not_read.iter().map(|n| n.what.as_str()).collect();
    assert!(what.contains(&"LoginHistory"), "{what:?}");
    assert!(what.contains(&"ExternalClientApplication"), "{what:?}");
    assert!(
        what.iter().any(|w| w.starts_with("SecurityHealthCheck")),
        "{what:?}"
    );
    let logins = snapshot
        .not_read
        .iter()
        .find(|n| n.what == "LoginHistory")
        .unwrap();
    assert_eq!(
        logins.missing_permission.as_deref(),
        Some("Manage Users or Monitor Login History")
    );
    // A permission the auditing user lacks is the same on every run: a
    // warning, not a partial audit.
    assert_eq!(snapshot.partial, None);
    assert!(logins.rules.contains(&"IG113".to_string()));

    let mut inventory = Inventory::default();
    intguard_org::apply(&snapshot, &mut inventory);
    inventory.build_identities();
    let outcome = run_rules(inventory, &ScanOptions::default());
    let diag = outcome
        .diagnostics
        .iter()
        .find(|d| d.code == "org-not-read" && d.message.contains("LoginHistory"))
        .expect("a diagnostic for LoginHistory");
    assert!(
        diag.message.contains("Monitor Login History"),
        "{}",
        diag.message
    );
    assert!(diag.message.contains("IG113"), "{}", diag.message);
    // Without login history, IG101 cannot see the password logins, and the
    // Health Check rule has nothing to report.
    assert!(!outcome.findings.iter().any(|f| f.rule == "IG211"));
}

#[test]
fn snapshot_round_trip_gives_the_same_findings() {
    let sim = start(300, 20);
    let snapshot = read(&sim).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.json");
    std::fs::write(&path, snapshot.to_json()).unwrap();
    let again = OrgSnapshot::load(&path).unwrap();
    assert_eq!(again, snapshot);
    let key = |f: &Finding| {
        (
            f.rule,
            f.location.to_string(),
            f.message.clone(),
            f.fingerprint.clone(),
        )
    };
    let a: Vec<_> = findings(&snapshot).iter().map(key).collect();
    let b: Vec<_> = findings(&again).iter().map(key).collect();
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[test]
fn snapshots_of_another_version_are_refused() {
    let text = r#"{"format": "intguard-org-snapshot", "version": 99}"#;
    let err = OrgSnapshot::from_json(text, "old.json").unwrap_err();
    assert!(err.to_string().contains("version 99"), "{err}");
    let err = OrgSnapshot::from_json("{}", "x.json").unwrap_err();
    assert!(
        err.to_string().contains("not an intguard org snapshot"),
        "{err}"
    );
}

/// The proof of "read-only" rests on the simulator refusing and recording
/// every write: check that it does.
#[test]
fn the_simulator_records_any_write() {
    use salesforce_auth::rest::Method;
    let sim = start(10, 2);
    let tls = TlsOptions {
        ca_file: Some(sim.pki.ca_file()),
        client_identity: None,
    };
    let rest = RestClient::new(
        HttpsClient::new(&tls).unwrap(),
        TokenResponse::new(sim.org.issue_token(), sim.url(), IDENTITY_URL),
        || {
            Err(salesforce_auth::AuthError {
                kind: salesforce_auth::AuthErrorKind::Transport(Box::new(
                    salesforce_auth::TransportError::InsecureScheme { url: "none".into() },
                )),
                login_url: String::new(),
                audience: String::new(),
                server: None,
            })
        },
    );
    let r = rest
        .send(
            Method::Post,
            "/services/data/v62.0/sobjects/User",
            &[],
            &[],
            Some(b"{}"),
        )
        .unwrap();
    assert_eq!(r.status, 405);
    let body = serde_json::json!({"allOrNone": false, "compositeRequest": [
        {"method": "PATCH", "url": "/services/data/v62.0/sobjects/User/005", "referenceId": "w"}
    ]});
    rest.post_json("/services/data/v62.0/composite", &body)
        .unwrap();
    assert_eq!(
        sim.violations(),
        vec![
            "POST /services/data/v62.0/sobjects/User".to_string(),
            "composite PATCH /services/data/v62.0/sobjects/User/005".to_string()
        ]
    );
}

/// The point of `scan --org-snapshot`: a Mule app's username meets the org's
/// user, its real profile and permission sets, and what the org saw of it.
#[test]
fn a_mule_apps_username_meets_the_org_user() {
    let sim = start(300, 20);
    let snapshot = read(&sim).unwrap();
    let repo = tempfile::tempdir().unwrap();
    let app = repo.path().join("etl-sapi");
    std::fs::create_dir_all(app.join("src/main/mule")).unwrap();
    std::fs::write(
        app.join("pom.xml"),
        "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion><groupId>com.acme</groupId><artifactId>etl-sapi</artifactId><version>1.0.0</version><packaging>mule-application</packaging></project>\n",
    )
    .unwrap();
    std::fs::write(
        app.join("mule-artifact.json"),
        "{\"minMuleVersion\": \"4.4.0\", \"secureProperties\": [\"sfdc.password\"]}\n",
    )
    .unwrap();
    std::fs::write(
        app.join("src/main/mule/global.xml"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:basic-connection username="INT.STALE@acme.example" password="${secure::sfdc.password}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    )
    .unwrap();
    let options = ScanOptions {
        paths: vec![repo.path().to_path_buf()],
        ..ScanOptions::default()
    };
    let mut inventory = intguard_engine::read_inventory(&options);
    intguard_org::join(&snapshot, &mut inventory);
    let id = inventory.identity("int.stale@acme.example").unwrap();
    assert_eq!(id.app_names(), ["etl-sapi"]);
    assert_eq!(
        id.profile.as_ref().map(|p| p.name.as_str()),
        Some("Minimum Access - API Only Integrations")
    );
    assert!(id
        .permission_sets
        .iter()
        .any(|p| p.name == "Orders_Integration"));
    let findings = run_rules(inventory, &options).findings.into_vec();
    let stale = findings.iter().find(|f| f.rule == "IG113").unwrap();
    assert!(
        stale.message.contains("password connections in etl-sapi"),
        "{}",
        stale.message
    );
    // Both ends are cited: the org user and the Mule connection.
    assert!(stale.location.path.starts_with("org://"));
    assert!(stale
        .related
        .iter()
        .any(|r| r.path.ends_with("etl-sapi/src/main/mule/global.xml")));
}

/// A permission set group's muting permission set is read and subtracted:
/// int.open@ holds Ops_Bundle (Data_Loader: ModifyAllData and ViewAllData,
/// ModifyAllData muted), so only ViewAllData reaches it.
#[test]
fn muting_permission_sets_take_permissions_away_from_groups() {
    let sim = start(300, 20);
    let snapshot = read(&sim).unwrap();
    let muting = &snapshot.muting_permission_sets;
    assert_eq!(muting.len(), 1);
    assert_eq!(muting[0].developer_name, "Ops_Bundle_Muting");
    assert_eq!(muting[0].permissions, ["ModifyAllData"]);
    let mut inventory = Inventory::default();
    intguard_org::apply(&snapshot, &mut inventory);
    inventory.build_identities();
    let open = inventory.identity("int.open@acme.example").unwrap();
    let names: Vec<&str> = open
        .effective_permissions
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert!(names.contains(&"ViewAllData"), "{names:?}");
    assert!(!names.contains(&"ModifyAllData"), "{names:?}");
    assert!(open
        .muted_permissions
        .iter()
        .any(|p| p.name == "ModifyAllData"));
    let f = run_rules(inventory, &ScanOptions::default())
        .findings
        .into_vec();
    let open_302: Vec<&str> = f
        .iter()
        .filter(|f| f.rule == "IG302" && f.identity.as_deref() == Some("int.open@acme.example"))
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        open_302.iter().any(|m| m.contains("ViewAllData")),
        "{open_302:?}"
    );
    assert!(
        !open_302.iter().any(|m| m.contains("ModifyAllData")),
        "{open_302:?}"
    );
    // The fix mutes it with the group's own muting set.
    let fix = &f
        .iter()
        .find(|f| f.rule == "IG302" && f.identity.as_deref() == Some("int.open@acme.example"))
        .unwrap()
        .fix;
    assert!(
        fix.contains("in permissionsets/Data_Loader.permissionset-meta.xml set <enabled>false</enabled> in its <userPermissions> entry (<name>ViewAllData</name>): deleting an entry does not revoke it on deploy"),
        "{fix}"
    );
    assert!(
        fix.contains("or mute it in group Ops_Bundle: its muting permission set Ops_Bundle_Muting does not mute it yet (Setup > Permission Set Groups > Ops_Bundle > Ops_Bundle_Muting > System Permissions: Mute ViewAllData"),
        "{fix}"
    );
}

/// A System Administrator integration user that also holds a group granting
/// one of the profile's super powers (ViewAllData, through Data_Loader in
/// Ops_Bundle): each source has its finding, and each fix names the other
/// source with the permissions it shares, not all five of the profile's.
#[test]
fn a_permission_granted_by_profile_and_group_names_what_each_shares() {
    let sim = start(300, 20);
    let mut snapshot = read(&sim).unwrap();
    let legacy = snapshot
        .users
        .iter()
        .find(|u| u.username == "int.legacy@acme.example")
        .unwrap()
        .id
        .clone();
    snapshot
        .assignments
        .push(intguard_org::snapshot::AssignmentRow {
            assignee_id: legacy,
            permission_set_id: sim::GROUP_AGGREGATE_PS.into(),
            permission_set_group_id: Some(sim::GROUP_ID.into()),
        });
    let f = findings(&snapshot);
    let legacy_302: Vec<&Finding> = f
        .iter()
        .filter(|f| f.rule == "IG302" && f.identity.as_deref() == Some("int.legacy@acme.example"))
        .collect();
    let profile = legacy_302
        .iter()
        .find(|f| f.message.contains("via profile System Administrator"))
        .expect("the profile's finding");
    assert!(
        profile.message.contains("5 super powers"),
        "{}",
        profile.message
    );
    assert!(
        profile.fix.contains(
            "ViewAllData is also granted by permission set Data_Loader (group Ops_Bundle): remove it there too"
        ) && !profile.fix.contains("They are also granted"),
        "{}",
        profile.fix
    );
    let group = legacy_302
        .iter()
        .find(|f| {
            f.message
                .contains("via permission set Data_Loader (group Ops_Bundle)")
        })
        .expect("the group's finding");
    // The standard profile cannot be changed: "remove it there too" would
    // send the user to a Setup page that refuses it.
    assert!(
        group.fix.contains(
            "It is also granted by profile System Administrator, a standard profile whose permissions cannot be changed: move int.legacy@acme.example to a custom profile (its own finding says how)."
        ) && !group.fix.contains("remove it there too"),
        "{}",
        group.fix
    );
}

/// The places a finding on a System Administrator integration user cites
/// name the profile as the org and the message do ("System Administrator"),
/// not by its metadata file name ("Admin"), which Setup shows nowhere.
#[test]
fn related_places_name_a_standard_profile_by_its_label() {
    let sim = start(300, 20);
    let snapshot = read(&sim).unwrap();
    let f = findings(&snapshot);
    for rule in ["IG301", "IG205", "IG206"] {
        let legacy = f
            .iter()
            .find(|f| f.rule == rule && f.identity.as_deref() == Some("int.legacy@acme.example"))
            .unwrap_or_else(|| panic!("no {rule} for int.legacy@"));
        let related: Vec<&str> = legacy.related.iter().map(|r| r.message.as_str()).collect();
        assert!(
            related.contains(&"int.legacy@acme.example is assigned profile System Administrator")
                && related.contains(&"profile System Administrator")
                && !related.iter().any(|r| r.ends_with("profile Admin")),
            "{rule}: {related:?}"
        );
    }
}

/// A connected app read from the org is known by its name in Setup
/// ("Billing Sync"), which is no file name: the fix does not send the user
/// to `connectedApps/Billing Sync.connectedApp-meta.xml`. Its findings name
/// the integration users the org saw use it (its tokens, its logins), not
/// only those it pre-authorizes.
#[test]
fn an_org_connected_app_is_not_given_a_file_name_from_its_label() {
    let sim = start(300, 20);
    let snapshot = read(&sim).unwrap();
    let f = findings(&snapshot);
    let billing = f
        .iter()
        .find(|f| f.rule == "IG203" && f.message.contains("Billing Sync"))
        .expect("IG203 on Billing Sync");
    // The org saw int.shared@ use it (tokens, logins): switching it to
    // admin-approved without pre-authorizing that user breaks it.
    assert!(
        billing
            .message
            .starts_with("connected app Billing Sync (used by int.shared@acme.example) lets all users self-authorize"),
        "{}",
        billing.message
    );
    assert!(
        !billing.fix.contains("connectedApps/Billing Sync.connectedApp-meta.xml")
            && billing.fix.contains(
                "in its connectedApps/<API name>.connectedApp-meta.xml (the org shows its name, Billing Sync, not its API name)"
            ),
        "{}",
        billing.fix
    );
}

/// IG206's fix for a user whose permission set others share: the reason
/// for a new set stays in its parenthesis, so "and have the integration
/// that logs in as it call ... on port 8443" still reads as the second
/// step, not as what the other users' logins would need (an org audit reads
/// no Mule app: the integration is not named as one).
#[test]
fn ig206_fix_for_a_shared_permission_set_reads_as_two_steps() {
    let sim = start(300, 20);
    let snapshot = read(&sim).unwrap();
    let f = findings(&snapshot);
    let orders = f
        .iter()
        .find(|f| f.rule == "IG206" && f.identity.as_deref() == Some("int.orders@acme.example"))
        .expect("IG206 on int.orders@");
    assert!(
        orders.fix.contains(
            "in a new permission set assigned to it alone (Setup > Permission Sets > New > System Permissions; its permission set Orders_Integration is shared with int.shared@acme.example, int.stale@acme.example, whose logins would need the certificate too) and have the integration that logs in as it call Salesforce on port 8443"
        ),
        "{}",
        orders.fix
    );
}

/// Without the muting set (no access to it), the group keeps every
/// permission of its members: nothing passes silently, and a diagnostic
/// says why.
#[test]
fn an_unreadable_muting_set_leaves_the_group_unmuted_and_says_so() {
    let sim = start(300, 20);
    sim.org
        .denied
        .lock()
        .unwrap()
        .insert("MutingPermissionSet".to_string());
    let snapshot = read(&sim).unwrap();
    assert!(snapshot
        .not_read
        .iter()
        .any(|n| n.what == "MutingPermissionSet"));
    let f = findings(&snapshot);
    assert!(f.iter().any(|f| f.rule == "IG302"
        && f.identity.as_deref() == Some("int.open@acme.example")
        && f.message.contains("ModifyAllData")));
}

/// External Client App policies come from ExtlClntAppOauthPlcyCnfg, so
/// IG201, IG203 and IG208 judge the org's ECAs.
#[test]
fn external_client_app_policies_are_read_and_judged() {
    let sim = start(300, 20);
    let snapshot = read(&sim).unwrap();
    assert_eq!(snapshot.eca_oauth_policies.len(), 1);
    let f = findings(&snapshot);
    for (rule, needle) in [
        ("IG201", "ipRelaxationPolicyType Bypass"),
        ("IG203", "AllSelfAuthorized"),
        ("IG208", "refreshTokenPolicyType Infinite"),
    ] {
        let hit = f
            .iter()
            .find(|f| f.rule == rule && f.message.contains(needle))
            .unwrap_or_else(|| panic!("no {rule} with {needle}"));
        assert!(
            hit.location
                .path
                .ends_with("/ExtlClntAppOauthPlcyCnfg/0xpSIM000000000001"),
            "{}",
            hit.location
        );
    }
    // An org without the object: a diagnostic naming the rules.
    let sim = start(300, 20);
    sim.org
        .missing
        .lock()
        .unwrap()
        .insert("ExtlClntAppOauthPlcyCnfg".to_string());
    let snapshot = read(&sim).unwrap();
    let row = snapshot
        .not_read
        .iter()
        .find(|n| n.what == "ExtlClntAppOauthPlcyCnfg")
        .expect("a not-read row");
    assert_eq!(row.rules, ["IG201", "IG203", "IG208"]);
    assert!(!findings(&snapshot)
        .iter()
        .any(|f| f.rule == "IG203" && f.message.contains("AllSelfAuthorized")));
}

/// What the API cannot show of connected apps (IP relaxation, scopes,
/// certificate) is reported as not checked, app by app; retrieved metadata
/// of the same app stands for it in `scan --org-snapshot`.
#[test]
fn connected_app_fields_the_api_hides_are_reported_not_checked() {
    let sim = start(300, 20);
    let snapshot = read(&sim).unwrap();
    let mut inventory = Inventory::default();
    intguard_org::apply(&snapshot, &mut inventory);
    inventory.build_identities();
    let outcome = run_rules(inventory, &ScanOptions::default());
    let diag = outcome
        .diagnostics
        .iter()
        .find(|d| d.code == "org-not-available" && d.message.contains("connected app"))
        .expect("a diagnostic for connected apps");
    for needle in [
        "Orders Sync",
        "Billing Sync",
        "IG201",
        "IG208",
        "IG209",
        "sf project retrieve",
    ] {
        assert!(diag.message.contains(needle), "{needle}: {}", diag.message);
    }

    // Org-wide settings are Settings metadata, not queryable: said, per rule.
    let settings = outcome
        .diagnostics
        .iter()
        .find(|d| d.code == "org-not-available" && d.path.ends_with("/Settings"))
        .expect("a diagnostic for the org's settings");
    for needle in ["IG111", "IG204", "IG207", "IG210", "-m Settings:Security"] {
        assert!(
            settings.message.contains(needle),
            "{needle}: {}",
            settings.message
        );
    }

    // Metadata of Orders Sync was scanned too: it is not duplicated, and
    // only Billing Sync stays unchecked.
    let mut inventory = Inventory::default();
    inventory
        .salesforce
        .connected_apps
        .push(intguard_model::ConnectedApp {
            name: "Orders Sync".into(),
            label: None,
            contact_email: None,
            oauth: None,
            profile_names: Vec::new(),
            permission_set_names: Vec::new(),
            ip_ranges: Vec::new(),
            has_saml: false,
            location: intguard_model::Location::new(
                "sf/connectedApps/Orders_Sync.connectedApp-meta.xml",
                2,
                1,
            ),
        });
    intguard_org::apply(&snapshot, &mut inventory);
    let names: Vec<&str> = inventory
        .salesforce
        .connected_apps
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["Orders Sync", "Billing Sync"]);
    let diag = inventory
        .diagnostics
        .iter()
        .find(|d| d.code == "org-not-available" && d.message.contains("connected app"))
        .unwrap();
    assert!(
        diag.message.contains("1 connected app (Billing Sync)"),
        "{}",
        diag.message
    );
}

/// Found by testing an estate with `scan --org-snapshot`: the org names a
/// connected app as Setup shows it (`ConnectedApplication.Name`, `Orders
/// Sync`), retrieved metadata by its API name (`Orders_Sync`, with the
/// label `Orders Sync`). The app was joined by API name only, so the
/// retrieved app was doubled by a bare org copy (`intguard identities`
/// listed both) and the diagnostic asked to retrieve what was scanned.
#[test]
fn retrieved_connected_app_matches_the_org_app_by_its_label() {
    let sim = start(300, 20);
    let snapshot = read(&sim).unwrap();
    let mut inventory = Inventory::default();
    inventory
        .salesforce
        .connected_apps
        .push(intguard_model::ConnectedApp {
            name: "Orders_Sync".into(),
            label: Some("Orders Sync".into()),
            contact_email: None,
            oauth: None,
            profile_names: Vec::new(),
            permission_set_names: Vec::new(),
            ip_ranges: Vec::new(),
            has_saml: false,
            location: intguard_model::Location::new(
                "sf/connectedApps/Orders_Sync.connectedApp-meta.xml",
                2,
                1,
            ),
        });
    intguard_org::apply(&snapshot, &mut inventory);
    let names: Vec<&str> = inventory
        .salesforce
        .connected_apps
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["Orders_Sync", "Billing Sync"]);
    let diag = inventory
        .diagnostics
        .iter()
        .find(|d| d.code == "org-not-available" && d.message.contains("connected app"))
        .unwrap();
    assert!(
        diag.message.contains("1 connected app (Billing Sync)"),
        "{}",
        diag.message
    );
}

/// A composite subrequest answered ConcurrentPerOrgLongTxn or 503 is sent
/// again (the composite call itself succeeded), and the read is complete.
#[test]
fn failed_subrequests_are_retried_within_the_bound() {
    let clean = read(&start(300, 20)).unwrap();
    let sim = start(300, 20);
    sim.org.sub_faults.lock().unwrap().extend([
        (
            "MutingPermissionSet/describe".to_string(),
            Fault::Concurrent,
        ),
        ("ObjectPermissions".to_string(), Fault::Unavailable),
        ("ObjectPermissions".to_string(), Fault::Concurrent),
        ("LoginHistory".to_string(), Fault::Unavailable),
    ]);
    let snapshot = read(&sim).unwrap();
    assert!(snapshot.not_read.is_empty(), "{:?}", snapshot.not_read);
    let strip = |s: &OrgSnapshot| {
        let mut s = s.clone();
        s.org.api_calls = 0;
        s.org.instance_url.clear();
        s
    };
    assert_eq!(strip(&snapshot), strip(&clean));
    // Every fault was served.
    assert!(sim.org.sub_faults.lock().unwrap().is_empty());

    // Bounded: the same subrequest failing every time is not read after its
    // fourth answer; the read goes on without it.
    let sim = start(300, 20);
    sim.org
        .sub_faults
        .lock()
        .unwrap()
        .extend((0..4).map(|_| ("FROM%20User".to_string(), Fault::Concurrent)));
    let snapshot = read(&sim).unwrap();
    assert!(sim.org.sub_faults.lock().unwrap().is_empty());
    let users = snapshot
        .not_read
        .iter()
        .find(|n| n.what == "User")
        .unwrap_or_else(|| panic!("{:?}", snapshot.not_read));
    assert_eq!(
        users.reason,
        "Salesforce kept answering HTTP 403 (REQUEST_LIMIT_EXCEEDED: ConcurrentPerOrgLongTxn Limit exceeded.) after 4 attempts"
    );
    assert!(snapshot.users.is_empty());
    assert!(!snapshot.permission_sets.is_empty());
    assert!(snapshot.partial.is_some());
}

/// A query whose later page fails with an error that is not about access
/// (QUERY_TIMEOUT) keeps the rows read, says how many, and does not claim
/// the auditing user lacks a permission; the object stays "not read" for
/// the rules. A denied object still names the permission.
#[test]
fn a_failed_page_says_what_was_read_and_blames_no_permission() {
    let sim = start(3_000, 20);
    sim.org
        .denied
        .lock()
        .unwrap()
        .insert("LoginIpRange".to_string());
    // The users' second page (a query locator URL); the first page of every
    // query goes through `query?q=`.
    sim.org
        .sub_faults
        .lock()
        .unwrap()
        .push(("/query/01gSIM000001-".to_string(), Fault::QueryTimeout));
    let snapshot = read(&sim).unwrap();
    assert!(
        sim.org.sub_faults.lock().unwrap().is_empty(),
        "fault unserved"
    );
    let users = snapshot
        .not_read
        .iter()
        .find(|n| n.what == "User")
        .unwrap_or_else(|| panic!("{:?}", snapshot.not_read));
    assert_eq!(
        users.reason,
        "the first 2000 rows were read, then QUERY_TIMEOUT: Your query request was running for too long."
    );
    assert_eq!(users.missing_permission, None);
    assert_eq!(snapshot.users.len(), 2_000);
    // Incomplete this time, not for want of a permission: the audit is
    // partial (the denied LoginIpRange alone would not make it so).
    let partial = snapshot.partial.as_ref().expect("marked partial");
    assert_eq!(partial.not_read, ["User"]);
    assert_eq!(
        partial.reasons,
        ["User: QUERY_TIMEOUT: Your query request was running for too long."]
    );
    let ranges = snapshot
        .not_read
        .iter()
        .find(|n| n.what == "LoginIpRange")
        .unwrap();
    assert!(ranges.missing_permission.is_some(), "{ranges:?}");

    let mut inventory = Inventory::default();
    intguard_org::apply(&snapshot, &mut inventory);
    let diag = inventory
        .diagnostics
        .iter()
        .find(|d| d.code == "org-not-read" && d.path.ends_with("/User"))
        .unwrap();
    assert!(
        diag.message
            .contains("the first 2000 rows were read, then QUERY_TIMEOUT")
            && !diag.message.contains("the auditing user needs"),
        "{}",
        diag.message
    );
}

/// OauthToken answers at most 2,500 rows: when a query reaches that, the
/// snapshot says the token rules may be incomplete.
#[test]
fn the_oauth_token_row_limit_is_reported() {
    let mut data = sim::seed(300, 20);
    let user = sim::sfid("005", 900_000);
    let tokens = data.records.get_mut("OauthToken").unwrap();
    for n in 0..3_000 {
        tokens.push(serde_json::json!({"attributes": {"type": "OauthToken"}, "Id": sim::sfid("0CQ", 10_000 + n),
            "AppName": format!("App {n}"), "UserId": user, "LastUsedDate": sim::sf_date(NOW - DAY), "UseCount": 1}));
    }
    let sim = FakeOrg::new(data).start();
    let snapshot = read(&sim).unwrap();
    assert_eq!(snapshot.oauth_tokens.len(), 2_500);
    let row = snapshot
        .not_read
        .iter()
        .find(|n| n.what.starts_with("OauthToken"))
        .expect("a not-read row for the token limit");
    assert!(row.reason.contains("2500"), "{}", row.reason);
    assert_eq!(row.rules, ["IG303", "IG306"]);
    // Below the limit: nothing said.
    assert!(!read(&start(300, 20))
        .unwrap()
        .not_read
        .iter()
        .any(|n| n.what.starts_with("OauthToken")));
}

/// A Mule 4 app `name` under `repo` that logs in as `username` with a password.
fn mule_app(repo: &std::path::Path, name: &str, username: &str) {
    let app = repo.join(name);
    std::fs::create_dir_all(app.join("src/main/mule")).unwrap();
    std::fs::write(
        app.join("pom.xml"),
        format!("<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion><groupId>com.acme</groupId><artifactId>{name}</artifactId><version>1.0.0</version><packaging>mule-application</packaging></project>\n"),
    )
    .unwrap();
    std::fs::write(
        app.join("mule-artifact.json"),
        "{\"minMuleVersion\": \"4.4.0\", \"secureProperties\": [\"sfdc.password\"]}\n",
    )
    .unwrap();
    std::fs::write(
        app.join("src/main/mule/global.xml"),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:basic-connection username="{username}" password="${{secure::sfdc.password}}"/>
  </salesforce:sfdc-config>
</mule>
"#
        ),
    )
    .unwrap();
}

/// The snapshot joined with a repository of apps (name, username).
fn joined(snapshot: &OrgSnapshot, apps: &[(&str, &str)]) -> (Inventory, tempfile::TempDir) {
    let repo = tempfile::tempdir().unwrap();
    for (name, username) in apps {
        mule_app(repo.path(), name, username);
    }
    let options = ScanOptions {
        paths: vec![repo.path().to_path_buf()],
        ..ScanOptions::default()
    };
    let mut inventory = intguard_engine::read_inventory(&options);
    intguard_org::join(snapshot, &mut inventory);
    (inventory, repo)
}

/// An inactive System Administrator user of the snapshot's org.
fn add_inactive_admin(snapshot: &mut OrgSnapshot, username: &str) {
    let mut user = snapshot
        .users
        .iter()
        .find(|u| u.username == "int.legacy@acme.example")
        .expect("the seeded admin integration user")
        .clone();
    user.id = "005SIM0000000GONE1".into();
    user.username = username.into();
    user.is_active = false;
    snapshot.users.push(user);
}

/// An app that logs in as a user the org shows inactive: no System
/// Administrator "full compromise" (IG301, IG302, IG205, IG202 ...) for a
/// credential that cannot log in, and a diagnostic that says why the app's
/// logins fail.
#[test]
fn an_app_running_as_an_inactive_org_user_is_told_not_judged_as_a_live_admin() {
    let sim = start(300, 20);
    let mut snapshot = read(&sim).unwrap();
    add_inactive_admin(&mut snapshot, "int.gone@acme.example");
    let (inventory, _repo) = joined(&snapshot, &[("gone-sapi", "int.gone@acme.example")]);
    let id = inventory.identity("int.gone@acme.example").unwrap();
    assert!(id.inactive_in_org.is_some());
    let diag = inventory
        .diagnostics
        .iter()
        .find(|d| d.code == "org-inactive-user")
        .expect("an org-inactive-user diagnostic");
    assert!(
        diag.message.contains("gone-sapi")
            && diag.message.contains("int.gone@acme.example")
            && diag.message.contains("inactive in org 00DSIM000000001AAA")
            && diag
                .message
                .contains("point the app at its active integration user"),
        "{}",
        diag.message
    );
    assert!(
        diag.path.ends_with("gone-sapi/src/main/mule/global.xml"),
        "{}",
        diag.path
    );
    let findings = run_rules(inventory, &ScanOptions::default())
        .findings
        .into_vec();
    for rule in ["IG301", "IG302", "IG205", "IG202", "IG206", "IG304"] {
        let about: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.rule == rule && f.message.contains("int.gone@acme.example"))
            .filter(|f| !f.location.path.ends_with("global.xml"))
            .collect();
        assert!(about.is_empty(), "{rule}: {about:?}");
    }
    // The admin that is active is still reported.
    assert!(has(&findings, "IG301", "int.legacy@acme.example"));
}

/// Users named only by the repository were not integration users when the
/// org was read: their Login History and tokens are not in the snapshot, and
/// a diagnostic says which rules did not check them and how to include them.
/// A username the org does not have at all is named as such.
#[test]
fn users_named_only_by_the_repository_are_said_to_lack_org_activity() {
    let sim = start(300, 20);
    let snapshot = read(&sim).unwrap();
    let read_for = snapshot.activity_user_ids.clone().expect("recorded");
    let stale = snapshot
        .users
        .iter()
        .find(|u| u.username == "int.stale@acme.example")
        .unwrap();
    assert!(read_for.contains(&stale.id));
    let apps = [
        ("people-sapi", "user7@acme.example"),
        ("etl-sapi", "int.stale@acme.example"),
        ("ghost-sapi", "int.ghost@acme.example.uat"),
    ];
    let check = |snapshot: &OrgSnapshot| {
        let (inventory, _repo) = joined(snapshot, &apps);
        let unread: Vec<&str> = inventory
            .diagnostics
            .iter()
            .filter(|d| d.code == "org-activity-not-read")
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(unread.len(), 1, "{unread:?}");
        let m = unread[0];
        assert!(
            m.contains("user7@acme.example (used by people-sapi)"),
            "{m}"
        );
        assert!(!m.contains("int.stale"), "{m}");
        assert!(m.contains("IG101") && m.contains("IG303"), "{m}");
        assert!(m.contains("[[identities]]"), "{m}");
        let ghost: Vec<&str> = inventory
            .diagnostics
            .iter()
            .filter(|d| d.code == "org-unknown-user")
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(ghost.len(), 1, "{ghost:?}");
        assert!(
            ghost[0].contains("int.ghost@acme.example.uat (used by ghost-sapi) is not a user of org 00DSIM000000001AAA (127.0.0.1): wrong org or a sandbox username?"),
            "{}",
            ghost[0]
        );
    };
    check(&snapshot);
    // An older snapshot without the list: the org's own integration users
    // stand for it.
    let mut older = snapshot.clone();
    older.activity_user_ids = None;
    check(&older);
    // A user the auditing config named was read: nothing to say.
    let mut named = snapshot.clone();
    let user7 = named
        .users
        .iter()
        .find(|u| u.username == "user7@acme.example")
        .unwrap()
        .id
        .clone();
    named.activity_user_ids.as_mut().unwrap().push(user7);
    let (inventory, _repo) = joined(&named, &[("people-sapi", "user7@acme.example")]);
    assert!(!inventory
        .diagnostics
        .iter()
        .any(|d| d.code == "org-activity-not-read"));
}

/// Without the users no integration user is known: Login History and OAuth
/// tokens are not queried, and the "not checked" lists say so; a profile
/// judged by itself is not called its own user.
#[test]
fn unreadable_users_leave_logins_and_tokens_unqueried_and_say_so() {
    let sim = start(300, 20);
    sim.org.denied.lock().unwrap().insert("User".to_string());
    let snapshot = read(&sim).unwrap();
    let rules = |what: &str| -> Vec<String> {
        snapshot
            .not_read
            .iter()
            .find(|n| n.what == what)
            .unwrap_or_else(|| panic!("no not_read row for {what}: {:?}", snapshot.not_read))
            .rules
            .clone()
    };
    for rule in ["IG101", "IG202", "IG205", "IG206", "IG301", "IG303"] {
        assert!(rules("User").contains(&rule.to_string()), "{rule}");
    }
    assert!(rules("LoginHistory").contains(&"IG101".to_string()));
    assert!(rules("OauthToken").contains(&"IG303".to_string()));
    assert_eq!(rules("UserLogin"), ["IG306"]);
    let all = findings(&snapshot);
    let ig202: Vec<&String> = all
        .iter()
        .filter(|f| f.rule == "IG202")
        .map(|f| &f.message)
        .collect();
    assert!(!ig202.is_empty());
    assert!(
        ig202
            .iter()
            .all(|m| !m.contains("of integration user profile")),
        "{ig202:?}"
    );
}

/// `UserLogin` says which integration users are frozen: read for the
/// integration users in the activity call (no call more), kept in the
/// snapshot, and IG306 then says the dormant user is frozen and that the fix
/// is deactivating it, not freezing it. A snapshot written before
/// `user_logins` existed still loads, nobody frozen.
#[test]
fn frozen_users_are_read_from_user_login() {
    let mut data = sim::seed(300, 20);
    let dormant = sim::sfid(
        "005",
        900_000
            + sim::INTEGRATION_USERS
                .iter()
                .position(|u| u.username == "int.dormant@acme.example")
                .unwrap(),
    );
    for row in data.records.get_mut("UserLogin").unwrap() {
        if row["UserId"] == dormant.as_str() {
            row["IsFrozen"] = serde_json::Value::Bool(true);
        }
    }
    let sim = FakeOrg::new(data).start();
    let snapshot = read(&sim).unwrap();
    assert_eq!(sim.calls(), 7);
    assert!(snapshot.not_read.is_empty(), "{:?}", snapshot.not_read);
    assert_eq!(snapshot.user_logins.len(), sim::INTEGRATION_USERS.len());
    let frozen: Vec<&str> = snapshot
        .user_logins
        .iter()
        .filter(|l| l.is_frozen)
        .map(|l| l.user_id.as_str())
        .collect();
    assert_eq!(frozen, [dormant.as_str()]);

    let all = findings(&snapshot);
    let dormant_user: Vec<&Finding> = all
        .iter()
        .filter(|f| f.rule == "IG306" && f.message.starts_with("integration user int.dormant@"))
        .collect();
    assert_eq!(dormant_user.len(), 1, "{all:#?}");
    let f = dormant_user[0];
    assert_eq!(
        f.message,
        "integration user int.dormant@acme.example is frozen (it cannot log in, but is still active and keeps its permissions and credentials) and has not logged in for 200 days, and its OAuth tokens were last used 200 days ago"
    );
    assert!(f.fix.contains("is already frozen"), "{}", f.fix);
    assert!(f.fix.contains("deactivate it"), "{}", f.fix);
    assert!(!f.fix.contains("or freeze"), "{}", f.fix);
    assert!(
        f.related
            .iter()
            .any(|r| r.path.as_str().contains("/UserLogin/")),
        "{:?}",
        f.related
    );
    // The others are not frozen.
    assert!(!all.iter().any(|f| f.rule == "IG306"
        && f.message.contains("is frozen")
        && !f.message.contains("int.dormant@")));

    // An older snapshot, without `user_logins`: loads, nobody frozen.
    let mut json: serde_json::Value = serde_json::from_str(&snapshot.to_json()).unwrap();
    json.as_object_mut().unwrap().remove("user_logins");
    let old = OrgSnapshot::from_json(&json.to_string(), "old.json").unwrap();
    assert!(old.user_logins.is_empty());
    let all = findings(&old);
    assert!(
        has(
            &all,
            "IG306",
            "active integration user int.dormant@acme.example has not logged in for 200 days"
        ),
        "{all:#?}"
    );
    assert!(!all.iter().any(|f| f.message.contains("frozen")));
}

/// An auditing user without Manage Users cannot read `UserLogin`: the
/// snapshot says so (and which rule could not tell frozen users), nothing
/// else changes, and nobody is called frozen.
#[test]
fn unreadable_user_login_is_recorded_and_changes_nothing() {
    let sim = start(300, 20);
    let before = findings(&read(&sim).unwrap());
    sim.org
        .denied
        .lock()
        .unwrap()
        .insert("UserLogin".to_string());
    let snapshot = read(&sim).unwrap();
    let row = snapshot
        .not_read
        .iter()
        .find(|n| n.what == "UserLogin")
        .unwrap_or_else(|| panic!("{:?}", snapshot.not_read));
    assert_eq!(row.missing_permission.as_deref(), Some("Manage Users"));
    assert_eq!(row.rules, ["IG306"]);
    assert_eq!(snapshot.not_read.len(), 1, "{:?}", snapshot.not_read);
    assert!(snapshot.user_logins.is_empty());
    // The logins and tokens were still read.
    assert_eq!(snapshot.login_history.len(), 9);
    assert_eq!(snapshot.oauth_tokens.len(), 4);
    let key = |f: &Finding| (f.rule, f.message.clone());
    let after: Vec<_> = findings(&snapshot).iter().map(key).collect();
    let before: Vec<_> = before.iter().map(key).collect();
    assert_eq!(after, before);
    assert!(has(
        &findings(&snapshot),
        "IG306",
        "active integration user int.dormant@acme.example has not logged in for 200 days"
    ));
}

/// An app that logs in as a user the org shows frozen: a diagnostic says
/// its logins fail until the user is unfrozen, and the user's access is
/// still judged (System Administrator: IG301). An app running as a user
/// that is not frozen gets no such diagnostic.
#[test]
fn an_app_running_as_a_frozen_org_user_is_told_its_logins_fail() {
    let sim = start(300, 20);
    let mut snapshot = read(&sim).unwrap();
    let legacy = snapshot
        .users
        .iter()
        .find(|u| u.username == "int.legacy@acme.example")
        .unwrap()
        .id
        .clone();
    for l in &mut snapshot.user_logins {
        l.is_frozen = l.user_id == legacy;
    }
    let (inventory, _repo) = joined(
        &snapshot,
        &[
            ("legacy-sapi", "int.legacy@acme.example"),
            ("orders-sapi", "int.orders@acme.example"),
        ],
    );
    let frozen: Vec<&intguard_model::Diagnostic> = inventory
        .diagnostics
        .iter()
        .filter(|d| d.code == "org-frozen-user")
        .collect();
    assert_eq!(frozen.len(), 1, "{frozen:?}");
    let diag = frozen[0];
    assert!(
        diag.message.starts_with(
            "legacy-sapi logs in as int.legacy@acme.example, which is frozen in org 00DSIM000000001AAA"
        ) && diag.message.contains("its logins fail until an admin unfreezes it")
            && diag.message.contains("Its access is still judged"),
        "{}",
        diag.message
    );
    assert!(
        diag.path.ends_with("legacy-sapi/src/main/mule/global.xml"),
        "{}",
        diag.path
    );
    assert!(!diag.message.contains("orders-sapi"), "{}", diag.message);
    let id = inventory.identity("int.legacy@acme.example").unwrap();
    assert!(id.frozen_in_org.is_some() && id.inactive_in_org.is_none());
    let findings = run_rules(inventory, &ScanOptions::default())
        .findings
        .into_vec();
    assert!(has(&findings, "IG301", "int.legacy@acme.example"));
}

/// A client whose calls give up after `timeout`.
fn client_with_timeout(sim: &Running, timeout: Duration) -> OrgClient {
    let tls = TlsOptions {
        ca_file: Some(sim.pki.ca_file()),
        client_identity: None,
    };
    let http = HttpsClient::with_timeout(&tls, timeout).unwrap();
    let url = sim.url();
    let token = TokenResponse::new(sim.org.issue_token(), url.clone(), IDENTITY_URL);
    let org = sim.org.clone();
    let provider = move || {
        Ok(TokenResponse::new(
            org.issue_token(),
            url.clone(),
            IDENTITY_URL,
        ))
    };
    OrgClient::new(RestClient::new(http, token, provider)).with_retry(RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(1),
    })
}

/// A connection closed without an answer mid-read (the composite call
/// carrying the muting sets' and the ECA policies' queries) costs only the
/// queries of that call: each is named as not read with the transport
/// error, the rest is read, and the read is partial.
#[test]
fn a_connection_closed_mid_read_costs_only_that_call() {
    let sim = start(300, 20);
    sim.org.hang_ups.lock().unwrap().push((
        "FROM%20ExtlClntAppOauthPlcyCnfg".to_string(),
        sim::HangUp::Close,
    ));
    let snapshot = read(&sim).expect("the read goes on");
    let what: Vec<&str> = snapshot.not_read.iter().map(|n| n.what.as_str()).collect();
    assert_eq!(what, ["MutingPermissionSet", "ExtlClntAppOauthPlcyCnfg"]);
    for row in &snapshot.not_read {
        // Earlier calls were answered: the hang-up is not blamed on a
        // client certificate.
        assert!(
            row.reason
                .starts_with("the connection to Salesforce failed: ")
                && row.reason.contains("the server closed the connection")
                && !row.reason.contains("client certificate")
                && row
                    .reason
                    .contains(&format!("{}/services/data/v62.0/composite", sim.url())),
            "{row:?}"
        );
        assert_eq!(row.missing_permission, None, "{row:?}");
    }
    let partial = snapshot.partial.as_ref().expect("marked partial");
    assert_eq!(
        partial.not_read,
        ["MutingPermissionSet", "ExtlClntAppOauthPlcyCnfg"]
    );
    assert!(
        partial.reasons[0].starts_with("MutingPermissionSet: the connection to Salesforce failed"),
        "{partial:?}"
    );
    assert!(partial.next_steps[0].contains("network"), "{partial:?}");
    // The rest was read: users, logins, tokens, the Health Check.
    assert_eq!(snapshot.users.len(), 300);
    assert!(!snapshot.login_history.is_empty());
    assert!(!snapshot.oauth_tokens.is_empty());
    assert!(snapshot.health_check.is_some());

    let mut inventory = Inventory::default();
    intguard_org::apply(&snapshot, &mut inventory);
    let d = inventory
        .diagnostics
        .iter()
        .find(|d| d.code == "org-partial")
        .expect("org-partial");
    assert!(
        d.message
            .contains("MutingPermissionSet: the connection to Salesforce failed"),
        "{}",
        d.message
    );
}

/// A connection dropped once mid-read (a proxy closing it, a load balancer
/// restarting) is retried: the call is answered the second time and the read
/// is complete, one call more than without the drop.
#[test]
fn a_connection_dropped_once_mid_read_is_retried() {
    let clean = start(300, 20);
    read(&clean).expect("read");
    let sim = start(300, 20);
    sim.org.hang_ups_once.lock().unwrap().push((
        "FROM%20ExtlClntAppOauthPlcyCnfg".to_string(),
        sim::HangUp::Close,
    ));
    let snapshot = read(&sim).expect("the read goes on");
    assert!(snapshot.not_read.is_empty(), "{:?}", snapshot.not_read);
    assert!(snapshot.partial.is_none(), "{:?}", snapshot.partial);
    assert_eq!(sim.calls(), clean.calls() + 1);
}

/// A connection failing at every attempt is retried as often as the policy
/// says, then its queries are not read: the row says how many attempts.
#[test]
fn a_connection_failing_at_every_attempt_is_retried_then_not_read() {
    let clean = start(300, 20);
    read(&clean).expect("read");
    let sim = start(300, 20);
    sim.org.hang_ups.lock().unwrap().push((
        "FROM%20ExtlClntAppOauthPlcyCnfg".to_string(),
        sim::HangUp::Close,
    ));
    let snapshot = read(&sim).expect("the read goes on");
    let row = snapshot
        .not_read
        .iter()
        .find(|n| n.what == "ExtlClntAppOauthPlcyCnfg")
        .expect("not read");
    assert!(row.reason.ends_with("(4 attempts)"), "{row:?}");
    // The policy of `read`: 3 retries of the call, 3 calls more.
    assert_eq!(sim.calls(), clean.calls() + 3);
}

/// The Health Check's call stalling past the client's timeout: named as
/// not read with the timeout, the rest read, the read partial.
#[test]
fn a_read_timeout_mid_read_costs_only_that_call() {
    let sim = start(300, 20);
    sim.org.hang_ups.lock().unwrap().push((
        "tooling/query".to_string(),
        sim::HangUp::Stall(Duration::from_secs(3)),
    ));
    let client = client_with_timeout(&sim, Duration::from_secs(1));
    let snapshot =
        read_org(&client, &options(), &mut |_: &str, _: u64| {}).expect("the read goes on");
    assert_eq!(snapshot.not_read.len(), 1, "{:?}", snapshot.not_read);
    let row = &snapshot.not_read[0];
    assert_eq!(row.what, "SecurityHealthCheck (Tooling API)");
    assert!(
        row.reason
            .starts_with("the connection to Salesforce failed: ")
            && row.reason.contains("did not answer within 1 s"),
        "{row:?}"
    );
    assert_eq!(row.missing_permission, None);
    assert_eq!(row.rules, ["IG211"]);
    assert_eq!(
        snapshot.partial.as_ref().expect("partial").not_read,
        ["SecurityHealthCheck (Tooling API)"]
    );
    assert_eq!(snapshot.users.len(), 300);
    assert!(!snapshot.login_history.is_empty());
}

/// The first call failing on the connection still stops at once: nothing
/// was read, there is nothing to audit.
#[test]
fn a_connection_closed_on_the_first_call_stops_the_read() {
    let sim = start(300, 20);
    sim.org
        .hang_ups
        .lock()
        .unwrap()
        .push(("/services/data/".to_string(), sim::HangUp::Close));
    match read(&sim) {
        Err(OrgError::Rest(salesforce_auth::RestError::Transport(_))) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(sim.calls(), 1);
}

/// As for the Health Check: a describe failing otherwise than on access
/// blamed "View Setup and Configuration" and left the audit complete.
#[test]
fn a_describe_failing_otherwise_than_on_access_blames_no_permission() {
    const WHAT: &str = "MutingPermissionSet permissions (describe)";
    let sim = start(300, 20);
    sim.org.outages.lock().unwrap().push((
        "sobjects/MutingPermissionSet/describe".to_string(),
        Fault::QueryTimeout,
    ));
    let snapshot = read(&sim).unwrap();
    let row = snapshot
        .not_read
        .iter()
        .find(|n| n.what == WHAT)
        .unwrap_or_else(|| panic!("{:?}", snapshot.not_read));
    assert!(row.reason.contains("QUERY_TIMEOUT"), "{row:?}");
    assert_eq!(row.missing_permission, None);
    let partial = snapshot.partial.as_ref().expect("marked partial");
    assert_eq!(partial.not_read, [WHAT]);
}

/// The Health Check's Tooling query failing with an error that is not about
/// access (a query timeout) names that error, blames no permission and
/// makes the read partial; denied, it names the permission and the read is
/// complete (the same on every run).
#[test]
fn a_health_check_failing_otherwise_than_on_access_blames_no_permission() {
    const WHAT: &str = "SecurityHealthCheck (Tooling API)";
    let sim = start(300, 20);
    sim.org
        .outages
        .lock()
        .unwrap()
        .push(("tooling/query".to_string(), Fault::QueryTimeout));
    let snapshot = read(&sim).unwrap();
    assert_eq!(snapshot.not_read.len(), 1, "{:?}", snapshot.not_read);
    let row = &snapshot.not_read[0];
    assert_eq!(row.what, WHAT);
    assert_eq!(
        row.reason,
        "QUERY_TIMEOUT: Your query request was running for too long."
    );
    assert_eq!(row.missing_permission, None);
    let partial = snapshot.partial.as_ref().expect("marked partial");
    assert_eq!(partial.not_read, [WHAT]);
    assert_eq!(
        partial.reasons,
        [format!(
            "{WHAT}: QUERY_TIMEOUT: Your query request was running for too long."
        )]
    );
    let mut inventory = Inventory::default();
    intguard_org::apply(&snapshot, &mut inventory);
    let warning = inventory
        .diagnostics
        .iter()
        .find(|d| d.code == "org-not-read")
        .expect("org-not-read");
    assert!(
        warning.message.contains("QUERY_TIMEOUT")
            && !warning.message.contains("needs")
            && !warning.message.contains("View Health Check"),
        "{}",
        warning.message
    );

    let sim = start(300, 20);
    sim.org
        .denied
        .lock()
        .unwrap()
        .insert("SecurityHealthCheck".to_string());
    let snapshot = read(&sim).unwrap();
    let row = &snapshot.not_read[0];
    assert_eq!(row.what, WHAT);
    assert!(row.reason.contains("INSUFFICIENT_ACCESS"), "{row:?}");
    assert_eq!(
        row.missing_permission.as_deref(),
        Some("View Setup and Configuration (View Health Check)")
    );
    assert_eq!(snapshot.partial, None);
}
