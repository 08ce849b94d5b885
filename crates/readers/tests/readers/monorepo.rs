//! A monorepo with three apps of both runtimes, a parent pom, loose docs,
//! scripts and CI files, a committed `target/` and `node_modules/`.

use crate::common;

use common::*;
use intguard_model::{MuleRuntime, TokenKind};

const ROOT: &str = "monorepo";

#[test]
fn apps_and_membership() {
    let inv = read(ROOT);
    assert!(inv.diagnostics.is_empty(), "{:#?}", inv.diagnostics);
    let apps: Vec<(String, &str, MuleRuntime)> = inv
        .apps
        .iter()
        .map(|a| (rel_to(ROOT, &a.root), &*a.name, a.runtime))
        .collect();
    assert_eq!(
        apps,
        vec![
            ("apps/alpha".to_string(), "alpha", MuleRuntime::Mule4),
            ("apps/beta".to_string(), "beta-api", MuleRuntime::Mule4),
            ("apps/gamma".to_string(), "gamma-legacy", MuleRuntime::Mule3),
        ]
    );
    // target/ is skipped: beta has only its source XML.
    let beta = inv.app_by_name("beta-api").unwrap();
    assert_eq!(beta.xml_files.len(), 1);
    assert!(beta.xml_files[0].ends_with("apps/beta/src/main/mule/beta.xml"));
    assert_eq!(beta.environments, vec!["prod".to_string()]);
    assert_eq!(beta.property_files[0].entries[0].key(), "sf.user");

    let alpha = inv.app_by_name("alpha").unwrap();
    assert_eq!(
        alpha.environments,
        vec!["prod".to_string(), "qa".to_string()]
    );
    assert_eq!(
        alpha.declared_secure_properties, None,
        "no secureProperties field"
    );
    let conn = &alpha.salesforce_connections[0];
    let users: Vec<Option<String>> = alpha
        .resolve_all(conn.username().unwrap())
        .into_iter()
        .map(|r| r.value)
        .collect();
    assert_eq!(users, vec![Some("shared.int@acme.example".to_string()); 2]);

    let gamma = inv.app_by_name("gamma-legacy").unwrap();
    assert_eq!(gamma.salesforce_connections[0].config_name, "Gamma_SF");

    // No file of node_modules or target was read.
    assert!(!inv
        .text_files
        .iter()
        .any(|f| f.path.contains("/node_modules/") || f.path.contains("/target/")));
    // Every display path starts with the root as given, `/`-separated.
    let root = shown(ROOT);
    assert!(inv.text_files.iter().all(|f| f.path.starts_with(&root)));
    assert_eq!(inv.roots, vec![root]);
}

#[test]
fn loose_files_are_scanned() {
    let inv = read(ROOT);
    let readme = inv
        .text_files
        .iter()
        .find(|f| f.path.ends_with("/README.md"))
        .expect("README facts");
    let kinds: Vec<(TokenKind, (u32, u32))> = readme
        .tokens
        .iter()
        .map(|t| (t.kind, lc(&t.location)))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (TokenKind::AccessToken, pos("monorepo/README.md", "00D5g")),
            (
                TokenKind::RefreshToken,
                pos("monorepo/README.md", "5Aep861")
            ),
            (TokenKind::ConsumerKey, pos("monorepo/README.md", "3MVG9")),
        ]
    );
    assert_eq!(
        readme.tokens[0].value,
        "00D5g000004XyZa!AQ0AQFixtureOnlyNotARealToken.abc"
    );
    assert!(
        readme.tokens[2].value.ends_with("xyz0123"),
        "trailing dot excluded? {}",
        readme.tokens[2].value
    );

    let docs = inv
        .text_files
        .iter()
        .find(|f| f.path.ends_with("/docs/setup.md"))
        .expect("docs facts");
    let names: Vec<(&str, &str, bool)> = docs
        .assignments
        .iter()
        .map(|a| (&*a.name, &*a.value, a.secret))
        .collect();
    assert_eq!(
        names,
        vec![
            ("mule.env", "dev", false),
            ("encryption.key", "DocsFixtureKey99", true),
        ]
    );

    let env = inv
        .text_files
        .iter()
        .find(|f| f.path.ends_with("/.env"))
        .expect(".env facts");
    let names: Vec<(&str, &str, bool, u32)> = env
        .assignments
        .iter()
        .map(|a| (&*a.name, &*a.value, a.secret, a.location.line))
        .collect();
    assert_eq!(
        names,
        vec![
            ("SF_USERNAME", "int.local@acme.example", false, 2),
            ("SF_PASSWORD", "EnvFileFixturePw1", true, 3),
            ("MULE_KEY", "EnvFileMuleKey123", true, 4),
        ]
    );

    let ci = inv
        .text_files
        .iter()
        .find(|f| f.path.ends_with("/ci/pipeline.yml"))
        .expect("ci facts");
    let names: Vec<(&str, &str, bool)> = ci
        .assignments
        .iter()
        .map(|a| (&*a.name, &*a.value, a.secret))
        .collect();
    assert_eq!(
        names,
        vec![
            ("anypoint.password", "${ANYPOINT_PASSWORD}", true),
            ("client_secret", "CiFixtureClientSecret9", true),
        ]
    );
}
