//! Org settings files (`Security.settings`, `ConnectedApp.settings`,
//! `OauthOidc.settings`) and the per-profile password and session policies.

use serde::Serialize;

use crate::location::Location;

use super::{IpRange, Located};

/// `Security.settings`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SecuritySettings {
    /// The file.
    pub location: Location,
    pub password_policies: Option<OrgPasswordPolicies>,
    pub session_settings: Option<SessionSettings>,
    /// `networkAccess.ipRanges` (trusted IP ranges).
    pub network_access_ip_ranges: Vec<IpRange>,
}

/// `Security.settings` `passwordPolicies` (values as written: enumerations
/// like `NinetyDays`, numbers as text).
#[derive(Debug, Clone, Default, Serialize)]
pub struct OrgPasswordPolicies {
    pub location: Location,
    /// `NoRestriction|AlphaNumeric|SpecialCharacters|UpperLowerCaseNumeric|...`.
    pub complexity: Option<Located<String>>,
    /// `Never|ThirtyDays|SixtyDays|NinetyDays|SixMonths|OneYear`.
    pub expiration: Option<Located<String>>,
    /// `historyRestriction` ("0"-"24").
    pub history_restriction: Option<Located<String>>,
    /// `FifteenMinutes|ThirtyMinutes|SixtyMinutes|Forever`.
    pub lockout_interval: Option<Located<String>>,
    /// `NoLimit|ThreeAttempts|FiveAttempts|TenAttempts`.
    pub max_login_attempts: Option<Located<String>>,
    pub minimum_password_length: Option<Located<String>>,
    pub minimum_password_lifetime: Option<Located<bool>>,
    pub question_restriction: Option<Located<String>>,
}

/// `Security.settings` `sessionSettings`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SessionSettings {
    pub location: Location,
    pub lock_sessions_to_ip: Option<Located<bool>>,
    pub lock_sessions_to_domain: Option<Located<bool>>,
    pub enforce_ip_ranges_every_request: Option<Located<bool>>,
    pub force_relogin: Option<Located<bool>>,
    pub force_logout_on_session_timeout: Option<Located<bool>>,
    pub require_http_only: Option<Located<bool>>,
    pub require_https: Option<Located<bool>>,
    /// `FifteenMinutes` .. `TwentyFourHours`.
    pub session_timeout: Option<Located<String>>,
}

/// `ConnectedApp.settings`: API Access Control. The fields exist only once
/// the feature is enabled: absent means off or unknown.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConnectedAppSettings {
    pub location: Location,
    pub enable_admin_approved_apps_only: Option<Located<bool>>,
    pub enable_admin_approved_apps_only_for_external_user: Option<Located<bool>>,
}

/// `OauthOidc.settings`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OauthOidcSettings {
    pub location: Location,
    /// `blockOAuthUnPwFlow`: blocks the OAuth username-password flow.
    pub block_oauth_un_pw_flow: Option<Located<bool>>,
    pub block_oauth_usr_agt_flow: Option<Located<bool>>,
    pub is_pkce_required: Option<Located<bool>>,
    pub oauth_cd_crdt_flow_enable: Option<Located<bool>>,
}

/// `ProfilePasswordPolicy` (numbers as in the type: 0 = never / no limit).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProfilePasswordPolicy {
    /// Decoded file name.
    pub name: String,
    pub location: Location,
    /// `profile`: the profile it applies to.
    pub profile: Option<Located<String>>,
    pub lockout_interval: Option<Located<u32>>,
    pub max_login_attempts: Option<Located<u32>>,
    pub minimum_password_length: Option<Located<u32>>,
    /// 0-4.
    pub password_complexity: Option<Located<u32>>,
    /// Days; 0 = never expires.
    pub password_expiration: Option<Located<u32>>,
    pub password_history: Option<Located<u32>>,
}

/// `ProfileSessionSetting`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProfileSessionSetting {
    pub name: String,
    pub location: Location,
    pub profile: Option<Located<String>>,
    /// `sessionTimeout` in minutes.
    pub session_timeout: Option<Located<u32>>,
    pub required_session_level: Option<Located<String>>,
    pub force_logout: Option<Located<bool>>,
}
