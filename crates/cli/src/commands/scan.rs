use std::borrow::Cow;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use intguard_engine::{
    read_inventory, run_rules, scan, Baseline, Config, ReportedFindings, ScanOptions, ScanOutcome,
};
use intguard_model::{Finding, Severity};
use intguard_report::{
    write, FindingSource, Findings, Format, Hidden, Report, Summary, TextOptions,
};

use super::inputs;
use crate::{exit, output};

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Sarif,
    Markdown,
    /// A self-contained page for people (no script, loads nothing).
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    /// Any finding at all, test sources' lowered ones included.
    Info,
    None,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How to report (shared by `scan` and `org audit`).
#[derive(Args)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, short, value_enum, default_value = "text")]
    format: FormatArg,
    /// Write the report to FILE instead of standard output (`-`: standard
    /// output). A FILE that is one of the scan's inputs is refused.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity [default: high, or
    /// `fail-on` in intguard.toml].
    #[arg(long, value_enum, ignore_case = true)]
    fail_on: Option<FailOn>,
    /// When to colour text output (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// SARIF only: also list the findings inline comments and the baseline
    /// hide, as results with `suppressions` (the comment's reason, the
    /// baseline file). Off by default: GitHub code scanning does not read
    /// `suppressions` and would open an alert for each.
    #[arg(long)]
    sarif_suppressions: bool,
}

impl ReportArgs {
    /// Refuses options that do not go together, before anything is read.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.sarif_suppressions && !matches!(self.format, FormatArg::Sarif) {
            return Err(
                "--sarif-suppressions applies to --format sarif only (the other formats count the hidden findings in their summary)".to_string(),
            );
        }
        Ok(())
    }
}

#[derive(Args)]
pub struct ScanArgs {
    /// Folders or files to scan (default: the current folder).
    paths: Vec<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
    /// Config file, applied to every root [default: the intguard.toml of the first scan root
    /// that has one, else of the nearest folder above a root, up to its git repository's top
    /// (outside git, its Mule app's or Salesforce project's folder)].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// An org snapshot (`intguard org audit --snapshot FILE`) to audit with the paths, so the
    /// apps' usernames meet the org's real users, offline.
    #[arg(long, value_name = "FILE")]
    org_snapshot: Option<PathBuf>,
    /// Report only findings whose fingerprint is not in this baseline.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write every current finding's fingerprint to FILE (accepting them).
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Worker threads (default: all cores; at most 256: each thread is
    /// started up front, and thousands of them only cost time and memory).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=256))]
    threads: u16,
    /// Follow symbolic links: a folder or file linked into an app (a shared
    /// config folder) is read as part of it. Loops are reported, not followed.
    #[arg(long, short = 'L')]
    follow: bool,
}

pub fn run(args: ScanArgs) -> i32 {
    if let Err(e) = args.report.check() {
        return exit::usage_error(e);
    }
    let (paths, config) = match inputs::paths_and_config(&args.paths, args.config.as_deref()) {
        Ok(x) => x,
        Err(e) => return exit::usage_error(e),
    };
    if let Err(e) = output_is_no_input(&args, config.source.as_deref())
        .and_then(|()| {
            output::refuse_output_over_walked_file(args.report.output.as_deref(), &paths)
        })
        .and_then(|()| {
            output::refuse_unwritable(
                "--output",
                output::output_file(args.report.output.as_deref()),
            )
        })
        .and_then(|()| {
            output::refuse_unwritable("--write-baseline", args.write_baseline.as_deref())
        })
    {
        return exit::usage_error(e);
    }
    let baseline = match &args.baseline {
        Some(path) => match Baseline::load(path) {
            Ok(b) => Some(b),
            Err(e) => return exit::usage_error(e),
        },
        None => None,
    };
    let snapshot = match inputs::org_snapshot(args.org_snapshot.as_deref()) {
        Ok(s) => s,
        Err(e) => return exit::usage_error(e),
    };

    let options = ScanOptions {
        paths,
        config,
        baseline,
        threads: usize::from(args.threads),
        follow_symlinks: args.follow,
        paths_only: snapshot.is_none(),
    };
    let mut outcome = match &snapshot {
        Some(snapshot) => {
            let mut inventory = read_inventory(&options);
            intguard_org::join(snapshot, &mut inventory);
            run_rules(inventory, &options)
        }
        None => scan(&options),
    };

    quiet_about_the_baseline_given(&mut outcome, args.baseline.as_deref());

    if let Some(path) = &args.write_baseline {
        let (reported, known) = (
            std::mem::take(&mut outcome.findings),
            std::mem::take(&mut outcome.baselined),
        );
        let (accepted, mut baselined) = (reported.to_vec(), known.to_vec());
        let lost = reported.lost() + known.lost();
        if lost > 0 {
            return exit::usage_error(format!(
                "{lost} findings could not be read back from intguard's temporary file: the baseline {} was not written",
                path.display()
            ));
        }
        let baseline = Baseline::from_findings(accepted.iter().chain(&baselined));
        let written = output::to_file(path, |out| out.write_all(baseline.to_json().as_bytes()));
        if let Err(e) = written {
            return exit::usage_error(format!("cannot write baseline {}: {e}", path.display()));
        }
        eprintln!(
            "intguard: wrote {} fingerprints to {}",
            baseline.findings.len(),
            path.display()
        );
        // Everything just written is accepted: report it as baselined.
        baselined.extend(accepted);
        outcome.baselined = ReportedFindings::held(baselined);
    }

    // The baseline that hides findings: the one written, which holds
    // every fingerprint of the one read too, else the one read.
    let baseline = args.write_baseline.as_deref().or(args.baseline.as_deref());
    report(
        &outcome,
        &args.report,
        &options.config,
        &options.paths,
        baseline,
    )
}

/// The `--baseline` file, kept in the folder scanned as the README's CI
/// recipe keeps `intguard-baseline.json`, is skipped as any baseline
/// intguard wrote, but without its `intguard-report` warning: the run reads
/// it on purpose, and a warning on every run (a notification in every SARIF
/// upload, a diagnostics section in every pull-request comment) said
/// nothing. A file shaped like a baseline that is audited after all keeps
/// its note.
fn quiet_about_the_baseline_given(outcome: &mut ScanOutcome, baseline: Option<&Path>) {
    let Some(given) = baseline.and_then(|p| std::fs::canonicalize(p).ok()) else {
        return;
    };
    outcome.diagnostics.retain(|d| {
        !(d.code == "intguard-report"
            && d.message.starts_with("skipped:")
            && std::fs::canonicalize(&d.path).is_ok_and(|p| p == given))
    });
}

/// The folder SARIF's relative URIs count from (`%SRCROOT%`), whatever the
/// spelling of the paths scanned (`apps`, `/ci/workspace/apps`): the top of
/// the git work tree the working directory lies in, when it holds a path
/// scanned (GitHub reads relative URIs against the repository root); else
/// that of the first path scanned that lies in one; else, outside git, the
/// working directory (`None`) when it holds a path scanned, or the folder
/// holding them all (`cd /tmp && intguard scan /data/apps`). Files outside
/// it get absolute URIs.
fn sarif_source_root(working: &Path, paths: &[PathBuf]) -> Option<PathBuf> {
    let git_top = |dir: &Path| {
        dir.ancestors()
            .find(|d| d.join(".git").exists())
            .map(Path::to_path_buf)
    };
    let folders: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| std::fs::canonicalize(working.join(p)).ok())
        .map(|p| match p.parent() {
            Some(parent) if !p.is_dir() => parent.to_path_buf(),
            _ => p,
        })
        .collect();
    let holds_one = |top: &Path| folders.is_empty() || folders.iter().any(|f| f.starts_with(top));
    if let Some(top) = git_top(working).filter(|t| holds_one(t)) {
        return Some(top);
    }
    if let Some(top) = folders.iter().find_map(|f| git_top(f)) {
        return Some(top);
    }
    if holds_one(working) {
        return None;
    }
    let mut common = folders.first()?.clone();
    while !folders.iter().all(|f| f.starts_with(&common)) {
        common = common.parent()?.to_path_buf();
    }
    Some(common)
}

/// Refuses a `--output` that is one of the scan's own inputs: a file given
/// to scan, the config, the org snapshot or a baseline (a report written
/// over `--write-baseline`'s file left an unreadable baseline while saying
/// it was written).
fn output_is_no_input(args: &ScanArgs, config: Option<&Path>) -> Result<(), String> {
    let mut inputs: Vec<(&Path, &str)> = args
        .paths
        .iter()
        .filter(|p| p.is_file())
        .map(|p| (p.as_path(), "a file it scans"))
        .collect();
    // The config given or found.
    inputs.extend(config.map(|p| (p, "the config")));
    inputs.extend(
        args.org_snapshot
            .as_deref()
            .map(|p| (p, "the org snapshot")),
    );
    inputs.extend(args.baseline.as_deref().map(|p| (p, "the baseline")));
    inputs.extend(
        args.write_baseline
            .as_deref()
            .map(|p| (p, "the baseline it writes")),
    );
    output::refuse_output_over_inputs(args.report.output.as_deref(), &inputs)
}

/// Renders the outcome of a scan of `paths` (none for an org audit alone)
/// as asked and returns the exit code.
/// `baseline`: the baseline file hiding `outcome.baselined`, as given.
pub fn report(
    outcome: &ScanOutcome,
    args: &ReportArgs,
    config: &Config,
    paths: &[PathBuf],
    baseline: Option<&Path>,
) -> i32 {
    let fail_on = match args.fail_on {
        Some(FailOn::None) => None,
        Some(f) => Some(to_severity(f)),
        None => config.fail_on().unwrap_or(Some(Severity::High)),
    };
    let failed = fail_on.is_some_and(|t| outcome.count_at_least(t) > 0);
    let summary = Summary {
        files: outcome.files,
        bytes: outcome.bytes,
        apps: outcome.apps,
        org: outcome.org.clone(),
        total: outcome.findings.len(),
        by_severity: outcome.by_severity(),
        suppressed: outcome.suppressed.len(),
        baselined: outcome.baselined.len(),
        diagnostics: outcome.diagnostics.len(),
        fail_on,
        failed,
    };
    let working_directory = std::env::current_dir().ok();
    let source_root = working_directory
        .as_deref()
        .and_then(|dir| sarif_source_root(dir, paths));
    // The paths spelt through a symbolic link: SARIF reads the findings'
    // paths under them as under what they lead to.
    let linked_paths: Vec<(PathBuf, PathBuf)> = working_directory
        .as_deref()
        .map(|dir| {
            paths
                .iter()
                .filter_map(|p| {
                    let spelt = dir.join(p);
                    let target = std::fs::canonicalize(&spelt).ok()?;
                    (target != spelt).then_some((spelt, target))
                })
                .collect()
        })
        .unwrap_or_default();
    let baseline_name = baseline.map(|p| p.display().to_string());
    // Listed (SARIF only, on request): read back whole; otherwise counted.
    let (suppressed, baselined): (Vec<Finding>, Vec<Finding>) = if args.sarif_suppressions {
        (outcome.suppressed.to_vec(), outcome.baselined.to_vec())
    } else {
        (Vec::new(), Vec::new())
    };
    let disabled_rules: Vec<&'static str> = outcome
        .rules
        .iter()
        .filter(|r| config.is_disabled(r.id, r.name))
        .map(|r| r.id)
        .collect();
    let report = Report {
        tool_name: "intguard",
        tool_version: env!("CARGO_PKG_VERSION"),
        findings: Findings::Read(&Reported(&outcome.findings)),
        diagnostics: &outcome.diagnostics,
        rules: &outcome.rules,
        disabled_rules: &disabled_rules,
        summary: &summary,
        working_directory: working_directory.as_deref(),
        source_root: source_root.as_deref(),
        linked_paths: &linked_paths,
        hidden: args.sarif_suppressions.then(|| Hidden {
            suppressed: &suppressed,
            baselined: &baselined,
            baseline: baseline_name.as_deref(),
        }),
    };
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Html => Format::Html,
    };
    let file = output::output_file(args.output.as_deref());
    let to_terminal = file.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let options = TextOptions { color };
    let mut timer = intguard_engine::PhaseTimer::start();
    let written = match file {
        Some(path) => output::to_file(path, |out| write(format, &report, &options, out))
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => output::to_stdout(|out| write(format, &report, &options, out))
            .map_err(|e| format!("cannot write the report: {e}")),
    };
    if let Err(e) = written {
        return exit::usage_error(e);
    }
    timer.lap("report");
    // An org audit cut short (live or from its snapshot): the report holds
    // what was read, but the run cannot pass, whatever was found (exit 2, as
    // the same stops did before a partial report was written).
    if outcome
        .diagnostics
        .iter()
        .any(|d| d.code == intguard_model::ORG_PARTIAL)
    {
        eprintln!(
            "intguard: the org audit is partial (see the {} diagnostic): exit {}",
            intguard_model::ORG_PARTIAL,
            exit::USAGE
        );
        return exit::USAGE;
    }
    // Findings the engine could not read back from its temporary file: the
    // report lacks them, so the run cannot pass either.
    let lost = outcome.findings.lost() + outcome.suppressed.lost() + outcome.baselined.lost();
    if lost > 0 {
        eprintln!(
            "intguard: {lost} findings could not be read back from intguard's temporary file as the report was written: the report lacks them: exit {}",
            exit::USAGE
        );
        return exit::USAGE;
    }
    if outcome
        .diagnostics
        .iter()
        .any(|d| d.code == intguard_model::FINDINGS_LOST)
    {
        eprintln!(
            "intguard: the report lacks findings (see the {} diagnostic): exit {}",
            intguard_model::FINDINGS_LOST,
            exit::USAGE
        );
        return exit::USAGE;
    }
    if failed {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

/// A scan's reported findings, as a reporter reads them.
struct Reported<'a>(&'a ReportedFindings);

impl FindingSource for Reported<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn iter(&self) -> Box<dyn Iterator<Item = Cow<'_, Finding>> + '_> {
        self.0.iter()
    }

    fn iter_without_snippets(&self) -> Box<dyn Iterator<Item = Cow<'_, Finding>> + '_> {
        self.0.iter_without_snippets()
    }

    fn heads(&self) -> Box<dyn Iterator<Item = (&'static str, Severity)> + '_> {
        self.0.heads()
    }
}

fn to_severity(f: FailOn) -> Severity {
    match f {
        FailOn::Critical => Severity::Critical,
        FailOn::High => Severity::High,
        FailOn::Medium => Severity::Medium,
        FailOn::Low => Severity::Low,
        FailOn::Info | FailOn::None => Severity::Info,
    }
}
