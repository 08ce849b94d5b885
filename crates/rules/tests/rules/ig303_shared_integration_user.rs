//! IG303 shared-integration-user on a monorepo of three Mule apps: two share
//! the prod user (not the dev one), the third has its own.

use crate::common;

use intguard_model::Severity;

#[test]
fn positive() {
    common::assert_places(
        "IG303",
        "IG303/positive",
        &[("customers-papi/src/main/mule/global.xml", 27)],
    );
}

#[test]
fn one_finding_listing_every_app() {
    let findings = common::run("IG303", "IG303/positive");
    let f = &findings[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(
        f.message,
        "Int.Mule@acme.com is used by 2 apps in prod: customers-papi (global.xml:27), orders-sapi (global.xml:23)"
    );
    assert_eq!(f.environments, vec!["prod".to_string()]);
    assert_eq!(f.identity.as_deref(), Some("Int.Mule@acme.com"));
    // Related: the other app's connection and both prod username lines.
    for app in ["orders-sapi", "customers-papi"] {
        assert!(
            f.related
                .iter()
                .any(|r| r.path.contains(app) && r.message.contains(app)),
            "{app} missing from {:#?}",
            f.related
        );
    }
    assert!(f
        .related
        .iter()
        .any(|r| r.path.ends_with("orders-sapi/src/main/mule/global.xml") && r.line == 23));
    assert!(f.related.iter().any(|r| r
        .path
        .ends_with("orders-sapi/src/main/resources/properties/prod.yaml")
        && r.line == 4));
    assert!(f.related.iter().any(|r| r
        .path
        .ends_with("customers-papi/src/main/resources/properties/prod.yaml")
        && r.line == 3));
    assert!(!f
        .related
        .iter()
        .any(|r| r.path.contains("billing-sapi") || r.path.ends_with("dev.yaml")));
}

#[test]
fn no_fixture_secret_in_output() {
    common::assert_no_secrets("IG303/positive", &[]);
}

#[test]
fn negative() {
    common::assert_clean("IG303", "IG303/negative");
}

/// The org side: int.mule@acme.com is billing-sapi's user and the client
/// credentials run-as user of connected app Legacy_Data_Loader.
#[test]
fn org_run_as_user_counts_in_both_formats() {
    for rel in ["ORG/positive-sfdx", "ORG/positive-mdapi"] {
        // Shown at the connected app's run-as element, which no Mule app
        // joining the scan moves.
        let run_as = if rel.ends_with("sfdx") {
            "salesforce/force-app/main/default/connectedApps/Legacy_Data_Loader.connectedApp-meta.xml"
        } else {
            "salesforce/src/connectedApps/Legacy_Data_Loader.connectedApp"
        };
        common::assert_places("IG303", rel, &[(run_as, 19)]);
        let f = &common::run("IG303", rel)[0];
        assert_eq!(
            f.message,
            "int.mule@acme.com is used by billing-sapi (global.xml:23), and by connected app Legacy Data Loader (client credentials run-as user, Legacy_Data_Loader.connectedApp:19)"
                .replace(
                    ".connectedApp:",
                    if rel.ends_with("sfdx") { ".connectedApp-meta.xml:" } else { ".connectedApp:" }
                ),
        );
        assert_eq!(f.fingerprint_key, "int.mule@acme.com");
        assert!(f
            .related
            .iter()
            .any(|r| r.path.contains("Legacy_Data_Loader") && r.line == 19));
        // The Mule app's connection: related, and a comment there hides it.
        assert!(f
            .related
            .iter()
            .any(|r| r.path.ends_with("billing-sapi/src/main/mule/global.xml") && r.line == 23));
        assert!(f
            .suppressible_at
            .iter()
            .any(|l| l.path.ends_with("billing-sapi/src/main/mule/global.xml") && l.line == 23));
        assert!(f
            .related
            .iter()
            .any(|r| r.path.ends_with("mule-integration-user-def.json")));
        assert!(f.fix.contains("<oauthClientCredentialUser>"));
    }
}

/// Copies the fixture tree `from` into `to`.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The connected app's run-as user shared with billing-sapi stays where it
/// was shown when a Mule app sorting first (accounts-sapi, a copy of
/// billing-sapi logging in as the same user) joins the scan: it was shown
/// at the first Mule connection in sort order, which moved then.
#[test]
fn an_app_sorting_first_does_not_move_the_run_as_finding() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&common::fixture("ORG/positive-sfdx"), tmp.path());
    let run = |root: &std::path::Path| {
        let mut inv = intguard_readers::read_paths_with(
            &[root.to_path_buf()],
            &intguard_readers::ReadOptions::default(),
            &|app, _, _| app.digest_operations(),
        );
        inv.build_identities();
        intguard_rules::find_rule("IG303").unwrap().run(&inv)
    };
    let place = |f: &intguard_model::Finding| {
        let p = f.location.path.clone();
        (
            p[p.find("salesforce/").unwrap_or(0)..].to_string(),
            f.location.line,
        )
    };
    let before = run(tmp.path());
    assert_eq!(before.len(), 1, "{before:#?}");
    let accounts = tmp.path().join("accounts-sapi");
    copy_tree(&tmp.path().join("billing-sapi"), &accounts);
    for file in ["pom.xml", "mule-artifact.json"] {
        let p = accounts.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, text.replace("billing-sapi", "accounts-sapi")).unwrap();
    }
    let after = run(tmp.path());
    assert_eq!(after.len(), 1, "{after:#?}");
    assert!(
        after[0].message.contains("accounts-sapi"),
        "{}",
        after[0].message
    );
    assert_eq!(place(&after[0]), place(&before[0]));
    assert_eq!(
        place(&before[0]),
        (
            "salesforce/force-app/main/default/connectedApps/Legacy_Data_Loader.connectedApp-meta.xml"
                .to_string(),
            19
        )
    );
    assert_eq!(after[0].fingerprint_key, before[0].fingerprint_key);
    // Both apps' connections are related places where a comment hides it.
    for app in ["accounts-sapi", "billing-sapi"] {
        assert!(
            after[0]
                .related
                .iter()
                .any(|r| r.path.ends_with(&format!("{app}/src/main/mule/global.xml"))),
            "{app}: {:#?}",
            after[0].related
        );
    }
    assert!(after[0]
        .suppressible_at
        .iter()
        .any(|l| l.path.ends_with("accounts-sapi/src/main/mule/global.xml")));
}

#[test]
fn org_negative() {
    common::assert_clean("IG303", "ORG/negative-sfdx");
    common::assert_clean("IG303", "ORG/negative-mdapi");
}

/// An app without environment files uses its username in every environment,
/// so also in prod, where another app uses the same user.
#[test]
fn a_username_for_every_environment_is_shared_in_each() {
    common::assert_places(
        "IG303",
        "IG303/every-environment",
        &[("env-api/src/main/mule/global.xml", 15)],
    );
    let f = &common::run("IG303", "IG303/every-environment")[0];
    assert_eq!(
        f.message,
        "INT.Lit@acme.com is used by 2 apps in prod: env-api (global.xml:15), lit-api (global.xml:14)"
    );
    assert_eq!(f.environments, vec!["prod".to_string()]);
    assert!(
        f.related.iter().any(|r| r.path.contains("lit-api")
            && r.line == 14
            && r.message
                .ends_with("runs as int.lit@acme.com in every environment")),
        "{:#?}",
        f.related
    );
}

/// An MUnit suite logging in as another app's user is the app's test, not a
/// second system using the user.
#[test]
fn munit_suites_do_not_count() {
    common::assert_clean("IG303", "MUNIT");
}

/// Two apps with one name (copies of a template in two teams' folders) are
/// two apps sharing the user: reported, each named by its folder.
#[test]
fn apps_with_the_same_name_are_still_two_apps() {
    common::assert_places(
        "IG303",
        "IG303/same-name",
        &[("team1/orders-api/src/main/mule/global.xml", 10)],
    );
    let f = &common::run("IG303", "IG303/same-name")[0];
    assert!(
        f.message
            .starts_with("int.orders@acme.com is used by 2 apps"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("team1/orders-api (") && f.message.contains("team2/orders-api ("),
        "{}",
        f.message
    );
    assert!(f
        .related
        .iter()
        .any(|r| r.path.contains("team2/orders-api") && r.line == 10));
}

/// Apps deployed in a domain run on the Salesforce connection it shares:
/// each such app uses the domain's user (resolved in the domain's
/// properties), at its operation on the connection.
#[test]
fn apps_on_a_domains_shared_connection() {
    const CUSTOMERS: &str = "customers-sapi/src/main/mule/customers.xml";
    common::assert_places("IG303", "IG303/domain", &[(CUSTOMERS, 13), (CUSTOMERS, 13)]);
    let findings = common::run("IG303", "IG303/domain");
    let dev = findings
        .iter()
        .find(|f| f.identity.as_deref() == Some("int.runtime@acme.com.dev"))
        .expect("dev user");
    assert_eq!(
        dev.message,
        "int.runtime@acme.com.dev is used by 2 apps in dev: customers-sapi (customers.xml:13), orders-sapi (orders.xml:13)"
    );
    for (file, line) in [
        ("orders-sapi/src/main/mule/orders.xml", 13),
        ("acme-domain/src/main/mule/mule-domain-config.xml", 15),
        ("acme-domain/src/main/resources/domain-dev.yaml", 3),
    ] {
        assert!(
            dev.related
                .iter()
                .any(|r| r.path.ends_with(file) && r.line == line),
            "{file}:{line} not in {:#?}",
            dev.related
        );
    }
    // billing-sapi is in the domain with a connection and user of its own.
    assert!(!dev.related.iter().any(|r| r.path.contains("billing-sapi")));
    assert!(dev
        .fix
        .contains("run on domain acme-domain's shared Salesforce connection"));
    assert!(dev.fix.contains("a connection config of its own"));

    // Mule 3: mule-deploy.properties names legacy-domain, whose literal
    // principal is acme-domain's prod user.
    let prod = findings
        .iter()
        .find(|f| f.identity.as_deref() == Some("int.runtime@acme.com"))
        .expect("prod user");
    assert_eq!(
        prod.message,
        "int.runtime@acme.com is used by 3 apps in prod: customers-sapi (customers.xml:13), legacy-app (legacy-app.xml:9), orders-sapi (orders.xml:13)"
    );
    assert!(prod.related.iter().any(|r| r
        .path
        .ends_with("legacy-app/src/main/app/legacy-app.xml")
        && r.line == 9
        && r.message
            .contains("through domain legacy-domain's `Legacy_Salesforce`")));
    assert!(prod
        .fix
        .contains("legacy-app runs on domain legacy-domain's"));
}

/// One app on a domain's connection shares it with nobody: the domain does
/// not count as another app, an app in the domain with its own connection
/// does not use the domain's, and an app that is not deployed in the domain
/// does not either, whatever its config-ref says.
#[test]
fn one_app_on_a_domains_connection() {
    common::assert_clean("IG303", "IG303/domain-one-app");
}

/// A username a Mule Maven plugin deployment sets on the app (its
/// `<properties>` in the pom, with `mule.env` naming the environment) is the
/// app's user there: payments-sapi shares orders-sapi's prod user. The
/// pom's own `<properties>` are Maven's, not the deployed app's.
#[test]
fn a_username_set_by_the_poms_deployment() {
    let rel = "IG303/pom-deployment";
    common::assert_places("IG303", rel, &[("orders-sapi/src/main/mule/global.xml", 9)]);
    let findings = common::run("IG303", rel);
    let f = &findings[0];
    assert_eq!(
        f.message,
        "int.sync@acme.example is used by 2 apps in prod: orders-sapi (global.xml:9), payments-sapi (global.xml:8)"
    );
    assert!(
        f.related
            .iter()
            .any(|r| r.path.ends_with("payments-sapi/pom.xml") && r.line == 30),
        "{:#?}",
        f.related
    );
    assert!(!format!("{findings:?}").contains("int.build@acme.example"));
}

/// Two Mule 3 apps (one on Salesforce connector 8.x/9.x's
/// `sfdc:cached-basic-config`, its properties loaded by a
/// `<context:property-placeholder>` inside `<spring:beans>`; the other's by
/// a Spring `PropertyPlaceholderConfigurer` bean) and a Mule 4 app share the
/// prod user: one finding names all three.
#[test]
fn mule3_and_mule4_apps_sharing_a_user() {
    let billing = "billing-m3/src/main/app/billing.xml";
    common::assert_places("IG303", "IG303/mule3-mixed", &[(billing, 12)]);
    let f = &common::run("IG303", "IG303/mule3-mixed")[0];
    assert_eq!(
        f.message,
        "int.shared@acme.com is used by 3 apps in prod: billing-m3 (billing.xml:12), inventory-m4 (global.xml:6), orders-m3 (global.xml:14)"
    );
    assert_eq!(f.environments, ["prod"]);
    assert!(f.related.iter().any(|r| r
        .path
        .ends_with("billing-m3/src/main/resources/billing.prod.properties")
        && r.line == 1));
    assert!(f.related.iter().any(|r| r
        .path
        .ends_with("orders-m3/src/main/resources/mule.prod.properties")
        && r.line == 1));
}

/// A Mule 3 domain project made in Studio without Maven (no pom: its
/// `mule-project.xml` and `src/main/domain/mule-domain-config.xml`) is the
/// domain its apps name in `mule-deploy.properties` (`domain=acme-domain`):
/// two apps on its connection share its user.
#[test]
fn mule3_apps_on_a_pomless_domains_connection() {
    let rel = "IG303/mule3-studio-domain";
    common::assert_places("IG303", rel, &[("app-a/src/main/app/app-a.xml", 4)]);
    let f = &common::run("IG303", rel)[0];
    assert_eq!(
        f.message,
        "int.domain@acme.com is used by 2 apps in prod: app-a (app-a.xml:4), app-b (app-b.xml:4)"
    );
    let inv = common::inventory(rel);
    let domains: Vec<&str> = inv
        .apps
        .iter()
        .filter(|a| a.domain)
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(domains, ["acme-domain"]);
}

/// One `${mule.env}.yaml` loaded by `<configuration-properties>` and
/// `<secure-properties:config>` both: `${sf.username}` reads it, so the app
/// logs in as prod.yaml's user there, the one another app names.
#[test]
fn a_username_in_a_file_both_imports_load() {
    common::assert_places(
        "IG303",
        "IG303/one-file-both-imports",
        &[("hr-sync/src/main/mule/global.xml", 13)],
    );
    let f = &common::run("IG303", "IG303/one-file-both-imports")[0];
    assert_eq!(
        f.message,
        "int.hr@globex.com is used by 2 apps in prod: hr-sync (global.xml:13), payroll-export (global.xml:5)"
    );
    assert!(
        f.related
            .iter()
            .any(|r| r.path.ends_with("config/prod.yaml")
                && r.line == 2
                && r.message == "hr-sync: username int.hr@globex.com for prod"),
        "{:#?}",
        f.related
    );
}
