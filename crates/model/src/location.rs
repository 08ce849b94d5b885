use serde::{Deserialize, Serialize};

use crate::shared_str::SharedStr;

/// A file's display path, shared: a file yields hundreds of items, and each
/// item's [`Location`] points at the same path instead of copying it. Reads
/// like a `&str` and serializes as a string ([`SharedStr`]).
pub type FilePath = SharedStr;

/// Where something was found. `path` is the display path (as walked from the
/// scan root the user gave, `/`-separated); `line` and `column` are 1-based.
/// A `line` of 0 means "the whole file".
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
