//! Where the JWT signing key comes from (a key file, PEM text, a keystore or a loaded key), and
//! loading it from there.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::secret_files::read_secret_file;
use super::{KeyError, PrivateKey};

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

    /// The file this source reads, if any (for [`check_key_file_mode`](super::check_key_file_mode)).
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
