//! Reading the Inventory for a scan: the paths given (each widened to its
//! Mule app when it lies inside one), each app's operations digested as it
//! is read, the unread queries noted and the identity graph built.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use intguard_model::{Diagnostic, Inventory, MuleApp, ReasonKind, TextFileFacts};
use intguard_readers::{read_paths_with, Discovered, ReadOptions};
use intguard_rules::scan_scope;

use crate::scan::{with_threads, ScanOptions};
use crate::timing::PhaseTimer;

/// Reads the paths into an Inventory with the config's identity mapping and
/// the identity graph built: what rules (and `intguard identities`) read.
pub fn read_inventory(options: &ScanOptions) -> Inventory {
    with_threads(options.threads, || read_inventory_here(options))
}

fn read_inventory_here(options: &ScanOptions) -> Inventory {
    read_inventory_with(options, &|_, _| {}, None)
}

/// [`read_inventory`], in the current pool, handing each app (its operations
/// digested) and its files' text facts to `after_app` as soon as it is read.
/// `store`: where `after_app` moves the compact apps' facts out of memory
/// (the identity graph reads their connections' back from it).
pub(crate) fn read_inventory_with(
    options: &ScanOptions,
    after_app: &(dyn Fn(&mut MuleApp, &mut Vec<TextFileFacts>) + Sync),
    store: Option<std::sync::Arc<dyn intguard_model::SecretStore>>,
) -> Inventory {
    let mut timer = PhaseTimer::start();
    let Widening {
        paths,
        notes,
        named_files,
    } = widen_to_apps(&options.paths);
    let read_options = ReadOptions {
        ignore_globs: options.config.paths.ignore.clone(),
        ignore_base: options.config.found_above.clone(),
        threads: options.threads,
        follow_symlinks: options.follow_symlinks,
        named_files,
        config_in_use: Some(options.config.source.as_ref().and_then(|source| {
            let used = std::fs::canonicalize(source).ok()?;
            Some((used, source.display().to_string()))
        })),
        // A scan of paths alone drops the apps' operations below when no
        // profile or permission set is found: what they write goes unread.
        written_fields_need_object_access: options.paths_only,
        ..ReadOptions::default()
    };
    // Each app's operations are digested as soon as it is read: their SOQL
    // text is most of an app's facts and nothing but the graph reads them.
    // Without object permissions to compare them with, they are dropped: on
    // a Mule-only monorepo the digest was a tenth of the scan.
    // A compact app's warnings, given as it is read (`app_pass_diagnostics`).
    let app_warnings = Mutex::new(Vec::<Diagnostic>::new());
    let mut inventory = read_paths_with(
        &paths,
        &read_options,
        &|app: &mut MuleApp, text_files: &mut Vec<TextFileFacts>, found: &Discovered| {
            if options.paths_only && !found.object_access_metadata {
                app.operations = intguard_model::ThinVec::new();
            } else {
                app.digest_operations();
            }
            app.digest_http_requests();
            // What the whole scan reads of its connections, worked out
            // once, with all its properties: whatever runs next (the App
            // rules and what a scan keeps, or the whole Inventory) reads it.
            app.scan_facts = scan_scope::app_scan_facts(app);
            // And the passwords committed for its key stores, which the
            // reading tries on the PKCS#12 files that need one once every
            // file is read.
            if app.scan_facts.is_some() {
                let passwords = intguard_readers::keystore_passwords(app);
                if let Some(facts) = app.scan_facts.as_deref_mut() {
                    facts.keystore_passwords = passwords;
                }
            }
            let mut warnings = Vec::new();
            scan_scope::app_pass_diagnostics(app, &mut warnings);
            if !warnings.is_empty() {
                app_warnings
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(warnings);
            }
            after_app(app, text_files);
        },
    );
    // The parsers' temporaries, freed on the pool's threads: given back
    // before the identities and the rules take memory of their own.
    crate::memory::release_freed_memory();
    inventory.secret_store = store;
    timer.lap("read");
    inventory.diagnostics.extend(notes);
    inventory
        .diagnostics
        .extend(app_warnings.into_inner().unwrap_or_else(|e| e.into_inner()));
    let unread = unread_query_diagnostics(&inventory);
    inventory.diagnostics.extend(unread);
    inventory.identity_hints = options.config.identity_hints();
    // The graph resolves usernames through what an app's domain defines;
    // the App rules, run on each app as it is read, do not see that.
    inventory.lend_domain_properties(intguard_rules::scan_scope::names_read_by);
    // And the configurations of the Mule plugins' files an app imports.
    inventory.lend_plugin_configurations();
    inventory.build_identities();
    let found = inventory
        .identities
        .iter()
        .filter(|i| i.has_reason_besides(ReasonKind::Config))
        .filter_map(|i| i.username.as_deref());
    let typos = options.config.identity_typos(found);
    inventory.diagnostics.extend(typos);
    let not_found = inventory.unresolved_assignment_warnings();
    inventory.diagnostics.extend(not_found);
    let overridden = inventory.overridden_config_warnings();
    inventory.diagnostics.extend(overridden);
    let undecrypted = inventory.undecrypted_value_warnings();
    inventory.diagnostics.extend(undecrypted);
    let misnamed = inventory.misnamed_property_file_warnings();
    inventory.diagnostics.extend(misnamed);
    let cycles = inventory.reference_cycle_warnings();
    inventory.diagnostics.extend(cycles);
    let shadowed = inventory.unread_login_definition_warnings();
    inventory.diagnostics.extend(shadowed);
    let unread_domains = inventory.unread_domain_warnings();
    inventory.diagnostics.extend(unread_domains);
    let imports_not_found = inventory.import_not_found_warnings();
    inventory.diagnostics.extend(imports_not_found);
    inventory.return_domain_properties();
    inventory.return_plugin_configurations();
    timer.lap("identities");
    inventory
}

/// The note that a given path was widened to its app: its presence is what
/// tells the post-processing to keep only the paths given.
pub(crate) const APP_CONTEXT: &str = "app-context";

/// A given path that lies inside a Mule app (a file or folder of it, as a
/// pre-commit hook passes them), widened to the app's folder.
pub(crate) struct Widened {
    /// The app's folder spelt from the path given ([`as_given`]); absolute
    /// when the given path is too short to climb.
    pub shown: PathBuf,
    /// True when `shown` is the absolute path only because the given
    /// relative path could not be climbed (`prod.yaml` from its own folder):
    /// reported paths under the working directory are then made relative
    /// again.
    pub shown_absolute: bool,
    /// The app's folder, canonical.
    pub app: PathBuf,
    /// A Mule app, or a Salesforce metadata project.
    pub kind: Enclosing,
    /// True when another path given (not itself inside the app) already
    /// holds the whole app: the widening changes nothing, no note is due and
    /// nothing is left out of the report.
    pub covered: bool,
}

/// What a given path was widened to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Enclosing {
    MuleApp,
    /// An SFDX project or a Metadata API folder: a profile given alone is
    /// read with the user definitions that say who holds it.
    SalesforceProject,
}

impl Enclosing {
    fn label(self) -> &'static str {
        match self {
            Enclosing::MuleApp => "Mule app",
            Enclosing::SalesforceProject => "Salesforce project",
        }
    }

    fn whole(self) -> &'static str {
        match self {
            Enclosing::MuleApp => "app",
            Enclosing::SalesforceProject => "project",
        }
    }

    fn read_for(self) -> &'static str {
        match self {
            Enclosing::MuleApp => "its connections, properties and keys",
            Enclosing::SalesforceProject => "its users, profiles, permission sets and OAuth apps",
        }
    }
}

/// Each given path's widening to its app (or Salesforce project), `None`
/// for a path not inside one.
pub(crate) fn widen(paths: &[PathBuf]) -> Vec<Option<Widened>> {
    let canonical: Vec<Option<PathBuf>> = paths
        .iter()
        .map(|p| std::fs::canonicalize(p).ok())
        .collect();
    paths
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (app, kind) = match intguard_readers::enclosing_app_root(p) {
                Some(app) => (app, Enclosing::MuleApp),
                None => (
                    intguard_readers::enclosing_metadata_project(p)?,
                    Enclosing::SalesforceProject,
                ),
            };
            let shown = as_given(p, &app);
            let shown_absolute = shown.is_absolute() && !p.is_absolute();
            let covered = canonical
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && other.as_ref().is_some_and(|o| app.starts_with(o)));
            Some(Widened {
                shown,
                shown_absolute,
                app,
                kind,
                covered,
            })
        })
        .collect()
}

/// The paths to read: each given path that lies inside a Mule app (a file or
/// folder of it, as a pre-commit hook passes them) is replaced by the app's
/// folder, with a note, so that its connections, properties and keys are
/// read with it; [`in_focus`] then keeps what is reported to the paths
/// given. A path whose app another given path already holds whole (`scan .
/// orders-sapi/src`) gets no note: every finding of the app is reported.
fn widen_to_apps(paths: &[PathBuf]) -> Widening {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let mut named_files = Vec::new();
    for (p, widened) in paths.iter().zip(widen(paths)) {
        match widened {
            Some(w) => {
                // Walked with its app now, it is named to the walk: read
                // whatever `.gitignore` says, as it was as a root itself.
                if p.is_file() {
                    named_files.push(p.clone());
                }
                if !w.covered {
                    notes.push(Diagnostic::warning(
                        APP_CONTEXT,
                        intguard_model::path_text::display_path(p),
                        format!(
                            "lies inside the {} {}: the whole {} was read for {}; findings are reported for the path given only",
                            w.kind.label(),
                            intguard_model::path_text::display_path(&w.shown),
                            w.kind.whole(),
                            w.kind.read_for()
                        ),
                    ));
                }
                out.push(w.shown);
            }
            None => out.push(p.clone()),
        }
    }
    Widening {
        paths: out,
        notes,
        named_files,
    }
}

/// What [`widen_to_apps`] makes of the paths given.
struct Widening {
    /// The paths to read.
    paths: Vec<PathBuf>,
    /// An [`APP_CONTEXT`] note per path widened.
    notes: Vec<Diagnostic>,
    /// The files given that were widened to their app
    /// ([`ReadOptions::named_files`]).
    named_files: Vec<PathBuf>,
}

/// The app folder spelt from the path the user gave (`a/app/src/x.xml` ->
/// `a/app`), so that reported paths keep the user's spelling; its absolute
/// path when the given one is too short to climb (`.`).
fn as_given(given: &Path, app: &Path) -> PathBuf {
    let Ok(canonical) = std::fs::canonicalize(given) else {
        return app.to_path_buf();
    };
    let up = canonical
        .components()
        .count()
        .saturating_sub(app.components().count());
    let mut spelt = given.to_path_buf();
    for _ in 0..up {
        let last_is_normal = matches!(
            spelt.components().next_back(),
            Some(std::path::Component::Normal(_))
        );
        if !last_is_normal || !spelt.pop() {
            return app.to_path_buf();
        }
    }
    if spelt.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        spelt
    }
}

/// When a given path was widened to its app (an [`APP_CONTEXT`] note),
/// whether `path` (as reported) lies under one of the paths given. `focus`
/// holds them canonical; `None`: nothing was widened, everything is in focus.
pub(crate) fn in_focus(focus: &Option<Vec<PathBuf>>, path: &str) -> bool {
    let Some(focus) = focus else {
        return true;
    };
    std::fs::canonicalize(path).is_ok_and(|p| focus.iter().any(|f| p.starts_with(f)))
}

/// [`MuleApp::unread_query_warnings`] of each app kept whole (a compact
/// app's were given as it was read).
fn unread_query_diagnostics(inventory: &Inventory) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for app in inventory.apps.iter().filter(|a| a.scan_facts.is_none()) {
        app.unread_query_warnings(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Mule 4 app with one connection and one query, and, when asked, a
    /// profile beside it.
    fn app_with_a_query(profile: bool) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("orders-sapi");
        std::fs::create_dir_all(app.join("src/main/mule")).unwrap();
        std::fs::write(app.join("mule-artifact.json"), "{}").unwrap();
        std::fs::write(
            app.join("src/main/mule/orders.xml"),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="SF">
    <salesforce:jwt-connection consumerKey="${sf.key}" keyStorePath="${sf.keystore}" principal="int.orders@acme.example"/>
  </salesforce:sfdc-config>
  <flow name="orders">
    <salesforce:query config-ref="SF">
      <salesforce:salesforce-query>SELECT Id, Account.Name FROM Order</salesforce:salesforce-query>
    </salesforce:query>
  </flow>
</mule>
"#,
        )
        .unwrap();
        if profile {
            let profiles = dir.path().join("force-app/main/default/profiles");
            std::fs::create_dir_all(&profiles).unwrap();
            std::fs::write(
                profiles.join("Orders Integration.profile-meta.xml"),
                r#"<?xml version="1.0" encoding="UTF-8"?>
<Profile xmlns="http://soap.sforce.com/2006/04/metadata">
  <objectPermissions>
    <allowRead>true</allowRead>
    <object>Order</object>
  </objectPermissions>
</Profile>
"#,
            )
            .unwrap();
        }
        dir
    }

    fn objects_used(dir: &Path, paths_only: bool) -> Vec<String> {
        let inventory = read_inventory(&ScanOptions {
            paths: vec![dir.to_path_buf()],
            threads: 1,
            paths_only,
            ..Default::default()
        });
        let app = &inventory.apps[0];
        assert!(
            app.operations.is_empty(),
            "operations are digested or dropped"
        );
        let mut objects: Vec<String> = app
            .object_uses
            .iter()
            .flat_map(|(_, uses)| uses.iter().map(|u| u.object.clone()))
            .collect();
        objects.sort();
        objects
    }

    #[test]
    fn operations_are_digested_unless_nothing_could_use_them() {
        let mule_only = app_with_a_query(false);
        // A scan of the paths alone, with no object permissions among them:
        // nothing reported compares object uses, the SOQL is dropped.
        assert!(objects_used(mule_only.path(), true).is_empty());
        // Identities, or an org joined later: digested.
        assert_eq!(objects_used(mule_only.path(), false), ["Account", "Order"]);
        // A profile beside the app: digested for IG304.
        let with_profile = app_with_a_query(true);
        assert_eq!(
            objects_used(with_profile.path(), true),
            ["Account", "Order"]
        );
    }
}
