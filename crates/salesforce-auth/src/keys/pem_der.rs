//! Reading and writing the key encodings: PKCS#1, PKCS#8 and encrypted PKCS#8, as PEM or DER,
//! and the helpers they share (PEM detection, PKCS#1 wrapping, RSA key size).

use std::fmt;

use pkcs8::der::asn1::{AnyRef, OctetStringRef};
use pkcs8::der::Encode;
use pkcs8::{AlgorithmIdentifierRef, EncryptedPrivateKeyInfoRef, PrivateKeyInfoRef};
use zeroize::Zeroizing;

use super::jks::{is_jceks, is_jks};
use super::{
    KeyAlgorithm, KeyError, KeyFormat, PrivateKey, EC_OID, ED25519_OID, PBKDF2_ITERATIONS, RSA_OID,
};

impl PrivateKey {
    /// Builds a key from unencrypted PKCS#8 `PrivateKeyInfo` DER.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        Self::from_pkcs8(der, KeyFormat::Pkcs8Der, "the key")
    }

    /// Builds a key from PKCS#1 `RSAPrivateKey` DER.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        Self::from_pkcs1(der, KeyFormat::Pkcs1Der, "the key")
    }

    pub(super) fn from_pkcs8(der: &[u8], format: KeyFormat, what: &str) -> Result<Self, KeyError> {
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

    pub(super) fn from_pem_named(
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

    pub(super) fn from_key_bytes_named(
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
