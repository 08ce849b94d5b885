//! What IG103 reads of an app's property files, global properties and
//! environments ([`KeyFacts`]): worked out as a compact app is read
//! ([`super::AppScanFacts::keys`]), and for an app kept whole when the rule
//! runs (after lending), by one function, so the rule reads both the same
//! way.

use crate::Location;

/// How an app's committed key definition is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyDefKind {
    /// `key="..."` on the config.
    Literal,
    /// A property file entry.
    PropertyFile,
    /// `<global-property name value/>`.
    GlobalProperty,
}

/// A committed definition of a secure-properties key in an app (a literal
/// key, a property file entry or a global property). Its value is never
/// output.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyDef {
    /// The property name as written; `None` for a literal `key="..."`.
    pub name: Option<String>,
    /// The key (assembled, when `pieces` are).
    pub value: String,
    pub location: Location,
    pub kind: KeyDefKind,
    /// The environment of the property file holding it (or of a piece's).
    pub environment: Option<String>,
    /// The other definitions the key is assembled from.
    pub pieces: Vec<KeyDef>,
    /// A property file entry of a secure file of the app.
    pub in_secure_file: bool,
}

/// One secure-properties config's part of [`KeyFacts`], by the config's
/// index in `MuleApp::secure_property_configs`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConfigKeyFacts {
    /// Its key's committed definitions in the app (a literal key, what the
    /// key resolves to per environment, the entries and global properties
    /// named as it), each place and value once, in order.
    pub sources: Vec<KeyDef>,
    /// IG108's upgrade applies to it (`fix secrets --upgrade-encryption`).
    pub upgrade: bool,
}

/// What IG103 reads of an app (see the module).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyFacts {
    /// One per secure-properties config of the app, in their order.
    pub configs: Vec<ConfigKeyFacts>,
    /// The entries and global properties named like an encryption key with
    /// a committed value, in order.
    pub named: Vec<KeyDef>,
}
