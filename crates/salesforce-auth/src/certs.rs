//! X.509 certificates: inspection and generation.
//!
//! [`inspect`] reads PEM, DER, PKCS#12 and JKS (JCEKS: certificates only) and reports subject,
//! issuer, key type and size, validity and days left. JKS certificates need no password; a
//! PKCS#12 file does (an empty password is tried when none is given). [`inspect_file`] is the
//! same on a file, for `intguard keys inspect` and the certificate-health rule.
//!
//! [`generate_self_signed`] makes an RSA key (2048, 3072 or 4096 bits) and a self-signed
//! certificate to upload to a connected app or external client app.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use x509_parser::prelude::*;
use x509_parser::public_key::PublicKey;
use zeroize::Zeroizing;

use crate::keys::{self, KeyError, KeyFormat, PrivateKey};

/// Largest file [`inspect_file`] reads.
const MAX_CERT_FILE: u64 = 16 * 1024 * 1024;

/// Errors while reading or making certificates. They never contain key material or passwords.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is larger than 16 MiB: not a certificate file")]
    TooLarge { path: PathBuf },
    #[error("not a certificate file: neither PEM, DER X.509, PKCS#12 nor a Java keystore")]
    Unrecognized,
    #[error("malformed {format}: {detail}")]
    Malformed {
        format: CertFileFormat,
        detail: String,
    },
    #[error("this {format} is protected: a password is needed to read its certificates")]
    PasswordRequired { format: CertFileFormat },
    #[error("wrong password for this {format} (or the file is corrupt)")]
    WrongPassword { format: CertFileFormat },
    #[error("RSA key size {0} is not offered: choose 2048, 3072 or 4096")]
    UnsupportedKeySize(u32),
    #[error("validity of {0} days is not possible: choose 1 to 36500")]
    InvalidDays(u32),
    #[error("the common name must not be empty")]
    EmptyCommonName,
    #[error("cannot generate the certificate: {0}")]
    Generate(String),
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// The container a certificate file was found to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum CertFileFormat {
    Pem,
    Der,
    Pkcs12,
    Jks,
    Jceks,
}

impl fmt::Display for CertFileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CertFileFormat::Pem => "PEM file",
            CertFileFormat::Der => "DER certificate",
            CertFileFormat::Pkcs12 => "PKCS#12 keystore",
            CertFileFormat::Jks => "JKS keystore",
            CertFileFormat::Jceks => "JCEKS keystore",
        })
    }
}

/// Detects the container from the bytes: PEM text, JKS/JCEKS magic, else DER (a DER certificate
/// or a PKCS#12 file, told apart when parsed).
pub fn detect_format(bytes: &[u8]) -> Option<CertFileFormat> {
    if keys::is_jks(bytes) {
        Some(CertFileFormat::Jks)
    } else if keys::is_jceks(bytes) {
        Some(CertFileFormat::Jceks)
    } else if keys::looks_like_pem(bytes) {
        Some(CertFileFormat::Pem)
    } else if bytes.first() == Some(&0x30) {
        if parse_x509_certificate(bytes).is_ok_and(|(rest, _)| rest.is_empty()) {
            Some(CertFileFormat::Der)
        } else {
            Some(CertFileFormat::Pkcs12)
        }
    } else {
        None
    }
}

/// A certificate's public key type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum KeyType {
    Rsa,
    /// Elliptic curve, with the curve name when known (`P-256`, ...).
    Ec {
        curve: Option<String>,
    },
    Ed25519,
    Dsa,
    Other(String),
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyType::Rsa => f.write_str("RSA"),
            KeyType::Ec { curve: Some(c) } => write!(f, "EC {c}"),
            KeyType::Ec { curve: None } => f.write_str("EC"),
            KeyType::Ed25519 => f.write_str("Ed25519"),
            KeyType::Dsa => f.write_str("DSA"),
            KeyType::Other(o) => write!(f, "{o}"),
        }
    }
}

/// What `keys inspect` and rule IG112 need to know about a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateInfo {
    /// Keystore alias or PKCS#12 friendly name.
    pub alias: Option<String>,
    /// Position in its file or keystore entry chain (0 = first / leaf).
    pub index: usize,
    pub subject: String,
    pub issuer: String,
    /// Serial number, hex with colons.
    pub serial: String,
    pub key_type: KeyType,
    /// Key size in bits (RSA modulus, EC field size), when known.
    pub key_bits: Option<u32>,
    pub signature_algorithm: String,
    /// Start of validity, seconds since the Unix epoch (UTC).
    pub not_before: i64,
    /// End of validity, seconds since the Unix epoch (UTC).
    pub not_after: i64,
    pub self_signed: bool,
    pub is_ca: bool,
    /// SHA-256 of the DER, upper-case hex with colons.
    pub sha256_fingerprint: String,
    /// True when the certificate sits next to a private key: a keystore private-key entry, a
    /// PKCS#12 key's certificate, or a PEM file that also holds a private key.
    pub with_private_key: bool,
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl CertificateInfo {
    /// Parses one DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, CertError> {
        let (_, cert) = parse_x509_certificate(der).map_err(|e| CertError::Malformed {
            format: CertFileFormat::Der,
            detail: e.to_string(),
        })?;
        let spki = cert.public_key();
        let parsed = spki.parsed().ok();
        let alg_oid = spki.algorithm.algorithm.to_id_string();
        let key_type = match (&parsed, alg_oid.as_str()) {
            (Some(PublicKey::RSA(_)), _) | (_, "1.2.840.113549.1.1.1") => KeyType::Rsa,
            (Some(PublicKey::EC(_)), _) | (_, "1.2.840.10045.2.1") => KeyType::Ec {
                curve: spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.as_oid().ok())
                    .map(|o| curve_name(&o.to_id_string())),
            },
            (_, "1.3.101.112") => KeyType::Ed25519,
            (Some(PublicKey::DSA(_)), _) => KeyType::Dsa,
            _ => KeyType::Other(oid_name(&spki.algorithm.algorithm)),
        };
        let key_bits = match (&key_type, &parsed) {
            (KeyType::Ed25519, _) => Some(256),
            (_, Some(pk)) if pk.key_size() > 0 => Some(pk.key_size() as u32),
            _ => None,
        };
        let fingerprint = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der);
        Ok(CertificateInfo {
            alias: None,
            index: 0,
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            serial: cert.raw_serial_as_string(),
            key_type,
            key_bits,
            signature_algorithm: oid_name(&cert.signature_algorithm.algorithm),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
            is_ca: cert.is_ca(),
            sha256_fingerprint: hex_colon(fingerprint.as_ref()),
            with_private_key: false,
        })
    }

    /// Whole days until `not_after` from now (negative once expired).
    pub fn days_left(&self) -> i64 {
        self.days_left_at(now_unix())
    }

    /// Whole days until `not_after` from `now` (Unix seconds), rounded down.
    pub fn days_left_at(&self, now: i64) -> i64 {
        (self.not_after - now).div_euclid(86_400)
    }

    /// True once `not_after` has passed.
    pub fn is_expired(&self) -> bool {
        self.not_after < now_unix()
    }

    /// True before `not_before`.
    pub fn is_not_yet_valid(&self) -> bool {
        self.not_before > now_unix()
    }

    /// `not_before` as `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn not_before_utc(&self) -> String {
        format_utc(self.not_before)
    }

    /// `not_after` as `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn not_after_utc(&self) -> String {
        format_utc(self.not_after)
    }
}

impl fmt::Display for CertificateInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(alias) = &self.alias {
            writeln!(f, "alias:      {alias}")?;
        }
        writeln!(f, "subject:    {}", self.subject)?;
        writeln!(f, "issuer:     {}", self.issuer)?;
        match self.key_bits {
            Some(bits) => writeln!(f, "key:        {} {bits} bits", self.key_type)?,
            None => writeln!(f, "key:        {}", self.key_type)?,
        }
        writeln!(f, "valid from: {}", self.not_before_utc())?;
        let days = self.days_left();
        let left = if days < 0 {
            format!("expired {} days ago", -days)
        } else {
            format!("{days} days left")
        };
        write!(f, "valid to:   {} ({left})", self.not_after_utc())
    }
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_utc(unix: i64) -> String {
    match ::time::OffsetDateTime::from_unix_timestamp(unix) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => unix.to_string(),
    }
}

fn hex_colon(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn curve_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.3.1.7" => "P-256".into(),
        "1.3.132.0.34" => "P-384".into(),
        "1.3.132.0.35" => "P-521".into(),
        other => other.into(),
    }
}

fn oid_name(oid: &x509_parser::der_parser::oid::Oid<'_>) -> String {
    x509_parser::objects::oid2sn(oid, x509_parser::objects::oid_registry())
        .map(str::to_string)
        .unwrap_or_else(|_| oid.to_id_string())
}

/// The RSA modulus of a DER certificate (no leading zeros), for key/certificate matching.
pub(crate) fn rsa_modulus_of_certificate(der: &[u8]) -> Option<Vec<u8>> {
    let (_, cert) = parse_x509_certificate(der).ok()?;
    match cert.public_key().parsed().ok()? {
        PublicKey::RSA(rsa) => {
            let m = rsa.modulus;
            let first = m.iter().position(|b| *b != 0).unwrap_or(m.len());
            Some(m[first..].to_vec())
        }
        _ => None,
    }
}

/// Reads every certificate in `bytes`: PEM (all `CERTIFICATE` blocks), a DER certificate,
/// PKCS#12 (needs `password`; without one the empty password is tried), JKS (no password needed;
/// with one the keystore digest is verified) or the certificates of a JCEKS keystore.
///
/// A PEM text with no certificate (only a key) gives an empty list.
pub fn inspect(bytes: &[u8], password: Option<&str>) -> Result<Vec<CertificateInfo>, CertError> {
    let format = detect_format(bytes).ok_or(CertError::Unrecognized)?;
    match format {
        CertFileFormat::Pem => inspect_pem(bytes),
        CertFileFormat::Der => Ok(vec![CertificateInfo::from_der(bytes)?]),
        CertFileFormat::Pkcs12 => inspect_pkcs12(bytes, password),
        CertFileFormat::Jks | CertFileFormat::Jceks => inspect_jks(bytes, password, format),
    }
}

/// [`inspect`] on a file.
pub fn inspect_file(
    path: impl AsRef<Path>,
    password: Option<&str>,
) -> Result<Vec<CertificateInfo>, CertError> {
    use std::io::Read;
    let path = path.as_ref();
    let io_err = |source| CertError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = crate::files::open_regular(path).map_err(io_err)?;
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(MAX_CERT_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > MAX_CERT_FILE {
        return Err(CertError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    inspect(&bytes, password)
}

/// The DER of each certificate of a PEM text, in the order [`inspect`] lists
/// them (empty when it is not PEM).
pub fn pem_certificate_ders(bytes: &[u8]) -> Vec<Vec<u8>> {
    let Ok(blocks) = ::pem::parse_many(bytes) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for block in blocks {
        if is_pem_certificate(block.tag()) {
            out.push(block.into_contents());
        } else {
            // A private key's bytes are cleared before they are freed.
            let mut contents = block.into_contents();
            zeroize::Zeroize::zeroize(&mut contents);
        }
    }
    out
}

fn is_pem_certificate(tag: &str) -> bool {
    matches!(
        tag,
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE"
    )
}

fn inspect_pem(bytes: &[u8]) -> Result<Vec<CertificateInfo>, CertError> {
    let blocks = ::pem::parse_many(bytes).map_err(|e| CertError::Malformed {
        format: CertFileFormat::Pem,
        detail: e.to_string(),
    })?;
    let has_key = blocks.iter().any(|b| b.tag().ends_with("PRIVATE KEY"));
    let mut out = Vec::new();
    for block in blocks {
        if is_pem_certificate(block.tag()) {
            let mut info = CertificateInfo::from_der(block.contents()).map_err(|e| match e {
                CertError::Malformed { detail, .. } => CertError::Malformed {
                    format: CertFileFormat::Pem,
                    detail,
                },
                other => other,
            })?;
            info.index = out.len();
            info.with_private_key = has_key;
            out.push(info);
        } else if block.tag().ends_with("PRIVATE KEY") {
            let mut contents = block.into_contents();
            zeroize::Zeroize::zeroize(&mut contents);
        }
    }
    Ok(out)
}

fn inspect_pkcs12(bytes: &[u8], password: Option<&str>) -> Result<Vec<CertificateInfo>, CertError> {
    let format = CertFileFormat::Pkcs12;
    let archive =
        p12_keystore::Pkcs12Archive::from_pkcs12(bytes, password.unwrap_or("")).map_err(|e| {
            if keys::pkcs12_error_is_password(&e) {
                if password.is_none() {
                    CertError::PasswordRequired { format }
                } else {
                    CertError::WrongPassword { format }
                }
            } else if matches!(e, p12_keystore::error::Error::DerError(_)) {
                CertError::Unrecognized
            } else {
                CertError::Malformed {
                    format,
                    detail: e.to_string(),
                }
            }
        })?;
    // A key entry's alias is its key bag's friendly name, as Java (and so a
    // jwt-connection's certificateAlias) reads it: the certificate bag's may
    // differ (some writers put the certificate's subject there).
    let keys: Vec<(&[u8], Option<&String>)> = archive
        .keys
        .iter()
        .filter_map(|k| {
            let id = k.local_key_id.as_ref()?;
            Some((id.0.as_slice(), k.friendly_name.as_ref()))
        })
        .collect();
    let mut out = Vec::new();
    for (index, bag) in archive.certs.iter().enumerate() {
        let mut info = CertificateInfo::from_der(bag.cert.as_der())?;
        info.index = index;
        let key = bag
            .local_key_id
            .as_deref()
            .and_then(|id| keys.iter().find(|(k, _)| *k == id));
        info.alias = key
            .and_then(|(_, name)| name.cloned())
            .or_else(|| bag.friendly_name.clone());
        info.with_private_key = key.is_some();
        out.push(info);
    }
    Ok(out)
}

fn inspect_jks(
    bytes: &[u8],
    password: Option<&str>,
    format: CertFileFormat,
) -> Result<Vec<CertificateInfo>, CertError> {
    let store = keys::jks_parse(bytes, password).map_err(|e| {
        if e.is_integrity_failure() {
            CertError::WrongPassword { format }
        } else {
            CertError::Malformed {
                format,
                detail: e.to_string(),
            }
        }
    })?;
    let mut out = Vec::new();
    for entry in &store.entries {
        let (chain, with_key): (Vec<&[u8]>, bool) = match &entry.kind {
            keys::JksEntryKind::PrivateKey { chain, .. } => {
                (chain.iter().map(Vec::as_slice).collect(), true)
            }
            keys::JksEntryKind::TrustedCertificate(c) => (vec![c.as_slice()], false),
        };
        for (index, der) in chain.into_iter().enumerate() {
            let mut info = CertificateInfo::from_der(der)?;
            info.alias = Some(entry.alias.clone());
            info.index = index;
            info.with_private_key = with_key && index == 0;
            out.push(info);
        }
    }
    // A JCEKS secret-key entry stops the reading: keep what came before it, fail when that is
    // nothing.
    if let Some(stop) = store.stopped_at {
        if out.is_empty() {
            return Err(CertError::Malformed {
                format,
                detail: stop.to_string(),
            });
        }
    }
    Ok(out)
}

/// A new key pair and self-signed certificate from [`generate_self_signed`].
///
/// `Debug` does not show the private key.
pub struct GeneratedCredentials {
    private_key_pem: Zeroizing<String>,
    /// `-----BEGIN CERTIFICATE-----` text to upload to the app.
    pub certificate_pem: String,
    /// The certificate, parsed back.
    pub certificate: CertificateInfo,
    /// True when the private key PEM is encrypted PKCS#8.
    pub encrypted: bool,
    key: PrivateKey,
    certificate_der: Vec<u8>,
}

impl fmt::Debug for GeneratedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedCredentials")
            .field("certificate", &self.certificate)
            .field("encrypted", &self.encrypted)
            .field("private_key_pem", &"<redacted>")
            .finish()
    }
}

impl GeneratedCredentials {
    /// The private key as PKCS#8 PEM (`BEGIN PRIVATE KEY`, or `BEGIN ENCRYPTED PRIVATE KEY` when
    /// a password was given). Write it with [`crate::keys::write_secret_file`].
    pub fn private_key_pem(&self) -> &str {
        &self.private_key_pem
    }

    /// The private key, ready to sign assertions.
    pub fn private_key(&self) -> &PrivateKey {
        &self.key
    }

    /// The certificate, X.509 DER (for a keystore:
    /// [`PrivateKey::to_pkcs12`](crate::keys::PrivateKey::to_pkcs12)).
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }
}

/// Generates an RSA key of `bits` (2048, 3072 or 4096) and a self-signed certificate with
/// common name `cn`, valid from 5 minutes ago for `days` days (SHA-256 with RSA, digital
/// signature key usage, client authentication extended key usage).
///
/// The key is returned as PKCS#8 PEM, encrypted (PBES2, PBKDF2-SHA256, AES-256-CBC) when
/// `encrypt_password` is given.
pub fn generate_self_signed(
    cn: &str,
    days: u32,
    bits: u32,
    encrypt_password: Option<&str>,
) -> Result<GeneratedCredentials, CertError> {
    generate_self_signed_with(cn, days, bits, encrypt_password, keys::PBKDF2_ITERATIONS)
}

pub(crate) fn generate_self_signed_with(
    cn: &str,
    days: u32,
    bits: u32,
    encrypt_password: Option<&str>,
    iterations: u32,
) -> Result<GeneratedCredentials, CertError> {
    use rcgen::{
        CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyPair,
        KeyUsagePurpose, RsaKeySize, SerialNumber,
    };
    let cn = cn.trim();
    if cn.is_empty() {
        return Err(CertError::EmptyCommonName);
    }
    if days == 0 || days > 36_500 {
        return Err(CertError::InvalidDays(days));
    }
    let size = match bits {
        2048 => RsaKeySize::_2048,
        3072 => RsaKeySize::_3072,
        4096 => RsaKeySize::_4096,
        other => return Err(CertError::UnsupportedKeySize(other)),
    };
    let gen_err = |e: rcgen::Error| CertError::Generate(e.to_string());
    let key_pair = KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, size).map_err(gen_err)?;

    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    params.distinguished_name = dn;
    let now = ::time::OffsetDateTime::now_utc();
    params.not_before = now - ::time::Duration::minutes(5);
    params.not_after = now + ::time::Duration::days(i64::from(days));
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let mut serial = [0u8; 16];
    aws_lc_rs::rand::fill(&mut serial).map_err(|_| CertError::Generate("no randomness".into()))?;
    serial[0] &= 0x7F;
    serial[0] |= 0x01;
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    let cert = params.self_signed(&key_pair).map_err(gen_err)?;

    let pkcs8 = Zeroizing::new(key_pair.serialize_der());
    drop(key_pair);
    let mut key = PrivateKey::from_pkcs8_der(&pkcs8)?;
    key.set_format(KeyFormat::Generated);
    let private_key_pem = match encrypt_password {
        Some(pw) => Zeroizing::new(keys::encrypt_pkcs8_pem(&pkcs8, pw, iterations)?),
        None => key.to_pkcs8_pem(),
    };
    let certificate = CertificateInfo::from_der(cert.der())?;
    Ok(GeneratedCredentials {
        private_key_pem,
        certificate_pem: cert.pem(),
        certificate,
        encrypted: encrypt_password.is_some(),
        key,
        certificate_der: cert.der().to_vec(),
    })
}

/// How a PKCS#12 file protects its private keys, as told without its password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pkcs12KeyProtection {
    /// A private key sits in a plain key bag (`openssl pkcs12 -export -keypbe NONE`): no
    /// password protects it, whatever password the file's integrity MAC uses.
    KeyInClear,
    /// The private keys open with the empty password (`-passout pass:`).
    EmptyPassword,
    /// A password other than the empty one is needed.
    Password,
}

/// How the PKCS#12 file `bytes` protects its private keys: `None` when it is not a readable
/// PKCS#12 file or holds no private key.
pub fn pkcs12_key_protection(bytes: &[u8]) -> Option<Pkcs12KeyProtection> {
    let in_clear = pkcs12_has_plain_key_bag(bytes);
    match p12_keystore::Pkcs12Archive::from_pkcs12(bytes, "") {
        Ok(archive) if archive.keys.is_empty() => None,
        Ok(_) if in_clear => Some(Pkcs12KeyProtection::KeyInClear),
        Ok(_) => Some(Pkcs12KeyProtection::EmptyPassword),
        Err(_) if in_clear => Some(Pkcs12KeyProtection::KeyInClear),
        Err(e) if keys::pkcs12_error_is_password(&e) => Some(Pkcs12KeyProtection::Password),
        Err(_) => None,
    }
}

/// Whether a PKCS#12 file holds a `keyBag` (an unencrypted PKCS#8 key) in one of its
/// unencrypted (`id-data`) safes, read without a password (RFC 7292 sections 4 and 4.2.1).
fn pkcs12_has_plain_key_bag(bytes: &[u8]) -> bool {
    use pkcs12::cms::content_info::ContentInfo;
    use pkcs12::safe_bag::SafeContents;
    use pkcs8::der::asn1::{ObjectIdentifier, OctetString};
    use pkcs8::der::Decode;
    const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
    let data = |ci: &ContentInfo| -> Option<Box<[u8]>> {
        (ci.content_type == ID_DATA)
            .then(|| ci.content.decode_as::<OctetString>().ok())
            .flatten()
            .map(OctetString::into_bytes)
    };
    let Ok(pfx) = pkcs12::Pfx::from_der(bytes) else {
        return false;
    };
    let Some(safes) = data(&pfx.auth_safe) else {
        return false;
    };
    let Ok(safes) = Vec::<ContentInfo>::from_der(&safes) else {
        return false;
    };
    safes.iter().filter_map(data).any(|contents| {
        SafeContents::from_der(&contents)
            .is_ok_and(|bags| bags.iter().any(|b| b.bag_id == pkcs12::PKCS_12_KEY_BAG_OID))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_format() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn days_left_rounds_down() {
        let info = CertificateInfo {
            alias: None,
            index: 0,
            subject: String::new(),
            issuer: String::new(),
            serial: String::new(),
            key_type: KeyType::Rsa,
            key_bits: Some(2048),
            signature_algorithm: String::new(),
            not_before: 0,
            not_after: 10 * 86_400,
            self_signed: true,
            is_ca: false,
            sha256_fingerprint: String::new(),
            with_private_key: false,
        };
        assert_eq!(info.days_left_at(0), 10);
        assert_eq!(info.days_left_at(1), 9);
        assert_eq!(info.days_left_at(10 * 86_400 + 1), -1);
    }

    #[test]
    fn unrecognized_input() {
        assert!(matches!(
            inspect(b"hello", None),
            Err(CertError::Unrecognized)
        ));
        assert!(matches!(inspect(b"", None), Err(CertError::Unrecognized)));
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(matches!(
            generate_self_signed("x", 30, 1024, None),
            Err(CertError::UnsupportedKeySize(1024))
        ));
        assert!(matches!(
            generate_self_signed("x", 0, 2048, None),
            Err(CertError::InvalidDays(0))
        ));
        assert!(matches!(
            generate_self_signed(" ", 30, 2048, None),
            Err(CertError::EmptyCommonName)
        ));
    }
}
