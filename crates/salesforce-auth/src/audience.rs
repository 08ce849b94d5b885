//! The JWT `aud` claim.
//!
//! Salesforce checks the audience against the kind of org: `https://login.salesforce.com` for
//! production and Developer Edition orgs, `https://test.salesforce.com` for sandboxes (an
//! Experience Cloud site URL or, in some orgs, the My Domain URL are also seen). The default is
//! derived from the login URL and can always be overridden.

/// Audience of production (and Developer Edition) orgs.
pub const PRODUCTION_AUDIENCE: &str = "https://login.salesforce.com";
/// Audience of sandboxes.
pub const SANDBOX_AUDIENCE: &str = "https://test.salesforce.com";

/// The host of `url` in lower case, without port or user info; `None` when there is none.
pub(crate) fn host_of(url: &str) -> Option<String> {
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let host = if let Some(stripped) = authority.strip_prefix('[') {
        // IPv6 literal
        stripped.split(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() {
        None
    } else {
        Some(host)
    }
}

/// True for sandbox login hosts: `test.salesforce.com` and `*.sandbox.my.salesforce.com`.
pub fn is_sandbox_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "test.salesforce.com" || host.ends_with(".sandbox.my.salesforce.com")
}

/// The default audience for a login URL: the sandbox audience for `test.salesforce.com` and
/// `*.sandbox.my.salesforce.com`, the production audience otherwise (including
/// `login.salesforce.com`, production My Domain hosts and URLs that cannot be parsed).
pub fn default_audience(login_url: &str) -> &'static str {
    match host_of(login_url) {
        Some(host) if is_sandbox_host(&host) => SANDBOX_AUDIENCE,
        _ => PRODUCTION_AUDIENCE,
    }
}

/// The audience to use: `explicit` when given (trimmed, trailing `/` removed), else
/// [`default_audience`] of `login_url`.
pub fn resolve_audience(login_url: &str, explicit: Option<&str>) -> String {
    match explicit.map(str::trim).filter(|a| !a.is_empty()) {
        Some(aud) => aud.trim_end_matches('/').to_string(),
        None => default_audience(login_url).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_from_login_host() {
        assert_eq!(
            default_audience("https://login.salesforce.com"),
            PRODUCTION_AUDIENCE
        );
        assert_eq!(
            default_audience("https://test.salesforce.com/"),
            SANDBOX_AUDIENCE
        );
        assert_eq!(
            default_audience("https://TEST.salesforce.com:443/services/oauth2/token"),
            SANDBOX_AUDIENCE
        );
        assert_eq!(
            default_audience("https://acme--uat.sandbox.my.salesforce.com"),
            SANDBOX_AUDIENCE
        );
        assert_eq!(
            default_audience("https://acme.my.salesforce.com"),
            PRODUCTION_AUDIENCE
        );
        assert_eq!(default_audience("not a url"), PRODUCTION_AUDIENCE);
        assert_eq!(default_audience(""), PRODUCTION_AUDIENCE);
        // a look-alike host is not a sandbox
        assert_eq!(
            default_audience("https://test.salesforce.com.evil.example"),
            PRODUCTION_AUDIENCE
        );
    }

    #[test]
    fn explicit_audience_wins() {
        assert_eq!(
            resolve_audience(
                "https://test.salesforce.com",
                Some("https://acme.my.salesforce.com/")
            ),
            "https://acme.my.salesforce.com"
        );
        assert_eq!(
            resolve_audience("https://test.salesforce.com", Some("  ")),
            SANDBOX_AUDIENCE
        );
        assert_eq!(
            resolve_audience("https://login.salesforce.com", None),
            PRODUCTION_AUDIENCE
        );
    }

    #[test]
    fn host_parsing() {
        assert_eq!(
            host_of("https://user@Acme.my.salesforce.com:8443/x?y").as_deref(),
            Some("acme.my.salesforce.com")
        );
        assert_eq!(host_of("https://[::1]:8443/").as_deref(), Some("::1"));
        assert_eq!(host_of("https://"), None);
    }
}
