//! The JSON format: intguard's documented, versioned contract (`JSON.md`).
//!
//! The shapes below are the contract; their field order is the output's key
//! order. Change them only as `JSON.md` allows: additive changes keep version
//! 1.x, removals and renames bump [`crate::JSON_SCHEMA_VERSION`]'s major.

use intguard_model::Related;
use intguard_model::{Diagnostic, DiagnosticLevel, Finding, Practice, Severity};
use serde::{Serialize, Serializer};

use crate::{Report, Summary, JSON_SCHEMA_VERSION};

#[derive(Serialize)]
struct JsonReport<'a> {
    version: &'static str,
    tool: Tool<'a>,
    findings: EachFinding<'a>,
    diagnostics: Each<'a, Diagnostic, JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    name: &'a str,
    practice: Practice,
    severity: Severity,
    message: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    identity: Option<&'a str>,
    environments: &'a [String],
    related: Each<'a, Related, JsonRelated<'a>>,
    fingerprint: &'a str,
    fix: &'a str,
    snippet: Option<&'a str>,
}

/// A list written as a JSON array, each item in its contract shape as it
/// is written: a report of thousands of findings is not held a second
/// time in those shapes (1.2 MB for the bench corpus's 2,919 findings).
struct Each<'a, T, S>(&'a [T], fn(&'a T) -> S);

impl<'a, T, S: Serialize> Serialize for Each<'a, T, S> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        serializer.collect_seq(self.0.iter().map(self.1))
    }
}

/// The findings written as a JSON array, each as it is read.
struct EachFinding<'a>(crate::Findings<'a>);

impl Serialize for EachFinding<'_> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for f in self.0.iter() {
            seq.serialize_element(&finding(&f))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    line: u32,
    message: &'a str,
}

#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    level: DiagnosticLevel,
    code: &'a str,
    path: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    files: u64,
    bytes: u64,
    apps: usize,
    org: Option<String>,
    total: usize,
    by_severity: BySeverity,
    suppressed: usize,
    baselined: usize,
    diagnostics: usize,
    fail_on: Option<Severity>,
    failed: bool,
    /// Present, and true, when an `org-partial` error says the org audit
    /// was cut short (the run exits 2 whatever `failed` says).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    partial: bool,
}

/// All five keys, always, most severe first.
#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// [`render`] into `out` as it is serialized: a report of thousands of
/// findings is not held in memory a second time as text.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let doc = JsonReport {
        version: JSON_SCHEMA_VERSION,
        tool: Tool {
            name: report.tool_name,
            version: report.tool_version,
        },
        findings: EachFinding(report.findings),
        diagnostics: Each(report.diagnostics, diagnostic),
        summary: summary(report.summary, crate::partial(report.diagnostics)),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

fn finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        rule: f.rule,
        name: f.name,
        practice: f.practice,
        severity: f.severity,
        message: &f.message,
        path: &f.location.path,
        line: f.location.line,
        column: f.location.column,
        identity: f.identity.as_deref(),
        environments: &f.environments,
        related: Each(&f.related, related),
        fingerprint: &f.fingerprint,
        fix: &f.fix,
        snippet: f.snippet.as_deref(),
    }
}

/// A diagnostic as the JSON report writes it (`level`, `code`, `path`,
/// `line`, `column`, `message`).
pub fn diagnostic(d: &Diagnostic) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
        level: d.level,
        code: d.code,
        path: &d.path,
        line: d.line,
        column: d.column,
        message: &d.message,
    }
}

fn related(r: &Related) -> JsonRelated<'_> {
    JsonRelated {
        path: &r.path,
        line: r.line,
        message: &r.message,
    }
}

fn summary(s: &Summary, partial: bool) -> JsonSummary {
    JsonSummary {
        files: s.files,
        bytes: s.bytes,
        apps: s.apps,
        org: s.org.clone(),
        total: s.total,
        by_severity: BySeverity {
            critical: s.count(Severity::Critical),
            high: s.count(Severity::High),
            medium: s.count(Severity::Medium),
            low: s.count(Severity::Low),
            info: s.count(Severity::Info),
        },
        suppressed: s.suppressed,
        baselined: s.baselined,
        diagnostics: s.diagnostics,
        fail_on: s.fail_on,
        failed: s.failed,
        partial,
    }
}
