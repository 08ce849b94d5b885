//! A simulated Salesforce org for tests: HTTPS on 127.0.0.1 with a throw-away
//! CA (rcgen), serving the real JSON shapes of the REST API (versions,
//! describe, query with `nextRecordsUrl` paging at 2,000 rows, composite,
//! Tooling query, error bodies, `Sforce-Limit-Info`) and a token endpoint. It
//! counts every API call and records every request that is not a read (any
//! method but GET, except composite POSTs of GETs and the token endpoint) as
//! a violation. Faults can be queued (401, 503, ConcurrentPerOrgLongTxn,
//! TotalRequests), objects denied, and calls left unanswered (the
//! connection closed, or stalled past the client's timeout).
#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

pub const API_VERSION: &str = "62.0";
pub const PAGE: usize = 2000;
/// 2026-11-01T00:00:00Z: "now" of every test.
pub const NOW: i64 = 1_793_491_200;
pub const DAY: i64 = 86_400;

/// `2026-...T...000+0000`, as Salesforce writes date-times.
pub fn sf_date(unix: i64) -> String {
    let days = unix.div_euclid(DAY);
    let secs = unix.rem_euclid(DAY);
    // civil from days (Howard Hinnant), test-only
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.000+0000",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

// ---------------------------------------------------------------------------
// PKI and HTTPS server: salesforce-auth's test ones.

/// salesforce-auth's test PKI and HTTPS server on 127.0.0.1.
#[path = "../../../salesforce-auth/tests/common/mod.rs"]
pub mod https;

pub use https::{percent_decode, HangUp, Request, Response, TestPki as Pki, TestServer};

// ---------------------------------------------------------------------------
// The org.

/// A fault to answer the next API call with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 401 INVALID_SESSION_ID (and the current token stops working).
    ExpireSession,
    /// 503 Service Unavailable.
    Unavailable,
    /// 403 ConcurrentPerOrgLongTxn.
    Concurrent,
    /// 403 TotalRequests Limit exceeded.
    DailyLimit,
    /// 400 QUERY_TIMEOUT: the query ran too long (not an access error).
    QueryTimeout,
}

/// The seeded org's records by object.
#[derive(Default)]
pub struct OrgData {
    pub records: HashMap<&'static str, Vec<Value>>,
    /// `PermissionsX` fields PermissionSet has (its describe).
    pub permission_fields: Vec<String>,
    pub health_check: Value,
}

pub struct FakeOrg {
    pub data: OrgData,
    pub url: Mutex<String>,
    /// API calls (every request but the token endpoint).
    pub calls: AtomicU64,
    pub token_requests: AtomicU64,
    pub violations: Mutex<Vec<String>>,
    pub faults: Mutex<VecDeque<Fault>>,
    /// Faults for composite subrequests (the call itself succeeds): each
    /// answers, once, the first subrequest whose URL contains its text.
    pub sub_faults: Mutex<Vec<(String, Fault)>>,
    /// Faults answered to every GET and composite subrequest whose URL
    /// contains the text, however often it is sent (an outage of one query).
    pub outages: Mutex<Vec<(String, Fault)>>,
    /// API calls left unanswered (the connection closed, or stalled), every
    /// time: a call whose path, or the URL of one of its composite
    /// subrequests, contains the text. The call is counted.
    pub hang_ups: Mutex<Vec<(String, HangUp)>>,
    /// As `hang_ups`, once each: the first call matching it is left
    /// unanswered, a retry of it is answered (a dropped connection).
    pub hang_ups_once: Mutex<Vec<(String, HangUp)>>,
    /// The org's daily API requests run out after this many calls: every
    /// later call is answered 403 TotalRequests Limit exceeded.
    pub daily_limit_after: Mutex<Option<u64>>,
    /// The token endpoint answers this OAuth error (`error`,
    /// `error_description`) once this many tokens were issued.
    pub token_error_after: Mutex<Option<(u64, &'static str, &'static str)>>,
    /// Objects whose queries answer INSUFFICIENT_ACCESS.
    pub denied: Mutex<HashSet<String>>,
    /// Objects whose queries answer INVALID_TYPE (not in this org).
    pub missing: Mutex<HashSet<String>>,
    tokens: Mutex<HashSet<String>>,
    /// Query locator -> (object, the indices of its rows the query selected).
    cursors: Mutex<HashMap<String, (String, Vec<usize>)>>,
    next_cursor: AtomicU64,
    pub api_max: u64,
    pub api_used_before: u64,
    /// Simulated latency per API call (benchmarks).
    pub latency: Duration,
}

pub struct Running {
    pub org: Arc<FakeOrg>,
    pub pki: Pki,
}

impl Running {
    pub fn url(&self) -> String {
        self.org.url.lock().unwrap().clone()
    }
    pub fn calls(&self) -> u64 {
        self.org.calls.load(Ordering::SeqCst)
    }
    pub fn violations(&self) -> Vec<String> {
        self.org.violations.lock().unwrap().clone()
    }
}

impl FakeOrg {
    pub fn new(data: OrgData) -> FakeOrg {
        FakeOrg {
            data,
            url: Mutex::new(String::new()),
            calls: AtomicU64::new(0),
            token_requests: AtomicU64::new(0),
            violations: Mutex::new(Vec::new()),
            faults: Mutex::new(VecDeque::new()),
            sub_faults: Mutex::new(Vec::new()),
            outages: Mutex::new(Vec::new()),
            hang_ups: Mutex::new(Vec::new()),
            hang_ups_once: Mutex::new(Vec::new()),
            daily_limit_after: Mutex::new(None),
            token_error_after: Mutex::new(None),
            denied: Mutex::new(HashSet::new()),
            missing: Mutex::new(HashSet::new()),
            tokens: Mutex::new(HashSet::new()),
            cursors: Mutex::new(HashMap::new()),
            next_cursor: AtomicU64::new(1),
            api_max: 15_000,
            api_used_before: 120,
            latency: Duration::ZERO,
        }
    }

    pub fn start(self) -> Running {
        self.start_with(Pki::server_config)
    }

    /// Started requiring a client certificate of the test CA (mutual TLS,
    /// as Salesforce on port 8443), on the token endpoint too.
    pub fn start_mtls(self) -> Running {
        self.start_with(Pki::mtls_server_config)
    }

    fn start_with(self, config: impl Fn(&Pki) -> Arc<rustls::ServerConfig>) -> Running {
        let pki = Pki::new();
        let org = Arc::new(self);
        let o = org.clone();
        let server = TestServer::start(config(&pki), Arc::new(move |req: &Request| o.handle(req)));
        *org.url.lock().unwrap() = server.url();
        Running { org, pki }
    }

    /// A new valid access token.
    pub fn issue_token(&self) -> String {
        let n = self.token_requests.fetch_add(1, Ordering::SeqCst);
        let token = format!("00DSIM000000001!AQ{n:04}simulatedaccesstokenvalue");
        self.tokens.lock().unwrap().insert(token.clone());
        token
    }

    fn violation(&self, what: String) -> Response {
        self.violations.lock().unwrap().push(what.clone());
        Response::json(
            405,
            &json!([{"errorCode": "METHOD_NOT_ALLOWED", "message": what}]),
        )
    }

    fn with_limits(&self, mut r: Response) -> Response {
        let used = self.api_used_before + self.calls.load(Ordering::SeqCst);
        r.headers.push((
            "Sforce-Limit-Info".into(),
            format!("api-usage={used}/{}", self.api_max),
        ));
        r
    }

    pub fn handle(&self, req: &Request) -> Response {
        if req.path == "/services/oauth2/token" && req.method == "POST" {
            if let Some((after, error, description)) = *self.token_error_after.lock().unwrap() {
                if self.token_requests.load(Ordering::SeqCst) >= after {
                    return Response::json(
                        400,
                        &json!({"error": error, "error_description": description}),
                    );
                }
            }
            let token = self.issue_token();
            return Response::json(
                200,
                &json!({
                    "access_token": token,
                    "instance_url": self.url.lock().unwrap().clone(),
                    "id": "https://login.salesforce.com/id/00DSIM000000001AAA/005SIM000000001AAA",
                    "token_type": "Bearer",
                    "scope": "api"
                }),
            );
        }
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(how) = self.hang_up(req) {
            return Response::hang_up(how);
        }
        if self
            .daily_limit_after
            .lock()
            .unwrap()
            .is_some_and(|n| call > n)
        {
            let r = self.fault_response(Fault::DailyLimit, "");
            return self.with_limits(r);
        }
        if !self.latency.is_zero() {
            std::thread::sleep(self.latency);
        }
        let bearer = req
            .headers
            .get("authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
            .unwrap_or("")
            .to_string();
        if let Some(fault) = self.faults.lock().unwrap().pop_front() {
            let r = self.fault_response(fault, &bearer);
            return self.with_limits(r);
        }
        if !self.tokens.lock().unwrap().contains(&bearer) {
            return self.with_limits(Response::json(
                401,
                &json!([{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}]),
            ));
        }
        let r = match req.method.as_str() {
            "GET" => match self.outage(&req.path) {
                Some(fault) => self.fault_response(fault, &bearer),
                None => self.get(&req.path),
            },
            "POST" if req.path == format!("/services/data/v{API_VERSION}/composite") => {
                self.composite(&req.body)
            }
            m => self.violation(format!("{m} {}", req.path)),
        };
        self.with_limits(r)
    }

    fn fault_response(&self, fault: Fault, bearer: &str) -> Response {
        match fault {
            Fault::ExpireSession => {
                self.tokens.lock().unwrap().remove(bearer);
                Response::json(
                    401,
                    &json!([{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}]),
                )
            }
            Fault::Unavailable => Response::json(
                503,
                &json!([{"errorCode": "SERVER_UNAVAILABLE", "message": "Service Unavailable"}]),
            ),
            Fault::Concurrent => Response::json(
                403,
                &json!([{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "ConcurrentPerOrgLongTxn Limit exceeded."}]),
            ),
            Fault::DailyLimit => Response::json(
                403,
                &json!([{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit exceeded."}]),
            ),
            Fault::QueryTimeout => Response::json(
                400,
                &json!([{"errorCode": "QUERY_TIMEOUT", "message": "Your query request was running for too long."}]),
            ),
        }
    }

    /// How a call is left unanswered, if it is: by its path, or by the URL
    /// of one of its composite subrequests.
    fn hang_up(&self, req: &Request) -> Option<HangUp> {
        let hang_ups = self.hang_ups.lock().unwrap();
        let mut once = self.hang_ups_once.lock().unwrap();
        if hang_ups.is_empty() && once.is_empty() {
            return None;
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let mut urls = vec![req.path.clone()];
        urls.extend(
            body["compositeRequest"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s["url"].as_str().map(str::to_string)),
        );
        let matches = |needle: &str| urls.iter().any(|u| u.contains(needle));
        if let Some(i) = once.iter().position(|(needle, _)| matches(needle)) {
            return Some(once.remove(i).1);
        }
        hang_ups
            .iter()
            .find(|(needle, _)| matches(needle))
            .map(|(_, how)| *how)
    }

    /// The outage fault of a URL, if any.
    fn outage(&self, url: &str) -> Option<Fault> {
        self.outages
            .lock()
            .unwrap()
            .iter()
            .find(|(needle, _)| url.contains(needle.as_str()))
            .map(|(_, f)| *f)
    }

    fn composite(&self, body: &[u8]) -> Response {
        let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let subs = body["compositeRequest"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if subs.len() > 5 {
            return Response::json(
                400,
                &json!([{"errorCode": "INVALID_BATCH_REQUEST", "message": "more than 5 queries"}]),
            );
        }
        // The subresponses' bodies are spliced in as they are (no re-parse).
        let mut out: Vec<u8> = b"{\"compositeResponse\":[".to_vec();
        for (n, s) in subs.iter().enumerate() {
            let method = s["method"].as_str().unwrap_or("");
            let url = s["url"].as_str().unwrap_or("");
            let sub_fault = {
                let mut faults = self.sub_faults.lock().unwrap();
                faults
                    .iter()
                    .position(|(needle, _)| url.contains(needle.as_str()))
                    .map(|i| faults.remove(i).1)
                    .or_else(|| self.outage(url))
            };
            let r = if let (Some(fault), "GET") = (sub_fault, method) {
                self.fault_response(fault, "")
            } else if method == "GET" {
                self.get(url)
            } else {
                self.violation(format!("composite {method} {url}"))
            };
            if n > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"body\":");
            out.extend_from_slice(&r.body);
            out.extend_from_slice(
                format!(
                    ",\"httpHeaders\":{{}},\"httpStatusCode\":{},\"referenceId\":{}}}",
                    r.status, s["referenceId"]
                )
                .as_bytes(),
            );
        }
        out.extend_from_slice(b"]}");
        Response {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: out,
            hang_up: None,
        }
    }

    fn get(&self, path: &str) -> Response {
        let base = format!("/services/data/v{API_VERSION}");
        if path == "/services/data/" || path == "/services/data" {
            return Response::json(
                200,
                &json!([
                    {"label": "Spring '24", "url": "/services/data/v60.0", "version": "60.0"},
                    {"label": "Winter '25", "url": format!("{base}"), "version": API_VERSION},
                    {"label": "Summer '24", "url": "/services/data/v61.0", "version": "61.0"}
                ]),
            );
        }
        let describe = ["PermissionSet", "MutingPermissionSet"]
            .into_iter()
            .find(|o| path == format!("{base}/sobjects/{o}/describe"));
        if let Some(object) = describe {
            if self.missing.lock().unwrap().contains(object) {
                return Response::json(
                    404,
                    &json!([{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]),
                );
            }
            let mut fields: Vec<Value> = [
                "Id",
                "Name",
                "Label",
                "IsOwnedByProfile",
                "ProfileId",
                "LicenseId",
                "PermissionSetGroupId",
                "Type",
            ]
            .iter()
            .map(|n| json!({"name": n, "type": "string"}))
            .collect();
            fields.extend(
                self.data
                    .permission_fields
                    .iter()
                    .map(|n| json!({"name": n, "type": "boolean"})),
            );
            fields.push(json!({"name": "PermissionsEmailSingle", "type": "boolean"}));
            return Response::json(200, &json!({"name": object, "fields": fields}));
        }
        if let Some(q) = path.strip_prefix(&format!("{base}/tooling/query?q=")) {
            let soql = percent_decode(q);
            if self.denied.lock().unwrap().contains("SecurityHealthCheck") {
                return insufficient("SecurityHealthCheck");
            }
            assert!(soql.contains("FROM SecurityHealthCheck"), "{soql}");
            return Response::json(
                200,
                &json!({"size": 1, "totalSize": 1, "done": true, "queryLocator": null,
                    "entityTypeName": "SecurityHealthCheck", "records": [self.data.health_check]}),
            );
        }
        if let Some(q) = path.strip_prefix(&format!("{base}/query?q=")) {
            return self.query(&percent_decode(q));
        }
        if let Some(cursor) = path.strip_prefix(&format!("{base}/query/")) {
            return self.page(cursor);
        }
        Response::json(
            404,
            &json!([{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}]),
        )
    }

    fn query(&self, soql: &str) -> Response {
        let object = soql
            .split(" FROM ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or("")
            .to_string();
        if self.missing.lock().unwrap().contains(&object) {
            return Response::json(
                400,
                &json!([{"errorCode": "INVALID_TYPE", "message": format!("sObject type '{object}' is not supported.")}]),
            );
        }
        if self.denied.lock().unwrap().contains(&object) {
            return insufficient(&object);
        }
        if object == "PermissionSet" || object == "MutingPermissionSet" {
            // The org has only the fields of its describe.
            let select = soql.split(" FROM ").next().unwrap_or("");
            for f in select.trim_start_matches("SELECT ").split(',') {
                let f = f.trim();
                if f.starts_with("Permissions")
                    && !self.data.permission_fields.iter().any(|x| x == f)
                {
                    return Response::json(
                        400,
                        &json!([{"errorCode": "INVALID_FIELD", "message": format!("No such column '{f}' on entity '{object}'."), "fields": [f]}]),
                    );
                }
            }
        }
        let Some(all) = self.data.records.get(object.as_str()) else {
            return Response::json(
                400,
                &json!([{"errorCode": "INVALID_TYPE", "message": format!("sObject type '{object}' is not supported.")}]),
            );
        };
        // The only filter the reader sends that matters: UserId IN (...).
        let mut rows: Vec<usize> = match soql.split("UserId IN (").nth(1) {
            Some(rest) => {
                let ids: HashSet<&str> = rest
                    .split(')')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(|s| s.trim().trim_matches('\''))
                    .collect();
                (0..all.len())
                    .filter(|i| ids.contains(all[*i]["UserId"].as_str().unwrap_or("")))
                    .collect()
            }
            None => (0..all.len()).collect(),
        };
        if object == "OauthToken" {
            // Salesforce returns no more than 2,500 OauthToken rows.
            rows.truncate(2_500);
        }
        let cursor = format!(
            "01gSIM{:06}",
            self.next_cursor.fetch_add(1, Ordering::SeqCst)
        );
        self.cursors
            .lock()
            .unwrap()
            .insert(cursor.clone(), (object, rows));
        self.page(&format!("{cursor}-0"))
    }

    fn page(&self, cursor: &str) -> Response {
        let (id, offset) = cursor.rsplit_once('-').unwrap_or((cursor, "0"));
        let offset: usize = offset.parse().unwrap_or(0);
        let cursors = self.cursors.lock().unwrap();
        let Some((object, rows)) = cursors.get(id) else {
            return Response::json(
                400,
                &json!([{"errorCode": "INVALID_QUERY_LOCATOR", "message": "invalid query locator"}]),
            );
        };
        let all = &self.data.records[object.as_str()];
        let end = (offset + PAGE).min(rows.len());
        let done = end >= rows.len();
        // Written from references: the rows are not cloned per page.
        let mut body = format!("{{\"totalSize\":{},\"done\":{done},", rows.len()).into_bytes();
        if !done {
            body.extend_from_slice(
                format!("\"nextRecordsUrl\":\"/services/data/v{API_VERSION}/query/{id}-{end}\",")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(b"\"records\":[");
        for (n, i) in rows[offset.min(rows.len())..end].iter().enumerate() {
            if n > 0 {
                body.push(b',');
            }
            serde_json::to_writer(&mut body, &all[*i]).unwrap();
        }
        body.extend_from_slice(b"]}");
        Response {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body,
            hang_up: None,
        }
    }
}

fn insufficient(object: &str) -> Response {
    Response::json(
        403,
        &json!([{"errorCode": "INSUFFICIENT_ACCESS", "message": format!("insufficient access rights on {object}")}]),
    )
}

// ---------------------------------------------------------------------------
// The seeded org.

fn attrs(object: &str, id: &str) -> Value {
    json!({"type": object, "url": format!("/services/data/v{API_VERSION}/sobjects/{object}/{id}")})
}

/// Ids like Salesforce's: a 3-character prefix and a number, 18 characters.
pub fn sfid(prefix: &str, n: usize) -> String {
    format!("{prefix}SIM{n:012}")
}

pub struct Profile {
    pub id: &'static str,
    pub ps_id: &'static str,
    pub name: &'static str,
    pub license: &'static str,
    pub perms: &'static [&'static str],
}

pub const PROFILES: &[Profile] = &[
    Profile {
        id: "00eSIM000000000ADM",
        ps_id: "0PSSIM00000000PADM",
        name: "System Administrator",
        license: "Salesforce",
        perms: &[
            "ApiEnabled",
            "ModifyAllData",
            "ViewAllData",
            "CustomizeApplication",
            "ManageUsers",
            "AuthorApex",
        ],
    },
    Profile {
        id: "00eSIM000000000STD",
        ps_id: "0PSSIM00000000PSTD",
        name: "Standard User",
        license: "Salesforce",
        perms: &["ApiEnabled"],
    },
    Profile {
        id: "00eSIM000000000MIN",
        ps_id: "0PSSIM00000000PMIN",
        name: "Minimum Access - API Only Integrations",
        license: "Salesforce Integration",
        perms: &["ApiEnabled", "ApiUserOnly"],
    },
    Profile {
        id: "00eSIM000000000INT",
        ps_id: "0PSSIM00000000PINT",
        name: "Acme Integration",
        license: "Salesforce",
        perms: &["ApiEnabled", "ApiUserOnly"],
    },
];

/// An integration user of the seed and what makes it interesting.
pub struct IntegrationUser {
    pub username: &'static str,
    pub profile: usize,
    pub permission_sets: &'static [&'static str],
    pub last_login_days_ago: i64,
    pub password_changed_days_ago: i64,
}

pub const INTEGRATION_USERS: &[IntegrationUser] = &[
    // clean: JWT from its ranges, recent everything
    IntegrationUser {
        username: "int.orders@acme.example",
        profile: 2,
        permission_sets: &["Orders_Integration"],
        last_login_days_ago: 1,
        password_changed_days_ago: 10,
    },
    // IG301: System Administrator, made API-only by a permission set
    IntegrationUser {
        username: "int.legacy@acme.example",
        profile: 0,
        permission_sets: &["API_Only"],
        last_login_days_ago: 2,
        password_changed_days_ago: 20,
    },
    // IG113 + IG101: logs in with an old password
    IntegrationUser {
        username: "int.stale@acme.example",
        profile: 2,
        permission_sets: &["Orders_Integration"],
        last_login_days_ago: 1,
        password_changed_days_ago: 400,
    },
    // IG306: no login for 200 days, an unused token
    IntegrationUser {
        username: "int.dormant@acme.example",
        profile: 2,
        permission_sets: &[],
        last_login_days_ago: 200,
        password_changed_days_ago: 30,
    },
    // IG303: two apps hold tokens of one user
    IntegrationUser {
        username: "int.shared@acme.example",
        profile: 2,
        permission_sets: &["Orders_Integration"],
        last_login_days_ago: 1,
        password_changed_days_ago: 30,
    },
    // IG202: logs in from outside its profile's ranges
    IntegrationUser {
        username: "int.roaming@acme.example",
        profile: 2,
        permission_sets: &[],
        last_login_days_ago: 1,
        password_changed_days_ago: 30,
    },
    // IG202: a profile with no ranges at all
    IntegrationUser {
        username: "int.open@acme.example",
        profile: 3,
        permission_sets: &[],
        last_login_days_ago: 1,
        password_changed_days_ago: 30,
    },
];

pub const GROUP_ID: &str = "0PGSIM000000000001";
pub const GROUP_AGGREGATE_PS: &str = "0PSSIM00000000GRP1";
pub const MUTING_ID: &str = "0QMSIM000000000001";

/// An org of `users` users (the integration users above among them) and
/// `permission_sets` permission sets (plus the integration ones).
pub fn seed(users: usize, permission_sets: usize) -> OrgData {
    let mut r: HashMap<&'static str, Vec<Value>> = HashMap::new();
    let date = |days_ago: i64| sf_date(NOW - days_ago * DAY);
    let mut permission_fields: Vec<String> = [
        "ApiEnabled",
        "ApiUserOnly",
        "ModifyAllData",
        "ViewAllData",
        "CustomizeApplication",
        "ManageUsers",
        "AuthorApex",
        "PasswordNeverExpires",
        "UseAnyApiClient",
        "ModifyMetadata",
    ]
    .iter()
    .map(|p| format!("Permissions{p}"))
    .collect();
    permission_fields.sort();

    let ps = r.entry("PermissionSet").or_default();
    let perm_row = |id: &str, name: &str, perms: &[&str], extra: Value| {
        let mut v = json!({"attributes": attrs("PermissionSet", id), "Id": id, "Name": name, "Label": name,
            "IsOwnedByProfile": false, "ProfileId": null, "Profile": null, "License": null, "PermissionSetGroupId": null});
        for f in &permission_fields {
            v[f] = json!(perms.iter().any(|p| format!("Permissions{p}") == *f));
        }
        if let Value::Object(extra) = extra {
            for (k, x) in extra {
                v[k] = x;
            }
        }
        v
    };
    for p in PROFILES {
        ps.push(perm_row(
            p.ps_id,
            &format!("X00e{}", &p.id[3..]),
            p.perms,
            json!({"IsOwnedByProfile": true, "ProfileId": p.id,
                "Profile": {"attributes": attrs("Profile", p.id), "Name": p.name, "UserLicense": {"attributes": attrs("UserLicense", "100"), "Name": p.license}}}),
        ));
    }
    let named_sets: &[(&str, &str, &[&str])] = &[
        ("0PSSIM0000000ORDER", "Orders_Integration", &["ApiEnabled"]),
        ("0PSSIM0000000APION", "API_Only", &["ApiUserOnly"]),
        ("0PSSIM0000000BILLS", "Billing_Integration", &["ApiEnabled"]),
        (
            "0PSSIM0000000LOADR",
            "Data_Loader",
            &["ModifyAllData", "ViewAllData"],
        ),
    ];
    for (id, name, perms) in named_sets {
        ps.push(perm_row(id, name, perms, json!({})));
    }
    // The aggregate permission set of the group Ops_Bundle.
    ps.push(perm_row(
        GROUP_AGGREGATE_PS,
        "Ops_Bundle_Aggregate",
        &["ViewAllData"],
        json!({"PermissionSetGroupId": GROUP_ID}),
    ));
    for i in 0..permission_sets {
        let perms: &[&str] = if i == 7 {
            &["ModifyAllData"]
        } else {
            &["ApiEnabled"]
        };
        ps.push(perm_row(
            &sfid("0PS", i),
            &format!("PS_{i:04}"),
            perms,
            json!({}),
        ));
    }

    let objects = r.entry("ObjectPermissions").or_default();
    for i in 0..permission_sets {
        let id = sfid("0PS", i);
        objects.push(json!({"attributes": attrs("ObjectPermissions", &sfid("110", i)), "ParentId": id, "SobjectType": "Account",
            "PermissionsRead": true, "PermissionsCreate": false, "PermissionsEdit": false, "PermissionsDelete": false,
            "PermissionsViewAllRecords": false, "PermissionsModifyAllRecords": false}));
    }
    objects.push(json!({"attributes": attrs("ObjectPermissions", "110SIM0000000ORDER"), "ParentId": "0PSSIM0000000ORDER", "SobjectType": "Order",
        "PermissionsRead": true, "PermissionsCreate": true, "PermissionsEdit": true, "PermissionsDelete": false,
        "PermissionsViewAllRecords": false, "PermissionsModifyAllRecords": false}));

    let mut user_rows = Vec::new();
    let mut assignments = Vec::new();
    let user = |id: &str, username: &str, profile: &Profile, last_login: i64, pw: i64| {
        json!({"attributes": attrs("User", id), "Id": id, "Username": username, "Name": username,
            "IsActive": true, "UserType": "Standard", "ProfileId": profile.id,
            "Profile": {"attributes": attrs("Profile", profile.id), "Name": profile.name,
                "UserLicense": {"attributes": attrs("UserLicense", "100"), "Name": profile.license}},
            "LastLoginDate": date(last_login), "LastPasswordChangeDate": date(pw), "CreatedDate": date(900)})
    };
    let assignment = |n: usize, assignee: &str, ps: &str| {
        json!({"attributes": attrs("PermissionSetAssignment", &sfid("0Pa", n)), "AssigneeId": assignee,
            "PermissionSetId": ps, "PermissionSetGroupId": null})
    };
    for (k, u) in INTEGRATION_USERS.iter().enumerate() {
        let id = sfid("005", 900_000 + k);
        user_rows.push(user(
            &id,
            u.username,
            &PROFILES[u.profile],
            u.last_login_days_ago,
            u.password_changed_days_ago,
        ));
        for name in u.permission_sets {
            let ps = named_sets.iter().find(|(_, n, _)| n == name).unwrap().0;
            assignments.push(assignment(900_000 + assignments.len(), &id, ps));
        }
    }
    for i in 0..users.saturating_sub(INTEGRATION_USERS.len()) {
        let id = sfid("005", i);
        user_rows.push(user(
            &id,
            &format!("user{i}@acme.example"),
            &PROFILES[1],
            3,
            30,
        ));
        if permission_sets > 0 {
            assignments.push(assignment(i, &id, &sfid("0PS", i % permission_sets)));
        }
    }
    // int.open@ holds the group Ops_Bundle: Data_Loader with ModifyAllData
    // muted, so only ViewAllData reaches the user.
    assignments.push(json!({"attributes": attrs("PermissionSetAssignment", &sfid("0Pa", 999_999)),
        "AssigneeId": sfid("005", 900_000 + INTEGRATION_USERS.iter().position(|u| u.username == "int.open@acme.example").unwrap()),
        "PermissionSetId": GROUP_AGGREGATE_PS, "PermissionSetGroupId": GROUP_ID}));
    r.insert("User", user_rows);
    r.insert("PermissionSetAssignment", assignments);
    // One UserLogin per user; the integration users' are the ones queried.
    // Nobody is frozen or locked out (tests freeze whom they need).
    r.insert(
        "UserLogin",
        (0..INTEGRATION_USERS.len())
            .map(|k| {
                let id = sfid("060", 900_000 + k);
                json!({"attributes": attrs("UserLogin", &id), "Id": id, "UserId": sfid("005", 900_000 + k),
                    "IsFrozen": false, "IsPasswordLocked": false})
            })
            .collect(),
    );

    let uid = |name: &str| {
        sfid(
            "005",
            900_000
                + INTEGRATION_USERS
                    .iter()
                    .position(|u| u.username == name)
                    .unwrap(),
        )
    };
    let mut logins = Vec::new();
    let mut login = |user: &str,
                     days_ago: i64,
                     sub: &str,
                     ip: &str,
                     status: &str,
                     app: &str,
                     api: &str| {
        let n = logins.len();
        logins.push(json!({"attributes": attrs("LoginHistory", &sfid("0Ya", n)), "Id": sfid("0Ya", n), "UserId": uid(user),
            "LoginTime": date(days_ago), "LoginType": if api.starts_with("SOAP") { "Application" } else { "Remote Access 2.0" },
            "LoginSubType": sub, "SourceIp": ip, "Status": status, "Application": app, "ApiType": api}));
    };
    login(
        "int.orders@acme.example",
        1,
        "OauthJwtBearer",
        "203.0.113.10",
        "Success",
        "Orders Sync",
        "REST API",
    );
    login(
        "int.orders@acme.example",
        2,
        "OauthJwtBearer",
        "203.0.113.10",
        "Success",
        "Orders Sync",
        "REST API",
    );
    login(
        "int.legacy@acme.example",
        2,
        "OauthJwtBearer",
        "203.0.113.12",
        "Success",
        "Orders Sync",
        "REST API",
    );
    login(
        "int.stale@acme.example",
        1,
        "OauthUsernamePassword",
        "203.0.113.11",
        "Success",
        "Legacy ETL",
        "REST API",
    );
    login(
        "int.stale@acme.example",
        3,
        "OauthUsernamePassword",
        "203.0.113.11",
        "Success",
        "Legacy ETL",
        "REST API",
    );
    login(
        "int.shared@acme.example",
        1,
        "OauthJwtBearer",
        "203.0.113.20",
        "Success",
        "Orders Sync",
        "REST API",
    );
    login(
        "int.shared@acme.example",
        1,
        "OauthJwtBearer",
        "203.0.113.21",
        "Success",
        "Billing Sync",
        "REST API",
    );
    login(
        "int.roaming@acme.example",
        1,
        "OauthJwtBearer",
        "198.51.100.7",
        "Success",
        "Orders Sync",
        "REST API",
    );
    login(
        "int.open@acme.example",
        1,
        "OauthJwtBearer",
        "192.0.2.50",
        "Success",
        "Orders Sync",
        "REST API",
    );
    r.insert("LoginHistory", logins);

    let token = |n: usize, user: &str, app: &str, days_ago: i64| {
        json!({"attributes": attrs("OauthToken", &sfid("0CQ", n)), "Id": sfid("0CQ", n), "AppName": app, "UserId": uid(user),
            "LastUsedDate": date(days_ago), "UseCount": 42})
    };
    r.insert(
        "OauthToken",
        vec![
            token(1, "int.orders@acme.example", "Orders Sync", 1),
            token(2, "int.dormant@acme.example", "Old Sync", 200),
            token(3, "int.shared@acme.example", "Orders Sync", 1),
            token(4, "int.shared@acme.example", "Billing Sync", 1),
        ],
    );

    r.insert(
        "LoginIpRange",
        vec![json!({"attributes": attrs("LoginIpRange", "0IPSIM000000000001"), "Id": "0IPSIM000000000001",
            "ProfileId": PROFILES[2].id, "StartAddress": "203.0.113.0", "EndAddress": "203.0.113.255", "Description": "CloudHub egress"})],
    );
    r.insert(
        "ConnectedApplication",
        vec![
            json!({"attributes": attrs("ConnectedApplication", "0H4SIM000000000001"), "Id": "0H4SIM000000000001", "Name": "Orders Sync",
                "OptionsAllowAdminApprovedUsersOnly": true, "OptionsRefreshTokenValidityMetric": null, "RefreshTokenValidityPeriod": null,
                "CreatedDate": date(500)}),
            json!({"attributes": attrs("ConnectedApplication", "0H4SIM000000000002"), "Id": "0H4SIM000000000002", "Name": "Billing Sync",
                "OptionsAllowAdminApprovedUsersOnly": false, "OptionsRefreshTokenValidityMetric": null, "RefreshTokenValidityPeriod": null,
                "CreatedDate": date(500)}),
        ],
    );
    r.insert(
        "SetupEntityAccess",
        vec![json!({"attributes": attrs("SetupEntityAccess", "0J0SIM000000000001"), "ParentId": "0PSSIM0000000ORDER",
            "SetupEntityId": "0H4SIM000000000001", "SetupEntityType": "ConnectedApplication"})],
    );
    r.get_mut("SetupEntityAccess").unwrap().push(json!({"attributes": attrs("SetupEntityAccess", "0J0SIM000000000002"),
        "ParentId": "0PSSIM0000000APION", "SetupEntityId": "0xxSIM000000000001", "SetupEntityType": "ExternalClientApplication"}));
    r.insert(
        "ExternalClientApplication",
        vec![json!({"attributes": attrs("ExternalClientApplication", "0xxSIM000000000001"), "Id": "0xxSIM000000000001",
            "DeveloperName": "Legacy_Sync", "MasterLabel": "Legacy Sync", "DistributionState": "Local"})],
    );
    r.insert(
        "PermissionSetGroup",
        vec![
            json!({"attributes": attrs("PermissionSetGroup", GROUP_ID), "Id": GROUP_ID,
            "DeveloperName": "Ops_Bundle", "MasterLabel": "Ops Bundle", "Status": "Updated"}),
        ],
    );
    let mut muting = json!({"attributes": attrs("MutingPermissionSet", MUTING_ID), "Id": MUTING_ID,
        "DeveloperName": "Ops_Bundle_Muting", "MasterLabel": "Ops Bundle Muting"});
    for f in &permission_fields {
        muting[f] = json!(f == "PermissionsModifyAllData");
    }
    r.insert("MutingPermissionSet", vec![muting]);
    r.insert(
        "PermissionSetGroupComponent",
        vec![
            json!({"attributes": attrs("PermissionSetGroupComponent", "0PCSIM000000000001"),
                "PermissionSetGroupId": GROUP_ID, "PermissionSetId": "0PSSIM0000000LOADR"}),
            json!({"attributes": attrs("PermissionSetGroupComponent", "0PCSIM000000000002"),
                "PermissionSetGroupId": GROUP_ID, "PermissionSetId": MUTING_ID}),
        ],
    );
    // The ECA's OAuth policies: self-authorized, IP restrictions bypassed,
    // refresh tokens forever.
    r.insert(
        "ExtlClntAppOauthPlcyCnfg",
        vec![json!({"attributes": attrs("ExtlClntAppOauthPlcyCnfg", "0xpSIM000000000001"), "Id": "0xpSIM000000000001",
            "ExternalClientApplicationId": "0xxSIM000000000001", "PermittedUsersPolicyType": "AllSelfAuthorized",
            "IpRelaxationPolicyType": "Bypass", "RefreshTokenPolicyType": "Infinite"})],
    );

    let health_check = json!({
        "attributes": attrs("SecurityHealthCheck", "0ShSIM000000000001"),
        "Score": "54",
        "SecurityHealthCheckRisks": {"totalSize": 3, "done": true, "records": [
            {"attributes": attrs("SecurityHealthCheckRisks", "1"), "RiskType": "HIGH_RISK", "Setting": "Minimum password length",
                "SettingGroup": "PasswordPolicies", "OrgValue": "8", "StandardValue": "12"},
            {"attributes": attrs("SecurityHealthCheckRisks", "2"), "RiskType": "MEDIUM_RISK", "Setting": "Lock sessions to the IP address from which they originated",
                "SettingGroup": "SessionSettings", "OrgValue": "Disabled", "StandardValue": "Enabled"},
            {"attributes": attrs("SecurityHealthCheckRisks", "3"), "RiskType": "MEETS_STANDARD", "Setting": "Enforce password history",
                "SettingGroup": "PasswordPolicies", "OrgValue": "3", "StandardValue": "3"}
        ]}
    });

    OrgData {
        records: r,
        permission_fields,
        health_check,
    }
}
