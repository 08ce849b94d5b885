//! The configurations of an app that load key stores, trust stores and key
//! files by path ([`StoreRef`]): what IG105 (committed private keys) and
//! IG112 (certificate health) match with the key material and certificates
//! found anywhere in the scan. A compact app's are worked out as it is read
//! ([`intguard_model::AppScanFacts::stores`]); an app kept whole works them
//! out when the rules run, with what its domain or plugins lend it: one
//! code path either way.

use std::borrow::Cow;

use intguard_model::{
    Inventory, KeyLoader, KeyLoaderKind, MuleApp, SharedStr, StoreElement, StoreFile, StoreHolder,
    StoreRef, StoreSource, ThinVec, TlsHolder, Value,
};

use crate::support::{
    committed_in_clear_or_default, connection_identities, file_name, tls_contexts, ClearValue,
    EnvIdentity, TlsOwner,
};

/// The store references of `app`: its facts' when it is compact
/// ([`MuleApp::scan_facts`], read back from the scan's store when it moved
/// them out: none when they cannot be, and the report says so), else
/// worked out from it as it is now.
pub(crate) fn app_store_refs<'a>(
    inventory: &'a Inventory,
    app: &'a MuleApp,
) -> Cow<'a, [StoreRef]> {
    match app.scan_facts.as_deref() {
        Some(facts) => inventory
            .store_refs(&facts.stores)
            .unwrap_or(Cow::Borrowed(&[])),
        None => Cow::Owned(store_refs(app)),
    }
}

/// Who the connection holding `r` runs as, per environment (nobody for a
/// store no Salesforce connection holds).
pub(crate) fn store_identities(
    inventory: &Inventory,
    app: &MuleApp,
    r: &StoreRef,
) -> Vec<EnvIdentity> {
    r.connection
        .and_then(|i| app.resolved_salesforce_connections().nth(i as usize))
        .map(|(conn, _)| connection_identities(inventory, app, conn))
        .unwrap_or_default()
}

/// Every configuration of `app` loading a file by a path that resolves to
/// something, in the order IG105 and IG112 list them: each Salesforce
/// connection's `keyStore`, the key and trust stores of every TLS context
/// ([`tls_contexts`]), then the key files of each key loader.
pub(crate) fn store_refs(app: &MuleApp) -> Vec<StoreRef> {
    let mut envs: Vec<SharedStr> = Vec::new();
    let mut out = Vec::new();
    let connections: Vec<_> = app
        .resolved_salesforce_connections()
        .map(|(c, _)| c)
        .collect();
    for (i, conn) in connections.iter().enumerate() {
        let Some(ks) = conn.attr("keyStore") else {
            continue;
        };
        let files = resolved_files(app, ks, &mut envs);
        if files.is_empty() {
            continue;
        }
        out.push(StoreRef {
            at: ks.location.clone(),
            holder: StoreHolder::ConnectionKeyStore,
            holds_key: true,
            source: StoreSource::ConnectionKeyStore,
            files,
            clear_passwords: clear_passwords(
                app,
                ["storePassword", "keyPassword", "password"]
                    .into_iter()
                    .filter_map(|n| Some((n.to_string(), conn.attr(n)?))),
            ),
            connection: Some(i as u32),
        });
    }
    for tls in tls_contexts(app) {
        let connection = match tls.owner {
            TlsOwner::Salesforce(c) => connections
                .iter()
                .position(|o| std::ptr::eq(*o, c))
                .map(|i| i as u32),
            _ => None,
        };
        let owner = match tls.owner {
            TlsOwner::Global => TlsHolder::Global(tls.context.name.as_deref().map(Into::into)),
            TlsOwner::Salesforce(_) => TlsHolder::Salesforce,
            TlsOwner::Listener(l) => TlsHolder::Listener(l.config_name.as_str().into()),
            TlsOwner::Requester(r) => TlsHolder::Requester(r.config_name.as_str().into()),
        };
        for (store, holds_key) in [
            (&tls.context.key_store, true),
            (&tls.context.trust_store, false),
        ] {
            let Some(store) = store else { continue };
            let Some(path) = store.attr("path") else {
                continue;
            };
            let files = resolved_files(app, path, &mut envs);
            if files.is_empty() {
                continue;
            }
            out.push(StoreRef {
                at: store.location.clone(),
                holder: StoreHolder::Tls {
                    element: StoreElement::new(&store.element),
                    owner: owner.clone(),
                },
                holds_key,
                source: StoreSource::Tls {
                    https_connector: tls.context.is_https_connector(),
                },
                files,
                clear_passwords: clear_passwords(
                    app,
                    // `storePassword`: Mule 3's HTTPS connector stores.
                    ["password", "storePassword", "keyPassword"]
                        .into_iter()
                        .filter_map(|n| Some((n.to_string(), store.attr(n)?))),
                ),
                connection,
            });
        }
    }
    for cfg in &app.key_loaders {
        loader_refs(app, cfg, &mut envs, &mut out);
    }
    out
}

/// The key files a [`KeyLoader`] loads ([`KeyLoader::key_file_attributes`]),
/// opened by its [`KeyLoader::key_passwords`].
fn loader_refs(app: &MuleApp, cfg: &KeyLoader, envs: &mut Vec<SharedStr>, out: &mut Vec<StoreRef>) {
    for &(attr, holds_key) in cfg.key_file_attributes() {
        let Some(path) = cfg.attr(attr) else {
            continue;
        };
        let files = resolved_files(app, path, envs);
        if files.is_empty() {
            continue;
        }
        out.push(StoreRef {
            at: path.location.clone(),
            holder: StoreHolder::Loader {
                attr,
                loader: cfg.describe().into(),
            },
            holds_key,
            source: StoreSource::Loader(cfg.kind),
            files,
            clear_passwords: if holds_key {
                clear_passwords(app, cfg.key_passwords())
            } else {
                ThinVec::new()
            },
            connection: None,
        });
    }
}

/// The file names `path` resolves to in `app`'s environments (values that
/// are blank, or name no file, left out), each with where it does. `envs`
/// holds the app's environment names, shared by its references.
fn resolved_files(app: &MuleApp, path: &Value, envs: &mut Vec<SharedStr>) -> Box<[StoreFile]> {
    // Each name with its environments, made final (boxed) at the end.
    let mut out: Vec<(Box<str>, Vec<Option<SharedStr>>)> = Vec::new();
    for r in app.resolve_all(path) {
        let Some(value) = r.value.as_deref() else {
            continue;
        };
        let name = file_name(value.trim());
        if name.is_empty() {
            continue;
        }
        let env = r
            .environment
            .map(|e| match envs.iter().find(|s| &***s == e) {
                Some(s) => s.clone(),
                None => {
                    let s = SharedStr::from(e);
                    envs.push(s.clone());
                    s
                }
            });
        match out.iter_mut().find(|f| &*f.0 == name) {
            Some(f) => {
                if !f.1.contains(&env) {
                    f.1.push(env);
                }
            }
            None => out.push((name.into(), vec![env])),
        }
    }
    out.into_iter()
        .map(|(name, environments)| StoreFile {
            name,
            environments: environments.into_boxed_slice(),
        })
        .collect()
}

/// The values of the named password attributes that are committed in clear
/// (or left at a well-known default), each with its attribute's name.
fn clear_passwords<'v>(
    app: &MuleApp,
    named: impl IntoIterator<Item = (String, &'v Value)>,
) -> ThinVec<(String, ClearValue)> {
    named
        .into_iter()
        .flat_map(|(name, pw)| {
            committed_in_clear_or_default(app, pw)
                .into_iter()
                .map(move |c| (name.clone(), c))
        })
        .collect()
}

/// Loaded by a Crypto module JCE config (the one key loader whose file
/// holds X.509 certificates: IG112's).
pub(crate) fn is_jce(r: &StoreRef) -> bool {
    r.source == StoreSource::Loader(KeyLoaderKind::Jce)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::testkit::*;
    use intguard_model::{AuthClass, HttpListener, KeyLoader};

    const XML: &str = "orders/src/main/mule/global.xml";

    /// A JWT connection with a nested TLS context, a listener with one, an
    /// unnamed global context, a PGP config: paths per environment.
    fn orders() -> MuleApp {
        let mut a = app("orders", &["dev", "prod"]);
        let mut c = conn(
            "SF",
            "salesforce:jwt-connection",
            AuthClass::Certificate,
            XML,
            10,
            &[
                ("keyStore", "${sf.keystore}"),
                ("storePassword", "changeit"),
                ("principal", "${sf.user}"),
            ],
        );
        let mut nested = tls(None, XML, 11);
        nested.key_store = Some(store(
            "tls:key-store",
            XML,
            12,
            &[
                ("path", "keys/mtls.p12"),
                ("password", "${secure::mtls.pw}"),
            ],
        ));
        c.tls_context = Some(Box::new(nested));
        a.salesforce_connections.push(c);
        let mut listener_tls = tls(None, XML, 21);
        listener_tls.trust_store = Some(store(
            "tls:trust-store",
            XML,
            22,
            &[("path", "${api.truststore}")],
        ));
        a.http_listeners.push(HttpListener {
            config_name: "Api".into(),
            location: loc(XML, 20),
            protocol: None,
            host: None,
            port: None,
            tls_context_ref: None,
            tls_context: Some(listener_tls),
        });
        let mut global = tls(None, XML, 30);
        global.key_store = Some(store("tls:key-store", XML, 31, &[("path", "  ")]));
        global.trust_store = Some(store("tls:trust-store", XML, 32, &[("path", "ca.jks")]));
        a.tls_contexts.push(global);
        a.key_loaders.push(KeyLoader {
            kind: KeyLoaderKind::Pgp,
            element: "crypto:pgp-config".into(),
            name: Some("Pgp".into()),
            location: loc(XML, 40),
            attributes: vec![
                attr(
                    "crypto:pgp-config",
                    None,
                    "privateKeyring",
                    "${pgp.secring}",
                    XML,
                    40,
                ),
                attr(
                    "crypto:pgp-config",
                    None,
                    "publicKeyring",
                    "pub.gpg",
                    XML,
                    40,
                ),
            ],
            key_infos: Vec::new(),
        });
        a.property_files.push(props(
            "orders/src/main/resources/dev.yaml",
            Some("dev"),
            false,
            &[
                ("sf.keystore", "keys/sf-dev.jks"),
                ("sf.user", "int@acme.com.dev"),
                ("api.truststore", "certs/api.jks"),
                ("pgp.secring", "keys/sec.gpg"),
            ],
        ));
        a.property_files.push(props(
            "orders/src/main/resources/prod.yaml",
            Some("prod"),
            false,
            &[
                ("sf.keystore", "/opt/keys/sf.jks"),
                ("sf.user", "int@acme.com"),
                ("api.truststore", "/etc/certs/api.jks"),
            ],
        ));
        a
    }

    fn files(r: &StoreRef) -> Vec<(&str, Vec<Option<&str>>)> {
        r.files
            .iter()
            .map(|f| {
                (
                    &*f.name,
                    f.environments.iter().map(|e| e.as_deref()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn every_store_with_a_path_in_the_rules_order() {
        let a = orders();
        let refs = store_refs(&a);
        let what: Vec<String> = refs.iter().map(|r| r.what(&a)).collect();
        assert_eq!(
            what,
            [
                "keyStore of Salesforce connection `SF` (salesforce:jwt-connection)",
                "tls:key-store of Salesforce connection `SF`",
                "tls:trust-store of HTTP listener `Api`",
                // The global context's key store has a blank path: left out.
                "tls:trust-store of a TLS context",
                "privateKeyring of Crypto config `Pgp` (crypto:pgp-config)",
                "publicKeyring of Crypto config `Pgp` (crypto:pgp-config)",
            ]
        );
        // One file name per distinct name, with where it is loaded.
        assert_eq!(
            files(&refs[0]),
            [
                ("sf-dev.jks", vec![Some("dev")]),
                ("sf.jks", vec![Some("prod")])
            ]
        );
        assert_eq!(
            files(&refs[2]),
            [("api.jks", vec![Some("dev"), Some("prod")])]
        );
        // A literal path, resolved in each environment.
        assert_eq!(
            files(&refs[1]),
            [("mtls.p12", vec![Some("dev"), Some("prod")])]
        );
        // The prod file defines no secring: dev only.
        assert_eq!(files(&refs[4]), [("sec.gpg", vec![Some("dev")])]);
        // Kinds, holders, key or trust.
        assert_eq!(refs[0].source, StoreSource::ConnectionKeyStore);
        assert_eq!(
            refs[1].source,
            StoreSource::Tls {
                https_connector: false
            }
        );
        assert_eq!(refs[4].source, StoreSource::Loader(KeyLoaderKind::Pgp));
        let key: Vec<bool> = refs.iter().map(|r| r.holds_key).collect();
        assert_eq!(key, [true, true, false, false, true, false]);
        // The connection's own and its nested store run as its user; the
        // others as nobody.
        let owner: Vec<Option<u32>> = refs.iter().map(|r| r.connection).collect();
        assert_eq!(owner, [Some(0), Some(0), None, None, None, None]);
        let users: Vec<String> = store_identities(&Inventory::default(), &a, &refs[1])
            .into_iter()
            .map(|i| i.username)
            .collect();
        assert_eq!(users, ["int@acme.com.dev", "int@acme.com"]);
        // IG105 calls an unnamed global context `TLS context`.
        assert_eq!(
            refs[3].what_unnamed().as_deref(),
            Some("tls:trust-store of TLS context")
        );
        assert!(refs[..3].iter().all(|r| r.what_unnamed().is_none()));
        // `changeit` is a default as good as none; the nested store's
        // password is encrypted.
        let clear: Vec<(&str, bool)> = refs[0]
            .clear_passwords
            .iter()
            .map(|(a, c)| (a.as_str(), c.inline))
            .collect();
        assert_eq!(clear, [("storePassword", true)]);
        assert!(refs[1].clear_passwords.is_empty());
        assert!(refs[0].names_file("sf.jks") && !refs[0].names_file("mtls.p12"));
        assert_eq!(refs[2].environments_of("api.jks").len(), 2);
    }

    #[test]
    fn a_compact_apps_are_its_facts() {
        let mut a = orders();
        let inventory = Inventory::default();
        assert!(matches!(app_store_refs(&inventory, &a), Cow::Owned(_)));
        a.scan_facts = crate::scan_scope::app_scan_facts(&a);
        let kept = app_store_refs(&inventory, &a);
        assert!(matches!(kept, Cow::Borrowed(_)));
        assert_eq!(&*kept, store_refs(&a).as_slice());
        // Once the app keeps no store, the facts still say it all.
        let facts = store_refs(&a);
        crate::scan_scope::keep_what_scan_rules_read(&mut a);
        assert!(store_refs(&a).is_empty());
        assert_eq!(&*app_store_refs(&inventory, &a), facts.as_slice());
        let users: Vec<String> = store_identities(&inventory, &a, &facts[0])
            .into_iter()
            .map(|i| i.username)
            .collect();
        assert_eq!(users, ["int@acme.com.dev", "int@acme.com"]);
    }

    /// IG105 and IG112 report the same of a compact app once it keeps none
    /// of its stores (only its facts), for key files inside it and outside
    /// every app: the pruning drops what they read no more.
    #[test]
    fn the_rules_report_the_same_from_the_facts() {
        use crate::Rule;
        use intguard_model::{
            CertificateFacts, CertificateSource, Inventory, KeyMaterial, KeyMaterialKind, Location,
        };
        let material = |path: &str| KeyMaterial {
            kind: KeyMaterialKind::Jks,
            location: Location::file(path),
            encrypted: None,
            keystore_protection: None,
            size: 1700,
            digest: None,
        };
        let cert = |path: &str| CertificateFacts {
            source: CertificateSource::Jks,
            location: Location::file(path),
            alias: None,
            index: 0,
            subject: "CN=orders".into(),
            issuer: "CN=orders".into(),
            key_type: "RSA".into(),
            key_bits: Some(1024),
            not_before: 0,
            not_after: 86_400,
            self_signed: true,
            is_ca: false,
            sha256_fingerprint: format!("AA:{path}"),
            with_private_key: false,
        };
        let inventory = |app: MuleApp| Inventory {
            apps: vec![app],
            // Outside every app: matched by name with every app's stores.
            key_material: vec![
                material("shared/sf.jks"),
                material("orders/src/main/resources/certs/api.jks"),
                material("keys/sec.gpg"),
                material("ca.jks"),
            ],
            certificates: vec![cert("shared/sf.jks"), cert("ca.jks")],
            now_unix: 1_800_000_000,
            ..Inventory::default()
        };
        let shown = |inv: &Inventory| -> Vec<String> {
            let rules: [&dyn Rule; 2] = [
                &super::super::ig105_committed_private_key::CommittedPrivateKey,
                &super::super::ig112_certificate_health::CertificateHealth,
            ];
            rules
                .iter()
                .flat_map(|r| r.run(inv))
                .map(|f| {
                    let related: Vec<String> =
                        f.related.iter().map(|r| r.message.to_string()).collect();
                    format!("{} {} {:?} {related:?}", f.rule, f.message, f.identity)
                })
                .collect()
        };
        let whole = shown(&inventory(orders()));
        let mut compact = orders();
        compact.scan_facts = crate::scan_scope::app_scan_facts(&compact);
        crate::scan_scope::keep_what_scan_rules_read(&mut compact);
        assert!(compact.tls_contexts.is_empty());
        assert!(compact.http_listeners.is_empty());
        assert!(compact.key_loaders.is_empty());
        assert!(compact.salesforce_connections[0].tls_context.is_none());
        assert!(compact.salesforce_connections[0].attributes.is_empty());
        let kept: Vec<&str> = compact
            .property_files
            .iter()
            .flat_map(|f| &f.entries)
            .map(|e| e.key())
            .collect();
        assert!(kept.is_empty(), "{kept:?}");
        assert_eq!(shown(&inventory(compact)), whole);
        // What is compared: every kind of store, by file name, as its user.
        let all = whole.join("\n");
        for part in [
            "orders keyStore of Salesforce connection `SF` (salesforce:jwt-connection) as int@acme.com.dev (dev), int@acme.com (prod)",
            "orders tls:trust-store of HTTP listener `Api`",
            "orders privateKeyring of Crypto config `Pgp` (crypto:pgp-config)",
            "orders tls:trust-store of TLS context",
            "IG112 ca.jks",
            "orders tls:trust-store of a TLS context",
        ] {
            assert!(all.contains(part), "{part}\n{all}");
        }
    }
}
