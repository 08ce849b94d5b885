use intguard_model::{
    AuthClass, Finding, HttpParam, HttpRequestOperation, HttpRequester, Inventory, Location,
    MuleApp, MuleRuntime, Practice, Related, RequestConfigs, RuleMeta, Severity, Value,
};

use crate::identities::{active_org_users, identity_finding};

use crate::support::{
    connection_identities, describe_identities, describe_users, display_url,
    encrypted_username_environments, identity_related, is_salesforce_host, parse_url,
    user_environments,
};
use crate::{Rule, Scope};

mod secret_places;

use secret_places::{CommittedOptions, SecretPlaces};

pub struct PasswordAuth;

static META: RuleMeta = RuleMeta {
    id: "IG101",
    name: "password-auth",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::High,
    summary: "A Salesforce connection authenticates with a username and password",
    doc: r#"## What it does
Flags Salesforce connections that log in with a password: Mule 4
`salesforce:basic-connection` (SOAP `login()`), `salesforce:oauth-user-pass-connection`
(the OAuth username-password flow), Mule 3 `sfdc:config` with a `password`, and any
connection whose login URL is the SOAP endpoint `/services/Soap/u/`.

It also flags `<http:request>` operations that log in to Salesforce by hand: the OAuth
username-password flow (`grant_type=password` in the `url`, in `<http:query-params>`
(a DataWeave map or `<http:query-param key value>` children), in `<http:body>`, in the
payload the flow sets just before the request, e.g. an `ee:set-payload` DataWeave
object, written inline or in a `.dwl` file of the app (`resource="dwl/token.dwl"`),
or that a `flow-ref` hands the sub-flow whose first request it is, or in the
default query parameters of its `<http:request-config>`,
`<http:default-query-params>`) or a SOAP login URL (`/services/Soap/u/`), after
resolving `${...}`, `p('...')` and `Mule::p('...')` through every environment's
properties: `grant_type: p('sfdc.grantType')` counts in the environments whose
property files set `sfdc.grantType` to `password`, and the finding names them when
they are not all of the app's. The request's host (its `url`, or its
`http:request-config`'s host) must be Salesforce's (`*.salesforce.com`, `*.force.com`):
the same grant sent to another identity provider is not a Salesforce login and is not
reported. XML comments are not read. The user is named when the request's `username`
(or a SOAP envelope's `<username>`) resolves.

In an org audit (`intguard org audit`, `intguard scan --org-snapshot`) it also reads the
Login History of every integration user within the audit window: successful logins
through the OAuth username-password flow (`LoginSubType` `OauthUsernamePassword`) or a
SOAP `login()` are reported once per user, with the apps and source addresses, and
attempts refused with "Username-Password Flow Disabled" show what still tries.

## Why is this bad?
A password (plus security token) is a shared secret that a whole team ends up
knowing; it is copied between environments, rarely rotated, and works from anywhere
the user's login IP ranges allow. The OAuth username-password flow is blocked by
default in orgs since Summer '23, and SOAP `login()` is retiring (Summer '27). The
JWT bearer flow replaces the password with a private key that never leaves the
runtime, and the connected app (or External Client App) decides who may use it.

## Example
```xml
<salesforce:sfdc-config name="Salesforce_Config">
  <salesforce:basic-connection username="${sfdc.username}" password="${secure::sfdc.password}"
      securityToken="${secure::sfdc.token}"/>
</salesforce:sfdc-config>
```

## How to fix
`intguard fix jwt` does the switch below for Mule 4 `basic-connection` and
`oauth-user-pass-connection` (`--dry-run` shows the diff): it rewrites the connection in
place, adds the properties it reads to each environment's files, and lists the password
settings to delete; Mule 3 connections are listed, not rewritten. By hand:
Create a keystore and its certificate (`intguard keys new --out <a folder outside the
repository> --cn sfdc --keystore`), upload the certificate to a connected app or
External Client App with "Use digital signatures", pre-authorize the integration
user's permission set (admin-approved users only), and switch the connection to JWT,
the keystore and its password provided at deploy time:
```xml
<salesforce:sfdc-config name="Salesforce_Config">
  <salesforce:jwt-connection consumerKey="${secure::sfdc.consumerKey}"
      keyStore="${sfdc.keystore.path}" storePassword="${secure::sfdc.keystorePassword}"
      certificateAlias="sfdc" principal="${sfdc.username}"
      tokenEndpoint="https://acme.my.salesforce.com/services/oauth2/token"
      audienceUrl="https://login.salesforce.com"/>
</salesforce:sfdc-config>
```
A Mule 3 app uses its connector's JWT bearer config instead (or migrates to Mule 4):
```xml
<sfdc:cached-config-oauth-jwt-bearer name="Salesforce_Config" consumerKey="${sfdc.consumerKey}"
    keyStore="${sfdc.keystore.path}" storePassword="${sfdc.keystorePassword}" principal="${sfdc.username}"
    tokenEndpoint="https://acme.my.salesforce.com/services/oauth2/token"/>
```
Then delete the password and security token where they are set (the finding names each
property file entry, `global-property`, `-D` option of the app's scripts, or the attribute
itself; or the properties left to the deployment; for a SOAP login, what the envelope's
`<password>` reads, when the flow sets the envelope before the request, as XML or with
DataWeave `urn#password: ...`) and reset the user's password to a long
random value nobody knows.

## References
- Salesforce Help: OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration
- Salesforce Help: Block the OAuth 2.0 Username-Password Flow
- MuleSoft Docs: Salesforce Connector 10.x Reference, JWT connection
"#,
};

/// The Mule 3 Salesforce connector's (8.x/9.x) OAuth 2.0 JWT bearer config:
/// the element name is the one MuleSoft's Mule 3 to 4 migration assistant
/// turns into `<salesforce:jwt-connection>`; its attributes are UNVERIFIED,
/// named as that connection's.
const MULE3_JWT_ELEMENT: &str = "sfdc:cached-config-oauth-jwt-bearer";
const MULE3_JWT_CONFIG: &str =
    "the Mule 3 Salesforce connector's OAuth 2.0 JWT Bearer configuration, <sfdc:cached-config-oauth-jwt-bearer>";

impl Rule for PasswordAuth {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// The connections and requests of each app on their own; the other
    /// apps that log in as the same user are named by `complete`, and the
    /// org's password logins by [`Rule::check_scan`].
    fn scope(&self) -> Scope {
        Scope::App
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        let options = CommittedOptions::new(inventory);
        for (app, conn) in inventory.connections() {
            // `serviceEndpoint` is the SOAP API endpoint a session's calls
            // go to (`.../services/Soap/u/58.0/00D...`), not a login URL.
            let soap_login = conn
                .endpoint_attributes()
                .filter(|a| !a.name.eq_ignore_ascii_case("serviceEndpoint"))
                .flat_map(|a| app.resolve_all(&a.value))
                .filter_map(|r| r.value)
                .any(|url| url.contains("/services/Soap/u/"));
            // The security token is optional (not needed from a trusted IP
            // range): name it only where it is written.
            let token = conn
                .attr("securityToken")
                .is_some_and(|v| !v.raw.trim().is_empty());
            let secrets = if token {
                "the password and security token"
            } else {
                "the password"
            };
            let how = match conn.auth {
                AuthClass::Password if conn.is_oauth_user_pass() => {
                    "the OAuth username-password flow"
                }
                AuthClass::Password if token => {
                    "a username, password and security token (SOAP login)"
                }
                AuthClass::Password => "a username and password (SOAP login)",
                _ if soap_login => "the SOAP login endpoint /services/Soap/u/",
                _ => continue,
            };
            let secret_attributes: &[&str] = if token {
                &["password", "securityToken"]
            } else {
                &["password"]
            };
            let removal = SecretPlaces::of(&options, app, conn, secret_attributes)
                .removal(secrets)
                .unwrap_or_else(|| format!("remove {secrets} from the app's configuration"));
            let ids = connection_identities(inventory, app, conn);
            let encrypted = encrypted_username_environments(inventory, app, conn);
            let message = format!(
                "{} `{}` ({}) authenticates with {how}{}",
                app.name,
                conn.config_name,
                conn.element,
                describe_users(&ids, &encrypted)
                    .map(|w| format!(" as {w}"))
                    .unwrap_or_default()
            );
            let mut finding = Finding::new(&META, conn.location.clone(), message)
                .maybe_identity(describe_identities(&ids))
                .environments(user_environments(&ids, &encrypted))
                .key(format!("{}|{}", conn.config_name, conn.element))
                .fix(if app.runtime == MuleRuntime::Mule3 {
                    // <salesforce:jwt-connection> is Mule 4's connector; the
                    // Mule 3 one has its own JWT bearer config.
                    format!(
                        "Replace <{}> with {MULE3_JWT_CONFIG} (consumerKey, keyStore, storePassword, principal), or migrate the integration to Mule 4 and use <salesforce:jwt-connection>, backed by a keystore whose certificate is uploaded to a connected app or External Client App (intguard keys new --out <a folder outside the repository> --keystore, which writes both); then {removal} and reset the user's password. Until then, keep the password out of the repository and rotate it.",
                        conn.element
                    )
                } else {
                    // `intguard fix jwt` rewrites the connector's own connections
                    // (not the Composite connector's, whose JWT element is
                    // UNVERIFIED).
                    let rewrite = if conn.is_composite() {
                        String::new()
                    } else {
                        let root = if app.root.is_empty() { "." } else { app.root.as_str() };
                        let root = crate::support::shell_word(root);
                        format!(" Or run intguard fix jwt {root} (--dry-run first): it makes the switch in place, adds the properties the connection reads per environment, and lists the password settings to delete.")
                    };
                    format!(
                        "Replace <{}> with {} (consumerKey, keyStore, storePassword, principal) backed by a keystore whose certificate is uploaded to a connected app or External Client App (intguard keys new --out <a folder outside the repository> --keystore, which writes both and prints the connection); then {removal} and reset the user's password.{rewrite}",
                        conn.element,
                        conn.jwt_replacement()
                    )
                });
            let mut users: Vec<&str> = ids.iter().map(|i| i.username.as_str()).collect();
            users.sort_unstable();
            users.dedup();
            finding.shared_user_notes = users
                .iter()
                .map(|u| (u.to_string(), app.name.clone()))
                .collect();
            for rel in identity_related(&ids) {
                finding = finding.related(rel);
            }
            out.push(finding);
        }
        out.extend(http_password_logins(inventory, &options));
        out
    }

    fn check_scan(&self, inventory: &Inventory) -> Vec<Finding> {
        password_logins(inventory)
    }
}

/// Integration users whose Login History shows password logins.
fn password_logins(inventory: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    for (id, org, user) in active_org_users(inventory) {
        let logins: Vec<_> = org
            .logins_of(&user.id)
            .filter(|l| l.is_password_login())
            .collect();
        if logins.is_empty() {
            continue;
        }
        let ok = logins.iter().filter(|l| l.succeeded()).count();
        let blocked = logins.len() - ok;
        let mut via: Vec<String> = logins
            .iter()
            .map(|l| {
                // Login History's placeholder application (`N/A`) names no
                // one: such a login is told by its login type and API.
                let who = match l.app() {
                    Some(a) => format!("{a} ({})", l.how().unwrap_or("password")),
                    None => l.client(),
                };
                match l.source_ip.as_deref().map(str::trim) {
                    Some(ip) if !ip.is_empty() => format!("{who} from {ip}"),
                    _ => who,
                }
            })
            .collect();
        via.sort();
        via.dedup();
        let username = &user.username;
        let what = match (ok, blocked) {
            (0, b) => format!("{b} password login attempt(s), refused"),
            (o, 0) => format!("{o} password login(s)"),
            (o, b) => format!("{o} password login(s) and {b} refused attempt(s)"),
        };
        let mut f = identity_finding(
            &META,
            id,
            user.location.clone(),
            format!(
                "integration user {username} logs in with a password: {what} in the audit window by {}",
                via.join(", ")
            ),
        )
        .key(format!("login-history|{}", username.to_lowercase()))
        .fix(format!(
            "Move what logs in as {username} to the JWT bearer flow (a certificate on its connected app or External Client App; salesforce:jwt-connection in Mule), then block the username-password flow (Setup > OAuth and OpenID Connect Settings) and reset the password to a random value nobody keeps."
        ));
        if ok == 0 {
            f = f.severity(Severity::Medium);
        }
        for l in logins.iter().take(3) {
            f = f.related(Related::new(
                &l.location,
                format!(
                    "{} {}",
                    l.status.as_deref().unwrap_or("login"),
                    l.how().unwrap_or("")
                )
                .trim_end()
                .to_string(),
            ));
        }
        out.push(f);
    }
    out
}

/// `grant_type=password`, `grant_type: "password"`, `"grant_type": 'password'`.
fn has_password_grant(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let quote_or_space = |c: char| matches!(c, '"' | '\'' | ' ' | '\t');
    let mut from = 0;
    while let Some(i) = lower[from..].find("grant_type") {
        let after = from + i + "grant_type".len();
        let rest = lower[after..].trim_start_matches(quote_or_space);
        if let Some(r) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) {
            let r = r.trim_start_matches(quote_or_space);
            if let Some(tail) = r.strip_prefix("password") {
                if !tail.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                    return true;
                }
            }
        }
        from = after;
    }
    false
}

/// The value after `username=` / `username: "..."` in a URL query or a
/// DataWeave object (after property substitution).
fn username_in(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let quote_or_space = |c: char| matches!(c, '"' | '\'' | ' ' | '\t');
    let mut from = 0;
    while let Some(i) = lower[from..].find("username") {
        let at = from + i;
        let after = at + "username".len();
        let word_start = at == 0
            || !text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        let rest = text[after..].trim_start_matches(quote_or_space);
        // `username=`, `username:`, or a SOAP envelope's `<urn:username>`.
        let value = rest
            .strip_prefix('=')
            .or_else(|| rest.strip_prefix(':'))
            .or_else(|| text[after..].strip_prefix('>'));
        if let (true, Some(r)) = (word_start, value) {
            let r = r.trim_start_matches(quote_or_space);
            let end = r
                .find(|c: char| {
                    matches!(c, '&' | '"' | '\'' | ',' | '}' | ')' | '(' | '<') || c.is_whitespace()
                })
                .unwrap_or(r.len());
            let v = &r[..end];
            if v.contains('@') && !v.contains("${") {
                return Some(v.to_string());
            }
        }
        from = after;
    }
    None
}

/// `text` with each property reference it holds replaced by its value in
/// `env`, where the repository defines it (others are left as written).
/// `script`: a DataWeave script, whose `p('...')` calls count too.
fn substitute(app: &MuleApp, text: &str, env: Option<&str>, at: &Location, script: bool) -> String {
    // A DataWeave script (a payload, query parameters) calls p('...') outside
    // any `#[...]`: read it as one expression.
    let wrapped;
    let text = if !script || text.contains("#[") {
        text
    } else {
        wrapped = format!("#[{text}]");
        &wrapped
    };
    let mut out = String::new();
    let mut last = 0;
    for p in intguard_model::expr::placeholders(text) {
        if p.start < last {
            continue;
        }
        let name = if p.secure {
            format!("${{secure::{}}}", p.name)
        } else {
            format!("${{{}}}", p.name)
        };
        if let Some(v) = app.resolve(&Value::new(name, at.clone()), env).value {
            out.push_str(&text[last..p.start]);
            out.push_str(&v);
            last = p.end;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// Where a request goes in each environment: its `url`, or its config's
/// protocol, host, port and base path followed by its `path`.
fn request_urls<'a>(
    app: &'a MuleApp,
    op: &HttpRequestOperation,
    config: Option<&HttpRequester>,
) -> Vec<(Option<&'a str>, String)> {
    let mut out = Vec::new();
    if let Some(url) = &op.url {
        // A secret in the query (`${secure::sf.password}`) is set at deploy
        // time: the rest of the URL still says where it goes.
        for env in app.resolution_environments() {
            let v = app
                .resolve(url, env)
                .value
                .unwrap_or_else(|| substitute(app, &url.raw, env, &url.location, false));
            out.push((env, v));
        }
        return out;
    }
    let Some(cfg) = config else {
        return out;
    };
    for env in app.resolution_environments() {
        let get = |v: &Option<Value>| {
            v.as_ref()
                .map(|v| app.resolve(v, env).value)
                .unwrap_or(Some(String::new()))
        };
        let (Some(protocol), Some(host), Some(port), Some(base), Some(path)) = (
            get(&cfg.protocol),
            get(&cfg.host),
            get(&cfg.port),
            get(&cfg.base_path),
            get(&op.path),
        ) else {
            continue;
        };
        if host.trim().is_empty() {
            continue;
        }
        let scheme = if protocol.trim().is_empty() {
            "http".to_string()
        } else {
            protocol.trim().to_ascii_lowercase()
        };
        let port = if port.trim().is_empty() {
            String::new()
        } else {
            format!(":{}", port.trim())
        };
        let join = |a: &str, b: &str| {
            let (a, b) = (
                a.trim().trim_end_matches('/'),
                b.trim().trim_start_matches('/'),
            );
            if b.is_empty() {
                a.to_string()
            } else {
                format!("{a}/{b}")
            }
        };
        let path = join(&join("", &base), &path);
        out.push((env, format!("{scheme}://{}{port}{path}", host.trim())));
    }
    out
}

/// `name=value` of a query parameter written as a key/value element, its
/// value resolved in `env` where the repository defines it.
fn param_text(app: &MuleApp, p: &HttpParam, env: Option<&str>) -> String {
    let value = app
        .resolve(&p.value, env)
        .value
        .unwrap_or_else(|| substitute(app, &p.value.raw, env, &p.value.location, false));
    format!("{}={value}", p.name)
}

/// `<http:request>` operations that log in to Salesforce with a password: the
/// OAuth username-password flow (`grant_type=password` in the URL, the query
/// parameters, the body, the payload the flow set before the request or the
/// default query parameters of the request config) or a SOAP login URL. Only
/// requests whose host is Salesforce's count; XML comments are not read.
fn http_password_logins(inventory: &Inventory, options: &CommittedOptions<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for app in &inventory.apps {
        let configs = RequestConfigs::new(&app.http_requests);
        for op in &app.http_request_operations {
            let config = configs.of(op);
            let defaults: &[HttpParam] = config
                .map(|c| c.default_query_params.as_slice())
                .unwrap_or_default();
            let mut envs: Vec<String> = Vec::new();
            let mut users: Vec<(Option<&str>, String)> = Vec::new();
            let mut how: Option<&str> = None;
            let mut shown: Option<String> = None;
            // Where a password grant came only from the config's defaults: the
            // default `grant_type`.
            let mut from_defaults: Option<&HttpParam> = None;
            for (env, url) in request_urls(app, op, config) {
                let Some(parts) = parse_url(&url) else {
                    continue;
                };
                if !is_salesforce_host(&parts.host) {
                    continue;
                }
                let mut texts: Vec<String> =
                    [Some(op.children_text.as_str()), op.payload.as_deref()]
                        .into_iter()
                        .flatten()
                        .map(|t| substitute(app, t, env, &op.location, true))
                        .collect();
                texts.extend(op.query_params.iter().map(|p| param_text(app, p, env)));
                let default_texts: Vec<String> =
                    defaults.iter().map(|p| param_text(app, p, env)).collect();
                let own_grant =
                    has_password_grant(&url) || texts.iter().any(|t| has_password_grant(t));
                let default_grant = defaults
                    .iter()
                    .zip(&default_texts)
                    .find(|(_, t)| has_password_grant(t))
                    .map(|(p, _)| p);
                let this = if parts.path.contains("/services/Soap/u/") {
                    "the SOAP login endpoint /services/Soap/u/"
                } else if own_grant || default_grant.is_some() {
                    "the OAuth username-password flow (grant_type=password)"
                } else {
                    continue;
                };
                if !own_grant && from_defaults.is_none() {
                    from_defaults = default_grant;
                }
                texts.extend(default_texts);
                how.get_or_insert(this);
                shown.get_or_insert_with(|| display_url(&url));
                if let Some(e) = env {
                    if !envs.iter().any(|x| x == e) {
                        envs.push(e.to_string());
                    }
                }
                if let Some(u) = std::iter::once(&url)
                    .chain(&texts)
                    .find_map(|t| username_in(t))
                {
                    if !users.iter().any(|(e, x)| *e == env && *x == u) {
                        users.push((env, u));
                    }
                }
            }
            let (Some(how), Some(shown)) = (how, shown) else {
                continue;
            };
            let who = if users.is_empty() {
                None
            } else if users.iter().all(|(_, u)| *u == users[0].1) {
                Some(users[0].1.clone())
            } else {
                Some(
                    users
                        .iter()
                        .map(|(e, u)| match e {
                            Some(e) => format!("{u} ({e})"),
                            None => u.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            };
            let source = match (from_defaults, config) {
                (Some(_), Some(c)) => format!(
                    ", from the default query parameters of <http:request-config> `{}`",
                    c.config_name
                ),
                _ => String::new(),
            };
            // Named when the login happens in some of the app's environments
            // only (a grant read from a property).
            let where_ = if !envs.is_empty() && envs.len() < app.environments.len() {
                format!(" in {}", envs.join(", "))
            } else {
                String::new()
            };
            let message = format!(
                "{}: <http:request> to {shown} logs in to Salesforce with {how}{source}{where_}{}",
                app.name,
                who.as_deref()
                    .map(|w| format!(" as {w}"))
                    .unwrap_or_default()
            );
            let principal = users
                .first()
                .map(|(_, u)| u.clone())
                .unwrap_or_else(|| "${sfdc.username}".to_string());
            let removal = SecretPlaces::of_request(options, app, op)
                .removal("the password")
                .unwrap_or_else(|| {
                    "delete the password wherever it is kept (property files, deploy-time properties, the request itself)".to_string()
                });
            let connector = if app.runtime == MuleRuntime::Mule3 {
                format!(
                    "<{MULE3_JWT_ELEMENT} name=\"Salesforce_Config\" consumerKey=\"${{sfdc.consumerKey}}\" keyStore=\"${{sfdc.keystore.path}}\" storePassword=\"${{sfdc.keystore.password}}\" principal=\"{principal}\" tokenEndpoint=\"https://<mydomain>.my.salesforce.com/services/oauth2/token\"/>"
                )
            } else {
                format!(
                    "<salesforce:sfdc-config name=\"Salesforce_Config\"><salesforce:jwt-connection consumerKey=\"${{secure::sfdc.consumerKey}}\" keyStore=\"${{sfdc.keystore.path}}\" storePassword=\"${{secure::sfdc.keystore.password}}\" certificateAlias=\"sfdc\" principal=\"{principal}\" tokenEndpoint=\"https://<mydomain>.my.salesforce.com/services/oauth2/token\" audienceUrl=\"https://login.salesforce.com\"/></salesforce:sfdc-config>"
                )
            };
            let fix = format!(
                "Stop logging in with a password: call Salesforce through the connector with the JWT bearer flow, {connector}, backed by a keystore whose certificate is uploaded to a connected app or External Client App (intguard keys new --out <a folder outside the repository> --cn sfdc --keystore, which writes both) (if the call must stay an <http:request>, post grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer with an assertion signed by that certificate instead of a password); then {removal} and reset it to a random value nobody keeps."
            );
            let mut names: Vec<&str> = users.iter().map(|(_, u)| u.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            let notes: Vec<(String, String)> = names
                .iter()
                .map(|u| (u.to_string(), app.name.clone()))
                .collect();
            let key = match (&op.url, &op.config_ref) {
                (Some(u), _) => format!("http-request|{}", display_url(&u.raw)),
                (None, c) => format!(
                    "http-request|{}|{}",
                    c.as_deref().unwrap_or_default(),
                    op.path.as_ref().map(|p| p.raw.as_str()).unwrap_or_default()
                ),
            };
            let mut finding = Finding::new(&META, op.location.clone(), message)
                .maybe_identity(who)
                .environments(envs)
                .key(key)
                .fix(fix);
            finding.shared_user_notes = notes;
            if let (Some(p), Some(c)) = (from_defaults, config) {
                finding = finding.related(Related::new(
                    &p.value.location,
                    format!(
                        "`{}` default query parameter of <http:request-config> `{}`",
                        p.name, c.config_name
                    ),
                ));
            }
            out.push(finding);
        }
    }
    crate::support::disambiguate_keys(&mut out);
    out
}
