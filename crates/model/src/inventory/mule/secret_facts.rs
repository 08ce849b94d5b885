//! What IG104 (decryptable secrets) reads of an app: its `![...]` values,
//! the files holding them, the secure-properties configs that read them
//! and the cipher each config decrypts with per environment. Worked out as
//! a compact app is read ([`super::AppScanFacts::secrets`]), so that a scan
//! keeps these records instead of the property entries and the configs'
//! resolution; an app kept whole has them worked out when the rules run,
//! by the same function. A scan then moves a compact app's records out of
//! memory ([`KeptSecrets::Spilled`]) until IG104 reads them, one app at a
//! time ([`crate::Inventory::secret_facts`]).

use serde::{Deserialize, Serialize};

use crate::location::{FilePath, Location};

/// An index into [`SecretFacts::environments`]; [`SecretFacts::NO_ENV`]:
/// a file of every environment.
pub type EnvIx = u32;

/// An app's `![...]` values and what decrypting them needs (see the module).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecretFacts {
    /// One per [`super::MuleApp::secure_property_configs`], in their order.
    pub configs: Vec<SecretConfig>,
    /// The environment names [`SecretFile::environment`] and
    /// [`SecretConfig::ciphers`] refer to, each once.
    pub environments: Vec<Box<str>>,
    /// The files holding some `![...]` value, in the order their values
    /// are tried: the property files, then the MUnit test resources.
    pub files: Vec<SecretFile>,
    /// The properties holding some `![...]` value, each name once.
    pub keys: Vec<SecretKey>,
    /// Every `![...]` value, file by file, in each file's order.
    pub values: Vec<SecretValue>,
    /// The keys' names, one after the other.
    pub text: Box<str>,
    /// The values' payloads, base64-decoded (a quarter smaller than as
    /// written), one after the other.
    #[serde(with = "bytes")]
    pub payloads: Box<[u8]>,
}

impl SecretFacts {
    /// [`EnvIx`] of a file read in every environment.
    pub const NO_ENV: EnvIx = EnvIx::MAX;

    /// The environment's name (`None` for [`SecretFacts::NO_ENV`]).
    pub fn environment(&self, env: EnvIx) -> Option<&str> {
        self.environments.get(env as usize).map(|e| &**e)
    }

    /// A text held in [`SecretFacts::text`].
    pub fn text_at(&self, (start, len): (u32, u32)) -> &str {
        let start = start as usize;
        &self.text[start..start + len as usize]
    }

    /// The name of the property holding `value`.
    pub fn key_of(&self, value: &SecretValue) -> &str {
        self.text_at(self.keys[value.key as usize].name)
    }

    /// The bytes of the payload inside the brackets of `value`, decoded;
    /// `None` when it is not base64 (no key decrypts it).
    pub fn payload(&self, value: &SecretValue) -> Option<&[u8]> {
        let (start, len) = value.payload;
        if len == SecretValue::NOT_BASE64 {
            return None;
        }
        self.payloads
            .get(start as usize..start as usize + len as usize)
    }

    /// Where `value` is written: its property's key in its file.
    pub fn location(&self, value: &SecretValue) -> Location {
        Location {
            path: self.files[value.file as usize].path.clone(),
            line: value.line,
            column: value.column,
        }
    }
}

/// Counts only: the payloads are not shown, even encrypted.
impl std::fmt::Debug for SecretFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretFacts")
            .field("configs", &self.configs)
            .field("environments", &self.environments)
            .field("files", &self.files)
            .field("keys", &self.keys.len())
            .field("values", &self.values.len())
            .finish()
    }
}

/// A secure-properties config as IG104 reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretConfig {
    /// `<secure-properties:config> `Secure_Props``.
    pub label: Box<str>,
    /// How the app reads it, when not as `label`: a Mule plugin's config
    /// lent to the app importing its file says so.
    pub label_in: Option<Box<str>>,
    pub location: Location,
    /// The first property its `key` refers to (`encryption.key`).
    pub key_name: Option<Box<str>>,
    /// A Mule 3 `<secure-property-placeholder:config>`.
    pub mule3: bool,
    /// The config's element has a `useRandomIVs` setting (Mule 4).
    pub random_iv_option: bool,
    /// `fix secrets --upgrade-encryption` changes it (what IG108 reports).
    pub upgrade: bool,
    /// The folder `fix secrets` is given for it, when not the app's root
    /// (a Mule plugin's config: the folder holding it and its importers).
    pub folder: Option<Box<str>>,
    /// The ciphers it decrypts with, each with the environments whose
    /// settings give it (those of no environment left out); none when its
    /// algorithm or mode is unknown.
    pub ciphers: Vec<(CipherCode, Vec<EnvIx>)>,
}

/// A cipher's settings: the indexes of its algorithm and mode in
/// `mule_secure_props`' `Algorithm::ALL` and `Mode::ALL`, and its random
/// IVs (the rules convert it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CipherCode {
    pub algorithm: u8,
    pub mode: u8,
    pub random_iv: bool,
}

/// A file holding `![...]` values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretFile {
    pub path: FilePath,
    pub environment: EnvIx,
    /// The index of the config that reads it, when its `file` pattern says
    /// (`MuleApp::secure_config_for`).
    pub reader: Option<u32>,
}

/// A property holding `![...]` values, and what of the app's Salesforce
/// connections reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretKey {
    /// The name, in [`SecretFacts::text`].
    pub name: (u32, u32),
    /// What to change for a leaked value, by the connection attributes
    /// reading it.
    pub change: SecretChange,
    /// The indexes of the app's Salesforce connections reading it, in order.
    pub connections: Box<[u32]>,
}

/// What to change for a leaked value, by the first Salesforce connection
/// attributes reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecretChange {
    /// No connection reads it: told by the property's name.
    ByName,
    /// A login's `securityToken`.
    SecurityToken,
    /// A login's `password`.
    Password,
    /// Another attribute: the change the rules word for it.
    Issued(IssuedSecret),
}

/// A secret changed where it is issued, by what its attribute's name says
/// it is (the rules word the change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IssuedSecret {
    /// A key store's or key's password.
    KeyStore,
    /// A connected app's consumer key.
    ConsumerKey,
    /// Another secret (a consumer or client secret).
    Secret,
    /// Anything else (an API key).
    Other,
}

/// One `![...]` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretValue {
    /// Its file, in [`SecretFacts::files`].
    pub file: u32,
    /// Its property, in [`SecretFacts::keys`].
    pub key: u32,
    pub line: u32,
    pub column: u32,
    /// The payload inside the brackets, decoded, in
    /// [`SecretFacts::payloads`] (its length [`SecretValue::NOT_BASE64`]
    /// when it is not base64).
    pub payload: (u32, u32),
}

impl SecretValue {
    /// The length of a payload that is not base64.
    pub const NOT_BASE64: u32 = u32::MAX;
}

/// Where one of a compact app's records (its [`SecretFacts`], store
/// references or connections' facts) is kept until what reads it does.
#[derive(Debug, Clone, PartialEq)]
pub enum Kept<T> {
    /// In memory: as worked out, or when the scan could not move it out
    /// (no temporary file, or a write to it failed).
    Held(T),
    /// Moved out to the scan's store ([`crate::Inventory::secret_store`]).
    Spilled(SpilledAt),
}

impl<T: Default> Default for Kept<T> {
    fn default() -> Self {
        Kept::Held(T::default())
    }
}

impl<T> Kept<T> {
    /// The record, when held in memory.
    pub fn held(&self) -> Option<&T> {
        match self {
            Kept::Held(record) => Some(record),
            Kept::Spilled(_) => None,
        }
    }
}

/// Where a compact app's [`SecretFacts`] are kept until IG104 reads them.
pub type KeptSecrets = Kept<Box<SecretFacts>>;

/// Where a [`KeptSecrets::Spilled`] app's facts are in the scan's store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpilledAt {
    pub offset: u64,
    pub len: u32,
}

/// Where a scan keeps the [`SecretFacts`] and store references it moved out
/// of memory: the engine's encrypted temporary file. Safe to read from
/// several threads.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    /// The facts stored at `at`; `None` when they cannot be read back (the
    /// store notes it, and the scan's report says its findings are
    /// incomplete).
    fn load(&self, at: SpilledAt) -> Option<SecretFacts>;

    /// The store references stored at `at` ([`super::KeptStores`]), as
    /// [`SecretStore::load`].
    fn load_stores(&self, at: SpilledAt) -> Option<Vec<super::StoreRef>>;

    /// The facts of the `i`-th connection of those stored at `at`
    /// ([`super::KeptConnections`]), as [`SecretStore::load`] (`None` too
    /// when there is no such connection). An app's connections are asked
    /// for in turn: a store reads their record back once for them all.
    fn load_connection(&self, at: SpilledAt, i: usize) -> Option<super::ConnectionFacts>;
}

/// [`SecretFacts::payloads`] as bytes, not a sequence of numbers.
mod bytes {
    use serde::de::{Deserializer, Error, SeqAccess, Visitor};
    use serde::Serializer;

    pub(super) fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Box<[u8]>, D::Error> {
        struct Bytes;
        impl<'de> Visitor<'de> for Bytes {
            type Value = Box<[u8]>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                Ok(v.into())
            }
            fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
                Ok(v.into_boxed_slice())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(b) = seq.next_element()? {
                    out.push(b);
                }
                Ok(out.into_boxed_slice())
            }
        }
        d.deserialize_bytes(Bytes)
    }
}
