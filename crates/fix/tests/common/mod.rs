//! What the fix crate's test binaries share: fixture apps copied to temporary folders,
//! and the scan whose findings a fix plans from.

use std::path::{Path, PathBuf};

use intguard_engine::{run_rules, ScanOptions};
use intguard_model::{Finding, Inventory};

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A copy of `tests/fixtures/NAME` in a new temp folder: the folder and the copy's path.
pub fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join(name);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
        &app,
    );
    (dir, app)
}

/// The Inventory read from `app` and every finding of a scan of it.
pub fn scan(app: &Path) -> (Inventory, Vec<Finding>) {
    let inventory = intguard_readers::read_paths(&[app.to_path_buf()], &Default::default());
    let options = ScanOptions {
        paths: vec![app.to_path_buf()],
        ..Default::default()
    };
    let findings = run_rules(inventory.clone(), &options).findings.into_vec();
    (inventory, findings)
}
