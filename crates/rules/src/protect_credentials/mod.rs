//! Practice 1: protect the credentials (IG1xx).

mod ig101_password_auth;

use crate::Rule;

pub(crate) static RULES: &[&dyn Rule] = &[&ig101_password_auth::PasswordAuth];
