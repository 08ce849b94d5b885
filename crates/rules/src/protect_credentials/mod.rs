//! Practice 1: protect the credentials (IG1xx).

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
mod ig111_weak_password_policy;
mod ig112_certificate_health;
mod ig113_stale_password;
mod store_refs;

pub(crate) use ig102_plaintext_secret::reads_plugin_config as judged_with_plugin_configs;
pub(crate) use ig103_committed_encryption_key::key_facts;
pub use ig103_committed_encryption_key::where_key_is_committed;
pub(crate) use ig103_committed_encryption_key::{
    config_key_names, is_committed_value, is_key_name, names_match,
};
pub(crate) use ig104_decryptable_secret::secret_facts;
pub(crate) use store_refs::store_refs;

use crate::Rule;

pub(crate) static RULES: &[&dyn Rule] = &[
    &ig101_password_auth::PasswordAuth,
    &ig102_plaintext_secret::PlaintextSecret,
    &ig103_committed_encryption_key::CommittedEncryptionKey,
    &ig104_decryptable_secret::DecryptableSecret,
    &ig105_committed_private_key::CommittedPrivateKey,
    &ig106_salesforce_token::SalesforceToken,
    &ig107_secure_property_exposed::SecurePropertyExposed,
    &ig108_weak_property_encryption::WeakPropertyEncryption,
    &ig109_plain_http::PlainHttp,
    &ig110_tls_verification_off::TlsVerificationOff,
    &ig111_weak_password_policy::WeakPasswordPolicy,
    &ig112_certificate_health::CertificateHealth,
    &ig113_stale_password::StalePassword,
];
