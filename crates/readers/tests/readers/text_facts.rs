//! Tokens, PEM private keys and keystores in any file.

use std::fs;
use std::path::Path;

use intguard_model::{Inventory, KeyMaterialKind, TextFileFacts, TokenKind};
use intguard_readers::{read_paths, ReadOptions};

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

fn facts<'a>(inv: &'a Inventory, end: &str) -> &'a TextFileFacts {
    inv.text_files
        .iter()
        .find(|f| f.path.ends_with(end))
        .unwrap_or_else(|| panic!("no facts for {end}"))
}

const BODY: &str =
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nZmFrZSBrZXkgZm9yIGEgdGVzdA==\n";

#[test]
fn tokens() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let access15 = "00D5g000004XyZa!AQ0AQAbcdefghijklmnopqrstuvwxyz.0123";
    let access18 = "00D5g000004XyZaEAM!ARsAQ_abcdefghijklmnopqrstu";
    let refresh = format!("5Aep861{}", "x".repeat(50));
    let ck = format!("3MVG9{}", "A".repeat(40));
    write(
        root,
        "scripts/call.sh",
        format!("#!/bin/sh\nTOKEN='{access15}'\ncurl -H \"Authorization: Bearer {access18}\" x\n# refresh={refresh}\n{ck}\n"),
    );
    // Near misses: too short, wrong prefix, embedded in a longer word.
    write(
        root,
        "notes.txt",
        "00D5g000004XyZa!short\n5Aep861short\n3MVG9short\nX00D5g000004XyZa!AQ0AQAbcdefghijklmnopqrstuvwxyz\n",
    );
    let inv = read_paths(&[root.to_path_buf()], &ReadOptions::default());
    let f = facts(&inv, "scripts/call.sh");
    let got: Vec<(TokenKind, &str, u32, u32)> = f
        .tokens
        .iter()
        .map(|t| (t.kind, t.value.as_str(), t.location.line, t.location.column))
        .collect();
    assert_eq!(
        got,
        vec![
            (TokenKind::AccessToken, access15, 2, 8),
            (TokenKind::AccessToken, access18, 3, 32),
            (TokenKind::RefreshToken, refresh.as_str(), 4, 11),
            (TokenKind::ConsumerKey, ck.as_str(), 5, 1),
        ]
    );
    assert!(!inv.text_files.iter().any(|f| f.path.ends_with("notes.txt")));
    // Secrets reach the engine's redactor.
    let known = inv.known_secrets();
    assert!(known.contains(&access15.to_string()));
}

#[test]
fn pem_keys_and_keystores() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "keys/plain.pem",
        format!("-----BEGIN RSA PRIVATE KEY-----\n{BODY}-----END RSA PRIVATE KEY-----\n"),
    );
    write(
        root,
        "keys/pkcs8.key",
        format!(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\n{BODY}-----END ENCRYPTED PRIVATE KEY-----\n"
        ),
    );
    write(
        root,
        "keys/legacy.pem",
        format!("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,ABCDEF\n\n{BODY}-----END RSA PRIVATE KEY-----\n"),
    );
    write(
        root,
        "keys/cert.pem",
        format!("-----BEGIN CERTIFICATE-----\n{BODY}-----END CERTIFICATE-----\n"),
    );
    write(
        root,
        "config/service.json",
        "{\"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n\"}\n",
    );
    write(
        root,
        "docs/howto.md",
        "Never commit a `-----BEGIN PRIVATE KEY-----` block.\n",
    );
    write(root, "ks/a.jks", b"\xfe\xed\xfe\xed\x00\x00\x00\x02");
    write(root, "ks/b.p12", b"0\x82\x00\x00");
    write(root, "ks/c.pfx", b"0\x82");
    write(root, "ks/d.keystore", b"x");
    write(root, "ks/e.bcfks", b"y");
    write(root, "ks/f.jceks", b"\xce\xce\xce\xce\x00\x00\x00\x02");
    write(root, "ks/g.bks", b"\x00\x00\x00\x02");
    let inv = read_paths(&[root.to_path_buf()], &ReadOptions::default());
    let km: Vec<(String, KeyMaterialKind, Option<bool>, u64)> = inv
        .key_material
        .iter()
        .map(|k| {
            let p = k
                .location
                .path
                .rsplit_once(&*root.to_string_lossy())
                .unwrap()
                .1
                .to_string();
            (p, k.kind, k.encrypted, k.size)
        })
        .collect();
    assert_eq!(
        km,
        vec![
            (
                "/keys/legacy.pem".to_string(),
                KeyMaterialKind::PemPrivateKey,
                Some(true),
                km[0].3
            ),
            (
                "/keys/pkcs8.key".to_string(),
                KeyMaterialKind::PemPrivateKey,
                Some(true),
                km[1].3
            ),
            (
                "/keys/plain.pem".to_string(),
                KeyMaterialKind::PemPrivateKey,
                Some(false),
                km[2].3
            ),
            ("/ks/a.jks".to_string(), KeyMaterialKind::Jks, None, 8),
            ("/ks/b.p12".to_string(), KeyMaterialKind::Pkcs12, None, 4),
            ("/ks/c.pfx".to_string(), KeyMaterialKind::Pkcs12, None, 2),
            (
                "/ks/d.keystore".to_string(),
                KeyMaterialKind::Keystore,
                None,
                1
            ),
            (
                "/ks/e.bcfks".to_string(),
                KeyMaterialKind::Keystore,
                None,
                1
            ),
            (
                "/ks/f.jceks".to_string(),
                KeyMaterialKind::Keystore,
                None,
                8
            ),
            ("/ks/g.bks".to_string(), KeyMaterialKind::Keystore, None, 4),
        ]
    );
    let legacy = facts(&inv, "keys/legacy.pem");
    assert_eq!(legacy.private_keys[0].label, "RSA PRIVATE KEY");
    assert_eq!(legacy.private_keys[0].encrypted, Some(true));
    let json = facts(&inv, "config/service.json");
    assert_eq!(json.private_keys.len(), 1);
    assert_eq!(json.private_keys[0].encrypted, Some(false));
    assert_eq!(
        (
            json.private_keys[0].location.line,
            json.private_keys[0].location.column
        ),
        (1, 18)
    );
    assert!(!inv
        .text_files
        .iter()
        .any(|f| f.path.ends_with("howto.md") || f.path.ends_with("cert.pem")));
}
