use intguard_model::{
    Finding, Inventory, Location, MuleApp, Practice, Related, RuleMeta, Severity,
};

use crate::support::{
    disambiguate_keys, env_phrase, tls_context_users, tls_contexts, TlsOwner, TlsUse,
};
use crate::{Rule, Scope};

pub struct TlsVerificationOff;

static META: RuleMeta = RuleMeta {
    id: "IG110",
    name: "tls-verification-off",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::High,
    summary: "TLS certificate validation is disabled, or obsolete TLS/SSL versions are enabled",
    doc: r#"## What it does
Looks at every `tls:context` of an app (global ones, and those nested in Salesforce
connections, HTTP listeners and HTTP request configs), resolving properties in every
environment, and flags:
- a `tls:trust-store` with `insecure="true"`: the peer's certificate is not validated
  (the server's for a requester or a connection, the client's for a listener);
- `enabledProtocols` that include `TLSv1`, `TLSv1.1`, `SSLv3` or `SSLv2`
  (`TLSv1.2` and `TLSv1.3` are fine).
It names the connections, listeners and requesters that use the context.

## Why is this bad?
With validation off, any machine on the network path can present its own certificate
and read or change the traffic: the integration user's password, client secret, bearer
tokens and the data all go to whoever answers. TLS 1.0/1.1 and SSLv3 have known
attacks (BEAST, POODLE), are deprecated (RFC 8996) and are refused by Salesforce;
leaving them enabled invites a downgrade.

## Example
```xml
<tls:context name="ERP_TLS_Context" enabledProtocols="TLSv1.1,TLSv1.2">
  <tls:trust-store insecure="true"/>
</tls:context>
```

## How to fix
Trust the server's CA instead of trusting everything, and allow TLS 1.2+ only:
```xml
<tls:context name="ERP_TLS_Context" enabledProtocols="TLSv1.2,TLSv1.3">
  <tls:trust-store type="pkcs12" path="${tls.truststore.path}"
      password="${secure::tls.truststore.password}"/>
</tls:context>
```
For a self-signed server certificate, put that certificate (or its private CA) in the
trust store; never ship `insecure="true"`, not even "for dev only" (property files for
dev get promoted).

## References
- MuleSoft Docs: TLS Configuration (`tls:trust-store` `insecure`, `enabledProtocols`)
- RFC 8996: Deprecating TLS 1.0 and TLS 1.1
- Salesforce Help: Salesforce disabled TLS 1.0 and 1.1 (Knowledge article 000385773)
"#,
};

const WEAK_PROTOCOLS: &[&str] = &["TLSv1", "TLSv1.1", "SSLv3", "SSLv2"];

/// The things that use a context: its nested owner, or the configs that
/// reference a global context by name. `(description, location)`.
fn users(app: &MuleApp, tls: &TlsUse<'_>) -> Vec<(String, Location)> {
    match tls.owner {
        TlsOwner::Global => match tls.context.name.as_deref() {
            Some(name) => tls_context_users(app, name)
                .into_iter()
                .map(|(o, loc)| (o.describe(), loc))
                .collect(),
            None => Vec::new(),
        },
        TlsOwner::Salesforce(c) => vec![(TlsOwner::Salesforce(c).describe(), c.location.clone())],
        TlsOwner::Listener(l) => vec![(TlsOwner::Listener(l).describe(), l.location.clone())],
        TlsOwner::Requester(r) => vec![(TlsOwner::Requester(r).describe(), r.location.clone())],
    }
}

/// The fix for an insecure trust store: the CA of the peers it must validate.
/// `turn_off`: how to turn the validation back on (remove the literal
/// attribute, or set the property it reads).
fn trust_store_fix(turn_off: &str, peers: &str) -> String {
    let (ca, self_signed) = match peers {
        "client" => (
            "the CA certificate that issues your clients' certificates",
            "for self-signed clients, import each client's certificate",
        ),
        "server" => (
            "the server's CA certificate",
            "for a self-signed server, import that certificate",
        ),
        _ => (
            "the CA certificates of the servers it calls and of the clients it accepts",
            "for self-signed peers, import their certificates",
        ),
    };
    format!("{turn_off} and give the tls:trust-store {ca}: <tls:trust-store type=\"pkcs12\" path=\"${{tls.truststore.path}}\" password=\"${{secure::tls.truststore.password}}\"/> ({self_signed} into the trust store).")
}

/// Whose certificates a context's trust store validates: the servers' a
/// requester or connection calls, the clients' a listener accepts (mutual
/// TLS), or both when a global context serves both kinds.
fn peers(app: &MuleApp, tls: &TlsUse<'_>) -> &'static str {
    let listener = |o: &TlsOwner<'_>| matches!(o, TlsOwner::Listener(_));
    let owners: Vec<bool> = match (&tls.owner, tls.context.name.as_deref()) {
        (TlsOwner::Global, Some(name)) => tls_context_users(app, name)
            .iter()
            .map(|(o, _)| listener(o))
            .collect(),
        (TlsOwner::Global, None) => Vec::new(),
        (owner, _) => vec![listener(owner)],
    };
    match (owners.iter().any(|l| *l), owners.iter().any(|l| !l)) {
        (true, false) => "client",
        (true, true) => "server and client",
        _ => "server",
    }
}

fn context_phrase(tls: &TlsUse<'_>) -> String {
    match (&tls.owner, tls.context.name.as_deref()) {
        (TlsOwner::Global, _) => tls.context.describe(),
        (owner, _) => format!("the TLS context nested in {}", owner.describe()),
    }
}

fn context_key(tls: &TlsUse<'_>) -> String {
    match (&tls.owner, tls.context.name.as_deref()) {
        (TlsOwner::Global, Some(n)) => format!("global:{n}"),
        (TlsOwner::Global, None) => "global".to_string(),
        (TlsOwner::Salesforce(c), _) => format!("sfdc:{}", c.config_name),
        (TlsOwner::Listener(l), _) => format!("listener:{}", l.config_name),
        (TlsOwner::Requester(r), _) => format!("request:{}", r.config_name),
    }
}

impl Rule for TlsVerificationOff {
    /// Reads one app's TLS contexts and their users.
    fn scope(&self) -> Scope {
        Scope::App
    }

    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for app in &inventory.apps {
            for tls in tls_contexts(app) {
                let used_by = users(app, &tls);
                let used_phrase = if used_by.is_empty() || !matches!(tls.owner, TlsOwner::Global) {
                    String::new()
                } else {
                    format!(
                        ", used by {}",
                        used_by
                            .iter()
                            .map(|(d, _)| d.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let ctx = context_phrase(&tls);

                // insecure trust store
                if let Some(ts) = &tls.context.trust_store {
                    if let Some(insecure) = ts.attr("insecure") {
                        let mut hit = false;
                        let mut envs = Vec::new();
                        let mut origins = Vec::new();
                        for r in app.resolve_all(insecure) {
                            if r.value
                                .as_deref()
                                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
                            {
                                hit = true;
                                envs.extend(r.environment.map(str::to_string));
                                origins.extend(r.sources.iter().map(|s| s.location().clone()));
                            }
                        }
                        if hit {
                            // Where it is set: the property and its files,
                            // when the attribute reads one.
                            let names: Vec<String> = insecure
                                .placeholders()
                                .into_iter()
                                .map(|p| p.name)
                                .collect();
                            let mut files: Vec<String> = origins
                                .iter()
                                .filter(|o| o.path != insecure.location.path)
                                .map(|o| crate::support::file_name(&o.path).to_string())
                                .collect();
                            files.sort();
                            files.dedup();
                            let turn_off = match names.first() {
                                Some(name) if !insecure.is_literal() && !files.is_empty() => format!(
                                    "Set `{name}` to \"false\" in {} (or remove insecure=\"{}\" from the tls:trust-store)",
                                    files.join(", "),
                                    insecure.raw
                                ),
                                _ => "Remove insecure=\"true\"".to_string(),
                            };
                            let message = format!(
                                "{}: {ctx} has a trust store with insecure=\"true\" {}: {} certificates are not validated{used_phrase}",
                                app.name,
                                env_phrase(&envs),
                                peers(app, &tls)
                            );
                            let mut f = Finding::new(&META, ts.location.clone(), message)
                                .environments(envs)
                                .key(format!("insecure|{}", context_key(&tls)))
                                .fix(crate::support::with_property_note(
                                    app,
                                    crate::support::in_runtime_syntax(
                                        app,
                                        trust_store_fix(&turn_off, peers(app, &tls)),
                                    ),
                                ));
                            for (d, loc) in &used_by {
                                f = f.related(Related::new(
                                    loc,
                                    format!("{d} uses this TLS context"),
                                ));
                            }
                            for o in origins {
                                f = f.related(Related::new(&o, "insecure defined here"));
                            }
                            out.push(f);
                        }
                    }
                }

                // obsolete protocols
                if let Some(protocols) = &tls.context.enabled_protocols {
                    let mut weak: Vec<String> = Vec::new();
                    let mut envs = Vec::new();
                    let mut origins = Vec::new();
                    for r in app.resolve_all(protocols) {
                        let Some(v) = r.value.as_deref() else {
                            continue;
                        };
                        let found: Vec<&str> = v
                            .split([',', ' ', ';', '\t', '\n'])
                            .map(str::trim)
                            .filter(|t| WEAK_PROTOCOLS.contains(t))
                            .collect();
                        if found.is_empty() {
                            continue;
                        }
                        for t in found {
                            if !weak.iter().any(|w| w == t) {
                                weak.push(t.to_string());
                            }
                        }
                        if let Some(e) = r.environment {
                            envs.push(e.to_string());
                        }
                        origins.extend(r.sources.iter().map(|s| s.location().clone()));
                    }
                    if !weak.is_empty() {
                        let message = format!(
                            "{}: {ctx} enables obsolete protocol{} {} {}{used_phrase}",
                            app.name,
                            if weak.len() > 1 { "s" } else { "" },
                            weak.join(", "),
                            env_phrase(&envs)
                        );
                        let mut f = Finding::new(&META, tls.context.location.clone(), message)
                            .environments(envs)
                            .key(format!("protocols|{}", context_key(&tls)))
                            .fix("Allow TLS 1.2 and later only: enabledProtocols=\"TLSv1.2,TLSv1.3\" on the tls:context (or remove the attribute to use the runtime's secure defaults).");
                        for (d, loc) in &used_by {
                            f = f.related(Related::new(loc, format!("{d} uses this TLS context")));
                        }
                        for o in origins {
                            f = f.related(Related::new(&o, "enabledProtocols defined here"));
                        }
                        out.push(f);
                    }
                }
            }
        }
        disambiguate_keys(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::testkit::*;
    use intguard_model::{AuthClass, HttpRequester};

    const G: &str = "orders/src/main/mule/global.xml";

    #[test]
    fn insecure_trust_store_and_weak_protocols() {
        let mut a = app("orders", &["dev", "prod"]);
        let mut erp = tls(Some("ERP_TLS_Context"), G, 10);
        erp.enabled_protocols = Some(val("TLSv1.1, TLSv1.2", G, 10));
        erp.trust_store = Some(store(
            "tls:trust-store",
            G,
            11,
            &[("insecure", "${tls.insecure}")],
        ));
        let mut ok = tls(Some("Good_TLS"), G, 20);
        ok.enabled_protocols = Some(val("TLSv1.2,TLSv1.3", G, 20));
        ok.trust_store = Some(store(
            "tls:trust-store",
            G,
            21,
            &[("insecure", "false"), ("path", "ts.p12")],
        ));
        a.tls_contexts = intguard_model::thin_vec![erp, ok];
        a.property_files.push(props(
            "orders/dev.yaml",
            Some("dev"),
            false,
            &[("tls.insecure", "true")],
        ));
        a.property_files.push(props(
            "orders/prod.yaml",
            Some("prod"),
            false,
            &[("tls.insecure", "false")],
        ));
        a.http_requests.push(HttpRequester {
            config_name: "ERP_Request_Config".into(),
            location: loc(G, 30),
            protocol: Some(val("HTTPS", G, 30)),
            host: None,
            port: None,
            base_path: None,
            tls_context_ref: Some("ERP_TLS_Context".into()),
            tls_context: None,
            authentication: None,
            default_credentials: Vec::new(),
            default_query_params: Vec::new(),
            send_body_mode: None,
        });
        let inv = Inventory {
            apps: vec![a],
            ..Default::default()
        };
        let mut f = TlsVerificationOff.check(&inv);
        f.sort_by(|a, b| a.location.cmp(&b.location));
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(f[0].location.line, 10);
        assert!(
            f[0].message
                .contains("obsolete protocol TLSv1.1 in dev, prod"),
            "{}",
            f[0].message
        );
        assert!(f[0]
            .message
            .contains("HTTP request config `ERP_Request_Config`"));
        assert_eq!(f[1].location.line, 11);
        assert_eq!(f[1].environments, vec!["dev".to_string()]);
        assert!(f[1].related.iter().any(|r| r.line == 30));
        assert!(f[1].related.iter().any(|r| r.path == "orders/dev.yaml"));
        assert_eq!(f[0].fingerprint_key, "protocols|global:ERP_TLS_Context");
    }

    #[test]
    fn nested_context_in_salesforce_connection() {
        let mut a = app("orders", &[]);
        let mut c = conn(
            "SF",
            "salesforce:jwt-connection",
            AuthClass::Certificate,
            G,
            40,
            &[],
        );
        let mut ctx = tls(None, G, 41);
        ctx.enabled_protocols = Some(val("TLSv1", G, 41));
        ctx.trust_store = Some(store("tls:trust-store", G, 42, &[("insecure", "TRUE")]));
        c.tls_context = Some(Box::new(ctx.clone()));
        a.salesforce_connections.push(c);
        // A reader that also lists nested contexts globally must not double report.
        a.tls_contexts.push(ctx);
        let inv = Inventory {
            apps: vec![a],
            ..Default::default()
        };
        let f = TlsVerificationOff.check(&inv);
        assert_eq!(f.len(), 2);
        assert!(f
            .iter()
            .all(|f| f.message.contains("Salesforce connection `SF`")));
        assert!(f.iter().all(|f| f.message.contains("in every environment")));
    }

    #[test]
    fn tlsv12_alone_is_fine() {
        let mut a = app("orders", &[]);
        let mut ctx = tls(Some("T"), G, 1);
        ctx.enabled_protocols = Some(val("TLSv1.2", G, 1));
        a.tls_contexts.push(ctx);
        let inv = Inventory {
            apps: vec![a],
            ..Default::default()
        };
        assert!(TlsVerificationOff.check(&inv).is_empty());
    }
}
