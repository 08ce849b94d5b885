//! Mule domain projects: the shared resources of `mule-domain-config.xml`
//! (`<domain:mule-domain>` in Mule 4, `<mule-domain>` in the domain
//! namespace in Mule 3) are read like an app's global configurations.

use crate::common;

use common::*;
use intguard_model::{AuthClass, MuleRuntime};

const ROOT: &str = "domains";
const ACME: &str = "domains/acme-domain/src/main/mule/mule-domain-config.xml";
const LEGACY: &str = "domains/legacy-domain/src/main/domain/mule-domain-config.xml";

#[test]
fn domain_projects_are_read_as_apps() {
    let inv = read(ROOT);
    assert!(inv.diagnostics.is_empty(), "{:#?}", inv.diagnostics);
    let names: Vec<(&str, MuleRuntime, bool)> = inv
        .apps
        .iter()
        .map(|a| (a.name.as_str(), a.runtime, a.domain))
        .collect();
    assert_eq!(
        names,
        vec![
            ("acme-domain", MuleRuntime::Mule4, true),
            ("legacy-domain", MuleRuntime::Mule3, true)
        ]
    );
    // An app is no domain.
    assert!(!read("mule4-app").apps[0].domain);
}

#[test]
fn a_mule4_domain_shares_connections_listeners_and_tls() {
    let inv = read(ROOT);
    let app = &inv.apps[0];
    assert_eq!(app.xml_files.len(), 1, "{:?}", app.xml_files);

    assert_eq!(app.salesforce_connections.len(), 1);
    let conn = &app.salesforce_connections[0];
    assert_eq!(conn.config_name, "Shared_Salesforce");
    assert_eq!(conn.element, "salesforce:basic-connection");
    assert_eq!(conn.auth, AuthClass::Password);
    assert_eq!(
        lc(&conn.location),
        pos(ACME, "<salesforce:basic-connection")
    );
    // Its username resolves through the domain's own properties.
    let user = conn.attr("username").expect("username");
    let resolved = app.resolve_all(user);
    assert!(
        resolved
            .iter()
            .any(|r| r.value.as_deref() == Some("int.domain@acme.com")
                && r.environment == Some("prod")),
        "{resolved:?}"
    );

    let tls = app.tls_context("Shared_TLS").expect("Shared_TLS");
    let ts = tls.trust_store.as_ref().expect("trust store");
    assert_eq!(
        lc(&ts.attr("insecure").unwrap().location),
        pos(ACME, "insecure=\"true\"")
    );
    assert_eq!(app.http_listeners.len(), 1);
    let l = &app.http_listeners[0];
    assert_eq!(l.config_name, "Shared_HTTPS_Listener");
    assert_eq!(l.tls_context_ref.as_deref(), Some("Shared_TLS"));
    assert_eq!(lc(&l.location), pos(ACME, "<http:listener-connection"));
}

#[test]
fn a_mule3_domain_in_the_domain_namespace() {
    let inv = read(ROOT);
    let app = &inv.apps[1];
    assert_eq!(app.http_listeners.len(), 1);
    let l = &app.http_listeners[0];
    assert_eq!(l.config_name, "Legacy_Listener");
    assert_eq!(l.port.as_ref().unwrap().raw, "8081");
    assert_eq!(lc(&l.location), pos(LEGACY, "<http:listener-config"));
    let tls = app.tls_context("Legacy_TLS").expect("Legacy_TLS");
    assert_eq!(
        tls.trust_store
            .as_ref()
            .unwrap()
            .attr("insecure")
            .unwrap()
            .raw,
        "true"
    );
}

const MEMBERS: &str = "domain-members";

/// The app of `MEMBERS` with this name.
fn member<'a>(inv: &'a intguard_model::Inventory, name: &str) -> &'a intguard_model::MuleApp {
    inv.apps
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no app {name}"))
}

#[test]
fn apps_name_the_domain_they_are_deployed_in() {
    let inv = read(MEMBERS);
    assert!(inv.diagnostics.is_empty(), "{:#?}", inv.diagnostics);
    // Mule 4: the pom's dependency with classifier mule-domain (not one of
    // <dependencyManagement>), at its <artifactId>.
    let link = member(&inv, "orders-app")
        .domain_link
        .as_ref()
        .expect("link");
    assert_eq!(link.name, "acme-domain");
    assert_eq!(
        link.location.path,
        shown("domain-members/orders-app/pom.xml")
    );
    assert_eq!(
        lc(&link.location),
        pos(
            "domain-members/orders-app/pom.xml",
            "<artifactId>acme-domain"
        )
    );
    // Mule 3: domain= of src/main/app/mule-deploy.properties.
    const DEPLOY: &str = "domain-members/legacy-app/src/main/app/mule-deploy.properties";
    let link = member(&inv, "legacy-app")
        .domain_link
        .as_ref()
        .expect("link");
    assert_eq!(link.name, "legacy-domain");
    assert_eq!(link.location.path, shown(DEPLOY));
    assert_eq!(lc(&link.location), pos(DEPLOY, "domain=legacy-domain"));
    // The runtime's default domain, and no domain at all.
    assert_eq!(member(&inv, "deployed-app").domain_link, None);
    assert_eq!(member(&inv, "plain-app").domain_link, None);
}

#[test]
fn operations_on_configs_the_app_does_not_define_are_noted() {
    let inv = read(MEMBERS);
    const XML: &str = "domain-members/orders-app/src/main/mule/orders.xml";
    let refs: Vec<(&str, (u32, u32))> = member(&inv, "orders-app")
        .foreign_connection_refs
        .iter()
        .map(|(n, at)| (n.as_str(), lc(at)))
        .collect();
    // The first operation on the domain's config only; not the app's own
    // config, not an MUnit suite's.
    assert_eq!(
        refs,
        vec![(
            "Shared_Salesforce",
            pos(XML, "<salesforce:query config-ref=\"Shared_Salesforce\"")
        )]
    );
    let legacy: Vec<&str> = member(&inv, "legacy-app")
        .foreign_connection_refs
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(legacy, vec!["Legacy_Salesforce"]);
}
