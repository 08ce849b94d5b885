use sha2::{Digest, Sha256};

/// A finding's fingerprint: a hash of the rule, the path relative to the scan
/// root and the rule's line-independent key. It survives line moves and being
/// run from another working directory; it changes when the file is renamed.
pub fn fingerprint(rule: &str, relative_path: &str, key: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [rule, relative_path, key] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depends_on_each_part() {
        let base = fingerprint("IG101", "a/global.xml", "Salesforce_Config");
        assert_eq!(base.len(), 16);
        assert_eq!(
            base,
            fingerprint("IG101", "a/global.xml", "Salesforce_Config")
        );
        assert_ne!(
            base,
            fingerprint("IG102", "a/global.xml", "Salesforce_Config")
        );
        assert_ne!(
            base,
            fingerprint("IG101", "b/global.xml", "Salesforce_Config")
        );
        assert_ne!(base, fingerprint("IG101", "a/global.xml", "Other"));
    }
}
