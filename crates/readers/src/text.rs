//! Facts found in any text file: Salesforce tokens, PEM and OpenPGP private
//! key blocks, `name=value` definitions outside property files, and
//! `intguard-ignore` comments.
//!
//! Every pattern has a cheap literal prefilter (memchr's memmem) so that the
//! usual file costs a few fast passes and no regex at all.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use intguard_model::{
    vocab, Assignment, CliJwtLogin, DefinitionForm, FilePath, InlineSuppression, Location,
    PrivateKeyBlock, TextFileFacts, TokenCandidate, TokenKind,
};
use memchr::memmem;
use regex::Regex;

use crate::mule::descriptor::pom_definitions;
use crate::position::Cursor;

/// How a file's `name=value` lines are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AssignmentStyle {
    /// An app's property file or a Mule configuration: their keys and
    /// attributes are read by their own readers; only `-D` definitions.
    None,
    /// Shell scripts and `.env` files: every `NAME=value` / `export NAME=value`.
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
    /// Anything else (README, CI files, scripts, configs): `key: value`,
    /// `key=value` and `<key>value</key>` lines whose key names a secret or an
    /// encryption key, and the `- name: KEY` / `value: ...` pairs of a
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

/// The literal prefilters, found in one pass over the file.
const NEEDLES: &[&str] = &[
    "00D",
    "5Aep861",
    "3MVG9",
    "PRIVATE KEY-----",
    "-D",
    "intguard-ignore",
    "PGP PRIVATE KEY BLOCK-----",
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
        .build(NEEDLES)
        .expect("aho-corasick")
});

/// Which needles occur in the text (a bit per needle).
fn present(bytes: &[u8]) -> u8 {
    let mut seen = 0u8;
    // No needle overlaps another, so leftmost (non-overlapping) matches see
    // every needle present; they are much faster than overlapping ones.
    for m in PREFILTER.find_iter(bytes) {
        seen |= 1 << m.pattern().as_usize();
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
static CONSUMER_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)3MVG9[A-Za-z0-9._]{40,}").expect("regex"));
/// A PEM private key's label, or OpenPGP's `PGP PRIVATE KEY BLOCK`.
static PEM_BEGIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----").expect("regex")
});
/// A Java system property on a command line: `-Dname=value`, or the Mule
/// wrapper's `-M-Dname=value` (`mule -M-Dmule.key=... start`, Studio's
/// launch `vmArgs`), which passes the same `-D` to the runtime.
static JAVA_DEFINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:^|[\s"'=(\[,;>`])((?:-M)?-D([A-Za-z_][A-Za-z0-9_.\-]*)=("[^"\n]*"|'[^'\n]*'|[^\s"'<>;,)\]`]*))"#)
        .expect("regex")
});
static SHELL_ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^[ \t]*(?:(?:export|set|SET)[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*([^\r\n]*)$"#)
        .expect("regex")
});
/// Words that make a line worth a closer look in generic files.
static SECRET_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)pass|pwd|secret|token|key|credential|sessionid").expect("regex")
});
static KEY_VALUE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^[ \t]*(?:[-*][ \t]+)?(?:export[ \t]+)?["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?[ \t]*[:=][ \t]*(.*?)[ \t]*$"#)
        .expect("regex")
});
/// `- name: MULE_KEY` opening an item of a list of name / value maps; group 1
/// is the indentation before the `-`.
static ENV_LIST_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^([ \t]*)-[ \t]+name:[ \t]*["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?[ \t]*$"#)
        .expect("regex")
});
static XML_ELEMENT_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<([A-Za-z_][\w.\-:]*)>([^<\n]+)</([A-Za-z_][\w.\-:]*)>").expect("regex")
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

/// A token without the `.` that ends a sentence, when it stays a token.
fn token_value(re: &Regex, found: &str) -> String {
    let trimmed = found.trim_end_matches('.');
    if trimmed.len() < found.len() && re.find(trimmed).is_some_and(|m| m.len() == trimmed.len()) {
        trimmed.to_string()
    } else {
        found.to_string()
    }
}

/// How a PEM block's lines may be broken: a real line break; `\n` in a JSON
/// string or a `.properties` value, and the `\` that continues such a value on
/// the next line.
const PEM_LINE_BREAKS: &[&str] = &[
    "\r\n",
    "\n",
    "\\r\\n",
    "\\n",
    "\\\r\n",
    "\\\n",
    "&#13;&#10;",
    "&#10;",
    "&#xA;",
    "&#xa;",
];

fn is_base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='
}

/// Headers that may open a block's body: PEM's `Proc-Type:` (an encrypted
/// legacy key), OpenPGP armor's (`Version: BCPG v1.58` in keys made with
/// BouncyCastle, as Mule's Crypto module uses).
const ARMOR_HEADERS: &[&str] = &[
    "Proc-Type:",
    "Version:",
    "Comment:",
    "Hash:",
    "Charset:",
    "MessageID:",
];

/// Whether `after`, the text following a `-----BEGIN ...-----` label, is a
/// key's body: line breaks (see [`PEM_LINE_BREAKS`]) and then a header or
/// base64, or a long base64 run on the label's line; not prose naming the
/// label. The output's snippets mask what this calls a body.
pub fn looks_like_pem_body(after: &str) -> bool {
    let mut rest = after.trim_start_matches([' ', '\t']);
    let mut breaks = 0;
    while let Some(r) = PEM_LINE_BREAKS.iter().find_map(|b| rest.strip_prefix(b)) {
        rest = r.trim_start_matches([' ', '\t', '"', '\'', '+', ',']);
        breaks += 1;
    }
    let opens_with_header = ARMOR_HEADERS.iter().any(|h| rest.starts_with(h));
    if breaks == 0 {
        // The whole key on the label's line (`-----BEGIN ...----- MIIEv...`
        // in a `.env` value): a long base64 run, which prose never is. Its
        // armor headers may come first (`echo $KEY` turns every line break
        // into a space): a long base64 word then follows on the line.
        return rest.bytes().take_while(|b| is_base64_char(*b)).count() >= 40
            || (opens_with_header
                && label_line(rest)
                    .split_ascii_whitespace()
                    .any(|w| w.len() >= 40 && w.bytes().all(is_base64_char)));
    }
    if opens_with_header {
        return true;
    }
    rest.bytes().take(16).filter(|b| is_base64_char(*b)).count() >= 16
}

/// The rest of a label's line up to its next label (the END), within a
/// bound: cut at the label first, so that a file of labels is read in linear
/// time.
fn label_line(rest: &str) -> &str {
    let line = crate::cut::head(rest, 1 << 16);
    let line = &line[..line.find("-----").unwrap_or(line.len())];
    &line[..line.find(['\n', '\r']).unwrap_or(line.len())]
}

/// True when an OpenSSH key names a cipher other than `none`: its body is the
/// base64 of `openssh-key-v1\0`, then the cipher name (a 4-byte big-endian
/// length and the name). `false` when the body cannot be read.
fn openssh_key_encrypted(body: &str) -> bool {
    const MAGIC: &[u8] = b"openssh-key-v1\0";
    // Enough base64 for the magic, the length and a cipher name.
    const NEEDED: usize = 72;
    let mut b64 = Vec::with_capacity(NEEDED);
    let mut bytes = body.bytes();
    while b64.len() < NEEDED {
        match bytes.next() {
            None => break,
            // `\n` in a JSON string or a `.properties` value.
            Some(b'\\') => {
                bytes.next();
            }
            Some(b) if is_base64_char(b) => b64.push(b),
            Some(_) => {}
        }
    }
    b64.truncate(b64.len() / 4 * 4);
    let Ok(raw) = BASE64.decode(&b64) else {
        return false;
    };
    let Some((len, rest)) = raw
        .strip_prefix(MAGIC)
        .and_then(|r| r.split_first_chunk::<4>())
    else {
        return false;
    };
    let len = u32::from_be_bytes(*len) as usize;
    rest.get(..len).is_some_and(|cipher| cipher != b"none")
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
/// suppression comments.
pub(crate) fn scan(
    text: &str,
    path: &str,
    kind: TextKind,
) -> (TextFileFacts, Vec<InlineSuppression>) {
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
        path: path.to_string(),
        ..TextFileFacts::default()
    };

    let seen = present(bytes);
    if seen & N_ACCESS != 0
        && (memchr::memchr(b'!', bytes).is_some() || memmem::find(bytes, b"%21").is_some())
    {
        for m in ACCESS_TOKEN.find_iter(text) {
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
            facts.tokens.push(TokenCandidate {
                kind: TokenKind::RefreshToken,
                value: token_value(&REFRESH_TOKEN, m.as_str()),
                location: loc(m.start()),
                host: None,
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
        let hosts: Vec<(u32, &str)> = SALESFORCE_HOST
            .find_iter(text)
            .map(|m| (loc(m.start()).line, m.as_str()))
            .collect();
        for t in &mut facts.tokens {
            t.host = hosts
                .iter()
                .filter(|(line, _)| line.abs_diff(t.location.line) <= HOST_NEAR_LINES)
                .min_by_key(|(line, _)| line.abs_diff(t.location.line))
                .map(|(_, host)| host.to_ascii_lowercase());
        }
    }
    if seen & (N_PEM | N_PGP) != 0 {
        for c in PEM_BEGIN.captures_iter(text) {
            let (Some(all), Some(label)) = (c.get(0), c.get(1)) else {
                continue;
            };
            if !looks_like_pem_body(&text[all.end()..]) {
                // `-----BEGIN PRIVATE KEY-----` named in prose, not a key.
                continue;
            }
            // The header: the first 512 bytes of the body, cut back to a
            // character's start, or less when the block ends sooner. The END
            // is looked for there only: searching the rest of the file for
            // every BEGIN made a file of blocks without END quadratic.
            let window = crate::cut::head(&text[all.end()..], 512);
            let header = &window[..window.find("-----END").unwrap_or(window.len())];
            let encrypted = if label.as_str() == "PGP PRIVATE KEY BLOCK" {
                // Told by the packets only: the whole body is read, up to
                // its END (where the next block's reading starts at the
                // latest, so a file of blocks is read once).
                crate::pgp::secret_key_encrypted(&crate::pgp::armor_data(&text[all.end()..]))
            } else {
                Some(
                    label.as_str().contains("ENCRYPTED")
                        || header.contains("Proc-Type: 4,ENCRYPTED")
                        || (label.as_str() == "OPENSSH PRIVATE KEY"
                            && openssh_key_encrypted(header)),
                )
            };
            facts.private_keys.push(PrivateKeyBlock {
                label: label.as_str().to_string(),
                encrypted,
                location: loc(all.start()),
            });
        }
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
                name: name.as_str().to_string(),
                value: clean_value(value.as_str()),
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
                let (Some(name), Some(value)) = (c.get(1), c.get(2)) else {
                    continue;
                };
                facts.assignments.push(Assignment {
                    name: name.as_str().to_string(),
                    value: clean_value(value.as_str()),
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
                    facts.assignments.push(Assignment {
                        name: p.name,
                        value: p.value,
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
                    name: name.to_string(),
                    value,
                    location: loc(offset),
                    form: DefinitionForm::DockerfileVariable,
                });
            }
        }
        AssignmentStyle::Generic | AssignmentStyle::MavenSettings | AssignmentStyle::Json => {
            let dataweave = path.ends_with(".dwl");
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
                        name: a.name.to_string(),
                        value: a.value,
                        secret: true,
                        location: loc(a.offset),
                        form: DefinitionForm::ContainerEnv,
                    });
                    continue;
                }
                generic_line(line, line_start, dataweave, &mut facts, &mut loc);
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

    let suppressions = if seen & N_IGNORE != 0 {
        suppressions(text, path, kind.comments, &mut loc)
    } else {
        Vec::new()
    };
    (facts, suppressions)
}

/// A long option of a command with its value, at the option's start:
/// `--name value` or `--name=value`, the value quoted or a bare word.
static LONG_OPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^--([A-Za-z][A-Za-z0-9_.\-]*)(?:=|[ \t]+)("[^"\n]*"|'[^'\n]*'|[^\s"'\\;|&()<>`]+)"#,
    )
    .expect("regex")
});

/// An option whose argument is a form-encoded body, at the option's start
/// (curl's `-d`, `--data`, `--data-raw`, `--data-binary`, `--data-urlencode`,
/// `-F`, `--form`).
static FORM_OPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^(?:-d|-F|--data|--data-raw|--data-binary|--data-urlencode|--form)(?:=|[ \t]+)("[^"\n]*"|'[^'\n]*'|[^\s"'\\;|&()<>`]+)"#,
    )
    .expect("regex")
});

/// A command-line value that reads a variable or a command (`$PW`,
/// `"$(vault read ...)"`, `${{ secrets.X }}`, `%PW%`): not a secret, and not
/// to be masked in what intguard prints.
fn reads_a_variable(value: &str) -> bool {
    let v = value.trim();
    v.starts_with(['$', '`'])
        || v.contains("${")
        || v.contains("{{")
        || (v.len() > 1 && v.starts_with('%') && v.ends_with('%'))
}

/// A `user:password` pair of a command's Basic authentication option, at the
/// option's start (curl's and wget's `-u`, `--user`).
static USER_OPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(-u|--user)(?:=|[ \t]+)("[^"\n]*"|'[^'\n]*'|[^\s"'\\;|&()<>`]+)"#)
        .expect("regex")
});

/// Option names that say their value is where a secret is, not the secret
/// (`--password-stdin`, `--token-file`, `--client-secret-env`), or that turn
/// one off (`--no-password`).
fn names_a_source(option: &str) -> bool {
    let lower = option.to_ascii_lowercase();
    if [
        "no-", "no_", "skip-", "skip_", "without-", "disable-", "ask-", "prompt-",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
    {
        return true;
    }
    let folded: String = option
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "stdin", "file", "path", "env", "var", "prompt", "command", "cmd", "helper", "id", "name",
    ]
    .iter()
    .any(|w| folded.ends_with(w))
}

/// An argument after a space that is the option's value, not the next
/// operand of a command whose option is a bare flag (`mysql --password
/// orders`, which prompts): quoted, or a word of 8 characters or more with
/// a digit that is no path, URL or file name.
fn secret_like_argument(raw: &str) -> bool {
    if raw.starts_with(['"', '\'']) {
        return true;
    }
    let file_name = raw.rsplit_once('.').is_some_and(|(_, ext)| {
        (1..=4).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphabetic())
    });
    raw.len() >= 8
        && raw.bytes().any(|b| b.is_ascii_digit())
        && !raw.contains('/')
        && !raw.starts_with(['.', '~'])
        && !file_name
}

/// Secrets passed to commands in clear: a long option named like a secret
/// (`anypoint-cli --client_secret ...`, `--password=...`), and the secret
/// fields of a form-encoded body (`curl -d
/// "grant_type=password&...&password=..."`). Each is an assignment located at
/// its option or field name; the value is the option's argument or the
/// field's value. A value that reads a variable is not one (IG102 checks).
fn command_line_secrets(
    text: &str,
    facts: &mut TextFileFacts,
    loc: &mut impl FnMut(usize) -> Location,
) {
    let bytes = text.as_bytes();
    // Where options start: `--`, `-d` or `-F` after a space (or at the
    // file's start), found in one memchr pass: a regex over every byte of
    // every script and generic file cost 1% of a scan.
    let starts = (bytes.starts_with(b"-").then_some(0))
        .into_iter()
        .chain(memmem::find_iter(bytes, b" -").map(|i| i + 1))
        .filter(|&i| matches!(bytes.get(i + 1), Some(b'-' | b'd' | b'F' | b'u')));
    let mut found: Vec<(usize, Assignment)> = Vec::new();
    for start in starts {
        let at = &text[start..];
        if let Some(arg) = FORM_OPTION.captures(at).and_then(|c| c.get(1)) {
            form_fields(arg.as_str(), start + arg.start(), &mut found);
            continue;
        }
        if let Some(c) = USER_OPTION.captures(at) {
            if let (Some(option), Some(arg)) = (c.get(1), c.get(2)) {
                let credentials = clean_value(arg.as_str());
                if let Some((_, password)) = credentials.split_once(':') {
                    // `-u x:y` in an example is no credential.
                    if password.chars().count() >= 4 && !reads_a_variable(password) {
                        found.push((
                            start,
                            Assignment {
                                name: format!("{} password", option.as_str()),
                                value: password.to_string(),
                                secret: true,
                                location: Location::default(),
                                form: DefinitionForm::BasicAuthOption,
                            },
                        ));
                    }
                }
            }
            continue;
        }
        let Some(c) = LONG_OPTION.captures(at) else {
            continue;
        };
        let (Some(name), Some(value)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let n = name.as_str();
        if names_a_source(n) || !vocab::is_secret_name(n) {
            continue;
        }
        let v = clean_value(value.as_str());
        let joined = at[name.end()..].starts_with('=');
        if v.is_empty()
            || v.starts_with('-')
            || reads_a_variable(&v)
            || !(joined || secret_like_argument(value.as_str()))
        {
            continue;
        }
        found.push((
            start,
            Assignment {
                name: format!("--{n}"),
                value: v,
                secret: true,
                location: Location::default(),
                form: DefinitionForm::CommandOption,
            },
        ));
    }
    // Located in the file's order (the cursor moves forward).
    found.sort_by_key(|(offset, _)| *offset);
    for (offset, mut a) in found {
        a.location = loc(offset);
        facts.assignments.push(a);
    }
}

/// The secret fields of the form-encoded body `arg` (quoted or not, starting
/// at `arg_start`), located at their names. In an OAuth username-password
/// login (`grant_type=password`) they say so.
fn form_fields(arg: &str, arg_start: usize, found: &mut Vec<(usize, Assignment)>) {
    let quoted = arg.starts_with(['"', '\'']);
    let body = if quoted { &arg[1..arg.len() - 1] } else { arg };
    let body_start = arg_start + usize::from(quoted);
    let password_grant = body
        .split('&')
        .any(|pair| pair.trim() == "grant_type=password");
    let mut at = 0;
    for pair in body.split('&') {
        let start = body_start + at;
        at += pair.len() + 1;
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        let trimmed = name.trim_start();
        if value.is_empty() || reads_a_variable(value) || !vocab::is_secret_name(trimmed) {
            continue;
        }
        found.push((
            start + (name.len() - trimmed.len()),
            Assignment {
                name: trimmed.to_string(),
                value: value.to_string(),
                secret: true,
                location: Location::default(),
                form: if password_grant {
                    DefinitionForm::PasswordGrantField
                } else {
                    DefinitionForm::FormField
                },
            },
        ));
    }
}

/// A Salesforce CLI JWT login command: `sf org login jwt`, or the
/// deprecated `sfdx auth:jwt:grant` / `sfdx force:auth:jwt:grant`.
static CLI_JWT_COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bsf[ \t]+org[ \t]+login[ \t]+jwt\b|\bsfdx[ \t]+(?:force:)?auth:jwt:grant\b")
        .expect("regex")
});

/// How many lines a Salesforce CLI command's arguments are read over.
const MAX_CONTINUED_LINES: usize = 32;

/// The JWT logins of a script or CI file, with the key file each signs with
/// (`--jwt-key-file`, `--jwtkeyfile`, `-f`) and the user it logs in as
/// (`--username`, `-o`, `-u`); the command's arguments run on over lines
/// continued with `\`, `^` or a backtick, and stop at `&&`, `||`, `;` or
/// `|`. A command without a key file is left out.
fn cli_jwt_logins(text: &str, facts: &mut TextFileFacts, loc: &mut impl FnMut(usize) -> Location) {
    for m in CLI_JWT_COMMAND.find_iter(text) {
        let mut args = String::new();
        let mut rest = &text[m.end()..];
        // A command's arguments take a few lines; a garbled file of
        // continued lines is not followed to its end for every command.
        for lines_left in (0..MAX_CONTINUED_LINES).rev() {
            let line_end = rest.find('\n').unwrap_or(rest.len());
            let line = rest[..line_end].trim_end_matches('\r').trim_end();
            match line.strip_suffix(['\\', '^', '`']) {
                Some(continued) if line_end < rest.len() && lines_left > 0 => {
                    args.push_str(continued);
                    args.push(' ');
                    rest = &rest[line_end + 1..];
                }
                _ => {
                    args.push_str(line);
                    break;
                }
            }
        }
        let unquote = |w: &str| w.trim_matches(['"', '\'']).to_string();
        let (mut key_file, mut username) = (None, None);
        let mut words = args.split_whitespace();
        while let Some(w) = words.next() {
            if matches!(w, "&&" | "||" | ";" | "|") {
                break;
            }
            let (flag, inline) = match w.split_once('=') {
                Some((f, v)) if f.starts_with('-') => (f, Some(v)),
                _ => (w, None),
            };
            let slot = match flag {
                "--jwt-key-file" | "--jwtkeyfile" | "-f" => &mut key_file,
                "--username" | "-o" | "-u" => &mut username,
                _ => continue,
            };
            if let Some(v) = inline.or_else(|| words.next()) {
                *slot = Some(unquote(v.trim_end_matches(';')));
            }
        }
        if let Some(key_file) = key_file.filter(|k| !k.is_empty()) {
            facts.cli_jwt_logins.push(CliJwtLogin {
                command: m.as_str().split_whitespace().collect::<Vec<_>>().join(" "),
                key_file,
                username: username.filter(|u| !u.is_empty()),
                location: loc(m.start()),
            });
        }
    }
}

/// `{"key": NAME, "value": VALUE}`, pretty-printed or not: the name and the
/// value (a JSON string, escapes undone) of each pair whose key comes first.
static JSON_KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""key"\s*:\s*"([^"\\\n]{1,200})"\s*,\s*"value"\s*:\s*"((?:[^"\\\n]|\\.)*)""#)
        .expect("regex")
});

/// The `{"key": NAME, "value": VALUE}` pairs of a JSON file whose NAME
/// names a secret: Postman environments (`values`), collection variables
/// and auth settings (`"basic": [{"key": "password", ...}]`). A value that
/// is a Postman variable (`{{sf_password}}`) or empty is no definition.
fn json_key_value_pairs(
    text: &str,
    facts: &mut TextFileFacts,
    loc: &mut impl FnMut(usize) -> Location,
) {
    for c in JSON_KEY_VALUE.captures_iter(text) {
        let (Some(name), Some(raw)) = (c.get(1), c.get(2)) else {
            continue;
        };
        if !is_sensitive_name(name.as_str()) {
            continue;
        }
        let value: String = serde_json::from_str(&format!("\"{}\"", raw.as_str()))
            .unwrap_or_else(|_| raw.as_str().to_string());
        let v = value.trim();
        if v.is_empty() || (v.starts_with("{{") && v.ends_with("}}")) {
            continue;
        }
        facts.assignments.push(Assignment {
            name: name.as_str().to_string(),
            value: v.to_string(),
            secret: true,
            location: loc(name.start()),
            form: DefinitionForm::JsonKeyValue,
        });
    }
}

/// A Maven setting (a `settings.xml` server's, a pom plugin's) that holds the
/// path of a key file, not a key: `<privateKey>`.
fn is_key_path_setting(element: &str) -> bool {
    element == "privateKey"
}

/// The credentials inside a Maven `settings.xml` `<server>`: named after
/// the server's `<id>` (`exchange/password`), marked
/// [`DefinitionForm::MavenServer`].
fn name_server_credentials(text: &str, assignments: &mut Vec<Assignment>) {
    // Lines counted as the blocks come, in order: a file of many servers is
    // still read once.
    let (mut line, mut counted) = (1u32, 0usize);
    let mut line_of = |offset: usize| {
        line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted..offset]).count() as u32;
        counted = offset;
        line
    };
    // (first line, last line, id) of each server block, in order.
    let mut servers: Vec<(u32, u32, String)> = Vec::new();
    let mut from = 0;
    while let Some(open) = memmem::find(&text.as_bytes()[from..], b"<server>") {
        let start = from + open;
        let Some(len) = memmem::find(&text.as_bytes()[start..], b"</server>") else {
            break;
        };
        let block = &text[start..start + len];
        let id = block
            .split_once("<id>")
            .and_then(|(_, rest)| rest.split_once("</id>"))
            .map(|(id, _)| id.trim().to_string())
            .unwrap_or_default();
        let first = line_of(start);
        servers.push((first, line_of(start + len), id));
        from = start + len;
    }
    for a in assignments.iter_mut() {
        if a.form != DefinitionForm::Line {
            continue;
        }
        let line = a.location.line;
        // The last block starting at or before the line, if it holds it.
        let i = servers.partition_point(|(first, _, _)| *first <= line);
        let holder = i.checked_sub(1).map(|i| &servers[i]);
        if let Some((_, _, id)) = holder.filter(|(_, last, _)| line <= *last) {
            a.form = DefinitionForm::MavenServer;
            if !id.is_empty() {
                a.name = format!("{id}/{}", a.name);
            }
        }
    }
    assignments.retain(|a| {
        a.form != DefinitionForm::MavenServer
            || !a.name.rsplit('/').next().is_some_and(is_key_path_setting)
    });
}

/// A variable declared with a string literal: DataWeave's `var apiKey =
/// "..."` (with an optional type, `var apiKey: String = "..."`; Mule 3's
/// DataWeave 1.0 writes `%var`), or the same in JavaScript.
static VAR_DECLARATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^[ \t]*%?(?:var|let|const)[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[ \t]*[A-Za-z]+[ \t]*)?=[ \t]*("[^"\n]*"|'[^'\n]*')[ \t;]*(?://.*)?$"#,
    )
    .expect("regex")
});

/// The secret variables a DataWeave script (`script`, a CDATA section of a
/// Mule XML file) declares with a string literal, one per line that starts
/// with `var` (or `%var`): (name, value, offset of the name in `script`).
/// Declarations are made in the script's header (the lines before its
/// `---`) and in the header of each `do { ... --- ... }` block (after a line
/// that ends with `do {`, up to the block's own `---`), in the script's
/// header (a function's) or in its body. A script without a header declares
/// none.
pub(crate) fn dataweave_variables(script: &str) -> Vec<(&str, String, usize)> {
    let bytes = script.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    // Past the script's header; `do` blocks whose `---` is still to come.
    let (mut body, mut do_headers) = (false, 0usize);
    while start <= bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |n| start + n);
        let indent = bytes[start..end]
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        let rest = &bytes[start + indent..end];
        if rest.starts_with(b"---") {
            if do_headers > 0 {
                do_headers -= 1;
            } else {
                body = true;
                // Most bodies open no `do` block: not read line by line.
                if !may_open_do_block(&bytes[end..]) {
                    return out;
                }
            }
        } else if opens_do_block(rest) {
            do_headers += 1;
        } else if (!body || do_headers > 0)
            && (rest.starts_with(b"var ") || rest.starts_with(b"%var "))
        {
            let line = script[start..end].trim_end_matches('\r');
            if let Some((name, value, at)) =
                variable_declaration(line).filter(is_secret_declaration)
            {
                out.push((name, value, start + at));
            }
        }
        start = end + 1;
    }
    // No `---`: no header, so no declarations (the lines read were a body).
    if body {
        out
    } else {
        Vec::new()
    }
}

/// Whether `text` holds `do {` (or `do{`) anywhere: one search, before a
/// script's body is read line by line for its `do` blocks.
fn may_open_do_block(text: &[u8]) -> bool {
    // Each `{`, looked at backwards: `{` is rarer in a body than `d` or `o`.
    memchr::memchr_iter(b'{', text).any(|i| {
        let before = text[..i].trim_ascii_end();
        before.ends_with(b"do")
    })
}

/// A line of a DataWeave body that ends by opening a `do` block
/// (`fun token() = do {`, `do{`): the declarations of its header follow.
fn opens_do_block(line: &[u8]) -> bool {
    let line = line.trim_ascii_end();
    let Some(before) = line.strip_suffix(b"{") else {
        return false;
    };
    let before = before.trim_ascii_end();
    before.ends_with(b"do")
        && before
            .len()
            .checked_sub(3)
            .is_none_or(|i| !(before[i].is_ascii_alphanumeric() || before[i] == b'_'))
}

/// A variable declared on `line` with a string literal ([`VAR_DECLARATION`]):
/// its name, its value unquoted and the name's offset in `line`.
fn variable_declaration(line: &str) -> Option<(&str, String, usize)> {
    let c = VAR_DECLARATION.captures(line)?;
    let (name, value) = (c.get(1)?, c.get(2)?);
    Some((name.as_str(), clean_value(value.as_str()), name.start()))
}

/// A [`variable_declaration`] of a secret: a name that says so, a value.
fn is_secret_declaration((name, value, _): &(&str, String, usize)) -> bool {
    !value.is_empty() && vocab::is_secret_name(name)
}

/// A line of a generic file (`dataweave`: of a `.dwl` script) that may set
/// a secret.
fn generic_line(
    line: &str,
    line_start: usize,
    dataweave: bool,
    facts: &mut TextFileFacts,
    loc: &mut impl FnMut(usize) -> Location,
) {
    if line.trim_start().starts_with(['v', 'l', 'c', '%']) {
        if let Some(declared) = variable_declaration(line) {
            if is_secret_declaration(&declared) {
                let (name, value, at) = declared;
                facts.assignments.push(Assignment {
                    name: name.to_string(),
                    value,
                    secret: true,
                    location: loc(line_start + at),
                    form: if dataweave {
                        DefinitionForm::DataWeaveVariable
                    } else {
                        DefinitionForm::Line
                    },
                });
            }
            return;
        }
    }
    if let Some(c) = KEY_VALUE_LINE.captures(line) {
        if let (Some(name), Some(value)) = (c.get(1), c.get(2)) {
            let n = name.as_str();
            // A bare `key:` / `token:` is too common (CI cache keys) to mean
            // an encryption key.
            let bare = n.eq_ignore_ascii_case("key");
            let v = clean_value(value.as_str());
            // In DataWeave, an unquoted value is an expression (`api_key:
            // partnerApiKey` reads a variable), not a literal.
            let expression = dataweave && !value.as_str().trim_start().starts_with(['"', '\'']);
            if !bare
                && !expression
                && plausible_generic_value(value.as_str(), &v)
                && is_sensitive_name(n)
            {
                facts.assignments.push(Assignment {
                    name: n.to_string(),
                    value: v,
                    secret: true,
                    location: loc(line_start + name.start()),
                    form: DefinitionForm::Line,
                });
                return;
            }
        }
    }
    if line.contains('<') {
        for c in XML_ELEMENT_VALUE.captures_iter(line) {
            let (Some(open), Some(value), Some(close)) = (c.get(1), c.get(2), c.get(3)) else {
                continue;
            };
            let n = open.as_str();
            if n != close.as_str() || n.eq_ignore_ascii_case("key") || !is_sensitive_name(n) {
                continue;
            }
            let v = value.as_str().trim();
            if v.is_empty() {
                continue;
            }
            facts.assignments.push(Assignment {
                name: n.to_string(),
                value: v.to_string(),
                secret: true,
                location: loc(line_start + open.start()),
                form: DefinitionForm::Line,
            });
        }
    }
}

/// The variables a Dockerfile's `ENV` and `ARG` instructions set, as (name,
/// value, offset of the name). `ENV A=1 B="x y"` sets each pair; the older
/// `ENV NAME the rest` sets NAME to the rest of the line; `ARG NAME` without
/// a default sets nothing. A line ending in `\` continues the instruction.
fn dockerfile_variables(text: &str) -> Vec<(&str, String, usize)> {
    let mut out = Vec::new();
    let mut continued = false;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let was_continued = continued;
        continued = line.trim_end().ends_with('\\');
        let body = line.trim_end().trim_end_matches('\\');
        let indent = body.len() - body.trim_start().len();
        let rest_start;
        if was_continued {
            rest_start = indent;
        } else {
            let word_end = body[indent..]
                .find(char::is_whitespace)
                .map_or(body.len(), |i| indent + i);
            let word = &body[indent..word_end];
            if !(word.eq_ignore_ascii_case("ENV") || word.eq_ignore_ascii_case("ARG")) {
                continued = false;
                continue;
            }
            rest_start = word_end;
        }
        let rest = &body[rest_start..];
        let first = rest.trim_start();
        let first_at = line_start + rest_start + (rest.len() - first.len());
        if first.is_empty() {
            continue;
        }
        let first_token_end = first.find(char::is_whitespace).unwrap_or(first.len());
        if !was_continued && !first[..first_token_end].contains('=') {
            // `ENV NAME value`: the value is the rest of the line.
            let value = first[first_token_end..].trim();
            if !value.is_empty() && is_env_name(&first[..first_token_end]) {
                out.push((&first[..first_token_end], clean_value(value), first_at));
            }
            continue;
        }
        for (name, value, at) in env_pairs(first) {
            out.push((name, value, first_at + at));
        }
    }
    out
}

/// `A=1 B="x y" C='z'`: each pair with its name's offset in `text`.
fn env_pairs(text: &str) -> Vec<(&str, String, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && bytes[i] != b'=' && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let name = &text[start..i];
        if i >= bytes.len() || bytes[i] != b'=' {
            continue;
        }
        i += 1;
        let mut value = String::new();
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            match bytes[i] {
                q @ (b'"' | b'\'') => {
                    let close =
                        memchr::memchr(q, &bytes[i + 1..]).map_or(bytes.len(), |j| i + 1 + j);
                    value.push_str(&text[i + 1..close]);
                    i = (close + 1).min(bytes.len());
                }
                b'\\' if i + 1 < bytes.len() => {
                    // The escaped character, whatever its length.
                    let ch = text[i + 1..].chars().next().unwrap_or('\\');
                    value.push(ch);
                    i += 1 + ch.len_utf8();
                }
                _ => {
                    let ch = text[i..].chars().next().unwrap_or(' ');
                    value.push(ch);
                    i += ch.len_utf8();
                }
            }
        }
        if is_env_name(name) {
            out.push((name, value, start));
        }
    }
    out
}

fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// A variable set in a Kubernetes container's `env` list (or any YAML list
/// of `name` / `value` maps):
///
/// ```yaml
/// - name: MULE_ENCRYPTION_KEY
///   value: "..."
/// ```
struct EnvListEntry<'t> {
    name: &'t str,
    value: String,
    /// Where the value is: its line is the one a reader is shown.
    offset: usize,
}

/// When `line` (ending at `line_end` in `text`) is `- name: X` with X naming
/// a secret or a key, and the same list item sets `value:` on a later line
/// (`valueFrom:` takes it from a Secret: nothing is committed), that pair.
fn env_list_entry<'t>(text: &'t str, line: &'t str, line_end: usize) -> Option<EnvListEntry<'t>> {
    let c = ENV_LIST_NAME.captures(line)?;
    let name = c.get(2)?.as_str();
    if !is_sensitive_name(name) {
        return None;
    }
    // The item's keys are indented past its `-`.
    let item_indent = c.get(1)?.as_str().len();
    let mut offset = line_end + 1;
    for next in text.get(offset..)?.split_inclusive('\n').take(8) {
        let here = offset;
        offset += next.len();
        let l = next.trim_end_matches(['\n', '\r']);
        let body = l.trim_start();
        let indent = l.len() - body.len();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if indent <= item_indent {
            return None;
        }
        if let Some(v) = body.strip_prefix("value:") {
            let raw = v.trim();
            let value = clean_value(raw);
            if !plausible_generic_value(raw, &value) {
                return None;
            }
            return Some(EnvListEntry {
                name,
                value,
                offset: here + indent,
            });
        }
    }
    None
}

/// Where a YAML comment starts on a line (`line` up to some point): the
/// first `#` at the start or after a blank that is not inside a quoted
/// scalar (`'...'`, where `''` is a quote, or `"..."`, where `\` escapes).
/// `url: "http://x/a#b"` and `k: v#1` hold no comment.
fn yaml_comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(b'"') if b == b'\\' => i += 1,
            Some(q) if b == q => {
                if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 1;
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t') => return Some(i),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Finds `intguard-ignore RULES: reason` comments.
fn suppressions(
    text: &str,
    _path: &str,
    comments: CommentSyntax,
    loc: &mut impl FnMut(usize) -> Location,
) -> Vec<InlineSuppression> {
    const MARK: &str = "intguard-ignore";
    let xml = comments == CommentSyntax::Xml;
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for at in memmem::find_iter(bytes, MARK.as_bytes()) {
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let before = &text[line_start..at];
        // Where the comment starts, and where it ends: the comment holding
        // the marker is the one whose opener (of the format's syntax) comes
        // nearest before it on its line.
        let openers: &[(&str, Option<&str>)] = match comments {
            CommentSyntax::Xml => &[("<!--", Some("-->"))],
            // Found by `yaml_comment_start`.
            CommentSyntax::Hash => &[],
            // Only whole lines are comments: a `#` after a key is its value's.
            CommentSyntax::Properties => &[],
            CommentSyntax::Any => &[
                ("<!--", Some("-->")),
                ("/*", Some("*/")),
                ("//", None),
                ("#", None),
            ],
        };
        let nearest = if comments == CommentSyntax::Hash {
            yaml_comment_start(before).map(|i| (i, None))
        } else {
            openers
                .iter()
                .filter_map(|(open, close)| before.rfind(open).map(|i| (i, *close)))
                .max_by_key(|(i, _)| *i)
        };
        let (comment_start, end_marker): (usize, Option<&str>) = if let Some((i, close)) = nearest {
            (line_start + i, close)
        } else if xml {
            // A multi-line XML comment opened on an earlier line.
            match text[..at].rfind("<!--") {
                Some(open) if !text[open..at].contains("-->") => (open, Some("-->")),
                _ => continue,
            }
        } else {
            let t = before.trim_start();
            let line_openers: &[&str] = match comments {
                CommentSyntax::Properties => &["#", "!"],
                CommentSyntax::Any => &["!", ";", "--", "*", "rem ", "REM "],
                CommentSyntax::Xml | CommentSyntax::Hash => &[],
            };
            if !line_openers.iter().any(|m| t.starts_with(m)) {
                continue;
            }
            (line_start + (before.len() - t.len()), None)
        };
        let mut rest = &text[at + MARK.len()..];
        let mut next_line_only = false;
        if let Some(r) = rest.strip_prefix("-next-line") {
            rest = r;
            next_line_only = true;
        }
        if rest.starts_with(|c: char| !c.is_whitespace() && c != ':') {
            // `intguard-ignored`, `intguard-ignore-file` ...: not this form.
            continue;
        }
        let rest_start = text.len() - rest.len();
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let closed = end_marker.and_then(|m| {
            rest.find(m)
                .filter(|e| *e < 2000)
                .map(|e| (e, rest_start + e + m.len()))
        });
        let (end, comment_end) = match closed {
            Some((e, after)) => (e, after),
            None => (line_end, rest_start + line_end),
        };
        let body = rest[..end].trim();
        let (rules_part, reason) = match body.split_once(':') {
            Some((r, reason)) => (r, Some(reason)),
            None => (body, None),
        };
        let rules = rules_part
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect();
        let reason = reason
            .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|r| !r.is_empty());
        let location = loc(comment_start);
        // The comment's last line (the line of its last character).
        let last_line = loc(comment_end.saturating_sub(1).max(comment_start)).line;
        let element_end = match closed {
            Some((_, after)) if xml && !next_line_only && end_marker == Some("-->") => {
                next_element_end(text, after)
            }
            _ => None,
        };
        // A comment at the end of a line of text (`password: x  # ...`)
        // covers that line only: stretching it to the next line would hide
        // a finding there that nobody meant to accept.
        let comment_line_start =
            memchr::memrchr(b'\n', &bytes[..comment_start]).map_or(0, |i| i + 1);
        let trailing = !xml && !text[comment_line_start..comment_start].trim().is_empty();
        let covers_until_line = match element_end {
            Some(e) => loc(e.saturating_sub(1)).line.max(last_line),
            None if trailing && !next_line_only => last_line,
            None => last_line.saturating_add(1),
        };
        out.push(InlineSuppression {
            location,
            rules,
            reason,
            covers_until_line,
        });
    }
    out
}

/// The end (byte offset just past its last `>`) of the first element that
/// starts at or after `from`, skipping whitespace, text, comments and
/// processing instructions; `None` when a closing tag or the end of the text
/// comes first (nothing follows the comment in its parent) or the XML is
/// broken before the element closes.
fn next_element_end(text: &str, from: usize) -> Option<usize> {
    use quick_xml::events::Event;

    let mut reader = quick_xml::Reader::from_str(text.get(from..)?);
    // The text starts inside the document: closing tags of elements opened
    // before `from` are expected.
    reader.config_mut().check_end_names = false;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::Empty(_)) if depth == 0 => break,
            Ok(Event::End(_)) => {
                if depth <= 1 {
                    if depth == 0 {
                        return None;
                    }
                    break;
                }
                depth -= 1;
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    let end = usize::try_from(reader.buffer_position()).ok()?;
    Some(from + end)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENERIC: TextKind = TextKind {
        assignments: AssignmentStyle::Generic,
        comments: CommentSyntax::Any,
    };

    /// Salesforce CLI JWT logins: long, short and `=` flags, quotes, lines
    /// continued with `\`, the arguments of the next command (after `&&`)
    /// not read, and a login without a key file left out.
    #[test]
    fn cli_jwt_logins_with_their_key_file_and_user() {
        let text = "run: |\n  sf org login jwt --username ci@acme.com \\\n    --jwt-key-file assets/server.key --client-id X\n\
                    sfdx force:auth:jwt:grant -i X -f 'keys/a.key' -u \"$SF_USER\" && sfdx force:source:deploy -f other.key\n\
                    sfdx auth:jwt:grant --jwtkeyfile=keys/b.key --username=b@acme.com\n\
                    sf org login jwt -o nokey@acme.com -i X\n";
        let (f, _) = scan(text, "deploy.yml", GENERIC);
        let got: Vec<(&str, &str, Option<&str>, u32)> = f
            .cli_jwt_logins
            .iter()
            .map(|l| {
                (
                    l.command.as_str(),
                    l.key_file.as_str(),
                    l.username.as_deref(),
                    l.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "sf org login jwt",
                    "assets/server.key",
                    Some("ci@acme.com"),
                    2
                ),
                (
                    "sfdx force:auth:jwt:grant",
                    "keys/a.key",
                    Some("$SF_USER"),
                    4
                ),
                ("sfdx auth:jwt:grant", "keys/b.key", Some("b@acme.com"), 5),
            ]
        );
    }

    /// JSON `{"key", "value"}` pairs: escapes undone, `{{variables}}` and
    /// empty values skipped, names that hold no secret ignored, a pair with
    /// the value first not read (Postman writes the key first).
    #[test]
    fn json_key_value_pairs_of_secret_names() {
        let json = TextKind {
            assignments: AssignmentStyle::Json,
            comments: CommentSyntax::Any,
        };
        let text = r#"{"values": [
  {"key": "db_password", "value": "a\"b\\c\u0041"},
  {"key": "api_token", "value": "{{token}}"},
  {"key": "client_secret", "value": ""},
  {"key": "username", "value": "svc"},
  {"value": "Reversed-Secret-1", "key": "other_password"}
]}"#;
        let (f, _) = scan(text, "env.postman_environment.json", json);
        let got: Vec<(&str, &str, u32, DefinitionForm)> = f
            .assignments
            .iter()
            .map(|a| (a.name.as_str(), a.value.as_str(), a.location.line, a.form))
            .collect();
        assert_eq!(
            got,
            vec![("db_password", "a\"b\\cA", 2, DefinitionForm::JsonKeyValue)]
        );
    }

    /// Found by the fuzzer: a PEM block with no END whose 512th byte after
    /// the BEGIN line falls inside a multi-byte character panicked.
    #[test]
    fn pem_header_cut_inside_a_character() {
        for pad in 0..4 {
            let text = format!(
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAz5m8X1m0\n{}{}\n",
                "A".repeat(480 + pad),
                "é€😀".repeat(20)
            );
            let (f, _) = scan(&text, "notes.md", GENERIC);
            assert_eq!(f.private_keys.len(), 1, "pad {pad}");
            assert_eq!(f.private_keys[0].encrypted, Some(false));
        }
    }

    /// Found by review: a key written as a `.properties` value, its lines
    /// joined by `\n` escapes and `\` continuations, or by continuations
    /// alone.
    #[test]
    fn pem_blocks_in_continued_properties_values() {
        let body = "MIIEowIBAAKCAQEAz5m8X1m0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let forms = [
            format!("k=-----BEGIN RSA PRIVATE KEY-----\\n\\\n  {body}\\n\\\n  -----END RSA PRIVATE KEY-----\n"),
            format!("k=-----BEGIN RSA PRIVATE KEY-----\\\r\n    {body}\\\r\n    -----END RSA PRIVATE KEY-----\n"),
        ];
        for text in &forms {
            let (f, _) = scan(text, "f.properties", GENERIC);
            assert_eq!(f.private_keys.len(), 1, "{text}");
            assert_eq!(f.private_keys[0].encrypted, Some(false));
        }
        // Named in prose: not a key.
        let text = "Paste it after -----BEGIN PRIVATE KEY-----\\\nand a line break.\n";
        assert!(scan(text, "f", GENERIC).0.private_keys.is_empty());
    }

    /// The whole key on one line, separated by spaces or by nothing (a
    /// `.env` value), and an XML attribute with `&#10;` line breaks.
    #[test]
    fn pem_blocks_on_one_line_and_in_xml_attributes() {
        let body = "MIIEowIBAAKCAQEAz5m8X1m0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        for text in [
            format!("SF_KEY=\"-----BEGIN RSA PRIVATE KEY----- {body} {body} -----END RSA PRIVATE KEY-----\"\n"),
            format!("SF_KEY=-----BEGIN RSA PRIVATE KEY-----{body}{body}-----END RSA PRIVATE KEY-----\n"),
            format!("<k v=\"-----BEGIN RSA PRIVATE KEY-----&#10;{body}&#10;-----END RSA PRIVATE KEY-----\"/>\n"),
        ] {
            let (f, _) = scan(&text, "f", GENERIC);
            assert_eq!(f.private_keys.len(), 1, "{text}");
        }
        // Prose after a label on its line: not a key.
        let text = "Keys start with -----BEGIN PRIVATE KEY----- followed by base64.\n";
        assert!(scan(text, "f", GENERIC).0.private_keys.is_empty());
    }

    /// Found by review: a passphrase-protected OpenSSH key was called
    /// unencrypted. Bodies of `ssh-keygen -t ed25519` keys, cut short.
    #[test]
    fn openssh_keys_read_their_cipher() {
        let plain = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDMlpDAMcOUerJdINnIvD9TxjDhRzV";
        let enc = "b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABAjA2gHmN\n9OOhFxJSfS7VHKAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5";
        let key = |body: &str, sep: &str| {
            let body = body.replace('\n', sep);
            let text = format!("-----BEGIN OPENSSH PRIVATE KEY-----{sep}{body}{sep}-----END OPENSSH PRIVATE KEY-----\n");
            let (f, _) = scan(&text, "id", GENERIC);
            assert_eq!(f.private_keys.len(), 1, "{text}");
            f.private_keys[0].encrypted.unwrap()
        };
        for sep in ["\n", "\r\n", "\\n", "\\n\\\n  "] {
            assert!(!key(plain, sep), "{sep:?}");
            assert!(key(enc, sep), "{sep:?}");
        }
        // A body too short or not OpenSSH's: as before, unencrypted.
        assert!(!openssh_key_encrypted("b3BlbnNzaC1r"));
        assert!(!openssh_key_encrypted(
            "MIIEowIBAAKCAQEAz5m8X1m0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        ));
    }

    /// The armor of a v4 EdDSA secret key packet (legacy packet format, as
    /// GnuPG writes it) whose S2K usage octet is `usage`.
    fn pgp_armor(usage: u8, headers: &str, eol: &str) -> String {
        let mut body = vec![4, 0x6b, 0x0d, 0x7d, 0x75, 22, 9];
        body.extend_from_slice(&[0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01]);
        body.extend_from_slice(&[0x01, 0x07, 0x40]);
        body.extend_from_slice(&[0x5a; 32]);
        body.push(usage);
        body.extend_from_slice(&[0x01, 0x00]);
        body.extend_from_slice(&[0x6c; 32]);
        let mut packet = vec![0x94, body.len() as u8];
        packet.extend_from_slice(&body);
        let b64 = BASE64.encode(&packet);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN PGP PRIVATE KEY BLOCK-----{eol}{headers}{eol}{}{eol}=Xy1z{eol}-----END PGP PRIVATE KEY BLOCK-----{eol}",
            lines.join(eol)
        )
    }

    /// OpenPGP private key blocks, with or without armor headers, in a file
    /// or a `\n`-escaped value: in clear or protected per the packet's S2K
    /// usage octet. A public key block, or the label in prose, is none.
    #[test]
    fn pgp_private_key_blocks() {
        for (headers, eol) in [
            ("", "\n"),
            ("Version: BCPG v1.58\nComment: batch key\n", "\n"),
            ("", "\r\n"),
            ("Comment: batch key\\n", "\\n"),
        ] {
            for (usage, encrypted) in [(0, false), (254, true), (3, true)] {
                let armor = pgp_armor(usage, headers, eol);
                let text = format!("pgp.private.key={armor}\n");
                let (f, _) = scan(&text, "f.properties", GENERIC);
                assert_eq!(f.private_keys.len(), 1, "{text}");
                let k = &f.private_keys[0];
                assert_eq!(k.label, "PGP PRIVATE KEY BLOCK");
                assert_eq!(k.encrypted, Some(encrypted), "{text}");
                assert_eq!((k.location.line, k.location.column), (1, 17));
            }
        }
        // Its packets cut before the usage octet: not known.
        let cut = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlIYEaw19dRYJKwYBBAHaRw8BAQdAM2pEAs9wzK7TbvigX50mu6ZvvKt4qc5VcLJQ\n";
        let (f, _) = scan(cut, "notes.md", GENERIC);
        assert_eq!(f.private_keys.len(), 1);
        assert_eq!(f.private_keys[0].encrypted, None);
        for not_one in [
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEaw19dRYJKwYBBAHaRw8BAQdAp+XDe6Tvs/yn8oW5fZTE9obOT9/ZGA5sdyvN\n",
            "Never paste a -----BEGIN PGP PRIVATE KEY BLOCK----- anywhere.\n",
            "Never paste a\n-----BEGIN PGP PRIVATE KEY BLOCK-----\nanywhere.\n",
        ] {
            assert!(scan(not_one, "f", GENERIC).0.private_keys.is_empty(), "{not_one}");
        }
    }

    #[test]
    fn suppression_forms() {
        let text = "a\n# intguard-ignore IG102, plaintext-secret: test fixture only\nb // intguard-ignore\n";
        let (_, s) = scan(text, "f", GENERIC);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].rules, vec!["IG102", "plaintext-secret"]);
        assert_eq!(s[0].reason.as_deref(), Some("test fixture only"));
        assert_eq!((s[0].location.line, s[0].location.column), (2, 1));
        assert!(s[1].rules.is_empty());
        assert_eq!(s[1].location.column, 3);
        // A multi-line XML comment.
        let text = "<a/>\n<!--\n  intguard-ignore IG106 : fake\n  token -->\n";
        let (_, s) = scan(text, "f", XML);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].rules, vec!["IG106"]);
        assert_eq!(s[0].reason.as_deref(), Some("fake token"));
        assert_eq!(s[0].location.line, 2);
    }

    const XML: TextKind = TextKind {
        assignments: AssignmentStyle::None,
        comments: CommentSyntax::Xml,
    };

    #[test]
    fn a_token_records_the_org_host_written_nearest_to_it() {
        let token = "00D7Q000004KqZb!ARkAQwnQrS7RPeMOkIUpkDyr7OSJoRu1XXdo0cZuzre";
        let text = format!(
            "# see https://help.salesforce.com/s/articleView\nQA=https://acme--qa.sandbox.my.salesforce.com\nPROD=https://acme.my.salesforce.com\n\n\nT1={token}\n\n\n\n\n\n\n\n\n\n\nT2={token}\n"
        );
        let (facts, _) = scan(&text, "f.sh", XML);
        let hosts: Vec<(u32, Option<&str>)> = facts
            .tokens
            .iter()
            .map(|t| (t.location.line, t.host.as_deref()))
            .collect();
        // The nearest host (help.salesforce.com is no org); none for the
        // token more than five lines from any.
        assert_eq!(
            hosts,
            [(6, Some("acme.my.salesforce.com")), (17, None)],
            "{hosts:?}"
        );
    }

    /// Found by review: a URL-encoded session id (`%21` for `!`). The value
    /// is kept as written, so that the redactor masks it where it is.
    #[test]
    fn url_encoded_access_token() {
        let text = "GET /secur/frontdoor.jsp?sid=00D5e000000AbCd%21AQ8AQHx7cK2mP9vRtL3sWqE8uYbN4dF&retURL=%2F\n";
        let (f, _) = scan(text, "frontdoor.log", GENERIC);
        assert_eq!(f.tokens.len(), 1);
        assert_eq!(
            f.tokens[0].value,
            "00D5e000000AbCd%21AQ8AQHx7cK2mP9vRtL3sWqE8uYbN4dF"
        );
        // Another `%2x` after an org id is no token.
        let text = "a=00D5e000000AbCd%2FAQ8AQHx7cK2mP9vRtL3sWqE8uYbN4dF\n";
        assert!(scan(text, "f.log", GENERIC).0.tokens.is_empty());
    }

    /// (line, covers_until_line) of each suppression.
    fn extents(text: &str, kind: TextKind) -> Vec<(u32, u32)> {
        scan(text, "f", kind)
            .1
            .iter()
            .map(|s| (s.location.line, s.covers_until_line))
            .collect()
    }

    #[test]
    fn xml_suppression_covers_the_next_element_and_its_subtree() {
        let text = r#"<mule>
  <!-- intguard-ignore IG109: health check -->
  <http:listener-config name="Health">
    <http:listener-connection host="0.0.0.0" port="8081" />
  </http:listener-config>
  <http:listener-config name="Api">
    <http:listener-connection host="0.0.0.0" port="8082" />
  </http:listener-config>
</mule>
"#;
        // Lines 2..=5: the comment, the element, its child and its end tag;
        // not the next listener-config.
        assert_eq!(extents(text, XML), vec![(2, 5)]);
    }

    #[test]
    fn xml_suppression_extent_edge_cases() {
        // A self-closing element whose start tag spans lines, after a blank
        // line; an attribute holding `>` and `/>`.
        let text = "<a>\n<!-- intguard-ignore X: r -->\n\n<b x=\"#[1 > 0 and '/>' != '']\"\n   y=\"2\"/>\n<c/>\n</a>\n";
        assert_eq!(extents(text, XML), vec![(2, 5)]);

        // Stacked comments (and a processing instruction) all cover the
        // element; a nested element of the same name and a CDATA section
        // holding a closing tag do not end it early.
        let text = "<a>\n<!-- intguard-ignore X: one -->\n<!-- intguard-ignore Y: two -->\n<?pi x?>\n<b>\n  <b>t</b>\n  <![CDATA[</b>]]>\n</b>\n<c/>\n</a>\n";
        assert_eq!(extents(text, XML), vec![(2, 8), (3, 8)]);

        // A multi-line comment: from its first line to the element's end.
        let text = "<a>\n  <!--\n    intguard-ignore X: why\n  -->\n  <b>\n  </b>\n</a>\n";
        assert_eq!(extents(text, XML), vec![(2, 6)]);

        // After an element on the same line: covers that line and the next
        // element.
        let text = "<a>\n<b/> <!-- intguard-ignore X: r -->\n<c>\n</c>\n<d/>\n</a>\n";
        assert_eq!(extents(text, XML), vec![(2, 4)]);

        // The last child of its parent (no element follows): the next line.
        let text = "<a>\n  <b/>\n  <!-- intguard-ignore X: r -->\n</a>\n<c>\n</c>\n";
        assert_eq!(extents(text, XML), vec![(3, 4)]);

        // At the end of the file, or before broken XML: the next line.
        assert_eq!(
            extents("<a/>\n<!-- intguard-ignore X: r -->", XML),
            vec![(2, 3)]
        );
        let text = "<a>\n<!-- intguard-ignore X: r -->\n<b>\n<c>\n";
        assert_eq!(extents(text, XML), vec![(2, 3)]);

        // `intguard-ignore-next-line` means the next line, even in XML.
        let text = "<a>\n<!-- intguard-ignore-next-line X: r -->\n<b>\n<c/>\n</b>\n</a>\n";
        assert_eq!(extents(text, XML), vec![(2, 3)]);
    }

    #[test]
    fn line_comment_suppressions_cover_the_next_line() {
        // YAML / properties / shell: `#`; other text: `//`, `/* */`.
        let text = "a: 1\n# intguard-ignore IG102: demo\npassword: x\nb:\n  c: 2\n";
        assert_eq!(extents(text, GENERIC), vec![(2, 3)]);
        let text =
            "x\n// intguard-ignore IG106: fake\ny\n/* intguard-ignore IG106:\n   fake */\nz\n";
        assert_eq!(extents(text, GENERIC), vec![(2, 3), (4, 6)]);
        // XML has no `#` comments: a `#` line there suppresses nothing.
        let text = "<a>\n# intguard-ignore X: r\n<b>\n</b>\n</a>\n";
        assert_eq!(extents(text, XML), vec![]);
    }

    const YAML: TextKind = TextKind {
        assignments: AssignmentStyle::None,
        comments: CommentSyntax::Hash,
    };

    /// A comment opener inside a value (a quoted glob, a cron expression, a
    /// URL) opens nothing: the comment holding the marker is the one whose
    /// opener is nearest before it, of the file's own syntax.
    #[test]
    fn yaml_comments_start_outside_quotes() {
        assert_eq!(yaml_comment_start("# x"), Some(0));
        assert_eq!(yaml_comment_start("a: 1 # x"), Some(5));
        assert_eq!(yaml_comment_start("a: b#c"), None);
        assert_eq!(yaml_comment_start("a: \"b # c\""), None);
        assert_eq!(yaml_comment_start("a: 'b '' # c'"), None);
        assert_eq!(yaml_comment_start("a: 'b' # c"), Some(7));
        assert_eq!(yaml_comment_start("a: \"b\\\" # c\" # d"), Some(13));
    }

    #[test]
    fn a_glob_before_a_hash_comment_does_not_stretch_it() {
        let text = "a:\n  archive: \"/data/*\"  # intguard-ignore IG102: a glob\n  username2: \"x\"\n  password: \"Spr1ngOrders#2024\"\n  cron: \"*/5 * * * *\"\n";
        // YAML: `#` only; the comment ends a line of text, so it covers that
        // line alone.
        assert_eq!(extents(text, YAML), vec![(2, 2)]);
        // Any other text: the nearest opener (`#`) wins over the `/*` before it.
        assert_eq!(extents(text, GENERIC), vec![(2, 2)]);
        // A URL's `//` before a `#` comment does not matter either.
        let text = "url: http://x/*  # intguard-ignore IG109: r\nb\nc */\n";
        assert_eq!(extents(text, GENERIC), vec![(1, 1)]);
        // On a line of its own, a comment covers the next line too; with
        // `-next-line` at the end of a line, the next line.
        let text = "a: 1\n  # intguard-ignore IG109: r\nb: 2\nc: 3 # intguard-ignore-next-line IG109: r\nd: 4\n";
        assert_eq!(extents(text, YAML), vec![(2, 3), (4, 5)]);
        // YAML has no `//` or `/* */` comments at all.
        let text = "a: 1\n/* intguard-ignore IG102: r */\nb: 2\n// intguard-ignore IG102: r\n";
        assert_eq!(extents(text, YAML), vec![]);
        // A YAML `#` inside a quoted scalar, or right after a character, is
        // text, not a comment: it suppresses nothing.
        let text = "sfdc:\n  loginUrl: \"http://x/t # intguard-ignore IG109: not a comment\"\n  b: 'x#intguard-ignore IG109: r'\n  c: v#intguard-ignore IG109: r\n  d: 'it''s # intguard-ignore IG109: still text'\n  e: \"a\\\" # intguard-ignore IG109: still\"\n";
        assert_eq!(extents(text, YAML), vec![]);
        // After a closed quote, it is one.
        let text = "a: \"x#y\" # intguard-ignore IG109: r\nb: 1\n";
        assert_eq!(extents(text, YAML), vec![(1, 1)]);
        // .properties: `#` and `!` first on a line; after a key, `#` is
        // part of the value.
        let props = TextKind {
            assignments: AssignmentStyle::None,
            comments: CommentSyntax::Properties,
        };
        let text =
            "a=/data/*\n! intguard-ignore IG102: r\npassword=x\nb=1 # intguard-ignore IG102: r\n";
        assert_eq!(extents(text, props), vec![(2, 3)]);
        // XML: only `<!-- -->`; a `/*` in an attribute opens nothing.
        let text = "<a x=\"/*\"> <!-- intguard-ignore IG102: r -->\n<b/>\n<c/>\n</a>\n";
        assert_eq!(extents(text, XML), vec![(1, 2)]);
    }

    #[test]
    fn generic_secret_lines() {
        let text = "title\n  password: Hunter22x\nkey: cache-v1\nurl=http://x\nSF_PASSWORD=abc123 # note\n<password>s3cr3t</password>\n\"client_secret\": \"zz9\",\n";
        let (f, _) = scan(text, "README.md", GENERIC);
        let got: Vec<_> = f
            .assignments
            .iter()
            .map(|a| {
                (
                    a.name.as_str(),
                    a.value.as_str(),
                    a.location.line,
                    a.location.column,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("password", "Hunter22x", 2, 3),
                ("SF_PASSWORD", "abc123", 5, 1),
                ("password", "s3cr3t", 6, 2),
                ("client_secret", "zz9", 7, 2),
            ]
        );
    }

    #[test]
    fn java_defines_and_shell() {
        let text = "#!/bin/sh\nexport MULE_KEY=abcd1234\nJAVA_OPTS=\"-Dmule.env=prod -Dencryption.key='k3y!'\"\n";
        let (f, _) = scan(
            text,
            "run.sh",
            TextKind {
                assignments: AssignmentStyle::Shell,
                comments: CommentSyntax::Any,
            },
        );
        let got: Vec<_> = f
            .assignments
            .iter()
            .map(|a| {
                (
                    a.name.as_str(),
                    a.value.as_str(),
                    a.secret,
                    a.location.line,
                    a.location.column,
                )
            })
            .collect();
        assert!(got.contains(&("mule.env", "prod", false, 3, 12)), "{got:?}");
        assert!(
            got.contains(&("encryption.key", "k3y!", true, 3, 28)),
            "{got:?}"
        );
        assert!(
            got.contains(&("MULE_KEY", "abcd1234", true, 2, 8)),
            "{got:?}"
        );
    }
    /// The `-D` definitions read from `text` in a generic text file, as
    /// (name, value, line, column).
    fn generic_defines(text: &str, path: &str) -> Vec<(String, String, u32, u32)> {
        defined_in(text, path, AssignmentStyle::Generic)
            .into_iter()
            .map(|(name, value, _, line, column)| (name, value, line, column))
            .collect()
    }

    fn defined(text: &str, style: AssignmentStyle) -> Vec<(String, String, bool, u32, u32)> {
        defined_in(text, "x", style)
    }

    /// The definitions read from `text` at `path` as (name, value, secret,
    /// line, column).
    fn defined_in(
        text: &str,
        path: &str,
        style: AssignmentStyle,
    ) -> Vec<(String, String, bool, u32, u32)> {
        let (f, _) = scan(
            text,
            path,
            TextKind {
                assignments: style,
                comments: CommentSyntax::Any,
            },
        );
        f.assignments
            .iter()
            .map(|a| {
                (
                    a.name.clone(),
                    a.value.clone(),
                    a.secret,
                    a.location.line,
                    a.location.column,
                )
            })
            .collect()
    }

    /// Long options named like a secret and the secret fields of a
    /// form-encoded body, in a script or a CI file; a value after a space
    /// only when it is quoted or looks like a secret (a bare flag such as
    /// `mysql --password` prompts, and the next word is an operand); options
    /// that name where the secret is, or turn it off, are not secrets.
    #[test]
    fn command_line_options_and_form_fields() {
        let text = "\
anypoint-cli-v4 deploy --client_id c1 --client_secret 9D8c7B6a5F4e3D2c orders.jar
anypoint-cli --username=deployer --password='Depl0y-Pa55!' list
curl -d \"grant_type=password&client_id=c&client_secret=A1B2&password=Pw-1\" https://login.salesforce.com/services/oauth2/token
curl --data-urlencode 'api_key=K-77' https://erp.acme.internal
mysql -u root --password orders
docker login -u ci --password-stdin registry.acme.com
tool --password $PW --client_secret ${{ secrets.CS }} --token-file ./t --no-password orders-2024
tool --password release-2024.jar --password=\"$(vault read x)\"
curl -u svc:Basic-Pa55-77 https://erp --user \"deploy:$NEXUS_PW\"
docker login -u ci registry.acme.com
";
        let (f, _) = scan(
            text,
            ".github/deploy.sh",
            TextKind {
                assignments: AssignmentStyle::Shell,
                comments: CommentSyntax::Any,
            },
        );
        let got: Vec<_> = f
            .assignments
            .iter()
            .map(|a| {
                (
                    a.name.as_str(),
                    a.value.as_str(),
                    a.form,
                    a.location.line,
                    a.location.column,
                )
            })
            .collect();
        use DefinitionForm::{BasicAuthOption, CommandOption, FormField, PasswordGrantField};
        assert_eq!(
            got,
            vec![
                ("--client_secret", "9D8c7B6a5F4e3D2c", CommandOption, 1, 39),
                ("--password", "Depl0y-Pa55!", CommandOption, 2, 34),
                ("client_secret", "A1B2", PasswordGrantField, 3, 42),
                ("password", "Pw-1", PasswordGrantField, 3, 61),
                ("api_key", "K-77", FormField, 4, 24),
                ("-u password", "Basic-Pa55-77", BasicAuthOption, 9, 6),
            ]
        );
    }

    /// A script's header declares (`var` lines before `---`, with a string
    /// literal and a secret name), and so does the header of a `do` block
    /// in its body; other body lines do not. A script without `---` has no
    /// header.
    #[test]
    fn dataweave_header_variables() {
        let script = "%dw 2.0\n  var apiKey = \"k-1\"\nvar region = \"emea\"\n%var token: String = 'tk-2'\nvar secret = p('secure::s')\n---\nvar password = \"body\"\n";
        let got: Vec<(&str, String, usize)> = dataweave_variables(script);
        assert_eq!(
            got,
            vec![
                ("apiKey", "k-1".to_string(), script.find("apiKey").unwrap()),
                ("token", "tk-2".to_string(), script.find("token").unwrap()),
            ]
        );
        assert!(dataweave_variables("%dw 2.0\nvar apiKey = \"k-1\"\n").is_empty());
        let with_do = "%dw 2.0\nfun login() = do {\n  var clientSecret = \"in-a-function\"\n  ---\n  1\n}\nvar apiKey = \"after-a-function\"\n---\n{\n  auth: do {\n    var clientSecret = \"cs-3\"\n    var tenant = \"acme\"\n    ---\n    { secret: clientSecret, note: \"var password = 'x'\" }\n  },\n  undo: redo {\n    var password = \"not-a-block\"\n  }\n}\n";
        let at = with_do.find("clientSecret = \"cs-3").unwrap();
        assert_eq!(
            dataweave_variables(with_do),
            vec![
                (
                    "clientSecret",
                    "in-a-function".to_string(),
                    with_do.find("clientSecret").unwrap()
                ),
                (
                    "apiKey",
                    "after-a-function".to_string(),
                    with_do.find("apiKey").unwrap()
                ),
                ("clientSecret", "cs-3".to_string(), at),
            ]
        );
    }

    #[test]
    fn dockerfile_env_and_arg() {
        let text = [
            "FROM eclipse-temurin:17-jre",
            "ENV MULE_ENCRYPTION_KEY=Zx9Q2mB7Lk4Vt8Rw",
            "arg SFDC_PASSWORD=\"Hunter2 Hunter2\"",
            "ENV sfdc.password Hunter3Hunter3!",
            "ENV MULE_ENV=prod \\",
            "    MULE_KEY='k3y=with=equals' \\",
            "    HTTP_PORT=8081",
            "ARG BUILD_NUMBER",
            "RUN echo ENV NOT_THIS=1 && curl -u x:y https://example.com",
            "COPY app.jar /opt/mule/apps/",
        ]
        .join("\n");
        let text = text.as_str();
        let got = defined(text, AssignmentStyle::Dockerfile);
        let want: Vec<(String, String, bool, u32, u32)> = [
            ("MULE_ENCRYPTION_KEY", "Zx9Q2mB7Lk4Vt8Rw", true, 2, 5),
            ("SFDC_PASSWORD", "Hunter2 Hunter2", true, 3, 5),
            ("sfdc.password", "Hunter3Hunter3!", true, 4, 5),
            ("MULE_ENV", "prod", false, 5, 5),
            ("MULE_KEY", "k3y=with=equals", true, 6, 5),
            ("HTTP_PORT", "8081", false, 7, 5),
        ]
        .iter()
        .map(|(n, v, s, l, c)| (n.to_string(), v.to_string(), *s, *l, *c))
        .collect();
        assert_eq!(got, want);
    }

    /// Escapes and quotes around characters of any length, at the end of
    /// a line, in odd places: read, never a panic.
    #[test]
    fn dockerfile_odd_values_do_not_panic() {
        for text in [
            "ENV A=\\é B=ü\\ C=\"ß\nENV D='x",
            "ENV K=\\",
            "ENV \\\n",
            "ARG =\nENV ==\nENV é=1 ß\n",
            "ENV P=a\\ b\\\"c SECRET_KEY=v\u{2003}w",
        ] {
            let _ = dockerfile_variables(text);
        }
        let got = dockerfile_variables("ENV MULE_KEY=k\\é1 X=y");
        assert_eq!(got[0].1, "ké1");
        assert_eq!(got[1].1, "y");
    }

    #[test]
    fn kubernetes_env_lists() {
        let text = [
            "spec:",
            "  containers:",
            "    - name: orders-sapi",
            "      env:",
            "        - name: MULE_ENV",
            "          value: prod",
            "        - name: MULE_ENCRYPTION_KEY",
            "          # the key, for now",
            "          value: \"Pq7Wm2Xk9Lr4Tz6N\"",
            "        - name: SFDC_TOKEN",
            "          valueFrom:",
            "            secretKeyRef:",
            "              name: sfdc",
            "              key: token",
            "        - name: SFDC_PASSWORD",
            "        - name: NEXT",
            "          value: S3cr3tPassw0rd!",
            "        - name: \"SFDC_CLIENT_SECRET\"",
            "          value: 'Cl13ntS3cr3t'",
        ]
        .join("\n");
        let text = text.as_str();
        let got = defined(text, AssignmentStyle::Generic);
        // At the value's line; a value taken from a Secret, or one that
        // belongs to the next item, is none.
        assert_eq!(
            got,
            [
                (
                    "MULE_ENCRYPTION_KEY".to_string(),
                    "Pq7Wm2Xk9Lr4Tz6N".to_string(),
                    true,
                    9,
                    11
                ),
                (
                    "SFDC_CLIENT_SECRET".to_string(),
                    "Cl13ntS3cr3t".to_string(),
                    true,
                    19,
                    11
                ),
            ]
        );
    }

    #[test]
    fn mule_wrapper_defines() {
        let text = "$MULE_HOME/bin/mule -M-Dmule.env=prod -M-Dmule.key=k3y start\n<a value=\"-M-Dx.key=v\"/>\n";
        let got = generic_defines(text, "run.sh");
        let got: Vec<_> = got
            .iter()
            .map(|(n, v, l, c)| (n.as_str(), v.as_str(), *l, *c))
            .collect();
        assert_eq!(
            got,
            vec![
                ("mule.env", "prod", 1, 21),
                ("mule.key", "k3y", 1, 39),
                ("x.key", "v", 2, 11),
            ]
        );
    }

    /// Found by review: in Markdown, a command in backticks ended its value
    /// with the closing backtick (`Zq…(17)` for a 16-character key: wrong
    /// fingerprint, and IG104 tried the wrong key).
    #[test]
    fn backticks_end_a_define() {
        let text = "Run `mvn -Dsecure.key=AbcdEfgh12345678` then `mule -M-Dmule.key=B1234567` (`-Dx.key=v`)\n";
        let got = generic_defines(text, "README.md");
        let got: Vec<_> = got
            .iter()
            .map(|(n, v, _, _)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("secure.key", "AbcdEfgh12345678"),
                ("mule.key", "B1234567"),
                ("x.key", "v"),
            ]
        );
    }
}
