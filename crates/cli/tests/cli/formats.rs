//! Every output format end to end: the JSON contract of `crates/report/JSON.md`
//! (read from the document itself, so the two cannot drift apart), the SARIF
//! 2.1.0 shape GitHub code scanning needs, the Markdown comment, the text
//! report and its colour rules, and `--output`.

use crate::support;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use support::*;

const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];
const PRACTICES: [&str; 3] = ["protect-credentials", "protect-access", "minimize-damage"];
const MULE_RULES: [&str; 12] = [
    "IG101", "IG102", "IG103", "IG104", "IG105", "IG106", "IG107", "IG108", "IG109", "IG110",
    "IG206", "IG303",
];

/// A tree with broken input next to a Mule app, so that reports have
/// diagnostics as well as findings.
fn broken_tree(root: &Path) {
    let app = mule4_app(root, "broken-app", &[]);
    write(
        &app,
        "src/main/mule/broken.xml",
        format!("{MULE_XML_HEAD}  <flow name=\"f\">\n    <logger>\n  </flow>\n</mule>\n"),
    );
    write(
        &app,
        "src/main/resources/bad.yaml",
        "a: 1\nb: [unclosed\nc: 3\n",
    );
    write(&app, "src/main/resources/dev.properties", b"a=caf\xe9\n");
}

/// The example plus the broken tree, scanned together.
fn scan_everything(format: &str, extra: &[&str]) -> (tempfile::TempDir, Run) {
    let tmp = tempfile::tempdir().unwrap();
    broken_tree(tmp.path());
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(example())
            .arg(tmp.path())
            .args(["--format", format])
            .args(extra),
    );
    run.expect_no_panic().expect_code(1);
    (tmp, run)
}

// ---------------------------------------------------------------------------
// JSON

/// The tables of JSON.md: section heading -> [(field, type)].
fn documented_fields() -> BTreeMap<String, Vec<(String, String)>> {
    let doc = std::fs::read_to_string(workspace().join("crates/report/JSON.md")).unwrap();
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut section = String::new();
    for line in doc.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            section = h.trim().to_string();
            continue;
        }
        let Some(row) = line.strip_prefix("| `") else {
            continue;
        };
        let cells: Vec<&str> = row.split(" | ").collect();
        let field = cells[0].trim_end_matches('`').to_string();
        let ty = cells.get(1).expect("a type column").trim().to_string();
        out.entry(section.clone()).or_default().push((field, ty));
    }
    for wanted in ["Top level", "Finding", "Related", "Diagnostic", "Summary"] {
        assert!(
            out.get(wanted).is_some_and(|f| !f.is_empty()),
            "JSON.md has no table under `## {wanted}`: {out:?}"
        );
    }
    out
}

/// Whether a value has the type JSON.md gives (`string`, `integer or null`,
/// `array of finding`, ...). An unknown type word fails, so the test learns
/// about new kinds of field.
fn has_type(value: &Value, ty: &str) -> bool {
    if let Some(inner) = ty.strip_suffix(" or null") {
        return value.is_null() || has_type(value, inner);
    }
    if ty.starts_with("array of ") {
        return value.is_array();
    }
    match ty {
        "string" => value.is_string(),
        "integer" => value.is_u64(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        other => panic!("JSON.md uses a type this test does not know: {other:?}"),
    }
}

/// Checks an object against a documented table: the same keys, each of its
/// documented type.
fn check_object(what: &str, value: &Value, fields: &[(String, String)]) {
    let obj = value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {value}"));
    // A field documented as present only in some reports (`boolean, only
    // when `true``) may be absent; every other one must be there.
    let optional = |ty: &str| ty.contains(", only when");
    let documented: BTreeSet<&str> = fields.iter().map(|(f, _)| f.as_str()).collect();
    let required: BTreeSet<&str> = fields
        .iter()
        .filter(|(_, ty)| !optional(ty))
        .map(|(f, _)| f.as_str())
        .collect();
    let actual: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
    assert!(
        actual.is_subset(&documented) && required.is_subset(&actual),
        "{what}: keys differ from JSON.md (update one or the other): {actual:?} vs {documented:?}"
    );
    for (field, ty) in fields {
        if !obj.contains_key(field.as_str()) {
            continue;
        }
        let ty = ty.split(", only when").next().unwrap_or(ty);
        assert!(
            has_type(&obj[field.as_str()], ty),
            "{what}.{field} should be {ty}: {}",
            obj[field.as_str()]
        );
    }
}

fn severity_rank(s: &str) -> usize {
    SEVERITIES
        .iter()
        .position(|x| *x == s)
        .unwrap_or_else(|| panic!("unknown severity {s:?}"))
}

#[test]
fn json_follows_the_documented_contract() {
    let (_tmp, run) = scan_everything("json", &[]);
    assert!(run.stdout.ends_with("}\n"), "ends with a newline");
    let report = run.json();
    let doc = documented_fields();

    // Top level, with the nested `tool.*` rows.
    let top: Vec<(String, String)> = doc["Top level"]
        .iter()
        .filter(|(f, _)| !f.contains('.'))
        .cloned()
        .collect();
    check_object("report", &report, &top);
    let tool: Vec<(String, String)> = doc["Top level"]
        .iter()
        .filter_map(|(f, t)| f.strip_prefix("tool.").map(|f| (f.to_string(), t.clone())))
        .collect();
    check_object("tool", &report["tool"], &tool);
    assert_eq!(report["version"], "1.1");
    assert_eq!(report["tool"]["name"], "intguard");
    assert_eq!(report["tool"]["version"], env!("CARGO_PKG_VERSION"));

    let findings = findings(&report);
    let diagnostics = diagnostics(&report);
    assert!(findings.len() >= 20, "the example has many findings");
    assert!(diagnostics.len() >= 3, "the broken tree has diagnostics");

    let mut fingerprints = HashSet::new();
    for (i, f) in findings.iter().enumerate() {
        let what = format!("findings[{i}] ({} {}:{})", f["rule"], f["path"], f["line"]);
        check_object(&what, f, &doc["Finding"]);
        let rule = f["rule"].as_str().unwrap();
        assert!(
            rule.len() == 5
                && rule.starts_with("IG")
                && rule[2..].chars().all(|c| c.is_ascii_digit()),
            "{what}: rule id {rule}"
        );
        let name = f["name"].as_str().unwrap();
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{what}: name {name}"
        );
        assert!(
            PRACTICES.contains(&f["practice"].as_str().unwrap()),
            "{what}"
        );
        severity_rank(f["severity"].as_str().unwrap());
        assert!(!f["message"].as_str().unwrap().trim().is_empty(), "{what}");
        let path = f["path"].as_str().unwrap();
        assert!(
            !path.is_empty() && !path.contains('\\'),
            "{what}: path {path}"
        );
        let (line, column) = (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap());
        if line == 0 {
            assert_eq!(column, 0, "{what}: whole-file findings have column 0");
            assert!(
                f["snippet"].is_null(),
                "{what}: no snippet for a whole file"
            );
        }
        for e in f["environments"].as_array().unwrap() {
            assert!(e.as_str().is_some_and(|e| !e.is_empty()), "{what}: {e}");
        }
        for (j, r) in f["related"].as_array().unwrap().iter().enumerate() {
            check_object(&format!("{what}.related[{j}]"), r, &doc["Related"]);
        }
        let fp = f["fingerprint"].as_str().unwrap();
        assert!(
            !fp.is_empty() && fp.chars().all(|c| c.is_ascii_hexdigit()),
            "{what}: fingerprint {fp}"
        );
        assert!(
            fingerprints.insert(fp.to_string()),
            "{what}: duplicate fingerprint {fp}"
        );
    }

    // Sorted by path, line, column and rule.
    let order: Vec<(String, u64, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(
        order, sorted,
        "findings are sorted by path, line, column, rule"
    );

    for (i, d) in diagnostics.iter().enumerate() {
        let what = format!("diagnostics[{i}] ({} {})", d["code"], d["path"]);
        check_object(&what, d, &doc["Diagnostic"]);
        assert!(
            ["error", "warning"].contains(&d["level"].as_str().unwrap()),
            "{what}"
        );
        let code = d["code"].as_str().unwrap();
        assert!(
            !code.is_empty()
                && code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
            "{what}: code {code}"
        );
        assert!(!d["path"].as_str().unwrap().is_empty(), "{what}");
        if let Some(line) = d["line"].as_u64() {
            assert!(line >= 1, "{what}: lines are 1-based");
        }
        if let Some(col) = d["column"].as_u64() {
            assert!(col >= 1, "{what}: columns are 1-based");
        }
        assert!(!d["message"].as_str().unwrap().is_empty(), "{what}");
    }

    // The summary agrees with the lists.
    let s = &report["summary"];
    check_object("summary", s, &doc["Summary"]);
    let by: &Map<String, Value> = s["by_severity"].as_object().unwrap();
    assert_eq!(
        by.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        SEVERITIES.into_iter().collect::<BTreeSet<_>>(),
        "by_severity always has the five keys"
    );
    for sev in SEVERITIES {
        let n = findings.iter().filter(|f| f["severity"] == sev).count() as u64;
        assert_eq!(by[sev].as_u64(), Some(n), "by_severity.{sev}");
    }
    assert_eq!(s["total"].as_u64(), Some(findings.len() as u64));
    assert_eq!(s["diagnostics"].as_u64(), Some(diagnostics.len() as u64));
    let example_apps = scan_json(&example(), &[]).1["summary"]["apps"]
        .as_u64()
        .unwrap();
    assert!(example_apps >= 4, "the example's four Mule apps");
    assert_eq!(
        s["apps"].as_u64(),
        Some(example_apps + 1),
        "and the broken one"
    );
    assert!(s["files"].as_u64().unwrap() >= 60);
    assert!(s["bytes"].as_u64().unwrap() > s["files"].as_u64().unwrap());
    assert_eq!(s["fail_on"], "high");
    let failing = findings
        .iter()
        .any(|f| severity_rank(f["severity"].as_str().unwrap()) <= severity_rank("high"));
    assert_eq!(s["failed"], failing);
    assert_eq!(s["baselined"], 0);
}

/// Found by review: JSON.md said `summary.apps` counts "applications
/// recognised (Mule apps, metadata projects)", but it counts the Mule apps
/// (as the text report's "in 4 apps" does): the example's four apps and its
/// SFDX project make 4. The contract now says what the number is.
#[test]
fn summary_apps_counts_the_mule_apps_as_documented() {
    let (_, report) = scan_json(&example(), &["--fail-on", "none"]);
    assert_eq!(report["summary"]["apps"], 4, "{:#}", report["summary"]);
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(example())
            .args(["--color", "never"]),
    );
    assert!(run.stdout.contains(" in 4 apps, "), "{}", run.stdout);
    let doc = std::fs::read_to_string(workspace().join("crates/report/JSON.md")).unwrap();
    let row = doc
        .lines()
        .find(|l| l.starts_with("| `apps` |"))
        .expect("JSON.md documents summary.apps");
    assert!(row.contains("Mule apps"), "{row}");
    assert!(!row.contains("metadata projects)"), "{row}");
}

#[test]
fn json_is_deterministic() {
    let a = run_cmd(
        intguard()
            .arg("scan")
            .arg(example())
            .args(["-f", "json", "--threads", "1"]),
    );
    let b = run_cmd(intguard().arg("scan").arg(example()).args(["-f", "json"]));
    assert_eq!(
        a.stdout, b.stdout,
        "same input, same report, whatever the threads"
    );
}

// ---------------------------------------------------------------------------
// SARIF

fn text_of(v: &Value) -> &str {
    v["text"].as_str().unwrap_or("")
}

#[test]
fn sarif_has_the_shape_code_scanning_needs() {
    let (tmp, run) = scan_everything("sarif", &[]);
    let sarif = run.json();
    let json = run_cmd(
        intguard()
            .arg("scan")
            .arg(example())
            .arg(tmp.path())
            .args(["--format", "json"]),
    )
    .json();

    assert_eq!(sarif["version"], "2.1.0");
    let schema = sarif["$schema"].as_str().expect("$schema");
    assert!(
        schema.starts_with("https://") && schema.contains("sarif") && schema.contains("2.1.0"),
        "{schema}"
    );
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run0 = &runs[0];
    let driver = &run0["tool"]["driver"];
    assert_eq!(driver["name"], "intguard");
    assert_eq!(driver["version"], json["tool"]["version"]);

    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        ids.len(),
        "rule ids are unique"
    );
    for id in MULE_RULES {
        assert!(ids.contains(&id), "driver.rules lists {id}");
    }
    for r in rules {
        let id = r["id"].as_str().unwrap();
        assert!(
            r["name"].as_str().is_some_and(|n| !n.is_empty()),
            "{id} name"
        );
        assert!(
            !text_of(&r["shortDescription"]).is_empty(),
            "{id} shortDescription"
        );
        assert!(
            !text_of(&r["fullDescription"]).is_empty(),
            "{id} fullDescription"
        );
        assert!(!text_of(&r["help"]).is_empty(), "{id} help.text");
        assert!(
            r["help"]["markdown"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{id} help.markdown"
        );
        let level = r["defaultConfiguration"]["level"]
            .as_str()
            .expect("defaultConfiguration.level");
        assert!(
            ["error", "warning", "note", "none"].contains(&level),
            "{id}: {level}"
        );
        let score: f64 = r["properties"]["security-severity"]
            .as_str()
            .expect("security-severity")
            .parse()
            .expect("security-severity is a number");
        assert!((0.0..=10.0).contains(&score), "{id}: {score}");
    }

    let results = run0["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        findings(&json).len(),
        "one result per finding"
    );
    let mut sarif_fps = BTreeSet::new();
    for (i, res) in results.iter().enumerate() {
        let rule_id = res["ruleId"].as_str().unwrap();
        let index = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert!(index < rules.len(), "results[{i}].ruleIndex in range");
        assert_eq!(
            rules[index]["id"], rule_id,
            "results[{i}].ruleIndex points at its rule"
        );
        let level = res["level"].as_str().unwrap();
        assert!(
            ["error", "warning", "note", "none"].contains(&level),
            "results[{i}]: {level}"
        );
        let expected_level = match res["properties"]["severity"].as_str().unwrap() {
            "critical" | "high" => "error",
            "medium" => "warning",
            _ => "note",
        };
        assert_eq!(level, expected_level, "results[{i}] level follows severity");
        // GitHub takes the alert's severity from the rule's score.
        let expected_score = match res["properties"]["severity"].as_str().unwrap() {
            "critical" => "9.0",
            "high" => "7.0",
            "medium" => "5.0",
            "low" => "3.0",
            _ => "1.0",
        };
        assert_eq!(
            rules[index]["properties"]["security-severity"], expected_score,
            "results[{i}] is ranked by its own severity in GitHub"
        );
        assert!(!text_of(&res["message"]).is_empty(), "results[{i}].message");
        let locations = res["locations"].as_array().unwrap();
        assert!(!locations.is_empty(), "results[{i}] has a location");
        let related = res["relatedLocations"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for loc in locations.iter().chain(related.iter()) {
            let phys = &loc["physicalLocation"];
            assert!(
                phys["artifactLocation"]["uri"]
                    .as_str()
                    .is_some_and(|u| !u.is_empty()),
                "results[{i}] uri"
            );
            if let Some(region) = phys.get("region") {
                assert!(
                    region["startLine"].as_u64().is_some_and(|l| l >= 1),
                    "results[{i}] startLine"
                );
                if let Some(c) = region.get("startColumn") {
                    assert!(
                        c.as_u64().is_some_and(|c| c >= 1),
                        "results[{i}] startColumn"
                    );
                }
            }
        }
        let fps = res["partialFingerprints"]
            .as_object()
            .expect("partialFingerprints");
        assert!(
            !fps.is_empty()
                && fps
                    .values()
                    .all(|v| v.as_str().is_some_and(|s| !s.is_empty()))
        );
        sarif_fps.extend(fps.values().map(|v| v.as_str().unwrap().to_string()));
    }
    let json_fps: BTreeSet<String> = findings(&json)
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        sarif_fps, json_fps,
        "SARIF carries the same fingerprints as JSON"
    );

    let invocations = run0["invocations"].as_array().unwrap();
    assert_eq!(invocations.len(), 1);
    assert!(invocations[0]["executionSuccessful"].is_boolean());
    let notes = invocations[0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(
        notes.len(),
        diagnostics(&json).len(),
        "one notification per diagnostic"
    );
    for n in notes {
        assert!(["error", "warning", "note", "none"].contains(&n["level"].as_str().unwrap()));
        assert!(!text_of(&n["message"]).is_empty());
        assert!(n["descriptor"]["id"]
            .as_str()
            .is_some_and(|d| !d.is_empty()));
    }
}

/// `%XX` escapes decoded (the inverse of a URI's percent-encoding).
fn percent_decoded(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).expect("two hex digits after %"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn sarif_uris_resolve_against_the_working_directory() {
    // A token in a file whose name has a space and a `%3A` (as Salesforce
    // writes a `:` in metadata file names), under the folder the scan runs
    // in, and the same token in a folder beside it, given as `../elsewhere`.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let with_token = example_app("customers-papi").join("README.md");
    let odd = root.join("repo/ops notes/prod%3A runbook.md");
    let beside = root.join("elsewhere/notes.md");
    for file in [&odd, &beside] {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::copy(&with_token, file).unwrap();
    }
    let run = run_cmd(intguard().current_dir(root.join("repo")).args([
        "scan",
        ".",
        "../elsewhere",
        "--format",
        "sarif",
    ]));
    let sarif = run.json();
    let run0 = &sarif["runs"][0];
    let base = run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("originalUriBaseIds names %SRCROOT%");
    assert_eq!(base, format!("file://{}/", root.join("repo").display()));
    assert_eq!(run0["invocations"][0]["workingDirectory"]["uri"], base);

    let mut resolved = Vec::new();
    for result in run0["results"].as_array().unwrap() {
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = artifact["uri"].as_str().unwrap();
        // SARIF: a base id only on a relative reference; without one, an
        // absolute URI.
        let path = match artifact["uriBaseId"].as_str() {
            Some(id) => {
                assert_eq!(id, "%SRCROOT%");
                assert!(!uri.starts_with('/') && !uri.contains(':'), "{uri}");
                root.join("repo").join(percent_decoded(uri))
            }
            None => {
                let path = uri.strip_prefix("file://").expect("an absolute file URI");
                std::path::PathBuf::from(percent_decoded(path))
            }
        };
        assert!(path.is_file(), "{uri} resolves to {}", path.display());
        resolved.push((uri.to_string(), path));
    }
    let uri_of = |file: &Path| {
        resolved
            .iter()
            .find(|(_, p)| p == file)
            .map(|(uri, _)| uri.clone())
            .unwrap_or_else(|| panic!("no result at {}", file.display()))
    };
    assert_eq!(uri_of(&odd), "ops%20notes/prod%253A%20runbook.md");
    assert_eq!(
        uri_of(&beside),
        format!("file://{}", root.join("elsewhere/notes.md").display())
    );
}

/// A CI job that runs in a subfolder of the repository (`working-directory:
/// mule`): GitHub reads relative URIs against the repository's root, so they
/// count from the git work tree's top, which `%SRCROOT%` names; they counted
/// from the subfolder, and every alert landed on a file that does not exist.
#[test]
fn sarif_uris_count_from_the_repository_top_when_run_in_a_subfolder() {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().canonicalize().unwrap();
    git(&top, &["init", "-q"]);
    let with_token = example_app("customers-papi").join("README.md");
    for file in ["mule/orders/README.md", "salesforce/notes.md"] {
        let file = top.join(file);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::copy(&with_token, file).unwrap();
    }
    let run = run_cmd(intguard().current_dir(top.join("mule")).args([
        "scan",
        ".",
        "../salesforce",
        "--format",
        "sarif",
    ]));
    let sarif = run.json();
    let run0 = &sarif["runs"][0];
    let base = format!("file://{}/", top.display());
    assert_eq!(
        run0["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        base.as_str()
    );
    assert_eq!(
        run0["invocations"][0]["workingDirectory"]["uri"],
        format!("{base}mule/")
    );
    let uris: BTreeSet<(String, String)> = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            (
                artifact["uri"].as_str().unwrap().to_string(),
                artifact["uriBaseId"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = ["mule/orders/README.md", "salesforce/notes.md"]
        .into_iter()
        .map(|u| (u.to_string(), "%SRCROOT%".to_string()))
        .collect();
    assert_eq!(uris, expected);
}

/// The file a SARIF artifact location names: a `file:` URI (RFC 8089: empty
/// authority, absolute path) when it has no base id, else a relative
/// reference (no scheme, no leading `/`, no dot segments) resolved against
/// the `%SRCROOT%` base, itself a `file:` URI ending with `/`.
fn sarif_artifact_file(run0: &Value, artifact: &Value) -> (bool, PathBuf) {
    fn file_uri_path(uri: &str) -> String {
        let path = uri
            .strip_prefix("file://")
            .unwrap_or_else(|| panic!("{uri} is no file: URI"));
        assert!(
            path.starts_with('/'),
            "{uri}: an empty authority, an absolute path"
        );
        assert!(
            !path.contains(['?', '#', ' ']),
            "{uri}: no query, fragment or raw blank"
        );
        percent_decoded(path)
    }
    let uri = artifact["uri"].as_str().expect("a uri");
    match artifact["uriBaseId"].as_str() {
        Some(id) => {
            assert_eq!(id, "%SRCROOT%");
            let scheme = uri.split_once(':').is_some_and(|(s, _)| !s.contains('/'));
            assert!(
                !scheme && !uri.starts_with('/'),
                "{uri}: a relative reference"
            );
            assert!(
                uri.split('/')
                    .all(|seg| !seg.is_empty() && seg != "." && seg != ".."),
                "{uri}: no dot or empty segments"
            );
            let base = run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
                .as_str()
                .expect("originalUriBaseIds names %SRCROOT%");
            assert!(base.ends_with('/'), "{base}");
            (true, PathBuf::from(file_uri_path(&format!("{base}{uri}"))))
        }
        None => (false, PathBuf::from(file_uri_path(uri))),
    }
}

/// Found by testing as a user would: `intguard scan "$GITHUB_WORKSPACE/apps"`
/// (an absolute path, as CI writes it) gave every result an absolute
/// `file://` URI, where `scan apps` gave URIs relative to `%SRCROOT%`, the
/// repository's top. Now a file inside the repository is relative whatever
/// the spelling of the path scanned and wherever the scan runs; one outside
/// it stays absolute. The JSON report's `path` stays the path as given.
#[test]
fn sarif_uris_are_relative_inside_the_repository_however_the_path_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let tmp = tmp.path().canonicalize().unwrap();
    let top = tmp.join("workspace");
    std::fs::create_dir_all(&top).unwrap();
    git(&top, &["init", "-q"]);
    let with_token = example_app("customers-papi").join("README.md");
    let inside = top.join("apps/orders api/README.md");
    let outside = tmp.join("elsewhere/notes.md");
    let elsewhere_cwd = tmp.join("runner");
    for file in [&inside, &outside, &elsewhere_cwd.join("x")] {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    }
    std::fs::copy(&with_token, &inside).unwrap();
    std::fs::copy(&with_token, &outside).unwrap();
    let apps = top.join("apps");
    let apps_abs = apps.to_str().unwrap();
    let cases: [(&Path, Vec<&str>); 4] = [
        (&top, vec!["apps"]),
        (&top, vec![apps_abs]),
        (&top.join("apps"), vec![apps_abs]),
        (&elsewhere_cwd, vec![apps_abs]),
    ];
    for (cwd, paths) in cases {
        let run = run_cmd(
            intguard()
                .current_dir(cwd)
                .arg("scan")
                .args(&paths)
                .args(["--format", "sarif"]),
        );
        let sarif = run.json();
        let run0 = &sarif["runs"][0];
        assert_eq!(
            run0["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            format!("file://{}/", top.display()),
            "{cwd:?} {paths:?}"
        );
        let results = run0["results"].as_array().unwrap();
        assert!(!results.is_empty());
        for r in results {
            let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(
                sarif_artifact_file(run0, artifact),
                (true, inside.clone()),
                "{cwd:?} {paths:?}: {artifact}"
            );
            assert_eq!(artifact["uri"], "apps/orders%20api/README.md");
        }
    }
    // A file outside the repository, scanned with one inside it: absolute.
    let run = run_cmd(
        intguard()
            .current_dir(&elsewhere_cwd)
            .arg("scan")
            .arg(&apps)
            .arg(&outside)
            .args(["--format", "sarif"]),
    );
    let sarif = run.json();
    let run0 = &sarif["runs"][0];
    let mut files: Vec<(bool, PathBuf)> = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            sarif_artifact_file(
                run0,
                &r["locations"][0]["physicalLocation"]["artifactLocation"],
            )
        })
        .collect();
    files.sort();
    files.dedup();
    assert_eq!(files, [(false, outside.clone()), (true, inside.clone())]);
    // The JSON report's paths are as given (JSON.md): absolute here.
    let (_, json) = scan_json(&apps, &[]);
    for f in findings(&json) {
        assert_eq!(f["path"], inside.to_str().unwrap(), "{f}");
    }
}

/// Found by testing as a user would: a scan path that reaches the
/// repository through a symbolic link (`intguard scan /ci/link-to-repo`, a
/// workspace mounted through a link) gave every result an absolute `file://`
/// URI through the link, while the real path gave URIs relative to
/// `%SRCROOT%`: the source root is found from the paths' canonical forms,
/// the findings' paths are spelt through the link. A path through the link
/// now counts as the path it leads to, whatever its spelling.
#[cfg(unix)]
#[test]
fn sarif_uris_are_relative_through_a_symlinked_scan_path() {
    let tmp = tempfile::tempdir().unwrap();
    let tmp = tmp.path().canonicalize().unwrap();
    let top = tmp.join("workspace");
    let inside = top.join("apps/orders/README.md");
    std::fs::create_dir_all(inside.parent().unwrap()).unwrap();
    std::fs::copy(example_app("customers-papi").join("README.md"), &inside).unwrap();
    let link = tmp.join("link-to-repo");
    std::os::unix::fs::symlink(&top, &link).unwrap();
    let elsewhere = tmp.join("runner");
    std::fs::create_dir_all(&elsewhere).unwrap();
    for git_repo in [false, true] {
        if git_repo {
            git(&top, &["init", "-q"]);
        }
        let link_abs = link.to_str().unwrap();
        let link_apps = link.join("apps");
        let cases: [(&Path, Vec<&str>); 4] = [
            (&elsewhere, vec![link_abs]),
            (&elsewhere, vec![link_apps.to_str().unwrap()]),
            (&tmp, vec!["link-to-repo"]),
            (&tmp, vec!["./link-to-repo/apps/../apps"]),
        ];
        for (cwd, paths) in cases {
            let run = run_cmd(
                intguard()
                    .current_dir(cwd)
                    .arg("scan")
                    .args(&paths)
                    .args(["--format", "sarif"]),
            );
            let sarif = run.json();
            let run0 = &sarif["runs"][0];
            let results = run0["results"].as_array().unwrap();
            assert!(!results.is_empty(), "{paths:?}");
            for r in results {
                let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
                let (relative, file) = sarif_artifact_file(run0, artifact);
                assert!(relative, "git {git_repo}, {cwd:?} {paths:?}: {artifact}");
                assert_eq!(file, inside, "git {git_repo}, {cwd:?} {paths:?}");
            }
        }
    }
}

/// `--sarif-suppressions`: the findings an inline comment or the baseline
/// hides are listed too, each with SARIF's `suppressions` (`inSource` with
/// the comment's reason, `external` naming the baseline file, `accepted`),
/// for viewers that honour them. Off by default, as GitHub code scanning
/// ignores `suppressions` and would open an alert for each. The results
/// reported, the counts and the exit code are the same either way.
#[test]
fn sarif_suppressions_list_what_comments_and_the_baseline_hide_when_asked() {
    let (tmp, repo) = copy_example("");
    let baseline = tmp.path().join("accepted.json");
    run_cmd(
        intguard()
            .arg("scan")
            .arg(&repo)
            .arg("--write-baseline")
            .arg(&baseline),
    )
    .expect_code(0);
    // A finding of after the baseline: reported.
    std::fs::copy(
        example_app("customers-papi").join("README.md"),
        repo.join("NOTES.md"),
    )
    .unwrap();
    let sarif_of = |extra: &[&str]| {
        let run = run_cmd(
            intguard()
                .arg("scan")
                .arg(&repo)
                .arg("--baseline")
                .arg(&baseline)
                .args(["--format", "sarif"])
                .args(extra),
        );
        (run.code, run.json())
    };
    let (plain_code, plain) = sarif_of(&[]);
    let (code, with) = sarif_of(&["--sarif-suppressions"]);
    assert_eq!(code, plain_code, "the exit code does not change");
    assert_eq!(code, 1, "the new finding fails the gate");
    let (_, json) = scan_json(&repo, &["--baseline", baseline.to_str().unwrap()]);
    let summary = &json["summary"];
    let suppressed = summary["suppressed"].as_u64().unwrap() as usize;
    let baselined = summary["baselined"].as_u64().unwrap() as usize;
    assert_eq!(suppressed, 1, "{summary}");
    assert!(baselined > 50, "{summary}");
    let fingerprint = |r: &Value| r["partialFingerprints"]["intguardFingerprint/v1"].clone();
    let results = |sarif: &Value| sarif["runs"][0]["results"].as_array().unwrap().clone();
    assert!(
        results(&plain)
            .iter()
            .all(|r| r.get("suppressions").is_none()),
        "none without the option"
    );
    let (hidden, shown): (Vec<Value>, Vec<Value>) = results(&with)
        .into_iter()
        .partition(|r| r.get("suppressions").is_some());
    assert_eq!(
        shown.iter().map(fingerprint).collect::<Vec<_>>(),
        results(&plain).iter().map(fingerprint).collect::<Vec<_>>(),
        "the results reported are the same"
    );
    assert_eq!(shown.len(), findings(&json).len());
    assert_eq!(hidden.len(), suppressed + baselined);
    assert_eq!(
        with["runs"][0]["properties"], plain["runs"][0]["properties"],
        "the counts stay"
    );
    let in_source: Vec<&Value> = hidden
        .iter()
        .filter(|r| r["suppressions"][0]["kind"] == "inSource")
        .collect();
    assert_eq!(in_source.len(), 1, "{hidden:#?}");
    // IG109 at medium: the rule's descriptor for that severity.
    assert_eq!(in_source[0]["ruleId"], "IG109/medium");
    assert_eq!(
        in_source[0]["suppressions"],
        serde_json::json!([{
            "kind": "inSource",
            "status": "accepted",
            "justification": "internal health check, TLS terminated at the load balancer"
        }])
    );
    assert!(
        in_source[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("customers-papi/src/main/mule/global.xml")
    );
    let given = baseline.to_str().unwrap();
    for r in hidden
        .iter()
        .filter(|r| r["suppressions"][0]["kind"] != "inSource")
    {
        assert_eq!(
            r["suppressions"],
            serde_json::json!([{
                "kind": "external",
                "status": "accepted",
                "justification": format!("its fingerprint is in the baseline {given}")
            }]),
            "{r:#}"
        );
        // A result of its own rule, ranked and fingerprinted as any.
        let rules = with["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(fingerprint(r).as_str().is_some_and(|f| !f.is_empty()));
    }
    // SARIF only: refused with another format.
    let run = run_cmd(intguard().arg("scan").arg(&repo).args([
        "--format",
        "json",
        "--sarif-suppressions",
    ]));
    run.expect_code(2);
    assert!(
        run.stderr.contains("--sarif-suppressions"),
        "{}",
        run.stderr
    );
}

/// A comment's reason that repeats the secret it hides is masked in the
/// SARIF `justification`, as every text from the files is.
#[test]
fn sarif_suppression_justifications_never_show_a_secret() {
    const SECRET: &str = "Sandbox#Pw-8812";
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "orders-sapi", &[]);
    write(
        &app,
        "src/main/resources/config.properties",
        format!("# intguard-ignore IG102: {SECRET} is the sandbox's own, rotated nightly\ndb.password={SECRET}\n"),
    );
    let run = run_cmd(intguard().arg("scan").arg(tmp.path()).args([
        "--format",
        "sarif",
        "--sarif-suppressions",
    ]));
    assert!(!run.stdout.contains(SECRET), "{}", run.stdout);
    let sarif = run.json();
    let justifications: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["suppressions"][0]["kind"] == "inSource")
        .map(|r| {
            r["suppressions"][0]["justification"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(justifications.len(), 1, "{sarif:#}");
    assert!(
        justifications[0].ends_with(" is the sandbox's own, rotated nightly")
            && justifications[0].starts_with("Sa…"),
        "{justifications:?}"
    );
}

#[test]
fn sarif_of_a_clean_app_still_lists_the_rules() {
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(example_app("invoices-eapi"))
            .args(["--format", "sarif"]),
    );
    run.expect_code(0);
    let sarif = run.json();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 0);
    assert!(
        sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len()
            >= 12
    );
}

// ---------------------------------------------------------------------------
// Markdown

#[test]
fn markdown_has_a_heading_and_the_severity_table() {
    let json = scan_json(&example(), &[]).1;
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(example())
            .args(["--format", "markdown"]),
    );
    run.expect_code(1);
    let md = &run.stdout;
    assert!(md.starts_with("### "), "{md}");
    let first = md.lines().next().unwrap();
    assert!(first.contains("intguard"), "{first}");
    assert!(md.contains("| Severity | Findings |"), "{md}");
    for sev in SEVERITIES {
        let n = &json["summary"]["by_severity"][sev];
        assert!(
            md.contains(&format!("| {sev} | {n} |")),
            "row for {sev}: {md}"
        );
    }
    assert!(md.contains("at or above **high**"), "{md}");
    for f in findings(&json) {
        let rule = f["rule"].as_str().unwrap();
        assert!(md.contains(&format!("`{rule}`")), "{rule} listed");
    }
    assert!(md.len() < 65_536, "fits a GitHub comment");

    let clean = run_cmd(
        intguard()
            .arg("scan")
            .arg(example_app("invoices-eapi"))
            .args(["--format", "markdown"]),
    );
    clean.expect_code(0);
    assert!(clean.stdout.starts_with("### "), "{}", clean.stdout);
    assert!(
        clean.stdout.contains("No integration-credential problems"),
        "{}",
        clean.stdout
    );
}

// ---------------------------------------------------------------------------
// HTML

/// The HTML report of the example: one article per finding of the JSON
/// report, at the same place with the same rule, fingerprint and severity;
/// the verdict and counts of the JSON summary; no script and nothing loaded.
#[test]
fn html_shows_every_finding_of_the_json_report() {
    let json = scan_json(&example(), &[]).1;
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(example())
            .args(["--format", "html"]),
    );
    run.expect_code(1);
    let html = &run.stdout;
    assert!(html.starts_with("<!DOCTYPE html>\n"), "{html}");
    assert!(html.ends_with("</html>\n"));
    let articles: Vec<&str> = html.split("<article ").skip(1).collect();
    let findings = findings(&json);
    assert_eq!(articles.len(), findings.len());
    for (article, f) in articles.iter().zip(findings) {
        let place = format!(
            "{}:{}:{}",
            f["path"].as_str().unwrap(),
            f["line"],
            f["column"]
        );
        let place = if f["line"] == 0 {
            f["path"].as_str().unwrap().to_string()
        } else {
            place
        };
        for expected in [
            format!("class=\"finding {}\"", f["severity"].as_str().unwrap()),
            format!(
                "<code>{}</code></a> {}",
                f["rule"].as_str().unwrap(),
                f["name"].as_str().unwrap()
            ),
            format!("<code class=\"at\">{place}</code>"),
            format!(
                "<code class=\"fingerprint\">{}</code>",
                f["fingerprint"].as_str().unwrap()
            ),
        ] {
            assert!(article.contains(&expected), "{expected} in {article}");
        }
    }
    let failing = json["summary"]["by_severity"]["critical"].as_u64().unwrap()
        + json["summary"]["by_severity"]["high"].as_u64().unwrap();
    assert!(
        html.contains(&format!(
            "Failing: {failing} findings at or above high (--fail-on high)"
        )),
        "{html}"
    );
    for sev in SEVERITIES {
        let n = json["summary"]["by_severity"][sev].as_u64().unwrap();
        assert_eq!(
            html.contains(&format!("<label for=\"show-{sev}\" class=\"sev {sev}\" title=\"show or hide the {sev} findings\">{n} {sev}</label>")),
            n > 0,
            "{sev}"
        );
    }
    assert!(!html.contains("<script") && !html.contains(" src="));
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));

    let clean = run_cmd(
        intguard()
            .arg("scan")
            .arg(example_app("invoices-eapi"))
            .args(["--format", "html"]),
    );
    clean.expect_code(0);
    assert!(clean
        .stdout
        .contains("No integration-credential problems found"));
    assert!(!clean.stdout.contains("<article"));
}

/// The caret (text) and the marked character (HTML) sit on the token the
/// finding is about, though a password masked before it on the same line
/// is shorter than the password.
#[test]
fn the_caret_follows_masks_before_it() {
    let tree = workspace().join("crates/rules/tests/fixtures/IG106/json-log");
    let text =
        run_cmd(
            intguard()
                .arg("scan")
                .arg(&tree)
                .args(["--fail-on", "none", "--color", "never"]),
        );
    let lines: Vec<&str> = text.stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(" | ") && l.contains("\"access_token\":\"00…"))
        .unwrap_or_else(|| panic!("{}", text.stdout));
    let (snippet, caret) = (lines[at], lines[at + 1]);
    let chars_before = |line: &str, at: usize| line[..at].chars().count();
    assert_eq!(
        chars_before(caret, caret.find('^').unwrap()),
        chars_before(snippet, snippet.find("00…").unwrap()),
        "{snippet}\n{caret}"
    );
    let html =
        run_cmd(
            intguard()
                .arg("scan")
                .arg(&tree)
                .args(["--fail-on", "none", "--format", "html"]),
        );
    assert!(
        html.stdout
            .contains("&quot;access_token&quot;:&quot;<mark>0</mark>0…"),
        "{}",
        html.stdout
    );
}

// ---------------------------------------------------------------------------
// Text

/// Removes ANSI escape sequences (CSI ... final byte).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn text_has_file_headers_findings_and_the_summary_line() {
    let (tmp, run) = scan_everything("text", &["--color", "never"]);
    let text = &run.stdout;
    let json = run_cmd(
        intguard()
            .arg("scan")
            .arg(example())
            .arg(tmp.path())
            .args(["--format", "json"]),
    )
    .json();
    let lines: HashSet<&str> = text.lines().collect();
    for f in findings(&json) {
        let path = f["path"].as_str().unwrap();
        assert!(lines.contains(path), "a header line for {path}");
        let at = format!("  {path}:{}:{}", f["line"], f["column"]);
        assert!(lines.contains(at.as_str()), "{at}");
        let head = format!(
            "  {} {} {}",
            f["severity"].as_str().unwrap().to_ascii_uppercase(),
            f["rule"].as_str().unwrap(),
            f["name"].as_str().unwrap()
        );
        assert!(lines.contains(head.as_str()), "{head}");
    }
    assert!(lines.contains("diagnostics"), "a diagnostics section");
    let s = &json["summary"];
    let summary = format!("{} findings (", s["total"]);
    let summary_line = text
        .lines()
        .find(|l| l.starts_with(&summary))
        .unwrap_or_else(|| panic!("summary line {summary:?}...: {text}"));
    assert!(
        summary_line.contains(&format!("in {} apps, {} files", s["apps"], s["files"])),
        "{summary_line}"
    );
    assert!(
        summary_line.contains(&format!("{} diagnostics", s["diagnostics"])),
        "{summary_line}"
    );
    assert!(
        summary_line.contains(&format!("{} critical", s["by_severity"]["critical"])),
        "{summary_line}"
    );
    assert!(
        text.ends_with("failing: findings at or above high\n"),
        "{text}"
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let ex = example();
    let never = run_cmd(intguard().arg("scan").arg(&ex).args(["--color", "never"]));
    assert!(!has_ansi(&never.stdout), "--color never");
    // Piped (not a terminal): auto means no colour, with or without NO_COLOR.
    let auto = run_cmd(intguard().arg("scan").arg(&ex));
    assert!(!has_ansi(&auto.stdout), "auto, piped");
    let no_color = run_cmd(intguard().arg("scan").arg(&ex).env("NO_COLOR", "1"));
    assert!(!has_ansi(&no_color.stdout), "NO_COLOR, piped");
    assert_eq!(auto.stdout, never.stdout);

    let always = run_cmd(intguard().arg("scan").arg(&ex).args(["--color", "always"]));
    always.expect_code(1);
    assert!(has_ansi(&always.stdout), "--color always");
    assert_eq!(
        strip_ansi(&always.stdout),
        never.stdout,
        "colour changes nothing but colour"
    );
    // The explicit flag beats the environment (no-color.org).
    let forced = run_cmd(
        intguard()
            .arg("scan")
            .arg(&ex)
            .args(["--color", "always"])
            .env("NO_COLOR", "1"),
    );
    assert!(has_ansi(&forced.stdout));
    // Other formats never have colour.
    for format in ["json", "sarif", "markdown", "html"] {
        let run = run_cmd(
            intguard()
                .arg("scan")
                .arg(&ex)
                .args(["--format", format, "--color", "always"]),
        );
        assert!(!has_ansi(&run.stdout), "{format}");
    }
}

/// Runs the binary on a pseudo-terminal with `script` (util-linux), where
/// available, to check the terminal side of `--color auto`.
#[cfg(target_os = "linux")]
#[test]
fn colour_on_a_terminal_unless_no_color() {
    let probe = std::process::Command::new("script")
        .arg("--version")
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("intguard");
    let command = format!(
        "'{}' scan '{}'",
        bin.display(),
        example_app("legacy-sync").display()
    );
    let on_tty = |no_color: Option<&str>| {
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-q", "-e", "-c", &command, "/dev/null"])
            .env_remove("NO_COLOR")
            .env("TERM", "xterm");
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let plain = on_tty(Some("1"));
    assert!(plain.contains("findings"), "ran on the terminal: {plain}");
    assert!(!has_ansi(&plain), "NO_COLOR on a terminal: {plain:?}");
    let coloured = on_tty(None);
    assert!(has_ansi(&coloured), "a terminal gets colour: {coloured:?}");
    // An empty NO_COLOR does not count (no-color.org).
    assert!(has_ansi(&on_tty(Some(""))));
}

// ---------------------------------------------------------------------------
// --output

#[test]
fn output_writes_the_file_and_nothing_to_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    for format in ["text", "json", "sarif", "markdown", "html"] {
        let path = tmp.path().join(format!("report.{format}"));
        let to_file = run_cmd(
            intguard()
                .arg("scan")
                .arg(example())
                .args(["--format", format, "--output"])
                .arg(&path),
        );
        to_file.expect_no_panic().expect_code(1);
        assert!(
            to_file.stdout.is_empty(),
            "{format}: stdout {}",
            to_file.stdout
        );
        let written = std::fs::read_to_string(&path).unwrap();
        let to_stdout = run_cmd(
            intguard()
                .arg("scan")
                .arg(example())
                .args(["--format", format]),
        );
        assert_eq!(
            written, to_stdout.stdout,
            "{format}: the file holds the report"
        );
        assert!(!has_ansi(&written), "{format}: no colour in a file");
    }
    // Short options, an existing file is replaced.
    let path = tmp.path().join("report.json");
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(example_app("invoices-eapi"))
            .args(["-f", "json", "-o"])
            .arg(&path),
    );
    run.expect_code(0);
    assert!(run.stdout.is_empty());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(report["summary"]["total"], 0);
}
