//! A reader that stops early (`intguard scan | head`): the pipe closes while
//! intguard writes. That is no error and never a panic: stderr stays empty
//! and the exit code is what it would have been (for `scan`, what the
//! findings make it, so a CI step's `--fail-on` still holds).

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;

/// Runs intguard with `args`, reads the first bytes of its output, closes
/// the pipe and returns (exit code, stderr). The outputs used are several
/// times a pipe's 64 KiB buffer, so intguard is still writing then.
fn read_a_little(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut child = Command::cargo_bin("intguard")
        .unwrap()
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read on its own: a dry run reports its plan on stderr first.
    let mut stderr = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).unwrap();
        text
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let code = child.wait().unwrap().code();
    (code, stderr.join().unwrap())
}

/// One app with `n` plaintext passwords in a properties file: a report and
/// a `fix secrets` diff of hundreds of KiB.
fn many_secrets(root: &Path, n: usize) {
    let app = root.join("app");
    std::fs::create_dir_all(app.join("src/main/mule")).unwrap();
    std::fs::create_dir_all(app.join("src/main/resources")).unwrap();
    std::fs::write(app.join("mule-artifact.json"), "{}").unwrap();
    let props: String = (0..n)
        .map(|i| format!("svc{i}.password=Plain{i}Secret\n"))
        .collect();
    std::fs::write(app.join("src/main/resources/config.properties"), props).unwrap();
    std::fs::write(
        app.join("src/main/mule/global.xml"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <configuration-properties file="config.properties"/>
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="int@acme.com" password="${svc0.password}" securityToken="${svc1.password}"/>
  </salesforce:sfdc-config>
</mule>
"#,
    )
    .unwrap();
}

#[test]
fn scan_keeps_its_exit_code_when_the_reader_stops() {
    let dir = tempfile::tempdir().unwrap();
    many_secrets(dir.path(), 2_000);
    for format in ["text", "json", "sarif"] {
        let (code, stderr) = read_a_little(&["scan", "app", "--format", format], dir.path(), &[]);
        assert_eq!(code, Some(1), "{format}: {stderr}");
        assert_eq!(stderr, "", "{format}");
    }
    let (code, stderr) = read_a_little(
        &["scan", "app", "--format", "json", "--fail-on", "none"],
        dir.path(),
        &[],
    );
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
}

#[test]
fn identities_and_a_dry_run_end_quietly_when_the_reader_stops() {
    let dir = tempfile::tempdir().unwrap();
    // A diff of about 140 KiB (each insert into the secure file reads it
    // again: more would be slow in a debug build).
    many_secrets(dir.path(), 1_000);
    let (code, stderr) = read_a_little(
        &[
            "fix",
            "secrets",
            "app",
            "--key-env",
            "IG_PIPE_KEY",
            "--dry-run",
        ],
        dir.path(),
        &[("IG_PIPE_KEY", "0123456789abcdef")],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme-integrations");
    let example = example.to_str().unwrap();
    let (code, stderr) = read_a_little(
        &["identities", example, "--format", "json"],
        dir.path(),
        &[],
    );
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
}
