//! Facts found in any text file: Salesforce tokens, PEM and OpenPGP private
//! key blocks, `name=value` definitions outside property files, and
//! `intguard-ignore` comments.
//!
//! Every pattern has a cheap literal prefilter (memchr's memmem) so that the
//! usual file costs a few fast passes and no regex at all.
//!
//! - this module: the file kinds, the prefilter, tokens, `-D` options and
//!   shell variables, and [`scan`], which runs the rest:
//! - [`private_keys`]: PEM and OpenPGP private key blocks;
//! - [`command_line`]: secrets passed to commands, Salesforce CLI JWT logins;
//! - [`generic`]: `key: value` lines of any file, JSON `key`/`value` pairs,
//!   Maven `settings.xml` servers;
//! - [`dataweave`]: a DataWeave script's variables;
//! - [`containers`]: Dockerfile `ENV`/`ARG`, Kubernetes `env` lists;
//! - [`suppressions`](mod@suppressions): `intguard-ignore` comments.

mod command_line;
mod containers;
mod dataweave;
mod generic;
mod private_keys;
mod suppressions;
#[cfg(test)]
mod tests;

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use intguard_model::{
    vocab, Assignment, DefinitionForm, DeploymentProperty, FilePath, InlineSuppression, Location,
    TextFileFacts, TokenCandidate, TokenKind,
};
use memchr::memmem;
use regex::Regex;

use crate::mule::descriptor::pom_definitions;
use crate::position::Cursor;

use command_line::{cli_jwt_logins, command_line_secrets};
use containers::{dockerfile_variables, env_list_entry};
pub(crate) use dataweave::{dataweave_variables, literal_script};
use generic::{
    dataweave_body_fields, generic_line, is_key_path_setting, json_key_value_pairs,
    name_server_credentials, powershell_hashtable_entries,
};
pub use private_keys::looks_like_pem_body;
use private_keys::private_key_blocks;
use suppressions::suppressions;

/// How a file's `name=value` lines are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AssignmentStyle {
    /// An app's property file or a Mule configuration: their keys and
    /// attributes are read by their own readers; only `-D` definitions.
    None,
    /// Shell scripts, `.env` files and Windows batch files: every
    /// `NAME=value` / `export NAME=value`, `set NAME=value` / `set
    /// "NAME=value"`.
    Shell,
    /// `pom.xml`: the `<properties>` children.
    Pom,
    /// A Dockerfile (`Dockerfile`, `Dockerfile.*`, `*.dockerfile`,
    /// `Containerfile`): its `ENV` and `ARG` instructions, every variable
    /// (`ENV A=1 B="2 3"`, the older `ENV NAME value`, lines continued with
    /// `\`).
    Dockerfile,
    /// A Maven `settings.xml`: read like [`AssignmentStyle::Generic`], its
    /// `<server>` credentials marked as such
    /// ([`DefinitionForm::MavenServer`]).
    MavenSettings,
    /// A JSON file: read like [`AssignmentStyle::Generic`], and its
    /// `{"key": NAME, "value": VALUE}` pairs (Postman environments and
    /// collections write variables and auth settings so) are definitions of
    /// NAME ([`DefinitionForm::JsonKeyValue`]).
    Json,
    /// Anything else (README, CI files, PowerShell and other scripts,
    /// configs): `key: value`, `key=value` (PowerShell's `$env:KEY = "value"`
    /// and `$Key = "value"` too) and `<key>value</key>` lines whose key names
    /// a secret or an encryption key, and the `- name: KEY` / `value: ...` pairs of a
    /// Kubernetes container's `env` list.
    Generic,
}

/// Which comments a file's format has, where `intguard-ignore` may be
/// written. A comment opener the format does not have (`/*` in a quoted YAML
/// glob, `//` in a URL) opens nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CommentSyntax {
    /// XML-like: only `<!-- ... -->`, possibly multi-line.
    Xml,
    /// YAML: only `#`.
    Hash,
    /// Java `.properties`: lines starting with `#` or `!` (a `#` after a key
    /// is part of its value).
    Properties,
    /// Any other text: `#`, `//`, `/* */`, `<!-- -->`, and lines starting
    /// with `!`, `;`, `--`, `*` or `rem`.
    Any,
}

/// What the text scanner needs to know about a file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextKind {
    pub assignments: AssignmentStyle,
    pub comments: CommentSyntax,
}

/// The literal prefilters, found in one pass over the file. Each is a part of
/// what it stands for, chosen so that its first two bytes are rare: the
/// searcher stops at every place those two bytes occur, and `in`
/// (`intguard-ignore`) and `00` (`00D`, the org id of an access token) are
/// among the commonest pairs of a Mule file. `0D` and `-ignore` hold every
/// `00D` and `intguard-ignore`; what each gates looks for the whole form.
/// The marker is also read in capitals (`INTGUARD-IGNORE`, `Intguard-Ignore`),
/// as people write it; each needle sets its form's bit.
const NEEDLES: &[(&str, u8)] = &[
    ("0D", N_ACCESS),
    ("5Aep861", N_REFRESH),
    ("3MVG9", N_CONSUMER),
    ("PRIVATE KEY-----", N_PEM),
    ("-D", N_DEFINE),
    ("-ignore", N_IGNORE),
    ("-IGNORE", N_IGNORE),
    ("-Ignore", N_IGNORE),
    ("PGP PRIVATE KEY BLOCK-----", N_PGP),
];
const N_ACCESS: u8 = 1 << 0;
const N_REFRESH: u8 = 1 << 1;
const N_CONSUMER: u8 = 1 << 2;
const N_PEM: u8 = 1 << 3;
const N_DEFINE: u8 = 1 << 4;
const N_IGNORE: u8 = 1 << 5;
const N_PGP: u8 = 1 << 6;
const N_ALL: u8 = (1 << 7) - 1;

static PREFILTER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(NEEDLES.iter().map(|(needle, _)| needle))
        .expect("aho-corasick")
});

/// Which needles occur in the text (a bit per form).
fn present(bytes: &[u8]) -> u8 {
    let mut seen = 0u8;
    // Leftmost (non-overlapping) matches are much faster than overlapping
    // ones, and see every form present: no needle ends inside an `00D` or an
    // `intguard-ignore` past where the `0D` or `-ignore` it holds begins, and
    // the one overlap the needles can make (`KEY-----` then `-D`) hides only
    // a `-D` after a dash, which no Java option is.
    for m in PREFILTER.find_iter(bytes) {
        seen |= NEEDLES[m.pattern().as_usize()].1;
        if seen == N_ALL {
            break;
        }
    }
    seen
}

/// An access (session) token: org id, `!` (`%21` in a URL's query string,
/// as in a `frontdoor.jsp?sid=` link), then the session key.
static ACCESS_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?(?:!|%21)[A-Za-z0-9._]{20,}")
        .expect("regex")
});
/// A Salesforce org's host, where its tokens are revoked: My Domain
/// (production, sandbox, scratch), login / test, or a classic instance
/// (`na123.salesforce.com`).
static SALESFORCE_HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:[a-z0-9][a-z0-9-]*(?:\.(?:sandbox|scratch|develop))?\.my\.salesforce\.com|(?:login|test|[a-z]{2,4}[0-9]{1,3})\.salesforce\.com)\b",
    )
    .expect("regex")
});

/// How far (in lines) from a token a host still says which org issued it.
const HOST_NEAR_LINES: u32 = 5;

static REFRESH_TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)5Aep861[A-Za-z0-9._]{50,}").expect("regex"));
/// An SFDX auth URL: `force://<client id>:<client secret>:<refresh
/// token>@<host>` (the client id and secret may be empty:
/// `force://PlatformCLI::<refresh token>@<host>`).
static SFDX_AUTH_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"force://[^\s:@/'"`]*:([^\s:@/'"`]+):[^\s:@/'"`]+@"#).expect("regex")
});
static CONSUMER_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)3MVG9[A-Za-z0-9._]{40,}").expect("regex"));
/// A Java system property on a command line: `-Dname=value`, or the Mule
/// wrapper's `-M-Dname=value` (`mule -M-Dmule.key=... start`, Studio's
/// launch `vmArgs`), which passes the same `-D` to the runtime.
static JAVA_DEFINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:^|[\s"'=(\[,;>`])((?:-M)?-D([A-Za-z_][A-Za-z0-9_.\-]*)=("[^"\n]*"|'[^'\n]*'|[^\s"'<>;,)\]`]*))"#)
        .expect("regex")
});
/// A variable set on a line of its own: `NAME=value`, `export NAME=value`,
/// a batch file's `set NAME=value` (any case) and `set "NAME=value"` (group 1
/// the opening quote, the value ends at the last quote). Group 2 the name,
/// group 3 the value; a CRLF line's `\r` is no part of it.
static SHELL_ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^[ \t]*(?:(?i:set)[ \t]+(")|(?i:export|set)[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*([^\r\n]*?)\r?$"#)
        .expect("regex")
});
/// Words that make a line worth a closer look in generic files.
static SECRET_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)pass|pwd|secret|token|key|credential|sessionid").expect("regex")
});

/// True when a name holds a secret or an encryption key. Environment-variable
/// spellings count too (`MULE_KEY`, `ENCRYPTION_KEY`).
pub(crate) fn is_sensitive_name(name: &str) -> bool {
    if vocab::is_secret_or_key_name(name) {
        return true;
    }
    let dotted = name.replace(['_', '-'], ".").to_ascii_lowercase();
    vocab::is_encryption_key_name(&dotted)
}

/// Strips quotes and (for unquoted values) a trailing ` # comment`.
fn clean_value(raw: &str) -> String {
    let v = raw.trim().trim_end_matches([',', ';']).trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) {
            if let Some(end) = v[1..].find(q) {
                return v[1..1 + end].to_string();
            }
        }
    }
    match v.find(" #") {
        Some(i) => v[..i].trim_end().to_string(),
        None => v.to_string(),
    }
}

/// A token shortened in a document (`00D...!AQxyz...`, `...…`): dots
/// in a row, or an ellipsis right after it. What is left logs in nowhere.
fn elided(text: &str, m: &regex::Match<'_>) -> bool {
    m.as_str().contains("..") || text[m.end()..].starts_with('\u{2026}')
}

/// A token without the `.` that ends a sentence, when it stays a token.
fn token_value(re: &Regex, found: &str) -> String {
    let trimmed = found.trim_end_matches('.');
    if trimmed.len() < found.len() && re.find(trimmed).is_some_and(|m| m.len() == trimmed.len()) {
        trimmed.to_string()
    } else {
        found.to_string()
    }
}

/// A value that reads a variable or a command (`$SF_PW`, `"$(vault read
/// ...)"`, `%PW%`): it sets no secret of its own, and recording it would
/// have the output mask the variable's name. `raw` is the value as written,
/// `cleaned` its text ([`clean_value`]): in single quotes `$` is a literal
/// (a shell's, YAML's), and such a value is kept.
pub(super) fn reads_a_variable(raw: &str, cleaned: &str) -> bool {
    !raw.trim_start().starts_with('\'') && vocab::reads_a_variable(cleaned)
}

/// A Groovy file: a Jenkins pipeline (`Jenkinsfile`, `Jenkinsfile.prod`,
/// `deploy.jenkinsfile`), a Gradle build or a script.
fn is_groovy(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "Jenkinsfile"
        || name.starts_with("Jenkinsfile.")
        || [".groovy", ".jenkinsfile", ".gradle", ".gvy"]
            .iter()
            .any(|ext| {
                name.len() > ext.len()
                    && name
                        .get(name.len() - ext.len()..)
                        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
            })
}

/// A value in a generic file worth recording: one token (quoted values may
/// hold spaces), not prose or markup.
fn plausible_generic_value(raw: &str, cleaned: &str) -> bool {
    let r = raw.trim();
    let quoted = r.starts_with('"') || r.starts_with('\'');
    !cleaned.is_empty()
        && (quoted || !cleaned.contains(char::is_whitespace))
        && !cleaned.starts_with(['`', '(', '[', '{', '<', '|', '>'])
}

/// Scans a decoded text file. Returns its facts (possibly empty) and its
/// suppression comments ([`scan_file`] without a pom's deployments: what the
/// tests ask).
#[cfg(test)]
pub(crate) fn scan(
    text: &str,
    path: &str,
    kind: TextKind,
) -> (TextFileFacts, Vec<InlineSuppression>) {
    let scanned = scan_file(text, path, kind);
    (scanned.facts, scanned.suppressions)
}

/// What [`scan_file`] finds in a file.
pub(crate) struct Scanned {
    pub facts: TextFileFacts,
    pub suppressions: Vec<InlineSuppression>,
    /// `intguard-ignore` written after a `.properties` entry's value, where
    /// it is part of the value and suppresses nothing.
    pub ignores_in_values: Vec<Location>,
    /// A pom's: the literal values its Mule Maven plugin deployments set
    /// (a value the build fills in, `${encryption.key}`, names nothing of
    /// the deployed app), read with its other definitions.
    pub deployment_properties: Vec<DeploymentProperty>,
}

/// Scans a decoded text file: its facts (possibly empty), its suppression
/// comments and a pom's deployment properties.
pub(crate) fn scan_file(text: &str, path: &str, kind: TextKind) -> Scanned {
    // A byte order mark is read by no line of the file: not by the first
    // line's name (`SF_PASSWORD=...`, `{"password": ...}`), its key block or
    // its token, nor counted in its columns. (A `.properties` file's entries
    // are read by their own reader, which keeps the mark as Java does.)
    let text = crate::position::without_bom(text);
    let mut deployment_properties = Vec::new();
    let bytes = text.as_bytes();
    // Each kind of fact is located in one forward pass: a cursor counts
    // lines and characters only between the offsets asked for, so a file on
    // one long line (minified JSON with thousands of pairs) is not counted
    // from its line's start for every fact.
    let mut cursor: Option<Cursor> = None;
    // One shared path for every fact's location.
    let file = FilePath::from(path);
    let mut loc = |offset: usize| -> Location {
        let (l, c) = cursor
            .get_or_insert_with(|| Cursor::new(text))
            .locate(offset);
        Location::new(&file, l, c)
    };
    let mut facts = TextFileFacts {
        path: file.clone(),
        ..TextFileFacts::default()
    };

    let seen = present(bytes);
    if seen & N_ACCESS != 0
        && (memchr::memchr(b'!', bytes).is_some() || memmem::find(bytes, b"%21").is_some())
    {
        for m in ACCESS_TOKEN.find_iter(text) {
            if elided(text, &m) {
                continue;
            }
            facts.tokens.push(TokenCandidate {
                kind: TokenKind::AccessToken,
                value: token_value(&ACCESS_TOKEN, m.as_str()),
                location: loc(m.start()),
                host: None,
            });
        }
    }
    if seen & N_REFRESH != 0 {
        for m in REFRESH_TOKEN.find_iter(text) {
            if elided(text, &m) {
                continue;
            }
            facts.tokens.push(TokenCandidate {
                kind: TokenKind::RefreshToken,
                value: token_value(&REFRESH_TOKEN, m.as_str()),
                location: loc(m.start()),
                host: None,
            });
        }
    }
    // The client secret of an SFDX auth URL, beside its refresh token.
    if memmem::find(bytes, b"force://").is_some() {
        for c in SFDX_AUTH_URL.captures_iter(text) {
            let Some(secret) = c.get(1) else { continue };
            facts.assignments.push(Assignment {
                name: "clientSecret".to_string().into(),
                value: secret.as_str().to_string().into(),
                secret: true,
                location: loc(secret.start()),
                form: DefinitionForm::SfdxAuthUrl,
            });
        }
    }
    if seen & N_CONSUMER != 0 {
        for m in CONSUMER_KEY.find_iter(text) {
            facts.tokens.push(TokenCandidate {
                kind: TokenKind::ConsumerKey,
                value: token_value(&CONSUMER_KEY, m.as_str()),
                location: loc(m.start()),
                host: None,
            });
        }
    }
    if !facts.tokens.is_empty() {
        // In the order of their lines: each token looks only at those
        // near it (a log of 100,000 logins, a token and a host on each
        // line, compared every token with every host: 11 s).
        let hosts: Vec<(u32, &str)> = SALESFORCE_HOST
            .find_iter(text)
            .map(|m| (loc(m.start()).line, m.as_str()))
            .collect();
        for t in &mut facts.tokens {
            let line = t.location.line;
            let first = hosts.partition_point(|(l, _)| *l < line.saturating_sub(HOST_NEAR_LINES));
            t.host = hosts[first..]
                .iter()
                .take_while(|(l, _)| *l <= line.saturating_add(HOST_NEAR_LINES))
                .min_by_key(|(l, _)| l.abs_diff(line))
                .map(|(_, host)| host.to_ascii_lowercase());
        }
    }
    if seen & (N_PEM | N_PGP) != 0 {
        private_key_blocks(text, &mut facts, &mut loc);
    }

    // Salesforce CLI logins are written in scripts and CI files, not in an
    // app's configuration (a needle of their own slowed every file's
    // prefilter by a tenth).
    if kind.assignments != AssignmentStyle::None && memmem::find(bytes, b"jwt").is_some() {
        cli_jwt_logins(text, &mut facts, &mut loc);
    }

    // Options of commands in scripts and CI files (`--client_secret ...`,
    // `curl -d "...&password=..."`).
    if matches!(
        kind.assignments,
        AssignmentStyle::Shell
            | AssignmentStyle::Generic
            | AssignmentStyle::Dockerfile
            | AssignmentStyle::Json
    ) && memmem::find(bytes, b" -").is_some()
    {
        command_line_secrets(text, &mut facts, &mut loc);
    }

    if seen & N_DEFINE != 0 {
        for c in JAVA_DEFINE.captures_iter(text) {
            let (Some(all), Some(name), Some(value)) = (c.get(1), c.get(2), c.get(3)) else {
                continue;
            };
            facts.assignments.push(Assignment {
                name: name.as_str().to_string().into(),
                value: clean_value(value.as_str()).into(),
                secret: is_sensitive_name(name.as_str()),
                location: loc(all.start()),
                form: DefinitionForm::JavaOption,
            });
        }
    }
    match kind.assignments {
        AssignmentStyle::None => {}
        AssignmentStyle::Shell => {
            for c in SHELL_ASSIGN.captures_iter(text) {
                let (Some(name), Some(value)) = (c.get(2), c.get(3)) else {
                    continue;
                };
                let mut value = value.as_str();
                if c.get(1).is_some() {
                    // `set "NAME=value"`: the value is what the quotes
                    // hold, up to the last one.
                    value = value.rfind('"').map_or(value, |end| &value[..end]);
                }
                let cleaned = clean_value(value);
                if reads_a_variable(value, &cleaned) {
                    continue;
                }
                facts.assignments.push(Assignment {
                    name: name.as_str().to_string().into(),
                    value: cleaned.into(),
                    secret: is_sensitive_name(name.as_str()),
                    location: loc(name.start()),
                    form: DefinitionForm::ShellVariable,
                });
            }
        }
        AssignmentStyle::Pom => {
            if memmem::find(bytes, b"<properties").is_some()
                || memmem::find(bytes, b"<configuration").is_some()
            {
                let plugin_secret = |n: &str| !is_key_path_setting(n) && is_sensitive_name(n);
                for p in pom_definitions(text, plugin_secret) {
                    let secret = p.plugin_setting || is_sensitive_name(&p.name);
                    // Point at the name, after the `<`.
                    let location = loc(p.offset + 1);
                    if let Some(deployment) = &p.deployment {
                        if !p.value.trim().is_empty() && !p.value.contains("${") {
                            deployment_properties.push(DeploymentProperty {
                                deployment: deployment.clone(),
                                name: p.name.clone(),
                                value: p.value.clone(),
                                location: location.clone(),
                            });
                        }
                    }
                    facts.assignments.push(Assignment {
                        name: p.name.into(),
                        value: p.value.into(),
                        secret,
                        location,
                        form: if p.plugin_setting {
                            DefinitionForm::PomPluginSetting
                        } else {
                            DefinitionForm::PomProperty
                        },
                    });
                }
            }
        }
        AssignmentStyle::Dockerfile => {
            for (name, value, offset) in dockerfile_variables(text) {
                facts.assignments.push(Assignment {
                    secret: is_sensitive_name(name),
                    name: name.to_string().into(),
                    value: value.into(),
                    location: loc(offset),
                    form: DefinitionForm::DockerfileVariable,
                });
            }
        }
        AssignmentStyle::Generic | AssignmentStyle::MavenSettings | AssignmentStyle::Json => {
            let dataweave = path.ends_with(".dwl");
            let quoted_literals = dataweave || is_groovy(path);
            // Each line once, however many words it holds: a match before
            // the end of the line read last is on that line (a minified
            // file's one long line is not searched again for every word).
            let mut read_to: Option<usize> = None;
            for m in SECRET_WORDS.find_iter(text) {
                if read_to.is_some_and(|end| m.start() <= end) {
                    continue;
                }
                let line_start = memchr::memrchr(b'\n', &bytes[..m.start()]).map_or(0, |i| i + 1);
                let line_end = memchr::memchr(b'\n', &bytes[m.start()..])
                    .map_or(text.len(), |i| m.start() + i);
                read_to = Some(line_end);
                let line = text[line_start..line_end].trim_end_matches('\r');
                if let Some(a) = env_list_entry(text, line, line_end) {
                    facts.assignments.push(Assignment {
                        name: a.name.to_string().into(),
                        value: a.value.into(),
                        secret: true,
                        location: loc(a.offset),
                        form: DefinitionForm::ContainerEnv,
                    });
                    continue;
                }
                generic_line(
                    line,
                    line_start,
                    dataweave,
                    quoted_literals,
                    &mut facts,
                    &mut loc,
                );
            }
            if dataweave {
                dataweave_body_fields(text, &mut facts, &mut loc);
            }
            // PowerShell hashtables on one line (`@{ password = "..." }`),
            // in a script or a CI file's inline one.
            if kind.assignments == AssignmentStyle::Generic && memmem::find(bytes, b"@{").is_some()
            {
                powershell_hashtable_entries(text, &mut facts, &mut loc);
            }
            if kind.assignments == AssignmentStyle::MavenSettings {
                name_server_credentials(text, &mut facts.assignments);
            }
            if kind.assignments == AssignmentStyle::Json
                && memmem::find(bytes, b"\"key\"").is_some()
            {
                json_key_value_pairs(text, &mut facts, &mut loc);
            }
        }
    }

    let (suppressions, ignores_in_values) = if seen & N_IGNORE != 0 {
        suppressions(text, path, kind.comments, &mut loc)
    } else {
        (Vec::new(), Vec::new())
    };
    Scanned {
        facts,
        suppressions,
        ignores_in_values,
        deployment_properties,
    }
}
