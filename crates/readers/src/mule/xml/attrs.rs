//! Attributes as written in a start tag: parsed tolerantly with their
//! positions, and the pieces of a value whose entities were resolved.

use std::collections::HashSet;

use super::*;

/// An attribute as parsed from the raw tag: name, unescaped value, the
/// byte offset of its name in the file and the byte range of its value as
/// written (entities not resolved).
pub(super) struct RawAttr<'t> {
    pub(super) name: &'t str,
    pub(super) value: Cow<'t, str>,
    pub(super) offset: usize,
    pub(super) value_span: (usize, usize),
}

/// Past this many attributes on one tag, repeated names are found with a
/// set (real tags have a few dozen at most).
const MANY_ATTRIBUTES: usize = 32;

const BAD_ENTITY: &str = "a bare `&` or an unknown entity in an attribute value";

/// Tolerant attribute parser over the part of a start tag after its name.
/// `base` is the byte offset of `s` in the file; `has_cr`: the file holds a
/// CR (else no value needs its line ends normalized). Returns the first
/// thing that is not well-formed XML (its offset and what it is), which Mule
/// would refuse although the values are read as well as possible.
pub(super) fn parse_attrs<'t>(
    s: &'t str,
    base: usize,
    has_cr: bool,
    out: &mut Vec<RawAttr<'t>>,
) -> Option<(usize, &'static str)> {
    out.clear();
    let mut problem: Option<(usize, &'static str)> = None;
    // The names seen, once a tag has many attributes: comparing each with
    // all before it took time in the square of their number (100,000
    // attributes on one element took 12 s).
    let mut names: Option<HashSet<&'t str>> = None;
    let bytes = s.as_bytes();
    let mut i = 0;
    let n = bytes.len();
    while i < n {
        while i < n && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= n || bytes[i] == b'/' {
            break;
        }
        let name_start = i;
        while i < n && !bytes[i].is_ascii_whitespace() && bytes[i] != b'=' && bytes[i] != b'/' {
            i += 1;
        }
        let name = &s[name_start..i];
        while i < n && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= n || bytes[i] != b'=' {
            // Attribute without a value (not XML): skip the name.
            if name.is_empty() {
                i += 1;
            } else {
                problem.get_or_insert((base + name_start, "an attribute without a value"));
            }
            continue;
        }
        i += 1;
        while i < n && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= n {
            break;
        }
        let quote = bytes[i];
        // Whether the value holds an entity: found with its closing quote in
        // one search, as this runs for every attribute of every element.
        let (value_start, value_end, entity) = if quote == b'"' || quote == b'\'' {
            let start = i + 1;
            let (end, entity) = match memchr::memchr2(quote, b'&', &bytes[start..]) {
                Some(e) if bytes[start + e] == quote => (start + e, false),
                Some(e) => {
                    let amp = start + e;
                    let end = memchr::memchr(quote, &bytes[amp..]).map_or(n, |q| amp + q);
                    (end, true)
                }
                None => (n, false),
            };
            i = (end + 1).min(n);
            (start, end, entity)
        } else {
            problem.get_or_insert((base + name_start, "an attribute value without quotes"));
            let start = i;
            while i < n && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            (start, i, memchr::memchr(b'&', &bytes[start..i]).is_some())
        };
        let raw = &s[value_start..value_end];
        let value = if has_cr && memchr::memchr(b'\r', raw.as_bytes()).is_some() {
            // Line ends as an XML parser reads them (see
            // `normalize_line_ends`), then the references resolved.
            let (value, ok) = line_ends_normalized(raw, entity);
            if !ok {
                problem.get_or_insert((base + name_start, BAD_ENTITY));
            }
            value
        } else if entity {
            quick_xml::escape::unescape(raw).unwrap_or_else(|_| {
                problem.get_or_insert((base + name_start, BAD_ENTITY));
                Cow::Borrowed(raw)
            })
        } else {
            Cow::Borrowed(raw)
        };
        if !name.is_empty() {
            let repeated = match &mut names {
                Some(seen) => !seen.insert(name),
                None if out.len() < MANY_ATTRIBUTES => out.iter().any(|a| a.name == name),
                None => {
                    let seen = names.insert(out.iter().map(|a| a.name).collect());
                    !seen.insert(name)
                }
            };
            if repeated {
                problem.get_or_insert((base + name_start, "an attribute written twice"));
            }
            out.push(RawAttr {
                name,
                value,
                offset: base + name_start,
                value_span: (base + value_start, base + value_end),
            });
        }
    }
    problem
}

/// A value holding a CR as read: [`normalize_line_ends`], then its
/// references resolved when it has any (`entity`); false when one does not
/// resolve (the value is then kept with its references as written). Rare,
/// so kept out of the attribute loop.
#[cold]
fn line_ends_normalized(raw: &str, entity: bool) -> (Cow<'_, str>, bool) {
    let lf = normalize_line_ends(raw);
    if !entity {
        return (Cow::Owned(lf), true);
    }
    match quick_xml::escape::unescape(&lf) {
        Ok(v) => (Cow::Owned(v.into_owned()), true),
        Err(_) => (Cow::Owned(lf), false),
    }
}

/// XML's line-end normalization of a value as written: a CRLF or a lone CR
/// is one LF, as an XML parser reads it before anything else. So a value
/// has the same length and fingerprint in a CRLF checkout (Windows,
/// `core.autocrlf`) as in an LF one. The parser then reads each line break
/// of an attribute value as a space; that step is not taken, so that a
/// secret written across lines keeps its lines, which the output's
/// redactor masks one by one where a snippet shows them.
fn normalize_line_ends(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            chars.next_if_eq(&'\n');
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// The attribute names that make up most of a Mule file (loggers, variables,
/// transforms, operations' config references) and name no secret: answered
/// without the name folding of [`vocab::is_secret_name`], which runs for
/// every other attribute of every element.
pub(super) fn is_common_plain_attribute(name: &str) -> bool {
    matches!(
        name,
        "config-ref"
            | "message"
            | "level"
            | "category"
            | "name"
            | "value"
            | "variableName"
            | "path"
            | "expression"
            | "type"
            | "method"
            | "target"
            | "targetValue"
            | "logException"
            | "enableNotifications"
            | "collection"
            | "batchSize"
            | "objectType"
            | "externalIdFieldName"
            | "allowedMethods"
            | "version"
            | "encoding"
            | "mimeType"
            | "when"
    )
}

/// Resolves a `&name;` reference met in text.
pub(crate) fn resolve_ref(r: &BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    let name = String::from_utf8_lossy(r);
    match quick_xml::escape::resolve_predefined_entity(&name) {
        Some(s) => s.to_string(),
        None => format!("&{name};"),
    }
}

/// The offset in the file of byte `at` of a text read in pieces.
pub(super) fn file_offset(segments: &[(usize, usize)], at: usize) -> usize {
    segments
        .iter()
        .rev()
        .find(|(start, _)| *start <= at)
        .map(|(start, file)| file + (at - start))
        .unwrap_or(0)
}

/// The pieces of an attribute value (the file's bytes `span`, as written)
/// for [`file_offset`]: each entity (`&amp;`, `&#38;`) is one piece whose
/// unescaped text starts where it does, and so is each CRLF (read as one
/// LF).
pub(super) fn attr_segments(text: &str, span: (usize, usize)) -> Vec<(usize, usize)> {
    let Some(raw) = text.get(span.0..span.1) else {
        return vec![(0, span.0)];
    };
    let mut out = vec![(0, span.0)];
    let mut unescaped = 0;
    let mut i = 0;
    while let Some(at) = memchr::memchr2(b'&', b'\r', &raw.as_bytes()[i..]).map(|a| i + a) {
        unescaped += at - i;
        if raw.as_bytes()[at] == b'\r' {
            // A CRLF is read as one LF: one piece of two bytes.
            let len = if raw[at..].starts_with("\r\n") { 2 } else { 1 };
            i = at + len;
            unescaped += 1;
            if len == 2 {
                out.push((unescaped, span.0 + i));
            }
            continue;
        }
        let amp = at;
        let Some(semi) = raw[amp..].find(';').filter(|s| *s <= 12).map(|s| amp + s) else {
            // A bare `&`: kept as written.
            unescaped += 1;
            i = amp + 1;
            continue;
        };
        let entity = &raw[amp..=semi];
        let len = quick_xml::escape::unescape(entity)
            .map(|u| u.len())
            .unwrap_or(entity.len());
        out.push((unescaped, span.0 + amp));
        unescaped += len;
        i = semi + 1;
        out.push((unescaped, span.0 + i));
    }
    out
}
