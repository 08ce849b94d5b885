//! The `.gitignore` files of one walk, applied by the walk's filter instead
//! of by the walker, each distinct file compiled once while it is in use.
//!
//! The `ignore` crate's walker compiles every folder's `.gitignore` into a
//! glob set of its own (regular expressions). A monorepo's apps mostly hold
//! the same one, written by Studio or an archetype, and compiling them all
//! again was 4.4% of a scan's instructions (callgrind, 200 apps). Here files
//! with the same bytes share one compiled matcher, asked with the path
//! relative to the folder that holds it.
//!
//! The result is the walker's own with intguard's settings
//! (`require_git(false)` without `git_exclude`, so no `.git` folder bounds
//! the files applied; `parents(true)`): for an entry, the `.gitignore` of
//! its folder decides, else that of the folder above, up to the walk's root
//! and then each folder above the root (canonical), the first that matches
//! (ignore or `!` whitelist) winning.
//!
//! Memory stays what the walker's is: a folder's matcher is compiled as the
//! walk lists the folder and held only while folders below it wait to be
//! listed (a thousand different files side by side are not all held at
//! once), with the few compiled last kept for the next folders holding the
//! same bytes.

use std::collections::{HashMap, VecDeque};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock, Weak};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

/// The root every shared matcher is built with. A matcher strips its root
/// from the paths it is asked about unless the root is `.`: asked with a
/// path relative to its folder, it must strip nothing. (`.` is also the root
/// it recognises without walking the path's components: any other root cost
/// a component-by-component comparison on every entry of the walk, 0.5% of
/// a scan's instructions.)
const SHARED_ROOT: &str = ".";

/// How many matchers compiled last stay held for folders still to come.
const RECENT: usize = 16;

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A folder's `.gitignore`, and the nearest folder above holding one.
struct Node {
    matcher: Arc<Gitignore>,
    /// The length of the folder's path as walked (entries below continue
    /// it with a `/`).
    dir_len: usize,
    parent: Option<Arc<Node>>,
}

/// A folder the walk has let in and not yet listed whole.
struct OpenDir {
    /// The nearest folder at or above it holding a `.gitignore`.
    chain: Option<Arc<Node>>,
    /// It holds one, compiled when the walk lists the folder.
    unread: bool,
}

#[derive(Default)]
struct Compiled {
    /// Each distinct file's matcher while some folder uses it.
    by_bytes: FastMap<Box<[u8]>, Weak<Gitignore>>,
    /// The last compiled or used.
    recent: VecDeque<Arc<Gitignore>>,
    /// How long `by_bytes` may grow before the unused are forgotten.
    prune_at: usize,
}

/// The `.gitignore` matchers of one walk.
pub(crate) struct Gitignores {
    /// The walk's root as given, less one trailing `/` (`""` for `/`): the
    /// entries' paths continue it with a `/`.
    root: Vec<u8>,
    /// The root, canonical, and the `.gitignore` of each folder above it,
    /// nearest first, each rooted at its folder.
    above: Option<(PathBuf, Vec<Gitignore>)>,
    /// By their path as walked.
    open: RwLock<FastMap<Box<[u8]>, OpenDir>>,
    compiled: Mutex<Compiled>,
    /// The nested repositories each `.gitignore` read may name
    /// ([`crate::ignored_repositories::candidates`]), by its folder as
    /// walked, until the walk visits the file: found from the bytes read
    /// here instead of reading the file again.
    nested: Mutex<FastMap<PathBuf, Vec<PathBuf>>>,
}

impl Gitignores {
    /// The matchers for the walk of `root`: its own `.gitignore` and those
    /// of the folders above it (the caller has checked they are safe to
    /// read).
    pub(crate) fn for_root(root: &Path) -> Gitignores {
        let given = root.as_os_str().as_bytes();
        let trimmed = given.strip_suffix(b"/").unwrap_or(given);
        let above = std::fs::canonicalize(root).ok().and_then(|canonical| {
            let above: Vec<Gitignore> = canonical
                .ancestors()
                .skip(1)
                .filter_map(own_matcher)
                .collect();
            (!above.is_empty()).then_some((canonical, above))
        });
        let gitignores = Gitignores {
            root: trimmed.to_vec(),
            above,
            open: RwLock::default(),
            compiled: Mutex::default(),
            nested: Mutex::default(),
        };
        let root_dir = OpenDir {
            chain: gitignores.node(root, trimmed.len(), None),
            unread: false,
        };
        write(&gitignores.open).insert(trimmed.into(), root_dir);
        gitignores
    }

    /// `dir`, let into the walk, holds a `.gitignore` or not (the caller
    /// has checked that it is safe to read).
    pub(crate) fn let_in(&self, dir: &Path, holds_one: bool) {
        let bytes = dir.as_os_str().as_bytes();
        let chain = self.chain_above(bytes);
        let open = OpenDir {
            chain,
            unread: holds_one,
        };
        write(&self.open).insert(bytes.into(), open);
    }

    /// The walk is about to list `dir`: its `.gitignore` is compiled now.
    pub(crate) fn listing(&self, dir: &Path) {
        let bytes = dir.as_os_str().as_bytes();
        let parent = {
            let open = read(&self.open);
            match open.get(bytes) {
                Some(d) if d.unread => d.chain.clone(),
                _ => return,
            }
        };
        let chain = self.node(dir, bytes.len(), parent.clone()).or(parent);
        if let Some(d) = write(&self.open).get_mut(bytes) {
            d.chain = chain;
            d.unread = false;
        }
    }

    /// The walk has listed `dir` whole: the folders below it hold what they
    /// need of its matchers.
    pub(crate) fn listed(&self, dir: &[u8]) {
        write(&self.open).remove(dir);
    }

    /// The nested repositories that the `.gitignore` at `path` may name,
    /// when the walk read it for its folder (`None`: not read here).
    pub(crate) fn take_candidates(&self, path: &Path) -> Option<Vec<PathBuf>> {
        lock(&self.nested).remove(path.parent()?)
    }

    /// Whether the `.gitignore` files ignore `path`, an entry of the walk
    /// below its root (its folder let in).
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
        let mut chain = self.chain_above(bytes);
        while let Some(node) = chain {
            let m = node.matcher.matched(
                Path::new(OsStr::from_bytes(&bytes[node.dir_len + 1..])),
                is_dir,
            );
            if !m.is_none() {
                return m.map(|_| ());
            }
            chain = node.parent.clone();
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

    /// The matchers that apply to the entries of the folder holding the
    /// entry `path` (nearest first).
    fn chain_above(&self, path: &[u8]) -> Option<Arc<Node>> {
        let slash = memchr::memrchr(b'/', path)?;
        read(&self.open)
            .get(&path[..slash])
            .and_then(|d| d.chain.clone())
    }

    /// A node for the `.gitignore` in `dir` (`None` when it is absent,
    /// unreadable or has no pattern), its matcher shared with every folder
    /// holding the same bytes.
    fn node(&self, dir: &Path, dir_len: usize, parent: Option<Arc<Node>>) -> Option<Arc<Node>> {
        let bytes = std::fs::read(dir.join(".gitignore")).ok()?;
        let nested = crate::ignored_repositories::candidates_in(dir, &bytes);
        lock(&self.nested).insert(dir.to_path_buf(), nested);
        let matcher = self.matcher(bytes)?;
        Some(Arc::new(Node {
            matcher,
            dir_len,
            parent,
        }))
    }

    fn matcher(&self, bytes: Vec<u8>) -> Option<Arc<Gitignore>> {
        let known = lock(&self.compiled).known(&bytes);
        let matcher = match known {
            Some(known) => known,
            // Compiled outside the lock: the walk's threads compile different
            // files side by side.
            None => {
                let fresh = Arc::new(compile(&bytes));
                lock(&self.compiled).keep(bytes, fresh)
            }
        };
        (!matcher.is_empty()).then_some(matcher)
    }
}

impl Compiled {
    /// The matcher of a file with these bytes, if some folder still uses
    /// one, remembered as used last.
    fn known(&mut self, bytes: &[u8]) -> Option<Arc<Gitignore>> {
        let known = self.by_bytes.get(bytes).and_then(Weak::upgrade)?;
        self.remember(&known);
        Some(known)
    }

    /// `fresh`, compiled from `bytes`, unless another thread kept the same
    /// bytes' first; remembered as used last.
    fn keep(&mut self, bytes: Vec<u8>, fresh: Arc<Gitignore>) -> Arc<Gitignore> {
        if let Some(first) = self.known(&bytes) {
            return first;
        }
        // Files no folder uses any more, forgotten now and then (when the
        // list has doubled since).
        if self.by_bytes.len() >= self.prune_at.max(4 * RECENT) {
            self.by_bytes.retain(|_, m| m.strong_count() > 0);
            self.prune_at = 2 * self.by_bytes.len();
        }
        self.by_bytes
            .insert(bytes.into_boxed_slice(), Arc::downgrade(&fresh));
        self.remember(&fresh);
        fresh
    }

    /// `matcher` among the last used, held for the next folders.
    fn remember(&mut self, matcher: &Arc<Gitignore>) {
        if self.recent.iter().any(|r| Arc::ptr_eq(r, matcher)) {
            return;
        }
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back(Arc::clone(matcher));
    }
}

/// The matcher of a `.gitignore` holding `bytes`, read line by line as
/// `GitignoreBuilder::add` reads the file: `\n` or `\r\n` ends a line, a
/// line that is not UTF-8 is skipped, the first line's byte order mark is
/// no pattern, and a bad pattern only loses itself.
fn compile(bytes: &[u8]) -> Gitignore {
    let mut builder = GitignoreBuilder::new(SHARED_ROOT);
    for (i, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let line = match line.strip_suffix(b"\n") {
            Some(ended) => ended.strip_suffix(b"\r").unwrap_or(ended),
            None => line,
        };
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        let line = if i == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        let _ = builder.add_line(None, line);
    }
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// The `.gitignore` of `dir` (a folder above the root), rooted at it, as
/// the walker reads those.
fn own_matcher(dir: &Path) -> Option<Gitignore> {
    let mut builder = GitignoreBuilder::new(dir);
    // Absent or unreadable: no pattern, as in the walker.
    let _ = builder.add(dir.join(".gitignore"));
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

    use ignore::gitignore::GitignoreBuilder;

    use super::{compile, SHARED_ROOT};

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

    /// A `.gitignore` is compiled from its bytes as `GitignoreBuilder::add`
    /// reads the file: `\r\n` line ends, a byte order mark, a line that is
    /// not UTF-8, a last line with no line end (its `\r` kept), blank and
    /// comment lines, a whitelist.
    #[test]
    fn a_file_compiled_from_its_bytes_matches_as_the_builder_reads_it() {
        let tmp = tempfile::tempdir().unwrap();
        let contents: [&[u8]; 6] = [
            b"\xEF\xBB\xBF*.log\r\nbuild/\r\n!keep.log\r\n",
            b"# comment\n\n*.tmp\nsecret\xFF.txt\nout/\n/anchored",
            b"last\r",
            b"*.a\n\xC3\x28bad\n*.b\r\n\r\n  \n",
            b"",
            b"\n\n",
        ];
        let probes = [
            ("x.log", false),
            ("keep.log", false),
            ("build", true),
            ("a/build", true),
            ("x.tmp", false),
            ("out", true),
            ("anchored", false),
            ("sub/anchored", false),
            ("last", false),
            ("last\r", false),
            ("f.a", false),
            ("f.b", false),
        ];
        for (n, bytes) in contents.iter().enumerate() {
            let file = tmp.path().join(format!("g{n}"));
            std::fs::write(&file, bytes).unwrap();
            let mut builder = GitignoreBuilder::new(SHARED_ROOT);
            let _ = builder.add(&file);
            let by_builder = builder.build().unwrap();
            let by_bytes = compile(bytes);
            assert_eq!(by_bytes.num_ignores(), by_builder.num_ignores(), "{n}");
            assert_eq!(
                by_bytes.num_whitelists(),
                by_builder.num_whitelists(),
                "{n}"
            );
            for (probe, is_dir) in probes {
                let path = Path::new(probe);
                let (a, b) = (
                    by_bytes.matched(path, is_dir),
                    by_builder.matched(path, is_dir),
                );
                assert_eq!(
                    (a.is_ignore(), a.is_whitelist()),
                    (b.is_ignore(), b.is_whitelist()),
                    "{n}: {probe}"
                );
            }
        }
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

    /// The nested repositories a `.gitignore` may name are found from the
    /// bytes read for the walk, the root's and a folder's alike (also with
    /// the root spelt with a trailing `/`), each once, and are what reading
    /// the file again finds.
    #[test]
    fn a_gitignores_nested_repositories_come_from_the_bytes_read_once() {
        use crate::ignored_repositories::candidates;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, ".gitignore", "vendor/\n*.log\n");
        write(root, "vendor/partner/.git/HEAD", "ref\n");
        write(root, "teams/.gitignore", "# clones\nclones/*\n");
        write(root, "teams/clones/crm/.git/HEAD", "ref\n");
        write(root, "teams/clones/notes/README.md", "no repository\n");
        let sub = root.join("teams");
        for spelt in [
            root.to_path_buf(),
            PathBuf::from(format!("{}/", root.display())),
        ] {
            let gitignores = super::Gitignores::for_root(&spelt);
            let top = spelt.join(".gitignore");
            let found = gitignores.take_candidates(&top);
            assert_eq!(found, Some(vec![root.join("vendor/partner")]));
            assert_eq!(found.unwrap(), candidates(&top));
            assert_eq!(gitignores.take_candidates(&top), None);
            let sub = spelt.join("teams");
            gitignores.let_in(&sub, true);
            gitignores.listing(&sub);
            let file = sub.join(".gitignore");
            let found = gitignores.take_candidates(&file);
            assert_eq!(found, Some(vec![sub.join("clones/crm")]));
            assert_eq!(found.unwrap(), candidates(&file));
            assert_eq!(gitignores.take_candidates(&file), None);
        }
        // A folder let in without one: nothing read, nothing kept.
        let gitignores = super::Gitignores::for_root(&sub);
        let none = sub.join("clones");
        gitignores.let_in(&none, false);
        gitignores.listing(&none);
        assert_eq!(gitignores.take_candidates(&none.join(".gitignore")), None);
    }
}
