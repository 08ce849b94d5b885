//! Property files, the entries they hold, and the elements that load them
//! (`configuration-properties`, `secure-properties:config`, Mule 3
//! placeholders, `global-property`).

use serde::Serialize;

use crate::expr::Value;
use crate::location::{FilePath, Location};

/// `secure-properties:config` (Mule 4) or `secure-property-placeholder:config`
/// (Mule 3).
#[derive(Debug, Clone, Serialize)]
pub struct SecurePropertiesConfig {
    pub name: Option<String>,
    pub element: String,
    pub location: Location,
    pub key: Option<Value>,
    // Boxed: what file a config reads and how it encrypts are read in the
    // app pass only for a compact app (into its facts), which then keeps
    // none of them (`scan_scope::keep_what_scan_rules_read`); unboxed,
    // each took 48 bytes of every config held to the end of a scan.
    /// `file` (Mule 4) or `location` (Mule 3).
    pub file: Option<Box<Value>>,
    /// `algorithm` / `encryptionAlgorithm`; default AES.
    pub algorithm: Option<Box<Value>>,
    /// `mode` / `encryptionMode`; default CBC.
    pub mode: Option<Box<Value>>,
    /// `useRandomIVs`; default false.
    pub use_random_ivs: Option<Box<Value>>,
}

impl SecurePropertiesConfig {
    /// The encryption settings written (`algorithm`, `mode`, `useRandomIVs`
    /// or their Mule 3 names), those present.
    pub fn settings(&self) -> impl Iterator<Item = &Value> {
        [&self.algorithm, &self.mode, &self.use_random_ivs]
            .into_iter()
            .filter_map(|v| v.as_deref())
    }

    pub fn algorithm_name(&self) -> &str {
        self.algorithm
            .as_ref()
            .map(|v| v.raw.trim())
            .unwrap_or("AES")
    }

    pub fn mode_name(&self) -> &str {
        self.mode.as_ref().map(|v| v.raw.trim()).unwrap_or("CBC")
    }

    pub fn random_ivs(&self) -> bool {
        self.use_random_ivs
            .as_ref()
            .is_some_and(|v| v.raw.trim().eq_ignore_ascii_case("true"))
    }

    /// Whether the runtime offers random IVs: Mule 4's `secure-properties` does, Mule 3's
    /// `secure-property-placeholder` does not.
    pub fn has_random_iv_option(&self) -> bool {
        !self.element.starts_with("secure-property-placeholder")
    }
}

/// An element that loads property files: `configuration-properties`,
/// `secure-properties:config`, Mule 3 `context:property-placeholder`.
#[derive(Debug, Clone, Serialize)]
pub struct PropertyImport {
    pub element: String,
    /// The file (or comma-separated locations) attribute as written.
    pub file: Value,
    pub secure: bool,
}

/// A property file of the app that an import names but for the letter case
/// of its name (`properties/Dev.yaml` for `file="properties/dev.yaml"`) or
/// for its YAML extension (`config.yml` for `file="config.yaml"`). Mule
/// finds a file by its exact name: one spelt with the other extension is
/// never loaded, one in another letter case only on Windows and macOS (not
/// on Linux, CloudHub or from the deployed jar).
#[derive(Debug, Clone, Serialize)]
pub struct MisnamedPropertyFile {
    /// The file's path, as its entries' locations spell it.
    pub path: String,
    /// The import's element (`configuration-properties`, ...).
    pub element: String,
    /// The import's `file` (or `location`) attribute, where it is written.
    pub import: Value,
    /// How its name differs from the import's.
    pub misnaming: Misnaming,
}

/// How a property file's name differs from what its import names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Misnaming {
    /// Only in letter case (`Dev.yaml` for `dev.yaml`).
    LetterCase,
    /// Only in its YAML extension (`.yml` for `.yaml`, or the reverse).
    Extension,
}

/// `<global-property name value/>`.
#[derive(Debug, Clone, Serialize)]
pub struct GlobalProperty {
    pub name: String,
    pub value: Value,
    pub location: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PropertyFormat {
    Yaml,
    Properties,
}

/// A property file of the app, with what the reader learnt of how Mule loads it.
#[derive(Debug, Clone, Serialize)]
pub struct PropertyFile {
    pub path: FilePath,
    pub format: PropertyFormat,
    /// The environment this file is for, when its name was matched by an
    /// import with `${mule.env}` / `${env}` in it. `None`: every environment.
    pub environment: Option<String>,
    /// Loaded by a secure-properties config (`${secure::...}` reads it).
    pub secure: bool,
    /// A secure file a `configuration-properties` import loads as well (one
    /// file for both, a common layout): `${name}` reads it too, its `![...]`
    /// values as written. Set on secure files only.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub plain_too: bool,
    /// Matched by some import. Files nobody imports are still audited, but do
    /// not take part in resolution.
    pub loaded: bool,
    pub entries: Vec<PropertyEntry>,
    /// Values written otherwise than they read: over several lines
    /// (`.properties` continuations) or with escapes (`Mule\=24#x`), as
    /// (entry index, the value's pieces as written): what output must mask
    /// wherever a piece appears, the value read being all the readers keep.
    /// Empty for most files.
    #[serde(skip)]
    pub split_values: Vec<(u32, Box<[Box<str>]>)>,
}

impl PropertyFile {
    /// Whether a Mule 4 reference reads this file: `${secure::name}`
    /// (`secure`) the files of secure-properties configs, `${name}` those of
    /// `configuration-properties` imports.
    pub fn read_by(&self, secure: bool) -> bool {
        if secure {
            self.secure
        } else {
            !self.secure || self.plain_too
        }
    }
}

/// One key of a property file (YAML keys flattened with dots).
#[derive(Clone)]
pub struct PropertyEntry {
    /// The key and then the value, in one allocation: a scan holds every
    /// entry of every app (about 120 per app) until the rules have run.
    text: Box<str>,
    /// The key's length, in its top bit [`PropertyEntry::UNREAD`] and in
    /// the next [`PropertyEntry::SECRET_NAME`].
    key_len: u32,
    /// [`PropertyEntry::hash_key`] of the key: resolution compares this
    /// before the key (thousands of lookups per app); it fits in the
    /// struct's padding.
    key_hash: u32,
    /// Location of the key.
    pub location: Location,
}

// The key hash costs no memory: it fills what was padding.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<PropertyEntry>() == 48);

impl PropertyEntry {
    pub fn new(key: &str, value: &str, location: Location) -> Self {
        Self::nested("", key, value, location)
    }

    /// The entry of `key` under `prefix` (YAML nesting): the key is
    /// `prefix.key`, or `key` when `prefix` is empty. One allocation for the
    /// joined key and the value.
    pub fn nested(prefix: &str, key: &str, value: &str, location: Location) -> Self {
        let dot = usize::from(!prefix.is_empty());
        let key_len = prefix.len() + dot + key.len();
        let mut text = String::with_capacity(key_len + value.len());
        text.push_str(prefix);
        if dot == 1 {
            text.push('.');
        }
        text.push_str(key);
        let key_hash = Self::hash_key(&text);
        // Asked of every entry by IG102, the redactor and IG107: told once.
        // A token endpoint's address under a token's name (`sf.token:
        // https://.../oauth2/token`) is no secret.
        let secret_name =
            if crate::vocab::is_secret_name(&text) && !crate::vocab::is_token_endpoint_url(value) {
                Self::SECRET_NAME
            } else {
                0
            };
        text.push_str(value);
        PropertyEntry {
            text: text.into_boxed_str(),
            // A key of 1 GiB is beyond any file the readers accept.
            key_len: u32::try_from(key_len)
                .unwrap_or(Self::KEY_LEN)
                .min(Self::KEY_LEN)
                | secret_name,
            key_hash,
            location,
        }
    }

    /// The top bit of `key_len`: the entry is written but Mule does not read
    /// it ([`PropertyEntry::mark_unread`]).
    const UNREAD: u32 = 1 << 31;
    /// The bit of `key_len` telling that the key names a secret
    /// ([`PropertyEntry::has_secret_name`]).
    const SECRET_NAME: u32 = 1 << 30;
    /// The bits of `key_len` that hold the key's length.
    const KEY_LEN: u32 = Self::SECRET_NAME - 1;

    /// Marks the entry as written but not read by Mule: a YAML key written
    /// again later in the same mapping replaces the whole of its first value
    /// (SnakeYAML keeps a duplicate key's last value), so what the first
    /// defines is defined nowhere. Resolution ([`PropertyEntry::has_key`])
    /// passes it by; it is still committed, and reported as such.
    pub fn mark_unread(&mut self) {
        self.key_len |= Self::UNREAD;
    }

    /// See [`PropertyEntry::mark_unread`].
    pub fn is_unread(&self) -> bool {
        self.key_len & Self::UNREAD != 0
    }

    /// [`crate::vocab::is_secret_name`] of the key, worked out when the
    /// entry was made; false for a token endpoint's address
    /// ([`crate::vocab::is_token_endpoint_url`]).
    pub fn has_secret_name(&self) -> bool {
        self.key_len & Self::SECRET_NAME != 0
    }

    fn key_end(&self) -> usize {
        (self.key_len & Self::KEY_LEN) as usize
    }

    /// A cheap hash of a key (FNV-1a), for [`PropertyEntry::has_key`].
    pub fn hash_key(key: &str) -> u32 {
        key.bytes().fold(0x811c_9dc5_u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        })
    }

    /// [`PropertyEntry::hash_key`] of the key, computed when it was made.
    pub fn key_hash(&self) -> u32 {
        self.key_hash
    }

    /// Whether this entry's key is `key`, whose [`PropertyEntry::hash_key`]
    /// is `hash`, and Mule reads it (an entry marked unread answers no
    /// lookup).
    pub fn has_key(&self, key: &str, hash: u32) -> bool {
        self.key_hash == hash && self.key() == key && !self.is_unread()
    }

    pub fn key(&self) -> &str {
        &self.text[..self.key_end()]
    }

    /// The key of the first entry of a `.properties` file that starts with a
    /// UTF-8 byte order mark, without the mark: Java's `Properties.load`
    /// (Mule reads the file through a UTF-8 reader, which keeps the mark)
    /// makes the mark part of that key, so `${name}` does not read it. The
    /// key keeps the mark, as Mule reads it; output names it with this.
    /// `None` for every other key.
    pub fn key_after_bom(&self) -> Option<&str> {
        self.key().strip_prefix('\u{feff}')
    }

    /// The value as written (quotes removed). May be a secret: never output.
    pub fn value(&self) -> &str {
        &self.text[self.key_end()..]
    }

    /// The key names an item of a YAML list (`api.keys[0].secret`): Mule's
    /// configuration properties name no property after a list item (a list
    /// of scalars is one comma-separated value, a list of maps is refused),
    /// so no `${...}` reads it. Only meaningful for YAML files: a
    /// `.properties` key may hold `[0]` as it is.
    pub fn is_yaml_list_item(&self) -> bool {
        let key = self.key();
        key.match_indices('[').any(|(i, _)| {
            let rest = &key[i + 1..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && rest.as_bytes().get(digits) == Some(&b']')
        })
    }

    /// `![base64]` value: encrypted with the secure-properties key.
    pub fn encrypted_payload(&self) -> Option<&str> {
        let v = crate::trim::trim(self.value());
        v.strip_prefix("![")?.strip_suffix(']')
    }

    /// The value is a reference (`${SF_PASSWORD}`, alone or in text) or an
    /// encrypted `![...]` one: no clear value `intguard fix secrets` can move.
    pub fn is_reference_or_encrypted(&self) -> bool {
        self.value().contains("${") || self.encrypted_payload().is_some()
    }
}

/// The value is masked: a debug print in a log or a failed assertion must
/// not show a secret either.
impl std::fmt::Debug for PropertyEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PropertyEntry")
            .field("key", &self.key())
            .field("value", &crate::secret::mask(self.value()))
            .field("location", &self.location)
            .finish()
    }
}

/// Serialized as `{key, location}`: the value may be a secret.
impl Serialize for PropertyEntry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("PropertyEntry", 2)?;
        s.serialize_field("key", self.key())?;
        s.serialize_field("location", &self.location)?;
        s.end()
    }
}

pub(super) use crate::gap_pattern::file_pattern_matches;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_list_items() {
        let item = |k: &str| PropertyEntry::new(k, "v", Location::new("a.yaml", 1, 1));
        assert!(item("api.keys[0].secret").is_yaml_list_item());
        assert!(item("hosts[12]").is_yaml_list_item());
        assert!(!item("api.keys.secret").is_yaml_list_item());
        assert!(!item("odd[x].key").is_yaml_list_item());
        assert!(!item("odd[].key").is_yaml_list_item());
    }

    /// The secret-name bit is the key's [`crate::vocab::is_secret_name`]
    /// (under its YAML prefix too), and shares `key_len` with the key's
    /// length and the unread mark without changing either.
    #[test]
    fn secret_name_is_told_once_and_kept_beside_the_length() {
        let at = || Location::new("p.yaml", 1, 1);
        for (prefix, key) in [
            ("", "sfdc.password"),
            ("sfdc", "password"),
            ("sfdc", "username"),
            ("oauth", "tokenUrl"),
            ("", "api.key"),
            ("api", "key"),
            ("", "passwordPolicy"),
            ("", "x"),
        ] {
            let mut e = PropertyEntry::nested(prefix, key, "v", at());
            let full = if prefix.is_empty() {
                key.to_string()
            } else {
                format!("{prefix}.{key}")
            };
            assert_eq!(
                e.has_secret_name(),
                crate::vocab::is_secret_name(&full),
                "{full}"
            );
            e.mark_unread();
            assert_eq!((e.key(), e.value()), (full.as_str(), "v"));
            assert!(e.is_unread());
            assert_eq!(e.has_secret_name(), crate::vocab::is_secret_name(&full));
        }
        assert!(PropertyEntry::new("sf.password", "", at()).has_secret_name());
        assert!(!PropertyEntry::new("sf.user", "", at()).has_secret_name());
    }

    #[test]
    fn property_entry_debug_shows_the_key_and_masks_the_value() {
        let e = PropertyEntry::new(
            "sfdc.password",
            "Sup3rS3cret!",
            Location::new("p.yaml", 3, 1),
        );
        assert_eq!((e.key(), e.value()), ("sfdc.password", "Sup3rS3cret!"));
        let debug = format!("{e:?}");
        assert!(debug.contains("sfdc.password"), "{debug}");
        assert!(!debug.contains("Sup3rS3cret!"), "{debug}");
    }
}

#[cfg(test)]
mod secure_config_tests {
    use super::super::{MuleApp, MuleRuntime};
    use super::*;

    #[test]
    fn patterns() {
        assert!(file_pattern_matches(
            "properties/${mule.env}-secure.yaml",
            "properties/dev-secure.yaml"
        ));
        assert!(!file_pattern_matches(
            "properties/${mule.env}-secure.yaml",
            "properties/a/dev-secure.yaml"
        ));
        assert!(file_pattern_matches("s2.yaml", "s2.yaml"));
        assert!(!file_pattern_matches("s1.yaml", "s2.yaml"));
        assert!(file_pattern_matches("${a}/${b}.yaml", "x/y.yaml"));
        // An unclosed placeholder is literal text.
        assert!(file_pattern_matches("${a}-${b.yaml", "x-${b.yaml"));
        assert!(!file_pattern_matches("${a}-${b.yaml", "x-y.yaml"));
        // Eight placeholders against a long name that does not match (every
        // split tried took 244 s).
        let many = "${a}${b}${c}${d}${e}${f}${g}${h}x.yaml";
        assert!(!file_pattern_matches(
            many,
            &format!("{}.yaml", "a".repeat(60))
        ));
        assert!(file_pattern_matches(
            many,
            &format!("{}x.yaml", "a".repeat(60))
        ));
    }

    /// Found by testing an estate: an app importing a common file before
    /// the environment's was proposed one secure file for every environment
    /// (`secure.yaml`, after the first import). The new file follows the
    /// import whose placeholder selected the environments' files, not one
    /// naming something else (`${app.name}.yaml`).
    #[test]
    fn a_new_secure_file_follows_the_environment_import() {
        let location = Location::file("orders-api/src/main/mule/global.xml");
        let import = |file: &str| PropertyImport {
            element: "configuration-properties".into(),
            file: Value::new(file, location.clone()),
            secure: false,
        };
        let mut app = MuleApp::new("orders-api", "orders-api", MuleRuntime::Mule4);
        app.environments = vec!["dev".into(), "prod".into()].into();
        app.environment_placeholders = vec![
            ("dev".into(), "mule.env".into()),
            ("prod".into(), "mule.env".into()),
        ]
        .into();
        app.property_imports = thin_vec::thin_vec![
            import("properties/common.yaml"),
            import("${app.name}.yaml"),
            import("properties/${mule.env}.yaml"),
        ];
        assert_eq!(
            app.new_secure_file_pattern(),
            "properties/${mule.env}-secure.yaml"
        );
        app.property_imports = thin_vec::thin_vec![import("properties/common.yaml")];
        app.environments.clear();
        app.environment_placeholders.clear();
        assert_eq!(app.new_secure_file_pattern(), "properties/secure.yaml");
    }

    /// A pattern's placeholders other than the environment's read what the
    /// app gives them at startup, as when the readers matched the file:
    /// `${app.name}-secure-${mule.env}.yaml` (app.name orders-api) does not
    /// read `other-secure-dev.yaml`.
    #[test]
    fn placeholders_known_at_startup() {
        let location = Location::file("orders-api/src/main/mule/global.xml");
        let value = |v: &str| Value::new(v, location.clone());
        let config = |name: &str, file: &str| SecurePropertiesConfig {
            name: Some(name.into()),
            element: "secure-properties:config".into(),
            location: location.clone(),
            key: Some(value("${key}")),
            file: Some(value(file).into()),
            algorithm: None,
            mode: None,
            use_random_ivs: None,
        };
        let mut app = MuleApp::new("orders-api", "orders-api", MuleRuntime::Mule4);
        app.global_properties.push(GlobalProperty {
            name: "app.name".into(),
            value: value("orders-api"),
            location: location.clone(),
        });
        app.secure_property_configs = vec![
            config("app", "${app.name}-secure-${mule.env}.yaml"),
            config("other", "other-secure-${mule.env}.yaml"),
        ];
        let file = |name: &str| PropertyFile {
            path: format!("orders-api/src/main/resources/{name}").into(),
            format: PropertyFormat::Yaml,
            environment: Some("dev".into()),
            secure: true,
            plain_too: false,
            loaded: true,
            entries: Vec::new(),
            split_values: Vec::new(),
        };
        let reader = |name: &str| {
            app.secure_config_for(&file(name))
                .and_then(|c| c.name.as_deref())
        };
        assert_eq!(reader("other-secure-dev.yaml"), Some("other"));
        assert_eq!(reader("orders-api-secure-dev.yaml"), Some("app"));
        assert_eq!(reader("billing-api-secure-dev.yaml"), None);
    }

    /// `scan .` gives the app root `.` and paths `./src/...`; a test
    /// resource is read by a config of the test sources only.
    #[test]
    fn root_dot_and_test_resources() {
        let config = |name: &str, xml: &str, file: &str| {
            let location = Location::file(xml);
            SecurePropertiesConfig {
                name: Some(name.into()),
                element: "secure-properties:config".into(),
                location: location.clone(),
                key: Some(Value::new("${key}", location.clone())),
                file: Some(Value::new(file, location).into()),
                algorithm: None,
                mode: None,
                use_random_ivs: None,
            }
        };
        let mut app = MuleApp::new("orders-api", ".", MuleRuntime::Mule4);
        app.secure_property_configs = vec![
            config("main", "./src/main/mule/global.xml", "secure.yaml"),
            config("suite", "./src/test/munit/suite.xml", "test-secure.yaml"),
        ];
        let file = |path: &str| PropertyFile {
            path: path.into(),
            format: PropertyFormat::Yaml,
            environment: None,
            secure: true,
            plain_too: false,
            loaded: true,
            entries: Vec::new(),
            split_values: Vec::new(),
        };
        let reader = |path: &str| {
            app.secure_config_for(&file(path))
                .and_then(|c| c.name.as_deref())
        };
        assert_eq!(reader("./src/main/resources/secure.yaml"), Some("main"));
        assert_eq!(reader("src/main/resources/secure.yaml"), Some("main"));
        assert_eq!(
            reader("./src/test/resources/test-secure.yaml"),
            Some("suite")
        );
        // The deployed app's config never reads a test resource.
        assert_eq!(reader("./src/test/resources/secure.yaml"), None);
    }
}

/// A property file pattern as written in an import's `file` (or Mule 3's
/// `location`), relative to the resources folder: `classpath:` and a
/// leading `/` removed.
pub fn resource_pattern(raw: &str) -> String {
    raw.trim()
        .trim_start_matches("classpath:")
        .trim_start_matches('/')
        .to_string()
}

impl super::MuleApp {
    /// The secure-properties configuration of the app's runtime
    /// (`secure-properties:config`, Mule 3's
    /// `secure-property-placeholder:config`): the one secrets are moved to.
    pub fn runtime_secure_config(&self) -> Option<&SecurePropertiesConfig> {
        let wanted = self.secure_config_element();
        self.secure_property_configs
            .iter()
            .find(|c| c.element == wanted)
    }

    /// The element of a secure-properties configuration in the app's
    /// runtime.
    pub fn secure_config_element(&self) -> &'static str {
        match self.runtime {
            super::MuleRuntime::Mule4 => "secure-properties:config",
            super::MuleRuntime::Mule3 => "secure-property-placeholder:config",
        }
    }

    /// The file a new secure-properties configuration of the app would read
    /// (relative to the resources folder), next to the app's other property
    /// files: `<dir>/${mule.env}-secure.yaml` after the placeholder of its
    /// first import that names one (Mule 3: `<dir>/secure.${env}.properties`), or one file
    /// for every environment (`secure.yaml`, `secure.properties`) when the
    /// app has no environments. `fix secrets` creates it; the rules' fixes
    /// name it.
    pub fn new_secure_file_pattern(&self) -> String {
        // The non-secure imports' locations: the first that names an
        // environment, else the first. Mule 3 lists several locations in
        // one (`location="common.properties,mule.${mule.env}.properties"`);
        // Mule 4 apps import a common file before the environment's
        // (`properties/common.yaml`, then `properties/${mule.env}.yaml`):
        // a file for every environment would mix their values.
        let locations: Vec<&str> = self
            .property_imports
            .iter()
            .filter(|i| !i.secure)
            .flat_map(|i| i.file.raw.split(','))
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        // A placeholder that selected environments' files (`mule.env`)
        // before any other (`${app.name}.yaml` names no environment).
        let is_env = |name: &str| self.environment_placeholders.iter().any(|(_, p)| p == name);
        let names_env = |l: &str| crate::expr::placeholders(l).iter().any(|p| is_env(&p.name));
        let import = locations
            .iter()
            .find(|l| names_env(l))
            .or_else(|| {
                locations
                    .iter()
                    .find(|l| !crate::expr::placeholders(l).is_empty())
            })
            .or(locations.first())
            .copied();
        let (dir, placeholder) = match import {
            Some(l) => {
                let p = resource_pattern(l);
                let dir = p
                    .rfind('/')
                    .map(|s| p[..=s].to_string())
                    .unwrap_or_default();
                let names: Vec<String> = crate::expr::placeholders(l)
                    .into_iter()
                    .map(|p| p.name)
                    .collect();
                let ph = names
                    .iter()
                    .find(|n| is_env(n))
                    .or(names.first())
                    .cloned()
                    .filter(|_| !self.environments.is_empty());
                (dir, ph)
            }
            None => ("properties/".to_string(), None),
        };
        match (self.runtime, placeholder) {
            (super::MuleRuntime::Mule4, Some(p)) => format!("{dir}${{{p}}}-secure.yaml"),
            (super::MuleRuntime::Mule4, None) => format!("{dir}secure.yaml"),
            (super::MuleRuntime::Mule3, Some(p)) => format!("{dir}secure.${{{p}}}.properties"),
            (super::MuleRuntime::Mule3, None) => format!("{dir}secure.properties"),
        }
    }

    /// Where the app's secure properties are written, for a fix to name:
    /// the file its secure-properties configuration reads (`config/${env}-secure.yaml,
    /// read by <secure-properties:config> `Secure_Props``), else the one a
    /// new configuration would read ([`MuleApp::new_secure_file_pattern`]).
    /// How an encrypted value of `key` is written in the secure file
    /// [`MuleApp::secure_file_hint`] names: `key=![...]` in a `.properties`
    /// file (quotes there would be part of the value, and not decrypted),
    /// `key: "![...]"` in YAML.
    pub fn secure_line(&self, key: &str) -> String {
        let properties = match self.runtime_secure_config() {
            Some(c) if c.file.is_some() => c
                .file
                .as_ref()
                .is_some_and(|f| resource_pattern(&f.raw).ends_with(".properties")),
            _ => self.new_secure_file_pattern().ends_with(".properties"),
        };
        if properties {
            format!("{key}=![<encrypted value>]")
        } else {
            format!("{key}: \"![<encrypted value>]\"")
        }
    }

    pub fn secure_file_hint(&self) -> String {
        match self.runtime_secure_config() {
            Some(c) if c.file.is_some() => {
                let file = c.file.as_ref().map(|f| resource_pattern(&f.raw));
                format!(
                    "{}, read by <{}>{}",
                    file.unwrap_or_default(),
                    c.element,
                    c.name
                        .as_deref()
                        .map(|n| format!(" `{n}`"))
                        .unwrap_or_default()
                )
            }
            _ => format!(
                "{}, read by a new <{}>",
                self.new_secure_file_pattern(),
                self.secure_config_element()
            ),
        }
    }
}
