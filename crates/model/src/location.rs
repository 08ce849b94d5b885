use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::Serialize;

/// A file's display path, shared: a file yields hundreds of items, and each
/// item's [`Location`] points at the same path instead of copying it.
/// Reads like a `&str` (`Deref`, comparisons with `&str` and `String`) and
/// serializes as a string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct FilePath(Arc<str>);

impl FilePath {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for FilePath {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for FilePath {
    fn from(s: &str) -> Self {
        FilePath(Arc::from(s))
    }
}

impl From<String> for FilePath {
    fn from(s: String) -> Self {
        FilePath(Arc::from(s))
    }
}

impl From<&FilePath> for FilePath {
    fn from(p: &FilePath) -> Self {
        p.clone()
    }
}

impl From<&FilePath> for String {
    fn from(p: &FilePath) -> Self {
        p.0.to_string()
    }
}

impl From<FilePath> for String {
    fn from(p: FilePath) -> Self {
        p.0.to_string()
    }
}

impl PartialEq<&str> for FilePath {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for FilePath {
    fn eq(&self, other: &String) -> bool {
        &*self.0 == other.as_str()
    }
}

impl fmt::Display for FilePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where something was found. `path` is the display path (as walked from the
/// scan root the user gave, `/`-separated); `line` and `column` are 1-based.
/// A `line` of 0 means "the whole file".
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub path: FilePath,
    pub line: u32,
    pub column: u32,
}

impl Location {
    pub fn new(path: impl Into<FilePath>, line: u32, column: u32) -> Self {
        Location {
            path: path.into(),
            line,
            column,
        }
    }

    /// A location meaning a whole file.
    pub fn file(path: impl Into<FilePath>) -> Self {
        Location::new(path, 0, 0)
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.path)
        } else {
            write!(f, "{}:{}:{}", self.path, self.line, self.column)
        }
    }
}
