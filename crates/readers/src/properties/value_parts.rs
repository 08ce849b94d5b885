//! Where a `.properties` value stands on lines that do not show it whole,
//! for output that must mask it there: a value continued over several lines (`pw = Abc\`,
//! `    defGhi`), or written with escapes (`pw = a\=bcdef`). The reader knows
//! such a value joined and unescaped, so masking a line by the secrets it
//! holds misses the parts (a piece shorter than
//! [`intguard_model::secret::MIN_FRAGMENT_LEN`] is no known secret on its
//! own, lest ordinary words be masked): the value's part of each of those
//! lines is to be masked whole instead. Lines are joined and the key told
//! from the value as [`super::java_properties`] reads them.

use std::collections::HashMap;

use super::java_properties::{continues, is_ws, value_start};

/// A logical line being joined: its text (each line's leading white space
/// and continuing backslash left out, as the reader joins it) and, per
/// physical line, its number, where its text starts in the logical line
/// and how much white space leads it.
#[derive(Default)]
struct Logical {
    text: String,
    lines: Vec<(u32, usize, usize)>,
}

/// By line number (from 1), the byte offset on the line (as `lines` give
/// it, without its ending; the first line without a byte order mark) from
/// which the line is part of a value that spans lines or holds escapes and
/// that `is_secret` says is one (asked of the value as the reader reads
/// it).
pub fn value_parts_to_mask<'a>(
    lines: impl IntoIterator<Item = &'a str>,
    is_secret: &dyn Fn(&str) -> bool,
) -> HashMap<u32, usize> {
    let mut out = HashMap::new();
    let mut logical: Option<Logical> = None;
    for (i, line) in lines.into_iter().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = line.trim_end_matches(['\r', '\n']);
        let line = if n == 1 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        };
        let trimmed = line.trim_start_matches(is_ws);
        let lead = line.len() - trimmed.len();
        let mut current = match logical.take() {
            Some(current) => current,
            None => {
                if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!') {
                    continue;
                }
                Logical::default()
            }
        };
        current.lines.push((n, current.text.len(), lead));
        current.text.push_str(trimmed);
        if continues(&current.text) {
            current.text.pop();
            logical = Some(current);
            continue;
        }
        note(&current, is_secret, &mut out);
    }
    if let Some(current) = logical {
        note(&current, is_secret, &mut out);
    }
    out
}

/// Adds the lines of `logical`'s value to `out` when the value spans lines
/// or holds escapes and `is_secret` says it is one.
fn note(logical: &Logical, is_secret: &dyn Fn(&str) -> bool, out: &mut HashMap<u32, usize>) {
    let at = value_start(&logical.text);
    let written = &logical.text[at..];
    // Each line holding some of the value, with where that part starts.
    let parts: Vec<(u32, usize)> = logical
        .lines
        .iter()
        .enumerate()
        .filter_map(|(k, &(n, start, lead))| {
            let end = logical
                .lines
                .get(k + 1)
                .map_or(logical.text.len(), |next| next.1);
            (end > at.max(start)).then(|| (n, lead + at.saturating_sub(start)))
        })
        .collect();
    if parts.len() < 2 && !written.contains('\\') {
        // Written whole on one line: masked there as it stands.
        return;
    }
    let value =
        super::java_properties::unescape_value(written).unwrap_or_else(|| written.to_string());
    if is_secret(&value) {
        out.extend(parts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str, secrets: &[&str]) -> Vec<(u32, usize)> {
        let is_secret = |v: &str| secrets.contains(&v);
        let mut got: Vec<(u32, usize)> =
            value_parts_to_mask(text.split_inclusive('\n'), &is_secret)
                .into_iter()
                .collect();
        got.sort_unstable();
        got
    }

    #[test]
    fn a_continued_secret_is_masked_from_its_value_on_every_line() {
        let text = "user = svc\nsf.pass = Contin\\\n    uedSecretTail99\nnext = 1\n";
        assert_eq!(parts(text, &["ContinuedSecretTail99"]), [(2, 10), (3, 4)]);
        // A value no secret of the scan: left to the other masking.
        assert!(parts(text, &["Unrelated-Secret"]).is_empty());
    }

    #[test]
    fn separators_escapes_and_a_value_starting_on_the_next_line() {
        // Whitespace separator, an escaped `=` in the value.
        assert_eq!(parts("pw\ta\\=bcd\n", &["a=bcd"]), [(1, 3)]);
        // `:` and the value whole on the continuation line: masked there.
        assert!(parts("pw:\\\n  LaterValue1\n", &["LaterValue1"]).is_empty());
        // An escaped separator in the key: the value starts after the real one.
        assert_eq!(
            parts("a\\=b = Xy\\\n z12345\n", &["Xyz12345"]),
            [(1, 7), (2, 1)]
        );
        // A byte order mark on the first line, CRLF endings.
        assert_eq!(
            parts("\u{feff}pw=Ab\\\r\n cdefgh\r\n", &["Abcdefgh"]),
            [(1, 3), (2, 1)]
        );
        // A single-line value without escapes is masked where it stands.
        assert!(parts("pw = Plain12345\n", &["Plain12345"]).is_empty());
        // Comments never continue.
        assert!(parts("# pw = Ab\\\nx = cdefgh\n", &["Abcdefgh"]).is_empty());
    }

    #[test]
    fn a_file_ending_inside_a_continued_value() {
        assert_eq!(
            parts("pw = Tail\\\n end12", &["Tailend12"]),
            [(1, 5), (2, 1)]
        );
    }
}
