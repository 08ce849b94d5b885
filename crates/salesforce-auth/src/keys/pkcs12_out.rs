//! Writing a private key and its certificate as a PKCS#12 keystore: the file a Mule
//! `salesforce:jwt-connection` loads (`keyStore`, `storePassword`, `certificateAlias`).

use zeroize::Zeroizing;

use super::{KeyError, PrivateKey};

impl PrivateKey {
    /// This key and `certificate_der` (its certificate, X.509 DER) as a PKCS#12 keystore
    /// with one private-key entry, `alias`, protected by `password` the way Java's
    /// `keytool` protects a new one by default (PBES2 with PBKDF2-HMAC-SHA256 and
    /// AES-256-CBC for the key and the certificate, an HMAC-SHA256 integrity MAC, 10,000
    /// iterations each): Java 8u301 and later, 11.0.12 and later, and 17 read it.
    ///
    /// Refuses the empty password (a keystore anyone can open: IG105 reports one) and a
    /// certificate that is not this key's.
    pub fn to_pkcs12(
        &self,
        certificate_der: &[u8],
        alias: &str,
        password: &str,
    ) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let refuse = |detail: &str| KeyError::Encrypt {
            detail: detail.to_string(),
        };
        if password.is_empty() {
            return Err(refuse(
                "a keystore needs a password other than the empty one",
            ));
        }
        if alias.trim().is_empty() {
            return Err(refuse("the keystore entry needs an alias"));
        }
        if self.matches_certificate(certificate_der) == Some(false) {
            return Err(refuse("the certificate is not this key's"));
        }
        let failed = |e: p12_keystore::error::Error| KeyError::Encrypt {
            detail: e.to_string(),
        };
        let certificate = p12_keystore::Certificate::from_der(certificate_der).map_err(failed)?;
        let key = p12_keystore::PrivateKey::from_der(self.pkcs8_der()).map_err(failed)?;
        // The local key id pairs the key bag with its certificate's bag: the
        // certificate's digest is unique to this entry.
        let key_id = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, certificate_der)
            .as_ref()[..20]
            .to_vec();
        let mut store = p12_keystore::KeyStore::new();
        store.add_entry(
            alias,
            p12_keystore::KeyStoreEntry::PrivateKeyChain(p12_keystore::PrivateKeyChain::new(
                key_id,
                key,
                [certificate],
            )),
        );
        let bytes = store.writer(password).write().map_err(failed)?;
        Ok(Zeroizing::new(bytes))
    }
}

#[cfg(test)]
mod tests {
    use crate::certs::generate_self_signed;
    use crate::keys::{KeyFormat, PrivateKey};

    #[test]
    fn the_keystore_opens_with_its_password_and_holds_the_key_and_its_certificate() {
        let creds = generate_self_signed("orders-jwt", 30, 2048, None).unwrap();
        let cert_der = creds.certificate_der();
        let p12 = creds
            .private_key()
            .to_pkcs12(cert_der, "orders-jwt", "store-pass-1234")
            .unwrap();
        let read =
            PrivateKey::from_keystore(&p12, Some("orders-jwt"), "store-pass-1234", None).unwrap();
        assert_eq!(read.pkcs8_der(), creds.private_key().pkcs8_der());
        assert_eq!(read.certificate_chain(), [cert_der.to_vec()]);
        assert_eq!(read.alias(), Some("orders-jwt"));
        assert!(matches!(read.format(), KeyFormat::Pkcs12));
        // The only key, found without its alias too; not with another password.
        assert!(PrivateKey::from_keystore(&p12, None, "store-pass-1234", None).is_ok());
        assert!(PrivateKey::from_keystore(&p12, None, "store-pass-1235", None).is_err());
        // Its key is not in clear.
        assert_eq!(
            crate::certs::pkcs12_key_protection(&p12),
            Some(crate::certs::Pkcs12KeyProtection::Password)
        );
    }

    #[test]
    fn no_empty_password_and_no_other_keys_certificate() {
        let creds = generate_self_signed("a", 30, 2048, None).unwrap();
        let other = generate_self_signed("b", 30, 2048, None).unwrap();
        let key = creds.private_key();
        assert!(key.to_pkcs12(creds.certificate_der(), "a", "").is_err());
        assert!(key
            .to_pkcs12(creds.certificate_der(), " ", "pw-123456789")
            .is_err());
        assert!(key
            .to_pkcs12(other.certificate_der(), "a", "pw-123456789")
            .is_err());
    }
}
