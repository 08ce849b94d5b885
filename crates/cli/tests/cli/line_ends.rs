//! A checkout with CRLF line ends (Windows, `core.autocrlf`) reports what an
//! LF checkout reports: the same findings at the same lines and columns,
//! with the same messages, fixes, snippets and fingerprints, so a baseline
//! written on one works on the other. Only the bytes read differ.

use crate::support;

use std::fs;
use std::path::Path;

use serde_json::Value;
use support::*;

/// A password written across two lines of an attribute: XML reads the line
/// break as one character whether it is written LF or CRLF.
const MULTI_LINE_PASSWORD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <http:request-config name="Legacy_Partner">
    <http:request-connection host="legacy.partner.example" port="443" protocol="HTTPS">
      <http:authentication>
        <http:basic-authentication username="svc-legacy" password="Winter2024x
Rotated#77y"/>
      </http:authentication>
    </http:request-connection>
  </http:request-config>
</mule>
"#;

/// A finding's rule, line and column.
type Found = (&'static str, u64, u64);

/// Deploy scripts of a Windows developer (batch and PowerShell) beside the
/// shell one, each setting a password and the encryption key: a CRLF
/// checkout of a script lost every `NAME=value` but the last line's.
const DEPLOY_SCRIPTS: &[(&str, &str, &[Found])] = &[
    (
        "deploy.sh",
        "#!/bin/sh\nexport SF_PASSWORD=Sup3rS3cretPw!\nMULE_KEY=MyMul3EncKey1234\nmvn deploy\n",
        &[("IG102", 2, 8), ("IG103", 3, 1)],
    ),
    (
        "deploy.bat",
        "@echo off\nset \"SF_PASSWORD=Sup3rS3cretPw!\"\nSET MULE_KEY=MyMul3EncKey1234\nmvn deploy\n",
        &[("IG102", 2, 6), ("IG103", 3, 5)],
    ),
    (
        "deploy.ps1",
        "$env:SF_PASSWORD = \"Sup3rS3cretPw!\"\n$env:MULE_KEY = 'MyMul3EncKey1234'\nmvn deploy\n",
        &[("IG102", 1, 6), ("IG103", 2, 6)],
    ),
    // PowerShell hashtables on one line: each secret entry with a quoted
    // value, at its key; a value read from elsewhere is no literal.
    (
        "login.ps1",
        "$cred = @{ username = \"int@acme.com\"; password = \"HashPassw0rd!\" }\n$body = @{grant_type=\"password\"; client_secret=\"Cs-HashSecret-4711\"}\n$h = @{ token = $env:SF_TOKEN; api_key = (Get-Secret sf) }\nInvoke-RestMethod -Uri $u -Method Post -Body $body\n",
        &[("IG102", 1, 39), ("IG102", 2, 34)],
    ),
];

/// Every file under `dir` with its LF line ends written as CRLF.
fn to_crlf(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            to_crlf(&path);
            continue;
        }
        let bytes = fs::read(&path).unwrap();
        if bytes.contains(&b'\r') || std::str::from_utf8(&bytes).is_err() {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        fs::write(&path, text.replace('\n', "\r\n")).unwrap();
    }
}

/// The example plus [`MULTI_LINE_PASSWORD`], copied; with CRLF line ends
/// when `crlf`.
fn checkout(crlf: bool) -> tempfile::TempDir {
    let (tmp, root) = copy_example("");
    write(
        &root,
        "orders-sapi/src/main/mule/legacy-partner.xml",
        MULTI_LINE_PASSWORD,
    );
    for (name, text, _) in DEPLOY_SCRIPTS {
        write(&root, &format!("orders-sapi/scripts/{name}"), text);
    }
    if crlf {
        to_crlf(&root);
    }
    tmp
}

fn scan(tmp: &tempfile::TempDir, format: &str) -> Run {
    let run = run_cmd(intguard().current_dir(tmp.path()).args([
        "scan",
        "acme-integrations",
        "--format",
        format,
    ]));
    assert_eq!(run.code, 1, "{}", run.stderr);
    run
}

#[test]
fn crlf_checkout_reports_what_an_lf_checkout_reports() {
    let lf = checkout(false);
    let crlf = checkout(true);
    let converted = fs::read(crlf.path().join("acme-integrations/orders-sapi/pom.xml")).unwrap();
    assert!(converted.windows(2).any(|w| w == b"\r\n"));

    let without_bytes = |run: &Run| -> Value {
        let mut json = run.json();
        let summary = json["summary"].as_object_mut().expect("summary");
        assert!(summary.remove("bytes").is_some(), "{summary:?}");
        json
    };
    let (lf_json, crlf_json) = (scan(&lf, "json"), scan(&crlf, "json"));
    let (lf_json, crlf_json) = (without_bytes(&lf_json), without_bytes(&crlf_json));
    // Finding by finding first, so that a difference names the finding.
    let findings = |json: &Value| json["findings"].as_array().unwrap().clone();
    let (lf_findings, crlf_findings) = (findings(&lf_json), findings(&crlf_json));
    assert_eq!(lf_findings.len(), crlf_findings.len());
    for (lf_finding, crlf_finding) in lf_findings.iter().zip(&crlf_findings) {
        assert_eq!(lf_finding, crlf_finding);
    }
    assert_eq!(lf_json, crlf_json);

    // The multi-line password is found, at its line, with one line break.
    let found: Vec<&Value> = lf_json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with("legacy-partner.xml"))
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["rule"], "IG102");
    let (line, column) = pos_in(MULTI_LINE_PASSWORD, "password=");
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(line), Some(column))
    );
    let message = found[0]["message"].as_str().unwrap();
    assert!(message.contains("(23)"), "{message}");

    // Each script's password and key are found, at the name set.
    for (name, _, expected) in DEPLOY_SCRIPTS {
        let mut got: Vec<(String, u64, u64)> = lf_json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["path"].as_str().unwrap().ends_with(name))
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                    f["column"].as_u64().unwrap(),
                )
            })
            .collect();
        got.sort();
        let expected: Vec<(String, u64, u64)> = expected
            .iter()
            .map(|(rule, line, column)| (rule.to_string(), *line, *column))
            .collect();
        assert_eq!(got, expected, "{name}");
    }

    // Neither line of it is printed, in any format, from either checkout.
    for format in ["text", "json", "sarif", "markdown", "html"] {
        for tmp in [&lf, &crlf] {
            let run = scan(tmp, format);
            for piece in [
                "Winter2024x",
                "Rotated#77y",
                "Sup3rS3cretPw",
                "MyMul3EncKey",
                "HashPassw0rd",
                "Cs-HashSecret",
            ] {
                assert!(!run.stdout.contains(piece), "{format}: {piece}");
                assert!(!run.stderr.contains(piece), "{format}: {piece}");
            }
        }
    }
}

/// An HTML report committed with the checkout, CRLF on Windows, is still
/// intguard's own: the next scan skips it and `--output` may replace it.
#[test]
fn a_crlf_html_report_is_still_its_own() {
    let (_tmp, root) = copy_example("orders-sapi");
    let in_root = |args: &[&str]| run_cmd(intguard().current_dir(&root).args(args));
    let write_html = || {
        in_root(&[
            "scan",
            ".",
            "--format",
            "html",
            "--output",
            "intguard.html",
            "--fail-on",
            "none",
        ])
    };
    write_html().expect_code(0);
    to_crlf(&root);
    let report = in_root(&["scan", ".", "--format", "json"]).json();
    assert!(
        findings(&report)
            .iter()
            .all(|f| f["path"] != "./intguard.html"),
        "{report:#}"
    );
    assert!(
        diagnostics(&report)
            .iter()
            .any(|d| d["code"] == "intguard-report" && d["path"] == "./intguard.html"),
        "{report:#}"
    );
    write_html().expect_code(0);
}
