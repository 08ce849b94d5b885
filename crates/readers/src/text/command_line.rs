//! Secrets passed to commands in scripts and CI files, and the Salesforce
//! CLI's JWT logins.

use std::sync::LazyLock;

use intguard_model::{vocab, Assignment, CliJwtLogin, DefinitionForm, Location, TextFileFacts};
use memchr::memmem;
use regex::Regex;

use super::{clean_value, reads_a_variable};

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
/// `-F`, `--form`; PowerShell's `Invoke-RestMethod -Body`, any case).
static FORM_OPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^(?:-d|-F|--data|--data-raw|--data-binary|--data-urlencode|--form|(?i:-body))(?:=|[ \t]+)("[^"\n]*"|'[^'\n]*'|[^\s"'\\;|&()<>`]+)"#,
    )
    .expect("regex")
});

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
pub(super) fn command_line_secrets(
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
        .filter(|&i| {
            matches!(
                bytes.get(i + 1),
                Some(b'-' | b'd' | b'F' | b'u' | b'B' | b'b')
            )
        });
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
                    if password.chars().count() >= 4 && !reads_a_variable(arg.as_str(), password) {
                        found.push((
                            start,
                            Assignment {
                                name: format!("{} password", option.as_str()).into(),
                                value: password.to_string().into(),
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
            || reads_a_variable(value.as_str(), &v)
            || !(joined || secret_like_argument(value.as_str()))
        {
            continue;
        }
        found.push((
            start,
            Assignment {
                name: format!("--{n}").into(),
                value: v.into(),
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
        // `arg` as written: in single quotes `'password=$ecret'` sets one.
        if value.is_empty() || reads_a_variable(arg, value) || !vocab::is_secret_name(trimmed) {
            continue;
        }
        found.push((
            start + (name.len() - trimmed.len()),
            Assignment {
                name: trimmed.to_string().into(),
                value: value.to_string().into(),
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
pub(super) fn cli_jwt_logins(
    text: &str,
    facts: &mut TextFileFacts,
    loc: &mut impl FnMut(usize) -> Location,
) {
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
