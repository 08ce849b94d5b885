//! `fix jwt` on fixture apps (Mule 4 basic-connection with per-environment .properties
//! and a secure-properties configuration; per-environment YAML without one; an
//! oauth-user-pass connection with a nested TLS context; Mule 3), copied to temporary
//! folders: the plan, the files written, and the app scanned again.

use std::path::{Path, PathBuf};

mod common;
use common::{copy_dir, fixture, scan};

use intguard_fix::{plan_jwt, verify_jwt, JwtOptions, JwtPlan};
use intguard_model::{AuthClass, Finding};

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
    assert_eq!(
        conn.element.rsplit(':').next(),
        Some("jwt-connection"),
        "{}",
        conn.element
    );
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

/// Writes `files` (path, text) under a new app folder.
fn inline_app(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    for (rel, text) in files {
        let p = app.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    (dir, app)
}

const MULE_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\"\n\txmlns:sf=\"http://www.mulesoft.org/schema/mule/salesforce\"\n\txmlns:doc=\"http://www.mulesoft.org/schema/mule/documentation\"\n\txmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n\txsi:schemaLocation=\"http://www.mulesoft.org/schema/mule/core http://www.mulesoft.org/schema/mule/core/current/mule.xsd\n\t\thttp://www.mulesoft.org/schema/mule/salesforce http://www.mulesoft.org/schema/mule/salesforce/current/mule-salesforce.xsd\">\n";

const ARTIFACT: &str = "{\n  \"minMuleVersion\": \"4.4.0\"\n}\n";

/// The values the app's property files give `name` once written: every
/// file that defines it, read again by intguard's reader.
fn defined(app: &Path, name: &str) -> Vec<String> {
    let (after, _) = scan(app);
    after
        .apps
        .iter()
        .flat_map(|a| &a.property_files)
        .flat_map(|f| &f.entries)
        .filter(|e| e.key() == name)
        .map(|e| e.value().to_string())
        .collect()
}

/// Nothing the plan prints (actions, notes, what is left, the diff) shows a
/// secret of the app's files.
fn assert_nothing_shown(p: &JwtPlan, secrets: &[&str]) {
    let shown = format!(
        "{:?}{:?}{:?}{:?}{}",
        p.plan.actions,
        p.plan.skipped,
        p.unused,
        p.notes,
        p.plan.diff()
    );
    for s in secrets {
        assert!(!shown.contains(s), "{s} shown: {shown}");
    }
}

/// A connection as Studio and hand edits leave it: another prefix for the
/// Salesforce namespace (`sf:`), a self-closing element with its attributes
/// over several lines (tabs, CRLF), single quotes, `doc:` attributes, an
/// entity in a value, and a comment before it.
#[test]
fn another_prefix_self_closing_single_quotes_entities_crlf() {
    let xml = format!(
        "{MULE_HEAD}\t<configuration-properties file=\"config.properties\"/>\n\t<sf:sfdc-config name=\"SF\" doc:name=\"Salesforce Config\">\n\t\t<!-- login as <the integration user> -->\n\t\t<sf:basic-connection\n\t\t\tusername='${{sfdc.username}}'\n\t\t\tpassword=\"${{sfdc.password}}\"\tdoc:id=\"a&amp;b\"\n\t\t\turl='https://acme.my.salesforce.com/services/Soap/u/60.0?a=1&amp;b=2'/>\n\t</sf:sfdc-config>\n\t<flow name=\"f\">\n\t\t<sf:query config-ref=\"SF\"/>\n\t</flow>\n</mule>\n"
    )
    .replace('\n', "\r\n");
    let (_tmp, app) = inline_app(&[
        ("src/main/mule/global.xml", &xml),
        (
            "src/main/resources/config.properties",
            "sfdc.username=int@acme.com\r\nsfdc.password=S3cr3t-Pw-Value\r\n",
        ),
        ("mule-artifact.json", ARTIFACT),
    ]);
    let p = plan(&app, &JwtOptions::default());
    assert_nothing_shown(&p, &["S3cr3t-Pw-Value"]);
    assert_eq!(p.plan.skipped, Vec::<String>::new());
    let new = new_text(&p, "global.xml");
    assert!(
        new.contains("<sf:jwt-connection consumerKey=\"${sfdc.consumerKey}\""),
        "{new}"
    );
    assert!(
        new.contains("principal='${sfdc.username}'")
            || new.contains("principal=\"${sfdc.username}\""),
        "{new}"
    );
    assert!(new.contains("doc:id=\"a&amp;b\""), "{new}");
    assert!(
        new.contains("tokenEndpoint=\"https://acme.my.salesforce.com/services/oauth2/token\""),
        "{new}"
    );
    assert!(
        new.contains("<!-- login as <the integration user> -->"),
        "{new}"
    );
    assert_eq!(
        new.matches('\n').count(),
        new.matches("\r\n").count(),
        "{new}"
    );
    assert!(
        !new.contains("password=\"") && !new.contains("basic-connection"),
        "{new}"
    );
    apply_and_rescan(&app, &p, "SF", "${sfdc.username}");
    assert_eq!(
        defined(&app, "sfdc.keystore.path"),
        vec!["<path of the PKCS#12 keystore>"]
    );
    let again = plan(&app, &JwtOptions::default());
    assert!(
        again.plan.is_empty() && again.plan.skipped.is_empty(),
        "{:?}",
        again.plan.skipped
    );
}

/// Two password connections in one file (one user property each) and a
/// jwt-connection already there: both switched, in one edit of the file.
#[test]
fn two_configs_in_one_file_next_to_a_jwt_connection() {
    let xml = format!(
        "{MULE_HEAD}    <configuration-properties file=\"config.yaml\"/>\n    <sf:sfdc-config name=\"A\">\n        <sf:basic-connection username=\"${{sf.a.user}}\" password=\"${{sf.a.password}}\"/>\n    </sf:sfdc-config>\n    <sf:sfdc-config name=\"B\">\n        <sf:oauth-user-pass-connection consumerKey=\"${{sf.b.key}}\" consumerSecret=\"${{sf.b.secret}}\" username=\"${{sf.b.user}}\" password=\"${{sf.b.password}}\"/>\n    </sf:sfdc-config>\n    <sf:sfdc-config name=\"C\">\n        <sf:jwt-connection consumerKey=\"${{sf.c.key}}\" keyStore=\"${{sf.c.keystore.path}}\" storePassword=\"${{sf.c.keystore.password}}\" principal=\"${{sf.c.user}}\"/>\n    </sf:sfdc-config>\n</mule>\n"
    );
    let (_tmp, app) = inline_app(&[
        ("src/main/mule/global.xml", &xml),
        (
            "src/main/resources/config.yaml",
            "sf:\n  a:\n    user: \"a@acme.com\"\n    password: \"Pw-A-123456\"\n  b:\n    user: \"b@acme.com\"\n    password: \"Pw-B-123456\"\n    key: \"3MVG9Key\"\n    secret: \"Sec-B-123456\"\n  c:\n    user: \"c@acme.com\"\n    key: \"3MVG9KeyC\"\n    keystore:\n      path: \"k.p12\"\n      password: \"<keystore password>\"\n",
        ),
        ("mule-artifact.json", ARTIFACT),
    ]);
    let p = plan(&app, &JwtOptions::default());
    assert_nothing_shown(&p, &["Pw-A-123456", "Pw-B-123456", "Sec-B-123456"]);
    assert_eq!(p.switched.len(), 2, "{:?}", p.plan.skipped);
    apply_and_rescan(&app, &p, "A", "${sf.a.user}");
    let (after, _) = scan(&app);
    let b = after
        .connections()
        .map(|(_, c)| c)
        .find(|c| c.config_name == "B")
        .unwrap();
    assert_eq!(b.element, "sf:jwt-connection");
    assert_eq!(defined(&app, "sf.a.keystore.path").len(), 1);
    assert_eq!(defined(&app, "sf.b.keystore.path").len(), 1);
    assert_eq!(defined(&app, "sf.c.keystore.path"), vec!["k.p12"]);
}

/// A connection element for the username `user` (as written), in an app
/// with `extra` global elements.
fn username_app(user: &str, extra: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let xml = format!(
        "{MULE_HEAD}{extra}    <sf:sfdc-config name=\"SF\">\n        <sf:basic-connection username=\"{user}\" password=\"${{sfdc.password}}\"/>\n    </sf:sfdc-config>\n</mule>\n"
    );
    let mut all: Vec<(&str, &str)> = vec![
        ("src/main/mule/global.xml", &xml),
        ("mule-artifact.json", ARTIFACT),
    ];
    all.extend_from_slice(files);
    inline_app(&all)
}

/// The findings of `after` the added properties cause: those of a rule
/// `before` did not report, and those naming one of `added` (what `before`
/// reported is reworded after the switch: the connection's element, the
/// password no longer read, so messages are not compared).
fn new_findings(before: &[Finding], after: &[Finding], added: &[&str]) -> Vec<String> {
    let rules: std::collections::BTreeSet<&str> = before.iter().map(|f| f.rule).collect();
    after
        .iter()
        .filter(|f| !rules.contains(f.rule) || added.iter().any(|n| f.message.contains(n)))
        .map(|f| format!("{} {}", f.rule, f.message))
        .collect()
}

/// A username written as a literal, in an app with a property file every
/// environment loads (`config.properties`) and per-environment ones: the new
/// properties are named after the connection, go to the common file only, in its
/// syntax, and a note names it; the principal stays the literal.
#[test]
fn literal_username() {
    let (_tmp, app) = username_app(
        "int@acme.com",
        "    <configuration-properties file=\"config.properties\"/>\n    <configuration-properties file=\"${env}.properties\"/>\n",
        &[
            (
                "src/main/resources/config.properties",
                "sfdc.password=Pw-Lit-123456\nhttp.port=8081\n",
            ),
            ("src/main/resources/dev.properties", "api.url=https://dev.acme.example\n"),
            ("src/main/resources/prod.properties", "api.url=https://acme.example\n"),
        ],
    );
    let (_, before) = scan(&app);
    let config_before = read(&app, "src/main/resources/config.properties");
    let p = plan(&app, &JwtOptions::default());
    assert_nothing_shown(&p, &["Pw-Lit-123456"]);
    let xml = new_text(&p, "global.xml");
    assert!(xml.contains("principal=\"int@acme.com\""), "{xml}");
    assert!(
        xml.contains("consumerKey=\"${SF.consumerKey}\" keyStore=\"${SF.keystore.path}\""),
        "{xml}"
    );
    assert!(
        xml.contains("storePassword=\"${SF.keystore.password}\""),
        "{xml}"
    );
    assert_eq!(
        new_text(&p, "config.properties"),
        format!("{config_before}SF.consumerKey=<consumer key of the connected app>\nSF.keystore.path=<path of the PKCS#12 keystore>\nSF.keystore.password=<keystore password>\n")
    );
    // Not the per-environment files: one consumer key for every environment.
    assert!(
        !p.plan.changes.iter().any(|c| {
            let path = c.path.to_string_lossy();
            path.ends_with("dev.properties") || path.ends_with("prod.properties")
        }),
        "{:?}",
        p.plan.actions
    );
    assert!(
        !p.notes.iter().any(|n| n.contains("to no file")),
        "{:?}",
        p.notes
    );
    let note = p
        .notes
        .iter()
        .find(|n| n.contains("written as a literal"))
        .expect("a note");
    assert!(
        note.contains("config.properties, the property file every environment loads")
            && note.contains("SF.consumerKey"),
        "{note}"
    );
    let after = apply_and_rescan(&app, &p, "SF", "int@acme.com");
    assert_eq!(
        new_findings(
            &before,
            &after,
            &["SF.consumerKey", "SF.keystore", "keystore"]
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        defined(&app, "SF.keystore.path"),
        vec!["<path of the PKCS#12 keystore>"]
    );
    let again = plan(&app, &JwtOptions::default());
    assert!(again.plan.is_empty() && again.plan.skipped.is_empty());
}

/// Two literal usernames in one app: each connection gets its own properties
/// (named after it), in the common YAML file that defines the password the
/// connection reads (chosen over another common file), nested in its syntax.
#[test]
fn literal_usernames_of_two_connections_in_yaml() {
    let xml = format!(
        "{MULE_HEAD}    <configuration-properties file=\"a-common.yaml\"/>\n    <configuration-properties file=\"sfdc.yaml\"/>\n    <sf:sfdc-config name=\"Orders SF\">\n        <sf:basic-connection username=\"orders@acme.com\" password=\"${{sfdc.orders.password}}\"/>\n    </sf:sfdc-config>\n    <sf:sfdc-config name=\"Billing_SF\">\n        <sf:basic-connection username=\"billing@acme.com\" password=\"${{sfdc.billing.password}}\" url=\"https://test.salesforce.com/services/Soap/u/60.0\"/>\n    </sf:sfdc-config>\n</mule>\n"
    );
    let sfdc_yaml = "sfdc:\n  orders:\n    password: \"Pw-Orders-123456\"\n  billing:\n    password: \"Pw-Billing-123456\"\n";
    let (_tmp, app) = inline_app(&[
        ("src/main/mule/global.xml", &xml),
        (
            "src/main/resources/a-common.yaml",
            "http:\n  port: \"8081\"\n",
        ),
        ("src/main/resources/sfdc.yaml", sfdc_yaml),
        ("mule-artifact.json", ARTIFACT),
    ]);
    let (_, before) = scan(&app);
    let p = plan(&app, &JwtOptions::default());
    assert_nothing_shown(&p, &["Pw-Orders-123456", "Pw-Billing-123456"]);
    assert_eq!(p.switched.len(), 2, "{:?}", p.plan.skipped);
    assert!(
        !p.plan
            .changes
            .iter()
            .any(|c| c.path.to_string_lossy().ends_with("a-common.yaml")),
        "{:?}",
        p.plan.actions
    );
    let yaml = new_text(&p, "sfdc.yaml");
    assert!(yaml.starts_with(sfdc_yaml), "{yaml}");
    let xml = new_text(&p, "global.xml");
    assert!(
        xml.contains("consumerKey=\"${Orders_SF.consumerKey}\""),
        "{xml}"
    );
    assert!(
        xml.contains("consumerKey=\"${Billing_SF.consumerKey}\""),
        "{xml}"
    );
    assert!(
        xml.contains("tokenEndpoint=\"https://test.salesforce.com/services/oauth2/token\""),
        "{xml}"
    );
    let after = apply_and_rescan(&app, &p, "Billing_SF", "billing@acme.com");
    assert_eq!(
        new_findings(&before, &after, &["consumerKey", "keystore"]),
        Vec::<String>::new()
    );
    for name in ["Orders_SF.keystore.path", "Billing_SF.keystore.path"] {
        assert_eq!(
            defined(&app, name),
            vec!["<path of the PKCS#12 keystore>"],
            "{name}"
        );
    }
}

/// A literal username in an app whose property files are all per environment
/// (`${mule.env}`), with a secure configuration: each environment's plain file
/// gets the consumer key and keystore, each secure file the store password.
#[test]
fn literal_username_per_environment_files() {
    let (_tmp, app) = username_app(
        "int@acme.com",
        "    <configuration-properties file=\"props/${mule.env}.yaml\"/>\n    <secure-properties:config xmlns:secure-properties=\"http://www.mulesoft.org/schema/mule/secure-properties\" name=\"S\" key=\"${key}\" file=\"props/${mule.env}-secure.yaml\"/>\n",
        &[
            ("src/main/resources/props/dev.yaml", "sfdc.url: \"https://test.salesforce.com\"\n"),
            ("src/main/resources/props/prod.yaml", "sfdc.url: \"https://login.salesforce.com\"\n"),
            ("src/main/resources/props/dev-secure.yaml", "sfdc.password: \"![c2VjcmV0IHZhbHVl]\"\n"),
            ("src/main/resources/props/prod-secure.yaml", "sfdc.password: \"![b3RoZXIgdmFsdWU=]\"\n"),
        ],
    );
    let (_, before) = scan(&app);
    let p = plan(&app, &JwtOptions::default());
    assert_eq!(p.switched.len(), 1, "{:?}", p.plan.skipped);
    for env in ["dev", "prod"] {
        let plain = new_text(&p, &format!("props/{env}.yaml"));
        assert!(
            plain.ends_with("SF.consumerKey: \"<consumer key of the connected app>\"\nSF.keystore.path: \"<path of the PKCS#12 keystore>\"\n"),
            "{plain}"
        );
        let secure = new_text(&p, &format!("props/{env}-secure.yaml"));
        assert!(
            secure.ends_with("SF.keystore.password: \"<encrypted keystore password>\"\n"),
            "{secure}"
        );
    }
    let note = p
        .notes
        .iter()
        .find(|n| n.contains("each environment's file"))
        .expect("a note");
    assert!(
        note.contains("dev.yaml") && note.contains("prod.yaml"),
        "{note}"
    );
    let xml = new_text(&p, "global.xml");
    assert!(
        xml.contains("storePassword=\"${secure::SF.keystore.password}\""),
        "{xml}"
    );
    let after = apply_and_rescan(&app, &p, "SF", "int@acme.com");
    assert_eq!(
        new_findings(&before, &after, &["consumerKey", "keystore"]),
        Vec::<String>::new()
    );
}

/// A literal username in an app that loads no property file: nothing added,
/// and the note says what to add and where.
#[test]
fn literal_username_without_property_files() {
    let (_tmp, app) = username_app("int@acme.com", "", &[]);
    let p = plan(&app, &JwtOptions::default());
    assert_eq!(p.switched.len(), 1, "{:?}", p.plan.skipped);
    let note = p
        .notes
        .iter()
        .find(|n| n.contains("loads no property file"))
        .expect("a note");
    for what in [
        "src/main/resources/config.yaml",
        "SF.consumerKey: \"<consumer key of the connected app>\"",
        "SF.keystore.path: \"<path of the PKCS#12 keystore>\"",
        "SF.keystore.password",
        "<configuration-properties file=\"config.yaml\"/>",
        "global.xml",
    ] {
        assert!(note.contains(what), "{what} not in {note}");
    }
    assert_eq!(
        p.plan
            .changes
            .iter()
            .map(|c| c.path.file_name().unwrap().to_string_lossy().to_string())
            .filter(|n| n != "mule-artifact.json")
            .collect::<Vec<_>>(),
        vec!["global.xml"]
    );
    apply_and_rescan(&app, &p, "SF", "int@acme.com");
}

/// A username set by a `<global-property>`: the new properties are added as
/// global properties next to it (where the app sets its values).
#[test]
fn username_from_a_global_property() {
    let (_tmp, app) = username_app(
        "${sfdc.username}",
        "    <global-property name=\"sfdc.username\" value=\"int@acme.com\"/>\n    <global-property name=\"sfdc.password\" value=\"${sfdc.pw}\"/>\n    <global-property name=\"sfdc.url\" value=\"https://acme--uat.sandbox.my.salesforce.com/services/Soap/u/60.0\"/>\n",
        &[],
    );
    let xml = app.join("src/main/mule/global.xml");
    let text = std::fs::read_to_string(&xml).unwrap().replace(
        "password=\"${sfdc.password}\"",
        "password=\"${sfdc.password}\" url=\"${sfdc.url}\"",
    );
    std::fs::write(&xml, text).unwrap();
    let p = plan(&app, &JwtOptions::default());
    let new = new_text(&p, "global.xml");
    assert!(new.contains("tokenEndpoint=\"${sfdc.tokenEndpoint}\"\n            audienceUrl=\"${sfdc.audienceUrl}\"/>"), "{new}");
    assert!(new.contains("value=\"https://acme--uat.sandbox.my.salesforce.com/services/Soap/u/60.0\"/>\n    <global-property name=\"sfdc.tokenEndpoint\" value=\"https://acme--uat.sandbox.my.salesforce.com/services/oauth2/token\"/>\n    <global-property name=\"sfdc.audienceUrl\" value=\"https://test.salesforce.com\"/>\n"), "{new}");
    assert!(
        !p.notes.iter().any(|n| n.contains("to no file")),
        "{:?}",
        p.notes
    );
    assert!(new_text(&p, "global.xml").contains(
        "    <global-property name=\"sfdc.username\" value=\"int@acme.com\"/>\n    <global-property name=\"sfdc.consumerKey\" value=\"&lt;consumer key of the connected app>\"/>\n    <global-property name=\"sfdc.keystore.path\" value=\"&lt;path of the PKCS#12 keystore>\"/>\n    <global-property name=\"sfdc.password\""
    ), "{}", new_text(&p, "global.xml"));
    assert_eq!(
        p.unused,
        vec![format!(
            "sfdc.password (password of `SF`): set by the <global-property> at {}:9",
            app.join("src/main/mule/global.xml").display()
        )]
    );
    // No password in clear in the XML: the store password is left to the
    // deployment, and the note says so.
    assert!(
        p.notes.iter().any(|n| n
            .contains("storePassword reads ${sfdc.keystore.password}, which intguard did not add")
            && n.contains("at deploy time as a hidden property")),
        "{:?}",
        p.notes
    );
    let findings = apply_and_rescan(&app, &p, "SF", "${sfdc.username}");
    // The placeholders are template dummies: no plaintext secret reported.
    assert!(
        !findings
            .iter()
            .any(|f| f.rule == "IG102" && f.message.contains("keystore")),
        "{:?}",
        findings.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    let (after, _) = scan(&app);
    let set: Vec<(String, String)> = after.apps[0]
        .global_properties
        .iter()
        .map(|g| (g.name.clone(), g.value.raw.clone()))
        .collect();
    assert!(
        set.contains(&(
            "sfdc.consumerKey".into(),
            "<consumer key of the connected app>".into()
        )),
        "{set:?}"
    );
    // Once more: nothing left to do.
    let again = plan(&app, &JwtOptions::default());
    assert!(again.plan.is_empty() && again.plan.skipped.is_empty());
}

/// A username read from the secure file, with no plain file loaded beside it:
/// the consumer key and keystore go to that secure file, unencrypted, read as
/// `${secure::...}` (a note says so); the storePassword to each secure file.
#[test]
fn username_from_secure_properties() {
    let (_tmp, app) = username_app(
        "${secure::sfdc.username}",
        "    <secure-properties:config xmlns:secure-properties=\"http://www.mulesoft.org/schema/mule/secure-properties\" name=\"S\" key=\"${key}\" file=\"secure.yaml\"/>\n",
        &[("src/main/resources/secure.yaml", "sfdc:\n  username: \"![aGVsbG8gd29ybGQ=]\"\n  password: \"![c2VjcmV0IHZhbHVl]\"\n")],
    );
    let (_, before) = scan(&app);
    let p = plan(&app, &JwtOptions::default());
    assert!(p.switched.len() == 1, "{:?}", p.plan.skipped);
    assert!(
        !p.notes.iter().any(|n| n.contains("to no file")),
        "{:?}",
        p.notes
    );
    let note = p
        .notes
        .iter()
        .find(|n| n.contains("${secure::sfdc.username}"))
        .expect("a note");
    assert!(
        note.contains("secure.yaml") && note.contains("unencrypted"),
        "{note}"
    );
    assert_eq!(
        new_text(&p, "secure.yaml"),
        "sfdc:\n  username: \"![aGVsbG8gd29ybGQ=]\"\n  password: \"![c2VjcmV0IHZhbHVl]\"\n  consumerKey: \"<consumer key of the connected app>\"\n  keystore:\n    path: \"<path of the PKCS#12 keystore>\"\n    password: \"<encrypted keystore password>\"\n"
    );
    let xml = new_text(&p, "global.xml");
    assert!(
        xml.contains("consumerKey=\"${secure::sfdc.consumerKey}\" keyStore=\"${secure::sfdc.keystore.path}\""),
        "{xml}"
    );
    let after = apply_and_rescan(&app, &p, "SF", "${secure::sfdc.username}");
    assert_eq!(
        new_findings(&before, &after, &["consumerKey", "keystore"]),
        Vec::<String>::new()
    );
}

/// A username read from each environment's secure file, with each
/// environment's plain file loaded beside it: the consumer key and keystore go
/// to the plain files (no secrets), the store password to the secure ones.
#[test]
fn username_from_secure_properties_beside_plain_files() {
    let (_tmp, app) = username_app(
        "${secure::sfdc.username}",
        "    <configuration-properties file=\"${env}.properties\"/>\n    <secure-properties:config xmlns:secure-properties=\"http://www.mulesoft.org/schema/mule/secure-properties\" name=\"S\" key=\"${key}\" file=\"${env}-secure.properties\"/>\n",
        &[
            ("src/main/resources/dev.properties", "http.port=8081\n"),
            ("src/main/resources/prod.properties", "http.port=8082\n"),
            ("src/main/resources/dev-secure.properties", "sfdc.username=![aGVsbG8gd29ybGQ=]\nsfdc.password=![c2VjcmV0IHZhbHVl]\n"),
            ("src/main/resources/prod-secure.properties", "sfdc.username=![b3RoZXIgdXNlcg==]\nsfdc.password=![b3RoZXIgdmFsdWU=]\n"),
        ],
    );
    let (_, before) = scan(&app);
    let p = plan(&app, &JwtOptions::default());
    assert!(p.switched.len() == 1, "{:?}", p.plan.skipped);
    for env in ["dev", "prod"] {
        assert!(new_text(&p, &format!("/{env}.properties")).ends_with(
            "sfdc.consumerKey=<consumer key of the connected app>\nsfdc.keystore.path=<path of the PKCS#12 keystore>\n"
        ));
        let secure = new_text(&p, &format!("/{env}-secure.properties"));
        assert!(
            secure.ends_with("\nsfdc.keystore.password=<encrypted keystore password>\n")
                && !secure.contains("consumerKey"),
            "{secure}"
        );
    }
    let xml = new_text(&p, "global.xml");
    assert!(
        xml.contains("consumerKey=\"${sfdc.consumerKey}\" keyStore=\"${sfdc.keystore.path}\"")
            && xml.contains("storePassword=\"${secure::sfdc.keystore.password}\"")
            && xml.contains("principal=\"${secure::sfdc.username}\""),
        "{xml}"
    );
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("plain property file loaded beside")),
        "{:?}",
        p.notes
    );
    // The encrypted usernames are no users to pre-authorize by name.
    assert_eq!(p.switched[0].users, Vec::<String>::new());
    let after = apply_and_rescan(&app, &p, "SF", "${secure::sfdc.username}");
    assert_eq!(
        new_findings(&before, &after, &["consumerKey", "keystore"]),
        Vec::<String>::new()
    );
}

/// YAML: the username at the root (no dot), in a file that nests `sfdc:`
/// elsewhere; dotted keys; comments and an anchor next to where the new keys go.
/// Each result reads back (the reader parses it) with every new property.
#[test]
fn yaml_root_nested_dotted_with_comments_and_anchors() {
    for (user, yaml) in [
        (
            "${sfdcUser}",
            "sfdcUser: \"int@acme.com\"\nsfdcPassword: \"Pw-Root-123456\"\nsfdc:\n  url: \"https://test.salesforce.com\"\n",
        ),
        (
            "${sfdc.user}",
            "defaults: &defaults\n  timeout: 30\nsfdc:\n  <<: *defaults\n  user: \"int@acme.com\" # the integration user\n  # the password, to move\n  password: \"Pw-Nest-123456\"\n# other settings\nhttp:\n  port: 8081\n",
        ),
        (
            "${sfdc.user}",
            "# settings\nsfdc.user: \"int@acme.com\"   # who\nsfdc.password: &pw \"Pw-Dot-123456\"\nother.password: *pw\n",
        ),
    ] {
        let (_tmp, app) = username_app(
            user,
            "    <configuration-properties file=\"app.yaml\"/>\n",
            &[("src/main/resources/app.yaml", yaml)],
        );
        let p = plan(&app, &JwtOptions::default());
        assert_nothing_shown(&p, &["Pw-Root-123456", "Pw-Nest-123456", "Pw-Dot-123456"]);
        assert_eq!(p.switched.len(), 1, "{yaml}: {:?}", p.plan.skipped);
        let new = new_text(&p, "app.yaml").to_string();
        apply_and_rescan(&app, &p, "SF", user);
        for name in ["sfdc.consumerKey", "sfdc.keystore.path", "sfdc.keystore.password"] {
            assert_eq!(defined(&app, name).len(), 1, "{name} in {new}");
        }
        assert!(new.starts_with(yaml.split("sfdc").next().unwrap()), "{new}");
        for line in yaml.lines() {
            assert!(new.contains(line), "{line} lost: {new}");
        }
    }
}

/// `.properties` written with `:` and spaces, a value continued over lines
/// last, and no line end at the end of the file.
#[test]
fn properties_with_colons_and_continuations() {
    let props = "sfdc.username : int@acme.com\nsfdc.password:Pw-Colon-123456\nsfdc.note = a long \\\n    value \\\n    continued";
    let (_tmp, app) = username_app(
        "${sfdc.username}",
        "    <configuration-properties file=\"config.properties\"/>\n",
        &[("src/main/resources/config.properties", props)],
    );
    let p = plan(&app, &JwtOptions::default());
    assert_nothing_shown(&p, &["Pw-Colon-123456"]);
    apply_and_rescan(&app, &p, "SF", "${sfdc.username}");
    assert_eq!(defined(&app, "sfdc.note"), vec!["a long value continued"]);
    assert_eq!(
        defined(&app, "sfdc.consumerKey"),
        vec!["<consumer key of the connected app>"]
    );
    assert_eq!(defined(&app, "sfdc.username"), vec!["int@acme.com"]);
}

/// A Mule plugin's connection, imported by an app that defines its
/// properties: the plugin has no property file to add the new properties to
/// (the importing apps' are), so switching it alone would leave every
/// importing app with references nothing defines. It is listed, not switched.
#[test]
fn a_plugin_connection_is_listed_not_half_switched() {
    let pom = |artifact: &str, packaging: &str, dep: bool| {
        let d = if dep {
            "<dependencies><dependency><groupId>com.acme</groupId><artifactId>common-lib</artifactId><version>1.0.0</version><classifier>mule-plugin</classifier></dependency></dependencies>"
        } else {
            ""
        };
        format!("<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion><groupId>com.acme</groupId><artifactId>{artifact}</artifactId><version>1.0.0</version><packaging>{packaging}</packaging>{d}</project>")
    };
    let plugin_xml = format!(
        "{MULE_HEAD}    <sf:sfdc-config name=\"Common_SF\">\n        <sf:basic-connection username=\"${{sfdc.username}}\" password=\"${{secure::sfdc.password}}\"/>\n    </sf:sfdc-config>\n</mule>\n"
    );
    let (_tmp, root) = inline_app(&[
        ("common-lib/pom.xml", &pom("common-lib", "mule-plugin", false)),
        ("common-lib/src/main/mule/common.xml", &plugin_xml),
        ("orders/pom.xml", &pom("orders", "mule-application", true)),
        ("orders/mule-artifact.json", ARTIFACT),
        (
            "orders/src/main/mule/global.xml",
            "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\" xmlns:secure-properties=\"http://www.mulesoft.org/schema/mule/secure-properties\">\n  <import file=\"common.xml\"/>\n  <configuration-properties file=\"properties/${mule.env}.yaml\"/>\n  <secure-properties:config name=\"S\" key=\"${encryption.key}\" file=\"properties/${mule.env}-secure.yaml\"/>\n  <global-property name=\"mule.env\" value=\"dev\"/>\n</mule>\n",
        ),
        (
            "orders/src/main/resources/properties/dev.yaml",
            "sfdc:\n  username: \"int@acme.com\"\n",
        ),
        (
            "orders/src/main/resources/properties/dev-secure.yaml",
            "sfdc:\n  password: \"![abcdefgh]\"\n",
        ),
    ]);
    let (inventory, findings) = scan(&root);
    let ig101: Vec<_> = findings.iter().filter(|f| f.rule == "IG101").collect();
    assert!(!ig101.is_empty(), "IG101 reports the plugin's connection");
    let p = plan_jwt(&inventory, &findings, &JwtOptions::default()).unwrap();
    assert!(p.plan.is_empty(), "{:?}", p.plan.actions);
    assert!(p.switched.is_empty());
    assert_eq!(p.plan.skipped.len(), 1, "{:?}", p.plan.skipped);
    let s = &p.plan.skipped[0];
    assert!(
        s.contains("`Common_SF`") && s.contains("Mule plugin common-lib"),
        "{s}"
    );
    assert!(s.contains("orders"), "{s}");
}

/// A comment among the element's children, a `>` in a value, and a username
/// written in single quotes around double ones (a DataWeave expression): the
/// principal keeps the value as the parser reads it.
#[test]
fn comments_inside_and_quotes_in_values() {
    let xml = format!(
        "{MULE_HEAD}    <configuration-properties file=\"config.properties\"/>\n    <sf:sfdc-config name=\"SF\">\n        <sf:basic-connection username='#[p(\"sfdc.username\")]' password=\"${{sfdc.password}}\" doc:description=\"a > b\">\n            <!-- retry </sf:basic-connection> -->\n            <reconnection><reconnect count=\"3\"/></reconnection>\n        </sf:basic-connection>\n    </sf:sfdc-config>\n</mule>\n"
    );
    let (_tmp, app) = inline_app(&[
        ("src/main/mule/global.xml", &xml),
        (
            "src/main/resources/config.properties",
            "sfdc.username=int@acme.com\nsfdc.password=Pw-Quote-123456\n",
        ),
        ("mule-artifact.json", ARTIFACT),
    ]);
    let p = plan(&app, &JwtOptions::default());
    assert_nothing_shown(&p, &["Pw-Quote-123456"]);
    assert_eq!(p.switched.len(), 1, "{:?}", p.plan.skipped);
    let new = new_text(&p, "global.xml");
    assert!(
        new.contains("<!-- retry </sf:basic-connection> -->"),
        "{new}"
    );
    assert!(new.contains("doc:description=\"a > b\""), "{new}");
    assert!(
        new.contains("principal=\"#[p(&quot;sfdc.username&quot;)]\""),
        "{new}"
    );
    assert!(
        new.contains("</sf:jwt-connection>\n    </sf:sfdc-config>"),
        "{new}"
    );
    apply_and_rescan(&app, &p, "SF", "#[p(\"sfdc.username\")]");
    // The property the expression reads is the username's: the new properties
    // go to the file that defines it.
    assert_eq!(
        defined(&app, "sfdc.consumerKey"),
        vec!["<consumer key of the connected app>"]
    );
}

/// A login url read with `#[Mule::p('...')]`: per-file properties derived from
/// the values, as for `${...}`.
#[test]
fn an_expression_reading_one_property() {
    let xml = format!(
        "{MULE_HEAD}    <configuration-properties file=\"config.properties\"/>\n    <sf:sfdc-config name=\"SF\">\n        <sf:basic-connection username=\"#[p('sf.user')]\" password=\"#[p('secure::sf.password')]\" url=\"#[Mule::p('sf.url')]\"/>\n    </sf:sfdc-config>\n</mule>\n"
    );
    let (_tmp, app) = inline_app(&[
        ("src/main/mule/global.xml", &xml),
        (
            "src/main/resources/config.properties",
            "sf.user=int@acme.com\nsf.url=https://test.salesforce.com/services/Soap/u/58.0\n",
        ),
        ("mule-artifact.json", ARTIFACT),
    ]);
    let p = plan(&app, &JwtOptions::default());
    let new = new_text(&p, "global.xml");
    assert!(
        new.contains("tokenEndpoint=\"${sf.tokenEndpoint}\"")
            && new.contains("principal=\"#[p('sf.user')]\""),
        "{new}"
    );
    apply_and_rescan(&app, &p, "SF", "#[p('sf.user')]");
    assert_eq!(
        defined(&app, "sf.audienceUrl"),
        vec!["https://test.salesforce.com"]
    );
    assert_eq!(defined(&app, "sf.keystore.path").len(), 1);
}

/// YAML written with a flow mapping (`sfdc: {username: ..., password: ...}`):
/// the new keys must not open a second `sfdc:` mapping (a duplicate key).
#[test]
fn yaml_flow_mapping() {
    let yaml =
        "sfdc: {username: \"int@acme.com\", password: \"Pw-Flow-123456\"}\nhttp:\n  port: 8081\n";
    let (_tmp, app) = username_app(
        "${sfdc.username}",
        "    <configuration-properties file=\"app.yaml\"/>\n",
        &[("src/main/resources/app.yaml", yaml)],
    );
    let p = plan(&app, &JwtOptions::default());
    assert_nothing_shown(&p, &["Pw-Flow-123456"]);
    let new = new_text(&p, "app.yaml").to_string();
    apply_and_rescan(&app, &p, "SF", "${sfdc.username}");
    assert_eq!(
        defined(&app, "sfdc.username"),
        vec!["int@acme.com"],
        "{new}"
    );
    assert_eq!(defined(&app, "sfdc.keystore.path").len(), 1, "{new}");
}

/// The diff shows the store password placeholders intguard writes as they are
/// (fixed texts, no secret), while every real secret stays masked: those of the
/// lines around them, and a placeholder text inside a real value.
#[test]
fn the_diff_shows_the_store_password_placeholders() {
    let (_tmp, app) = fixture("jwt-yaml");
    let p = plan(&app, &JwtOptions::default());
    let diff = p.plan.diff();
    assert!(
        diff.contains("\n+      password: \"<keystore password>\"\n"),
        "{diff}"
    );
    for secret in ["Tiger2024!dev", "Pr0d-S3cret-Orders"] {
        assert!(!diff.contains(secret), "{diff}");
    }
    let (_tmp, app) = fixture("jwt-props");
    let p = plan(&app, &JwtOptions::default());
    let diff = p.plan.diff();
    assert!(
        diff.contains("\n+sfdc.keystore.password=<encrypted keystore password>\n"),
        "{diff}"
    );
    // A real password that merely contains the placeholder text stays masked.
    let (_tmp, app) = fixture("jwt-yaml");
    let dev = app.join("src/main/resources/properties/dev.yaml");
    let text = std::fs::read_to_string(&dev)
        .unwrap()
        .replace("Tiger2024!dev", "x<keystore password>Tiger2024")
        + "other:\n  password: \"x<keystore password>Tiger2024\"\n";
    std::fs::write(&dev, text).unwrap();
    let p = plan(&app, &JwtOptions::default());
    let diff = p.plan.diff();
    assert!(!diff.contains("Tiger2024"), "{diff}");
}

/// A username set by a `<global-property>` in an app with a secure-properties
/// configuration: the store password goes to the secure file, the others next
/// to the global property (in another file than the connection's).
#[test]
fn global_property_username_with_a_secure_config() {
    let (_tmp, app) = username_app(
        "${sfdc.username}",
        "    <secure-properties:config xmlns:secure-properties=\"http://www.mulesoft.org/schema/mule/secure-properties\" name=\"S\" key=\"${key}\" file=\"secure.yaml\"/>\n",
        &[
            (
                "src/main/mule/props.xml",
                "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">\r\n\t<global-property name=\"sfdc.username\" value=\"int@acme.com\" />\r\n</mule>\r\n",
            ),
            ("src/main/resources/secure.yaml", "sfdc:\n  password: \"![c2VjcmV0IHZhbHVl]\"\n"),
        ],
    );
    let p = plan(&app, &JwtOptions::default());
    assert_eq!(p.switched.len(), 1, "{:?}", p.plan.skipped);
    assert_eq!(
        new_text(&p, "props.xml"),
        "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">\r\n\t<global-property name=\"sfdc.username\" value=\"int@acme.com\" />\r\n\t<global-property name=\"sfdc.consumerKey\" value=\"&lt;consumer key of the connected app>\"/>\r\n\t<global-property name=\"sfdc.keystore.path\" value=\"&lt;path of the PKCS#12 keystore>\"/>\r\n</mule>\r\n"
    );
    assert!(
        new_text(&p, "secure.yaml")
            .ends_with("  keystore:\n    password: \"<encrypted keystore password>\"\n"),
        "{}",
        new_text(&p, "secure.yaml")
    );
    assert!(
        new_text(&p, "global.xml").contains("storePassword=\"${secure::sfdc.keystore.password}\"")
    );
    apply_and_rescan(&app, &p, "SF", "${sfdc.username}");
}

/// YAML whose mapping ends with a block scalar (a PEM certificate) and no line
/// end at the end of the file: the new keys go after the scalar, not into it.
#[test]
fn yaml_block_scalar_at_the_end() {
    let yaml = "sfdc:\n  username: \"int@acme.com\"\n  password: \"Pw-Block-123456\"\n  cert: |\n    -----BEGIN CERTIFICATE-----\n    MIIB\n    -----END CERTIFICATE-----";
    let (_tmp, app) = username_app(
        "${sfdc.username}",
        "    <configuration-properties file=\"app.yaml\"/>\n",
        &[("src/main/resources/app.yaml", yaml)],
    );
    let p = plan(&app, &JwtOptions::default());
    assert_nothing_shown(&p, &["Pw-Block-123456"]);
    let new = new_text(&p, "app.yaml").to_string();
    apply_and_rescan(&app, &p, "SF", "${sfdc.username}");
    assert_eq!(
        defined(&app, "sfdc.cert"),
        vec!["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"],
        "{new}"
    );
    assert_eq!(defined(&app, "sfdc.keystore.path").len(), 1, "{new}");
}

/// A login url whose `<global-property>` reads another property, and one
/// nothing sets: tokenEndpoint and audienceUrl left to their defaults, and
/// the note says why truthfully.
#[test]
fn login_urls_set_by_expressions_or_nowhere() {
    for (extra, why) in [
        (
            "    <global-property name=\"sfdc.url\" value=\"${sfdc.host}/services/Soap/u/60.0\"/>\n",
            "which the <global-property> at ",
        ),
        ("", "which no loaded property file or <global-property> of the app sets"),
    ] {
        let (_tmp, app) = username_app(
            "int@acme.com",
            extra,
            &[],
        );
        let xml = app.join("src/main/mule/global.xml");
        let text = std::fs::read_to_string(&xml).unwrap().replace(
            "password=\"${sfdc.password}\"",
            "password=\"${sfdc.password}\" url=\"${sfdc.url}\"",
        );
        std::fs::write(&xml, text).unwrap();
        let p = plan(&app, &JwtOptions::default());
        assert!(
            p.notes.iter().any(|n| n.contains("left to their defaults") && n.contains(why)),
            "{:?}",
            p.notes
        );
        assert!(!new_text(&p, "global.xml").contains("tokenEndpoint"));
    }
}

/// Two configs of the same user (one file each): the properties are added
/// once, both connections read them.
#[test]
fn two_configs_of_one_user() {
    let conn = |name: &str| {
        format!(
            "{MULE_HEAD}    <sf:sfdc-config name=\"{name}\">\n        <sf:basic-connection username=\"${{sfdc.username}}\" password=\"${{sfdc.password}}\"/>\n    </sf:sfdc-config>\n</mule>\n"
        )
    };
    let (a, b) = (conn("A"), conn("B"));
    let (_tmp, app) = inline_app(&[
        ("src/main/mule/a.xml", &a),
        (
            "src/main/mule/b.xml",
            &b.replace(
                "    <sf:sfdc-config",
                "    <configuration-properties file=\"config.properties\"/>\n    <sf:sfdc-config",
            ),
        ),
        (
            "src/main/resources/config.properties",
            "sfdc.username=int@acme.com\nsfdc.password=Pw-Two-123456\n",
        ),
        ("mule-artifact.json", ARTIFACT),
    ]);
    let p = plan(&app, &JwtOptions::default());
    assert_nothing_shown(&p, &["Pw-Two-123456"]);
    assert_eq!(p.switched.len(), 2, "{:?}", p.plan.skipped);
    let props = new_text(&p, "config.properties");
    assert_eq!(props.matches("sfdc.consumerKey=").count(), 1, "{props}");
    // Neither connection still reads the password once both are switched.
    assert_eq!(
        p.unused,
        vec![format!(
            "sfdc.password (password of `A`, `B`) in {}",
            app.join("src/main/resources/config.properties").display()
        )]
    );
    assert!(
        !p.notes.iter().any(|n| n.contains("still read elsewhere")),
        "{:?}",
        p.notes
    );
    apply_and_rescan(&app, &p, "A", "${sfdc.username}");
    apply_and_rescan(&app, &p, "B", "${sfdc.username}");
}

/// The Salesforce namespace as the default one (no prefix): the connection is
/// switched and reads back as a jwt-connection.
#[test]
fn the_salesforce_namespace_as_the_default_one() {
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">\n\t<configuration-properties file=\"config.properties\"/>\n\t<sfdc-config xmlns=\"http://www.mulesoft.org/schema/mule/salesforce\" name=\"SF\">\n\t\t<basic-connection username=\"${sfdc.username}\" password=\"${sfdc.password}\"/>\n\t</sfdc-config>\n</mule>\n";
    let (_tmp, app) = inline_app(&[
        ("src/main/mule/global.xml", xml),
        (
            "src/main/resources/config.properties",
            "sfdc.username=int@acme.com\nsfdc.password=Pw-Default-123456\n",
        ),
        ("mule-artifact.json", ARTIFACT),
    ]);
    let p = plan(&app, &JwtOptions::default());
    assert_nothing_shown(&p, &["Pw-Default-123456"]);
    assert!(new_text(&p, "global.xml").contains("\t\t<jwt-connection consumerKey="));
    apply_and_rescan(&app, &p, "SF", "${sfdc.username}");
}

/// The Composite connector under another prefix (`sfc:`): still a Composite
/// connection, listed, not rewritten to an element name that is UNVERIFIED.
#[test]
fn a_composite_connection_under_another_prefix_is_listed() {
    let rules =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/tests/fixtures/IG101/composite");
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("batch-papi");
    copy_dir(&rules.join("batch-papi"), &app);
    let xml = app.join("src/main/mule/composite.xml");
    let text = std::fs::read_to_string(&xml)
        .unwrap()
        .replace("xmlns:salesforce-composite=", "xmlns:sfc=")
        .replace("salesforce-composite:", "sfc:");
    assert!(!text.contains("salesforce-composite:"));
    std::fs::write(&xml, text).unwrap();
    let p = plan(&app, &JwtOptions::default());
    assert!(p.plan.is_empty(), "{:?}", p.plan.actions);
    assert_eq!(p.plan.skipped.len(), 1, "{:?}", p.plan.skipped);
    assert!(
        p.plan.skipped[0].contains("a Salesforce Composite connection"),
        "{:?}",
        p.plan.skipped
    );
}

/// A property the new connection reads that a file defines already (an older
/// connection's consumer key): not defined twice, and the note says it is read
/// as it is, to check.
#[test]
fn a_property_defined_already_is_kept_and_named() {
    let (_tmp, app) = fixture("jwt-props");
    let dev = app.join("src/main/resources/config-dev.properties");
    let text = std::fs::read_to_string(&dev).unwrap() + "sfdc.consumerKey=3MVG9ExistingKey\n";
    std::fs::write(&dev, text).unwrap();
    let p = plan(&app, &JwtOptions::default());
    let new = new_text(&p, "config-dev.properties");
    assert_eq!(new.matches("sfdc.consumerKey=").count(), 1, "{new}");
    assert!(
        p.notes.iter().any(|n| n.contains("config-dev.properties")
            && n.contains("sfdc.consumerKey")
            && n.contains("defined already")),
        "{:?}",
        p.notes
    );
    apply_and_rescan(&app, &p, "Salesforce_Config", "${sfdc.username}");
}

/// A property the new connection reads that another loaded file defines
/// already (here one environment's file, imported after the file every
/// environment loads): not added again, which would shadow it (Mule reads the
/// first definition) and change what the app reads; a note names the file.
/// The environments whose own files lack it get it there, a value to fill
/// in, so the app starts in every environment.
#[test]
fn a_property_another_file_defines_is_not_shadowed() {
    let (_tmp, app) = username_app(
        "int@acme.com",
        "    <configuration-properties file=\"config.properties\"/>\n    <configuration-properties file=\"${env}.properties\"/>\n",
        &[
            ("src/main/resources/config.properties", "http.port=8081\n"),
            ("src/main/resources/dev.properties", "SF.consumerKey=3MVG9DevKey\n"),
            ("src/main/resources/prod.properties", "api.url=https://acme.example\n"),
        ],
    );
    let (before, _) = scan(&app);
    let p = plan(&app, &JwtOptions::default());
    let common = new_text(&p, "config.properties");
    assert!(!common.contains("SF.consumerKey"), "{common}");
    assert!(common.contains("SF.keystore.path="), "{common}");
    assert!(
        p.notes.iter().any(
            |n| n.contains("dev.properties: SF.consumerKey defined already")
                && n.ends_with(
                    "/src/main/resources/prod.properties (the environments that lack it)"
                )
        ),
        "{:?}",
        p.notes
    );
    let prod = new_text(&p, "prod.properties");
    assert!(prod.contains("SF.consumerKey="), "{prod}");
    assert!(
        p.plan
            .actions
            .iter()
            .any(|a| a.contains("add SF.consumerKey to") && a.contains("prod.properties")),
        "{:?}",
        p.plan.actions
    );
    p.plan.apply().unwrap();
    let (after, _) = scan(&app);
    let paths = p.plan.paths();
    assert_eq!(
        intguard_fix::verify_unchanged(&before, &after, &paths, &[], &[]),
        Vec::<String>::new()
    );
    assert_eq!(verify_jwt(&after, &p.switched), Vec::<String>::new());
    let mut keys = defined(&app, "SF.consumerKey");
    keys.sort();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_eq!(keys[0], "3MVG9DevKey");
    assert!(keys[1].starts_with('<'), "a value to fill in: {keys:?}");
}

/// An environment with no file of its own cannot be given the property:
/// the note names it, to add by hand.
#[test]
fn an_environment_without_a_file_is_named() {
    let (_tmp, app) = username_app(
        "int@acme.com",
        "    <configuration-properties file=\"config.properties\"/>\n    <configuration-properties file=\"${env}.properties\"/>\n    <secure-properties:config name=\"Secure\" file=\"secure-${env}.yaml\" key=\"${secure.key}\"><secure-properties:encrypt algorithm=\"AES\" mode=\"CBC\"/></secure-properties:config>\n",
        &[
            ("src/main/resources/config.properties", "http.port=8081\n"),
            ("src/main/resources/dev.properties", "SF.consumerKey=3MVG9DevKey\n"),
            ("src/main/resources/secure-dev.yaml", "api:\n  token: \"![bm90aGluZw==]\"\n"),
            ("src/main/resources/secure-prod.yaml", "api:\n  token: \"![bm90aGluZw==]\"\n"),
        ],
    );
    let p = plan(&app, &JwtOptions::default());
    assert!(
        p.notes.iter().any(
            |n| n.contains("dev.properties: SF.consumerKey defined already")
                && n.ends_with(
                    "; no file of prod defines it: add it to that environment's properties"
                )
        ),
        "{:?}",
        p.notes
    );
    assert!(
        p.notes
            .iter()
            .all(|n| !n.contains("(the environments that lack it)")),
        "{:?}",
        p.notes
    );
}

/// A property the new connection reads that a `<global-property>` sets
/// already: not added to the property file, whose entry would override it.
#[test]
fn a_property_a_global_property_sets_is_not_overridden() {
    let (_tmp, app) = username_app(
        "int@acme.com",
        "    <configuration-properties file=\"config.properties\"/>\n    <global-property name=\"SF.keystore.path\" value=\"keys/sf.p12\"/>\n",
        &[("src/main/resources/config.properties", "http.port=8081\n")],
    );
    let p = plan(&app, &JwtOptions::default());
    let common = new_text(&p, "config.properties");
    assert!(!common.contains("SF.keystore.path"), "{common}");
    assert!(common.contains("SF.consumerKey="), "{common}");
    assert!(
        p.notes.iter().any(|n| n.contains("<global-property> at ")
            && n.contains("SF.keystore.path defined already")),
        "{:?}",
        p.notes
    );
    apply_and_rescan(&app, &p, "SF", "int@acme.com");
    assert_eq!(defined(&app, "SF.keystore.path"), Vec::<String>::new());
}

/// Found by testing: a username read through a reference with a default
/// (`${sf.user:svc.billing@acme.com.dev}`) that only prod's file defines got
/// its consumer key, keystore and store password properties in prod's file
/// alone, so the switched connection could not resolve them in dev and qa
/// (Mule refuses to start on an undefined property). Every environment's
/// file gets them now, and each of the connection's references resolves in
/// every environment after the switch.
#[test]
fn a_defaulted_username_gets_the_properties_in_every_environment() {
    let (_tmp, app) = fixture("jwt-default-user");
    let p = plan(&app, &JwtOptions::default());
    for env in ["dev", "qa", "prod"] {
        let text = new_text(&p, &format!("config/{env}.yaml"));
        for key in [
            "consumerKey:",
            "keystore:",
            "path:",
            "password: \"<keystore password>\"",
        ] {
            assert!(text.contains(key), "{env}: {key} missing in {text}");
        }
    }
    apply_and_rescan(
        &app,
        &p,
        "Billing_SF",
        "${sf.user:svc.billing@acme.com.dev}",
    );
    let (after, _) = scan(&app);
    let conn = after
        .connections()
        .map(|(_, c)| c)
        .find(|c| c.config_name == "Billing_SF")
        .unwrap();
    let billing = &after.apps[0];
    for attr in [
        "consumerKey",
        "keyStore",
        "storePassword",
        "principal",
        "tokenEndpoint",
        "audienceUrl",
    ] {
        let value = conn.attr(attr).unwrap_or_else(|| panic!("no {attr}"));
        let resolved = billing.resolve_all(value);
        let envs: Vec<Option<&str>> = resolved.iter().map(|r| r.environment).collect();
        assert_eq!(envs, [Some("dev"), Some("prod"), Some("qa")], "{attr}");
        for r in &resolved {
            assert!(
                r.value.is_some(),
                "{attr} unresolved in {:?}: {:?}",
                r.environment,
                r.unresolved
            );
        }
    }
}

/// Found by testing as a user would: one `${mule.env}.yaml` per environment,
/// loaded by `<configuration-properties>` and the secure configuration both.
/// The username there was unknown to the fix ("which no loaded property file
/// defines"), so the consumer key and keystore went to no file and the login
/// URL's settings were not derived; they go to each environment's file now.
#[test]
fn one_file_per_environment_for_plain_and_secure_properties() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("hr-sync");
    let write = |rel: &str, text: &str| {
        let p = app.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("mule-artifact.json", "{\"minMuleVersion\": \"4.6.0\"}\n");
    write(
        "src/main/mule/global.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce" xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
  <configuration-properties file="config/${mule.env}.yaml"/>
  <secure-properties:config name="SP" key="${encryption.key}" file="config/${mule.env}.yaml">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
  </secure-properties:config>
  <salesforce:sfdc-config name="HR_SF">
    <salesforce:basic-connection username="${sf.username}" password="${secure::sf.password}" url="${sf.url}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    for (env, user, url) in [
        (
            "dev",
            "int.hr@globex.com.dev",
            "https://test.salesforce.com/services/Soap/u/60.0",
        ),
        (
            "prod",
            "int.hr@globex.com",
            "https://globex.my.salesforce.com/services/Soap/u/60.0",
        ),
    ] {
        write(
            &format!("src/main/resources/config/{env}.yaml"),
            &format!(
                "sf:\n  username: \"{user}\"\n  password: \"![bm90LXJlYWw=]\"\n  url: \"{url}\"\n"
            ),
        );
    }
    let p = plan(&app, &JwtOptions::default());
    assert_eq!(p.plan.skipped, Vec::<String>::new());
    assert!(
        p.notes
            .iter()
            .all(|n| !n.contains("no loaded property file")),
        "{:#?}",
        p.notes
    );
    assert!(new_text(&p, "config/dev.yaml").ends_with(
        "  consumerKey: \"<consumer key of the connected app>\"\n  keystore:\n    path: \"<path of the PKCS#12 keystore>\"\n    password: \"<encrypted keystore password>\"\n  tokenEndpoint: \"https://test.salesforce.com/services/oauth2/token\"\n  audienceUrl: \"https://test.salesforce.com\"\n"
    ), "{}", new_text(&p, "config/dev.yaml"));
    assert!(new_text(&p, "config/prod.yaml").ends_with(
        "  tokenEndpoint: \"https://globex.my.salesforce.com/services/oauth2/token\"\n  audienceUrl: \"https://login.salesforce.com\"\n"
    ), "{}", new_text(&p, "config/prod.yaml"));
    assert_eq!(
        p.switched[0].users,
        vec!["int.hr@globex.com", "int.hr@globex.com.dev"]
    );
    apply_and_rescan(&app, &p, "HR_SF", "${sf.username}");
}
