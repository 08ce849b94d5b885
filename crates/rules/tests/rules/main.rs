//! The rules crate's integration tests, one module per rule (plus the identity
//! and org families), built as one test binary: two dozen separate binaries each
//! linked the whole dependency tree again.

mod common;
mod docs;
mod org;

mod fix_paths;
mod identity_rules;
mod identity_rules_org;
mod ig101_password_auth;
mod ig102_plaintext_secret;
mod ig103_committed_encryption_key;
mod ig104_decryptable_secret;
mod ig105_committed_private_key;
mod ig106_salesforce_token;
mod ig107_secure_property_exposed;
mod ig108_weak_property_encryption;
mod ig109_plain_http;
mod ig110_tls_verification_off;
mod ig112_certificate_health;
mod ig201_ip_restrictions_relaxed;
mod ig202_no_login_ip_ranges;
mod ig203_not_admin_approved;
mod ig206_no_mutual_tls;
mod ig207_password_flows_allowed;
mod ig208_broad_oauth_scope;
mod ig209_no_certificate_auth;
mod ig210_session_ip_lock_off;
mod ig301_admin_integration_user;
mod ig302_dangerous_permission;
mod ig303_shared_integration_user;
mod ig304_excess_object_access;
mod ig305_broad_app_audience;
mod munit;
mod org_rules;
