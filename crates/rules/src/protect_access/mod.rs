//! Practice 2: protect access with those credentials (IG2xx).

mod ig206_no_mutual_tls;

use crate::Rule;

pub(crate) static RULES: &[&dyn Rule] = &[&ig206_no_mutual_tls::NoMutualTls];
