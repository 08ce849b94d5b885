//! What the engine's integration tests share: where the workspace is, the
//! options they scan with, and everything a reporter shows of an outcome.

use std::path::{Path, PathBuf};

use intguard_engine::{ScanOptions, ScanOutcome};

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn options(paths: Vec<PathBuf>) -> ScanOptions {
    ScanOptions {
        paths,
        threads: 2,
        paths_only: true,
        ..ScanOptions::default()
    }
}

/// Everything a reporter shows, as JSON.
pub fn shown(outcome: &ScanOutcome) -> String {
    serde_json::to_string_pretty(&serde_json::json!({
        "findings": outcome.findings,
        "suppressed": outcome.suppressed,
        "baselined": outcome.baselined,
        "diagnostics": outcome.diagnostics,
        "apps": outcome.apps,
        "files": outcome.files,
        "bytes": outcome.bytes,
    }))
    .unwrap()
}

/// Writes `text` to `rel` under `root`, making its folders.
pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}
