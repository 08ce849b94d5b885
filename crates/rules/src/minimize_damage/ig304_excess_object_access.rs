use std::cell::OnceCell;
use std::collections::HashMap;

use intguard_model::{
    profile_label, AccessFlags, Finding, Grant, GrantKind, IntegrationIdentity, Inventory,
    Location, ObjectLookup, Practice, RuleMeta, Severity,
};

use crate::identities::{
    auditable, describe_routes, identity_finding, identity_key, identity_phrase,
    is_standard_profile, routes_related, with_related,
};
use crate::support::{and_list, short_location};
use crate::Rule;

pub struct ExcessObjectAccess;

static META: RuleMeta = RuleMeta {
    id: "IG304",
    name: "excess-object-access",
    practice: Practice::MinimizeDamage,
    default_severity: Severity::Medium,
    summary: "An integration user has object access its apps do not use, or view-all / modify-all records",
    doc: r#"## What it does
Compares each integration identity's object access (profile, permission sets and
groups, minus muting) with what the Mule apps running as it do: the objects of their
Salesforce operations (`type` of create / update / upsert / delete, ...) and of their
SOQL (FROM objects, relationship paths such as `Account.Name`, sub-queries such as
`(SELECT Id FROM Contacts)`). Per identity and granting profile or permission set, it
reports:
- objects granted but used by no app running as that user;
- access beyond what the apps do on a used object (Delete or Edit when the apps only
  read or create; Read is implied by any use, and what Salesforce requires for what
  they do is needed too: Delete requires Edit and Read, Edit and Create require Read;
  reading through a relationship, `Account.Name` or `(SELECT Id FROM Contacts)`, only
  reads);
- View All / Modify All records (`viewAllRecords`, `modifyAllRecords`) on any object,
  used or not: they ignore sharing.
Unused access is judged only for identities that some app in the scan runs as, with at
least one object used; view-all / modify-all always. An operation whose objects cannot be
told from the repository (a query built by a DataWeave expression or from a property, a
query intguard cannot read, a `type` of `#[vars.objectType]`, a query reading through a
custom relationship such as `Account__r`, whose lookup field may point at Account or any
other object) may need its access on any object: what it does (read for a query, create
for a create, ...) is not reported as excess on any object of that identity, and the
finding names those operations.

## Why is this bad?
Every object an integration user can reach is data a leaked credential or a compromised
app can read, change or delete. Access nobody uses is pure risk, and it accumulates:
permission sets are copied from older integrations, profiles carry defaults. View All /
Modify All bypass sharing rules, so the user sees every record regardless of owner.

## Example
```xml
<!-- permissionsets/Orders_Integration.permissionset-meta.xml -->
<objectPermissions>
    <allowCreate>false</allowCreate>
    <allowDelete>false</allowDelete>
    <allowEdit>false</allowEdit>
    <allowRead>true</allowRead>
    <modifyAllRecords>false</modifyAllRecords>
    <object>Contact</object>
    <viewAllFields>false</viewAllFields>
    <viewAllRecords>true</viewAllRecords>
</objectPermissions>
```

## How to fix
Remove the access from the profile or permission set the finding names (Setup >
Permission Sets > the set > Object Settings > the object > Edit), or set the flags to
false in metadata (deleting an `<objectPermissions>` entry does not revoke it on deploy).
A standard profile such as System Administrator cannot be edited: move the user to a
custom integration profile instead (IG301). When another integration user holds the same
profile or permission set and its apps need what would be cleared, the fix says so and
gives this user a profile or permission set of its own instead.
```xml
<objectPermissions>
    <allowCreate>false</allowCreate>
    <allowDelete>false</allowDelete>
    <allowEdit>false</allowEdit>
    <allowRead>true</allowRead>
    <modifyAllRecords>false</modifyAllRecords>
    <object>Contact</object>
    <viewAllFields>false</viewAllFields>
    <viewAllRecords>false</viewAllRecords>
</objectPermissions>
```
Keep the integration on "Minimum Access - API Only Integrations" with one permission set
that grants exactly the objects and operations listed in its findings; share records
with it through sharing rules instead of View All. `intguard fix permissions --user
<username>` writes that permission set from what the user's Mule apps do.

## References
- Salesforce Help: Object Permissions, "View All" and "Modify All"
- Salesforce Help: Salesforce Integration User License (grant access with permission sets)
- Salesforce Architects: Integration security, least privilege
"#,
};

/// "; 1 operation whose objects intguard cannot tell: orders customers.xml:63
/// (its query is built by an expression)" for an identity with such
/// operations, else nothing.
fn unknown_note(id: &IntegrationIdentity) -> String {
    const SHOWN: usize = 3;
    if id.unknown_uses().is_empty() {
        return String::new();
    }
    let mut parts: Vec<String> = id
        .unknown_uses()
        .iter()
        .take(SHOWN)
        .map(|u| {
            format!(
                "{} {} ({})",
                u.app,
                short_location(&u.location),
                u.describe()
            )
        })
        .collect();
    if id.unknown_uses().len() > SHOWN {
        parts.push(format!("{} more", id.unknown_uses().len() - SHOWN));
    }
    let n = id.unknown_uses().len();
    format!(
        "; {n} operation{} whose objects intguard cannot tell: {}",
        if n == 1 { "" } else { "s" },
        parts.join(", ")
    )
}

/// `only Case, Invoice__c` / `only what its apps use`; operations whose
/// objects are unknown need theirs too.
fn keep_phrase(id: &IntegrationIdentity, used: &[&str]) -> String {
    let unknown = if id.unknown_uses().is_empty() {
        ""
    } else {
        " and what its operations on unknown objects need"
    };
    let what = if used.is_empty() {
        "only what its apps use".to_string()
    } else {
        format!("only {}{unknown}", used.join(", "))
    };
    // The command that writes that set from the apps' operations.
    match (&id.username, id.apps.is_empty()) {
        (Some(user), false) => {
            format!(
                "{what} (`intguard fix permissions --user {}` writes it)",
                crate::support::shell_word(user)
            )
        }
        _ => what,
    }
}

fn strip_all(a: AccessFlags) -> AccessFlags {
    AccessFlags {
        view_all: false,
        modify_all: false,
        ..a
    }
}

/// What one profile or permission set grants in excess: one finding.
struct Entry<'a> {
    grant: &'a Grant,
    /// The ways the identity holds it: `None` assigned directly, else
    /// through that group. A set assigned both ways is one place to fix,
    /// so one finding, not one per way.
    routes: Vec<Option<&'a str>>,
    first: Location,
    /// Where each item is granted (`first` among them).
    places: Vec<Location>,
    items: Vec<Item>,
}

/// An object of an [`Entry`].
struct Item {
    object: String,
    /// What is reported: the excess flags, or View All / Modify All.
    shown: AccessFlags,
    /// The flags to clear (with what Salesforce requires them for).
    cleared: AccessFlags,
    /// Why it is excess (`unused`, `its apps only read`); `None` for View
    /// All / Modify All, excess whatever the use.
    note: Option<String>,
}

impl Item {
    /// `Case (Edit, Delete; its apps only read)`, `Case (View All)`.
    fn describe(&self) -> String {
        match &self.note {
            Some(note) => format!("{} ({}; {note})", self.object, self.shown.describe()),
            None => {
                let what = match (self.shown.view_all, self.shown.modify_all) {
                    (true, true) => "View All and Modify All",
                    (true, false) => "View All",
                    _ => "Modify All",
                };
                format!("{} ({what})", self.object)
            }
        }
    }

    /// `allowEdit and allowDelete to false for Case`.
    fn change(&self) -> String {
        format!(
            "{} to false for {}",
            and_list(&self.cleared.element_names()),
            self.object
        )
    }
}

impl Entry<'_> {
    fn describe(&self) -> String {
        describe_routes(self.grant, &self.routes)
    }

    fn items(&self) -> String {
        let items: Vec<String> = self.items.iter().map(Item::describe).collect();
        items.join(", ")
    }

    fn changes(&self) -> String {
        let changes: Vec<String> = self.items.iter().map(Item::change).collect();
        changes.join("; ")
    }
}

/// Adds what `grant` gives in excess on an object to its entry. The same
/// profile or permission set reached another way (directly and through a
/// group) is the same entry; an object it already lists gets the union of
/// the flags (a group may mute some).
fn add<'a>(list: &mut Vec<Entry<'a>>, grant: &'a Grant, item: Item) {
    let at = &grant.location;
    let route = grant.via_group.as_deref();
    let Some(e) = list
        .iter_mut()
        .find(|e| e.grant.kind == grant.kind && e.grant.name == grant.name)
    else {
        list.push(Entry {
            grant,
            routes: vec![route],
            first: at.clone(),
            places: vec![at.clone()],
            items: vec![item],
        });
        return;
    };
    if !e.routes.contains(&route) {
        e.routes.push(route);
    }
    if *at < e.first {
        e.first = at.clone();
    }
    if !e.places.contains(at) {
        e.places.push(at.clone());
    }
    match e.items.iter_mut().find(|i| i.object == item.object) {
        Some(i) => {
            i.shown = i.shown.union(item.shown);
            i.cleared = i.cleared.union(item.cleared);
        }
        None => e.items.push(item),
    }
}

/// The integration users whose apps run as them, by the profiles and
/// permission sets granting them object access, with what their apps use:
/// indexed once per scan (looking each holder up for each finding took time
/// in the square of the users).
struct Holders<'a> {
    /// Those holding some grant, each with its lookup of what its apps use,
    /// built when a finding first asks about the user: built for every user
    /// up front, they were held (about 0.5 KB per app) while the rule ran
    /// beside the others, mostly for users no finding asks about.
    users: Vec<(&'a IntegrationIdentity, OnceCell<ObjectLookup<'a>>)>,
    by_grant: HashMap<(GrantKind, String), Vec<usize>>,
}

impl<'a> Holders<'a> {
    fn of(inventory: &'a Inventory) -> Self {
        let mut users = Vec::new();
        let mut by_grant: HashMap<_, Vec<usize>> = HashMap::new();
        for id in auditable(inventory).filter(|id| !id.apps.is_empty()) {
            let i = users.len();
            let mut holds = false;
            for g in id.object_access.iter().flat_map(|oa| &oa.granted_by) {
                let held = by_grant.entry(grant_key(&g.grant)).or_default();
                if held.last() != Some(&i) {
                    held.push(i);
                }
                holds = true;
            }
            // A user holding no grant is never asked about.
            if holds {
                users.push((id, OnceCell::new()));
            }
        }
        Holders { users, by_grant }
    }

    /// The other users holding `e`'s grant whose apps need some of what it
    /// would clear (a profile or permission set two integrations share):
    /// `user (Edit on Account)`. Clearing it there breaks them.
    fn needing(&self, id: &IntegrationIdentity, e: &Entry<'_>) -> Vec<String> {
        let Some(held) = self.by_grant.get(&grant_key(e.grant)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &i in held {
            let (other, lookup) = &self.users[i];
            if std::ptr::eq(*other, id) {
                continue;
            }
            let lookup = lookup.get_or_init(|| other.object_lookup());
            let needs: Vec<String> = e
                .items
                .iter()
                .filter_map(|item| {
                    let (object, flags) = (&item.object, &item.cleared);
                    let needed = lookup.needed(object)?;
                    let both = AccessFlags {
                        read: flags.read && needed.read,
                        create: flags.create && needed.create,
                        edit: flags.edit && needed.edit,
                        delete: flags.delete && needed.delete,
                        ..AccessFlags::default()
                    };
                    both.any()
                        .then(|| format!("{} on {object}", both.describe()))
                })
                .collect();
            if !needs.is_empty() {
                out.push(format!("{} ({})", identity_phrase(other), needs.join(", ")));
            }
        }
        out
    }
}

/// A grant as two users may share it: kind and name in any case. Through a
/// group or directly, clearing the set's flags takes them from both.
fn grant_key(g: &Grant) -> (GrantKind, String) {
    (g.kind, g.name.to_lowercase())
}

/// Where a grant is changed: its Setup page and the file it was read from
/// (for a decomposed permission set, the object's own settings file).
fn where_to_fix(inventory: &Inventory, g: &Grant) -> String {
    let path = crate::support::repo_path(inventory, g.kind, &g.name, &g.location.path);
    let file = ["profiles/", "permissionsets/"]
        .iter()
        .find_map(|d| path.rfind(d).map(|i| &path[i..]))
        .unwrap_or(path);
    match g.kind {
        GrantKind::Profile => format!(
            "Setup > Profiles > {} > Object Settings ({file})",
            profile_label(&g.name)
        ),
        _ => format!(
            "Setup > Permission Sets > {} > Object Settings ({file})",
            g.name
        ),
    }
}

fn off_standard_profile(id_phrase: &str, g: &Grant, keep: &str) -> String {
    format!(
        "The standard {} profile's object permissions cannot be changed (and with Modify All Data, View All and Modify All cannot be cleared): move {id_phrase} to a custom integration profile, e.g. a copy of \"Minimum Access - API Only Integrations\", with a permission set granting {keep} (see IG301).",
        profile_label(&g.name)
    )
}

/// A managed package's permission set: its object permissions cannot be
/// edited in the subscriber org (an upgrade restores them), so it is
/// unassigned, or taken out of each group the identity holds it through.
fn off_managed_set(id: &IntegrationIdentity, e: &Entry<'_>, ns: &str, keep: &str) -> String {
    format!(
        "Permission set {} belongs to managed package {ns}: its object permissions cannot be edited in your org. {}, and grant {} with a permission set of your own.",
        e.grant.name,
        crate::support::unassign_managed_set_each_way(
            e.grant,
            &e.routes,
            &crate::identities::identity_label(id)
        ),
        keep
    )
}

impl Rule for ExcessObjectAccess {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        let holders = Holders::of(inventory);
        for id in auditable(inventory) {
            // Use is judged when apps run as it and use objects.
            let objects =
                (!id.apps.is_empty() && !id.objects_used().is_empty()).then(|| id.object_lookup());
            let mut unused: Vec<Entry<'_>> = Vec::new();
            let mut all_records: Vec<Entry<'_>> = Vec::new();
            for oa in &id.object_access {
                // View All / Modify All, used or not.
                for g in &oa.granted_by {
                    let va = g.access.view_all && oa.access.view_all;
                    let ma = g.access.modify_all && oa.access.modify_all;
                    if va || ma {
                        let flags = AccessFlags {
                            view_all: va,
                            modify_all: ma,
                            ..AccessFlags::default()
                        };
                        let item = Item {
                            object: oa.object.clone(),
                            shown: flags,
                            cleared: flags,
                            note: None,
                        };
                        add(&mut all_records, &g.grant, item);
                    }
                }
                let Some(objects) = &objects else {
                    continue;
                };
                let granted = strip_all(oa.access);
                if !granted.any() {
                    continue;
                }
                let used = objects.used(&oa.object);
                let (excess, note) = match objects.needed(&oa.object) {
                    None => (granted, "unused".to_string()),
                    Some(n) if used.is_none() => {
                        let e = granted.minus(n);
                        if !e.any() {
                            continue;
                        }
                        (e, "no known use".to_string())
                    }
                    Some(n) => {
                        let e = granted.minus(n);
                        if !e.any() {
                            continue;
                        }
                        let ops: Vec<&str> = used
                            .map(|u| u.operations.iter().map(|o| o.as_str()).collect())
                            .unwrap_or_default();
                        (e, format!("its apps only {}", ops.join(", ")))
                    }
                };
                // Blame the grants that give the excess flags.
                for g in &oa.granted_by {
                    let part = AccessFlags {
                        read: g.access.read && excess.read,
                        create: g.access.create && excess.create,
                        edit: g.access.edit && excess.edit,
                        delete: g.access.delete && excess.delete,
                        ..AccessFlags::default()
                    };
                    if part.any() {
                        // What Salesforce requires the cleared flags for goes
                        // too: Modify All needs Read, Edit and Delete, View
                        // All needs Read (`excess` never holds what a kept
                        // flag needs: `needed` has what its flags require).
                        let clear = AccessFlags {
                            view_all: g.access.view_all && part.read,
                            modify_all: g.access.modify_all
                                && (part.read || part.edit || part.delete),
                            ..part
                        };
                        let item = Item {
                            object: oa.object.clone(),
                            shown: part,
                            cleared: clear,
                            note: Some(note.clone()),
                        };
                        add(&mut unused, &g.grant, item);
                    }
                }
            }
            let used: Vec<&str> = id
                .objects_used()
                .iter()
                .map(|u| u.object.as_str())
                .collect();
            for e in unused {
                let mut f = identity_finding(
                    &META,
                    id,
                    e.first.clone(),
                    format!(
                        "{} has object access no app running as it uses, via {}: {} (its apps use {}{})",
                        identity_phrase(id),
                        e.describe(),
                        e.items(),
                        used.join(", "),
                        unknown_note(id)
                    ),
                )
                .key(format!(
                    "{}|{}:{}|unused",
                    identity_key(id),
                    e.grant.kind.describe(),
                    e.grant.name
                ))
                .fix(if is_standard_profile(inventory, e.grant) {
                    off_standard_profile(&identity_phrase(id), e.grant, &keep_phrase(id, &used))
                } else if let Some(ns) = crate::support::managed_namespace(e.grant) {
                    off_managed_set(id, &e, ns, &keep_phrase(id, &used))
                } else {
                    let shared = holders.needing(id, &e);
                    if shared.is_empty() {
                        format!(
                            "Set {} in {} (deleting an <objectPermissions> entry does not revoke it on deploy), or move the integration to a permission set granting {}.",
                            e.changes(),
                            where_to_fix(inventory, e.grant),
                            keep_phrase(id, &used)
                        )
                    } else {
                        format!(
                            "Do not clear it in {}: {} is shared with {}, whose apps need it. Give {} a {} of its own granting {} (and move it off the shared one), then the shared one can keep what the others use.",
                            where_to_fix(inventory, e.grant),
                            e.describe(),
                            shared.join("; "),
                            identity_phrase(id),
                            match e.grant.kind {
                                GrantKind::Profile => "profile",
                                _ => "permission set",
                            },
                            keep_phrase(id, &used)
                        )
                    }
                });
                for at in &e.places {
                    f = f.also_at(at.clone());
                }
                out.push(with_related(f, routes_related(id, e.grant, &e.routes)));
            }
            for e in all_records {
                let mut f = identity_finding(
                    &META,
                    id,
                    e.first.clone(),
                    format!(
                        "{} sees or changes every record regardless of sharing, via {}: {}",
                        identity_phrase(id),
                        e.describe(),
                        e.items()
                    ),
                )
                // The objects and what is granted on each are part of the
                // key: Modify All newly granted on another object (or on
                // top of View All) is a new finding, not hidden by a
                // baseline of the first.
                .key({
                    let mut items: Vec<String> = e.items.iter().map(Item::describe).collect();
                    items.sort_unstable();
                    format!(
                        "{}|{}:{}|all-records|{}",
                        identity_key(id),
                        e.grant.kind.describe(),
                        e.grant.name,
                        items.join(",")
                    )
                })
                .fix(if is_standard_profile(inventory, e.grant) {
                    off_standard_profile(&identity_phrase(id), e.grant, &keep_phrase(id, &used))
                } else if let Some(ns) = crate::support::managed_namespace(e.grant) {
                    off_managed_set(
                        id,
                        &e,
                        ns,
                        "the object access it needs without View All or Modify All (share the records it needs through sharing rules)",
                    )
                } else {
                    format!(
                        "Set {} in {}; share the records the integration needs through sharing rules instead.",
                        e.changes(),
                        where_to_fix(inventory, e.grant)
                    )
                });
                for at in &e.places {
                    f = f.also_at(at.clone());
                }
                out.push(with_related(f, routes_related(id, e.grant, &e.routes)));
            }
        }
        out
    }
}
