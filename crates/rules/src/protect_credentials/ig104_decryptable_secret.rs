use std::collections::{HashMap, HashSet};

use mule_secure_props::{Cipher, KeyedCipher};
use rayon::prelude::*;
use zeroize::Zeroizing;

use intguard_model::{
    Finding, Inventory, Location, MuleApp, Practice, PropertyEntry, PropertyFile, Related,
    RuleMeta, SecurePropertiesConfig, Severity, Value,
};

use super::ig103_committed_encryption_key::{
    committed_keys, config_key_names, config_label, key_digest, CommittedKey, KeySource,
    KeySourceKind,
};
use crate::support::{connection_identities, describe_identities, file_name, short_location};
use crate::Rule;

pub struct DecryptableSecret;

static META: RuleMeta = RuleMeta {
    id: "IG104",
    name: "decryptable-secret",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::Critical,
    summary: "Encrypted `![...]` secure properties decrypt with a key committed to the repository",
    doc: r#"## What it does
Proves that encrypted secure properties are readable by anyone with the repository. For
each `<secure-properties:config>` (Mule 4) or `<secure-property-placeholder:config>`
(Mule 3) it gathers the keys committed in the repository (everything IG103 finds for
that config, plus any property, global-property, pom property, `-D` option or script
variable named like an encryption key anywhere in the scan), and tries each one on the
`![...]` values of the app's property files (its MUnit test resources' too: a file of
`src/test/resources/` is read with a test suite's config) with the config's own algorithm, mode and
`useRandomIVs` setting, exactly as Mule does (`ALG/MODE/PKCS5Padding`, raw key bytes,
IV from the key or prepended to the value). A value counts as decrypted only when the
padding checks out and the plaintext is valid UTF-8 without control characters.

One finding per decrypted value: at the `![...]` value's line in its property file,
naming the exposed property, its file and environment (never the value), with related
locations on the key's definition (and up to three other places the same key is committed,
with the number of the others: IG103 reports each) and on the config that decrypts the file with it. Keys committed in other apps are tried as well (with this config's own cipher, whatever their
app uses them with),
up to 64 distinct keys from elsewhere in the repository (a monorepo holding more than
that gets its own-app keys tried only). As
all values of one file share one key, a file whose first two values do not open with a
key is not tried further with it.

## Why is this bad?
`![...]` values look protected, so reviewers stop worrying about them. With the key
beside them they are as readable as plain text: this finding lists exactly which
passwords, tokens and client secrets anyone who clones the repository can read today,
and which must therefore be treated as leaked.

## Example
```xml
<secure-properties:config name="Secure_Props" key="${encryption.key}"
    file="properties/${mule.env}-secure.yaml">
  <secure-properties:encrypt algorithm="AES" mode="CBC"/>
</secure-properties:config>
```
```yaml
# properties/dev.yaml (committed)
encryption:
  key: "1234567890123456"
# properties/prod-secure.yaml
sfdc:
  password: "![w9oKTqKTtvBuRUVbhQP/qw==]"
```

## How to fix
1. Treat every listed secret as leaked and change it where it is issued (the password
   and security token of the Salesforce user a connection logs in as, another system's
   password in that system; regenerate consumer secrets and keystore passwords).
2. Generate a new key and keep it out of the repository: a protected property in
   Runtime Manager (or `-M-Dencryption.key=...` from the pipeline's secret store),
   listed in mule-artifact.json:
```json
{ "secureProperties": ["encryption.key"] }
```
3. Re-encrypt the app's values under the new key
   (`intguard fix secrets --key-env OLD_KEY_VAR --rotate-key NEW_KEY_VAR <app folder>`; add
   `--upgrade-encryption` when IG108 reports the configuration, to move it to AES with random
   IVs in the same pass, as the finding's fix then says) and
   encrypt the new secrets with it (`intguard secure-props encrypt --key-env NEW_KEY_VAR --wrap`,
   with the configuration's `--algorithm`, `--mode` and `--random-iv`), with random IVs:
```xml
<secure-properties:config name="Secure_Props" key="${encryption.key}"
    file="properties/${mule.env}-secure.yaml">
  <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
</secure-properties:config>
```
4. Delete the committed key and purge it from git history.

## References
- MuleSoft Docs: Secure Configuration Properties (Mule 4), Secure Properties Tool
- MuleSoft Docs: Mule 3 Secure Property Placeholder
- CWE-321: Use of Hard-coded Cryptographic Key
"#,
};

/// Keys committed in other apps tried on each config, at most.
const MAX_FOREIGN_KEYS: usize = 64;

/// A config's `algorithm`, `mode` and `useRandomIVs` as one environment
/// resolves them (`None`: not written, Mule's default).
#[derive(Debug, Clone)]
pub(super) struct EncryptSettings {
    pub algorithm: Option<String>,
    pub mode: Option<String>,
    pub use_random_ivs: Option<String>,
}

impl EncryptSettings {
    pub fn random_ivs(&self) -> bool {
        self.use_random_ivs
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// The same settings, whatever case they are written in.
    fn same_as(&self, other: &Self) -> bool {
        let eq = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (a, b) => a == b,
        };
        eq(&self.algorithm, &other.algorithm)
            && eq(&self.mode, &other.mode)
            && self.random_ivs() == other.random_ivs()
    }

    /// `None` when the algorithm or mode is unknown or not implemented.
    fn cipher(&self) -> Option<Cipher> {
        Cipher::from_mule_attributes(
            self.algorithm.as_deref(),
            self.mode.as_deref(),
            self.random_ivs(),
        )
        .ok()
    }
}

/// An attribute's value in each of `n` environments of the app (in
/// [`MuleApp::resolution_environments`] order). Where a reference does not
/// resolve (set at deploy time) it reads as in the first environment where
/// it does.
fn setting_per_environment(app: &MuleApp, value: Option<&Value>, n: usize) -> Vec<Option<String>> {
    let Some(value) = value else {
        return vec![None; n];
    };
    if value.is_literal() {
        return vec![Some(value.raw.trim().to_string()); n];
    }
    let resolved: Vec<Option<String>> = app
        .resolve_all(value)
        .into_iter()
        .map(|r| r.value.map(|v| v.trim().to_string()))
        .collect();
    let first = resolved.iter().flatten().next().cloned();
    resolved
        .into_iter()
        .map(|v| v.or_else(|| first.clone()))
        .collect()
}

/// A config's distinct settings, each with the environments that have them:
/// properties used as settings can differ per environment. One entry, with
/// every environment, when they agree.
pub(super) fn encrypt_settings<'a>(
    app: &'a MuleApp,
    config: &SecurePropertiesConfig,
) -> Vec<(EncryptSettings, Vec<Option<&'a str>>)> {
    let envs = app.resolution_environments();
    let n = envs.len();
    let algorithms = setting_per_environment(app, config.algorithm.as_ref(), n);
    let modes = setting_per_environment(app, config.mode.as_ref(), n);
    let randoms = setting_per_environment(app, config.use_random_ivs.as_ref(), n);
    let mut out: Vec<(EncryptSettings, Vec<Option<&str>>)> = Vec::new();
    for (i, env) in envs.into_iter().enumerate() {
        let settings = EncryptSettings {
            algorithm: algorithms[i].clone(),
            mode: modes[i].clone(),
            use_random_ivs: randoms[i].clone(),
        };
        match out.iter_mut().find(|(s, _)| s.same_as(&settings)) {
            Some((_, in_envs)) => in_envs.push(env),
            None => out.push((settings, vec![env])),
        }
    }
    out
}

/// Ciphers, each with the environments whose settings give it.
type EnvCiphers<'a> = Vec<(Cipher, Vec<Option<&'a str>>)>;

/// The ciphers a config decrypts with, each with its environments (one when
/// they agree); none when its algorithm or mode is unknown or not
/// implemented.
fn ciphers_for<'a>(app: &'a MuleApp, config: &SecurePropertiesConfig) -> EnvCiphers<'a> {
    let mut out: EnvCiphers<'a> = Vec::new();
    for (settings, envs) in encrypt_settings(app, config) {
        let Some(cipher) = settings.cipher() else {
            continue;
        };
        match out.iter_mut().find(|(c, _)| *c == cipher) {
            Some((_, in_envs)) => in_envs.extend(envs),
            None => out.push((cipher, envs)),
        }
    }
    out
}

/// One committed key set up with one cipher: as written and, when spaces
/// surround it, trimmed (either may be what the runtime is given). The key
/// schedule is computed once for every value the key is tried on: for
/// Blowfish it costs as much as decrypting some 500 blocks, and was most of
/// the rule's time on a large monorepo.
struct KeyAttempt {
    as_written: Option<KeyedCipher>,
    trimmed: Option<KeyedCipher>,
}

impl KeyAttempt {
    /// `None` for each form whose length the cipher refuses.
    fn new(cipher: &Cipher, key: &str) -> Self {
        let trimmed = key.trim();
        KeyAttempt {
            as_written: cipher.with_key(key.as_bytes()).ok(),
            trimmed: (trimmed != key)
                .then(|| cipher.with_key(trimmed.as_bytes()).ok())
                .flatten(),
        }
    }

    /// Whether the key decrypts `payload` to a plausible plaintext (valid
    /// padding, then [`mule_secure_props::plausible_plaintext`], the test
    /// `intguard fix` uses too).
    fn decrypts(&self, payload: &str) -> bool {
        let attempt = |keyed: &KeyedCipher| -> bool {
            let Ok(plain) = keyed.decrypt(payload) else {
                return false;
            };
            let plain = Zeroizing::new(plain);
            mule_secure_props::plausible_plaintext(&plain).is_some()
        };
        self.as_written.as_ref().is_some_and(attempt) || self.trimmed.as_ref().is_some_and(attempt)
    }

    /// The decrypted value's mask and fingerprint (`Te…(8) sha256:26a3bfee`),
    /// as plaintext secrets are shown (IG102), so that the same secret is
    /// recognised in other findings. Only for values known to decrypt; the
    /// value is not kept.
    fn plaintext_digest(&self, payload: &str) -> Option<String> {
        [&self.as_written, &self.trimmed]
            .into_iter()
            .flatten()
            .find_map(|keyed| {
                let plain = Zeroizing::new(keyed.decrypt(payload).ok()?);
                std::str::from_utf8(&plain)
                    .ok()
                    .map(intguard_model::secret::describe)
            })
    }
}

/// How a leaked secret is changed where it is issued, by what its property
/// holds; a password or token that no Salesforce connection reads
/// (`salesforce_user` `None`) is another system's, not the integration
/// user's.
fn change_where_issued(key: &str, salesforce_user: Option<&str>) -> String {
    let k = key.to_ascii_lowercase();
    match salesforce_user {
        Some(user) if k.ends_with("token") => {
            format!("reset the security token of {user}")
        }
        Some(user) if k.contains("password") => format!("reset the password of {user}"),
        None if k.ends_with("token") && !k.contains("secret") => {
            "revoke the token at its issuer and issue a new one".to_string()
        }
        None if k.contains("password")
            && !k.contains("store")
            && !k.contains("keypassword")
            && !k.contains("key.password") =>
        {
            "change the password in the system it logs in to".to_string()
        }
        _ => issued_secret_change(key).to_string(),
    }
}

/// What to change for a leaked value, by what reads it: a Salesforce
/// connection's `password` or `securityToken` is the user's to reset, its
/// `storePassword` (or a nested TLS store's password) opens the
/// certificate's key, its `consumerSecret` or `clientSecret` is the app's.
/// The property's own name decides only when no connection reads it
/// ([`change_where_issued`]): a name says less than the attribute
/// (`storePassword="${secure::sf.jwt.pw}"`, `password="${secure::sf.login}"`).
fn change_for_reader(
    key: &str,
    salesforce_user: Option<&str>,
    read_by: &[&intguard_model::XmlAttribute],
) -> String {
    let login = |name: &str| {
        read_by
            .iter()
            .any(|a| !a.element.starts_with("tls:") && a.name.eq_ignore_ascii_case(name))
    };
    let user = salesforce_user.unwrap_or("the Salesforce user the connection logs in as");
    if login("securityToken") {
        return format!("reset the security token of {user}");
    }
    if login("password") {
        return format!("reset the password of {user}");
    }
    match read_by.first() {
        Some(a) if a.element.starts_with("tls:") => {
            issued_secret_change("keystore.password").to_string()
        }
        Some(a) => issued_secret_change(&a.name).to_string(),
        None => change_where_issued(key, salesforce_user),
    }
}

/// The attributes of the app's Salesforce connections that read `entry`.
fn connection_readers<'a>(
    app: &'a MuleApp,
    entry: &PropertyEntry,
) -> Vec<&'a intguard_model::XmlAttribute> {
    app.salesforce_connections
        .iter()
        .flat_map(|conn| conn.attributes.iter())
        .filter(|a| a.value.placeholders().iter().any(|p| p.name == entry.key()))
        .collect()
}

/// [`change_where_issued`] for what is not a login's password or token.
fn issued_secret_change(key: &str) -> &'static str {
    let k = key.to_ascii_lowercase();
    let has = |w: &str| k.contains(w);
    if has("store") || has("key.password") || has("keypassword") {
        "issue a new keystore (new key pair and certificate, new password) and replace the certificate wherever it is trusted"
    } else if has("consumerkey")
        || has("consumer.key")
        || has("client_id")
        || has("client.id")
        || has("clientid")
    {
        "regenerate the connected app's consumer key and secret (Setup > App Manager > the app > View > Manage Consumer Details)"
    } else if has("secret") {
        "regenerate the secret at its issuer (for a connected app: Manage Consumer Details > Generate new secret)"
    } else {
        "revoke it and issue a new one where it is issued (an API key: at the API's provider)"
    }
}

/// A committed key value and every place it is written, best first.
struct Candidate<'a> {
    value: &'a str,
    sources: Vec<KeySource<'a>>,
}

/// Committed keys grouped by value (first appearance order).
struct ValueGroup<'c, 'a> {
    value: &'a str,
    places: Vec<&'c CommittedKey<'a>>,
}

fn value_groups<'a>(committed: &'a [CommittedKey<'a>]) -> Vec<ValueGroup<'a, 'a>> {
    let mut index: HashMap<&'a str, usize> = HashMap::new();
    let mut groups: Vec<ValueGroup<'a, 'a>> = Vec::new();
    for ck in committed {
        let i = *index.entry(&ck.source.value).or_insert_with(|| {
            groups.push(ValueGroup {
                value: &ck.source.value,
                places: Vec::new(),
            });
            groups.len() - 1
        });
        groups[i].places.push(ck);
    }
    groups
}

/// The keys to try on `config`: its own sources, then keys committed in the
/// same app, outside every app, and (bounded) in other apps. Each value once,
/// with its places best first.
fn candidates<'a>(
    app: &'a MuleApp,
    config: &'a SecurePropertiesConfig,
    keys: &Keys<'_, '_, 'a>,
) -> Vec<Candidate<'a>> {
    let (groups, foreign_ok) = (keys.groups, keys.foreign_ok);
    // 0: this config's key, 1: committed in this app, 2: outside every app,
    // 3: in another app.
    let class = |ck: &CommittedKey<'_>| -> u8 {
        if ck
            .users
            .iter()
            .any(|(a, cfg)| std::ptr::eq(*a, app) && std::ptr::eq(*cfg, config))
        {
            0
        } else {
            match ck.source.app {
                Some(a) if std::ptr::eq(a, app) => 1,
                None => 2,
                Some(_) => 3,
            }
        }
    };
    let mut ranked: Vec<(u8, Candidate<'a>)> = Vec::new();
    // Without other apps' keys, only the groups this app or no app holds
    // can rank: looked up, not searched for among every app's keys.
    let indices: Vec<usize> = if foreign_ok {
        (0..groups.len()).collect()
    } else {
        keys.groups_of(app)
    };
    for g in indices.iter().map(|&i| &groups[i]) {
        let mut classed: Vec<(u8, &CommittedKey<'a>)> =
            g.places.iter().map(|ck| (class(ck), *ck)).collect();
        classed.sort_by_key(|(c, _)| *c);
        let rank = classed[0].0;
        // Another app's key is tried with this config's cipher whatever its
        // own app uses it with: one key string reused by a Blowfish app and
        // an AES app opens both (a reviewer's case).
        if rank == 3 && !foreign_ok {
            continue;
        }
        ranked.push((
            rank,
            Candidate {
                value: g.value,
                sources: classed.iter().map(|(_, ck)| ck.source.clone()).collect(),
            },
        ));
    }
    ranked.sort_by_key(|(rank, _)| *rank);
    ranked.into_iter().map(|(_, c)| c).collect()
}

/// One decrypted value: where it is and what opened it.
struct Hit<'a> {
    file: &'a PropertyFile,
    entry: &'a PropertyEntry,
    config: &'a SecurePropertiesConfig,
    cipher: Cipher,
    /// [`KeyAttempt::plaintext_digest`] of the value.
    digest: Option<String>,
}

/// The Salesforce users whose connections read the property, in the
/// environment of its file when the file has one.
fn value_identities(app: &MuleApp, file: &PropertyFile, entry: &PropertyEntry) -> Option<String> {
    let mut who: Vec<String> = Vec::new();
    for conn in &app.salesforce_connections {
        let reads = conn
            .attributes
            .iter()
            .any(|a| a.value.placeholders().iter().any(|p| p.name == entry.key()));
        if !reads {
            continue;
        }
        let mut ids = connection_identities(app, conn);
        if let Some(env) = file.environment.as_deref() {
            if ids.iter().any(|i| i.environment.as_deref() == Some(env)) {
                ids.retain(|i| i.environment.as_deref() == Some(env));
            }
        }
        if let Some(w) = describe_identities(&ids) {
            if !who.contains(&w) {
                who.push(w);
            }
        }
    }
    (!who.is_empty()).then(|| who.join(", "))
}

impl Rule for DecryptableSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let committed = committed_keys(inventory);
        if committed.is_empty() {
            return Vec::new();
        }
        let foreign_values: HashSet<&str> = committed
            .iter()
            .filter(|c| c.source.app.is_some())
            .map(|c| c.source.value.as_ref())
            .collect();
        let foreign_ok = foreign_values.len() <= MAX_FOREIGN_KEYS;
        let groups = value_groups(&committed);
        // Apps with a secure-properties config: their `![...]` values are
        // tried.
        let apps: Vec<&MuleApp> = inventory
            .apps
            .iter()
            .filter(|app| !app.secure_property_configs.is_empty())
            .collect();
        // Monorepos copy secure files between apps: a value written more than
        // once is tried once per (cipher, key). Found by sorting the
        // payloads, which holds less than a set of them all.
        let mut payloads: Vec<&str> = apps
            .iter()
            .flat_map(|app| targets_of(app).map(|t| t.2))
            .collect();
        payloads.sort_unstable();
        let repeated: foldhash::HashSet<&str> = payloads
            .chunk_by(|a, b| a == b)
            .filter(|same| same.len() > 1)
            .map(|same| same[0])
            .collect();
        drop(payloads);
        let keys = Keys {
            groups: &groups,
            by_app: groups_by_app(&groups),
            foreign_ok,
            repeated: &repeated,
        };
        // Apps are independent, and decryption is the bulk of the rule on a
        // large monorepo: spread over the cores, a cache per worker. Each
        // app's values are gathered as it is tried, not all apps' at once.
        let mut out: Vec<Finding> = apps
            .par_iter()
            .map_init(Tried::default, |tried, app| {
                let targets: Vec<Target<'_>> = targets_of(app).collect();
                app_findings(app, &targets, &keys, tried)
            })
            .flatten_iter()
            .collect();
        crate::support::disambiguate_keys(&mut out);
        out
    }
}

/// A `![...]` value: its file, its entry and the payload inside the brackets.
type Target<'a> = (&'a PropertyFile, &'a PropertyEntry, &'a str);

/// Every `![...]` value of `app`, file by file, its MUnit test resources'
/// too.
fn targets_of(app: &MuleApp) -> impl Iterator<Item = Target<'_>> {
    let files = app.property_files.iter();
    files.chain(&app.test_property_files).flat_map(|f| {
        f.entries
            .iter()
            .filter_map(move |e| Some((f, e, e.encrypted_payload()?)))
    })
}

/// Decryption results already known, per (cipher, key, payload).
type Tried<'a> = foldhash::HashMap<(Cipher, &'a str, &'a str), bool>;

/// What the decryption of every app shares.
struct Keys<'g, 'c, 'a> {
    groups: &'g [ValueGroup<'c, 'a>],
    /// [`groups_by_app`] of `groups`.
    by_app: GroupsByApp,
    /// Keys committed in other apps are tried too (few enough of them).
    foreign_ok: bool,
    /// Payloads written more than once in the repository (worth caching).
    repeated: &'g foldhash::HashSet<&'a str>,
}

impl Keys<'_, '_, '_> {
    /// The groups with a place in `app` (written there, or used by one of
    /// its configs) or outside every app, in the groups' order.
    fn groups_of(&self, app: &MuleApp) -> Vec<usize> {
        let mut out = self.by_app.loose.clone();
        if let Some(own) = self.by_app.apps.get(&app_key(app)) {
            out.extend(own);
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Indexes of the value groups per app (by the app's address) and of those
/// written outside every app.
#[derive(Default)]
struct GroupsByApp {
    apps: foldhash::HashMap<usize, Vec<usize>>,
    loose: Vec<usize>,
}

fn app_key(app: &MuleApp) -> usize {
    std::ptr::from_ref(app) as usize
}

fn groups_by_app(groups: &[ValueGroup<'_, '_>]) -> GroupsByApp {
    let mut index = GroupsByApp::default();
    for (i, g) in groups.iter().enumerate() {
        for ck in &g.places {
            match ck.source.app {
                Some(a) => index.apps.entry(app_key(a)).or_default().push(i),
                None => index.loose.push(i),
            }
            for (a, _) in &ck.users {
                index.apps.entry(app_key(a)).or_default().push(i);
            }
        }
    }
    index
}

/// One finding per value of `app` that a committed key decrypts.
fn app_findings<'a>(
    app: &'a MuleApp,
    targets: &[Target<'a>],
    keys: &Keys<'_, '_, 'a>,
    tried: &mut Tried<'a>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if targets.is_empty() {
        return out;
    }
    // Values already opened by some key: a value does not decrypt
    // with two different keys, so they are not tried again.
    let mut opened: foldhash::HashSet<&Location> = foldhash::HashSet::default();
    // The config that reads each value's file, when its `file` pattern says:
    // a value is tried with that config's cipher only, so that a finding
    // names the config that decrypts it (not another one whose cipher the
    // same key happens to open it with).
    let readers: Vec<Option<&SecurePropertiesConfig>> = targets
        .iter()
        .scan(
            None,
            |last: &mut Option<(&PropertyFile, Option<&SecurePropertiesConfig>)>, (f, _, _)| {
                // Targets come file by file: the file's config once per file.
                let reader = match *last {
                    Some((file, reader)) if std::ptr::eq(file, *f) => reader,
                    _ => app.secure_config_for(f),
                };
                *last = Some((f, reader));
                Some(reader)
            },
        )
        .collect();
    // Each config with each of its ciphers: one per distinct setting when
    // properties make them differ per environment, one when they agree.
    let per_config: Vec<(&SecurePropertiesConfig, EnvCiphers<'_>)> = app
        .secure_property_configs
        .iter()
        .map(|config| (config, ciphers_for(app, config)))
        .collect();
    let each_cipher = per_config.iter().flat_map(|(config, ciphers)| {
        ciphers
            .iter()
            .map(move |(cipher, envs)| (*config, *cipher, envs, ciphers))
    });
    for (config, cipher, envs, ciphers) in each_cipher {
        // A file of an environment is read with that environment's settings
        // (a file of none, or of an environment without valid ones, with each).
        let read_otherwise = |f: &PropertyFile| {
            ciphers.len() > 1
                && f.environment.as_deref().is_some_and(|e| {
                    !envs.contains(&Some(e)) && ciphers.iter().any(|(_, es)| es.contains(&Some(e)))
                })
        };
        let lengths = cipher.algorithm.valid_key_lengths();
        for candidate in candidates(app, config, keys) {
            if opened.len() == targets.len() {
                break;
            }
            let key = candidate.value;
            if !lengths.contains(key.len()) && !lengths.contains(key.trim().len()) {
                continue;
            }
            // Set up on the first value it is tried on.
            let mut attempt: Option<KeyAttempt> = None;
            let mut hits: Vec<Hit<'_>> = Vec::new();
            // The values of one file share one key (Mule decrypts the whole
            // file with its config's key): a file whose first two values do
            // not open is not tried further.
            let mut file: Option<&PropertyFile> = None;
            let (mut misses, mut opened_in_file) = (0, false);
            for ((f, e, payload), reader) in targets.iter().zip(&readers) {
                if reader.is_some_and(|r| !std::ptr::eq(r, config)) || read_otherwise(f) {
                    continue;
                }
                if !file.is_some_and(|cur| std::ptr::eq(cur, *f)) {
                    file = Some(*f);
                    (misses, opened_in_file) = (0, false);
                }
                if opened.contains(&e.location) || (misses >= 2 && !opened_in_file) {
                    continue;
                }
                let mut decrypts = || {
                    attempt
                        .get_or_insert_with(|| KeyAttempt::new(&cipher, key))
                        .decrypts(payload)
                };
                let ok = if keys.repeated.contains(payload) {
                    *tried
                        .entry((cipher, key, *payload))
                        .or_insert_with(decrypts)
                } else {
                    decrypts()
                };
                if ok {
                    opened_in_file = true;
                    let attempt = attempt.get_or_insert_with(|| KeyAttempt::new(&cipher, key));
                    hits.push(Hit {
                        file: f,
                        entry: e,
                        config,
                        cipher,
                        digest: attempt.plaintext_digest(payload),
                    });
                } else {
                    misses += 1;
                }
            }
            opened.extend(hits.iter().map(|h| &h.entry.location));
            // Named with this config's candidate: its own copy of the key
            // first, even when another config holds the same value.
            for hit in &hits {
                out.push(finding_for(app, &candidate, hit));
            }
        }
    }
    out
}

/// One finding per decrypted value, at the value.
fn finding_for(app: &MuleApp, candidate: &Candidate<'_>, hit: &Hit<'_>) -> Finding {
    let (file, entry, config) = (hit.file, hit.entry, hit.config);
    let file_label = file_name(&file.path);
    let env = file.environment.as_deref();
    // The copy the value's environment reads, when the best place is one of
    // several environments' copies of one property (`encryption.key` in
    // config-dev.yaml and config-prod.yaml): a prod value names prod's.
    let first = &candidate.sources[0];
    let own = candidate
        .sources
        .iter()
        .position(|s| {
            env.is_some()
                && s.environment == env
                && s.name == first.name
                && s.app.map(std::ptr::from_ref) == first.app.map(std::ptr::from_ref)
        })
        .unwrap_or(0);
    let src = &candidate.sources[own];
    let in_env = env.map(|e| format!(" ({e})")).unwrap_or_default();
    let elsewhere = match src.app {
        Some(other) if other.name != app.name => format!(" of app {}", other.name),
        _ => String::new(),
    };
    let value = hit
        .digest
        .as_ref()
        .map(|d| format!(" (the value: {d})"))
        .unwrap_or_default();
    let message = format!(
        "{}: `{}` in {file_label}{in_env} decrypts with the committed secure-properties key ({}{elsewhere}, {}) of {} ({}): anyone with the repository can read it{value}",
        app.name,
        entry.key(),
        src.describe(),
        key_digest(&src.value),
        config_label(config),
        hit.cipher,
    );
    let prop = config_key_names(config)
        .into_iter()
        .next()
        .unwrap_or_else(|| "encryption.key".to_string());
    let mule3 = !config.element.starts_with("secure-properties:");
    let keep = if mule3 {
        format!("supplied at deploy time only (-M-D{prop}=... from the deployment's secret store)")
    } else {
        format!("supplied at deploy time only (a Runtime Manager protected property `{prop}`, listed in mule-artifact.json \"secureProperties\")")
    };
    // Settings IG108 reports as weak change with the key, in the same pass:
    // rotating under them would leave the values to re-encrypt once more.
    let upgrade = upgrade_applies(app, config);
    let reencrypt = if upgrade {
        // Mule 3's secure-property-placeholder has no random IVs.
        let target = if config.has_random_iv_option() {
            "AES/CBC and random IVs"
        } else {
            "AES/CBC"
        };
        format!(
            "re-encrypt the app's ![...] values under it with {target}, setting its secure-properties configurations to match (IG108), in one step ({}), and encrypt the new secret with it ({})",
            crate::support::upgrade_encryption_command(&app.root),
            encrypt_command(
                &Cipher::recommended(config.has_random_iv_option()),
                "<VAR holding the new key>"
            )
        )
    } else {
        format!(
            "re-encrypt the app's ![...] values under it ({}) and encrypt the new secret with it ({})",
            crate::support::rotate_key_command(&app.root),
            encrypt_command(&hit.cipher, "<VAR holding the new key>")
        )
    };
    let remove = match src.kind {
        KeySourceKind::Literal => format!(
            "replace the literal key attribute at {} with key=\"${{{prop}}}\"",
            short_location(src.location)
        ),
        _ if !src.pieces.is_empty() => format!(
            "delete {} (the key is assembled from them) and purge them from git history",
            src.definitions()
        ),
        _ => format!("delete {} and purge it from git history", src.describe()),
    };
    let who = value_identities(app, file, entry);
    // The other apps that log in as the user, added to the fix by
    // `crate::complete` (listed once per user for all findings).
    let shared_user = who
        .clone()
        .filter(|_| crate::identities::is_login_secret(entry.key()));
    let fix = format!(
        "Treat `{}`{in_env} as leaked and {}. Generate a new key, {keep}; {reencrypt}; and {remove}.",
        entry.key(),
        change_for_reader(entry.key(), who.as_deref(), &connection_readers(app, entry)),
    );
    let mut finding = Finding::new(&META, entry.location.clone(), message)
        .maybe_identity(who)
        .environments(env)
        .key(format!("decrypt|{file_label}|{}", entry.key()))
        .fix(fix)
        .related(Related::new(
            src.location,
            format!("the committed key that decrypts it: {}", src.describe()),
        ));
    for piece in &src.pieces {
        finding = finding.related(Related::new(
            piece.location,
            format!("part of the committed key: {}", piece.describe()),
        ));
    }
    // The config, unless the key is its own literal attribute on the same line.
    if (&config.location.path, config.location.line) != (&src.location.path, src.location.line) {
        finding = finding.related(Related::new(
            &config.location,
            format!(
                "{} decrypts {file_label} with this key ({})",
                config_label(config),
                hit.cipher
            ),
        ));
    }
    let others: Vec<&KeySource<'_>> = candidate
        .sources
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != own)
        .map(|(_, s)| s)
        .collect();
    let unlisted = others.len().saturating_sub(COPIES_LISTED);
    for (i, other) in others.iter().take(COPIES_LISTED).enumerate() {
        let more = if unlisted > 0 && i + 1 == COPIES_LISTED {
            format!(
                "; {unlisted} more place{} commit{} it, each an IG103 finding",
                if unlisted == 1 { "" } else { "s" },
                if unlisted == 1 { "s" } else { "" }
            )
        } else {
            String::new()
        };
        finding = finding.related(Related::new(
            other.location,
            format!(
                "the same key is also committed here ({}){more}",
                other.describe()
            ),
        ));
    }
    if let Some(user) = shared_user {
        finding.shared_user_notes.push((user, app.name.clone()));
    }
    finding
}

/// How many other places committing the same key a finding lists: in a
/// monorepo whose apps share one key, listing them all on every value it
/// opens made the report grow with the square of the apps. IG103 reports
/// every place.
const COPIES_LISTED: usize = 3;

/// Whether `fix secrets --upgrade-encryption` changes `config`: its settings
/// are known in every environment of the app (written in the XML, or read
/// from properties the repository defines: the command resolves them as
/// this rule does) and weaker than [`Cipher::recommended`] in one (a weak
/// algorithm, ECB, or fixed IVs where the runtime has random ones), what
/// IG108 reports. A setting supplied at deploy time leaves the values'
/// cipher unknown, and the command refuses the config.
pub(super) fn upgrade_applies(app: &MuleApp, config: &SecurePropertiesConfig) -> bool {
    let random = config.has_random_iv_option();
    settings_not_defined(app, config).is_empty()
        && encrypt_settings(app, config).iter().any(|(s, _)| {
            Cipher::from_mule_attributes(
                Some(s.algorithm.as_deref().unwrap_or("AES")),
                Some(s.mode.as_deref().unwrap_or("CBC")),
                s.random_ivs() && random,
            )
            .is_ok_and(|c| c.is_weaker_than_recommended(random))
        })
}

/// Each setting of `config` read from a property that some environments of
/// the app do not define in the repository (supplied at deploy time), with
/// those environments ("every environment" when the app has none):
/// [`encrypt_settings`] reads it there as where it is defined.
pub(super) fn settings_not_defined<'a>(
    app: &'a MuleApp,
    config: &'a SecurePropertiesConfig,
) -> Vec<(&'a Value, Vec<&'a str>)> {
    config
        .settings()
        .filter(|v| !v.is_literal())
        .filter_map(|v| {
            let envs: Vec<&str> = app
                .resolve_all(v)
                .iter()
                .filter(|r| r.value.is_none())
                .map(|r| r.environment.unwrap_or("every environment"))
                .collect();
            (!envs.is_empty()).then_some((v, envs))
        })
        .collect()
}

/// Prints a value as `![...]` with the cipher the config decrypts it with
/// in the finding's environment (its algorithm and mode resolved, not
/// `${enc.alg}` as written), the key in `key_var`.
fn encrypt_command(cipher: &Cipher, key_var: &str) -> String {
    format!(
        "intguard secure-props encrypt --key-env {key_var} --algorithm {} --mode {}{} --wrap",
        cipher.algorithm.name(),
        cipher.mode.name(),
        if cipher.random_iv { " --random-iv" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::testkit::{app, conn, loc, props, val};
    use intguard_model::{Assignment, AuthClass, GlobalProperty, TextFileFacts};
    use mule_secure_props::{Algorithm, Mode};

    const XML: &str = "orders/src/main/mule/global.xml";
    const AES_KEY: &str = "1234567890123456";

    fn config(key: &str, algorithm: Option<&str>, random: Option<&str>) -> SecurePropertiesConfig {
        SecurePropertiesConfig {
            name: Some("Secure_Props".into()),
            element: "secure-properties:config".into(),
            location: loc(XML, 7),
            key: Some(val(key, XML, 7)),
            file: Some(val("properties/${mule.env}-secure.yaml", XML, 7)),
            algorithm: algorithm.map(|a| val(a, XML, 8)),
            mode: None,
            use_random_ivs: random.map(|r| val(r, XML, 8)),
        }
    }

    fn orders(config: SecurePropertiesConfig, secure: Vec<PropertyFile>) -> MuleApp {
        let mut a = app("orders", &["dev", "prod"]);
        a.secure_property_configs = vec![config];
        a.salesforce_connections = vec![conn(
            "Salesforce_Config",
            "salesforce:basic-connection",
            AuthClass::Password,
            XML,
            12,
            &[
                ("username", "${sfdc.username}"),
                ("password", "${secure::sfdc.password}"),
            ],
        )];
        a.property_files = vec![props(
            "orders/src/main/resources/properties/dev.yaml",
            Some("dev"),
            false,
            &[
                ("sfdc.username", "int.orders@acme.com"),
                ("encryption.key", AES_KEY),
            ],
        )];
        a.property_files.extend(secure);
        a
    }

    fn secured(env: &str, entries: &[(&str, &str)]) -> PropertyFile {
        props(
            &format!("orders/src/main/resources/properties/{env}-secure.yaml"),
            Some(env),
            true,
            entries,
        )
    }

    #[test]
    fn reference_vectors_decrypt_and_are_named_not_shown() {
        let aes = Cipher::default();
        let random_iv = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
        let a = orders(
            config("${encryption.key}", None, None),
            vec![
                secured(
                    "prod",
                    &[
                        ("sfdc.password", "![w9oKTqKTtvBuRUVbhQP/qw==]"),
                        (
                            "sfdc.token",
                            &format!(
                                "![{}]",
                                aes.encrypt(AES_KEY.as_bytes(), b"Tok3nValue").unwrap()
                            ),
                        ),
                        // Encrypted with another key, or not valid text: not decrypted.
                        ("sfdc.other", "![hvviuvvOu8EADgdrFqCeXA==]"),
                        (
                            "sfdc.binary",
                            &format!(
                                "![{}]",
                                aes.encrypt(AES_KEY.as_bytes(), &[0xff, 0xfe, 0x01])
                                    .unwrap()
                            ),
                        ),
                        // A random-IV value of another config does not decrypt with fixed IVs.
                        (
                            "sfdc.rand",
                            &format!(
                                "![{}]",
                                random_iv.encrypt(AES_KEY.as_bytes(), b"Random1!").unwrap()
                            ),
                        ),
                    ],
                ),
                secured("dev", &[("sfdc.password", "![w9oKTqKTtvBuRUVbhQP/qw==]")]),
            ],
        );
        let inv = Inventory {
            apps: vec![a],
            ..Default::default()
        };
        let mut f = DecryptableSecret.check(&inv);
        f.sort_by(|a, b| a.location.cmp(&b.location));
        // One finding per decrypted value, at the value's key line.
        let places: Vec<(&str, u32, &str)> = f
            .iter()
            .map(|f| {
                (
                    file_name(&f.location.path),
                    f.location.line,
                    f.fingerprint_key.as_str(),
                )
            })
            .collect();
        assert_eq!(
            places,
            vec![
                (
                    "dev-secure.yaml",
                    1,
                    "decrypt|dev-secure.yaml|sfdc.password"
                ),
                (
                    "prod-secure.yaml",
                    1,
                    "decrypt|prod-secure.yaml|sfdc.password"
                ),
                ("prod-secure.yaml", 2, "decrypt|prod-secure.yaml|sfdc.token"),
            ],
            "{f:#?}"
        );
        let token = &f[2];
        assert!(
            token
                .message
                .starts_with("orders: `sfdc.token` in prod-secure.yaml (prod) decrypts"),
            "{}",
            token.message
        );
        assert!(
            token.message.contains("`encryption.key` in dev.yaml (dev)"),
            "{}",
            token.message
        );
        assert!(token.message.contains("AES/CBC/PKCS5Padding (fixed IV)"));
        // The key's definition, then the config.
        let related: Vec<(&str, u32)> = token
            .related
            .iter()
            .map(|r| (file_name(&r.path), r.line))
            .collect();
        assert_eq!(related, vec![("dev.yaml", 2), ("global.xml", 7)]);
        // The connection reads sfdc.password, not sfdc.token.
        assert_eq!(f[1].identity.as_deref(), Some("int.orders@acme.com"));
        assert_eq!(token.identity, None);
        assert_eq!(token.environments, vec!["prod".to_string()]);
        assert_eq!(f[0].environments, vec!["dev".to_string()]);
        for f in &f {
            let mut texts = vec![&f.message, &f.fix];
            texts.extend(f.related.iter().map(|r| &r.message));
            for text in texts {
                for secret in [AES_KEY, "1234", "Tok3nValue"] {
                    assert!(!text.contains(secret), "{secret} in {text}");
                }
            }
        }
    }

    #[test]
    fn blowfish_literal_key_and_random_ivs() {
        let random = Cipher::new(Algorithm::Aes, Mode::Cbc, true);
        let value = random.encrypt(AES_KEY.as_bytes(), b"S3cret!").unwrap();
        let mut a = orders(
            config(AES_KEY, None, Some("true")),
            vec![secured(
                "prod",
                &[("sfdc.password", &format!("![{value}]"))],
            )],
        );
        let mut bf = config("mulesoft", Some("Blowfish"), None);
        bf.name = Some("Legacy_Props".into());
        bf.location = loc(XML, 20);
        bf.key = Some(val("mulesoft", XML, 20));
        a.secure_property_configs.push(bf);
        a.property_files.push(props(
            "orders/src/main/resources/legacy.properties",
            None,
            true,
            &[
                ("legacy.secret", "![8q5e1+jy0cND2iV2WPThahmz6XsDwB6Z]"),
                ("legacy.pw", "![qCReIPK3jcqD7WR84ISSIQ==]"),
            ],
        ));
        let inv = Inventory {
            apps: vec![a],
            ..Default::default()
        };
        let mut f = DecryptableSecret.check(&inv);
        f.sort_by(|a, b| a.location.cmp(&b.location));
        let places: Vec<_> = f
            .iter()
            .map(|f| (file_name(&f.location.path), f.location.line))
            .collect();
        assert_eq!(
            places,
            vec![
                ("legacy.properties", 1),
                ("legacy.properties", 2),
                ("prod-secure.yaml", 1)
            ],
            "{f:#?}"
        );
        assert!(f[2]
            .message
            .contains("`sfdc.password` in prod-secure.yaml (prod)"));
        assert!(f[2].message.contains("random IV"));
        assert_eq!(f[2].related[0].line, 7, "the literal key");
        for (f, name) in f[..2].iter().zip(["legacy.secret", "legacy.pw"]) {
            assert!(
                f.message
                    .contains(&format!("`{name}` in legacy.properties decrypts")),
                "{}",
                f.message
            );
            assert!(f.message.contains("Blowfish/CBC"));
            assert!(f.message.contains("`Legacy_Props`"));
            assert_eq!(f.related[0].line, 20, "the literal key");
            assert!(f.environments.is_empty());
        }
    }

    /// A leaked password or token is the Salesforce user's to reset only
    /// when a Salesforce connection reads it; another system's is changed
    /// there.
    #[test]
    fn a_leaked_password_is_changed_where_it_logs_in() {
        assert_eq!(
            change_where_issued("sfdc.password", Some("int.orders@acme.com")),
            "reset the password of int.orders@acme.com"
        );
        assert_eq!(
            change_where_issued("sfdc.securityToken", Some("int.orders@acme.com")),
            "reset the security token of int.orders@acme.com"
        );
        assert_eq!(
            change_where_issued("erp.password", None),
            "change the password in the system it logs in to"
        );
        assert_eq!(
            change_where_issued("erp.token", None),
            "revoke the token at its issuer and issue a new one"
        );
        assert!(
            change_where_issued("tls.keystore.password", None).starts_with("issue a new keystore")
        );
        assert!(
            change_where_issued("sfdc.consumerSecret", None).starts_with("regenerate the secret")
        );
    }

    /// Mule 3's secure-property-placeholder has no random IVs: the fix
    /// moves a Blowfish config to AES/CBC and asks for no random IVs.
    #[test]
    fn mule3_fix_asks_for_no_random_ivs() {
        let mut bf = config("mulesoft", Some("Blowfish"), None);
        bf.element = "secure-property-placeholder:config".into();
        let a = orders(
            bf,
            vec![secured(
                "prod",
                &[("sfdc.password", "![qCReIPK3jcqD7WR84ISSIQ==]")],
            )],
        );
        let inv = Inventory {
            apps: vec![a],
            ..Default::default()
        };
        let f = DecryptableSecret.check(&inv);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(
            f[0].fix.contains("values under it with AES/CBC, setting"),
            "{}",
            f[0].fix
        );
        assert!(!f[0].fix.contains("random"), "{}", f[0].fix);
    }

    #[test]
    fn keys_from_global_properties_and_scripts_are_tried() {
        let mut a = orders(
            config("${secure.key}", None, None),
            vec![secured(
                "prod",
                &[("sfdc.password", "![w9oKTqKTtvBuRUVbhQP/qw==]")],
            )],
        );
        a.property_files[0]
            .entries
            .retain(|e| e.key() != "encryption.key");
        a.global_properties = vec![GlobalProperty {
            name: "http.port".into(),
            value: val("8081", XML, 3),
            location: loc(XML, 3),
        }];
        let inv = Inventory {
            apps: vec![a],
            text_files: vec![TextFileFacts {
                path: "ci/deploy.sh".into(),
                assignments: vec![Assignment {
                    form: Default::default(),
                    name: "MULE_ENCRYPTION_KEY".into(),
                    value: AES_KEY.into(),
                    secret: true,
                    location: loc("ci/deploy.sh", 4),
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let f = DecryptableSecret.check(&inv);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].location.path.as_str(), f[0].location.line),
            ("orders/src/main/resources/properties/prod-secure.yaml", 1)
        );
        assert_eq!(f[0].related[0].path, "ci/deploy.sh");
        assert!(
            f[0].message.contains("`MULE_ENCRYPTION_KEY` in deploy.sh"),
            "{}",
            f[0].message
        );
    }

    /// The same key committed in many places: a finding lists three of
    /// them and counts the rest (IG103 reports each).
    #[test]
    fn copies_of_the_key_are_listed_up_to_three() {
        for (scripts, listed, unlisted) in [(2, 2, None), (3, 3, None), (7, 3, Some(4))] {
            let a = orders(
                config("${encryption.key}", None, None),
                vec![secured(
                    "prod",
                    &[("sfdc.password", "![w9oKTqKTtvBuRUVbhQP/qw==]")],
                )],
            );
            let text_files = (0..scripts)
                .map(|i| {
                    let path = format!("ci/deploy-{i}.sh");
                    TextFileFacts {
                        path: path.clone(),
                        assignments: vec![Assignment {
                            form: Default::default(),
                            name: "MULE_ENCRYPTION_KEY".into(),
                            value: AES_KEY.into(),
                            secret: true,
                            location: loc(&path, 4),
                        }],
                        ..Default::default()
                    }
                })
                .collect();
            let inv = Inventory {
                apps: vec![a],
                text_files,
                ..Default::default()
            };
            let f = DecryptableSecret.check(&inv);
            assert_eq!(f.len(), 1);
            let copies: Vec<&str> = f[0]
                .related
                .iter()
                .map(|r| r.message.as_str())
                .filter(|m| m.starts_with("the same key is also committed here"))
                .collect();
            assert_eq!(copies.len(), listed, "{copies:#?}");
            let counted: Vec<&&str> = copies.iter().filter(|m| m.contains("more place")).collect();
            match unlisted {
                None => assert!(counted.is_empty(), "{copies:#?}"),
                Some(n) => {
                    assert_eq!(counted.len(), 1, "{copies:#?}");
                    assert!(
                        copies[listed - 1].ends_with(&format!(
                            "; {n} more places commit it, each an IG103 finding"
                        )),
                        "{copies:#?}"
                    );
                }
            }
        }
    }

    /// A reviewer's case: one key string committed by an AES app and used
    /// (from the deploy) by a Blowfish app opens the Blowfish app's values
    /// too: another app's key is tried with this config's own cipher.
    #[test]
    fn another_apps_key_is_tried_with_this_configs_cipher() {
        // orders: AES, its key committed in dev.yaml.
        let orders_app = orders(config("${encryption.key}", None, None), Vec::new());
        // billing: Blowfish, key supplied at deploy time, a value encrypted
        // with the same string.
        let blowfish = Cipher::new(Algorithm::Blowfish, Mode::Cbc, false);
        let value = blowfish
            .encrypt(AES_KEY.as_bytes(), b"B1llingS3cret")
            .unwrap();
        let mut billing = app("billing", &["prod"]);
        billing.root = "billing".into();
        let mut bf = config("${billing.key}", Some("Blowfish"), None);
        bf.location = loc("billing/src/main/mule/global.xml", 7);
        bf.file = Some(val(
            "properties/${mule.env}-secure.yaml",
            "billing/src/main/mule/global.xml",
            7,
        ));
        billing.secure_property_configs = vec![bf];
        billing.property_files = vec![props(
            "billing/src/main/resources/properties/prod-secure.yaml",
            Some("prod"),
            true,
            &[("erp.password", &format!("![{value}]"))],
        )];
        let inv = Inventory {
            apps: vec![orders_app, billing],
            ..Default::default()
        };
        let f = DecryptableSecret.check(&inv);
        let billing_findings: Vec<_> = f
            .iter()
            .filter(|f| f.location.path.starts_with("billing/"))
            .collect();
        assert_eq!(billing_findings.len(), 1, "{f:#?}");
        assert!(
            billing_findings[0]
                .message
                .contains("`erp.password` in prod-secure.yaml (prod)")
                && billing_findings[0].message.contains("Blowfish/CBC"),
            "{}",
            billing_findings[0].message
        );
        assert!(billing_findings[0].related[0].path.starts_with("orders/"));
    }

    #[test]
    fn wrong_or_external_key_is_clean() {
        let mut a = orders(
            config("${encryption.key}", None, None),
            vec![secured(
                "prod",
                &[("sfdc.password", "![hvviuvvOu8EADgdrFqCeXA==]")],
            )],
        );
        let inv = Inventory {
            apps: vec![a.clone()],
            ..Default::default()
        };
        assert!(DecryptableSecret.check(&inv).is_empty(), "wrong key");
        a.property_files[0]
            .entries
            .retain(|e| e.key() != "encryption.key");
        let old = a.property_files[1].entries[0].clone();
        a.property_files[1].entries[0] = PropertyEntry::new(
            old.key(),
            "![w9oKTqKTtvBuRUVbhQP/qw==]",
            old.location.clone(),
        );
        let inv = Inventory {
            apps: vec![a],
            ..Default::default()
        };
        assert!(DecryptableSecret.check(&inv).is_empty(), "no committed key");
    }

    #[test]
    fn plausible_plaintext_only() {
        let c = Cipher::default();
        let k = AES_KEY;
        let enc = |p: &[u8]| c.encrypt(k.as_bytes(), p).unwrap();
        let key = KeyAttempt::new(&c, k);
        assert!(key.decrypts(&enc(b"multi\nline\tok")));
        assert!(!key.decrypts(&enc(b"\x07bell")));
        assert!(!key.decrypts(&enc(&[0xc3, 0x28])));
        assert!(!KeyAttempt::new(&c, "short").decrypts(&enc(b"x")));
        // Spaces around a committed key: tried trimmed too.
        assert!(KeyAttempt::new(&c, &format!(" {k}\t")).decrypts(&enc(b"ok")));
    }
}
