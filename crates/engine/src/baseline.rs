//! Baselines: a file of finding fingerprints accepted as known, so that a build
//! fails only on new findings (`--write-baseline FILE`, then `--baseline FILE`).

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use intguard_model::Finding;
use serde::{Deserialize, Serialize};

const VERSION: u32 = 1;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

/// One accepted finding. Only `fingerprint` is matched; rule and path are there
/// so a person can read the file and review it in a pull request.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    pub path: String,
}

impl Baseline {
    pub fn from_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Baseline {
        let entries: BTreeSet<BaselineEntry> = findings
            .into_iter()
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule.to_string(),
                // As its fingerprint counts it: the same file however the
                // roots were spelt (`.`, an absolute checkout path, `..`).
                path: if f.fingerprint_path.is_empty() {
                    f.location.path.to_string()
                } else {
                    f.fingerprint_path.clone()
                },
            })
            .collect();
        Baseline {
            version: VERSION,
            findings: entries.into_iter().collect(),
        }
    }

    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        Baseline::parse(&text).map_err(|e| format!("invalid baseline {}: {e}", path.display()))
    }

    /// A baseline's text. The version is checked before the entries, so a
    /// later version's file is refused for its version, not for the shape
    /// of its entries; and a file that is an intguard report, or JSON of
    /// another shape, is named for what it is rather than by the JSON
    /// parser's view of the first field that does not fit.
    fn parse(text: &str) -> Result<Baseline, String> {
        // A byte order mark (a baseline edited in a Windows editor) is no
        // JSON syntax error.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let written_by = "write one with `intguard scan <paths> --write-baseline FILE`";
        if text.trim().is_empty() {
            return Err(format!(
                "the file is empty, not a baseline (expected {{\"version\": {VERSION}, \"findings\": [...]}}); {written_by}"
            ));
        }
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let field = |name: &str| value.as_object().and_then(|o| o.get(name));
        if field("runs").is_some() {
            return Err(format!("this is a SARIF log, not a baseline; {written_by}"));
        }
        if field("tool").is_some() && field("summary").is_some() {
            return Err(format!(
                "this is an intguard JSON report, not a baseline; {written_by}"
            ));
        }
        match field("version") {
            Some(v) if v.as_u64() == Some(u64::from(VERSION)) => {}
            Some(v) => {
                return Err(format!(
                    "version {v}, this intguard reads baselines of version {VERSION}"
                ))
            }
            None => {
                return Err(format!(
                    "not an intguard baseline (no `version`: expected {{\"version\": {VERSION}, \"findings\": [...]}}); {written_by}"
                ))
            }
        }
        // Parsed again from the text, not from `value`: the error then
        // says at which line and column an entry does not fit.
        drop(value);
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// The baseline file's text (the caller writes it, atomically).
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("baseline serializes");
        text.push('\n');
        text
    }

    /// Every fingerprint, to test findings against: a search of the entries
    /// for each finding took time in the product of the findings and the
    /// entries (a monorepo that adopts intguard baselines all it finds:
    /// 25,000 entries, 625 million comparisons per scan).
    pub fn fingerprints(&self) -> HashSet<&str> {
        self.findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_or_another_version_is_named_for_what_it_is() {
        let ok = r#"{"version": 1, "findings": [{"fingerprint": "00aa", "rule": "IG102", "path": "a/dev.yaml"}]}"#;
        assert_eq!(Baseline::parse(ok).unwrap().findings.len(), 1);
        // Saved with a byte order mark.
        let marked = format!("\u{feff}{ok}");
        assert_eq!(Baseline::parse(&marked).unwrap().findings.len(), 1);
        for (text, said) in [
            // `--format json`'s report: its version is a string.
            (
                r#"{"version": "1.1", "tool": {"name": "intguard"}, "findings": [], "summary": {}}"#,
                "intguard JSON report, not a baseline",
            ),
            (
                r#"{"$schema": "x", "version": "2.1.0", "runs": []}"#,
                "SARIF log, not a baseline",
            ),
            // A later version whose entries differ: refused for its version.
            (
                r#"{"version": 2, "findings": [{"id": "00aa"}]}"#,
                "version 2, this intguard reads baselines of version 1",
            ),
            ("[]", "not an intguard baseline"),
            // `touch intguard-baseline.json` before the first
            // `--write-baseline`: named for what it is, not "EOF while
            // parsing a value at line 1 column 0".
            ("", "the file is empty"),
            (" \n\t\n", "the file is empty"),
            ("\u{feff}", "the file is empty"),
            ("{}", "not an intguard baseline"),
        ] {
            let e = Baseline::parse(text).unwrap_err();
            assert!(e.contains(said), "{text}: {e}");
        }
        assert!(Baseline::parse("{ fingerprints").is_err());
    }

    /// Found by testing: an entry of the wrong shape was named without its
    /// place ("invalid type: integer `1`, expected a string").
    #[test]
    fn an_entry_of_the_wrong_shape_is_named_with_its_line() {
        let text = "{\n  \"version\": 1,\n  \"findings\": [\n    {\"fingerprint\": \"00aa\", \"rule\": \"IG102\", \"path\": \"a\"},\n    {\"fingerprint\": \"00bb\", \"rule\": 1, \"path\": \"b\"}\n  ]\n}\n";
        let err = Baseline::parse(text).unwrap_err();
        assert!(
            err.contains("expected a string") && err.contains("line 5 column"),
            "{err}"
        );
    }

    #[test]
    fn fingerprints_are_the_entries_fingerprints() {
        let entry = |fp: &str| BaselineEntry {
            fingerprint: fp.to_string(),
            rule: "IG102".to_string(),
            path: "a/dev.yaml".to_string(),
        };
        let b = Baseline {
            version: VERSION,
            findings: vec![entry("00aa"), entry("11bb"), entry("00aa")],
        };
        let set = b.fingerprints();
        assert_eq!(set.len(), 2);
        for (fp, known) in [("00aa", true), ("11bb", true), ("22cc", false)] {
            assert_eq!(set.contains(fp), known, "{fp}");
        }
    }
}
