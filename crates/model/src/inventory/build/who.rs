//! Who the integration users are: the usernames of Mule connections, user
//! definition files, the config's `[[identities]]`, client credentials
//! run-as users, and the org's users.

use std::collections::HashSet;
use std::sync::Arc;

use rayon::prelude::*;

use super::pre_auth::integration_app_grants;
use super::{add_reason, push_assignment, push_held, Builder, ConnectionUser};
use crate::inventory::graph::{
    AccessAssignment, AssignmentSource, IdentityAppUse, IdentityConnection, PreAuthVia,
    PreAuthorization, ReasonKind,
};
use crate::inventory::mule::ConnectionUse;
use crate::inventory::org::{OrgFacts, OrgUser};
use crate::inventory::salesforce::{self, is_broad_profile, SalesforceMetadata};
use crate::inventory::IdentityHint;
use crate::shared_str::SharedStr;

/// Usernames of Mule connections, each with a reason and the app's use: an
/// app's own connections, and a domain's shared connections for each app
/// deployed in it that uses them ([`Inventory::connection_uses`], one group
/// per connection). Resolving them in every environment (in the properties
/// of the app or domain that defines the connection, once per connection)
/// is most of this step's work: all connections at once, over the cores,
/// then joined in order.
pub(super) fn mule_users(
    b: &mut Builder,
    inventory: &crate::Inventory,
    groups: &[Vec<ConnectionUse<'_>>],
) {
    let users: Vec<Vec<ConnectionUser>> = groups
        .par_iter()
        .map(|group| {
            let (owner, conn) = (group[0].owner, group[0].connection);
            if owner.is_test_path(&conn.location.path) {
                Vec::new()
            } else if let Some(facts) = inventory.connection_facts(owner, conn) {
                // Worked out as the app was read (a compact app keeps no
                // username property after that), read back when the scan
                // moved them out.
                match facts {
                    std::borrow::Cow::Borrowed(f) => f.graph_users().cloned().collect(),
                    std::borrow::Cow::Owned(f) => f.into_graph_users(),
                }
            } else {
                conn.users(owner)
            }
        })
        .collect();
    // Room for every identity they can make, made once: the graph's vector
    // grown by doubling held its old and new room at once (4,096 and 8,192
    // identities of ~600 bytes for a 2,000-app monorepo's 5,966), which was
    // the peak memory of such a scan. Too much room is given back in place
    // at the end (`shrink_to_fit` of a block at least half used).
    let most: usize = groups
        .iter()
        .zip(&users)
        .map(|(group, conn_users)| group.len() * conn_users.len())
        .sum();
    b.ids.reserve_exact(most);
    for (group, conn_users) in groups.iter().zip(users) {
        if conn_users.is_empty() {
            continue;
        }
        for u in group {
            // One for every environment the connection logs in for.
            let connection = Arc::new(connection_of(b, u));
            for user in &conn_users {
                add_use(b, &connection, user);
            }
        }
    }
    for id in &mut b.ids {
        crate::dedup::keep_first(&mut id.apps);
    }
}

/// What the uses of `u`'s connection hold in common, whatever the
/// environment.
fn connection_of(b: &mut Builder, u: &ConnectionUse<'_>) -> IdentityConnection {
    let (app, conn) = (u.app, u.connection);
    IdentityConnection {
        app: b.shared(&app.name),
        config_name: b.shared(&conn.config_name),
        auth: conn.auth,
        location: u.location().clone(),
        domain: u.through_domain.map(|_| b.shared(&u.owner.name)),
        plugin: u.through_plugin.map(|p| b.shared(&p.name)),
        app_is_domain: app.domain,
    }
}

/// The app of `connection` logs in as `user`: a use of its identity (which
/// is its reason too: [`IntegrationIdentity::reasons`]).
///
/// [`IntegrationIdentity::reasons`]: crate::IntegrationIdentity::reasons
fn add_use(b: &mut Builder, connection: &Arc<IdentityConnection>, user: &ConnectionUser) {
    let app_use = IdentityAppUse {
        connection: connection.clone(),
        environment: user.environment.as_deref().map(|e| b.shared(e)),
        defined_at: user.defined_at.clone(),
    };
    let id = b.user(&user.username);
    push_held(&mut id.apps, app_use);
}

/// User definition files (`sf org create user`): the user, its profile and
/// permission sets.
pub(super) fn user_definitions(b: &mut Builder, md: &SalesforceMetadata) {
    for d in &md.user_definitions {
        let id = b.user(&d.username);
        add_reason(
            id,
            ReasonKind::UserDefinition,
            "a user definition file creates it".to_string(),
            Some(d.location.clone()),
        );
        if !id.user_definitions.contains(&d.location) {
            id.facts_mut().user_definitions.push(d.location.clone());
        }
        if let Some(p) = &d.profile_name {
            if id.profile.is_none() {
                id.facts_mut().profile = Some(AccessAssignment {
                    name: p.clone(),
                    source: AssignmentSource::UserDefinition,
                    assigned_at: d.profile_location.clone().or(Some(d.location.clone())),
                    metadata: None,
                });
            }
        }
        for ps in &d.permsets {
            push_assignment(
                &mut id.facts_mut().permission_sets,
                AccessAssignment {
                    name: ps.clone(),
                    source: AssignmentSource::UserDefinition,
                    assigned_at: d.permsets_location.clone().or(Some(d.location.clone())),
                    metadata: None,
                },
            );
        }
    }
}

/// The config's mapping (`[[identities]]`): the user, its system, the apps
/// allowed to share it, its access when the metadata does not say.
pub(super) fn config_hints(b: &mut Builder, hints: &[IdentityHint]) {
    for h in hints {
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
        if let (None, Some(system)) = (&id.system, &h.system) {
            id.facts_mut().system = Some(system.clone());
        }
        for a in &h.apps {
            if !id.allowed_apps.iter().any(|x| x.eq_ignore_ascii_case(a)) {
                id.facts_mut().allowed_apps.push(a.clone());
            }
        }
        if let (None, Some(p)) = (&id.profile, &h.profile) {
            id.facts_mut().profile = Some(AccessAssignment {
                name: p.clone(),
                source: AssignmentSource::Config,
                assigned_at: h.profile_at.clone(),
                metadata: None,
            });
        }
        for (i, ps) in h.permission_sets.iter().enumerate() {
            push_assignment(
                &mut id.facts_mut().permission_sets,
                AccessAssignment {
                    name: ps.clone(),
                    source: AssignmentSource::Config,
                    assigned_at: h.permission_sets_at.get(i).cloned(),
                    metadata: None,
                },
            );
        }
    }
}

/// The users connected apps and External Client Apps run their client
/// credentials flow as: their run-as pre-authorizations.
pub(super) fn client_credentials_users(b: &mut Builder, pre_auths: &[PreAuthorization]) {
    for pa in pre_auths {
        if pa.via != PreAuthVia::ClientCredentialsUser || pa.name.trim().is_empty() {
            continue;
        }
        let id = b.user(&pa.name);
        add_reason(
            id,
            ReasonKind::ClientCredentialsUser,
            format!(
                "{} {} runs its client credentials flow as it",
                pa.kind.describe(),
                pa.app
            ),
            Some(pa.location.clone()),
        );
    }
}

/// Org users: every user already an identity takes the org's assignments
/// (the truth, over user definitions and the config); an active user whose
/// profile, permission sets or groups' sets are on an integration license,
/// grant API Only or are pre-authorized by an integration app becomes one.
pub(super) fn org_users(
    b: &mut Builder,
    org: &OrgFacts,
    md: &SalesforceMetadata,
    pre_auths: &[PreAuthorization],
) {
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
            .is_some_and(|l| salesforce::is_integration_license(&l.value));
        if license || ps.has_permission("ApiUserOnly") {
            sets.insert(ps.name.to_lowercase());
        }
    }
    for pa in integration_app_grants(pre_auths) {
        match pa.via {
            PreAuthVia::Profile if !is_broad_profile(&pa.name) => {
                profiles.insert(salesforce::profile_file_name(&pa.name).to_lowercase());
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
                profiles.contains(&salesforce::profile_file_name(p).to_lowercase())
            }) || u
                .license
                .as_deref()
                .is_some_and(salesforce::is_integration_license)
                || u.permission_sets
                    .iter()
                    .any(|s| sets.contains(&s.to_lowercase()))
                || u.permission_set_groups
                    .iter()
                    .any(|g| groups.contains(&g.to_lowercase())))
    };
    for u in &org.users {
        let known = b.has_user(&u.username);
        if !known && !qualifies(u) {
            continue;
        }
        let id = b.user(&u.username);
        // Usernames are case-insensitive: the org's spelling is the user's
        // own, whatever letters an app or the config wrote it in.
        let spelt = SharedStr::from(u.username.trim());
        if id.name.eq_ignore_ascii_case(&spelt) {
            id.name = spelt.clone();
        }
        id.username = Some(spelt);
        let id = id.facts_mut();
        // Named by the repository or the config but inactive: kept (an app
        // runs as it) and marked, not judged as a live credential.
        id.inactive_in_org = (!u.is_active).then(|| u.location.clone());
        id.frozen_in_org = u.frozen.clone().filter(|_| u.is_active);
        id.password_locked_in_org = u.password_locked.clone().filter(|_| u.is_active);
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
