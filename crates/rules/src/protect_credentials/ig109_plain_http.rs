use std::collections::{HashMap, HashSet};

use intguard_model::vocab::names_a_token_endpoint;
use intguard_model::{
    Finding, HttpCredential, HttpParamKind, HttpRequestOperation, Inventory, Location, MuleApp,
    MuleRuntime, Practice, Related, RequestConfigs, RuleMeta, Severity, Value,
};

use crate::support::{
    connection_identities, describe_identities, disambiguate_keys, display_url, env_phrase,
    is_local_host, is_salesforce_host, parse_url, short_location,
};
use crate::{Rule, Scope};

pub struct PlainHttp;

static META: RuleMeta = RuleMeta {
    id: "IG109",
    name: "plain-http",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::High,
    summary: "Salesforce, token or credential-bearing traffic over plain HTTP; HTTP listeners and requesters without TLS",
    doc: r#"## What it does
Resolves URLs, protocols and hosts in every environment and flags traffic without
TLS:
- a Salesforce connection whose login, token, audience or service endpoint URL is
  `http://` (high);
- any URL attribute (`url`, `tokenUrl`, `address`, ...) that is `http://` to a
  Salesforce host (`*.salesforce.com`, `*.force.com`) or to an OAuth/token URL (high),
  or to any other non-local host (medium);
- an `http:request-config` whose connection uses `protocol="HTTP"` (the default):
  high when it sends credentials (`http:authentication`, or an `Authorization`
  Basic/Bearer header, an API key, a token or a client secret in its default headers
  and query parameters or in those of the requests using it, or a password, client
  secret, API key or token in the body of one of those requests: its `<http:body>` or
  the payload set just before it) or talks to Salesforce or a token server, medium
  otherwise;
- an `<http:request url="http://...">` that sends such a header, query parameter or
  body field is high too, and the message names what it sends (never the value);
- an `http:listener-config` that does not use `protocol="HTTPS"` (medium), unless it
  is bound to `localhost`;
- a Mule 3 HTTP transport endpoint (namespace `http://www.mulesoft.org/schema/mule/http`):
  an `<http:inbound-endpoint>` (medium) unless bound to `localhost`, and an
  `<http:outbound-endpoint>` whose `address`, or `host`/`port`/`path`, is `http://`
  to a host that is not loopback (high to Salesforce or a token URL, medium otherwise);
  the HTTPS transport's `<https:inbound-endpoint>`/`<https:outbound-endpoint>` are
  TLS, unless they name a global endpoint with `ref`. An endpoint (HTTP, HTTPS or core
  `<inbound-endpoint>`/`<outbound-endpoint>`) taking
  its address from a global endpoint (`ref`) is judged by that global endpoint, in
  any file of the app: `<http:endpoint>` is plain HTTP, `<https:endpoint>` is TLS, a
  core `<endpoint>` goes by the scheme of its `address` (Mule copies the global
  endpoint's address and scheme, so an `<https:outbound-endpoint ref>` to an
  `<http:endpoint>` sends plain HTTP); the finding is at the
  endpoint that opens the connection, with the global endpoint as a related
  location. An HTTP endpoint whose `connector-ref` names an `<https:connector>` is
  not reported: Mule refuses to start it (the connector does not support the `http`
  scheme); nor is one whose `ref` names no global endpoint of the app, nor one with
  none of `address`, `ref` or `host`/`port` (Mule requires one of them and refuses
  to start it);
- a property value `http://...salesforce.com...` or an `http://` OAuth URL that no
  attribute above already reported.
XML namespace and schema URIs and loopback addresses are ignored. One finding per
element, listing the environments where it is plain HTTP.

## Why is this bad?
Over plain HTTP, passwords, security tokens, client secrets, bearer tokens and the
data itself cross every network hop in clear, and nothing proves the server is the one
you meant: anyone on the path can read the integration user's credentials or answer in
Salesforce's place. Salesforce's own OAuth and API endpoints refuse plain HTTP, so an
`http://` there is at best a broken configuration and at worst a lookalike host. An
HTTP listener exposes whatever callers send it (API client ids and secrets, bearer
tokens, business data); on CloudHub, terminate TLS in the app or put it behind a
dedicated load balancer that does.

## Example
```xml
<http:request-config name="Token_Request_Config">
  <http:request-connection protocol="HTTP" host="auth.acme.com" port="80">
    <http:authentication>
      <http:basic-authentication username="${token.client.id}" password="${secure::token.client.secret}"/>
    </http:authentication>
  </http:request-connection>
</http:request-config>
<http:listener-config name="api-httpListenerConfig">
  <http:listener-connection host="0.0.0.0" port="${http.port}"/>
</http:listener-config>
<http:request method="GET" url="http://erp.acme.com/stock">
  <http:headers>#[{ 'Authorization': 'Bearer ' ++ vars.erpToken }]</http:headers>
</http:request>
```

## How to fix
Use HTTPS everywhere, with certificate validation on:
```xml
<http:request-config name="Token_Request_Config">
  <http:request-connection protocol="HTTPS" host="auth.acme.com" port="443">
    <http:authentication>
      <http:basic-authentication username="${token.client.id}" password="${secure::token.client.secret}"/>
    </http:authentication>
  </http:request-connection>
</http:request-config>
<http:listener-config name="api-httpsListenerConfig">
  <http:listener-connection protocol="HTTPS" host="0.0.0.0" port="${https.port}">
    <tls:context>
      <tls:key-store type="pkcs12" path="${tls.keystore.path}" alias="${tls.keystore.alias}"
          password="${secure::tls.keystore.password}" keyPassword="${secure::tls.key.password}"/>
    </tls:context>
  </http:listener-connection>
</http:listener-config>
```
and write Salesforce URLs as `https://<mydomain>.my.salesforce.com/...` (or
`https://login.salesforce.com`).
On Mule 3's HTTP transport, use the HTTPS transport (namespace
`http://www.mulesoft.org/schema/mule/https`):
```xml
<https:connector name="HttpsConnector">
  <https:tls-key-store path="${tls.keystore.path}" keyAlias="${tls.keystore.alias}"
      storePassword="${tls.keystore.password}" keyPassword="${tls.key.password}"/>
</https:connector>
<flow name="orders">
  <https:inbound-endpoint connector-ref="HttpsConnector" host="0.0.0.0" port="${https.port}"
      path="api" exchange-pattern="request-response"/>
  <https:outbound-endpoint address="https://partner.example.com/api" exchange-pattern="request-response"/>
</flow>
```
or, since Mule 3.6, `<http:listener-config protocol="HTTPS">` and
`<http:request-config protocol="HTTPS">` with a `<tls:context>`.

## References
- MuleSoft Docs: HTTP Connector, Configure HTTPS (TLS) for the HTTP Listener and Request
- MuleSoft Docs: Configure TLS with Keystores and Truststores
- Salesforce Help: OAuth endpoints (HTTPS only)
"#,
};

/// One environment where a value is plain HTTP.
struct HttpHit {
    environment: Option<String>,
    /// The URL (resolved when possible, else as written), user info masked.
    url: String,
    /// Salesforce host, OAuth/token URL, or credentials in the URL.
    sensitive: bool,
    /// Property lines the value came from.
    origins: Vec<Location>,
}

/// XML namespace and schema URIs are identifiers, not endpoints.
fn is_namespace_host(host: &str) -> bool {
    const HOSTS: &[&str] = &[
        "www.mulesoft.org",
        "www.mulesoft.com",
        "www.w3.org",
        "www.springframework.org",
        "schemas.xmlsoap.org",
        "java.sun.com",
        "xmlns.jcp.org",
        "maven.apache.org",
        "json-schema.org",
        "purl.org",
    ];
    HOSTS.contains(&host)
}

fn is_skipped_attribute(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "xmlns"
        || lower.starts_with("xmlns:")
        || lower.ends_with("schemalocation")
        || lower.starts_with("doc:")
}

/// True when `url` is a plain-HTTP URL worth reporting, with its sensitivity.
fn classify(url: &str) -> Option<bool> {
    let trimmed = intguard_model::trim::trim(url);
    if !trimmed
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("http://"))
    {
        return None;
    }
    let parts = parse_url(trimmed)?;
    if is_local_host(&parts.host) || is_namespace_host(&parts.host) {
        return None;
    }
    // A host made of unresolved placeholders is unknown: still plain HTTP.
    let sensitive = is_salesforce_host(&parts.host)
        || names_a_token_endpoint(&parts.path)
        || parts.has_userinfo;
    Some(sensitive)
}

/// The environments where `value` is `http://`.
fn http_hits(app: &MuleApp, value: &Value) -> Vec<HttpHit> {
    let mut out = Vec::new();
    // A URL built by DataWeave (`#['http://' ++ p('host') ++ '/api']`) is
    // read as the `${...}` template it stands for.
    let template = intguard_model::expr::dataweave_concat_template(&value.raw)
        .map(|t| Value::new(t, value.location.clone()));
    let value = template.as_ref().unwrap_or(value);
    for r in app.resolve_all(value) {
        let url = match &r.value {
            Some(v) => v.clone(),
            // Not resolvable here (set at deploy time): the scheme may still be
            // written literally, as in `http://${erp.host}/api`.
            None => value.raw.clone(),
        };
        let Some(sensitive) = classify(&url) else {
            continue;
        };
        out.push(HttpHit {
            environment: r.environment.map(str::to_string),
            url: display_url(&url),
            sensitive,
            origins: r.sources.iter().map(|s| s.location().clone()).collect(),
        });
    }
    out
}

fn envs_of(hits: &[HttpHit]) -> Vec<String> {
    let mut envs: Vec<String> = hits.iter().filter_map(|h| h.environment.clone()).collect();
    envs.dedup();
    envs
}

fn urls_of(hits: &[HttpHit]) -> String {
    let mut urls: Vec<&str> = hits.iter().map(|h| h.url.as_str()).collect();
    urls.sort();
    urls.dedup();
    urls.join(", ")
}

/// Per environment: `Some(true)` when the protocol is plain HTTP (the default),
/// `None` when it cannot be resolved.
fn plain_protocol_envs(
    app: &MuleApp,
    protocol: Option<&Value>,
) -> Vec<(Option<String>, Vec<Location>)> {
    let mut out = Vec::new();
    for env in app.resolution_environments() {
        match protocol {
            None => out.push((env.map(str::to_string), Vec::new())),
            Some(p) => {
                let r = app.resolve(p, env);
                if let Some(v) = r.value.as_deref() {
                    if !v.trim().eq_ignore_ascii_case("HTTPS") {
                        out.push((
                            env.map(str::to_string),
                            r.sources.iter().map(|s| s.location().clone()).collect(),
                        ));
                    }
                }
            }
        }
    }
    out
}

/// The host resolved in `env`, lowercase; `None` when unknown.
fn host_in(app: &MuleApp, host: Option<&Value>, env: Option<&str>) -> Option<String> {
    let h = host?;
    app.resolve(h, env)
        .value
        .map(|v| v.trim().to_ascii_lowercase())
}

/// `header Authorization (Bearer)`, `query parameter client_secret`: what
/// the credentials are, never their values.
fn describe_credentials(credentials: &[&HttpCredential]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in credentials {
        let scheme = if c.kind == HttpParamKind::Header {
            let lower = c.value.raw.to_ascii_lowercase();
            ["bearer", "basic", "digest", "negotiate"]
                .into_iter()
                .find(|s| lower.contains(s))
                .map(|s| {
                    let mut s = s.to_string();
                    s[..1].make_ascii_uppercase();
                    format!(" ({s})")
                })
                .unwrap_or_default()
        } else {
            String::new()
        };
        let part = format!("{} `{}`{scheme}", c.kind.label(), c.name);
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    parts.join(", ")
}

/// The credentials a request sends: its own headers and query parameters
/// and the default ones of its config.
fn request_credentials<'a>(
    configs: &RequestConfigs<'a>,
    op: &'a HttpRequestOperation,
) -> Vec<&'a HttpCredential> {
    let defaults = configs
        .of(op)
        .map(|r| r.default_credentials.as_slice())
        .unwrap_or_default();
    op.credentials.iter().chain(defaults).collect()
}

const HTTPS_FIX_URL: &str = "Change the URL to https:// (for Salesforce: https://<mydomain>.my.salesforce.com or https://login.salesforce.com) in the XML or in the property file of each environment listed";

impl Rule for PlainHttp {
    /// Reads one app's URLs, HTTP configs and requests.
    fn scope(&self) -> Scope {
        Scope::App
    }

    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for app in &inventory.apps {
            check_app(inventory, app, &mut out);
        }
        disambiguate_keys(&mut out);
        out
    }
}

fn check_app(inventory: &Inventory, app: &MuleApp, out: &mut Vec<Finding>) {
    let configs = RequestConfigs::new(&app.http_requests);
    // The requests by the place of their own `url`, and those without one by
    // the config they go through, in the app's order: asked per URL and per
    // config, a walk of every request took time in the square of their
    // number (20,000 configs each used once: 2 s).
    let mut by_url: HashMap<&Location, Vec<&HttpRequestOperation>> = HashMap::new();
    let mut through_config: HashMap<&str, Vec<&HttpRequestOperation>> = HashMap::new();
    for op in &app.http_request_operations {
        match (&op.url, op.config_ref.as_deref()) {
            (Some(url), _) => by_url.entry(&url.location).or_default().push(op),
            (None, Some(config)) => through_config.entry(config).or_default().push(op),
            (None, None) => {}
        }
    }
    let through = |config: &str| through_config.get(config).map_or(&[][..], Vec::as_slice);
    let mut reported_attrs: HashSet<Location> = HashSet::new();
    let mut reported_entries: HashSet<Location> = HashSet::new();

    // 1. Salesforce connection endpoints.
    for conn in &app.salesforce_connections {
        let ids = connection_identities(inventory, app, conn);
        for attr in conn.endpoint_attributes() {
            let hits = http_hits(app, &attr.value);
            if hits.is_empty() {
                continue;
            }
            reported_attrs.insert(attr.value.location.clone());
            let envs = envs_of(&hits);
            // The users of the environments where the URL is plain HTTP
            // (all of them when it is plain everywhere).
            let plain_ids: Vec<_> = ids
                .iter()
                .filter(|id| {
                    envs.is_empty() || id.environment.as_ref().is_none_or(|e| envs.contains(e))
                })
                .cloned()
                .collect();
            let who = describe_identities(&plain_ids);
            // The audience is a value inside the signed assertion, not an
            // address anything connects to: what is wrong is the scheme
            // Salesforce checks it against.
            let what = if attr.name.eq_ignore_ascii_case("audienceUrl") {
                format!(
                    "sets {} to {}, an http:// audience {}: Salesforce expects https://login.salesforce.com (https://test.salesforce.com for sandboxes, or the My Domain URL) and rejects the assertion otherwise",
                    attr.name,
                    urls_of(&hits),
                    env_phrase(&envs)
                )
            } else {
                format!(
                    "sends {} to {} over plain HTTP {}",
                    attr.name,
                    urls_of(&hits),
                    env_phrase(&envs)
                )
            };
            let message = format!(
                "{} `{}` ({}) {}{}",
                app.name,
                conn.config_name,
                conn.element,
                what,
                who.as_deref()
                    .map(|w| format!(", logging in as {w}"))
                    .unwrap_or_default()
            );
            let mut finding = Finding::new(&META, attr.value.location.clone(), message)
                .severity(Severity::High)
                .maybe_identity(who.clone())
                .environments(envs)
                .key(format!("sfdc|{}|{}", conn.config_name, attr.name))
                .fix(format!(
                    "{HTTPS_FIX_URL}: {}=\"https://...\" on <{}> of `{}`.",
                    attr.name, conn.element, conn.config_name
                ));
            for h in &hits {
                for o in &h.origins {
                    reported_entries.insert(o.clone());
                    finding = finding.related(origin_related(o, h));
                }
            }
            out.push(finding);
        }
    }

    // 2a. Mule 3 HTTP transport endpoints (their `address` is not reported
    // again as a URL attribute: the fix is the HTTPS transport's).
    transport_endpoints(app, out, &mut reported_attrs, &mut reported_entries);

    // 2. Any URL attribute.
    for attr in &app.url_attributes {
        if reported_attrs.contains(&attr.value.location) || is_skipped_attribute(&attr.name) {
            continue;
        }
        let hits = http_hits(app, &attr.value);
        if hits.is_empty() {
            continue;
        }
        reported_attrs.insert(attr.value.location.clone());
        let envs = envs_of(&hits);
        // The request whose `url` this is, and the credentials it sends:
        // its own, its config's default headers and parameters, and its
        // config's `<http:authentication>` (the connector authenticates
        // every request through the config, whatever its URL).
        let requests: &[&HttpRequestOperation] =
            by_url.get(&attr.value.location).map_or(&[], Vec::as_slice);
        let credentials: Vec<&HttpCredential> = requests
            .iter()
            .flat_map(|op| request_credentials(&configs, op))
            .collect();
        let authentication = requests
            .iter()
            .find_map(|op| configs.of(op).and_then(|r| r.authentication.as_ref()));
        let sensitive =
            hits.iter().any(|h| h.sensitive) || !credentials.is_empty() || authentication.is_some();
        let owner = attr
            .owner
            .as_deref()
            .map(|o| format!(" of `{o}`"))
            .unwrap_or_default();
        let why = if hits.iter().any(|h| h.sensitive) {
            " (Salesforce, OAuth/token or credential-bearing URL)"
        } else {
            ""
        };
        let sends = match (authentication, credentials.is_empty()) {
            (None, true) => String::new(),
            (None, false) => format!(", sending {} in clear", describe_credentials(&credentials)),
            (Some(auth), true) => format!(", sending credentials (<{}>) in clear", auth.element),
            (Some(auth), false) => format!(
                ", sending credentials (<{}>) and {} in clear",
                auth.element,
                describe_credentials(&credentials)
            ),
        };
        let message = format!(
            "{} <{}>{owner} {}=\"{}\" is plain HTTP{why} {}{sends}",
            app.name,
            attr.element,
            attr.name,
            urls_of(&hits),
            env_phrase(&envs)
        );
        let mut finding = Finding::new(&META, attr.value.location.clone(), message)
            .severity(if sensitive {
                Severity::High
            } else {
                Severity::Medium
            })
            .environments(envs)
            .key(format!(
                "url|{}|{}|{}",
                attr.owner.as_deref().unwrap_or(""),
                attr.element,
                attr.name
            ))
            .fix(format!(
                "{HTTPS_FIX_URL}: {}=\"https://...\" on <{}>{owner}.",
                attr.name, attr.element
            ));
        for h in &hits {
            for o in &h.origins {
                reported_entries.insert(o.clone());
                finding = finding.related(origin_related(o, h));
            }
        }
        if let Some(auth) = authentication {
            finding = finding.related(Related::new(
                &auth.location,
                "credentials sent with this request (its config's authentication)",
            ));
        }
        for c in &credentials {
            finding = finding.related(credential_related(c));
        }
        out.push(finding);
    }

    // 3. HTTP listeners without TLS.
    for l in &app.http_listeners {
        let mut envs = Vec::new();
        let mut origins = Vec::new();
        for (env, srcs) in plain_protocol_envs(app, l.protocol.as_ref()) {
            if host_in(app, l.host.as_ref(), env.as_deref()).is_some_and(|h| is_local_host(&h)) {
                continue;
            }
            envs.push(env);
            origins.extend(srcs);
        }
        if envs.is_empty() {
            continue;
        }
        let named: Vec<String> = envs.iter().flatten().cloned().collect();
        let port = l
            .port
            .as_ref()
            .map(|p| format!(" on port {}", resolved_port(app, p, &envs)))
            .unwrap_or_default();
        let message = format!(
            "{} HTTP listener `{}` accepts plain HTTP{port} {}: callers' credentials, tokens and data arrive unencrypted",
            app.name,
            l.config_name,
            env_phrase(&named)
        );
        let mut finding = Finding::new(&META, l.location.clone(), message)
            .severity(Severity::Medium)
            .environments(named)
            .key(format!("listener|{}", l.config_name))
            .fix(crate::support::with_property_note(
                app,
                crate::support::in_runtime_syntax(app, listener_fix(app.runtime, &l.config_name)),
            ));
        for o in origins {
            finding = finding.related(Related::new(&o, "protocol defined here"));
        }
        out.push(finding);
    }

    // 4. HTTP requesters without TLS.
    for r in &app.http_requests {
        let mut envs = Vec::new();
        let mut origins = Vec::new();
        // A request through the config to a token path (`/oauth2/token`)
        // makes it a token server's, as its host or base path would.
        let mut sensitive_host = through(&r.config_name).iter().any(|op| {
            op.path.as_ref().is_some_and(|p| {
                names_a_token_endpoint(&p.raw)
                    || app
                        .resolve_all(p)
                        .iter()
                        .any(|v| v.value.as_deref().is_some_and(names_a_token_endpoint))
            })
        });
        for (env, srcs) in plain_protocol_envs(app, r.protocol.as_ref()) {
            let host = host_in(app, r.host.as_ref(), env.as_deref());
            if host.as_deref().is_some_and(is_local_host) {
                continue;
            }
            let base = r
                .base_path
                .as_ref()
                .and_then(|b| app.resolve(b, env.as_deref()).value)
                .unwrap_or_default();
            if host
                .as_deref()
                .is_some_and(|h| is_salesforce_host(h) || names_a_token_endpoint(h))
                || names_a_token_endpoint(&base)
            {
                sensitive_host = true;
            }
            envs.push(env);
            origins.extend(srcs);
        }
        if envs.is_empty() {
            continue;
        }
        let named: Vec<String> = envs.iter().flatten().cloned().collect();
        // Headers and query parameters carrying credentials: the config's
        // defaults, and those of the requests through it (a request with
        // its own `url` is judged by that URL).
        let sent: Vec<&HttpCredential> = r
            .default_credentials
            .iter()
            .chain(
                through(&r.config_name)
                    .iter()
                    .flat_map(|op| &op.credentials),
            )
            .collect();
        let credentials = r.authentication.is_some() || !sent.is_empty();
        let severity = if credentials || sensitive_host {
            Severity::High
        } else {
            Severity::Medium
        };
        // The host as each plain-HTTP environment resolves it (`${erp.host}`
        // means erp-dev.acme.com in dev); as written when it resolves in none.
        let mut hosts: Vec<(String, Vec<String>)> = Vec::new();
        for env in &envs {
            let Some(h) = host_in(app, r.host.as_ref(), env.as_deref()) else {
                continue;
            };
            match hosts.iter_mut().find(|(x, _)| *x == h) {
                Some((_, named)) => named.extend(env.clone()),
                None => hosts.push((h, env.iter().cloned().collect())),
            }
        }
        let target = match (hosts.as_slice(), r.host.as_ref()) {
            ([(h, _)], _) => format!(" to {h}"),
            ([], Some(h)) => format!(" to {}", h.raw),
            ([], None) => String::new(),
            (many, _) => format!(
                " to {}",
                many.iter()
                    .map(|(h, named)| if named.is_empty() {
                        h.clone()
                    } else {
                        format!("{h} ({})", named.join(", "))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let what = if let Some(auth) = &r.authentication {
            let also = if sent.is_empty() {
                String::new()
            } else {
                format!(" and {}", describe_credentials(&sent))
            };
            format!(", sending credentials (<{}>){also} in clear", auth.element)
        } else if !sent.is_empty() {
            format!(", sending {} in clear", describe_credentials(&sent))
        } else if sensitive_host {
            ", which serves Salesforce logins or tokens".to_string()
        } else {
            String::new()
        };
        let message = format!(
            "{} HTTP request config `{}` uses plain HTTP{target} {}{what}",
            app.name,
            r.config_name,
            env_phrase(&named)
        );
        let mut finding = Finding::new(&META, r.location.clone(), message)
            .severity(severity)
            .environments(named)
            .key(format!("request|{}", r.config_name))
            .fix(format!(
                "Set protocol=\"HTTPS\" and port=\"443\" on {} of `{}` (keeping certificate validation on: no insecure trust store), and make the server side serve TLS.",
                if app.runtime == MuleRuntime::Mule3 {
                    "<http:request-config>"
                } else {
                    "the <http:request-connection>"
                },
                r.config_name
            ));
        if let Some(auth) = &r.authentication {
            finding = finding.related(Related::new(
                &auth.location,
                "credentials sent over this connection",
            ));
        }
        for c in &sent {
            finding = finding.related(credential_related(c));
        }
        for o in origins {
            finding = finding.related(Related::new(&o, "protocol defined here"));
        }
        out.push(finding);
    }

    // 5. Salesforce / OAuth URLs in property files that nothing above used.
    for pf in &app.property_files {
        for e in &pf.entries {
            if reported_entries.contains(&e.location) {
                continue;
            }
            let v = intguard_model::trim::trim(e.value());
            if !classify(v).unwrap_or(false) {
                continue;
            }
            let Some(parts) = parse_url(v) else { continue };
            if !(is_salesforce_host(&parts.host) || names_a_token_endpoint(&parts.path)) {
                continue;
            }
            let envs: Vec<String> = pf.environment.iter().cloned().collect();
            let message = format!(
                "{} property `{}` in {} is a plain-HTTP Salesforce/OAuth URL ({}) {}",
                app.name,
                e.key(),
                short_location(&e.location),
                display_url(v),
                env_phrase(&envs)
            );
            out.push(
                Finding::new(&META, e.location.clone(), message)
                    .severity(Severity::High)
                    .environments(envs)
                    .key(format!("property|{}", e.key()))
                    .fix(format!(
                        "Change `{}` to an https:// URL (https://<mydomain>.my.salesforce.com/...).",
                        e.key()
                    )),
            );
        }
    }
}

/// Mule 3's `<http:inbound-endpoint>` and `<http:outbound-endpoint>` (the
/// deprecated HTTP transport): an outbound one whose `address` (or
/// `host`/`port`/`path`) is `http://` to a host that is not loopback, an
/// inbound one not bound to loopback.
///
/// Checked against mulesoft/mule (3.x):
/// - transports/http/src/main/resources/META-INF/mule-http.xsd: the flow
///   endpoints and the global `<http:endpoint name>` take `address`, or
///   `host`/`port`/`path`; HttpNamespaceHandler and HttpsNamespaceHandler
///   register them with the scheme of their namespace (`http`, `https`).
/// - AddressedEndpointDefinitionParser: an endpoint needs exactly one of
///   `address`, `ref` or `host`+`port`, and a `ref` blocks its own address
///   attributes: the address (and scheme) is the global endpoint's, so a
///   `ref` is followed to the global endpoint of that name, in any file of
///   the app (`<http:endpoint>` plain, `<https:endpoint>` TLS, a core
///   `<endpoint address>` by its scheme). An endpoint with none of them
///   does not start; one whose `ref` names no global endpoint of the app is
///   not judged.
/// - AbstractConnector registers its own protocol only (`https` for
///   HttpsConnector) and AbstractEndpointBuilder rejects a connector that
///   does not support the endpoint's scheme: an HTTP endpoint whose
///   `connector-ref` names an `<https:connector>` never starts, so it opens
///   no plain connection and is not reported.
fn transport_endpoints(
    app: &MuleApp,
    out: &mut Vec<Finding>,
    reported_attrs: &mut HashSet<Location>,
    reported_entries: &mut HashSet<Location>,
) {
    use intguard_model::{EndpointTransport, HttpTransportEndpoint};
    let global = |name: &str| {
        app.http_transport_endpoints
            .iter()
            .find(|g| g.global_name.as_deref() == Some(name))
    };
    let https_connector = |name: Option<&str>| {
        name.is_some_and(|n| {
            app.transport_connectors
                .iter()
                .any(|c| c.https && c.name == n)
        })
    };
    for e in app
        .http_transport_endpoints
        .iter()
        .filter(|e| e.global_name.is_none())
    {
        // Where the address comes from: the endpoint itself, or the global
        // endpoint its `ref` names.
        let (source, via): (
            &HttpTransportEndpoint,
            Option<(&str, &HttpTransportEndpoint)>,
        ) = match e.endpoint_ref.as_deref() {
            Some(name) => match global(name) {
                Some(g) => (g, Some((name, g))),
                None => continue,
            },
            // Core endpoints with an address are URL attributes (below);
            // the HTTPS transport's are not kept.
            None if e.transport == EndpointTransport::Http => (e, None),
            None => continue,
        };
        if let Some(address) = &source.address {
            reported_attrs.insert(address.location.clone());
        }
        if source.transport == EndpointTransport::Https {
            continue;
        }
        // The connector it names, or else its global endpoint's.
        let connector = e
            .connector_ref
            .as_deref()
            .or(source.connector_ref.as_deref());
        if https_connector(connector) {
            continue;
        }
        // The URL it serves or calls, as a template of its attributes.
        let url = match (&source.address, &source.host) {
            (Some(address), _) => address.clone(),
            (None, Some(host)) if source.transport == EndpointTransport::Http => {
                let port = source
                    .port
                    .as_ref()
                    .map(|p| format!(":{}", p.raw.trim()))
                    .unwrap_or_default();
                let path = source
                    .path
                    .as_ref()
                    .map(|p| format!("/{}", p.raw.trim().trim_start_matches('/')))
                    .unwrap_or_default();
                Value::new(
                    format!("http://{}{port}{path}", host.raw.trim()),
                    host.location.clone(),
                )
            }
            _ => continue,
        };
        let hits = http_hits(app, &url);
        if hits.is_empty() {
            continue;
        }
        let envs = envs_of(&hits);
        // An HTTPS flow endpoint naming a plain global endpoint: the `ref`
        // wins over its element's namespace.
        let https_flow = e.transport == EndpointTransport::Https;
        // `<http:inbound-endpoint ref="x">`, and where its address is.
        let (written, from) = match via {
            Some((name, g)) => (
                format!("{} ref=\"{name}\"", e.element),
                format!(
                    " (the address of global <{} name=\"{name}\"> ({}){})",
                    g.element,
                    short_location(&g.location),
                    if https_flow {
                        format!(
                            "; an <{}> with `ref` takes the address and scheme of the global endpoint it names, not the https of its own element",
                            e.element
                        )
                    } else {
                        String::new()
                    }
                ),
            ),
            None => (e.element.clone(), String::new()),
        };
        // The global endpoint to change first, with the element using it.
        let global_fix = |https_element: &str| {
            match via {
            Some((name, g)) if https_flow => format!(
                "Declare <https:connector name=\"HttpsConnector\"> (namespace xmlns:https=\"http://www.mulesoft.org/schema/mule/https\") and replace the global <{} name=\"{name}\"> with <https:endpoint name=\"{name}\" connector-ref=\"HttpsConnector\" .../> on the same host, port and path (an https:// address): <{} ref=\"{name}\"> then uses it. ",
                g.element, e.element
            ),
            Some((name, g)) => format!(
                "Declare <https:connector name=\"HttpsConnector\"> (namespace xmlns:https=\"http://www.mulesoft.org/schema/mule/https\"), replace the global <{} name=\"{name}\"> with <https:endpoint name=\"{name}\" connector-ref=\"HttpsConnector\" .../> on the same host, port and path (an https:// address), and <{} ref=\"{name}\"> with <{https_element} ref=\"{name}\">. ",
                g.element, e.element
            ),
            None => String::new(),
        }
        };
        let (message, severity, fix) = if e.inbound {
            (
                format!(
                    "{} <{written}> accepts plain HTTP at {} {}{from}: callers' credentials, tokens and data arrive unencrypted",
                    app.name,
                    urls_of(&hits),
                    env_phrase(&envs)
                ),
                Severity::Medium,
                format!(
                    "{}Serve HTTPS: declare <https:connector name=\"HttpsConnector\"><https:tls-key-store path=\"${{tls.keystore.path}}\" keyAlias=\"${{tls.keystore.alias}}\" storePassword=\"${{tls.keystore.password}}\" keyPassword=\"${{tls.key.password}}\"/></https:connector> (namespace xmlns:https=\"http://www.mulesoft.org/schema/mule/https\") and replace <{}> with <https:inbound-endpoint connector-ref=\"HttpsConnector\" .../> on the same host, port and path; or, on Mule 3.6 and later, move to <http:listener-config protocol=\"HTTPS\" ...> with a <tls:context> and <http:listener>. Keep the key store passwords in the secure properties file (or terminate TLS on a dedicated load balancer and bind the endpoint to localhost).",
                    global_fix("https:inbound-endpoint"),
                    e.element
                ),
            )
        } else {
            let sensitive = hits.iter().any(|h| h.sensitive);
            let why = if sensitive {
                " (Salesforce, OAuth/token or credential-bearing URL)"
            } else {
                ""
            };
            (
                format!(
                    "{} <{written}> sends its requests to {} over plain HTTP{why} {}{from}",
                    app.name,
                    urls_of(&hits),
                    env_phrase(&envs)
                ),
                if sensitive {
                    Severity::High
                } else {
                    Severity::Medium
                },
                format!(
                    "{}Call the server over HTTPS: replace <{}> with <https:outbound-endpoint address=\"https://...\" .../> (namespace xmlns:https=\"http://www.mulesoft.org/schema/mule/https\"; an <https:connector> with <https:tls-server> sets a trust store other than the JVM's), or, on Mule 3.6 and later, move to <http:request-config protocol=\"HTTPS\" ...> with <http:request>; write the https:// URL in the XML or in the property file of each environment listed, and keep certificate validation on.",
                    global_fix("https:outbound-endpoint"),
                    e.element
                ),
            )
        };
        let mut finding = Finding::new(&META, e.location.clone(), message)
            .severity(severity)
            .environments(envs)
            .key(format!(
                "transport|{}|{}{}",
                e.element,
                if e.inbound { "inbound" } else { "outbound" },
                via.map(|(name, _)| format!("|ref={name}"))
                    .unwrap_or_default()
            ))
            .fix(fix);
        if let Some((name, g)) = via {
            finding = finding.related(Related::new(
                &g.location,
                format!(
                    "global <{} name=\"{name}\">: the plain-HTTP address <{}> uses",
                    g.element, e.element
                ),
            ));
        }
        for h in &hits {
            for o in &h.origins {
                reported_entries.insert(o.clone());
                finding = finding.related(origin_related(o, h));
            }
        }
        out.push(finding);
    }
}

const KEY_STORE: &str = "<tls:context><tls:key-store type=\"pkcs12\" path=\"${tls.keystore.path}\" alias=\"${tls.keystore.alias}\" password=\"${secure::tls.keystore.password}\" keyPassword=\"${secure::tls.key.password}\"/></tls:context>";

fn listener_fix(runtime: MuleRuntime, config: &str) -> String {
    let how = match runtime {
        MuleRuntime::Mule4 => format!(
            "Serve HTTPS from `{config}`: <http:listener-connection protocol=\"HTTPS\" host=\"0.0.0.0\" port=\"${{https.port}}\">{KEY_STORE}</http:listener-connection>"
        ),
        MuleRuntime::Mule3 => format!(
            "Serve HTTPS from `{config}`: <http:listener-config name=\"{config}\" protocol=\"HTTPS\" host=\"0.0.0.0\" port=\"${{https.port}}\">{KEY_STORE}</http:listener-config>"
        ),
    };
    format!(
        "{how} (or terminate TLS on a dedicated load balancer and bind the listener to localhost)."
    )
}

fn credential_related(c: &HttpCredential) -> Related {
    Related::new(
        &c.value.location,
        format!("{} `{}` sent in clear here", c.kind.label(), c.name),
    )
}

fn origin_related(o: &Location, h: &HttpHit) -> Related {
    let env = h.environment.as_deref().unwrap_or("every environment");
    Related::new(o, format!("value for {env}: {}", h.url))
}

/// A listener's port as written, with what it resolves to in the
/// environments reported (`${http.port} (8081)`, `${http.port} (8081 in
/// dev, 80 in prod)`); as written when it is a literal or resolves nowhere.
fn resolved_port(app: &MuleApp, port: &intguard_model::Value, envs: &[Option<String>]) -> String {
    if port.is_literal() {
        return port.raw.clone();
    }
    let values: Vec<(Option<&str>, String)> = envs
        .iter()
        .filter_map(|env| {
            let v = app.resolve(port, env.as_deref()).value?;
            Some((env.as_deref(), v.trim().to_string()))
        })
        .filter(|(_, v)| !v.is_empty() && !v.contains("${"))
        .collect();
    let Some((_, first)) = values.first() else {
        return port.raw.clone();
    };
    if values.iter().all(|(_, v)| v == first) {
        return format!("{} ({first})", port.raw);
    }
    let each: Vec<String> = values
        .iter()
        .map(|(env, v)| match env {
            Some(e) => format!("{v} in {e}"),
            None => v.clone(),
        })
        .collect();
    format!("{} ({})", port.raw, each.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::testkit::*;

    /// A listener's port read from a property is shown with its values.
    #[test]
    fn ports_are_shown_resolved() {
        let xml = "orders/src/main/mule/global.xml";
        let mut a = app("orders", &["dev", "prod"]);
        for (env, port) in [("dev", "8081"), ("prod", "80")] {
            a.property_files.push(props(
                &format!("orders/src/main/resources/{env}.yaml"),
                Some(env),
                false,
                &[("http.port", port)],
            ));
        }
        let envs =
            |e: &[&str]| -> Vec<Option<String>> { e.iter().map(|e| Some(e.to_string())).collect() };
        let port = val("${http.port}", xml, 3);
        assert_eq!(
            resolved_port(&a, &port, &envs(&["dev", "prod"])),
            "${http.port} (8081 in dev, 80 in prod)"
        );
        assert_eq!(
            resolved_port(&a, &port, &envs(&["dev"])),
            "${http.port} (8081)"
        );
        assert_eq!(
            resolved_port(&a, &val("${other}", xml, 3), &envs(&["dev"])),
            "${other}"
        );
        assert_eq!(
            resolved_port(&a, &val("8082", xml, 3), &envs(&["dev"])),
            "8082"
        );
    }
    use intguard_model::{AuthClass, HttpAuthentication, HttpListener, HttpRequester};

    const G: &str = "orders/src/main/mule/global.xml";

    fn listener(name: &str, line: u32, protocol: Option<&str>, host: &str) -> HttpListener {
        HttpListener {
            config_name: name.into(),
            location: loc(G, line),
            protocol: protocol.map(|p| val(p, G, line)),
            host: Some(val(host, G, line)),
            port: Some(val("${http.port}", G, line)),
            tls_context_ref: None,
            tls_context: None,
        }
    }

    fn requester(
        name: &str,
        line: u32,
        protocol: Option<&str>,
        host: &str,
        auth: bool,
    ) -> HttpRequester {
        HttpRequester {
            config_name: name.into(),
            location: loc(G, line),
            protocol: protocol.map(|p| val(p, G, line)),
            host: Some(val(host, G, line)),
            port: Some(val("80", G, line)),
            base_path: None,
            tls_context_ref: None,
            tls_context: None,
            authentication: auth.then(|| HttpAuthentication {
                element: "http:basic-authentication".into(),
                location: loc(G, line + 2),
                attributes: Vec::new(),
            }),
            default_credentials: Vec::new(),
            default_query_params: Vec::new(),
            send_body_mode: None,
        }
    }

    fn run(app: MuleApp) -> Vec<Finding> {
        let inv = Inventory {
            apps: vec![app],
            ..Default::default()
        };
        let mut f = PlainHttp.check(&inv);
        f.sort_by(|a, b| a.location.cmp(&b.location));
        f
    }

    #[test]
    fn salesforce_endpoint_resolved_per_environment() {
        let mut a = app("orders", &["dev", "prod"]);
        let c = conn(
            "Salesforce_Config",
            "salesforce:basic-connection",
            AuthClass::Password,
            G,
            10,
            &[("username", "${sfdc.username}"), ("url", "${sfdc.url}")],
        );
        a.url_attributes.push(c.attributes[1].clone());
        a.salesforce_connections.push(c);
        a.property_files.push(props(
            "orders/dev.yaml",
            Some("dev"),
            false,
            &[
                (
                    "sfdc.url",
                    "http://test.salesforce.com/services/Soap/u/58.0",
                ),
                ("sfdc.username", "int@acme.com.dev"),
            ],
        ));
        a.property_files.push(props(
            "orders/prod.yaml",
            Some("prod"),
            false,
            &[(
                "sfdc.url",
                "https://login.salesforce.com/services/Soap/u/58.0",
            )],
        ));
        let f = run(a);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].severity, Severity::High);
        assert_eq!(f[0].environments, vec!["dev".to_string()]);
        assert!(f[0].message.contains("in dev"), "{}", f[0].message);
        assert!(f[0]
            .related
            .iter()
            .any(|r| r.path == "orders/dev.yaml" && r.line == 1));
    }

    #[test]
    fn url_attributes_classified_and_namespaces_skipped() {
        let mut a = app("orders", &[]);
        a.url_attributes = intguard_model::thin_vec![
            attr(
                "http:request",
                None,
                "url",
                "http://auth.acme.com/oauth2/token",
                G,
                20,
            ),
            attr(
                "http:request",
                None,
                "url",
                "http://erp.acme.internal/stock",
                G,
                21,
            ),
            attr(
                "http:request",
                None,
                "url",
                "http://localhost:8081/health",
                G,
                22,
            ),
            attr(
                "mule",
                None,
                "xmlns:http",
                "http://www.mulesoft.org/schema/mule/http",
                G,
                2,
            ),
            attr(
                "mule",
                None,
                "xsi:schemaLocation",
                "http://www.mulesoft.org/schema/mule/core http://x",
                G,
                3,
            ),
            attr(
                "wsc:connection",
                None,
                "address",
                "https://erp.acme.com/ws",
                G,
                23,
            ),
            attr(
                "http:request",
                None,
                "url",
                "http://${erp.host}/x?apikey=abc",
                G,
                24,
            ),
        ];
        let f = run(a);
        let got: Vec<(u32, Severity)> = f.iter().map(|f| (f.location.line, f.severity)).collect();
        assert_eq!(
            got,
            vec![
                (20, Severity::High),
                (21, Severity::Medium),
                (24, Severity::Medium)
            ]
        );
        assert!(!f[2].message.contains("apikey=abc"), "{}", f[2].message);
        let mut keys: Vec<&str> = f.iter().map(|f| f.fingerprint_key.as_str()).collect();
        keys.dedup();
        assert_eq!(
            keys.len(),
            3,
            "same element and attribute twice keeps distinct keys"
        );
    }

    #[test]
    fn listeners_and_requesters() {
        let mut a = app("orders", &[]);
        a.http_listeners = intguard_model::thin_vec![
            listener("HTTP_Listener_config", 30, None, "0.0.0.0"),
            listener("HTTPS_Listener_config", 32, Some("HTTPS"), "0.0.0.0"),
            listener("Local_Listener", 34, Some("HTTP"), "localhost"),
        ];
        a.http_requests = intguard_model::thin_vec![
            requester(
                "Token_Request_Config",
                40,
                Some("HTTP"),
                "auth-legacy.acme.internal",
                true,
            ),
            requester(
                "Stock_Request_Config",
                45,
                None,
                "stock.acme.internal",
                false,
            ),
            requester(
                "Sfdc_Request_Config",
                50,
                Some("HTTP"),
                "acme.my.salesforce.com",
                false,
            ),
            requester(
                "Secure_Request_Config",
                55,
                Some("https"),
                "erp.acme.com",
                true,
            ),
        ];
        let f = run(a);
        let got: Vec<(u32, Severity)> = f.iter().map(|f| (f.location.line, f.severity)).collect();
        assert_eq!(
            got,
            vec![
                (30, Severity::Medium),
                (40, Severity::High),
                (45, Severity::Medium),
                (50, Severity::High)
            ]
        );
        assert!(f[1].message.contains("credentials"), "{}", f[1].message);
        assert!(f[1].related.iter().any(|r| r.line == 42));
    }

    #[test]
    fn unreferenced_salesforce_property_is_reported_once() {
        let mut a = app("orders", &["prod"]);
        a.property_files.push(props(
            "orders/prod.yaml",
            Some("prod"),
            false,
            &[
                ("sfdc.instance", "http://acme.my.salesforce.com"),
                ("shop.url", "http://shop.acme.com"),
                ("sfdc.login", "https://login.salesforce.com"),
            ],
        ));
        let f = run(a);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].location.line, 1);
        assert_eq!(f[0].environments, vec!["prod".to_string()]);
    }
}
