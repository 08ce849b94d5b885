//! Exit codes (DESIGN.md): 0 nothing at or above `--fail-on`, 1 findings at or
//! above it, 2 usage or input error.

pub const OK: i32 = 0;
pub const FINDINGS: i32 = 1;
pub const USAGE: i32 = 2;

/// Prints an error the way clap does and returns the usage exit code.
pub fn usage_error(message: impl std::fmt::Display) -> i32 {
    eprintln!("error: {message}");
    USAGE
}
