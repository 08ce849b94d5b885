//! Opening the files a login reads (keys, keystores, certificates, CA
//! bundles): only regular files. Opening a FIFO waits for a writer, and a
//! device never ends, so a mistyped path (`--ca-file /dev/stdin` in CI)
//! would hang the command instead of failing.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Opens `path` when it is a regular file (links followed); otherwise an
/// error saying what it is.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is a folder, not a file",
        ));
    }
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is not a regular file (a FIFO, device or socket): not read",
        ));
    }
    File::open(path)
}

/// Reads the regular file `path`, refusing one larger than `max` bytes.
pub fn read_regular(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("is larger than {} MiB: not read", max >> 20),
        ));
    }
    Ok(bytes)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_opened() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Would block forever if it were opened.
        let e = open_regular(&fifo).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let e = open_regular(dir.path()).unwrap_err();
        assert!(e.to_string().contains("is a folder"), "{e}");
        let file = dir.path().join("ca.pem");
        std::fs::write(&file, vec![b'x'; 2 << 20]).unwrap();
        assert_eq!(read_regular(&file, 4 << 20).unwrap().len(), 2 << 20);
        let e = read_regular(&file, 1 << 20).unwrap_err();
        assert!(e.to_string().contains("larger than 1 MiB"), "{e}");
    }
}
