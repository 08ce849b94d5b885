//! IG101 password-auth: `<http:request>` operations that log in to
//! Salesforce with a password (OAuth username-password flow, SOAP login).

use crate::common;
use intguard_model::AuthClass;

const T: &str = "token-api/src/main/mule/token.xml";

#[test]
fn http_requests_with_a_password_grant_or_soap_login() {
    // grant_type=password in the URL, in the DataWeave payload set before the
    // request, in http:query-params, and a SOAP login URL from a property
    // (alone, after an envelope written as XML, after one built by DataWeave).
    // Not: a JWT bearer grant (with the old grant in a comment), a password
    // grant to a non-Salesforce identity provider, a non-Salesforce REST call.
    common::assert_places(
        "IG101",
        "IG101/http-requests",
        &[(T, 20), (T, 32), (T, 36), (T, 42), (T, 66), (T, 80)],
    );
}

/// Nothing in the repository sets the password these requests send (the
/// URL's pair, the payload's field, the query parameters' field): the fix
/// says the deployment supplies it. A SOAP login's is the envelope's
/// `<password>`: located when the flow sets the envelope before the request
/// (as XML, or with DataWeave), not when nothing in the flow does.
#[test]
fn the_fix_names_the_deploy_time_password_of_a_request() {
    let findings = common::run("IG101", "IG101/http-requests");
    for line in [20, 32, 36] {
        let f = common::finding_at(&findings, T, line);
        assert!(
            f.fix.contains(
                "then stop supplying the password at deploy time (`sf.password`) and reset it"
            ),
            "line {line}: {}",
            f.fix
        );
    }
    let soap = common::finding_at(&findings, T, 42);
    assert!(
        soap.fix
            .contains("then delete the password wherever it is kept"),
        "{}",
        soap.fix
    );
    let envelope = common::finding_at(&findings, T, 66);
    assert!(
        envelope.fix.contains(
            "then delete the password where the repository sets it (`sf.soapPassword` in dev.properties), stop supplying it at deploy time (`sf.soapPassword`), and reset it"
        ),
        "{}",
        envelope.fix
    );
    let dataweave = common::finding_at(&findings, T, 80);
    assert!(
        dataweave
            .fix
            .contains("then stop supplying the password at deploy time (`sf.password`, `sf.token`) and reset it"),
        "{}",
        dataweave.fix
    );
    // The envelope's <username> names the user, in each environment.
    for f in [envelope, dataweave] {
        assert!(
            f.message
                .ends_with("as int.token@acme.com.dev (dev), int.token@acme.com (prod)"),
            "{}",
            f.message
        );
    }
}

#[test]
fn names_the_user_and_the_flow() {
    let findings = common::run("IG101", "IG101/http-requests");
    let at = |line: u32| {
        findings
            .iter()
            .find(|f| f.location.line == line)
            .unwrap_or_else(|| panic!("no finding at {line}"))
    };
    let url = at(20);
    assert_eq!(
        url.message,
        "token-api: <http:request> to https://login.salesforce.com/services/oauth2/token?… logs in to Salesforce with the OAuth username-password flow (grant_type=password) as int.token@acme.com"
    );
    assert!(
        url.fix.contains("<salesforce:jwt-connection"),
        "{}",
        url.fix
    );
    assert!(
        url.fix.contains("principal=\"int.token@acme.com\""),
        "{}",
        url.fix
    );
    let body = at(32);
    assert_eq!(
        body.identity.as_deref(),
        Some("int.token@acme.com.dev (dev), int.token@acme.com (prod)")
    );
    let mut envs = body.environments.clone();
    envs.sort();
    assert_eq!(envs, vec!["dev".to_string(), "prod".to_string()]);
    assert!(at(36).message.contains("grant_type=password"));
    let soap = at(42);
    assert!(
        soap.message
            .contains("the SOAP login endpoint /services/Soap/u/"),
        "{}",
        soap.message
    );
    for f in &findings {
        assert!(!f.message.contains("3MVG9"), "{}", f.message);
    }
}

const G: &str = "grant-api/src/main/mule/grant.xml";

/// `grant_type=password` in a request config's default query parameters
/// (literal, or from a property in one environment), a grant_type read
/// through `p('...')` inside DataWeave (`<http:body>`, the payload an
/// `ee:set-payload` sets), a `<http:query-param key value>` child of the
/// request, and the payload a flow-ref hands a sub-flow whose first request
/// sends it (written inline or in a `.dwl` file): one finding per request, at
/// the `<http:request>`, naming the environments where the grant resolves to
/// `password`.
#[test]
fn password_grant_in_config_defaults_and_through_properties() {
    common::assert_places(
        "IG101",
        "IG101/grant-sources/positive",
        &[
            (G, 34),
            (G, 38),
            (G, 43),
            (G, 60),
            (G, 65),
            (G, 80),
            (G, 90),
            (G, 104),
        ],
    );
    let findings = common::run("IG101", "IG101/grant-sources/positive");
    let envs = |line: u32| {
        let f = common::finding_at(&findings, G, line);
        assert_eq!(f.location.column, 5, "{G}:{line}: {:?}", f.location);
        let mut e = f.environments.clone();
        e.sort();
        e
    };
    let all = vec!["dev".to_string(), "prod".to_string(), "qa".to_string()];
    let qa_prod = vec!["prod".to_string(), "qa".to_string()];
    assert_eq!(envs(34), all);
    assert_eq!(envs(38), vec!["qa".to_string()]);
    assert_eq!(envs(43), qa_prod);
    assert_eq!(envs(60), qa_prod);
    assert_eq!(envs(65), all);
    // The grant a flow-ref hands the sub-flow, sent by its first request.
    assert_eq!(envs(80), all);
    // The grant in a DataWeave file (`<ee:set-payload resource="...">`).
    assert_eq!(envs(90), all);
    // That file's grant handed by a flow-ref to a sub-flow's first request.
    assert_eq!(envs(104), all);

    let defaults = common::finding_at(&findings, G, 34);
    assert!(
        defaults.message.contains(
            "logs in to Salesforce with the OAuth username-password flow (grant_type=password)"
        ),
        "{}",
        defaults.message
    );
    assert!(
        defaults.message.contains(
            "default query parameters of <http:request-config> `Salesforce_Password_Token`"
        ),
        "{}",
        defaults.message
    );
    assert_eq!(
        defaults.identity.as_deref(),
        Some("int.grant@acme.com.dev (dev), int.grant@acme.com (prod), int.grant@acme.com.qa (qa)")
    );
    // The config's default grant_type is a related location (its `value`).
    assert!(
        defaults
            .related
            .iter()
            .any(|r| r.path.ends_with(G) && r.line == 20),
        "{:#?}",
        defaults.related
    );
    let property = common::finding_at(&findings, G, 38);
    assert!(
        property.message.contains("in qa"),
        "the environment is named: {}",
        property.message
    );
    let body = common::finding_at(&findings, G, 43);
    assert!(
        body.message.contains("in prod, qa"),
        "the environments are named: {}",
        body.message
    );
    assert_eq!(
        body.identity.as_deref(),
        Some("int.grant@acme.com (prod), int.grant@acme.com.qa (qa)")
    );
    assert!(common::finding_at(&findings, G, 60)
        .message
        .contains("in prod, qa"));
    let child = common::finding_at(&findings, G, 65);
    assert!(
        !child.message.contains("default query parameters"),
        "{}",
        child.message
    );
    assert_eq!(
        child.identity.as_deref(),
        Some("int.grant@acme.com.dev (dev), int.grant@acme.com (prod), int.grant@acme.com.qa (qa)")
    );
}

/// Client credentials and JWT bearer grants (literal defaults, or read
/// through properties that never resolve to `password`), and a password
/// grant sent to another identity provider: nothing.
#[test]
fn grants_that_are_not_the_password_flow_are_clean() {
    common::assert_clean("IG101", "IG101/grant-sources/negative");
}

const CONNECTIONS: &str = "IG101/connections";
const ORDERS: &str = "orders-api/src/main/mule/global.xml";
const LEGACY: &str = "legacy-m3/src/main/app/global.xml";

/// The message and fix name the credentials the connection is written with:
/// a security token only where a `securityToken` attribute is.
#[test]
fn password_connections_say_what_they_are_written_with() {
    common::assert_places(
        "IG101",
        CONNECTIONS,
        &[(ORDERS, 9), (ORDERS, 13), (LEGACY, 12)],
    );
    let findings = common::run("IG101", CONNECTIONS);
    let at = |file: &str, line: u32| common::finding_at(&findings, file, line);
    for f in [at(ORDERS, 9), at(LEGACY, 12)] {
        assert!(
            f.message
                .contains("authenticates with a username and password (SOAP login)"),
            "{}",
            f.message
        );
        assert!(!f.fix.contains("security token"), "{}", f.fix);
    }
    let billing = at(ORDERS, 13);
    assert!(
        billing
            .message
            .contains("authenticates with a username, password and security token (SOAP login)"),
        "{}",
        billing.message
    );
    // Nothing in the repository sets them: the deployment does.
    assert!(
        billing.fix.contains(
            "then stop supplying the password and security token at deploy time (`sfdc.billing.password`, `sfdc.billing.token`) and reset"
        ),
        "{}",
        billing.fix
    );
    // The committed `sfdc.password=${sfdc.password.prod}` only passes the
    // value on: the deployment sets it.
    let legacy = at(LEGACY, 12);
    assert!(
        legacy.fix.contains(
            "then stop supplying the password at deploy time (`sfdc.password.prod`) and reset"
        ),
        "{}",
        legacy.fix
    );
}

const PLACES: &str = "sales-sync/src/main/mule/global.xml";
const TOKEN: &str = "sales-sync/src/main/mule/token.xml";

/// The fix says where each connection's password is set, so that it can be
/// deleted once the connection logs in with a certificate: property file
/// entries (grouped by key, each file once), a `global-property`, the
/// attribute itself, a `-D` option of the app's deploy script, a deployment
/// property of its pom, and what the deployment supplies, alone or beside
/// committed values (a `-D` option passing a CI variable is the deployment's).
#[test]
fn the_fix_names_where_each_password_is_set() {
    common::assert_places(
        "IG101",
        "IG101/secret-places",
        &[
            (PLACES, 12),
            (PLACES, 16),
            (PLACES, 20),
            (PLACES, 25),
            (PLACES, 30),
            (PLACES, 35),
            (TOKEN, 13),
            (TOKEN, 20),
        ],
    );
    let findings = common::run("IG101", "IG101/secret-places");
    let fix = |line: u32| &common::finding_at(&findings, PLACES, line).fix;
    let expected = [
        (
            12,
            "then delete the password and security token where the repository sets them (`sfdc.password` in dev.yaml and prod.yaml; `sfdc.token` in prod.yaml), stop supplying them at deploy time (`sfdc.token`), and reset the user's password.",
        ),
        (
            16,
            "then delete the password where the repository sets it (<global-property name=\"sfdc.legacy.password\"> in global.xml) and reset the user's password.",
        ),
        (
            20,
            "then delete the password where the repository sets it (the password attribute in global.xml) and reset the user's password.",
        ),
        (
            25,
            "then delete the password where the repository sets it (-Dops.login in deploy.sh) and reset the user's password.",
        ),
        (
            30,
            "then delete the password where the repository sets it (`billing.password` in pom.xml) and reset the user's password.",
        ),
        // `-Dreports.login="${REPORTS_LOGIN}"`: a CI variable, set at deploy.
        (
            35,
            "then stop supplying the password at deploy time (`reports.login`) and reset the user's password.",
        ),
    ];
    for (line, tail) in expected {
        assert!(fix(line).contains(tail), "line {line}: {}", fix(line));
    }
    // The password an <http:request> sends: a field of its body read from
    // the property files, a pair of its URL written in clear.
    let request = |line: u32| &common::finding_at(&findings, TOKEN, line).fix;
    assert!(
        request(13).ends_with("then delete the password where the repository sets it (`sfdc.password` in dev.yaml and prod.yaml) and reset it to a random value nobody keeps."),
        "{}",
        request(13)
    );
    assert!(
        request(20).ends_with("then delete the password where the repository sets it (the password in the url in token.xml) and reset it to a random value nobody keeps."),
        "{}",
        request(20)
    );
    common::assert_no_secrets(
        "IG101/secret-places",
        &[
            "Dev-Pass-1234",
            "Prod-Pass-5678",
            "ProdToken0123456789abcd",
            "Legacy-Pass-2024",
            "Inline-Pass-77",
            "Ops-Pass-4321",
            "Url-Pass-9876",
            "PomBillingPass-4455",
        ],
    );
}

const ENC_M4: &str = "orders-sapi/src/main/mule/global.xml";
const ENC_M3: &str = "legacy-sync/src/main/app/global.xml";

/// A username kept encrypted (`![...]`) names nobody: the message says it is
/// encrypted, and no ciphertext is shown as the user (message, identity or
/// related line). Mule 4 with random IVs (a ciphertext per environment) and
/// Mule 3 with a plain dev username.
#[test]
fn encrypted_usernames_are_not_named() {
    let findings = common::run("IG101", "IG101/encrypted-username");
    common::assert_places(
        "IG101",
        "IG101/encrypted-username",
        &[(ENC_M4, 18), (ENC_M3, 12)],
    );
    let orders = common::finding_at(&findings, ENC_M4, 18);
    assert_eq!(
        orders.message,
        "orders-sapi `Salesforce_Config` (salesforce:basic-connection) authenticates with a username, password and security token (SOAP login) as an encrypted username"
    );
    assert_eq!(orders.identity, None);
    assert_eq!(orders.environments, ["dev", "prod"]);
    let legacy = common::finding_at(&findings, ENC_M3, 12);
    assert_eq!(
        legacy.message,
        "legacy-sync `Salesforce__Basic_Authentication` (sfdc:config) authenticates with a username, password and security token (SOAP login) as int.legacy@acme.com.dev (dev), an encrypted username (prod)"
    );
    assert_eq!(legacy.identity.as_deref(), Some("int.legacy@acme.com.dev"));
    assert_eq!(legacy.environments, ["dev", "prod"]);
    for f in &findings {
        let text = format!("{} {} {:?} {:?}", f.message, f.fix, f.related, f.identity);
        assert!(!text.contains("!["), "{text}");
    }
}

/// A connection a domain project shares with its apps logs in as its user
/// like an app's own.
#[test]
fn a_domain_projects_shared_connection() {
    const D: &str = "acme-domain/src/main/mule/mule-domain-config.xml";
    common::assert_places("IG101", "IG101/domain", &[(D, 28)]);
    let findings = common::run("IG101", "IG101/domain");
    let f = common::finding_at(&findings, D, 28);
    assert!(
        f.message.contains("`Shared_Salesforce`") && f.message.contains("int.domain@acme.com"),
        "{}",
        f.message
    );
}

/// Found by testing as a user would: a basic connection that reuses a
/// session (`sessionId` and `serviceEndpoint`, no username or password) was
/// reported as logging in "with a username and password", then, as its
/// serviceEndpoint is a `/services/Soap/u/` URL, with "the SOAP login
/// endpoint": the service endpoint is where the calls go, not a login.
#[test]
fn a_session_connection_is_no_password_login() {
    common::assert_clean("IG101", "IG101/session-connection");
}

/// The same for Mule 3: an `sfdc:config` or `sfdc:cached-basic-config`
/// given a session (`sessionId`, `serviceEndpoint`) and no username or
/// password logs in with no password (it was reported as one).
#[test]
fn a_mule3_session_config_is_no_password_login() {
    common::assert_clean("IG101", "IG101/mule3-session");
    common::assert_clean("IG206", "IG101/mule3-session");
}

/// Found by testing as a user would: a Salesforce Composite connector's
/// connection logs in as a Salesforce user like the Salesforce
/// connector's, and was not read at all (no IG101, no identity). Its fix
/// names the Composite connector's own JWT connection, not
/// `<salesforce:jwt-connection>`; the certificate connection beside it is
/// clean.
#[test]
fn composite_connector_connections_are_read() {
    const X: &str = "batch-papi/src/main/mule/composite.xml";
    common::assert_places("IG101", "IG101/composite", &[(X, 8)]);
    let f = &common::run("IG101", "IG101/composite")[0];
    assert!(
        f.message.contains("`Composite_Config` (salesforce-composite:oauth-user-pass-connection) authenticates with the OAuth username-password flow as int.batch@acme.com"),
        "{}",
        f.message
    );
    assert!(
        f.fix.starts_with("Replace <salesforce-composite:oauth-user-pass-connection> with the Composite connector's OAuth JWT connection"),
        "{}",
        f.fix
    );
    // `intguard fix jwt` does not rewrite it (its JWT element name is UNVERIFIED).
    assert!(!f.fix.contains("intguard fix jwt"), "{}", f.fix);
}

/// The fix of a Mule 4 password connection names `intguard fix jwt`, which
/// rewrites it; a Mule 3 one's does not (the command leaves it).
#[test]
fn the_fix_names_fix_jwt_for_mule4_connections() {
    let findings = common::run("IG101", CONNECTIONS);
    for line in [9, 13] {
        let f = common::finding_at(&findings, ORDERS, line);
        assert!(
            f.fix.contains(" Or run intguard fix jwt ")
                && f.fix.ends_with("/orders-api (--dry-run first): it makes the switch in place, adds the properties the connection reads per environment, and lists the password settings to delete."),
            "line {line}: {}",
            f.fix
        );
    }
    let legacy = common::finding_at(&findings, LEGACY, 12);
    assert!(!legacy.fix.contains("intguard fix jwt"), "{}", legacy.fix);
}

const LEDGER: &str = "ledger-m3/src/main/app/ledger.xml";

/// The Mule 3 connector's other config elements (`cached-basic-config`, the
/// name Salesforce connector 8.x/9.x writes for basic authentication,
/// `config-oauth-user-pass`, the OAuth username-password flow) are password
/// logins like `sfdc:config`, with
/// the user their properties name; its JWT bearer config
/// (`cached-config-oauth-jwt-bearer`) is not.
#[test]
fn mule3_cached_and_user_pass_configs_are_password_logins() {
    common::assert_places("IG101", "IG101/mule3-cached", &[(LEDGER, 12), (LEDGER, 15)]);
    let findings = common::run("IG101", "IG101/mule3-cached");
    let cached = common::finding_at(&findings, LEDGER, 12);
    assert!(
        cached.message
            == "ledger-m3 `Salesforce_Ledger` (sfdc:cached-basic-config) authenticates with a username, password and security token (SOAP login) as int.ledger@acme.com",
        "{}",
        cached.message
    );
    assert!(
        cached.fix.starts_with(
            "Replace <sfdc:cached-basic-config> with the Mule 3 Salesforce connector's OAuth 2.0 JWT Bearer configuration, <sfdc:cached-config-oauth-jwt-bearer> (consumerKey, keyStore, storePassword, principal), or migrate"
        ),
        "{}",
        cached.fix
    );
    // `config-oauth-user-pass` is the OAuth username-password flow, not a
    // SOAP login.
    let user_pass = common::finding_at(&findings, LEDGER, 15);
    assert!(
        user_pass
            .message
            .contains("(sfdc:config-oauth-user-pass) authenticates with the OAuth username-password flow as int.ledger@acme.com"),
        "{}",
        user_pass.message
    );
    let inv = common::inventory("IG101/mule3-cached");
    let app = &inv.apps[0];
    let auth = |name: &str| {
        app.salesforce_connections
            .iter()
            .find(|c| c.config_name == name)
            .map(|c| c.auth)
    };
    assert_eq!(auth("Salesforce_JWT"), Some(AuthClass::Certificate));
    assert_eq!(auth("Salesforce_Ledger"), Some(AuthClass::Password));
    assert_eq!(auth("Salesforce_UserPass"), Some(AuthClass::Password));
}

/// A Mule 3 `<http:request>` logging in with the password grant (its
/// `<http:request-builder>` query parameters) is told to use the Mule 3
/// connector's JWT bearer config, in Mule 3's syntax: no Mule 4 element, no
/// `secure::` prefix, which Mule 3 placeholders do not know.
#[test]
fn a_mule3_password_grant_is_fixed_in_mule3_syntax() {
    let file = "token-m3/src/main/app/token.xml";
    common::assert_places("IG101", "IG101/mule3-http-request", &[(file, 12)]);
    let findings = common::run("IG101", "IG101/mule3-http-request");
    let f = common::finding_at(&findings, file, 12);
    assert!(
        f.fix.contains(
            "call Salesforce through the connector with the JWT bearer flow, <sfdc:cached-config-oauth-jwt-bearer name=\"Salesforce_Config\" consumerKey=\"${sfdc.consumerKey}\" keyStore=\"${sfdc.keystore.path}\" storePassword=\"${sfdc.keystore.password}\" principal=\"int.token@acme.com\" tokenEndpoint=\"https://<mydomain>.my.salesforce.com/services/oauth2/token\"/>, backed by"
        ),
        "{}",
        f.fix
    );
    assert!(!f.fix.contains("salesforce:"), "{}", f.fix);
    assert!(!f.fix.contains("secure::"), "{}", f.fix);
}
