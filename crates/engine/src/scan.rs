//! A scan's options and outcome, and its order of work: each app's
//! [`Scope::App`] rules as soon as the app is read, the [`Scope::Scan`]
//! rules and the App rules' whole-scan parts ([`Rule::check_scan`]) once
//! everything is read, then [`finish`] for the reporters.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use std::sync::{Arc, Mutex};

use intguard_model::{AppSecrets, Diagnostic, Inventory, MuleApp, RuleMeta, SecretStore, Severity};
use intguard_rules::scan_scope::{keep_text_facts_scan_rules_read, keep_what_scan_rules_read};
use intguard_rules::{Completion, Rule, Scope};
use rayon::prelude::*;

use crate::baseline::Baseline;
use crate::config::Config;
use crate::finish::finish;
use crate::read::read_inventory_with;
use crate::reported::ReportedFindings;
use crate::secret_store::SecretSpill;
use crate::spill::Spill;
use crate::timing::PhaseTimer;

/// What to scan and how.
#[derive(Debug, Default)]
pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub config: Config,
    pub baseline: Option<Baseline>,
    /// 0 = all cores.
    pub threads: usize,
    /// Follow symbolic links (`--follow`): a folder linked into an app is
    /// then read as part of it.
    pub follow_symlinks: bool,
    /// Nothing but the scanned paths goes into the Inventory (no org
    /// snapshot will be joined, no identities shown): when the paths hold no
    /// profile or permission set either, nothing reported can use what the
    /// apps' Salesforce operations do on which objects (excess object access,
    /// IG304, compares it with object permissions), and their SOQL is
    /// dropped unread. Off by default: the operations are digested.
    pub paths_only: bool,
}

/// The result of a scan, ready for a reporter.
#[derive(Debug)]
pub struct ScanOutcome {
    /// Findings to report, sorted by path, line, column, rule and severity; snippets
    /// masked, fingerprints set (as they are read: a scan's are out of
    /// memory until then).
    pub findings: ReportedFindings,
    /// Findings silenced by an inline `intguard-ignore` with a reason, in
    /// the report's order, masked, without snippets, each with the reason
    /// of the comments hiding it ([`Finding::suppression_reason`]; a
    /// scan's out of memory until read).
    pub suppressed: ReportedFindings,
    /// Findings whose fingerprint is in the baseline, in the report's
    /// order, masked, without snippets (a scan's out of memory until read).
    pub baselined: ReportedFindings,
    pub diagnostics: Vec<Diagnostic>,
    pub rules: Vec<&'static RuleMeta>,
    pub apps: usize,
    /// The org read (its instance host, else its id), when the Inventory
    /// holds one.
    pub org: Option<String>,
    pub files: u64,
    pub bytes: u64,
}

impl ScanOutcome {
    pub fn count_at_least(&self, threshold: Severity) -> usize {
        self.findings
            .heads()
            .filter(|(_, s)| s.at_least(threshold))
            .count()
    }

    pub fn by_severity(&self) -> BTreeMap<Severity, usize> {
        let mut map = BTreeMap::new();
        for (_, s) in self.findings.heads() {
            *map.entry(s).or_insert(0) += 1;
        }
        map
    }
}

/// Reads the paths, runs every enabled rule and post-processes the findings.
/// The same outcome as [`run_rules`] on
/// [`read_inventory`](crate::read::read_inventory), but each app's
/// [`Scope::App`] rules run as soon as the app is read, after which only
/// what the [`Scope::Scan`] rules read of it is kept
/// ([`intguard_rules::scan_scope`]): the apps' facts are not all held until
/// the end. The findings wait in an anonymous temporary file from the
/// moment they are made until the Inventory is freed, and so do the
/// compact apps' `![...]` records from the end of their app's pass until
/// IG104 reads them (both held in memory when none can be written).
pub fn scan(options: &ScanOptions) -> ScanOutcome {
    with_threads(options.threads, || scan_here(options))
}

fn scan_here(options: &ScanOptions) -> ScanOutcome {
    scan_spilling(options, Spill::new())
}

/// [`scan`], its findings spilled to `spill` as they are made.
pub(crate) fn scan_spilling(options: &ScanOptions, spill: Spill) -> ScanOutcome {
    scan_spilling_with(options, spill, SecretSpill::new())
}

/// [`scan_spilling`], the compact apps' `![...]` records moved out to
/// `secret_spill`.
pub(crate) fn scan_spilling_with(
    options: &ScanOptions,
    spill: Spill,
    secret_spill: SecretSpill,
) -> ScanOutcome {
    let app_rules = enabled_rules(&options.config, Scope::App);
    let secret_spill = Arc::new(secret_spill);
    let secrets_read = Mutex::new(SecretsRead::default());
    let store: Arc<dyn SecretStore> = secret_spill.clone();
    let mut inventory = read_inventory_with(
        options,
        &|app, text_files| {
            // The app alone, with its files' text facts: what an App rule reads.
            let placeholder = MuleApp::new(String::new(), String::new(), app.runtime);
            let mut one = Inventory {
                apps: vec![std::mem::replace(app, placeholder)],
                text_files: std::mem::take(text_files),
                ..Inventory::default()
            };
            // Out of memory until the report, a batch at a time for a rule
            // that makes many (IG106 in a log of logins).
            for rule in &app_rules {
                rule.run_part_into(&one, &|found| spill.add(found));
            }
            let mut secrets = one.apps[0].secrets();
            if let Some(read) = one.apps.pop() {
                *app = read;
            }
            *text_files = one.text_files;
            keep_what_scan_rules_read(app);
            // The redactor's part of a compact app's assignments, taken now:
            // its files keep only those its Scan rules read.
            if app.scan_facts.is_some() {
                secrets.add_assignments(text_files);
            }
            keep_text_facts_scan_rules_read(app, text_files);
            // Its `![...]` records, store references and connections' facts
            // are final: out of memory until the graph and the rules read them.
            secret_spill.move_out(app);
            secrets_read
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .add(secrets);
        },
        Some(store),
    );
    let secrets = secrets_read
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_app_secrets();
    let mut timer = PhaseTimer::start();
    // The files outside any app, with no app: the rest of what App rules read.
    // (As `support::app_for_path` sees it, without trying every app.)
    let roots: HashSet<&str> = inventory
        .apps
        .iter()
        .map(|a| a.root.trim_end_matches('/'))
        .collect();
    let in_an_app = |path: &str| {
        roots.contains("")
            || roots.contains(path)
            || path
                .match_indices('/')
                .any(|(i, _)| roots.contains(&path[..i]))
    };
    // A batch of files at a time, each batch's findings spilled before the
    // next is copied: 10,000 scripts holding 40,000 tokens, copied and their
    // findings made all at once, peaked at 83 MB there (33 MB in batches). What the App rules find in a
    // text file depends on that file alone (their numbering and their
    // dedupe are per file; with no app, no file is joined to another), so
    // the batches find what the files together would.
    let loose: Vec<_> = inventory
        .text_files
        .iter()
        .filter(|f| !in_an_app(&f.path))
        .collect();
    for files in loose.chunks(LOOSE_BATCH) {
        let batch = Inventory {
            text_files: files.iter().map(|&f| f.clone()).collect(),
            ..Inventory::default()
        };
        run_part(&app_rules, &batch, &spill);
    }
    drop(loose);
    // What the Scan rules resolve, an app's domain's properties too.
    inventory.lend_domain_properties(intguard_rules::scan_scope::names_read_by);
    // And the configurations of the Mule plugins' files an app imports.
    inventory.lend_plugin_configurations();
    // The redactor's secrets are gathered beside the Scan rules and the App
    // rules' whole-scan parts (all only read the Inventory): a serial pass
    // that fills the rules' idle cores.
    let ((), secrets) = rayon::join(
        || {
            run_part(
                &enabled_rules(&options.config, Scope::Scan),
                &inventory,
                &spill,
            );
            run_scan_part(&app_rules, &inventory, &spill);
        },
        || inventory.known_secrets_with(secrets),
    );
    // What the findings' notes need of the whole scan, taken before the
    // Inventory goes.
    let completion = Completion::new(&inventory, &spill.take_needs());
    // Records the graph or the rules could not read back: IG104's (or
    // IG105's and IG112's, or those naming who their connections log in
    // as) findings on their apps are missing, and the report says so.
    inventory
        .diagnostics
        .extend(secret_spill.unread_diagnostic());
    inventory
        .diagnostics
        .extend(secret_spill.unread_stores_diagnostic());
    inventory
        .diagnostics
        .extend(secret_spill.unread_connections_diagnostic());
    // The file goes with the Inventory.
    drop(secret_spill);
    timer.lap("rules and known secrets");
    finish(
        spill,
        crate::sealed::temporary_file,
        completion,
        inventory,
        secrets,
        options,
    )
}

/// How many files outside every app the App rules read at once.
const LOOSE_BATCH: usize = 256;

/// What the output's redactor needs of the apps read ([`MuleApp::secrets`]),
/// gathered as each app is read and held until the rules are done, each
/// value and each name once: a monorepo's apps read the same names (and
/// often hold the same values), which were held once per app.
#[derive(Default)]
struct SecretsRead {
    values: HashSet<String>,
    names_read: HashSet<String>,
    /// The compact apps' assignments not named as secrets, with their
    /// names ([`AppSecrets::assigned`]): a monorepo's poms and scripts
    /// repeat the same few.
    assigned: HashSet<(String, String)>,
}

impl SecretsRead {
    fn add(&mut self, app: AppSecrets) {
        self.values.extend(app.values);
        self.names_read.extend(app.names_read);
        self.assigned.extend(app.assigned);
    }

    /// For [`Inventory::known_secrets_with`], which takes them in any order
    /// (the redactor sorts its secrets, and drops those given twice).
    fn into_app_secrets(self) -> Vec<AppSecrets> {
        vec![AppSecrets {
            values: self.values.into_iter().collect(),
            names_read: self.names_read.into_iter().collect(),
            assigned: self.assigned.into_iter().collect(),
        }]
    }
}

/// The enabled rules of a scope.
fn enabled_rules(config: &Config, scope: Scope) -> Vec<&'static dyn Rule> {
    intguard_rules::all_rules()
        .into_iter()
        .filter(|r| r.scope() == scope && !config.is_disabled(r.meta().id, r.meta().name))
        .collect()
}

/// Each rule's [`Rule::run_part`] on the Inventory, in parallel (timed per
/// rule when `INTGUARD_TIMING=rules`), each batch of findings a rule hands
/// over ([`Rule::run_part_into`]) spilled as it comes: the report's order
/// is total (`finish::order`), so which comes first does not matter.
fn run_part(rules: &[&'static dyn Rule], inventory: &Inventory, spill: &Spill) {
    let timed = std::env::var_os("INTGUARD_TIMING").is_some_and(|v| v == "rules");
    rules.par_iter().for_each(|rule| {
        let t = std::time::Instant::now();
        rule.run_part_into(inventory, &|found| spill.add(found));
        if timed {
            eprintln!("intguard timing: rule {} {:?}", rule.meta().id, t.elapsed());
        }
    });
}

/// Each App rule's [`Rule::run_scan_part`] on the whole Inventory, in
/// parallel, each rule's findings spilled as it ends.
fn run_scan_part(rules: &[&'static dyn Rule], inventory: &Inventory, spill: &Spill) {
    rules
        .par_iter()
        .for_each(|rule| spill.add(rule.run_scan_part(inventory)));
}

/// Runs `f` on a pool of `threads` workers (0: the current pool, all cores
/// unless a caller chose otherwise), so that `--threads` bounds every phase,
/// not only the reading.
pub(crate) fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    if threads == 0 || threads == rayon::current_num_threads() {
        return f();
    }
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

/// Everything after reading: rules and post-processing (separate so that an
/// Inventory built elsewhere, e.g. from an org snapshot, goes the same way).
pub fn run_rules(inventory: Inventory, options: &ScanOptions) -> ScanOutcome {
    with_threads(options.threads, || run_rules_here(inventory, options))
}

fn run_rules_here(mut inventory: Inventory, options: &ScanOptions) -> ScanOutcome {
    let mut timer = PhaseTimer::start();
    let rules: Vec<&'static dyn Rule> = intguard_rules::all_rules()
        .into_iter()
        .filter(|r| !options.config.is_disabled(r.meta().id, r.meta().name))
        .collect();
    let (app_rules, scan_rules): (Vec<&'static dyn Rule>, Vec<&'static dyn Rule>) =
        rules.iter().partition(|r| r.scope() == Scope::App);
    // Held in memory: an Inventory built whole (an org snapshot's, with
    // few findings) is at its peak already.
    let spill = Spill::in_memory();
    // As `scan` runs them: the App rules on the apps as read, the rest with
    // what an app's domain lends it.
    run_part(&app_rules, &inventory, &spill);
    inventory.lend_domain_properties(intguard_rules::scan_scope::names_read_by);
    // And the configurations of the Mule plugins' files an app imports.
    inventory.lend_plugin_configurations();
    run_part(&scan_rules, &inventory, &spill);
    run_scan_part(&rules, &inventory, &spill);
    let completion = Completion::new(&inventory, &spill.take_needs());
    timer.lap("rules");
    let secrets = inventory.known_secrets();
    finish(spill, || None, completion, inventory, secrets, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every app's values and names reach the redactor's list, each once.
    #[test]
    fn secrets_read_keep_each_value_and_name_once() {
        let app = |values: &[&str], names: &[&str]| AppSecrets {
            values: values.iter().map(|v| v.to_string()).collect(),
            names_read: names.iter().map(|n| n.to_string()).collect(),
            assigned: Vec::new(),
        };
        let mut read = SecretsRead::default();
        read.add(app(&["Pw-orders-1", "shared-Secret9"], &["sf.password"]));
        read.add(app(&["shared-Secret9"], &["sf.password", "enc.key"]));
        let mut all = read.into_app_secrets();
        assert_eq!(all.len(), 1);
        let mut got = all.pop().unwrap();
        got.values.sort();
        got.names_read.sort();
        assert_eq!(got.values, ["Pw-orders-1", "shared-Secret9"]);
        assert_eq!(got.names_read, ["enc.key", "sf.password"]);
    }

    #[test]
    fn threads_bound_the_pool() {
        for n in [1, 3] {
            assert_eq!(with_threads(n, rayon::current_num_threads), n);
            assert_eq!(
                with_threads(n, || with_threads(n, rayon::current_num_threads)),
                n
            );
        }
        assert_eq!(
            with_threads(0, rayon::current_num_threads),
            rayon::current_num_threads()
        );
    }
}
