//! Line and byte-range helpers shared by the format editors.

use std::borrow::Cow;
use std::ops::Range;

/// Byte offsets of the lines of a text.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Cow<'a, [usize]>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' && i + 1 < text.len() {
                starts.push(i + 1);
            }
        }
        if text.is_empty() {
            starts.clear();
        }
        Lines {
            text,
            starts: Cow::Owned(starts),
        }
    }

    /// The lines of `text` whose starts [`Lines::new`] found before
    /// ([`Lines::into_starts`]): a file asked about many times is split once.
    pub(crate) fn with_starts(text: &'a str, starts: &'a [usize]) -> Self {
        Lines {
            text,
            starts: Cow::Borrowed(starts),
        }
    }

    pub(crate) fn into_starts(self) -> Vec<usize> {
        self.starts.into_owned()
    }

    /// Number of lines (a final line without a newline counts).
    pub(crate) fn len(&self) -> usize {
        self.starts.len()
    }

    /// Byte range of 1-based line `n`, newline included.
    pub(crate) fn full(&self, n: usize) -> Range<usize> {
        let start = self.starts[n - 1];
        let end = self.starts.get(n).copied().unwrap_or(self.text.len());
        start..end
    }

    /// Byte range of 1-based line `n` without its line ending, and without
    /// the UTF-8 byte order mark the text may start with: the readers'
    /// columns count from after it (column 1 of line 1 is the first
    /// character after the mark).
    pub(crate) fn content(&self, n: usize) -> Range<usize> {
        let r = self.full(n);
        let s = &self.text[r.clone()];
        let trimmed = s.trim_end_matches(['\n', '\r']);
        let bom = if n == 1 && trimmed.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        r.start + bom..r.start + trimmed.len()
    }

    /// Text of 1-based line `n` without its line ending.
    pub(crate) fn get(&self, n: usize) -> &'a str {
        &self.text[self.content(n)]
    }
}

/// The file's line ending: `\r\n` if it uses it, else `\n`.
pub(crate) fn eol(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Width of the leading spaces and tabs.
pub(crate) fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// Byte offset in `line` of 1-based character column `col`.
pub(crate) fn byte_col(line: &str, col: u32) -> usize {
    let col = (col.max(1) - 1) as usize;
    line.char_indices()
        .nth(col)
        .map(|(i, _)| i)
        .unwrap_or(line.len())
}

/// Byte offset in `text` of 1-based `line`:`col` (a column past the line's end is its
/// end), or `None` for a line the text does not have.
#[cfg(test)]
pub(crate) fn offset_at(text: &str, line: u32, col: u32) -> Option<usize> {
    offset_in(&Lines::new(text), line, col)
}

/// [`offset_at`] in a text whose lines were found before.
pub(crate) fn offset_in(lines: &Lines<'_>, line: u32, col: u32) -> Option<usize> {
    let n = line as usize;
    if n == 0 || n > lines.len() {
        return None;
    }
    let content = lines.content(n);
    Some(content.start + byte_col(&lines.text[content.clone()], col))
}

/// Applies non-overlapping replacements given on the original text.
pub(crate) fn apply_edits(text: &str, mut edits: Vec<(Range<usize>, String)>) -> Option<String> {
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (r, with) in edits {
        if r.start < at || r.end > text.len() {
            return None;
        }
        out.push_str(&text[at..r.start]);
        out.push_str(&with);
        at = r.end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// A value found in a file: the bytes to replace, the bytes holding the secret (to mask
/// in diffs), and the value as the file means it.
#[derive(Debug, Clone)]
pub(crate) struct ValueSpan {
    /// What an edit replaces (a YAML value with its quotes; an XML attribute's content).
    pub range: Range<usize>,
    /// The characters of the secret itself (inside quotes).
    pub inner: Range<usize>,
    /// The decoded value.
    pub scalar: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let l = Lines::new("a\r\nbb\nc");
        assert_eq!(l.len(), 3);
        assert_eq!(l.get(1), "a");
        assert_eq!(l.full(1), 0..3);
        assert_eq!(l.get(3), "c");
        assert_eq!(Lines::new("a\n").len(), 1);
        assert_eq!(Lines::new("").len(), 0);
    }

    #[test]
    fn edits() {
        assert_eq!(
            apply_edits(
                "hello world",
                vec![(6..11, "you".into()), (0..0, ">".into())]
            )
            .unwrap(),
            ">hello you"
        );
        assert!(apply_edits("abc", vec![(0..2, "x".into()), (1..3, "y".into())]).is_none());
    }
}
