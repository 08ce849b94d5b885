//! Planning `fix secrets --rotate-key` and `--upgrade-encryption`: every `![...]` value of
//! the apps re-encrypted from the old key to the new one, and with `--upgrade-encryption`
//! from the configuration's settings to AES/CBC with random IVs (Mule 3: AES/CBC), in place
//! (only the base64 between `![` and `]` changes), the configurations' settings changed to
//! match.

use std::collections::{BTreeMap, BTreeSet};

use intguard_model::{Inventory, Location, MuleApp};
use mule_secure_props::{Cipher, Mode};

use crate::cipher_settings::{
    needs_upgrade, settings_written, strong_cipher, strong_settings_edits,
};
use crate::secrets::{config_ciphers, config_for_file, decrypt_plausible, file_ciphers};
use crate::text::{apply_edits, byte_col, Lines};
use crate::{FileChange, FixError, Masking, Moved, Plan};

/// Re-encrypts every value from `old_key` to `new_key` (the same key when only the
/// settings change). With `upgrade_encryption`, every configuration whose settings are not
/// AES/CBC with random IVs (Mule 3: AES/CBC) gets them, and its files' values are
/// re-encrypted with them: decrypting with the old settings and encrypting with the new
/// ones is the only way to change them, since Mule reads every value of a file with its
/// configuration's settings. Values that open with neither key, or whose file's
/// configuration cannot be told, are an error listing them all (nothing is written).
/// Values that already open with the new key and settings (and not with the old ones) are
/// left as they are, so a second run has nothing to do.
pub fn plan_rotation(
    inventory: &Inventory,
    old_key: &[u8],
    new_key: &[u8],
    upgrade_encryption: bool,
) -> Result<Plan, FixError> {
    let mut plan = Plan {
        masking: Masking::new(inventory, &[old_key, new_key]),
        ..Plan::default()
    };
    let mut problems = Vec::new();
    let mut left_in_tests = Vec::new();
    // Settings edits, by XML file: one file may hold several configurations.
    let mut settings_edits: BTreeMap<String, XmlEdits> = BTreeMap::new();
    // A Mule plugin's configuration lent to the apps importing its file is
    // changed once.
    let mut configs_planned: BTreeSet<Location> = BTreeSet::new();
    for app in &inventory.apps {
        if upgrade_encryption {
            plan_strong_settings(
                inventory,
                app,
                &mut plan,
                &mut settings_edits,
                &mut configs_planned,
                &mut problems,
            )?;
        }
        // The MUnit test resources' values are rotated when the old key opens
        // them (the suites read them with the app's key); what it does not
        // open there is under a test key of its own: left, not an error. A
        // file a plain import loads is never decrypted: its `![...]` text is
        // no value of a secure configuration to re-encrypt.
        let files = app
            .property_files
            .iter()
            .filter(|f| !f.loaded || f.secure)
            .map(|f| (f, false));
        'files: for (file, test) in files.chain(app.test_property_files.iter().map(|f| (f, true))) {
            let problems = if test {
                &mut left_in_tests
            } else {
                &mut problems
            };
            let encrypted: Vec<_> = file
                .entries
                .iter()
                .filter_map(|e| e.encrypted_payload().map(|b| (e, b.trim())))
                .collect();
            if encrypted.is_empty() {
                continue;
            }
            let config = if test {
                app.secure_config_for(file)
            } else {
                config_for_file(app, file)
            };
            // One cipher for a file of one environment; for a file every
            // environment reads, one per distinct setting, each value read
            // with the one that opens it.
            let ciphers = match config.map(|c| (c, file_ciphers(app, c, file))) {
                Some((_, Ok(c))) => c.into_iter().map(|(_, c)| c).collect::<Vec<_>>(),
                Some((c, Err(why))) => {
                    problems.push(format!("{}: {why}{}", file.path, run_by(app, c)));
                    continue;
                }
                None => {
                    problems.push(format!(
                        "{}: cannot tell which secure-properties configuration reads it",
                        file.path
                    ));
                    continue;
                }
            };
            let target = |cipher: Cipher| match config {
                Some(c) if upgrade_encryption && needs_upgrade(c, &cipher) => strong_cipher(c),
                _ => cipher,
            };
            if ciphers.iter().all(|c| target(*c) == *c) && old_key == new_key {
                continue;
            }
            for &cipher in &ciphers {
                // With several ciphers, the old key fits the one that opens a value
                // (tried below), not necessarily every one.
                let old = (ciphers.len() == 1).then_some((old_key, cipher));
                for (k, c) in old.into_iter().chain([(new_key, target(cipher))]) {
                    if let Err(e) = Cipher::new(c.algorithm, Mode::Ecb, false).encrypt(k, b"") {
                        // An old key that does not fit the settings the file is
                        // read with now, every value opening with the new key: a
                        // second run, after one that rotated and upgraded it.
                        if k == old_key
                            && old_key != new_key
                            && encrypted.iter().all(|(_, b64)| {
                                ciphers
                                    .iter()
                                    .any(|c| decrypt_plausible(&target(*c), new_key, b64).is_some())
                            })
                        {
                            continue 'files;
                        }
                        if test {
                            problems.push(format!("{}: {e}", file.path));
                            continue 'files;
                        }
                        // A key that fits the old algorithm but not AES: the upgrade
                        // needs a new key anyway.
                        let hint = if c.algorithm != cipher.algorithm && old_key == new_key {
                            " (--upgrade-encryption moves it to AES: add --rotate-key with a new key of 16, 24 or 32 bytes)"
                        } else {
                            ""
                        };
                        return Err(FixError(format!("{}: {e}{hint}", file.path)));
                    }
                }
            }
            let text = std::fs::read_to_string(crate::file_at(&file.path)).map_err(|e| {
                crate::unreadable_text(file.path.as_str(), "fix secrets --rotate-key", &e)
            })?;
            let lines = Lines::new(&text);
            let mut edits = Vec::new();
            let mut how: Vec<String> = Vec::new();
            for (e, b64) in encrypted {
                let old = ciphers
                    .iter()
                    .find_map(|c| decrypt_plausible(c, old_key, b64).map(|p| (*c, p)));
                // Same key, new settings: the values are as the configuration (not yet
                // changed) reads them. Trying the new settings would tell nothing: a value
                // of fixed-IV CBC read as random-IV CBC opens too, as its tail.
                let new = if old_key == new_key {
                    None
                } else {
                    ciphers
                        .iter()
                        .find_map(|c| decrypt_plausible(&target(*c), new_key, b64))
                };
                let (cipher, plain) = match (old, new) {
                    (Some(opened), None) => opened,
                    (None, Some(_)) => continue, // rotated already
                    (Some(_), Some(_)) => {
                        problems.push(format!(
                            "{}: `{}` opens both as it was and as it would be; rotate it by hand",
                            e.location,
                            e.key()
                        ));
                        continue;
                    }
                    (None, None) => {
                        let tried: Vec<String> = ciphers.iter().map(Cipher::to_string).collect();
                        problems.push(format!(
                            "{}: `{}` does not decrypt with the old key ({})",
                            e.location,
                            e.key(),
                            tried.join(" or ")
                        ));
                        continue;
                    }
                };
                let target = target(cipher);
                // The base64 on the entry's line (after the key).
                let n = e.location.line as usize;
                if n == 0 || n > lines.len() {
                    problems.push(format!("{}: `{}`: line not found", e.location, e.key()));
                    continue;
                }
                let content = lines.content(n);
                let line = &text[content.clone()];
                let needle = format!("![{b64}");
                // The first one after the key: the value comes before a
                // comment, which may quote the same `![...]` (the last
                // one on the line would be the comment's).
                let from = byte_col(line, e.location.column);
                let Some(at) = line[from..].find(&needle).map(|i| from + i) else {
                    problems.push(format!(
                        "{}: `{}`: the value is not on the key's line; rotate it by hand",
                        e.location,
                        e.key()
                    ));
                    continue;
                };
                let start = content.start + at + 2;
                let fresh = target
                    .encrypt(new_key, plain.as_bytes())
                    .map_err(|err| FixError(err.to_string()))?;
                edits.push((start..start + b64.len(), fresh));
                plan.moved.push(Moved {
                    name: e.key().to_string(),
                    target: crate::file_at(&file.path),
                });
                let with = match (old_key == new_key, target == cipher) {
                    (_, true) => format!("the new key ({cipher})"),
                    (true, false) => format!("{target} instead of {cipher}"),
                    (false, false) => format!("the new key and {target} instead of {cipher}"),
                };
                if !how.contains(&with) {
                    how.push(with);
                }
            }
            if edits.is_empty() {
                continue;
            }
            let count = edits.len();
            let new = apply_edits(&text, edits)
                .ok_or_else(|| FixError(format!("{}: overlapping edits", file.path)))?;
            plan.actions.push(format!(
                "re-encrypt {count} value(s) of {} with {}",
                file.path,
                how.join("; ")
            ));
            plan.changes.push(FileChange {
                path: crate::file_at(&file.path),
                // Only encrypted values change: nothing to mask.
                masked_original: Some(text.clone()),
                original: Some(text),
                new,
            });
        }
        // Also on a second run, with nothing left to re-encrypt: the old key
        // still set in the repository is still to be deleted.
        if old_key != new_key {
            // A workflow that sets the key of several apps: said once.
            for line in old_key_left(inventory, app, old_key) {
                if !plan.skipped.contains(&line) {
                    plan.skipped.push(line);
                }
            }
        }
    }
    for (path, XmlEdits { text, edits }) in settings_edits {
        if edits.is_empty() {
            continue;
        }
        let new = apply_edits(&text, edits)
            .ok_or_else(|| FixError(format!("{path}: overlapping edits")))?;
        plan.changes.push(FileChange {
            path: crate::file_at(&path),
            // Settings only: nothing to mask.
            masked_original: Some(text.clone()),
            original: Some(text),
            new,
        });
    }
    plan.skipped.extend(
        left_in_tests
            .into_iter()
            .map(|why| format!("MUnit test resource left under its own key: {why}")),
    );
    if !problems.is_empty() {
        return Err(FixError(format!(
            "nothing was changed; these values cannot be rotated:\n  {}",
            problems.join("\n  ")
        )));
    }
    Ok(plan)
}

/// An XML file's text, read once, and the edits planned on it.
struct XmlEdits {
    text: String,
    edits: Vec<(std::ops::Range<usize>, String)>,
}

/// The settings edits of `app`'s configurations whose settings are weaker than AES/CBC
/// with random IVs (Mule 3: AES/CBC) in some environment, added to `files` by XML file with
/// an action each. Settings read from properties (`algorithm="${enc.alg}"`) are written
/// in the XML instead, the same in every environment, and the action names the
/// definitions they no longer read. A configuration whose settings cannot be known (a
/// property the repository does not define), or whose element is not where it was read,
/// is a problem.
fn plan_strong_settings(
    inventory: &Inventory,
    app: &MuleApp,
    plan: &mut Plan,
    files: &mut BTreeMap<String, XmlEdits>,
    planned: &mut BTreeSet<Location>,
    problems: &mut Vec<String>,
) -> Result<(), FixError> {
    for config in &app.secure_property_configs {
        if planned.contains(&config.location) {
            continue;
        }
        match config_ciphers(app, config) {
            Ok(ciphers) if ciphers.iter().all(|(_, c)| !needs_upgrade(config, c)) => continue,
            Ok(_) => {}
            Err(why) => {
                problems.push(format!("{}: {why}{}", config.location, run_by(app, config)));
                continue;
            }
        }
        if let Some(refusal) = unread_plugin_config(inventory, app, config) {
            problems.push(refusal);
            continue;
        }
        let path = config.location.path.as_str();
        if !files.contains_key(path) {
            let text = std::fs::read_to_string(crate::file_at(path))
                .map_err(|e| FixError(format!("{path}: {e}")))?;
            let edits = Vec::new();
            files.insert(path.to_string(), XmlEdits { text, edits });
        }
        let Some(file) = files.get_mut(path) else {
            continue;
        };
        match strong_settings_edits(&file.text, config) {
            Ok(found) => {
                planned.insert(config.location.clone());
                plan.actions.push(format!(
                    "set {} on <{}> {}in {path}{}",
                    settings_written(config),
                    config.element,
                    named(config),
                    definitions_no_longer_read(inventory, app, config)
                ));
                file.edits.extend(found);
            }
            Err(why) => problems.push(why),
        }
    }
    Ok(())
}

/// Why the settings of `config`, a Mule plugin's, are not changed: it runs in
/// the apps importing its file and decrypts their values, and neither an
/// importing app (lent the config) nor a value of the plugin's own files it
/// reads is under the folder given, so changing them would only leave the
/// apps' values unreadable. `None` for an app's config, or when there is
/// something to re-encrypt with it.
fn unread_plugin_config(
    inventory: &Inventory,
    app: &MuleApp,
    config: &intguard_model::SecurePropertiesConfig,
) -> Option<String> {
    app.plugin.as_ref()?;
    let imported = inventory.apps.iter().any(|a| {
        !std::ptr::eq(a, app)
            && a.secure_property_configs
                .iter()
                .any(|c| c.location == config.location)
    });
    let reads_own = app.property_files.iter().any(|f| {
        (!f.loaded || f.secure)
            && f.entries.iter().any(|e| e.encrypted_payload().is_some())
            && config_for_file(app, f).is_some_and(|c| std::ptr::eq(c, config))
    });
    if imported || reads_own {
        return None;
    }
    Some(format!(
        "{}: <{}> {}is Mule plugin {}'s: it runs in the apps importing its file and decrypts their values, none of which is under the folder given, so changing its settings would leave them unreadable; run fix secrets on a folder holding the plugin and the apps importing it",
        config.location,
        config.element,
        named(config),
        app.name
    ))
}

/// A config's name as messages put it after its element (`` `Secure_Props` ``
/// and a space), empty for an unnamed one.
fn named(config: &intguard_model::SecurePropertiesConfig) -> String {
    config
        .name
        .as_deref()
        .map(|n| format!("`{n}` "))
        .unwrap_or_default()
}

/// For a Mule plugin's config lent to `app` (resolved in the app's
/// properties), which app runs it: ` (as billing-sapi, which imports Mule
/// plugin common-lib's file, runs it)`; empty for the app's own.
fn run_by(app: &MuleApp, config: &intguard_model::SecurePropertiesConfig) -> String {
    app.lending_plugin(&config.location.path)
        .map(|plugin| {
            format!(
                " (as {}, which imports Mule plugin {plugin}'s file, runs it)",
                app.name
            )
        })
        .unwrap_or_default()
}

/// The definitions of the properties `config`'s settings read (`algorithm="${enc.alg}"`),
/// which it no longer reads once they are written in the XML, as a note for the action:
/// they may be deleted, unless something else reads them. Empty when the settings are
/// written in the XML already.
///
/// A Mule plugin's config lent to the apps importing its file reads each
/// app's definitions: every one of them is named.
fn definitions_no_longer_read(
    inventory: &Inventory,
    app: &MuleApp,
    config: &intguard_model::SecurePropertiesConfig,
) -> String {
    let mut defined: Vec<String> = Vec::new();
    let readers = std::iter::once(app).chain(inventory.apps.iter().filter(|a| {
        !std::ptr::eq(*a, app)
            && a.secure_property_configs
                .iter()
                .any(|c| c.location == config.location)
    }));
    for reader in readers {
        for value in config.settings().filter(|v| !v.is_literal()) {
            for resolved in reader.resolve_all(value) {
                for source in &resolved.sources {
                    let place = format!("`{}` ({})", source.name(), source.location());
                    if !defined.contains(&place) {
                        defined.push(place);
                    }
                }
            }
        }
    }
    if defined.is_empty() {
        return String::new();
    }
    format!(
        " (instead of reading {}: delete them unless something else reads them)",
        defined.join(", ")
    )
}

/// Where the app still reads the old key after its values were re-encrypted:
/// a literal `key` attribute, a key property defined in the repository, or
/// one its pom, scripts or the repository's CI and container files set to
/// the old key (`<encryption.key>` in the pom's properties,
/// `-Dencryption.key=...` in a workflow or Dockerfile). Left to the user
/// (the new key must come from outside), but said, since the app cannot
/// decrypt the rotated values until it changes.
fn old_key_left(inventory: &Inventory, app: &MuleApp, old_key: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let inside = |root: &str, path: &str| {
        let root = root.trim_end_matches('/');
        root.is_empty()
            || path
                .strip_prefix(root)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    // The app's own files and those of no app (a workflow at the
    // repository's top sets the key of every app it deploys); another app's
    // files are that app's to report.
    let in_reach = |path: &str| {
        inside(&app.root, path)
            || !inventory
                .apps
                .iter()
                .any(|other| other.root != app.root && inside(&other.root, path))
    };
    for config in &app.secure_property_configs {
        let Some(key) = &config.key else { continue };
        if key.is_literal() {
            out.push(format!(
                "{}: <{}> still holds the old key in its key attribute: set key=\"${{encryption.key}}\" and supply the new key at deploy time, or the app cannot decrypt the rotated values",
                key.location, config.element
            ));
            continue;
        }
        for resolved in app.resolve_all(key) {
            for name in &resolved.unresolved {
                let set_to_old_key = inventory
                    .text_files
                    .iter()
                    .filter(|f| in_reach(&f.path))
                    .flat_map(|f| &f.assignments)
                    .filter(|a| *a.name == **name && a.value.trim().as_bytes() == old_key);
                for a in set_to_old_key {
                    let line = format!(
                        "{}: the old key is still set here (`{name}`, read by <{}> as {}): delete it and supply the new key at deploy time, or the app cannot decrypt the rotated values",
                        a.location,
                        config.element,
                        key.raw.trim()
                    );
                    if !out.contains(&line) {
                        out.push(line);
                    }
                }
            }
            if let Some(origin) = resolved.origin() {
                let line = format!(
                    "{}: the old key is still defined here (read by <{}> as {}): delete it and supply the new key at deploy time, or the app cannot decrypt the rotated values",
                    origin.location(),
                    config.element,
                    key.raw.trim()
                );
                if !out.contains(&line) {
                    out.push(line);
                }
            }
        }
    }
    // The old key written anywhere else in the app's property files (the
    // secure file it decrypts, an unused file): the app does not read it
    // from there, but IG103 reports it, and anyone with the repository
    // reads it.
    if !old_key.is_empty() {
        for file in &app.property_files {
            for e in file
                .entries
                .iter()
                .filter(|e| e.value().trim().as_bytes() == old_key)
            {
                let at = format!("{}: ", e.location);
                if out.iter().any(|l| l.starts_with(&at)) {
                    continue;
                }
                out.push(format!(
                    "{at}the old key is still written here (`{}`): delete it and purge it from git history (the app does not read its key from there, but anyone with the repository does)",
                    e.key()
                ));
            }
        }
    }
    out
}
