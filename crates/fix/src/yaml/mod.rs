//! Minimal, line-based edits of Mule YAML property files: find a scalar value, delete
//! entries (and parents left empty), insert an entry under its deepest existing parent.
//! The rest of the file is never re-serialized.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::text::{byte_col, indent_of, Lines, ValueSpan};

mod insert;

pub(crate) use insert::Growing;

/// What a line is, for structure.
#[derive(Debug, Clone, PartialEq)]
struct LineInfo {
    blank: bool,
    comment: bool,
    indent: usize,
    /// `key:` with nothing after it (a mapping, or a value on the next lines).
    opener: bool,
    /// The key of a `key: ...` line (quotes removed).
    key: Option<String>,
    /// The blank lines that follow are part of a keep-chomped block scalar's
    /// value (`|+`, `>+`): this line is its header or one of its lines.
    keep_tail: bool,
    /// A line of a block scalar's text.
    in_scalar: bool,
    /// On a block scalar's header line and its text lines: the indentation
    /// its text lines are deeper than (the column of its key, or dash).
    scalar_above: Option<usize>,
}

/// The block scalar header (`|`, `>+`, `|2-` ...) a value opens with, after
/// its anchor and tag if any.
fn block_scalar_header(rest: &str) -> Option<&str> {
    let mut rest = rest.trim_start();
    while rest.starts_with(['&', '!']) {
        let end = rest.find([' ', '\t']).unwrap_or(rest.len());
        rest = rest[end..].trim_start();
    }
    let header = strip_comment(rest).trim_end();
    header.starts_with(['|', '>']).then_some(header)
}

/// Line `n` (1-based) without its line ending, and without the byte order mark
/// a file may start with (YAML readers skip it: it is no part of the first key).
fn line_of<'a>(lines: &Lines<'a>, n: usize) -> &'a str {
    let line = lines.get(n);
    if n == 1 {
        line.strip_prefix('\u{feff}').unwrap_or(line)
    } else {
        line
    }
}

/// The block scalar a line is read in: the indentation its lines are
/// deeper than, and whether it keeps its trailing blank lines.
type Scalar = Option<(usize, bool)>;

fn analyse(text: &str) -> (Lines<'_>, Vec<LineInfo>) {
    let lines = Lines::new(text);
    let mut scalar: Scalar = None;
    let infos = (1..=lines.len())
        .map(|n| read_line(line_of(&lines, n), &mut scalar))
        .collect();
    (lines, infos)
}

/// What `line` is, read in the block scalar state `scalar` (which it
/// updates for the next line): the whole of what [`analyse`] knows of a
/// line, so that lines added to a text can be read without the rest.
fn read_line(line: &str, scalar: &mut Scalar) -> LineInfo {
    let t = line.trim();
    let blank = t.is_empty();
    let indent = indent_of(line);
    if let Some((above, keep)) = *scalar {
        if blank || indent > above {
            // A line of the scalar's text: no key, no comment.
            return LineInfo {
                blank,
                comment: false,
                indent,
                opener: false,
                key: None,
                keep_tail: keep,
                in_scalar: true,
                scalar_above: Some(above),
            };
        }
        *scalar = None;
    }
    let comment = t.starts_with('#');
    let mut info = LineInfo {
        blank,
        comment,
        indent,
        opener: false,
        key: None,
        keep_tail: false,
        in_scalar: false,
        scalar_above: None,
    };
    if blank || comment {
        return info;
    }
    // Sequence entries (`- `) are no keys of this module's, but their
    // block scalars hold lines all the same.
    let mut item = t;
    let mut column = indent;
    while let Some(rest) = item.strip_prefix("- ").or_else(|| item.strip_prefix("-\t")) {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        column += item.len() - trimmed.len();
        item = trimmed;
    }
    let value = if item.len() < t.len() {
        if item.starts_with(['|', '>']) {
            // `- |`: the lines are deeper than the dash.
            column = indent;
            Some(item)
        } else {
            split_key(item).map(|(_, after)| after)
        }
    } else {
        split_key(t).map(|(key, after)| {
            let rest = strip_comment(after).trim();
            info.opener = rest.is_empty();
            info.key = Some(key);
            after
        })
    };
    if let Some(header) = value.and_then(block_scalar_header) {
        let keep = header.contains('+');
        info.keep_tail = keep;
        info.scalar_above = Some(column);
        *scalar = Some((column, keep));
    }
    info
}

/// `key: rest` → (key, rest). Handles quoted keys.
fn split_key(t: &str) -> Option<(String, &str)> {
    let bytes = t.as_bytes();
    if let Some(q) = t.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let close = t[1..].find(q)? + 1;
        let after = t[close + 1..].trim_start();
        let rest = after.strip_prefix(':')?;
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            return None;
        }
        return Some((t[1..close].to_string(), rest));
    }
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b':' if i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t' => {
                let key = t[..i].trim_end();
                if key.is_empty() {
                    return None;
                }
                return Some((key.to_string(), &t[i + 1..]));
            }
            b'#' if i > 0 && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The text before a ` #` comment (outside quotes: only used on values we do not keep).
fn strip_comment(s: &str) -> &str {
    let bytes = s.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (None, b'"') | (None, b'\'') => quote = Some(b),
            (Some(q), c) if c == q => quote = None,
            (None, b'#') if i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t' => {
                return &s[..i]
            }
            _ => {}
        }
    }
    s
}

/// The value of the entry whose key starts at `line`:`col` (1-based), when it is a
/// single-line scalar this module can rewrite: plain, `'single'` or `"double"` quoted.
/// Block scalars, multi-line values, anchors, tags and flow collections give `None`.
#[cfg(test)]
pub(crate) fn value_span(text: &str, line: u32, col: u32) -> Option<ValueSpan> {
    let (lines, infos) = analyse(text);
    value_span_in(text, &lines, &infos, line, col)
}

/// A file's lines and what each is, worked out once for every value
/// [`Layout::value_span`] locates in it (`fix secrets` of thousands of
/// secrets in one file worked them out again for each).
pub(crate) struct Layout {
    starts: Vec<usize>,
    infos: Vec<LineInfo>,
}

impl Layout {
    pub(crate) fn new(text: &str) -> Self {
        let (lines, infos) = analyse(text);
        Layout {
            starts: lines.into_starts(),
            infos,
        }
    }

    /// [`value_span`] in `text`, the text this layout was made of.
    pub(crate) fn value_span(&self, text: &str, line: u32, col: u32) -> Option<ValueSpan> {
        let lines = Lines::with_starts(text, &self.starts);
        value_span_in(text, &lines, &self.infos, line, col)
    }
}

fn value_span_in(
    text: &str,
    lines: &Lines<'_>,
    infos: &[LineInfo],
    line: u32,
    col: u32,
) -> Option<ValueSpan> {
    let n = line as usize;
    if n == 0 || n > lines.len() {
        return None;
    }
    let content = lines.content(n);
    let s = &text[content.clone()];
    let key_at = byte_col(s, col);
    let (_, after) = split_key(&s[key_at..])?;
    let value_off = content.start + s.len() - after.len();
    let lead = after.len() - after.trim_start_matches([' ', '\t']).len();
    let v = &after[lead..];
    let start = value_off + lead;
    // The next content line must not continue the value.
    let key_indent = infos[n - 1].indent;
    if let Some(next) = (n + 1..=lines.len()).find(|&m| !infos[m - 1].blank) {
        let i = &infos[next - 1];
        if !i.comment && i.indent > key_indent {
            return None;
        }
    }
    // An entry of an anchored mapping (`base: &base`) is also read through
    // its aliases and merge keys (`<<: *base`): moved, they would read nothing.
    let mut indent = key_indent;
    for m in (1..n).rev() {
        let i = &infos[m - 1];
        if indent == 0 {
            break;
        }
        if i.blank || i.comment || i.indent >= indent {
            continue;
        }
        indent = i.indent;
        let t = line_of(lines, m).trim();
        if split_key(t).is_some_and(|(_, after)| after.trim_start().starts_with('&')) {
            return None;
        }
    }
    let first = v.chars().next()?;
    match first {
        '"' => {
            let mut scalar = String::new();
            let mut chars = v.char_indices().skip(1);
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        end = Some(i);
                        break;
                    }
                    '\\' => {
                        let (_, e) = chars.next()?;
                        scalar.push(match e {
                            '"' => '"',
                            '\\' => '\\',
                            '/' => '/',
                            'n' => '\n',
                            't' => '\t',
                            _ => return None,
                        });
                    }
                    c => scalar.push(c),
                }
            }
            let end = end?;
            if !strip_comment(&v[end + 1..]).trim().is_empty() {
                return None;
            }
            Some(ValueSpan {
                range: start..start + end + 1,
                inner: start + 1..start + end,
                scalar,
            })
        }
        '\'' => {
            let body = &v[1..];
            let mut i = 0;
            let bytes = body.as_bytes();
            let end = loop {
                let rel = body[i..].find('\'')?;
                let at = i + rel;
                if bytes.get(at + 1) == Some(&b'\'') {
                    i = at + 2;
                    continue;
                }
                break at;
            };
            if !strip_comment(&body[end + 1..]).trim().is_empty() {
                return None;
            }
            Some(ValueSpan {
                range: start..start + end + 2,
                inner: start + 1..start + 1 + end,
                scalar: body[..end].replace("''", "'"),
            })
        }
        '|' | '>' | '&' | '*' | '!' | '[' | '{' | '@' | '`' | '%' | '#' => None,
        _ => {
            let plain = strip_comment(v).trim_end();
            Some(ValueSpan {
                range: start..start + plain.len(),
                inner: start..start + plain.len(),
                scalar: plain.to_string(),
            })
        }
    }
}

/// The line ranges to delete to remove the entries whose keys are on `key_lines`
/// (1-based), with every mapping left without content by the removal. A parent that still
/// holds anything (another key, or a comment) is kept.
#[cfg(test)]
pub(crate) fn delete_ranges(text: &str, key_lines: &[u32]) -> Vec<Range<usize>> {
    let (lines, infos) = analyse(text);
    deleted_lines(&lines, &infos, key_lines)
        .into_iter()
        .map(|n| lines.full(n))
        .collect()
}

/// The edits that remove the entries whose keys are on `key_lines` (1-based):
/// [`delete_ranges`]' lines deleted, and the comment lines that would join a
/// block scalar once they are gone moved left, out of it.
///
/// A comment line after a block scalar is text of the scalar when it is
/// indented deeper than the scalar's key (as deep as its text: YAML and
/// SnakeYAML read it as a line of the value), and a comment when it is
/// indented less, or follows a less indented line (a key: the scalar ended
/// there). Deleting the key that ended the scalar (`password:` in `note: |`,
/// `  text`, `password: x`, `    # about x`) would make the deeper comment
/// lines after it lines of the value: they are indented as the first deleted
/// line was, which keeps them comments where they are.
pub(crate) fn delete_edits(text: &str, key_lines: &[u32]) -> Vec<(Range<usize>, String)> {
    let (lines, infos) = analyse(text);
    let deleted = deleted_lines(&lines, &infos, key_lines);
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut n = 1;
    while n <= lines.len() {
        if !deleted.contains(&n) {
            n += 1;
            continue;
        }
        let first = n;
        let above = (first > 1).then(|| infos[first - 2].scalar_above).flatten();
        let indent = infos[first - 1].indent;
        let mut m = first;
        while m <= lines.len() {
            let info = &infos[m - 1];
            if deleted.contains(&m) || info.blank {
                m += 1;
                continue;
            }
            match above {
                Some(above) if info.comment && !info.in_scalar && info.indent > above => {
                    let content = lines.content(m);
                    let comment = text[content.clone()].trim_start_matches([' ', '\t']);
                    edits.push((content, format!("{}{comment}", " ".repeat(indent))));
                    m += 1;
                }
                _ => break,
            }
        }
        n = m.max(n + 1);
    }
    edits.extend(deleted.into_iter().map(|n| (lines.full(n), String::new())));
    edits
}

/// The 1-based lines [`delete_ranges`] deletes.
fn deleted_lines(lines: &Lines<'_>, infos: &[LineInfo], key_lines: &[u32]) -> BTreeSet<usize> {
    let mut deleted: BTreeSet<usize> = key_lines
        .iter()
        .map(|&l| l as usize)
        .filter(|&l| l >= 1 && l <= lines.len())
        .collect();
    loop {
        let mut changed = false;
        for n in 1..=lines.len() {
            let info = &infos[n - 1];
            if deleted.contains(&n) || !info.opener {
                continue;
            }
            let block = block_of(infos, n);
            let content: Vec<usize> = block.filter(|m| !infos[m - 1].blank).collect();
            if !content.is_empty() && content.iter().all(|m| deleted.contains(m)) {
                deleted.insert(n);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // The blank lines after a deleted run would, once it is gone, end the
    // keep-chomped block scalar (`|+`, `>+`) written before it, and so join
    // its value: they go with the run (between entries they hold nothing).
    let runs: Vec<usize> = deleted
        .iter()
        .copied()
        .filter(|&n| !deleted.contains(&(n + 1)))
        .collect();
    for last in runs {
        let first = (1..=last)
            .rev()
            .take_while(|m| deleted.contains(m))
            .last()
            .unwrap_or(last);
        if first > 1 && infos[first - 2].keep_tail {
            let mut m = last + 1;
            while m <= lines.len() && infos[m - 1].blank && !infos[m - 1].in_scalar {
                deleted.insert(m);
                m += 1;
            }
        }
    }
    deleted
}

/// The lines (1-based) under the mapping key on line `n`: following lines that are blank
/// or more indented, trailing blank lines excluded.
fn block_of(infos: &[LineInfo], n: usize) -> std::ops::RangeInclusive<usize> {
    let indent = infos[n - 1].indent;
    let mut last = n;
    for (m, info) in infos.iter().enumerate().skip(n) {
        let m = m + 1;
        if info.blank {
            continue;
        }
        if info.indent <= indent {
            break;
        }
        last = m;
    }
    (n + 1)..=last
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout made once answers every line and column as the file
    /// analysed for each does: plain, quoted, nested, anchored, block and
    /// continued values, comments, a byte order mark.
    #[test]
    fn a_layout_locates_what_value_span_locates() {
        let t = "\u{feff}a: 1\nsf:\n  user: \"u@x\"\n  password: 'p w'\n  # note\nbase: &b\n  k: v\nnote: |\n  text\n  more\nlong: first\n  second\nlast: x # c\n";
        let layout = Layout::new(t);
        let mut found = 0;
        for line in 0..=16 {
            for col in 0..=6 {
                let once = layout.value_span(t, line, col);
                let each = value_span(t, line, col);
                assert_eq!(
                    once.as_ref().map(|s| (&s.range, &s.inner, &s.scalar)),
                    each.as_ref().map(|s| (&s.range, &s.inner, &s.scalar)),
                    "{line}:{col}"
                );
                found += usize::from(each.is_some());
            }
        }
        assert!(found >= 5, "{found}");
    }

    #[test]
    fn values() {
        let t = "sfdc:\n  user: \"a@b\"  # who\n  password: 'it''s'\n  token: plain value # c\n";
        let v = value_span(t, 2, 3).unwrap();
        assert_eq!(v.scalar, "a@b");
        assert_eq!(&t[v.range.clone()], "\"a@b\"");
        let v = value_span(t, 3, 3).unwrap();
        assert_eq!(v.scalar, "it's");
        assert_eq!(&t[v.range.clone()], "'it''s'");
        let v = value_span(t, 4, 3).unwrap();
        assert_eq!(v.scalar, "plain value");
        assert!(value_span("a: |\n  x\n", 1, 1).is_none());
        assert!(value_span("a: x\n  y\n", 1, 1).is_none());
        // In an anchored mapping: its aliases read it too.
        let t = "sf: &base\n  user: u\n  password: pw\nsf2:\n  <<: *base\n";
        assert!(value_span(t, 3, 3).is_none());
        assert!(value_span("sf:\n  password: pw\n", 2, 3).is_some());
    }

    #[test]
    fn delete_keeps_and_removes_parents() {
        let t = "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n";
        let r = delete_ranges(t, &[3]);
        let out = crate::text::apply_edits(t, r.into_iter().map(|r| (r, String::new())).collect());
        assert_eq!(out.unwrap(), "a:\n  d: 2\ne: 3\n");
        let r = delete_ranges(t, &[3, 4]);
        let out = crate::text::apply_edits(t, r.into_iter().map(|r| (r, String::new())).collect());
        assert_eq!(out.unwrap(), "e: 3\n");
        // The blank line after a deleted entry would join the keep-chomped
        // block before it: it goes too.
        let t = "a:\n  n: |+\n    t\n  b: 1\n\nc: 2\n";
        let r = delete_ranges(t, &[4]);
        let out = crate::text::apply_edits(t, r.into_iter().map(|r| (r, String::new())).collect());
        assert_eq!(out.unwrap(), "a:\n  n: |+\n    t\nc: 2\n");
        let t = "a:\n  n: |\n    t\n  b: 1\n\nc: 2\n";
        let r = delete_ranges(t, &[4]);
        let out = crate::text::apply_edits(t, r.into_iter().map(|r| (r, String::new())).collect());
        assert_eq!(out.unwrap(), "a:\n  n: |\n    t\n\nc: 2\n");
        // A comment keeps its parent.
        let t = "a:\n  # note\n  b: 1\n";
        let r = delete_ranges(t, &[3]);
        assert_eq!(r.len(), 1);
    }

    /// A comment indented deeper after a deleted key that ended a block
    /// scalar would be a line of its text: it moves to the key's column.
    #[test]
    fn deeper_comments_after_a_deleted_scalar_end_stay_comments() {
        let edit =
            |t: &str, lines: &[u32]| crate::text::apply_edits(t, delete_edits(t, lines)).unwrap();
        let t = "a:\n  n: |\n    t\n  p: 1\n    # c\n\n      # d\n  # e\n    # f\nb: 2\n";
        assert_eq!(
            edit(t, &[4]),
            "a:\n  n: |\n    t\n  # c\n\n  # d\n  # e\n    # f\nb: 2\n"
        );
        // Two deleted keys, a comment between them and after them.
        let t = "a:\n  n: |\n    t\n  p: 1\n    # c\n  q: 2\n    # d\nb: 2\n";
        assert_eq!(edit(t, &[4, 6]), "a:\n  n: |\n    t\n  # c\n  # d\nb: 2\n");
        // After a key that is no block scalar, a deeper comment is a comment.
        let t = "a:\n  n: x\n  p: 1\n    # c\nb: 2\n";
        assert_eq!(edit(t, &[3]), "a:\n  n: x\n    # c\nb: 2\n");
        // CRLF line ends stay.
        let t = "a:\r\n  n: |\r\n    t\r\n  p: 1\r\n    # c\r\nb: 2\r\n";
        assert_eq!(edit(t, &[4]), "a:\r\n  n: |\r\n    t\r\n  # c\r\nb: 2\r\n");
    }
}
