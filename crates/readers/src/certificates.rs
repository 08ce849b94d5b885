//! X.509 certificates committed to the repository, for the certificate-health
//! rule: PEM blocks, DER files, JKS keystores (certificates need no password),
//! and PKCS#12 keystores that open without a password (or with the empty one) or with a
//! password committed in clear for them.
//!
//! Parsing is `salesforce-auth`'s certificate code. It runs only on files that
//! can hold certificates: keystores (`.jks`, `.jceks`, `.p12`, `.pfx`, `.keystore`, ...),
//! DER certificates (`.der`, `.cer`, `.crt`), and PEM text with a
//! `CERTIFICATE-----` line in a key/certificate file or a file that starts with
//! `-----BEGIN`. Files that fail to parse give no certificate and no
//! diagnostic (IG105 already reports keystores as key material).
//!
//! A PKCS#12 password is searched for in the app that holds the file: a Mule
//! Salesforce connection's `keyStore` or a `tls:key-store`/`tls:trust-store`
//! `path`, or a `crypto:jce-config` `keystore`, that names the file, whose
//! `storePassword`/`keyPassword`/`password` (or a JCE key info's `password`)
//! resolves (inline or through the app's property files, any environment) to
//! a value written in clear. The password only opens the file here: no
//! certificate's facts record it. (A compact app's passwords are worked out
//! as it is read, [`keystore_passwords`], and held with its facts as its
//! property entries were, until the scan ends.)

use std::path::PathBuf;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use intguard_model::path_text::file_name;
use intguard_model::{
    CertificateFacts, CertificateSource, Diagnostic, Inventory, KeyLoaderKind, KeystorePasswords,
    KeystoreProtection, Location, MuleApp, Value,
};
use salesforce_auth::certs::{self, CertFileFormat, CertificateInfo, Pkcs12KeyProtection};

/// Extensions of binary (DER) certificate files.
pub(crate) const DER_EXTENSIONS: &[&str] = &["der", "cer", "crt"];

fn facts(info: CertificateInfo, source: CertificateSource, location: Location) -> CertificateFacts {
    CertificateFacts {
        source,
        location,
        alias: info.alias,
        index: info.index,
        subject: info.subject,
        issuer: info.issuer,
        key_type: info.key_type.to_string(),
        key_bits: info.key_bits,
        not_before: info.not_before,
        not_after: info.not_after,
        self_signed: info.self_signed,
        is_ca: info.is_ca,
        sha256_fingerprint: info.sha256_fingerprint,
        with_private_key: info.with_private_key,
    }
}

/// How a PKCS#12 keystore protects its private key (`None` for other keystores, and when
/// it cannot be told).
pub(crate) fn keystore_protection(bytes: &[u8]) -> Option<KeystoreProtection> {
    if certs::detect_format(bytes) != Some(CertFileFormat::Pkcs12) {
        return None;
    }
    Some(match certs::pkcs12_key_protection(bytes)? {
        Pkcs12KeyProtection::KeyInClear => KeystoreProtection::KeyInClear,
        Pkcs12KeyProtection::EmptyPassword => KeystoreProtection::EmptyPassword,
        Pkcs12KeyProtection::Password => KeystoreProtection::Password,
    })
}

/// The certificates of a keystore file, and whether it is a PKCS#12 file that
/// needs a password to be read.
pub(crate) fn from_keystore(bytes: &[u8], display: &str) -> (Vec<CertificateFacts>, bool) {
    let source = match certs::detect_format(bytes) {
        Some(CertFileFormat::Jks | CertFileFormat::Jceks) => CertificateSource::Jks,
        // Read without a password: it has none (or the empty one).
        Some(CertFileFormat::Pkcs12) => CertificateSource::Pkcs12NoPassword,
        Some(CertFileFormat::Der) => CertificateSource::Der,
        _ => return (Vec::new(), false),
    };
    match certs::inspect(bytes, None) {
        Ok(found) => (
            found
                .into_iter()
                .map(|i| facts(i, source, Location::file(display)))
                .collect(),
            false,
        ),
        Err(certs::CertError::PasswordRequired { .. }) => (Vec::new(), true),
        Err(_) => (Vec::new(), false),
    }
}

/// A binary X.509 certificate.
pub(crate) fn from_der(bytes: &[u8], display: &str) -> Vec<CertificateFacts> {
    match CertificateInfo::from_der(bytes) {
        Ok(info) => vec![facts(info, CertificateSource::Der, Location::file(display))],
        Err(_) => Vec::new(),
    }
}

const PEM_CERT_LINES: &[&str] = &[
    "-----BEGIN CERTIFICATE-----",
    "-----BEGIN X509 CERTIFICATE-----",
    "-----BEGIN TRUSTED CERTIFICATE-----",
];

/// Every certificate of a PEM text, located at its `-----BEGIN` line.
pub(crate) fn from_pem(text: &str, display: &str) -> Vec<CertificateFacts> {
    // A byte order mark is no column of the first line.
    let text = crate::position::without_bom(text);
    let Ok(found) = certs::inspect(text.as_bytes(), None) else {
        return Vec::new();
    };
    let begins: Vec<(u32, u32)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            PEM_CERT_LINES
                .iter()
                .find_map(|tag| line.find(tag))
                .map(|col| (i as u32 + 1, col as u32 + 1))
        })
        .collect();
    found
        .into_iter()
        .map(|info| {
            let location = match begins.get(info.index) {
                Some(&(line, column)) => Location::new(display, line, column),
                None => Location::file(display),
            };
            facts(info, CertificateSource::Pem, location)
        })
        .collect()
}

/// Configuration files a certificate may be pasted into (a Kubernetes
/// secret's `ca.crt: |`, a JSON config's `"cert": "-----BEGIN ...\n..."`).
/// XML is not among them: a connected app's `<certificate>` is read as the
/// app's ([`from_oauth_apps`]).
pub(crate) const CONFIG_EXTENSIONS: &[&str] = &[
    "yaml",
    "yml",
    "json",
    "properties",
    "conf",
    "cfg",
    "ini",
    "env",
    "toml",
    "tfvars",
];

/// The certificates pasted into a configuration file, each located at its
/// `-----BEGIN CERTIFICATE-----`: the body between the markers is read
/// whatever wraps it (a YAML block's indentation, a JSON string's quotes and
/// `\n` escapes, a `.properties` value's `\` continuations). A block that is
/// no certificate is skipped.
pub(crate) fn pasted_in_config(text: &str, display: &str) -> Vec<CertificateFacts> {
    let text = crate::position::without_bom(text);
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find(BEGIN).map(|i| from + i) {
        let body_start = start + BEGIN.len();
        let Some(body_end) = text[body_start..].find(END).map(|i| body_start + i) else {
            break;
        };
        from = body_end + END.len();
        let body: String = text[body_start..body_end]
            .replace("\\n", "\n")
            .replace("\\r", "")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
            .collect();
        let Ok(der) = BASE64.decode(body.as_bytes()) else {
            continue;
        };
        let Ok(info) = CertificateInfo::from_der(&der) else {
            continue;
        };
        let before = &text[..start];
        let line = before.matches('\n').count() as u32 + 1;
        let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
            .chars()
            .count() as u32
            + 1;
        let mut found = facts(
            info,
            CertificateSource::Pem,
            Location::new(display, line, column),
        );
        found.index = out.len();
        out.push(found);
    }
    out
}

/// The certificates uploaded to connected apps (`oauthConfig/certificate`)
/// and External Client Apps (`.ecaGlblOauth` `certificate`): a bare base64
/// DER body or a PEM text, located at the `<certificate>` element.
pub(crate) fn from_oauth_apps(inventory: &mut Inventory) {
    let sf = &inventory.salesforce;
    let uploaded = sf
        .connected_apps
        .iter()
        .filter_map(|a| Some((&a.name, a.oauth.as_ref()?.certificate.as_ref()?)))
        .chain(
            sf.external_client_apps
                .iter()
                .filter_map(|a| Some((&a.name, a.global_oauth.as_ref()?.certificate.as_ref()?))),
        );
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    for (app, cert) in uploaded {
        let text = cert.value.trim();
        let der = if text.contains("-----BEGIN") {
            certs::inspect(text.as_bytes(), None)
                .ok()
                .and_then(|mut c| (!c.is_empty()).then(|| c.remove(0)))
        } else {
            let body: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            BASE64
                .decode(body)
                .ok()
                .and_then(|der| CertificateInfo::from_der(&der).ok())
        };
        match der {
            Some(info) => {
                let mut f = facts(info, CertificateSource::OauthApp, cert.location.clone());
                f.alias = Some(app.clone());
                found.push(f);
            }
            // Said, not dropped: IG112 cannot date it, and Salesforce
            // rejects the app on deploy.
            None if !text.is_empty() => unreadable.push(
                Diagnostic::warning(
                    "metadata-value",
                    cert.location.path.as_str(),
                    format!(
                        "{app}: <certificate> is not an X.509 certificate (neither PEM nor base64 DER): Salesforce rejects it on deploy, and its expiry cannot be checked"
                    ),
                )
                .at(cert.location.line, cert.location.column),
            ),
            None => {}
        }
    }
    inventory.diagnostics.extend(unreadable);
    // A PEM body was also seen by the text scan: keep one record, the app's.
    inventory.certificates.retain(|c| {
        !found.iter().any(|f| {
            f.location.path == c.location.path && f.sha256_fingerprint == c.sha256_fingerprint
        })
    });
    inventory.certificates.extend(found);
}

/// Opens PKCS#12 files that need a password with the passwords committed in
/// clear for them (see the module docs) and adds their certificates.
pub(crate) fn unlock_pkcs12(inventory: &mut Inventory, locked: &[(String, PathBuf)]) {
    let mut found = Vec::new();
    for (display, path) in locked {
        let name = file_name(display);
        let owner = inventory
            .apps
            .iter()
            .filter(|app| {
                let root = app.root.trim_end_matches('/');
                root.is_empty() || display.starts_with(&format!("{root}/"))
            })
            .max_by_key(|app| app.root.len());
        let apps: Vec<&MuleApp> = match owner {
            Some(app) => vec![app],
            None => inventory.apps.iter().collect(),
        };
        let mut candidates: Vec<String> = Vec::new();
        for app in apps {
            committed_passwords(app, name, &mut candidates);
        }
        if candidates.is_empty() {
            continue;
        }
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        for password in &candidates {
            if let Ok(certs) = certs::inspect(&bytes, Some(password)) {
                found.extend(certs.into_iter().map(|i| {
                    facts(
                        i,
                        CertificateSource::Pkcs12,
                        Location::file(display.as_str()),
                    )
                }));
                break;
            }
        }
    }
    inventory.certificates.extend(found);
}

/// The file names `value` (a keystore path attribute) resolves to in some
/// environment, each once.
fn names_files(app: &MuleApp, value: &Value) -> Vec<Box<str>> {
    let mut out: Vec<Box<str>> = Vec::new();
    for p in app.resolve_all(value).into_iter().filter_map(|r| r.value) {
        let name = file_name(p.trim());
        if !out.iter().any(|n| &**n == name) {
            out.push(name.into());
        }
    }
    out
}

/// The values of `attr` written in clear: inline, or plain (not `![...]`)
/// property values in any environment.
fn clear_values(app: &MuleApp, value: &Value, out: &mut Vec<String>) {
    for r in app.resolve_all(value) {
        if r.origin().is_some_and(|o| o.is_encrypted()) {
            continue;
        }
        let Some(v) = r.value else { continue };
        if v.is_empty() || v.contains("${") || v.contains("![") || v.contains("#[") {
            continue;
        }
        if !out.contains(&v) {
            out.push(v);
        }
    }
}

/// The passwords committed in clear for the PKCS#12 file named `name` in
/// `app`: those of its compact facts when it has them, else resolved now.
fn committed_passwords(app: &MuleApp, name: &str, out: &mut Vec<String>) {
    let resolved;
    let sources = match app.scan_facts.as_deref() {
        Some(facts) => facts.keystore_passwords.as_slice(),
        None => {
            resolved = keystore_passwords(app);
            resolved.as_slice()
        }
    };
    for source in sources
        .iter()
        .filter(|s| s.files.iter().any(|f| &**f == name))
    {
        for p in &source.passwords {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
    }
}

/// The stores `app` loads whose passwords are committed in clear, each with
/// the file names its path resolves to and those passwords, in the order
/// they are tried on a locked PKCS#12 file: Salesforce connections'
/// `keyStore`, the key and trust stores of the global TLS contexts, then
/// of those nested in connections, listeners and request configs, then
/// Crypto module JCE keystores (with their key infos' passwords). Worked
/// out once per app: a scan keeps this, not the stores.
pub fn keystore_passwords(app: &MuleApp) -> intguard_model::ThinVec<KeystorePasswords> {
    let mut out = intguard_model::ThinVec::new();
    let mut add = |path: &Value, passwords: &mut dyn Iterator<Item = &Value>| {
        let mut values = Vec::new();
        for v in passwords {
            clear_values(app, v, &mut values);
        }
        if !values.is_empty() {
            let files = names_files(app, path);
            if !files.is_empty() {
                out.push(KeystorePasswords {
                    files,
                    passwords: values,
                });
            }
        }
    };
    for (conn, _) in app.resolved_salesforce_connections() {
        if let Some(path) = conn.attr("keyStore") {
            add(
                path,
                &mut ["storePassword", "keyPassword", "password"]
                    .into_iter()
                    .filter_map(|a| conn.attr(a)),
            );
        }
    }
    let contexts = app
        .tls_contexts
        .iter()
        .chain(
            app.resolved_salesforce_connections()
                .filter_map(|(c, _)| c.tls_context.as_deref()),
        )
        .chain(
            app.http_listeners
                .iter()
                .filter_map(|l| l.tls_context.as_ref()),
        )
        .chain(
            app.http_requests
                .iter()
                .filter_map(|r| r.tls_context.as_ref()),
        );
    for ctx in contexts {
        for store in [&ctx.key_store, &ctx.trust_store].into_iter().flatten() {
            if let Some(path) = store.attr("path") {
                // `storePassword`: Mule 3's HTTPS connector stores.
                add(
                    path,
                    &mut ["password", "storePassword", "keyPassword"]
                        .into_iter()
                        .filter_map(|a| store.attr(a)),
                );
            }
        }
    }
    // `<crypto:jce-config keystore password>` and its key infos' passwords
    // (`KeyLoader::key_passwords`).
    for cfg in app
        .key_loaders
        .iter()
        .filter(|c| c.kind == KeyLoaderKind::Jce)
    {
        if let Some(path) = cfg.attr("keystore") {
            add(path, &mut cfg.key_passwords().into_iter().map(|(_, v)| v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use intguard_model::{
        AuthClass, MuleRuntime, PropertyEntry, PropertyFile, PropertyFormat, SalesforceConnection,
        XmlAttribute,
    };

    const XML: &str = "orders/src/main/mule/global.xml";

    fn attr(name: &str, raw: &str) -> XmlAttribute {
        XmlAttribute {
            element: "salesforce:jwt-connection".into(),
            owner: Some("SF".into()),
            name: name.into(),
            value: Value::new(raw, Location::new(XML, 10, 5)),
        }
    }

    /// A JWT connection whose keystore and password are set per
    /// environment: in clear for prod, encrypted for dev.
    fn orders() -> MuleApp {
        let mut app = MuleApp::new("orders", "orders", MuleRuntime::Mule4);
        app.environments = vec!["dev".into(), "prod".into()].into();
        app.salesforce_connections.push(SalesforceConnection {
            config_name: "SF".into(),
            element: "salesforce:jwt-connection".into(),
            runtime: MuleRuntime::Mule4,
            auth: AuthClass::Certificate,
            location: Location::new(XML, 10, 5),
            attributes: vec![
                attr("keyStore", "${sf.keystore}"),
                attr("storePassword", "${sf.password}"),
            ]
            .into(),
            tls_context: None,
            composite: false,
        });
        for (env, keystore, password) in [
            ("dev", "keys/sf-dev.p12", "![c29tZSBrZXk=]"),
            ("prod", "/opt/keys/sf.p12", "Pr0d!Store"),
        ] {
            let path = format!("orders/src/main/resources/{env}.yaml");
            app.property_files.push(PropertyFile {
                path: path.as_str().into(),
                format: PropertyFormat::Yaml,
                environment: Some(env.into()),
                secure: false,
                plain_too: false,
                loaded: true,
                entries: vec![
                    PropertyEntry::new("sf.keystore", keystore, Location::new(&*path, 1, 1)),
                    PropertyEntry::new("sf.password", password, Location::new(&*path, 2, 1)),
                ],
                split_values: Vec::new(),
            });
        }
        app
    }

    #[test]
    fn a_stores_clear_passwords_with_its_file_names() {
        let app = orders();
        assert_eq!(
            keystore_passwords(&app),
            [KeystorePasswords {
                files: vec!["sf-dev.p12".into(), "sf.p12".into()],
                passwords: vec!["Pr0d!Store".into()],
            }]
        );
        let mut found = Vec::new();
        committed_passwords(&app, "sf.p12", &mut found);
        assert_eq!(found, ["Pr0d!Store"]);
        let mut none = Vec::new();
        committed_passwords(&app, "other.p12", &mut none);
        assert!(none.is_empty());
    }

    /// An app whose stores were dropped once its facts were worked out
    /// (a compact app in a scan) still gives its passwords.
    #[test]
    fn a_compact_apps_passwords_are_its_facts() {
        let mut app = orders();
        let passwords = keystore_passwords(&app);
        app.scan_facts = Some(Box::new(intguard_model::AppScanFacts {
            keystore_passwords: passwords,
            ..Default::default()
        }));
        app.salesforce_connections.clear();
        app.property_files.clear();
        let mut found = Vec::new();
        committed_passwords(&app, "sf-dev.p12", &mut found);
        assert_eq!(found, ["Pr0d!Store"]);
    }
}
