//! What IG104 reads of an app ([`SecretFacts`]): worked out as a compact
//! app is read ([`intguard_model::AppScanFacts::secrets`]), and for an app
//! kept whole when the rule runs, with what its domain or plugins lend it:
//! one function, so the rule reads both the same way.

use std::borrow::Cow;

use foldhash::HashMap;
use mule_secure_props::{Algorithm, Cipher, Mode};

use intguard_model::{
    CipherCode, EnvIx, Inventory, MuleApp, SecretChange, SecretConfig, SecretFacts, SecretFile,
    SecretKey, SecretValue, XmlAttribute,
};

use super::super::ig103_committed_encryption_key::{
    config_key_names, config_label, config_label_in,
};
use super::finding::issued_secret;
use super::settings::{ciphers_for, upgrade_applies};

/// The facts IG104 reads of `app`: its compact facts' when it has them
/// ([`MuleApp::scan_facts`]: held in memory, or read back from where the
/// scan moved them, [`Inventory::secret_facts`]), else worked out from it
/// as it is now. `None` for an app whose values are not tried (no
/// secure-properties config, or no `![...]` value), and for one whose
/// facts cannot be read back (the scan reports its findings missing).
pub(super) fn app_secret_facts<'a>(
    inventory: &'a Inventory,
    app: &'a MuleApp,
) -> Option<Cow<'a, SecretFacts>> {
    match app.scan_facts.as_deref() {
        Some(facts) => inventory.secret_facts(facts.secrets.as_ref()?),
        None => secret_facts(app, Some(inventory)).map(|f| Cow::Owned(*f)),
    }
}

/// `app` may have values to try ([`app_secret_facts`] may give some):
/// told without working them out or reading them back.
pub(super) fn may_have_secret_facts(app: &MuleApp) -> bool {
    match app.scan_facts.as_deref() {
        Some(facts) => facts.secrets.is_some(),
        None => !app.secure_property_configs.is_empty(),
    }
}

/// [`SecretFacts`] of `app`; `None` when it has no secure-properties
/// config or no `![...]` value (nothing of it is tried). `inventory` gives
/// the folder `fix secrets` is run on for a Mule plugin's config lent to
/// the app; without it (an app read alone, which no plugin lends
/// anything), the app's root.
pub(crate) fn secret_facts(
    app: &MuleApp,
    inventory: Option<&Inventory>,
) -> Option<Box<SecretFacts>> {
    if app.secure_property_configs.is_empty() {
        return None;
    }
    let mut text = String::new();
    let mut envs: Vec<Box<str>> = Vec::new();
    let mut env_ix = |env: Option<&str>| -> EnvIx {
        let Some(env) = env else {
            return SecretFacts::NO_ENV;
        };
        match envs.iter().position(|e| &**e == env) {
            Some(i) => i as EnvIx,
            None => {
                envs.push(env.into());
                (envs.len() - 1) as EnvIx
            }
        }
    };
    let configs = &app.secure_property_configs;
    let config_ix = |c: &intguard_model::SecurePropertiesConfig| {
        configs
            .iter()
            .position(|o| std::ptr::eq(o, c))
            .map(|i| i as u32)
    };
    let mut files: Vec<SecretFile> = Vec::new();
    let mut payloads: Vec<u8> = Vec::new();
    let mut values: Vec<SecretValue> = Vec::new();
    let mut key_names: Vec<(u32, u32)> = Vec::new();
    let mut key_index: HashMap<&str, u32> = HashMap::default();
    let push_text = |text: &mut String, s: &str| -> (u32, u32) {
        let at = text.len() as u32;
        text.push_str(s);
        (at, s.len() as u32)
    };
    for f in app.property_files.iter().chain(&app.test_property_files) {
        let mut file: Option<u32> = None;
        for e in &f.entries {
            let Some(payload) = e.encrypted_payload() else {
                continue;
            };
            debug_assert_eq!(e.location.path, f.path);
            let file = *file.get_or_insert_with(|| {
                files.push(SecretFile {
                    path: f.path.clone(),
                    environment: env_ix(f.environment.as_deref()),
                    reader: app.secure_config_for(f).and_then(config_ix),
                });
                (files.len() - 1) as u32
            });
            let key = *key_index.entry(e.key()).or_insert_with(|| {
                key_names.push(push_text(&mut text, e.key()));
                (key_names.len() - 1) as u32
            });
            values.push(SecretValue {
                file,
                key,
                line: e.location.line,
                column: e.location.column,
                payload: match mule_secure_props::decode_value(payload) {
                    Ok(bytes) => {
                        let at = payloads.len() as u32;
                        payloads.extend_from_slice(&bytes);
                        (at, bytes.len() as u32)
                    }
                    Err(_) => (0, SecretValue::NOT_BASE64),
                },
            });
        }
    }
    if values.is_empty() {
        return None;
    }
    // The connection attributes reading each key, in the connections' and
    // the attributes' order: each attribute's references read once.
    let mut readers: Vec<Vec<(u32, &XmlAttribute)>> = vec![Vec::new(); key_names.len()];
    for (c, conn) in app.salesforce_connections.iter().enumerate() {
        for a in &conn.attributes {
            let refs = a.value.placeholders();
            for (i, p) in refs.iter().enumerate() {
                let Some(&k) = key_index.get(p.name.as_str()) else {
                    continue;
                };
                // Once per attribute, however often it names the key.
                if refs[..i].iter().any(|q| q.name == p.name) {
                    continue;
                }
                readers[k as usize].push((c as u32, a));
            }
        }
    }
    let keys = key_names
        .into_iter()
        .zip(readers)
        .map(|(name, read_by)| {
            let attributes: Vec<&XmlAttribute> = read_by.iter().map(|(_, a)| *a).collect();
            let mut connections: Vec<u32> = read_by.iter().map(|(c, _)| *c).collect();
            connections.dedup();
            SecretKey {
                name,
                change: change_for(&attributes),
                connections: connections.into(),
            }
        })
        .collect();
    let configs = configs
        .iter()
        .map(|config| {
            let lent = app.lending_plugin(&config.location.path).is_some();
            let folder = match inventory {
                Some(inventory) => crate::support::secure_config_folder(inventory, app, config),
                None => {
                    debug_assert!(!lent, "a config lent to an app read alone");
                    app.root.clone()
                }
            };
            SecretConfig {
                label: config_label(config).into(),
                label_in: lent.then(|| config_label_in(app, config).into()),
                location: config.location.clone(),
                key_name: config_key_names(config).into_iter().next().map(Into::into),
                mule3: !config.element.starts_with("secure-properties:"),
                random_iv_option: config.has_random_iv_option(),
                upgrade: upgrade_applies(app, config),
                folder: (folder != app.root).then(|| folder.into()),
                ciphers: ciphers_for(app, config)
                    .into_iter()
                    .map(|(cipher, in_envs)| {
                        let in_envs = in_envs.into_iter().flatten().map(|e| env_ix(Some(e)));
                        (cipher_code(&cipher), in_envs.collect())
                    })
                    .collect(),
            }
        })
        .collect();
    // Held until the rules run: without the room grown by doubling (a
    // monorepo's app has some twenty values).
    values.shrink_to_fit();
    files.shrink_to_fit();
    envs.shrink_to_fit();
    Some(Box::new(SecretFacts {
        configs,
        environments: envs,
        files,
        keys,
        values,
        text: text.into_boxed_str(),
        payloads: payloads.into_boxed_slice(),
    }))
}

/// What to change for a leaked value read by `read_by` (the attributes of
/// the app's Salesforce connections naming its property, in order): a
/// login's `securityToken` or `password` is its user's, a TLS store's
/// password opens a key, another attribute's value is changed as its name
/// says; by the property's own name when none reads it.
fn change_for(read_by: &[&XmlAttribute]) -> SecretChange {
    let login = |name: &str| {
        read_by
            .iter()
            .any(|a| !a.element.starts_with("tls:") && a.name.eq_ignore_ascii_case(name))
    };
    if login("securityToken") {
        return SecretChange::SecurityToken;
    }
    if login("password") {
        return SecretChange::Password;
    }
    match read_by.first() {
        Some(a) if a.element.starts_with("tls:") => {
            SecretChange::Issued(issued_secret("keystore.password"))
        }
        Some(a) => SecretChange::Issued(issued_secret(&a.name)),
        None => SecretChange::ByName,
    }
}

fn cipher_code(cipher: &Cipher) -> CipherCode {
    let index = |found: Option<usize>| found.expect("a known setting") as u8;
    CipherCode {
        algorithm: index(Algorithm::ALL.iter().position(|a| *a == cipher.algorithm)),
        mode: index(Mode::ALL.iter().position(|m| *m == cipher.mode)),
        random_iv: cipher.random_iv,
    }
}

/// The cipher a [`CipherCode`] stands for.
pub(super) fn cipher_of(code: CipherCode) -> Cipher {
    Cipher::new(
        Algorithm::ALL[usize::from(code.algorithm)],
        Mode::ALL[usize::from(code.mode)],
        code.random_iv,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::testkit::{app, conn, loc, props, val};
    use intguard_model::{AuthClass, PropertyFile, SecurePropertiesConfig};

    const XML: &str = "orders/src/main/mule/global.xml";

    fn config(name: &str, file: &str, algorithm: &str, line: u32) -> SecurePropertiesConfig {
        SecurePropertiesConfig {
            name: Some(name.into()),
            element: "secure-properties:config".into(),
            location: loc(XML, line),
            key: Some(val("${encryption.key}", XML, line)),
            file: Some(val(file, XML, line).into()),
            algorithm: Some(val(algorithm, XML, line + 1).into()),
            mode: None,
            use_random_ivs: None,
        }
    }

    /// Two configs (one whose algorithm differs per environment), values
    /// in two environments' files, one file no config names and an MUnit
    /// test resource, and a connection reading two of the properties.
    fn orders() -> MuleApp {
        let mut a = app("orders", &["dev", "prod"]);
        a.secure_property_configs = vec![
            config(
                "Secure_Props",
                "properties/${mule.env}-secure.yaml",
                "${enc.alg}",
                7,
            ),
            config("Other_Props", "other-secure.yaml", "Blowfish", 12),
        ];
        a.salesforce_connections = vec![conn(
            "Salesforce_Config",
            "salesforce:basic-connection",
            AuthClass::Password,
            XML,
            20,
            &[
                ("username", "${sfdc.username}"),
                (
                    "password",
                    "${secure::sfdc.password}${secure::sfdc.password}",
                ),
                ("securityToken", "${secure::sfdc.token}"),
            ],
        )];
        let res = "orders/src/main/resources";
        a.property_files = vec![
            props(
                &format!("{res}/properties/dev.yaml"),
                Some("dev"),
                false,
                &[("sfdc.username", "int@acme.com"), ("enc.alg", "AES")],
            ),
            props(
                &format!("{res}/properties/prod.yaml"),
                Some("prod"),
                false,
                &[("sfdc.username", "int@acme.com"), ("enc.alg", "Blowfish")],
            ),
            props(
                &format!("{res}/properties/dev-secure.yaml"),
                Some("dev"),
                true,
                &[("sfdc.password", "![ZGV2UGFzcw==]"), ("plain", "x")],
            ),
            props(
                &format!("{res}/properties/prod-secure.yaml"),
                Some("prod"),
                true,
                &[
                    ("sfdc.password", "![cHJvZFBhc3M=]"),
                    ("sfdc.token", "![dG9rZW4=]"),
                ],
            ),
            props(
                &format!("{res}/other-secure.yaml"),
                None,
                true,
                &[("partner.secret", "![c2VjcmV0]")],
            ),
            props(
                &format!("{res}/unnamed-secure.yaml"),
                None,
                true,
                &[("api.key", "![a2V5]")],
            ),
        ]
        .into();
        a.test_property_files = vec![props(
            "orders/src/test/resources/test-secure.yaml",
            None,
            true,
            &[("test.password", "![dGVzdA==]")],
        )]
        .into();
        a
    }

    /// The `![...]` values as the rule read them from the app before it
    /// had facts: file by file, MUnit test resources last.
    fn targets(app: &MuleApp) -> Vec<(&PropertyFile, &intguard_model::PropertyEntry, &str)> {
        app.property_files
            .iter()
            .chain(&app.test_property_files)
            .flat_map(|f| {
                f.entries
                    .iter()
                    .filter_map(move |e| Some((f, e, e.encrypted_payload()?)))
            })
            .collect()
    }

    /// A compact app's facts, worked out as it is read, are what the rule
    /// read of the whole app: each value's place, property, payload, file
    /// environment and reading config, each config's ciphers per
    /// environment and upgrade advice, and what reads each property.
    #[test]
    fn a_compact_apps_values_are_worked_out_as_it_is_read() {
        let a = orders();
        let Some(intguard_model::KeptSecrets::Held(facts)) = crate::scan_scope::app_scan_facts(&a)
            .expect("a compact app")
            .secrets
        else {
            panic!("values tried, held");
        };
        // The same as the rule works out for the app kept whole.
        let inventory = Inventory::default();
        assert_eq!(secret_facts(&a, Some(&inventory)).as_deref(), Some(&*facts));
        let old = targets(&a);
        assert_eq!(facts.values.len(), old.len());
        assert_eq!(old.len(), 6);
        for (v, (f, e, payload)) in facts.values.iter().zip(&old) {
            assert_eq!(facts.location(v), e.location);
            assert_eq!(facts.key_of(v), e.key());
            let decoded = mule_secure_props::decode_value(payload).ok();
            assert_eq!(facts.payload(v), decoded.as_deref());
            let file = &facts.files[v.file as usize];
            assert_eq!(file.path, f.path);
            assert_eq!(
                facts.environment(file.environment),
                f.environment.as_deref()
            );
            let reader = a.secure_config_for(f).map(|c| {
                a.secure_property_configs
                    .iter()
                    .position(|o| std::ptr::eq(o, c))
                    .unwrap() as u32
            });
            assert_eq!(file.reader, reader, "{}", f.path);
        }
        // The prod file is read by the first config, the file of every
        // environment by the second, the unnamed one by none.
        let readers: Vec<Option<u32>> = facts.files.iter().map(|f| f.reader).collect();
        assert_eq!(readers, [Some(0), Some(0), Some(1), None, None]);
        for (config, got) in a.secure_property_configs.iter().zip(&facts.configs) {
            let ciphers: Vec<(Cipher, Vec<Option<&str>>)> = got
                .ciphers
                .iter()
                .map(|(c, envs)| {
                    (
                        cipher_of(*c),
                        envs.iter().map(|e| facts.environment(*e)).collect(),
                    )
                })
                .collect();
            assert_eq!(ciphers, ciphers_for(&a, config));
            assert_eq!(got.upgrade, upgrade_applies(&a, config));
            assert_eq!(&*got.label, config_label(config));
            assert!(got.label_in.is_none() && got.folder.is_none());
            assert_eq!(got.key_name.as_deref(), Some("encryption.key"));
        }
        // Per environment: AES in dev, Blowfish in prod.
        assert_eq!(facts.configs[0].ciphers.len(), 2);
        // Who reads each property, and what to change for it.
        let change = |name: &str| {
            let k = facts
                .keys
                .iter()
                .find(|k| facts.text_at(k.name) == name)
                .unwrap();
            (k.change, k.connections.to_vec())
        };
        assert_eq!(change("sfdc.password"), (SecretChange::Password, vec![0]));
        assert_eq!(change("sfdc.token"), (SecretChange::SecurityToken, vec![0]));
        assert_eq!(change("partner.secret"), (SecretChange::ByName, vec![]));
        assert_eq!(facts.keys.len(), 5);
        // Nothing to try without a config.
        let mut none = orders();
        none.secure_property_configs.clear();
        assert!(secret_facts(&none, None).is_none());
    }
}
