pub mod fix;
pub mod identities;
mod inputs;
pub mod keys;
pub mod org;
pub mod rule;
pub mod scan;
pub mod secure_props;
pub mod token;
