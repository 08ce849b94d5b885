//! Shared harness for per-rule fixture tests: read a fixture tree with the real
//! readers, build the identity graph as the engine does, run one rule, and
//! compare `(path, line)` pairs.

use std::path::{Path, PathBuf};

use intguard_model::{Finding, Inventory};
use intguard_readers::{read_paths_with, ReadOptions};

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Reads the fixture tree the way `intguard_engine::read_inventory` does:
/// read, each app's operations and HTTP requests digested as it is read
/// (what a scan drops, no rule sees), then build the identity graph (the
/// fixtures carry no `intguard.toml`, so there are no config identity hints
/// to apply; the rules crate must not depend on the engine).
pub fn inventory(rel: &str) -> Inventory {
    let root = fixture(rel);
    assert!(root.exists(), "missing fixture {}", root.display());
    assert!(
        !root.join("intguard.toml").exists(),
        "fixture {rel} has an intguard.toml: the harness does not apply config identity hints"
    );
    let mut inv = read_paths_with(&[root], &ReadOptions::default(), &|app, _, _| {
        app.digest_operations();
        app.digest_http_requests();
    });
    inv.build_identities();
    inv
}

/// Runs rule `id` over the fixture tree `rel` and returns its findings.
pub fn run(id: &str, rel: &str) -> Vec<Finding> {
    let rule = intguard_rules::find_rule(id).unwrap_or_else(|| panic!("no rule {id}"));
    let inv = inventory(rel);
    let mut findings = rule.run(&inv);
    findings.sort_by(|a, b| a.location.cmp(&b.location));
    for f in &findings {
        assert_eq!(f.rule, id, "rule {id} emitted a finding for {}", f.rule);
        assert!(
            !f.fix.is_empty(),
            "{id} finding without a fix: {}",
            f.message
        );
        assert!(!f.fingerprint_key.is_empty(), "{id} finding without a key");
    }
    findings
}

/// The first finding at `line` of the file whose path ends with `file`.
pub fn finding_at<'a>(findings: &'a [Finding], file: &str, line: u32) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.location.path.ends_with(file) && f.location.line == line)
        .unwrap_or_else(|| panic!("no finding at {file}:{line}"))
}

/// `(file name, line)` of each related location of a finding, in order.
pub fn related_places(f: &Finding) -> Vec<(String, u32)> {
    f.related
        .iter()
        .map(|r| (r.path.rsplit('/').next().unwrap_or("").to_string(), r.line))
        .collect()
}

/// `(path relative to the fixture root, line)` of each finding, sorted.
pub fn places(id: &str, rel: &str) -> Vec<(String, u32)> {
    let root = fixture(rel);
    let root = root.to_string_lossy().replace('\\', "/");
    let mut out: Vec<(String, u32)> = run(id, rel)
        .into_iter()
        .map(|f| {
            let path = f
                .location
                .path
                .strip_prefix(root.as_str())
                .unwrap_or(&f.location.path)
                .trim_start_matches('/')
                .to_string();
            (path, f.location.line)
        })
        .collect();
    out.sort();
    out
}

/// Asserts the rule finds exactly `expected` (path, line) pairs.
pub fn assert_places(id: &str, rel: &str, expected: &[(&str, u32)]) {
    let got = places(id, rel);
    let mut want: Vec<(String, u32)> = expected.iter().map(|(p, l)| (p.to_string(), *l)).collect();
    want.sort();
    assert_eq!(got, want, "{id} on {rel}");
}

/// Asserts a clean fixture gives no finding for the rule.
pub fn assert_clean(id: &str, rel: &str) {
    let got = run(id, rel);
    assert!(
        got.is_empty(),
        "{id} on clean {rel} found: {:#?}",
        got.iter()
            .map(|f| (&f.location, &f.message))
            .collect::<Vec<_>>()
    );
}

/// No finding's message, fix, identity or related entry holds a secret value
/// the readers saw, nor the fixture's own secrets.
pub fn assert_no_secrets(rel: &str, extra: &[&str]) {
    let rule = rel.split('/').next().unwrap();
    let findings = run(rule, rel);
    let mut secrets: Vec<String> = inventory(rel)
        .known_secrets()
        .into_iter()
        .filter(|s| s.len() >= 6 && !intguard_model::vocab::is_placeholder_value(s))
        .collect();
    secrets.extend(extra.iter().map(|s| s.to_string()));
    assert!(!findings.is_empty());
    for f in &findings {
        let text = format!("{} {} {:?} {:?}", f.message, f.fix, f.related, f.identity);
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "secret {s:?} leaked in {text}");
        }
    }
}
