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

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use rayon::prelude::*;

use crate::location::Location;
use crate::shared_str::SharedStr;

use super::graph::{
    AccessAssignment, IdentityReason, IntegrationIdentity, PreAuthVia, PreAuthorization, ReasonKind,
};
use super::mule::{MuleApp, SalesforceConnection};
use super::object_uses::{self, SharedUses};
use super::salesforce::SalesforceMetadata;
use super::Inventory;
use access::{intrinsic_reasons, resolve_access};
use pre_auth::{all_pre_authorizations, reaches, PreAuthIndex};
use uses::{apps_with_unknown_uses, objects_used, unknown_uses, uses_by_pair};

/// A connection's username in one environment.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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
    /// Lowercased (and trimmed) username -> index. The key is the
    /// identity's own username when that is lowercase already (most are):
    /// the text is not held twice.
    by_user: HashMap<SharedStr, u32>,
    /// `profile:<file name>` / `permset:<name>` -> index, for access-only
    /// identities.
    by_access: HashMap<String, usize>,
    /// The names the identities' app uses repeat (apps, environments,
    /// connection configs, domains, plugins), each held once.
    names: HashSet<SharedStr>,
}

impl Builder {
    fn user(&mut self, username: &str) -> &mut IntegrationIdentity {
        let username = username.trim();
        let key = username.to_lowercase();
        let i = match self.by_user.get(key.as_str()) {
            Some(i) => *i as usize,
            None => {
                let name = SharedStr::from(username);
                let key = if key == username {
                    name.clone()
                } else {
                    SharedStr::from(key)
                };
                self.ids.push(IntegrationIdentity::of_user(name));
                let i = self.ids.len() - 1;
                self.by_user.insert(key, i as u32);
                i
            }
        };
        &mut self.ids[i]
    }

    /// Whether `username` (trimmed, case ignored) is an identity's.
    fn has_user(&self, username: &str) -> bool {
        self.by_user
            .contains_key(username.trim().to_lowercase().as_str())
    }

    /// `name`, shared with every other use of it in the graph.
    fn shared(&mut self, name: &str) -> SharedStr {
        if let Some(s) = self.names.get(name) {
            return s.clone();
        }
        let s = SharedStr::from(name);
        self.names.insert(s.clone());
        s
    }
}

/// Pushes `item` to a list of the graph, which is held until the report:
/// its first items one at a time, at their exact room (most identities have
/// one reason and one use, and `Vec` makes room for four at the first push:
/// held until the lists were shrunk at the end, that room was most of the
/// graph's building peak), then by the usual doubling.
fn push_held<T>(list: &mut Vec<T>, item: T) {
    if list.len() < 4 {
        list.reserve_exact(1);
    }
    list.push(item);
}

fn add_reason(
    id: &mut IntegrationIdentity,
    kind: ReasonKind,
    detail: String,
    at: Option<Location>,
) {
    // Repeats are dropped once the identity is complete
    // (`settle_other_reasons`).
    push_held(
        id.other_reasons_mut(),
        IdentityReason {
            kind,
            detail: detail.into_boxed_str(),
            location: at,
        },
    );
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
        // Items added since a lookup (an org snapshot joined) are named too.
        self.salesforce.reindex();
        let md = &self.salesforce;
        // Derived once: who, access and completion all read them.
        let pre_auths = all_pre_authorizations(md);
        let mut b = Builder {
            ids: Vec::new(),
            by_user: HashMap::new(),
            by_access: HashMap::new(),
            names: HashSet::new(),
        };
        // Who: usernames, then the org's users.
        who::mule_users(&mut b, self, &self.connection_uses());
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
        // The indexes are done with: freed before the completion's own
        // working memory is taken.
        let mut ids = std::mem::take(&mut b.ids);
        drop(b);
        complete(&mut ids, &self.apps, md, &pre_auths);

        sort_identities(&mut ids);
        // The graph is held until the report: not the vector's growth room.
        ids.shrink_to_fit();
        self.identities = ids;
        self.forget_pre_authorized();
    }
}

/// Users first, then access-only identities, each by name (case ignored),
/// equal names in the order they were made: what a stable sort by the key
/// `(username.is_none(), name.to_lowercase())` gives, without a lowercased
/// copy of every name (lowercasing in the comparison allocated twice per
/// comparison, 150,000 times for a monorepo's 6,000 identities; a cached
/// key per identity held every name twice) or a stable sort's scratch copy
/// of the identities: their order is sorted, then applied in place.
fn sort_identities(ids: &mut [IntegrationIdentity]) {
    let key_order = |a: &IntegrationIdentity, b: &IntegrationIdentity| {
        (a.username.is_none().cmp(&b.username.is_none()))
            .then_with(|| cmp_lowercase(&a.name, &b.name))
    };
    let mut order: Vec<u32> = (0..ids.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| key_order(&ids[a as usize], &ids[b as usize]).then(a.cmp(&b)));
    // As `slice::sort_by_cached_key` applies its order: position `i`
    // takes the identity `order[i]`, followed to where earlier swaps moved
    // it.
    for i in 0..order.len() {
        let mut index = order[i];
        while (index as usize) < i {
            index = order[index as usize];
        }
        order[i] = index;
        ids.swap(i, index as usize);
    }
}

/// `a.to_lowercase().cmp(&b.to_lowercase())`, lowercasing as it compares
/// when both are ASCII (non-ASCII text lowercases by context: a final
/// sigma).
fn cmp_lowercase(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        a.to_lowercase().cmp(&b.to_lowercase())
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
    let pre_auth_index = PreAuthIndex::new(pre_auths, md);
    ids.par_iter_mut().zip(used).for_each(|(id, used)| {
        resolve_access(id, md);
        intrinsic_reasons(id, md);
        id.set_objects_used(used);
        let unknown = unknown_uses(id, &apps_with_unknown);
        if !unknown.is_empty() {
            *id.unknown_uses_mut() = unknown;
        }
        // Each one once (a hash of those held: a user several hundred
        // apps pre-authorize compared each with all before it).
        let mut held: HashSet<PreAuthorization> = id.pre_authorized_by.iter().cloned().collect();
        for i in pre_auth_index.candidates(id, md) {
            let pa = &pre_auths[i as usize];
            if reaches(pa, id, md) {
                let mut pa = pa.clone();
                if pa.via == PreAuthVia::ClientCredentialsUser {
                    pa.name = id.name.to_string();
                }
                if held.insert(pa.clone()) {
                    id.facts_mut().pre_authorized_by.push(pa);
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
        id.settle_other_reasons();
        // Most identities have one use (a username per environment),
        // pushed at its exact room (`push_held`); lists grown past four,
        // or with repeats dropped, keep no spare room through the rules
        // (3 MB of a 2,000-app monorepo's peak once).
        id.apps.shrink_to_fit();
    });
}
