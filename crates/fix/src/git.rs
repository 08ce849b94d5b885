//! The uncommitted-changes guard.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The files among `paths` with uncommitted changes (modified, staged, untracked, ...)
/// according to `git status --porcelain`. Files outside any git repository, and any file
/// when git is not installed, count as clean.
pub fn dirty_files(paths: &[&Path]) -> Vec<PathBuf> {
    let mut dirty = Vec::new();
    for path in paths {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|d| d.join(path))
                .unwrap_or_else(|_| path.to_path_buf())
        };
        // Run git from the deepest existing folder of the path.
        let mut dir = abs.parent().map(Path::to_path_buf);
        while let Some(d) = &dir {
            if d.is_dir() {
                break;
            }
            dir = d.parent().map(Path::to_path_buf);
        }
        let Some(dir) = dir else { continue };
        let out = Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args(["status", "--porcelain", "--"])
            .arg(&abs)
            .output();
        // Not a repository, or no git: nothing to protect.
        if let Ok(o) = out {
            if o.status.success() && !o.stdout.iter().all(u8::is_ascii_whitespace) {
                dirty.push(path.to_path_buf());
            }
        }
    }
    dirty
}
