//! `intguard fix permissions`: writes a least-privilege permission set per
//! integration user, derived from what its Mule apps do. The derivation is
//! in the `intguard-fix` crate; this is argument handling, placing the
//! files, checking them read back, and the summary.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use intguard_engine::{read_inventory, ScanOptions};
use intguard_fix::{
    is_inside, permission_set_folder, plan_permission_sets, LeastPrivilegeSet, PermissionsOptions,
};
use intguard_model::{
    path_text::{display_path, path_of_display},
    same_profile, AccessFlags, IntegrationIdentity, Inventory, MetadataFormat, ObjectOperation,
};

use super::identities::short;
use super::inputs;
use crate::{exit, output};

#[derive(Args)]
pub struct PermissionsArgs {
    /// Folders to read: the Mule apps and the Salesforce project (default: the current
    /// folder).
    paths: Vec<PathBuf>,
    /// Only this user (repeatable) [default: every user a Mule app logs in as].
    #[arg(long, value_name = "USERNAME")]
    user: Vec<String>,
    /// API name of the permission set, with one user [default: from the username,
    /// int.orders@acme.com -> Int_Orders_Least_Privilege].
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Folder to write the permission sets to [default: next to the Salesforce project's
    /// permission sets].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print the permission sets and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Replace a permission set file that exists (refused otherwise).
    #[arg(long)]
    force: bool,
    /// Config file [default: the intguard.toml of the first root that has one]; its
    /// `[[identities]]` name users too.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

pub fn run(args: PermissionsArgs) -> i32 {
    let (paths, config) = match inputs::paths_and_config(&args.paths, args.config.as_deref()) {
        Ok(x) => x,
        Err(e) => return exit::usage_error(e),
    };
    let options = ScanOptions {
        paths,
        config,
        baseline: None,
        threads: 0,
        // Files are written into the project: never through a link.
        follow_symlinks: false,
        paths_only: false,
    };
    let inventory = read_inventory(&options);
    let plan = match plan_permission_sets(
        &inventory,
        &PermissionsOptions {
            users: args.user.clone(),
            name: args.name.clone(),
        },
    ) {
        Ok(p) => p,
        Err(e) => return exit::usage_error(e),
    };
    for s in &plan.skipped {
        eprintln!("intguard: left as is: {s}");
    }
    if plan.sets.is_empty() {
        if plan.skipped.is_empty() {
            eprintln!("intguard: no Mule app among the paths logs in as a Salesforce user: nothing to derive");
            // A metadata-only project: its integration users are known, but
            // not what logs in as them.
            let mut users: Vec<&str> = inventory
                .identities
                .iter()
                .filter_map(|id| id.username.as_deref())
                .collect();
            users.sort_unstable();
            users.dedup();
            if !users.is_empty() {
                eprintln!(
                    "intguard: the Salesforce metadata read has integration users ({}), but {}",
                    users.join(", "),
                    intguard_fix::NOT_DERIVED_WITHOUT_APPS
                );
            }
            return exit::OK;
        }
        return exit::FINDINGS;
    }
    let folder = permission_set_folder(&inventory, args.out.as_deref());
    let targets: Vec<Option<PathBuf>> = plan
        .sets
        .iter()
        .map(|set| {
            folder
                .as_ref()
                .ok()
                .map(|(dir, suffix)| dir.join(format!("{}{suffix}", set.name)))
        })
        .collect();

    if args.dry_run {
        let several = plan.sets.len() > 1;
        let mut text = String::new();
        for (set, target) in plan.sets.iter().zip(&targets) {
            eprint!("{}", summary(&inventory, set, target.as_deref(), true));
            if let Some(other) = target
                .as_deref()
                .and_then(|t| same_name_elsewhere(&inventory, set, t))
            {
                eprintln!("intguard: permission set {} exists already ({other}): writing it would be refused; name the set with --name", set.name);
            }
            if several {
                let shown = target
                    .as_ref()
                    .map_or_else(|| set.name.clone(), |t| display_path(t));
                let _ = writeln!(text, "==> {shown} <==");
            }
            text.push_str(&set.xml());
            if several {
                text.push('\n');
            }
        }
        if let Err(e) = output::print(&text) {
            return exit::usage_error(format!("cannot write the permission sets: {e}"));
        }
        eprintln!(
            "intguard: dry run: {} permission set(s) would be written; nothing was written",
            plan.sets.len()
        );
        return left_code(&plan.sets, &plan.skipped);
    }

    // Writing needs the folder (a dry run shows the sets without one).
    if let Err(e) = &folder {
        return exit::usage_error(e);
    }
    let targets: Vec<PathBuf> = targets.into_iter().flatten().collect();
    // Every target checked before anything is written. A set of the same
    // name elsewhere in the project (another package directory, a
    // decomposed folder) would be a second source for one permission set:
    // --force replaces a file, it does not merge two sets.
    for (set, target) in plan.sets.iter().zip(&targets) {
        if let Some(other) = same_name_elsewhere(&inventory, set, target) {
            return exit::usage_error(format!(
                "permission set {} exists already ({other}): name the set with --name, or remove that one",
                set.name
            ));
        }
    }
    if !args.force {
        if let Some(existing) = targets.iter().find(|t| t.exists()) {
            return exit::usage_error(format!(
                "{} exists (an earlier run, or a set of that name): replace it with --force, or name the set with --name",
                display_path(existing)
            ));
        }
    }
    for (set, target) in plan.sets.iter().zip(&targets) {
        if let Err(e) = set.write(target) {
            return exit::usage_error(format!("cannot write {}: {e}", display_path(target)));
        }
    }
    // Read back as the scan reads metadata: each set is read and grants
    // what was planned.
    let after = read_inventory(&options);
    let mut problems = Vec::new();
    for (set, target) in plan.sets.iter().zip(&targets) {
        problems.extend(read_back(&after, set, target));
    }
    if !problems.is_empty() {
        return exit::usage_error(format!(
            "the permission sets were written but do not read back as planned: {}",
            problems.join("; ")
        ));
    }
    for (set, target) in plan.sets.iter().zip(&targets) {
        eprint!("{}", summary(&inventory, set, Some(target), false));
    }
    eprintln!(
        "intguard: {} permission set(s) written and read back",
        plan.sets.len()
    );
    left_code(&plan.sets, &plan.skipped)
}

/// 1 when something was left for a person: a user without a set,
/// operations whose objects are not known, or hard deletes needing a system
/// permission.
fn left_code(sets: &[LeastPrivilegeSet], skipped: &[String]) -> i32 {
    if skipped.is_empty()
        && sets
            .iter()
            .all(|s| s.not_derived.is_empty() && s.hard_deleted().is_empty())
    {
        exit::OK
    } else {
        exit::FINDINGS
    }
}

/// Where the project read holds a permission set of `set`'s name other than
/// at `target` (names are case-insensitive in an org).
fn same_name_elsewhere(inv: &Inventory, set: &LeastPrivilegeSet, target: &Path) -> Option<String> {
    inv.salesforce
        .permission_sets
        .iter()
        .filter(|s| s.name.eq_ignore_ascii_case(&set.name))
        .map(|s| s.location.path.as_str())
        .find(|p| !same_file(p, target))
        .map(str::to_string)
}

/// Whether display path `path` names `target` (`./org/src/x` is
/// `org/src/x`).
fn same_file(path: &str, target: &Path) -> bool {
    let file = path_of_display(path);
    path == display_path(target) || (is_inside(&file, target) && is_inside(target, &file))
}

/// What a re-read shows of a written set that differs from the plan.
fn read_back(after: &Inventory, set: &LeastPrivilegeSet, target: &Path) -> Vec<String> {
    let shown = display_path(target);
    let Some(read) = after
        .salesforce
        .permission_sets
        .iter()
        .find(|s| s.name == set.name && same_file(s.location.path.as_str(), target))
    else {
        // Written where no Salesforce project is read (`--out` elsewhere):
        // the scan's reader does not see it; its XML is checked instead.
        let in_project = after
            .salesforce
            .projects
            .iter()
            .any(|p| is_inside(target, &path_of_display(&p.root)));
        if !in_project {
            return set.check_written(target, true);
        }
        return vec![format!(
            "{shown} is not read as permission set {}",
            set.name
        )];
    };
    let mut problems = Vec::new();
    for planned in &set.objects {
        let got = read
            .object_permissions
            .iter()
            .find(|o| o.object.eq_ignore_ascii_case(&planned.object))
            .map(AccessFlags::from)
            .unwrap_or_default();
        if got != planned.access {
            problems.push(format!(
                "{shown}: {} reads back as {}, planned {}",
                planned.object,
                got.describe(),
                planned.access.describe()
            ));
        }
    }
    if read.object_permissions.len() != set.objects.len() {
        problems.push(format!(
            "{shown}: {} object permissions read back, {} planned",
            read.object_permissions.len(),
            set.objects.len()
        ));
    }
    // The scan's reader keeps no field permissions: those from the XML.
    problems.extend(set.check_written(target, false));
    problems
}

fn ops(list: &[ObjectOperation]) -> String {
    list.iter()
        .map(|o| o.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The summary of one set: where, for whom, each object with its access and
/// why, the fields, what is left to a person, and the next steps.
fn summary(
    inv: &Inventory,
    set: &LeastPrivilegeSet,
    target: Option<&Path>,
    dry_run: bool,
) -> String {
    let mut s = String::new();
    let verb = if dry_run { "would write" } else { "wrote" };
    let at = target.map_or_else(
        || format!("{} (give --out DIR to write it)", set.name),
        display_path,
    );
    let _ = writeln!(s, "intguard: {verb} {at}");
    let _ = writeln!(
        s,
        "  for          {} (Mule app{} {})",
        set.usernames.join(", "),
        if set.apps.len() == 1 { "" } else { "s" },
        set.apps.join(", ")
    );
    let width = set
        .objects
        .iter()
        .map(|o| o.object.len())
        .max()
        .unwrap_or(0)
        .min(40);
    for (i, o) in set.objects.iter().enumerate() {
        let label = if i == 0 { "objects" } else { "" };
        let why = if !o.required_for.is_empty() {
            format!(
                "required by Salesforce with access to {}",
                o.required_for.join(", ")
            )
        } else if o.inferred {
            format!(
                "{} through a relationship name in SOQL (its object told by convention: check it)",
                ops(&o.operations)
            )
        } else {
            let first = o
                .first_use
                .as_ref()
                .map(|l| format!(" ({})", short(l)))
                .unwrap_or_default();
            format!("{}{first}", ops(&o.operations))
        };
        let _ = writeln!(
            s,
            "  {label:<12} {:<width$}  {:<22} {why}",
            o.object,
            o.access.describe()
        );
    }
    let mut field_lines = Vec::new();
    if !set.edited_fields.is_empty() {
        let edited: Vec<String> = set
            .edited_fields
            .iter()
            .map(|f| format!("{} (set at {})", f.field, short(&f.seen_at)))
            .collect();
        field_lines.push(format!("Read, Edit on {}", edited.join(", ")));
    }
    if !set.fields.is_empty() {
        field_lines.push(format!("Read on {}", set.fields.join(", ")));
    }
    for (i, line) in field_lines.iter().enumerate() {
        let label = if i == 0 { "fields" } else { "" };
        let _ = writeln!(s, "  {label:<12} {line}");
    }
    for (i, l) in set.left_out.iter().enumerate() {
        let label = if i == 0 { "left out" } else { "" };
        let at = l
            .first_use
            .as_ref()
            .map(|at| format!(" ({})", short(at)))
            .unwrap_or_default();
        let _ = writeln!(s, "  {label:<12} {}{at}: {}", l.object, l.reason);
    }
    // Operations of unknown kind (a generic invoke) may set any field.
    let unknown_kind: Vec<&str> = set
        .objects
        .iter()
        .filter(|o| o.operations.contains(&ObjectOperation::Other))
        .map(|o| o.object.as_str())
        .collect();
    let mut check = Vec::new();
    if !set.standard_fields.is_empty() {
        check.push(format!(
            "field-level security of the standard fields its queries read ({}): grant Read on those the org secures",
            set.standard_fields.join(", ")
        ));
    }
    if !set.standard_written_fields.is_empty() {
        check.push(format!(
            "field-level security of the standard fields its creates and updates set ({}): grant Edit on those the org secures",
            set.standard_written_fields.join(", ")
        ));
    }
    if !set.setup_object_fields.is_empty() {
        check.push(format!(
            "field-level security of the custom fields its operations read or set on setup objects ({}): grant Read on those read, Edit on those set",
            set.setup_object_fields.join(", ")
        ));
    }
    let hard = set.hard_deleted();
    if !hard.is_empty() {
        check.push(format!(
            "its bulk hardDelete jobs ({}) need the user permission Bulk API Hard Delete (BulkApiHardDelete), not granted here (IG302 reports it): grant it by hand only if those records must skip the Recycle Bin, else make the jobs delete",
            hard.join(", ")
        ));
    }
    for u in &set.unread_writes {
        check.push(format!(
            "the fields the {} of {} ({}) sets: {}: grant Edit on those",
            match u.operation {
                ObjectOperation::Create => "create",
                ObjectOperation::Edit => "update",
                ObjectOperation::Upsert => "upsert",
                _ => "write",
            },
            u.object,
            short(&u.location),
            u.reason.describe()
        ));
    }
    if !unknown_kind.is_empty() {
        check.push(format!(
            "the fields its operations of unknown kind on {} set: grant Edit on those",
            unknown_kind.join(", ")
        ));
    }
    for (i, c) in check.iter().enumerate() {
        let label = if i == 0 { "check" } else { "" };
        let _ = writeln!(s, "  {label:<12} {c}");
    }
    for (i, u) in set.not_derived.iter().enumerate() {
        let label = if i == 0 { "not derived" } else { "" };
        let _ = writeln!(
            s,
            "  {label:<12} {} {} ({}): {}: grant what it needs by hand",
            u.app,
            short(&u.location),
            u.operation.as_str(),
            u.reason.describe()
        );
    }
    let _ = writeln!(s, "  {:<12} {}", "next", next_steps(inv, set, target));
    s
}

/// Deploy, assign, pre-authorize, then take away what it replaces.
fn next_steps(inv: &Inventory, set: &LeastPrivilegeSet, target: Option<&Path>) -> String {
    let ids: Vec<&IntegrationIdentity> = inv
        .identities
        .iter()
        .filter(|id| {
            id.username
                .as_deref()
                .is_some_and(|u| set.usernames.iter().any(|x| x.eq_ignore_ascii_case(u)))
        })
        .collect();
    let first_user = &set.usernames[0];
    // `--metadata` finds source in an SFDX project's package directories
    // only; a Metadata API project deploys its folder, as its package.xml
    // lists.
    let project = target.and_then(|t| {
        inv.salesforce
            .projects
            .iter()
            .find(|p| is_inside(t, &path_of_display(&p.root)))
    });
    let deploy = match project {
        Some(p) if p.format == MetadataFormat::MetadataApi => format!(
            "add it to {} (PermissionSet member {}), deploy it (sf project deploy start --metadata-dir {})",
            p.descriptor.path, set.name, p.root
        ),
        Some(p)
            if p.package_directories
                .iter()
                .any(|d| target.is_some_and(|t| is_inside(t, &path_of_display(d)))) =>
        {
            format!(
                "deploy it (sf project deploy start --metadata PermissionSet:{})",
                set.name
            )
        }
        _ => format!(
            "move it into a package directory of the Salesforce project, deploy it (sf project deploy start --metadata PermissionSet:{})",
            set.name
        ),
    };
    let mut steps = vec![format!(
        "{deploy} and assign it to {first_user} (sf org assign permset --name {} --on-behalf-of {first_user}; in a user definition file, \"permsets\")",
        set.name
    )];
    let mut apps: Vec<String> = Vec::new();
    for id in &ids {
        for p in &id.pre_authorized_by {
            let name = format!("{} {}", p.kind.describe(), p.app);
            if !apps.contains(&name) {
                apps.push(name);
            }
        }
    }
    if !apps.is_empty() {
        steps.push(format!(
            "pre-authorize it on {} instead of profiles or broader sets",
            apps.join(", ")
        ));
    }
    let mut replaced: Vec<String> = Vec::new();
    for id in &ids {
        if let Some(p) = &id.profile {
            let label = intguard_model::profile_label(&p.name);
            let is_minimum = same_profile(&p.name, "Minimum Access - API Only Integrations");
            let item = format!(
                "profile {label} (move the user to \"Minimum Access - API Only Integrations\")"
            );
            if !is_minimum && !replaced.contains(&item) {
                replaced.push(item);
            }
        }
        for ps in &id.permission_sets {
            let item = format!("permission set {}", ps.name);
            if !replaced.contains(&item) {
                replaced.push(item);
            }
        }
        for g in &id.permission_set_groups {
            let item = format!("permission set group {}", g.name);
            if !replaced.contains(&item) {
                replaced.push(item);
            }
        }
    }
    if !replaced.is_empty() {
        steps.push(format!(
            "then remove what it replaces: {} (IG301, IG302, IG304)",
            replaced.join(", ")
        ));
    }
    steps.join("; ")
}
