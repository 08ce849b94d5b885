//! Practice 3: minimize the damage (IG3xx).

mod ig303_shared_integration_user;

use crate::Rule;

pub(crate) static RULES: &[&dyn Rule] = &[&ig303_shared_integration_user::SharedIntegrationUser];
