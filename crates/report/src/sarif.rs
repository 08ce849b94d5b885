//! The SARIF 2.1.0 format, for GitHub code scanning and other SARIF viewers.
//!
//! One run; `tool.driver.rules` holds every rule with its documentation, a
//! default level and the `security-severity` GitHub uses to rank alerts;
//! results point at their rule by id and index and carry a stable
//! `partialFingerprints` entry; diagnostics become tool execution
//! notifications. The types below are the subset of the schema we emit, with
//! the schema's property names; their field order is the output's key order.

use std::collections::BTreeMap;

use intguard_model::{Diagnostic, DiagnosticLevel, Finding, RuleMeta, Severity};
use serde::Serialize;

use crate::Report;

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SARIF_VERSION: &str = "2.1.0";
/// The key of our entry in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "intguardFingerprint/v1";
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
    results: Vec<SarifResult>,
    invocations: Vec<Invocation>,
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

#[derive(Serialize)]
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

#[derive(Serialize)]
struct Text {
    text: String,
}

impl Text {
    fn new(text: impl Into<String>) -> Self {
        Text { text: text.into() }
    }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
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
    properties: ResultProperties,
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
struct ArtifactLocation {
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

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// [`render`] into `out` as it is serialized: a log of thousands of results
/// is not held in memory a second time as text.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut rules: Vec<Rule> = report.rules.iter().map(|m| rule(m)).collect();
    let mut index: BTreeMap<String, usize> = report
        .rules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.to_string(), i))
        .collect();
    let results = report
        .findings
        .iter()
        .map(|f| {
            // A finding whose rule was not passed in still gets a descriptor,
            // so that every ruleId resolves in the driver.
            let i = *index.entry(f.rule.to_string()).or_insert_with(|| {
                rules.push(rule_from_finding(f));
                rules.len() - 1
            });
            result(f, i)
        })
        .collect();

    let log = Log {
        schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: report.tool_name,
                    version: report.tool_version,
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            results,
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: report.diagnostics.iter().map(notification).collect(),
            }],
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
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

fn result(f: &Finding, rule_index: usize) -> SarifResult {
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
    let mut partial_fingerprints = BTreeMap::new();
    if !f.fingerprint.is_empty() {
        partial_fingerprints.insert(FINGERPRINT_KEY, f.fingerprint.clone());
    }
    SarifResult {
        rule_id: f.rule.to_string(),
        rule_index: Some(rule_index),
        level: level(f.severity),
        message: Text::new(text),
        locations: vec![SarifLocation {
            id: None,
            physical_location: physical(
                &f.location.path,
                f.location.line,
                Some(f.location.column),
                f.snippet.as_deref(),
            ),
            message: None,
        }],
        related_locations: f
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| SarifLocation {
                id: Some(i + 1),
                physical_location: physical(&r.path, r.line, None, None),
                message: Some(Text::new(r.message.as_str())),
            })
            .collect(),
        partial_fingerprints,
        properties: ResultProperties {
            severity: f.severity,
            identity: f.identity.clone(),
            environments: f.environments.clone(),
        },
    }
}

fn notification(d: &Diagnostic) -> Notification {
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
                physical_location: physical(&d.path, d.line.unwrap_or(0), d.column, None),
                message: None,
            })
            .into_iter()
            .collect(),
    }
}

/// A location; the region is left out for whole-file locations (line 0), the
/// column when unknown.
fn physical(path: &str, line: u32, column: Option<u32>, snippet: Option<&str>) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation { uri: uri(path) },
        region: (line >= 1).then(|| Region {
            start_line: line,
            start_column: column.filter(|c| *c >= 1),
            snippet: snippet.map(|s| Text::new(s.trim())),
        }),
    }
}

/// A path as a URI reference: relative paths stay relative (`/`-separated,
/// percent-encoded), absolute ones become `file:` URIs, and org records
/// (`org://<org id>/<Object>/<Id>`) stay org URIs.
pub fn uri(path: &str) -> String {
    if let Some(record) = path.strip_prefix("org://") {
        return format!("org://{}", encode(record));
    }
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if drive {
        format!("file:///{}:{}", &path[..1], encode(&path[2..]))
    } else if path.starts_with('/') {
        format!("file://{}", encode(&path))
    } else {
        let mut rel = path.as_str();
        while let Some(rest) = rel.strip_prefix("./") {
            rel = rest;
        }
        encode(rel)
    }
}

fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
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

    #[test]
    fn uris() {
        assert_eq!(
            uri("apps/a/src/main/mule/x.xml"),
            "apps/a/src/main/mule/x.xml"
        );
        assert_eq!(uri("./apps/my app/x.xml"), "apps/my%20app/x.xml");
        assert_eq!(uri("apps\\a\\x.xml"), "apps/a/x.xml");
        assert_eq!(uri("/repo/a#b.xml"), "file:///repo/a%23b.xml");
        assert_eq!(uri("C:\\repo\\x.xml"), "file:///C:/repo/x.xml");
        assert_eq!(uri("a:b.xml"), "a%3Ab.xml");
        assert_eq!(uri("é.xml"), "%C3%A9.xml");
        assert_eq!(
            uri("org://00D5g000004ABCD/User/005x"),
            "org://00D5g000004ABCD/User/005x"
        );
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
