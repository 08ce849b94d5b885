//! Practice 2: protect access with those credentials (IG2xx).

mod ig201_ip_restrictions_relaxed;
mod ig202_no_login_ip_ranges;
mod ig203_not_admin_approved;
mod ig204_api_access_control_off;
mod ig205_not_api_only;
mod ig206_no_mutual_tls;
mod ig207_password_flows_allowed;
mod ig208_broad_oauth_scope;
mod ig209_no_certificate_auth;
mod ig210_session_ip_lock_off;
mod ig211_health_check_risk;

pub(crate) use ig206_no_mutual_tls::presents_certificate_on_8443;

use crate::Rule;

pub(crate) static RULES: &[&dyn Rule] = &[
    &ig201_ip_restrictions_relaxed::IpRestrictionsRelaxed,
    &ig202_no_login_ip_ranges::NoLoginIpRanges,
    &ig203_not_admin_approved::NotAdminApproved,
    &ig204_api_access_control_off::ApiAccessControlOff,
    &ig205_not_api_only::NotApiOnly,
    &ig206_no_mutual_tls::NoMutualTls,
    &ig207_password_flows_allowed::PasswordFlowsAllowed,
    &ig208_broad_oauth_scope::BroadOauthScope,
    &ig209_no_certificate_auth::NoCertificateAuth,
    &ig210_session_ip_lock_off::SessionIpLockOff,
    &ig211_health_check_risk::HealthCheckRisk,
];
