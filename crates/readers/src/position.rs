//! Byte offset -> 1-based line and column.
//!
//! Columns count characters (not bytes) from the start of the line, so a
//! finding points at the same place an editor shows.

/// The offset of the `<` that opens the tag quick-xml reported after
/// buffer position `before` (which may sit on whitespace or text before it),
/// or `before` when none follows.
#[inline]
pub fn tag_start(bytes: &[u8], before: usize) -> usize {
    if bytes.get(before) == Some(&b'<') {
        return before;
    }
    memchr::memchr(b'<', bytes.get(before..).unwrap_or_default()).map_or(before, |i| before + i)
}

/// `text` without the UTF-8 byte order mark it may start with. A reader
/// whose format skips the mark (XML and YAML parsers, JSON readers, any
/// text read by line) reads and locates what follows it, so that column 1
/// of line 1 is the first character after the mark, as editors show it.
pub(crate) fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Start offsets of every line of a text, built once per file.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based line of a byte offset (offsets past the end give the last line).
    pub fn line(&self, offset: usize) -> u32 {
        let idx = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        u32::try_from(idx + 1).unwrap_or(u32::MAX)
    }

    /// 1-based line and column (in characters) of a byte offset in `text`,
    /// the text this index was built from.
    pub fn locate(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.line(offset);
        let start = self.starts[(line as usize).saturating_sub(1).min(self.starts.len() - 1)];
        let col = column_of(text, start, offset);
        (line, col)
    }

    /// Byte offset where a 1-based line starts.
    pub fn line_start(&self, line: u32) -> Option<usize> {
        self.starts.get((line as usize).checked_sub(1)?).copied()
    }
}

/// Line/column lookups for offsets that mostly move forward, as a streaming
/// reader asks for them: newlines and characters are counted only between
/// the offsets asked for, so a file with few findings costs almost nothing
/// and a file on one long line costs no more than one with many.
#[derive(Debug, Clone)]
pub struct Cursor<'t> {
    text: &'t str,
    offset: usize,
    line: u32,
    line_start: usize,
    /// Characters from `line_start` to `offset`.
    chars_in_line: usize,
}

impl<'t> Cursor<'t> {
    pub fn new(text: &'t str) -> Self {
        Cursor {
            text,
            offset: 0,
            line: 1,
            line_start: 0,
            chars_in_line: 0,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn locate(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let bytes = self.text.as_bytes();
        if offset >= self.offset {
            let passed = &bytes[self.offset..offset];
            match memchr::memrchr(b'\n', passed) {
                Some(last) => {
                    let newlines = memchr::memchr_iter(b'\n', passed).count();
                    self.line = self.line.saturating_add(to_u32(newlines));
                    self.line_start = self.offset + last + 1;
                    self.chars_in_line = char_count(&bytes[self.line_start..offset]);
                }
                None => self.chars_in_line += char_count(passed),
            }
        } else if offset >= self.line_start {
            // Back on the same line (an element's start after its
            // attributes): undo what lies between.
            self.chars_in_line -= char_count(&bytes[offset..self.offset]);
        } else {
            // Back to an earlier line, without counting from the top again.
            let newlines = memchr::memchr_iter(b'\n', &bytes[offset..self.line_start]).count();
            self.line = self.line.saturating_sub(to_u32(newlines));
            self.line_start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
            self.chars_in_line = char_count(&bytes[self.line_start..offset]);
        }
        self.offset = offset;
        (self.line, to_u32(self.chars_in_line + 1))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Characters in a byte range of UTF-8 text: its lead bytes (not the
/// continuation bytes 10xxxxxx), so a range may start or end inside one.
fn char_count(bytes: &[u8]) -> usize {
    // Mostly ASCII, which `is_ascii` tells a word at a time: each byte a
    // character. (Counting lead bytes one by one was 1% of a scan.)
    if bytes.is_ascii() {
        return bytes.len();
    }
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

/// 1-based column in characters of `offset`, counting from `line_start`.
fn column_of(text: &str, line_start: usize, offset: usize) -> u32 {
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    let start = line_start.min(end);
    to_u32(char_count(&bytes[start..end]) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_start_finds_the_next_lt() {
        let b = b"<a>\n  <b/>";
        assert_eq!(tag_start(b, 0), 0);
        assert_eq!(tag_start(b, 3), 6);
        assert_eq!(tag_start(b, 7), 7);
        assert_eq!(tag_start(b, 99), 99);
    }

    #[test]
    fn lines_and_columns() {
        let text = "ab\ncdé f\n\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.locate(text, 0), (1, 1));
        assert_eq!(idx.locate(text, 1), (1, 2));
        assert_eq!(idx.locate(text, 3), (2, 1));
        // `f` comes after a two-byte `é` and a space.
        let f = text.find('f').unwrap();
        assert_eq!(idx.locate(text, f), (2, 5));
        assert_eq!(idx.locate(text, text.len() - 1), (4, 1));
        assert_eq!(idx.locate(text, 999), (4, 2));
        assert_eq!(idx.line_start(2), Some(3));
        let mut c = Cursor::new(text);
        for off in [0, 1, 3, f, text.len() - 1, 1, 999] {
            assert_eq!(c.locate(off), idx.locate(text, off), "{off}");
        }
    }

    /// The cursor counts characters incrementally along a line (found by
    /// fuzzing: 300,000 elements on one line took minutes when each lookup
    /// counted from the line's start, or from the top of the file after each
    /// step back); it must agree with the index at every offset, forward,
    /// backward, on the same offset twice, and jumping both ways.
    #[test]
    fn cursor_agrees_with_the_index_everywhere() {
        let text = "é<a>b\n\nxé\u{1F600}yz<c/>\r\n  <d>é</d>\nlast";
        let idx = LineIndex::new(text);
        let mut c = Cursor::new(text);
        let forward = 0..=text.len() + 2;
        let backward = (0..=text.len()).rev();
        let jumps = [3, 3, 0, 17, 9, text.len(), 12, 11, 2, 20, 1];
        for off in forward.chain(backward).chain(jumps) {
            assert_eq!(c.locate(off), idx.locate(text, off), "offset {off}");
        }
    }
}
