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
                path: f.location.path.to_string(),
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
        let baseline: Baseline = serde_json::from_str(&text)
            .map_err(|e| format!("invalid baseline {}: {e}", path.display()))?;
        if baseline.version != VERSION {
            return Err(format!(
                "baseline {} has version {}, this intguard reads version {VERSION}",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        let mut text = serde_json::to_string_pretty(self).expect("baseline serializes");
        text.push('\n');
        std::fs::write(path, text)
            .map_err(|e| format!("cannot write baseline {}: {e}", path.display()))
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
