//! Secure files that a `configuration-properties` import loads too (one
//! `${mule.env}.yaml` for both): `${name}` reads a value there as written,
//! so once encrypted in place it would read the `![...]` text. Such
//! references must read `${secure::name}` instead.

use intguard_model::path_text::file_name;
use intguard_model::{MuleApp, MuleRuntime, PropertyEntry, PropertyFile};

/// What encrypting `entry` of `file` in place asks of the references to
/// its name: `Ok(false)` nothing (no `${name}` reads it), `Ok(true)` that
/// the XML's `${name}` become `${secure::name}`, or why that would break a
/// reader (the entry is then left alone).
pub(super) fn plain_reads_to_switch(
    app: &MuleApp,
    file: &PropertyFile,
    entry: &PropertyEntry,
    readers: impl FnOnce() -> Vec<String>,
) -> Result<bool, String> {
    if app.runtime != MuleRuntime::Mule4 || !app.read_plainly(file, entry) {
        return Ok(false);
    }
    let name = entry.key();
    let why = format!(
        "`${{{name}}}` reads it through the <configuration-properties> that loads {} too, and would read the ![...] text once it is encrypted",
        file_name(&file.path)
    );
    // The XML's references switch in every environment at once: each must
    // find by `secure::` the very definition it reads now.
    for env in &app.resolution_environments() {
        let (plain, secure) = (app.lookup(name, false, *env), app.lookup(name, true, *env));
        let same = match (plain, secure) {
            (Some(p), Some(s)) => p.location() == s.location(),
            (None, None) => true,
            _ => false,
        };
        if !same {
            let at = env.map(|e| format!(" in {e}")).unwrap_or_default();
            return Err(format!(
                "{why}; ${{secure::{name}}} would not read the same definition{at}, so this fix does not switch the references: make them read secure::{name} by hand (with a secure definition in every environment) and run fix secrets again"
            ));
        }
    }
    let others = readers();
    if !others.is_empty() {
        return Err(format!(
            "{why}, as would {}, which this fix does not rewrite: change them to read secure::{name} and run fix secrets again",
            others.join(", ")
        ));
    }
    Ok(true)
}
