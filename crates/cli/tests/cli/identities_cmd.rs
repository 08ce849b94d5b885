//! `intguard identities`: the example monorepo (Mule apps joined with its
//! SFDX project), a generated monorepo with an `intguard.toml` mapping, JSON
//! output, `--only`, and usage errors.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn intguard() -> Command {
    Command::cargo_bin("intguard").unwrap()
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme-integrations")
}

/// The example monorepo: Mule apps and their SFDX project (`salesforce/`).
fn example_paths() -> Vec<String> {
    vec![example().to_string_lossy().into_owned()]
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// A Mule 4 app at `app` logging in as `user` with the JWT bearer flow and
/// running `queries`.
fn jwt_app(app: &Path, user: &str, queries: &[&str]) {
    write(app, "mule-artifact.json", "{}");
    let operations: String = queries
        .iter()
        .map(|q| {
            format!(
                "    <salesforce:query config-ref=\"SF\">\n      <salesforce:salesforce-query>{q}</salesforce:salesforce-query>\n    </salesforce:query>\n"
            )
        })
        .collect();
    write(
        app,
        "src/main/mule/global.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="SF">
    <salesforce:jwt-connection consumerKey="k" keyStore="k.jks" storePassword="${{secure::p}}" principal="{user}"/>
  </salesforce:sfdc-config>
  <flow name="f">
{operations}  </flow>
</mule>
"#
        ),
    );
}

fn json_of(args: &[&str]) -> Value {
    serde_json::from_str(&text_of(args)).unwrap()
}

/// The standard output of a successful run.
fn text_of(args: &[&str]) -> String {
    let out = intguard().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A test fixture tree of another crate, as an argument.
fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

fn identity<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["identities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no identity {name}"))
}

#[test]
fn example_text_joins_mule_apps_and_metadata() {
    intguard()
        .arg("identities")
        .args(example_paths())
        .args(["--only", "int.orders@acme.com"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\nint.orders@acme.com\n"))
        .stdout(predicate::str::contains(
            "orders-sapi `Salesforce_Config` in prod: password",
        ))
        .stdout(predicate::str::contains(
            "profile     Admin (System Administrator), license Salesforce, assigned in int-orders-user-def.json:6",
        ))
        .stdout(predicate::str::contains(
            "perm sets   Orders_Integration, assigned in int-orders-user-def.json:7\n",
        ))
        .stdout(predicate::str::contains(
            "critical ModifyAllData [super power] from profile System Administrator (Admin.profile-meta.xml:",
        ))
        .stdout(predicate::str::contains(
            "connected app Orders_SAPI via profile System Administrator [admin-approved]",
        ))
        .stdout(predicate::str::contains("<- excess: Delete, View All, Modify All"))
        .stdout(predicate::str::contains("int.invoices@acme.com").not());
}

/// `--only USERNAME` selects that user, not every username containing it
/// (`int.orders@acme.com.dev`, `.qa`); text that is no username still
/// selects by substring (review D7).
#[test]
fn only_prefers_an_exact_username() {
    let selected = |only: &str| -> Vec<String> {
        let mut args = vec!["identities".to_string()];
        args.extend(example_paths());
        args.extend(["--format", "json", "--only", only].map(str::to_string));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let v = json_of(&args);
        let mut names: Vec<String> = v["identities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    assert_eq!(selected("int.orders@acme.com"), ["int.orders@acme.com"]);
    assert_eq!(selected("INT.Orders@Acme.com"), ["int.orders@acme.com"]);
    assert_eq!(
        selected("int.orders@acme.com.dev"),
        ["int.orders@acme.com.dev"]
    );
    let partial = selected("int.orders");
    assert!(partial.len() >= 3, "{partial:?}");
    assert!(
        partial.iter().all(|n| n.starts_with("int.orders@acme.com")),
        "{partial:?}"
    );
}

/// Found by testing an estate: a user on System Administrator (Modify All
/// Data) showed `Lead  read, upsert  none` in its object table, as if it
/// could not reach Lead: Modify All Data opens every object whatever the
/// object permissions. The table says so, with where it is granted.
#[test]
fn modify_all_data_is_said_under_the_object_table() {
    let root = example().to_string_lossy().into_owned();
    let out = text_of(&["identities", &root, "--only", "int.orders@acme.com"]);
    assert!(
        out.contains("ModifyAllData gives it Read, Create, Edit, Delete, View All and Modify All on every object, whatever the object permissions above (from profile System Administrator"),
        "{out}"
    );
    let invoices = text_of(&["identities", &root, "--only", "int.invoices@acme.com"]);
    assert!(!invoices.contains("on every object"), "{invoices}");
}

/// Found by reading the example as a user: an app's username no file maps
/// to a profile showed `Account  read, upsert  none`, as if the user were
/// granted nothing on Account; its grants are unknown. The table says
/// `unknown`, and the JSON judges no excess (`null`). A user whose profile
/// is known and does not grant an object still shows `none`.
#[test]
fn grants_of_a_user_with_no_known_profile_are_unknown_not_none() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    jwt_app(
        &root.join("orders-sapi"),
        "int.orders@acme.com.dev",
        &["SELECT Id, Name FROM Account"],
    );
    let tree = root.to_string_lossy().into_owned();
    let out = text_of(&["identities", &tree]);
    let row = out
        .lines()
        .find(|l| l.trim_start().starts_with("Account"))
        .unwrap_or_else(|| panic!("no Account row:\n{out}"));
    assert!(
        row.trim_end().ends_with("unknown (profile unknown)"),
        "{out}"
    );
    assert!(!row.trim_end().ends_with("none"), "{out}");
    let v = json_of(&["identities", &tree, "--format", "json"]);
    let user = identity(&v, "int.orders@acme.com.dev");
    assert_eq!(user["objects"][0]["object"], "Account");
    assert_eq!(user["objects"][0]["excess"], Value::Null, "{user}");

    let example = example().to_string_lossy().into_owned();
    let known = text_of(&["identities", &example, "--only", "int.orders@acme.com"]);
    assert!(
        known
            .lines()
            .any(|l| l.trim_start().starts_with("OrderItem") && l.trim_end().ends_with("none")),
        "{known}"
    );
    assert!(!known.contains("profile unknown"), "{known}");
}

/// Found by reading the example as a user: each query reading through a
/// relationship intguard cannot resolve repeated the same long reason
/// ("custom __r, polymorphic What / Who, or a name intguard does not
/// know") without saying which relationship. Each line names its own, by
/// kind, and the JSON lists them (`relationships`).
#[test]
fn unknown_lines_name_the_relationships_they_read_through() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    jwt_app(
        &root.join("invoices-sapi"),
        "int.invoices@acme.com",
        &[
            "SELECT Id, Account__r.Name, Account__r.Partner_Id__c FROM Invoice__c",
            "SELECT Id, What.Name, (SELECT Id FROM Lines__r) FROM Task",
            "SELECT Id, Sponsor.Name FROM Contact",
        ],
    );
    let tree = root.to_string_lossy().into_owned();
    let out = text_of(&["identities", &tree]);
    let unknown: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("  unknown"))
        .take(3)
        .map(|l| l[14..].trim())
        .collect();
    assert_eq!(
        unknown,
        [
            "invoices-sapi read at global.xml:8: its query reads through the custom relationship Account__r, whose object is not known; it may read any object",
            "invoices-sapi read at global.xml:11: its query reads through the custom relationship Lines__r and the polymorphic What (no TYPEOF), whose objects are not known; it may read any object",
            "invoices-sapi read at global.xml:14: its query reads through Sponsor (a name intguard does not know), whose object is not known; it may read any object",
        ],
        "{out}"
    );
    let v = json_of(&["identities", &tree, "--format", "json"]);
    let uses = identity(&v, "int.invoices@acme.com")["unknown_uses"].clone();
    let names: Vec<Value> = uses
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["relationships"].clone())
        .collect();
    assert_eq!(
        names,
        [
            serde_json::json!(["Account__r"]),
            serde_json::json!(["Lines__r", "What"]),
            serde_json::json!(["Sponsor"]),
        ]
    );
}

#[test]
fn example_json() {
    let mut args = vec!["identities".to_string()];
    args.extend(example_paths());
    args.extend(["--format".to_string(), "json".to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let v = json_of(&args);
    assert_eq!(v["summary"]["metadata_projects"], 1);
    let orders = identity(&v, "int.orders@acme.com");
    let apps: Vec<&str> = orders["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["app"].as_str().unwrap())
        .collect();
    assert_eq!(apps, ["customers-papi", "orders-sapi"]);
    assert_eq!(orders["profile"]["name"], "Admin");
    let dangerous: Vec<(&str, &str)> = orders["dangerous"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["name"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert!(dangerous.contains(&("ModifyAllData", "critical")));
    assert!(dangerous.contains(&("DataExport", "high")));

    let invoices = identity(&v, "int.invoices@acme.com");
    assert_eq!(invoices["profile"]["name"], "Acme Integration (API Only)");
    assert_eq!(invoices["license"], "Salesforce Integration");
    assert_eq!(
        invoices["permission_set_groups"][0]["name"],
        "Invoices_Integration"
    );
    // DataExport is muted in the group; ExportReport is not.
    assert_eq!(invoices["muted_permissions"][0]["name"], "DataExport");
    assert!(invoices["effective_permissions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["name"] != "DataExport"));
    let pre = &invoices["pre_authorized_by"][0];
    assert_eq!(pre["app"], "Invoices_Portal");
    assert_eq!(pre["kind"], "external-client-app");
    assert_eq!(pre["certificate"], true);
    let case = invoices["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["object"] == "Case")
        .unwrap();
    assert_eq!(case["used"], serde_json::json!(["create"]));
    assert_eq!(case["excess"]["delete"], true);
    assert_eq!(case["excess"]["create"], false);
}

/// A generated monorepo: two Mule apps, a Metadata API package, a mapping in
/// intguard.toml for the user no user definition describes.
#[test]
fn monorepo_with_config_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (app, user) in [
        ("billing", "int.billing@acme.com"),
        ("crm", "int.crm@acme.com"),
    ] {
        jwt_app(
            &root.join("apps").join(app),
            user,
            &["SELECT Id, (SELECT Id FROM Contacts) FROM Account"],
        );
    }
    write(
        root,
        "org/src/package.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Package xmlns="http://soap.sforce.com/2006/04/metadata"><version>60.0</version></Package>
"#,
    );
    write(
        root,
        "org/src/profiles/Billing%20Integration.profile",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Profile xmlns="http://soap.sforce.com/2006/04/metadata">
    <objectPermissions>
        <allowRead>true</allowRead>
        <allowEdit>true</allowEdit>
        <object>Account</object>
        <viewAllRecords>true</viewAllRecords>
    </objectPermissions>
    <userLicense>Salesforce Integration</userLicense>
    <userPermissions>
        <enabled>true</enabled>
        <name>ApiUserOnly</name>
    </userPermissions>
</Profile>
"#,
    );
    write(
        root,
        "intguard.toml",
        r#"
[[identities]]
username = "int.billing@acme.com"
system = "Billing"
apps = ["billing"]
profile = "Billing Integration"
permission-sets = ["Billing_Extra"]
"#,
    );
    let v = json_of(&["identities", root.to_str().unwrap(), "--format", "json"]);
    let names: Vec<&str> = v["identities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["int.billing@acme.com", "int.crm@acme.com"]);
    let billing = identity(&v, "int.billing@acme.com");
    assert_eq!(billing["system"], "Billing");
    assert_eq!(billing["profile"]["source"], "config");
    assert_eq!(billing["profile"]["name"], "Billing Integration");
    // Where the config assigns them: its lines.
    let at = |a: &Value| (file_name(&a["path"]), a["line"].as_u64().unwrap());
    assert_eq!(
        at(&billing["profile"]["assigned_at"]),
        ("intguard.toml".to_string(), 6)
    );
    assert_eq!(billing["permission_sets"][0]["name"], "Billing_Extra");
    assert_eq!(
        at(&billing["permission_sets"][0]["assigned_at"]),
        ("intguard.toml".to_string(), 7)
    );
    let reasons: Vec<&str> = billing["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "mule-connection",
            "config",
            "integration-license",
            "api-only"
        ]
    );
    assert_eq!(billing["apps"][0]["auth"], "certificate");
    let account = billing["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["object"] == "Account")
        .unwrap();
    assert_eq!(account["excess"]["edit"], true);
    assert_eq!(account["excess"]["view_all"], true);
    let contact = billing["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["object"] == "Contact")
        .unwrap();
    assert_eq!(contact["inferred"], true);

    let crm = identity(&v, "int.crm@acme.com");
    assert!(crm["profile"].is_null());

    let text = text_of(&[
        "identities",
        root.to_str().unwrap(),
        "--only",
        "int.billing",
    ]);
    assert!(text.contains("assigned in intguard.toml:6\n"), "{text}");
    assert!(
        text.contains("  perm sets   Billing_Extra, assigned in intguard.toml:7\n"),
        "{text}"
    );

    intguard()
        .args(["identities", root.to_str().unwrap(), "--only", "CRM"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 integration identity"))
        .stdout(predicate::str::contains("profile     unknown"));
}

/// A profile intguard.toml assigns: a scan keeps its findings where they
/// were (at the Mule connection here: fingerprints hash the path, so
/// baselines keep them) and cites the config's line as related.
#[test]
fn a_config_assignment_is_cited_not_the_finding_place() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    jwt_app(
        &root.join("sync"),
        "int.sync@acme.com",
        &["SELECT Id FROM Contact"],
    );
    write(
        root,
        "intguard.toml",
        "[[identities]]\nusername = \"int.sync@acme.com\"\nprofile = \"System Administrator\"\n",
    );
    let report = json_of(&[
        "scan",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "none",
    ]);
    let admin = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "IG301")
        .unwrap_or_else(|| panic!("no IG301: {report:#}"));
    assert_eq!(file_name(&admin["path"]), "global.xml", "{admin:#}");
    let related: Vec<(String, u64)> = admin["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (file_name(&r["path"]), r["line"].as_u64().unwrap()))
        .collect();
    assert!(
        related.contains(&("intguard.toml".to_string(), 3)),
        "{admin:#}"
    );
}

/// The apps (app, environment) of each identity, by name.
fn identity_apps(v: &Value) -> Vec<(String, Vec<(String, String)>)> {
    v["identities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let apps = i["apps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| {
                    let env = a["environment"].as_str().unwrap_or_default();
                    (a["app"].as_str().unwrap().to_string(), env.to_string())
                })
                .collect();
            (i["name"].as_str().unwrap().to_string(), apps)
        })
        .collect()
}

/// A Mule 3 app at `app` logging in with `<sfdc:config>` as
/// `${sfdc.username}`, its properties loaded by `<secure-property-placeholder>`
/// from `location`, with the files `files` (relative to the app).
fn mule3_app(app: &Path, location: &str, files: &[(&str, &str)]) {
    write(
        app,
        "mule-project.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule-project xmlns="http://www.mulesoft.com/tooling/project" runtimeId="org.mule.tooling.server.3.9.4.ee" schemaVersion="4.0">
    <name>legacy-sync</name>
</mule-project>
"#,
    );
    write(
        app,
        "src/main/app/global.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:sfdc="http://www.mulesoft.org/schema/mule/sfdc"
      xmlns:secure-property-placeholder="http://www.mulesoft.org/schema/mule/secure-property-placeholder">
    <secure-property-placeholder:config name="Secure_Property_Placeholder" key="${{mule.key}}" location="{location}" encryptionAlgorithm="AES" encryptionMode="CBC"/>
    <sfdc:config name="Salesforce" username="${{sfdc.username}}" password="${{sfdc.password}}" securityToken="${{sfdc.token}}"/>
</mule>
"#
        ),
    );
    for (rel, text) in files {
        write(app, rel, text);
    }
}

/// Usernames kept encrypted (`![...]`, the key set at deploy time) name
/// nobody: not the Mule 4 app's, encrypted with random IVs (one user, a
/// ciphertext per environment), nor the Mule 3 app's in prod.
#[test]
fn encrypted_usernames_are_no_identities() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let orders = root.join("orders-sapi");
    write(&orders, "mule-artifact.json", "{}");
    write(
        &orders,
        "src/main/mule/global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce"
      xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <configuration-properties file="config-${env}.yaml"/>
  <secure-properties:config name="sp" file="secure-${env}.yaml" key="${mule.key}">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
  </secure-properties:config>
  <salesforce:sfdc-config name="sf">
    <salesforce:basic-connection username="${secure::sfdc.username}" password="${secure::sfdc.password}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    for (env, user) in [
        (
            "dev",
            "xdetprQ75NVez06c3TvWScPy7mmZ1YuCl9SIM/aDgRpE9v+aVcnJBpna7oQV3JdQ",
        ),
        (
            "prod",
            "o0ai1e10otYgfQS5zeobWTFwUzEKa+BWKTJD4I2R0VHWllQkpsUbZBL466Xm7jNd",
        ),
    ] {
        write(
            &orders,
            &format!("src/main/resources/config-{env}.yaml"),
            "http:\n  port: \"8081\"\n",
        );
        write(
            &orders,
            &format!("src/main/resources/secure-{env}.yaml"),
            &format!("sfdc:\n  username: \"![{user}]\"\n  password: \"![pPF6tzFc3a3sbSnhag1jvK4/7XWzvUbBTzLvNT0PubA=]\"\n"),
        );
    }
    mule3_app(
        &root.join("legacy-sync"),
        "mule.${env}.properties",
        &[
            (
                "src/main/resources/mule.dev.properties",
                "sfdc.username=int.legacy@acme.com.dev\nsfdc.password=![LgCGW62jBRBERlr1lB1r+w==]\n",
            ),
            (
                "src/main/resources/mule.prod.properties",
                "sfdc.username=![Q01q2+CgUpt2ulcsZ/B7bzPNeg25q+4/OIw3msOF2TM=]\nsfdc.password=![LgCGW62jBRBERlr1lB1r+w==]\n",
            ),
        ],
    );
    let v = json_of(&["identities", root.to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        identity_apps(&v),
        [(
            "int.legacy@acme.com.dev".to_string(),
            vec![("legacy-sync".to_string(), "dev".to_string())]
        )]
    );
    let out = intguard()
        .args(["identities", root.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("1 integration identity"), "{text}");
    assert!(!text.contains("!["), "{text}");
}

/// `${mule.env}` in a property value is the name of each environment its
/// import found (`config-${mule.env}.yaml`), over the global-property
/// default: a Salesforce sandbox username is user@domain.sandbox. Mule 3's
/// `${env}` (default in mule-app.properties) likewise.
#[test]
fn environment_name_in_property_values() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let orders = root.join("orders-sapi");
    write(&orders, "mule-artifact.json", "{}");
    write(
        &orders,
        "src/main/mule/global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="config-${mule.env}.yaml"/>
  <global-property name="mule.env" value="qa"/>
  <configuration-properties file="common.yaml"/>
  <salesforce:sfdc-config name="sf">
    <salesforce:jwt-connection consumerKey="k" keyStore="k.jks" storePassword="${secure::p}" principal="${sfdc.username}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    write(
        &orders,
        "src/main/resources/common.yaml",
        "sfdc:\n  username: \"integration@acme.com.${mule.env}\"\n",
    );
    for env in ["qa", "uat"] {
        write(
            &orders,
            &format!("src/main/resources/config-{env}.yaml"),
            "a: 1\n",
        );
    }
    mule3_app(
        &root.join("legacy-sync"),
        "mule.${env}.properties,common.properties",
        &[
            ("src/main/app/mule-app.properties", "env=dev\n"),
            (
                "src/main/resources/common.properties",
                "sfdc.username=int.legacy@acme.com.${env}\n",
            ),
            ("src/main/resources/mule.dev.properties", "http.port=8081\n"),
            ("src/main/resources/mule.uat.properties", "http.port=8081\n"),
        ],
    );
    let v = json_of(&["identities", root.to_str().unwrap(), "--format", "json"]);
    let owned = |name: &str, app: &str, env: &str| {
        (name.to_string(), vec![(app.to_string(), env.to_string())])
    };
    assert_eq!(
        identity_apps(&v),
        [
            owned("int.legacy@acme.com.dev", "legacy-sync", "dev"),
            owned("int.legacy@acme.com.uat", "legacy-sync", "uat"),
            owned("integration@acme.com.qa", "orders-sapi", "qa"),
            owned("integration@acme.com.uat", "orders-sapi", "uat"),
        ]
    );
    // The username's line is the one holding `${mule.env}`.
    let uat = identity(&v, "integration@acme.com.uat");
    let defined_at = &uat["apps"][0]["defined_at"];
    assert_eq!(
        file_name(&defined_at["path"]),
        "common.yaml",
        "{defined_at}"
    );
    assert_eq!(defined_at["line"], 2);
}

/// An import with two placeholders, `${app.name}-${mule.env}.yaml`: the
/// app's name is what a global-property (orders-api) or a file every
/// environment loads (billing-api) says, so `orders-api-dev.yaml` is dev,
/// not `api-dev`. Set at deploy time (shipping-api), the name is the longer
/// part: environments are plain words.
#[test]
fn app_name_and_environment_in_one_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (app, definition) in [
        (
            "orders-api",
            r#"<global-property name="app.name" value="orders-api"/>"#,
        ),
        (
            "billing-api",
            r#"<configuration-properties file="app.yaml"/>"#,
        ),
        ("shipping-api", ""),
    ] {
        let dir = root.join(app);
        write(&dir, "mule-artifact.json", "{}");
        write(
            &dir,
            "src/main/mule/global.xml",
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  {definition}
  <configuration-properties file="${{app.name}}-${{mule.env}}.yaml"/>
  <salesforce:sfdc-config name="sf">
    <salesforce:jwt-connection consumerKey="${{ck}}" keyStore="k.jks" storePassword="${{secure::sp}}" principal="${{sfdc.user}}"/>
  </salesforce:sfdc-config>
</mule>
"#
            ),
        );
        write(
            &dir,
            "src/main/resources/app.yaml",
            "app:\n  name: \"billing-api\"\n",
        );
        for env in ["dev", "prod"] {
            write(
                &dir,
                &format!("src/main/resources/{app}-{env}.yaml"),
                &format!("sfdc:\n  user: \"{app}.{env}@acme.com\"\n"),
            );
        }
    }
    let v = json_of(&["identities", root.to_str().unwrap(), "--format", "json"]);
    let owned = |app: &str, env: &str| {
        (
            format!("{app}.{env}@acme.com"),
            vec![(app.to_string(), env.to_string())],
        )
    };
    assert_eq!(
        identity_apps(&v),
        [
            owned("billing-api", "dev"),
            owned("billing-api", "prod"),
            owned("orders-api", "dev"),
            owned("orders-api", "prod"),
            owned("shipping-api", "dev"),
            owned("shipping-api", "prod"),
        ]
    );
}

/// Found by mutating the fixtures: a garbled query names an object of 70,000
/// characters; the text table pads to a bounded width instead of panicking.
#[test]
fn object_name_of_any_length() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let long = format!("Co{}", "x".repeat(70_000));
    jwt_app(
        &root.join("app"),
        "int.app@acme.com",
        &[&format!("SELECT Id FROM {long}"), "SELECT Id FROM Account"],
    );
    let out = intguard()
        .args(["identities", root.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("\n              {long}  read ")),
        "the long name's row is missing"
    );
    let account = text
        .lines()
        .find(|l| l.trim_start().starts_with("Account "))
        .expect("an Account row");
    // Padded to the bound (60), not to the long name.
    assert_eq!(account.find("read"), Some(14 + 60 + 2), "{account}");
}

#[test]
fn empty_folder_and_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    intguard()
        .args(["identities", dir.path().to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("No integration identity found"));
    intguard()
        .args(["identities", "/no/such/folder/anywhere"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file or folder"));
    intguard()
        .args([
            "identities",
            dir.path().to_str().unwrap(),
            "--format",
            "yaml",
        ])
        .assert()
        .code(2);
}

#[test]
fn operations_whose_objects_cannot_be_told() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let app = root.join("app");
    jwt_app(
        &app,
        "int.app@acme.com",
        &[
            "SELECT Id FROM Contact",
            r##"#["SELECT Id, Name FROM " ++ vars.objectName ++ " LIMIT 10"]"##,
            "SELECT Id FROM ${sfdc.object} FOR UPDATE",
            "SELECT Id, FROM WHERE",
        ],
    );
    // Object types: an expression, a quoted literal in an expression, and
    // a property with one value per environment.
    write(
        &app,
        "src/main/mule/writes.xml",
        r##"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="properties/${mule.env}.yaml"/>
  <flow name="w">
    <salesforce:create config-ref="SF" type="#[vars.sObjectType]"/>
    <salesforce:update config-ref="SF" type="#['Case']"/>
    <salesforce:upsert config-ref="SF" type="${sfdc.target}" externalIdFieldName="Ext__c"/>
  </flow>
</mule>
"##,
    );
    write(
        &app,
        "src/main/resources/properties/dev.yaml",
        "sfdc:\n  target: \"Lead\"\n",
    );
    write(
        &app,
        "src/main/resources/properties/prod.yaml",
        "sfdc:\n  target: \"Lead__c\"\n",
    );
    let v = json_of(&["identities", "--format", "json", root.to_str().unwrap()]);
    let id = identity(&v, "int.app@acme.com");
    let used: Vec<(&str, String)> = id["objects_used"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["object"].as_str().unwrap(), u["operations"].to_string()))
        .collect();
    assert_eq!(
        used,
        vec![
            ("Case", r#"["edit"]"#.to_string()),
            ("Contact", r#"["read"]"#.to_string()),
            ("Lead", r#"["upsert"]"#.to_string()),
            ("Lead__c", r#"["upsert"]"#.to_string()),
        ],
        "{id:#}"
    );
    let unknown: Vec<(String, &str, &str, u64)> = id["unknown_uses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                file_name(&u["location"]["path"]),
                u["operation"].as_str().unwrap(),
                u["reason"].as_str().unwrap(),
                u["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unknown,
        vec![
            ("global.xml".to_string(), "read", "expression-query", 11),
            ("global.xml".to_string(), "edit", "expression-query", 14),
            ("global.xml".to_string(), "read", "unread-query", 17),
            ("writes.xml".to_string(), "create", "expression-type", 6),
        ],
        "{id:#}"
    );

    let out = intguard()
        .args(["identities", root.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "  unknown     app read at global.xml:11: its query is built by an expression; it may read any object"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "              app create at writes.xml:6: its object type is an expression or an undefined property; it may read, create any object"
        ),
        "{text}"
    );

    // `scan` warns at the query it cannot read, not at the expressions:
    // when there are object permissions to compare uses with (IG304). A
    // scan of Mule apps alone has none, and no such warning.
    let unread = || -> Vec<(String, u64, String)> {
        let report = json_of(&[
            "scan",
            root.to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "none",
        ]);
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "soql-unread")
            .map(|d| {
                (
                    file_name(&d["path"]),
                    d["line"].as_u64().unwrap(),
                    d["level"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(unread(), vec![]);
    write(
        root,
        "force-app/main/default/profiles/Integration.profile-meta.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n  <objectPermissions>\n    <allowRead>true</allowRead>\n    <object>Contact</object>\n  </objectPermissions>\n</Profile>\n",
    );
    assert_eq!(
        unread(),
        vec![("global.xml".to_string(), 17, "warning".to_string())]
    );
}

/// A custom relationship's name is its lookup field's (`Account__r` may lead
/// to Account): the object it reads is not guessed as `Account__c` but kept
/// as a read of an unknown object, so that IG304 neither names objects the
/// app does not use nor calls the real target's Read unused.
#[test]
fn custom_relationships_lead_to_unknown_objects() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    jwt_app(
        &root.join("app"),
        "int.app@acme.com",
        &[
            "SELECT Id, Account__r.Name, Owner.Name, (SELECT Id FROM Invoice_Lines__r), (SELECT Id FROM Contacts) FROM Invoice__c",
        ],
    );
    let v = json_of(&["identities", "--format", "json", root.to_str().unwrap()]);
    let id = identity(&v, "int.app@acme.com");
    let used: Vec<&str> = id["objects_used"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["object"].as_str().unwrap())
        .collect();
    // Standard relationships keep their objects (Owner -> User, Contacts ->
    // Contact); Account__c and Invoice_Line__c are not claimed.
    assert_eq!(used, ["Contact", "Invoice__c", "User"], "{id:#}");
    let unknown: Vec<(&str, &str)> = id["unknown_uses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["operation"].as_str().unwrap(),
                u["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(unknown, [("read", "relationship-target")], "{id:#}");
}

/// `<salesforce:delete>` takes record ids: the objects it deletes are known
/// only at run time. It is listed as an unknown use (not dropped), so the
/// Delete access it may need is not called excess; an operation touching
/// no records (the server's time) is not listed.
#[test]
fn a_delete_by_id_is_an_unknown_use() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let app = root.join("app");
    jwt_app(&app, "int.app@acme.com", &["SELECT Id FROM Invoice__c"]);
    write(
        &app,
        "src/main/mule/purge.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <flow name="purge">
    <salesforce:get-server-timestamp config-ref="SF"/>
    <salesforce:delete config-ref="SF"/>
  </flow>
</mule>
"#,
    );
    let v = json_of(&["identities", "--format", "json", root.to_str().unwrap()]);
    let id = identity(&v, "int.app@acme.com");
    let unknown: Vec<(String, &str, &str, u64)> = id["unknown_uses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                file_name(&u["location"]["path"]),
                u["operation"].as_str().unwrap(),
                u["reason"].as_str().unwrap(),
                u["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unknown,
        [("purge.xml".to_string(), "delete", "no-object", 6)],
        "{id:#}"
    );
    let text = text_of(&["identities", root.to_str().unwrap()]);
    assert!(
        text.contains(
            "  unknown     app delete at purge.xml:6: it names no object; it may read, edit, delete any object"
        ),
        "{text}"
    );
}

/// The last segment of a reported path (`a/b/global.xml` -> `global.xml`).
fn file_name(path: &serde_json::Value) -> String {
    let path = path.as_str().expect("a path");
    path.rsplit('/').next().unwrap_or(path).to_string()
}

/// `--output FILE` gets what standard output would, in both formats (the
/// JSON document is written as it is serialized: it must still be whole and
/// end with a newline); a file that cannot be created is a usage error.
#[test]
fn output_file_holds_what_stdout_gets() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["text", "json"] {
        let mut args = vec!["identities".to_string()];
        args.extend(example_paths());
        args.extend(["--format".to_string(), format.to_string()]);
        let stdout = intguard().args(&args).output().unwrap();
        assert!(stdout.status.success());
        let file = dir.path().join(format!("ids.{format}"));
        intguard()
            .args(&args)
            .arg("--output")
            .arg(&file)
            .assert()
            .success()
            .stdout("");
        let written = fs::read(&file).unwrap();
        assert_eq!(written, stdout.stdout, "{format}");
        assert!(written.ends_with(b"\n"), "{format}");
        if format == "json" {
            let v: Value = serde_json::from_slice(&written).unwrap();
            assert_eq!(v["summary"]["identities"], 10);
            assert_eq!(v["identities"].as_array().unwrap().len(), 10);
        }
    }
    let mut args = vec!["identities".to_string()];
    args.extend(example_paths());
    intguard()
        .args(&args)
        .args(["--format", "json", "--output"])
        .arg(dir.path().join("missing/ids.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "folder {} does not exist",
            dir.path().join("missing").display()
        )));
}

/// `--only` that selects none of the identities found says so, not that
/// the repository has none.
#[test]
fn only_that_selects_nothing_says_what_was_found() {
    let mut args = example_paths();
    args.extend(["--only".to_string(), "nobody".to_string()]);
    intguard()
        .arg("identities")
        .args(&args)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "No integration identity's username or name is or contains \"nobody\"; 10 found",
        ))
        .stdout(predicate::str::contains("No integration identity found").not());
    let empty = tempfile::tempdir().unwrap();
    intguard()
        .arg("identities")
        .arg(empty.path())
        .args(["--only", "nobody"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No integration identity found"));
}

/// Apps deployed in a Mule domain and using its shared Salesforce
/// connection are listed as its user's apps, at their operations, with the
/// objects they use; the header counts domains apart from apps.
#[test]
fn apps_on_a_domains_connection_are_its_users_apps() {
    let tree = fixture("rules/tests/fixtures/IG303/domain");
    const DEV_USER: &str = "int.runtime@acme.com.dev";
    let text = text_of(&["identities", &tree, "--only", DEV_USER]);
    assert!(
        text.starts_with(
            "intguard identities: 1 integration identity (4 Mule apps, 2 Mule domains, 0 metadata projects,"
        ),
        "{text}"
    );
    for line in [
        "Mule app orders-sapi (dev) logs in as it through domain acme-domain (`Shared_Salesforce`)",
        "orders-sapi `Shared_Salesforce` of domain acme-domain in dev: certificate (JWT/SAML bearer) (orders.xml:13)",
        "customers-sapi `Shared_Salesforce` of domain acme-domain in dev: certificate (JWT/SAML bearer) (customers.xml:13)",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    // The objects of both apps' operations on the domain's connection.
    let objects = text.split("objects").nth(1).unwrap_or_default();
    assert!(
        objects.contains("Account") && objects.contains("Order"),
        "{text}"
    );
    assert!(
        !text.contains("acme-domain `Shared_Salesforce` in dev"),
        "{text}"
    );

    // JSON: each use names the domain; the summary counts domains apart.
    let v = json_of(&["identities", &tree, "--only", DEV_USER, "--format", "json"]);
    assert_eq!(v["summary"]["apps"], 4);
    assert_eq!(v["summary"]["domains"], 2);
    let uses: Vec<(&str, &str)> = v["identities"][0]["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["app"].as_str().unwrap(), u["domain"].as_str().unwrap()))
        .collect();
    assert_eq!(
        uses,
        [
            ("customers-sapi", "acme-domain"),
            ("orders-sapi", "acme-domain")
        ]
    );
}

/// Apps on a connection of a domain that is not among the paths read are
/// listed as running as an unknown user, in text and in JSON; an app that
/// names no domain is not, whatever its config-refs.
#[test]
fn apps_on_a_domain_not_read_have_unknown_users() {
    let members = fixture("readers/tests/fixtures/domain-members");
    let text = text_of(&["identities", &members]);
    let unknown = text
        .split("\nUnknown users: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no unknown users in\n{text}"));
    assert_eq!(
        unknown.lines().skip(1).collect::<Vec<_>>(),
        [
            "  legacy-app `Legacy_Salesforce` of domain legacy-domain (legacy-app.xml:8)",
            "  orders-app `Shared_Salesforce` of domain acme-domain (orders.xml:14)",
        ]
    );
    let v = json_of(&["identities", &members, "--format", "json"]);
    let unread: Vec<(&str, &str, &str, u64)> = v["unread_domain_uses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["app"].as_str().unwrap(),
                u["domain"].as_str().unwrap(),
                u["config_name"].as_str().unwrap(),
                u["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unread,
        [
            ("legacy-app", "legacy-domain", "Legacy_Salesforce", 8),
            ("orders-app", "acme-domain", "Shared_Salesforce", 14)
        ]
    );
    // With the domain read, nothing is unknown.
    let domain = fixture("rules/tests/fixtures/IG303/domain");
    let text = text_of(&["identities", &domain]);
    assert!(!text.contains("Unknown users"), "{text}");
}

/// One `objectPermissions` entry of a profile: `flags` holds R, C, E, D.
fn object_permission(object: &str, flags: &str) -> String {
    let on = |c: char| flags.contains(c);
    format!(
        "    <objectPermissions>\n        <allowCreate>{}</allowCreate>\n        <allowDelete>{}</allowDelete>\n        <allowEdit>{}</allowEdit>\n        <allowRead>{}</allowRead>\n        <modifyAllRecords>false</modifyAllRecords>\n        <object>{object}</object>\n        <viewAllRecords>false</viewAllRecords>\n    </objectPermissions>\n",
        on('C'),
        on('D'),
        on('E'),
        on('R')
    )
}

/// An SFDX project whose user definition gives `user` profile `Int Profile`
/// with `objects` (name, flags as for [`object_permission`]).
fn int_profile_project(root: &Path, user: &str, objects: &[(&str, &str)]) {
    write(
        root,
        "salesforce/sfdx-project.json",
        r#"{"packageDirectories":[{"path":"force-app","default":true}],"name":"x","sourceApiVersion":"62.0"}"#,
    );
    write(
        root,
        "salesforce/config/int-user-def.json",
        &format!(
            "{{\n  \"Username\": \"{user}\",\n  \"LastName\": \"Int\",\n  \"Email\": \"int@acme.example\",\n  \"Alias\": \"int\",\n  \"profileName\": \"Int Profile\",\n  \"permsets\": []\n}}\n"
        ),
    );
    let permissions: String = objects
        .iter()
        .map(|(o, f)| object_permission(o, f))
        .collect();
    write(
        root,
        "salesforce/force-app/main/default/profiles/Int Profile.profile-meta.xml",
        &format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <custom>true</custom>\n{permissions}    <userLicense>Salesforce Integration</userLicense>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEnabled</name>\n    </userPermissions>\n</Profile>\n"
        ),
    );
}

/// The `excess` of each object row of `user`, as Setup's labels.
fn excess_of(root: &Path, user: &str) -> Vec<(String, String)> {
    let v = json_of(&["identities", "--format", "json", root.to_str().unwrap()]);
    let id = identity(&v, user);
    id["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let e = &o["excess"];
            let labels: Vec<&str> = [
                ("read", "Read"),
                ("create", "Create"),
                ("edit", "Edit"),
                ("delete", "Delete"),
            ]
            .iter()
            .filter(|(k, _)| e[*k] == true)
            .map(|(_, l)| *l)
            .collect();
            (o["object"].as_str().unwrap().to_string(), labels.join(", "))
        })
        .collect()
}

/// Reading through a relationship (`Account.Name` from Contact, a child
/// sub-query on Contacts) only reads: Create, Edit and Delete on those
/// objects are excess. A delete (a bulk job's, or a merge's, which deletes
/// the merged records) needs the Edit and Read Salesforce requires for
/// Delete; publishing a platform event creates a record of its event
/// object.
#[test]
fn used_versus_granted_follows_what_salesforce_requires() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let user = "int.app@acme.com";
    let app = root.join("app");
    jwt_app(
        &app,
        user,
        &[
            "SELECT Id, Account.Name FROM Contact",
            "SELECT Id, (SELECT LastName FROM Contacts) FROM Case",
        ],
    );
    write(
        &app,
        "src/main/mule/changes.xml",
        r##"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <flow name="changes">
    <salesforce:create-job-bulk-api-v2 config-ref="SF" objectType="Lead" operation="delete"/>
    <salesforce:merge config-ref="SF" type="Opportunity" masterRecord="#[payload]" recordToMergeIds="#[vars.ids]"/>
    <salesforce:publish-platform-event-message config-ref="SF" platformEventName="Order_Event__e">
      <salesforce:platform-event-messages>#[[{a: 1}]]</salesforce:platform-event-messages>
    </salesforce:publish-platform-event-message>
  </flow>
</mule>
"##,
    );
    int_profile_project(
        root,
        user,
        &[
            ("Account", "RCED"),
            ("Case", "R"),
            ("Contact", "RCED"),
            ("Lead", "RCED"),
            ("Opportunity", "RED"),
            ("Order_Event__e", "RC"),
        ],
    );
    let excess = excess_of(root, user);
    let want: Vec<(String, String)> = [
        ("Account", "Create, Edit, Delete"),
        ("Case", ""),
        ("Contact", "Create, Edit, Delete"),
        ("Lead", "Create"),
        ("Opportunity", ""),
        ("Order_Event__e", ""),
    ]
    .iter()
    .map(|(o, e)| (o.to_string(), e.to_string()))
    .collect();
    assert_eq!(excess, want);
}

/// Standard relationship names lead to their objects (`BillToContact` to
/// Contact, `OriginalOrder` to Order, `ParentAsset` to Asset), never to an
/// object named like the relationship; polymorphic `Who` and `What` lead to
/// unknown objects, so Read on Account or Lead is not called unused.
#[test]
fn standard_relationship_names_are_no_objects() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let user = "int.app@acme.com";
    jwt_app(
        &root.join("app"),
        user,
        &[
            "SELECT Id, BillToContact.Email, OriginalOrder.OrderNumber FROM Order",
            "SELECT Id, CustomerSigned.Email, CompanySigned.Name, ActivatedBy.Name FROM Contract",
            "SELECT Id, ParentAsset.Name, RootAsset.Name FROM Asset",
        ],
    );
    int_profile_project(
        root,
        user,
        &[
            ("Asset", "R"),
            ("Contact", "R"),
            ("Contract", "R"),
            ("Order", "R"),
            ("User", "R"),
        ],
    );
    let excess = excess_of(root, user);
    let objects: Vec<&str> = excess.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(objects, ["Asset", "Contact", "Contract", "Order", "User"]);
    assert!(excess.iter().all(|(_, e)| e.is_empty()), "{excess:?}");

    // Who and What: any object.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    jwt_app(
        &root.join("app"),
        user,
        &["SELECT Id, Who.Name, What.Name FROM Task"],
    );
    int_profile_project(
        root,
        user,
        &[("Account", "RC"), ("Lead", "R"), ("Task", "R")],
    );
    let excess = excess_of(root, user);
    let want: Vec<(String, String)> = [("Account", "Create"), ("Lead", ""), ("Task", "")]
        .iter()
        .map(|(o, e)| (o.to_string(), e.to_string()))
        .collect();
    assert_eq!(excess, want);
    let v = json_of(&["identities", "--format", "json", root.to_str().unwrap()]);
    let reasons: Vec<&str> = identity(&v, user)["unknown_uses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["relationship-target"]);
}

/// Excess is marked as IG304 judges it: not for a user whose apps use no
/// known object (an app with a connection and no operations intguard sees
/// may work through what it does not read), where `scan` reports none.
#[test]
fn no_excess_is_marked_without_a_known_use() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let user = "int.app@acme.com";
    jwt_app(&root.join("app"), user, &[]);
    int_profile_project(root, user, &[("Account", "RCED")]);
    let v = json_of(&["identities", "--format", "json", root.to_str().unwrap()]);
    let objects = identity(&v, user)["objects"].as_array().unwrap().clone();
    assert_eq!(objects.len(), 1);
    assert!(objects[0]["excess"].is_null(), "{objects:#?}");
    let text = text_of(&["identities", root.to_str().unwrap()]);
    assert!(!text.contains("<- excess"), "{text}");
    let out = intguard()
        .args(["scan", "--format", "json", root.to_str().unwrap()])
        .output()
        .unwrap();
    let scan: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !scan["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "IG304"),
        "{scan:#}"
    );
}

/// Mule 4 gives an app its domain's configuration properties as a fallback:
/// apps whose own connections read `${sfdc.shared.username}`, defined only
/// in their domain's per-environment files, run as the domain's users
/// (before, as nobody), and IG303 sees them share it.
#[test]
fn an_app_reads_what_its_domain_defines() {
    let tree = fixture("rules/tests/fixtures/IG303/domain-properties");
    const DEV_USER: &str = "int.shared@acme.com.dev";
    let text = text_of(&["identities", &tree, "--only", DEV_USER]);
    for line in [
        "Mule app billing-sapi (dev) logs in as it (`Own_Salesforce`)",
        "Mule app orders-sapi (dev) logs in as it (`Own_Salesforce`)",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    let v = json_of(&["identities", &tree, "--only", DEV_USER, "--format", "json"]);
    let apps = v["identities"][0]["apps"].as_array().unwrap();
    let orders = apps.iter().find(|a| a["app"] == "orders-sapi").unwrap();
    assert!(
        orders["defined_at"]["path"]
            .as_str()
            .unwrap()
            .ends_with("acme-domain/src/main/resources/domain-dev.yaml"),
        "{orders}"
    );
    let scan = json_of(&["scan", &tree, "--format", "json", "--fail-on", "none"]);
    let shared: Vec<&Value> = scan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "IG303" && f["identity"] == DEV_USER)
        .collect();
    assert_eq!(shared.len(), 1, "{scan}");
    let message = shared[0]["message"].as_str().unwrap();
    assert!(
        message.contains("billing-sapi") && message.contains("orders-sapi"),
        "{message}"
    );
}

/// Found by testing as a user would: `identities -o FILE` replaced its own
/// inputs (the org snapshot, the config it found, the Mule file it was given,
/// a file of the folder it read) with its report, and exited 0. As `scan`,
/// it refuses (exit 2) and leaves them as they were; its own earlier report
/// it replaces.
#[test]
fn output_never_replaces_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    jwt_app(&root.join("app"), "int.app@acme.com", &[]);
    write(
        root,
        "intguard.toml",
        "[[identities]]\nusername = \"int.app@acme.com\"\nprofile = \"Integration\"\n",
    );
    write(
        root,
        "org.json",
        r#"{"format":"intguard-org-snapshot","version":1,
 "org":{"org_id":"00D5g000004ABCDEAA","instance_url":"https://acme.my.salesforce.com","api_version":"62.0","read_at":"2026-12-01T10:00:00Z","since":"2026-11-01T10:00:00Z","api_calls":7},
 "users":[],"permission_sets":[],"permission_set_groups":[],"group_components":[],"assignments":[],"object_permissions":[],
 "setup_entity_access":[],"connected_apps":[],"external_client_apps":[],"login_ip_ranges":[],"login_history":[],"oauth_tokens":[],
 "health_check":null,"not_read":[]}
"#,
    );
    write(root, "docs/notes.md", "Integration notes\n");
    let xml = "app/src/main/mule/global.xml";
    let cases: [(&[&str], &str, &str); 4] = [
        (
            &[".", "--org-snapshot", "org.json"],
            "org.json",
            "the org snapshot",
        ),
        (&["."], "intguard.toml", "the config"),
        (&[xml], xml, "a file it reads"),
        (&["."], "docs/notes.md", "a file in the folders it reads"),
    ];
    for (args, output, said) in cases {
        let before = fs::read(root.join(output)).unwrap();
        let out = intguard()
            .current_dir(root)
            .arg("identities")
            .args(args)
            .args(["-o", output])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{output}: {stderr}");
        assert!(stderr.contains(said), "{output}: {stderr}");
        assert_eq!(fs::read(root.join(output)).unwrap(), before, "{output}");
    }
    // Its own report, in either format, is replaced run after run.
    for format in ["text", "json", "text"] {
        intguard()
            .current_dir(root)
            .args(["identities", ".", "-f", format, "-o", "identities.txt"])
            .assert()
            .success();
    }
    assert!(fs::read_to_string(root.join("identities.txt"))
        .unwrap()
        .starts_with("intguard identities: 1 integration identity"));
}

/// Found by testing as a user would: with the file holding the Salesforce
/// connection truncated, `identities` said "No integration identity found"
/// and showed no diagnostic (the JSON only counted it). Both formats now
/// list the inputs' problems as `scan` does.
#[test]
fn diagnostics_are_listed_in_both_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    jwt_app(&app, "int.app@acme.com", &[]);
    let xml = app.join("src/main/mule/global.xml");
    let text = fs::read_to_string(&xml).unwrap();
    // Cut inside the connection element, on its line.
    let cut = text.find("principal").unwrap();
    fs::write(&xml, &text[..cut]).unwrap();
    let root = tmp.path().to_string_lossy().into_owned();

    let out = text_of(&["identities", &root]);
    assert!(out.contains("No integration identity found"), "{out}");
    assert!(out.contains("(1 diagnostic below)"), "{out}");
    let listed = out
        .split("\ndiagnostics\n")
        .nth(1)
        .expect("a diagnostics block");
    assert!(
        listed.contains("error[xml-syntax] ") && listed.contains("src/main/mule/global.xml:5:"),
        "{out}"
    );

    let json = json_of(&["identities", &root, "--format", "json"]);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{json}");
    let d = &diagnostics[0];
    assert_eq!(d["level"], "error");
    assert_eq!(d["code"], "xml-syntax");
    assert!(d["path"]
        .as_str()
        .unwrap()
        .ends_with("src/main/mule/global.xml"));
    assert_eq!(d["line"], 5);
    assert!(d["column"].as_u64().is_some() && d["message"].as_str().is_some());
    assert_eq!(json["summary"]["diagnostics"], 1);
}

/// A config profile for a user whose user definition names another is not
/// used: a `config-overridden` warning at the config's line says which
/// wins, in `scan` and `identities` alike; one that agrees says nothing.
#[test]
fn a_config_profile_a_user_definition_overrides_is_a_warning() {
    use crate::support::{copy_example, diagnostics, scan_json};
    let (_tmp, ex) = copy_example("");
    let toml = "[[identities]]\nusername = \"int.orders@acme.com\"\nprofile = \"Minimum Access - API Only Integrations\"\n\n[[identities]]\nusername = \"int.invoices@acme.com\"\nprofile = \"Acme Integration (API Only)\"\n";
    write(&ex, "intguard.toml", toml);
    let (_, report) = scan_json(&ex, &["--fail-on", "none"]);
    let warnings: Vec<(String, u64, String)> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "config-overridden")
        .map(|d| {
            (
                d["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let (file, line, message) = &warnings[0];
    assert_eq!((file.as_str(), *line), ("intguard.toml", 3));
    assert!(
        message.starts_with("int.orders@acme.com: profile `Minimum Access - API Only Integrations` is not used: its user definition (")
            && message.contains("int-orders-user-def.json:6) assigns `System Administrator`"),
        "{message}"
    );
    let text = text_of(&[
        "identities",
        ex.to_str().unwrap(),
        "--only",
        "int.orders@acme.com",
    ]);
    assert!(
        text.contains("[config-overridden]") || text.contains("config-overridden"),
        "{text}"
    );
}

/// A metadata-only SFDX project: the user a user definition creates has
/// object permissions but no Mule app among the paths, so what it uses is
/// not known. The table showed a `used` column of `-` for every object, as
/// if it used none of them; it has no such column and says why.
#[test]
fn a_metadata_only_user_has_no_used_column() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "sfdx-project.json",
        r#"{"packageDirectories":[{"path":"force-app","default":true}]}"#,
    );
    write(
        root,
        "force-app/main/default/profiles/Invoice%20API.profile-meta.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <custom>true</custom>\n    <objectPermissions>\n        <allowCreate>true</allowCreate>\n        <allowDelete>false</allowDelete>\n        <allowEdit>true</allowEdit>\n        <allowRead>true</allowRead>\n        <modifyAllRecords>false</modifyAllRecords>\n        <object>Invoice__c</object>\n        <viewAllRecords>false</viewAllRecords>\n    </objectPermissions>\n    <userLicense>Salesforce Integration</userLicense>\n</Profile>\n",
    );
    write(
        root,
        "config/int-invoice-user-def.json",
        "{\n  \"Username\": \"int.invoice@acme.example\",\n  \"LastName\": \"Invoice\",\n  \"profileName\": \"Invoice API\"\n}\n",
    );
    let tree = root.to_string_lossy().into_owned();
    let out = text_of(&["identities", &tree]);
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    assert!(lines.contains(&"objects     object      granted"), "{out}");
    assert!(lines.contains(&"Invoice__c  Read, Create, Edit"), "{out}");
    assert!(
        lines.contains(&"what it uses is not known: no Mule app among the paths logs in as it"),
        "{out}"
    );
    assert!(!out.contains("used"), "{out}");
}
