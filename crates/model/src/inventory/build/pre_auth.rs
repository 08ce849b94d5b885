//! Pre-authorizations: the profiles, permission sets and run-as users that
//! connected apps and External Client Apps admit, and whom they reach.

use crate::inventory::graph::{IntegrationIdentity, OAuthAppKind, PreAuthVia, PreAuthorization};
use crate::inventory::salesforce::{same_profile, SalesforceMetadata};
use crate::location::Location;

/// Every pre-authorization an org's apps make (not yet tied to identities).
pub(super) fn all_pre_authorizations(md: &SalesforceMetadata) -> Vec<PreAuthorization> {
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
pub(super) fn integration_app_grants(md: &SalesforceMetadata) -> Vec<PreAuthorization> {
    all_pre_authorizations(md)
        .into_iter()
        .filter(|p| p.certificate || p.client_credentials)
        .collect()
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
