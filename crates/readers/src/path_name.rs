//! A walked path's last component, read from its bytes.

use std::ffi::OsStr;
use std::path::Path;

/// `path.file_name()`, found by the path's last `/` instead of splitting it
/// into components from its end (~200 instructions a call: the walk and
/// the reading ask it of every file several times). A path whose last
/// component is empty, `.` or `..` is left to [`Path::file_name`].
#[cfg(unix)]
pub(crate) fn file_name(path: &Path) -> Option<&OsStr> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let last = memchr::memrchr(b'/', bytes).map_or(bytes, |i| &bytes[i + 1..]);
    if last.is_empty() || last == b"." || last == b".." {
        return path.file_name();
    }
    Some(OsStr::from_bytes(last))
}

#[cfg(not(unix))]
pub(crate) fn file_name(path: &Path) -> Option<&OsStr> {
    path.file_name()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn the_file_name_is_paths_own() {
        for p in [
            "a/b.xml", "b", "", "/", "//", "a/", "a//b", "a/b/", "a/b//", "a/.", "a/..", ".", "..",
            "./x", "../x", "/x", "a/.env", "a/b.c.d", "a/./b",
        ] {
            let path = Path::new(p);
            assert_eq!(super::file_name(path), path.file_name(), "{p:?}");
        }
    }
}
