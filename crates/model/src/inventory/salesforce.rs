//! Salesforce metadata as read from a repository: SFDX source format and
//! Metadata API format projects, with what intguard audits of them (profiles,
//! permission sets and groups, connected apps, External Client Apps, org
//! settings, password and session policies) and user definition files.
//!
//! Names are decoded (file names are URL-encoded in metadata: `%28` is `(`),
//! XML entities are decoded, and every item keeps the [`Location`] it was read
//! from so that findings can point at the line.

use serde::Serialize;

use crate::location::Location;
use crate::rule_meta::Severity;

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
    /// Package directories (SFDX) or the folder holding `package.xml`
    /// (Metadata API), display paths.
    pub package_directories: Vec<String>,
}

/// An enabled permission (`userPermissions` with `enabled` true).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedFlag {
    /// API name, e.g. `ModifyAllData`.
    pub name: String,
    /// The `userPermissions` element.
    pub location: Location,
}

/// `objectPermissions`: what a profile or permission set allows on an object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ObjectPermission {
    /// API name, e.g. `Account`, `Invoice__c`.
    pub object: String,
    pub read: bool,
    pub create: bool,
    pub edit: bool,
    pub delete: bool,
    /// `viewAllRecords`.
    pub view_all: bool,
    /// `modifyAllRecords`.
    pub modify_all: bool,
    pub view_all_fields: bool,
    pub location: Location,
}

impl ObjectPermission {
    /// True when the entry grants anything.
    pub fn grants_any(&self) -> bool {
        self.read || self.create || self.edit || self.delete || self.view_all || self.modify_all
    }

    /// `Read, Create, Edit, Delete, View All, Modify All` (the granted ones).
    pub fn describe(&self) -> String {
        AccessFlags::from(self).describe()
    }
}

/// A range of IP addresses (`loginIpRanges`, connected app `ipRanges`,
/// ECA `trustedIpRanges`, network access `ipRanges`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IpRange {
    pub start: String,
    pub end: String,
    pub description: Option<String>,
    pub location: Location,
}

impl IpRange {
    /// Number of IPv4 addresses in the range, when both ends are IPv4.
    pub fn ipv4_size(&self) -> Option<u64> {
        let s: std::net::Ipv4Addr = self.start.trim().parse().ok()?;
        let e: std::net::Ipv4Addr = self.end.trim().parse().ok()?;
        let (s, e) = (u32::from(s) as u64, u32::from(e) as u64);
        (e >= s).then(|| e - s + 1)
    }
}

/// A profile (`profiles/<Name>.profile[-meta.xml]`).
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    /// The decoded file name (the profile's API name), e.g. `Admin`,
    /// `Acme Integration`.
    pub name: String,
    /// The label people and connected apps use (`System Administrator` for
    /// `Admin`); `None` when it is the name itself.
    pub label: Option<String>,
    /// `userLicense`.
    pub user_license: Option<Located<String>>,
    pub custom: Option<bool>,
    pub user_permissions: Vec<NamedFlag>,
    pub object_permissions: Vec<ObjectPermission>,
    pub login_ip_ranges: Vec<IpRange>,
    /// The file.
    pub location: Location,
}

impl Profile {
    /// The label (standard profiles) or the name.
    pub fn display_label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// A standard profile (System Administrator, ...): Salesforce does not
    /// let its permissions be edited, and people log in with it. Without
    /// `<custom>`, only System Administrator is known to be one.
    pub fn is_standard(&self) -> bool {
        match self.custom {
            Some(custom) => !custom,
            None => same_profile(&self.name, "Admin"),
        }
    }

    /// True when `name` is this profile's file name or label (either form).
    pub fn matches(&self, name: &str) -> bool {
        same_profile(&self.name, name)
            || self.label.as_deref().is_some_and(|l| same_profile(l, name))
    }

    pub fn has_permission(&self, name: &str) -> bool {
        self.user_permissions
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case(name))
    }

    pub fn permission(&self, name: &str) -> Option<&NamedFlag> {
        self.user_permissions
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// `userLicense` is `Salesforce Integration` (or another integration
    /// license).
    pub fn is_integration_license(&self) -> bool {
        self.user_license
            .as_ref()
            .is_some_and(|l| is_integration_license(&l.value))
    }

    /// The System Administrator profile.
    pub fn is_admin(&self) -> bool {
        self.name.eq_ignore_ascii_case("Admin")
    }
}

/// A permission set (`permissionsets/<Name>.permissionset[-meta.xml]`, or
/// decomposed into `permissionsets/<Name>/...`).
#[derive(Debug, Clone, Serialize)]
pub struct PermissionSet {
    /// Decoded API name (file or folder name).
    pub name: String,
    pub label: Option<String>,
    /// `license`.
    pub license: Option<Located<String>>,
    pub description: Option<String>,
    pub user_permissions: Vec<NamedFlag>,
    pub object_permissions: Vec<ObjectPermission>,
    /// The main file (`X.permissionset-meta.xml`), or the folder's first file
    /// when decomposed without one.
    pub location: Location,
    /// True when read from a decomposed folder.
    pub decomposed: bool,
    /// Every file it was read from (one unless decomposed).
    pub files: Vec<String>,
}

impl PermissionSet {
    pub fn matches(&self, name: &str) -> bool {
        let name = name.trim();
        self.name.eq_ignore_ascii_case(name)
            || self
                .label
                .as_deref()
                .is_some_and(|l| l.trim().eq_ignore_ascii_case(name))
    }

    /// A Salesforce-managed integration permission set (`sfdcInternalInt__*`):
    /// Salesforce's own, never flagged for existing.
    pub fn is_salesforce_managed(&self) -> bool {
        is_salesforce_managed_permission_set(&self.name)
    }

    pub fn has_permission(&self, name: &str) -> bool {
        self.user_permissions
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case(name))
    }
}

/// A muting permission set (`mutingpermissionsets/<Name>.mutingpermissionset[-meta.xml]`):
/// the permissions and object access it lists are removed from its group.
#[derive(Debug, Clone, Serialize)]
pub struct MutingPermissionSet {
    pub name: String,
    pub label: Option<String>,
    /// Permissions muted (listed with `enabled` true).
    pub user_permissions: Vec<NamedFlag>,
    /// Object access muted (flags true are removed).
    pub object_permissions: Vec<ObjectPermission>,
    pub location: Location,
}

/// A permission set group (`permissionsetgroups/<Name>.permissionsetgroup[-meta.xml]`).
#[derive(Debug, Clone, Serialize)]
pub struct PermissionSetGroup {
    pub name: String,
    pub label: Option<String>,
    /// `permissionSets` (API names).
    pub permission_sets: Vec<Located<String>>,
    /// `mutingPermissionSets` (API names).
    pub muting_permission_sets: Vec<Located<String>>,
    pub status: Option<String>,
    pub location: Location,
}

impl PermissionSetGroup {
    pub fn matches(&self, name: &str) -> bool {
        let name = name.trim();
        self.name.eq_ignore_ascii_case(name)
            || self
                .label
                .as_deref()
                .is_some_and(|l| l.trim().eq_ignore_ascii_case(name))
    }
}

/// A connected app (`connectedApps/<Name>.connectedApp[-meta.xml]`).
#[derive(Debug, Clone, Serialize)]
pub struct ConnectedApp {
    /// Decoded file name (API name).
    pub name: String,
    pub label: Option<String>,
    pub contact_email: Option<String>,
    /// The file.
    pub location: Location,
    /// `oauthConfig` merged with `oauthPolicy`; `None` for SAML-only apps.
    pub oauth: Option<ConnectedAppOauth>,
    /// `profileName` entries: profile LABELS (`System Administrator`).
    pub profile_names: Vec<Located<String>>,
    /// `permissionSetName` entries.
    pub permission_set_names: Vec<Located<String>>,
    /// `ipRanges`: ranges that may use the app without further
    /// authentication (they relax, not restrict).
    pub ip_ranges: Vec<IpRange>,
    /// A `samlConfig` element is present.
    pub has_saml: bool,
}

impl ConnectedApp {
    pub fn display_name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// `isAdminApproved` is true: profiles and permission sets apply.
    pub fn is_admin_approved(&self) -> bool {
        self.oauth
            .as_ref()
            .and_then(|o| o.is_admin_approved.as_ref())
            .is_some_and(|v| v.value)
    }

    /// The app has a certificate (JWT bearer possible).
    pub fn has_certificate(&self) -> bool {
        self.oauth.as_ref().is_some_and(|o| o.certificate.is_some())
    }

    pub fn client_credentials_enabled(&self) -> bool {
        self.oauth
            .as_ref()
            .and_then(|o| o.is_client_credential_enabled.as_ref())
            .is_some_and(|v| v.value)
    }
}

/// A boolean OAuth flag as written, for flags without a dedicated field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OauthFlag {
    pub name: String,
    pub value: bool,
    pub location: Location,
}

/// A connected app's `oauthConfig` and `oauthPolicy`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConnectedAppOauth {
    /// The `oauthConfig` element.
    pub location: Location,
    pub callback_url: Option<Located<String>>,
    /// `consumerKey` (an identifier, not a secret; the secret is never retrieved).
    pub consumer_key: Option<Located<String>>,
    /// `certificate`: the base64 DER body or PEM text as written.
    pub certificate: Option<Located<String>>,
    /// `scopes`, one per element (`Full`, `Api`, `RefreshToken`, ...).
    pub scopes: Vec<Located<String>>,
    /// `isAdminApproved` (absent means false).
    pub is_admin_approved: Option<Located<bool>>,
    /// `isClientCredentialEnabled`.
    pub is_client_credential_enabled: Option<Located<bool>>,
    /// `oauthClientCredentialUser`: the run-as user of the client credentials flow.
    pub client_credential_user: Option<Located<String>>,
    /// Other `is*` flags of `oauthConfig` (`isPkceRequired`,
    /// `isConsumerSecretOptional`, `isNamedUserJwtEnabled`, ...).
    pub flags: Vec<OauthFlag>,
    /// `oauthPolicy.ipRelaxation`: `ENFORCE` (default) | `BYPASS_2FACTOR` |
    /// `BYPASS` | `ENFORCE_RELAXREFRESH`.
    pub ip_relaxation: Option<Located<String>>,
    /// `oauthPolicy.refreshTokenPolicy`: `zero` | `infinite` (default) |
    /// `specific_lifetime:<n>:<unit>` | `specific_inactivity:<n>:<unit>`.
    pub refresh_token_policy: Option<Located<String>>,
    /// True when the source cannot tell whether a certificate is uploaded (a
    /// live org: the API does not expose it), so `certificate` being `None`
    /// proves nothing.
    pub certificate_unknown: bool,
}

impl ConnectedAppOauth {
    pub fn flag(&self, name: &str) -> Option<&OauthFlag> {
        self.flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s.is(scope))
    }
}

/// An External Client App and its family of settings and policies files,
/// merged by app name.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExternalClientApp {
    /// The app's API name (`externalClientApplication` of the family files,
    /// or the `.eca` file name).
    pub name: String,
    pub label: Option<String>,
    pub contact_email: Option<String>,
    /// `distributionState`: `Local|Packaged|Managed|AutoInstalled`.
    pub distribution_state: Option<String>,
    /// The `.eca` file; `None` when only other family files were found.
    pub location: Option<Location>,
    /// Every file of the family that was read.
    pub files: Vec<String>,
    /// `.ecaOauth` (ExtlClntAppOauthSettings).
    pub oauth_settings: Option<EcaOauthSettings>,
    /// `.ecaGlblOauth` (ExtlClntAppGlobalOauthSettings).
    pub global_oauth: Option<EcaGlobalOauth>,
    /// `.ecaOauthPlcy` (ExtlClntAppOauthConfigurablePolicies).
    pub oauth_policies: Option<EcaOauthPolicies>,
    /// `.ecaPlcy` (ExtlClntAppConfigurablePolicies).
    pub policies: Option<EcaPolicies>,
    /// True when read from an org, whose API does not say whether a
    /// certificate is uploaded (`global_oauth` being `None` proves nothing).
    pub certificate_unknown: bool,
}

impl ExternalClientApp {
    pub fn display_name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// The best location to cite for the app as a whole.
    pub fn primary_location(&self) -> Location {
        self.location
            .clone()
            .or_else(|| self.oauth_policies.as_ref().map(|p| p.location.clone()))
            .or_else(|| self.global_oauth.as_ref().map(|p| p.location.clone()))
            .or_else(|| self.oauth_settings.as_ref().map(|p| p.location.clone()))
            .or_else(|| self.policies.as_ref().map(|p| p.location.clone()))
            .unwrap_or_else(|| Location::file(self.files.first().cloned().unwrap_or_default()))
    }

    pub fn has_certificate(&self) -> bool {
        self.global_oauth
            .as_ref()
            .is_some_and(|g| g.certificate.is_some())
    }

    /// Client credentials flow enabled in the global settings or the policies.
    pub fn client_credentials_enabled(&self) -> bool {
        let g = self
            .global_oauth
            .as_ref()
            .and_then(|g| g.is_client_credentials_flow_enabled.as_ref())
            .is_some_and(|v| v.value);
        let p = self
            .oauth_policies
            .as_ref()
            .and_then(|p| p.is_client_credentials_flow_enabled.as_ref())
            .is_some_and(|v| v.value);
        g || p
    }

    /// `permittedUsersPolicyType` is `AdminApprovedPreAuthorized`.
    pub fn is_admin_approved(&self) -> bool {
        self.oauth_policies
            .as_ref()
            .and_then(|p| p.permitted_users_policy_type.as_ref())
            .is_some_and(|v| v.is("AdminApprovedPreAuthorized"))
    }
}

/// `ExtlClntAppOauthSettings`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EcaOauthSettings {
    pub location: Location,
    /// `commaSeparatedOauthScopes`, split and trimmed; each at the element.
    pub scopes: Vec<Located<String>>,
    /// `trustedIpRanges`.
    pub trusted_ip_ranges: Vec<IpRange>,
}

/// `ExtlClntAppGlobalOauthSettings`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EcaGlobalOauth {
    pub location: Location,
    pub callback_url: Option<Located<String>>,
    /// `certificate` (enables JWT bearer).
    pub certificate: Option<Located<String>>,
    pub consumer_key: Option<Located<String>>,
    /// Where a non-empty `consumerSecret` is written. The value itself is
    /// never kept.
    pub consumer_secret: Option<Location>,
    pub is_client_credentials_flow_enabled: Option<Located<bool>>,
    /// Other boolean settings (`isPkceRequired`, `isConsumerSecretOptional`,
    /// `shouldRotateConsumerKey`, ...).
    pub flags: Vec<OauthFlag>,
}

impl EcaGlobalOauth {
    pub fn has_consumer_secret(&self) -> bool {
        self.consumer_secret.is_some()
    }

    pub fn flag(&self, name: &str) -> Option<&OauthFlag> {
        self.flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

/// `ExtlClntAppOauthConfigurablePolicies`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EcaOauthPolicies {
    pub location: Location,
    /// `Enforce|Bypass|Bypass_2factor|Enforce_RelaxRefresh` (mixed case).
    pub ip_relaxation_policy_type: Option<Located<String>>,
    /// `AdminApprovedPreAuthorized|AllSelfAuthorized`.
    pub permitted_users_policy_type: Option<Located<String>>,
    /// `commaSeparatedProfile`, split and trimmed (profile names as written).
    pub profiles: Vec<Located<String>>,
    /// `commaSeparatedPermissionSet`, split and trimmed.
    pub permission_sets: Vec<Located<String>>,
    /// `Infinite|SpecificInactivity|SpecificLifetime|Zero`.
    pub refresh_token_policy_type: Option<Located<String>>,
    pub refresh_token_validity_period: Option<Located<String>>,
    pub refresh_token_validity_unit: Option<Located<String>>,
    pub is_client_credentials_flow_enabled: Option<Located<bool>>,
    /// `clientCredentialsFlowUser`: the run-as user.
    pub client_credentials_flow_user: Option<Located<String>>,
    /// `HIGH_ASSURANCE|LOW|STANDARD`.
    pub required_session_level: Option<Located<String>>,
    pub session_timeout_in_minutes: Option<Located<String>>,
}

/// `ExtlClntAppConfigurablePolicies`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EcaPolicies {
    pub location: Location,
    pub is_enabled: Option<Located<bool>>,
    pub is_oauth_plugin_enabled: Option<Located<bool>>,
}

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
}

// ---------------------------------------------------------------------------
// Profile labels and file names.

/// Standard profiles whose file name differs from their label:
/// `(label, file name)`.
pub const STANDARD_PROFILE_LABELS: &[(&str, &str)] = &[
    ("System Administrator", "Admin"),
    ("Standard User", "Standard"),
    ("Standard Platform User", "StandardAul"),
    ("Read Only", "ReadOnly"),
    ("Contract Manager", "ContractManager"),
    ("Marketing User", "MarketingProfile"),
    ("Solution Manager", "SolutionManager"),
    (
        "Minimum Access - API Only Integrations",
        "Minimum Access - API Only Integrations",
    ),
];

/// The label of the standard integration profile.
pub const STANDARD_INTEGRATION_PROFILE: &str = "Minimum Access - API Only Integrations";

/// The file name (API name) of a profile given its label: `System
/// Administrator` -> `Admin`; other labels are their own file names.
pub fn profile_file_name(label: &str) -> &str {
    let label = label.trim();
    STANDARD_PROFILE_LABELS
        .iter()
        .find(|(l, _)| l.eq_ignore_ascii_case(label))
        .map(|(_, f)| *f)
        .unwrap_or(label)
}

/// The label of a profile given its file name: `Admin` -> `System
/// Administrator`; other names are their own labels.
pub fn profile_label(file_name: &str) -> &str {
    let name = file_name.trim();
    STANDARD_PROFILE_LABELS
        .iter()
        .find(|(_, f)| f.eq_ignore_ascii_case(name))
        .map(|(l, _)| *l)
        .unwrap_or(name)
}

/// True when two profile references (labels or file names) name the same
/// profile.
pub fn same_profile(a: &str, b: &str) -> bool {
    profile_file_name(a).eq_ignore_ascii_case(profile_file_name(b))
}

/// Profiles that are broad audiences (everyone of a kind holds them): an
/// app pre-authorized for them reaches many users.
pub fn is_broad_profile(name: &str) -> bool {
    const BROAD: &[&str] = &[
        "Admin",
        "Standard",
        "StandardAul",
        "ReadOnly",
        "ContractManager",
        "MarketingProfile",
        "SolutionManager",
    ];
    let file = profile_file_name(name);
    BROAD.iter().any(|b| b.eq_ignore_ascii_case(file))
}

/// User licenses meant for integration users.
pub fn is_integration_license(license: &str) -> bool {
    let l = license.trim();
    l.eq_ignore_ascii_case("Salesforce Integration")
        || l.eq_ignore_ascii_case("Cloud Integration User")
        || l.to_ascii_lowercase().ends_with("integration user")
}

/// `sfdcInternalInt__*`: Salesforce-managed integration permission sets.
pub fn is_salesforce_managed_permission_set(name: &str) -> bool {
    name.trim()
        .get(..17)
        .is_some_and(|p| p.eq_ignore_ascii_case("sfdcInternalInt__"))
}

// ---------------------------------------------------------------------------
// Dangerous permissions.

/// Why a permission is dangerous on an integration user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PermissionCategory {
    /// Admin-grade: the holder can do or grant anything (critical).
    SuperPower,
    /// Changes the org's security configuration (high).
    SecurityConfiguration,
    /// Takes data out in bulk or covers tracks (high).
    DataExfiltration,
    /// Weakens the credential (`PasswordNeverExpires`) (medium).
    CredentialHygiene,
    /// Bypasses API Access Control (`UseAnyApiClient`) (medium).
    ApiAccess,
}

impl PermissionCategory {
    /// IG302's default severity for the category.
    pub fn severity(self) -> Severity {
        match self {
            PermissionCategory::SuperPower => Severity::Critical,
            PermissionCategory::SecurityConfiguration | PermissionCategory::DataExfiltration => {
                Severity::High
            }
            PermissionCategory::CredentialHygiene | PermissionCategory::ApiAccess => {
                Severity::Medium
            }
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            PermissionCategory::SuperPower => "super power",
            PermissionCategory::SecurityConfiguration => "security configuration",
            PermissionCategory::DataExfiltration => "data exfiltration",
            PermissionCategory::CredentialHygiene => "credential hygiene",
            PermissionCategory::ApiAccess => "API access control bypass",
        }
    }
}

/// Dangerous `userPermissions` by category (names as in metadata).
pub const DANGEROUS_PERMISSIONS: &[(&str, PermissionCategory)] = &[
    ("ModifyAllData", PermissionCategory::SuperPower),
    ("ViewAllData", PermissionCategory::SuperPower),
    ("ModifyMetadata", PermissionCategory::SuperPower),
    ("CustomizeApplication", PermissionCategory::SuperPower),
    ("AuthorApex", PermissionCategory::SuperPower),
    ("ManageUsers", PermissionCategory::SuperPower),
    ("ManageInternalUsers", PermissionCategory::SuperPower),
    (
        "ManageProfilesPermissionsets",
        PermissionCategory::SuperPower,
    ),
    ("AssignPermissionSets", PermissionCategory::SuperPower),
    ("ResetPasswords", PermissionCategory::SuperPower),
    ("ManageSharing", PermissionCategory::SuperPower),
    ("ManageRoles", PermissionCategory::SuperPower),
    ("ViewAllUsers", PermissionCategory::SuperPower),
    (
        "ManagePasswordPolicies",
        PermissionCategory::SecurityConfiguration,
    ),
    (
        "ManageIpAddresses",
        PermissionCategory::SecurityConfiguration,
    ),
    (
        "ManageLoginAccessPolicies",
        PermissionCategory::SecurityConfiguration,
    ),
    (
        "ManageAuthProviders",
        PermissionCategory::SecurityConfiguration,
    ),
    (
        "ManageCertificates",
        PermissionCategory::SecurityConfiguration,
    ),
    (
        "ManageRemoteAccess",
        PermissionCategory::SecurityConfiguration,
    ),
    ("FreezeUsers", PermissionCategory::SecurityConfiguration),
    (
        "BypassMFAForUiLogins",
        PermissionCategory::SecurityConfiguration,
    ),
    ("DataExport", PermissionCategory::DataExfiltration),
    ("ExportReport", PermissionCategory::DataExfiltration),
    ("BulkApiHardDelete", PermissionCategory::DataExfiltration),
    ("ViewEventLogFiles", PermissionCategory::DataExfiltration),
    (
        "PasswordNeverExpires",
        PermissionCategory::CredentialHygiene,
    ),
    ("UseAnyApiClient", PermissionCategory::ApiAccess),
];

/// The category of a dangerous permission (case-insensitive), `None` for
/// the others.
pub fn permission_category(name: &str) -> Option<PermissionCategory> {
    let name = name.trim();
    DANGEROUS_PERMISSIONS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, c)| *c)
}

/// The "Enforce SSL/TLS Mutual Authentication" permission. Its API name is
/// not verified: any permission whose name mentions `mutual`, `tls` or `ssl`
/// (case-insensitive) is taken for it.
pub fn is_mutual_tls_permission(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("mutual") || n.contains("tls") || n.contains("ssl")
}

// ---------------------------------------------------------------------------
// Object access flags (shared by the identity graph).

/// The six object access flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AccessFlags {
    pub read: bool,
    pub create: bool,
    pub edit: bool,
    pub delete: bool,
    pub view_all: bool,
    pub modify_all: bool,
}

impl AccessFlags {
    /// Read, create, edit and delete: all but the record-wide flags.
    pub fn crud() -> AccessFlags {
        AccessFlags {
            read: true,
            create: true,
            edit: true,
            delete: true,
            ..AccessFlags::default()
        }
    }

    pub fn any(&self) -> bool {
        self.read || self.create || self.edit || self.delete || self.view_all || self.modify_all
    }

    pub fn union(self, o: AccessFlags) -> AccessFlags {
        AccessFlags {
            read: self.read || o.read,
            create: self.create || o.create,
            edit: self.edit || o.edit,
            delete: self.delete || o.delete,
            view_all: self.view_all || o.view_all,
            modify_all: self.modify_all || o.modify_all,
        }
    }

    /// `self` without what `o` grants (muting).
    pub fn minus(self, o: AccessFlags) -> AccessFlags {
        AccessFlags {
            read: self.read && !o.read,
            create: self.create && !o.create,
            edit: self.edit && !o.edit,
            delete: self.delete && !o.delete,
            view_all: self.view_all && !o.view_all,
            modify_all: self.modify_all && !o.modify_all,
        }
    }

    /// Each flag that is set, as (Setup's label, the `objectPermissions`
    /// element): `("Read", "allowRead")`, ...
    fn granted(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        [
            (self.read, "Read", "allowRead"),
            (self.create, "Create", "allowCreate"),
            (self.edit, "Edit", "allowEdit"),
            (self.delete, "Delete", "allowDelete"),
            (self.view_all, "View All", "viewAllRecords"),
            (self.modify_all, "Modify All", "modifyAllRecords"),
        ]
        .into_iter()
        .filter_map(|(on, label, element)| on.then_some((label, element)))
    }

    /// `Read, Create, Edit` (the granted ones), or `none`.
    pub fn describe(&self) -> String {
        let parts: Vec<&str> = self.granted().map(|(label, _)| label).collect();
        if parts.is_empty() {
            "none".to_string()
        } else {
            parts.join(", ")
        }
    }

    /// The metadata elements of the flags that are set: `allowEdit`,
    /// `viewAllRecords`, ...
    pub fn element_names(&self) -> Vec<&'static str> {
        self.granted().map(|(_, element)| element).collect()
    }
}

impl From<&ObjectPermission> for AccessFlags {
    fn from(p: &ObjectPermission) -> Self {
        AccessFlags {
            read: p.read,
            create: p.create,
            edit: p.edit,
            delete: p.delete,
            view_all: p.view_all,
            modify_all: p.modify_all,
        }
    }
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

    /// A profile by file name or label.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.matches(name))
    }

    pub fn permission_set(&self, name: &str) -> Option<&PermissionSet> {
        self.permission_sets.iter().find(|p| p.matches(name))
    }

    pub fn muting_permission_set(&self, name: &str) -> Option<&MutingPermissionSet> {
        let name = name.trim();
        self.muting_permission_sets
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    pub fn permission_set_group(&self, name: &str) -> Option<&PermissionSetGroup> {
        self.permission_set_groups.iter().find(|p| p.matches(name))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_and_file_name_mapping() {
        assert_eq!(profile_file_name("System Administrator"), "Admin");
        assert_eq!(profile_file_name("system administrator"), "Admin");
        assert_eq!(profile_file_name("Standard User"), "Standard");
        assert_eq!(profile_file_name("Standard Platform User"), "StandardAul");
        assert_eq!(profile_file_name("Read Only"), "ReadOnly");
        assert_eq!(profile_file_name("Contract Manager"), "ContractManager");
        assert_eq!(profile_file_name("Marketing User"), "MarketingProfile");
        assert_eq!(profile_file_name("Solution Manager"), "SolutionManager");
        assert_eq!(
            profile_file_name(STANDARD_INTEGRATION_PROFILE),
            STANDARD_INTEGRATION_PROFILE
        );
        assert_eq!(profile_file_name("Acme Integration"), "Acme Integration");
        assert_eq!(profile_label("Admin"), "System Administrator");
        assert_eq!(profile_label("StandardAul"), "Standard Platform User");
        assert_eq!(profile_label("Acme Integration"), "Acme Integration");
        assert!(same_profile("Admin", "System Administrator"));
        assert!(same_profile("System Administrator", "admin"));
        assert!(!same_profile("Standard", "System Administrator"));
        assert!(is_broad_profile("System Administrator"));
        assert!(!is_broad_profile(STANDARD_INTEGRATION_PROFILE));
    }

    #[test]
    fn tiers() {
        assert_eq!(
            permission_category("modifyalldata").map(PermissionCategory::severity),
            Some(Severity::Critical)
        );
        assert_eq!(
            permission_category("ManageCertificates").map(PermissionCategory::severity),
            Some(Severity::High)
        );
        assert_eq!(
            permission_category("DataExport").map(PermissionCategory::severity),
            Some(Severity::High)
        );
        assert_eq!(
            permission_category("UseAnyApiClient").map(PermissionCategory::severity),
            Some(Severity::Medium)
        );
        assert_eq!(permission_category("ApiEnabled"), None);
        assert!(is_salesforce_managed_permission_set(
            "sfdcInternalInt__sfdc_scrt2"
        ));
        assert!(!is_salesforce_managed_permission_set("sfdcInternal"));
        assert!(is_integration_license("Salesforce Integration"));
        assert!(!is_integration_license("Salesforce"));
    }

    #[test]
    fn access_flags() {
        let a = AccessFlags {
            read: true,
            edit: true,
            modify_all: true,
            ..AccessFlags::default()
        };
        let m = AccessFlags {
            modify_all: true,
            ..AccessFlags::default()
        };
        assert_eq!(a.minus(m).describe(), "Read, Edit");
        assert_eq!(AccessFlags::default().describe(), "none");
        let r = IpRange {
            start: "0.0.0.0".into(),
            end: "255.255.255.255".into(),
            description: None,
            location: Location::file("x"),
        };
        assert_eq!(r.ipv4_size(), Some(1 << 32));
    }
}
