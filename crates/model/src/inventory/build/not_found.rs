//! Profiles and permission sets a user definition or `intguard.toml` assigns
//! but the metadata read does not hold: their grants are unknown, so the
//! rules that judge access say nothing of them. Said once per assignment, as
//! a warning at it, where the project holds metadata of that kind (a project
//! that retrieves no profiles would warn at every assignment). And those that
//! several files of the metadata read define (projects of several orgs read
//! together): the first is judged, which may not be the one the user holds.

use std::collections::HashSet;

use crate::finding::Diagnostic;
use crate::inventory::graph::{AccessAssignment, AssignmentSource};
use crate::inventory::salesforce::{
    same_profile, OTHER_STANDARD_PROFILES, STANDARD_PROFILE_LABELS,
};
use crate::inventory::Inventory;

/// A standard profile, by label or file name.
fn is_standard_profile(name: &str) -> bool {
    STANDARD_PROFILE_LABELS
        .iter()
        .map(|(label, _)| *label)
        .chain(OTHER_STANDARD_PROFILES.iter().copied())
        .any(|s| same_profile(s, name))
}

impl Inventory {
    /// A `metadata-not-found` warning for each profile, permission set or
    /// group assigned in a user definition or the config that the metadata
    /// read does not hold (see the module docs).
    pub fn unresolved_assignment_warnings(&self) -> Vec<Diagnostic> {
        let md = &self.salesforce;
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        // A name that several files define (metadata of two orgs read
        // together, `force-app` and a Metadata API `src/` of another org):
        // the first is judged, which may not be the one the user holds.
        let mut ambiguous = |a: &AccessAssignment, kind: &str, files: Vec<&str>, user: &str| {
            let (Some(at), Some(judged)) = (a.assigned_at.as_ref(), a.metadata.as_ref()) else {
                return;
            };
            // The org's copy (a snapshot joined) stands for a repository's
            // file of the same name: only files count.
            let mut files: Vec<&str> = files
                .into_iter()
                .filter(|f| !f.starts_with("org://"))
                .collect();
            files.sort_unstable();
            files.dedup();
            if files.len() < 2
                || !seen.insert((at.clone(), format!("ambiguous|{}", a.name.to_lowercase())))
            {
                return;
            }
            out.push(
                Diagnostic::warning(
                    "metadata-ambiguous",
                    at.path.as_str(),
                    format!(
                        "{user}: {kind} `{}` is defined by {} files of the Salesforce metadata read ({}): its grants are judged from {}, which may not be the one this user holds (metadata of several orgs read together); scan each org's project apart, or keep one copy",
                        a.name,
                        files.len(),
                        files.join(", "),
                        judged.path
                    ),
                )
                .at(at.line, at.column),
            );
        };
        for id in &self.identities {
            let Some(user) = id.username.as_deref() else {
                continue;
            };
            if let Some(p) = &id.profile {
                let files = md
                    .profiles_named(&p.name)
                    .into_iter()
                    .map(|x| x.location.path.as_str())
                    .collect();
                ambiguous(p, "profile", files, user);
            }
            for a in &id.permission_sets {
                let files = md
                    .permission_sets_named(&a.name)
                    .into_iter()
                    .map(|x| x.location.path.as_str())
                    .collect();
                ambiguous(a, "permission set", files, user);
            }
            for a in &id.permission_set_groups {
                let files = md
                    .permission_set_groups_named(&a.name)
                    .into_iter()
                    .map(|x| x.location.path.as_str())
                    .collect();
                ambiguous(a, "permission set group", files, user);
            }
        }
        let mut warn = |a: &AccessAssignment, kind: &str, user: &str| {
            let Some(at) = a.assigned_at.as_ref() else {
                return;
            };
            if a.metadata.is_some()
                || !matches!(
                    a.source,
                    AssignmentSource::UserDefinition | AssignmentSource::Config
                )
                || !seen.insert((at.clone(), a.name.to_lowercase()))
            {
                return;
            }
            out.push(
                Diagnostic::warning(
                    "metadata-not-found",
                    at.path.as_str(),
                    format!(
                        "{user}: {kind} `{}` is not in the Salesforce metadata read: its grants are unknown, so no rule judges them (retrieve it, or correct the name)",
                        a.name
                    ),
                )
                .at(at.line, at.column),
            );
        };
        for id in &self.identities {
            let Some(user) = id.username.as_deref() else {
                continue;
            };
            if let Some(p) = &id.profile {
                if !md.profiles.is_empty() && !is_standard_profile(&p.name) {
                    warn(p, "profile", user);
                }
            }
            // Managed packages' sets (`ns__Name`) are seldom retrieved.
            let retrieved = !md.permission_sets.is_empty() || !md.permission_set_groups.is_empty();
            for a in id.permission_sets.iter().chain(&id.permission_set_groups) {
                if retrieved && !a.name.contains("__") {
                    warn(a, "permission set", user);
                }
            }
        }
        out
    }
}
