//! Which definition of a login setting Mule reads when several files define
//! it, and the `property-shadowed` warning at an environment's definition
//! that an earlier file makes dead (found by exploratory testing: a
//! `common.yaml` declared before `${mule.env}.yaml` keeps the prod file's
//! username from ever being read, so the findings name the common user).

use std::path::Path;

use crate::support::*;

/// An app logging in as `#[p('sf.user')]`, its property files declared in
/// `order`, with `common.yaml` giving the QA user and `prod.yaml` its own.
fn app(root: &Path, name: &str, order: &[&str]) {
    let app = mule4_app(root, name, &["sf.password"]);
    let imports: String = order
        .iter()
        .map(|f| format!("  <configuration-properties file=\"properties/{f}\"/>\n"))
        .collect();
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r##"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
{imports}  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:basic-connection username="#[p('sf.user')]" password="${{sf.password}}" url="${{sf.url}}"/>
  </salesforce:sfdc-config>
</mule>
"##
        ),
    );
    write(
        &app,
        "src/main/resources/properties/common.yaml",
        "sf:\n  user: \"svc.integration@acme.com.qa\"\n  url: \"https://test.salesforce.com/services/Soap/u/60.0\"\n  password: \"${SF_PASSWORD}\"\n",
    );
    write(
        &app,
        "src/main/resources/properties/prod.yaml",
        "sf:\n  user: \"svc.orders@acme.com\"\n  url: \"https://login.salesforce.com/services/Soap/u/60.0\"\n",
    );
    write(
        &app,
        "src/main/resources/properties/qa.yaml",
        "sf:\n  user: \"svc.integration@acme.com.qa\"\n",
    );
}

#[test]
fn an_environments_login_settings_after_a_common_file_are_warned() {
    let tmp = tempfile::tempdir().unwrap();
    app(
        tmp.path(),
        "common-first",
        &["common.yaml", "${mule.env}.yaml"],
    );
    app(
        tmp.path(),
        "env-first",
        &["${mule.env}.yaml", "common.yaml"],
    );
    let (run, report) = scan_json(tmp.path(), &["--fail-on", "none"]);
    run.expect_code(0);
    let shadowed: Vec<(String, u64, String)> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "property-shadowed")
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let root = format!("{}/", tmp.path().display());
    let places: Vec<(&str, u64)> = shadowed
        .iter()
        .map(|(p, l, _)| (p.strip_prefix(&root).unwrap_or(p), *l))
        .collect();
    // The common-first app's prod username and URL; nothing of the app
    // whose environment's file comes first, nor of qa (the same value).
    assert_eq!(
        places,
        [
            ("common-first/src/main/resources/properties/prod.yaml", 2),
            ("common-first/src/main/resources/properties/prod.yaml", 3),
        ],
        "{report}"
    );
    assert!(
        shadowed[0].2.starts_with(
            "common-first: `sf.user` = \"svc.orders@acme.com\" in prod.yaml is never read in prod: common.yaml:2 defines it as \"svc.integration@acme.com.qa\""
        ) && shadowed[0]
            .2
            .contains("so `Salesforce_Config` logs in as svc.integration@acme.com.qa there"),
        "{}",
        shadowed[0].2
    );
    // The findings say the same: in prod the common-first app logs in as
    // the QA user, the env-first one as its own.
    let identity_in = |app: &str| {
        findings(&report)
            .iter()
            .find(|f| f["rule"] == "IG101" && f["path"].as_str().unwrap().contains(app))
            .and_then(|f| f["identity"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        identity_in("/common-first/"),
        "svc.integration@acme.com.qa",
        "{report}"
    );
    assert_eq!(
        identity_in("/env-first/"),
        "svc.orders@acme.com (prod), svc.integration@acme.com.qa (qa)",
        "{report}"
    );
}

/// The environment's file loaded by a `<secure-properties:config>` as well
/// (one file for plain and encrypted values): `${sf.user}`-style references
/// read it through the plain import, after `common.yaml` all the same.
#[test]
fn a_file_the_secure_configuration_loads_too_is_warned_alike() {
    let tmp = tempfile::tempdir().unwrap();
    app(
        tmp.path(),
        "both-loaders",
        &["common.yaml", "${mule.env}.yaml"],
    );
    write(
        &tmp.path().join("both-loaders"),
        "src/main/mule/global.xml",
        r##"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce"
      xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <configuration-properties file="properties/common.yaml"/>
  <configuration-properties file="properties/${mule.env}.yaml"/>
  <secure-properties:config name="SP" file="properties/${mule.env}.yaml" key="${secure.key}"/>
  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:basic-connection username="#[p('sf.user')]" password="${secure::sf.password}" url="${sf.url}"/>
  </salesforce:sfdc-config>
</mule>
"##,
    );
    let (run, report) = scan_json(tmp.path(), &["--fail-on", "none"]);
    run.expect_code(0);
    let root = format!("{}/", tmp.path().display());
    let places: Vec<(String, u64)> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "property-shadowed")
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            (
                path.strip_prefix(&root).unwrap_or(path).to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let prod = "both-loaders/src/main/resources/properties/prod.yaml".to_string();
    assert_eq!(places, [(prod.clone(), 2), (prod, 3)], "{report}");
}

/// Mule 3: Spring reads the last file of a placeholder's `location` list
/// first, so `common.properties` listed after `mule.${env}.properties` wins.
#[test]
fn a_mule3_location_list_ending_with_the_common_file_is_warned() {
    let tree = workspace().join("crates/readers/tests/fixtures/mule3-app");
    let (_, report) = scan_json(&tree, &["--fail-on", "none"]);
    let shadowed: Vec<(String, u64)> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "property-shadowed")
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            (
                path.rsplit('/').next().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shadowed,
        [
            ("mule.dev.properties".to_string(), 2),
            ("mule.prod.properties".to_string(), 1)
        ],
        "{report}"
    );
    let message = diagnostics(&report)
        .iter()
        .find(|d| d["code"] == "property-shadowed")
        .unwrap()["message"]
        .as_str()
        .unwrap();
    assert!(
        message
            .contains("list the environment's file after the other in the placeholder's location"),
        "{message}"
    );
}
