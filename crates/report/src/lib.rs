//! intguard's reporters: the last step of the one-way flow
//!
//! ```text
//! inputs -> readers -> Inventory -> rules -> Findings -> reporters
//! ```
//!
//! A reporter is a pure function of the findings, the diagnostics, the scan
//! [`Summary`] and the rule metadata to text: a string, or bytes into a
//! writer the caller opened ([`write`]: JSON, SARIF and text stream, so a
//! large report is not held twice). The findings may be held or read one at
//! a time ([`Findings`]): a scan's are read from the engine's temporary file
//! as the report reaches them. It knows nothing about how the findings were
//! made and opens nothing itself. Snippets and messages arrive already
//! masked by the engine; reporters never see a secret.
//!
//! - [`text`]: for people at a terminal, grouped by file, optional colour.
//! - [`json`]: the documented, versioned contract (`JSON.md`, [`JSON_SCHEMA_VERSION`]).
//! - [`sarif`]: SARIF 2.1.0 for code scanning (GitHub reads `security-severity`).
//! - [`markdown`]: a pull-request comment, kept under GitHub's size limit.
//! - [`html`]: a self-contained page for people (no script, nothing loaded).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use intguard_model::{Diagnostic, Finding, RuleMeta, Severity};

pub mod html;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;
mod visible;

/// Version of the JSON report contract (see `JSON.md`). Additive changes keep
/// `1.x`; removing or renaming a field bumps the major version.
pub const JSON_SCHEMA_VERSION: &str = "1.1";

/// Counts of the scan, made by the engine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files read.
    pub files: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Mule apps (domain projects included) recognised; Salesforce
    /// metadata projects are not counted.
    pub apps: usize,
    /// The Salesforce org read (its instance host), when the scan included
    /// one (`org audit`, `scan --org-snapshot`).
    pub org: Option<String>,
    /// Reported findings (after suppressions and the baseline).
    pub total: usize,
    /// Reported findings per severity; missing severities count as 0.
    pub by_severity: BTreeMap<Severity, usize>,
    /// Findings hidden by inline `intguard-ignore` comments (disabled rules
    /// and ignored paths are not run or read, so not counted).
    pub suppressed: usize,
    /// Findings hidden because their fingerprint is in the baseline.
    pub baselined: usize,
    /// Diagnostics (problems with the input).
    pub diagnostics: usize,
    /// The `--fail-on` threshold; `None` for `--fail-on none`.
    pub fail_on: Option<Severity>,
    /// True when a reported finding is at or above `fail_on` (exit code 1).
    pub failed: bool,
}

impl Summary {
    /// Reported findings of one severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.by_severity.get(&severity).copied().unwrap_or(0)
    }

    /// Reported findings at or above `fail_on` (0 when there is no threshold).
    pub fn failing_count(&self) -> usize {
        match self.fail_on {
            Some(threshold) => Severity::ALL
                .into_iter()
                .filter(|s| s.at_least(threshold))
                .map(|s| self.count(s))
                .sum(),
            None => 0,
        }
    }
}

/// Everything a reporter may use.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub tool_name: &'a str,
    pub tool_version: &'a str,
    /// Already sorted by path, line, rule and severity; snippets already masked.
    pub findings: Findings<'a>,
    pub diagnostics: &'a [Diagnostic],
    /// Every rule, reported or not (SARIF lists them all).
    pub rules: &'a [&'static RuleMeta],
    /// Ids of the rules the configuration disabled (SARIF says they did not
    /// run, so a viewer does not read their silence as a clean result).
    pub disabled_rules: &'a [&'static str],
    pub summary: &'a Summary,
    /// The folder relative paths are relative to (the scan's working
    /// directory), absolute; SARIF names it as the base of its relative
    /// URIs. `None`: unknown, the relative URIs keep an unnamed base.
    pub working_directory: Option<&'a std::path::Path>,
    /// The top of the repository the scanned files lie in (a git work
    /// tree's), absolute, when the caller knows one: SARIF's relative URIs
    /// are relative to it, as GitHub code scanning reads them, also when
    /// the scan runs in a subfolder, or elsewhere with an absolute path.
    /// Every file inside it gets a relative URI, whatever the spelling of
    /// its path. `None`: the working directory.
    pub source_root: Option<&'a std::path::Path>,
    /// Scanned paths spelt through a symbolic link, each as written (made
    /// absolute against the working directory) with the path it leads to
    /// (canonical): SARIF reads a report path under the first as under the
    /// second, so a repository scanned through a link (`scan
    /// /ci/link-to-repo`) gets URIs relative to `source_root` as its real
    /// path does. Empty when no path scanned goes through a link.
    pub linked_paths: &'a [(std::path::PathBuf, std::path::PathBuf)],
    /// The findings inline comments and the baseline hide, listed by SARIF
    /// as results with `suppressions` (`scan --sarif-suppressions`); `None`:
    /// only counted (`Summary::suppressed`, `Summary::baselined`), as every
    /// other format does.
    pub hidden: Option<Hidden<'a>>,
}

/// The findings a report lists: held in memory, or read as the report
/// reaches them (a scan's, out of memory until then), in the report's
/// order (so each file's come together). JSON, SARIF and text write each as
/// it is read; HTML reads them twice (to count them for its overview, then
/// to list them); Markdown keeps of each severity only the rows that could
/// fit in a pull-request comment. None of them holds every finding, SARIF
/// past GitHub's result limit included (which findings it keeps is told
/// from their heads).
#[derive(Clone, Copy)]
pub enum Findings<'a> {
    Held(&'a [Finding]),
    Read(&'a dyn FindingSource),
}

/// Findings read one at a time, in the report's order.
pub trait FindingSource {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The findings, in the report's order (each call reads them anew).
    fn iter(&self) -> Box<dyn Iterator<Item = Cow<'_, Finding>> + '_>;
    /// [`FindingSource::iter`], where the findings may come without their
    /// snippets: for a reporter that only counts or names them before
    /// listing them, which then costs no source file read again.
    fn iter_without_snippets(&self) -> Box<dyn Iterator<Item = Cow<'_, Finding>> + '_> {
        self.iter()
    }
    /// Each finding's rule id and severity, in the same order, without
    /// reading the findings.
    fn heads(&self) -> Box<dyn Iterator<Item = (&'static str, Severity)> + '_>;
}

impl<'a> Findings<'a> {
    pub fn len(&self) -> usize {
        match self {
            Findings::Held(findings) => findings.len(),
            Findings::Read(source) => source.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The findings, in order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = Cow<'a, Finding>> + 'a> {
        match *self {
            Findings::Held(findings) => Box::new(findings.iter().map(Cow::Borrowed)),
            Findings::Read(source) => source.iter(),
        }
    }

    /// The findings, in order, maybe without their snippets
    /// ([`FindingSource::iter_without_snippets`]).
    pub fn iter_without_snippets(&self) -> Box<dyn Iterator<Item = Cow<'a, Finding>> + 'a> {
        match *self {
            Findings::Held(findings) => Box::new(findings.iter().map(Cow::Borrowed)),
            Findings::Read(source) => source.iter_without_snippets(),
        }
    }

    /// Each finding's rule id and severity, in order.
    pub fn heads(&self) -> Box<dyn Iterator<Item = (&'static str, Severity)> + 'a> {
        match *self {
            Findings::Held(findings) => Box::new(findings.iter().map(|f| (f.rule, f.severity))),
            Findings::Read(source) => source.heads(),
        }
    }

    /// All of them in memory, for the formats that hold them.
    pub fn all(&self) -> Cow<'a, [Finding]> {
        match *self {
            Findings::Held(findings) => Cow::Borrowed(findings),
            Findings::Read(source) => Cow::Owned(source.iter().map(Cow::into_owned).collect()),
        }
    }
}

impl<'a> From<&'a [Finding]> for Findings<'a> {
    fn from(findings: &'a [Finding]) -> Self {
        Findings::Held(findings)
    }
}

impl<'a> From<&'a Vec<Finding>> for Findings<'a> {
    fn from(findings: &'a Vec<Finding>) -> Self {
        Findings::Held(findings)
    }
}

impl fmt::Debug for Findings<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Findings::Held(findings) => f.debug_tuple("Held").field(findings).finish(),
            Findings::Read(source) => f.debug_tuple("Read").field(&source.len()).finish(),
        }
    }
}

/// What [`Report::hidden`] lists.
#[derive(Debug, Clone, Copy)]
pub struct Hidden<'a> {
    /// Hidden by an inline `intguard-ignore` comment with a reason (each
    /// one's [`Finding::suppression_reason`] its justification).
    pub suppressed: &'a [Finding],
    /// Hidden because their fingerprint is in the baseline.
    pub baselined: &'a [Finding],
    /// The baseline file, as the user named it.
    pub baseline: Option<&'a str>,
}

/// Output format of `intguard scan --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Sarif,
    Markdown,
    Html,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Html,
    ];

    /// The name accepted by `--format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// Conventional file extension for `--output`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown `--format` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFormatError(pub String);

impl fmt::Display for ParseFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown format `{}` (expected text, json, sarif, markdown or html)",
            self.0
        )
    }
}

impl std::error::Error for ParseFormatError {}

impl FromStr for Format {
    type Err = ParseFormatError;

    /// Case-insensitive; `md` is accepted for `markdown`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        match wanted.as_str() {
            "md" => Ok(Format::Markdown),
            "htm" => Ok(Format::Html),
            _ => Format::ALL
                .into_iter()
                .find(|f| f.name() == wanted)
                .ok_or_else(|| ParseFormatError(s.to_string())),
        }
    }
}

/// Options of the text format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// ANSI colours and bold; the CLI decides (terminal detection, `NO_COLOR`).
    pub color: bool,
}

/// Renders a report in one format. Every format ends with a newline.
pub fn render(format: Format, report: &Report, text: &TextOptions) -> String {
    match format {
        Format::Text => text::render(report, text),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Markdown => markdown::render(report),
        Format::Html => html::render(report),
    }
}

/// [`render`] into `out`: the same bytes, but JSON, SARIF, text and HTML
/// are written as they are made instead of built as one string first (and,
/// with findings read one at a time, hold one finding at a time). Markdown,
/// a comment of at most [`markdown::COMMENT_LIMIT`] characters, is made
/// whole.
pub fn write(
    format: Format,
    report: &Report,
    text: &TextOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Text => text::write(report, text, out),
        Format::Html => html::write(report, out),
        Format::Markdown => out.write_all(markdown::render(report).as_bytes()),
    }
}

/// `1 file`, `2 files`.
pub(crate) fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `3 critical, 5 high, 4 medium`: the non-zero severities, most severe first.
pub(crate) fn severity_breakdown(summary: &Summary) -> String {
    Severity::ALL
        .into_iter()
        .filter_map(|s| match summary.count(s) {
            0 => None,
            n => Some(format!("{n} {s}")),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `in 4 apps, 57 files` (apps left out when none were recognised), `in the
/// org acme.my.salesforce.com` for an org alone, `in 4 apps, 57 files and the
/// org ...` for both.
/// Whether an `org-partial` error says the org audit was cut short: no
/// verdict may then read as a clean audit.
pub(crate) fn partial(diagnostics: &[Diagnostic]) -> bool {
    diagnostics
        .iter()
        .any(|d| d.code == intguard_model::ORG_PARTIAL)
}

/// What a report says of a partial org audit, beside its verdict.
pub(crate) const PARTIAL_NOTE: &str =
    "the org audit is partial (see the org-partial error): what it could not read was not checked";

pub(crate) fn scope(summary: &Summary) -> String {
    let mut read = Vec::new();
    if summary.apps > 0 {
        read.push(plural(summary.apps as u64, "app", "apps"));
    }
    if summary.files > 0 || summary.org.is_none() {
        read.push(plural(summary.files, "file", "files"));
    }
    match (&summary.org, read.is_empty()) {
        (Some(org), true) => format!("in the org {org}"),
        (Some(org), false) => format!("in {} and the org {org}", read.join(", ")),
        (None, _) => format!("in {}", read.join(", ")),
    }
}

/// Findings grouped by path, in order of first appearance (the engine sorts
/// them, but a group never splits even if it did not).
pub(crate) fn group_by_path(findings: &[Finding]) -> Vec<(&str, Vec<&Finding>)> {
    let mut groups: Vec<(&str, Vec<&Finding>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for f in findings {
        let path = f.location.path.as_str();
        let i = *index.entry(path).or_insert_with(|| {
            groups.push((path, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(f);
    }
    groups
}
