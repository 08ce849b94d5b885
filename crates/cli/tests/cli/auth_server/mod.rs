//! Test support for `intguard token`: salesforce-auth's own test PKI and HTTPS server on
//! 127.0.0.1 (re-exported from `crate::https`), and a fake Salesforce token endpoint that
//! verifies the JWT assertion's RS256 signature against the uploaded certificate and checks
//! `iss`, `sub`, `aud` and `exp` like Salesforce.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub use crate::https::*;

// ---------------------------------------------------------------------------
// A fake Salesforce token endpoint.

pub const CONSUMER_KEY: &str = "3MVG9_cli_test_consumer_key";
pub const USER: &str = "int.orders@acme.example";
pub const PRODUCTION_AUDIENCE: &str = "https://login.salesforce.com";

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[derive(Debug, Clone)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: u64,
}

impl Claims {
    fn from_json(v: &serde_json::Value) -> Option<Claims> {
        Some(Claims {
            iss: v.get("iss")?.as_str()?.to_string(),
            sub: v.get("sub")?.as_str()?.to_string(),
            aud: v.get("aud")?.as_str()?.to_string(),
            exp: v.get("exp")?.as_u64()?,
        })
    }
}

fn oauth_error(error: &str, description: &str) -> Response {
    Response::json(
        400,
        &serde_json::json!({"error": error, "error_description": description}),
    )
}

/// An org with one uploaded certificate (the connected app's "Use digital signatures").
pub struct FakeOrg {
    audience: String,
    uploaded_n: Vec<u8>,
    uploaded_e: Vec<u8>,
    issued: AtomicUsize,
    pub tokens: std::sync::Mutex<Vec<String>>,
}

impl FakeOrg {
    pub fn new(uploaded_cert_der: &[u8]) -> Arc<FakeOrg> {
        let (_, cert) = x509_parser::parse_x509_certificate(uploaded_cert_der).unwrap();
        let x509_parser::public_key::PublicKey::RSA(rsa) = cert.public_key().parsed().unwrap()
        else {
            panic!("uploaded certificate is not RSA")
        };
        Arc::new(FakeOrg {
            audience: PRODUCTION_AUDIENCE.to_string(),
            uploaded_n: rsa.modulus[rsa.modulus.iter().take_while(|b| **b == 0).count()..].to_vec(),
            uploaded_e: rsa.exponent.to_vec(),
            issued: AtomicUsize::new(0),
            tokens: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// Serves the org over TLS with the PKI's server certificate (`mtls`: a client certificate
    /// from the test CA is required).
    pub fn start(self: &Arc<Self>, pki: &TestPki, mtls: bool) -> TestServer {
        let org = self.clone();
        let config = if mtls {
            pki.mtls_server_config()
        } else {
            pki.server_config()
        };
        TestServer::start(config, Arc::new(move |r| org.token(r)))
    }

    fn token(&self, req: &Request) -> Response {
        if req.path != "/services/oauth2/token" || req.method != "POST" {
            return Response::json(404, &serde_json::json!({"error": "not_found"}));
        }
        let form = req.form();
        if form.get("grant_type").map(String::as_str)
            != Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            return oauth_error("unsupported_grant_type", "grant type not supported");
        }
        let Some(assertion) = form.get("assertion") else {
            return oauth_error("invalid_request", "assertion missing");
        };
        let Some(unverified) =
            jsonwebtoken::dangerous::insecure_decode_claims::<serde_json::Value>(assertion)
                .ok()
                .and_then(|c| Claims::from_json(&c))
        else {
            return oauth_error("invalid_grant", "invalid assertion");
        };
        if unverified.iss != CONSUMER_KEY {
            return oauth_error("invalid_client_id", "client identifier invalid");
        }
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims = std::collections::HashSet::new();
        let key =
            jsonwebtoken::DecodingKey::from_rsa_raw_components(&self.uploaded_n, &self.uploaded_e);
        let Some(claims) = jsonwebtoken::decode::<serde_json::Value>(assertion, &key, &validation)
            .ok()
            .and_then(|d| Claims::from_json(&d.claims))
        else {
            return oauth_error("invalid_grant", "invalid assertion");
        };
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
        if claims.sub != USER {
            return oauth_error("invalid_grant", "user hasn't approved this consumer");
        }
        let n = self.issued.fetch_add(1, Ordering::SeqCst);
        let token = format!("00DCLI000000001!AQ{n:04}xSECRETxTOKENxVALUEx{now}");
        self.tokens.lock().unwrap().push(token.clone());
        Response::json(
            200,
            &serde_json::json!({
                "access_token": token,
                "instance_url": "https://acme.my.salesforce.com",
                "id": "https://login.salesforce.com/id/00DCLI000000001AAA/005CLI000000001AAA",
                "scope": "api",
                "token_type": "Bearer",
                "issued_at": format!("{now}000"),
                "signature": "c2lnbmF0dXJl",
                "unexpected": {"nested": [1, 2, 3]}
            }),
        )
    }
}
