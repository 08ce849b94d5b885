//! Key files told by their content: keystores by extension, binary (DER)
//! private keys by their ASN.1 structure, PuTTY keys by their header.

use intguard_model::KeyMaterialKind;

pub(crate) fn keystore_kind(ext: &str) -> Option<KeyMaterialKind> {
    match ext {
        "jks" => Some(KeyMaterialKind::Jks),
        "p12" | "pfx" => Some(KeyMaterialKind::Pkcs12),
        // JCEKS (Java's other keystore type) and BouncyCastle's BKS / BCFKS,
        // which Mule loads with `type="jceks"` / `type="bks"`.
        "keystore" | "jceks" | "bks" | "bcfks" => Some(KeyMaterialKind::Keystore),
        _ => None,
    }
}

/// Binary OpenPGP files: keyrings (`secring.gpg`, `.skr`) and key exports.
pub(crate) const PGP_BINARY_EXTENSIONS: &[&str] = &["gpg", "pgp", "skr"];
/// Extensions of binary (DER) private key files.
pub(crate) const DER_KEY_EXTENSIONS: &[&str] = &["der", "p8", "pk8", "pkcs8", "key"];

/// Whether a binary file is a private key, which kind, and whether it is
/// encrypted: PKCS#8 (`PrivateKeyInfo`, or `EncryptedPrivateKeyInfo`),
/// PKCS#1 (`RSAPrivateKey`) or SEC1 (`ECPrivateKey`); `None` when it is none
/// of them.
pub fn der_private_key(bytes: &[u8]) -> Option<(KeyMaterialKind, bool)> {
    if pkcs8::PrivateKeyInfoRef::try_from(bytes).is_ok() {
        Some((KeyMaterialKind::DerPrivateKey, false))
    } else if pkcs8::EncryptedPrivateKeyInfoRef::try_from(bytes).is_ok() {
        Some((KeyMaterialKind::DerPrivateKey, true))
    } else if pkcs1::RsaPrivateKeyRef::try_from(bytes).is_ok() {
        // PKCS#1 has no encrypted DER form: only PEM's `Proc-Type` headers
        // encrypt it.
        Some((KeyMaterialKind::DerPkcs1PrivateKey, false))
    } else if sec1::EcPrivateKey::try_from(bytes).is_ok() {
        // SEC1 (`openssl ec -outform DER`), which has no encrypted DER form
        // either.
        Some((KeyMaterialKind::DerSec1PrivateKey, false))
    } else {
        None
    }
}

/// Whether a text is a PuTTY private key file (`.ppk`, whatever its name):
/// `Some` when its first line is `PuTTY-User-Key-File-<version>: <algorithm>`,
/// holding whether the `Encryption:` header that follows names a cipher
/// (`aes256-cbc`) rather than `none` (`None` without that header).
pub(crate) fn putty_key_encrypted(text: &str) -> Option<Option<bool>> {
    let text = crate::position::without_bom(text);
    let mut lines = text.lines();
    let (version, algorithm) = lines
        .next()?
        .strip_prefix("PuTTY-User-Key-File-")?
        .split_once(':')?;
    if version.is_empty()
        || !version.bytes().all(|b| b.is_ascii_digit())
        || algorithm.trim().is_empty()
    {
        return None;
    }
    // `Encryption:` is the second line in every version of the format.
    let encryption = lines
        .next()
        .and_then(|l| l.strip_prefix("Encryption:"))
        .map(str::trim);
    Some(encryption.map(|e| !e.eq_ignore_ascii_case("none")))
}

/// Extensions of files that hold keys or certificates in PEM form.
pub(crate) const PEM_EXTENSIONS: &[&str] = &[
    "pem", "key", "p8", "pk8", "pkcs8", "crt", "cer", "der", "ppk",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Binary PKCS#8 and PKCS#1 keys, plain and encrypted, are told by their
    /// structure; a certificate or a cut key is not one.
    #[test]
    fn der_private_keys_by_structure() {
        use base64::Engine as _;
        let der_of = |pem: &str| {
            let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
            base64::engine::general_purpose::STANDARD
                .decode(body)
                .unwrap()
        };
        let generated =
            salesforce_auth::certs::generate_self_signed("fixture", 1, 2048, None).unwrap();
        let plain = generated.private_key().pkcs8_der();
        let pkcs8 = Some((KeyMaterialKind::DerPrivateKey, false));
        assert_eq!(der_private_key(plain), pkcs8);
        let encrypted = der_of(
            &generated
                .private_key()
                .to_encrypted_pkcs8_pem("fixture-pass")
                .unwrap(),
        );
        assert_eq!(
            der_private_key(&encrypted),
            Some((KeyMaterialKind::DerPrivateKey, true))
        );
        assert_eq!(der_private_key(&plain[..plain.len() - 1]), None);
        assert_eq!(der_private_key(&der_of(&generated.certificate_pem)), None);

        // An RSA key's PKCS#8 wrapping holds its PKCS#1 `RSAPrivateKey`.
        let info = pkcs8::PrivateKeyInfoRef::try_from(plain).unwrap();
        let pkcs1 = info.private_key.as_bytes();
        assert_eq!(
            der_private_key(pkcs1),
            Some((KeyMaterialKind::DerPkcs1PrivateKey, false))
        );
        assert_eq!(der_private_key(&pkcs1[..pkcs1.len() - 1]), None);
    }

    /// PuTTY keys are told by their first line, encrypted or not by their
    /// `Encryption:` header; the header elsewhere, or a look-alike, is not one.
    #[test]
    fn putty_keys_by_their_header() {
        let key = |version: &str, encryption: &str, eol: &str| {
            [
                &format!("PuTTY-User-Key-File-{version}: ssh-ed25519"),
                &format!("Encryption: {encryption}"),
                "Comment: fixture",
                "Public-Lines: 1",
                "AAAAC3NzaC1lZDI1NTE5AAAAIHn1",
                "Private-Lines: 1",
                "AAAAIH5GnUrVb0L3vOiVxKG2r1",
                "Private-MAC: 0123456789abcdef",
            ]
            .join(eol)
        };
        for eol in ["\n", "\r\n"] {
            for version in ["2", "3"] {
                assert_eq!(
                    putty_key_encrypted(&key(version, "none", eol)),
                    Some(Some(false))
                );
                assert_eq!(
                    putty_key_encrypted(&key(version, "aes256-cbc", eol)),
                    Some(Some(true))
                );
            }
        }
        assert_eq!(
            putty_key_encrypted(&format!("\u{feff}{}", key("3", "none", "\n"))),
            Some(Some(false))
        );
        assert_eq!(
            putty_key_encrypted("PuTTY-User-Key-File-3: ssh-rsa\nComment: x\n"),
            Some(None)
        );
        for not_one in [
            "Keys start with\nPuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\n",
            "PuTTY-User-Key-File-: ssh-rsa\nEncryption: none\n",
            "PuTTY-User-Key-File-3 ssh-rsa\nEncryption: none\n",
            "PuTTY-User-Key-File-3:\nEncryption: none\n",
            "",
        ] {
            assert_eq!(putty_key_encrypted(not_one), None, "{not_one:?}");
        }
    }
}
