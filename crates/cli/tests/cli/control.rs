//! What a team controls: baselines (only new findings fail; fingerprints
//! survive line moves and checkouts elsewhere), `intguard.toml` at the scan
//! root (disabled rules, severity overrides, ignored paths, identities that
//! may be shared) and inline `intguard-ignore` comments, which need a reason.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::path::Path;

use serde_json::Value;
use support::*;

fn fingerprints(report: &Value) -> BTreeSet<String> {
    findings(report)
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

/// Inserts `n` blank lines at the top of a file (after the XML declaration
/// in XML files, where nothing may come before it).
fn push_down(path: &Path, n: usize) {
    let text = fs::read_to_string(path).unwrap();
    let blank = "\n".repeat(n);
    let moved = if text.starts_with("<?xml") {
        let end = text.find('\n').unwrap() + 1;
        format!("{}{blank}{}", &text[..end], &text[end..])
    } else {
        format!("{blank}{text}")
    };
    fs::write(path, moved).unwrap();
}

// ---------------------------------------------------------------------------
// Baseline

/// Baselines, reports and snapshots are written whole or not at all (a
/// temporary file renamed over the old one): the old file's mode stays, a
/// link keeps pointing at the file it names (which gets the new text), the
/// old text is never written over, no temporary file is left, and `-o
/// /dev/stdout` still writes to the pipe.
#[cfg(unix)]
#[test]
fn reports_and_baselines_replace_files_whole() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let app = example_app("orders-sapi");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    let baseline = write(out, "baseline.json", "old");
    fs::set_permissions(&baseline, fs::Permissions::from_mode(0o640)).unwrap();
    let real = write(out, "reports/real.json", "old");
    let link = out.join("report-link.json");
    symlink(&real, &link).unwrap();
    // Hard links to the old files: a file written in place would change
    // under them; one replaced whole leaves the old text where it was.
    fs::hard_link(&baseline, out.join("baseline-before.json")).unwrap();
    fs::hard_link(&real, out.join("reports/before.json")).unwrap();
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(&app)
            .args(["--format", "json", "--write-baseline"])
            .arg(&baseline)
            .arg("-o")
            .arg(&link),
    );
    run.expect_code(0);
    let written: Value = serde_json::from_str(&fs::read_to_string(&baseline).unwrap()).unwrap();
    assert!(!written["findings"].as_array().unwrap().is_empty());
    assert_eq!(
        fs::metadata(&baseline).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let report: Value = serde_json::from_str(&fs::read_to_string(&real).unwrap()).unwrap();
    assert!(report["findings"].is_array(), "{report}");
    let left: Vec<_> = fs::read_dir(out)
        .unwrap()
        .chain(fs::read_dir(out.join("reports")).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".intguard-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(
        fs::read_to_string(out.join("baseline-before.json")).unwrap(),
        "old"
    );
    assert_eq!(
        fs::read_to_string(out.join("reports/before.json")).unwrap(),
        "old"
    );

    let piped =
        run_cmd(
            intguard()
                .arg("scan")
                .arg(&app)
                .args(["--format", "json", "-o", "/dev/stdout"]),
        );
    let report: Value = serde_json::from_str(&piped.stdout).unwrap();
    assert!(!findings(&report).is_empty());
}

#[test]
fn baseline_round_trip_reports_only_new_findings() {
    let (tmp, repo) = copy_example("");
    let baseline = tmp.path().join("baseline.json");
    let (before_run, before) = scan_json(&repo, &[]);
    before_run.expect_code(1);
    let n = findings(&before).len();
    assert!(n >= 20);

    // Writing a baseline accepts everything there is.
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(&repo)
            .args(["--format", "json", "--write-baseline"])
            .arg(&baseline),
    );
    run.expect_code(0);
    assert!(run.stderr.contains("baseline.json"), "{}", run.stderr);
    let written: Value = serde_json::from_str(&fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(written["version"], 1);
    let entries = written["findings"].as_array().unwrap();
    assert_eq!(entries.len(), n, "one entry per finding");
    let in_file: BTreeSet<String> = entries
        .iter()
        .map(|e| {
            assert!(e["rule"].is_string() && e["path"].is_string(), "{e}");
            e["fingerprint"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(in_file, fingerprints(&before));

    // Scanning with it: nothing new, everything baselined, exit 0.
    let (run, report) = scan_json(&repo, &["--baseline", baseline.to_str().unwrap()]);
    run.expect_code(0);
    assert!(findings(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["total"], 0);
    assert_eq!(report["summary"]["baselined"].as_u64(), Some(n as u64));
    let text = run_cmd(
        intguard()
            .arg("scan")
            .arg(&repo)
            .arg("--baseline")
            .arg(&baseline)
            .args(["--color", "never"]),
    );
    text.expect_code(0);
    assert!(
        text.stdout.contains(&format!("{n} baselined")),
        "{}",
        text.stdout
    );
    // SARIF too: a log of no results says they are known, not absent.
    let sarif = run_cmd(
        intguard()
            .arg("scan")
            .arg(&repo)
            .arg("--baseline")
            .arg(&baseline)
            .args(["--format", "sarif"]),
    );
    sarif.expect_code(0);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["results"].as_array().map(Vec::len), Some(0));
    assert_eq!(run["properties"]["baselined"].as_u64(), Some(n as u64));
    assert_eq!(
        run["properties"]["suppressed"],
        report["summary"]["suppressed"]
    );

    // A new problem in a copied app: only that one is reported, exit 1.
    write(
        &repo,
        "invoices-eapi/src/main/resources/local.properties",
        "sfdc.username=int.invoices@acme.com.dev\nsfdc.password=LocalDev#Pw-2024\n",
    );
    let (run, report) = scan_json(&repo, &["--baseline", baseline.to_str().unwrap()]);
    run.expect_code(1);
    let keys = finding_keys(&report, &repo);
    assert_eq!(
        keys,
        vec![(
            "IG102".to_string(),
            "invoices-eapi/src/main/resources/local.properties".to_string(),
            2
        )],
        "{report:#}"
    );
    assert_eq!(report["summary"]["baselined"].as_u64(), Some(n as u64));
}

/// The README's CI recipe: a baseline, then reports written into the scanned
/// checkout, then the gate. intguard does not audit its own reports and
/// baselines (they quote masked secrets and rule help), so nothing is new
/// (review D1).
#[test]
fn reports_written_into_the_scanned_folder_are_not_audited() {
    let (_tmp, repo) = copy_example("");
    let in_repo = |args: &[&str]| run_cmd(intguard().current_dir(&repo).args(args));
    in_repo(&["scan", ".", "--write-baseline", "intguard-baseline.json"]).expect_code(0);
    for (format, file) in [
        ("sarif", "intguard.sarif"),
        ("json", "report.json"),
        ("markdown", "comment.md"),
        ("html", "intguard.html"),
        ("text", "report.txt"),
    ] {
        in_repo(&[
            "scan",
            ".",
            "--format",
            format,
            "--output",
            file,
            "--fail-on",
            "none",
        ])
        .expect_code(0);
    }
    // A text report saved with its colours (a CI log).
    in_repo(&[
        "scan",
        ".",
        "--color",
        "always",
        "--output",
        "report-colour.txt",
        "--fail-on",
        "none",
    ])
    .expect_code(0);
    let gate = in_repo(&[
        "scan",
        ".",
        "--baseline",
        "intguard-baseline.json",
        "--format",
        "json",
    ]);
    let report = gate.json();
    gate.expect_code(0);
    assert!(findings(&report).is_empty(), "{report:#}");
    let mut skipped: Vec<&str> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "intguard-report")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    skipped.sort();
    // The baseline the gate reads is skipped without a word: a warning on
    // every run of the recipe said nothing (the others are said).
    assert_eq!(
        skipped,
        [
            "./comment.md",
            "./intguard.html",
            "./intguard.sarif",
            "./report-colour.txt",
            "./report.json",
            "./report.txt"
        ],
        "{report:#}"
    );
    // Without the baseline, the same findings as a checkout with no reports,
    // and the same count of files scanned: the reports are not among them.
    let (_other, clean) = copy_example("");
    let (_, plain) = scan_json(&clean, &[]);
    let all = in_repo(&["scan", ".", "--format", "json"]).json();
    assert!(
        diagnostics(&all)
            .iter()
            .any(|d| d["code"] == "intguard-report" && d["path"] == "./intguard-baseline.json"),
        "a baseline no --baseline names is said: {all:#}"
    );
    assert_eq!(fingerprints(&all), fingerprints(&plain));
    assert_eq!(all["summary"]["files"], plain["summary"]["files"]);
    assert_eq!(all["summary"]["bytes"], plain["summary"]["bytes"]);
}

/// The HTML report's footer names the working directory, escaped: written
/// in a folder whose path is long (and five times longer escaped), it is
/// still known for intguard's own, skipped by the next scan and replaced by
/// the next `--output`.
#[test]
fn an_html_report_written_in_a_long_folder_is_still_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let mut repo = tmp.path().to_path_buf();
    for _ in 0..12 {
        repo.push("&".repeat(200));
    }
    copy_tree(&example_app("orders-sapi"), &repo.join("orders-sapi"));
    let in_repo = |args: &[&str]| run_cmd(intguard().current_dir(&repo).args(args));
    let write_html = || {
        in_repo(&[
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
    let report = in_repo(&["scan", ".", "--format", "json"]).json();
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

/// A file shaped like intguard's report (its first and last lines) but
/// holding a real private key or token was not written by intguard, which
/// masks them: it is audited, with a note, so that wrapping a key in a
/// report's lines does not take it out of the gate.
#[test]
fn a_report_lookalike_holding_a_key_or_token_is_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run_cmd(
        intguard()
            .args(["scan", "--fail-on", "none"])
            .arg(example()),
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    let (head, tail) = (&lines[..lines.len() - 3], &lines[lines.len() - 3..]);
    let key = rcgen::KeyPair::generate().unwrap().serialize_pem();
    let key = key.trim_end();
    let token = "00D5g000004SxYz!AQ4AQFkT2mV9pLxK7rW3sN8cQ1eH6jB0uY5iO2aZ4dG7fM9tR3wE6yU1oP8lK5jH2gF0dS4aQ7zX9cV3bN6mM1";
    write(
        tmp.path(),
        "deploy-notes.txt",
        format!("{}\n{key}\n{}\n", head.join("\n"), tail.join("\n")),
    );
    write(
        tmp.path(),
        "token-notes.txt",
        format!(
            "{}\nsession: {token}\n{}\n",
            head.join("\n"),
            tail.join("\n")
        ),
    );
    let gate = run_cmd(
        intguard()
            .args(["scan", "--format", "json"])
            .arg(tmp.path()),
    );
    gate.expect_code(1);
    let report = gate.json();
    let mut found: Vec<(String, String)> = findings(&report)
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            (
                f["rule"].as_str().unwrap().to_string(),
                path.rsplit('/').next().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found.dedup();
    assert_eq!(
        found,
        [
            ("IG105".to_string(), "deploy-notes.txt".to_string()),
            ("IG106".to_string(), "token-notes.txt".to_string())
        ],
        "{report:#}"
    );
    let notes: Vec<&str> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "intguard-report")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 2, "{report:#}");
    assert!(
        notes.iter().all(|m| m.contains("audited as any file")),
        "{notes:?}"
    );
}

/// The same for the HTML report: a key pasted between its first and last
/// lines is audited, with a note naming the kind of report it imitates.
#[test]
fn an_html_report_lookalike_holding_a_key_is_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run_cmd(
        intguard()
            .args(["scan", "--fail-on", "none", "--format", "html"])
            .arg(example()),
    );
    let key = rcgen::KeyPair::generate().unwrap().serialize_pem();
    let page = run
        .stdout
        .replacen("<main>\n", &format!("<main>\n<pre>{key}</pre>\n"), 1);
    assert_ne!(page, run.stdout);
    write(tmp.path(), "report.html", &page);
    write(tmp.path(), "intguard.html", &run.stdout);
    let gate = run_cmd(
        intguard()
            .args(["scan", "--format", "json"])
            .arg(tmp.path()),
    );
    gate.expect_code(1);
    let report = gate.json();
    let found: Vec<(&str, &str)> = findings(&report)
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            (
                f["rule"].as_str().unwrap(),
                path.rsplit('/').next().unwrap(),
            )
        })
        .collect();
    // Audited as any file (the examples in its rule documentation too);
    // intguard's own report is not.
    assert!(found.contains(&("IG105", "report.html")), "{report:#}");
    assert!(
        found.iter().all(|(_, file)| *file == "report.html"),
        "{report:#}"
    );
    let notes: Vec<(&str, &str)> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "intguard-report")
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            (
                path.rsplit('/').next().unwrap(),
                d["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        notes,
        [
            ("intguard.html", "skipped: an HTML report written by intguard, not audited"),
            ("report.html", "shaped like an HTML report written by intguard, but holds a private key, which intguard never writes: audited as any file")
        ],
        "{report:#}"
    );
}

/// Found by testing intguard in CI: intguard's own config, which names
/// rules by name (`password-auth = "medium"`), was reported as a critical
/// plaintext secret, failing the build on a valid configuration.
#[test]
fn intguard_toml_settings_are_not_secrets() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "intguard.toml",
        "fail-on = \"high\"\n\n[rules]\ndisable = [\"IG206\"]\n\n[rules.severity]\npassword-auth = \"medium\"\nplaintext-secret = \"high\"\n",
    );
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_code(0);
    assert!(findings(&report).is_empty(), "{report:#}");
}

/// A secret masked the way intguard masks it (`Ac…(14)`) is not a secret,
/// nor a committed key, wherever it is written.
#[test]
fn masked_values_are_never_secrets_or_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "notes-api", &[]);
    write(
        &app,
        "NOTES.md",
        "Pasted from a report:\n\n    <encryption.key>Ac…(14)</encryption.key>\n    password: \"Sp…(17)\"\n    client_secret: Xy…(40) sha256:26a3bfee\n",
    );
    write(
        &app,
        "run.sh",
        "export MULE_KEY='Ac…(14)'\nexport SF_PASSWORD=\"Sp…(17) sha256:26a3bfee\"\n",
    );
    let (_, report) = scan_json(&app, &["--fail-on", "none"]);
    let noted: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| {
            let p = f["path"].as_str().unwrap();
            p.ends_with("NOTES.md") || p.ends_with("run.sh")
        })
        .collect();
    assert!(noted.is_empty(), "{noted:#?}");
}

#[test]
fn fingerprints_survive_line_moves() {
    let (_tmp, repo) = copy_example("");
    let (_, before) = scan_json(&repo, &[]);
    let moved_files: BTreeSet<String> = findings(&before)
        .iter()
        .filter(|f| f["line"].as_u64().unwrap() > 0)
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert!(moved_files.len() >= 5, "{moved_files:?}");
    for path in &moved_files {
        push_down(Path::new(path), 7);
    }
    let (_, after) = scan_json(&repo, &[]);
    assert_eq!(findings(&after).len(), findings(&before).len());
    // The lines did move...
    for (b, a) in findings(&before).iter().zip(findings(&after)) {
        assert_eq!(b["path"], a["path"]);
        let (lb, la) = (b["line"].as_u64().unwrap(), a["line"].as_u64().unwrap());
        if lb > 1 {
            assert_eq!(la, lb + 7, "{} {}", b["rule"], b["path"]);
        }
    }
    // ...and the fingerprints did not.
    assert_eq!(fingerprints(&after), fingerprints(&before));
}

#[test]
fn fingerprints_do_not_depend_on_where_the_repository_is() {
    let (_tmp, repo) = copy_example("");
    let (_, absolute) = scan_json(&repo, &[]);
    // Relative to the working directory, with a trailing slash.
    let run = run_cmd(intguard().current_dir(repo.parent().unwrap()).args([
        "scan",
        "acme-integrations/",
        "--format",
        "json",
    ]));
    let relative = run.json();
    assert_eq!(fingerprints(&relative), fingerprints(&absolute));
    // Another checkout (another absolute path).
    let (_other, elsewhere) = copy_example("");
    let (_, original) = scan_json(&elsewhere, &[]);
    assert_eq!(fingerprints(&original), fingerprints(&absolute));
    // Scanning from inside the repository.
    let run = run_cmd(
        intguard()
            .current_dir(&repo)
            .args(["scan", "--format", "json"]),
    );
    assert_eq!(fingerprints(&run.json()), fingerprints(&absolute));
}

/// Found by testing intguard in CI: two roots holding the same layout
/// (`team-a/orders`, `team-b/orders`) gave their files the same
/// fingerprints, so a secret new in one was taken as baselined by the
/// other's; and a file outside any app given alone counted from its own
/// name. In a git work tree every root counts from its top: each finding
/// has the fingerprint `scan .` gives there. Outside git, several roots
/// count from the folder holding them all.
#[test]
fn roots_count_from_the_git_top_so_same_layouts_do_not_share_fingerprints() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    for team in ["team-a", "team-b"] {
        let app = mule4_app(&repo.join(team), "orders", &[]);
        write(
            &app,
            "src/main/mule/global.xml",
            format!(
                r#"{MULE_XML_HEAD}  <configuration-properties file="prod.yaml"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="${{sfdc.username}}" password="${{sfdc.password}}"/>
  </salesforce:sfdc-config>
</mule>
"#
            ),
        );
        write(
            &app,
            "src/main/resources/prod.yaml",
            "sfdc:\n  username: \"int.orders@acme.com\"\n  password: \"Same-Layout-Pw-1\"\n",
        );
    }
    write(
        &repo,
        "ci/a/deploy.yml",
        "run: mvn deploy -Dencryption.key=HardCodedKey1234\n",
    );
    write(
        &repo,
        "ci/b/deploy.yml",
        "run: mvn deploy -Dencryption.key=HardCodedKey5678\n",
    );
    let by_path = |report: &Value| -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for f in findings(report) {
            let path = f["path"].as_str().unwrap().trim_start_matches("./");
            out.entry(path.to_string())
                .or_default()
                .insert(f["fingerprint"].as_str().unwrap().to_string());
        }
        out
    };
    let scan_in = |args: &[&str]| -> Value {
        run_cmd(intguard().current_dir(&repo).arg("scan").args(args).args([
            "--format",
            "json",
            "--fail-on",
            "none",
        ]))
        .json()
    };
    // Outside git: two roots count from the folder holding them.
    let two = by_path(&scan_in(&["team-a", "team-b"]));
    let a = &two["team-a/orders/src/main/resources/prod.yaml"];
    let b = &two["team-b/orders/src/main/resources/prod.yaml"];
    assert!(a.is_disjoint(b), "{two:#?}");
    git(&repo, &["init", "-q"]);
    let top = by_path(&scan_in(&["."]));
    let two = by_path(&scan_in(&["team-a", "team-b"]));
    for (path, prints) in &two {
        assert_eq!(Some(prints), top.get(path), "{path}");
    }
    assert!(two["team-a/orders/src/main/resources/prod.yaml"]
        .is_disjoint(&two["team-b/orders/src/main/resources/prod.yaml"]));
    // A file outside any app, given alone (a pre-commit hook's), from the
    // top or from its folder: the fingerprint `scan .` gives it.
    for (dir, arg) in [(".", "ci/a/deploy.yml"), ("ci/a", "deploy.yml")] {
        let run = run_cmd(intguard().current_dir(repo.join(dir)).args([
            "scan",
            arg,
            "--format",
            "json",
            "--fail-on",
            "none",
        ]));
        let prints: BTreeSet<String> = findings(&run.json())
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(Some(&prints), top.get("ci/a/deploy.yml"), "{dir} {arg}");
    }
}

/// Found by testing intguard in CI: two literals of one name in a flow
/// were told apart by their order, so a new secret inserted above them took
/// a baselined one's fingerprint and the gate passed. They are told apart
/// by what they hold: only the new one is reported.
#[test]
fn a_secret_inserted_above_a_same_named_one_is_new() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "flows-api", &[]);
    let flows = |values: &[&str]| {
        let vars: String = values
            .iter()
            .map(|v| format!("    <set-variable variableName=\"apiPassword\" value=\"{v}\"/>\n"))
            .collect();
        format!("{MULE_XML_HEAD}  <flow name=\"f1\">\n{vars}  </flow>\n</mule>\n")
    };
    write(
        &app,
        "src/main/mule/flows.xml",
        flows(&["FirstSecretValue1", "SecondSecretValue2"]),
    );
    let baseline = tmp.path().join("baseline.json");
    let (run, accepted) = scan_json(&app, &["--write-baseline", baseline.to_str().unwrap()]);
    run.expect_code(0);
    assert_eq!(
        accepted["summary"]["baselined"].as_u64(),
        Some(2),
        "{accepted:#}"
    );
    write(
        &app,
        "src/main/mule/flows.xml",
        flows(&[
            "NewInsertedSecret3",
            "FirstSecretValue1",
            "SecondSecretValue2",
        ]),
    );
    let (run, report) = scan_json(&app, &["--baseline", baseline.to_str().unwrap()]);
    run.expect_code(1);
    let new: Vec<(String, u64)> = findings(&report)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let line = MULE_XML_HEAD.lines().count() as u64 + 2;
    assert_eq!(new, [("IG102".to_string(), line)], "{report:#}");
    assert!(findings(&report)[0]["snippet"]
        .as_str()
        .unwrap()
        .contains("Ne…(18)"));
}

/// A redundant nested root (review D5) and a root typed with repeated
/// slashes (review D8) change no path and no fingerprint.
#[test]
fn fingerprints_do_not_depend_on_how_the_roots_are_given() {
    let (_tmp, repo) = copy_example("");
    let parent = repo.parent().unwrap();
    let scan_from_parent = |roots: &[&str]| {
        let run = run_cmd(
            intguard()
                .current_dir(parent)
                .arg("scan")
                .args(roots)
                .args(["--format", "json"]),
        );
        run.json()
    };
    let paths = |report: &Value| -> Vec<String> {
        findings(report)
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    let plain = scan_from_parent(&["acme-integrations"]);
    assert!(findings(&plain).len() >= 20);
    let nested = scan_from_parent(&["acme-integrations", "acme-integrations/orders-sapi"]);
    assert_eq!(fingerprints(&nested), fingerprints(&plain));
    assert_eq!(paths(&nested), paths(&plain));
    let nested_first = scan_from_parent(&["acme-integrations/orders-sapi", "acme-integrations"]);
    assert_eq!(fingerprints(&nested_first), fingerprints(&plain));
    for typed in [
        "acme-integrations//",
        "acme-integrations///",
        "./acme-integrations",
    ] {
        let report = scan_from_parent(&[typed]);
        assert_eq!(fingerprints(&report), fingerprints(&plain), "{typed}");
        if !typed.starts_with("./") {
            assert_eq!(paths(&report), paths(&plain), "{typed}");
        }
    }
}

// ---------------------------------------------------------------------------
// intguard.toml

fn with_config(toml: &str) -> (tempfile::TempDir, std::path::PathBuf, Value) {
    let (tmp, repo) = copy_example("");
    write(&repo, "intguard.toml", toml);
    let (run, report) = scan_json(&repo, &["--fail-on", "none"]);
    run.expect_code(0);
    (tmp, repo, report)
}

#[test]
fn config_disables_rules_by_id_or_name() {
    let (_, all) = scan_json(&example(), &[]);
    let rules = rules_of(&all);
    for r in ["IG206", "IG109", "IG102"] {
        assert!(rules.iter().any(|x| x == r), "the example has {r}");
    }
    let (_t, _repo, report) = with_config("[rules]\ndisable = [\"IG206\", \"plain-http\"]\n");
    let rules = rules_of(&report);
    assert!(
        !rules.iter().any(|r| r == "IG206" || r == "IG109"),
        "{rules:?}"
    );
    assert!(rules.iter().any(|r| r == "IG102"), "other rules still run");
    let without = findings(&all)
        .iter()
        .filter(|f| f["rule"] != "IG206" && f["rule"] != "IG109")
        .count();
    assert_eq!(findings(&report).len(), without);
}

fn scan_sarif(repo: &Path) -> Value {
    let args = ["--format", "sarif", "--fail-on", "none"];
    let mut all: Vec<&OsStr> = vec![OsStr::new("scan"), repo.as_os_str()];
    all.extend(args.iter().map(OsStr::new));
    run(all).expect_code(0).json()
}

/// SARIF says which rules did not run, so a viewer does not read their
/// silence as a clean result; the rules that ran carry no override.
#[test]
fn sarif_marks_the_rules_the_config_disables() {
    let (_t, repo, _) = with_config("[rules]\ndisable = [\"IG206\", \"plain-http\"]\n");
    let log = scan_sarif(&repo);
    let driver_rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let overrides = log["runs"][0]["invocations"][0]["ruleConfigurationOverrides"]
        .as_array()
        .expect("overrides");
    let mut disabled: Vec<&str> = overrides
        .iter()
        .map(|o| {
            assert_eq!(o["configuration"]["enabled"], false);
            let i = o["descriptor"]["index"].as_u64().unwrap() as usize;
            let id = o["descriptor"]["id"].as_str().unwrap();
            assert_eq!(driver_rules[i]["id"], id, "index points at the descriptor");
            id
        })
        .collect();
    disabled.sort();
    assert_eq!(disabled, ["IG109", "IG206"]);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results
        .iter()
        .all(|r| !["IG109", "IG206"].contains(&r["ruleId"].as_str().unwrap())));

    let (_t, repo, _) = with_config("fail-on = \"high\"\n");
    let log = scan_sarif(&repo);
    assert!(log["runs"][0]["invocations"][0]
        .get("ruleConfigurationOverrides")
        .is_none());
}

#[test]
fn config_overrides_severities() {
    let (_t, repo, report) =
        with_config("[rules]\nseverity = { IG102 = \"low\", committed-private-key = \"info\" }\n");
    let by_rule = |rule: &str| -> Vec<String> {
        findings(&report)
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| f["severity"].as_str().unwrap().to_string())
            .collect()
    };
    let ig102 = by_rule("IG102");
    assert!(
        !ig102.is_empty() && ig102.iter().all(|s| s == "low"),
        "{ig102:?}"
    );
    let ig105 = by_rule("IG105");
    assert!(
        !ig105.is_empty() && ig105.iter().all(|s| s == "info"),
        "{ig105:?}"
    );
    assert!(
        by_rule("IG103").iter().all(|s| s == "critical"),
        "others keep theirs"
    );
    let info = report["summary"]["by_severity"]["info"].as_u64().unwrap();
    assert_eq!(info, ig105.len() as u64);

    // The override decides the exit code and the SARIF level.
    let run =
        run_cmd(
            intguard()
                .arg("scan")
                .arg(&repo)
                .args(["--format", "sarif", "--fail-on", "none"]),
        );
    let sarif = run.json();
    // GitHub ranks an alert by its rule's security-severity: the overridden
    // findings point at an `IG102/low` descriptor scored as low.
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let mut overridden = 0;
    for res in sarif["runs"][0]["results"].as_array().unwrap() {
        let id = res["ruleId"].as_str().unwrap();
        assert_ne!(id, "IG102", "{res}");
        if id == "IG102/low" {
            overridden += 1;
            assert_eq!(res["level"], "note", "{res}");
            let rule = &rules[res["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(rule["id"], "IG102/low");
            assert_eq!(rule["properties"]["security-severity"], "3.0");
            assert_eq!(rule["defaultConfiguration"]["level"], "note");
        }
    }
    assert!(overridden > 0, "{sarif:#}");
    let legacy = repo.join("legacy-sync");
    write(
        &legacy,
        "intguard.toml",
        "[rules]\nseverity = { IG102 = \"low\", IG103 = \"low\", IG104 = \"low\", IG101 = \"low\", IG108 = \"low\", IG206 = \"low\" }\n",
    );
    let (run, report) = scan_json(&legacy, &[]);
    assert!(!findings(&report).is_empty());
    assert!(
        findings(&report).iter().all(|f| f["severity"] == "low"),
        "{report:#}"
    );
    run.expect_code(0);
    let (run, _) = scan_json(&legacy, &["--fail-on", "low"]);
    run.expect_code(1);
}

/// Found by exploratory testing: a pre-commit hook's path inside an app was
/// scanned without the repository's `intguard.toml` at its top (a disabled
/// rule reported, an ignored file read and failing the hook). In a git
/// repository the config of the nearest folder above is found, and its
/// `[paths] ignore` globs apply as they do for a scan from there.
#[test]
fn a_path_inside_the_repository_finds_the_config_at_its_top() {
    let (_tmp, repo) = copy_example("");
    git(&repo, &["init", "-q"]);
    let prod = "orders-sapi/src/main/resources/properties/prod.yaml";
    let global = "orders-sapi/src/main/mule/global.xml";
    let rules_at = |args: &[&str]| -> BTreeSet<String> {
        let report: Value = serde_json::from_slice(
            &intguard()
                .current_dir(&repo)
                .arg("scan")
                .args(args)
                .args(["--format", "json", "--fail-on", "none"])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        findings(&report)
            .iter()
            .map(|f| {
                format!(
                    "{}:{}",
                    f["rule"].as_str().unwrap(),
                    f["path"].as_str().unwrap()
                )
            })
            .collect()
    };
    let before_prod = rules_at(&[prod]);
    let before_global = rules_at(&[global]);
    assert!(
        before_prod.iter().any(|r| r.starts_with("IG102:")),
        "{before_prod:?}"
    );
    assert!(
        before_global.iter().any(|r| r.starts_with("IG206:")),
        "{before_global:?}"
    );
    write(
        &repo,
        "intguard.toml",
        format!("[rules]\ndisable = [\"IG206\"]\n\n[paths]\nignore = [\"{prod}\"]\n"),
    );
    let after_prod = rules_at(&[prod]);
    let after_global = rules_at(&[global]);
    assert!(
        after_prod.is_empty(),
        "the ignored file is not read: {after_prod:?}"
    );
    assert!(
        !after_global.iter().any(|r| r.starts_with("IG206:")),
        "{after_global:?}"
    );
    assert!(!after_global.is_empty(), "{after_global:?}");
    // From inside the app, too.
    let inside: Value = serde_json::from_slice(
        &intguard()
            .current_dir(repo.join("orders-sapi"))
            .args([
                "scan",
                "src/main/mule/global.xml",
                "--format",
                "json",
                "--fail-on",
                "none",
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        !findings(&inside).iter().any(|f| f["rule"] == "IG206"),
        "{inside}"
    );
}

#[test]
fn config_ignores_paths() {
    let (_t, _repo, report) =
        with_config("[paths]\nignore = [\"legacy-sync/**\", \"**/README.md\"]\n");
    for f in findings(&report) {
        let path = f["path"].as_str().unwrap();
        assert!(!path.contains("/legacy-sync/"), "{path}");
        assert!(!path.ends_with("README.md"), "{path}");
    }
    let (_, all) = scan_json(&example(), &[]);
    assert!(findings(&all)
        .iter()
        .any(|f| f["path"].as_str().unwrap().contains("/legacy-sync/")));
    assert!(findings(&all)
        .iter()
        .any(|f| f["path"].as_str().unwrap().ends_with("README.md")));
    assert_eq!(
        report["summary"]["apps"].as_u64().unwrap() + 1,
        all["summary"]["apps"].as_u64().unwrap(),
        "legacy-sync is not read at all"
    );
    // An app left out whole, on purpose, is not questioned.
    assert!(
        !diagnostics(&report)
            .iter()
            .any(|d| d["code"] == "ignored-path"),
        "{:#}",
        report["diagnostics"]
    );
}

/// Globs that leave out more than meant are said: one that keeps out an
/// app's descriptor but not the app (`**/*.json`), and globs that keep out
/// everything under a scanned folder (a CI job then passes on nothing).
#[test]
fn config_ignores_that_leave_out_an_app_descriptor_or_everything_are_warned() {
    let ignored_paths = |report: &Value| -> Vec<(String, String)> {
        diagnostics(report)
            .iter()
            .filter(|d| d["code"] == "ignored-path")
            .map(|d| {
                (
                    d["path"].as_str().unwrap().to_string(),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let (_t, repo, report) = with_config("[paths]\nignore = [\"**/*.json\"]\n");
    let warned = ignored_paths(&report);
    let descriptors: Vec<&str> = warned.iter().map(|(p, _)| p.as_str()).collect();
    let top = repo.to_str().unwrap();
    let expected: Vec<String> = ["customers-papi", "invoices-eapi", "orders-sapi"]
        .iter()
        .map(|app| format!("{top}/{app}/mule-artifact.json"))
        .collect();
    assert_eq!(descriptors, expected, "{warned:?}");
    // Their poms still make them apps.
    assert!(
        warned[0].1.contains(
            "the app there is read without it (its pom still makes the folder an app) (ignore the folder, `customers-papi/**`"
        ),
        "{warned:?}"
    );
    assert_eq!(report["summary"]["apps"], 4);
    // With its pom left out too, a Mule 3 app has nothing else to be found by.
    let (_t, repo, report) =
        with_config("[paths]\nignore = [\"**/mule-project.xml\", \"legacy-sync/pom.xml\"]\n");
    let warned = ignored_paths(&report);
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert_eq!(
        warned[0].0,
        format!("{}/legacy-sync/mule-project.xml", repo.to_str().unwrap())
    );
    assert!(
        warned[0].1.contains(
            "the folder is not read as a Mule app, and its other files are audited without it"
        ),
        "{warned:?}"
    );
    assert_eq!(report["summary"]["apps"], 3);

    let (_t, repo, report) = with_config("[paths]\nignore = [\"**\"]\n");
    let warned = ignored_paths(&report);
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert_eq!(warned[0].0, repo.to_str().unwrap());
    assert!(
        warned[0]
            .1
            .contains("keeps out every file under this folder")
            && warned[0].1.contains("nothing here is audited"),
        "{warned:?}"
    );
    assert!(findings(&report).is_empty());
}

#[test]
fn config_identities_allow_declared_sharing() {
    let (_, all) = scan_json(&example(), &[]);
    let ig303 = |r: &Value| findings(r).iter().filter(|f| f["rule"] == "IG303").count();
    assert!(ig303(&all) >= 1, "the example shares int.orders@acme.com");

    let (_t, _repo, report) = with_config(
        "[[identities]]\nusername = \"int.orders@acme.com\"\nsystem = \"Order to cash\"\napps = [\"orders-sapi\", \"customers-papi\"]\n",
    );
    assert_eq!(ig303(&report), 0, "declared as one system: {report:#}");
    assert_eq!(findings(&report).len(), findings(&all).len() - ig303(&all));

    // Listing only one of the apps does not allow the other.
    let (_t, _repo, report) = with_config(
        "[[identities]]\nusername = \"int.orders@acme.com\"\napps = [\"orders-sapi\"]\n",
    );
    assert_eq!(ig303(&report), ig303(&all));
}

// ---------------------------------------------------------------------------
// Inline suppressions

/// An app with two HTTP listeners without TLS (IG109) and two plaintext
/// passwords (IG102), each preceded by the given comment lines.
fn suppression_app(root: &Path, xml_comment: &str, yaml_comment: &str) -> std::path::PathBuf {
    let app = mule4_app(root, "health-api", &[]);
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"{MULE_XML_HEAD}  <http:listener-config name="Health_Listener">
    {xml_comment}
    <http:listener-connection host="0.0.0.0" port="8081"/>
  </http:listener-config>
  <http:listener-config name="Other_Listener">
    <http:listener-connection host="0.0.0.0" port="8082"/>
  </http:listener-config>
</mule>
"#
        ),
    );
    write(
        &app,
        "src/main/resources/local.yaml",
        format!("db:\n  {yaml_comment}\n  password: \"Local#Pw-8812\"\nother:\n  password: \"Other#Pw-8812\"\n"),
    );
    app
}

fn at(report: &Value, rule: &str, file: &str) -> Vec<u64> {
    let mut lines: Vec<u64> = findings(report)
        .iter()
        .filter(|f| f["rule"] == rule && f["path"].as_str().unwrap().ends_with(file))
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    lines.sort();
    lines
}

#[test]
fn inline_ignore_with_a_reason_suppresses_and_is_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = suppression_app(&tmp.path().join("plain"), "", "");
    let (_, before) = scan_json(&plain, &[]);
    assert_eq!(at(&before, "IG109", "global.xml").len(), 2, "{before:#}");
    assert_eq!(at(&before, "IG102", "local.yaml"), vec![3, 5], "{before:#}");
    assert_eq!(before["summary"]["suppressed"], 0);

    let app = suppression_app(
        &tmp.path().join("ignored"),
        "<!-- intguard-ignore IG109: health check only, TLS ends at the load balancer -->",
        "# intguard-ignore plaintext-secret: throwaway local database",
    );
    let (run, report) = scan_json(&app, &[]);
    run.expect_code(1);
    let ig109 = at(&report, "IG109", "global.xml");
    assert_eq!(
        ig109.len(),
        1,
        "the other listener is still reported: {report:#}"
    );
    assert_eq!(at(&report, "IG102", "local.yaml"), vec![5], "{report:#}");
    assert_eq!(report["summary"]["suppressed"], 2);
    assert_eq!(
        report["summary"]["total"].as_u64(),
        Some(findings(&before).len() as u64 - 2)
    );
    assert!(diagnostics(&report).is_empty(), "{report:#}");

    // Gone from SARIF too; the text summary says how many.
    let sarif = run_cmd(intguard().arg("scan").arg(&app).args(["--format", "sarif"])).json();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        findings(&report).len()
    );
    let text = run_cmd(intguard().arg("scan").arg(&app).args(["--color", "never"]));
    assert!(text.stdout.contains("2 suppressed"), "{}", text.stdout);
}

/// A `/*` in a quoted glob before a `#` comment does not open a comment that
/// stretches to the `*/` of a cron expression further down, hiding the
/// plaintext password in between (review D2).
#[test]
fn a_glob_before_an_inline_ignore_does_not_stretch_it() {
    let tmp = tempfile::tempdir().unwrap();
    let app = suppression_app(tmp.path(), "", "");
    write(
        &app,
        "src/main/resources/local.yaml",
        "db:\n  archive: \"/data/*\"  # intguard-ignore IG102: not a secret, a glob\n  username2: \"x\"\n  password: \"Local#Pw-8812\"\n  cron: \"*/5 * * * *\"\nother:\n  password: \"Other#Pw-8812\"\n",
    );
    let (_, report) = scan_json(&app, &[]);
    assert_eq!(at(&report, "IG102", "local.yaml"), vec![4, 7], "{report:#}");
    assert_eq!(report["summary"]["suppressed"], 0, "{report:#}");
}

/// `# intguard-ignore` inside a quoted YAML value, or glued to the text
/// before it, is part of the value, not a comment: it suppresses nothing.
#[test]
fn an_ignore_inside_a_yaml_value_is_no_comment() {
    let tmp = tempfile::tempdir().unwrap();
    let app = suppression_app(tmp.path(), "", "");
    write(
        &app,
        "src/main/resources/local.yaml",
        "db:\n  note: \"x # intguard-ignore IG102: not a comment\"\n  password: \"Local#Pw-8812\"\nother:\n  note: 'it''s # intguard-ignore IG102: nor this'\n  password: \"Other#Pw-8812\"\n",
    );
    let (_, report) = scan_json(&app, &[]);
    assert_eq!(at(&report, "IG102", "local.yaml"), vec![3, 6], "{report:#}");
    assert_eq!(report["summary"]["suppressed"], 0, "{report:#}");
}

/// An ignore at the end of a line of text covers that line only: the
/// password on the next line is still reported.
#[test]
fn a_trailing_ignore_covers_its_own_line_only() {
    let tmp = tempfile::tempdir().unwrap();
    let app = suppression_app(tmp.path(), "", "");
    write(
        &app,
        "src/main/resources/local.yaml",
        "db:\n  user: svc  # intguard-ignore IG102: a service name, no secret\n  password: \"Local#Pw-8812\"\nother:\n  password: \"Other#Pw-8812\"  # intguard-ignore IG102: local test database\n",
    );
    let (_, report) = scan_json(&app, &[]);
    assert_eq!(at(&report, "IG102", "local.yaml"), vec![3], "{report:#}");
    assert_eq!(report["summary"]["suppressed"], 1, "{report:#}");
}

#[test]
fn inline_ignore_without_a_reason_is_not_applied() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, (xml, yaml)) in [
        ("<!-- intguard-ignore IG109 -->", "# intguard-ignore IG102"),
        (
            "<!-- intguard-ignore IG109: -->",
            "# intguard-ignore IG102:   ",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let app = suppression_app(&tmp.path().join(format!("case{i}")), xml, yaml);
        let (run, report) = scan_json(&app, &[]);
        run.expect_code(1);
        assert_eq!(
            at(&report, "IG109", "global.xml").len(),
            2,
            "{xml}: {report:#}"
        );
        assert_eq!(
            at(&report, "IG102", "local.yaml"),
            vec![3, 5],
            "{yaml}: {report:#}"
        );
        assert_eq!(report["summary"]["suppressed"], 0);
        let mut found: Vec<(String, u64)> = diagnostics(&report)
            .iter()
            .filter(|d| d["code"] == "suppression-without-reason")
            .map(|d| {
                let path = d["path"].as_str().unwrap();
                (
                    path.rsplit('/').next().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                )
            })
            .collect();
        found.sort();
        let xml_line = pos_in(
            &fs::read_to_string(app.join("src/main/mule/global.xml")).unwrap(),
            "intguard-ignore",
        )
        .0;
        assert_eq!(
            found,
            vec![
                ("global.xml".to_string(), xml_line),
                ("local.yaml".to_string(), 2)
            ],
            "{report:#}"
        );
    }
}

#[test]
fn inline_ignore_only_covers_its_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let app = suppression_app(
        tmp.path(),
        "<!-- intguard-ignore IG101, IG999: not this rule -->",
        "# intguard-ignore IG109: not this rule either",
    );
    let (_, report) = scan_json(&app, &[]);
    assert_eq!(at(&report, "IG109", "global.xml").len(), 2, "{report:#}");
    assert_eq!(at(&report, "IG102", "local.yaml"), vec![3, 5], "{report:#}");
    assert_eq!(report["summary"]["suppressed"], 0);
    assert!(
        diagnostics(&report)
            .iter()
            .any(|d| d["code"] == "suppression-unknown-rule"
                && d["message"].as_str().unwrap().contains("IG999")),
        "{report:#}"
    );
}

/// Found by review: a file given alone (as a pre-commit hook passes the
/// changed files) was read without its app, so its basic-connection's
/// password went unreported: "No integration-credential problems found".
/// A path inside an app is now read with the whole app, and only its own
/// findings are reported, the same ones a scan of the app finds there.
#[test]
fn a_path_inside_an_app_is_read_with_its_app() {
    let global = example().join("customers-papi/src/main/mule/global.xml");
    let (run, alone) = scan_json(&global, &[]);
    run.expect_no_panic().expect_code(1);
    let (_, whole) = scan_json(&example().join("customers-papi"), &[]);
    let places = |report: &Value| -> BTreeSet<(String, u64, u64)> {
        findings(report)
            .iter()
            .filter(|f| {
                f["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("customers-papi/src/main/mule/global.xml")
            })
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                    f["column"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let expected = places(&whole);
    assert!(
        expected.iter().any(|(rule, _, _)| rule == "IG101"),
        "{expected:?}"
    );
    assert_eq!(places(&alone), expected);
    assert_eq!(
        findings(&alone).len(),
        expected.len(),
        "only the file's findings: {alone}"
    );
    assert!(
        diagnostics(&alone)
            .iter()
            .any(|d| d["code"] == "app-context"
                && d["message"].as_str().unwrap().contains("customers-papi")),
        "{alone}"
    );
}

/// Found by exploratory testing: a profile given alone (a pre-commit hook
/// on a metadata change) was read without the user definitions that say
/// who holds it: "No integration-credential problems found". A path inside
/// a Salesforce project is now read with the whole project, and its own
/// findings are reported (what needs the Mule apps, IG304's unused access,
/// is not judged).
#[test]
fn a_path_inside_a_salesforce_project_is_read_with_its_project() {
    let profile =
        example().join("salesforce/force-app/main/default/profiles/Admin.profile-meta.xml");
    let (run, alone) = scan_json(&profile, &[]);
    run.expect_no_panic().expect_code(1);
    let rules: BTreeSet<&str> = findings(&alone)
        .iter()
        .map(|f| {
            assert!(
                f["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("profiles/Admin.profile-meta.xml"),
                "{f}"
            );
            f["rule"].as_str().unwrap()
        })
        .collect();
    for rule in ["IG202", "IG205", "IG302"] {
        assert!(rules.contains(rule), "{rule} missing: {alone}");
    }
    assert!(
        diagnostics(&alone)
            .iter()
            .any(|d| d["code"] == "app-context"
                && d["message"]
                    .as_str()
                    .unwrap()
                    .contains("lies inside the Salesforce project")),
        "{alone}"
    );
}

/// `intguard scan ARGS --format json` run in `dir`, its report parsed.
fn scan_in(dir: &Path, args: &[&str]) -> Value {
    let run = run_cmd(intguard().current_dir(dir).arg("scan").args(args).args([
        "--format",
        "json",
        "--fail-on",
        "none",
    ]));
    run.expect_no_panic().expect_code(0);
    run.json()
}

/// (rule, fingerprint) of the findings in a file whose path ends with `end`.
fn fingerprints_at(report: &Value, end: &str) -> BTreeSet<(String, String)> {
    findings(report)
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with(end))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const PROD_YAML: &str = "orders-sapi/src/main/resources/properties/prod.yaml";

/// Found by review: a file given inside an app, as a pre-commit hook passes
/// it, got a fingerprint that depended on the working directory and on how
/// the path was spelt (four runs, four fingerprints), so a baseline written
/// by `scan .` did not cover the hook's scan. In a git work tree, the path
/// is now fingerprinted relative to its top, as `scan .` there does; and
/// `prod.yaml` given in its own folder is reported as `prod.yaml`, not at
/// its absolute path (nor a `file:///` URI in SARIF, whose URIs count from
/// the work tree's top).
#[test]
fn a_path_inside_an_app_has_the_fingerprint_of_scan_dot_from_any_working_directory() {
    let (_tmp, repo) = copy_example("");
    git(&repo, &["init", "-q"]);
    let baseline = repo.join("intguard-baseline.json");
    scan_in(
        &repo,
        &[".", "--write-baseline", baseline.to_str().unwrap()],
    );
    let whole = scan_in(&repo, &["."]);
    let expected = fingerprints_at(&whole, PROD_YAML);
    assert!(
        expected.iter().any(|(rule, _)| rule == "IG102"),
        "{expected:?}"
    );
    let app = repo.join("orders-sapi");
    let folder = app.join("src/main/resources/properties");
    for (dir, path) in [
        (&repo, PROD_YAML),
        (&app, "src/main/resources/properties/prod.yaml"),
        (&folder, "prod.yaml"),
    ] {
        let report = scan_in(dir, &[path]);
        assert_eq!(
            fingerprints_at(&report, "prod.yaml"),
            expected,
            "{path} in {dir:?}: {report:#}"
        );
        for f in findings(&report) {
            let shown = f["path"].as_str().unwrap();
            assert!(
                shown.trim_start_matches("./") == path,
                "{path}: reported as given, not {shown}"
            );
        }
        // The baseline `scan .` wrote covers the hook's scan.
        let with = scan_in(dir, &[path, "--baseline", baseline.to_str().unwrap()]);
        assert_eq!(with["summary"]["total"], 0, "{path}: {with:#}");
        assert_eq!(
            with["summary"]["baselined"],
            expected.len(),
            "{path}: {with:#}"
        );
    }
    // Climbing out of the working directory, inside the app: as given too.
    let global = "orders-sapi/src/main/mule/global.xml";
    let expected = fingerprints_at(&whole, global);
    assert!(!expected.is_empty());
    let report = scan_in(&folder, &["../../mule/global.xml"]);
    assert_eq!(
        fingerprints_at(&report, "global.xml"),
        expected,
        "{report:#}"
    );
    for f in findings(&report) {
        assert_eq!(f["path"], "../../mule/global.xml", "{report:#}");
    }
    let run = run_cmd(intguard().current_dir(&folder).args([
        "scan",
        "prod.yaml",
        "--format",
        "sarif",
        "--fail-on",
        "none",
    ]));
    // SARIF's URIs count from the work tree's top, as GitHub reads them.
    let sarif = run.json();
    for r in sarif["runs"][0]["results"].as_array().unwrap() {
        let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uri"], PROD_YAML, "{r:#}");
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%", "{r:#}");
    }
    assert_eq!(
        sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        format!("file://{}/", repo.canonicalize().unwrap().display())
    );
}

/// Outside a git work tree there is no repository root to go by: a path
/// inside an app is fingerprinted relative to the app's folder, the same
/// from every working directory, as a scan of the app gives.
#[test]
fn outside_git_a_path_inside_an_app_has_the_fingerprint_of_its_app() {
    let (_tmp, repo) = copy_example("");
    let app = repo.join("orders-sapi");
    let expected = fingerprints_at(&scan_in(&repo, &["orders-sapi"]), PROD_YAML);
    assert!(!expected.is_empty());
    let folder = app.join("src/main/resources/properties");
    for (dir, path) in [
        (&repo, PROD_YAML),
        (&app, "src/main/resources/properties/prod.yaml"),
        (&folder, "prod.yaml"),
    ] {
        let report = scan_in(dir, &[path]);
        assert_eq!(
            fingerprints_at(&report, "prod.yaml"),
            expected,
            "{path}: {report:#}"
        );
    }
}

/// Found by review: `scan . orders-sapi/src` added an `app-context` warning
/// that "findings are reported for the path given only", though `.` holds
/// the whole app and every finding of `.` was reported. A redundant nested
/// root changes nothing, the report included.
#[test]
fn a_path_inside_an_app_another_root_holds_adds_no_note() {
    let (_tmp, repo) = copy_example("");
    let alone = scan_in(&repo, &["."]);
    for extra in ["orders-sapi/src", PROD_YAML] {
        let both = scan_in(&repo, &[".", extra]);
        assert!(
            !diagnostics(&both)
                .iter()
                .any(|d| d["code"] == "app-context"),
            "{extra}: {both:#}"
        );
        assert_eq!(findings(&both), findings(&alone), "{extra}");
        assert_eq!(diagnostics(&both), diagnostics(&alone), "{extra}");
        // Given first, too.
        let first = scan_in(&repo, &[extra, "."]);
        assert_eq!(findings(&first), findings(&alone), "{extra} first");
        assert_eq!(diagnostics(&first), diagnostics(&alone), "{extra} first");
    }
}

/// A shared config folder linked into an app from outside the folder
/// scanned: without `--follow` it is not read, and a `symlink-outside`
/// warning says so (before, nothing did); with `--follow` it is read as
/// the app's own resources, so its clear password is reported at the
/// link's path and the connection's username is known.
#[cfg(unix)]
#[test]
fn follow_reads_a_config_folder_linked_into_an_app() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(&tmp.path().join("apps"), "ledger-sapi", &[]);
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"{MULE_XML_HEAD}  <configuration-properties file="shared/salesforce.yaml"/>
  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:basic-connection username="${{sfdc.username}}" password="${{sfdc.password}}"/>
  </salesforce:sfdc-config>
</mule>
"#
        ),
    );
    let shared = tmp.path().join("platform-config");
    write(
        &shared,
        "salesforce.yaml",
        "sfdc:\n  username: \"int.ledger@acme.com\"\n  password: \"Lq7vRt2pXw9sKm4z\"\n",
    );
    fs::create_dir_all(app.join("src/main/resources")).unwrap();
    std::os::unix::fs::symlink(&shared, app.join("src/main/resources/shared")).unwrap();

    let (run, report) = scan_json(&app, &["--fail-on", "none"]);
    run.expect_code(0);
    let outside: Vec<&Value> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "symlink-outside")
        .collect();
    assert_eq!(outside.len(), 1, "{report:#}");
    assert!(outside[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("ledger-sapi/src/main/resources/shared"));
    assert!(
        !findings(&report)
            .iter()
            .any(|f| f["rule"] == "IG102" && f["path"].as_str().unwrap().ends_with(".yaml")),
        "{report:#}"
    );

    let (run, report) = scan_json(&app, &["--follow", "--fail-on", "none"]);
    run.expect_code(0);
    assert!(
        !diagnostics(&report)
            .iter()
            .any(|d| d["code"] == "symlink-outside"),
        "{report:#}"
    );
    let clear: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG102")
        .collect();
    assert_eq!(clear.len(), 1, "{report:#}");
    assert!(clear[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("ledger-sapi/src/main/resources/shared/salesforce.yaml"));
    assert_eq!(clear[0]["line"], 3);
    assert_eq!(clear[0]["identity"], "int.ledger@acme.com", "{report:#}");
    assert!(!report.to_string().contains("Lq7vRt2pXw9sKm4z"));
}

/// A shared user's finding is about the scan, not about the file it is shown
/// in (the first app's): its fingerprint stays when an app that sorts first
/// starts using the user, or when an app stops, so a baseline keeps it.
#[test]
fn a_shared_user_keeps_its_fingerprint_as_apps_come_and_go() {
    let tmp = tempfile::tempdir().unwrap();
    let add = |name: &str| {
        let app = mule4_app(tmp.path(), name, &[]);
        write(
            &app,
            "src/main/mule/global.xml",
            format!(
                r#"{MULE_XML_HEAD}  <salesforce:sfdc-config name="Salesforce_Config">
    <salesforce:jwt-connection consumerKey="${{secure::sf.ck}}" keyStore="keys/sf.jks" storePassword="${{secure::sf.sp}}" principal="int.x@acme.com"/>
  </salesforce:sfdc-config>
</mule>
"#
            ),
        );
    };
    let shared = |report: &Value| -> (String, String) {
        let f = findings(report)
            .iter()
            .find(|f| f["rule"] == "IG303")
            .unwrap_or_else(|| panic!("no IG303: {report:#}"));
        (
            f["fingerprint"].as_str().unwrap().to_string(),
            f["path"].as_str().unwrap().to_string(),
        )
    };
    add("b-api");
    add("c-api");
    let (_, report) = scan_json(tmp.path(), &[]);
    let (first, at) = shared(&report);
    assert!(at.contains("b-api"), "{at}");
    add("a-api");
    let (_, report) = scan_json(tmp.path(), &[]);
    let (now, at) = shared(&report);
    assert!(at.contains("a-api"), "shown in the first app's file: {at}");
    assert_eq!(now, first, "same user shared: same fingerprint");
    std::fs::remove_dir_all(tmp.path().join("b-api")).unwrap();
    let (_, report) = scan_json(tmp.path(), &[]);
    assert_eq!(shared(&report).0, first);
}

/// Found by testing as a user would: a file named on the command line that
/// a `.gitignore` in its app matches (a local, untracked properties file)
/// was walked with its app, skipped as ignored, and reported clean: "No
/// integration-credential problems found". A file given alone is read
/// whatever `.gitignore` says, as ripgrep searches what it is given; the
/// config's `paths.ignore` still keeps it out, with a note saying so.
#[test]
fn a_named_file_is_read_though_gitignore_matches_it() {
    const SECURE: &str = "src/main/resources/properties/dev-secure.yaml";
    let (_tmp, app) = copy_example("orders-sapi");
    let in_file = |report: &Value| -> BTreeSet<(String, u64)> {
        findings(report)
            .iter()
            .filter(|f| f["path"].as_str().unwrap().ends_with(SECURE))
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let (_, before) = scan_json(&app, &[]);
    let expected = in_file(&before);
    assert!(!expected.is_empty(), "{before}");

    write(
        &app,
        "src/main/resources/properties/.gitignore",
        "dev-secure.yaml\n",
    );
    let (_, whole) = scan_json(&app, &[]);
    assert!(
        in_file(&whole).is_empty(),
        "ignored in the app's scan: {whole}"
    );
    let (run, named) = scan_json(&app.join(SECURE), &[]);
    run.expect_no_panic();
    assert_eq!(in_file(&named), expected, "{named}");

    let config = write(
        &app,
        "intguard.toml",
        "[paths]\nignore = [\"**/dev-secure.yaml\"]\n",
    );
    let config = config.to_str().unwrap();
    let (run, config_ignored) = scan_json(&app.join(SECURE), &["--config", config]);
    run.expect_no_panic().expect_code(0);
    assert!(in_file(&config_ignored).is_empty(), "{config_ignored}");
    assert!(
        diagnostics(&config_ignored)
            .iter()
            .any(|d| d["code"] == "ignored-path"
                && d["path"].as_str().unwrap().ends_with(SECURE)
                && d["message"].as_str().unwrap().contains("paths.ignore")),
        "{config_ignored}"
    );
}

/// Found by testing as a user would: a pre-commit hook names each changed
/// file, and a loose file (outside any app) given alone was read although
/// `[paths] ignore` matches it, so the hook reported what a scan of the
/// repository does not. Given beside a folder that holds it (`scan .
/// docs/notes.txt`), it was dropped in silence. Both now keep it out with an
/// `ignored-path` note; `.gitignore` still does not keep out a named file.
#[test]
fn a_named_loose_file_is_kept_out_by_paths_ignore() {
    const TOKEN: &str = "00D5g000004XYZa!AQ0AQHkxqEuqI9zC5vYq3fWwqpcNMg0hJ8xJQ7mXbV2p8lZrY6WkRtH1sA3dF4gH5jK6lZ7xC8vB9nM0qW1eR2tY3uI4oP";
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    git(repo, &["init", "-q"]);
    write(repo, "intguard.toml", "[paths]\nignore = [\"docs/**\"]\n");
    write(repo, "docs/notes.txt", format!("token = {TOKEN}\n"));
    write(repo, "loose.txt", format!("token = {TOKEN}\n"));
    write(repo, ".gitignore", "loose.txt\n");
    let scan = |dir: &Path, args: &[&str]| -> Value {
        let run = run_cmd(
            intguard()
                .current_dir(dir)
                .arg("scan")
                .args(args)
                .args(["--format", "json"]),
        );
        run.expect_no_panic();
        run.json()
    };
    let paths = |report: &Value| -> BTreeSet<String> {
        findings(report)
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    let kept_out = |report: &Value, path: &str| {
        diagnostics(report).iter().any(|d| {
            d["code"] == "ignored-path"
                && d["path"] == path
                && d["message"].as_str().unwrap().contains("paths.ignore")
        })
    };
    for (dir, args, shown) in [
        (repo.to_path_buf(), vec!["docs/notes.txt"], "docs/notes.txt"),
        (
            repo.to_path_buf(),
            vec![".", "docs/notes.txt"],
            "docs/notes.txt",
        ),
        (repo.join("docs"), vec!["notes.txt"], "notes.txt"),
    ] {
        let report = scan(&dir, &args);
        assert!(paths(&report).is_empty(), "{args:?}: {report}");
        assert!(kept_out(&report, shown), "{args:?}: {report}");
    }
    // `.gitignore` hides it from the folder's walk, not from a scan that
    // names it.
    assert!(paths(&scan(repo, &["."])).is_empty());
    // Spelt as the walk of the root holding it spells its files.
    for (args, shown) in [
        (vec!["loose.txt"], "loose.txt"),
        (vec![".", "loose.txt"], "./loose.txt"),
    ] {
        let report = scan(repo, &args);
        assert_eq!(
            paths(&report),
            BTreeSet::from([shown.to_string()]),
            "{args:?}: {report}"
        );
    }
}

/// Found by testing as a user would: outside git, a file given inside an
/// app was read with its whole app, but the app's own `intguard.toml` (its
/// disabled rules, ignores, severities) was not found, so the file's scan
/// reported what a scan of the app does not. Outside a repository the
/// config is now looked for up to the app's folder.
#[test]
fn outside_git_a_file_in_an_app_takes_the_apps_config() {
    const SECURE: &str = "src/main/resources/properties/dev-secure.yaml";
    let (_tmp, app) = copy_example("orders-sapi");
    let rules_at = |report: &Value| -> BTreeSet<String> {
        findings(report)
            .iter()
            .filter(|f| f["path"].as_str().unwrap().ends_with(SECURE))
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, before) = scan_json(&app.join(SECURE), &[]);
    assert!(rules_at(&before).contains("IG104"), "{before}");

    write(&app, "intguard.toml", "[rules]\ndisable = [\"IG104\"]\n");
    let (_, whole) = scan_json(&app, &[]);
    assert!(!rules_at(&whole).contains("IG104"), "{whole}");
    let (run, alone) = scan_json(&app.join(SECURE), &[]);
    run.expect_no_panic();
    assert_eq!(rules_at(&alone), rules_at(&whole), "{alone}");
}

/// Found by testing as a user would: IG302 groups the super powers a
/// profile grants into one finding at the first of their elements, so an
/// `intguard-ignore IG302` comment written above ModifyAllData ("accepted
/// until ...") also hid ViewAllUsers granted later in the same profile,
/// silently. A grouped finding is suppressed only when the comments cover
/// every element it groups; IG304's View All / Modify All objects alike.
#[test]
fn an_inline_ignore_of_a_grouped_finding_does_not_hide_what_joins_the_group() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "sfdx-project.json",
        r#"{ "packageDirectories": [{ "path": "force-app", "default": true }] }"#,
    );
    write(
        root,
        "config/int-billing-user-def.json",
        r#"{ "Username": "int.billing@acme.com", "profileName": "Billing Integration" }"#,
    );
    let perm = |name: &str| {
        format!("    <userPermissions>\n        <enabled>true</enabled>\n        <name>{name}</name>\n    </userPermissions>\n")
    };
    let object = |name: &str| {
        format!("    <objectPermissions>\n        <allowRead>true</allowRead>\n        <modifyAllRecords>true</modifyAllRecords>\n        <object>{name}</object>\n        <viewAllRecords>true</viewAllRecords>\n    </objectPermissions>\n")
    };
    let profile = |extra_perm: &str, extra_object: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <custom>true</custom>\n    <!-- intguard-ignore IG304: Account sync owns every account -->\n{}{}    <userLicense>Salesforce Integration</userLicense>\n{}    <!-- intguard-ignore IG302: ModifyAllData accepted until BILL-12 -->\n{}{}</Profile>\n",
            object("Account"),
            extra_object,
            perm("ApiUserOnly"),
            perm("ModifyAllData"),
            extra_perm
        )
    };
    let file = "force-app/main/default/profiles/Billing Integration.profile-meta.xml";
    write(root, file, profile("", ""));
    let (_, report) = scan_json(root, &[]);
    assert_eq!(
        at(&report, "IG302", "profile-meta.xml"),
        Vec::<u64>::new(),
        "{report:#}"
    );
    assert_eq!(
        at(&report, "IG304", "profile-meta.xml"),
        Vec::<u64>::new(),
        "{report:#}"
    );
    assert_eq!(report["summary"]["suppressed"], 2, "{report:#}");

    // ViewAllUsers and Modify All on Contact join the groups: reported.
    write(
        root,
        file,
        profile(&perm("ViewAllUsers"), &object("Contact")),
    );
    let (_, report) = scan_json(root, &[]);
    let ig302: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG302")
        .collect();
    assert_eq!(ig302.len(), 1, "{report:#}");
    assert!(
        ig302[0]["message"]
            .as_str()
            .unwrap()
            .contains("ModifyAllData, ViewAllUsers"),
        "{report:#}"
    );
    assert_eq!(
        at(&report, "IG304", "profile-meta.xml").len(),
        1,
        "{report:#}"
    );
    assert_eq!(report["summary"]["suppressed"], 0, "{report:#}");
}

/// A pre-commit hook or CI step that names the repository's config
/// (`--config intguard.toml`) and a subfolder or a file in it: the config's
/// `[paths] ignore` globs were taken relative to the scan root (the app
/// read for the file), so what the config keeps out, and the same scan
/// without `--config` keeps out, was audited and failed the hook. They are
/// relative to the config's folder for the roots inside it, found or given.
#[test]
fn a_config_given_by_flag_ignores_what_the_same_config_found_ignores() {
    let (tmp, repo) = copy_example("");
    // In git, as a pre-commit hook runs: the config at the top is found.
    git(&repo, &["init", "-q"]);
    write(
        &repo,
        "intguard.toml",
        "[paths]\nignore = [\"legacy-sync/src/main/resources/**\"]\n",
    );
    let prod = "legacy-sync/src/main/resources/mule.prod.properties";
    let scan = |args: &[&str]| -> Value {
        let run = run_cmd(
            intguard()
                .current_dir(&repo)
                .arg("scan")
                .args(args)
                .args(["--format", "json"]),
        );
        run.expect_no_panic();
        run.json()
    };
    let in_resources = |report: &Value| -> Vec<String> {
        findings(report)
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .filter(|p| p.contains("src/main/resources"))
            .collect()
    };
    for args in [
        vec![prod],
        vec!["--config", "intguard.toml", prod],
        vec!["legacy-sync"],
        vec!["--config", "intguard.toml", "legacy-sync"],
    ] {
        let report = scan(&args);
        assert!(in_resources(&report).is_empty(), "{args:?}: {report:#}");
    }
    // Without the config, the file has findings.
    let empty = write(tmp.path(), "empty.toml", "");
    let report = scan(&["--config", empty.to_str().unwrap(), prod]);
    assert!(!in_resources(&report).is_empty(), "{report:#}");
}

/// The walk reads each folder's `.gitignore` itself (one compiled matcher
/// per distinct file) instead of leaving it to the walker: a scan of `.`
/// from the repository, from a folder inside it and from an app keeps out
/// what the walker's own handling kept out. The root's rules (an anchored
/// folder, a file pattern), two apps' identical files (a folder, and a `!`
/// whitelist of what the root ignores), and the rules of the folders above
/// the folder scanned.
#[test]
fn gitignore_rules_apply_from_every_folder_up_to_the_scans_root_and_above() {
    const TOKEN: &str = "00D5g000004XYZa!AQ0AQHkxqEuqI9zC5vYq3fWwqpcNMg0hJ8xJQ7mXbV2p8lZrY6WkRtH1sA3dF4gH5jK6lZ7xC8vB9nM0qW1eR2tY3uI4oP";
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    write(repo, ".gitignore", "/apps/b-api/local/\n*.local.txt\n");
    for app in ["a-api", "b-api"] {
        write(
            repo,
            &format!("apps/{app}/.gitignore"),
            "scratch/\n!keep.local.txt\n",
        );
        for file in [
            "notes.txt",
            "scratch/t.txt",
            "x.local.txt",
            "keep.local.txt",
            "local/t.txt",
        ] {
            write(
                repo,
                &format!("apps/{app}/{file}"),
                format!("token = {TOKEN}\n"),
            );
        }
    }
    let paths = |dir: &Path| -> BTreeSet<String> {
        let run = run_cmd(intguard().current_dir(dir).args([
            "scan",
            ".",
            "--format",
            "json",
            "--fail-on",
            "none",
        ]));
        run.expect_no_panic().expect_code(0);
        findings(&run.json())
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    let set =
        |paths: &[&str]| -> BTreeSet<String> { paths.iter().map(|p| p.to_string()).collect() };
    assert_eq!(
        paths(repo),
        set(&[
            "./apps/a-api/keep.local.txt",
            "./apps/a-api/local/t.txt",
            "./apps/a-api/notes.txt",
            "./apps/b-api/keep.local.txt",
            "./apps/b-api/notes.txt",
        ])
    );
    assert_eq!(
        paths(&repo.join("apps")),
        set(&[
            "./a-api/keep.local.txt",
            "./a-api/local/t.txt",
            "./a-api/notes.txt",
            "./b-api/keep.local.txt",
            "./b-api/notes.txt",
        ])
    );
    assert_eq!(
        paths(&repo.join("apps/b-api")),
        set(&["./keep.local.txt", "./notes.txt"])
    );
}
