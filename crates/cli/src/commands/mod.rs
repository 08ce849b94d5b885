pub mod rule;
pub mod scan;
