//! Minimal edits of Java `.properties` files.

use std::ops::Range;

use crate::text::{eol, Lines, ValueSpan};

/// The value of the entry on `line` (1-based): from after the separator to the end of the
/// line. Values with escapes or continuation lines give `None` (edited by hand).
pub(crate) fn value_span(text: &str, line: u32) -> Option<ValueSpan> {
    let lines = Lines::new(text);
    let n = line as usize;
    if n == 0 || n > lines.len() {
        return None;
    }
    let content = lines.content(n);
    let s = &text[content.clone()];
    let bytes = s.as_bytes();
    let mut i = s.len() - s.trim_start_matches([' ', '\t', '\x0c']).len();
    // The key: up to an unescaped separator.
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'=' | b':' | b' ' | b'\t' | b'\x0c' => break,
            _ => i += 1,
        }
    }
    let i = i.min(bytes.len());
    let mut j = i;
    while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\x0c') {
        j += 1;
    }
    if j < bytes.len() && matches!(bytes[j], b'=' | b':') {
        j += 1;
        while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\x0c') {
            j += 1;
        }
    }
    let value = &s[j..];
    if value.contains('\\') {
        return None;
    }
    let start = content.start + j;
    Some(ValueSpan {
        range: start..content.end,
        inner: start..content.end,
        scalar: value.to_string(),
    })
}

/// The line ranges of the given 1-based lines.
pub(crate) fn delete_ranges(text: &str, key_lines: &[u32]) -> Vec<Range<usize>> {
    let lines = Lines::new(text);
    let mut out: Vec<Range<usize>> = key_lines
        .iter()
        .map(|&l| l as usize)
        .filter(|&l| l >= 1 && l <= lines.len())
        .map(|l| lines.full(l))
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
    out.push_str(&format!("{}={value}{nl}", escape_key(name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans() {
        let t = "# c\nsfdc.password = Tiger 2024\nx:y\nk\\=v=1\n";
        let v = value_span(t, 2).unwrap();
        assert_eq!(v.scalar, "Tiger 2024");
        assert_eq!(value_span(t, 3).unwrap().scalar, "y");
        assert_eq!(value_span(t, 4).unwrap().scalar, "1");
        assert!(value_span("a=b\\\n c\n", 1).is_none());
    }

    #[test]
    fn appends() {
        assert_eq!(append("a=1", "b.c", "![x]"), "a=1\nb.c=![x]\n");
        assert_eq!(append("", "a b", "1"), "a\\ b=1\n");
    }
}
