//! IG112 certificate-health on real fixture trees (certificates and keystores made by
//! `fixtures/IG112/make-fixtures.py` with python cryptography and keytool; throwaway keys).
//!
//! Validity dates are fixed in the fixtures: expired ones ended long ago and healthy ones end
//! in 2124, so the tests hold with the real clock; the "expires within 30 days" case fixes
//! the scan time instead (`Inventory::now_unix`), which is what rules read.

use crate::common;

use intguard_model::{CertificateSource, Finding, Inventory, Severity};
use intguard_rules::find_rule;

const RES: &str = "orders-sapi/src/main/resources";

/// 2099-12-20T00:00:00Z: 11 days before erp-client.der ends.
const DEC_20_2099: i64 = 4_101_408_000;

fn run_at(inv: &Inventory) -> Vec<Finding> {
    let mut f = find_rule("IG112").unwrap().run(inv);
    f.sort_by(|a, b| a.location.cmp(&b.location));
    f
}

fn at<'a>(findings: &'a [Finding], file: &str) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.location.path.ends_with(file))
        .collect()
}

#[test]
fn positive() {
    common::assert_places(
        "IG112",
        "IG112/positive",
        &[
            (&format!("{RES}/certs/partner-ca.pem"), 3),
            (&format!("{RES}/keys/api-server.p12"), 0),
            (&format!("{RES}/keys/sfdc-jwt.jks"), 0),
            (
                &format!("{MD}/connectedApps/Orders_JWT.connectedApp-meta.xml"),
                7,
            ),
            (
                &format!(
                    "{MD}/extlClntAppGlobalOauthSets/Billing_Sync_glbloauth.ecaGlblOauth-meta.xml"
                ),
                4,
            ),
        ],
    );
}

/// The SFDX project of the fixture trees (`make-metadata-fixtures.py`).
const MD: &str = "salesforce/force-app/main/default";

#[test]
fn certificates_uploaded_to_oauth_apps_name_the_app_and_its_users() {
    let inv = common::inventory("IG112/positive");
    let apps: Vec<_> = inv
        .certificates
        .iter()
        .filter(|c| c.source == CertificateSource::OauthApp)
        .map(|c| (c.alias.clone().unwrap(), c.location.line, c.location.column))
        .collect();
    // The connected app's bare base64 body and the ECA's PEM, each once (the
    // PEM is not also reported as a plain PEM certificate of the XML file).
    assert_eq!(
        apps,
        [
            ("Orders_JWT".to_string(), 7, 9),
            ("Billing_Sync".to_string(), 4, 5)
        ]
    );
    assert!(!inv
        .certificates
        .iter()
        .any(|c| c.source == CertificateSource::Pem
            && c.location.path.ends_with(".ecaGlblOauth-meta.xml")));

    let findings = run_at(&inv);
    let expired = at(&findings, "Orders_JWT.connectedApp-meta.xml");
    assert_eq!(expired.len(), 1);
    let f = expired[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.identity.as_deref(), Some("int.orders@acme.com"));
    assert!(
        f.message.starts_with("connected app Orders_JWT trusts certificate CN=orders-jwt for JWT bearer logins, which expired on 2021-01-01"),
        "{}",
        f.message
    );
    assert!(
        f.message.ends_with("it serves int.orders@acme.com"),
        "{}",
        f.message
    );
    let fix = &f.fix;
    assert!(
        fix.contains("Setup > App Manager > Orders_JWT > Edit > Use digital signatures"),
        "{fix}"
    );
    assert!(fix.contains("Orders_JWT.connectedApp-meta.xml"), "{fix}");

    let weak = at(&findings, "Billing_Sync_glbloauth.ecaGlblOauth-meta.xml");
    assert_eq!(weak.len(), 1);
    assert!(
        weak[0].message.contains("external client app Billing_Sync trusts certificate CN=billing-jwt for JWT bearer logins, which has a 1024-bit RSA key"),
        "{}",
        weak[0].message
    );
    assert!(weak[0].fix.contains("--bits 3072"));
}

#[test]
fn negative() {
    common::assert_clean("IG112", "IG112/negative");
}

#[test]
fn the_reader_records_every_readable_certificate() {
    let inv = common::inventory("IG112/positive");
    assert!(inv.now_unix > 1_700_000_000, "scan time recorded");
    let mut got: Vec<(String, CertificateSource, Option<u32>, bool)> = inv
        .certificates
        .iter()
        .map(|c| {
            (
                c.location.path.rsplit('/').next().unwrap().to_string(),
                c.source,
                c.key_bits,
                c.with_private_key,
            )
        })
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        vec![
            (
                "Billing_Sync_glbloauth.ecaGlblOauth-meta.xml".to_string(),
                CertificateSource::OauthApp,
                Some(1024),
                false
            ),
            (
                "Orders_JWT.connectedApp-meta.xml".to_string(),
                CertificateSource::OauthApp,
                Some(2048),
                false
            ),
            (
                "api-server.p12".to_string(),
                CertificateSource::Pkcs12,
                Some(1024),
                true
            ),
            (
                "erp-client.der".to_string(),
                CertificateSource::Der,
                Some(2048),
                false
            ),
            (
                "partner-ca.pem".to_string(),
                CertificateSource::Pem,
                Some(2048),
                false
            ),
            (
                "sfdc-jwt.jks".to_string(),
                CertificateSource::Jks,
                Some(2048),
                true
            ),
        ]
    );
    let jks = inv
        .certificates
        .iter()
        .find(|c| c.source == CertificateSource::Jks)
        .unwrap();
    assert_eq!(jks.alias.as_deref(), Some("sfdc"));
    assert_eq!(jks.subject, "CN=orders-jwt, O=Acme Test");
    // A PKCS#12 file whose password is only an encrypted property stays closed.
    let neg = common::inventory("IG112/negative");
    assert!(
        neg.certificates
            .iter()
            .all(|c| !c.location.path.ends_with(".p12")),
        "{:?}",
        neg.certificates
    );
    // Two in the Mule app, one per OAuth app of the SFDX project.
    assert_eq!(neg.certificates.len(), 4);
}

#[test]
fn severities_messages_and_identities() {
    let findings = common::run("IG112", "IG112/positive");
    // The JWT keystore: expired, linked to the connection and its user.
    let jks = at(&findings, "sfdc-jwt.jks");
    assert_eq!(jks.len(), 1);
    let jks = jks[0];
    assert_eq!(jks.severity, Severity::High);
    assert!(
        jks.message.starts_with(
            "sfdc-jwt.jks (Java keystore alias `sfdc`): certificate CN=orders-jwt, O=Acme Test expired on 2021-01-01"
        ),
        "{}",
        jks.message
    );
    assert!(
        jks.message
            .contains("keyStore of Salesforce connection `Salesforce_Config`"),
        "{}",
        jks.message
    );
    assert_eq!(
        jks.identity.as_deref(),
        Some("int.orders@acme.com.uat (dev), int.orders@acme.com (prod)")
    );
    assert!(jks
        .related
        .iter()
        .any(|r| r.path.ends_with("src/main/mule/global.xml") && r.line == 23));
    assert!(jks.fix.starts_with("Replace it now"), "{}", jks.fix);

    // The HTTPS keystore: opened with the password committed in prod.yaml; 1024-bit key.
    let p12 = at(&findings, "api-server.p12");
    assert_eq!(p12.len(), 1);
    assert_eq!(p12[0].severity, Severity::High);
    assert!(
        p12[0].message.contains("1024-bit RSA key")
            && p12[0]
                .message
                .contains("opened with its committed password")
            && p12[0].message.contains("Api_TLS_Context"),
        "{}",
        p12[0].message
    );
    assert!(p12[0].fix.contains("--bits 3072"), "{}", p12[0].fix);

    // The partner CA: expired, reported at its BEGIN line.
    let ca = at(&findings, "partner-ca.pem");
    assert_eq!(ca[0].severity, Severity::High);
    assert!(
        ca[0].fix.starts_with("Replace the certificate"),
        "{}",
        ca[0].fix
    );

    // Nothing secret in any output.
    for f in &findings {
        let all = format!("{} {} {:?} {:?}", f.message, f.fix, f.related, f.identity);
        assert!(!all.contains("P12!Fixture2024"), "{all}");
    }
}

#[test]
fn expiring_within_30_days_with_a_fixed_clock() {
    let mut inv = common::inventory("IG112/positive");
    inv.now_unix = DEC_20_2099;
    let findings = run_at(&inv);
    let der = at(&findings, "erp-client.der");
    assert_eq!(der.len(), 1, "{findings:#?}");
    assert_eq!(der[0].severity, Severity::Medium);
    assert!(
        der[0]
            .message
            .contains("CN=erp-client, O=Acme Test expires on 2099-12-31, in 11 days"),
        "{}",
        der[0].message
    );
    assert!(der[0].fix.starts_with("Rotate it before 2099-12-31"));
    assert_eq!(der[0].location.line, 0);
    // 12 days earlier it is not yet reported.
    inv.now_unix = DEC_20_2099 - 20 * 86_400;
    assert!(at(&run_at(&inv), "erp-client.der").is_empty());
    // And the clean tree stays clean at that date too (its certificates end in 2124).
    let mut neg = common::inventory("IG112/negative");
    neg.now_unix = DEC_20_2099;
    assert!(run_at(&neg).is_empty());
}

/// A PKCS#12 keystore loaded by a Crypto module `crypto:jce-config`, opened
/// with its key info's password (a plain property value): its 1024-bit key
/// is reported, naming the config; the password appears nowhere.
#[test]
fn keystore_of_a_crypto_jce_config() {
    let rel = "IG112/crypto-jce";
    common::assert_places(
        "IG112",
        rel,
        &[("signing-app/src/main/resources/keys/signing.p12", 0)],
    );
    let findings = common::run("IG112", rel);
    let p12 = &findings[0];
    assert_eq!(p12.severity, Severity::High);
    assert!(
        p12.message.contains("1024-bit RSA key")
            && p12.message.contains("opened with its committed password")
            && p12
                .message
                .contains("keystore of Crypto config `Signing_Jce` (crypto:jce-config)"),
        "{}",
        p12.message
    );
    assert!(
        p12.related
            .iter()
            .any(|r| r.path.ends_with("src/main/mule/crypto.xml") && r.line == 10),
        "{:?}",
        p12.related
    );
    common::assert_no_secrets(rel, &["P12!Fixture2024"]);
}

/// A PKCS#12 keystore read without a password is said to have none, not to
/// have been opened with a committed password.
#[test]
fn pkcs12_without_a_password_says_so() {
    let findings = common::run("IG112", "IG105/no-password-p12");
    let weak: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.location.path.ends_with("no-enc.p12"))
        .collect();
    assert_eq!(weak.len(), 1, "{findings:#?}");
    assert!(
        weak[0].message.contains("1024-bit RSA key")
            && weak[0]
                .message
                .contains("(PKCS#12 keystore alias `edge`, which has no password)")
            && !weak[0].message.contains("committed password"),
        "{}",
        weak[0].message
    );
}

/// A certificate pasted into a configuration file (a Kubernetes secret's
/// YAML block, a JSON string with `\n` escapes) is judged like a `.pem`
/// file's, at its `-----BEGIN` line; one quoted in a Markdown document is
/// documentation, and a healthy one is no finding.
#[test]
fn certificates_pasted_into_config_files() {
    common::assert_places(
        "IG112",
        "IG112/pasted",
        &[
            ("deploy/k8s/partner-ca.yaml", 8),
            ("deploy/partner.json", 4),
        ],
    );
    let inv = common::inventory("IG112/pasted");
    let json = inv
        .certificates
        .iter()
        .find(|c| c.location.path.ends_with("partner.json"))
        .unwrap();
    assert_eq!((json.location.line, json.location.column), (4, 16));
    assert_eq!(json.subject, "CN=Partner Root CA, O=Acme Test");
    let findings = common::run("IG112", "IG112/pasted");
    assert!(
        findings.iter().all(|f| f.message.contains("expired")),
        "{:#?}",
        findings.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    common::assert_clean("IG112", "IG112/pasted-clean");
    // The healthy one is read (not skipped as unreadable).
    let clean = common::inventory("IG112/pasted-clean");
    assert_eq!(clean.certificates.len(), 1);
    assert!(clean.certificates[0]
        .location
        .path
        .ends_with("jwt-cert.yaml"));
}
