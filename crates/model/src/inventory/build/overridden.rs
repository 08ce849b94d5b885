//! A profile that `intguard.toml` assigns to a user for whom a user
//! definition file (or the org) names another: the other one wins (the
//! config says what the metadata does not), so the config's line is not
//! used. Said as a warning at that line, so that a config written to
//! correct the definition does not seem to.

use crate::finding::Diagnostic;
use crate::inventory::graph::AssignmentSource;
use crate::inventory::salesforce::{profile_label, same_profile};
use crate::inventory::Inventory;

impl Inventory {
    /// A `config-overridden` warning for each `[[identities]]` profile that
    /// another source's profile replaces.
    pub fn overridden_config_warnings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for hint in &self.identity_hints {
            let (Some(wanted), Some(at)) = (hint.profile.as_deref(), hint.profile_at.as_ref())
            else {
                continue;
            };
            let Some(id) = self.identities.iter().find(|id| {
                id.username
                    .as_deref()
                    .is_some_and(|u| u.eq_ignore_ascii_case(hint.username.trim()))
            }) else {
                continue;
            };
            let Some(profile) = &id.profile else {
                continue;
            };
            if profile.source == AssignmentSource::Config || same_profile(&profile.name, wanted) {
                continue;
            }
            let by = match (profile.source, &profile.assigned_at) {
                (AssignmentSource::UserDefinition, Some(place)) => format!(
                    "its user definition ({}:{}) assigns",
                    place.path, place.line
                ),
                (AssignmentSource::UserDefinition, None) => {
                    "its user definition assigns".to_string()
                }
                (AssignmentSource::Org, _) => "the org assigns".to_string(),
                _ => "another source assigns".to_string(),
            };
            out.push(
                Diagnostic::warning(
                    "config-overridden",
                    at.path.as_str(),
                    format!(
                        "{}: profile `{wanted}` is not used: {by} `{}`, which is what intguard judges (correct the one that is wrong)",
                        hint.username.trim(),
                        profile_label(&profile.name)
                    ),
                )
                .at(at.line, at.column),
            );
        }
        out
    }
}
