//! Mule plugins sharing configurations: a Mule 4 project with pom packaging
//! `mule-plugin` whose `src/main/mule/*.xml` holds global configurations
//! that apps depend on (a pom `<dependency>` with classifier `mule-plugin`)
//! and `<import file="..."/>`. At runtime an imported connection's
//! placeholders resolve through the importing app's properties, so the
//! app logs in as whatever user its own property files name.

use serde::Serialize;

use super::MuleApp;
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

    /// The app imports the plugin file at `path` (a connection's file).
    pub fn imports_plugin_file(&self, plugin: &MuleApp, path: &str) -> bool {
        self.config_imports
            .iter()
            .any(|i| self.imported_plugin_file(plugin, i) == Some(path))
    }
}

impl Inventory {
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
                            "{} imports `{}`, which is not found in the scan: {of}. The configurations it defines (a Salesforce connection's user, IG303) are not linked to the app; scan the plugin project with it",
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
