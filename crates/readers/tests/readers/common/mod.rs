//! Helpers shared by the readers' integration tests.

use std::path::{Path, PathBuf};

use intguard_model::{Inventory, Location};
use intguard_readers::{read_paths, ReadOptions};

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

pub fn read(rel: &str) -> Inventory {
    read_paths(&[fixture(rel)], &ReadOptions::default())
}

/// The display path of a fixture file, as the readers build it.
pub fn shown(rel: &str) -> String {
    fixture(rel).to_string_lossy().replace('\\', "/")
}

/// 1-based (line, column) of the first occurrence of `needle` in a fixture
/// file, computed independently of the readers (columns in characters).
pub fn pos(rel: &str, needle: &str) -> (u32, u32) {
    let text = std::fs::read_to_string(fixture(rel)).expect("fixture");
    pos_in(&text, needle)
}

pub fn pos_in(text: &str, needle: &str) -> (u32, u32) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in fixture"));
    let before = &text[..at];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..at].chars().count() as u32 + 1;
    (line, col)
}

pub fn lc(loc: &Location) -> (u32, u32) {
    (loc.line, loc.column)
}

/// Display path relative to the fixture root `rel`.
pub fn rel_to(rel: &str, path: &str) -> String {
    let root = shown(rel);
    path.strip_prefix(root.as_str())
        .unwrap_or(path)
        .trim_start_matches('/')
        .to_string()
}
