use serde::Serialize;

use crate::location::Location;

/// What the user's config says about a Salesforce username: which system it
/// belongs to and which apps may legitimately share it.
#[derive(Debug, Default, Clone, Serialize)]
pub struct IdentityHint {
    pub username: String,
    pub system: Option<String>,
    /// Apps allowed to share this user (one system made of several apps).
    pub apps: Vec<String>,
    pub profile: Option<String>,
    pub permission_sets: Vec<String>,
    /// Where `profile` is written in the config, when known.
    pub profile_at: Option<Location>,
    /// Where each of `permission_sets` is written, in the same order; empty
    /// when not known.
    pub permission_sets_at: Vec<Location>,
}
