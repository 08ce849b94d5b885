//! Files saved with a UTF-8 byte order mark (Windows editors write one).
//!
//! XML parsers (Mule's, Salesforce's), SnakeYAML and JSON readers skip the
//! mark, and an editor shows no column for it: a file that starts with one
//! gives the findings it gives without it, at the same line and column
//! (column 1 is the first character after the mark), with no mark in a
//! snippet or message. The one exception is a `.properties` file's first
//! key, which Java's `Properties.load` reads with the mark (see
//! `fix_cmd.rs`).

use crate::support;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use support::*;

const BOM: &str = "\u{feff}";

/// Secret values the fixtures hold, none of which may be printed.
const SECRETS: &[&str] = &[
    "Xml-Pw-4711",
    "Env-Pw-4712",
    "Sh-Pw-4713",
    "Json-Pw-4714",
    "Yaml-Pw-4715",
    "00D7Q000004KqZb!ARkAQwnQrS7RPeMOkIUpkDyr7OSJoRu1XXdo0cZuzre",
    "Pom-Key-4716",
];

/// The example's Mule 4 and Mule 3 apps and Salesforce project (and its
/// `expected.json`, a report intguard skips), and files whose
/// finding is on their first line, so a mark before it would move it: a
/// one-line Mule configuration, a YAML property file, a shell `.env` file, a
/// script, a JSON file, a text file holding a token, a PEM key file.
fn fixtures(root: &Path) {
    copy_tree(&example(), root);
    let app = root.join("customers-papi");
    write(
        &app,
        "src/main/mule/one-line.xml",
        r#"<mule xmlns="http://www.mulesoft.org/schema/mule/core"><global-property name="sf.password" value="Xml-Pw-4711"/></mule>"#,
    );
    write(
        &app,
        "src/main/resources/first-line.yaml",
        "sf.password: \"Yaml-Pw-4715\"\n",
    );
    // Broken: their diagnostics' positions must not move either.
    write(
        &app,
        "src/main/mule/broken.xml",
        r#"<mule xmlns="http://www.mulesoft.org/schema/mule/core"><flow name="f"></mule>"#,
    );
    write(&app, "src/main/resources/broken.yaml", "a: [1, 2\n");
    write(root, "ops/deploy.env", "SF_PASSWORD=Env-Pw-4712\nX=1\n");
    write(root, "ops/run.sh", "SF_PASSWORD=Sh-Pw-4713\nexit 0\n");
    write(root, "ops/cfg.json", "{\"password\": \"Json-Pw-4714\"}\n");
    write(
        root,
        "ops/notes.txt",
        "token: 00D7Q000004KqZb!ARkAQwnQrS7RPeMOkIUpkDyr7OSJoRu1XXdo0cZuzre\n",
    );
    write(
        root,
        "ops/pom.xml",
        "<project><properties><encryption.key>Pom-Key-4716</encryption.key></properties></project>\n",
    );
    fs::copy(
        app.join("src/main/resources/keys/server.key"),
        root.join("ops/id_rsa"),
    )
    .unwrap();
}

/// Puts a byte order mark before every text file under `dir`.
fn add_marks(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            add_marks(&path);
        } else if let Ok(text) = fs::read_to_string(&path) {
            if !text.contains('\0') && !text.starts_with(BOM) {
                fs::write(&path, format!("{BOM}{text}")).unwrap();
            }
        }
    }
}

/// Each finding as rule, path under `root`, line, column, message and
/// snippet, and each diagnostic.
fn scan(root: &Path) -> (BTreeSet<String>, String) {
    let run =
        run_cmd(
            intguard()
                .arg("scan")
                .arg(root)
                .args(["--format", "json", "--fail-on", "none"]),
        );
    run.expect_no_panic().expect_code(0);
    let report = run.json();
    let prefix = root.display().to_string();
    let said = diagnostics(&report).iter().map(|d| {
        format!(
            "diagnostic {} {}:{}:{} {}",
            d["code"].as_str().unwrap(),
            d["path"].as_str().unwrap_or("").replace(&prefix, ""),
            d["line"],
            d["column"],
            d["message"].as_str().unwrap_or("").replace(&prefix, "")
        )
    });
    let found = findings(&report)
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap().replace(&prefix, "");
            format!(
                "{} {path}:{}:{} {} | {}",
                f["rule"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["message"].as_str().unwrap().replace(&prefix, ""),
                f["snippet"]
            )
        })
        .chain(said)
        .collect();
    (found, format!("{}{}", run.stdout, run.stderr))
}

/// Found by review: with a byte order mark, a `NAME=value` or JSON pair on
/// the first line was lost (the mark was read as part of the name), a PEM
/// key file was no longer taken for one (only a key block in it), findings
/// on the first line were one column to the right, and a pom's elements
/// three bytes to the left (quick-xml counts from after the mark).
#[test]
fn a_byte_order_mark_changes_no_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain");
    let marked = tmp.path().join("marked");
    fixtures(&plain);
    fixtures(&marked);
    add_marks(&marked);
    assert!(fs::read_to_string(marked.join("ops/id_rsa"))
        .unwrap()
        .starts_with(BOM));

    let (without, _) = scan(&plain);
    let (with, output) = scan(&marked);
    for expected in [
        "IG102 /customers-papi/src/main/mule/one-line.xml:1:56",
        "IG102 /customers-papi/src/main/resources/first-line.yaml:1:1",
        "IG102 /ops/deploy.env:1:1",
        "IG102 /ops/run.sh:1:1",
        "IG102 /ops/cfg.json:1:3",
        "IG106 /ops/notes.txt:1:8",
        "IG105 /ops/id_rsa:1:1 id_rsa is committed: an unencrypted PEM private key",
        "IG103 /ops/pom.xml:1:23",
    ] {
        assert!(
            without.iter().any(|f| f.starts_with(expected)),
            "{expected}: {without:#?}"
        );
    }
    assert!(
        without
            .iter()
            .any(|f| f.starts_with("diagnostic ") && f.contains("broken.xml:1:")),
        "{without:#?}"
    );
    assert!(
        without
            .iter()
            .any(|f| f.starts_with("diagnostic ") && f.contains("broken.yaml:")),
        "{without:#?}"
    );
    let lost: Vec<_> = without.difference(&with).collect();
    let gained: Vec<_> = with.difference(&without).collect();
    assert!(
        lost.is_empty() && gained.is_empty(),
        "without the mark only: {lost:#?}\nwith the mark only: {gained:#?}"
    );
    assert!(!output.contains(BOM), "{output}");
    for secret in SECRETS {
        assert!(!output.contains(secret), "{secret}: {output}");
    }
}

/// `fix secrets` edits a Mule configuration saved with a byte order mark at
/// the scan's positions, which count from after the mark: a literal password
/// on the first line is moved (and the mark kept), as it is without the mark.
#[test]
fn fix_secrets_moves_a_first_line_literal_after_a_mark() {
    for mark in ["", BOM] {
        let tmp = tempfile::tempdir().unwrap();
        let app = tmp.path().join("app");
        write(
            &app,
            "mule-artifact.json",
            format!("{mark}{{\"minMuleVersion\": \"4.6.0\"}}\n"),
        );
        let xml = format!(
            "{mark}<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\" xmlns:salesforce=\"http://www.mulesoft.org/schema/mule/salesforce\"><salesforce:sfdc-config name=\"SF\"><salesforce:basic-connection username=\"svc@acme.com\" password=\"Lit-Pw-4717\"/></salesforce:sfdc-config></mule>\n"
        );
        let config = write(&app, "src/main/mule/app.xml", &xml);
        let run = run_cmd(
            intguard()
                .env("IG_FIX_KEY", "MuleSecretKey16!")
                .args(["fix", "secrets", "--key-env", "IG_FIX_KEY", "--force"])
                .arg(&app),
        );
        run.expect_no_panic().expect_code(0);
        assert!(
            run.stderr.contains("1 value(s) encrypted and checked"),
            "{mark:?}: {}",
            run.stderr
        );
        let output = format!("{}{}", run.stdout, run.stderr);
        assert!(
            !output.contains("Lit-Pw-4717") && !output.contains(BOM),
            "{output}"
        );
        let text = fs::read_to_string(&config).unwrap();
        assert!(text.starts_with(mark), "{text}");
        assert!(
            text.contains("password=\"${secure::sfdc.password}\"") && !text.contains("Lit-Pw-4717"),
            "{text}"
        );
        let descriptor = fs::read_to_string(app.join("mule-artifact.json")).unwrap();
        assert!(descriptor.contains("sfdc.password"), "{descriptor}");
    }
}
