//! `key: value`, `key=value` and `<key>value</key>` lines of any text file
//! whose key names a secret, a JSON file's `{"key": ..., "value": ...}`
//! pairs, and a Maven `settings.xml` server's credentials.

use std::sync::LazyLock;

use intguard_model::{Assignment, DefinitionForm, Location, TextFileFacts};
use memchr::memmem;
use regex::Regex;

use super::dataweave::{is_secret_declaration, variable_declaration};
use super::{clean_value, is_sensitive_name, plausible_generic_value, reads_a_variable};

/// `key: value` or `key=value` (a list item's `- key: value`, `export
/// KEY=value`, Groovy's `def key = 'value'`, PowerShell's `$env:KEY =
/// "value"` and `$Key = "value"`, group 1 the `$`; the key quoted or not):
/// group 2 the key, group 3 the value.
static KEY_VALUE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^[ \t]*(?:[-*][ \t]+)?(?:export[ \t]+|def[ \t]+|(\$)(?i:env:)?)?["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?[ \t]*[:=][ \t]*(.*?)[ \t]*$"#)
        .expect("regex")
});

/// `<name>value</name>` on one line: the opening name, the value, the
/// closing name (the two must agree).
static XML_ELEMENT_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<([A-Za-z_][\w.\-:]*)>([^<\n]+)</([A-Za-z_][\w.\-:]*)>").expect("regex")
});

/// A member of a JSON object with a string value, anywhere on a line:
/// group 1 the name, group 2 the value as written.
static JSON_MEMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""([A-Za-z_][A-Za-z0-9_.\-]*)"[ \t]*:[ \t]*"((?:[^"\\\n]|\\.)*)""#).expect("regex")
});

/// A line of a generic file (`dataweave`: of a `.dwl` script) that may set
/// a secret. `quoted_literals`: the file's language writes a literal in
/// quotes, an unquoted value being an expression (DataWeave, and Groovy:
/// a Jenkinsfile's `KEY = credentials('mule-key')` is no key).
pub(super) fn generic_line(
    line: &str,
    line_start: usize,
    dataweave: bool,
    quoted_literals: bool,
    facts: &mut TextFileFacts,
    loc: &mut impl FnMut(usize) -> Location,
) {
    if line.trim_start().starts_with(['v', 'l', 'c', '%']) {
        if let Some(declared) = variable_declaration(line) {
            if is_secret_declaration(&declared) {
                let (name, value, at) = declared;
                facts.assignments.push(Assignment {
                    name: name.to_string().into(),
                    value: value.into(),
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
        if let (Some(name), Some(value)) = (c.get(2), c.get(3)) {
            let n = name.as_str();
            // PowerShell writes a literal in quotes; anything else is an
            // expression or a command (`Get-Secret`, `Read-Host
            // -AsSecureString`), no secret of its own.
            let powershell_expression =
                c.get(1).is_some() && !value.as_str().starts_with(['"', '\'']);
            // A bare `key:` / `token:` is too common (CI cache keys) to mean
            // an encryption key.
            let bare = n.eq_ignore_ascii_case("key");
            let v = clean_value(value.as_str());
            // In DataWeave, an unquoted value is an expression (`api_key:
            // partnerApiKey` reads a variable), not a literal; in Groovy too
            // (`MULE_KEY = credentials('mule-key')`, `params.KEY`).
            let expression =
                quoted_literals && !value.as_str().trim_start().starts_with(['"', '\'']);
            if !bare
                && !expression
                && !powershell_expression
                && !reads_a_variable(value.as_str(), &v)
                && plausible_generic_value(value.as_str(), &v)
                && is_sensitive_name(n)
            {
                facts.assignments.push(Assignment {
                    name: n.to_string().into(),
                    value: v.into(),
                    secret: true,
                    location: loc(line_start + name.start()),
                    form: DefinitionForm::Line,
                });
                return;
            }
        }
    }
    // A JSON object written on one line (a structured log's entry, a
    // minified file): each member named like a secret.
    if line.trim_start().starts_with(['{', '[']) && line.contains("\":") {
        for c in JSON_MEMBER.captures_iter(line) {
            let (Some(name), Some(value)) = (c.get(1), c.get(2)) else {
                continue;
            };
            let n = name.as_str();
            let v = value.as_str();
            if n.eq_ignore_ascii_case("key")
                || !is_sensitive_name(n)
                || reads_a_variable(v, v)
                || !plausible_generic_value(v, v)
            {
                continue;
            }
            facts.assignments.push(Assignment {
                name: n.to_string().into(),
                value: v.to_string().into(),
                secret: true,
                location: loc(line_start + name.start()),
                form: DefinitionForm::Line,
            });
        }
        return;
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
            // At the value's first character: a finding points at the
            // secret, not at the tag around it.
            let padding = value.as_str().len() - value.as_str().trim_start().len();
            facts.assignments.push(Assignment {
                name: n.to_string().into(),
                value: v.to_string().into(),
                secret: true,
                location: loc(line_start + value.start() + padding),
                form: DefinitionForm::Line,
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
pub(super) fn json_key_value_pairs(
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
            name: name.as_str().to_string().into(),
            value: v.to_string().into(),
            secret: true,
            location: loc(name.start()),
            form: DefinitionForm::JsonKeyValue,
        });
    }
}

/// A Maven setting (a `settings.xml` server's, a pom plugin's) that holds the
/// path of a key file, not a key: `<privateKey>`.
pub(super) fn is_key_path_setting(element: &str) -> bool {
    element == "privateKey"
}

/// The credentials inside a Maven `settings.xml` `<server>`: named after
/// the server's `<id>` (`exchange/password`), marked
/// [`DefinitionForm::MavenServer`].
pub(super) fn name_server_credentials(text: &str, assignments: &mut Vec<Assignment>) {
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
                a.name = format!("{id}/{}", a.name).into();
            }
        }
    }
    assignments.retain(|a| {
        a.form != DefinitionForm::MavenServer
            || !a.name.rsplit('/').next().is_some_and(is_key_path_setting)
    });
}

/// The credential-named fields of the objects and form-encoded strings a
/// `.dwl` script builds with a constant string, as the payload an
/// `<ee:set-payload resource="...">` sets is read when written in the XML:
/// `{ grant_type: "client_credentials", client_secret: "..." }` on one line
/// (the line scan reads a field only on a line of its own) or
/// `"grant_type=password&password=..."`. A field the line scan already
/// found (the same name on the same line) is not added again.
pub(super) fn dataweave_body_fields(
    text: &str,
    facts: &mut TextFileFacts,
    loc: &mut impl FnMut(usize) -> Location,
) {
    let fields = crate::mule::dataweave::body_fields(text, true);
    if fields.is_empty() {
        return;
    }
    // What the line scan found, looked up once each (a script of many
    // fields is not searched again for every one).
    let found: std::collections::HashSet<(u32, String)> = facts
        .assignments
        .iter()
        .map(|a| (a.location.line, a.name.to_ascii_lowercase()))
        .collect();
    for f in fields {
        if !f.constant
            || reads_a_variable(&f.value, &f.value)
            || !plausible_generic_value(&f.value, &f.value)
        {
            continue;
        }
        let location = loc(f.value_at);
        if found.contains(&(location.line, f.key.to_ascii_lowercase())) {
            continue;
        }
        facts.assignments.push(Assignment {
            name: f.key.into(),
            value: f.value.into(),
            secret: true,
            location,
            form: DefinitionForm::Line,
        });
    }
}

/// The entries of PowerShell hashtables written on one line with a quoted
/// value, `@{ username = "int@acme.com"; password = "S3cret!" }` or
/// `$body = @{grant_type="password"; client_secret="..."}`, whose key names
/// a secret: read as `key = "value"` lines are (the line scan reads the
/// first `name = value` of a line only, here `$body`). An entry on a line
/// of its own (a hashtable over several lines) is the line scan's; one it
/// already found (the same name on the same line) is not added again. Only
/// a quoted value is a literal: anything else is an expression (`$pw`,
/// `(Get-Secret ...)`, `Read-Host`), no secret of its own. Call only when
/// the text holds `@{`.
pub(super) fn powershell_hashtable_entries(
    text: &str,
    facts: &mut TextFileFacts,
    loc: &mut impl FnMut(usize) -> Location,
) {
    let bytes = text.as_bytes();
    let mut found: Option<std::collections::HashSet<(u32, String)>> = None;
    for open in memmem::find_iter(bytes, b"@{") {
        let start = open + 2;
        // Within its line, and not past a bound: a line of many `@{`
        // (a crafted or minified file) costs no more than its length times
        // the bound.
        let line_end = memchr::memchr(b'\n', &bytes[start..]).map_or(text.len(), |i| start + i);
        let mut end = line_end.min(start + MAX_HASHTABLE_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        for (name_at, name, value) in hashtable_entries(text, start, end) {
            if name.eq_ignore_ascii_case("key")
                || !is_sensitive_name(name)
                || reads_a_variable(value.raw, &value.text)
                || !plausible_generic_value(value.raw, &value.text)
            {
                continue;
            }
            let location = loc(name_at);
            let found = found.get_or_insert_with(|| {
                facts
                    .assignments
                    .iter()
                    .map(|a| (a.location.line, a.name.to_ascii_lowercase()))
                    .collect()
            });
            if !found.insert((location.line, name.to_ascii_lowercase())) {
                continue;
            }
            facts.assignments.push(Assignment {
                name: name.to_string().into(),
                value: value.text.into(),
                secret: true,
                location,
                form: DefinitionForm::Line,
            });
        }
    }
}

/// How far a one-line hashtable is read from its `@{`.
const MAX_HASHTABLE_BYTES: usize = 4096;

/// A quoted hashtable value: as written (quotes included) and its text.
struct QuotedValue<'t> {
    raw: &'t str,
    text: String,
}

/// The `key = "value"` entries of a hashtable body from `start` to `end`
/// (its line's end), up to its closing `}`: each entry's key offset, key
/// (bare or quoted) and quoted value. Entries are separated by `;`; an
/// entry whose value is not quoted is skipped to its `;` or `}` (braces
/// inside it counted).
fn hashtable_entries(text: &str, start: usize, end: usize) -> Vec<(usize, &str, QuotedValue<'_>)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = start;
    let skip_ws = |i: &mut usize| {
        while *i < end && matches!(b[*i], b' ' | b'\t' | b'\r' | b';') {
            *i += 1;
        }
    };
    loop {
        skip_ws(&mut i);
        if i >= end || b[i] == b'}' {
            break;
        }
        // The key: bare, or in quotes.
        let (key_at, key) = match b[i] {
            q @ (b'"' | b'\'') => {
                let Some(close) = memchr::memchr(q, &b[i + 1..end]) else {
                    break;
                };
                let key = (i + 1, &text[i + 1..i + 1 + close]);
                i += close + 2;
                key
            }
            _ => {
                let from = i;
                while i < end
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.' | b'-'))
                {
                    i += 1;
                }
                (from, &text[from..i])
            }
        };
        while i < end && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        if key.is_empty() || i >= end || b[i] != b'=' {
            // Not an entry: the rest of the line is not a hashtable body.
            break;
        }
        i += 1;
        while i < end && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        match b.get(i).copied().filter(|_| i < end) {
            Some(q @ (b'"' | b'\'')) => {
                let from = i;
                let mut value = String::new();
                let mut j = i + 1;
                let mut closed = false;
                while j < end {
                    let c = b[j];
                    if c == q {
                        // `''` in single quotes, `""` in double: one quote.
                        if b.get(j + 1) == Some(&q) && j + 1 < end {
                            value.push(q as char);
                            j += 2;
                            continue;
                        }
                        closed = true;
                        break;
                    }
                    // A backtick escapes the next character in double quotes.
                    if q == b'"' && c == b'`' && j + 1 < end {
                        let ch = text[j + 1..].chars().next().unwrap_or('`');
                        value.push(ch);
                        j += 1 + ch.len_utf8();
                        continue;
                    }
                    let ch = text[j..].chars().next().unwrap_or(' ');
                    value.push(ch);
                    j += ch.len_utf8();
                }
                if !closed {
                    break;
                }
                i = j + 1;
                out.push((
                    key_at,
                    key,
                    QuotedValue {
                        raw: &text[from..i],
                        text: value,
                    },
                ));
            }
            _ => {
                // An expression: skipped to its `;` or the closing `}`.
                let mut depth = 0usize;
                while i < end {
                    match b[i] {
                        b'{' => depth += 1,
                        b'}' if depth == 0 => break,
                        b'}' => depth -= 1,
                        b';' if depth == 0 => break,
                        _ => {}
                    }
                    i += 1;
                }
            }
        }
    }
    out
}
