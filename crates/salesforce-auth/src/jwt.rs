//! The JWT bearer assertion: header `{"alg":"RS256","typ":"JWT"}`, claims `iss` (consumer key),
//! `sub` (username), `aud` (audience) and `exp` (at most 180 seconds ahead), signed RS256.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::keys::{KeyAlgorithm, PrivateKey};

/// Salesforce accepts an `exp` at most 3 minutes ahead.
pub const MAX_LIFETIME: Duration = Duration::from_secs(180);
/// The lifetime used by [`crate::token::request_token`]: 150 s leaves room for small clock skew.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(150);
/// Smallest RSA key Salesforce (and this crate) signs with.
pub const MIN_RSA_BITS: u32 = 2048;

/// The assertion's claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Consumer key of the connected app / external client app.
    pub iss: String,
    /// Username of the integration user.
    pub sub: String,
    /// Audience: `https://login.salesforce.com`, `https://test.salesforce.com`, ...
    pub aud: String,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
}

/// Errors while signing. They never contain key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    #[error("the JWT bearer flow needs an RSA key, this key is {0}")]
    NotRsa(KeyAlgorithm),
    #[error("the RSA key has {0} bits; Salesforce needs 2048 bits or more: make a new key (`intguard keys new`) and upload its certificate")]
    KeyTooSmall(u32),
    #[error("the system clock is before 1970")]
    Clock,
    #[error("cannot sign the assertion: {0}")]
    Signing(String),
}

/// A signed assertion. `Debug` masks it.
#[derive(Clone)]
pub struct Assertion {
    jwt: SecretString,
    claims: Claims,
}

impl fmt::Debug for Assertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Assertion")
            .field("claims", &self.claims)
            .field("jwt", &crate::mask_token(self.jwt.expose_secret()))
            .finish()
    }
}

impl Assertion {
    /// The compact JWT (`header.claims.signature`), to send as `assertion=`.
    pub fn expose(&self) -> &str {
        self.jwt.expose_secret()
    }

    /// The signed claims.
    pub fn claims(&self) -> &Claims {
        &self.claims
    }
}

/// Signs `claims` RS256 with `key`.
pub fn sign(claims: &Claims, key: &PrivateKey) -> Result<Assertion, JwtError> {
    let bits = match key.algorithm() {
        KeyAlgorithm::Rsa { bits } => *bits,
        other => return Err(JwtError::NotRsa(other.clone())),
    };
    if bits < MIN_RSA_BITS {
        return Err(JwtError::KeyTooSmall(bits));
    }
    let der = key
        .rsa_pkcs1_der()
        .ok_or_else(|| JwtError::Signing("the RSA key cannot be read".into()))?;
    // EncodingKey zeroizes its copy on drop.
    let encoding_key = EncodingKey::from_rsa_der(der);
    let jwt = jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &encoding_key)
        .map_err(|e| JwtError::Signing(e.to_string()))?;
    Ok(Assertion {
        jwt: SecretString::from(jwt),
        claims: claims.clone(),
    })
}

/// Builds and signs an assertion expiring `lifetime` after now (clamped to 1..=180 seconds).
pub fn build_assertion(
    client_id: &str,
    username: &str,
    audience: &str,
    key: &PrivateKey,
    lifetime: Duration,
) -> Result<Assertion, JwtError> {
    build_assertion_at(
        client_id,
        username,
        audience,
        key,
        lifetime,
        SystemTime::now(),
    )
}

/// [`build_assertion`] with an explicit "now", for tests and clock-skew diagnostics.
pub fn build_assertion_at(
    client_id: &str,
    username: &str,
    audience: &str,
    key: &PrivateKey,
    lifetime: Duration,
    now: SystemTime,
) -> Result<Assertion, JwtError> {
    let lifetime = lifetime.clamp(Duration::from_secs(1), MAX_LIFETIME);
    let now = now
        .duration_since(UNIX_EPOCH)
        .map_err(|_| JwtError::Clock)?;
    let claims = Claims {
        iss: client_id.to_string(),
        sub: username.to_string(),
        aud: audience.to_string(),
        exp: (now + lifetime).as_secs(),
    };
    sign(&claims, key)
}
