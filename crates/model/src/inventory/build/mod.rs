//! Building the identity graph (see [`super::graph`]): a pure function of
//! the Inventory the readers and the config filled.
//!
//! 1. Who (`who`; access-only identities in `access`): usernames of Mule Salesforce connections (resolved in every
//!    environment; MUnit configs skipped), user definition files, the
//!    config's `[[identities]]`, the client-credentials run-as users of
//!    connected apps and External Client Apps; then profiles on an
//!    integration license or granting API Only, and profiles / permission
//!    sets pre-authorized by apps with a certificate or client credentials
//!    (broad profiles like Standard User excepted: that is an audience
//!    problem, IG305, not an integration user), when no username holds them.
//! 2. Access (`access`): profile, permission sets and groups (a name assigned as a
//!    permission set that is a group's name is a group) -> effective
//!    permissions = profile ∪ sets ∪ (each group's sets minus the group's
//!    muting sets, per group) and object access likewise.
//! 3. Use (`uses`): the Mule operations bound (by `config-ref`) to the connections
//!    that run as the identity: object types and SOQL (parsed by
//!    [`crate::soql`]: FROM objects, semi-joins and TYPEOF types are direct,
//!    relationship targets are `inferred`).
//! 4. Apps (`pre_auth`): connected apps and ECAs whose profile / permission set lists
//!    name the identity's profile or sets, or whose client credentials flow
//!    runs as it.

mod access;
mod not_found;
mod overridden;
mod pre_auth;
#[cfg(test)]
mod tests;
mod uses;
mod who;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::dedup::keep_first;

use crate::location::Location;

use super::graph::{
    AccessAssignment, IdentityReason, IntegrationIdentity, PreAuthVia, PreAuthorization, ReasonKind,
};
use super::mule::{MuleApp, SalesforceConnection};
use super::object_uses::{self, SharedUses};
use super::salesforce::SalesforceMetadata;
use super::Inventory;
use access::{intrinsic_reasons, resolve_access};
use pre_auth::{all_pre_authorizations, reaches};
use uses::{apps_with_unknown_uses, objects_used, unknown_uses, uses_by_pair};

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
        let mut users: Vec<ConnectionUser> = app
            .resolve_all(user)
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
            .collect();
        app.with_deployed_values(user, &mut users);
        users
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
    // Repeats are dropped once the identity is complete (`keep_first`).
    id.reasons.push(IdentityReason {
        kind,
        detail,
        location: at,
    });
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
        // Derived once: who, access and completion all read them.
        let pre_auths = all_pre_authorizations(md);
        let mut b = Builder {
            ids: Vec::new(),
            by_user: HashMap::new(),
            by_access: HashMap::new(),
        };
        // Who: usernames, then the org's users.
        who::mule_users(&mut b, &self.connection_uses());
        who::user_definitions(&mut b, md);
        who::config_hints(&mut b, &self.identity_hints);
        who::client_credentials_users(&mut b, &pre_auths);
        // The org's users: those already named above get their real
        // assignments; the others join when their access makes them
        // integration users.
        if let Some(org) = &self.org {
            who::org_users(&mut b, org, md, &pre_auths);
        }
        // Assigned names resolved against the metadata (groups assigned as
        // permission sets become groups; canonical names).
        for id in &mut b.ids {
            access::normalize_assignments(id, md);
        }
        access::access_only_identities(&mut b, md, &pre_auths);
        complete(&mut b.ids, &self.apps, md, &pre_auths);

        let mut ids = b.ids;
        // Each key once: lowercasing in the comparison allocated twice per
        // comparison (150,000 times for a monorepo's 6,000 identities).
        ids.sort_by_cached_key(|id| (id.username.is_none(), id.name.to_lowercase()));
        // The graph is held until the report: not the vector's growth room.
        ids.shrink_to_fit();
        self.identities = ids;
    }
}

/// Access, use and apps of every identity: effective permissions and object
/// access, the reasons they give, the objects its connections use, and the
/// apps that pre-authorize it. Independent per identity, and the SOQL parsing
/// in it is the bulk of building the graph of a large monorepo: spread over
/// the cores.
fn complete(
    ids: &mut [IntegrationIdentity],
    apps: &[MuleApp],
    md: &SalesforceMetadata,
    pre_auths: &[PreAuthorization],
) {
    let pairs = uses_by_pair(apps, ids);
    let used: Vec<SharedUses> = ids.par_iter().map(|id| objects_used(id, &pairs)).collect();
    drop(pairs);
    let apps_with_unknown = apps_with_unknown_uses(apps);
    ids.par_iter_mut().zip(used).for_each(|(id, used)| {
        resolve_access(id, md);
        intrinsic_reasons(id, md);
        id.objects_used = used;
        id.unknown_uses = unknown_uses(id, &apps_with_unknown);
        for pa in pre_auths {
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
        keep_first(&mut id.reasons);
        id.reasons.sort_by_key(|r| r.kind);
        // Most identities have one use and one reason (a username per
        // environment), in vectors grown to room for four: held through
        // the rules, that room was 3 MB of a 2,000-app monorepo's peak.
        id.apps.shrink_to_fit();
        id.reasons.shrink_to_fit();
    });
}
