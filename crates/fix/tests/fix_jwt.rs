//! `fix jwt` on fixture apps (Mule 4 basic-connection with per-environment .properties
//! and a secure-properties configuration; per-environment YAML without one; an
//! oauth-user-pass connection with a nested TLS context; Mule 3), copied to temporary
//! folders: the plan, the files written, and the app scanned again.

use std::path::{Path, PathBuf};

use intguard_engine::{run_rules, ScanOptions};
use intguard_fix::{plan_jwt, verify_jwt, JwtOptions, JwtPlan};
use intguard_model::{AuthClass, Finding, Inventory};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join(name);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
        &app,
    );
    (dir, app)
}

fn scan(app: &Path) -> (Inventory, Vec<Finding>) {
    let inventory = intguard_readers::read_paths(&[app.to_path_buf()], &Default::default());
    let options = ScanOptions {
        paths: vec![app.to_path_buf()],
        ..Default::default()
    };
    let findings = run_rules(inventory.clone(), &options).findings;
    (inventory, findings)
}

fn plan(app: &Path, options: &JwtOptions) -> JwtPlan {
    let (inventory, findings) = scan(app);
    plan_jwt(&inventory, &findings, options).unwrap()
}

/// The new text of the file whose path ends with `suffix`.
fn new_text<'a>(plan: &'a JwtPlan, suffix: &str) -> &'a str {
    plan.plan
        .changes
        .iter()
        .find(|c| c.path.to_string_lossy().ends_with(suffix))
        .unwrap_or_else(|| panic!("{suffix} not changed"))
        .new
        .as_str()
}

fn read(app: &Path, rel: &str) -> String {
    std::fs::read_to_string(app.join(rel)).unwrap()
}

/// Writes the plan, scans the app again: no IG101 left on the connection, which
/// the reader reads as a jwt-connection with the principal it had as username.
fn apply_and_rescan(app: &Path, plan: &JwtPlan, config: &str, principal: &str) -> Vec<Finding> {
    plan.plan.apply().unwrap();
    let (after, findings) = scan(app);
    assert!(
        findings.iter().all(|f| f.rule != "IG101"),
        "{:?}",
        findings
            .iter()
            .filter(|f| f.rule == "IG101")
            .map(|f| &f.message)
            .collect::<Vec<_>>()
    );
    let conn = after
        .connections()
        .map(|(_, c)| c)
        .find(|c| c.config_name == config)
        .unwrap();
    assert_eq!(conn.element, "salesforce:jwt-connection");
    assert_eq!(conn.auth, AuthClass::Certificate);
    assert_eq!(conn.attr("principal").unwrap().raw, principal);
    assert_eq!(verify_jwt(&after, &plan.switched), Vec::<String>::new());
    findings
}

/// The file is the original outside `[from, to)` of the original: bytes before the
/// first changed line and after the last one are identical.
fn same_outside(original: &str, new: &str, from: &str, to: &str) {
    let start = original.find(from).unwrap();
    let end = original.find(to).unwrap() + to.len();
    assert!(new.starts_with(&original[..start]), "{new}");
    assert!(new.ends_with(&original[end..]), "{new}");
}

#[test]
fn basic_connection_with_per_environment_properties_and_secure_config() {
    let (_tmp, app) = fixture("jwt-props");
    let xml_before = read(&app, "src/main/mule/global.xml");
    let p = plan(&app, &JwtOptions::default());
    assert_eq!(p.plan.skipped, Vec::<String>::new());
    let xml = new_text(&p, "global.xml");
    assert!(
        xml.contains(
            "\t\t<salesforce:jwt-connection consumerKey=\"${sfdc.consumerKey}\" keyStore=\"${sfdc.keystore.path}\"\n\t\t\tstorePassword=\"${secure::sfdc.keystore.password}\"\n\t\t\tprincipal=\"${sfdc.username}\"\n\t\t\ttokenEndpoint=\"${sfdc.tokenEndpoint}\"\n\t\t\taudienceUrl=\"${sfdc.audienceUrl}\"\n\t\t\tconnectionTimeout=\"30\">\n\t\t\t<reconnection>\n\t\t\t\t<reconnect frequency=\"5000\" count=\"3\"/>\n\t\t\t</reconnection>\n\t\t</salesforce:jwt-connection>\n"
        ),
        "{xml}"
    );
    for gone in ["password=", "securityToken", "url=", "basic-connection"] {
        assert!(!xml.contains(gone), "{gone} in {xml}");
    }
    same_outside(
        &xml_before,
        xml,
        "<salesforce:basic-connection",
        "</salesforce:basic-connection>",
    );
    // Each environment's file, in .properties syntax, the login URL's settings
    // derived from its own url (dev: a sandbox).
    assert_eq!(
        new_text(&p, "config-dev.properties"),
        format!(
            "{}sfdc.consumerKey=<consumer key of the connected app>\nsfdc.keystore.path=<path of the PKCS#12 keystore>\nsfdc.tokenEndpoint=https://test.salesforce.com/services/oauth2/token\nsfdc.audienceUrl=https://test.salesforce.com\n",
            read(&app, "src/main/resources/config-dev.properties")
        )
    );
    assert!(new_text(&p, "config-prod.properties").ends_with(
        "sfdc.tokenEndpoint=https://login.salesforce.com/services/oauth2/token\nsfdc.audienceUrl=https://login.salesforce.com\n"
    ));
    for env in ["dev", "prod"] {
        assert!(new_text(&p, &format!("secure-{env}.properties"))
            .ends_with("\nsfdc.keystore.password=<encrypted keystore password>\n"));
    }
    assert!(new_text(&p, "mule-artifact.json")
        .contains("[\"encryption.key\", \"sfdc.keystore.password\"]"));
    // The password and token definitions, named with their files, no value.
    assert_eq!(p.unused.len(), 2, "{:?}", p.unused);
    assert!(p.unused[0].starts_with("sfdc.password (password of `Salesforce_Config`) in "));
    assert!(
        p.unused[0].contains("secure-dev.properties")
            && p.unused[0].contains("secure-prod.properties")
    );
    assert!(p.unused[1].starts_with("sfdc.token (securityToken of `Salesforce_Config`) in "));
    for secret in ["aB3dE5fG7hJ9kL1mN3pQ5rS7", "xY9wV8uT7sR6qP5oN4mL3kJ2"] {
        let all = format!(
            "{:?}{:?}{:?}{}",
            p.plan.actions,
            p.unused,
            p.notes,
            p.plan.diff()
        );
        assert!(!all.contains(secret), "{secret} shown");
    }
    assert_eq!(
        p.switched[0].users,
        vec!["int.orders@acme.com", "int.orders@acme.com.dev"]
    );

    apply_and_rescan(&app, &p, "Salesforce_Config", "${sfdc.username}");
    // Nothing left to switch.
    let again = plan(&app, &JwtOptions::default());
    assert!(again.plan.is_empty() && again.plan.skipped.is_empty());
}

#[test]
fn per_environment_yaml_without_secure_config() {
    let (_tmp, app) = fixture("jwt-yaml");
    let options = JwtOptions {
        consumer_key: Some("3MVG9OrdersConsumerKey".into()),
        keystore: Some("keys/orders.p12".into()),
        certificate_alias: Some("orders".into()),
        ..JwtOptions::default()
    };
    let p = plan(&app, &options);
    let xml = new_text(&p, "app.xml");
    assert!(
        xml.contains(
            "        <salesforce:jwt-connection consumerKey=\"${salesforce.orders.consumerKey}\" keyStore=\"${salesforce.orders.keystore.path}\"\n            storePassword=\"${salesforce.orders.keystore.password}\" certificateAlias=\"orders\"\n            principal=\"${salesforce.orders.user}\"\n            tokenEndpoint=\"https://acme--uat.sandbox.my.salesforce.com/services/oauth2/token\"\n            audienceUrl=\"https://test.salesforce.com\"/>\n"
        ),
        "{xml}"
    );
    assert!(!xml.contains("sessionId"), "{xml}");
    // Nested YAML under the username's mapping, in each environment's file; the
    // password stays (listed to delete).
    for env in ["dev", "prod"] {
        let rel = format!("src/main/resources/properties/{env}.yaml");
        assert_eq!(
            new_text(&p, &format!("{env}.yaml")),
            format!(
                "{}    consumerKey: \"3MVG9OrdersConsumerKey\"\n    keystore:\n      path: \"keys/orders.p12\"\n      password: \"<keystore password>\"\n",
                read(&app, &rel)
            )
        );
    }
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("no secure-properties configuration")
                && n.contains("intguard fix secrets")),
        "{:?}",
        p.notes
    );
    assert!(
        p.notes.iter().any(|n| n.contains("dropped sessionId")),
        "{:?}",
        p.notes
    );
    assert!(new_text(&p, "mule-artifact.json").contains("\"salesforce.orders.keystore.password\""));
    assert_eq!(p.unused.len(), 1);
    assert!(p.unused[0].starts_with("salesforce.orders.password (password of `Orders_SF`) in "));
    let all = format!("{:?}{:?}{}", p.unused, p.notes, p.plan.diff());
    for secret in ["Tiger2024!dev", "Pr0d-S3cret-Orders"] {
        assert!(!all.contains(secret), "{secret} shown");
    }
    let findings = apply_and_rescan(&app, &p, "Orders_SF", "${salesforce.orders.user}");
    // The placeholder is a template dummy, no plaintext secret; the name is hidden
    // in Runtime Manager.
    assert!(
        !findings
            .iter()
            .any(|f| (f.rule == "IG102" || f.rule == "IG107") && f.message.contains("keystore")),
        "{:?}",
        findings.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
}

#[test]
fn oauth_user_pass_keeps_its_consumer_key_and_nested_tls_context() {
    let (_tmp, app) = fixture("jwt-oauth");
    let xml_before = read(&app, "src/main/mule/sf.xml");
    let p = plan(&app, &JwtOptions::default());
    let xml = new_text(&p, "sf.xml");
    assert!(
        xml.contains(
            "    <salesforce:jwt-connection consumerKey=\"${sf.consumerKey}\" keyStore=\"${sf.keystore.path}\"\n        storePassword=\"${secure::sf.keystore.password}\"\n        principal=\"${sf.user}\"\n        tokenEndpoint=\"https://acme.my.salesforce.com/services/oauth2/token\"\n        audienceUrl=\"https://login.salesforce.com\"\n        readTimeout=\"60000\">\n      <tls:context>\n"
        ),
        "{xml}"
    );
    assert!(!xml.contains("consumerSecret") && !xml.contains("oauth-user-pass"));
    same_outside(
        &xml_before,
        xml,
        "<salesforce:oauth-user-pass-connection",
        "</salesforce:oauth-user-pass-connection>",
    );
    // Dotted YAML keys, as the file writes them; the consumer key is the
    // connection's own (no new property).
    assert_eq!(
        new_text(&p, "app.yaml"),
        format!(
            "{}sf.keystore.path: \"<path of the PKCS#12 keystore>\"\n",
            read(&app, "src/main/resources/app.yaml")
        )
    );
    assert!(new_text(&p, "secure.yaml")
        .ends_with("\nsf.keystore.password: \"<encrypted keystore password>\"\n"));
    assert!(
        p.notes.iter().any(|n| n.contains("kept readTimeout")),
        "{:?}",
        p.notes
    );
    assert!(p
        .plan
        .actions
        .iter()
        .any(|a| a.contains("nested <tls:context>")));
    let names: Vec<&str> = p
        .unused
        .iter()
        .map(|u| u.split(' ').next().unwrap())
        .collect();
    assert_eq!(names, vec!["sf.password", "sf.consumerSecret"]);
    apply_and_rescan(&app, &p, "SF", "${sf.user}");
}

/// A `${...}` url that is the production login host in every environment leaves
/// tokenEndpoint and audienceUrl to their defaults: nothing written for them.
#[test]
fn a_production_url_everywhere_keeps_the_defaults() {
    let (_tmp, app) = fixture("jwt-props");
    let dev = app.join("src/main/resources/config-dev.properties");
    let text = std::fs::read_to_string(&dev).unwrap().replace(
        "https://test.salesforce.com/",
        "https://login.salesforce.com/",
    );
    std::fs::write(&dev, text).unwrap();
    let p = plan(&app, &JwtOptions::default());
    let xml = new_text(&p, "global.xml");
    assert!(
        !xml.contains("tokenEndpoint") && !xml.contains("audienceUrl"),
        "{xml}"
    );
    for env in ["dev", "prod"] {
        let props = new_text(&p, &format!("config-{env}.properties"));
        assert!(
            !props.contains("tokenEndpoint") && !props.contains("audienceUrl"),
            "{props}"
        );
    }
    apply_and_rescan(&app, &p, "Salesforce_Config", "${sfdc.username}");
}

#[test]
fn property_names_from_options() {
    let (_tmp, app) = fixture("jwt-props");
    let p = plan(
        &app,
        &JwtOptions {
            consumer_key_property: Some("jwt.clientId".into()),
            keystore_property: Some("jwt.keystore".into()),
            store_password_property: Some("jwt.storePassword".into()),
            ..JwtOptions::default()
        },
    );
    let xml = new_text(&p, "global.xml");
    assert!(xml.contains(
        "consumerKey=\"${jwt.clientId}\" keyStore=\"${jwt.keystore}\"\n\t\t\tstorePassword=\"${secure::jwt.storePassword}\""
    ), "{xml}");
    assert!(new_text(&p, "config-dev.properties").contains("\njwt.clientId=<consumer key of the connected app>\njwt.keystore=<path of the PKCS#12 keystore>\n"));
    let (inventory, findings) = scan(&app);
    let bad = JwtOptions {
        keystore_property: Some("a b".into()),
        ..JwtOptions::default()
    };
    assert!(plan_jwt(&inventory, &findings, &bad).is_err());
}

/// A plain definition that reads the secure one (`sfdc.password=${secure::sfdc.password}`)
/// is listed with it, not taken for another reader; a flow that still reads the
/// token keeps it.
#[test]
fn password_definitions_read_elsewhere_are_kept() {
    let (_tmp, app) = fixture("jwt-props");
    let xml = app.join("src/main/mule/global.xml");
    let text = std::fs::read_to_string(&xml).unwrap();
    let text = text
        .replace("password=\"${secure::sfdc.password}\"", "password=\"${sfdc.password}\"")
        .replace(
            "\t<flow name=\"sync-accounts\">\n",
            "\t<flow name=\"sync-accounts\">\n\t\t<logger message=\"#[p('sfdc.token') != null]\"/>\n",
        );
    std::fs::write(&xml, text).unwrap();
    let props = app.join("src/main/resources/config-prod.properties");
    let mut text = std::fs::read_to_string(&props).unwrap();
    text.push_str("sfdc.password=${secure::sfdc.password}\n");
    std::fs::write(&props, text).unwrap();
    let p = plan(&app, &JwtOptions::default());
    assert_eq!(p.unused.len(), 1, "{:?}", p.unused);
    assert!(p.unused[0].starts_with("sfdc.password (password of `Salesforce_Config`) in "));
    for f in [
        "config-prod.properties",
        "secure-dev.properties",
        "secure-prod.properties",
    ] {
        assert!(p.unused[0].contains(f), "{}", p.unused[0]);
    }
    assert!(
        p.notes.iter().any(|n| n.starts_with(
            "sfdc.token (securityToken of `Salesforce_Config`) is still read elsewhere"
        )),
        "{:?}",
        p.notes
    );
}

/// A password written in the element itself goes with the attribute: listed to
/// rotate (it stays in the git history), never shown.
#[test]
fn a_literal_password_is_removed_and_listed_unshown() {
    let (_tmp, app) = fixture("jwt-yaml");
    let xml = app.join("src/main/mule/app.xml");
    let text = std::fs::read_to_string(&xml)
        .unwrap()
        .replace("${salesforce.orders.password}", "Lit3ral-Passw0rd-42");
    std::fs::write(&xml, text).unwrap();
    let p = plan(&app, &JwtOptions::default());
    assert!(!new_text(&p, "app.xml").contains("Lit3ral-Passw0rd-42"));
    assert_eq!(
        p.unused,
        vec![
            "the password written in `Orders_SF` itself (".to_string()
                + &app.join("src/main/mule/app.xml").to_string_lossy()
                + "): removed with the attribute, but still in the git history"
        ]
    );
    let shown = format!(
        "{:?}{:?}{:?}{}",
        p.plan.actions,
        p.unused,
        p.notes,
        p.plan.diff()
    );
    assert!(!shown.contains("Lit3ral-Passw0rd-42"), "{shown}");
}

/// The Composite connector's connection (its JWT element name is UNVERIFIED)
/// and a hand-made `<http:request>` login are listed, not rewritten.
#[test]
fn composite_connections_and_http_logins_are_listed() {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/tests/fixtures/IG101");
    for (dir, app, why) in [
        (
            "composite",
            "batch-papi",
            "a Salesforce Composite connection",
        ),
        (
            "http-requests",
            "token-api",
            "not a connection element: change it by hand",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let copy = tmp.path().join(app);
        copy_dir(&rules.join(dir).join(app), &copy);
        let p = plan(&copy, &JwtOptions::default());
        assert!(p.plan.is_empty(), "{dir}");
        assert!(!p.plan.skipped.is_empty(), "{dir}");
        for s in &p.plan.skipped {
            assert!(s.contains(why), "{dir}: {s}");
        }
    }
}

/// A file to edit that is not UTF-8 (a secure file saved as Windows-1252) stops the
/// whole plan, naming it: no connection is switched without its properties.
#[test]
fn a_file_that_cannot_be_edited_stops_the_plan() {
    let (_tmp, app) = fixture("jwt-props");
    let secure = app.join("src/main/resources/secure-dev.properties");
    let mut bytes = b"# cl\xe9 de d\xe9veloppement\n".to_vec();
    bytes.extend(std::fs::read(&secure).unwrap());
    std::fs::write(&secure, bytes).unwrap();
    let (inventory, findings) = scan(&app);
    let e = plan_jwt(&inventory, &findings, &JwtOptions::default()).unwrap_err();
    assert!(
        e.0.contains("secure-dev.properties: not valid UTF-8"),
        "{e}"
    );
    assert!(e.0.contains("fix jwt"), "{e}");
}

/// A checkout with CRLF line ends (Windows) gets CRLF on every line written.
#[test]
fn crlf_files_keep_crlf() {
    let (_tmp, app) = fixture("jwt-props");
    let files = [
        "src/main/mule/global.xml",
        "src/main/resources/config-dev.properties",
        "src/main/resources/secure-dev.properties",
    ];
    for f in files {
        let text = read(&app, f).replace('\n', "\r\n");
        std::fs::write(app.join(f), text).unwrap();
    }
    let p = plan(&app, &JwtOptions::default());
    for f in files {
        let new = new_text(&p, f);
        assert_eq!(
            new.matches('\n').count(),
            new.matches("\r\n").count(),
            "{f}: {new}"
        );
    }
    apply_and_rescan(&app, &p, "Salesforce_Config", "${sfdc.username}");
}

#[test]
fn mule3_connections_are_listed_not_rewritten() {
    let (_tmp, app) = fixture("mule3-app");
    let p = plan(&app, &JwtOptions::default());
    assert!(p.plan.is_empty());
    assert_eq!(p.plan.skipped.len(), 1, "{:?}", p.plan.skipped);
    let s = &p.plan.skipped[0];
    assert!(s.contains("`Salesforce` (sfdc:config)"), "{s}");
    assert!(s.contains("Mule 3") && s.contains("UNVERIFIED"), "{s}");
    assert!(!s.contains("Tok3nLiteralValue99"));
}
