//! An encrypted append-only temporary file: what the engine moves out of
//! memory during a scan ([`crate::spill`]'s findings, the compact apps'
//! `![...]` records in [`crate::secret_store`]) is written to an anonymous
//! temporary file, encrypted with ChaCha20 under a key drawn for each file
//! and held only in memory: what reaches the disk reads as noise, and is
//! gone with the process.

use std::io::{BufReader, Read, Seek, SeekFrom, Write};

use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use chacha20::ChaCha20;

/// Where a [`SealedFile`] writes: a temporary file, or any other seekable
/// store (tests inject one).
pub(crate) trait SpillFile: Read + Write + Seek + Send + Sync {
    /// Fills `buf` from `offset`, leaving the position where it was (a
    /// record is read back without moving where the next is appended), from
    /// any number of threads at once.
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<()>;
}

impl SpillFile for std::fs::File {
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
        // One `pread`: no seek there and back, nothing shared to wait on.
        std::os::unix::fs::FileExt::read_exact_at(self, buf, offset)
    }
}

/// An anonymous temporary file (in `TMPDIR`, gone when closed); `None`
/// when none can be created.
pub(crate) fn temporary_file() -> Option<Box<dyn SpillFile>> {
    tempfile::tempfile()
        .ok()
        .map(|f| Box::new(f) as Box<dyn SpillFile>)
}

/// Bytes appended to a file, encrypted, each at its offset of one key
/// stream (a nonce of zeros: one key, one stream, each byte encrypted at
/// its offset), read back a range at a time or from the start.
pub(crate) struct SealedFile {
    file: Box<dyn SpillFile>,
    key: [u8; 32],
    /// Bytes appended whole.
    written: u64,
    /// Where the file stands, when known: appends follow one another, each
    /// without a seek to where the last left off (reads leave it).
    at: Option<u64>,
}

impl SealedFile {
    /// `file`, with a key of its own; `None` when there is no file or no
    /// key can be drawn.
    pub(crate) fn new(file: Option<Box<dyn SpillFile>>) -> Option<Self> {
        let mut key = [0; 32];
        let file = file.filter(|_| getrandom::fill(&mut key).is_ok())?;
        Some(SealedFile {
            file,
            key,
            written: 0,
            at: None,
        })
    }

    /// Appends `bytes` (encrypted in place) after what was appended
    /// before; the offset they start at. An error (a full disk, a stream
    /// past ChaCha20's 256 GiB) leaves what was appended before readable,
    /// but not what follows.
    pub(crate) fn append(&mut self, bytes: &mut [u8]) -> std::io::Result<u64> {
        let at = self.written;
        let mut cipher = cipher(&self.key);
        cipher
            .try_seek(at)
            .and_then(|()| cipher.try_apply_keystream(bytes))
            .map_err(|_| std::io::Error::other("past the end of the key stream"))?;
        self.seek_to(at)?;
        // Unknown after a failed write (part of it may be written).
        self.at = None;
        self.file.write_all(bytes)?;
        self.written += bytes.len() as u64;
        self.at = Some(self.written);
        Ok(at)
    }

    /// The `len` bytes appended at `at`, decrypted, into `out`.
    pub(crate) fn read_at(&self, at: u64, len: usize, out: &mut Vec<u8>) -> std::io::Result<()> {
        if at.saturating_add(len as u64) > self.written {
            return Err(std::io::Error::other("past what was written"));
        }
        out.clear();
        out.resize(len, 0);
        self.file.read_exact_at(out, at)?;
        let mut cipher = cipher(&self.key);
        cipher
            .try_seek(at)
            .and_then(|()| cipher.try_apply_keystream(out))
            .map_err(|_| std::io::Error::other("past the end of the key stream"))
    }

    /// Moves the file to `at`, unless it stands there.
    fn seek_to(&mut self, at: u64) -> std::io::Result<()> {
        if self.at != Some(at) {
            self.at = None;
            self.file.seek(SeekFrom::Start(at))?;
            self.at = Some(at);
        }
        Ok(())
    }

    /// Everything appended, decrypted, from the start; `None` when it
    /// cannot be read.
    pub(crate) fn into_reader(mut self) -> Option<Reader> {
        self.file.seek(SeekFrom::Start(0)).ok()?;
        Some(BufReader::new(Decrypting {
            inner: self.file.take(self.written),
            cipher: cipher(&self.key),
        }))
    }

    /// The file underneath, swapped for `file` (a test's failing one).
    #[cfg(test)]
    pub(crate) fn replace_file(&mut self, file: Box<dyn SpillFile>) {
        self.file = file;
        self.at = None;
    }
}

/// The key and the file's bytes are not shown.
impl std::fmt::Debug for SealedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedFile")
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

/// The cipher of a file, at its start.
fn cipher(key: &[u8; 32]) -> ChaCha20 {
    ChaCha20::new(key.into(), &[0; 12].into())
}

/// Reads a sealed file from its start, decrypted.
pub(crate) struct Decrypting<R> {
    inner: R,
    cipher: ChaCha20,
}

impl<R: Read> Read for Decrypting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.cipher
            .try_apply_keystream(&mut buf[..n])
            .map_err(|_| std::io::Error::other("past the end of the key stream"))?;
        Ok(n)
    }
}

/// A sealed file read from its start, decrypted, up to what was appended.
pub(crate) type Reader = BufReader<Decrypting<std::io::Take<Box<dyn SpillFile>>>>;

/// A file for tests that keeps what was written, and fails on demand.
#[cfg(test)]
pub(crate) mod testing {
    use std::io::{Cursor, Read, Seek, SeekFrom, Write};
    use std::sync::{Arc, Mutex};

    use super::SpillFile;

    /// A spill file the test keeps a handle on: what was written stays
    /// readable after the scan. Writes fail once `fail_writes_past` bytes
    /// would be exceeded; reads fail when `fail_reads`.
    #[derive(Clone, Default)]
    pub(crate) struct Shared {
        pub(crate) bytes: Arc<Mutex<Cursor<Vec<u8>>>>,
        pub(crate) fail_writes_past: Option<u64>,
        pub(crate) fail_reads: bool,
        /// How many seeks were asked.
        pub(crate) seeks: Arc<std::sync::atomic::AtomicUsize>,
        /// How many records were read back ([`SpillFile::read_exact_at`]).
        pub(crate) reads: Arc<std::sync::atomic::AtomicUsize>,
    }

    impl Shared {
        pub(crate) fn contents(&self) -> Vec<u8> {
            self.bytes.lock().unwrap().get_ref().clone()
        }

        pub(crate) fn boxed(&self) -> Option<Box<dyn SpillFile>> {
            Some(Box::new(self.clone()))
        }
    }

    impl Read for Shared {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.fail_reads {
                return Err(std::io::Error::other("read failed"));
            }
            self.bytes.lock().unwrap().read(buf)
        }
    }

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let mut bytes = self.bytes.lock().unwrap();
            if let Some(limit) = self.fail_writes_past {
                let room = limit.saturating_sub(bytes.position());
                if room == 0 {
                    return Err(std::io::Error::other("no space left on device"));
                }
                // Part of it, as a filling disk takes.
                let n = buf.len().min(room as usize);
                return bytes.write(&buf[..n]);
            }
            bytes.write(buf)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl super::SpillFile for Shared {
        fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
            if self.fail_reads {
                return Err(std::io::Error::other("read failed"));
            }
            self.reads
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            // On the bytes themselves: not counted as a seek.
            let mut bytes = self.bytes.lock().unwrap();
            let back = bytes.position();
            bytes.set_position(offset);
            let read = bytes.read_exact(buf);
            bytes.set_position(back);
            read
        }
    }

    impl Seek for Shared {
        fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
            self.seeks
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.bytes.lock().unwrap().seek(to)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::testing::Shared;
    use super::SealedFile;

    /// The `n` records appended in the tests: lengths 1 to 500, each byte
    /// telling its record and place.
    fn records(n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| (0..(i * 37) % 500 + 1).map(|j| (i * 7 + j) as u8).collect())
            .collect()
    }

    /// Reads back every record, in an order that jumps about (`step` prime
    /// to their number) or in order (`step` 1), each checked.
    fn read_all(file: &SealedFile, at: &[u64], plain: &[Vec<u8>], step: usize) {
        let mut out = Vec::new();
        for k in 0..at.len() {
            let i = (k * step) % at.len();
            file.read_at(at[i], plain[i].len(), &mut out).unwrap();
            assert_eq!(out, plain[i], "record {i}");
        }
    }

    /// Appends follow one another without a seek, reads (in any order,
    /// between appends and after a failed one) neither seek nor move where
    /// the next append goes, and give each record's bytes.
    #[test]
    fn appends_seek_once_and_reads_in_any_order_leave_the_place() {
        let shared = Shared::default();
        let mut file = SealedFile::new(shared.boxed()).unwrap();
        let plain = records(101);
        let mut at = Vec::new();
        for (i, p) in plain.iter().enumerate() {
            at.push(file.append(&mut p.clone()).unwrap());
            if i % 10 == 9 {
                read_all(&file, &at, &plain[..=i], 7);
            }
        }
        // Encrypted on disk.
        assert_ne!(shared.contents(), plain.concat());
        let seeks = |s: &Shared| s.seeks.load(Ordering::Relaxed);

        let shared = Shared::default();
        let mut file = SealedFile::new(shared.boxed()).unwrap();
        let at: Vec<u64> = plain
            .iter()
            .map(|p| file.append(&mut p.clone()).unwrap())
            .collect();
        assert_eq!(seeks(&shared), 1, "appends one after another");
        read_all(&file, &at, &plain, 1);
        read_all(&file, &at, &plain, 7);
        let mut all = plain.clone();
        let mut all_at = at.clone();
        for p in records(5) {
            let a = file.append(&mut p.clone()).unwrap();
            read_all(&file, &at, &plain, 7);
            all.push(p);
            all_at.push(a);
        }
        assert_eq!(seeks(&shared), 1, "reads leave the place");
        read_all(&file, &all_at, &all, 7);

        // A write failing part way: the file's place is unknown, and the
        // records before it read back.
        let written: u64 = plain[..50].iter().map(|p| p.len() as u64).sum();
        let full = Shared {
            fail_writes_past: Some(written + 3),
            ..Shared::default()
        };
        let mut file = SealedFile::new(full.boxed()).unwrap();
        let mut at = Vec::new();
        for p in &plain {
            match file.append(&mut p.clone()) {
                Ok(a) => at.push(a),
                Err(_) => break,
            }
        }
        assert_eq!(at.len(), 50);
        read_all(&file, &at, &plain[..50], 1);
        read_all(&file, &at, &plain[..50], 7);
    }

    /// A temporary file's records, read back by four threads at once in
    /// orders of their own (`pread`, nothing shared that moves), each give
    /// its bytes; appending after them goes where it should.
    #[test]
    fn threads_read_a_temporary_files_records_side_by_side() {
        let mut file = SealedFile::new(super::temporary_file()).expect("a temporary file");
        let plain = records(301);
        let at: Vec<u64> = plain
            .iter()
            .map(|p| file.append(&mut p.clone()).unwrap())
            .collect();
        let shared = &file;
        std::thread::scope(|scope| {
            for step in [1, 7, 11, 13] {
                let (at, plain) = (&at, &plain);
                scope.spawn(move || {
                    for _ in 0..5 {
                        let mut out = Vec::new();
                        for k in 0..at.len() {
                            let i = (k * step) % at.len();
                            shared.read_at(at[i], plain[i].len(), &mut out).unwrap();
                            assert_eq!(out, plain[i], "record {i}");
                        }
                    }
                });
            }
        });
        let last = records(3).pop().unwrap();
        let a = file.append(&mut last.clone()).unwrap();
        let mut out = Vec::new();
        file.read_at(a, last.len(), &mut out).unwrap();
        assert_eq!(out, last);
        file.read_at(at[0], plain[0].len(), &mut out).unwrap();
        assert_eq!(out, plain[0]);
    }
}
