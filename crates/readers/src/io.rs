//! Reading a file's bytes: each worker's reused buffer, the size limit,
//! and decoding to text.

use std::borrow::Cow;
use std::path::Path;

pub(crate) enum ReadError {
    /// The file's size, over the limit.
    TooLarge(u64),
    Io(std::io::Error),
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e)
    }
}

thread_local! {
    /// Each worker thread's read buffer, kept from file to file and window to
    /// window (rayon's `map_init` would make one per job split, and every
    /// fresh buffer grows through newly faulted, zeroed pages).
    static READ_BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// A buffer kept beyond this size (after an unusually large file) is let go
/// rather than held by the thread for the rest of the scan. Mule files are
/// seldom larger; 1 MiB held a file of 0.3-0.6 MB (the benchmark's answer
/// key) to the end, about 1 MB more peak memory at 1,000 and 2,000 apps.
const READ_BUFFER_KEEP: usize = 256 << 10;

/// Runs `f` with this thread's read buffer. The buffer is taken out while `f`
/// runs, so a nested call (rayon may run another file's job on this thread
/// while `f` waits) gets a fresh one instead of a borrow error.
pub(crate) fn with_read_buffer<T>(f: impl FnOnce(&mut Vec<u8>) -> T) -> T {
    let mut buf = READ_BUFFER.take();
    let out = f(&mut buf);
    if buf.capacity() <= READ_BUFFER_KEEP {
        READ_BUFFER.set(buf);
    }
    out
}

/// How much of a file's start tells text from binary: a NUL byte in it
/// makes the file binary (no text to read), unless it starts with a UTF-16
/// byte order mark.
pub(crate) const BINARY_SNIFF: usize = 8192;

/// Reads the whole file into `buf` (cleared first; its capacity is kept),
/// unless the open file is larger than `max` bytes. At most `max + 1` bytes
/// are read, should the file grow meanwhile.
pub(crate) fn read_into(path: &Path, max: u64, buf: &mut Vec<u8>) -> Result<(), ReadError> {
    read_text_or_whole(path, max, buf, true).map(|_| ())
}

/// [`read_into`], but a binary file's reading stops at its first
/// [`BINARY_SNIFF`] bytes unless `whole_binary` (a keystore or a DER key is
/// read whole): nothing past them is read from a jar, an archive or an
/// image, which a monorepo may hold by the gigabyte. Such a file is no
/// [`ReadError::TooLarge`] either, whatever its size: nothing of it would be
/// read anyway. Returns the file's size, and whether `buf` holds all of it.
pub(crate) fn read_text_or_whole(
    path: &Path,
    max: u64,
    buf: &mut Vec<u8>,
    whole_binary: bool,
) -> Result<(u64, bool), ReadError> {
    use std::io::Read;
    buf.clear();
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    // A file no longer than the sniff is read whole as any other: a
    // separate sniff would cost it a second read at its end.
    let sniff = !whole_binary && size > BINARY_SNIFF as u64;
    if size > max && !sniff {
        return Err(ReadError::TooLarge(size));
    }
    if sniff {
        read_start(&mut file, buf)?;
        if is_binary(buf) {
            return Ok((size, false));
        }
        if size > max {
            buf.clear();
            return Err(ReadError::TooLarge(size));
        }
    }
    buf.reserve(usize::try_from(size).unwrap_or(0).saturating_sub(buf.len()));
    // At most `max + 1` bytes in all, should the file grow meanwhile.
    let rest = max.saturating_add(1).saturating_sub(buf.len() as u64);
    file.take(rest).read_to_end(buf)?;
    Ok((buf.len() as u64, true))
}

/// The first [`BINARY_SNIFF`] bytes of `file` into `buf` (fewer if it
/// ends first), without the read at its end that `read_to_end` makes.
fn read_start(file: &mut std::fs::File, buf: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read;
    buf.resize(BINARY_SNIFF, 0);
    let mut filled = 0;
    while filled < BINARY_SNIFF {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(())
}

/// Whether bytes starting a file say it is binary: a NUL in the first
/// [`BINARY_SNIFF`] of them, and no UTF-16 byte order mark (a UTF-16 file
/// is text, every other byte of it NUL).
pub(crate) fn is_binary(bytes: &[u8]) -> bool {
    !matches!(bytes, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..])
        && memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF)]).is_some()
}

/// `bytes` as text: borrowed when they are UTF-8 (checked with SIMD, as
/// std's check of a large pom file is slow), else with the invalid bytes
/// replaced.
pub(crate) fn lossy_text(bytes: &[u8]) -> Cow<'_, str> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// The file's bytes, or None when it cannot be read or is over `max` bytes.
pub(crate) fn read_limited(path: &Path, max: u64) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    read_into(path, max, &mut buf).ok().map(|()| buf)
}

/// The text of a file that starts with a UTF-16 byte order mark (little or
/// big endian); `None` for any other file. Unpaired surrogates become U+FFFD.
pub fn decode_utf16_with_bom(bytes: &[u8]) -> Option<String> {
    let (little_endian, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => return None,
    };
    let units = body.chunks_exact(2).map(|c| {
        if little_endian {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// A `.properties` file's text when it is not valid UTF-8: each byte one
/// character, as `java.util.Properties.load(InputStream)` reads it
/// (ISO-8859-1). What a Windows-1252 or ISO-8859-1 editor saves (`é`, `£`
/// as one byte) is read as written, not as replacement characters.
pub fn decode_latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A binary file's reading stops after its first bytes, unless it is
    /// to be read whole; a text file, a short binary file and a UTF-16 file
    /// (NUL bytes, but text) are read whole.
    #[test]
    fn binary_files_are_read_only_as_far_as_they_tell() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        };
        let mut jar = vec![0x50, 0x4B, 0x03, 0x04, 0x00];
        jar.resize(3 * BINARY_SNIFF + 17, 0xAB);
        let mut utf16 = vec![0xFF, 0xFE];
        for c in "a: b\n".repeat(4 * BINARY_SNIFF).encode_utf16() {
            utf16.extend_from_slice(&c.to_le_bytes());
        }
        let text = "x".repeat(3 * BINARY_SNIFF).into_bytes();
        let short_binary = vec![0u8; 100];
        let mut buf = Vec::new();

        let jar_path = write("lib.jar", &jar);
        assert!(
            matches!(read_text_or_whole(&jar_path, u64::MAX, &mut buf, false), Ok((n, false)) if n == jar.len() as u64)
        );
        assert_eq!(buf, jar[..BINARY_SNIFF]);
        assert!(matches!(
            read_text_or_whole(&jar_path, u64::MAX, &mut buf, true),
            Ok((n, true)) if n == jar.len() as u64
        ));
        assert_eq!(buf, jar);
        for (name, bytes) in [
            ("u16.yaml", &utf16),
            ("big.txt", &text),
            ("small.bin", &short_binary),
        ] {
            let path = write(name, bytes);
            assert!(
                matches!(read_text_or_whole(&path, u64::MAX, &mut buf, false), Ok((n, true)) if n == bytes.len() as u64)
            );
            assert_eq!(&buf, bytes, "{name}");
        }
        // Over the size limit, a binary file is still told by its start
        // (nothing of it is read either way); a text file, or a binary
        // file to be read whole, is too large.
        assert!(
            matches!(read_text_or_whole(&jar_path, 100, &mut buf, false), Ok((n, false)) if n == jar.len() as u64)
        );
        assert_eq!(buf, jar[..BINARY_SNIFF]);
        let text_path = dir.path().join("big.txt");
        for (path, whole) in [(&jar_path, true), (&text_path, false)] {
            assert!(matches!(
                read_text_or_whole(path, 100, &mut buf, whole),
                Err(ReadError::TooLarge(n)) if n > 100
            ));
        }
    }

    #[test]
    fn read_buffer_is_kept_per_thread_unless_large() {
        std::thread::spawn(|| {
            let ptr = with_read_buffer(|b| {
                b.extend_from_slice(&[1; 1000]);
                b.as_ptr()
            });
            // The next file reuses the same allocation...
            assert_eq!(with_read_buffer(|b| b.as_ptr()), ptr);
            // ...but a nested call (rayon running another job while this one
            // waits) gets its own buffer, not a borrow error.
            with_read_buffer(|outer| {
                assert_eq!(outer.as_ptr(), ptr);
                with_read_buffer(|inner| assert_eq!(inner.capacity(), 0));
            });
            // A buffer grown past the limit is not kept.
            with_read_buffer(|b| b.reserve(READ_BUFFER_KEEP + 1));
            with_read_buffer(|b| assert_eq!(b.capacity(), 0));
        })
        .join()
        .unwrap();
    }
}
