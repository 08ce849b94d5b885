//! Pre-authorizations: the profiles, permission sets and run-as users that
//! connected apps and External Client Apps admit, and whom they reach.

use crate::inventory::graph::{IntegrationIdentity, OAuthAppKind, PreAuthVia, PreAuthorization};
use crate::inventory::salesforce::{
    profile_key, same_profile, set_key, Located, SalesforceMetadata,
};

/// Every pre-authorization an org's apps make (not yet tied to identities).
pub(super) fn all_pre_authorizations(md: &SalesforceMetadata) -> Vec<PreAuthorization> {
    let mut out = Vec::new();
    for app in &md.connected_apps {
        let Some(o) = &app.oauth else { continue };
        let grants = AppGrants {
            app: &app.name,
            kind: OAuthAppKind::ConnectedApp,
            admin_approved: app.is_admin_approved(),
            certificate: app.has_certificate(),
            client_credentials: app.client_credentials_enabled(),
        };
        grants.push(
            &mut out,
            &app.profile_names,
            &app.permission_set_names,
            o.client_credential_user.as_ref(),
        );
    }
    for app in &md.external_client_apps {
        let Some(p) = &app.oauth_policies else {
            continue;
        };
        let grants = AppGrants {
            app: &app.name,
            kind: OAuthAppKind::ExternalClientApp,
            admin_approved: app.is_admin_approved(),
            certificate: app.has_certificate(),
            client_credentials: app.client_credentials_enabled(),
        };
        grants.push(
            &mut out,
            &p.profiles,
            &p.permission_sets,
            p.client_credentials_flow_user.as_ref(),
        );
    }
    out
}

/// What every pre-authorization by one connected app or External Client App
/// shares.
struct AppGrants<'a> {
    app: &'a str,
    kind: OAuthAppKind,
    admin_approved: bool,
    certificate: bool,
    client_credentials: bool,
}

impl AppGrants<'_> {
    /// The app's pre-authorizations: its profiles, its permission sets, and
    /// its client credentials run-as user while that flow is enabled.
    fn push(
        &self,
        out: &mut Vec<PreAuthorization>,
        profiles: &[Located<String>],
        permission_sets: &[Located<String>],
        run_as: Option<&Located<String>>,
    ) {
        let run_as = run_as.filter(|_| self.client_credentials);
        let named = profiles
            .iter()
            .map(|p| (PreAuthVia::Profile, p))
            .chain(
                permission_sets
                    .iter()
                    .map(|p| (PreAuthVia::PermissionSet, p)),
            )
            .chain(run_as.map(|u| (PreAuthVia::ClientCredentialsUser, u)));
        out.extend(named.map(|(via, x)| PreAuthorization {
            app: self.app.to_string(),
            kind: self.kind,
            via,
            name: x.value.clone(),
            location: x.location.clone(),
            admin_approved: self.admin_approved,
            certificate: self.certificate,
            client_credentials: self.client_credentials,
        }));
    }
}

/// The pre-authorizations (of `all`, [`all_pre_authorizations`]) by apps
/// that machines use (certificate or client credentials).
pub(super) fn integration_app_grants(
    all: &[PreAuthorization],
) -> impl Iterator<Item = &PreAuthorization> {
    all.iter().filter(|p| p.certificate || p.client_credentials)
}

/// True when the pre-authorization applies to the identity.
pub(super) fn reaches(
    pa: &PreAuthorization,
    id: &IntegrationIdentity,
    md: &SalesforceMetadata,
) -> bool {
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

/// The pre-authorizations by what they name, so that each identity is
/// asked only about those that may reach it ([`PreAuthIndex::candidates`],
/// each then checked with [`reaches`]): asking every identity about every
/// one (500 connected apps of 21 each and 2,000 users: 21 million checks,
/// each looking its sets up by name) took 20 s.
pub(super) struct PreAuthIndex {
    by_key: std::collections::HashMap<(PreAuthVia, String), Vec<u32>>,
}

impl PreAuthIndex {
    /// Each of `all` under every name it reaches an identity by, as
    /// [`reaches`] compares them.
    pub(super) fn new(all: &[PreAuthorization], md: &SalesforceMetadata) -> Self {
        let mut by_key: std::collections::HashMap<(PreAuthVia, String), Vec<u32>> =
            Default::default();
        for (i, pa) in all.iter().enumerate() {
            let keys: Vec<String> = match pa.via {
                PreAuthVia::Profile => {
                    let mut keys = vec![profile_key(&pa.name)];
                    if let Some(x) = md.profile(&pa.name) {
                        keys.push(profile_key(&x.name));
                        keys.extend(x.label.as_deref().map(profile_key));
                    }
                    keys
                }
                PreAuthVia::PermissionSet => {
                    let mut keys = vec![set_key(&pa.name)];
                    keys.extend(md.permission_set(&pa.name).map(|ps| set_key(&ps.name)));
                    keys
                }
                PreAuthVia::ClientCredentialsUser => vec![pa.name.trim().to_ascii_lowercase()],
            };
            for key in keys {
                let list = by_key.entry((pa.via, key)).or_default();
                if list.last() != Some(&(i as u32)) {
                    list.push(i as u32);
                }
            }
        }
        PreAuthIndex { by_key }
    }

    /// The positions in `all` of the pre-authorizations that may reach
    /// `id`, in order: every one [`reaches`] accepts is among them.
    pub(super) fn candidates(&self, id: &IntegrationIdentity, md: &SalesforceMetadata) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        let mut add = |via: PreAuthVia, key: String| {
            if let Some(list) = self.by_key.get(&(via, key)) {
                out.extend_from_slice(list);
            }
        };
        if let Some(p) = &id.profile {
            add(PreAuthVia::Profile, profile_key(&p.name));
        }
        for a in &id.permission_sets {
            add(PreAuthVia::PermissionSet, set_key(&a.name));
        }
        for g in &id.permission_set_groups {
            if let Some(g) = md.permission_set_group(&g.name) {
                for s in &g.permission_sets {
                    add(PreAuthVia::PermissionSet, set_key(&s.value));
                }
            }
        }
        if let Some(u) = id.username.as_deref() {
            add(PreAuthVia::ClientCredentialsUser, u.to_ascii_lowercase());
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
