use serde::Serialize;

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
}
