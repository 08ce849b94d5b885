//! Monorepo layouts a MuleSoft shop has: domain projects and the apps
//! deployed in them, Mule plugins, aggregator poms, linked app folders.

use crate::support;

use std::path::Path;

use serde_json::Value;
use support::*;

fn pom(artifact: &str, packaging: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>{artifact}</artifactId>
  <version>1.0.0</version>
  <packaging>{packaging}</packaging>
</project>
"#
    )
}

/// A Mule 3 domain project as Maven builds it: a pom with packaging
/// `mule-domain`, no `mule-artifact.json` (Mule 3 has none), its shared
/// Salesforce connection logging in with a password.
fn mule3_domain(root: &Path) -> std::path::PathBuf {
    let domain = root.join("legacy-domain");
    write(&domain, "pom.xml", pom("legacy-domain", "mule-domain"));
    write(
        &domain,
        "src/main/domain/mule-domain-config.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule-domain xmlns="http://www.mulesoft.org/schema/mule/domain"
    xmlns:context="http://www.springframework.org/schema/context"
    xmlns:sfdc="http://www.mulesoft.org/schema/mule/sfdc">
  <context:property-placeholder location="domain.${env}.properties"/>
  <sfdc:config name="Legacy_SF" username="${sfdc.username}" password="${sfdc.password}"/>
</mule-domain>
"#,
    );
    write(
        &domain,
        "src/main/resources/domain.prod.properties",
        "sfdc.username=legacy@acme.com\nsfdc.password=LegacyPass1!\n",
    );
    domain
}

fn rules_at(report: &Value, suffix: &str) -> Vec<String> {
    let mut rules: Vec<String> = findings(report)
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with(suffix))
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    rules.sort();
    rules
}

/// Found by monorepo testing: a file of a Mule 3 domain project (pom
/// packaging `mule-domain`, no `mule-artifact.json`) given alone, as a
/// pre-commit hook gives the changed files, was read outside any app: its
/// `sfdc:config` logging in with a password was not reported ("No
/// integration-credential problems found"), though `scan` of the domain
/// reports IG101 there. Widening now knows every project discovery reads as
/// an app.
#[test]
fn a_file_of_a_mule3_domain_is_read_with_its_domain() {
    let tmp = tempfile::tempdir().unwrap();
    let domain = mule3_domain(tmp.path());
    let config = domain.join("src/main/domain/mule-domain-config.xml");
    let (run, alone) = scan_json(&config, &[]);
    run.expect_no_panic();
    let (_, whole) = scan_json(&domain, &[]);
    let expected = rules_at(&whole, "mule-domain-config.xml");
    assert!(expected.contains(&"IG101".to_string()), "{whole}");
    assert_eq!(
        rules_at(&alone, "mule-domain-config.xml"),
        expected,
        "{alone}"
    );
    assert!(
        diagnostics(&alone)
            .iter()
            .any(|d| d["code"] == "app-context"
                && d["message"].as_str().unwrap().contains("legacy-domain")),
        "{alone}"
    );
}

/// The same for a Mule 3 app built with Maven (pom packaging `mule`, no
/// `mule-project.xml`): its property file given alone was read without the
/// app, so its finding named no connection and no Salesforce user.
#[test]
fn a_file_of_a_maven_mule3_app_is_read_with_its_app() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("legacy-sync");
    write(&app, "pom.xml", pom("legacy-sync", "mule"));
    write(
        &app,
        "src/main/app/sync.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:context="http://www.springframework.org/schema/context"
    xmlns:sfdc="http://www.mulesoft.org/schema/mule/sfdc">
  <context:property-placeholder location="mule.${env}.properties"/>
  <sfdc:config name="Sync_SF" username="${sfdc.username}" password="${sfdc.password}"/>
</mule>
"#,
    );
    let props = write(
        &app,
        "src/main/resources/mule.prod.properties",
        "sfdc.username=sync@acme.com\nsfdc.password=SyncPass1!\n",
    );
    let (run, alone) = scan_json(&props, &[]);
    run.expect_no_panic().expect_code(1);
    let ig102: Vec<&Value> = findings(&alone)
        .iter()
        .filter(|f| f["rule"] == "IG102")
        .collect();
    assert_eq!(ig102.len(), 1, "{alone}");
    assert!(
        ig102[0]["message"]
            .as_str()
            .unwrap()
            .contains("sync@acme.com"),
        "the finding names the user its connection logs in as: {alone}"
    );
    assert!(
        diagnostics(&alone)
            .iter()
            .any(|d| d["code"] == "app-context"),
        "{alone}"
    );
}

/// Found by monorepo testing: a Mule plugin that shares configurations
/// (pom packaging `mule-plugin`, its XML in `src/main/mule/`, imported by
/// the apps with `<import file=...>`) was read as files outside any app:
/// the literal password of its Salesforce connection went unreported and
/// the scan said "No integration-credential problems found". Its
/// configurations are read as an app's now, under its artifactId.
#[test]
fn a_mule_plugin_sharing_configurations_is_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let plugin = tmp.path().join("plugins/common-lib");
    write(&plugin, "pom.xml", pom("common-lib", "mule-plugin"));
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="Lib_SF">
    <salesforce:basic-connection username="lib.user@acme.com" password="LibPass123!"/>
  </salesforce:sfdc-config>
</mule>
"#;
    write(&plugin, "src/main/mule/common.xml", xml);
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic().expect_code(1);
    let rules = rules_at(&report, "plugins/common-lib/src/main/mule/common.xml");
    assert!(rules.contains(&"IG101".to_string()), "{report}");
    assert!(rules.contains(&"IG102".to_string()), "{report}");
    let ig101 = findings(&report)
        .iter()
        .find(|f| f["rule"] == "IG101")
        .unwrap();
    let message = ig101["message"].as_str().unwrap();
    assert!(
        message.contains("common-lib") && message.contains("lib.user@acme.com"),
        "{message}"
    );
    // No app imports it: no importer is named.
    assert!(!message.contains("importing it"), "{message}");
    assert_eq!(report["summary"]["apps"], 1, "{report}");
    // A file of it given alone is read with it.
    let (_, alone) = scan_json(&plugin.join("src/main/mule/common.xml"), &[]);
    assert_eq!(
        rules_at(&alone, "common.xml"),
        rules,
        "a file given alone: {alone}"
    );
}

/// A Mule 4 app whose connection logs in as `user`, its password in clear
/// in `config.yaml`.
fn app_with_user(root: &Path, name: &str, user: &str) -> std::path::PathBuf {
    let app = mule4_app(root, name, &[]);
    write(
        &app,
        "src/main/mule/global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="config.yaml"/>
  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:basic-connection username="${sf.username}" password="${sf.password}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    write(
        &app,
        "src/main/resources/config.yaml",
        format!("sf:\n  username: \"{user}\"\n  password: \"Qw8rTy2uIo5p\"\n"),
    );
    app
}

/// Found by monorepo testing: with `--follow`, a link to an app folder
/// inside the folders scanned (`current -> orders-sapi`, a deploy folder
/// pointing at an app) read the app twice, at its folder and at the link:
/// every finding was reported twice and IG303 said the app shared its
/// user with itself ("used by 2 apps"). A linked folder whose files are
/// read anyway, at its target, in the same app (or in no app at all), is
/// not read again at the link.
#[cfg(unix)]
#[test]
fn follow_does_not_read_an_app_linked_inside_the_scan_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app_with_user(tmp.path(), "orders-sapi", "int.orders@acme.com");
    std::os::unix::fs::symlink(&app, tmp.path().join("current")).unwrap();
    // A folder linked inside the same app adds nothing either.
    std::os::unix::fs::symlink(
        app.join("src/main/resources"),
        app.join("src/main/resources-current"),
    )
    .unwrap();
    let (_, plain) = scan_json(tmp.path(), &["--fail-on", "none"]);
    let (run, followed) = scan_json(tmp.path(), &["--follow", "--fail-on", "none"]);
    run.expect_no_panic().expect_code(0);
    assert_eq!(
        finding_keys(&followed, tmp.path()),
        finding_keys(&plain, tmp.path()),
        "{followed:#}"
    );
    assert!(
        !rules_of(&followed).contains(&"IG303".to_string()),
        "{followed:#}"
    );
    assert_eq!(followed["summary"]["apps"], 1, "{followed:#}");
}

/// Found by monorepo testing: a file given alone that is not read (`[paths]
/// ignore` keeps its project out, or it lies in a build folder, `target/`)
/// got an `ignored-path` warning saying so and an `app-context` warning
/// saying "the whole app was read for its connections, properties and keys;
/// findings are reported for the path given only", though nothing of the
/// domain had been read ("0 files"). Only the first is said now.
#[test]
fn a_path_given_but_not_read_gets_no_app_context_note() {
    let tmp = tempfile::tempdir().unwrap();
    let domain = mule3_domain(tmp.path());
    let config = write(
        tmp.path(),
        "intguard.toml",
        "[paths]\nignore = [\"legacy-domain/**\"]\n",
    );
    let props = domain.join("src/main/resources/domain.prod.properties");
    let app = app_with_user(tmp.path(), "orders-sapi", "int.orders@acme.com");
    let built = write(
        &app,
        "target/classes/config.yaml",
        "sf:\n  username: \"int.orders@acme.com\"\n  password: \"Qw8rTy2uIo5p\"\n",
    );
    for (path, extra) in [
        (&props, vec!["--config", config.to_str().unwrap()]),
        (&built, vec![]),
    ] {
        let (run, report) = scan_json(path, &extra);
        run.expect_no_panic().expect_code(0);
        let said = |code: &str| {
            diagnostics(&report)
                .iter()
                .filter(|d| d["code"] == code)
                .map(|d| d["path"].as_str().unwrap().to_string())
                .collect::<Vec<String>>()
        };
        assert!(said("app-context").is_empty(), "{report:#}");
        assert!(
            said("ignored-path").contains(&path.to_string_lossy().into_owned()),
            "{report:#}"
        );
        assert!(findings(&report).is_empty(), "{report:#}");
    }
}

/// Found by monorepo testing: a Mule 4 domain project without a
/// `mule-artifact.json` (its `mule-domain-config.xml` in `src/main/mule/`,
/// rooted at `<domain:mule-domain>`) was taken for a Mule 3 domain: its fixes
/// said to add a Mule 3 `<secure-property-placeholder:config>`, and an app
/// deployed in it that reads its username from the domain's properties was
/// not counted by IG303 (Mule 3's property sharing is not modelled). A
/// domain whose configurations are in `src/main/mule/` is Mule 4's.
#[test]
fn a_mule4_domain_without_mule_artifact_json_is_mule4s() {
    let tmp = tempfile::tempdir().unwrap();
    let domain = tmp.path().join("acme-domain");
    write(&domain, "pom.xml", pom("acme-domain", "mule-domain"));
    write(
        &domain,
        "src/main/mule/mule-domain-config.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<domain:mule-domain xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:domain="http://www.mulesoft.org/schema/mule/ee/domain"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="domain.yaml"/>
  <salesforce:sfdc-config name="Shared_SF">
    <salesforce:basic-connection username="${sf.username}" password="${sf.password}"/>
  </salesforce:sfdc-config>
</domain:mule-domain>
"#,
    );
    write(
        &domain,
        "src/main/resources/domain.yaml",
        "sf:\n  username: \"int.shared@acme.com\"\n  password: \"Zx9cVb3nMq7w\"\n",
    );
    // An app deployed in the domain, with a connection of its own whose
    // username only the domain defines.
    let app = mule4_app(tmp.path(), "inv-sapi", &["inv.password"]);
    write(
        &app,
        "pom.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>inv-sapi</artifactId>
  <version>1.0.0</version>
  <packaging>mule-application</packaging>
  <dependencies>
    <dependency>
      <groupId>com.acme</groupId>
      <artifactId>acme-domain</artifactId>
      <version>1.0.0</version>
      <classifier>mule-domain</classifier>
      <scope>provided</scope>
    </dependency>
  </dependencies>
</project>
"#,
    );
    write(
        &app,
        "src/main/mule/inv.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="Inv_SF">
    <salesforce:jwt-connection consumerKey="ck" keyStore="k.jks" storePassword="${secure::sp}" principal="${sf.username}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    app_with_user(tmp.path(), "orders-sapi", "int.shared@acme.com");
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic().expect_code(1);
    let shared: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG303")
        .collect();
    assert_eq!(shared.len(), 1, "{report:#}");
    assert!(
        shared[0]["message"].as_str().unwrap().contains("inv-sapi"),
        "the app reading its username from the domain shares it: {report:#}"
    );
    let domain_secret = findings(&report)
        .iter()
        .find(|f| f["rule"] == "IG102" && f["path"].as_str().unwrap().ends_with("domain.yaml"))
        .expect("the domain's clear password");
    let fix = domain_secret["fix"].as_str().unwrap();
    assert!(
        fix.contains("secure-properties:config") && !fix.contains("secure-property-placeholder"),
        "{fix}"
    );
}

/// Found by monorepo testing: `scan apps/orders-sapi` (a CI job per app) of
/// an app whose Salesforce operations run on its domain's connection said
/// "No integration-credential problems found" and nothing else, though the
/// domain, not read, logs in with a password as a user other apps share
/// (`intguard identities` listed the app under "Unknown users"). A
/// `domain-unread` warning now says so at the app's operation.
#[test]
fn an_app_on_an_unread_domain_connection_is_said() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "orders-sapi", &[]);
    write(
        &app,
        "pom.xml",
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
      <artifactId>acme-domain</artifactId>
      <version>1.0.0</version>
      <classifier>mule-domain</classifier>
      <scope>provided</scope>
    </dependency>
  </dependencies>
</project>
"#,
    );
    let flow = r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <flow name="get-orders">
    <salesforce:query config-ref="Shared_SF">
      <salesforce:salesforce-query>SELECT Id FROM Order</salesforce:salesforce-query>
    </salesforce:query>
    <salesforce:create config-ref="Shared_SF" type="Task"/>
  </flow>
</mule>
"#;
    write(&app, "src/main/mule/orders.xml", flow);
    let (run, report) = scan_json(&app, &[]);
    run.expect_no_panic().expect_code(0);
    let unread: Vec<&Value> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "domain-unread")
        .collect();
    assert_eq!(unread.len(), 1, "one per app: {report:#}");
    let d = unread[0];
    assert!(d["path"]
        .as_str()
        .unwrap()
        .ends_with("orders-sapi/src/main/mule/orders.xml"));
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(5), Some(5)),
        "{d}"
    );
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("orders-sapi")
            && message.contains("`Shared_SF`")
            && message.contains("acme-domain"),
        "{message}"
    );
    // With the domain read, nothing to say.
    let domain = tmp.path().join("acme-domain");
    write(&domain, "pom.xml", pom("acme-domain", "mule-domain"));
    write(
        &domain,
        "mule-artifact.json",
        "{\"minMuleVersion\": \"4.4.0\"}\n",
    );
    let (_, both) = scan_json(tmp.path(), &[]);
    assert!(
        !diagnostics(&both)
            .iter()
            .any(|d| d["code"] == "domain-unread"),
        "{both:#}"
    );
    // `intguard identities` has its own section for it.
    let listed = support::run(["identities".as_ref(), app.as_os_str()]);
    assert!(listed.stdout.contains("Unknown users"), "{}", listed.stdout);
    assert!(
        !listed.stdout.contains("domain-unread"),
        "{}",
        listed.stdout
    );
}

/// Found by monorepo testing: apps whose parent pom (an aggregator, `<parent>`
/// found at `../pom.xml`) declares the domain dependency for all of them
/// (Maven children inherit a parent's `<dependencies>`) were not known to be
/// deployed in the domain: two apps on the domain's password-authenticated
/// connection were not reported as sharing its user (IG303). The domain
/// dependency is now looked for up the `<parent>` chain found on disk.
#[test]
fn a_domain_dependency_inherited_from_the_parent_pom_links_the_apps() {
    let tmp = tempfile::tempdir().unwrap();
    let domain = tmp.path().join("acme-domain");
    write(&domain, "pom.xml", pom("acme-domain", "mule-domain"));
    write(
        &domain,
        "mule-artifact.json",
        "{\"minMuleVersion\": \"4.4.0\"}\n",
    );
    write(
        &domain,
        "src/main/mule/mule-domain-config.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<domain:mule-domain xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:domain="http://www.mulesoft.org/schema/mule/ee/domain"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="Shared_SF">
    <salesforce:basic-connection username="int.shared@acme.com" password="${secure::sf.password}"/>
  </salesforce:sfdc-config>
</domain:mule-domain>
"#,
    );
    write(
        tmp.path(),
        "apps/pom.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>apps-parent</artifactId>
  <version>1.0.0</version>
  <packaging>pom</packaging>
  <modules>
    <module>orders-sapi</module>
    <module>billing-sapi</module>
  </modules>
  <dependencies>
    <dependency>
      <groupId>com.acme</groupId>
      <artifactId>acme-domain</artifactId>
      <version>1.0.0</version>
      <classifier>mule-domain</classifier>
      <scope>provided</scope>
    </dependency>
  </dependencies>
</project>
"#,
    );
    for (name, op) in [
        (
            "orders-sapi",
            "<salesforce:create config-ref=\"Shared_SF\" type=\"Order\"/>",
        ),
        (
            "billing-sapi",
            "<salesforce:create config-ref=\"Shared_SF\" type=\"Invoice__c\"/>",
        ),
    ] {
        let app = tmp.path().join("apps").join(name);
        write(
            &app,
            "pom.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>com.acme</groupId>
    <artifactId>apps-parent</artifactId>
    <version>1.0.0</version>
  </parent>
  <artifactId>{name}</artifactId>
  <packaging>mule-application</packaging>
</project>
"#
            ),
        );
        write(
            &app,
            "mule-artifact.json",
            "{\"minMuleVersion\": \"4.4.0\"}\n",
        );
        write(
            &app,
            "src/main/mule/flows.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <flow name="f">
    {op}
  </flow>
</mule>
"#
            ),
        );
    }
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic().expect_code(1);
    let shared: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG303")
        .collect();
    assert_eq!(shared.len(), 1, "{report:#}");
    let message = shared[0]["message"].as_str().unwrap();
    assert!(
        message.contains("billing-sapi") && message.contains("orders-sapi"),
        "{message}"
    );
    // An app scanned alone names the domain it is not given.
    let (_, alone) = scan_json(&tmp.path().join("apps/orders-sapi"), &[]);
    assert!(
        diagnostics(&alone)
            .iter()
            .any(|d| d["code"] == "domain-unread"),
        "{alone:#}"
    );
}

/// Found by monorepo testing: an app whose `src/main/resources` is a link
/// to a shared config folder elsewhere in the repository was scanned
/// without `--follow` as if it had no properties: its connection's user was
/// unknown, its clear password reported only as a file outside any app,
/// and nothing said why. A `symlink-folder` warning at the link now says it
/// was read at its target, not as the app's, and how to read it as the
/// app's. A link that adds nothing (in no app, or to a folder of the same
/// app) gets none.
#[cfg(unix)]
#[test]
fn a_folder_linked_into_an_app_from_inside_the_scan_is_said() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app_with_user(tmp.path(), "orders-sapi", "int.orders@acme.com");
    let resources = app.join("src/main/resources");
    std::fs::rename(&resources, tmp.path().join("shared-config")).unwrap();
    std::os::unix::fs::symlink("../../../shared-config", &resources).unwrap();
    std::os::unix::fs::symlink("orders-sapi", tmp.path().join("current")).unwrap();
    std::os::unix::fs::symlink("mule", app.join("src/main/mule-current")).unwrap();
    let (run, report) = scan_json(tmp.path(), &["--fail-on", "none"]);
    run.expect_no_panic().expect_code(0);
    let said: Vec<&Value> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "symlink-folder")
        .collect();
    assert_eq!(said.len(), 1, "{report:#}");
    assert!(
        said[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("orders-sapi/src/main/resources"),
        "{report:#}"
    );
    let message = said[0]["message"].as_str().unwrap();
    assert!(
        message.contains("shared-config") && message.contains("--follow"),
        "{message}"
    );
}

/// Found by monorepo testing: a Mule app kept in a folder named `target`
/// (the integration with the retailer Target, or a `source/`-`target/`
/// layout) was skipped whole as if it were Maven's build output: its clear
/// password went unreported. A `target` folder is skipped when it is a
/// build's output, not when it is a project itself (a descriptor and `src/`
/// at its top); the build output inside it is still skipped.
#[test]
fn an_app_in_a_folder_named_target_is_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app_with_user(tmp.path(), "target", "int.target@acme.com");
    // Its own build output, with a copy of the properties, is still skipped.
    write(
        &app,
        "target/classes/config.yaml",
        "sf:\n  username: \"int.target@acme.com\"\n  password: \"Qw8rTy2uIo5p\"\n",
    );
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic().expect_code(1);
    let clear: Vec<&str> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG102")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(clear.len(), 1, "{report:#}");
    assert!(
        clear[0].ends_with("target/src/main/resources/config.yaml"),
        "{report:#}"
    );
    // Named alone (a pre-commit hook), its file is read too.
    let (_, alone) = scan_json(&app.join("src/main/resources/config.yaml"), &[]);
    assert_eq!(rules_at(&alone, "config.yaml"), ["IG102"], "{alone:#}");
}

/// Found by monorepo testing: a git repository cloned inside a folder the
/// outer repository's `.gitignore` ignores (`vendor/partner-sync`, another
/// team's Mule app) was skipped with everything ignored, and nothing said
/// so: its clear password went unreported and the scan looked complete. An
/// `ignored-repository` warning at it says it was not scanned, why, and how
/// to scan it; scanned on its own, its findings are there. A nested
/// repository holding nothing intguard reads, an ignored folder holding no
/// repository and a repository `[paths] ignore` keeps out get none.
#[test]
fn a_repository_nested_in_an_ignored_folder_is_said() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("platform");
    app_with_user(&root, "orders-sapi", "int.orders@acme.com");
    write(
        &root,
        ".gitignore",
        "# local clones\nvendor/\n/third-party/*\nbuild/\n*.log\n",
    );
    git(&root, &["init", "-q"]);
    // Another team's app, its own repository, in the ignored `vendor/`.
    let vendored = app_with_user(&root.join("vendor"), "partner-sync", "int.partner@acme.com");
    git(&vendored, &["init", "-q"]);
    // A monorepo of apps in `third-party/*`, whose folders are ignored.
    let apps = root.join("third-party/billing-apps");
    app_with_user(&apps, "billing-sapi", "int.billing@acme.com");
    git(&apps, &["init", "-q"]);
    // A repository holding no Mule app nor Salesforce project, and an
    // ignored build folder without any repository: nothing to say.
    write(&root, "third-party/docs-site/README.md", "docs\n");
    git(&root.join("third-party/docs-site"), &["init", "-q"]);
    write(&root, "build/out/report.xml", "<r/>\n");

    let (run, report) = scan_json(&root, &["--fail-on", "none"]);
    run.expect_no_panic().expect_code(0);
    let said: Vec<(String, String)> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "ignored-repository")
        .map(|d| {
            assert_eq!(d["level"], "warning");
            (
                d["path"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(said.len(), 2, "{:#}", report["diagnostics"]);
    let (path, message) = &said[0];
    assert!(
        path.ends_with("platform/third-party/billing-apps"),
        "{path}"
    );
    assert!(message.contains("holding Mule apps"), "{message}");
    let (path, message) = &said[1];
    assert!(path.ends_with("platform/vendor/partner-sync"), "{path}");
    for part in [
        "a git repository of its own, holding a Mule app",
        "platform/.gitignore ignores: not scanned",
        "intguard scan ",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
    assert!(message.ends_with(path.as_str()), "{message}");
    // Its app's findings are not in this scan...
    assert!(
        findings(&report)
            .iter()
            .all(|f| !f["path"].as_str().unwrap().contains("vendor/")),
        "{report:#}"
    );
    // ...and scanned as the warning says, they are.
    let (_, alone) = scan_json(&vendored, &["--fail-on", "none"]);
    assert!(
        findings(&alone)
            .iter()
            .any(|f| f["rule"] == "IG102" && f["path"].as_str().unwrap().contains("partner-sync")),
        "{alone:#}"
    );

    // ...also given beside the outer folder, which does not walk it: then it
    // is walked on its own, once, and nothing is said of it.
    let run = run_cmd(intguard().current_dir(&root).args([
        "scan",
        ".",
        "vendor/partner-sync",
        "--format",
        "json",
        "--fail-on",
        "none",
    ]));
    run.expect_no_panic().expect_code(0);
    let both = run.json();
    let in_vendor: Vec<&Value> = findings(&both)
        .iter()
        .filter(|f| f["path"].as_str().unwrap().contains("partner-sync"))
        .collect();
    let alone_count = findings(&alone).len();
    assert_eq!(in_vendor.len(), alone_count, "{both:#}");
    let said: Vec<&str> = diagnostics(&both)
        .iter()
        .filter(|d| d["code"] == "ignored-repository")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(said, ["./third-party/billing-apps"], "{both:#}");

    // Kept out by the config on purpose: nothing said of it.
    write(
        &root,
        "intguard.toml",
        "[paths]\nignore = [\"vendor/**\"]\n",
    );
    let (_, report) = scan_json(&root, &["--fail-on", "none"]);
    let paths: Vec<&str> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "ignored-repository")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 1, "{paths:?}");
    assert!(paths[0].ends_with("third-party/billing-apps"), "{paths:?}");
}

/// The pom of a Mule 4 app depending on the Mule plugin `common-lib`.
fn pom_with_plugin(artifact: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>{artifact}</artifactId>
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
"#
    )
}

/// A Mule plugin sharing a Salesforce connection whose username each
/// importing app's properties set, its password in clear, in
/// `src/main/mule/common/common-global.xml`.
const PLUGIN_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="Common_SF">
    <salesforce:basic-connection username="${sfdc.username}" password="LibPass123!"/>
  </salesforce:sfdc-config>
</mule>
"#;

fn common_plugin(root: &Path) {
    let plugin = root.join("plugins/common-lib");
    write(&plugin, "pom.xml", pom("common-lib", "mule-plugin"));
    write(
        &plugin,
        "src/main/mule/common/common-global.xml",
        PLUGIN_XML,
    );
}

/// A Mule 4 app depending on `common-lib` and importing `file`, whose dev
/// properties set `sfdc.username` to `user`.
fn importing_app(root: &Path, name: &str, file: &str, user: &str) -> std::path::PathBuf {
    let app = mule4_app(root, name, &[]);
    write(&app, "pom.xml", pom_with_plugin(name));
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <import file="{file}"/>
  <configuration-properties file="properties/${{mule.env}}.yaml"/>
  <flow name="{name}-accounts">
    <salesforce:query config-ref="Common_SF">
      <salesforce:salesforce-query>SELECT Id FROM Account</salesforce:salesforce-query>
    </salesforce:query>
  </flow>
</mule>
"#
        ),
    );
    write(
        &app,
        "src/main/resources/properties/dev.yaml",
        format!("sfdc:\n  username: \"{user}\"\n"),
    );
    app
}

/// Apps that depend on a Mule plugin and `<import>` its configuration file
/// run on its Salesforce connection as the user their own properties name:
/// two apps naming the same user share it (IG303 at the plugin's
/// connection, naming both), `intguard identities` links both apps to it,
/// and the plugin's own findings are reported once.
#[test]
fn apps_importing_a_mule_plugin_connection_share_its_user() {
    let tmp = tempfile::tempdir().unwrap();
    common_plugin(tmp.path());
    importing_app(
        tmp.path(),
        "orders-sapi",
        "common/common-global.xml",
        "int.shared@acme.com",
    );
    importing_app(
        tmp.path(),
        "billing-sapi",
        "common/common-global.xml",
        "int.shared@acme.com",
    );
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic().expect_code(1);
    let shared: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG303")
        .collect();
    assert_eq!(shared.len(), 1, "{report:#}");
    let f = shared[0];
    assert!(
        f["path"]
            .as_str()
            .unwrap()
            .ends_with("plugins/common-lib/src/main/mule/common/common-global.xml"),
        "{f:#}"
    );
    assert_eq!(f["line"], 5, "{f:#}");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("int.shared@acme.com")
            && message.contains("orders-sapi")
            && message.contains("billing-sapi")
            && message.contains("common-lib"),
        "{message}"
    );
    // The plugin's literal password: once, at the plugin.
    let clear: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG102")
        .collect();
    assert_eq!(clear.len(), 1, "{report:#}");
    assert!(clear[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("common-global.xml"));
    let password_auth: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG101")
        .collect();
    assert_eq!(password_auth.len(), 1, "{report:#}");
    // Both name the apps importing the plugin's file: they all run it.
    for f in [clear[0], password_auth[0]] {
        let message = f["message"].as_str().unwrap();
        assert!(
            message.ends_with(
                " (this file of Mule plugin common-lib runs in the 2 apps importing it: billing-sapi, orders-sapi)"
            ),
            "{message}"
        );
    }
    assert!(
        !diagnostics(&report)
            .iter()
            .any(|d| d["code"] == "import-not-found"),
        "{report:#}"
    );
    // `intguard identities`: both apps run as the user, through the plugin.
    let out = support::run([
        "identities".as_ref(),
        tmp.path().as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    // The plugin's literal password, linked to two apps now, is printed by
    // neither command.
    assert!(!report.to_string().contains("LibPass123!"), "{report:#}");
    assert!(!out.stdout.contains("LibPass123!"), "{}", out.stdout);
    let v: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    let id = v["identities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "int.shared@acme.com")
        .unwrap_or_else(|| panic!("{v:#}"));
    let mut apps: Vec<(&str, &str)> = id["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["app"].as_str().unwrap(),
                a["plugin"].as_str().unwrap_or(""),
            )
        })
        .collect();
    apps.sort();
    apps.dedup();
    assert_eq!(
        apps,
        [
            ("billing-sapi", "common-lib"),
            ("orders-sapi", "common-lib")
        ],
        "{id:#}"
    );
}

/// Two apps importing the plugin's connection as different users share
/// nothing.
#[test]
fn apps_importing_a_mule_plugin_connection_as_different_users_share_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    common_plugin(tmp.path());
    importing_app(
        tmp.path(),
        "orders-sapi",
        "common/common-global.xml",
        "int.orders@acme.com",
    );
    importing_app(
        tmp.path(),
        "billing-sapi",
        "common/common-global.xml",
        "int.billing@acme.com",
    );
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic();
    assert!(
        !findings(&report).iter().any(|f| f["rule"] == "IG303"),
        "{report:#}"
    );
    assert_eq!(
        findings(&report)
            .iter()
            .filter(|f| f["rule"] == "IG102")
            .count(),
        1,
        "{report:#}"
    );
}

/// An `<import>` whose file no scanned plugin holds is said, at the import.
#[test]
fn an_import_not_found_in_the_scan_is_said() {
    let tmp = tempfile::tempdir().unwrap();
    common_plugin(tmp.path());
    let app = importing_app(
        tmp.path(),
        "orders-sapi",
        "missing-global.xml",
        "int.orders@acme.com",
    );
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic();
    let missing: Vec<&Value> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "import-not-found")
        .collect();
    assert_eq!(missing.len(), 1, "{report:#}");
    let d = missing[0];
    assert_eq!(d["level"], "warning", "{d}");
    assert!(d["path"]
        .as_str()
        .unwrap()
        .ends_with("orders-sapi/src/main/mule/global.xml"));
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(3)),
        "{d}"
    );
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("missing-global.xml")
            && message.contains("orders-sapi")
            && message.contains("IG104"),
        "{message}"
    );
    // The app alone (its plugin not read): said too. An import of the
    // app's own file is not.
    write(
        &app,
        "src/main/mule/missing-global.xml",
        "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\"/>\n",
    );
    let (_, own) = scan_json(&app, &[]);
    assert!(
        !diagnostics(&own)
            .iter()
            .any(|d| d["code"] == "import-not-found"),
        "{own:#}"
    );
}

/// A Mule plugin's secure-properties config and the TLS context nested in
/// its Salesforce connection, in `src/main/mule/secure/secure-global.xml`:
/// every `${...}` is the importing app's to set.
const PLUGIN_SECURE_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:tls="http://www.mulesoft.org/schema/mule/tls"
    xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <secure-properties:config name="Common_Secure" key="${encryption.key}" file="properties/${mule.env}-secure.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC"/>
  </secure-properties:config>
  <salesforce:sfdc-config name="Common_SF">
    <salesforce:jwt-connection consumerKey="${sfdc.consumerKey}" keyStore="${sfdc.keystore}"
        storePassword="${secure::sfdc.storePassword}" principal="${sfdc.username}"
        tokenEndpoint="${sfdc.tokenEndpoint}">
      <tls:context>
        <tls:key-store type="pkcs12" path="${sfdc.mtls.keystore.path}"
            password="${secure::sfdc.mtls.password}" keyPassword="${secure::sfdc.mtls.password}"/>
      </tls:context>
    </salesforce:jwt-connection>
  </salesforce:sfdc-config>
</mule>
"#;

/// The PKCS#12 keystore of an RSA 1024 key of the salesforce-auth tests
/// (password `weakpass1`).
fn rsa1024_p12() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../salesforce-auth/tests/fixtures/rsa1024.p12"),
    )
    .unwrap()
}

/// The plugin of [`PLUGIN_SECURE_XML`] and two apps importing it:
/// orders-sapi commits the encryption key (its `dev.yaml`), a value it
/// opens (`![...]`: `StorePw-771` under AES/CBC with the key
/// `1234567890123456`, fixed IV), the mutual TLS keystore and its password
/// in clear, and calls port 8443 of My Domain; billing-sapi calls
/// login.salesforce.com and commits nothing.
fn plugin_with_secure_config(root: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let plugin = root.join("plugins/common-lib");
    write(&plugin, "pom.xml", pom("common-lib", "mule-plugin"));
    write(
        &plugin,
        "src/main/mule/secure/secure-global.xml",
        PLUGIN_SECURE_XML,
    );
    let mut apps = Vec::new();
    for (name, endpoint) in [
        (
            "orders-sapi",
            "https://acme.my.salesforce.com:8443/services/oauth2/token",
        ),
        (
            "billing-sapi",
            "https://login.salesforce.com/services/oauth2/token",
        ),
    ] {
        let app = importing_app(root, name, "secure/secure-global.xml", "unused@acme.com");
        write(
            &app,
            "src/main/resources/properties/dev.yaml",
            format!(
                "sfdc:\n  username: \"int.{name}@acme.com\"\n  tokenEndpoint: \"{endpoint}\"\n  mtls:\n    keystore:\n      path: \"keys/mtls.p12\"\n"
            ),
        );
        apps.push(app);
    }
    let orders = apps.remove(0);
    let dev =
        std::fs::read_to_string(orders.join("src/main/resources/properties/dev.yaml")).unwrap();
    write(
        &orders,
        "src/main/resources/properties/dev.yaml",
        format!("encryption:\n  key: \"1234567890123456\"\n{dev}"),
    );
    write(
        &orders,
        "src/main/resources/properties/dev-secure.yaml",
        "sfdc:\n  storePassword: \"![uqlNidLICMlhnRCPWZRM+g==]\"\n  mtls:\n    password: \"weakpass1\"\n",
    );
    write(&orders, "src/main/resources/keys/mtls.p12", rsa1024_p12());
    (orders, apps.remove(0))
}

/// A Mule plugin's secure-properties config and TLS context run inside
/// each app importing their file, resolved in the app's own properties:
/// the plugin's config decrypts the app's `![...]` value with the key the
/// app commits (IG104, and no `not-decrypted` warning), the app's keystore
/// that the plugin's TLS context loads is linked to it with its clear
/// password (IG105), which opens it (IG112: its RSA 1024 key), and mutual TLS is judged per app with the app's URL
/// (IG206 for billing-sapi on login.salesforce.com, not for orders-sapi on
/// port 8443 with the plugin's client certificate).
#[test]
fn a_mule_plugin_secure_config_and_tls_context_run_in_each_importing_app() {
    let tmp = tempfile::tempdir().unwrap();
    plugin_with_secure_config(tmp.path());
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic().expect_code(1);
    let of = |rule: &str| -> Vec<&Value> {
        findings(&report)
            .iter()
            .filter(|f| f["rule"] == rule)
            .collect()
    };
    // IG104: the app's value, opened by the plugin's config with the
    // app's key; billing-sapi has none.
    let opened = of("IG104");
    assert_eq!(opened.len(), 1, "{report:#}");
    let f = opened[0];
    assert!(
        f["path"]
            .as_str()
            .unwrap()
            .ends_with("orders-sapi/src/main/resources/properties/dev-secure.yaml"),
        "{f:#}"
    );
    assert_eq!(f["line"], 2, "{f:#}");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("sfdc.storePassword") && message.contains("Common_Secure"),
        "{message}"
    );
    assert!(
        !diagnostics(&report)
            .iter()
            .any(|d| d["code"] == "not-decrypted"),
        "{report:#}"
    );
    // IG105: orders-sapi's keystore, loaded by the plugin's TLS context as
    // orders-sapi's user, its password committed in clear.
    let keystore = of("IG105");
    assert_eq!(keystore.len(), 1, "{report:#}");
    let message = keystore[0]["message"].as_str().unwrap();
    assert!(
        message.contains("Common_SF")
            && message.contains("int.orders-sapi@acme.com")
            && message.contains("password is committed in clear"),
        "{message}"
    );
    // IG112: the keystore opens with the password orders-sapi's properties
    // give the plugin's TLS context: its RSA 1024 certificate.
    let weak = of("IG112");
    assert_eq!(weak.len(), 1, "{report:#}");
    let message = weak[0]["message"].as_str().unwrap();
    assert!(
        message.contains("1024-bit")
            && message.contains("orders-sapi")
            && message.contains("Common_SF"),
        "{message}"
    );
    // IG206: billing-sapi's URL, at the plugin's connection; orders-sapi
    // presents the plugin's client certificate on port 8443.
    let no_mtls = of("IG206");
    assert_eq!(no_mtls.len(), 1, "{report:#}");
    let f = no_mtls[0];
    assert!(
        f["path"]
            .as_str()
            .unwrap()
            .ends_with("plugins/common-lib/src/main/mule/secure/secure-global.xml"),
        "{f:#}"
    );
    let message = f["message"].as_str().unwrap();
    assert!(
        message.starts_with("billing-sapi `Common_SF`")
            && message.contains("common-lib")
            && message.contains("login.salesforce.com")
            && !message.contains("client certificate"),
        "{message}"
    );
    // Neither the decrypted value nor the keystore password is printed.
    let text = report.to_string();
    assert!(!text.contains("StorePw-771"), "{report:#}");
    assert!(!text.contains("weakpass1"), "{report:#}");
}

/// Without an app importing it, the plugin's configurations are judged in
/// its own properties, as before: no URL is known, no finding.
#[test]
fn a_mule_plugin_secure_config_alone_is_judged_at_the_plugin() {
    let tmp = tempfile::tempdir().unwrap();
    plugin_with_secure_config(tmp.path());
    let (run, report) = scan_json(&tmp.path().join("plugins/common-lib"), &[]);
    run.expect_no_panic();
    assert!(
        !findings(&report)
            .iter()
            .any(|f| matches!(f["rule"].as_str(), Some("IG104" | "IG105" | "IG206"))),
        "{report:#}"
    );
}

/// An HTTP request config of a Mule plugin with a TLS context: the key
/// store its `${...}` names in the importing app's properties is the
/// app's, opened with the password the app commits (IG105 linked to the
/// request config, IG112 reading its RSA 1024 certificate).
#[test]
fn a_mule_plugin_request_config_tls_context_loads_the_importing_apps_keystore() {
    let tmp = tempfile::tempdir().unwrap();
    let plugin = tmp.path().join("plugins/common-lib");
    write(&plugin, "pom.xml", pom("common-lib", "mule-plugin"));
    write(
        &plugin,
        "src/main/mule/partner/partner-global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:tls="http://www.mulesoft.org/schema/mule/tls"
    xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <http:request-config name="Partner_API">
    <http:request-connection protocol="HTTPS" host="partner.example" port="443">
      <tls:context>
        <tls:key-store type="pkcs12" path="${partner.keystore}" password="${partner.keystore.password}"/>
      </tls:context>
    </http:request-connection>
  </http:request-config>
</mule>
"#,
    );
    let app = importing_app(
        tmp.path(),
        "orders-sapi",
        "partner/partner-global.xml",
        "x@acme.com",
    );
    write(
        &app,
        "src/main/resources/properties/dev.yaml",
        "partner:\n  keystore: \"keys/partner.p12\"\n  keystore.password: \"weakpass1\"\n",
    );
    write(&app, "src/main/resources/keys/partner.p12", rsa1024_p12());
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic().expect_code(1);
    for rule in ["IG105", "IG112"] {
        let found: Vec<&Value> = findings(&report)
            .iter()
            .filter(|f| f["rule"] == rule)
            .collect();
        assert_eq!(found.len(), 1, "{rule}: {report:#}");
        let message = found[0]["message"].as_str().unwrap();
        assert!(
            message.contains("orders-sapi") && message.contains("Partner_API"),
            "{message}"
        );
    }
    assert!(!report.to_string().contains("weakpass1"), "{report:#}");
}

/// The findings of a rule at the path ending in `suffix`.
fn of_rule_at<'a>(report: &'a Value, rule: &str, suffix: &str) -> Vec<&'a Value> {
    findings(report)
        .iter()
        .filter(|f| f["rule"] == rule && f["path"].as_str().unwrap().ends_with(suffix))
        .collect()
}

/// The committed key (IG103) and the value it opens (IG104) of an app
/// whose key feeds a Mule plugin's secure-properties config: the message
/// says the config is the plugin's, imported by the app. The fingerprints
/// are those the same config gives in the app's own file (the new words
/// are not part of them).
#[test]
fn a_mule_plugin_secure_config_is_named_as_the_plugins_in_ig103_and_ig104() {
    let tmp = tempfile::tempdir().unwrap();
    plugin_with_secure_config(tmp.path());
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic();
    let of_plugin = "<secure-properties:config> `Common_Secure` of Mule plugin common-lib, which orders-sapi imports";
    let opened = of_rule_at(
        &report,
        "IG104",
        "orders-sapi/src/main/resources/properties/dev-secure.yaml",
    );
    assert_eq!(opened.len(), 1, "{report:#}");
    let message = opened[0]["message"].as_str().unwrap();
    assert!(message.contains(of_plugin), "{message}");
    let key = of_rule_at(
        &report,
        "IG103",
        "orders-sapi/src/main/resources/properties/dev.yaml",
    );
    assert_eq!(key.len(), 1, "{report:#}");
    let message = key[0]["message"].as_str().unwrap();
    assert!(message.contains(of_plugin), "{message}");
    assert!(!message.contains("of orders-sapi"), "{message}");
    // The plugin's file, related, says whose config it is too.
    for f in [opened[0], key[0]] {
        assert!(
            f["related"].as_array().unwrap().iter().any(|r| r["path"]
                .as_str()
                .unwrap()
                .ends_with("plugins/common-lib/src/main/mule/secure/secure-global.xml")
                && r["message"].as_str().unwrap().contains(of_plugin)),
            "{f:#}"
        );
    }

    // The same config in the app's own file: the plain label, the same
    // fingerprints.
    let own = tempfile::tempdir().unwrap();
    let (orders, _) = plugin_with_secure_config(own.path());
    std::fs::remove_dir_all(own.path().join("plugins")).unwrap();
    write(
        &orders,
        "src/main/mule/secure/secure-global.xml",
        PLUGIN_SECURE_XML,
    );
    let (run, own_report) = scan_json(own.path(), &[]);
    run.expect_no_panic();
    for report in [&report, &own_report] {
        let text = report.to_string();
        assert!(
            !text.contains("StorePw-771") && !text.contains("1234567890123456"),
            "{report:#}"
        );
    }
    for (rule, suffix, plugin_finding) in [
        (
            "IG104",
            "orders-sapi/src/main/resources/properties/dev-secure.yaml",
            opened[0],
        ),
        (
            "IG103",
            "orders-sapi/src/main/resources/properties/dev.yaml",
            key[0],
        ),
    ] {
        let found = of_rule_at(&own_report, rule, suffix);
        assert_eq!(found.len(), 1, "{rule}: {own_report:#}");
        let message = found[0]["message"].as_str().unwrap();
        assert!(
            message.contains("`Common_Secure`") && !message.contains("Mule plugin"),
            "{message}"
        );
        assert!(!found[0]["fingerprint"].as_str().unwrap().is_empty());
        assert_eq!(
            found[0]["fingerprint"], plugin_finding["fingerprint"],
            "{rule}"
        );
    }
}

/// A keystore held inside a Mule plugin, loaded by the plugin's own
/// configurations (a request config's TLS context in one file, a
/// jwt-connection in another): IG105 reports it once, at the plugin, and
/// names the apps importing the file that loads it, file by file; the
/// jwt-connection's key names the integration user it signs in as in each
/// importing app (its `principal` resolved in the app's properties), as
/// IG105 names an app's own connection's user, and the finding's identity.
#[test]
fn a_keystore_inside_a_mule_plugin_names_the_apps_importing_its_loader() {
    let tmp = tempfile::tempdir().unwrap();
    let plugin = tmp.path().join("plugins/common-lib");
    write(&plugin, "pom.xml", pom("common-lib", "mule-plugin"));
    write(
        &plugin,
        "src/main/mule/partner/partner-global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:tls="http://www.mulesoft.org/schema/mule/tls"
    xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <http:request-config name="Partner_API">
    <http:request-connection protocol="HTTPS" host="partner.example" port="443">
      <tls:context>
        <tls:key-store type="pkcs12" path="keys/partner.p12" password="${secure::partner.keystore.password}"/>
      </tls:context>
    </http:request-connection>
  </http:request-config>
</mule>
"#,
    );
    write(
        &plugin,
        "src/main/mule/sf/sf-global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:tls="http://www.mulesoft.org/schema/mule/tls"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="Common_JWT">
    <salesforce:jwt-connection consumerKey="${sfdc.consumerKey}" keyStore="keys/jwt.p12"
        storePassword="${secure::sfdc.storePassword}" principal="${sfdc.username}">
      <tls:context>
        <tls:key-store type="pkcs12" path="keys/mtls.p12" password="${secure::sfdc.mtls.password}"/>
      </tls:context>
    </salesforce:jwt-connection>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    write(&plugin, "src/main/resources/keys/mtls.p12", rsa1024_p12());
    write(
        &plugin,
        "src/main/resources/keys/partner.p12",
        rsa1024_p12(),
    );
    write(&plugin, "src/main/resources/keys/jwt.p12", rsa1024_p12());
    let orders = importing_app(
        tmp.path(),
        "orders-sapi",
        "partner/partner-global.xml",
        "int.orders@acme.com",
    );
    write(
        &orders,
        "src/main/mule/salesforce.xml",
        "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">\n  <import file=\"sf/sf-global.xml\"/>\n</mule>\n",
    );
    importing_app(
        tmp.path(),
        "billing-sapi",
        "partner/partner-global.xml",
        "int.billing@acme.com",
    );
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic();
    let at = |file: &str| {
        let found = of_rule_at(
            &report,
            "IG105",
            &format!("plugins/common-lib/src/main/resources/keys/{file}"),
        );
        assert_eq!(found.len(), 1, "{file}: {report:#}");
        found[0]["message"].as_str().unwrap().to_string()
    };
    let partner = at("partner.p12");
    assert!(
        partner.contains("in Mule plugin common-lib")
            && partner.contains(
                "partner-global.xml of Mule plugin common-lib, loading it, runs in the 2 apps importing it: billing-sapi, orders-sapi"
            ),
        "{partner}"
    );
    let jwt = at("jwt.p12");
    assert!(
        jwt.contains(
            "sf-global.xml of Mule plugin common-lib, loading it, runs in the app importing it: orders-sapi"
        ) && !jwt.contains("billing-sapi"),
        "{jwt}"
    );
    assert!(
        jwt.contains(
            "keyStore of Salesforce connection `Common_JWT` (salesforce:jwt-connection) as int.orders@acme.com in orders-sapi (sf-global.xml:6)"
        ),
        "{jwt}"
    );
    let jwt_finding = of_rule_at(
        &report,
        "IG105",
        "plugins/common-lib/src/main/resources/keys/jwt.p12",
    )[0];
    assert_eq!(
        jwt_finding["identity"], "int.orders@acme.com",
        "{jwt_finding:#}"
    );
    // The request config's key store logs in as no Salesforce user; the
    // one of the TLS context nested in the jwt-connection does.
    assert!(!partner.contains("@acme.com"), "{partner}");
    let mtls = at("mtls.p12");
    assert!(
        mtls.contains("as int.orders@acme.com in orders-sapi (sf-global.xml:9)")
            && !mtls.contains("billing"),
        "{mtls}"
    );
    // Reported once: not again in an importing app.
    assert_eq!(
        findings(&report)
            .iter()
            .filter(|f| f["rule"] == "IG105")
            .count(),
        3,
        "{report:#}"
    );
    // The plugin scanned alone: no app to name.
    let (_, alone) = scan_json(&plugin, &[]);
    let found = of_rule_at(&alone, "IG105", "keys/partner.p12");
    assert_eq!(found.len(), 1, "{alone:#}");
    assert!(
        !found[0]["message"].as_str().unwrap().contains("importing"),
        "{alone:#}"
    );
}

/// IG107 for the apps importing a Mule plugin's file: the property holding
/// the key of the plugin's secure-properties config, and a secret a lent
/// connection reads as a plain `${...}`, are the importing app's to set in
/// Runtime Manager. Each app not listing them in its mule-artifact.json
/// `secureProperties` gets a finding at its own mule-artifact.json, naming
/// the plugin's config; an app listing them gets none.
#[test]
fn secret_properties_a_mule_plugin_reads_are_checked_against_each_importing_app() {
    let tmp = tempfile::tempdir().unwrap();
    let (orders, billing) = plugin_with_secure_config(tmp.path());
    write(
        &tmp.path().join("plugins/common-lib"),
        "src/main/mule/login/login-global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="Legacy_SF">
    <salesforce:basic-connection username="${legacy.username}" password="${legacy.password}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    write(
        &orders,
        "src/main/mule/legacy.xml",
        "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">\n  <import file=\"login/login-global.xml\"/>\n</mule>\n",
    );
    write(
        &billing,
        "mule-artifact.json",
        "{\n  \"minMuleVersion\": \"4.4.0\",\n  \"secureProperties\": [\"encryption.key\"]\n}\n",
    );
    // A definition of the app's that Mule does not read (its mapping is
    // written again below) is no read of the name: still the plugin's alone.
    write(
        &orders,
        "src/main/resources/legacy.yaml",
        "legacy:\n  password: \"![bGVnYWN5MQ==]\"\nlegacy:\n  password: \"![bGVnYWN5Mg==]\"\n",
    );
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic();
    let exposed: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG107")
        .collect();
    assert_eq!(exposed.len(), 2, "{report:#}");
    for f in &exposed {
        assert!(
            f["path"]
                .as_str()
                .unwrap()
                .ends_with("orders-sapi/mule-artifact.json"),
            "{f:#}"
        );
    }
    let message = |name: &str| {
        exposed
            .iter()
            .find(|f| f["message"].as_str().unwrap().contains(name))
            .unwrap_or_else(|| panic!("{name}: {report:#}"))
            .to_owned()
    };
    let key = message("`encryption.key`");
    let text = key["message"].as_str().unwrap();
    assert!(
        text.starts_with("orders-sapi: ")
            && text.contains(
                "it holds the key of <secure-properties:config> `Common_Secure` of Mule plugin common-lib, which orders-sapi imports"
            ),
        "{text}"
    );
    assert!(
        key["related"].as_array().unwrap().iter().any(|r| r["path"]
            .as_str()
            .unwrap()
            .ends_with("plugins/common-lib/src/main/mule/secure/secure-global.xml")),
        "{key:#}"
    );
    assert!(
        key["fix"]
            .as_str()
            .unwrap()
            .contains(r#""secureProperties": ["encryption.key", "legacy.password"]"#),
        "{key:#}"
    );
    let password = message("`legacy.password`");
    let text = password["message"].as_str().unwrap();
    assert!(
        text.contains("read as ${legacy.password} by `password` of <salesforce:basic-connection>")
            && text.contains(
                "in login-global.xml of Mule plugin common-lib, which orders-sapi imports"
            ),
        "{text}"
    );
    assert_ne!(key["fingerprint"], password["fingerprint"]);
    // Listed by both apps: nothing.
    write(
        &orders,
        "mule-artifact.json",
        "{\n  \"minMuleVersion\": \"4.4.0\",\n  \"secureProperties\": [\"encryption.key\", \"legacy.password\"]\n}\n",
    );
    let (_, listed) = scan_json(tmp.path(), &[]);
    assert!(
        !findings(&listed).iter().any(|f| f["rule"] == "IG107"),
        "{listed:#}"
    );
}

/// The command in a fix (`intguard fix secrets ... <folder>`), as its words.
fn fix_secrets_command(fix: &str) -> Vec<String> {
    let at = fix
        .find("intguard fix secrets")
        .unwrap_or_else(|| panic!("no command: {fix}"));
    fix[at..]
        .split([')', ';'])
        .next()
        .unwrap()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// IG104 and IG103 on a Mule plugin's secure-properties config with fixed
/// IVs, run in the apps importing its file: the config to change is in the
/// plugin, the values it reads in the apps. The `fix secrets
/// --upgrade-encryption` command they print names the folder holding the
/// plugin and the apps importing it (not the importing app's folder, which
/// does not hold the config), and run as printed it does the job: the
/// plugin's config gets random IVs and the app's value is re-encrypted
/// under the new key, so a scan after it finds neither finding. IG108, at
/// the plugin alone (it reads each project alone), does not know the apps:
/// its command says which folder, and why not the plugin's alone; run on
/// the plugin's folder alone, `fix secrets` refuses to change its settings.
#[test]
fn the_upgrade_command_for_a_mule_plugin_secure_config_names_its_folder_and_works() {
    let tmp = tempfile::tempdir().unwrap();
    let (orders, _) = plugin_with_secure_config(tmp.path());
    let plugin = tmp.path().join("plugins/common-lib");
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic();
    let opened = of_rule_at(
        &report,
        "IG104",
        "orders-sapi/src/main/resources/properties/dev-secure.yaml",
    );
    let key = of_rule_at(
        &report,
        "IG103",
        "orders-sapi/src/main/resources/properties/dev.yaml",
    );
    assert_eq!((opened.len(), key.len()), (1, 1), "{report:#}");
    let mut command = Vec::new();
    for f in opened.iter().chain(&key) {
        let fix = f["fix"].as_str().unwrap();
        assert_eq!(fix.matches("intguard fix secrets").count(), 1, "{fix}");
        let words = fix_secrets_command(fix);
        assert!(words.contains(&"--upgrade-encryption".to_string()), "{f:#}");
        let folder = Path::new(words.last().unwrap());
        assert_eq!(folder, tmp.path(), "{f:#}");
        command = words;
    }
    let weak = of_rule_at(
        &report,
        "IG108",
        "plugins/common-lib/src/main/mule/secure/secure-global.xml",
    );
    assert_eq!(weak.len(), 1, "{report:#}");
    let fix = weak[0]["fix"].as_str().unwrap();
    assert!(
        fix.contains(&format!(
            "--upgrade-encryption <the folder holding {} and every app importing it>",
            plugin.display()
        )) && fix.contains("on the plugin's folder alone it would change the settings"),
        "{fix}"
    );

    // On the plugin's folder alone, no value its config reads is there:
    // changing its settings would only leave the apps' values unreadable,
    // so nothing is written and the error says where to run it.
    let plugin_xml = plugin.join("src/main/mule/secure/secure-global.xml");
    let before = std::fs::read_to_string(&plugin_xml).unwrap();
    let alone = run_cmd(
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
            .arg(&plugin)
            .env("IG_OLD_KEY", "1234567890123456")
            .env("IG_NEW_KEY", "Fresh-Key-16-byt"),
    );
    alone.expect_no_panic().expect_code(2);
    assert!(
        alone.stderr.contains("Mule plugin common-lib")
            && alone.stderr.contains(
                "run fix secrets on a folder holding the plugin and the apps importing it"
            ),
        "{}",
        alone.stderr
    );
    assert_eq!(std::fs::read_to_string(&plugin_xml).unwrap(), before);

    // Run as printed, the placeholders given.
    let mut args: Vec<String> = Vec::new();
    let mut words = command[1..].iter();
    while let Some(w) = words.next() {
        if w.starts_with('<') {
            // `<VAR holding the old key>`: its words up to `>`.
            let mut placeholder = w.clone();
            while !placeholder.ends_with('>') {
                placeholder.push(' ');
                placeholder.push_str(words.next().unwrap());
            }
            args.push(
                match placeholder.as_str() {
                    "<VAR holding the old key>" => "IG_OLD_KEY",
                    "<VAR holding the new key>" => "IG_NEW_KEY",
                    other => panic!("{other}"),
                }
                .to_string(),
            );
        } else {
            args.push(w.clone());
        }
    }
    let fixed = run_cmd(
        intguard()
            .args(&args)
            .env("IG_OLD_KEY", "1234567890123456")
            .env("IG_NEW_KEY", "Fresh-Key-16-byt"),
    );
    // 1: the old key, still committed in orders-sapi's dev.yaml, is left
    // for a person to delete.
    fixed.expect_no_panic().expect_code(1);
    assert!(
        fixed
            .stderr
            .contains("2 file(s) changed, 1 value(s) encrypted and checked"),
        "{}",
        fixed.stderr
    );
    // Neither key nor the value is printed.
    for run in [&alone, &fixed] {
        let out = format!("{}{}", run.stdout, run.stderr);
        for secret in ["StorePw-771", "1234567890123456", "Fresh-Key-16-byt"] {
            assert!(!out.contains(secret), "{out}");
        }
    }
    let xml =
        std::fs::read_to_string(plugin.join("src/main/mule/secure/secure-global.xml")).unwrap();
    assert!(xml.contains("useRandomIVs=\"true\""), "{xml}");
    let secure =
        std::fs::read_to_string(orders.join("src/main/resources/properties/dev-secure.yaml"))
            .unwrap();
    let value = secure
        .lines()
        .find_map(|l| l.trim().strip_prefix("storePassword: \"!["))
        .and_then(|v| v.strip_suffix("]\""))
        .unwrap_or_else(|| panic!("{secure}"));
    assert_ne!(value, "uqlNidLICMlhnRCPWZRM+g==");
    intguard()
        .args([
            "secure-props",
            "decrypt",
            "--algorithm",
            "AES",
            "--mode",
            "CBC",
            "--random-iv",
            "--key-env",
            "IG_NEW_KEY",
            value,
        ])
        .env("IG_NEW_KEY", "Fresh-Key-16-byt")
        .assert()
        .success()
        .stdout("StorePw-771\n");
    let (_, after) = scan_json(tmp.path(), &[]);
    assert!(
        !findings(&after)
            .iter()
            .any(|f| f["rule"] == "IG104" || f["rule"] == "IG108"),
        "{after:#}"
    );
}

/// A Mule plugin's secure-properties config (AES/CBC, fixed IVs, key
/// `${encryption.key}` supplied at deploy time) reading
/// `properties/${mule.env}-secure.yaml`, and orders-sapi importing it,
/// with a password in clear in its `dev.yaml` and a value the plugin's
/// config already decrypts in its `dev-secure.yaml` (`StorePw-771` under
/// `1234567890123456`).
fn plugin_config_and_app_with_clear_password(root: &Path) -> std::path::PathBuf {
    let plugin = root.join("plugins/common-lib");
    write(&plugin, "pom.xml", pom("common-lib", "mule-plugin"));
    write(
        &plugin,
        "src/main/mule/secure/secure-global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <secure-properties:config name="Common_Secure" key="${encryption.key}" file="properties/${mule.env}-secure.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC"/>
  </secure-properties:config>
</mule>
"#,
    );
    let app = mule4_app(root, "orders-sapi", &["encryption.key"]);
    write(&app, "pom.xml", pom_with_plugin("orders-sapi"));
    write(
        &app,
        "src/main/mule/global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <import file="secure/secure-global.xml"/>
  <configuration-properties file="properties/${mule.env}.yaml"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${sfdc.username}" password="${sfdc.password}"
        securityToken="${secure::sfdc.storePassword}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    write(
        &app,
        "src/main/resources/properties/dev.yaml",
        "sfdc:\n  username: \"int@acme.com\"\n  password: \"Plain-Pass-1\"\n",
    );
    write(
        &app,
        "src/main/resources/properties/dev-secure.yaml",
        "sfdc:\n  storePassword: \"![uqlNidLICMlhnRCPWZRM+g==]\"\n",
    );
    app
}

/// IG102 on a clear value of an app whose secure-properties config is the
/// one of a Mule plugin it imports: the finding's fix names that config and
/// the folder holding the plugin and the app, and `fix secrets` run as
/// printed encrypts into the file the plugin's config reads, as it
/// decrypts (AES/CBC, fixed IVs), adding no second config to the app (two
/// configs reading one file with different settings: one of them reads
/// garbage). Run on the app's folder alone, where the imported file is not
/// read, it adds no config of its own and says why.
#[test]
fn fix_secrets_encrypts_with_the_secure_config_of_the_imported_mule_plugin() {
    let tmp = tempfile::tempdir().unwrap();
    let app = plugin_config_and_app_with_clear_password(tmp.path());
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic();
    let clear = of_rule_at(
        &report,
        "IG102",
        "orders-sapi/src/main/resources/properties/dev.yaml",
    );
    assert_eq!(clear.len(), 1, "{report:#}");
    let fix = clear[0]["fix"].as_str().unwrap();
    assert!(
        fix.contains("`Common_Secure` of Mule plugin common-lib") && !fix.contains("adds a"),
        "{fix}"
    );
    // `intguard fix secrets --key-env <VAR holding the key> <folder>, which ...`
    let command = fix_secrets_command(fix);
    let folder = command
        .iter()
        .find_map(|w| w.strip_suffix(','))
        .unwrap_or_else(|| panic!("{fix}"))
        .to_string();
    assert_eq!(Path::new(&folder), tmp.path(), "{fix}");

    // Scanned alone, the app's fix does not promise a config of its own.
    let (_, alone_report) = scan_json(&app, &[]);
    let clear = of_rule_at(
        &alone_report,
        "IG102",
        "orders-sapi/src/main/resources/properties/dev.yaml",
    );
    assert_eq!(clear.len(), 1, "{alone_report:#}");
    let fix = clear[0]["fix"].as_str().unwrap();
    assert!(
        fix.contains("the Mule plugin holding the secure/secure-global.xml it imports>")
            && !fix.contains("which also adds"),
        "{fix}"
    );

    let global = app.join("src/main/mule/global.xml");
    let secure_file = app.join("src/main/resources/properties/dev-secure.yaml");
    let xml_before = std::fs::read_to_string(&global).unwrap();
    // The app's folder alone: the plugin's config is not there to read.
    let alone = run_cmd(
        intguard()
            .args(["fix", "secrets", "--key-env", "IG_KEY"])
            .arg(&app)
            .env("IG_KEY", "1234567890123456"),
    );
    alone.expect_no_panic().expect_code(1);
    assert!(
        alone.stderr.contains("secure/secure-global.xml")
            && alone
                .stderr
                .contains("run fix secrets on a folder holding the Mule plugin and this app"),
        "{}",
        alone.stderr
    );
    assert_eq!(std::fs::read_to_string(&global).unwrap(), xml_before);

    // As printed.
    let fixed = run_cmd(
        intguard()
            .args(["fix", "secrets", "--key-env", "IG_KEY"])
            .arg(&folder)
            .env("IG_KEY", "1234567890123456"),
    );
    fixed.expect_no_panic().expect_code(0);
    for run in [&alone, &fixed] {
        let out = format!("{}{}", run.stdout, run.stderr);
        for secret in ["Plain-Pass-1", "StorePw-771", "1234567890123456"] {
            assert!(!out.contains(secret), "{out}");
        }
    }
    let xml = std::fs::read_to_string(&global).unwrap();
    assert!(!xml.contains("secure-properties:config"), "{xml}");
    assert!(
        xml.contains("password=\"${secure::sfdc.password}\""),
        "{xml}"
    );
    let secure = std::fs::read_to_string(&secure_file).unwrap();
    assert!(
        secure.contains("storePassword: \"![uqlNidLICMlhnRCPWZRM+g==]\""),
        "{secure}"
    );
    let value = secure
        .lines()
        .find_map(|l| l.trim().strip_prefix("password: \"!["))
        .and_then(|v| v.strip_suffix("]\""))
        .unwrap_or_else(|| panic!("{secure}"));
    // The plugin's settings: no random IV.
    intguard()
        .args([
            "secure-props",
            "decrypt",
            "--algorithm",
            "AES",
            "--mode",
            "CBC",
            "--key-env",
            "IG_KEY",
            value,
        ])
        .env("IG_KEY", "1234567890123456")
        .assert()
        .success()
        .stdout("Plain-Pass-1\n");
    let (_, after) = scan_json(tmp.path(), &[]);
    assert!(
        !findings(&after).iter().any(|f| f["rule"] == "IG102"),
        "{after:#}"
    );
}

/// A Mule plugin's secure-properties config whose algorithm and mode are
/// `${secure.algorithm}`/`${secure.mode}`, defined only in the apps
/// importing it: orders-sapi says Blowfish/CBC (`Orders-Pw-1` encrypted so
/// with `1234567890123456`), billing-sapi AES/CBC (`Billing-Pw-2`), or, with
/// `billing_defines` false, billing-sapi defines neither (supplied at
/// deploy time).
fn plugin_settings_from_the_apps(root: &Path, billing_defines: bool) {
    let plugin = root.join("plugins/common-lib");
    write(&plugin, "pom.xml", pom("common-lib", "mule-plugin"));
    write(
        &plugin,
        "src/main/mule/secure/secure-global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <secure-properties:config name="Common_Secure" key="${encryption.key}" file="properties/${mule.env}-secure.yaml">
    <secure-properties:encrypt algorithm="${secure.algorithm}" mode="${secure.mode}"/>
  </secure-properties:config>
</mule>
"#,
    );
    for (name, settings, value) in [
        ("orders-sapi", Some("Blowfish"), "dO5DBak9X/GBPO+YlkOMeg=="),
        (
            "billing-sapi",
            billing_defines.then_some("AES"),
            "WKEoz/T4BiWI7LyibyXKMQ==",
        ),
    ] {
        let app = mule4_app(root, name, &["encryption.key"]);
        write(&app, "pom.xml", pom_with_plugin(name));
        write(
            &app,
            "src/main/mule/global.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <import file="secure/secure-global.xml"/>
  <configuration-properties file="properties/${mule.env}.yaml"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${sfdc.username}" password="${secure::sfdc.password}"/>
  </salesforce:sfdc-config>
</mule>
"#,
        );
        let settings = settings
            .map(|alg| format!("secure:\n  algorithm: \"{alg}\"\n  mode: \"CBC\"\n"))
            .unwrap_or_default();
        write(
            &app,
            "src/main/resources/properties/dev.yaml",
            format!("sfdc:\n  username: \"int.{name}@acme.com\"\n{settings}"),
        );
        write(
            &app,
            "src/main/resources/properties/dev-secure.yaml",
            format!("sfdc:\n  password: \"![{value}]\"\n"),
        );
    }
}

/// Every file under `dir`, with its text.
fn texts_under(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

/// `fix secrets --rotate-key --upgrade-encryption` on a folder holding a
/// Mule plugin whose config's settings each importing app defines: each
/// app's value is decrypted with its own settings and re-encrypted under
/// the new key with AES/CBC and random IVs, written in the plugin's XML,
/// and the action names every app's definitions it no longer reads. When
/// an app leaves them to deploy time, its values' cipher is unknown: with
/// `--upgrade-encryption` or `--rotate-key` alone, refused, nothing
/// written.
#[test]
fn a_mule_plugin_config_with_settings_from_the_apps_is_rotated_and_upgraded_per_app() {
    let tmp = tempfile::tempdir().unwrap();
    plugin_settings_from_the_apps(tmp.path(), true);
    let fixed = run_cmd(
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
            .arg(tmp.path())
            .env("IG_OLD_KEY", "1234567890123456")
            .env("IG_NEW_KEY", "Fresh-Key-16-byt"),
    );
    fixed.expect_no_panic().expect_code(0);
    for app in ["orders-sapi", "billing-sapi"] {
        assert!(
            fixed.stderr.contains(&format!(
                "`secure.algorithm` ({}",
                tmp.path()
                    .join(app)
                    .join("src/main/resources/properties/dev.yaml")
                    .display()
            )),
            "{app}: {}",
            fixed.stderr
        );
    }
    let xml = std::fs::read_to_string(
        tmp.path()
            .join("plugins/common-lib/src/main/mule/secure/secure-global.xml"),
    )
    .unwrap();
    assert!(
        xml.contains(r#"algorithm="AES" mode="CBC" useRandomIVs="true""#),
        "{xml}"
    );
    for (app, clear) in [
        ("orders-sapi", "Orders-Pw-1"),
        ("billing-sapi", "Billing-Pw-2"),
    ] {
        let secure = std::fs::read_to_string(
            tmp.path()
                .join(app)
                .join("src/main/resources/properties/dev-secure.yaml"),
        )
        .unwrap();
        let value = secure
            .lines()
            .find_map(|l| l.trim().strip_prefix("password: \"!["))
            .and_then(|v| v.strip_suffix("]\""))
            .unwrap_or_else(|| panic!("{secure}"));
        intguard()
            .args([
                "secure-props",
                "decrypt",
                "--random-iv",
                "--key-env",
                "IG_NEW_KEY",
                value,
            ])
            .env("IG_NEW_KEY", "Fresh-Key-16-byt")
            .assert()
            .success()
            .stdout(format!("{clear}\n"));
    }

    // billing-sapi supplies the settings at deploy time.
    for args in [
        &["--upgrade-encryption"][..],
        &["--rotate-key", "IG_NEW_KEY"][..],
    ] {
        let tmp = tempfile::tempdir().unwrap();
        plugin_settings_from_the_apps(tmp.path(), false);
        let before = texts_under(tmp.path());
        let refused = run_cmd(
            intguard()
                .args(["fix", "secrets", "--key-env", "IG_OLD_KEY"])
                .args(args)
                .arg(tmp.path())
                .env("IG_OLD_KEY", "1234567890123456")
                .env("IG_NEW_KEY", "Fresh-Key-16-byt"),
        );
        refused.expect_no_panic().expect_code(2);
        assert!(
            refused.stderr.contains("nothing was changed")
                && refused.stderr.contains(
                    "(as billing-sapi, which imports Mule plugin common-lib's file, runs it)"
                )
                && refused.stderr.contains("${secure.algorithm}"),
            "{args:?}: {}",
            refused.stderr
        );
        assert_eq!(texts_under(tmp.path()), before, "{args:?}");
    }
}

/// The scan runs an app's IG102 at the end when the app may run with a
/// Mule plugin's secure-properties config: it keeps what IG102 reads of the
/// app until then, so a literal password in the app's XML is reported
/// (with the plugin's config to encrypt it for), as `identities` and a
/// scan reading every app at once see it.
#[test]
fn a_literal_secret_of_an_app_importing_a_plugin_secure_config_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let app = plugin_config_and_app_with_clear_password(tmp.path());
    write(
        &app,
        "src/main/mule/extra.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
    xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="SF_Batch">
    <salesforce:basic-connection username="int.batch@acme.com" password="Literal-Pw-9"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_no_panic();
    let literal = of_rule_at(&report, "IG102", "orders-sapi/src/main/mule/extra.xml");
    assert_eq!(literal.len(), 1, "{report:#}");
    let fix = literal[0]["fix"].as_str().unwrap();
    assert!(
        fix.contains("`Common_Secure` of Mule plugin common-lib"),
        "{fix}"
    );
    assert!(!report.to_string().contains("Literal-Pw-9"), "{report:#}");
}
