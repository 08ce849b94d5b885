//! What the whole-scan consumers (the rules' `Scope::Scan` rules, the App
//! rules' whole-scan parts and the identity graph) read of a Mule app's
//! connections, worked out once as the app is read: a scan then keeps these
//! small records instead of the properties and attributes they come from.
//!
//! Only a *compact* app has them: one that is not a domain, is not deployed
//! in one, is not a Mule plugin and imports no configuration file. What such
//! an app resolves does not change once other apps are read (no domain or
//! plugin lends it anything), so its facts are the same whenever they are
//! computed. The other apps are kept whole and read as before.

use serde::{Deserialize, Serialize};
use thin_vec::ThinVec;

use super::{Kept, KeyLoaderKind, MuleApp, SalesforceConnection};
use crate::inventory::ConnectionUser;
use crate::location::Location;
use crate::shared_str::SharedStr;

/// An app's part of what the whole scan reads of it (see the module).
#[derive(Debug, Clone, Default)]
pub struct AppScanFacts {
    /// One per [`MuleApp::salesforce_connections`], in their order. Moved
    /// out of memory by a scan once the app's pass is done, as its
    /// `secrets`.
    pub connections: KeptConnections,
    /// Every configuration of the app that loads a key store, trust store
    /// or key file by a path that resolves (IG105 and IG112 match them
    /// with the key material and certificates found anywhere in the scan),
    /// in the rules' order: the connections' `keyStore`, the stores of
    /// every TLS context, the key loaders. Moved out of memory by a scan
    /// once the app's pass is done, as its `secrets`.
    pub stores: KeptStores,
    /// The passwords committed in clear for the key and trust stores the
    /// app loads, with the file names of each store (only stores with
    /// some): what the reading tries on a PKCS#12 file that needs a
    /// password, once every file is read. Set by the reading's caller
    /// (`intguard_readers::keystore_passwords`).
    pub keystore_passwords: ThinVec<KeystorePasswords>,
    /// Its `![...]` values and what IG104 decrypts them with (moved out of
    /// memory by a scan once the app's pass is done); `None` for an app
    /// without a secure-properties config (whose values nothing tries).
    pub secrets: Option<super::KeptSecrets>,
    /// Its committed secure-properties key definitions, by config, and those
    /// named like a key, as IG103 reads them; `None` when they hold nothing
    /// ([`super::KeyFacts::holds_nothing`]): IG103 then reads each of the
    /// app's configs as one with no committed source and no upgrade.
    pub keys: Option<Box<super::KeyFacts>>,
}

/// The passwords committed in clear for one store an app loads (see
/// [`AppScanFacts::keystore_passwords`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeystorePasswords {
    /// The file names its path resolves to in some environment.
    pub files: Vec<Box<str>>,
    /// Its passwords' values written in clear, in the order tried.
    pub passwords: Vec<String>,
}

/// A configuration that loads a key store, trust store or key file by
/// path, as IG105 and IG112 read it: where the path is written, what to
/// call it, the file names it resolves to per environment and the
/// passwords opening it that are committed in clear.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreRef {
    /// Where the path is written.
    pub at: Location,
    /// What the path is written in, from which [`StoreRef::what`] words
    /// it when a finding names it.
    pub holder: StoreHolder,
    /// False for a trust store and a public keyring: public certificates
    /// or keys only.
    pub holds_key: bool,
    pub source: StoreSource,
    /// The file names (the last segment of the path, trimmed) the path
    /// resolves to, each with the environments where it does (`None`:
    /// every environment).
    pub files: Box<[StoreFile]>,
    /// The passwords opening it committed in clear (or left at a
    /// well-known default), each with its attribute's name.
    pub clear_passwords: ThinVec<(String, ClearValue)>,
    /// The index of the Salesforce connection holding it, among
    /// [`MuleApp::resolved_salesforce_connections`]: who it runs as.
    pub connection: Option<u32>,
}

impl StoreRef {
    /// How IG112 names it: `keyStore of Salesforce connection `X`
    /// (salesforce:jwt-connection)`, `tls:key-store of HTTP listener `Y``,
    /// `keystore of Crypto config `Z` (crypto:jce-config)`. `app` is the
    /// app whose reference it is (a Salesforce connection's names are
    /// read from it, by [`StoreRef::connection`]).
    pub fn what(&self, app: &MuleApp) -> String {
        let connection = || {
            self.connection
                .and_then(|i| app.resolved_salesforce_connections().nth(i as usize))
                .map(|(c, _)| c)
        };
        match &self.holder {
            StoreHolder::ConnectionKeyStore => match connection() {
                Some(c) => format!(
                    "keyStore of Salesforce connection `{}` ({})",
                    c.config_name, c.element
                ),
                None => "keyStore of a Salesforce connection".to_string(),
            },
            StoreHolder::Tls { element, owner } => {
                let element = element.as_str();
                match owner {
                    TlsHolder::Salesforce => match connection() {
                        Some(c) => {
                            format!("{element} of Salesforce connection `{}`", c.config_name)
                        }
                        None => format!("{element} of a Salesforce connection"),
                    },
                    TlsHolder::Listener(name) => format!("{element} of HTTP listener `{name}`"),
                    TlsHolder::Requester(name) => {
                        format!("{element} of HTTP request config `{name}`")
                    }
                    TlsHolder::Global(name) => {
                        let kind = if self.https_connector() {
                            "HTTPS connector"
                        } else {
                            "TLS context"
                        };
                        match name {
                            Some(n) => format!("{element} of {kind} `{n}`"),
                            None => format!("{element} of a {kind}"),
                        }
                    }
                }
            }
            StoreHolder::Loader { attr, loader } => format!("{attr} of {loader}"),
        }
    }

    /// How IG105 names it, when not as [`StoreRef::what`]: a store of a
    /// global TLS context without a name is `tls:key-store of TLS context`
    /// there (`of a TLS context` in IG112).
    pub fn what_unnamed(&self) -> Option<String> {
        match &self.holder {
            StoreHolder::Tls {
                element,
                owner: TlsHolder::Global(None),
            } if !self.https_connector() => Some(format!("{} of TLS context", element.as_str())),
            _ => None,
        }
    }

    fn https_connector(&self) -> bool {
        matches!(
            self.source,
            StoreSource::Tls {
                https_connector: true
            }
        )
    }

    /// The environments where the path names the file `name`; empty when
    /// it names it in none.
    pub fn environments_of(&self, name: &str) -> &[Option<SharedStr>] {
        self.files
            .iter()
            .find(|f| &*f.name == name)
            .map(|f| &*f.environments)
            .unwrap_or_default()
    }

    /// The path names the file `name` in some environment.
    pub fn names_file(&self, name: &str) -> bool {
        self.files.iter().any(|f| &*f.name == name)
    }
}

/// One file name a [`StoreRef`]'s path resolves to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreFile {
    pub name: Box<str>,
    /// Where it does, each environment once, in the order resolved
    /// (`None`: a value of no environment, loaded in every one).
    pub environments: Box<[Option<SharedStr>]>,
}

/// What a [`StoreRef`]'s path is written in: what [`StoreRef::what`]
/// words it from. Held instead of the wording (which every store of every
/// app had, and only the few a finding names need).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StoreHolder {
    /// The `keyStore` of the Salesforce connection at
    /// [`StoreRef::connection`].
    ConnectionKeyStore,
    /// A key or trust store element (`tls:key-store`) of a TLS context.
    Tls {
        element: StoreElement,
        owner: TlsHolder,
    },
    /// A key file attribute (`keystore`, `privateKeyring`) of a key loader,
    /// with the loader described (`Crypto config `Signing`
    /// (crypto:jce-config)`, [`super::KeyLoader::describe`]).
    Loader {
        #[serde(deserialize_with = "key_file_attribute")]
        attr: KeyFileAttribute,
        loader: Box<str>,
    },
}

/// A key file attribute's name (`keystore`, `privateKeyring`): a name of
/// its own so that serde does not take the field for text borrowed from
/// what it reads.
pub type KeyFileAttribute = &'static str;

/// A [`StoreHolder::Loader`]'s attribute read back: one of the names
/// [`KeyLoaderKind::key_file_attributes`] gives.
fn key_file_attribute<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    KeyLoaderKind::ALL
        .iter()
        .flat_map(|kind| kind.key_file_attributes())
        .map(|&(attr, _)| attr)
        .find(|attr| *attr == name)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown key file attribute {name}")))
}

/// Where a compact app's [`StoreRef`]s are kept until IG105 and IG112 read
/// them.
pub type KeptStores = Kept<Box<[StoreRef]>>;

/// Where a compact app's [`ConnectionFacts`] are kept until the identity
/// graph and the rules read them.
pub type KeptConnections = Kept<Box<[ConnectionFacts]>>;

/// A store element's qualified name, as written: the usual ones without
/// an allocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StoreElement {
    KeyStore,
    TrustStore,
    Other(Box<str>),
}

impl StoreElement {
    pub fn new(element: &str) -> StoreElement {
        match element {
            "tls:key-store" => StoreElement::KeyStore,
            "tls:trust-store" => StoreElement::TrustStore,
            other => StoreElement::Other(other.into()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            StoreElement::KeyStore => "tls:key-store",
            StoreElement::TrustStore => "tls:trust-store",
            StoreElement::Other(e) => e,
        }
    }
}

/// Who holds the TLS context of a [`StoreHolder::Tls`] store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TlsHolder {
    /// The Salesforce connection at [`StoreRef::connection`] (nested).
    Salesforce,
    /// An HTTP listener config, by name (nested).
    Listener(Box<str>),
    /// An HTTP request config, by name (nested).
    Requester(Box<str>),
    /// A global TLS context or a Mule 3 HTTPS connector
    /// ([`StoreSource::Tls`] says which), by name when it has one.
    Global(Option<Box<str>>),
}

/// What holds a [`StoreRef`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StoreSource {
    /// A Salesforce connection's `keyStore`.
    ConnectionKeyStore,
    /// A key or trust store of a TLS context (of a Mule 3 HTTPS
    /// connector, with `https_connector`).
    Tls { https_connector: bool },
    /// A key file attribute of a key loader.
    Loader(KeyLoaderKind),
}

/// Where a secret value is committed in clear: written literally in the XML,
/// or a plain (not `![...]`) value in a property file of some environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClearValue {
    /// The definition: the attribute itself when inline, else the property line.
    pub defined_at: Location,
    /// `None` for an inline value or a file read in every environment.
    pub environment: Option<String>,
    pub inline: bool,
}

/// Who a Salesforce connection logs in as, and what the whole-scan rules
/// ask of it, computed with every property of its app.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConnectionFacts {
    /// Who it logs in as per environment: its username resolved in every
    /// environment (environments where it is encrypted or does not resolve
    /// left out), with what the pom's deployments set instead (the rules'
    /// `support::connection_identities`).
    pub users: Box<[ConnectionUser]>,
    /// Indexes into `users` the identity graph leaves out: a username that
    /// is still a reference (`${...}`, `#[...]`) as the XML or the property
    /// files give it, which names no one ([`SalesforceConnection::users`]).
    pub unnamed: ThinVec<u32>,
    /// The environments where its username is an encrypted `![...]` value.
    pub encrypted_environments: ThinVec<Option<String>>,
    /// Its `consumerKey` resolved in every environment where it resolves
    /// and is not encrypted (no connected app's key is), trimmed, each once:
    /// IG303 tells a Mule app's own connected app by it.
    pub consumer_keys: ThinVec<String>,
    /// It presents a client certificate on port 8443 of My Domain in every
    /// environment (IG206's org side: whether granting the mutual TLS
    /// permission locks it out).
    pub presents_certificate_on_8443: bool,
}

impl ConnectionFacts {
    /// The users the identity graph counts ([`ConnectionFacts::unnamed`]
    /// apart): [`SalesforceConnection::users`].
    pub fn graph_users(&self) -> impl Iterator<Item = &ConnectionUser> {
        self.users
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.unnamed.contains(&(*i as u32)))
            .map(|(_, u)| u)
    }

    /// [`ConnectionFacts::graph_users`], taken.
    pub fn into_graph_users(self) -> Vec<ConnectionUser> {
        let unnamed = self.unnamed;
        self.users
            .into_vec()
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !unnamed.contains(&(*i as u32)))
            .map(|(_, u)| u)
            .collect()
    }
}

impl MuleApp {
    /// Where `connection` is among the app's own
    /// [`MuleApp::salesforce_connections`] when the app is compact and its
    /// facts were computed ([`MuleApp::scan_facts`]), with where they are
    /// kept; `None` otherwise (a domain, a plugin, an app kept whole, an
    /// Inventory built by hand, a Mule plugin's connection lent to the
    /// app): the caller works them out from the app as it is.
    pub fn kept_connection_facts(
        &self,
        connection: &SalesforceConnection,
    ) -> Option<(&KeptConnections, usize)> {
        let facts = self.scan_facts.as_deref()?;
        let i = self
            .salesforce_connections
            .iter()
            .position(|c| std::ptr::eq(c, connection))?;
        Some((&facts.connections, i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::mule::{AuthClass, MuleRuntime};

    fn store(holder: StoreHolder, source: StoreSource, connection: Option<u32>) -> StoreRef {
        StoreRef {
            at: Location::new("m3/src/main/app/jwt.xml", 6, 9),
            holder,
            holds_key: true,
            source,
            files: Box::default(),
            clear_passwords: ThinVec::new(),
            connection,
        }
    }

    fn tls(element: &str, owner: TlsHolder, https_connector: bool) -> StoreRef {
        store(
            StoreHolder::Tls {
                element: StoreElement::new(element),
                owner,
            },
            StoreSource::Tls { https_connector },
            None,
        )
    }

    /// Each kind of holder is worded as IG105's and IG112's findings name
    /// it (the literal text their fixtures' tests expect).
    #[test]
    fn a_store_is_worded_from_its_holder_when_asked() {
        let mut app = MuleApp::new("jwt-m3", "m3", MuleRuntime::Mule3);
        for (name, element) in [
            ("Other", "salesforce:basic-connection"),
            ("SF_JWT", "sfdc:cached-config-oauth-jwt-bearer"),
        ] {
            app.salesforce_connections.push(SalesforceConnection {
                config_name: name.into(),
                element: element.into(),
                runtime: MuleRuntime::Mule3,
                auth: AuthClass::Certificate,
                location: Location::new("m3/src/main/app/jwt.xml", 6, 5),
                attributes: Default::default(),
                tls_context: None,
                composite: false,
            });
        }
        let own = store(
            StoreHolder::ConnectionKeyStore,
            StoreSource::ConnectionKeyStore,
            Some(1),
        );
        assert_eq!(
            own.what(&app),
            "keyStore of Salesforce connection `SF_JWT` (sfdc:cached-config-oauth-jwt-bearer)"
        );
        let nested = StoreRef {
            connection: Some(1),
            ..tls("tls:key-store", TlsHolder::Salesforce, false)
        };
        assert_eq!(
            nested.what(&app),
            "tls:key-store of Salesforce connection `SF_JWT`"
        );
        let cases = [
            (
                tls(
                    "tls:trust-store",
                    TlsHolder::Listener("Api_Listener".into()),
                    false,
                ),
                "tls:trust-store of HTTP listener `Api_Listener`",
            ),
            (
                tls(
                    "tls:trust-store",
                    TlsHolder::Requester("Partner_Request".into()),
                    false,
                ),
                "tls:trust-store of HTTP request config `Partner_Request`",
            ),
            (
                tls(
                    "tls:key-store",
                    TlsHolder::Global(Some("Api_TLS".into())),
                    false,
                ),
                "tls:key-store of TLS context `Api_TLS`",
            ),
            (
                tls("tls:trust-store", TlsHolder::Global(None), false),
                "tls:trust-store of a TLS context",
            ),
            (
                tls(
                    "https:tls-key-store",
                    TlsHolder::Global(Some("Billing_HTTPS".into())),
                    true,
                ),
                "https:tls-key-store of HTTPS connector `Billing_HTTPS`",
            ),
            (
                tls("https:tls-key-store", TlsHolder::Global(None), true),
                "https:tls-key-store of a HTTPS connector",
            ),
            (
                store(
                    StoreHolder::Loader {
                        attr: "keystore",
                        loader: "Crypto config `Signing_Jce` (crypto:jce-config)".into(),
                    },
                    StoreSource::Loader(KeyLoaderKind::Jce),
                    None,
                ),
                "keystore of Crypto config `Signing_Jce` (crypto:jce-config)",
            ),
        ];
        for (r, what) in &cases {
            assert_eq!(r.what(&app), *what);
        }
        // IG105 calls a global TLS context without a name `TLS context`;
        // every other holder it names as IG112 does.
        let unnamed: Vec<Option<String>> = cases.iter().map(|(r, _)| r.what_unnamed()).collect();
        assert_eq!(
            unnamed,
            [
                None,
                None,
                None,
                Some("tls:trust-store of TLS context".to_string()),
                None,
                None,
                None
            ]
        );
        assert_eq!(own.what_unnamed(), None);
        assert_eq!(nested.what_unnamed(), None);
    }
}
