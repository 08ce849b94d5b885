//! What `scan` and `identities` read: the paths, the config that applies to
//! them and an optional org snapshot to join. Each problem is a usage error
//! (exit 2), found before any file is read.

use std::path::{Path, PathBuf};

use intguard_engine::Config;
use intguard_org::OrgSnapshot;

/// The paths to read (`.` when none was given) and their config (`--config`,
/// else an `intguard.toml` found at a scan root).
pub fn paths_and_config(
    paths: &[PathBuf],
    config: Option<&Path>,
) -> Result<(Vec<PathBuf>, Config), String> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    // A dangling symlink exists for the walker (it reports it), not for
    // `exists()`.
    if let Some(p) = paths
        .iter()
        .find(|p| !p.exists() && p.symlink_metadata().is_err())
    {
        return Err(format!("{}: no such file or folder", p.display()));
    }
    let config = match config {
        Some(path) => Config::load(path),
        None => Config::discover(&paths),
    }
    .map_err(|e| e.to_string())?;
    Ok((paths, config))
}

/// The org snapshot given with `--org-snapshot`, if any.
pub fn org_snapshot(path: Option<&Path>) -> Result<Option<OrgSnapshot>, String> {
    path.map(|p| OrgSnapshot::load(p).map_err(|e| e.to_string()))
        .transpose()
}
