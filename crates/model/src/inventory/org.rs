//! What only a live org knows: its users (with their real assignments and
//! login dates), how they logged in (LoginHistory), the OAuth tokens they
//! hold, the Health Check, and what could not be read. The org's profiles,
//! permission sets, groups and apps go into [`SalesforceMetadata`] like the
//! metadata reader's, so every metadata rule applies to them too.
//!
//! Times are seconds since the Unix epoch; locations are
//! `org://<org>/<Object>/<Id>` with line 0.
//!
//! [`SalesforceMetadata`]: super::SalesforceMetadata

use serde::Serialize;

use crate::location::Location;

/// The facts of one org, read live or from a snapshot.
#[derive(Debug, Default, Clone, Serialize)]
pub struct OrgFacts {
    /// The org id (or the instance host when the id is unknown).
    pub org: String,
    pub instance_url: String,
    /// When the org was read (seconds since the epoch).
    pub read_at_unix: i64,
    /// Login history and token use were read from this time on.
    pub since_unix: i64,
    pub users: Vec<OrgUser>,
    /// Logins of integration users within the window.
    pub logins: Vec<LoginEvent>,
    /// OAuth tokens of integration users.
    pub oauth_tokens: Vec<OrgOauthToken>,
    pub health_check: Option<HealthCheck>,
    /// Data the auditing user could not read, so the rules needing it did not
    /// check.
    pub not_read: Vec<NotRead>,
}

/// A user of the org.
#[derive(Debug, Clone, Serialize)]
pub struct OrgUser {
    pub id: String,
    pub username: String,
    pub is_active: bool,
    /// The `UserLogin` record when it says the user is frozen: active (its
    /// license, permissions and credentials stay) but unable to log in until
    /// an admin unfreezes it. None when not frozen, or when `UserLogin` was
    /// not read.
    pub frozen: Option<Location>,
    /// The `UserLogin` record when it says the user's password is locked
    /// (`IsPasswordLocked`: too many failed logins, until an admin unlocks it
    /// or the lockout interval ends). None when not locked, or when
    /// `UserLogin` was not read.
    pub password_locked: Option<Location>,
    /// Profile label as the API gives it (`System Administrator`).
    pub profile: Option<String>,
    pub license: Option<String>,
    /// Permission set API names assigned (not the profile's own).
    pub permission_sets: Vec<String>,
    /// Permission set group developer names assigned.
    pub permission_set_groups: Vec<String>,
    pub last_login_unix: Option<i64>,
    pub last_password_change_unix: Option<i64>,
    pub created_unix: Option<i64>,
    pub location: Location,
}

/// One LoginHistory row.
#[derive(Debug, Clone, Serialize)]
pub struct LoginEvent {
    pub user_id: String,
    pub time_unix: i64,
    /// `Remote Access 2.0` (OAuth), `Application`, `Partner Product`, ...
    pub login_type: Option<String>,
    /// `OauthUsernamePassword`, `OauthJwtBearer`, ...
    pub login_sub_type: Option<String>,
    pub source_ip: Option<String>,
    /// `Success`, `Username-Password Flow Disabled`, `Restricted IP`, ...
    pub status: Option<String>,
    /// The connected app or client.
    pub application: Option<String>,
    /// `SOAP Partner`, `REST API`, ...
    pub api_type: Option<String>,
    pub location: Location,
}

/// Login History's placeholder for a login no application is named for
/// (`N/A`, empty): not an app.
pub fn is_placeholder_application(name: &str) -> bool {
    let name = name.trim();
    name.is_empty() || name.eq_ignore_ascii_case("N/A") || name == "-"
}

impl LoginEvent {
    /// The application that logged in, unless Login History names none (its
    /// placeholder `N/A`, or empty).
    pub fn app(&self) -> Option<&str> {
        self.application
            .as_deref()
            .map(str::trim)
            .filter(|a| !is_placeholder_application(a))
    }

    /// How it logged in, for messages: its sub-type (`OauthUsernamePassword`),
    /// else its API type (`SOAP Enterprise`), else its login type; empty
    /// values skipped.
    pub fn how(&self) -> Option<&str> {
        [&self.login_sub_type, &self.api_type, &self.login_type]
            .into_iter()
            .filter_map(|v| v.as_deref().map(str::trim))
            .find(|v| !v.is_empty())
    }

    /// Who logged in, for messages: the application (`Orders Sync`), or,
    /// when Login History names none, the login's type and API
    /// (`a login of type Application via SOAP Enterprise`).
    pub fn client(&self) -> String {
        if let Some(app) = self.app() {
            return app.to_string();
        }
        let nonempty = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        match (nonempty(&self.login_type), nonempty(&self.api_type)) {
            (Some(t), Some(api)) => format!("a login of type {t} via {api}"),
            (Some(t), None) => format!("a login of type {t}"),
            (None, Some(api)) => format!("a login via {api}"),
            (None, None) => "a login naming no application".to_string(),
        }
    }

    pub fn succeeded(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("Success"))
    }

    /// A login that proved a password: the OAuth username-password flow or
    /// a SOAP `login()`.
    pub fn is_password_login(&self) -> bool {
        let sub = self.login_sub_type.as_deref().unwrap_or("");
        let status = self.status.as_deref().unwrap_or("");
        let oauth = self
            .login_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("Remote Access 2.0"));
        sub.to_ascii_lowercase().contains("usernamepassword")
            || status.eq_ignore_ascii_case("Username-Password Flow Disabled")
            || (!oauth
                && self
                    .api_type
                    .as_deref()
                    .is_some_and(|a| a.to_ascii_uppercase().starts_with("SOAP")))
    }
}

/// One OauthToken row.
#[derive(Debug, Clone, Serialize)]
pub struct OrgOauthToken {
    pub app_name: String,
    pub user_id: String,
    pub last_used_unix: Option<i64>,
    pub use_count: Option<u64>,
    pub location: Location,
}

/// The Security Health Check.
#[derive(Debug, Clone, Serialize)]
pub struct HealthCheck {
    pub score: Option<f64>,
    pub risks: Vec<HealthRisk>,
    pub location: Location,
}

/// One `SecurityHealthCheckRisks` row.
#[derive(Debug, Clone, Serialize)]
pub struct HealthRisk {
    /// `HIGH_RISK`, `MEDIUM_RISK`, `MEETS_STANDARD`.
    pub risk_type: String,
    pub setting: String,
    pub setting_group: Option<String>,
    pub org_value: Option<String>,
    pub standard_value: Option<String>,
}

/// Something the audit could not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotRead {
    /// The object or field (`LoginHistory`, `PermissionSet.PermissionsX`).
    pub what: String,
    /// Salesforce's error code and message.
    pub reason: String,
    /// The permission the auditing user lacks, when known.
    pub missing_permission: Option<String>,
    /// Rule ids that needed it and so did not check.
    pub rules: Vec<String>,
}

impl OrgFacts {
    /// How reports name the org: its instance host (`acme.my.salesforce.com`),
    /// else its id.
    pub fn label(&self) -> String {
        let url = self.instance_url.trim();
        let host = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest)
            .split(['/', ':'])
            .next()
            .unwrap_or_default();
        if host.is_empty() {
            self.org.clone()
        } else {
            host.to_string()
        }
    }

    /// False when `what` (a [`NotRead::what`], e.g. `LoginIpRange`) could
    /// not be read: the org's records of it are unknown, not absent.
    pub fn was_read(&self, what: &str) -> bool {
        !self.not_read.iter().any(|n| n.what == what)
    }

    pub fn user_by_username(&self, username: &str) -> Option<&OrgUser> {
        self.users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(username))
    }

    /// For a username this org does not have: why it may be a sandbox
    /// username. A sandbox copies production's users with `.<sandbox name>`
    /// appended (a letter, then up to nine letters or digits), so
    /// `int.orders@acme.com.uat` next to an org user `int.orders@acme.com`
    /// is that user's copy in sandbox `uat` (the snapshot is not of the
    /// org the username logs in to), and `int.orders@acme.com` next to an
    /// org user `int.orders@acme.com.uat` means the snapshot is of sandbox
    /// `uat`. `None` when neither holds.
    pub fn sandbox_hint(&self, username: &str) -> Option<String> {
        if self.user_by_username(username).is_some() {
            return None;
        }
        // The username is a sandbox copy of an org user.
        if let Some((base, sandbox)) = username.rsplit_once('.') {
            if is_sandbox_name(sandbox) && base.contains('@') {
                if let Some(user) = self.user_by_username(base) {
                    return Some(format!(
                        "the org has {}, and {username} looks like its copy in a sandbox named {sandbox} (a sandbox appends .<sandbox name> to the usernames it copies): this snapshot is not of the org {username} logs in to",
                        user.username
                    ));
                }
            }
        }
        // An org user is a sandbox copy of the username.
        let prefix_len = username.len() + 1;
        let copy = self.users.iter().find(|u| {
            u.username.len() > prefix_len
                && u.username.is_char_boundary(username.len())
                && u.username[..username.len()].eq_ignore_ascii_case(username)
                && u.username.as_bytes()[username.len()] == b'.'
                && is_sandbox_name(&u.username[prefix_len..])
        })?;
        let sandbox = &copy.username[prefix_len..];
        Some(format!(
            "the org has {}, its copy in a sandbox named {sandbox} (a sandbox appends .<sandbox name> to the usernames it copies): this snapshot looks like sandbox {sandbox}'s, and {username} logs in to production or another org",
            copy.username
        ))
    }

    pub fn logins_of<'a>(&'a self, user_id: &'a str) -> impl Iterator<Item = &'a LoginEvent> {
        self.logins.iter().filter(move |l| l.user_id == user_id)
    }

    pub fn tokens_of<'a>(&'a self, user_id: &'a str) -> impl Iterator<Item = &'a OrgOauthToken> {
        self.oauth_tokens
            .iter()
            .filter(move |t| t.user_id == user_id)
    }
}

/// A sandbox name as Salesforce allows it: a letter, then letters or digits,
/// 10 characters at most.
fn is_sandbox_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=10).contains(&bytes.len())
        && bytes[0].is_ascii_alphabetic()
        && bytes.iter().all(u8::is_ascii_alphanumeric)
}

/// True for a location of an org record (`org://...`).
pub fn is_org_location(location: &Location) -> bool {
    location.path.as_str().starts_with("org://")
}

/// `org://<org>/<object>/<id>`, a whole-record location.
pub fn org_location(org: &str, object: &str, id: &str) -> Location {
    Location::file(format!("org://{org}/{object}/{id}"))
}

/// Days between two Unix times, rounded down.
pub fn days_between(earlier: i64, later: i64) -> i64 {
    (later - earlier).div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: &str, url: &str) -> OrgFacts {
        OrgFacts {
            org: id.into(),
            instance_url: url.into(),
            ..OrgFacts::default()
        }
    }

    #[test]
    fn label_is_the_instance_host_else_the_org_id() {
        let label = |id, url| org(id, url).label();
        assert_eq!(
            label("00D1", "https://acme.my.salesforce.com/"),
            "acme.my.salesforce.com"
        );
        assert_eq!(
            label("00D1", "https://127.0.0.1:8443/services"),
            "127.0.0.1"
        );
        assert_eq!(label("00D1", ""), "00D1");
    }

    fn with_users(usernames: &[&str]) -> OrgFacts {
        OrgFacts {
            users: usernames
                .iter()
                .map(|u| OrgUser {
                    id: String::new(),
                    username: (*u).to_string(),
                    is_active: true,
                    frozen: None,
                    password_locked: None,
                    profile: None,
                    license: None,
                    permission_sets: Vec::new(),
                    permission_set_groups: Vec::new(),
                    last_login_unix: None,
                    last_password_change_unix: None,
                    created_unix: None,
                    location: Location::file("org://00D1/User/005"),
                })
                .collect(),
            ..org("00D1", "https://acme.my.salesforce.com")
        }
    }

    #[test]
    fn sandbox_hint_names_the_production_user_or_its_sandbox_copy() {
        let prod = with_users(&["int.orders@acme.com"]);
        let hint = prod.sandbox_hint("INT.Orders@acme.com.uat").unwrap();
        assert!(
            hint.starts_with("the org has int.orders@acme.com, and INT.Orders@acme.com.uat looks like its copy in a sandbox named uat"),
            "{hint}"
        );
        let sandbox = with_users(&["int.orders@acme.com.uat2"]);
        let hint = sandbox.sandbox_hint("int.orders@acme.com").unwrap();
        assert!(
            hint.starts_with(
                "the org has int.orders@acme.com.uat2, its copy in a sandbox named uat2"
            ) && hint.contains("this snapshot looks like sandbox uat2's"),
            "{hint}"
        );
        // Known users, unrelated users, and what no sandbox name can be
        // (a digit first, over 10 characters, a dot inside, no '@' before).
        assert_eq!(prod.sandbox_hint("int.orders@acme.com"), None);
        assert_eq!(prod.sandbox_hint("int.billing@acme.com.uat"), None);
        assert_eq!(prod.sandbox_hint("int.orders@acme.com.1uat"), None);
        assert_eq!(prod.sandbox_hint("int.orders@acme.com.averylongname"), None);
        assert_eq!(prod.sandbox_hint("int.orders@acme.com.a.b"), None);
        assert_eq!(with_users(&["acme.com"]).sandbox_hint("acme.com.uat"), None);
        assert_eq!(sandbox.sandbox_hint("int.orders@acme"), None);
    }
}
