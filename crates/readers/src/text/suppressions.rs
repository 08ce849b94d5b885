//! `intguard-ignore` comments, in each format's own comment syntax.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use intguard_model::{InlineSuppression, Location};

use super::CommentSyntax;

/// Where a YAML comment starts on a line (`line` up to some point): the
/// first `#` at the start or after a blank that is not inside a quoted
/// scalar (`'...'`, where `''` is a quote, or `"..."`, where `\` escapes).
/// `url: "http://x/a#b"` and `k: v#1` hold no comment.
pub(super) fn yaml_comment_start(line: &str) -> Option<usize> {
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

/// In a `.properties` text, whether the line starting at `line_start`
/// continues an entry: the lines before it, back to the first that does not
/// end with an odd number of backslashes, form one logical line, and a
/// comment line is never continued.
fn continues_previous_line(text: &str, line_start: usize) -> bool {
    let ends_odd = |line: &str| {
        let line = line.trim_end_matches('\r');
        line.bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 1
    };
    let is_comment = |line: &str| {
        let t = line.trim_start_matches([' ', '\t', '\x0c']);
        t.starts_with('#') || t.starts_with('!')
    };
    // The physical lines before this one, nearest first.
    let mut lines = text[..line_start.saturating_sub(1)].rsplit('\n');
    let Some(previous) = lines.next() else {
        return false;
    };
    if line_start == 0 || !ends_odd(previous) {
        return false;
    }
    // The previous line continues something only if it is an entry's line
    // (not a comment), or itself a continuation: climb to the logical
    // line's first line.
    let mut first = previous;
    for line in lines {
        if !ends_odd(line) || is_comment(line) {
            break;
        }
        first = line;
    }
    !is_comment(first)
}

/// Finds `intguard-ignore RULES: reason` comments; and, in a `.properties`
/// file, where the marker is written after an entry's value
/// (`sf.password=x # intguard-ignore IG102: ...`), which Java reads as part
/// of the value, not as a comment: nothing is suppressed there, and the
/// caller says so.
pub(super) fn suppressions(
    text: &str,
    _path: &str,
    comments: CommentSyntax,
    loc: &mut impl FnMut(usize) -> Location,
) -> (Vec<InlineSuppression>, Vec<Location>) {
    const MARK: &str = "intguard-ignore";
    // In any case: `INTGUARD-IGNORE` is how some teams write markers, and a
    // marker read in one case only would silently suppress nothing.
    static MARKER: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([MARK])
            .expect("aho-corasick")
    });
    let xml = comments == CommentSyntax::Xml;
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut in_values = Vec::new();
    for at in MARKER.find_iter(bytes).map(|m| m.start()) {
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
                // After an entry's key (`key=value # intguard-ignore ...`).
                if comments == CommentSyntax::Properties
                    && !t.is_empty()
                    && before.contains('#')
                    && !continues_previous_line(text, line_start)
                {
                    in_values.push(loc(at));
                }
                continue;
            }
            // In `.properties`, a line that continues the previous entry's
            // value (the one before ends with an odd number of `\`) is part
            // of that value, not a comment, whatever it starts with.
            if comments == CommentSyntax::Properties && continues_previous_line(text, line_start) {
                continue;
            }
            (line_start + (before.len() - t.len()), None)
        };
        let mut rest = &text[at + MARK.len()..];
        let mut next_line_only = false;
        const NEXT_LINE: &str = "-next-line";
        if rest
            .get(..NEXT_LINE.len())
            .is_some_and(|r| r.eq_ignore_ascii_case(NEXT_LINE))
        {
            rest = &rest[NEXT_LINE.len()..];
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
        // A comment at the end of a line of text (`password: x  # ...`)
        // covers that line only: stretching it to the next line would hide
        // a finding there that nobody meant to accept. In XML, a comment
        // after a whole element on its line (`<scopes>Full</scopes> <!--
        // ... -->`, `<b/> <!-- ... -->`) is such a comment; after an opening
        // tag or another comment it covers the next element.
        let comment_line_start =
            memchr::memrchr(b'\n', &bytes[..comment_start]).map_or(0, |i| i + 1);
        let before_comment = text[comment_line_start..comment_start].trim();
        let trailing = if xml {
            ends_with_whole_element(before_comment)
        } else {
            !before_comment.is_empty()
        };
        let element_end = match closed {
            Some((_, after))
                if xml && !next_line_only && !trailing && end_marker == Some("-->") =>
            {
                next_element_end(text, after)
            }
            _ => None,
        };
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
    (out, in_values)
}

/// True when `line` (trimmed, the text before a comment on its line) ends
/// with a whole element: an end tag (`</scopes>`) or an empty-element tag
/// (`<b/>`), not an opening tag or another comment.
fn ends_with_whole_element(line: &str) -> bool {
    if line.ends_with("/>") {
        return true;
    }
    let Some(body) = line.strip_suffix('>') else {
        return false;
    };
    body.rfind('<')
        .is_some_and(|i| body[i + 1..].starts_with('/') && !body[i..].contains(['"', '\'']))
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
