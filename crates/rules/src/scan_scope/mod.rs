//! What the [`Scope::Scan`] rules (and the identity graph) read of a Mule
//! app. Once an app's [`Scope::App`] rules have run, the engine keeps only
//! this of it until every app is read: most of an app's facts are property
//! entries nothing but the app's own rules reads, and holding every app's
//! made a scan's memory grow with the monorepo.
//!
//! [`Scope::Scan`]: crate::Scope::Scan
//! [`Scope::App`]: crate::Scope::App

mod strings;

use std::collections::HashSet;

use intguard_model::expr::{contains_pair, placeholders};
use intguard_model::MuleApp;

use crate::protect_access::IG206_FIX_PROPERTIES;
use crate::protect_credentials::is_key_name;

/// Drops from `app` what no [`Scope::Scan`](crate::Scope::Scan) rule reads:
/// the literal secret and URL attributes of its XML, the payload
/// credentials no request sends, the lists of its files and imports, and
/// every property entry but those that
/// - some fact kept may resolve, directly or through other entries (a
///   connection's `${sfdc.username}`, a `p('x')` in a request's payload);
/// - hold an encrypted `![...]` value (IG104 decrypts them);
/// - are named like a secure-properties key (IG103 looks for them by name);
/// - a fix may name, to say whether the app defines it (IG206's mutual TLS
///   properties).
///
/// Entries are kept or dropped by key, with every definition of the key,
/// so each kept reference resolves in every environment as before.
pub fn keep_what_scan_rules_read(app: &mut MuleApp) {
    app.secret_attributes = Vec::new();
    app.url_attributes = Vec::new();
    app.unsent_payload_credentials = Vec::new();
    app.xml_files = Vec::new();
    app.spring_bean_files = Vec::new();
    app.property_imports = Vec::new();
    let wanted = referenced_names(app);
    for file in &mut app.property_files {
        file.entries.retain(|e| {
            wanted.contains(e.key()) || e.encrypted_payload().is_some() || is_key_name(e.key())
        });
        file.entries.shrink_to_fit();
        // Indexes into the entries, read only for the output's redactor,
        // whose secrets are collected before.
        file.split_values = Vec::new();
    }
}

/// Every property name some fact of `app` other than its property files
/// refers to, and the names those definitions refer to in turn.
fn referenced_names(app: &mut MuleApp) -> HashSet<String> {
    let mut wanted: HashSet<String> = IG206_FIX_PROPERTIES.iter().map(|s| s.to_string()).collect();
    let files = std::mem::take(&mut app.property_files);
    // Every string of every fact, whatever field holds it: a field added
    // later is covered without a change here.
    let mut pending: Vec<String> = Vec::new();
    strings::visit_strings(&*app, &mut |s| names_in(s, &mut pending));
    app.property_files = files;
    while !pending.is_empty() {
        let new: HashSet<String> = pending.drain(..).filter(|n| !wanted.contains(n)).collect();
        if new.is_empty() {
            break;
        }
        for file in &app.property_files {
            for e in file.entries.iter().filter(|e| new.contains(e.key())) {
                names_in(e.value(), &mut pending);
            }
        }
        wanted.extend(new);
    }
    wanted
}

/// The property names `text` may read: its `${...}` and `#[p('...')]`
/// references, and `p('...')` calls outside `#[...]`, which IG101 reads in a
/// payload script as one expression (it wraps such text the same way).
fn names_in(text: &str, out: &mut Vec<String>) {
    let script = contains_pair(text, b"p(");
    if !script && !contains_pair(text, b"${") {
        return;
    }
    let wrapped;
    let text = if script && !contains_pair(text, b"#[") {
        wrapped = format!("#[{text}]");
        &wrapped
    } else {
        text
    };
    out.extend(placeholders(text).into_iter().map(|p| p.name));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::testkit::{app, attr, conn, props, val};
    use intguard_model::{AuthClass, GlobalProperty};

    const XML: &str = "orders/src/main/mule/global.xml";

    fn keys(app: &MuleApp) -> Vec<Vec<&str>> {
        app.property_files
            .iter()
            .map(|f| f.entries.iter().map(|e| e.key()).collect())
            .collect()
    }

    /// An app whose connection reads `${sfdc.user}`, defined through
    /// `${sfdc.prefix}`, beside entries nothing reads.
    fn orders() -> MuleApp {
        let mut a = app("orders", &["dev", "prod"]);
        a.salesforce_connections.push(conn(
            "SF",
            "salesforce:jwt-connection",
            AuthClass::Certificate,
            XML,
            10,
            &[("principal", "${sfdc.user}")],
        ));
        a.global_properties.push(GlobalProperty {
            name: "region".into(),
            value: val("#[p('app.region')]", XML, 3),
            location: crate::support::testkit::loc(XML, 3),
        });
        a.secret_attributes.push(attr(
            "http:basic-authentication",
            None,
            "password",
            "${http.pw}",
            XML,
            20,
        ));
        for env in ["dev", "prod"] {
            a.property_files.push(props(
                &format!("orders/src/main/resources/{env}.yaml"),
                Some(env),
                false,
                &[
                    ("sfdc.user", "int.orders@acme.com.${sfdc.suffix}"),
                    ("sfdc.suffix", env),
                    ("app.batchSize", "200"),
                    ("app.region", "AMER"),
                    ("encryption.key", "MuleSoftKey12345"),
                    ("http.pw", "P4ssw0rd!"),
                    ("api.secret", "![bm90IGEgcmVhbCB2YWx1ZQ==]"),
                    ("sfdc.tokenEndpoint", "https://acme.my.salesforce.com:8443"),
                ],
            ));
        }
        a
    }

    #[test]
    fn keeps_what_kept_facts_resolve_and_what_scan_rules_look_for() {
        let mut a = orders();
        let before = a.resolve_all(&a.salesforce_connections[0].attributes[0].value);
        let before: Vec<Option<String>> = before.into_iter().map(|r| r.value).collect();
        keep_what_scan_rules_read(&mut a);
        let kept = [
            // the connection's username and the entry it reads in turn
            "sfdc.user",
            "sfdc.suffix",
            // a global property's p('...')
            "app.region",
            // IG103's key names, IG104's encrypted values
            "encryption.key",
            "api.secret",
            // a property IG206's fixes name
            "sfdc.tokenEndpoint",
        ];
        for file in keys(&a) {
            let mut want = kept.to_vec();
            want.sort();
            let mut file = file;
            file.sort();
            assert_eq!(file, want);
        }
        // Resolution is unchanged in every environment.
        let after: Vec<Option<String>> = a
            .resolve_all(&a.salesforce_connections[0].attributes[0].value)
            .into_iter()
            .map(|r| r.value)
            .collect();
        assert_eq!(before, after);
        assert_eq!(
            after,
            [
                Some("int.orders@acme.com.dev".to_string()),
                Some("int.orders@acme.com.prod".to_string())
            ]
        );
        // What only App rules read is gone, with the entries only it read.
        assert!(a.secret_attributes.is_empty());
    }

    #[test]
    fn a_payload_script_keeps_the_properties_it_calls() {
        let mut a = orders();
        let mut with_script = orders();
        with_script.global_properties[0].value =
            val("%dw 2.0 --- { user: p('app.batchSize') }", XML, 3);
        keep_what_scan_rules_read(&mut a);
        keep_what_scan_rules_read(&mut with_script);
        assert!(!keys(&a)[0].contains(&"app.batchSize"));
        assert!(keys(&with_script)[0].contains(&"app.batchSize"));
        assert!(!keys(&with_script)[0].contains(&"app.region"));
    }
}
