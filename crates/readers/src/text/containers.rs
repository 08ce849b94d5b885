//! Variables a container sets: a Dockerfile's `ENV` and `ARG`, a Kubernetes
//! container's `env` list.

use std::sync::LazyLock;

use regex::Regex;

use super::{clean_value, is_sensitive_name, plausible_generic_value};

/// `- name: MULE_KEY` opening an item of a list of name / value maps; group 1
/// is the indentation before the `-`.
static ENV_LIST_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^([ \t]*)-[ \t]+name:[ \t]*["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?[ \t]*$"#)
        .expect("regex")
});

/// The variables a Dockerfile's `ENV` and `ARG` instructions set, as (name,
/// value, offset of the name). `ENV A=1 B="x y"` sets each pair; the older
/// `ENV NAME the rest` sets NAME to the rest of the line; `ARG NAME` without
/// a default sets nothing. A line ending in `\` continues the instruction,
/// past comment and empty lines, which Docker removes.
pub(super) fn dockerfile_variables(text: &str) -> Vec<(&str, String, usize)> {
    let mut out = Vec::new();
    let mut continued = false;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let was_continued = continued;
        // Docker removes comment lines and empty lines inside a continued
        // instruction before reading it: the instruction goes on after them.
        let trimmed = line.trim_start();
        if was_continued && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
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
pub(super) struct EnvListEntry<'t> {
    pub(super) name: &'t str,
    pub(super) value: String,
    /// Where the value is: its line is the one a reader is shown.
    pub(super) offset: usize,
}

/// When `line` (ending at `line_end` in `text`) is `- name: X` with X naming
/// a secret or a key, and the same list item sets `value:` on a later line
/// (`valueFrom:` takes it from a Secret: nothing is committed), that pair.
pub(super) fn env_list_entry<'t>(
    text: &'t str,
    line: &'t str,
    line_end: usize,
) -> Option<EnvListEntry<'t>> {
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
