//! Attribute and property values as written: literals or references to
//! properties (`${name}`, `${secure::name}`, `#[p('name')]`, `#[p('secure::name')]`).

use serde::Serialize;

use crate::location::Location;

/// A value as written in a file, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Value {
    pub raw: String,
    pub location: Location,
}

impl Value {
    pub fn new(raw: impl Into<String>, location: Location) -> Self {
        Value {
            raw: raw.into(),
            location,
        }
    }

    /// The property references in the value, in order.
    pub fn placeholders(&self) -> Vec<Placeholder> {
        placeholders(&self.raw)
    }

    /// True when the value is written in clear: no placeholder, no DataWeave
    /// expression, not an encrypted `![...]` value.
    pub fn is_literal(&self) -> bool {
        let v = self.raw.trim();
        !contains_pair(v, b"${") && !v.starts_with("#[") && !v.starts_with("![")
    }
}

/// Whether `hay` holds the two bytes of `pair` in a row (`${`, `#[`, `p(`).
/// Mule values are short, and `str::contains` sets up a substring searcher
/// for every call: a byte search and a look at the next byte cost a fraction
/// of that (2.5% of a scan's instructions went to such tests).
pub fn contains_pair(hay: &str, pair: &[u8; 2]) -> bool {
    let bytes = hay.as_bytes();
    memchr::memchr_iter(pair[0], bytes).any(|i| bytes.get(i + 1) == Some(&pair[1]))
}

/// One reference to a property inside a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placeholder {
    /// The property name without the `secure::` prefix. A nested
    /// reference's name holds the references it is built from
    /// (`${mule.env}.sf.password`), which [`Placeholder::is_nested`] tells
    /// and resolution fills in per environment.
    pub name: String,
    /// Written as `secure::name`: only secure-properties files are searched.
    pub secure: bool,
    /// Byte range of the whole reference in the raw value.
    pub start: usize,
    pub end: usize,
}

impl Placeholder {
    /// The name is built from other references (`${${mule.env}.sf.user}`).
    pub fn is_nested(&self) -> bool {
        contains_pair(&self.name, b"${")
    }
}

/// The default of a `${name:default}` reference written `reference` (the
/// reference's text, `${` to `}`): what Mule uses where nothing defines
/// `name`. `None` without one, or for a `p('...')` call.
pub fn placeholder_default(reference: &str) -> Option<&str> {
    let inner = reference.strip_prefix("${")?.strip_suffix('}')?;
    let trimmed = inner.trim_start();
    let body = trimmed.strip_prefix("secure::").unwrap_or(trimmed);
    let colon = top_level_colon(body)?;
    Some(&body[colon + 1..])
}

/// Whether a property definition's `value` is `${secure::name}` of its own
/// `name`: it reads the value from a secure file (what `intguard fix
/// secrets` writes where it moves a name).
pub fn reads_itself_securely(value: &str, name: &str) -> bool {
    value
        .trim()
        .strip_prefix("${secure::")
        .and_then(|v| v.strip_suffix('}'))
        .is_some_and(|v| v.trim() == name)
}

/// A DataWeave expression that concatenates strings and property reads
/// (`#['http://' ++ p('crm.host') ++ '/api']`) as the `${...}` template it
/// stands for (`http://${crm.host}/api`), so that it resolves per
/// environment like one; any other operand is an unknown `${...}`. `None`
/// unless it is such a concatenation (or one string) and starts with a
/// string literal (what a URL's scheme is read from).
pub fn dataweave_concat_template(raw: &str) -> Option<String> {
    let inner = raw.trim().strip_prefix("#[")?.strip_suffix(']')?.trim();
    // The top-level `++` operands (not inside quotes or brackets).
    let bytes = inner.as_bytes();
    let mut parts = Vec::new();
    let (mut start, mut depth, mut quote, mut i) = (0, 0i32, None::<u8>, 0);
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b'+' if depth == 0 && bytes.get(i + 1) == Some(&b'+') => {
                    parts.push(&inner[start..i]);
                    start = i + 2;
                    i += 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    if quote.is_some() || depth != 0 {
        return None;
    }
    parts.push(&inner[start..]);
    let literal = |p: &str| -> Option<String> {
        let q = *p.as_bytes().first()?;
        let body = p.strip_prefix(q as char)?.strip_suffix(q as char)?;
        (matches!(q, b'\'' | b'"') && !body.contains(q as char) && !body.contains("$("))
            .then(|| body.to_string())
    };
    let parts: Vec<&str> = parts.into_iter().map(str::trim).collect();
    // The first operand a string: the scheme is read from it.
    literal(parts[0])?;
    let mut out = String::new();
    for part in parts {
        if let Some(text) = literal(part) {
            out.push_str(&text);
            continue;
        }
        let read = dataweave_p_calls(&format!("#[{part}]"))
            .into_iter()
            .next()
            .filter(|p| p.start == 2 && p.end == 2 + part.len());
        match read {
            Some(p) if p.secure => out.push_str(&format!("${{secure::{}}}", p.name)),
            Some(p) => out.push_str(&format!("${{{}}}", p.name)),
            None => out.push_str("${?}"),
        }
    }
    Some(out)
}

/// The defaults written in `raw`'s references that are literals (not
/// themselves references): `${sf.password:Pw-123}` -> `Pw-123`. A default
/// in a secret's place is a secret written in clear.
pub fn literal_defaults(raw: &str) -> Vec<&str> {
    if !contains_pair(raw, b"${") {
        return Vec::new();
    }
    placeholders(raw)
        .into_iter()
        .filter_map(|p| placeholder_default(raw.get(p.start..p.end)?))
        .filter(|d| !d.trim().is_empty() && !contains_pair(d, b"${"))
        .collect()
}

fn split_secure(name: &str) -> (String, bool) {
    let name = crate::trim::trim(name);
    match name.strip_prefix("secure::") {
        Some(rest) => (crate::trim::trim(rest).to_string(), true),
        None => (name.to_string(), false),
    }
}

/// Finds `${name}` and `p('name')` / `Mule::p("name")` references. Nested and
/// defaulted forms (`${a:default}`) keep the name before `:` unless it is the
/// `secure::` prefix.
pub fn placeholders(raw: &str) -> Vec<Placeholder> {
    let mut out = Vec::new();
    let bytes = raw.as_bytes();
    let mut i = 0;
    // From `$` to `$`: most values hold none.
    while let Some(dollar) = memchr::memchr(b'$', &bytes[i..]) {
        i += dollar;
        if i + 1 >= bytes.len() {
            break;
        }
        if bytes[i + 1] == b'{' {
            if let Some(close) = closing_brace(&bytes[i + 2..]) {
                let inner = &raw[i + 2..i + 2 + close];
                let (name, secure) = split_secure(inner);
                // `${name:default}`: strip the default (but not `secure::`,
                // nor a colon inside a nested reference).
                let name = match top_level_colon(&name) {
                    Some(colon) => name[..colon].to_string(),
                    None => name,
                };
                if !name.is_empty() {
                    out.push(Placeholder {
                        name,
                        secure,
                        start: i,
                        end: i + 2 + close + 1,
                    });
                }
                i += 2 + close + 1;
                continue;
            }
            break;
        }
        i += 1;
    }
    if contains_pair(raw, b"#[") {
        out.extend(dataweave_p_calls(raw));
    }
    out.sort_by_key(|p| p.start);
    out
}

/// The offset of the `}` that closes a `${` whose body starts `body`:
/// references nest (`${${mule.env}.sf.password}`: Mule resolves the inner
/// one first and reads the property it names), so each inner `${` takes the
/// next `}`. `None` when it is never closed.
fn closing_brace(body: &[u8]) -> Option<usize> {
    let first = memchr::memchr(b'}', body)?;
    // Most references hold no other: one search and a look for `${`.
    if !memchr::memchr_iter(b'$', &body[..first]).any(|i| body.get(i + 1) == Some(&b'{')) {
        return Some(first);
    }
    let mut open = 0usize;
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'$' if body.get(i + 1) == Some(&b'{') => {
                open += 1;
                i += 1;
            }
            b'}' if open == 0 => return Some(i),
            b'}' => open -= 1,
            _ => {}
        }
        i += 1;
    }
    // Unbalanced: the first `}`, as Mule's own parser falls back to.
    Some(first)
}

/// The first `:` of a reference's name outside the references nested in it
/// (`${${x:a}.y:b}` -> the one before `b`).
fn top_level_colon(name: &str) -> Option<usize> {
    let bytes = name.as_bytes();
    let mut open = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                open += 1;
                i += 1;
            }
            b'}' => open = open.saturating_sub(1),
            b':' if open == 0 => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// `p('x')`, `p("x")`, `Mule::p('x')` inside a `#[...]` DataWeave expression.
fn dataweave_p_calls(raw: &str) -> Vec<Placeholder> {
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(pos) = raw[search..].find("p(") {
        let at = search + pos;
        search = at + 2;
        let before = raw[..at].chars().last();
        if matches!(before, Some(c) if c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = raw[at + 2..].trim_start();
        let Some(quote) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') else {
            continue;
        };
        let body = &rest[1..];
        let Some(close) = body.find(quote) else {
            continue;
        };
        let (name, secure) = split_secure(&body[..close]);
        let start = if raw[..at].ends_with("Mule::") {
            at - "Mule::".len()
        } else {
            at
        };
        // Up to the `)` that closes the call, when it follows the quote: the
        // first `)` anywhere after it could be the end of a long text (in
        // `#[p('#[p('...x')]')]` every call's reference ran to the far end,
        // and the references of a value grew with the square of its length).
        let after_quote = raw.len() - body.len() + close + 1;
        let tail = raw[after_quote..].trim_start();
        let end = match tail.strip_prefix(')') {
            Some(rest) => raw.len() - rest.len(),
            None => after_quote,
        };
        out.push(Placeholder {
            name,
            secure,
            start,
            end,
        });
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_definition_reading_itself_from_a_secure_file() {
        assert!(reads_itself_securely(
            "${secure::sf.password}",
            "sf.password"
        ));
        assert!(reads_itself_securely(
            " ${secure:: sf.password } ",
            "sf.password"
        ));
        assert!(!reads_itself_securely("${sf.password}", "sf.password"));
        assert!(!reads_itself_securely("${secure::sf.token}", "sf.password"));
        assert!(!reads_itself_securely(
            "${secure::sf.password}-x",
            "sf.password"
        ));
    }

    #[test]
    fn dataweave_concatenations_read_as_templates() {
        assert_eq!(
            dataweave_concat_template("#['http://' ++ p('crm.host') ++ \"/api\"]").as_deref(),
            Some("http://${crm.host}/api")
        );
        assert_eq!(
            dataweave_concat_template("#['https://' ++ Mule::p(\"secure::h\") ++ vars.path]")
                .as_deref(),
            Some("https://${secure::h}${?}")
        );
        // A `++` inside a string or a call is no operator.
        assert_eq!(
            dataweave_concat_template("#['http://a++b/' ++ upper('x ++ y')]").as_deref(),
            Some("http://a++b/${?}")
        );
        // Not a concatenation starting with a string.
        assert_eq!(dataweave_concat_template("#[vars.url ++ '/x']"), None);
        assert_eq!(
            dataweave_concat_template("#['http://x/y']").as_deref(),
            Some("http://x/y")
        );
        assert_eq!(dataweave_concat_template("http://x/y"), None);
    }
    use super::*;

    /// Each `p(...)` call's reference is the call itself, up to its own
    /// `)`, not to the first `)` after it.
    #[test]
    fn a_p_call_ends_at_its_own_parenthesis() {
        let refs = |raw: &str| -> Vec<String> {
            placeholders(raw)
                .iter()
                .map(|p| raw[p.start..p.end].to_string())
                .collect()
        };
        assert_eq!(
            refs("#[p('a') ++ Mule::p( \"secure::b\" ) ++ p('c'"),
            ["p('a')", "Mule::p( \"secure::b\" )", "p('c'"]
        );
        let nested = format!("#[{}x{}]", "p('#[".repeat(3), "')]".repeat(3));
        assert_eq!(refs(&nested), ["p('#[p('", "p('#[p('", "p('#[x')"]);
    }

    fn names(raw: &str) -> Vec<(String, bool)> {
        placeholders(raw)
            .into_iter()
            .map(|p| (p.name, p.secure))
            .collect()
    }

    /// `${${mule.env}.sf.password}`: one reference whose name holds the
    /// inner one, not a property named `${mule.env`.
    #[test]
    fn nested_references_are_one_reference() {
        let raw = "${${mule.env}.sf.password} and ${secure::${env}.key:x} ${${a:b}.c:d}";
        let refs = placeholders(raw);
        let got: Vec<(&str, bool, &str, bool)> = refs
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.secure,
                    &raw[p.start..p.end],
                    p.is_nested(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "${mule.env}.sf.password",
                    false,
                    "${${mule.env}.sf.password}",
                    true
                ),
                ("${env}.key", true, "${secure::${env}.key:x}", true),
                ("${a:b}.c", false, "${${a:b}.c:d}", true),
            ]
        );
        // Never closed: up to the first `}`, as before.
        assert_eq!(names("${a ${b}"), vec![("a ${b".into(), false)]);
        assert!(!placeholders("${sfdc.user}")[0].is_nested());
    }

    #[test]
    fn defaults() {
        assert_eq!(placeholder_default("${sf.password:Pw-123}"), Some("Pw-123"));
        assert_eq!(placeholder_default("${secure::k:v:w}"), Some("v:w"));
        assert_eq!(placeholder_default("${sf.token:}"), Some(""));
        assert_eq!(placeholder_default("${sf.token}"), None);
        assert_eq!(placeholder_default("${${env}.x:d}"), Some("d"));
        assert_eq!(
            literal_defaults("${a:one}-${b}-${c:${d}}-${e:}"),
            vec!["one"]
        );
    }

    #[test]
    fn dollar_placeholders() {
        assert_eq!(
            names("${sfdc.username}"),
            vec![("sfdc.username".into(), false)]
        );
        assert_eq!(
            names("${secure::sfdc.password}"),
            vec![("sfdc.password".into(), true)]
        );
        assert_eq!(
            names("https://${host}:${port}/x"),
            vec![("host".into(), false), ("port".into(), false)]
        );
        assert_eq!(names("${port:8081}"), vec![("port".into(), false)]);
    }

    #[test]
    fn dataweave_p() {
        assert_eq!(
            names("#[p('sfdc.user')]"),
            vec![("sfdc.user".into(), false)]
        );
        assert_eq!(
            names("#[Mule::p(\"secure::a.b\")]"),
            vec![("a.b".into(), true)]
        );
        assert_eq!(names("#[vars.p('x')]").len(), 1);
        assert!(names("#[up('x')]").is_empty());
    }

    #[test]
    fn literal_detection() {
        let loc = Location::file("f");
        assert!(Value::new("Tiger1", loc.clone()).is_literal());
        assert!(!Value::new("${x}", loc.clone()).is_literal());
        assert!(!Value::new("![abc]", loc).is_literal());
    }
}
