//! `str::trim`, answered at once for the usual text.

/// `s.trim()`, found without decoding when `s` starts and ends with an
/// ASCII byte that is not whitespace (most names and values): `str::trim`
/// decodes a character at each end and asks whether it is Unicode
/// whitespace, about 50 instructions a call, and a scan of 200 apps trims
/// 330,000 strings. Anything else is `str::trim`'s.
#[inline]
pub fn trim(s: &str) -> &str {
    match s.as_bytes() {
        [first, .., last] if is_plain(*first) && is_plain(*last) => s,
        [only] if is_plain(*only) => s,
        _ => s.trim(),
    }
}

/// An ASCII byte that is not `char::is_whitespace` (tab to carriage
/// return, space).
#[inline]
fn is_plain(b: u8) -> bool {
    b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' ')
}

#[cfg(test)]
mod tests {
    #[test]
    fn trims_as_str_trim_does() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            " a b ",
            "\t\n\x0b\x0c\rx\r\n",
            "\x1fx\x1f",
            "\u{a0}x",
            "x\u{a0}",
            "\u{85}x\u{2003}",
            "é",
            " é ",
            "é x",
            "x\u{3000}",
            "${sf.password}",
        ] {
            assert_eq!(super::trim(s), s.trim(), "{s:?}");
        }
    }
}
