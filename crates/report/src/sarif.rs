//! The SARIF 2.1.0 format, for GitHub code scanning and other SARIF viewers.
//!
//! One run; `tool.driver.rules` holds every rule with its documentation, a
//! default level and the `security-severity` GitHub uses to rank alerts;
//! results point at their rule by id and index and carry a stable
//! `partialFingerprints` entry. GitHub takes an alert's severity from its
//! rule's `security-severity`, never from the result, so a finding whose
//! severity is not its rule's default (a tiered rule, an `intguard.toml`
//! override) points at a descriptor of its own for that severity,
//! `<rule>/<severity>` (`IG302/high`), listed after the rules; diagnostics become tool execution
//! notifications; the run's `properties` count the findings not listed,
//! `suppressed` and `baselined`, as the other formats do. With
//! [`Report::hidden`] (`--sarif-suppressions`) those are listed too, after
//! the reported ones, as results with `suppressions` (`inSource` with the
//! comment's reason, `external` naming the baseline); it is not the default
//! because GitHub code scanning ignores `suppressions` and would open an
//! alert for each. The types below
//! are the subset of the schema we emit, with the schema's property names;
//! their field order is the output's key order.
//!
//! Paths: a file inside `%SRCROOT%` is a URI relative to it, whether its
//! path was written relative (to the working directory) or absolute, or
//! through a symbolic link to a scanned path (`Report::linked_paths`);
//! `run.originalUriBaseIds` names it when the caller knows it: the top of
//! the repository the scanned files lie in, else the working directory
//! (GitHub reads relative URIs against the repository root, so a scan run
//! in a subfolder, or given `$GITHUB_WORKSPACE`, still places its alerts;
//! it converts absolute `file:` URIs with the invocation's
//! `workingDirectory`). A file outside it is an absolute `file:` URI with
//! no base id: SARIF allows a base id only on a relative reference.

use std::collections::BTreeMap;
use std::path::Path;

use intguard_model::{path_text, Diagnostic, DiagnosticLevel, Finding, RuleMeta, Severity};
use serde::{Serialize, Serializer};

use crate::{Findings, Hidden, Report};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SARIF_VERSION: &str = "2.1.0";
/// The key of our entry in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "intguardFingerprint/v1";
/// The base id of every relative artifact URI: the source root.
pub const SRCROOT: &str = "%SRCROOT%";
/// The tool's home page for SARIF viewers: the package's `repository`, left
/// out while it has none (a placeholder link would lead nowhere).
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    /// intguard counts columns in characters; SARIF's default is UTF-16
    /// code units, which differ after a character outside the BMP (an
    /// emoji in a comment).
    column_kind: &'static str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    original_uri_base_ids: BTreeMap<&'static str, BaseUri>,
    results: Results<'a>,
    invocations: Vec<Invocation>,
    properties: RunProperties,
}

/// What the run found but does not list as results, counted as the other
/// formats count it: a log of no results says whether that is because
/// nothing was found or because everything was known.
#[derive(Serialize)]
struct RunProperties {
    /// Findings hidden by inline `intguard-ignore` comments.
    suppressed: usize,
    /// Findings hidden because their fingerprint is in the baseline.
    baselined: usize,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Help>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize, Clone)]
struct Text {
    text: String,
}

impl Text {
    fn new(text: impl Into<String>) -> Self {
        Text { text: text.into() }
    }
}

#[derive(Serialize, Clone)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize, Clone)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize, Clone)]
struct RuleProperties {
    tags: Vec<&'static str>,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    precision: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    working_directory: Option<BaseUri>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    rule_configuration_overrides: Vec<ConfigurationOverride>,
}

/// A rule this run did not apply (`intguard.toml` disables it): SARIF's
/// `configurationOverride` with `enabled: false`.
#[derive(Serialize)]
struct ConfigurationOverride {
    descriptor: IndexedDescriptorReference,
    configuration: Disabled,
}

#[derive(Serialize)]
struct IndexedDescriptorReference {
    id: String,
    index: usize,
}

#[derive(Serialize)]
struct Disabled {
    enabled: bool,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    descriptor: DescriptorReference,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
struct DescriptorReference {
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    partial_fingerprints: BTreeMap<&'static str, String>,
    /// Why a finding intguard does not report is hidden (only with
    /// [`Report::hidden`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: ResultProperties,
}

/// SARIF's `suppression`: `inSource` for an `intguard-ignore` comment,
/// `external` for the baseline; `accepted`, as intguard applied it.
#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
struct ResultProperties {
    severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    environments: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

/// An absolute folder URI (`originalUriBaseIds`, `workingDirectory`): SARIF
/// wants it to end with `/`.
#[derive(Serialize)]
struct BaseUri {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

/// SARIF `level`: critical and high fail, medium warns, the rest are notes.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The `security-severity` score GitHub maps back to critical, high, medium
/// and low (it has no "info": 1.0 shows as low).
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.0",
        Severity::High => "7.0",
        Severity::Medium => "5.0",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// GitHub code scanning's hard limits on an upload ("SARIF results exceed
/// one or more limits", docs.github.com): a run of more results, or a result
/// with more locations, gets the whole file rejected, and no finding shows.
/// A log stays within them: the most severe results are kept, and a result
/// keeps its first related locations; a notification, or the result's
/// message, says what was left out (the JSON report lists everything).
pub const MAX_RESULTS: usize = 25_000;
/// See [`MAX_RESULTS`]: the result's own location and its related ones.
pub const MAX_LOCATIONS_PER_RESULT: usize = 1_000;

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// [`render`] into `out` as it is serialized: a log of thousands of results
/// is not held in memory a second time as text.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let artifacts = Artifacts::new(report.working_directory, report.source_root)
        .with_links(report.linked_paths);
    let mut rules = Rules::new(report.rules);
    // Which findings the log keeps, told from their severities alone.
    let (cut, left_out) = match result_limit(report.findings.heads().map(|(_, s)| s)) {
        Some((cut, notification)) => (Some(cut), Some(notification)),
        None => (None, None),
    };
    let room = MAX_RESULTS - report.findings.len().min(MAX_RESULTS);
    let mut results = Vec::new();
    match report.findings {
        Findings::Read(_) => {
            // A scan's findings, read as they are written: their
            // descriptors first (the driver lists them before the results),
            // from their heads, and from the first kept finding of a rule
            // no descriptor was passed for (read for that alone).
            let mut keeper = Keeper::new(cut);
            let unknown = report
                .findings
                .heads()
                .any(|(rule, severity)| keeper.keeps(severity) && !rules.knows(rule));
            let mut firsts: BTreeMap<&'static str, Finding> = BTreeMap::new();
            if unknown {
                let mut keeper = Keeper::new(cut);
                for f in report.findings.iter_without_snippets() {
                    if keeper.keeps(f.severity) && !rules.knows(f.rule) {
                        firsts.entry(f.rule).or_insert_with(|| f.into_owned());
                    }
                }
            }
            let mut keeper = Keeper::new(cut);
            for (rule, severity) in report.findings.heads() {
                if !keeper.keeps(severity) {
                    continue;
                }
                match firsts.get(rule) {
                    Some(first) if !rules.knows(rule) => {
                        rules.descriptor(first);
                    }
                    _ => {
                        rules.known_descriptor(rule, severity);
                    }
                }
            }
        }
        Findings::Held(findings) => {
            let mut keeper = Keeper::new(cut);
            results = findings
                .iter()
                .filter(|f| keeper.keeps(f.severity))
                .map(|f| {
                    let (id, i) = rules.descriptor(f);
                    result(f, id, i, &artifacts)
                })
                .collect();
        }
    }
    let mut hidden_left_out = None;
    if let Some(hidden) = &report.hidden {
        let all = hidden_results(hidden);
        let total = all.len();
        for (f, suppression) in all.into_iter().take(room) {
            let (id, i) = rules.descriptor(f);
            let mut r = result(f, id, i, &artifacts);
            r.suppressions = vec![suppression];
            results.push(r);
        }
        hidden_left_out = (total > room).then(|| Notification {
            level: "warning",
            message: Text::new(format!(
                "{} of the {total} findings that comments or the baseline hide are left out of this log: GitHub code scanning rejects a run of more than {MAX_RESULTS} results, and the findings reported come first.",
                total - room
            )),
            descriptor: DescriptorReference {
                id: "sarif-results-left-out".to_string(),
            },
            locations: Vec::new(),
        });
    }
    let Rules { list: rules, index } = rules;
    let results = if matches!(report.findings, Findings::Read(_)) {
        Results::Read {
            findings: report.findings,
            cut,
            index,
            artifacts: &artifacts,
            hidden: results,
        }
    } else {
        Results::Built(results)
    };
    let rule_configuration_overrides = rules
        .iter()
        .enumerate()
        .filter(|(_, r)| report.disabled_rules.iter().any(|d| *d == r.id))
        .map(|(index, r)| ConfigurationOverride {
            descriptor: IndexedDescriptorReference {
                id: r.id.clone(),
                index,
            },
            configuration: Disabled { enabled: false },
        })
        .collect();
    let working_directory = artifacts.working_directory_uri();

    let log = Log {
        schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: vec![Run {
            column_kind: "unicodeCodePoints",
            tool: Tool {
                driver: Driver {
                    name: report.tool_name,
                    version: report.tool_version,
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            original_uri_base_ids: artifacts
                .root_uri()
                .map(|uri| (SRCROOT, uri))
                .into_iter()
                .collect(),
            results,
            invocations: vec![Invocation {
                execution_successful: true,
                working_directory,
                tool_execution_notifications: report
                    .diagnostics
                    .iter()
                    .map(|d| notification(d, &artifacts))
                    .chain(left_out)
                    .chain(hidden_left_out)
                    .collect(),
                rule_configuration_overrides,
            }],
            properties: RunProperties {
                suppressed: report.summary.suppressed,
                baselined: report.summary.baselined,
            },
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

/// The hidden findings, each with its suppression: those an inline
/// comment hides (its reason as the justification), then those of the
/// baseline.
fn hidden_results<'a>(hidden: &Hidden<'a>) -> Vec<(&'a Finding, Suppression)> {
    let baseline = match hidden.baseline {
        Some(file) => format!("its fingerprint is in the baseline {file}"),
        None => "its fingerprint is in the baseline".to_string(),
    };
    let in_source = hidden.suppressed.iter().map(|f| {
        (
            f,
            Suppression {
                kind: "inSource",
                status: "accepted",
                justification: f.suppression_reason.as_deref().unwrap_or("").to_string(),
            },
        )
    });
    let external = hidden.baselined.iter().map(|f| {
        (
            f,
            Suppression {
                kind: "external",
                status: "accepted",
                justification: baseline.clone(),
            },
        )
    });
    in_source.chain(external).collect()
}

/// Which findings a log holds when there are more than [`MAX_RESULTS`]:
/// the most severe, the earlier first among equals (every finding more
/// severe than `last`, and the first `quota` of `last`).
#[derive(Debug, Clone, Copy)]
struct Cut {
    last: Severity,
    quota: usize,
}

/// The [`Cut`] for findings of these severities (in the report's order),
/// with a notification of what it leaves out; `None` when they all fit.
fn result_limit(severities: impl Iterator<Item = Severity>) -> Option<(Cut, Notification)> {
    let mut counts: BTreeMap<Severity, usize> = BTreeMap::new();
    for severity in severities {
        *counts.entry(severity).or_default() += 1;
    }
    let total: usize = counts.values().sum();
    if total <= MAX_RESULTS {
        return None;
    }
    // Severity sorts most severe first.
    let mut before = 0;
    let mut cut = None;
    let mut left: Vec<String> = Vec::new();
    for (&severity, &n) in &counts {
        let left_here = match cut {
            Some(_) => n,
            None if before + n >= MAX_RESULTS => {
                let quota = MAX_RESULTS - before;
                cut = Some(Cut {
                    last: severity,
                    quota,
                });
                n - quota
            }
            None => 0,
        };
        before += n;
        if left_here > 0 {
            left.push(format!("{left_here} {}", severity.as_str()));
        }
    }
    let message = format!(
        "{} of {total} findings are left out of this log ({}): GitHub code scanning rejects a run of more than {MAX_RESULTS} results, so the {MAX_RESULTS} most severe are kept. `--format json` lists every finding.",
        total - MAX_RESULTS,
        left.join(", "),
    );
    let notification = Notification {
        level: "warning",
        message: Text::new(message),
        descriptor: DescriptorReference {
            id: "sarif-results-left-out".to_string(),
        },
        locations: Vec::new(),
    };
    Some((cut?, notification))
}

/// Tells, finding by finding in the report's order, which a [`Cut`] keeps.
struct Keeper {
    cut: Option<Cut>,
    /// Findings of the cut's last severity seen.
    last_seen: usize,
}

impl Keeper {
    fn new(cut: Option<Cut>) -> Self {
        Keeper { cut, last_seen: 0 }
    }

    fn keeps(&mut self, severity: Severity) -> bool {
        let Some(cut) = self.cut else { return true };
        if severity == cut.last {
            self.last_seen += 1;
            return self.last_seen <= cut.quota;
        }
        severity < cut.last
    }
}

/// The run's reporting descriptors: every rule passed in, in their order,
/// then the ones results need besides.
struct Rules {
    list: Vec<Rule>,
    /// Descriptor id -> (index in `list`, its severity).
    index: BTreeMap<String, (usize, Severity)>,
}

impl Rules {
    fn new(metas: &[&'static RuleMeta]) -> Self {
        let list: Vec<Rule> = metas.iter().map(|m| rule(m)).collect();
        let index = metas
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.to_string(), (i, m.default_severity)))
            .collect();
        Rules { list, index }
    }

    /// The id and index of the descriptor a finding points at: its rule's,
    /// when the finding has the rule's default severity; otherwise
    /// `<rule>/<severity>`, a copy of the rule's with that severity's
    /// `security-severity` and level (GitHub ranks an alert by its rule's
    /// `security-severity`, whatever the result's level says). A finding
    /// whose rule was not passed in still gets a descriptor, so that every
    /// ruleId resolves in the driver.
    fn descriptor(&mut self, f: &Finding) -> (String, usize) {
        if !self.index.contains_key(f.rule) {
            self.list.push(rule_from_finding(f));
            let entry = (self.list.len() - 1, f.severity);
            self.index.insert(f.rule.to_string(), entry);
        }
        self.known_descriptor(f.rule, f.severity)
    }

    /// Whether `rule` has a descriptor.
    fn knows(&self, rule: &str) -> bool {
        self.index.contains_key(rule)
    }

    /// [`Rules::descriptor`] of a finding of a rule it [`knows`](Rules::knows).
    fn known_descriptor(&mut self, rule: &str, severity: Severity) -> (String, usize) {
        if let Some(found) = descriptor_in(&self.index, rule, severity) {
            return found;
        }
        let Some(&(base_index, _)) = self.index.get(rule) else {
            return (rule.to_string(), 0);
        };
        let id = severity_rule_id(rule, severity);
        let mut variant = self.list[base_index].clone();
        variant.id = id.clone();
        variant.default_configuration.level = level(severity);
        variant.properties.security_severity = security_severity(severity);
        self.list.push(variant);
        let i = self.list.len() - 1;
        self.index.insert(id.clone(), (i, severity));
        (id, i)
    }
}

/// The descriptor a finding of `rule` and `severity` points at, when it is
/// in `index` already.
fn descriptor_in(
    index: &BTreeMap<String, (usize, Severity)>,
    rule: &str,
    severity: Severity,
) -> Option<(String, usize)> {
    let &(base_index, default) = index.get(rule)?;
    if severity == default {
        return Some((rule.to_string(), base_index));
    }
    let id = severity_rule_id(rule, severity);
    let &(i, _) = index.get(&id)?;
    Some((id, i))
}

/// A run's results: built, or (a scan's findings read as they are
/// written) each made and written as its finding is read, then the hidden
/// ones.
enum Results<'a> {
    Built(Vec<SarifResult>),
    Read {
        findings: Findings<'a>,
        /// Which of them the log keeps.
        cut: Option<Cut>,
        index: BTreeMap<String, (usize, Severity)>,
        artifacts: &'a Artifacts,
        hidden: Vec<SarifResult>,
    },
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match self {
            Results::Built(results) => results.serialize(serializer),
            Results::Read {
                findings,
                cut,
                index,
                artifacts,
                hidden,
            } => {
                let kept = findings.len().min(MAX_RESULTS);
                let mut seq = serializer.serialize_seq(Some(kept + hidden.len()))?;
                let mut keeper = Keeper::new(*cut);
                for f in findings.iter().filter(|f| keeper.keeps(f.severity)) {
                    let (id, i) = descriptor_in(index, f.rule, f.severity)
                        .unwrap_or_else(|| (f.rule.to_string(), 0));
                    seq.serialize_element(&result(&f, id, i, artifacts))?;
                }
                for r in hidden {
                    seq.serialize_element(r)?;
                }
                seq.end()
            }
        }
    }
}

/// The id of the descriptor for a rule's findings of a severity other than
/// its default: `IG302/high`.
pub fn severity_rule_id(rule: &str, severity: Severity) -> String {
    format!("{rule}/{}", severity.as_str())
}

fn rule(meta: &RuleMeta) -> Rule {
    let full = meta
        .section("What it does")
        .filter(|s| !s.is_empty())
        .unwrap_or(meta.summary);
    let doc = meta.doc.trim();
    Rule {
        id: meta.id.to_string(),
        name: meta.name.to_string(),
        short_description: Text::new(meta.summary),
        full_description: Some(Text::new(full)),
        help: (!doc.is_empty()).then(|| Help {
            text: doc.to_string(),
            markdown: doc.to_string(),
        }),
        default_configuration: Configuration {
            level: level(meta.default_severity),
        },
        properties: RuleProperties {
            tags: vec!["security", meta.practice.as_str()],
            security_severity: security_severity(meta.default_severity),
            precision: "high",
        },
    }
}

fn rule_from_finding(f: &Finding) -> Rule {
    Rule {
        id: f.rule.to_string(),
        name: f.name.to_string(),
        short_description: Text::new(f.name),
        full_description: None,
        help: None,
        default_configuration: Configuration {
            level: level(f.severity),
        },
        properties: RuleProperties {
            tags: vec!["security", f.practice.as_str()],
            security_severity: security_severity(f.severity),
            precision: "high",
        },
    }
}

fn result(f: &Finding, rule_id: String, rule_index: usize, artifacts: &Artifacts) -> SarifResult {
    let mut text = f.message.clone();
    if let Some(identity) = &f.identity {
        text.push_str(&format!("\nIdentity: {identity}"));
    }
    if !f.environments.is_empty() {
        text.push_str(&format!("\nEnvironments: {}", f.environments.join(", ")));
    }
    if !f.fix.trim().is_empty() {
        text.push_str(&format!("\nFix: {}", f.fix.trim()));
    }
    // The result's own location counts toward GitHub's limit.
    let max_related = MAX_LOCATIONS_PER_RESULT - 1;
    if f.related.len() > max_related {
        text.push_str(&format!(
            "\n{} of the {} related locations are left out of this log (GitHub code scanning rejects a result with more than {MAX_LOCATIONS_PER_RESULT} locations): `--format json` lists them all.",
            f.related.len() - max_related,
            f.related.len(),
        ));
    }
    let mut partial_fingerprints = BTreeMap::new();
    if !f.fingerprint.is_empty() {
        partial_fingerprints.insert(FINGERPRINT_KEY, f.fingerprint.clone());
    }
    SarifResult {
        rule_id,
        rule_index: Some(rule_index),
        level: level(f.severity),
        message: Text::new(text),
        locations: vec![SarifLocation {
            id: None,
            physical_location: physical(
                artifacts.location(&f.location.path),
                f.location.line,
                Some(f.location.column),
                f.snippet.as_deref(),
            ),
            message: None,
        }],
        related_locations: f
            .related
            .iter()
            .take(max_related)
            .enumerate()
            .map(|(i, r)| SarifLocation {
                id: Some(i + 1),
                physical_location: physical(artifacts.location(&r.path), r.line, None, None),
                message: Some(Text::new(r.message.as_str())),
            })
            .collect(),
        partial_fingerprints,
        suppressions: Vec::new(),
        properties: ResultProperties {
            severity: f.severity,
            identity: f.identity.clone(),
            environments: f.environments.clone(),
        },
    }
}

fn notification(d: &Diagnostic, artifacts: &Artifacts) -> Notification {
    Notification {
        level: match d.level {
            DiagnosticLevel::Error => "error",
            DiagnosticLevel::Warning => "warning",
        },
        message: Text::new(d.message.as_str()),
        descriptor: DescriptorReference {
            id: d.code.to_string(),
        },
        locations: (!d.path.is_empty())
            .then(|| SarifLocation {
                id: None,
                physical_location: physical(
                    artifacts.location(&d.path),
                    d.line.unwrap_or(0),
                    d.column,
                    None,
                ),
                message: None,
            })
            .into_iter()
            .collect(),
    }
}

/// A location; the region is left out for whole-file locations (line 0), the
/// column when unknown.
fn physical(
    artifact_location: ArtifactLocation,
    line: u32,
    column: Option<u32>,
    snippet: Option<&str>,
) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location,
        region: (line >= 1).then(|| Region {
            start_line: line,
            start_column: column.filter(|c| *c >= 1),
            snippet: snippet.map(|s| Text::new(s.trim())),
        }),
    }
}

/// The report's paths as artifact locations, against the source root (the
/// repository's top, else the working directory).
struct Artifacts {
    /// The source root: absolute, `/`-separated, ending with `/`.
    root: Option<String>,
    /// The working directory the same way: the report's relative paths
    /// count from it.
    working: Option<String>,
    /// Scanned paths spelt through a symbolic link and what they lead to:
    /// absolute, `/`-separated, without dot segments, ending with `/`.
    links: Vec<(String, String)>,
}

/// An absolute folder, `/`-separated and ending with `/`; `None` for a
/// relative one.
fn folder(dir: &Path) -> Option<String> {
    let mut dir = path_text::slashed(&path_text::display_path(dir));
    if !dir.ends_with('/') {
        dir.push('/');
    }
    is_absolute(&dir).then_some(dir)
}

impl Artifacts {
    /// `source_root` need not hold the working directory (a scan of
    /// `/ci/workspace/apps` run elsewhere); `None`: the working directory.
    fn new(working_directory: Option<&Path>, source_root: Option<&Path>) -> Self {
        let working = working_directory.and_then(folder);
        let root = match source_root.and_then(folder) {
            Some(top) if working.is_some() => Some(top),
            _ => working.clone(),
        };
        Artifacts {
            root,
            working,
            links: Vec::new(),
        }
    }

    /// Reads a path under a scanned path spelt through a symbolic link as
    /// under the path it leads to (`Report::linked_paths`); a relative
    /// spelling counts from the working directory.
    fn with_links(mut self, links: &[(std::path::PathBuf, std::path::PathBuf)]) -> Self {
        let absolute = |p: &Path| {
            let p = path_text::slashed(&path_text::display_path(p));
            let p = if is_absolute(&p) {
                p
            } else {
                format!("{}{p}", self.working.as_deref()?)
            };
            folder(Path::new(&without_dot_segments(&p)))
        };
        let mut links: Vec<(String, String)> = links
            .iter()
            .filter_map(|(spelt, target)| Some((absolute(spelt)?, absolute(target)?)))
            .filter(|(spelt, target)| spelt != target)
            .collect();
        // The longest spelling first: a link inside another is matched whole.
        links.sort_by_key(|l| std::cmp::Reverse(l.0.len()));
        self.links = links;
        self
    }

    /// An absolute path under a linked spelling, as under what it leads
    /// to; `None` under none.
    fn through_links(&self, absolute: &str) -> Option<String> {
        self.links.iter().find_map(|(spelt, target)| {
            // A file scanned through a link is the file it leads to.
            if format!("{absolute}/") == *spelt {
                return Some(target.trim_end_matches('/').to_string());
            }
            let rest = absolute.strip_prefix(spelt.as_str())?;
            Some(format!("{target}{rest}"))
        })
    }

    /// The source root's `file:` URI, for `originalUriBaseIds`.
    fn root_uri(&self) -> Option<BaseUri> {
        self.root.as_deref().map(|root| BaseUri {
            uri: absolute_uri(root),
        })
    }

    /// The working directory's `file:` URI, for the invocation.
    fn working_directory_uri(&self) -> Option<BaseUri> {
        self.working.as_deref().map(|dir| BaseUri {
            uri: absolute_uri(dir),
        })
    }

    /// Relative paths stay relative (`/`-separated, percent-encoded) to
    /// [`SRCROOT`]; absolute ones, and relative ones that climb out of the
    /// source root when it is known, become `file:` URIs; org records
    /// (`org://<org id>/<Object>/<Id>`) stay org URIs.
    fn location(&self, path: &str) -> ArtifactLocation {
        if let Some(record) = path.strip_prefix("org://") {
            return ArtifactLocation {
                uri: format!("org://{}", encode(record)),
                uri_base_id: None,
            };
        }
        let path = path_text::slashed(path);
        let mut rel = path.as_str();
        while let Some(rest) = rel.strip_prefix("./") {
            rel = rest;
        }
        // Where the file is: an absolute path as written, a relative one
        // from the working directory; `..` and `.` resolved.
        let absolute = if is_absolute(rel) {
            Some(without_dot_segments(rel))
        } else {
            self.working
                .as_ref()
                .map(|w| without_dot_segments(&format!("{w}{rel}")))
        };
        match (absolute, &self.root) {
            // Inside the source root, however the path was spelled
            // (`scan apps`, `scan /ci/workspace/apps`): relative to it.
            // Through a link to a scanned path, as the path it leads to, so
            // every spelling gives one URI.
            (Some(absolute), Some(root)) => match self
                .through_links(&absolute)
                .and_then(|target| target.strip_prefix(root.as_str()).map(str::to_string))
                .or_else(|| absolute.strip_prefix(root.as_str()).map(str::to_string))
            {
                Some(inside) => ArtifactLocation {
                    uri: encode(&inside),
                    uri_base_id: Some(SRCROOT),
                },
                None => ArtifactLocation {
                    uri: absolute_uri(&absolute),
                    uri_base_id: None,
                },
            },
            (Some(absolute), None) => ArtifactLocation {
                uri: absolute_uri(&absolute),
                uri_base_id: None,
            },
            // No working directory known: relative, to the unnamed base.
            (None, _) => ArtifactLocation {
                uri: encode(rel),
                uri_base_id: Some(SRCROOT),
            },
        }
    }
}

/// `/x` or `C:/x` (separators already `/`).
fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || (bytes.len() >= 3
            && bytes[0].is_ascii_alphabetic()
            && bytes[1] == b':'
            && bytes[2] == b'/')
}

/// The `file:` URI of an absolute path (`/x` or `C:/x`).
fn absolute_uri(path: &str) -> String {
    if path.starts_with('/') {
        format!("file://{}", encode(path))
    } else {
        format!("file:///{}:{}", &path[..1], encode(&path[2..]))
    }
}

/// An absolute path with its `.` and `..` segments resolved, as RFC 3986
/// does for a URI (a `..` at the top stays at the top).
fn without_dot_segments(path: &str) -> String {
    let (prefix, rest) = match path.strip_prefix('/') {
        Some(rest) => ("/", rest),
        None => path.split_at(path.find('/').map_or(path.len(), |i| i + 1)),
    };
    let mut kept: Vec<&str> = Vec::new();
    for segment in rest.split('/') {
        match segment {
            "." => {}
            ".." => {
                kept.pop();
            }
            s => kept.push(s),
        }
    }
    format!("{prefix}{}", kept.join("/"))
}

/// The artifact URI of a path, with no working directory known: what a
/// result's `artifactLocation.uri` holds.
pub fn uri(path: &str) -> String {
    Artifacts::new(None, None).location(path).uri
}

/// `path` percent-encoded for a URI; the escape of a byte of a name that
/// is not UTF-8 (`\xE9`) as that byte (`%E9`), so that the URI names the
/// file itself.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path_text::display_bytes(path).iter().copied() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn uris() {
        assert_eq!(
            uri("apps/a/src/main/mule/x.xml"),
            "apps/a/src/main/mule/x.xml"
        );
        assert_eq!(uri("./apps/my app/x.xml"), "apps/my%20app/x.xml");
        assert_eq!(uri("apps\\a\\x.xml"), "apps/a/x.xml");
        // A name that is not UTF-8, escaped in the display path: the URI
        // holds its own byte; a `\` that starts no escape is a separator.
        assert_eq!(uri("apps/caf\\xE9.txt"), "apps/caf%E9.txt");
        assert_eq!(uri("apps\\caf\\xE9\\x.txt"), "apps/caf%E9/x.txt");
        assert_eq!(uri("apps\\x41.txt"), "apps/x41.txt");
        assert_eq!(uri("/repo/a#b.xml"), "file:///repo/a%23b.xml");
        assert_eq!(uri("C:\\repo\\x.xml"), "file:///C:/repo/x.xml");
        assert_eq!(uri("a:b.xml"), "a%3Ab.xml");
        assert_eq!(uri("é.xml"), "%C3%A9.xml");
        // Salesforce writes `:` in metadata file names as `%3A`.
        assert_eq!(
            uri("profiles/Custom%3A Sales.profile-meta.xml"),
            "profiles/Custom%253A%20Sales.profile-meta.xml"
        );
        assert_eq!(
            uri("org://00D5g000004ABCD/User/005x"),
            "org://00D5g000004ABCD/User/005x"
        );
    }

    /// (uri, uriBaseId) of a path against a working directory.
    fn against(root: Option<&str>, path: &str) -> (String, Option<&'static str>) {
        let a = Artifacts::new(root.map(Path::new), None).location(path);
        (a.uri, a.uri_base_id)
    }

    #[test]
    fn relative_uris_have_the_working_directory_as_base() {
        let root = Some("/work/acme");
        assert_eq!(
            against(root, "./apps/x.xml"),
            ("apps/x.xml".into(), Some(SRCROOT))
        );
        assert_eq!(
            against(None, "apps/x.xml"),
            ("apps/x.xml".into(), Some(SRCROOT))
        );
        // Absolute: no base id (SARIF allows one on relative references only).
        assert_eq!(
            against(root, "/srv/apps/x.xml"),
            ("file:///srv/apps/x.xml".into(), None)
        );
        // Out of the working directory: absolute, `..` resolved.
        assert_eq!(
            against(root, "../other/./a b/../x.xml"),
            ("file:///work/other/x.xml".into(), None)
        );
        assert_eq!(
            against(Some("C:\\work\\acme\\"), "..\\x.xml"),
            ("file:///C:/work/x.xml".into(), None)
        );
        // Unknown working directory: left relative, to the unnamed base.
        assert_eq!(
            against(None, "../x.xml"),
            ("../x.xml".into(), Some(SRCROOT))
        );
        // A relative "working directory" names nothing.
        assert_eq!(Artifacts::new(Some(Path::new("acme")), None).root, None);
        assert_eq!(
            Artifacts::new(root.map(Path::new), None)
                .root_uri()
                .map(|b| b.uri),
            Some("file:///work/acme/".to_string())
        );
    }

    /// Run in a subfolder of a repository: relative to the repository's
    /// top, as GitHub reads them; the invocation still names where it ran.
    #[test]
    fn relative_uris_count_from_the_repository_top() {
        let a = Artifacts::new(
            Some(Path::new("/work/acme/mule")),
            Some(Path::new("/work/acme")),
        );
        let at = |path: &str| {
            let l = a.location(path);
            (l.uri, l.uri_base_id)
        };
        assert_eq!(
            at("./orders/x.xml"),
            ("mule/orders/x.xml".into(), Some(SRCROOT))
        );
        assert_eq!(
            at("../salesforce/a.xml"),
            ("salesforce/a.xml".into(), Some(SRCROOT))
        );
        assert_eq!(at("../../x.xml"), ("file:///work/x.xml".into(), None));
        assert_eq!(
            a.root_uri().map(|b| b.uri),
            Some("file:///work/acme/".into())
        );
        assert_eq!(
            a.working_directory_uri().map(|b| b.uri),
            Some("file:///work/acme/mule/".into())
        );
        // Absolute paths inside the source root are relative to it too.
        assert_eq!(
            at("/work/acme/mule/orders/x.xml"),
            ("mule/orders/x.xml".into(), Some(SRCROOT))
        );
        assert_eq!(
            at("/work/acme/./mule/../salesforce/a b.xml"),
            ("salesforce/a%20b.xml".into(), Some(SRCROOT))
        );
        assert_eq!(
            at("/work/acme-other/x.xml"),
            ("file:///work/acme-other/x.xml".into(), None)
        );
    }

    /// Found by testing as a user would: `intguard scan /ci/workspace/apps`
    /// (absolute, as CI writes it) gave `file://` URIs for every file of
    /// the repository, while `scan apps` gave relative ones.
    #[test]
    fn a_source_root_the_working_directory_is_not_in_still_counts() {
        let a = Artifacts::new(
            Some(Path::new("/home/runner")),
            Some(Path::new("/ci/workspace")),
        );
        let at = |path: &str| {
            let l = a.location(path);
            (l.uri, l.uri_base_id)
        };
        assert_eq!(
            at("/ci/workspace/apps/orders/x.xml"),
            ("apps/orders/x.xml".into(), Some(SRCROOT))
        );
        assert_eq!(
            at("../../ci/workspace/apps/x.xml"),
            ("apps/x.xml".into(), Some(SRCROOT))
        );
        // Outside it: absolute.
        assert_eq!(at("x.xml"), ("file:///home/runner/x.xml".into(), None));
        assert_eq!(
            a.root_uri().map(|b| b.uri),
            Some("file:///ci/workspace/".into())
        );
        assert_eq!(
            a.working_directory_uri().map(|b| b.uri),
            Some("file:///home/runner/".into())
        );
    }

    /// A path scanned through a symbolic link counts as the path it leads
    /// to: relative inside the source root, one URI whatever the spelling.
    #[test]
    fn paths_through_a_linked_scan_path_count_as_what_it_leads_to() {
        let links = [
            (PathBuf::from("/ci/link"), PathBuf::from("/work/acme")),
            (
                PathBuf::from("hook/prod.yaml"),
                PathBuf::from("/work/acme/p/prod.yaml"),
            ),
            (PathBuf::from("/ci/out"), PathBuf::from("/elsewhere")),
        ];
        let a = Artifacts::new(
            Some(Path::new("/home/runner")),
            Some(Path::new("/work/acme")),
        )
        .with_links(&links);
        let at = |path: &str| {
            let l = a.location(path);
            (l.uri, l.uri_base_id)
        };
        assert_eq!(
            at("/ci/link/apps/x.xml"),
            ("apps/x.xml".into(), Some(SRCROOT))
        );
        assert_eq!(
            at("/ci/link/./apps/../apps/x.xml"),
            ("apps/x.xml".into(), Some(SRCROOT))
        );
        assert_eq!(
            at("/work/acme/apps/x.xml"),
            ("apps/x.xml".into(), Some(SRCROOT))
        );
        // A file scanned through a link, relative to the working directory.
        assert_eq!(at("hook/prod.yaml"), ("p/prod.yaml".into(), Some(SRCROOT)));
        // Only at a segment's end: `/ci/linked` is no path under `/ci/link`.
        assert_eq!(
            at("/ci/linked/x.xml"),
            ("file:///ci/linked/x.xml".into(), None)
        );
        // A link leading outside the source root keeps its spelling.
        assert_eq!(at("/ci/out/x.xml"), ("file:///ci/out/x.xml".into(), None));
    }

    #[test]
    fn dot_segments_are_resolved_like_rfc_3986() {
        assert_eq!(without_dot_segments("/a/b/../c/./d"), "/a/c/d");
        assert_eq!(without_dot_segments("/a/../../b"), "/b");
        assert_eq!(without_dot_segments("C:/a/../b"), "C:/b");
        assert_eq!(without_dot_segments("C:/../b"), "C:/b");
    }

    #[test]
    fn levels_and_scores() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(security_severity(Severity::Critical), "9.0");
        assert_eq!(security_severity(Severity::Info), "1.0");
    }
}
