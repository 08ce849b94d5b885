use std::fmt::Write as _;

use intguard_model::{
    profile_label, Finding, Grant, GrantKind, Inventory, PermissionCategory, Practice, Related,
    RuleMeta, Severity,
};

use crate::identities::{
    auditable, describe_routes, identity_finding, identity_key, identity_label, identity_phrase,
    is_standard_profile, routes_related, with_related,
};
use crate::support::metadata_file;
use crate::Rule;

pub struct DangerousPermission;

static META: RuleMeta = RuleMeta {
    id: "IG302",
    name: "dangerous-permission",
    practice: Practice::MinimizeDamage,
    default_severity: Severity::Critical,
    summary: "An integration user holds admin-grade permissions (tiered: super powers critical, security configuration and data exfiltration high, the rest medium)",
    doc: r#"## What it does
Reads each integration identity's effective permissions (profile, permission sets and
the permission sets of its groups, minus what the groups' muting permission sets remove)
and flags the dangerous ones, grouped per identity, granting profile or permission set,
and tier, at the first granting `userPermissions` element:

| tier | severity | permissions |
|---|---|---|
| super powers | critical | `ModifyAllData`, `ViewAllData`, `ModifyMetadata`, `CustomizeApplication`, `AuthorApex`, `ManageUsers`, `ManageInternalUsers`, `ManageProfilesPermissionsets`, `AssignPermissionSets`, `ResetPasswords`, `ManageSharing`, `ManageRoles`, `ViewAllUsers` |
| security configuration | high | `ManagePasswordPolicies`, `ManageIpAddresses`, `ManageLoginAccessPolicies`, `ManageAuthProviders`, `ManageCertificates`, `ManageRemoteAccess`, `FreezeUsers`, `BypassMFAForUiLogins` |
| data exfiltration | high | `DataExport`, `ExportReport`, `BulkApiHardDelete`, `ViewEventLogFiles` |
| the rest | medium | `PasswordNeverExpires` (credential hygiene, also IG111), `UseAnyApiClient` (bypasses API Access Control, also IG204) |

A permission muted in a permission set group is not reported. Salesforce-managed
`sfdcInternalInt__*` permission sets and the standard integration profile are not
reported for merely existing: only for an integration user that holds them. Nor are the
users Salesforce creates and maintains on its own profiles (`Analytics Cloud Integration
User`, `Analytics Cloud Security User`, `Sales Insights Integration User`), whose system
permissions cannot be edited, unless an app or `intguard.toml` uses one as its own.

## Why is this bad?
An integration needs to read and write a few objects. Super powers let whoever holds its
credential (or exploits the integration) take over the org: change any record, deploy
Apex, create admins, grant themselves anything. Security configuration permissions let
an attacker switch off the controls that would stop them (IP ranges, password policies,
connected apps, certificates). Exfiltration permissions turn one credential into a copy
of the whole database or erase data beyond recovery.

## Example
```xml
<!-- permissionsets/Orders_Reporting.permissionset-meta.xml -->
<userPermissions>
    <enabled>true</enabled>
    <name>ExportReport</name>
</userPermissions>
```

## How to fix
Remove the permission from the profile or permission set the finding names (Setup >
Profiles or Permission Sets > the set > System Permissions), or, when a group must keep
it for people, mute it for the integration: a permission set group for the integration
user with a muting permission set:
```xml
<!-- mutingpermissionsets/Orders_Group_Muting.mutingpermissionset-meta.xml -->
<MutingPermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>Orders Group Muting</label>
    <userPermissions>
        <enabled>true</enabled>
        <name>ExportReport</name>
    </userPermissions>
</MutingPermissionSet>
```
Better: move the integration user to "Minimum Access - API Only Integrations" and a
dedicated permission set that grants only object access.

## References
- Salesforce Help: User Permissions and Access
- Salesforce Help: Permission Set Groups, Mute Permissions
- Salesforce Security Guide: Least privilege for integration users
"#,
};

impl Rule for DangerousPermission {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for id in auditable(inventory) {
            // By grant and tier. A set assigned directly and through a
            // group is one place to fix: one finding, not one per way.
            let mut groups: Vec<Tier<'_>> = Vec::new();
            // Every grant of a permission, not only the first: removing it
            // from one source leaves it held while another grants it.
            for p in id.dangerous_permissions() {
                let Some(cat) = p.category else {
                    continue;
                };
                for grant in &p.granted_by {
                    let route = grant.via_group.as_deref();
                    match groups.iter_mut().find(|t| {
                        t.cat == cat && t.grant.kind == grant.kind && t.grant.name == grant.name
                    }) {
                        Some(t) => {
                            if !t.names.contains(&p.name.as_str()) {
                                t.names.push(&p.name);
                            }
                            if !t.routes.contains(&route) {
                                t.routes.push(route);
                            }
                            if grant.location < t.grant.location {
                                t.grant = grant;
                            }
                        }
                        None => groups.push(Tier {
                            grant,
                            cat,
                            names: vec![p.name.as_str()],
                            routes: vec![route],
                        }),
                    }
                }
            }
            for Tier {
                grant,
                cat,
                names,
                routes,
            } in groups
            {
                let what = if names.len() == 1 {
                    format!("{} ({})", names[0], cat.describe())
                } else {
                    format!("{} {}s: {}", names.len(), cat.describe(), names.join(", "))
                };
                let (setup, file) = match grant.kind {
                    GrantKind::Profile => (
                        format!(
                            "Setup > Profiles > {} > System Permissions",
                            profile_label(&grant.name)
                        ),
                        metadata_file(&grant.location.path, "profiles", || {
                            format!("profiles/{}.profile-meta.xml", grant.name)
                        }),
                    ),
                    _ => (
                        format!(
                            "Setup > Permission Sets > {} > System Permissions",
                            grant.name
                        ),
                        metadata_file(&grant.location.path, "permissionsets", || {
                            format!("permissionsets/{}.permissionset-meta.xml", grant.name)
                        }),
                    ),
                };
                // Read from the org (`scan --org-snapshot`), the org's copy
                // is judged; the repository's copy of the same name is the
                // file to change, and the permissions it does not list were
                // granted in Setup: an entry must be added to revoke them.
                let repo_copy = grant
                    .location
                    .path
                    .starts_with("org://")
                    .then(|| repo_copy(inventory, grant))
                    .flatten();
                let file = match &repo_copy {
                    Some((path, _)) => metadata_file(path, folder_of(grant), || file.clone()),
                    None => file,
                };
                let unlisted: Vec<&str> = match &repo_copy {
                    Some((_, listed)) => names
                        .iter()
                        .copied()
                        .filter(|n| !listed.iter().any(|l| l.eq_ignore_ascii_case(n)))
                        .collect(),
                    None => Vec::new(),
                };
                let entries = if unlisted.is_empty() {
                    format!(
                        "in {file} set <enabled>false</enabled> in {}: deleting an entry does not revoke it on deploy",
                        if names.len() == 1 {
                            format!("its <userPermissions> entry (<name>{}</name>)", names[0])
                        } else {
                            "their <userPermissions> entries".to_string()
                        }
                    )
                } else {
                    format!(
                        "the repository's copy, {file}, does not grant {} (granted in Setup, or revoked in the file but not deployed): add {} there if it is not, or a deploy keeps {}",
                        unlisted.join(", "),
                        unlisted
                            .iter()
                            .map(|n| format!("<userPermissions><enabled>false</enabled><name>{n}</name></userPermissions>"))
                            .collect::<Vec<_>>()
                            .join(" and "),
                        if unlisted.len() == 1 { "it" } else { "them" }
                    )
                };
                // The other sources of the same permissions: each has its
                // own finding, and all must go. Each source names the
                // permissions of this finding it grants too (a set may
                // share one of a profile's five).
                // (each profile or set once, by the ways it is held).
                let mut also: Vec<Source<'_>> = Vec::new();
                // Standard profiles among them: nothing to remove there.
                let mut fixed: Vec<Source<'_>> = Vec::new();
                for p in id.dangerous_permissions() {
                    if !names.contains(&p.name.as_str()) {
                        continue;
                    }
                    for g in &p.granted_by {
                        if g.kind == grant.kind && g.name == grant.name {
                            continue;
                        }
                        let list = if is_standard_profile(inventory, g) {
                            &mut fixed
                        } else {
                            &mut also
                        };
                        let route = g.via_group.as_deref();
                        match list
                            .iter_mut()
                            .find(|s| s.grant.kind == g.kind && s.grant.name == g.name)
                        {
                            Some(s) => {
                                if !s.shared.contains(&p.name.as_str()) {
                                    s.shared.push(&p.name);
                                }
                                if !s.routes.contains(&route) {
                                    s.routes.push(route);
                                }
                            }
                            None => list.push(Source {
                                grant: g,
                                routes: vec![route],
                                shared: vec![p.name.as_str()],
                            }),
                        }
                    }
                }
                let also = described(also);
                let fixed = described(fixed);
                let listed = |sources: &[(String, Vec<&str>)]| -> (String, bool) {
                    if sources
                        .iter()
                        .all(|(_, shared)| shared.len() == names.len())
                    {
                        return (
                            format!(
                                "{} also granted by {}",
                                if names.len() == 1 {
                                    "It is"
                                } else {
                                    "They are"
                                },
                                sources
                                    .iter()
                                    .map(|(s, _)| s.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                            names.len() > 1,
                        );
                    }
                    let several = sources.len() > 1 || sources.iter().any(|(_, s)| s.len() > 1);
                    let text = sources
                        .iter()
                        .map(|(source, shared)| {
                            let mut shared = shared.clone();
                            shared.sort_unstable();
                            format!(
                                "{} {} also granted by {source}",
                                shared.join(", "),
                                if shared.len() == 1 { "is" } else { "are" }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ");
                    (text, several)
                };
                let mut also_text = String::new();
                if !also.is_empty() {
                    let (text, several) = listed(&also);
                    let _ = write!(
                        also_text,
                        " {text}: remove {} there too (each has its own finding).",
                        if several { "them" } else { "it" }
                    );
                }
                if !fixed.is_empty() {
                    let (text, _) = listed(&fixed);
                    let _ = write!(
                        also_text,
                        " {text}, a standard profile whose permissions cannot be changed: move {} to a custom profile (its own finding says how).",
                        identity_label(id)
                    );
                }
                let also = also_text;
                let mut f = identity_finding(
                    &META,
                    id,
                    grant.location.clone(),
                    {
                        // A profile that is the identity itself (no user
                        // names it) is not said twice: "profile X holds
                        // ModifyAllData", not "... via profile X".
                        let via = describe_routes(grant, &routes);
                        let who = identity_phrase(id);
                        if who.eq_ignore_ascii_case(&via) {
                            format!("{who} holds {what}")
                        } else {
                            format!("{who} holds {what} via {via}")
                        }
                    },
                )
                .severity(cat.severity())
                // The permissions are part of the key: one more granted by
                // the same profile or set is a new finding, not hidden by a
                // baseline of the group it joins.
                .key({
                    let mut sorted = names.clone();
                    sorted.sort_unstable();
                    format!(
                        "{}|{}:{}|{}|{}",
                        identity_key(id),
                        grant.kind.describe(),
                        grant.name,
                        cat.describe(),
                        sorted.join(",")
                    )
                })
                .fix(if is_standard_profile(inventory, grant) {
                    format!(
                        "The standard {} profile's system permissions cannot be changed: move {} to a custom integration profile, e.g. a copy of \"Minimum Access - API Only Integrations\", and give it a dedicated permission set with object access only (see IG301).{also}",
                        profile_label(&grant.name),
                        identity_phrase(id)
                    )
                } else if let Some(ns) = crate::support::managed_namespace(grant) {
                    // A managed package's set: its permissions cannot be
                    // edited in the subscriber org (an upgrade would bring
                    // them back), so "set enabled false" cannot be applied.
                    let unassign = crate::support::unassign_managed_set_each_way(
                        grant,
                        &routes,
                        &identity_label(id),
                    );
                    format!(
                        "Permission set {} belongs to managed package {ns}: its permissions cannot be edited in your org. {unassign}{}, and give the integration what it needs from the package with a permission set of your own, without {}.{also}",
                        grant.name,
                        mutes(inventory, &routes, &names),
                        names.join(", ")
                    )
                } else {
                    format!(
                        "Remove {} from {} ({setup}; {entries}){}; give the integration a dedicated permission set with object access only.{also}",
                        names.join(", "),
                        describe_routes(grant, &routes),
                        mutes(inventory, &routes, &names)
                    )
                });
                // Muting acts within its group only: the note belongs to
                // the findings of what the same group grants, not to a
                // profile's or another set's.
                for group in routes.iter().flatten() {
                    let muted = id
                        .muted_permissions
                        .iter()
                        .filter(|m| m.category == Some(cat))
                        .find_map(|m| {
                            m.granted_by
                                .iter()
                                .find(|g| g.via_group.as_deref() == Some(*group))
                                .map(|g| (m, g))
                        });
                    if let Some((m, g)) = muted {
                        f = f.related(Related::new(
                            &g.location,
                            format!("{} is muted ({})", m.name, g.describe()),
                        ));
                    }
                }
                // Every element of the group: a suppression must cover
                // them all (one written for ModifyAllData does not hide
                // ViewAllUsers granted since by the same profile).
                for p in id.dangerous_permissions() {
                    if !names.contains(&p.name.as_str()) {
                        continue;
                    }
                    for g in &p.granted_by {
                        if g.kind == grant.kind && g.name == grant.name {
                            f = f.also_at(g.location.clone());
                        }
                    }
                }
                out.push(with_related(f, routes_related(id, grant, &routes)));
            }
        }
        out
    }
}

/// One finding's grant: the dangerous permissions of one tier a profile or
/// permission set grants.
struct Tier<'a> {
    /// Its first element among those of the tier.
    grant: &'a Grant,
    cat: PermissionCategory,
    names: Vec<&'a str>,
    /// The ways the identity holds it (`None`: assigned directly, else
    /// through that group).
    routes: Vec<Option<&'a str>>,
}

/// Another profile or permission set granting some of a finding's
/// permissions.
struct Source<'a> {
    grant: &'a Grant,
    /// The ways the identity holds it (`None`: assigned directly).
    routes: Vec<Option<&'a str>>,
    /// The finding's permissions it grants.
    shared: Vec<&'a str>,
}

/// Each source described with the ways it is held and the permissions it
/// shares, in the order of the descriptions.
fn described<'a>(list: Vec<Source<'a>>) -> Vec<(String, Vec<&'a str>)> {
    let mut list: Vec<(String, Vec<&str>)> = list
        .into_iter()
        .map(|s| (describe_routes(s.grant, &s.routes), s.shared))
        .collect();
    list.sort();
    list
}

/// ", or mute ... in group G" when the identity holds the set only through
/// groups (muting in each revokes it); nothing when the set is assigned
/// directly too, as muting acts within its group only.
fn mutes(inventory: &Inventory, routes: &[Option<&str>], names: &[&str]) -> String {
    if routes.contains(&None) {
        return String::new();
    }
    routes
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, group)| {
            let phrase = mute_phrase(inventory, group, names);
            if i == 0 {
                phrase
            } else {
                // ", or mute it in group G2 ..." -> "; and mute it in group G2 ...".
                format!("; and{}", &phrase[", or".len()..])
            }
        })
        .collect()
}

/// The metadata folder of a grant's kind.
fn folder_of(grant: &intguard_model::Grant) -> &'static str {
    match grant.kind {
        GrantKind::Profile => "profiles",
        _ => "permissionsets",
    }
}

/// The repository's copy of an org grant's profile or permission set (a
/// file of the same name among the metadata read): its path and the
/// permissions it lists.
/// ", or mute ... in group G": with the group's own muting permission set
/// when it has one (the permissions go there), else with a new one.
fn mute_phrase(inventory: &Inventory, group: &str, names: &[&str]) -> String {
    let them = if names.len() == 1 { "it" } else { "them" };
    let muting = inventory
        .salesforce
        .permission_set_group(group)
        .and_then(|g| g.muting_permission_sets.first())
        .map(|m| m.value.as_str());
    let Some(muting) = muting else {
        return format!(", or mute {them} in group {group} with a muting permission set");
    };
    let path = inventory
        .salesforce
        .muting_permission_set(muting)
        .map(|m| m.location.path.as_str())
        .unwrap_or_default();
    let file = metadata_file(path, "mutingpermissionsets", || {
        format!("mutingpermissionsets/{muting}.mutingpermissionset-meta.xml")
    });
    format!(
        ", or mute {them} in group {group}: its muting permission set {muting} does not mute {them} yet (Setup > Permission Set Groups > {group} > {muting} > System Permissions: Mute {}; in {file}: {})",
        names.join(", "),
        names
            .iter()
            .map(|n| format!("<userPermissions><enabled>true</enabled><name>{n}</name></userPermissions>"))
            .collect::<Vec<_>>()
            .join(" ")
    )
}

fn repo_copy<'a>(
    inventory: &'a Inventory,
    grant: &intguard_model::Grant,
) -> Option<(String, Vec<&'a str>)> {
    let md = &inventory.salesforce;
    let in_repo = |path: &str| !path.starts_with("org://");
    match grant.kind {
        GrantKind::Profile => md
            .profiles_named(&grant.name)
            .into_iter()
            .find(|p| in_repo(&p.location.path))
            .map(|p| {
                (
                    p.location.path.to_string(),
                    p.user_permissions.iter().map(|f| f.name.as_str()).collect(),
                )
            }),
        GrantKind::PermissionSet => md
            .permission_sets_named(&grant.name)
            .into_iter()
            .find(|p| in_repo(&p.location.path))
            .map(|p| {
                (
                    p.location.path.to_string(),
                    p.user_permissions.iter().map(|f| f.name.as_str()).collect(),
                )
            }),
        _ => None,
    }
}
