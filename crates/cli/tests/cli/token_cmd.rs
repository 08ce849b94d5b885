//! `intguard token` against local servers on 127.0.0.1: a TLS token endpoint with a test CA
//! that verifies the signed assertion like Salesforce (`--ca-file`), mutual TLS, `http://`
//! refusal before any connection, actionable errors, and no raw token or key in any output
//! unless `--print-token` asks for the token.

use crate::auth_server;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use assert_cmd::Command;
use auth_server::{FakeOrg, TestPki, TestServer, CONSUMER_KEY, USER};
use salesforce_auth::{generate_self_signed, PrivateKeySource, SecretString};

struct Setup {
    pki: TestPki,
    org: Arc<FakeOrg>,
    server: TestServer,
    key_path: PathBuf,
    key_pem: String,
}

/// A key and certificate made like `intguard keys new`, the certificate uploaded to the org.
fn setup_with(mtls: bool, key_password: Option<&str>) -> Setup {
    let pki = TestPki::new();
    let creds = generate_self_signed("intguard-jwt", 30, 2048, key_password).unwrap();
    let cert_der = x509_parser::pem::parse_x509_pem(creds.certificate_pem.as_bytes())
        .unwrap()
        .1
        .contents;
    let org = FakeOrg::new(&cert_der);
    let server = org.start(&pki, mtls);
    let key_path = pki.dir.path().join("jwt.key");
    salesforce_auth::keys::write_secret_file(&key_path, creds.private_key_pem().as_bytes(), false)
        .unwrap();
    Setup {
        key_pem: creds.private_key_pem().to_string(),
        pki,
        org,
        server,
        key_path,
    }
}

fn setup() -> Setup {
    setup_with(false, None)
}

fn intguard() -> Command {
    let mut cmd = Command::cargo_bin("intguard").unwrap();
    cmd.env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy");
    cmd
}

fn token_cmd(s: &Setup, username: &str, client_id: &str) -> Command {
    let mut cmd = intguard();
    cmd.arg("token")
        .args(["--login-url", &s.server.url()])
        .args(["--client-id", client_id])
        .args(["--username", username])
        .arg("--key")
        .arg(&s.key_path)
        .arg("--ca-file")
        .arg(s.pki.ca_file());
    cmd
}

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

/// The base64 body lines of a PEM key: none may appear in any output.
fn key_lines(pem: &str) -> Vec<String> {
    pem.lines()
        .filter(|l| !l.starts_with("-----") && l.len() > 20)
        .map(str::to_string)
        .collect()
}

fn assert_no_secrets(out: &Out, s: &Setup) {
    let all = format!("{}{}", out.stdout, out.stderr);
    for token in s.org.tokens.lock().unwrap().iter() {
        assert!(!all.contains(token.as_str()), "raw token printed: {all}");
    }
    for line in key_lines(&s.key_pem) {
        assert!(!all.contains(&line), "key material printed: {all}");
    }
}

#[test]
fn ca_file_login_prints_a_masked_summary() {
    let s = setup();
    let out = run(&mut token_cmd(&s, USER, CONSUMER_KEY));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let tokens = s.org.tokens.lock().unwrap().clone();
    assert_eq!(tokens.len(), 1, "one verified assertion, one token");
    let token = &tokens[0];
    assert!(
        out.stdout
            .contains("instance URL  https://acme.my.salesforce.com"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(
        "identity URL  https://login.salesforce.com/id/00DCLI000000001AAA/005CLI000000001AAA"
    ));
    assert!(out
        .stdout
        .contains("org / user    00DCLI000000001AAA / 005CLI000000001AAA"));
    assert!(out.stdout.contains("scopes        api"));
    assert!(out.stdout.contains("token type    Bearer"));
    // The fingerprint a scan shows for the same token (IG106).
    let masked = format!(
        "00DC…({}) sha256:{}",
        token.chars().count(),
        intguard_model::secret::fingerprint(token)
    );
    assert!(
        out.stdout.contains(&format!("access token  {masked}")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("audience https://login.salesforce.com"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert_no_secrets(&out, &s);
}

#[test]
fn print_token_prints_the_raw_token_alone() {
    let s = setup();
    let out = run(token_cmd(&s, USER, CONSUMER_KEY).arg("--print-token"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let token = s.org.tokens.lock().unwrap()[0].clone();
    assert_eq!(out.stdout, format!("{token}\n"));
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn json_format_masks_the_token() {
    let s = setup();
    let out = run(token_cmd(&s, USER, CONSUMER_KEY).args(["--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["instance_url"], "https://acme.my.salesforce.com");
    assert_eq!(v["org_id"], "00DCLI000000001AAA");
    assert_eq!(v["user_id"], "005CLI000000001AAA");
    assert_eq!(v["scopes"], serde_json::json!(["api"]));
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["audience"], "https://login.salesforce.com");
    assert_eq!(v["login_url"], s.server.url());
    assert_eq!(v["mutual_tls"], false);
    assert!(v["access_token"].as_str().unwrap().starts_with("00DC…("));
    assert_no_secrets(&out, &s);
}

#[test]
fn http_login_url_is_refused_before_any_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let out = run(intguard()
        .arg("token")
        .args(["--login-url", &url])
        .args(["--client-id", CONSUMER_KEY, "--username", USER])
        // The key is never read: http:// is refused first.
        .args(["--key", "/nonexistent/jwt.key"]));
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains(&format!(
            "refusing {url}/services/oauth2/token: only https:// URLs are allowed"
        )),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "(login URL {url}, audience https://login.salesforce.com)"
        )),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Use the https:// form of the URL"));
    assert!(
        listener.accept().is_err(),
        "a connection was made to the http:// URL"
    );
}

/// Found by testing: with one required option left out, the error listed
/// all four, so the one missing had to be guessed.
#[test]
fn a_missing_login_option_is_named() {
    let out = run(intguard()
        .arg("token")
        .args(["--client-id", CONSUMER_KEY, "--username", USER])
        .args(["--key", "/nonexistent/jwt.key"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("error: missing --login-url URL: the login needs"),
        "{}",
        out.stderr
    );
    let out = run(intguard()
        .arg("token")
        .args(["--key", "/nonexistent/jwt.key"]));
    assert!(
        out.stderr
            .contains("missing --login-url URL, --client-id KEY, --username USER:"),
        "{}",
        out.stderr
    );
}

/// Found by testing: a login URL with a user name and password before its
/// host (`https://user:password@host`) was used, and the error printed the
/// password with the login URL. It is refused before anything is sent, and
/// no message shows it.
#[test]
fn a_password_in_the_login_url_is_refused_and_never_printed() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    for scheme in ["https", "http"] {
        let url = format!("{scheme}://int.orders:s3cretPW@127.0.0.1:{port}");
        let out = run(intguard()
            .arg("token")
            .args(["--login-url", &url])
            .args(["--client-id", CONSUMER_KEY, "--username", USER])
            .args(["--key", "/nonexistent/jwt.key"]));
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        assert!(!out.stderr.contains("s3cretPW"), "{}", out.stderr);
        assert!(
            out.stderr.contains(&format!(
                "(login URL {scheme}://***@127.0.0.1:{port}, audience"
            )),
            "{}",
            out.stderr
        );
        if scheme == "https" {
            assert!(
                out.stderr.contains("user name or password"),
                "{}",
                out.stderr
            );
        }
    }
    assert!(
        listener.accept().is_err(),
        "a connection was made to the URL with a password"
    );
}

/// Found by testing behind a proxy: with `HTTPS_PROXY` pointing at a proxy
/// that is down, the error said "cannot connect to
/// https://login.example.invalid/...: Connection refused", as if the
/// Salesforce host refused. It now names the proxy (host and port, never its
/// password).
#[test]
fn a_proxy_that_is_down_is_named_without_its_password() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let s = setup();
    let out = run(intguard()
        .env(
            "HTTPS_PROXY",
            format!("http://proxyuser:pr0xyPW@127.0.0.1:{port}"),
        )
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .arg("token")
        .args(["--login-url", "https://login.example.invalid"])
        .args(["--client-id", CONSUMER_KEY, "--username", USER])
        .arg("--key")
        .arg(&s.key_path));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "(through the proxy 127.0.0.1:{port} set in the environment"
        )),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("pr0xyPW"), "{}", out.stderr);
}

/// Found by testing against a hostile token endpoint: the fields of its
/// answer (scope, identity URL, token type) reached the terminal with their
/// escape sequences and line breaks. The summary shows them escaped.
#[test]
fn a_token_answer_cannot_write_control_characters_to_the_terminal() {
    let pki = TestPki::new();
    let server = TestServer::start(
        pki.server_config(),
        Arc::new(|_req: &auth_server::Request| {
            auth_server::Response::json(
                200,
                &serde_json::json!({
                    "access_token": "00DCLI000000001!AQxSECRETxTOKENxVALUEx",
                    "instance_url": "https://acme.my.salesforce.com",
                    "id": "https://login.salesforce.com/id/00D\u{1b}]0;pwned\u{7}/005\u{1b}[2J",
                    "scope": "api\u{1b}[2J web",
                    "token_type": "Bearer\u{1b}[31m",
                }),
            )
        }),
    );
    let s = setup();
    let out = run(intguard()
        .arg("token")
        .args(["--login-url", &server.url()])
        .args(["--client-id", CONSUMER_KEY, "--username", USER])
        .arg("--key")
        .arg(&s.key_path)
        .arg("--ca-file")
        .arg(pki.ca_file()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        !out.stdout.chars().any(|c| c.is_control() && c != '\n'),
        "{:?}",
        out.stdout
    );
    assert!(
        out.stdout.contains(r"scopes        api\u{1b}[2J web"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("SECRETxTOKEN"), "{}", out.stdout);
}

#[test]
fn wrong_consumer_key_prints_the_actionable_message() {
    let s = setup();
    let out = run(&mut token_cmd(&s, USER, "3MVG9_not_the_app"));
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let e = &out.stderr;
    assert!(
        e.contains("Salesforce does not know this consumer key (iss)"),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "(login URL {}, audience https://login.salesforce.com)",
            s.server.url()
        )),
        "{e}"
    );
    assert!(
        e.contains("HTTP 400 `invalid_client_id`: \"client identifier invalid\""),
        "{e}"
    );
    assert!(e.contains("Manage Consumer Details"), "{e}");
    assert_no_secrets(&out, &s);
}

#[test]
fn user_not_approved_and_wrong_audience_are_explained() {
    let s = setup();
    let out = run(&mut token_cmd(
        &s,
        "someone.else@acme.example",
        CONSUMER_KEY,
    ));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is not allowed to use this app"),
        "{}",
        out.stderr
    );
    let out =
        run(token_cmd(&s, USER, CONSUMER_KEY).args(["--audience", "https://test.salesforce.com"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("rejected the audience")
            && out.stderr.contains("audience https://test.salesforce.com"),
        "{}",
        out.stderr
    );
}

#[test]
fn without_the_ca_file_the_server_is_not_trusted() {
    let s = setup();
    let out = run(intguard()
        .arg("token")
        .args(["--login-url", &s.server.url()])
        .args(["--client-id", CONSUMER_KEY, "--username", USER])
        .arg("--key")
        .arg(&s.key_path));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("TLS"), "{}", out.stderr);
    assert!(s.org.tokens.lock().unwrap().is_empty());
}

#[test]
fn encrypted_key_password_comes_from_the_environment() {
    let s = setup_with(false, Some("Key!Pass-2026"));
    assert!(s
        .key_pem
        .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    // No password and no terminal to ask on: the message says how to give it.
    let out = run(&mut token_cmd(&s, USER, CONSUMER_KEY));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is encrypted") && out.stderr.contains("--key-password-env VAR"),
        "{}",
        out.stderr
    );
    let out = run(token_cmd(&s, USER, CONSUMER_KEY)
        .args(["--key-password-env", "JWT_KEY_PASSWORD"])
        .env("JWT_KEY_PASSWORD", "Key!Pass-2026"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("Key!Pass-2026"));
    let out = run(token_cmd(&s, USER, CONSUMER_KEY)
        .args(["--key-password-env", "JWT_KEY_PASSWORD"])
        .env_remove("JWT_KEY_PASSWORD"));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("environment variable JWT_KEY_PASSWORD is not set"),
        "{}",
        out.stderr
    );
}

/// A certificate given as `--key` by mistake is named as holding no key,
/// without a warning about its mode first (a certificate is public).
#[cfg(unix)]
#[test]
fn a_certificate_given_as_the_key_gets_no_mode_warning() {
    use std::os::unix::fs::PermissionsExt;
    let s = setup();
    let cert = s.pki.dir.path().join("jwt.crt");
    std::fs::copy(s.pki.ca_file(), &cert).unwrap();
    std::fs::set_permissions(&cert, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut cmd = intguard();
    cmd.arg("token")
        .args(["--login-url", &s.server.url()])
        .args(["--client-id", CONSUMER_KEY, "--username", USER])
        .arg("--key")
        .arg(&cert)
        .arg("--ca-file")
        .arg(s.pki.ca_file());
    let out = run(&mut cmd);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!out.stderr.contains("mode 0644"), "{}", out.stderr);
    assert!(out.stderr.contains("private key"), "{}", out.stderr);
}

#[test]
fn a_key_file_others_can_read_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let s = setup();
    std::fs::set_permissions(&s.key_path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(&mut token_cmd(&s, USER, CONSUMER_KEY));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("warning: ")
            && out.stderr.contains("mode 0644")
            && out.stderr.contains("chmod 600"),
        "{}",
        out.stderr
    );
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../salesforce-auth/tests/fixtures")
        .join(name)
}

#[test]
fn mule_jks_keystore_with_alias_and_passwords_from_the_environment() {
    let jks = fixture("mule-jwt.jks");
    let key = PrivateKeySource::Keystore {
        path: jks.clone(),
        alias: Some("mule-jwt".into()),
        store_password: SecretString::from("storepass1"),
        key_password: Some(SecretString::from("keypass12")),
    }
    .load()
    .unwrap();
    let pki = TestPki::new();
    let org = FakeOrg::new(&key.certificate_chain()[0]);
    let server = org.start(&pki, false);
    let out = run(intguard()
        .arg("token")
        .args(["--login-url", &server.url()])
        .args(["--client-id", CONSUMER_KEY, "--username", USER])
        .arg("--keystore")
        .arg(&jks)
        .args(["--alias", "mule-jwt"])
        .args(["--keystore-password-env", "SFDC_STORE_PW"])
        .args(["--key-password-env", "SFDC_KEY_PW"])
        .env("SFDC_STORE_PW", "storepass1")
        .env("SFDC_KEY_PW", "keypass12")
        .arg("--ca-file")
        .arg(pki.ca_file()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(org.tokens.lock().unwrap().len(), 1);
    // Without the store password (and no terminal), the message names the option.
    let out = run(intguard()
        .arg("token")
        .args(["--login-url", &server.url()])
        .args(["--client-id", CONSUMER_KEY, "--username", USER])
        .arg("--keystore")
        .arg(&jks));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--keystore-password-env VAR"),
        "{}",
        out.stderr
    );
}

/// What `keys new --keystore` writes is what `token --keystore` (and a Mule jwt-connection)
/// signs with: the token endpoint, which checks the assertion's signature against the
/// certificate written beside the keystore, issues a token.
#[test]
fn keystore_made_by_keys_new_logs_in() {
    let dir = tempfile::tempdir().unwrap();
    let made = run(intguard()
        .args(["keys", "new", "--out"])
        .arg(dir.path())
        .args([
            "--cn",
            "sfdc",
            "--keystore",
            "--keystore-password-env",
            "KS_PW",
        ])
        .env("KS_PW", "store-pass-2026"));
    assert_eq!(made.code, 0, "{}", made.stderr);
    let p12 = dir.path().join("sfdc.p12");
    // The server trusts the certificate file `keys new` wrote (PEM to DER).
    let crt = std::fs::read(dir.path().join("sfdc.crt")).unwrap();
    let (_, pem) = x509_parser::pem::parse_x509_pem(&crt).unwrap();
    let cert_der = pem.contents;
    let pki = TestPki::new();
    let org = FakeOrg::new(&cert_der);
    let server = org.start(&pki, false);
    let login = |alias: &str| {
        run(intguard()
            .arg("token")
            .args(["--login-url", &server.url()])
            .args(["--client-id", CONSUMER_KEY, "--username", USER])
            .arg("--keystore")
            .arg(&p12)
            .args(["--alias", alias, "--keystore-password-env", "KS_PW"])
            .env("KS_PW", "store-pass-2026")
            .arg("--ca-file")
            .arg(pki.ca_file()))
    };
    let out = login("sfdc");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(org.tokens.lock().unwrap().len(), 1);
    // The alias the printed jwt-connection names is the entry's.
    assert!(
        made.stdout.contains("certificateAlias=\"sfdc\""),
        "{}",
        made.stdout
    );
    let out = login("other");
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("alias `other`"), "{}", out.stderr);
    assert_eq!(org.tokens.lock().unwrap().len(), 1);
}

#[test]
fn mutual_tls_client_certificate_is_required_and_sent() {
    let s = setup_with(true, None);
    // Without a client certificate the server refuses the handshake.
    let out = run(&mut token_cmd(&s, USER, CONSUMER_KEY));
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(s.org.tokens.lock().unwrap().is_empty());
    // With the test CA's client certificate the login succeeds.
    let out = run(token_cmd(&s, USER, CONSUMER_KEY)
        .arg("--client-cert")
        .arg(s.pki.client_cert_file())
        .arg("--client-key")
        .arg(s.pki.client_key_file()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("mutual TLS"), "{}", out.stdout);
    assert_eq!(s.org.tokens.lock().unwrap().len(), 1);
}

#[test]
fn usage_errors_exit_2() {
    // Neither --key nor --keystore.
    let out = run(intguard().args([
        "token",
        "--login-url",
        "https://login.salesforce.com",
        "--client-id",
        CONSUMER_KEY,
        "--username",
        USER,
    ]));
    assert_eq!(out.code, 2);
    // Both.
    let out = run(intguard().args([
        "token",
        "--login-url",
        "https://login.salesforce.com",
        "--client-id",
        CONSUMER_KEY,
        "--username",
        USER,
        "--key",
        "a.key",
        "--keystore",
        "b.jks",
    ]));
    assert_eq!(out.code, 2);
    let help = run(intguard().args(["token", "--help"]));
    assert!(help.stdout.contains("Exit codes: 0 a token was issued; 2"));
}

/// A FIFO given as the key, the keystore, the CA file or the org snapshot
/// is refused at once (exit 2, saying what it is): opening one waits for a
/// writer, and a CI job would hang.
#[cfg(unix)]
#[test]
fn fifos_given_as_login_files_are_refused_not_waited_on() {
    let s = setup();
    let fifo = s.pki.dir.path().join("fifo");
    crate::support::mkfifo(&fifo);
    let refused = |mut cmd: Command, what: &str| {
        let out = run(cmd.timeout(std::time::Duration::from_secs(30)));
        assert_eq!(out.code, 2, "{what}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("is not a regular file (a FIFO, device or socket)"),
            "{what}: {}",
            out.stderr
        );
        assert!(s.org.tokens.lock().unwrap().is_empty(), "{what}");
    };
    let mut cmd = intguard();
    cmd.arg("token")
        .args(["--login-url", &s.server.url()])
        .args(["--client-id", CONSUMER_KEY, "--username", USER])
        .arg("--key")
        .arg(&fifo)
        .arg("--ca-file")
        .arg(s.pki.ca_file());
    refused(cmd, "--key");
    let mut cmd = intguard();
    cmd.arg("token")
        .args(["--login-url", &s.server.url()])
        .args(["--client-id", CONSUMER_KEY, "--username", USER])
        .arg("--keystore")
        .arg(&fifo)
        .args(["--keystore-password-env", "KS_PASSWORD"])
        .env("KS_PASSWORD", "changeit");
    refused(cmd, "--keystore");
    let mut cmd = intguard();
    cmd.arg("token")
        .args(["--login-url", &s.server.url()])
        .args(["--client-id", CONSUMER_KEY, "--username", USER])
        .arg("--key")
        .arg(&s.key_path)
        .arg("--ca-file")
        .arg(&fifo);
    refused(cmd, "--ca-file");
    let app = s.pki.dir.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    let mut cmd = intguard();
    cmd.arg("scan").arg(&app).arg("--org-snapshot").arg(&fifo);
    refused(cmd, "--org-snapshot");
}
