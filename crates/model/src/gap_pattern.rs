//! Patterns of literal text joined by gaps: a property name built by inner
//! references (`${mule.env}.sf.user`, each reference one or more characters
//! other than `.`) or a property file pattern (`${app}-${mule.env}.yaml`,
//! each one or more characters other than `/`).
//!
//! Matched by the positions each literal can end at, not by trying every
//! split of the text: with several gaps that took time in the text's length
//! to the power of their number (eight references against a 60-character
//! file name: 244 s).

/// Whether `text` is `literals` in order with a gap of one or more
/// characters, none of them `stop`, between each two (no gap before the
/// first nor after the last). No literal at all matches the empty text.
pub fn gaps_match(literals: &[&str], text: &str, stop: char) -> bool {
    let Some((first, rest)) = literals.split_first() else {
        return text.is_empty();
    };
    if !text.starts_with(first) {
        return false;
    }
    // No gap, or one (the usual `${mule.env}.yaml`): said directly.
    match rest {
        [] => return text.len() == first.len(),
        [last] => {
            return text.len() > first.len() + last.len()
                && text.ends_with(last)
                && !text[first.len()..text.len() - last.len()].contains(stop);
        }
        _ => {}
    }
    // Where the literal matched last may end, each once.
    let mut ends: Vec<usize> = vec![first.len()];
    let mut next: Vec<usize> = Vec::new();
    // The literal that found each end last (`usize::MAX`: none).
    let mut found_by = vec![usize::MAX; text.len() + 1];
    for (n, literal) in rest.iter().enumerate() {
        next.clear();
        for &at in &ends {
            let after = &text[at..];
            let gap_max = after.find(stop).unwrap_or(after.len());
            for (i, c) in after[..gap_max].char_indices() {
                let gap_end = at + i + c.len_utf8();
                if text[gap_end..].starts_with(literal) {
                    let end = gap_end + literal.len();
                    if found_by[end] != n {
                        found_by[end] = n;
                        next.push(end);
                    }
                }
            }
        }
        if next.is_empty() {
            return false;
        }
        std::mem::swap(&mut ends, &mut next);
    }
    ends.contains(&text.len())
}

/// Whether `rel` matches a property file pattern whose placeholders stand
/// for any non-empty name without `/` (`properties/${mule.env}-secure.yaml`;
/// each `${` up to the next `}`, an unclosed one literal text).
pub fn file_pattern_matches(pattern: &str, rel: &str) -> bool {
    if !pattern.contains("${") {
        return pattern == rel;
    }
    let mut literals = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        literals.push(&rest[..start]);
        rest = &rest[start + end + 1..];
    }
    literals.push(rest);
    gaps_match(&literals, rel, '/')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition: every split of the text tried in turn.
    fn by_every_split(literals: &[&str], text: &str, stop: char) -> bool {
        let Some((lit, more)) = literals.split_first() else {
            return text.is_empty();
        };
        let Some(after) = text.strip_prefix(lit) else {
            return false;
        };
        if more.is_empty() {
            return after.is_empty();
        }
        let gap_max = after.find(stop).unwrap_or(after.len());
        (1..=gap_max)
            .filter(|&n| after.is_char_boundary(n))
            .any(|n| by_every_split(more, &after[n..], stop))
    }

    #[test]
    fn the_same_as_trying_every_split() {
        let texts = [
            "",
            "a",
            "ab",
            "a.b",
            "dev.sf.user",
            "x-y-z.yaml",
            "aa-bb-cc",
            "é.x",
            "a..b",
            "-",
            "ab-ab-ab",
            "abab",
            "a-b-",
            "-a-b",
        ];
        let pieces = ["", "a", "b", "-", ".", "ab", "sf.user", ".yaml", "é"];
        let mut checked = 0;
        for text in texts {
            for n in 1..=3 {
                // Every list of `n` pieces.
                let mut index = vec![0; n];
                loop {
                    let literals: Vec<&str> = index.iter().map(|&i| pieces[i]).collect();
                    for stop in ['.', '/', '-'] {
                        assert_eq!(
                            gaps_match(&literals, text, stop),
                            by_every_split(&literals, text, stop),
                            "{literals:?} {text:?} {stop:?}"
                        );
                        checked += 1;
                    }
                    let Some(i) = (0..n).rev().find(|&i| index[i] + 1 < pieces.len()) else {
                        break;
                    };
                    index[i] += 1;
                    index[i + 1..].iter_mut().for_each(|x| *x = 0);
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
        assert!(gaps_match(&["", ".sf.user"], "dev.sf.user", '.'));
        assert!(!gaps_match(&["", ".sf.user"], "sf.user", '.'));
        assert!(gaps_match(&[], "", '.') && !gaps_match(&[], "a", '.'));
    }

    /// Many gaps against a long text that does not match: answered in time
    /// in the square of the text's length, not in a power of the gaps.
    #[test]
    fn many_gaps_do_not_multiply() {
        let literals: Vec<&str> = std::iter::once("")
            .chain(std::iter::repeat_n("", 20))
            .chain(["x"])
            .collect();
        let text = "a".repeat(200);
        assert!(!gaps_match(&literals, &text, '.'));
        let text = format!("{}x", "a".repeat(200));
        assert!(gaps_match(&literals, &text, '.'));
    }
}
