//! Standard output for the commands' results. A reader that stops early
//! (`intguard scan | head`) closes the pipe: what it wanted has been
//! written, so that is neither an error nor a panic (which `println!` is).

use std::io::{self, Write};
use std::path::Path;

/// The reader of standard output has gone away.
pub fn reader_gone(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

/// Runs `write` on buffered standard output and flushes it; a closed pipe
/// ends the writing quietly.
pub fn to_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(BUFFER, io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if reader_gone(&e) => Ok(()),
        done => done,
    }
}

/// Runs `write` on a new buffered file at `path` and flushes it.
pub fn to_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(BUFFER, std::fs::File::create(path)?);
    write(&mut out)?;
    out.flush()
}

/// Writes `text` to standard output (see [`to_stdout`]).
pub fn print(text: &str) -> io::Result<()> {
    to_stdout(|out| out.write_all(text.as_bytes()))
}

/// The write buffer: a large monorepo's report is megabytes,
/// written in 8 KiB pieces by default (one system call each).
const BUFFER: usize = 1 << 18;
