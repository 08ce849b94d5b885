//! Assembling every file's items into the inventory's `SalesforceMetadata`:
//! decomposed permission sets and External Client App families are merged
//! into one item each.

use std::collections::HashMap;

use intguard_model::{ExternalClientApp, MetadataProject, PermissionSet, SalesforceMetadata};

use super::items::Item;
use super::types::{EcaPart, SettingsFacts};

/// Builds the metadata part of the inventory from every file's items, in
/// the walk's (sorted) order.
pub(crate) fn assemble(projects: Vec<MetadataProject>, items: Vec<Item>) -> SalesforceMetadata {
    let mut md = SalesforceMetadata {
        projects,
        ..SalesforceMetadata::default()
    };
    let mut sets: Vec<PermissionSet> = Vec::new();
    let mut set_index: HashMap<String, usize> = HashMap::new();
    let mut ecas: Vec<ExternalClientApp> = Vec::new();
    let mut eca_index: HashMap<String, usize> = HashMap::new();
    for item in items {
        match item {
            Item::Profile(p) => md.profiles.push(p),
            Item::PermissionSetPart {
                set,
                key,
                facts,
                file,
                location,
                main,
                decomposed,
            } => {
                let i = *set_index.entry(key).or_insert_with(|| {
                    sets.push(PermissionSet {
                        name: set.clone(),
                        label: None,
                        license: None,
                        description: None,
                        user_permissions: Vec::new(),
                        object_permissions: Vec::new(),
                        location: location.clone(),
                        decomposed,
                        files: Vec::new(),
                    });
                    sets.len() - 1
                });
                let ps = &mut sets[i];
                if main {
                    ps.location = location;
                    ps.label = facts.label.or(ps.label.take());
                    ps.license = facts.license.or(ps.license.take());
                    ps.description = facts.description.or(ps.description.take());
                }
                ps.files.push(file);
                ps.user_permissions.extend(facts.user_permissions);
                ps.object_permissions.extend(facts.object_permissions);
            }
            Item::Muting(m) => md.muting_permission_sets.push(m),
            Item::Group(g) => md.permission_set_groups.push(g),
            Item::ConnectedApp(a) => md.connected_apps.push(a),
            Item::Eca {
                key,
                name,
                file,
                part,
            } => {
                let i = *eca_index.entry(key).or_insert_with(|| {
                    ecas.push(ExternalClientApp {
                        name: name.clone(),
                        ..ExternalClientApp::default()
                    });
                    ecas.len() - 1
                });
                let app = &mut ecas[i];
                app.files.push(file);
                match part {
                    EcaPart::App {
                        label,
                        contact_email,
                        distribution_state,
                        location,
                    } => {
                        app.name = name;
                        app.label = label;
                        app.contact_email = contact_email;
                        app.distribution_state = distribution_state;
                        app.location = Some(location);
                    }
                    EcaPart::Oauth(o) => app.oauth_settings = Some(o),
                    EcaPart::Global(g) => app.global_oauth = Some(g),
                    EcaPart::OauthPolicies(p) => app.oauth_policies = Some(p),
                    EcaPart::Policies(p) => app.policies = Some(p),
                }
            }
            Item::Settings(SettingsFacts::Security(s)) => md.security_settings.push(s),
            Item::Settings(SettingsFacts::ConnectedApp(s)) => md.connected_app_settings.push(s),
            Item::Settings(SettingsFacts::OauthOidc(s)) => md.oauth_oidc_settings.push(s),
            Item::PasswordPolicy(p) => md.profile_password_policies.push(p),
            Item::SessionSetting(p) => md.profile_session_settings.push(p),
            Item::UserDefinition(u) => md.user_definitions.push(u),
        }
    }
    for ps in &mut sets {
        ps.user_permissions.sort_by(|a, b| a.name.cmp(&b.name));
        ps.user_permissions.dedup_by(|a, b| a.name == b.name);
    }
    md.permission_sets = sets;
    md.external_client_apps = ecas;
    md
}
