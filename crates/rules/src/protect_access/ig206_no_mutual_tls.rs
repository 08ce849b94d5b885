use intguard_model::expr::placeholders;
use intguard_model::{
    AuthClass, Finding, Inventory, MuleApp, MuleRuntime, Practice, Related, RuleMeta,
    SalesforceConnection, Severity,
};

use crate::scan_scope::needs_whole;
use crate::support::{
    connection_identities, describe_identities, describe_users, display_url,
    encrypted_username_environments, identity_related, is_my_domain_host, parse_url,
    user_environments,
};
use crate::{Rule, Scope};

pub struct NoMutualTls;

static META: RuleMeta = RuleMeta {
    id: "IG206",
    name: "no-mutual-tls",
    practice: Practice::ProtectAccess,
    default_severity: Severity::Medium,
    summary: "A Salesforce integration connection does not use mutual TLS (client certificate, My Domain port 8443)",
    doc: r#"## What it does
For each Salesforce connection an integration runs as (password, JWT/SAML certificate
or client-credentials connections; not the named-user authorization-code flow), checks
that it is set up for mutual TLS:
- a client certificate: a `tls:context` nested in the connection (Salesforce
  connector 9.7+) with a `tls:key-store`;
- its login/token and service URLs, resolved in every environment, go to port 8443
  of the My Domain host (`https://acme.my.salesforce.com:8443/...`). A connection with
  no URL uses the default `login.salesforce.com` on port 443.
Mule 3 `sfdc:config*` connections are always flagged: the Mule 3 Salesforce connector
has no setting for a client certificate. Its configs take no TLS context or key store
for the connection: the Mule 3 attributes MuleSoft's migration assistant carries over
to Mule 4 (mulesoft/mule-migration-assistant,
`AbstractSalesforceConfigurationMigrationStep`) are the credentials, timeouts,
`serviceEndpoint`, `apiVersion`, proxy settings and the JWT bearer config's
`keyStore`/`storePassword`/`principal`, whose key store only signs the assertion.
The connector's SOAP calls go through Salesforce's WSC library, whose JDK transport
(forcedotcom/wsc `JdkHttpTransport`) opens connections on the JVM's default TLS
settings: a key store given to the whole JVM (`-Djavax.net.ssl.keyStore`) could be
presented there, for every HTTPS client of that runtime. intguard cannot see JVM
options, and that this covers every call of every connector version (Bulk,
Streaming) is not verified, so the finding stays. A connection of a Mule plugin's file that apps of the
scan `<import>` is judged once per importing app, its URLs resolved in that app's
properties (reported at the plugin's connection, naming the app).

On the Salesforce side, it flags every integration user whose profile is in the
metadata but who holds no "Enforce SSL/TLS Mutual Authentication" permission (profile,
permission sets and groups, minus muting), at the profile assignment. That
permission's API name is not verified: any `userPermissions` name containing `mutual`,
`tls` or `ssl` (case-insensitive) is taken for it. Users with profiles or permission
sets that could not be found are not judged.

## Why is this bad?
With mutual TLS, Salesforce accepts API calls for the integration user only from a
client that presents the registered certificate, on top of the password or signed JWT.
A leaked password, consumer secret or even a leaked session token is then useless
from anywhere else. Without it, the credential alone is enough.

## Example
```xml
<salesforce:sfdc-config name="Salesforce_Config">
  <salesforce:jwt-connection consumerKey="${secure::sfdc.consumerKey}"
      keyStore="${sfdc.keystore.path}" storePassword="${secure::sfdc.keystore.password}"
      principal="${sfdc.username}"
      tokenEndpoint="https://login.salesforce.com/services/oauth2/token"/>
</salesforce:sfdc-config>
```

## How to fix
1. In Salesforce: upload the CA-signed client certificate chain (Client Authentication
   EKU; self-signed is refused) under Setup > Certificate and Key Management >
   Mutual Authentication Certificates, and give the integration user the
   "Enforce SSL/TLS Mutual Authentication" user permission (API Only users), in a
   permission set of your org's own (a managed package's, `acme__Sync`, cannot be edited).
2. In Mule (Salesforce connector 9.7.0+): nest the client certificate in the
   connection and call the My Domain host on port 8443:
```xml
<salesforce:sfdc-config name="Salesforce_Config">
  <salesforce:jwt-connection consumerKey="${secure::sfdc.consumerKey}"
      keyStore="${sfdc.keystore.path}" storePassword="${secure::sfdc.keystore.password}"
      principal="${sfdc.username}" audienceUrl="https://login.salesforce.com"
      tokenEndpoint="https://acme.my.salesforce.com:8443/services/oauth2/token">
    <tls:context>
      <tls:key-store type="pkcs12" path="${sfdc.mtls.keystore.path}" alias="${sfdc.mtls.alias}"
          password="${secure::sfdc.mtls.keystore.password}" keyPassword="${secure::sfdc.mtls.key.password}"/>
    </tls:context>
  </salesforce:jwt-connection>
</salesforce:sfdc-config>
```
Mule 3 apps: migrate the integration to Mule 4 first. Until then, on a runtime you
host, a JVM-wide key store in `conf/wrapper.conf` is the only place a client
certificate can go (it is presented by every HTTPS client of that runtime that uses
the JVM's default TLS settings; keep its password out of the repository):
```
wrapper.java.additional.20=-Djavax.net.ssl.keyStore=/opt/mule/keys/sfdc-mtls.p12
wrapper.java.additional.21=-Djavax.net.ssl.keyStoreType=pkcs12
wrapper.java.additional.22=-Djavax.net.ssl.keyStorePassword=<set at install time>
```

## References
- Salesforce Help: Set Up a Mutual Authentication Certificate
- Salesforce Help: Configure Your API Client to Use Mutual Authentication (port 8443)
- MuleSoft Docs: Salesforce Connector Release Notes 9.7.0 (TLS configuration)
- mulesoft/mule-migration-assistant: `AbstractSalesforceConfigurationMigrationStep`
  (the Mule 3 `sfdc` config attributes)
- forcedotcom/wsc: `JdkHttpTransport` (connections on the JVM's default TLS settings)
"#,
};

/// Attributes that are where the connection actually connects (not the JWT
/// audience, not the authorization page a human visits).
const CONNECT_ATTRS: &[&str] = &[
    "url",
    "tokenEndpoint",
    "tokenUrl",
    "serviceEndpoint",
    "accessTokenUrl",
];

/// Where a certificate connection's URL goes to port 8443, in its own terms:
/// the attribute it has (or the property that attribute reads), else
/// `tokenEndpoint`.
fn url_advice(conn: &SalesforceConnection) -> String {
    let written = CONNECT_ATTRS
        .iter()
        .find_map(|name| conn.attr(name).map(|v| (*name, v)));
    let (name, path) = match written {
        Some((name, _)) if name == "url" => (name, "/services/Soap/u/<API version>"),
        Some((name, _)) => (name, "/services/oauth2/token"),
        None => ("tokenEndpoint", "/services/oauth2/token"),
    };
    let target = format!("https://<mydomain>.my.salesforce.com:8443{path}");
    let property = written.and_then(|(_, v)| {
        let ps = placeholders(&v.raw);
        (ps.len() == 1 && v.raw.trim().starts_with("${") && v.raw.trim().ends_with('}'))
            .then(|| ps[0].name.clone())
    });
    match property {
        Some(p) => {
            format!("set `{p}` to {target} in each environment's properties (read by its {name})")
        }
        None => format!("set {name}=\"{target}\""),
    }
}

fn has_client_certificate(app: &MuleApp, conn: &SalesforceConnection) -> bool {
    if conn
        .tls_context
        .as_ref()
        .is_some_and(|t| t.key_store.is_some())
    {
        return true;
    }
    conn.attr("tlsContext")
        .and_then(|v| app.tls_context(v.raw.trim()))
        .is_some_and(|t| t.key_store.is_some())
}

/// What the Mule side of mutual TLS needs: a Mule 4 connection with a client
/// certificate, calling port 8443 of My Domain in every environment. Of a
/// compact app's connection, as worked out when it was read.
fn ready_for_mutual_tls(inventory: &Inventory, app: &MuleApp, conn: &SalesforceConnection) -> bool {
    match inventory.connection_facts(app, conn) {
        Some(facts) => facts.presents_certificate_on_8443,
        None => presents_certificate_on_8443(app, conn),
    }
}

/// [`ready_for_mutual_tls`], worked out from `app` as it is now.
pub(crate) fn presents_certificate_on_8443(app: &MuleApp, conn: &SalesforceConnection) -> bool {
    conn.runtime != MuleRuntime::Mule3
        && has_client_certificate(app, conn)
        && non_mtls_urls(app, conn).is_empty()
}

/// URLs (per environment) that are not port 8443 of a My Domain host, as
/// `(environment, display url)`. A connection with no URL attribute connects to
/// the default login.salesforce.com:443.
fn non_mtls_urls(app: &MuleApp, conn: &SalesforceConnection) -> Vec<(Option<String>, String)> {
    let attrs: Vec<_> = conn
        .endpoint_attributes()
        .filter(|a| {
            CONNECT_ATTRS
                .iter()
                .any(|n| n.eq_ignore_ascii_case(&a.name))
        })
        .collect();
    if attrs.is_empty() {
        return vec![(
            None,
            "the default https://login.salesforce.com (port 443)".to_string(),
        )];
    }
    let mut out = Vec::new();
    for a in attrs {
        for r in app.resolve_all(&a.value) {
            // Unresolvable here: set at deploy time, cannot tell.
            let Some(v) = r.value else { continue };
            let ok = parse_url(&v).is_some_and(|u| {
                u.scheme == "https" && is_my_domain_host(&u.host) && u.port == Some(8443)
            });
            if !ok {
                let shown = format!("{}=\"{}\"", a.name, display_url(&v));
                if !out.iter().any(|(e, s): &(Option<String>, String)| {
                    *s == shown && *e == r.environment.map(str::to_string)
                }) {
                    out.push((r.environment.map(str::to_string), shown));
                }
            }
        }
    }
    out
}

impl Rule for NoMutualTls {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// The connections of each compact app as it is read (the profile of
    /// each user, from the identity graph, is added by `complete`); those
    /// of the apps kept whole (domains, plugins and their apps: what
    /// they resolve depends on other apps) and the org's side in
    /// [`Rule::check_scan`].
    fn scope(&self) -> Scope {
        Scope::App
    }

    /// Its org side may be shown at an app's connection, and an app of a
    /// domain or importing a plugin's file is judged with it: not from the
    /// app alone, as before it ran app by app.
    fn sees_one_app_alone(&self) -> bool {
        false
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        mule_side(inventory, |app| !needs_whole(app))
    }

    fn check_scan(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = mule_side(inventory, needs_whole);
        out.extend(org_side(inventory));
        out
    }
}

/// The findings of the connections of the apps `judge` selects.
fn mule_side(inventory: &Inventory, judge: impl Fn(&MuleApp) -> bool) -> Vec<Finding> {
    {
        let mut out = Vec::new();
        // Each connection as the app running on it resolves it: a Mule
        // plugin's connection once per app importing its file (its URLs
        // are the app's properties'), not at the plugin then.
        let judged = inventory.apps.iter().filter(|a| judge(a)).flat_map(|app| {
            app.resolved_salesforce_connections()
                .filter(move |(c, plugin)| {
                    plugin.is_some()
                        || inventory
                            .plugin_file_importers(app, &c.location.path)
                            .is_empty()
                })
                .map(move |(c, plugin)| (app, c, plugin))
        });
        for (app, conn, plugin) in judged {
            if !matches!(
                conn.auth,
                AuthClass::Password | AuthClass::Certificate | AuthClass::ClientSecret
            ) {
                continue;
            }
            let ids = connection_identities(inventory, app, conn);
            let encrypted = encrypted_username_environments(inventory, app, conn);
            let who = describe_identities(&ids);
            let for_whom = match describe_users(&ids, &encrypted) {
                Some(w) => format!("integration user ({w})"),
                // The username is set at deploy time, or not resolved.
                None => "its integration user".to_string(),
            };
            let mut reasons: Vec<String> = Vec::new();
            let mut envs: Vec<String> = Vec::new();
            // No client certificate (or Mule 3): true in every environment the
            // connection runs in, not only where a URL is wrong.
            let everywhere =
                conn.runtime == MuleRuntime::Mule3 || !has_client_certificate(app, conn);
            if conn.runtime == MuleRuntime::Mule3 {
                reasons.push(
                    "the Mule 3 Salesforce connector has no setting for a client certificate (its configs take no TLS context or key store for the connection)"
                        .to_string(),
                );
            } else {
                if everywhere {
                    reasons.push(
                        "it has no client certificate (no nested <tls:context> with a <tls:key-store>)"
                            .to_string(),
                    );
                }
                let urls = non_mtls_urls(app, conn);
                if !urls.is_empty() {
                    // One entry per URL, with the environments it is used in.
                    let mut by_url: Vec<(String, Vec<String>)> = Vec::new();
                    for (env, url) in &urls {
                        let i = match by_url.iter().position(|(u, _)| u == url) {
                            Some(i) => i,
                            None => {
                                by_url.push((url.clone(), Vec::new()));
                                by_url.len() - 1
                            }
                        };
                        if let Some(e) = env {
                            by_url[i].1.push(e.clone());
                            if !envs.contains(e) {
                                envs.push(e.clone());
                            }
                        }
                    }
                    let shown: Vec<String> = by_url
                        .iter()
                        .map(|(url, es)| {
                            if es.is_empty() {
                                url.clone()
                            } else {
                                format!("{url} in {}", es.join(", "))
                            }
                        })
                        .collect();
                    reasons.push(format!(
                        "it does not connect to port 8443 of the My Domain host ({})",
                        shown.join("; ")
                    ));
                }
            }
            if reasons.is_empty() {
                continue;
            }
            if everywhere || envs.is_empty() {
                let mut all = user_environments(&ids, &encrypted);
                let more = if everywhere {
                    app.environments
                        .iter()
                        .chain(envs.iter())
                        .cloned()
                        .collect()
                } else {
                    Vec::new()
                };
                for e in more {
                    if !all.contains(&e) {
                        all.push(e);
                    }
                }
                envs = all;
            }
            let of_plugin = plugin
                .map(|p| format!(" of Mule plugin {p}, which it imports"))
                .unwrap_or_default();
            let message = format!(
                "{} `{}` ({}{of_plugin}) does not use mutual TLS for {for_whom}: {}",
                app.name,
                conn.config_name,
                conn.element,
                reasons.join("; ")
            );
            let fix = if conn.runtime == MuleRuntime::Mule3 {
                "Migrate the integration to Mule 4 with Salesforce connector 9.7.0+, then nest <tls:context><tls:key-store type=\"pkcs12\" path=\"${sfdc.mtls.keystore.path}\" password=\"${secure::sfdc.mtls.keystore.password}\" keyPassword=\"${secure::sfdc.mtls.key.password}\"/></tls:context> in the connection and use https://<mydomain>.my.salesforce.com:8443 URLs; in Salesforce upload the CA-signed client certificate under Certificate and Key Management > Mutual Authentication Certificates and give the user the \"Enforce SSL/TLS Mutual Authentication\" permission. Until then, on a Mule 3 runtime you host, only a key store given to the whole JVM can hold the client certificate (conf/wrapper.conf: wrapper.java.additional.<n>=-Djavax.net.ssl.keyStore=<path to the .p12>, with -Djavax.net.ssl.keyStoreType=pkcs12 and -Djavax.net.ssl.keyStorePassword set at install time); every HTTPS client of that runtime on the JVM's default TLS settings then presents it (a JVM option no repository scan sees).".to_string()
            } else {
                // A password connection is to be replaced first (IG101): the
                // certificate goes into what replaces it.
                let (into, url) = if conn.auth == AuthClass::Password {
                    (
                        format!(
                            "Once <{}> of `{}` is replaced by {} (IG101), nest the client certificate in it",
                            conn.element,
                            conn.config_name,
                            conn.jwt_replacement()
                        ),
                        "set its tokenEndpoint=\"${sfdc.tokenEndpoint}\" and audienceUrl=\"${sfdc.audienceUrl}\", with sfdc.tokenEndpoint: https://<mydomain>.my.salesforce.com:8443/services/oauth2/token (the sandbox's My Domain in sandbox environments) and sfdc.audienceUrl: https://login.salesforce.com (https://test.salesforce.com for sandboxes) in each environment's properties".to_string(),
                    )
                } else {
                    (
                        format!(
                            "Nest the client certificate in <{}> of `{}`",
                            conn.element, conn.config_name
                        ),
                        url_advice(conn),
                    )
                };
                // 9.7.0 is the Salesforce connector's version.
                let version = if conn.is_composite() {
                    ""
                } else {
                    " (connector 9.7.0+)"
                };
                format!(
                    "{into}{version}: <tls:context><tls:key-store type=\"pkcs12\" path=\"${{sfdc.mtls.keystore.path}}\" password=\"${{secure::sfdc.mtls.keystore.password}}\" keyPassword=\"${{secure::sfdc.mtls.key.password}}\"/></tls:context>, and {url}; in Salesforce upload the CA-signed client certificate under Certificate and Key Management > Mutual Authentication Certificates and give the integration user the \"Enforce SSL/TLS Mutual Authentication\" permission."
                )
            };
            let mut finding = Finding::new(&META, conn.location.clone(), message)
                .maybe_identity(who)
                .environments(envs)
                .key(match plugin {
                    // One finding per importing app at the plugin's place.
                    Some(_) => format!("{}|{}|{}", conn.config_name, conn.element, app.name),
                    None => format!("{}|{}", conn.config_name, conn.element),
                })
                .fix(crate::support::with_property_note(app, fix));
            for rel in identity_related(&ids) {
                finding = finding.related(rel);
            }
            // The other end: where the user's profile is assigned, and the
            // profile, from the identity graph: added here by `complete`.
            if !ids.is_empty() {
                finding.pending_profile_places = Some((
                    finding.related.len() as u32,
                    ids.iter().map(|i| i.username.clone()).collect(),
                ));
            }
            if let Some(ctx) = conn.tls_context.as_ref().filter(|c| c.key_store.is_none()) {
                finding = finding.related(Related::new(
                    &ctx.location,
                    "nested TLS context without a key store",
                ));
            }
            out.push(finding);
        }
        out
    }
}

/// The integration users holding each permission set (by its name, trimmed,
/// in any case): made once, as each user's sets asked every user's
/// (2,000 users of 20 sets each took 27 s).
struct SetHolders<'a> {
    by_set: std::collections::HashMap<String, Vec<&'a str>>,
}

impl<'a> SetHolders<'a> {
    fn new(inventory: &'a Inventory) -> Self {
        let mut by_set: std::collections::HashMap<String, Vec<&'a str>> = Default::default();
        for o in crate::identities::auditable(inventory) {
            let Some(user) = o.username.as_deref() else {
                continue;
            };
            for p in &o.permission_sets {
                by_set
                    .entry(p.name.trim().to_ascii_lowercase())
                    .or_default()
                    .push(user);
            }
        }
        for users in by_set.values_mut() {
            users.sort_unstable();
            users.dedup();
        }
        SetHolders { by_set }
    }

    /// The users other than `user` holding `set`, sorted.
    fn of(&self, set: &str, user: Option<&str>) -> Vec<&'a str> {
        self.by_set
            .get(&set.trim().to_ascii_lowercase())
            .map(|users| users.iter().copied().filter(|u| Some(*u) != user).collect())
            .unwrap_or_default()
    }
}

/// Integration users (profile read, nothing unresolved) without the
/// mutual-authentication permission.
fn org_side(inventory: &Inventory) -> Vec<Finding> {
    use crate::identities as ids;
    let sf = &inventory.salesforce;
    let mut out = Vec::new();
    let mut set_holders: Option<SetHolders> = None;
    for id in ids::auditable(inventory) {
        if id.username.is_none() || !id.unresolved.is_empty() {
            continue;
        }
        let Some(profile) = id.profile.as_ref().and_then(|p| sf.profile(&p.name)) else {
            continue;
        };
        // The org's permissions could not be read: whether it holds the
        // permission is unknown (an org-not-read warning says so).
        if ids::org_permissions_unknown(inventory, profile) {
            continue;
        }
        if id
            .effective_permissions
            .iter()
            .any(|p| intguard_model::is_mutual_tls_permission(&p.name))
        {
            continue;
        }
        let Some(at) = ids::identity_location(id) else {
            continue;
        };
        let sets: Vec<&str> = id.permission_sets.iter().map(|p| p.name.as_str()).collect();
        let groups: Vec<&str> = id
            .permission_set_groups
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        let mut others: Vec<String> = Vec::new();
        if !sets.is_empty() {
            others.push(format!("its permission sets {}", sets.join(", ")));
        }
        if !groups.is_empty() {
            others.push(format!("its permission set groups {}", groups.join(", ")));
        }
        let holders = if others.is_empty() {
            format!("its profile {} does not grant", profile.display_label())
        } else {
            format!(
                "neither its profile {} nor {} grant",
                profile.display_label(),
                others.join(" nor ")
            )
        };
        // Where the permission goes: the set the user already has, else a
        // set in its group, else a new one.
        // A set other integration users hold too would require the
        // certificate of their apps as well: locked out until they have it.
        let set_holders = &*set_holders.get_or_insert_with(|| SetHolders::new(inventory));
        let holders_of = |set: &str| -> Vec<&str> { set_holders.of(set, id.username.as_deref()) };
        // A managed package's set cannot be edited in the org: the
        // permission goes in a set of the org's own.
        let (managed, editable): (Vec<&str>, Vec<&str>) = sets
            .iter()
            .partition(|s| crate::support::set_namespace(s).is_some());
        let own = editable.iter().find(|s| holders_of(s).is_empty());
        let grant_in = match (own, editable.first(), groups.first()) {
            (Some(set), _, _) => format!("in its permission set {set} (Setup > Permission Sets > {set} > System Permissions)"),
            (None, Some(set), _) => format!(
                "in a new permission set assigned to it alone (Setup > Permission Sets > New > System Permissions; its permission set {set} is shared with {}, whose logins would need the certificate too)",
                holders_of(set).join(", ")
            ),
            (None, None, Some(group)) => format!("in a permission set of its group {group} (Setup > Permission Sets > the set > System Permissions)"),
            (None, None, None) => match managed.as_slice() {
                [] => "in a permission set assigned to it (Setup > Permission Sets > New > System Permissions)".to_string(),
                managed => format!(
                    "in a new permission set assigned to it (Setup > Permission Sets > New > System Permissions; its permission set{} {} belong{} to {}, whose permissions cannot be edited in your org)",
                    if managed.len() == 1 { "" } else { "s" },
                    managed.join(", "),
                    if managed.len() == 1 { "s" } else { "" },
                    managed_packages(managed),
                ),
            },
        };
        // Its apps whose connection does not yet present a certificate on 8443.
        let mut apps_not_ready: Vec<&str> = id
            .apps
            .iter()
            .filter(|u| {
                inventory.app_by_name(&u.app).is_some_and(|app| {
                    app.resolved_salesforce_connections().any(|(c, _)| {
                        c.config_name == u.config_name && !ready_for_mutual_tls(inventory, app, c)
                    })
                })
            })
            .map(|u| u.app.as_str())
            .collect();
        apps_not_ready.sort_unstable();
        apps_not_ready.dedup();
        // Granted before the apps present the certificate on 8443, the
        // permission locks them out.
        let order = if apps_not_ready.is_empty() {
            String::new()
        } else {
            format!(
                " Grant it only after {} call(s) on port 8443 with the certificate: from then on its logins without one fail.",
                apps_not_ready.join(", ")
            )
        };
        // No Mule app of the scan logs in as it (a metadata-only project):
        // whatever does is not known here, and has no connection reported.
        let calls = if id.apps.is_empty() {
            " and have the integration that logs in as it call Salesforce on port 8443 of the My Domain host with the client certificate"
        } else if !apps_not_ready.is_empty() {
            " and have its apps call Salesforce on port 8443 of the My Domain host with the client certificate (their Mule connections are reported too)"
        } else {
            ""
        };
        let f = ids::identity_finding(
            &META,
            id,
            at,
            format!(
                "integration user {} does not require mutual TLS: {holders} \"Enforce SSL/TLS Mutual Authentication\", so its credential works without the client certificate",
                ids::identity_phrase(id)
            ),
        )
        .key(format!("{}|mutual-tls-permission", ids::identity_key(id)))
        .fix(format!(
            "Upload the CA-signed client certificate under Setup > Certificate and Key Management > Mutual Authentication Certificates, then grant {} the \"Enforce SSL/TLS Mutual Authentication\" user permission {grant_in}{calls}.{order}",
            ids::identity_label(id)
        ));
        out.push(ids::with_related(f, ids::profile_related(id)));
    }
    out
}

/// `managed package acme`, `managed packages acme, beta`: the packages of
/// managed permission sets.
fn managed_packages(sets: &[&str]) -> String {
    let mut ns: Vec<&str> = sets
        .iter()
        .filter_map(|s| crate::support::set_namespace(s))
        .collect();
    ns.sort_unstable();
    ns.dedup();
    format!(
        "managed package{} {}",
        if ns.len() == 1 { "" } else { "s" },
        ns.join(", ")
    )
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::support::testkit::*;

    const G: &str = "orders/src/main/mule/global.xml";

    fn run(a: MuleApp) -> Vec<Finding> {
        let inv = Inventory {
            apps: vec![a],
            ..Default::default()
        };
        NoMutualTls.run(&inv)
    }

    /// `SF`, a JWT connection of int.orders@acme.com at line 10, with `extra`
    /// attributes.
    fn jwt(extra: &[(&str, &str)]) -> SalesforceConnection {
        let mut attrs = vec![("principal", "int.orders@acme.com")];
        attrs.extend_from_slice(extra);
        conn(
            "SF",
            "salesforce:jwt-connection",
            AuthClass::Certificate,
            G,
            10,
            &attrs,
        )
    }

    #[test]
    fn jwt_without_certificate_and_default_urls() {
        let mut a = app("orders", &[]);
        a.salesforce_connections
            .push(jwt(&[("audienceUrl", "https://login.salesforce.com")]));
        let f = run(a);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("no client certificate"),
            "{}",
            f[0].message
        );
        assert!(f[0]
            .message
            .contains("default https://login.salesforce.com"));
        assert_eq!(f[0].identity.as_deref(), Some("int.orders@acme.com"));
        assert_eq!(f[0].severity, Severity::Medium);
    }

    #[test]
    fn the_fix_names_the_url_the_connection_has() {
        // A certificate connection whose token endpoint is a property: the
        // property is what changes, per environment.
        let mut a = app("orders", &["prod"]);
        a.salesforce_connections
            .push(jwt(&[("tokenEndpoint", "${sfdc.tokenEndpoint}")]));
        let f = run(a);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].fix.starts_with("Nest the client certificate in <salesforce:jwt-connection> of `SF`")
                && f[0].fix.contains("set `sfdc.tokenEndpoint` to https://<mydomain>.my.salesforce.com:8443/services/oauth2/token in each environment's properties"),
            "{}",
            f[0].fix
        );
        // A SOAP login (no tokenEndpoint to set): the certificate goes into
        // the JWT connection that replaces it (IG101).
        let mut a = app("orders", &[]);
        a.salesforce_connections.push(conn(
            "SF",
            "salesforce:basic-connection",
            AuthClass::Password,
            G,
            10,
            &[("username", "int.orders@acme.com"), ("url", "${sfdc.url}")],
        ));
        let f = run(a);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].fix.starts_with("Once <salesforce:basic-connection> of `SF` is replaced by <salesforce:jwt-connection> (IG101)")
                && f[0].fix.contains("set its tokenEndpoint=\"${sfdc.tokenEndpoint}\" and audienceUrl=\"${sfdc.audienceUrl}\", with sfdc.tokenEndpoint: https://<mydomain>.my.salesforce.com:8443/services/oauth2/token"),
            "{}",
            f[0].fix
        );
    }

    #[test]
    fn mtls_ready_connection_is_clean_and_named_user_skipped() {
        let mut a = app("orders", &["prod"]);
        let mut c = conn(
            "SF",
            "salesforce:jwt-connection",
            AuthClass::Certificate,
            G,
            10,
            &[
                ("principal", "int.orders@acme.com"),
                ("tokenEndpoint", "${sfdc.tokenEndpoint}"),
                ("audienceUrl", "https://login.salesforce.com"),
            ],
        );
        let mut ctx = tls(None, G, 11);
        ctx.key_store = Some(store("tls:key-store", G, 12, &[("path", "${mtls.path}")]));
        c.tls_context = Some(Box::new(ctx));
        a.salesforce_connections.push(c);
        a.salesforce_connections.push(conn(
            "SF_User",
            "salesforce:config-with-oauth-connection",
            AuthClass::NamedUser,
            G,
            20,
            &[],
        ));
        a.property_files.push(props(
            "orders/prod.yaml",
            Some("prod"),
            false,
            &[(
                "sfdc.tokenEndpoint",
                "https://acme.my.salesforce.com:8443/services/oauth2/token",
            )],
        ));
        assert!(run(a).is_empty());
    }

    #[test]
    fn certificate_but_wrong_port_in_one_environment() {
        let mut a = app("orders", &["dev", "prod"]);
        let mut c = conn(
            "SF",
            "salesforce:oauth-user-pass-connection",
            AuthClass::Password,
            G,
            10,
            &[
                ("username", "int@acme.com"),
                ("tokenEndpoint", "${sfdc.token}"),
            ],
        );
        let mut ctx = tls(None, G, 11);
        ctx.key_store = Some(store("tls:key-store", G, 12, &[("path", "x.p12")]));
        c.tls_context = Some(Box::new(ctx));
        a.salesforce_connections.push(c);
        a.property_files.push(props(
            "orders/dev.yaml",
            Some("dev"),
            false,
            &[(
                "sfdc.token",
                "https://acme--dev.sandbox.my.salesforce.com/services/oauth2/token",
            )],
        ));
        a.property_files.push(props(
            "orders/prod.yaml",
            Some("prod"),
            false,
            &[(
                "sfdc.token",
                "https://acme.my.salesforce.com:8443/services/oauth2/token",
            )],
        ));
        let f = run(a);
        assert_eq!(f.len(), 1);
        assert!(!f[0].message.contains("no client certificate"));
        assert!(f[0].message.contains("in dev"), "{}", f[0].message);
        assert_eq!(f[0].environments, vec!["dev".to_string()]);
    }

    #[test]
    fn mule3_is_always_flagged() {
        let mut a = app("legacy", &[]);
        a.runtime = MuleRuntime::Mule3;
        a.salesforce_connections.push(conn(
            "Salesforce",
            "sfdc:config",
            AuthClass::Password,
            "legacy/src/main/app/global.xml",
            8,
            &[
                ("username", "int.legacy@acme.com"),
                (
                    "url",
                    "https://acme.my.salesforce.com:8443/services/Soap/u/45.0",
                ),
            ],
        ));
        let f = run(a);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("Mule 3"));
        assert!(f[0].fix.contains("Migrate"));
    }
}
