//! The JWT bearer token request.
//!
//! `POST <login-url>/services/oauth2/token` with the form
//! `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`. A 200 answer is a
//! [`TokenResponse`]; a 400 answer `{"error","error_description"}` becomes an [`AuthError`] whose
//! message says what is wrong and what to change in Setup, and always names the login URL and
//! the audience that were tried.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use crate::audience::{resolve_audience, PRODUCTION_AUDIENCE, SANDBOX_AUDIENCE};
use crate::jwt::{self, JwtError};
use crate::keys::{KeyError, PrivateKey, PrivateKeySource};
use crate::transport::{require_https, HttpResponse, HttpsClient, TlsOptions, TransportError};

/// The `grant_type` of the JWT bearer flow.
pub const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// The token endpoint path under the login URL.
pub const TOKEN_PATH: &str = "/services/oauth2/token";

/// What to log in with. `Debug` hides passwords and key text.
#[derive(Clone, Debug)]
pub struct TokenRequest {
    /// `https://login.salesforce.com`, `https://test.salesforce.com` or a My Domain URL.
    pub login_url: String,
    /// Consumer key of the connected app or external client app (`iss`).
    pub client_id: String,
    /// Username of the integration user (`sub`).
    pub username: String,
    /// The signing key.
    pub key: PrivateKeySource,
    /// `aud`; derived from the login URL when `None` (see [`crate::audience`]).
    pub audience: Option<String>,
}

impl TokenRequest {
    /// A request with the default audience.
    pub fn new(
        login_url: impl Into<String>,
        client_id: impl Into<String>,
        username: impl Into<String>,
        key: PrivateKeySource,
    ) -> Self {
        TokenRequest {
            login_url: login_url.into(),
            client_id: client_id.into(),
            username: username.into(),
            key,
            audience: None,
        }
    }

    /// The audience that will be sent.
    pub fn resolved_audience(&self) -> String {
        resolve_audience(&self.login_url, self.audience.as_deref())
    }

    /// `<login-url>/services/oauth2/token` (a login URL that already ends with it is kept).
    pub fn token_url(&self) -> String {
        token_url(&self.login_url)
    }

    fn error(&self, kind: AuthErrorKind) -> AuthError {
        AuthError {
            kind,
            login_url: self.login_url.trim().to_string(),
            audience: self.resolved_audience(),
            server: None,
        }
    }
}

/// `<login-url>/services/oauth2/token`.
pub fn token_url(login_url: &str) -> String {
    let base = login_url.trim().trim_end_matches('/');
    if base.ends_with(TOKEN_PATH) {
        base.to_string()
    } else {
        format!("{base}{TOKEN_PATH}")
    }
}

/// A successful token response. The access token is only reachable through
/// [`TokenResponse::access_token`]; `Debug` masks it.
#[derive(Clone)]
pub struct TokenResponse {
    access_token: SecretString,
    /// Base URL for API calls, e.g. `https://acme.my.salesforce.com`.
    pub instance_url: String,
    /// Identity URL `https://login.salesforce.com/id/<org id>/<user id>`.
    pub id: String,
    /// Space-separated scopes.
    pub scope: Option<String>,
    /// `Bearer`.
    pub token_type: Option<String>,
    /// Milliseconds since the epoch, as Salesforce sends it.
    pub issued_at: Option<String>,
    /// Base64 HMAC of `id` and `issued_at`.
    pub signature: Option<String>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &self.masked_access_token())
            .field("instance_url", &self.instance_url)
            .field("id", &self.id)
            .field("scope", &self.scope)
            .field("token_type", &self.token_type)
            .field("issued_at", &self.issued_at)
            .field("signature", &self.signature.as_ref().map(|_| "<present>"))
            .finish()
    }
}

/// A printable summary of a token response, with the token masked (for `--format json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenSummary {
    pub instance_url: String,
    pub id: String,
    pub org_id: Option<String>,
    pub user_id: Option<String>,
    pub scopes: Vec<String>,
    pub token_type: Option<String>,
    pub issued_at: Option<String>,
    pub access_token: String,
}

impl TokenResponse {
    /// Builds a response by hand (for tests and token caches).
    pub fn new(
        access_token: impl Into<String>,
        instance_url: impl Into<String>,
        id: impl Into<String>,
    ) -> Self {
        TokenResponse {
            access_token: SecretString::from(access_token.into()),
            instance_url: instance_url.into(),
            id: id.into(),
            scope: None,
            token_type: Some("Bearer".into()),
            issued_at: None,
            signature: None,
        }
    }

    /// The raw access token (for the `Authorization` header or `--print-token`).
    pub fn access_token(&self) -> &str {
        self.access_token.expose_secret()
    }

    /// The access token masked with [`crate::mask_token`].
    pub fn masked_access_token(&self) -> String {
        crate::mask_token(self.access_token.expose_secret())
    }

    /// The scopes, split.
    pub fn scopes(&self) -> Vec<&str> {
        self.scope
            .as_deref()
            .map(|s| s.split_whitespace().collect())
            .unwrap_or_default()
    }

    /// Org id from the identity URL.
    pub fn org_id(&self) -> Option<&str> {
        let mut parts = self.id.trim_end_matches('/').rsplit('/');
        let _user = parts.next()?;
        parts.next().filter(|s| !s.is_empty())
    }

    /// User id from the identity URL.
    pub fn user_id(&self) -> Option<&str> {
        self.id
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty() && self.id.contains("/id/"))
    }

    /// A serializable summary with the token masked.
    pub fn summary(&self) -> TokenSummary {
        TokenSummary {
            instance_url: self.instance_url.clone(),
            id: self.id.clone(),
            org_id: self.org_id().map(str::to_string),
            user_id: self.user_id().map(str::to_string),
            scopes: self.scopes().into_iter().map(str::to_string).collect(),
            token_type: self.token_type.clone(),
            issued_at: self.issued_at.clone(),
            access_token: self.masked_access_token(),
        }
    }
}

/// The error Salesforce returned, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerError {
    pub status: u16,
    pub error: String,
    pub description: String,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum AuthErrorKind {
    /// `invalid_grant` / "user hasn't approved this consumer".
    NotApproved,
    /// `invalid_grant` / "audience is invalid".
    InvalidAudience,
    /// `invalid_grant` / "invalid assertion".
    InvalidAssertion,
    /// `invalid_grant` / "expired authorization code" (clock skew, expired assertion).
    ExpiredAssertion,
    /// `invalid_grant` / "IP restricted or invalid login hours".
    IpRestricted,
    /// Another `invalid_grant`.
    OtherInvalidGrant,
    /// `invalid_client_id` / "client identifier invalid".
    InvalidClientId,
    /// `invalid_app_access` / "user is not admin approved to access this app".
    InvalidAppAccess,
    /// `app_not_found`.
    AppNotFound,
    /// `inactive_user`.
    InactiveUser,
    /// `inactive_org`.
    InactiveOrg,
    /// `rate_limit_exceeded`.
    RateLimited,
    /// `invalid_scope`.
    InvalidScope,
    /// `unsupported_grant_type`.
    UnsupportedGrantType,
    /// Any other answer that is not a token.
    Unknown,
    /// The request itself is incomplete (empty consumer key or username, ...).
    InvalidRequest(String),
    /// The private key could not be read.
    Key(Box<KeyError>),
    /// The assertion could not be signed.
    Jwt(Box<JwtError>),
    /// The request did not get an HTTP answer (or was refused before sending).
    Transport(Box<TransportError>),
    /// A 200 answer without the expected fields.
    InvalidResponse(String),
}

/// A failed token request. `Display` names the problem, the login URL and audience tried, what
/// Salesforce said, and what to change.
#[derive(Debug)]
pub struct AuthError {
    pub kind: AuthErrorKind,
    pub login_url: String,
    pub audience: String,
    /// Salesforce's own `error` / `error_description`, when it answered.
    pub server: Option<Box<ServerError>>,
}

impl AuthError {
    /// True when the request was refused because the URL was not `https://`.
    pub fn is_insecure_scheme(&self) -> bool {
        matches!(&self.kind, AuthErrorKind::Transport(e) if e.is_insecure_scheme())
    }

    /// One sentence: what is wrong.
    pub fn problem(&self) -> String {
        match &self.kind {
            AuthErrorKind::NotApproved => "the integration user is not allowed to use this app (\"user hasn't approved this consumer\")".into(),
            AuthErrorKind::InvalidAudience => "Salesforce rejected the audience (aud) of the assertion".into(),
            AuthErrorKind::InvalidAssertion => "Salesforce could not verify the signed assertion".into(),
            AuthErrorKind::ExpiredAssertion => "Salesforce considers the assertion expired".into(),
            AuthErrorKind::IpRestricted => "the login was refused by IP restrictions or login hours".into(),
            AuthErrorKind::OtherInvalidGrant => "Salesforce refused the grant".into(),
            AuthErrorKind::InvalidClientId => "Salesforce does not know this consumer key (iss)".into(),
            AuthErrorKind::InvalidAppAccess => "the user is not admin-approved to access this app".into(),
            AuthErrorKind::AppNotFound => "the app is not installed or not found in this org".into(),
            AuthErrorKind::InactiveUser => "the integration user is inactive".into(),
            AuthErrorKind::InactiveOrg => "the org is inactive".into(),
            AuthErrorKind::RateLimited => "too many login requests for this user".into(),
            AuthErrorKind::InvalidScope => "the app's OAuth scopes do not allow this request".into(),
            AuthErrorKind::UnsupportedGrantType => "this endpoint does not accept the JWT bearer grant".into(),
            AuthErrorKind::Unknown => match &self.server {
                Some(s) => format!("the token request failed with HTTP {}", s.status),
                None => "the token request failed".into(),
            },
            AuthErrorKind::InvalidRequest(d) => format!("the token request is incomplete: {d}"),
            AuthErrorKind::Key(e) => format!("cannot read the private key: {e}"),
            AuthErrorKind::Jwt(e) => format!("cannot sign the assertion: {e}"),
            AuthErrorKind::Transport(e) => e.to_string(),
            AuthErrorKind::InvalidResponse(d) => format!("the token response is not usable: {d}"),
        }
    }

    /// What to change, in plain words; empty when the problem says it all.
    pub fn fix(&self) -> String {
        match &self.kind {
            AuthErrorKind::NotApproved => "In Setup > App Manager, open the connected app > Manage > Edit Policies and set Permitted Users to \"Admin approved users are pre-authorized\"; then add the user's profile (Manage Profiles) or a permission set assigned to the user (Manage Permission Sets). For an external client app, do the same under External Client App Manager > the app > Policies. Also check that the user is active and the username is right.".into(),
            AuthErrorKind::InvalidAudience => {
                let other = if self.audience.eq_ignore_ascii_case(SANDBOX_AUDIENCE) {
                    PRODUCTION_AUDIENCE
                } else {
                    SANDBOX_AUDIENCE
                };
                format!("Sandboxes need the audience {SANDBOX_AUDIENCE}; production and Developer Edition orgs need {PRODUCTION_AUDIENCE}; a few orgs want their My Domain URL. {} was tried: if the org is the other kind, pass --audience {other} (with a matching login URL).", self.audience)
            }
            AuthErrorKind::InvalidAssertion => "The private key does not match the certificate uploaded to the app, or the consumer key belongs to another app. In Setup > App Manager > the app > Edit, under \"Use digital signatures\", upload the certificate of this key (`intguard keys inspect` shows it), and check the consumer key.".into(),
            AuthErrorKind::ExpiredAssertion => "An assertion is valid for 3 minutes only: this machine's clock is probably wrong. Synchronise it (NTP) and retry.".into(),
            AuthErrorKind::IpRestricted => "This machine's public IP is outside the Login IP Ranges of the user's profile, or it is outside the profile's Login Hours (Setup > Profiles > the profile), or the app enforces IP restrictions (App Manager > the app > Manage > Edit Policies > IP Relaxation). Add this IP range to the profile or relax the app's IP policy.".into(),
            AuthErrorKind::OtherInvalidGrant => "Check the username, the consumer key, the uploaded certificate and the app's policies; Salesforce's description above tells more.".into(),
            AuthErrorKind::InvalidClientId => "Copy the Consumer Key from Setup > App Manager > the app > View > Manage Consumer Details (external client apps: External Client App Manager > the app > Settings > OAuth Settings), and log in to the org that owns the app. A new app can take up to 10 minutes to become usable.".into(),
            AuthErrorKind::InvalidAppAccess => "In Setup > App Manager > the app > Manage, add the user's profile (Manage Profiles) or a permission set assigned to the user (Manage Permission Sets); Permitted Users must be \"Admin approved users are pre-authorized\".".into(),
            AuthErrorKind::AppNotFound => "Install and enable the external client app in this org (Setup > External Client App Manager) and log in through the org's My Domain URL (https://<domain>.my.salesforce.com) rather than login.salesforce.com or test.salesforce.com.".into(),
            AuthErrorKind::InactiveUser => "Activate the user (Setup > Users > the user > Edit > Active) or use another integration user, and check the username.".into(),
            AuthErrorKind::InactiveOrg => "The org is locked, expired or deleted (a trial or a refreshed sandbox?). Check that the login URL and username point to a live org.".into(),
            AuthErrorKind::RateLimited => "Wait before retrying, and reuse access tokens instead of requesting one per call.".into(),
            AuthErrorKind::InvalidScope => "In Setup > App Manager > the app > Edit > Selected OAuth Scopes, include \"Manage user data via APIs (api)\" and, where the org requires it, \"Perform requests at any time (refresh_token, offline_access)\".".into(),
            AuthErrorKind::UnsupportedGrantType => "Use a Salesforce login URL (https://login.salesforce.com, https://test.salesforce.com or the My Domain URL). For an external client app, enable \"JWT Bearer Flow\" under Setup > External Client App Manager > the app > Settings > OAuth Settings > Flow Enablement.".into(),
            AuthErrorKind::Unknown => "Check that the login URL is a Salesforce login endpoint (https://login.salesforce.com, https://test.salesforce.com or the My Domain URL).".into(),
            AuthErrorKind::Transport(e) if e.is_insecure_scheme() => "Use the https:// form of the URL.".into(),
            _ => String::new(),
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (login URL {}, audience {})",
            self.problem(),
            crate::transport::redact_userinfo(&self.login_url),
            self.audience
        )?;
        if let Some(s) = &self.server {
            // What the server sent, without its control characters.
            write!(
                f,
                "; Salesforce answered HTTP {} `{}`",
                s.status,
                crate::printable(&s.error)
            )?;
            if !s.description.is_empty() {
                write!(f, ": \"{}\"", crate::printable(&s.description))?;
            }
        }
        let fix = self.fix();
        if !fix.is_empty() {
            write!(f, ". {fix}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            AuthErrorKind::Key(e) => Some(e.as_ref()),
            AuthErrorKind::Jwt(e) => Some(e.as_ref()),
            AuthErrorKind::Transport(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

/// Maps Salesforce's `error` and `error_description` to a kind.
pub fn classify_error(error: &str, description: &str) -> AuthErrorKind {
    let e = error.trim().to_ascii_lowercase();
    let d = description.to_ascii_lowercase();
    match e.as_str() {
        "invalid_grant" => {
            if d.contains("approve") {
                AuthErrorKind::NotApproved
            } else if d.contains("audience") {
                AuthErrorKind::InvalidAudience
            } else if d.contains("assertion") || d.contains("signature") {
                AuthErrorKind::InvalidAssertion
            } else if d.contains("expired") {
                AuthErrorKind::ExpiredAssertion
            } else if d.contains("ip restricted") || d.contains("login hours") {
                AuthErrorKind::IpRestricted
            } else if d.contains("inactive") {
                AuthErrorKind::InactiveUser
            } else {
                AuthErrorKind::OtherInvalidGrant
            }
        }
        "invalid_client_id" => AuthErrorKind::InvalidClientId,
        "invalid_client" if d.contains("identifier") => AuthErrorKind::InvalidClientId,
        "invalid_app_access" => AuthErrorKind::InvalidAppAccess,
        "app_not_found" => AuthErrorKind::AppNotFound,
        "inactive_user" => AuthErrorKind::InactiveUser,
        "inactive_org" => AuthErrorKind::InactiveOrg,
        "rate_limit_exceeded" => AuthErrorKind::RateLimited,
        "invalid_scope" => AuthErrorKind::InvalidScope,
        "unsupported_grant_type" => AuthErrorKind::UnsupportedGrantType,
        _ => AuthErrorKind::Unknown,
    }
}

#[derive(Deserialize)]
struct RawToken {
    access_token: Option<String>,
    instance_url: Option<String>,
    id: Option<String>,
    scope: Option<String>,
    token_type: Option<String>,
    issued_at: Option<serde_json::Value>,
    signature: Option<String>,
}

#[derive(Deserialize)]
struct RawError {
    error: Option<String>,
    error_description: Option<String>,
}

/// Interprets a token endpoint answer for `request` (used by [`request_token`]; public for
/// callers with their own transport).
pub fn parse_token_response(
    request: &TokenRequest,
    status: u16,
    body: &[u8],
) -> Result<TokenResponse, AuthError> {
    if status == 200 {
        let raw: RawToken = serde_json::from_slice(body).map_err(|e| {
            request.error(AuthErrorKind::InvalidResponse(format!(
                "not JSON ({})",
                e.classify_name()
            )))
        })?;
        let (Some(mut token), Some(instance_url)) = (raw.access_token, raw.instance_url) else {
            return Err(request.error(AuthErrorKind::InvalidResponse(
                "access_token or instance_url is missing".into(),
            )));
        };
        if token.is_empty() {
            return Err(request.error(AuthErrorKind::InvalidResponse(
                "access_token is empty".into(),
            )));
        }
        // API calls go to the instance with the token: HTTPS only, as the
        // login was. Salesforce's instance URLs always are.
        if require_https(&instance_url).is_err() {
            token.zeroize();
            return Err(request.error(AuthErrorKind::InvalidResponse(format!(
                "instance_url {} is not an https:// URL, and the access token would be sent to it (the token was discarded)",
                instance_url.trim()
            ))));
        }
        let access_token = SecretString::from(token.as_str());
        token.zeroize();
        return Ok(TokenResponse {
            access_token,
            instance_url: instance_url.trim_end_matches('/').to_string(),
            id: raw.id.unwrap_or_default(),
            scope: raw.scope,
            token_type: raw.token_type,
            issued_at: raw.issued_at.map(|v| match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            }),
            signature: raw.signature,
        });
    }
    let raw: Option<RawError> = serde_json::from_slice(body).ok();
    let (error, description) = match raw {
        Some(RawError {
            error: Some(e),
            error_description: d,
        }) => (e, d.unwrap_or_default()),
        _ => {
            let text = String::from_utf8_lossy(body);
            let snippet: String = text.trim().chars().take(200).collect();
            (String::new(), snippet)
        }
    };
    let kind = if error.is_empty() {
        AuthErrorKind::Unknown
    } else {
        classify_error(&error, &description)
    };
    let mut err = request.error(kind);
    err.server = Some(Box::new(ServerError {
        status,
        error: if error.is_empty() {
            "(no OAuth error)".into()
        } else {
            error
        },
        description,
    }));
    Err(err)
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

/// The login URL is HTTPS, and names a server and perhaps a path, no more: the token path is
/// appended to it, so a query or fragment (`?...`, `#...`) would end up before that path.
fn check_login_url(request: &TokenRequest) -> Result<(), AuthError> {
    let transport = |e| request.error(AuthErrorKind::Transport(Box::new(e)));
    let login = request.login_url.trim();
    // The login URL as given, first: its errors name it, not the token URL
    // made of it.
    require_https(login).map_err(transport)?;
    require_https(&request.token_url()).map_err(transport)?;
    if login.contains(['?', '#']) {
        return Err(transport(TransportError::InvalidUrl {
            url: crate::transport::redact_userinfo(login),
            reason: "a login URL has no query or fragment (`?...`, `#...`): give it up to its host, as https://login.salesforce.com or the org's My Domain URL".into(),
        }));
    }
    Ok(())
}

/// Requests an access token with the JWT bearer flow: loads the key, signs the assertion
/// (expiring in [`jwt::DEFAULT_LIFETIME`]) and posts it over HTTPS.
///
/// An `http://` login URL is refused before the key is read or any connection is made.
pub fn request_token(request: &TokenRequest, tls: &TlsOptions) -> Result<TokenResponse, AuthError> {
    check_login_url(request)?;
    let client =
        HttpsClient::new(tls).map_err(|e| request.error(AuthErrorKind::Transport(Box::new(e))))?;
    let key = request
        .key
        .load()
        .map_err(|e| request.error(AuthErrorKind::Key(Box::new(e))))?;
    request_token_with(request, &key, &client)
}

/// [`request_token`] with an already loaded key and client (re-authentication, retries with
/// several audiences).
pub fn request_token_with(
    request: &TokenRequest,
    key: &PrivateKey,
    client: &HttpsClient,
) -> Result<TokenResponse, AuthError> {
    check_login_url(request)?;
    let url = request.token_url();
    if request.client_id.trim().is_empty() {
        return Err(request.error(AuthErrorKind::InvalidRequest(
            "the consumer key (client id) is empty".into(),
        )));
    }
    if request.username.trim().is_empty() {
        return Err(request.error(AuthErrorKind::InvalidRequest(
            "the username is empty".into(),
        )));
    }
    let assertion = jwt::build_assertion(
        request.client_id.trim(),
        request.username.trim(),
        &request.resolved_audience(),
        key,
        jwt::DEFAULT_LIFETIME,
    )
    .map_err(|e| request.error(AuthErrorKind::Jwt(Box::new(e))))?;
    let response: HttpResponse = client
        .post_form(
            &url,
            &[
                ("grant_type", JWT_BEARER_GRANT),
                ("assertion", assertion.expose()),
            ],
            &[("Accept", "application/json")],
        )
        .map_err(|e| request.error(AuthErrorKind::Transport(Box::new(e))))?;
    let mut body = response.body;
    let result = parse_token_response(request, response.status, &body);
    body.zeroize();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> TokenRequest {
        TokenRequest::new(
            "https://test.salesforce.com/",
            "3MVG9",
            "int@example.com",
            PrivateKeySource::key_file("/nonexistent"),
        )
    }

    #[test]
    fn token_urls() {
        assert_eq!(
            token_url("https://login.salesforce.com"),
            "https://login.salesforce.com/services/oauth2/token"
        );
        assert_eq!(
            token_url("https://acme.my.salesforce.com/services/oauth2/token/"),
            "https://acme.my.salesforce.com/services/oauth2/token"
        );
    }

    #[test]
    fn parses_success_with_extra_fields() {
        let body = br#"{"access_token":"00Dxx0000001gPL!AR8AQJXgSECRET","instance_url":"https://acme.my.salesforce.com/","id":"https://test.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS","scope":"api web","token_type":"Bearer","issued_at":1700000000000,"signature":"abc=","api_instance_url":"https://api.salesforce.com","new_field":{"x":1}}"#;
        let t = parse_token_response(&req(), 200, body).unwrap();
        assert_eq!(t.access_token(), "00Dxx0000001gPL!AR8AQJXgSECRET");
        assert_eq!(t.instance_url, "https://acme.my.salesforce.com");
        assert_eq!(t.org_id(), Some("00Dxx0000001gPLEAY"));
        assert_eq!(t.user_id(), Some("005xx000001SwiUAAS"));
        assert_eq!(t.scopes(), vec!["api", "web"]);
        assert_eq!(t.issued_at.as_deref(), Some("1700000000000"));
        let dbg = format!("{t:?} {:?}", t.summary());
        assert!(!dbg.contains("SECRET"), "{dbg}");
    }

    /// Found by testing: a token answer whose `instance_url` was `http://`
    /// was shown as a successful login (exit 0), with an instance URL that
    /// no API call may use.
    #[test]
    fn an_instance_url_that_is_not_https_is_refused() {
        for url in [
            "http://acme.my.salesforce.com",
            "acme.my.salesforce.com",
            "ftp://x",
        ] {
            let body = format!(
                r#"{{"access_token":"00Dxx0000001gPL!AR8AQJXgSECRET","instance_url":"{url}","id":"https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS"}}"#
            );
            let err = parse_token_response(&req(), 200, body.as_bytes()).unwrap_err();
            assert!(
                matches!(err.kind, AuthErrorKind::InvalidResponse(_)),
                "{url}: {err:?}"
            );
            let msg = err.to_string();
            assert!(msg.contains("is not an https:// URL"), "{msg}");
            assert!(!msg.contains("SECRET"), "{msg}");
        }
    }

    #[test]
    fn maps_errors() {
        let cases = [
            (
                "invalid_grant",
                "user hasn't approved this consumer",
                "NotApproved",
            ),
            ("invalid_grant", "audience is invalid", "InvalidAudience"),
            ("invalid_grant", "invalid assertion", "InvalidAssertion"),
            (
                "invalid_grant",
                "expired authorization code",
                "ExpiredAssertion",
            ),
            (
                "invalid_grant",
                "IP restricted or invalid login hours",
                "IpRestricted",
            ),
            (
                "invalid_grant",
                "authentication failure",
                "OtherInvalidGrant",
            ),
            (
                "invalid_client_id",
                "client identifier invalid",
                "InvalidClientId",
            ),
            (
                "invalid_app_access",
                "user is not admin approved to access this app",
                "InvalidAppAccess",
            ),
            (
                "app_not_found",
                "External client app is not installed in this org",
                "AppNotFound",
            ),
            ("inactive_user", "user is inactive", "InactiveUser"),
            ("inactive_org", "organization is inactive", "InactiveOrg"),
            ("rate_limit_exceeded", "rate limit exceeded", "RateLimited"),
            (
                "invalid_scope",
                "the requested scope is not allowed",
                "InvalidScope",
            ),
            (
                "unsupported_grant_type",
                "grant type not supported",
                "UnsupportedGrantType",
            ),
            ("weird", "", "Unknown"),
        ];
        for (e, d, expected) in cases {
            let kind = classify_error(e, d);
            assert_eq!(format!("{kind:?}"), expected, "{e} {d}");
        }
    }

    #[test]
    fn error_message_names_login_url_and_audience() {
        let body = br#"{"error":"invalid_grant","error_description":"audience is invalid"}"#;
        let err = parse_token_response(&req(), 400, body).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("https://test.salesforce.com"), "{msg}");
        assert!(
            msg.contains("audience https://test.salesforce.com"),
            "{msg}"
        );
        assert!(
            msg.contains("--audience https://login.salesforce.com"),
            "{msg}"
        );
        // Found by testing against a hostile endpoint: escape sequences and
        // line breaks of its answer reached the terminal as they were.
        let body = br#"{"error":"invalid_grant\u001b[31m","error_description":"bad\u001b]0;pwned\u0007\u001b[2J\r\nerror: forged"}"#;
        let msg = parse_token_response(&req(), 400, body)
            .unwrap_err()
            .to_string();
        assert!(!msg.chars().any(char::is_control), "{msg:?}");
        assert!(msg.contains(r"bad\u{1b}]0;pwned"), "{msg}");
        let html = parse_token_response(&req(), 404, b"<html>Not found</html>").unwrap_err();
        assert!(matches!(html.kind, AuthErrorKind::Unknown));
        assert!(html.to_string().contains("HTTP 404"));
    }
}
