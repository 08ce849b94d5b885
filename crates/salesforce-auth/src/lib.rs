//! # salesforce-auth
//!
//! A Salesforce OAuth client library: the OAuth 2.0 JWT bearer flow, mutual TLS, private keys,
//! keystores and certificates. It holds no audit logic; `intguard` builds its commands
//! (`intguard token`, `intguard keys new|inspect`) and rules (IG112) on top of it.
//!
//! ## Modules
//!
//! | module | what it does |
//! | --- | --- |
//! | [`audience`] | default JWT audience from the login URL (production, sandbox), override |
//! | [`jwt`] | build and sign the RS256 assertion (`iss`, `sub`, `aud`, `exp` ≤ now + 180 s) |
//! | [`keys`] | load an RSA private key from PKCS#1, PKCS#8, encrypted PKCS#8 PEM, PKCS#12 and JKS; key-file permission check; secret-file writing |
//! | [`certs`] | inspect certificates in PEM, DER, PKCS#12 and JKS; generate a self-signed certificate and key |
//! | [`transport`] | HTTPS-only client (rustls, TLS 1.2+), system roots plus an extra CA, mutual TLS, port 8443 rule |
//! | [`token`] | the token request, the token response and a typed, actionable [`AuthError`] |
//! | [`rest`] | authenticated REST calls on `instance_url`, re-authenticating once on 401 |
//!
//! ## Example
//!
//! ```no_run
//! use salesforce_auth::{request_token, PrivateKeySource, TlsOptions, TokenRequest};
//!
//! let request = TokenRequest {
//!     login_url: "https://login.salesforce.com".into(),
//!     client_id: "3MVG9...".into(),
//!     username: "integration@example.com".into(),
//!     key: PrivateKeySource::key_file("server.key"),
//!     audience: None,
//! };
//! let token = request_token(&request, &TlsOptions::default())?;
//! println!("{} {}", token.instance_url, token.masked_access_token());
//! # Ok::<(), salesforce_auth::AuthError>(())
//! ```
//!
//! ## Secrets
//!
//! Private keys are held in zeroizing buffers and dropped as soon as the assertion is signed.
//! No `Debug` or `Display` implementation of this crate prints an access token, a password or
//! key material: tokens are shown through [`mask_token`].
//!
//! ## Crypto
//!
//! One backend, `aws-lc-rs`, serves rustls (and so ureq), `jsonwebtoken` and `rcgen`.

pub mod audience;
pub mod certs;
pub mod files;
pub mod jwt;
pub mod keys;
pub mod rest;
pub mod token;
pub mod transport;

pub use audience::{default_audience, resolve_audience, PRODUCTION_AUDIENCE, SANDBOX_AUDIENCE};
pub use certs::{
    generate_self_signed, inspect, inspect_file, CertError, CertificateInfo, GeneratedCredentials,
    KeyType,
};
pub use keys::{check_key_file_mode, KeyError, PrivateKey, PrivateKeySource};
pub use rest::{ApiUsage, RestClient, RestError, RestResponse, TokenProvider};
pub use token::{request_token, AuthError, AuthErrorKind, TokenRequest, TokenResponse};
pub use transport::{ClientIdentitySource, HttpsClient, TlsOptions, TransportError};

/// Re-exported so callers can build secrets without naming the `secrecy` crate.
pub use secrecy::{ExposeSecret, SecretString};

/// Masks a token for display: its first 4 characters, then `…(length)`, then the first 8 hex
/// digits of its SHA-256 (the fingerprint a scan shows for the same token, so that a token found
/// in a file can be told to be this one, or not, without showing either).
///
/// Tokens shorter than 16 characters show no characters at all, since 4 of them would be too
/// large a share of the secret.
///
/// ```
/// assert_eq!(
///     salesforce_auth::mask_token("00D5g000004ABCD!AQ0AQHk"),
///     "00D5…(23) sha256:d138984d"
/// );
/// assert_eq!(salesforce_auth::mask_token("short"), "…(5) sha256:f9b0078b");
/// ```
pub fn mask_token(token: &str) -> String {
    let len = token.chars().count();
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
    let fingerprint: String = digest
        .as_ref()
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect();
    if len < 16 {
        return format!("…({len}) sha256:{fingerprint}");
    }
    let head: String = token.chars().take(4).collect();
    format!("{head}…({len}) sha256:{fingerprint}")
}

/// Text a server sent, made safe to print on a terminal: control characters
/// (escape sequences, carriage returns, line breaks) are written as escapes
/// (`\u{1b}`), so that an answer cannot recolour, clear or retitle the
/// terminal, or forge lines of output.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::mask_token;

    #[test]
    fn server_text_is_printable() {
        assert_eq!(
            super::printable("bad\u{1b}[2J\r\nerror: forged\u{7} é"),
            "bad\\u{1b}[2J\\r\\nerror: forged\\u{7} é"
        );
    }

    #[test]
    fn masks_tokens() {
        // The fingerprints: Python's hashlib.sha256(token).hexdigest()[:8].
        assert_eq!(
            mask_token("00Dxx0000001gPL!AR8AQJXg"),
            "00Dx…(24) sha256:69d642b6"
        );
        assert_eq!(mask_token(""), "…(0) sha256:e3b0c442");
        assert_eq!(mask_token("abcdefghijklmno"), "…(15) sha256:41c7760c");
        assert_eq!(mask_token("ééééééééééééééééé"), "éééé…(17) sha256:b9d7a286");
    }
}
