//! Planning `fix secrets --rotate-key`: every `![...]` value of the apps re-encrypted from
//! the old key to the new one, in place (only the base64 between `![` and `]` changes).

use std::path::PathBuf;

use intguard_model::{Inventory, MuleApp};
use mule_secure_props::{Cipher, Mode};

use crate::secrets::{config_for_file, decrypt_plausible};
use crate::text::{apply_edits, Lines};
use crate::{FileChange, FixError, Moved, Plan};

/// Plans the rotation. Values that open with neither key, or whose file's configuration
/// cannot be told, are an error listing them all (nothing is written). Values that already
/// open with the new key (and not with the old one) are left as they are, so a second run
/// has nothing to do.
pub fn plan_rotation(
    inventory: &Inventory,
    old_key: &[u8],
    new_key: &[u8],
) -> Result<Plan, FixError> {
    let mut plan = Plan::default();
    let mut problems = Vec::new();
    for app in &inventory.apps {
        let changes_before = plan.changes.len();
        for file in &app.property_files {
            let encrypted: Vec<_> = file
                .entries
                .iter()
                .filter_map(|e| e.encrypted_payload().map(|b| (e, b.trim())))
                .collect();
            if encrypted.is_empty() {
                continue;
            }
            let cipher = match config_for_file(app, file).map(crate::secrets::config_cipher) {
                Some(Ok(c)) => c,
                Some(Err(why)) => {
                    problems.push(format!("{}: {why}", file.path));
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
            for k in [old_key, new_key] {
                if let Err(e) = Cipher::new(cipher.algorithm, Mode::Ecb, false).encrypt(k, b"") {
                    return Err(FixError(format!("{}: {e}", file.path)));
                }
            }
            let text = std::fs::read_to_string(file.path.as_str())
                .map_err(|e| FixError(format!("{}: {e}", file.path)))?;
            let lines = Lines::new(&text);
            let mut edits = Vec::new();
            for (e, b64) in encrypted {
                let old = decrypt_plausible(&cipher, old_key, b64);
                let new = decrypt_plausible(&cipher, new_key, b64);
                let plain = match (old, new) {
                    (Some(p), None) => p,
                    (None, Some(_)) => continue, // rotated already
                    (Some(_), Some(_)) => {
                        problems.push(format!(
                            "{}: `{}` opens with both keys; rotate it by hand",
                            e.location,
                            e.key()
                        ));
                        continue;
                    }
                    (None, None) => {
                        problems.push(format!(
                            "{}: `{}` does not decrypt with the old key ({cipher})",
                            e.location,
                            e.key()
                        ));
                        continue;
                    }
                };
                // The base64 on the entry's line (after the key).
                let n = e.location.line as usize;
                if n == 0 || n > lines.len() {
                    problems.push(format!("{}: `{}`: line not found", e.location, e.key()));
                    continue;
                }
                let content = lines.content(n);
                let line = &text[content.clone()];
                let needle = format!("![{b64}");
                let Some(at) = line.rfind(&needle) else {
                    problems.push(format!(
                        "{}: `{}`: the value is not on the key's line; rotate it by hand",
                        e.location,
                        e.key()
                    ));
                    continue;
                };
                let start = content.start + at + 2;
                let fresh = cipher
                    .encrypt(new_key, plain.as_bytes())
                    .map_err(|err| FixError(err.to_string()))?;
                edits.push((start..start + b64.len(), fresh));
                plan.moved.push(Moved {
                    name: e.key().to_string(),
                    target: PathBuf::from(file.path.as_str()),
                });
            }
            if edits.is_empty() {
                continue;
            }
            let count = edits.len();
            let new = apply_edits(&text, edits)
                .ok_or_else(|| FixError(format!("{}: overlapping edits", file.path)))?;
            plan.actions.push(format!(
                "re-encrypt {count} value(s) of {} with the new key ({cipher})",
                file.path
            ));
            plan.changes.push(FileChange {
                path: PathBuf::from(file.path.as_str()),
                // Only encrypted values change: nothing to mask.
                masked_original: Some(text.clone()),
                original: Some(text),
                new,
            });
        }
        if plan.changes.len() > changes_before {
            plan.skipped.extend(old_key_left(app));
        }
    }
    if !problems.is_empty() {
        return Err(FixError(format!(
            "nothing was changed; these values cannot be rotated:\n  {}",
            problems.join("\n  ")
        )));
    }
    Ok(plan)
}

/// Where the app still reads the old key after its values were re-encrypted:
/// a literal `key` attribute, or a key property defined in the repository.
/// Left to the user (the new key must come from outside), but said, since the
/// app cannot decrypt the rotated values until it changes.
fn old_key_left(app: &MuleApp) -> Vec<String> {
    let mut out = Vec::new();
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
    out
}
