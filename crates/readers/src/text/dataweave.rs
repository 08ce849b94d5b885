//! A DataWeave script's variables declared with a string literal.

use std::sync::LazyLock;

use intguard_model::vocab;
use regex::Regex;

use super::clean_value;

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

/// The string a DataWeave script evaluates to when its body is one string
/// literal (`"..."` or `'...'`, after the header's `---` when it has one):
/// the value and the offset of its opening quote. `None` for anything else:
/// an expression, an interpolation (`$(...)`), a concatenation, an empty
/// string.
pub(crate) fn literal_script(script: &str) -> Option<(String, usize)> {
    let body_start = header_end(script).unwrap_or(0);
    let body = &script[body_start..];
    let lead = body.len() - body.trim_start().len();
    let t = body.trim();
    let quote = *t.as_bytes().first()?;
    if !(quote == b'"' || quote == b'\'') || t.len() < 3 || t.as_bytes()[t.len() - 1] != quote {
        return None;
    }
    let inner = &t[1..t.len() - 1];
    let plain = !inner
        .bytes()
        .any(|b| b == quote || b == b'\\' || b == b'\n')
        && !inner.contains("$(");
    plain.then(|| (inner.to_string(), body_start + lead))
}

/// Where a DataWeave script's body starts: right after the `---` that ends
/// its header. `None` when it has none.
fn header_end(script: &str) -> Option<usize> {
    let mut start = 0;
    for line in script.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        if line[indent..].starts_with("---") {
            return Some(start + indent + 3);
        }
        start += line.len();
    }
    None
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
pub(super) fn variable_declaration(line: &str) -> Option<(&str, String, usize)> {
    let c = VAR_DECLARATION.captures(line)?;
    let (name, value) = (c.get(1)?, c.get(2)?);
    Some((name.as_str(), clean_value(value.as_str()), name.start()))
}

/// A [`variable_declaration`] of a secret: a name that says so, a value.
pub(super) fn is_secret_declaration((name, value, _): &(&str, String, usize)) -> bool {
    !value.is_empty() && vocab::is_secret_name(name)
}
