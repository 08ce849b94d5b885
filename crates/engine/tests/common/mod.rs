//! What the engine's integration tests share: where the workspace is, the
//! options they scan with, and everything a reporter shows of an outcome.

use std::path::{Path, PathBuf};

use intguard_engine::{read_inventory, run_rules, ScanOptions, ScanOutcome};

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
        "suppression_reasons": outcome
            .suppressed
            .iter()
            .map(|f| f.suppression_reason.clone())
            .collect::<Vec<_>>(),
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

/// `run_rules` on the whole Inventory with every app's facts worked out in
/// the app pass cleared (`scan_facts`): each app's are then worked out
/// when the rules run, from the app as it is, as for an app kept whole.
/// `scan` and the whole Inventory both read the facts made as each app is
/// read; this is what tells whether those facts are what the app says.
pub fn whole_without_facts(options: &ScanOptions) -> ScanOutcome {
    let mut inventory = read_inventory(options);
    for app in &mut inventory.apps {
        app.scan_facts = None;
    }
    run_rules(inventory, options)
}
