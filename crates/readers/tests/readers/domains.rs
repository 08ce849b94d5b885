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
