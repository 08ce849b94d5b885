//! Text from the scanned files (paths, snippets, messages quoting values)
//! made safe to show: control characters (terminal escape sequences,
//! carriage returns) and bidirectional overrides, which could drive a
//! terminal or make a line read other than it is (Trojan Source), become
//! visible `\u{..}` escapes. The text and HTML reports use it.

use std::fmt::Write as _;

/// True for characters that must not reach a terminal raw: control characters
/// (escape sequences, carriage returns), bidirectional overrides and marks
/// (the Arabic letter mark, U+061C, reorders what follows it as the
/// right-to-left mark does), and zero-width characters (U+200B-U+200D,
/// U+2060, U+FEFF), which make two different usernames or paths look the
/// same.
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// Makes text from scanned files safe to print: tabs become spaces, other
/// control characters and bidi overrides become visible `\u{..}` escapes.
pub(crate) fn clean(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push(' '),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_made_visible() {
        assert_eq!(clean("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(clean("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(clean("plain"), "plain");
        // Two usernames that would look the same.
        assert_eq!(
            clean("int.orders\u{200b}@acme.com"),
            "int.orders\\u{200b}@acme.com"
        );
        assert_eq!(clean("\u{feff}a\u{2060}b"), "\\u{feff}a\\u{2060}b");
    }
}
