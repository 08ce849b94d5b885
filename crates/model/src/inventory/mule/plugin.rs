//! Mule plugins sharing configurations: a Mule 4 project with pom packaging
//! `mule-plugin` whose `src/main/mule/*.xml` holds global configurations
//! that apps depend on (a pom `<dependency>` with classifier `mule-plugin`)
//! and `<import file="..."/>`. At runtime an imported connection's
//! placeholders resolve through the importing app's properties, so the
//! app logs in as whatever user its own property files name.

use serde::Serialize;

use super::{MuleApp, SalesforceConnection};
use crate::finding::Diagnostic;
use crate::inventory::Inventory;
use crate::location::Location;

/// A Mule plugin project's Maven coordinates (its pom's `groupId`, or its
/// parent's, and `artifactId`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PluginCoordinates {
    pub group_id: Option<String>,
    pub artifact_id: String,
}

/// An app's pom `<dependency>` with `<classifier>mule-plugin</classifier>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PluginDependency {
    pub group_id: Option<String>,
    pub artifact_id: String,
    /// The dependency's `<artifactId>`.
    pub location: Location,
}

/// A Mule 4 `<import file="..."/>` of a configuration file the app itself
/// does not hold: a plugin's (or a library's the scan may not read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigImport {
    /// As written, relative to the plugin's `src/main/mule/`.
    pub file: String,
    pub location: Location,
}

impl ConfigImport {
    /// The import's path under `src/main/mule/` (`classpath:` and leading
    /// `/` taken off, `\` as `/`).
    pub fn relative_path(&self) -> String {
        let f = self.file.trim();
        f.strip_prefix("classpath:")
            .unwrap_or(f)
            .replace('\\', "/")
            .trim_start_matches("./")
            .trim_start_matches('/')
            .to_string()
    }
}

impl PluginDependency {
    /// The dependency names the plugin: same artifactId, and same groupId
    /// when both are known.
    pub fn names(&self, plugin: &PluginCoordinates) -> bool {
        self.artifact_id == plugin.artifact_id
            && match (&self.group_id, &plugin.group_id) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

/// `path` (a display path) is `src/main/mule/<rel>` of its project.
pub fn is_mule_config_path(path: &str, rel: &str) -> bool {
    let want = format!("src/main/mule/{rel}");
    path == want || path.ends_with(&format!("/{want}"))
}

impl MuleApp {
    /// The plugin file an import of this app names, when `plugin` is a
    /// Mule plugin the app depends on and holds the file.
    pub fn imported_plugin_file<'p>(
        &self,
        plugin: &'p MuleApp,
        import: &ConfigImport,
    ) -> Option<&'p str> {
        let coordinates = plugin.plugin.as_ref()?;
        if !self
            .plugin_dependencies
            .iter()
            .any(|d| d.names(coordinates))
        {
            return None;
        }
        let rel = import.relative_path();
        plugin
            .xml_files
            .iter()
            .find(|f| is_mule_config_path(f, &rel))
            .map(String::as_str)
    }

    /// The Salesforce connections whose settings the app's properties
    /// resolve: its own, then those the Mule plugins whose files it
    /// imports lend it (while lent: [`PluginLoan`]), each with its plugin's
    /// name.
    pub fn resolved_salesforce_connections(
        &self,
    ) -> impl Iterator<Item = (&SalesforceConnection, Option<&str>)> {
        let lent = self
            .plugin_loan
            .as_deref()
            .map(|l| l.salesforce_connections.as_slice())
            .unwrap_or_default();
        self.salesforce_connections
            .iter()
            .map(|c| (c, None))
            .chain(lent.iter().map(|(p, c)| (c, Some(p.as_str()))))
    }

    /// The Mule plugin whose file at `path` the app is lent while the Scan
    /// rules run ([`Inventory::lend_plugin_configurations`]): a lent
    /// configuration's (a secure-properties config's, a TLS context's)
    /// plugin, by its location's path.
    pub fn lending_plugin(&self, path: &str) -> Option<&str> {
        self.plugin_loan
            .as_deref()?
            .files
            .iter()
            .find(|(_, f)| f == path)
            .map(|(p, _)| p.as_str())
    }

    /// The first `<import>` of the app whose file no Mule plugin lends it
    /// (while lent, [`Inventory::lend_plugin_configurations`]; else the
    /// first import): a file the reading did not hold, which may declare
    /// configurations (a `<secure-properties:config>`) the app runs with.
    pub fn unread_config_import(&self) -> Option<&ConfigImport> {
        let lent = self
            .plugin_loan
            .as_deref()
            .map(|l| l.files.as_slice())
            .unwrap_or_default();
        self.config_imports.iter().find(|i| {
            let rel = i.relative_path();
            !lent.iter().any(|(_, f)| is_mule_config_path(f, &rel))
        })
    }

    /// The app imports the plugin file at `path` (a connection's file).
    pub fn imports_plugin_file(&self, plugin: &MuleApp, path: &str) -> bool {
        self.config_imports
            .iter()
            .any(|i| self.imported_plugin_file(plugin, i) == Some(path))
    }
}

/// The app's property files that only a secure-properties config lent by
/// a plugin reads (`file="properties/${mule.env}-secure.yaml"` of the
/// plugin, the files the app's own resources hold) are loaded as secure
/// files, of the environment the config's pattern names: the app's
/// `${secure::...}` and `![...]` values are read through them as Mule
/// does. What they were before is kept in `loan`.
fn read_by_lent_configs(app: &mut MuleApp, loan: &mut PluginLoan) {
    let lent_from = loan.own[0];
    if app.secure_property_configs.len() == lent_from {
        return;
    }
    let mut changed: Vec<(usize, Option<String>)> = Vec::new();
    for (i, file) in app.property_files.iter().enumerate() {
        if file.secure {
            continue;
        }
        let Some(config) = app.secure_config_for(file) else {
            continue;
        };
        let lent = app.secure_property_configs[lent_from..]
            .iter()
            .any(|c| std::ptr::eq(c, config));
        if lent {
            changed.push((i, lent_environment(app, config, &file.path)));
        }
    }
    if changed.is_empty() {
        return;
    }
    loan.environments_and_order_before = Some((app.environments.clone(), app.property_order.len()));
    for (i, environment) in changed {
        let f = &mut app.property_files[i];
        loan.files_before
            .push((i, f.secure, f.loaded, f.environment.clone()));
        f.secure = true;
        // Loaded by the app's own plain import before: read both ways now.
        f.plain_too = f.loaded;
        f.loaded = true;
        if environment.is_some() {
            f.environment = environment;
        }
        if !app.property_order.is_empty() && !app.property_order.contains(&(i as u32)) {
            app.property_order.push(i as u32);
        }
    }
    let mut envs: Vec<String> = app
        .property_files
        .iter()
        .filter_map(|f| f.environment.clone())
        .collect();
    envs.sort_unstable();
    envs.dedup();
    app.environments = envs.into();
}

/// The environment a lent config's `file` pattern names for the file at
/// `path` (`properties/${mule.env}-secure.yaml` reading
/// `.../src/main/resources/properties/dev-secure.yaml`: `dev`), when its
/// one placeholder is an environment's.
fn lent_environment(
    app: &MuleApp,
    config: &super::SecurePropertiesConfig,
    path: &str,
) -> Option<String> {
    let rel = path.rsplit_once("src/main/resources/")?.1;
    let raw = config.file.as_ref()?.raw.split(',').next()?.trim();
    let raw = raw
        .strip_prefix("classpath*:")
        .or_else(|| raw.strip_prefix("classpath:"))
        .unwrap_or(raw)
        .trim_start_matches('/');
    let pattern = app.file_pattern_at_startup(raw);
    let refs = crate::expr::placeholders(&pattern);
    let [p] = refs.as_slice() else {
        return None;
    };
    if !crate::inventory::is_environment_placeholder(&p.name) {
        return None;
    }
    let middle = rel
        .strip_prefix(&pattern[..p.start])?
        .strip_suffix(&pattern[p.end..])?;
    (!middle.is_empty() && !middle.contains('/')).then(|| middle.to_string())
}

/// What one plugin lends one app, appended to the app's lists.
struct LentFacts {
    secure_property_configs: Vec<super::SecurePropertiesConfig>,
    tls_contexts: Vec<super::TlsContext>,
    http_requests: Vec<super::HttpRequester>,
    http_listeners: Vec<super::HttpListener>,
}

/// What the files of Mule plugins an app imports lend it while the Scan
/// rules run ([`Inventory::lend_plugin_configurations`]).
#[derive(Debug, Clone, Default)]
pub struct PluginLoan {
    /// The plugins' Salesforce connections in those files, each with its
    /// plugin's name: their TLS and URLs are judged for the app, resolved
    /// in its own properties. Kept out of the app's `salesforce_connections`:
    /// who the app runs as is [`Inventory::connection_uses`]'.
    pub salesforce_connections: Vec<(String, SalesforceConnection)>,
    /// The plugin files lent, each with its plugin's name (plugin, path):
    /// what a finding at a lent configuration says it belongs to
    /// ([`MuleApp::lending_plugin`]).
    pub files: Vec<(String, String)>,
    /// How many secure-properties configs, TLS contexts, HTTP requesters
    /// and listeners of the app's own come before the lent ones, appended
    /// to its lists while lent.
    own: [usize; 4],
    /// The app's property files a lent secure-properties config reads,
    /// with what they were before (index, secure, loaded, environment).
    files_before: Vec<(usize, bool, bool, Option<String>)>,
    /// The app's environments and the length of its lookup order before,
    /// when such files changed them.
    environments_and_order_before: Option<(thin_vec::ThinVec<String>, usize)>,
}

impl Inventory {
    /// A Mule plugin's configurations run inside each app importing their
    /// file, their `${...}` resolved in the app's properties: its
    /// `<secure-properties:config>` decrypts the app's `![...]` values with
    /// the key the app's properties give (IG103, IG104), its TLS contexts
    /// load the key stores the app's properties name (IG105, IG112), its
    /// Salesforce connections call the URLs the app's properties set
    /// (IG206). Each app importing a plugin's file is lent the file's
    /// secure-properties configs, TLS contexts and HTTP configs with a TLS
    /// context (appended to its own lists) and its Salesforce connections
    /// ([`PluginLoan`]), for the identity graph and the Scan rules;
    /// [`Inventory::return_plugin_configurations`] takes them back.
    pub fn lend_plugin_configurations(&mut self) {
        let mut loans: Vec<(usize, PluginLoan, Vec<LentFacts>)> = Vec::new();
        for (i, app) in self.apps.iter().enumerate() {
            if app.config_imports.is_empty() || app.plugin_loan.is_some() {
                continue;
            }
            let mut loan = PluginLoan {
                own: [
                    app.secure_property_configs.len(),
                    app.tls_contexts.len(),
                    app.http_requests.len(),
                    app.http_listeners.len(),
                ],
                ..PluginLoan::default()
            };
            let mut facts = Vec::new();
            for plugin in self.apps.iter().filter(|p| p.plugin.is_some()) {
                let mut files: Vec<&str> = app
                    .config_imports
                    .iter()
                    .filter_map(|i| app.imported_plugin_file(plugin, i))
                    .collect();
                files.sort_unstable();
                files.dedup();
                if files.is_empty() || std::ptr::eq(plugin, app) {
                    continue;
                }
                let lent = |path: &str| files.contains(&path);
                loan.files
                    .extend(files.iter().map(|f| (plugin.name.clone(), f.to_string())));
                loan.salesforce_connections.extend(
                    plugin
                        .salesforce_connections
                        .iter()
                        .filter(|c| lent(&c.location.path))
                        .map(|c| (plugin.name.clone(), c.clone())),
                );
                facts.push(LentFacts {
                    secure_property_configs: plugin
                        .secure_property_configs
                        .iter()
                        .filter(|c| lent(&c.location.path))
                        .cloned()
                        .collect(),
                    tls_contexts: plugin
                        .tls_contexts
                        .iter()
                        .filter(|c| lent(&c.location.path))
                        .cloned()
                        .collect(),
                    http_requests: plugin
                        .http_requests
                        .iter()
                        .filter(|r| r.tls_context.is_some() && lent(&r.location.path))
                        .cloned()
                        .collect(),
                    http_listeners: plugin
                        .http_listeners
                        .iter()
                        .filter(|l| l.tls_context.is_some() && lent(&l.location.path))
                        .cloned()
                        .collect(),
                });
            }
            if !facts.is_empty() {
                loans.push((i, loan, facts));
            }
        }
        for (i, mut loan, facts) in loans {
            let app = &mut self.apps[i];
            for f in facts {
                app.secure_property_configs
                    .extend(f.secure_property_configs);
                app.tls_contexts.extend(f.tls_contexts);
                app.http_requests.extend(f.http_requests);
                app.http_listeners.extend(f.http_listeners);
            }
            read_by_lent_configs(app, &mut loan);
            app.plugin_loan = Some(Box::new(loan));
        }
    }

    /// Takes back what [`Inventory::lend_plugin_configurations`] lent.
    pub fn return_plugin_configurations(&mut self) {
        for app in &mut self.apps {
            let Some(loan) = app.plugin_loan.take() else {
                continue;
            };
            let [configs, contexts, requests, listeners] = loan.own;
            for (i, secure, loaded, environment) in loan.files_before {
                if let Some(f) = app.property_files.get_mut(i) {
                    (f.secure, f.loaded, f.environment) = (secure, loaded, environment);
                    f.plain_too = false;
                }
            }
            // Restored whenever they were changed, an app that had no
            // environment (and an empty lookup order) included.
            if let Some((environments, order)) = loan.environments_and_order_before {
                app.environments = environments;
                app.property_order.truncate(order);
            }
            app.secure_property_configs.truncate(configs);
            app.tls_contexts.truncate(contexts);
            app.http_requests.truncate(requests);
            app.http_listeners.truncate(listeners);
        }
    }

    /// The apps of the scan importing the plugin's file at `path`, in scan
    /// order.
    pub fn plugin_file_importers<'a>(&'a self, plugin: &MuleApp, path: &str) -> Vec<&'a MuleApp> {
        if plugin.plugin.is_none() {
            return Vec::new();
        }
        self.apps
            .iter()
            .filter(|a| !std::ptr::eq(*a, plugin) && a.imports_plugin_file(plugin, path))
            .collect()
    }

    /// One `import-not-found` warning per `<import>` whose file no Mule
    /// plugin of the scan the app depends on holds: the connections it
    /// defines are not linked to the app (who it runs as, IG303).
    pub fn import_not_found_warnings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for app in &self.apps {
            for import in &app.config_imports {
                if self
                    .apps
                    .iter()
                    .any(|p| app.imported_plugin_file(p, import).is_some())
                {
                    continue;
                }
                let deps: Vec<&str> = app
                    .plugin_dependencies
                    .iter()
                    .map(|d| d.artifact_id.as_str())
                    .collect();
                let of = if deps.is_empty() {
                    "the app depends on no Mule plugin (pom classifier `mule-plugin`)".to_string()
                } else {
                    format!(
                        "no Mule plugin it depends on ({}) holds it under src/main/mule/ among the paths read",
                        deps.join(", ")
                    )
                };
                out.push(
                    Diagnostic::warning(
                        "import-not-found",
                        import.location.path.as_str(),
                        format!(
                            "{} imports `{}`, which is not found in the scan: {of}. The configurations it defines (a Salesforce connection's user, IG303; a secure-properties config that decrypts the app's values, IG104; TLS contexts loading the app's key stores, IG105, IG112, IG206) are not linked to the app; scan the plugin project with it",
                            app.name, import.file
                        ),
                    )
                    .at(import.location.line, import.location.column),
                );
            }
        }
        out
    }
}
