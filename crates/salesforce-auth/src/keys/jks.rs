//! A small, bounds-checked reader for Java KeyStore (JKS) files, and the certificate part of
//! JCEKS files.
//!
//! Format (Sun `JavaKeyStore`): magic `FEEDFEED` (JCEKS: `CECECECE`), version (1 or 2), entry
//! count, entries, then a SHA-1 digest over the UTF-16BE password, the text "Mighty Aphrodite"
//! and everything before the digest. Entry tag 1 is a private key (an `EncryptedPrivateKeyInfo`
//! protected with Sun's SHA-1 key protector) with its certificate chain, tag 2 a trusted
//! certificate, tag 3 (JCEKS only) a secret key, which is a serialized Java object and cannot be
//! skipped without a Java deserializer.
//!
//! Certificates are readable without the password, as `keytool -list` does; with a password the
//! digest is checked as well.

use aws_lc_rs::digest;
use zeroize::Zeroizing;

pub(crate) const JKS_MAGIC: [u8; 4] = [0xFE, 0xED, 0xFE, 0xED];
pub(crate) const JCEKS_MAGIC: [u8; 4] = [0xCE, 0xCE, 0xCE, 0xCE];
const WHITENER: &[u8] = b"Mighty Aphrodite";
const DIGEST_LEN: usize = 20;
/// OID 1.3.6.1.4.1.42.2.17.1.1 (Sun JKS key protector), DER content bytes.
const SUN_KEY_PROTECTOR_OID: &[u8] = &[0x2B, 0x06, 0x01, 0x04, 0x01, 0x2A, 0x02, 0x11, 0x01, 0x01];
/// Upper bound for any length field, to refuse absurd allocations on corrupt input.
const MAX_FIELD_LEN: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JksError {
    Truncated,
    BadMagic,
    UnsupportedVersion(u32),
    /// JCEKS secret-key entry (tag 3) or an unknown tag: nothing after it can be read.
    UnsupportedEntry(u32),
    /// The keystore digest does not match: wrong store password (or a tampered file).
    IntegrityCheckFailed,
    /// The private key is not protected with the JKS key protector (e.g. a JCEKS key).
    UnsupportedKeyProtection,
    /// The key protector's check failed: wrong key password.
    WrongKeyPassword,
    Malformed(&'static str),
}

impl JksError {
    pub(crate) fn is_integrity_failure(&self) -> bool {
        matches!(self, JksError::IntegrityCheckFailed)
    }
}

impl std::fmt::Display for JksError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JksError::Truncated => f.write_str("the keystore is truncated"),
            JksError::BadMagic => f.write_str("not a JKS or JCEKS keystore"),
            JksError::UnsupportedVersion(v) => write!(f, "unsupported JKS version {v}"),
            JksError::UnsupportedEntry(t) => write!(
                f,
                "entry of type {t} (a JCEKS secret key or unknown entry) cannot be read"
            ),
            JksError::IntegrityCheckFailed => {
                f.write_str("keystore password is wrong (or the file was tampered with)")
            }
            JksError::UnsupportedKeyProtection => f.write_str(
                "the private key uses a protection other than the JKS key protector (JCEKS?)",
            ),
            JksError::WrongKeyPassword => f.write_str("key password is wrong"),
            JksError::Malformed(what) => write!(f, "malformed keystore: {what}"),
        }
    }
}

pub(crate) enum JksEntryKind {
    PrivateKey {
        /// `EncryptedPrivateKeyInfo` DER as stored.
        protected: Vec<u8>,
        chain: Vec<Vec<u8>>,
    },
    TrustedCertificate(Vec<u8>),
}

pub(crate) struct JksEntry {
    pub alias: String,
    pub kind: JksEntryKind,
}

pub(crate) struct JksStore {
    pub entries: Vec<JksEntry>,
    /// Set when reading stopped at an entry it cannot parse (JCEKS secret key).
    pub stopped_at: Option<JksError>,
}

struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], JksError> {
        let end = self.pos.checked_add(n).ok_or(JksError::Truncated)?;
        let s = self.data.get(self.pos..end).ok_or(JksError::Truncated)?;
        self.pos = end;
        Ok(s)
    }
    fn u16(&mut self) -> Result<u16, JksError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, JksError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn len32(&mut self) -> Result<usize, JksError> {
        let n = self.u32()? as usize;
        if n > MAX_FIELD_LEN {
            return Err(JksError::Malformed("length field too large"));
        }
        Ok(n)
    }
    /// Java `DataOutput.writeUTF`: u16 length then modified UTF-8.
    fn utf(&mut self) -> Result<String, JksError> {
        let n = self.u16()? as usize;
        Ok(String::from_utf8_lossy(self.take(n)?).into_owned())
    }
    fn cert(&mut self, version: u32) -> Result<Vec<u8>, JksError> {
        if version == 2 {
            let _cert_type = self.utf()?;
        }
        let n = self.len32()?;
        Ok(self.take(n)?.to_vec())
    }
}

/// The password as Java's key protector and store digest see it: UTF-16BE code units.
fn password_bytes(password: &str) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(password.len() * 2));
    for unit in password.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

pub(crate) fn is_jks(bytes: &[u8]) -> bool {
    bytes.starts_with(&JKS_MAGIC)
}

pub(crate) fn is_jceks(bytes: &[u8]) -> bool {
    bytes.starts_with(&JCEKS_MAGIC)
}

/// Parses a JKS (or the readable part of a JCEKS) keystore. With `password`, the store digest is
/// verified first and a mismatch is an error.
pub(crate) fn parse(bytes: &[u8], password: Option<&str>) -> Result<JksStore, JksError> {
    if !(is_jks(bytes) || is_jceks(bytes)) {
        return Err(JksError::BadMagic);
    }
    if bytes.len() < 12 + DIGEST_LEN {
        return Err(JksError::Truncated);
    }
    if let Some(password) = password {
        let (body, stored) = bytes.split_at(bytes.len() - DIGEST_LEN);
        let mut ctx = digest::Context::new(&digest::SHA1_FOR_LEGACY_USE_ONLY);
        ctx.update(&password_bytes(password));
        ctx.update(WHITENER);
        ctx.update(body);
        if ctx.finish().as_ref() != stored {
            // A damaged file fails the check too, whatever the password:
            // say what is wrong with it when its structure shows it.
            return Err(match parse(bytes, None) {
                Err(e) => e,
                Ok(_) => JksError::IntegrityCheckFailed,
            });
        }
    }
    let mut c = Cursor {
        data: &bytes[..bytes.len() - DIGEST_LEN],
        pos: 4,
    };
    let version = c.u32()?;
    if version != 1 && version != 2 {
        return Err(JksError::UnsupportedVersion(version));
    }
    let count = c.u32()?;
    let mut entries = Vec::new();
    let mut stopped_at = None;
    for _ in 0..count {
        let tag = c.u32()?;
        if tag != 1 && tag != 2 {
            stopped_at = Some(JksError::UnsupportedEntry(tag));
            break;
        }
        let alias = c.utf()?;
        let _timestamp = c.take(8)?;
        let kind = if tag == 1 {
            let n = c.len32()?;
            let protected = c.take(n)?.to_vec();
            let chain_len = c.u32()? as usize;
            if chain_len > 64 {
                return Err(JksError::Malformed("certificate chain too long"));
            }
            let mut chain = Vec::with_capacity(chain_len);
            for _ in 0..chain_len {
                chain.push(c.cert(version)?);
            }
            JksEntryKind::PrivateKey { protected, chain }
        } else {
            JksEntryKind::TrustedCertificate(c.cert(version)?)
        };
        entries.push(JksEntry { alias, kind });
    }
    Ok(JksStore {
        entries,
        stopped_at,
    })
}

/// Reads one DER TLV; returns (tag, content, rest).
fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *input.first()?;
    let first = *input.get(1)? as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7F;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *input.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    let content = input.get(header..end)?;
    Some((tag, content, &input[end..]))
}

/// Recovers the PKCS#8 `PrivateKeyInfo` DER protected with Sun's JKS key protector.
pub(crate) fn decrypt_key(
    protected: &[u8],
    password: &str,
) -> Result<Zeroizing<Vec<u8>>, JksError> {
    let malformed = JksError::Malformed("protected key is not an EncryptedPrivateKeyInfo");
    let (tag, seq, _) = der_tlv(protected).ok_or(malformed.clone())?;
    if tag != 0x30 {
        return Err(malformed);
    }
    let (tag, alg, rest) = der_tlv(seq).ok_or(malformed.clone())?;
    if tag != 0x30 {
        return Err(malformed);
    }
    let (tag, oid, _) = der_tlv(alg).ok_or(malformed.clone())?;
    if tag != 0x06 {
        return Err(malformed);
    }
    if oid != SUN_KEY_PROTECTOR_OID {
        return Err(JksError::UnsupportedKeyProtection);
    }
    let (tag, data, _) = der_tlv(rest).ok_or(malformed.clone())?;
    if tag != 0x04 || data.len() < 2 * DIGEST_LEN {
        return Err(malformed);
    }
    let salt = &data[..DIGEST_LEN];
    let encrypted = &data[DIGEST_LEN..data.len() - DIGEST_LEN];
    let check = &data[data.len() - DIGEST_LEN..];
    let pw = password_bytes(password);

    let mut plain = Zeroizing::new(vec![0u8; encrypted.len()]);
    let mut block = Zeroizing::new(salt.to_vec());
    for (i, chunk) in encrypted.chunks(DIGEST_LEN).enumerate() {
        let mut ctx = digest::Context::new(&digest::SHA1_FOR_LEGACY_USE_ONLY);
        ctx.update(&pw);
        ctx.update(&block);
        let d = ctx.finish();
        block.clear();
        block.extend_from_slice(d.as_ref());
        for (j, b) in chunk.iter().enumerate() {
            plain[i * DIGEST_LEN + j] = b ^ block[j];
        }
    }
    let mut ctx = digest::Context::new(&digest::SHA1_FOR_LEGACY_USE_ONLY);
    ctx.update(&pw);
    ctx.update(&plain);
    if ctx.finish().as_ref() != check {
        return Err(JksError::WrongKeyPassword);
    }
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_garbage_without_panicking() {
        assert_eq!(parse(b"", None).err(), Some(JksError::BadMagic));
        let mut data = JKS_MAGIC.to_vec();
        data.extend_from_slice(&[0, 0, 0, 2, 0, 0, 0, 5]);
        data.extend_from_slice(&[0u8; 20]);
        assert_eq!(parse(&data, None).err(), Some(JksError::Truncated));
        // huge length fields
        let mut data = JKS_MAGIC.to_vec();
        data.extend_from_slice(&[0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, b'a']);
        data.extend_from_slice(&[0u8; 8]);
        data.extend_from_slice(&[0, 5, b'X', b'.', b'5', b'0', b'9', 0xFF, 0xFF, 0xFF, 0xFF]);
        data.extend_from_slice(&[0u8; 20]);
        assert!(parse(&data, None).is_err());
        for cut in 0..40 {
            let _ = decrypt_key(&[0x30, 0x82, 0xFF, 0xFF][..cut.min(4)], "x");
        }
    }

    #[test]
    fn empty_store_digest() {
        let mut body = JKS_MAGIC.to_vec();
        body.extend_from_slice(&[0, 0, 0, 2, 0, 0, 0, 0]);
        let mut ctx = digest::Context::new(&digest::SHA1_FOR_LEGACY_USE_ONLY);
        ctx.update(&password_bytes("changeit"));
        ctx.update(WHITENER);
        ctx.update(&body);
        let d = ctx.finish();
        let mut file = body.clone();
        file.extend_from_slice(d.as_ref());
        assert!(parse(&file, Some("changeit")).unwrap().entries.is_empty());
        assert_eq!(
            parse(&file, Some("wrong")).err(),
            Some(JksError::IntegrityCheckFailed)
        );
        assert!(parse(&file, None).is_ok());
    }

    /// Found by testing: a truncated JKS given with its right password was
    /// "wrong password ... (or the file is corrupt)" for `intguard token`,
    /// while `keys inspect` (no password) said it was truncated.
    #[test]
    fn a_truncated_store_is_truncated_whatever_the_password() {
        let file = include_bytes!("../../tests/fixtures/mule-jwt.jks");
        assert!(parse(file, Some("storepass1")).is_ok());
        assert_eq!(
            parse(file, Some("wrong")).err(),
            Some(JksError::IntegrityCheckFailed)
        );
        for cut in [1500, 2000, file.len() - 30] {
            assert_eq!(
                parse(&file[..cut], Some("storepass1")).err(),
                Some(JksError::Truncated),
                "cut at {cut}"
            );
        }
    }
}
