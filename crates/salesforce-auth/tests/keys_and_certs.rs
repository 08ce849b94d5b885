//! Key formats (PKCS#1, PKCS#8, encrypted PKCS#8, PKCS#12, JKS), certificate inspection and the
//! generate -> inspect round trip.

mod common;

use common::fixture;
use salesforce_auth::certs::{self, CertFileFormat};
use salesforce_auth::keys::{self, KeyAlgorithm, KeyFormat};
use salesforce_auth::{
    generate_self_signed, inspect, inspect_file, CertError, KeyError, KeyType, PrivateKey,
    PrivateKeySource, SecretString,
};

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

/// The PKCS#8 DER of the OpenSSL-made reference key (pkcs8.pem).
fn reference_pkcs8() -> Vec<u8> {
    PrivateKey::from_pem(&read("pkcs8.pem"), None)
        .unwrap()
        .pkcs8_der()
        .to_vec()
}

#[test]
fn pkcs1_pkcs8_and_der_give_the_same_key() {
    let reference = reference_pkcs8();
    let p8 = PrivateKey::from_pem(&read("pkcs8.pem"), None).unwrap();
    assert_eq!(p8.format(), KeyFormat::Pkcs8Pem);
    assert_eq!(p8.algorithm(), &KeyAlgorithm::Rsa { bits: 2048 });

    let p1 = PrivateKey::from_pem(&read("pkcs1.pem"), None).unwrap();
    assert_eq!(p1.format(), KeyFormat::Pkcs1Pem);
    assert_eq!(p1.rsa_bits(), Some(2048));
    assert_eq!(
        p1.pkcs8_der(),
        reference.as_slice(),
        "PKCS#1 wraps to the same PKCS#8"
    );

    let der = PrivateKey::from_der(&read("pkcs8.der"), None).unwrap();
    assert_eq!(der.format(), KeyFormat::Pkcs8Der);
    assert_eq!(der.pkcs8_der(), reference.as_slice());
    let der1 = PrivateKeySource::key_file(fixture("pkcs1.der"))
        .load()
        .unwrap();
    assert_eq!(der1.format(), KeyFormat::Pkcs1Der);
    assert_eq!(der1.pkcs8_der(), reference.as_slice());

    // The certificate of this key matches, another one does not.
    let cert = ::pem::parse(read("pkcs8-cert.pem")).unwrap();
    assert_eq!(p1.matches_certificate(cert.contents()), Some(true));
    let other = generate_self_signed("other", 1, 2048, None).unwrap();
    let other_cert = ::pem::parse(other.certificate_pem.as_bytes()).unwrap();
    assert_eq!(p1.matches_certificate(other_cert.contents()), Some(false));

    // Through the source type the CLI uses.
    let from_source = PrivateKeySource::key_file(fixture("pkcs1.pem"))
        .load()
        .unwrap();
    assert_eq!(from_source.pkcs8_der(), reference.as_slice());
    let pem_text = std::fs::read_to_string(fixture("pkcs8.pem")).unwrap();
    let from_memory = PrivateKeySource::Pem {
        pem: SecretString::from(pem_text),
        password: None,
    }
    .load()
    .unwrap();
    assert_eq!(from_memory.pkcs8_der(), reference.as_slice());
}

#[test]
fn encrypted_pkcs8_with_right_and_wrong_password() {
    let reference = reference_pkcs8();
    for name in [
        "encrypted-aes256.pem",
        "encrypted-des3-sha1.pem",
        "encrypted-scrypt.pem",
    ] {
        let bytes = read(name);
        let key = PrivateKey::from_pem(&bytes, Some("pem-pass"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(key.format(), KeyFormat::EncryptedPkcs8Pem);
        assert_eq!(key.pkcs8_der(), reference.as_slice(), "{name}");

        let wrong = PrivateKey::from_pem(&bytes, Some("not-the-password")).unwrap_err();
        assert!(
            matches!(wrong, KeyError::WrongPassword { .. }),
            "{name}: {wrong}"
        );
        let missing = PrivateKey::from_pem(&bytes, None).unwrap_err();
        assert!(
            matches!(missing, KeyError::PasswordRequired { .. }),
            "{name}: {missing}"
        );
    }
    // Through a key file source, with the password.
    let key = PrivateKeySource::KeyFile {
        path: fixture("encrypted-aes256.pem"),
        password: Some(SecretString::from("pem-pass")),
    }
    .load()
    .unwrap();
    assert_eq!(key.pkcs8_der(), reference.as_slice());
    let err = PrivateKeySource::KeyFile {
        path: fixture("encrypted-aes256.pem"),
        password: Some(SecretString::from("wrong")),
    }
    .load()
    .unwrap_err();
    assert!(err.to_string().contains("encrypted-aes256.pem"), "{err}");
}

#[test]
fn traditional_openssl_encryption_is_refused_with_a_conversion_hint() {
    let err =
        PrivateKey::from_pem(&read("legacy-encrypted-pkcs1.pem"), Some("pem-pass")).unwrap_err();
    assert!(matches!(err, KeyError::LegacyEncryptedPem { .. }), "{err}");
    assert!(err.to_string().contains("openssl pkcs8 -topk8"));
}

#[test]
fn round_trip_of_our_own_encryption() {
    let key = PrivateKey::from_pem(&read("pkcs1.pem"), None).unwrap();
    let encrypted = key.to_encrypted_pkcs8_pem("s3cret-pass").unwrap();
    assert!(encrypted.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let back = PrivateKey::from_pem(encrypted.as_bytes(), Some("s3cret-pass")).unwrap();
    assert_eq!(back.pkcs8_der(), key.pkcs8_der());
    assert!(matches!(
        PrivateKey::from_pem(encrypted.as_bytes(), Some("nope")),
        Err(KeyError::WrongPassword { .. })
    ));
    // OpenSSL reads it too (checked only where an openssl binary exists).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("enc.pem");
    std::fs::write(&path, &encrypted).unwrap();
    if let Ok(out) = std::process::Command::new("openssl")
        .args(["pkey", "-noout", "-passin", "pass:s3cret-pass", "-in"])
        .arg(&path)
        .output()
    {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn jks_keystore_with_alias_store_and_key_password() {
    let bytes = read("mule-jwt.jks");
    let key = PrivateKey::from_keystore(&bytes, Some("mule-jwt"), "storepass1", Some("keypass12"))
        .unwrap();
    assert_eq!(key.format(), KeyFormat::Jks);
    assert_eq!(key.alias(), Some("mule-jwt"));
    assert_eq!(key.rsa_bits(), Some(2048));
    assert_eq!(key.certificate_chain().len(), 1);
    assert_eq!(
        key.matches_certificate(&key.certificate_chain()[0]),
        Some(true)
    );

    // Alias is case-insensitive (keytool lower-cases it) and optional with one key entry.
    let upper =
        PrivateKey::from_keystore(&bytes, Some("MULE-JWT"), "storepass1", Some("keypass12"))
            .unwrap();
    assert_eq!(upper.pkcs8_der(), key.pkcs8_der());
    let only = PrivateKey::from_keystore(&bytes, None, "storepass1", Some("keypass12")).unwrap();
    assert_eq!(only.pkcs8_der(), key.pkcs8_der());

    // Wrong store password, wrong or missing key password, unknown alias, trusted-cert alias.
    let e = PrivateKey::from_keystore(&bytes, Some("mule-jwt"), "wrong", Some("keypass12"))
        .unwrap_err();
    assert!(
        matches!(&e, KeyError::WrongPassword { what } if what.contains("store")),
        "{e}"
    );
    let e = PrivateKey::from_keystore(&bytes, Some("mule-jwt"), "storepass1", Some("wrong"))
        .unwrap_err();
    assert!(
        matches!(&e, KeyError::WrongPassword { what } if what.contains("key password")),
        "{e}"
    );
    let e = PrivateKey::from_keystore(&bytes, Some("mule-jwt"), "storepass1", None).unwrap_err();
    assert!(matches!(e, KeyError::WrongPassword { .. }), "{e}");
    let e = PrivateKey::from_keystore(&bytes, Some("nope"), "storepass1", None).unwrap_err();
    match &e {
        KeyError::AliasNotFound { available, .. } => assert_eq!(available, &["mule-jwt"]),
        other => panic!("{other}"),
    }
    let e = PrivateKey::from_keystore(&bytes, Some("partner-ca"), "storepass1", None).unwrap_err();
    assert!(matches!(e, KeyError::AliasNotFound { .. }), "{e}");

    // Through the source type, as `--keystore FILE --alias A`.
    let source = PrivateKeySource::Keystore {
        path: fixture("mule-jwt.jks"),
        alias: Some("mule-jwt".into()),
        store_password: SecretString::from("storepass1"),
        key_password: Some(SecretString::from("keypass12")),
    };
    assert_eq!(source.load().unwrap().pkcs8_der(), key.pkcs8_der());
    assert!(source.describe().contains("mule-jwt.jks"));
}

#[test]
fn pkcs12_keystores_from_keytool_and_openssl() {
    let keytool = read("keytool.p12");
    let key = PrivateKey::from_keystore(&keytool, Some("mule-jwt"), "storepass1", None).unwrap();
    assert_eq!(key.format(), KeyFormat::Pkcs12);
    assert_eq!(key.rsa_bits(), Some(2048));
    assert_eq!(key.certificate_chain().len(), 1);
    assert_eq!(
        key.matches_certificate(&key.certificate_chain()[0]),
        Some(true)
    );
    let e = PrivateKey::from_keystore(&keytool, Some("mule-jwt"), "wrong", None).unwrap_err();
    assert!(matches!(e, KeyError::WrongPassword { .. }), "{e}");

    let legacy = read("openssl-legacy.p12");
    let key = PrivateKey::from_keystore(&legacy, Some("legacy"), "legacypass", None).unwrap();
    assert_eq!(key.pkcs8_der(), reference_pkcs8().as_slice());
    assert_eq!(key.certificate_chain().len(), 1);
}

#[test]
fn pkcs12_made_in_the_test_with_two_keys_needs_an_alias() {
    use p12_keystore::{KeyStore, KeyStoreEntry, PrivateKeyChain};
    let a = generate_self_signed("first", 2, 2048, None).unwrap();
    let b = generate_self_signed("second", 2, 2048, None).unwrap();
    let mut store = KeyStore::new();
    for (alias, creds, id) in [("first", &a, 1u8), ("second", &b, 2u8)] {
        let cert_der = ::pem::parse(creds.certificate_pem.as_bytes())
            .unwrap()
            .into_contents();
        let chain = PrivateKeyChain::new(
            vec![id; 20],
            p12_keystore::PrivateKey::from_der(creds.private_key().pkcs8_der()).unwrap(),
            vec![p12_keystore::Certificate::from_der(&cert_der).unwrap()],
        );
        store.add_entry(alias, KeyStoreEntry::PrivateKeyChain(chain));
    }
    let bytes = store.writer("p12-pass").write().unwrap();

    let e = PrivateKey::from_keystore(&bytes, None, "p12-pass", None).unwrap_err();
    match &e {
        KeyError::AliasRequired { available, .. } => {
            assert_eq!(available.len(), 2);
            assert!(e.to_string().contains("first") && e.to_string().contains("second"));
        }
        other => panic!("{other}"),
    }
    let second = PrivateKey::from_keystore(&bytes, Some("second"), "p12-pass", None).unwrap();
    assert_eq!(second.pkcs8_der(), b.private_key().pkcs8_der());

    let infos = inspect(&bytes, Some("p12-pass")).unwrap();
    assert_eq!(infos.len(), 2);
    assert!(infos.iter().all(|i| i.with_private_key));
}

#[test]
fn non_rsa_and_junk_inputs() {
    // An EC key in PKCS#8 loads, but is not RSA.
    let ec = rcgen::KeyPair::generate().unwrap();
    let key = PrivateKey::from_pem(ec.serialize_pem().as_bytes(), None).unwrap();
    assert_eq!(key.algorithm(), &KeyAlgorithm::Ec);
    assert_eq!(key.rsa_bits(), None);
    let err = salesforce_auth::jwt::build_assertion(
        "iss",
        "sub",
        "aud",
        &key,
        std::time::Duration::from_secs(60),
    )
    .unwrap_err();
    assert!(err.to_string().contains("RSA"), "{err}");

    assert!(matches!(
        PrivateKey::from_key_bytes(b"hello world", None),
        Err(KeyError::UnsupportedFormat { .. })
    ));
    assert!(matches!(
        PrivateKey::from_key_bytes(&read("mule-jwt.jks"), None),
        Err(KeyError::UnsupportedFormat { .. })
    ));
    assert!(matches!(
        PrivateKey::from_keystore(b"\x30\x03\x02\x01\x03", None, "x", None),
        Err(KeyError::UnsupportedFormat { .. })
    ));
    let missing = PrivateKeySource::key_file("/nonexistent/key.pem")
        .load()
        .unwrap_err();
    assert!(matches!(missing, KeyError::Io { .. }), "{missing}");
    // Truncated keystores never panic.
    let jks = read("mule-jwt.jks");
    for cut in (0..jks.len()).step_by(97) {
        let _ = PrivateKey::from_keystore(&jks[..cut], None, "storepass1", None);
        let _ = inspect(&jks[..cut], None);
    }
}

#[test]
fn key_file_mode_warning_and_secret_file_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.key");
    keys::write_secret_file(&path, b"secret", false).unwrap();
    assert!(
        keys::write_secret_file(&path, b"again", false).is_err(),
        "no silent overwrite"
    );
    assert_eq!(salesforce_auth::check_key_file_mode(&path).unwrap(), None);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let warning = salesforce_auth::check_key_file_mode(&path)
            .unwrap()
            .expect("world-readable key must warn");
        assert_eq!(warning.mode, 0o644);
        let text = warning.to_string();
        assert!(
            text.contains("chmod 600") && text.contains("server.key"),
            "{text}"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(salesforce_auth::check_key_file_mode(&path)
            .unwrap()
            .is_some());
        // overwrite resets the mode
        keys::write_secret_file(&path, b"new", true).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn generate_then_inspect_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    for bits in [2048u32, 3072, 4096] {
        let creds = generate_self_signed("intguard-int", 30, bits, None).unwrap();
        assert!(!creds.encrypted);
        assert!(creds
            .private_key_pem()
            .starts_with("-----BEGIN PRIVATE KEY-----"));
        let cert_path = dir.path().join(format!("{bits}.crt"));
        let key_path = dir.path().join(format!("{bits}.key"));
        std::fs::write(&cert_path, &creds.certificate_pem).unwrap();
        keys::write_secret_file(&key_path, creds.private_key_pem().as_bytes(), false).unwrap();

        let infos = inspect_file(&cert_path, None).unwrap();
        assert_eq!(infos.len(), 1);
        let info = &infos[0];
        assert_eq!(info.subject, "CN=intguard-int");
        assert_eq!(info.issuer, "CN=intguard-int");
        assert!(info.self_signed);
        assert!(!info.is_ca);
        assert_eq!(info.key_type, KeyType::Rsa);
        assert_eq!(info.key_bits, Some(bits));
        assert!(
            (29..=30).contains(&info.days_left()),
            "{}",
            info.days_left()
        );
        assert!(!info.is_expired());
        assert_eq!(info.signature_algorithm, "sha256WithRSAEncryption");
        assert_eq!(info, &creds.certificate);
        let shown = info.to_string();
        assert!(
            shown.contains("RSA") && shown.contains("days left"),
            "{shown}"
        );

        let key = PrivateKeySource::key_file(&key_path).load().unwrap();
        assert_eq!(key.rsa_bits(), Some(bits));
        let cert_der = ::pem::parse(creds.certificate_pem.as_bytes()).unwrap();
        assert_eq!(key.matches_certificate(cert_der.contents()), Some(true));
    }

    // Encrypted key: the PEM needs the password.
    let creds = generate_self_signed("intguard-enc", 365, 2048, Some("pw-for-key")).unwrap();
    assert!(creds.encrypted);
    assert!(creds
        .private_key_pem()
        .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let key = PrivateKey::from_pem(creds.private_key_pem().as_bytes(), Some("pw-for-key")).unwrap();
    assert_eq!(key.pkcs8_der(), creds.private_key().pkcs8_der());
    assert!(PrivateKey::from_pem(creds.private_key_pem().as_bytes(), None).is_err());
    assert!((364..=365).contains(&creds.certificate.days_left()));
}

#[test]
fn inspect_every_container() {
    // PEM (with the key beside it: flagged), DER.
    let cert_pem = read("pkcs8-cert.pem");
    let infos = inspect(&cert_pem, None).unwrap();
    assert_eq!(infos.len(), 1);
    assert_eq!(infos[0].subject, "CN=openssl-key, O=intguard tests");
    assert!(!infos[0].with_private_key);
    let mut combined = cert_pem.clone();
    combined.extend_from_slice(&read("pkcs8.pem"));
    assert!(inspect(&combined, None).unwrap()[0].with_private_key);
    assert!(inspect(&read("pkcs8.pem"), None).unwrap().is_empty());

    let der = ::pem::parse(&cert_pem).unwrap().into_contents();
    assert_eq!(certs::detect_format(&der), Some(CertFileFormat::Der));
    assert_eq!(inspect(&der, None).unwrap()[0], infos[0]);

    // JKS: no password needed; with one it is verified.
    let jks = read("mule-jwt.jks");
    let listed = inspect_file(fixture("mule-jwt.jks"), None).unwrap();
    assert_eq!(listed.len(), 2);
    let key_entry = listed
        .iter()
        .find(|i| i.alias.as_deref() == Some("mule-jwt"))
        .unwrap();
    assert!(key_entry.with_private_key);
    // keytool writes the RDNs most-specific last; they are shown in certificate order
    assert_eq!(key_entry.subject, "O=intguard tests, CN=mule-jwt");
    assert_eq!(key_entry.key_bits, Some(2048));
    assert!(key_entry.days_left() > 3000);
    let ca = listed
        .iter()
        .find(|i| i.alias.as_deref() == Some("partner-ca"))
        .unwrap();
    assert!(ca.is_ca && !ca.with_private_key);
    assert_eq!(inspect(&jks, Some("storepass1")).unwrap(), listed);
    assert!(matches!(
        inspect(&jks, Some("wrong")),
        Err(CertError::WrongPassword {
            format: CertFileFormat::Jks
        })
    ));

    // PKCS#12: a password is needed.
    let p12 = read("keytool.p12");
    assert!(matches!(
        inspect(&p12, None),
        Err(CertError::PasswordRequired { .. })
    ));
    assert!(matches!(
        inspect(&p12, Some("wrong")),
        Err(CertError::WrongPassword { .. })
    ));
    let p12_infos = inspect(&p12, Some("storepass1")).unwrap();
    assert_eq!(p12_infos.len(), 1);
    assert_eq!(p12_infos[0].alias.as_deref(), Some("mule-jwt"));
    assert_eq!(p12_infos[0].subject, "O=intguard tests, CN=keytool-p12");
    assert!(p12_infos[0].with_private_key);
    let legacy = inspect_file(fixture("openssl-legacy.p12"), Some("legacypass")).unwrap();
    assert_eq!(legacy[0].alias.as_deref(), Some("legacy"));
    assert_eq!(legacy[0].sha256_fingerprint, infos[0].sha256_fingerprint);

    // OpenSSL's `pkcs12 -nodes` and `x509 -text` outputs: text around the PEM blocks.
    let mut noisy =
        b"Bag Attributes\n    friendlyName: mule-jwt\nKey Attributes: <No Attributes>\n".to_vec();
    noisy.extend_from_slice(&read("pkcs8.pem"));
    noisy.extend_from_slice(b"Bag Attributes\n    localKeyID: 01 02\nsubject=CN = openssl-key\nCertificate:\n    Data:\n        Version: 3 (0x2)\n");
    noisy.extend_from_slice(&cert_pem);
    let from_noisy = inspect(&noisy, None).unwrap();
    assert_eq!(from_noisy.len(), 1);
    assert!(from_noisy[0].with_private_key);
    assert_eq!(
        PrivateKey::from_pem(&noisy, None).unwrap().pkcs8_der(),
        reference_pkcs8().as_slice()
    );

    // Missing file.
    assert!(matches!(
        inspect_file("/nonexistent.pem", None),
        Err(CertError::Io { .. })
    ));
}

/// How a PKCS#12 file protects its key, told without its password: a key bag in clear
/// (whatever password the MAC uses), the empty password, or a real password.
#[test]
fn pkcs12_key_protection_without_the_password() {
    use certs::Pkcs12KeyProtection as P;
    for (file, expected) in [
        ("key-in-clear.p12", Some(P::KeyInClear)),
        ("empty-password.p12", Some(P::EmptyPassword)),
        ("keytool.p12", Some(P::Password)),
        ("openssl-legacy.p12", Some(P::Password)),
        ("pkcs8.der", None),
        ("mule-jwt.jks", None),
    ] {
        assert_eq!(
            certs::pkcs12_key_protection(&read(file)),
            expected,
            "{file}"
        );
    }
    // The key in clear is the one the MAC password opens.
    let key = PrivateKey::from_keystore(&read("key-in-clear.p12"), None, "macpass1", None).unwrap();
    assert_eq!(key.pkcs8_der(), reference_pkcs8().as_slice());
}
