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

pub(crate) use jks::{is_jceks, is_jks, parse as jks_parse, JksEntryKind};

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pkcs8::der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef};
use pkcs8::der::Encode;
use pkcs8::{AlgorithmIdentifierRef, EncryptedPrivateKeyInfoRef, PrivateKeyInfoRef};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// rsaEncryption, 1.2.840.113549.1.1.1
pub(crate) const RSA_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ED25519_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const RSA_PSS_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

/// PBKDF2-HMAC-SHA256 rounds used when this crate encrypts a key (OWASP's recommendation).
pub const PBKDF2_ITERATIONS: u32 = 600_000;

/// Largest key or keystore file read, to refuse mistakes like pointing at a disk image.
const MAX_KEY_FILE: u64 = 16 * 1024 * 1024;

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
    /// Builds a key from unencrypted PKCS#8 `PrivateKeyInfo` DER.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        Self::from_pkcs8(der, KeyFormat::Pkcs8Der, "the key")
    }

    /// Builds a key from PKCS#1 `RSAPrivateKey` DER.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        Self::from_pkcs1(der, KeyFormat::Pkcs1Der, "the key")
    }

    fn from_pkcs8(der: &[u8], format: KeyFormat, what: &str) -> Result<Self, KeyError> {
        let info = PrivateKeyInfoRef::try_from(der).map_err(|e| KeyError::Malformed {
            what: what.to_string(),
            detail: format!("not a PKCS#8 private key ({e})"),
        })?;
        let oid = info.algorithm.oid;
        let algorithm = if oid == RSA_OID {
            let bits =
                rsa_bits(info.private_key.as_bytes()).ok_or_else(|| KeyError::Malformed {
                    what: what.to_string(),
                    detail: "the RSA key inside the PKCS#8 structure cannot be parsed".into(),
                })?;
            KeyAlgorithm::Rsa { bits }
        } else if oid == EC_OID {
            KeyAlgorithm::Ec
        } else if oid == ED25519_OID {
            KeyAlgorithm::Ed25519
        } else {
            KeyAlgorithm::Other(oid.to_string())
        };
        Ok(PrivateKey {
            pkcs8: Zeroizing::new(der.to_vec()),
            algorithm,
            format,
            alias: None,
            chain: Vec::new(),
        })
    }

    fn from_pkcs1(der: &[u8], format: KeyFormat, what: &str) -> Result<Self, KeyError> {
        let bits = rsa_bits(der).ok_or_else(|| KeyError::Malformed {
            what: what.to_string(),
            detail: "not a PKCS#1 RSA private key".into(),
        })?;
        let pkcs8 = wrap_pkcs1(der).map_err(|detail| KeyError::Malformed {
            what: what.to_string(),
            detail,
        })?;
        Ok(PrivateKey {
            pkcs8,
            algorithm: KeyAlgorithm::Rsa { bits },
            format,
            alias: None,
            chain: Vec::new(),
        })
    }

    /// Reads the first private key of a PEM text: PKCS#1, PKCS#8 or encrypted PKCS#8 (which
    /// needs `password`). Certificates in the same text become [`PrivateKey::certificate_chain`].
    pub fn from_pem(pem_text: &[u8], password: Option<&str>) -> Result<Self, KeyError> {
        Self::from_pem_named(pem_text, password, "the PEM text")
    }

    fn from_pem_named(
        pem_text: &[u8],
        password: Option<&str>,
        what: &str,
    ) -> Result<Self, KeyError> {
        let blocks = pem::parse_many(pem_text).map_err(|e| KeyError::Malformed {
            what: what.to_string(),
            detail: format!("invalid PEM ({e})"),
        })?;
        let mut chain = Vec::new();
        let mut key: Option<PrivateKey> = None;
        for block in blocks {
            let tag = block.tag().to_string();
            let legacy_encrypted = block
                .headers()
                .get("Proc-Type")
                .is_some_and(|v| v.contains("ENCRYPTED"));
            let contents = Zeroizing::new(block.into_contents());
            match tag.as_str() {
                "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                    chain.push(contents.to_vec())
                }
                _ if key.is_some() => {}
                "RSA PRIVATE KEY" if legacy_encrypted => {
                    return Err(KeyError::LegacyEncryptedPem {
                        what: what.to_string(),
                    })
                }
                "RSA PRIVATE KEY" => {
                    key = Some(Self::from_pkcs1(&contents, KeyFormat::Pkcs1Pem, what)?)
                }
                "PRIVATE KEY" => {
                    key = Some(Self::from_pkcs8(&contents, KeyFormat::Pkcs8Pem, what)?)
                }
                "ENCRYPTED PRIVATE KEY" => {
                    key = Some(Self::from_encrypted_pkcs8(
                        &contents,
                        password,
                        KeyFormat::EncryptedPkcs8Pem,
                        what,
                    )?)
                }
                "EC PRIVATE KEY" if legacy_encrypted => {
                    return Err(KeyError::LegacyEncryptedPem {
                        what: what.to_string(),
                    })
                }
                "EC PRIVATE KEY" => {
                    return Err(KeyError::UnsupportedFormat {
                        what: what.to_string(),
                        detail: "SEC1 EC keys are not read; convert with `openssl pkcs8 -topk8 -nocrypt -in KEY.pem -out KEY.p8.pem`".into(),
                    })
                }
                "OPENSSH PRIVATE KEY" => {
                    return Err(KeyError::UnsupportedFormat {
                        what: what.to_string(),
                        detail: "this is an OpenSSH key; Salesforce needs an RSA key in PEM (PKCS#1 or PKCS#8) with a matching X.509 certificate".into(),
                    })
                }
                _ => {}
            }
        }
        let mut key = key.ok_or_else(|| KeyError::NoPrivateKey {
            what: what.to_string(),
        })?;
        key.chain = chain;
        Ok(key)
    }

    fn from_encrypted_pkcs8(
        der: &[u8],
        password: Option<&str>,
        format: KeyFormat,
        what: &str,
    ) -> Result<Self, KeyError> {
        let info = EncryptedPrivateKeyInfoRef::try_from(der).map_err(|e| {
            KeyError::UnsupportedEncryption {
                what: what.to_string(),
                detail: e.to_string(),
            }
        })?;
        let password = password.ok_or_else(|| KeyError::PasswordRequired {
            what: what.to_string(),
        })?;
        let plain = info.decrypt(password.as_bytes()).map_err(|e| match e {
            pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::UnsupportedAlgorithm {
                oid,
            }) => KeyError::UnsupportedEncryption {
                what: what.to_string(),
                detail: format!("algorithm {oid}"),
            },
            pkcs8::Error::EncryptedPrivateKey(
                pkcs8::pkcs5::Error::AlgorithmParametersInvalid { oid },
            ) => KeyError::UnsupportedEncryption {
                what: what.to_string(),
                detail: format!("parameters of algorithm {oid}"),
            },
            _ => KeyError::WrongPassword {
                what: what.to_string(),
            },
        })?;
        Self::from_pkcs8(plain.as_bytes(), format, what).map_err(|_| KeyError::WrongPassword {
            what: what.to_string(),
        })
    }

    /// Reads a binary (DER) key: PKCS#8, PKCS#1 or encrypted PKCS#8 (with `password`).
    pub fn from_der(der: &[u8], password: Option<&str>) -> Result<Self, KeyError> {
        Self::from_der_named(der, password, "the key")
    }

    fn from_der_named(der: &[u8], password: Option<&str>, what: &str) -> Result<Self, KeyError> {
        if PrivateKeyInfoRef::try_from(der).is_ok() {
            return Self::from_pkcs8(der, KeyFormat::Pkcs8Der, what);
        }
        if rsa_bits(der).is_some() {
            return Self::from_pkcs1(der, KeyFormat::Pkcs1Der, what);
        }
        if EncryptedPrivateKeyInfoRef::try_from(der).is_ok() {
            return Self::from_encrypted_pkcs8(der, password, KeyFormat::EncryptedPkcs8Der, what);
        }
        Err(KeyError::UnsupportedFormat {
            what: what.to_string(),
            detail: "neither PEM nor a DER PKCS#1/PKCS#8 key (for a .p12/.pfx/.jks file use the keystore options)".into(),
        })
    }

    /// Reads a key file's bytes: PEM or DER, auto-detected.
    pub fn from_key_bytes(bytes: &[u8], password: Option<&str>) -> Result<Self, KeyError> {
        Self::from_key_bytes_named(bytes, password, "the key")
    }

    fn from_key_bytes_named(
        bytes: &[u8],
        password: Option<&str>,
        what: &str,
    ) -> Result<Self, KeyError> {
        if looks_like_pem(bytes) {
            Self::from_pem_named(bytes, password, what)
        } else if is_jks(bytes) || is_jceks(bytes) {
            Err(KeyError::UnsupportedFormat {
                what: what.to_string(),
                detail: "this is a Java keystore: use the keystore options (file, alias, password)"
                    .into(),
            })
        } else {
            Self::from_der_named(bytes, password, what)
        }
    }

    /// Reads the private key `alias` (or the only one when `alias` is `None`) from a JKS or
    /// PKCS#12 keystore, detected from its content.
    ///
    /// `key_password` defaults to `store_password` (JKS keys may have their own password;
    /// PKCS#12 uses one password for everything, so it is ignored there).
    pub fn from_keystore(
        bytes: &[u8],
        alias: Option<&str>,
        store_password: &str,
        key_password: Option<&str>,
    ) -> Result<Self, KeyError> {
        Self::from_keystore_named(bytes, alias, store_password, key_password, "the keystore")
    }

    fn from_keystore_named(
        bytes: &[u8],
        alias: Option<&str>,
        store_password: &str,
        key_password: Option<&str>,
        what: &str,
    ) -> Result<Self, KeyError> {
        if is_jceks(bytes) {
            return Err(KeyError::UnsupportedFormat {
                what: what.to_string(),
                detail: "JCEKS keystores are not read; convert with `keytool -importkeystore -srcstoretype JCEKS -deststoretype PKCS12`".into(),
            });
        }
        if is_jks(bytes) {
            return read_jks_key(bytes, alias, store_password, key_password, what);
        }
        read_pkcs12_key(bytes, alias, store_password, what)
    }

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

    /// PKCS#8 PEM (`BEGIN PRIVATE KEY`), zeroized on drop.
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        let block = pem::Pem::new("PRIVATE KEY", self.pkcs8.to_vec());
        let out = Zeroizing::new(pem::encode_config(
            &block,
            pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
        ));
        let mut contents = block.into_contents();
        zeroize::Zeroize::zeroize(&mut contents);
        out
    }

    /// Encrypted PKCS#8 PEM (`BEGIN ENCRYPTED PRIVATE KEY`): PBES2, PBKDF2-HMAC-SHA256 with
    /// [`PBKDF2_ITERATIONS`] rounds, AES-256-CBC. OpenSSL, Java and this crate read it.
    pub fn to_encrypted_pkcs8_pem(&self, password: &str) -> Result<String, KeyError> {
        encrypt_pkcs8_pem(&self.pkcs8, password, PBKDF2_ITERATIONS)
    }

    pub(crate) fn set_format(&mut self, format: KeyFormat) {
        self.format = format;
    }
}

pub(crate) fn encrypt_pkcs8_pem(
    pkcs8_der: &[u8],
    password: &str,
    iterations: u32,
) -> Result<String, KeyError> {
    let err = |e: &dyn fmt::Display| KeyError::Encrypt {
        detail: e.to_string(),
    };
    if password.is_empty() {
        return Err(KeyError::Encrypt {
            detail: "the password is empty".into(),
        });
    }
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    aws_lc_rs::rand::fill(&mut salt).map_err(|_| err(&"no randomness"))?;
    aws_lc_rs::rand::fill(&mut iv).map_err(|_| err(&"no randomness"))?;
    let params =
        pkcs8::pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(iterations, &salt, iv)
            .map_err(|e| err(&e))?;
    let info = PrivateKeyInfoRef::try_from(pkcs8_der).map_err(|e| err(&e))?;
    let doc = info
        .encrypt_with_params(params, password.as_bytes())
        .map_err(|e| err(&e))?;
    Ok(pem::encode_config(
        &pem::Pem::new("ENCRYPTED PRIVATE KEY", doc.as_bytes().to_vec()),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    ))
}

fn wrap_pkcs1(pkcs1: &[u8]) -> Result<Zeroizing<Vec<u8>>, String> {
    let key = OctetStringRef::new(pkcs1).map_err(|e| e.to_string())?;
    let info = PrivateKeyInfoRef::new(
        AlgorithmIdentifierRef {
            oid: RSA_OID,
            parameters: Some(AnyRef::NULL),
        },
        key,
    );
    let mut out = Zeroizing::new(Vec::new());
    info.encode_to_vec(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Modulus size of a PKCS#1 RSAPrivateKey, `None` when it does not parse.
fn rsa_bits(pkcs1: &[u8]) -> Option<u32> {
    let key = pkcs1::RsaPrivateKey::<pkcs1::UintRef<'_>>::try_from(pkcs1).ok()?;
    Some(bit_length(key.modulus.as_bytes()))
}

pub(crate) fn bit_length(big_endian: &[u8]) -> u32 {
    let stripped: &[u8] = {
        let first = big_endian
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(big_endian.len());
        &big_endian[first..]
    };
    match stripped.first() {
        None => 0,
        Some(b) => (stripped.len() as u32 - 1) * 8 + (8 - b.leading_zeros()),
    }
}

pub(crate) fn looks_like_pem(bytes: &[u8]) -> bool {
    let probe = &bytes[..bytes.len().min(64 * 1024)];
    probe.windows(11).any(|w| w == b"-----BEGIN ")
}

fn read_jks_key(
    bytes: &[u8],
    alias: Option<&str>,
    store_password: &str,
    key_password: Option<&str>,
    what: &str,
) -> Result<PrivateKey, KeyError> {
    let store = jks::parse(bytes, Some(store_password)).map_err(|e| match e {
        jks::JksError::IntegrityCheckFailed => KeyError::WrongPassword {
            what: format!("{what} (store password)"),
        },
        other => KeyError::Malformed {
            what: what.to_string(),
            detail: other.to_string(),
        },
    })?;
    type KeyEntry<'a> = (&'a str, &'a [u8], &'a [Vec<u8>]);
    let keys: Vec<KeyEntry<'_>> = store
        .entries
        .iter()
        .filter_map(|e| match &e.kind {
            jks::JksEntryKind::PrivateKey { protected, chain } => {
                Some((e.alias.as_str(), protected.as_slice(), chain.as_slice()))
            }
            jks::JksEntryKind::TrustedCertificate(_) => None,
        })
        .collect();
    let available: Vec<String> = keys.iter().map(|k| k.0.to_string()).collect();
    let (found_alias, protected, chain) = pick_alias(&keys, alias, &available, what, |k| k.0)?;
    let password = key_password.unwrap_or(store_password);
    let plain = jks::decrypt_key(protected, password).map_err(|e| match e {
        jks::JksError::WrongKeyPassword => KeyError::WrongPassword {
            what: format!("key `{found_alias}` in {what} (key password)"),
        },
        jks::JksError::UnsupportedKeyProtection => KeyError::UnsupportedEncryption {
            what: format!("key `{found_alias}` in {what}"),
            detail: e.to_string(),
        },
        other => KeyError::Malformed {
            what: what.to_string(),
            detail: other.to_string(),
        },
    })?;
    let mut key = PrivateKey::from_pkcs8(&plain, KeyFormat::Jks, what)?;
    key.alias = Some(found_alias.to_string());
    key.chain = chain.to_vec();
    Ok(key)
}

fn pick_alias<'k, T>(
    keys: &'k [T],
    alias: Option<&str>,
    available: &[String],
    what: &str,
    name: impl Fn(&T) -> &str,
) -> Result<&'k T, KeyError> {
    match alias {
        // Java lower-cases JKS aliases; PKCS#12 friendly names keep their case: compare both ways.
        Some(a) => keys
            .iter()
            .find(|k| name(k) == a)
            .or_else(|| keys.iter().find(|k| name(k).eq_ignore_ascii_case(a)))
            .ok_or_else(|| KeyError::AliasNotFound {
                what: what.to_string(),
                alias: a.to_string(),
                available: available.to_vec(),
            }),
        None => match keys {
            [] => Err(KeyError::NoPrivateKey {
                what: what.to_string(),
            }),
            [only] => Ok(only),
            _ => Err(KeyError::AliasRequired {
                what: what.to_string(),
                available: available.to_vec(),
            }),
        },
    }
}

pub(crate) fn pkcs12_error_is_password(e: &p12_keystore::error::Error) -> bool {
    matches!(
        e,
        p12_keystore::error::Error::MacError(_)
            | p12_keystore::error::Error::UnpadError
            | p12_keystore::error::Error::Pkcs5Error(_)
    )
}

fn read_pkcs12_key(
    bytes: &[u8],
    alias: Option<&str>,
    password: &str,
    what: &str,
) -> Result<PrivateKey, KeyError> {
    let archive = p12_keystore::Pkcs12Archive::from_pkcs12(bytes, password).map_err(|e| {
        if pkcs12_error_is_password(&e) {
            KeyError::WrongPassword {
                what: what.to_string(),
            }
        } else {
            KeyError::UnsupportedFormat {
                what: what.to_string(),
                detail: format!("neither a JKS nor a readable PKCS#12 keystore ({e})"),
            }
        }
    })?;
    let names: Vec<String> = archive
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            k.friendly_name
                .clone()
                .unwrap_or_else(|| format!("#{}", i + 1))
        })
        .collect();
    let indexed: Vec<(usize, &str)> = names.iter().map(String::as_str).enumerate().collect();
    let &(index, name) = pick_alias(&indexed, alias, &names, what, |k| k.1)?;
    let bag = &archive.keys[index];
    let mut key = PrivateKey::from_pkcs8(bag.key.as_der(), KeyFormat::Pkcs12, what)?;
    key.alias = Some(name.to_string());
    // The certificate for the key shares its localKeyId; otherwise match by public key.
    let mut chain: Vec<Vec<u8>> = Vec::new();
    if let Some(id) = &bag.local_key_id {
        if let Some(c) = archive
            .certs
            .iter()
            .find(|c| c.local_key_id.as_deref() == Some(id.0.as_slice()))
        {
            chain.push(c.cert.as_der().to_vec());
        }
    }
    if chain.is_empty() {
        if let Some(c) = archive
            .certs
            .iter()
            .find(|c| key.matches_certificate(c.cert.as_der()) == Some(true))
        {
            chain.push(c.cert.as_der().to_vec());
        }
    }
    key.chain = chain;
    Ok(key)
}

/// Where to read the JWT signing key from.
///
/// `Debug` never shows passwords or PEM text.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum PrivateKeySource {
    /// A key file: PEM (PKCS#1, PKCS#8, encrypted PKCS#8) or DER, detected from its content.
    KeyFile {
        path: PathBuf,
        /// Needed for encrypted PKCS#8.
        password: Option<SecretString>,
    },
    /// PEM text in memory (e.g. from a secret store).
    Pem {
        pem: SecretString,
        password: Option<SecretString>,
    },
    /// A JKS or PKCS#12 keystore (detected from its content).
    Keystore {
        path: PathBuf,
        /// The private-key entry; may be omitted when the keystore holds exactly one key.
        alias: Option<String>,
        store_password: SecretString,
        /// JKS key password when it differs from the store password.
        key_password: Option<SecretString>,
    },
    /// A key already loaded.
    Loaded(Arc<PrivateKey>),
}

impl PrivateKeySource {
    /// A key file without password.
    pub fn key_file(path: impl Into<PathBuf>) -> Self {
        PrivateKeySource::KeyFile {
            path: path.into(),
            password: None,
        }
    }

    /// The file this source reads, if any (for [`check_key_file_mode`]).
    pub fn path(&self) -> Option<&Path> {
        match self {
            PrivateKeySource::KeyFile { path, .. } | PrivateKeySource::Keystore { path, .. } => {
                Some(path)
            }
            PrivateKeySource::Pem { .. } | PrivateKeySource::Loaded(_) => None,
        }
    }

    /// A short description for messages: the path and alias, never secrets.
    pub fn describe(&self) -> String {
        match self {
            PrivateKeySource::KeyFile { path, .. } => format!("key file {}", path.display()),
            PrivateKeySource::Pem { .. } => "PEM key given in memory".to_string(),
            PrivateKeySource::Keystore { path, alias, .. } => match alias {
                Some(a) => format!("keystore {} (alias {a})", path.display()),
                None => format!("keystore {}", path.display()),
            },
            PrivateKeySource::Loaded(k) => format!("loaded {} key", k.format()),
        }
    }

    /// Loads the key.
    pub fn load(&self) -> Result<PrivateKey, KeyError> {
        match self {
            PrivateKeySource::KeyFile { path, password } => {
                let bytes = read_secret_file(path)?;
                let what = format!("key file {}", path.display());
                PrivateKey::from_key_bytes_named(
                    &bytes,
                    password.as_ref().map(|p| p.expose_secret()),
                    &what,
                )
            }
            PrivateKeySource::Pem { pem, password } => PrivateKey::from_pem_named(
                pem.expose_secret().as_bytes(),
                password.as_ref().map(|p| p.expose_secret()),
                "the PEM key",
            ),
            PrivateKeySource::Keystore {
                path,
                alias,
                store_password,
                key_password,
            } => {
                let bytes = read_secret_file(path)?;
                let what = format!("keystore {}", path.display());
                PrivateKey::from_keystore_named(
                    &bytes,
                    alias.as_deref(),
                    store_password.expose_secret(),
                    key_password.as_ref().map(|p| p.expose_secret()),
                    &what,
                )
            }
            PrivateKeySource::Loaded(key) => Ok((**key).clone()),
        }
    }
}

/// Reads a file that holds secrets into a zeroizing buffer.
pub(crate) fn read_secret_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    use std::io::Read;
    let io_err = |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let len = file.metadata().map_err(io_err)?.len();
    if len > MAX_KEY_FILE {
        return Err(KeyError::TooLarge {
            what: path.display().to_string(),
        });
    }
    let mut buf = Zeroizing::new(Vec::with_capacity(len as usize));
    file.take(MAX_KEY_FILE + 1)
        .read_to_end(&mut buf)
        .map_err(io_err)?;
    if buf.len() as u64 > MAX_KEY_FILE {
        return Err(KeyError::TooLarge {
            what: path.display().to_string(),
        });
    }
    Ok(buf)
}

/// A key file that group or other users can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileModeWarning {
    pub path: PathBuf,
    /// Permission bits, e.g. `0o644`.
    pub mode: u32,
}

impl fmt::Display for FileModeWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = match (self.mode & 0o070 != 0, self.mode & 0o007 != 0) {
            (true, true) => "its group and all other users",
            (true, false) => "its group",
            _ => "all other users",
        };
        write!(
            f,
            "{} can be accessed by {who} (mode {:04o}); restrict it with `chmod 600 {}`",
            self.path.display(),
            self.mode & 0o7777,
            self.path.display()
        )
    }
}

/// Checks a key file's Unix permissions: `Some(warning)` when group or others have any access.
/// Always `Ok(None)` on platforms without Unix modes.
pub fn check_key_file_mode(path: &Path) -> io::Result<Option<FileModeWarning>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            return Ok(Some(FileModeWarning {
                path: path.to_path_buf(),
                mode: mode & 0o7777,
            }));
        }
        Ok(None)
    }
    #[cfg(not(unix))]
    {
        let _ = std::fs::metadata(path)?;
        Ok(None)
    }
}

/// Writes `contents` to `path` with mode 0600 (owner read/write only on Unix). Refuses to replace
/// an existing file unless `overwrite`; when replacing, the mode is reset to 0600 too.
pub fn write_secret_file(path: &Path, contents: &[u8], overwrite: bool) -> io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if overwrite {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0, 0]), 0);
        assert_eq!(bit_length(&[1]), 1);
        assert_eq!(bit_length(&[0, 0x80, 0]), 16);
        assert_eq!(bit_length(&[0x7F, 0xFF]), 15);
    }

    #[test]
    fn pem_probe() {
        assert!(looks_like_pem(b"junk\n-----BEGIN PRIVATE KEY-----\n"));
        assert!(!looks_like_pem(&[0x30, 0x82, 1, 2]));
    }

    #[test]
    fn no_key_in_pem() {
        let err = PrivateKey::from_pem(
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            None,
        )
        .unwrap_err();
        assert!(matches!(err, KeyError::NoPrivateKey { .. }), "{err}");
    }
}
