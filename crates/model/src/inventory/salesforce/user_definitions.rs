//! User definition files (`sf org create user --definition-file`).

use serde::Serialize;

use crate::location::Location;

/// A user definition file for `sf org create user --definition-file`.
#[derive(Debug, Clone, Serialize)]
pub struct UserDefinition {
    pub username: String,
    /// `profileName` (usually a label: `System Administrator`).
    pub profile_name: Option<String>,
    /// `permsets`.
    pub permsets: Vec<String>,
    /// The `Username` key.
    pub location: Location,
    /// The `profileName` key.
    pub profile_location: Option<Location>,
    /// The `permsets` key.
    pub permsets_location: Option<Location>,
}
