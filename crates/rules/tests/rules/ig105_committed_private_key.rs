//! IG105 committed-private-key on real fixture trees (keystores made with
//! keytool, PEM keys with openssl; throwaway keys made for these tests).

use crate::common;

use intguard_model::Severity;

const KEYS: &str = "orders-sapi/src/main/resources/keys";

#[test]
fn positive() {
    common::assert_places(
        "IG105",
        "IG105/positive",
        &[
            ("docs/ONBOARDING.md", 7),
            ("orders-sapi/src/main/resources/keys/api-server.p12", 0),
            ("orders-sapi/src/main/resources/keys/jwt-private.key", 1),
            ("orders-sapi/src/main/resources/keys/sfdc-jwt.jks", 0),
        ],
    );
}

#[test]
fn severity_follows_encryption_and_committed_passwords() {
    let findings = common::run("IG105", "IG105/positive");
    let at = |file: &str| {
        findings
            .iter()
            .find(|f| f.location.path.ends_with(file))
            .unwrap_or_else(|| panic!("no finding for {file}"))
    };
    // JKS loaded by the JWT connection, storePassword in clear in prod.yaml.
    let jks = at(&format!("{KEYS}/sfdc-jwt.jks"));
    assert_eq!(jks.severity, Severity::Critical, "{}", jks.message);
    assert_eq!(jks.environments, vec!["prod".to_string()]);
    assert_eq!(
        jks.identity.as_deref(),
        Some("int.orders@acme.com.uat (dev), int.orders@acme.com (prod)")
    );
    assert!(jks.message.contains("Salesforce_Config"), "{}", jks.message);
    assert!(jks
        .related
        .iter()
        .any(|r| r.path.ends_with("src/main/mule/global.xml") && r.line == 24));
    assert!(jks
        .related
        .iter()
        .any(|r| r.path.ends_with("properties/prod.yaml") && r.line == 9));
    // PKCS#12 loaded by a TLS context whose password is an encrypted secure property.
    let p12 = at(&format!("{KEYS}/api-server.p12"));
    assert_eq!(p12.severity, Severity::High, "{}", p12.message);
    assert!(p12.message.contains("Api_TLS_Context"), "{}", p12.message);
    // Unencrypted PKCS#8 PEM key: critical, reported once.
    let pem = at(&format!("{KEYS}/jwt-private.key"));
    assert_eq!(pem.severity, Severity::Critical);
    assert!(pem.message.contains("unencrypted"), "{}", pem.message);
    // Passphrase-encrypted key pasted into a document outside any app: high.
    let doc = at("docs/ONBOARDING.md");
    assert_eq!(doc.severity, Severity::High);
    assert!(doc.message.contains("ENCRYPTED PRIVATE KEY"));
    for f in &findings {
        assert!(f.fix.contains("git filter-repo"), "{}", f.fix);
    }
}

#[test]
fn no_fixture_secret_in_output() {
    let pem = std::fs::read_to_string(common::fixture(&format!(
        "IG105/positive/{KEYS}/jwt-private.key"
    )))
    .unwrap();
    let body = pem.lines().nth(1).unwrap().to_string();
    common::assert_no_secrets("IG105/positive", &["Jks!Fixture2024", &body]);
}

#[test]
fn negative() {
    common::assert_clean("IG105", "IG105/negative");
}

/// Found by review: a key written as a multi-line `.properties` value was
/// missed: lines ending in `\n\` (an escaped line break, then a
/// continuation), or in `\` alone.
#[test]
fn key_blocks_in_continued_properties_values() {
    let rel = "IG105/pem-in-values";
    common::assert_places(
        "IG105",
        rel,
        &[
            ("jwt-app/src/main/resources/jwt.properties", 2),
            ("jwt-app/src/main/resources/mtls.properties", 1),
        ],
    );
    let findings = common::run("IG105", rel);
    for f in &findings {
        assert_eq!(f.severity, Severity::Critical, "{}", f.message);
        assert!(f.message.contains("unencrypted"), "{}", f.message);
    }
    let jwt = common::finding_at(&findings, "jwt.properties", 2);
    assert_eq!(jwt.location.column, 14, "at the BEGIN");
    assert!(
        jwt.message.contains("(-----BEGIN RSA PRIVATE KEY-----)"),
        "{}",
        jwt.message
    );
    let mut body = Vec::new();
    for file in ["jwt.properties", "mtls.properties"] {
        let text = std::fs::read_to_string(common::fixture(&format!(
            "{rel}/jwt-app/src/main/resources/{file}"
        )))
        .unwrap();
        body.extend(
            text.split(|c: char| c.is_whitespace() || c == '\\')
                .filter(|w| w.len() >= 40)
                .map(str::to_string),
        );
    }
    let body: Vec<&str> = body.iter().map(String::as_str).collect();
    common::assert_no_secrets(rel, &body);
}

/// Found by review: a passphrase-protected OpenSSH key was called
/// unencrypted; its cipher name is inside the base64 body.
#[test]
fn openssh_keys_say_whether_they_are_encrypted() {
    let rel = "IG105/openssh";
    let findings = common::run("IG105", rel);
    let enc = common::finding_at(&findings, "deploy/id_ed25519_enc", 1);
    assert_eq!(enc.severity, Severity::High, "{}", enc.message);
    assert!(
        enc.message
            .contains("a passphrase-encrypted PEM private key (OPENSSH PRIVATE KEY)"),
        "{}",
        enc.message
    );
    let plain = common::finding_at(&findings, "deploy/id_ed25519", 1);
    assert_eq!(plain.severity, Severity::Critical, "{}", plain.message);
    assert!(plain.message.contains("unencrypted"), "{}", plain.message);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let lines: Vec<String> = ["id_ed25519", "id_ed25519_enc"]
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(common::fixture(&format!("{rel}/deploy/{f}")))
                .unwrap()
                .lines()
                .filter(|l| !l.starts_with("-----"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    common::assert_no_secrets(rel, &lines);
}

/// Found by review: binary (DER) PKCS#8 keys were skipped as binary files.
#[test]
fn der_pkcs8_keys() {
    let rel = "IG105/der-keys";
    common::assert_places(
        "IG105",
        rel,
        &[
            ("keys/jwt-enc.pk8", 0),
            ("keys/jwt.der", 0),
            ("keys/mtls.p8", 0),
        ],
    );
    let findings = common::run("IG105", rel);
    for (file, severity, what) in [
        (
            "jwt.der",
            Severity::Critical,
            "an unencrypted DER private key (PKCS#8)",
        ),
        (
            "mtls.p8",
            Severity::Critical,
            "an unencrypted DER private key (PKCS#8)",
        ),
        (
            "jwt-enc.pk8",
            Severity::High,
            "a passphrase-encrypted DER private key (PKCS#8)",
        ),
    ] {
        let f = common::finding_at(&findings, file, 0);
        assert_eq!(f.severity, severity, "{}", f.message);
        assert!(
            f.message.contains(&format!("{file} is committed: {what}")),
            "{}",
            f.message
        );
    }
    common::assert_no_secrets(rel, &["fixture-pass-2"]);
}

/// Found by review: a trust store that holds a private key was reported low,
/// as if it held public certificates only; a JKS lists its entries' types
/// without a password.
#[test]
fn trust_store_holding_a_private_key_is_high() {
    let rel = "IG105/trust-store-with-key";
    let findings = common::run("IG105", rel);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let with_key = common::finding_at(&findings, "certs/erp-truststore.jks", 0);
    assert_eq!(with_key.severity, Severity::High, "{}", with_key.message);
    assert!(
        with_key
            .message
            .contains("it is used as a trust store, yet it holds a private key (alias erp)"),
        "{}",
        with_key.message
    );
    assert!(!with_key.message.contains("informational"));
    let certs_only = common::finding_at(&findings, "certs/partner-truststore.jks", 0);
    assert_eq!(certs_only.severity, Severity::Low, "{}", certs_only.message);
    assert!(certs_only.message.contains("informational"));
    common::assert_no_secrets(rel, &["fixture-pass-3"]);
}

/// Found by testing: a trust store seen to hold a private key stayed high
/// when the password that opens it (the trust store's `password`) was
/// committed in clear: that password opens the key as surely as a key
/// store's. A trust store of certificates only stays low.
#[test]
fn trust_store_holding_a_key_with_its_password_committed_is_critical() {
    let rel = "IG105/trust-store-key-password";
    let findings = common::run("IG105", rel);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let with_key = common::finding_at(&findings, "certs/erp-truststore.p12", 0);
    assert_eq!(
        with_key.severity,
        Severity::Critical,
        "{}",
        with_key.message
    );
    assert!(
        with_key
            .message
            .contains("its password is committed in clear too (password at prod.yaml:3 for prod)"),
        "{}",
        with_key.message
    );
    assert!(
        with_key
            .message
            .contains("it is used as a trust store, yet it holds a private key (alias erp)"),
        "{}",
        with_key.message
    );
    assert_eq!(with_key.environments, vec!["prod".to_string()]);
    assert!(with_key
        .related
        .iter()
        .any(|r| r.path.ends_with("properties/prod.yaml") && r.line == 3));
    let certs_only = common::finding_at(&findings, "certs/partner-truststore.p12", 0);
    assert_eq!(certs_only.severity, Severity::Low, "{}", certs_only.message);
    // Opened with its committed password: known to hold no key, said so
    // (not "if it holds public certificates only").
    assert!(
        certs_only.message.ends_with(
            "it is only used as a trust store and holds public certificates only (1 read, no private key): informational"
        ),
        "{}",
        certs_only.message
    );
    common::assert_no_secrets(rel, &["fixture-trust-7"]);
}

/// TLS contexts nested in a listener's and a request config's connection
/// (not global ones) load committed stores too, and the finding names the
/// config that holds each. The scan keeps such configs until the Scan rules
/// run (`scan_scope`); the engine's `app_pass` test compares that with the
/// whole Inventory on this tree.
#[test]
fn stores_of_tls_contexts_nested_in_http_configs() {
    let rel = "IG105/nested-tls";
    let findings = common::run("IG105", rel);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let listener = common::finding_at(&findings, "certs/erp-truststore.jks", 0);
    assert_eq!(listener.severity, Severity::High, "{}", listener.message);
    assert!(
        listener
            .message
            .contains("tls:trust-store of HTTP listener `Api_Listener` (http.xml:9)"),
        "{}",
        listener.message
    );
    let requester = common::finding_at(&findings, "certs/partner-truststore.jks", 0);
    assert_eq!(requester.severity, Severity::Low, "{}", requester.message);
    assert!(
        requester
            .message
            .contains("tls:trust-store of HTTP request config `Partner_Request` (http.xml:16)"),
        "{}",
        requester.message
    );
}

/// Found by review: with `keyStore="${sf.keystore}"` naming a keystore per
/// environment, each keystore's finding named the users (and committed
/// passwords) of every environment. Each names only the environments whose
/// path resolves to it.
#[test]
fn keystore_per_environment_names_its_own_users() {
    let rel = "IG105/keystore-per-env";
    let findings = common::run("IG105", rel);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    let dev = common::finding_at(&findings, "keys/sfdc-dev.jks", 0);
    assert_eq!(dev.severity, Severity::Critical, "{}", dev.message);
    assert_eq!(dev.identity.as_deref(), Some("int.sync@acme.com.dev"));
    assert!(
        dev.message.contains("as int.sync@acme.com.dev ("),
        "{}",
        dev.message
    );
    assert!(!dev.message.contains("(prod)"), "{}", dev.message);
    assert_eq!(dev.environments, vec!["dev".to_string()]);
    let prod = common::finding_at(&findings, "keys/sfdc-prod.jks", 0);
    assert_eq!(prod.severity, Severity::High, "{}", prod.message);
    assert_eq!(prod.identity.as_deref(), Some("int.sync@acme.com"));
    assert!(!prod.message.contains("dev"), "{}", prod.message);
    assert!(prod.environments.is_empty(), "{:?}", prod.environments);
    common::assert_no_secrets(rel, &["fixture-pass-dev", "fixture-pass-prod"]);
}

/// Found by review: JCEKS (`.jceks`) and BouncyCastle (`.bks`) keystores,
/// which Mule loads with `type="jceks"` / `type="bks"`, were skipped as
/// binary files. JCEKS stores made with keytool; the BKS file is an empty
/// BKS v2 store written by hand (only its name is read).
#[test]
fn jceks_and_bks_keystores() {
    let rel = "IG105/jceks-bks";
    const KEYS: &str = "vault-api/src/main/resources/keys";
    common::assert_places(
        "IG105",
        rel,
        &[
            (&format!("{KEYS}/api-server.jceks"), 0),
            (&format!("{KEYS}/partner.bks"), 0),
            (&format!("{KEYS}/sfdc-jwt.jceks"), 0),
        ],
    );
    let findings = common::run("IG105", rel);
    // Loaded by a TLS key store whose password is a plain property.
    let api = common::finding_at(&findings, "keys/api-server.jceks", 0);
    assert_eq!(api.severity, Severity::Critical, "{}", api.message);
    assert!(
        api.message
            .contains("api-server.jceks is committed: a keystore")
            && api
                .message
                .contains("tls:key-store of TLS context `Api_TLS`")
            && api
                .message
                .contains("its password is committed in clear too"),
        "{}",
        api.message
    );
    // Loaded by the JWT connection, its password a secure property.
    let jwt = common::finding_at(&findings, "keys/sfdc-jwt.jceks", 0);
    assert_eq!(jwt.severity, Severity::High, "{}", jwt.message);
    assert!(
        jwt.message
            .contains("keyStore of Salesforce connection `Salesforce_Config`"),
        "{}",
        jwt.message
    );
    let bks = common::finding_at(&findings, "keys/partner.bks", 0);
    assert_eq!(bks.severity, Severity::High, "{}", bks.message);
    assert!(
        bks.message.contains("partner.bks is committed: a keystore"),
        "{}",
        bks.message
    );
    common::assert_no_secrets(rel, &["fixture-pass-api", "fixture-pass-jceks"]);
}

/// Found by review: binary (DER) PKCS#1 RSA keys (`openssl rsa -outform DER
/// -traditional`) were skipped as binary files. Keys made with openssl; the
/// PKCS#1 public key beside them (`-RSAPublicKey_out`) is no finding.
#[test]
fn der_pkcs1_keys() {
    let rel = "IG105/der-pkcs1";
    assert_unencrypted_der_keys(
        rel,
        &["keys/jwt-rsa.key", "keys/mtls-rsa.der"],
        "an unencrypted DER RSA private key (PKCS#1)",
    );
    common::assert_no_secrets(rel, &[]);
}

/// Every one of `files` (and nothing else in `rel`) is a critical finding
/// saying it is `what`, which anyone with the repository can use.
fn assert_unencrypted_der_keys(rel: &str, files: &[&str], what: &str) {
    let places: Vec<(&str, u32)> = files.iter().map(|f| (*f, 0)).collect();
    common::assert_places("IG105", rel, &places);
    let findings = common::run("IG105", rel);
    for file in files {
        let name = file.rsplit('/').next().unwrap();
        let f = common::finding_at(&findings, file, 0);
        assert_eq!(f.severity, Severity::Critical, "{}", f.message);
        assert!(
            f.message.contains(&format!("{name} is committed: {what}")),
            "{}",
            f.message
        );
        assert!(f.message.contains("anyone with the repository can use it"));
    }
}

/// Found by review: PuTTY private keys were not reported. They are told by
/// their first line (`PuTTY-User-Key-File-3: ssh-ed25519`), whatever the
/// file's name, and are encrypted or not per their `Encryption:` header; a
/// `.ppk` file without that line, or the header quoted in a document, is no
/// key. The keys were written with Python's `cryptography` package following
/// PuTTY's documented PPK format (v3 with Argon2id, v2), puttygen not being
/// at hand: throwaway ed25519 keys.
#[test]
fn putty_keys() {
    let rel = "IG105/putty";
    const KEYS: &str = "sftp-api/src/main/resources/keys";
    common::assert_places(
        "IG105",
        rel,
        &[
            (&format!("{KEYS}/legacy_putty_key"), 0),
            (&format!("{KEYS}/partner-sftp-enc.ppk"), 0),
            (&format!("{KEYS}/partner-sftp.ppk"), 0),
        ],
    );
    let findings = common::run("IG105", rel);
    for (file, severity, what) in [
        (
            "partner-sftp.ppk",
            Severity::Critical,
            "an unencrypted PuTTY private key (Encryption: none) in app sftp-api; anyone with the repository can use it",
        ),
        (
            "partner-sftp-enc.ppk",
            Severity::High,
            "a passphrase-encrypted PuTTY private key in app sftp-api",
        ),
        (
            "legacy_putty_key",
            Severity::High,
            "a passphrase-encrypted PuTTY private key in app sftp-api",
        ),
    ] {
        let f = common::finding_at(&findings, file, 0);
        assert_eq!(f.severity, severity, "{}", f.message);
        assert!(
            f.message.contains(&format!("{file} is committed: {what}")),
            "{}",
            f.message
        );
        assert!(f.fix.contains("authorized keys"), "{}", f.fix);
    }
    // Neither the private lines nor the MAC of any key is printed.
    let mut key_lines = Vec::new();
    for file in [
        "partner-sftp.ppk",
        "partner-sftp-enc.ppk",
        "legacy_putty_key",
    ] {
        let text =
            std::fs::read_to_string(common::fixture(&format!("{rel}/{KEYS}/{file}"))).unwrap();
        let mut private = 0;
        for line in text.lines() {
            if let Some(n) = line.strip_prefix("Private-Lines: ") {
                private = n.parse().unwrap();
            } else if let Some(mac) = line.strip_prefix("Private-MAC: ") {
                key_lines.push(mac.to_string());
            } else if private > 0 {
                key_lines.push(line.to_string());
                private -= 1;
            }
        }
    }
    assert_eq!(key_lines.len(), 6, "{key_lines:?}");
    let key_lines: Vec<&str> = key_lines.iter().map(String::as_str).collect();
    common::assert_no_secrets(rel, &key_lines);
}

/// Found by review: OpenPGP private keys (`-----BEGIN PGP PRIVATE KEY
/// BLOCK-----`, as Mule's Crypto module `crypto:pgp-config` loads) were not
/// reported. Whether a passphrase protects one is read from its secret-key
/// packets (the S2K usage octet); a block cut before it says it could not be
/// told. Keys made with GnuPG 2.2 (ed25519 + cv25519, RSA, DSA + Elgamal,
/// NIST P-256, subkeys exported without their primary key); the RSA one was
/// given the armor headers BouncyCastle writes. A public key block and a
/// mention of the label in prose are no finding. A block printed on one line
/// with its headers (`echo $KEY`) was not found at all (review).
#[test]
fn pgp_private_key_blocks() {
    let rel = "IG105/pgp";
    const PGP: &str = "payments-api/src/main/resources/pgp";
    common::assert_places(
        "IG105",
        rel,
        &[
            ("docs/JOB-LOG.md", 6),
            ("docs/KEYS.md", 6),
            ("docs/TRUNCATED.md", 3),
            ("docs/laptop-subkeys.txt", 2),
            ("payments-api/src/main/resources/pgp.properties", 2),
            (&format!("{PGP}/legacy-rsa.asc"), 1),
            (&format!("{PGP}/partner-private.asc"), 1),
            (&format!("{PGP}/signing-private.asc"), 1),
        ],
    );
    let findings = common::run("IG105", rel);
    for (name, line, severity, what) in [
        (
            "partner-private.asc",
            1,
            Severity::Critical,
            "partner-private.asc is committed: an unencrypted OpenPGP private key (PGP PRIVATE KEY BLOCK) in app payments-api; anyone with the repository can use it",
        ),
        (
            "legacy-rsa.asc",
            1,
            Severity::Critical,
            "legacy-rsa.asc is committed: an unencrypted OpenPGP private key",
        ),
        (
            "signing-private.asc",
            1,
            Severity::High,
            "signing-private.asc is committed: a passphrase-protected OpenPGP private key (PGP PRIVATE KEY BLOCK) in app payments-api",
        ),
        (
            "KEYS.md",
            6,
            Severity::Critical,
            "KEYS.md contains an unencrypted private key block (-----BEGIN PGP PRIVATE KEY BLOCK-----)",
        ),
        // The whole block on one line, headers first (`echo $KEY`).
        (
            "JOB-LOG.md",
            6,
            Severity::Critical,
            "JOB-LOG.md contains an unencrypted private key block (-----BEGIN PGP PRIVATE KEY BLOCK-----)",
        ),
        // The primary key is a GnuPG stub; the subkeys are in clear.
        (
            "laptop-subkeys.txt",
            2,
            Severity::Critical,
            "laptop-subkeys.txt contains an unencrypted private key block",
        ),
        (
            "pgp.properties",
            2,
            Severity::Critical,
            "pgp.properties contains an unencrypted private key block (-----BEGIN PGP PRIVATE KEY BLOCK-----) in app payments-api",
        ),
        (
            "TRUNCATED.md",
            3,
            Severity::High,
            "TRUNCATED.md contains a private key block (-----BEGIN PGP PRIVATE KEY BLOCK-----); whether a passphrase protects it could not be read from its packets",
        ),
    ] {
        let f = common::finding_at(&findings, name, line);
        assert_eq!(f.severity, severity, "{}", f.message);
        assert!(f.message.contains(what), "{}", f.message);
        assert!(f.fix.contains("revocation certificate"), "{}", f.fix);
    }
    assert!(!common::finding_at(&findings, "TRUNCATED.md", 3)
        .message
        .contains("encrypted"));

    let mut body = Vec::new();
    for name in [
        "docs/JOB-LOG.md",
        "docs/KEYS.md",
        "docs/laptop-subkeys.txt",
        "docs/TRUNCATED.md",
        &format!("{PGP}/partner-private.asc"),
        &format!("{PGP}/legacy-rsa.asc"),
        &format!("{PGP}/signing-private.asc"),
        "payments-api/src/main/resources/pgp.properties",
    ] {
        let text = std::fs::read_to_string(common::fixture(&format!("{rel}/{name}"))).unwrap();
        body.extend(
            text.split(|c: char| c.is_whitespace() || c == '\\')
                .filter(|w| w.len() >= 40)
                .map(str::to_string),
        );
    }
    let body: Vec<&str> = body.iter().map(String::as_str).collect();
    common::assert_no_secrets(rel, &body);
}

/// Binary OpenPGP files (GnuPG 2.2 exports): a secret keyring in clear is
/// critical, a passphrase-protected export high; a public keyring and an
/// encrypted message hold no private key.
#[test]
fn binary_pgp_keyrings() {
    let rel = "IG105/pgp-keyring";
    const KEYS: &str = "payments-batch/src/main/resources/keys";
    common::assert_places(
        "IG105",
        rel,
        &[
            (&format!("{KEYS}/partner-locked.pgp"), 0),
            (&format!("{KEYS}/secring.gpg"), 0),
        ],
    );
    let findings = common::run("IG105", rel);
    let secring = common::finding_at(&findings, "secring.gpg", 0);
    assert_eq!(secring.severity, Severity::Critical);
    assert!(
        secring.message.starts_with(
            "secring.gpg is committed: an unencrypted OpenPGP private key (a binary keyring)"
        ),
        "{}",
        secring.message
    );
    assert!(secring.fix.contains("revoke it"), "{}", secring.fix);
    let locked = common::finding_at(&findings, "partner-locked.pgp", 0);
    assert_eq!(locked.severity, Severity::High);
    assert!(
        locked
            .message
            .contains("a passphrase-protected OpenPGP private key (a binary keyring)"),
        "{}",
        locked.message
    );
}

/// Binary SEC1 EC private keys (`openssl ecparam -genkey -noout -outform
/// DER`), P-256 and P-384: critical (that form is never encrypted); the EC
/// public key beside them is no key.
#[test]
fn der_sec1_keys() {
    assert_unencrypted_der_keys(
        "IG105/der-sec1",
        &["keys/mtls-ec.der", "keys/partner-ec.key"],
        "an unencrypted DER EC private key (SEC1)",
    );
}

/// Keys loaded by the Cryptography module: a PGP private keyring whose
/// passphrase (a `crypto:pgp-asymmetric-key-info` of the config) is a plain
/// property value for dev is as good as unprotected (critical, dev); a JCE
/// keystore whose passwords are secure properties stays high, with the fix
/// in `crypto:jce-config` syntax. The public keyring holds no private key.
#[test]
fn crypto_module_configs() {
    let rel = "IG105/crypto-configs";
    const KEYS: &str = "partner-files/src/main/resources/keys";
    common::assert_places(
        "IG105",
        rel,
        &[
            (&format!("{KEYS}/partner-locked.pgp"), 0),
            (&format!("{KEYS}/signing.p12"), 0),
        ],
    );
    let findings = common::run("IG105", rel);
    let pgp = common::finding_at(&findings, "partner-locked.pgp", 0);
    assert_eq!(pgp.severity, Severity::Critical, "{}", pgp.message);
    assert_eq!(
        pgp.message,
        "partner-locked.pgp is committed: a passphrase-protected OpenPGP private key (a binary keyring) \
         in app partner-files; loaded by partner-files privateKeyring of Crypto config `Partner_Decrypt` \
         (crypto:pgp-config) (crypto.xml:12); its passphrase is committed in clear too \
         (passphrase of key `partner` at dev.yaml:2 for dev)"
    );
    assert_eq!(pgp.environments, vec!["dev".to_string()]);
    assert_eq!(
        common::related_places(pgp),
        vec![("crypto.xml".to_string(), 12), ("dev.yaml".to_string(), 2)]
    );
    assert!(
        pgp.fix.contains("<crypto:pgp-config privateKeyring="),
        "{}",
        pgp.fix
    );

    let jce = common::finding_at(&findings, "signing.p12", 0);
    assert_eq!(jce.severity, Severity::High, "{}", jce.message);
    assert!(
        jce.message
            .ends_with("loaded by partner-files keystore of Crypto config `Signing_Jce` (crypto:jce-config) (crypto.xml:18)"),
        "{}",
        jce.message
    );
    assert!(
        jce.fix.contains("<crypto:jce-config keystore="),
        "{}",
        jce.fix
    );
    assert!(!jce.fix.contains("storePassword"), "{}", jce.fix);
    common::assert_no_secrets(rel, &[]);
}

/// Mule 3: the PGP module's key manager is a Spring bean
/// (`org.mule.module.pgp.PGPKeyRingImpl`) whose `secretKeyRingFileName`
/// loads the committed keyring and whose `secretPassphrase` reads a property
/// that is in clear for prod: critical for prod, linked to the bean, with
/// the fix in Spring property syntax.
#[test]
fn mule3_pgp_key_ring_bean() {
    let rel = "IG105/mule3-pgp";
    common::assert_places(
        "IG105",
        rel,
        &[("ledger-m3/src/main/resources/secring.gpg", 0)],
    );
    let findings = common::run("IG105", rel);
    let f = &findings[0];
    assert_eq!(f.severity, Severity::Critical, "{}", f.message);
    assert_eq!(
        f.message,
        "secring.gpg is committed: a passphrase-protected OpenPGP private key (a binary keyring) \
         in app ledger-m3; loaded by ledger-m3 secretKeyRingFileName of Spring bean `pgpKeyManager` \
         (PGPKeyRingImpl) (pgp.xml:14); its passphrase is committed in clear too \
         (secretPassphrase at mule.prod.properties:2 for prod)"
    );
    assert_eq!(f.environments, vec!["prod".to_string()]);
    assert_eq!(
        common::related_places(f),
        vec![
            ("pgp.xml".to_string(), 14),
            ("mule.prod.properties".to_string(), 2)
        ]
    );
    assert!(
        f.fix.contains(
            "<spring:property name=\"secretKeyRingFileName\" value=\"${pgp.secring.path}\"/>"
        ),
        "{}",
        f.fix
    );
    common::assert_no_secrets(rel, &["Bank-Export-Phrase-2020"]);
}

/// SSH key authentication of an SFTP connection: the committed OpenSSH key
/// its `identityFile` names, whose `passphrase` reads a property in clear,
/// is critical and linked to the connection; the fix replaces an SSH key
/// pair, not a certificate.
#[test]
fn sftp_identity_file() {
    let rel = "IG105/sftp-identity";
    const KEY: &str = "partner-sftp/src/main/resources/keys/partner_ed25519";
    common::assert_places("IG105", rel, &[(KEY, 1)]);
    let findings = common::run("IG105", rel);
    let f = &findings[0];
    assert_eq!(f.severity, Severity::Critical, "{}", f.message);
    assert_eq!(
        f.message,
        "partner_ed25519 is committed: a passphrase-encrypted PEM private key (OPENSSH PRIVATE KEY) \
         in app partner-sftp; loaded by partner-sftp identityFile of SFTP connection `Partner_SFTP` \
         (sftp:connection) (sftp.xml:13); its passphrase is committed in clear too \
         (passphrase at config.yaml:2)"
    );
    assert!(
        f.fix
            .starts_with("Consider the key compromised: create a new SSH key pair")
            && f.fix
                .contains("<sftp:connection identityFile=\"${sftp.identity.path}\""),
        "{}",
        f.fix
    );
    common::assert_no_secrets(rel, &["Sftp-Key-Phrase-88"]);
}

/// The JWT key a CI pipeline logs in to Salesforce with: `sf org login jwt`
/// in a GitHub workflow (continued over two lines) and the deprecated `sfdx
/// force:auth:jwt:grant` in a script both load the committed `server.key`;
/// the finding names both, the user written out (not the one in a
/// variable), and a fix for CI secrets. A login with another key file is
/// not linked.
#[test]
fn salesforce_cli_jwt_logins() {
    let rel = "IG105/sf-cli-jwt";
    common::assert_places("IG105", rel, &[("assets/server.key", 1)]);
    let findings = common::run("IG105", rel);
    let f = &findings[0];
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(
        f.message,
        "server.key is committed: an unencrypted PEM private key (PRIVATE KEY); loaded by \
         `sf org login jwt` in deploy.yml as ci.deploy@acme.com (deploy.yml:14), \
         `sfdx force:auth:jwt:grant` in legacy-login.sh (legacy-login.sh:4); anyone with the \
         repository can use it"
    );
    assert_eq!(f.identity.as_deref(), Some("ci.deploy@acme.com"));
    let related: Vec<(String, u32, &str)> = f
        .related
        .iter()
        .map(|r| {
            (
                r.path.rsplit('/').next().unwrap_or("").to_string(),
                r.line,
                r.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        related,
        vec![
            (
                "deploy.yml".to_string(),
                14,
                "`sf org login jwt` in deploy.yml loads server.key (as its JWT signing key)"
            ),
            (
                "legacy-login.sh".to_string(),
                4,
                "`sfdx force:auth:jwt:grant` in legacy-login.sh loads server.key (as its JWT signing key)"
            ),
        ]
    );
    assert!(
        f.fix.contains("--jwt-key-file \"$RUNNER_TEMP/server.key\""),
        "{}",
        f.fix
    );
    let key =
        std::fs::read_to_string(common::fixture(&format!("{rel}/assets/server.key"))).unwrap();
    let body: Vec<&str> = key.lines().filter(|l| !l.starts_with("-----")).collect();
    common::assert_no_secrets(rel, &body);
}

/// A PKCS#12 keystore whose key no password protects (`-keypbe NONE`: a key
/// bag in clear) or whose password is empty (`-passout pass:`, loaded with
/// `password=""`) is as open as an unencrypted key: critical, saying why.
#[test]
fn pkcs12_without_a_password_is_critical() {
    let findings = common::run("IG105", "IG105/no-password-p12");
    let at = |file: &str| {
        findings
            .iter()
            .find(|f| f.location.path.ends_with(file))
            .unwrap_or_else(|| panic!("no finding for {file}: {findings:#?}"))
    };
    let clear = at("keys/no-enc.p12");
    assert_eq!(clear.severity, Severity::Critical, "{}", clear.message);
    assert!(
        clear.message.contains("it has no password")
            && clear.message.contains("stored unencrypted"),
        "{}",
        clear.message
    );
    assert!(
        clear.message.contains("No_Password_TLS"),
        "{}",
        clear.message
    );
    let empty = at("keys/empty-pw.p12");
    assert_eq!(empty.severity, Severity::Critical, "{}", empty.message);
    assert!(
        empty.message.contains("its password is empty"),
        "{}",
        empty.message
    );
    // Used as a trust store only, it is still critical, and said to hold a key.
    let store = common::run("IG105", "IG105/no-password-p12/trust-only");
    assert_eq!(store.len(), 1, "{store:#?}");
    assert_eq!(
        store[0].severity,
        Severity::Critical,
        "{}",
        store[0].message
    );
    assert!(
        store[0].message.contains("its password is empty")
            && store[0]
                .message
                .contains("used as a trust store, yet it holds a private key"),
        "{}",
        store[0].message
    );
    // A keystore whose password is not committed stays high.
    let p12 = common::run("IG105", "IG105/positive")
        .into_iter()
        .find(|f| f.location.path.ends_with("api-server.p12"))
        .unwrap();
    assert_eq!(p12.severity, Severity::High, "{}", p12.message);
    assert!(
        !p12.message.contains("password is empty"),
        "{}",
        p12.message
    );
}

/// Found by testing: the stores of a Mule 3 HTTPS transport connector
/// (`<https:tls-key-store>`, `<https:tls-client>`, `<https:tls-server>`)
/// were not linked to their keystores, so a JKS whose `storePassword` and
/// `keyPassword` sat in clear in a properties file was reported high, as
/// loaded by nothing. Each store now loads its file (the trust store as
/// trusted certificates), and its `storePassword` counts as committed.
#[test]
fn mule3_https_connector_stores_load_their_keystores() {
    let rel = "IG105/mule3-https-connector";
    let findings = common::run("IG105", rel);
    assert_eq!(findings.len(), 3, "{findings:#?}");
    let server = common::finding_at(&findings, "keys/server.jks", 0);
    assert_eq!(server.severity, Severity::Critical, "{}", server.message);
    assert!(
        server.message.contains(
            "loaded by billing-m3 https:tls-key-store of HTTPS connector `Billing_HTTPS` (https.xml:7); \
             its password is committed in clear too (storePassword at mule.prod.properties:1 for prod, \
             keyPassword at mule.prod.properties:2 for prod)"
        ),
        "{}",
        server.message
    );
    assert_eq!(server.environments, vec!["prod".to_string()]);
    // Mule 3 has no `${secure::...}`: the fix says how Mule 3 hides them.
    assert!(
        server.fix.contains("<https:tls-key-store path=")
            && server.fix.contains("secure-property-placeholder")
            && !server.fix.contains("secure::"),
        "{}",
        server.fix
    );
    let client = common::finding_at(&findings, "keys/client.p12", 0);
    assert_eq!(client.severity, Severity::Critical, "{}", client.message);
    assert!(
        client
            .message
            .contains("https:tls-client of HTTPS connector `Billing_HTTPS` (https.xml:8)"),
        "{}",
        client.message
    );
    let trust = common::finding_at(&findings, "keys/truststore.jks", 0);
    assert_eq!(trust.severity, Severity::Low, "{}", trust.message);
    assert!(
        trust
            .message
            .contains("https:tls-server of HTTPS connector `Billing_HTTPS` (https.xml:9)"),
        "{}",
        trust.message
    );
    // IG112 reads the connector's stores too, and names the connector.
    let certs = common::run("IG112", rel);
    let expired = common::finding_at(&certs, "keys/server.jks", 0);
    assert!(
        expired.message.contains("expired")
            && expired
                .message
                .contains("https:tls-key-store of HTTPS connector `Billing_HTTPS`"),
        "{}",
        expired.message
    );
    common::assert_no_secrets(
        rel,
        &[
            "fixture-m3-store",
            "fixture-m3-key",
            "fixture-m3-client",
            "fixture-m3-trust",
        ],
    );
}

/// Found by testing: an empty file named like a keystore (a placeholder
/// kept so a folder exists, `touch keys/app.jks`) was reported as a
/// committed keystore; it holds no key.
#[test]
fn empty_keystore_files_hold_no_key() {
    let findings = common::run("IG105", "IG105/empty-keystore");
    assert!(findings.is_empty(), "{findings:#?}");
}

/// A Mule 3 Salesforce JWT bearer config (`sfdc:cached-config-oauth-jwt-bearer`)
/// loading a committed PKCS#12 whose password is written beside it: linked to
/// the connection and its user, and fixed in Mule 3's syntax (no `secure::`).
#[test]
fn mule3_jwt_keystore_is_linked_and_fixed_in_mule3_syntax() {
    let rel = "IG105/mule3-jwt-keystore";
    let findings = common::run("IG105", rel);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = common::finding_at(&findings, "keys/sf.p12", 0);
    assert_eq!(f.severity, Severity::Critical, "{}", f.message);
    assert!(
        f.message.contains(
            "loaded by jwt-m3 keyStore of Salesforce connection `SF_JWT` (sfdc:cached-config-oauth-jwt-bearer) as int.jwt@acme.com (jwt.xml:6); \
             its password is committed in clear too (storePassword at jwt.xml:7)"
        ),
        "{}",
        f.message
    );
    assert!(
        f.fix
            .contains("with its password in a hidden secure property (storePassword=\"${sfdc.keystore.password}\")"),
        "{}",
        f.fix
    );
    assert!(!f.fix.contains("secure::"), "{}", f.fix);
    common::assert_no_secrets(rel, &["JwtStorePw42"]);
}
