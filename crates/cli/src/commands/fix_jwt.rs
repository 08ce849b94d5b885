//! `intguard fix jwt`: switches Mule 4 Salesforce password connections (IG101) to
//! `salesforce:jwt-connection`. The planning is in the `intguard-fix` crate; this is
//! argument handling, the git guard (shared with `fix secrets`), output and next steps.

use std::path::PathBuf;

use clap::Args;
use intguard_engine::run_rules;
use intguard_fix::{plan_jwt, verify_jwt, verify_unchanged, JwtOptions, JwtPlan};

use super::fix::{dry_run, fix_scan_options, left_code, read_for_fix, report, write_checked};
use crate::exit;

const AFTER_HELP: &str = "\
Each <salesforce:basic-connection> and <salesforce:oauth-user-pass-connection> that IG101
reports becomes a <salesforce:jwt-connection>: principal is the username as written (the same
${...} reference, so per-environment usernames keep working); consumerKey, keyStore and
storePassword read properties (storePassword as ${secure::...} when the app has a
secure-properties configuration), added to the property files that define the username, with
placeholder values (<...>) to fill in (a literal username: named after the connection, in the
plain file every environment loads, else in each environment's; a ${secure::...} username: in
the plain file loaded beside each secure file that defines it, else in that secure file); tokenEndpoint and audienceUrl follow the login url
(sandbox and My Domain hosts; the production login host keeps the defaults). Nested
<reconnection>, proxy and <tls:context> settings stay as written; password, securityToken and
consumerSecret are dropped, and the properties they read are listed to delete and rotate
(never their values). Mule 3 <sfdc:*> configurations are listed and left as is (how the Mule 3
connector's JWT config sets its token endpoint is unverified), and so are a Mule plugin's connections (the apps
importing it set their properties).

Exit codes: 0 done (or nothing to do); 1 some password logins were left as is (listed);
2 usage error, uncommitted changes, or a result that did not read back (files restored).";

#[derive(Args)]
#[command(after_help = AFTER_HELP)]
pub struct JwtArgs {
    /// The Mule app, or a folder of apps (default: the current folder).
    path: Option<PathBuf>,
    /// Property the consumerKey reads [default: PREFIX.consumerKey, PREFIX being the
    /// username property's: sfdc.username -> sfdc.consumerKey; for a literal
    /// username, the connection's name: Salesforce_Config.consumerKey]. An
    /// oauth-user-pass connection keeps its own.
    #[arg(long, value_name = "NAME")]
    consumer_key_property: Option<String>,
    /// Property the keyStore path reads [default: PREFIX.keystore.path].
    #[arg(long, value_name = "NAME")]
    keystore_property: Option<String>,
    /// Property the storePassword reads [default: PREFIX.keystore.password].
    #[arg(long, value_name = "NAME")]
    store_password_property: Option<String>,
    /// The connected app's consumer key, written as the consumer key property's value
    /// [default: a placeholder to fill in].
    #[arg(long, value_name = "KEY")]
    consumer_key: Option<String>,
    /// The keystore's path as the app reads it (e.g. keys/sfdc.p12), written as the
    /// keystore property's value [default: a placeholder to fill in].
    #[arg(long, value_name = "PATH")]
    keystore: Option<String>,
    /// The keystore entry's alias, written as certificateAlias [default: none, the
    /// keystore's only key].
    #[arg(long, value_name = "ALIAS")]
    certificate_alias: Option<String>,
    /// Print the changes as a unified diff (secrets masked) and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write even when files to change have uncommitted changes in git.
    #[arg(long)]
    force: bool,
}

pub fn run(args: JwtArgs) -> i32 {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !path.exists() {
        return exit::usage_error(format!("{}: no such file or folder", path.display()));
    }
    for (option, value) in [
        ("--consumer-key", &args.consumer_key),
        ("--keystore", &args.keystore),
        ("--certificate-alias", &args.certificate_alias),
    ] {
        if value
            .as_deref()
            .is_some_and(|v| v.trim().is_empty() || v.contains(['\n', '\r']))
        {
            return exit::usage_error(format!("{option}: an empty or multi-line value"));
        }
    }
    let options = match fix_scan_options(&path) {
        Ok(o) => o,
        Err(e) => return exit::usage_error(e),
    };
    let inventory = read_for_fix(&options);
    let findings: Vec<_> = run_rules(inventory.clone(), &options)
        .findings
        .into_vec()
        .into_iter()
        .filter(|f| f.rule == "IG101")
        .collect();
    let jwt_options = JwtOptions {
        consumer_key_property: args.consumer_key_property.clone(),
        keystore_property: args.keystore_property.clone(),
        store_password_property: args.store_password_property.clone(),
        consumer_key: args.consumer_key.clone(),
        keystore: args.keystore.clone(),
        certificate_alias: args.certificate_alias.clone(),
    };
    let jwt = match plan_jwt(&inventory, &findings, &jwt_options) {
        Ok(p) => p,
        Err(e) => return exit::usage_error(e),
    };
    let plan = &jwt.plan;
    report(plan, args.dry_run);
    for n in &jwt.notes {
        eprintln!("intguard: note: {}", plan.redact(n));
    }
    if plan.is_empty() {
        eprintln!("intguard: nothing to change");
        return left_code(plan);
    }
    if args.dry_run {
        eprint!("{}", no_longer_read(&jwt, true));
        eprint!("{}", next_steps(&jwt, &args));
        return dry_run(plan);
    }
    let written = write_checked(plan, args.force, || {
        let after = read_for_fix(&options);
        let mut problems = verify_jwt(&after, &jwt.switched);
        problems.extend(verify_unchanged(
            &inventory,
            &after,
            &plan.paths(),
            &[],
            &[],
        ));
        problems
    });
    if let Err(code) = written {
        return code;
    }
    eprintln!(
        "intguard: {} file(s) changed, {} connection(s) switched to salesforce:jwt-connection and checked",
        plan.changes.len(),
        jwt.switched.len()
    );
    eprint!("{}", no_longer_read(&jwt, false));
    eprint!("{}", next_steps(&jwt, &args));
    left_code(plan)
}

/// The password definitions the switched connections no longer read.
fn no_longer_read(jwt: &JwtPlan, dry_run: bool) -> String {
    if jwt.unused.is_empty() {
        return String::new();
    }
    let when = if dry_run { "after the switch, " } else { "" };
    let mut out = format!(
        "intguard: {when}these password settings are no longer read: delete them once the JWT login works, then reset the user's password and security token (the old ones stay in the git history):\n"
    );
    for u in &jwt.unused {
        out.push_str(&format!("  - {}\n", jwt.plan.redact(u)));
    }
    out
}

/// What the user does next: the keystore, the connected app, the test login.
fn next_steps(jwt: &JwtPlan, args: &JwtArgs) -> String {
    if jwt.switched.is_empty() {
        return String::new();
    }
    let alias = args
        .certificate_alias
        .as_deref()
        .map(|a| format!(" --alias {a}"))
        .unwrap_or_default();
    let mut users: Vec<&str> = jwt
        .switched
        .iter()
        .flat_map(|s| {
            if s.users.is_empty() {
                vec![s.principal.as_str()]
            } else {
                s.users.iter().map(String::as_str).collect()
            }
        })
        .collect();
    users.sort_unstable();
    users.dedup();
    // One user (a literal username, or the same in every environment): the
    // login test names it.
    let username = match users.as_slice() {
        [one] if !one.contains("${") => (*one).to_string(),
        _ => "<integration username>".to_string(),
    };
    let encrypted = if users.iter().any(|u| u.contains("${secure::")) {
        " (a ${secure::...} username: its value is encrypted in the secure files; intguard secure-props decrypt shows it)"
    } else {
        ""
    };
    format!(
        "Next steps
1. Make the keystore and its certificate, in a folder outside the repository:
     intguard keys new --out <folder outside the repository> --cn <name> --keystore{alias} --keystore-password-env <VAR>
2. Upload the certificate (.crt) to the connected app or External Client App the integration
   logs in through (\"Use digital signatures\" / JWT bearer flow), and put its consumer key in
   the consumer key property (the JWT bearer flow needs no consumer secret).
3. Pre-authorize the integration user (admin-approved users only, through its dedicated
   permission set): {}{encrypted}.
4. Test the login with the keystore before deploying (sandboxes: --login-url
   https://test.salesforce.com or the org's My Domain URL):
     intguard token --login-url https://login.salesforce.com --client-id <consumer key> --username {username} --keystore <keystore.p12> --keystore-password-env <VAR>
5. Fill in the placeholder values (<...>) of the properties added; encrypt the keystore
   password (intguard secure-props encrypt --wrap ...); provide the keystore at deploy time,
   never committed.
",
        users.join(", ")
    )
}
