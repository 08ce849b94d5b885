//! `intguard fix jwt` through the CLI: dry run, the git guard and --force, exit codes,
//! fix then scan (the example's apps too), and no secret in any output. Fixture apps
//! are the fix crate's, copied to temporary folders.

use std::path::Path;

use crate::support::{
    copy_example, file_tree, findings, fix_fixture, git, intguard, run_cmd, scan_json,
};

/// The IG101 findings of a scan of `path`: (file, line).
fn ig101(path: &Path) -> Vec<(String, u64)> {
    let (_, report) = scan_json(path, &["--fail-on", "none"]);
    findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG101")
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// The fixture apps' secrets, in clear, as written.
const SECRETS: &[&str] = &[
    "aB3dE5fG7hJ9kL1mN3pQ5rS7",
    "xY9wV8uT7sR6qP5oN4mL3kJ2",
    "Tiger2024!dev",
    "Pr0d-S3cret-Orders",
    "Tok3nLiteralValue99",
];

fn assert_no_secret(what: &str, text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{what} shows {s}:\n{text}");
    }
}

#[test]
fn dry_run_prints_the_diff_and_changes_nothing() {
    let (_tmp, app) = fix_fixture("jwt-props");
    let before = file_tree(&app);
    let run = run_cmd(intguard().args(["fix", "jwt", "--dry-run"]).arg(&app));
    run.expect_code(0);
    assert_eq!(file_tree(&app), before);
    assert!(run.stdout.contains("+++ b/"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("-\t\t<salesforce:basic-connection username=\"${sfdc.username}\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("+\t\t<salesforce:jwt-connection consumerKey=\"${sfdc.consumerKey}\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("+\t\t</salesforce:jwt-connection>"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("intguard: would switch `Salesforce_Config`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("no longer read"), "{}", run.stderr);
    assert!(run.stderr.contains("Next steps"), "{}", run.stderr);
    assert!(
        run.stderr.contains("intguard keys new --out") && run.stderr.contains("intguard token "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_no_secret("dry run stdout", &run.stdout);
    assert_no_secret("dry run stderr", &run.stderr);
}

#[test]
fn fix_then_scan_reports_no_password_login() {
    let (_tmp, app) = fix_fixture("jwt-yaml");
    assert_eq!(ig101(&app).len(), 1);
    let run = run_cmd(intguard().args(["fix", "jwt"]).arg(&app));
    run.expect_code(0);
    assert!(
        run.stderr.contains(
            "file(s) changed, 1 connection(s) switched to salesforce:jwt-connection and checked"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("int.orders@acme.com, int.orders@acme.com.uat"),
        "{}",
        run.stderr
    );
    assert_no_secret("fix stdout", &run.stdout);
    assert_no_secret("fix stderr", &run.stderr);
    assert_eq!(ig101(&app), Vec::<(String, u64)>::new());
    // The scan reads the connection as JWT, with the same user.
    let (_, report) = scan_json(&app, &["--fail-on", "none"]);
    let text = report.to_string();
    assert!(text.contains("salesforce:jwt-connection"), "{text}");
    assert!(text.contains("int.orders@acme.com.uat"), "{text}");
    // Idempotent.
    let after = file_tree(&app);
    let run = run_cmd(intguard().args(["fix", "jwt"]).arg(&app));
    run.expect_code(0);
    assert!(run.stderr.contains("nothing to change"), "{}", run.stderr);
    assert_eq!(file_tree(&app), after);
}

#[test]
fn refuses_uncommitted_changes_unless_forced() {
    let (tmp, app) = fix_fixture("jwt-yaml");
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-q", "-m", "app"]);
    let dev = app.join("src/main/resources/properties/dev.yaml");
    let mut text = std::fs::read_to_string(&dev).unwrap();
    text.push_str("# local edit\n");
    std::fs::write(&dev, &text).unwrap();
    let before = file_tree(&app);
    let run = run_cmd(intguard().args(["fix", "jwt"]).arg(&app));
    run.expect_code(2);
    assert!(run.stderr.contains("uncommitted changes"), "{}", run.stderr);
    assert!(run.stderr.contains("dev.yaml"), "{}", run.stderr);
    assert_eq!(file_tree(&app), before);
    let run = run_cmd(intguard().args(["fix", "jwt", "--force"]).arg(&app));
    run.expect_code(0);
    // Written over the local edit, which stays.
    let text = std::fs::read_to_string(&dev).unwrap();
    assert!(text.contains("# local edit\n"), "{text}");
    assert!(
        text.contains("    keystore:\n      path: \"<path of the PKCS#12 keystore>\"\n"),
        "{text}"
    );
    assert_eq!(ig101(&app), Vec::<(String, u64)>::new());
}

#[test]
fn clean_git_tree_is_fixed() {
    let (tmp, app) = fix_fixture("jwt-oauth");
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-q", "-m", "app"]);
    run_cmd(intguard().args(["fix", "jwt"]).arg(&app)).expect_code(0);
    assert_eq!(ig101(&app), Vec::<(String, u64)>::new());
}

#[test]
fn mule3_is_left_with_exit_1() {
    let (_tmp, app) = fix_fixture("mule3-app");
    let before = file_tree(&app);
    let run = run_cmd(intguard().args(["fix", "jwt"]).arg(&app));
    run.expect_code(1);
    assert!(
        run.stderr.contains("intguard: left as is: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Mule 3: not rewritten"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing to change"), "{}", run.stderr);
    assert_eq!(file_tree(&app), before);
    assert_no_secret("stderr", &run.stderr);
}

#[test]
fn usage_errors() {
    let (_tmp, app) = fix_fixture("jwt-props");
    run_cmd(intguard().args(["fix", "jwt", "/no/such/app"])).expect_code(2);
    let run = run_cmd(
        intguard()
            .args(["fix", "jwt", "--keystore-property", "a b"])
            .arg(&app),
    );
    run.expect_code(2);
    assert!(
        run.stderr.contains("`a b` is not a property name"),
        "{}",
        run.stderr
    );
    run_cmd(
        intguard()
            .args(["fix", "jwt", "--consumer-key", ""])
            .arg(&app),
    )
    .expect_code(2);
}

/// The example's Mule 4 password connections are switched and scan as JWT; its
/// Mule 3 app and its hand-made HTTP logins are listed, left as is (exit 1); no
/// output shows a secret of the example.
#[test]
fn the_examples_mule4_connections_are_switched() {
    let (_tmp, root) = copy_example("");
    let before = ig101(&root);
    let run = run_cmd(intguard().args(["fix", "jwt"]).arg(&root));
    run.expect_code(1);
    assert!(
        run.stderr.contains("connection(s) switched"),
        "{}",
        run.stderr
    );
    let after = ig101(&root);
    assert!(after.len() < before.len(), "{before:?} -> {after:?}");
    for (path, _) in &after {
        assert!(
            !path.contains("orders-sapi") && !path.contains("customers-papi")
                || !path.ends_with("global.xml"),
            "{path} still reported"
        );
    }
    assert!(
        after.iter().any(|(p, _)| p.contains("legacy-sync")),
        "{after:?}"
    );
}

/// A Mule plugin's password connection, imported by an app of the same folder:
/// listed with the importing app, nothing written, exit code 1.
#[test]
fn a_plugin_connection_is_left_with_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let pom = |artifact: &str, packaging: &str, dep: &str| {
        format!("<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion><groupId>com.acme</groupId><artifactId>{artifact}</artifactId><version>1.0.0</version><packaging>{packaging}</packaging>{dep}</project>")
    };
    write("common-lib/pom.xml", &pom("common-lib", "mule-plugin", ""));
    write(
        "common-lib/src/main/mule/common.xml",
        "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\" xmlns:salesforce=\"http://www.mulesoft.org/schema/mule/salesforce\">\n  <salesforce:sfdc-config name=\"Common_SF\">\n    <salesforce:basic-connection username=\"${sfdc.username}\" password=\"${secure::sfdc.password}\"/>\n  </salesforce:sfdc-config>\n</mule>\n",
    );
    write(
        "orders/pom.xml",
        &pom("orders", "mule-application", "<dependencies><dependency><groupId>com.acme</groupId><artifactId>common-lib</artifactId><version>1.0.0</version><classifier>mule-plugin</classifier></dependency></dependencies>"),
    );
    write("orders/mule-artifact.json", "{}\n");
    write(
        "orders/src/main/mule/global.xml",
        "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">\n  <import file=\"common.xml\"/>\n  <configuration-properties file=\"config.yaml\"/>\n</mule>\n",
    );
    write(
        "orders/src/main/resources/config.yaml",
        "sfdc:\n  username: \"int@acme.com\"\n",
    );
    let before = file_tree(root);
    let run = run_cmd(intguard().args(["fix", "jwt"]).arg(root));
    run.expect_code(1);
    assert_eq!(file_tree(root), before);
    assert!(
        run.stderr
            .contains("in the Mule plugin common-lib (imported by orders)"),
        "{}",
        run.stderr
    );
}

/// A real run on an app as hand edits leave it: another prefix (`sf:`), a
/// self-closing connection over CRLF lines, the username and login url set by
/// `<global-property>` elements: written, read back and checked (exit 0), then
/// nothing left to change; the password never printed.
#[test]
fn global_properties_and_another_prefix_through_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("orders");
    let write = |rel: &str, text: &str| {
        let p = app.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "mule-artifact.json",
        "{\n  \"minMuleVersion\": \"4.4.0\"\n}\n",
    );
    write(
        "src/main/mule/global.xml",
        &"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\"\n\txmlns:sf=\"http://www.mulesoft.org/schema/mule/salesforce\">\n\t<global-property name=\"sfdc.username\" value=\"int.orders@acme.com\"/>\n\t<global-property name=\"sfdc.url\" value=\"https://test.salesforce.com/services/Soap/u/58.0\"/>\n\t<sf:sfdc-config name=\"SF\">\n\t\t<sf:basic-connection\n\t\t\tusername=\"${sfdc.username}\"\n\t\t\tpassword=\"Tiger2024!dev\"\n\t\t\turl=\"${sfdc.url}\"/>\n\t</sf:sfdc-config>\n</mule>\n"
            .replace('\n', "\r\n"),
    );
    assert_eq!(ig101(&app).len(), 1);
    let run = run_cmd(intguard().args(["fix", "jwt"]).arg(&app));
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("switched to salesforce:jwt-connection and checked"),
        "{}",
        run.stderr
    );
    assert_no_secret("fix stderr", &run.stderr);
    assert_no_secret("fix stdout", &run.stdout);
    assert_eq!(ig101(&app), Vec::<(String, u64)>::new());
    let xml = std::fs::read_to_string(app.join("src/main/mule/global.xml")).unwrap();
    assert!(xml.contains("<global-property name=\"sfdc.tokenEndpoint\" value=\"https://test.salesforce.com/services/oauth2/token\"/>\r\n"), "{xml}");
    assert!(
        xml.contains("<sf:jwt-connection consumerKey=\"${sfdc.consumerKey}\""),
        "{xml}"
    );
    let after = file_tree(&app);
    let run = run_cmd(intguard().args(["fix", "jwt"]).arg(&app));
    run.expect_code(0);
    assert!(run.stderr.contains("nothing to change"), "{}", run.stderr);
    assert_eq!(file_tree(&app), after);
}

/// The verify-and-restore path (shared with `fix secrets`): a file with two
/// global elements named `SF` (which Mule refuses to deploy), the second a
/// password connection. The switch is written, but read again, `SF` in that file
/// is the first element, a jwt-connection with another principal: the result
/// cannot be told to read as planned, so every file written (the XML, the
/// property file with CRLF line ends, mule-artifact.json) is put back byte for
/// byte, the message says so and names the problem, and the exit code is 2.
/// No test hook: the re-read is the real one.
#[test]
fn a_result_that_does_not_read_back_is_put_back() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    let files = [
        (
            "src/main/mule/global.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\"\n\txmlns:salesforce=\"http://www.mulesoft.org/schema/mule/salesforce\">\n\t<configuration-properties file=\"config.properties\"/>\n\t<salesforce:sfdc-config name=\"SF\">\n\t\t<salesforce:jwt-connection consumerKey=\"${jwt.key}\" keyStore=\"${jwt.keystore}\" storePassword=\"${jwt.keystore.password}\" principal=\"other@acme.com\"/>\n\t</salesforce:sfdc-config>\n\t<salesforce:sfdc-config name=\"SF\">\n\t\t<salesforce:basic-connection username=\"int@acme.com\" password=\"${sfdc.password}\"/>\n\t</salesforce:sfdc-config>\n</mule>\n",
        ),
        (
            "src/main/resources/config.properties",
            "sfdc.password=Pr0d-S3cret-Orders\r\njwt.key=3MVG9Key\r\njwt.keystore=k.p12\r\n",
        ),
        ("mule-artifact.json", "{\n  \"minMuleVersion\": \"4.4.0\"\n}\n"),
    ];
    for (rel, text) in files {
        let p = app.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-q", "-m", "app"]);
    let before = file_tree(&app);
    // The dry run plans a change of each of the three files.
    let dry = run_cmd(intguard().args(["fix", "jwt", "--dry-run"]).arg(&app));
    dry.expect_code(0);
    assert!(
        dry.stderr.contains("3 file(s) would change"),
        "{}",
        dry.stderr
    );
    let run = run_cmd(intguard().args(["fix", "jwt"]).arg(&app));
    run.expect_code(2);
    assert!(
        run.stderr.contains(
            "the fix did not read back as intended, so every file was put back as it was: "
        ) && run
            .stderr
            .contains("global.xml: `SF` does not read its principal as before"),
        "{}",
        run.stderr
    );
    assert!(!run
        .stderr
        .contains("switched to salesforce:jwt-connection and checked"));
    assert_eq!(file_tree(&app), before);
    assert_no_secret("stderr", &run.stderr);
    assert_no_secret("stdout", &run.stdout);
    // Nothing left for git to see either.
    let status = std::process::Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&status.stdout), "");
}

/// The next steps of a literal username name it in the login test, and a
/// `${secure::...}` username is told by its reference (with how to read it),
/// never by its encrypted value.
#[test]
fn next_steps_name_the_user_and_never_its_ciphertext() {
    let (_tmp, app) = fix_fixture("jwt-props");
    let xml = app.join("src/main/mule/global.xml");
    let text = std::fs::read_to_string(&xml).unwrap();
    std::fs::write(
        &xml,
        text.replace(
            "username=\"${sfdc.username}\"",
            "username=\"int.orders@acme.example\"",
        ),
    )
    .unwrap();
    let run = run_cmd(intguard().args(["fix", "jwt", "--dry-run"]).arg(&app));
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("--username int.orders@acme.example --keystore"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("permission set): int.orders@acme.example."),
        "{}",
        run.stderr
    );
    std::fs::write(
        &xml,
        text.replace(
            "username=\"${sfdc.username}\"",
            "username=\"${secure::sfdc.username}\"",
        ),
    )
    .unwrap();
    for env in ["dev", "prod"] {
        let secure = app.join(format!("src/main/resources/secure-{env}.properties"));
        let mut s = std::fs::read_to_string(&secure).unwrap();
        s.push_str("sfdc.username=![aGVsbG8gd29ybGQ=]\n");
        std::fs::write(&secure, s).unwrap();
    }
    let run = run_cmd(intguard().args(["fix", "jwt", "--dry-run"]).arg(&app));
    run.expect_code(0);
    let steps = &run.stderr[run.stderr.find("Next steps").unwrap()..];
    assert!(!steps.contains("![aGVsbG8gd29ybGQ=]"), "{steps}");
    assert!(
        steps.contains("permission set): ${secure::sfdc.username} (a ${secure::...} username: its value is encrypted"),
        "{steps}"
    );
    assert!(
        steps.contains("--username <integration username>"),
        "{steps}"
    );
}

/// An app whose path is not UTF-8 (its folder `caf\xE9`, saved from a
/// Latin-1 system) is switched in its own file; opened at the name reports
/// show (`caf\xE9/...`), its XML was "not found" and the connection left.
#[cfg(unix)]
#[test]
fn an_app_whose_path_is_not_utf8_is_switched_in_its_own_file() {
    use std::os::unix::ffi::OsStrExt;
    let (_tmp, app) = fix_fixture("jwt-yaml");
    let moved = app
        .parent()
        .unwrap()
        .join(std::ffi::OsStr::from_bytes(b"caf\xE9"));
    std::fs::rename(&app, &moved).unwrap();
    assert_eq!(ig101(&moved).len(), 1);
    let run = run_cmd(intguard().args(["fix", "jwt"]).arg(&moved));
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("1 connection(s) switched to salesforce:jwt-connection and checked"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("caf\\xE9/"), "{}", run.stderr);
    assert!(!run.stderr.contains("not found"), "{}", run.stderr);
    assert_no_secret("fix stderr", &run.stderr);
    assert_eq!(ig101(&moved), Vec::<(String, u64)>::new());
    let written: Vec<_> = file_tree(&moved)
        .into_keys()
        .filter(|p| p.to_string_lossy().contains("\\x"))
        .collect();
    assert!(written.is_empty(), "{written:?}");
}
