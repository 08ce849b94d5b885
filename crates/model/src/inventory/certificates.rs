use serde::Serialize;

use crate::location::Location;

/// The container a certificate was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertificateSource {
    /// A `-----BEGIN CERTIFICATE-----` block in a text file.
    Pem,
    /// A binary X.509 certificate (`.der`, `.cer`, `.crt`).
    Der,
    /// A Java keystore (JKS or JCEKS): certificates are readable without its
    /// password.
    Jks,
    /// A PKCS#12 keystore (`.p12`, `.pfx`), readable because its password is
    /// committed in clear next to it.
    Pkcs12,
    /// A PKCS#12 keystore readable without a password (none, or the empty one).
    Pkcs12NoPassword,
    /// The `<certificate>` of a connected app or External Client App
    /// (`alias` holds the app's API name): the certificate Salesforce checks
    /// JWT bearer assertions against.
    OauthApp,
}

/// An X.509 certificate found in the repository. Public data only: no key
/// material, no password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateFacts {
    pub source: CertificateSource,
    /// The file; for PEM, the line of the certificate's `-----BEGIN` line,
    /// for binary files the whole file (line 0).
    pub location: Location,
    /// Keystore alias or PKCS#12 friendly name.
    pub alias: Option<String>,
    /// Position in the file (PEM, PKCS#12) or in the keystore entry's chain
    /// (0 = first, the leaf of a key entry).
    pub index: usize,
    /// Distinguished names, as `CN=..., O=...`.
    pub subject: String,
    pub issuer: String,
    /// `RSA`, `EC P-256`, `Ed25519`, `DSA`, ...
    pub key_type: String,
    /// Key size in bits (RSA modulus, EC field size), when known.
    pub key_bits: Option<u32>,
    /// Start and end of validity, seconds since the Unix epoch (UTC).
    pub not_before: i64,
    pub not_after: i64,
    pub self_signed: bool,
    pub is_ca: bool,
    /// SHA-256 of the DER, upper-case hex with colons.
    pub sha256_fingerprint: String,
    /// The certificate sits next to its private key (a keystore key entry, a
    /// PKCS#12 key's certificate, a PEM file that also holds a key).
    pub with_private_key: bool,
}

impl CertificateFacts {
    pub fn is_rsa(&self) -> bool {
        self.key_type == "RSA"
    }
}
