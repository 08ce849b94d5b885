//! Files that hold secrets: reading them into zeroizing buffers, writing them with mode 0600,
//! and warning when a key file can be read by group or others.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::KeyError;

/// Largest key or keystore file read, to refuse mistakes like pointing at a disk image.
const MAX_KEY_FILE: u64 = 16 * 1024 * 1024;

/// Reads a file that holds secrets into a zeroizing buffer.
pub(crate) fn read_secret_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    use std::io::Read;
    let io_err = |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = crate::files::open_regular(path).map_err(io_err)?;
    let len = file.metadata().map_err(io_err)?.len();
    if len > MAX_KEY_FILE {
        return Err(KeyError::TooLarge {
            what: path.display().to_string(),
        });
    }
    let mut buf = Zeroizing::new(Vec::with_capacity(len as usize));
    file.take(MAX_KEY_FILE + 1)
        .read_to_end(&mut buf)
        .map_err(io_err)?;
    if buf.len() as u64 > MAX_KEY_FILE {
        return Err(KeyError::TooLarge {
            what: path.display().to_string(),
        });
    }
    Ok(buf)
}

/// A key file that group or other users can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileModeWarning {
    pub path: PathBuf,
    /// Permission bits, e.g. `0o644`.
    pub mode: u32,
}

impl fmt::Display for FileModeWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = match (self.mode & 0o070 != 0, self.mode & 0o007 != 0) {
            (true, true) => "its group and all other users",
            (true, false) => "its group",
            _ => "all other users",
        };
        write!(
            f,
            "{} can be accessed by {who} (mode {:04o}); restrict it with `chmod 600 {}`",
            self.path.display(),
            self.mode & 0o7777,
            self.path.display()
        )
    }
}

/// Checks a key file's Unix permissions: `Some(warning)` when group or others have any access.
/// Always `Ok(None)` on platforms without Unix modes.
pub fn check_key_file_mode(path: &Path) -> io::Result<Option<FileModeWarning>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            return Ok(Some(FileModeWarning {
                path: path.to_path_buf(),
                mode: mode & 0o7777,
            }));
        }
        Ok(None)
    }
    #[cfg(not(unix))]
    {
        let _ = std::fs::metadata(path)?;
        Ok(None)
    }
}

/// Writes `contents` to `path` with mode 0600 (owner read/write only on Unix). Refuses to replace
/// an existing file unless `overwrite`; when replacing, the mode is reset to 0600 too.
pub fn write_secret_file(path: &Path, contents: &[u8], overwrite: bool) -> io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if overwrite {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(contents)?;
    file.sync_all()
}
