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

use thin_vec::ThinVec;

use super::{KeyLoaderKind, MuleApp, SalesforceConnection};
use crate::inventory::ConnectionUser;
use crate::location::Location;
use crate::shared_str::SharedStr;

/// An app's part of what the whole scan reads of it (see the module).
#[derive(Debug, Clone, Default)]
pub struct AppScanFacts {
    /// One per [`MuleApp::salesforce_connections`], in their order.
    pub connections: Vec<ConnectionFacts>,
    /// Every configuration of the app that loads a key store, trust store
    /// or key file by a path that resolves (IG105 and IG112 match them
    /// with the key material and certificates found anywhere in the scan),
    /// in the rules' order: the connections' `keyStore`, the stores of
    /// every TLS context, the key loaders.
    pub stores: Vec<StoreRef>,
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
#[derive(Debug, Clone, PartialEq)]
pub struct StoreRef {
    /// Where the path is written.
    pub at: Location,
    /// `keyStore of Salesforce connection `X` (salesforce:jwt-connection)`,
    /// `tls:key-store of HTTP listener `Y``, `keystore of Crypto JCE config
    /// `Z``: how IG112 names it.
    pub what: Box<str>,
    /// How IG105 names it, when not as [`StoreRef::what`]: a store of a
    /// global TLS context without a name is `tls:key-store of TLS context`
    /// there (`of a TLS context` in IG112).
    pub what_unnamed: Option<Box<str>>,
    /// False for a trust store and a public keyring: public certificates
    /// or keys only.
    pub holds_key: bool,
    pub source: StoreSource,
    /// The file names (the last segment of the path, trimmed) the path
    /// resolves to, each with the environments where it does (`None`:
    /// every environment).
    pub files: Vec<StoreFile>,
    /// The passwords opening it committed in clear (or left at a
    /// well-known default), each with its attribute's name.
    pub clear_passwords: ThinVec<(String, ClearValue)>,
    /// The index of the Salesforce connection holding it, among
    /// [`MuleApp::resolved_salesforce_connections`]: who it runs as.
    pub connection: Option<u32>,
}

impl StoreRef {
    /// The environments where the path names the file `name`; empty when
    /// it names it in none.
    pub fn environments_of(&self, name: &str) -> &[Option<SharedStr>] {
        self.files
            .iter()
            .find(|f| &*f.name == name)
            .map(|f| f.environments.as_slice())
            .unwrap_or_default()
    }

    /// The path names the file `name` in some environment.
    pub fn names_file(&self, name: &str) -> bool {
        self.files.iter().any(|f| &*f.name == name)
    }
}

/// One file name a [`StoreRef`]'s path resolves to.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreFile {
    pub name: Box<str>,
    /// Where it does, each environment once, in the order resolved
    /// (`None`: a value of no environment, loaded in every one).
    pub environments: Vec<Option<SharedStr>>,
}

/// What holds a [`StoreRef`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct ClearValue {
    /// The definition: the attribute itself when inline, else the property line.
    pub defined_at: Location,
    /// `None` for an inline value or a file read in every environment.
    pub environment: Option<String>,
    pub inline: bool,
}

/// Who a Salesforce connection logs in as, and what the whole-scan rules
/// ask of it, computed with every property of its app.
#[derive(Debug, Clone, Default)]
pub struct ConnectionFacts {
    /// Who it logs in as per environment: its username resolved in every
    /// environment (environments where it is encrypted or does not resolve
    /// left out), with what the pom's deployments set instead (the rules'
    /// `support::connection_identities`).
    pub users: Vec<ConnectionUser>,
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
}

impl MuleApp {
    /// The facts of `connection`, one of the app's own
    /// [`MuleApp::salesforce_connections`], when the app is compact and its
    /// facts were computed ([`MuleApp::scan_facts`]); `None` otherwise (a
    /// domain, a plugin, an app kept whole, an Inventory built by hand, a
    /// Mule plugin's connection lent to the app): the caller works them out
    /// from the app as it is.
    pub fn connection_facts(&self, connection: &SalesforceConnection) -> Option<&ConnectionFacts> {
        let facts = self.scan_facts.as_deref()?;
        let i = self
            .salesforce_connections
            .iter()
            .position(|c| std::ptr::eq(c, connection))?;
        facts.connections.get(i)
    }
}
