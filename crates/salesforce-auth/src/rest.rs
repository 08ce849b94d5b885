//! Authenticated REST calls on `instance_url`.
//!
//! [`RestClient`] sends `Authorization: Bearer` requests to the org's instance, re-authenticates
//! once through a [`TokenProvider`] when Salesforce answers 401 (`INVALID_SESSION_ID`), and hands
//! back status, headers (e.g. `Sforce-Limit-Info`) and body. It refuses to send the token to
//! another host than the instance.

use std::fmt;
use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::keys::PrivateKey;
use crate::token::{request_token_with, AuthError, AuthErrorKind, TokenRequest, TokenResponse};
use crate::transport::{HttpsClient, TlsOptions, TransportError};

/// Gives a fresh token when the current one is rejected.
pub trait TokenProvider: Send {
    /// Requests a new token.
    fn fetch_token(&mut self) -> Result<TokenResponse, AuthError>;
}

impl<F> TokenProvider for F
where
    F: FnMut() -> Result<TokenResponse, AuthError> + Send,
{
    fn fetch_token(&mut self) -> Result<TokenResponse, AuthError> {
        self()
    }
}

/// A [`TokenProvider`] running the JWT bearer flow with a key loaded once.
pub struct JwtTokenProvider {
    request: TokenRequest,
    key: PrivateKey,
    client: HttpsClient,
}

impl fmt::Debug for JwtTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtTokenProvider")
            .field("request", &self.request)
            .field("key", &self.key)
            .finish()
    }
}

impl JwtTokenProvider {
    /// Loads the key and builds the HTTPS client.
    pub fn new(request: TokenRequest, tls: &TlsOptions) -> Result<Self, AuthError> {
        let probe = |kind| AuthError {
            kind,
            login_url: request.login_url.trim().to_string(),
            audience: request.resolved_audience(),
            server: None,
        };
        crate::transport::require_https(&request.token_url())
            .map_err(|e| probe(AuthErrorKind::Transport(Box::new(e))))?;
        let client =
            HttpsClient::new(tls).map_err(|e| probe(AuthErrorKind::Transport(Box::new(e))))?;
        let key = request
            .key
            .load()
            .map_err(|e| probe(AuthErrorKind::Key(Box::new(e))))?;
        Ok(JwtTokenProvider {
            request,
            key,
            client,
        })
    }

    /// The HTTPS client (shared with the [`RestClient`] built by [`RestClient::connect`]).
    pub fn client(&self) -> &HttpsClient {
        &self.client
    }
}

impl TokenProvider for JwtTokenProvider {
    fn fetch_token(&mut self) -> Result<TokenResponse, AuthError> {
        request_token_with(&self.request, &self.key, &self.client)
    }
}

/// `api-usage=used/max` from `Sforce-Limit-Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ApiUsage {
    pub used: u64,
    pub max: u64,
}

impl ApiUsage {
    /// Parses a `Sforce-Limit-Info` value such as
    /// `api-usage=18/15000, per-app-api-usage=17/250(appName=x)`.
    pub fn parse(header: &str) -> Option<ApiUsage> {
        header.split(',').find_map(|part| {
            let value = part.trim().strip_prefix("api-usage=")?;
            let (used, max) = value.split_once('/')?;
            let max: String = max.chars().take_while(char::is_ascii_digit).collect();
            Some(ApiUsage {
                used: used.trim().parse().ok()?,
                max: max.parse().ok()?,
            })
        })
    }
}

/// One entry of a Salesforce REST error body `[{"message","errorCode","fields"}]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorItem {
    #[serde(default)]
    pub message: String,
    #[serde(rename = "errorCode", default)]
    pub error_code: String,
    #[serde(default)]
    pub fields: Vec<String>,
}

/// A REST answer. `Debug` shows the body's size only.
#[derive(Clone)]
pub struct RestResponse {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl fmt::Debug for RestResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

impl RestResponse {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `Sforce-Limit-Info`, parsed.
    pub fn api_usage(&self) -> Option<ApiUsage> {
        self.header("sforce-limit-info").and_then(ApiUsage::parse)
    }

    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, RestError> {
        serde_json::from_slice(&self.body).map_err(|e| RestError::Json(e.to_string()))
    }

    /// Salesforce's error entries, when the body is an error list.
    pub fn api_errors(&self) -> Vec<ApiErrorItem> {
        serde_json::from_slice::<Vec<ApiErrorItem>>(&self.body)
            .or_else(|_| serde_json::from_slice::<ApiErrorItem>(&self.body).map(|e| vec![e]))
            .unwrap_or_default()
    }

    /// `Ok(self)` for 2xx, else [`RestError::Api`].
    pub fn error_for_status(self) -> Result<RestResponse, RestError> {
        if self.is_success() {
            return Ok(self);
        }
        let errors = self.api_errors();
        let summary = if errors.is_empty() {
            self.text().trim().chars().take(200).collect()
        } else {
            errors
                .iter()
                .map(|e| format!("{}: {}", e.error_code, e.message))
                .collect::<Vec<_>>()
                .join("; ")
        };
        // Printed as is by callers: no control characters of the server's.
        let summary = crate::printable(&summary);
        Err(RestError::Api {
            status: self.status,
            errors,
            summary,
        })
    }
}

/// REST failures. They never contain the access token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RestError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("re-authentication after HTTP 401 failed: {0}")]
    Reauthentication(#[source] Box<AuthError>),
    #[error(
        "refusing to send the access token to {url}: it is not on the instance {instance_url}"
    )]
    ForeignUrl { url: String, instance_url: String },
    #[error("Salesforce API answered HTTP {status}: {summary}")]
    Api {
        status: u16,
        errors: Vec<ApiErrorItem>,
        summary: String,
    },
    #[error("unexpected JSON from Salesforce: {0}")]
    Json(String),
}

impl RestError {
    /// The first `errorCode`, for [`RestError::Api`].
    pub fn error_code(&self) -> Option<&str> {
        match self {
            RestError::Api { errors, .. } => errors.first().map(|e| e.error_code.as_str()),
            _ => None,
        }
    }
}

struct Session {
    token: TokenResponse,
    generation: u64,
    last_usage: Option<ApiUsage>,
}

/// A client for the org's REST API. Methods take `&self`; the token is refreshed under a lock.
pub struct RestClient {
    http: HttpsClient,
    session: Mutex<Session>,
    provider: Mutex<Box<dyn TokenProvider>>,
}

impl fmt::Debug for RestClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let session = self.session.lock().unwrap_or_else(|p| p.into_inner());
        f.debug_struct("RestClient")
            .field("instance_url", &session.token.instance_url)
            .field("access_token", &session.token.masked_access_token())
            .field("mutual_tls", &self.http.mutual_tls())
            .finish()
    }
}

/// Percent-encodes a query component (RFC 3986 unreserved characters kept).
pub fn encode_query_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn origin(url: &str) -> Option<String> {
    let uri: ureq::http::Uri = url.parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let authority = uri.authority()?;
    let port = authority
        .port_u16()
        .unwrap_or(if scheme == "https" { 443 } else { 80 });
    Some(format!(
        "{scheme}://{}:{port}",
        authority.host().to_ascii_lowercase()
    ))
}

impl RestClient {
    /// A client on `token.instance_url`, re-authenticating through `provider`.
    pub fn new(
        http: HttpsClient,
        token: TokenResponse,
        provider: impl TokenProvider + 'static,
    ) -> Self {
        RestClient {
            http,
            session: Mutex::new(Session {
                token,
                generation: 0,
                last_usage: None,
            }),
            provider: Mutex::new(Box::new(provider)),
        }
    }

    /// Logs in with the JWT bearer flow and returns a client that re-runs it on 401.
    pub fn connect(request: TokenRequest, tls: &TlsOptions) -> Result<Self, AuthError> {
        let mut provider = JwtTokenProvider::new(request, tls)?;
        let token = provider.fetch_token()?;
        let http = provider.client().clone();
        Ok(RestClient::new(http, token, provider))
    }

    fn lock_session(&self) -> std::sync::MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The instance URL of the current token.
    pub fn instance_url(&self) -> String {
        self.lock_session().token.instance_url.clone()
    }

    /// The current token's summary (masked).
    pub fn token_summary(&self) -> crate::token::TokenSummary {
        self.lock_session().token.summary()
    }

    /// API usage from the last response that carried `Sforce-Limit-Info`.
    pub fn last_api_usage(&self) -> Option<ApiUsage> {
        self.lock_session().last_usage
    }

    /// Forces a new token now.
    pub fn reauthenticate(&self) -> Result<(), RestError> {
        let generation = self.lock_session().generation;
        self.refresh(generation)
    }

    fn refresh(&self, seen_generation: u64) -> Result<(), RestError> {
        let mut provider = self.provider.lock().unwrap_or_else(|p| p.into_inner());
        if self.lock_session().generation != seen_generation {
            // another thread refreshed meanwhile
            return Ok(());
        }
        let token = provider
            .fetch_token()
            .map_err(|e| RestError::Reauthentication(Box::new(e)))?;
        let mut session = self.lock_session();
        session.token = token;
        session.generation += 1;
        Ok(())
    }

    fn resolve(&self, instance_url: &str, path_or_url: &str) -> Result<String, RestError> {
        if path_or_url.starts_with('/') {
            return Ok(format!(
                "{}{path_or_url}",
                instance_url.trim_end_matches('/')
            ));
        }
        let lower = path_or_url.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            crate::transport::require_https(path_or_url)?;
            if origin(path_or_url) == origin(instance_url) && origin(path_or_url).is_some() {
                return Ok(path_or_url.to_string());
            }
            return Err(RestError::ForeignUrl {
                url: path_or_url.to_string(),
                instance_url: instance_url.to_string(),
            });
        }
        Ok(format!(
            "{}/{path_or_url}",
            instance_url.trim_end_matches('/')
        ))
    }

    /// Sends a request; `path_or_url` is a path on the instance (`/services/data/`) or an
    /// absolute URL on the same instance. On 401 the token is renewed once and the request
    /// repeated; any status is then returned as is (see [`RestResponse::error_for_status`]).
    pub fn send(
        &self,
        method: Method,
        path_or_url: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
        json_body: Option<&[u8]>,
    ) -> Result<RestResponse, RestError> {
        let mut retried = false;
        loop {
            let (url, bearer, generation) = {
                let session = self.lock_session();
                let mut url = self.resolve(&session.token.instance_url, path_or_url)?;
                if !query.is_empty() {
                    let q = query
                        .iter()
                        .map(|(k, v)| {
                            format!(
                                "{}={}",
                                encode_query_component(k),
                                encode_query_component(v)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("&");
                    url.push(if url.contains('?') { '&' } else { '?' });
                    url.push_str(&q);
                }
                let bearer =
                    zeroize::Zeroizing::new(format!("Bearer {}", session.token.access_token()));
                (url, bearer, session.generation)
            };
            let mut all_headers: Vec<(&str, &str)> = vec![
                ("Authorization", bearer.as_str()),
                ("Accept", "application/json"),
            ];
            all_headers.extend_from_slice(headers);
            let response = match (method, json_body) {
                (Method::Get, _) => self.http.get(&url, &all_headers)?,
                (Method::Post, body) => self.http.post(
                    &url,
                    "application/json",
                    body.unwrap_or(b"{}"),
                    &all_headers,
                )?,
            };
            drop(bearer);
            let response = RestResponse {
                status: response.status,
                headers: response.headers,
                body: response.body,
            };
            if let Some(usage) = response.api_usage() {
                self.lock_session().last_usage = Some(usage);
            }
            if response.status == 401 && !retried {
                retried = true;
                self.refresh(generation)?;
                continue;
            }
            return Ok(response);
        }
    }

    /// GET a path on the instance.
    pub fn get(&self, path_or_url: &str) -> Result<RestResponse, RestError> {
        self.send(Method::Get, path_or_url, &[], &[], None)
    }

    /// GET with query parameters (encoded here) and extra headers (e.g.
    /// `Sforce-Query-Options: batchSize=2000`).
    pub fn get_with(
        &self,
        path_or_url: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Result<RestResponse, RestError> {
        self.send(Method::Get, path_or_url, query, headers, None)
    }

    /// GET and decode JSON; non-2xx answers become [`RestError::Api`].
    pub fn get_json<T: DeserializeOwned>(&self, path_or_url: &str) -> Result<T, RestError> {
        self.get(path_or_url)?.error_for_status()?.json()
    }

    /// POST a JSON body (e.g. `/composite`).
    pub fn post_json<B: Serialize + ?Sized>(
        &self,
        path_or_url: &str,
        body: &B,
    ) -> Result<RestResponse, RestError> {
        let bytes = serde_json::to_vec(body).map_err(|e| RestError::Json(e.to_string()))?;
        self.send(Method::Post, path_or_url, &[], &[], Some(&bytes))
    }
}

/// HTTP methods [`RestClient::send`] supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_limit_info() {
        assert_eq!(
            ApiUsage::parse("api-usage=18/15000"),
            Some(ApiUsage {
                used: 18,
                max: 15000
            })
        );
        assert_eq!(
            ApiUsage::parse("per-app-api-usage=17/250(appName=sample), api-usage=25/5000"),
            Some(ApiUsage {
                used: 25,
                max: 5000
            })
        );
        assert_eq!(ApiUsage::parse("nothing"), None);
    }

    #[test]
    fn encodes_query() {
        assert_eq!(
            encode_query_component("SELECT Id FROM User WHERE Name='a&b'"),
            "SELECT%20Id%20FROM%20User%20WHERE%20Name%3D%27a%26b%27"
        );
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin("https://Acme.my.salesforce.com/x"),
            origin("https://acme.my.salesforce.com:443")
        );
        assert_ne!(
            origin("https://acme.my.salesforce.com"),
            origin("https://evil.example")
        );
    }

    #[test]
    fn api_errors_parse() {
        let r = RestResponse {
            status: 403,
            headers: vec![],
            body: br#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#.to_vec(),
        };
        let err = r.error_for_status().unwrap_err();
        assert_eq!(err.error_code(), Some("REQUEST_LIMIT_EXCEEDED"));
        assert!(err.to_string().contains("TotalRequests"));
    }
}
