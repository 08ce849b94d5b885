use serde::Serialize;

use crate::location::{FilePath, Location};
use crate::rule_meta::{Practice, RuleMeta, Severity};
use crate::shared_str::SharedStr;

/// Another location that explains a finding: the property file line that
/// holds the value, the other apps that share a user, the profile that grants
/// a permission.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Related {
    /// Shared with the location it was made from.
    pub path: FilePath,
    pub line: u32,
    /// Shared between findings (`engine::spill` reads them back so): many
    /// give the same (an app's connection running as its user). In the
    /// 2,000-app benchmark 1,088 of 10,750 are distinct; sharing them saved
    /// 0.9 MB of what a scan holds until its report is written.
    pub message: SharedStr,
}

impl Related {
    pub fn new(loc: &Location, message: impl Into<SharedStr>) -> Self {
        Related {
            path: loc.path.clone(),
            line: loc.line,
            message: message.into(),
        }
    }
}

/// One problem found by one rule. Rules fill everything but `fingerprint`,
/// `snippet` and `suppression_reason`, which the engine adds.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub name: &'static str,
    pub practice: Practice,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    /// The Salesforce username (or principal) involved, when known.
    pub identity: Option<String>,
    /// Environments (from property file names) the finding applies to.
    pub environments: Vec<String>,
    pub related: Vec<Related>,
    /// What to change, in the user's own syntax (Mule XML, YAML, Setup path).
    pub fix: SharedStr,
    /// Stable id of what is wrong, independent of line numbers: rules give a
    /// key naming the thing (element, attribute, property); the engine hashes
    /// it with the rule and path.
    #[serde(skip)]
    pub fingerprint_key: String,
    /// The fingerprint hashes the path with the key. False for a finding
    /// about the scan as a whole (a username several apps share), whose
    /// location is only where it is first seen and moves as apps come and
    /// go: its key alone names it.
    #[serde(skip)]
    pub fingerprint_by_path: bool,
    /// The key before a secret's value counted in it (see
    /// [`Finding::key_with_value`]): a baseline written by an intguard of
    /// that time holds the fingerprint made of it, which still matches.
    #[serde(skip)]
    pub fingerprint_key_before_value: Option<String>,
    pub fingerprint: String,
    /// The fingerprint of `fingerprint_key_before_value`, added by the
    /// engine with `fingerprint`.
    #[serde(skip)]
    pub fingerprint_before_value: Option<String>,
    /// The path fingerprints count from (from the top of the git work tree,
    /// else from the scan root), added by the engine: what a baseline file
    /// names, whatever the spelling of the roots or the working directory.
    #[serde(skip)]
    pub fingerprint_path: String,
    /// The source line, with secrets masked (added by the engine); a long
    /// line is cut to a window around `location.column`, `…` marking each
    /// cut end. Shared between the findings at one place (and those on
    /// lines alike: in the 2,000-app benchmark 609 of 2,919 are distinct).
    pub snippet: Option<SharedStr>,
    /// Where `location.column` falls in `snippet` when masking changed the
    /// text before it (a mask is seldom as long as the secret it hides) or
    /// the snippet is a window of a long line; `None`: at
    /// `location.column` itself. Reporters put their caret here.
    #[serde(skip)]
    pub snippet_column: Option<u32>,
    /// The Salesforce users whose other apps the fix should name, in the
    /// order their notes end the fix (username, the app found): who else logs
    /// in as a user is known only once every app is read, and a rule may run
    /// one app at a time. Filled in by `intguard_rules::complete`.
    #[serde(skip)]
    pub shared_user_notes: Vec<(String, String)>,
    /// The Salesforce users whose profile's places (where it is assigned,
    /// its file) go among `related`, at the index given: a rule run on one
    /// app at a time (IG206) does not know them. Filled in, then emptied,
    /// by `intguard_rules::complete`.
    #[serde(skip)]
    pub pending_profile_places: Option<(u32, Vec<String>)>,
    /// The other places a finding that groups several elements stands for
    /// (IG302's permissions of one tier, IG304's View All / Modify All
    /// objects), besides `location`, the first of them: an inline
    /// suppression hides the finding only when it covers these too, so a
    /// comment written for one element does not hide another that joins
    /// the group later.
    #[serde(skip)]
    pub also_at: Vec<Location>,
    /// Other places where an inline suppression hides the finding as well
    /// as at `location`, for a finding of the whole scan shown at the first
    /// of several places (IG303: every app's connection that runs as the
    /// shared user). The first changes as apps come (a new app whose name
    /// sorts first): a comment at any of them keeps hiding it, as the
    /// baseline keeps its fingerprint.
    #[serde(skip)]
    pub suppressible_at: Vec<Location>,
    /// Why an inline `intguard-ignore` comment hides the finding (the
    /// reasons of the comments that hide it, joined with `; `, masked as
    /// messages are), set by the engine on the findings a scan suppresses:
    /// SARIF's `suppressions` give it as the justification. It travels
    /// with the finding, as those wait out of memory until the report.
    #[serde(skip)]
    pub suppression_reason: Option<Box<str>>,
}

impl Finding {
    /// Drops what only judging the finding reads (the inputs of its
    /// fingerprints, the other places a suppression must cover) once it
    /// is judged reported or in the baseline: a scan holds every such
    /// finding until its report is written (these were 0.27 MB of the
    /// 2,000-app benchmark's 6.6 MB of findings).
    pub fn forget_judging(&mut self) {
        self.fingerprint_key = String::new();
        self.fingerprint_key_before_value = None;
        self.fingerprint_before_value = None;
        self.also_at = Vec::new();
        self.suppressible_at = Vec::new();
        self.related.shrink_to_fit();
    }

    /// The column of the snippet's caret (see [`Finding::snippet_column`]).
    pub fn caret_column(&self) -> u32 {
        self.snippet_column.unwrap_or(self.location.column)
    }

    pub fn new(meta: &'static RuleMeta, location: Location, message: impl Into<String>) -> Self {
        Finding {
            rule: meta.id,
            name: meta.name,
            practice: meta.practice,
            severity: meta.default_severity,
            message: message.into(),
            location,
            identity: None,
            environments: Vec::new(),
            related: Vec::new(),
            fix: SharedStr::default(),
            fingerprint_key: String::new(),
            fingerprint_by_path: true,
            fingerprint_key_before_value: None,
            fingerprint: String::new(),
            fingerprint_before_value: None,
            fingerprint_path: String::new(),
            snippet: None,
            snippet_column: None,
            shared_user_notes: Vec::new(),
            pending_profile_places: None,
            also_at: Vec::new(),
            suppressible_at: Vec::new(),
            suppression_reason: None,
        }
    }

    /// Another place this finding stands for (see [`Finding::also_at`]);
    /// `location` itself and repeats are not added.
    pub fn also_at(mut self, at: Location) -> Self {
        if at != self.location && !self.also_at.contains(&at) {
            self.also_at.push(at);
        }
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn identity(mut self, identity: impl Into<String>) -> Self {
        self.identity = Some(identity.into());
        self
    }

    pub fn maybe_identity(mut self, identity: Option<String>) -> Self {
        self.identity = identity;
        self
    }

    pub fn environments(mut self, envs: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.environments = envs.into_iter().map(Into::into).collect();
        self
    }

    pub fn related(mut self, related: Related) -> Self {
        if !self.related.contains(&related) {
            self.related.push(related);
        }
        self
    }

    /// [`Finding::related`] for many at once.
    pub fn related_all(mut self, items: impl IntoIterator<Item = Related>) -> Self {
        self.add_related(items);
        self
    }

    /// Adds each location not there yet, in order (IG303 lists every app
    /// that logs in as a user: 3,000 apps, 6,000 locations).
    pub fn add_related(&mut self, items: impl IntoIterator<Item = Related>) {
        self.related.extend(items);
        crate::dedup::keep_first(&mut self.related);
    }

    pub fn fix(mut self, fix: impl Into<SharedStr>) -> Self {
        self.fix = fix.into();
        self
    }

    /// Sets the line-independent key the fingerprint is made from.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.fingerprint_key = key.into();
        self
    }

    /// [`Finding::key`] for a secret written in clear, with a digest of its
    /// value: the same secret keeps its fingerprint wherever the lines move,
    /// but a rotated one committed in clear again is a new leak, and a new
    /// finding for a baseline.
    pub fn key_with_value(mut self, key: impl Into<String>, value_digest: &str) -> Self {
        let key = key.into();
        self.fingerprint_key = format!("{key}|{value_digest}");
        self.fingerprint_key_before_value = Some(key);
        self
    }

    /// Gives back the room its strings and lists were built with beyond
    /// what they hold: a scan that cannot spill its findings to a temporary
    /// file holds every one until the report, and a message or fix
    /// formatted piece by piece keeps up to twice its length.
    pub fn shrink_to_fit(&mut self) {
        self.message.shrink_to_fit();
        self.fingerprint_key.shrink_to_fit();
        if let Some(key) = &mut self.fingerprint_key_before_value {
            key.shrink_to_fit();
        }
        if let Some(identity) = &mut self.identity {
            identity.shrink_to_fit();
        }
        self.environments.shrink_to_fit();
        self.related.shrink_to_fit();
        self.shared_user_notes.shrink_to_fit();
        self.also_at.shrink_to_fit();
        self.suppressible_at.shrink_to_fit();
    }

    /// Makes the fingerprint of the key alone, whatever file the finding is
    /// shown in ([`Finding::fingerprint_by_path`]).
    pub fn key_for_the_whole_scan(mut self, key: impl Into<String>) -> Self {
        self.fingerprint_key = key.into();
        self.fingerprint_by_path = false;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    Error,
    Warning,
}

/// The code of the diagnostic (an error) that marks an org audit as partial:
/// its read was cut short (a query still failing after its retries, the
/// org's daily API limit or `--max-api-calls` reached). A run that carries it
/// exits 2 whatever its findings, so a partial audit never passes for a
/// clean one.
pub const ORG_PARTIAL: &str = "org-partial";

/// The code of the diagnostic (an error) that marks a scan's report as
/// lacking findings: the engine could not read back some it had spilled to
/// its temporary file (a disk failing under the scan). Exits 2, as
/// [`ORG_PARTIAL`]: an incomplete report never passes.
pub const FINDINGS_LOST: &str = "findings-lost";

/// A problem with the input itself (broken XML, unreadable file, a suppression
/// without a reason). The scan goes on; reports list diagnostics beside findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub level: DiagnosticLevel,
    /// Short stable code, e.g. `xml-syntax`, `not-utf8`, `unreadable`.
    pub code: &'static str,
    pub path: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl Diagnostic {
    pub fn error(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            level: DiagnosticLevel::Error,
            code,
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn warning(
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            level: DiagnosticLevel::Warning,
            ..Diagnostic::error(code, path, message)
        }
    }

    pub fn at(mut self, line: u32, column: u32) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}
