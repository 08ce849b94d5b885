//! Source snippets for findings: the finding's line, with every secret masked.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

use intguard_model::path_text;
use intguard_model::secret::{mask, Redactor};
use intguard_model::vocab;

/// How many characters a snippet shows at most (besides the `…` marking a
/// cut end).
const MAX_SNIPPET: usize = 200;

/// How much of a long line is kept for its snippets, in bytes: masking
/// copies the line several times, and a minified file's one line may be
/// tens of megabytes (a 30 MB profile took 130 MB more when kept whole).
const LONG_LINE_CAP: usize = 4 << 20;

/// Of a line cut at [`LONG_LINE_CAP`], how many characters before the cut
/// are never shown: a secret the cut splits is not recognised, so no window
/// may reach it. A finding further on is shown the line's start.
const CUT_MARGIN: usize = 64 << 10;

/// A line read for snippets: its text (at most [`LONG_LINE_CAP`] bytes) and
/// whether it was cut there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetLine {
    pub text: String,
    pub cut: bool,
}

/// Reads the wanted lines of each file once. In a `.properties` file, a
/// line that continues (after a `\\` at the end of the line before) the value
/// of a secret-named key comes back masked: the readers know the value only
/// joined, so neither the redactor nor [`mask_line`] would recognise the part.
#[cfg(test)]
pub fn read_lines(path: &str, lines: &[u32]) -> HashMap<u32, SnippetLine> {
    read_lines_from(path, lines, None, &Redactor::default()).0
}

/// Where [`read_lines_from`] stopped in a file: the start of the last line
/// it read, so that the next batch of the file's findings (its lines are
/// that one or later) reads on from there instead of from the file's start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadPosition {
    /// The lines before it.
    lines_before: u32,
    /// Its byte offset in the file.
    offset: u64,
}

/// [`read_lines`], starting at `from` when it is before every wanted line,
/// and where it stopped. A UTF-16 or `.properties` file is read from its
/// start, and gives no position (it is read whole and decoded first). In a
/// `.properties` file, the lines of a value written over several lines or
/// with escapes that `redactor` masks come back with that value's part
/// masked ([`intguard_readers::properties_value_parts`]).
pub fn read_lines_from(
    path: &str,
    lines: &[u32],
    from: Option<ReadPosition>,
    redactor: &Redactor,
) -> (HashMap<u32, SnippetLine>, Option<ReadPosition>) {
    let mut out = HashMap::new();
    // A name that is not UTF-8 is shown escaped.
    let Ok(file) = std::fs::File::open(path_text::path_of_display(path)) else {
        return (out, None);
    };
    let Some(&last) = lines.iter().max() else {
        return (out, None);
    };
    let properties = path.ends_with(".properties");
    let mut reader = BufReader::new(file);
    // A UTF-16 file's lines, read as bytes, would show a secret with a NUL
    // between its letters, which no masking recognises: decode it first
    // (the readers read it so).
    let utf16 = reader
        .fill_buf()
        .is_ok_and(|b| b.starts_with(&[0xFF, 0xFE]) || b.starts_with(&[0xFE, 0xFF]));
    // A `.properties` file that is not UTF-8 was read as ISO-8859-1 (as
    // Java reads it): its lines, decoded otherwise, would not show the
    // secrets the redactor knows. Such files are small; the whole file
    // says which it is.
    if utf16 || properties {
        let mut bytes = Vec::new();
        if reader.read_to_end(&mut bytes).is_err() {
            return (out, None);
        }
        let text = if utf16 {
            let Some(text) = intguard_readers::decode_utf16_with_bom(&bytes) else {
                return (out, None);
            };
            text.into_bytes()
        } else if std::str::from_utf8(&bytes).is_err() {
            intguard_readers::decode_latin1(&bytes).into_bytes()
        } else {
            bytes
        };
        let hidden = match std::str::from_utf8(&text) {
            Ok(text) if properties => {
                intguard_readers::properties_value_parts(text.split('\n'), &|v| {
                    redactor.redact(v) != v
                })
            }
            _ => HashMap::new(),
        };
        let mut at = ReadPosition::default();
        read_wanted(
            &mut std::io::Cursor::new(text),
            lines,
            last,
            (properties, &hidden),
            &mut at,
            &mut out,
        );
        return (out, None);
    }
    let first = lines.iter().min().copied().unwrap_or(0);
    let mut at = ReadPosition::default();
    if let Some(from) = from.filter(|f| f.lines_before < first) {
        if reader.seek(SeekFrom::Start(from.offset)).is_ok() {
            at = from;
        } else if reader.rewind().is_err() {
            return (out, None);
        }
    }
    read_wanted(
        &mut reader,
        lines,
        last,
        (false, &HashMap::new()),
        &mut at,
        &mut out,
    );
    (out, Some(at))
}

/// Reads `reader`'s lines up to `last`, keeping the wanted ones in `out`.
/// `properties`: whether it is a `.properties` file, and by line, where a
/// value to mask starts on it. `at`: where the reader stands (the lines
/// before it, its offset in the file), left at the start of the last line
/// read.
fn read_wanted(
    reader: &mut dyn BufRead,
    lines: &[u32],
    last: u32,
    (properties, hidden): (bool, &HashMap<u32, usize>),
    at: &mut ReadPosition,
    out: &mut HashMap<u32, SnippetLine>,
) {
    let mut continued = Continuation::default();
    // Sorted, for a binary search: a batch of a log's findings wants
    // thousands of lines, and each line read was looked for among them all
    // (a third of the report's time for 100,000 findings in one log).
    let mut wanted_lines: Vec<u32> = lines.to_vec();
    wanted_lines.sort_unstable();
    let mut buf = Vec::new();
    let ReadPosition {
        lines_before: mut n,
        mut offset,
    } = *at;
    while n < last {
        buf.clear();
        let len = match reader.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(len) => len,
        };
        *at = ReadPosition {
            lines_before: n,
            offset,
        };
        offset += len as u64;
        n += 1;
        let wanted = wanted_lines.binary_search(&n).is_ok();
        if !wanted && !properties {
            continue;
        }
        let text = String::from_utf8_lossy(&buf);
        let text = text.trim_end_matches(['\r', '\n']);
        // A UTF-8 byte order mark is no text of the first line.
        let text = if n == 1 {
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        };
        let secret_part = properties && continued.continues && continued.secret_value;
        if properties {
            continued = continued.next(text);
        }
        if wanted {
            // The whole line is kept (up to LONG_LINE_CAP): masking must see
            // all of it (a secret crossing the shown window's edge), and the
            // window is cut around each finding's column (see
            // [`MaskedLine::window`]).
            let cut = text.len() > LONG_LINE_CAP;
            let text = if cut {
                let mut end = LONG_LINE_CAP;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                &text[..end]
            } else {
                text
            };
            let shown = if secret_part {
                let body = text.trim_start();
                format!("{}{}", &text[..text.len() - body.len()], mask(body))
            } else {
                mask_value_part(text, hidden.get(&n).copied())
            };
            out.insert(n, SnippetLine { text: shown, cut });
        }
    }
}

/// `line` with its part from byte `from` on masked, when that part holds
/// something; a backslash continuing the value on the next line is shown.
fn mask_value_part(line: &str, from: Option<usize>) -> String {
    match from {
        Some(at) if at < line.len() && line.is_char_boundary(at) => {
            let part = &line[at..];
            let backslashes = part.len() - part.trim_end_matches('\\').len();
            let (value, continuing) = if backslashes % 2 == 1 {
                part.split_at(part.len() - 1)
            } else {
                (part, "")
            };
            if value.is_empty() {
                return line.to_string();
            }
            format!("{}{}{continuing}", &line[..at], mask(value))
        }
        _ => line.to_string(),
    }
}

/// Where a `.properties` line leaves the next one: inside the value of a
/// logical line continued with `\\`, and whether that value is a secret's.
#[derive(Debug, Default, Clone, Copy)]
struct Continuation {
    continues: bool,
    secret_value: bool,
}

impl Continuation {
    fn next(self, line: &str) -> Continuation {
        self.next_with(line, &|_| false)
    }

    /// [`Continuation::next`], where a key is a secret's also when
    /// `secret_key` says so.
    fn next_with(self, line: &str, secret_key: &dyn Fn(&str) -> bool) -> Continuation {
        let body = line.trim_start();
        let secret_value = if self.continues {
            self.secret_value
        } else {
            if body.starts_with('#') || body.starts_with('!') {
                // A comment never continues.
                return Continuation::default();
            }
            let key_end = body
                .find(|c: char| c == '=' || c == ':' || c.is_whitespace())
                .unwrap_or(body.len());
            let key = &body[..key_end];
            vocab::is_secret_or_key_name(key) || secret_key(key)
        };
        let backslashes = body.len() - body.trim_end_matches('\\').len();
        Continuation {
            continues: backslashes % 2 == 1,
            secret_value,
        }
    }
}

/// Masks known secrets, then any value assigned to a secret-named key on the
/// line (`password="..."`, `password: ...`, `password=...`), then shortens
/// (the line's start: [`MaskedLine::window`] for a window around a column).
#[cfg(test)]
pub fn mask_line(line: &str, redactor: &Redactor) -> String {
    MaskedLine::new(line, redactor).window(0, redactor).0
}

/// How many characters of a snippet come before the finding's column when
/// the line is longer than [`MAX_SNIPPET`].
const BEFORE_COLUMN: usize = 80;

/// A line of a scanned file masked whole (every secret on it, wherever the
/// window shown will be), with where the masks stand, so that many
/// findings on one long line (a minified file's) each get their window
/// without masking the line again. It holds no borrow of the redactor
/// that masked it (its windows are cut with that one), so that a long line
/// can wait for the next batch of its file's findings.
pub struct MaskedLine {
    original: String,
    masked: String,
    /// Each mask, in order: the characters of the line it hides, and its
    /// own characters in `masked`. `None` when the masked text cannot be
    /// aligned with the line (a mask's text written in the file itself,
    /// overlapping masks): columns are then found by masking the text
    /// before them.
    masks: Option<Vec<Mask>>,
    /// Byte offset of every [`STRIDE`]th character of `masked`.
    masked_index: Vec<usize>,
    /// Byte offset of every [`STRIDE`]th character of `original`.
    original_index: Vec<usize>,
    /// The length of `original` in characters: counted once, not per
    /// finding (past a cut line's end, each of 100,000 findings counted
    /// 4 MiB of it).
    original_chars: usize,
    /// The length of `masked`, trimmed at its end, in characters; for a
    /// line cut at [`LONG_LINE_CAP`], where the [`CUT_MARGIN`] before the
    /// cut starts: nothing from there on is shown.
    masked_chars: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mask {
    /// Characters `start..end` of the line.
    original: (usize, usize),
    /// Characters `start..end` of the masked line.
    masked: (usize, usize),
}

const STRIDE: usize = 256;

fn char_index(text: &str) -> Vec<usize> {
    text.char_indices()
        .step_by(STRIDE)
        .map(|(i, _)| i)
        .collect()
}

/// The byte offset of character `n` of `text` (its length past the end).
fn byte_of(text: &str, index: &[usize], n: usize) -> usize {
    let Some(&from) = index.get(n / STRIDE) else {
        return text.len();
    };
    text[from..]
        .char_indices()
        .nth(n % STRIDE)
        .map_or(text.len(), |(i, _)| from + i)
}

impl MaskedLine {
    /// Takes the line (a minified file's may be tens of megabytes: not
    /// copied again).
    #[cfg(test)]
    pub fn new(line: impl Into<String>, redactor: &Redactor) -> MaskedLine {
        Self::read(
            SnippetLine {
                text: line.into(),
                cut: false,
            },
            redactor,
        )
    }

    /// [`MaskedLine::new`] of a line [`read_lines`] read: when it was cut,
    /// the [`CUT_MARGIN`] before the cut is never shown.
    pub fn read(line: SnippetLine, redactor: &Redactor) -> MaskedLine {
        let SnippetLine { text: line, cut } = line;
        let masked = mask_whole_line(&line, redactor);
        let masks = if masked == line {
            Some(Vec::new())
        } else {
            align(&line, &masked)
        };
        let mut masked_line = MaskedLine {
            masked_chars: masked.trim_end().chars().count(),
            masked_index: char_index(&masked),
            original_index: char_index(&line),
            original_chars: line.chars().count(),
            original: line,
            masked,
            masks,
        };
        if cut {
            let kept = masked_line.original_chars;
            masked_line.masked_chars = masked_line
                .masked_column(kept.saturating_sub(CUT_MARGIN), redactor)
                .unwrap_or(0)
                .min(masked_line.masked_chars);
        }
        masked_line
    }

    /// The length of the line in bytes (as read: at most [`LONG_LINE_CAP`]).
    pub fn original_len(&self) -> usize {
        self.original.len()
    }

    /// 0-based character of the masked line where 0-based character
    /// `column` of the line is: moved by the masks before it; a column
    /// inside a secret is at its mask's start.
    fn masked_column(&self, column: usize, redactor: &Redactor) -> Option<usize> {
        if column >= self.original_chars {
            return None;
        }
        let end = byte_of(&self.original, &self.original_index, column);
        let Some(masks) = &self.masks else {
            // Not aligned: the text before the column, masked alone.
            let prefix = &self.original[..end];
            return Some(mask_whole_line(prefix, redactor).chars().count());
        };
        let before = masks.partition_point(|m| m.original.1 <= column);
        match masks.get(before) {
            Some(m) if m.original.0 <= column => Some(m.masked.0),
            _ => Some(match before.checked_sub(1).map(|i| masks[i]) {
                Some(m) => column - m.original.1 + m.masked.1,
                None => column,
            }),
        }
    }

    /// The snippet of a finding at 1-based `column` (0: none) and where the
    /// column falls in it (1-based). A line of at most [`MAX_SNIPPET`]
    /// characters is shown whole; a longer one as a window of them, from
    /// [`BEFORE_COLUMN`] characters before the column, `…` marking each cut
    /// end. The window is cut from the masked line, and never inside a
    /// mask: a mask the cut would split is left out whole.
    pub fn window(&self, column: u32, redactor: &Redactor) -> (String, Option<u32>) {
        let len = self.masked_chars;
        let col = (column as usize)
            .checked_sub(1)
            .and_then(|c| self.masked_column(c, redactor))
            // Past a cut line's shown part: the line's start.
            .filter(|&c| c < len);
        if len <= MAX_SNIPPET {
            let shown = self.masked.trim_end().to_string();
            return (shown, col.map(|c| c as u32 + 1));
        }
        let start = col.map_or(0, |c| c.saturating_sub(BEFORE_COLUMN));
        let start = start.min(len - MAX_SNIPPET);
        let mut end = start + MAX_SNIPPET;
        let mut start = start;
        if let Some(masks) = &self.masks {
            // A mask split by an end is left out.
            let split = |at: usize| {
                let i = masks.partition_point(|m| m.masked.1 <= at);
                masks.get(i).filter(|m| m.masked.0 < at)
            };
            if let Some(m) = split(start) {
                start = m.masked.1;
            }
            if let Some(m) = split(end) {
                end = m.masked.0.max(start);
            }
        }
        let from = byte_of(&self.masked, &self.masked_index, start);
        let to = byte_of(&self.masked, &self.masked_index, end);
        let mut shown = String::with_capacity(to - from + 6);
        let mut caret = col
            .filter(|c| (start..end).contains(c))
            .map(|c| c - start + 1);
        if start > 0 {
            shown.push('…');
            caret = caret.map(|c| c + 1);
        }
        shown.push_str(&self.masked[from..to]);
        if end < len {
            shown.push('…');
        }
        (shown, caret.map(|c| c as u32))
    }
}

/// The masks `masked` (`line` masked whole) holds, in order; `None` when
/// the two cannot be aligned. Every mask is [`mask`]'s: the secret's first
/// two characters (a secret of 8 or more) then `…(N)`, N its length.
fn align(line: &str, masked: &str) -> Option<Vec<Mask>> {
    let (o, m) = (line.as_bytes(), masked.as_bytes());
    let (mut i, mut j) = (0, 0);
    // Characters before `i` and `j`.
    let (mut ci, mut cj) = (0usize, 0usize);
    let mut masks = Vec::new();
    loop {
        // The common stretch, counted in characters.
        let same = o[i..]
            .iter()
            .zip(&m[j..])
            .take_while(|(a, b)| a == b)
            .count();
        // Back to the start of a character the two only begin alike.
        let mut same_at = same;
        while !masked.is_char_boundary(j + same_at) || !line.is_char_boundary(i + same_at) {
            same_at -= 1;
        }
        ci += line[i..i + same_at].chars().count();
        cj += masked[j..j + same_at].chars().count();
        i += same_at;
        j += same_at;
        if i == o.len() && j == m.len() {
            return Some(masks);
        }
        let token = masked[j..].strip_prefix("…(")?;
        let digits = token.bytes().take_while(u8::is_ascii_digit).count();
        let n: usize = token[..digits].parse().ok()?;
        if !token[digits..].starts_with(')') {
            return None;
        }
        let token_chars = 2 + digits + 1;
        let head = if n >= 8 { 2 } else { 0 };
        if ci < head || cj < head {
            return None;
        }
        // The secret: its head (already passed) and the rest.
        let rest = n - head;
        let rest_bytes = line[i..].char_indices().nth(rest).map_or_else(
            || (line[i..].chars().count() == rest).then_some(line.len() - i),
            |(b, _)| Some(b),
        )?;
        masks.push(Mask {
            original: (ci - head, ci + rest),
            masked: (cj - head, cj + token_chars),
        });
        i += rest_bytes;
        ci += rest;
        j += "…(".len() + digits + 1;
        cj += token_chars;
    }
}

/// [`mask_line`] without shortening: the whole line, every secret masked.
fn mask_whole_line(line: &str, redactor: &Redactor) -> String {
    let line = redactor.redact_source(line);
    mask_private_key_bodies(&mask_element_texts(&mask_url_passwords(&mask_assignments(
        &line,
    ))))
}

/// Every line of a file's text, masked as a finding's snippet line is but
/// whole (never shortened), each with its line ending: what a diff of the
/// file may show. `lines` are the file's lines in order, endings included.
/// In a `.properties` file (by `path`), a line that continues the value of
/// a secret-named key is masked whole, as [`read_lines`] does, and so is one
/// that continues the value of a key `secret_key` names (a property read
/// where a secret goes, whatever its name).
pub fn mask_lines<'a>(
    path: &str,
    lines: impl IntoIterator<Item = &'a str>,
    redactor: &Redactor,
    secret_key: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let properties = path.ends_with(".properties");
    let lines: Vec<&str> = lines.into_iter().collect();
    let hidden = if properties {
        intguard_readers::properties_value_parts(lines.iter().copied(), &|v| {
            redactor.redact(v) != v
        })
    } else {
        HashMap::new()
    };
    let mut continued = Continuation::default();
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let text = line.trim_end_matches(['\r', '\n']);
            let ending = &line[text.len()..];
            let secret_part = properties && continued.continues && continued.secret_value;
            if properties {
                continued = continued.next_with(text, secret_key);
            }
            let body = text.trim_start();
            // Offsets count the first line without its byte order mark.
            let bom = if i == 0 && text.starts_with('\u{feff}') {
                '\u{feff}'.len_utf8()
            } else {
                0
            };
            let hidden_from = u32::try_from(i + 1)
                .ok()
                .and_then(|n| hidden.get(&n))
                .map(|at| at + bom);
            let shown = if secret_part && !body.is_empty() {
                format!("{}{}", &text[..text.len() - body.len()], mask(body))
            } else if hidden_from.is_some() {
                mask_whole_line(&mask_value_part(text, hidden_from), redactor)
            } else {
                mask_whole_line(text, redactor)
            };
            format!("{shown}{ending}")
        })
        .collect()
}

/// A YAML block scalar's indicator (`|`, `>-`, `|2+` ...): the value is on
/// the lines below.
fn is_block_indicator(value: &str) -> bool {
    let v = value.trim();
    v.starts_with(['|', '>'])
        && v.len() <= 3
        && v[1..]
            .chars()
            .all(|c| matches!(c, '-' | '+') || c.is_ascii_digit())
}

/// Masks the body of a private key written on the line after its BEGIN
/// label (a key in a JSON string or a `.properties` value, `\n`-escaped):
/// the line of an IG105 finding is the key itself, whatever its field's name.
fn mask_private_key_bodies(line: &str) -> String {
    const BEGIN: &str = "-----BEGIN ";
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(BEGIN) {
        let after_begin = &rest[at + BEGIN.len()..];
        let Some(label_len) = after_begin.find("-----") else {
            break;
        };
        let label = &after_begin[..label_len];
        let body_at = at + BEGIN.len() + label_len + "-----".len();
        out.push_str(&rest[..body_at]);
        rest = &rest[body_at..];
        if !label.contains("PRIVATE KEY") {
            continue;
        }
        let end = rest.find("-----END").unwrap_or(rest.len());
        let body = &rest[..end];
        if intguard_readers::looks_like_pem_body(body) {
            out.push_str(&mask(body));
        } else {
            out.push_str(body);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A value that names a secret instead of holding one: a property
/// reference, an expression, an encrypted value, a mask. Template values
/// (`changeme`) and well-known defaults (`changeit`) are masked like any
/// other: rules report a keystore's default password as a secret, and the
/// snippet must not show what the message masks.
fn is_reference(value: &str) -> bool {
    vocab::is_reference_value(value) || vocab::is_mask(value) || is_dataweave_reference(value)
}

/// A DataWeave expression that reads the value from elsewhere: a property
/// (`p("secure::x")`, `Mule::p('x')`), a variable, an attribute or the
/// payload (`vars.cs`). A literal is quoted.
fn is_dataweave_reference(value: &str) -> bool {
    let v = value.trim().trim_end_matches(',');
    v.starts_with("p(\"")
        || v.starts_with("p('")
        || v.starts_with("Mule::p(")
        || ["vars.", "attributes.", "payload."]
            .iter()
            .any(|prefix| v.starts_with(prefix))
            && v[v.find('.').unwrap_or(0) + 1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// Masks `name="value"`, `name: value` and `name=value` when `name` is a secret
/// name and the value is not a reference. A belt to the redactor's braces: it
/// catches secrets no reader recorded.
fn mask_assignments(line: &str) -> String {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'=' || c == b':' {
            // The name before the separator, and any blanks between them
            // (`sfdc.password = x` in .properties, `password = "x"` in XML).
            let mut e = i;
            while e > 0 && (bytes[e - 1] == b' ' || bytes[e - 1] == b'\t') {
                e -= 1;
            }
            let mut s = e;
            while s > 0 && {
                let b = bytes[s - 1];
                b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-'
            } {
                s -= 1;
            }
            let name = &line[s..e];
            // `${sf.token:default}`: the colon ends a property name inside a
            // reference, not an assignment.
            if c == b':' && (line[..s].ends_with("${") || line[..s].ends_with("secure::")) {
                i += 1;
                continue;
            }
            // `<http:header key="client_secret" value="..."/>`: the name is
            // the `key` attribute's value, the secret the `value`'s.
            if name == "key" && c == b'=' && {
                let element_rest = line[i + 1..].split('>').next().unwrap_or("");
                secret_name_value(&line[i + 1..]) || element_rest.contains(" value=")
            } {
                // `key="client_secret" value="..."`: the key names a header
                // or parameter, it is no secret (a secure-properties `key`
                // has no `value` beside it).
                i += 1;
                continue;
            }
            let named_by_key = name == "value" && secret_named_by_key_before(&line[..s]);
            if !name.is_empty() && (vocab::is_secret_or_key_name(name) || named_by_key) {
                let mut v = i + 1;
                while v < bytes.len() && (bytes[v] == b' ' || bytes[v] == b'\t') {
                    v += 1;
                }
                if c == b':' {
                    // YAML: `*name` is an alias (the value is elsewhere);
                    // `&name` and `!tag` before a value are not the value.
                    if bytes.get(v) == Some(&b'*') {
                        i += 1;
                        continue;
                    }
                    v = past_yaml_anchor_and_tag(line, v);
                }
                let (start, end) = if v < bytes.len() && (bytes[v] == b'"' || bytes[v] == b'\'') {
                    (v + 1, closing_quote(bytes, v))
                } else {
                    // A URL's query parameter (`?client_secret=x"`) ends at
                    // the next parameter or the attribute's quote; a `#` in
                    // it is masked with it (a JDBC driver reads
                    // `password=Pw#12` whole; elsewhere `#` opens a comment).
                    // (In XML the `&` before it is written `&amp;`.)
                    let in_query = c == b'='
                        && s > 0
                        && (matches!(bytes[s - 1], b'?' | b'&') || line[..s].ends_with("&amp;"));
                    let end = line[v..]
                        .find(|ch: char| {
                            ch.is_whitespace()
                                || (!in_query && ch == '#')
                                || (in_query && matches!(ch, '"' | '\'' | '&' | '<'))
                        })
                        .map(|e| v + e)
                        .unwrap_or(line.len());
                    (v, end)
                };
                let value = &line[start.min(line.len())..end];
                // Skip references, values the redactor already masked, and a
                // YAML block scalar's indicator (`key: |`, the value below).
                if !value.is_empty()
                    && !is_reference(value)
                    && !value.contains("…(")
                    && !is_block_indicator(value)
                {
                    out.push_str(&line[copied..start]);
                    out.push_str(&mask(value));
                    copied = end;
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    out.push_str(&line[copied..]);
    out
}

/// Where a YAML value starting at `v` begins after an anchor (`&creds`)
/// and a tag (`!!str`), when a value follows them on the line; `v` itself
/// otherwise (`password: &x` alone: `&x` may be the secret).
fn past_yaml_anchor_and_tag(line: &str, mut v: usize) -> usize {
    let bytes = line.as_bytes();
    for _ in 0..2 {
        if !matches!(bytes.get(v), Some(b'&' | b'!')) {
            break;
        }
        let token_end = line[v..]
            .find(char::is_whitespace)
            .map_or(line.len(), |e| v + e);
        let next = line[token_end..]
            .find(|ch: char| !ch.is_whitespace())
            .map(|e| token_end + e);
        match next {
            Some(n) if bytes[n] != b'#' => v = n,
            _ => break,
        }
    }
    v
}

/// The end of a value quoted at `open` (the index of its quote): the next
/// unescaped quote of the same kind, or the line's end. `\"` escapes in
/// double quotes (YAML, JSON), `''` in single quotes (YAML).
fn closing_quote(bytes: &[u8], open: usize) -> usize {
    let q = bytes[open];
    let mut j = open + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' if q == b'"' => j += 2,
            b if b == q && q == b'\'' && bytes.get(j + 1) == Some(&b'\'') => j += 2,
            b if b == q => return j,
            _ => j += 1,
        }
    }
    bytes.len()
}

/// The quoted or bare value starting `rest` (after an `=`), unquoted.
fn leading_value(rest: &str) -> &str {
    let rest = rest.trim_start();
    match rest.as_bytes().first() {
        Some(b'"') | Some(b'\'') => &rest[1..closing_quote(rest.as_bytes(), 0).min(rest.len())],
        _ => rest
            .split(|c: char| c.is_whitespace() || c == '/' || c == '>')
            .next()
            .unwrap_or(""),
    }
}

/// Names of headers and parameters that carry a credential.
fn secret_name_value(rest: &str) -> bool {
    let v = leading_value(rest);
    vocab::is_secret_name(v)
        || v.eq_ignore_ascii_case("authorization")
        || v.eq_ignore_ascii_case("proxy-authorization")
}

/// True when the element being written before a `value=` has a `key=`
/// attribute naming a secret (`key="client_secret"`, `key="Authorization"`).
fn secret_named_by_key_before(before: &str) -> bool {
    let element = before.rfind('<').map_or(before, |i| &before[i..]);
    let mut rest = element;
    while let Some(i) = rest.find("key") {
        let after = &rest[i + 3..];
        let standalone = rest[..i]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace());
        let eq = after.trim_start();
        if standalone && eq.starts_with('=') && secret_name_value(&eq[1..]) {
            return true;
        }
        rest = after;
    }
    false
}

/// Masks the text of elements named like a secret
/// (`<password>...</password>` in a pom's deployment settings,
/// `<encryption.key>...</encryption.key>` in its properties).
fn mask_element_texts(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(i) = line[from..].find('<') {
        let open = from + i;
        from = open + 1;
        let rest = &line[open + 1..];
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':')))
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        if name.is_empty()
            || !rest[name_len..].starts_with('>')
            || !vocab::is_secret_or_key_name(name)
        {
            continue;
        }
        let start = open + 1 + name_len + 1;
        let end = line[start..].find('<').map_or(line.len(), |e| start + e);
        let text = &line[start..end];
        if text.trim().is_empty() || is_reference(text.trim()) || text.contains("…(") {
            continue;
        }
        out.push_str(&line[copied..start]);
        out.push_str(&mask(text));
        copied = end;
        from = end;
    }
    out.push_str(&line[copied..]);
    out
}

/// Masks the password of URLs written with credentials
/// (`https://user:password@host`): whatever the attribute or key is called.
fn mask_url_passwords(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut from = 0;
    // After a scheme (`https://user:pw@host`), and at the start of a quoted
    // value (`host="user:pw@host"`). The next `://` is searched for again
    // only once passed: a line of many quotes and no URL is read once, not
    // once per quote.
    // Where the next `://` starts, as found by the last search; `None`: none
    // after where that search began.
    let mut next_scheme: Option<usize> = None;
    let mut searched = false;
    let mut next_authority = |from: usize| -> Option<usize> {
        if !searched || next_scheme.is_some_and(|at| at < from) {
            next_scheme = line[from..].find("://").map(|i| from + i);
            searched = true;
        }
        let scheme = next_scheme.map(|at| at + 3);
        let quote = line[from..].find(['"', '\'']).map(|i| from + i + 1);
        match (scheme, quote) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    };
    while let Some(auth_start) = next_authority(from) {
        from = auth_start;
        let rest = &line[auth_start..];
        let auth_end = rest
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '/' | '"' | '\'' | '<' | '>' | '?' | '#')
            })
            .unwrap_or(rest.len());
        let authority = &rest[..auth_end];
        let Some(at) = authority.rfind('@') else {
            continue;
        };
        let Some(colon) = authority[..at].find(':') else {
            continue;
        };
        if authority[..colon].contains("${") {
            continue;
        }
        let password = &authority[colon + 1..at];
        if password.is_empty() || is_reference(password) || password.contains("…(") {
            continue;
        }
        let start = auth_start + colon + 1;
        out.push_str(&line[copied..start]);
        out.push_str(&mask(password));
        copied = start + password.len();
    }
    out.push_str(&line[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by testing as a user would: a URL query's secret was masked
    /// with the attribute's closing quote and tag (`Ur…(18)` for 15
    /// characters).
    #[test]
    fn a_query_parameter_ends_at_the_quote_or_the_next_parameter() {
        assert_eq!(
            mask_assignments(r#"<r url="https://x/y?client_secret=UrlQuerySecret9"/>"#),
            r#"<r url="https://x/y?client_secret=Ur…(15)"/>"#
        );
        assert_eq!(
            mask_assignments("https://x/y?client_secret=UrlQuerySecret9&user=bob"),
            "https://x/y?client_secret=Ur…(15)&user=bob"
        );
        // A `#` is part of a query's value (a JDBC password), also after
        // an XML-escaped `&amp;`.
        assert_eq!(
            mask_assignments(r#"<c url="jdbc:mysql://h/db?user=u&amp;password=Pw-1#Zq81"/>"#),
            r#"<c url="jdbc:mysql://h/db?user=u&amp;password=Pw…(9)"/>"#
        );
        // Not a query: the value runs to the blank, quote and all.
        assert_eq!(
            mask_assignments(r#"db.password=ab"cdefgh"#),
            r#"db.password=ab…(9)"#
        );
    }

    /// Found by testing as a user would: `securityToken="${sf.token:}"`
    /// showed `${sf.token:…(4)` (the colon of a default taken for an
    /// assignment), and a dry run's new `password: p("secure::x")` a mask.
    #[test]
    fn references_and_their_defaults_are_not_values() {
        let line = r#"<x securityToken="${sf.token:}"/>"#;
        assert_eq!(mask_assignments(line), line);
        let line = r#"<x password="${secure::sf.pass:}"/>"#;
        assert_eq!(mask_assignments(line), line);
        for line in [
            r#"{ password: p("secure::token_flow.password") }"#,
            "{ client_secret: vars.cs, user: attributes.headers.user }",
            "{ password: Mule::p('sf.pass') }",
        ] {
            assert_eq!(mask_assignments(line), line);
        }
        // A literal is still masked.
        assert_eq!(
            mask_assignments(r#"{ password: "Dw-Literal-12" }"#),
            r#"{ password: "Dw…(13)" }"#
        );
    }

    /// Found by testing as a user would: `token: &tok "…"` showed the
    /// anchor masked as a secret of its own, and `other: *tok` the alias.
    #[test]
    fn yaml_anchors_tags_and_aliases_are_not_values() {
        assert_eq!(
            mask_assignments(r#"  token: &tok "Tok-Anchor-Secret-7788""#),
            r#"  token: &tok "To…(22)""#
        );
        assert_eq!(
            mask_assignments(r#"  password: !!str Plain-Secret-991"#),
            r#"  password: !!str Pl…(16)"#
        );
        assert_eq!(
            mask_assignments(r#"  password: &pw !!str "Both-Secret-1""#),
            r#"  password: &pw !!str "Bo…(13)""#
        );
        assert_eq!(
            mask_assignments("  other_token: *tok"),
            "  other_token: *tok"
        );
        // Alone, it may be the secret; in .properties `*` is a character.
        assert_eq!(mask_assignments("  password: &x1234"), "  password: …(6)");
        assert_eq!(
            mask_assignments("db.password=*Star-991"),
            "db.password=*S…(9)"
        );
    }

    #[test]
    fn masks_secret_assignments_in_every_syntax() {
        let r = Redactor::default();
        let xml = mask_line(
            r#"<salesforce:basic-connection username="u@x.com" password="Tiger2024!" securityToken="${secure::t}"/>"#,
            &r,
        );
        assert!(!xml.contains("Tiger2024!"), "{xml}");
        assert!(xml.contains("Ti…(10)"));
        assert!(xml.contains("${secure::t}"));
        assert!(xml.contains("u@x.com"));
        let yaml = mask_line("  password: \"Tiger2024!\"  # prod", &r);
        assert!(!yaml.contains("Tiger2024!"), "{yaml}");
        let props = mask_line("sfdc.password=Tiger2024!", &r);
        assert_eq!(props, "sfdc.password=Ti…(10)");
        // Blanks around the separator (found by fuzzing: the first line of a
        // value continued with `\` was shown, as the redactor only knows the
        // whole value).
        let spaced = mask_line("sfdc.password = DevPlain\\", &r);
        assert_eq!(spaced, "sfdc.password = De…(9)");
        let tabbed = mask_line("sfdc.password\t:\tTiger2024!", &r);
        assert_eq!(tabbed, "sfdc.password\t:\tTi…(10)");
        let xml = mask_line(r#"<sfdc:config password = "Tiger2024!"/>"#, &r);
        assert!(!xml.contains("Tiger2024!"), "{xml}");
        assert_eq!(
            mask_line("url: https://x.com:8443/a", &r),
            "url: https://x.com:8443/a"
        );
    }

    #[test]
    fn continued_properties_values_of_secrets_are_masked_line_by_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mule.prod.properties");
        std::fs::write(
            &path,
            "# a comment \\\n\
             sfdc.password = FirstHalf7\\\n\
             \x20   SecondHalf9\\\n\
             \x20   ThirdPart11\n\
             sfdc.url = https://login.salesforce.com/\\\n\
             \x20   services/Soap/u/60.0\n\
             note = ends with an escaped backslash \\\\\n\
             plain.line = visible\n\
             sfdc.password = NotContinued1\n\
             sfdc.username = int@acme.com\n",
        )
        .unwrap();
        let path = path.to_str().unwrap();
        let got = read_lines(path, &[1, 3, 4, 6, 8, 10]);
        assert_eq!(got[&1].text, "# a comment \\");
        assert_eq!(got[&3].text, "    Se…(12)");
        assert_eq!(got[&4].text, "    Th…(11)");
        assert_eq!(got[&6].text, "    services/Soap/u/60.0");
        assert_eq!(got[&8].text, "plain.line = visible");
        assert_eq!(got[&10].text, "sfdc.username = int@acme.com");
        // Other files are read as they are.
        let yaml = dir.path().join("a.yaml");
        std::fs::write(&yaml, "password: |\n  Kept1234\n").unwrap();
        assert_eq!(
            read_lines(yaml.to_str().unwrap(), &[2])[&2].text,
            "  Kept1234"
        );
    }

    /// A later batch of a file's findings reads on from where the one
    /// before stopped (the start of the last line it read), with the lines
    /// numbered on from there; a position past a wanted line is not used.
    #[test]
    fn reading_resumes_at_the_last_line_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        let text: String = (1..=50).map(|i| format!("line {i}\n")).collect();
        std::fs::write(&path, &text).unwrap();
        let path = path.to_str().unwrap();
        let (first, at) = read_lines_from(path, &[3, 20], None, &Redactor::default());
        assert_eq!(first[&20].text, "line 20");
        let at = at.expect("a plain file gives a position");
        assert_eq!(at.lines_before, 19);
        assert_eq!(at.offset, text.find("line 20").unwrap() as u64);
        // Read on from there: the same lines as from the start.
        let (next, _) = read_lines_from(path, &[20, 21, 50], Some(at), &Redactor::default());
        let whole = read_lines(path, &[20, 21, 50]);
        assert_eq!(next, whole);
        // The lines before the position are not read again: written over
        // with as many bytes in more lines, the lines from the position on
        // keep their numbers when read on, not when read from the start.
        let changed = text.replacen("line 1\n", "l\nne 1\n", 1);
        assert_eq!(changed.len(), text.len());
        std::fs::write(path, &changed).unwrap();
        assert_eq!(
            read_lines_from(path, &[21], Some(at), &Redactor::default()).0[&21].text,
            "line 21"
        );
        assert_eq!(read_lines(path, &[21]).get(&21).unwrap().text, "line 20");
        // A wanted line at or before the position: read from the start.
        let (before, _) = read_lines_from(path, &[2, 21], Some(at), &Redactor::default());
        assert_eq!(before[&2].text, "ne 1");
        // A `.properties` file is read whole: no position.
        let props = dir.path().join("a.properties");
        std::fs::write(&props, "a = 1\nb = 2\n").unwrap();
        assert_eq!(
            read_lines_from(props.to_str().unwrap(), &[2], None, &Redactor::default()).1,
            None
        );
    }

    /// Found by review: each of these printed the secret in the snippet.
    #[test]
    fn escaped_quotes_key_value_pairs_and_url_passwords_are_masked() {
        let r = Redactor::default();
        let dq = mask_line(r#"  password: "Zqx\"Quote45Secret"  # x"#, &r);
        assert!(!dq.contains("Quote45Secret"), "{dq}");
        assert!(dq.ends_with("  # x"), "{dq}");
        let sq = mask_line("  password: 'ZqxSq03''LeakedTail'", &r);
        assert!(!sq.contains("LeakedTail"), "{sq}");
        let header = mask_line(
            r#"<http:query-param key="client_secret" value="ZqxA05QueryParamSecret"/>"#,
            &r,
        );
        assert!(!header.contains("QueryParamSecret"), "{header}");
        assert!(header.contains(r#"key="client_secret""#), "{header}");
        let basic = mask_line(
            r#"<http:default-header key="Authorization" value="Basic dXNlcjpaenFTZWNyZXQ="/>"#,
            &r,
        );
        assert!(!basic.contains("dXNlcjpaenFTZWNyZXQ"), "{basic}");
        // An ordinary header stays readable.
        let plain = r#"<http:header key="Accept" value="application/json"/>"#;
        assert_eq!(mask_line(plain, &r), plain);
        let url = mask_line(
            r#"<http:request url="http://auth:ZqxReqUrl02Secret@login.salesforce.com/x"/>"#,
            &r,
        );
        assert!(!url.contains("ZqxReqUrl02Secret"), "{url}");
        assert!(url.contains("http://auth:"), "{url}");
        assert!(url.contains("@login.salesforce.com/x"), "{url}");
        let host = mask_line(r#"host="user:ZqxHostPw58Secret@api.acme.com""#, &r);
        assert!(!host.contains("ZqxHostPw58Secret"), "{host}");
        // References and ports are not passwords.
        let refs = "url: https://${u}:${secure::p}@x.com:8443/a";
        assert_eq!(mask_line(refs, &r), refs);
    }

    /// Found by review: a pom on one line showed its deployment password in
    /// the snippet of a finding about another element of that line.
    /// A keystore's default password is reported as a secret, masked in
    /// the message: the snippet masks it too. References stay readable.
    #[test]
    fn defaults_are_masked_references_are_not() {
        let r = Redactor::default();
        let line = mask_line(
            r#"<tls:key-store path="c.p12" password="changeit" keyPassword="password" alias="${tls.alias}"/>"#,
            &r,
        );
        assert!(
            !line.contains("changeit") && !line.contains(r#"keyPassword="password""#),
            "{line}"
        );
        let line = mask_line(
            r#"<tls:key-store password="${secure::tls.password}" keyPassword="![a2V5]"/>"#,
            &r,
        );
        assert!(
            line.contains("${secure::tls.password}") && line.contains("![a2V5]"),
            "{line}"
        );
    }

    /// A private key on one line (a JSON string, a `.properties` value)
    /// shows its label, never its body, whatever its field is called.
    #[test]
    fn private_key_bodies_on_one_line_are_masked() {
        let r = Redactor::default();
        let json = mask_line(
            r#"{"name": "sfdc-int", "pem": "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEINAPSyUOXEUB1lNnqfsgXaDzc0eLHjK8gUpq9JIz9bAUoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n"}"#,
            &r,
        );
        assert!(json.contains("-----BEGIN EC PRIVATE KEY-----"), "{json}");
        assert!(!json.contains("EINAPSyUOXEUB1lNnqfsg"), "{json}");
        assert!(json.contains("-----END EC PRIVATE KEY-----"), "{json}");
        let props = mask_line(
            "sfdc.key=-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSj",
            &r,
        );
        assert!(!props.contains("BADANBgkqhkiG9w0"), "{props}");
        // A certificate is public; a bare label (documentation) masks nothing.
        let cert = mask_line(
            "-----BEGIN CERTIFICATE-----\\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkq",
            &r,
        );
        assert!(cert.contains("MIIDdzCCAl"), "{cert}");
        let doc = mask_line("a key starts with -----BEGIN PRIVATE KEY----- and ends", &r);
        assert_eq!(
            doc,
            "a key starts with -----BEGIN PRIVATE KEY----- and ends"
        );
        // `privateKey: |`: the block indicator is no one-character secret.
        assert_eq!(mask_line("  privateKey: |", &r), "  privateKey: |");
        // An OpenPGP key, its armor headers first (as BouncyCastle writes
        // them), in a value whose name says nothing.
        let pgp = mask_line(
            "batch.armor=-----BEGIN PGP PRIVATE KEY BLOCK-----\\nVersion: BCPG v1.58\\n\\nlQOYBGX4bWQBCADQz5m8X1m0Ab3kLp9wQe2\\n=ab12\\n-----END PGP PRIVATE KEY BLOCK-----",
            &r,
        );
        assert!(
            pgp.contains("-----BEGIN PGP PRIVATE KEY BLOCK-----"),
            "{pgp}"
        );
        assert!(!pgp.contains("lQOYBGX4bWQBCADQz5m8X1m0"), "{pgp}");
    }

    #[test]
    fn secret_named_elements_are_masked() {
        let r = Redactor::default();
        let pom = mask_line(
            "<cloudHubDeployment><username>deployer</username><password>ZqxPomPw77</password></cloudHubDeployment><mule.key>${k}</mule.key>",
            &r,
        );
        assert!(!pom.contains("ZqxPomPw77"), "{pom}");
        assert!(pom.contains("<username>deployer</username>"), "{pom}");
        assert!(pom.contains("<mule.key>${k}</mule.key>"), "{pom}");
    }

    /// Found by testing as a user would: a minified file's snippet showed
    /// the line's first 200 characters, never the place found further on.
    #[test]
    fn a_long_line_is_shown_around_the_column_masked_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("min.xml");
        let filler = "x".repeat(500_000);
        let line = format!(
            "<a password=\"Secret123456\"/>{filler}<b password=\"MiddleSecret-98765\"/>{filler}<c/>"
        );
        std::fs::write(&path, &line).unwrap();
        let got = read_lines(path.to_str().unwrap(), &[1]);
        assert_eq!(got[&1].text, line, "kept whole");
        assert!(!got[&1].cut);
        let r = Redactor::default();
        let masked = MaskedLine::new(got[&1].text.as_str(), &r);
        let b_at = line.find("<b ").unwrap() as u32 + 1;
        let (shown, caret) = masked.window(b_at, &r);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert!(!shown.contains("MiddleSecret"), "{shown}");
        assert!(shown.contains("<b password=\"Mi…(18)\"/>"), "{shown}");
        assert_eq!(shown.chars().count(), MAX_SNIPPET + 2);
        let caret = caret.unwrap() as usize;
        assert_eq!(caret, BEFORE_COLUMN + 2, "after `…` and the context");
        assert_eq!(
            shown.chars().skip(caret - 1).take(3).collect::<String>(),
            "<b "
        );
        // Near the end: the window ends there, the caret still on it.
        let c_at = line.find("<c/>").unwrap() as u32 + 1;
        let (shown, caret) = masked.window(c_at, &r);
        assert!(shown.starts_with('…') && shown.ends_with("<c/>"), "{shown}");
        let caret = caret.unwrap() as usize;
        assert_eq!(shown.chars().skip(caret - 1).collect::<String>(), "<c/>");
        // At the start: the line's start, as before.
        let (shown, caret) = masked.window(2, &r);
        assert!(shown.starts_with("<a password=\"Se…(12)\"/>xxx"), "{shown}");
        assert!(shown.ends_with('…'), "{shown}");
        assert_eq!(caret, Some(2));
    }

    /// Found by `bench/adversarial.py` (`big-profile`): a 30 MB one-line
    /// profile's line was kept and masked whole, 130 MB more at the peak.
    /// A line past LONG_LINE_CAP is kept up to it; a finding within its
    /// shown part gets its window, one in the CUT_MARGIN before the cut or
    /// past it the line's start, and no window reaches a secret the cut
    /// splits.
    #[test]
    fn a_line_past_the_cap_is_cut_and_its_end_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profile.xml");
        let secret = "CutInHalfSecret-0123456789";
        let head = format!("<a/>{}<b/>", "x".repeat(1_000));
        // The secret starts just before the cap, so the cut splits it.
        let pad = LONG_LINE_CAP - head.len() - secret.len() / 2 - "k=".len();
        let line = format!(
            "{head}{}k={secret}{}<far/>",
            "y".repeat(pad),
            "z".repeat(1_000)
        );
        std::fs::write(&path, &line).unwrap();
        let got = read_lines(path.to_str().unwrap(), &[1]);
        assert!(got[&1].cut);
        assert_eq!(got[&1].text.len(), LONG_LINE_CAP);
        let r = Redactor::new([secret.to_string()]);
        let masked = MaskedLine::read(got.into_values().next().unwrap(), &r);
        // Within the shown part: around the column.
        let b_at = head.find("<b/>").unwrap() as u32 + 1;
        let (shown, caret) = masked.window(b_at, &r);
        assert!(shown.contains("<b/>"), "{shown}");
        assert!(caret.is_some());
        // Near the cut, and past it: the line's start, never its end.
        let near_cut = (LONG_LINE_CAP - 10) as u32;
        let far = line.find("<far/>").unwrap() as u32 + 1;
        for column in [near_cut, far] {
            let (shown, caret) = masked.window(column, &r);
            assert!(shown.starts_with("<a/>x"), "{shown}");
            assert_eq!(caret, None);
            assert!(
                !shown.contains("CutInHalf") && !shown.contains('y'),
                "{shown}"
            );
        }
    }

    /// A secret across the window's edge is masked (the whole line is
    /// masked first) and its mask is never cut: left out whole.
    #[test]
    fn a_mask_across_the_window_edge_is_left_out_whole() {
        let r = Redactor::new(["Edge-Secret-0123456789".to_string()]);
        for shift in 0..30 {
            let line = format!(
                "{}k=Edge-Secret-0123456789 {}<here/>{}",
                "y".repeat(20),
                "z".repeat(BEFORE_COLUMN - 20 + shift),
                "w".repeat(400)
            );
            let at = line.find("<here/>").unwrap() as u32 + 1;
            let masked = MaskedLine::new(line.as_str(), &r);
            let (shown, caret) = masked.window(at, &r);
            assert!(
                !shown.contains("Secret-0") && !shown.contains("0123456789"),
                "{shown}"
            );
            assert!(
                shown.matches('(').count() == shown.matches("Ed…(22)").count()
                    && shown.matches(')').count() == shown.matches("Ed…(22)").count(),
                "a cut mask: {shown}"
            );
            let caret = caret.unwrap() as usize;
            let from: String = shown.chars().skip(caret - 1).take(7).collect();
            assert_eq!(from, "<here/>", "{shown}");
            // The window's end across a mask.
            let line = format!(
                "{}<here/>{}k=Edge-Secret-0123456789 {}",
                "a".repeat(100),
                "b".repeat(100 + shift),
                "c".repeat(300)
            );
            let masked = MaskedLine::new(line.as_str(), &r);
            let (shown, _) = masked.window(101, &r);
            assert!(!shown.contains("Secret-0"), "{shown}");
            let masks = shown.matches("…(").count();
            assert!(
                masks == 0 || shown.contains("Ed…(22)"),
                "a cut mask: {shown}"
            );
        }
    }

    /// Columns count characters: a window never cuts inside one, and the
    /// caret counts them.
    #[test]
    fn a_window_of_multi_byte_text_counts_characters() {
        let r = Redactor::default();
        let line = format!(
            "{}password=\"Ünï-Çødé-Sécrèt\" <x/>{}",
            "é".repeat(300),
            "漢".repeat(300)
        );
        let at = line.chars().position(|c| c == '<').unwrap() as u32 + 1;
        let masked = MaskedLine::new(line.as_str(), &r);
        let (shown, caret) = masked.window(at, &r);
        assert!(!shown.contains("Sécrèt"), "{shown}");
        assert!(shown.contains("password=\"Ün…(15)\" <x/>"), "{shown}");
        let from: String = shown
            .chars()
            .skip(caret.unwrap() as usize - 1)
            .take(4)
            .collect();
        assert_eq!(from, "<x/>");
    }

    #[test]
    fn redactor_masks_unnamed_secrets() {
        let r = Redactor::new(["00D5g000001abcd!AQ4AQabcdefghij".to_string()]);
        let out = mask_line(
            "curl -H 'Authorization: Bearer 00D5g000001abcd!AQ4AQabcdefghij'",
            &r,
        );
        assert!(!out.contains("AQ4AQabcdefghij"), "{out}");
    }

    /// A column after a masked secret moves with the mask; one before it,
    /// or on a line masking leaves alone, stays.
    #[test]
    fn columns_follow_the_masks_before_them() {
        let r = Redactor::new([
            "00D5g000001abcd!AQ4AQabcdefghij".to_string(),
            "Js-Secret-0123456".to_string(),
        ]);
        let masked_column =
            |line: &str, column: u32, r: &Redactor| MaskedLine::new(line, r).window(column, r).1;
        let line = r#"{"password":"Js-Secret-0123456","access_token":"00D5g000001abcd!AQ4AQabcdefghij","x":1}"#;
        let shown = mask_line(line, &r);
        let token_at = line.find("00D5g").unwrap() as u32 + 1;
        let moved = masked_column(line, token_at, &r).unwrap();
        let mask_at = shown.find("00…").unwrap();
        assert_eq!(
            shown[..mask_at].chars().count() as u32 + 1,
            moved,
            "{shown}"
        );
        let x_at = line.find("\"x\"").unwrap() as u32 + 1;
        let x_moved = masked_column(line, x_at, &r).unwrap();
        assert_eq!(
            shown.chars().nth(x_moved as usize - 1),
            Some('"'),
            "{shown}"
        );
        assert_eq!(&shown[shown.find("\"x\"").unwrap()..][..3], "\"x\"");
        // Inside a secret: at its mask.
        let inside = masked_column(line, token_at + 5, &r).unwrap();
        assert_eq!(inside, moved);
        // Before the first secret, and on a clean line: unchanged.
        assert_eq!(masked_column(line, 2, &r), Some(2));
        assert_eq!(masked_column("url: https://x.example", 6, &r), Some(6));
        // Past the line's end: no place.
        assert_eq!(masked_column("ab", 9, &r), None);
        assert_eq!(masked_column("ab", 3, &r), None);
    }

    /// Masks are found where they stand; a mask's own text written in the
    /// file is no mask.
    #[test]
    fn masks_are_aligned_with_the_line() {
        let line = "a=ab…(10) password=Tiger2024! b=1 token=abc c=2";
        let masked = mask_whole_line(line, &Redactor::default());
        assert_eq!(masked, "a=ab…(10) password=Ti…(10) b=1 token=…(3) c=2");
        let masks = align(line, &masked).unwrap();
        assert_eq!(
            masks,
            [
                Mask {
                    original: (19, 29),
                    masked: (19, 26)
                },
                Mask {
                    original: (40, 43),
                    masked: (37, 41)
                },
            ]
        );
    }

    #[test]
    fn a_file_s_lines_are_masked_whole_with_their_endings() {
        let r = Redactor::new(["Kn0wnSecret!".to_string()]);
        let text = "a=Kn0wnSecret!\r\nsfdc.password=First\\\n  Tail1\nerp.pass=Ab\\\n  Tail2\nhosts=a,\\\n  b\nx=1";
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let got = mask_lines("app.properties", lines, &r, &|k| k == "erp.pass");
        assert_eq!(
            got,
            [
                "a=Kn…(12)\r\n",
                "sfdc.password=…(6)\n",
                "  …(5)\n",
                "erp.pass=Ab\\\n",
                "  …(5)\n",
                "hosts=a,\\\n",
                "  b\n",
                "x=1",
            ]
        );
        // Continued lines are masked in `.properties` files only.
        let got = mask_lines("app.yaml", ["k: |\n", "  Tail1\n"], &r, &|_| true);
        assert_eq!(got, ["k: |\n", "  Tail1\n"]);
    }
}
