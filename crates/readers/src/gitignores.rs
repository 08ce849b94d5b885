//! The `.gitignore` files of one walk, applied by the walk's filter instead
//! of by the walker, each distinct file compiled once.
//!
//! The `ignore` crate's walker compiles every folder's `.gitignore` into a
//! glob set of its own (regular expressions). A monorepo's apps mostly hold
//! the same one, written by Studio or an archetype, and compiling them all
//! again was 4.4% of a scan's instructions (callgrind, 200 apps). Here each
//! folder's file is read once, as the filter lets the walk into the folder,
//! and files with the same bytes share one compiled matcher, asked with the
//! path relative to the folder.
//!
//! The result is the walker's own with intguard's settings
//! (`require_git(false)` without `git_exclude`, so no `.git` folder bounds
//! the files applied; `parents(true)`): for an entry, the `.gitignore` of
//! its folder decides, else that of the folder above, up to the walk's root
//! and then each folder above the root (canonical), the first that matches
//! (ignore or `!` whitelist) winning.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

/// The root every shared matcher is built with: no path of a walk starts
/// with it (a path holds no NUL), so a matcher asked with a path relative
/// to its folder never strips anything from it.
const SHARED_ROOT: &str = "/\0intguard-shared-gitignore";

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The `.gitignore` matchers of one walk.
pub(crate) struct Gitignores {
    /// The walk's root as given, less one trailing `/` (`""` for `/`): the
    /// entries' paths continue it with a `/`.
    root: Vec<u8>,
    /// The root's own `.gitignore`.
    at_root: Option<Arc<Gitignore>>,
    /// The root, canonical, and the `.gitignore` of each folder above it,
    /// nearest first, each rooted at its folder.
    above: Option<(PathBuf, Vec<Gitignore>)>,
    /// The folders below the root that hold one, by their path as walked.
    below: RwLock<FastMap<Box<[u8]>, Arc<Gitignore>>>,
    /// Each distinct file's matcher, by its bytes.
    compiled: Mutex<FastMap<Box<[u8]>, Arc<Gitignore>>>,
}

impl Gitignores {
    /// The matchers for the walk of `root`: its own `.gitignore` and those
    /// of the folders above it (the caller has checked they are safe to
    /// read).
    pub(crate) fn for_root(root: &Path) -> Gitignores {
        let given = root.as_os_str().as_bytes();
        let trimmed = given.strip_suffix(b"/").unwrap_or(given);
        let mut gitignores = Gitignores {
            root: trimmed.to_vec(),
            at_root: None,
            above: None,
            below: RwLock::default(),
            compiled: Mutex::default(),
        };
        gitignores.at_root = gitignores.compile(root);
        if let Ok(canonical) = std::fs::canonicalize(root) {
            let above: Vec<Gitignore> = canonical
                .ancestors()
                .skip(1)
                .filter_map(own_matcher)
                .collect();
            if !above.is_empty() {
                gitignores.above = Some((canonical, above));
            }
        }
        gitignores
    }

    /// Reads the `.gitignore` of `dir`, a folder the walk enters (the
    /// caller has checked that it holds one and that it is safe to read).
    pub(crate) fn enter(&self, dir: &Path) {
        if let Some(matcher) = self.compile(dir) {
            let key: Box<[u8]> = dir.as_os_str().as_bytes().into();
            write(&self.below).insert(key, matcher);
        }
    }

    /// Whether the `.gitignore` files ignore `path`, an entry of the walk
    /// below its root.
    pub(crate) fn ignores(&self, path: &Path, is_dir: bool) -> bool {
        self.matched(path, is_dir).is_ignore()
    }

    fn matched(&self, path: &Path, is_dir: bool) -> Match<()> {
        let bytes = path.as_os_str().as_bytes();
        let Some(rel_to_root) = bytes
            .strip_prefix(&self.root[..])
            .and_then(|rest| rest.strip_prefix(b"/"))
        else {
            return Match::None;
        };
        let start = self.root.len();
        {
            let below = read(&self.below);
            if !below.is_empty() {
                let mut end = bytes.len();
                while let Some(slash) = memchr::memrchr(b'/', &bytes[..end]) {
                    if slash <= start {
                        break;
                    }
                    if let Some(matcher) = below.get(&bytes[..slash]) {
                        let m = ask(matcher, &bytes[slash + 1..], is_dir);
                        if !m.is_none() {
                            return m;
                        }
                    }
                    end = slash;
                }
            }
        }
        if let Some(matcher) = &self.at_root {
            let m = ask(matcher, rel_to_root, is_dir);
            if !m.is_none() {
                return m;
            }
        }
        if let Some((canonical, above)) = &self.above {
            let full = canonical.join(Path::new(OsStr::from_bytes(rel_to_root)));
            for matcher in above {
                let m = matcher.matched(&full, is_dir);
                if !m.is_none() {
                    return m.map(|_| ());
                }
            }
        }
        Match::None
    }

    /// The shared matcher of the `.gitignore` in `dir`, compiled on first
    /// sight of its bytes; `None` when it is absent, unreadable or has no
    /// pattern.
    fn compile(&self, dir: &Path) -> Option<Arc<Gitignore>> {
        let file = dir.join(".gitignore");
        let bytes = std::fs::read(&file).ok()?;
        let mut compiled = lock(&self.compiled);
        if let Some(matcher) = compiled.get(&bytes[..]) {
            return (!matcher.is_empty()).then(|| Arc::clone(matcher));
        }
        let mut builder = GitignoreBuilder::new(SHARED_ROOT);
        // A bad line or a read error only loses rules, as in the walker.
        let _ = builder.add(&file);
        let matcher = Arc::new(builder.build().unwrap_or_else(|_| Gitignore::empty()));
        compiled.insert(bytes.into_boxed_slice(), Arc::clone(&matcher));
        (!matcher.is_empty()).then_some(matcher)
    }
}

/// `matcher`, shared, asked with a path relative to its folder.
fn ask(matcher: &Gitignore, rel: &[u8], is_dir: bool) -> Match<()> {
    matcher
        .matched(Path::new(OsStr::from_bytes(rel)), is_dir)
        .map(|_| ())
}

/// The `.gitignore` of `dir` (a folder above the root), rooted at it, as
/// the walker reads those.
fn own_matcher(dir: &Path) -> Option<Gitignore> {
    let file = dir.join(".gitignore");
    if !file.exists() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(dir);
    let _ = builder.add(&file);
    builder.build().ok().filter(|m| !m.is_empty())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn read<T>(m: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(m: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use crate::discover::walk;
    use crate::ReadOptions;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// The files the `ignore` crate's own walker keeps with intguard's
    /// settings and its `.gitignore` handling on.
    fn walker_files(root: &Path) -> BTreeSet<PathBuf> {
        let mut builder = ignore::WalkBuilder::new(root);
        builder
            .hidden(false)
            .git_ignore(true)
            .git_exclude(false)
            .git_global(false)
            .ignore(false)
            .parents(true)
            .require_git(false);
        builder
            .build()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| e.into_path())
            .collect()
    }

    fn walk_files(root: &Path) -> BTreeSet<PathBuf> {
        let walked = walk(&[root.to_path_buf()], &ReadOptions::default());
        walked.files.iter().map(|f| f.path.to_path_buf()).collect()
    }

    /// Nested `.gitignore` files (several with the same bytes, so sharing
    /// one matcher), whitelists below an ignoring folder, anchored and
    /// folder-only patterns, a `.gitignore` in the folder above the root and
    /// a root given with a trailing `/`: the walk keeps exactly the files
    /// the walker's own `.gitignore` handling keeps.
    #[test]
    fn the_walk_keeps_what_the_walkers_own_gitignore_handling_keeps() {
        let tmp = tempfile::tempdir().unwrap();
        // Above the root: applies, with paths from its own folder.
        write(tmp.path(), ".gitignore", "*.bak\n/repo/top-anchored.txt\n");
        let root = tmp.path().join("repo");
        write(
            &root,
            ".gitignore",
            "*.log\n!keep.log\n/out\nbuild/\ndocs/*.tmp\n",
        );
        let app = "out/\n.mule/\n*.jks\n!trusted.jks\n/src/main/resources/keys/*.p12\n";
        for name in ["app-a", "app-b", "app-c"] {
            write(&root, &format!("{name}/.gitignore"), app);
            for file in [
                "pom.xml",
                "out/classes/x.txt",
                ".mule/state.txt",
                "src/main/mule/flows.xml",
                "src/main/resources/keys/server.jks",
                "src/main/resources/keys/trusted.jks",
                "src/main/resources/keys/client.p12",
                "src/test/resources/keys/client.p12",
                "logs/run.log",
                "logs/keep.log",
                "notes.bak",
                "build/generated.txt",
                "build",
            ] {
                // `build` is a folder in the first app and a file in the others.
                if file == "build" && name == "app-a" {
                    continue;
                }
                if file == "build/generated.txt" && name != "app-a" {
                    continue;
                }
                write(&root, &format!("{name}/{file}"), "x");
            }
        }
        // Below an app: whitelists what the root ignores, ignores more.
        write(&root, "app-b/src/.gitignore", "!*.log\nsecret/\n");
        write(&root, "app-b/src/debug.log", "x");
        write(&root, "app-b/src/secret/key.txt", "x");
        write(&root, "app-b/src/main/deep.log", "x");
        // The same bytes as an app's, deeper.
        write(&root, "app-c/nested/.gitignore", app);
        write(&root, "app-c/nested/out/y.txt", "x");
        write(&root, "app-c/nested/out.txt", "x");
        write(&root, "out/at-root.txt", "x");
        write(&root, "sub/out/not-anchored.txt", "x");
        write(&root, "docs/a.tmp", "x");
        write(&root, "docs/deeper/b.tmp", "x");
        write(&root, "top-anchored.txt", "x");
        write(&root, "sub/top-anchored.txt", "x");

        let expected = walker_files(&root);
        // The fixture exercises every kind of rule: some files kept, some not.
        assert!(expected.contains(&root.join("app-b/src/debug.log")));
        assert!(!expected.contains(&root.join("app-a/logs/run.log")));
        assert!(!expected.contains(&root.join("top-anchored.txt")));
        assert!(expected.contains(&root.join("sub/top-anchored.txt")));
        assert_eq!(walk_files(&root), expected);

        let mut with_slash = root.clone().into_os_string();
        with_slash.push("/");
        let with_slash = PathBuf::from(with_slash);
        assert_eq!(walk_files(&with_slash), walker_files(&with_slash));
    }
}
