//! Practice 2: protect access with those credentials (IG2xx).

use crate::Rule;

pub(crate) static RULES: &[&dyn Rule] = &[];
