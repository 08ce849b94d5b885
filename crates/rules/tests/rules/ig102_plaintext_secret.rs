//! IG102 plaintext-secret on fixture trees read by the real readers.

use crate::common;

/// The clear secrets of the positive fixture: none may appear in any output.
const SECRETS: &[&str] = &[
    "Kst0reP4ss!",
    "Erp-Pa55word-2024",
    "Prod-Tiger-2024",
    "aB3dE5fG7hJ9kL1mN3pQ",
    "OldSecret#99",
    "Sh3ll-Secret!",
    "M3-Literal-Pass",
    "M3TokenInClear00",
    // Credentials sent by HTTP requests.
    "c3RvY2stc3ZjOlN0MGNrLVBhc3MtOTk=",
    "StockApiKey-4471",
    "St0ckBearerT0ken8812",
    "StockClientSecret5530",
    "PricesInlineKey2207",
    "ZXJwLWFjY291bnRzOk0zLUVycC1QYXNzLTYx",
    // Passwords in URLs' user info.
    "FeedUrlPass-6620",
    "MirrorUrlPass-7731",
    // Credentials in URLs' queries.
    "PartnerSecret-8842",
    "PartnerPass-3319",
    "PricesUrlKey-5106",
    // Variables set in clear.
    "PartnerVarKey-6043",
    "M3-Session-Pass-88",
    "YWNjb3VudHM6TTMtVmFyLVBhc3MtNDI=",
];

const STOCK: &str = "stock-api/src/main/mule/stock.xml";

#[test]
fn positive() {
    common::assert_places(
        "IG102",
        "IG102/positive",
        &[
            // Literal attributes: a key-store keyPassword, an HTTP basic-auth password,
            // a Mule 3 sfdc:config password.
            ("orders-api/src/main/mule/global.xml", 22),
            ("orders-api/src/main/mule/global.xml", 28),
            ("accounts-m3/src/main/app/accounts.xml", 12),
            // Property files: prod, a clear value in a secure file, a file nobody loads,
            // a Mule 3 environment file.
            ("orders-api/src/main/resources/properties/prod.yaml", 5),
            (
                "orders-api/src/main/resources/properties/prod-secure.yaml",
                2,
            ),
            ("orders-api/src/main/resources/old-config.properties", 3),
            ("accounts-m3/src/main/resources/mule.prod.properties", 2),
            // A script outside the apps.
            ("scripts/smoke-test.sh", 4),
            // Credentials HTTP requests send: a request config's default header and
            // default query parameter, a request's DataWeave headers and query
            // parameters, a Mule 4 <http:header> child, a Mule 3 request-builder header.
            (STOCK, 13),
            (STOCK, 17),
            (STOCK, 26),
            (STOCK, 29),
            (STOCK, 36),
            ("accounts-m3/src/main/app/accounts.xml", 20),
            // A password in a URL's user info: in the XML, in a property.
            (STOCK, 52),
            ("stock-api/src/main/resources/properties/prod.yaml", 3),
            // Credentials in a URL's query: in the XML, in a property.
            (STOCK, 58),
            ("stock-api/src/main/resources/properties/prod.yaml", 4),
            // Variables named like secrets set in clear: Mule 4 set-variable, Mule 3
            // set-session-variable and set-property.
            (STOCK, 64),
            ("accounts-m3/src/main/app/accounts.xml", 28),
            ("accounts-m3/src/main/app/accounts.xml", 29),
        ],
    );
}

/// A file no configuration loads is read by nothing: its finding says the
/// name is read (from the loaded files), not that its value is.
/// A deploy script's `-Dsf.login=...`: the name says nothing, but the app's
/// connection reads `${sf.login}` as its password, so the option sets that
/// password in clear. The option beside it, `crypt.material`, is the key a
/// secure-properties config names: IG103's, not reported here.
#[test]
fn a_script_option_the_app_reads_as_a_password() {
    let rel = "IG103/named-by-config";
    common::assert_places("IG102", rel, &[("crm-api/scripts/deploy.sh", 4)]);
    let findings = common::run("IG102", rel);
    let f = &findings[0];
    assert!(
        f.message.contains(
            "secret `sf.login` (read as `password` of <salesforce:basic-connection> `Crm_Salesforce`) is set in clear in deploy.sh"
        ),
        "{}",
        f.message
    );
    assert!(!f.message.contains("crypt.material"), "{}", f.message);
    common::assert_no_secrets(rel, &["Material-0123456789", "Hunter2-Pass-77"]);
}

#[test]
fn a_file_nobody_loads_is_not_said_to_be_read() {
    let findings = common::run("IG102", "IG102/positive");
    let f = common::finding_at(
        &findings,
        "orders-api/src/main/resources/old-config.properties",
        3,
    );
    assert!(
        f.message.contains("(a file no configuration loads)")
            && f.message.contains(
                "a name `password` of <salesforce:basic-connection> `Salesforce_Config` reads from the files that are loaded"
            )
            && !f.message.contains("read by"),
        "{}",
        f.message
    );
}

/// The fix of a secret in a file no configuration loads says so and names
/// what to add, instead of moving it as if the app read it, with a command
/// (`fix secrets`) that leaves such files.
#[test]
fn the_fix_for_a_file_nobody_loads_says_nothing_loads_it() {
    let findings = common::run("IG102", "IG102/positive");
    let f = common::finding_at(
        &findings,
        "orders-api/src/main/resources/old-config.properties",
        3,
    );
    assert!(
        f.fix.starts_with(
            "No <configuration-properties> or <secure-properties:config> loads old-config.properties, so the app never reads this value (intguard fix secrets leaves the file). If nothing needs it, delete it. If the app should read it, move it to the environment's secure properties file (properties/${mule.env}-secure.yaml, read by <secure-properties:config> `Secure_Props`) as `sfdc.password: \"![<encrypted value>]\"`, read as ${secure::sfdc.password}, or encrypt it in place (`sfdc.password=![<encrypted value>]`) and load the file with <secure-properties:config name=\"...\" file=\"old-config.properties\" key=\"${encryption.key}\">: "
        ),
        "{}",
        f.fix
    );
    assert!(
        !f.fix.contains("intguard fix secrets --key-env"),
        "{}",
        f.fix
    );
}

/// `https://user:password@host`: the password is a credential written in
/// clear, reported where the URL is, masked.
#[test]
fn url_passwords_are_reported_masked() {
    let findings = common::run("IG102", "IG102/positive");
    let xml = common::finding_at(&findings, STOCK, 52);
    assert_eq!(xml.location.column, 32, "{:?}", xml.location);
    assert!(
        xml.message
            .starts_with("stock-api: `url` of <http:request> `legacy-feed-flow` carries a password in its URL's user info, written in clear in the XML (Fe…(16) sha256:"),
        "{}",
        xml.message
    );
    assert!(
        xml.fix.contains("Take `user:password@` out of the URL"),
        "{}",
        xml.fix
    );
    let property = common::finding_at(
        &findings,
        "stock-api/src/main/resources/properties/prod.yaml",
        3,
    );
    assert!(
        property.message.starts_with(
            "stock-api: property `stock.mirrorUrl` in prod.yaml (prod) is a URL with a password in its user info, in clear (Mi…(18) sha256:"
        ),
        "{}",
        property.message
    );
    assert_eq!(property.environments, ["prod"]);
}

/// `...?client_secret=...&password=...`: credentials written in a URL's
/// query, one finding per URL naming each, masked, with a fix that moves them
/// out of the URL; a property holding such a URL too. References, empty
/// values and names that carry no credential are not reported (negative
/// fixture).
#[test]
fn url_query_credentials_are_reported_masked() {
    let findings = common::run("IG102", "IG102/positive");
    let xml = common::finding_at(&findings, STOCK, 58);
    assert!(
        xml.message.starts_with(
            "stock-api: `url` of <http:request> `partner-token-flow` sends `client_secret` and `password` in its URL's query, written in clear in the XML (Pa…(18) sha256:"
        ),
        "{}",
        xml.message
    );
    assert!(
        xml.fix.starts_with("Take the credential out of the URL"),
        "{}",
        xml.fix
    );
    let property = common::finding_at(
        &findings,
        "stock-api/src/main/resources/properties/prod.yaml",
        4,
    );
    assert!(
        property.message.starts_with(
            "stock-api: property `stock.pricesUrl` in prod.yaml (prod) is a URL that sends `api_key` in its query, in clear (Pr…(17) sha256:"
        ),
        "{}",
        property.message
    );
    assert_eq!(property.environments, ["prod"]);
}

/// A variable whose name says it holds a secret (`<set-variable
/// variableName="partnerApiKey" value="..."/>`, Mule 3's `set-session-variable`
/// and `set-property propertyName="Authorization"`) set to a literal: its value
/// is reported, named by the variable, with the fix of any secret attribute.
/// An expression and a variable with a plain name are not (positive fixture,
/// beside them), nor a secure property (negative fixture).
#[test]
fn secret_variables_set_in_clear_are_reported() {
    let findings = common::run("IG102", "IG102/positive");
    let accounts = "accounts-m3/src/main/app/accounts.xml";
    let expected = [
        (
            STOCK,
            64,
            "stock-api: `value` of <set-variable> `partnerApiKey` is written in clear in the XML (Pa…(18) sha256:",
        ),
        (
            accounts,
            28,
            "accounts-m3: `value` of <set-session-variable> `accountsPassword` is written in clear in the XML (M3…(18) sha256:",
        ),
        (
            accounts,
            29,
            "accounts-m3: `value` of <set-property> `Authorization` is written in clear in the XML (Ba…(38) sha256:",
        ),
    ];
    for (file, line, start) in expected {
        let f = common::finding_at(&findings, file, line);
        assert!(f.message.starts_with(start), "{}", f.message);
    }
    let key = common::finding_at(&findings, STOCK, 64);
    assert!(
        key.fix
            .starts_with("Replace value=\"…\" with value=\"${secure::partnerapikey.value}\""),
        "{}",
        key.fix
    );
}

/// Literal credentials in HTTP headers and query parameters: one finding each,
/// at the value, with a fix in the app's own property syntax.
#[test]
fn http_credentials_point_at_the_value_and_read_a_secure_property() {
    let findings = common::run("IG102", "IG102/positive");
    let at = |file: &str, line: u32| {
        let here: Vec<_> = findings
            .iter()
            .filter(|f| f.location.path.ends_with(file) && f.location.line == line)
            .collect();
        assert_eq!(here.len(), 1, "one finding at {file}:{line}: {here:#?}");
        here[0]
    };
    // <http:default-header key="Authorization" value="Basic ..."/>: the `value`
    // attribute.
    let basic = at(STOCK, 13);
    assert_eq!(basic.location.column, 48);
    assert_eq!(basic.rule, "IG102");
    assert!(
        basic.message.contains(
            "<http:request-config> `Stock_Request` sends the default header `Authorization` with a Basic credential written in clear in the XML (c3…(32) sha256:"
        ),
        "{}",
        basic.message
    );
    assert!(
        basic
            .fix
            .contains("value=\"${secure::stock_request.authorization}\""),
        "{}",
        basic.fix
    );
    assert!(
        basic.fix.contains("<http:basic-authentication"),
        "{}",
        basic.fix
    );
    let apikey = at(STOCK, 17);
    assert_eq!(apikey.location.column, 38);
    assert!(
        apikey.message.contains("default query parameter `apikey`"),
        "{}",
        apikey.message
    );
    // DataWeave maps: the string's opening quote.
    let bearer = at(STOCK, 26);
    assert_eq!(bearer.location.column, 20);
    assert!(
        bearer.message.contains(
            "<http:request> in flow `get-stock-flow` (config `Stock_Request`) sends the header `Authorization` with a Bearer credential"
        ),
        "{}",
        bearer.message
    );
    // Stock_Request's default header took `stock_request.authorization`
    // for another value: numbered, as `fix secrets` names it.
    assert!(
        bearer
            .fix
            .contains("p('secure::stock_request.authorization2') (the expression form of ${secure::stock_request.authorization2})"),
        "{}",
        bearer.fix
    );
    let secret = at(STOCK, 29);
    assert_eq!(secret.location.column, 56);
    assert!(
        secret.message.contains("query parameter `client_secret`"),
        "{}",
        secret.message
    );
    assert_eq!(at(STOCK, 36).location.column, 38);
    // Mule 3: `${name}` read from the placeholder's files, no `secure::`.
    let m3 = at("accounts-m3/src/main/app/accounts.xml", 20);
    assert_eq!(m3.location.column, 57);
    assert!(
        m3.fix.contains("value=\"${erp_request.authorization}\""),
        "{}",
        m3.fix
    );
    assert!(!m3.fix.contains("secure::"), "{}", m3.fix);
    // With no placeholder config yet, the file a new one would load, beside
    // the app's own `mule.${env}.properties`; not a made-up configuration.
    assert!(
        m3.fix.contains(
            "to the app's secure properties file (secure.${env}.properties, read by a new <secure-property-placeholder:config>)"
        ),
        "{}",
        m3.fix
    );
    assert!(!m3.fix.contains("mule.key"), "{}", m3.fix);
    // Fingerprint keys tell the credentials of a file apart.
    let mut keys: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.location.path.as_str(), f.fingerprint_key.as_str()))
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "{keys:#?}");
}

/// A Salesforce access token in an Authorization header is reported once, by
/// IG106 (which says how to revoke it), as everywhere else.
#[test]
fn salesforce_token_in_a_header_is_left_to_ig106() {
    assert!(!common::places("IG102", "IG102/positive").contains(&(STOCK.to_string(), 45)));
    assert!(
        common::places("IG106", "IG102/positive").contains(&(STOCK.to_string(), 45)),
        "IG106 reports the token"
    );
}

#[test]
fn positive_links_both_ends_names_the_user_and_hides_values() {
    let findings = common::run("IG102", "IG102/positive");
    for f in &findings {
        let mut texts = vec![f.message.clone(), f.fix.to_string()];
        texts.extend(f.related.iter().map(|r| r.message.to_string()));
        for t in &texts {
            for s in SECRETS {
                assert!(!t.contains(s), "secret {s:?} in {t:?}");
            }
        }
    }
    let at = |file: &str, line: u32| common::finding_at(&findings, file, line);
    let prod = at("properties/prod.yaml", 5);
    assert_eq!(prod.environments, vec!["prod".to_string()]);
    assert_eq!(prod.identity.as_deref(), Some("int.orders@acme.com"));
    assert!(
        prod.message.contains("`sfdc.password` in prod.yaml (prod)"),
        "{}",
        prod.message
    );
    assert!(prod.message.contains("Pr…(15) sha256:"), "{}", prod.message);
    assert!(
        prod.related
            .iter()
            .any(|r| r.path.ends_with("global.xml") && r.line == 16),
        "the XML end: {:#?}",
        prod.related
    );
    let token = at("prod-secure.yaml", 2);
    assert!(
        token
            .message
            .contains("is not encrypted, although the file is a secure-properties file"),
        "{}",
        token.message
    );
    assert!(
        token.related.iter().any(|r| r.line == 17),
        "{:#?}",
        token.related
    );
    let old = at("old-config.properties", 3);
    assert!(
        old.message.contains("no configuration loads"),
        "{}",
        old.message
    );
    let m3 = at("accounts.xml", 12);
    assert_eq!(m3.identity.as_deref(), Some("int.accounts@acme.com"));
    let m3_token = at("mule.prod.properties", 2);
    assert_eq!(m3_token.identity.as_deref(), Some("int.accounts@acme.com"));
    assert!(m3_token
        .related
        .iter()
        .any(|r| r.path.ends_with("accounts.xml")));
}

#[test]
fn negative() {
    common::assert_clean("IG102", "IG102/negative");
}

const BODY: &str = "token-client/src/main/mule/token.xml";
const BODY_M3: &str = "legacy-token-m3/src/main/app/token.xml";

/// The clear secrets of the request-body fixture.
const BODY_SECRETS: &[&str] = &[
    "8F2D4C6B0A9E7D5C3B1A",
    "Sup3rS3cret!Form",
    "ErpFormSecret-5521",
    "ErpJs0nPassw0rd",
    "ErpJsonClientSecret77",
    "ErpJsonApiKey-9043",
    "ErpPayloadApiKey-3318",
    "ErpUnsentPassw0rd-62",
    "ErpOwnBodyKey-4471",
    "ErpSentPassw0rd-19",
    "ErpGetPassw0rd-28",
    "ErpAlwaysPassw0rd-35",
    "ErpChainedPassw0rd-81",
    "ErpConfigAlways-51",
    "ErpConfigNever-52",
    "ErpFlowRefSecret-93",
    "ErpBeforeRef-17",
    "ErpCrossFileKey-66",
    "M3FormPassw0rd-771",
];

/// Literal credentials in request bodies: a DataWeave object in
/// `<http:body>`, form-encoded string literals (in CDATA, and with `&amp;`
/// entities), the JSON object an `ee:set-payload` sets just before the
/// request, a `set-payload value` DataWeave expression, and a Mule 3
/// form-encoded `set-payload` literal. One finding per credential-named
/// field, at the value (a DataWeave string's opening quote, a form value's
/// first character); `grant_type`, `client_id` and `username` are not
/// credentials. A request whose own `<http:body>` leaves the payload out
/// does not send the payload's fields, nor does a GET, nor a request whose
/// config's `sendBodyMode` is NEVER: those fields are reported as set in a
/// payload no request sends. A payload a flow-ref hands a sub-flow is sent
/// by the sub-flow's first request, not by the request after the flow-ref,
/// also when a wrapper sub-flow hands it on.
#[test]
fn body_credentials_point_at_the_value() {
    common::assert_places(
        "IG102",
        "IG102/body-positive",
        &[
            (BODY, 23),
            (BODY, 30),
            (BODY, 33),
            (BODY, 46),
            (BODY, 47),
            (BODY, 48),
            (BODY, 57),
            // A body of its own: its field is sent; the payload's (line 64)
            // is not, and is reported as a payload no request sends.
            (BODY, 64),
            (BODY, 66),
            // A body that sends the payload: the payload's field.
            (BODY, 70),
            // GET sends no body (line 77, unsent) unless sendBodyMode="ALWAYS".
            (BODY, 77),
            (BODY, 79),
            // One saying ALWAYS on its config sends it, even with GET; one
            // through a config saying NEVER does not (line 86, unsent).
            (BODY, 84),
            (BODY, 86),
            // A payload handed to a sub-flow: sent by its first request
            // (not by the request after the flow-ref, line 104).
            (BODY, 92),
            (BODY, 102),
            // A sub-flow in another file of the app.
            (BODY, 108),
            // Handed on by a wrapper sub-flow to one in another file.
            (BODY, 115),
            (BODY_M3, 15),
        ],
    );
    let findings = common::run("IG102", "IG102/body-positive");
    let at = |file: &str, line: u32, column: u32| {
        let here: Vec<_> = findings
            .iter()
            .filter(|f| f.location.path.ends_with(file) && f.location.line == line)
            .collect();
        assert_eq!(here.len(), 1, "one finding at {file}:{line}: {here:#?}");
        assert_eq!(
            here[0].location.column, column,
            "{file}:{line}: {}",
            here[0].message
        );
        here[0]
    };
    let says = |text: &str, want: &str| assert!(text.contains(want), "{want:?} not in {text:?}");
    let dw = at(BODY, 23, 164);
    says(&dw.message, "<http:request> in flow `client-credentials-flow` (config `Salesforce_Token`) sends the body field `client_secret` with a credential written in clear in the XML (8F…(20) sha256:");
    says(&dw.fix, "In the DataWeave of <http:body>, replace the literal after `client_secret`: with p('secure::salesforce_token.client_secret')");
    says(
        &dw.fix,
        "`salesforce_token.client_secret: \"![<encrypted value>]\"`",
    );
    let form = at(BODY, 30, 81);
    says(&form.message, "sends the body field `password`");
    says(
        &form.fix,
        "\"...password=\" ++ p('secure::salesforce_token.password')",
    );
    says(&form.fix, "output application/x-www-form-urlencoded");
    let entity = at(BODY, 33, 69);
    says(
        &entity.message,
        "(config `ERP_Token`) sends the body field `client_secret`",
    );
    // The payload set before the request: the finding is in the
    // ee:set-payload and says so.
    let json = at(BODY, 46, 13);
    says(&json.message, "<http:request> in flow `json-login-flow` (config `ERP_Token`) sends the body field `password`");
    says(
        &json.message,
        "in the payload <ee:set-payload> sets before the request",
    );
    says(&json.fix, "In the DataWeave of <ee:set-payload>, replace the literal after `password`: with p('secure::erp_token.password')");
    at(BODY, 47, 20);
    says(&at(BODY, 48, 11).message, "body field `apiKey`");
    let attr = at(BODY, 57, 68);
    assert!(
        attr.message.contains("body field `api_key`") && attr.message.contains("<set-payload>"),
        "{}",
        attr.message
    );
    // A payload no request sends: said so, named after its flow, fixed
    // where it is written.
    let unsent = at(BODY, 77, 69);
    says(&unsent.message, "<set-payload> in flow `get-flow` sets the payload field `password` (no <http:request> of this flow sends it as its body) with a credential written in clear in the XML");
    says(&unsent.fix, "In the DataWeave of <set-payload>, replace the literal after `password`: with p('secure::get_flow.password')");
    // A payload handed to a sub-flow by a flow-ref: sent by the sub-flow's
    // first request, named after that request's config.
    let handed = at(BODY, 92, 74);
    says(&handed.message, "<http:request> in flow `call-erp-subflow` (config `ERP_Token`) sends the body field `client_secret` (in the payload <set-payload> in flow `flow-ref-flow` sets before its flow-ref to this flow)");
    // The third client_secret ERP_Token sends, each value under its own
    // name, as `fix secrets` names them.
    says(&handed.fix, "p('secure::erp_token.client_secret3')");
    says(&at(BODY, 108, 68).message, "<http:request> in flow `notify-subflow` (config `ERP_Token`) sends the body field `api_key` (in the payload <set-payload> in flow `cross-file-flow` sets before its flow-ref to this flow)");
    says(&at(BODY, 115, 69).message, "<http:request> in flow `notify-subflow` (config `ERP_Token`) sends the body field `password` (in the payload <set-payload> in flow `chained-flow` sets before its flow-ref to `token-wrapper`, which hands it on to this flow)");
    // Not the request after the flow-ref: the sub-flow's.
    says(&at(BODY, 102, 69).message, "<http:request> in flow `call-erp-subflow` (config `ERP_Token`) sends the body field `password` (in the payload <set-payload> in flow `after-flow-ref-flow`");
    says(
        &at(BODY, 86, 69).message,
        "in flow `config-mode-flow` sets the payload field `password` (no <http:request>",
    );
    // Mule 3: the payload is a literal: `${name}` from the placeholder's files.
    let m3 = at(BODY_M3, 15, 83);
    says(
        &m3.fix,
        "replace the value of `password` with ${erp_token.password}",
    );
    says(&m3.fix, "erp_token.password=![<encrypted value>]");
    assert!(!m3.fix.contains("secure::"), "{}", m3.fix);
    // With no placeholder config yet, the file a new one would load, beside
    // the app's own `mule.${env}.properties`; not a made-up configuration.
    assert!(
        m3.fix.contains(
            "to the app's secure properties file (secure.${env}.properties, read by a new <secure-property-placeholder:config>)"
        ),
        "{}",
        m3.fix
    );
    assert!(!m3.fix.contains("mule.key"), "{}", m3.fix);
    for f in &findings {
        let mut texts = vec![f.message.clone(), f.fix.to_string()];
        texts.extend(f.related.iter().map(|r| r.message.to_string()));
        for t in &texts {
            for s in BODY_SECRETS {
                assert!(!t.contains(s), "secret {s:?} in {t:?}");
            }
        }
    }
    common::assert_no_secrets("IG102/body-positive", BODY_SECRETS);
    // Fingerprint keys tell the fields of a body apart.
    let mut keys: Vec<&str> = findings
        .iter()
        .map(|f| f.fingerprint_key.as_str())
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "{keys:#?}");
}

/// Body fields read from properties (`p('...')`, `Mule::p(...)`, `${...}`),
/// variables and attributes, interpolated or concatenated strings, empty
/// strings and template dummies, and names that are no credentials
/// (`grant_type`, `client_id`, `username`, anti-CSRF tokens, a SOQL string
/// mentioning a password): nothing.
#[test]
fn body_references_and_plain_names_are_clean() {
    common::assert_clean("IG102", "IG102/body-negative");
}

const NAMES: &str = "IG102/connection-names";
const NAMES_SECRETS: &[&str] = &[
    "Orders-Pw-4417",
    "Billing-Pw-8823",
    "Leads-Pw-5196",
    "Accounts-Dev-Pw-3308",
    "Accounts-Prod-Pw-7741",
];

/// Each connection's literal password gets its own property, the one `fix
/// secrets` writes: the first `sfdc.password`, the next one named after its
/// config; a name the app already reads (`${sfdc.password}` from the
/// environment's file) is left to that property.
#[test]
fn literal_passwords_of_two_connections_get_distinct_properties() {
    let findings = common::run("IG102", NAMES);
    let fix_at = |file: &str, line: u32| &common::finding_at(&findings, file, line).fix;
    let orders = fix_at("orders-billing-api/src/main/mule/global.xml", 9);
    let billing = fix_at("orders-billing-api/src/main/mule/global.xml", 13);
    assert!(
        orders.contains(r#"password="${secure::sfdc.password}""#),
        "{orders}"
    );
    assert!(
        billing.contains(r#"password="${secure::sf_billing.password}""#)
            && billing.contains(r#"add `sf_billing.password: "![<encrypted value>]"`"#),
        "{billing}"
    );
    let leads = fix_at("defined-name-api/src/main/mule/global.xml", 19);
    assert!(
        leads.contains(r#"password="${secure::sf_leads.password}""#),
        "{leads}"
    );
    // The definitions of sfdc.password keep their name.
    let dev = fix_at("defined-name-api/src/main/resources/properties/dev.yaml", 3);
    assert!(dev.contains("${secure::sfdc.password}"), "{dev}");
}

#[test]
fn no_connection_names_secret_in_output() {
    common::assert_no_secrets(NAMES, NAMES_SECRETS);
}

/// A Mule app shipped as a container: a Dockerfile's `ENV` and a Kubernetes
/// Deployment's `env` list with literal secrets, each fixed the way its
/// format supplies secrets (an image keeps ENV in its layers; a Deployment
/// reads a Secret).
#[test]
fn dockerfile_and_kubernetes_env() {
    let rel = "IG102/containers";
    common::assert_places(
        "IG102",
        rel,
        &[
            ("shipments-api/Dockerfile", 6),
            ("shipments-api/deploy/k8s/deployment.yaml", 28),
        ],
    );
    let findings = common::run("IG102", rel);
    let docker = common::finding_at(&findings, "shipments-api/Dockerfile", 6);
    assert!(
        docker
            .message
            .contains("secret `SFDC_PASSWORD` is set in clear in Dockerfile"),
        "{}",
        docker.message
    );
    assert!(
        docker.fix.contains("`docker history`")
            && docker.fix.contains("docker run -e SFDC_PASSWORD"),
        "{}",
        docker.fix
    );
    let k8s = common::finding_at(&findings, "deploy/k8s/deployment.yaml", 28);
    assert!(
        k8s.fix.starts_with(
            "Replace the `value:` of `SFDC_PASSWORD` in deployment.yaml with `valueFrom: {secretKeyRef: {name: <secret>, key: <key>}}`"
        ),
        "{}",
        k8s.fix
    );
    common::assert_no_secrets(rel, &["Sh1pP4ssw0rd!", "Sh1pm3ntsK3y2024"]);
}

/// The same app with its secrets supplied at run time: an `ARG` without a
/// default, `${VAR}` and `$(VAR)` references, an empty value, Secrets read
/// with `valueFrom`.
#[test]
fn dockerfile_and_kubernetes_env_negative() {
    common::assert_clean("IG102", "IG102/containers-negative");
}

/// Mule 3 Spring beans: `<spring:property name="password" value="...">` is
/// a secret written in clear at its `value`, named by the bean property and
/// owned by the bean's id; a passphrase property read from a plain property
/// file is reported there. A property resolved at deploy time, and the
/// bean properties that hold no secret (user, url, key ring file names,
/// alias id), are not.
#[test]
fn spring_bean_properties() {
    let rel = "IG102/spring-beans";
    const XML: &str = "ledger-m3/src/main/app/ledger.xml";
    const PROPS: &str = "ledger-m3/src/main/resources/mule.prod.properties";
    common::assert_places("IG102", rel, &[(XML, 16), (XML, 31), (PROPS, 2)]);
    let findings = common::run("IG102", rel);
    let literal = common::finding_at(&findings, XML, 16);
    assert_eq!(literal.severity, intguard_model::Severity::Critical);
    assert_eq!(literal.location.column, 46, "at the value attribute");
    assert!(
        literal
            .message
            .starts_with("ledger-m3: `password` of <spring:property> `ledgerDataSource` is written in clear in the XML"),
        "{}",
        literal.message
    );
    assert!(
        literal.fix.starts_with(
            "Set the bean's `password` to `${ledgerdatasource.password}` instead of the literal (value=\"${ledgerdatasource.password}\", or <value>${ledgerdatasource.password}</value>) and add `ledgerdatasource.password=![<encrypted value>]`"
        ),
        "{}",
        literal.fix
    );
    // A `<spring:value>` child's text, located at the text.
    let text = common::finding_at(&findings, XML, 31);
    assert_eq!(text.location.column, 31, "at the text");
    assert!(
        text.message.starts_with(
            "ledger-m3: `password` of <spring:property> `auditDataSource` is written in clear"
        ),
        "{}",
        text.message
    );
    let passphrase = common::finding_at(&findings, PROPS, 2);
    assert!(
        passphrase
            .message
            .ends_with("read by `secretPassphrase` of <spring:property> `pgpKeyManager`"),
        "{}",
        passphrase.message
    );
    assert_eq!(
        passphrase
            .related
            .iter()
            .map(|r| (r.path.ends_with(XML), r.line))
            .collect::<Vec<_>>(),
        vec![(true, 26)]
    );
    common::assert_no_secrets(
        rel,
        &["Ledg3r-Db-2019", "Ledger-PGP-Phrase-77", "Aud1t-Db-2020"],
    );
}

/// A Mule 4 app's Spring beans file (`<spring:config files="beans.xml"/>`,
/// root `<beans>`): a bean property's literal secret is reported where it is
/// written, as an attribute, a `constructor-arg`, a `<value>` child's text or
/// a `p:` attribute. Placeholders and `ref`s are not secrets, and a beans
/// file written with placeholders only (clean-api) gives nothing. The fix
/// supplies the value at deploy time: `secure::` is not documented to
/// resolve in Spring beans.
#[test]
fn mule4_spring_beans_file() {
    let rel = "IG102/spring-beans-file";
    const BEANS: &str = "billing-api/src/main/resources/beans.xml";
    const PROPERTIES: &str = "billing-api/src/main/resources/spring.properties";
    const GLOBAL: &str = "billing-api/src/main/mule/global.xml";
    common::assert_places(
        "IG102",
        rel,
        &[
            (GLOBAL, 13),
            (BEANS, 11),
            (BEANS, 15),
            (BEANS, 17),
            (BEANS, 23),
            (PROPERTIES, 3),
        ],
    );
    let findings = common::run("IG102", rel);
    let columns: Vec<(u32, u32)> = [11, 15, 17, 23]
        .iter()
        .map(|&l| (l, common::finding_at(&findings, BEANS, l).location.column))
        .collect();
    assert_eq!(columns, vec![(11, 35), (15, 40), (17, 20), (23, 57)]);
    let password = common::finding_at(&findings, BEANS, 11);
    assert!(
        password.message.starts_with(
            "billing-api: `password` of <property> `billingDataSource` is written in clear"
        ),
        "{}",
        password.message
    );
    assert!(
        password.fix.starts_with(
            "Set the bean's `password` to `${billingdatasource.password}` instead of the literal (value=\"${billingdatasource.password}\", or <value>${billingdatasource.password}</value>), and supply `billingdatasource.password` at deploy time only, as a protected Runtime Manager property"
        ),
        "{}",
        password.fix
    );
    assert!(!password.fix.contains("secure::"), "{}", password.fix);
    let text = common::finding_at(&findings, BEANS, 17);
    assert!(
        text.message
            .starts_with("billing-api: `clientSecret` of <property> `taxClient`"),
        "{}",
        text.message
    );
    let p_attribute = common::finding_at(&findings, BEANS, 23);
    assert!(
        p_attribute
            .fix
            .starts_with("Replace p:password=\"…\" with p:password=\"${ledgerclient.password}\""),
        "{}",
        p_attribute.fix
    );
    // Clear definitions the beans read as `${...}`: supplied at deploy
    // time, not moved to `secure::`, which the bean would not read.
    let property = common::finding_at(&findings, PROPERTIES, 3);
    assert!(
        property.fix.starts_with(
            "Delete `db.password` from spring.properties and supply `db.password` at deploy time only, as a protected Runtime Manager property listed in mule-artifact.json \"secureProperties\" (the ${db.password} references stay as they are): `password` of <property> `archiveDataSource` in beans.xml reads it"
        ),
        "{}",
        property.fix
    );
    let global = common::finding_at(&findings, GLOBAL, 13);
    assert!(
        global.fix.starts_with(
            "Delete the <global-property name=\"audit.apiToken\"> from global.xml and supply `audit.apiToken` at deploy time only"
        ),
        "{}",
        global.fix
    );
    for f in [property, global] {
        assert!(
            !f.fix.contains("secure::audit") && !f.fix.contains("secure::db"),
            "{}",
            f.fix
        );
    }
    common::assert_no_secrets(
        rel,
        &[
            "B1ll1ng-Db-2024",
            "tx_live_4Jf8Qw2Lm9Zr",
            "Ta9x-Cl1ent-S3cret",
            "L3dger-Pa55",
            "Arch1ve-Db-2024",
            "Aud1t-T0ken-77kQ",
        ],
    );
}

/// A Mule Maven plugin deployment in the pom: the Anypoint password of
/// `<cloudhub2Deployment>` and the literal values of its `<properties>` and
/// `<secureProperties>` are secrets in clear; a reference is not, nor a
/// plugin's `<privateKey>` (the path of a key file). (Its
/// `encryption.key` is IG103's: see `ig103_...::pom_deployment_secure_properties`.)
#[test]
fn pom_deployment_settings() {
    let rel = "IG102/pom-deployment";
    const POM: &str = "orders-api/pom.xml";
    common::assert_places("IG102", rel, &[(POM, 23), (POM, 27), (POM, 31)]);
    let findings = common::run("IG102", rel);
    let deploy = common::finding_at(&findings, POM, 23);
    assert!(
        deploy.message.starts_with(
            "orders-api: secret `cloudhub2Deployment/password` is set in clear in pom.xml"
        ),
        "{}",
        deploy.message
    );
    assert!(
        deploy
            .fix
            .contains("<password>${deploy.password}</password> with mvn deploy -Ddeploy.password="),
        "{}",
        deploy.fix
    );
    let token = common::finding_at(&findings, POM, 31);
    assert!(
        token.message.contains("secret `sfdc.token`"),
        "{}",
        token.message
    );
    common::assert_no_secrets(
        rel,
        &[
            "Anyp0int-Deploy-Pass-42",
            "Sfdc-Prod-Pass-1",
            "tok-Literal-998877",
        ],
    );
}

/// A Maven `settings.xml` committed for CI: each `<server>` password in
/// clear is named after the server's id, and the fix uses `${env.*}` there;
/// an Anypoint Exchange connected-app login (`clientId~?~clientSecret`) is
/// fixed with both variables and a secret to regenerate. A password built
/// from environment variables, and a server's `<privateKey>` (the path of a
/// key file), are not reported.
#[test]
fn maven_settings_servers() {
    let rel = "IG102/maven-settings";
    const SETTINGS: &str = ".maven/settings.xml";
    common::assert_places("IG102", rel, &[(SETTINGS, 7), (SETTINGS, 12)]);
    let findings = common::run("IG102", rel);
    let exchange = common::finding_at(&findings, SETTINGS, 7);
    assert!(
        exchange
            .message
            .starts_with("secret `anypoint-exchange-v3/password` is set in clear in settings.xml"),
        "{}",
        exchange.message
    );
    assert!(
        exchange.fix.contains(
            "<password>${env.ANYPOINT_CLIENT_ID}~?~${env.ANYPOINT_CLIENT_SECRET}</password>"
        ) && exchange
            .fix
            .contains("regenerate the connected app's client secret"),
        "{}",
        exchange.fix
    );
    let nexus = common::finding_at(&findings, SETTINGS, 12);
    assert!(
        nexus
            .fix
            .contains("<password>${env.MULEREPOSITORY_PASSWORD}</password>"),
        "{}",
        nexus.fix
    );
    common::assert_no_secrets(
        rel,
        &[
            "5e1f0c2a9b8d4c3e8f7a6b5c4d3e2f1a~?~7C6b5A4f3E2d1C0b9A8f7E6d5C4b3A2f",
            "7C6b5A4f3E2d1C0b9A8f7E6d5C4b3A2f",
            "Nexus-Ee-Pass-2024",
        ],
    );
}

/// Postman exports committed beside the apps: an environment's variables
/// and a collection's basic-auth settings are `{"key": ..., "value": ...}`
/// pairs, pretty-printed or on one line; those named like secrets with a
/// literal value are reported at their key, with a fix in Postman's terms.
/// A `{{variable}}` value and a username are not.
#[test]
fn postman_key_value_pairs() {
    let rel = "IG102/postman";
    const ENV: &str = "postman/sfdc-prod.postman_environment.json";
    const COLL: &str = "postman/orders-api.postman_collection.json";
    common::assert_places("IG102", rel, &[(COLL, 13), (ENV, 18), (ENV, 24)]);
    let findings = common::run("IG102", rel);
    let pw = common::finding_at(&findings, ENV, 18);
    assert!(
        pw.message.starts_with(
            "secret `sf_password` is set in clear in sfdc-prod.postman_environment.json"
        ),
        "{}",
        pw.message
    );
    assert!(
        pw.fix
            .starts_with("Empty the value of `sf_password` in sfdc-prod.postman_environment.json")
            && pw.fix.contains("Postman Vault"),
        "{}",
        pw.fix
    );
    assert_eq!(common::finding_at(&findings, COLL, 13).location.column, 25);
    common::assert_no_secrets(
        rel,
        &[
            "Orders-Int-Pass-2024",
            "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90",
            "Basic-Coll-Pass-77",
        ],
    );
}

/// Secrets passed to commands in scripts and CI files: a long option named
/// like a secret (Anypoint CLI `--client_secret`, `--password=`), and the
/// secret fields of a form-encoded OAuth login (`curl -d
/// "grant_type=password&...&password=..."`), whose fix also replaces the
/// password flow, and the password of `curl -u user:password`. Values read
/// from the secret store, `--password-stdin`, a bare `--password` flag,
/// `--client-secret-file` and `docker login -u ci` give nothing (safe.sh).
#[test]
fn command_line_secrets() {
    let rel = "IG102/command-line";
    const SCRIPT: &str = "ci/deploy.sh";
    const WORKFLOW: &str = ".github/workflows/release.yml";
    common::assert_places(
        "IG102",
        rel,
        &[
            (WORKFLOW, 11),
            (SCRIPT, 7),
            (SCRIPT, 12),
            (SCRIPT, 12),
            (SCRIPT, 15),
        ],
    );
    let findings = common::run("IG102", rel);
    let option = common::finding_at(&findings, SCRIPT, 7);
    assert_eq!(option.location.column, 3, "at the option");
    assert!(
        option
            .message
            .starts_with("secret `--client_secret` is set in clear in deploy.sh"),
        "{}",
        option.message
    );
    assert!(
        option.fix.starts_with(
            "Pass it from the pipeline's secret store instead (--client_secret \"$CLIENT_SECRET\""
        ),
        "{}",
        option.fix
    );
    let fields: Vec<(u32, &str)> = findings
        .iter()
        .filter(|f| f.location.path.ends_with(SCRIPT) && f.location.line == 12)
        .map(|f| (f.location.column, f.message.as_str()))
        .collect();
    assert_eq!(fields.len(), 2, "{fields:?}");
    assert!(fields[0]
        .1
        .starts_with("secret `client_secret` is set in clear"));
    assert!(fields[1].1.starts_with("secret `password` is set in clear"));
    assert_eq!((fields[0].0, fields[1].0), (50, 113));
    for f in findings.iter().filter(|f| f.location.line == 12) {
        assert!(
            f.fix.contains("--data-urlencode")
                && f.fix.contains("This logs in with the OAuth username-password flow: use the JWT bearer flow instead"),
            "{}",
            f.fix
        );
    }
    // Basic credentials of `curl -u user:password`: the password.
    let basic = common::finding_at(&findings, SCRIPT, 15);
    assert!(
        basic
            .message
            .starts_with("secret `-u password` is set in clear in deploy.sh"),
        "{}",
        basic.message
    );
    assert!(
        basic.fix.starts_with(
            "Pass the credentials from the pipeline's secret store instead (-u \"$API_USER:$API_PASSWORD\""
        ),
        "{}",
        basic.fix
    );
    let workflow = common::finding_at(&findings, WORKFLOW, 11);
    assert!(
        workflow
            .message
            .starts_with("secret `--password` is set in clear in release.yml"),
        "{}",
        workflow.message
    );
    common::assert_no_secrets(
        rel,
        &[
            "9D8c7B6a5F4e3D2c1B0a9F8e7D6c5B4a",
            "Sm0ke-Cl1ent-Secret",
            "Sm0ke-Pa55word-77",
            "R3lease-B0t-Pa55",
            "Nexus-Upl0ad-2024",
        ],
    );
}

/// An `ee:set-variable` named like a secret whose script is one string
/// literal (after a header, or alone) sets the secret in clear: reported at
/// the literal, with a fix that makes the script `p('secure::...')`. Not an
/// expression, a concatenation, or a variable with a plain name.
#[test]
fn ee_set_variables_whose_script_is_a_literal() {
    const XML: &str = "claims-api/src/main/mule/partner.xml";
    let findings = common::run("IG102", "IG102/dataweave-script");
    let with_header = common::finding_at(&findings, XML, 52);
    assert_eq!(with_header.location.column, 1, "at the literal");
    assert!(
        with_header.message.starts_with(
            "claims-api: secret `partnerSecret` is set in clear in partner.xml (Pa…(21) sha256:"
        ),
        "{}",
        with_header.message
    );
    assert!(
        with_header.fix.starts_with(
            "Read it from a secure property instead: make the script of <ee:set-variable variableName=\"partnerSecret\"> p('secure::partner.secret')"
        ),
        "{}",
        with_header.fix
    );
    let alone = common::finding_at(&findings, XML, 53);
    assert_eq!(alone.location.column, 72, "at the literal");
    assert!(
        alone.message.contains("`partnerApiKey`"),
        "{}",
        alone.message
    );
    common::assert_no_secrets(
        "IG102/dataweave-script",
        &["PartnerVarSecret-2291", "PartnerVarKey-3307"],
    );
}

/// A DataWeave script of an app's resources, or one written in its Mule
/// XML, declares a secret as a string literal (`var clientSecret = "..."`,
/// typed `var apiKey: String = "..."`, DataWeave 1.0 `%var`): reported at
/// the variable, with a fix that reads a secure property. A variable read from `p('secure::...')` or `vars`, a
/// plain `clientId`, and an object field whose value is a variable
/// (`api_key: partnerApiKey`) give nothing.
#[test]
fn dataweave_script_variables() {
    let rel = "IG102/dataweave-script";
    const SCRIPT: &str = "claims-api/src/main/resources/dwl/claim-request.dwl";
    const LEGACY: &str = "claims-api/src/main/resources/dwl/legacy.dwl";
    const XML: &str = "claims-api/src/main/mule/partner.xml";
    common::assert_places(
        "IG102",
        rel,
        &[
            (SCRIPT, 4),
            (SCRIPT, 5),
            (LEGACY, 3),
            (XML, 11),
            (XML, 24),
            (XML, 34),
            (XML, 52),
            (XML, 53),
        ],
    );
    let findings = common::run("IG102", rel);
    let secret = common::finding_at(&findings, SCRIPT, 5);
    assert_eq!(secret.location.column, 5, "at the variable");
    assert!(
        secret
            .message
            .starts_with("claims-api: secret `clientSecret` is set in clear in claim-request.dwl"),
        "{}",
        secret.message
    );
    assert!(
        secret.fix.starts_with(
            "Read it from a secure property instead (var clientSecret = p('secure::client.secret')"
        ),
        "{}",
        secret.fix
    );
    let typed = common::finding_at(&findings, SCRIPT, 4);
    assert!(
        typed.message.contains("`partnerApiKey`"),
        "{}",
        typed.message
    );
    // A script written in the XML (an `ee:set-variable`'s CDATA).
    let inline = common::finding_at(&findings, XML, 11);
    assert!(
        inline
            .message
            .starts_with("claims-api: secret `partnerToken` is set in clear in partner.xml"),
        "{}",
        inline.message
    );
    assert!(
        inline.fix.contains("p('secure::partner.token')"),
        "{}",
        inline.fix
    );
    // A script without its `%dw 2.0` line (DataWeave 2 allows it) is read
    // from its first directive; a CDATA section that is no script (SQL) is
    // not, whatever its lines say (line 42).
    let no_version = common::finding_at(&findings, XML, 34);
    assert!(
        no_version.message.contains("`auditApiKey`"),
        "{}",
        no_version.message
    );
    // Declared in the header of a `do` block of a script's body.
    let in_do = common::finding_at(&findings, XML, 24);
    assert_eq!(in_do.location.column, 9, "at the variable");
    assert!(
        in_do
            .fix
            .contains("var clientSecret = p('secure::client.secret')"),
        "{}",
        in_do.fix
    );
    common::assert_no_secrets(
        rel,
        &[
            "pk_live_51Hc0ffee9Zq",
            "Cl41ms-Partner-S3cret",
            "L3gacy-Shared-S3cret",
            "ptk_9f8e7d6c5b4a3921",
            "Pa55-Partner-Sign-04",
            "aud_4c2b9e7f1d8a6035",
        ],
    );
}

/// Found by testing as a user would: a Mule 3 fix always named a made-up
/// `<secure-property-placeholder:config key="${mule.key}"
/// location="secure.${env}.properties"/>`, even in an app that has its own
/// configuration loading another file with another key.
#[test]
fn mule3_fix_names_the_apps_own_secure_file() {
    let findings = common::run("IG102", "IG102/mule3-secure-file");
    assert_eq!(
        common::places("IG102", "IG102/mule3-secure-file"),
        [("billing-m3/src/main/app/billing.xml".to_string(), 12)]
    );
    let fix = &findings[0].fix;
    assert!(
        fix.contains(
            "add `sfdc.password=![<encrypted value>]` to the app's secure properties file (config/billing-${mule.env}.properties, read by <secure-property-placeholder:config> `Billing_Secure_Props`)"
        ),
        "{fix}"
    );
    assert!(!fix.contains("mule.key"), "{fix}");
}

/// Found by testing as a user would: a secret in a YAML list of maps
/// (`partners.keys[0].secret`) was to be read as
/// `${secure::partners.keys[0].secret}`, a name Mule gives no property; and
/// `fix secrets` moved it under that name, where nothing could read it.
#[test]
fn a_secret_in_a_yaml_list_needs_a_key_of_its_own() {
    const FILE: &str = "partners-api/src/main/resources/partners.yaml";
    assert_eq!(
        common::places("IG102", "IG102/yaml-list"),
        [(FILE.to_string(), 4), (FILE.to_string(), 6)]
    );
    for f in common::run("IG102", "IG102/yaml-list") {
        assert!(
            f.fix.starts_with("Take it out of the YAML list"),
            "{}",
            f.fix
        );
        assert!(
            f.fix.contains(
                "as `partners.keys.<name>.secret: \"![<encrypted value>]\"`, read as ${secure::partners.keys.<name>.secret}"
            ),
            "{}",
            f.fix
        );
        assert!(!f.fix.contains("keys[0]"), "{}", f.fix);
    }
}

/// An External Client App's consumer secret committed in its global OAuth
/// settings is reported at the secret itself (the first character of the
/// element's text), not at the `<consumerSecret>` tag, with Salesforce's
/// own fix.
#[test]
fn eca_consumer_secret_points_at_the_value() {
    let rel = "IG102/eca-consumer-secret";
    const GLOBAL: &str =
        "force-app/main/default/extlClntAppGlobalOauthSets/Billing_Sync_glbloauth.ecaGlblOauth-meta.xml";
    common::assert_places("IG102", rel, &[(GLOBAL, 5)]);
    let findings = common::run("IG102", rel);
    let secret = common::finding_at(&findings, GLOBAL, 5);
    // `    <consumerSecret>9F3C...`: the value starts after the 4 spaces and
    // the 16 characters of the tag.
    assert_eq!(secret.location.column, 21, "{:?}", secret.location);
    assert!(
        secret
            .fix
            .starts_with("Generate a new consumer secret for the external client app"),
        "{}",
        secret.fix
    );
    common::assert_no_secrets(
        rel,
        &["9F3C1B7E5A2D8C4F6E0B1A3D5C7E9F2B4D6A8C0E1F3B5D7A9C2E4F6B8D0A1C3E"],
    );
}

/// Found by testing as a user would: API Manager's environment client
/// secret in a configuration file was to be moved to a secure file and read
/// as `${secure::anypoint.platform.client_secret}`: the runtime, not the
/// app, reads it, from the deployment's properties.
#[test]
fn a_secret_the_runtime_reads_goes_to_the_deployment() {
    const FILE: &str = "gateway-api/src/main/resources/gateway.yaml";
    assert_eq!(
        common::places("IG102", "IG102/runtime-read"),
        [(FILE.to_string(), 6)]
    );
    let findings = common::run("IG102", "IG102/runtime-read");
    let fix = &findings[0].fix;
    assert!(
        fix.starts_with("The Mule runtime reads `anypoint.platform.client_secret` from the deployment's properties"),
        "{fix}"
    );
    assert!(
        fix.contains("delete it from gateway.yaml and supply it at deploy time"),
        "{fix}"
    );
    assert!(
        fix.contains(
            r#"listed in mule-artifact.json "secureProperties" ("anypoint.platform.client_secret")"#
        ),
        "{fix}"
    );
    assert!(!fix.contains("secure::"), "{fix}");
}

/// Found by testing as a user would: `password="${sf.password:Pw}"` is a
/// password written in clear (used wherever nothing defines
/// `sf.password`), and was neither reported nor masked.
#[test]
fn a_secret_default_of_a_reference_is_in_clear() {
    const XML: &str = "accounts-api/src/main/mule/global.xml";
    assert_eq!(
        common::places("IG102", "IG102/placeholder-default"),
        [(XML.to_string(), 11)]
    );
    let findings = common::run("IG102", "IG102/placeholder-default");
    let f = &findings[0];
    assert!(
        f.message.contains("`password` of <salesforce:basic-connection> `Salesforce_Config` falls back to a secret written in clear in the XML"),
        "{}",
        f.message
    );
    assert!(
        f.fix
            .starts_with(r#"Remove the default: password="${sf.password}""#),
        "{}",
        f.fix
    );
    assert!(!f.message.contains("Acc0unts-Default-Pw"), "{}", f.message);
}

/// Found by testing as a user would: a legacy named credential's
/// `<password>` and an auth provider's `<consumerSecret>` in SFDX source
/// were to be injected "at deploy time (... a Runtime Manager protected
/// property listed in mule-artifact.json secureProperties)": Mule's way,
/// meaningless for Salesforce metadata. The fix says where Salesforce
/// keeps the secret instead.
#[test]
fn salesforce_metadata_secrets_get_salesforce_fixes() {
    let rel = "IG102/salesforce-credentials";
    const NC: &str = "force-app/main/default/namedCredentials/Billing_NC.namedCredential-meta.xml";
    const AP: &str = "force-app/main/default/authproviders/Okta.authprovider-meta.xml";
    common::assert_places("IG102", rel, &[(AP, 4), (NC, 6)]);
    let findings = common::run("IG102", rel);
    for f in &findings {
        assert!(
            !f.fix.contains("Runtime Manager") && !f.fix.contains("mule-artifact.json"),
            "{}",
            f.fix
        );
    }
    let nc = common::finding_at(&findings, NC, 6);
    assert!(
        nc.fix.contains("Setup > Named Credentials > Billing_NC")
            && nc
                .fix
                .contains("delete the <password> element from Billing_NC.namedCredential-meta.xml"),
        "{}",
        nc.fix
    );
    let ap = common::finding_at(&findings, AP, 4);
    assert!(
        ap.fix.contains("Setup > Auth. Providers > Okta")
            && ap
                .fix
                .contains("delete the <consumerSecret> element from Okta.authprovider-meta.xml"),
        "{}",
        ap.fix
    );
    common::assert_no_secrets(
        rel,
        &["Billing#Pass2024", "OktaSecretValue9876543210abcdef"],
    );
}

/// Found by testing as a user would: `consumerSecret="${secure::sfdc.cs}"`
/// with `sfdc.cs` written in clear in a plain properties file that is
/// loaded: `secure::` reads secure-properties files only, so resolution
/// found no reader and the clear secret (its name no secret word) was not
/// reported. The `![...]` value of another environment's plain file is not.
#[test]
fn a_secure_reference_defined_in_a_plain_file_is_in_clear() {
    const FILE: &str = "reports-eapi/src/main/resources/properties/prod.properties";
    let rel = "IG102/secure-name-plain-file";
    assert_eq!(common::places("IG102", rel), [(FILE.to_string(), 2)]);
    let f = &common::run("IG102", rel)[0];
    assert!(
        f.message
            .contains("`sfdc.cs` in prod.properties (prod) is in clear")
            && f.message
                .contains("reads as ${secure::sfdc.cs}, from secure-properties files only"),
        "{}",
        f.message
    );
    assert!(
        f.related[0].message.contains("names it as secure::"),
        "{:?}",
        f.related
    );
    assert!(f.fix.contains("read it as ${secure::sfdc.cs}"), "{}", f.fix);
    common::assert_no_secrets(rel, &["PlainConsumerS3cret99"]);
}

/// Found by testing as a user would: a property an HTTP request sends as a
/// credential (`password: p('secure::sf.pw')` in a login body, an
/// `x-api-key` header) was judged by its name only: clear values named
/// `sf.pw`, `sf.cs` or `partner.k` were not reported, even in a
/// secure-properties file. What reads a value says it is a secret.
#[test]
fn a_property_an_http_request_sends_as_a_credential_is_a_secret() {
    const APP: &str = "partner-api/src/main/resources/app.yaml";
    const SECURE: &str = "partner-api/src/main/resources/secure.yaml";
    let rel = "IG102/http-reference";
    assert_eq!(
        common::places("IG102", rel),
        [
            (APP.to_string(), 5),
            (SECURE.to_string(), 2),
            (SECURE.to_string(), 3)
        ]
    );
    let findings = common::run("IG102", rel);
    let f = common::finding_at(&findings, SECURE, 3);
    assert!(
        f.message.contains("`sf.pw` in secure.yaml")
            && f.message
                .contains("is not encrypted, although the file is a secure-properties file")
            && f.message
                .contains("sent by an HTTP request as body field `password`"),
        "{}",
        f.message
    );
    assert!(
        f.fix
            .starts_with("Write `sf.pw: \"![<encrypted value>]\"` in secure.yaml"),
        "{}",
        f.fix
    );
    let f = common::finding_at(&findings, APP, 5);
    assert!(
        f.message
            .contains("sent by an HTTP request as header `x-api-key`"),
        "{}",
        f.message
    );
    assert!(
        f.fix.contains("read it as ${secure::partner.k}"),
        "{}",
        f.fix
    );
    common::assert_no_secrets(rel, &["Clear-Cs-3311", "Clear-Pw-2211", "Partner-K3y-5521"]);
}

/// Found by testing as a user would: a database password in a JDBC URL's
/// query was to be sent "in the request body" of an `<http:body>`; a
/// database connection takes it in its own `password` attribute.
#[test]
fn a_jdbc_url_password_goes_to_the_connection_attribute() {
    let rel = "IG102/jdbc-url";
    common::assert_places("IG102", rel, &[("stock-api/src/main/mule/db.xml", 6)]);
    let findings = common::run("IG102", rel);
    let fix = &findings[0].fix;
    assert!(!fix.contains("http:body"), "{fix}");
    assert!(
        fix.starts_with("Take the credential out of the JDBC URL and give it to the connection's own attributes: <db:generic-connection url=\"jdbc:...\" user=\"${db.user}\" password=\"${secure::db.password}\"/>"),
        "{fix}"
    );
}

/// Found by testing as a user would: the fix of a `<global-property>`
/// holding a secret offered `intguard fix secrets` to do it, which leaves a
/// global property to the user ("move it by hand"): it says so, and how the
/// command then helps (it encrypts a clear value of a secure file in place).
#[test]
fn a_global_property_is_moved_by_hand() {
    let rel = "IG102/global-property";
    common::assert_places("IG102", rel, &[("erp-api/src/main/mule/global.xml", 5)]);
    let findings = common::run("IG102", rel);
    let fix = &findings[0].fix;
    assert!(
        fix.starts_with("Remove the <global-property name=\"erp.password\"> and write `erp.password: \"![<encrypted value>]\"` in the secure properties file, read as ${secure::erp.password}"),
        "{fix}"
    );
    assert!(
        fix.contains("intguard fix secrets does not move a <global-property>: move it by hand"),
        "{fix}"
    );
    assert!(
        fix.contains("intguard secure-props encrypt --key-env <VAR holding the key> --algorithm AES --mode CBC --random-iv --wrap"),
        "{fix}"
    );
    assert!(!fix.contains("intguard fix secrets --key-env"), "{fix}");
    common::assert_no_secrets(rel, &["Gp-Clear-51"]);
}

/// Found by testing: the consumer secret of an SFDX auth URL
/// (`force://<client id>:<client secret>:<refresh token>@<host>`, what
/// `sf org display --verbose` prints and `sf org login sfdx-url` reads)
/// was neither reported nor masked. It is reported at the secret, with a
/// fix that keeps the whole URL in the pipeline's secret store; an auth URL
/// with no secret (`force://PlatformCLI::...`) gives nothing here (its
/// refresh token is IG106's).
#[test]
fn client_secret_of_an_sfdx_auth_url() {
    let rel = "IG102/sfdx-auth-url";
    const WORKFLOW: &str = ".github/workflows/deploy.yml";
    common::assert_places("IG102", rel, &[(WORKFLOW, 7)]);
    let findings = common::run("IG102", rel);
    let f = common::finding_at(&findings, WORKFLOW, 7);
    assert_eq!(f.location.column, 117, "{:?}", f.location);
    assert!(
        f.message.contains("client secret") && f.message.contains("SFDX auth URL"),
        "{}",
        f.message
    );
    assert!(
        f.fix.contains("sf org login sfdx-url") && f.fix.contains("consumer secret"),
        "{}",
        f.fix
    );
    common::assert_no_secrets(
        rel,
        &["0FCF7C8AD065BA26C1F2B5FEAB2FB411880200B162C7D62B37D3A43C3FECD987"],
    );
}

/// A DataWeave file of the app's resources that builds a request body with a
/// constant credential: a field of an object written on one line
/// (`{ ..., client_secret: "..." }`, the payload an `<ee:set-payload
/// resource="...">` sets) or a form-encoded pair (`"...&password=..."`), at
/// the value; a field on a line of its own once, at its name. Fields read
/// from `p('secure::...')` or a variable, and empty ones, give nothing.
#[test]
fn dataweave_file_body_fields() {
    let rel = "IG102/dataweave-file-body";
    const TOKEN: &str = "token-api/src/main/resources/dwl/token-request.dwl";
    const FORM: &str = "token-api/src/main/resources/dwl/login-form.dwl";
    const LINES: &str = "token-api/src/main/resources/dwl/multi-line.dwl";
    common::assert_places("IG102", rel, &[(FORM, 4), (LINES, 5), (TOKEN, 4)]);
    let findings = common::run("IG102", rel);
    let token = common::finding_at(&findings, TOKEN, 4);
    assert_eq!(token.location.column, 78, "at the value's opening quote");
    assert!(
        token
            .message
            .starts_with("token-api: secret `client_secret` is set in clear in token-request.dwl"),
        "{}",
        token.message
    );
    assert!(
        token
            .fix
            .starts_with("Read it from a secure property instead (client_secret: p('secure::client.secret') in an object"),
        "{}",
        token.fix
    );
    let form = common::finding_at(&findings, FORM, 4);
    assert!(form.message.contains("`password`"), "{}", form.message);
    assert_eq!(common::finding_at(&findings, LINES, 5).location.column, 3);
    common::assert_no_secrets(
        rel,
        &[
            "PartnerDwlSecret-4417",
            "PartnerFormPass-5521",
            "PartnerLineSecret-6631",
        ],
    );
}

/// Found by testing real teams' files: a value under a name that says
/// nothing (`sf.cred`, `erp.k`), a secret because a password attribute
/// reads it, was reported only where Mule reads it. Its other definitions,
/// committed in clear all the same, were not: a duplicate YAML key (the
/// rotated-away value above the current one: SnakeYAML keeps the last), a
/// `common.properties` default that every environment's own file shadows,
/// a Studio `<global-property>` the files override. Each is reported, said
/// to be another definition than the one read, and masked.
#[test]
fn shadowed_definitions_of_a_name_read_as_a_secret_are_in_clear() {
    const DIR: &str = "billing-sapi/src/main/";
    let rel = "IG102/shadowed-definitions";
    let places: Vec<(String, u32)> = common::places("IG102", rel);
    let expected: Vec<(String, u32)> = [
        ("mule/global.xml", 6),
        ("resources/properties/common.properties", 2),
        ("resources/properties/common.properties", 3),
        ("resources/properties/dev.yaml", 4),
        ("resources/properties/dev.yaml", 5),
        ("resources/properties/dev.yaml", 7),
        ("resources/properties/prod.yaml", 3),
        ("resources/properties/prod.yaml", 5),
    ]
    .iter()
    .map(|(f, l)| (format!("{DIR}{f}"), *l))
    .collect();
    assert_eq!(places, expected);
    let findings = common::run("IG102", rel);
    let rotated = common::finding_at(
        &findings,
        "billing-sapi/src/main/resources/properties/dev.yaml",
        4,
    );
    assert!(
        rotated.message.contains("`sf.cred` in dev.yaml (dev) is in clear")
            && rotated
                .message
                .contains("a name `password` of <salesforce:basic-connection> `Billing_SF` reads, not from this definition")
            && !rotated.message.contains("read by"),
        "{}",
        rotated.message
    );
    let default = common::finding_at(
        &findings,
        "billing-sapi/src/main/resources/properties/common.properties",
        2,
    );
    assert!(
        default
            .message
            .contains("in common.properties (every environment reads another definition first)"),
        "{}",
        default.message
    );
    let global = common::finding_at(&findings, "billing-sapi/src/main/mule/global.xml", 6);
    assert!(
        global.message.contains("<global-property name=\"erp.k\">")
            && global
                .message
                .contains("from a property file that defines it too"),
        "{}",
        global.message
    );
    common::assert_no_secrets(
        rel,
        &[
            "GlobalErpK3y-5521",
            "RotatedAway-Dev-7731",
            "Current-Dev-Cred-4410",
            "DevErpK3y-8812",
            "Current-Prod-Cred-9902",
            "ProdErpK3y-1207",
            "Default-Cred-3391",
            "DefaultErpK3y-6650",
        ],
    );
}

/// A name defined twice in the one file of an app without environments
/// (`java.util.Properties` keeps the last): the first definition was said
/// to be read "(every environment)".
#[test]
fn a_duplicate_key_is_not_said_to_be_read_in_every_environment() {
    const FILE: &str = "ledger-api/src/main/resources/config.properties";
    let rel = "IG102/duplicate-key";
    assert_eq!(
        common::places("IG102", rel),
        [(FILE.to_string(), 2), (FILE.to_string(), 3)]
    );
    let findings = common::run("IG102", rel);
    let old = common::finding_at(&findings, FILE, 2);
    assert!(
        old.message.contains(
            "`sf.password` in config.properties (another definition of it is read) is in clear"
        ) && !old.message.contains("read by"),
        "{}",
        old.message
    );
    let current = common::finding_at(&findings, FILE, 3);
    assert!(
        current
            .message
            .contains("`sf.password` in config.properties (every environment) is in clear")
            && current.message.contains("read by `password`"),
        "{}",
        current.message
    );
    common::assert_no_secrets(rel, &["Ledger-Old-Pass-1", "Ledger-New-Pass-2"]);
}

/// Found by testing real teams' files: a secret written once under an
/// anchor (`defaults: &defaults`) and read through a merge key (`sf: {<<:
/// *defaults}`) or an alias (`token: *tkn`) was reported under the anchor's
/// name (`defaults.pass`), which nothing reads, and its fix said to read it
/// as ${secure::defaults.pass}. It is reported under the name the app
/// reads, saying where it is written.
#[test]
fn an_anchored_secret_is_named_as_the_app_reads_it() {
    // The same file, and with 80 more entries after the anchored ones.
    for rel in ["IG102/yaml-anchor", "IG102/yaml-anchor-long"] {
        an_anchored_secret_in(rel);
    }
}

fn an_anchored_secret_in(rel: &str) {
    const FILE: &str = "orders-papi/src/main/resources/config/dev.yaml";
    assert_eq!(
        common::places("IG102", rel),
        [(FILE.to_string(), 3), (FILE.to_string(), 4)]
    );
    let findings = common::run("IG102", rel);
    for (line, read, written) in [
        (3, "sf.token", "defaults.tkn"),
        (4, "sf.pass", "defaults.pass"),
    ] {
        let f = common::finding_at(&findings, FILE, line);
        assert!(
            f.message.contains(&format!(
                "secret property `{read}` (written as `{written}`, merged or aliased into it) in dev.yaml (dev)"
            )) && f.message.contains("read by `"),
            "{}",
            f.message
        );
        assert!(
            f.fix.contains(&format!("read it as ${{secure::{read}}}")),
            "{}",
            f.fix
        );
    }
    common::assert_no_secrets(rel, &["AnchoredTok-5150", "AnchoredPass-6161"]);
}

/// Found by testing real teams' files: a mapping key written twice (`sf:`
/// appended at the end of the file) keeps only its last value in Mule's
/// YAML loader, so what the first block defines is read by nothing: its
/// user was taken for the app's (IG101 named it), and its password said to
/// be read. The password is committed all the same: reported, saying Mule
/// does not read it; the connection's user is not known.
#[test]
fn a_secret_in_a_replaced_yaml_block_is_committed_but_not_read() {
    const FILE: &str = "quotes-api/src/main/resources/app.yaml";
    let rel = "IG102/replaced-block";
    assert_eq!(common::places("IG102", rel), [(FILE.to_string(), 3)]);
    let f = &common::run("IG102", rel)[0];
    assert!(
        f.message.contains("`sf.cred` in app.yaml (under a key the file writes again below, whose value replaces this one: Mule does not read it) is in clear")
            && f.message.contains("reads, not from this definition")
            && !f.message.contains("quotes.stale"),
        "{}",
        f.message
    );
    let ig101 = common::run("IG101", rel);
    assert_eq!(ig101.len(), 1, "{ig101:#?}");
    assert!(
        !ig101[0].message.contains("quotes.stale"),
        "{}",
        ig101[0].message
    );
    common::assert_no_secrets(rel, &["StaleBlockPw-7731"]);
}

/// Found by exploratory testing: `sf.token` holding the token endpoint a
/// JWT connection's `tokenEndpoint` reads was reported as a token in clear
/// (its name ends in `token`). A token endpoint's address is no secret; the
/// real token beside it (`billing.token`) still is.
#[test]
fn a_token_endpoints_address_under_a_token_name_is_no_secret() {
    common::assert_places(
        "IG102",
        "IG102/token-endpoint",
        &[("auth-sapi/src/main/resources/config.yaml", 10)],
    );
}

/// Found by testing as a user would: a clear value in a file that a
/// `<configuration-properties>` and a `<secure-properties:config>` both load
/// was said to be read by its `${sf.token}` reader "not from this
/// definition" (the file counted as secure only), with no user; and its
/// fix, encrypting in place, left `${sf.token}` to read the `![...]` text.
#[test]
fn a_value_a_plain_reference_reads_from_a_file_both_imports_load() {
    const FILE: &str = "hr-sync/src/main/resources/config/prod.yaml";
    let rel = "IG102/one-file-both-imports";
    assert_eq!(common::places("IG102", rel), [(FILE.to_string(), 4)]);
    let f = &common::run("IG102", rel)[0];
    assert!(
        f.message.contains(
            "read by `securityToken` of <salesforce:basic-connection> `HR_Salesforce`, Salesforce user int.hr@globex.com"
        ),
        "{}",
        f.message
    );
    assert_eq!(f.identity.as_deref(), Some("int.hr@globex.com"));
    assert!(
        f.fix.contains(
            "and read it as ${secure::sf.token} where the app reads ${sf.token} (a <configuration-properties> loads prod.yaml too: it would read the ![...] text)"
        ),
        "{}",
        f.fix
    );
    common::assert_no_secrets(rel, &["Kq7TokenFromProdWz4Xy9Ab"]);
}

/// Found by testing as a user would: a Jenkinsfile's `MULE_KEY =
/// credentials('mule-secure-key')` was an IG103 committed key, and
/// `API_TOKEN = params.API_TOKEN` an IG102 secret: in Groovy an unquoted
/// value is an expression. Quoted literals (and `def sfToken = '...'`,
/// missed before) are secrets, fixed with a Jenkins credential.
#[test]
fn a_jenkinsfile_sets_secrets_in_quotes_only() {
    let rel = "IG102/jenkinsfile";
    assert_eq!(
        common::places("IG102", rel),
        [
            ("Jenkinsfile".to_string(), 6),
            ("Jenkinsfile".to_string(), 14)
        ]
    );
    common::assert_clean("IG103", rel);
    let f = &common::run("IG102", rel)[0];
    assert!(
        f.fix.contains(
            "read it with SF_PASSWORD = credentials('<credential id>') in the pipeline's environment block"
        ),
        "{}",
        f.fix
    );
    common::assert_no_secrets(rel, &["J3nkinsSfPassw0rd!", "Xq9vLm2Rt8Kp4Wz7Ns1Bd6"]);
}

/// Found by testing as a user would: a secret in a CI service's pipeline
/// file was fixed with a generic "inject it from the pipeline's secret
/// store"; the fix now writes the service's own reference and says where
/// the secret is kept. A variable the pipeline reads (`$SF_PASSWORD`,
/// `$(MULE_KEY)`) is no secret: it was masked in the fix and the snippets.
#[test]
fn a_ci_services_pipeline_reads_the_secret_from_its_own_store() {
    let rel = "IG102/ci-platforms";
    let findings = common::run("IG102", rel);
    let fix_at = |file: &str, line: u32| common::finding_at(&findings, file, line).fix.clone();
    assert_eq!(
        fix_at(".github/workflows/deploy.yml", 7),
        "Replace the value of `SF_PASSWORD` in deploy.yml with ${{ secrets.SF_PASSWORD }}, kept as a GitHub Actions secret (Settings > Secrets and variables > Actions), and purge it from git history. Then change the secret."
    );
    assert!(fix_at(".github/workflows/deploy.yml", 10).starts_with(
        "Write -Danypoint.client.secret=${{ secrets.ANYPOINT_CLIENT_SECRET }} in deploy.yml instead"
    ));
    assert_eq!(
        fix_at(".gitlab-ci.yml", 4),
        "Delete `SF_PASSWORD` from .gitlab-ci.yml and define it as a masked, protected CI/CD variable (Settings > CI/CD > Variables) instead: jobs read it as $SF_PASSWORD. Purge the value from git history, then change the secret."
    );
    assert!(fix_at("azure-pipelines.yml", 6)
        .starts_with("Write -Dsf.password=$(SF_PASSWORD) in azure-pipelines.yml instead, with SF_PASSWORD kept as a secret pipeline variable"));
    assert!(fix_at("bitbucket-pipelines.yml", 5).starts_with(
        "Delete `ANYPOINT_CLIENT_SECRET` from bitbucket-pipelines.yml and define it as a secured repository or deployment variable"
    ));
    assert_eq!(findings.len(), 5, "{findings:#?}");
    common::assert_no_secrets(
        rel,
        &[
            "Gh4ctionsSfPassw0rd",
            "8f3b2c1d9e7a4b6c8d0e2f4a6b8c0d2e",
            "Gitl4bClearPassw0rd",
            "Azur3PipelinePassw0rd",
            "b1tbuck3tCl1entS3cretValue99",
        ],
    );
}
