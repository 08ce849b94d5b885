//! Salesforce metadata as read from a repository: SFDX source format and
//! Metadata API format projects, with what intguard audits of them (profiles,
//! permission sets and groups, connected apps, External Client Apps, org
//! settings, password and session policies) and user definition files.
//!
//! Names are decoded (file names are URL-encoded in metadata: `%28` is `(`),
//! XML entities are decoded, and every item keeps the [`Location`] it was read
//! from so that findings can point at the line.

mod access;
mod names;
mod oauth_apps;
mod permissions;
mod settings;
mod user_definitions;

pub use access::*;
pub(crate) use names::{profile_key, set_key};
pub use oauth_apps::*;
pub use permissions::*;
pub use settings::*;
pub use user_definitions::*;

use serde::Serialize;

use crate::location::Location;

/// A value and where it was written (the element holding it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Located<T> {
    pub value: T,
    pub location: Location,
}

impl<T> Located<T> {
    pub fn new(value: T, location: Location) -> Self {
        Located { value, location }
    }
}

impl Located<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Case-insensitive equality of the value (trimmed).
    pub fn is(&self, other: &str) -> bool {
        self.value.trim().eq_ignore_ascii_case(other)
    }
}

/// Everything the metadata reader found, across every project of the scan.
#[derive(Debug, Default, Clone, Serialize)]
pub struct SalesforceMetadata {
    pub projects: Vec<MetadataProject>,
    pub profiles: Vec<Profile>,
    /// Permission sets (decomposed ones merged into one item).
    pub permission_sets: Vec<PermissionSet>,
    pub muting_permission_sets: Vec<MutingPermissionSet>,
    pub permission_set_groups: Vec<PermissionSetGroup>,
    pub connected_apps: Vec<ConnectedApp>,
    /// External Client Apps, each merged from its family of files (`.eca`,
    /// `.ecaOauth`, `.ecaGlblOauth`, `.ecaOauthPlcy`, `.ecaPlcy`).
    pub external_client_apps: Vec<ExternalClientApp>,
    /// `Security.settings`, one per project that has it.
    pub security_settings: Vec<SecuritySettings>,
    /// `ConnectedApp.settings` (API Access Control), one per project that has it.
    pub connected_app_settings: Vec<ConnectedAppSettings>,
    /// `OauthOidc.settings`, one per project that has it.
    pub oauth_oidc_settings: Vec<OauthOidcSettings>,
    pub profile_password_policies: Vec<ProfilePasswordPolicy>,
    pub profile_session_settings: Vec<ProfileSessionSetting>,
    /// `sf org create user --definition-file` JSON files.
    pub user_definitions: Vec<UserDefinition>,
    /// The profiles, sets and groups by name ([`names`]).
    #[serde(skip)]
    names: names::NameIndex,
}

/// The source format of a metadata project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetadataFormat {
    /// `sfdx-project.json` + `<pkg>/main/default/<folder>/<Name>.<suffix>-meta.xml`.
    Sfdx,
    /// `package.xml` + `src/<folder>/<Name>.<suffix>`.
    MetadataApi,
}

/// One SFDX project or Metadata API package.
#[derive(Debug, Clone, Serialize)]
pub struct MetadataProject {
    /// The project folder (display path).
    pub root: String,
    pub format: MetadataFormat,
    /// `sfdx-project.json` or `package.xml`.
    pub descriptor: Location,
    /// Package directories (SFDX; the `"default": true` one first) or the
    /// folder holding `package.xml` (Metadata API), display paths.
    pub package_directories: Vec<String>,
}

impl SalesforceMetadata {
    /// True when nothing was read.
    pub fn is_empty(&self) -> bool {
        self.projects.is_empty()
            && self.profiles.is_empty()
            && self.permission_sets.is_empty()
            && self.connected_apps.is_empty()
            && self.external_client_apps.is_empty()
            && self.user_definitions.is_empty()
    }

    /// Forgets the index of names made by the lookups below: to call after
    /// adding profiles, sets or groups (an index made before is not used
    /// then, and each lookup walks every item).
    pub fn reindex(&mut self) {
        self.names = Default::default();
    }

    /// Where the items of `kind` answering to `name` may be ([`names`]).
    fn positions(&self, kind: names::Kind, name: &str) -> Option<&[u32]> {
        self.names.positions(
            &self.profiles,
            &self.permission_sets,
            &self.permission_set_groups,
            kind,
            name,
        )
    }

    /// A profile by file name or label.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        let at = self.positions(names::Kind::Profile, name);
        names::candidates(&self.profiles, at).find(|p| p.matches(name))
    }

    /// Every profile answering to `name`, in order (one unless projects
    /// of several orgs are read together).
    pub fn profiles_named(&self, name: &str) -> Vec<&Profile> {
        let at = self.positions(names::Kind::Profile, name);
        names::candidates(&self.profiles, at)
            .filter(|p| p.matches(name))
            .collect()
    }

    pub fn permission_set(&self, name: &str) -> Option<&PermissionSet> {
        let at = self.positions(names::Kind::Set, name);
        names::candidates(&self.permission_sets, at).find(|p| p.matches(name))
    }

    /// Every permission set answering to `name`, in order.
    pub fn permission_sets_named(&self, name: &str) -> Vec<&PermissionSet> {
        let at = self.positions(names::Kind::Set, name);
        names::candidates(&self.permission_sets, at)
            .filter(|p| p.matches(name))
            .collect()
    }

    pub fn muting_permission_set(&self, name: &str) -> Option<&MutingPermissionSet> {
        let name = name.trim();
        self.muting_permission_sets
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    pub fn permission_set_group(&self, name: &str) -> Option<&PermissionSetGroup> {
        let at = self.positions(names::Kind::Group, name);
        names::candidates(&self.permission_set_groups, at).find(|p| p.matches(name))
    }

    /// Every permission set group answering to `name`, in order.
    pub fn permission_set_groups_named(&self, name: &str) -> Vec<&PermissionSetGroup> {
        let at = self.positions(names::Kind::Group, name);
        names::candidates(&self.permission_set_groups, at)
            .filter(|p| p.matches(name))
            .collect()
    }

    pub fn connected_app(&self, name: &str) -> Option<&ConnectedApp> {
        let name = name.trim();
        self.connected_apps.iter().find(|a| {
            a.name.eq_ignore_ascii_case(name)
                || a.label
                    .as_deref()
                    .is_some_and(|l| l.eq_ignore_ascii_case(name))
        })
    }

    pub fn external_client_app(&self, name: &str) -> Option<&ExternalClientApp> {
        let name = name.trim();
        self.external_client_apps.iter().find(|a| {
            a.name.eq_ignore_ascii_case(name)
                || a.label
                    .as_deref()
                    .is_some_and(|l| l.eq_ignore_ascii_case(name))
        })
    }

    /// The password policy that applies to a profile, if any.
    pub fn profile_password_policy(&self, profile: &str) -> Option<&ProfilePasswordPolicy> {
        self.profile_password_policies.iter().find(|p| {
            p.profile
                .as_ref()
                .is_some_and(|n| same_profile(&n.value, profile))
        })
    }

    pub fn profile_session_setting(&self, profile: &str) -> Option<&ProfileSessionSetting> {
        self.profile_session_settings.iter().find(|p| {
            p.profile
                .as_ref()
                .is_some_and(|n| same_profile(&n.value, profile))
        })
    }
}
