//! The line operations of a dry run's diff.
//!
//! `similar`'s Patience anchors on the lines written once in both texts
//! and runs Myers between anchors, which takes time in the lines times the
//! changes: a file whose every line changes (a key rotated, every value
//! re-encrypted; thousands of connections rewritten) has no anchor, and
//! 20,000 re-encrypted values took 12 s. As git's diff does, the lines only
//! one side has are set aside first (they match nothing), the rest diffed,
//! and the lines set aside put back as removed and added between the
//! matches.

use std::collections::HashSet;
use std::ops::Range;

use similar::{Algorithm, DiffOp};

/// The operations turning `old` into `new` (lines as
/// [`similar::DiffableStr::tokenize_lines`] gives them).
pub(crate) fn line_ops(old: &[&str], new: &[&str]) -> Vec<DiffOp> {
    let in_old: HashSet<&str> = old.iter().copied().collect();
    let in_new: HashSet<&str> = new.iter().copied().collect();
    let old_kept: Vec<usize> = (0..old.len())
        .filter(|&i| in_new.contains(old[i]))
        .collect();
    let new_kept: Vec<usize> = (0..new.len())
        .filter(|&j| in_old.contains(new[j]))
        .collect();
    let a: Vec<&str> = old_kept.iter().map(|&i| old[i]).collect();
    let b: Vec<&str> = new_kept.iter().map(|&j| new[j]).collect();
    let mut ops = Ops::default();
    for op in similar::capture_diff_slices(Algorithm::Patience, &a, &b) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                ops.equal(old_kept[old_index + k], new_kept[new_index + k]);
            }
        }
    }
    ops.change(ops.old..old.len(), ops.new..new.len());
    ops.list
}

/// Operations built from the matched lines, in order.
#[derive(Default)]
struct Ops {
    list: Vec<DiffOp>,
    /// The first line of each side after those done.
    old: usize,
    new: usize,
}

impl Ops {
    /// Old line `i` is new line `j`; the lines before them not yet done are
    /// removed and added.
    fn equal(&mut self, i: usize, j: usize) {
        self.change(self.old..i, self.new..j);
        match self.list.last_mut() {
            Some(DiffOp::Equal {
                old_index,
                new_index,
                len,
            }) if *old_index + *len == i && *new_index + *len == j => *len += 1,
            _ => self.list.push(DiffOp::Equal {
                old_index: i,
                new_index: j,
                len: 1,
            }),
        }
        self.old = i + 1;
        self.new = j + 1;
    }

    /// The old lines `old` removed and the new lines `new` added.
    fn change(&mut self, old: Range<usize>, new: Range<usize>) {
        let op = match (old.is_empty(), new.is_empty()) {
            (true, true) => return,
            (false, true) => DiffOp::Delete {
                old_index: old.start,
                old_len: old.len(),
                new_index: new.start,
            },
            (true, false) => DiffOp::Insert {
                old_index: old.start,
                new_index: new.start,
                new_len: new.len(),
            },
            (false, false) => DiffOp::Replace {
                old_index: old.start,
                old_len: old.len(),
                new_index: new.start,
                new_len: new.len(),
            },
        };
        self.list.push(op);
    }
}

#[cfg(test)]
mod tests {
    use similar::{Algorithm, DiffOp};

    use super::line_ops;

    /// `new` rebuilt from `old` by `ops`, checking that they cover both
    /// texts in order and that what they keep is the same line.
    fn apply(old: &[&str], new: &[&str], ops: &[DiffOp]) -> Vec<String> {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        for op in ops {
            let (o, n) = (op.old_range(), op.new_range());
            // Where an op takes no line of a side, its index there is not
            // checked (`similar` gives a removal the new index as its
            // search met it).
            assert!(o.is_empty() || o.start == i, "{ops:?}");
            assert!(n.is_empty() || n.start == j, "{ops:?}");
            if let DiffOp::Equal { .. } = op {
                assert_eq!(old[o.clone()], new[n.clone()], "{ops:?}");
                out.extend(old[o.clone()].iter().map(|s| s.to_string()));
            } else {
                out.extend(new[n.clone()].iter().map(|s| s.to_string()));
            }
            if !o.is_empty() {
                i = o.end;
            }
            if !n.is_empty() {
                j = n.end;
            }
        }
        assert_eq!((i, j), (old.len(), new.len()), "{ops:?}");
        out
    }

    fn kept(ops: &[DiffOp]) -> usize {
        ops.iter()
            .filter_map(|op| match op {
                DiffOp::Equal { len, .. } => Some(*len),
                _ => None,
            })
            .sum()
    }

    /// Random texts: the ops rebuild the new text from the old one, keep
    /// only equal lines, keep as many as `similar`'s Patience whenever no
    /// line is set aside (every line is on both sides) and nearly always
    /// otherwise; a text whose every line changes is one replacement.
    #[test]
    fn ops_rebuild_the_new_text_and_keep_what_patience_keeps() {
        let mut next = crate::test_draws(0x2545_f491_4f6c_dd1d);
        let words = [
            "a\n", "b\n", "c\n", "d\n", "e\n", "f", "  x: 1\n", "</m>\n", "\n",
        ];
        let mut same_as_patience = 0;
        let mut set_aside = 0;
        let mut agree = 0;
        for round in 0..4_000 {
            // Half the rounds draw both sides from the same few lines.
            let pool = if round % 2 == 0 { 4 } else { words.len() };
            let old: Vec<&str> = (0..next(12)).map(|_| words[next(pool)]).collect();
            let new: Vec<&str> = (0..next(12)).map(|_| words[next(pool)]).collect();
            let ops = line_ops(&old, &new);
            assert_eq!(apply(&old, &new, &ops), new, "{old:?} {new:?}");
            let one_sided =
                old.iter().any(|l| !new.contains(l)) || new.iter().any(|l| !old.contains(l));
            if one_sided {
                set_aside += 1;
                let patience = similar::capture_diff_slices(Algorithm::Patience, &old, &new);
                // Neither is the longest common subsequence (Patience keeps
                // lines written once in both first); the two agree but for a
                // few rounds, by a line or two.
                let (mine, theirs) = (kept(&ops), kept(&patience));
                assert!(mine + 2 >= theirs, "{mine} {theirs}: {old:?} {new:?}");
                agree += usize::from(mine == theirs);
            } else {
                let patience = similar::capture_diff_slices(Algorithm::Patience, &old, &new);
                assert_eq!(apply(&old, &new, &patience), new);
                assert_eq!(kept(&ops), kept(&patience), "{old:?} {new:?}");
                same_as_patience += 1;
            }
        }
        assert!(
            same_as_patience > 200 && set_aside > 500,
            "{same_as_patience} {set_aside}"
        );
        assert!(agree * 100 >= set_aside * 95, "{agree} of {set_aside}");
        // Every line changed: one replacement, at once.
        let old: Vec<String> = (0..20_000).map(|i| format!("k{i}: old{i}\n")).collect();
        let new: Vec<String> = (0..20_000).map(|i| format!("k{i}: new{i}\n")).collect();
        let old: Vec<&str> = old.iter().map(String::as_str).collect();
        let new: Vec<&str> = new.iter().map(String::as_str).collect();
        let ops = line_ops(&old, &new);
        assert_eq!(ops.len(), 1, "{:?}", &ops[..ops.len().min(3)]);
        assert!(matches!(
            ops[0],
            DiffOp::Replace {
                old_len: 20_000,
                new_len: 20_000,
                ..
            }
        ));
    }
}
