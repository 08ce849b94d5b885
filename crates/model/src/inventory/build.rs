//! Building the identity graph (see [`super::graph`]): a pure function of
//! the Inventory the readers and the config filled.
//!
//! 1. Who: usernames of Mule Salesforce connections (resolved in every
//!    environment; MUnit configs skipped), user definition files, the
//!    config's `[[identities]]`, the client-credentials run-as users of
//!    connected apps and External Client Apps; then profiles on an
//!    integration license or granting API Only, and profiles / permission
//!    sets pre-authorized by apps with a certificate or client credentials
//!    (broad profiles like Standard User excepted: that is an audience
//!    problem, IG305, not an integration user), when no username holds them.
//! 2. Access: profile, permission sets and groups (a name assigned as a
//!    permission set that is a group's name is a group) -> effective
//!    permissions = profile ∪ sets ∪ (each group's sets minus the group's
//!    muting sets, per group) and object access likewise.
//! 3. Use: the Mule operations bound (by `config-ref`) to the connections
//!    that run as the identity: object types and SOQL (parsed by
//!    [`crate::soql`]: FROM objects, semi-joins and TYPEOF types are direct,
//!    relationship targets are `inferred`).
//! 4. Apps: connected apps and ECAs whose profile / permission set lists
//!    name the identity's profile or sets, or whose client credentials flow
//!    runs as it.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::location::Location;

use super::graph::{
    AccessAssignment, AssignmentSource, EffectivePermission, Grant, GrantKind, IdentityAppUse,
    IdentityReason, IntegrationIdentity, OAuthAppKind, ObjectAccess, ObjectGrant, PreAuthVia,
    PreAuthorization, ReasonKind, UnknownUse,
};
use super::mule::{MuleApp, SalesforceConnection};
use super::object_uses::{self, merge_use_parts, PairUses, SharedUses};
use super::org::{OrgFacts, OrgUser};
use super::salesforce::{
    is_broad_profile, permission_category, same_profile, AccessFlags, NamedFlag, ObjectPermission,
    SalesforceMetadata,
};
use super::Inventory;

/// A connection's username in one environment.
#[derive(Debug, Clone)]
pub struct ConnectionUser {
    pub environment: Option<String>,
    pub username: String,
    /// The property line that gave the username, if it came from one.
    pub defined_at: Option<Location>,
}

impl SalesforceConnection {
    /// Who the connection runs as, per environment of `app` (environments
    /// where the username does not resolve, resolves to a placeholder or is
    /// encrypted are left out: a ciphertext names nobody, and with random IVs
    /// one user has many).
    pub fn users(&self, app: &MuleApp) -> Vec<ConnectionUser> {
        let Some(user) = self.username() else {
            return Vec::new();
        };
        app.resolve_all(user)
            .into_iter()
            .filter_map(|r| {
                if r.is_encrypted() {
                    return None;
                }
                let username = r.value.clone()?.trim().to_string();
                if username.is_empty() || username.contains("${") || username.contains("#[") {
                    return None;
                }
                Some(ConnectionUser {
                    environment: r.environment.map(str::to_string),
                    username,
                    defined_at: r.origin().map(|o| o.location().clone()),
                })
            })
            .collect()
    }
}

/// The graph under construction: identities and a username index.
struct Builder {
    ids: Vec<IntegrationIdentity>,
    by_user: HashMap<String, usize>,
    /// `profile:<file name>` / `permset:<name>` -> index, for access-only
    /// identities.
    by_access: HashMap<String, usize>,
}

impl Builder {
    fn user(&mut self, username: &str) -> &mut IntegrationIdentity {
        let key = username.trim().to_lowercase();
        let i = match self.by_user.get(&key) {
            Some(i) => *i,
            None => {
                let u = username.trim().to_string();
                self.ids.push(IntegrationIdentity::new(Some(u.clone()), u));
                self.by_user.insert(key, self.ids.len() - 1);
                self.ids.len() - 1
            }
        };
        &mut self.ids[i]
    }
}

fn add_reason(
    id: &mut IntegrationIdentity,
    kind: ReasonKind,
    detail: String,
    at: Option<Location>,
) {
    let r = IdentityReason {
        kind,
        detail,
        location: at,
    };
    if !id.reasons.contains(&r) {
        id.reasons.push(r);
    }
}

fn push_assignment(list: &mut Vec<AccessAssignment>, a: AccessAssignment) {
    if !list.iter().any(|x| x.name.eq_ignore_ascii_case(&a.name)) {
        list.push(a);
    }
}

impl Inventory {
    /// Joins Mule connections, user definitions, the config's identity hints
    /// and the Salesforce metadata into [`Inventory::identities`]. Pure and
    /// idempotent (rebuilds from scratch). Call after the readers and after
    /// `identity_hints` are set.
    pub fn build_identities(&mut self) {
        object_uses::digest_all(&mut self.apps);
        let md = &self.salesforce;
        let mut b = Builder {
            ids: Vec::new(),
            by_user: HashMap::new(),
            by_access: HashMap::new(),
        };

        // 1. Usernames of Mule connections. Resolving them in every
        // environment is most of this step's work: all apps at once, over
        // the cores, then joined in the apps' order.
        let users: Vec<Vec<Vec<ConnectionUser>>> = self
            .apps
            .par_iter()
            .map(|app| {
                let of = |conn: &SalesforceConnection| {
                    if app.is_test_path(&conn.location.path) {
                        Vec::new()
                    } else {
                        conn.users(app)
                    }
                };
                app.salesforce_connections.iter().map(of).collect()
            })
            .collect();
        for (app, app_users) in self.apps.iter().zip(users) {
            for (conn, conn_users) in app.salesforce_connections.iter().zip(app_users) {
                for u in conn_users {
                    let id = b.user(&u.username);
                    let env = u
                        .environment
                        .as_deref()
                        .map(|e| format!(" ({e})"))
                        .unwrap_or_default();
                    add_reason(
                        id,
                        ReasonKind::MuleConnection,
                        format!(
                            "Mule app {}{env} logs in as it (`{}`)",
                            app.name, conn.config_name
                        ),
                        Some(conn.location.clone()),
                    );
                    let use_ = IdentityAppUse {
                        app: app.name.clone(),
                        environment: u.environment,
                        config_name: conn.config_name.clone(),
                        auth: conn.auth,
                        location: conn.location.clone(),
                        defined_at: u.defined_at,
                    };
                    if !id.apps.contains(&use_) {
                        id.apps.push(use_);
                    }
                }
            }
        }

        // 2. User definition files.
        for d in &md.user_definitions {
            let id = b.user(&d.username);
            add_reason(
                id,
                ReasonKind::UserDefinition,
                "a user definition file creates it".to_string(),
                Some(d.location.clone()),
            );
            if !id.user_definitions.contains(&d.location) {
                id.user_definitions.push(d.location.clone());
            }
            if let Some(p) = &d.profile_name {
                if id.profile.is_none() {
                    id.profile = Some(AccessAssignment {
                        name: p.clone(),
                        source: AssignmentSource::UserDefinition,
                        assigned_at: d.profile_location.clone().or(Some(d.location.clone())),
                        metadata: None,
                    });
                }
            }
            for ps in &d.permsets {
                push_assignment(
                    &mut id.permission_sets,
                    AccessAssignment {
                        name: ps.clone(),
                        source: AssignmentSource::UserDefinition,
                        assigned_at: Some(d.location.clone()),
                        metadata: None,
                    },
                );
            }
        }

        // 3. The config's mapping.
        for h in &self.identity_hints {
            if h.username.trim().is_empty() {
                continue;
            }
            let id = b.user(&h.username);
            add_reason(
                id,
                ReasonKind::Config,
                "named in intguard.toml [[identities]]".to_string(),
                None,
            );
            if id.system.is_none() {
                id.system = h.system.clone();
            }
            for a in &h.apps {
                if !id.allowed_apps.iter().any(|x| x.eq_ignore_ascii_case(a)) {
                    id.allowed_apps.push(a.clone());
                }
            }
            if let (None, Some(p)) = (&id.profile, &h.profile) {
                id.profile = Some(AccessAssignment {
                    name: p.clone(),
                    source: AssignmentSource::Config,
                    assigned_at: None,
                    metadata: None,
                });
            }
            for ps in &h.permission_sets {
                push_assignment(
                    &mut id.permission_sets,
                    AccessAssignment {
                        name: ps.clone(),
                        source: AssignmentSource::Config,
                        assigned_at: None,
                        metadata: None,
                    },
                );
            }
        }

        // 4. Client credentials run-as users.
        for app in &md.connected_apps {
            let Some(o) = &app.oauth else { continue };
            let Some(u) = &o.client_credential_user else {
                continue;
            };
            if !app.client_credentials_enabled() || u.value.trim().is_empty() {
                continue;
            }
            let id = b.user(&u.value);
            add_reason(
                id,
                ReasonKind::ClientCredentialsUser,
                format!(
                    "connected app {} runs its client credentials flow as it",
                    app.name
                ),
                Some(u.location.clone()),
            );
        }
        for app in &md.external_client_apps {
            let Some(u) = app
                .oauth_policies
                .as_ref()
                .and_then(|p| p.client_credentials_flow_user.as_ref())
            else {
                continue;
            };
            if !app.client_credentials_enabled() || u.value.trim().is_empty() {
                continue;
            }
            let id = b.user(&u.value);
            add_reason(
                id,
                ReasonKind::ClientCredentialsUser,
                format!(
                    "external client app {} runs its client credentials flow as it",
                    app.name
                ),
                Some(u.location.clone()),
            );
        }

        // 4b. The org's users: those already named above get their real
        // assignments; the others join when their access makes them
        // integration users.
        if let Some(org) = &self.org {
            org_users(&mut b, org, md);
        }

        // Resolve assigned names against the metadata (groups assigned as
        // permission sets become groups; canonical names).
        for id in &mut b.ids {
            normalize_assignments(id, md);
        }

        // 5. Access-only identities: integration profiles and what
        // integration apps pre-authorize, when no username holds them.
        for p in &md.profiles {
            let mut reasons = Vec::new();
            if p.is_integration_license() {
                reasons.push((
                    ReasonKind::IntegrationLicense,
                    format!(
                        "its user license is {}",
                        p.user_license
                            .as_ref()
                            .map(|l| l.value.as_str())
                            .unwrap_or("")
                    ),
                    p.user_license.as_ref().map(|l| l.location.clone()),
                ));
            }
            if let Some(flag) = p.permission("ApiUserOnly") {
                reasons.push((
                    ReasonKind::ApiOnly,
                    "it grants API Only (ApiUserOnly)".to_string(),
                    Some(flag.location.clone()),
                ));
            }
            for (kind, detail, at) in reasons {
                access_identity(&mut b, md, AccessKey::Profile(&p.name), kind, detail, at);
            }
        }
        for pa in integration_app_grants(md) {
            let (key, what) = match pa.via {
                PreAuthVia::Profile => {
                    if is_broad_profile(&pa.name) {
                        continue;
                    }
                    let name = md
                        .profile(&pa.name)
                        .map(|p| p.name.clone())
                        .unwrap_or_else(|| {
                            super::salesforce::profile_file_name(&pa.name).to_string()
                        });
                    (AccessKeyOwned::Profile(name), "profile")
                }
                PreAuthVia::PermissionSet => {
                    let name = md
                        .permission_set(&pa.name)
                        .map(|p| p.name.clone())
                        .unwrap_or_else(|| pa.name.clone());
                    (AccessKeyOwned::PermissionSet(name), "permission set")
                }
                PreAuthVia::ClientCredentialsUser => continue,
            };
            let how = if pa.certificate {
                "a certificate (JWT bearer)"
            } else {
                "client credentials"
            };
            access_identity(
                &mut b,
                md,
                key.borrow(),
                ReasonKind::PreAuthorizedByIntegrationApp,
                format!(
                    "{} {} (which uses {how}) pre-authorizes this {what}",
                    pa.kind.describe(),
                    pa.app
                ),
                Some(pa.location.clone()),
            );
        }

        // 6. Access, use and apps of every identity.
        // Independent per identity, and the SOQL parsing in it is the bulk of
        // building the graph of a large monorepo: spread over the cores.
        let pre_auths = all_pre_authorizations(md);
        let pairs = uses_by_pair(&self.apps, &b.ids);
        let used: Vec<SharedUses> = b
            .ids
            .par_iter()
            .map(|id| objects_used(id, &pairs))
            .collect();
        drop(pairs);
        let apps_with_unknown = apps_with_unknown_uses(&self.apps);
        b.ids.par_iter_mut().zip(used).for_each(|(id, used)| {
            resolve_access(id, md);
            intrinsic_reasons(id, md);
            id.objects_used = used;
            id.unknown_uses = unknown_uses(id, &apps_with_unknown);
            for pa in &pre_auths {
                if reaches(pa, id, md) {
                    let mut pa = pa.clone();
                    if pa.via == PreAuthVia::ClientCredentialsUser {
                        pa.name = id.name.clone();
                    }
                    if !id.pre_authorized_by.contains(&pa) {
                        id.pre_authorized_by.push(pa);
                    }
                }
            }
            if !id.pre_authorized_by.is_empty() && id.username.is_some() {
                let certified: Vec<&PreAuthorization> = id
                    .pre_authorized_by
                    .iter()
                    .filter(|p| p.via != PreAuthVia::ClientCredentialsUser)
                    .filter(|p| p.certificate || p.client_credentials)
                    .collect();
                let extra: Vec<(String, Location)> = certified
                    .iter()
                    .map(|p| (p.describe(), p.location.clone()))
                    .collect();
                for (d, at) in extra {
                    add_reason(
                        id,
                        ReasonKind::PreAuthorizedByIntegrationApp,
                        format!("{d} pre-authorizes it"),
                        Some(at),
                    );
                }
            }
            id.reasons.sort_by_key(|r| r.kind);
            // Most identities have one use and one reason (a username per
            // environment), in vectors grown to room for four: held through
            // the rules, that room was 3 MB of a 2,000-app monorepo's peak.
            id.apps.shrink_to_fit();
            id.reasons.shrink_to_fit();
        });

        let mut ids = b.ids;
        // Each key once: lowercasing in the comparison allocated twice per
        // comparison (150,000 times for a monorepo's 6,000 identities).
        ids.sort_by_cached_key(|id| (id.username.is_none(), id.name.to_lowercase()));
        // The graph is held until the report: not the vector's growth room.
        ids.shrink_to_fit();
        self.identities = ids;
    }
}

/// Org users: every user already an identity takes the org's assignments
/// (the truth, over user definitions and the config); an active user whose
/// profile, permission sets or groups' sets are on an integration license,
/// grant API Only or are pre-authorized by an integration app becomes one.
fn org_users(b: &mut Builder, org: &OrgFacts, md: &SalesforceMetadata) {
    use std::collections::HashSet;
    let mut profiles: HashSet<String> = HashSet::new();
    let mut sets: HashSet<String> = HashSet::new();
    for p in &md.profiles {
        if p.is_integration_license() || p.has_permission("ApiUserOnly") {
            profiles.insert(p.name.to_lowercase());
        }
    }
    for ps in &md.permission_sets {
        let license = ps
            .license
            .as_ref()
            .is_some_and(|l| super::salesforce::is_integration_license(&l.value));
        if license || ps.has_permission("ApiUserOnly") {
            sets.insert(ps.name.to_lowercase());
        }
    }
    for pa in integration_app_grants(md) {
        match pa.via {
            PreAuthVia::Profile if !is_broad_profile(&pa.name) => {
                profiles.insert(super::salesforce::profile_file_name(&pa.name).to_lowercase());
            }
            PreAuthVia::PermissionSet => {
                sets.insert(pa.name.to_lowercase());
            }
            _ => {}
        }
    }
    // Groups holding such a permission set qualify their assignees too.
    let groups: HashSet<String> = md
        .permission_set_groups
        .iter()
        .filter(|g| {
            g.permission_sets
                .iter()
                .any(|s| sets.contains(&s.value.to_lowercase()))
        })
        .map(|g| g.name.to_lowercase())
        .collect();
    let qualifies = |u: &OrgUser| {
        u.is_active
            && (u.profile.as_deref().is_some_and(|p| {
                profiles.contains(&super::salesforce::profile_file_name(p).to_lowercase())
            }) || u
                .license
                .as_deref()
                .is_some_and(super::salesforce::is_integration_license)
                || u.permission_sets
                    .iter()
                    .any(|s| sets.contains(&s.to_lowercase()))
                || u.permission_set_groups
                    .iter()
                    .any(|g| groups.contains(&g.to_lowercase())))
    };
    for u in &org.users {
        let known = b.by_user.contains_key(&u.username.trim().to_lowercase());
        if !known && !qualifies(u) {
            continue;
        }
        let id = b.user(&u.username);
        let assigned = |name: &str| AccessAssignment {
            name: name.to_string(),
            source: AssignmentSource::Org,
            assigned_at: Some(u.location.clone()),
            metadata: None,
        };
        if let Some(p) = &u.profile {
            id.profile = Some(assigned(p));
        }
        id.permission_sets.retain(|a| {
            u.permission_sets
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&a.name))
        });
        for s in &u.permission_sets {
            push_assignment(&mut id.permission_sets, assigned(s));
        }
        for g in &u.permission_set_groups {
            push_assignment(&mut id.permission_set_groups, assigned(g));
        }
    }
}

enum AccessKey<'a> {
    Profile(&'a str),
    PermissionSet(&'a str),
}

enum AccessKeyOwned {
    Profile(String),
    PermissionSet(String),
}

impl AccessKeyOwned {
    fn borrow(&self) -> AccessKey<'_> {
        match self {
            AccessKeyOwned::Profile(s) => AccessKey::Profile(s),
            AccessKeyOwned::PermissionSet(s) => AccessKey::PermissionSet(s),
        }
    }
}

/// Adds a reason to the identities holding a profile or permission set, or
/// creates an access-only identity for it when no username holds it.
fn access_identity(
    b: &mut Builder,
    md: &SalesforceMetadata,
    key: AccessKey<'_>,
    kind: ReasonKind,
    detail: String,
    at: Option<Location>,
) {
    let holders: Vec<usize> = b
        .ids
        .iter()
        .enumerate()
        .filter(|(_, id)| id.username.is_some())
        .filter(|(_, id)| match &key {
            AccessKey::Profile(p) => id
                .profile
                .as_ref()
                .is_some_and(|x| same_profile(&x.name, p)),
            AccessKey::PermissionSet(ps) => {
                id.permission_sets
                    .iter()
                    .any(|x| x.name.eq_ignore_ascii_case(ps))
                    || id.permission_set_groups.iter().any(|g| {
                        md.permission_set_group(&g.name).is_some_and(|g| {
                            g.permission_sets
                                .iter()
                                .any(|s| s.value.eq_ignore_ascii_case(ps))
                        })
                    })
            }
        })
        .map(|(i, _)| i)
        .collect();
    if !holders.is_empty() {
        // Their reasons come from their own access (see `intrinsic_reasons`
        // and the pre-authorizations).
        return;
    }
    let (map_key, name, assignment) = match key {
        AccessKey::Profile(p) => {
            let file = md.profile(p).map(|x| x.name.as_str()).unwrap_or(p);
            (
                format!("profile:{}", file.to_lowercase()),
                format!("profile {file}"),
                (true, file.to_string()),
            )
        }
        AccessKey::PermissionSet(ps) => {
            let n = md.permission_set(ps).map(|x| x.name.as_str()).unwrap_or(ps);
            (
                format!("permset:{}", n.to_lowercase()),
                format!("permission set {n}"),
                (false, n.to_string()),
            )
        }
    };
    let i = match b.by_access.get(&map_key) {
        Some(i) => *i,
        None => {
            let mut id = IntegrationIdentity::new(None, name);
            let a = AccessAssignment {
                name: assignment.1,
                source: AssignmentSource::Itself,
                assigned_at: None,
                metadata: None,
            };
            if assignment.0 {
                id.profile = Some(a);
            } else {
                id.permission_sets.push(a);
            }
            normalize_assignments(&mut id, md);
            b.ids.push(id);
            b.by_access.insert(map_key, b.ids.len() - 1);
            b.ids.len() - 1
        }
    };
    add_reason(&mut b.ids[i], kind, detail, at);
}

/// Canonical names and metadata files for the identity's assignments;
/// permission set names that are groups move to the groups.
fn normalize_assignments(id: &mut IntegrationIdentity, md: &SalesforceMetadata) {
    if let Some(p) = &mut id.profile {
        if let Some(found) = md.profile(&p.name) {
            p.name = found.name.clone();
            p.metadata = Some(found.location.clone());
        }
    }
    let sets = std::mem::take(&mut id.permission_sets);
    for mut a in sets {
        if let Some(ps) = md.permission_set(&a.name) {
            a.name = ps.name.clone();
            a.metadata = Some(ps.location.clone());
            push_assignment(&mut id.permission_sets, a);
        } else if let Some(g) = md.permission_set_group(&a.name) {
            a.name = g.name.clone();
            a.metadata = Some(g.location.clone());
            push_assignment(&mut id.permission_set_groups, a);
        } else {
            push_assignment(&mut id.permission_sets, a);
        }
    }
}

/// Accumulates permissions and object access with their grants.
#[derive(Default)]
struct Access {
    perms: BTreeMap<String, EffectivePermission>,
    objects: BTreeMap<String, ObjectAccess>,
}

impl Access {
    fn grant_perm(&mut self, p: &NamedFlag, grant: Grant) {
        let key = p.name.to_lowercase();
        let e = self
            .perms
            .entry(key)
            .or_insert_with(|| EffectivePermission {
                name: p.name.clone(),
                category: permission_category(&p.name),
                granted_by: Vec::new(),
            });
        if !e.granted_by.contains(&grant) {
            e.granted_by.push(grant);
        }
    }

    fn grant_object(&mut self, o: &ObjectPermission, access: AccessFlags, grant: Grant) {
        if !access.any() {
            return;
        }
        let e = self
            .objects
            .entry(o.object.to_lowercase())
            .or_insert_with(|| ObjectAccess {
                object: o.object.clone(),
                access: AccessFlags::default(),
                granted_by: Vec::new(),
            });
        e.access = e.access.union(access);
        e.granted_by.push(ObjectGrant { grant, access });
    }
}

fn grant(kind: GrantKind, name: &str, via_group: Option<&str>, at: &Location) -> Grant {
    Grant {
        kind,
        name: name.to_string(),
        via_group: via_group.map(str::to_string),
        location: at.clone(),
    }
}

/// Effective permissions and object access: profile ∪ sets ∪ each group's
/// sets minus that group's muting sets.
fn resolve_access(id: &mut IntegrationIdentity, md: &SalesforceMetadata) {
    let mut acc = Access::default();
    let mut muted: BTreeMap<String, EffectivePermission> = BTreeMap::new();
    let mut unresolved = Vec::new();
    if let Some(a) = &id.profile {
        match md.profile(&a.name) {
            Some(p) => {
                id.license = p.user_license.as_ref().map(|l| l.value.clone());
                for f in &p.user_permissions {
                    acc.grant_perm(f, grant(GrantKind::Profile, &p.name, None, &f.location));
                }
                for o in &p.object_permissions {
                    acc.grant_object(
                        o,
                        AccessFlags::from(o),
                        grant(GrantKind::Profile, &p.name, None, &o.location),
                    );
                }
            }
            None => unresolved.push(format!("profile {}", a.name)),
        }
    }
    for a in &id.permission_sets {
        match md.permission_set(&a.name) {
            Some(ps) => {
                for f in &ps.user_permissions {
                    acc.grant_perm(
                        f,
                        grant(GrantKind::PermissionSet, &ps.name, None, &f.location),
                    );
                }
                for o in &ps.object_permissions {
                    acc.grant_object(
                        o,
                        AccessFlags::from(o),
                        grant(GrantKind::PermissionSet, &ps.name, None, &o.location),
                    );
                }
            }
            None => unresolved.push(format!("permission set {}", a.name)),
        }
    }
    for a in &id.permission_set_groups {
        let Some(g) = md.permission_set_group(&a.name) else {
            unresolved.push(format!("permission set group {}", a.name));
            continue;
        };
        // The group's muting.
        let mut mute_perms: Vec<(&NamedFlag, &str)> = Vec::new();
        let mut mute_objects: Vec<(&ObjectPermission, &str)> = Vec::new();
        for m in &g.muting_permission_sets {
            match md.muting_permission_set(&m.value) {
                Some(ms) => {
                    mute_perms.extend(ms.user_permissions.iter().map(|f| (f, ms.name.as_str())));
                    mute_objects
                        .extend(ms.object_permissions.iter().map(|o| (o, ms.name.as_str())));
                }
                None => unresolved.push(format!("muting permission set {}", m.value)),
            }
        }
        for s in &g.permission_sets {
            let Some(ps) = md.permission_set(&s.value) else {
                unresolved.push(format!("permission set {} (group {})", s.value, g.name));
                continue;
            };
            for f in &ps.user_permissions {
                if let Some((mf, mname)) = mute_perms
                    .iter()
                    .find(|(m, _)| m.name.eq_ignore_ascii_case(&f.name))
                {
                    let e =
                        muted
                            .entry(f.name.to_lowercase())
                            .or_insert_with(|| EffectivePermission {
                                name: f.name.clone(),
                                category: permission_category(&f.name),
                                granted_by: Vec::new(),
                            });
                    let gr = grant(
                        GrantKind::MutingPermissionSet,
                        mname,
                        Some(&g.name),
                        &mf.location,
                    );
                    if !e.granted_by.contains(&gr) {
                        e.granted_by.push(gr);
                    }
                    continue;
                }
                acc.grant_perm(
                    f,
                    grant(
                        GrantKind::PermissionSet,
                        &ps.name,
                        Some(&g.name),
                        &f.location,
                    ),
                );
            }
            for o in &ps.object_permissions {
                let mut flags = AccessFlags::from(o);
                for (mo, _) in mute_objects
                    .iter()
                    .filter(|(m, _)| m.object.eq_ignore_ascii_case(&o.object))
                {
                    flags = flags.minus(AccessFlags::from(*mo));
                }
                acc.grant_object(
                    o,
                    flags,
                    grant(
                        GrantKind::PermissionSet,
                        &ps.name,
                        Some(&g.name),
                        &o.location,
                    ),
                );
            }
        }
    }
    // A permission muted in a group but granted elsewhere is not muted.
    muted.retain(|k, _| !acc.perms.contains_key(k));
    id.effective_permissions = acc.perms.into_values().collect();
    id.muted_permissions = muted.into_values().collect();
    id.object_access = acc.objects.into_values().collect();
    for u in unresolved {
        if !id.unresolved.contains(&u) {
            id.unresolved.push(u);
        }
    }
}

/// Reasons that follow from the identity's access: an integration license,
/// API Only.
fn intrinsic_reasons(id: &mut IntegrationIdentity, md: &SalesforceMetadata) {
    if id.username.is_none() {
        return;
    }
    if let Some(p) = id.profile.as_ref().and_then(|a| md.profile(&a.name)) {
        if p.is_integration_license() && !id.has_reason(ReasonKind::IntegrationLicense) {
            let l = p.user_license.as_ref();
            add_reason(
                id,
                ReasonKind::IntegrationLicense,
                format!(
                    "its profile {} is on the {} license",
                    p.name,
                    l.map(|l| l.value.as_str()).unwrap_or("")
                ),
                l.map(|l| l.location.clone()),
            );
        }
    }
    if let Some(flag) = id
        .permission("ApiUserOnly")
        .filter(|_| !id.has_reason(ReasonKind::ApiOnly))
    {
        let g = flag.granted_by.first().cloned();
        if let Some(g) = g {
            add_reason(
                id,
                ReasonKind::ApiOnly,
                format!("{} grants API Only", g.describe()),
                Some(g.location),
            );
        }
    }
}

/// Every pre-authorization an org's apps make (not yet tied to identities).
fn all_pre_authorizations(md: &SalesforceMetadata) -> Vec<PreAuthorization> {
    let mut out = Vec::new();
    for app in &md.connected_apps {
        let Some(o) = &app.oauth else { continue };
        let base = |via, name: &str, at: &Location| PreAuthorization {
            app: app.name.clone(),
            kind: OAuthAppKind::ConnectedApp,
            via,
            name: name.to_string(),
            location: at.clone(),
            admin_approved: app.is_admin_approved(),
            certificate: app.has_certificate(),
            client_credentials: app.client_credentials_enabled(),
        };
        for p in &app.profile_names {
            out.push(base(PreAuthVia::Profile, &p.value, &p.location));
        }
        for p in &app.permission_set_names {
            out.push(base(PreAuthVia::PermissionSet, &p.value, &p.location));
        }
        if let Some(u) = &o.client_credential_user {
            if app.client_credentials_enabled() {
                out.push(base(
                    PreAuthVia::ClientCredentialsUser,
                    &u.value,
                    &u.location,
                ));
            }
        }
    }
    for app in &md.external_client_apps {
        let base = |via, name: &str, at: &Location| PreAuthorization {
            app: app.name.clone(),
            kind: OAuthAppKind::ExternalClientApp,
            via,
            name: name.to_string(),
            location: at.clone(),
            admin_approved: app.is_admin_approved(),
            certificate: app.has_certificate(),
            client_credentials: app.client_credentials_enabled(),
        };
        if let Some(p) = &app.oauth_policies {
            for x in &p.profiles {
                out.push(base(PreAuthVia::Profile, &x.value, &x.location));
            }
            for x in &p.permission_sets {
                out.push(base(PreAuthVia::PermissionSet, &x.value, &x.location));
            }
            if let Some(u) = &p.client_credentials_flow_user {
                if app.client_credentials_enabled() {
                    out.push(base(
                        PreAuthVia::ClientCredentialsUser,
                        &u.value,
                        &u.location,
                    ));
                }
            }
        }
    }
    out
}

/// Profile and permission set pre-authorizations by apps that machines use
/// (certificate or client credentials).
fn integration_app_grants(md: &SalesforceMetadata) -> Vec<PreAuthorization> {
    all_pre_authorizations(md)
        .into_iter()
        .filter(|p| p.certificate || p.client_credentials)
        .collect()
}

/// True when the pre-authorization applies to the identity.
fn reaches(pa: &PreAuthorization, id: &IntegrationIdentity, md: &SalesforceMetadata) -> bool {
    match pa.via {
        PreAuthVia::Profile => id.profile.as_ref().is_some_and(|p| {
            same_profile(&p.name, &pa.name)
                || md.profile(&pa.name).is_some_and(|x| x.matches(&p.name))
        }),
        PreAuthVia::PermissionSet => {
            let direct = id.permission_sets.iter().any(|a| {
                a.name.eq_ignore_ascii_case(&pa.name)
                    || md
                        .permission_set(&pa.name)
                        .is_some_and(|ps| ps.name.eq_ignore_ascii_case(&a.name))
            });
            let via_group = id.permission_set_groups.iter().any(|g| {
                md.permission_set_group(&g.name).is_some_and(|g| {
                    g.permission_sets.iter().any(|s| {
                        s.value.eq_ignore_ascii_case(&pa.name)
                            || md
                                .permission_set(&pa.name)
                                .is_some_and(|ps| ps.name.eq_ignore_ascii_case(&s.value))
                    })
                })
            });
            direct || via_group
        }
        PreAuthVia::ClientCredentialsUser => id
            .username
            .as_deref()
            .is_some_and(|u| u.eq_ignore_ascii_case(pa.name.trim())),
    }
}

/// What every (app, connection config) named by an identity uses, from the
/// apps' digests ([`MuleApp::digest_operations`]).
fn uses_by_pair<'a>(
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
fn apps_with_unknown_uses(apps: &[MuleApp]) -> HashMap<&str, &MuleApp> {
    apps.iter()
        .filter(|a| !a.unknown_uses.is_empty())
        .map(|a| (a.name.as_str(), a))
        .collect()
}

/// The operations of the identity's (app, config) pairs whose objects are
/// not known.
fn unknown_uses(id: &IntegrationIdentity, apps: &HashMap<&str, &MuleApp>) -> Vec<UnknownUse> {
    let mut out: Vec<UnknownUse> = Vec::new();
    for u in &id.apps {
        let Some(app) = apps.get(u.app.as_str()) else {
            continue;
        };
        for unknown in app.unknown_uses_of_config(&u.config_name) {
            if !out.contains(unknown) {
                out.push(unknown.clone());
            }
        }
    }
    out
}

/// The objects the identity's Mule connections use: the union of its
/// (app, config) pairs' uses, in the order of its apps.
fn objects_used(id: &IntegrationIdentity, pairs: &HashMap<(&str, &str), SharedUses>) -> SharedUses {
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
                Some(e) => merge_use_parts(
                    e,
                    u.inferred,
                    &u.operations,
                    &u.relationships,
                    &u.locations,
                    &u.apps,
                ),
                None => {
                    out.insert(k, u.clone());
                }
            }
        }
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::Value;
    use crate::inventory::graph::ObjectOperation;
    use crate::inventory::mule::{AuthClass, MuleRuntime, SalesforceOperation, XmlAttribute};
    use crate::inventory::object_uses::operation_kind;
    use crate::inventory::salesforce::*;
    use crate::inventory::IdentityHint;

    fn loc(p: &str, l: u32) -> Location {
        Location::new(p, l, 1)
    }

    fn conn(name: &str, user: &str, path: &str) -> SalesforceConnection {
        SalesforceConnection {
            config_name: name.into(),
            element: "salesforce:basic-connection".into(),
            runtime: MuleRuntime::Mule4,
            auth: AuthClass::Password,
            location: loc(path, 5),
            attributes: vec![XmlAttribute {
                element: "salesforce:basic-connection".into(),
                owner: Some(name.into()),
                name: "username".into(),
                value: Value::new(user, loc(path, 5)),
            }],
            tls_context: None,
        }
    }

    fn op(
        element: &str,
        cfg: &str,
        object: Option<&str>,
        soql: Option<&str>,
        path: &str,
    ) -> SalesforceOperation {
        SalesforceOperation {
            element: element.into(),
            config_ref: Some(cfg.into()),
            object_type: object.map(str::to_string),
            soql: soql.map(str::to_string),
            bulk_operation: None,
            location: loc(path, 20),
        }
    }

    fn flag(name: &str, p: &str, l: u32) -> NamedFlag {
        NamedFlag {
            name: name.into(),
            location: loc(p, l),
        }
    }

    fn objp(
        object: &str,
        read: bool,
        edit: bool,
        view_all: bool,
        modify_all: bool,
        p: &str,
    ) -> ObjectPermission {
        ObjectPermission {
            object: object.into(),
            read,
            edit,
            view_all,
            modify_all,
            location: loc(p, 9),
            ..ObjectPermission::default()
        }
    }

    fn profile(
        name: &str,
        license: &str,
        perms: &[&str],
        objects: Vec<ObjectPermission>,
    ) -> Profile {
        let p = format!("sf/profiles/{name}.profile-meta.xml");
        Profile {
            name: name.into(),
            label: (profile_label(name) != name).then(|| profile_label(name).to_string()),
            user_license: Some(Located::new(license.to_string(), loc(&p, 3))),
            custom: Some(false),
            user_permissions: perms.iter().map(|x| flag(x, &p, 7)).collect(),
            object_permissions: objects,
            login_ip_ranges: Vec::new(),
            location: loc(&p, 2),
        }
    }

    fn permset(name: &str, perms: &[&str], objects: Vec<ObjectPermission>) -> PermissionSet {
        let p = format!("sf/permissionsets/{name}.permissionset-meta.xml");
        PermissionSet {
            name: name.into(),
            label: None,
            license: None,
            description: None,
            user_permissions: perms.iter().map(|x| flag(x, &p, 5)).collect(),
            object_permissions: objects,
            location: loc(&p, 2),
            decomposed: false,
            files: vec![p.clone()],
        }
    }

    /// Two Mule apps in a monorepo share int.orders@acme.com in prod; the
    /// org says who that is.
    #[allow(clippy::field_reassign_with_default)]
    fn monorepo() -> Inventory {
        let mut orders = MuleApp::new("orders-sapi", "apps/orders-sapi", MuleRuntime::Mule4);
        orders.salesforce_connections = vec![conn(
            "SF",
            "int.orders@acme.com",
            "apps/orders-sapi/src/main/mule/global.xml",
        )];
        orders.operations = vec![
            op("salesforce:query", "SF", None, Some("SELECT Id, Account.Name, (SELECT Id FROM OrderItems) FROM Order WHERE Status = :s"), "apps/orders-sapi/src/main/mule/orders.xml"),
            op("salesforce:upsert", "SF", Some("Order"), None, "apps/orders-sapi/src/main/mule/orders.xml"),
            op("salesforce:create", "OTHER", Some("Case"), None, "apps/orders-sapi/src/main/mule/orders.xml"),
        ];
        let mut billing = MuleApp::new("billing-papi", "apps/billing-papi", MuleRuntime::Mule4);
        billing.salesforce_connections = vec![
            conn(
                "SFB",
                "INT.ORDERS@acme.com",
                "apps/billing-papi/src/main/mule/global.xml",
            ),
            conn(
                "TEST",
                "int.test@acme.com",
                "apps/billing-papi/src/test/munit/t.xml",
            ),
        ];
        billing.operations = vec![op(
            "salesforce:delete",
            "SFB",
            Some("Invoice__c"),
            None,
            "apps/billing-papi/src/main/mule/b.xml",
        )];

        let mut md = SalesforceMetadata::default();
        md.profiles = vec![
            profile(
                "Admin",
                "Salesforce",
                &["ApiEnabled", "ModifyAllData", "ExportReport"],
                vec![objp(
                    "Account",
                    true,
                    true,
                    true,
                    true,
                    "sf/profiles/Admin.profile-meta.xml",
                )],
            ),
            profile(
                "Minimum Access - API Only Integrations",
                "Salesforce Integration",
                &["ApiEnabled", "ApiUserOnly"],
                vec![],
            ),
            profile(
                "Acme Integration",
                "Salesforce Integration",
                &["ApiUserOnly"],
                vec![],
            ),
        ];
        md.permission_sets = vec![
            permset(
                "Orders_API",
                &["ApiEnabled"],
                vec![objp(
                    "Order",
                    true,
                    true,
                    false,
                    false,
                    "sf/permissionsets/Orders_API.permissionset-meta.xml",
                )],
            ),
            permset(
                "Exports",
                &["DataExport", "ExportReport"],
                vec![objp(
                    "Invoice__c",
                    true,
                    true,
                    true,
                    false,
                    "sf/permissionsets/Exports.permissionset-meta.xml",
                )],
            ),
            permset("Invoices_API", &["ApiEnabled"], vec![]),
        ];
        md.muting_permission_sets = vec![MutingPermissionSet {
            name: "G_Muting".into(),
            label: None,
            user_permissions: vec![flag(
                "DataExport",
                "sf/mutingpermissionsets/G_Muting.mutingpermissionset-meta.xml",
                4,
            )],
            object_permissions: vec![objp(
                "Invoice__c",
                false,
                false,
                true,
                false,
                "sf/mutingpermissionsets/G_Muting.mutingpermissionset-meta.xml",
            )],
            location: loc(
                "sf/mutingpermissionsets/G_Muting.mutingpermissionset-meta.xml",
                2,
            ),
        }];
        md.permission_set_groups = vec![PermissionSetGroup {
            name: "G".into(),
            label: Some("Group G".into()),
            permission_sets: vec![Located::new("Exports".into(), loc("sf/g.xml", 4))],
            muting_permission_sets: vec![Located::new("G_Muting".into(), loc("sf/g.xml", 5))],
            status: None,
            location: loc("sf/g.xml", 2),
        }];
        md.connected_apps = vec![ConnectedApp {
            name: "Orders".into(),
            label: Some("Orders Integration".into()),
            contact_email: None,
            location: loc("sf/connectedApps/Orders.connectedApp-meta.xml", 2),
            oauth: Some(ConnectedAppOauth {
                is_admin_approved: Some(Located::new(true, loc("sf/c.xml", 6))),
                is_client_credential_enabled: Some(Located::new(true, loc("sf/c.xml", 7))),
                client_credential_user: Some(Located::new(
                    "int.cc@acme.com".into(),
                    loc("sf/c.xml", 8),
                )),
                ..ConnectedAppOauth::default()
            }),
            profile_names: vec![Located::new(
                "System Administrator".into(),
                loc("sf/c.xml", 12),
            )],
            permission_set_names: vec![Located::new("Exports".into(), loc("sf/c.xml", 13))],
            ip_ranges: Vec::new(),
            has_saml: false,
        }];
        md.external_client_apps = vec![ExternalClientApp {
            name: "Invoices".into(),
            global_oauth: Some(EcaGlobalOauth {
                certificate: Some(Located::new("MIIB".into(), loc("sf/e.xml", 3))),
                ..EcaGlobalOauth::default()
            }),
            oauth_policies: Some(EcaOauthPolicies {
                profiles: vec![
                    Located::new("Standard User".into(), loc("sf/p.xml", 4)),
                    Located::new("Acme Integration".into(), loc("sf/p.xml", 4)),
                ],
                permission_sets: vec![Located::new("Invoices_API".into(), loc("sf/p.xml", 5))],
                permitted_users_policy_type: Some(Located::new(
                    "AdminApprovedPreAuthorized".into(),
                    loc("sf/p.xml", 6),
                )),
                ..EcaOauthPolicies::default()
            }),
            ..ExternalClientApp::default()
        }];
        md.user_definitions = vec![UserDefinition {
            username: "int.orders@acme.com".into(),
            profile_name: Some("System Administrator".into()),
            permsets: vec!["Orders_API".into(), "Group G".into(), "Missing_PS".into()],
            location: loc("sf/config/u.json", 2),
            profile_location: Some(loc("sf/config/u.json", 5)),
        }];
        Inventory {
            apps: vec![orders, billing],
            salesforce: md,
            identity_hints: vec![IdentityHint {
                username: "int.billing@acme.com".into(),
                system: Some("Billing".into()),
                apps: vec!["billing-papi".into()],
                profile: Some("Acme Integration".into()),
                permission_sets: vec![],
            }],
            ..Inventory::default()
        }
    }

    #[test]
    fn joins_mule_user_definition_and_metadata() {
        let mut inv = monorepo();
        inv.build_identities();
        let names: Vec<_> = inv.identities.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "int.billing@acme.com",
                "int.cc@acme.com",
                "int.orders@acme.com",
                "permission set Invoices_API",
                "profile Minimum Access - API Only Integrations",
            ],
            "MUnit connections are not identities; Standard User is an audience, not an identity"
        );
        let id = inv.identity("INT.ORDERS@ACME.COM").unwrap();
        // The index finds what `identity` finds, whatever the case.
        let index = inv.identity_index();
        for name in [
            "INT.ORDERS@ACME.COM",
            "int.orders@acme.com",
            "int.billing@acme.com",
        ] {
            let (a, b) = (index.get(name).unwrap(), inv.identity(name).unwrap());
            assert!(std::ptr::eq(a, b), "{name}");
        }
        assert!(index.get("nobody@acme.com").is_none());
        assert_eq!(id.app_names(), ["billing-papi", "orders-sapi"]);
        assert!(id.has_reason(ReasonKind::MuleConnection));
        assert!(id.has_reason(ReasonKind::UserDefinition));
        assert!(id.has_reason(ReasonKind::PreAuthorizedByIntegrationApp));
        let p = id.profile.as_ref().unwrap();
        assert_eq!(p.name, "Admin");
        assert_eq!(p.source, AssignmentSource::UserDefinition);
        assert_eq!(p.assigned_at, Some(loc("sf/config/u.json", 5)));
        assert_eq!(
            p.metadata,
            Some(loc("sf/profiles/Admin.profile-meta.xml", 2))
        );
        assert!(id.is_admin());
        assert_eq!(id.license.as_deref(), Some("Salesforce"));
        // The group was assigned as a permission set by its label.
        assert_eq!(id.permission_set_groups[0].name, "G");
        let sets: Vec<_> = id.permission_sets.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(sets, ["Orders_API", "Missing_PS"]);
        assert_eq!(id.unresolved, ["permission set Missing_PS"]);

        // Effective permissions: union minus muting (DataExport muted in G;
        // ExportReport from the profile and G).
        let perms: Vec<_> = id
            .effective_permissions
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(perms, ["ApiEnabled", "ExportReport", "ModifyAllData"]);
        let mad = id.permission("modifyalldata").unwrap();
        assert_eq!(mad.category, Some(PermissionCategory::SuperPower));
        assert_eq!(mad.granted_by[0].kind, GrantKind::Profile);
        assert_eq!(
            mad.granted_by[0].location,
            loc("sf/profiles/Admin.profile-meta.xml", 7)
        );
        let er = id.permission("ExportReport").unwrap();
        assert_eq!(er.granted_by.len(), 2);
        assert_eq!(er.granted_by[1].via_group.as_deref(), Some("G"));
        assert_eq!(id.muted_permissions[0].name, "DataExport");
        assert_eq!(
            id.muted_permissions[0].granted_by[0].kind,
            GrantKind::MutingPermissionSet
        );
        let dangerous: Vec<_> = id
            .dangerous_permissions()
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(dangerous, ["ModifyAllData", "ExportReport"]);

        // Object access: View All on Invoice__c is muted.
        let inv_acc = id.object_access("Invoice__c").unwrap();
        assert!(inv_acc.access.read && inv_acc.access.edit && !inv_acc.access.view_all);
        assert!(id.object_access("Account").unwrap().access.modify_all);

        // Objects used: the query's FROM object, relationship targets
        // (inferred), the upsert and the other app's delete; not the
        // operation bound to another config.
        let used: Vec<_> = id
            .objects_used
            .iter()
            .map(|u| (u.object.as_str(), u.inferred))
            .collect();
        assert_eq!(
            used,
            [
                ("Account", true),
                ("Invoice__c", false),
                ("Order", false),
                ("OrderItem", true)
            ]
        );
        let order = id.object_used("Order").unwrap();
        assert_eq!(
            order.operations,
            [ObjectOperation::Read, ObjectOperation::Upsert]
        );
        assert_eq!(order.relationships, ["Account"]);
        assert!(order.needs().create && order.needs().edit && !order.needs().delete);
        assert_eq!(id.object_used("Invoice__c").unwrap().apps, ["billing-papi"]);
        assert!(id.object_used("Case").is_none());

        // Apps pre-authorizing it: the connected app via the Admin profile
        // and via Exports (in group G).
        let pre: Vec<_> = id
            .pre_authorized_by
            .iter()
            .map(|p| (p.app.as_str(), p.via))
            .collect();
        assert_eq!(
            pre,
            [
                ("Orders", PreAuthVia::Profile),
                ("Orders", PreAuthVia::PermissionSet)
            ]
        );
    }

    #[test]
    fn config_hints_client_credentials_and_access_only_identities() {
        let mut inv = monorepo();
        inv.build_identities();
        let billing = inv.identity("int.billing@acme.com").unwrap();
        assert!(billing.has_reason(ReasonKind::Config));
        assert!(billing.has_reason(ReasonKind::IntegrationLicense));
        assert!(billing.has_reason(ReasonKind::ApiOnly));
        assert_eq!(billing.system.as_deref(), Some("Billing"));
        assert_eq!(
            billing.profile.as_ref().unwrap().source,
            AssignmentSource::Config
        );
        // The ECA (with a certificate) pre-authorizes Acme Integration.
        assert!(billing.has_reason(ReasonKind::PreAuthorizedByIntegrationApp));
        assert_eq!(billing.pre_authorized_by[0].app, "Invoices");
        assert!(billing.pre_authorized_by[0].certificate);

        let cc = inv.identity("int.cc@acme.com").unwrap();
        assert!(cc.has_reason(ReasonKind::ClientCredentialsUser));
        assert_eq!(
            cc.pre_authorized_by[0].via,
            PreAuthVia::ClientCredentialsUser
        );
        assert_eq!(cc.unresolved, Vec::<String>::new());

        let ps = inv
            .identities
            .iter()
            .find(|i| i.name == "permission set Invoices_API")
            .unwrap();
        assert!(ps.username.is_none());
        assert_eq!(ps.permission_sets[0].source, AssignmentSource::Itself);
        assert!(ps.has_reason(ReasonKind::PreAuthorizedByIntegrationApp));
        assert_eq!(ps.pre_authorized_by[0].via, PreAuthVia::PermissionSet);

        let std_int = inv
            .identities
            .iter()
            .find(|i| i.name.starts_with("profile Minimum"))
            .unwrap();
        assert!(std_int.has_reason(ReasonKind::IntegrationLicense));
        assert!(std_int.has_permission("ApiUserOnly"));

        // Idempotent.
        let n = inv.identities.len();
        inv.build_identities();
        assert_eq!(inv.identities.len(), n);
    }

    #[test]
    fn per_environment_usernames() {
        use crate::inventory::mule::{PropertyEntry, PropertyFile, PropertyFormat};
        let mut app = MuleApp::new("orders", "orders", MuleRuntime::Mule4);
        app.environments = vec!["dev".into(), "prod".into()];
        app.salesforce_connections = vec![conn("SF", "${sfdc.user}", "orders/src/main/mule/g.xml")];
        let file = |env: &str, user: &str| PropertyFile {
            path: format!("orders/src/main/resources/{env}.yaml"),
            format: PropertyFormat::Yaml,
            environment: Some(env.into()),
            secure: false,
            loaded: true,
            entries: vec![PropertyEntry::new(
                "sfdc.user",
                user,
                loc(&format!("orders/src/main/resources/{env}.yaml"), 3),
            )],
            split_values: Vec::new(),
        };
        app.property_files = vec![
            file("dev", "int.orders@acme.com.dev"),
            file("prod", "int.orders@acme.com"),
        ];
        let mut inv = Inventory {
            apps: vec![app],
            ..Inventory::default()
        };
        inv.build_identities();
        let names: Vec<_> = inv.identities.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["int.orders@acme.com", "int.orders@acme.com.dev"]);
        let prod = inv.identity("int.orders@acme.com").unwrap();
        assert_eq!(prod.environments(), ["prod"]);
        assert_eq!(
            prod.apps[0].defined_at,
            Some(loc("orders/src/main/resources/prod.yaml", 3))
        );
        assert!(prod.profile.is_none());
        assert!(prod.effective_permissions.is_empty());
    }

    /// An encrypted username (`![...]`, read whole or as part of the value)
    /// names nobody: with random IVs one user has many ciphertexts.
    #[test]
    fn encrypted_usernames_are_no_identities() {
        use crate::inventory::mule::{PropertyEntry, PropertyFile, PropertyFormat};
        let mut app = MuleApp::new("orders", "orders", MuleRuntime::Mule4);
        app.environments = vec!["dev".into(), "prod".into(), "qa".into()];
        app.salesforce_connections = vec![
            conn("SF", "${secure::sfdc.user}", "orders/src/main/mule/g.xml"),
            conn(
                "SF2",
                "${secure::sfdc.prefix}.sandbox",
                "orders/src/main/mule/g.xml",
            ),
        ];
        let file = |env: &str, entries: &[(&str, &str)]| PropertyFile {
            path: format!("orders/src/main/resources/{env}-secure.yaml"),
            format: PropertyFormat::Yaml,
            environment: Some(env.into()),
            secure: true,
            loaded: true,
            entries: entries
                .iter()
                .map(|(k, v)| PropertyEntry::new(k, v, loc("s.yaml", 1)))
                .collect(),
            split_values: Vec::new(),
        };
        app.property_files = vec![
            file("dev", &[("sfdc.user", "int.orders@acme.com.dev")]),
            file("prod", &[("sfdc.user", "![geR4SnTya8cuj6EI86MJvj3Se=]")]),
            file("qa", &[("sfdc.user", " ![QOZJZSad2t/MvqJ6SBiWTQ==] ")]),
            file("dev", &[("sfdc.prefix", "![Glc8p+d+oEOvkchfXdtsrg==]")]),
        ];
        let mut inv = Inventory {
            apps: vec![app],
            ..Inventory::default()
        };
        inv.build_identities();
        let names: Vec<_> = inv.identities.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["int.orders@acme.com.dev"]);
        let users = inv.apps[0].salesforce_connections[0].users(&inv.apps[0]);
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].environment.as_deref(), Some("dev"));
    }

    #[test]
    fn apps_digested_while_reading_give_the_same_graph() {
        let mut whole = monorepo();
        whole.build_identities();
        let mut streamed = monorepo();
        for app in &mut streamed.apps {
            let had_operations = !app.operations.is_empty();
            app.digest_operations();
            assert!(app.operations.is_empty());
            assert_eq!(!app.object_uses.is_empty(), had_operations, "{}", app.name);
            let digest: Vec<(String, SharedUses)> = app.object_uses.clone();
            app.digest_operations();
            assert_eq!(app.object_uses, digest, "digesting twice changes nothing");
        }
        streamed.build_identities();
        assert!(whole.identities.iter().any(|i| !i.objects_used.is_empty()));
        assert_eq!(whole.identities.len(), streamed.identities.len());
        for (a, b) in whole.identities.iter().zip(&streamed.identities) {
            assert_eq!(a.username, b.username);
            assert_eq!(a.objects_used, b.objects_used, "{:?}", a.username);
        }
    }

    #[test]
    fn operation_kinds() {
        let k = |e: &str| operation_kind(&op(e, "c", None, None, "x"));
        assert_eq!(k("salesforce:query"), ObjectOperation::Read);
        assert_eq!(k("salesforce:query-all"), ObjectOperation::Read);
        assert_eq!(k("salesforce:create"), ObjectOperation::Create);
        assert_eq!(k("sfdc:create-single"), ObjectOperation::Create);
        assert_eq!(k("salesforce:update"), ObjectOperation::Edit);
        assert_eq!(k("salesforce:upsert"), ObjectOperation::Upsert);
        assert_eq!(k("salesforce:delete"), ObjectOperation::Delete);
        assert_eq!(
            k("salesforce:deleted-object-listener"),
            ObjectOperation::Read
        );
        assert_eq!(k("salesforce:retrieve"), ObjectOperation::Read);
        assert_eq!(
            k("salesforce:invoke-apex-rest-method"),
            ObjectOperation::Other
        );
        let mut bulk = op(
            "salesforce:create-job-bulk-api-v2",
            "c",
            Some("Account"),
            None,
            "x",
        );
        bulk.bulk_operation = Some("hardDelete".into());
        assert_eq!(operation_kind(&bulk), ObjectOperation::Delete);
    }
}
