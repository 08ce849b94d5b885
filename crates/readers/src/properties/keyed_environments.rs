//! Environments named in property keys rather than file names: one
//! `config.yaml` holding `dev.sf.user` and `prod.sf.user`, read by
//! `principal="${${mule.env}.sf.user}"`. The deploy's `mule.env` picks the
//! key, so `dev` and `prod` are environments of the app as much as
//! `config-dev.yaml` and `config-prod.yaml` would make them: without them,
//! only the default `mule.env` (a `<global-property>`) was resolved, and the
//! prod user was unknown.

use intguard_model::{is_environment_placeholder, MuleApp, MuleRuntime};

/// The environments (each with the placeholder naming it) that the nested
/// references of the app's Salesforce usernames and principals select among
/// the keys of the files every environment loads: for
/// `${${mule.env}.sf.user}`, each `X` of a key `X.sf.user`, where `X` is one
/// word (letters, digits, `-`, `_`).
pub(crate) fn keyed_environments(app: &MuleApp) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let nested_names = app
        .salesforce_connections
        .iter()
        .filter_map(|c| c.username())
        .flat_map(|v| v.placeholders())
        .filter(|p| p.is_nested());
    for p in nested_names {
        let inner = intguard_model::expr::placeholders(&p.name);
        let [env] = inner.as_slice() else {
            continue;
        };
        if !is_environment_placeholder(&env.name) {
            continue;
        }
        let (prefix, suffix) = (&p.name[..env.start], &p.name[env.end..]);
        let keys = app
            .property_files
            .iter()
            .filter(|f| f.loaded && f.environment.is_none())
            // Mule 3 placeholders read plain and secure files alike.
            .filter(|f| f.read_by(p.secure) || app.runtime == MuleRuntime::Mule3)
            .flat_map(|f| &f.entries)
            .map(|e| e.key());
        for key in keys {
            let Some(word) = key
                .strip_prefix(prefix)
                .and_then(|k| k.strip_suffix(suffix))
            else {
                continue;
            };
            let one_word = !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if one_word && !out.iter().any(|(e, n)| e == word && *n == env.name) {
                out.push((word.to_string(), env.name.clone()));
            }
        }
    }
    out
}
