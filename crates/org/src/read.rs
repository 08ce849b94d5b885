//! Reading an org into an [`OrgSnapshot`] with few calls (the plan of
//! `reference/salesforce-api.md`):
//!
//! 1. `GET /services/data/` for the newest API version;
//! 2. describe `PermissionSet` and `MutingPermissionSet` (one composite
//!    call), so only the `Permissions*` fields intguard audits and the org
//!    has are selected (no `INVALID_FIELD`);
//! 3. twelve queries in composite calls of five (users, permission sets with
//!    their flags, assignments, object permissions, pre-authorizations;
//!    groups, group components, connected apps, External Client Apps, login
//!    IP ranges; muting permission sets, External Client App OAuth
//!    policies), then every `nextRecordsUrl` page, again five per call (a
//!    subrequest answered 5xx or `ConcurrentPerOrgLongTxn` goes into the
//!    next call after a backoff, within the client's retry bound);
//! 4. the Health Check (one Tooling query);
//! 5. LoginHistory within the window, OauthToken and UserLogin (which users
//!    are frozen), for the integration users only (chosen by the identity
//!    graph over what step 3 read).
//!
//! A query still failing after its retries, or whose call failed on the
//! connection, costs only itself (and the queries sharing its call), and the
//! org's daily limit or the call budget reached stops spending calls: what
//! was read is kept, the rest becomes "not read" rows, and the snapshot is
//! marked [`OrgSnapshot::partial`] (see [`read_org`]).
//!
//! The count is a constant plus one call per five pages of 2,000 rows (and
//! one per five activity queries, three for each [`IDS_PER_QUERY`]
//! integration users: one call for up to 500 of them).

use std::collections::HashMap;

use intguard_model::{is_mutual_tls_permission, Inventory, DANGEROUS_PERMISSIONS};
use salesforce_auth::rest::encode_query_component;
use salesforce_auth::RestError;
use serde_json::Value;

use crate::client::{
    is_daily_limit, is_transient, GetRequest, OrgClient, OrgError, MAX_QUERIES_PER_COMPOSITE,
};
use crate::snapshot::*;
use crate::time::format_rfc3339;

/// User ids per LoginHistory / OauthToken query: 500 quoted, encoded ids
/// take about 13,500 bytes, below Salesforce's 16,384-byte URL limit.
pub const IDS_PER_QUERY: usize = 500;

/// OauthToken rows a query can reach (reference: "at most 2500 rows").
pub const OAUTH_TOKEN_ROW_LIMIT: usize = 2_500;

/// What to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// "Now", seconds since the epoch (the snapshot's `read_at`).
    pub now_unix: i64,
    /// Login history and token use from this time on.
    pub since_unix: i64,
    /// Usernames known to be integration users besides those the org shows
    /// (intguard.toml `[[identities]]`).
    pub extra_usernames: Vec<String>,
}

/// Progress of the read, for a progress bar.
pub trait Progress {
    /// `step` is about to run; `calls` were spent so far.
    fn step(&mut self, step: &str, calls: u64);
}

impl<F: FnMut(&str, u64)> Progress for F {
    fn step(&mut self, step: &str, calls: u64) {
        self(step, calls)
    }
}

/// Permissions intguard audits (besides the dangerous ones), as metadata
/// names them.
const AUDITED_PERMISSIONS: &[&str] = &["ApiEnabled", "ApiUserOnly"];

/// Rules that read each kind of data, for "not checked" diagnostics.
const ACCESS_RULES: &[&str] = &[
    "IG202", "IG204", "IG205", "IG206", "IG301", "IG302", "IG304", "IG305",
];
const LOGIN_RULES: &[&str] = &["IG101", "IG113", "IG202", "IG303", "IG306"];
/// The users: who the integration users are and what each is assigned; the
/// Login History and OAuth tokens are read for them.
const USER_RULES: &[&str] = &[
    "IG101", "IG113", "IG202", "IG204", "IG205", "IG206", "IG301", "IG302", "IG303", "IG304",
    "IG306",
];
const TOKEN_RULES: &[&str] = &["IG303", "IG306"];
/// Rules that tell a frozen user (`UserLogin.IsFrozen`) from one that can
/// log in: unread, every user is taken as not frozen.
const USER_LOGIN_RULES: &[&str] = &["IG306"];
const APP_RULES: &[&str] = &["IG201", "IG203", "IG208", "IG305"];
const ECA_POLICY_RULES: &[&str] = &["IG201", "IG203", "IG208"];

/// One query of the plan.
struct Query {
    key: &'static str,
    soql: String,
    /// The object, for diagnostics.
    object: &'static str,
    missing_permission: &'static str,
    rules: &'static [&'static str],
}

impl Query {
    fn new(
        key: &'static str,
        object: &'static str,
        soql: String,
        missing_permission: &'static str,
        rules: &'static [&'static str],
    ) -> Self {
        Query {
            key,
            soql,
            object,
            missing_permission,
            rules,
        }
    }
}

/// Reads the org. What stops the read before anything is read (the first
/// call failing, on the connection too, or a login that fails, then or on a
/// re-authentication) comes back as `Err`; data the user may not see becomes
/// [`OrgSnapshot::not_read`]. A query still failing after its retries, or
/// whose call failed on the connection (a reset, a TLS failure, a timeout)
/// at every attempt after the first call was answered, is not read and the
/// read goes on; the
/// org's daily API limit or the call budget reached stops spending calls:
/// either way what was read is kept, every object left unread gets its "not
/// read" row, and [`OrgSnapshot::partial`] says why and how to finish.
pub fn read_org(
    client: &OrgClient,
    options: &ReadOptions,
    progress: &mut dyn Progress,
) -> Result<OrgSnapshot, OrgError> {
    progress.step("API versions", client.calls());
    let version = newest_version(&client.get_json("/services/data/")?)?;
    let mut snapshot = OrgSnapshot::new(OrgInfo {
        org_id: String::new(),
        instance_url: client.instance_url(),
        api_version: version.clone(),
        read_at: format_rfc3339(options.now_unix),
        since: format_rfc3339(options.since_unix),
        api_calls: 0,
    });
    // Set once the daily limit or the call budget is reached: no call is
    // made after it, and whatever is left is noted as not read.
    let mut stop: Option<Stop> = None;

    progress.step(
        "describe PermissionSet, MutingPermissionSet",
        client.calls(),
    );
    let (permission_fields, muting_fields) =
        describe_permission_sets(client, &version, &mut snapshot, &mut stop)?;

    let queries = setup_queries(&permission_fields, &muting_fields);
    let results = run_queries(
        client,
        &version,
        &queries,
        progress,
        &mut snapshot,
        &mut stop,
    )?;
    fill_setup(&mut snapshot, &results, &permission_fields, &muting_fields);

    progress.step("Health Check", client.calls());
    read_health_check(client, &version, &mut snapshot, &mut stop)?;

    let user_ids = integration_user_ids(&snapshot, &options.extra_usernames);
    note_activity_not_queried(&mut snapshot);
    let since = format_rfc3339(options.since_unix);
    let queries = if stop.is_some() && user_ids.is_empty() {
        // Stopped before the users were known: the activity objects are
        // still named as not read.
        activity_queries(&[String::new()], &since)
    } else {
        activity_queries(&user_ids, &since)
    };
    let results = run_queries(
        client,
        &version,
        &queries,
        progress,
        &mut snapshot,
        &mut stop,
    )?;
    note_token_limit(&mut snapshot, &queries, &results);
    fill_activity(&mut snapshot, &results);
    snapshot.activity_user_ids = Some(user_ids);

    snapshot.org.org_id = client.org_id().unwrap_or_else(|| instance_host(&snapshot));
    snapshot.org.api_calls = client.calls();
    Ok(snapshot)
}

/// Why no more calls may be spent: the partial read's reason and how to
/// finish.
struct Stop {
    reason: String,
    next_step: &'static str,
}

impl Stop {
    /// The daily limit or the call budget; `None` for any other error.
    fn from_error(e: &OrgError, calls: u64) -> Option<Stop> {
        match e {
            OrgError::DailyLimitExceeded => Some(Stop {
                reason: format!("the org's daily API request limit ran out (TotalRequests Limit exceeded) after {calls} API calls of this audit"),
                next_step: "run the audit again once the org's rolling 24-hour API request count has room (the API request line on standard error shows how many are left), or ask Salesforce for a higher limit",
            }),
            OrgError::BudgetExhausted { max, spent } => Some(Stop {
                reason: format!("--max-api-calls {max} was reached ({spent} calls spent)"),
                next_step: "run the audit again with a higher --max-api-calls (a constant number of calls plus one per five pages of 2,000 rows: 10 for an org of 10,000 users)",
            }),
            _ => None,
        }
    }

    /// Notes `what` (with its rules) as not read because of the stop;
    /// `read` rows of it were read before.
    fn note(&self, snapshot: &mut OrgSnapshot, what: &str, read: usize, rules: &[&str]) {
        let reason = if read > 0 {
            format!(
                "the first {read} rows were read, then the read stopped: {}",
                self.reason
            )
        } else {
            format!("not read: {}", self.reason)
        };
        push_not_read(snapshot, what, reason, None, rules);
        snapshot.note_partial(self.reason.clone(), what, self.next_step);
    }
}

/// The step to finish an audit some query of which kept failing.
const RETRY_LATER: &str = "run the audit again later: a 5xx or ConcurrentPerOrgLongTxn answer that outlasts the retries is load or an incident on Salesforce's side (status.salesforce.com)";

/// The step to finish an audit a query of which failed otherwise.
const QUERY_AGAIN: &str = "run the audit again later: a query that timed out or whose query locator expired usually completes when the org is less busy";

/// The step to finish an audit a call of which failed on the connection.
const RECONNECT: &str = "run the audit again once the connection to the org is steady: a connection reset, a TLS failure or a timeout on a call after others were answered is the network between (a proxy, a firewall, a VPN) or an incident on Salesforce's side (status.salesforce.com)";

/// A call that failed for good without stopping the read: what the "not
/// read" row says, and the step to finish. Its retries ran out, or the
/// connection failed (a reset, a TLS failure, a timeout) after the first
/// call was answered; `None` for every other error.
fn call_failure(e: &OrgError) -> Option<(String, &'static str)> {
    match e {
        OrgError::RetriesExhausted {
            status,
            summary,
            attempts,
        } => Some((retries_failure(*status, summary, *attempts), RETRY_LATER)),
        OrgError::Rest(RestError::Transport(t)) => Some((
            format!(
                "the connection to Salesforce failed: {}",
                t.message_mid_session()
            ),
            RECONNECT,
        )),
        OrgError::ConnectionFailed { .. } => Some((
            format!("the connection to Salesforce failed: {e}"),
            RECONNECT,
        )),
        _ => None,
    }
}

fn retries_failure(status: u16, summary: &str, attempts: u32) -> String {
    format!("Salesforce kept answering HTTP {status} ({summary}) after {attempts} attempts")
}

/// Notes `what` as not read after a call failed for good (`failure`, from
/// [`call_failure`]); `read` rows of it were read before.
fn note_call_failed(
    snapshot: &mut OrgSnapshot,
    what: &str,
    rules: &[&str],
    read: usize,
    (failure, next_step): &(String, &'static str),
) {
    let reason = if read > 0 {
        format!("the first {read} rows were read, then {failure}")
    } else {
        failure.clone()
    };
    push_not_read(snapshot, what, reason, None, rules);
    snapshot.note_partial(format!("{what}: {failure}"), what, next_step);
}

/// A "not read" row, once per object (the first cause is kept).
fn push_not_read(
    snapshot: &mut OrgSnapshot,
    what: &str,
    reason: String,
    missing_permission: Option<String>,
    rules: &[&str],
) {
    if snapshot.not_read.iter().any(|n| n.what == what) {
        return;
    }
    snapshot.not_read.push(NotReadRow {
        what: what.to_string(),
        reason,
        missing_permission,
        rules: rules.iter().map(|s| s.to_string()).collect(),
    });
}

fn newest_version(versions: &Value) -> Result<String, OrgError> {
    versions
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.get("version").and_then(Value::as_str))
        .max_by(|a, b| {
            let f = |s: &str| s.parse::<f64>().unwrap_or(0.0);
            f(a).total_cmp(&f(b))
        })
        .map(str::to_string)
        .ok_or_else(|| OrgError::Unexpected {
            what: "GET /services/data/".into(),
            message: "no API version listed".into(),
        })
}

/// Describes `PermissionSet` and `MutingPermissionSet` in one composite
/// call: the audited `Permissions*` fields each has. A describe that fails
/// (after its retries, for a 5xx) becomes a "not read" row (permission sets:
/// nothing to audit; muting sets: groups keep every permission of their
/// members, so nothing passes silently); the daily limit or the call budget
/// sets `stop`.
fn describe_permission_sets(
    client: &OrgClient,
    version: &str,
    snapshot: &mut OrgSnapshot,
    stop: &mut Option<Stop>,
) -> Result<(Vec<String>, Vec<String>), OrgError> {
    const DESCRIBED: [(&str, &[&str]); 2] = [
        ("PermissionSet", ACCESS_RULES),
        ("MutingPermissionSet", &["IG302"]),
    ];
    let what = |object: &str| format!("{object} permissions (describe)");
    let mut pending: Vec<GetRequest> = DESCRIBED
        .map(|(object, _)| GetRequest {
            reference_id: object.to_string(),
            url: format!("/services/data/v{version}/sobjects/{object}/describe"),
        })
        .to_vec();
    let rules_of = |object: &str| {
        DESCRIBED
            .iter()
            .find(|(o, _)| *o == object)
            .map(|(_, r)| *r)
            .unwrap_or_default()
    };
    let mut responses = Vec::new();
    let retry = client.retry_policy();
    let mut attempt = 0;
    while !pending.is_empty() {
        if attempt > 0 {
            std::thread::sleep(retry.delay(attempt));
        }
        let answers = match client.composite(version, &pending) {
            Ok(a) => a,
            Err(e) => {
                if let Some(s) = Stop::from_error(&e, client.calls()) {
                    for q in &pending {
                        s.note(
                            snapshot,
                            &what(&q.reference_id),
                            0,
                            rules_of(&q.reference_id),
                        );
                    }
                    *stop = Some(s);
                    return Ok((Vec::new(), Vec::new()));
                }
                let Some(failure) = call_failure(&e) else {
                    return Err(e);
                };
                for q in &pending {
                    let object = &q.reference_id;
                    note_call_failed(snapshot, &what(object), rules_of(object), 0, &failure);
                }
                break;
            }
        };
        let mut again = Vec::new();
        for r in answers {
            let errors = r.errors();
            if is_transient(r.status, &errors) {
                if attempt >= retry.max_retries {
                    let failure =
                        retries_failure(r.status, &error_summary(r.status, &errors), attempt + 1);
                    note_call_failed(
                        snapshot,
                        &what(&r.reference_id),
                        rules_of(&r.reference_id),
                        0,
                        &(failure, RETRY_LATER),
                    );
                    continue;
                }
                if let Some(q) = pending.iter().find(|q| q.reference_id == r.reference_id) {
                    again.push(q.clone());
                }
            } else {
                responses.push(r);
            }
        }
        pending = again;
        attempt += 1;
    }
    let mut fields = |object: &str, rules: &[&str]| -> Vec<String> {
        let Some(r) = responses.iter().find(|r| r.reference_id == object) else {
            return Vec::new();
        };
        if (200..300).contains(&r.status) {
            return audited_permission_fields(&r.body);
        }
        let errors = r.errors();
        if is_daily_limit(r.status, &errors) {
            let s = Stop::from_error(&OrgError::DailyLimitExceeded, client.calls())
                .expect("the daily limit stops the read");
            s.note(snapshot, &what(object), 0, rules);
            *stop = Some(s);
            return Vec::new();
        }
        let reason = error_summary(r.status, &errors);
        // As for the Health Check: only an access error is a permission
        // the auditing user lacks; any other left the object unread this
        // time (partial).
        if is_access_error(r.status, &errors) {
            push_not_read(snapshot, &what(object), reason, Some(SETUP.into()), rules);
        } else {
            push_not_read(snapshot, &what(object), reason.clone(), None, rules);
            snapshot.note_partial(
                format!("{}: {reason}", what(object)),
                &what(object),
                QUERY_AGAIN,
            );
        }
        Vec::new()
    };
    let permission_fields = fields("PermissionSet", ACCESS_RULES);
    let muting_fields = fields("MutingPermissionSet", &["IG302"]);
    Ok((permission_fields, muting_fields))
}

/// An answer that says the auditing user may not read the object (or the
/// org does not have it: `INVALID_TYPE`, which is also what an object the
/// user cannot see answers), as opposed to a failure of the query itself
/// (`QUERY_TIMEOUT`, `INVALID_QUERY_LOCATOR`, ...).
fn is_access_error(status: u16, errors: &[salesforce_auth::rest::ApiErrorItem]) -> bool {
    const ACCESS: &[&str] = &[
        "INSUFFICIENT_ACCESS",
        "INSUFFICIENT_ACCESS_OR_READONLY",
        "INVALID_TYPE",
        "INVALID_FIELD",
        "NOT_FOUND",
        "API_DISABLED_FOR_ORG",
        "FUNCTIONALITY_NOT_ENABLED",
    ];
    if errors.is_empty() {
        return status == 403 || status == 404;
    }
    errors
        .iter()
        .any(|e| ACCESS.contains(&e.error_code.as_str()))
}

fn error_summary(status: u16, errors: &[salesforce_auth::rest::ApiErrorItem]) -> String {
    let reason = errors
        .iter()
        .map(|e| format!("{}: {}", e.error_code, e.message))
        .collect::<Vec<_>>()
        .join("; ");
    if reason.is_empty() {
        format!("HTTP {status}")
    } else {
        reason
    }
}

/// `PermissionsX` fields of the describe that intguard audits.
fn audited_permission_fields(describe: &Value) -> Vec<String> {
    let mut out: Vec<String> = describe
        .get("fields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("name").and_then(Value::as_str))
        .filter_map(|name| {
            let perm = name.strip_prefix("Permissions")?;
            let audited = AUDITED_PERMISSIONS.contains(&perm)
                || DANGEROUS_PERMISSIONS.iter().any(|(n, _)| *n == perm)
                || is_mutual_tls_permission(perm);
            audited.then(|| name.to_string())
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

const SETUP: &str = "View Setup and Configuration";

fn setup_queries(permission_fields: &[String], muting_fields: &[String]) -> Vec<Query> {
    let select = |fields: &[String]| {
        if fields.is_empty() {
            String::new()
        } else {
            format!(", {}", fields.join(", "))
        }
    };
    let perms = select(permission_fields);
    let muted = select(muting_fields);
    vec![
        Query::new(
            "users",
            "User",
            "SELECT Id, Username, Name, IsActive, UserType, ProfileId, Profile.Name, Profile.UserLicense.Name, LastLoginDate, LastPasswordChangeDate, CreatedDate FROM User".into(),
            SETUP,
            USER_RULES,
        ),
        Query::new(
            "permsets",
            "PermissionSet",
            format!("SELECT Id, Name, Label, IsOwnedByProfile, ProfileId, Profile.Name, Profile.UserLicense.Name, License.Name, PermissionSetGroupId{perms} FROM PermissionSet"),
            SETUP,
            ACCESS_RULES,
        ),
        Query::new(
            "assignments",
            "PermissionSetAssignment",
            "SELECT AssigneeId, PermissionSetId, PermissionSetGroupId FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = false".into(),
            SETUP,
            ACCESS_RULES,
        ),
        Query::new(
            "objperms",
            "ObjectPermissions",
            "SELECT ParentId, SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, PermissionsModifyAllRecords FROM ObjectPermissions".into(),
            SETUP,
            &["IG304"],
        ),
        Query::new(
            "preauth",
            "SetupEntityAccess",
            "SELECT ParentId, SetupEntityId, SetupEntityType FROM SetupEntityAccess WHERE SetupEntityType IN ('ConnectedApplication', 'ExternalClientApplication')".into(),
            SETUP,
            &["IG301", "IG305"],
        ),
        Query::new(
            "groups",
            "PermissionSetGroup",
            "SELECT Id, DeveloperName, MasterLabel, Status FROM PermissionSetGroup".into(),
            SETUP,
            ACCESS_RULES,
        ),
        Query::new(
            "components",
            "PermissionSetGroupComponent",
            "SELECT PermissionSetGroupId, PermissionSetId FROM PermissionSetGroupComponent".into(),
            SETUP,
            ACCESS_RULES,
        ),
        Query::new(
            "connectedapps",
            "ConnectedApplication",
            "SELECT Id, Name, OptionsAllowAdminApprovedUsersOnly, OptionsRefreshTokenValidityMetric, RefreshTokenValidityPeriod, CreatedDate FROM ConnectedApplication".into(),
            SETUP,
            APP_RULES,
        ),
        Query::new(
            "ecas",
            "ExternalClientApplication",
            "SELECT Id, DeveloperName, MasterLabel, DistributionState FROM ExternalClientApplication".into(),
            SETUP,
            APP_RULES,
        ),
        Query::new(
            "ipranges",
            "LoginIpRange",
            "SELECT Id, ProfileId, StartAddress, EndAddress, Description FROM LoginIpRange".into(),
            "View Setup and Configuration (Manage IP Addresses to change them)",
            &["IG202"],
        ),
        Query::new(
            "muting",
            "MutingPermissionSet",
            format!("SELECT Id, DeveloperName, MasterLabel{muted} FROM MutingPermissionSet"),
            SETUP,
            &["IG302"],
        ),
        Query::new(
            "ecapolicies",
            "ExtlClntAppOauthPlcyCnfg",
            "SELECT Id, ExternalClientApplicationId, PermittedUsersPolicyType, IpRelaxationPolicyType, RefreshTokenPolicyType FROM ExtlClntAppOauthPlcyCnfg".into(),
            "View all External Client Apps, view their settings, and edit their policies",
            ECA_POLICY_RULES,
        ),
    ]
}

fn activity_queries(user_ids: &[String], since: &str) -> Vec<Query> {
    let mut out = Vec::new();
    for chunk in user_ids.chunks(IDS_PER_QUERY) {
        let ids = chunk
            .iter()
            .map(|id| format!("'{}'", id.replace('\'', "")))
            .collect::<Vec<_>>()
            .join(",");
        out.push(Query::new(
            "logins",
            "LoginHistory",
            format!("SELECT Id, UserId, LoginTime, LoginType, LoginSubType, SourceIp, Status, Application, ApiType FROM LoginHistory WHERE LoginTime >= {since} AND UserId IN ({ids}) ORDER BY LoginTime DESC"),
            "Manage Users or Monitor Login History",
            LOGIN_RULES,
        ));
        out.push(Query::new(
            "tokens",
            "OauthToken",
            format!("SELECT Id, AppName, UserId, LastUsedDate, UseCount FROM OauthToken WHERE UserId IN ({ids})"),
            "Manage Users (other users' tokens need Customize Application too)",
            TOKEN_RULES,
        ));
        out.push(Query::new(
            "userlogins",
            "UserLogin",
            format!("SELECT Id, UserId, IsFrozen, IsPasswordLocked FROM UserLogin WHERE UserId IN ({ids})"),
            "Manage Users",
            USER_LOGIN_RULES,
        ));
    }
    out
}

/// Records by query key, and how many rows each query (by index) gave.
struct QueryResults {
    records: HashMap<&'static str, Vec<Value>>,
    rows_per_query: Vec<usize>,
}

impl QueryResults {
    fn rows(&self, key: &str) -> &[Value] {
        self.records.get(key).map(Vec::as_slice).unwrap_or_default()
    }
}

/// Runs queries five per composite call, then their `nextRecordsUrl` pages
/// five per call, until every query is done. A subrequest answered 5xx or
/// `ConcurrentPerOrgLongTxn` is sent again in a later call after the
/// client's backoff (at most its `max_retries` times); a query that failed
/// otherwise, or still failed after its retries, becomes a "not read" row
/// (once per object) and the others go on. The daily limit or the call
/// budget sets `stop`: every query not done is noted as not read, and no
/// call is made (none at all when `stop` is already set).
fn run_queries(
    client: &OrgClient,
    version: &str,
    queries: &[Query],
    progress: &mut dyn Progress,
    snapshot: &mut OrgSnapshot,
    stop: &mut Option<Stop>,
) -> Result<QueryResults, OrgError> {
    let mut results = QueryResults {
        records: HashMap::new(),
        rows_per_query: vec![0; queries.len()],
    };
    // (query index, url, retries so far) still to fetch
    let mut pending: Vec<(usize, String, u32)> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| {
            (
                i,
                format!(
                    "/services/data/v{version}/query?q={}",
                    encode_query_component(&q.soql)
                ),
                0,
            )
        })
        .collect();
    for q in queries {
        results.records.entry(q.key).or_default();
    }
    let retry = client.retry_policy();
    while !pending.is_empty() {
        if let Some(s) = stop.as_ref() {
            for (i, _, _) in &pending {
                let q = &queries[*i];
                s.note(snapshot, q.object, results.rows_per_query[*i], q.rules);
            }
            break;
        }
        let batch: Vec<(usize, String, u32)> = pending
            .drain(..pending.len().min(MAX_QUERIES_PER_COMPOSITE))
            .collect();
        // A retried subrequest waits as a retried call would.
        if let Some(attempt) = batch.iter().map(|(_, _, a)| *a).max().filter(|a| *a > 0) {
            std::thread::sleep(retry.delay(attempt));
        }
        let mut step: Vec<&str> = batch.iter().map(|(i, _, _)| queries[*i].object).collect();
        step.dedup();
        progress.step(&step.join(", "), client.calls());
        let requests: Vec<GetRequest> = batch
            .iter()
            .enumerate()
            .map(|(n, (_, url, _))| GetRequest {
                reference_id: format!("r{n}"),
                url: url.clone(),
            })
            .collect();
        let mut responses = match client.composite(version, &requests) {
            Ok(r) => r,
            Err(e) => {
                if let Some(s) = Stop::from_error(&e, client.calls()) {
                    // The batch goes back: noted with the rest at the top.
                    *stop = Some(s);
                    pending.splice(0..0, batch);
                    continue;
                }
                let Some(failure) = call_failure(&e) else {
                    return Err(e);
                };
                // The whole call failed for good: its queries are not
                // read, the others go on.
                for (i, _, _) in &batch {
                    let q = &queries[*i];
                    let read = results.rows_per_query[*i];
                    note_call_failed(snapshot, q.object, q.rules, read, &failure);
                }
                continue;
            }
        };
        let mut unsent = Vec::new();
        for (n, (i, url, attempts)) in batch.into_iter().enumerate() {
            let q = &queries[i];
            let reference = format!("r{n}");
            let Some(r) = responses.iter_mut().find(|r| r.reference_id == reference) else {
                continue;
            };
            if !(200..300).contains(&r.status) {
                let errors = r.errors();
                if is_daily_limit(r.status, &errors) {
                    if stop.is_none() {
                        *stop = Stop::from_error(&OrgError::DailyLimitExceeded, client.calls());
                    }
                    unsent.push((i, url, attempts));
                    continue;
                }
                if is_transient(r.status, &errors) {
                    if attempts < retry.max_retries {
                        pending.push((i, url, attempts + 1));
                    } else {
                        let failure = retries_failure(
                            r.status,
                            &error_summary(r.status, &errors),
                            attempts + 1,
                        );
                        note_call_failed(
                            snapshot,
                            q.object,
                            q.rules,
                            results.rows_per_query[i],
                            &(failure, RETRY_LATER),
                        );
                    }
                    continue;
                }
                // A page after the first failing (a query locator that
                // expired, a query timeout) leaves the rows read so far:
                // kept, and said; the object stays "not read" for the
                // rules, as its rows are incomplete.
                let read = results.rows_per_query[i];
                let reason = if read > 0 {
                    format!(
                        "the first {read} rows were read, then {}",
                        error_summary(r.status, &errors)
                    )
                } else {
                    error_summary(r.status, &errors)
                };
                // Only an access error means the auditing user lacks a
                // permission: the same on every run, a warning. Any other
                // failure (a query timeout, an expired query locator) left
                // the object unread or incomplete this time: the audit is
                // partial.
                if is_access_error(r.status, &errors) {
                    let missing = Some(q.missing_permission.to_string());
                    push_not_read(snapshot, q.object, reason, missing, q.rules);
                } else {
                    push_not_read(snapshot, q.object, reason, None, q.rules);
                    snapshot.note_partial(
                        format!("{}: {}", q.object, error_summary(r.status, &errors)),
                        q.object,
                        QUERY_AGAIN,
                    );
                }
                continue;
            }
            // Taken, not cloned: pages of 2,000 records add up.
            if let Some(Value::Array(records)) = r.body.get_mut("records").map(Value::take) {
                results.rows_per_query[i] += records.len();
                results.records.entry(q.key).or_default().extend(records);
            }
            let done = r.body.get("done").and_then(Value::as_bool).unwrap_or(true);
            if let (false, Some(next)) =
                (done, r.body.get("nextRecordsUrl").and_then(Value::as_str))
            {
                pending.push((i, next.to_string(), 0));
            }
        }
        // Answered the daily limit: noted with the rest at the top.
        pending.splice(0..0, unsent);
    }
    Ok(results)
}

/// An OauthToken query that reached Salesforce's row limit may have left
/// tokens unread: say so, so IG303/IG306 are not taken as complete.
fn note_token_limit(snapshot: &mut OrgSnapshot, queries: &[Query], results: &QueryResults) {
    let capped = queries
        .iter()
        .zip(&results.rows_per_query)
        .filter(|(q, rows)| q.key == "tokens" && **rows >= OAUTH_TOKEN_ROW_LIMIT)
        .count();
    if capped > 0 {
        snapshot.not_read.push(NotReadRow {
            what: "OauthToken (beyond the first 2,500 rows)".into(),
            reason: format!(
                "{capped} token quer{} returned Salesforce's maximum of {OAUTH_TOKEN_ROW_LIMIT} rows; further tokens of those integration users are not reachable through the API",
                if capped == 1 { "y" } else { "ies" }
            ),
            missing_permission: None,
            rules: TOKEN_RULES.iter().map(|s| s.to_string()).collect(),
        });
    }
}

fn read_health_check(
    client: &OrgClient,
    version: &str,
    snapshot: &mut OrgSnapshot,
    stop: &mut Option<Stop>,
) -> Result<(), OrgError> {
    const WHAT: &str = "SecurityHealthCheck (Tooling API)";
    const RULES: &[&str] = &["IG211"];
    if let Some(s) = stop.as_ref() {
        s.note(snapshot, WHAT, 0, RULES);
        return Ok(());
    }
    let soql = "SELECT Score, (SELECT RiskType, Setting, SettingGroup, OrgValue, StandardValue FROM SecurityHealthCheckRisks) FROM SecurityHealthCheck";
    let path = format!(
        "/services/data/v{version}/tooling/query?q={}",
        encode_query_component(soql)
    );
    match client.get_json(&path) {
        Ok(v) => {
            let record = v
                .get("records")
                .and_then(Value::as_array)
                .and_then(|r| r.first());
            snapshot.health_check = record.map(|r| HealthCheckRow {
                score: r.get("Score").and_then(number),
                risks: r
                    .get("SecurityHealthCheckRisks")
                    .and_then(|c| c.get("records"))
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|x| HealthRiskRow {
                        risk_type: s(x, "RiskType").unwrap_or_default(),
                        setting: s(x, "Setting").unwrap_or_default(),
                        setting_group: s(x, "SettingGroup"),
                        org_value: s(x, "OrgValue"),
                        standard_value: s(x, "StandardValue"),
                    })
                    .collect(),
            });
            Ok(())
        }
        Err(OrgError::Api { status, errors, .. }) => {
            let reason = error_summary(status, &errors);
            // Only an access error is a permission the auditing user lacks
            // (a warning, the same on every run); any other (a query
            // timeout) left the Health Check unread this time: partial.
            if is_access_error(status, &errors) {
                let missing = "View Setup and Configuration (View Health Check)";
                push_not_read(snapshot, WHAT, reason, Some(missing.into()), RULES);
            } else {
                push_not_read(snapshot, WHAT, reason.clone(), None, RULES);
                snapshot.note_partial(format!("{WHAT}: {reason}"), WHAT, QUERY_AGAIN);
            }
            Ok(())
        }
        Err(e) => {
            if let Some(failure) = call_failure(&e) {
                note_call_failed(snapshot, WHAT, RULES, 0, &failure);
                return Ok(());
            }
            match Stop::from_error(&e, client.calls()) {
                Some(s) => {
                    s.note(snapshot, WHAT, 0, RULES);
                    *stop = Some(s);
                    Ok(())
                }
                None => Err(e),
            }
        }
    }
}

/// Without the users no integration user is known, so their Login History
/// and OAuth tokens are not queried: say so, with the rules that lacked them.
fn note_activity_not_queried(snapshot: &mut OrgSnapshot) {
    let Some(users) = snapshot.not_read.iter().find(|n| n.what == "User") else {
        return;
    };
    let missing_permission = users.missing_permission.clone();
    for (what, rules) in [
        ("LoginHistory", LOGIN_RULES),
        ("OauthToken", TOKEN_RULES),
        ("UserLogin", USER_LOGIN_RULES),
    ] {
        if snapshot.not_read.iter().any(|n| n.what == what) {
            continue;
        }
        snapshot.not_read.push(NotReadRow {
            what: what.into(),
            reason: "not queried: the users could not be read, so no integration user is known"
                .into(),
            missing_permission: missing_permission.clone(),
            rules: rules.iter().map(|s| s.to_string()).collect(),
        });
    }
}

/// The identity graph over what was read picks the integration users.
pub(crate) fn integration_user_ids(
    snapshot: &OrgSnapshot,
    extra_usernames: &[String],
) -> Vec<String> {
    let mut inventory = Inventory::default();
    crate::convert::apply(snapshot, &mut inventory);
    inventory.identity_hints = extra_usernames
        .iter()
        .map(|u| intguard_model::IdentityHint {
            username: u.clone(),
            ..Default::default()
        })
        .collect();
    inventory.build_identities();
    let by_name: HashMap<String, &str> = snapshot
        .users
        .iter()
        .map(|u| (u.username.to_lowercase(), u.id.as_str()))
        .collect();
    let mut ids: Vec<String> = inventory
        .identities
        .iter()
        .filter_map(|i| i.username.as_deref())
        .filter_map(|u| by_name.get(&u.to_lowercase()).map(|s| s.to_string()))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The instance host, standing for the org when the token named no org id.
fn instance_host(snapshot: &OrgSnapshot) -> String {
    let url = snapshot.org.instance_url.trim_end_matches('/');
    url.split("://").nth(1).unwrap_or(url).to_string()
}

// ---------------------------------------------------------------------------
// Records to rows.

/// A text field, following `Profile.Name` paths.
fn s(v: &Value, path: &str) -> Option<String> {
    let mut cur = v;
    for part in path.split('.') {
        cur = cur.get(part)?;
    }
    cur.as_str().map(str::to_string)
}

fn b(v: &Value, field: &str) -> bool {
    v.get(field).and_then(Value::as_bool).unwrap_or(false)
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn fill_setup(
    snapshot: &mut OrgSnapshot,
    results: &QueryResults,
    permission_fields: &[String],
    muting_fields: &[String],
) {
    let rows = |key: &str| results.rows(key);
    snapshot.users = rows("users")
        .iter()
        .map(|r| UserRow {
            id: s(r, "Id").unwrap_or_default(),
            username: s(r, "Username").unwrap_or_default(),
            name: s(r, "Name"),
            is_active: b(r, "IsActive"),
            user_type: s(r, "UserType"),
            profile_id: s(r, "ProfileId"),
            profile_name: s(r, "Profile.Name"),
            license: s(r, "Profile.UserLicense.Name"),
            last_login_date: s(r, "LastLoginDate"),
            last_password_change_date: s(r, "LastPasswordChangeDate"),
            created_date: s(r, "CreatedDate"),
        })
        .collect();
    snapshot.permission_sets = rows("permsets")
        .iter()
        .map(|r| PermissionSetRow {
            id: s(r, "Id").unwrap_or_default(),
            name: s(r, "Name").unwrap_or_default(),
            label: s(r, "Label"),
            is_owned_by_profile: b(r, "IsOwnedByProfile"),
            profile_id: s(r, "ProfileId"),
            profile_name: s(r, "Profile.Name"),
            profile_license: s(r, "Profile.UserLicense.Name"),
            license: s(r, "License.Name"),
            permission_set_group_id: s(r, "PermissionSetGroupId"),
            permissions: permission_fields
                .iter()
                .filter(|f| b(r, f))
                .map(|f| f.trim_start_matches("Permissions").to_string())
                .collect(),
        })
        .collect();
    snapshot.assignments = rows("assignments")
        .iter()
        .map(|r| AssignmentRow {
            assignee_id: s(r, "AssigneeId").unwrap_or_default(),
            permission_set_id: s(r, "PermissionSetId").unwrap_or_default(),
            permission_set_group_id: s(r, "PermissionSetGroupId"),
        })
        .collect();
    snapshot.object_permissions = rows("objperms")
        .iter()
        .map(|r| ObjectPermissionRow {
            parent_id: s(r, "ParentId").unwrap_or_default(),
            sobject_type: s(r, "SobjectType").unwrap_or_default(),
            read: b(r, "PermissionsRead"),
            create: b(r, "PermissionsCreate"),
            edit: b(r, "PermissionsEdit"),
            delete: b(r, "PermissionsDelete"),
            view_all: b(r, "PermissionsViewAllRecords"),
            modify_all: b(r, "PermissionsModifyAllRecords"),
        })
        .collect();
    snapshot.setup_entity_access = rows("preauth")
        .iter()
        .map(|r| SetupEntityAccessRow {
            parent_id: s(r, "ParentId").unwrap_or_default(),
            setup_entity_id: s(r, "SetupEntityId").unwrap_or_default(),
            setup_entity_type: s(r, "SetupEntityType").unwrap_or_default(),
        })
        .collect();
    snapshot.permission_set_groups = rows("groups")
        .iter()
        .map(|r| PermissionSetGroupRow {
            id: s(r, "Id").unwrap_or_default(),
            developer_name: s(r, "DeveloperName").unwrap_or_default(),
            label: s(r, "MasterLabel"),
            status: s(r, "Status"),
        })
        .collect();
    snapshot.group_components = rows("components")
        .iter()
        .map(|r| GroupComponentRow {
            permission_set_group_id: s(r, "PermissionSetGroupId").unwrap_or_default(),
            permission_set_id: s(r, "PermissionSetId").unwrap_or_default(),
        })
        .collect();
    snapshot.connected_apps = rows("connectedapps")
        .iter()
        .map(|r| ConnectedAppRow {
            id: s(r, "Id").unwrap_or_default(),
            name: s(r, "Name").unwrap_or_default(),
            admin_approved_only: r
                .get("OptionsAllowAdminApprovedUsersOnly")
                .and_then(Value::as_bool),
            refresh_token_validity_metric: s(r, "OptionsRefreshTokenValidityMetric"),
            refresh_token_validity_period: r.get("RefreshTokenValidityPeriod").and_then(number),
            created_date: s(r, "CreatedDate"),
        })
        .collect();
    snapshot.external_client_apps = rows("ecas")
        .iter()
        .map(|r| ExternalClientAppRow {
            id: s(r, "Id").unwrap_or_default(),
            developer_name: s(r, "DeveloperName").unwrap_or_default(),
            label: s(r, "MasterLabel"),
            distribution_state: s(r, "DistributionState"),
        })
        .collect();
    snapshot.muting_permission_sets = rows("muting")
        .iter()
        .map(|r| MutingPermissionSetRow {
            id: s(r, "Id").unwrap_or_default(),
            developer_name: s(r, "DeveloperName").unwrap_or_default(),
            label: s(r, "MasterLabel"),
            permissions: muting_fields
                .iter()
                .filter(|f| b(r, f))
                .map(|f| f.trim_start_matches("Permissions").to_string())
                .collect(),
        })
        .collect();
    snapshot.eca_oauth_policies = rows("ecapolicies")
        .iter()
        .map(|r| EcaOauthPolicyRow {
            id: s(r, "Id").unwrap_or_default(),
            external_client_application_id: s(r, "ExternalClientApplicationId").unwrap_or_default(),
            permitted_users_policy_type: s(r, "PermittedUsersPolicyType"),
            ip_relaxation_policy_type: s(r, "IpRelaxationPolicyType"),
            refresh_token_policy_type: s(r, "RefreshTokenPolicyType"),
        })
        .collect();
    snapshot.login_ip_ranges = rows("ipranges")
        .iter()
        .map(|r| LoginIpRangeRow {
            id: s(r, "Id").unwrap_or_default(),
            profile_id: s(r, "ProfileId").unwrap_or_default(),
            start_address: s(r, "StartAddress").unwrap_or_default(),
            end_address: s(r, "EndAddress").unwrap_or_default(),
            description: s(r, "Description"),
        })
        .collect();
}

fn fill_activity(snapshot: &mut OrgSnapshot, results: &QueryResults) {
    let rows = |key: &str| results.rows(key);
    snapshot.login_history = rows("logins")
        .iter()
        .map(|r| LoginHistoryRow {
            id: s(r, "Id").unwrap_or_default(),
            user_id: s(r, "UserId").unwrap_or_default(),
            login_time: s(r, "LoginTime").unwrap_or_default(),
            login_type: s(r, "LoginType"),
            login_sub_type: s(r, "LoginSubType"),
            source_ip: s(r, "SourceIp"),
            status: s(r, "Status"),
            application: s(r, "Application"),
            api_type: s(r, "ApiType"),
        })
        .collect();
    snapshot.oauth_tokens = rows("tokens")
        .iter()
        .map(|r| OauthTokenRow {
            id: s(r, "Id").unwrap_or_default(),
            app_name: s(r, "AppName").unwrap_or_default(),
            user_id: s(r, "UserId").unwrap_or_default(),
            last_used_date: s(r, "LastUsedDate"),
            use_count: r.get("UseCount").and_then(Value::as_u64),
        })
        .collect();
    snapshot.user_logins = rows("userlogins")
        .iter()
        .map(|r| UserLoginRow {
            id: s(r, "Id").unwrap_or_default(),
            user_id: s(r, "UserId").unwrap_or_default(),
            is_frozen: b(r, "IsFrozen"),
            is_password_locked: b(r, "IsPasswordLocked"),
        })
        .collect();
    snapshot
        .user_logins
        .sort_by(|a, b| (&a.user_id, &a.id).cmp(&(&b.user_id, &b.id)));
    // Keep the snapshot stable whatever the page order.
    snapshot.login_history.sort_by(|a, b| {
        (&a.user_id, &a.login_time, &a.id).cmp(&(&b.user_id, &b.login_time, &b.id))
    });
}
