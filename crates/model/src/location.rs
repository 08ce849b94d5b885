use serde::Serialize;

/// Where something was found. `path` is the display path (as walked from the
/// scan root the user gave, `/`-separated); `line` and `column` are 1-based.
/// A `line` of 0 means "the whole file".
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub path: String,
    pub line: u32,
    pub column: u32,
}

impl Location {
    pub fn new(path: impl Into<String>, line: u32, column: u32) -> Self {
        Location {
            path: path.into(),
            line,
            column,
        }
    }

    /// A location meaning a whole file.
    pub fn file(path: impl Into<String>) -> Self {
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
