use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use std::sync::Mutex;

use intguard_model::secret::Redactor;
use intguard_model::{
    AppSecrets, Diagnostic, Finding, Inventory, Location, MuleApp, RuleMeta, Severity,
    TextFileFacts, UnknownUseReason,
};
use intguard_readers::{read_paths_with, Discovered, ReadOptions};
use intguard_rules::scan_scope::keep_what_scan_rules_read;
use intguard_rules::{Rule, Scope};
use rayon::prelude::*;

use crate::baseline::Baseline;
use crate::config::Config;
use crate::fingerprint::fingerprint;
use crate::{snippet, suppress};

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
    /// Findings to report, sorted by path, line, column and rule; snippets
    /// masked, fingerprints set.
    pub findings: Vec<Finding>,
    /// Findings silenced by an inline `intguard-ignore` with a reason.
    pub suppressed: Vec<Finding>,
    /// Findings whose fingerprint is in the baseline.
    pub baselined: Vec<Finding>,
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
            .iter()
            .filter(|f| f.severity.at_least(threshold))
            .count()
    }

    pub fn by_severity(&self) -> BTreeMap<Severity, usize> {
        let mut map = BTreeMap::new();
        for f in &self.findings {
            *map.entry(f.severity).or_insert(0) += 1;
        }
        map
    }
}

/// Reads the paths, runs every enabled rule and post-processes the findings.
/// The same outcome as [`run_rules`] on [`read_inventory`], but each app's
/// [`Scope::App`] rules run as soon as the app is read, after which only
/// what the [`Scope::Scan`] rules read of it is kept
/// ([`intguard_rules::scan_scope`]): the apps' facts are not all held until
/// the end.
pub fn scan(options: &ScanOptions) -> ScanOutcome {
    with_threads(options.threads, || scan_here(options))
}

/// What the app pass of [`scan`] keeps of the apps read.
#[derive(Default)]
struct AppPass {
    findings: Vec<Finding>,
    secrets: Vec<AppSecrets>,
}

fn scan_here(options: &ScanOptions) -> ScanOutcome {
    let app_rules = enabled_rules(&options.config, Scope::App);
    let pass = Mutex::new(AppPass::default());
    let inventory = read_inventory_with(options, &|app, text_files| {
        // The app alone, with its files' text facts: what an App rule reads.
        let placeholder = MuleApp::new(String::new(), String::new(), app.runtime);
        let mut one = Inventory {
            apps: vec![std::mem::replace(app, placeholder)],
            text_files: std::mem::take(text_files),
            ..Inventory::default()
        };
        let findings: Vec<Finding> = app_rules.iter().flat_map(|r| r.run_part(&one)).collect();
        let secrets = one.apps[0].secrets();
        if let Some(read) = one.apps.pop() {
            *app = read;
        }
        *text_files = one.text_files;
        keep_what_scan_rules_read(app);
        let mut pass = pass.lock().unwrap_or_else(|e| e.into_inner());
        pass.findings.extend(findings);
        pass.secrets.push(secrets);
    });
    let AppPass {
        mut findings,
        secrets,
    } = pass.into_inner().unwrap_or_else(|e| e.into_inner());
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
    let loose = Inventory {
        text_files: inventory
            .text_files
            .iter()
            .filter(|f| !in_an_app(&f.path))
            .cloned()
            .collect(),
        ..Inventory::default()
    };
    findings.extend(run_part(&app_rules, &loose));
    // The redactor's secrets are gathered beside the Scan rules (both only
    // read the Inventory): a serial pass that fills the rules' idle cores.
    let (scan_findings, secrets) = rayon::join(
        || run_part(&enabled_rules(&options.config, Scope::Scan), &inventory),
        || inventory.known_secrets_with(secrets),
    );
    findings.extend(scan_findings);
    intguard_rules::complete(&inventory, &mut findings);
    timer.lap("rules and known secrets");
    finish(findings, inventory, secrets, options)
}

/// The enabled rules of a scope.
fn enabled_rules(config: &Config, scope: Scope) -> Vec<&'static dyn Rule> {
    intguard_rules::all_rules()
        .into_iter()
        .filter(|r| r.scope() == scope && !config.is_disabled(r.meta().id, r.meta().name))
        .collect()
}

/// Each rule's [`Rule::run_part`] on the Inventory, in parallel (timed per
/// rule when `INTGUARD_TIMING=rules`).
fn run_part(rules: &[&'static dyn Rule], inventory: &Inventory) -> Vec<Finding> {
    let per_rule = std::env::var_os("INTGUARD_TIMING").is_some_and(|v| v == "rules");
    rules
        .par_iter()
        .flat_map_iter(|rule| {
            let t = std::time::Instant::now();
            let found = rule.run_part(inventory);
            if per_rule {
                eprintln!("intguard timing: rule {} {:?}", rule.meta().id, t.elapsed());
            }
            found
        })
        .collect()
}

/// Runs `f` on a pool of `threads` workers (0: the current pool, all cores
/// unless a caller chose otherwise), so that `--threads` bounds every phase,
/// not only the reading.
fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    if threads == 0 || threads == rayon::current_num_threads() {
        return f();
    }
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

/// Reads the paths into an Inventory with the config's identity mapping and
/// the identity graph built: what rules (and `intguard identities`) read.
pub fn read_inventory(options: &ScanOptions) -> Inventory {
    with_threads(options.threads, || read_inventory_here(options))
}

fn read_inventory_here(options: &ScanOptions) -> Inventory {
    read_inventory_with(options, &|_, _| {})
}

/// [`read_inventory`], in the current pool, handing each app (its operations
/// digested) and its files' text facts to `after_app` as soon as it is read.
fn read_inventory_with(
    options: &ScanOptions,
    after_app: &(dyn Fn(&mut MuleApp, &mut Vec<TextFileFacts>) + Sync),
) -> Inventory {
    let read_options = ReadOptions {
        ignore_globs: options.config.paths.ignore.clone(),
        threads: options.threads,
        follow_symlinks: options.follow_symlinks,
        ..ReadOptions::default()
    };
    let mut timer = PhaseTimer::start();
    let (paths, notes) = widen_to_apps(&options.paths);
    // Each app's operations are digested as soon as it is read: their SOQL
    // text is most of an app's facts and nothing but the graph reads them.
    // Without object permissions to compare them with, they are dropped: on
    // a Mule-only monorepo the digest was a tenth of the scan.
    let mut inventory = read_paths_with(
        &paths,
        &read_options,
        &|app: &mut MuleApp, text_files: &mut Vec<TextFileFacts>, found: &Discovered| {
            if options.paths_only && !found.object_access_metadata {
                app.operations = Vec::new();
            } else {
                app.digest_operations();
            }
            app.digest_http_requests();
            after_app(app, text_files);
        },
    );
    timer.lap("read");
    inventory.diagnostics.extend(notes);
    let unread = unread_query_diagnostics(&inventory);
    inventory.diagnostics.extend(unread);
    inventory.identity_hints = options.config.identity_hints();
    inventory.build_identities();
    timer.lap("identities");
    inventory
}

/// The note that a given path was widened to its app: its presence is what
/// tells the post-processing to keep only the paths given.
const APP_CONTEXT: &str = "app-context";

/// The paths to read: each given path that lies inside a Mule app (a file or
/// folder of it, as a pre-commit hook passes them) is replaced by the app's
/// folder, with a note, so that its connections, properties and keys are
/// read with it; [`in_focus`] then keeps what is reported to the paths
/// given.
fn widen_to_apps(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for p in paths {
        match intguard_readers::enclosing_app_root(p) {
            Some(app) => {
                let shown = as_given(p, &app);
                notes.push(Diagnostic::warning(
                    APP_CONTEXT,
                    p.to_string_lossy().replace('\\', "/"),
                    format!(
                        "lies inside the Mule app {}: the whole app was read for its connections, properties and keys; findings are reported for the path given only",
                        shown.to_string_lossy().replace('\\', "/")
                    ),
                ));
                out.push(shown);
            }
            None => out.push(p.clone()),
        }
    }
    (out, notes)
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
fn in_focus(focus: &Option<Vec<PathBuf>>, path: &str) -> bool {
    let Some(focus) = focus else {
        return true;
    };
    std::fs::canonicalize(path).is_ok_and(|p| focus.iter().any(|f| p.starts_with(f)))
}

/// A warning at each literal SOQL query intguard could not read: what it
/// uses is unknown, and the least-privilege checks assume it may read any
/// object. (A query built by an expression is the app's choice, not a
/// reading failure: `intguard identities` lists those.)
fn unread_query_diagnostics(inventory: &Inventory) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for app in &inventory.apps {
        for (_, u) in &app.unknown_uses {
            if u.reason != UnknownUseReason::UnreadQuery {
                continue;
            }
            let d = Diagnostic::warning(
                "soql-unread",
                u.location.path.as_str(),
                "intguard cannot read this SOQL query: the objects it uses are unknown, so \
                 excess object access (IG304) is not reported for what it does on any object",
            )
            .at(u.location.line, u.location.column);
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

/// Prints how long each phase took, and the peak memory so far, to stderr
/// when `INTGUARD_TIMING` is set (for the benchmark's questions; silent
/// otherwise).
pub struct PhaseTimer(Option<(std::time::Instant, Option<u64>)>);

impl PhaseTimer {
    pub fn start() -> Self {
        PhaseTimer(
            std::env::var_os("INTGUARD_TIMING").map(|_| (std::time::Instant::now(), cpu_ms())),
        )
    }

    pub fn lap(&mut self, phase: &str) {
        if let Some((t, cpu)) = &mut self.0 {
            let now = std::time::Instant::now();
            let cpu_now = cpu_ms();
            let used = match (*cpu, cpu_now) {
                (Some(a), Some(b)) => format!(" (CPU {} ms)", b.saturating_sub(a)),
                _ => String::new(),
            };
            eprintln!(
                "intguard timing: {phase} {:?}{used}{}",
                now - *t,
                peak_memory().map_or(String::new(), |m| format!(", peak memory so far {m}"))
            );
            *t = now;
            *cpu = cpu_now;
        }
    }
}

/// The process's CPU time so far (user and system, all threads; Linux), in
/// milliseconds at the kernel's 10 ms tick: with the wall time of a phase,
/// how many cores it kept busy.
fn cpu_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses.
    let mut fields = stat.get(stat.rfind(')')? + 2..)?.split(' ');
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) * 10)
}

/// Removes the findings `which` picks from `findings` and returns them, both
/// lists in their order. The picked ones are copied: they are few (inline
/// suppressions), and the others stay where they are.
fn take_out(findings: &mut Vec<Finding>, which: impl Fn(&Finding) -> bool) -> Vec<Finding> {
    let picked: Vec<bool> = findings.iter().map(which).collect();
    let out: Vec<Finding> = findings
        .iter()
        .zip(&picked)
        .filter(|(_, &p)| p)
        .map(|(f, _)| f.clone())
        .collect();
    if !out.is_empty() {
        let mut picked = picked.into_iter();
        findings.retain(|_| !picked.next().unwrap_or(false));
    }
    out
}

/// The process's peak resident memory so far (`VmHWM`, Linux), for
/// [`PhaseTimer`]: which phase sets the peak.
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line["VmHWM:".len()..].trim().to_string())
}

/// Everything after reading: rules and post-processing (separate so that an
/// Inventory built elsewhere, e.g. from an org snapshot, goes the same way).
pub fn run_rules(inventory: Inventory, options: &ScanOptions) -> ScanOutcome {
    with_threads(options.threads, || run_rules_here(inventory, options))
}

fn run_rules_here(inventory: Inventory, options: &ScanOptions) -> ScanOutcome {
    let mut timer = PhaseTimer::start();
    let rules: Vec<&'static dyn Rule> = intguard_rules::all_rules()
        .into_iter()
        .filter(|r| !options.config.is_disabled(r.meta().id, r.meta().name))
        .collect();
    let mut findings = run_part(&rules, &inventory);
    intguard_rules::complete(&inventory, &mut findings);
    timer.lap("rules");
    let secrets = inventory.known_secrets();
    finish(findings, inventory, secrets, options)
}

/// Post-processing of every rule's findings: severity overrides,
/// fingerprints, focus, inline suppressions, baseline, masked snippets and
/// messages, order. `secrets`: the Inventory's known secrets.
fn finish(
    mut findings: Vec<Finding>,
    mut inventory: Inventory,
    secrets: Vec<String>,
    options: &ScanOptions,
) -> ScanOutcome {
    let mut timer = PhaseTimer::start();
    // What is left to do needs only this of the Inventory. The rest (every
    // app's kept facts, the identity graph) is freed beside the work that
    // follows, not held through the redactor and the snippets: that held
    // the peak memory of a large monorepo's scan.
    let inventory_diagnostics = std::mem::take(&mut inventory.diagnostics);
    let suppressions = std::mem::take(&mut inventory.suppressions);
    let (apps, stats) = (inventory.apps.len(), inventory.stats);
    let org = inventory.org.as_ref().map(|o| o.label());
    std::thread::spawn(move || drop(inventory));
    let config = &options.config;
    let roots: Vec<String> = options
        .paths
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    for f in &mut findings {
        if let Some(sev) = config.severity_override(f.rule, f.name) {
            f.severity = sev;
        }
        let rel = if f.fingerprint_by_path {
            relative_to_roots(&f.location.path, &roots)
        } else {
            String::new()
        };
        let key = if f.fingerprint_key.is_empty() {
            f.message.clone()
        } else {
            f.fingerprint_key.clone()
        };
        f.fingerprint = fingerprint(f.rule, &rel, &key);
    }

    let mut diagnostics = inventory_diagnostics;
    diagnostics.extend(suppress::diagnostics(&suppressions, |r| {
        intguard_rules::find_rule(r).is_some()
    }));

    // Paths given inside an app: the app was read whole, its other files'
    // findings and diagnostics are not what was asked about.
    let focus: Option<Vec<PathBuf>> =
        diagnostics.iter().any(|d| d.code == APP_CONTEXT).then(|| {
            options
                .paths
                .iter()
                .filter_map(|p| std::fs::canonicalize(p).ok())
                .collect()
        });
    findings.retain(|f| in_focus(&focus, &f.location.path));
    diagnostics.retain(|d| d.code == APP_CONTEXT || in_focus(&focus, &d.path));

    // Taken out in place: a partition into two new vectors held a second
    // copy of every finding for a moment.
    let mut suppressed = take_out(&mut findings, |f| {
        suppressions.iter().any(|s| suppress::covers(s, f))
    });
    let mut baselined = match &options.baseline {
        Some(b) => take_out(&mut findings, |f| b.contains(&f.fingerprint)),
        None => Vec::new(),
    };

    timer.lap("suppressions and baseline");
    let redactor = Redactor::new(secrets);
    timer.lap("redactor");
    add_snippets(&mut findings, &redactor);
    for list in [&mut findings, &mut suppressed, &mut baselined] {
        list.par_iter_mut()
            .for_each(|f| redact_finding(f, &redactor));
    }
    diagnostics
        .par_iter_mut()
        .for_each(|d| d.message = redactor.redact(&d.message));

    timer.lap("snippets and masking");
    sort(&mut findings);
    sort(&mut suppressed);
    sort(&mut baselined);
    diagnostics.sort_by(|a, b| (&a.path, a.line, a.code).cmp(&(&b.path, b.line, b.code)));
    diagnostics.dedup();

    ScanOutcome {
        findings,
        suppressed,
        baselined,
        diagnostics,
        rules: intguard_rules::all_rules()
            .iter()
            .map(|r| r.meta())
            .collect(),
        apps,
        org,
        files: stats.files,
        bytes: stats.bytes,
    }
}

fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.location, a.rule, &a.fingerprint).cmp(&(&b.location, b.rule, &b.fingerprint))
    });
}

/// The path relative to the root it was found under, so fingerprints do not
/// depend on the working directory. When roots nest, the outermost one
/// containing the path counts: the walk drops a root inside another, so
/// adding a redundant nested root changes no fingerprint.
fn relative_to_roots(path: &str, roots: &[String]) -> String {
    roots
        .iter()
        .filter_map(|r| {
            let r = r.trim_end_matches('/');
            if path == r {
                // A file given directly: keep its name.
                return Some(path.rsplit('/').next().unwrap_or(path).to_string());
            }
            path.strip_prefix(r)
                .and_then(|rest| rest.strip_prefix('/'))
                .map(str::to_string)
        })
        .max_by_key(|s| s.len())
        .unwrap_or_else(|| path.trim_start_matches("./").to_string())
}

fn add_snippets(findings: &mut [Finding], redactor: &Redactor) {
    let mut wanted: HashMap<&str, Vec<u32>> = HashMap::new();
    for f in findings.iter() {
        if f.location.line > 0 {
            wanted
                .entry(f.location.path.as_str())
                .or_default()
                .push(f.location.line);
        }
    }
    // Each line read and masked once, however many findings it holds (a
    // minified file's one line can hold 50,000), files in parallel.
    let masked: HashMap<String, HashMap<u32, String>> = wanted
        .into_par_iter()
        .map(|(path, mut lines)| {
            lines.sort_unstable();
            lines.dedup();
            let masked = snippet::read_lines(path, &lines)
                .into_iter()
                .map(|(line, text)| (line, snippet::mask_line(&text, redactor)))
                .collect();
            (path.to_string(), masked)
        })
        .collect();
    for f in findings.iter_mut() {
        let Location { path, line, .. } = &f.location;
        if let Some(snippet) = masked.get(path.as_str()).and_then(|m| m.get(line)) {
            f.snippet = Some(snippet.clone());
        }
    }
}

fn redact_finding(f: &mut Finding, redactor: &Redactor) {
    if redactor.is_empty() {
        return;
    }
    f.message = redactor.redact(&f.message);
    f.fix = redactor.redact(&f.fix);
    if let Some(id) = &f.identity {
        f.identity = Some(redactor.redact(id));
    }
    for r in &mut f.related {
        r.message = redactor.redact(&r.message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn paths_are_made_relative_to_their_root() {
        let roots = vec!["examples/acme".to_string(), "./other/".to_string()];
        assert_eq!(
            relative_to_roots("examples/acme/a/b.xml", &roots),
            "a/b.xml"
        );
        assert_eq!(relative_to_roots("./other/x.yaml", &roots), "x.yaml");
        assert_eq!(relative_to_roots("elsewhere/y", &roots), "elsewhere/y");
    }

    #[test]
    fn the_outermost_root_containing_a_path_counts() {
        let roots = vec![
            "acme".to_string(),
            "acme/orders-sapi".to_string(),
            "acme/orders".to_string(),
        ];
        for order in [roots.clone(), roots.iter().rev().cloned().collect()] {
            assert_eq!(
                relative_to_roots("acme/orders-sapi/src/a.xml", &order),
                "orders-sapi/src/a.xml"
            );
        }
    }
}
