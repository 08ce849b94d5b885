//! Private keys in every form users have them.
//!
//! * PEM: PKCS#1 (`BEGIN RSA PRIVATE KEY`), PKCS#8 (`BEGIN PRIVATE KEY`) and encrypted PKCS#8
//!   (`BEGIN ENCRYPTED PRIVATE KEY`, PBES2 with PBKDF2 or scrypt, AES or 3DES);
//! * DER of the same three;
//! * keystores: PKCS#12 (`.p12`, `.pfx`) and Java KeyStore (JKS), with an alias and passwords,
//!   as a Mule `jwt-connection` uses them.
//!
//! Every buffer holding key material is zeroized when dropped, and no `Debug` or `Display` of
//! this module prints key bytes or passwords. [`check_key_file_mode`] warns when a key file can
//! be read by group or others; [`write_secret_file`] writes files with mode 0600.

mod jks;
mod keystore;
mod pem_der;
mod pkcs12_out;
mod secret_files;
mod source;

pub(crate) use jks::{is_jceks, is_jks, parse as jks_parse, JksEntryKind};
pub(crate) use keystore::pkcs12_error_is_password;
pub(crate) use pem_der::{encrypt_pkcs8_pem, looks_like_pem};
pub(crate) use secret_files::read_secret_file;
pub use secret_files::{check_key_file_mode, write_secret_file, FileModeWarning};
pub use source::PrivateKeySource;

use std::fmt;
use std::io;
use std::path::PathBuf;

use pkcs8::der::asn1::ObjectIdentifier;
use pkcs8::PrivateKeyInfoRef;
use zeroize::Zeroizing;

/// rsaEncryption, 1.2.840.113549.1.1.1
pub(crate) const RSA_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ED25519_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const RSA_PSS_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

/// PBKDF2-HMAC-SHA256 rounds used when this crate encrypts a key (OWASP's recommendation).
pub const PBKDF2_ITERATIONS: u32 = 600_000;

/// The form a key was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFormat {
    /// `-----BEGIN RSA PRIVATE KEY-----`
    Pkcs1Pem,
    /// `-----BEGIN PRIVATE KEY-----`
    Pkcs8Pem,
    /// `-----BEGIN ENCRYPTED PRIVATE KEY-----`
    EncryptedPkcs8Pem,
    /// binary RSAPrivateKey
    Pkcs1Der,
    /// binary PrivateKeyInfo
    Pkcs8Der,
    /// binary EncryptedPrivateKeyInfo
    EncryptedPkcs8Der,
    /// PKCS#12 keystore (`.p12`, `.pfx`)
    Pkcs12,
    /// Java KeyStore
    Jks,
    /// generated in memory
    Generated,
}

impl fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyFormat::Pkcs1Pem => "PKCS#1 PEM",
            KeyFormat::Pkcs8Pem => "PKCS#8 PEM",
            KeyFormat::EncryptedPkcs8Pem => "encrypted PKCS#8 PEM",
            KeyFormat::Pkcs1Der => "PKCS#1 DER",
            KeyFormat::Pkcs8Der => "PKCS#8 DER",
            KeyFormat::EncryptedPkcs8Der => "encrypted PKCS#8 DER",
            KeyFormat::Pkcs12 => "PKCS#12 keystore",
            KeyFormat::Jks => "JKS keystore",
            KeyFormat::Generated => "generated",
        })
    }
}

/// The algorithm of a private key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// RSA with its modulus size in bits.
    Rsa { bits: u32 },
    /// Elliptic curve (id-ecPublicKey).
    Ec,
    /// Ed25519.
    Ed25519,
    /// Anything else, by OID.
    Other(String),
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyAlgorithm::Rsa { bits } => write!(f, "RSA {bits} bits"),
            KeyAlgorithm::Ec => f.write_str("EC"),
            KeyAlgorithm::Ed25519 => f.write_str("Ed25519"),
            KeyAlgorithm::Other(oid) if oid == &RSA_PSS_OID.to_string() => {
                f.write_str("RSASSA-PSS")
            }
            KeyAlgorithm::Other(oid) => write!(f, "algorithm {oid}"),
        }
    }
}

/// Errors while reading a private key. Messages name the file or keystore and the fix, never
/// key material or passwords.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{what} is larger than 16 MiB: not a key file")]
    TooLarge { what: String },
    #[error("no private key found in {what}")]
    NoPrivateKey { what: String },
    #[error("{what} is encrypted: a password is needed (give it through an environment variable or the prompt)")]
    PasswordRequired { what: String },
    #[error("wrong password for {what} (or the file is corrupt)")]
    WrongPassword { what: String },
    #[error("{what} uses traditional OpenSSL encryption (Proc-Type: 4,ENCRYPTED), which is not supported; convert it to encrypted PKCS#8 with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD.pem -out NEW.pem`")]
    LegacyEncryptedPem { what: String },
    #[error("{what} is encrypted with an unsupported scheme ({detail}); re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`")]
    UnsupportedEncryption { what: String, detail: String },
    #[error("{what} is not in a supported format: {detail}")]
    UnsupportedFormat { what: String, detail: String },
    #[error("{what} is malformed: {detail}")]
    Malformed { what: String, detail: String },
    #[error("the key in {what} is {algorithm}, but the Salesforce JWT bearer flow needs an RSA key (2048 bits or more)")]
    NotRsa {
        what: String,
        algorithm: KeyAlgorithm,
    },
    #[error("alias `{alias}` is not a private-key entry of {what}; private-key aliases there: {}", list_or_none(.available))]
    AliasNotFound {
        what: String,
        alias: String,
        available: Vec<String>,
    },
    #[error("{what} holds several private keys; choose one with an alias: {}", list_or_none(.available))]
    AliasRequired {
        what: String,
        available: Vec<String>,
    },
    #[error("cannot encrypt the key: {detail}")]
    Encrypt { detail: String },
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_string()
    } else {
        items.join(", ")
    }
}

/// A private key, held as PKCS#8 DER in a zeroizing buffer.
///
/// `Debug` shows the format, algorithm and alias only.
#[derive(Clone)]
pub struct PrivateKey {
    pkcs8: Zeroizing<Vec<u8>>,
    algorithm: KeyAlgorithm,
    format: KeyFormat,
    alias: Option<String>,
    chain: Vec<Vec<u8>>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("format", &self.format)
            .field("algorithm", &self.algorithm)
            .field("alias", &self.alias)
            .field("certificates", &self.chain.len())
            .field("key", &"<redacted>")
            .finish()
    }
}

impl PrivateKey {
    /// The key's algorithm (and size for RSA).
    pub fn algorithm(&self) -> &KeyAlgorithm {
        &self.algorithm
    }

    /// RSA modulus size in bits, `None` for other algorithms.
    pub fn rsa_bits(&self) -> Option<u32> {
        match self.algorithm {
            KeyAlgorithm::Rsa { bits } => Some(bits),
            _ => None,
        }
    }

    /// The form the key was read from.
    pub fn format(&self) -> KeyFormat {
        self.format
    }

    /// The keystore alias it was read under.
    pub fn alias(&self) -> Option<&str> {
        self.alias.as_deref()
    }

    /// Certificates stored with the key (keystore chain, or certificates in the same PEM), DER.
    pub fn certificate_chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    /// The key as PKCS#8 DER. Handle with care: the buffer is zeroized on drop.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The RSA key as PKCS#1 DER (what RS256 signing takes); `None` for other algorithms.
    pub(crate) fn rsa_pkcs1_der(&self) -> Option<&[u8]> {
        if !matches!(self.algorithm, KeyAlgorithm::Rsa { .. }) {
            return None;
        }
        PrivateKeyInfoRef::try_from(self.pkcs8.as_slice())
            .ok()
            .map(|info| info.private_key.as_bytes())
    }

    /// The RSA modulus (big-endian, no leading zeros).
    pub(crate) fn rsa_modulus(&self) -> Option<Vec<u8>> {
        let der = self.rsa_pkcs1_der()?;
        let key = pkcs1::RsaPrivateKey::<pkcs1::UintRef<'_>>::try_from(der).ok()?;
        Some(key.modulus.as_bytes().to_vec())
    }

    /// True when `certificate_der`'s public key is this key's (RSA keys only; `None` when it
    /// cannot be told).
    pub fn matches_certificate(&self, certificate_der: &[u8]) -> Option<bool> {
        let modulus = self.rsa_modulus()?;
        let cert_modulus = crate::certs::rsa_modulus_of_certificate(certificate_der)?;
        Some(modulus == cert_modulus)
    }

    pub(crate) fn set_format(&mut self, format: KeyFormat) {
        self.format = format;
    }
}
