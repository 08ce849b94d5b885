//! Exit codes (DESIGN.md): 0 nothing at or above `--fail-on` (default high),
//! 1 findings at or above it, 2 usage or input errors (bad arguments, a path
//! that does not exist, an invalid config or baseline). A usage error writes
//! no report and says what is wrong on stderr.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};

use support::*;

/// An app whose only finding is medium: an HTTP listener without TLS (IG109).
fn medium_only_app(root: &Path) -> PathBuf {
    let app = mule4_app(root, "health-api", &[]);
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"{MULE_XML_HEAD}  <http:listener-config name="Health_Listener">
    <http:listener-connection host="0.0.0.0" port="8081"/>
  </http:listener-config>
</mule>
"#
        ),
    );
    app
}

#[test]
fn example_fails_on_high_by_default() {
    let run = run([
        "scan".as_ref(),
        example().as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ]);
    run.expect_no_panic().expect_code(1);
    assert!(
        run.stdout.contains("failing: findings at or above high"),
        "{}",
        run.stdout
    );
    let (run, report) = scan_json(&example(), &[]);
    run.expect_code(1);
    assert_eq!(report["summary"]["fail_on"], "high");
    assert_eq!(report["summary"]["failed"], true);
}

#[test]
fn fail_on_none_exits_0_with_findings() {
    let (run, report) = scan_json(&example(), &["--fail-on", "none"]);
    run.expect_code(0);
    assert!(!findings(&report).is_empty());
    assert_eq!(report["summary"]["fail_on"], serde_json::Value::Null);
    assert_eq!(report["summary"]["failed"], false);
}

#[test]
fn fail_on_critical_exits_1_on_the_example() {
    let (run, report) = scan_json(&example(), &["--fail-on", "critical"]);
    run.expect_code(1);
    assert!(
        report["summary"]["by_severity"]["critical"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(report["summary"]["fail_on"], "critical");
}

#[test]
fn each_threshold_against_a_medium_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let app = medium_only_app(tmp.path());
    let (run, report) = scan_json(&app, &[]);
    run.expect_code(0);
    let severities: Vec<&str> = findings(&report)
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(
        severities,
        vec!["medium"],
        "the fixture should have exactly one medium finding: {report:#}"
    );
    for (fail_on, code) in [
        ("critical", 0),
        ("high", 0),
        ("medium", 1),
        ("low", 1),
        ("info", 1),
        ("none", 0),
    ] {
        let (run, report) = scan_json(&app, &["--fail-on", fail_on]);
        run.expect_code(code);
        assert_eq!(
            report["summary"]["failed"],
            code == 1,
            "--fail-on {fail_on}: {report:#}"
        );
    }
}

/// `info` is a severity (DESIGN.md) and a finding can have it (a rule set
/// to it, or a low one in test sources): `--fail-on info` and `fail-on =
/// "info"` fail on it, `low` does not.
#[test]
fn fail_on_info_counts_info_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let app = medium_only_app(tmp.path());
    write(
        &app,
        "intguard.toml",
        "[rules]\nseverity = { IG109 = \"info\" }\n",
    );
    let (run, report) = scan_json(&app, &["--fail-on", "low"]);
    run.expect_code(0);
    let severities: Vec<&str> = findings(&report)
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, vec!["info"], "{report:#}");
    let (run, report) = scan_json(&app, &["--fail-on", "info"]);
    run.expect_code(1);
    assert_eq!(report["summary"]["fail_on"], "info");
    write(
        &app,
        "intguard.toml",
        "fail-on = \"info\"\n[rules]\nseverity = { IG109 = \"info\" }\n",
    );
    let (run, report) = scan_json(&app, &[]);
    run.expect_code(1);
    assert_eq!(report["summary"]["failed"], true);
}

#[test]
fn fail_on_from_the_config_and_the_flag_wins() {
    let tmp = tempfile::tempdir().unwrap();
    let app = medium_only_app(tmp.path());
    write(&app, "intguard.toml", "fail-on = \"medium\"\n");
    let (run, report) = scan_json(&app, &[]);
    run.expect_code(1);
    assert_eq!(report["summary"]["fail_on"], "medium");
    let (run, _) = scan_json(&app, &["--fail-on", "high"]);
    run.expect_code(0);

    write(&app, "intguard.toml", "fail-on = \"none\"\n");
    let (run, report) = scan_json(&app, &[]);
    run.expect_code(0);
    assert_eq!(report["summary"]["fail_on"], serde_json::Value::Null);
}

/// Found by a config review: `fail-on = "High"` in intguard.toml was
/// accepted but `--fail-on High` refused, and `fail-on = "None"` refused;
/// a severity is read in any case in both places now.
#[test]
fn a_severity_is_read_in_any_case_by_the_flag_and_the_config() {
    let tmp = tempfile::tempdir().unwrap();
    let app = medium_only_app(tmp.path());
    for (fail_on, code) in [("MEDIUM", 1), ("High", 0), ("None", 0)] {
        let (run, report) = scan_json(&app, &["--fail-on", fail_on]);
        run.expect_code(code);
        assert_eq!(
            report["summary"]["failed"],
            code == 1,
            "--fail-on {fail_on}"
        );
    }
    write(&app, "intguard.toml", "fail-on = \"None\"\n");
    let (run, report) = scan_json(&app, &["--fail-on", "Medium"]);
    run.expect_code(1);
    assert_eq!(report["summary"]["fail_on"], "medium");
    let (run, report) = scan_json(&app, &[]);
    run.expect_code(0);
    assert_eq!(report["summary"]["fail_on"], serde_json::Value::Null);
}

#[test]
fn clean_app_exits_0_and_says_so() {
    let clean = example_app("invoices-eapi");
    let run = run([
        "scan".as_ref(),
        clean.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ]);
    run.expect_no_panic().expect_code(0);
    assert!(
        run.stdout
            .contains("No integration-credential problems found"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("failing"), "{}", run.stdout);
    // Not even a low or info finding.
    let (run, report) = scan_json(&clean, &["--fail-on", "low"]);
    run.expect_code(0);
    assert!(findings(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["total"], 0);
    assert_eq!(report["summary"]["apps"], 1);
}

#[test]
fn nonexistent_path_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-app");
    let run = run(["scan".as_ref(), missing.as_os_str()]);
    run.expect_no_panic().expect_code(2);
    assert!(run.stdout.is_empty(), "no report: {}", run.stdout);
    assert!(
        run.stderr.contains("no-such-app") && run.stderr.contains("no such file or folder"),
        "{}",
        run.stderr
    );
    // Also when it comes with paths that exist: nothing is scanned.
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(example_app("invoices-eapi"))
            .arg(&missing)
            .args(["--format", "json"]),
    );
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("no-such-app"), "{}", run.stderr);
    // `-` (a pre-commit hook piping its file list) is said to be no way to
    // give paths, with the way there is (it said "no such file or folder").
    let run = run_cmd(intguard().current_dir(tmp.path()).args(["scan", "-"]));
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("reads no paths from standard input")
            && run.stderr.contains("xargs -0 intguard scan"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_arguments_are_usage_errors() {
    let clean = example_app("invoices-eapi");
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--format", "yaml"],
            &["yaml", "--format", "json", "sarif"],
        ),
        (&["--fail-on", "severe"], &["severe", "--fail-on"]),
        (&["--color", "sometimes"], &["sometimes", "--color"]),
        (&["--threads", "many"], &["many", "--threads"]),
        (&["--no-such-flag"], &["--no-such-flag"]),
    ];
    for (args, words) in cases {
        let run = run_cmd(intguard().arg("scan").arg(&clean).args(*args));
        run.expect_no_panic();
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        for word in *words {
            assert!(
                run.stderr.contains(word),
                "{args:?}: stderr should mention {word:?}: {}",
                run.stderr
            );
        }
    }
    // No command, an unknown command.
    run(Vec::<&str>::new()).expect_code(2);
    let run = run(["audit"]);
    run.expect_code(2);
    assert!(run.stderr.contains("audit"), "{}", run.stderr);
}

#[test]
fn help_and_version_exit_0() {
    let help = run(["scan", "--help"]);
    help.expect_code(0);
    for option in [
        "--format",
        "--output",
        "--fail-on",
        "--config",
        "--baseline",
        "--write-baseline",
        "--color",
        "--threads",
    ] {
        assert!(help.stdout.contains(option), "{option}: {}", help.stdout);
    }
    let run = run(["--version"]);
    run.expect_code(0);
    assert!(run.stdout.starts_with("intguard "), "{}", run.stdout);
}

#[test]
fn invalid_config_at_the_scan_root_names_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let app = medium_only_app(tmp.path());
    let cases = [
        ("[rules]\ndisable = [\"IG999\"]\n", "IG999"),
        ("[rules]\nseverity = { IG109 = \"urgent\" }\n", "urgent"),
        (
            "[rules]\nseverity = { no-such-rule = \"low\" }\n",
            "no-such-rule",
        ),
        ("fail-on = \"sometimes\"\n", "sometimes"),
        ("colour = true\n", "colour"),
        ("[rules\ndisable = [\n", "intguard.toml"),
        // An invalid glob is not silently dropped (review D3).
        (
            "[paths]\nignore = [\"sandbox/**\", \"legacy-sync/[abc\"]\n",
            "legacy-sync/[abc",
        ),
        // Windows separators kept nothing out.
        (
            "[paths]\nignore = ['legacy-sync\\**']\n",
            "\"legacy-sync/**\"",
        ),
        // A typo gets the rule it likely meant.
        (
            "[rules]\ndisable = [\"IG1O9\"]\n",
            "did you mean IG109 plain-http?",
        ),
    ];
    for (toml, named) in cases {
        write(&app, "intguard.toml", toml);
        let run = run(["scan".as_ref(), app.as_os_str()]);
        run.expect_no_panic();
        assert_eq!(run.code, 2, "{toml}: {}\n{}", run.stdout, run.stderr);
        assert!(run.stdout.is_empty(), "{toml}: {}", run.stdout);
        assert!(
            run.stderr.contains("intguard.toml") && run.stderr.contains(named),
            "{toml}: stderr should name the file and {named:?}: {}",
            run.stderr
        );
    }
}

/// Found by a config review: a monorepo scanned whole with an
/// `intguard.toml` in an app's folder, or two roots each with their own,
/// applied one config (or none) and silently not the others: the team that
/// wrote `disable = ["IG109"]` beside its app still failed on IG109 and
/// was told nothing. Each config walked that is not applied gets a
/// `config-not-used` warning naming the one applied; the one applied gets
/// none.
#[test]
fn a_config_the_scan_does_not_apply_is_said() {
    let tmp = tempfile::tempdir().unwrap();
    let team_a = medium_only_app(&tmp.path().join("team-a"));
    let team_b = medium_only_app(&tmp.path().join("team-b"));
    for app in [&team_a, &team_b] {
        write(app, "intguard.toml", "[rules]\ndisable = [\"IG109\"]\n");
    }
    let not_used = |report: &serde_json::Value| -> Vec<(String, String)> {
        diagnostics(report)
            .iter()
            .filter(|d| d["code"] == "config-not-used")
            .map(|d| {
                let path = d["path"].as_str().unwrap().to_string();
                (path, d["message"].as_str().unwrap().to_string())
            })
            .collect()
    };
    // The monorepo whole: neither app's config applies.
    let (run, report) = scan_json(tmp.path(), &["--fail-on", "medium"]);
    run.expect_code(1);
    assert_eq!(rules_of(&report), ["IG109", "IG109"], "{report:#}");
    let said = not_used(&report);
    assert_eq!(said.len(), 2, "{said:?}");
    for (path, message) in &said {
        assert!(path.ends_with("health-api/intguard.toml"), "{path}");
        assert!(
            message.contains("this scan found none to apply"),
            "{message}"
        );
    }
    // Two roots: the first one's applies to both, the second's does not.
    let run = run_cmd(intguard().arg("scan").arg(&team_a).arg(&team_b).args([
        "--format",
        "json",
        "--fail-on",
        "medium",
    ]));
    run.expect_code(0);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let said = not_used(&report);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].0.contains("team-b"), "{said:?}");
    assert!(
        said[0].1.contains(&format!(
            "this scan applies {} to every folder it reads",
            team_a.join("intguard.toml").display()
        )),
        "{said:?}"
    );
    // One app: its own config applies, nothing to say.
    let (run, report) = scan_json(&team_a, &["--fail-on", "medium"]);
    run.expect_code(0);
    assert!(not_used(&report).is_empty(), "{report:#}");
}

/// Found by a config review: an `[[identities]]` username misspelt
/// applied to nobody, silently (the apps it allows to share the user are
/// still reported under IG303). The scan warns at its line, naming the
/// user meant; the exit code stays the findings'.
#[test]
fn a_misspelt_identity_username_is_warned() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&example(), tmp.path());
    write(
        tmp.path(),
        "intguard.toml",
        "[[identities]]\nusername = \"int.ordrs@acme.com\"\nsystem = \"Order management\"\n",
    );
    let (run, report) = scan_json(tmp.path(), &["--fail-on", "none"]);
    run.expect_code(0);
    let warned: Vec<&serde_json::Value> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "identity-not-found")
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert_eq!(
        warned[0]["path"],
        tmp.path().join("intguard.toml").display().to_string()
    );
    assert_eq!(warned[0]["line"], 2);
    let message = warned[0]["message"].as_str().unwrap();
    assert!(
        message.contains("\"int.ordrs@acme.com\" is no user this scan found")
            && message.contains("did you mean \"int.orders@acme.com\"?"),
        "{message}"
    );
    // Spelt right (in another case): nothing to say.
    write(
        tmp.path(),
        "intguard.toml",
        "[[identities]]\nusername = \"Int.Orders@acme.com\"\n",
    );
    let (_, report) = scan_json(tmp.path(), &["--fail-on", "none"]);
    assert!(
        !diagnostics(&report)
            .iter()
            .any(|d| d["code"] == "identity-not-found"),
        "{report:#}"
    );
}

#[test]
fn config_and_baseline_files_given_by_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let app = medium_only_app(tmp.path());
    let bad = write(
        tmp.path(),
        "elsewhere/strict.toml",
        "[rules]\ndisable = [\"IG000\"]\n",
    );
    let run = run_cmd(intguard().arg("scan").arg(&app).arg("--config").arg(&bad));
    run.expect_code(2);
    assert!(
        run.stderr.contains("strict.toml") && run.stderr.contains("IG000"),
        "{}",
        run.stderr
    );

    let missing = tmp.path().join("missing.toml");
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(&app)
            .arg("--config")
            .arg(&missing),
    );
    run.expect_code(2);
    assert!(run.stderr.contains("missing.toml"), "{}", run.stderr);

    // A good config given by flag is used (and the one at the root is not).
    write(&app, "intguard.toml", "[rules]\ndisable = [\"IG000\"]\n");
    let good = write(tmp.path(), "elsewhere/ok.toml", "fail-on = \"medium\"\n");
    let run = run_cmd(intguard().arg("scan").arg(&app).arg("--config").arg(&good));
    run.expect_code(1);

    std::fs::remove_file(app.join("intguard.toml")).unwrap();
    for (name, content, said) in [
        ("not-json.json", "{ fingerprints", "invalid baseline"),
        (
            "future.json",
            "{\"version\": 99, \"findings\": []}",
            "version",
        ),
    ] {
        let baseline = write(tmp.path(), name, content);
        let run = run_cmd(
            intguard()
                .arg("scan")
                .arg(&app)
                .arg("--baseline")
                .arg(&baseline),
        );
        run.expect_code(2);
        assert!(
            run.stderr.contains(name) && run.stderr.contains(said),
            "{name}: {}",
            run.stderr
        );
    }
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(&app)
            .arg("--baseline")
            .arg(tmp.path().join("none.json")),
    );
    run.expect_code(2);
    assert!(run.stderr.contains("none.json"), "{}", run.stderr);
}

#[test]
fn unwritable_output_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("no-such-dir/report.json");
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(example_app("invoices-eapi"))
            .args(["--format", "json", "--output"])
            .arg(&out),
    );
    run.expect_no_panic().expect_code(2);
    assert!(run.stderr.contains("report.json"), "{}", run.stderr);
    // What is wrong, in the user's words: the folder that is missing, not
    // the temporary file intguard writes the report under first.
    let dir = tmp.path().join("no-such-dir");
    assert!(
        run.stderr
            .contains(&format!("folder {} does not exist", dir.display())),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(".intguard-"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    // A folder given as the report, and a baseline to write in a missing
    // folder, are refused alike.
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(example_app("invoices-eapi"))
            .args(["--format", "json", "--output"])
            .arg(tmp.path()),
    );
    run.expect_no_panic().expect_code(2);
    assert!(
        run.stderr
            .contains(&format!("--output {} is a folder", tmp.path().display())),
        "{}",
        run.stderr
    );
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(example_app("invoices-eapi"))
            .arg("--write-baseline")
            .arg(dir.join("baseline.json")),
    );
    run.expect_no_panic().expect_code(2);
    assert!(
        run.stderr
            .contains(&format!("folder {} does not exist", dir.display())),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(".intguard-"), "{}", run.stderr);
}

#[test]
fn output_over_one_of_the_scans_inputs_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    fs::create_dir_all(&app).unwrap();
    let config = tmp.path().join("intguard.toml");
    fs::write(&config, "[rules]\n").unwrap();
    let baseline = tmp.path().join("baseline.json");
    let loose = tmp.path().join("notes.txt");
    fs::write(&loose, "nothing here\n").unwrap();
    let cases: [(&[&str], &Path, &str); 3] = [
        (&["--config"], &config, "the config"),
        (&["--write-baseline"], &baseline, "the baseline it writes"),
        (&[], &loose, "a file it scans"),
    ];
    for (flag, file, said) in cases {
        let before = fs::read(file).ok();
        let mut cmd = intguard();
        cmd.arg("scan").arg(&app).arg(&loose).args(flag);
        if !flag.is_empty() {
            cmd.arg(file);
        }
        // The same file spelled another way: through `..`.
        let spelled = tmp.path().join("app/..").join(file.file_name().unwrap());
        let run = run_cmd(cmd.arg("--output").arg(&spelled));
        run.expect_no_panic().expect_code(2);
        assert!(
            run.stderr.contains(said) && run.stderr.contains("--output"),
            "{said}: {}",
            run.stderr
        );
        assert_eq!(fs::read(file).ok(), before, "{said}: the file was touched");
    }
}

/// A file the scan reads in a folder it walks (`-o pom.xml`) is no place
/// for the report; an intguard report there is replaced, as CI does.
#[test]
fn output_over_a_walked_file_is_refused_but_a_report_is_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("app");
    fs::create_dir_all(&app).unwrap();
    fs::write(app.join("pom.xml"), "<project/>\n").unwrap();
    let run_to = |output: &str, format: &str| {
        run_cmd(intguard().current_dir(tmp.path()).args([
            "scan",
            ".",
            "--fail-on",
            "none",
            "--format",
            format,
            "-o",
            output,
        ]))
    };
    let run = run_to("app/pom.xml", "text");
    run.expect_no_panic().expect_code(2);
    assert!(
        run.stderr.contains("not an intguard report"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(app.join("pom.xml")).unwrap(),
        "<project/>\n"
    );
    for format in ["json", "sarif", "markdown", "text", "json"] {
        run_to("report.out", format)
            .expect_no_panic()
            .expect_code(0);
    }
}

#[test]
fn output_dash_is_standard_output() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run_cmd(
        intguard()
            .current_dir(tmp.path())
            .arg("scan")
            .arg(example_app("legacy-sync"))
            .args(["--format", "json", "--output", "-"]),
    );
    run.expect_no_panic().expect_code(1);
    let json = run.json();
    assert!(json["findings"].as_array().is_some_and(|f| !f.is_empty()));
    assert!(!tmp.path().join("-").exists(), "wrote a file named '-'");
}

#[test]
fn threads_beyond_256_are_a_usage_error() {
    let run = run(["scan", "--threads", "100000", "."]);
    run.expect_no_panic().expect_code(2);
    assert!(run.stderr.contains("--threads"), "{}", run.stderr);
    run_cmd(
        intguard()
            .arg("scan")
            .arg(example_app("invoices-eapi"))
            .args(["--threads", "256", "--fail-on", "none"]),
    )
    .expect_no_panic()
    .expect_code(0);
}

/// The scan's findings wait for the report in an anonymous temporary file:
/// with no temporary folder to write in (`TMPDIR` missing, or a file), they
/// are held in memory instead, and the scan reports the same in every
/// format, with the same exit code.
#[test]
fn a_scan_without_a_temporary_folder_reports_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_folder = write(dir.path(), "a-file", "");
    let example = example();
    for format in ["json", "text", "sarif"] {
        let args = [
            "scan".as_ref(),
            example.as_os_str(),
            "--format".as_ref(),
            format.as_ref(),
            "--color".as_ref(),
            "never".as_ref(),
        ];
        let usual = run(args);
        usual.expect_no_panic().expect_code(1);
        for tmpdir in [dir.path().join("missing"), not_a_folder.clone()] {
            let held = run_cmd(intguard().args(args).env("TMPDIR", &tmpdir));
            held.expect_no_panic().expect_code(1);
            assert_eq!(held.stdout, usual.stdout, "{format}, TMPDIR={tmpdir:?}");
            assert_eq!(held.stderr, usual.stderr);
        }
    }
}
