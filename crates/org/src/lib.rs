//! # intguard-org
//!
//! The org reader of intguard's one-way flow: reads a live Salesforce org
//! (read-only: GETs and composite POSTs of GETs, see [`client`]) with a
//! constant number of API calls plus paging ([`read`]) into a versioned
//! [`OrgSnapshot`] that holds no secret ([`snapshot`]), and turns a snapshot
//! into the Inventory the rules read ([`convert`]). It knows nothing about
//! rules beyond naming, in "not read" markers, the rules that lacked data.

pub mod client;
pub mod convert;
pub mod read;
pub mod snapshot;
pub mod time;

pub use client::{GetRequest, OrgClient, OrgError, RetryPolicy};
pub use convert::{apply, join, note_identities};
pub use read::{read_org, Progress, ReadOptions};
pub use snapshot::{OrgSnapshot, PartialRead, SnapshotError, SNAPSHOT_FORMAT, SNAPSHOT_VERSION};
