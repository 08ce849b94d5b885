//! Minimal, line-based edits of Mule YAML property files: find a scalar value, delete
//! entries (and parents left empty), insert an entry under its deepest existing parent.
//! The rest of the file is never re-serialized.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::text::{byte_col, eol, indent_of, Lines, ValueSpan};

/// What a line is, for structure.
#[derive(Debug, Clone)]
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

fn analyse(text: &str) -> (Lines<'_>, Vec<LineInfo>) {
    let lines = Lines::new(text);
    // The block scalar being read: the indentation its lines are deeper than,
    // and whether it keeps its trailing blank lines.
    let mut scalar: Option<(usize, bool)> = None;
    let infos = (1..=lines.len())
        .map(|n| {
            let line = line_of(&lines, n);
            let t = line.trim();
            let blank = t.is_empty();
            let indent = indent_of(line);
            if let Some((above, keep)) = scalar {
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
                scalar = None;
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
                scalar = Some((column, keep));
            }
            info
        })
        .collect();
    (lines, infos)
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

/// A key segment as written in YAML (quoted when it needs to be).
fn yaml_key(seg: &str) -> String {
    if !seg.is_empty()
        && seg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !seg.starts_with('-')
    {
        seg.to_string()
    } else {
        format!("\"{}\"", seg.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// Inserts `name: value` (`value` as YAML text, e.g. `"![...]"`): under the deepest
/// existing mapping whose dotted path is a prefix of `name`, after its last child, with
/// its children's indentation; otherwise at the end of the file. The rest of the name
/// is written as nested keys, unless a key on the way already exists as a scalar (then
/// as one dotted key).
pub(crate) fn insert(text: &str, name: &str, value: &str) -> String {
    insert_styled(text, name, value, false)
}

/// [`insert`], with the rest of the name written as one dotted key when `dotted` (a
/// file written in that style: `sfdc.username: ...`).
pub(crate) fn insert_styled(text: &str, name: &str, value: &str, dotted: bool) -> String {
    let (lines, infos) = analyse(text);
    let nl = eol(text);
    // Full dotted path of each key line.
    let mut paths: Vec<Option<String>> = vec![None; infos.len()];
    let mut stack: Vec<(usize, String)> = Vec::new();
    for (i, info) in infos.iter().enumerate() {
        let t = line_of(&lines, i + 1).trim();
        if t == "---" {
            stack.clear();
            continue;
        }
        let Some(key) = &info.key else { continue };
        while stack.last().is_some_and(|(ind, _)| *ind >= info.indent) {
            stack.pop();
        }
        let path = match stack.last() {
            Some((_, p)) => format!("{p}.{key}"),
            None => key.clone(),
        };
        paths[i] = Some(path.clone());
        stack.push((info.indent, path));
    }
    // Indentation step of the file.
    let step = infos
        .iter()
        .filter(|i| !i.blank && !i.comment && !i.in_scalar && i.indent > 0)
        .map(|i| i.indent)
        .min()
        .unwrap_or(2);

    // The deepest mapping whose path prefixes the name.
    let mut best: Option<(usize, usize)> = None; // (line index, prefix length)
    for (i, p) in paths.iter().enumerate() {
        let Some(p) = p else { continue };
        if infos[i].opener
            && name.len() > p.len()
            && name.starts_with(p.as_str())
            && name.as_bytes()[p.len()] == b'.'
            && best.is_none_or(|(_, len)| p.len() > len)
        {
            best = Some((i, p.len()));
        }
    }
    let (prefix_len, base_indent, child_indent, insert_at) = match best {
        Some((i, len)) => {
            let n = i + 1;
            let block = block_of(&infos, n);
            let first_child = block
                .clone()
                .find(|&m| !infos[m - 1].blank && !infos[m - 1].comment);
            let child_indent = first_child
                .map(|m| infos[m - 1].indent)
                .unwrap_or(infos[i].indent + step);
            let mut last = *block.end().max(&n);
            // After the blank lines a keep-chomped block scalar ends with:
            // they are part of its value.
            while infos[last - 1].keep_tail && last < infos.len() && infos[last].blank {
                last += 1;
            }
            (len + 1, infos[i].indent, child_indent, lines.full(last).end)
        }
        None => (0, 0, 0, text.len()),
    };
    let unit = if best.is_some() {
        child_indent.saturating_sub(base_indent).max(1)
    } else {
        step
    };
    let rest = &name[prefix_len..];
    let prefix = &name[..prefix_len.saturating_sub(1)];
    // Nested keys, unless one of them exists already (as a scalar).
    let segs: Vec<&str> = rest.split('.').collect();
    let mut nested = !dotted && segs.len() > 1 && segs.iter().all(|s| !s.is_empty());
    if nested {
        let mut p = prefix.to_string();
        for s in &segs[..segs.len() - 1] {
            p = if p.is_empty() {
                (*s).to_string()
            } else {
                format!("{p}.{s}")
            };
            if paths.iter().flatten().any(|q| *q == p) {
                nested = false;
            }
        }
    }
    let mut block = String::new();
    if nested {
        for (d, s) in segs.iter().enumerate() {
            let pad = " ".repeat(child_indent + d * unit);
            if d + 1 == segs.len() {
                block.push_str(&format!("{pad}{}: {value}{nl}", yaml_key(s)));
            } else {
                block.push_str(&format!("{pad}{}:{nl}", yaml_key(s)));
            }
        }
    } else {
        block = format!(
            "{}{}: {value}{nl}",
            " ".repeat(child_indent),
            yaml_key(rest)
        );
    }
    let mut out = String::with_capacity(text.len() + block.len() + 2);
    let mut head = &text[..insert_at];
    let unterminated = insert_at > 0 && !head.ends_with('\n');
    if unterminated {
        // A block scalar the file ends with, with no line end after it: its
        // value ends without one, which the line end written before the new
        // key would add (`|`, `|+`), unless its header strips it (`|-`).
        if let Some(at) = strip_chomping_at(&lines, &infos) {
            out.push_str(&text[..at.start]);
            out.push('-');
            head = &text[at.end..insert_at];
        }
    }
    out.push_str(head);
    if unterminated {
        out.push_str(nl);
    }
    out.push_str(&block);
    out.push_str(&text[insert_at..]);
    out
}

/// Where the last line is a block scalar's text: the byte range of its
/// header's chomping indicator (empty after `|`/`>` and its indentation digit
/// when it has none), to write `-` there.
fn strip_chomping_at(lines: &Lines<'_>, infos: &[LineInfo]) -> Option<std::ops::Range<usize>> {
    let last = infos.len();
    if last == 0 || !infos[last - 1].in_scalar {
        return None;
    }
    let header = (1..last).rev().find(|&n| !infos[n - 1].in_scalar)?;
    infos[header - 1].scalar_above?;
    let line = lines.get(header);
    let start = lines.content(header).start;
    // The value after the key's `: ` (or a sequence item's `- `).
    let value_at = line
        .find(": ")
        .or_else(|| line.find(":\t"))
        .map(|i| i + 2)
        .or_else(|| {
            let t = line.trim_start();
            t.starts_with("- ").then(|| line.len() - t.len() + 2)
        })?;
    let h = block_scalar_header(&line[value_at..])?;
    let h_at = h.as_ptr() as usize - line.as_ptr() as usize;
    // `|`, then at most an indentation digit and a chomping indicator, in either order.
    let mut chomp = None;
    let mut end = 1;
    for (i, c) in h[1..].char_indices() {
        match c {
            '-' | '+' => chomp = Some(1 + i),
            '1'..='9' => {}
            _ => break,
        }
        end = 2 + i;
    }
    let from = start + h_at;
    Some(match chomp {
        Some(i) => from + i..from + i + 1,
        None => from + end..from + end,
    })
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

    /// A block scalar at the end of a file with no line end after it keeps
    /// its value (no final line break) once a key is added after it.
    #[test]
    fn insert_after_an_unterminated_block_scalar() {
        for (header, new_header) in [
            ("|", "|-"),
            (">", ">-"),
            ("|+", "|-"),
            ("|2", "|2-"),
            ("|-", "|-"),
            ("&c |", "&c |-"),
        ] {
            let text = format!("a:\n  cert: {header}\n    x\n    y");
            let out = insert(&text, "a.k", "\"v\"");
            assert_eq!(
                out,
                format!("a:\n  cert: {new_header}\n    x\n    y\n  k: \"v\"\n"),
                "{header}"
            );
        }
        // Ended by a line end: left as is.
        let text = "a:\n  cert: |\n    x\n";
        assert_eq!(insert(text, "a.k", "1"), "a:\n  cert: |\n    x\n  k: 1\n");
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

    #[test]
    fn inserts() {
        let t = "sfdc:\n    user: x\n# end\nother: 1\n";
        assert_eq!(
            insert(t, "sfdc.password", "\"v\""),
            "sfdc:\n    user: x\n    password: \"v\"\n# end\nother: 1\n"
        );
        assert_eq!(insert("", "a.b.c", "\"v\""), "a:\n  b:\n    c: \"v\"\n");
        assert_eq!(insert("x: 1", "y", "2"), "x: 1\ny: 2\n");
        assert_eq!(insert("a: 1\n", "a.b", "\"v\""), "a: 1\na.b: \"v\"\n");
        // A file written with dotted keys gets one.
        assert_eq!(
            insert_styled("sf.user: u\n", "sf.keystore.path", "\"p\"", true),
            "sf.user: u\nsf.keystore.path: \"p\"\n"
        );
        assert_eq!(
            insert_styled("sf.user: u\n", "sf.keystore.path", "\"p\"", false),
            "sf.user: u\nsf:\n  keystore:\n    path: \"p\"\n"
        );
        // A byte order mark is no part of the first key: the new entry goes
        // under the existing mapping, not into a second `sf:` that would
        // replace the first when the file is loaded.
        assert_eq!(
            insert("\u{feff}sf:\r\n  token: \"t\"\r\n", "sf.password", "\"v\""),
            "\u{feff}sf:\r\n  token: \"t\"\r\n  password: \"v\"\r\n"
        );
        assert_eq!(
            insert("db:\n  sfdc:\n    u: 1\n", "db.sfdc.p.q", "2"),
            "db:\n  sfdc:\n    u: 1\n    p:\n      q: 2\n"
        );
        // The blank lines that end a keep-chomped block scalar are its value.
        assert_eq!(
            insert("a:\n  n: |+\n    t\n\n  \nb: 1\n", "a.p", "2"),
            "a:\n  n: |+\n    t\n\n  \n  p: 2\nb: 1\n"
        );
        assert_eq!(
            insert("a:\n  n: |-\n    t\n\nb: 1\n", "a.p", "2"),
            "a:\n  n: |-\n    t\n  p: 2\n\nb: 1\n"
        );
    }
}
