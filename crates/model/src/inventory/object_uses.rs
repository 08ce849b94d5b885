//! What each app's Salesforce operations use, per connection config: the
//! "use" side of the identity graph (see [`super::build`]), digested from the
//! operations so that a streaming reader can drop them (their SOQL text is
//! most of an app's facts) as soon as the app is read.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;
use thin_vec::ThinVec;

use crate::location::Location;
use crate::soql::{self, ObjectRefKind};

use super::graph::{
    ObjectOperation, ObjectUse, PayloadWrites, UnknownUse, UnknownUseReason, UnreadWrite,
    WrittenField,
};
use super::mule::{HttpRequester, MuleApp, RequestConfigs, SalesforceOperation};
use crate::expr::Value;

/// One connection config's uses, sorted by object, shared by the identities
/// that have only that (app, config) pair.
pub type SharedUses = Arc<[ObjectUse]>;

impl MuleApp {
    /// A `soql-unread` warning at each literal SOQL query of the app
    /// intguard could not read (each once, however many configs list it):
    /// what it uses is unknown, and the least-privilege checks assume it
    /// may read any object. (A query built by an expression is the app's
    /// choice, not a reading failure: `intguard identities` lists those.)
    pub fn unread_query_warnings(&self, out: &mut Vec<crate::finding::Diagnostic>) {
        let mut seen: HashSet<&Location> = HashSet::new();
        for (_, u) in &self.unknown_uses {
            if u.reason != UnknownUseReason::UnreadQuery || !seen.insert(&u.location) {
                continue;
            }
            out.push(
                crate::finding::Diagnostic::warning(
                    "soql-unread",
                    u.location.path.as_str(),
                    "intguard cannot read this SOQL query: the objects it uses are unknown, so \
                     excess object access (IG304) is not reported for what it does on any object",
                )
                .at(u.location.line, u.location.column),
            );
        }
    }

    /// Drops the `<http:request>` operations that reach no Salesforce host in
    /// any environment, before the app's rules read them: IG101 reads only
    /// those that may (a login by hand), each one's texts resolved in every
    /// environment (the bench corpus has 49,638 requests). A host that does
    /// not resolve may be Salesforce's: kept. Requests sending credentials in headers, query
    /// parameters or body fields (their own `<http:body>`, or the payload
    /// set before them), through a config that authenticates them, or to a
    /// token path (`/oauth2/token`) are kept too (IG102, IG109 read them),
    /// without the texts only IG101 reads.
    pub fn digest_http_requests(&mut self) {
        if self.http_request_operations.is_empty() {
            return;
        }
        let configs = RequestConfigs::new(&self.http_requests);
        let keep: Vec<bool> = self
            .http_request_operations
            .iter()
            .map(|op| {
                !op.credentials.is_empty()
                    || configs.of(op).is_some_and(|c| c.authentication.is_some())
                    || op.path.as_ref().is_some_and(|p| {
                        crate::vocab::names_a_token_endpoint(&p.raw)
                            || (p.raw.contains("${")
                                && !config_is_https(configs.of(op))
                                && self.resolve_all(p).iter().any(|r| {
                                    r.value
                                        .as_deref()
                                        .is_some_and(crate::vocab::names_a_token_endpoint)
                                }))
                    })
            })
            .collect();
        // Most requests name a config for their host: resolved once per
        // config, not once per request.
        let mut by_config: foldhash::HashMap<&str, bool> = foldhash::HashMap::default();
        let reach: Vec<bool> = self
            .http_request_operations
            .iter()
            .map(|op| match (&op.url, op.config_ref.as_deref()) {
                (None, Some(config)) => *by_config
                    .entry(config)
                    .or_insert_with(|| self.may_reach_salesforce(op, &configs)),
                _ => self.may_reach_salesforce(op, &configs),
            })
            .collect();
        let mut reach = reach.into_iter();
        let mut keep = keep.into_iter();
        self.http_request_operations.retain_mut(|op| {
            let kept = keep.next().unwrap_or(true);
            if reach.next().unwrap_or(true) {
                return true;
            }
            if !kept {
                return false;
            }
            op.children_text = String::new();
            op.payload = None;
            op.query_params = Vec::new();
            true
        });
        self.http_request_operations.shrink_to_fit();
    }

    /// Whether `op` may call a Salesforce host in some environment: its URL's
    /// (or its config's, among the app's `configs`) host is Salesforce's,
    /// empty or not resolved. What IG101 asks of a request before it reads
    /// any more of it.
    pub fn may_reach_salesforce(
        &self,
        op: &super::mule::HttpRequestOperation,
        configs: &RequestConfigs<'_>,
    ) -> bool {
        let host_of = |v: &str| -> Option<String> {
            let (_, rest) = v.trim().split_once("://")?;
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = authority.rsplit('@').next().unwrap_or("");
            let host = host.split(':').next().unwrap_or("");
            Some(host.to_string())
        };
        let hosts: Vec<Option<String>> = if let Some(url) = &op.url {
            self.resolve_all(url)
                .into_iter()
                .map(|r| r.value.as_deref().and_then(host_of))
                .collect()
        } else {
            let Some(host) = configs.of(op).and_then(|c| c.host.as_ref()) else {
                // No config or no host: where it goes is not known here.
                return true;
            };
            self.resolve_all(host)
                .into_iter()
                .map(|r| r.value.map(|h| h.trim().to_string()))
                .collect()
        };
        hosts.iter().any(|h| match h {
            None => true,
            Some(h) => h.is_empty() || crate::vocab::is_salesforce_host(h),
        })
    }

    /// Replaces [`MuleApp::operations`] by what the operations bound to each
    /// of the app's connection configs (and of its domain's that it names)
    /// use ([`MuleApp::object_uses`]). Idempotent: an app without operations
    /// keeps its digest.
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
        // Its domain's connections, which it runs on too.
        if self.domain_link.is_some() {
            configs.extend(self.foreign_connection_refs.iter().map(|(n, _)| n.as_str()));
        }
        let mut unknown = ThinVec::new();
        let digest: ThinVec<(String, SharedUses)> = configs
            .iter()
            .map(|config| {
                let (uses, unknown_here) = pair_uses(self, config, &parsed);
                unknown.extend(unknown_here.into_iter().map(|u| (config.to_string(), u)));
                // Held until the rules are done: no spare capacity.
                let uses: SharedUses = uses.into_values().map(ObjectUse::packed).collect();
                (config.to_string(), uses)
            })
            .collect();
        self.unknown_uses = unknown;
        self.object_uses = digest;
        self.operations = ThinVec::new();
    }

    /// The operations bound to connection config `config_name` whose objects
    /// are not known (after [`MuleApp::digest_operations`]).
    pub fn unknown_uses_of_config<'a>(
        &'a self,
        config_name: &'a str,
    ) -> impl Iterator<Item = &'a UnknownUse> + 'a {
        self.unknown_uses
            .iter()
            .filter(move |(c, _)| c == config_name)
            .map(|(_, u)| u)
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
            "delete" => ObjectOperation::Delete,
            "harddelete" | "hard_delete" => ObjectOperation::HardDelete,
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
    } else if l.contains("hard-delete") {
        // Mule 3's `hard-delete-bulk` (UNVERIFIED for Mule 4): its name says
        // what it does, whatever the version.
        ObjectOperation::HardDelete
    } else if l.contains("delete") && !l.contains("listener") && !l.contains("deleted") {
        ObjectOperation::Delete
    } else if l == "merge" {
        // Merging deletes the merged records (and edits the master one).
        ObjectOperation::Delete
    } else if l.starts_with("create") || l.contains("insert") || l.starts_with("publish") {
        // Publishing a platform event inserts a record of its event object.
        ObjectOperation::Create
    } else if l.starts_with("update") || l.starts_with("undelete") {
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

/// False for the operations that read or change no object's records: the
/// server's time, the caller's own user info, the list of objects, a user's
/// password, and the bulk jobs, batches and their results (the operation
/// creating a job names its object or query, and is counted there).
fn acts_on_records(op: &SalesforceOperation) -> bool {
    const NO_RECORDS: &[&str] = &[
        "describe-global",
        "get-server-timestamp",
        "get-user-info",
        "set-password",
        "reset-password",
    ];
    let local = op
        .element
        .rsplit_once(':')
        .map_or(op.element.as_str(), |(_, l)| l)
        .to_ascii_lowercase();
    !(NO_RECORDS.contains(&local.as_str())
        || local.contains("job")
        || local.contains("batch")
        || local.contains("result"))
}

/// The objects one connection config of one app uses, keyed by lower-case
/// object name.
pub(super) type PairUses = BTreeMap<String, ObjectUse>;

/// The objects the operations bound to `config_name` in `app` use, and the
/// operations whose objects cannot be told from the repository.
fn pair_uses(
    app: &MuleApp,
    config_name: &str,
    parsed_soql: &[Option<soql::SoqlQuery>],
) -> (PairUses, Vec<UnknownUse>) {
    let mut out = PairUses::new();
    let mut unknown: Vec<UnknownUse> = Vec::new();
    // The key of the object being added, reused: most adds find their
    // object already there and need no key of their own.
    let mut key = String::new();
    // The written fields (by their shared list) merged into each object,
    // and each object's written fields in lower case: a list search per
    // write took time in the square of the writes.
    let mut merged: HashSet<(usize, String)> = HashSet::new();
    let mut written_seen: HashMap<String, HashSet<String>> = HashMap::new();
    let mut add = |object: &str,
                   op: ObjectOperation,
                   inferred: bool,
                   rels: &[String],
                   fields: &[String],
                   writes: Option<&PayloadWrites>,
                   at: &Location| {
        // Objects are API names (checked by the callers): ASCII.
        key.clear();
        key.push_str(object);
        key.make_ascii_lowercase();
        if !out.contains_key(key.as_str()) {
            let new = ObjectUse {
                object: object.to_string(),
                operations: Vec::new(),
                relationships: Vec::new(),
                fields: Vec::new(),
                written_fields: Vec::new(),
                unread_writes: Vec::new(),
                inferred,
                locations: Vec::new(),
                apps: vec![app.name.clone()],
            };
            out.insert(key.clone(), new);
        }
        if let Some(e) = out.get_mut(key.as_str()) {
            merge_use_parts(
                e,
                inferred,
                &[op],
                rels,
                fields,
                std::slice::from_ref(at),
                &[],
            );
            if let Some(w) = writes {
                let seen = written_seen.entry(key.clone()).or_default();
                let mut add_field = |f: &WrittenField| {
                    if seen.insert(f.field.to_ascii_lowercase()) {
                        e.written_fields.push(f.clone());
                    }
                };
                w.external_id.iter().for_each(&mut add_field);
                // One payload feeding many writes is merged once.
                let shared = (w.fields.as_ptr() as usize, key.clone());
                if !w.fields.is_empty() && merged.insert(shared) {
                    w.fields.iter().for_each(&mut add_field);
                }
                // Each write is added once per object: no search.
                if let Some(reason) = w.unread {
                    e.unread_writes.push(UnreadWrite {
                        operation: op,
                        reason,
                        location: at.clone(),
                    });
                }
            }
        }
    };
    // Each unknown use once (the app is the same for all): a list search per
    // use took time in the square of the app's operations.
    let mut unknown_seen: HashMap<(ObjectOperation, UnknownUseReason, Location), usize> =
        HashMap::new();
    // `through`: the relationship whose object is not known, when that is
    // the reason (each named once per operation).
    let mut not_known = |operation: ObjectOperation,
                         reason: UnknownUseReason,
                         at: &Location,
                         through: Option<&str>| {
        let i = *unknown_seen
            .entry((operation, reason, at.clone()))
            .or_insert_with(|| {
                unknown.push(UnknownUse {
                    app: app.name.clone(),
                    operation,
                    reason,
                    relationships: Vec::new(),
                    location: at.clone(),
                });
                unknown.len() - 1
            });
        if let Some(name) = through {
            let names = &mut unknown[i].relationships;
            if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                names.push(name.to_string());
            }
        }
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
        // Whether its `type` says (or may say) which objects it uses.
        let mut typed = false;
        if let Some(t) = op.object_type.as_deref().map(str::trim) {
            match object_type_names(app, t, &op.location) {
                Some(names) => {
                    typed = !names.is_empty();
                    for name in names {
                        add(
                            &name,
                            kind,
                            false,
                            &[],
                            &[],
                            op.writes.as_deref(),
                            &op.location,
                        );
                    }
                }
                None => {
                    typed = true;
                    not_known(kind, UnknownUseReason::ExpressionType, &op.location, None);
                }
            }
        }
        let Some(query) = op.soql.as_deref() else {
            // Neither a type nor a query: `<salesforce:delete>` takes record
            // ids, of objects known only at run time. Dropping it would call
            // the access it needs unused.
            if !typed && acts_on_records(op) {
                not_known(kind, UnknownUseReason::NoObject, &op.location, None);
            }
            continue;
        };
        let Some(parsed) = parsed else {
            let query_kind =
                if crate::vocab::contains_ignore_ascii_case(query.as_bytes(), b"for update") {
                    ObjectOperation::Edit
                } else {
                    ObjectOperation::Read
                };
            let reason = if is_expression(query) {
                UnknownUseReason::ExpressionQuery
            } else {
                UnknownUseReason::UnreadQuery
            };
            not_known(query_kind, reason, &op.location, None);
            continue;
        };
        let query_kind = if parsed.for_update {
            ObjectOperation::Edit
        } else {
            ObjectOperation::Read
        };
        // Fields put in at run time may follow any relationship: its FROM
        // objects are known, what it reads through them is not.
        if parsed.any_built_fields() {
            not_known(
                ObjectOperation::Read,
                UnknownUseReason::ExpressionQuery,
                &op.location,
                None,
            );
        }
        for r in parsed.object_refs() {
            // A custom relationship's name is its lookup field's, not its
            // object's (`Account__r` may lead to Account): guessing `X__c`
            // would name an object the app may not use and miss the one it
            // reads.
            let relationship = matches!(
                r.kind,
                ObjectRefKind::ChildRelationship | ObjectRefKind::ParentRelationship
            );
            let name = r.name.as_bytes();
            if relationship
                && name.len() >= 3
                && name[name.len() - 3..].eq_ignore_ascii_case(b"__r")
            {
                not_known(
                    ObjectOperation::Read,
                    UnknownUseReason::RelationshipTarget,
                    &op.location,
                    Some(&r.name),
                );
                continue;
            }
            let Some(obj) = r.object() else {
                // A polymorphic relationship (`What`, `Who`) or a name
                // intguard does not know (`BillToContact` once was taken for
                // an object of that name): it may lead to any object.
                if relationship {
                    not_known(
                        ObjectOperation::Read,
                        UnknownUseReason::RelationshipTarget,
                        &op.location,
                        Some(&r.name),
                    );
                }
                continue;
            };
            if !is_api_name(&obj) {
                // `FROM ${object}`, or what the parser made of a query put
                // together with `++`.
                not_known(
                    query_kind,
                    UnknownUseReason::ExpressionQuery,
                    &op.location,
                    None,
                );
                continue;
            }
            match r.kind {
                ObjectRefKind::From => {
                    let top = r.name.eq_ignore_ascii_case(&parsed.object);
                    let rels: &[String] = if top { &parsed.relationships } else { &[] };
                    // The fields read on it: the query's own, or those of
                    // the semi-join selecting from it.
                    let paths = if top {
                        Some(&parsed.fields)
                    } else {
                        parsed
                            .semi_joins
                            .iter()
                            .find(|q| q.object.eq_ignore_ascii_case(&r.name))
                            .map(|q| &q.fields)
                    };
                    let mut seen: HashSet<String> = HashSet::new();
                    let fields: Vec<String> = paths
                        .into_iter()
                        .flatten()
                        .filter_map(|f| soql::field_on_object(f))
                        .filter(|f| seen.insert(f.to_ascii_lowercase()))
                        .collect();
                    add(
                        &obj,
                        ObjectOperation::Read,
                        false,
                        rels,
                        &fields,
                        None,
                        &op.location,
                    );
                    if parsed.for_update && top {
                        add(&obj, query_kind, false, &[], &[], None, &op.location);
                    }
                }
                ObjectRefKind::Typeof => add(
                    &obj,
                    ObjectOperation::Read,
                    false,
                    &[],
                    &[],
                    None,
                    &op.location,
                ),
                ObjectRefKind::ChildRelationship | ObjectRefKind::ParentRelationship => add(
                    &obj,
                    ObjectOperation::Read,
                    true,
                    &[],
                    &r.fields,
                    None,
                    &op.location,
                ),
            }
        }
    }
    (out, unknown)
}

/// The objects an operation's `type` names: itself when literal, its value in
/// every environment when it is a property defined in the repository, the
/// string in `#['Account']`; `None` when it cannot be told.
fn object_type_names(app: &MuleApp, raw: &str, at: &Location) -> Option<Vec<String>> {
    if raw.is_empty() {
        return Some(Vec::new());
    }
    if let Some(inner) = raw.strip_prefix("#[").and_then(|s| s.strip_suffix(']')) {
        let inner = inner.trim();
        let quoted = ['"', '\'']
            .iter()
            .find_map(|q| inner.strip_prefix(*q).and_then(|s| s.strip_suffix(*q)));
        return quoted
            .filter(|name| is_api_name(name))
            .map(|name| vec![name.to_string()]);
    }
    if !raw.contains("${") {
        return is_api_name(raw).then(|| vec![raw.to_string()]);
    }
    let mut names: Vec<String> = Vec::new();
    for resolved in app.resolve_all(&Value::new(raw, at.clone())) {
        let name = resolved.value?;
        let name = name.trim();
        if !is_api_name(name) {
            return None;
        }
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name.to_string());
        }
    }
    (!names.is_empty()).then_some(names)
}

/// An sObject API name (`Account`, `Invoice__c`, `ns__Event__e`).
fn is_api_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Query text put together at run time rather than written out.
fn is_expression(query: &str) -> bool {
    let q = query.trim_start();
    q.starts_with("#[") || query.contains("${") || query.contains("++")
}

/// Adds to `e` what one more use brings, keeping first-seen order (and the
/// operations sorted).
#[allow(clippy::too_many_arguments)]
pub(super) fn merge_use_parts(
    e: &mut ObjectUse,
    inferred: bool,
    operations: &[ObjectOperation],
    relationships: &[String],
    fields: &[String],
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
    if !fields.is_empty() {
        // A set of what it has: a long query's thousands of fields, merged
        // one by one into a list, took time in the square of their number.
        let mut seen: HashSet<String> = e.fields.iter().map(|f| f.to_ascii_lowercase()).collect();
        for f in fields {
            if seen.insert(f.to_ascii_lowercase()) {
                e.fields.push(f.clone());
            }
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

/// Adds to `e` the fields its writes set (each once, case ignored, the
/// first place kept) and the writes whose fields are not known (each once).
pub(super) fn merge_writes(e: &mut ObjectUse, fields: &[WrittenField], unread: &[UnreadWrite]) {
    if !fields.is_empty() {
        // A set of what it has, as for the fields read.
        let mut seen: HashSet<String> = e
            .written_fields
            .iter()
            .map(|f| f.field.to_ascii_lowercase())
            .collect();
        for f in fields {
            if seen.insert(f.field.to_ascii_lowercase()) {
                e.written_fields.push(f.clone());
            }
        }
    }
    if !unread.is_empty() {
        let mut seen: HashSet<&Location> = e.unread_writes.iter().map(|u| &u.location).collect();
        let new: Vec<UnreadWrite> = unread
            .iter()
            .filter(|u| seen.insert(&u.location))
            .cloned()
            .collect();
        e.unread_writes.extend(new);
    }
}

/// The request's config says `protocol="HTTPS"` as written: no plain HTTP
/// to judge, whatever its path.
fn config_is_https(config: Option<&HttpRequester>) -> bool {
    config
        .and_then(|r| r.protocol.as_ref())
        .is_some_and(|p| p.raw.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::mule::{
        AuthClass, MuleRuntime, SalesforceConnection, SalesforceOperation,
    };

    /// The app `orders` with a JWT connection `SF`, no operations yet.
    fn app_with_connection() -> MuleApp {
        let mut app = MuleApp::new("orders", "orders", MuleRuntime::Mule4);
        app.salesforce_connections.push(SalesforceConnection {
            composite: false,
            config_name: "SF".into(),
            element: "salesforce:jwt-connection".into(),
            runtime: MuleRuntime::Mule4,
            auth: AuthClass::Certificate,
            location: Location::new("orders/src/main/mule/global.xml", 3, 5),
            attributes: Default::default(),
            tls_context: None,
        });
        app
    }

    fn query(soql: &str, line: u32) -> SalesforceOperation {
        SalesforceOperation {
            element: "salesforce:query".into(),
            config_ref: Some("SF".into()),
            object_type: None,
            soql: Some(soql.into()),
            bulk_operation: None,
            location: Location::new("orders/src/main/mule/flows.xml", line, 5),
            writes: None,
        }
    }

    /// An operation whose objects are not known is listed once per
    /// operation and reason, in the operations' order, however many times
    /// it says so (two custom relationships, whose targets are not known).
    #[test]
    fn unknown_uses_are_listed_once_each_in_order() {
        let mut app = app_with_connection();
        let twice = "SELECT Id, Parent__r.Name, Other__r.Name FROM Invoice__c";
        app.operations = (0..300).map(|i| query(twice, 100 + i)).collect();
        app.operations.push(query("SELECT Id FROM ${object}", 50));
        app.digest_operations();
        let unknown: Vec<(u32, UnknownUseReason)> = app
            .unknown_uses_of_config("SF")
            .map(|u| (u.location.line, u.reason))
            .collect();
        let mut want: Vec<(u32, UnknownUseReason)> = (0..300)
            .map(|i| (100 + i, UnknownUseReason::RelationshipTarget))
            .collect();
        want.push((50, UnknownUseReason::ExpressionQuery));
        assert_eq!(unknown, want);
    }

    /// The fields each query reads are kept on its FROM object (and a
    /// semi-join's on its own), a relationship path as its lookup field;
    /// the objects reached through relationships get those read through
    /// them (`Account.Industry`, a child sub-query's own).
    #[test]
    fn fields_read_are_kept_on_their_object() {
        let mut app = app_with_connection();
        app.operations = thin_vec::thin_vec![
            query(
                "SELECT Id, Amount__c, Owner.Name, Account.Industry FROM Opportunity WHERE StageName = 'Won' AND AccountId IN (SELECT Id FROM Account WHERE Tier__c = 'A')",
                10,
            ),
            query("SELECT amount__c, Close_Date__c FROM Opportunity", 11),
            query(
                "SELECT Id, (SELECT LastName, Title__c, Account.Rating__c FROM Contacts) FROM Account",
                12,
            ),
        ];
        app.digest_operations();
        let fields: Vec<(&str, Vec<&str>)> = app
            .uses_of_config("SF")
            .unwrap()
            .iter()
            .map(|u| {
                (
                    u.object.as_str(),
                    u.fields.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            fields,
            [
                ("Account", vec!["Id", "Tier__c", "Industry", "Rating__c"]),
                ("Contact", vec!["LastName", "Title__c", "AccountId"]),
                (
                    "Opportunity",
                    vec![
                        "Id",
                        "Amount__c",
                        "OwnerId",
                        "AccountId",
                        "StageName",
                        "Close_Date__c"
                    ]
                ),
                ("User", vec!["Name"]),
            ]
        );
    }

    /// A merge deletes the merged records; publishing a platform event
    /// inserts a record of its event object.
    #[test]
    fn merge_deletes_and_publishing_creates() {
        let mut app = app_with_connection();
        let op = |element: &str, object_type: &str, line: u32| SalesforceOperation {
            element: element.into(),
            config_ref: Some("SF".into()),
            object_type: Some(object_type.into()),
            soql: None,
            bulk_operation: None,
            location: Location::new("orders/src/main/mule/flows.xml", line, 5),
            writes: None,
        };
        app.operations = thin_vec::thin_vec![
            op("salesforce:merge", "Account", 10),
            op(
                "salesforce:publish-platform-event-message",
                "Order_Event__e",
                11,
            ),
        ];
        app.digest_operations();
        assert_eq!(app.unknown_uses_of_config("SF").count(), 0);
        let used: Vec<(&str, &[ObjectOperation])> = app
            .uses_of_config("SF")
            .unwrap()
            .iter()
            .map(|u| (u.object.as_str(), u.operations.as_slice()))
            .collect();
        assert_eq!(
            used,
            [
                ("Account", &[ObjectOperation::Delete][..]),
                ("Order_Event__e", &[ObjectOperation::Create][..]),
            ]
        );
    }

    /// A SOSL search reads every object its `RETURNING` names; one whose
    /// search string is built at run time is an unknown read.
    #[test]
    fn a_search_reads_its_returning_objects() {
        let mut app = app_with_connection();
        let search = |sosl: &str, line: u32| SalesforceOperation {
            element: "salesforce:search".into(),
            config_ref: Some("SF".into()),
            object_type: None,
            soql: Some(sosl.into()),
            bulk_operation: None,
            location: Location::new("orders/src/main/mule/flows.xml", line, 5),
            writes: None,
        };
        app.operations = thin_vec::thin_vec![
            search(
                "FIND {Acme*} IN NAME FIELDS RETURNING Account(Name), Contact",
                10,
            ),
            search("#[vars.sosl]", 11),
        ];
        app.digest_operations();
        let used: Vec<(&str, &[ObjectOperation])> = app
            .uses_of_config("SF")
            .unwrap()
            .iter()
            .map(|u| (u.object.as_str(), u.operations.as_slice()))
            .collect();
        assert_eq!(
            used,
            [
                ("Account", &[ObjectOperation::Read][..]),
                ("Contact", &[ObjectOperation::Read][..]),
            ]
        );
        let unknown: Vec<(u32, ObjectOperation)> = app
            .unknown_uses_of_config("SF")
            .map(|u| (u.location.line, u.operation))
            .collect();
        assert_eq!(unknown, [(11, ObjectOperation::Read)]);
    }

    /// A standard relationship leads to its object (`BillToContact` to
    /// Contact, read only); a polymorphic one (`Who`, `What`) or a name
    /// intguard does not know is a relationship-target unknown use, not an
    /// object of its name.
    #[test]
    fn relationships_lead_to_their_objects_or_to_unknown_ones() {
        let mut app = app_with_connection();
        app.operations = thin_vec::thin_vec![
            query(
                "SELECT Id, BillToContact.Email, OriginalOrder.OrderNumber FROM Order",
                10,
            ),
            query("SELECT Id, Who.Name, What.Name FROM Task", 11),
            query("SELECT Id, Widget.Name FROM Case", 12),
        ];
        app.digest_operations();
        let used: Vec<(&str, bool)> = app
            .uses_of_config("SF")
            .unwrap()
            .iter()
            .map(|u| (u.object.as_str(), u.inferred))
            .collect();
        assert_eq!(
            used,
            [
                ("Case", false),
                ("Contact", true),
                ("Order", false),
                ("Task", false)
            ]
        );
        let unknown: Vec<(u32, ObjectOperation, UnknownUseReason)> = app
            .unknown_uses_of_config("SF")
            .map(|u| (u.location.line, u.operation, u.reason))
            .collect();
        assert_eq!(
            unknown,
            [
                (
                    11,
                    ObjectOperation::Read,
                    UnknownUseReason::RelationshipTarget
                ),
                (
                    12,
                    ObjectOperation::Read,
                    UnknownUseReason::RelationshipTarget
                ),
            ]
        );
    }

    /// A field list built by DataWeave may follow any relationship: the
    /// query's FROM object is used, and it is an unknown read as well.
    #[test]
    fn a_built_field_list_reads_unknown_objects() {
        let mut app = app_with_connection();
        app.operations = thin_vec::thin_vec![query(
            "#[\"SELECT Id, \" ++ (vars.fields joinBy \",\") ++ \" FROM Contact\"]",
            10,
        )];
        app.digest_operations();
        let used: Vec<&str> = app
            .uses_of_config("SF")
            .unwrap()
            .iter()
            .map(|u| u.object.as_str())
            .collect();
        assert_eq!(used, ["Contact"]);
        let unknown: Vec<(u32, UnknownUseReason)> = app
            .unknown_uses_of_config("SF")
            .map(|u| (u.location.line, u.reason))
            .collect();
        assert_eq!(unknown, [(10, UnknownUseReason::ExpressionQuery)]);
    }

    /// An operation naming no object (`<salesforce:delete>`: record ids) is
    /// an unknown use of what it does; one that touches no records (a bulk
    /// job's state, the server's time) is none.
    #[test]
    fn operations_naming_no_object_are_unknown_uses() {
        let mut app = app_with_connection();
        let op = |element: &str, object_type: Option<&str>, line: u32| SalesforceOperation {
            element: element.into(),
            config_ref: Some("SF".into()),
            object_type: object_type.map(str::to_string),
            soql: None,
            bulk_operation: None,
            location: Location::new("orders/src/main/mule/flows.xml", line, 5),
            writes: None,
        };
        app.operations = thin_vec::thin_vec![
            op("salesforce:delete", None, 10),
            op("salesforce:create", Some("Invoice__c"), 11),
            op("salesforce:get-server-timestamp", None, 12),
            op("salesforce:get-job-state-bulk-api-v2", None, 13),
            op("salesforce:update", Some(""), 14),
            op("salesforce:invoke-apex-rest-method", None, 15),
        ];
        app.digest_operations();
        let unknown: Vec<(u32, ObjectOperation, UnknownUseReason)> = app
            .unknown_uses_of_config("SF")
            .map(|u| (u.location.line, u.operation, u.reason))
            .collect();
        assert_eq!(
            unknown,
            [
                (10, ObjectOperation::Delete, UnknownUseReason::NoObject),
                (14, ObjectOperation::Edit, UnknownUseReason::NoObject),
                (15, ObjectOperation::Other, UnknownUseReason::NoObject),
            ]
        );
        let used: Vec<&str> = app
            .uses_of_config("SF")
            .unwrap()
            .iter()
            .map(|u| u.object.as_str())
            .collect();
        assert_eq!(used, ["Invoice__c"]);
    }

    /// The fields each write sets reach its object's use, each once (case
    /// ignored, the first place kept), with the writes whose records are
    /// not known and what they do; a query brings none.
    #[test]
    fn fields_written_reach_the_objects_use() {
        use crate::inventory::graph::{PayloadWrites, UnreadPayload, WrittenField};
        let mut app = app_with_connection();
        let at = |line: u32| Location::new("orders/src/main/mule/flows.xml", line, 5);
        let written = |field: &str, line: u32| WrittenField {
            field: field.into(),
            location: at(line),
        };
        let op = |element: &str, writes: PayloadWrites, line: u32| SalesforceOperation {
            element: element.into(),
            config_ref: Some("SF".into()),
            object_type: Some("Invoice__c".into()),
            soql: None,
            bulk_operation: None,
            location: at(line),
            writes: Some(Box::new(writes)),
        };
        app.operations = thin_vec::thin_vec![
            op(
                "salesforce:create",
                PayloadWrites {
                    fields: vec![written("Amount__c", 9), written("Phone", 9)].into(),
                    ..PayloadWrites::default()
                },
                10,
            ),
            op(
                "salesforce:update",
                PayloadWrites {
                    external_id: None,
                    fields: vec![written("AMOUNT__C", 19), written("Tier__c", 19)].into(),
                    unread: None,
                    resource: None,
                },
                20,
            ),
            op(
                "salesforce:upsert",
                PayloadWrites {
                    unread: Some(UnreadPayload::FlowInput),
                    ..PayloadWrites::default()
                },
                30,
            ),
            query("SELECT Id, Status__c FROM Invoice__c", 40),
        ];
        app.digest_operations();
        let uses = app.uses_of_config("SF").unwrap();
        assert_eq!(uses.len(), 1);
        let written: Vec<(&str, u32)> = uses[0]
            .written_fields
            .iter()
            .map(|f| (f.field.as_str(), f.location.line))
            .collect();
        assert_eq!(written, [("Amount__c", 9), ("Phone", 9), ("Tier__c", 19)]);
        assert_eq!(uses[0].fields, ["Id", "Status__c"]);
        let unread: Vec<(ObjectOperation, UnreadPayload, u32)> = uses[0]
            .unread_writes
            .iter()
            .map(|u| (u.operation, u.reason, u.location.line))
            .collect();
        assert_eq!(
            unread,
            [(ObjectOperation::Upsert, UnreadPayload::FlowInput, 30)]
        );
    }
}
