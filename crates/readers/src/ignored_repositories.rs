//! A git repository nested in a folder that the scanned repository's
//! `.gitignore` ignores (`vendor/` holding a clone of another team's Mule
//! app) is not walked, like anything ignored: an `ignored-repository`
//! warning says so, when the nested repository holds something intguard
//! reads (a Mule app or a Salesforce project), and how to scan it.
//!
//! Cheap by construction, as it runs on every walk: only the `.gitignore`
//! files the walk meets are looked at, and of their patterns only those that
//! name a folder by a literal path (`vendor/`, `/libs/other`, `vendor/*`),
//! never a glob to expand (`*.log`, `build*/`); such a folder is looked into
//! one level deep at most (a clone directly in it, or in one of its first
//! 256 entries), never walked.

use std::path::{Path, PathBuf};

use intguard_model::Diagnostic;

use crate::discover::display_path;
use crate::walked_files::WalkedFiles;

/// How many entries of an ignored folder, or of a nested repository's top,
/// are looked at: an ignored folder may hold thousands (a build's output).
const MAX_ENTRIES: usize = 256;

/// Folders whose names say what they hold, never another team's clone
/// (the walk skips the first three whatever `.gitignore` says).
const NEVER: &[&str] = &[".git", "target", "node_modules", ".mule", ".settings"];

/// The folders that the patterns of the `.gitignore` at `path` name
/// literally and that hold a `.git` (themselves, or one of their entries):
/// nested repositories that the walk may have skipped, checked against it
/// by [`diagnostics`].
pub(crate) fn candidates(path: &Path) -> Vec<PathBuf> {
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    // At most 1 MiB (or the folder is walked without it); read as small as
    // it is.
    let Some(bytes) = crate::read_limited(path, 1 << 20) else {
        return Vec::new();
    };
    candidates_in(dir, &bytes)
}

/// [`candidates`] of the `.gitignore` of `dir` holding `bytes`.
pub(crate) fn candidates_in(dir: &Path, bytes: &[u8]) -> Vec<PathBuf> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    for line in text.lines() {
        let Some((rel, children)) = literal_folder(line) else {
            continue;
        };
        let folder = dir.join(rel);
        if !is_real_dir(&folder) {
            continue;
        }
        if !children && is_repository(&folder) {
            out.push(folder);
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.take(MAX_ENTRIES).flatten() {
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            let name = entry.file_name();
            if is_dir && !NEVER.iter().any(|n| name == *n) && is_repository(&entry.path()) {
                out.push(entry.path());
            }
        }
    }
    out
}

/// The folder a `.gitignore` line names literally, relative to the file's
/// folder, and whether the pattern ignores what it holds (`vendor/*`)
/// rather than the folder itself: `None` for a comment, a negation, a
/// pattern with a glob or an escape elsewhere than a last `*` or `**`, or
/// one naming a folder that is never another repository.
fn literal_folder(line: &str) -> Option<(&str, bool)> {
    let p = line.trim_end();
    if p.is_empty() || p.starts_with(['#', '!']) || p.contains('\\') {
        return None;
    }
    let p = p.trim_start_matches('/');
    let (p, children) = match p.strip_suffix("/**").or_else(|| p.strip_suffix("/*")) {
        Some(rest) => (rest, true),
        None => (p.trim_end_matches('/'), false),
    };
    if p.is_empty() || p.contains(['*', '?', '[']) {
        return None;
    }
    if p.split('/')
        .any(|c| c.is_empty() || c == "." || c == ".." || NEVER.contains(&c))
    {
        return None;
    }
    Some((p, children))
}

/// A folder, not a link to one (the walk does not follow links unless
/// asked, and a link is not where a repository lives).
fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// A git repository's top: a `.git` folder, or the `.git` file of a
/// worktree or submodule.
fn is_repository(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(".git")).is_ok()
}

/// What a nested repository holds that intguard reads, at its top or in
/// one of its first entries: `a Mule app`, `Mule apps`, `a Salesforce
/// project` (`None`: nothing of that, no warning).
fn what_it_holds(repo: &Path) -> Option<&'static str> {
    let salesforce = |d: &Path| {
        d.join("sfdx-project.json").is_file() || d.join("src").join("package.xml").is_file()
    };
    if crate::is_app_root(repo) {
        return Some("a Mule app");
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(repo)
        .map(|r| {
            r.take(MAX_ENTRIES)
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter(|e| !NEVER.iter().any(|n| e.file_name() == *n))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    if entries.iter().any(|d| crate::is_app_root(d)) {
        return Some("Mule apps");
    }
    if salesforce(repo) || entries.iter().any(|d| salesforce(d)) {
        return Some("a Salesforce project");
    }
    None
}

/// Of the `candidates` (each with the `.gitignore` that named it; those the
/// config's `[paths] ignore` keeps out, the user's choice, are already left
/// out), those the walk read no file of: it skipped them (a negation may
/// have brought one back). `files` is the walk's, sorted by display path
/// (the candidates are spelt as the walk spelt the `.gitignore`).
pub(crate) fn not_walked(
    mut candidates: Vec<(PathBuf, PathBuf)>,
    files: &WalkedFiles,
) -> Vec<(PathBuf, PathBuf)> {
    candidates.sort();
    candidates.dedup_by(|a, b| a.0 == b.0);
    candidates.retain(|(repo, _)| {
        let below = format!("{}/", display_path(repo));
        let at = files.partition_point(|f| f.display() < below.as_str());
        !(at < files.len() && files.get(at).display().starts_with(&below))
    });
    candidates
}

/// The `ignored-repository` warnings of the nested repositories not walked
/// that hold something intguard reads.
pub(crate) fn diagnostics(not_walked: Vec<(PathBuf, PathBuf)>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (repo, gitignore) in not_walked {
        let Some(holds) = what_it_holds(&repo) else {
            continue;
        };
        let shown = display_path(&repo);
        out.push(Diagnostic::warning(
            "ignored-repository",
            shown.clone(),
            format!(
                "a git repository of its own, holding {holds}, in a folder that {} ignores: not scanned (the scan respects .gitignore); scan it by passing its path: intguard scan {shown}",
                display_path(&gitignore)
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::literal_folder;

    #[test]
    fn only_literal_folders_are_looked_into() {
        for (line, want) in [
            ("vendor/", Some(("vendor", false))),
            ("/vendor", Some(("vendor", false))),
            ("vendor/*", Some(("vendor", true))),
            ("/third-party/libs/**", Some(("third-party/libs", true))),
            ("other-repo  ", Some(("other-repo", false))),
            ("*.log", None),
            ("build*/", None),
            ("src/main/resources/keys/*.jks", None),
            ("# vendor/", None),
            ("!vendor/keep", None),
            ("target/", None),
            ("apps/node_modules/", None),
            ("../up", None),
            ("", None),
        ] {
            assert_eq!(literal_folder(line), want, "{line:?}");
        }
    }
}
