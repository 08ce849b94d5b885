//! A snapshot into the Inventory: profiles, permission sets, groups and apps
//! into the same [`SalesforceMetadata`] items the metadata reader makes (so
//! every metadata rule reads them), users, logins, tokens and the Health
//! Check into [`OrgFacts`]. Pure; locations are `org://<org>/<Object>/<Id>`.

use std::collections::HashMap;

use intguard_model::{
    org_location, profile_file_name, ConnectedApp, ConnectedAppOauth, Diagnostic, EcaOauthPolicies,
    ExternalClientApp, HealthCheck, HealthRisk, Inventory, IpRange, Located, LoginEvent,
    MutingPermissionSet, NamedFlag, NotRead, ObjectPermission, OrgFacts, OrgOauthToken, OrgUser,
    PermissionSet, PermissionSetGroup, Profile,
};

use crate::snapshot::{
    EcaOauthPolicyRow, LoginHistoryRow, MutingPermissionSetRow, NotReadRow, ObjectPermissionRow,
    OrgSnapshot, PartialRead, PermissionSetRow,
};
use crate::time::parse_sf_datetime;

/// Joins a snapshot with an Inventory already read (and its identity graph
/// built): adds the org and rebuilds the graph, so the apps' usernames meet
/// the org's users.
pub fn join(snapshot: &OrgSnapshot, inventory: &mut Inventory) {
    apply(snapshot, inventory);
    inventory.build_identities();
    note_identities(snapshot, inventory);
}

/// Rules whose org part reads Login History or OAuth tokens.
const ACTIVITY_RULES: &[&str] = &["IG101", "IG113", "IG202", "IG303", "IG306"];
/// Rules that judge an integration user's access.
const ACCESS_RULES: &[&str] = &[
    "IG111", "IG202", "IG204", "IG205", "IG206", "IG301", "IG302", "IG304",
];

/// The Login History rows of `user_id` that record a failed login (a status
/// other than `Success`): how many, and the latest.
fn failed_logins<'a>(
    snapshot: &'a OrgSnapshot,
    user_id: &str,
) -> (usize, Option<&'a LoginHistoryRow>) {
    let failed: Vec<&LoginHistoryRow> = snapshot
        .login_history
        .iter()
        .filter(|l| l.user_id == user_id)
        .filter(|l| l.status.as_deref().is_some_and(|s| s != "Success"))
        .collect();
    // Salesforce writes LoginTime as ISO 8601 in UTC: text order is time
    // order.
    let latest = failed
        .iter()
        .copied()
        .max_by(|a, b| a.login_time.cmp(&b.login_time));
    (failed.len(), latest)
}

/// `org-password-locked-user`: an integration user whose password the org
/// has locked (`UserLogin.IsPasswordLocked`) after too many failed logins.
/// Whatever its apps' flow, someone tried its password again and again: a
/// deployment with an old one, or a guess.
fn password_locked_diagnostic(
    username: &str,
    used_by: &str,
    org_name: &str,
    locked: &intguard_model::Location,
    (failed, latest): (usize, Option<&LoginHistoryRow>),
) -> Diagnostic {
    let seen = match latest {
        Some(l) => format!(
            " (the Login History read shows {failed} failed login{}, the latest `{}` at {}{})",
            if failed == 1 { "" } else { "s" },
            l.status.as_deref().unwrap_or_default(),
            l.login_time,
            l.source_ip
                .as_deref()
                .map(|ip| format!(" from {ip}"))
                .unwrap_or_default()
        ),
        None => String::new(),
    };
    Diagnostic::warning(
        "org-password-locked-user",
        String::new(),
        format!(
            "{username}{used_by}: its password is locked in org {org_name} ({}) after too many failed logins{seen}. Salesforce refuses the password until an admin unlocks the user or the lockout interval ends. An integration user's failed logins come from a deployment still using an old password, or from someone guessing it. Fix: find where the failed logins came from (Setup > Users > {username} > Login History: source IP and application) before unlocking the user; an app that logs in with a password should move to the JWT bearer flow with a certificate (IG101) instead of getting a new password",
            locked.path.as_str()
        ),
    )
}

/// What the org says of the identities the repositories and the config name
/// (call after [`Inventory::build_identities`]), as diagnostics: users
/// inactive in the org (their apps' logins fail; their access is not judged),
/// users frozen in it that apps log in as (their logins fail; their access
/// is still judged), users whose password is locked after failed logins,
/// users the org does not have (a wrong org, or a sandbox username), and
/// users whose Login History and OAuth tokens the snapshot lacks because they
/// were not integration users when the org was read.
pub fn note_identities(snapshot: &OrgSnapshot, inventory: &mut Inventory) {
    let Some(org) = &inventory.org else {
        return;
    };
    let org_name = if org.label() == org.org {
        org.org.clone()
    } else {
        format!("{} ({})", org.org, org.label())
    };
    let activity_read = !snapshot
        .not_read
        .iter()
        .any(|n| n.what == "LoginHistory" || n.what == "OauthToken");
    let mut read_for: std::collections::HashSet<String> = match &snapshot.activity_user_ids {
        Some(ids) => ids.iter().cloned().collect(),
        // An older snapshot: the org's own integration users were read.
        None => crate::read::integration_user_ids(snapshot, &[])
            .into_iter()
            .collect(),
    };
    // Whoever has rows was read.
    read_for.extend(
        snapshot
            .login_history
            .iter()
            .map(|l| l.user_id.clone())
            .chain(snapshot.oauth_tokens.iter().map(|t| t.user_id.clone())),
    );
    let mut diagnostics = Vec::new();
    let mut unread: Vec<(String, String)> = Vec::new();
    for id in &inventory.identities {
        let Some(username) = id.username.as_deref() else {
            continue;
        };
        let apps = id.app_names();
        let used_by = if apps.is_empty() {
            String::new()
        } else {
            format!(" (used by {})", apps.join(", "))
        };
        // Where to show it: the first app's connection, else why it counts.
        let at = id
            .apps
            .first()
            .map(|u| u.location.clone())
            .or_else(|| id.reasons().iter().find_map(|r| r.location.clone()));
        let place = |d: Diagnostic, fallback: String| match &at {
            Some(l) if l.line > 0 => Diagnostic {
                path: l.path.as_str().to_string(),
                ..d
            }
            .at(l.line, l.column),
            Some(l) => Diagnostic {
                path: l.path.as_str().to_string(),
                ..d
            },
            None => Diagnostic {
                path: fallback,
                ..d
            },
        };
        match org.user_by_username(username) {
            None => {
                // Which environments use it tells which org it belongs to.
                let envs = id.environments();
                let used_by = if apps.is_empty() || envs.is_empty() {
                    used_by
                } else {
                    format!(" (used by {} in {})", apps.join(", "), envs.join(", "))
                };
                let why = org
                    .sandbox_hint(username)
                    .unwrap_or_else(|| "wrong org or a sandbox username?".to_string());
                let d = Diagnostic::warning(
                    "org-unknown-user",
                    String::new(),
                    format!(
                        "{username}{used_by} is not a user of org {org_name}: {why}. Its profile, permissions, logins and tokens in that org are unknown; join the snapshot of the org it logs in to (a sandbox is an org of its own)"
                    ),
                );
                diagnostics.push(place(d, format!("org://{}/User", org.org)));
            }
            Some(user) if !user.is_active => {
                let what = if apps.is_empty() {
                    let reasons = id.reasons();
                    let why: Vec<&str> = reasons.iter().map(|r| &*r.detail).collect();
                    format!(
                        "{username} ({}) is inactive in org {org_name}",
                        why.join("; ")
                    )
                } else {
                    format!(
                        "{} log{} in as {username}, which is inactive in org {org_name}: {} logins fail, or {} configuration is stale",
                        apps.join(", "),
                        if apps.len() == 1 { "s" } else { "" },
                        if apps.len() == 1 { "its" } else { "their" },
                        if apps.len() == 1 { "its" } else { "their" },
                    )
                };
                let profile = user
                    .profile
                    .as_deref()
                    .map(|p| format!(" (profile {p})"))
                    .unwrap_or_default();
                let fix = if apps.is_empty() {
                    "remove it from the configuration, or reactivate it if an integration still needs it".to_string()
                } else {
                    format!(
                        "point {} at {} active integration user, or remove the stale configuration (and its credential)",
                        if apps.len() == 1 { "the app" } else { "the apps" },
                        if apps.len() == 1 { "its" } else { "their" },
                    )
                };
                let d = Diagnostic::warning(
                    "org-inactive-user",
                    String::new(),
                    format!(
                        "{what} ({}). A user that cannot log in grants nothing, so its access{profile} is not judged ({}); reactivating it would bring that access back. Fix: {fix}",
                        user.location.path.as_str(),
                        ACCESS_RULES.join(", ")
                    ),
                );
                diagnostics.push(place(d, user.location.path.as_str().to_string()));
            }
            Some(user) => {
                // Apps of the repositories that log in as a frozen user:
                // their logins fail until it is unfrozen. Its access is
                // still judged (an unfreeze brings it back).
                if let (Some(frozen), false) = (&user.frozen, apps.is_empty()) {
                    let one = apps.len() == 1;
                    let d = Diagnostic::warning(
                        "org-frozen-user",
                        String::new(),
                        format!(
                            "{} log{} in as {username}, which is frozen in org {org_name} ({}): {} logins fail until an admin unfreezes it, or {} configuration is stale. Its access is still judged: it stays active with its permissions and credentials. Fix: find out why it was frozen; if {} still {} it, unfreeze it once its credential is safe, otherwise remove the stale configuration (and its credential) and deactivate the user",
                            apps.join(", "),
                            if one { "s" } else { "" },
                            frozen.path.as_str(),
                            if one { "its" } else { "their" },
                            if one { "its" } else { "their" },
                            if one { "the app" } else { "the apps" },
                            if one { "needs" } else { "need" },
                        ),
                    );
                    diagnostics.push(place(d, frozen.path.as_str().to_string()));
                }
                if let Some(locked) = &user.password_locked {
                    let failed = failed_logins(snapshot, &user.id);
                    let d =
                        password_locked_diagnostic(username, &used_by, &org_name, locked, failed);
                    diagnostics.push(place(d, locked.path.as_str().to_string()));
                }
                if activity_read && !read_for.contains(&user.id) {
                    unread.push((username.to_string(), used_by));
                }
            }
        }
    }
    if !unread.is_empty() {
        let who: Vec<String> = unread.iter().map(|(u, by)| format!("{u}{by}")).collect();
        diagnostics.push(Diagnostic::warning(
            "org-activity-not-read",
            format!("org://{}/LoginHistory", org.org),
            format!(
                "the snapshot has no Login History or OAuth tokens of {} named only by the repositories ({}): the org audit reads them for integration users only, and {} in org {org_name} when it was read. Not checked for {them}: {} (their Login History and OAuth token parts: password logins, logins outside the ranges, apps holding tokens). To include {them}, name {them} in [[identities]] of the intguard.toml `intguard org audit` reads, and take a new snapshot",
                plural(unread.len(), "user"),
                who.join(", "),
                if unread.len() == 1 {
                    "it was not one"
                } else {
                    "they were not"
                },
                ACTIVITY_RULES.join(", "),
                them = if unread.len() == 1 { "it" } else { "them" },
            ),
        ));
    }
    // An org whose users were read but none of which counts as an
    // integration user: every user-level rule passed on nobody, and no
    // Login History or token was read. Said, not left as a clean audit.
    let org_users = org.users.iter().filter(|u| u.is_active).count();
    let judged = inventory.identities.iter().any(|id| {
        id.salesforce_managed_profile().is_none()
            && id
                .username
                .as_deref()
                .and_then(|u| org.user_by_username(u))
                .is_some_and(|u| u.is_active)
    });
    if org.was_read("User") && org_users > 0 && !judged {
        diagnostics.push(Diagnostic::warning(
            "org-no-integration-user",
            format!("org://{}/User", org.org),
            format!(
                "none of the {} of org {org_name} is an integration user as intguard recognizes them (on the Salesforce Integration license, granted API Only, or named by a Mule app, a user definition file or intguard.toml): the rules about integration users ({}) checked no user of it, and no Login History or OAuth token was read. If integrations log in as ordinary users, name them in [[identities]] of intguard.toml (username = \"...\") and audit again",
                plural(org_users, "active user"),
                USER_RULES.join(", ")
            ),
        ));
    }
    inventory.diagnostics.extend(diagnostics);
}

/// Rules that judge integration users (their logins, tokens and access).
const USER_RULES: &[&str] = &[
    "IG101", "IG113", "IG202", "IG205", "IG206", "IG301", "IG302", "IG303", "IG304", "IG306",
];

/// Adds the snapshot's org to the Inventory (call before
/// [`Inventory::build_identities`]).
pub fn apply(snapshot: &OrgSnapshot, inventory: &mut Inventory) {
    let org = if snapshot.org.org_id.is_empty() {
        snapshot.org.instance_url.clone()
    } else {
        snapshot.org.org_id.clone()
    };
    let loc = |object: &str, id: &str| org_location(&org, object, id);

    let sets: HashMap<&str, &PermissionSetRow> = snapshot
        .permission_sets
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let mut objects: HashMap<&str, Vec<&ObjectPermissionRow>> = HashMap::new();
    for o in &snapshot.object_permissions {
        objects.entry(o.parent_id.as_str()).or_default().push(o);
    }
    let object_permissions = |parent: &str, at: &intguard_model::Location| {
        objects
            .get(parent)
            .into_iter()
            .flatten()
            .map(|o| ObjectPermission {
                object: o.sobject_type.clone(),
                read: o.read,
                create: o.create,
                edit: o.edit,
                delete: o.delete,
                view_all: o.view_all,
                modify_all: o.modify_all,
                view_all_fields: false,
                location: at.clone(),
            })
            .collect::<Vec<_>>()
    };
    let flags = |p: &PermissionSetRow, at: &intguard_model::Location| {
        p.permissions
            .iter()
            .map(|name| NamedFlag {
                name: name.clone(),
                location: at.clone(),
            })
            .collect::<Vec<_>>()
    };
    let profile_label = |p: &PermissionSetRow| {
        p.profile_name
            .clone()
            .unwrap_or_else(|| p.profile_id.clone().unwrap_or_default())
    };

    // The org's profiles, sets and groups go before the repositories' copies
    // of the same name: lookups by name find the org's, which is what its
    // users hold (a permission granted in Setup and never put back in
    // source is real). Where the two differ, a warning says how.
    let mut org_profiles: Vec<Profile> = Vec::new();
    let mut org_sets: Vec<PermissionSet> = Vec::new();
    let mut org_groups: Vec<PermissionSetGroup> = Vec::new();
    for p in &snapshot.permission_sets {
        if p.is_owned_by_profile {
            let profile_id = p.profile_id.clone().unwrap_or_else(|| p.id.clone());
            let at = loc("Profile", &profile_id);
            let label = profile_label(p);
            let name = profile_file_name(&label).to_string();
            org_profiles.push(Profile {
                label: (name != label).then_some(label),
                name,
                user_license: p
                    .profile_license
                    .as_ref()
                    .map(|l| Located::new(l.clone(), at.clone())),
                custom: None,
                user_permissions: flags(p, &at),
                object_permissions: object_permissions(&p.id, &at),
                login_ip_ranges: snapshot
                    .login_ip_ranges
                    .iter()
                    .filter(|r| r.profile_id == profile_id)
                    .map(|r| IpRange {
                        start: r.start_address.clone(),
                        end: r.end_address.clone(),
                        description: r.description.clone(),
                        location: loc("LoginIpRange", &r.id),
                    })
                    .collect(),
                location: at,
            });
        } else if p.permission_set_group_id.is_none() {
            let at = loc("PermissionSet", &p.id);
            org_sets.push(PermissionSet {
                name: p.name.clone(),
                label: p.label.clone(),
                license: p
                    .license
                    .as_ref()
                    .map(|l| Located::new(l.clone(), at.clone())),
                description: None,
                user_permissions: flags(p, &at),
                object_permissions: object_permissions(&p.id, &at),
                location: at,
                decomposed: false,
                files: Vec::new(),
            });
        }
    }

    let md = &mut inventory.salesforce;
    let mut drift = Vec::new();
    for p in &org_profiles {
        let repo = md
            .profiles
            .iter()
            .find(|r| r.matches(&p.name) || p.label.as_deref().is_some_and(|l| r.matches(l)));
        if let Some(repo) = repo {
            let mut parts = access_drift_parts(
                (&repo.user_permissions, &repo.object_permissions),
                (&p.user_permissions, &p.object_permissions),
            );
            parts.extend(ip_range_drift(repo, p));
            if !parts.is_empty() {
                drift.push(drift_diagnostic(
                    "profile",
                    p.display_label(),
                    &parts,
                    &repo.location,
                ));
            }
        }
    }
    for p in &org_sets {
        if let Some(repo) = md.permission_sets.iter().find(|r| r.matches(&p.name)) {
            drift.extend(access_drift(
                "permission set",
                &p.name,
                (&repo.user_permissions, &repo.object_permissions),
                (&p.user_permissions, &p.object_permissions),
                &repo.location,
            ));
        }
    }
    md.profiles.splice(0..0, org_profiles);
    md.permission_sets.splice(0..0, org_sets);

    let muting_sets: HashMap<&str, &MutingPermissionSetRow> = snapshot
        .muting_permission_sets
        .iter()
        .map(|m| (m.id.as_str(), m))
        .collect();
    for m in &snapshot.muting_permission_sets {
        let at = loc("MutingPermissionSet", &m.id);
        md.muting_permission_sets.push(MutingPermissionSet {
            name: m.developer_name.clone(),
            label: m.label.clone(),
            user_permissions: m
                .permissions
                .iter()
                .map(|name| NamedFlag {
                    name: name.clone(),
                    location: at.clone(),
                })
                .collect(),
            object_permissions: object_permissions(&m.id, &at),
            location: at,
        });
    }

    let group_names: HashMap<&str, &str> = snapshot
        .permission_set_groups
        .iter()
        .map(|g| (g.id.as_str(), g.developer_name.as_str()))
        .collect();
    for g in &snapshot.permission_set_groups {
        let at = loc("PermissionSetGroup", &g.id);
        let (mut members, mut muting) = (Vec::new(), Vec::new());
        for c in snapshot
            .group_components
            .iter()
            .filter(|c| c.permission_set_group_id == g.id)
        {
            let id = c.permission_set_id.as_str();
            match (sets.get(id), muting_sets.get(id)) {
                (Some(ps), _) => members.push(Located::new(ps.name.clone(), at.clone())),
                (None, Some(m)) => muting.push(Located::new(m.developer_name.clone(), at.clone())),
                // Not read (no access, or an older snapshot): the id stands
                // for it, and the graph reports it unresolved.
                (None, None) => muting.push(Located::new(c.permission_set_id.clone(), at.clone())),
            }
        }
        org_groups.push(PermissionSetGroup {
            name: g.developer_name.clone(),
            label: g.label.clone(),
            permission_sets: members,
            muting_permission_sets: muting,
            status: g.status.clone(),
            location: at,
        });
    }

    for g in &org_groups {
        let Some(repo) = md.permission_set_groups.iter().find(|r| r.matches(&g.name)) else {
            continue;
        };
        let names = |list: &[Located<String>]| -> Vec<String> {
            let mut v: Vec<String> = list.iter().map(|n| n.value.clone()).collect();
            v.sort_by_key(|n| n.to_ascii_lowercase());
            v
        };
        let only = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter()
                .filter(|n| !b.iter().any(|m| m.eq_ignore_ascii_case(n)))
                .cloned()
                .collect()
        };
        let (org_members, repo_members) = (names(&g.permission_sets), names(&repo.permission_sets));
        let (org_muting, repo_muting) = (
            names(&g.muting_permission_sets),
            names(&repo.muting_permission_sets),
        );
        let mut parts = Vec::new();
        for (what, a, b) in [
            ("permission sets", &org_members, &repo_members),
            ("muting permission sets", &org_muting, &repo_muting),
        ] {
            let (in_org, in_repo) = (only(a, b), only(b, a));
            if !in_org.is_empty() {
                parts.push(format!(
                    "in the org it has the {what} {}, which the repository's copy does not",
                    in_org.join(", ")
                ));
            }
            if !in_repo.is_empty() {
                parts.push(format!(
                    "the repository's copy has the {what} {}, which the org's does not",
                    in_repo.join(", ")
                ));
            }
        }
        if !parts.is_empty() {
            drift.push(drift_diagnostic(
                "permission set group",
                &g.name,
                &parts,
                &repo.location,
            ));
        }
    }
    md.permission_set_groups.splice(0..0, org_groups);
    inventory.diagnostics.extend(drift);
    let md = &mut inventory.salesforce;

    // Pre-authorizations: app id -> (profile labels, permission set names).
    let mut pre_auth: HashMap<&str, (Vec<String>, Vec<String>)> = HashMap::new();
    for a in &snapshot.setup_entity_access {
        let Some(ps) = sets.get(a.parent_id.as_str()) else {
            continue;
        };
        let entry = pre_auth.entry(a.setup_entity_id.as_str()).or_default();
        if ps.is_owned_by_profile {
            entry.0.push(profile_label(ps));
        } else {
            entry.1.push(ps.name.clone());
        }
    }
    let pre_auth_read = !snapshot
        .not_read
        .iter()
        .any(|n| n.what == "SetupEntityAccess");
    let mut unjudged_apps: Vec<&str> = Vec::new();
    let mut app_drift = Vec::new();
    for app in &snapshot.connected_apps {
        let at = loc("ConnectedApplication", &app.id);
        let (profiles, permsets) = pre_auth.get(app.id.as_str()).cloned().unwrap_or_default();
        // Retrieved metadata of the same app says more than the API can
        // (certificate, scopes, policies): it stands for the app.
        // `ConnectedApplication.Name` is the app's name as Setup shows it
        // (`Orders Sync`), which metadata holds as its `label`; the file is
        // named after the API name (`Orders_Sync`): either matches. But who is
        // pre-authorized, and whether admins approve users, is what the org
        // says: a profile pre-authorized in Setup and never put back in
        // source is real.
        if let Some(repo) = md.connected_apps.iter_mut().find(|a| {
            a.name.trim().eq_ignore_ascii_case(app.name.trim())
                || a.label
                    .as_deref()
                    .is_some_and(|l| l.trim().eq_ignore_ascii_case(app.name.trim()))
        }) {
            let mut parts = Vec::new();
            match (
                app.admin_approved_only,
                repo.is_admin_approved(),
                repo.oauth.as_mut(),
            ) {
                (Some(false), true, Some(oauth)) => {
                    parts.push(
                        "the org lets all users self-authorize it (OptionsAllowAdminApprovedUsersOnly is false), while the repository's copy is admin-approved".to_string(),
                    );
                    oauth.is_admin_approved = Some(Located::new(false, at.clone()));
                }
                (Some(true), false, Some(oauth)) => {
                    parts.push(
                        "the org admits admin-approved users only (OptionsAllowAdminApprovedUsersOnly is true), while the repository's copy lets all users self-authorize it (deploying it would)".to_string(),
                    );
                    oauth.is_admin_approved = Some(Located::new(true, at.clone()));
                }
                _ => {}
            }
            let org_profiles: Vec<String> = profiles
                .iter()
                .filter(|p| {
                    !repo
                        .profile_names
                        .iter()
                        .any(|r| intguard_model::same_profile(&r.value, p))
                })
                .cloned()
                .collect();
            let org_sets: Vec<String> = permsets
                .iter()
                .filter(|p| {
                    !repo
                        .permission_set_names
                        .iter()
                        .any(|r| r.value.trim().eq_ignore_ascii_case(p.trim()))
                })
                .cloned()
                .collect();
            for (what, list) in [("profiles", &org_profiles), ("permission sets", &org_sets)] {
                if !list.is_empty() {
                    parts.push(format!(
                        "the org pre-authorizes the {what} {}, which the repository's copy does not list",
                        list.join(", ")
                    ));
                }
            }
            if pre_auth_read {
                let repo_profiles: Vec<&str> = repo
                    .profile_names
                    .iter()
                    .map(|r| r.value.trim())
                    .filter(|r| !profiles.iter().any(|p| intguard_model::same_profile(p, r)))
                    .collect();
                let repo_sets: Vec<&str> = repo
                    .permission_set_names
                    .iter()
                    .map(|r| r.value.trim())
                    .filter(|r| !permsets.iter().any(|p| p.trim().eq_ignore_ascii_case(r)))
                    .collect();
                for (what, list) in [
                    ("profiles", &repo_profiles),
                    ("permission sets", &repo_sets),
                ] {
                    if !list.is_empty() {
                        parts.push(format!(
                            "the repository's copy lists the {what} {}, which the org does not pre-authorize (not deployed, or removed in Setup)",
                            list.join(", ")
                        ));
                    }
                }
            }
            repo.profile_names.extend(
                org_profiles
                    .into_iter()
                    .map(|p| Located::new(p, at.clone())),
            );
            repo.permission_set_names
                .extend(org_sets.into_iter().map(|p| Located::new(p, at.clone())));
            if !parts.is_empty() {
                let d = Diagnostic::warning(
                    "org-drift",
                    repo.location.path.as_str(),
                    format!(
                        "connected app {} differs from the org's ({}): {}; who may use it is judged by the org's",
                        repo.display_name(),
                        at.path.as_str(),
                        parts.join("; ")
                    ),
                );
                app_drift.push(if repo.location.line == 0 {
                    d
                } else {
                    d.at(repo.location.line, repo.location.column)
                });
            }
            continue;
        }
        unjudged_apps.push(app.name.as_str());
        md.connected_apps.push(ConnectedApp {
            name: app.name.clone(),
            label: None,
            contact_email: None,
            oauth: Some(ConnectedAppOauth {
                location: at.clone(),
                is_admin_approved: app.admin_approved_only.map(|v| Located::new(v, at.clone())),
                certificate_unknown: true,
                ..ConnectedAppOauth::default()
            }),
            profile_names: profiles
                .into_iter()
                .map(|p| Located::new(p, at.clone()))
                .collect(),
            permission_set_names: permsets
                .into_iter()
                .map(|p| Located::new(p, at.clone()))
                .collect(),
            ip_ranges: Vec::new(),
            has_saml: false,
            location: at,
        });
    }
    let policies: HashMap<&str, &EcaOauthPolicyRow> = snapshot
        .eca_oauth_policies
        .iter()
        .map(|p| (p.external_client_application_id.as_str(), p))
        .collect();
    let mut unjudged_ecas: Vec<&str> = Vec::new();
    let policies_read = !snapshot
        .not_read
        .iter()
        .any(|n| n.what == "ExtlClntAppOauthPlcyCnfg");
    for app in &snapshot.external_client_apps {
        let at = loc("ExternalClientApplication", &app.id);
        // Policies from ExtlClntAppOauthPlcyCnfg; pre-authorizations from
        // SetupEntityAccess, as its policy file would list them. Its OAuth
        // settings (scopes, certificate) are not readable through the API.
        let policy = policies.get(app.id.as_str());
        let pre = pre_auth.get(app.id.as_str());
        let oauth_policies = (policy.is_some() || pre.is_some()).then(|| {
            let policy_at = policy
                .map(|p| loc("ExtlClntAppOauthPlcyCnfg", &p.id))
                .unwrap_or_else(|| at.clone());
            let value = |v: Option<&String>| v.map(|v| Located::new(v.clone(), policy_at.clone()));
            let (profiles, permsets) = pre.cloned().unwrap_or_default();
            EcaOauthPolicies {
                location: policy_at.clone(),
                permitted_users_policy_type: value(
                    policy.and_then(|p| p.permitted_users_policy_type.as_ref()),
                ),
                ip_relaxation_policy_type: value(
                    policy.and_then(|p| p.ip_relaxation_policy_type.as_ref()),
                ),
                refresh_token_policy_type: value(
                    policy.and_then(|p| p.refresh_token_policy_type.as_ref()),
                ),
                profiles: profiles
                    .into_iter()
                    .map(|p| Located::new(p, at.clone()))
                    .collect(),
                permission_sets: permsets
                    .into_iter()
                    .map(|p| Located::new(p, at.clone()))
                    .collect(),
                ..EcaOauthPolicies::default()
            }
        });
        // Retrieved metadata of the same app says more than the API can
        // (scopes, certificate): it stands for the app. But its OAuth
        // policies and pre-authorizations are readable, and the org's are
        // what applies (a policy relaxed in the External Client App Manager
        // and never retrieved is real).
        if let Some(repo) = md.external_client_apps.iter_mut().find(|a| {
            a.name
                .trim()
                .eq_ignore_ascii_case(app.developer_name.trim())
        }) {
            let parts = match (repo.oauth_policies.as_mut(), oauth_policies) {
                (_, None) => Vec::new(),
                (None, Some(org)) => {
                    let parts = vec![
                        "the org has OAuth policies (permitted users, IP relaxation, pre-authorizations) the repository does not hold".to_string(),
                    ];
                    repo.oauth_policies = Some(org);
                    parts
                }
                (Some(mine), Some(org)) => {
                    merge_eca_policies(mine, org, policy.is_some() && policies_read, pre_auth_read)
                }
            };
            if !parts.is_empty() {
                let repo_at = repo
                    .location
                    .clone()
                    .or_else(|| repo.oauth_policies.as_ref().map(|p| p.location.clone()))
                    .filter(|l| !intguard_model::is_org_location(l));
                if let Some(repo_at) = repo_at {
                    let d = Diagnostic::warning(
                        "org-drift",
                        repo_at.path.as_str(),
                        format!(
                            "external client app {} differs from the org's ({}): {}; who may use it and how is judged by the org's",
                            repo.display_name(),
                            at.path.as_str(),
                            parts.join("; ")
                        ),
                    );
                    app_drift.push(if repo_at.line == 0 {
                        d
                    } else {
                        d.at(repo_at.line, repo_at.column)
                    });
                }
            }
            continue;
        }
        unjudged_ecas.push(app.developer_name.as_str());
        md.external_client_apps.push(ExternalClientApp {
            name: app.developer_name.clone(),
            label: app.label.clone(),
            distribution_state: app.distribution_state.clone(),
            location: Some(at),
            oauth_policies,
            certificate_unknown: true,
            ..ExternalClientApp::default()
        });
    }

    inventory.diagnostics.extend(app_drift);

    let mut assigned: HashMap<&str, (Vec<String>, Vec<String>)> = HashMap::new();
    for a in &snapshot.assignments {
        let entry = assigned.entry(a.assignee_id.as_str()).or_default();
        match &a.permission_set_group_id {
            Some(g) => {
                if let Some(name) = group_names.get(g.as_str()) {
                    entry.1.push(name.to_string());
                }
            }
            None => {
                if let Some(ps) = sets.get(a.permission_set_id.as_str()) {
                    entry.0.push(ps.name.clone());
                }
            }
        }
    }
    let date = |d: &Option<String>| d.as_deref().and_then(parse_sf_datetime);
    let mut facts = OrgFacts {
        org: org.clone(),
        instance_url: snapshot.org.instance_url.clone(),
        read_at_unix: parse_sf_datetime(&snapshot.org.read_at).unwrap_or(0),
        since_unix: parse_sf_datetime(&snapshot.org.since).unwrap_or(0),
        ..OrgFacts::default()
    };
    let frozen: HashMap<&str, &str> = snapshot
        .user_logins
        .iter()
        .filter(|l| l.is_frozen)
        .map(|l| (l.user_id.as_str(), l.id.as_str()))
        .collect();
    let password_locked: HashMap<&str, &str> = snapshot
        .user_logins
        .iter()
        .filter(|l| l.is_password_locked)
        .map(|l| (l.user_id.as_str(), l.id.as_str()))
        .collect();
    facts.users = snapshot
        .users
        .iter()
        .map(|u| {
            let (permission_sets, permission_set_groups) =
                assigned.remove(u.id.as_str()).unwrap_or_default();
            OrgUser {
                id: u.id.clone(),
                username: u.username.clone(),
                is_active: u.is_active,
                frozen: frozen
                    .get(u.id.as_str())
                    .map(|login| loc("UserLogin", login)),
                password_locked: password_locked
                    .get(u.id.as_str())
                    .map(|login| loc("UserLogin", login)),
                profile: u.profile_name.clone(),
                license: u.license.clone(),
                permission_sets,
                permission_set_groups,
                last_login_unix: date(&u.last_login_date),
                last_password_change_unix: date(&u.last_password_change_date),
                created_unix: date(&u.created_date),
                location: loc("User", &u.id),
            }
        })
        .collect();
    facts.logins = snapshot
        .login_history
        .iter()
        .map(|l| LoginEvent {
            user_id: l.user_id.clone(),
            time_unix: parse_sf_datetime(&l.login_time).unwrap_or(0),
            login_type: l.login_type.clone(),
            login_sub_type: l.login_sub_type.clone(),
            source_ip: l.source_ip.clone(),
            status: l.status.clone(),
            application: l.application.clone(),
            api_type: l.api_type.clone(),
            location: loc("LoginHistory", &l.id),
        })
        .collect();
    facts.oauth_tokens = snapshot
        .oauth_tokens
        .iter()
        .map(|t| OrgOauthToken {
            app_name: t.app_name.clone(),
            user_id: t.user_id.clone(),
            last_used_unix: date(&t.last_used_date),
            use_count: t.use_count,
            location: loc("OauthToken", &t.id),
        })
        .collect();
    facts.health_check = snapshot.health_check.as_ref().map(|h| HealthCheck {
        score: h.score,
        risks: h
            .risks
            .iter()
            .map(|r| HealthRisk {
                risk_type: r.risk_type.clone(),
                setting: r.setting.clone(),
                setting_group: r.setting_group.clone(),
                org_value: r.org_value.clone(),
                standard_value: r.standard_value.clone(),
            })
            .collect(),
        location: loc("SecurityHealthCheck", "score"),
    });
    for n in &snapshot.not_read {
        let who = n
            .missing_permission
            .as_deref()
            .map(|p| format!("; the auditing user needs {p}"))
            .unwrap_or_default();
        inventory.diagnostics.push(Diagnostic::warning(
            "org-not-read",
            format!("org://{org}/{}", n.what),
            format!(
                "could not read {} ({}){who}; not checked: {}",
                n.what,
                n.reason,
                n.rules.join(", ")
            ),
        ));
        facts.not_read.push(NotRead {
            what: n.what.clone(),
            reason: n.reason.clone(),
            missing_permission: n.missing_permission.clone(),
            rules: n.rules.clone(),
        });
    }
    if let Some(partial) = &snapshot.partial {
        inventory
            .diagnostics
            .push(partial_diagnostic(&org, partial, &snapshot.not_read));
    }
    if !unjudged_apps.is_empty() {
        // Not a permission the auditor lacks: the REST and Tooling query APIs
        // do not expose these fields at all.
        let what = "ConnectedApplication IP relaxation, OAuth scopes, refresh token policy and certificate";
        let rules = ["IG112", "IG201", "IG208", "IG209"];
        inventory.diagnostics.push(Diagnostic::warning(
            "org-not-available",
            format!("org://{org}/ConnectedApplication"),
            format!(
                "the API does not expose connected apps' IP relaxation, OAuth scopes, refresh token policy or certificate; not checked for {} ({}): {}. Retrieve their metadata (sf project retrieve start -m ConnectedApp) and run `intguard scan <project> --org-snapshot <snapshot>` to check them",
                plural(unjudged_apps.len(), "connected app"),
                unjudged_apps.join(", "),
                rules.join(", ")
            ),
        ));
        facts.not_read.push(NotRead {
            what: what.into(),
            reason: "not exposed by the REST or Tooling query API".into(),
            missing_permission: None,
            rules: rules.iter().map(|s| s.to_string()).collect(),
        });
    }
    if !unjudged_ecas.is_empty() {
        let rules = ["IG112", "IG208", "IG209"];
        inventory.diagnostics.push(Diagnostic::warning(
            "org-not-available",
            format!("org://{org}/ExternalClientApplication"),
            format!(
                "the API does not expose External Client Apps' OAuth settings (scopes, certificate); not checked for {} ({}): {} (scopes and certificate only). Retrieve their metadata (sf project retrieve start -m ExtlClntAppOauthSettings) and run `intguard scan <project> --org-snapshot <snapshot>` to check them",
                plural(unjudged_ecas.len(), "External Client App"),
                unjudged_ecas.join(", "),
                rules.join(", ")
            ),
        ));
        facts.not_read.push(NotRead {
            what: "ExternalClientApplication OAuth settings (scopes, certificate)".into(),
            reason: "not exposed by the REST or Tooling query API".into(),
            missing_permission: None,
            rules: rules.iter().map(|s| s.to_string()).collect(),
        });
    }
    note_settings_not_available(inventory, &org, &mut facts);
    if inventory.now_unix == 0 {
        inventory.now_unix = facts.read_at_unix;
    }
    inventory.org = Some(facts);
    // The org's profiles, sets and groups joined: looked up by name too.
    inventory.salesforce.reindex();
}

/// The `org-partial` error of a read cut short: why, what it left unread,
/// the rules that may have missed something there (each object's own
/// `org-not-read` warning says more), and how to finish. An error, not a
/// warning: the run exits 2 (see the CLI's report), so a partial audit
/// never passes for a clean one.
fn partial_diagnostic(org: &str, partial: &PartialRead, not_read: &[NotReadRow]) -> Diagnostic {
    let mut rules: Vec<&str> = not_read
        .iter()
        .filter(|n| partial.not_read.contains(&n.what))
        .flat_map(|n| n.rules.iter().map(String::as_str))
        .collect();
    rules.sort_unstable();
    rules.dedup();
    Diagnostic::error(
        intguard_model::ORG_PARTIAL,
        format!("org://{org}"),
        format!(
            "the org audit is partial: {}; not read or incomplete: {}; rules that may have missed something: {}; what was read is audited; to finish: {}",
            partial.reasons.join("; "),
            partial.not_read.join(", "),
            rules.join(", "),
            partial.next_steps.join("; ")
        ),
    )
}

/// Merges the org's OAuth policies of an External Client App into the
/// repository's copy (see [`apply`]): the org's permitted users, IP
/// relaxation and refresh token policy replace the copy's where they differ
/// (when `policy_read`), its pre-authorized profiles and permission sets join
/// the copy's lists (and the copy's that the org lacks are named, when
/// `pre_auth_read`). Returns the differences, for the drift warning.
fn merge_eca_policies(
    mine: &mut EcaOauthPolicies,
    org: EcaOauthPolicies,
    policy_read: bool,
    pre_auth_read: bool,
) -> Vec<String> {
    let mut parts = Vec::new();
    if policy_read {
        for (field, mine, org) in [
            (
                "permittedUsersPolicyType",
                &mut mine.permitted_users_policy_type,
                org.permitted_users_policy_type,
            ),
            (
                "ipRelaxationPolicyType",
                &mut mine.ip_relaxation_policy_type,
                org.ip_relaxation_policy_type,
            ),
            (
                "refreshTokenPolicyType",
                &mut mine.refresh_token_policy_type,
                org.refresh_token_policy_type,
            ),
        ] {
            let Some(org) = org else { continue };
            let same = mine
                .as_ref()
                .is_some_and(|m| m.value.trim().eq_ignore_ascii_case(org.value.trim()));
            if !same {
                parts.push(format!(
                    "its {field} is {} in the org, {} in the repository's copy",
                    org.value.trim(),
                    mine.as_ref().map_or("not set", |m| m.value.trim())
                ));
                *mine = Some(org);
            }
        }
    }
    if pre_auth_read {
        let repo_profiles: Vec<&str> = mine
            .profiles
            .iter()
            .map(|m| m.value.trim())
            .filter(|m| {
                !org.profiles
                    .iter()
                    .any(|p| intguard_model::same_profile(&p.value, m))
            })
            .collect();
        let repo_sets: Vec<&str> = mine
            .permission_sets
            .iter()
            .map(|m| m.value.trim())
            .filter(|m| {
                !org.permission_sets
                    .iter()
                    .any(|p| p.value.trim().eq_ignore_ascii_case(m))
            })
            .collect();
        for (what, list) in [
            ("profiles", &repo_profiles),
            ("permission sets", &repo_sets),
        ] {
            if !list.is_empty() {
                parts.push(format!(
                    "the repository's copy lists the {what} {}, which the org does not pre-authorize (not deployed, or removed in Setup)",
                    list.join(", ")
                ));
            }
        }
    }
    let org_profiles: Vec<Located<String>> = org
        .profiles
        .into_iter()
        .filter(|p| {
            !mine
                .profiles
                .iter()
                .any(|m| intguard_model::same_profile(&m.value, &p.value))
        })
        .collect();
    let org_sets: Vec<Located<String>> = org
        .permission_sets
        .into_iter()
        .filter(|p| {
            !mine
                .permission_sets
                .iter()
                .any(|m| m.value.trim().eq_ignore_ascii_case(p.value.trim()))
        })
        .collect();
    for (what, list) in [("profiles", &org_profiles), ("permission sets", &org_sets)] {
        if !list.is_empty() {
            let names: Vec<&str> = list.iter().map(|p| p.value.trim()).collect();
            parts.push(format!(
                "the org pre-authorizes the {what} {}, which the repository's copy does not list",
                names.join(", ")
            ));
        }
    }
    mine.profiles.extend(org_profiles);
    mine.permission_sets.extend(org_sets);
    parts
}

/// Org-wide settings live in Settings metadata, which the query APIs do not
/// expose: say which rules that leaves unchecked, unless retrieved metadata
/// of those settings was read alongside.
fn note_settings_not_available(inventory: &mut Inventory, org: &str, facts: &mut OrgFacts) {
    let md = &inventory.salesforce;
    let missing: Vec<(&str, &str, &[&str])> = [
        (
            md.security_settings.is_empty(),
            "Security.settings (org password policies, session settings)",
            "Settings:Security",
            &["IG111", "IG210"][..],
        ),
        (
            md.connected_app_settings.is_empty(),
            "ConnectedApp.settings (API Access Control)",
            "Settings:ConnectedApp",
            &["IG204"][..],
        ),
        (
            md.oauth_oidc_settings.is_empty(),
            "OauthOidc.settings (username-password flow block)",
            "Settings:OauthOidc",
            &["IG207"][..],
        ),
    ]
    .into_iter()
    .filter(|(absent, ..)| *absent)
    .map(|(_, what, member, rules)| (what, member, rules))
    .collect();
    if missing.is_empty() {
        return;
    }
    let rules: Vec<String> = missing
        .iter()
        .flat_map(|(_, _, r)| r.iter().map(|s| s.to_string()))
        .collect();
    let what: Vec<&str> = missing.iter().map(|(w, ..)| *w).collect();
    let members: Vec<String> = missing.iter().map(|(_, m, _)| format!("-m {m}")).collect();
    inventory.diagnostics.push(Diagnostic::warning(
        "org-not-available",
        format!("org://{org}/Settings"),
        format!(
            "the query APIs do not expose the org's {}; not checked: {} (the Health Check findings, IG211, cover password and session risks). Retrieve them (sf project retrieve start {}) and run `intguard scan <project> --org-snapshot <snapshot>` to check them",
            what.join(", "),
            rules.join(", "),
            members.join(" ")
        ),
    ));
    facts.not_read.push(NotRead {
        what: format!("org settings: {}", what.join(", ")),
        reason: "not exposed by the REST or Tooling query API".into(),
        missing_permission: None,
        rules,
    });
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The warning when the org's copy of a profile or permission set grants
/// other system permissions, or View All / Modify All on other objects,
/// than the repository's copy of the same name (drift: granted in Setup and
/// never put back in source, or not deployed yet). Access is judged by the
/// org's copy; `None` when they agree.
fn access_drift(
    kind: &str,
    name: &str,
    repo: (&[NamedFlag], &[ObjectPermission]),
    org: (&[NamedFlag], &[ObjectPermission]),
    repo_at: &intguard_model::Location,
) -> Option<Diagnostic> {
    let parts = access_drift_parts(repo, org);
    (!parts.is_empty()).then(|| drift_diagnostic(kind, name, &parts, repo_at))
}

/// What [`access_drift`] says differs, part by part.
fn access_drift_parts(
    repo: (&[NamedFlag], &[ObjectPermission]),
    org: (&[NamedFlag], &[ObjectPermission]),
) -> Vec<String> {
    let powers = |(flags, objects): (&[NamedFlag], &[ObjectPermission])| -> Vec<String> {
        let mut v: Vec<String> = flags.iter().map(|f| f.name.clone()).collect();
        for o in objects {
            if o.modify_all {
                v.push(format!("Modify All on {}", o.object));
            } else if o.view_all {
                v.push(format!("View All on {}", o.object));
            }
        }
        v.sort_by_key(|n| n.to_ascii_lowercase());
        v.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        v
    };
    let (in_repo, in_org) = (powers(repo), powers(org));
    let only = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter()
            .filter(|n| !b.iter().any(|m| m.eq_ignore_ascii_case(n)))
            .cloned()
            .collect()
    };
    let (org_only, repo_only) = (only(&in_org, &in_repo), only(&in_repo, &in_org));
    let mut parts = Vec::new();
    if !org_only.is_empty() {
        parts.push(format!(
            "the org grants {}, which the repository's copy does not",
            org_only.join(", ")
        ));
    }
    if !repo_only.is_empty() {
        parts.push(format!(
            "the repository's copy grants {}, which the org's does not (not deployed, or removed in Setup)",
            repo_only.join(", ")
        ));
    }
    parts
}

/// Login IP ranges of a profile that differ between the repository's copy
/// and the org's: the org's are judged (IG202), so ranges written in the
/// repository and never deployed restrict nothing.
fn ip_range_drift(repo: &intguard_model::Profile, org: &intguard_model::Profile) -> Vec<String> {
    let ranges = |p: &intguard_model::Profile| -> Vec<String> {
        let mut v: Vec<String> = p
            .login_ip_ranges
            .iter()
            .map(|r| format!("{}-{}", r.start.trim(), r.end.trim()))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let (in_repo, in_org) = (ranges(repo), ranges(org));
    let only = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter().filter(|r| !b.contains(r)).cloned().collect()
    };
    let (org_only, repo_only) = (only(&in_org, &in_repo), only(&in_repo, &in_org));
    let mut parts = Vec::new();
    if !org_only.is_empty() {
        parts.push(format!(
            "the org has the login IP ranges {}, which the repository's copy does not",
            org_only.join(", ")
        ));
    }
    if !repo_only.is_empty() {
        parts.push(format!(
            "the repository's copy has the login IP ranges {}, which the org's does not (not deployed, or removed in Setup)",
            repo_only.join(", ")
        ));
    }
    parts
}

/// The `org-drift` warning at the repository's copy of `kind` `name`.
fn drift_diagnostic(
    kind: &str,
    name: &str,
    parts: &[String],
    repo_at: &intguard_model::Location,
) -> Diagnostic {
    let d = Diagnostic::warning(
        "org-drift",
        repo_at.path.as_str(),
        format!(
            "{kind} {name} differs from the org's: {}; its users' access is judged by the org's copy",
            parts.join("; ")
        ),
    );
    if repo_at.line == 0 {
        d
    } else {
        d.at(repo_at.line, repo_at.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use intguard_model::Location;

    /// An org whose permission set Billing_API grants ModifyAllData and
    /// whose profile "Billing Integration" grants ViewAllData.
    const SNAPSHOT: &str = r#"{"format":"intguard-org-snapshot","version":1,
 "org":{"org_id":"00D5g000004ABCDEAA","instance_url":"https://acme.my.salesforce.com","api_version":"62.0","read_at":"2026-12-01T10:00:00Z","since":"2026-11-01T10:00:00Z","api_calls":7},
 "users":[],
 "permission_sets":[
  {"id":"0PS5g000000PROF01","name":"X00e_prof","label":null,"is_owned_by_profile":true,"profile_id":"00e5g000000PPPPAA1","profile_name":"Billing Integration","profile_license":"Salesforce Integration","license":null,"permission_set_group_id":null,"permissions":["ApiEnabled","ViewAllData"]},
  {"id":"0PS5g000000BAPI01","name":"Billing_API","label":"Billing API","is_owned_by_profile":false,"profile_id":null,"profile_name":null,"profile_license":null,"license":null,"permission_set_group_id":null,"permissions":["ApiEnabled","ModifyAllData"]}],
 "permission_set_groups":[],"group_components":[],"assignments":[],
 "object_permissions":[],"setup_entity_access":[],"connected_apps":[],"external_client_apps":[],
 "login_ip_ranges":[],"login_history":[],"oauth_tokens":[],
 "health_check":null,"not_read":[]}"#;

    /// Found by auditing an org joined with its repository: the org
    /// pre-authorized the System Administrator profile on connected app
    /// "ETL Loader" in Setup, the retrieved copy (ETL_Loader, label "ETL
    /// Loader") listed only a permission set; the repository's copy stood for
    /// the app and the org's pre-authorizations were dropped, so IG301
    /// (critical) was silent. Who may use the app is the org's: its
    /// pre-authorizations (and its self-authorization) join the copy, and
    /// the difference is a warning.
    #[test]
    fn the_orgs_pre_authorizations_join_the_repositorys_connected_app() {
        const APP: &str = "force-app/main/default/connectedApps/ETL_Loader.connectedApp-meta.xml";
        let repo_app = |approved: bool| ConnectedApp {
            name: "ETL_Loader".into(),
            label: Some("ETL Loader".into()),
            contact_email: None,
            oauth: Some(ConnectedAppOauth {
                location: Location::new(APP, 4, 5),
                is_admin_approved: Some(Located::new(approved, Location::new(APP, 8, 9))),
                ..ConnectedAppOauth::default()
            }),
            profile_names: Vec::new(),
            permission_set_names: vec![Located::new(
                "Billing_API".into(),
                Location::new(APP, 15, 5),
            )],
            ip_ranges: Vec::new(),
            has_saml: false,
            location: Location::new(APP, 2, 1),
        };
        let mut snapshot = OrgSnapshot::from_json(SNAPSHOT, "org.json").unwrap();
        snapshot
            .connected_apps
            .push(crate::snapshot::ConnectedAppRow {
                id: "0H45g000000ETLAAA".into(),
                name: "ETL Loader".into(),
                admin_approved_only: Some(true),
                ..Default::default()
            });
        // The profile "Billing Integration" is pre-authorized in the org.
        snapshot
            .setup_entity_access
            .push(crate::snapshot::SetupEntityAccessRow {
                parent_id: "0PS5g000000PROF01".into(),
                setup_entity_id: "0H45g000000ETLAAA".into(),
                setup_entity_type: "ConnectedApplication".into(),
            });

        let mut inv = Inventory::default();
        inv.salesforce.connected_apps.push(repo_app(true));
        apply(&snapshot, &mut inv);
        assert_eq!(inv.salesforce.connected_apps.len(), 1);
        let app = &inv.salesforce.connected_apps[0];
        let profiles: Vec<(&str, &str)> = app
            .profile_names
            .iter()
            .map(|p| (p.value.as_str(), p.location.path.as_str()))
            .collect();
        assert_eq!(
            profiles,
            [(
                "Billing Integration",
                "org://00D5g000004ABCDEAA/ConnectedApplication/0H45g000000ETLAAA"
            )]
        );
        let drift = drift_of(&inv);
        assert_eq!(
            drift,
            [(
                APP,
                "connected app ETL Loader differs from the org's (org://00D5g000004ABCDEAA/ConnectedApplication/0H45g000000ETLAAA): the org pre-authorizes the profiles Billing Integration, which the repository's copy does not list; the repository's copy lists the permission sets Billing_API, which the org does not pre-authorize (not deployed, or removed in Setup); who may use it is judged by the org's"
            )]
        );

        // Self-authorized in the org, admin-approved in the repository.
        snapshot.connected_apps[0].admin_approved_only = Some(false);
        let mut inv = Inventory::default();
        inv.salesforce.connected_apps.push(repo_app(true));
        apply(&snapshot, &mut inv);
        assert!(!inv.salesforce.connected_apps[0].is_admin_approved());
        // And the other way: the org's is what applies.
        snapshot.connected_apps[0].admin_approved_only = Some(true);
        let mut inv = Inventory::default();
        inv.salesforce.connected_apps.push(repo_app(false));
        apply(&snapshot, &mut inv);
        assert!(inv.salesforce.connected_apps[0].is_admin_approved());
        assert!(inv.diagnostics.iter().any(|d| d.code == "org-drift"
            && d.message
                .contains("the org admits admin-approved users only")));
    }

    /// As for connected apps: a retrieved External Client App hid the
    /// org's OAuth policies (self-authorized, IP restrictions bypassed,
    /// refresh tokens that never expire, all set in the External Client App
    /// Manager) and its pre-authorizations, so IG201, IG203 and IG208 were
    /// silent. The org's policies now apply, and a warning names the
    /// difference.
    #[test]
    fn the_orgs_eca_policies_apply_to_the_repositorys_copy() {
        const ECA: &str = "force-app/main/default/externalClientApps/Billing_ECA.eca-meta.xml";
        const PLCY: &str = "force-app/main/default/extlClntAppOauthPolicies/Billing_ECA_oauthPlcy.ecaOauthPlcy-meta.xml";
        let at = |line| Location::new(PLCY, line, 5);
        let mut inv = Inventory::default();
        inv.salesforce.external_client_apps.push(ExternalClientApp {
            name: "Billing_ECA".into(),
            label: Some("Billing".into()),
            location: Some(Location::new(ECA, 2, 1)),
            oauth_policies: Some(EcaOauthPolicies {
                location: at(2),
                permitted_users_policy_type: Some(Located::new(
                    "AdminApprovedPreAuthorized".into(),
                    at(3),
                )),
                ip_relaxation_policy_type: Some(Located::new("Enforce".into(), at(4))),
                refresh_token_policy_type: Some(Located::new("Zero".into(), at(5))),
                permission_sets: vec![Located::new("Billing_API".into(), at(6))],
                ..EcaOauthPolicies::default()
            }),
            ..ExternalClientApp::default()
        });
        let mut snapshot = OrgSnapshot::from_json(SNAPSHOT, "org.json").unwrap();
        snapshot
            .external_client_apps
            .push(crate::snapshot::ExternalClientAppRow {
                id: "0xI5g000000BILAAA".into(),
                developer_name: "Billing_ECA".into(),
                label: Some("Billing".into()),
                distribution_state: Some("Local".into()),
            });
        snapshot.eca_oauth_policies.push(EcaOauthPolicyRow {
            id: "0Hy5g000000POLAAA".into(),
            external_client_application_id: "0xI5g000000BILAAA".into(),
            permitted_users_policy_type: Some("AllSelfAuthorized".into()),
            ip_relaxation_policy_type: Some("Bypass".into()),
            refresh_token_policy_type: Some("Zero".into()),
        });
        for parent in ["0PS5g000000PROF01", "0PS5g000000BAPI01"] {
            snapshot
                .setup_entity_access
                .push(crate::snapshot::SetupEntityAccessRow {
                    parent_id: parent.into(),
                    setup_entity_id: "0xI5g000000BILAAA".into(),
                    setup_entity_type: "ExternalClientApplication".into(),
                });
        }
        apply(&snapshot, &mut inv);
        assert_eq!(inv.salesforce.external_client_apps.len(), 1);
        let pol = inv.salesforce.external_client_apps[0]
            .oauth_policies
            .as_ref()
            .unwrap();
        let value = |v: &Option<Located<String>>| v.as_ref().unwrap().value.clone();
        assert_eq!(value(&pol.permitted_users_policy_type), "AllSelfAuthorized");
        assert_eq!(value(&pol.ip_relaxation_policy_type), "Bypass");
        assert_eq!(value(&pol.refresh_token_policy_type), "Zero");
        assert_eq!(
            pol.ip_relaxation_policy_type
                .as_ref()
                .unwrap()
                .location
                .path
                .as_str(),
            "org://00D5g000004ABCDEAA/ExtlClntAppOauthPlcyCnfg/0Hy5g000000POLAAA"
        );
        let names: Vec<&str> = pol
            .profiles
            .iter()
            .chain(&pol.permission_sets)
            .map(|p| p.value.as_str())
            .collect();
        assert_eq!(names, ["Billing Integration", "Billing_API"]);
        let drift = drift_of(&inv);
        assert_eq!(
            drift,
            [(
                ECA,
                "external client app Billing differs from the org's (org://00D5g000004ABCDEAA/ExternalClientApplication/0xI5g000000BILAAA): its permittedUsersPolicyType is AllSelfAuthorized in the org, AdminApprovedPreAuthorized in the repository's copy; its ipRelaxationPolicyType is Bypass in the org, Enforce in the repository's copy; the org pre-authorizes the profiles Billing Integration, which the repository's copy does not list; who may use it and how is judged by the org's"
            )]
        );
    }

    fn drift_diagnostics(inv: &Inventory) -> impl Iterator<Item = &Diagnostic> {
        inv.diagnostics.iter().filter(|d| d.code == "org-drift")
    }

    /// The `org-drift` warnings: (path, message).
    fn drift_of(inv: &Inventory) -> Vec<(&str, &str)> {
        drift_diagnostics(inv)
            .map(|d| (d.path.as_str(), d.message.as_str()))
            .collect()
    }

    fn flag(name: &str, path: &str, line: u32) -> NamedFlag {
        NamedFlag {
            name: name.into(),
            location: Location::new(path, line, 5),
        }
    }

    /// Found by testing as a user would: with a repository copy of the same
    /// name, the org's permission set (ModifyAllData granted in Setup) was
    /// never judged: lookups found the repository's. The org's copy now
    /// stands for what the users hold, and the difference is a warning at the
    /// repository's file.
    #[test]
    fn the_orgs_copy_stands_and_drift_is_reported() {
        const SET: &str =
            "force-app/main/default/permissionsets/Billing_API.permissionset-meta.xml";
        const PROFILE: &str =
            "force-app/main/default/profiles/Billing Integration.profile-meta.xml";
        let mut inv = Inventory::default();
        inv.salesforce.permission_sets.push(PermissionSet {
            name: "Billing_API".into(),
            label: None,
            license: None,
            description: None,
            user_permissions: vec![flag("ApiEnabled", SET, 4), flag("ExportReport", SET, 8)],
            object_permissions: Vec::new(),
            location: Location::new(SET, 2, 1),
            decomposed: false,
            files: Vec::new(),
        });
        inv.salesforce.profiles.push(Profile {
            name: "Billing Integration".into(),
            label: None,
            user_license: None,
            custom: Some(true),
            user_permissions: vec![
                flag("ApiEnabled", PROFILE, 4),
                flag("ViewAllData", PROFILE, 9),
            ],
            object_permissions: Vec::new(),
            login_ip_ranges: Vec::new(),
            location: Location::new(PROFILE, 2, 1),
        });
        let snapshot = OrgSnapshot::from_json(SNAPSHOT, "org.json").unwrap();
        apply(&snapshot, &mut inv);

        let set = inv.salesforce.permission_set("Billing_API").unwrap();
        assert!(
            set.location.path.starts_with("org://"),
            "{:?}",
            set.location
        );
        assert!(set
            .user_permissions
            .iter()
            .any(|f| f.name == "ModifyAllData"));
        let profile = inv.salesforce.profile("Billing Integration").unwrap();
        assert!(profile.location.path.starts_with("org://"));

        let drift: Vec<_> = drift_diagnostics(&inv)
            .map(|d| (d.path.as_str(), d.line, d.message.as_str()))
            .collect();
        // The profiles agree on what matters; the sets do not, both ways.
        assert_eq!(
            drift,
            [(
                SET,
                Some(2),
                "permission set Billing_API differs from the org's: the org grants ModifyAllData, which the repository's copy does not; the repository's copy grants ExportReport, which the org's does not (not deployed, or removed in Setup); its users' access is judged by the org's copy"
            )]
        );
    }

    /// Found by testing an estate: the repository's profile "HR
    /// Integration (API)" lists login IP ranges the org's copy does not
    /// have (never deployed); IG202 judged the org's and said the profile
    /// has none, with no word of the difference. Ranges that differ are
    /// drift too, in the profile's one warning.
    #[test]
    fn login_ip_ranges_that_differ_are_drift() {
        const PROFILE: &str =
            "force-app/main/default/profiles/Billing Integration.profile-meta.xml";
        let mut inv = Inventory::default();
        inv.salesforce.profiles.push(Profile {
            name: "Billing Integration".into(),
            label: None,
            user_license: None,
            custom: Some(true),
            user_permissions: vec![
                flag("ApiEnabled", PROFILE, 4),
                flag("ViewAllData", PROFILE, 9),
            ],
            object_permissions: Vec::new(),
            login_ip_ranges: vec![intguard_model::IpRange {
                start: "52.0.10.16".into(),
                end: "52.0.10.31".into(),
                description: None,
                location: Location::new(PROFILE, 12, 5),
            }],
            location: Location::new(PROFILE, 2, 1),
        });
        let snapshot = OrgSnapshot::from_json(SNAPSHOT, "org.json").unwrap();
        apply(&snapshot, &mut inv);
        let drift: Vec<_> = drift_diagnostics(&inv)
            .map(|d| (d.path.as_str(), d.line, d.message.as_str()))
            .collect();
        assert_eq!(
            drift,
            [(
                PROFILE,
                Some(2),
                "profile Billing Integration differs from the org's: the repository's copy has the login IP ranges 52.0.10.16-52.0.10.31, which the org's does not (not deployed, or removed in Setup); its users' access is judged by the org's copy"
            )]
        );
    }
}
