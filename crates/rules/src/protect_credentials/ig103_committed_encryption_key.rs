use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use intguard_model::secret::fingerprint;
use intguard_model::trim::trim;
use intguard_model::{
    vocab, Assignment, ConfigKeyFacts, DefinitionForm, Finding, GlobalProperty, Inventory, KeyDef,
    KeyDefKind, KeyFacts, Location, MuleApp, Practice, PropertyEntry, PropertyFile, PropertySource,
    Related, Resolved, RuleMeta, SecurePropertiesConfig, Severity, TextFileFacts,
};

use crate::support::{and_list, file_name, is_dummy, short_location};
use crate::Rule;

pub struct CommittedEncryptionKey;

static META: RuleMeta = RuleMeta {
    id: "IG103",
    name: "committed-encryption-key",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::Critical,
    summary: "The secure-properties encryption key is committed to the repository",
    doc: r#"## What it does
Finds the key of a `<secure-properties:config>` (Mule 4) or
`<secure-property-placeholder:config>` (Mule 3) written somewhere in the repository:
- a literal `key="..."` on the config itself;
- `key="${name}"` where `name` is defined in a property file of any environment
  (including files no configuration loads) or by a `<global-property>`;
- a definition of that name, or of a name conventionally holding the key
  (`encryption.key`, `secure.key`, `mule.key`, `runtime.key`, `ENCRYPTION_KEY`, ...),
  anywhere else: a pom `<properties>` entry (the project's, or a Mule Maven plugin
  deployment's `<properties>` / `<secureProperties>`), `-Dencryption.key=...` (or `-M-D...`) in
  `.mvn/jvm.config`, a Studio launch file, a script, a CI file, a `.env` file, a
  Dockerfile's `ENV` or `ARG`, a container's `env` entry in a Kubernetes manifest
  (`- name: MULE_ENCRYPTION_KEY` with a literal `value:`).

The finding sits on the definition and points at the config that uses it. The key is
never shown: only its length and a short SHA-256 fingerprint, so the same key can be
recognised in several places. Values that are themselves references (`${...}`,
`$ENCRYPTION_KEY`, `${{ secrets.KEY }}`) and template dummies do not count.

## Why is this bad?
Secure properties are only as secret as their key. Anyone who can read the repository
(every developer, every CI runner, every fork and clone, forever through git history)
can decrypt every `![...]` value with it: see IG104, which proves it. Encrypting with a
committed key is obfuscation, not protection, and it hides the problem from reviewers
who see `![...]` and assume the secrets are safe.

## Example
```xml
<secure-properties:config name="Secure_Props" key="${encryption.key}"
    file="properties/${mule.env}-secure.yaml">
  <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
</secure-properties:config>
```
```yaml
# src/main/resources/properties/dev.yaml
encryption:
  key: "Abcdef0123456789"
```

## How to fix
Keep the key out of the repository and supply it at deploy time, hidden by Runtime
Manager:
```xml
<secure-properties:config name="Secure_Props" key="${encryption.key}"
    file="properties/${mule.env}-secure.yaml">
  <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
</secure-properties:config>
```
```json
{ "minMuleVersion": "4.4.0", "secureProperties": ["encryption.key"] }
```
Set `encryption.key` as a protected property in Runtime Manager (or
`-M-Dencryption.key=...` from the deployment pipeline's secret store), delete every
committed copy and purge it from git history. Because the old key decrypts every value
ever committed with it, generate a new key, re-encrypt all `![...]` values with it
(`intguard fix secrets --key-env OLD_KEY_VAR --rotate-key NEW_KEY_VAR <app folder>`), and change
the secrets themselves.

## References
- MuleSoft Docs: Secure Configuration Properties (Mule 4)
- MuleSoft Docs: CloudHub 2.0, Protect Application Property Values (`secureProperties`)
- OWASP: Secrets Management Cheat Sheet
"#,
};

/// How a committed key is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeySourceKind {
    /// `key="..."` on the config.
    Literal,
    /// A property file entry.
    PropertyFile,
    /// `<global-property name value/>`.
    GlobalProperty,
    /// `-Dname=value`, a pom property, `export NAME=value`, a Dockerfile's
    /// `ENV`, a container's `env` entry ...: how it is written.
    Assignment(DefinitionForm),
}

/// The name an entry is written with: a `.properties` file's byte order mark,
/// which Mule reads as part of its first key, left out. A key written there
/// is committed all the same (and read once the mark is removed).
fn written_name(entry: &PropertyEntry) -> &str {
    entry.key_after_bom().unwrap_or(entry.key())
}

/// A secure-properties key value found in the repository.
#[derive(Debug, Clone)]
pub(super) struct KeySource<'a> {
    /// The property or variable name; `None` for a literal `key="..."`.
    pub name: Option<&'a str>,
    /// The key itself (assembled, when `pieces` are). Never output.
    pub value: Cow<'a, str>,
    pub location: &'a Location,
    pub kind: KeySourceKind,
    /// The environment of the property file holding it.
    pub environment: Option<&'a str>,
    /// The app whose folder holds the definition, if any.
    pub app: Option<&'a MuleApp>,
    /// The other definitions the key is assembled from (`${part}3456`),
    /// when this one does not hold all of it.
    pub pieces: Vec<KeySource<'a>>,
    /// A property file entry of one of its app's secure files.
    pub in_secure_file: bool,
}

impl<'a> KeySource<'a> {
    fn property(app: &'a MuleApp, file: &'a PropertyFile, entry: &'a PropertyEntry) -> Self {
        KeySource {
            name: Some(written_name(entry)),
            value: Cow::Borrowed(entry.value()),
            location: &entry.location,
            kind: KeySourceKind::PropertyFile,
            environment: file.environment.as_deref(),
            app: Some(app),
            pieces: Vec::new(),
            in_secure_file: false,
        }
    }

    fn global(app: &'a MuleApp, g: &'a GlobalProperty) -> Self {
        KeySource {
            name: Some(&g.name),
            value: Cow::Borrowed(&g.value.raw),
            location: &g.location,
            kind: KeySourceKind::GlobalProperty,
            environment: None,
            app: Some(app),
            pieces: Vec::new(),
            in_secure_file: false,
        }
    }

    fn resolved_from(app: &'a MuleApp, source: &PropertySource<'a>) -> Self {
        match *source {
            PropertySource::File { file, entry } => KeySource::property(app, file, entry),
            PropertySource::Global(g) => KeySource::global(app, g),
        }
    }

    fn assignment(a: &'a Assignment, owner: Option<&'a MuleApp>) -> Self {
        KeySource {
            name: Some(&a.name),
            value: Cow::Borrowed(&a.value),
            location: &a.location,
            kind: KeySourceKind::Assignment(a.form),
            environment: None,
            app: owner,
            pieces: Vec::new(),
            in_secure_file: false,
        }
    }

    /// `def`, a definition of `app`'s [`KeyFacts`].
    fn of_def(app: &'a MuleApp, def: &'a KeyDef) -> Self {
        KeySource {
            name: def.name.as_deref(),
            value: Cow::Borrowed(&def.value),
            location: &def.location,
            kind: match def.kind {
                KeyDefKind::Literal => KeySourceKind::Literal,
                KeyDefKind::PropertyFile => KeySourceKind::PropertyFile,
                KeyDefKind::GlobalProperty => KeySourceKind::GlobalProperty,
            },
            environment: def.environment.as_deref(),
            app: Some(app),
            pieces: def
                .pieces
                .iter()
                .map(|p| KeySource::of_def(app, p))
                .collect(),
            in_secure_file: def.in_secure_file,
        }
    }

    /// This source as an owned record of `app`'s [`KeyFacts`] (`app` is
    /// the app it was found in).
    fn to_def(&self, app: &MuleApp) -> KeyDef {
        let kind = match self.kind {
            KeySourceKind::Literal => KeyDefKind::Literal,
            KeySourceKind::PropertyFile => KeyDefKind::PropertyFile,
            KeySourceKind::GlobalProperty => KeyDefKind::GlobalProperty,
            KeySourceKind::Assignment(_) => {
                unreachable!("an app's key facts hold no assignment")
            }
        };
        KeyDef {
            name: self.name.map(Box::from),
            value: Box::from(&*self.value),
            location: self.location.clone(),
            kind,
            // A key kept in a secure file is no key a Mule 4 config can
            // read (unless a plain import loads the file too); the test of
            // the check, done as the app is read.
            in_secure_file: kind == KeyDefKind::PropertyFile
                && app
                    .property_files
                    .iter()
                    .any(|f| f.secure && !f.plain_too && f.path == self.location.path),
            environment: self.environment.map(Box::from),
            pieces: self.pieces.iter().map(|p| p.to_def(app)).collect(),
        }
    }
}

impl KeySource<'_> {
    /// `encryption.key in dev.yaml`, `the literal key attribute`, `assembled
    /// from ...` (no value).
    pub fn describe(&self) -> String {
        if self.pieces.is_empty() {
            self.describe_one()
        } else {
            format!("assembled from {}", self.definitions())
        }
    }

    /// Every definition the key is written in: this one and its pieces.
    pub fn definitions(&self) -> String {
        let all: Vec<String> = std::iter::once(self)
            .chain(&self.pieces)
            .map(KeySource::describe_one)
            .collect();
        and_list(&all)
    }

    fn describe_one(&self) -> String {
        let file = file_name(&self.location.path);
        match (self.kind, self.name) {
            (KeySourceKind::Literal, _) | (_, None) => {
                format!(
                    "the literal key attribute at {}",
                    short_location(self.location)
                )
            }
            (KeySourceKind::PropertyFile, Some(name)) => format!(
                "`{name}` in {file}{}",
                self.environment
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default()
            ),
            (KeySourceKind::GlobalProperty, Some(name)) => {
                format!("<global-property name=\"{name}\"> in {file}")
            }
            (KeySourceKind::Assignment(_), Some(name)) => format!("`{name}` in {file}"),
        }
    }
}

/// `16 characters, sha256:1a2b3c4d`: enough to recognise a key, nothing of it.
pub(super) fn key_digest(key: &str) -> String {
    format!(
        "{} characters, sha256:{}",
        key.chars().count(),
        fingerprint(key)
    )
}

/// Lowercase with `_`/`-` read as `.`, so `ENCRYPTION_KEY` matches `encryption.key`.
fn norm_name(name: &str) -> String {
    trim(name)
        .trim_start_matches("-M-D")
        .trim_start_matches("-D")
        .to_ascii_lowercase()
        .replace(['_', '-'], ".")
}

/// A name conventionally holding the secure-properties key. A bare `key` is too
/// common to count unless a config names it.
pub(crate) fn is_key_name(name: &str) -> bool {
    // Every such name ends in `key` (`encryption.key`, `ENCRYPTION_KEY`, `mule.key`).
    let t = trim(name).as_bytes();
    if t.len() < 4 || !t[t.len() - 3..].eq_ignore_ascii_case(b"key") {
        return false;
    }
    let n = norm_name(name);
    n != "key" && vocab::is_encryption_key_name(&n)
}

/// A value written out, not a reference resolved elsewhere (`${x}`, `$X`,
/// `%X%`, `${{ secrets.X }}`, `#{x}`) nor a template dummy.
pub(crate) fn is_committed_value(value: &str) -> bool {
    let v = trim(value);
    !(is_dummy(v)
        // `...`, `***`, `xxxx`, `-`: an ellipsis in a comment or a template.
        || v.chars().all(|c| !c.is_alphanumeric() || c == 'x' || c == 'X')
        || v.starts_with('$')
        // `cat /run/secrets/key` in backticks: a shell command's output.
        || (v.starts_with('`') && v.ends_with('`'))
        || is_template_word(v)
        || (v.starts_with('%') && v.ends_with('%'))
        || v.contains("{{")
        || v.starts_with("#{")
        || (v.starts_with('@') && v.ends_with('@')))
}

/// A word that asks for a value instead of being one: `REPLACE_ME`,
/// `your-encryption-key`, `<set-me>`, `TO_BE_SET`, `CHANGE_THIS`.
fn is_template_word(value: &str) -> bool {
    let folded: String = value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    ["replaceme", "changethis", "setme", "tobeset", "fillme"]
        .iter()
        .any(|w| folded.starts_with(w))
        || (folded.starts_with("your") && (folded.ends_with("key") || folded.ends_with("here")))
}

/// `${name}` alone: a definition that passes another's value on, holding
/// none of it.
fn is_bare_reference(raw: &str) -> bool {
    let raw = raw.trim();
    matches!(&intguard_model::expr::placeholders(raw)[..], [p] if p.start == 0 && p.end == raw.len())
}

/// The key a resolution gives, as a source: the first definition holding
/// some of its text, with the other definitions it is assembled from as its
/// pieces (`app.crypt: "${vault.k}3456"` and `vault.k`). `None` when the
/// resolved value is not a committed one.
fn resolved_key<'a>(app: &'a MuleApp, resolved: &Resolved<'a>) -> Option<KeySource<'a>> {
    let value = resolved.value.as_deref()?;
    if !is_committed_value(value) {
        return None;
    }
    let mut holders = resolved
        .sources
        .iter()
        .filter(|s| !is_bare_reference(s.raw_value()))
        .map(|s| KeySource::resolved_from(app, s));
    let mut key = holders.next()?;
    key.pieces = holders.collect();
    if key.value != value {
        key.value = Cow::Owned(value.to_string());
    }
    // Pieces from an environment's file make the key that environment's.
    key.environment = key
        .environment
        .or_else(|| key.pieces.iter().find_map(|p| p.environment));
    Some(key)
}

/// The property names a config's `key` refers to (`${encryption.key}`).
pub(crate) fn config_key_names(config: &SecurePropertiesConfig) -> Vec<String> {
    config
        .key
        .as_ref()
        .map(|k| k.placeholders().into_iter().map(|p| p.name).collect())
        .unwrap_or_default()
}

/// `a` and `b` name the same property (`ENCRYPTION_KEY` is `encryption.key`);
/// [`norm_name`] without allocating, as it runs on every property.
pub(crate) fn names_match(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> impl Iterator<Item = u8> + '_ {
        let s = trim(s);
        let s = s
            .strip_prefix("-M-D")
            .or_else(|| s.strip_prefix("-D"))
            .unwrap_or(s);
        s.bytes().map(|b| match b {
            b'_' | b'-' => b'.',
            _ => b.to_ascii_lowercase(),
        })
    }
    a == b || norm(a).eq(norm(b))
}

/// A text file with assignments, and the app whose folder holds it.
pub(super) type OwnedFile<'a> = (&'a TextFileFacts, Option<&'a MuleApp>);

/// The text files that define something, each with its app, found by walking
/// up the path's folders (not by testing every app: monorepos have thousands).
pub(super) fn assignment_files(inventory: &Inventory) -> Vec<OwnedFile<'_>> {
    let mut roots: HashMap<&str, &MuleApp> = HashMap::new();
    for app in &inventory.apps {
        roots.entry(app.root.trim_end_matches('/')).or_insert(app);
    }
    let owner = |path: &str| -> Option<&MuleApp> {
        let mut p = path;
        loop {
            if let Some(app) = roots.get(p) {
                return Some(*app);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return roots.get("").copied(),
            }
        }
    };
    inventory
        .text_files
        .iter()
        .filter(|f| !f.assignments.is_empty())
        .map(|f| (f, owner(&f.path)))
        .collect()
}

/// Assignment files grouped by the app that holds them: one list sorted by
/// the app's address, not a map of a list per app (every app of a monorepo
/// holds some: 2,000 lists and their map, about 260 kB, while IG103 and
/// IG104 ran beside the other rules).
pub(super) struct FilesByOwner<'a> {
    /// By the owning app's address, each app's files in their order.
    owned: Vec<(usize, &'a TextFileFacts)>,
    outside: Vec<OwnedFile<'a>>,
}

impl<'a> FilesByOwner<'a> {
    fn new(files: &[OwnedFile<'a>]) -> Self {
        let mut owned = Vec::with_capacity(files.len());
        let mut outside = Vec::new();
        for &(file, owner) in files {
            match owner {
                Some(app) => owned.push((app_address(app), file)),
                None => outside.push((file, None)),
            }
        }
        // Stable: each app's files stay in their order.
        owned.sort_by_key(|(app, _)| *app);
        FilesByOwner { owned, outside }
    }

    /// The files `app` holds, in their order.
    fn of(&self, app: &'a MuleApp) -> impl Iterator<Item = OwnedFile<'a>> + '_ {
        let key = app_address(app);
        let start = self.owned.partition_point(|(a, _)| *a < key);
        self.owned[start..]
            .iter()
            .take_while(move |(a, _)| *a == key)
            .map(move |&(_, file)| (file, Some(app)))
    }
}

fn app_address(app: &MuleApp) -> usize {
    std::ptr::from_ref(app) as usize
}

/// The committed definitions of one config's key in `app`: a literal key,
/// what `${name}` resolves to in each environment, every property file
/// entry and global-property of the app with that name, each place and
/// value once ([`ConfigKeyFacts::sources`]).
fn app_config_key_sources<'a>(
    app: &'a MuleApp,
    config: &'a SecurePropertiesConfig,
) -> Vec<KeySource<'a>> {
    let mut out: Vec<KeySource<'a>> = Vec::new();
    let Some(key) = &config.key else {
        return out;
    };
    if key.is_literal() {
        if is_committed_value(&key.raw) {
            out.push(KeySource {
                name: None,
                value: Cow::Borrowed(&key.raw),
                location: &key.location,
                kind: KeySourceKind::Literal,
                environment: None,
                app: Some(app),
                pieces: Vec::new(),
                in_secure_file: false,
            });
        }
        return out;
    }
    for resolved in app.resolve_all(key) {
        // Resolved in full, the key is what the definitions assemble.
        if resolved.value.is_some() {
            out.extend(resolved_key(app, &resolved));
            continue;
        }
        // Some piece is set at deploy time: the committed ones are reported.
        for source in &resolved.sources {
            if !is_committed_value(source.raw_value()) {
                continue;
            }
            out.push(match source {
                PropertySource::File { file, entry } => KeySource::property(app, file, entry),
                PropertySource::Global(g) => KeySource::global(app, g),
            });
        }
    }
    let names = config_key_names(config);
    let named = |n: &str| names.iter().any(|k| names_match(k, n));
    for file in &app.property_files {
        for entry in file.entries.iter().filter(|e| named(written_name(e))) {
            if is_committed_value(entry.value()) {
                out.push(KeySource::property(app, file, entry));
            }
        }
    }
    for g in app.global_properties.iter().filter(|g| named(&g.name)) {
        if is_committed_value(&g.value.raw) {
            out.push(KeySource::global(app, g));
        }
    }
    dedup_by_location(&mut out);
    out
}

/// The property file entries and global-properties of `app` named like an
/// encryption key with a committed value ([`KeyFacts::named`]).
fn app_named_key_sources(app: &MuleApp) -> Vec<KeySource<'_>> {
    let mut out = Vec::new();
    for file in &app.property_files {
        for entry in &file.entries {
            if is_key_name(written_name(entry)) && is_committed_value(entry.value()) {
                out.push(KeySource::property(app, file, entry));
            }
        }
    }
    for g in &app.global_properties {
        if is_key_name(&g.name) && is_committed_value(&g.value.raw) {
            out.push(KeySource::global(app, g));
        }
    }
    out
}

/// [`KeyFacts`] of `app`: worked out as a compact app is read, and for an
/// app kept whole when the rule runs (after lending). `None` for an app
/// with no secure-properties config and no definition named like a key.
pub(crate) fn key_facts(app: &MuleApp) -> Option<Box<KeyFacts>> {
    let named = app_named_key_sources(app);
    if app.secure_property_configs.is_empty() && named.is_empty() {
        return None;
    }
    // Each definition once: a config's `${encryption.key}` resolves to the
    // entry named like a key.
    let mut facts = KeyFacts::default();
    for config in &app.secure_property_configs {
        let sources = app_config_key_sources(app, config)
            .iter()
            .map(|s| facts.add(s.to_def(app)))
            .collect();
        let upgrade = super::ig104_decryptable_secret::upgrade_applies(app, config);
        facts.configs.push(ConfigKeyFacts { sources, upgrade });
    }
    facts.named = named.iter().map(|s| facts.add(s.to_def(app))).collect();
    facts.shrink_to_fit();
    Some(Box::new(facts))
}

/// Each app's [`KeyFacts`], in the apps' order: a compact app's as worked
/// out when it was read (empty when they held nothing, which a compact app
/// keeps as `None`: [`KeyFacts::holds_nothing`]), an app kept whole's
/// worked out now.
pub(super) fn apps_key_facts(inventory: &Inventory) -> Vec<Option<Cow<'_, KeyFacts>>> {
    inventory
        .apps
        .iter()
        .map(|app| match app.scan_facts.as_deref() {
            Some(facts) => Some(
                facts
                    .keys
                    .as_deref()
                    .map_or_else(|| Cow::Owned(KeyFacts::default()), Cow::Borrowed),
            ),
            None => key_facts(app).map(|f| Cow::Owned(*f)),
        })
        .collect()
}

/// The committed definitions of one config's key (`config_facts`, the
/// config's part of `app`'s [`KeyFacts`] `facts`), and assignments of its
/// name in the app's folder or outside every app (CI files, scripts at the
/// root).
pub(super) fn config_key_sources<'a>(
    files: &FilesByOwner<'a>,
    app: &'a MuleApp,
    config: &'a SecurePropertiesConfig,
    facts: &'a KeyFacts,
    config_facts: &'a ConfigKeyFacts,
) -> Vec<KeySource<'a>> {
    let mut out: Vec<KeySource<'a>> = Vec::new();
    let Some(key) = &config.key else {
        return out;
    };
    out.extend(
        facts
            .sources(config_facts)
            .map(|d| KeySource::of_def(app, d)),
    );
    if key.is_literal() {
        return out;
    }
    let names = config_key_names(config);
    let named = |n: &str| names.iter().any(|k| names_match(k, n));
    for (file, owner) in files.of(app).chain(files.outside.iter().copied()) {
        for a in file.assignments.iter().filter(|a| named(&a.name)) {
            if is_committed_value(&a.value) {
                out.push(KeySource::assignment(a, owner));
            }
        }
    }
    dedup_by_location(&mut out);
    out
}

/// Definitions named like an encryption key anywhere in the Inventory
/// (property files, global-properties, assignments), whatever config uses them.
pub(super) fn named_key_sources<'a>(
    inventory: &'a Inventory,
    facts: &'a [Option<Cow<'a, KeyFacts>>],
    files: &[OwnedFile<'a>],
) -> Vec<KeySource<'a>> {
    let mut out = Vec::new();
    for (app, facts) in inventory.apps.iter().zip(facts) {
        if let Some(facts) = facts {
            out.extend(facts.named().map(|d| KeySource::of_def(app, d)));
        }
    }
    for &(file, owner) in files {
        for a in &file.assignments {
            if is_key_name(&a.name) && is_committed_value(&a.value) {
                out.push(KeySource::assignment(a, owner));
            }
        }
    }
    dedup_by_location(&mut out);
    out
}

/// One source per definition and key: a definition whose pieces differ per
/// environment assembles one key per environment.
fn dedup_by_location(sources: &mut Vec<KeySource<'_>>) {
    let mut seen = HashSet::new();
    sources.retain(|s| seen.insert((s.location.clone(), s.value.to_string())));
}

/// A committed key with the configs that use it.
pub(super) struct CommittedKey<'a> {
    pub source: KeySource<'a>,
    pub users: Vec<(&'a MuleApp, &'a SecurePropertiesConfig)>,
    /// For each of `users`, whether IG108's upgrade applies to its config
    /// ([`ConfigKeyFacts::upgrade`]).
    pub upgrades: Vec<bool>,
}

/// What [`committed_keys`] reads for a config its app's facts do not list.
static UNLISTED: ConfigKeyFacts = ConfigKeyFacts {
    sources: intguard_model::ThinVec::new(),
    upgrade: false,
};

/// Every committed key in the Inventory, each definition once, in a stable
/// order, with the configs known to use it. `facts`: [`apps_key_facts`].
pub(super) fn committed_keys<'a>(
    inventory: &'a Inventory,
    facts: &'a [Option<Cow<'a, KeyFacts>>],
) -> Vec<CommittedKey<'a>> {
    let mut out: Vec<CommittedKey<'a>> = Vec::new();
    let mut index: HashMap<(Location, String), usize> = HashMap::new();
    // Definitions of some config's key or of a piece of it.
    let mut used: HashSet<&Location> = HashSet::new();
    let files = assignment_files(inventory);
    let grouped = FilesByOwner::new(&files);
    let none: &[ConfigKeyFacts] = &[];
    let configs_of = |i: usize| -> &'a [ConfigKeyFacts] {
        facts[i].as_deref().map_or(none, |f| f.configs.as_slice())
    };
    for (app, facts) in inventory.apps.iter().zip(facts) {
        let Some(facts) = facts.as_deref() else {
            continue;
        };
        // A config the facts do not list has no committed source and no
        // upgrade (a compact app's facts holding nothing are empty).
        let listed = facts.configs.iter().chain(std::iter::repeat(&UNLISTED));
        for (config, cf) in app.secure_property_configs.iter().zip(listed) {
            for source in config_key_sources(&grouped, app, config, facts, cf) {
                used.insert(source.location);
                used.extend(source.pieces.iter().map(|p| p.location));
                let at = (source.location.clone(), source.value.to_string());
                let i = *index.entry(at).or_insert_with(|| {
                    out.push(CommittedKey {
                        source,
                        users: Vec::new(),
                        upgrades: Vec::new(),
                    });
                    out.len() - 1
                });
                out[i].users.push((app, config));
                out[i].upgrades.push(cf.upgrade);
            }
        }
    }
    for source in named_key_sources(inventory, facts, &files) {
        if used.insert(source.location) {
            out.push(CommittedKey {
                source,
                users: Vec::new(),
                upgrades: Vec::new(),
            });
        }
    }
    // A generic name may still be some config's key in another way (an
    // assignment outside the app's folder): link by name.
    // Only the key's own app can use it, when it has one: testing every
    // app's configs for every such key was quadratic in a monorepo.
    let app_ix = |app: &MuleApp| -> usize {
        let at = app_address(app) - inventory.apps.as_ptr() as usize;
        at / std::mem::size_of::<MuleApp>()
    };
    for ck in out.iter_mut().filter(|c| c.users.is_empty()) {
        let Some(name) = ck.source.name else { continue };
        let apps: &[MuleApp] = match ck.source.app {
            Some(app) => std::slice::from_ref(app),
            None => &inventory.apps,
        };
        for app in apps {
            let config_facts = configs_of(app_ix(app));
            for (c, config) in app.secure_property_configs.iter().enumerate() {
                if config_key_names(config)
                    .iter()
                    .any(|n| names_match(n, name))
                {
                    ck.users.push((app, config));
                    ck.upgrades
                        .push(config_facts.get(c).is_some_and(|f| f.upgrade));
                }
            }
        }
    }
    out.sort_by(|a, b| a.source.location.cmp(b.source.location));
    out
}

/// Where the repository commits `key` as a secure-properties key: the
/// definitions this rule reports (and IG104 tries) whose value is `key`,
/// each place once, in order. Values are compared in memory; none is
/// returned.
pub fn where_key_is_committed(inventory: &Inventory, key: &[u8]) -> Vec<Location> {
    let facts = apps_key_facts(inventory);
    let mut out: Vec<Location> = committed_keys(inventory, &facts)
        .into_iter()
        .filter(|ck| {
            let value = ck.source.value.as_bytes();
            value == key || ck.source.value.trim().as_bytes() == key
        })
        .map(|ck| ck.source.location.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `<secure-properties:config> `Secure_Props``.
pub(super) fn config_label(config: &SecurePropertiesConfig) -> String {
    match &config.name {
        Some(name) => format!("<{}> `{name}`", config.element),
        None => format!("<{}>", config.element),
    }
}

/// [`config_label`] for a config as `app` reads it: a Mule plugin's config
/// lent to the app importing its file says so (`<secure-properties:config>
/// `Common_Secure` of Mule plugin common-lib, which orders-sapi imports`).
pub(super) fn config_label_in(app: &MuleApp, config: &SecurePropertiesConfig) -> String {
    let label = config_label(config);
    match app.lending_plugin(&config.location.path) {
        Some(plugin) => format!(
            "{label} of Mule plugin {plugin}, which {} imports",
            app.name
        ),
        None => label,
    }
}

/// What to do with a committed key, in the runtime's own terms.
fn fix_for(
    inventory: &Inventory,
    src: &KeySource<'_>,
    users: &[(&MuleApp, &SecurePropertiesConfig)],
    upgrades: &[bool],
) -> String {
    // The property the runtime reads the key from.
    let prop = users
        .iter()
        .find_map(|(_, c)| config_key_names(c).into_iter().next())
        .or_else(|| {
            src.name
                .filter(|n| n.contains('.'))
                .map(|n| norm_name(n).trim_start_matches('.').to_string())
        })
        .unwrap_or_else(|| "encryption.key".to_string());
    let mule3_only = !users.is_empty()
        && users
            .iter()
            .all(|(a, _)| a.runtime == intguard_model::MuleRuntime::Mule3);
    let supply = if mule3_only {
        format!("supply it at deploy time only (-M-D{prop}=... from the deployment's secret store, or a Runtime Manager property)")
    } else {
        let listed =
            !users.is_empty() && users.iter().all(|(a, _)| a.declares_secure_property(&prop));
        if listed {
            // mule-artifact.json already hides it in Runtime Manager.
            format!("supply it at deploy time only (a Runtime Manager protected property, or -M-D{prop}=... from the deployment's secret store)")
        } else {
            format!("supply it at deploy time only (a Runtime Manager protected property, or -M-D{prop}=... from the deployment's secret store) and list it in mule-artifact.json: \"secureProperties\": [\"{prop}\"]")
        }
    };
    // Each user's folder: a Mule plugin's config, the folder holding the
    // plugin and the apps importing it.
    let user_folders: Vec<String> = users
        .iter()
        .map(|(a, cfg)| crate::support::secure_config_folder(inventory, a, cfg))
        .collect();
    let mut folders: Vec<&str> = user_folders
        .iter()
        .map(String::as_str)
        .chain(src.app.map(|a| a.root.as_str()))
        .collect();
    folders.sort_unstable();
    folders.dedup();
    // A folder inside another listed one is rotated with it (the command
    // reads every app under the folder it is given).
    let within = |outer: &str, f: &str| {
        outer != f
            && (outer == "/"
                || (outer == "." && !f.starts_with('/'))
                || f.strip_prefix(outer)
                    .is_some_and(|rest| rest.starts_with('/')))
    };
    let all = folders.clone();
    folders.retain(|f| !all.iter().any(|outer| within(outer, f)));
    if folders.is_empty() {
        folders.push("<app folder>");
    }
    // A folder whose configurations IG108 finds weak changes them in the same
    // pass: rotating under weak settings would leave every value to
    // re-encrypt once more.
    let commands: Vec<String> = folders
        .iter()
        .map(|f| {
            let weak = upgrades
                .iter()
                .zip(&user_folders)
                .any(|(upgrade, folder)| (folder == f || within(f, folder)) && *upgrade);
            if weak {
                crate::support::upgrade_encryption_command(f)
            } else {
                crate::support::rotate_key_command(f)
            }
        })
        .collect();
    let rotate = format!(
        "The old key decrypts every value ever encrypted with it: generate a new key, re-encrypt every ![...] value with it ({}) and change the secrets it protected.",
        commands.join("; ")
    );
    let file = file_name(&src.location.path);
    if !src.pieces.is_empty() {
        let each: Vec<String> = std::iter::once(src)
            .chain(&src.pieces)
            .map(|s| {
                format!(
                    "`{}` from {}",
                    s.name.unwrap_or_default(),
                    file_name(&s.location.path)
                )
            })
            .collect();
        return format!(
            "Delete {} (the key is assembled from them) and purge them from git history; {supply}. {rotate}",
            and_list(&each)
        );
    }
    if let (KeySourceKind::Assignment(form), Some(name)) = (src.kind, src.name) {
        if let Some(how) = crate::support::container_value_removal(form, name, file) {
            return format!("{how}; {supply}. {rotate}");
        }
    }
    match (src.kind, src.name) {
        (KeySourceKind::Literal, _) | (_, None) => {
            format!("Replace the literal with key=\"${{{prop}}}\", {supply}. {rotate}")
        }
        (KeySourceKind::Assignment(_), Some(name)) => format!(
            "Delete the value of `{name}` from {file} and purge it from git history; take it from the CI or deployment secret store instead (a Jenkins credential, a GitHub Actions secret such as ${{{{ secrets.{} }}}}, ...), {supply}. {rotate}",
            crate::support::environment_variable(name)
        ),
        (_, Some(name)) => format!(
            "Delete `{name}` from {file} and purge it from git history; {supply}. {rotate}"
        ),
    }
}

impl Rule for CommittedEncryptionKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        let facts = apps_key_facts(inventory);
        for ck in committed_keys(inventory, &facts) {
            let src = &ck.source;
            let digest = key_digest(&src.value);
            let owner = src
                .app
                .map(|a| format!("{}: ", a.name))
                .or_else(|| ck.users.first().map(|(a, _)| format!("{}: ", a.name)))
                .unwrap_or_default();
            let used_by: Vec<String> = ck
                .users
                .iter()
                .map(|(app, c)| {
                    if app.lending_plugin(&c.location.path).is_some() {
                        config_label_in(app, c)
                    } else if Some(app.name.as_str()) == src.app.map(|a| a.name.as_str()) {
                        config_label(c)
                    } else {
                        format!("{} of {}", config_label(c), app.name)
                    }
                })
                .collect();
            let use_phrase = if used_by.is_empty() {
                "named like a secure-properties key".to_string()
            } else {
                format!("the key of {}", used_by.join(", "))
            };
            let message = match src.kind {
                _ if !src.pieces.is_empty() => format!(
                    "{owner}{} are committed, assembled into {use_phrase} ({digest})",
                    src.definitions()
                ),
                KeySourceKind::Literal => format!(
                    "{owner}{use_phrase} is written in the XML as a literal key attribute ({digest})"
                ),
                _ => format!(
                    "{owner}{} is committed, {use_phrase} ({digest})",
                    src.describe()
                ),
            };
            let fix = fix_for(inventory, src, &ck.users, &ck.upgrades);
            let key = match (src.kind, src.name) {
                (KeySourceKind::Literal, _) | (_, None) => format!(
                    "literal-key|{}",
                    ck.users
                        .first()
                        .and_then(|(_, c)| c.name.clone())
                        .unwrap_or_default()
                ),
                (_, Some(name)) => format!("key-definition|{name}"),
            };
            // With the digest of the key: a key rotated but committed again
            // in its place is a new exposure, a new finding for a baseline.
            let mut finding = Finding::new(&META, src.location.clone(), message)
                .environments(src.environment.map(str::to_string))
                .key_with_value(key, &fingerprint(&src.value))
                .fix(fix);
            for piece in &src.pieces {
                finding = finding.related(Related::new(
                    piece.location,
                    format!("part of the key: {}", piece.describe()),
                ));
            }
            // A key kept in a secure file is no key a Mule 4 config can
            // read (`${name}` reads plain files only, and the file needs the
            // key first); it is committed all the same.
            // Tested as the app was read ([`KeyDef::in_secure_file`]).
            let in_secure_file = src.kind == KeySourceKind::PropertyFile && src.in_secure_file;
            for (app, config) in &ck.users {
                if src.kind != KeySourceKind::Literal && config.location != *src.location {
                    let in_secure_file =
                        in_secure_file && app.runtime == intguard_model::MuleRuntime::Mule4;
                    let how = if in_secure_file {
                        "names this property as its key, which Mule cannot read from a secure-properties file (the key must open the file first)"
                    } else {
                        "takes its key from here"
                    };
                    let label = if app.lending_plugin(&config.location.path).is_some() {
                        format!("{},", config_label_in(app, config))
                    } else {
                        format!("{} of {}", config_label(config), app.name)
                    };
                    finding =
                        finding.related(Related::new(&config.location, format!("{label} {how}")));
                }
            }
            out.push(finding);
        }
        crate::support::disambiguate_keys(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each app's assignment files, in their order, and none of another
    /// app's or of those outside every app.
    #[test]
    fn files_by_owner_gives_each_apps_own_in_order() {
        let file = |path: &str| TextFileFacts {
            path: path.into(),
            ..TextFileFacts::default()
        };
        let texts = [
            file("orders/run.sh"),
            file("billing/run.sh"),
            file("ci/deploy.sh"),
            file("orders/.mvn/jvm.config"),
            file("billing/pom.xml"),
            file("orders/pom.xml"),
        ];
        let orders = MuleApp::new("orders", "orders", intguard_model::MuleRuntime::Mule4);
        let billing = MuleApp::new("billing", "billing", intguard_model::MuleRuntime::Mule4);
        let refunds = MuleApp::new("refunds", "refunds", intguard_model::MuleRuntime::Mule4);
        let owner = |t: &TextFileFacts| match t.path.split('/').next() {
            Some("orders") => Some(&orders),
            Some("billing") => Some(&billing),
            _ => None,
        };
        let files: Vec<OwnedFile<'_>> = texts.iter().map(|t| (t, owner(t))).collect();
        let grouped = FilesByOwner::new(&files);
        let paths = |app: &MuleApp| -> Vec<String> {
            grouped
                .of(app)
                .map(|(f, owner)| {
                    assert!(owner.is_some_and(|o| std::ptr::eq(o, app)));
                    f.path.to_string()
                })
                .collect()
        };
        assert_eq!(
            paths(&orders),
            ["orders/run.sh", "orders/.mvn/jvm.config", "orders/pom.xml"]
        );
        assert_eq!(paths(&billing), ["billing/run.sh", "billing/pom.xml"]);
        assert!(paths(&refunds).is_empty());
        assert_eq!(grouped.outside.len(), 1);
        assert_eq!(grouped.outside[0].0.path, "ci/deploy.sh");
    }

    #[test]
    fn commands_and_template_words_are_not_committed_keys() {
        for not_a_key in [
            "`cat /run/secrets/mule_key`",
            "REPLACE_ME",
            "your-encryption-key",
            "<set-me>",
            "TO_BE_SET",
            "$(cat key)",
        ] {
            assert!(!is_committed_value(not_a_key), "{not_a_key}");
        }
        for key in ["Abcdef0123456789", "mulesoft12345678", "Replace9Key!2024x"] {
            assert!(is_committed_value(key), "{key}");
        }
    }
    use crate::support::testkit::{loc, props, val};
    use intguard_model::{Assignment, GlobalProperty, TextFileFacts};

    fn config(key: Option<&str>, path: &str, line: u32) -> SecurePropertiesConfig {
        SecurePropertiesConfig {
            name: Some("Secure_Props".into()),
            element: "secure-properties:config".into(),
            location: loc(path, line),
            key: key.map(|k| val(k, path, line)),
            file: Some(val("properties/${mule.env}-secure.yaml", path, line).into()),
            algorithm: None,
            mode: None,
            use_random_ivs: None,
        }
    }

    fn app_with(key: &str) -> MuleApp {
        let mut app = crate::support::testkit::app("orders", &["dev", "prod"]);
        app.secure_property_configs = vec![config(Some(key), "orders/src/main/mule/global.xml", 7)];
        app
    }

    fn run(inv: &Inventory) -> Vec<Finding> {
        CommittedEncryptionKey.check(inv)
    }

    #[test]
    fn literal_key_is_flagged_without_showing_it() {
        let inv = Inventory {
            apps: vec![app_with("Abcdef0123456789")],
            ..Default::default()
        };
        let f = run(&inv);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].location.line, 7);
        assert!(
            f[0].message.contains("literal key attribute"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("16 characters"));
        for text in [f[0].message.as_str(), f[0].fix.as_str()] {
            assert!(!text.contains("Abcdef0123456789"));
        }
    }

    /// The fix asks to list the key's property in `secureProperties` unless
    /// mule-artifact.json lists it already, written as IG107 reads the list
    /// (an entry may carry spaces or `secure::`).
    #[test]
    fn fix_lists_the_key_property_unless_secure_properties_does() {
        let with_listing = |listed: Option<Vec<&str>>| {
            let mut app = app_with("${encryption.key}");
            let mut dev = props(
                "orders/src/main/resources/properties/dev.yaml",
                Some("dev"),
                false,
                &[("encryption.key", "Abcdef0123456789")],
            );
            dev.loaded = true;
            app.property_files = vec![dev].into();
            app.declared_secure_properties =
                listed.map(|l| l.into_iter().map(String::from).collect());
            let f = run(&Inventory {
                apps: vec![app],
                ..Default::default()
            });
            assert_eq!(f.len(), 1, "{f:#?}");
            f[0].fix.clone()
        };
        let ask = "and list it in mule-artifact.json: \"secureProperties\": [\"encryption.key\"]";
        assert!(with_listing(None).contains(ask));
        assert!(with_listing(Some(vec!["sfdc.password"])).contains(ask));
        for listed in [
            "encryption.key",
            " encryption.key ",
            "secure::encryption.key",
        ] {
            let fix = with_listing(Some(vec!["sfdc.password", listed]));
            assert!(!fix.contains(ask), "{listed}: {fix}");
            assert!(
                fix.contains("a Runtime Manager protected property"),
                "{fix}"
            );
        }
    }

    #[test]
    fn key_resolved_from_property_file_and_global_property() {
        let mut app = app_with("${encryption.key}");
        let mut dev = props(
            "orders/src/main/resources/properties/dev.yaml",
            Some("dev"),
            false,
            &[
                ("http.port", "8081"),
                ("encryption.key", "Abcdef0123456789"),
            ],
        );
        dev.loaded = true;
        app.property_files = vec![
            dev,
            props(
                "orders/src/main/resources/properties/prod.yaml",
                Some("prod"),
                false,
                &[("encryption.key", "${ENC_KEY}")],
            ),
        ]
        .into();
        app.global_properties = vec![GlobalProperty {
            name: "encryption.key".into(),
            value: val("Zyxwvu9876543210", "orders/src/main/mule/global.xml", 3),
            location: loc("orders/src/main/mule/global.xml", 3),
        }]
        .into();
        let inv = Inventory {
            apps: vec![app],
            ..Default::default()
        };
        let f = run(&inv);
        let places: Vec<_> = f
            .iter()
            .map(|f| (f.location.path.as_str(), f.location.line))
            .collect();
        assert_eq!(
            places,
            vec![
                ("orders/src/main/mule/global.xml", 3),
                ("orders/src/main/resources/properties/dev.yaml", 2)
            ]
        );
        let dev = &f[1];
        assert_eq!(dev.environments, vec!["dev".to_string()]);
        assert!(
            dev.message.contains("`encryption.key` in dev.yaml (dev)"),
            "{}",
            dev.message
        );
        assert!(dev
            .message
            .contains("<secure-properties:config> `Secure_Props`"));
        assert_eq!(dev.related[0].line, 7);
        // The definition's name, then the key's digest (a rotated key
        // committed again is a new finding); the name alone before.
        assert_eq!(
            dev.fingerprint_key,
            format!(
                "key-definition|encryption.key|{}",
                fingerprint("Abcdef0123456789")
            )
        );
        assert_eq!(
            dev.fingerprint_key_before_value.as_deref(),
            Some("key-definition|encryption.key")
        );
    }

    #[test]
    fn assignments_in_pom_jvm_config_and_ci() {
        let app = app_with("${encryption.key}");
        let inv = Inventory {
            apps: vec![app],
            text_files: vec![
                TextFileFacts {
                    path: "orders/.mvn/jvm.config".into(),
                    assignments: vec![Assignment {
                        form: Default::default(),
                        name: "encryption.key".into(),
                        value: "Abcdef0123456789".into(),
                        secret: true,
                        location: loc("orders/.mvn/jvm.config", 1),
                    }],
                    ..Default::default()
                },
                TextFileFacts {
                    path: ".github/workflows/deploy.yml".into(),
                    assignments: vec![
                        Assignment {
                            form: Default::default(),
                            name: "ENCRYPTION_KEY".into(),
                            value: "${{ secrets.ENCRYPTION_KEY }}".into(),
                            secret: true,
                            location: loc(".github/workflows/deploy.yml", 9),
                        },
                        Assignment {
                            form: Default::default(),
                            name: "MULE_KEY".into(),
                            value: "Qwertyuiop123456".into(),
                            secret: true,
                            location: loc(".github/workflows/deploy.yml", 10),
                        },
                        Assignment {
                            form: Default::default(),
                            name: "key".into(),
                            value: "not-a-mule-key".into(),
                            secret: false,
                            location: loc(".github/workflows/deploy.yml", 11),
                        },
                    ],
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let f = run(&inv);
        let places: Vec<_> = f
            .iter()
            .map(|f| (f.location.path.as_str(), f.location.line))
            .collect();
        assert_eq!(
            places,
            vec![
                (".github/workflows/deploy.yml", 10),
                ("orders/.mvn/jvm.config", 1)
            ]
        );
        assert!(
            f[1].message
                .starts_with("orders: `encryption.key` in jvm.config"),
            "{}",
            f[1].message
        );
        assert_eq!(f[1].related.len(), 1);
    }

    #[test]
    fn external_key_is_clean() {
        let mut app = app_with("${encryption.key}");
        app.property_files = vec![props(
            "orders/src/main/resources/properties/dev.yaml",
            Some("dev"),
            false,
            &[("sfdc.username", "int@acme.com")],
        )]
        .into();
        let inv = Inventory {
            apps: vec![app],
            ..Default::default()
        };
        assert!(run(&inv).is_empty());
    }

    #[test]
    fn names_and_values() {
        assert!(is_key_name("ENCRYPTION_KEY"));
        assert!(is_key_name("mule.encryption.key"));
        assert!(is_key_name("-Dsecure.key"));
        assert!(!is_key_name("key"));
        assert!(!is_key_name("sfdc.key"));
        assert!(names_match("ENCRYPTION_KEY", "encryption.key"));
        assert!(names_match("-Dmule-key", "mule.key"));
        assert!(!names_match("encryption.key", "encryption.keys"));
        assert!(is_committed_value("Abcdef0123456789"));
        for v in [
            "${ENC}",
            "$ENC",
            "%ENC%",
            "${{ secrets.K }}",
            "changeme",
            "",
            "@enc.key@",
        ] {
            assert!(!is_committed_value(v), "{v}");
        }
    }
}
