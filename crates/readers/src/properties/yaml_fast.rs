//! A fast path for the YAML that property files are almost always made of:
//! block mappings of plain or simply quoted scalars, comments and blank lines.
//! Anything else (sequences, flow collections, block scalars, anchors, tags,
//! escapes, multi-line scalars, documents, tabs, odd indentation) makes it
//! give up, and the full parser ([`super::yaml`]) reads the file. For what it
//! accepts, its output is the full parser's (tested against it); it is about
//! ten times faster.

use intguard_model::expr::contains_pair;
use intguard_model::{FilePath, Location, PropertyEntry};

use super::yaml::join;

struct Level {
    /// Indentation of this mapping's keys.
    indent: usize,
    prefix: String,
}

/// A key read with no value on its line: a nested mapping follows, or it is
/// empty.
struct Pending<'a> {
    indent: usize,
    key: &'a str,
    line: u32,
}

/// A plain scalar may not start with these (YAML indicators).
fn bad_plain_start(c: u8) -> bool {
    matches!(
        c,
        b'[' | b']'
            | b'{'
            | b'}'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'%'
            | b'@'
            | b'`'
            | b'#'
            | b','
            | b'?'
            | b'-'
            | b':'
            | b'"'
            | b'\''
    )
}

/// A quoted scalar at the start of `s` with nothing tricky inside; returns
/// its content and the rest of `s` after the closing quote.
fn quoted(s: &str) -> Option<(&str, &str)> {
    let q = s.as_bytes().first().copied()?;
    let body = &s[1..];
    if q == b'"' {
        let end = memchr::memchr(b'"', body.as_bytes())?;
        let content = &body[..end];
        if memchr::memchr(b'\\', content.as_bytes()).is_some() {
            return None;
        }
        Some((content, &body[end + 1..]))
    } else {
        let end = memchr::memchr(b'\'', body.as_bytes())?;
        if body[end + 1..].starts_with('\'') {
            return None;
        }
        Some((&body[..end], &body[end + 1..]))
    }
}

/// Only spaces and a comment (after a space) may follow a quoted scalar.
fn only_comment(rest: &str) -> bool {
    let t = rest.trim_start_matches(' ');
    t.is_empty() || (t.starts_with('#') && t.len() < rest.len())
}

/// Where ` #` (a comment after a plain scalar) starts: `#` is rarer than a
/// space, so it is what is searched for.
fn comment_start(v: &str) -> Option<usize> {
    let b = v.as_bytes();
    memchr::memchr_iter(b'#', b)
        .find(|&i| i > 0 && b[i - 1] == b' ')
        .map(|i| i - 1)
}

/// A plain scalar value: up to a ` #` comment, trailing spaces removed.
fn plain(v: &str) -> Option<&str> {
    let b = v.as_bytes();
    if b.is_empty() || bad_plain_start(b[0]) {
        return None;
    }
    let end = comment_start(v).unwrap_or(v.len());
    let value = v[..end].trim_end_matches(' ');
    // `a: b: c` is an error; `x:` at the end would be a key.
    if contains_pair(value, b": ") || value.ends_with(':') {
        return None;
    }
    Some(value)
}

/// The key of a `key: value` line and what follows its colon.
fn key(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    let first = *b.first()?;
    if first == b'"' || first == b'\'' {
        let (k, rest) = quoted(line)?;
        let rest = rest.strip_prefix(':')?;
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        return Some((k, rest));
    }
    if bad_plain_start(first) {
        return None;
    }
    // The key ends at the first `: ` or a final `:`.
    let mut search = 0;
    loop {
        let colon = search + memchr::memchr(b':', &b[search..])?;
        let after = b.get(colon + 1).copied();
        if after.is_none() || after == Some(b' ') {
            let k = &line[..colon];
            if comment_start(k).is_some() || k.ends_with(' ') {
                return None;
            }
            return Some((k, &line[colon + 1..]));
        }
        search = colon + 1;
    }
}

fn entry(
    prefix: &str,
    key: &str,
    value: &str,
    path: &FilePath,
    line: u32,
    indent: usize,
) -> Option<PropertyEntry> {
    Some(PropertyEntry::nested(
        prefix,
        key,
        value,
        Location::new(path, line, u32::try_from(indent + 1).ok()?),
    ))
}

/// Flattened entries, or `None` when the file needs the full parser.
pub(crate) fn flatten(text: &str, path: &str) -> Option<Vec<PropertyEntry>> {
    // One shared path for every entry's location.
    let path = &FilePath::from(path);
    let bytes = text.as_bytes();
    // A `\r` ends a line only before its `\n` (or at the text's end); any
    // other is for the full parser. Checked once here, not line by line.
    if text.starts_with('\u{feff}')
        || memchr::memchr(b'\t', bytes).is_some()
        || memchr::memchr_iter(b'\r', bytes).any(|i| i + 1 < bytes.len() && bytes[i + 1] != b'\n')
    {
        return None;
    }
    let mut entries = Vec::new();
    let mut levels: Vec<Level> = Vec::new();
    let mut pending: Option<Pending> = None;
    // The keys that opened a nested mapping, by hash: one written again (a
    // second `sf:` block, or `sf: value` after one) replaces the whole first
    // value in Mule's YAML loader, which the full parser models (a hash
    // collision only sends a file there too).
    let mut opened: Vec<u32> = Vec::new();
    // Lines found with memchr: `str::split` with a `char` costs several
    // times as much per line, and a property file is mostly short lines.
    let mut start = 0;
    let mut n = 0;
    while start <= text.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(text.len(), |i| start + i);
        let raw = &text[start..end];
        start = end + 1;
        n += 1;
        let line_no = u32::try_from(n).ok()?;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if line.starts_with("---") || line.starts_with("...") || content.starts_with('%') {
            return None;
        }
        let indent = line.len() - content.len();
        if let Some(p) = pending.take() {
            let prefix = levels.last().map_or("", |l| l.prefix.as_str());
            if indent > p.indent {
                let prefix = join(prefix, p.key);
                let hash = PropertyEntry::hash_key(&prefix);
                if opened.contains(&hash) {
                    return None;
                }
                opened.push(hash);
                levels.push(Level { indent, prefix });
            } else {
                entries.push(entry(prefix, p.key, "", path, p.line, p.indent)?);
            }
        }
        if levels.is_empty() {
            levels.push(Level {
                indent,
                prefix: String::new(),
            });
        }
        while levels.len() > 1 && levels.last().is_some_and(|l| l.indent > indent) {
            levels.pop();
        }
        if levels.last().map(|l| l.indent) != Some(indent) {
            return None;
        }
        let (k, rest) = key(content)?;
        let value_part = rest.trim_start_matches(' ');
        if value_part.is_empty() || (value_part.starts_with('#') && value_part.len() < rest.len()) {
            pending = Some(Pending {
                indent,
                key: k,
                line: line_no,
            });
            continue;
        }
        let value = if value_part.starts_with('"') || value_part.starts_with('\'') {
            let (v, after) = quoted(value_part)?;
            if !only_comment(after) {
                return None;
            }
            v
        } else {
            plain(value_part)?
        };
        let prefix = levels.last().map_or("", |l| l.prefix.as_str());
        let e = entry(prefix, k, value, path, line_no, indent)?;
        if opened.contains(&e.key_hash()) {
            return None;
        }
        entries.push(e);
    }
    if let Some(p) = pending {
        let prefix = levels.last().map_or("", |l| l.prefix.as_str());
        entries.push(entry(prefix, p.key, "", path, p.line, p.indent)?);
    }
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (String, String, u32, u32);

    fn rows(e: Vec<PropertyEntry>) -> Vec<Row> {
        e.into_iter()
            .map(|e| {
                (
                    e.key().to_string(),
                    e.value().to_string(),
                    e.location.line,
                    e.location.column,
                )
            })
            .collect()
    }

    fn both(text: &str) -> (Option<Vec<Row>>, Vec<Row>, usize) {
        let mut d = Vec::new();
        let slow = rows(super::super::yaml::read_yaml_events(text, "f", &mut d).0);
        (flatten(text, "f").map(rows), slow, d.len())
    }

    #[test]
    fn agrees_with_the_full_parser() {
        let accepted = [
            "a: 1\nb:\n  c: two words\n  d: \"q: x # y\"\n  e: 'single'\n# comment\n\nf:\n  g:\n    h: deep # note\ni: last\n",
            "http:\n  port: \"8081\"\nempty:\nother: x\n",
            "a:\n  b:\nc: 1\n",
            "x: http://example.com:8080/path?q=1#frag\ny: a#b\n",
            "  indented: 1\n  second: 2\n",
            "trailing:",
            "\"quoted.key\": 1\n'single.key': v\n",
            "a: 1\r\nb:\r\n  c: 2\r\n",
            "a: 1\r\nb: 2\r",
            "k: v   \n",
            "url: jdbc:mysql://h:3306/db\n",
            "a: # comment\n  b: 1\n",
            "a: \"x\" # c\n",
            "sfdc:\n  password: \"![q8wqz0Wfr+Q=]\"\n",
            "",
            "# only a comment\n",
        ];
        for text in accepted {
            let (fast, slow, errors) = both(text);
            assert_eq!(errors, 0, "{text:?}");
            assert_eq!(fast.as_ref(), Some(&slow), "{text:?}");
        }
        let refused = [
            "a:\n  - x\n",
            "a: [1, 2]\n",
            "a: {b: 1}\n",
            "a: |\n  text\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: \"esc\\n\"\n",
            "a: 'it''s'\n",
            "a: b: c\n",
            "---\na: 1\n",
            "a:\n\tb: 1\n",
            "a: 1\rb: 2\n",
            "a: 1\r\r\nb: 2\n",
            "a: 1\n  b: 2\n",
            "a:\n    b: 1\n  c: 2\n",
            "a: multi\n  line\n",
            "? complex\n: value\n",
            "a: \"unterminated\n",
            "a: \"x\"y\n",
            "sf:\n  user: a\nsf:\n  pw: b\n",
            "sf:\n  user: a\nsf: b\n",
        ];
        for text in refused {
            assert!(both(text).0.is_none(), "fast path accepted {text:?}");
        }
    }
}

#[cfg(test)]
mod corpus {
    /// `YAML_DIFF_DIR=DIR cargo test -p intguard-readers -- --ignored
    /// fast_path_on_corpus`: compares both paths on every YAML file of DIR.
    #[test]
    #[ignore]
    fn fast_path_on_corpus() {
        let Some(dir) = std::env::var_os("YAML_DIFF_DIR") else {
            return;
        };
        let (mut fast, mut total) = (0, 0);
        for entry in ignore::WalkBuilder::new(dir).build().flatten() {
            let p = entry.path();
            if !p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(p) else {
                continue;
            };
            total += 1;
            let mut d = Vec::new();
            let slow = super::super::yaml::read_yaml_events(&text, "f", &mut d).0;
            if let Some(f) = super::flatten(&text, "f") {
                fast += 1;
                let a: Vec<_> = f
                    .iter()
                    .map(|e| (e.key(), e.value(), &e.location))
                    .collect();
                let b: Vec<_> = slow
                    .iter()
                    .map(|e| (e.key(), e.value(), &e.location))
                    .collect();
                assert_eq!(a, b, "{}", p.display());
            }
        }
        eprintln!("fast path took {fast} of {total} files");
    }
}
