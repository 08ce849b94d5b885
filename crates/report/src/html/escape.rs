//! Text to HTML: every character markup could read is escaped, and control
//! characters and bidirectional overrides become visible `\u{..}` escapes
//! ([`crate::visible`]), so text from the scanned files can neither add
//! markup nor make a line read other than it is.

use std::fmt::Write as _;

use crate::visible::needs_escape;

/// Appends `raw` as HTML text (element content or a quoted attribute
/// value); line breaks are made visible like other control characters.
pub(crate) fn text(out: &mut String, raw: &str) {
    for c in raw.chars() {
        char(out, c, false);
    }
}

/// [`text`], keeping line breaks (shown by `white-space: pre-wrap`).
pub(crate) fn lines(out: &mut String, raw: &str) {
    for c in raw.chars() {
        char(out, c, true);
    }
}

fn char(out: &mut String, c: char, keep_newline: bool) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        '\t' => out.push(' '),
        '\n' if keep_newline => out.push('\n'),
        c if needs_escape(c) || is_noncharacter(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// Unicode noncharacters, which a file name may hold: XML forbids U+FFFE
/// and U+FFFF (the page would not be well-formed) and HTML reads every one
/// as a parse error.
fn is_noncharacter(c: char) -> bool {
    matches!(c, '\u{fdd0}'..='\u{fdef}') || (c as u32 & 0xfffe) == 0xfffe
}

/// Prose where rules write `code` in backticks (messages, related places,
/// diagnostics): balanced backticks become `<code>`, the rest is text. With
/// an odd number of backticks nothing is taken for code. A line break in it
/// came from the input (a name quoted from a file): it is shown as `\u{a}`,
/// as the text report shows it, so it cannot start a line of its own.
pub(crate) fn prose(out: &mut String, raw: &str) {
    prose_with(out, raw, text);
}

/// [`prose`] of several lines (a fix), keeping its line breaks as the text
/// report does.
pub(crate) fn prose_lines(out: &mut String, raw: &str) {
    prose_with(out, raw, lines);
}

fn prose_with(out: &mut String, raw: &str, escape: fn(&mut String, &str)) {
    let parts: Vec<&str> = raw.split('`').collect();
    if parts.len() % 2 == 0 {
        escape(out, raw);
        return;
    }
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 0 {
            escape(out, part);
        } else if part.trim().is_empty() {
            escape(out, &format!("`{part}`"));
        } else {
            out.push_str("<code>");
            escape(out, part);
            out.push_str("</code>");
        }
    }
}

/// A masked source line: its indentation dropped, the character at the
/// 1-based `column` (when on the line) in `<mark>`.
pub(crate) fn snippet(out: &mut String, line: &str, column: u32) {
    let chars: Vec<char> = line.trim_end().chars().collect();
    let indent = chars
        .iter()
        .take_while(|c| **c == ' ' || **c == '\t')
        .count();
    let at = (column as usize).checked_sub(1 + indent);
    for (i, c) in chars[indent..].iter().enumerate() {
        if Some(i) == at {
            out.push_str("<mark>");
            char(out, *c, false);
            out.push_str("</mark>");
        } else {
            char(out, *c, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(f: fn(&mut String, &str), raw: &str) -> String {
        let mut out = String::new();
        f(&mut out, raw);
        out
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            t(text, "<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn control_characters_and_bidi_overrides_are_visible() {
        assert_eq!(
            t(text, "a\u{1b}[31m\u{202e}b\nc"),
            "a\\u{1b}[31m\\u{202e}b\\u{a}c"
        );
        assert_eq!(t(lines, "a\nb\r"), "a\nb\\u{d}");
    }

    #[test]
    fn balanced_backticks_are_code() {
        assert_eq!(
            t(prose, "use `<jwt-connection>` now"),
            "use <code>&lt;jwt-connection&gt;</code> now"
        );
        assert_eq!(t(prose, "odd ` tick <b>"), "odd ` tick &lt;b&gt;");
        assert_eq!(t(prose, "empty `` pair"), "empty `` pair");
    }

    #[test]
    fn the_column_is_marked_after_the_indent() {
        let mut out = String::new();
        snippet(&mut out, "    <a b=\"c\"/>", 8);
        assert_eq!(out, "&lt;a <mark>b</mark>=&quot;c&quot;/&gt;");
        let mut off = String::new();
        snippet(&mut off, "\tab", 9);
        assert_eq!(off, "ab");
        let mut none = String::new();
        snippet(&mut none, "ab", 0);
        assert_eq!(none, "ab");
    }
}
