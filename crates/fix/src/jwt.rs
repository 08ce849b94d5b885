//! `fix jwt`: switches the Mule 4 Salesforce connections that log in with a password
//! (IG101: `salesforce:basic-connection`, `salesforce:oauth-user-pass-connection`) to the
//! OAuth 2.0 JWT bearer flow, `salesforce:jwt-connection`, in place.
//!
//! Only the connection element changes in the XML: its start tag is written anew (the
//! element name and its attributes) and its close tag renamed; its nested children
//! (`<reconnection>`, proxy, `<tls:context>`: every connection kind takes them) stay
//! byte-identical, and so does the rest of the file. The new attributes are those of
//! intguard's reference (consumerKey, keyStore, storePassword, certificateAlias, principal,
//! tokenEndpoint, audienceUrl):
//! - `principal` is the connection's `username` as written (the same `${...}` reference,
//!   so per-environment usernames keep working);
//! - `consumerKey`, `keyStore` and `storePassword` read properties (`storePassword` as
//!   `${secure::...}` when the app has a secure-properties configuration), added to the
//!   property files that define the username (each environment's), in their own syntax,
//!   with placeholder values to fill in (or the values given); the store password goes to
//!   each environment's secure file and to mule-artifact.json `secureProperties`;
//! - `tokenEndpoint` and `audienceUrl` follow the login `url` (a basic connection's; an
//!   OAuth username-password connection's `tokenEndpoint`, kept): a sandbox or My Domain
//!   host gives its token endpoint and the audience of its kind of org; the production
//!   login host leaves both to their defaults; a `${...}` url gives per-file properties.
//! - `password`, `securityToken`, `consumerSecret`, `url`, `sessionId` and
//!   `serviceEndpoint` are dropped; an attribute the reference does not list for every
//!   connection kind is kept and named, to check.
//!
//! Mule 3 connections (`sfdc:*`) are not rewritten: how the Mule 3 connector's JWT
//! bearer configuration sets its token endpoint and audience is UNVERIFIED (see
//! `why_not_switched` for what was checked). Nor are the
//! Composite connector's (its JWT element name is UNVERIFIED), those in test sources,
//! and a Mule plugin's (the apps importing it set its properties: switching it alone
//! would leave them reading properties nothing defines).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use intguard_model::expr::placeholders;
use intguard_model::{
    AuthClass, Finding, GlobalProperty, Inventory, MuleApp, MuleRuntime, PropertyFormat,
    SalesforceConnection,
};
use quick_xml::events::Event;
use quick_xml::Reader;

use crate::secrets::workspace::Workspace;
use crate::secrets::{first_names, in_test_sources, setup, targets, SecretsOptions};
use crate::text::{byte_col, eol, indent_of, Lines};
use crate::xml::escape_attr;
use crate::{FixError, Masking, Plan};

/// The command, as errors name it.
const COMMAND: &str = "fix jwt";

/// Names and values for the properties the new connections read. `None`: the default
/// (names from the username's property, `sfdc.username` -> `sfdc.consumerKey`,
/// `sfdc.keystore.path`, `sfdc.keystore.password`; placeholder values to fill in).
#[derive(Debug, Clone, Default)]
pub struct JwtOptions {
    pub consumer_key_property: Option<String>,
    pub keystore_property: Option<String>,
    pub store_password_property: Option<String>,
    /// The consumer key of the connected app (no secret), written as the property's value.
    pub consumer_key: Option<String>,
    /// The keystore's path as the app reads it (e.g. `keys/sfdc.p12`).
    pub keystore: Option<String>,
    /// The keystore entry's alias, written as `certificateAlias`.
    pub certificate_alias: Option<String>,
}

/// A connection the plan switches, to check once written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switched {
    /// The app's root, as the inventory names it.
    pub app_root: String,
    pub config_name: String,
    /// The connection's file.
    pub path: String,
    /// The `principal` written: the `username` as it was written.
    pub principal: String,
    /// The usernames it resolves to, in the app's environments.
    pub users: Vec<String>,
}

/// What `fix jwt` would do.
#[derive(Debug, Default)]
pub struct JwtPlan {
    /// The file changes, actions and what was left as is (and why).
    pub plan: Plan,
    pub switched: Vec<Switched>,
    /// Property definitions the switched connections no longer read: to delete once
    /// the switch works, and the password behind them to reset. Names and files only.
    pub unused: Vec<String>,
    /// What the user must know or do by hand for a switched connection.
    pub notes: Vec<String>,
}

/// Placeholder values: `<...>` is what intguard's rules take for a template dummy.
const CONSUMER_KEY_PLACEHOLDER: &str = "<consumer key of the connected app>";
const KEYSTORE_PLACEHOLDER: &str = "<path of the PKCS#12 keystore>";
const PASSWORD_PLACEHOLDER: &str = "<keystore password>";
const ENCRYPTED_PASSWORD_PLACEHOLDER: &str = "<encrypted keystore password>";

/// Attributes every Salesforce connection kind takes (the reference: apiVersion,
/// connectionTimeout, proxy): kept as written.
fn applies_to_every_kind(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "apiversion"
        || lower == "connectiontimeout"
        || lower.starts_with("proxy")
        || name.starts_with("doc:")
        || name.starts_with("xmlns")
}

/// Attributes of a password connection that have no place on a jwt-connection.
const DROPPED: &[&str] = &[
    "password",
    "securityToken",
    "consumerSecret",
    "username",
    "url",
    "sessionId",
    "serviceEndpoint",
];

/// Attributes the new start tag writes itself.
const WRITTEN: &[&str] = &["consumerKey", "tokenEndpoint"];

/// Checks a property name given as an option: something `${...}` can read.
pub fn check_property_name(name: &str) -> Result<(), String> {
    if name.is_empty()
        || name
            .chars()
            .any(|c| c.is_whitespace() || "${}\"'<>&:#[]()".contains(c))
    {
        return Err(format!(
            "`{name}` is not a property name a `${{...}}` reference can read"
        ));
    }
    Ok(())
}

/// Plans the switch of every Mule 4 password connection an IG101 finding reports
/// (`findings`; other rules' are ignored) to `salesforce:jwt-connection`.
pub fn plan_jwt(
    inventory: &Inventory,
    findings: &[Finding],
    options: &JwtOptions,
) -> Result<JwtPlan, FixError> {
    for name in [
        &options.consumer_key_property,
        &options.keystore_property,
        &options.store_password_property,
    ]
    .into_iter()
    .flatten()
    {
        check_property_name(name).map_err(FixError)?;
    }
    let mut out = JwtPlan {
        plan: Plan {
            masking: Masking::new(inventory, &[]),
            shown_placeholders: vec![PASSWORD_PLACEHOLDER, ENCRYPTED_PASSWORD_PLACEHOLDER],
            ..Plan::default()
        },
        ..JwtPlan::default()
    };
    let mut ws = Workspace::for_command(COMMAND);
    let ig101: Vec<&Finding> = findings.iter().filter(|f| f.rule == "IG101").collect();
    let mut matched: BTreeSet<usize> = BTreeSet::new();
    // Property entries planned per file, so that a name is added once.
    let mut added: BTreeSet<(String, String)> = BTreeSet::new();
    // The switched connections' password settings, told once every switch is
    // planned: a setting another switched connection read is no longer read.
    let mut pending: Vec<Pending> = Vec::new();
    for app in &inventory.apps {
        for conn in &app.salesforce_connections {
            let Some(i) = ig101.iter().position(|f| {
                f.location.path == conn.location.path && f.location.line == conn.location.line
            }) else {
                continue;
            };
            matched.insert(i);
            let here = format!(
                "{}:{} `{}` ({})",
                conn.location.path, conn.location.line, conn.config_name, conn.element
            );
            if let Some(why) = why_not_switched(inventory, app, conn) {
                out.plan.skipped.push(format!("{here}: {why}"));
                continue;
            }
            let mut switch = Switch {
                app,
                conn,
                options,
                ws: &mut ws,
                out: &mut out,
                added: &mut added,
                pending: &mut pending,
                user_property: None,
            };
            match switch.plan() {
                Ok(()) => {}
                Err(Failure::Skip(why)) => out.plan.skipped.push(format!("{here}: {why}")),
                Err(Failure::Fatal(e)) => return Err(e),
            }
        }
    }
    for (i, f) in ig101.iter().enumerate() {
        if !matched.contains(&i) {
            out.plan.skipped.push(format!(
                "{}:{}: {} (not a connection element: change it by hand)",
                f.location.path, f.location.line, f.message
            ));
        }
    }
    // The start tags rewritten, per file: what no longer reads anything.
    let mut rewritten: BTreeMap<&str, Vec<Range<usize>>> = BTreeMap::new();
    for p in &pending {
        rewritten
            .entry(p.path.as_str())
            .or_default()
            .push(p.start_tag.clone());
    }
    let mut unused: Vec<Unused> = Vec::new();
    for p in &pending {
        report_unused(&mut ws, &mut out, &mut unused, p, &rewritten);
    }
    out.unused.extend(unused.iter().map(|u| match u {
        Unused::Literal(line) => line.clone(),
        Unused::Setting {
            name,
            attr,
            configs,
            place,
        } => format!(
            "{name} ({attr} of {}){place}",
            configs
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }));
    if !out.switched.is_empty() {
        ws.build(&mut out.plan)?;
    }
    Ok(out)
}

/// Why a password connection is not rewritten, or `None`.
fn why_not_switched(
    inventory: &Inventory,
    app: &MuleApp,
    conn: &SalesforceConnection,
) -> Option<String> {
    if in_test_sources(&conn.location.path) {
        return Some("in test sources (an MUnit suite's connection): left as is".to_string());
    }
    // A Mule plugin's connection runs in the apps importing its file, with their
    // properties: switching it here would leave its new properties undefined in
    // each of them (and they may not all be in the scan).
    if app.plugin.is_some() {
        let importers: Vec<String> = inventory
            .plugin_file_importers(app, &conn.location.path)
            .iter()
            .map(|a| a.name.clone())
            .collect();
        let by = if importers.is_empty() {
            "no app of the scan imports it".to_string()
        } else {
            format!("imported by {}", importers.join(", "))
        };
        return Some(format!(
            "in the Mule plugin {} ({by}): its properties are set by each app that imports it, so it is not rewritten (the apps would read properties they do not define); switch it in the plugin by hand and add consumerKey, keyStore and storePassword properties to every importing app, in one release",
            app.name
        ));
    }
    if app.runtime == MuleRuntime::Mule3 || conn.runtime == MuleRuntime::Mule3 {
        // Checked (December 2026): MuleSoft's migration assistant
        // (mulesoft/mule-migration-assistant, mule-migration-tool-library/src/main/java/
        // com/mulesoft/tools/migration/library/mule/steps/salesforce/
        // OAuthJwtBearerConfiguration.java and AbstractSalesforceConfigurationMigrationStep.java)
        // maps <sfdc:cached-config-oauth-jwt-bearer> to jwt-connection and reads its
        // consumerKey, keyStore, storePassword and principal by those names, but no token
        // endpoint or audience attribute: how a Mule 3 JWT config logs in to a sandbox or a
        // My Domain stays UNVERIFIED, so nothing is written.
        return Some(
            "Mule 3: not rewritten, because how the Mule 3 Salesforce connector's JWT bearer configuration (<sfdc:cached-config-oauth-jwt-bearer>) sets its token endpoint and audience (a sandbox or My Domain login) is UNVERIFIED in intguard's reference; replace it by hand from the connector's documentation, or migrate the app to Mule 4 and run intguard fix jwt again".to_string(),
        );
    }
    if conn.is_composite() {
        return Some(
            "a Salesforce Composite connection: its JWT connection's element name is UNVERIFIED, so it is not rewritten; switch it in Studio (\"OAuth JWT\" connection type)".to_string(),
        );
    }
    if conn.auth != AuthClass::Password {
        return Some(
            "does not log in with a password (a login URL or setting to change by hand)"
                .to_string(),
        );
    }
    let local = conn.element.rsplit(':').next().unwrap_or("");
    if local != "basic-connection" && local != "oauth-user-pass-connection" {
        return Some(format!(
            "<{}> is not a connection intguard knows how to rewrite",
            conn.element
        ));
    }
    None
}

/// A `${name}` value (the whole value one reference): the name, and whether it is read
/// as `secure::`.
fn single_reference(raw: &str) -> Option<(String, bool)> {
    let raw = raw.trim();
    // A DataWeave expression reading one property: `#[p('name')]`,
    // `#[Mule::p("name")]` (`&quot;` as written in a double-quoted attribute).
    if let Some(inner) = raw.strip_prefix("#[").and_then(|r| r.strip_suffix(']')) {
        let inner = inner.trim();
        let call = inner
            .strip_prefix("Mule::p(")
            .or_else(|| inner.strip_prefix("p("))?
            .strip_suffix(')')?
            .trim();
        let name = ["'", "\"", "&quot;", "&apos;"]
            .iter()
            .find_map(|q| call.strip_prefix(q)?.strip_suffix(q))?;
        if name.is_empty() || name.contains(['\'', '"', '&', '$', '{', '}', '(', ')']) {
            return None;
        }
        return Some(match name.strip_prefix("secure::") {
            Some(n) => (n.to_string(), true),
            None => (name.to_string(), false),
        });
    }
    let refs = placeholders(raw);
    match refs.as_slice() {
        [p] if p.start == 0 && p.end == raw.len() && !p.is_nested() => {
            Some((p.name.clone(), p.secure))
        }
        _ => None,
    }
}

/// The origin (`https://host[:port]`) and lower-case host of a Salesforce URL.
fn salesforce_origin(url: &str) -> Option<(String, String)> {
    let url = url.trim();
    let rest = url.strip_prefix("https://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let host = authority
        .split(':')
        .next()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let salesforce = host == "salesforce.com"
        || host.ends_with(".salesforce.com")
        || host.ends_with(".force.com");
    salesforce.then(|| (format!("https://{authority}"), host))
}

/// The token endpoint and audience for a login URL: `None` for a URL that is not
/// Salesforce's; the production login host gives `(None, None)`: the defaults.
#[allow(clippy::type_complexity)]
fn login_settings(url: &str) -> Option<(Option<String>, Option<String>)> {
    let (origin, host) = salesforce_origin(url)?;
    if host == "login.salesforce.com" {
        return Some((None, None));
    }
    let audience = salesforce_auth::default_audience(&origin).to_string();
    Some((
        Some(format!("{origin}/services/oauth2/token")),
        Some(audience),
    ))
}

/// One connection's switch being planned.
struct Switch<'a, 'b> {
    app: &'a MuleApp,
    conn: &'a SalesforceConnection,
    options: &'b JwtOptions,
    ws: &'b mut Workspace,
    out: &'b mut JwtPlan,
    added: &'b mut BTreeSet<(String, String)>,
    pending: &'b mut Vec<Pending<'a>>,
    /// The property the username reads (`${name}`), once known.
    user_property: Option<String>,
}

/// Whether a YAML file writes its keys dotted (`sfdc.username: ...`) rather than
/// nested: it writes `user_property` so, or it nests nothing and writes a dotted key.
fn dotted_style(text: &str, user_property: Option<&str>) -> bool {
    let key_of = |line: &str| -> Option<String> {
        let t = line.trim_start();
        if t.starts_with('#') || t.starts_with('-') {
            return None;
        }
        let (key, _) = t.split_once(':')?;
        Some(key.trim().trim_matches(['"', '\'']).to_string())
    };
    if let Some(name) = user_property.filter(|n| n.contains('.')) {
        if text.lines().any(|l| key_of(l).as_deref() == Some(name)) {
            return true;
        }
    }
    let mut any_dotted = false;
    for l in text.lines() {
        let t = l.trim_end();
        if t.trim_start().starts_with('#') || t.is_empty() {
            continue;
        }
        if t.ends_with(':') {
            return false;
        }
        any_dotted |= key_of(t).is_some_and(|k| k.contains('.'));
    }
    any_dotted
}

/// Why a connection's switch was not planned: a reason to leave it (listed), or
/// a file that cannot be edited (nothing is written at all, as `fix secrets` does).
enum Failure {
    Skip(String),
    Fatal(FixError),
}

impl From<String> for Failure {
    fn from(why: String) -> Self {
        Failure::Skip(why)
    }
}

impl From<&str> for Failure {
    fn from(why: &str) -> Self {
        Failure::Skip(why.to_string())
    }
}

impl From<FixError> for Failure {
    fn from(e: FixError) -> Self {
        Failure::Fatal(e)
    }
}

/// A property to add: name, value (unquoted), and whether it is a placeholder.
struct NewProperty {
    name: String,
    value: String,
    placeholder: bool,
}

impl Switch<'_, '_> {
    fn plan(&mut self) -> Result<(), Failure> {
        let app = self.app;
        let conn = self.conn;
        let path = conn.location.path.to_string();
        let text = self
            .ws
            .text(&path)?
            .ok_or_else(|| format!("{path}: not found"))?;
        let element = element_at(
            &text,
            conn.location.line,
            conn.location.column,
            &conn.element,
        )
        .ok_or("the element is not where it was read: run the scan again")?;
        let username = element
            .attr("username")
            .ok_or("no username attribute: nothing to use as the JWT principal")?;
        if username.raw.trim().is_empty() {
            return Err("an empty username: nothing to use as the JWT principal".into());
        }
        let user_ref = single_reference(&username.raw);
        self.user_property = user_ref.as_ref().map(|(n, _)| n.clone());
        let prefix = user_ref
            .as_ref()
            .and_then(|(name, _)| name.rsplit_once('.').map(|(p, _)| p.to_string()))
            .unwrap_or_else(|| "sfdc".to_string());
        let opt = |o: &Option<String>, default: &str| {
            o.clone().unwrap_or_else(|| format!("{prefix}.{default}"))
        };
        let ck_name = opt(&self.options.consumer_key_property, "consumerKey");
        let ks_name = opt(&self.options.keystore_property, "keystore.path");
        let sp_name = opt(&self.options.store_password_property, "keystore.password");
        let secure = app.runtime_secure_config().is_some();
        // Each environment's secure file, for the store password.
        let secure_files: Vec<String> = if secure {
            let files = setup(app, &SecretsOptions::default())
                .and_then(|s| targets(app, &s))
                .map_err(|why| format!("the secure file for {sp_name}: {why}"))?;
            let mut files: Vec<String> = files.into_values().collect();
            files.sort();
            files.dedup();
            files
        } else {
            Vec::new()
        };
        let oauth = conn.is_oauth_user_pass();

        // The property files that define the username: each environment's.
        let plain_targets: Vec<String> = match &user_ref {
            Some((name, false)) => app
                .property_files
                .iter()
                .filter(|f| {
                    f.loaded
                        && !f.secure
                        && !in_test_sources(&f.path)
                        && f.entries.iter().any(|e| e.key() == name)
                })
                .map(|f| f.path.to_string())
                .collect(),
            _ => Vec::new(),
        };

        // consumerKey: an OAuth username-password connection's is kept.
        let kept_consumer_key = if oauth {
            element.attr("consumerKey").map(|a| a.raw.clone())
        } else {
            None
        };
        let mut plain_props: Vec<NewProperty> = Vec::new();
        let consumer_key = match kept_consumer_key {
            Some(raw) => raw,
            None => {
                plain_props.push(NewProperty {
                    name: ck_name.clone(),
                    value: self
                        .options
                        .consumer_key
                        .clone()
                        .unwrap_or_else(|| CONSUMER_KEY_PLACEHOLDER.to_string()),
                    placeholder: self.options.consumer_key.is_none(),
                });
                format!("${{{ck_name}}}")
            }
        };
        plain_props.push(NewProperty {
            name: ks_name.clone(),
            value: self
                .options
                .keystore
                .clone()
                .unwrap_or_else(|| KEYSTORE_PLACEHOLDER.to_string()),
            placeholder: self.options.keystore.is_none(),
        });
        // A username set by a `<global-property>` (no property file): the new
        // properties become global properties next to it.
        let user_global = match &user_ref {
            Some((name, false)) if plain_targets.is_empty() => global_property(app, name),
            _ => None,
        };
        let store_password = if secure {
            format!("${{secure::{sp_name}}}")
        } else if let Some(gp) = user_global {
            // Not as a global property: its value would be in clear in the XML,
            // where fix secrets does not move it from.
            self.out.notes.push(format!(
                "{}: the app has no secure-properties configuration, so storePassword reads ${{{sp_name}}}, which intguard did not add next to the <global-property> of {} (a password there is in clear in the XML, and intguard fix secrets does not move it): supply {sp_name} at deploy time as a hidden property",
                app.name, gp.name
            ));
            format!("${{{sp_name}}}")
        } else {
            plain_props.push(NewProperty {
                name: sp_name.clone(),
                value: PASSWORD_PLACEHOLDER.to_string(),
                placeholder: true,
            });
            self.out.notes.push(format!(
                "{}: the app has no secure-properties configuration, so storePassword reads ${{{sp_name}}} from its plain property files: once its real value is filled in, run intguard fix secrets to encrypt it (it declares the configuration), or supply {sp_name} at deploy time as a hidden property",
                app.name
            ));
            format!("${{{sp_name}}}")
        };

        // tokenEndpoint and audienceUrl, from the login URL.
        let (login_attr, keep_token_endpoint) = if oauth {
            ("tokenEndpoint", true)
        } else {
            ("url", false)
        };
        let mut token_endpoint: Option<String> = if keep_token_endpoint {
            element.attr("tokenEndpoint").map(|a| a.raw.clone())
        } else {
            None
        };
        let mut audience: Option<String> = None;
        // Per-file properties derived from a `${...}` login URL: (file, properties).
        let mut url_props: Vec<(String, Vec<NewProperty>)> = Vec::new();
        // Those to add next to the `<global-property>` that sets the URL.
        let mut url_global_props: Option<(&GlobalProperty, Vec<NewProperty>)> = None;
        if let Some(url) = element.attr(login_attr) {
            let raw = crate::xml::attr_value_as_parsed(&url.raw).unwrap_or_default();
            let leave = |why: &str| {
                format!(
                    "{}: `{}` tokenEndpoint and audienceUrl left to their defaults (production login): {login_attr} {why}; for a sandbox or My Domain login set them by hand",
                    path, conn.config_name
                )
            };
            if placeholders(&raw).is_empty() && !raw.trim_start().starts_with("#[") {
                match login_settings(&raw) {
                    Some((endpoint, aud)) => {
                        if !keep_token_endpoint {
                            token_endpoint = endpoint.map(|e| escape_attr(&e));
                        }
                        audience = aud.map(|a| escape_attr(&a));
                    }
                    None => self
                        .out
                        .notes
                        .push(leave("is not an https:// Salesforce URL intguard can read")),
                }
            } else if let Some((name, false)) = single_reference(&raw) {
                let files: Vec<_> = app
                    .property_files
                    .iter()
                    .filter(|f| f.loaded && !f.secure && !in_test_sources(&f.path))
                    .filter_map(|f| {
                        f.entries
                            .iter()
                            .find(|e| e.key() == name)
                            .map(|e| (f.path.to_string(), e.value().to_string()))
                    })
                    .collect();
                // Set by a `<global-property>` instead (no property file): its
                // value, the properties derived going next to it (`""`: no file).
                let url_global = global_property(app, &name).filter(|_| files.is_empty());
                let files = match url_global {
                    Some(gp) if placeholders(&gp.value.raw).is_empty() => {
                        vec![(String::new(), gp.value.raw.clone())]
                    }
                    _ => files,
                };
                // The production login host everywhere: the defaults, nothing to write.
                let all_default = !files.is_empty()
                    && files
                        .iter()
                        .all(|(_, value)| login_settings(value) == Some((None, None)));
                let derived: Option<Vec<_>> = files
                    .iter()
                    .map(|(file, value)| {
                        let (endpoint, aud) = login_settings(value)?;
                        let endpoint = endpoint.unwrap_or_else(|| {
                            "https://login.salesforce.com/services/oauth2/token".to_string()
                        });
                        let aud =
                            aud.unwrap_or_else(|| salesforce_auth::PRODUCTION_AUDIENCE.to_string());
                        Some((file.clone(), endpoint, aud))
                    })
                    .collect();
                match derived {
                    _ if all_default => {}
                    Some(d) if !d.is_empty() => {
                        let te_name = format!("{prefix}.tokenEndpoint");
                        let aud_name = format!("{prefix}.audienceUrl");
                        for (file, endpoint, aud) in d {
                            let mut props = vec![NewProperty {
                                name: aud_name.clone(),
                                value: aud,
                                placeholder: false,
                            }];
                            if !keep_token_endpoint {
                                props.insert(
                                    0,
                                    NewProperty {
                                        name: te_name.clone(),
                                        value: endpoint,
                                        placeholder: false,
                                    },
                                );
                            }
                            match url_global {
                                Some(gp) if file.is_empty() => url_global_props = Some((gp, props)),
                                _ => url_props.push((file, props)),
                            }
                        }
                        if !keep_token_endpoint {
                            token_endpoint = Some(format!("${{{te_name}}}"));
                        }
                        audience = Some(format!("${{{aud_name}}}"));
                    }
                    _ if files.is_empty() => self.out.notes.push(leave(&match url_global {
                        Some(gp) => format!(
                            "reads ${{{name}}}, which the <global-property> at {}:{} sets to an expression intguard does not derive from",
                            gp.location.path, gp.location.line
                        ),
                        None => format!(
                            "reads ${{{name}}}, which no loaded property file or <global-property> of the app sets"
                        ),
                    })),
                    _ => self.out.notes.push(leave(&format!(
                        "reads ${{{name}}}, which is not an https:// Salesforce URL in every place that sets it"
                    ))),
                }
            } else {
                self.out
                    .notes
                    .push(leave("is an expression intguard does not derive from"));
            }
        }

        // The new start tag.
        let mut groups: Vec<Vec<(String, String)>> = vec![
            vec![
                ("consumerKey".into(), consumer_key),
                ("keyStore".into(), format!("${{{ks_name}}}")),
            ],
            vec![("storePassword".into(), store_password)],
            vec![("principal".into(), username.raw.clone())],
        ];
        if let Some(alias) = &self.options.certificate_alias {
            groups[1].push(("certificateAlias".into(), escape_attr(alias)));
        }
        if let Some(te) = token_endpoint {
            groups.push(vec![("tokenEndpoint".into(), te)]);
        }
        if let Some(aud) = audience {
            groups.push(vec![("audienceUrl".into(), aud)]);
        }
        let mut kept: Vec<(String, String)> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        let mut dropped_other: Vec<String> = Vec::new();
        for a in &element.attrs {
            let written = WRITTEN.iter().any(|w| w.eq_ignore_ascii_case(&a.name));
            if DROPPED.iter().any(|d| d.eq_ignore_ascii_case(&a.name)) || written {
                if ["sessionId", "serviceEndpoint"]
                    .iter()
                    .any(|d| d.eq_ignore_ascii_case(&a.name))
                {
                    dropped_other.push(a.name.clone());
                }
                continue;
            }
            if !applies_to_every_kind(&a.name) {
                unknown.push(a.name.clone());
            }
            kept.push((a.name.clone(), a.written()));
        }
        let new_name = match conn.element.split_once(':') {
            Some((p, _)) => format!("{p}:jwt-connection"),
            None => "jwt-connection".to_string(),
        };
        let start_tag = element.new_start_tag(&text, &new_name, &groups, &kept);
        let mut edits: Vec<(Range<usize>, String)> = vec![(element.start_tag.clone(), start_tag)];
        if let Some(close) = &element.close_name {
            edits.push((close.clone(), new_name.clone()));
        }

        // Plan the property files (all checks done: nothing fails after this).
        let work = self.ws.file(&path)?;
        work.replacements.extend(edits);
        let place = format!("{}:{}", path, conn.location.line);
        self.out.plan.actions.push(format!(
            "switch `{}` ({place}) from <{}> to <{new_name}>, principal {}",
            conn.config_name,
            conn.element,
            crate::xml::attr_value_as_parsed(&username.raw).unwrap_or_default()
        ));
        if !element.children.is_empty() {
            self.out.plan.actions.push(format!(
                "keep `{}`'s nested {} unchanged (every connection kind takes them)",
                conn.config_name,
                element
                    .children
                    .iter()
                    .map(|c| format!("<{c}>"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !dropped_other.is_empty() {
            self.out.notes.push(format!(
                "{place}: `{}`: dropped {} (no jwt-connection attribute: a JWT login gets its session and endpoint from the token response)",
                conn.config_name,
                dropped_other.join(", ")
            ));
        }
        if !unknown.is_empty() {
            self.out.notes.push(format!(
                "{place}: `{}`: kept {} as written, which intguard's reference does not list for salesforce:jwt-connection: check the connector's documentation before deploying",
                conn.config_name,
                unknown.join(", ")
            ));
        }
        if self.options.certificate_alias.is_none() {
            self.out.notes.push(format!(
                "{place}: `{}`: no certificateAlias written (the keystore's only key is used); give --certificate-alias when the keystore holds several",
                conn.config_name
            ));
        }

        let mut plain_files: BTreeMap<String, Vec<NewProperty>> = BTreeMap::new();
        for f in &plain_targets {
            plain_files.entry(f.clone()).or_default();
        }
        if let Some(gp) = user_global {
            self.add_global_properties(gp, &plain_props)?;
        } else if plain_targets.is_empty() {
            let names: Vec<String> = plain_props.iter().map(|p| p.name.clone()).collect();
            self.out.notes.push(format!(
                "{place}: `{}`: the username is {}, so intguard added {} to no file: define them where the app's properties are set (or at deploy time) before deploying",
                conn.config_name,
                match &user_ref {
                    Some((name, true)) => format!("read as ${{secure::{name}}} (intguard adds no plain property to a secure file)"),
                    Some((name, false)) => format!("${{{name}}}, which no loaded property file or <global-property> defines"),
                    None if placeholders(&username.raw).is_empty() => "written as a literal".to_string(),
                    None => "an expression, not a single ${...} reference".to_string(),
                },
                names.join(", ")
            ));
        } else {
            for f in &plain_targets {
                plain_files
                    .get_mut(f)
                    .expect("inserted")
                    .extend(plain_props.iter().map(|p| NewProperty {
                        name: p.name.clone(),
                        value: p.value.clone(),
                        placeholder: p.placeholder,
                    }));
            }
        }
        if let Some((gp, props)) = url_global_props {
            self.add_global_properties(gp, &props)?;
        }
        for (file, props) in url_props {
            plain_files.entry(file).or_default().extend(props);
        }
        for (file, props) in plain_files {
            self.add_properties(&file, props)?;
        }
        for f in &secure_files {
            self.add_properties(
                f,
                vec![NewProperty {
                    name: sp_name.clone(),
                    value: ENCRYPTED_PASSWORD_PLACEHOLDER.to_string(),
                    placeholder: true,
                }],
            )?;
        }
        self.hide_in_runtime_manager(&sp_name, &place)?;

        let mut secrets = vec!["password", "securityToken"];
        if oauth {
            secrets.push("consumerSecret");
        }
        self.pending.push(Pending {
            app,
            config_name: conn.config_name.clone(),
            path: path.clone(),
            start_tag: element.start_tag.clone(),
            secrets: secrets
                .into_iter()
                .filter_map(|attr| {
                    let a = element.attr(attr)?;
                    Some((
                        attr,
                        crate::xml::attr_value_as_parsed(&a.raw).unwrap_or_default(),
                    ))
                })
                .collect(),
        });
        let mut users: Vec<String> = conn
            .username()
            .map(|v| app.resolve_all(v))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| r.value)
            .filter(|u| !u.trim().is_empty())
            .collect();
        users.sort();
        users.dedup();
        self.out.switched.push(Switched {
            users,
            app_root: app.root.clone(),
            config_name: conn.config_name.clone(),
            path,
            principal: crate::xml::attr_value_as_parsed(&username.raw).unwrap_or_default(),
        });
        Ok(())
    }

    /// Adds `props` to the property file `path` (its format told by its name),
    /// leaving out the names it defines already.
    fn add_properties(&mut self, path: &str, props: Vec<NewProperty>) -> Result<(), FixError> {
        let format = property_format(path);
        let existing: BTreeSet<&str> = self
            .app
            .property_files
            .iter()
            .filter(|f| f.path == path)
            .flat_map(|f| f.entries.iter().map(|e| e.key()))
            .collect();
        let mut names = Vec::new();
        let mut placeholders = Vec::new();
        let mut inserts = Vec::new();
        let mut kept = Vec::new();
        for p in props {
            if existing.contains(p.name.as_str()) {
                if self.added.insert((path.to_string(), p.name.clone())) {
                    kept.push(p.name);
                }
                continue;
            }
            if !self.added.insert((path.to_string(), p.name.clone())) {
                continue;
            }
            if p.placeholder {
                placeholders.push(p.name.clone());
            }
            names.push(p.name.clone());
            inserts.push((p.name.clone(), written_value(format, &p.value)));
        }
        if !kept.is_empty() {
            self.out.notes.push(format!(
                "{path}: {} defined already: `{}` reads {} as {} (check {} the connected app's and keystore's)",
                kept.join(", "),
                self.conn.config_name,
                if kept.len() == 1 { "it" } else { "them" },
                if kept.len() == 1 { "it is" } else { "they are" },
                if kept.len() == 1 { "it is" } else { "they are" },
            ));
        }
        if inserts.is_empty() {
            return Ok(());
        }
        let dotted = format == PropertyFormat::Yaml
            && self
                .ws
                .text(path)?
                .is_some_and(|t| dotted_style(&t, self.user_property.as_deref()));
        let work = self.ws.file(path)?;
        work.format = Some(format);
        work.dotted_yaml |= dotted;
        work.inserts.extend(inserts);
        let fill = if placeholders.is_empty() {
            String::new()
        } else {
            format!(
                " (placeholder values to fill in: {})",
                placeholders.join(", ")
            )
        };
        self.out
            .plan
            .actions
            .push(format!("add {} to {path}{fill}", first_names(&names)));
        Ok(())
    }

    /// Adds `props` as `<global-property>` elements after `gp`, with its indentation,
    /// leaving out the names the app sets already.
    fn add_global_properties(
        &mut self,
        gp: &GlobalProperty,
        props: &[NewProperty],
    ) -> Result<(), FixError> {
        let path = gp.location.path.to_string();
        let Some(text) = self.ws.text(&path)? else {
            return Err(FixError(format!("{path}: not found")));
        };
        let lines = Lines::new(&text);
        let n = gp.location.line as usize;
        if n == 0 || n > lines.len() {
            return Err(FixError(format!(
                "{path}:{n}: the <global-property> is not where it was read: run the scan again"
            )));
        }
        let start = lines.content(n).start;
        // The end of the line where the element ends.
        let close = text[start..]
            .find("/>")
            .map(|i| start + i + 2)
            .filter(|&e| !text[start..e].contains("</"))
            .or_else(|| {
                text[start..]
                    .find("</global-property>")
                    .map(|i| start + i + "</global-property>".len())
            })
            .ok_or_else(|| {
                FixError(format!(
                    "{path}:{n}: cannot find the end of the <global-property>"
                ))
            })?;
        let at = text[close..]
            .find(['\r', '\n'])
            .map_or(text.len(), |i| close + i);
        let line = lines.get(n);
        let indent = &line[..indent_of(line)];
        let nl = eol(&text);
        let mut insert = String::new();
        let mut names = Vec::new();
        let mut placeholders = Vec::new();
        for p in props {
            if global_property(self.app, &p.name).is_some()
                || self
                    .app
                    .property_files
                    .iter()
                    .any(|f| f.entries.iter().any(|e| e.key() == p.name))
                || !self.added.insert((path.clone(), p.name.clone()))
            {
                continue;
            }
            insert.push_str(&format!(
                "{nl}{indent}<global-property name=\"{}\" value=\"{}\"/>",
                escape_attr(&p.name),
                escape_attr(&p.value)
            ));
            names.push(p.name.clone());
            if p.placeholder {
                placeholders.push(p.name.clone());
            }
        }
        if names.is_empty() {
            return Ok(());
        }
        self.ws.file(&path)?.replacements.push((at..at, insert));
        let fill = if placeholders.is_empty() {
            String::new()
        } else {
            format!(
                " (placeholder values to fill in: {})",
                placeholders.join(", ")
            )
        };
        self.out.plan.actions.push(format!(
            "add {} as <global-property> elements after {}'s, {path}:{n}{fill}",
            first_names(&names),
            gp.name
        ));
        Ok(())
    }

    /// Lists `name` in mule-artifact.json `secureProperties`, so that Runtime Manager
    /// hides its value (IG107).
    fn hide_in_runtime_manager(&mut self, name: &str, place: &str) -> Result<(), FixError> {
        let app = self.app;
        let declared = app.declared_secure_properties.clone().unwrap_or_default();
        match app
            .descriptor
            .as_ref()
            .filter(|d| d.path.ends_with("mule-artifact.json"))
        {
            _ if app.domain || declared.iter().any(|d| d == name) => {}
            Some(d) => {
                let path = d.path.to_string();
                if self.added.insert((path.clone(), name.to_string())) {
                    self.ws.file(&path)?.artifact_names.push(name.to_string());
                    self.out
                        .plan
                        .actions
                        .push(format!("list {name} in {path} secureProperties"));
                }
            }
            None => self.out.notes.push(format!(
                "{place}: no mule-artifact.json: list {name} in secureProperties by hand"
            )),
        }
        Ok(())
    }
}

/// A switched connection's password settings, to tell once every switch is planned.
struct Pending<'a> {
    app: &'a MuleApp,
    config_name: String,
    path: String,
    /// The start tag rewritten.
    start_tag: Range<usize>,
    /// The secret attributes dropped and their values (entities decoded).
    secrets: Vec<(&'static str, String)>,
}

/// A password setting no longer read once the switches are made.
enum Unused {
    /// A value written in the element itself.
    Literal(String),
    /// A property the `attr` of `configs` read, defined at `place`.
    Setting {
        name: String,
        attr: &'static str,
        configs: Vec<String>,
        place: String,
    },
}

/// `text` without the `ranges` (sorted or not) of it.
fn without(text: &str, ranges: &[Range<usize>]) -> String {
    let mut ranges = ranges.to_vec();
    ranges.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in ranges {
        if r.start >= at && r.end <= text.len() {
            out.push_str(&text[at..r.start]);
            at = r.end;
        }
    }
    out.push_str(&text[at..]);
    out
}

/// The property definitions the dropped secret attributes read, now read by
/// nothing in the app's XML (the start tags `rewritten` read nothing): to delete
/// after the switch, and to rotate.
fn report_unused(
    ws: &mut Workspace,
    out: &mut JwtPlan,
    unused: &mut Vec<Unused>,
    p: &Pending<'_>,
    rewritten: &BTreeMap<&str, Vec<Range<usize>>>,
) {
    let app = p.app;
    let config_name = &p.config_name;
    let path = &p.path;
    // The app's XML as it will be: every rewritten start tag left out.
    let mut xml_texts: Vec<String> = Vec::new();
    for x in app.xml_files.iter().filter(|x| !in_test_sources(x)) {
        if let Some(t) = ws.text(x).ok().flatten() {
            let gone = rewritten.get(x.as_str()).map_or(&[][..], |r| r.as_slice());
            xml_texts.push(without(&t, gone));
        }
    }
    for (attr, raw) in &p.secrets {
        let refs = placeholders(raw);
        if refs.is_empty() {
            if !raw.trim().is_empty() {
                unused.push(Unused::Literal(format!(
                    "the {attr} written in `{config_name}` itself ({path}): removed with the attribute, but still in the git history"
                )));
            }
            continue;
        }
        for r in refs {
            let name = &r.name;
            let files: Vec<String> = app
                .property_files
                .iter()
                .filter(|f| f.entries.iter().any(|e| e.key() == name))
                .map(|f| f.path.to_string())
                .collect();
            // Read elsewhere: another element of an XML file, another property's value.
            let elsewhere = xml_texts.iter().any(|t| reads(t, name))
                // A definition reading itself from the secure files
                // (`sfdc.password: ${secure::sfdc.password}`) is no reader.
                || app
                    .property_files
                    .iter()
                    .flat_map(|f| &f.entries)
                    .any(|e| e.key() != name && reads(e.value(), name));
            let place = if elsewhere {
                out.notes.push(format!(
                    "{name} ({attr} of `{config_name}`) is still read elsewhere in {}: keep it until that changes too",
                    app.name
                ));
                continue;
            } else if let Some(gp) = global_property(app, name).filter(|_| files.is_empty()) {
                format!(
                    ": set by the <global-property> at {}:{}",
                    gp.location.path, gp.location.line
                )
            } else if files.is_empty() {
                ": in no property file of the app; stop supplying it at deploy time".to_string()
            } else {
                format!(" in {}", files.join(", "))
            };
            let same = unused.iter_mut().find_map(|u| match u {
                Unused::Setting {
                    name: n,
                    attr: a,
                    configs,
                    place: pl,
                } if n == name && a == attr && *pl == place => Some(configs),
                _ => None,
            });
            match same {
                Some(configs) => {
                    if !configs.contains(config_name) {
                        configs.push(config_name.clone());
                    }
                }
                None => unused.push(Unused::Setting {
                    name: name.clone(),
                    attr,
                    configs: vec![config_name.clone()],
                    place,
                }),
            }
        }
    }
}

/// The app's own `<global-property>` named `name` (not in test sources).
fn global_property<'a>(app: &'a MuleApp, name: &str) -> Option<&'a GlobalProperty> {
    app.global_properties
        .iter()
        .find(|g| g.name == name && !in_test_sources(&g.location.path))
}

/// Whether `text` reads property `name`: `${name}`, `${secure::name}`, `p('name')` ...
fn reads(text: &str, name: &str) -> bool {
    if !text.contains(name) {
        return false;
    }
    placeholders(text).iter().any(|p| p.name == name)
        || [
            format!("p('{name}')"),
            format!("p(\"{name}\")"),
            format!("p('secure::{name}')"),
            format!("p(\"secure::{name}\")"),
            format!("p(&quot;{name}&quot;)"),
            format!("p(&quot;secure::{name}&quot;)"),
        ]
        .iter()
        .any(|r| text.contains(r.as_str()))
}

fn property_format(path: &str) -> PropertyFormat {
    if path.ends_with(".properties") {
        PropertyFormat::Properties
    } else {
        PropertyFormat::Yaml
    }
}

/// A value as written in a file of `format`: double-quoted in YAML, escaped in
/// `.properties`.
fn written_value(format: PropertyFormat, value: &str) -> String {
    match format {
        PropertyFormat::Yaml => format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")),
        PropertyFormat::Properties => {
            let mut out = String::with_capacity(value.len());
            for (i, c) in value.chars().enumerate() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    ' ' if i == 0 => out.push_str("\\ "),
                    '\n' => out.push_str("\\n"),
                    c => out.push(c),
                }
            }
            out
        }
    }
}

/// An attribute of the element, as written.
struct Attr {
    name: String,
    /// The value between the quotes, as written (entities not decoded).
    raw: String,
    quote: char,
}

impl Attr {
    /// `name="raw"`, with its own quotes.
    fn written(&self) -> String {
        format!("{}={q}{}{q}", self.name, self.raw, q = self.quote)
    }
}

/// The connection element in the file's text.
struct Element {
    /// The start tag, `<` to `>`.
    start_tag: Range<usize>,
    /// The name in the close tag (`</name>`), when it has one.
    close_name: Option<Range<usize>>,
    attrs: Vec<Attr>,
    /// The names of its child elements.
    children: Vec<String>,
    self_closing: bool,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// The start tag of the new element: `groups` of new attributes, one group a
    /// line, then the `kept` ones, continued with the original's continuation
    /// indentation (or the element's, one level deeper).
    fn new_start_tag(
        &self,
        text: &str,
        name: &str,
        groups: &[Vec<(String, String)>],
        kept: &[(String, String)],
    ) -> String {
        let nl = eol(text);
        let line_start = text[..self.start_tag.start]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line = &text[line_start..self.start_tag.start];
        let indent = &line[..indent_of(line)];
        let tag = &text[self.start_tag.clone()];
        let continuation = tag
            .split('\n')
            .nth(1)
            .map(|l| l[..indent_of(l)].to_string())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| {
                let unit = if indent.contains('\t') { "\t" } else { "    " };
                format!("{indent}{unit}")
            });
        let mut lines: Vec<String> = groups
            .iter()
            .filter(|g| !g.is_empty())
            .map(|g| {
                g.iter()
                    // In double quotes: a `"` of a value taken from a single-quoted
                    // attribute (`username='#[p("sfdc.username")]'`) as an entity.
                    .map(|(n, v)| format!("{n}=\"{}\"", v.replace('"', "&quot;")))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        if !kept.is_empty() {
            lines.push(
                kept.iter()
                    .map(|(_, w)| w.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        let mut out = format!("<{name}");
        for (i, l) in lines.iter().enumerate() {
            if i == 0 {
                out.push(' ');
            } else {
                out.push_str(nl);
                out.push_str(&continuation);
            }
            out.push_str(l);
        }
        out.push_str(if self.self_closing { "/>" } else { ">" });
        out
    }
}

/// The element named `qname` whose start tag is at `line`:`col` (1-based), read with
/// quick-xml from there: its tags' places, attributes as written and children.
fn element_at(text: &str, line: u32, col: u32, qname: &str) -> Option<Element> {
    let lines = Lines::new(text);
    let n = line as usize;
    if n == 0 || n > lines.len() {
        return None;
    }
    let content = lines.content(n);
    let at = content.start + byte_col(&text[content.clone()], col);
    if !text[at..].starts_with(&format!("<{qname}")) {
        return None;
    }
    let mut reader = Reader::from_str(&text[at..]);
    let (start, self_closing) = match reader.read_event().ok()? {
        Event::Start(e) => (e, false),
        Event::Empty(e) => (e, true),
        _ => return None,
    };
    if start.name().as_ref() != qname.as_bytes() {
        return None;
    }
    let start_tag = at..at + reader.buffer_position() as usize;
    let mut attrs = Vec::new();
    for a in start.attributes().with_checks(false) {
        let a = a.ok()?;
        let name = std::str::from_utf8(a.key.as_ref()).ok()?.to_string();
        let raw = std::str::from_utf8(&a.value).ok()?.to_string();
        attrs.push(Attr {
            name,
            quote: if raw.contains('"') { '\'' } else { '"' },
            raw,
        });
    }
    let mut children = Vec::new();
    let mut close_name = None;
    if !self_closing {
        let mut depth = 1usize;
        loop {
            let event = reader.read_event().ok()?;
            let after = at + reader.buffer_position() as usize;
            match event {
                Event::Start(e) => {
                    if depth == 1 {
                        push_child(&mut children, e.name().as_ref());
                    }
                    depth += 1;
                }
                Event::Empty(e) if depth == 1 => push_child(&mut children, e.name().as_ref()),
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        let open = text[..after].rfind("</")? + 2;
                        close_name = Some(open..open + qname.len());
                        if text.get(open..open + qname.len())? != qname {
                            return None;
                        }
                        break;
                    }
                }
                Event::Eof => return None,
                _ => {}
            }
        }
    }
    Some(Element {
        start_tag,
        close_name,
        attrs,
        children,
        self_closing,
    })
}

fn push_child(children: &mut Vec<String>, name: &[u8]) {
    let name = String::from_utf8_lossy(name).into_owned();
    if !children.contains(&name) {
        children.push(name);
    }
}

/// Checks a written fix: each switched connection reads, in the inventory read
/// again, as a `jwt-connection` (certificate login) with the same principal.
pub fn verify_jwt(after: &Inventory, switched: &[Switched]) -> Vec<String> {
    let mut problems = Vec::new();
    for s in switched {
        let conn = after
            .apps
            .iter()
            .filter(|a| a.root == s.app_root)
            .flat_map(|a| &a.salesforce_connections)
            .find(|c| c.config_name == s.config_name && c.location.path == s.path.as_str());
        let Some(conn) = conn else {
            problems.push(format!("{}: `{}` not found", s.path, s.config_name));
            continue;
        };
        // `salesforce:jwt-connection`, another prefix, or none (the Salesforce
        // namespace as the default one).
        let local = conn.element.rsplit(':').next().unwrap_or("");
        if local != "jwt-connection" || conn.auth != AuthClass::Certificate {
            problems.push(format!(
                "{}: `{}` reads as <{}>, not a jwt-connection",
                s.path, s.config_name, conn.element
            ));
            continue;
        }
        if conn.attr("principal").map(|v| v.raw.as_str()) != Some(s.principal.as_str()) {
            problems.push(format!(
                "{}: `{}` does not read its principal as before",
                s.path, s.config_name
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_urls() {
        assert_eq!(
            login_settings("https://login.salesforce.com/services/Soap/u/58.0"),
            Some((None, None))
        );
        assert_eq!(
            login_settings("https://test.salesforce.com/services/Soap/u/58.0"),
            Some((
                Some("https://test.salesforce.com/services/oauth2/token".into()),
                Some("https://test.salesforce.com".into())
            ))
        );
        assert_eq!(
            login_settings("https://acme--uat.sandbox.my.salesforce.com"),
            Some((
                Some("https://acme--uat.sandbox.my.salesforce.com/services/oauth2/token".into()),
                Some("https://test.salesforce.com".into())
            ))
        );
        assert_eq!(
            login_settings("https://acme.my.salesforce.com/services/Soap/u/60.0"),
            Some((
                Some("https://acme.my.salesforce.com/services/oauth2/token".into()),
                Some("https://login.salesforce.com".into())
            ))
        );
        assert_eq!(login_settings("http://test.salesforce.com"), None);
        assert_eq!(login_settings("https://sso.example.com/login"), None);
        assert_eq!(login_settings("https://u:p@test.salesforce.com"), None);
    }

    #[test]
    fn elements() {
        let t = "<mule>\n  <x:c>\n    <x:basic-connection a=\"1\"\n        b='\"2\"'>\n      <reconnection><r/></reconnection>\n      <tls:context/>\n    </x:basic-connection >\n  </x:c>\n</mule>\n";
        let e = element_at(t, 3, 5, "x:basic-connection").unwrap();
        assert_eq!(
            &t[e.start_tag.clone()],
            "<x:basic-connection a=\"1\"\n        b='\"2\"'>"
        );
        assert_eq!(&t[e.close_name.clone().unwrap()], "x:basic-connection");
        assert_eq!(e.children, vec!["reconnection", "tls:context"]);
        assert_eq!(e.attr("b").unwrap().written(), "b='\"2\"'");
        let tag = e.new_start_tag(
            t,
            "x:jwt-connection",
            &[
                vec![("k".into(), "v".into()), ("l".into(), "w".into())],
                vec![],
                vec![("p".into(), "q".into())],
            ],
            &[("a".into(), "a=\"1\"".into())],
        );
        assert_eq!(
            tag,
            "<x:jwt-connection k=\"v\" l=\"w\"\n        p=\"q\"\n        a=\"1\">"
        );
        assert!(element_at(t, 3, 4, "x:basic-connection").is_none());
        let t = "<a>\r\n\t<x:basic-connection u=\"1\"/>\r\n</a>";
        let e = element_at(t, 2, 2, "x:basic-connection").unwrap();
        assert!(e.self_closing && e.close_name.is_none());
        let tag = e.new_start_tag(
            t,
            "x:j",
            &[
                vec![("k".into(), "v".into())],
                vec![("p".into(), "q".into())],
            ],
            &[],
        );
        assert_eq!(tag, "<x:j k=\"v\"\r\n\t\tp=\"q\"/>");
    }

    #[test]
    fn single_references() {
        let r = |s: &str| single_reference(s);
        assert_eq!(r("${sf.user}"), Some(("sf.user".into(), false)));
        assert_eq!(r("${secure::sf.user}"), Some(("sf.user".into(), true)));
        assert_eq!(r("#[p('sf.user')]"), Some(("sf.user".into(), false)));
        assert_eq!(
            r("#[Mule::p(\"sf.user\")]"),
            Some(("sf.user".into(), false))
        );
        assert_eq!(
            r("#[p(&quot;sf.user&quot;)]"),
            Some(("sf.user".into(), false))
        );
        assert_eq!(r("#[p('secure::sf.user')]"), Some(("sf.user".into(), true)));
        for not in [
            "#[p('a') ++ 'b']",
            "#[p(vars.x)]",
            "#[p('')]",
            "a${sf.user}",
            "u@acme.com",
        ] {
            assert_eq!(r(not), None, "{not}");
        }
    }

    #[test]
    fn yaml_styles() {
        assert!(dotted_style("a: 1\nsf.user: u\n", Some("sf.user")));
        assert!(!dotted_style("sf:\n  user: u\n", Some("sf.user")));
        assert!(dotted_style("# c\nsf.pw: x\n", None));
        assert!(!dotted_style("sf:\n  pw: x\nhttp.port: 1\n", None));
        assert!(!dotted_style("", None));
    }

    #[test]
    fn written_values() {
        assert_eq!(
            written_value(PropertyFormat::Yaml, "<a \"b\">"),
            "\"<a \\\"b\\\">\""
        );
        assert_eq!(
            written_value(PropertyFormat::Properties, " a\\b"),
            "\\ a\\\\b"
        );
        assert!(check_property_name("sfdc.consumerKey").is_ok());
        assert!(check_property_name("a b").is_err());
        assert!(check_property_name("${x}").is_err());
        assert!(check_property_name("").is_err());
    }
}
