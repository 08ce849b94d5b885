//! `intguard secure-props encrypt|decrypt`: the reference vectors and a few others through
//! the CLI, stdin mode, and the error cases (exit code 2).

use assert_cmd::Command;
use predicates::prelude::*;

fn intguard() -> Command {
    let mut c = Command::cargo_bin("intguard").unwrap();
    c.env_remove("IG_TEST_KEY");
    c
}

/// The four vectors of the project's Mule reference (MuleSoft's own tool).
const REFERENCE: &[(&str, &str, &str, &str)] = &[
    (
        "Blowfish",
        "mulesoft",
        "some value to encrypt",
        "8q5e1+jy0cND2iV2WPThahmz6XsDwB6Z",
    ),
    (
        "Blowfish",
        "mulesoft",
        "Muleman is here",
        "qCReIPK3jcqD7WR84ISSIQ==",
    ),
    (
        "AES",
        "1234567890123456",
        "1234",
        "w9oKTqKTtvBuRUVbhQP/qw==",
    ),
    (
        "AES",
        "12345678901234567890123456789012",
        "test123",
        "hvviuvvOu8EADgdrFqCeXA==",
    ),
];

#[test]
fn reference_vectors_encrypt_and_decrypt() {
    for &(alg, key, plain, cipher) in REFERENCE {
        intguard()
            .args([
                "secure-props",
                "encrypt",
                "--algorithm",
                alg,
                "--mode",
                "CBC",
            ])
            .args(["--key-env", "IG_TEST_KEY", plain])
            .env("IG_TEST_KEY", key)
            .assert()
            .success()
            .stdout(format!("{cipher}\n"));
        for form in [cipher.to_string(), format!("![{cipher}]")] {
            intguard()
                .args([
                    "secure-props",
                    "decrypt",
                    "--algorithm",
                    alg,
                    "--mode",
                    "CBC",
                ])
                .args(["--key-env", "IG_TEST_KEY", &form])
                .env("IG_TEST_KEY", key)
                .assert()
                .success()
                .stdout(format!("{plain}\n"));
        }
    }
}

/// A few entries of the library's independent vectors (tests/vectors/vectors.json),
/// other algorithms and modes, fixed IV.
#[test]
fn library_vectors_through_the_cli() {
    let data = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../mule-secure-props/tests/vectors/vectors.json"
    ))
    .unwrap();
    let vectors: Vec<serde_json::Value> = serde_json::from_str(&data).unwrap();
    let mut checked = std::collections::BTreeSet::new();
    for v in &vectors {
        let alg = v["algorithm"].as_str().unwrap();
        let mode = v["mode"].as_str().unwrap();
        let plain = v["plaintext"].as_str().unwrap();
        if v["random_iv"].as_bool().unwrap()
            || plain.is_empty()
            || plain.starts_with('-')
            || plain.contains('\n')
            || !["Blowfish", "DESede", "Camellia", "Twofish", "AES"].contains(&alg)
            || !checked.insert((alg.to_string(), mode.to_string()))
        {
            continue;
        }
        let key = v["key"].as_str().unwrap();
        let expected = v["expected"].as_str().unwrap();
        intguard()
            .args([
                "secure-props",
                "encrypt",
                "--algorithm",
                alg,
                "--mode",
                mode,
            ])
            .args(["--key-env", "IG_TEST_KEY", "--", plain])
            .env("IG_TEST_KEY", key)
            .assert()
            .success()
            .stdout(format!("{expected}\n"));
        intguard()
            .args([
                "secure-props",
                "decrypt",
                "--algorithm",
                alg,
                "--mode",
                mode,
            ])
            .args(["--key-env", "IG_TEST_KEY", expected])
            .env("IG_TEST_KEY", key)
            .assert()
            .success()
            .stdout(format!("{plain}\n"));
    }
    assert!(checked.len() >= 12, "{checked:?}");
}

#[test]
fn random_iv_round_trip_and_stdin() {
    let out = intguard()
        .args([
            "secure-props",
            "encrypt",
            "--random-iv",
            "--key-env",
            "IG_TEST_KEY",
        ])
        .env("IG_TEST_KEY", "1234567890123456")
        .write_stdin("first secret\nsecond: with spaces \r\n\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    // Random IV: IV block + one ciphertext block at least.
    assert_ne!(lines[0], "w9oKTqKTtvBuRUVbhQP/qw==");
    let input = format!("![{}]\n{}\n{}\n", lines[0], lines[1], lines[2]);
    intguard()
        .args([
            "secure-props",
            "decrypt",
            "--random-iv",
            "--key-env",
            "IG_TEST_KEY",
        ])
        .env("IG_TEST_KEY", "1234567890123456")
        .write_stdin(input)
        .assert()
        .success()
        .stdout("first secret\nsecond: with spaces \n\n");
}

#[test]
fn key_file_and_wrap() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, "1234567890123456\n").unwrap();
    intguard()
        .args(["secure-props", "encrypt", "--wrap", "--key-file"])
        .arg(&key)
        .arg("1234")
        .assert()
        .success()
        .stdout("![w9oKTqKTtvBuRUVbhQP/qw==]\n");
}

/// Found by testing: a secure-properties key file that group or others can
/// read was used without a word, while a private key file gets a warning.
/// The key opens every secret of the app: it is warned about the same way.
#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("mule.key");
    std::fs::write(&key, "1234567890123456\n").unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = intguard()
        .args(["secure-props", "decrypt", "--key-file"])
        .arg(&key)
        .arg("![w9oKTqKTtvBuRUVbhQP/qw==]")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1234\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("can be accessed by its group and all other users (mode 0644)")
            && stderr.contains("chmod 600"),
        "{stderr}"
    );
    assert!(!stderr.contains("1234567890123456"), "{stderr}");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    intguard()
        .args(["secure-props", "decrypt", "--key-file"])
        .arg(&key)
        .arg("![w9oKTqKTtvBuRUVbhQP/qw==]")
        .assert()
        .success()
        .stderr("");
}

/// Found by testing: `secure-props encrypt --key-env K 'S3cret!'` took the
/// secret from the command line without a word, while a key given with
/// --key is warned about for the same exposure. Decrypting an argument
/// (ciphertext) and encrypting standard input are not warned about.
#[test]
fn a_secret_to_encrypt_given_as_an_argument_warns() {
    let out = intguard()
        .env("IG_ARG_KEY", "1234567890123456")
        .args(["secure-props", "encrypt", "--key-env", "IG_ARG_KEY", "1234"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: a value given as an argument is visible to other processes"),
        "{stderr}"
    );
    intguard()
        .env("IG_ARG_KEY", "1234567890123456")
        .args(["secure-props", "encrypt", "--key-env", "IG_ARG_KEY"])
        .write_stdin("1234\n")
        .assert()
        .success()
        .stdout("w9oKTqKTtvBuRUVbhQP/qw==\n")
        .stderr(predicate::str::contains("argument").not());
    intguard()
        .env("IG_ARG_KEY", "1234567890123456")
        .args(["secure-props", "decrypt", "--key-env", "IG_ARG_KEY"])
        .arg("![w9oKTqKTtvBuRUVbhQP/qw==]")
        .assert()
        .success()
        .stderr("");
}

#[test]
fn literal_key_warns() {
    intguard()
        .args(["secure-props", "decrypt", "--key", "1234567890123456"])
        .arg("![w9oKTqKTtvBuRUVbhQP/qw==]")
        .assert()
        .success()
        .stdout("1234\n")
        .stderr(predicate::str::contains("warning"));
}

#[test]
fn errors_exit_2_without_secrets() {
    let cases: &[(&[&str], &str, &str)] = &[
        (&["encrypt", "x"], "short", "invalid key length for AES"),
        (
            &["decrypt", "!!!notbase64"],
            "1234567890123456",
            "not valid base64",
        ),
        (
            &["decrypt", "![w9oKTqKTtvBuRUVbhQP/qw==]"],
            "6543210987654321",
            "wrong key",
        ),
        (
            &["encrypt", "--algorithm", "ROT13", "x"],
            "1234567890123456",
            "unsupported encryption algorithm",
        ),
        (
            &["encrypt", "--algorithm", "SEED", "x"],
            "1234567890123456",
            "not implemented",
        ),
        (
            &["encrypt", "--mode", "GCM", "x"],
            "1234567890123456",
            "unsupported encryption mode",
        ),
    ];
    for (args, key, message) in cases {
        let assert = intguard()
            .arg("secure-props")
            .args(*args)
            .args(["--key-env", "IG_TEST_KEY"])
            .env("IG_TEST_KEY", key)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*message));
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert!(!stderr.contains(key), "{stderr}");
    }
    intguard()
        .args(["secure-props", "encrypt", "--key-env", "IG_TEST_KEY", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("IG_TEST_KEY is not set"));
    // No key source at all: clap's usage error.
    intguard()
        .args(["secure-props", "encrypt", "x"])
        .assert()
        .code(2);
    // A bad line on stdin names the line.
    intguard()
        .args(["secure-props", "decrypt", "--key-env", "IG_TEST_KEY"])
        .env("IG_TEST_KEY", "1234567890123456")
        .write_stdin("w9oKTqKTtvBuRUVbhQP/qw==\nnope\n")
        .assert()
        .code(2)
        .stdout("1234\n")
        .stderr(predicate::str::contains("line 2"));
}

/// A value encrypted with random IVs decrypted without `--random-iv`
/// unpads (only its first block is garbled): the bytes are printed as they
/// are, with a warning that they are not text. A good decryption warns of
/// nothing.
#[test]
fn decrypting_with_the_wrong_random_iv_setting_warns() {
    let key = "AcmeKey-16bytes!";
    let value = "this-is-a-long-secret-value-0123456789";
    let encrypted = intguard()
        .args([
            "secure-props",
            "encrypt",
            "--random-iv",
            "--key-env",
            "IG_TEST_KEY",
            value,
        ])
        .env("IG_TEST_KEY", key)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let encrypted = String::from_utf8(encrypted).unwrap().trim().to_string();
    intguard()
        .args([
            "secure-props",
            "decrypt",
            "--key-env",
            "IG_TEST_KEY",
            &encrypted,
        ])
        .env("IG_TEST_KEY", key)
        .assert()
        .success()
        .stderr(predicate::str::contains("the decrypted value is not text"));
    intguard()
        .args([
            "secure-props",
            "decrypt",
            "--random-iv",
            "--key-env",
            "IG_TEST_KEY",
            &encrypted,
        ])
        .env("IG_TEST_KEY", key)
        .assert()
        .success()
        .stdout(format!("{value}\n"))
        .stderr(predicate::str::contains("not text").not());
}

/// Found by testing: an unquoted value split into words (`encrypt my
/// S3cretWord`) made clap echo the word it did not expect, part of the
/// secret. The words are not shown; the exit code is still 2.
#[test]
fn extra_words_of_an_unquoted_secret_are_not_echoed() {
    for args in [
        &[
            "secure-props",
            "encrypt",
            "--key-env",
            "IG_ARG_KEY",
            "my",
            "S3cretWord",
        ][..],
        &[
            "secure-props",
            "decrypt",
            "--key-env",
            "IG_ARG_KEY",
            "a",
            "S3cretWord",
        ][..],
        &[
            "secure-props",
            "encrypt",
            "--key-env",
            "IG_ARG_KEY",
            "--S3cretWord",
        ][..],
    ] {
        let out = intguard()
            .env("IG_ARG_KEY", "1234567890123456")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("S3cretWord"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("not shown: they may be part of a secret"),
            "{stderr}"
        );
    }
    // Other usage errors still say what is wrong.
    let out = intguard()
        .args(["secure-props", "encrypt", "--algorithm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--algorithm"));
}

/// intguard does not encrypt the way its own IG108 reports without saying
/// so: Mule's default fixed IVs, ECB and weak algorithms each get a warning
/// naming why; AES with random IVs gets none.
#[test]
fn encrypting_as_ig108_reports_is_warned_about() {
    for (args, why) in [
        (&[][..], "(fixed IVs: equal values encrypt to equal text)"),
        (
            &["--mode", "ECB"][..],
            "(ECB: equal blocks encrypt to equal blocks)",
        ),
        (
            &["--algorithm", "Blowfish", "--random-iv"][..],
            "(a weak algorithm)",
        ),
    ] {
        let out = intguard()
            .env("IG_ARG_KEY", "1234567890123456")
            .args(["secure-props", "encrypt", "--key-env", "IG_ARG_KEY"])
            .args(args)
            .write_stdin("1234\n")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("is what IG108 (weak-property-encryption) reports")
                && stderr.contains(why),
            "{args:?}: {stderr}"
        );
    }
    intguard()
        .env("IG_ARG_KEY", "1234567890123456")
        .args([
            "secure-props",
            "encrypt",
            "--key-env",
            "IG_ARG_KEY",
            "--random-iv",
        ])
        .write_stdin("1234\n")
        .assert()
        .success()
        .stderr("");
    // Decrypting says nothing of the settings.
    intguard()
        .env("IG_ARG_KEY", "1234567890123456")
        .args(["secure-props", "decrypt", "--key-env", "IG_ARG_KEY"])
        .write_stdin("w9oKTqKTtvBuRUVbhQP/qw==\n")
        .assert()
        .success()
        .stdout("1234\n")
        .stderr("");
}
