//! The org snapshot: what `intguard org audit` read, as versioned JSON, so
//! that `intguard scan --org-snapshot` can audit it again offline.
//!
//! Rows keep Salesforce's record ids and its date-time text
//! (`2026-01-15T10:30:00.000+0000`). A snapshot holds no token, password or
//! secret: the queries select none (OauthToken rows are app, user and usage
//! only).

use serde::{Deserialize, Serialize};

/// `format` of every snapshot.
pub const SNAPSHOT_FORMAT: &str = "intguard-org-snapshot";
/// The snapshot version this build writes and reads.
pub const SNAPSHOT_VERSION: u32 = 1;

/// Largest snapshot file read: a large org's snapshot (100,000 users with
/// their logins) is tens of MB.
pub const MAX_SNAPSHOT_FILE: u64 = 1 << 30;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgSnapshot {
    /// Always [`SNAPSHOT_FORMAT`].
    pub format: String,
    /// [`SNAPSHOT_VERSION`].
    pub version: u32,
    pub org: OrgInfo,
    pub users: Vec<UserRow>,
    /// Permission sets, including the one each profile owns and each group's
    /// aggregate.
    pub permission_sets: Vec<PermissionSetRow>,
    pub permission_set_groups: Vec<PermissionSetGroupRow>,
    /// Muting permission sets: what each removes from its group. (Added
    /// within version 1: older snapshots read as none.)
    #[serde(default)]
    pub muting_permission_sets: Vec<MutingPermissionSetRow>,
    /// Group members: permission sets and muting permission sets.
    pub group_components: Vec<GroupComponentRow>,
    /// Assignments of permission sets and groups (not profiles: a user's
    /// profile is on the user).
    pub assignments: Vec<AssignmentRow>,
    pub object_permissions: Vec<ObjectPermissionRow>,
    /// Pre-authorizations of connected apps and External Client Apps.
    pub setup_entity_access: Vec<SetupEntityAccessRow>,
    pub connected_apps: Vec<ConnectedAppRow>,
    pub external_client_apps: Vec<ExternalClientAppRow>,
    /// The OAuth policies of External Client Apps (`ExtlClntAppOauthPlcyCnfg`).
    /// (Added within version 1: older snapshots read as none.)
    #[serde(default)]
    pub eca_oauth_policies: Vec<EcaOauthPolicyRow>,
    pub login_ip_ranges: Vec<LoginIpRangeRow>,
    /// Logins of the integration users within the window.
    pub login_history: Vec<LoginHistoryRow>,
    /// OAuth tokens of the integration users (usage only).
    pub oauth_tokens: Vec<OauthTokenRow>,
    /// The `UserLogin` rows of the integration users: which are frozen.
    /// (Added within version 1: older snapshots read as none, every user
    /// taken as not frozen.)
    #[serde(default)]
    pub user_logins: Vec<UserLoginRow>,
    /// The users whose Login History and OAuth tokens were queried: the
    /// integration users at audit time (those the org shows, and those the
    /// auditing config's `[[identities]]` named). (Added within version 1:
    /// absent in older snapshots, where the org's own integration users are
    /// taken.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_user_ids: Option<Vec<String>>,
    pub health_check: Option<HealthCheckRow>,
    /// What could not be read, and which rules therefore did not check.
    pub not_read: Vec<NotReadRow>,
    /// Set when the read was cut short: a query still failing after its
    /// retries, the org's daily API limit or `--max-api-calls` reached. What
    /// was read is kept and audited; an audit of it is partial. (Added
    /// within version 1: absent in older snapshots and in complete ones.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<PartialRead>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgInfo {
    /// The org id from the token's identity URL (or the instance host).
    pub org_id: String,
    pub instance_url: String,
    /// `62.0`.
    pub api_version: String,
    /// When it was read (RFC 3339).
    pub read_at: String,
    /// Start of the login-history and token window (RFC 3339).
    pub since: String,
    /// API calls the read spent.
    pub api_calls: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub name: Option<String>,
    pub is_active: bool,
    pub user_type: Option<String>,
    pub profile_id: Option<String>,
    /// `Profile.Name`: the label (`System Administrator`).
    pub profile_name: Option<String>,
    pub license: Option<String>,
    pub last_login_date: Option<String>,
    pub last_password_change_date: Option<String>,
    pub created_date: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PermissionSetRow {
    pub id: String,
    pub name: String,
    pub label: Option<String>,
    pub is_owned_by_profile: bool,
    pub profile_id: Option<String>,
    pub profile_name: Option<String>,
    pub profile_license: Option<String>,
    /// `License.Name` of a permission set license'd set.
    pub license: Option<String>,
    /// Set for a group's aggregate permission set.
    pub permission_set_group_id: Option<String>,
    /// Enabled permissions, without the `Permissions` prefix (`ModifyAllData`).
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PermissionSetGroupRow {
    pub id: String,
    pub developer_name: String,
    pub label: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupComponentRow {
    pub permission_set_group_id: String,
    /// A permission set or a muting permission set.
    pub permission_set_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AssignmentRow {
    pub assignee_id: String,
    pub permission_set_id: String,
    pub permission_set_group_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectPermissionRow {
    /// The permission set (or profile's permission set).
    pub parent_id: String,
    pub sobject_type: String,
    pub read: bool,
    pub create: bool,
    pub edit: bool,
    pub delete: bool,
    pub view_all: bool,
    pub modify_all: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SetupEntityAccessRow {
    /// The permission set (or profile's permission set) pre-authorized.
    pub parent_id: String,
    pub setup_entity_id: String,
    /// `ConnectedApplication` or `ExternalClientApplication`.
    pub setup_entity_type: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConnectedAppRow {
    pub id: String,
    pub name: String,
    /// `OptionsAllowAdminApprovedUsersOnly`.
    pub admin_approved_only: Option<bool>,
    pub refresh_token_validity_metric: Option<String>,
    pub refresh_token_validity_period: Option<f64>,
    pub created_date: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExternalClientAppRow {
    pub id: String,
    pub developer_name: String,
    pub label: Option<String>,
    pub distribution_state: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoginIpRangeRow {
    pub id: String,
    pub profile_id: String,
    pub start_address: String,
    pub end_address: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoginHistoryRow {
    pub id: String,
    pub user_id: String,
    pub login_time: String,
    pub login_type: Option<String>,
    pub login_sub_type: Option<String>,
    pub source_ip: Option<String>,
    pub status: Option<String>,
    pub application: Option<String>,
    pub api_type: Option<String>,
}

/// A `MutingPermissionSet`: the permissions it mutes in its group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MutingPermissionSetRow {
    pub id: String,
    pub developer_name: String,
    pub label: Option<String>,
    /// Audited permissions it mutes (`ModifyAllData`, ...).
    pub permissions: Vec<String>,
}

/// An `ExtlClntAppOauthPlcyCnfg` row (values as Salesforce writes them:
/// `AdminApprovedPreAuthorized`, `Enforce`, `Infinite`, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EcaOauthPolicyRow {
    pub id: String,
    pub external_client_application_id: String,
    pub permitted_users_policy_type: Option<String>,
    pub ip_relaxation_policy_type: Option<String>,
    pub refresh_token_policy_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OauthTokenRow {
    pub id: String,
    pub app_name: String,
    pub user_id: String,
    pub last_used_date: Option<String>,
    pub use_count: Option<u64>,
}

/// A `UserLogin` row: whether the user can log in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserLoginRow {
    pub id: String,
    pub user_id: String,
    /// Frozen by an admin: the user cannot log in, but is still active (its
    /// license, permissions and credentials stay).
    pub is_frozen: bool,
    /// Locked out after too many failed logins.
    pub is_password_locked: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HealthCheckRow {
    pub score: Option<f64>,
    pub risks: Vec<HealthRiskRow>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HealthRiskRow {
    pub risk_type: String,
    pub setting: String,
    pub setting_group: Option<String>,
    pub org_value: Option<String>,
    pub standard_value: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NotReadRow {
    pub what: String,
    pub reason: String,
    pub missing_permission: Option<String>,
    pub rules: Vec<String>,
}

/// Why a read was cut short, what it left unread and how to finish.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PartialRead {
    /// One line per cause: `the org's daily API request limit ran out ...`,
    /// `ObjectPermissions: Salesforce kept answering HTTP 503 ...`.
    pub reasons: Vec<String>,
    /// The objects left unread or incomplete by those causes (each has its
    /// [`NotReadRow`], with the rules it leaves unchecked).
    pub not_read: Vec<String>,
    /// How to finish the audit: one step per cause.
    pub next_steps: Vec<String>,
}

impl PartialRead {
    fn push_unique(list: &mut Vec<String>, item: String) {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}

impl OrgSnapshot {
    /// Records that the read was cut short: `reason`, the object it left
    /// unread and how to finish (each once).
    pub fn note_partial(&mut self, reason: String, what: &str, next_step: &str) {
        let partial = self.partial.get_or_insert_with(PartialRead::default);
        PartialRead::push_unique(&mut partial.reasons, reason);
        PartialRead::push_unique(&mut partial.not_read, what.to_string());
        PartialRead::push_unique(&mut partial.next_steps, next_step.to_string());
    }
}

/// Why a snapshot file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not an intguard org snapshot: {message}")]
    Format { path: String, message: String },
    #[error("{path} is an org snapshot of version {found}; this intguard reads version {SNAPSHOT_VERSION}")]
    Version { path: String, found: u64 },
}

impl OrgSnapshot {
    /// An empty snapshot of this format and version.
    pub fn new(org: OrgInfo) -> Self {
        OrgSnapshot {
            format: SNAPSHOT_FORMAT.to_string(),
            version: SNAPSHOT_VERSION,
            org,
            users: Vec::new(),
            permission_sets: Vec::new(),
            permission_set_groups: Vec::new(),
            muting_permission_sets: Vec::new(),
            group_components: Vec::new(),
            assignments: Vec::new(),
            object_permissions: Vec::new(),
            setup_entity_access: Vec::new(),
            connected_apps: Vec::new(),
            external_client_apps: Vec::new(),
            eca_oauth_policies: Vec::new(),
            login_ip_ranges: Vec::new(),
            login_history: Vec::new(),
            oauth_tokens: Vec::new(),
            user_logins: Vec::new(),
            health_check: None,
            activity_user_ids: None,
            not_read: Vec::new(),
            partial: None,
        }
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a snapshot always serializes")
    }

    /// Parses a snapshot, checking format and version first.
    pub fn from_json(text: &str, path: &str) -> Result<Self, SnapshotError> {
        let format_error = |message: String| SnapshotError::Format {
            path: path.to_string(),
            message,
        };
        // A byte order mark (a snapshot edited in a Windows editor) is no
        // JSON syntax error.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format_error(e.to_string()))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(SNAPSHOT_FORMAT) {
            return Err(format_error(format!(
                "\"format\" is not \"{SNAPSHOT_FORMAT}\""
            )));
        }
        // A version that is missing or not a whole number is no version of
        // this format (it used to read as "version 0").
        let version = match value.get("version") {
            Some(v) => v
                .as_u64()
                .ok_or_else(|| format_error(format!("\"version\" is {v}, not a whole number")))?,
            None => return Err(format_error("\"version\" is missing".to_string())),
        };
        if version != u64::from(SNAPSHOT_VERSION) {
            return Err(SnapshotError::Version {
                path: path.to_string(),
                found: version,
            });
        }
        serde_json::from_value(value).map_err(|e| format_error(e.to_string()))
    }

    /// Reads a snapshot file (at most [`MAX_SNAPSHOT_FILE`] bytes).
    pub fn load(path: &std::path::Path) -> Result<Self, SnapshotError> {
        let shown = path.display().to_string();
        // Only a regular file: opening a FIFO would wait for a writer.
        let bytes =
            salesforce_auth::files::read_regular(path, MAX_SNAPSHOT_FILE).map_err(|source| {
                SnapshotError::Io {
                    path: shown.clone(),
                    source,
                }
            })?;
        let text = String::from_utf8(bytes).map_err(|e| SnapshotError::Io {
            path: shown.clone(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
        })?;
        Self::from_json(&text, &shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by testing hand-edited snapshots: `"version": "1"` and a
    /// missing version were refused as "an org snapshot of version 0", and
    /// `4294967297` was read as version 1 (then failed on its type).
    #[test]
    fn a_version_that_is_no_number_is_named_as_such() {
        let with = |version: &str| {
            let text = format!(r#"{{"format":"intguard-org-snapshot"{version},"org":{{}}}}"#);
            OrgSnapshot::from_json(&text, "org.json")
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            with(r#","version":"1""#),
            r#"org.json is not an intguard org snapshot: "version" is "1", not a whole number"#
        );
        assert_eq!(
            with(""),
            r#"org.json is not an intguard org snapshot: "version" is missing"#
        );
        assert_eq!(
            with(r#","version":4294967297"#),
            "org.json is an org snapshot of version 4294967297; this intguard reads version 1"
        );
        assert_eq!(
            with(r#","version":2"#),
            "org.json is an org snapshot of version 2; this intguard reads version 1"
        );
        // A byte order mark is read past: the version is what is named.
        let marked = "\u{feff}{\"format\":\"intguard-org-snapshot\",\"version\":2,\"org\":{}}";
        assert_eq!(
            OrgSnapshot::from_json(marked, "org.json")
                .unwrap_err()
                .to_string(),
            "org.json is an org snapshot of version 2; this intguard reads version 1"
        );
    }
}
