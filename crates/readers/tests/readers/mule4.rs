//! A Mule 4 app with every element kind the reader extracts.

use crate::common;

use common::*;
use intguard_model::{AuthClass, KeyMaterialKind, MuleRuntime};

const APP: &str = "mule4-app";
const GLOBAL: &str = "mule4-app/src/main/mule/global.xml";
const ORDERS: &str = "mule4-app/src/main/mule/orders.xml";

#[test]
fn app_detection_and_descriptor() {
    let inv = read(APP);
    assert_eq!(
        inv.apps.len(),
        1,
        "{:#?}",
        inv.apps.iter().map(|a| &a.root).collect::<Vec<_>>()
    );
    let app = &inv.apps[0];
    assert_eq!(app.name, "orders-sapi");
    assert_eq!(app.runtime, MuleRuntime::Mule4);
    assert_eq!(app.root, shown(APP));
    assert_eq!(
        app.declared_secure_properties.as_deref(),
        Some(&["encryption.key".to_string(), "sfdc.password".to_string()][..])
    );
    assert_eq!(
        app.descriptor.as_ref().map(|d| d.path.to_string()),
        Some(shown("mule4-app/mule-artifact.json"))
    );
    let mut xml: Vec<String> = app.xml_files.iter().map(|p| rel_to(APP, p)).collect();
    xml.sort();
    assert_eq!(
        xml,
        vec![
            "src/main/mule/global.xml",
            "src/main/mule/orders.xml",
            "src/test/munit/orders-test-suite.xml"
        ]
    );
    assert!(inv.diagnostics.is_empty(), "{:#?}", inv.diagnostics);
    assert!(
        inv.stats.files >= 12 && inv.stats.bytes > 1000,
        "{:?}",
        inv.stats
    );
}

#[test]
fn salesforce_connections() {
    let inv = read(APP);
    let app = &inv.apps[0];
    let conns: Vec<(&str, &str, AuthClass)> = app
        .salesforce_connections
        .iter()
        .map(|c| (c.config_name.as_str(), c.element.as_str(), c.auth))
        .collect();
    assert_eq!(
        conns,
        vec![
            (
                "SF_Basic",
                "salesforce:basic-connection",
                AuthClass::Password
            ),
            (
                "SF_OAuthUP",
                "salesforce:oauth-user-pass-connection",
                AuthClass::Password
            ),
            (
                "SF_JWT",
                "salesforce:jwt-connection",
                AuthClass::Certificate
            ),
            (
                "SF_Saml",
                "salesforce:saml-connection",
                AuthClass::Certificate
            ),
            (
                "SF_Named",
                "salesforce:config-with-oauth-connection",
                AuthClass::NamedUser
            ),
            (
                "SF_CC",
                "salesforce:oauth-client-credentials-connection",
                AuthClass::ClientSecret
            ),
            (
                "SF_Future",
                "salesforce:future-connection",
                AuthClass::Certificate
            ),
            (
                "SF_Test",
                "salesforce:basic-connection",
                AuthClass::Password
            ),
        ]
    );
    let basic = &app.salesforce_connections[0];
    assert_eq!(
        lc(&basic.location),
        pos(GLOBAL, "<salesforce:basic-connection")
    );
    assert_eq!(basic.location.path, shown(GLOBAL));
    let pw = basic
        .attributes
        .iter()
        .find(|a| &*a.name == "password")
        .unwrap();
    assert_eq!(pw.value.raw, "Tig3rFixture!");
    assert_eq!(
        lc(&pw.value.location),
        pos(GLOBAL, "password=\"Tig3rFixture!\"")
    );
    assert_eq!(lc(&pw.value.location), (20, 62));
    assert_eq!(pw.owner.as_deref(), Some("SF_Basic"));
    let url = basic.attr("url").unwrap();
    assert_eq!(lc(&url.location), (21, 9));
    assert_eq!(basic.username().unwrap().raw, "${sfdc.username}");

    let jwt = &app.salesforce_connections[2];
    assert_eq!(jwt.username().unwrap().raw, "${sfdc.username}");
    let tls = jwt.tls_context.as_ref().expect("nested tls:context");
    let ks = tls.key_store.as_ref().expect("key-store");
    assert_eq!(ks.attr("path").unwrap().raw, "keys/client.p12");
    assert_eq!(
        lc(&ks.location),
        pos(GLOBAL, "<tls:key-store type=\"pkcs12\"")
    );
    assert_eq!(
        lc(&ks.attr("keyPassword").unwrap().location),
        pos(GLOBAL, "keyPassword=\"KeyPw-fixture\"")
    );
    assert_eq!(jwt.endpoint_attributes().count(), 2);

    let cc = &app.salesforce_connections[5];
    assert_eq!(cc.attr("clientSecret").unwrap().raw, "${secure::cc.secret}");
    assert_eq!(
        cc.attr("tokenUrl").unwrap().raw,
        "https://acme.my.salesforce.com/services/oauth2/token"
    );
}

#[test]
fn secure_properties_imports_and_globals() {
    let inv = read(APP);
    let app = &inv.apps[0];
    assert_eq!(app.secure_property_configs.len(), 1);
    let sp = &app.secure_property_configs[0];
    assert_eq!(sp.name.as_deref(), Some("Secure_Props"));
    assert_eq!(sp.algorithm_name(), "Blowfish");
    assert_eq!(sp.mode_name(), "ECB");
    assert!(!sp.random_ivs());
    assert_eq!(sp.key.as_ref().unwrap().raw, "${encryption.key}");
    assert_eq!(lc(&sp.location), pos(GLOBAL, "<secure-properties:config"));
    let imports: Vec<(&str, bool)> = app
        .property_imports
        .iter()
        .map(|i| (i.file.raw.as_str(), i.secure))
        .collect();
    assert_eq!(
        imports,
        vec![
            ("properties/${mule.env}.yaml", false),
            ("properties/common.yaml", false),
            ("properties/${mule.env}-secure.yaml", true),
        ]
    );
    assert_eq!(app.global_properties.len(), 1);
    assert_eq!(app.global_properties[0].name, "mule.env");
    assert_eq!(lc(&app.global_properties[0].location), (11, 3));
    assert_eq!(
        lc(&app.global_properties[0].value.location),
        pos(GLOBAL, "value=\"dev\"")
    );
    assert_eq!(app.default_environment.as_deref(), Some("dev"));
}

#[test]
fn tls_and_http() {
    let inv = read(APP);
    let app = &inv.apps[0];
    assert_eq!(app.tls_contexts.len(), 1, "only global contexts");
    let tls = app.tls_context("Global_TLS").expect("Global_TLS");
    assert_eq!(
        tls.enabled_protocols.as_ref().unwrap().raw,
        "TLSv1.1,TLSv1.2"
    );
    let ts = tls.trust_store.as_ref().unwrap();
    assert_eq!(ts.attr("insecure").unwrap().raw, "true");
    assert_eq!(
        lc(&ts.attr("insecure").unwrap().location),
        pos(GLOBAL, "insecure=\"true\"")
    );
    assert!(tls.key_store.is_some());

    assert_eq!(app.http_listeners.len(), 2);
    let https = &app.http_listeners[0];
    assert_eq!(https.config_name, "HTTPS_Listener");
    assert_eq!(https.protocol.as_ref().unwrap().raw, "HTTPS");
    assert_eq!(https.port.as_ref().unwrap().raw, "${https.port}");
    assert_eq!(https.tls_context_ref.as_deref(), Some("Global_TLS"));
    assert_eq!(
        lc(&https.location),
        pos(GLOBAL, "<http:listener-connection protocol=\"HTTPS\"")
    );
    let http = &app.http_listeners[1];
    assert!(http.protocol.is_none());
    assert_eq!(http.port.as_ref().unwrap().raw, "8081");

    assert_eq!(app.http_requests.len(), 1);
    let req = &app.http_requests[0];
    assert_eq!(req.host.as_ref().unwrap().raw, "partner.example.com");
    assert_eq!(req.base_path.as_ref().unwrap().raw, "/v1");
    assert!(req.tls_context.as_ref().unwrap().trust_store.is_some());
    let auth = req.authentication.as_ref().expect("authentication");
    assert_eq!(auth.element, "http:basic-authentication");
    assert_eq!(
        lc(&auth.location),
        pos(GLOBAL, "<http:basic-authentication")
    );
    assert!(auth
        .attributes
        .iter()
        .any(|a| a.name == "password" && a.value.raw == "PartnerPw-fixture"));
}

#[test]
fn secret_and_url_attributes() {
    let inv = read(APP);
    let app = &inv.apps[0];
    let secrets: Vec<(&str, &str)> = app
        .secret_attributes
        .iter()
        .filter(|a| a.value.location.path == shown(GLOBAL))
        .map(|a| (a.name.as_str(), a.owner.as_deref().unwrap_or("")))
        .collect();
    for expected in [
        ("password", "SF_Basic"),
        ("securityToken", "SF_Basic"),
        ("consumerSecret", "SF_OAuthUP"),
        ("storePassword", "SF_JWT"),
        ("keyPassword", "SF_JWT"),
        ("clientSecret", "SF_CC"),
        ("password", "Global_TLS"),
        ("password", "Partner_Request"),
    ] {
        assert!(
            secrets.contains(&expected),
            "{expected:?} not in {secrets:?}"
        );
    }
    assert!(!secrets
        .iter()
        .any(|(n, _)| *n == "tokenEndpoint" || *n == "consumerKey"));
    let urls: Vec<(&str, &str)> = app
        .url_attributes
        .iter()
        .map(|a| (a.name.as_str(), a.value.raw.as_str()))
        .collect();
    assert!(urls.contains(&("url", "http://login.salesforce.com/services/Soap/u/58.0")));
    assert!(urls.contains(&(
        "tokenEndpoint",
        "https://login.salesforce.com/services/oauth2/token"
    )));
    assert!(urls.contains(&("url", "http://partner.example.com/hook")));
    assert!(!urls
        .iter()
        .any(|(n, _)| n.starts_with("xmlns") || n.contains("schemaLocation")));
}

#[test]
fn operations() {
    let inv = read(APP);
    let app = &inv.apps[0];
    type Op<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>);
    let ops: Vec<Op> = app
        .operations
        .iter()
        .map(|o| {
            (
                o.element.as_str(),
                o.object_type.as_deref(),
                o.soql.as_deref(),
                o.bulk_operation.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        vec![
            (
                "salesforce:query",
                None,
                Some("SELECT Id, Name FROM Account WHERE Industry = :industry"),
                None
            ),
            (
                "salesforce:query-all",
                None,
                Some("SELECT Id FROM Contact WHERE Amount > 5"),
                None
            ),
            ("salesforce:create", Some("Account"), None, None),
            ("salesforce:upsert", Some("Order__c"), None, None),
            ("salesforce:delete", None, None, None),
            (
                "salesforce:create-job-bulk-api-v2",
                Some("Contact"),
                None,
                Some("insert")
            ),
            (
                "salesforce:create-query-job-bulk-api-v2",
                None,
                Some("SELECT Id FROM Lead"),
                None
            ),
            ("salesforce:new-object-listener", Some("Case"), None, None),
        ]
    );
    assert!(app
        .operations
        .iter()
        .all(|o| o.config_ref.as_deref() == Some("SF_JWT")));
    assert_eq!(
        lc(&app.operations[0].location),
        pos(ORDERS, "<salesforce:query config-ref")
    );
}

#[test]
fn property_files_and_environments() {
    let inv = read(APP);
    let app = &inv.apps[0];
    assert_eq!(
        app.environments,
        vec!["dev".to_string(), "prod".to_string()]
    );
    let files: Vec<(String, Option<&str>, bool, bool)> = app
        .property_files
        .iter()
        .map(|f| {
            (
                rel_to(APP, &f.path),
                f.environment.as_deref(),
                f.secure,
                f.loaded,
            )
        })
        .collect();
    assert_eq!(
        files,
        vec![
            (
                "src/main/resources/properties/common.yaml".to_string(),
                None,
                false,
                true
            ),
            (
                "src/main/resources/properties/dev-secure.yaml".to_string(),
                Some("dev"),
                true,
                true
            ),
            (
                "src/main/resources/properties/dev.yaml".to_string(),
                Some("dev"),
                false,
                true
            ),
            (
                "src/main/resources/properties/prod-secure.yaml".to_string(),
                Some("prod"),
                true,
                true
            ),
            (
                "src/main/resources/properties/prod.yaml".to_string(),
                Some("prod"),
                false,
                true
            ),
        ]
    );
    let prod = &app.property_files[4];
    assert_eq!(prod.entries[0].key(), "sfdc.username");
    assert_eq!(prod.entries[0].value(), "int.prod@acme.example");
    assert_eq!(lc(&prod.entries[0].location), (3, 3));

    // Resolution through the model, in every environment.
    let basic = &app.salesforce_connections[0];
    let users: Vec<(Option<&str>, Option<String>)> = app
        .resolve_all(basic.username().unwrap())
        .into_iter()
        .map(|r| (r.environment, r.value))
        .collect();
    assert_eq!(
        users,
        vec![
            (Some("dev"), Some("int.dev@acme.example".to_string())),
            (Some("prod"), Some("int.prod@acme.example".to_string())),
        ]
    );
    let up = &app.salesforce_connections[1];
    let pws: Vec<Option<String>> = app
        .resolve_all(up.attr("password").unwrap())
        .into_iter()
        .map(|r| r.value)
        .collect();
    assert_eq!(
        pws,
        vec![
            Some("![q8wqz0Wfr+Q=]".to_string()),
            Some("ProdPlain-fixture".to_string())
        ]
    );
}

#[test]
fn key_material_and_text_facts() {
    let inv = read(APP);
    let km: Vec<(String, KeyMaterialKind)> = inv
        .key_material
        .iter()
        .map(|k| (rel_to(APP, &k.location.path), k.kind))
        .collect();
    assert_eq!(
        km,
        vec![(
            "src/main/resources/keys/sf.jks".to_string(),
            KeyMaterialKind::Jks
        )]
    );
    // The pom's <properties> hold the encryption key.
    let pom = inv
        .text_files
        .iter()
        .find(|f| f.path.ends_with("/pom.xml"))
        .expect("pom facts");
    let key = pom
        .assignments
        .iter()
        .find(|a| &*a.name == "encryption.key")
        .unwrap();
    assert!(key.secret);
    assert_eq!(&*key.value, "FixtureKey123456");
    assert_eq!(
        lc(&key.location),
        pos("mule4-app/pom.xml", "encryption.key>Fixture")
    );
    // The suppression comment in global.xml.
    assert_eq!(inv.suppressions.len(), 1);
    let s = &inv.suppressions[0];
    assert_eq!(s.location.path, shown(GLOBAL));
    assert_eq!(lc(&s.location), pos(GLOBAL, "<!-- intguard-ignore"));
    assert_eq!(s.rules, vec!["IG102", "IG109"]);
    assert_eq!(s.reason.as_deref(), Some("fixture credentials"));
    // It covers the element after it and its whole subtree: through the
    // `</salesforce:sfdc-config>` end tag.
    assert_eq!(
        s.covers_until_line,
        pos(GLOBAL, "</salesforce:sfdc-config>").0
    );
    assert_eq!(s.covers_until_line, s.location.line + 4);
}

/// What loads key files besides connections and TLS stores: Cryptography
/// module configs (any prefix bound to the crypto namespace) with their key
/// infos, the Mule 3 PGP key ring bean, SFTP key authentication; with
/// positions.
#[test]
fn key_loaders() {
    const APP: &str = "crypto-app";
    const XML: &str = "crypto-app/src/main/mule/crypto.xml";
    let inv = read(APP);
    let app = &inv.apps[0];
    let jce = &app.key_loaders[0];
    assert_eq!(jce.element, "cr:jce-config");
    assert_eq!(jce.name.as_deref(), Some("Jce"));
    assert_eq!(jce.kind, intguard_model::KeyLoaderKind::Jce);
    assert_eq!(lc(&jce.location), pos(XML, "<cr:jce-config"));
    assert_eq!(jce.attr("keystore").unwrap().raw, "jce/keys.jceks");
    assert_eq!(
        lc(&jce.attr("keystore").unwrap().location),
        pos(XML, "keystore=")
    );
    let infos: Vec<(&str, String, (u32, u32))> = jce
        .key_infos
        .iter()
        .map(|k| {
            (
                k.element.as_str(),
                k.attr("password").unwrap().raw.clone(),
                lc(&k.location),
            )
        })
        .collect();
    assert_eq!(
        infos,
        vec![
            (
                "cr:jce-symmetric-key-info",
                "${secure::jce.aes.password}".to_string(),
                pos(XML, "<cr:jce-symmetric-key-info")
            ),
            (
                "cr:jce-asymmetric-key-info",
                "${secure::jce.rsa.password}".to_string(),
                pos(XML, "<cr:jce-asymmetric-key-info")
            ),
        ]
    );
    let pgp = &app.key_loaders[1];
    assert_eq!(pgp.kind, intguard_model::KeyLoaderKind::Pgp);
    assert_eq!(pgp.attr("privateKeyring").unwrap().raw, "pgp/secring.gpg");
    assert_eq!(pgp.attr("publicKeyring").unwrap().raw, "pgp/pubring.gpg");
    assert_eq!(pgp.key_infos.len(), 1);
    // Mule 3's PGP key ring bean (any prefix bound to Spring's beans
    // namespace), named by its id, its properties located at their values;
    // other beans are not configs, but a secret-named property of any bean
    // is a secret attribute.
    assert_eq!(app.key_loaders.len(), 4);
    let bean = &app.key_loaders[2];
    assert_eq!(bean.kind, intguard_model::KeyLoaderKind::PgpKeyRingBean);
    assert_eq!(bean.name.as_deref(), Some("keys"));
    assert_eq!(
        bean.attr("secretKeyRingFileName").unwrap().raw,
        "secring.gpg"
    );
    assert_eq!(
        lc(&bean.attr("secretKeyRingFileName").unwrap().location),
        pos(XML, "value=\"secring.gpg\"")
    );
    // SSH key authentication: the key file and passphrase of the
    // connection, named after its config.
    let sftp = &app.key_loaders[3];
    assert_eq!(sftp.kind, intguard_model::KeyLoaderKind::SftpIdentity);
    assert_eq!(sftp.name.as_deref(), Some("Drop"));
    assert_eq!(lc(&sftp.location), pos(XML, "<sftp:connection"));
    assert_eq!(sftp.attr("identityFile").unwrap().raw, "keys/id_ed25519");
    assert_eq!(
        lc(&sftp.attr("passphrase").unwrap().location),
        pos(XML, "passphrase=\"${sftp")
    );
    let secrets: Vec<(&str, Option<&str>, (u32, u32))> = app
        .secret_attributes
        .iter()
        .filter(|a| a.element == "beans:property")
        .map(|a| (a.name.as_str(), a.owner.as_deref(), lc(&a.value.location)))
        .collect();
    assert_eq!(
        secrets,
        vec![
            (
                "secretPassphrase",
                Some("keys"),
                pos(XML, "value=\"${pgp.passphrase}\"")
            ),
            (
                "password",
                Some("other"),
                pos(XML, "value=\"${other.password}\"")
            ),
        ]
    );
    assert_eq!(
        lc(&pgp.key_infos[0].attr("passphrase").unwrap().location),
        pos(XML, "passphrase=")
    );
}

/// Found by testing as a user would: with `file="${mule.env}.yaml"` an
/// OpenAPI specification in `src/main/resources` (`orders-api.yaml`) was
/// read as the properties of an environment named `orders-api`. An API
/// specification (`openapi:`, `swagger:` or `asyncapi:` at its top) is no
/// property file.
#[test]
fn an_api_specification_is_no_environment() {
    let inv = read("mule4-api-spec");
    assert!(inv.diagnostics.is_empty(), "{:#?}", inv.diagnostics);
    let app = &inv.apps[0];
    assert_eq!(app.environments, ["dev", "prod"]);
    assert!(
        app.property_files
            .iter()
            .all(|f| !f.path.ends_with("orders-api.yaml")),
        "{:?}",
        app.property_files
            .iter()
            .map(|f| &f.path)
            .collect::<Vec<_>>()
    );
}

/// The apps of a reading listing the same `secureProperties`, in the same
/// order, share one list; each app still answers for its own list.
#[test]
fn same_secure_property_lists_are_held_once() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let artifact = |app: &str, names: &str| {
        let dir = root.join(app);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("mule-artifact.json"),
            format!(
                "{{\n  \"minMuleVersion\": \"4.6.0\",\n  \"secureProperties\": [{names}]\n}}\n"
            ),
        )
        .unwrap();
    };
    artifact("a-sapi", r#""encryption.key", "sfdc.password""#);
    artifact("b-sapi", r#""encryption.key", "sfdc.password""#);
    artifact("c-sapi", r#""encryption.key""#);
    artifact("d-sapi", r#""sfdc.password", "encryption.key""#);
    artifact("e-sapi", r#""encryption.key", "sfdc.password""#);
    std::fs::create_dir_all(root.join("f-sapi")).unwrap();
    std::fs::write(
        root.join("f-sapi/mule-artifact.json"),
        "{\"minMuleVersion\": \"4.6.0\"}\n",
    )
    .unwrap();
    let inv = intguard_readers::read_paths(
        &[root.to_path_buf()],
        &intguard_readers::ReadOptions::default(),
    );
    let list = |name: &str| {
        let app = inv.app_by_name(name).unwrap_or_else(|| panic!("{name}"));
        app.declared_secure_properties.clone()
    };
    let (a, b, c, d, e) = (
        list("a-sapi").unwrap(),
        list("b-sapi").unwrap(),
        list("c-sapi").unwrap(),
        list("d-sapi").unwrap(),
        list("e-sapi").unwrap(),
    );
    assert!(std::sync::Arc::ptr_eq(&a, &b));
    assert!(std::sync::Arc::ptr_eq(&a, &e));
    assert!(!std::sync::Arc::ptr_eq(&a, &c));
    // Another order is another list (IG107 lists the names as written).
    assert!(!std::sync::Arc::ptr_eq(&a, &d));
    assert_eq!(&*d, ["sfdc.password", "encryption.key"]);
    assert_eq!(list("f-sapi"), None);
    let declares = |name: &str, prop: &str| {
        inv.app_by_name(name)
            .unwrap()
            .declares_secure_property(prop)
    };
    assert!(declares("a-sapi", "sfdc.password"));
    assert!(declares("b-sapi", "sfdc.password"));
    assert!(!declares("c-sapi", "sfdc.password"));
    assert!(declares("c-sapi", "encryption.key"));
    assert!(declares("d-sapi", "sfdc.password"));
    assert!(!declares("f-sapi", "encryption.key"));
}
