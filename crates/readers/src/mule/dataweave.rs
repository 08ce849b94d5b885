//! The DataWeave and form-encoded text of HTTP requests, read for named
//! values without a DataWeave parser: the entries of objects (`{'Authorization':
//! 'Bearer …'}`, `client_secret: "…"`), string literals, and the pairs of
//! form-encoded strings (`grant_type=password&password=…`), each with its
//! offset in the text so that the XML reader can place it in the file.

use intguard_model::{vocab, HttpValueSyntax};

/// One credential-named field of a request body.
#[derive(Debug, PartialEq)]
pub(crate) struct BodyField {
    pub(crate) key: String,
    /// The string's content (object entries), the pair's value (form
    /// pairs), or the expression as written.
    pub(crate) value: String,
    /// Byte offset in the text of the value: a string's opening quote, or
    /// a form value's first character.
    pub(crate) value_at: usize,
    /// A constant: no reference, expression, interpolation or concatenation.
    pub(crate) constant: bool,
    pub(super) syntax: HttpValueSyntax,
}

/// `$(expr)` / `$name` interpolate in a DataWeave string.
fn dw_interpolates(content: &str) -> bool {
    content
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'$' && (w[1] == b'(' || w[1].is_ascii_alphabetic() || w[1] == b'_'))
}

/// A `${...}` placeholder or a `#[...]` expression in a value.
fn has_reference(value: &str) -> bool {
    value.contains("${") || value.contains("#[")
}

/// A `name=value` pair of a form-encoded string.
struct FormPair<'a> {
    key: &'a str,
    value: &'a str,
    /// Byte offset of the value in the string.
    value_at: usize,
    /// The value runs to the end of the string.
    last: bool,
}

/// The pairs of a form-encoded string (`grant_type=password&password=...`,
/// or the query of a URL), when the whole string is one: every
/// `&`-separated piece a `name=value` pair with a plain name. Nothing for
/// other strings (`WHERE password = 'x'`, prose).
fn form_pairs(s: &str) -> Vec<FormPair<'_>> {
    let base = match s.find('?') {
        Some(q) if !s[..q].contains('=') => q + 1,
        _ => 0,
    };
    let mut out = Vec::new();
    let mut pos = base;
    for piece in s[base..].split('&') {
        let start = pos;
        pos += piece.len() + 1;
        if piece.is_empty() {
            continue;
        }
        let Some(eq) = piece.find('=') else {
            return Vec::new();
        };
        let key = &piece[..eq];
        let plain = |b: u8| b.is_ascii_alphanumeric() || b"_-.[]%".contains(&b);
        if key.is_empty() || !key.bytes().all(plain) {
            return Vec::new();
        }
        out.push(FormPair {
            key,
            value: &piece[eq + 1..],
            value_at: start + eq + 1,
            last: start + piece.len() == s.len(),
        });
    }
    out
}

/// The string literals (`"..."`, `'...'`) of a DataWeave script, as
/// (opening quote, closing quote) offsets; comments are skipped.
fn dw_string_literals(script: &str) -> Vec<(usize, usize)> {
    let bytes = script.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' | b'`' => {
                let end = dw_string_end(bytes, i);
                if bytes[i] != b'`' && end < bytes.len() {
                    out.push((i, end));
                }
                i = end + 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = script[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |e| i + 2 + e + 2);
            }
            _ => i += 1,
        }
    }
    out
}

/// The credential-named fields ([`vocab::is_credential_param_name`]) of a
/// request body or payload: the entries of DataWeave or JSON objects, and
/// the pairs of form-encoded strings (`"grant_type=password&password=..."`).
/// `script`: the whole text is DataWeave (`ee:set-payload`); otherwise it
/// is DataWeave only when written `#[...]`, literal text else (a JSON
/// object or a form-encoded string written as is).
pub(crate) fn body_fields(text: &str, script: bool) -> Vec<BodyField> {
    // Most payloads name no credential: one linear pass rules them out
    // before their objects and strings are read.
    if !vocab::may_name_a_credential(text) {
        return Vec::new();
    }
    let mut out: Vec<BodyField> = Vec::new();
    let lead = text.len() - text.trim_start().len();
    let t = text.trim();
    if script || t.starts_with("#[") {
        out.extend(credential_entries(text, HttpValueSyntax::DataWeaveField));
        for (open, close) in dw_string_literals(text) {
            let content = &text[open + 1..close];
            // `"...&password=" ++ vars.pw` (Mule 3 MEL: `+`): the value goes
            // on after the string.
            let concatenated = text[close + 1..].trim_start().starts_with('+');
            for pair in form_pairs(content) {
                if !vocab::is_credential_param_name(pair.key) {
                    continue;
                }
                out.push(BodyField {
                    key: pair.key.to_string(),
                    value: pair.value.to_string(),
                    value_at: open + 1 + pair.value_at,
                    constant: !(dw_interpolates(pair.value)
                        || has_reference(pair.value)
                        || (pair.last && concatenated)),
                    syntax: HttpValueSyntax::DataWeaveFormPair,
                });
            }
        }
    } else if t.starts_with('{') || t.starts_with('[') {
        out.extend(credential_entries(text, HttpValueSyntax::Text));
    } else {
        for pair in form_pairs(t) {
            if vocab::is_credential_param_name(pair.key) {
                out.push(BodyField {
                    key: pair.key.to_string(),
                    value: pair.value.to_string(),
                    value_at: lead + pair.value_at,
                    constant: !has_reference(pair.value),
                    syntax: HttpValueSyntax::Text,
                });
            }
        }
    }
    out.sort_by_key(|f| f.value_at);
    out.dedup_by_key(|f| f.value_at);
    out
}

/// One `key: value` entry of a DataWeave object.
#[derive(Debug, PartialEq)]
pub(super) struct MapEntry {
    pub(super) key: String,
    /// The string's content when the value is one constant string, else the
    /// expression as written.
    pub(super) value: String,
    /// Byte offset in the script of the value (the string's opening quote).
    pub(super) value_at: usize,
    /// The value is one string literal without interpolation.
    pub(super) constant: bool,
}

/// The end (index of the closing quote) of a DataWeave string opened at
/// `open`; `\` escapes the next character.
pub(super) fn dw_string_end(bytes: &[u8], open: usize) -> usize {
    let q = bytes[open];
    let mut j = open + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b if b == q => return j,
            _ => j += 1,
        }
    }
    bytes.len()
}

/// Where a DataWeave comment starting at `i` ends (`// ...` at the end of
/// its line, `/* ... */` after its `*/`); `None` when none starts there.
// Called for every byte of the scripts read (inlined, the test that rules out
// all but `/` costs a compare, not a call).
#[inline(always)]
pub(super) fn comment_end(bytes: &[u8], i: usize) -> Option<usize> {
    if bytes.get(i) != Some(&b'/') {
        return None;
    }
    match bytes.get(i + 1) {
        Some(b'/') => Some(memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n)),
        Some(b'*') => Some(
            memchr::memmem::find(&bytes[i + 2..], b"*/").map_or(bytes.len(), |n| i + 2 + n + 2),
        ),
        _ => None,
    }
}

/// The `key: value` entries of the objects in a DataWeave script
/// (`#[{'Authorization': 'Basic ...'}]`, `output application/java --- {
/// "client_secret": p('secure::x') }`), in order. Tolerant: a key is a
/// string or a name written right after `{` or `,`, its value runs to the
/// next `,` `}` `]` or `)` at the same nesting level. Nested objects are
/// read too.
#[cfg(test)]
pub(super) fn dataweave_map_entries(script: &str) -> Vec<MapEntry> {
    dataweave_map_entries_named(script, |_| true)
}

/// The credential-named `key: value` entries of `text`'s objects, as
/// [`BodyField`]s written in `syntax`.
fn credential_entries(text: &str, syntax: HttpValueSyntax) -> impl Iterator<Item = BodyField> {
    dataweave_map_entries_named(text, vocab::is_credential_param_name)
        .into_iter()
        .map(move |e| BodyField {
            constant: e.constant && !has_reference(&e.value),
            key: e.key,
            value: e.value,
            value_at: e.value_at,
            syntax,
        })
}

/// How deep into nested objects entries are read: each nested object's
/// value is read to its end again, so objects nested 100,000 deep (a
/// 400 KB script) took time and memory in the square of their depth.
const MAX_NESTED_OBJECTS: usize = 64;

/// [`dataweave_map_entries`] of the keys `wanted` accepts (the others'
/// values are not copied).
pub(super) fn dataweave_map_entries_named(
    script: &str,
    wanted: impl Fn(&str) -> bool,
) -> Vec<MapEntry> {
    let bytes = script.as_bytes();
    // The body follows the header's `---`, when there is one.
    let mut i = match (script.find("---"), script.find('{')) {
        (Some(h), Some(brace)) if h < brace => h + 3,
        (Some(h), None) => h + 3,
        _ => 0,
    };
    let mut out = Vec::new();
    // The last significant character before the current token.
    let mut prev: u8 = 0;
    // The ends of the nested objects being read (their values' ends).
    let mut nested: Vec<usize> = Vec::new();
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        // A commented-out entry is no entry; a comment is transparent.
        if let Some(end) = comment_end(bytes, i) {
            i = end;
            continue;
        }
        let key_here = prev == b'{' || prev == b',';
        let (key, after) = if b == b'"' || b == b'\'' {
            let end = dw_string_end(bytes, i);
            (script.get(i + 1..end), (end + 1).min(bytes.len()))
        } else if b.is_ascii_alphabetic() || b == b'_' {
            let end = (i..bytes.len())
                .find(|&j| !(bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_'))
                .unwrap_or(bytes.len());
            (script.get(i..end), end)
        } else {
            prev = b;
            i += 1;
            continue;
        };
        prev = b'a';
        i = after;
        let Some(key) = key.filter(|_| key_here) else {
            continue;
        };
        let mut c = after;
        while c < bytes.len() && bytes[c].is_ascii_whitespace() {
            c += 1;
        }
        if bytes.get(c) != Some(&b':') || bytes.get(c + 1) == Some(&b':') {
            continue;
        }
        let mut v = c + 1;
        while v < bytes.len() && bytes[v].is_ascii_whitespace() {
            v += 1;
        }
        // The value runs to the end of the entry.
        let mut depth = 0usize;
        let mut e = v;
        // The end of the value's last code (a trailing comment is not part
        // of the value).
        let mut code_end = v;
        while e < bytes.len() {
            if let Some(end) = comment_end(bytes, e) {
                e = end;
                continue;
            }
            match bytes[e] {
                b'"' | b'\'' | b'`' => e = dw_string_end(bytes, e),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth == 0 => break,
                b')' | b']' | b'}' => depth -= 1,
                b',' if depth == 0 => break,
                _ => {}
            }
            if bytes.get(e).is_some_and(|b| !b.is_ascii_whitespace()) {
                code_end = e + 1;
            }
            e += 1;
        }
        let e = e.min(bytes.len());
        let raw = script[v..code_end.min(bytes.len())].trim_end();
        if wanted(key) {
            let single_string = matches!(raw.as_bytes().first(), Some(b'"' | b'\''))
                && dw_string_end(raw.as_bytes(), 0) == raw.len() - 1;
            let (value, constant) = if single_string {
                let content = &raw[1..raw.len() - 1];
                (content.to_string(), !dw_interpolates(content))
            } else {
                (raw.to_string(), false)
            };
            out.push(MapEntry {
                key: key.to_string(),
                value,
                value_at: v,
                constant,
            });
        }
        // A nested object's entries are read as the scan goes on (the
        // objects closed before this one are left).
        while nested.last().is_some_and(|&end| end <= v) {
            nested.pop();
        }
        i = if raw.starts_with('{') && nested.len() < MAX_NESTED_OBJECTS {
            nested.push(e);
            v
        } else {
            e
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Commented-out entries are not entries, and a comment inside an
    /// entry's value does not end it early or hide the next entry.
    #[test]
    fn dataweave_comments_hide_entries() {
        let script = "%dw 2.0\noutput application/json\n---\n{\n  // password: \"OldPass-1\",\n  /* client_secret: \"OldSecret-2\", */\n  token: p('t') // was: \"T0k, en\"\n  , apiKey: \"Live-Key-3\",\n  pwd: \"Pw-Real-4\" /* rotated */\n}";
        let got: Vec<(String, String, bool)> = dataweave_map_entries(script)
            .into_iter()
            .map(|e| (e.key, e.value, e.constant))
            .collect();
        assert_eq!(
            got,
            [
                ("token".to_string(), "p('t')".to_string(), false),
                ("apiKey".to_string(), "Live-Key-3".to_string(), true),
                ("pwd".to_string(), "Pw-Real-4".to_string(), true)
            ]
        );
        let fields: Vec<String> = body_fields(script, true)
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert_eq!(fields, ["token", "apiKey", "pwd"]);
    }

    #[test]
    fn dataweave_map_entries_find_keys_values_and_constants() {
        let script = "output application/java\n---\n{\n\t\"Authorization\" : \"Basic dXNlcjpw\",\n  client_secret: p('secure::x'),\n  'x-api-key': \"k-$(vars.k)\", nested: {token: 'T0k3nValue'}, list: [1, 2]\n}";
        let got = dataweave_map_entries(script);
        let keys: Vec<(&str, &str, bool)> = got
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.constant))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("Authorization", "Basic dXNlcjpw", true),
                ("client_secret", "p('secure::x')", false),
                ("x-api-key", "k-$(vars.k)", false),
                ("nested", "{token: 'T0k3nValue'}", false),
                ("token", "T0k3nValue", true),
                ("list", "[1, 2]", false),
            ]
        );
        // The value's offset is its opening quote.
        assert_eq!(&script[got[0].value_at..got[0].value_at + 7], "\"Basic ");
        let concat = dataweave_map_entries("#[{'Authorization': 'Bearer ' ++ vars.token}]");
        assert_eq!(concat.len(), 1);
        assert!(!concat[0].constant);
        // A `---` inside a value is no header separator.
        let dashes = dataweave_map_entries("#[{'token': '---abc'}]");
        assert_eq!(dashes[0].value, "---abc");
        assert!(dataweave_map_entries("#[vars.headers]").is_empty());
    }

    #[test]
    fn body_fields_of_objects_form_strings_and_literal_text() {
        let fields =
            |text: &str, script: bool| -> Vec<(String, String, usize, bool, HttpValueSyntax)> {
                body_fields(text, script)
                    .into_iter()
                    .map(|f| (f.key, f.value, f.value_at, f.constant, f.syntax))
                    .collect()
            };
        use HttpValueSyntax::*;
        // A DataWeave object: credential names only, the opening quote.
        let dw = "#[output application/x-www-form-urlencoded --- { grant_type: \"client_credentials\", client_id: \"3MVG9x\", client_secret: \"8F2D\" }]";
        assert_eq!(
            fields(dw, false),
            vec![(
                "client_secret".into(),
                "8F2D".into(),
                dw.find("\"8F2D").unwrap(),
                true,
                DataWeaveField
            )]
        );
        // A form-encoded string literal: the value's first character.
        let form = "#[\"grant_type=password&username=int@acme.com&password=S3cret!\"]";
        assert_eq!(
            fields(form, false),
            vec![(
                "password".into(),
                "S3cret!".into(),
                form.find("S3cret").unwrap(),
                true,
                DataWeaveFormPair
            )]
        );
        // Concatenated, interpolated or referenced values are no constants;
        // an empty value is recorded (the rule decides).
        let refs =
            "#[\"a=b&password=\" ++ p('secure::pw') ++ \"&client_secret=$(vars.s)&token=${t}\"]";
        let got = fields(refs, false);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got.iter().all(|f| !f.3), "{got:?}");
        // A script (ee:set-payload) is DataWeave without `#[`.
        let script = "%dw 2.0\noutput application/json\n---\n{ \"username\": \"u\", password: vars.pw, apiKey: 'K3y' }";
        let got = fields(script, true);
        assert_eq!(
            got.iter().map(|f| (f.0.as_str(), f.3)).collect::<Vec<_>>(),
            vec![("password", false), ("apiKey", true)]
        );
        // Literal text: form-encoded or JSON, `${...}` is a reference.
        let literal = "  grant_type=password&username=svc&password=Lit3ral&client_secret=${cs}";
        assert_eq!(
            fields(literal, false),
            vec![
                (
                    "password".into(),
                    "Lit3ral".into(),
                    literal.find("Lit3ral").unwrap(),
                    true,
                    Text
                ),
                (
                    "client_secret".into(),
                    "${cs}".into(),
                    literal.find("${cs}").unwrap(),
                    false,
                    Text
                ),
            ]
        );
        let json = r#"{"password": "J50n", "user": "u"}"#;
        assert_eq!(fields(json, false)[0].4, Text);
        // Not form-encoded: prose, SOQL; anti-CSRF tokens are no credentials.
        assert!(fields("#[\"SELECT Id FROM U WHERE password = 'x'\"]", false).is_empty());
        assert!(fields("#[{ q: \"login failed for password=x\" }]", false).is_empty());
        assert!(fields(
            "#[{ '_csrf_token': 'abc123', 'x-csrf-token': 'Fetch' }]",
            false
        )
        .is_empty());
        // The query of a URL is a form string.
        let url = "#[\"https://h/x?grant_type=password&password=Ur1Pw\"]";
        assert_eq!(fields(url, false)[0].1, "Ur1Pw");
        // Commented-out code is not read for form strings.
        assert!(fields("%dw 2.0\n---\n// \"password=old\"\n{ a: 1 }", true).is_empty());
    }

    /// Nested objects are read 64 deep: an entry there is found, one deeper
    /// is not, and objects nested 20,000 deep are read once each level
    /// within the bound (read to the end at every level, they took time and
    /// memory in the square of the depth). Only the keys wanted are kept.
    #[test]
    fn nested_objects_are_read_to_a_bound() {
        let nest = |depth: usize, key: &str| {
            format!(
                "%dw 2.0\n---\n{}{{{key}: 'S3cret-{depth}'}}{}",
                "{a: ".repeat(depth),
                "}".repeat(depth)
            )
        };
        let found = |script: &str| {
            dataweave_map_entries_named(script, |k| k == "password")
                .into_iter()
                .map(|e| e.value)
                .collect::<Vec<_>>()
        };
        assert_eq!(found(&nest(10, "password")), ["S3cret-10"]);
        assert_eq!(found(&nest(64, "password")), ["S3cret-64"]);
        assert!(found(&nest(65, "password")).is_empty());
        let deep = nest(20_000, "token");
        let all = dataweave_map_entries(&deep);
        assert_eq!(all.len(), MAX_NESTED_OBJECTS + 1, "{}", all.len());
        assert!(all.iter().all(|e| e.key == "a"));
        assert!(dataweave_map_entries_named(&deep, |k| k == "password").is_empty());
    }
}
