pub mod identities;
pub mod keys;
pub mod rule;
pub mod scan;
pub mod token;
