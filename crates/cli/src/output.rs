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
///
/// A regular file (or one not there yet) is written whole or not at all: a
/// temporary file beside it, renamed over it once complete, so a report, a
/// baseline or a snapshot that a full disk or a killed job cut short never
/// replaces the previous one (a CI step reading a half-written baseline would
/// judge every finding new). A link is followed to the file it names, which
/// keeps its permissions. Anything else (`/dev/stdout`, a pipe) is written
/// in place.
pub fn to_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let (target, permissions) = match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            let mut out = io::BufWriter::with_capacity(BUFFER, std::fs::File::create(path)?);
            write(&mut out)?;
            return out.flush();
        }
        Ok(meta) => (std::fs::canonicalize(path)?, Some(meta.permissions())),
        Err(_) => (path.to_path_buf(), None),
    };
    let folder = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".intguard-").suffix(".tmp");
    // A new file gets the mode `File::create` gives (0666 less the umask,
    // which the kernel applies), not a temporary file's 0600.
    #[cfg(unix)]
    if permissions.is_none() {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // Its error names the temporary file, which the user never asked for:
    // it is told about the folder instead.
    let tmp = builder.tempfile_in(folder).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => io::Error::new(
            e.kind(),
            format!("folder {} does not exist", folder.display()),
        ),
        kind => io::Error::new(
            kind,
            format!(
                "cannot create a file in folder {}: {}",
                folder.display(),
                io::Error::from(kind)
            ),
        ),
    })?;
    let mut out = io::BufWriter::with_capacity(BUFFER, tmp);
    write(&mut out)?;
    let tmp = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    tmp.as_file().sync_all()?;
    if let Some(p) = permissions {
        std::fs::set_permissions(tmp.path(), p)?;
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `text` to standard output (see [`to_stdout`]).
pub fn print(text: &str) -> io::Result<()> {
    to_stdout(|out| out.write_all(text.as_bytes()))
}

/// `-o -`: standard output, as most tools read it.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The file `--output` names, `None` for standard output (none given, or
/// `-`).
pub fn output_file(output: Option<&Path>) -> Option<&Path> {
    output.filter(|p| !is_stdout(p))
}

/// Refuses an `--output` that is one of the command's own inputs, each
/// given with what it is ("the config"): the report would replace it (a
/// snapshot that needs org credentials to take again, an uncommitted
/// config or source file, a baseline left unreadable).
pub fn refuse_output_over_inputs(
    output: Option<&Path>,
    inputs: &[(&Path, &str)],
) -> Result<(), String> {
    refuse_write_over_inputs("--output", "the report", output_file(output), inputs)
}

/// Refuses a file that `option` makes the command write (`what` it
/// writes: "the report", "the snapshot") when it is one of the command's
/// own inputs, each given with what it is.
pub fn refuse_write_over_inputs(
    option: &str,
    what_written: &str,
    out: Option<&Path>,
    inputs: &[(&Path, &str)],
) -> Result<(), String> {
    let Some(out) = out else {
        return Ok(());
    };
    // Resolved, so that `./a/../org.json` and a link to it are the same file;
    // a file not there yet through its folder.
    let resolved = |p: &Path| -> Option<std::path::PathBuf> {
        std::fs::canonicalize(p).ok().or_else(|| {
            let parent = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            Some(std::fs::canonicalize(parent).ok()?.join(p.file_name()?))
        })
    };
    let Some(target) = resolved(out) else {
        return Ok(());
    };
    for (input, what) in inputs {
        if resolved(input).as_deref() == Some(target.as_path()) {
            return Err(format!(
                "{option} {} is {what}: {what_written} would replace it; write {what_written} elsewhere",
                out.display()
            ));
        }
    }
    Ok(())
}

/// Refuses, before any work, a file to write (`option` names it) that is a
/// folder or whose folder does not exist: the command would fail only once
/// done (for `org audit`, after spending the org's API calls).
pub fn refuse_unwritable(option: &str, path: Option<&Path>) -> Result<(), String> {
    let Some(path) = path else {
        return Ok(());
    };
    if path.is_dir() {
        return Err(format!(
            "{option} {} is a folder: name a file in it",
            path.display()
        ));
    }
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => Err(format!(
            "{option} {}: folder {} does not exist",
            path.display(),
            dir.display()
        )),
        _ => Ok(()),
    }
}

/// Refuses an `--output` that is a file the command reads in one of the
/// folders it walks (`-o pom.xml`, `-o src/main/mule/global.xml`): an
/// existing, non-empty file that is not one of intguard's own reports or
/// baselines (those a new run replaces, as CI does).
pub fn refuse_output_over_walked_file(
    output: Option<&Path>,
    folders: &[std::path::PathBuf],
) -> Result<(), String> {
    let Some(out) = output_file(output) else {
        return Ok(());
    };
    let Ok(meta) = std::fs::metadata(out) else {
        return Ok(());
    };
    if !meta.is_file() || meta.len() == 0 {
        return Ok(());
    }
    let Ok(target) = std::fs::canonicalize(out) else {
        return Ok(());
    };
    let walked = folders
        .iter()
        .filter(|f| f.is_dir())
        .filter_map(|f| std::fs::canonicalize(f).ok())
        .any(|f| target.starts_with(f));
    if !walked {
        return Ok(());
    }
    let bytes = std::fs::read(&target).unwrap_or_default();
    if intguard_readers::is_intguard_output(&String::from_utf8_lossy(&bytes)) {
        return Ok(());
    }
    Err(format!(
        "--output {} is a file in the folders it reads, not an intguard report: the report would replace it; write the report elsewhere",
        out.display()
    ))
}

/// The write buffer: a large monorepo's report is megabytes,
/// written in 8 KiB pieces by default (one system call each).
const BUFFER: usize = 1 << 18;

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder that is gone by the time the report is written (the
    /// commands check it before the scan) is named, not the temporary file.
    #[test]
    fn a_missing_folder_is_named_not_the_temporary_file() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("gone");
        let e = to_file(&folder.join("report.json"), |out| out.write_all(b"{}")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert_eq!(
            e.to_string(),
            format!("folder {} does not exist", folder.display())
        );
    }
}
