use std::collections::HashSet;

use intguard_model::{
    CertificateFacts, CertificateSource, Finding, Inventory, Location, OAuthAppKind, Practice,
    Related, RuleMeta, Severity, StoreSource,
};

use crate::identities::identities_of_app;

use super::store_refs::{app_store_refs, is_jce, store_identities};
use crate::support::{app_for_path, describe_identities, file_name};
use crate::Rule;

pub struct CertificateHealth;

static META: RuleMeta = RuleMeta {
    id: "IG112",
    name: "certificate-health",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::High,
    summary: "A certificate in the repository is expired, expires within 30 days, or has an RSA key under 2048 bits",
    doc: r#"## What it does
Reads the X.509 certificates committed to the repository: PEM certificates (`.pem`,
`.crt`, `.cer` and any file starting with `-----BEGIN`; also pasted into a configuration
file, such as a Kubernetes secret's `ca.crt: |` block in YAML or a JSON string with `\n`
escapes, but not quoted in a Markdown document), DER certificates, Java
keystores (`.jks`, `.keystore`: their certificates are readable without the password)
and PKCS#12 keystores (`.p12`, `.pfx`) whose password is empty or committed in clear
(the `storePassword`/`password` of the configuration that loads the file, or of a JCE key
info under it, in the XML or a plain property value), and the certificates uploaded to connected apps
(`oauthConfig/certificate`) and External Client Apps (`.ecaGlblOauth` `certificate`) in
Salesforce metadata, which Salesforce checks JWT bearer assertions against. It flags a
certificate that
- has expired (high);
- expires within 30 days of the scan (medium);
- carries an RSA key shorter than 2048 bits (high).
Each finding names the file, the keystore alias, the certificate's subject and the
configurations that load the file (a Salesforce JWT connection's `keyStore`, a
`tls:key-store` or `tls:trust-store`, a `crypto:jce-config` `keystore`), with the
integration user they run as; for an
app's certificate, the app and the integration users it serves.

## Why is this bad?
An expired certificate breaks whatever relies on it, usually at the worst moment: an
HTTPS listener's clients refuse the handshake, Salesforce refuses a mutual-TLS client
certificate, partners reject the integration. It also shows that the key behind it has
not been rotated for the certificate's whole life. A certificate about to expire is the
same outage with a few days' notice. RSA keys under 2048 bits are below every current
recommendation (NIST SP 800-131A disallowed 1024-bit RSA signatures after 2013) and can
be broken by a well-funded attacker: whoever does can sign JWT assertions as the
integration user or impersonate the server.

## Example
```xml
<!-- keys/sfdc-jwt.jks holds certificate CN=orders-jwt, valid until 2021-01-01 -->
<salesforce:sfdc-config name="Salesforce_Config">
  <salesforce:jwt-connection consumerKey="${secure::sfdc.consumerKey}"
      keyStore="keys/sfdc-jwt.jks" storePassword="${secure::sfdc.keystore.password}"
      certificateAlias="sfdc" principal="${sfdc.username}"/>
</salesforce:sfdc-config>
```

## How to fix
Make a new key pair and certificate (a certificate cannot be renewed to a bigger key):
```sh
intguard keys new --out <a folder outside the repository> --cn orders-jwt --bits 3072 --days 365
```
upload the new certificate where the old one is trusted (the connected app or External
Client App's "Use digital signatures", Setup > Certificate and Key Management > Mutual
Authentication Certificates, or the TLS peer), deploy the new keystore from a secret
store, check the login with `intguard token ... --key keys/orders-jwt.key`, then remove the
old certificate. For a trusted CA certificate (a trust store entry), replace it with
the issuer's current certificate. Put the next rotation date in a calendar: this rule
warns 30 days ahead.

## References
- Salesforce Help: Create a Private Key and Self-Signed Digital Certificate
- Salesforce Help: Configure Your Org for Mutual Authentication (Mutual Authentication Certificates)
- NIST SP 800-131A Rev. 2: Transitioning the Use of Cryptographic Algorithms and Key Lengths
- MuleSoft Docs: Configure TLS with Keystores and Truststores
"#,
};

/// Days before expiry from which a certificate is reported.
pub const EXPIRY_WARNING_DAYS: i64 = 30;
/// Smallest acceptable RSA key.
pub const MIN_RSA_BITS: u32 = 2048;

const DAY: i64 = 86_400;

/// A configuration that loads a certificate or keystore file by path.
struct FileUser {
    app: String,
    /// `keyStore of Salesforce connection `X``, `tls:key-store of HTTP listener `Y``.
    what: String,
    at: Location,
    identity: Option<String>,
}

/// The configurations of the app holding `path` (or of every app, for a file
/// outside all apps) that load a file with the same name: key and trust
/// stores, and Crypto module JCE keystores (PGP keyrings and SSH keys hold
/// no X.509 certificates).
fn users(inventory: &Inventory, path: &str) -> Vec<FileUser> {
    let name = file_name(path);
    let owner = app_for_path(inventory, path);
    let mut out = Vec::new();
    for app in inventory
        .apps
        .iter()
        .filter(|a| owner.is_none_or(|o| std::ptr::eq(o, *a)))
    {
        for r in app_store_refs(inventory, app).iter() {
            if !r.names_file(name) || (matches!(r.source, StoreSource::Loader(_)) && !is_jce(r)) {
                continue;
            }
            out.push(FileUser {
                app: app.name.clone(),
                what: r.what(app),
                at: r.at.clone(),
                identity: describe_identities(&store_identities(inventory, app, r)),
            });
        }
    }
    out
}

/// `YYYY-MM-DD` of Unix seconds (UTC).
fn date(unix: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = unix.div_euclid(DAY) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn plural(n: i64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    Expired,
    Expiring,
    WeakKey,
}

impl Problem {
    fn severity(self) -> Severity {
        match self {
            Problem::Expired | Problem::WeakKey => Severity::High,
            Problem::Expiring => Severity::Medium,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Problem::Expired => "expired",
            Problem::Expiring => "expiring",
            Problem::WeakKey => "weak-rsa",
        }
    }
}

fn problems(cert: &CertificateFacts, now: i64) -> Vec<Problem> {
    let mut out = Vec::new();
    // now == 0: the scan time is unknown, so validity cannot be judged.
    if now > 0 {
        if cert.not_after < now {
            out.push(Problem::Expired);
        } else if cert.not_after < now + EXPIRY_WARNING_DAYS * DAY {
            out.push(Problem::Expiring);
        }
    }
    if cert.is_rsa() && cert.key_bits.is_some_and(|b| b < MIN_RSA_BITS) {
        out.push(Problem::WeakKey);
    }
    out
}

fn source_phrase(cert: &CertificateFacts) -> String {
    let alias = cert
        .alias
        .as_deref()
        .map(|a| format!(" alias `{a}`"))
        .unwrap_or_default();
    // A keystore is reported as a whole file: the certificate's place in it
    // tells two chain certificates of one subject apart.
    let alias = match (cert.index, cert.alias.is_some()) {
        (0, _) => alias,
        (i, true) => format!("{alias}, chain certificate {}", i + 1),
        (i, false) => format!(", certificate {} in the file", i + 1),
    };
    match cert.source {
        CertificateSource::Pem | CertificateSource::Der => String::new(),
        CertificateSource::Jks => format!(" (Java keystore{alias})"),
        CertificateSource::Pkcs12 => {
            format!(" (PKCS#12 keystore{alias}, opened with its committed password)")
        }
        CertificateSource::Pkcs12NoPassword => {
            format!(" (PKCS#12 keystore{alias}, which has no password)")
        }
        CertificateSource::OauthApp => String::new(),
    }
}

impl Rule for CertificateHealth {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let now = inventory.now_unix;
        let mut out = Vec::new();
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        for cert in &inventory.certificates {
            // The same certificate in several chains of one keystore: once.
            if !seen.insert((cert.location.path.as_str(), &cert.sha256_fingerprint)) {
                continue;
            }
            let found = problems(cert, now);
            if found.is_empty() {
                continue;
            }
            if cert.source == CertificateSource::OauthApp {
                let app = OauthApp::of(inventory, cert);
                for problem in found {
                    out.push(oauth_app_finding(cert, problem, now, &app));
                }
                continue;
            }
            let users = users(inventory, &cert.location.path);
            for problem in found {
                out.push(finding(cert, problem, now, &users));
            }
        }
        out
    }
}

/// The connected app or External Client App a certificate was uploaded to,
/// and the integration users that sign JWT assertions for it.
struct OauthApp {
    /// `connected app Orders_SAPI` / `external client app Invoices_Portal`.
    phrase: String,
    /// Where to replace it in Setup.
    setup: String,
    identities: Vec<String>,
}

impl OauthApp {
    fn of(inventory: &Inventory, cert: &CertificateFacts) -> Self {
        let name = cert.alias.clone().unwrap_or_default();
        let sf = &inventory.salesforce;
        let connected = sf.connected_apps.iter().any(|a| {
            a.name == name
                && a.oauth
                    .as_ref()
                    .and_then(|o| o.certificate.as_ref())
                    .is_some_and(|c| c.location.path == cert.location.path)
        });
        if connected {
            OauthApp {
                phrase: format!("connected app {name}"),
                setup: format!("Setup > App Manager > {name} > Edit > Use digital signatures"),
                identities: identities_of_app(inventory, OAuthAppKind::ConnectedApp, &name),
            }
        } else {
            OauthApp {
                phrase: format!("external client app {name}"),
                setup: format!(
                    "External Client App Manager > {name} > Settings > OAuth Settings > Enable JWT Bearer Flow > upload the certificate"
                ),
                identities: identities_of_app(inventory, OAuthAppKind::ExternalClientApp, &name),
            }
        }
    }
}

fn problem_phrase(cert: &CertificateFacts, problem: Problem, now: i64) -> String {
    match problem {
        // In calendar days (UTC), as the date shown: a certificate that
        // expires tomorrow morning expires "in 1 day", not "in 0 days".
        Problem::Expired => match now.div_euclid(DAY) - cert.not_after.div_euclid(DAY) {
            0 => format!("expired on {} (today)", date(cert.not_after)),
            days => format!(
                "expired on {} ({} ago)",
                date(cert.not_after),
                plural(days, "day")
            ),
        },
        Problem::Expiring => match cert.not_after.div_euclid(DAY) - now.div_euclid(DAY) {
            0 => format!("expires on {} (today)", date(cert.not_after)),
            days => format!(
                "expires on {}, in {}",
                date(cert.not_after),
                plural(days, "day")
            ),
        },
        Problem::WeakKey => format!(
            "has a {}-bit RSA key (under {MIN_RSA_BITS} bits)",
            cert.key_bits.unwrap_or(0)
        ),
    }
}

/// A certificate uploaded to an OAuth app: the JWT bearer logins of its
/// integration users stop when it expires.
fn oauth_app_finding(
    cert: &CertificateFacts,
    problem: Problem,
    now: i64,
    app: &OauthApp,
) -> Finding {
    let file = file_name(&cert.location.path);
    let mut message = format!(
        "{} trusts certificate {} for JWT bearer logins, which {}",
        app.phrase,
        cert.subject,
        problem_phrase(cert, problem, now)
    );
    if !app.identities.is_empty() {
        message.push_str(&format!("; it serves {}", app.identities.join(", ")));
    }
    let severity = problem.severity();
    let bits = match problem {
        Problem::WeakKey => " --bits 3072",
        _ => "",
    };
    let fix = format!(
        "Make a new key and certificate (intguard keys new --out <a folder outside the repository> --days 365{bits}), upload the certificate ({}; in metadata, replace the <certificate> body in {file}), deploy the new private key to every integration that signs for the app (the keystore of its jwt-connection), check each login with intguard token, then remove the old key.",
        app.setup
    );
    let fp: String = cert.sha256_fingerprint.chars().take(23).collect();
    let alias = cert.alias.as_deref().unwrap_or_default();
    Finding::new(&META, cert.location.clone(), message)
        .severity(severity)
        .maybe_identity((app.identities.len() == 1).then(|| app.identities[0].clone()))
        .key(format!("{}|app|{alias}|{fp}", problem.key()))
        .fix(fix)
}

fn finding(cert: &CertificateFacts, problem: Problem, now: i64, users: &[FileUser]) -> Finding {
    let path = cert.location.path.as_str();
    let name = file_name(path);
    let what = problem_phrase(cert, problem, now);
    let mut message = format!(
        "{name}{}: certificate {} {what}",
        source_phrase(cert),
        cert.subject
    );
    if !users.is_empty() {
        let list: Vec<String> = users
            .iter()
            .map(|u| {
                let who = u
                    .identity
                    .as_deref()
                    .map(|w| format!(" as {w}"))
                    .unwrap_or_default();
                format!("{} {}{who}", u.app, u.what)
            })
            .collect();
        message.push_str(&format!("; loaded by {}", list.join(", ")));
    }
    let severity = problem.severity();
    // A CA certificate, or one only loaded as trusted: its issuer renews it.
    let trusted_only = !cert.with_private_key
        && (cert.is_ca
            || (!users.is_empty() && users.iter().all(|u| u.what.starts_with("tls:trust-store"))));
    let fix = match (problem, !trusted_only) {
        (Problem::WeakKey, _) => format!(
            "Make a new RSA key of 3072 bits (or at least {MIN_RSA_BITS}) and a certificate for it (intguard keys new --out <a folder outside the repository> --bits 3072), upload the certificate wherever {name}'s certificate is trusted (connected app or External Client App \"Use digital signatures\", Mutual Authentication Certificates, TLS peers), deploy the new keystore from a secret store, then remove the old key and certificate; a certificate cannot be renewed to a bigger key."
        ),
        (_, true) => {
            let when = if problem == Problem::Expired {
                "Replace it now".to_string()
            } else {
                format!("Rotate it before {}", date(cert.not_after))
            };
            format!(
                "{when}: make a new key and certificate (intguard keys new --out <a folder outside the repository> --days 365), upload the certificate wherever the old one is trusted (connected app or External Client App \"Use digital signatures\", Mutual Authentication Certificates, TLS peers), deploy the new keystore in place of {name} from a secret store, check the login with intguard token, then delete the old certificate."
            )
        }
        (_, false) => format!(
            "Replace the certificate {} in {name} with its issuer's current certificate, or remove it if nothing needs to trust it any more.",
            cert.subject
        ),
    };
    let alias = cert
        .alias
        .as_deref()
        .map(|a| format!("{a}|"))
        .unwrap_or_default();
    let fp: String = cert.sha256_fingerprint.chars().take(23).collect();
    let identity = users.iter().find_map(|u| u.identity.clone());
    let mut f = Finding::new(&META, cert.location.clone(), message)
        .severity(severity)
        .maybe_identity(identity)
        .key(format!("{}|{alias}{fp}", problem.key()))
        .fix(fix);
    for u in users {
        f = f.related(Related::new(
            &u.at,
            format!("{} loads {name} ({})", u.app, u.what),
        ));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::testkit::*;
    use intguard_model::AuthClass;

    const NOW: i64 = 1_800_000_000; // 2027-01-15T08:00:00Z

    fn cert(path: &str, line: u32, not_after: i64, bits: u32) -> CertificateFacts {
        CertificateFacts {
            source: CertificateSource::Pem,
            location: Location::new(path, line, 1),
            alias: None,
            index: 0,
            subject: "CN=orders-jwt".into(),
            issuer: "CN=orders-jwt".into(),
            key_type: "RSA".into(),
            key_bits: Some(bits),
            not_before: not_after - 365 * DAY,
            not_after,
            self_signed: true,
            is_ca: false,
            sha256_fingerprint: format!("AA:BB:{not_after}:{bits}:{path}"),
            with_private_key: false,
        }
    }

    fn run(inv: &Inventory) -> Vec<Finding> {
        CertificateHealth.run(inv)
    }

    #[test]
    fn dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(NOW), "2027-01-15");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(date(-DAY), "1969-12-31");
    }

    /// Found by testing as a user would: a certificate expiring tomorrow
    /// morning (23 hours away) was said to expire "in 0 days".
    #[test]
    fn days_left_are_calendar_days() {
        let phrase = |not_after: i64| {
            let c = cert("a/c.crt", 1, not_after, 2048);
            let problem = if not_after < NOW {
                Problem::Expired
            } else {
                Problem::Expiring
            };
            problem_phrase(&c, problem, NOW)
        };
        // NOW is 08:00 UTC.
        assert_eq!(phrase(NOW + 23 * 3600), "expires on 2027-01-16, in 1 day");
        assert_eq!(phrase(NOW + 3600), "expires on 2027-01-15 (today)");
        assert_eq!(
            phrase(NOW + 10 * DAY + 5),
            "expires on 2027-01-25, in 10 days"
        );
        assert_eq!(phrase(NOW - 9 * 3600), "expired on 2027-01-14 (1 day ago)");
        assert_eq!(phrase(NOW - 3600), "expired on 2027-01-15 (today)");
    }

    #[test]
    fn expired_expiring_and_weak() {
        let inv = Inventory {
            now_unix: NOW,
            certificates: vec![
                cert("a/expired.crt", 1, NOW - 3 * DAY, 2048),
                cert("a/soon.crt", 1, NOW + 10 * DAY + 5, 4096),
                cert("a/weak.crt", 1, NOW + 400 * DAY, 1024),
                cert("a/fine.crt", 1, NOW + 31 * DAY, 2048),
                cert("a/src/test/resources/old.pem", 4, NOW - DAY, 2048),
            ],
            ..Default::default()
        };
        let f = run(&inv);
        let got: Vec<(&str, Severity)> = f
            .iter()
            .map(|f| (file_name(&f.location.path), f.severity))
            .collect();
        assert_eq!(
            got,
            vec![
                ("expired.crt", Severity::High),
                ("soon.crt", Severity::Medium),
                ("weak.crt", Severity::High),
                ("old.pem", Severity::Medium),
            ]
        );
        assert!(
            f[0].message
                .contains("certificate CN=orders-jwt expired on 2027-01-12 (3 days ago)"),
            "{}",
            f[0].message
        );
        assert!(f[1].message.contains("in 10 days"), "{}", f[1].message);
        assert!(
            f[2].message.contains("1024-bit RSA key"),
            "{}",
            f[2].message
        );
        assert!(f[2].fix.contains("--bits 3072"));
        assert!(f[0].fingerprint_key.starts_with("expired|"));
        assert!(f[1].fingerprint_key.starts_with("expiring|"));
    }

    #[test]
    fn unknown_time_checks_key_size_only() {
        let inv = Inventory {
            now_unix: 0,
            certificates: vec![
                cert("old.crt", 1, 1000, 2048),
                cert("weak.crt", 1, 1000, 1024),
            ],
            ..Default::default()
        };
        let f = run(&inv);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("1024-bit"));
    }

    #[test]
    fn ec_keys_are_not_weak_rsa() {
        let mut c = cert("ec.pem", 1, NOW + 400 * DAY, 256);
        c.key_type = "EC P-256".into();
        let inv = Inventory {
            now_unix: NOW,
            certificates: vec![c],
            ..Default::default()
        };
        assert!(run(&inv).is_empty());
    }

    #[test]
    fn names_the_connection_and_identity() {
        let mut a = app("orders", &["prod"]);
        a.salesforce_connections.push(conn(
            "Salesforce_Config",
            "salesforce:jwt-connection",
            AuthClass::Certificate,
            "orders/src/main/mule/global.xml",
            12,
            &[
                ("keyStore", "keys/sfdc.jks"),
                ("principal", "int.orders@acme.com"),
            ],
        ));
        let mut c = cert(
            "orders/src/main/resources/keys/sfdc.jks",
            0,
            NOW - 40 * DAY,
            2048,
        );
        c.source = CertificateSource::Jks;
        c.alias = Some("sfdc".into());
        c.with_private_key = true;
        let mut dup = c.clone();
        dup.index = 1;
        let inv = Inventory {
            now_unix: NOW,
            apps: vec![a],
            certificates: vec![c, dup],
            ..Default::default()
        };
        let f = run(&inv);
        assert_eq!(f.len(), 1, "duplicates are reported once");
        let f = &f[0];
        assert_eq!(f.identity.as_deref(), Some("int.orders@acme.com"));
        assert!(
            f.message.contains("sfdc.jks (Java keystore alias `sfdc`)"),
            "{}",
            f.message
        );
        assert!(
            f.message
                .contains("loaded by orders keyStore of Salesforce connection `Salesforce_Config`"),
            "{}",
            f.message
        );
        assert!(f.related.iter().any(|r| r.line == 12));
        assert!(f.fix.contains("intguard keys new"), "{}", f.fix);
    }

    /// Two expired chain certificates of one subject in a PKCS#12 file
    /// (reported as the whole file) are told apart by their place in it.
    #[test]
    fn chain_certificates_of_a_keystore_are_told_apart() {
        let path = "orders/src/main/resources/keys/partner.p12";
        let mut first = cert(path, 0, NOW - 3 * DAY, 2048);
        first.source = CertificateSource::Pkcs12;
        first.alias = Some("partner".into());
        let mut second = first.clone();
        second.index = 2;
        second.sha256_fingerprint = "AB:CD".into();
        let mut loose = first.clone();
        loose.alias = None;
        loose.index = 1;
        loose.sha256_fingerprint = "EF:01".into();
        let inv = Inventory {
            now_unix: NOW,
            certificates: vec![first, second, loose],
            ..Default::default()
        };
        let messages: Vec<String> = run(&inv).into_iter().map(|f| f.message).collect();
        for want in [
            "partner.p12 (PKCS#12 keystore alias `partner`, opened with its committed password): certificate",
            "partner.p12 (PKCS#12 keystore alias `partner`, chain certificate 3, opened with its committed password): certificate",
            "partner.p12 (PKCS#12 keystore, certificate 2 in the file, opened with its committed password): certificate",
        ] {
            assert!(
                messages.iter().any(|m| m.starts_with(want)),
                "{want:?} not in {messages:#?}"
            );
        }
    }

    #[test]
    fn trusted_ca_certificates_get_a_replace_fix() {
        let mut a = app("orders", &[]);
        let mut ctx = tls(Some("Partner_TLS"), "orders/src/main/mule/global.xml", 30);
        ctx.trust_store = Some(store(
            "tls:trust-store",
            "orders/src/main/mule/global.xml",
            31,
            &[("path", "certs/partner-ca.crt")],
        ));
        a.tls_contexts.push(ctx);
        let mut c = cert(
            "orders/src/main/resources/certs/partner-ca.crt",
            1,
            NOW - DAY,
            2048,
        );
        c.is_ca = true;
        let inv = Inventory {
            now_unix: NOW,
            apps: vec![a],
            certificates: vec![c],
            ..Default::default()
        };
        let f = run(&inv);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].fix.starts_with("Replace the certificate"),
            "{}",
            f[0].fix
        );
        assert!(
            f[0].message
                .contains("tls:trust-store of TLS context `Partner_TLS`"),
            "{}",
            f[0].message
        );
    }
}
