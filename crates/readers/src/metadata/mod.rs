//! Salesforce metadata: SFDX source format and Metadata API format projects,
//! and `sf org create user` definition files.
//!
//! - Projects: `sfdx-project.json` (every `packageDirectories[].path`) and
//!   Metadata API `package.xml` folders (a `package.xml` inside an SFDX
//!   project is a manifest, not a source folder).
//! - Files: SFDX `<Name>.<suffix>-meta.xml` files are recognized by their
//!   suffix wherever they are; Metadata API `<Name>.<suffix>` files in their
//!   type's folder under a `package.xml` folder. File names are URL-decoded
//!   (`System Admin%28Without Super Access%29` is `System Admin(Without Super
//!   Access)`).
//! - Decomposed permission sets (`permissionsets/X/X.permissionset-meta.xml`,
//!   `permissionsets/X/X.<part>-meta.xml`,
//!   `permissionsets/X/objectSettings/<Object>.objectSettings-meta.xml`) are
//!   merged into one permission set; External Client App families (`.eca`,
//!   `.ecaOauth`, `.ecaGlblOauth`, `.ecaOauthPlcy`, `.ecaPlcy`) into one app.
//! - Every file is streamed ([`xml`]); nothing keeps a whole file's tree.
//!
//! Diagnostic codes: `xml-syntax`, `json-syntax`, `metadata-root` (a file
//! whose root element is not its type's), `metadata-value` (a boolean or
//! number that is neither, an IP range Salesforce rejects),
//! `metadata-project` (a package directory that does not exist),
//! `metadata-duplicate` (a profile or permission set defined again in the
//! same project, e.g. in a second package directory: the copy is ignored;
//! the copy read is the one `sf` deploys, in the default package directory
//! first, one outside every package directory last).
//!
//! Layout: `classify` tells a metadata file's type and name from its path;
//! `items` reads one such file (with a reader of [`types`]) into the
//! [`Item`] it contributes; `user_definitions` reads the JSON user
//! definition files; `projects` finds the SFDX and Metadata API projects;
//! `assemble` merges every file's items into the inventory's
//! `SalesforceMetadata`.

mod assemble;
mod classify;
mod items;
mod projects;
pub(crate) mod types;
mod user_definitions;
pub(crate) mod xml;

pub(crate) use assemble::assemble;
pub(crate) use classify::{classify, may_grant_object_access, Classified};
pub(crate) use items::{read_file, Item};
pub(crate) use projects::projects;
pub(crate) use user_definitions::{may_be_user_definition, read_user_definition};
