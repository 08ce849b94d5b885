use serde::{Deserialize, Serialize};

/// Severity, most severe first so that `Ord` sorts critical before info.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// True when `self` is as severe as `threshold` or more.
    pub fn at_least(self, threshold: Severity) -> bool {
        self <= threshold
    }

    /// One step less severe (info stays info).
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The three integration-user practices of DESIGN.md; every rule belongs to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Practice {
    ProtectCredentials,
    ProtectAccess,
    MinimizeDamage,
}

impl Practice {
    pub fn as_str(self) -> &'static str {
        match self {
            Practice::ProtectCredentials => "protect-credentials",
            Practice::ProtectAccess => "protect-access",
            Practice::MinimizeDamage => "minimize-damage",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Practice::ProtectCredentials => "Protect the credentials",
            Practice::ProtectAccess => "Protect access with those credentials",
            Practice::MinimizeDamage => "Minimize the damage",
        }
    }
}

impl std::fmt::Display for Practice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's identity and documentation, declared next to its code (one rule per
/// file) and shown by `intguard rule ID`, SARIF rule metadata and reports.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable id, e.g. `IG101`. Never renumbered.
    pub id: &'static str,
    /// Kebab-case name, e.g. `password-auth`.
    pub name: &'static str,
    pub practice: Practice,
    pub default_severity: Severity,
    /// One line: what the rule flags.
    pub summary: &'static str,
    /// Markdown with the sections `## What it does`, `## Why is this bad?`,
    /// `## Example`, `## How to fix` and `## References`.
    pub doc: &'static str,
}

impl RuleMeta {
    /// The text of one `## Heading` section of [`RuleMeta::doc`], trimmed.
    pub fn section(&self, heading: &str) -> Option<&'static str> {
        let doc = self.doc;
        let marker = format!("## {heading}");
        let start = doc.find(&marker)? + marker.len();
        let rest = &doc[start..];
        let end = rest.find("\n## ").unwrap_or(rest.len());
        Some(rest[..end].trim())
    }
}
