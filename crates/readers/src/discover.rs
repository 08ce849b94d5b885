//! Walking the given paths: which files to read, and which diagnostics the
//! walk itself produced (symlink loops, unreadable directories).
//!
//! The walk is parallel (the `ignore` crate's parallel walker), respects
//! `.gitignore` even outside a git repository, includes hidden files (secrets
//! hide in `.env` and `.mvn/jvm.config`) but never descends into `.git/`,
//! `target/` or `node_modules/`. Files that git tracks although `.gitignore`
//! matches them (force-added keystores, typically) are read too: they are
//! committed, whatever the ignore rules say. For the same reason the search
//! tools' `.ignore` files are not honoured: what they hide from a search is
//! still in the repository (the config's `[paths] ignore` is for that). The
//! repository's `.git/info/exclude` is read apart ([`crate::repository_exclude`]).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{WalkBuilder, WalkState};
use intguard_model::Diagnostic;
use wait_timeout::ChildExt;

use crate::gitignores::Gitignores;
use crate::path_name::file_name;
use crate::repository_exclude::{repository_exclude, RepositoryExclude};
use crate::walked_files::WalkedFiles;
use crate::ReadOptions;

/// Directories never walked into (`target` only as a build's output:
/// [`skipped_dir`]).
const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules"];

/// True for a folder never walked into, by its name: a `target` folder only
/// when it is a build's output, not a project of its own (a Mule app kept in
/// a folder named `target`, the integration with the retailer, has a
/// descriptor and `src/` at its top; Maven's output has neither).
fn skipped_dir(dir: &Path, name: &str) -> bool {
    SKIPPED_DIRS.contains(&name)
        && !(name == "target"
            && dir.join("src").is_dir()
            && ["pom.xml", "mule-artifact.json", "mule-project.xml"]
                .iter()
                .any(|f| dir.join(f).is_file()))
}

#[derive(Debug, Default)]
pub(crate) struct Walk {
    pub files: WalkedFiles,
    pub diagnostics: Vec<Diagnostic>,
    /// Nested repositories in folders a `.gitignore` names, each with that
    /// `.gitignore` ([`crate::ignored_repositories`]): judged once the walk
    /// is done.
    nested_repositories: Vec<(PathBuf, PathBuf)>,
}

pub(crate) use intguard_model::path_text::display_path;

/// Checks a gitignore-style glob of `[paths] ignore`: `Err` with the
/// reason when it is invalid (`legacy-sync/[abc`). The config is checked
/// with this when it is loaded, so a bad glob is a usage error, not a path
/// silently read.
pub fn check_ignore_glob(glob: &str) -> Result<(), String> {
    // In a gitignore-style glob `\` escapes the character after it: a
    // Windows path (`legacy-sync\**`, `apps\orders\src\test\`) matched
    // nothing and kept nothing out, silently. A backslash is refused but
    // before the characters a file name may hold that a glob reads
    // otherwise (`\ `, `\#`, `\!`, `\[`, `\]`); `\*` and `\?` name no file
    // on Windows and are what `dir\**` and `dir\?` mean there.
    let mut chars = glob.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && !matches!(chars.next(), Some(' ' | '#' | '!' | '[' | ']')) {
            let mut slashed = glob.replace('\\', "/");
            while slashed.contains("//") {
                slashed = slashed.replace("//", "/");
            }
            return Err(format!(
                "folders are separated by `/` in a gitignore-style glob, on Windows too ({slashed:?}); `\\` escapes the character after it"
            ));
        }
    }
    let mut builder = GitignoreBuilder::new(".");
    // The walk would take an unclosed `[` literally (as git does), matching
    // a file named `[abc` and not what was meant: an error here.
    builder.allow_unclosed_class(false);
    builder.add_line(None, glob).map_err(|e| e.to_string())?;
    builder.build().map(|_| ()).map_err(|e| e.to_string())
}

fn user_ignores(root: &Path, globs: &[String]) -> Option<Gitignore> {
    if globs.is_empty() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(root);
    for glob in globs {
        // Config globs are checked when the config is loaded
        // (`check_ignore_glob`); a library caller's bad glob is skipped.
        let _ = builder.add_line(None, glob);
    }
    builder.build().ok()
}

/// A gitignore-style glob relative to some folder, as it applies to its
/// subfolder `below` (its path segments): a glob that names no folder
/// (`*.bak`, `sandbox/`) or starts with `**/` applies as it is; one anchored
/// to a path (`orders-sapi/sandbox/**`) applies from where `below` ends
/// (`/sandbox/**`) when its leading segments match `below`'s, else not at
/// all (`None`).
pub(crate) fn glob_below(glob: &str, below: &[String]) -> Option<String> {
    let (negated, pattern) = match glob.strip_prefix('!') {
        Some(rest) => ("!", rest),
        None => ("", glob),
    };
    let body = pattern.trim_end_matches('/');
    let anchored = pattern.starts_with('/') || body.contains('/');
    if !anchored || pattern.starts_with("**/") {
        return Some(glob.to_string());
    }
    let dir_only = if pattern.ends_with('/') { "/" } else { "" };
    let segments: Vec<&str> = body.trim_start_matches('/').split('/').collect();
    for (i, folder) in below.iter().enumerate() {
        let Some(segment) = segments.get(i) else {
            // The glob names a folder above or at the root: all of it.
            return Some(format!("{negated}/**"));
        };
        if *segment == "**" {
            return Some(format!("{negated}/{}{dir_only}", segments[i..].join("/")));
        }
        let matches = globset::Glob::new(segment)
            .map(|g| g.compile_matcher().is_match(folder))
            .unwrap_or(false);
        if !matches {
            return None;
        }
    }
    let rest = &segments[below.len()..];
    if rest.is_empty() {
        return Some(format!("{negated}/**"));
    }
    Some(format!("{negated}/{}{dir_only}", rest.join("/")))
}

/// Walks every root in parallel and returns the regular files found, sorted by
/// display path.
pub(crate) fn walk(roots: &[PathBuf], options: &ReadOptions) -> Walk {
    let out = Mutex::new(Walk::default());
    let distinct = distinct_roots(roots);
    // Where the scan reaches, to tell a link that leads out of it.
    let scanned: Vec<PathBuf> = distinct
        .iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .collect();
    // Each named file once, with its resolved path.
    // A file root inside another root (`scan . docs/notes.txt`) is named to
    // that root's walk, as it was as a root of its own: read whatever
    // `.gitignore` says, kept out by `[paths] ignore` with a note.
    let covered_files = roots
        .iter()
        .filter(|r| r.is_file() && !distinct.contains(r));
    let named: Vec<(&PathBuf, PathBuf)> = options
        .named_files
        .iter()
        .chain(covered_files)
        .filter_map(|f| Some((f, std::fs::canonicalize(f).ok()?)))
        .fold(
            Vec::new(),
            |mut named: Vec<(&PathBuf, PathBuf)>, (given, file)| {
                if !named.iter().any(|(_, f)| *f == file) {
                    named.push((given, file));
                }
                named
            },
        );
    for root in &distinct {
        walk_root(root, options, &scanned, &named, &out);
    }
    let mut walk = out.into_inner().unwrap_or_else(|e| e.into_inner());
    sort_files(&mut walk);
    let nested = std::mem::take(&mut walk.nested_repositories);
    let mut nested = crate::ignored_repositories::not_walked(nested, &walk.files);
    if nested.is_empty() {
        return walk;
    }
    // A folder given inside another one given is covered by its walk,
    // unless a `.gitignore` keeps that walk out of it: one inside a
    // repository nested in an ignored folder (`scan . vendor/partner`, as
    // the warning below advises) is walked on its own.
    let nested_at: Vec<Option<PathBuf>> = nested
        .iter()
        .map(|(repo, _)| std::fs::canonicalize(repo).ok())
        .collect();
    let inside = |given: &Path| nested_at.iter().flatten().any(|n| given.starts_with(n));
    let given_inside: Vec<(PathBuf, PathBuf)> = roots
        .iter()
        .filter(|r| !distinct.iter().any(|d| std::ptr::eq(*d, *r)) && r.is_dir())
        .filter_map(|r| Some((r.clone(), std::fs::canonicalize(r).ok()?)))
        .filter(|(_, at)| inside(at))
        .collect();
    if !given_inside.is_empty() {
        let given: Vec<PathBuf> = given_inside.iter().map(|(r, _)| r.clone()).collect();
        let out = Mutex::new(walk);
        for root in distinct_roots(&given) {
            walk_root(root, options, &scanned, &named, &out);
        }
        walk = out.into_inner().unwrap_or_else(|e| e.into_inner());
        walk.nested_repositories.clear();
        sort_files(&mut walk);
        // Scanned as asked: nothing to say of it.
        let mut at = nested_at.iter();
        nested.retain(|_| {
            at.next()
                .and_then(Option::as_ref)
                .is_none_or(|n| !given_inside.iter().any(|(_, g)| g.starts_with(n)))
        });
    }
    let said = crate::ignored_repositories::diagnostics(nested);
    walk.diagnostics.extend(said);
    walk
}

/// The walk's files sorted by display path, each once.
fn sort_files(walk: &mut Walk) {
    walk.files = walk.files.sorted();
}

/// The roots to walk: a root inside another one (or the same folder spelt
/// differently) is already covered by it and is dropped, so no file is read
/// twice.
fn distinct_roots(roots: &[PathBuf]) -> Vec<&PathBuf> {
    // Roots that cannot be resolved (missing) are kept: the walk reports them.
    let canon: Vec<Option<PathBuf>> = roots
        .iter()
        .map(|r| std::fs::canonicalize(r).ok())
        .collect();
    let mut kept: Vec<usize> = Vec::new();
    for i in 0..roots.len() {
        let covered = (0..roots.len()).any(|j| match (&canon[i], &canon[j]) {
            (Some(ci), Some(cj)) => j != i && ci.starts_with(cj) && (ci != cj || j < i),
            _ => false,
        });
        if !covered {
            kept.push(i);
        }
    }
    kept.into_iter().map(|i| &roots[i]).collect()
}

/// How long `git ls-files` may take before the scan goes on without it:
/// `INTGUARD_GIT_TIMEOUT` seconds, 30 by default. git waits forever on a
/// FIFO among the files it reads (`.git/info/exclude`), and a stuck git
/// must not stop a scan.
fn git_timeout() -> Duration {
    std::env::var("INTGUARD_GIT_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(Duration::from_secs(30))
}

/// Files under `root` that git tracks although its ignore rules match them
/// (`git add -f`), as paths under `root`. Empty when `root` is not in a git
/// work tree or git is not installed: then nothing is known to be tracked.
/// Empty too, with a warning, when git does not answer within
/// [`git_timeout`].
fn tracked_but_ignored(root: &Path) -> (Vec<PathBuf>, Option<Diagnostic>) {
    if !root.is_dir() {
        return (Vec::new(), None);
    }
    let child = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--ignored",
            "--exclude-standard",
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return (Vec::new(), None);
    };
    // Read beside the wait, so that a long list never fills the pipe.
    let reader = child.stdout.take().map(|mut stdout| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = std::io::Read::read_to_end(&mut stdout, &mut bytes);
            bytes
        })
    });
    let timeout = git_timeout();
    let status = match child.wait_timeout(timeout) {
        Ok(Some(status)) => Some(status),
        _ => {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
    };
    let Some(status) = status else {
        // The reader ends when the killed git's pipe closes: not waited for.
        let d = Diagnostic::warning(
            "git-timeout",
            display_path(root),
            format!(
                "`git ls-files` did not answer within {} s: files git tracks although .gitignore matches them are not read (INTGUARD_GIT_TIMEOUT sets the wait, in seconds)",
                timeout.as_secs_f64()
            ),
        );
        return (Vec::new(), Some(d));
    };
    let stdout = reader.and_then(|r| r.join().ok()).unwrap_or_default();
    if !status.success() {
        return (Vec::new(), None);
    }
    let files = stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .filter_map(|p| std::str::from_utf8(p).ok())
        .map(|p| root.join(p))
        .collect();
    (files, None)
}

fn walk_root(
    root: &Path,
    options: &ReadOptions,
    scanned: &[PathBuf],
    named: &[(&PathBuf, PathBuf)],
    out: &Mutex<Walk>,
) {
    if let Some(why) = file_root_kept_out(root, options) {
        lock(out)
            .diagnostics
            .push(Diagnostic::warning("ignored-path", display_path(root), why));
        return;
    }
    let ignores = config_ignores(root, options);
    // git lists what it tracks while the folder is walked (the file list is
    // sorted and deduplicated afterwards).
    // The root's own `.gitignore` and its parents' are read before any
    // filter runs: one the walker cannot read safely turns them all off. The
    // repository's `.git/info/exclude` is read here, not by the walker. git,
    // which would read both, is not asked when either is unsafe.
    let unsafe_here = folders_up(root)
        .iter()
        .filter(|a| a.is_dir())
        .find_map(|a| unsafe_ignore_file(a));
    let (exclude, unsafe_exclude) = repository_exclude(root);
    let ask_git = unsafe_here.is_none() && unsafe_exclude.is_none();
    lock(out).diagnostics.extend(unsafe_exclude);
    let (files_before, nested_before) = {
        let walk = lock(out);
        (walk.files.len(), walk.nested_repositories.len())
    };
    let config_kept_out = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let tracked = ask_git.then(|| scope.spawn(|| tracked_but_ignored(root)));
        let tree = Tree {
            options,
            ignores: ignores.as_ref(),
            exclude: exclude.as_ref(),
            scanned,
            out,
            config_kept_out: &config_kept_out,
        };
        walk_root_tree(root, &tree, unsafe_here);
        if let Some(tracked) = tracked {
            let (files, late) = tracked.join().unwrap_or_default();
            lock(out).diagnostics.extend(late);
            add_tracked(root, files, ignores.as_ref(), out);
        }
        add_named(root, named, ignores.as_ref(), out);
    });
    // A nested repository that `[paths] ignore` keeps out was left out on
    // purpose: nothing to say of it.
    if let Some(gi) = &ignores {
        let mut walk = lock(out);
        let mine = walk.nested_repositories.split_off(nested_before);
        walk.nested_repositories.extend(
            mine.into_iter()
                .filter(|(repo, _)| !gi.matched_path_or_any_parents(repo, true).is_ignore()),
        );
    }
    let kept_out = config_kept_out.into_inner();
    if kept_out > 0 && root.is_dir() {
        let mut walk = lock(out);
        // The config itself (read for its own sake) is not something audited.
        let audited = walk
            .files
            .iter_from(files_before)
            .any(|f| file_name(f.path).is_none_or(|n| n != CONFIG_FILE_NAME));
        if !audited {
            walk.diagnostics.push(Diagnostic::warning(
                "ignored-path",
                display_path(root),
                format!(
                    "`paths.ignore` in the config keeps out every file under this folder ({kept_out} files and folders matched): nothing here is audited; check the globs"
                ),
            ));
        }
    }
}

/// The config file's name: a folder holding only it has nothing to audit.
const CONFIG_FILE_NAME: &str = "intguard.toml";

/// A `config-not-used` warning for each `intguard.toml` walked that is not
/// `in_use` (canonical, and as shown): a scan applies one config to every
/// root, so the one of a subfolder (an app's own, in a monorepo scanned
/// whole) or of a second root was silently not applied.
pub(crate) fn configs_not_used(
    files: &WalkedFiles,
    in_use: Option<&(PathBuf, String)>,
) -> Vec<Diagnostic> {
    let which = match in_use {
        Some((_, shown)) => format!("this scan applies {shown} to every folder it reads"),
        None => "this scan found none to apply".to_string(),
    };
    files
        .iter()
        .filter(|f| file_name(f.path).is_some_and(|n| n == CONFIG_FILE_NAME))
        .filter(|f| {
            in_use.is_none_or(|(used, _)| {
                std::fs::canonicalize(f.path).map_or(true, |p| p != *used)
            })
        })
        .map(|f| {
            Diagnostic::warning(
                "config-not-used",
                f.display().to_string(),
                format!(
                    "not applied: a scan reads one config, `--config FILE` or else the intguard.toml of the first folder given that has one (or of the nearest folder above it), and {which}; scan this file's folder on its own, or give it with `--config`, to apply it"
                ),
            )
        })
        .collect()
}

/// The files that make a folder a Mule app: a glob that keeps one out (and
/// not its folder) leaves the app's other files read without their app.
const APP_DESCRIPTORS: [&str; 2] = ["mule-artifact.json", "mule-project.xml"];

/// When `file`, which the config's globs keep out, is an app's descriptor
/// and the app's folder is not kept out whole: a warning saying what that
/// does to the app.
fn app_descriptor_kept_out(
    file: &Path,
    root: &Path,
    ignores: Option<&Gitignore>,
) -> Option<Diagnostic> {
    let name = file.file_name()?;
    if !APP_DESCRIPTORS.iter().any(|d| name == *d) {
        return None;
    }
    let folder = file.parent()?;
    let kept_out =
        |path: &Path, is_dir: bool| ignores.is_some_and(|gi| gi.matched(path, is_dir).is_ignore());
    // An app left out whole (`app/**`, which matches what is in the folder,
    // not the folder) keeps its `src` out too.
    if kept_out(&folder.join("src"), true) {
        return None;
    }
    // The app is still found by its pom (packaging `mule-application`,
    // `mule-plugin`, `mule` for Mule 3, or `mule-domain`) when that is read.
    let pom = folder.join("pom.xml");
    let found_by_pom = !kept_out(&pom, false)
        && crate::read_limited(&pom, 1 << 20).is_some_and(|t| {
            let info = crate::mule::descriptor::pom_info(&crate::lossy_text(&t));
            info.is_read_as_app()
        });
    let effect = if found_by_pom {
        "the app there is read without it (its pom still makes the folder an app)"
    } else {
        "the folder is not read as a Mule app, and its other files are audited without it"
    };
    Some(Diagnostic::warning(
        "ignored-path",
        display_path(file),
        format!(
            "is matched by `paths.ignore` in the config, but its folder is not: {effect} (ignore the folder, `{}/**`, to leave the app out)",
            display_path(folder.strip_prefix(root).unwrap_or(folder)),
        ),
    ))
}

/// The config's `[paths] ignore` globs as they apply in the folder `dir`
/// (they are written relative to the config's folder).
fn config_ignores(dir: &Path, options: &ReadOptions) -> Option<Gitignore> {
    let below = options.ignore_base.as_deref().and_then(|base| {
        let canonical = std::fs::canonicalize(dir).ok()?;
        Some(
            canonical
                .strip_prefix(base)
                .ok()?
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<String>>(),
        )
    });
    let globs: Vec<String> = match below {
        Some(below) if !below.is_empty() => options
            .ignore_globs
            .iter()
            .filter_map(|g| glob_below(g, &below))
            .collect(),
        _ => options.ignore_globs.clone(),
    };
    user_ignores(dir, &globs)
}

/// Why a root that is a file is not read: `[paths] ignore` matches it. A
/// pre-commit hook names each changed file, and what the config ignores
/// must stay out of its scan as of a scan of the whole repository
/// (`.gitignore` does not keep a named file out: it is read, as ripgrep
/// reads what it is given).
fn file_root_kept_out(root: &Path, options: &ReadOptions) -> Option<String> {
    if options.ignore_globs.is_empty() || !root.is_file() {
        return None;
    }
    // Both resolved, so that the file lies under the folder the globs are
    // rooted at however the root was spelt.
    let file = std::fs::canonicalize(root).ok()?;
    let dir = file.parent()?;
    let ignores = config_ignores(dir, options)?;
    ignores
        .matched_path_or_any_parents(&file, false)
        .is_ignore()
        .then(|| "is matched by `paths.ignore` in the config: not read".to_string())
}

/// Adds the files the user named that lie under `root` (see
/// [`ReadOptions::named_files`]): a `.gitignore` that matches one does not
/// keep it out of a scan that names it. One in a skipped folder or ignored
/// by the config is not read, with a note saying why.
fn add_named(
    root: &Path,
    named: &[(&PathBuf, PathBuf)],
    ignores: Option<&Gitignore>,
    out: &Mutex<Walk>,
) {
    let Ok(top) = std::fs::canonicalize(root) else {
        return;
    };
    for (given, file) in named {
        // Spelt from `root` as the walk spells its files (`.`,
        // `orders-sapi`, or an absolute path when the given one was too
        // short to climb).
        let Ok(rel) = file.strip_prefix(&top) else {
            continue;
        };
        // A root of its own: the walk reads it, whatever ignores it.
        if rel.as_os_str().is_empty() {
            continue;
        }
        let path = root.join(rel);
        if let Some(why) = kept_out(root, &path, ignores) {
            lock(out).diagnostics.push(Diagnostic::warning(
                "ignored-path",
                display_path(given),
                why,
            ));
        } else if is_regular_file(&path) {
            lock(out).files.push(&path);
        }
    }
}

/// `root` and the folders above it, up to the file system's root: first as
/// given (`apps/orders`, `apps`), for the paths diagnostics show, then
/// resolved. The walker reads the `.gitignore` of every folder above a
/// relative root too, and the chain as given stops at the working folder.
pub(crate) fn folders_up(root: &Path) -> Vec<PathBuf> {
    let as_given = root.ancestors().filter(|a| !a.as_os_str().is_empty());
    let resolved = std::fs::canonicalize(root).ok();
    let resolved = resolved.iter().flat_map(|r| r.ancestors());
    as_given.chain(resolved).map(Path::to_path_buf).collect()
}

/// The walk of one root, with its ignore files when they are safe to read.
fn walk_root_tree(root: &Path, tree: &Tree<'_>, unsafe_here: Option<Diagnostic>) {
    let with_ignore_files = match unsafe_here {
        Some(d) => {
            lock(tree.out).diagnostics.push(d);
            false
        }
        None => true,
    };
    let mut pending = walk_tree(root, tree, with_ignore_files);
    // Folders skipped for an unsafe ignore file: walked again, whole.
    while let Some(dir) = pending.pop() {
        pending.extend(walk_tree(&dir, tree, false));
    }
}

/// Ignore files larger than this are not read: real ones hold a few hundred
/// lines, and the `ignore` crate holds every pattern (4 MB of patterns took
/// 1.9 GB).
const MAX_IGNORE_FILE: u64 = 1 << 20;

/// Why the ignore file at `path` must not be read whole (`None`: it is
/// absent, or a regular file of at most [`MAX_IGNORE_FILE`]). Links are
/// followed, as the walker's and git's own opens follow them.
pub(crate) fn unsafe_to_read(path: &Path) -> Option<&'static str> {
    unsafe_to_read_as(&std::fs::metadata(path).ok()?)
}

/// [`unsafe_to_read`] of a file whose metadata is `meta`.
fn unsafe_to_read_as(meta: &std::fs::Metadata) -> Option<&'static str> {
    if !meta.is_file() {
        Some("is not a regular file (a FIFO, device or socket, or a link to one)")
    } else if meta.len() > MAX_IGNORE_FILE {
        Some("is larger than 1 MiB")
    } else {
        None
    }
}

/// A diagnostic when `dir` holds a `.gitignore` that the walk must not
/// read: not a regular file (a FIFO would block the scan forever, a link to
/// `/dev/zero` would fill memory) or too large. The folder is then scanned
/// whole, without its ignore rules: more files read, none hidden. (One
/// `stat` per folder, which also tells whether it holds one, before the
/// file is opened.)
fn unsafe_ignore_file(dir: &Path) -> Option<Diagnostic> {
    match ignore_file_in(dir) {
        IgnoreFile::Unsafe(d) => Some(d),
        IgnoreFile::Absent | IgnoreFile::Safe => None,
    }
}

/// The `.gitignore` a folder holds, as the walk may read it.
enum IgnoreFile {
    Absent,
    Safe,
    /// Not to be read, with what to say (see [`unsafe_ignore_file`]).
    Unsafe(Diagnostic),
}

/// Whether `dir` holds a `.gitignore` and whether it is safe to read (one
/// `stat`).
fn ignore_file_in(dir: &Path) -> IgnoreFile {
    let path = dir.join(".gitignore");
    let Ok(meta) = std::fs::metadata(&path) else {
        return IgnoreFile::Absent;
    };
    match unsafe_to_read_as(&meta) {
        None => IgnoreFile::Safe,
        Some(why) => IgnoreFile::Unsafe(Diagnostic::warning(
            "ignore-file",
            display_path(&path),
            format!(
                ".gitignore {why}: not read, so no ignore rules apply in this folder; it is scanned whole"
            ),
        )),
    }
}

/// True when the link at `link` leads (through any links) to a regular file
/// inside one of the folders scanned (`scanned`, canonical).
fn link_to_file_inside(link: &Path, scanned: &[PathBuf]) -> bool {
    std::fs::metadata(link).is_ok_and(|m| m.is_file())
        && std::fs::canonicalize(link).is_ok_and(|t| scanned.iter().any(|r| t.starts_with(r)))
}

/// A warning when the link at `link` (not followed) leads out of every
/// folder scanned: its target is read by nobody.
fn link_out_of(link: &Path, scanned: &[PathBuf]) -> Option<Diagnostic> {
    let target = std::fs::canonicalize(link).ok()?;
    if scanned.iter().any(|r| target.starts_with(r)) {
        return None;
    }
    let what = if target.is_dir() {
        "a folder"
    } else {
        "a file"
    };
    Some(Diagnostic::warning(
        "symlink-outside",
        display_path(link),
        format!(
            "symbolic link to {what} outside the folders scanned ({}): not read; scan with --follow to read it here",
            display_path(&target)
        ),
    ))
}

/// Adds the files git tracks although `.gitignore` matches them, unless they
/// are in a skipped folder or ignored by the config.
fn add_tracked(root: &Path, tracked: Vec<PathBuf>, ignores: Option<&Gitignore>, out: &Mutex<Walk>) {
    for path in tracked {
        if kept_out(root, &path, ignores).is_none() && is_regular_file(&path) {
            lock(out).files.push(&path);
        }
    }
}

/// Why a file the walk did not yield, but git tracks or the user named, is
/// still not read: it lies in a skipped folder (or not under `root` at
/// all), or the config's ignore globs match it.
fn kept_out(root: &Path, path: &Path, ignores: Option<&Gitignore>) -> Option<String> {
    let in_skipped_dir = path.strip_prefix(root).map_or(true, |rel| {
        let mut dir = root.to_path_buf();
        rel.components().any(|c| {
            dir.push(c);
            c.as_os_str().to_str().is_some_and(|n| skipped_dir(&dir, n))
        })
    });
    if in_skipped_dir {
        return Some(format!(
            "lies in a folder intguard does not read ({}): not read",
            SKIPPED_DIRS.join(", ")
        ));
    }
    if ignores.is_some_and(|gi| gi.matched_path_or_any_parents(path, false).is_ignore()) {
        return Some("is matched by `paths.ignore` in the config: not read".to_string());
    }
    None
}

/// A regular file, not followed if it is a link.
fn is_regular_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// The parallel walk of one root, with or without the ignore files it holds.
/// Returns the folders skipped because an ignore file in them is unsafe to
/// read (see [`unsafe_ignore_file`]), for the caller to walk without them.
/// What every walk of a root shares.
struct Tree<'a> {
    options: &'a ReadOptions,
    /// The config's ignore globs.
    ignores: Option<&'a Gitignore>,
    /// The repository's `.git/info/exclude`, which the walker does not read.
    exclude: Option<&'a RepositoryExclude>,
    /// The distinct roots, canonical.
    scanned: &'a [PathBuf],
    out: &'a Mutex<Walk>,
    /// How many files and folders the config's globs kept out.
    config_kept_out: &'a AtomicUsize,
}

fn walk_tree(root: &Path, tree: &Tree<'_>, with_ignore_files: bool) -> Vec<PathBuf> {
    let Tree {
        options,
        ignores,
        exclude,
        scanned,
        out,
        config_kept_out,
    } = *tree;
    // Folders skipped for an unsafe ignore file, with the diagnostic.
    let skipped: Arc<Mutex<Vec<(PathBuf, Diagnostic)>>> = Arc::default();
    let mut builder = WalkBuilder::new(root);
    // The `.gitignore` files are applied by the filter below (see
    // `gitignores`): the walker would compile each folder's again.
    builder
        .hidden(false)
        .git_ignore(false)
        .git_exclude(false)
        .git_global(false)
        .ignore(false)
        .parents(false)
        .require_git(false)
        .follow_links(options.follow_symlinks)
        .threads(options.threads);
    let found = Arc::clone(&skipped);
    // What the config's globs keep out, counted and, for app descriptors,
    // said (the filter must own what it touches).
    let by_config: Arc<(AtomicUsize, Mutex<Vec<Diagnostic>>)> = Arc::default();
    let config_seen = Arc::clone(&by_config);
    let ignores = ignores.cloned();
    let walked_root = root.to_path_buf();
    let follow = options.follow_symlinks;
    let inside: Vec<PathBuf> = if follow { scanned.to_vec() } else { Vec::new() };
    // Like the ignore files, applied only where they are read.
    let exclude = exclude.filter(|_| with_ignore_files).cloned();
    let gitignores = with_ignore_files.then(|| Arc::new(Gitignores::for_root(root)));
    let gitignores_of_visits = gitignores.clone();
    builder.filter_entry(move |entry| {
        if entry.depth() == 0 {
            return true;
        }
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        // First, as in the walker: nothing else is asked of what they hide.
        if gitignores
            .as_ref()
            .is_some_and(|g| g.ignores(entry.path(), is_dir))
        {
            return false;
        }
        // `DirEntry::file_name`, read from the path's bytes.
        let entry_name = file_name(entry.path()).unwrap_or(entry.path().as_os_str());
        if let Some(name) = entry_name.to_str() {
            // `.git` is git's whether a folder or, in a worktree or a
            // submodule, the file naming where the folder is.
            if (is_dir || name == ".git") && skipped_dir(entry.path(), name) {
                return false;
            }
        }
        if follow && is_dir && entry.path_is_symlink() && read_at_target(entry.path(), &inside) {
            return false;
        }
        let by_config = ignores
            .as_ref()
            .is_some_and(|gi| gi.matched(entry.path(), is_dir).is_ignore());
        if by_config {
            config_seen.0.fetch_add(1, Ordering::Relaxed);
            if !is_dir {
                if let Some(d) =
                    app_descriptor_kept_out(entry.path(), &walked_root, ignores.as_ref())
                {
                    lock(&config_seen.1).push(d);
                }
            }
        }
        let ignored = by_config
            || exclude
                .as_ref()
                .is_some_and(|x| x.excludes(entry.path(), is_dir));
        if is_dir && !ignored {
            if let Some(gitignores) = &gitignores {
                match ignore_file_in(entry.path()) {
                    IgnoreFile::Absent => gitignores.let_in(entry.path(), false),
                    IgnoreFile::Safe => gitignores.let_in(entry.path(), true),
                    IgnoreFile::Unsafe(d) => {
                        lock(&found).push((entry.path().to_path_buf(), d));
                        return false;
                    }
                }
            }
        }
        !ignored
    });
    builder.build_parallel().run(|| {
        let gitignores = gitignores_of_visits.clone();
        // The folder this thread lists: the walker lists a folder right
        // after visiting it, on the same thread, and this thread's next
        // visit (not an error's) comes once the listing is done.
        let mut listing: Option<PathBuf> = None;
        Box::new(move |result| {
            if let (Some(g), Ok(_)) = (&gitignores, &result) {
                if let Some(dir) = listing.take() {
                    g.listed(dir.as_os_str().as_encoded_bytes());
                }
            }
            match result {
                Ok(entry) => {
                    let Some(file_type) = entry.file_type() else {
                        return WalkState::Continue;
                    };
                    if let Some(g) = gitignores.as_ref().filter(|_| file_type.is_dir()) {
                        g.listing(entry.path());
                        listing = Some(entry.path().to_path_buf());
                    }
                    if file_type.is_file() {
                        // The folders a `.gitignore` names may hide another
                        // repository (only where the walk applies it).
                        let nested = match &gitignores {
                            Some(g) if file_name(entry.path()) == Some(OsStr::new(".gitignore")) => {
                                g.take_candidates(entry.path()).unwrap_or_else(|| {
                                    crate::ignored_repositories::candidates(entry.path())
                                })
                            }
                            _ => Vec::new(),
                        };
                        let gitignore = (!nested.is_empty()).then(|| entry.path().to_path_buf());
                        let mut out = lock(out);
                        out.files.push(entry.path());
                        if let Some(gitignore) = gitignore {
                            out.nested_repositories
                                .extend(nested.into_iter().map(|r| (r, gitignore.clone())));
                        }
                    } else if !file_type.is_dir() && !file_type.is_symlink() {
                        // A FIFO would block a read, a device never end.
                        let d = Diagnostic::warning(
                            "unreadable",
                            display_path(entry.path()),
                            "not a regular file (a FIFO, socket or device): not read",
                        );
                        lock(out).diagnostics.push(d);
                    } else if file_type.is_symlink() && !follow {
                        // Not followed as a folder (a folder inside the scan
                        // is walked at its target; following could loop). A
                        // link to a regular file inside the folders scanned
                        // is read at the link's path, as the app it is in
                        // reads it (its target is read at its own path too);
                        // one that leads out of them is not read at all,
                        // which the user should know. A dangling link is
                        // worth a word.
                        if link_to_file_inside(entry.path(), scanned) {
                            lock(out).files.push(entry.path());
                        } else if std::fs::metadata(entry.path()).is_err() {
                            // Links that lead to each other (`a -> b -> a`)
                            // resolve to nothing: a loop, not a missing target.
                            let d = if links_lead_to_each_other(entry.path()) {
                                Diagnostic::warning(
                                    "symlink-loop",
                                    display_path(entry.path()),
                                    "symbolic link loop: the links lead to each other; not followed",
                                )
                            } else {
                                Diagnostic::warning(
                                    "unreadable",
                                    display_path(entry.path()),
                                    "broken symbolic link: its target does not exist",
                                )
                            };
                            lock(out).diagnostics.push(d);
                        } else if let Some(ancestor) = loops_back_to(entry.path()) {
                            let d = Diagnostic::warning(
                                "symlink-loop",
                                display_path(entry.path()),
                                format!(
                                    "symbolic link loop: leads back to {}; not followed",
                                    display_path(&ancestor)
                                ),
                            );
                            lock(out).diagnostics.push(d);
                        } else if let Some(d) = link_out_of(entry.path(), scanned) {
                            lock(out).diagnostics.push(d);
                        } else if let Some(d) = folder_linked_into_app(entry.path(), scanned) {
                            lock(out).diagnostics.push(d);
                        }
                    }
                }
                Err(err) => {
                    // A link the walker cannot follow is not said when a
                    // `.gitignore` hides it (the walker asks before saying).
                    let hidden = gitignores
                        .as_ref()
                        .filter(|_| follow)
                        .zip(unfollowed_link(&err))
                        .is_some_and(|(g, link)| g.ignores(link, false));
                    if hidden {
                        return WalkState::Continue;
                    }
                    if let Some(d) = walk_error(&err) {
                        lock(out).diagnostics.push(d);
                    }
                }
            }
            WalkState::Continue
        })
    });
    let skipped = std::mem::take(&mut *lock(&skipped));
    config_kept_out.fetch_add(by_config.0.load(Ordering::Relaxed), Ordering::Relaxed);
    let mut walk = lock(out);
    walk.diagnostics
        .extend(std::mem::take(&mut *lock(&by_config.1)));
    skipped
        .into_iter()
        .map(|(dir, d)| {
            walk.diagnostics.push(d);
            dir
        })
        .collect()
}

/// With `--follow`: true when the folder the link at `link` leads to is read
/// anyway, at its own path inside the folders scanned (`scanned`,
/// canonical), as part of the app the link is in, or when the link is in
/// no app. Reading it again at the link's path would only repeat its
/// findings (a link to a whole app made IG303 count the app twice); a
/// folder linked into another app (a shared config folder) is read there
/// as that app's.
fn read_at_target(link: &Path, scanned: &[PathBuf]) -> bool {
    let Ok(target) = std::fs::canonicalize(link) else {
        return false;
    };
    if !scanned.iter().any(|r| target.starts_with(r)) {
        return false;
    }
    let app_of = |dir: &Path| {
        dir.ancestors()
            .find(|d| crate::is_app_root(d))
            .map(Path::to_path_buf)
    };
    let Some(at) = link.parent().and_then(|p| std::fs::canonicalize(p).ok()) else {
        return false;
    };
    match app_of(&at) {
        None => true,
        Some(app) => app_of(&target).is_some_and(|t| t == app),
    }
}

/// A warning when the link at `link` (not followed) leads to a folder inside
/// the folders scanned from inside an app that folder is not part of (a
/// shared config folder linked as `src/main/resources`): its files are read
/// at their own path, not as that app's, so the app's properties there are
/// not resolved.
fn folder_linked_into_app(link: &Path, scanned: &[PathBuf]) -> Option<Diagnostic> {
    let target = std::fs::canonicalize(link).ok()?;
    if !target.is_dir() || read_at_target(link, scanned) {
        return None;
    }
    Some(Diagnostic::warning(
        "symlink-folder",
        display_path(link),
        format!(
            "symbolic link to a folder ({}) from inside a Mule app it is no part of: not followed, its files are read at their own path, not as this app's (its properties are not resolved for the app); scan with --follow to read them here as the app's",
            display_path(&target)
        ),
    ))
}

/// True when following `link` from link to link comes back to a link already
/// met (`a -> b -> a`, `self -> self`): a loop, not a missing target.
fn links_lead_to_each_other(link: &Path) -> bool {
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut current = link.to_path_buf();
    for _ in 0..64 {
        let Ok(target) = std::fs::read_link(&current) else {
            return false;
        };
        let next = match current.parent() {
            Some(dir) if target.is_relative() => dir.join(&target),
            _ => target,
        };
        if seen.contains(&next) || next == link {
            return true;
        }
        seen.push(current);
        current = next;
    }
    true
}

/// For a symbolic link to one of its own ancestor folders (a loop, had it been
/// followed), that ancestor as walked.
fn loops_back_to(link: &Path) -> Option<PathBuf> {
    let target = std::fs::canonicalize(link).ok()?;
    let parent = std::fs::canonicalize(link.parent()?).ok()?;
    if !target.is_dir() || !parent.starts_with(&target) {
        return None;
    }
    // Shown as walked when the ancestor is under the root, else as resolved.
    let walked = link
        .ancestors()
        .skip(1)
        .filter(|a| !a.as_os_str().is_empty())
        .find(|a| std::fs::canonicalize(a).is_ok_and(|c| c == target));
    Some(walked.map_or(target.clone(), Path::to_path_buf))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The link of a walk error that may come of following one: the path of
/// an I/O error (with `--follow`, the walker reports a link it cannot
/// follow so, having asked the ignore rules first).
fn unfollowed_link(err: &ignore::Error) -> Option<&Path> {
    match innermost(err) {
        (ignore::Error::Io(_), path) => path,
        _ => None,
    }
}

/// A walk error without the wrappers that place it, and the first path
/// they name.
fn innermost(err: &ignore::Error) -> (&ignore::Error, Option<&Path>) {
    let mut path = None;
    let mut cur = err;
    loop {
        match cur {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert(p.as_path());
                cur = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                cur = err
            }
            _ => return (cur, path),
        }
    }
}

/// Turns a walk error into a diagnostic (None for errors in ignore files,
/// which only mean some ignore rules could not be read).
fn walk_error(err: &ignore::Error) -> Option<Diagnostic> {
    match innermost(err) {
        // Errors reading .gitignore files: not the user's input.
        (ignore::Error::Partial(_), _) => None,
        (ignore::Error::Loop { ancestor, child }, _) => Some(Diagnostic::warning(
            "symlink-loop",
            display_path(child),
            format!(
                "symbolic link loop: leads back to {}; not followed",
                display_path(ancestor)
            ),
        )),
        (ignore::Error::Io(io), path) => {
            let shown = path.map(display_path).unwrap_or_default();
            let msg = if io.kind() == std::io::ErrorKind::NotFound {
                "cannot read: not found (broken symbolic link?)".to_string()
            } else {
                format!("cannot read: {io}")
            };
            Some(Diagnostic::warning("unreadable", shown, msg))
        }
        _ => None,
    }
}

#[cfg(test)]
mod glob_below_tests {
    use super::glob_below;

    #[test]
    fn globs_of_a_folder_above_apply_from_the_root_down() {
        let below = ["apps".to_string(), "orders-sapi".to_string()];
        let at = |g: &str| glob_below(g, &below);
        // Naming no folder, or any depth: as they are.
        assert_eq!(at("*.bak").as_deref(), Some("*.bak"));
        assert_eq!(at("sandbox/").as_deref(), Some("sandbox/"));
        assert_eq!(at("**/src/test/**").as_deref(), Some("**/src/test/**"));
        // Anchored through the root: from it on.
        assert_eq!(
            at("apps/orders-sapi/src/main/resources/prod.yaml").as_deref(),
            Some("/src/main/resources/prod.yaml")
        );
        assert_eq!(at("/apps/*/sandbox/").as_deref(), Some("/sandbox/"));
        assert_eq!(
            at("!apps/orders-sapi/keep.yaml").as_deref(),
            Some("!/keep.yaml")
        );
        assert_eq!(at("apps/**/tmp").as_deref(), Some("/**/tmp"));
        // The root itself, or a folder above it: all of it.
        assert_eq!(at("apps/orders-sapi").as_deref(), Some("/**"));
        assert_eq!(at("apps/orders-sapi/").as_deref(), Some("/**"));
        // Another folder's: nothing here.
        assert_eq!(at("apps/billing-sapi/prod.yaml"), None);
        assert_eq!(at("legacy/**"), None);
    }
}
