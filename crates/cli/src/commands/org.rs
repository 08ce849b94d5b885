//! `intguard org audit`: log in with the JWT bearer flow, read the org
//! (read-only, few API calls: `intguard-org`), optionally save the snapshot,
//! and run every rule on it. Wiring only.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use intguard_engine::{run_rules, Config, ScanOptions};
use intguard_model::Inventory;
use intguard_org::{read_org, OrgClient, ReadOptions};
use salesforce_auth::RestClient;

use super::scan::{report, ReportArgs};
use super::token::{prepare, AuthArgs};
use crate::{exit, output};

#[derive(Args)]
pub struct OrgArgs {
    #[command(subcommand)]
    command: OrgCommand,
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Read a live org over the Salesforce API (read-only) and audit its integration users.
    Audit(Box<OrgAuditArgs>),
}

const AFTER_HELP: &str = "\
Log in with the options of `intguard token` or with a named org of intguard.toml:
  [orgs.prod]
  login-url = \"https://acme.my.salesforce.com\"
  client-id = \"3MVG9...\"
  username = \"intguard.audit@acme.com\"
  key = \"keys/intguard-audit.key\"

The audit only reads: GET requests and composite requests made of GETs. It spends a constant
number of API calls plus one per five pages of 2,000 rows, and prints the calls spent and the
org's remaining daily API requests. The auditing user needs View Setup and Configuration; Manage
Users (or Monitor Login History) for login history and tokens. What it cannot read is reported
as an `org-not-read` diagnostic naming the rules that did not check. A query still failing after
its retries, a call failing on the connection (reset, TLS, timeout) after the first one was
answered, the daily API limit or --max-api-calls reached cost only what they leave unread: the
audit reports (and --snapshot saves) what was read, with an `org-partial` error saying what is
missing and how to finish.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage error, a login
that fails, an API failure before anything was read, or a partial audit (`org-partial`: reported,
but never passing for a clean one).

Examples:
  intguard org audit --org prod --snapshot prod-org.json
  intguard org audit --login-url https://login.salesforce.com --client-id 3MVG9... \\
      --username intguard.audit@acme.com --key keys/audit.key --since 30d --format sarif -o org.sarif
  intguard scan . --org-snapshot prod-org.json";

#[derive(Args)]
#[command(after_help = AFTER_HELP)]
pub struct OrgAuditArgs {
    /// A named org of intguard.toml (`[orgs.NAME]`) instead of the login options.
    #[arg(long, value_name = "NAME", conflicts_with = "login_url")]
    org: Option<String>,
    #[command(flatten)]
    auth: Option<AuthArgs>,
    #[command(flatten)]
    report: ReportArgs,
    /// Config file [default: intguard.toml in the current folder].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Save what was read (no token, no secret) for `intguard scan --org-snapshot FILE`.
    #[arg(long, value_name = "FILE")]
    snapshot: Option<PathBuf>,
    /// Login history and token use window: `30d`, `12h`, `2w`.
    #[arg(long, value_name = "AGE", default_value = "30d", value_parser = parse_age)]
    since: Duration,
    /// Stop before spending more than N API calls.
    #[arg(long, value_name = "N")]
    max_api_calls: Option<u64>,
}

fn parse_age(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = n
        .parse()
        .map_err(|_| format!("{s:?}: expected a number and d, h or w, e.g. 30d"))?;
    let secs = match unit {
        "d" | "" => 86_400,
        "h" => 3_600,
        "w" => 7 * 86_400,
        _ => return Err(format!("{s:?}: expected a number and d, h or w, e.g. 30d")),
    };
    // At most 100 years back (Login History keeps six months): a larger
    // number overflowed (a panic, or a window starting in the future).
    const MAX_SECS: u64 = 36_500 * 86_400;
    match n.checked_mul(secs) {
        Some(total) if total <= MAX_SECS => Ok(Duration::from_secs(total)),
        _ => Err(format!("{s:?}: at most 36500 days (100 years)")),
    }
}

pub fn run(args: OrgArgs) -> i32 {
    match args.command {
        OrgCommand::Audit(a) => audit(*a),
    }
}

fn audit(args: OrgAuditArgs) -> i32 {
    if let Err(e) = args.report.check() {
        return exit::usage_error(e);
    }
    let config = match &args.config {
        Some(path) => Config::load(path),
        None => Config::discover(&[PathBuf::from(".")]),
    };
    let config = match config {
        Ok(c) => c,
        Err(e) => return exit::usage_error(e),
    };
    let auth = match (&args.org, &args.auth) {
        // The named org's login is used whole: an option given with it
        // would be silently ignored (another key or username than the one
        // typed).
        (Some(name), Some(_)) => {
            return exit::usage_error(format!(
                "--org {name} takes every login option from [orgs.{name}] of the config: give --org or the login options (--client-id, --username, --key, --ca-file, ...), not both"
            ))
        }
        (Some(name), None) => match config.org(name) {
            Some(o) => AuthArgs::from(o),
            None => {
                return exit::usage_error(format!(
                    "no [orgs.{name}] in {}",
                    config
                        .source
                        .as_deref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| "intguard.toml (none found)".into())
                ))
            }
        },
        (None, Some(a)) => a.clone(),
        (None, None) => {
            return exit::usage_error(
                "give the login options (--login-url, --client-id, --username, --key or --keystore) or --org NAME",
            )
        }
    };
    // Neither the snapshot nor the report may replace a file the audit
    // reads: the key it logs in with (given or from `[orgs.NAME]`), the
    // config. Checked before logging in.
    let mut inputs: Vec<(&std::path::Path, &str)> = Vec::new();
    inputs.extend(config.source.as_deref().map(|p| (p, "the config")));
    inputs.extend(auth.files());
    if let Err(e) = output::refuse_write_over_inputs(
        "--snapshot",
        "the snapshot",
        args.snapshot.as_deref(),
        &inputs,
    ) {
        return exit::usage_error(e);
    }
    inputs.extend(
        args.snapshot
            .as_deref()
            .map(|p| (p, "the snapshot it writes")),
    );
    if let Err(e) = output::refuse_output_over_inputs(args.report.output.as_deref(), &inputs) {
        return exit::usage_error(e);
    }
    // Written once the org is read: a path that cannot be written is refused
    // before the API calls are spent.
    if let Err(e) =
        output::refuse_unwritable("--snapshot", args.snapshot.as_deref()).and_then(|()| {
            output::refuse_unwritable(
                "--output",
                output::output_file(args.report.output.as_deref()),
            )
        })
    {
        return exit::usage_error(e);
    }
    let (request, tls) = match prepare(&auth) {
        Ok(x) => x,
        Err(e) => return exit::usage_error(e),
    };
    let rest = match RestClient::connect(request, &tls) {
        Ok(r) => r,
        Err(e) => return exit::usage_error(e),
    };
    let client = OrgClient::new(rest).with_max_calls(args.max_api_calls);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let options = ReadOptions {
        now_unix: now,
        since_unix: now - args.since.as_secs() as i64,
        extra_usernames: config
            .identity_hints()
            .into_iter()
            .map(|h| h.username)
            .collect(),
    };

    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} reading the org: {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let result = read_org(&client, &options, &mut |step: &str, calls: u64| {
        if let Some(bar) = &bar {
            bar.set_message(format!("{step} ({calls} API calls)"));
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    eprintln!("intguard: {}", budget_line(&client));
    let snapshot = match result {
        Ok(s) => s,
        Err(e) => return exit::usage_error(e),
    };
    // Cut short: said here too, for the log of a nightly job; the report's
    // `org-partial` error says what is missing and how to finish.
    if let Some(partial) = &snapshot.partial {
        for reason in &partial.reasons {
            eprintln!("intguard: partial read: {reason}");
        }
    }
    if let Some(path) = &args.snapshot {
        let written = output::to_file(path, |out| out.write_all(snapshot.to_json().as_bytes()));
        if let Err(e) = written {
            return exit::usage_error(format!("cannot write {}: {e}", path.display()));
        }
        let partial = if snapshot.partial.is_some() {
            " (partial: an audit of it says what is missing)"
        } else {
            ""
        };
        eprintln!(
            "intguard: wrote the org snapshot to {}{partial}",
            path.display()
        );
    }

    let mut inventory = Inventory::default();
    intguard_org::apply(&snapshot, &mut inventory);
    inventory.identity_hints = config.identity_hints();
    inventory.build_identities();
    intguard_org::note_identities(&snapshot, &mut inventory);
    // Whom the user rules judged: a user missing here was not audited as one.
    if let Some(line) = audited_users_line(&inventory) {
        eprintln!("intguard: {line}");
    }
    let options = ScanOptions {
        config,
        ..ScanOptions::default()
    };
    let outcome = run_rules(inventory, &options);
    report(
        &outcome,
        &args.report,
        &options.config,
        &options.paths,
        None,
    )
}

/// The integration users the audit judged, for standard error.
fn audited_users_line(inventory: &Inventory) -> Option<String> {
    let users: Vec<&str> = inventory
        .identities
        .iter()
        .filter_map(|i| i.username.as_deref())
        .collect();
    users_line(&users)
}

/// `3 integration users audited: int.a@acme.com, int.b@acme.com, int.c@acme.com`
/// (the first ten, then how many more); `None` when there is none (the
/// `org-no-integration-user` warning says so).
fn users_line(users: &[&str]) -> Option<String> {
    const SHOWN: usize = 10;
    if users.is_empty() {
        return None;
    }
    let mut names = users[..users.len().min(SHOWN)].join(", ");
    if users.len() > SHOWN {
        names.push_str(&format!(" and {} more", users.len() - SHOWN));
    }
    let what = if users.len() == 1 {
        "integration user"
    } else {
        "integration users"
    };
    Some(format!("{} {what} audited: {names}", users.len()))
}

/// `12 API calls; daily API requests: 14,868 of 15,000 left`.
fn budget_line(client: &OrgClient) -> String {
    let calls = client.calls();
    match client.api_usage() {
        Some(u) => format!(
            "{calls} API calls; daily API requests: {} of {} left",
            u.max.saturating_sub(u.used),
            u.max
        ),
        None => format!("{calls} API calls"),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_age, users_line};
    use std::time::Duration;

    #[test]
    fn audited_users_are_named_up_to_ten() {
        assert_eq!(users_line(&[]), None);
        assert_eq!(
            users_line(&["int.a@acme.com"]).unwrap(),
            "1 integration user audited: int.a@acme.com"
        );
        let many: Vec<String> = (1..=12).map(|i| format!("int.{i}@acme.com")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let line = users_line(&many).unwrap();
        assert!(
            line.starts_with("12 integration users audited: int.1@acme.com, "),
            "{line}"
        );
        assert!(line.ends_with("int.10@acme.com and 2 more"), "{line}");
        assert!(!line.contains("int.11@"), "{line}");
    }

    #[test]
    fn ages() {
        assert_eq!(parse_age("30d"), Ok(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse_age("12h"), Ok(Duration::from_secs(12 * 3_600)));
        assert_eq!(parse_age("2w"), Ok(Duration::from_secs(14 * 86_400)));
        assert!(parse_age("soon").is_err());
        // Found by testing: these overflowed (a panic in a debug build).
        assert_eq!(
            parse_age("99999999999999999d"),
            Err("\"99999999999999999d\": at most 36500 days (100 years)".to_string())
        );
        assert!(parse_age("9999999999999w").is_err());
        assert_eq!(
            parse_age("36500d"),
            Ok(Duration::from_secs(36_500 * 86_400))
        );
    }
}
