//! Where a redactor's secrets occur in a text: one Aho-Corasick pass over
//! the text for the secrets' first bytes, each occurrence then checked
//! against the secrets that start so.
//!
//! An automaton over whole secrets grows with their bytes: the 40,000
//! tokens of 112 bytes of a folder of logs built one of 47 MB, which took
//! four times that while it was built. Over at most [`PREFIX`] bytes of
//! each, it grows with how many secrets differ in their first bytes only;
//! tokens of one org, which share their first 16, are one pattern.

use std::collections::HashMap;
use std::hash::BuildHasher;

use aho_corasick::{AhoCorasick, MatchKind};

/// How many of a secret's first bytes the automaton holds.
pub(super) const PREFIX: usize = 16;

/// Past this many secrets starting with one prefix, they are found by the
/// hash of their bytes instead of compared one by one.
const FEW: usize = 8;

/// See the module's documentation.
#[derive(Debug, Clone)]
pub(super) struct Finder {
    automaton: AhoCorasick,
    /// The secrets it finds (indexes into the redactor's list).
    ids: Vec<usize>,
    /// Per pattern (a prefix), the secrets starting with it.
    starting: Vec<Starting>,
    /// The secrets of the prefixes that many start with, by the hash of
    /// their bytes.
    by_hash: HashMap<u64, Vec<u32>>,
    hasher: foldhash::fast::FixedState,
}

/// The secrets starting with one prefix.
#[derive(Debug, Clone)]
enum Starting {
    /// Compared one by one.
    Few(Box<[u32]>),
    /// Looked up by hash, for each of their lengths.
    Many(Box<[u32]>),
}

impl Finder {
    /// The finder of `secrets[ids]` (none empty), each looking at its
    /// first `prefix` bytes; `None` when the automaton cannot be built.
    pub(super) fn new(secrets: &[String], ids: Vec<usize>, prefix: usize) -> Option<Finder> {
        let mut patterns: Vec<&[u8]> = Vec::new();
        let mut members: Vec<Vec<u32>> = Vec::new();
        let mut pattern_of: HashMap<&[u8], usize> = HashMap::new();
        for &i in &ids {
            let bytes = secrets[i].as_bytes();
            let head = &bytes[..bytes.len().min(prefix)];
            let p = *pattern_of.entry(head).or_insert_with(|| {
                patterns.push(head);
                members.push(Vec::new());
                patterns.len() - 1
            });
            members[p].push(u32::try_from(i).ok()?);
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok()?;
        let hasher = foldhash::fast::FixedState::with_seed(0x6967_7561_7264);
        let mut by_hash: HashMap<u64, Vec<u32>> = HashMap::new();
        let starting = members
            .into_iter()
            .map(|ids| {
                if ids.len() <= FEW {
                    return Starting::Few(ids.into_boxed_slice());
                }
                let mut lengths: Vec<u32> = Vec::new();
                for &i in &ids {
                    let secret = secrets[i as usize].as_bytes();
                    by_hash.entry(hasher.hash_one(secret)).or_default().push(i);
                    lengths.push(secret.len() as u32);
                }
                lengths.sort_unstable();
                lengths.dedup();
                Starting::Many(lengths.into_boxed_slice())
            })
            .collect();
        Some(Finder {
            automaton,
            ids,
            starting,
            by_hash,
            hasher,
        })
    }

    /// The secrets it finds.
    pub(super) fn ids(&self) -> &[usize] {
        &self.ids
    }

    /// Whether one of the secrets may occur in `text`: one's first bytes
    /// do (a text where none does, most, is passed over at the automaton's
    /// speed; where one does, [`Finder::occurrences`] says).
    pub(super) fn may_occur(&self, text: &str) -> bool {
        self.automaton.is_match(text)
    }

    /// Every occurrence of every secret in `text`, overlapping ones too:
    /// `(start, end, secret)`, in no particular order.
    pub(super) fn occurrences<'a>(
        &'a self,
        secrets: &'a [String],
        text: &'a str,
    ) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
        let bytes = text.as_bytes();
        self.automaton
            .find_overlapping_iter(text)
            .flat_map(move |m| {
                let start = m.start();
                let rest = &bytes[start..];
                let found: Vec<usize> = match &self.starting[m.pattern().as_usize()] {
                    Starting::Few(ids) => ids
                        .iter()
                        .map(|&i| i as usize)
                        .filter(|&i| rest.starts_with(secrets[i].as_bytes()))
                        .collect(),
                    Starting::Many(lengths) => lengths
                        .iter()
                        .map(|&len| len as usize)
                        .take_while(|&len| len <= rest.len())
                        .flat_map(|len| {
                            let candidate = &rest[..len];
                            self.by_hash
                                .get(&self.hasher.hash_one(candidate))
                                .into_iter()
                                .flatten()
                                .map(|&i| i as usize)
                                .filter(move |&i| secrets[i].as_bytes() == candidate)
                        })
                        .collect(),
                };
                found
                    .into_iter()
                    .map(move |i| (start, start + secrets[i].len(), i))
            })
    }
}
