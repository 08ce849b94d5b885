//! Helpers for rules over the identity graph and the Salesforce metadata:
//! naming an identity, citing both ends of it (the Mule connection and the
//! metadata line) and deciding which OAuth apps serve integrations.

use std::collections::HashMap;

use intguard_model::{
    same_profile, AssignmentSource, ConnectedApp, ExternalClientApp, Finding, Grant, GrantKind,
    IntegrationIdentity, Inventory, Location, OAuthAppKind, PreAuthVia, Profile, Related,
    STANDARD_INTEGRATION_PROFILE,
};

/// `int.orders@acme.com` or `profile Acme Integration`.
pub fn identity_label(id: &IntegrationIdentity) -> String {
    id.username.as_deref().unwrap_or(&id.name).to_string()
}

/// ` (used by orders-sapi, billing-sapi)`, ` (client credentials user of
/// connected app X)` or empty.
pub fn identity_users(id: &IntegrationIdentity) -> String {
    let apps = id.app_names();
    if !apps.is_empty() {
        return format!(" (used by {})", apps.join(", "));
    }
    let run_as: Vec<String> = id
        .pre_authorized_by
        .iter()
        .filter(|p| p.via == PreAuthVia::ClientCredentialsUser)
        .map(|p| format!("{} {}", p.kind.describe(), p.app))
        .collect();
    if !run_as.is_empty() {
        return format!(" (client credentials user of {})", run_as.join(", "));
    }
    String::new()
}

/// `int.orders@acme.com (used by orders-sapi)`.
pub fn identity_phrase(id: &IntegrationIdentity) -> String {
    format!("{}{}", identity_label(id), identity_users(id))
}

/// Stable key part for an identity (lowercase username or name).
pub fn identity_key(id: &IntegrationIdentity) -> String {
    identity_label(id).to_lowercase()
}

/// False for identities that exist only because Salesforce ships them: the
/// standard integration profile and `sfdcInternalInt__*` permission sets, when
/// no username, app or user definition makes them someone's integration user.
/// Those are never flagged for existing. Nor are users the org read shows
/// inactive: they cannot log in, so their access is no credential's blast
/// radius (the org join says which apps still run as them). Nor are the
/// users Salesforce creates and maintains itself on its managed profiles
/// (CRM Analytics' integration user, ...: [`SALESFORCE_MANAGED_PROFILES`])
/// when only their license makes them integration users: every fix a rule
/// would give (edit the profile's system permissions, move the user to
/// another profile or license, deactivate it) is one the customer cannot
/// apply; `intguard identities` lists them and says so. An app, user
/// definition or config entry naming one makes it the customer's
/// integration user, judged like any other.
///
/// [`SALESFORCE_MANAGED_PROFILES`]: intguard_model::SALESFORCE_MANAGED_PROFILES
pub fn is_auditable(id: &IntegrationIdentity) -> bool {
    if id.inactive_in_org.is_some() {
        return false;
    }
    let only_intrinsic = id.only_intrinsic_reasons();
    if only_intrinsic && id.salesforce_managed_profile().is_some() {
        return false;
    }
    if id.username.is_some() {
        return true;
    }
    if !only_intrinsic {
        return true;
    }
    let standard_profile = id
        .profile
        .as_ref()
        .is_some_and(|p| p.name.eq_ignore_ascii_case(STANDARD_INTEGRATION_PROFILE));
    let managed_sets = !id.permission_sets.is_empty()
        && id
            .permission_sets
            .iter()
            .all(|p| intguard_model::is_salesforce_managed_permission_set(&p.name));
    !(standard_profile || (id.profile.is_none() && managed_sets))
}

/// For each user Salesforce maintains on its own profiles that is judged
/// all the same (an app, user definition or the config uses it: see
/// [`is_auditable`]), by lowercase [`identity_label`]: what every fix about
/// it must say first. Its findings are true, but their usual fixes (edit its
/// standard profile, move it to another profile or license, deactivate it)
/// would change Salesforce's own user: the fix is a user of the customer's
/// own. Empty in most scans.
pub fn salesforce_managed_notes(inventory: &Inventory) -> foldhash::HashMap<String, String> {
    auditable(inventory)
        .filter_map(|id| {
            let profile = id.salesforce_managed_profile()?;
            let label = identity_label(id);
            Some((
                label.to_lowercase(),
                format!(
                    "{label} is the user Salesforce creates and maintains for its own feature (profile {profile}): do not change it or its profile; give what logs in as it an integration user of its own, and apply the rest of this fix to that user."
                ),
            ))
        })
        .collect()
}

/// The identities rules look at (see [`is_auditable`]).
pub fn auditable(inventory: &Inventory) -> impl Iterator<Item = &IntegrationIdentity> {
    inventory.identities.iter().filter(|i| is_auditable(i))
}

/// Both ends of an identity, for `related`: each Mule connection that runs as
/// it and the property line that set the username, the user definition files
/// that create it, and the apps whose client credentials flow runs as it.
pub fn identity_related(id: &IntegrationIdentity) -> Vec<Related> {
    let mut out: Vec<Related> = Vec::new();
    let mut push = |r: Related| {
        if !out.contains(&r) {
            out.push(r);
        }
    };
    let who = identity_label(id);
    for u in &id.apps {
        let env = u
            .environment
            .as_deref()
            .map(|e| format!(" in {e}"))
            .unwrap_or_default();
        push(Related::new(
            &u.location,
            format!("{} `{}` runs as {who}{env}", u.app, u.config_name),
        ));
        if let Some(at) = &u.defined_at {
            let env = u.environment.as_deref().unwrap_or("every environment");
            push(Related::new(
                at,
                format!("{}: username {who} for {env}", u.app),
            ));
        }
    }
    for at in &id.user_definitions {
        push(Related::new(at, format!("user definition creating {who}")));
    }
    for p in &id.pre_authorized_by {
        if p.via == PreAuthVia::ClientCredentialsUser {
            push(Related::new(
                &p.location,
                format!(
                    "{} {} runs its client credentials flow as {who}",
                    p.kind.describe(),
                    p.app
                ),
            ));
        }
    }
    out
}

/// Where the identity's profile is assigned and the profile file itself.
pub fn profile_related(id: &IntegrationIdentity) -> Vec<Related> {
    let mut out = Vec::new();
    if let Some(p) = &id.profile {
        // As Setup and the messages name it (`System Administrator`, not
        // its file name `Admin`).
        let name = intguard_model::profile_label(&p.name);
        if let Some(at) = &p.assigned_at {
            out.push(Related::new(
                at,
                format!("{} is assigned profile {name}", identity_label(id)),
            ));
        }
        if let Some(file) = &p.metadata {
            out.push(Related::new(file, format!("profile {name}")));
        }
    }
    out
}

/// Where the identity gets what `grant` grants: for a profile, its profile
/// assignment ([`profile_related`]); for a permission set, the set's
/// assignment (a user definition's `permsets`, `intguard.toml`, the org);
/// through a group, the group's; each with the metadata file when known.
pub fn grant_related(id: &IntegrationIdentity, grant: &intguard_model::Grant) -> Vec<Related> {
    use intguard_model::GrantKind;
    let (kind, list, name) = match (&grant.kind, &grant.via_group) {
        (GrantKind::Profile, _) => return profile_related(id),
        (_, Some(group)) => (
            "permission set group",
            &id.permission_set_groups,
            group.as_str(),
        ),
        (GrantKind::PermissionSetGroup, None) => (
            "permission set group",
            &id.permission_set_groups,
            grant.name.as_str(),
        ),
        _ => ("permission set", &id.permission_sets, grant.name.as_str()),
    };
    let mut out = Vec::new();
    if let Some(a) = list
        .iter()
        .find(|a| a.name.trim().eq_ignore_ascii_case(name.trim()))
    {
        if let Some(at) = &a.assigned_at {
            out.push(Related::new(
                at,
                format!("{} is assigned {kind} {}", identity_label(id), a.name),
            ));
        }
        if let Some(file) = &a.metadata {
            out.push(Related::new(file, format!("{kind} {}", a.name)));
        }
    }
    out
}

/// Adds `related` entries, keeping the first of duplicates.
pub fn with_related(mut finding: Finding, related: impl IntoIterator<Item = Related>) -> Finding {
    for r in related {
        finding = finding.related(r);
    }
    finding
}

/// The environments the identity is used in.
pub fn identity_environments(id: &IntegrationIdentity) -> Vec<String> {
    id.environments().into_iter().map(str::to_string).collect()
}

/// A finding about an identity: identity, environments and both ends cited.
pub fn identity_finding(
    meta: &'static intguard_model::RuleMeta,
    id: &IntegrationIdentity,
    at: Location,
    message: String,
) -> Finding {
    let f = Finding::new(meta, at, message)
        .identity(identity_label(id))
        .environments(identity_environments(id));
    with_related(f, identity_related(id))
}

/// The best place to cite an identity as a whole: its profile assignment,
/// else its first Mule connection, else its first reason with a location.
/// An assignment intguard.toml declares is cited as related only: the
/// finding stays at the profile file, where it was before the config's
/// lines were known (its fingerprint hashes the path, so baselines keep it).
/// Only a user nothing else places (intguard.toml names it, its profile is
/// in no file of the scan) is cited at the config's line.
pub fn identity_location(id: &IntegrationIdentity) -> Option<Location> {
    let profile = id.profile.as_ref();
    profile
        .and_then(|p| {
            p.assigned_at
                .clone()
                .filter(|_| p.source != AssignmentSource::Config)
                .or_else(|| p.metadata.clone())
        })
        .or_else(|| id.apps.first().map(|a| a.location.clone()))
        .or_else(|| id.user_definitions.first().cloned())
        .or_else(|| id.reasons().iter().find_map(|r| r.location.clone()))
        .or_else(|| profile.and_then(|p| p.assigned_at.clone()))
}

/// `permission set Orders_Integration (group G)` for messages.
pub fn grant_phrase(g: &Grant) -> String {
    g.describe()
}

/// A profile or permission set the identity holds by several ways (`None`
/// for a direct assignment, else the group): `permission set X (assigned
/// directly and through group G)`; by one way, as [`Grant::describe`].
pub fn describe_routes(grant: &Grant, routes: &[Option<&str>]) -> String {
    if let [only] = routes {
        return grant.via(*only).describe();
    }
    let groups: Vec<&str> = routes.iter().flatten().copied().collect();
    let mut ways = Vec::new();
    if routes.contains(&None) {
        ways.push("assigned directly".to_string());
    }
    match groups.as_slice() {
        [] => {}
        [g] => ways.push(format!("through group {g}")),
        _ => ways.push(format!(
            "through groups {}",
            crate::support::and_list(&groups)
        )),
    }
    format!("{} ({})", grant.via(None).describe(), ways.join(" and "))
}

/// `grants` by profile or permission set, in order of their first grant:
/// each with the ways the identity holds it (`None`: assigned directly, else
/// through that group), for [`describe_routes`]. A set assigned directly
/// and through a group is one place to change, not two.
pub fn by_grant(grants: &[Grant]) -> Vec<(&Grant, Vec<Option<&str>>)> {
    let mut out: Vec<(&Grant, Vec<Option<&str>>)> = Vec::new();
    for g in grants {
        let route = g.via_group.as_deref();
        match out
            .iter_mut()
            .find(|(first, _)| first.kind == g.kind && first.name == g.name)
        {
            Some((_, routes)) => {
                if !routes.contains(&route) {
                    routes.push(route);
                }
            }
            None => out.push((g, vec![route])),
        }
    }
    out
}

/// [`grant_related`] for each way the identity holds the grant.
pub fn routes_related(
    id: &IntegrationIdentity,
    grant: &Grant,
    routes: &[Option<&str>],
) -> Vec<Related> {
    routes
        .iter()
        .flat_map(|via| grant_related(id, &grant.via(*via)))
        .collect()
}

/// True when some auditable identity is pre-authorized by (or runs the client
/// credentials flow of) the app.
pub fn app_serves_identity(inventory: &Inventory, kind: OAuthAppKind, name: &str) -> bool {
    inventory
        .identities_pre_authorized_by(kind, name)
        .into_iter()
        .any(is_auditable)
}

/// The identities an app pre-authorizes or runs as, labelled.
pub fn identities_of_app(inventory: &Inventory, kind: OAuthAppKind, name: &str) -> Vec<String> {
    identities_of_app_that(inventory, kind, name, |_| true)
}

/// [`identities_of_app`], of those `keep` takes.
pub fn identities_of_app_that(
    inventory: &Inventory,
    kind: OAuthAppKind,
    name: &str,
    keep: impl Fn(&IntegrationIdentity) -> bool,
) -> Vec<String> {
    let mut out: Vec<String> = inventory
        .identities_pre_authorized_by(kind, name)
        .into_iter()
        .filter(|id| is_auditable(id) && keep(id))
        .map(identity_label)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A connected app that machines use: OAuth with a certificate (JWT bearer)
/// or client credentials, or pre-authorizing an integration identity.
pub fn is_integration_connected_app(inventory: &Inventory, app: &ConnectedApp) -> bool {
    app.oauth.is_some()
        && (app.has_certificate()
            || app.client_credentials_enabled()
            || app_serves_identity(inventory, OAuthAppKind::ConnectedApp, &app.name))
}

/// An External Client App that machines use (see [`is_integration_connected_app`]).
pub fn is_integration_eca(inventory: &Inventory, app: &ExternalClientApp) -> bool {
    app.has_certificate()
        || app.client_credentials_enabled()
        || app_serves_identity(inventory, OAuthAppKind::ExternalClientApp, &app.name)
}

/// ` (used by int.orders@acme.com)` or empty: the identities the app
/// pre-authorizes, and those the org saw use it (Login History, OAuth
/// tokens name the app by its name).
pub fn serves_phrase(inventory: &Inventory, kind: OAuthAppKind, name: &str) -> String {
    let mut ids = identities_of_app(inventory, kind, name);
    if let Some(org) = &inventory.org {
        for id in auditable(inventory) {
            let Some(user) = id.username.as_deref().and_then(|u| org.user_by_username(u)) else {
                continue;
            };
            let seen = org
                .tokens_of(&user.id)
                .any(|t| t.app_name.eq_ignore_ascii_case(name))
                || org.logins_of(&user.id).any(|l| {
                    l.application
                        .as_deref()
                        .is_some_and(|a| a.eq_ignore_ascii_case(name))
                });
            if seen {
                ids.push(identity_label(id));
            }
        }
        ids.sort();
        ids.dedup();
    }
    if ids.is_empty() {
        String::new()
    } else {
        format!(" (used by {})", ids.join(", "))
    }
}

/// The connected app's file as the project has it, from `connectedApps/` on
/// (see [`crate::support::metadata_file`]).
pub fn connected_app_file(app: &ConnectedApp) -> String {
    crate::support::metadata_file(&app.location.path, "connectedApps", || {
        // Read from the org, the name is the app's name in Setup (`Billing
        // Sync`), which is no file name: its API name is not queryable.
        let api_name = app
            .name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if api_name || !intguard_model::is_org_location(&app.location) {
            format!("connectedApps/{}.connectedApp-meta.xml", app.name)
        } else {
            format!(
                "its connectedApps/<API name>.connectedApp-meta.xml (the org shows its name, {}, not its API name)",
                app.name
            )
        }
    })
}

/// The source step of a fix that replaces the connected app's pre-authorized
/// profile `profile` with a permission set: `in <file> replace
/// <profileName>...`, unless only the org pre-authorizes it (the org's
/// pre-authorizations join a retrieved copy that does not list it): then
/// there is nothing to replace in the file, and the step says so.
pub fn connected_app_profile_source_step(
    app: &ConnectedApp,
    profile: &intguard_model::Located<String>,
) -> String {
    let file = connected_app_file(app);
    if intguard_model::is_org_location(&profile.location)
        && !intguard_model::is_org_location(&app.location)
    {
        format!(
            "the repository's copy, {file}, does not list {} (it was pre-authorized in Setup only): do not add it there",
            profile.value.trim()
        )
    } else {
        format!(
            "in {file} replace <profileName>{}</profileName> with <permissionSetName>...</permissionSetName>",
            profile.value.trim()
        )
    }
}

/// The profile's file as the project has it, from `profiles/` on.
/// Read from the org, the repository's copy of it ([`crate::support::repo_path`]).
pub fn profile_file(inventory: &Inventory, profile: &Profile) -> String {
    let path = crate::support::repo_path(
        inventory,
        intguard_model::GrantKind::Profile,
        &profile.name,
        &profile.location.path,
    );
    crate::support::metadata_file(path, "profiles", || {
        format!("profiles/{}.profile-meta.xml", profile.name)
    })
}

/// `connected app Orders Integration` / `external client app Billing Sync`.
pub fn connected_app_phrase(app: &ConnectedApp) -> String {
    if app.display_name() == app.name {
        format!("connected app {}", app.name)
    } else {
        format!("connected app {} ({})", app.display_name(), app.name)
    }
}

pub fn eca_phrase(app: &ExternalClientApp) -> String {
    if app.display_name() == app.name {
        format!("external client app {}", app.name)
    } else {
        format!("external client app {} ({})", app.display_name(), app.name)
    }
}

/// The file name of a location's path, for short messages.
pub fn file_of(loc: &Location) -> &str {
    crate::support::file_name(&loc.path)
}

/// The org user behind an identity, when an org (or snapshot) was read.
pub fn org_user<'a>(
    inventory: &'a Inventory,
    id: &IntegrationIdentity,
) -> Option<(&'a intguard_model::OrgFacts, &'a intguard_model::OrgUser)> {
    let org = inventory.org.as_ref()?;
    let user = org.user_by_username(id.username.as_deref()?)?;
    Some((org, user))
}

/// Auditable identities with their org user, active users only.
pub fn active_org_users(
    inventory: &Inventory,
) -> Vec<(
    &IntegrationIdentity,
    &intguard_model::OrgFacts,
    &intguard_model::OrgUser,
)> {
    auditable(inventory)
        .filter_map(|id| org_user(inventory, id).map(|(o, u)| (id, o, u)))
        .filter(|(_, _, u)| u.is_active)
        .collect()
}

/// True when `profile` was read from an org where what its users hold is
/// not all known: the permission fields could not be described
/// (`PermissionSet permissions (describe)`), or the permission set
/// assignments, groups or group members could not be read. A permission
/// missing from what was read is then unknown, not absent, so no rule may
/// say that the user lacks it.
pub fn org_permissions_unknown(inventory: &Inventory, profile: &Profile) -> bool {
    const NEEDED: [&str; 4] = [
        "PermissionSet permissions (describe)",
        "PermissionSetAssignment",
        "PermissionSetGroup",
        "PermissionSetGroupComponent",
    ];
    intguard_model::is_org_location(&profile.location)
        && inventory
            .org
            .as_ref()
            .is_some_and(|o| NEEDED.iter().any(|what| !o.was_read(what)))
}

/// A standard profile (System Administrator, ...): its permissions cannot be
/// edited, so a fix moves the user to a custom profile instead.
pub fn is_standard_profile(inventory: &Inventory, g: &Grant) -> bool {
    g.kind == GrantKind::Profile
        && inventory
            .salesforce
            .profile(&g.name)
            .map_or_else(|| same_profile(&g.name, "Admin"), Profile::is_standard)
}

/// What a fix that changes `username`'s credential must add when other apps
/// log in as it too: ` int.orders@acme.com also logs in for customers-papi
/// (prod): ...`. Empty when `app` is its only app (or the user is unknown).
/// For many findings, [`SharedUserNotes`] lists each user's apps once.
pub fn shared_user_note(inventory: &Inventory, username: &str, app: &str) -> String {
    SharedUserNotes::new(inventory, [username]).note(username, app)
}

/// [`shared_user_note`] for many findings, taken from the Inventory for the
/// users they name and holding nothing of it (the engine frees the
/// Inventory before it reads its findings back). Each user's uses are
/// listed, sorted and counted per app once: listing them again for each
/// finding took time in the square of the apps that share a user.
#[derive(Debug, Default)]
pub struct SharedUserNotes {
    /// By username, lowercase.
    users: HashMap<String, UserUses>,
}

/// One user's uses, as the note shows them.
#[derive(Debug, Default)]
struct UserUses {
    /// `app (env)` with its app, sorted by the text, each text once.
    labels: Vec<(String, String)>,
    /// How many of `labels` each app has.
    per_app: HashMap<String, usize>,
    /// The apps intguard.toml declares one system with the user
    /// ([`Inventory::apps_allowed_to_share`]).
    allowed: Option<Vec<String>>,
}

impl SharedUserNotes {
    /// The notes of `usernames` (any case) in `inventory`.
    pub fn new<'u>(inventory: &Inventory, usernames: impl IntoIterator<Item = &'u str>) -> Self {
        Self::found_by(inventory, |u| inventory.identity(u), usernames)
    }

    /// [`SharedUserNotes::new`], each user's identity looked up in `index`
    /// (many users: a scan of every identity for each grows with the square
    /// of the apps).
    pub fn indexed<'u>(
        inventory: &Inventory,
        index: &intguard_model::inventory::IdentityIndex<'_>,
        usernames: impl IntoIterator<Item = &'u str>,
    ) -> Self {
        Self::found_by(inventory, |u| index.get(u), usernames)
    }

    fn found_by<'i, 'u>(
        inventory: &Inventory,
        identity: impl Fn(&str) -> Option<&'i IntegrationIdentity>,
        usernames: impl IntoIterator<Item = &'u str>,
    ) -> Self {
        let mut users = HashMap::new();
        for username in usernames {
            users
                .entry(username.to_ascii_lowercase())
                .or_insert_with(|| UserUses::of(inventory, identity(username), username));
        }
        SharedUserNotes { users }
    }

    /// [`shared_user_note`], for a username given to [`SharedUserNotes::new`]
    /// (any other has no note).
    pub fn note(&self, username: &str, app: &str) -> String {
        let Some(uses) = self.users.get(&username.to_ascii_lowercase()) else {
            return String::new();
        };
        let others = uses.labels.len() - uses.per_app.get(app).copied().unwrap_or(0);
        if others == 0 {
            return String::new();
        }
        // Every finding about each app of a user shared by hundreds would name
        // all the others: output growing with the square of the apps. IG303's
        // finding lists them all.
        let shown: Vec<&str> = uses
            .labels
            .iter()
            .filter(|(a, _)| a != app)
            .take(MAX_APPS_NAMED)
            .map(|(_, label)| label.as_str())
            .collect();
        let named = if others > MAX_APPS_NAMED {
            format!(
                "{} and {} more (IG303 lists them all)",
                shown.join(", "),
                others - MAX_APPS_NAMED
            )
        } else {
            shown.join(", ")
        };
        // Apps intguard.toml declares one system (`[[identities]]` apps):
        // sharing is theirs to keep, the credential is not.
        let declared = uses.allowed.as_ref().is_some_and(|allowed| {
            std::iter::once(app)
                .chain(uses.per_app.keys().map(String::as_str))
                .all(|a| allowed.iter().any(|x| x.eq_ignore_ascii_case(a)))
        });
        if declared {
            format!(
                " {username} also logs in for {named} (one system, as intguard.toml declares): update the credential there too."
            )
        } else {
            format!(
                " {username} also logs in for {named}: update the credential there too, or give each app its own user (IG303)."
            )
        }
    }
}

impl UserUses {
    /// `username`'s uses: those of `id`, its identity.
    fn of(inventory: &Inventory, id: Option<&IntegrationIdentity>, username: &str) -> Self {
        let allowed = inventory
            .apps_allowed_to_share(username)
            .map(|apps| apps.into_iter().map(str::to_string).collect());
        let Some(id) = id else {
            return UserUses {
                allowed,
                ..UserUses::default()
            };
        };
        let mut labels: Vec<(String, String)> = id
            .apps
            .iter()
            .map(|u| {
                let label = match &u.environment {
                    Some(env) => format!("{} ({env})", u.app),
                    None => u.app.to_string(),
                };
                (u.app.to_string(), label)
            })
            .collect();
        labels.sort_by(|a, b| a.1.cmp(&b.1));
        labels.dedup_by(|a, b| a.1 == b.1);
        let mut per_app: HashMap<String, usize> = HashMap::new();
        for (a, _) in &labels {
            *per_app.entry(a.clone()).or_default() += 1;
        }
        UserUses {
            labels,
            per_app,
            allowed,
        }
    }
}

/// How many other apps [`shared_user_note`] names.
const MAX_APPS_NAMED: usize = 10;

/// A property holding a Salesforce user's own login secret (its password or
/// security token: `sfdc.password`, `sfdc.token`), not a keystore's or an
/// OAuth client's.
pub fn is_login_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    (k.ends_with("password") || k.ends_with("token") || k.ends_with("securitytoken"))
        && !k.contains("store")
        && !k.contains("key.")
        && !k.contains("client")
}

#[cfg(test)]
mod tests {
    use super::*;
    use intguard_model::{AuthClass, IdentityAppUse};

    /// An Inventory where `username` logs in for `apps` apps, in prod.
    fn shared_by(username: &str, apps: usize) -> Inventory {
        let mut id = IntegrationIdentity::new(Some(username.into()), username.into());
        id.apps = (0..apps)
            .map(|i| IdentityAppUse {
                connection: std::sync::Arc::new(intguard_model::IdentityConnection {
                    app: format!("app-{i:04}").into(),
                    config_name: "SF".into(),
                    auth: AuthClass::Password,
                    location: Location::new(format!("app-{i:04}/src/main/mule/global.xml"), 5, 3),
                    domain: None,
                    plugin: None,
                    app_is_domain: false,
                }),
                environment: Some("prod".into()),
                defined_at: None,
            })
            .collect();
        Inventory {
            identities: vec![id],
            ..Inventory::default()
        }
    }

    /// Up to ten other apps are named; past that the note says how many
    /// more (IG303 lists them all): a note per finding naming every other
    /// app made the output grow with the square of the apps.
    #[test]
    fn a_shared_user_note_names_ten_other_apps_at_most() {
        let user = "int.shared@acme.com";
        let note = shared_user_note(&shared_by(user, 11), user, "app-0000");
        let all: Vec<String> = (1..11).map(|i| format!("app-{i:04} (prod)")).collect();
        assert_eq!(
            note,
            format!(" {user} also logs in for {}: update the credential there too, or give each app its own user (IG303).", all.join(", "))
        );
        let note = shared_user_note(&shared_by(user, 700), user, "app-0000");
        assert_eq!(
            note,
            format!(" {user} also logs in for {} and 689 more (IG303 lists them all): update the credential there too, or give each app its own user (IG303).", all.join(", "))
        );
        assert_eq!(shared_user_note(&shared_by(user, 1), user, "app-0000"), "");
    }

    /// Apps intguard.toml declares one system are not told to split the
    /// user; apps it does not all declare still are.
    #[test]
    fn a_user_shared_as_declared_is_not_told_to_split() {
        let user = "int.shared@acme.com";
        let mut inv = shared_by(user, 3);
        inv.identity_hints.push(intguard_model::IdentityHint {
            username: user.into(),
            apps: vec!["APP-0000".into(), "app-0001".into(), "app-0002".into()],
            ..Default::default()
        });
        let note = shared_user_note(&inv, user, "app-0000");
        assert_eq!(
            note,
            format!(" {user} also logs in for app-0001 (prod), app-0002 (prod) (one system, as intguard.toml declares): update the credential there too.")
        );
        inv.identity_hints[0].apps.pop();
        assert!(shared_user_note(&inv, user, "app-0000")
            .ends_with("or give each app its own user (IG303)."));
    }

    #[test]
    fn login_secrets_are_the_users_own() {
        for key in ["sfdc.password", "sfdc.token", "salesforce.securityToken"] {
            assert!(is_login_secret(key), "{key}");
        }
        for key in [
            "tls.keystore.password",
            "tls.key.password",
            "sfdc.consumerKey",
            "token.client.secret",
            "oauth.client.token",
        ] {
            assert!(!is_login_secret(key), "{key}");
        }
    }
}
