//! IG109 plain-http on real Mule 4 and Mule 3 fixture trees.

use crate::common;

use intguard_model::Severity;

const APP: &str = "orders-sapi/src/main/mule";
const LEGACY: &str = "legacy-sync/src/main/app/global.xml";

#[test]
fn positive() {
    common::assert_places(
        "IG109",
        "IG109/positive",
        &[
            ("orders-sapi/src/main/mule/global.xml", 24),
            ("orders-sapi/src/main/mule/global.xml", 28),
            ("orders-sapi/src/main/mule/global.xml", 33),
            ("orders-sapi/src/main/mule/global.xml", 41),
            ("orders-sapi/src/main/mule/global.xml", 46),
            ("orders-sapi/src/main/mule/global.xml", 53),
            ("orders-sapi/src/main/mule/global.xml", 57),
            ("orders-sapi/src/main/mule/orders.xml", 14),
            ("orders-sapi/src/main/mule/orders.xml", 15),
            ("orders-sapi/src/main/mule/orders.xml", 28),
            ("orders-sapi/src/main/mule/orders.xml", 34),
            ("orders-sapi/src/main/mule/orders.xml", 40),
            ("orders-sapi/src/main/mule/orders.xml", 48),
            ("orders-sapi/src/main/resources/properties/prod.yaml", 9),
            (LEGACY, 15),
            (LEGACY, 17),
        ],
    );
}

#[test]
fn severities_and_environments() {
    let findings = common::run("IG109", "IG109/positive");
    let at = |file: &str, line: u32| common::finding_at(&findings, file, line);
    // Salesforce token endpoint over http in dev only.
    let sfdc = at(&format!("{APP}/global.xml"), 28);
    assert_eq!(sfdc.severity, Severity::High);
    assert_eq!(sfdc.environments, vec!["dev".to_string()]);
    assert!(sfdc.message.contains("tokenEndpoint"), "{}", sfdc.message);
    assert!(sfdc
        .related
        .iter()
        .any(|r| r.path.ends_with("properties/dev.yaml") && r.line == 7));
    // Credential-bearing requester and token URL: high; the rest medium.
    assert_eq!(
        at(&format!("{APP}/global.xml"), 33).severity,
        Severity::High
    );
    assert_eq!(
        at(&format!("{APP}/orders.xml"), 14).severity,
        Severity::High
    );
    assert_eq!(
        at(&format!("{APP}/global.xml"), 24).severity,
        Severity::Medium
    );
    assert_eq!(
        at(&format!("{APP}/global.xml"), 41).severity,
        Severity::Medium
    );
    assert_eq!(
        at(&format!("{APP}/orders.xml"), 15).severity,
        Severity::Medium
    );
    assert_eq!(at("properties/prod.yaml", 9).severity, Severity::High);
    // Mule 3 SOAP login URL over http.
    let legacy = at(LEGACY, 17);
    assert_eq!(legacy.severity, Severity::High);
    assert!(legacy.message.contains("legacy-sync"));
}

/// Plain-HTTP requests that send a credential in a header, query parameter
/// or body field (whatever its value: a property, an expression) are high,
/// and say what they send; the same requests without credentials stay
/// medium.
#[test]
fn credential_carrying_requests_are_high() {
    let findings = common::run("IG109", "IG109/positive");
    let at = |file: &str, line: u32| common::finding_at(&findings, file, line);
    let global = format!("{APP}/global.xml");
    let orders = format!("{APP}/orders.xml");
    // A request config whose default header carries an API key.
    let pricing = at(&global, 46);
    assert_eq!(pricing.severity, Severity::High);
    assert!(
        pricing
            .message
            .contains("`Pricing_Request_Config` uses plain HTTP to pricing.acme.internal"),
        "{}",
        pricing.message
    );
    assert!(
        pricing
            .message
            .ends_with(", sending header `x-api-key` in clear"),
        "{}",
        pricing.message
    );
    assert!(
        pricing
            .related
            .iter()
            .any(|r| r.line == 48 && r.message == "header `x-api-key` sent in clear here"),
        "{:#?}",
        pricing.related
    );
    // A request config (protocol left to its HTTP default) whose request sends
    // an Authorization Bearer header built by DataWeave.
    let carrier = at(&global, 53);
    assert_eq!(carrier.severity, Severity::High);
    assert!(
        carrier
            .message
            .contains("sending header `Authorization` (Bearer) in clear"),
        "{}",
        carrier.message
    );
    assert!(carrier
        .related
        .iter()
        .any(|r| r.path.ends_with("orders.xml") && r.line == 25));
    // A request with an http:// URL and a token in its query parameters.
    let rates = at(&orders, 28);
    assert_eq!(rates.severity, Severity::High);
    assert!(
        rates
            .message
            .contains("sending query parameter `access_token` in clear"),
        "{}",
        rates.message
    );
    // A request with an http:// URL whose body carries an API key (read from
    // a secure property: it still crosses the network in clear).
    let partner = at(&orders, 40);
    assert_eq!(partner.severity, Severity::High);
    assert!(
        partner
            .message
            .contains("sending body field `apiKey` in clear"),
        "{}",
        partner.message
    );
    assert!(
        partner
            .related
            .iter()
            .any(|r| r.line == 41 && r.message == "body field `apiKey` sent in clear here"),
        "{:#?}",
        partner.related
    );
    // A URL of its own through a config that authenticates: the config's
    // <http:authentication> goes with it.
    let legacy = at(&orders, 48);
    assert_eq!(legacy.severity, Severity::High, "{}", legacy.message);
    assert!(
        legacy
            .message
            .ends_with(", sending credentials (<http:basic-authentication>) in clear"),
        "{}",
        legacy.message
    );
    assert!(
        legacy.related.iter().any(|r| r.line == 35
            && r.message == "credentials sent with this request (its config's authentication)"),
        "{:#?}",
        legacy.related
    );
    // The host as the environment resolves it, not `${token.host}`.
    assert!(
        at(&global, 33).message.contains(
            "`Token_Request_Config` uses plain HTTP to auth-legacy.acme.internal in dev, prod"
        ),
        "{}",
        at(&global, 33).message
    );
    // A config whose request goes to a token path is a token server's.
    let idp = at(&global, 57);
    assert_eq!(idp.severity, Severity::High, "{}", idp.message);
    assert!(
        idp.message.ends_with(
            "uses plain HTTP to idp.acme.internal in dev, prod, which serves Salesforce logins or tokens"
        ),
        "{}",
        idp.message
    );
    // Without credentials (Accept, a correlation id, an anti-CSRF token):
    // medium, and nothing said about credentials.
    for (file, line) in [(&global, 41), (&orders, 34), (&orders, 15)] {
        let f = at(file, line);
        assert_eq!(f.severity, Severity::Medium, "{}", f.message);
        assert!(!f.message.contains("sending"), "{}", f.message);
    }
}

#[test]
fn fingerprint_keys_are_unique_per_file() {
    let findings = common::run("IG109", "IG109/positive");
    let mut keys: Vec<(String, String)> = findings
        .iter()
        .map(|f| (f.location.path.to_string(), f.fingerprint_key.clone()))
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "{keys:#?}");
}

#[test]
fn no_fixture_secret_in_output() {
    common::assert_no_secrets(
        "IG109/positive",
        &["Tok3nFixture2024", "L3gacyFixture!2024"],
    );
}

#[test]
fn negative() {
    common::assert_clean("IG109", "IG109/negative");
}

/// Found by review: the Mule 3 listener's fix read the key store's passwords
/// as `${secure::...}` (Mule 4 only).
#[test]
fn mule3_fix_uses_mule3_property_syntax() {
    let findings = common::run("IG109", "IG110/mule3");
    let f = findings
        .iter()
        .find(|f| f.location.line == 14)
        .expect("the plain HTTP listener");
    assert!(!f.fix.contains("secure::"), "{}", f.fix);
    assert!(
        f.fix.contains("password=\"${tls.keystore.password}\""),
        "{}",
        f.fix
    );
}

/// A login URL plain only in dev names dev's user, not prod's (whose URL is
/// HTTPS).
#[test]
fn a_login_url_names_the_users_of_its_plain_environments() {
    let file = "contacts-m3/src/main/app/global.xml";
    common::assert_places("IG109", "IG109/per-env-login", &[(file, 11)]);
    let f = &common::run("IG109", "IG109/per-env-login")[0];
    assert_eq!(f.environments, ["dev"]);
    assert!(
        f.message
            .ends_with("over plain HTTP in dev, logging in as int.contacts@acme.com.dev"),
        "{}",
        f.message
    );
}

/// Found by testing as a user would: a request URL built by DataWeave
/// (`url="#['http://' ++ p('crm.host') ++ '/api']"`) was not judged: its
/// scheme is the string it starts with, and its properties resolve per
/// environment as in `${...}`.
#[test]
fn a_dataweave_url_is_judged_by_its_literal_scheme() {
    let rel = "IG109/dataweave-url";
    common::assert_places("IG109", rel, &[("crm-api/src/main/mule/crm.xml", 7)]);
    let findings = common::run("IG109", rel);
    let m = &findings[0].message;
    assert!(
        m.contains("url=\"http://crm.acme.com/api/accounts\" is plain HTTP")
            && m.contains("sending header `x-api-key` in clear"),
        "{m}"
    );
}

/// Found by testing as a user would: an `http://` audience is a value in
/// the signed assertion, not an address anything connects to: the finding
/// says what Salesforce expects instead of "sends audienceUrl ... over plain
/// HTTP".
#[test]
fn an_http_audience_is_said_as_an_audience() {
    const X: &str = "claims-sapi/src/main/mule/global.xml";
    common::assert_places("IG109", "IG109/audience", &[(X, 8)]);
    let f = &common::run("IG109", "IG109/audience")[0];
    assert!(
        f.message.contains("sets audienceUrl to http://test.salesforce.com, an http:// audience in every environment: Salesforce expects https://login.salesforce.com"),
        "{}",
        f.message
    );
    assert!(!f.message.contains("over plain HTTP"), "{}", f.message);
}

const TRANSPORT: &str = "partner-sync/src/main/app/partner-sync.xml";

/// Mule 3's HTTP transport endpoints: an `<http:inbound-endpoint>` bound to
/// every interface, an `<http:outbound-endpoint>` whose `address` is
/// `http://` and one whose `host`/`port`/`path` make an `http://` token URL
/// (high) are reported once each, with the fix in Mule 3's syntax (the
/// HTTPS transport, or the HTTP connector with TLS since Mule 3.6); those
/// bound to or calling loopback are not.
#[test]
fn mule3_http_transport_endpoints() {
    common::assert_places(
        "IG109",
        "IG109/mule3-transport",
        &[(TRANSPORT, 13), (TRANSPORT, 14), (TRANSPORT, 15)],
    );
    let findings = common::run("IG109", "IG109/mule3-transport");
    let at = |line: u32| common::finding_at(&findings, TRANSPORT, line);
    let inbound = at(13);
    assert_eq!(inbound.severity, Severity::Medium);
    assert!(
        inbound.message.contains(
            "<http:inbound-endpoint> accepts plain HTTP at http://0.0.0.0:8081/api in dev, prod"
        ),
        "{}",
        inbound.message
    );
    assert!(
        inbound
            .fix
            .contains("<https:connector name=\"HttpsConnector\"><https:tls-key-store path=")
            && inbound
                .fix
                .contains("<https:inbound-endpoint connector-ref=\"HttpsConnector\"")
            && inbound
                .fix
                .contains("<http:listener-config protocol=\"HTTPS\"")
            && !inbound.fix.contains("${secure::"),
        "{}",
        inbound.fix
    );
    let partner = at(14);
    assert_eq!(partner.severity, Severity::Medium);
    assert!(
        partner
            .message
            .contains("<http:outbound-endpoint> sends its requests to http://partner.example.com/api/orders over plain HTTP"),
        "{}",
        partner.message
    );
    assert!(
        partner
            .fix
            .contains("<https:outbound-endpoint address=\"https://...\"")
            && partner
                .fix
                .contains("<http:request-config protocol=\"HTTPS\""),
        "{}",
        partner.fix
    );
    // host="${erp.host}" port="80" path="oauth/token": a token URL, per
    // environment, with the property lines it came from.
    let token = at(15);
    assert_eq!(token.severity, Severity::High);
    assert!(
        token
            .message
            .contains("http://erp-dev.acme.example:80/oauth/token")
            && token
                .message
                .contains("http://erp.acme.example:80/oauth/token"),
        "{}",
        token.message
    );
    assert!(
        token
            .related
            .iter()
            .any(|r| r.path.ends_with("mule.prod.properties") && r.line == 2),
        "{:#?}",
        token.related
    );
}

const REF_FLOW: &str = "claims-relay/src/main/app/claims-relay.xml";
const REF_GLOBAL: &str = "claims-relay/src/main/app/global.xml";

/// Mule 3 endpoints that take their address from a global endpoint
/// (`ref`, mulesoft/mule AddressedEndpointDefinitionParser: a `ref` blocks
/// the element's own address attributes) are judged by the global endpoint
/// they name, in any file of the app: a `<http:endpoint>` (host/port/path)
/// or a core `<endpoint address="http://...">` is plain HTTP, reported at
/// the endpoint that opens the connection with the global endpoint as a
/// related location (the generic URL pass no longer reports the global
/// `address` again); an `<https:endpoint>`, a loopback host, a `vm://`
/// address and an unknown name are not. An HTTP endpoint whose
/// `connector-ref` names an `<http:connector>` is plain HTTP; one naming an
/// `<https:connector>` never starts (AbstractEndpointBuilder rejects a
/// connector whose protocol is not the endpoint's scheme): not reported.
/// An `<https:outbound-endpoint ref>` is no exception: the `ref` disables
/// its address parser (the one carrying the `https` protocol) and
/// EndpointURIEndpointBuilder's copy constructor takes the global
/// endpoint's URI builder and connector, so a ref to a plain
/// `<http:endpoint>` sends plain HTTP (reported, saying so), a ref to an
/// `<https:endpoint>` does not.
#[test]
fn mule3_global_endpoint_refs_and_connector_refs() {
    common::assert_places(
        "IG109",
        "IG109/mule3-ref",
        &[
            (REF_FLOW, 10),
            (REF_FLOW, 11),
            (REF_FLOW, 12),
            (REF_FLOW, 17),
            (REF_FLOW, 20),
            (REF_FLOW, 25),
        ],
    );
    let findings = common::run("IG109", "IG109/mule3-ref");
    let at = |line: u32| common::finding_at(&findings, REF_FLOW, line);
    let inbound = at(10);
    assert_eq!(inbound.severity, Severity::Medium);
    assert!(
        inbound.message.contains(
            "<http:inbound-endpoint ref=\"claimsInbound\"> accepts plain HTTP at http://0.0.0.0:8081/claims in dev, prod"
        ) && inbound
            .message
            .contains("the address of global <http:endpoint name=\"claimsInbound\"> (global.xml:16)"),
        "{}",
        inbound.message
    );
    assert!(
        inbound
            .related
            .iter()
            .any(|r| r.path.ends_with(REF_GLOBAL) && r.line == 16),
        "{:#?}",
        inbound.related
    );
    assert!(
        inbound
            .fix
            .contains("replace the global <http:endpoint name=\"claimsInbound\"> with <https:endpoint name=\"claimsInbound\" connector-ref=\"HttpsConnector\"")
            && inbound
                .fix
                .contains("<http:inbound-endpoint ref=\"claimsInbound\"> with <https:inbound-endpoint ref=\"claimsInbound\">"),
        "{}",
        inbound.fix
    );
    let partner = at(11);
    assert_eq!(partner.severity, Severity::Medium);
    assert!(
        partner.message.contains(
            "<http:outbound-endpoint ref=\"partnerEndpoint\"> sends its requests to http://partner-dev.acme.example:80/api/claims, http://partner.acme.example:80/api/claims over plain HTTP"
        ),
        "{}",
        partner.message
    );
    assert!(
        partner
            .related
            .iter()
            .any(|r| r.path.ends_with("mule.prod.properties") && r.line == 2),
        "{:#?}",
        partner.related
    );
    let legacy = at(12);
    assert!(
        legacy.message.contains(
            "<outbound-endpoint ref=\"legacyEndpoint\"> sends its requests to http://legacy.acme.example/soap/claims over plain HTTP"
        ) && legacy
            .message
            .contains("global <endpoint name=\"legacyEndpoint\"> (global.xml:19)"),
        "{}",
        legacy.message
    );
    let https_element = at(20);
    assert!(
        https_element.message.contains(
            "<https:outbound-endpoint ref=\"partnerEndpoint\"> sends its requests to http://partner-dev.acme.example:80/api/claims, http://partner.acme.example:80/api/claims over plain HTTP"
        ) && https_element
            .message
            .contains("takes the address and scheme of the global endpoint it names, not the https of its own element"),
        "{}",
        https_element.message
    );
    assert!(
        https_element
            .fix
            .contains("replace the global <http:endpoint name=\"partnerEndpoint\"> with <https:endpoint name=\"partnerEndpoint\"")
            && !https_element.fix.contains("with <https:outbound-endpoint ref"),
        "{}",
        https_element.fix
    );
    // An https: inbound endpoint naming a plain global endpoint serves
    // plain HTTP: the global endpoint's address and scheme win.
    let https_inbound = at(25);
    assert_eq!(https_inbound.severity, Severity::Medium);
    assert!(
        https_inbound.message.contains(
            "<https:inbound-endpoint ref=\"claimsInbound\"> accepts plain HTTP at http://0.0.0.0:8081/claims in dev, prod"
        ),
        "{}",
        https_inbound.message
    );
    assert!(
        https_inbound
            .fix
            .contains("replace the global <http:endpoint name=\"claimsInbound\"> with <https:endpoint name=\"claimsInbound\"")
            && !https_inbound.fix.contains("with <https:inbound-endpoint ref"),
        "{}",
        https_inbound.fix
    );
    let erp = at(17);
    assert!(
        erp.message.contains(
            "<http:outbound-endpoint> sends its requests to http://erp.acme.example:8080/claims over plain HTTP"
        ),
        "{}",
        erp.message
    );
}
