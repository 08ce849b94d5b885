//! What each app's Salesforce operations use, per connection config: the
//! "use" side of the identity graph (see [`super::build`]), digested from the
//! operations so that a streaming reader can drop them (their SOQL text is
//! most of an app's facts) as soon as the app is read.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::location::Location;
use crate::soql::{self, ObjectRefKind};

use super::graph::{ObjectOperation, ObjectUse};
use super::mule::{MuleApp, SalesforceOperation};

/// One connection config's uses, sorted by object, shared by the identities
/// that have only that (app, config) pair.
pub type SharedUses = Arc<[ObjectUse]>;

impl MuleApp {
    /// Replaces [`MuleApp::operations`] by what the operations bound to each
    /// of the app's connection configs use ([`MuleApp::object_uses`]).
    /// Idempotent: an app without operations keeps its digest.
    pub fn digest_operations(&mut self) {
        if self.operations.is_empty() {
            return;
        }
        let parsed: Vec<Option<soql::SoqlQuery>> = self
            .operations
            .iter()
            .map(|op| op.soql.as_deref().and_then(|q| soql::parse(q).ok()))
            .collect();
        let mut configs: Vec<&str> = Vec::new();
        for c in &self.salesforce_connections {
            if !configs.contains(&c.config_name.as_str()) {
                configs.push(c.config_name.as_str());
            }
        }
        let digest: Vec<(String, SharedUses)> = configs
            .iter()
            .map(|config| {
                // Held until the rules are done: no spare capacity.
                let uses: SharedUses = pair_uses(self, config, &parsed)
                    .into_values()
                    .map(ObjectUse::packed)
                    .collect();
                (config.to_string(), uses)
            })
            .collect();
        self.object_uses = digest;
        self.operations = Vec::new();
    }

    /// What the operations bound to connection config `config_name` use
    /// (after [`MuleApp::digest_operations`]).
    pub fn uses_of_config(&self, config_name: &str) -> Option<&SharedUses> {
        self.object_uses
            .iter()
            .find(|(c, _)| c == config_name)
            .map(|(_, u)| u)
    }
}

/// Digests every app's operations, apps spread over the cores.
pub(super) fn digest_all(apps: &mut [MuleApp]) {
    apps.par_iter_mut().for_each(MuleApp::digest_operations);
}

/// What a Salesforce operation element does.
pub(super) fn operation_kind(op: &SalesforceOperation) -> ObjectOperation {
    if let Some(b) = &op.bulk_operation {
        let b = b.trim().to_ascii_lowercase();
        return match b.as_str() {
            "insert" | "create" => ObjectOperation::Create,
            "update" => ObjectOperation::Edit,
            "upsert" => ObjectOperation::Upsert,
            "delete" | "harddelete" | "hard_delete" => ObjectOperation::Delete,
            "query" | "queryall" | "query_all" => ObjectOperation::Read,
            _ => ObjectOperation::Other,
        };
    }
    let local = op
        .element
        .rsplit_once(':')
        .map_or(op.element.as_str(), |(_, l)| l)
        .to_ascii_lowercase();
    let l = local.as_str();
    if l.contains("upsert") {
        ObjectOperation::Upsert
    } else if l.contains("delete") && !l.contains("listener") && !l.contains("deleted") {
        ObjectOperation::Delete
    } else if l.starts_with("create") || l.contains("insert") {
        ObjectOperation::Create
    } else if l.starts_with("update") || l == "merge" || l.starts_with("undelete") {
        ObjectOperation::Edit
    } else if l.starts_with("query")
        || l.starts_with("retrieve")
        || l.starts_with("search")
        || l.starts_with("get-")
        || l.starts_with("describe")
        || l.contains("listener")
        || l.starts_with("subscribe")
        || l.starts_with("replay")
        || l.starts_with("find")
    {
        ObjectOperation::Read
    } else {
        ObjectOperation::Other
    }
}

/// The objects one connection config of one app uses, keyed by lower-case
/// object name.
pub(super) type PairUses = BTreeMap<String, ObjectUse>;

/// The objects the operations bound to `config_name` in `app` use.
fn pair_uses(
    app: &MuleApp,
    config_name: &str,
    parsed_soql: &[Option<soql::SoqlQuery>],
) -> PairUses {
    let mut out = PairUses::new();
    let mut add =
        |object: &str, op: ObjectOperation, inferred: bool, rels: &[String], at: &Location| {
            if object.trim().is_empty() || object.contains("${") || object.contains("#[") {
                return;
            }
            let e = out
                .entry(object.to_lowercase())
                .or_insert_with(|| ObjectUse {
                    object: object.to_string(),
                    operations: Vec::new(),
                    relationships: Vec::new(),
                    inferred,
                    locations: Vec::new(),
                    apps: vec![app.name.clone()],
                });
            merge_use_parts(e, inferred, &[op], rels, std::slice::from_ref(at), &[]);
        };
    let single = app.salesforce_connections.len() == 1;
    for (op, parsed) in app.operations.iter().zip(parsed_soql) {
        if app.is_test_path(&op.location.path) {
            continue;
        }
        let bound = match &op.config_ref {
            Some(r) => r == config_name,
            None => single,
        };
        if !bound {
            continue;
        }
        let kind = operation_kind(op);
        if let Some(t) = &op.object_type {
            add(t.trim(), kind, false, &[], &op.location);
        }
        let Some(parsed) = parsed else { continue };
        let read_kind = if parsed.for_update {
            ObjectOperation::Edit
        } else {
            ObjectOperation::Read
        };
        for r in parsed.object_refs() {
            let Some(obj) = r.object() else { continue };
            match r.kind {
                ObjectRefKind::From => {
                    let rels = if r.name.eq_ignore_ascii_case(&parsed.object) {
                        parsed.relationships.clone()
                    } else {
                        Vec::new()
                    };
                    add(&obj, ObjectOperation::Read, false, &rels, &op.location);
                    if parsed.for_update && r.name.eq_ignore_ascii_case(&parsed.object) {
                        add(&obj, read_kind, false, &[], &op.location);
                    }
                }
                ObjectRefKind::Typeof => add(&obj, ObjectOperation::Read, false, &[], &op.location),
                ObjectRefKind::ChildRelationship | ObjectRefKind::ParentRelationship => {
                    add(&obj, ObjectOperation::Read, true, &[], &op.location)
                }
            }
        }
    }
    out
}

/// Adds to `e` what one more use brings, keeping first-seen order (and the
/// operations sorted).
pub(super) fn merge_use_parts(
    e: &mut ObjectUse,
    inferred: bool,
    operations: &[ObjectOperation],
    relationships: &[String],
    locations: &[Location],
    apps: &[String],
) {
    e.inferred &= inferred;
    for op in operations {
        if !e.operations.contains(op) {
            e.operations.push(*op);
            e.operations.sort();
        }
    }
    for r in relationships {
        if !e.relationships.contains(r) {
            e.relationships.push(r.clone());
        }
    }
    for at in locations {
        if !e.locations.contains(at) {
            e.locations.push(at.clone());
        }
    }
    for a in apps {
        if !e.apps.contains(a) {
            e.apps.push(a.clone());
        }
    }
}
