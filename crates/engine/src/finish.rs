//! Finishing a scan's findings for a reporter: severity overrides,
//! fingerprints, focus on the paths given, inline suppressions, baseline,
//! masked snippets and messages, order.

use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::path::{Path, PathBuf};

use intguard_model::path_text;
use intguard_model::secret::Redactor;
use intguard_model::{Diagnostic, FilePath, Finding, Inventory, Location, SharedStr};
use intguard_rules::Completion;
use rayon::prelude::*;

use crate::fingerprint::fingerprint;
use crate::read::{in_focus, widen, Widened, APP_CONTEXT};
use crate::reported::{Collecting, Finishing};
use crate::scan::{ScanOptions, ScanOutcome};
use crate::sealed::SpillFile;
use crate::spill::Spill;
use crate::timing::PhaseTimer;
use crate::{snippet, suppress};
use std::sync::Arc;

/// Post-processing of every rule's findings, as they are read back from
/// `spill` one at a time once the Inventory is freed: what only the whole
/// scan knows (`completion`), severity overrides, fingerprints, focus,
/// inline suppressions, baseline, masked snippets and messages, order.
/// `secrets`: the Inventory's known secrets.
pub(crate) fn finish(
    spill: Spill,
    report_file: fn() -> Option<Box<dyn SpillFile>>,
    completion: Completion,
    mut inventory: Inventory,
    secrets: Vec<String>,
    options: &ScanOptions,
) -> ScanOutcome {
    let mut timer = PhaseTimer::start();
    // What is left to do needs only this of the Inventory. The rest (every
    // app's kept facts, the identity graph) is freed beside the work that
    // follows, and is gone before the findings are read back and the
    // redactor is built: the redactor's automaton (every secret of every
    // app) built while the Inventory was still held made the peak memory
    // of a large monorepo's scan, and so did the findings held beside it.
    let inventory_diagnostics = std::mem::take(&mut inventory.diagnostics);
    let suppressions = std::mem::take(&mut inventory.suppressions);
    let (apps, stats) = (inventory.apps.len(), inventory.stats);
    let org = inventory.org.as_ref().map(|o| o.label());
    // On two threads (half the apps each, one of them with the rest): on
    // two cores the wait below is about halved.
    let mut first_apps = std::mem::take(&mut inventory.apps);
    let second_apps = first_apps.split_off(first_apps.len() / 2);
    let freeing = [
        std::thread::spawn(move || drop(first_apps)),
        std::thread::spawn(move || drop((second_apps, inventory))),
    ];
    let config = &options.config;
    // Paths given inside an app were read as the app's folder: widened
    // again here, only when one was (its note says so).
    let widened: Vec<Option<Widened>> =
        if inventory_diagnostics.iter().any(|d| d.code == APP_CONTEXT) {
            widen(&options.paths)
        } else {
            Vec::new()
        };
    let roots = fingerprint_roots(&options.paths, &widened);

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
    // An org audit cut short, or findings lost, stays said whatever the
    // focus: it is why the run cannot pass (exit 2).
    diagnostics.retain(|d| {
        d.code == APP_CONTEXT
            || d.code == intguard_model::ORG_PARTIAL
            || d.code == intguard_model::FINDINGS_LOST
            || in_focus(&focus, &d.path)
    });
    // A path given that is not read at all (`[paths] ignore`, a build
    // folder) has an `ignored-path` warning saying so: its note that the
    // app was read for it would contradict it (the focus stays on it).
    let not_read: HashSet<String> = diagnostics
        .iter()
        .filter(|d| d.code == "ignored-path")
        .map(|d| d.path.clone())
        .collect();
    diagnostics.retain(|d| d.code != APP_CONTEXT || !not_read.contains(&d.path));

    // By file: each finding is tested against its own file's suppressions.
    let by_file = suppress::ByFile::new(&suppressions);
    // A baseline written before a secret's value counted in its
    // fingerprint holds the one made without it.
    let known = options.baseline.as_ref().map(|b| b.fingerprints());
    let in_baseline = |f: &Finding| {
        known.as_ref().is_some_and(|known| {
            known.contains(f.fingerprint.as_str())
                || f.fingerprint_before_value
                    .as_deref()
                    .is_some_and(|before| known.contains(before))
        })
    };

    // Only waits: dropping these types does not panic.
    for thread in freeing {
        let _ = thread.join();
    }
    // The Inventory's memory, back to the system before the findings are
    // read back and the redactor is built beside them.
    crate::memory::release_freed_memory();
    timer.lap("inventory freed");
    // Built before the findings are read back: the automaton's building
    // takes and frees several times what it keeps, which beside the
    // findings made the peak memory of a large monorepo's scan.
    let redactor = Redactor::new(secrets);
    timer.lap("redactor");
    // Each finding read back is completed, fingerprinted and sorted into
    // what is reported (out of memory until the report reads it),
    // suppressed inline or in the baseline.
    let mut read_back = spill.read_back();
    let mut findings = Collecting::new(report_file(), true);
    let relative = Relative::new(&widened);
    // The paths the findings print, for the secrets that are public text.
    let mut paths: BTreeSet<FilePath> = BTreeSet::new();
    // Those hidden by inline comments and by the baseline: counted by every
    // format, listed by SARIF on request, out of memory too (a baseline of
    // every finding holds them all; a comment hides every finding of its
    // lines). What the comments hid is recorded as they hide it, for the
    // warnings on those that hide nothing.
    let mut suppressed = Collecting::new(report_file(), false);
    let mut uses = suppress::Uses::default();
    let mut baselined = Collecting::new(report_file(), false);
    for mut f in read_back.by_ref() {
        completion.complete(&mut f);
        if let Some(sev) = config.severity_override(f.rule, f.name) {
            f.severity = sev;
        }
        // Named by baseline files for every finding; hashed only for those
        // located by their path.
        f.fingerprint_path = relative_to_roots(&f.location.path, &roots);
        let rel = if f.fingerprint_by_path {
            f.fingerprint_path.as_str()
        } else {
            ""
        };
        let key = if f.fingerprint_key.is_empty() {
            f.message.as_str()
        } else {
            f.fingerprint_key.as_str()
        };
        f.fingerprint = fingerprint(f.rule, rel, key);
        f.fingerprint_before_value = f
            .fingerprint_key_before_value
            .as_deref()
            .map(|before| fingerprint(f.rule, rel, before));
        if !in_focus(&focus, &f.location.path) {
            continue;
        }
        paths.insert(f.location.path.clone());
        paths.extend(f.related.iter().map(|r| r.path.clone()));
        let hidden = by_file.hides(&f);
        if hidden {
            by_file.record_uses(&f, &mut uses);
            // A comment's reason is the file's text, as a diagnostic's is:
            // masked with every secret known.
            let mut reason = by_file.reasons(&f).join("; ");
            if !redactor.is_empty() {
                redactor.redact_in_place(&mut reason);
            }
            f.suppression_reason = Some(reason.into_boxed_str());
        }
        // Asked before the fields it reads are forgotten.
        let known = !hidden && in_baseline(&f);
        f.forget_judging();
        let mut shown = f.location.path.clone();
        relative.rewrite(&mut shown);
        if hidden {
            suppressed.push(f, shown);
        } else if known {
            baselined.push(f, shown);
        } else {
            findings.push(f, shown);
        }
    }
    let lost = read_back.lost() + findings.lost() + suppressed.lost() + baselined.lost();
    drop(read_back);
    drop(completion);
    if lost > 0 {
        // The temporary file failed under the scan: the report lacks
        // findings, and says so (the run cannot pass).
        diagnostics.push(Diagnostic::error(
            intguard_model::FINDINGS_LOST,
            // The folder that holds the file.
            std::env::temp_dir().to_string_lossy(),
            format!("{lost} findings could not be read back from intguard's temporary file: this report is incomplete"),
        ));
    }

    // Of the files whose findings are reported, naming only rules that ran.
    // A scan of some files of an app (a pre-commit hook) reads their app
    // alone: a rule that joins apps, the metadata or the org may find
    // nothing only because the rest was not read, so only comments naming
    // rules that see one app alone are judged there.
    let partial = focus.is_some();
    let judged = suppressions.iter().enumerate().filter(|(_, s)| {
        in_focus(&focus, &s.location.path)
            && if s.rules.is_empty() {
                !partial
            } else {
                let known: Vec<_> = s
                    .rules
                    .iter()
                    .filter_map(|r| intguard_rules::find_rule(r))
                    .collect();
                known.iter().any(|rule| {
                    let m = rule.meta();
                    !config.is_disabled(m.id, m.name)
                }) && (!partial || known.iter().all(|rule| rule.sees_one_app_alone()))
            }
    });
    // Each rule a judged comment names: known, enabled, and in a partial
    // scan one that sees an app alone.
    let judged_rule = |r: &str| {
        intguard_rules::find_rule(r).is_some_and(|rule| {
            let m = rule.meta();
            !config.is_disabled(m.id, m.name) && (!partial || rule.sees_one_app_alone())
        })
    };
    diagnostics.extend(suppress::unused(judged, &uses, judged_rule));

    timer.lap("findings read back, suppressions and baseline");
    // What intguard writes around the secrets (messages, fixes) is not
    // masked for a secret that is public text: a word of intguard's own
    // documentation (`salesforce`, `mulesoft`) or of a path every finding
    // prints (an app's name).
    let docs: Vec<String> = intguard_rules::all_rules()
        .iter()
        .map(|r| {
            let m = r.meta();
            format!("{}\n{}\n{}", m.name, m.summary, m.doc)
        })
        .collect();
    let wording = redactor.without_those_in(
        docs.iter()
            .map(String::as_str)
            .chain(paths.iter().map(|p| p.as_str())),
    );
    drop(paths);
    timer.lap("public secrets");
    diagnostics
        .par_iter_mut()
        .for_each(|d| redactor.redact_in_place(&mut d.message));

    timer.lap("diagnostics masked");
    if !relative.is_empty() {
        for d in &mut diagnostics {
            let mut path = FilePath::from(d.path.as_str());
            relative.rewrite(&mut path);
            d.path = path.into();
        }
    }
    // The reported findings are finished as the report reads them.
    let finishing = Arc::new(Finishing { wording, relative });
    let findings = findings.finish(Arc::clone(&finishing), options.threads);
    let suppressed = suppressed.finish(Arc::clone(&finishing), options.threads);
    let baselined = baselined.finish(finishing, options.threads);
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

/// The report's order of findings (by place and rule; one rule's findings
/// at one place, an org's Health Check settings under IG211, most severe
/// first): path, line, column, rule, severity, then
/// fingerprint, which tells apart one rule's findings at one place (no rule
/// gives two at one place with one fingerprint: `engine/tests/app_pass.rs`
/// checks every fixture tree). The message settles any tie left, so the
/// order never depends on which finding was found first.
pub(crate) fn order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (&a.location, a.rule, a.severity, &a.fingerprint)
        .cmp(&(&b.location, b.rule, b.severity, &b.fingerprint))
        .then_with(|| a.message.cmp(&b.message))
}

/// A root a finding's path is made relative to for its fingerprint: the
/// reported paths under it start with `prefix`; `base` goes in front of
/// the rest.
struct FingerprintRoot {
    prefix: String,
    base: String,
}

impl FingerprintRoot {
    fn plain(prefix: impl Into<String>) -> Self {
        FingerprintRoot {
            prefix: prefix.into(),
            base: String::new(),
        }
    }
}

/// The roots of the paths given, each with the path its findings count
/// from. Inside a git work tree, every root counts from the top of the work
/// tree, so a finding has the fingerprint `scan .` run there gives, whatever
/// the roots, the working directory and the path's spelling: two roots
/// holding the same layout (`team-a/orders`, `team-b/orders`) do not share
/// fingerprints, and a file given alone (a pre-commit hook's, in an app or
/// not) has its `scan .` fingerprint. A path given inside an app was read as
/// its app's folder: it counts from the app's folder outside git (as `scan
/// <app>` gives). Other roots outside git count from themselves, or, when
/// there are several, from the folder holding them all.
fn fingerprint_roots(paths: &[PathBuf], widened: &[Option<Widened>]) -> Vec<FingerprintRoot> {
    let canonical: Vec<Option<PathBuf>> = paths
        .iter()
        .map(|p| std::fs::canonicalize(p).ok())
        .collect();
    // Outside git, several roots count from the folder holding them all.
    let common = if paths.len() > 1 {
        common_folder(canonical.iter().map(|c| c.as_deref().map(folder_of)))
    } else {
        None
    };
    paths
        .iter()
        .enumerate()
        .map(|(i, p)| match widened.get(i).and_then(Option::as_ref) {
            Some(w) => FingerprintRoot {
                prefix: path_text::display_path(&w.shown),
                base: git_work_tree(&w.app)
                    .and_then(|top| w.app.strip_prefix(top).ok())
                    .map(path_text::display_path)
                    .unwrap_or_default(),
            },
            None => {
                let Some(root) = &canonical[i] else {
                    return FingerprintRoot::plain(path_text::display_path(p));
                };
                // A file given alone keeps its name (`relative_to_roots`):
                // its folder is the base.
                let folder = folder_of(root);
                let top = git_work_tree(folder).or(common.as_deref());
                FingerprintRoot {
                    prefix: path_text::display_path(p),
                    base: top
                        .and_then(|top| folder.strip_prefix(top).ok())
                        .map(path_text::display_path)
                        .unwrap_or_default(),
                }
            }
        })
        .collect()
}

/// A canonical root's folder: itself, or a file's parent.
fn folder_of(root: &Path) -> &Path {
    if root.is_dir() {
        root
    } else {
        root.parent().unwrap_or(root)
    }
}

/// The deepest folder holding every one of `folders`; `None` when one is
/// unknown (a root that does not exist).
fn common_folder<'a>(mut folders: impl Iterator<Item = Option<&'a Path>>) -> Option<PathBuf> {
    let mut common = folders.next()??.to_path_buf();
    for f in folders {
        let f = f?;
        while !f.starts_with(&common) {
            common = common.parent()?.to_path_buf();
        }
    }
    Some(common)
}

/// The top of the git work tree holding `dir` (canonical): the nearest
/// folder, `dir` or above, with a `.git` (a folder, or a file in a linked
/// work tree or submodule).
fn git_work_tree(dir: &Path) -> Option<&Path> {
    dir.ancestors().find(|d| d.join(".git").exists())
}

/// The path relative to the root it was found under, so fingerprints do not
/// depend on the working directory. When roots nest, the outermost one
/// containing the path counts: the walk drops a root inside another, so
/// adding a redundant nested root changes no fingerprint.
fn relative_to_roots(path: &str, roots: &[FingerprintRoot]) -> String {
    roots
        .iter()
        .filter_map(|root| {
            let r = root.prefix.trim_end_matches('/');
            let rest = if path == r {
                // A file given directly: keep its name.
                path.rsplit('/').next().unwrap_or(path)
            } else {
                path.strip_prefix(r)?.strip_prefix('/')?
            };
            Some((rest, &root.base))
        })
        .max_by_key(|(rest, _)| rest.len())
        .map(|(rest, base)| match base.as_str() {
            "" => rest.to_string(),
            base => format!("{base}/{rest}"),
        })
        .unwrap_or_else(|| path.trim_start_matches("./").to_string())
}

/// Reported paths under an app read at its absolute path only because the
/// relative path given could not be climbed to it (`scan prod.yaml` in the
/// app's `properties` folder), made relative to the working directory
/// again, as the path was given: `prod.yaml`, `../../mule/global.xml`.
pub(crate) struct Relative {
    /// The working directory, canonical, `/`-separated.
    cwd: Vec<String>,
    /// Each such app's absolute path + `/`.
    apps: Vec<String>,
}

impl Relative {
    pub(crate) fn new(widened: &[Option<Widened>]) -> Self {
        let cwd = std::env::current_dir()
            .and_then(std::fs::canonicalize)
            .map(|d| components(&path_text::display_path(&d)))
            .unwrap_or_default();
        let apps = if cwd.is_empty() {
            Vec::new()
        } else {
            widened
                .iter()
                .flatten()
                .filter(|w| w.shown_absolute)
                .map(|w| {
                    format!(
                        "{}/",
                        path_text::display_path(&w.shown).trim_end_matches('/')
                    )
                })
                .collect()
        };
        Relative { cwd, apps }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.apps.is_empty()
    }

    fn rewrite(&self, path: &mut FilePath) {
        if self.apps.iter().any(|app| path.starts_with(app.as_str())) {
            *path = FilePath::from(relative_path(&self.cwd, path));
        }
    }

    /// A finding's paths, its related places' too, as shown.
    pub(crate) fn rewrite_finding(&self, f: &mut Finding) {
        if self.is_empty() {
            return;
        }
        self.rewrite(&mut f.location.path);
        for r in &mut f.related {
            self.rewrite(&mut r.path);
        }
    }
}

fn components(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// `path` (absolute, `/`-separated) relative to the folder `from` (its
/// components), climbing with `..` where it must.
fn relative_path(from: &[String], path: &str) -> String {
    let to = components(path);
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(to[common..].iter().map(String::as_str));
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

pub(crate) fn add_snippets(findings: &mut [Finding], redactor: &Redactor) {
    let mut wanted: HashMap<&str, Vec<(u32, u32)>> = HashMap::new();
    for f in findings.iter() {
        if f.location.line > 0 {
            wanted
                .entry(f.location.path.as_str())
                .or_default()
                .push((f.location.line, f.location.column));
        }
    }
    // Each line read and masked once, however many findings it holds (a
    // minified file's one line can hold 50,000), files in parallel; then
    // each finding's window cut from it (the line's start, or around the
    // column on a long line), with the caret's column in it. The findings
    // showing one text share it (at one place, or on lines alike).
    let windows: HashMap<String, Windows> = wanted
        .into_par_iter()
        .map(|(path, places)| {
            (
                path.to_string(),
                file_windows(path, places, redactor, None).0,
            )
        })
        .collect();
    set_snippets(findings, &windows);
}

/// [`add_snippets`] of one batch of a file's findings (`findings`, all at
/// one path): a file holding more than a batch's are read back in several
/// (`reported::FILE_GROUP_MAX`). `carried`: what the batch before left of
/// the file; what this one leaves for the next is returned when `more`
/// follow. Each batch then reads on where the one before stopped, and a
/// long line holding findings of both is masked once: read again from the
/// file's start and masked again for each, 100,000 findings on one 6 MB
/// line took 2 s of the report.
pub(crate) fn add_file_snippets(
    findings: &mut [Finding],
    redactor: &Redactor,
    carried: Option<CarriedLines>,
    more: bool,
) -> Option<CarriedLines> {
    let Some(path) = findings.first().map(|f| f.location.path.to_string()) else {
        return carried.filter(|_| more);
    };
    let places = findings
        .iter()
        .filter(|f| f.location.line > 0)
        .map(|f| (f.location.line, f.location.column))
        .collect();
    let carried = carried.filter(|c| c.path == path);
    let (windows, left) = file_windows(&path, places, redactor, carried);
    set_snippets(findings, &HashMap::from_iter([(path, windows)]));
    more.then_some(left)
}

/// What reading a file's snippets leaves for the next batch of its
/// findings ([`add_file_snippets`]).
pub(crate) struct CarriedLines {
    path: String,
    /// Where the reading stopped: the start of the last line read.
    position: Option<snippet::ReadPosition>,
    /// That line, masked, when it is long enough that masking it again
    /// would cost more than holding it ([`CARRIED_LINE_MIN`]).
    line: Option<(u32, snippet::MaskedLine)>,
}

/// A line of at least this many bytes is carried to the next batch of its
/// file's findings masked.
const CARRIED_LINE_MIN: usize = 64 << 10;

type Windows = HashMap<(u32, u32), (String, Option<u32>)>;

/// The snippets of the findings at `places` of the file at `path`, and
/// what the reading leaves for a next batch of its findings.
fn file_windows(
    path: &str,
    mut places: Vec<(u32, u32)>,
    redactor: &Redactor,
    carried: Option<CarriedLines>,
) -> (Windows, CarriedLines) {
    places.sort_unstable();
    places.dedup();
    let mut lines: Vec<u32> = places.iter().map(|p| p.0).collect();
    lines.dedup();
    let (position, mut held) = carried.map_or((None, None), |c| (c.position, c.line));
    // The line carried masked is not read again.
    held = held.filter(|(n, _)| lines.contains(n));
    let to_read: Vec<u32> = match &held {
        Some((n, _)) => lines.iter().copied().filter(|l| l != n).collect(),
        None => lines.clone(),
    };
    let (mut texts, position) = if to_read.is_empty() {
        (Default::default(), position)
    } else {
        snippet::read_lines_from(path, &to_read, position, redactor)
    };
    let mut out = Windows::new();
    let mut at = 0;
    let mut last: Option<(u32, snippet::MaskedLine)> = None;
    for line in lines {
        let here = places[at..].partition_point(|p| p.0 == line);
        let masked = match &held {
            Some((n, _)) if *n == line => held.take().map(|(_, masked)| masked),
            _ => texts
                .remove(&line)
                .map(|text| snippet::MaskedLine::read(text, redactor)),
        };
        if let Some(masked) = masked {
            for &(line, column) in &places[at..at + here] {
                out.insert((line, column), masked.window(column, redactor));
            }
            last = Some((line, masked));
        }
        at += here;
    }
    let left = CarriedLines {
        path: path.to_string(),
        position,
        line: last.filter(|(_, m)| m.original_len() >= CARRIED_LINE_MIN),
    };
    (out, left)
}

/// Each finding's snippet from its file's `windows`.
fn set_snippets(findings: &mut [Finding], windows: &HashMap<String, Windows>) {
    let mut texts: HashSet<SharedStr> = HashSet::new();
    for f in findings.iter_mut() {
        let Location { path, line, column } = &f.location;
        if let Some((shown, caret)) = windows
            .get(path.as_str())
            .and_then(|m| m.get(&(*line, *column)))
        {
            f.snippet_column = caret.filter(|c| c != column);
            f.snippet = Some(crate::spill::shared(&mut texts, shown));
        }
    }
}

/// The texts findings share (fixes, related places' messages: one text for
/// many findings, `spill`), each with its masked form: searched for secrets
/// once per thread, not once per finding (4,871 related messages, 552
/// different, in a 1,000-app scan).
pub(crate) type MaskedShared = HashMap<SharedStr, SharedStr>;

pub(crate) fn redact_finding(f: &mut Finding, redactor: &Redactor, done: &mut MaskedShared) {
    if redactor.is_empty() {
        return;
    }
    redactor.redact_in_place(&mut f.message);
    redact_shared_once(&mut f.fix, redactor, done);
    if let Some(id) = &mut f.identity {
        redactor.redact_in_place(id);
    }
    for r in &mut f.related {
        redact_shared_once(&mut r.message, redactor, done);
    }
}

/// [`Redactor::redact_shared`] of `text`, or what it made of the same text
/// before.
fn redact_shared_once(text: &mut SharedStr, redactor: &Redactor, done: &mut MaskedShared) {
    if let Some(masked) = done.get(text.as_str()) {
        *text = masked.clone();
        return;
    }
    let original = text.clone();
    redactor.redact_shared(text);
    done.insert(original, text.clone());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings of one rule at one place are listed most severe first, not
    /// in their fingerprints' order.
    #[test]
    fn one_rules_findings_at_one_place_are_sorted_most_severe_first() {
        use intguard_model::Severity;
        let meta = intguard_rules::all_rules()
            .into_iter()
            .find(|r| r.meta().id == "IG211")
            .unwrap()
            .meta();
        let at = Location::new("org://acme/HealthCheck", 1, 1);
        let mut findings: Vec<Finding> = [
            (Severity::Low, "a"),
            (Severity::High, "b"),
            (Severity::Medium, "c"),
        ]
        .into_iter()
        .map(|(severity, fingerprint)| {
            let mut f = Finding::new(meta, at.clone(), "a Health Check setting");
            f.severity = severity;
            f.fingerprint = fingerprint.to_string();
            f
        })
        .collect();
        findings.sort_unstable_by(order);
        let order: Vec<Severity> = findings.iter().map(|f| f.severity).collect();
        assert_eq!(order, [Severity::High, Severity::Medium, Severity::Low]);
    }

    /// A file's findings finished in two batches show the snippets they
    /// show finished at once; the second batch takes the long line the
    /// first masked as it was (written over in between, the file would
    /// show otherwise) and reads on where the first stopped.
    #[test]
    fn batches_of_one_files_findings_show_what_one_batch_shows() {
        let meta = intguard_rules::all_rules()
            .into_iter()
            .find(|r| r.meta().id == "IG102")
            .unwrap()
            .meta();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("global.xml");
        let secret = "Sup3rSecretValue1";
        let element = format!("<set-variable variableName=\"apiPassword\" value=\"{secret}\"/>");
        let long: String = element.repeat(2_000);
        assert!(long.len() > CARRIED_LINE_MIN);
        let text = format!("<mule>\n{long}\n<flow name=\"f\"/>\n</mule>\n");
        std::fs::write(&path, &text).unwrap();
        let shown = path.to_str().unwrap();
        let at = |line, column| {
            let mut f = Finding::new(meta, Location::new(shown, line, column), "m");
            f.fingerprint = format!("{line}:{column}");
            f
        };
        let column = |i: usize| (i * element.len() + 43) as u32;
        let places = [
            (1, 1),
            (2, column(0)),
            (2, column(900)),
            (2, column(1_999)),
            (3, 1),
        ];
        let redactor = Redactor::new([secret.to_string()]);
        let mut whole: Vec<Finding> = places.iter().map(|&(l, c)| at(l, c)).collect();
        add_snippets(&mut whole, &redactor);
        assert!(whole.iter().all(|f| f.snippet.is_some()));
        assert!(whole
            .iter()
            .all(|f| !f.snippet.as_ref().unwrap().contains(secret)));
        let mut first: Vec<Finding> = places[..3].iter().map(|&(l, c)| at(l, c)).collect();
        let carried = add_file_snippets(&mut first, &redactor, None, true);
        let held = carried
            .as_ref()
            .and_then(|c| c.line.as_ref())
            .map(|(n, _)| *n);
        assert_eq!(held, Some(2));
        // The long line written over, as long: only a line read again
        // would show it.
        let other = text.replace(&long, &"x".repeat(long.len()));
        std::fs::write(&path, other).unwrap();
        let mut second: Vec<Finding> = places[3..].iter().map(|&(l, c)| at(l, c)).collect();
        assert!(add_file_snippets(&mut second, &redactor, carried, false).is_none());
        let snippets = |fs: &[Finding]| -> Vec<(Option<String>, Option<u32>)> {
            fs.iter()
                .map(|f| (f.snippet.as_ref().map(|s| s.to_string()), f.snippet_column))
                .collect()
        };
        let batched: Vec<_> = snippets(&first)
            .into_iter()
            .chain(snippets(&second))
            .collect();
        assert_eq!(batched, snippets(&whole));
        // Without what the first left, the second shows the file as it is.
        let mut alone: Vec<Finding> = places[3..4].iter().map(|&(l, c)| at(l, c)).collect();
        add_file_snippets(&mut alone, &redactor, None, false);
        assert!(alone[0].snippet.as_ref().unwrap().contains("xxxx"));
    }

    /// Every finding at one place shows its line, masked, and the findings
    /// showing one text share it (one copy held).
    #[test]
    fn findings_at_one_place_each_show_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("global.xml");
        std::fs::write(
            &path,
            "<x>\n  <sfdc:config password=\"Sup3rS3cretPw\" username=\"int@acme.com\"/>\n",
        )
        .unwrap();
        let path = path.to_string_lossy().to_string();
        let meta = intguard_rules::all_rules()
            .into_iter()
            .find(|r| r.meta().id == "IG102")
            .unwrap()
            .meta();
        let mut findings: Vec<Finding> = [(2, 3), (2, 3), (2, 3), (2, 18), (9, 1)]
            .into_iter()
            .map(|(line, column)| {
                Finding::new(meta, Location::new(path.as_str(), line, column), "m")
            })
            .collect();
        let redactor = Redactor::new(["Sup3rS3cretPw".to_string()]);
        add_snippets(&mut findings, &redactor);
        let shown: Vec<Option<&str>> = findings.iter().map(|f| f.snippet.as_deref()).collect();
        let line = shown[0].expect("a snippet");
        assert!(line.contains("sfdc:config password=") && line.contains("int@acme.com"));
        assert!(!line.contains("Sup3rS3cretPw"), "{line}");
        assert_eq!(shown[..4], [Some(line); 4]);
        assert!(shown[..4]
            .iter()
            .all(|s| s.unwrap().as_ptr() == line.as_ptr()));
        // No line 9.
        assert_eq!(shown[4], None);
    }

    fn plain(roots: &[&str]) -> Vec<FingerprintRoot> {
        roots.iter().map(|r| FingerprintRoot::plain(*r)).collect()
    }

    #[test]
    fn paths_are_made_relative_to_their_root() {
        let roots = plain(&["examples/acme", "./other/"]);
        assert_eq!(
            relative_to_roots("examples/acme/a/b.xml", &roots),
            "a/b.xml"
        );
        assert_eq!(relative_to_roots("./other/x.yaml", &roots), "x.yaml");
        assert_eq!(relative_to_roots("elsewhere/y", &roots), "elsewhere/y");
    }

    /// A path given inside an app was read as the app's folder, spelt as
    /// given (`.`, `../..`, its absolute path): its findings get the path
    /// from the top of the git work tree, as `scan .` run there gives.
    #[test]
    fn a_widened_root_counts_from_its_base() {
        let app = |prefix: &str| FingerprintRoot {
            prefix: prefix.to_string(),
            base: "apps/orders-sapi".to_string(),
        };
        for (prefix, path) in [
            (".", "./src/a.yaml"),
            ("../..", "../../src/a.yaml"),
            ("/r/apps/orders-sapi", "/r/apps/orders-sapi/src/a.yaml"),
        ] {
            assert_eq!(
                relative_to_roots(path, &[app(prefix)]),
                "apps/orders-sapi/src/a.yaml"
            );
        }
        // Another root holding it still counts first.
        let roots = [FingerprintRoot::plain("apps"), app("apps/orders-sapi")];
        assert_eq!(
            relative_to_roots("apps/orders-sapi/src/a.yaml", &roots),
            "orders-sapi/src/a.yaml"
        );
    }

    #[test]
    fn paths_are_made_relative_to_the_working_directory() {
        let cwd = components("/r/app/src/main/resources");
        assert_eq!(
            relative_path(&cwd, "/r/app/src/main/resources/prod.yaml"),
            "prod.yaml"
        );
        assert_eq!(
            relative_path(&cwd, "/r/app/src/main/mule/global.xml"),
            "../mule/global.xml"
        );
        assert_eq!(relative_path(&cwd, "/r/app/pom.xml"), "../../../pom.xml");
        assert_eq!(relative_path(&cwd, "/r/app/src/main/resources"), ".");
    }

    #[test]
    fn the_outermost_root_containing_a_path_counts() {
        let roots = ["acme", "acme/orders-sapi", "acme/orders"];
        let reversed: Vec<&str> = roots.iter().rev().copied().collect();
        for order in [plain(&roots), plain(&reversed)] {
            assert_eq!(
                relative_to_roots("acme/orders-sapi/src/a.xml", &order),
                "orders-sapi/src/a.xml"
            );
        }
    }
}
