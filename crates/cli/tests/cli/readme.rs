//! What the README shows of the binary is what the binary does: the `scan`
//! options table names every option `scan --help` has, and the sample outputs
//! of `scan` and `identities` on the example are its real output (a line
//! `...` stands for the lines it leaves out).

use crate::support;

use support::*;

fn readme() -> String {
    std::fs::read_to_string(workspace().join("README.md")).expect("README.md")
}

/// The lines of the README's `text` block that starts with `$ {command}`,
/// without that line.
fn sample(readme: &str, command: &str) -> Vec<String> {
    let start = readme
        .find(&format!("\n$ {command}\n"))
        .unwrap_or_else(|| panic!("the README shows `$ {command}`"));
    let body = &readme[start + command.len() + 4..];
    let end = body.find("\n```").expect("the sample's block ends");
    body[..end].lines().map(str::to_string).collect()
}

/// A sample's line is the real one, or its beginning when it ends with
/// ` ...` (a long fix cut short).
fn same_line(sample: &str, real: &str) -> bool {
    match sample.strip_suffix(" ...") {
        Some(start) => real.starts_with(start),
        None => sample == real,
    }
}

/// Each run of a sample's lines between `...` lines is found, in order and
/// contiguous, in the real output; the first run starts the output and the
/// last one ends it unless a `...` line stands there.
fn assert_sample_is_output(sample: &[String], output: &str, what: &str) {
    let real: Vec<&str> = output.lines().collect();
    let elided = |l: &str| l.trim() == "...";
    let mut at = 0usize;
    let mut first = true;
    for run in sample.split(|l| elided(l)) {
        if run.is_empty() {
            first = false;
            continue;
        }
        let found = (at..=real.len().saturating_sub(run.len()))
            .find(|&i| run.iter().zip(&real[i..]).all(|(a, b)| same_line(a, b)))
            .unwrap_or_else(|| {
                panic!(
                    "{what}: the README's lines\n{}\nare not in the real output:\n{output}",
                    run.join("\n")
                )
            });
        assert!(
            !first || found == 0,
            "{what}: the real output starts with {:?}, the README's sample with {:?}",
            real.first(),
            run[0]
        );
        first = false;
        at = found + run.len();
    }
    if !sample.last().is_some_and(|l| elided(l)) {
        assert_eq!(
            at,
            real.len(),
            "{what}: the real output goes on after the sample"
        );
    }
}

#[test]
fn scan_options_table_names_every_option() {
    let help = run(["scan", "--help"]);
    help.expect_code(0);
    let readme = readme();
    let section = &readme[readme.find("## `intguard scan`").expect("scan section")..];
    let table = &section[..section.find("\nExit codes").expect("the table ends")];
    let options: Vec<&str> = help
        .stdout
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .filter(|w| !["--help", "--version"].contains(w))
        .collect();
    assert!(options.contains(&"--org-snapshot"), "{}", help.stdout);
    for option in options {
        let named = table.match_indices(option).any(|(i, _)| {
            !table[i + option.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
        });
        assert!(
            named,
            "the README's `intguard scan` options table does not name {option}"
        );
    }
}

#[test]
fn identities_sample_is_the_real_output() {
    let readme = readme();
    let command = "intguard identities examples/acme-integrations --only int.orders@acme.com";
    let run = intguard()
        .current_dir(workspace())
        .args([
            "identities",
            "examples/acme-integrations",
            "--only",
            "int.orders@acme.com",
        ])
        .output()
        .expect("intguard runs");
    assert_eq!(run.status.code(), Some(0));
    let stdout = String::from_utf8(run.stdout).expect("UTF-8");
    assert_sample_is_output(&sample(&readme, command), &stdout, "identities");
}

/// The scan sample's first finding (up to its first blank line) is found
/// as shown, and it ends with the real summary.
#[test]
fn scan_sample_is_the_real_output() {
    let readme = readme();
    let command = "intguard scan examples/acme-integrations";
    let run = intguard()
        .current_dir(workspace())
        .args(["scan", "examples/acme-integrations"])
        .output()
        .expect("intguard runs");
    assert_eq!(run.status.code(), Some(1));
    let stdout = String::from_utf8(run.stdout).expect("UTF-8");
    let sample = sample(&readme, command);
    let first: Vec<String> = sample
        .iter()
        .take_while(|l| !l.is_empty())
        .cloned()
        .chain(["...".to_string()])
        .collect();
    let summary = &sample[sample.len() - 2..];
    let real: Vec<&str> = stdout.lines().collect();
    assert_eq!(summary, &real[real.len() - 2..], "the scan's summary");
    let start = real
        .iter()
        .position(|l| *l == first[0])
        .unwrap_or_else(|| panic!("{} is not in the output", first[0]));
    assert_sample_is_output(&first, &real[start..].join("\n"), "scan");
}

/// `intguard --help` names the fix commands the README documents.
#[test]
fn help_names_every_fix_command() {
    let help = run(["--help"]);
    help.expect_code(0);
    let readme = readme();
    for command in ["fix secrets", "fix jwt", "fix permissions"] {
        assert!(
            readme.contains(&format!("## `intguard {command}`"))
                || readme.contains(&format!("`intguard {command}`"))
        );
        assert!(
            help.stdout.contains(&format!("`{command}`")),
            "intguard --help does not name `{command}`:\n{}",
            help.stdout
        );
    }
}

/// The README's IG203 row: an OAuth app that lets all users self-authorize
/// is reported whether or not an integration uses it (its profile and
/// permission set lists do not apply).
#[test]
fn ig203_reports_a_self_authorized_app_no_integration_uses() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path();
    write(
        root,
        "sfdx-project.json",
        r#"{"packageDirectories":[{"path":"force-app","default":true}]}"#,
    );
    write(
        root,
        "force-app/main/default/connectedApps/Data_Loader.connectedApp-meta.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>Data Loader</label>
    <oauthConfig>
        <consumerKey>3MVG9exampleKey</consumerKey>
        <isAdminApproved>false</isAdminApproved>
        <scopes>Api</scopes>
    </oauthConfig>
</ConnectedApp>
"#,
    );
    let (_, report) = scan_json(root, &["--fail-on", "none"]);
    assert_eq!(rules_of(&report), vec!["IG203".to_string()], "{report:#}");
    assert!(readme().contains(
        "| IG203 | not-admin-approved | high | an OAuth app that lets users self-authorize"
    ));
}

/// The `fix jwt` sample is its real output on the example's orders-sapi
/// (standard error; the diff goes to standard output).
#[test]
fn fix_jwt_sample_is_the_real_output() {
    let readme = readme();
    let command = "intguard fix jwt --dry-run > /dev/null";
    let run = intguard()
        .current_dir(example_app("orders-sapi"))
        .args(["fix", "jwt", "--dry-run"])
        .output()
        .expect("intguard runs");
    assert_eq!(run.status.code(), Some(0));
    let stderr = String::from_utf8(run.stderr).expect("UTF-8");
    assert_sample_is_output(&sample(&readme, command), &stderr, "fix jwt");
}
