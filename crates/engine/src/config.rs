//! `intguard.toml`: found at the first scan root that has one, or given with
//! `--config`.
//!
//! ```toml
//! fail-on = "high"                 # default for --fail-on
//!
//! [rules]
//! disable = ["IG206"]              # ids or names
//! severity = { IG109 = "medium" }  # override default severities
//!
//! [paths]
//! ignore = ["**/src/test/**", "sandbox/**"]   # gitignore-style globs
//!
//! [[identities]]                   # what intguard cannot know by itself
//! username = "int.orders@acme.com"
//! system = "Order management"
//! apps = ["orders-sapi", "orders-batch"]      # may share this user
//!
//! [orgs.prod]                      # `intguard org audit --org prod`
//! login-url = "https://acme.my.salesforce.com"
//! client-id = "3MVG9..."
//! username = "intguard.audit@acme.com"
//! key = "keys/intguard-audit.key"  # or keystore = ..., alias = ...
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use intguard_model::{Diagnostic, IdentityHint, Location, Severity};
use serde::Deserialize;

pub const FILE_NAME: &str = "intguard.toml";

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub fail_on: Option<String>,
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub paths: PathsConfig,
    #[serde(default)]
    pub identities: Vec<IdentityConfig>,
    /// Named orgs for `intguard org audit --org NAME`.
    #[serde(default)]
    pub orgs: BTreeMap<String, OrgConfig>,
    /// Where the config was read from (not a TOML key).
    #[serde(skip)]
    pub source: Option<PathBuf>,
    /// Found in a folder above the scan roots (a pre-commit hook's paths
    /// inside the repository whose top holds it), or given with
    /// `--config`: its folder, canonical, which its `[paths] ignore` globs
    /// are relative to for the roots inside it, as for a scan from there.
    #[serde(skip)]
    pub found_above: Option<PathBuf>,
    /// The text read, to locate its values.
    #[serde(skip)]
    text: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RulesConfig {
    #[serde(default)]
    pub disable: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PathsConfig {
    #[serde(default)]
    pub ignore: Vec<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IdentityConfig {
    pub username: String,
    pub system: Option<String>,
    #[serde(default)]
    pub apps: Vec<String>,
    /// With its byte span in the file: `intguard identities` says where it
    /// is assigned.
    pub profile: Option<toml::Spanned<String>>,
    #[serde(default)]
    pub permission_sets: Vec<toml::Spanned<String>>,
}

/// How to log in to an org (the options of `intguard token`). Passwords are
/// never written here: only the names of environment variables holding them.
/// Relative paths are relative to the config file's folder.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OrgConfig {
    pub login_url: String,
    pub client_id: String,
    pub username: String,
    pub key: Option<PathBuf>,
    pub keystore: Option<PathBuf>,
    pub alias: Option<String>,
    pub key_password_env: Option<String>,
    pub keystore_password_env: Option<String>,
    pub audience: Option<String>,
    pub ca_file: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub client_keystore: Option<PathBuf>,
    pub client_alias: Option<String>,
    pub client_keystore_password_env: Option<String>,
    pub client_key_password_env: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid config {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// Larger config files are refused, not read.
const MAX_CONFIG_SIZE: u64 = 1 << 20;

/// A TOML error as `line L, column C: message`, without the source line the
/// parser's own rendering quotes and with quoted values hidden: a misspelt
/// key (`keystore-password = "..."` for `keystore-password-env`) may hold a
/// secret.
fn toml_error_message(text: &str, e: &toml::de::Error) -> String {
    let message = hide_quoted(e.message().trim());
    let at = e
        .span()
        .and_then(|span| text.get(..span.start))
        .map(|before| {
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            (line, column)
        });
    let hint = e
        .span()
        .and_then(|span| list_hint(text, span.start, &message))
        .unwrap_or_default();
    match at {
        Some((line, column)) => format!("line {line}, column {column}: {message}{hint}"),
        None => format!("{message}{hint}"),
    }
}

/// The form a list is written in, when the parser wanted one (`expected a
/// sequence`) at `at`: a single value given for a list (`disable =
/// "IG101"`), or one `[table]` where a list of tables is read
/// (`[identities]` for `[[identities]]`). The value itself is not repeated:
/// it may be a secret.
fn list_hint(text: &str, at: usize, message: &str) -> Option<String> {
    if !message.contains("expected a sequence") {
        return None;
    }
    let start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or("").trim();
    if let Some(table) = line
        .strip_prefix('[')
        .filter(|rest| !rest.starts_with('['))
        .and_then(|rest| rest.split(']').next())
    {
        let table = table.trim();
        return Some(format!(
            "; `{table}` is a list of tables: write each entry under its own `[[{table}]]` (double brackets)"
        ));
    }
    let key = line.split('=').next()?.trim();
    (!key.is_empty() && line.contains('='))
        .then(|| format!("; `{key}` is a list: write `{key} = [\"...\"]`, even for one value"))
}

/// `"..."` in a message becomes `"…"` (not within backticks).
fn hide_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let (mut inside, mut ticked) = (false, false);
    for c in message.chars() {
        if c == '`' && !inside {
            // `"` between backticks is the parser naming a character.
            ticked = !ticked;
            out.push(c);
        } else if c == '"' && !ticked {
            if inside {
                out.push('…');
            }
            inside = !inside;
            out.push(c);
        } else if !inside {
            out.push(c);
        }
    }
    out
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let meta = std::fs::metadata(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        // A FIFO would block, a device or a huge file fill memory.
        if !meta.is_file() {
            return Err(invalid("not a regular file".to_string()));
        }
        if meta.len() > MAX_CONFIG_SIZE {
            return Err(invalid(format!(
                "{} bytes; a config is at most {MAX_CONFIG_SIZE}",
                meta.len()
            )));
        }
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config: Config =
            toml::from_str(&text).map_err(|e| invalid(toml_error_message(&text, &e)))?;
        config.source = Some(path.to_path_buf());
        config.text = text;
        config.validate()?;
        Ok(config)
    }

    /// A config file given by name (`--config`): its `[paths] ignore` globs
    /// are relative to its folder for the roots inside that folder, as when
    /// it is found there (`--config intguard.toml` in a pre-commit hook
    /// that names a file of a subfolder ignores what the hook without it
    /// ignores); a root elsewhere takes them relative to itself.
    pub fn given(path: &Path) -> Result<Config, ConfigError> {
        let mut config = Config::load(path)?;
        config.found_above = std::fs::canonicalize(path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        Ok(config)
    }

    /// The config at the first scan root that has one (a root that is a file
    /// looks in its folder), else the nearest above a root up to its git
    /// repository's top, else (outside git) up to the Mule app or
    /// Salesforce project the root lies in; or the default.
    pub fn discover(roots: &[PathBuf]) -> Result<Config, ConfigError> {
        let dirs: Vec<&Path> = roots
            .iter()
            .map(|root| {
                if root.is_dir() {
                    root.as_path()
                } else {
                    root.parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .unwrap_or(Path::new("."))
                }
            })
            .collect();
        for dir in &dirs {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate);
            }
        }
        let canonical: Vec<PathBuf> = dirs
            .iter()
            .filter_map(|d| std::fs::canonicalize(d).ok())
            .collect();
        // The config of the nearest folder above a root: inside a git
        // repository up to its top (a pre-commit hook's paths), outside one
        // up to the Mule app or Salesforce project the root lies in, which
        // the scan reads whole (nothing else says where a project ends).
        for dir in &canonical {
            let top = match dir.ancestors().find(|a| a.join(".git").exists()) {
                Some(top) => Some(top.to_path_buf()),
                None => intguard_readers::enclosing_app_root(dir)
                    .or_else(|| intguard_readers::enclosing_metadata_project(dir)),
            };
            if let Some(top) = top {
                if let Some(config) = Self::found_above(dir, &top)? {
                    return Ok(config);
                }
            }
        }
        Ok(Config::default())
    }

    /// The config of the nearest folder above `dir` (canonical), up to
    /// `top`, marked as found above the roots.
    fn found_above(dir: &Path, top: &Path) -> Result<Option<Config>, ConfigError> {
        for above in dir.ancestors().skip(1) {
            if !above.starts_with(top) {
                break;
            }
            let candidate = above.join(FILE_NAME);
            if candidate.is_file() {
                let mut config = Config::load(&candidate)?;
                config.found_above = Some(above.to_path_buf());
                return Ok(Some(config));
            }
        }
        Ok(None)
    }

    fn invalid(&self, message: String) -> ConfigError {
        ConfigError::Invalid {
            path: self
                .source
                .clone()
                .unwrap_or_else(|| PathBuf::from(FILE_NAME)),
            message,
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if let Some(f) = &self.fail_on {
            if !f.trim().eq_ignore_ascii_case("none") && Severity::parse(f).is_none() {
                return Err(self.invalid(format!(
                    "{}fail-on = {f:?}: expected critical, high, medium, low, info or none",
                    self.line_of(f)
                )));
            }
        }
        for rule in self.rules.disable.iter().chain(self.rules.severity.keys()) {
            if intguard_rules::find_rule(rule).is_none() {
                let near = intguard_rules::similar_rules(rule);
                let hint = if near.is_empty() {
                    String::new()
                } else {
                    format!("did you mean {}? ", near.join(", "))
                };
                return Err(self.invalid(format!(
                    "{}unknown rule {rule:?} ({hint}see `intguard rule` for the list)",
                    self.line_of(rule)
                )));
            }
        }
        // One rule given two severities, by its id and its name (or in two
        // cases): which one applied depended on how the keys sort.
        let mut severities: BTreeMap<&str, &str> = BTreeMap::new();
        for rule in self.rules.severity.keys() {
            let id = intguard_rules::find_rule(rule).map_or("", |r| r.meta().id);
            if let Some(first) = severities.insert(id, rule) {
                return Err(self.invalid(format!(
                    "{}rules.severity names {id} twice ({first:?} and {rule:?}): keep one",
                    self.line_of(rule)
                )));
            }
        }
        for glob in &self.paths.ignore {
            if let Err(e) = intguard_readers::check_ignore_glob(glob) {
                return Err(self.invalid(format!(
                    "{}paths.ignore: invalid glob {glob:?}: {e}",
                    self.line_of(glob)
                )));
            }
        }
        for (rule, sev) in &self.rules.severity {
            if Severity::parse(sev).is_none() {
                return Err(self.invalid(format!(
                    "{}rules.severity.{rule} = {sev:?}: expected critical, high, medium, low or info",
                    self.line_of(sev)
                )));
            }
        }
        Ok(())
    }

    pub fn is_disabled(&self, id: &str, name: &str) -> bool {
        self.rules
            .disable
            .iter()
            .map(|d| d.trim())
            .any(|d| d.eq_ignore_ascii_case(id) || d.eq_ignore_ascii_case(name))
    }

    pub fn severity_override(&self, id: &str, name: &str) -> Option<Severity> {
        self.rules
            .severity
            .iter()
            .find(|(k, _)| {
                let k = k.trim();
                k.eq_ignore_ascii_case(id) || k.eq_ignore_ascii_case(name)
            })
            .and_then(|(_, v)| Severity::parse(v))
    }

    /// A named org of `[orgs.NAME]`, its relative paths resolved against
    /// the config file's folder.
    pub fn org(&self, name: &str) -> Option<OrgConfig> {
        let mut org = self.orgs.get(name)?.clone();
        if let Some(dir) = self.source.as_deref().and_then(Path::parent) {
            for p in [
                &mut org.key,
                &mut org.keystore,
                &mut org.ca_file,
                &mut org.client_cert,
                &mut org.client_key,
                &mut org.client_keystore,
            ]
            .into_iter()
            .flatten()
            {
                if p.is_relative() {
                    *p = dir.join(&*p);
                }
            }
        }
        Some(org)
    }

    /// `fail-on` from the file: `Some(None)` means "none".
    pub fn fail_on(&self) -> Option<Option<Severity>> {
        self.fail_on.as_deref().map(Severity::parse)
    }

    pub fn identity_hints(&self) -> Vec<IdentityHint> {
        self.identities
            .iter()
            .map(|i| IdentityHint {
                username: i.username.clone(),
                system: i.system.clone(),
                apps: i.apps.clone(),
                profile: i.profile.as_ref().map(|p| p.get_ref().clone()),
                permission_sets: i
                    .permission_sets
                    .iter()
                    .map(|p| p.get_ref().clone())
                    .collect(),
                profile_at: i.profile.as_ref().and_then(|p| self.locate(p.span().start)),
                permission_sets_at: i
                    .permission_sets
                    .iter()
                    .map_while(|p| self.locate(p.span().start))
                    .collect(),
            })
            .collect()
    }

    /// An `identity-not-found` warning for each `[[identities]]` username
    /// that no app, metadata or org of the scan names while one it does is
    /// a typo away (`int.custmers@acme.com` for `int.customers@acme.com`):
    /// its system, apps allowed to share it and profile applied to nobody,
    /// silently. `found`: the usernames the scan found by other means. A
    /// username that only a sandbox suffix or digits tell apart from one
    /// found (`...acme.com.uat` beside `...acme.com.qa`, `int.sync2` beside
    /// `int.sync1`) is another user, named for an org audit or an app not
    /// read: nothing is said of it. `found` is gone through only when the
    /// config names identities (a monorepo's thousands of usernames were
    /// copied, lowercased, for none).
    pub fn identity_typos<'a>(&self, found: impl IntoIterator<Item = &'a str>) -> Vec<Diagnostic> {
        if self.identities.is_empty() {
            return Vec::new();
        }
        let found: Vec<&str> = found.into_iter().collect();
        let lower: Vec<String> = found.iter().map(|u| u.to_ascii_lowercase()).collect();
        let known: std::collections::HashSet<&str> = lower.iter().map(String::as_str).collect();
        // Every pair was measured (a thousand identities against a
        // thousand apps' usernames took 5 s): only those of lengths two
        // edits apart, whose letters two edits could make alike, are.
        let mut by_len: std::collections::HashMap<usize, Vec<usize>> = Default::default();
        for (i, l) in lower.iter().enumerate() {
            by_len.entry(l.chars().count()).or_default().push(i);
        }
        let counts: Vec<LetterCounts> = lower.iter().map(|l| LetterCounts::of(l)).collect();
        let without_digits =
            |u: &str| -> String { u.chars().filter(|c| !c.is_ascii_digit()).collect() };
        let before_last_dot = |u: &str| {
            u.rsplit_once('.')
                .map_or(u.to_string(), |(b, _)| b.to_string())
        };
        let mut out = Vec::new();
        for hint in &self.identities {
            let name = hint.username.trim().to_ascii_lowercase();
            if name.is_empty() || known.contains(name.as_str()) {
                continue;
            }
            let name_counts = LetterCounts::of(&name);
            let chars = name.chars().count();
            let mut candidates: Vec<usize> = (chars.saturating_sub(2)..=chars + 2)
                .filter_map(|len| by_len.get(&len))
                .flatten()
                .copied()
                .filter(|&i| name_counts.edits_at_least(&counts[i]) <= 2)
                .collect();
            // In the order of `found`, as when every one was measured.
            candidates.sort_unstable();
            let near: Vec<&str> = candidates
                .into_iter()
                .filter(|&i| {
                    let l = &lower[i];
                    strsim::levenshtein(&name, l) <= 2
                        && without_digits(&name) != without_digits(l)
                        && before_last_dot(&name) != before_last_dot(l)
                })
                .map(|i| found[i])
                .collect();
            if near.is_empty() {
                continue;
            }
            let at = self.offset_of(&hint.username).and_then(|i| self.locate(i));
            let path = self
                .source
                .as_ref()
                .map_or(FILE_NAME.to_string(), |p| p.to_string_lossy().into_owned());
            let mut d = Diagnostic::warning(
                "identity-not-found",
                path,
                format!(
                    "[[identities]] username {:?} is no user this scan found (no app logs in as it, no metadata or org names it): did you mean {}? Its system, apps and profile apply to nobody else",
                    hint.username,
                    near.iter().map(|u| format!("{u:?}")).collect::<Vec<_>>().join(" or ")
                ),
            );
            if let Some(at) = at {
                d = d.at(at.line, at.column);
            }
            out.push(d);
        }
        out
    }

    /// `line N: ` for the first place the file writes `value` (quoted, or
    /// as a bare key), for an error about it; empty when not found.
    fn line_of(&self, value: &str) -> String {
        self.offset_of(value)
            .and_then(|i| self.locate(i))
            .map(|l| format!("line {}: ", l.line))
            .unwrap_or_default()
    }

    /// Where the file first writes `value` (quoted, or as a bare key).
    fn offset_of(&self, value: &str) -> Option<usize> {
        // As a literal string, or a basic one with its escapes
        // (`"apps\\orders"` for `apps\orders`).
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        let quoted = [
            format!("\"{value}\""),
            format!("'{value}'"),
            format!("\"{escaped}\""),
        ];
        let at = quoted
            .iter()
            .find_map(|q| self.text.find(q.as_str()))
            .or_else(|| {
                self.text
                    .match_indices(value)
                    .find(|(i, _)| self.text[i + value.len()..].trim_start().starts_with('='))
                    .map(|(i, _)| i)
            });
        at
    }

    /// Where byte `offset` of the file is (line and column, 1-based);
    /// `None` for a config not read from a file.
    fn locate(&self, offset: usize) -> Option<Location> {
        let path = self.source.as_ref()?;
        let before = self.text.get(..offset)?;
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        Some(Location::new(
            path.to_string_lossy().as_ref(),
            u32::try_from(line).ok()?,
            u32::try_from(column).ok()?,
        ))
    }
}

/// How many times each character occurs in a text, folded into 64 counts: a
/// lower bound on the edits between two texts, cheap enough to ask of
/// every pair ([`Config::identity_typos`]).
struct LetterCounts([u8; 64]);

impl LetterCounts {
    fn of(text: &str) -> Self {
        let mut counts = [0u8; 64];
        for ch in text.chars() {
            let c = &mut counts[(u32::from(ch) & 63) as usize];
            *c = c.saturating_add(1);
        }
        LetterCounts(counts)
    }

    /// At most the edit distance of the two texts: one edit (an insertion,
    /// a deletion or a substitution) changes the counts by at most two in
    /// all, and folding characters together only lowers the difference. (A
    /// count stopped at 255 lowers it too.)
    fn edits_at_least(&self, other: &LetterCounts) -> usize {
        let diff: usize = self
            .0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| usize::from(a.abs_diff(*b)))
            .sum();
        diff.div_ceil(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        Config::load(&path)
    }

    /// A single value where a list is read, and a `[table]` where a list of
    /// tables is, are answered with the form to write, without the value.
    #[test]
    fn a_list_written_as_one_value_is_told_its_form() {
        let one = parse("[rules]\ndisable = \"IG101\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            one.contains("line 2, column 11")
                && one.contains("`disable` is a list: write `disable = [\"...\"]`")
                && !one.contains("IG101"),
            "{one}"
        );
        let table = parse("[identities]\nusername = \"int.orders@acme.com\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            table.contains(
                "`identities` is a list of tables: write each entry under its own `[[identities]]`"
            ) && !table.contains("int.orders"),
            "{table}"
        );
        // Other errors get no such hint.
        let other = parse("fail-on = 3\n").unwrap_err().to_string();
        assert!(!other.contains("is a list"), "{other}");
    }

    #[test]
    fn full_config_parses() {
        let c = parse(
            r#"
fail-on = "medium"
[rules]
disable = ["IG206", "plain-http"]
severity = { IG102 = "high" }
[paths]
ignore = ["**/src/test/**"]
[[identities]]
username = "int.orders@acme.com"
system = "Orders"
apps = ["orders-sapi", "orders-batch"]
"#,
        )
        .unwrap();
        assert!(c.is_disabled("IG206", "no-mutual-tls"));
        assert!(c.is_disabled("IG109", "plain-http"));
        assert_eq!(
            c.severity_override("IG102", "plaintext-secret"),
            Some(Severity::High)
        );
        assert_eq!(c.fail_on(), Some(Some(Severity::Medium)));
        assert_eq!(c.identity_hints()[0].apps.len(), 2);
    }

    /// An identity's profile and permission sets are located at their
    /// values, so `intguard identities` can say where each is assigned.
    #[test]
    fn identity_assignments_are_located() {
        let c = parse(
            "[[identities]]\nusername = \"int.orders@acme.com\"\nprofile = \"Orders Integration\"\npermission-sets = [\n  \"Orders_API\",\n  \"Exports\",\n]\n",
        )
        .unwrap();
        let h = &c.identity_hints()[0];
        let at = |l: &Location| (l.path.ends_with(FILE_NAME), l.line, l.column);
        assert_eq!(h.profile.as_deref(), Some("Orders Integration"));
        assert_eq!(h.profile_at.as_ref().map(at), Some((true, 3, 11)));
        assert_eq!(h.permission_sets, ["Orders_API", "Exports"]);
        let sets: Vec<_> = h.permission_sets_at.iter().map(at).collect();
        assert_eq!(sets, [(true, 5, 3), (true, 6, 3)]);
    }

    /// Found by review: the error echoed the offending line, and a misspelt
    /// key may hold a secret; a huge or special file was read whole.
    #[test]
    fn errors_give_the_position_but_never_a_value() {
        let secret = "ZqxToml01Secret";
        for text in [
            format!("[orgs.prod]\nlogin-url = \"https://x\"\nkeystore-password = \"{secret}\"\n"),
            format!("fail-on = \"{secret}\n"),
            format!("fail-on = 3\n[identities]\npassword = \"{secret}\"\n"),
            format!("[[identities]]\nusername = [\"{secret}\", 1]\n"),
        ] {
            let e = parse(&text).unwrap_err().to_string();
            assert!(!e.contains(secret), "{e}");
            assert!(e.contains("line "), "{e}");
        }
        let e = parse("colour = true\n").unwrap_err().to_string();
        assert!(
            e.contains("line 1, column 1: unknown field `colour`"),
            "{e}"
        );
        let e = parse("a = \"unterminated\n").unwrap_err().to_string();
        assert!(e.contains("expected `\"`"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join(FILE_NAME);
        std::fs::write(&big, "# x\n".repeat(300_000)).unwrap();
        let e = Config::load(&big).unwrap_err().to_string();
        assert!(e.contains("at most"), "{e}");
        let e = Config::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }

    #[test]
    fn unknown_rule_and_key_are_errors() {
        let e = parse("[rules]\ndisable = [\"IG999\"]\n").unwrap_err();
        assert!(e.to_string().contains("IG999"), "{e}");
        assert!(e.to_string().contains("line 2: unknown rule"), "{e}");
        let e = parse("fail-on = \"high\"\n[rules.severity]\nIG998 = \"low\"\n").unwrap_err();
        assert!(
            e.to_string().contains("line 3: unknown rule \"IG998\""),
            "{e}"
        );
        let e = parse("colour = true\n").unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
        let e = parse("[rules]\nseverity = { IG101 = \"huge\" }\n").unwrap_err();
        assert!(e.to_string().contains("huge"), "{e}");
    }

    /// What README's `--config` default says: the first scan root, in the
    /// order given, that has an `intguard.toml` (a file root: its folder).
    #[test]
    fn discovery_takes_the_first_root_that_has_a_config() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            dir.path().join("a"),
            dir.path().join("b"),
            dir.path().join("c"),
        );
        for d in [&a, &b, &c] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(b.join(FILE_NAME), "fail-on = \"low\"\n").unwrap();
        std::fs::write(c.join(FILE_NAME), "fail-on = \"medium\"\n").unwrap();
        let file_in_c = c.join("x.yaml");
        std::fs::write(&file_in_c, "a: 1\n").unwrap();
        let found = |roots: &[&PathBuf]| {
            let roots: Vec<PathBuf> = roots.iter().map(|p| (*p).clone()).collect();
            Config::discover(&roots).unwrap().source
        };
        assert_eq!(found(&[&a, &b, &c]), Some(b.join(FILE_NAME)));
        assert_eq!(found(&[&c, &b]), Some(c.join(FILE_NAME)));
        assert_eq!(found(&[&a, &file_in_c]), Some(c.join(FILE_NAME)));
        assert_eq!(found(&[&a]), None);
    }

    /// With no config at the roots, a root inside a git repository takes the
    /// config of the nearest folder above it, up to the repository's top;
    /// outside a repository nothing above is looked at.
    #[test]
    fn discovery_climbs_to_the_repository_top() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let app = repo.join("apps/orders-sapi/src/main/mule");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "fail-on = \"low\"\n").unwrap();
        std::fs::write(repo.join(FILE_NAME), "fail-on = \"medium\"\n").unwrap();
        let file = app.join("global.xml");
        std::fs::write(&file, "<mule/>").unwrap();
        let found = || Config::discover(std::slice::from_ref(&file)).unwrap();
        // Not a repository: only the roots' own folders.
        assert_eq!(found().source, None);
        std::fs::create_dir(repo.join(".git")).unwrap();
        let config = found();
        assert_eq!(config.source, Some(repo.join(FILE_NAME)));
        assert_eq!(config.fail_on.as_deref(), Some("medium"));
        assert_eq!(
            config.found_above,
            Some(std::fs::canonicalize(&repo).unwrap())
        );
        // Not above the repository's top.
        std::fs::remove_file(repo.join(FILE_NAME)).unwrap();
        assert_eq!(found().source, None);
    }

    #[test]
    fn an_invalid_ignore_glob_is_an_error_naming_it_and_the_file() {
        let e =
            parse("[paths]\nignore = [\"**/src/test/**\", \"legacy-sync/[abc\"]\n").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("legacy-sync/[abc"), "{msg}");
        assert!(msg.contains(FILE_NAME), "{msg}");
        assert!(parse("[paths]\nignore = [\"**/src/test/**\", \"sandbox/**\"]\n").is_ok());
    }

    /// Found by a config review: a rule id with a space around it
    /// (`"IG101 "`, pasted) was accepted, as the rule lookup trims it, but
    /// disabled nothing, nor changed a severity: the scan still failed on
    /// IG101.
    #[test]
    fn rules_are_matched_as_validated() {
        let c = parse(
            "[rules]\ndisable = [\"IG101 \", \" password-flows-allowed\"]\nseverity = { \" ig109\" = \"Low\" }\n",
        )
        .unwrap();
        assert!(c.is_disabled("IG101", "password-auth"));
        assert!(c.is_disabled("IG207", "password-flows-allowed"));
        assert!(!c.is_disabled("IG102", "plaintext-secret"));
        assert_eq!(
            c.severity_override("IG109", "plain-http"),
            Some(Severity::Low)
        );
    }

    /// `fail-on = "None"` was refused while `"High"` was accepted.
    #[test]
    fn fail_on_none_in_any_case() {
        for none in ["None", "NONE", "none"] {
            let c = parse(&format!("fail-on = \"{none}\"\n")).unwrap();
            assert_eq!(c.fail_on(), Some(None), "{none}");
        }
        assert_eq!(
            parse("fail-on = \"High\"\n").unwrap().fail_on(),
            Some(Some(Severity::High))
        );
    }

    /// A misspelt rule gets the rule it likely meant; one rule given two
    /// severities (by id and by name) is an error, not the first key in
    /// sort order silently winning.
    #[test]
    fn an_unknown_rule_suggests_the_nearest_and_a_rule_given_twice_is_refused() {
        let e = parse("[rules]\ndisable = [\"IG1O1\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2: unknown rule \"IG1O1\" (did you mean IG101 password-auth? see `intguard rule` for the list)"),
            "{e}"
        );
        let e = parse("[rules]\ndisable = [\"plain-htp\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean IG109 plain-http?"), "{e}");
        let e = parse("[rules]\ndisable = [\"kerberos\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown rule \"kerberos\" (see `intguard rule`"),
            "{e}"
        );
        let e = parse("[rules]\nseverity = { IG102 = \"low\", plaintext-secret = \"high\" }\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("rules.severity names IG102 twice (\"IG102\" and \"plaintext-secret\")"),
            "{e}"
        );
        assert!(parse("[rules]\nseverity = { IG102 = \"low\", IG109 = \"high\" }\n").is_ok());
    }

    /// Found by a config review: a glob written with Windows separators
    /// (`legacy-sync\**`) was accepted and kept nothing out, as `\`
    /// escapes the next character in a gitignore-style glob. It is an error
    /// giving the glob with `/`; escaping a character a file name may hold
    /// (`\#`, `\[`) still works.
    #[test]
    fn a_glob_with_backslash_separators_is_an_error_giving_the_slashed_form() {
        for (toml, slashed) in [
            ("ignore = ['legacy-sync\\**']", "legacy-sync/**"),
            (
                "ignore = [\"apps\\\\orders\\\\src\\\\test\\\\\"]",
                "apps/orders/src/test/",
            ),
            ("ignore = ['sandbox\\\\x.yaml']", "sandbox/x.yaml"),
            ("ignore = ['docs/\\?.md']", "docs/?.md"),
        ] {
            let e = parse(&format!("[paths]\n{toml}\n"))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("line 2: paths.ignore: invalid glob"),
                "{toml}: {e}"
            );
            assert!(
                e.contains(&format!("on Windows too ({slashed:?})")),
                "{toml}: {e}"
            );
        }
        assert!(
            parse("[paths]\nignore = ['notes/\\#1.md', 'ids/\\[id\\].xml', '\\!keep']\n").is_ok()
        );
    }

    /// Found by a config review: `[[identities]] username` misspelt
    /// (`int.custmers@...`) was accepted: its system, apps allowed to share
    /// it (IG303) and profile went to a user nothing uses, and nothing said
    /// so. A username a typo away from one the scan found is warned at its
    /// line; one found (in any case), and other users (another sandbox,
    /// another number, far from every one found) are not.
    #[test]
    fn a_misspelt_identity_username_is_warned_with_the_one_meant() {
        let c = parse(
            "[[identities]]\nusername = \"INT.Orders@acme.com\"\n\n[[identities]]\nusername = \"int.custmers@acme.com.dev\"\nsystem = \"CRM\"\n[[identities]]\nusername = \"int.customers@acme.com.uat\"\n[[identities]]\nusername = \"int.sync2@acme.com\"\n[[identities]]\nusername = \"audit@acme.com\"\n",
        )
        .unwrap();
        let found = [
            "int.orders@acme.com",
            "int.customers@acme.com.dev",
            "int.customers@acme.com.qa",
            "int.sync1@acme.com",
        ];
        let d = c.identity_typos(found);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "identity-not-found");
        assert!(d[0].path.ends_with(FILE_NAME), "{}", d[0].path);
        assert_eq!((d[0].line, d[0].column), (Some(5), Some(12)));
        assert!(
            d[0].message.starts_with(
                "[[identities]] username \"int.custmers@acme.com.dev\" is no user this scan found"
            ) && d[0]
                .message
                .contains("did you mean \"int.customers@acme.com.dev\"?"),
            "{}",
            d[0].message
        );
        assert!(c.identity_typos([]).is_empty());
    }

    /// The usernames compared with each identity are only those of a
    /// length and letters two edits could reach: the warnings are those of
    /// measuring every pair (the definition, kept here), on names a typo,
    /// two or three away, in other letters, longer and shorter.
    #[test]
    fn typos_are_those_every_pair_measured_would_give() {
        let found: Vec<String> = [
            "int.orders@acme.com",
            "int.customers@acme.com.dev",
            "svc.billing@acme.com",
            "intégration@acme.com",
            "int.ørders@acme.com",
            "a@b.co",
            "int.sync1@acme.com",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain((0..300).map(|i| format!("int.app{i}@acme.com")))
        .collect();
        let mut hints = Vec::new();
        for f in found.iter().take(7) {
            let chars: Vec<char> = f.chars().collect();
            let s = |v: Vec<char>| v.into_iter().collect::<String>();
            let mut swapped = chars.clone();
            swapped.swap(1, 2);
            let mut one = chars.clone();
            one[3] = 'x';
            let mut two = one.clone();
            two.remove(0);
            let mut three = two.clone();
            three.insert(4, 'q');
            let mut other = chars.clone();
            other[2] = 'é';
            let mut longer = chars.clone();
            longer.extend(['z', 'z']);
            hints.extend([s(swapped), s(one), s(two), s(three), s(other), s(longer)]);
            hints.push(s(chars[..chars.len() - 3].to_vec()));
        }
        hints.push("int.app17@acme.co".to_string());
        hints.push("int.ap17@acme.com".to_string());
        let toml: String = hints
            .iter()
            .map(|h| format!("[[identities]]\nusername = {h:?}\n"))
            .collect();
        let c = parse(&toml).unwrap();
        let got: Vec<String> = c
            .identity_typos(found.iter().map(String::as_str))
            .into_iter()
            .map(|d| d.message)
            .collect();
        // Every pair measured.
        let without_digits =
            |u: &str| -> String { u.chars().filter(|c| !c.is_ascii_digit()).collect() };
        let before_last_dot = |u: &str| u.rsplit_once('.').map_or(u, |(b, _)| b).to_string();
        let expected: Vec<String> = hints
            .iter()
            .filter(|h| !found.contains(h))
            .filter_map(|h| {
                let near: Vec<String> = found
                    .iter()
                    .filter(|l| {
                        strsim::levenshtein(h, l) <= 2
                            && without_digits(h) != without_digits(l)
                            && before_last_dot(h) != before_last_dot(l)
                    })
                    .map(|u| format!("{u:?}"))
                    .collect();
                (!near.is_empty()).then(|| format!(
                    "[[identities]] username {h:?} is no user this scan found (no app logs in as it, no metadata or org names it): did you mean {}? Its system, apps and profile apply to nobody else",
                    near.join(" or ")
                ))
            })
            .collect();
        assert!(expected.len() >= 20, "{expected:#?}");
        assert_eq!(got, expected);
        // The bound never exceeds the distance.
        for a in hints.iter().chain(&found) {
            for b in found.iter().take(7) {
                let bound = LetterCounts::of(a).edits_at_least(&LetterCounts::of(b));
                assert!(bound <= strsim::levenshtein(a, b), "{a} {b}");
            }
        }
    }

    /// Without `[[identities]]` the usernames found are not gone through
    /// (a monorepo's thousands were copied, lowercased, for no hint).
    #[test]
    fn no_identities_no_typos_and_nothing_read() {
        let c = parse("fail-on = \"high\"\n").unwrap();
        let found = std::iter::from_fn(|| -> Option<&str> { panic!("the usernames were read") });
        assert!(c.identity_typos(found).is_empty());
    }

    /// Every invalid value names its line, as unknown keys and rules do.
    #[test]
    fn an_invalid_severity_names_its_line() {
        let e = parse("# CI gate\n\nfail-on = \"bogus\"\n").unwrap_err();
        assert!(e.to_string().contains("line 3: fail-on = \"bogus\""), "{e}");
        let e = parse(
            "fail-on = \"high\"\n\n[rules]\nseverity = { IG109 = \"medium\", IG102 = \"huge\" }\n",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("line 4: rules.severity.IG102 = \"huge\""),
            "{e}"
        );
    }
}
