//! The readers' integration tests, one module per format or concern, built as one
//! test binary.

mod common;

mod bad_input;
mod domains;
mod git_tracked;
mod metadata;
mod monorepo;
mod mule3;
mod mule4;
mod plugins;
mod properties;
mod text_facts;
mod written_fields;
