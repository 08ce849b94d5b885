//! The profiles, permission sets and groups of the metadata by the names they
//! answer to (API name or label, in any case), so that finding one is not a
//! walk through all of them: the identity graph, its warnings and the
//! access rules look up every assignment of every user (2,000 users of 20
//! sets each among 2,000 sets: 80 million comparisons, 10 s).
//!
//! Made on the first lookup. The metadata is only appended to once read (an
//! org snapshot's items joined): an index made before an item was added is
//! not used (the lookups walk the items, as without it), and every item it
//! names is checked against the name asked, so it never answers other than
//! the walk would.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{profile_file_name, PermissionSet, PermissionSetGroup, Profile};

/// The index, made when first asked.
#[derive(Debug, Default, Clone)]
pub(crate) struct NameIndex(OnceLock<Names>);

#[derive(Debug, Clone)]
struct Names {
    /// How many profiles, sets and groups it was made of.
    lens: [usize; 3],
    profiles: HashMap<String, Vec<u32>>,
    sets: HashMap<String, Vec<u32>>,
    groups: HashMap<String, Vec<u32>>,
}

/// The key a permission set or group answers to by a name: the name asked
/// is trimmed, its API name is not (as [`PermissionSet::matches`]).
pub(crate) fn set_key(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// The key a profile answers to (as [`super::same_profile`]).
pub(crate) fn profile_key(name: &str) -> String {
    profile_file_name(name).to_ascii_lowercase()
}

/// Each item's position under each of its keys, in order.
fn by_key<'a, T>(
    items: &'a [T],
    keys: impl Fn(&'a T) -> [Option<String>; 2],
) -> HashMap<String, Vec<u32>> {
    let mut out: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let [a, b] = keys(item);
        // An item whose label is its name is listed once.
        let b = b.filter(|b| Some(b) != a.as_ref());
        for key in [a, b].into_iter().flatten() {
            out.entry(key).or_default().push(i as u32);
        }
    }
    out
}

impl NameIndex {
    fn names(
        &self,
        profiles: &[Profile],
        sets: &[PermissionSet],
        groups: &[PermissionSetGroup],
    ) -> Option<&Names> {
        let lens = [profiles.len(), sets.len(), groups.len()];
        let names = self.0.get_or_init(|| Names {
            lens,
            profiles: by_key(profiles, |p| {
                [
                    Some(profile_key(&p.name)),
                    p.label.as_deref().map(profile_key),
                ]
            }),
            sets: by_key(sets, |s| {
                [
                    Some(set_key(&s.name)),
                    s.label.as_deref().map(|l| set_key(l.trim())),
                ]
            }),
            groups: by_key(groups, |g| {
                [
                    Some(set_key(&g.name)),
                    g.label.as_deref().map(|l| set_key(l.trim())),
                ]
            }),
        });
        (names.lens == lens).then_some(names)
    }

    /// The positions of the items of `kind` that may answer to `name`, in
    /// order; `None` when the index cannot say (the items walked instead).
    pub(crate) fn positions(
        &self,
        profiles: &[Profile],
        sets: &[PermissionSet],
        groups: &[PermissionSetGroup],
        kind: Kind,
        name: &str,
    ) -> Option<&[u32]> {
        let names = self.names(profiles, sets, groups)?;
        let (map, key) = match kind {
            Kind::Profile => (&names.profiles, profile_key(name)),
            Kind::Set => (&names.sets, set_key(name.trim())),
            Kind::Group => (&names.groups, set_key(name.trim())),
        };
        Some(map.get(&key).map_or(&[], Vec::as_slice))
    }
}

/// What a lookup looks for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Profile,
    Set,
    Group,
}

/// The items that may answer to a name, in order: those at `positions`, or
/// every item when the index cannot say (the caller checks each).
pub(crate) fn candidates<'a, T>(
    items: &'a [T],
    positions: Option<&'a [u32]>,
) -> impl Iterator<Item = &'a T> {
    let named = positions.map(|p| p.iter().filter_map(|&i| items.get(i as usize)));
    let every = positions.is_none().then(|| items.iter());
    named
        .into_iter()
        .flatten()
        .chain(every.into_iter().flatten())
}

#[cfg(test)]
mod tests {
    use crate::inventory::salesforce::SalesforceMetadata;
    use crate::location::Location;

    use super::super::{PermissionSet, PermissionSetGroup, Profile};

    fn profile(name: &str, label: Option<&str>, path: &str) -> Profile {
        Profile {
            name: name.into(),
            label: label.map(str::to_string),
            user_license: None,
            custom: None,
            user_permissions: Vec::new(),
            object_permissions: Vec::new(),
            login_ip_ranges: Vec::new(),
            location: Location::new(path, 1, 1),
        }
    }

    fn set(name: &str, label: Option<&str>, path: &str) -> PermissionSet {
        PermissionSet {
            name: name.into(),
            label: label.map(str::to_string),
            license: None,
            description: None,
            user_permissions: Vec::new(),
            object_permissions: Vec::new(),
            location: Location::new(path, 1, 1),
            decomposed: false,
            files: Vec::new(),
        }
    }

    fn group(name: &str, label: Option<&str>, path: &str) -> PermissionSetGroup {
        PermissionSetGroup {
            name: name.into(),
            label: label.map(str::to_string),
            permission_sets: Vec::new(),
            muting_permission_sets: Vec::new(),
            status: None,
            location: Location::new(path, 1, 1),
        }
    }

    fn paths<T>(items: Vec<&T>, path: impl Fn(&T) -> &str) -> Vec<String> {
        items.into_iter().map(|x| path(x).to_string()).collect()
    }

    /// Every lookup answers as walking the items does (the first that
    /// matches; every one that does, in order): standard profiles by label
    /// or file name, any case, names with spaces around, a label that is
    /// another item's name, the same name in two projects; and still after
    /// items are added, before and after the index is made again.
    #[test]
    fn lookups_answer_as_walking_every_item_does() {
        let mut md = SalesforceMetadata {
            profiles: vec![
                profile("Admin", Some("System Administrator"), "a/Admin.profile"),
                profile("Orders Integration", None, "a/Orders.profile"),
                profile("Admin", None, "b/Admin.profile"),
                profile("Billing", Some("Orders Integration"), "b/Billing.profile"),
            ],
            permission_sets: vec![
                set("Orders_API", Some("Orders API"), "a/Orders_API.ps"),
                set("Billing_API", Some(" orders_api "), "a/Billing_API.ps"),
                set("orders_api", None, "b/Orders_API.ps"),
                set(" Spaced ", None, "a/Spaced.ps"),
            ],
            permission_set_groups: vec![
                group("Sales_Group", Some("Sales Group"), "a/Sales.psg"),
                group("sales_group", None, "b/Sales.psg"),
            ],
            ..SalesforceMetadata::default()
        };
        let queries = [
            "Admin",
            "admin",
            "System Administrator",
            " SYSTEM ADMINISTRATOR ",
            "Orders Integration",
            "Billing",
            "Orders_API",
            "ORDERS_API ",
            "Orders API",
            "Billing_API",
            " Spaced ",
            "Spaced",
            "Sales Group",
            "SALES_GROUP",
            "Standard",
            "",
        ];
        let check = |md: &SalesforceMetadata| {
            for q in queries {
                let walked: Vec<&Profile> = md.profiles.iter().filter(|p| p.matches(q)).collect();
                assert_eq!(
                    paths(md.profiles_named(q), |p: &Profile| &p.location.path),
                    paths(walked.clone(), |p: &Profile| &p.location.path),
                    "{q:?}"
                );
                assert_eq!(
                    md.profile(q).map(|p| &p.location.path),
                    walked.first().map(|p| &p.location.path),
                    "{q:?}"
                );
                let walked: Vec<&PermissionSet> =
                    md.permission_sets.iter().filter(|p| p.matches(q)).collect();
                assert_eq!(
                    paths(md.permission_sets_named(q), |p: &PermissionSet| &p
                        .location
                        .path),
                    paths(walked.clone(), |p: &PermissionSet| &p.location.path),
                    "{q:?}"
                );
                assert_eq!(
                    md.permission_set(q).map(|p| &p.location.path),
                    walked.first().map(|p| &p.location.path),
                    "{q:?}"
                );
                let walked: Vec<&PermissionSetGroup> = md
                    .permission_set_groups
                    .iter()
                    .filter(|p| p.matches(q))
                    .collect();
                assert_eq!(
                    paths(
                        md.permission_set_groups_named(q),
                        |p: &PermissionSetGroup| { &p.location.path }
                    ),
                    paths(walked.clone(), |p: &PermissionSetGroup| &p.location.path),
                    "{q:?}"
                );
                assert_eq!(
                    md.permission_set_group(q).map(|p| &p.location.path),
                    walked.first().map(|p| &p.location.path),
                    "{q:?}"
                );
            }
        };
        check(&md);
        assert_eq!(md.permission_sets_named("orders_api").len(), 3);
        assert_eq!(md.profiles_named("System Administrator").len(), 2);
        // Added after the index was made: found all the same.
        md.permission_sets.push(set("Late", None, "c/Late.ps"));
        md.profiles.push(profile(
            "Standard",
            Some("Standard User"),
            "c/Standard.profile",
        ));
        assert_eq!(
            md.permission_set("late").map(|p| p.name.as_str()),
            Some("Late")
        );
        check(&md);
        md.reindex();
        check(&md);
        assert_eq!(
            md.profile("Standard User")
                .map(|p| p.location.path.as_str()),
            Some("c/Standard.profile")
        );
    }
}
