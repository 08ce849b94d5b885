//! `intguard rule`: the list of rules, and each rule's documentation by id or
//! name, with every section DESIGN.md asks for.

use crate::support;

use support::*;

const MULE_RULES: [(&str, &str); 12] = [
    ("IG101", "password-auth"),
    ("IG102", "plaintext-secret"),
    ("IG103", "committed-encryption-key"),
    ("IG104", "decryptable-secret"),
    ("IG105", "committed-private-key"),
    ("IG106", "salesforce-token"),
    ("IG107", "secure-property-exposed"),
    ("IG108", "weak-property-encryption"),
    ("IG109", "plain-http"),
    ("IG110", "tls-verification-off"),
    ("IG206", "no-mutual-tls"),
    ("IG303", "shared-integration-user"),
];

/// The sections every rule's documentation has.
const SECTIONS: [&str; 5] = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## How to fix",
    "## References",
];

#[test]
fn rule_lists_every_mule_rule() {
    let run = run(["rule"]);
    run.expect_code(0);
    for (id, name) in MULE_RULES {
        let line = run
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("{id} is not listed:\n{}", run.stdout));
        assert!(line.contains(name), "{line}");
        assert!(
            ["critical", "high", "medium", "low", "info"]
                .iter()
                .any(|s| line.split_whitespace().any(|w| w == *s)),
            "{id} shows its default severity: {line}"
        );
    }
    for practice in [
        "Protect the credentials",
        "Protect access",
        "Minimize the damage",
    ] {
        assert!(run.stdout.contains(practice), "{practice}");
    }
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn rule_prints_the_documentation_by_id_or_name() {
    for (id, name) in MULE_RULES {
        let by_id = run(["rule", id]);
        by_id.expect_code(0);
        let doc = &by_id.stdout;
        assert!(
            doc.starts_with(&format!("# {id} {name}\n")),
            "{id}: {}",
            doc.lines().next().unwrap_or("")
        );
        assert!(doc.contains("Default severity: "), "{id}");
        let mut last = 0;
        for section in SECTIONS {
            let at = doc
                .find(section)
                .unwrap_or_else(|| panic!("{id} has no `{section}`:\n{doc}"));
            assert!(at > last, "{id}: `{section}` is out of order");
            last = at;
            // Not empty: something before the next heading.
            let body = &doc[at + section.len()..];
            let body = &body[..body.find("\n## ").unwrap_or(body.len())];
            assert!(
                body.trim().len() > 20,
                "{id}: `{section}` is empty:\n{body}"
            );
        }
        // The example and the fix are code.
        assert!(doc.matches("```").count() >= 2, "{id} shows code:\n{doc}");

        let by_name = run(["rule", name]);
        by_name.expect_code(0);
        assert_eq!(by_name.stdout, by_id.stdout, "{name}");
        let lower = run(["rule", &id.to_ascii_lowercase()]);
        lower.expect_code(0);
        assert_eq!(lower.stdout, by_id.stdout, "{id} in lowercase");
    }
}

#[test]
fn rule_ig104_and_decryptable_secret() {
    let by_id = run(["rule", "IG104"]);
    by_id.expect_code(0);
    let by_name = run(["rule", "decryptable-secret"]);
    by_name.expect_code(0);
    assert_eq!(by_id.stdout, by_name.stdout);
    assert!(by_id.stdout.starts_with("# IG104 decryptable-secret"));
    assert!(by_id.stdout.contains("Default severity: critical"));
    assert!(by_id.stdout.contains("secure-properties:config"));
}

#[test]
fn unknown_rule_is_a_usage_error() {
    for wanted in ["IG999", "no-such-rule", ""] {
        let run = run(["rule", wanted]);
        run.expect_no_panic().expect_code(2);
        assert!(run.stdout.is_empty(), "{wanted}: {}", run.stdout);
        assert!(
            run.stderr.contains("intguard rule"),
            "{wanted}: points to the list: {}",
            run.stderr
        );
        if !wanted.is_empty() {
            assert!(run.stderr.contains(wanted), "{}", run.stderr);
        }
    }
    run(["rule", "IG101", "IG102"]).expect_code(2);
}

/// Part of a rule's name or id gets the rules it may mean; text that is in
/// none gets no guess.
#[test]
fn unknown_rule_suggests_those_it_may_mean() {
    let run = run(["rule", "password"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("(did you mean IG101 password-auth, IG111 weak-password-policy, IG113 stale-password, IG207 password-flows-allowed?)"),
        "{}",
        run.stderr
    );
    let run = support::run(["rule", "ig30"]);
    assert!(
        run.stderr.contains("IG301 admin-integration-user"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("IG306"), "{}", run.stderr);
    // A typo: the letter O for a zero, a letter left out of a name.
    for typo in ["IG1O1", "pasword-auth"] {
        let run = support::run(["rule", typo]);
        run.expect_code(2);
        assert!(
            run.stderr.contains("(did you mean IG101 password-auth?)"),
            "{}",
            run.stderr
        );
    }
    let run = support::run(["rule", "no-such-rule"]);
    assert!(!run.stderr.contains("did you mean"), "{}", run.stderr);
}

#[test]
fn sarif_rules_carry_the_same_documentation() {
    let run = run_cmd(
        intguard()
            .arg("scan")
            .arg(example_app("invoices-eapi"))
            .args(["--format", "sarif"]),
    );
    let sarif = run.json();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for (id, name) in MULE_RULES {
        let rule = rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} in SARIF"));
        assert_eq!(rule["name"], name);
        let help = rule["help"]["markdown"].as_str().unwrap();
        for section in SECTIONS {
            assert!(help.contains(section), "{id} SARIF help has `{section}`");
        }
    }
}
