//! The scanned repository's own ignore list, `.git/info/exclude`, applied by
//! the walk's filter instead of by the walker.
//!
//! The `ignore` crate's walker reads the `.git/info/exclude` of every
//! repository it meets, nested ones too, as soon as it lists their folder
//! and before any filter runs: a FIFO put there by hand blocked the scan
//! forever, and refusing one first would cost a `stat` of every folder (4%
//! more CPU time on the bench corpus). So the walker reads none, and the
//! repository that holds each scanned path has its exclude file checked and
//! read here, once. Nested repositories' exclude files are not read: what
//! only they hide (a developer's local list, which no clone carries) is
//! scanned.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use intguard_model::Diagnostic;

use crate::discover::{display_path, folders_up, unsafe_to_read};

/// The patterns of a repository's `.git/info/exclude`, for the paths of one
/// walk.
#[derive(Clone, Debug)]
pub(crate) struct RepositoryExclude {
    /// Rooted at the repository's work tree, canonical.
    matcher: Gitignore,
    /// The walk's root as given, and canonical.
    walked: PathBuf,
    canonical: PathBuf,
}

impl RepositoryExclude {
    /// Whether the exclude file ignores `path` (a path of the walk).
    pub(crate) fn excludes(&self, path: &Path, is_dir: bool) -> bool {
        let Ok(rel) = path.strip_prefix(&self.walked) else {
            return false;
        };
        self.matcher
            .matched(self.canonical.join(rel), is_dir)
            .is_ignore()
    }
}

/// What the exclude file of the repository holding `root` says: its
/// patterns (`None` when it has none, or no repository holds `root`), or a
/// warning when it is not safe to read (not a regular file, or larger than
/// 1 MiB). git reads it too: the caller does not ask git anything then.
pub(crate) fn repository_exclude(root: &Path) -> (Option<RepositoryExclude>, Option<Diagnostic>) {
    let Ok(canonical) = std::fs::canonicalize(root) else {
        return (None, None);
    };
    let Some((work_tree, exclude)) = exclude_file(root) else {
        return (None, None);
    };
    if let Some(why) = unsafe_to_read(&exclude) {
        let d = Diagnostic::warning(
            "ignore-file",
            display_path(&exclude),
            format!(
                ".git/info/exclude {why}: not read, and git is not asked what it tracks (files it tracks although .gitignore matches them are not read)"
            ),
        );
        return (None, Some(d));
    }
    let Ok(work_tree) = std::fs::canonicalize(&work_tree) else {
        return (None, None);
    };
    let mut builder = GitignoreBuilder::new(&work_tree);
    // An unreadable file or a bad line only loses rules, as in the walker.
    let _ = builder.add(&exclude);
    let matcher = match builder.build() {
        Ok(m) if !m.is_empty() => m,
        _ => return (None, None),
    };
    let exclude = RepositoryExclude {
        matcher,
        walked: root.to_path_buf(),
        canonical,
    };
    (Some(exclude), None)
}

/// The work tree holding `root` and its exclude file, when some folder from
/// `root` up ([`folders_up`]) is a git work tree: `.git` a folder, or a file
/// naming the git folder elsewhere (`gitdir: ...`, a linked work tree or a
/// submodule, whose exclude file is in the common git folder).
fn exclude_file(root: &Path) -> Option<(PathBuf, PathBuf)> {
    folders_up(root).into_iter().find_map(|dir| {
        let exclude = git_dir(&dir)?.join("info").join("exclude");
        Some((dir, exclude))
    })
}

/// The git folder of the work tree `dir`, when it is one.
fn git_dir(dir: &Path) -> Option<PathBuf> {
    let dot_git = dir.join(".git");
    let meta = std::fs::symlink_metadata(&dot_git).ok()?;
    if meta.is_dir() {
        return Some(dot_git);
    }
    // `gitdir: <path>`, then `<path>/commondir` for a linked work tree.
    let named = read_small(&dot_git)?;
    let named = named.lines().next()?.strip_prefix("gitdir: ")?.trim();
    let git = dir.join(named);
    match read_small(&git.join("commondir")) {
        Some(common) => Some(git.join(common.trim())),
        None => Some(git),
    }
}

/// A small regular file's text (not a FIFO, which would block the read).
fn read_small(path: &Path) -> Option<String> {
    if unsafe_to_read(path).is_some() {
        return None;
    }
    std::fs::read_to_string(path).ok()
}
