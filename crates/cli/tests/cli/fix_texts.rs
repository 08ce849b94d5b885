//! What the example's fixes tell the user to run and to change: every
//! `intguard ...` command they quote is one the CLI takes, and the fixes that
//! depend on the app (its runtime, its secure-properties configuration, whose
//! user it is) say what fits that app.

use crate::support;

use serde_json::Value;
use support::*;

/// The `intguard ...` commands quoted in a fix text, in order. A command ends
/// at `(`, `)`, `;`, `,`, `|` (the next command of a pipe starts again with
/// `intguard `) or the end of a sentence.
fn commands_in(fix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = fix;
    while let Some(i) = rest.find("intguard ") {
        let tail = &rest[i..];
        let end = [tail.find(['(', ')', ';', ',', '|']), tail.find(". ")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(tail.len());
        out.push(tail[..end].trim().trim_end_matches('.').to_string());
        rest = &tail[end..];
    }
    out
}

/// The one finding of `rule` in the file whose path ends with `path_end`.
fn the_finding<'r>(report: &'r Value, rule: &str, path_end: &str) -> &'r Value {
    let all: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| f["rule"] == rule && f["path"].as_str().unwrap_or_default().ends_with(path_end))
        .collect();
    assert_eq!(all.len(), 1, "{rule} in {path_end}: {all:#?}");
    all[0]
}

fn the_fix<'r>(report: &'r Value, rule: &str, path_end: &str) -> &'r str {
    the_finding(report, rule, path_end)["fix"]
        .as_str()
        .unwrap_or_default()
}

fn fixes_of<'r>(report: &'r Value, rule: &str, path_end: &str) -> Vec<&'r str> {
    findings(report)
        .iter()
        .filter(|f| f["rule"] == rule && f["path"].as_str().unwrap_or_default().ends_with(path_end))
        .map(|f| f["fix"].as_str().unwrap_or_default())
        .collect()
}

#[test]
fn intguard_commands_in_fixes_are_accepted_by_the_cli() {
    let (_, report) = scan_json(&example(), &[]);
    let mut commands: Vec<String> = Vec::new();
    for f in findings(&report) {
        for c in commands_in(f["fix"].as_str().unwrap_or_default()) {
            if !commands.contains(&c) {
                commands.push(c);
            }
        }
    }
    for wanted in [
        "intguard fix secrets --key-env",
        "--rotate-key",
        "intguard secure-props encrypt",
        "intguard secure-props decrypt",
    ] {
        assert!(
            commands.iter().any(|c| c.contains(wanted)),
            "no fix quotes `{wanted}`: {commands:#?}"
        );
    }
    for command in &commands {
        let filled = command
            .replace("<VAR holding the old key>", "IG_OLD_KEY")
            .replace("<VAR holding the new key>", "IG_NEW_KEY")
            .replace("<VAR holding the key>", "IG_KEY")
            // Relative to the temporary folder the command runs in.
            .replace("<a folder outside the repository>", "keys-out");
        assert!(!filled.contains('<'), "a placeholder left in `{command}`");
        let words: Vec<&str> = filled.split_whitespace().collect();
        assert_eq!(words[0], "intguard", "{command}");
        let mut args: Vec<&str> = words[1..].to_vec();
        if args[0] == "fix" {
            // Checked, not applied: the example stays as it is.
            args.push("--dry-run");
        }
        // Commands that write (`keys new --out keys/`) write there.
        let cwd = tempfile::tempdir().unwrap();
        let run = run_cmd(
            intguard()
                .current_dir(cwd.path())
                .args(&args)
                .env("IG_OLD_KEY", "0123456789abcdef")
                .env("IG_NEW_KEY", "fedcba9876543210")
                .env("IG_KEY", "0123456789abcdef")
                .write_stdin("x\n"),
        );
        run.expect_no_panic();
        for usage_error in [
            "unexpected argument",
            "invalid value",
            "required arguments were not provided",
            "unrecognized subcommand",
            "Usage:",
        ] {
            assert!(
                !run.stderr.contains(usage_error),
                "`{command}` is refused by the CLI: {}",
                run.stderr
            );
        }
    }
}

#[test]
fn the_shared_user_stays_with_the_app_named_like_it() {
    let (_, report) = scan_json(&example(), &[]);
    let fix = the_fix(&report, "IG303", "customers-papi/src/main/mule/global.xml");
    assert!(
        fix.contains(
            "keep int.orders@acme.com for orders-sapi (its name matches) and set a new username (sfdc.username / principal) in the property files of customers-papi"
        ),
        "{fix}"
    );
}

#[test]
fn encryption_advice_matches_the_apps_configuration() {
    let (_, report) = scan_json(&example(), &[]);
    // orders-sapi's <secure-properties:config> uses fixed IVs, legacy-sync is
    // Mule 3 (no random IVs at all): a value encrypted with random IVs would
    // not decrypt in either.
    for path in [
        "orders-sapi/src/main/resources/properties/prod.yaml",
        "legacy-sync/src/main/resources/mule.prod.properties",
    ] {
        let fixes = fixes_of(&report, "IG102", path);
        assert!(!fixes.is_empty(), "no IG102 in {path}");
        for fix in fixes {
            assert!(
                fix.contains("encrypt it with the key of the app's <"),
                "{fix}"
            );
            assert!(!fix.contains("random-iv"), "{path}: {fix}");
        }
    }
    // Mule 3: its own connector's JWT bearer config first, Mule 4 elements
    // only after a migration.
    for fix in fixes_of(&report, "IG101", "legacy-sync/src/main/app/global.xml") {
        assert!(
            fix.contains(" with the Mule 3 Salesforce connector's OAuth 2.0 JWT Bearer configuration, <sfdc:cached-config-oauth-jwt-bearer> (consumerKey, keyStore, storePassword, principal), or migrate the integration to Mule 4 and use <salesforce:jwt-connection>, backed by"),
            "{fix}"
        );
    }
    let ig108 = the_fix(&report, "IG108", "legacy-sync/src/main/app/global.xml");
    assert!(!ig108.contains("Set encryptionAlgorithm"), "{}", ig108);
    assert!(ig108.contains("migrate the app to Mule 4"), "{}", ig108);
    // Mule 4 with Blowfish: each value is decrypted as written, then
    // encrypted the new way.
    let ig108 = the_fix(&report, "IG108", "customers-papi/src/main/mule/global.xml");
    assert!(
        ig108.contains("intguard secure-props decrypt --key-env <VAR holding the old key> --algorithm Blowfish --mode CBC | intguard secure-props encrypt --key-env <VAR holding the new key> --algorithm AES --mode CBC --random-iv --wrap"),
        "{}",
        ig108
    );
}

#[test]
fn metadata_fixes_change_what_can_be_changed() {
    let (_, report) = scan_json(&example(), &[]);
    // A decomposed permission set: its object's own file, and only the flags
    // the app does not need (it creates Cases).
    let case = the_fix(
        &report,
        "IG304",
        "permissionsets/Invoices_API/objectSettings/Case.objectSettings-meta.xml",
    );
    assert!(
        case.starts_with("Set allowEdit and allowDelete to false for Case in Setup > Permission Sets > Invoices_API > Object Settings (permissionsets/Invoices_API/objectSettings/Case.objectSettings-meta.xml)"),
        "{}",
        case
    );
    // The standard System Administrator profile cannot be edited nor be
    // given login IP ranges without locking people out: the user moves.
    let admin = "profiles/Admin.profile-meta.xml";
    for rule in ["IG302", "IG304"] {
        let fixes = fixes_of(&report, rule, admin);
        assert!(!fixes.is_empty(), "no {rule} on {admin}");
        for fix in fixes {
            assert!(
                fix.starts_with("The standard System Administrator profile's")
                    && fix.contains("move int.orders@acme.com"),
                "{rule}: {fix}"
            );
        }
    }
    let ig202 = the_fix(&report, "IG202", admin);
    assert!(
        ig202.starts_with("Do not restrict the standard System Administrator profile")
            && ig202
                .contains("a copy of \"Minimum Access - API Only Integrations\", as IG301 says"),
        "{}",
        ig202
    );
    // mTLS for a password connection goes into the JWT connection that
    // replaces it, whose token endpoint is set.
    let ig206 = the_fix(&report, "IG206", "orders-sapi/src/main/mule/global.xml");
    assert!(
        ig206.starts_with("Once <salesforce:basic-connection> of `Salesforce_Config` is replaced by <salesforce:jwt-connection> (IG101)"),
        "{}",
        ig206
    );
}

#[test]
fn mutual_tls_permission_goes_where_the_user_gets_permissions() {
    let (_, report) = scan_json(&example(), &[]);
    let f = the_finding(&report, "IG206", "int-invoices-user-def.json");
    let (message, fix) = (f["message"].as_str().unwrap(), f["fix"].as_str().unwrap());
    assert!(
        message.contains("nor its permission set groups Invoices_Integration grant"),
        "{message}"
    );
    assert!(
        fix.contains("in a permission set of its group Invoices_Integration"),
        "{fix}"
    );
    // invoices-eapi already calls port 8443 with a client certificate.
    assert!(!fix.contains("port 8443"), "{fix}");
}

#[test]
fn a_decrypted_secret_shows_the_fingerprint_its_clear_copy_shows() {
    let (_, report) = scan_json(&example(), &[]);
    let sha = |m: &str| -> String {
        let i = m
            .find("sha256:")
            .unwrap_or_else(|| panic!("no fingerprint: {m}"));
        m[i..i + 15].to_string()
    };
    // customers-papi's prod password (encrypted under a committed key) is the
    // password orders-sapi's prod.yaml holds in clear.
    let clear = the_finding(
        &report,
        "IG102",
        "orders-sapi/src/main/resources/properties/prod.yaml",
    )["message"]
        .as_str()
        .unwrap_or_default();
    let decrypted = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG104")
        .map(|f| f["message"].as_str().unwrap_or_default())
        .find(|m| m.starts_with("customers-papi: `sfdc.password` in prod-secure.yaml"))
        .expect("IG104 for customers-papi's prod password");
    assert!(decrypted.contains("(the value: "), "{decrypted}");
    assert_eq!(
        sha(decrypted.rsplit("(the value: ").next().unwrap()),
        sha(clear)
    );
}

#[test]
fn a_secure_files_entry_is_named_as_the_app_reads_it() {
    let (_, report) = scan_json(&example(), &[]);
    let f = findings(&report)
        .iter()
        .find(|f| {
            f["rule"] == "IG107"
                && f["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("`sfdc.password` (read as ${sfdc.password}")
        })
        .expect("IG107 for orders-sapi's sfdc.password");
    let related: Vec<&str> = f["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap_or_default())
        .collect();
    // dev.yaml defines ${sfdc.password} as ${secure::sfdc.password}, which
    // dev-secure.yaml holds.
    assert!(
        related.contains(&"`sfdc.password` defined in dev.yaml (dev.yaml:7)"),
        "{related:#?}"
    );
    assert!(
        related.contains(
            &"`sfdc.password` defined in dev-secure.yaml, read as ${secure::sfdc.password} (dev-secure.yaml:4)"
        ),
        "{related:#?}"
    );
}

#[test]
fn changing_a_shared_users_password_names_the_other_apps() {
    let (_, report) = scan_json(&example(), &[]);
    // int.orders@acme.com logs in for orders-sapi and customers-papi (prod):
    // a fix that resets its password or token must say the other app breaks.
    let noted: Vec<(String, u64)> = findings(&report)
        .iter()
        .filter(|f| {
            f["fix"]
                .as_str()
                .unwrap_or_default()
                .contains("also logs in for")
        })
        .map(|f| {
            let path = f["path"].as_str().unwrap_or_default();
            let short = path.split("acme-integrations/").last().unwrap_or(path);
            (
                format!("{} {short}", f["rule"].as_str().unwrap()),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        noted,
        [
            (
                "IG101 customers-papi/src/main/mule/global.xml".to_string(),
                48
            ),
            (
                "IG104 customers-papi/src/main/resources/properties/prod-secure.yaml".to_string(),
                5
            ),
            ("IG101 orders-sapi/src/main/mule/global.xml".to_string(), 43),
            (
                "IG104 orders-sapi/src/main/resources/properties/prod-secure.yaml".to_string(),
                4
            ),
            (
                "IG102 orders-sapi/src/main/resources/properties/prod.yaml".to_string(),
                9
            ),
        ],
        "(the consumer key and keystore passwords of the same files are not the user's)"
    );
    let fix = the_fix(
        &report,
        "IG102",
        "orders-sapi/src/main/resources/properties/prod.yaml",
    );
    assert!(
        fix.ends_with("int.orders@acme.com also logs in for customers-papi (prod): update the credential there too, or give each app its own user (IG303)."),
        "{fix}"
    );
}

#[test]
fn fixes_say_what_to_do_first_and_for_which_secret() {
    let (_, report) = scan_json(&example(), &[]);
    // Requiring mutual TLS before the apps present a certificate on 8443
    // locks them out.
    let fix = the_fix(&report, "IG206", "int-orders-user-def.json");
    assert!(
        fix.contains("Grant it only after customers-papi, orders-sapi call(s) on port 8443 with the certificate"),
        "{fix}"
    );
    // A shorter password expiry stops the apps that log in with passwords.
    let fix = the_fix(&report, "IG111", "settings/Security.settings-meta.xml");
    assert!(
        fix.contains("First move the integrations that log in with a password (customers-papi, legacy-sync, orders-sapi) to the JWT bearer flow (IG101)"),
        "{fix}"
    );
    // A leaked secret is changed where that kind of secret is issued.
    let leaked = |key: &str| -> String {
        findings(&report)
            .iter()
            .filter(|f| f["rule"] == "IG104")
            .map(|f| f["fix"].as_str().unwrap_or_default())
            .find(|fix| fix.starts_with(&format!("Treat `{key}` (prod) as leaked")))
            .unwrap_or_else(|| panic!("no IG104 for {key}"))
            .to_string()
    };
    assert!(leaked("sfdc.consumerKey")
        .contains("and regenerate the connected app's consumer key and secret"));
    assert!(leaked("tls.keystore.password").contains("and issue a new keystore"));
    assert!(
        leaked("sfdc.password").contains("and reset the password of int.orders@acme.com."),
        "{}",
        leaked("sfdc.password")
    );
    assert!(leaked("erp.api.key").contains("at the API's provider"));
}

#[test]
fn snippets_name_the_properties_the_app_must_add() {
    let (_, report) = scan_json(&example(), &[]);
    // The HTTP listener (line 36), told to listen with HTTPS.
    let fix = findings(&report)
        .iter()
        .find(|f| {
            f["rule"] == "IG109"
                && f["line"] == 36
                && f["path"]
                    .as_str()
                    .unwrap_or_default()
                    .ends_with("orders-sapi/src/main/mule/global.xml")
        })
        .and_then(|f| f["fix"].as_str())
        .expect("IG109 at orders-sapi global.xml:36");
    assert!(
        fix.ends_with("The app defines none of https.port, tls.keystore.path, tls.keystore.alias, secure::tls.keystore.password, secure::tls.key.password yet: add them to each environment's properties (the secure:: ones encrypted, in its secure files)."),
        "{fix}"
    );
    // customers-papi already defines sfdc.tokenEndpoint per environment:
    // only what it lacks is listed.
    let fix = the_fix(&report, "IG206", "customers-papi/src/main/mule/global.xml");
    let note = &fix[fix.find("The app defines none of").expect(fix)..];
    assert!(note.contains("sfdc.audienceUrl"), "{note}");
    assert!(!note.contains("sfdc.tokenEndpoint"), "{note}");
}

/// A folder name is text from the repository: the commands a fix quotes
/// (`intguard fix jwt <app>`, `intguard fix secrets ... <app>`) were written
/// with it unquoted, so a folder named `orders $(echo INJECTED)` gave a
/// command that, pasted into a shell, ran what the name holds (and any
/// space split the path). The shell reads the quoted folder back as the
/// app's path, whole.
#[test]
fn folders_in_quoted_commands_are_shell_quoted() {
    let tmp = tempfile::tempdir().unwrap();
    let name = "orders $(echo INJECTED) `echo X` it's";
    write(
        tmp.path(),
        &format!("{name}/mule-artifact.json"),
        r#"{ "minMuleVersion": "4.6.0" }"#,
    );
    write(
        tmp.path(),
        &format!("{name}/src/main/mule/global.xml"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce" xmlns="http://www.mulesoft.org/schema/mule/core">
  <salesforce:sfdc-config name="SF">
    <salesforce:basic-connection username="int@acme.com" password="ZqxQuotedPw42" url="https://login.salesforce.com/services/Soap/u/58.0"/>
  </salesforce:sfdc-config>
</mule>
"#,
    );
    let app = tmp.path().join(name);
    let (_, report) = scan_json(&app, &["--fail-on", "none"]);
    let fix_of = |rule: &str| -> String {
        findings(&report)
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule}: {report:#}"))["fix"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let between = |text: &str, before: &str, after: &str| -> String {
        let start = text.find(before).unwrap_or_else(|| panic!("{text}")) + before.len();
        let end = start
            + text[start..]
                .find(after)
                .unwrap_or_else(|| panic!("{text}"));
        text[start..end].to_string()
    };
    let quoted = [
        between(
            &fix_of("IG101"),
            "Or run intguard fix jwt ",
            " (--dry-run first)",
        ),
        between(
            &fix_of("IG102"),
            "intguard fix secrets --key-env <VAR holding the key> ",
            ", which also adds",
        ),
    ];
    for word in quoted {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("printf '%s\\n' {word}"))
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("{}\n", app.display()),
            "{word}"
        );
    }
}

/// A variable a CI file passes (`-Dsf.password=$SF_PASSWORD`,
/// `-Dsecure.key=$(MULE_KEY)`) is no secret: it is shown as written in
/// snippets, and a fix naming it is not masked, while the clear values
/// around it are.
#[test]
fn pipeline_variables_are_shown_as_written() {
    let fixture = workspace().join("crates/rules/tests/fixtures/IG102/ci-platforms");
    let (_, report) = scan_json(&fixture, &["--fail-on", "none"]);
    assert!(
        the_fix(&report, "IG102", ".gitlab-ci.yml").contains("jobs read it as $SF_PASSWORD."),
        "{report}"
    );
    let azure = the_finding(&report, "IG102", "azure-pipelines.yml");
    let snippet = azure["snippet"].as_str().unwrap_or_default();
    assert!(
        snippet.ends_with("-Dsf.password=Az…(21) -Dsecure.key=$(MULE_KEY)"),
        "{snippet}"
    );
    assert_masked_in_every_format(&fixture, &["Gitl4bClearPassw0rd", "Azur3PipelinePassw0rd"]);
}
