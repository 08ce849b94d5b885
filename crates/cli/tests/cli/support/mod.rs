//! Helpers shared by the end-to-end tests of the `intguard` binary: running it,
//! reading its JSON, and building Mule apps in temp folders.
//!
//! Each test file uses some of them only.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

/// How long one run may take before it is killed (a hang fails the test
/// instead of stalling the suite); generous for debug builds on busy machines.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// The `intguard` binary, with an environment that does not depend on the
/// caller's terminal settings, killed after [`TIMEOUT`].
pub fn intguard() -> Command {
    let mut cmd = Command::cargo_bin("intguard").expect("the intguard binary is built");
    cmd.timeout(TIMEOUT)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("RUST_BACKTRACE")
        .env_remove("INTGUARD_READERS_TIMING");
    cmd
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// `examples/acme-integrations`.
pub fn example() -> PathBuf {
    workspace().join("examples/acme-integrations")
}

/// One app of the example, e.g. `invoices-eapi`.
pub fn example_app(name: &str) -> PathBuf {
    example().join(name)
}

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout parsed as JSON (for `--format json` and `--format sarif`).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts the exit code, showing the output when it differs.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code {} (expected {code})\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Asserts that the binary finished without a panic (Rust's panic exit
    /// code is 101).
    pub fn expect_no_panic(&self) -> &Self {
        assert_ne!(self.code, -1, "intguard did not finish:\n{}", self.stderr);
        assert_ne!(self.code, 101, "intguard panicked:\n{}", self.stderr);
        assert!(
            !self.stderr.contains("panicked"),
            "intguard panicked:\n{}",
            self.stderr
        );
        self
    }
}

/// Runs `intguard` with these arguments.
pub fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_cmd(intguard().args(args))
}

/// Runs a prepared command.
/// Exit code -1 means killed: after [`TIMEOUT`], or by a signal.
pub fn run_cmd(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("intguard runs");
    let mut stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    let code = out.status.code().unwrap_or_else(|| {
        stderr.push_str(&format!(
            "\n[test: intguard was killed ({}), after at most {TIMEOUT:?}]",
            out.status
        ));
        -1
    });
    Run {
        code,
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr,
    }
}

/// `intguard scan PATH --format json EXTRA...`, with the report parsed.
pub fn scan_json(path: &Path, extra: &[&str]) -> (Run, Value) {
    let mut args: Vec<&OsStr> = vec![OsStr::new("scan"), path.as_os_str()];
    args.extend([OsStr::new("--format"), OsStr::new("json")]);
    args.extend(extra.iter().map(OsStr::new));
    let run = run(args);
    let json = run.expect_no_panic().json();
    (run, json)
}

/// `intguard scan path` in every output format (no colour), with `extra`
/// arguments: (format, run), each run checked not to have panicked.
pub fn scan_every_format(path: &Path, extra: &[&str]) -> Vec<(&'static str, Run)> {
    ["text", "json", "sarif", "markdown", "html"]
        .into_iter()
        .map(|format| {
            let run = run_cmd(
                intguard()
                    .arg("scan")
                    .arg(path)
                    .args(["--format", format, "--color", "never"])
                    .args(extra),
            );
            run.expect_no_panic();
            (format, run)
        })
        .collect()
}

/// Scans `path` in every format (no colour): each run exits 1 and prints
/// none of `secrets`, on stdout or stderr.
pub fn assert_masked_in_every_format(path: &Path, secrets: &[&str]) {
    for (format, run) in scan_every_format(path, &[]) {
        run.expect_code(1);
        for s in secrets {
            assert!(!run.stdout.contains(s), "{format} prints {s}");
            assert!(!run.stderr.contains(s), "{format} prints {s} on stderr");
        }
    }
}

/// The report's findings.
pub fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings is an array")
}

/// The report's diagnostics.
pub fn diagnostics(report: &Value) -> &Vec<Value> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics is an array")
}

/// `(rule, path relative to root, line)` of every finding, where `root` is
/// the path given on the command line.
pub fn finding_keys(report: &Value, root: &Path) -> Vec<(String, String, u64)> {
    let root = root.to_string_lossy().replace('\\', "/");
    let mut keys: Vec<(String, String, u64)> = findings(report)
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let rel = path
                .strip_prefix(root.as_str())
                .map(|p| p.trim_start_matches('/'))
                .unwrap_or(path);
            (
                f["rule"].as_str().unwrap().to_string(),
                rel.to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    keys.sort();
    keys
}

/// Rule ids of the findings, sorted, with repeats.
pub fn rules_of(report: &Value) -> Vec<String> {
    let mut rules: Vec<String> = findings(report)
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    rules.sort();
    rules
}

/// Writes a file, creating its folders.
pub fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, content).unwrap();
    path
}

/// Copies a folder tree (regular files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if kind.is_file() {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of the fix crate's fixture `name` (`crates/fix/tests/fixtures/NAME`) in a new
/// temp folder; returns the folder and the copy's path.
pub fn fix_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join(name);
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fix/tests/fixtures")
            .join(name),
        &app,
    );
    (dir, app)
}

/// Every file under `dir` (the `.git` folder excepted) with its bytes: what a
/// command changed, compared before and after.
pub fn file_tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    fn walk(d: &Path, out: &mut std::collections::BTreeMap<PathBuf, Vec<u8>>) {
        for e in fs::read_dir(d).unwrap() {
            let e = e.unwrap();
            if e.file_name() == ".git" {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), out);
            } else {
                out.insert(e.path(), fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, &mut out);
    out
}

/// A copy of one example app (or of the whole example with `""`) in a new
/// temp folder; returns the folder and the copy's path.
pub fn copy_example(app: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let name = if app.is_empty() {
        "acme-integrations"
    } else {
        app
    };
    let to = tmp.path().join(name);
    let from = if app.is_empty() {
        example()
    } else {
        example_app(app)
    };
    copy_tree(&from, &to);
    (tmp, to)
}

pub const MULE_XML_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:doc="http://www.mulesoft.org/schema/mule/documentation"
      xmlns:http="http://www.mulesoft.org/schema/mule/http"
      xmlns:tls="http://www.mulesoft.org/schema/mule/tls"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce"
      xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties">
"#;

/// A Mule 4 app at `root/name`: a pom with packaging `mule-application` and a
/// `mule-artifact.json` listing `secure` as secure properties.
pub fn mule4_app(root: &Path, name: &str, secure: &[&str]) -> PathBuf {
    let app = root.join(name);
    write(
        &app,
        "pom.xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.acme</groupId>
  <artifactId>{name}</artifactId>
  <version>1.0.0</version>
  <packaging>mule-application</packaging>
</project>
"#
        ),
    );
    let list: Vec<String> = secure.iter().map(|s| format!("\"{s}\"")).collect();
    write(
        &app,
        "mule-artifact.json",
        format!(
            "{{\n  \"minMuleVersion\": \"4.4.0\",\n  \"secureProperties\": [{}]\n}}\n",
            list.join(", ")
        ),
    );
    app
}

/// 1-based (line, column) of the first occurrence of `needle` in `text`.
pub fn pos_in(text: &str, needle: &str) -> (u64, u64) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count() as u64
        + 1;
    (line, col)
}

/// True when the text holds an ANSI escape sequence.
pub fn has_ansi(text: &str) -> bool {
    text.contains('\u{1b}')
}

/// Runs git in `dir` (with a committer identity, for commits), which every
/// clone of this repository has.
pub fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .expect("git is installed")
        .status
        .success();
    assert!(ok, "git {args:?}");
}

/// Makes a FIFO at `path`: a file whose reading blocks until a writer comes.
#[cfg(unix)]
pub fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
}
