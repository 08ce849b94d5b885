//! Bad input never stops a scan: broken, truncated, binary, non-UTF-8,
//! malformed, looping, dangling, huge or hostile files each become a
//! diagnostic with path and position in every format, the real problem next
//! to them is still found, and the exit code is 1 (a finding), not 2.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::*;

/// What a diagnostic should look like: code, path suffix, line (None for
/// whole-file diagnostics), column when it is known.
struct Expected {
    code: &'static str,
    path: &'static str,
    line: Option<u64>,
    column: Option<u64>,
}

fn expected(code: &'static str, path: &'static str, at: Option<(u64, u64)>) -> Expected {
    Expected {
        code,
        path,
        line: at.map(|a| a.0),
        column: at.map(|a| a.1),
    }
}

const BROKEN: &str = "<?xml version=\"1.0\"?>\n<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">\n  <flow name=\"f\">\n    <logger>\n  </flow>\n</mule>\n";
const TRUNCATED: &str = "<?xml version=\"1.0\"?>\n<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">\n  <flow name=\"f\">\n    <logg";
const BAD_YAML: &str = "a: 1\nb: [unclosed\nc: 3\n";
const BAD_JSON: &str = "{\n  \"minMuleVersion\": \"4.4.0\",\n  \"secureProperties\": [\"a\",\n";
const PASSWORD_YAML: &str =
    "sfdc:\n  username: \"bad.input@acme.example\"\n  password: \"Plain#Secret2024\"\n";

/// The tree: a Mule 4 app full of bad input with one real problem (a password
/// in clear in `dev.yaml`), and a second app whose descriptor is broken.
/// Returns the expected diagnostics.
fn bad_tree(root: &Path) -> Vec<Expected> {
    let app = mule4_app(root, "app", &["sfdc.password"]);
    write(&app, "src/main/mule/broken.xml", BROKEN);
    write(&app, "src/main/mule/truncated.xml", TRUNCATED);
    write(
        &app,
        "src/main/mule/blob.xml",
        b"<mule\x00\x01\x02\xff binary\x00",
    );
    write(
        &app,
        "src/main/resources/latin1.yaml",
        b"sf:\n  user: caf\xe9@acme.example\n",
    );
    write(
        &app,
        "src/main/resources/latin1.properties",
        b"a=\xff\xfe\nb=ok\n",
    );
    write(
        &app,
        "src/main/resources/escape.properties",
        "a=ok\nbad.escape=\\u12G4\n",
    );
    write(&app, "src/main/resources/bad.yaml", BAD_YAML);
    write(&app, "src/main/resources/dev.yaml", PASSWORD_YAML);
    write(root, "other-app/mule-artifact.json", BAD_JSON);
    // Huge: over the 32 MiB limit, sparse (the size comes from the metadata,
    // the content is never read).
    let huge = write(&app, "src/main/resources/huge.yaml", "");
    fs::OpenOptions::new()
        .write(true)
        .open(&huge)
        .unwrap()
        .set_len(33 * 1024 * 1024)
        .unwrap();

    let mut expect = vec![
        expected(
            "xml-syntax",
            "app/src/main/mule/broken.xml",
            Some(pos_in(BROKEN, "</flow>")),
        ),
        expected(
            "xml-syntax",
            "app/src/main/mule/truncated.xml",
            Some((pos_in(TRUNCATED, "<logg").0, 0)),
        ),
        expected("binary", "app/src/main/mule/blob.xml", None),
        expected(
            "not-utf8",
            "app/src/main/resources/latin1.yaml",
            Some((2, 12)),
        ),
        expected(
            "latin1-properties",
            "app/src/main/resources/latin1.properties",
            Some((1, 3)),
        ),
        expected(
            "properties-syntax",
            "app/src/main/resources/escape.properties",
            Some((2, 1)),
        ),
        expected(
            "yaml-syntax",
            "app/src/main/resources/bad.yaml",
            Some((0, 0)),
        ),
        expected("json-syntax", "other-app/mule-artifact.json", Some((0, 0))),
        expected("too-large", "app/src/main/resources/huge.yaml", None),
    ];
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(&app, app.join("src/loop")).unwrap();
        symlink(app.join("nowhere.txt"), app.join("dangling.txt")).unwrap();
        // A link to a sibling folder is fine: no diagnostic.
        symlink(app.join("src/main/mule"), app.join("mule-link")).unwrap();
        // Links that lead to each other (found by review: worded as a
        // missing target before).
        symlink("loop-b", app.join("loop-a")).unwrap();
        symlink("loop-a", app.join("loop-b")).unwrap();
        expect.push(expected("symlink-loop", "app/src/loop", None));
        expect.push(expected("unreadable", "app/dangling.txt", None));
        expect.push(expected("symlink-loop", "app/loop-a", None));
        expect.push(expected("symlink-loop", "app/loop-b", None));
    }
    expect
}

/// Finds the diagnostic and checks its position. A line or column of 0 in
/// the expectation means "present, any value".
fn check_json_diagnostic<'a>(report: &'a Value, e: &Expected) -> &'a Value {
    let d = diagnostics(report)
        .iter()
        .find(|d| d["code"] == e.code && d["path"].as_str().unwrap().ends_with(e.path))
        .unwrap_or_else(|| panic!("no {} diagnostic for {}: {report:#}", e.code, e.path));
    match e.line {
        None => assert!(d["line"].is_null(), "{} {}: {d}", e.code, e.path),
        Some(0) => assert!(
            d["line"].as_u64().is_some_and(|l| l >= 1),
            "{} {}: {d}",
            e.code,
            e.path
        ),
        Some(l) => assert_eq!(d["line"].as_u64(), Some(l), "{} {}: {d}", e.code, e.path),
    }
    match e.column {
        None => {}
        Some(0) => assert!(
            d["column"].as_u64().is_some_and(|c| c >= 1),
            "{} {}: {d}",
            e.code,
            e.path
        ),
        Some(c) => assert_eq!(d["column"].as_u64(), Some(c), "{} {}: {d}", e.code, e.path),
    }
    assert!(!d["message"].as_str().unwrap().is_empty());
    d
}

#[test]
fn bad_input_becomes_diagnostics_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    let expect = bad_tree(&root);

    // JSON: every diagnostic with its path and position; the finding is there.
    let (run, report) = scan_json(&root, &[]);
    run.expect_code(1);
    let mut json_diags = Vec::new();
    for e in &expect {
        json_diags.push(check_json_diagnostic(&report, e).clone());
    }
    assert!(
        !diagnostics(&report)
            .iter()
            .any(|d| d["path"].as_str().unwrap().ends_with("mule-link")),
        "a link to a sibling folder is not a problem: {report:#}"
    );
    let keys = finding_keys(&report, &root);
    assert!(
        keys.iter().any(|(rule, path, line)| rule == "IG102"
            && path == "app/src/main/resources/dev.yaml"
            && *line == 3),
        "the plaintext password is found despite the bad input: {keys:?}"
    );
    assert_eq!(report["summary"]["apps"], 2, "both apps recognised");
    assert_eq!(
        report["summary"]["diagnostics"].as_u64(),
        Some(diagnostics(&report).len() as u64)
    );

    // SARIF: one tool execution notification per diagnostic, same code,
    // path and line.
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(&root)
            .args(["--format", "sarif"]),
    );
    run.expect_no_panic().expect_code(1);
    let sarif = run.json();
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(notes.len(), diagnostics(&report).len());
    // A URI relative to `%SRCROOT%` (the folder scanned: no git here) is
    // resolved against it.
    let base = sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap_or("");
    let resolved = |artifact: &serde_json::Value| {
        let uri = artifact["uri"].as_str()?;
        Some(match artifact["uriBaseId"].as_str() {
            Some(_) => format!("{base}{uri}"),
            None => uri.to_string(),
        })
    };
    for d in &json_diags {
        let path = d["path"].as_str().unwrap();
        let tail = &path[path.len() - 20.min(path.len())..];
        let note = notes
            .iter()
            .find(|n| {
                n["descriptor"]["id"] == d["code"]
                    && resolved(&n["locations"][0]["physicalLocation"]["artifactLocation"])
                        .is_some_and(|u| u.ends_with(tail))
            })
            .unwrap_or_else(|| panic!("no notification for {d}: {notes:#?}"));
        let region = &note["locations"][0]["physicalLocation"]["region"];
        match d["line"].as_u64() {
            Some(line) => assert_eq!(region["startLine"].as_u64(), Some(line), "{d}"),
            None => assert!(region.is_null(), "{d}: no region for a whole file"),
        }
        assert_eq!(note["message"]["text"], d["message"]);
        assert_eq!(note["level"], d["level"]);
    }

    // Text: `level[code] path:line:col message`.
    let run = run_cmd(intguard().arg("scan").arg(&root).args(["--color", "never"]));
    run.expect_no_panic().expect_code(1);
    for d in &json_diags {
        let mut at = d["path"].as_str().unwrap().to_string();
        if let Some(line) = d["line"].as_u64() {
            at.push_str(&format!(":{line}"));
            if let Some(col) = d["column"].as_u64() {
                at.push_str(&format!(":{col}"));
            }
        }
        let line = format!(
            "  {}[{}] {at} {}",
            d["level"].as_str().unwrap(),
            d["code"].as_str().unwrap(),
            d["message"].as_str().unwrap()
        );
        assert!(
            run.stdout.lines().any(|l| l == line),
            "text lacks {line:?}:\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout.contains(&format!(
            "; {} diagnostics",
            json_diags.len().max(diagnostics(&report).len())
        )),
        "{}",
        run.stdout
    );

    // Markdown: counts them and lists each with its path and position.
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(&root)
            .args(["--format", "markdown"]),
    );
    run.expect_no_panic().expect_code(1);
    assert!(
        run.stdout
            .contains(&format!("{} diagnostics", diagnostics(&report).len())),
        "{}",
        run.stdout
    );
    for d in json_diags.iter().take(20) {
        let mut at = d["path"].as_str().unwrap().to_string();
        if let Some(line) = d["line"].as_u64() {
            at.push_str(&format!(":{line}"));
            if let Some(col) = d["column"].as_u64() {
                at.push_str(&format!(":{col}"));
            }
        }
        let row = format!(
            "| {} | `{}` | `{at}` |",
            d["level"].as_str().unwrap(),
            d["code"].as_str().unwrap()
        );
        assert!(
            run.stdout.lines().any(|l| l.starts_with(&row)),
            "markdown lacks {row:?}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn bad_input_alone_is_not_an_error() {
    // Nothing but bad input: diagnostics, no findings, exit 0 (not 2).
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "app", &[]);
    write(&app, "src/main/mule/broken.xml", BROKEN);
    write(&app, "src/main/resources/bad.yaml", BAD_YAML);
    let (run, report) = scan_json(tmp.path(), &["--fail-on", "low"]);
    run.expect_code(0);
    assert!(findings(&report).is_empty(), "{report:#}");
    assert_eq!(diagnostics(&report).len(), 2, "{report:#}");

    // A bad file given directly as the path to scan.
    let blob = write(tmp.path(), "blob.xml", b"\x00\x01binary");
    let (run, report) = scan_json(&blob, &[]);
    run.expect_code(0);
    assert_eq!(diagnostics(&report)[0]["code"], "binary", "{report:#}");
    let empty = write(tmp.path(), "empty.yaml", "");
    let (run, _) = scan_json(&empty, &[]);
    run.expect_code(0);
}

/// Inputs made to hurt parsers: deep nesting (stack), entity expansion
/// (memory), YAML alias bombs, a 5 MB line, thousands of nested keys.
#[test]
fn hostile_input_does_not_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "app", &[]);
    let n = 100_000;
    write(
        &app,
        "src/main/mule/deep.xml",
        format!(
            "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\">{}{}</mule>\n",
            "<a>".repeat(n),
            "</a>".repeat(n)
        ),
    );
    write(
        &app,
        "src/main/mule/entities.xml",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>\n<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\"><global-property name=\"x\" value=\"&d;&d;&d;&d;\"/></mule>\n",
    );
    write(
        &app,
        "src/main/resources/flow.yaml",
        format!("a: {}{}\n", "[".repeat(n), "]".repeat(n)),
    );
    write(
        &app,
        "src/main/resources/open.yaml",
        format!("a: {}\n", "{".repeat(n)),
    );
    let mut bomb = String::from(
        "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    write(&app, "src/main/resources/bomb.yaml", bomb);
    let nested: String = (0..3000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    write(
        &app,
        "src/main/resources/nested.yaml",
        format!(
            "{nested}{}password: \"Nested#Secret77\"\n",
            " ".repeat(3000)
        ),
    );
    write(
        &app,
        "src/main/resources/long.properties",
        format!("x.password={}\n", "A".repeat(5_000_000)),
    );
    write(&app, "src/main/resources/dev.yaml", PASSWORD_YAML);

    // A hang is caught by the harness's kill guard; speed is the benchmark's job.
    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_code(1);
    let keys = finding_keys(&report, tmp.path());
    assert!(
        keys.iter()
            .any(|(r, p, _)| r == "IG102" && p.ends_with("dev.yaml")),
        "{keys:?}"
    );
    // Whatever they say about these files, they say it with a path.
    for d in diagnostics(&report) {
        assert!(
            d["path"].as_str().is_some_and(|p| p.contains("app/")),
            "{d}"
        );
    }
    // The 5 MB value is masked and the snippet kept short.
    let long = findings(&report)
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("long.properties"));
    if let Some(f) = long {
        assert!(
            f["snippet"].as_str().is_none_or(|s| s.len() < 1000),
            "{}",
            &f["snippet"].to_string()[..200]
        );
        assert!(
            run.stdout.len() < 1_000_000,
            "the report does not carry the 5 MB value"
        );
    }
}

/// A file and a folder the scan may not read are each an `unreadable`
/// warning, and the password beside them is still found. Root reads
/// anything, so as root the scan runs as `nobody` (`setpriv`, util-linux).
#[cfg(unix)]
#[test]
fn unreadable_file_and_folder() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    // Others may enter the folders (a scan as `nobody` reaches the files).
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let app = mule4_app(tmp.path(), "app", &[]);
    let file = write(&app, "src/main/resources/secret.yaml", PASSWORD_YAML);
    let dir: PathBuf = app.join("src/main/locked");
    write(&app, "src/main/locked/x.yaml", PASSWORD_YAML);
    write(&app, "src/main/resources/dev.yaml", PASSWORD_YAML);
    fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o000)).unwrap();
    let root = fs::read(&file).is_ok();
    let run = if root {
        run_cmd(
            assert_cmd::Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(assert_cmd::cargo::cargo_bin("intguard"))
                .arg("scan")
                .arg(tmp.path())
                .args(["--format", "json"]),
        )
    } else {
        scan_json(tmp.path(), &[]).0
    };
    // Restore, so the temp folder can be removed.
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    run.expect_no_panic().expect_code(1);
    let report = run.json();
    let unreadable: Vec<(&str, &str)> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "unreadable")
        .map(|d| (d["path"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    for path in ["secret.yaml", "src/main/locked"] {
        assert!(
            unreadable
                .iter()
                .any(|(p, m)| p.ends_with(path) && m.contains("Permission denied")),
            "unreadable {path}: {report:#}"
        );
    }
    assert!(
        findings(&report)
            .iter()
            .any(|f| f["rule"] == "IG102" && f["path"].as_str().unwrap().ends_with("dev.yaml")),
        "{report:#}"
    );
}

/// Found by review: in a git work tree, `git ls-files` (asked which ignored
/// files git tracks) blocked forever on a FIFO among the ignore files it
/// reads, and so did the scan. Now the repository's `.git/info/exclude` is
/// checked before git is asked (a FIFO there: an `ignore-file` warning, and
/// git is not asked), and git gets `INTGUARD_GIT_TIMEOUT` seconds (a FIFO
/// `.gitignore` deeper in the tree: a `git-timeout` warning). Either way the
/// password beside it is still found. The walker read a nested
/// repository's `.git/info/exclude` as it met it, and blocked on a FIFO
/// there; it reads none now (the scanned repository's is read, checked,
/// before the walk), and the nested repository's password is found.
#[cfg(unix)]
#[test]
fn a_fifo_git_reads_does_not_stop_the_scan() {
    let scan = |root: &Path| {
        let run = run_cmd(
            intguard()
                .env("INTGUARD_GIT_TIMEOUT", "1")
                .arg("scan")
                .arg(root)
                .args(["--format", "json"]),
        );
        run.expect_no_panic().expect_code(1);
        run.json()
    };
    let password_found = |report: &Value| {
        findings(report).iter().any(|f| {
            f["rule"] == "IG102"
                && f["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("app/src/main/resources/dev.yaml")
        })
    };

    // A git repository at `dir` holding an app with a password, its
    // `.git/info/exclude` a FIFO.
    let repo_with_fifo_exclude = |dir: &Path| {
        let app = mule4_app(dir, "app", &[]);
        write(&app, "src/main/resources/dev.yaml", PASSWORD_YAML);
        git(dir, &["init", "-q"]);
        let exclude = dir.join(".git/info/exclude");
        let _ = fs::remove_file(&exclude);
        fs::create_dir_all(exclude.parent().unwrap()).unwrap();
        mkfifo(&exclude);
    };

    let tmp = tempfile::tempdir().unwrap();
    let excluded = tmp.path().join("excluded");
    repo_with_fifo_exclude(&excluded);
    let report = scan(&excluded);
    assert!(
        diagnostics(&report)
            .iter()
            .any(|d| d["code"] == "ignore-file"
                && d["path"].as_str().unwrap().ends_with(".git/info/exclude")),
        "{report}"
    );
    assert!(password_found(&report), "{report}");

    let nested = tmp.path().join("nested");
    let app = mule4_app(&nested, "app", &[]);
    write(&app, "src/main/resources/dev.yaml", PASSWORD_YAML);
    git(&nested, &["init", "-q"]);
    git(&nested, &["add", "-A"]);
    mkfifo(&app.join("src/.gitignore"));
    let report = scan(&nested);
    assert!(
        diagnostics(&report)
            .iter()
            .any(|d| d["code"] == "git-timeout"),
        "{report}"
    );
    assert!(password_found(&report), "{report}");

    let outer = tmp.path().join("outer");
    fs::create_dir_all(&outer).unwrap();
    git(&outer, &["init", "-q"]);
    repo_with_fifo_exclude(&outer.join("vendored"));
    let report = scan(&outer);
    assert!(password_found(&report), "{report}");
    assert!(diagnostics(&report).is_empty(), "{report}");
}

/// Found by review: for a relative root (`intguard scan .`), the folders
/// checked for an unsafe `.gitignore` stopped at the working folder, while
/// the walker reads the `.gitignore` of every folder above it too: a FIFO
/// there blocked the scan. The folders above are checked resolved now.
#[cfg(unix)]
#[test]
fn an_unsafe_ignore_file_above_a_relative_root_is_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    let app = mule4_app(&work, "app", &[]);
    write(&app, "src/main/resources/dev.yaml", PASSWORD_YAML);
    mkfifo(&tmp.path().join(".gitignore"));
    let run = run_cmd(
        intguard()
            .current_dir(&work)
            .env("INTGUARD_GIT_TIMEOUT", "1")
            .args(["scan", ".", "--format", "json"]),
    );
    run.expect_no_panic().expect_code(1);
    let report = run.json();
    let above = fs::canonicalize(tmp.path()).unwrap().join(".gitignore");
    assert!(
        diagnostics(&report)
            .iter()
            .any(|d| d["code"] == "ignore-file" && d["path"].as_str() == above.to_str()),
        "{report}"
    );
    assert!(
        findings(&report)
            .iter()
            .any(|f| f["rule"] == "IG102" && f["path"] == "./app/src/main/resources/dev.yaml"),
        "{report}"
    );
}

/// Found by review: the walker reads every `.gitignore` it meets, whole,
/// before any filter runs. A FIFO there blocked the scan forever; a link to
/// `/dev/zero` grew to gigabytes; a 4 MB one took 1.9 GB. Each is now left
/// unread with an `ignore-file` diagnostic, and its folder is scanned whole:
/// the password next to it is still found. A search tool's `.ignore` is not
/// read at all, whatever it is: what it hides is still committed.
#[cfg(unix)]
#[test]
fn ignore_files_that_cannot_be_read_safely_are_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo_app = mule4_app(tmp.path(), "fifo-app", &[]);
    let zero_app = mule4_app(tmp.path(), "zero-app", &[]);
    let big_app = mule4_app(tmp.path(), "big-app", &[]);
    let dot_ignore_app = mule4_app(tmp.path(), "dot-ignore-app", &[]);
    for app in [&fifo_app, &zero_app, &big_app, &dot_ignore_app] {
        write(app, "src/main/resources/dev.yaml", PASSWORD_YAML);
    }
    mkfifo(&fifo_app.join(".gitignore"));
    // And a FIFO named like a Mule file: not read (it would block), but said.
    let fifo_xml = fifo_app.join("src/main/mule/pipe.xml");
    fs::create_dir_all(fifo_xml.parent().unwrap()).unwrap();
    mkfifo(&fifo_xml);
    std::os::unix::fs::symlink("/dev/zero", zero_app.join(".gitignore")).unwrap();
    // A FIFO `.ignore` would block the walk too, were it read; in another
    // app, a `.ignore` that would hide the password file.
    mkfifo(&zero_app.join(".ignore"));
    write(&dot_ignore_app, ".ignore", "src/main/resources/*.yaml\n");
    // Patterns that would hide the password file, were they read.
    let big = "src/main/resources/*.yaml\n".repeat(50_000);
    write(&big_app, ".gitignore", big);
    // A hang is killed after support::TIMEOUT and fails here.
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(tmp.path())
            .args(["--format", "json"]),
    );
    run.expect_no_panic().expect_code(1);
    let report = run.json();
    for app in [
        "fifo-app/.gitignore",
        "zero-app/.gitignore",
        "big-app/.gitignore",
    ] {
        assert!(
            diagnostics(&report)
                .iter()
                .any(|d| d["code"] == "ignore-file" && d["path"].as_str().unwrap().ends_with(app)),
            "no ignore-file diagnostic for {app}: {report}"
        );
    }
    assert!(
        diagnostics(&report)
            .iter()
            .any(|d| d["code"] == "unreadable"
                && d["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("fifo-app/src/main/mule/pipe.xml")
                && d["message"]
                    .as_str()
                    .unwrap()
                    .contains("not a regular file")),
        "a FIFO named .xml is skipped without a word: {report}"
    );
    for app in ["fifo-app", "zero-app", "big-app", "dot-ignore-app"] {
        let path = format!("{app}/src/main/resources/dev.yaml");
        assert!(
            findings(&report)
                .iter()
                .any(|f| f["rule"] == "IG102" && f["path"].as_str().unwrap().ends_with(&path)),
            "the password in {path} is not reported: {report}"
        );
    }
}

/// Found by review: a Mule XML file saved as UTF-16 (with its byte order
/// mark, as some Windows editors do) was skipped as binary, and its clear
/// password went unreported. It is read as the text it is, and its snippet
/// is decoded too (read as bytes, the password's letters would have come out
/// between NULs, past the masking).
#[test]
fn utf16_files_are_read_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "utf16-app", &[]);
    let xml = format!(
        "{MULE_XML_HEAD}  <salesforce:sfdc-config name=\"SF\">\n    <salesforce:basic-connection username=\"u16@acme.example\" password=\"Utf16Secret#2024\"/>\n  </salesforce:sfdc-config>\n</mule>\n"
    );
    let line = xml.lines().position(|l| l.contains("Utf16Secret")).unwrap() as u64 + 1;
    for (name, bom, little) in [
        ("le.xml", [0xFF, 0xFE], true),
        ("be.xml", [0xFE, 0xFF], false),
    ] {
        let mut bytes = bom.to_vec();
        for unit in xml.encode_utf16() {
            let pair = if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            bytes.extend(pair);
        }
        write(&app, &format!("src/main/mule/{name}"), bytes);
    }
    for format in ["text", "json", "sarif", "markdown", "html"] {
        let run = run_cmd(intguard().arg("scan").arg(&app).args(["--format", format]));
        run.expect_no_panic().expect_code(1);
        assert!(
            !run.stdout.contains("Utf16Secret"),
            "{format}: {}",
            run.stdout
        );
        if format == "json" {
            let report = run.json();
            for name in ["le.xml", "be.xml"] {
                assert!(
                    findings(&report).iter().any(|f| f["rule"] == "IG102"
                        && f["line"] == line
                        && f["path"].as_str().unwrap().ends_with(name)
                        && f["snippet"].as_str().unwrap().contains("basic-connection")),
                    "{name}: {report}"
                );
            }
            assert!(
                diagnostics(&report).iter().all(|d| d["code"] != "binary"),
                "{report}"
            );
        }
    }
}

/// Found by review: XML that Mule would refuse at deploy (a bare `&`, an
/// unquoted value, an attribute written twice) was read without a word; the
/// findings in it stand, and an `xml-malformed` warning says where the file
/// breaks, once per file.
#[test]
fn xml_that_mule_would_refuse_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "sloppy-app", &[]);
    let cases = [
        (
            "amp.xml",
            r#"url="https://a.example/x?a=1&b=2""#,
            "a bare `&`",
        ),
        ("unquoted.xml", "url=https://a.example/x", "without quotes"),
        (
            "twice.xml",
            r#"username="a@acme.example" username="b@acme.example""#,
            "written twice",
        ),
    ];
    for (name, attr, _) in cases {
        write(
            &app,
            &format!("src/main/mule/{name}"),
            format!(
                "{MULE_XML_HEAD}  <salesforce:sfdc-config name=\"SF\">\n    <salesforce:basic-connection {attr} password=\"Sloppy#Secret1\"/>\n  </salesforce:sfdc-config>\n</mule>\n"
            ),
        );
    }
    let (run, report) = scan_json(&app, &[]);
    run.expect_no_panic().expect_code(1);
    for (name, _, what) in cases {
        let d = diagnostics(&report)
            .iter()
            .filter(|d| d["code"] == "xml-malformed" && d["path"].as_str().unwrap().ends_with(name))
            .collect::<Vec<_>>();
        assert_eq!(d.len(), 1, "{name}: {report}");
        assert!(
            d[0]["message"].as_str().unwrap().contains(what),
            "{name}: {}",
            d[0]
        );
        assert!(d[0]["line"].as_u64().unwrap() > 1, "{name}: {}", d[0]);
        assert!(
            findings(&report)
                .iter()
                .any(|f| f["rule"] == "IG102" && f["path"].as_str().unwrap().ends_with(name)),
            "the password in {name} is still reported: {report}"
        );
    }
}

/// An encrypted value in a file only a plain `<configuration-properties>`
/// loads is read by Mule as its text: a `not-decrypted` warning at the
/// value, naming the way to load it. The same value in the file the
/// secure-properties configuration loads is fine.
#[test]
fn an_encrypted_value_no_secure_config_loads_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "orders", &["sfdc.password"]);
    write(
        &app,
        "src/main/mule/global.xml",
        format!(
            r#"{MULE_XML_HEAD}  <configuration-properties file="config.yaml"/>
  <secure-properties:config name="Secure" file="secure.yaml" key="${{encryption.key}}">
    <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
  </secure-properties:config>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="int@acme.com" password="${{sfdc.password}}" securityToken="${{secure::sfdc.token}}"/>
  </salesforce:sfdc-config>
</mule>
"#
        ),
    );
    let config = "sfdc:\n  url: \"https://login.salesforce.com\"\n  password: \"![Zm9vYmFyYmF6cXV4MTIzNA==]\"\n";
    write(&app, "src/main/resources/config.yaml", config);
    write(
        &app,
        "src/main/resources/secure.yaml",
        "sfdc:\n  token: \"![cXV4cXV4cXV4cXV4cXV4cQ==]\"\n",
    );
    let (_, report) = scan_json(&app, &["--fail-on", "none"]);
    let warnings: Vec<&Value> = diagnostics(&report)
        .iter()
        .filter(|d| d["code"] == "not-decrypted")
        .collect();
    assert_eq!(warnings.len(), 1, "{report:#}");
    let w = warnings[0];
    assert!(w["path"]
        .as_str()
        .unwrap()
        .ends_with("src/main/resources/config.yaml"));
    assert_eq!(w["level"], "warning");
    let (line, column) = pos_in(config, "password");
    assert_eq!(
        (w["line"].as_u64(), w["column"].as_u64()),
        (Some(line), Some(column))
    );
    let message = w["message"].as_str().unwrap();
    assert_eq!(
        message,
        "orders: `sfdc.password` in config.yaml is encrypted (![...]) but only a plain <configuration-properties> loads the file: Mule does not decrypt it, so what reads the property gets the encrypted text; load the file with <secure-properties:config> and read it as ${secure::sfdc.password}"
    );
}

/// A property file an import names but for its spelling: `scan` and
/// `identities` warn (`code`) at the import's line (`file="<import>"`),
/// naming the file at `file` (under `src/main/resources/`), and the user it
/// defines is not taken for the app's.
fn assert_misnamed_file_warned_at_the_import(import: &str, file: &str, code: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "orders", &[]);
    let xml = format!(
        r#"{MULE_XML_HEAD}  <configuration-properties file="{import}"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:jwt-connection consumerKey="3MVG9misnamed" keyStore="k.jks" storePassword="${{secure::ks}}" principal="${{sf.user}}"/>
  </salesforce:sfdc-config>
</mule>
"#
    );
    write(&app, "src/main/mule/global.xml", &xml);
    write(
        &app,
        &format!("src/main/resources/{file}"),
        "sf:\n  user: \"misnamed@acme.example\"\n",
    );
    let (line, column) = pos_in(&xml, &format!("file=\"{import}\""));
    for args in [vec!["scan", "-f", "json"], vec!["identities", "-f", "json"]] {
        let mut args: Vec<&str> = args;
        args.push(app.to_str().unwrap());
        let run = run(&args);
        run.expect_no_panic();
        let report = run.json();
        let warnings: Vec<&Value> = diagnostics(&report)
            .iter()
            .filter(|d| d["code"] == code)
            .collect();
        assert_eq!(warnings.len(), 1, "{args:?}: {report:#}");
        let w = warnings[0];
        assert!(w["path"]
            .as_str()
            .unwrap()
            .ends_with("src/main/mule/global.xml"));
        assert_eq!(
            (w["line"].as_u64(), w["column"].as_u64()),
            (Some(line), Some(column)),
            "{w}"
        );
        let message = w["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("src/main/resources/{file}` is not loaded"))
                && message.contains(&format!("names `{import}`")),
            "{message}"
        );
        // Not loaded: its user is not the app's.
        assert!(
            !report.to_string().contains("misnamed@acme.example"),
            "{report:#}"
        );
    }
}

/// A property file whose name differs from the import's only in letter
/// case (`Dev.yaml` for `dev.yaml`, as a Windows or macOS checkout loads it
/// in Studio) is not found on Linux or CloudHub.
#[test]
fn a_property_file_named_in_another_letter_case_is_warned_at_the_import() {
    assert_misnamed_file_warned_at_the_import(
        "properties/dev.yaml",
        "properties/Dev.yaml",
        "property-file-case",
    );
}

/// A property file whose name differs from the import's only in its YAML
/// extension (`config/dev.yml` for `config/${mule.env}.yaml`) is loaded by
/// no Mule runtime.
#[test]
fn a_property_file_named_with_the_other_yaml_extension_is_warned_at_the_import() {
    assert_misnamed_file_warned_at_the_import(
        "config/${mule.env}.yaml",
        "config/dev.yml",
        "property-file-extension",
    );
}

/// Two files whose names are not UTF-8 and differ only there (`café` and
/// `cafè` saved from a Latin-1 system) are two places in every format:
/// their paths spell the byte (`\xE9`), their fingerprints differ (a
/// baseline of one does not hide the other), the text shows each one's
/// line, and SARIF names each file by its own bytes (`%E9`). With U+FFFD
/// for the byte both read `caf\u{FFFD}.txt`, with one fingerprint and no
/// snippet.
#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_stay_apart_in_every_format() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    const TOKEN: &str =
        "00D5g000004LtN1!AQ0AQLatin1NameTokenBody7xK2mV9pLrW3sN8cQ1eH6jB0uY5iO2aZ4dG7fM9tR3wE";
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let place = |byte: u8| {
        root.join(OsStr::from_bytes(&[
            b'c', b'a', b'f', byte, b'.', b't', b'x', b't',
        ]))
    };
    fs::write(place(0xE9), format!("token: {TOKEN}\n")).unwrap();
    let baseline = tempfile::NamedTempFile::new().unwrap();
    let baseline = baseline.path().to_str().unwrap();
    let (run, _) = scan_json(root, &["--write-baseline", baseline]);
    run.expect_code(0);
    fs::write(place(0xE8), format!("\n\ntoken: {TOKEN}\n")).unwrap();

    let (run, report) = scan_json(root, &[]);
    run.expect_code(1);
    let mut places: Vec<(String, u64, String)> = findings(&report)
        .iter()
        .map(|f| {
            assert_eq!(f["rule"], "IG106", "{f}");
            let path = f["path"].as_str().unwrap();
            let name = path.rsplit('/').next().unwrap().to_string();
            (
                name,
                f["line"].as_u64().unwrap(),
                f["fingerprint"].to_string(),
            )
        })
        .collect();
    places.sort();
    assert_eq!(places.len(), 2, "{places:?}");
    assert_eq!((places[0].0.as_str(), places[0].1), ("caf\\xE8.txt", 3));
    assert_eq!((places[1].0.as_str(), places[1].1), ("caf\\xE9.txt", 1));
    assert_ne!(places[0].2, places[1].2, "one fingerprint for two files");

    // The baseline written with `café` alone leaves `cafè` new.
    let (run, report) = scan_json(root, &["--baseline", baseline]);
    run.expect_code(1);
    let new: Vec<&str> = findings(&report)
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(new.len(), 1, "{new:?}");
    assert!(new[0].ends_with("caf\\xE8.txt"), "{new:?}");

    for (format, run) in scan_every_format(root, &[]) {
        run.expect_code(1);
        assert!(
            !run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN),
            "{format}"
        );
        assert!(!run.stdout.contains('\u{FFFD}'), "{format}: {}", run.stdout);
        match format {
            "text" => {
                assert!(run.stdout.contains("caf\\xE9.txt:1:8"), "{}", run.stdout);
                assert!(run.stdout.contains("caf\\xE8.txt:3:8"), "{}", run.stdout);
                // Each file's own line, masked.
                assert!(run.stdout.contains("1 | token: 00"), "{}", run.stdout);
                assert!(run.stdout.contains("3 | token: 00"), "{}", run.stdout);
            }
            "sarif" => {
                let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
                let mut uris: Vec<&str> = sarif["runs"][0]["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                            .as_str()
                            .unwrap()
                    })
                    .collect();
                uris.sort();
                assert_eq!(uris, ["caf%E8.txt", "caf%E9.txt"]);
            }
            _ => {}
        }
    }
}

/// A property defined through itself, directly (`sfdc.username=${sfdc.username}`
/// in a Mule 3 domain's file, an app kept whole) or through another
/// (`sf.user` and `sf.login` in a Mule 4 app's dev file, a compact app):
/// a `property-cycle` warning at the loop's first definition, naming each
/// definition and the environment, from `scan` and `identities`; the
/// environment without the loop resolves.
#[test]
fn a_property_defined_through_itself_is_warned_at_its_definition() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "orders", &[]);
    let xml = format!(
        r#"{MULE_XML_HEAD}  <configuration-properties file="config/${{mule.env}}.yaml"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:jwt-connection consumerKey="3MVG9loop" keyStore="k.jks" storePassword="${{ks.password}}" principal="${{sf.user}}"/>
  </salesforce:sfdc-config>
</mule>
"#
    );
    write(&app, "src/main/mule/global.xml", &xml);
    let dev = "sf:\n  user: \"${sf.login}\"\n  login: \"${sf.user}\"\n";
    write(&app, "src/main/resources/config/dev.yaml", dev);
    write(
        &app,
        "src/main/resources/config/prod.yaml",
        "sf:\n  user: \"int.orders@acme.example\"\n",
    );
    let domain = tmp.path().join("legacy-domain");
    write(
        &domain,
        "pom.xml",
        "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.acme</groupId>\n  <artifactId>legacy-domain</artifactId>\n  <version>1.0.0</version>\n  <packaging>mule-domain</packaging>\n</project>\n",
    );
    write(
        &domain,
        "src/main/domain/mule-domain-config.xml",
        "<mule-domain xmlns=\"http://www.mulesoft.org/schema/mule/domain\"\n    xmlns:context=\"http://www.springframework.org/schema/context\"\n    xmlns:sfdc=\"http://www.mulesoft.org/schema/mule/sfdc\">\n  <context:property-placeholder location=\"domain.${env}.properties\"/>\n  <sfdc:config name=\"Legacy_SF\" username=\"${sfdc.username}\" password=\"${sfdc.password}\"/>\n</mule-domain>\n",
    );
    write(
        &domain,
        "src/main/resources/domain.prod.properties",
        "sfdc.username=${sfdc.username}\nsfdc.password=${sfdc.password.vault}\n",
    );
    let root = tmp.path().to_str().unwrap();
    for command in ["scan", "identities"] {
        let run = run([command, "-f", "json", root]);
        run.expect_no_panic();
        let report = run.json();
        let mut got: Vec<(String, u64, u64, String)> = diagnostics(&report)
            .iter()
            .filter(|d| d["code"] == "property-cycle")
            .map(|d| {
                assert_eq!(d["level"], "warning", "{d}");
                let path = d["path"].as_str().unwrap();
                let rel = path.strip_prefix(root).unwrap().trim_start_matches('/');
                (
                    rel.to_string(),
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap(),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        got.sort();
        assert_eq!(got.len(), 2, "{command}: {got:#?}");
        let (path, line, column, message) = &got[0];
        assert_eq!(
            (path.as_str(), *line, *column),
            (
                "legacy-domain/src/main/resources/domain.prod.properties",
                1,
                1
            )
        );
        assert!(
            message.starts_with("legacy-domain: `sfdc.username` (domain.prod.properties:1) is defined through itself in prod: it has no value there"),
            "{message}"
        );
        let (path, line, column, message) = &got[1];
        assert_eq!(
            (path.as_str(), *line, *column),
            ("orders/src/main/resources/config/dev.yaml", 2, 3)
        );
        assert!(
            message.starts_with("orders: `sf.user` (dev.yaml:2) -> `sf.login` (dev.yaml:3) -> `sf.user` read each other in a loop in dev: none of them has a value there"),
            "{message}"
        );
    }
    // The text report gives them too, and prod's user is known.
    let text = run(["scan", "--fail-on", "none", root]);
    assert_eq!(
        text.stdout.matches("warning[property-cycle]").count(),
        2,
        "{}",
        text.stdout
    );
    let (_, report) = scan_json(&app, &[]);
    let identities: Vec<&str> = findings(&report)
        .iter()
        .filter_map(|f| f["identity"].as_str())
        .collect();
    assert!(
        identities.contains(&"int.orders@acme.example"),
        "{report:#}"
    );
}
