//! A read-only client for the org: the only requests it can make are GETs and
//! composite POSTs whose subrequests are GETs ([`GetRequest`] has no method
//! field to set). It counts every call, stops before `max_api_calls`, retries
//! `ConcurrentPerOrgLongTxn` and 5xx answers with exponential backoff, and
//! stops at once when the org's daily budget is gone (the reader then keeps
//! what it read and marks the read partial). A transport error (a refused
//! connection, a reset, a TLS failure, a timeout) on a call after the org
//! has answered one is retried the same way (a proxy or load balancer
//! dropping one connection should not cost a query); once the retries run
//! out, the reader notes the call's queries as not read. On the first call
//! it is not retried: nothing was ever answered, the settings are wrong
//! more likely than the network. Re-authentication on 401 is the
//! [`RestClient`]'s.

use std::cell::Cell;
use std::time::Duration;

use salesforce_auth::rest::ApiErrorItem;
use salesforce_auth::{ApiUsage, RestClient, RestError, RestResponse, TransportError};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// Bounded retries with exponential backoff (`base`, `2 * base`, ...).
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base_delay: Duration,
}

impl RetryPolicy {
    /// The pause before retry number `attempt` (1 for the first).
    pub fn delay(&self, attempt: u32) -> Duration {
        self.base_delay * 2u32.saturating_pow(attempt.saturating_sub(1))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
        }
    }
}

/// Why reading the org stopped.
#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    #[error(transparent)]
    Rest(#[from] RestError),
    #[error("the org's daily API request limit is exhausted (TotalRequests Limit exceeded): nothing more can be read today; try again after the 24-hour window rolls over or ask Salesforce for a higher limit")]
    DailyLimitExceeded,
    #[error("stopped before exceeding --max-api-calls {max}: {spent} calls spent, the next step needs more")]
    BudgetExhausted { max: u64, spent: u64 },
    #[error("Salesforce kept answering HTTP {status} ({summary}) after {attempts} attempts")]
    RetriesExhausted {
        status: u16,
        summary: String,
        attempts: u32,
    },
    /// A call after the org had answered others failing on the connection
    /// at every attempt.
    #[error("{} ({attempts} attempts)", .error.message_mid_session())]
    ConnectionFailed {
        error: TransportError,
        attempts: u32,
    },
    #[error("Salesforce API answered HTTP {status} to {what}: {summary}")]
    Api {
        what: String,
        status: u16,
        errors: Vec<ApiErrorItem>,
        summary: String,
    },
    #[error("unexpected answer from Salesforce to {what}: {message}")]
    Unexpected { what: String, message: String },
}

/// A GET subrequest of a composite call: a path on the instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetRequest {
    pub reference_id: String,
    /// `/services/data/vXX.X/query?q=...` or a `nextRecordsUrl`.
    pub url: String,
}

impl Serialize for GetRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("GetRequest", 3)?;
        // The method is a constant: a composite call of this client cannot write.
        st.serialize_field("method", "GET")?;
        st.serialize_field("url", &self.url)?;
        st.serialize_field("referenceId", &self.reference_id)?;
        st.end()
    }
}

/// One subresponse of a composite call.
#[derive(Debug, Clone)]
pub struct SubResponse {
    pub reference_id: String,
    pub status: u16,
    pub body: Value,
}

impl SubResponse {
    /// Salesforce's error entries when the subrequest failed.
    pub fn errors(&self) -> Vec<ApiErrorItem> {
        serde_json::from_value::<Vec<ApiErrorItem>>(self.body.clone()).unwrap_or_default()
    }
}

/// At most this many query subrequests per composite call (Salesforce's limit).
pub const MAX_QUERIES_PER_COMPOSITE: usize = 5;

/// The read-only org client.
pub struct OrgClient {
    rest: RestClient,
    retry: RetryPolicy,
    max_calls: Option<u64>,
    calls: Cell<u64>,
    /// Some call was answered (whatever its status): a transport error is
    /// retried from then on.
    answered: Cell<bool>,
    usage: Cell<Option<ApiUsage>>,
}

impl OrgClient {
    pub fn new(rest: RestClient) -> Self {
        OrgClient {
            rest,
            retry: RetryPolicy::default(),
            max_calls: None,
            calls: Cell::new(0),
            answered: Cell::new(false),
            usage: Cell::new(None),
        }
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Never make more than `max` calls.
    pub fn with_max_calls(mut self, max: Option<u64>) -> Self {
        self.max_calls = max;
        self
    }

    /// The retry policy (the reader applies it to composite subrequests too).
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// API calls made so far (every HTTP request to the instance, retries
    /// included; the 401 replay inside the REST client excepted).
    pub fn calls(&self) -> u64 {
        self.calls.get()
    }

    /// The org's API usage from the last `Sforce-Limit-Info`.
    pub fn api_usage(&self) -> Option<ApiUsage> {
        self.usage.get()
    }

    pub fn instance_url(&self) -> String {
        self.rest.instance_url()
    }

    /// The org id from the token's identity URL.
    pub fn org_id(&self) -> Option<String> {
        self.rest.token_summary().org_id
    }

    /// GET a path on the instance and decode JSON (non-2xx: [`OrgError::Api`]).
    pub fn get_json(&self, path: &str) -> Result<Value, OrgError> {
        let response = self.send(path, || self.rest.get(path))?;
        decode(path, response)
    }

    /// One composite call of GET subrequests (at most
    /// [`MAX_QUERIES_PER_COMPOSITE`]).
    pub fn composite(
        &self,
        api_version: &str,
        requests: &[GetRequest],
    ) -> Result<Vec<SubResponse>, OrgError> {
        assert!(
            requests.len() <= MAX_QUERIES_PER_COMPOSITE,
            "at most {MAX_QUERIES_PER_COMPOSITE} queries per composite call"
        );
        let path = format!("/services/data/v{api_version}/composite");
        let body = serde_json::json!({ "allOrNone": false, "compositeRequest": requests });
        let response = self.send(&path, || self.rest.post_json(&path, &body))?;
        let mut value = decode("a composite request", response)?;
        // Taken, not cloned: the bodies hold every record read.
        let Some(Value::Array(items)) = value.get_mut("compositeResponse").map(Value::take) else {
            return Err(OrgError::Unexpected {
                what: "a composite request".into(),
                message: "no compositeResponse".into(),
            });
        };
        Ok(items
            .into_iter()
            .map(|mut item| SubResponse {
                reference_id: item
                    .get("referenceId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                status: item
                    .get("httpStatusCode")
                    .and_then(Value::as_u64)
                    .unwrap_or(0) as u16,
                body: item.get_mut("body").map(Value::take).unwrap_or(Value::Null),
            })
            .collect())
    }

    /// Sends with the budget check, counting and retries.
    fn send(
        &self,
        what: &str,
        request: impl Fn() -> Result<RestResponse, RestError>,
    ) -> Result<RestResponse, OrgError> {
        let mut attempt = 0;
        loop {
            if let Some(max) = self.max_calls {
                if self.calls.get() >= max {
                    return Err(OrgError::BudgetExhausted {
                        max,
                        spent: self.calls.get(),
                    });
                }
            }
            self.calls.set(self.calls.get() + 1);
            let transient = match request() {
                Ok(response) => {
                    self.answered.set(true);
                    if let Some(usage) = response.api_usage() {
                        self.usage.set(Some(usage));
                    }
                    let errors = response.api_errors();
                    if is_daily_limit(response.status, &errors) {
                        return Err(OrgError::DailyLimitExceeded);
                    }
                    if !is_transient(response.status, &errors) {
                        return Ok(response);
                    }
                    Transient::Answer {
                        status: response.status,
                        summary: errors
                            .first()
                            .map(|e| format!("{}: {}", e.error_code, e.message))
                            .unwrap_or_else(|| format!("while requesting {what}")),
                    }
                }
                Err(RestError::Transport(error))
                    if self.answered.get() && is_transient_transport(&error) =>
                {
                    Transient::Connection(error)
                }
                Err(e) => return Err(e.into()),
            };
            attempt += 1;
            if attempt > self.retry.max_retries {
                return Err(transient.exhausted(attempt));
            }
            std::thread::sleep(self.retry.delay(attempt));
        }
    }
}

/// A call's failure worth a retry after a pause.
enum Transient {
    /// A 5xx or `ConcurrentPerOrgLongTxn` answer.
    Answer { status: u16, summary: String },
    /// The connection failing once the org has answered a call.
    Connection(TransportError),
}

impl Transient {
    /// The error once it failed at each of `attempts` attempts.
    fn exhausted(self, attempts: u32) -> OrgError {
        match self {
            Transient::Answer { status, summary } => OrgError::RetriesExhausted {
                status,
                summary,
                attempts,
            },
            Transient::Connection(error) => OrgError::ConnectionFailed { error, attempts },
        }
    }
}

/// A failure of the network between, worth a retry once the org has
/// answered: not a URL, CA file or client certificate intguard was given.
fn is_transient_transport(error: &TransportError) -> bool {
    matches!(
        error,
        TransportError::Connect { .. }
            | TransportError::Tls { .. }
            | TransportError::Timeout { .. }
            | TransportError::Http { .. }
    )
}

/// `403 TotalRequests Limit exceeded`: the org's daily budget is gone.
pub fn is_daily_limit(status: u16, errors: &[ApiErrorItem]) -> bool {
    status == 403 && errors.iter().any(|e| e.message.contains("TotalRequests"))
}

/// 5xx or `403 ConcurrentPerOrgLongTxn`: worth a retry after a pause.
pub fn is_transient(status: u16, errors: &[ApiErrorItem]) -> bool {
    status >= 500
        || (status == 403
            && errors
                .iter()
                .any(|e| e.message.contains("ConcurrentPerOrgLongTxn")))
}

fn decode(what: &str, response: RestResponse) -> Result<Value, OrgError> {
    match response.error_for_status() {
        Ok(r) => r.json().map_err(|e| OrgError::Unexpected {
            what: what.to_string(),
            message: e.to_string(),
        }),
        Err(RestError::Api {
            status,
            errors,
            summary,
        }) => Err(OrgError::Api {
            what: what.to_string(),
            status,
            errors,
            summary,
        }),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composite_subrequests_are_gets() {
        let r = GetRequest {
            reference_id: "users".into(),
            url: "/services/data/v62.0/query?q=SELECT+Id+FROM+User".into(),
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["method"], "GET");
        assert_eq!(v["referenceId"], "users");
    }
}
