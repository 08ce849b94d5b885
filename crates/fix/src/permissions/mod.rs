//! `intguard fix permissions`: a least-privilege permission set per
//! integration user, derived from what the Mule apps running as it do (their
//! Salesforce operations and SOQL), to replace the broad profile and sets
//! IG301, IG302 and IG304 report.
//!
//! Planning reads only the [`Inventory`]'s identity graph. A user and its
//! sandbox copies (`int.orders@acme.com`, `int.orders@acme.com.dev`) get
//! one set, named after the user (`Int_Orders_Least_Privilege`): one set
//! deploys to every org. What cannot be derived is said, never guessed:
//! operations whose objects are only known at run time, the fields set by
//! create and update operations whose records are built where they cannot
//! be read (another flow, a variable), and the field-level security of
//! standard fields.

mod derive;
mod xml;

use std::path::{Path, PathBuf};

use intguard_model::{AuthClass, IntegrationIdentity, Inventory, MetadataFormat, ObjectOperation};

pub use derive::{
    default_name, is_valid_name, EditedField, LeastPrivilegeSet, LeftOut, ObjectGrantPlan,
    UnreadWritePlan,
};

/// Whether `path` is `folder` or inside it, as folders are named on the
/// command line and in display paths alike: `./org/src` holds
/// `org/src/sets`, and a relative path is taken from the current folder.
pub fn is_inside(path: &Path, folder: &Path) -> bool {
    fn plain(p: &Path) -> PathBuf {
        let full = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        full.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    }
    plain(path).starts_with(plain(folder))
}

/// What to derive.
#[derive(Debug, Clone, Default)]
pub struct PermissionsOptions {
    /// Usernames (case ignored); empty: every user a Mule app logs in as.
    pub users: Vec<String>,
    /// The API name of the one set asked for (`--name`).
    pub name: Option<String>,
}

/// The sets to write, and the users left without one (and why).
#[derive(Debug, Clone, Default)]
pub struct PermissionsPlan {
    pub sets: Vec<LeastPrivilegeSet>,
    pub skipped: Vec<String>,
}

impl LeastPrivilegeSet {
    /// The objects its apps hard-delete in bulk jobs: those jobs also need
    /// the user permission Bulk API Hard Delete, which the set does not
    /// grant (no system permission is derived; IG302 reports it).
    pub fn hard_deleted(&self) -> Vec<&str> {
        self.objects
            .iter()
            .filter(|o| o.operations.contains(&ObjectOperation::HardDelete))
            .map(|o| o.object.as_str())
            .collect()
    }

    /// The metadata file's text.
    pub fn xml(&self) -> String {
        xml::render(self)
    }

    /// Checks the XML written at `path` grants what was planned, read with
    /// quick-xml: its field permissions (the scan's metadata reader does not
    /// keep them), and its object permissions too when `objects` (a set
    /// written where no Salesforce project is read); what differs.
    pub fn check_written(&self, path: &Path, objects: bool) -> Vec<String> {
        let shown = intguard_model::path_text::display_path(path);
        let read = match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| xml::read_grants(&text))
        {
            Ok(r) => r,
            Err(e) => return vec![format!("{shown}: {e}")],
        };
        let mut problems = Vec::new();
        let planned = || -> Vec<(String, intguard_model::AccessFlags)> {
            self.objects
                .iter()
                .map(|o| (o.object.clone(), o.access))
                .collect()
        };
        if objects && read.objects != planned() {
            problems.push(format!(
                "{shown}: its object permissions read back differ from the plan"
            ));
        }
        if read.fields != xml::planned_fields(self) {
            problems.push(format!(
                "{shown}: its field permissions read back differ from the plan"
            ));
        }
        problems
    }

    /// Writes the metadata file at `path` (atomically, folders created).
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        crate::write_atomic(path, &self.xml())
    }
}

/// Why a user no Mule app of the scan logs in as gets no set, and what to
/// give instead.
pub const NOT_DERIVED_WITHOUT_APPS: &str = "a set is derived from the Salesforce operations of the Mule apps that log in as a user, so scan the folders of the apps that log in as it together with the Salesforce project (intguard fix permissions <project> <apps>)";

/// Derives the sets of the users asked for.
pub fn plan_permission_sets(
    inventory: &Inventory,
    options: &PermissionsOptions,
) -> Result<PermissionsPlan, String> {
    let candidates: Vec<&IntegrationIdentity> = inventory
        .identities
        .iter()
        .filter(|id| id.username.is_some() && !id.apps.is_empty())
        .collect();
    let selected: Vec<&IntegrationIdentity> = if options.users.is_empty() {
        candidates.clone()
    } else {
        let mut out = Vec::new();
        for wanted in &options.users {
            let found: Vec<&IntegrationIdentity> = candidates
                .iter()
                .copied()
                .filter(|id| {
                    id.username
                        .as_deref()
                        .is_some_and(|u| u.eq_ignore_ascii_case(wanted.trim()))
                })
                .collect();
            if found.is_empty() {
                let mut known: Vec<&str> = candidates
                    .iter()
                    .filter_map(|id| id.username.as_deref())
                    .collect();
                known.sort_unstable();
                known.dedup();
                // A user the metadata read makes an integration user (a
                // user definition, a client credentials run-as user): what
                // logs in as it is not among the paths.
                let in_metadata = inventory.identities.iter().find(|id| {
                    id.username
                        .as_deref()
                        .is_some_and(|u| u.eq_ignore_ascii_case(wanted.trim()))
                });
                return Err(if let Some(id) = in_metadata {
                    let why = id
                        .reasons()
                        .first()
                        .map(|r| format!(" ({})", r.detail))
                        .unwrap_or_default();
                    format!(
                        "no Mule app among the paths logs in as {wanted}, an integration user of the Salesforce metadata read{why}: {}",
                        NOT_DERIVED_WITHOUT_APPS
                    )
                } else if known.is_empty() {
                    format!("no Mule app among the paths logs in as {wanted}, nor as any other Salesforce user")
                } else {
                    format!(
                        "no Mule app among the paths logs in as {wanted}; the users they log in as: {}",
                        known.join(", ")
                    )
                });
            }
            out.extend(found);
        }
        out
    };

    // A user and its sandbox copies share a set; users that differ only in
    // their domain (`int.sync@acme.com`, `int.sync@partner.com`) do not.
    let mut users: Vec<Vec<&IntegrationIdentity>> = Vec::new();
    for id in selected {
        let username = id.username.as_deref().unwrap_or_default();
        let same = users.iter_mut().find(|ids| {
            ids.iter()
                .any(|x| same_user(x.username.as_deref().unwrap_or_default(), username))
        });
        match same {
            Some(ids) => {
                if !ids.iter().any(|x| std::ptr::eq(*x, id)) {
                    ids.push(id)
                }
            }
            None => users.push(vec![id]),
        }
    }
    let first_username = |ids: &[&IntegrationIdentity]| ids[0].username.clone().unwrap_or_default();
    let names: Vec<String> = users
        .iter()
        .map(|ids| default_name(&first_username(ids)))
        .collect();
    let mut groups: Vec<(String, Vec<&IntegrationIdentity>)> = Vec::new();
    for (name, ids) in names.iter().zip(users) {
        // Names that would clash take the first label of their domain
        // (`Int_Sync_Partner_Least_Privilege`), then the whole domain, then
        // a number: every user gets a set of its own, whatever its domain.
        let username = first_username(&ids);
        let (local, domain) = username.split_once('@').unwrap_or((&username, ""));
        let label = domain.split('.').next().unwrap_or_default();
        let clashes = names.iter().filter(|n| *n == name).count() > 1;
        let mut candidates = Vec::new();
        if clashes {
            candidates.push(default_name(&format!("{local}.{label}")));
            candidates.push(default_name(&format!("{local}.{domain}")));
        } else {
            candidates.push(name.clone());
        }
        let taken = |n: &str| groups.iter().any(|(g, _)| g == n);
        let name = match candidates.iter().find(|c| !taken(c)) {
            Some(c) => c.clone(),
            None => numbered(&candidates[0], &taken),
        };
        groups.push((name, ids));
    }
    if let Some(name) = &options.name {
        if !is_valid_name(name) {
            return Err(format!(
                "--name {name}: a permission set's API name starts with a letter and holds letters, digits and single underscores, at most 80 characters, not ending with one"
            ));
        }
        if groups.len() != 1 {
            return Err(format!(
                "--name names one permission set, but {} users are selected ({}): give one --user",
                groups.len(),
                groups
                    .iter()
                    .map(|(_, ids)| ids[0].username.clone().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        groups[0].0 = name.clone();
    }

    let mut plan = PermissionsPlan::default();
    for (name, ids) in &groups {
        let who: Vec<&str> = ids.iter().filter_map(|id| id.username.as_deref()).collect();
        if let Some(org_user) = ids.iter().find_map(|id| id.inactive_in_org.as_ref()) {
            plan.skipped.push(format!(
                "{}: inactive in the org ({}): it logs in nowhere, so it needs no permission set",
                who.join(", "),
                org_user.path
            ));
            continue;
        }
        match derive::derive(ids, name) {
            Some(set) => plan.sets.push(set),
            None => {
                let unknown: usize = ids.iter().map(|id| id.unknown_uses().len()).sum();
                plan.skipped.push(if unknown > 0 {
                    format!(
                        "{}: its apps' Salesforce operations name no object intguard can tell ({unknown} operation(s) whose objects are known only at run time): nothing to derive",
                        who.join(", ")
                    )
                } else {
                    format!(
                        "{}: no Salesforce operation of its apps was found: nothing to derive",
                        who.join(", ")
                    )
                });
            }
        }
    }
    // Operations of apps logging in as a user not known here (a property
    // set at deploy time): nothing is derived for them, which a person
    // must know rather than read "nothing to derive".
    if options.users.is_empty() {
        for app in &inventory.apps {
            let configs = app
                .object_uses
                .iter()
                .filter(|(_, uses)| !uses.is_empty())
                .map(|(c, _)| c.as_str())
                .chain(app.unknown_uses.iter().map(|(c, _)| c.as_str()));
            let mut seen: Vec<&str> = Vec::new();
            for config in configs {
                if seen.contains(&config) {
                    continue;
                }
                seen.push(config);
                // An authorization-code config runs as whoever authorized it.
                let named_user = app
                    .salesforce_connections
                    .iter()
                    .any(|c| c.config_name == config && c.auth == AuthClass::NamedUser);
                let known = candidates.iter().any(|id| {
                    id.apps
                        .iter()
                        .any(|u| u.app == app.name && u.config_name == config)
                });
                if !named_user && !known {
                    plan.skipped.push(format!(
                        "Mule app {} (`{config}`): the user it logs in as is not known here (its username is empty or a property not defined in the repository): its Salesforce operations are not derived; define the username, then run again",
                        app.name
                    ));
                }
            }
        }
    }
    Ok(plan)
}

/// Whether usernames `a` and `b` are one user or sandbox copies of one
/// (case ignored): the same local part, and domains of which one is the
/// other with a sandbox name appended (`acme.com`, `acme.com.dev`), or both
/// one domain with different sandbox names (`acme.com.dev`, `acme.com.qa`;
/// told only by the label dropped, so at least three labels each).
fn same_user(a: &str, b: &str) -> bool {
    let a = a.trim().to_ascii_lowercase();
    let b = b.trim().to_ascii_lowercase();
    let (Some((local_a, domain_a)), Some((local_b, domain_b))) =
        (a.split_once('@'), b.split_once('@'))
    else {
        return a == b;
    };
    let appended = |long: &str, short: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.starts_with('.'))
    };
    fn production(domain: &str) -> Option<&str> {
        domain
            .rsplit_once('.')
            .map(|(p, _)| p)
            .filter(|p| p.contains('.'))
    }
    local_a == local_b
        && (domain_a == domain_b
            || appended(domain_a, domain_b)
            || appended(domain_b, domain_a)
            || production(domain_a).is_some_and(|p| Some(p) == production(domain_b)))
}

/// `name` with the first number from 2 that makes it free: `X_2_Least_Privilege`
/// for `X_Least_Privilege` (an API name of at most 80 characters).
fn numbered(name: &str, taken: &dyn Fn(&str) -> bool) -> String {
    const SUFFIX: &str = "_Least_Privilege";
    let stem = name.strip_suffix(SUFFIX).unwrap_or(name);
    (2..)
        .map(|n| {
            let tail = format!("_{n}{SUFFIX}");
            let mut stem = stem.to_string();
            stem.truncate(80 - tail.len());
            format!("{}{tail}", stem.trim_end_matches('_'))
        })
        .find(|c| !taken(c))
        .unwrap_or_default()
}

/// Where a set is written: `(folder, file suffix)`. With `out`, that folder
/// (Metadata API suffix when it is inside a Metadata API project); else next
/// to the project's other permission sets, or its default place, when
/// exactly one Salesforce project was read.
pub fn permission_set_folder(
    inventory: &Inventory,
    out: Option<&Path>,
) -> Result<(PathBuf, &'static str), String> {
    let projects = &inventory.salesforce.projects;
    let suffix = |format: MetadataFormat| match format {
        MetadataFormat::Sfdx => ".permissionset-meta.xml",
        MetadataFormat::MetadataApi => ".permissionset",
    };
    if let Some(out) = out {
        let inside = projects.iter().find(|p| {
            p.format == MetadataFormat::MetadataApi && is_inside(out, &crate::file_at(&p.root))
        });
        return Ok((
            out.to_path_buf(),
            suffix(inside.map_or(MetadataFormat::Sfdx, |p| p.format)),
        ));
    }
    let project = match projects.as_slice() {
        [one] => one,
        [] => {
            return Err(
                "no Salesforce project (sfdx-project.json or package.xml) among the paths read: give --out DIR".to_string(),
            )
        }
        many => {
            return Err(format!(
                "{} Salesforce projects among the paths read ({}): give --out DIR",
                many.len(),
                many.iter()
                    .map(|p| p.root.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    };
    // The inventory's paths are display paths (`crate::file_at`).
    let root = crate::file_at(&project.root);
    // Next to the project's own permission sets.
    let existing = inventory
        .salesforce
        .permission_sets
        .iter()
        .filter(|s| !s.decomposed)
        .map(|s| crate::file_at(&s.location.path))
        .find(|path| path.starts_with(&root))
        .and_then(|path| path.parent().map(Path::to_path_buf));
    if let Some(folder) = existing {
        return Ok((folder, suffix(project.format)));
    }
    let base = project
        .package_directories
        .first()
        .map(|d| crate::file_at(d))
        .unwrap_or(root);
    Ok(match project.format {
        MetadataFormat::Sfdx => (
            base.join("main").join("default").join("permissionsets"),
            suffix(project.format),
        ),
        MetadataFormat::MetadataApi => (base.join("permissionsets"), suffix(project.format)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use intguard_model::{
        AuthClass, IdentityAppUse, Location, ObjectOperation, ObjectUse, UnknownUse,
        UnknownUseReason,
    };

    fn at(line: u32) -> Location {
        Location::new("orders/src/main/mule/flows.xml", line, 5)
    }

    fn identity(username: &str, app: &str, uses: Vec<ObjectUse>) -> IntegrationIdentity {
        let mut id = IntegrationIdentity::new(Some(username.into()), username.into());
        id.apps.push(IdentityAppUse {
            connection: std::sync::Arc::new(intguard_model::IdentityConnection {
                app: app.into(),
                config_name: "SF".into(),
                auth: AuthClass::Certificate,
                location: at(3),
                domain: None,
                plugin: None,
                app_is_domain: false,
            }),
            environment: None,
            defined_at: None,
        });
        id.set_objects_used(uses.into());
        id
    }

    fn used(object: &str, operations: &[ObjectOperation], line: u32) -> ObjectUse {
        ObjectUse {
            object: object.into(),
            operations: operations.to_vec(),
            relationships: Vec::new(),
            fields: Vec::new(),
            written_fields: Vec::new(),
            unread_writes: Vec::new(),
            inferred: false,
            locations: vec![at(line)],
            apps: vec!["orders".into()],
        }
    }

    fn access(set: &LeastPrivilegeSet) -> Vec<(&str, String)> {
        set.objects
            .iter()
            .map(|o| (o.object.as_str(), o.access.describe()))
            .collect()
    }

    /// A user and its sandbox copies share one set, the union of what
    /// their apps do; an operation of unknown kind may need any of read,
    /// create, edit, delete (never View All / Modify All); a user whose
    /// apps name no known object gets none, with the reason.
    #[test]
    fn sandbox_copies_share_a_set_and_unknowns_are_said() {
        let mut inv = Inventory::default();
        inv.identities.push(identity(
            "int.orders@acme.com",
            "orders",
            vec![used("Order", &[ObjectOperation::Create], 10)],
        ));
        inv.identities.push(identity(
            "int.orders@acme.com.dev",
            "orders-batch",
            vec![used("Invoice__c", &[ObjectOperation::Other], 20)],
        ));
        let mut blind = identity("int.blind@acme.com", "blind", Vec::new());
        blind.unknown_uses_mut().push(UnknownUse {
            app: "blind".into(),
            operation: ObjectOperation::Read,
            reason: UnknownUseReason::ExpressionQuery,
            relationships: Vec::new(),
            location: at(30),
        });
        inv.identities.push(blind);
        // Known only by a profile: no app, no set.
        inv.identities
            .push(IntegrationIdentity::new(None, "profile Integration".into()));

        let plan = plan_permission_sets(&inv, &PermissionsOptions::default()).unwrap();
        assert_eq!(plan.sets.len(), 1);
        let set = &plan.sets[0];
        assert_eq!(set.name, "Int_Orders_Least_Privilege");
        assert_eq!(
            set.usernames,
            ["int.orders@acme.com", "int.orders@acme.com.dev"]
        );
        assert_eq!(set.apps, ["orders", "orders-batch"]);
        assert_eq!(
            access(set),
            [
                ("Invoice__c", "Read, Create, Edit, Delete".to_string()),
                ("Order", "Read, Create".to_string())
            ]
        );
        assert!(set
            .objects
            .iter()
            .all(|o| !o.access.view_all && !o.access.modify_all));
        assert_eq!(plan.skipped.len(), 1);
        assert!(
            plan.skipped[0].starts_with("int.blind@acme.com: its apps' Salesforce operations name no object intguard can tell (1 operation(s)"),
            "{:?}",
            plan.skipped
        );

        // One user asked for: its set alone, under the name given.
        let one = plan_permission_sets(
            &inv,
            &PermissionsOptions {
                users: vec!["INT.ORDERS@acme.com".into()],
                name: Some("Orders_API".into()),
            },
        )
        .unwrap();
        assert_eq!(one.sets.len(), 1);
        assert_eq!(one.sets[0].name, "Orders_API");
        assert_eq!(one.sets[0].usernames, ["int.orders@acme.com"]);
        assert_eq!(
            access(&one.sets[0]),
            [("Order", "Read, Create".to_string())]
        );

        // --name with several users is refused.
        let err = plan_permission_sets(
            &inv,
            &PermissionsOptions {
                users: Vec::new(),
                name: Some("Orders_API".into()),
            },
        )
        .unwrap_err();
        assert!(err.contains("give one --user"), "{err}");
    }

    /// Users that share a local part but not a domain are different users:
    /// each gets its own set, named apart, never the union of both; sandbox
    /// copies (`.dev`, `.qa`, with or without their production user) still
    /// share one.
    #[test]
    fn users_of_different_domains_get_their_own_sets() {
        let mut inv = Inventory::default();
        inv.identities.push(identity(
            "int.sync@acme.com",
            "acme-sync",
            vec![used("Order", &[ObjectOperation::Create], 10)],
        ));
        inv.identities.push(identity(
            "int.sync@partner.com",
            "partner-sync",
            vec![used("Lead", &[ObjectOperation::Delete], 20)],
        ));
        inv.identities.push(identity(
            "int.sync@acme.com.dev",
            "acme-sync",
            vec![used("Order", &[ObjectOperation::Read], 30)],
        ));
        inv.identities.push(identity(
            "int.cust@acme.com.dev",
            "customers",
            vec![used("Account", &[ObjectOperation::Read], 40)],
        ));
        inv.identities.push(identity(
            "int.cust@acme.com.qa",
            "customers",
            vec![used("Account", &[ObjectOperation::Read], 40)],
        ));
        let plan = plan_permission_sets(&inv, &PermissionsOptions::default()).unwrap();
        // (name, users, access)
        type Shown<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, String)>);
        let sets: Vec<Shown> = plan
            .sets
            .iter()
            .map(|s| {
                (
                    s.name.as_str(),
                    s.usernames.iter().map(String::as_str).collect(),
                    access(s),
                )
            })
            .collect();
        assert_eq!(
            sets,
            [
                (
                    "Int_Sync_Acme_Least_Privilege",
                    vec!["int.sync@acme.com", "int.sync@acme.com.dev"],
                    vec![("Order", "Read, Create".to_string())]
                ),
                (
                    "Int_Sync_Partner_Least_Privilege",
                    vec!["int.sync@partner.com"],
                    vec![("Lead", "Read, Edit, Delete".to_string())]
                ),
                (
                    "Int_Cust_Least_Privilege",
                    vec!["int.cust@acme.com.dev", "int.cust@acme.com.qa"],
                    vec![("Account", "Read".to_string())]
                ),
            ]
        );
        assert!(!same_user("int.sync@acme.com", "int.sync@acme.org"));
        assert!(same_user("Int.Sync@Acme.com", "int.sync@acme.com.uat"));

        // Found by the fuzzer: users whose domains share their first label
        // (`acme.com`, `acme.dev`) were refused as a usage error; they take
        // their whole domain, then a number.
        let mut inv = Inventory::default();
        for (user, app) in [
            ("int@acme.com", "a"),
            ("int@acme.dev", "b"),
            ("int@acme.com.dev", "c"),
            ("int.acme.dev@x.org", "d"),
        ] {
            inv.identities.push(identity(
                user,
                app,
                vec![used("Order", &[ObjectOperation::Read], 30)],
            ));
        }
        let plan = plan_permission_sets(&inv, &PermissionsOptions::default()).unwrap();
        let names: Vec<(&str, &[String])> = plan
            .sets
            .iter()
            .map(|s| (s.name.as_str(), s.usernames.as_slice()))
            .collect();
        assert_eq!(
            names,
            [
                (
                    "Int_Acme_Least_Privilege",
                    &["int@acme.com".to_string(), "int@acme.com.dev".to_string()][..]
                ),
                (
                    "Int_Acme_Dev_Least_Privilege",
                    &["int@acme.dev".to_string()][..]
                ),
                (
                    "Int_Acme_Dev_2_Least_Privilege",
                    &["int.acme.dev@x.org".to_string()][..]
                ),
            ]
        );
    }

    /// Read on Account that Contact's access requires is said to be
    /// required even when a relationship name reads Account too (told by
    /// convention, "check it" would invite removing it).
    #[test]
    fn account_read_required_by_contact_is_said_so() {
        let mut through_relationship = used("Account", &[ObjectOperation::Read], 11);
        through_relationship.inferred = true;
        let mut inv = Inventory::default();
        inv.identities.push(identity(
            "int.sync@acme.com",
            "sync",
            vec![
                through_relationship,
                used("Contact", &[ObjectOperation::Upsert], 10),
            ],
        ));
        let plan = plan_permission_sets(&inv, &PermissionsOptions::default()).unwrap();
        let account = &plan.sets[0].objects[0];
        assert_eq!(account.object, "Account");
        assert_eq!(account.access.describe(), "Read");
        assert_eq!(account.required_for, ["Contact"]);
    }

    /// The custom fields its writes set are granted Edit and Read (one read
    /// and set too: Edit, not twice), each with where it was seen; the
    /// standard ones are named for a person, not granted; the writes whose
    /// records are not known are named with why; the XML says it in
    /// metadata order.
    #[test]
    fn fields_set_by_writes_are_editable() {
        use intguard_model::{UnreadPayload, UnreadWrite, WrittenField};
        let written = |field: &str, line: u32| WrittenField {
            field: field.into(),
            location: at(line),
        };
        let mut account = used(
            "Account",
            &[ObjectOperation::Read, ObjectOperation::Upsert],
            10,
        );
        account.fields = vec!["Tier__c".into(), "Region__c".into(), "Industry".into()];
        account.written_fields = vec![
            written("External_Id__c", 10),
            written("Tier__c", 12),
            written("Phone", 13),
            written("Name", 14),
        ];
        let mut contact = used("Contact", &[ObjectOperation::Create], 20);
        contact.unread_writes = vec![UnreadWrite {
            operation: ObjectOperation::Create,
            reason: UnreadPayload::FlowRef,
            location: at(20),
        }];
        let mut inv = Inventory::default();
        inv.identities.push(identity(
            "int.sync@acme.com",
            "sync",
            vec![account, contact],
        ));
        let plan = plan_permission_sets(&inv, &PermissionsOptions::default()).unwrap();
        let set = &plan.sets[0];
        let edited: Vec<(&str, u32)> = set
            .edited_fields
            .iter()
            .map(|f| (f.field.as_str(), f.seen_at.line))
            .collect();
        assert_eq!(
            edited,
            [("Account.External_Id__c", 10), ("Account.Tier__c", 12)]
        );
        assert_eq!(set.fields, ["Account.Region__c"]);
        // `Name` takes no field-level security: not named.
        assert_eq!(set.standard_written_fields, ["Account.Phone"]);
        assert_eq!(set.standard_fields, ["Account.Industry"]);
        assert_eq!(set.unread_writes.len(), 1);
        assert_eq!(set.unread_writes[0].object, "Contact");
        assert_eq!(set.unread_writes[0].reason, UnreadPayload::FlowRef);
        let xml = set.xml();
        let block = |field: &str, editable: bool| {
            format!("<editable>{editable}</editable>\n        <field>{field}</field>\n        <readable>true</readable>")
        };
        let positions: Vec<usize> = [
            block("Account.External_Id__c", true),
            block("Account.Region__c", false),
            block("Account.Tier__c", true),
        ]
        .iter()
        .map(|b| xml.find(b.as_str()).unwrap_or_else(|| panic!("{b}\n{xml}")))
        .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{xml}");
        assert!(!xml.contains("Account.Phone"), "{xml}");
        assert_eq!(xml.matches("<fieldPermissions>").count(), 3, "{xml}");

        // Written, its field permissions read back as planned; a field
        // made read-only is told.
        let dir = tempfile::tempdir().unwrap();
        let file = dir
            .path()
            .join("Int_Sync_Least_Privilege.permissionset-meta.xml");
        set.write(&file).unwrap();
        assert_eq!(set.check_written(&file, false), Vec::<String>::new());
        let changed = xml.replacen("<editable>true</editable>", "<editable>false</editable>", 1);
        std::fs::write(&file, changed).unwrap();
        let problems = set.check_written(&file, false);
        assert!(
            problems.len() == 1 && problems[0].contains("field permissions read back differ"),
            "{problems:?}"
        );
    }

    /// A setup object is left out, but the custom fields read on it take
    /// field-level security: they are named for a person, not dropped.
    #[test]
    fn custom_fields_of_setup_objects_are_named() {
        let mut user = used("User", &[ObjectOperation::Read], 11);
        user.fields = vec!["Id".into(), "Region__c".into(), "Email".into()];
        let mut inv = Inventory::default();
        inv.identities.push(identity(
            "int.sync@acme.com",
            "sync",
            vec![used("Lead", &[ObjectOperation::Read], 10), user],
        ));
        let plan = plan_permission_sets(&inv, &PermissionsOptions::default()).unwrap();
        let set = &plan.sets[0];
        assert_eq!(set.setup_object_fields, ["User.Region__c"]);
        assert!(set.fields.is_empty(), "{:?}", set.fields);
        assert_eq!(set.left_out[0].object, "User");
    }

    /// What the apps name again, in another case or another app, is listed
    /// once, as first spelt: thousands of fields (each read twice), the
    /// standard fields written, a setup object's fields, the setup object
    /// itself, the writes whose records are not known, the operations whose
    /// objects are not known, the apps and the usernames.
    #[test]
    fn what_is_named_again_is_listed_once_as_first_spelt() {
        use intguard_model::{UnreadPayload, UnreadWrite, WrittenField};
        let n = 3_000;
        let names = |upper: bool| -> Vec<String> {
            (0..n)
                .map(|i| {
                    let f = format!("Field{i}__c");
                    if upper {
                        f.to_ascii_uppercase()
                    } else {
                        f
                    }
                })
                .collect()
        };
        let unread = UnreadWrite {
            operation: ObjectOperation::Edit,
            reason: UnreadPayload::FlowRef,
            location: at(40),
        };
        let uses = |upper: bool, line: u32| {
            let mut account = used("Account", &[ObjectOperation::Read], line);
            account.fields = names(upper);
            account
                .fields
                .extend(["Industry", "INDUSTRY"].map(String::from));
            account.written_fields = ["Phone", "PHONE"]
                .map(|f| WrittenField {
                    field: f.into(),
                    location: at(line),
                })
                .to_vec();
            account.unread_writes = vec![unread.clone(), unread.clone()];
            let mut user = used(
                if upper { "USER" } else { "User" },
                &[ObjectOperation::Read],
                11,
            );
            user.fields = vec!["Region__c".into(), "REGION__C".into()];
            vec![account, user]
        };
        let unknown = UnknownUse {
            app: "sync".into(),
            operation: ObjectOperation::Read,
            reason: UnknownUseReason::ExpressionQuery,
            relationships: Vec::new(),
            location: at(30),
        };
        let mut inv = Inventory::default();
        for (username, upper, line) in [
            ("int.sync@acme.com", false, 10),
            ("INT.SYNC@acme.com", true, 20),
            ("int.sync@acme.com.dev", true, 21),
        ] {
            let mut id = identity(username, "sync", uses(upper, line));
            id.unknown_uses_mut().push(unknown.clone());
            id.unknown_uses_mut().push(unknown.clone());
            inv.identities.push(id);
        }
        let plan = plan_permission_sets(&inv, &PermissionsOptions::default()).unwrap();
        assert_eq!(plan.sets.len(), 1, "{:?}", plan.skipped);
        let set = &plan.sets[0];
        let mut expected: Vec<String> = names(false)
            .into_iter()
            .map(|f| format!("Account.{f}"))
            .collect();
        expected.sort_by_key(|f| f.to_ascii_lowercase());
        assert_eq!(set.fields, expected);
        assert_eq!(set.standard_fields, ["Account.Industry"]);
        assert_eq!(set.standard_written_fields, ["Account.Phone"]);
        assert_eq!(set.setup_object_fields, ["User.Region__c"]);
        let left: Vec<&str> = set.left_out.iter().map(|l| l.object.as_str()).collect();
        assert_eq!(left, ["User"]);
        assert_eq!(set.unread_writes.len(), 1);
        assert_eq!(set.not_derived, [unknown]);
        assert_eq!(set.apps, ["sync"]);
        assert_eq!(
            set.usernames,
            ["int.sync@acme.com", "int.sync@acme.com.dev"]
        );
    }
}
