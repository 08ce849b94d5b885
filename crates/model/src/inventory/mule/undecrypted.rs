//! An encrypted value (`![...]`) in a property file that only a plain
//! loader reads (Mule 4 `<configuration-properties>`, Mule 3
//! `<context:property-placeholder>`): Mule decrypts only what a
//! secure-properties configuration loads, so whatever reads the property
//! gets the text `![...]` itself (a login that fails, a key that is not
//! the key). No secret is exposed: it is a warning, with the way to load it.

use crate::finding::Diagnostic;
use crate::inventory::Inventory;

use super::{Misnaming, MuleApp, MuleRuntime};

impl Inventory {
    /// [`MuleApp::undecrypted_value_warnings`] of each app kept whole (a
    /// compact app's were given as it was read: [`MuleApp::scan_facts`]).
    pub fn undecrypted_value_warnings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for app in self.apps.iter().filter(|a| a.scan_facts.is_none()) {
            app.undecrypted_value_warnings(&mut out);
        }
        out
    }

    /// [`MuleApp::misnamed_property_file_warnings`] of each app kept whole
    /// (a compact app's were given as it was read).
    pub fn misnamed_property_file_warnings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for app in self.apps.iter().filter(|a| a.scan_facts.is_none()) {
            app.misnamed_property_file_warnings(&mut out);
        }
        out
    }
}

impl MuleApp {
    /// A `not-decrypted` warning at each `![...]` value of a loaded property
    /// file that no secure-properties configuration loads (test resources
    /// apart: their suites load them their own way). For an app importing a
    /// Mule plugin's files, once the plugin's configurations are lent (they
    /// make the files they read secure).
    pub fn undecrypted_value_warnings(&self, out: &mut Vec<Diagnostic>) {
        let app = self;
        for file in app.property_files.iter().filter(|f| f.loaded && !f.secure) {
            for e in &file.entries {
                let v = crate::trim::trim(e.value());
                if !(v.len() > 3 && v.starts_with("![") && v.ends_with(']')) {
                    continue;
                }
                let (loader, fix) = match app.runtime {
                    MuleRuntime::Mule4 => (
                        "<configuration-properties>",
                        format!(
                            "load the file with <secure-properties:config> and read it as ${{secure::{}}}",
                            e.key()
                        ),
                    ),
                    MuleRuntime::Mule3 => (
                        "<context:property-placeholder>",
                        "load the file with <secure-property-placeholder:config>".to_string(),
                    ),
                };
                let name = file.path.rsplit('/').next().unwrap_or(&file.path);
                out.push(
                    Diagnostic::warning(
                        "not-decrypted",
                        file.path.as_str(),
                        format!(
                            "{}: `{}` in {name} is encrypted (![...]) but only a plain {loader} loads the file: Mule does not decrypt it, so what reads the property gets the encrypted text; {fix}",
                            app.name,
                            e.key()
                        ),
                    )
                    .at(e.location.line, e.location.column),
                );
            }
        }
    }

    /// A warning at the import of each property file whose name differs
    /// from what the import names only in letter case (`Dev.yaml` for
    /// `dev.yaml`: `property-file-case`; Mule finds files by their exact
    /// name on Linux, CloudHub and in the deployed jar, so its properties
    /// are not loaded there, while Studio on Windows or macOS finds it) or
    /// only in its YAML extension (`config.yml` for `config.yaml`:
    /// `property-file-extension`; loaded nowhere).
    pub fn misnamed_property_file_warnings(&self, out: &mut Vec<Diagnostic>) {
        let app = self;
        for m in &app.misnamed_property_files {
            let at = &m.import.location;
            let (code, message) = match m.misnaming {
                Misnaming::LetterCase => (
                    "property-file-case",
                    format!(
                        "{}: `{}` is not loaded: <{}> names `{}`, which differs from it only in letter case, and Mule finds a property file by its exact name on Linux, CloudHub and in the deployed jar (Studio on Windows or macOS finds it), so what it defines is not resolved there; rename the file or fix the import so that both spell it alike",
                        app.name, m.path, m.element, m.import.raw
                    ),
                ),
                Misnaming::Extension => (
                    "property-file-extension",
                    format!(
                        "{}: `{}` is not loaded: <{}> names `{}`, which differs from it only in its extension (`.yaml` and `.yml` are not interchangeable), and Mule finds a property file by its exact name, so what it defines is resolved nowhere; rename the file or fix the import so that both spell it alike",
                        app.name, m.path, m.element, m.import.raw
                    ),
                ),
            };
            out.push(Diagnostic::warning(code, at.path.as_str(), message).at(at.line, at.column));
        }
    }
}
