//! What integration users do: the objects their Mule connections' operations
//! use, and the operations whose objects are not known.

use std::collections::{HashMap, HashSet};

use crate::inventory::graph::{IntegrationIdentity, UnknownUse};
use crate::inventory::mule::MuleApp;
use crate::inventory::object_uses::{merge_use_parts, merge_writes, PairUses, SharedUses};

/// What every (app, connection config) named by an identity uses, from the
/// apps' digests ([`MuleApp::digest_operations`]).
pub(super) fn uses_by_pair<'a>(
    apps: &'a [MuleApp],
    ids: &'a [IntegrationIdentity],
) -> HashMap<(&'a str, &'a str), SharedUses> {
    let by_name: HashMap<&str, &MuleApp> = apps.iter().map(|a| (a.name.as_str(), a)).collect();
    let mut out = HashMap::new();
    for u in ids.iter().flat_map(|id| &id.apps) {
        let key = (u.app.as_str(), u.config_name.as_str());
        if out.contains_key(&key) {
            continue;
        }
        if let Some(app) = by_name.get(key.0) {
            let uses = app.uses_of_config(key.1).cloned().unwrap_or_default();
            out.insert(key, uses);
        }
    }
    out
}

/// The apps with operations whose objects are not known, by name (few).
pub(super) fn apps_with_unknown_uses(apps: &[MuleApp]) -> HashMap<&str, &MuleApp> {
    apps.iter()
        .filter(|a| !a.unknown_uses.is_empty())
        .map(|a| (a.name.as_str(), a))
        .collect()
}

/// The operations of the identity's (app, config) pairs whose objects are
/// not known.
pub(super) fn unknown_uses(
    id: &IntegrationIdentity,
    apps: &HashMap<&str, &MuleApp>,
) -> Vec<UnknownUse> {
    let mut out: Vec<UnknownUse> = Vec::new();
    // Each once, in order: a list search per use took time in the square of
    // their number.
    let mut seen: HashSet<&UnknownUse> = HashSet::new();
    for u in &id.apps {
        let Some(app) = apps.get(u.app.as_str()) else {
            continue;
        };
        for unknown in app.unknown_uses_of_config(&u.config_name) {
            if seen.insert(unknown) {
                out.push(unknown.clone());
            }
        }
    }
    out
}

/// The objects the identity's Mule connections use: the union of its
/// (app, config) pairs' uses, in the order of its apps.
pub(super) fn objects_used(
    id: &IntegrationIdentity,
    pairs: &HashMap<(&str, &str), SharedUses>,
) -> SharedUses {
    let mut mine: Vec<&SharedUses> = Vec::new();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for u in &id.apps {
        let key = (u.app.as_str(), u.config_name.as_str());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        if let Some(uses) = pairs.get(&key) {
            mine.push(uses);
        }
    }
    match mine.as_slice() {
        [] => return SharedUses::default(),
        [only] => return SharedUses::clone(only),
        _ => {}
    }
    let mut out = PairUses::new();
    for uses in mine {
        for u in uses.iter() {
            let k = u.object.to_lowercase();
            match out.get_mut(&k) {
                Some(e) => {
                    merge_use_parts(
                        e,
                        u.inferred,
                        &u.operations,
                        &u.relationships,
                        &u.fields,
                        &u.locations,
                        &u.apps,
                    );
                    merge_writes(e, &u.written_fields, &u.unread_writes);
                }
                None => {
                    out.insert(k, u.clone());
                }
            }
        }
    }
    out.into_values().collect()
}
