//! `.properties` files, with a hand parser so each key keeps its line and
//! column: `#`/`!` comments, `=`, `:` or whitespace separators, `\`
//! continuation lines, `\t \n \r \f \uXXXX` escapes. A bad `\u` escape becomes
//! a `properties-syntax` diagnostic and the line is still read.

use intguard_model::{Diagnostic, FilePath, Location, PropertyEntry};

use crate::position::LineIndex;

pub(crate) fn is_ws(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\u{c}'
}

/// Ends with an odd number of backslashes: continues on the next line.
pub(crate) fn continues(line: &str) -> bool {
    line.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1
}

struct Unescaped {
    text: String,
    bad_unicode: bool,
}

/// Unescapes a key or value. Returns also the byte length of `s` consumed
/// when `stop_at_separator` (a key ends at an unescaped `=`, `:` or space).
fn unescape(s: &str, stop_at_separator: bool) -> (Unescaped, usize) {
    let mut out = String::with_capacity(s.len());
    let mut bad_unicode = false;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if stop_at_separator && (c == '=' || c == ':' || is_ws(c)) {
            return (
                Unescaped {
                    text: out,
                    bad_unicode,
                },
                i,
            );
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, 't')) => out.push('\t'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 'r')) => out.push('\r'),
            Some((_, 'f')) => out.push('\u{c}'),
            Some((_, 'u')) => {
                let read_hex = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
                    let mut hex = String::new();
                    while hex.len() < 4 {
                        match chars.peek() {
                            Some((_, h)) if h.is_ascii_hexdigit() => {
                                hex.push(*h);
                                chars.next();
                            }
                            _ => break,
                        }
                    }
                    let unit = u32::from_str_radix(&hex, 16)
                        .ok()
                        .filter(|_| hex.len() == 4);
                    (hex, unit)
                };
                let (hex, unit) = read_hex(&mut chars);
                // Java strings are UTF-16: a character beyond U+FFFF is
                // written as two escapes, a high then a low surrogate.
                let pair = unit
                    .filter(|u| (0xD800..0xDC00).contains(u))
                    .and_then(|high| {
                        let mut ahead = chars.clone();
                        let (Some((_, '\\')), Some((_, 'u'))) = (ahead.next(), ahead.next()) else {
                            return None;
                        };
                        let (_, low) = read_hex(&mut ahead);
                        let low = low.filter(|l| (0xDC00..0xE000).contains(l))?;
                        chars = ahead;
                        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                    });
                match pair.or_else(|| unit.and_then(char::from_u32)) {
                    Some(ch) => out.push(ch),
                    None => {
                        bad_unicode = true;
                        out.push_str("\\u");
                        out.push_str(&hex);
                    }
                }
            }
            Some((_, other)) => out.push(other),
            None => {}
        }
    }
    (
        Unescaped {
            text: out,
            bad_unicode,
        },
        s.len(),
    )
}

/// What a `.properties` value as written (after its separator, continued
/// lines joined) means: its escapes decoded as the reader decodes them, so
/// that an edit of the file can be checked against the value read. `None`
/// for a bad `\u` escape.
pub fn unescape_value(written: &str) -> Option<String> {
    let (value, _) = unescape(written, false);
    (!value.bad_unicode).then_some(value.text)
}

/// A value's pieces as written on each line, by entry index.
pub(crate) type SplitValues = Vec<(u32, Box<[Box<str>]>)>;

/// Reads a `.properties` file: its entries, and the pieces of the values
/// continued over several lines.
pub(crate) fn read_properties(
    text: &str,
    path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<PropertyEntry>, SplitValues) {
    // One shared path for every entry's location.
    let path = &FilePath::from(path);
    let lines = LineIndex::new(text);
    let mut entries = Vec::new();
    let mut split = SplitValues::new();
    // The logical line being assembled and the offset of its key.
    let mut logical: Option<(String, usize)> = None;
    // Where each line of the logical line ends in it.
    let mut line_ends: Vec<usize> = Vec::new();
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start_matches(is_ws);
        let lead = line.len() - trimmed.len();
        let mut current = match logical.take() {
            Some((mut acc, key_at)) => {
                acc.push_str(trimmed);
                (acc, key_at)
            }
            None => {
                if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!') {
                    continue;
                }
                (trimmed.to_string(), start + lead)
            }
        };
        if continues(&current.0) {
            current.0.pop();
            line_ends.push(current.0.len());
            logical = Some(current);
            continue;
        }
        let value_at = entry(
            &current.0,
            current.1,
            text,
            &lines,
            path,
            &mut entries,
            diagnostics,
        );
        note_pieces(&current.0, value_at, &mut line_ends, &entries, &mut split);
    }
    if let Some((acc, key_at)) = logical {
        let value_at = entry(&acc, key_at, text, &lines, path, &mut entries, diagnostics);
        note_pieces(&acc, value_at, &mut line_ends, &entries, &mut split);
    }
    (entries, split)
}

/// Records the pieces of the value just read, as written, when they differ
/// from the value: it spanned several lines (`line_ends` holds where each
/// continued line ended in `logical`), or it holds escapes (`Mule\=24#x`
/// means `Mule=24#x`). Output must mask what is written, not only what it
/// means.
fn note_pieces(
    logical: &str,
    value_at: Option<usize>,
    line_ends: &mut Vec<usize>,
    entries: &[PropertyEntry],
    split: &mut SplitValues,
) {
    let ends = std::mem::take(line_ends);
    let Some(value_at) = value_at else {
        return;
    };
    let escaped = logical[value_at.min(logical.len())..].contains('\\');
    if ends.is_empty() && !escaped {
        return;
    }
    let mut pieces = Vec::new();
    let mut start = value_at;
    for end in ends.into_iter().chain([logical.len()]) {
        if end > start {
            let piece = logical[start..end].trim_matches(is_ws);
            if !piece.is_empty() {
                pieces.push(Box::from(piece));
            }
        }
        start = start.max(end);
    }
    if pieces.len() > 1 || (escaped && !pieces.is_empty()) {
        let index = u32::try_from(entries.len() - 1).unwrap_or(u32::MAX);
        split.push((index, pieces.into_boxed_slice()));
    }
}

/// Where the value starts in a logical line (continuations joined): after
/// the key (which ends at an unescaped `=`, `:` or white space), white
/// space, one `=` or `:` and white space.
pub(crate) fn value_start(logical: &str) -> usize {
    value_start_after(logical, unescape(logical, true).1)
}

/// [`value_start`], the key being the first `key_len` bytes.
fn value_start_after(logical: &str, key_len: usize) -> usize {
    let mut rest = logical[key_len..].trim_start_matches(is_ws);
    if let Some(r) = rest.strip_prefix(['=', ':']) {
        rest = r.trim_start_matches(is_ws);
    }
    logical.len() - rest.len()
}

/// Adds the entry of one logical line; returns where its value starts in the
/// line, when an entry was added.
fn entry(
    logical: &str,
    key_at: usize,
    text: &str,
    lines: &LineIndex,
    path: &FilePath,
    entries: &mut Vec<PropertyEntry>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let (key, used) = unescape(logical, true);
    let rest = &logical[value_start_after(logical, used)..];
    let (value, _) = unescape(rest, false);
    let (line, column) = lines.locate(text, key_at);
    if key.bad_unicode || value.bad_unicode {
        diagnostics.push(
            Diagnostic::warning(
                "properties-syntax",
                path,
                "malformed \\uXXXX escape; the value is kept as written",
            )
            .at(line, column),
        );
    }
    if key.text.is_empty() {
        return None;
    }
    entries.push(PropertyEntry::new(
        &key.text,
        &value.text,
        Location::new(path, line, column),
    ));
    Some(logical.len() - rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (String, String, u32, u32);

    fn read(text: &str) -> (Vec<Row>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let (e, _) = read_properties(text, "p.properties", &mut d);
        (
            e.into_iter()
                .map(|e| {
                    (
                        e.key().to_string(),
                        e.value().to_string(),
                        e.location.line,
                        e.location.column,
                    )
                })
                .collect(),
            d,
        )
    }

    #[test]
    fn separators_comments_continuations() {
        let text = "# comment\n! other\n a.b = 1\nc:2\nd 3\ne\\ f=x\\\n    y\\\n  z\nempty=\n\\u0041=\\u00e9t\\u00E9\ng=a\\\\\nh=\\zq\n";
        let (e, d) = read(text);
        assert!(d.is_empty());
        assert_eq!(
            e,
            vec![
                ("a.b".into(), "1".into(), 3, 2),
                ("c".into(), "2".into(), 4, 1),
                ("d".into(), "3".into(), 5, 1),
                ("e f".into(), "xyz".into(), 6, 1),
                ("empty".into(), "".into(), 9, 1),
                ("A".into(), "été".into(), 10, 1),
                ("g".into(), "a\\".into(), 11, 1),
                ("h".into(), "zq".into(), 12, 1),
            ]
        );
    }

    /// (entry index, pieces) of each value written otherwise than it reads.
    fn pieces_of(split: &SplitValues) -> Vec<(u32, Vec<&str>)> {
        split
            .iter()
            .map(|(i, p)| (*i, p.iter().map(|s| &**s).collect()))
            .collect()
    }

    #[test]
    fn pieces_of_continued_values() {
        let text = "a = one\nsfdc.password = FirstHalf7\\\n    SecondHalf9\\\n  \\\n\tThird\nb=x\\\n\nkey\\\n  = v1\\\n  v2\n";
        let mut d = Vec::new();
        let (entries, split) = read_properties(text, "p.properties", &mut d);
        let keys: Vec<&str> = entries.iter().map(|e| e.key()).collect();
        assert_eq!(keys, ["a", "sfdc.password", "b", "key"]);
        assert_eq!(entries[1].value(), "FirstHalf7SecondHalf9Third");
        let pieces = pieces_of(&split);
        // `b=x\` continues onto an empty line: one piece, not split. The
        // key's own line holds no part of `key`'s value.
        assert_eq!(
            pieces,
            vec![
                (1, vec!["FirstHalf7", "SecondHalf9", "Third"]),
                (3, vec!["v1", "v2"]),
            ]
        );
    }

    /// A value written with escapes is masked as written: `Mule\=24#x` is
    /// not the text of `Mule=24#x`.
    #[test]
    fn pieces_of_escaped_values() {
        let text = "secure.key=Mule\\=24#Secret!!\nplain=abc\nmule.key=\\u0041b:Cd=Ef#1234567\n";
        let mut d = Vec::new();
        let (entries, split) = read_properties(text, "p.properties", &mut d);
        assert_eq!(entries[0].value(), "Mule=24#Secret!!");
        assert_eq!(entries[2].value(), "Ab:Cd=Ef#1234567");
        let pieces = pieces_of(&split);
        assert_eq!(
            pieces,
            vec![
                (0, vec!["Mule\\=24#Secret!!"]),
                (2, vec!["\\u0041b:Cd=Ef#1234567"]),
            ]
        );
    }

    /// A character beyond U+FFFF written as a surrogate pair of escapes,
    /// as Java writes it; a lone surrogate is still malformed.
    #[test]
    fn surrogate_pairs() {
        let (e, d) = read("a=x\\uD83D\\uDE00y\nb=\\uD83Dz\n");
        assert_eq!(e[0].1, "x\u{1F600}y");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, Some(2));
    }

    #[test]
    fn bad_unicode_escape() {
        let (e, d) = read("x=\\u12G4\ny=2");
        assert_eq!(e.len(), 2);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "properties-syntax");
        assert_eq!(d[0].line, Some(1));
    }

    #[test]
    fn crlf_and_trailing_continuation() {
        let (e, _) = read("a=1\r\nb=2\\");
        assert_eq!(e[0].1, "1");
        assert_eq!(e[1].1, "2");
    }
}
