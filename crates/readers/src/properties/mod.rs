//! Property files (YAML and `.properties`) and how imports select them.

pub(crate) mod environments;
pub(crate) mod java_properties;
pub(crate) mod keyed_environments;
pub(crate) mod value_parts;
pub(crate) mod yaml;
pub(crate) mod yaml_fast;
