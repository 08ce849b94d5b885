//! Display paths: the text every report shows for a file, and the file
//! back from that text.
//!
//! A Linux file name is bytes, not text: one saved from a Latin-1 system
//! (`caf\xE9.xml`) is not UTF-8. Shown with U+FFFD in place of such bytes,
//! two names differing only there read the same (same path, same
//! fingerprint: a baseline entry for one hid the other), no snippet could
//! be read from the file, and a SARIF link led nowhere. Each such byte is
//! written `\xHH` instead (as Python's `backslashreplace` and Rust's
//! `escape_ascii` write one), which reads back to the same bytes.
//!
//! An escape is a byte from 0x80 up, which UTF-8 never holds alone. A
//! UTF-8 name spelling `\xE9` literally (a backslash, then `xE9`) reads as
//! the escape too: the one name this cannot tell apart.

use std::borrow::Cow;
use std::path::Path;

/// `path` as reports show it: `/`-separated, each byte that is not part
/// of UTF-8 text written `\xHH` (uppercase hex).
pub fn display_path(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        escaped(path.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        // Windows names are UTF-16; only an unpaired surrogate is lost.
        path.to_string_lossy().replace('\\', "/")
    }
}

/// `bytes` as text, each byte that is not part of UTF-8 text written
/// `\xHH`.
fn escaped(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// The escape `\xHH` at the start of `text`, HH from 0x80 up: the byte it
/// stands for.
pub fn escaped_byte(text: &[u8]) -> Option<u8> {
    match text {
        [b'\\', b'x', hi, lo, ..] => {
            let hex = |c: u8| (c as char).to_digit(16);
            let byte = hex(*hi)? * 16 + hex(*lo)?;
            // Only uppercase is written; lowercase is read too.
            (byte >= 0x80).then_some(byte as u8)
        }
        _ => None,
    }
}

/// The bytes of the file name `display` shows ([`display_path`] undone).
pub fn display_bytes(display: &str) -> Cow<'_, [u8]> {
    if !display.contains("\\x") {
        return Cow::Borrowed(display.as_bytes());
    }
    let text = display.as_bytes();
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match escaped_byte(&text[i..]) {
            Some(b) => {
                out.push(b);
                i += 4;
            }
            None => {
                out.push(text[i]);
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

/// The file `display` names, to open it ([`display_path`] undone).
pub fn path_of_display(display: &str) -> Cow<'_, Path> {
    match display_bytes(display) {
        Cow::Borrowed(_) => Cow::Borrowed(Path::new(display)),
        Cow::Owned(bytes) => {
            #[cfg(unix)]
            {
                use std::os::unix::ffi::OsStringExt;
                Cow::Owned(std::ffi::OsString::from_vec(bytes).into())
            }
            #[cfg(not(unix))]
            {
                let _ = bytes;
                Cow::Borrowed(Path::new(display))
            }
        }
    }
}

/// Whether the character at byte `i` of `path` separates folders: a `/`,
/// or a `\` that does not start the escape of a byte ([`display_path`]).
fn separator_at(path: &str, i: usize) -> bool {
    match path.as_bytes()[i] {
        b'/' => true,
        b'\\' => escaped_byte(&path.as_bytes()[i..]).is_none(),
        _ => false,
    }
}

/// The last segment of a `/`- or `\`-separated path (an escape's `\` is no
/// separator).
pub fn file_name(path: &str) -> &str {
    match (0..path.len()).rev().find(|&i| separator_at(path, i)) {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// `path` with its `\` separators written `/` (an escape's `\` kept).
pub fn slashed(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, c) in path.char_indices() {
        out.push(if c == '\\' && separator_at(path, i) {
            '/'
        } else {
            c
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_names_are_shown_as_they_are() {
        for name in [
            "apps/a/x.xml",
            "apps/café/x.xml",
            "a b/ü.txt",
            "back\\slash",
        ] {
            assert_eq!(display_path(Path::new(name)), name);
            assert_eq!(path_of_display(name), Path::new(name));
        }
    }

    #[cfg(unix)]
    #[test]
    fn bytes_that_are_not_utf8_are_escaped_and_read_back() {
        use std::os::unix::ffi::OsStrExt;
        let cases: [(&[u8], &str); 4] = [
            (b"r/caf\xe9.txt", "r/caf\\xE9.txt"),
            (b"r/caf\xe8.txt", "r/caf\\xE8.txt"),
            // A cut UTF-8 sequence (é is C3 A9), and text after it.
            (b"\xc3/\xff\xfe.yaml", "\\xC3/\\xFF\\xFE.yaml"),
            (b"\x80caf\xc3\xa9", "\\x80café"),
        ];
        for (bytes, shown) in cases {
            let path = Path::new(std::ffi::OsStr::from_bytes(bytes));
            assert_eq!(display_path(path), shown);
            assert_eq!(&*display_bytes(shown), bytes);
            assert_eq!(path_of_display(shown), path);
        }
    }

    #[test]
    fn a_file_name_keeps_its_escapes() {
        assert_eq!(file_name("r/caf\\xE9.txt"), "caf\\xE9.txt");
        assert_eq!(file_name("r\\a\\caf\\xE9.txt"), "caf\\xE9.txt");
        assert_eq!(file_name("C:\\keys\\sf.jks"), "sf.jks");
        assert_eq!(file_name("sf.jks"), "sf.jks");
        assert_eq!(file_name("dir/"), "");
        assert_eq!(file_name("r/\\x41.txt"), "x41.txt");
        assert_eq!(slashed("a\\caf\\xE9\\x.txt"), "a/caf\\xE9/x.txt");
    }

    #[test]
    fn only_escapes_of_bytes_utf8_never_holds_alone_are_read() {
        // ASCII escapes are the text they spell.
        assert_eq!(&*display_bytes("a\\x41b"), b"a\\x41b");
        assert_eq!(&*display_bytes("a\\xZZ"), b"a\\xZZ");
        assert_eq!(&*display_bytes("a\\xe9"), b"a\xe9");
        assert_eq!(&*display_bytes("end\\x"), b"end\\x");
        assert_eq!(&*display_bytes("end\\xE"), b"end\\xE");
        assert_eq!(escaped_byte(b"\\xE9rest"), Some(0xE9));
        assert_eq!(escaped_byte(b"\\x7F"), None);
    }
}
