//! Apps that reach the org over OAuth: connected apps and External Client
//! Apps (each merged from its family of settings and policies files).

use serde::Serialize;

use crate::location::Location;

use super::{IpRange, Located};

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

    /// Its profiles and permission sets pre-authorize anyone: only when
    /// admin approved; an app all users may self-authorize ignores them
    /// (IG203 reports it).
    pub fn lists_pre_authorize(&self) -> bool {
        self.is_admin_approved()
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

    /// Its selected profiles and permission sets pre-authorize anyone:
    /// unless its policy says all users may self-authorize
    /// (`permittedUsersPolicyType` `AllSelfAuthorized`, which IG203
    /// reports), when they are ignored.
    pub fn lists_pre_authorize(&self) -> bool {
        !self
            .oauth_policies
            .as_ref()
            .and_then(|p| p.permitted_users_policy_type.as_ref())
            .is_some_and(|v| v.is("AllSelfAuthorized"))
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
