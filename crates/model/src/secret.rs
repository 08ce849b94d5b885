//! Secrets are never printed: reports show a mask and a short fingerprint so the
//! same secret can be recognised across files without being revealed.

use sha2::{Digest, Sha256};

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

/// `Te…(8) sha256:1a2b3c4d`
pub fn describe(secret: &str) -> String {
    format!("{} sha256:{}", mask(secret), fingerprint(secret))
}

pub(crate) fn hex8(bytes: &[u8]) -> String {
    bytes.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// Replaces every known secret in a text with its mask. Built by the engine from
/// all secret values readers saw, it is the last guard before any output.
#[derive(Debug, Default, Clone)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// Shorter values are too likely to match ordinary text (`true`, `1234`)
    /// to be replaced blindly; rules never put them in messages anyway.
    const MIN_LEN: usize = 4;

    pub fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let mut secrets: Vec<String> = secrets
            .into_iter()
            .filter(|s| s.chars().count() >= Self::MIN_LEN)
            .collect();
        // Longest first, so a secret containing another is masked whole.
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        secrets.dedup();
        Redactor { secrets }
    }

    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), &mask(secret));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
