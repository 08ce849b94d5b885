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
        paths.iter().map(|p| collapse_separators(p)).collect()
    };
    // A dangling symlink exists for the walker (it reports it), not for
    // `exists()`.
    if let Some(p) = paths
        .iter()
        .find(|p| !p.exists() && p.symlink_metadata().is_err())
    {
        if p.as_os_str() == "-" {
            // `git diff --name-only | intguard scan -`: standard input is
            // no list of paths here.
            return Err(
                "-: intguard reads no paths from standard input; give them as arguments (`git diff --name-only -z | xargs -0 intguard scan`)"
                    .to_string(),
            );
        }
        return Err(format!("{}: no such file or folder", p.display()));
    }
    let config = match config {
        Some(path) => Config::given(path),
        None => Config::discover(&paths),
    }
    .map_err(|e| e.to_string())?;
    Ok((paths, config))
}

/// The path with repeated separators collapsed (`a//b/` -> `a/b/`), so that
/// report paths and fingerprints do not depend on how a root was typed. A
/// leading `//` (a network path on Windows) is kept.
fn collapse_separators(path: &Path) -> PathBuf {
    let Some(s) = path.to_str() else {
        return path.to_path_buf();
    };
    let is_sep = |c: char| c == '/' || std::path::is_separator(c);
    let mut out = String::with_capacity(s.len());
    let mut prev_sep = false;
    for (i, c) in s.char_indices() {
        let sep = is_sep(c);
        if sep && prev_sep && i > 1 {
            continue;
        }
        out.push(c);
        prev_sep = sep;
    }
    PathBuf::from(out)
}

/// The org snapshot given with `--org-snapshot`, if any.
pub fn org_snapshot(path: Option<&Path>) -> Result<Option<OrgSnapshot>, String> {
    path.map(|p| OrgSnapshot::load(p).map_err(|e| e.to_string()))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_separators_are_collapsed() {
        for (given, want) in [
            ("acme//", "acme/"),
            ("acme//orders-sapi///src", "acme/orders-sapi/src"),
            ("./acme", "./acme"),
            ("/abs//x", "/abs/x"),
            ("//server/share//x", "//server/share/x"),
        ] {
            assert_eq!(collapse_separators(Path::new(given)), PathBuf::from(want));
        }
    }
}
