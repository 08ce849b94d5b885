//! Cutting text at a byte bound without splitting a character: what the
//! readers look at of a value or a line is bounded, so that a huge input is
//! read in linear time.

/// The longest start of `s` that is at most `max` bytes long.
pub(crate) fn head(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::head;

    #[test]
    fn cuts_before_a_split_character() {
        assert_eq!(head("abc", 10), "abc");
        assert_eq!(head("abc", 2), "ab");
        // `é` is two bytes: a bound inside it cuts before it.
        assert_eq!(head("aé", 2), "a");
        assert_eq!(head("aé", 3), "aé");
        assert_eq!(head("", 0), "");
    }
}
