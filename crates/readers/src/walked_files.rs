//! The walk's list of files: packed in chunks, sorted, freed as the file
//! pass reads them, and kept out of memory until then
//! ([`WalkedFiles::move_out`]).

use std::ffi::OsStr;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use rayon::slice::ParallelSliceMut;

use crate::discover::display_path;

/// A regular file found by the walk, as the walk's list holds it
/// ([`WalkedFiles::get`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct WalkedFile<'a> {
    pub path: &'a Path,
    /// The display path: always when it is not `path` itself (a path that
    /// is not UTF-8, or `\`-separated; most need no second copy), and once
    /// told ([`WalkedFile::with_display`]). (No size: the
    /// reader checks it on the open file; a `stat` here would cost a second
    /// lookup of every path.)
    display: Option<&'a str>,
}

impl<'a> WalkedFile<'a> {
    /// `/`-separated path as walked from the root the user gave.
    pub fn display(&self) -> &'a str {
        match self.display {
            Some(d) => d,
            // `display` is set whenever the path is not valid UTF-8.
            None => self.path.to_str().unwrap_or_default(),
        }
    }

    /// The same file, its display path told once (a path that is its own
    /// display is checked to be UTF-8 each time it is asked for otherwise).
    pub fn with_display(self) -> WalkedFile<'a> {
        WalkedFile {
            display: Some(self.display()),
            ..self
        }
    }

    /// The bytes of [`WalkedFile::display`], without checking again that
    /// they are UTF-8: what sorting the walk compares (UTF-8 bytes order
    /// as their text does).
    fn display_bytes(&self) -> &'a [u8] {
        match self.display {
            Some(d) => d.as_bytes(),
            None => self.path.as_os_str().as_encoded_bytes(),
        }
    }
}

/// The path whose bytes `push_with` took from [`OsStr::as_encoded_bytes`].
#[cfg(unix)]
fn path_of(bytes: &[u8]) -> &Path {
    Path::new(<OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(bytes))
}

/// The path whose bytes `push_with` took from [`OsStr::as_encoded_bytes`].
#[cfg(not(unix))]
fn path_of(bytes: &[u8]) -> &Path {
    // SAFETY: `bytes` are one whole path's bytes as `as_encoded_bytes` gave
    // them in this process (`WalkedFiles` takes no others).
    Path::new(unsafe { OsStr::from_encoded_bytes_unchecked(bytes) })
}

/// How many files one chunk of [`WalkedFiles`] holds (a power of two).
pub(crate) const CHUNK: usize = 1024;

/// The walk's files, packed: each chunk of [`CHUNK`] files holds their
/// paths' bytes one after the other in one buffer, with where each ends.
/// A monorepo's list of files is held from the walk until the file pass
/// has read them; one `PathBuf` and display field per file took 40 bytes
/// besides the path (80 with the list's spare room) and an allocation of
/// its own. Chunks let the file pass free what it has read
/// ([`WalkedFiles::release_before`]).
#[derive(Debug, Default)]
pub(crate) struct WalkedFiles {
    chunks: Vec<Chunk>,
    len: usize,
    /// How many chunks at the start were released.
    released: usize,
    /// Where the chunks moved out of memory are ([`WalkedFiles::move_out`]).
    disk: Option<OnDisk>,
}

/// A file the walk's list keeps the chunks the file pass has not reached
/// in (an anonymous temporary file).
pub(crate) trait ListStore: Read + Write + Seek + Send + Sync {}

impl<T: Read + Write + Seek + Send + Sync> ListStore for T {}

/// The chunks of a [`WalkedFiles`] moved out of memory.
struct OnDisk {
    store: Box<dyn ListStore>,
    /// By chunk: where it is in `store` while it is there.
    spans: Vec<Option<(u64, usize)>>,
    /// By chunk: it could not be read back (its files are not read).
    lost: Vec<bool>,
}

impl std::fmt::Debug for OnDisk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnDisk")
            .field("spans", &self.spans)
            .field("lost", &self.lost)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct Chunk {
    /// The paths' bytes (as the OS encodes them), one after the other.
    bytes: Vec<u8>,
    /// Where each path ends in `bytes`.
    ends: Vec<u32>,
    /// The display paths that are not the path itself, by index in the
    /// chunk, in order.
    displays: Vec<(u32, Box<str>)>,
}

impl Chunk {
    /// The chunk as bytes: the number of paths, their ends, the paths'
    /// bytes, then each display path of its own with its index.
    fn encode(&self, out: &mut Vec<u8>) {
        let put = |out: &mut Vec<u8>, n: usize| out.extend_from_slice(&(n as u32).to_le_bytes());
        put(out, self.ends.len());
        for &end in &self.ends {
            put(out, end as usize);
        }
        put(out, self.bytes.len());
        out.extend_from_slice(&self.bytes);
        put(out, self.displays.len());
        for (i, display) in &self.displays {
            put(out, *i as usize);
            put(out, display.len());
            out.extend_from_slice(display.as_bytes());
        }
    }

    /// [`Chunk::encode`]'s bytes back; `None` when they are not a chunk.
    fn decode(bytes: &[u8]) -> Option<Chunk> {
        let mut at: usize = 0;
        let mut take = |n: usize| -> Option<&[u8]> {
            let piece = bytes.get(at..at.checked_add(n)?)?;
            at += n;
            Some(piece)
        };
        fn number(piece: &[u8]) -> Option<usize> {
            Some(u32::from_le_bytes(piece.try_into().ok()?) as usize)
        }
        let n = number(take(4)?)?;
        let mut ends = Vec::with_capacity(n.min(CHUNK));
        for _ in 0..n {
            ends.push(number(take(4)?)? as u32);
        }
        let len = number(take(4)?)?;
        let path_bytes = take(len)?.to_vec();
        if ends.windows(2).any(|w| w[0] > w[1]) || ends.last().is_some_and(|&e| e as usize > len) {
            return None;
        }
        let d = number(take(4)?)?;
        let mut displays = Vec::with_capacity(d.min(CHUNK));
        for _ in 0..d {
            let i = number(take(4)?)? as u32;
            let len = number(take(4)?)?;
            let text = std::str::from_utf8(take(len)?).ok()?;
            displays.push((i, Box::from(text)));
        }
        Some(Chunk {
            bytes: path_bytes,
            ends,
            displays,
        })
    }
}

impl WalkedFiles {
    pub fn len(&self) -> usize {
        self.len
    }

    /// Adds a file, its display path told from its path.
    pub fn push(&mut self, path: &Path) {
        // Kept only when it differs from the path (not UTF-8, or `\`
        // separators): most paths are shown as they are.
        let display = match path.to_str() {
            Some(s) if std::path::MAIN_SEPARATOR != '\\' || !s.contains('\\') => None,
            _ => Some(display_path(path).into_boxed_str()),
        };
        self.push_with(path.as_os_str().as_encoded_bytes(), display);
    }

    fn push_with(&mut self, path: &[u8], display: Option<Box<str>>) {
        if self.len % CHUNK == 0 {
            self.chunks.push(Chunk::default());
        }
        let Some(chunk) = self.chunks.last_mut() else {
            return;
        };
        chunk.bytes.extend_from_slice(path);
        // A chunk holds at most CHUNK paths, each shorter than 4 GiB.
        chunk.ends.push(chunk.bytes.len() as u32);
        if let Some(d) = display {
            chunk.displays.push(((chunk.ends.len() - 1) as u32, d));
        }
        if chunk.ends.len() == CHUNK {
            // Full: no spare room held until the pass reads it.
            chunk.bytes.shrink_to_fit();
        }
        self.len += 1;
    }

    /// The `i`-th file. Panics when `i` is out of range or was released.
    pub fn get(&self, i: usize) -> WalkedFile<'_> {
        let chunk = &self.chunks[i / CHUNK];
        let at = i % CHUNK;
        let start = match at {
            0 => 0,
            _ => chunk.ends[at - 1] as usize,
        };
        let path = path_of(&chunk.bytes[start..chunk.ends[at] as usize]);
        let display = match chunk.displays.as_slice() {
            [] => None,
            displays => displays
                .binary_search_by_key(&(at as u32), |(i, _)| *i)
                .ok()
                .map(|d| &*displays[d].1),
        };
        WalkedFile { path, display }
    }

    /// The files from `from` on, in order.
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = WalkedFile<'_>> + '_ {
        (from..self.len).map(|i| self.get(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = WalkedFile<'_>> + '_ {
        self.iter_from(0)
    }

    /// The index of the first file for which `pred` is false, the files
    /// being partitioned by it (as [`slice::partition_point`]).
    pub fn partition_point(&self, pred: impl Fn(&WalkedFile<'_>) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len);
        while low < high {
            let mid = low + (high - low) / 2;
            if pred(&self.get(mid)) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }

    /// The files sorted by display path, each path once.
    pub fn sorted(&self) -> WalkedFiles {
        // Each display path looked up once, not twice a comparison (a
        // monorepo's 40,000 files take 600,000 of them), and the sort on
        // both cores: it is done before any file is read. Equal display
        // paths keep the walk's order, as a stable sort keeps it.
        let keys: Vec<&[u8]> = (0..self.len).map(|i| self.get(i).display_bytes()).collect();
        let mut order: Vec<u32> = (0..self.len as u32).collect();
        order.par_sort_unstable_by(|&a, &b| {
            keys[a as usize]
                .cmp(keys[b as usize])
                .then_with(|| a.cmp(&b))
        });
        drop(keys);
        // The same file listed twice (by the walk and git's list of files
        // it tracks) is the same bytes twice: compared as bytes, not
        // component by component as `Path`'s `==` does (on the critical
        // path, before any file is read).
        order.dedup_by(|a, b| {
            self.get(*a as usize).path.as_os_str() == self.get(*b as usize).path.as_os_str()
        });
        let mut sorted = WalkedFiles::default();
        for i in order {
            let f = self.get(i as usize);
            sorted.push_with(
                f.path.as_os_str().as_encoded_bytes(),
                f.display.map(Box::from),
            );
        }
        sorted
    }

    /// Frees the files before `end`, by whole chunks (the last one once
    /// `end` is past its last file): the file pass has read them.
    /// [`WalkedFiles::get`] of a file released panics.
    pub fn release_before(&mut self, end: usize) {
        let whole = match end >= self.len {
            true => self.chunks.len(),
            false => end / CHUNK,
        };
        for chunk in &mut self.chunks[self.released.min(whole)..whole] {
            *chunk = Chunk::default();
        }
        self.released = self.released.max(whole);
    }

    /// Moves the chunks from `from` on out of memory, into `store`, until
    /// the file pass reaches them ([`WalkedFiles::page_in`]): between the
    /// walk and the reading of its last files a monorepo's list is held
    /// while the apps read keep their facts, and their sum, which grows
    /// with the monorepo, set the reading's peak. False, and nothing moved,
    /// when `store` fails a write (the list then stays in memory, as
    /// without a temporary file).
    pub fn move_out(&mut self, from: usize, mut store: Box<dyn ListStore>) -> bool {
        let first = from.max(self.released);
        if first >= self.chunks.len() || self.disk.is_some() {
            return false;
        }
        let mut spans = vec![None; self.chunks.len()];
        let mut offset = 0u64;
        let mut bytes = Vec::new();
        for (k, chunk) in self.chunks.iter().enumerate().skip(first) {
            bytes.clear();
            chunk.encode(&mut bytes);
            if store.write_all(&bytes).is_err() {
                return false;
            }
            spans[k] = Some((offset, bytes.len()));
            offset += bytes.len() as u64;
        }
        if store.flush().is_err() {
            return false;
        }
        for chunk in &mut self.chunks[first..] {
            *chunk = Chunk::default();
        }
        self.disk = Some(OnDisk {
            store,
            lost: vec![false; spans.len()],
            spans,
        });
        true
    }

    /// Reads back the chunks holding the files of `range` that were moved
    /// out. Returns how many files it could not give back (their chunks
    /// unreadable: [`WalkedFiles::is_lost`]).
    pub fn page_in(&mut self, range: std::ops::Range<usize>) -> usize {
        let Some(disk) = &mut self.disk else {
            return 0;
        };
        if range.is_empty() {
            return 0;
        }
        let mut lost = 0;
        let last = (range.end - 1) / CHUNK;
        for k in range.start / CHUNK..=last.min(self.chunks.len().saturating_sub(1)) {
            let Some((offset, size)) = disk.spans[k].take() else {
                continue;
            };
            let mut bytes = vec![0; size];
            let read = disk
                .store
                .seek(SeekFrom::Start(offset))
                .and_then(|_| disk.store.read_exact(&mut bytes));
            match read.ok().and_then(|()| Chunk::decode(&bytes)) {
                Some(chunk) => self.chunks[k] = chunk,
                None => {
                    disk.lost[k] = true;
                    lost += CHUNK.min(self.len - k * CHUNK);
                }
            }
        }
        lost
    }

    /// The `i`-th file's chunk was moved out and could not be read back.
    pub fn is_lost(&self, i: usize) -> bool {
        self.disk
            .as_ref()
            .is_some_and(|d| d.lost.get(i / CHUNK).copied().unwrap_or(false))
    }

    /// The bytes the list holds (for tests).
    #[cfg(test)]
    pub fn held_bytes(&self) -> usize {
        self.chunks
            .iter()
            .map(|c| c.bytes.capacity() + 4 * c.ends.capacity() + c.displays.capacity() * 24)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` flow files' paths, 20 to an app, in walk order.
    fn flow_paths(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("repo/apps/app-{:04}/src/main/mule/flow-{i}.xml", i / 20))
            .collect()
    }

    fn list(paths: &[&str]) -> WalkedFiles {
        let mut files = WalkedFiles::default();
        for p in paths {
            files.push(Path::new(p));
        }
        files
    }

    /// Paths come back as pushed, across chunks, and released chunks are
    /// freed whole while the files after them stay readable.
    #[test]
    fn paths_are_packed_in_chunks_freed_once_read() {
        let paths = flow_paths(CHUNK * 2 + 5);
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        let mut files = list(&refs);
        assert_eq!(files.len(), paths.len());
        for (i, p) in paths.iter().enumerate() {
            assert_eq!(files.get(i).path, Path::new(p));
            assert_eq!(files.get(i).display(), p);
        }
        let all: Vec<&str> = files.iter().map(|f| f.display()).collect();
        assert_eq!(all, refs);
        // Each path's bytes and 4 for its end, no spare room in full chunks.
        let bytes: usize = paths.iter().map(|p| p.len() + 4).sum();
        let held = files.held_bytes();
        assert!(
            held >= bytes && held < bytes + 2 * 4096,
            "{held} for {bytes}"
        );

        // Not a whole chunk read yet: nothing freed.
        files.release_before(CHUNK - 1);
        assert_eq!(files.held_bytes(), held);
        files.release_before(CHUNK + 3);
        let after_one = files.held_bytes();
        assert!(after_one < held * 2 / 3, "{after_one} of {held}");
        assert_eq!(files.get(CHUNK).path, Path::new(&paths[CHUNK]));
        assert_eq!(files.get(paths.len() - 1).display(), paths[paths.len() - 1]);
        // The last chunk, not full, is freed once its last file is read.
        files.release_before(paths.len() - 1);
        assert!(files.held_bytes() > 0);
        assert_eq!(
            files.get(paths.len() - 1).path,
            Path::new(&paths[paths.len() - 1])
        );
        files.release_before(paths.len());
        assert_eq!(files.held_bytes(), 0);
    }

    /// Sorted by display path (a folder's files before a sibling whose
    /// name extends the folder's: `a/x` after `a-b/y`, as bytes order
    /// them), each path once.
    #[test]
    fn sorted_by_display_path_each_once() {
        let files = list(&["r/b.txt", "r/a/x", "r/a-b/y", "r/b.txt", "r/a/.env", "r/A"]);
        let sorted = files.sorted();
        let shown: Vec<&str> = sorted.iter().map(|f| f.display()).collect();
        assert_eq!(shown, ["r/A", "r/a-b/y", "r/a/.env", "r/a/x", "r/b.txt"]);
        let at = sorted.partition_point(|f| f.display() < "r/a/");
        assert_eq!(at, 2);
        assert_eq!(sorted.partition_point(|_| true), 5);
        assert_eq!(sorted.partition_point(|_| false), 0);
    }

    /// A path that is not UTF-8 keeps its own bytes (to be opened) and a
    /// display of its own, which it is sorted by.
    #[cfg(unix)]
    #[test]
    fn a_path_not_utf8_keeps_its_bytes_and_its_display() {
        use std::os::unix::ffi::OsStrExt;
        let latin1 = Path::new(OsStr::from_bytes(b"r/caf\xe9.txt"));
        let mut files = WalkedFiles::default();
        files.push(Path::new("r/z.txt"));
        files.push(latin1);
        files.push(Path::new("r/caf.txt"));
        let sorted = files.sorted();
        let shown: Vec<&str> = sorted.iter().map(|f| f.display()).collect();
        assert_eq!(shown, ["r/caf.txt", "r/caf\\xE9.txt", "r/z.txt"]);
        assert_eq!(sorted.get(1).path, latin1);
        assert_eq!(sorted.get(0).path, Path::new("r/caf.txt"));
        assert_eq!(sorted.get(2).display(), "r/z.txt");
    }

    /// Moved out of memory, each chunk comes back as it was when a window
    /// reaches it (paths, display paths of their own), the first left in
    /// memory; the chunks not reached hold nothing.
    #[test]
    fn chunks_moved_out_come_back_as_they_were() {
        let paths = flow_paths(CHUNK * 3 + 7);
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        let mut files = list(&refs);
        // A display path of its own in a chunk that moves.
        files.chunks[2]
            .displays
            .push((5, Box::from("shown\\otherwise")));
        let full = files.held_bytes();
        assert!(files.move_out(1, Box::new(std::io::Cursor::new(Vec::new()))));
        let first = files.held_bytes();
        assert!(first * 3 < full, "{first} of {full}");
        assert_eq!(files.get(3).display(), paths[3]);
        // Nothing to give back before the moved chunks.
        assert_eq!(files.page_in(0..CHUNK), 0);
        assert_eq!(files.held_bytes(), first);
        assert_eq!(files.page_in(CHUNK * 2 + 3..CHUNK * 3 + 2), 0);
        assert_eq!(files.get(CHUNK * 2 + 5).display(), "shown\\otherwise");
        assert_eq!(
            files.get(CHUNK * 3 + 1).path,
            Path::new(&paths[CHUNK * 3 + 1])
        );
        files.page_in(CHUNK..CHUNK * 3 + 7);
        for (i, p) in paths.iter().enumerate() {
            assert_eq!(files.get(i).path, Path::new(p));
            assert!(!files.is_lost(i));
        }
        // Back whole (with no spare room).
        assert!(files.held_bytes() <= full && files.held_bytes() * 10 > full * 9);
        // A second move does nothing.
        assert!(!files.move_out(1, Box::new(std::io::Cursor::new(Vec::new()))));
    }

    /// A store failing a write takes nothing: the list stays in memory,
    /// whole. One whose bytes are not a chunk any more loses that chunk's
    /// files, counted once, and no other.
    #[test]
    fn a_failing_store_keeps_the_list_or_loses_a_chunk() {
        let paths: Vec<String> = (0..CHUNK * 2 + 3).map(|i| format!("r/f-{i}.txt")).collect();
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        let mut files = list(&refs);
        let full = files.held_bytes();
        let full_disk = std::io::Cursor::new([0u8; 100]);
        assert!(!files.move_out(1, Box::new(full_disk)));
        assert_eq!(files.held_bytes(), full);
        assert_eq!(files.page_in(0..paths.len()), 0);
        assert_eq!(files.get(CHUNK + 1).path, Path::new(&paths[CHUNK + 1]));

        let mut files = list(&refs);
        assert!(files.move_out(1, Box::new(Truncated(std::io::Cursor::new(Vec::new())))));
        // The second chunk reads back cut short, the third whole.
        assert_eq!(files.page_in(CHUNK..CHUNK * 2), CHUNK);
        assert_eq!(files.page_in(CHUNK..CHUNK * 2), 0, "counted once");
        assert!(files.is_lost(CHUNK) && files.is_lost(CHUNK * 2 - 1));
        assert_eq!(files.page_in(CHUNK * 2..paths.len()), 0);
        assert!(!files.is_lost(CHUNK * 2) && !files.is_lost(0));
        assert_eq!(
            files.get(CHUNK * 2 + 2).path,
            Path::new(&paths[CHUNK * 2 + 2])
        );
    }

    /// Bytes that are not an encoded chunk are refused, not trusted.
    #[test]
    fn decoding_refuses_what_is_not_a_chunk() {
        let mut files = list(&["r/a", "r/bb", "r/ccc"]);
        files.chunks[0].displays.push((1, Box::from("r\\bb")));
        let mut bytes = Vec::new();
        files.chunks[0].encode(&mut bytes);
        let back = Chunk::decode(&bytes).expect("a chunk");
        assert_eq!(back.bytes, files.chunks[0].bytes);
        assert_eq!(back.ends, files.chunks[0].ends);
        assert_eq!(back.displays, files.chunks[0].displays);
        for cut in 0..bytes.len() {
            assert!(Chunk::decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        // An end past the paths' bytes.
        let mut bad = bytes.clone();
        bad[4..8].copy_from_slice(&1000u32.to_le_bytes());
        assert!(Chunk::decode(&bad).is_none());
    }

    /// A store whose reads stop halfway through the first chunk written
    /// after the first (the second chunk of the list).
    struct Truncated(std::io::Cursor<Vec<u8>>);

    impl std::io::Write for Truncated {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl std::io::Read for Truncated {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.position() == 0 {
                let half = buf.len() / 2;
                return self.0.read(&mut buf[..half.max(1)]).and(Ok(0));
            }
            self.0.read(buf)
        }
    }

    impl std::io::Seek for Truncated {
        fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
            self.0.seek(to)
        }
    }
}
