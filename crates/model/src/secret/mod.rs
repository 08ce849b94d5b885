//! Secrets are never printed: reports show a mask and a short fingerprint so the
//! same secret can be recognised across files without being revealed.

use sha2::{Digest, Sha256};

mod finder;

use finder::Finder;

/// `Te…(8)`: the first two characters (only when the secret is long enough
/// that they reveal little) and the length.
pub fn mask(secret: &str) -> String {
    let len = secret.chars().count();
    if len >= 8 {
        let head: String = secret.chars().take(2).collect();
        format!("{head}…({len})")
    } else {
        format!("…({len})")
    }
}

/// First 8 hex digits of the SHA-256 of the secret: enough to tell two secrets
/// apart, useless to recover one.
pub fn fingerprint(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    hex8(&digest)
}

/// [`fingerprint`] of bytes: a keystore's, a key file's.
pub fn fingerprint_bytes(bytes: &[u8]) -> String {
    hex8(&Sha256::digest(bytes))
}

/// `Te…(8) sha256:1a2b3c4d`
pub fn describe(secret: &str) -> String {
    format!("{} sha256:{}", mask(secret), fingerprint(secret))
}

pub(crate) fn hex8(bytes: &[u8]) -> String {
    bytes.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// Replaces every known secret in a text with its mask. Built by the engine from
/// all secret values readers saw, it is the last guard before any output.
///
/// Replacing is sequential, longest secret first, each secret in the text as
/// left by the previous replacements. One Aho-Corasick pass over the original
/// text finds the secrets that can take part, so the cost is linear in the text
/// rather than proportional to the number of secrets (tens of thousands in a
/// large monorepo).
#[derive(Debug, Default, Clone)]
pub struct Redactor {
    secrets: Vec<String>,
    /// Finds the entries of `secrets` short enough for it.
    finder: Option<Finder>,
    /// Secrets too long for the automaton (see [`Self::MAX_AUTOMATON_LEN`]):
    /// tried first (they are the longest), with a plain substring search.
    too_long: Vec<usize>,
    /// Secrets a mask written by an earlier replacement could complete (see
    /// [`could_complete_a_mask`]): tried again on the masked text.
    mask_completable: Vec<usize>,
    /// Secrets that are public text ([`Redactor::without_those_in`]): not
    /// masked by [`Redactor::redact`], and by [`Redactor::redact_source`]
    /// only where one stands as a value of its own.
    public: Vec<String>,
    /// Which of `secrets` are among `public` (empty: none): the automaton
    /// built for all of them is shared, and what it finds of these is
    /// left as it is.
    unmasked: Vec<bool>,
}

/// A piece of a secret (a line of a multi-line value, a line of a continued
/// `.properties` value) is masked on its own when at least this long: output
/// shows one line at a time (snippets), and a short piece (`true`, `}`) would
/// mask ordinary words.
pub const MIN_FRAGMENT_LEN: usize = 8;

/// A PEM armor line (`-----BEGIN PRIVATE KEY-----`): the same in every key,
/// no secret. A multi-line secret's lines are masked one by one; masking
/// these would turn every key's label, in every finding, into a mask.
fn is_pem_armor(line: &str) -> bool {
    let line = line.trim();
    line.starts_with("-----")
        && line.ends_with("-----")
        && (line.contains("BEGIN ") || line.contains("END "))
}

impl Redactor {
    /// Shorter values are too likely to match ordinary text (`true`, `1234`)
    /// to be replaced blindly; rules never put them in messages anyway.
    const MIN_LEN: usize = 4;

    /// Building an automaton costs memory and time per pattern byte; a
    /// multi-megabyte value (a pasted key or blob) would take minutes.
    /// Longer secrets are rare and a substring search finds them in linear
    /// time, so they stay out of it.
    const MAX_AUTOMATON_LEN: usize = 256;

    pub fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        Self::finding_by(secrets, finder::PREFIX)
    }

    /// [`Redactor::new`], its finder looking at the first `prefix` bytes of
    /// each secret.
    fn finding_by(secrets: impl IntoIterator<Item = String>, prefix: usize) -> Self {
        let mut secrets: Vec<String> = secrets
            .into_iter()
            .flat_map(|s| {
                let lines: Vec<String> = if s.contains('\n') {
                    s.lines()
                        .map(str::trim)
                        .filter(|l| l.chars().count() >= MIN_FRAGMENT_LEN && !is_pem_armor(l))
                        .map(str::to_string)
                        .collect()
                } else {
                    Vec::new()
                };
                std::iter::once(s).chain(lines)
            })
            .filter(|s| s.chars().count() >= Self::MIN_LEN)
            .collect();
        // Longest first, so a secret containing another is masked whole.
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        secrets.dedup();
        let too_long: Vec<usize> = (0..secrets.len())
            .filter(|&i| secrets[i].len() > Self::MAX_AUTOMATON_LEN)
            .collect();
        let mask_completable: Vec<usize> = (0..secrets.len())
            .filter(|&i| could_complete_a_mask(&secrets[i]))
            .collect();
        // Too-long secrets are searched for directly, not by the automaton.
        let in_automaton: Vec<usize> = (0..secrets.len())
            .filter(|&i| secrets[i].len() <= Self::MAX_AUTOMATON_LEN)
            .collect();
        let finder = if in_automaton.is_empty() {
            None
        } else {
            Finder::new(&secrets, in_automaton, prefix)
        };
        Redactor {
            secrets,
            finder,
            too_long,
            mask_completable,
            public: Vec::new(),
            unmasked: Vec::new(),
        }
    }

    /// No secret is masked by [`Redactor::redact`].
    pub fn is_empty(&self) -> bool {
        (0..self.secrets.len()).all(|i| !self.masks(i))
    }

    /// Whether [`Redactor::redact`] masks `secrets[i]`.
    fn masks(&self, i: usize) -> bool {
        !self.unmasked.get(i).copied().unwrap_or(false)
    }

    /// This redactor without the secrets that occur in any of `public`
    /// (intguard's own documentation, the paths every finding prints): for
    /// the text intguard writes around them. A password `salesforce`, or
    /// one equal to its app's folder name, masked there would garble every
    /// host, element and app name (`login.sa…(10).com`) and, by garbling
    /// them, point out the secret; such a value protects nothing in that
    /// text. Where the secret is written (snippets), the full redactor still
    /// masks it. It shares this redactor's automaton (what it finds of the
    /// public secrets is left as it is): a second automaton for the rest,
    /// built beside a large scan's findings, made the scan's peak memory.
    pub fn without_those_in<'a>(&self, public: impl IntoIterator<Item = &'a str>) -> Redactor {
        let mut seen = vec![false; self.secrets.len()];
        for text in public {
            if let Some(finder) = &self.finder {
                for (_, _, i) in finder.occurrences(&self.secrets, text) {
                    seen[i] = true;
                }
            }
            for &i in &self.too_long {
                if !seen[i] && text.contains(self.secrets[i].as_str()) {
                    seen[i] = true;
                }
            }
        }
        // Those public already are not among the secrets it masks.
        for (i, before) in self.unmasked.iter().enumerate() {
            seen[i] &= !before;
        }
        if !seen.contains(&true) {
            return self.clone();
        }
        let mut out = self.clone();
        out.public = self
            .secrets
            .iter()
            .zip(&seen)
            .filter(|(_, public)| **public)
            .map(|(s, _)| s.clone())
            .collect();
        out.public.extend(self.public.iter().cloned());
        // A line of a multi-line secret left masked stays masked, public
        // as the line may be on its own (as `Redactor::new` of the secrets
        // left would split it from its secret again).
        let index: std::collections::HashMap<&str, usize> = self
            .secrets
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        for i in 0..self.secrets.len() {
            if seen[i] || !self.masks(i) || !self.secrets[i].contains('\n') {
                continue;
            }
            for line in self.secrets[i].lines().map(str::trim) {
                if line.chars().count() >= MIN_FRAGMENT_LEN && !is_pem_armor(line) {
                    if let Some(&at) = index.get(line) {
                        seen[at] = false;
                    }
                }
            }
        }
        out.unmasked = (0..self.secrets.len())
            .map(|i| seen[i] || !self.masks(i))
            .collect();
        // Nothing the automaton finds is masked any more: the secrets left
        // (all too long for it) are tried one by one.
        if out
            .finder
            .as_ref()
            .is_some_and(|finder| finder.ids().iter().all(|&i| !out.masks(i)))
        {
            out.finder = None;
        }
        out
    }

    /// [`Redactor::redact`] for a line of a scanned file (a snippet, a
    /// diff): a public secret ([`Redactor::without_those_in`]) is masked
    /// too where it stands as a value of its own (`password: salesforce`,
    /// `key="mulesoft"`, `-Dkey=mulesoft`), not inside a name or a host
    /// (`<salesforce:basic-connection`, `login.salesforce.com`).
    pub fn redact_source(&self, text: &str) -> String {
        let mut out = self.redact(text);
        for secret in &self.public {
            if out.contains(secret.as_str()) {
                out = mask_standing_alone(&out, secret);
            }
        }
        out
    }

    /// [`Redactor::redact`] of `text`, written over it only when something
    /// is masked: a text without a secret keeps its own memory. (Finishing
    /// a scan masks every finding's texts on the pool's threads: each
    /// replaced by a copy made there left the findings' memory in pieces
    /// among the threads' pages.)
    pub fn redact_in_place(&self, text: &mut String) {
        if let Some(masked) = self.masked(text) {
            if masked != *text {
                *text = masked;
            }
        }
    }

    /// [`Redactor::redact_in_place`] of a text shared between findings: the
    /// others keep the text as it was (masked the same, as they are masked
    /// by the same redactor).
    pub fn redact_shared(&self, text: &mut crate::SharedStr) {
        if let Some(masked) = self.masked(text) {
            if masked != **text {
                *text = masked.into();
            }
        }
    }

    /// Whether [`Redactor::redact`] could change `text`: one of the secrets
    /// it searches for may occur in it (the first bytes of one do). Most
    /// texts (messages, fixes, lines of source) hold none, and the
    /// automaton's `is_match` stops at the first occurrence, where the
    /// overlapping search `redact` makes visits every match state through
    /// the whole text.
    fn may_mask(&self, text: &str) -> bool {
        match &self.finder {
            Some(finder) => {
                finder.may_occur(text)
                    || self
                        .too_long
                        .iter()
                        .any(|&i| self.masks(i) && text.contains(self.secrets[i].as_str()))
            }
            None => (0..self.secrets.len())
                .any(|i| self.masks(i) && text.contains(self.secrets[i].as_str())),
        }
    }

    pub fn redact(&self, text: &str) -> String {
        self.masked(text).unwrap_or_else(|| text.to_string())
    }

    /// [`Redactor::redact`] of `text`; `None` when none of the secrets
    /// occurs in it (left as it is, no copy made; a copy as it is when only
    /// the first bytes of one do).
    fn masked(&self, text: &str) -> Option<String> {
        self.may_mask(text).then(|| self.mask_found(text))
    }

    /// [`Redactor::redact`] of a text [`Redactor::may_mask`] found a secret in.
    fn mask_found(&self, text: &str) -> String {
        let Some(finder) = &self.finder else {
            // No automaton (none short enough, or too large to build): try
            // them all, longest first.
            return replace_each(
                text.to_string(),
                &self.secrets,
                (0..self.secrets.len()).filter(|&i| self.masks(i)),
            );
        };
        // The longest secrets first, as a secret containing another is
        // masked whole.
        let out = replace_each(
            text.to_string(),
            &self.secrets,
            self.too_long.iter().copied().filter(|&i| self.masks(i)),
        );
        // The others, replaced one by one (longest first, each everywhere),
        // but only where the automaton found them: each stretch of
        // overlapping occurrences on its own (what one secret's mask does to
        // another's text happens within it), with the secrets found there
        // and those a mask could complete. A line holding thousands of
        // tokens was searched once per token found in it, which took minutes.
        let mut found: Vec<(usize, usize, usize)> = finder
            .occurrences(&self.secrets, &out)
            .filter(|&(_, _, i)| self.masks(i))
            .collect();
        found.sort_unstable();
        let mut masked = String::with_capacity(out.len());
        let mut copied = 0;
        let mut next = 0;
        while next < found.len() {
            let (mut end, mut candidates) = (found[next].1, vec![found[next].2]);
            let start = found[next].0;
            next += 1;
            while next < found.len() && found[next].0 < end {
                end = end.max(found[next].1);
                candidates.push(found[next].2);
                next += 1;
            }
            candidates.extend(
                self.mask_completable
                    .iter()
                    .copied()
                    .filter(|&i| self.masks(i)),
            );
            candidates.sort_unstable();
            candidates.dedup();
            masked.push_str(&out[copied..start]);
            masked.push_str(&replace_each(
                out[start..end].to_string(),
                &self.secrets,
                candidates,
            ));
            copied = end;
        }
        masked.push_str(&out[copied..]);
        // A mask-completable secret across a stretch's edge.
        replace_each(
            masked,
            &self.secrets,
            self.mask_completable
                .iter()
                .copied()
                .filter(|&i| self.masks(i)),
        )
    }
}

/// Masks each occurrence of `secret` in `text` that is a value of its own:
/// after the start, a space, a quote, `=`, `:`, `>`, `(`, `[` or `,`, and
/// before the end, a space, a quote, `<`, `,`, `;`, `)`, `]`, `&` or `#`.
fn mask_standing_alone(text: &str, secret: &str) -> String {
    let opens = |c: Option<char>| {
        c.is_none_or(|c| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '=' | ':' | '>' | '(' | '[' | ',')
        })
    };
    let closes = |c: Option<char>| {
        c.is_none_or(|c| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '<' | ',' | ';' | ')' | ']' | '&' | '#')
        })
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (at, _) in text.match_indices(secret) {
        if at < copied {
            continue;
        }
        let end = at + secret.len();
        if opens(text[..at].chars().next_back()) && closes(text[end..].chars().next()) {
            out.push_str(&text[copied..at]);
            out.push_str(&mask(secret));
            copied = end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Masks every occurrence of each of `secrets[which]`, in that order.
fn replace_each(
    mut out: String,
    secrets: &[String],
    which: impl IntoIterator<Item = usize>,
) -> String {
    for secret in which.into_iter().map(|i| &secrets[i]) {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), &mask(secret));
        }
    }
    out
}

/// Whether `secret` could occur in a text only after a mask was written into
/// it. A mask is the secret's first characters (the text's own characters, in
/// place) followed by `…(N)`, so a new occurrence must reach into that tail:
/// it contains `…`, or it starts inside `(N)` (all within it, or leaving it
/// through `)`). Any other occurrence was already in the original text.
fn could_complete_a_mask(secret: &str) -> bool {
    if secret.contains('…') {
        return true;
    }
    let bytes = secret.as_bytes();
    let rest = bytes.strip_prefix(b"(").unwrap_or(bytes);
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    matches!(&rest[digits..], [] | [b')', ..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text with no secret keeps its own memory; one with a secret is
    /// masked as `redact` masks it.
    #[test]
    fn redacting_in_place_replaces_only_what_changes() {
        let r = Redactor::new(["Sup3rS3cretPw".to_string()]);
        let mut clean = String::from("nothing to hide here");
        let before = clean.as_ptr();
        r.redact_in_place(&mut clean);
        assert_eq!(clean, "nothing to hide here");
        assert_eq!(clean.as_ptr(), before);
        let written = "password=Sup3rS3cretPw in global.xml";
        let mut holding = written.to_string();
        r.redact_in_place(&mut holding);
        assert_eq!(holding, r.redact(written));
        assert!(!holding.contains("Sup3rS3cretPw"), "{holding}");
        // A shared text: masked where it is replaced, and kept the same
        // allocation when there is nothing to mask.
        let mut shared = crate::SharedStr::from(written);
        r.redact_shared(&mut shared);
        assert_eq!(shared.as_str(), r.redact(written));
        let mut clean = crate::SharedStr::from("nothing to hide here");
        let other = clean.clone();
        r.redact_shared(&mut clean);
        assert!(std::ptr::eq(clean.as_str(), other.as_str()));
    }

    #[test]
    fn mask_hides_all_but_two_chars_and_length() {
        assert_eq!(mask("Tiger2024!"), "Ti…(10)");
        assert_eq!(mask("abc"), "…(3)");
        assert!(!mask("SuperSecretValue").contains("Secret"));
    }

    #[test]
    fn fingerprint_is_stable_and_short() {
        assert_eq!(fingerprint("abc"), "ba7816bf");
        assert_ne!(fingerprint("abc"), fingerprint("abd"));
    }

    /// A key held in a multi-line value is masked line by line, but its
    /// armor lines, the same in every key, stay readable everywhere.
    /// A secret found in public text (intguard's documentation, the
    /// paths printed) is left out; the others are still masked.
    #[test]
    fn secrets_in_public_text_are_left_out() {
        let r = Redactor::new(["salesforce".to_string(), "Tiger-2024-x".to_string()]);
        let docs = "Use https://login.salesforce.com to log in";
        let out = r.without_those_in([docs]);
        assert_eq!(
            out.redact("login.salesforce.com and Tiger-2024-x"),
            format!("login.salesforce.com and {}", mask("Tiger-2024-x"))
        );
        // The full redactor is unchanged.
        assert_eq!(r.redact("salesforce"), mask("salesforce"));
        // In a file's line, the public secret is masked where it is a value
        // of its own, not inside a name or a host.
        let m = mask("salesforce");
        for (line, want) in [
            ("password: \"salesforce\"", format!("password: \"{m}\"")),
            ("password=salesforce", format!("password={m}")),
            ("<pw>salesforce</pw>", format!("<pw>{m}</pw>")),
            (
                "<salesforce:basic-connection url=\"https://login.salesforce.com\"/>",
                "<salesforce:basic-connection url=\"https://login.salesforce.com\"/>".to_string(),
            ),
        ] {
            assert_eq!(out.redact_source(line), want, "{line}");
        }
    }

    #[test]
    fn pem_armor_lines_are_no_secret() {
        let key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";
        let r = Redactor::new([key.to_string()]);
        let out = r.redact("other.pem: -----BEGIN PRIVATE KEY----- (another key)");
        assert!(out.contains("-----BEGIN PRIVATE KEY-----"), "{out}");
        let out = r.redact("  MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
        assert!(!out.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), "{out}");
    }

    #[test]
    fn redactor_masks_every_occurrence_longest_first() {
        let r = Redactor::new([
            "Secret1".to_string(),
            "Secret123".to_string(),
            "ab".to_string(),
        ]);
        let out = r.redact("pw=Secret123 other=Secret1 short=ab");
        assert!(!out.contains("Secret1"), "{out}");
        assert!(out.contains("Se…(9)"));
        assert!(out.contains("short=ab"));
    }

    /// Prefix lengths the finder is tried with: none (every secret starts
    /// with the empty prefix: all found by their hash), one byte (several
    /// secrets sharing theirs), two, three, four, and the default.
    const PREFIXES: [usize; 6] = [0, 1, 2, 3, 4, finder::PREFIX];

    /// The straightforward definition: every secret, longest first.
    fn redact_naive(secrets: &[&str], text: &str) -> String {
        let r = Redactor::new(secrets.iter().map(|s| s.to_string()));
        let mut out = text.to_string();
        for secret in &r.secrets {
            out = out.replace(secret.as_str(), &mask(secret));
        }
        out
    }

    #[test]
    fn redactor_matches_the_sequential_definition() {
        let secrets = [
            "Secret1",
            "Secret123",
            "xySe",
            "cret",
            "(9)ab",
            "1234",
            "Ti…(10)",
            "abcdef",
            "defghi",
            "xabc",
            "abcdefgh",
            "9)abc",
            "$(vault kv get)",
            "(vault",
        ];
        // The finder looks at each secret's first bytes (`PREFIXES`).
        let with_prefix =
            |prefix: usize| Redactor::finding_by(secrets.iter().map(|s| s.to_string()), prefix);
        for text in [
            "pw=Secret123 other=Secret1",
            "xySecret123ab",
            "Se…(9)ab 1234",
            "abcdefghi xabcdefgh",
            "Tiger2024! Ti…(10)",
            "xSecret123abc and $(vault kv get) (vault",
            "nothing to see",
            "",
        ] {
            for prefix in PREFIXES {
                let r = with_prefix(prefix);
                assert_eq!(
                    r.redact(text),
                    redact_naive(&secrets, text),
                    "{prefix}: {text}"
                );
            }
        }
        // Long texts: occurrences near each other, far apart, and at the
        // margins of a stretch, built from the secrets and filler.
        let pieces = [
            "Secret123",
            "xySe",
            "cret",
            "(9)ab",
            "abcdefgh",
            "xabc",
            "9)abc",
            " ",
            "ab",
            "Ti",
        ];
        let mut state = 7u64;
        for round in 0..200 {
            let mut text = String::new();
            for _ in 0..40 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let pick = (state >> 33) as usize;
                text.push_str(pieces[pick % pieces.len()]);
                if pick % 7 == 0 {
                    text.push_str(&"-".repeat(pick % 150));
                }
            }
            for prefix in PREFIXES {
                assert_eq!(
                    with_prefix(prefix).redact(&text),
                    redact_naive(&secrets, &text),
                    "round {round}, prefix {prefix}: {text}"
                );
            }
        }
        assert_eq!(Redactor::default().redact("a Secret1"), "a Secret1");
        for (secret, expected) in [
            ("…abc", true),
            ("1234", true),
            ("(123", true),
            ("(12)", true),
            ("12)x", true),
            ("(9)ab", true),
            ("$(vault kv get)", false),
            ("(vault", false),
            ("Secret1", false),
        ] {
            assert_eq!(could_complete_a_mask(secret), expected, "{secret}");
        }
    }

    #[test]
    fn each_line_of_a_multi_line_secret_is_masked_alone() {
        // A YAML block scalar (`password: |`) is one value to the readers but
        // a snippet shows one line of it.
        let r = Redactor::new(["FirstLine123\n  SecondLine456\nok\n".to_string()]);
        assert_eq!(
            r.redact("    SecondLine456"),
            format!("    {}", mask("SecondLine456"))
        );
        assert_eq!(r.redact("FirstLine123"), mask("FirstLine123"));
        // Too short to mask alone.
        assert_eq!(r.redact("ok then"), "ok then");
    }

    #[test]
    fn long_secrets_are_masked_without_the_automaton() {
        let long = "A".repeat(Redactor::MAX_AUTOMATON_LEN + 1);
        let huge = format!("B{}", "x".repeat(5_000_000));
        let inner = "x".repeat(300);
        let secrets = [long.as_str(), huge.as_str(), inner.as_str(), "Short#1"];
        let text = format!("a={long} b={huge} c=Short#1 d={inner}");
        let r = Redactor::new(secrets.iter().map(|s| s.to_string()));
        let out = r.redact(&text);
        assert_eq!(out, redact_naive(&secrets, &text));
        assert_eq!(out, "a=AA…(257) b=Bx…(5000001) c=…(7) d=xx…(300)");
    }

    /// What `without_those_in` gave when it built a redactor anew from the
    /// secrets not public (before it shared the automaton): the reference
    /// its outputs are compared with.
    fn rebuilt_without(r: &Redactor, texts: &[&str]) -> Redactor {
        let seen: Vec<bool> = r
            .secrets
            .iter()
            .map(|s| texts.iter().any(|t| t.contains(s.as_str())))
            .collect();
        if !seen.contains(&true) {
            return r.clone();
        }
        let mut out = Redactor::new(
            r.secrets
                .iter()
                .zip(&seen)
                .filter(|(_, p)| !**p)
                .map(|(s, _)| s.clone()),
        );
        out.public = r
            .secrets
            .iter()
            .zip(&seen)
            .filter(|(_, p)| **p)
            .map(|(s, _)| s.clone())
            .collect();
        out
    }

    #[test]
    fn without_those_in_masks_as_a_redactor_built_from_the_secrets_left() {
        let long = format!("L{}", "q".repeat(300));
        let completable = "(12)x-Tok";
        let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
            // A public word, a secret holding it, a multi-line secret one
            // of whose lines is public on its own, a long one.
            (
                vec![
                    "salesforce".into(),
                    "salesforce-Pw-77".into(),
                    "line-one-public\nline-two-secret".into(),
                    "line-one-public".into(),
                    long.clone(),
                    completable.into(),
                    "orders-sapi".into(),
                ],
                vec!["see salesforce docs", "apps/orders-sapi/pom.xml"],
            ),
            // Every secret short enough for the automaton public: the long
            // one is left.
            (vec!["mulesoft".into(), long.clone()], vec!["mulesoft"]),
            // A line public on its own whose multi-line secret is public too.
            (
                vec!["alpha-line-1\nbeta-line-22".into(), "alpha-line-1".into()],
                vec!["alpha-line-1\nbeta-line-22"],
            ),
            // A line public on its own, its multi-line secret not.
            (
                vec!["alpha-line-1\nbeta-line-22".into()],
                vec!["alpha-line-1 is in the docs"],
            ),
            // Nothing public.
            (vec!["Tiger2024!".into()], vec!["docs"]),
        ];
        let texts = [
            "password: salesforce-Pw-77 and salesforce",
            "login.salesforce.com line-one-public line-two-secret",
            "line-one-public\nline-two-secret",
            "key=mulesoft value (12)x-Tok Ti…(12)x-Tok",
            "alpha-line-1 beta-line-22 alpha-line-1\nbeta-line-22",
            "orders-sapi Tiger2024! mulesoft",
        ];
        for ((secrets, public), prefix) in cases
            .into_iter()
            .flat_map(|case| PREFIXES.map(|prefix| (case.clone(), prefix)))
        {
            let r = Redactor::finding_by(secrets.clone(), prefix);
            let shared = r.without_those_in(public.iter().copied());
            let reference = rebuilt_without(&r, &public);
            assert_eq!(shared.is_empty(), reference.is_empty(), "{secrets:?}");
            assert_eq!(shared.public, reference.public, "{secrets:?}");
            for text in texts
                .iter()
                .map(|t| t.to_string())
                .chain([long.clone(), format!("x {long} y")])
            {
                assert_eq!(
                    shared.redact(&text),
                    reference.redact(&text),
                    "{secrets:?} in {text}"
                );
                assert_eq!(
                    shared.redact_source(&text),
                    reference.redact_source(&text),
                    "{secrets:?} in {text}"
                );
            }
        }
    }
}
