//! IG104 decryptable-secret: the rule, and the search of each app's `![...]`
//! values for a committed key that opens them. The ciphers a config
//! decrypts with are in `settings`, the keys tried in `keys`, the finding's
//! text in `finding`.

mod facts;
mod finding;
mod keys;
mod settings;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::sync::Mutex;

use mule_secure_props::Cipher;
use rayon::prelude::*;

use intguard_model::{Finding, Inventory, MuleApp, Practice, RuleMeta, SecretFacts, Severity};

use super::ig103_committed_encryption_key::{apps_key_facts, committed_keys, CommittedKey};
use crate::{Rule, Sink};
pub(crate) use facts::secret_facts;
use facts::{app_secret_facts, cipher_of, may_have_secret_facts};
use finding::finding_for;
use keys::{candidates, groups_by_app, payload_hash, value_groups, KeyAttempt, Keys};
pub(super) use settings::{
    encrypt_settings, settings_not_defined, upgrade_applies, EncryptSettings,
};

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

One finding per decrypted value: at the `![...]` value's line in its property file, naming
the exposed property, its file and environment (never the value), with related locations
on the key's definition (and up to three other places the same key is committed, with the
number of the others: IG103 reports each) and on the config that decrypts the file with
it. A value in a file no secure-properties configuration loads (Mule hands its `![...]`
text on as it is: a `not-decrypted` warning) is tried with each config's cipher too: it is
as exposed, and its fix puts the new secret in a file the config loads, as `fix secrets`
leaves such a file alone. Keys committed in other apps are tried as well (with this
config's own cipher, whatever their app uses them with), up to 64 distinct keys from
elsewhere in the repository (a monorepo holding more than that gets its own-app keys tried
only). As all values of one file share one key, a file whose first two values do not open
with a key is not tried further with it.

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
   IVs in the same pass, as the finding's fix then says; for a Mule plugin's configuration
   that the app imports, the folder holding the plugin and the apps importing it) and
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

/// One decrypted value: which, and what opened it.
struct Hit {
    /// Its index in [`SecretFacts::values`].
    value: usize,
    /// The config's index in [`SecretFacts::configs`].
    config: usize,
    cipher: Cipher,
    /// [`KeyAttempt::plaintext_digest`] of the value.
    digest: Option<String>,
}

impl Rule for DecryptableSecret {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let apps = tried_apps(inventory);
        let key_facts = apps_key_facts(inventory);
        let committed = committed_keys(inventory, &key_facts);
        if apps.is_empty() || committed.is_empty() {
            return Vec::new();
        }
        let survey = survey(inventory, &apps);
        // Each app's findings, in the apps' order.
        let by_app = Mutex::new(Vec::new());
        each_apps_findings(inventory, &apps, &committed, &survey, &|i, found| {
            by_app
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((i, found));
        });
        let mut by_app = by_app.into_inner().unwrap_or_else(|e| e.into_inner());
        by_app.sort_unstable_by_key(|(i, _)| *i);
        let mut out: Vec<Finding> = by_app.into_iter().flat_map(|(_, found)| found).collect();
        crate::support::disambiguate_keys(&mut out);
        out
    }

    /// Each app's findings as soon as its values are tried: a monorepo's
    /// findings (2,000 apps: 4.7 MB of them) are not all held until the
    /// last app is done. Keys are told apart per file
    /// ([`crate::support::disambiguate_keys`]): an app's findings in files
    /// no other app reads are complete on their own; those in a file that
    /// several apps read (a Mule plugin's, lent to each app importing it)
    /// wait for every app, and go last, told apart together in the apps'
    /// order, as [`Rule::check`] does.
    fn check_into(&self, inventory: &Inventory, sink: &Sink<'_>) {
        let apps = tried_apps(inventory);
        let key_facts = apps_key_facts(inventory);
        let committed = committed_keys(inventory, &key_facts);
        if apps.is_empty() || committed.is_empty() {
            return;
        }
        let survey = survey(inventory, &apps);
        let shared = &survey.shared_files;
        let held = Mutex::new(Vec::new());
        each_apps_findings(inventory, &apps, &committed, &survey, &|i, found| {
            let (mut own, lent): (Vec<Finding>, Vec<Finding>) = found
                .into_iter()
                .partition(|f| !shared.contains(f.location.path.as_str()));
            crate::support::disambiguate_keys(&mut own);
            sink(own);
            if !lent.is_empty() {
                held.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((i, lent));
            }
        });
        let mut held = held.into_inner().unwrap_or_else(|e| e.into_inner());
        if held.is_empty() {
            return;
        }
        held.sort_unstable_by_key(|(i, _)| *i);
        let mut lent: Vec<Finding> = held.into_iter().flat_map(|(_, found)| found).collect();
        crate::support::disambiguate_keys(&mut lent);
        sink(lent);
    }
}

/// The apps whose `![...]` values may be tried (those with a
/// secure-properties config), in the apps' order. Their [`SecretFacts`]
/// are read one app at a time ([`app_secret_facts`]: a compact app's as
/// worked out when it was read, or read back from where a scan moved them;
/// an app kept whole's worked out then) and dropped once used: the rule
/// never holds every app's.
fn tried_apps(inventory: &Inventory) -> Vec<&MuleApp> {
    inventory
        .apps
        .iter()
        .filter(|app| may_have_secret_facts(app))
        .collect()
}

/// What trying an app's values needs of the other apps', gathered by
/// reading each app's facts in turn: a few bytes per value and file are
/// held, not the facts.
#[derive(Default)]
struct Survey {
    /// The [`payload_hash`]es of the values written more than once
    /// ([`Keys::repeated`]), sorted.
    repeated: Vec<u32>,
    /// The paths of the files that more than one app reads (a Mule
    /// plugin's file, lent to each app importing it).
    shared_files: HashSet<Box<str>>,
}

/// [`Survey`] of `apps` ([`tried_apps`]). Monorepos copy secure files
/// between apps: a value written more than once is tried once per (cipher,
/// key), found by sorting the payloads' hashes, which holds less than a set
/// of them all (or of the payloads). The files several apps read are found
/// the same way, by their paths' hashes, then (only when some hash is
/// repeated) by their paths.
fn survey(inventory: &Inventory, apps: &[&MuleApp]) -> Survey {
    let (mut payloads, mut paths) = apps
        .par_iter()
        .fold(
            || (Vec::new(), Vec::new()),
            |(mut payloads, mut paths): (Vec<u32>, Vec<u64>), app| {
                if let Some(facts) = app_secret_facts(inventory, app) {
                    payloads.extend(
                        facts
                            .values
                            .iter()
                            .map(|v| payload_hash(facts.payload(v).unwrap_or_default())),
                    );
                    let at = paths.len();
                    paths.extend(facts.files.iter().map(|f| path_hash(&f.path)));
                    once_each(&mut paths, at);
                }
                (payloads, paths)
            },
        )
        .reduce(
            || (Vec::new(), Vec::new()),
            |(mut payloads, mut paths), (more_payloads, more_paths)| {
                payloads.extend(more_payloads);
                paths.extend(more_paths);
                (payloads, paths)
            },
        );
    let repeated = found_twice(&mut payloads);
    drop(payloads);
    let in_several = found_twice(&mut paths);
    drop(paths);
    let mut shared_files = HashSet::new();
    if !in_several.is_empty() {
        // The paths of those hashes (rare: a plugin's files, or two paths
        // sharing a hash), each once per app.
        let mut named: Vec<Box<str>> = Vec::new();
        for app in apps {
            let Some(facts) = app_secret_facts(inventory, app) else {
                continue;
            };
            let at = named.len();
            named.extend(
                facts
                    .files
                    .iter()
                    .filter(|f| in_several.binary_search(&path_hash(&f.path)).is_ok())
                    .map(|f| f.path.as_str().into()),
            );
            once_each(&mut named, at);
        }
        shared_files = found_twice(&mut named).into_iter().collect();
    }
    Survey {
        repeated,
        shared_files,
    }
}

/// Sorts `items[from..]` and leaves each of them once.
fn once_each<T: Ord>(items: &mut Vec<T>, from: usize) {
    items[from..].sort_unstable();
    let mut own = items.split_off(from);
    own.dedup();
    items.append(&mut own);
}

/// The items found more than once in `items`, each once, sorted (`items`
/// left sorted).
fn found_twice<T: Ord + Clone>(items: &mut [T]) -> Vec<T> {
    items.sort_unstable();
    items
        .chunk_by(|a, b| a == b)
        .filter(|same| same.len() > 1)
        .map(|same| same[0].clone())
        .collect()
}

/// A file path's hash, for [`Survey::shared_files`].
fn path_hash(path: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(path)
}

/// Hands each app's findings to `found` with the app's place among
/// `apps` ([`tried_apps`]), before they are told apart
/// ([`crate::support::disambiguate_keys`]), from any thread, once the app's
/// values are tried (none for an app without findings). Each app's facts
/// are read as its values are tried, and dropped after.
fn each_apps_findings(
    inventory: &Inventory,
    apps: &[&MuleApp],
    committed: &[CommittedKey<'_>],
    survey: &Survey,
    found: &(dyn Fn(usize, Vec<Finding>) + Sync),
) {
    let foreign_values: HashSet<&str> = committed
        .iter()
        .filter(|c| c.source.app.is_some())
        .map(|c| c.source.value.as_ref())
        .collect();
    let foreign_ok = foreign_values.len() <= MAX_FOREIGN_KEYS;
    let groups = value_groups(committed);
    let keys = Keys {
        groups: &groups,
        by_app: groups_by_app(&groups),
        foreign_ok,
        repeated: &survey.repeated,
    };
    // Apps are independent, and decryption is the bulk of the rule on a
    // large monorepo: spread over the cores, a cache per worker.
    apps.par_iter()
        .enumerate()
        .for_each_init(Tried::default, |tried, (i, app)| {
            let Some(facts) = app_secret_facts(inventory, app) else {
                return;
            };
            let out = app_findings(inventory, app, &facts, &keys, tried);
            if !out.is_empty() {
                found(i, out);
            }
        });
}

/// Decryption results already known, per (cipher, key), by payload: only
/// for the payloads that may be written more than once
/// ([`Keys::maybe_repeated`]), copied, as each app's facts are dropped
/// once its values are tried.
type Tried<'k> = foldhash::HashMap<(Cipher, &'k str), foldhash::HashMap<Box<[u8]>, bool>>;

/// One finding per value of `app` that a committed key decrypts.
fn app_findings<'a>(
    inventory: &Inventory,
    app: &'a MuleApp,
    facts: &SecretFacts,
    keys: &Keys<'_, '_, 'a>,
    tried: &mut Tried<'a>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let values = &facts.values;
    if values.is_empty() {
        return out;
    }
    // Values already opened by some key: a value does not decrypt
    // with two different keys, so they are not tried again. By where each
    // is written (its file's path, line and column).
    let place = |v: &intguard_model::SecretValue| {
        (facts.files[v.file as usize].path.as_str(), v.line, v.column)
    };
    let mut opened: foldhash::HashSet<(&str, u32, u32)> = foldhash::HashSet::default();
    // Whether each value's decryptions are kept for its other copies: looked
    // up once, not for each key tried.
    let cached: Vec<bool> = values
        .iter()
        .map(|v| keys.maybe_repeated(facts.payload(v).unwrap_or_default()))
        .collect();
    let any_cached = cached.contains(&true);
    let each_readers_values = ValuesByReader::of(facts);
    // Each config with each of its ciphers: one per distinct setting when
    // properties make them differ per environment, one when they agree.
    let each_cipher = facts.configs.iter().enumerate().flat_map(|(c, config)| {
        let ciphers = &config.ciphers;
        ciphers
            .iter()
            .map(move |(cipher, envs)| (c, cipher_of(*cipher), envs, ciphers))
    });
    for (c, cipher, envs, ciphers) in each_cipher {
        // A file of an environment is read with that environment's settings
        // (a file of none, or of an environment without valid ones, with each).
        let read_otherwise = |env: intguard_model::EnvIx| {
            ciphers.len() > 1
                && env != SecretFacts::NO_ENV
                && !envs.contains(&env)
                && ciphers.iter().any(|(_, es)| es.contains(&env))
        };
        // The values this config tries with this cipher, in order: those of
        // the files it reads or no config's pattern names. The config that
        // reads a value's file, when its `file` pattern says, is the one
        // whose cipher tries it, so that a finding names the config that
        // decrypts it (not another one whose cipher the same key happens to
        // open it with). Listed once per cipher, not looked for among all
        // the app's values for each key (an app of 2,000 configs, each with
        // its key and file, took 1.7 s).
        let tried_here: Vec<usize> = each_readers_values
            .values_of(c)
            .filter(|&i| !read_otherwise(facts.files[values[i].file as usize].environment))
            .collect();
        // Those not opened yet: once none is left, no key is tried further.
        let mut unopened = tried_here
            .iter()
            .filter(|&&i| !opened.contains(&place(&values[i])))
            .count();
        if unopened == 0 {
            continue;
        }
        let lengths = cipher.algorithm.valid_key_lengths();
        for candidate in candidates(app, c, keys) {
            if unopened == 0 {
                break;
            }
            let key = candidate.value;
            if !lengths.contains(key.len()) && !lengths.contains(key.trim().len()) {
                continue;
            }
            // Set up on the first value it is tried on.
            let mut attempt: Option<KeyAttempt> = None;
            // Its results kept in `tried` (when the app has a value that
            // may be repeated).
            let mut known = any_cached.then(|| tried.entry((cipher, key)).or_default());
            let mut hits: Vec<Hit> = Vec::new();
            // The values of one file share one key (Mule decrypts the whole
            // file with its config's key): a file whose first two values do
            // not open is not tried further.
            let mut file: Option<u32> = None;
            let (mut misses, mut opened_in_file) = (0, false);
            for &i in &tried_here {
                let (v, cached) = (&values[i], &cached[i]);
                if file != Some(v.file) {
                    file = Some(v.file);
                    (misses, opened_in_file) = (0, false);
                }
                if opened.contains(&place(v)) || (misses >= 2 && !opened_in_file) {
                    continue;
                }
                // A payload that is not base64 opens with no key.
                let payload = facts.payload(v);
                let mut decrypts = || {
                    let attempt = attempt.get_or_insert_with(|| KeyAttempt::new(&cipher, key));
                    payload.is_some_and(|p| attempt.decrypts(p))
                };
                let ok = match known.as_deref_mut().filter(|_| *cached) {
                    Some(known) => {
                        let p = payload.unwrap_or_default();
                        match known.get(p) {
                            Some(&ok) => ok,
                            None => {
                                let ok = decrypts();
                                known.insert(p.into(), ok);
                                ok
                            }
                        }
                    }
                    None => decrypts(),
                };
                if ok {
                    opened_in_file = true;
                    let attempt = attempt.get_or_insert_with(|| KeyAttempt::new(&cipher, key));
                    hits.push(Hit {
                        value: i,
                        config: c,
                        cipher,
                        digest: payload.and_then(|p| attempt.plaintext_digest(p)),
                    });
                } else {
                    misses += 1;
                }
            }
            unopened = unopened.saturating_sub(hits.len());
            opened.extend(hits.iter().map(|h| place(&values[h.value])));
            // Named with this config's candidate: its own copy of the key
            // first, even when another config holds the same value.
            for hit in &hits {
                out.push(finding_for(inventory, app, facts, &candidate, hit));
            }
        }
    }
    out
}

/// An app's values by the config reading their file: the indexes of each
/// config's values and of those whose file no config's pattern names, each
/// list in the values' order.
struct ValuesByReader {
    by_config: Vec<Vec<usize>>,
    unread: Vec<usize>,
}

impl ValuesByReader {
    fn of(facts: &SecretFacts) -> Self {
        let mut by_config: Vec<Vec<usize>> = vec![Vec::new(); facts.configs.len()];
        let mut unread = Vec::new();
        for (i, v) in facts.values.iter().enumerate() {
            match facts.files[v.file as usize].reader {
                Some(r) if (r as usize) < by_config.len() => by_config[r as usize].push(i),
                // A reader that is no config of the app reads the value
                // for no config.
                Some(_) => {}
                None => unread.push(i),
            }
        }
        Self { by_config, unread }
    }

    /// The values config `c` tries, in order: its own and the unread ones.
    fn values_of(&self, c: usize) -> impl Iterator<Item = usize> + '_ {
        let own = self.by_config.get(c).map_or(&[][..], Vec::as_slice);
        merged(own, &self.unread)
    }
}

/// Two ascending lists of indexes as one ascending list.
fn merged<'l>(a: &'l [usize], b: &'l [usize]) -> impl Iterator<Item = usize> + 'l {
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(&&x), Some(&&y)) if x < y => a.next().copied(),
        (Some(_), Some(_)) | (None, Some(_)) => b.next().copied(),
        (Some(_), None) => a.next().copied(),
        (None, None) => None,
    })
}
