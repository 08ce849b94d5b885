//! The token endpoint, mutual TLS, http:// refusal and REST re-authentication against local
//! HTTPS servers on 127.0.0.1 that behave like Salesforce.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use common::{fixture, Request, Response, TestPki, TestServer};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use salesforce_auth::jwt::Claims;
use salesforce_auth::rest::Method;
use salesforce_auth::token::JWT_BEARER_GRANT;
use salesforce_auth::transport::HttpsClient;
use salesforce_auth::{
    generate_self_signed, request_token, AuthError, AuthErrorKind, ClientIdentitySource,
    PrivateKeySource, RestClient, RestError, SecretString, TlsOptions, TokenRequest, TokenResponse,
    TransportError, PRODUCTION_AUDIENCE, SANDBOX_AUDIENCE,
};
use serde_json::json;

const CONSUMER_KEY: &str = "3MVG9_test_consumer_key";
const USER: &str = "integration@acme.example";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Errors the fake org answers for some usernames, as Salesforce words them.
const ERROR_USERS: &[(&str, &str, &str, &str)] = &[
    (
        "not-approved@acme.example",
        "invalid_grant",
        "user hasn't approved this consumer",
        "NotApproved",
    ),
    (
        "skewed@acme.example",
        "invalid_grant",
        "expired authorization code",
        "ExpiredAssertion",
    ),
    (
        "ip@acme.example",
        "invalid_grant",
        "IP restricted or invalid login hours",
        "IpRestricted",
    ),
    (
        "app-access@acme.example",
        "invalid_app_access",
        "user is not admin approved to access this app",
        "InvalidAppAccess",
    ),
    (
        "eca@acme.example",
        "app_not_found",
        "External client app is not installed in this org",
        "AppNotFound",
    ),
    (
        "inactive@acme.example",
        "inactive_user",
        "user is inactive",
        "InactiveUser",
    ),
    (
        "org@acme.example",
        "inactive_org",
        "organization is inactive",
        "InactiveOrg",
    ),
    (
        "busy@acme.example",
        "rate_limit_exceeded",
        "rate limit exceeded",
        "RateLimited",
    ),
    (
        "scope@acme.example",
        "invalid_scope",
        "the requested scope is not allowed",
        "InvalidScope",
    ),
    (
        "grant@acme.example",
        "unsupported_grant_type",
        "grant type not supported",
        "UnsupportedGrantType",
    ),
    (
        "other@acme.example",
        "invalid_grant",
        "authentication failure",
        "OtherInvalidGrant",
    ),
    (
        "odd@acme.example",
        "something_new",
        "a brand new error",
        "Unknown",
    ),
];

/// A fake Salesforce org: token endpoint checking the assertion against the uploaded
/// certificate, and a REST endpoint accepting the tokens it issued.
struct FakeOrg {
    audience: String,
    /// RSA modulus and exponent of the certificate "uploaded" to the connected app.
    uploaded_n: Vec<u8>,
    uploaded_e: Vec<u8>,
    valid_tokens: Mutex<HashSet<String>>,
    issued: AtomicUsize,
    last_claims: Mutex<Option<Claims>>,
    instance_url: Mutex<String>,
}

fn oauth_error(error: &str, description: &str) -> Response {
    Response::json(
        400,
        &json!({"error": error, "error_description": description}),
    )
}

impl FakeOrg {
    fn new(uploaded_cert_der: &[u8], audience: &str) -> Arc<FakeOrg> {
        let (_, cert) = x509_parser::parse_x509_certificate(uploaded_cert_der).unwrap();
        let x509_parser::public_key::PublicKey::RSA(rsa) = cert.public_key().parsed().unwrap()
        else {
            panic!("uploaded certificate is not RSA")
        };
        Arc::new(FakeOrg {
            audience: audience.to_string(),
            // DER integers carry a leading zero byte when the top bit is set.
            uploaded_n: rsa.modulus[rsa.modulus.iter().take_while(|b| **b == 0).count()..].to_vec(),
            uploaded_e: rsa.exponent.to_vec(),
            valid_tokens: Mutex::new(HashSet::new()),
            issued: AtomicUsize::new(0),
            last_claims: Mutex::new(None),
            instance_url: Mutex::new(String::new()),
        })
    }

    fn start(self: &Arc<Self>, pki: &TestPki) -> TestServer {
        let org = self.clone();
        let server = TestServer::start(pki.server_config(), Arc::new(move |r| org.handle(r)));
        *self.instance_url.lock().unwrap() = server.url();
        server
    }

    fn revoke_all(&self) {
        self.valid_tokens.lock().unwrap().clear();
    }

    fn handle(&self, req: &Request) -> Response {
        if req.path == "/services/oauth2/token" {
            return self.token(req);
        }
        let bearer = req
            .header("authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .unwrap_or("");
        if !self.valid_tokens.lock().unwrap().contains(bearer) {
            return Response::json(
                401,
                &json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]),
            );
        }
        let mut response = match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/services/data/") => Response::json(
                200,
                &json!([{"version": "62.0", "url": "/services/data/v62.0"}]),
            ),
            ("POST", "/services/data/v62.0/composite") => {
                let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
                Response::json(200, &json!({"echo": body}))
            }
            _ => Response::json(
                404,
                &json!([{"message": "not found", "errorCode": "NOT_FOUND"}]),
            ),
        };
        response
            .headers
            .push(("Sforce-Limit-Info".into(), "api-usage=42/15000".into()));
        response
    }

    /// Checks like Salesforce: grant type, consumer key, RS256 signature against the uploaded
    /// certificate, audience, expiry (not past, not more than 5 minutes ahead), user.
    fn token(&self, req: &Request) -> Response {
        if req.method != "POST"
            || req.header("content-type") != Some("application/x-www-form-urlencoded")
        {
            return oauth_error("invalid_request", "must use HTTP POST with a form");
        }
        let form = req.form();
        if form.get("grant_type").map(String::as_str) != Some(JWT_BEARER_GRANT) {
            return oauth_error("unsupported_grant_type", "grant type not supported");
        }
        let Some(assertion) = form.get("assertion") else {
            return oauth_error("invalid_request", "assertion missing");
        };
        let Ok(unverified) = jsonwebtoken::dangerous::insecure_decode_claims::<Claims>(assertion)
        else {
            return oauth_error("invalid_grant", "invalid assertion");
        };
        if unverified.iss != CONSUMER_KEY {
            return oauth_error("invalid_client_id", "client identifier invalid");
        }
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims = HashSet::new();
        let key = DecodingKey::from_rsa_raw_components(&self.uploaded_n, &self.uploaded_e);
        let verified = match jsonwebtoken::decode::<Claims>(assertion, &key, &validation) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("fake org: signature check failed: {e:?}");
                return oauth_error("invalid_grant", "invalid assertion");
            }
        };
        let claims = verified.claims;
        *self.last_claims.lock().unwrap() = Some(claims.clone());
        if claims.aud != self.audience {
            return oauth_error("invalid_grant", "audience is invalid");
        }
        let now = now();
        if claims.exp < now {
            return oauth_error("invalid_grant", "expired authorization code");
        }
        if claims.exp > now + 300 {
            return oauth_error("invalid_grant", "invalid assertion");
        }
        if let Some((_, e, d, _)) = ERROR_USERS.iter().find(|u| u.0 == claims.sub) {
            return oauth_error(e, d);
        }
        if claims.sub != USER {
            return oauth_error("invalid_grant", "user hasn't approved this consumer");
        }
        let n = self.issued.fetch_add(1, Ordering::SeqCst);
        let token = format!("00DTEST0000000001!AQ{n:04}xSECRETxTOKENxVALUEx{}", now);
        self.valid_tokens.lock().unwrap().insert(token.clone());
        let instance = self.instance_url.lock().unwrap().clone();
        Response::json(
            200,
            &json!({
                "access_token": token,
                "instance_url": instance,
                "id": "https://login.salesforce.com/id/00DTEST0000000001AAA/005TEST0000000001AAA",
                "scope": "api",
                "token_type": "Bearer",
                "issued_at": format!("{}000", now),
                "signature": "c2lnbmF0dXJl",
                "api_instance_url": "https://api.salesforce.com",
                "sfdc_community_id": null,
                "unexpected": {"nested": [1, 2, 3]}
            }),
        )
    }
}

struct Setup {
    pki: TestPki,
    org: Arc<FakeOrg>,
    server: TestServer,
    key_path: std::path::PathBuf,
    key_pem: String,
}

/// A key pair made like `intguard keys new`, its certificate uploaded to the fake org.
fn setup(audience: &str) -> Setup {
    let pki = TestPki::new();
    let creds = generate_self_signed("intguard-jwt", 30, 2048, None).unwrap();
    let cert_der = ::pem::parse(creds.certificate_pem.as_bytes())
        .unwrap()
        .into_contents();
    let org = FakeOrg::new(&cert_der, audience);
    let server = org.start(&pki);
    let key_path = pki.dir.path().join("server.key");
    salesforce_auth::keys::write_secret_file(&key_path, creds.private_key_pem().as_bytes(), false)
        .unwrap();
    Setup {
        key_pem: creds.private_key_pem().to_string(),
        pki,
        org,
        server,
        key_path,
    }
}

impl Setup {
    fn tls(&self) -> TlsOptions {
        TlsOptions {
            ca_file: Some(self.pki.ca_file()),
            client_identity: None,
        }
    }
    fn request(&self, username: &str) -> TokenRequest {
        TokenRequest::new(
            self.server.url(),
            CONSUMER_KEY,
            username,
            PrivateKeySource::key_file(&self.key_path),
        )
    }
}

#[test]
fn token_request_succeeds_with_a_verified_assertion() {
    let s = setup(PRODUCTION_AUDIENCE);
    let token = request_token(&s.request(USER), &s.tls()).unwrap();
    assert!(token.access_token().starts_with("00DTEST0000000001!AQ"));
    assert_eq!(token.instance_url, s.server.url());
    assert_eq!(token.scopes(), vec!["api"]);
    assert_eq!(token.token_type.as_deref(), Some("Bearer"));
    assert_eq!(token.org_id(), Some("00DTEST0000000001AAA"));
    assert_eq!(token.user_id(), Some("005TEST0000000001AAA"));
    assert!(token.issued_at.is_some() && token.signature.is_some());

    let claims = s.org.last_claims.lock().unwrap().clone().unwrap();
    assert_eq!(claims.iss, CONSUMER_KEY);
    assert_eq!(claims.sub, USER);
    // The login URL is not a Salesforce host, so the default audience is production.
    assert_eq!(claims.aud, PRODUCTION_AUDIENCE);
    let ahead = claims.exp as i64 - now() as i64;
    assert!((100..=180).contains(&ahead), "exp is {ahead} s ahead");

    // The masked forms never show the token.
    let raw = token.access_token().to_string();
    for shown in [
        format!("{token:?}"),
        format!("{:?}", token.summary()),
        serde_json::to_string(&token.summary()).unwrap(),
        token.masked_access_token(),
    ] {
        assert!(!shown.contains(&raw[4..]), "token leaked: {shown}");
    }
    assert!(
        token
            .masked_access_token()
            .starts_with(&format!("00DT…({}) sha256:", raw.chars().count())),
        "{}",
        token.masked_access_token()
    );
}

#[test]
fn explicit_sandbox_audience_and_trailing_slash_login_url() {
    let s = setup(SANDBOX_AUDIENCE);
    let mut req = s.request(USER);
    req.login_url = format!("{}/", s.server.url());
    let err = request_token(&req, &s.tls()).unwrap_err();
    assert!(matches!(err.kind, AuthErrorKind::InvalidAudience), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("audience {PRODUCTION_AUDIENCE}")),
        "{msg}"
    );
    assert!(msg.contains(&s.server.url()), "{msg}");
    assert!(
        msg.contains(&format!("--audience {SANDBOX_AUDIENCE}")),
        "{msg}"
    );

    req.audience = Some(SANDBOX_AUDIENCE.to_string());
    request_token(&req, &s.tls()).unwrap();
    assert_eq!(
        s.org.last_claims.lock().unwrap().as_ref().unwrap().aud,
        SANDBOX_AUDIENCE
    );
}

#[test]
fn jks_and_pkcs12_keystores_sign_assertions_the_server_verifies() {
    let pki = TestPki::new();
    for (file, alias, store, key_pw) in [
        ("mule-jwt.jks", "mule-jwt", "storepass1", Some("keypass12")),
        ("keytool.p12", "mule-jwt", "storepass1", None),
    ] {
        let source = PrivateKeySource::Keystore {
            path: fixture(file),
            alias: Some(alias.into()),
            store_password: SecretString::from(store),
            key_password: key_pw.map(SecretString::from),
        };
        // "Upload" the keystore's own certificate.
        let cert = source.load().unwrap().certificate_chain()[0].clone();
        let org = FakeOrg::new(&cert, PRODUCTION_AUDIENCE);
        let server = org.start(&pki);
        let req = TokenRequest::new(server.url(), CONSUMER_KEY, USER, source);
        let tls = TlsOptions {
            ca_file: Some(pki.ca_file()),
            client_identity: None,
        };
        let token = request_token(&req, &tls).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(token.access_token().starts_with("00DTEST"), "{file}");
    }
}

#[test]
fn every_documented_error_is_mapped_with_login_url_and_audience() {
    let s = setup(PRODUCTION_AUDIENCE);
    let tls = s.tls();
    let check = |err: &AuthError, expected: &str| {
        assert_eq!(format!("{:?}", err.kind), expected, "{err}");
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("login URL {}", s.server.url())),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("audience {PRODUCTION_AUDIENCE}")),
            "{msg}"
        );
        if expected != "Unknown" {
            assert!(!err.fix().is_empty(), "{expected} has no advice");
        }
        assert!(!msg.contains(&s.key_pem[40..80]), "key leaked: {msg}");
    };
    for (user, error, description, expected) in ERROR_USERS {
        let err = request_token(&s.request(user), &tls).unwrap_err();
        check(&err, expected);
        let server = err.server.as_ref().expect("Salesforce's answer is kept");
        assert_eq!((server.status, server.error.as_str()), (400, *error));
        assert_eq!(server.description, *description);
        assert!(err.to_string().contains(description));
    }

    // Errors the fake org produces from the assertion itself.
    let mut wrong_iss = s.request(USER);
    wrong_iss.client_id = "3MVG9_someone_else".into();
    let err = request_token(&wrong_iss, &tls).unwrap_err();
    check(&err, "InvalidClientId");
    assert!(err.to_string().contains("Consumer Key"));

    let other_key = generate_self_signed("not-uploaded", 1, 2048, None).unwrap();
    let mut wrong_key = s.request(USER);
    wrong_key.key = PrivateKeySource::Pem {
        pem: SecretString::from(other_key.private_key_pem()),
        password: None,
    };
    let err = request_token(&wrong_key, &tls).unwrap_err();
    check(&err, "InvalidAssertion");
    assert!(err.to_string().contains("certificate"));
    assert!(!err
        .to_string()
        .contains(&other_key.private_key_pem()[40..80]));

    let mut wrong_aud = s.request(USER);
    wrong_aud.audience = Some("https://acme.my.salesforce.com".into());
    let err = request_token(&wrong_aud, &tls).unwrap_err();
    assert!(matches!(err.kind, AuthErrorKind::InvalidAudience));
    assert!(err
        .to_string()
        .contains("audience https://acme.my.salesforce.com"));

    let err = request_token(&s.request("stranger@acme.example"), &tls).unwrap_err();
    check(&err, "NotApproved");
}

#[test]
fn the_fake_org_checks_expiry_like_salesforce() {
    // Assertions built by hand and posted with the crate's client: expired, too far ahead.
    let s = setup(PRODUCTION_AUDIENCE);
    let key = PrivateKeySource::key_file(&s.key_path).load().unwrap();
    let client = HttpsClient::new(&s.tls()).unwrap();
    let req = s.request(USER);
    let post = |assertion: &str| {
        let r = client
            .post_form(
                &req.token_url(),
                &[("grant_type", JWT_BEARER_GRANT), ("assertion", assertion)],
                &[],
            )
            .unwrap();
        salesforce_auth::token::parse_token_response(&req, r.status, &r.body)
    };
    let hour_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
    let expired = salesforce_auth::jwt::build_assertion_at(
        CONSUMER_KEY,
        USER,
        PRODUCTION_AUDIENCE,
        &key,
        salesforce_auth::jwt::MAX_LIFETIME,
        hour_ago,
    )
    .unwrap();
    let err = post(expired.expose()).unwrap_err();
    assert!(matches!(err.kind, AuthErrorKind::ExpiredAssertion), "{err}");
    assert!(err.to_string().contains("clock"), "{err}");

    let far = salesforce_auth::jwt::sign(
        &Claims {
            iss: CONSUMER_KEY.into(),
            sub: USER.into(),
            aud: PRODUCTION_AUDIENCE.into(),
            exp: now() + 3600,
        },
        &key,
    )
    .unwrap();
    let err = post(far.expose()).unwrap_err();
    assert!(matches!(err.kind, AuthErrorKind::InvalidAssertion), "{err}");

    // The crate itself never asks for more than 180 s.
    let capped = salesforce_auth::jwt::build_assertion(
        CONSUMER_KEY,
        USER,
        PRODUCTION_AUDIENCE,
        &key,
        std::time::Duration::from_secs(3600),
    )
    .unwrap();
    assert!(capped.claims().exp <= now() + 180);
    assert!(post(capped.expose()).is_ok());
}

#[test]
fn local_failures_also_name_login_url_and_audience() {
    let s = setup(PRODUCTION_AUDIENCE);
    // Wrong password of an encrypted key.
    let creds = generate_self_signed("enc", 1, 2048, Some("right-pass")).unwrap();
    let mut req = s.request(USER);
    req.key = PrivateKeySource::Pem {
        pem: SecretString::from(creds.private_key_pem()),
        password: Some(SecretString::from("wrong-pass")),
    };
    let err = request_token(&req, &s.tls()).unwrap_err();
    assert!(matches!(err.kind, AuthErrorKind::Key(_)), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("wrong password") && msg.contains(&s.server.url()),
        "{msg}"
    );
    assert!(
        !msg.contains("wrong-pass") && !msg.contains("right-pass"),
        "{msg}"
    );

    // The server is not trusted without the test CA.
    let err = request_token(&s.request(USER), &TlsOptions::default()).unwrap_err();
    match &err.kind {
        AuthErrorKind::Transport(t) => {
            assert!(matches!(**t, TransportError::Tls { .. }), "{t}");
            assert!(t.to_string().contains("--ca-file"), "{t}");
        }
        other => panic!("{other:?}"),
    }
    // A CA file that is not PEM.
    let bad_ca = s.pki.dir.path().join("bad-ca.pem");
    std::fs::write(&bad_ca, "nothing").unwrap();
    let err = request_token(
        &s.request(USER),
        &TlsOptions {
            ca_file: Some(bad_ca),
            client_identity: None,
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("bad-ca.pem"), "{err}");
}

/// A login URL with a query or fragment is refused before the key is read
/// or anything is sent: the token path would be appended after it
/// (`https://host/?a=1/services/oauth2/token`).
#[test]
fn a_login_url_with_a_query_or_fragment_is_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    for login_url in [
        format!("https://127.0.0.1:{port}/?realm=x"),
        format!("https://127.0.0.1:{port}#top"),
    ] {
        let req = TokenRequest::new(
            &login_url,
            CONSUMER_KEY,
            USER,
            PrivateKeySource::key_file("/nonexistent/key.pem"),
        );
        let err = request_token(&req, &TlsOptions::default()).unwrap_err();
        assert!(
            err.to_string()
                .contains("a login URL has no query or fragment"),
            "{err}"
        );
        assert!(listener.accept().is_err(), "nothing was sent");
    }
}

/// Found by testing: `--login-url login.salesforce.com` (a host, as Setup
/// shows it) was answered "invalid URL
/// login.salesforce.com/services/oauth2/token: invalid format".
#[test]
fn a_login_url_without_a_scheme_is_told_the_https_form() {
    let req = TokenRequest::new(
        "login.salesforce.com",
        CONSUMER_KEY,
        USER,
        PrivateKeySource::key_file("/nonexistent/key.pem"),
    );
    let msg = request_token(&req, &TlsOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("invalid URL login.salesforce.com: it has no scheme")
            && msg.contains("(https://login.salesforce.com)")
            && !msg.contains("services/oauth2"),
        "{msg}"
    );
}

#[test]
fn http_urls_are_refused_before_any_connection() {
    // A listener that would see any connection attempt.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let open_port = listener.local_addr().unwrap().port();
    // And a closed port.
    let closed_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    for port in [open_port, closed_port] {
        for login_url in [
            format!("http://127.0.0.1:{port}"),
            format!("HTTP://127.0.0.1:{port}/"),
        ] {
            // The key file does not exist: the refusal comes first.
            let req = TokenRequest::new(
                &login_url,
                CONSUMER_KEY,
                USER,
                PrivateKeySource::key_file("/nonexistent/key.pem"),
            );
            let err = request_token(&req, &TlsOptions::default()).unwrap_err();
            assert!(err.is_insecure_scheme(), "{err}");
            assert!(err.to_string().contains("only https://"), "{err}");
            assert!(err.to_string().contains(&login_url.to_string()), "{err}");
        }
        let client = HttpsClient::new(&TlsOptions::default()).unwrap();
        let err = client
            .get(&format!("http://127.0.0.1:{port}/services/data/"), &[])
            .unwrap_err();
        assert!(err.is_insecure_scheme(), "{err}");
        let err = client
            .post_form(&format!("http://127.0.0.1:{port}/x"), &[("a", "b")], &[])
            .unwrap_err();
        assert!(err.is_insecure_scheme(), "{err}");
    }
    // A token whose instance_url is http:// is not used either.
    let token = TokenResponse::new(
        "00Dxx!secret-token-value-abcdef",
        format!("http://127.0.0.1:{open_port}"),
        "",
    );
    let rest = RestClient::new(
        HttpsClient::new(&TlsOptions::default()).unwrap(),
        token,
        || -> Result<TokenResponse, AuthError> { panic!("no re-authentication expected") },
    );
    let err = rest.get("/services/data/").unwrap_err();
    assert!(
        matches!(&err, RestError::Transport(t) if t.is_insecure_scheme()),
        "{err}"
    );
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("a connection was made: {other:?}"),
    }
}

#[test]
fn mutual_tls_is_required_and_accepted() {
    let pki = TestPki::new();
    let seen_cert = Arc::new(Mutex::new(Vec::new()));
    let seen = seen_cert.clone();
    let server = TestServer::start(
        pki.mtls_server_config(),
        Arc::new(move |r: &Request| {
            seen.lock().unwrap().push(r.client_certificate);
            Response::json(200, &json!({"ok": true}))
        }),
    );
    let url = format!("{}/services/data/", server.url());

    // Without a client certificate the handshake is refused.
    let plain = HttpsClient::new(&TlsOptions {
        ca_file: Some(pki.ca_file()),
        client_identity: None,
    })
    .unwrap();
    assert!(!plain.mutual_tls());
    let err = plain.get(&url, &[]).unwrap_err();
    assert!(matches!(err, TransportError::Tls { .. }), "{err}");
    assert!(err.to_string().contains("client certificate"), "{err}");
    assert_eq!(server.request_count(), 0);

    // With a PEM certificate and key it is accepted.
    let pem_identity = TlsOptions {
        ca_file: Some(pki.ca_file()),
        client_identity: Some(ClientIdentitySource::Pem {
            cert: pki.client_cert_file(),
            key: pki.client_key_file(),
            key_password: None,
        }),
    };
    let client = HttpsClient::new(&pem_identity).unwrap();
    assert!(client.mutual_tls());
    // The loopback URL has an explicit port: it is kept.
    assert_eq!(client.effective_url(&url).unwrap(), url);
    let response = client.get(&url, &[]).unwrap();
    assert_eq!(response.status, 200);

    // The same identity from a PKCS#12 keystore (encrypted key, as exported for Mule).
    let mut store = p12_keystore::KeyStore::new();
    let chain = p12_keystore::PrivateKeyChain::new(
        vec![7u8; 20],
        p12_keystore::PrivateKey::from_der(&pki.client_key_der).unwrap(),
        vec![p12_keystore::Certificate::from_der(&pki.client_cert_der).unwrap()],
    );
    store.add_entry(
        "client",
        p12_keystore::KeyStoreEntry::PrivateKeyChain(chain),
    );
    let p12_path = pki.dir.path().join("client.p12");
    std::fs::write(&p12_path, store.writer("p12-pass").write().unwrap()).unwrap();
    let p12_identity = TlsOptions {
        ca_file: Some(pki.ca_file()),
        client_identity: Some(ClientIdentitySource::Keystore {
            path: p12_path,
            alias: Some("client".into()),
            store_password: SecretString::from("p12-pass"),
            key_password: None,
        }),
    };
    let response = HttpsClient::new(&p12_identity)
        .unwrap()
        .get(&url, &[])
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(*seen_cert.lock().unwrap(), vec![true, true]);

    // A certificate with another key is refused before connecting.
    let other = rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
        .unwrap();
    let other_key = pki.dir.path().join("other.key");
    std::fs::write(&other_key, other.serialize_pem()).unwrap();
    let err = HttpsClient::new(&TlsOptions {
        ca_file: Some(pki.ca_file()),
        client_identity: Some(ClientIdentitySource::Pem {
            cert: pki.client_cert_file(),
            key: other_key,
            key_password: None,
        }),
    })
    .unwrap_err();
    assert!(matches!(err, TransportError::ClientIdentity(_)), "{err}");
    assert_eq!(server.request_count(), 2);

    // The 8443 rule for My Domain hosts, applied by the client (pure URL rewriting).
    assert_eq!(
        client
            .effective_url("https://acme.my.salesforce.com/services/oauth2/token")
            .unwrap(),
        "https://acme.my.salesforce.com:8443/services/oauth2/token"
    );
    assert_eq!(
        client
            .effective_url("https://acme.my.salesforce.com:443/services/data/")
            .unwrap(),
        "https://acme.my.salesforce.com:443/services/data/"
    );
    assert_eq!(
        plain
            .effective_url("https://acme.my.salesforce.com/services/data/")
            .unwrap(),
        "https://acme.my.salesforce.com/services/data/"
    );
}

fn rest_server() -> (TestPki, Arc<FakeOrg>, TestServer) {
    let pki = TestPki::new();
    let creds = generate_self_signed("rest", 1, 2048, None).unwrap();
    let cert = ::pem::parse(creds.certificate_pem.as_bytes())
        .unwrap()
        .into_contents();
    let org = FakeOrg::new(&cert, PRODUCTION_AUDIENCE);
    let server = org.start(&pki);
    (pki, org, server)
}

#[test]
fn rest_client_reauthenticates_once_on_401() {
    let (pki, org, server) = rest_server();
    org.valid_tokens
        .lock()
        .unwrap()
        .insert("fresh-token-0123456789".into());
    let client = HttpsClient::new(&TlsOptions {
        ca_file: Some(pki.ca_file()),
        client_identity: None,
    })
    .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let url = server.url();
    let rest = RestClient::new(
        client.clone(),
        TokenResponse::new("stale-token-0123456789", &url, ""),
        move || {
            c.fetch_add(1, Ordering::SeqCst);
            Ok(TokenResponse::new("fresh-token-0123456789", &url, ""))
        },
    );
    let response = rest.get("/services/data/").unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        response.header("Sforce-Limit-Info"),
        Some("api-usage=42/15000")
    );
    let usage = response.api_usage().unwrap();
    assert_eq!((usage.used, usage.max), (42, 15000));
    assert_eq!(rest.last_api_usage(), Some(usage));
    let versions: serde_json::Value = rest.get_json("/services/data/").unwrap();
    assert_eq!(versions[0]["version"], "62.0");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "no re-auth while the token is good"
    );
    let echoed = rest
        .post_json(
            "/services/data/v62.0/composite",
            &json!({"allOrNone": false, "compositeRequest": []}),
        )
        .unwrap();
    assert_eq!(
        echoed.json::<serde_json::Value>().unwrap()["echo"]["allOrNone"],
        false
    );
    let with_query = rest
        .send(
            Method::Get,
            "/services/data/",
            &[("q", "SELECT Id FROM User")],
            &[("Sforce-Query-Options", "batchSize=200")],
            None,
        )
        .unwrap();
    assert_eq!(
        with_query.status, 404,
        "the fake org only knows the bare path"
    );

    // Re-authentication yields another rejected token: one retry only, the 401 is returned.
    let url = server.url();
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let rest = RestClient::new(
        client.clone(),
        TokenResponse::new("stale-token-0123456789", &url, ""),
        move || {
            c.fetch_add(1, Ordering::SeqCst);
            Ok(TokenResponse::new("also-stale-0123456789", &url, ""))
        },
    );
    let response = rest.get("/services/data/").unwrap();
    assert_eq!(response.status, 401);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let err = response.error_for_status().unwrap_err();
    assert_eq!(err.error_code(), Some("INVALID_SESSION_ID"));

    // Re-authentication fails: the auth error comes back.
    let rest = RestClient::new(
        client.clone(),
        TokenResponse::new("stale-token-0123456789", server.url(), ""),
        || {
            let req = TokenRequest::new(
                "http://login.invalid",
                CONSUMER_KEY,
                USER,
                PrivateKeySource::key_file("/nonexistent"),
            );
            request_token(&req, &TlsOptions::default())
        },
    );
    let err = rest.get("/services/data/").unwrap_err();
    assert!(matches!(err, RestError::Reauthentication(_)), "{err}");

    // The token is never sent to another host.
    let err = rest.get("https://evil.example/steal").unwrap_err();
    assert!(matches!(err, RestError::ForeignUrl { .. }), "{err}");
    let same_origin = format!("{}/services/data/", server.url());
    assert!(rest.get(&same_origin).is_err(), "stale and re-auth fails");
}

#[test]
fn rest_client_connects_with_jwt_and_reauthenticates_with_jwt() {
    let s = setup(PRODUCTION_AUDIENCE);
    let rest = RestClient::connect(s.request(USER), &s.tls()).unwrap();
    assert_eq!(rest.instance_url(), s.server.url());
    assert_eq!(rest.get("/services/data/").unwrap().status, 200);
    assert_eq!(s.org.issued.load(Ordering::SeqCst), 1);

    s.org.revoke_all();
    assert_eq!(rest.get("/services/data/").unwrap().status, 200);
    assert_eq!(s.org.issued.load(Ordering::SeqCst), 2, "one new JWT login");

    let shown = format!("{rest:?}");
    assert!(shown.contains("…("), "{shown}");
    for token in s.org.valid_tokens.lock().unwrap().iter() {
        assert!(!shown.contains(&token[4..]), "{shown}");
    }
}

#[test]
fn no_key_password_or_token_text_in_debug_or_display() {
    let s = setup(PRODUCTION_AUDIENCE);
    let key_fragment = s.key_pem.lines().nth(3).unwrap().to_string();
    let secrets = |extra: &[&str]| {
        let mut v = vec![
            key_fragment.clone(),
            "storepass1".into(),
            "keypass12".into(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };

    let token = request_token(&s.request(USER), &s.tls()).unwrap();
    let raw = token.access_token().to_string();
    let pem_source = PrivateKeySource::Pem {
        pem: SecretString::from(s.key_pem.clone()),
        password: Some(SecretString::from("pem-password-xyz")),
    };
    let keystore_source = PrivateKeySource::Keystore {
        path: fixture("mule-jwt.jks"),
        alias: Some("mule-jwt".into()),
        store_password: SecretString::from("storepass1"),
        key_password: Some(SecretString::from("keypass12")),
    };
    let key = keystore_source.load().unwrap();
    let key_b64 = {
        let pem = key.to_pkcs8_pem();
        pem.lines().nth(5).unwrap().to_string()
    };
    let identity = ClientIdentitySource::Keystore {
        path: fixture("keytool.p12"),
        alias: None,
        store_password: SecretString::from("storepass1"),
        key_password: None,
    };
    let tls = TlsOptions {
        ca_file: None,
        client_identity: Some(identity.clone()),
    };
    let generated = generate_self_signed("dbg", 1, 2048, Some("gen-pass-123")).unwrap();
    let gen_fragment = generated
        .private_key_pem()
        .lines()
        .nth(2)
        .unwrap()
        .to_string();
    let assertion = salesforce_auth::jwt::build_assertion(
        CONSUMER_KEY,
        USER,
        PRODUCTION_AUDIENCE,
        &key,
        std::time::Duration::from_secs(60),
    )
    .unwrap();
    let rest = RestClient::new(
        HttpsClient::new(&s.tls()).unwrap(),
        token.clone(),
        || -> Result<TokenResponse, AuthError> { unreachable!() },
    );
    let http_response = HttpsClient::new(&s.tls())
        .unwrap()
        .get(
            &format!("{}/services/data/", s.server.url()),
            &[("Authorization", &format!("Bearer {raw}"))],
        )
        .unwrap();
    let wrong_pw = PrivateKeySource::Keystore {
        path: fixture("mule-jwt.jks"),
        alias: None,
        store_password: SecretString::from("storepass1"),
        key_password: Some(SecretString::from("not-keypass")),
    }
    .load()
    .unwrap_err();
    let auth_error = {
        let mut req = s.request("not-approved@acme.example");
        req.key = pem_source.clone();
        request_token(&req, &s.tls()).unwrap_err()
    };

    let outputs = vec![
        format!("{token:?}"),
        format!("{:?}", token.summary()),
        format!("{pem_source:?}"),
        format!("{keystore_source:?}"),
        format!("{key:?}"),
        format!("{identity:?}"),
        format!("{tls:?}"),
        format!("{generated:?}"),
        format!("{assertion:?}"),
        format!("{rest:?}"),
        format!("{http_response:?}"),
        format!("{wrong_pw:?} {wrong_pw}"),
        format!("{auth_error:?} {auth_error}"),
        format!("{:?}", s.request(USER)),
    ];
    let mut forbidden = secrets(&[
        &raw[4..],
        "pem-password-xyz",
        "not-keypass",
        "gen-pass-123",
        &key_b64,
        &gen_fragment,
        assertion.expose(),
    ]);
    forbidden.push(assertion.expose().split('.').nth(2).unwrap().to_string());
    for out in &outputs {
        for secret in &forbidden {
            assert!(
                !out.contains(secret.as_str()),
                "secret {secret:?} shown in {out}"
            );
        }
    }
}
