//! `intguard identities [PATHS]`: the blast radius of each integration
//! credential at a glance. Per identity: why it is one, the apps and
//! environments using it and how they authenticate, its profile, permission
//! sets and groups, its dangerous permissions (tiered), the object access it
//! is granted against what its apps use, and the apps pre-authorizing it.

mod json;

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use intguard_engine::{read_inventory, ScanOptions};
use intguard_model::{
    AccessAssignment, AccessFlags, AuthClass, IntegrationIdentity, Inventory, Location,
    ObjectOperation,
};
use serde::Serialize;

use super::inputs;
use crate::{exit, output};

#[derive(Clone, Copy, ValueEnum)]
pub enum IdentitiesFormat {
    Text,
    Json,
}

#[derive(Args)]
pub struct IdentitiesArgs {
    /// Folders or files to read (default: the current folder).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "text")]
    format: IdentitiesFormat,
    /// Write to FILE instead of standard output (`-`: standard output). A FILE
    /// that is one of its inputs is refused.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Config file [default: the intguard.toml of the first root that has one]; its
    /// `[[identities]]` map usernames to profiles and permission sets.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// An org snapshot (`intguard org audit --snapshot FILE`): the org's users, their real
    /// assignments and the org's profiles and permission sets join the repositories'.
    #[arg(long, value_name = "FILE")]
    org_snapshot: Option<PathBuf>,
    /// Only the identity whose username or name is TEXT (case-insensitive); when none is,
    /// the identities whose username or name contains TEXT.
    #[arg(long, value_name = "TEXT")]
    only: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Follow symbolic links: a folder or file linked into an app (a shared
    /// config folder) is read as part of it. Loops are reported, not followed.
    #[arg(long, short = 'L')]
    follow: bool,
}

/// The identities `--only TEXT` selects (case-insensitive): those whose
/// username or name is TEXT when there are any (`int.orders@acme.com`, not
/// also `int.orders@acme.com.dev`), else those whose username or name
/// contains it. All without `--only`.
fn select<'a>(
    identities: &'a [IntegrationIdentity],
    only: Option<&str>,
) -> Vec<&'a IntegrationIdentity> {
    let Some(only) = only.map(str::to_lowercase) else {
        return identities.iter().collect();
    };
    let names = |id: &'a IntegrationIdentity| {
        std::iter::once(id.name.to_lowercase()).chain(id.username.as_deref().map(str::to_lowercase))
    };
    let exact: Vec<&IntegrationIdentity> = identities
        .iter()
        .filter(|id| names(id).any(|n| n == only))
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    identities
        .iter()
        .filter(|id| names(id).any(|n| n.contains(&only)))
        .collect()
}

pub fn run(args: IdentitiesArgs) -> i32 {
    let (paths, config) = match inputs::paths_and_config(&args.paths, args.config.as_deref()) {
        Ok(x) => x,
        Err(e) => return exit::usage_error(e),
    };
    let snapshot = match inputs::org_snapshot(args.org_snapshot.as_deref()) {
        Ok(s) => s,
        Err(e) => return exit::usage_error(e),
    };
    let mut read: Vec<(&std::path::Path, &str)> = args
        .paths
        .iter()
        .filter(|p| p.is_file())
        .map(|p| (p.as_path(), "a file it reads"))
        .collect();
    // The config given or found.
    read.extend(config.source.as_deref().map(|p| (p, "the config")));
    read.extend(
        args.org_snapshot
            .as_deref()
            .map(|p| (p, "the org snapshot")),
    );
    if let Err(e) = output::refuse_output_over_inputs(args.output.as_deref(), &read)
        .and_then(|()| output::refuse_output_over_walked_file(args.output.as_deref(), &paths))
        .and_then(|()| {
            output::refuse_unwritable("--output", output::output_file(args.output.as_deref()))
        })
    {
        return exit::usage_error(e);
    }
    let options = ScanOptions {
        paths,
        config,
        baseline: None,
        threads: args.threads,
        follow_symlinks: args.follow,
        // What each identity's apps use is shown, with or without metadata.
        paths_only: false,
    };
    let mut inventory = read_inventory(&options);
    // Said by the report itself (text "Unknown users", JSON
    // `unread_domain_uses`), with the objects each app uses.
    inventory.diagnostics.retain(|d| d.code != "domain-unread");
    if let Some(snapshot) = &snapshot {
        intguard_org::join(snapshot, &mut inventory);
    }
    // Listed as the scan lists them: masked, in order.
    let redactor = intguard_model::secret::Redactor::new(inventory.known_secrets());
    for d in &mut inventory.diagnostics {
        d.message = redactor.redact(&d.message);
    }
    inventory
        .diagnostics
        .sort_by(|a, b| (&a.path, a.line, a.code).cmp(&(&b.path, b.line, b.code)));
    inventory.diagnostics.dedup();
    let selected = select(&inventory.identities, args.only.as_deref());
    let write = |out: &mut dyn Write| match args.format {
        IdentitiesFormat::Text => {
            let text = render_text(&inventory, &selected, args.only.as_deref());
            out.write_all(text.as_bytes())
        }
        IdentitiesFormat::Json => json::write(out, &inventory, &selected),
    };
    let written = match output::output_file(args.output.as_deref()) {
        Some(path) => output::to_file(path, write)
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => output::to_stdout(write).map_err(|e| format!("cannot write the identities: {e}")),
    };
    if let Err(e) = written {
        return exit::usage_error(e);
    }
    // Built from an org audit cut short: listed, but the run cannot pass
    // for a complete one (exit 2 after the listing, as `scan` does).
    if is_partial(&inventory) {
        eprintln!(
            "intguard: the org audit is partial (see the {} diagnostic): exit {}",
            intguard_model::ORG_PARTIAL,
            exit::USAGE
        );
        return exit::USAGE;
    }
    exit::OK
}

/// Whether the org read (live or from a snapshot) is partial: its
/// `org-partial` error is among the diagnostics.
fn is_partial(inv: &Inventory) -> bool {
    inv.diagnostics
        .iter()
        .any(|d| d.code == intguard_model::ORG_PARTIAL)
}

fn auth_name(a: AuthClass) -> &'static str {
    match a {
        AuthClass::Password => "password",
        AuthClass::Certificate => "certificate (JWT/SAML bearer)",
        AuthClass::ClientSecret => "client credentials (secret)",
        AuthClass::NamedUser => "named user (authorization code)",
        AuthClass::Unknown => "unknown",
    }
}

/// `Admin.profile-meta.xml:40`.
pub(crate) fn short(loc: &Location) -> String {
    // `org://<org>/User/005...`: the record, named as the org's (a bare id
    // reads as a file name).
    if let Some(rest) = loc.path.strip_prefix("org://") {
        let mut parts = rest.rsplit('/');
        if let (Some(id), Some(object)) = (parts.next(), parts.next()) {
            return format!("the org's {object} {id}");
        }
        return loc.path.to_string();
    }
    let file = intguard_model::path_text::file_name(&loc.path);
    if loc.line == 0 {
        file.to_string()
    } else {
        format!("{file}:{}", loc.line)
    }
}

/// `A, B, assigned in u.json:6` when every one is assigned at one place,
/// else `A (assigned in u.json:6), B (assigned in intguard.toml:5)`; a name
/// whose assignment is not located (an org's) stands alone.
fn assignments(list: &[AccessAssignment]) -> String {
    let first = list.first().and_then(|a| a.assigned_at.as_ref());
    if let Some(at) = first.filter(|at| list.iter().all(|a| a.assigned_at.as_ref() == Some(*at))) {
        let names: Vec<&str> = list.iter().map(|a| a.name.as_str()).collect();
        return format!("{}, assigned in {}", names.join(", "), short(at));
    }
    let items: Vec<String> = list
        .iter()
        .map(|a| match &a.assigned_at {
            Some(at) => format!("{} (assigned in {})", a.name, short(at)),
            None => a.name.clone(),
        })
        .collect();
    items.join(", ")
}

/// One row of the used-vs-granted comparison (in the JSON, an identity's
/// `objects`).
#[derive(Serialize)]
struct ObjectRow {
    object: String,
    used: Vec<ObjectOperation>,
    inferred: bool,
    relationships: Vec<String>,
    granted: AccessFlags,
    /// Granted beyond what the apps need (None when it cannot be judged).
    excess: Option<AccessFlags>,
}

/// The org's logins of an identity's user, per application and login sub
/// type (in the JSON, an identity's `org_logins`): which apps log in as it
/// and how, from the Login History the audit read.
#[derive(Serialize)]
struct OrgLogins {
    application: String,
    /// `OauthJwtBearer`, `OauthUsernamePassword`, ...
    login_sub_type: Option<String>,
    logins: usize,
    /// Those with a status other than `Success`.
    failed: usize,
    /// The latest, as Salesforce's date-time in UTC.
    last: String,
    source_ips: Vec<String>,
}

/// An app holding an OAuth token of the identity's user (in the JSON,
/// `org_tokens`).
#[derive(Serialize)]
struct OrgToken {
    app: String,
    last_used: Option<String>,
    use_count: Option<u64>,
}

/// The org's Login History and OAuth tokens of the identity's user, when an
/// org was read and has it.
fn org_activity(inv: &Inventory, id: &IntegrationIdentity) -> (Vec<OrgLogins>, Vec<OrgToken>) {
    let user = inv
        .org
        .as_ref()
        .zip(id.username.as_deref())
        .and_then(|(org, u)| org.user_by_username(u).map(|user| (org, user)));
    let Some((org, user)) = user else {
        return (Vec::new(), Vec::new());
    };
    let mut logins: Vec<OrgLogins> = Vec::new();
    let mut last_unix: Vec<i64> = Vec::new();
    for l in org.logins_of(&user.id) {
        let app = l
            .application
            .clone()
            .unwrap_or_else(|| "an unnamed client".to_string());
        let i = match logins
            .iter()
            .position(|g| g.application == app && g.login_sub_type == l.login_sub_type)
        {
            Some(i) => i,
            None => {
                logins.push(OrgLogins {
                    application: app,
                    login_sub_type: l.login_sub_type.clone(),
                    logins: 0,
                    failed: 0,
                    last: String::new(),
                    source_ips: Vec::new(),
                });
                last_unix.push(i64::MIN);
                logins.len() - 1
            }
        };
        let g = &mut logins[i];
        g.logins += 1;
        if l.status.as_deref().is_some_and(|s| s != "Success") {
            g.failed += 1;
        }
        if l.time_unix > last_unix[i] {
            last_unix[i] = l.time_unix;
            g.last = intguard_org::time::format_rfc3339(l.time_unix);
        }
        if let Some(ip) = &l.source_ip {
            if !g.source_ips.contains(ip) {
                g.source_ips.push(ip.clone());
            }
        }
    }
    logins.sort_by(|a, b| {
        (a.application.to_lowercase(), &a.login_sub_type)
            .cmp(&(b.application.to_lowercase(), &b.login_sub_type))
    });
    let mut tokens: Vec<OrgToken> = org
        .tokens_of(&user.id)
        .map(|t| OrgToken {
            app: t.app_name.clone(),
            last_used: t.last_used_unix.map(intguard_org::time::format_rfc3339),
            use_count: t.use_count,
        })
        .collect();
    tokens.sort_by_key(|t| t.app.to_lowercase());
    (logins, tokens)
}

/// The widest the text table's object column grows (API names of custom
/// objects with a namespace are under 60 characters).
const MAX_OBJECT_COLUMN: usize = 60;

fn object_rows(id: &IntegrationIdentity) -> Vec<ObjectRow> {
    // As IG304 judges: an identity some app runs as, with an object used
    // (an app whose operations intguard cannot see, or cannot tell the
    // objects of, is no ground to call everything excess).
    // With no profile known, what it is granted is unknown, not nothing:
    // no excess either way.
    let judge = !id.apps.is_empty() && !id.objects_used().is_empty() && id.profile.is_some();
    let lookup = id.object_lookup();
    let mut names: Vec<&str> = id
        .object_access
        .iter()
        .map(|o| o.object.as_str())
        .chain(id.objects_used().iter().map(|u| u.object.as_str()))
        .collect();
    names.sort_by_cached_key(|n| n.to_lowercase());
    names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    names
        .into_iter()
        .map(|name| {
            let granted = lookup.access(name).map(|o| o.access).unwrap_or_default();
            let used = lookup.used(name);
            let excess = judge.then(|| match lookup.needed(name) {
                None => granted,
                Some(need) => granted.minus(need),
            });
            ObjectRow {
                object: used
                    .map(|u| u.object.clone())
                    .or_else(|| lookup.access(name).map(|o| o.object.clone()))
                    .unwrap_or_else(|| name.to_string()),
                used: used.map(|u| u.operations.clone()).unwrap_or_default(),
                inferred: used.is_some_and(|u| u.inferred),
                relationships: used.map(|u| u.relationships.clone()).unwrap_or_default(),
                granted,
                excess,
            }
        })
        .collect()
}

fn ops_text(ops: &[ObjectOperation]) -> String {
    if ops.is_empty() {
        "-".to_string()
    } else {
        ops.iter()
            .map(|o| o.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The text output; `only` is `--only`'s text, for the note when it selects
/// nothing.
fn render_text(inv: &Inventory, ids: &[&IntegrationIdentity], only: Option<&str>) -> String {
    let mut s = String::new();
    let md = &inv.salesforce;
    let domains = inv.apps.iter().filter(|a| a.domain).count();
    let apps = inv.apps.len() - domains;
    let _ = writeln!(
        s,
        "intguard identities: {} integration identit{} ({} Mule app{}{}, {} metadata project{}, {} files read)",
        ids.len(),
        if ids.len() == 1 { "y" } else { "ies" },
        apps,
        if apps == 1 { "" } else { "s" },
        match domains {
            0 => String::new(),
            1 => ", 1 Mule domain".to_string(),
            n => format!(", {n} Mule domains"),
        },
        md.projects.len(),
        if md.projects.len() == 1 { "" } else { "s" },
        inv.stats.files
    );
    if is_partial(inv) {
        let _ = writeln!(
            s,
            "Partial: built from a partial org audit (see the {} error below): what it left unread may hold more users, assignments and permissions.",
            intguard_model::ORG_PARTIAL
        );
    }
    if ids.is_empty() && !inv.identities.is_empty() {
        // `--only` selected none of those found.
        let _ = writeln!(
            s,
            "\nNo integration identity's username or name is or contains {:?}; {} found (without --only, all are listed).",
            only.unwrap_or_default(),
            inv.identities.len()
        );
    } else if ids.is_empty() {
        let _ = writeln!(
            s,
            "\nNo integration identity found: no Salesforce connection with a username, no user definition file, no [[identities]] in intguard.toml and no integration profile in the metadata{}.",
            match inv.diagnostics.len() {
                0 => String::new(),
                n => format!(
                    " among what could be read ({n} diagnostic{} below)",
                    if n == 1 { "" } else { "s" }
                ),
            }
        );
    }
    for id in ids {
        let _ = writeln!(s, "\n{}", id.name);
        if let Some(sys) = &id.system {
            let _ = writeln!(s, "  system      {sys}");
        }
        for (i, r) in id.reasons().iter().enumerate() {
            let at = r
                .location
                .as_ref()
                .map(|l| format!("  ({l})"))
                .unwrap_or_default();
            let label = if i == 0 { "why" } else { "" };
            let _ = writeln!(s, "  {label:<11} {}{at}", r.detail);
        }
        // Apps: one line per app and connection, with its environments.
        let mut lines: Vec<(String, String, AuthClass, Location, Vec<String>)> = Vec::new();
        for u in &id.apps {
            // A domain's connection is named with its domain.
            let config = match &u.domain {
                Some(d) => format!("`{}` of domain {d}", u.config_name),
                None => format!("`{}`", u.config_name),
            };
            match lines.iter_mut().find(|l| l.0 == u.app && l.1 == config) {
                Some(l) => {
                    if let Some(e) = &u.environment {
                        l.4.push(e.to_string());
                    }
                }
                None => lines.push((
                    u.app.to_string(),
                    config,
                    u.auth,
                    u.location.clone(),
                    u.environment.iter().map(|e| e.to_string()).collect(),
                )),
            }
        }
        for (i, (app, config, auth, at, envs)) in lines.iter().enumerate() {
            let label = if i == 0 { "used by" } else { "" };
            let envs = if envs.is_empty() {
                "every environment".to_string()
            } else {
                envs.join(", ")
            };
            let _ = writeln!(
                s,
                "  {label:<11} {app} {config} in {envs}: {} ({})",
                auth_name(*auth),
                short(at)
            );
        }
        // Which apps the org saw log in as it, and hold its tokens.
        let (logins, tokens) = org_activity(inv, id);
        if let (false, Some(org)) = (logins.is_empty(), &inv.org) {
            let since = intguard_org::time::format_rfc3339(org.since_unix);
            let _ = writeln!(
                s,
                "  org logins  Login History since {}:",
                since.get(..10).unwrap_or(&since)
            );
            for g in &logins {
                let failed = if g.failed > 0 {
                    format!(", {} failed", g.failed)
                } else {
                    String::new()
                };
                let _ = writeln!(
                    s,
                    "              {}: {} login{}{failed} ({}) from {}, the last {}",
                    g.application,
                    g.logins,
                    if g.logins == 1 { "" } else { "s" },
                    g.login_sub_type.as_deref().unwrap_or("no sub type"),
                    g.source_ips.join(", "),
                    g.last
                );
            }
        }
        for (i, t) in tokens.iter().enumerate() {
            let label = if i == 0 { "org tokens" } else { "" };
            let used = match (&t.last_used, t.use_count) {
                (Some(at), Some(n)) => format!("last used {at}, {n} uses"),
                (Some(at), None) => format!("last used {at}"),
                (None, _) => "never used".to_string(),
            };
            let _ = writeln!(s, "  {label:<11} {}: {used}", t.app);
        }
        match &id.profile {
            Some(p) => {
                let label = intguard_model::profile_label(&p.name);
                let label = if label != p.name {
                    format!(" ({label})")
                } else {
                    String::new()
                };
                let license = id
                    .license
                    .as_deref()
                    .map(|l| format!(", license {l}"))
                    .unwrap_or_default();
                let at = p
                    .assigned_at
                    .as_ref()
                    .map(|l| format!(", assigned in {}", short(l)))
                    .unwrap_or_default();
                let _ = writeln!(s, "  profile     {}{label}{license}{at}", p.name);
            }
            None => match not_in_org(inv, id) {
                Some((org, why)) => {
                    let _ = writeln!(s, "  profile     unknown: not a user of org {org}: {why}");
                }
                None => {
                    let _ = writeln!(s, "  profile     unknown (map it in intguard.toml [[identities]] or a user definition file)");
                }
            },
        }
        if let Some(at) = &id.inactive_in_org {
            let _ = writeln!(
                s,
                "  org         inactive in the org ({at}): it cannot log in, so its apps' logins fail or their configuration is stale; its access is not judged"
            );
        }
        if let Some(p) = id.salesforce_managed_profile() {
            if id.only_intrinsic_reasons() {
                let _ = writeln!(
                    s,
                    "  managed     by Salesforce: it creates and maintains this user and its profile {p} for its own feature. Its access is listed but not judged: the fixes rules give (edit the profile's system permissions, move the user to another profile or license, deactivate it) cannot be applied to it"
                );
            } else {
                let _ = writeln!(
                    s,
                    "  managed     by Salesforce: this user (profile {p}) is the one Salesforce maintains for its own feature, yet your apps or configuration use it, so it is judged: give them an integration user of their own rather than changing Salesforce's user or profile"
                );
            }
        }
        if let Some(at) = &id.frozen_in_org {
            let _ = writeln!(
                s,
                "  org         frozen in the org ({}): it cannot log in until an admin unfreezes it, but it is still active and keeps its permissions and credentials, so its access is judged",
                short(at)
            );
        }
        if let Some(at) = &id.password_locked_in_org {
            let _ = writeln!(
                s,
                "  org         password locked in the org ({}) after too many failed logins: Salesforce refuses its password until an admin unlocks it; find where the failed logins came from (its Login History) before unlocking it",
                short(at)
            );
        }
        if !id.permission_sets.is_empty() {
            let _ = writeln!(s, "  perm sets   {}", assignments(&id.permission_sets));
        }
        for g in &id.permission_set_groups {
            let group = md.permission_set_group(&g.name);
            let sets: Vec<&str> = group
                .map(|g| g.permission_sets.iter().map(|x| x.value.as_str()).collect())
                .unwrap_or_default();
            let muting: Vec<&str> = group
                .map(|g| {
                    g.muting_permission_sets
                        .iter()
                        .map(|x| x.value.as_str())
                        .collect()
                })
                .unwrap_or_default();
            let muting = if muting.is_empty() {
                String::new()
            } else {
                format!("; muting {}", muting.join(", "))
            };
            let at = g
                .assigned_at
                .as_ref()
                .map(|l| format!(", assigned in {}", short(l)))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "  group       {}: {}{muting}{at}",
                g.name,
                sets.join(", ")
            );
        }
        let dangerous = id.dangerous_permissions();
        for (i, p) in dangerous.iter().enumerate() {
            let label = if i == 0 { "dangerous" } else { "" };
            let (sev, cat) = p
                .category
                .map(|c| (c.severity().as_str(), c.describe()))
                .unwrap_or(("", ""));
            let by: Vec<String> = p
                .granted_by
                .iter()
                .map(|g| format!("{} ({})", g.describe(), short(&g.location)))
                .collect();
            let _ = writeln!(
                s,
                "  {label:<11} {sev:<8} {} [{cat}] from {}",
                p.name,
                by.join(", ")
            );
        }
        if dangerous.is_empty() && (id.profile.is_some() || !id.permission_sets.is_empty()) {
            let _ = writeln!(s, "  dangerous   none found");
        }
        for m in &id.muted_permissions {
            let _ = writeln!(
                s,
                "  muted       {} (by {})",
                m.name,
                m.granted_by
                    .iter()
                    .map(|g| g.describe())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let rows = object_rows(id);
        if !rows.is_empty() {
            // Padded to the longest name, up to a bound: a longer name (a
            // garbled query can yield one of any length) just shifts its row,
            // and a width beyond u16::MAX would stop the formatter.
            let w = rows
                .iter()
                .map(|r| r.object.chars().count())
                .max()
                .unwrap_or(6)
                .clamp(6, MAX_OBJECT_COLUMN);
            // No Mule app logs in as it (a metadata-only project): what it
            // uses is not known, and a column of `-` would say "unused".
            let uses_known = !id.apps.is_empty();
            if uses_known {
                let _ = writeln!(s, "  objects     {:<w$}  {:<26}  granted", "object", "used");
            } else {
                let _ = writeln!(s, "  objects     {:<w$}  granted", "object");
            }
            for r in rows {
                let mut used = ops_text(&r.used);
                if r.inferred {
                    used.push_str(" (via relationship)");
                }
                let mut note = String::new();
                if let Some(e) = r.excess {
                    if e.any() {
                        let _ = write!(note, "  <- excess: {}", e.describe());
                    }
                }
                // No profile known: the profile's grants are missing, so
                // "none" would claim no access.
                let granted = match (id.profile.is_some(), r.granted.any()) {
                    (true, _) => r.granted.describe(),
                    (false, false) => "unknown (profile unknown)".to_string(),
                    (false, true) => {
                        format!("{}, and the unknown profile's", r.granted.describe())
                    }
                };
                if uses_known {
                    let _ = writeln!(
                        s,
                        "              {:<w$}  {:<26}  {granted}{note}",
                        r.object, used,
                    );
                } else {
                    let _ = writeln!(s, "              {:<w$}  {granted}{note}", r.object);
                }
                if !r.relationships.is_empty() && !r.inferred {
                    let _ = writeln!(
                        s,
                        "              {:<w$}  via {}",
                        "",
                        r.relationships.join(", ")
                    );
                }
            }
            // The object permissions are not all it can reach: Modify All
            // Data / View All Data open every object ("none" above is not
            // no access).
            let all = [
                (
                    "ModifyAllData",
                    "Read, Create, Edit, Delete, View All and Modify All",
                ),
                ("ViewAllData", "Read and View All"),
            ]
            .into_iter()
            .find_map(|(name, what)| id.permission(name).map(|p| (p, what)));
            if !uses_known {
                let _ = writeln!(
                    s,
                    "              what it uses is not known: no Mule app among the paths logs in as it"
                );
            }
            if let Some((p, what)) = all {
                let _ = writeln!(
                    s,
                    "              {} gives it {what} on every object, whatever the object permissions above (from {})",
                    p.name,
                    p.granted_by
                        .iter()
                        .map(|g| g.describe())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        for (i, u) in id.unknown_uses().iter().enumerate() {
            let label = if i == 0 { "unknown" } else { "" };
            let _ = writeln!(
                s,
                "  {label:<11} {} {} at {}: {}; it may {} any object",
                u.app,
                u.operation.as_str(),
                short(&u.location),
                u.describe(),
                u.needs().describe().to_lowercase()
            );
        }
        for (i, p) in id.pre_authorized_by.iter().enumerate() {
            let label = if i == 0 { "apps" } else { "" };
            let mut traits = Vec::new();
            if p.certificate {
                traits.push("certificate");
            }
            if p.client_credentials {
                traits.push("client credentials");
            }
            traits.push(if p.admin_approved {
                "admin-approved"
            } else {
                "self-authorized"
            });
            let _ = writeln!(
                s,
                "  {label:<11} {} [{}] ({})",
                p.describe(),
                traits.join(", "),
                short(&p.location)
            );
        }
        if !id.unresolved.is_empty() {
            let _ = writeln!(
                s,
                "  not found   {} (not in the metadata read: grants unknown)",
                id.unresolved.join(", ")
            );
        }
    }
    let unread = inv.unread_domain_uses();
    if only.is_none() && !unread.is_empty() {
        let _ = writeln!(
            s,
            "\nUnknown users: these apps run on a Salesforce connection of a Mule domain that is not among the paths read (read the domain project too):"
        );
        for u in unread {
            let _ = writeln!(
                s,
                "  {} `{}` of domain {} ({})",
                u.app.name,
                u.config_name,
                u.link.name,
                short(u.location)
            );
        }
    }
    if !inv.diagnostics.is_empty() {
        s.push('\n');
        s.push_str(&intguard_report::text::render_diagnostics(
            &inv.diagnostics,
            &intguard_report::TextOptions { color: false },
        ));
    }
    s
}

/// The org (`00D... (host)`) an identity's username is not a user of, when
/// an org was joined, and why it may be (the org's user it is a sandbox
/// copy of, or the org's sandbox copy of it).
fn not_in_org(inv: &Inventory, id: &IntegrationIdentity) -> Option<(String, String)> {
    let org = inv.org.as_ref()?;
    let username = id.username.as_deref()?;
    if org.user_by_username(username).is_some() {
        return None;
    }
    let label = org.label();
    let name = if label == org.org {
        label
    } else {
        format!("{} ({label})", org.org)
    };
    let why = org
        .sandbox_hint(username)
        .unwrap_or_else(|| "wrong org or a sandbox username?".to_string());
    Some((name, why))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by testing as a user would: an org assignment showed as
    /// "assigned in 0055g00000AAAAAAA1", a bare id read as a file name.
    #[test]
    fn org_records_are_named_as_the_orgs() {
        let org = Location::new("org://00D5g000004ABCDEAA/User/0055g00000AAAAAAA1", 0, 0);
        assert_eq!(short(&org), "the org's User 0055g00000AAAAAAA1");
        let file = Location::new("salesforce/config/int-orders-user-def.json", 6, 3);
        assert_eq!(short(&file), "int-orders-user-def.json:6");
        assert_eq!(
            short(&Location::new("intguard.toml", 0, 0)),
            "intguard.toml"
        );
    }
}
