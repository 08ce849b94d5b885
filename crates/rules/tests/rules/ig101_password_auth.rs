//! IG101 password-auth: `<http:request>` operations that log in to
//! Salesforce with a password (OAuth username-password flow, SOAP login).

use crate::common;

const T: &str = "token-api/src/main/mule/token.xml";

#[test]
fn http_requests_with_a_password_grant_or_soap_login() {
    // grant_type=password in the URL, in the DataWeave payload set before the
    // request, in http:query-params, and a SOAP login URL from a property.
    // Not: a JWT bearer grant (with the old grant in a comment), a password
    // grant to a non-Salesforce identity provider, a non-Salesforce REST call.
    common::assert_places(
        "IG101",
        "IG101/http-requests",
        &[(T, 20), (T, 32), (T, 36), (T, 42)],
    );
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
