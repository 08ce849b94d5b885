//! A Mule 3 app: sfdc:config*, secure-property-placeholder, context
//! placeholders, HTTP configs with attributes on the config, .properties per
//! environment.

use crate::common;

use common::*;
use intguard_model::{AuthClass, MuleRuntime, PropertyFormat};

const APP: &str = "mule3-app";
const XML: &str = "mule3-app/src/main/app/legacy-accounts.xml";

#[test]
fn mule3_app() {
    let inv = read(APP);
    assert!(inv.diagnostics.is_empty(), "{:#?}", inv.diagnostics);
    assert_eq!(inv.apps.len(), 1);
    let app = &inv.apps[0];
    assert_eq!(app.runtime, MuleRuntime::Mule3);
    assert_eq!(app.name, "legacy-accounts");
    assert_eq!(
        app.descriptor.as_ref().map(|d| d.path.to_string()),
        Some(shown("mule3-app/mule-project.xml"))
    );
    assert_eq!(app.declared_secure_properties, None);

    let conns: Vec<(&str, &str, AuthClass, MuleRuntime)> = app
        .salesforce_connections
        .iter()
        .map(|c| {
            (
                c.config_name.as_str(),
                c.element.as_str(),
                c.auth,
                c.runtime,
            )
        })
        .collect();
    assert_eq!(
        conns,
        vec![
            (
                "Salesforce__Basic",
                "sfdc:config",
                AuthClass::Password,
                MuleRuntime::Mule3
            ),
            (
                "Salesforce__OAuth",
                "sfdc:config-with-oauth",
                AuthClass::NamedUser,
                MuleRuntime::Mule3
            ),
            (
                "Salesforce__JWT",
                "sfdc:config-jwt",
                AuthClass::Certificate,
                MuleRuntime::Mule3
            ),
        ]
    );
    let basic = &app.salesforce_connections[0];
    assert_eq!(
        lc(&basic.location),
        pos(XML, "<sfdc:config name=\"Salesforce__Basic\"")
    );
    assert_eq!(
        lc(&basic.attr("password").unwrap().location),
        pos(XML, "password=\"${sfdc.password}\"")
    );
    assert_eq!(lc(&basic.attr("url").unwrap().location), (16, 39));

    let sp = &app.secure_property_configs[0];
    assert_eq!(sp.element, "secure-property-placeholder:config");
    assert_eq!(sp.algorithm_name(), "DES");
    assert_eq!(sp.mode_name(), "CBC");
    assert_eq!(sp.key.as_ref().unwrap().raw, "${mule.key}");
    assert_eq!(
        sp.file.as_ref().unwrap().raw,
        "mule.${env}.secure.properties"
    );
    let imports: Vec<(&str, &str, bool)> = app
        .property_imports
        .iter()
        .map(|i| (i.element.as_str(), i.file.raw.as_str(), i.secure))
        .collect();
    assert_eq!(
        imports,
        vec![
            (
                "context:property-placeholder",
                "classpath:mule.${env}.properties, classpath:common.properties",
                false
            ),
            (
                "secure-property-placeholder:config",
                "mule.${env}.secure.properties",
                true
            ),
        ]
    );
    assert_eq!(app.default_environment.as_deref(), Some("dev"));

    let l = &app.http_listeners[0];
    assert_eq!(l.protocol.as_ref().unwrap().raw, "HTTP");
    assert_eq!(l.port.as_ref().unwrap().raw, "8081");
    assert_eq!(lc(&l.location), pos(XML, "<http:listener-config"));
    let r = &app.http_requests[0];
    assert_eq!(r.protocol.as_ref().unwrap().raw, "HTTPS");
    assert_eq!(r.tls_context_ref.as_deref(), Some("ERP_TLS"));
    assert_eq!(
        r.authentication.as_ref().unwrap().element,
        "http:basic-authentication"
    );

    let ops: Vec<(&str, Option<&str>, Option<&str>)> = app
        .operations
        .iter()
        .map(|o| {
            (
                o.element.as_str(),
                o.object_type.as_deref(),
                o.soql.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        vec![
            ("sfdc:query", None, Some("SELECT Id, Name FROM Account")),
            (
                "sfdc:query-single",
                None,
                Some("SELECT Id FROM User LIMIT 1")
            ),
            ("sfdc:create", Some("Contact"), None),
            ("sfdc:upsert", Some("Contact"), None),
        ]
    );
}

#[test]
fn mule3_properties_per_environment() {
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
                "src/main/app/mule-app.properties".to_string(),
                None,
                false,
                true
            ),
            (
                "src/main/resources/common.properties".to_string(),
                None,
                false,
                true
            ),
            (
                "src/main/resources/mule.dev.properties".to_string(),
                Some("dev"),
                false,
                true
            ),
            (
                "src/main/resources/mule.prod.properties".to_string(),
                Some("prod"),
                false,
                true
            ),
            (
                "src/main/resources/mule.prod.secure.properties".to_string(),
                Some("prod"),
                true,
                true
            ),
            (
                "src/main/resources/unused.properties".to_string(),
                None,
                false,
                false
            ),
        ]
    );
    assert!(app
        .property_files
        .iter()
        .all(|f| f.format == PropertyFormat::Properties));
    let dev = &app.property_files[2];
    assert_eq!(dev.entries[1].key(), "sfdc.password");
    assert_eq!(dev.entries[1].value(), "DevPlainContinued");
    assert_eq!(lc(&dev.entries[1].location), (3, 1));

    let basic = &app.salesforce_connections[0];
    let users: Vec<(Option<&str>, Option<String>)> = app
        .resolve_all(basic.username().unwrap())
        .into_iter()
        .map(|r| (r.environment, r.value))
        .collect();
    // `location="classpath:mule.${env}.properties, classpath:common.properties"`:
    // Spring keeps a property's last definition in a location list, so
    // common.properties' username wins over each environment's own.
    assert_eq!(
        users,
        vec![
            (Some("dev"), Some("int.common@legacy.example".to_string())),
            (Some("prod"), Some("int.common@legacy.example".to_string())),
        ]
    );
    // Mule 3 placeholders read secure files too.
    let pws: Vec<Option<String>> = app
        .resolve_all(basic.attr("password").unwrap())
        .into_iter()
        .map(|r| r.value)
        .collect();
    assert_eq!(
        pws,
        vec![
            Some("DevPlainContinued".to_string()),
            Some("![zzEncryptedzz]".to_string())
        ]
    );
}

#[test]
fn mule3_pom_defines() {
    let inv = read(APP);
    let pom = inv
        .text_files
        .iter()
        .find(|f| f.path.ends_with("/pom.xml"))
        .expect("pom facts");
    let key = pom
        .assignments
        .iter()
        .find(|a| &*a.name == "mule.key")
        .expect("-Dmule.key");
    assert!(key.secret);
    assert_eq!(&*key.value, "Mule3KeyFixture1");
    assert_eq!(lc(&key.location), pos("mule3-app/pom.xml", "-Dmule.key"));
}

/// A Mule 3 app built with Maven (pom packaging `mule`) and no Studio
/// `mule-project.xml` is an app all the same: its connection is read, and
/// resolves its user through the app's properties.
#[test]
fn a_maven_built_app_needs_no_studio_project_file() {
    const MVN: &str = "mule3-maven-app";
    const SYNC: &str = "mule3-maven-app/src/main/app/legacy-sync.xml";
    let inv = read(MVN);
    assert!(inv.diagnostics.is_empty(), "{:#?}", inv.diagnostics);
    assert_eq!(inv.apps.len(), 1);
    let app = &inv.apps[0];
    assert_eq!(app.name, "legacy-sync");
    assert_eq!(app.runtime, MuleRuntime::Mule3);
    assert!(!app.domain);
    assert_eq!(app.salesforce_connections.len(), 1);
    let conn = &app.salesforce_connections[0];
    assert_eq!(conn.config_name, "Salesforce_Sync");
    assert_eq!(conn.auth, AuthClass::Password);
    assert_eq!(lc(&conn.location), pos(SYNC, "<sfdc:config"));
    let user = app.resolve_all(conn.attr("username").unwrap());
    assert!(
        user.iter()
            .any(|r| r.environment == Some("prod")
                && r.value.as_deref() == Some("legacy.sync@acme.com")),
        "{user:?}"
    );
}

/// Found by testing as a user would: with `location="${mule.env}.properties"`
/// the app's deployment descriptor, `src/main/app/mule-deploy.properties`,
/// was read as the properties of an environment named `mule-deploy`
/// (its connection "ran as" a user there). It is the descriptor only.
#[test]
fn the_deployment_descriptor_is_no_environment() {
    let inv = read("mule3-deploy-descriptor");
    assert!(inv.diagnostics.is_empty(), "{:#?}", inv.diagnostics);
    let app = &inv.apps[0];
    assert_eq!(app.environments, ["dev", "prod"]);
    assert!(
        app.property_files
            .iter()
            .all(|f| !f.path.ends_with("mule-deploy.properties")),
        "{:?}",
        app.property_files
            .iter()
            .map(|f| &f.path)
            .collect::<Vec<_>>()
    );
    let conn = &app.salesforce_connections[0];
    let users: Vec<_> = app
        .resolve_all(conn.attr("username").unwrap())
        .into_iter()
        .map(|r| (r.environment, r.value))
        .collect();
    assert_eq!(
        users,
        [
            (Some("dev"), Some("int.orders@acme.com.dev".into())),
            (Some("prod"), Some("int.orders@acme.com".into()))
        ]
    );
}
