//! What IG103 reads of an app's property files, global properties and
//! environments ([`KeyFacts`]): worked out as a compact app is read
//! ([`super::AppScanFacts::keys`]), and for an app kept whole when the rule
//! runs (after lending), by one function, so the rule reads both the same
//! way. A compact app keeps none of what they are made from.

use crate::{Location, ThinVec};

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
/// key, a property file entry or a global property). Its value is a secret:
/// never output, and not shown by `Debug`.
#[derive(Clone, PartialEq)]
pub struct KeyDef {
    /// The property name as written; `None` for a literal `key="..."`.
    pub name: Option<Box<str>>,
    /// The key (assembled, when `pieces` are).
    pub value: Box<str>,
    pub location: Location,
    pub kind: KeyDefKind,
    /// A property file entry of a secure file of the app.
    pub in_secure_file: bool,
    /// The environment of the property file holding it (or of a piece's).
    pub environment: Option<Box<str>>,
    /// The other definitions the key is assembled from (usually none).
    pub pieces: ThinVec<KeyDef>,
}

impl std::fmt::Debug for KeyDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyDef")
            .field("name", &self.name)
            .field("value", &format_args!("<{} bytes>", self.value.len()))
            .field("location", &self.location)
            .field("kind", &self.kind)
            .field("in_secure_file", &self.in_secure_file)
            .field("environment", &self.environment)
            .field("pieces", &self.pieces)
            .finish()
    }
}

/// One secure-properties config's part of [`KeyFacts`], by the config's
/// index in `MuleApp::secure_property_configs`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConfigKeyFacts {
    /// Its key's committed definitions in the app (a literal key, what the
    /// key resolves to per environment, the entries and global properties
    /// named as it), each place and value once, in order: indices into
    /// [`KeyFacts::defs`].
    pub sources: ThinVec<u32>,
    /// IG108's upgrade applies to it (`fix secrets --upgrade-encryption`).
    pub upgrade: bool,
}

/// What IG103 reads of an app (see the module).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyFacts {
    /// Every definition the configs' sources and `named` refer to, each
    /// once (a key-named entry that is also a config's key is one).
    pub defs: ThinVec<KeyDef>,
    /// One per secure-properties config of the app, in their order.
    pub configs: ThinVec<ConfigKeyFacts>,
    /// The entries and global properties named like an encryption key with
    /// a committed value, in order: indices into `defs`.
    pub named: ThinVec<u32>,
}

impl KeyFacts {
    /// The index of `def` in [`KeyFacts::defs`], added when no equal
    /// definition is there yet.
    pub fn add(&mut self, def: KeyDef) -> u32 {
        match self.defs.iter().position(|d| *d == def) {
            Some(i) => i as u32,
            None => {
                self.defs.push(def);
                (self.defs.len() - 1) as u32
            }
        }
    }

    /// The definitions of config `config`'s key, in order.
    pub fn sources<'a>(&'a self, config: &'a ConfigKeyFacts) -> impl Iterator<Item = &'a KeyDef> {
        config.sources.iter().map(|&i| &self.defs[i as usize])
    }

    /// The definitions named like a key, in order.
    pub fn named(&self) -> impl Iterator<Item = &KeyDef> {
        self.named.iter().map(|&i| &self.defs[i as usize])
    }

    /// Says nothing IG103 would not assume of an app without facts for a
    /// config: no definition, none named like a key, and no config with a
    /// committed source or IG108's upgrade. A compact app keeps `None`
    /// instead ([`super::AppScanFacts::keys`]): most apps of a monorepo
    /// read their key from the deployment, and this was 60 bytes of each.
    pub fn holds_nothing(&self) -> bool {
        self.defs.is_empty()
            && self.named.is_empty()
            && self
                .configs
                .iter()
                .all(|c| c.sources.is_empty() && !c.upgrade)
    }

    /// Frees the lists' spare room (they are held until the rules are done).
    pub fn shrink_to_fit(&mut self) {
        self.defs.shrink_to_fit();
        self.configs.shrink_to_fit();
        self.named.shrink_to_fit();
        for c in self.configs.iter_mut() {
            c.sources.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str, value: &str, line: u32) -> KeyDef {
        KeyDef {
            name: Some(name.into()),
            value: value.into(),
            location: Location::new("app/src/main/resources/dev.yaml", line, 1),
            kind: KeyDefKind::PropertyFile,
            in_secure_file: false,
            environment: Some("dev".into()),
            pieces: ThinVec::new(),
        }
    }

    /// A definition a config's key resolves to and that is named like a
    /// key too is held once; the value is not shown.
    #[test]
    fn each_definition_is_held_once_and_its_value_not_shown() {
        let mut facts = KeyFacts::default();
        let a = facts.add(def("encryption.key", "S3cr3tK3y0123456", 4));
        let b = facts.add(def("encryption.key", "S3cr3tK3y0123456", 4));
        let c = facts.add(def("encryption.key", "0therK3y01234567", 4));
        assert_eq!((a, b, c), (0, 0, 1));
        assert_eq!(facts.defs.len(), 2);
        let shown = format!("{facts:?}");
        assert!(!shown.contains("S3cr3tK3y0123456"), "{shown}");
        assert!(!shown.contains("0therK3y01234567"), "{shown}");
        assert!(shown.contains("<16 bytes>"), "{shown}");
    }

    /// Facts with a config listing nothing say nothing; a source, an
    /// upgrade or a key-named definition is something.
    #[test]
    fn facts_hold_nothing_only_without_sources_upgrades_or_named_keys() {
        let blank = KeyFacts {
            configs: vec![ConfigKeyFacts::default(); 2].into(),
            ..KeyFacts::default()
        };
        assert!(blank.holds_nothing());
        let mut upgrade = blank.clone();
        upgrade.configs[1].upgrade = true;
        assert!(!upgrade.holds_nothing());
        let mut sourced = blank.clone();
        let at = sourced.add(def("encryption.key", "S3cr3tK3y0123456", 4));
        sourced.configs[0].sources.push(at);
        assert!(!sourced.holds_nothing());
        let mut named = blank.clone();
        let at = named.add(def("encryption.key", "S3cr3tK3y0123456", 4));
        named.named.push(at);
        assert!(!named.holds_nothing());
    }
}
