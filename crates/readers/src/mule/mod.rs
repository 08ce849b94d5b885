//! Mule applications: finding their roots and assembling what their files
//! say into a [`MuleApp`].

pub(crate) mod dataweave;
pub(crate) mod descriptor;
pub(crate) mod record_fields;
pub(crate) mod xml;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use intguard_model::{
    HttpRequestOperation, Location, MisnamedPropertyFile, Misnaming, MuleApp, MuleRuntime,
    PropertyFile,
};

use crate::discover::display_path;
use crate::properties::environments::{
    declared_patterns, match_file, match_file_folding_case, match_file_other_extension,
    ImportPattern,
};
use xml::MuleXmlFacts;

/// An app root found on disk, before its files are read.
#[derive(Debug, Clone)]
pub(crate) struct AppRoot {
    pub dir: PathBuf,
    pub display: String,
    pub name: String,
    pub runtime: MuleRuntime,
    /// A domain project ([`MuleApp::domain`]).
    pub domain: bool,
    /// A Mule plugin project (its pom's packaging `mule-plugin`, as read
    /// while finding the apps).
    pub plugin: bool,
}

/// The descriptor files seen in one directory.
#[derive(Debug, Default)]
pub(crate) struct DirDescriptors {
    pub mule_artifact_json: bool,
    pub pom: Option<descriptor::PomInfo>,
    pub mule_project_name: Option<Option<String>>,
}

/// Decides which directories are app roots. Mule 4: `mule-artifact.json` or a
/// pom with packaging `mule-application` or `mule-plugin` (a plugin sharing
/// Mule configurations, read like an app); Mule 3: `mule-project.xml` or a
/// pom with packaging `mule` (a Maven build needs no Studio project file). A
/// domain project (pom packaging `mule-domain`, or a Mule 3 project with a
/// `src/main/domain/mule-domain-config.xml`) is read as an app too: its
/// shared configurations hold credentials like an app's. It is Mule 4's
/// when it has a `mule-artifact.json` or keeps its configurations in Mule
/// 4's `src/main/mule/` (Mule 3's domains use `src/main/domain/`), else
/// Mule 3's.
pub(crate) fn app_roots(dirs: HashMap<PathBuf, DirDescriptors>) -> Vec<AppRoot> {
    let mut apps = Vec::new();
    for (dir, d) in dirs {
        // A Mule 3 Studio domain project built without Maven has no pom:
        // its `mule-domain-config.xml` in `src/main/domain/` says it.
        let domain = d.pom.as_ref().is_some_and(|p| p.is_mule_domain())
            || (d.mule_project_name.is_some()
                && dir.join("src/main/domain/mule-domain-config.xml").is_file());
        let mule4 = d.mule_artifact_json
            || d.pom
                .as_ref()
                .is_some_and(|p| p.is_mule_application() || p.is_mule_plugin())
            || (domain && dir.join("src/main/mule").is_dir());
        let mule3 = d.mule_project_name.is_some()
            || domain
            || d.pom.as_ref().is_some_and(|p| p.is_mule3_application());
        let runtime = if mule4 {
            MuleRuntime::Mule4
        } else if mule3 {
            MuleRuntime::Mule3
        } else {
            continue;
        };
        let name = d
            .pom
            .as_ref()
            .and_then(|p| p.artifact_id.clone())
            .or_else(|| d.mule_project_name.clone().flatten())
            .unwrap_or_else(|| folder_name(&dir));
        apps.push(AppRoot {
            display: display_path(&dir),
            dir,
            name,
            runtime,
            domain,
            plugin: d.pom.as_ref().is_some_and(|p| p.is_mule_plugin()),
        });
    }
    apps.sort_by(|a, b| a.display.cmp(&b.display));
    apps
}

fn folder_name(dir: &Path) -> String {
    let direct = dir
        .file_name()
        .map(|n| display_path(Path::new(n)))
        .filter(|n| !n.is_empty() && n != "." && n != "..");
    direct
        .or_else(|| {
            std::fs::canonicalize(dir)
                .ok()
                .and_then(|p| p.file_name().map(|n| display_path(Path::new(n))))
        })
        .unwrap_or_else(|| display_path(dir))
}

/// A property file candidate of an app, before imports are matched.
#[derive(Debug)]
pub(crate) struct PropertyCandidate {
    pub file: PropertyFile,
    /// Path relative to the resources folder, for matching imports.
    pub rel: String,
    /// Mule 3 `mule-app.properties`: always loaded.
    pub always_loaded: bool,
    /// A file of the MUnit test resources ([`MuleApp::test_property_files`]).
    pub test: bool,
}

/// What the files of one app contributed, in file order.
#[derive(Debug, Default)]
pub(crate) struct AppParts {
    pub xml: Vec<(String, MuleXmlFacts)>,
    pub properties: Vec<PropertyCandidate>,
    pub descriptor: Option<Location>,
    /// Shared with every app listing the same names ([`SecurePropertyLists`]).
    ///
    /// [`SecurePropertyLists`]: crate::pass::SecurePropertyLists
    pub declared_secure_properties: Option<std::sync::Arc<[String]>>,
    /// The domain the app names ([`MuleApp::domain_link`]).
    pub domain_link: Option<intguard_model::DomainLink>,
    /// [`MuleApp::plugin`].
    pub plugin: Option<intguard_model::PluginCoordinates>,
    /// The pom, when it says `mule-plugin`, for
    /// [`MuleApp::plugin_dependencies`] (see `FileOutput::pom_with_plugins`).
    pub pom_with_plugins: Option<Box<(String, String)>>,
    /// Whether the app's pom says `parent`, when the reading read it
    /// (see `FileOutput::pom_names_parent`).
    pub pom_names_parent: Option<bool>,
    /// [`MuleApp::deployment_properties`].
    pub deployment_properties: Vec<intguard_model::DeploymentProperty>,
    /// DataWeave scripts of `src/main/resources/` that may build a login:
    /// (path under it, text).
    pub payload_scripts: Vec<(String, String)>,
    /// The DataWeave scripts of `src/main/resources/`, with the fields of
    /// the records they build, for the Salesforce writes whose payload one
    /// sets.
    pub record_scripts: Vec<record_fields::RecordScript>,
    /// The any-text facts of the app's files, handed to the caller with the
    /// app.
    pub text_files: crate::WalkedText,
}

/// Gives each request whose payload script is a resource file
/// (`resource="dwl/login.dwl"`, or `classpath:dwl/login.dwl`) that script's
/// text as its payload, for the rules that read how it logs in.
fn payload_scripts(requests: &mut [HttpRequestOperation], scripts: &[(String, String)]) {
    for op in requests {
        let Some(resource) = op.payload_resource.as_deref() else {
            continue;
        };
        let wanted = resource
            .strip_prefix("classpath:")
            .unwrap_or(resource)
            .trim_start_matches('/');
        if let Some((_, text)) = scripts.iter().find(|(rel, _)| rel == wanted) {
            op.payload.get_or_insert_with(|| text.clone());
        }
    }
}

/// Gives each Salesforce write whose records a resource file builds
/// (`<ee:set-payload resource="dwl/x.dwl"/>`, or `classpath:dwl/x.dwl`)
/// the fields that script sets; one not found stays not known.
fn record_scripts(
    operations: &mut [intguard_model::SalesforceOperation],
    scripts: &[record_fields::RecordScript],
) {
    for op in operations {
        let Some(writes) = op.writes.as_deref_mut() else {
            continue;
        };
        let Some(resource) = writes.resource.take() else {
            continue;
        };
        let wanted = resource
            .strip_prefix("classpath:")
            .unwrap_or(&resource)
            .trim_start_matches('/');
        match scripts.iter().find(|(rel, _)| rel == wanted) {
            Some((_, Some(fields))) => {
                writes.unread = None;
                writes.fields = fields.clone();
            }
            Some((_, None)) => {
                writes.unread = Some(intguard_model::UnreadPayload::Expression);
            }
            None => writes.resource = Some(resource),
        }
    }
}

/// The loaded files' indexes in the order Mule looks a property up in them:
/// Mule 3's `mule-app.properties` (always loaded, matched by no import)
/// first, as the application's own properties, then each import's files in
/// the order of the pattern that matched them (`orders`, see
/// [`declared_patterns`]), in walk order where that is the same.
fn lookup_order(files: &[PropertyFile], orders: &[Option<u32>]) -> Vec<u32> {
    let mut loaded: Vec<(u32, u32)> = files
        .iter()
        .zip(orders)
        .enumerate()
        .filter(|(_, (f, _))| f.loaded)
        .map(|(i, (_, order))| {
            let rank = order.map_or(0, |o| o.saturating_add(1));
            (rank, u32::try_from(i).unwrap_or(u32::MAX))
        })
        .collect();
    loaded.sort_unstable();
    loaded.into_iter().map(|(_, i)| i).collect()
}

/// Builds the app from its parts: merges the XML facts, matches property files
/// to imports, and finds the environments.
pub(crate) fn assemble(root: &AppRoot, parts: AppParts) -> MuleApp {
    let mut app = MuleApp::new(root.name.clone(), root.display.clone(), root.runtime);
    app.domain = root.domain;
    app.descriptor = parts.descriptor;
    app.declared_secure_properties = parts.declared_secure_properties;
    // A domain is deployed in no other domain.
    app.domain_link = parts.domain_link.filter(|_| !root.domain).map(Box::new);
    app.deployment_properties = parts.deployment_properties.into();
    app.plugin = parts.plugin.map(Box::new);
    let mut imports = Vec::new();
    let mut handoffs = Vec::new();
    let mut forwards = Vec::new();
    for (path, f) in parts.xml {
        if f.spring_beans {
            app.spring_bean_files.push(path);
        } else {
            app.xml_files.push(path);
        }
        app.salesforce_connections.extend(f.salesforce_connections);
        app.secure_property_configs
            .extend(f.secure_property_configs);
        app.property_imports.extend(f.property_imports);
        imports.extend(f.config_imports);
        app.global_properties.extend(f.global_properties);
        app.tls_contexts.extend(f.tls_contexts);
        app.key_loaders.extend(f.key_loaders);
        app.http_listeners.extend(f.http_listeners);
        app.http_transport_endpoints
            .extend(f.http_transport_endpoints);
        app.transport_connectors.extend(f.transport_connectors);
        app.http_requests.extend(f.http_requests);
        app.http_request_operations
            .extend(f.http_request_operations);
        app.unsent_payload_credentials
            .extend(f.unsent_payload_credentials);
        handoffs.extend(f.payload_handoffs);
        forwards.extend(f.payload_forwards);
        app.secret_attributes.extend(f.secret_attributes);
        app.url_attributes.extend(f.url_attributes);
        app.operations.extend(f.operations);
    }
    xml::settle_body_mode(
        &mut app.http_request_operations,
        &app.http_requests,
        &mut app.unsent_payload_credentials,
    );
    xml::follow_flow_refs(
        &mut app.http_request_operations,
        handoffs,
        &forwards,
        &mut app.unsent_payload_credentials,
    );
    payload_scripts(&mut app.http_request_operations, &parts.payload_scripts);
    record_scripts(&mut app.operations, &parts.record_scripts);
    app.note_foreign_connection_refs();
    // Mule 4 `<import file>`s of files the app does not hold: a plugin's.
    if root.runtime == MuleRuntime::Mule4 {
        imports.retain(|i: &intguard_model::ConfigImport| {
            let rel = i.relative_path();
            !rel.is_empty()
                && !app
                    .xml_files
                    .iter()
                    .any(|f| intguard_model::is_mule_config_path(f, &rel))
        });
        app.config_imports = imports.into();
        if !app.config_imports.is_empty() {
            if let Some(pom) = &parts.pom_with_plugins {
                app.plugin_dependencies =
                    descriptor::located_plugin_dependencies(&pom.1, &pom.0).into();
            }
        }
    }
    // A Mule 4 app whose own pom names no domain may inherit the dependency
    // from a parent pom; looked for (two small reads) only when the app has
    // Salesforce connections or uses one it does not define, and its pom,
    // when the reading read it, says `parent`.
    if app.domain_link.is_none()
        && !root.domain
        && root.runtime == MuleRuntime::Mule4
        && parts.pom_names_parent != Some(false)
        && (!app.foreign_connection_refs.is_empty() || !app.salesforce_connections.is_empty())
    {
        app.domain_link = descriptor::inherited_domain_link(&root.dir, &root.display).map(Box::new);
    }
    // First the files every environment loads (Mule 3's mule-app.properties,
    // imports without placeholders): with the global-properties they give
    // the other placeholders of an import their values
    // (`${app.name}-${mule.env}.yaml`) before it is matched.
    let literal: Vec<ImportPattern> = declared_patterns(&app)
        .into_iter()
        .filter(ImportPattern::is_literal)
        .collect();
    // Paths to match, `None` for Mule 3's mule-app.properties (always loaded).
    let mut rels = Vec::new();
    // Each loaded file's lookup order (see `lookup_order`).
    let mut orders = Vec::new();
    for cand in parts.properties {
        if cand.test {
            app.test_property_files.push(cand.file);
            continue;
        }
        let mut file = cand.file;
        file.loaded = cand.always_loaded;
        let rel = (!cand.always_loaded).then_some(cand.rel);
        let mut order = None;
        if let Some(m) = rel.as_deref().and_then(|r| match_file(r, &literal)) {
            file.loaded = true;
            file.secure = m.secure;
            file.plain_too = m.plain_too;
            order = Some(m.order);
        }
        rels.push(rel);
        orders.push(order);
        app.property_files.push(file);
    }
    // The literal imports' files in order: `declared_patterns` resolves the
    // other imports' placeholders through them, as Mule does at startup.
    app.property_order = lookup_order(&app.property_files, &orders).into();
    let pats = declared_patterns(&app);
    let mut envs = BTreeSet::new();
    let mut env_placeholders = BTreeSet::new();
    // What each pattern loads, by (pattern order, environment).
    let mut found = BTreeSet::new();
    let mut misspelt_files = Vec::new();
    for (i, ((file, rel), order)) in app
        .property_files
        .iter_mut()
        .zip(rels)
        .zip(&mut orders)
        .enumerate()
    {
        // Named by an import but for its letter case: not loaded by it,
        // nor taken for an environment's by a less specific pattern.
        let misspelt = rel
            .as_deref()
            .and_then(|r| match_file_folding_case(r, &pats));
        if let Some(m) = misspelt {
            if !file.loaded {
                misspelt_files.push((i, m, Misnaming::LetterCase));
            }
        } else if let Some(m) = rel.as_deref().and_then(|r| match_file(r, &pats)) {
            file.loaded = true;
            file.secure = m.secure;
            file.plain_too = m.plain_too;
            *order = Some(m.order);
            if let (Some(env), Some(name)) = (&m.environment, m.placeholder) {
                env_placeholders.insert((env.clone(), name));
            }
            found.insert((m.order, m.environment.clone()));
            file.environment = m.environment;
        } else if file.loaded {
            found.extend(order.map(|o| (o, file.environment.clone())));
        } else if let Some(m) = rel
            .as_deref()
            .and_then(|r| match_file_other_extension(r, &pats))
        {
            // Named by an import but for its extension: never loaded.
            misspelt_files.push((i, m, Misnaming::Extension));
        }
        if let Some(env) = &file.environment {
            envs.insert(env.clone());
        }
    }
    app.default_environment = ["mule.env", "env"].iter().find_map(|n| {
        app.global_properties
            .iter()
            .find(|g| g.name == *n)
            .map(|g| g.value.raw.clone())
    });
    // A file an import names but for its letter case or extension, unless
    // the import loads a file of that name (and environment) as spelt. When
    // the environment's capture is all the pattern spells but for the
    // extension (`${mule.env}.yaml`), only for an environment the app has
    // (a file spelt as an import names it, its default `mule.env`, or the
    // value the placeholder is given in a file every environment loads or
    // in a pom deployment's `<properties>`): another file at the resources
    // root (`log-settings.yml`) is not meant for it.
    let set_elsewhere = |placeholder: &str, env: &str| {
        app.property_files
            .iter()
            .filter(|f| f.loaded && f.environment.is_none())
            .flat_map(|f| &f.entries)
            .any(|e| e.key() == placeholder && e.value().trim() == env)
            || app
                .deployment_properties
                .iter()
                .any(|p| p.name == placeholder && p.value.trim() == env)
    };
    for (i, m, misnaming) in misspelt_files {
        let (Some(import), Some(file)) = (
            app.property_imports.get(m.import),
            app.property_files.get(i),
        ) else {
            continue;
        };
        if found.contains(&(m.order, m.environment.clone())) {
            continue;
        }
        let present = |env: &String| {
            envs.contains(env)
                || app.default_environment.as_ref() == Some(env)
                || m.placeholder
                    .as_deref()
                    .is_some_and(|p| set_elsewhere(p, env))
        };
        if !m.pinned && !m.environment.as_ref().is_none_or(present) {
            continue;
        }
        app.misnamed_property_files.push(MisnamedPropertyFile {
            path: file.path.to_string(),
            element: import.element.clone(),
            import: import.file.clone(),
            misnaming,
        });
    }
    // Every loaded file in order, now that all imports are matched.
    app.property_order = lookup_order(&app.property_files, &orders).into();
    // Environments a login's nested name selects among the keys.
    for (env, name) in crate::properties::keyed_environments::keyed_environments(&app) {
        envs.insert(env.clone());
        env_placeholders.insert((env, name));
    }
    app.environments = envs.into_iter().collect();
    app.environment_placeholders = env_placeholders.into_iter().collect();
    app
}
