//! `intguard keys new` -> `intguard keys inspect` round trip: files, modes, no overwrite, the
//! upload steps, and no key material in any output; `keys inspect` on JKS and PKCS#12.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Out {
    let o = cmd.output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn intguard() -> Command {
    Command::cargo_bin("intguard").unwrap()
}

/// The base64 body lines of a PEM file.
fn body_lines(pem: &str) -> Vec<String> {
    pem.lines()
        .filter(|l| !l.starts_with("-----") && l.len() > 20)
        .map(str::to_string)
        .collect()
}

fn assert_no_key_material(out: &Out, key_pem: &str) {
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(!all.contains("PRIVATE KEY-----"), "{all}");
    for line in body_lines(key_pem) {
        assert!(!all.contains(&line), "key material printed: {all}");
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../salesforce-auth/tests/fixtures")
        .join(name)
}

#[test]
fn new_then_inspect_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("keys");
    let new = run(intguard()
        .args(["keys", "new", "--out"])
        .arg(&out_dir)
        .args([
            "--cn",
            "Orders JWT (prod)",
            "--days",
            "90",
            "--bits",
            "2048",
        ]));
    assert_eq!(new.code, 0, "{}", new.stderr);
    let key = out_dir.join("Orders-JWT-prod.key");
    let crt = out_dir.join("Orders-JWT-prod.crt");
    let key_pem = std::fs::read_to_string(&key).unwrap();
    let crt_pem = std::fs::read_to_string(&crt).unwrap();
    assert!(key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(crt_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "key mode {mode:o}");
    let dir_mode = std::fs::metadata(&out_dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(dir_mode, 0o700, "new folder mode {dir_mode:o}");

    // The steps to upload and test it.
    let s = &new.stdout;
    for needle in [
        "Use digital signatures",
        "External Client App Manager",
        "Enable JWT Bearer Flow",
        "Admin\n     approved users are pre-authorized",
        "Manage Permission Sets",
        "Manage Consumer Details",
        "never the consumer secret",
        "intguard token --login-url https://login.salesforce.com --client-id <consumer key> --username <integration username> --key ",
        "IG112",
    ] {
        assert!(s.contains(needle), "missing {needle:?} in:\n{s}");
    }
    assert!(s.contains(&crt.display().to_string()), "{s}");
    assert!(s.contains("mode 0600"), "{s}");
    assert_no_key_material(&new, &key_pem);

    // inspect the certificate.
    let cert = run(intguard().args(["keys", "inspect"]).arg(&crt));
    assert_eq!(cert.code, 0, "{}", cert.stderr);
    let c = &cert.stdout;
    assert!(c.contains("subject      CN=Orders JWT (prod)"), "{c}");
    assert!(c.contains("issuer       CN=Orders JWT (prod)"), "{c}");
    assert!(c.contains("key          RSA 2048 bits"), "{c}");
    assert!(
        c.contains("(89 days left)") || c.contains("(90 days left)"),
        "{c}"
    );
    assert!(c.contains("self-signed  yes"), "{c}");
    // The fingerprint `keys new` printed is the one `keys inspect` reads.
    let fp = c
        .lines()
        .find_map(|l| l.trim().strip_prefix("SHA-256"))
        .unwrap()
        .trim();
    assert!(s.contains(&format!("SHA-256 {fp}")), "{s}\n{c}");

    // inspect the key: type and size only.
    let k = run(intguard().args(["keys", "inspect"]).arg(&key));
    assert_eq!(k.code, 0, "{}", k.stderr);
    assert!(
        k.stdout.contains("private key: RSA 2048 bits, PKCS#8 PEM"),
        "{}",
        k.stdout
    );
    assert!(k.stderr.is_empty(), "0600 key: no warning: {}", k.stderr);
    assert_no_key_material(&k, &key_pem);

    // JSON.
    let j = run(intguard()
        .args(["keys", "inspect", "--format", "json"])
        .arg(&crt));
    assert_eq!(j.code, 0);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    let first = &v["certificates"][0];
    assert_eq!(first["key_bits"], 2048);
    assert_eq!(first["key_type"], "RSA");
    assert_eq!(first["self_signed"], true);
    assert_eq!(first["expired"], false);
    let days = first["days_left"].as_i64().unwrap();
    assert!((89..=90).contains(&days), "{days}");
    assert!(v["private_key"].is_null());

    // A key readable by others is warned about.
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let k = run(intguard().args(["keys", "inspect"]).arg(&key));
    assert!(
        k.stderr.contains("mode 0644") && k.stderr.contains("chmod 600"),
        "{}",
        k.stderr
    );
}

#[test]
fn new_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let first = run(intguard()
        .args(["keys", "new", "--out"])
        .arg(dir.path())
        .args(["--name", "sfdc"]));
    assert_eq!(first.code, 0, "{}", first.stderr);
    let key = dir.path().join("sfdc.key");
    let crt = dir.path().join("sfdc.crt");
    let before = (std::fs::read(&key).unwrap(), std::fs::read(&crt).unwrap());
    let again = run(intguard()
        .args(["keys", "new", "--out"])
        .arg(dir.path())
        .args(["--name", "sfdc"]));
    assert_eq!(again.code, 2);
    assert!(
        again
            .stderr
            .contains("sfdc.key already exists: nothing was written"),
        "{}",
        again.stderr
    );
    assert!(again.stdout.is_empty());
    assert_eq!(
        before,
        (std::fs::read(&key).unwrap(), std::fs::read(&crt).unwrap())
    );
    // Only the certificate exists (someone deleted the key): still refused, nothing written.
    std::fs::remove_file(&key).unwrap();
    let again = run(intguard()
        .args(["keys", "new", "--out"])
        .arg(dir.path())
        .args(["--name", "sfdc"]));
    assert_eq!(again.code, 2);
    assert!(!key.exists());
}

#[test]
fn encrypted_key_with_password_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let new = run(intguard()
        .args(["keys", "new", "--out"])
        .arg(dir.path())
        .args(["--name", "jwt", "--encrypt", "--password-env", "NEW_KEY_PW"])
        .env("NEW_KEY_PW", "Correct-Horse-2026"));
    assert_eq!(new.code, 0, "{}", new.stderr);
    let key = dir.path().join("jwt.key");
    let key_pem = std::fs::read_to_string(&key).unwrap();
    assert!(key_pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assert!(
        new.stdout.contains("encrypted, mode 0600"),
        "{}",
        new.stdout
    );
    assert!(
        new.stdout.contains("--key-password-env NEW_KEY_PW"),
        "{}",
        new.stdout
    );
    assert!(!new.stdout.contains("Correct-Horse-2026"));
    assert_no_key_material(&new, &key_pem);

    // Without the password the key is described, not opened.
    let k = run(intguard().args(["keys", "inspect"]).arg(&key));
    assert_eq!(k.code, 0, "{}", k.stderr);
    assert!(k.stdout.contains("encrypted PKCS#8"), "{}", k.stdout);
    let k = run(intguard()
        .args(["keys", "inspect", "--password-env", "PW"])
        .arg(&key)
        .env("PW", "Correct-Horse-2026"));
    assert!(
        k.stdout.contains("RSA 2048 bits, encrypted PKCS#8 PEM"),
        "{}",
        k.stdout
    );
    assert_no_key_material(&k, &key_pem);

    // --encrypt with no password source and no terminal: refused, nothing written.
    let refused = run(intguard()
        .args(["keys", "new", "--out"])
        .arg(dir.path())
        .args(["--name", "other", "--encrypt"]));
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("--password-env VAR"),
        "{}",
        refused.stderr
    );
    assert!(!dir.path().join("other.key").exists());
}

#[test]
fn bad_parameters_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--bits", "1024"],
        vec!["--days", "0"],
        vec!["--name", "../escape"],
    ] {
        let out = run(intguard()
            .args(["keys", "new", "--out"])
            .arg(dir.path())
            .args(&args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let out = run(intguard().args(["keys", "inspect", "/nonexistent/cert.pem"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("/nonexistent/cert.pem: No such file"),
        "{}",
        out.stderr
    );
    // Found by testing: a folder was "no such file".
    let out = run(intguard().args(["keys", "inspect"]).arg(dir.path()));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is a folder, not a file"),
        "{}",
        out.stderr
    );
}

#[test]
fn inspect_jks_needs_no_password() {
    let out = run(intguard()
        .args(["keys", "inspect"])
        .arg(fixture("mule-jwt.jks")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("alias        mule-jwt"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("alias        partner-ca"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("with its private key"),
        "{}",
        out.stdout
    );
}

#[test]
fn inspect_pkcs12_asks_for_its_password() {
    let p12 = fixture("keytool.p12");
    let out = run(intguard().args(["keys", "inspect"]).arg(&p12));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("give its password with --password-env VAR"),
        "{}",
        out.stderr
    );
    let out = run(intguard()
        .args(["keys", "inspect", "--password-env", "P12_PW"])
        .arg(&p12)
        .env("P12_PW", "storepass1"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("alias        mule-jwt"),
        "{}",
        out.stdout
    );
    let out = run(intguard()
        .args(["keys", "inspect", "--password-env", "P12_PW"])
        .arg(&p12)
        .env("P12_PW", "wrong"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("wrong password"), "{}", out.stderr);
}

/// A file the password given does not open is an error (exit 2), worded alike for an
/// encrypted PKCS#8 key and a PKCS#12 keystore; without a password the key is described.
#[test]
fn inspect_wrong_password_is_an_error_for_keys_as_for_keystores() {
    let key = fixture("encrypted-aes256.pem");
    let out = run(intguard()
        .args(["keys", "inspect", "--password-env", "PW"])
        .arg(&key)
        .env("PW", "not-the-pass"));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains(
            "wrong password for this encrypted PKCS#8 private key (or the file is corrupt)"
        ),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("not-the-pass"), "{}", out.stderr);
    let p12 = run(intguard()
        .args(["keys", "inspect", "--password-env", "PW"])
        .arg(fixture("keytool.p12"))
        .env("PW", "not-the-pass"));
    assert_eq!(p12.code, 2);
    assert!(
        p12.stderr
            .contains("wrong password for this PKCS#12 keystore (or the file is corrupt)"),
        "{}",
        p12.stderr
    );
    let right = run(intguard()
        .args(["keys", "inspect", "--password-env", "PW"])
        .arg(&key)
        .env("PW", "pem-pass"));
    assert_eq!(right.code, 0, "{}", right.stderr);
    assert!(right.stdout.contains("RSA 2048 bits"), "{}", right.stdout);
    let none = run(intguard().args(["keys", "inspect"]).arg(&key));
    assert_eq!(none.code, 0, "{}", none.stderr);
    assert!(none.stdout.contains("encrypted PKCS#8"), "{}", none.stdout);
}

/// A private key in a form that is not read (SEC1 `EC PRIVATE KEY`) is an unreadable
/// file: exit 2, saying how to convert it.
#[test]
fn inspect_unreadable_key_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("ec.key");
    // A throwaway P-256 key (`openssl ecparam -name prime256v1 -genkey -noout`).
    std::fs::write(
        &key,
        "-----BEGIN EC PRIVATE KEY-----\n\
         MHcCAQEEID/FgrXcg2jn9XOdKCwjTj22OnPxtYjvrifUtSvaRgvfoAoGCCqGSM49\n\
         AwEHoUQDQgAEgls9UKdj7A38wG35m5qxEpXgs8ufcls/MTt51hOiGCAjcsiI1tv6\n\
         0frG7ba5f7t2GJTbcS7a5ymiHxwFtH4tOg==\n\
         -----END EC PRIVATE KEY-----\n",
    )
    .unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(intguard().args(["keys", "inspect"]).arg(&key));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("cannot read its private key")
            && out.stderr.contains("openssl pkcs8 -topk8"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("MHcCAQEEID"), "{}", out.stderr);
}

/// Binary (DER) PKCS#8 and PKCS#1 private keys are read, as the help promises.
#[test]
fn inspect_reads_der_private_keys() {
    for (file, format) in [("pkcs8.der", "PKCS#8 DER"), ("pkcs1.der", "PKCS#1 DER")] {
        let out = run(intguard().args(["keys", "inspect"]).arg(fixture(file)));
        assert_eq!(out.code, 0, "{file}: {}", out.stderr);
        assert!(
            out.stdout
                .contains(&format!("private key: RSA 2048 bits, {format}")),
            "{file}: {}",
            out.stdout
        );
        let json = run(intguard()
            .args(["keys", "inspect", "--format", "json"])
            .arg(fixture(file)));
        assert_eq!(json.code, 0, "{file}: {}", json.stderr);
        let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(v["private_key"]["encrypted"], false, "{}", json.stdout);
        assert_eq!(v["certificates"].as_array().map(Vec::len), Some(0));
    }
}

/// Found by testing: a certificate not valid yet (valid from 2030 to 2031)
/// was described as "not valid yet; 1489 days left after that", the days to
/// its expiry from today, read as days of validity once it starts. It now
/// says when it starts and how long it is valid then.
#[test]
fn inspect_a_certificate_not_valid_yet() {
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["future.example".to_string()]).unwrap();
    params.not_before = rcgen::date_time_ymd(2100, 1, 1);
    params.not_after = rcgen::date_time_ymd(2101, 1, 1);
    let cert = params.self_signed(&key).unwrap();
    let path = dir.path().join("future.crt");
    std::fs::write(&path, cert.pem()).unwrap();
    let out = run(intguard().args(["keys", "inspect"]).arg(&path));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains("valid to"))
        .unwrap_or_default();
    let starts_in = (rcgen::date_time_ymd(2100, 1, 1).unix_timestamp()
        - std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64)
        / 86_400;
    assert!(
        line.contains("2101-01-01T00:00:00Z (NOT VALID YET: it starts in ")
            && line.ends_with(" days, then is valid for 365 days)"),
        "{line}"
    );
    // The days until it starts, not until it expires.
    assert!(
        line.contains(&format!("starts in {} days", starts_in + 1))
            || line.contains(&format!("starts in {starts_in} days")),
        "{line}"
    );
}

/// Found by testing with a wrong-key certificate: a PEM file holding a
/// private key and the certificate of another key was described as
/// "with its private key", the answer a security engineer checks before
/// uploading the certificate. Only a certificate the key matches is.
#[test]
fn inspect_a_pem_whose_certificate_is_another_keys() {
    let dir = tempfile::tempdir().unwrap();
    let a = salesforce_auth::generate_self_signed("key-a", 30, 2048, None).unwrap();
    let b = salesforce_auth::generate_self_signed("key-b", 30, 2048, None).unwrap();
    let write = |name: &str, text: String| {
        let path = dir.path().join(name);
        salesforce_auth::keys::write_secret_file(&path, text.as_bytes(), false).unwrap();
        path
    };
    let wrong = write(
        "wrong.pem",
        format!("{}{}", a.private_key_pem(), b.certificate_pem),
    );
    let right = write(
        "right.pem",
        format!("{}{}", a.private_key_pem(), a.certificate_pem),
    );
    let out = run(intguard().args(["keys", "inspect"]).arg(&wrong));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        !out.stdout.contains("with its private key"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("warning: not the certificate of the private key in this file"),
        "{}",
        out.stdout
    );
    assert_no_key_material(&out, a.private_key_pem());
    let json = run(intguard()
        .args(["keys", "inspect", "--format", "json"])
        .arg(&wrong));
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["certificates"][0]["with_private_key"], false);

    let out = run(intguard().args(["keys", "inspect"]).arg(&right));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("with its private key"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("warning: not the certificate"),
        "{}",
        out.stdout
    );
}

/// Found by testing with a hostile certificate: a subject holding escape
/// sequences and line breaks (`CN=evil\e]0;pwned\a\e[2J\r\nerror: forged`)
/// reached the terminal as it was, able to retitle or clear it and forge
/// lines. Names from the file are shown with control characters escaped.
#[test]
fn inspect_never_writes_a_certificates_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(
        rcgen::DnType::CommonName,
        "evil\u{1b}]0;pwned\u{7}\u{1b}[2J\r\nerror: forged",
    );
    params.distinguished_name = dn;
    let cert = params.self_signed(&key).unwrap();
    let path = dir.path().join("evil.crt");
    std::fs::write(&path, cert.pem()).unwrap();
    let out = run(intguard().args(["keys", "inspect"]).arg(&path));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        !out.stdout.chars().any(|c| c.is_control() && c != '\n'),
        "{:?}",
        out.stdout
    );
    assert!(!out.stdout.contains("\nerror: forged"), "{}", out.stdout);
    assert!(out.stdout.contains(r"evil\u{1b}]0;pwned"), "{}", out.stdout);
}

/// `keys new --keystore`: the PKCS#12 keystore a Mule jwt-connection loads, under the alias
/// the printed XML names, opened by its password only; no PEM key beside it, and the password
/// in no output.
#[test]
fn new_keystore_for_a_mule_jwt_connection() {
    let dir = tempfile::tempdir().unwrap();
    let password = "Mule-Keystore-2026!";
    let new = run(intguard()
        .args(["keys", "new", "--out"])
        .arg(dir.path())
        .args(["--cn", "Orders JWT", "--keystore"])
        .args(["--keystore-password-env", "SFDC_KS_PW"])
        .env("SFDC_KS_PW", password));
    assert_eq!(new.code, 0, "{}", new.stderr);
    let p12 = dir.path().join("Orders-JWT.p12");
    let crt = dir.path().join("Orders-JWT.crt");
    assert!(!dir.path().join("Orders-JWT.key").exists());
    let mode = std::fs::metadata(&p12).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "keystore mode {mode:o}");
    assert!(std::fs::read_to_string(&crt)
        .unwrap()
        .starts_with("-----BEGIN CERTIFICATE-----"));
    let s = &new.stdout;
    for needle in [
        "PKCS#12, mode 0600",
        "under alias orders-jwt",
        "--keystore ",
        "--alias orders-jwt --keystore-password-env SFDC_KS_PW",
        "<salesforce:jwt-connection consumerKey=\"${secure::sfdc.consumerKey}\"",
        "keyStore=\"${sfdc.keystore.path}\" storePassword=\"${secure::sfdc.keystore.password}\"",
        "certificateAlias=\"orders-jwt\"",
        "\"secureProperties\"",
    ] {
        assert!(s.contains(needle), "missing {needle:?} in:\n{s}");
    }
    assert!(!format!("{s}{}", new.stderr).contains(password));

    // The keystore holds the key with its certificate, under that alias.
    let k = run(intguard()
        .args(["keys", "inspect", "--password-env", "PW"])
        .arg(&p12)
        .env("PW", password));
    assert_eq!(k.code, 0, "{}", k.stderr);
    assert!(k.stdout.contains("alias        orders-jwt"), "{}", k.stdout);
    assert!(
        k.stdout.contains("subject      CN=Orders JWT"),
        "{}",
        k.stdout
    );
    assert!(k.stdout.contains("with its private key"), "{}", k.stdout);
    assert!(!k.stdout.contains(password));
    let wrong = run(intguard()
        .args(["keys", "inspect", "--password-env", "PW"])
        .arg(&p12)
        .env("PW", "not-the-password"));
    assert_eq!(wrong.code, 2, "{}", wrong.stdout);
    assert!(wrong.stderr.contains("wrong password"), "{}", wrong.stderr);

    // A chosen alias; an existing keystore is never replaced.
    let before = std::fs::read(&p12).unwrap();
    let again = run(intguard()
        .args(["keys", "new", "--out"])
        .arg(dir.path())
        .args(["--cn", "Orders JWT", "--keystore", "--alias", "sfdc"])
        .args(["--keystore-password-env", "SFDC_KS_PW"])
        .env("SFDC_KS_PW", password));
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("Orders-JWT.p12 already exists"),
        "{}",
        again.stderr
    );
    assert_eq!(before, std::fs::read(&p12).unwrap());
}

#[test]
fn keystore_options_are_checked_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str, Option<&str>); 5] = [
        // No password source and no terminal.
        (&["--keystore"], "--keystore-password-env VAR", None),
        // The empty password opens the keystore for anyone.
        (
            &["--keystore", "--keystore-password-env", "KS"],
            "is empty",
            Some(""),
        ),
        // One protection at a time: the keystore's password protects the key.
        (&["--keystore", "--encrypt"], "cannot be used with", None),
        (&["--alias", "sfdc"], "--keystore", None),
        (
            &[
                "--keystore",
                "--alias",
                "my alias",
                "--keystore-password-env",
                "KS",
            ],
            "--alias",
            Some("a-long-enough-pw"),
        ),
    ];
    for (args, needle, env) in cases {
        let mut cmd = intguard();
        cmd.args(["keys", "new", "--out"])
            .arg(dir.path())
            .args(args);
        if let Some(v) = env {
            cmd.env("KS", v);
        }
        let out = run(&mut cmd);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stdout);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
