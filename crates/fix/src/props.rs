//! Minimal edits of Java `.properties` files.

use std::ops::Range;

use crate::text::{eol, Lines, ValueSpan};

/// Ends with an odd number of backslashes: the entry continues on the next
/// line (Java's rule, as the reader applies it).
fn continues(line: &str) -> bool {
    line.bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 1
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\x0c')
}

/// The physical lines (1-based) of the entry whose key is on `line`: that
/// line and every line it is continued on.
fn entry_lines(lines: &Lines<'_>, text: &str, line: usize) -> Range<usize> {
    let mut last = line;
    while last < lines.len() && continues(&text[lines.content(last)]) {
        last += 1;
    }
    line..last + 1
}

/// The value of the entry on `line` (1-based): from after the separator to
/// the end of the entry's last line (its value continued over several
/// lines with `\`). `scalar` is what the value means (escapes decoded, as
/// the reader reads it), so a caller can check it against the entry read.
#[cfg(test)]
pub(crate) fn value_span(text: &str, line: u32) -> Option<ValueSpan> {
    value_span_in(text, &Lines::new(text), line)
}

/// A file's line starts, found once for every value [`Layout::value_span`]
/// locates in it (`fix secrets` of thousands of secrets in one file split
/// it again for each).
pub(crate) struct Layout {
    starts: Vec<usize>,
}

impl Layout {
    pub(crate) fn new(text: &str) -> Self {
        Layout {
            starts: Lines::new(text).into_starts(),
        }
    }

    /// [`value_span`] in `text`, the text this layout was made of.
    pub(crate) fn value_span(&self, text: &str, line: u32) -> Option<ValueSpan> {
        value_span_in(text, &Lines::with_starts(text, &self.starts), line)
    }
}

fn value_span_in(text: &str, lines: &Lines<'_>, line: u32) -> Option<ValueSpan> {
    let n = line as usize;
    if n == 0 || n > lines.len() {
        return None;
    }
    // The entry's logical line: each physical line's content (leading
    // whitespace dropped after the first, the continuing `\` dropped),
    // with where each piece starts in the file.
    let mut logical = String::new();
    let mut pieces: Vec<(usize, usize)> = Vec::new(); // (offset in logical, offset in text)
    for (k, l) in entry_lines(lines, text, n).enumerate() {
        let content = lines.content(l);
        let mut s = &text[content.clone()];
        let mut at = content.start;
        if k > 0 {
            let trimmed = s.trim_start_matches([' ', '\t', '\x0c']);
            at += s.len() - trimmed.len();
            s = trimmed;
        }
        if continues(s) {
            s = &s[..s.len() - 1];
        }
        pieces.push((logical.len(), at));
        logical.push_str(s);
    }
    let bytes = logical.as_bytes();
    let mut i = 0;
    while i < bytes.len() && is_ws(bytes[i]) {
        i += 1;
    }
    // The key: up to an unescaped separator.
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'=' | b':' | b' ' | b'\t' | b'\x0c' => break,
            _ => i += 1,
        }
    }
    let mut j = i.min(bytes.len());
    while j < bytes.len() && is_ws(bytes[j]) {
        j += 1;
    }
    if j < bytes.len() && matches!(bytes[j], b'=' | b':') {
        j += 1;
        while j < bytes.len() && is_ws(bytes[j]) {
            j += 1;
        }
    }
    let scalar = intguard_readers::unescape_properties_value(&logical[j..])?;
    // The value's first byte in the file: in the last piece starting at or
    // before it (a value after a continued `key=\\` starts the next line).
    let start = pieces
        .iter()
        .rev()
        .find(|(from, _)| *from <= j)
        .map_or(0, |(from, at)| at + (j - from));
    let end = lines.content(entry_lines(lines, text, n).end - 1).end;
    Some(ValueSpan {
        range: start..end.max(start),
        inner: start..end.max(start),
        scalar,
    })
}

/// The line ranges of the entries whose keys are on the given 1-based
/// lines, with the lines each is continued on.
pub(crate) fn delete_ranges(text: &str, key_lines: &[u32]) -> Vec<Range<usize>> {
    let lines = Lines::new(text);
    let mut out: Vec<Range<usize>> = key_lines
        .iter()
        .map(|&l| l as usize)
        .filter(|&l| l >= 1 && l <= lines.len())
        .map(|l| {
            let entry = entry_lines(&lines, text, l);
            lines.full(entry.start).start..lines.full(entry.end - 1).end
        })
        .collect();
    out.sort_by_key(|r| r.start);
    out.dedup();
    out
}

fn escape_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        if matches!(c, '=' | ':' | ' ' | '#' | '!' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Appends `name=value` at the end of the file.
pub(crate) fn append(text: &str, name: &str, value: &str) -> String {
    let nl = eol(text);
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(nl);
    }
    // A last line ending with `\` continues on the next: an empty line ends
    // it, or the new entry would be read as the end of its value.
    let lines = Lines::new(text);
    if lines.len() > 0 && continues(lines.get(lines.len())) {
        out.push_str(nl);
    }
    out.push_str(&format!("{}={value}{nl}", escape_key(name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout made once answers every line as the file split for each
    /// does, continued values and escapes included.
    #[test]
    fn a_layout_locates_what_value_span_locates() {
        let t = "# c\nsfdc.password = Tiger 2024\nx:y\nk\\=v=1\nlong = a\\\n   b\\\n c\nbad=\\uZZ\nlast=z";
        let layout = Layout::new(t);
        let mut found = 0;
        for line in 0..=12 {
            let once = layout.value_span(t, line);
            let each = value_span(t, line);
            assert_eq!(
                once.as_ref().map(|s| (&s.range, &s.inner, &s.scalar)),
                each.as_ref().map(|s| (&s.range, &s.inner, &s.scalar)),
                "{line}"
            );
            found += usize::from(each.is_some());
        }
        assert!(found >= 5, "{found}");
    }

    #[test]
    fn spans() {
        let t = "# c\nsfdc.password = Tiger 2024\nx:y\nk\\=v=1\n";
        let v = value_span(t, 2).unwrap();
        assert_eq!(v.scalar, "Tiger 2024");
        assert_eq!(value_span(t, 3).unwrap().scalar, "y");
        assert_eq!(value_span(t, 4).unwrap().scalar, "1");
        // A bad `\u` escape: not what the reader read, not edited.
        assert!(value_span("a=\\uZZ\n", 1).is_none());
    }

    /// Escapes are decoded as the reader decodes them, and a value
    /// continued over several lines spans them all, to its last line's end.
    #[test]
    fn escaped_and_continued_values() {
        let t = "a=b\\\n    c\nnext=1\n";
        let v = value_span(t, 1).unwrap();
        assert_eq!(v.scalar, "bc");
        assert_eq!(&t[v.range.clone()], "b\\\n    c");
        let t = "sfdc.password=Ti\\=ger\\u0041\\\\\n";
        let v = value_span(t, 1).unwrap();
        assert_eq!(v.scalar, "Ti=gerA\\");
        assert_eq!(&t[v.range.clone()], "Ti\\=ger\\u0041\\\\");
        // The value begins on the line the key's line continues on.
        let t = "sfdc.password = \\\n   s3cret\n";
        let v = value_span(t, 1).unwrap();
        assert_eq!(v.scalar, "s3cret");
        assert_eq!(&t[v.range.clone()], "s3cret");
        // Deleting the entry deletes its continued lines, not the next entry.
        let t = "a=b\\\n  c\\\n  d\nkeep=1\n";
        let ranges = delete_ranges(t, &[1]);
        assert_eq!(ranges.len(), 1);
        assert_eq!(&t[ranges[0].clone()], "a=b\\\n  c\\\n  d\n");
    }

    #[test]
    fn appends() {
        assert_eq!(append("a=1", "b.c", "![x]"), "a=1\nb.c=![x]\n");
        assert_eq!(append("", "a b", "1"), "a\\ b=1\n");
    }
}
