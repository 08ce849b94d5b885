//! Reading a private key from a keystore: PKCS#12, and JKS through the reader in `jks.rs`; an
//! alias picks the entry.

use super::jks::{self, is_jceks, is_jks};
use super::{KeyError, KeyFormat, PrivateKey};

impl PrivateKey {
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

    pub(super) fn from_keystore_named(
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
