//! TLS contexts, key stores and trust stores, and the configurations that
//! load key files.

use serde::Serialize;

use crate::expr::Value;
use crate::location::Location;

use super::XmlAttribute;

/// An element that names key material and the passwords that open it.
#[derive(Debug, Clone, Serialize)]
pub struct Store {
    /// `tls:key-store` or `tls:trust-store`; a Crypto config's key info
    /// (`crypto:pgp-asymmetric-key-info`, ...).
    pub element: String,
    pub location: Location,
    pub attributes: Vec<XmlAttribute>,
}

impl Store {
    pub fn attr(&self, name: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(|a| &a.value)
    }
}

/// `tls:context`, global or nested; or the key and trust stores of a Mule 3
/// HTTPS transport connector (`<https:connector>`), which hold TLS
/// material the same way.
#[derive(Debug, Clone, Serialize)]
pub struct TlsContext {
    /// `tls:context`, `https:connector`, as written.
    pub element: String,
    pub name: Option<String>,
    pub location: Location,
    pub enabled_protocols: Option<Value>,
    pub trust_store: Option<Store>,
    pub key_store: Option<Store>,
}

impl TlsContext {
    /// Is this a Mule 3 HTTPS transport connector rather than a `tls:context`?
    pub fn is_https_connector(&self) -> bool {
        self.element.ends_with("connector")
    }

    /// `TLS context `ctx``, `HTTPS connector `httpsConnector``; `a TLS
    /// context` for an unnamed one.
    pub fn describe(&self) -> String {
        let kind = if self.is_https_connector() {
            "HTTPS connector"
        } else {
            "TLS context"
        };
        match &self.name {
            Some(n) => format!("{kind} `{n}`"),
            None => format!("a {kind}"),
        }
    }
}

/// What kind of configuration loads a key file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyLoaderKind {
    /// Mule 4 Cryptography module `<crypto:jce-config keystore password
    /// type>` with its `<crypto:jce-key-infos>` (`jce-symmetric-key-info` /
    /// `jce-asymmetric-key-info`: `keyId alias password`).
    Jce,
    /// Mule 4 Cryptography module `<crypto:pgp-config publicKeyring
    /// privateKeyring>` with its `<crypto:pgp-key-infos>`
    /// (`pgp-asymmetric-key-info`: `keyId fingerprint passphrase`).
    Pgp,
    /// Mule 3 PGP module key manager: a Spring bean of class
    /// `org.mule.module.pgp.PGPKeyRingImpl` whose properties
    /// (`publicKeyRingFileName`, `secretKeyRingFileName`, `secretAliasId`,
    /// `secretPassphrase`) are recorded as its attributes.
    PgpKeyRingBean,
    /// SSH key authentication of an SFTP connection: an element of the SFTP
    /// connector's namespace with an `identityFile` (Mule 4
    /// `<sftp:connection identityFile passphrase>`, Mule 3 `<sftp:connector>`
    /// or endpoint with the same attributes).
    SftpIdentity,
}

impl KeyLoaderKind {
    /// Every kind (what reads a [`KeyLoaderKind::key_file_attributes`]
    /// name back looks through them all).
    pub const ALL: [KeyLoaderKind; 4] = [
        KeyLoaderKind::Jce,
        KeyLoaderKind::Pgp,
        KeyLoaderKind::PgpKeyRingBean,
        KeyLoaderKind::SftpIdentity,
    ];

    /// The attributes that name key files, each with whether the file holds
    /// the private key (else public keys only).
    pub fn key_file_attributes(self) -> &'static [(&'static str, bool)] {
        match self {
            KeyLoaderKind::Jce => &[("keystore", true)],
            KeyLoaderKind::Pgp => &[("privateKeyring", true), ("publicKeyring", false)],
            KeyLoaderKind::PgpKeyRingBean => &[
                ("secretKeyRingFileName", true),
                ("publicKeyRingFileName", false),
            ],
            KeyLoaderKind::SftpIdentity => &[("identityFile", true)],
        }
    }
}

/// A configuration that loads a key file by path (see [`KeyLoaderKind`]).
#[derive(Debug, Clone, Serialize)]
pub struct KeyLoader {
    pub kind: KeyLoaderKind,
    /// `crypto:jce-config`, `crypto:pgp-config`, `spring:bean`,
    /// `sftp:connection`, as written.
    pub element: String,
    /// The config's `name`; the bean's `id` (or `name`); for an SFTP
    /// connection, its config's.
    pub name: Option<String>,
    pub location: Location,
    /// The element's attributes; a bean's properties, by property name,
    /// each located at its `value`.
    pub attributes: Vec<XmlAttribute>,
    /// The key info elements under the config, each with its attributes.
    pub key_infos: Vec<Store>,
}

impl KeyLoader {
    /// Loads OpenPGP keys.
    pub fn is_pgp(&self) -> bool {
        matches!(
            self.kind,
            KeyLoaderKind::Pgp | KeyLoaderKind::PgpKeyRingBean
        )
    }

    pub fn attr(&self, name: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(|a| &a.value)
    }

    /// The attributes that name key files, each with whether the file holds
    /// the private key (else public keys only).
    pub fn key_file_attributes(&self) -> &'static [(&'static str, bool)] {
        self.kind.key_file_attributes()
    }

    /// The values that open the private key, with what they are called:
    /// the config's `password`, the bean's `secretPassphrase` or the SFTP
    /// connection's `passphrase`, then each
    /// key info's `password` or `passphrase` (`passphrase of key `k``).
    pub fn key_passwords(&self) -> Vec<(String, &Value)> {
        let own: &[&str] = match self.kind {
            KeyLoaderKind::SftpIdentity => &["passphrase"],
            _ => &["password", "secretPassphrase"],
        };
        let mut out: Vec<(String, &Value)> = own
            .iter()
            .filter_map(|n| Some((n.to_string(), self.attr(n)?)))
            .collect();
        for info in &self.key_infos {
            let key = info
                .attr("keyId")
                .map(|k| format!(" of key `{}`", k.raw))
                .unwrap_or_default();
            for n in ["password", "passphrase"] {
                if let Some(v) = info.attr(n) {
                    out.push((format!("{n}{key}"), v));
                }
            }
        }
        out
    }

    /// `Crypto config `Signing` (crypto:jce-config)`, `Spring bean
    /// `pgpKeyManager` (PGPKeyRingImpl)`.
    pub fn describe(&self) -> String {
        let label = self
            .name
            .as_deref()
            .map(|n| format!(" `{n}`"))
            .unwrap_or_default();
        match self.kind {
            KeyLoaderKind::PgpKeyRingBean => format!("Spring bean{label} (PGPKeyRingImpl)"),
            KeyLoaderKind::SftpIdentity => format!("SFTP connection{label} ({})", self.element),
            _ => format!("Crypto config{label} ({})", self.element),
        }
    }
}
