//! Assembling every file's items into the inventory's `SalesforceMetadata`:
//! decomposed permission sets and External Client App families are merged
//! into one item each; a profile or permission set defined twice in one
//! project (in two package directories) is read once, the other copy
//! reported; so is a second user definition file of one username.

use std::collections::HashMap;
use std::path::Path;

use intguard_model::{
    profile_file_name, Diagnostic, ExternalClientApp, Location, MetadataProject, PermissionSet,
    SalesforceMetadata, UserDefinition,
};

use super::items::Item;
use super::types::{EcaPart, SettingsFacts};

/// Builds the metadata part of the inventory from every file's items, in
/// the walk's (sorted) order. Of a profile or permission set defined more
/// than once in a project, the first is kept and each other copy is a
/// `metadata-duplicate` warning in `diagnostics`.
pub(crate) fn assemble(
    projects: Vec<MetadataProject>,
    items: Vec<Item>,
    diagnostics: &mut Vec<Diagnostic>,
) -> SalesforceMetadata {
    let mut md = SalesforceMetadata::default();
    md.projects = projects;
    // (project, name) -> the profile kept.
    let mut profile_index: HashMap<(Option<usize>, String), usize> = HashMap::new();
    let mut sets: Vec<PermissionSet> = Vec::new();
    let mut set_index: HashMap<String, usize> = HashMap::new();
    let mut ecas: Vec<ExternalClientApp> = Vec::new();
    let mut eca_index: HashMap<String, usize> = HashMap::new();
    for item in items {
        match item {
            Item::Profile(p) => {
                // Lookups by name find one profile: a second copy would be
                // read for some rules and not for others.
                let key = (
                    project_of(&md.projects, &p.location.path),
                    profile_file_name(&p.name).to_ascii_lowercase(),
                );
                match profile_index.get(&key) {
                    // The copy `sf` deploys wins over one outside the
                    // package directories (a stale folder sorted first).
                    Some(&kept)
                        if deploy_rank(&md.projects, &p.location.path)
                            < deploy_rank(&md.projects, &md.profiles[kept].location.path) =>
                    {
                        let old = std::mem::replace(&mut md.profiles[kept], p);
                        diagnostics.push(duplicate(
                            &md.projects,
                            "profile",
                            &old.name,
                            &old.location,
                            &md.profiles[kept].location,
                        ));
                    }
                    Some(&kept) => diagnostics.push(duplicate(
                        &md.projects,
                        "profile",
                        &p.name,
                        &p.location,
                        &md.profiles[kept].location,
                    )),
                    None => {
                        profile_index.insert(key, md.profiles.len());
                        md.profiles.push(p);
                    }
                }
            }
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
            Item::UserDefinition(u) => {
                // One username is one user: a second definition with
                // another profile leaves which one the user has unknown,
                // and the identity takes the first.
                let first = md
                    .user_definitions
                    .iter()
                    .find(|d| d.username.eq_ignore_ascii_case(&u.username));
                if let Some(first) = first {
                    diagnostics.push(duplicate_user(first, &u));
                }
                md.user_definitions.push(u);
            }
        }
    }
    for ps in &mut sets {
        ps.user_permissions.sort_by(|a, b| a.name.cmp(&b.name));
        ps.user_permissions.dedup_by(|a, b| a.name == b.name);
    }
    // Decomposed sets are keyed by folder, plain ones by file: the same
    // set in two package directories is two sets until here. The copy
    // kept is the first of those `sf` deploys (in a package directory),
    // else the first read.
    let mut kept_sets: HashMap<(Option<usize>, String), usize> = HashMap::new();
    for (i, ps) in sets.iter().enumerate() {
        let key = (
            project_of(&md.projects, &ps.location.path),
            ps.name.to_ascii_lowercase(),
        );
        let rank = deploy_rank(&md.projects, &ps.location.path);
        kept_sets
            .entry(key)
            .and_modify(|kept| {
                if rank < deploy_rank(&md.projects, &sets[*kept].location.path) {
                    *kept = i;
                }
            })
            .or_insert(i);
    }
    let mut keep = Vec::with_capacity(sets.len());
    for (i, ps) in sets.iter().enumerate() {
        let key = (
            project_of(&md.projects, &ps.location.path),
            ps.name.to_ascii_lowercase(),
        );
        let kept = kept_sets.get(&key).copied().unwrap_or(i);
        if kept != i {
            diagnostics.push(duplicate(
                &md.projects,
                "permission set",
                &ps.name,
                &ps.location,
                &sets[kept].location,
            ));
        }
        keep.push(kept == i);
    }
    let mut keep = keep.into_iter();
    sets.retain(|_| keep.next().unwrap_or(true));
    md.permission_sets = sets;
    md.external_client_apps = ecas;
    md
}

/// The project holding the file at display path `path`: the one with the
/// deepest root above it (`None` for files outside every project).
fn project_of(projects: &[MetadataProject], path: &str) -> Option<usize> {
    projects
        .iter()
        .enumerate()
        .filter(|(_, p)| Path::new(path).starts_with(&p.root))
        .max_by_key(|(_, p)| p.root.len())
        .map(|(i, _)| i)
}

/// 0 for a file in an SFDX project's default package directory, 1 for its
/// next one, ...; `usize::MAX` for a file outside every package directory
/// of its project (`sf` deploys none of it) or outside every project. A
/// Metadata API project's files are all in its one folder.
fn deploy_rank(projects: &[MetadataProject], path: &str) -> usize {
    project_of(projects, path)
        .and_then(|i| {
            projects[i]
                .package_directories
                .iter()
                .position(|d| Path::new(path).starts_with(d))
        })
        .unwrap_or(usize::MAX)
}

/// The warning at a copy of `kind` `name` that is not read, naming the
/// file that is, and saying so when the copy is outside the project's
/// package directories.
fn duplicate(
    projects: &[MetadataProject],
    kind: &str,
    name: &str,
    ignored: &Location,
    kept: &Location,
) -> Diagnostic {
    let outside = if project_of(projects, &ignored.path).is_some()
        && deploy_rank(projects, &ignored.path) == usize::MAX
        && deploy_rank(projects, &kept.path) != usize::MAX
    {
        " (this copy is outside the package directories of sfdx-project.json, which `sf project deploy` does not deploy)"
    } else {
        ""
    };
    let d = Diagnostic::warning(
        "metadata-duplicate",
        ignored.path.as_str(),
        format!(
            "{kind} `{name}` is defined more than once in this project: this file is ignored, {} is read{outside}",
            kept.path
        ),
    );
    if ignored.line == 0 {
        d
    } else {
        d.at(ignored.line, ignored.column)
    }
}

/// The warning at a second user definition file of one username.
fn duplicate_user(first: &UserDefinition, again: &UserDefinition) -> Diagnostic {
    let profile = |d: &UserDefinition| {
        d.profile_name
            .as_deref()
            .map_or("no profile".to_string(), |p| format!("profile {p}"))
    };
    let conflict = if first.profile_name.as_deref().map(str::trim)
        == again.profile_name.as_deref().map(str::trim)
    {
        String::new()
    } else {
        format!(
            "; it gives {}, the first {}: intguard judges the user with the first, so say which one the org has by deleting the other file",
            profile(again),
            profile(first)
        )
    };
    Diagnostic::warning(
        "metadata-duplicate",
        again.location.path.as_str(),
        format!(
            "user `{}` is defined again here (first at {}:{}): one username is one user of an org{conflict}",
            again.username, first.location.path, first.location.line
        ),
    )
    .at(again.location.line, again.location.column)
}
