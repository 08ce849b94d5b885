//! Structural checks against the SARIF 2.1.0 schema's requirements and what
//! GitHub code scanning reads, written out by hand.
mod common;

use std::collections::HashSet;

use common::Fixture;
use intguard_model::{Diagnostic, Location, Related, Severity};
use intguard_report::sarif;
use serde_json::Value;

const LEVELS: [&str; 4] = ["none", "note", "warning", "error"];

fn log(fx: &Fixture) -> Value {
    serde_json::from_str(&sarif::render(&fx.report())).expect("valid JSON")
}

/// Checks a `location` object; returns its start line if it has a region.
fn check_location(loc: &Value) -> Option<u64> {
    let phys = &loc["physicalLocation"];
    let uri = phys["artifactLocation"]["uri"].as_str().expect("uri");
    assert!(
        !uri.is_empty() && !uri.contains('\\') && !uri.contains(' '),
        "{uri}"
    );
    // SARIF 3.4.4: a base id only on a relative reference; without one, an
    // absolute URI.
    match phys["artifactLocation"]["uriBaseId"].as_str() {
        Some(base) => {
            assert_eq!(base, sarif::SRCROOT);
            assert!(!uri.starts_with('/') && !uri.contains("://"), "{uri}");
        }
        None => assert!(
            uri.starts_with("file:///") || uri.starts_with("org://"),
            "{uri}"
        ),
    }
    let region = phys.get("region")?;
    let line = region["startLine"].as_u64().expect("startLine integer");
    assert!(line >= 1, "startLine {line}");
    if let Some(col) = region.get("startColumn") {
        assert!(col.as_u64().expect("startColumn integer") >= 1);
    }
    Some(line)
}

#[test]
fn sample_log() {
    let fx = Fixture::sample();
    insta::assert_snapshot!(sarif::render(&fx.report()));
}

#[test]
fn the_working_directory_is_the_base_of_relative_uris() {
    let mut fx = Fixture::sample();
    let v = log(&fx);
    let run = &v["runs"][0];
    assert_eq!(
        run["originalUriBaseIds"][sarif::SRCROOT]["uri"],
        "file:///work/acme/"
    );
    assert_eq!(
        run["invocations"][0]["workingDirectory"]["uri"],
        "file:///work/acme/"
    );
    // Unknown: nothing names it, relative URIs keep their base id.
    fx.working_directory = None;
    let v = log(&fx);
    let run = &v["runs"][0];
    assert!(run.get("originalUriBaseIds").is_none());
    assert!(run["invocations"][0].get("workingDirectory").is_none());
    let artifact = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uriBaseId"], sarif::SRCROOT);
}

#[test]
fn has_the_required_shape() {
    let fx = Fixture::sample();
    let v = log(&fx);
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = v["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    // Columns are counted in characters, not SARIF's default UTF-16 units.
    assert_eq!(run["columnKind"], "unicodeCodePoints");

    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "intguard");
    assert_eq!(driver["version"], "0.0.0-test");
    // A home page when the package names one, never a placeholder.
    match env!("CARGO_PKG_REPOSITORY") {
        "" => assert!(driver.get("informationUri").is_none()),
        repo => assert_eq!(driver["informationUri"], repo),
    }
    assert!(!v.to_string().contains(".invalid"));

    // Every rule, each fully described, then a descriptor per other
    // severity a rule's results have (`IG109/medium`), described as its rule.
    let rules = driver["rules"].as_array().expect("rules");
    assert!(rules.len() >= fx.rules.len());
    let mut ids = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let id = rule["id"].as_str().unwrap();
        let meta = match fx.rules.get(i) {
            Some(meta) => {
                assert_eq!(id, meta.id);
                meta
            }
            None => {
                let (base, severity) = id.split_once('/').expect("<rule>/<severity>");
                let meta = fx.rules.iter().find(|m| m.id == base).expect("its rule");
                assert_ne!(severity, meta.default_severity.as_str());
                meta
            }
        };
        assert_eq!(rule["name"], meta.name);
        assert_eq!(rule["shortDescription"]["text"], meta.summary);
        assert_eq!(
            rule["fullDescription"]["text"],
            meta.section("What it does").unwrap()
        );
        assert_eq!(rule["help"]["markdown"], meta.doc.trim());
        assert!(rule["help"]["text"].is_string());
        assert!(LEVELS.contains(&rule["defaultConfiguration"]["level"].as_str().unwrap()));
        let props = &rule["properties"];
        assert_eq!(props["precision"], "high");
        let tags: Vec<&str> = props["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(tags.contains(&meta.practice.as_str()), "{tags:?}");
        let score: f64 = props["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&score));
        ids.push(rule["id"].as_str().unwrap().to_string());
    }
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        ids.len(),
        "unique rule ids"
    );

    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), fx.findings.len());
    for (r, f) in results.iter().zip(&fx.findings) {
        let rule_id = r["ruleId"].as_str().expect("ruleId");
        let meta = fx.rules.iter().find(|m| m.id == f.rule).unwrap();
        if f.severity == meta.default_severity {
            assert_eq!(rule_id, f.rule, "the rule's own id keeps its alerts");
        } else {
            assert_eq!(rule_id, format!("{}/{}", f.rule, f.severity.as_str()));
        }
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(ids[index], rule_id, "ruleIndex points at ruleId");
        // GitHub ranks an alert by its rule's security-severity: the
        // finding's own severity, as in JSON and text.
        assert_eq!(
            rules[index]["properties"]["security-severity"],
            sarif::security_severity(f.severity)
        );
        assert_eq!(r["level"], sarif::level(f.severity));
        assert!(LEVELS.contains(&r["level"].as_str().unwrap()));
        let text = r["message"]["text"].as_str().expect("message.text");
        assert!(text.starts_with(&f.message));
        assert!(text.contains(f.fix.as_str()));
        if let Some(identity) = &f.identity {
            assert!(text.contains(identity));
        }
        let locations = r["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let line = check_location(&locations[0]);
        assert_eq!(
            line,
            (f.location.line > 0).then_some(f.location.line as u64)
        );
        assert_eq!(
            r["partialFingerprints"]["intguardFingerprint/v1"],
            f.fingerprint.as_str()
        );
        let related = r
            .get("relatedLocations")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        assert_eq!(related.len(), f.related.len());
        let mut seen = HashSet::new();
        for rel in related {
            assert!(seen.insert(rel["id"].as_u64().expect("related id")));
            assert!(rel["message"]["text"].is_string());
            check_location(rel);
        }
    }

    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes = invocation["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(notes.len(), 2);
    for (n, d) in notes.iter().zip(&fx.diagnostics) {
        assert!(["error", "warning"].contains(&n["level"].as_str().unwrap()));
        assert_eq!(n["message"]["text"], d.message.as_str());
        assert_eq!(n["descriptor"]["id"], d.code);
        for loc in n["locations"].as_array().unwrap() {
            check_location(loc);
        }
    }
}

#[test]
fn levels_and_security_severity_follow_severity() {
    let fx = Fixture::sample();
    let v = log(&fx);
    let results = v["runs"][0]["results"].as_array().unwrap();
    let level_of = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"].as_str().unwrap().split('/').next() == Some(rule))
            .unwrap()["level"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(level_of("IG102"), "error"); // critical
    assert_eq!(level_of("IG101"), "error"); // high
    assert_eq!(level_of("IG109"), "warning"); // medium (overridden from high)
    assert_eq!(level_of("IG105"), "note"); // low
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let ig102 = rules.iter().find(|r| r["id"] == "IG102").unwrap();
    assert_eq!(ig102["properties"]["security-severity"], "9.0");
    assert_eq!(ig102["defaultConfiguration"]["level"], "error");
    let ig109 = rules.iter().find(|r| r["id"] == "IG109").unwrap();
    assert_eq!(ig109["properties"]["security-severity"], "7.0");
    let ig109_medium = rules.iter().find(|r| r["id"] == "IG109/medium").unwrap();
    assert_eq!(ig109_medium["properties"]["security-severity"], "5.0");
    assert_eq!(ig109_medium["defaultConfiguration"]["level"], "warning");
}

/// GitHub code scanning shows an alert at its rule's `security-severity`
/// (the result's `level` does not count): findings of one rule at several
/// severities (a tiered rule, an `intguard.toml` override) each point at a
/// descriptor with their own score, one per severity used; findings at the
/// rule's default keep the rule's id, so their alerts keep their identity.
#[test]
fn each_result_is_ranked_by_its_own_severity_in_github() {
    let base = common::findings().remove(1); // IG101, high = its default
    let mut findings = Vec::new();
    for (i, severity) in [
        Severity::High,
        Severity::Critical,
        Severity::Medium,
        Severity::Critical,
        Severity::Low,
    ]
    .into_iter()
    .enumerate()
    {
        let mut f = base.clone().severity(severity);
        f.fingerprint = format!("fp{i}");
        findings.push(f);
    }
    let fx = Fixture::new(findings.clone(), Vec::new());
    let v = log(&fx);
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let extra = &ids[fx.rules.len()..];
    assert_eq!(extra, ["IG101/critical", "IG101/medium", "IG101/low"]);
    let results = run["results"].as_array().unwrap();
    let got: Vec<(&str, &str, &str)> = results
        .iter()
        .map(|r| {
            let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(rule["id"], r["ruleId"]);
            (
                r["ruleId"].as_str().unwrap(),
                rule["properties"]["security-severity"].as_str().unwrap(),
                rule["defaultConfiguration"]["level"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("IG101", "7.0", "error"),
            ("IG101/critical", "9.0", "error"),
            ("IG101/medium", "5.0", "warning"),
            ("IG101/critical", "9.0", "error"),
            ("IG101/low", "3.0", "note"),
        ]
    );
    // A variant is its rule's documentation with another score.
    let ig101 = &rules[ids.iter().position(|i| *i == "IG101").unwrap()];
    let low = rules.last().unwrap();
    assert_eq!(low["name"], ig101["name"]);
    assert_eq!(low["help"], ig101["help"]);
    // Fingerprints are the findings' own, whatever the descriptor.
    for (r, f) in results.iter().zip(&findings) {
        assert_eq!(
            r["partialFingerprints"][sarif::FINGERPRINT_KEY],
            f.fingerprint.as_str()
        );
    }
}

#[test]
fn whole_file_locations_have_no_region() {
    let fx = Fixture::sample();
    let v = log(&fx);
    let r = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "IG105/low")
        .unwrap();
    let phys = &r["locations"][0]["physicalLocation"];
    assert_eq!(phys["artifactLocation"]["uri"], "keys/sfdc.jks");
    assert!(phys.get("region").is_none());
}

#[test]
fn unknown_rules_still_resolve_and_odd_paths_are_encoded() {
    let mut f = common::findings().remove(1);
    f.rule = "IG999";
    f.name = "from-the-future";
    f.location = Location::new("apps/my app/src\\main#1.xml", 3, 0);
    f.related = vec![Related::new(
        &Location::file("apps/my app/pom.xml"),
        "the app",
    )];
    let mut fx = Fixture::new(
        vec![f],
        vec![Diagnostic::error("unreadable", "", "permission denied")],
    );
    fx.rules.truncate(1);
    let v = log(&fx);
    let driver = &v["runs"][0]["tool"]["driver"];
    let r = &v["runs"][0]["results"][0];
    assert_eq!(
        driver["rules"][r["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "IG999"
    );
    let phys = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        phys["artifactLocation"]["uri"],
        "apps/my%20app/src/main%231.xml"
    );
    assert_eq!(phys["region"]["startLine"], 3);
    assert!(
        phys["region"].get("startColumn").is_none(),
        "column 0 is unknown"
    );
    assert!(r["relatedLocations"][0]["physicalLocation"]
        .get("region")
        .is_none());
    let note = &v["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert!(
        note.get("locations").is_none(),
        "no location for an empty path"
    );
}

#[test]
fn empty_log_is_still_valid() {
    let fx = Fixture::empty();
    let v = log(&fx);
    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        v["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        fx.rules.len()
    );
    assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

/// GitHub code scanning rejects a whole upload with more than 25,000
/// results: the log keeps the most severe, in the report's order, and a
/// notification says what is left out and by severity.
#[test]
fn a_log_keeps_the_most_severe_results_within_githubs_limit() {
    let sample = common::findings();
    let (high, low) = common::high_and_low(&sample);
    // Low findings first in the report: the limit is by severity, not order.
    let mut findings = vec![low.clone(); 3];
    for i in 0..sarif::MAX_RESULTS {
        let mut f = high.clone();
        f.location.line = i as u32 + 1;
        findings.push(f);
    }
    let mut fx = Fixture::new(findings, Vec::new());
    let v = log(&fx);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), sarif::MAX_RESULTS);
    assert!(results.iter().all(|r| r["ruleId"] == "IG101"));
    let lines = common::start_lines(results);
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "the report's order");
    let notes = v["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["descriptor"]["id"], "sarif-results-left-out");
    assert_eq!(notes[0]["level"], "warning");
    let text = notes[0]["message"]["text"].as_str().unwrap();
    assert!(
        text.starts_with("3 of 25003 findings are left out of this log (3 low)"),
        "{text}"
    );

    // At the limit, nothing is left out.
    fx.findings.truncate(sarif::MAX_RESULTS);
    let v = log(&fx);
    assert_eq!(
        v["runs"][0]["results"].as_array().unwrap().len(),
        sarif::MAX_RESULTS
    );
    assert!(v["runs"][0]["invocations"][0]
        .get("toolExecutionNotifications")
        .is_none());
}

/// Hidden findings listed with `suppressions` (`--sarif-suppressions`)
/// come after the reported ones and only fill the room GitHub's limit
/// leaves: a reported finding is never left out for a hidden one.
#[test]
fn hidden_findings_only_fill_the_room_the_reported_ones_leave() {
    let sample = common::findings();
    let reported: Vec<_> = (0..sarif::MAX_RESULTS - 2)
        .map(|i| {
            let mut f = sample[1].clone();
            f.location.line = i as u32 + 1;
            f
        })
        .collect();
    let fx = Fixture::new(reported, Vec::new());
    let mut suppressed = vec![sample[0].clone(), sample[2].clone()];
    suppressed[0].suppression_reason = Some("sandbox only".into());
    suppressed[1].suppression_reason = Some("vendor's".into());
    let baselined = vec![sample[3].clone()];
    let mut report = fx.report();
    report.hidden = Some(intguard_report::Hidden {
        suppressed: &suppressed,
        baselined: &baselined,
        baseline: Some("intguard-baseline.json"),
    });
    let v: Value = serde_json::from_str(&sarif::render(&report)).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), sarif::MAX_RESULTS);
    let hidden: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(hidden.len(), 2, "the reported ones first");
    assert_eq!(
        hidden[0]["suppressions"],
        serde_json::json!([{ "kind": "inSource", "status": "accepted", "justification": "sandbox only" }])
    );
    assert_eq!(hidden[1]["suppressions"][0]["justification"], "vendor's");
    let notes = v["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["descriptor"]["id"], "sarif-results-left-out");
    let text = notes[0]["message"]["text"].as_str().unwrap();
    assert!(
        text.starts_with(
            "1 of the 3 findings that comments or the baseline hide are left out of this log"
        ),
        "{text}"
    );
}

/// GitHub rejects a result with more than 1,000 locations (IG303 lists
/// every app using a user: 700 apps gave 1,399): the first 999 related ones
/// are kept beside the result's own, and its message says how many are not.
#[test]
fn a_result_keeps_its_related_locations_within_githubs_limit() {
    let mut f = common::findings().remove(0);
    f.related = (1..=1500)
        .map(|i| {
            Related::new(
                &Location::new(format!("apps/app-{i}/global.xml"), 3, 1),
                "uses it",
            )
        })
        .collect();
    let mut fx = Fixture::new(vec![f], Vec::new());
    let v = log(&fx);
    let r = &v["runs"][0]["results"][0];
    let related = r["relatedLocations"].as_array().unwrap();
    assert_eq!(related.len() + 1, sarif::MAX_LOCATIONS_PER_RESULT);
    assert_eq!(
        related[998]["physicalLocation"]["artifactLocation"]["uri"],
        "apps/app-999/global.xml"
    );
    let text = r["message"]["text"].as_str().unwrap();
    assert!(
        text.ends_with("501 of the 1500 related locations are left out of this log (GitHub code scanning rejects a result with more than 1000 locations): `--format json` lists them all."),
        "{text}"
    );

    // 999 related locations: all kept, nothing said.
    fx.findings[0].related.truncate(999);
    let v = log(&fx);
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["relatedLocations"].as_array().unwrap().len(), 999);
    assert!(!r["message"]["text"].as_str().unwrap().contains("left out"));
}

/// A rule the configuration disabled is listed, and an override says it
/// did not run (SARIF 3.20.5 `ruleConfigurationOverrides`).
#[test]
fn disabled_rules_are_marked_as_not_run() {
    let mut fx = Fixture::sample();
    let id = fx.rules[0].id;
    fx.disabled_rules = vec![id];
    let v = log(&fx);
    let overrides = v["runs"][0]["invocations"][0]["ruleConfigurationOverrides"]
        .as_array()
        .expect("overrides");
    assert_eq!(overrides.len(), 1);
    let index = overrides[0]["descriptor"]["index"].as_u64().unwrap() as usize;
    assert_eq!(v["runs"][0]["tool"]["driver"]["rules"][index]["id"], id);
    assert_eq!(overrides[0]["descriptor"]["id"], id);
    assert_eq!(overrides[0]["configuration"]["enabled"], false);
    assert!(Fixture::sample().disabled_rules.is_empty());
    assert!(log(&Fixture::sample())["runs"][0]["invocations"][0]
        .get("ruleConfigurationOverrides")
        .is_none());
}
