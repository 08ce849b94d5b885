mod common;

use common::Fixture;
use intguard_report::{json, JSON_SCHEMA_VERSION};
use serde_json::Value;

const FINDING_KEYS: [&str; 14] = [
    "rule",
    "name",
    "practice",
    "severity",
    "message",
    "path",
    "line",
    "column",
    "identity",
    "environments",
    "related",
    "fingerprint",
    "fix",
    "snippet",
];
const DIAGNOSTIC_KEYS: [&str; 6] = ["level", "code", "path", "line", "column", "message"];
const SUMMARY_KEYS: [&str; 11] = [
    "files",
    "bytes",
    "apps",
    "org",
    "total",
    "by_severity",
    "suppressed",
    "baselined",
    "diagnostics",
    "fail_on",
    "failed",
];
const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

fn parse(out: &str) -> Value {
    serde_json::from_str(out).expect("valid JSON")
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

fn sorted<'a>(k: &[&'a str]) -> Vec<&'a str> {
    let mut k = k.to_vec();
    k.sort_unstable();
    k
}

fn is_str_or_null(v: &Value) -> bool {
    v.is_string() || v.is_null()
}

fn is_uint_or_null(v: &Value) -> bool {
    v.is_u64() || v.is_null()
}

#[test]
fn sample_report() {
    let fx = Fixture::sample();
    insta::assert_snapshot!(json::render(&fx.report()));
}

#[test]
fn empty_report() {
    let fx = Fixture::empty();
    insta::assert_snapshot!(json::render(&fx.report()));
}

#[test]
fn every_documented_field_with_its_type() {
    let fx = Fixture::sample();
    let v = parse(&json::render(&fx.report()));

    assert_eq!(
        keys(&v),
        sorted(&["version", "tool", "findings", "diagnostics", "summary"])
    );
    assert_eq!(v["version"], JSON_SCHEMA_VERSION);
    assert_eq!(JSON_SCHEMA_VERSION, "1.1");
    assert_eq!(keys(&v["tool"]), sorted(&["name", "version"]));
    assert_eq!(v["tool"]["name"], "intguard");
    assert!(v["tool"]["version"].is_string());

    let findings = v["findings"].as_array().expect("findings array");
    assert_eq!(findings.len(), fx.findings.len());
    for f in findings {
        assert_eq!(keys(f), sorted(&FINDING_KEYS));
        for k in [
            "rule",
            "name",
            "practice",
            "severity",
            "message",
            "path",
            "fingerprint",
            "fix",
        ] {
            assert!(f[k].is_string(), "{k}: {}", f[k]);
        }
        assert!(f["line"].is_u64() && f["column"].is_u64());
        assert!(is_str_or_null(&f["identity"]) && is_str_or_null(&f["snippet"]));
        assert!(SEVERITIES.contains(&f["severity"].as_str().unwrap()));
        assert!(["protect-credentials", "protect-access", "minimize-damage"]
            .contains(&f["practice"].as_str().unwrap()));
        assert!(f["environments"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_string));
        for r in f["related"].as_array().expect("related array") {
            assert_eq!(keys(r), sorted(&["path", "line", "message"]));
            assert!(r["path"].is_string() && r["line"].is_u64() && r["message"].is_string());
        }
    }
    // Values, not just types, for one finding.
    let ig101 = findings.iter().find(|f| f["rule"] == "IG101").unwrap();
    assert_eq!(ig101["name"], "password-auth");
    assert_eq!(ig101["severity"], "high");
    assert_eq!(ig101["practice"], "protect-credentials");
    assert_eq!(ig101["line"], 12);
    assert_eq!(ig101["column"], 9);
    assert_eq!(ig101["identity"], "orders@acme.example");
    assert_eq!(ig101["environments"], serde_json::json!(["dev", "prod"]));
    assert_eq!(ig101["related"][1]["line"], 3);
    assert_eq!(ig101["fingerprint"], "9a8b7c6d5e4f3a2b");
    // Unknown identity and whole-file findings.
    let ig105 = findings.iter().find(|f| f["rule"] == "IG105").unwrap();
    assert!(ig105["identity"].is_null() && ig105["snippet"].is_null());
    assert_eq!(ig105["line"], 0);

    let diags = v["diagnostics"].as_array().expect("diagnostics array");
    assert_eq!(diags.len(), 2);
    for d in diags {
        assert_eq!(keys(d), sorted(&DIAGNOSTIC_KEYS));
        assert!(["error", "warning"].contains(&d["level"].as_str().unwrap()));
        assert!(d["code"].is_string() && d["path"].is_string() && d["message"].is_string());
        assert!(is_uint_or_null(&d["line"]) && is_uint_or_null(&d["column"]));
    }
    assert_eq!(diags[0]["line"], 3);
    assert!(diags[1]["line"].is_null());

    let s = &v["summary"];
    assert_eq!(keys(s), sorted(&SUMMARY_KEYS));
    for k in [
        "files",
        "bytes",
        "apps",
        "total",
        "suppressed",
        "baselined",
        "diagnostics",
    ] {
        assert!(s[k].is_u64(), "{k}");
    }
    assert_eq!(keys(&s["by_severity"]), sorted(&SEVERITIES));
    assert!(SEVERITIES.iter().all(|k| s["by_severity"][k].is_u64()));
    assert_eq!(s["by_severity"]["info"], 0);
    assert_eq!(s["total"], findings.len());
    assert_eq!(s["diagnostics"], diags.len());
    assert_eq!(s["fail_on"], "high");
    assert_eq!(s["failed"], true);
    assert!(s["org"].is_null(), "no org was read");
}

#[test]
fn keys_come_out_in_the_documented_order() {
    let fx = Fixture::sample();
    let out = json::render(&fx.report());
    let in_order = |text: &str, keys: &[&str]| {
        let positions: Vec<usize> = keys
            .iter()
            .map(|k| {
                text.find(&format!("\"{k}\":"))
                    .unwrap_or_else(|| panic!("{k}"))
            })
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "{keys:?} in {text}"
        );
    };
    in_order(
        &out,
        &["version", "tool", "findings", "diagnostics", "summary"],
    );
    let first = &out[out.find("\"findings\"").unwrap()..];
    let first = &first[..first.find("\"snippet\"").unwrap() + 10];
    in_order(first, &FINDING_KEYS);
    let summary = &out[out.find("\"summary\"").unwrap()..];
    in_order(summary, &SUMMARY_KEYS);
    in_order(summary, &SEVERITIES);
}

#[test]
fn fail_on_none_is_null() {
    let mut fx = Fixture::sample();
    fx.summary.fail_on = None;
    fx.summary.failed = false;
    let v = parse(&json::render(&fx.report()));
    assert!(v["summary"]["fail_on"].is_null());
    assert_eq!(v["summary"]["failed"], false);
}

#[test]
fn the_contract_document_names_every_field() {
    let doc = include_str!("../JSON.md");
    assert!(doc.contains(&format!("version {JSON_SCHEMA_VERSION}")));
    let all = ["version", "tool", "findings", "diagnostics", "summary"]
        .iter()
        .chain(&FINDING_KEYS)
        .chain(&DIAGNOSTIC_KEYS)
        .chain(&SUMMARY_KEYS)
        .chain(&SEVERITIES);
    for k in all {
        assert!(
            doc.contains(&format!("`{k}`")),
            "JSON.md does not document `{k}`"
        );
    }
}
