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
//!   each environment's secure file and to mule-artifact.json `secureProperties`. A
//!   literal username's properties are named after the connection and go to the plain
//!   file every environment loads (else one of each environment's); a
//!   `${secure::...}` username's to the plain file loaded beside each secure file that
//!   defines it (else to those secure files, read as `${secure::...}`);
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

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use intguard_model::{AuthClass, Finding, Inventory, MuleApp, MuleRuntime, SalesforceConnection};

use crate::secrets::in_test_sources;
use crate::secrets::workspace::Workspace;
use crate::{FixError, Masking, Plan};

use index::AppIndex;
use switch::{Failure, Switch};
use unused::{report_unused, Pending, Unused};

mod element;
mod index;
mod login;
mod switch;
mod unused;

/// The command, as errors name it.
const COMMAND: &str = "fix jwt";

/// Names and values for the properties the new connections read. `None`: the default
/// (names from the username's property, `sfdc.username` -> `sfdc.consumerKey`,
/// `sfdc.keystore.path`, `sfdc.keystore.password`, or a literal username's connection's
/// name, `SF` -> `SF.consumerKey`; placeholder values to fill in).
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
    /// The usernames it resolves to, in the app's environments (encrypted
    /// `![...]` values left out: the principal tells a `${secure::...}` one).
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
    // The first IG101 finding at each place.
    let mut at_place: HashMap<(&str, u32), usize> = HashMap::new();
    for (i, f) in ig101.iter().enumerate() {
        at_place
            .entry((f.location.path.as_str(), f.location.line))
            .or_insert(i);
    }
    let mut matched: BTreeSet<usize> = BTreeSet::new();
    // Property entries planned per file, so that a name is added once.
    let mut added: BTreeSet<(String, String)> = BTreeSet::new();
    // The switched connections' password settings, told once every switch is
    // planned: a setting another switched connection read is no longer read.
    let mut pending: Vec<Pending> = Vec::new();
    // How each YAML file given properties writes its keys.
    let mut styles = HashMap::new();
    // Each app with a switch planned: its index and its pending connections
    // (planned app after app).
    let mut switched_apps: Vec<(&MuleApp, AppIndex, Range<usize>)> = Vec::new();
    for app in &inventory.apps {
        // Made at the app's first connection to switch.
        let mut index: Option<AppIndex> = None;
        let first = pending.len();
        for conn in &app.salesforce_connections {
            let Some(&i) = at_place.get(&(conn.location.path.as_str(), conn.location.line)) else {
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
                index: index.get_or_insert_with(|| AppIndex::new(app)),
                styles: &mut styles,
                user_property: None,
            };
            match switch.plan() {
                Ok(()) => {}
                Err(Failure::Skip(why)) => out.plan.skipped.push(format!("{here}: {why}")),
                Err(Failure::Fatal(e)) => return Err(e),
            }
        }
        if let Some(index) = index.filter(|_| pending.len() > first) {
            switched_apps.push((app, index, first..pending.len()));
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
    let mut settings = HashMap::new();
    for (app, index, range) in &switched_apps {
        let reads = unused::reads_after(&mut ws, app, &rewritten);
        for p in &pending[range.clone()] {
            report_unused(&mut out, &mut unused, &mut settings, p, index, &reads);
        }
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

/// Checks a written fix: each switched connection reads, in the inventory read
/// again, as a `jwt-connection` (certificate login) with the same principal.
pub fn verify_jwt(after: &Inventory, switched: &[Switched]) -> Vec<String> {
    let mut problems = Vec::new();
    // The first connection by app root, configuration name and path.
    let mut connections: HashMap<(&str, &str, &str), &SalesforceConnection> = HashMap::new();
    for a in &after.apps {
        for c in &a.salesforce_connections {
            connections
                .entry((
                    a.root.as_str(),
                    c.config_name.as_str(),
                    c.location.path.as_str(),
                ))
                .or_insert(c);
        }
    }
    for s in switched {
        let conn = connections.get(&(s.app_root.as_str(), s.config_name.as_str(), s.path.as_str()));
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
    fn property_names() {
        assert!(check_property_name("sfdc.consumerKey").is_ok());
        assert!(check_property_name("a b").is_err());
        assert!(check_property_name("${x}").is_err());
        assert!(check_property_name("").is_err());
    }
}
