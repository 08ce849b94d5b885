//! YAML flattening with key positions, and property files matched to
//! imports across environments.

use std::fs;
use std::path::Path;

use intguard_model::{Inventory, PropertyFile};
use intguard_readers::{read_paths, ReadOptions};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn app_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Inventory) {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "app/mule-artifact.json", "{}");
    for (rel, text) in files {
        write(tmp.path(), &format!("app/{rel}"), text);
    }
    let inv = read_paths(&[tmp.path().to_path_buf()], &ReadOptions::default());
    (tmp, inv)
}

fn file<'a>(inv: &'a Inventory, end: &str) -> &'a PropertyFile {
    inv.apps[0]
        .property_files
        .iter()
        .find(|f| f.path.ends_with(end))
        .unwrap_or_else(|| panic!("no property file {end}"))
}

const YAML: &str = r#"# comment
sfdc:
  username: "int@acme.example"
  password: 'Pa:ss#1'
  nested:
    deeper:   plain value # trailing comment
"quoted.key": 1
empty:
tilde: ~
list:
  - first
  - name: second
    secret: s2
flow: {a: 1, b: [x, y]}
block: |
  line one
  line two
anchor: &A shared
alias: *A
? complex
: skipped?
---
second.doc: yes
"#;

#[test]
fn yaml_flattening_and_key_positions() {
    let (_t, inv) = app_with(&[("src/main/resources/all.yaml", YAML)]);
    assert!(inv.diagnostics.is_empty(), "{:#?}", inv.diagnostics);
    let f = file(&inv, "all.yaml");
    let got: Vec<(&str, &str, u32, u32)> = f
        .entries
        .iter()
        .map(|e| (e.key(), e.value(), e.location.line, e.location.column))
        .collect();
    assert_eq!(
        got,
        vec![
            ("sfdc.username", "int@acme.example", 3, 3),
            ("sfdc.password", "Pa:ss#1", 4, 3),
            ("sfdc.nested.deeper", "plain value", 6, 5),
            ("quoted.key", "1", 7, 1),
            ("empty", "", 8, 1),
            ("tilde", "~", 9, 1),
            // A list whose first item is a value is one property, at its
            // key, holding its values joined with commas (as Mule reads
            // it); a mapping item is kept by its place.
            ("list[1].name", "second", 12, 5),
            ("list[1].secret", "s2", 13, 5),
            ("list", "first", 10, 1),
            ("flow.a", "1", 14, 8),
            ("flow.b", "x,y", 14, 14),
            ("block", "line one\nline two\n", 15, 1),
            ("anchor", "shared", 18, 1),
            // An alias reads the anchored value (where it is written), as SnakeYAML does.
            ("alias", "shared", 18, 1),
            ("complex", "skipped?", 20, 3),
            ("second.doc", "yes", 23, 1),
        ]
    );
}

#[test]
fn environments_across_yaml_and_secure_files() {
    let xml = r#"<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <configuration-properties file="config/${env}.yaml"/>
  <configuration-properties file="config/common.yaml"/>
  <secure-properties:config name="s" key="${key}" file="config/${env}-secure.yaml"/>
  <global-property name="env" value="qa"/>
</mule>"#;
    let (_t, inv) = app_with(&[
        ("src/main/mule/global.xml", xml),
        (
            "src/main/resources/config/common.yaml",
            "db:\n  user: common-user\n  host: db.example\n",
        ),
        (
            "src/main/resources/config/dev.yaml",
            "db:\n  user: dev-user\n",
        ),
        (
            "src/main/resources/config/qa.yaml",
            "db:\n  user: qa-user\n",
        ),
        (
            "src/main/resources/config/prod.yaml",
            "db:\n  user: prod-user\n",
        ),
        (
            "src/main/resources/config/dev-secure.yaml",
            "db:\n  password: \"![devEnc]\"\n",
        ),
        (
            "src/main/resources/config/prod-secure.yaml",
            "db:\n  password: prod-plain\n",
        ),
        (
            "src/main/resources/config/readme.txt",
            "not a property file",
        ),
        ("src/main/resources/other/stray.yaml", "x: 1\n"),
    ]);
    let app = &inv.apps[0];
    assert_eq!(app.environments, vec!["dev", "prod", "qa"]);
    assert_eq!(app.default_environment.as_deref(), Some("qa"));
    // `${env}` found every environment: resolving for one, it is its name.
    let named: Vec<(&str, &str)> = app
        .environment_placeholders
        .iter()
        .map(|(e, n)| (e.as_str(), n.as_str()))
        .collect();
    assert_eq!(named, [("dev", "env"), ("prod", "env"), ("qa", "env")]);
    let f = |end| {
        let f = file(&inv, end);
        (f.environment.clone(), f.secure, f.loaded)
    };
    assert_eq!(f("config/common.yaml"), (None, false, true));
    assert_eq!(f("config/dev.yaml"), (Some("dev".into()), false, true));
    assert_eq!(
        f("config/dev-secure.yaml"),
        (Some("dev".into()), true, true)
    );
    assert_eq!(
        f("config/prod-secure.yaml"),
        (Some("prod".into()), true, true)
    );
    assert_eq!(f("other/stray.yaml"), (None, false, false));

    let user =
        intguard_model::Value::new("${db.user}@${db.host}", intguard_model::Location::file("x"));
    let users: Vec<(Option<&str>, Option<String>)> = app
        .resolve_all(&user)
        .into_iter()
        .map(|r| (r.environment, r.value))
        .collect();
    assert_eq!(
        users,
        vec![
            (Some("dev"), Some("dev-user@db.example".into())),
            (Some("prod"), Some("prod-user@db.example".into())),
            (Some("qa"), Some("qa-user@db.example".into())),
        ]
    );
    let pw = intguard_model::Value::new(
        "${secure::db.password}",
        intguard_model::Location::file("x"),
    );
    let all = app.resolve_all(&pw);
    let pws: Vec<Option<String>> = all.iter().map(|r| r.value.clone()).collect();
    assert_eq!(
        pws,
        vec![Some("![devEnc]".into()), Some("prod-plain".into()), None]
    );
    let origin = all[1].origin().unwrap().location();
    assert!(origin.path.ends_with("config/prod-secure.yaml"));
    assert_eq!((origin.line, origin.column), (2, 3));
}

/// Mule 4 keeps a property's first definition across its imports, whatever
/// the environment: a file for every environment declared before the
/// environment's own wins where both define a key.
#[test]
fn mule4_keeps_the_first_declared_definition() {
    let xml = r#"<mule xmlns="http://www.mulesoft.org/schema/mule/core">
  <configuration-properties file="config/common.yaml"/>
  <configuration-properties file="config/${mule.env}.yaml"/>
</mule>"#;
    let (_t, inv) = app_with(&[
        ("src/main/mule/global.xml", xml),
        (
            "src/main/resources/config/common.yaml",
            "sfdc:\n  username: int.shared@acme.example\n",
        ),
        (
            "src/main/resources/config/dev.yaml",
            "sfdc:\n  username: int.dev@acme.example\n  url: https://dev.example\n",
        ),
        (
            "src/main/resources/config/prod.yaml",
            "sfdc:\n  username: int.prod@acme.example\n  url: https://prod.example\n",
        ),
    ]);
    let app = &inv.apps[0];
    // (environment, value, defining file and line) of `${name}`.
    let resolved = |name: &str| -> Vec<(Option<&str>, Option<String>, String)> {
        let v = intguard_model::Value::new(name, intguard_model::Location::file("x"));
        app.resolve_all(&v)
            .into_iter()
            .map(|r| {
                let at = r.origin().unwrap().location();
                let file = at.path.rsplit('/').next().unwrap_or_default();
                (r.environment, r.value, format!("{file}:{}", at.line))
            })
            .collect()
    };
    let shared = Some("int.shared@acme.example".to_string());
    assert_eq!(
        resolved("${sfdc.username}"),
        vec![
            (Some("dev"), shared.clone(), "common.yaml:2".to_string()),
            (Some("prod"), shared, "common.yaml:2".to_string()),
        ]
    );
    // A key only the environment's file defines is still its own.
    assert_eq!(
        resolved("${sfdc.url}"),
        vec![
            (
                Some("dev"),
                Some("https://dev.example".to_string()),
                "dev.yaml:3".to_string()
            ),
            (
                Some("prod"),
                Some("https://prod.example".to_string()),
                "prod.yaml:3".to_string()
            ),
        ]
    );
}

#[test]
fn suppressions_in_property_files() {
    let (_t, inv) = app_with(&[
        (
            "src/main/resources/a.yaml",
            "x: 1\n# intguard-ignore IG102: rotated, kept for the demo\npassword: demo1234\n",
        ),
        (
            "src/main/resources/b.properties",
            "! intguard-ignore plaintext-secret IG107: fixture\nb.password=x\n",
        ),
    ]);
    // A `#` / `!` comment covers its own line and the next one.
    for s in &inv.suppressions {
        assert_eq!(s.covers_until_line, s.location.line + 1, "{s:?}");
    }
    let s: Vec<(String, u32, Vec<String>, Option<String>)> = inv
        .suppressions
        .iter()
        .map(|s| {
            (
                s.location.path.rsplit('/').next().unwrap().to_string(),
                s.location.line,
                s.rules.clone(),
                s.reason.clone(),
            )
        })
        .collect();
    assert_eq!(
        s,
        vec![
            (
                "a.yaml".to_string(),
                2,
                vec!["IG102".to_string()],
                Some("rotated, kept for the demo".to_string())
            ),
            (
                "b.properties".to_string(),
                1,
                vec!["plaintext-secret".to_string(), "IG107".to_string()],
                Some("fixture".to_string())
            ),
        ]
    );
}

/// Found by testing as a user would: `sf.token=... # intguard-ignore IG102:
/// ...` (the form YAML takes) is no comment in a `.properties` file, where
/// the marker is part of the value; it suppressed nothing, silently. It is
/// now a `suppression-in-value` warning at the marker (a value holding `#`
/// elsewhere, or a comment line, is none).
#[test]
fn an_ignore_after_a_properties_value_is_said_to_suppress_nothing() {
    let (_t, inv) = app_with(&[(
        "src/main/resources/c.properties",
        "sf.token=AbCd1234 # intguard-ignore IG102: trailing
# intguard-ignore IG102: above
sf.password=x
url=http://h/#a
",
    )]);
    assert_eq!(inv.suppressions.len(), 1, "{:?}", inv.suppressions);
    let warned: Vec<(u32, Option<u32>)> = inv
        .diagnostics
        .iter()
        .filter(|d| d.code == "suppression-in-value")
        .map(|d| (d.line.unwrap_or(0), d.column))
        .collect();
    assert_eq!(warned, vec![(1, Some(21))], "{:?}", inv.diagnostics);
}

/// Found by testing as a user would: a YAML file saved with a UTF-8 byte
/// order mark (Windows editors write one) had its first key read as
/// `\u{feff}sf` (`\u{feff}sf.password`), so `${sf.password}` resolved to
/// nothing there, and its clear password was not reported. Mule's YAML
/// parser skips the mark; so does the reader, columns as an editor shows
/// them.
#[test]
fn a_yaml_byte_order_mark_is_no_part_of_the_first_key() {
    let (_tmp, inv) = app_with(&[(
        "src/main/resources/app.yaml",
        "\u{feff}sf:\n  password: \"Bom-Pw-1\"\n",
    )]);
    let f = file(&inv, "app.yaml");
    let keys: Vec<(&str, u32, u32)> = f
        .entries
        .iter()
        .map(|e| (e.key(), e.location.line, e.location.column))
        .collect();
    assert_eq!(keys, [("sf.password", 2, 3)]);
}

/// `key:\tvalue`: YAML 1.2 allows a tab as separation whitespace after the
/// `:`, and SnakeYAML (Mule's parser) reads it; yaml-rust2 refuses it when
/// the value starts with a letter. The file was reported as a syntax error
/// and its keys after the tab lost. A tab inside a quoted value stays.
#[test]
fn a_tab_after_a_colon_separates_key_and_value() {
    let (_tmp, inv) = app_with(&[(
        "src/main/resources/app.yaml",
        "sf:\n  user:\tsvc@acme.com\n  password: \t Tab-Pw-1 # c\n  note: \"a:\\tb\"\n  tab: \"x:\ty\"\n  dash:\t-5\nlast:\tvalue\n",
    )]);
    assert!(
        inv.diagnostics.iter().all(|d| d.code != "yaml-syntax"),
        "{:?}",
        inv.diagnostics
    );
    let f = file(&inv, "app.yaml");
    let keys: Vec<(&str, &str, u32, u32)> = f
        .entries
        .iter()
        .map(|e| (e.key(), e.value(), e.location.line, e.location.column))
        .collect();
    assert_eq!(
        keys,
        [
            ("sf.user", "svc@acme.com", 2, 3),
            ("sf.password", "Tab-Pw-1", 3, 3),
            ("sf.note", "a:\tb", 4, 3),
            ("sf.tab", "x:\ty", 5, 3),
            ("sf.dash", "-5", 6, 3),
            ("last", "value", 7, 1),
        ]
    );
}

/// A property file named as its import names it but for the letter case
/// (`Common.yaml` for `common.yaml`, `Config/` for `config/`) loads in
/// Studio on Windows or macOS, and on Linux, CloudHub and from the deployed
/// jar not at all: it is not loaded, and a `property-file-case` warning at
/// the import names it. A file whose name differs only in what a
/// placeholder captures (`Dev.yaml` for `${mule.env}.yaml`) is the `Dev`
/// environment's, and one spelt as the import names it is loaded, as before.
#[test]
fn a_file_named_in_another_letter_case_is_not_loaded_and_said_so() {
    let xml = "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">\n  <configuration-properties file=\"properties/Common.yaml\"/>\n  <configuration-properties file=\"Config/${mule.env}.yaml\"/>\n  <configuration-properties file=\"properties/${mule.env}.yaml\"/>\n  <configuration-properties file=\"properties/shared.yaml\"/>\n</mule>\n";
    let (_tmp, inv) = app_with(&[
        ("src/main/mule/global.xml", xml),
        (
            "src/main/resources/properties/common.yaml",
            "sf:\n  user: common@acme.example\n",
        ),
        (
            "src/main/resources/config/qa.yaml",
            "sf:\n  user: qa@acme.example\n",
        ),
        (
            "src/main/resources/properties/Dev.yaml",
            "sf:\n  user: dev@acme.example\n",
        ),
        ("src/main/resources/properties/shared.yaml", "a: 1\n"),
    ]);
    assert!(!file(&inv, "properties/common.yaml").loaded);
    assert!(!file(&inv, "config/qa.yaml").loaded);
    assert!(file(&inv, "properties/shared.yaml").loaded);
    let dev = file(&inv, "properties/Dev.yaml");
    assert!(dev.loaded);
    assert_eq!(dev.environment.as_deref(), Some("Dev"));
    let warnings = inv.misnamed_property_file_warnings();
    let got: Vec<(&str, Option<u32>, bool)> = warnings
        .iter()
        .map(|d| {
            let named = ["common.yaml", "config/qa.yaml"]
                .iter()
                .find(|f| {
                    d.message.contains(&format!("properties/{f}`"))
                        || d.message.contains(&format!("resources/{f}`"))
                })
                .copied()
                .unwrap_or("?");
            (
                named,
                d.line,
                d.path.ends_with("global.xml") && d.code == "property-file-case",
            )
        })
        .collect();
    let mut got = got;
    got.sort();
    assert_eq!(
        got,
        vec![
            ("common.yaml", Some(2), true),
            ("config/qa.yaml", Some(3), true)
        ],
        "{warnings:#?}"
    );
    assert!(
        warnings.iter().any(|d| d.message.contains(
            "common.yaml` is not loaded: <configuration-properties> names `properties/Common.yaml`"
        )),
        "{warnings:#?}"
    );
}

/// A property file named as its import names it but for its YAML extension
/// (`config/dev.yml` for `config/${mule.env}.yaml`, `shared.yaml` for
/// `shared.yml`) is loaded nowhere, Mule finding a file by its exact name:
/// it is not loaded, and a `property-file-extension` warning at the import
/// names it. A `.yml` file beside the `.yaml` one the import loads is not
/// warned about (the import finds its file), nor is a file no import names
/// under either extension.
#[test]
fn a_file_named_with_the_other_yaml_extension_is_not_loaded_and_said_so() {
    let xml = "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">\n  <configuration-properties file=\"config/${mule.env}.yaml\"/>\n  <configuration-properties file=\"shared.yml\"/>\n  <configuration-properties file=\"common.yaml\"/>\n</mule>\n";
    let (_tmp, inv) = app_with(&[
        ("src/main/mule/global.xml", xml),
        (
            "src/main/resources/config/dev.yml",
            "sf:\n  user: dev@acme.example\n",
        ),
        (
            "src/main/resources/config/qa.yaml",
            "sf:\n  user: qa@acme.example\n",
        ),
        ("src/main/resources/shared.yaml", "a: 1\n"),
        ("src/main/resources/common.yaml", "b: 1\n"),
        ("src/main/resources/common.yml", "b: 2\n"),
        ("src/main/resources/other.yml", "c: 1\n"),
    ]);
    assert!(!file(&inv, "config/dev.yml").loaded);
    assert!(file(&inv, "config/qa.yaml").loaded);
    assert!(!file(&inv, "shared.yaml").loaded);
    assert!(file(&inv, "common.yaml").loaded);
    assert!(!file(&inv, "common.yml").loaded);
    assert!(!file(&inv, "other.yml").loaded);
    // Not taken for an environment's file.
    assert_eq!(inv.apps[0].environments, vec!["qa".to_string()]);
    let warnings = inv.misnamed_property_file_warnings();
    let mut got: Vec<(String, Option<u32>, &str)> = warnings
        .iter()
        .map(|d| {
            let named = d
                .message
                .split('`')
                .nth(1)
                .unwrap_or("?")
                .rsplit("resources/")
                .next()
                .unwrap_or("?")
                .to_string();
            (named, d.line, d.code)
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                "config/dev.yml".to_string(),
                Some(2),
                "property-file-extension"
            ),
            (
                "shared.yaml".to_string(),
                Some(3),
                "property-file-extension"
            ),
        ],
        "{warnings:#?}"
    );
    assert!(
        warnings.iter().all(|d| d.path.ends_with("global.xml")),
        "{warnings:#?}"
    );
    assert!(
        warnings.iter().any(|d| d.message.contains(
            "config/dev.yml` is not loaded: <configuration-properties> names `config/${mule.env}.yaml`"
        )),
        "{warnings:#?}"
    );
}

/// Beside a root-level `${mule.env}.yaml` import, whose capture is the
/// whole file name, any `.yml` (or `.YAML`) file at the resources root would
/// be "the import's name but for its extension (or case)" for an
/// environment of its own name: `log-settings.yml` is not the
/// `log-settings` environment's file, it is an unrelated file. Only a file
/// for an environment the app has (one with a file spelt as the import
/// names it, or its default `mule.env`) is warned about, and never when the
/// environment's file exists as spelt (`dev.yml` beside `dev.yaml`).
#[test]
fn misnamed_file_warnings_name_only_a_present_environments_file() {
    let xml = "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">\n  <global-property name=\"mule.env\" value=\"test\"/>\n  <configuration-properties file=\"${mule.env}.yaml\"/>\n</mule>\n";
    let (_tmp, inv) = app_with(&[
        ("src/main/mule/global.xml", xml),
        (
            "src/main/resources/dev.yaml",
            "sf:\n  user: dev@acme.example\n",
        ),
        (
            "src/main/resources/prod.yaml",
            "sf:\n  user: prod@acme.example\n",
        ),
        (
            "src/main/resources/dev.yml",
            "sf:\n  user: old@acme.example\n",
        ),
        ("src/main/resources/log-settings.yml", "level: INFO\n"),
        ("src/main/resources/Logging.YAML", "level: DEBUG\n"),
        // Misnamed for an environment the app has: `test` has no file
        // spelt as the import names it, but it is its default environment.
        (
            "src/main/resources/test.yml",
            "sf:\n  user: test@acme.example\n",
        ),
    ]);
    assert!(file(&inv, "dev.yaml").loaded);
    assert!(file(&inv, "prod.yaml").loaded);
    let warnings = inv.misnamed_property_file_warnings();
    let named: Vec<&str> = warnings
        .iter()
        .map(|d| {
            let path = d.message.split('`').nth(1).unwrap_or("?");
            path.rsplit("resources/").next().unwrap_or(path)
        })
        .collect();
    assert_eq!(named, ["test.yml"], "{warnings:#?}");
    assert_eq!(warnings[0].code, "property-file-extension");
}

/// The names of the files the misnamed-file warnings name, under the
/// resources folder.
fn misnamed(inv: &Inventory) -> Vec<String> {
    inv.misnamed_property_file_warnings()
        .iter()
        .map(|d| {
            let path = d.message.split('`').nth(1).unwrap_or("?");
            path.rsplit("resources/").next().unwrap_or(path).to_string()
        })
        .collect()
}

/// The environment a root-level `${mule.env}.yaml` import is for may be set
/// outside the XML: in a file every environment loads (`mule.env: dev` in
/// `common.yaml`), or in a pom deployment's `<properties>` (the Mule Maven
/// plugin's `cloudhub2Deployment`, Runtime Manager's application
/// properties). A file misnamed for that environment is warned about; one
/// for an environment set nowhere (`qa.yml`) is not.
#[test]
fn misnamed_file_warnings_count_an_environment_set_in_a_file_or_the_pom() {
    let xml = "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">\n  <configuration-properties file=\"common.yaml\"/>\n  <configuration-properties file=\"${mule.env}.yaml\"/>\n</mule>\n";
    let (_tmp, inv) = app_with(&[
        ("src/main/mule/global.xml", xml),
        ("src/main/resources/common.yaml", "mule:\n  env: \"dev\"\n"),
        (
            "src/main/resources/dev.yml",
            "sf:\n  user: dev@acme.example\n",
        ),
        (
            "src/main/resources/qa.yml",
            "sf:\n  user: qa@acme.example\n",
        ),
    ]);
    assert_eq!(misnamed(&inv), ["dev.yml"]);

    let pom = r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>orders-api</artifactId>
  <version>1.0.0</version>
  <packaging>mule-application</packaging>
  <build>
    <plugins>
      <plugin>
        <groupId>org.mule.tools.maven</groupId>
        <artifactId>mule-maven-plugin</artifactId>
        <version>4.1.1</version>
        <extensions>true</extensions>
        <configuration>
          <cloudhub2Deployment>
            <uri>https://anypoint.mulesoft.com</uri>
            <provider>MC</provider>
            <environment>Production</environment>
            <target>Cloudhub-US-East-2</target>
            <muleVersion>4.6.0</muleVersion>
            <applicationName>orders-api-prod</applicationName>
            <properties>
              <mule.env>prod</mule.env>
            </properties>
          </cloudhub2Deployment>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
"#;
    let (_tmp, inv) = app_with(&[
        ("pom.xml", pom),
        ("src/main/mule/global.xml", xml),
        (
            "src/main/resources/common.yaml",
            "http:\n  port: \"8081\"\n",
        ),
        (
            "src/main/resources/prod.yml",
            "sf:\n  user: prod@acme.example\n",
        ),
        (
            "src/main/resources/qa.yml",
            "sf:\n  user: qa@acme.example\n",
        ),
    ]);
    assert_eq!(misnamed(&inv), ["prod.yml"]);
}

/// Found by exploratory testing: environments named in keys, not file
/// names (`dev.sf.user`, `prod.sf.user` in one `config.yaml`, read by
/// `principal="${${mule.env}.sf.user}"`), were not environments of the app:
/// only the default `mule.env` of a `<global-property>` was resolved, and
/// the prod user was unknown. A key that the nested name does not select
/// (`defaults.sf.keystore`, a YAML anchor's) names none.
#[test]
fn environments_named_in_keys_of_a_nested_login_name() {
    let (_tmp, inv) = app_with(&[
        (
            "src/main/mule/global.xml",
            r#"<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <global-property name="mule.env" value="dev"/>
  <configuration-properties file="config.yaml"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:jwt-connection consumerKey="${ck}" keyStore="${${mule.env}.sf.keystore}" storePassword="${kspw}" principal="${${mule.env}.sf.user}"/>
  </salesforce:sfdc-config>
</mule>
"#,
        ),
        (
            "src/main/resources/config.yaml",
            "defaults:\n  sf:\n    keystore: \"keys/inv.jks\"\ndev:\n  sf:\n    user: \"inv.int@acme.com.dev\"\n    keystore: \"keys/inv-dev.jks\"\nprod:\n  sf:\n    user: \"inv.int@acme.com\"\n",
        ),
    ]);
    let app = &inv.apps[0];
    assert_eq!(app.environments.as_slice(), ["dev", "prod"]);
    let conn = &app.salesforce_connections[0];
    let users: Vec<(Option<&str>, Option<String>)> = app
        .resolve_all(conn.username().unwrap())
        .into_iter()
        .map(|r| (r.environment, r.value))
        .collect();
    assert_eq!(
        users,
        [
            (Some("dev"), Some("inv.int@acme.com.dev".to_string())),
            (Some("prod"), Some("inv.int@acme.com".to_string())),
        ]
    );
    // The keystore follows the environment too (prod defines none: unknown).
    let stores: Vec<Option<String>> = app
        .resolve_all(conn.attr("keyStore").unwrap())
        .into_iter()
        .map(|r| r.value)
        .collect();
    assert_eq!(stores, [Some("keys/inv-dev.jks".to_string()), None]);
}

/// One `${mule.env}.yaml` loaded by a `<configuration-properties>` and a
/// `<secure-properties:config>` both (a common layout): `${name}` reads it
/// as well as `${secure::name}`. A secure file that the plain pattern
/// matches only for another environment (`prod-secure.yaml` as
/// `${mule.env}.yaml` with `mule.env` = `prod-secure`) is not read plainly.
#[test]
fn a_file_both_imports_load_serves_plain_and_secure_references() {
    let (_tmp, inv) = app_with(&[
        (
            "src/main/mule/global.xml",
            r#"<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce"
      xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <configuration-properties file="config/${mule.env}.yaml"/>
  <secure-properties:config name="Both" file="config/${mule.env}.yaml" key="${secure.key}"/>
  <secure-properties:config name="Own" file="config/${mule.env}-secure.yaml" key="${secure.key}"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${sf.username}" password="${secure::sf.password}" securityToken="${sf.token}"/>
  </salesforce:sfdc-config>
</mule>
"#,
        ),
        (
            "src/main/resources/config/dev.yaml",
            "sf:\n  username: \"int.hr@globex.com.dev\"\n  password: \"dev-pass\"\n  token: \"dev-token\"\n",
        ),
        (
            "src/main/resources/config/prod.yaml",
            "sf:\n  username: \"int.hr@globex.com\"\n  password: \"prod-pass\"\n  token: \"prod-token\"\n",
        ),
        (
            "src/main/resources/config/prod-secure.yaml",
            "only:\n  secure: \"x\"\n",
        ),
    ]);
    let app = &inv.apps[0];
    assert_eq!(app.environments.as_slice(), ["dev", "prod"]);
    let kinds = |end: &str| {
        let f = file(&inv, end);
        (f.environment.clone(), f.secure, f.plain_too)
    };
    assert_eq!(kinds("config/prod.yaml"), (Some("prod".into()), true, true));
    assert_eq!(
        kinds("config/prod-secure.yaml"),
        (Some("prod".into()), true, false)
    );
    let conn = &app.salesforce_connections[0];
    let resolved = |attr: &str| -> Vec<Option<String>> {
        app.resolve_all(conn.attr(attr).unwrap())
            .into_iter()
            .map(|r| r.value)
            .collect()
    };
    assert_eq!(
        resolved("username"),
        [
            Some("int.hr@globex.com.dev".to_string()),
            Some("int.hr@globex.com".to_string())
        ]
    );
    assert_eq!(
        resolved("password"),
        [Some("dev-pass".to_string()), Some("prod-pass".to_string())]
    );
    assert_eq!(
        resolved("securityToken"),
        [
            Some("dev-token".to_string()),
            Some("prod-token".to_string())
        ]
    );
    // The secure-only file stays out of plain lookups.
    assert!(app.lookup("only.secure", false, Some("prod")).is_none());
    assert!(app.lookup("only.secure", true, Some("prod")).is_some());
}
