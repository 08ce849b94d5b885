//! Practice 3: minimize the damage (IG3xx).

mod ig301_admin_integration_user;
mod ig302_dangerous_permission;
mod ig303_shared_integration_user;
mod ig304_excess_object_access;
mod ig305_broad_app_audience;
mod ig306_dormant_integration_access;

use crate::Rule;

pub(crate) static RULES: &[&dyn Rule] = &[
    &ig301_admin_integration_user::AdminIntegrationUser,
    &ig302_dangerous_permission::DangerousPermission,
    &ig303_shared_integration_user::SharedIntegrationUser,
    &ig304_excess_object_access::ExcessObjectAccess,
    &ig305_broad_app_audience::BroadAppAudience,
    &ig306_dormant_integration_access::DormantIntegrationAccess,
];
