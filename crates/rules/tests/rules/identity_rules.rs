//! Identity-graph rules (IG111, IG202, IG204, IG205, IG206, IG301, IG302,
//! IG304) on hand-built identities, independent of the graph builder.

use intguard_model::{
    permission_category, AccessAssignment, AccessFlags, AssignmentSource, AuthClass,
    EffectivePermission, Grant, GrantKind, IdentityAppUse, IdentityReason, IntegrationIdentity,
    Inventory, Located, Location, NamedFlag, ObjectAccess, ObjectGrant, ObjectOperation, ObjectUse,
    Profile, ReasonKind, Severity, UnknownUse, UnknownUseReason,
};

const PROFILE: &str =
    "salesforce/force-app/main/default/profiles/Orders Integration.profile-meta.xml";
const PS: &str =
    "salesforce/force-app/main/default/permissionsets/Orders_Integration.permissionset-meta.xml";
const DEF: &str = "salesforce/config/orders-user-def.json";

fn loc(path: &str, line: u32) -> Location {
    Location::new(path, line, 5)
}

fn grant(kind: GrantKind, name: &str, path: &str, line: u32) -> Grant {
    Grant {
        kind,
        name: name.into(),
        via_group: None,
        location: loc(path, line),
    }
}

fn perm(name: &str, g: Grant) -> EffectivePermission {
    EffectivePermission {
        name: name.into(),
        category: permission_category(name),
        granted_by: vec![g],
    }
}

fn flags(s: &str) -> AccessFlags {
    AccessFlags {
        read: s.contains('R'),
        create: s.contains('C'),
        edit: s.contains('E'),
        delete: s.contains('D'),
        view_all: s.contains('V'),
        modify_all: s.contains('M'),
    }
}

fn access(object: &str, g: Grant, f: &str) -> ObjectAccess {
    ObjectAccess {
        object: object.into(),
        access: flags(f),
        granted_by: vec![ObjectGrant {
            grant: g,
            access: flags(f),
        }],
    }
}

fn used(object: &str, ops: &[ObjectOperation], inferred: bool) -> ObjectUse {
    ObjectUse {
        object: object.into(),
        operations: ops.to_vec(),
        relationships: Vec::new(),
        fields: Vec::new(),
        written_fields: Vec::new(),
        unread_writes: Vec::new(),
        inferred,
        locations: vec![loc("orders-sapi/src/main/mule/orders.xml", 20)],
        apps: vec!["orders-sapi".into()],
    }
}

fn profile(name: &str, license: &str, ranges: bool) -> Profile {
    Profile {
        name: name.into(),
        label: None,
        user_license: Some(Located::new(license.into(), loc(PROFILE, 20))),
        custom: Some(true),
        user_permissions: vec![NamedFlag {
            name: "ApiEnabled".into(),
            location: loc(PROFILE, 21),
        }],
        object_permissions: Vec::new(),
        login_ip_ranges: if ranges {
            vec![intguard_model::IpRange {
                start: "0.0.0.0".into(),
                end: "255.255.255.255".into(),
                description: None,
                location: loc(PROFILE, 5),
            }]
        } else {
            Vec::new()
        },
        location: loc(PROFILE, 2),
    }
}

/// int.orders@acme.com: orders-sapi (prod), profile "Orders Integration",
/// permission set Orders_Integration.
fn orders() -> IntegrationIdentity {
    let mut id = IntegrationIdentity::new(
        Some("int.orders@acme.com".into()),
        "int.orders@acme.com".into(),
    );
    id.apps.push(IdentityAppUse {
        connection: std::sync::Arc::new(intguard_model::IdentityConnection {
            app: "orders-sapi".into(),
            config_name: "Salesforce_Config".into(),
            auth: AuthClass::Certificate,
            location: loc("orders-sapi/src/main/mule/global.xml", 23),
            domain: None,
            plugin: None,
            app_is_domain: false,
        }),
        environment: Some("prod".into()),
        defined_at: Some(loc(
            "orders-sapi/src/main/resources/properties/prod.yaml",
            5,
        )),
    });
    id.facts_mut().profile = Some(AccessAssignment {
        name: "Orders Integration".into(),
        source: AssignmentSource::UserDefinition,
        assigned_at: Some(loc(DEF, 10)),
        metadata: Some(loc(PROFILE, 0)),
    });
    id.facts_mut().license = Some("Salesforce".into());
    id.facts_mut().permission_sets.push(AccessAssignment {
        name: "Orders_Integration".into(),
        source: AssignmentSource::UserDefinition,
        assigned_at: Some(loc(DEF, 11)),
        metadata: Some(loc(PS, 0)),
    });
    id
}

fn inventory(ids: Vec<IntegrationIdentity>, profiles: Vec<Profile>) -> Inventory {
    let mut inv = Inventory {
        identities: ids,
        ..Default::default()
    };
    inv.salesforce.profiles = profiles;
    inv
}

fn run(id: &str, inv: &Inventory) -> Vec<intguard_model::Finding> {
    let mut f = intguard_rules::find_rule(id).unwrap().run(inv);
    f.sort_by(|a, b| a.location.cmp(&b.location));
    f
}

#[test]
fn ig302_groups_by_grant_and_tier() {
    let mut id = orders();
    let pg = |l| grant(GrantKind::Profile, "Orders Integration", PROFILE, l);
    id.facts_mut().effective_permissions = vec![
        perm("ApiEnabled", pg(21)),
        perm("ExportReport", pg(25)),
        perm("ModifyAllData", pg(30)),
        perm("ViewAllData", pg(34)),
        perm("UseAnyApiClient", pg(38)),
    ];
    let f = run("IG302", &inventory(vec![id], vec![]));
    let got: Vec<(u32, Severity)> = f.iter().map(|f| (f.location.line, f.severity)).collect();
    assert_eq!(
        got,
        vec![
            (25, Severity::High),
            (30, Severity::Critical),
            (38, Severity::Medium)
        ]
    );
    assert_eq!(
        f[1].message,
        "int.orders@acme.com (used by orders-sapi) holds 2 super powers: ModifyAllData, ViewAllData via profile Orders Integration"
    );
    assert_eq!(f[1].identity.as_deref(), Some("int.orders@acme.com"));
    assert_eq!(f[1].environments, vec!["prod".to_string()]);
    // Both ends: the Mule connection and the profile assignment.
    assert!(f[1]
        .related
        .iter()
        .any(|r| r.path.ends_with("global.xml") && r.line == 23));
    assert!(f[1].related.iter().any(|r| r.path == DEF && r.line == 10));
}

/// Found by testing as a user would: a user that one app logs in as in
/// prod and another in every environment (it has no per-environment files)
/// had its permission findings marked `(prod)`, as if the dev sandbox's
/// copy were not at stake. They depend on no environment.
#[test]
fn a_user_an_app_uses_in_every_environment_is_no_one_environments() {
    let mut id = orders();
    let mut every = id.apps[0].clone();
    every.connection = std::sync::Arc::new(intguard_model::IdentityConnection {
        app: "orders-batch".into(),
        location: loc("orders-batch/src/main/mule/global.xml", 9),
        ..(*every.connection).clone()
    });
    every.environment = None;
    every.defined_at = None;
    id.apps.push(every);
    id.facts_mut().effective_permissions = vec![perm(
        "ViewAllData",
        grant(GrantKind::Profile, "Orders Integration", PROFILE, 34),
    )];
    let f = run("IG302", &inventory(vec![id.clone()], vec![]));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].message
            .starts_with("int.orders@acme.com (used by orders-batch, orders-sapi) holds"),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].environments, Vec::<String>::new());
    // Used in prod only, it is prod's (the test above).
    id.apps.pop();
    assert_eq!(
        run("IG302", &inventory(vec![id], vec![]))[0].environments,
        vec!["prod".to_string()]
    );
}

#[test]
fn ig302_skips_salesforce_owned_identities() {
    let mut id = IntegrationIdentity::new(
        None,
        "profile Minimum Access - API Only Integrations".into(),
    );
    id.add_reason(IdentityReason {
        kind: ReasonKind::IntegrationLicense,
        detail: "".into(),
        location: None,
    });
    id.facts_mut().profile = Some(AccessAssignment {
        name: "Minimum Access - API Only Integrations".into(),
        source: AssignmentSource::Itself,
        assigned_at: None,
        metadata: Some(loc(PROFILE, 0)),
    });
    id.facts_mut().effective_permissions = vec![perm(
        "ExportReport",
        grant(GrantKind::Profile, "x", PROFILE, 3),
    )];
    assert!(run("IG302", &inventory(vec![id], vec![])).is_empty());
}

#[test]
fn ig304_unused_partial_and_view_all() {
    let mut id = orders();
    let psg = |l| grant(GrantKind::PermissionSet, "Orders_Integration", PS, l);
    let pg = |l| grant(GrantKind::Profile, "Orders Integration", PROFILE, l);
    id.facts_mut().object_access = vec![
        access("Account", psg(6), "R"),
        access("Contact", psg(16), "RV"),
        access("Lead", pg(10), "RCE"),
        access("Order", psg(26), "RCE"),
        access("Product2", psg(66), "R"),
    ];
    id.set_objects_used(
        vec![
            used("Account", &[ObjectOperation::Read], false),
            used("Contact", &[ObjectOperation::Read], true),
            used("Order", &[ObjectOperation::Create], false),
            used("Product2", &[ObjectOperation::Read], true),
        ]
        .into(),
    );
    let f = run("IG304", &inventory(vec![id.clone()], vec![]));
    let got: Vec<(&str, u32)> = f
        .iter()
        .map(|f| (f.location.path.as_str(), f.location.line))
        .collect();
    assert_eq!(got, vec![(PS, 16), (PS, 26), (PROFILE, 10)], "{f:#?}");
    assert!(
        f[2].message.contains("Lead (Read, Create, Edit; unused)"),
        "{}",
        f[2].message
    );
    assert!(
        f[0].message.contains("Contact (View All)"),
        "{}",
        f[0].message
    );
    assert!(
        f[1].message.contains("Order (Edit; its apps only create)"),
        "{}",
        f[1].message
    );
    assert_eq!(
        f[1].fingerprint_key,
        "int.orders@acme.com|permission set:Orders_Integration|unused"
    );

    // No app runs as it: only View All / Modify All are judged.
    id.apps.clear();
    let f = run("IG304", &inventory(vec![id], vec![]));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].location.line, 16);
}

/// Reading through a relationship (`Account.Name` from Contact, a child
/// sub-query) only reads; a delete needs the Edit and Read Salesforce
/// requires for Delete; and a fix never leaves a kept flag without one it
/// requires (Modify All needs Edit and Delete).
/// Two integration users on one permission set: the one whose apps only
/// read Account has Edit in excess, but the other's apps update Account, so
/// the fix must not clear Edit on the shared set: it says so and gives the
/// first its own set instead. Alone on the set, the fix clears it.
#[test]
fn ig304_does_not_clear_what_another_holder_of_the_grant_needs() {
    let psg = |l| grant(GrantKind::PermissionSet, "Orders_Integration", PS, l);
    let mut reader = orders();
    reader.facts_mut().object_access = vec![access("Account", psg(6), "RE")];
    reader.set_objects_used(vec![used("Account", &[ObjectOperation::Read], false)].into());
    let mut writer = orders();
    writer.username = Some("int.writer@acme.com".into());
    writer.name = "int.writer@acme.com".into();
    writer.facts_mut().object_access = vec![access("Account", psg(6), "RE")];
    writer.set_objects_used(vec![used("Account", &[ObjectOperation::Edit], false)].into());
    let alone = run("IG304", &inventory(vec![reader.clone()], vec![]));
    assert!(
        alone[0]
            .fix
            .starts_with("Set allowEdit to false for Account"),
        "{}",
        alone[0].fix
    );
    let f = run("IG304", &inventory(vec![reader, writer], vec![]));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].fix
            .contains("Do not clear it in Setup > Permission Sets > Orders_Integration")
            && f[0].fix.contains("int.writer@acme.com")
            && f[0].fix.contains("(Edit on Account)"),
        "{}",
        f[0].fix
    );
}

#[test]
fn ig304_needs_what_salesforce_requires_and_relationships_only_read() {
    let mut id = orders();
    let psg = |l| grant(GrantKind::PermissionSet, "Orders_Integration", PS, l);
    id.facts_mut().object_access = vec![
        access("Account", psg(6), "RCED"),
        access("Case", psg(16), "RED"),
        access("Contact", psg(26), "RCEDVM"),
        access("Order", psg(36), "RCED"),
    ];
    id.set_objects_used(
        vec![
            used("Account", &[ObjectOperation::Read], true),
            used("Case", &[ObjectOperation::Delete], false),
            used("Contact", &[ObjectOperation::Read], false),
            used("Order", &[ObjectOperation::Delete], false),
        ]
        .into(),
    );
    let f = run("IG304", &inventory(vec![id], vec![]));
    let unused = f
        .iter()
        .find(|f| f.fingerprint_key.ends_with("|unused"))
        .expect("an unused-access finding");
    let m = &unused.message;
    assert!(
        m.contains("Account (Create, Edit, Delete; its apps only read)"),
        "{m}"
    );
    assert!(!m.contains("Case ("), "{m}");
    assert!(m.contains("Order (Create; its apps only delete)"), "{m}");
    assert!(
        m.contains("Contact (Create, Edit, Delete; its apps only read)"),
        "{m}"
    );
    let fix = &unused.fix;
    assert!(fix.contains("allowCreate to false for Order"), "{fix}");
    assert!(!fix.contains("allowEdit to false for Order"), "{fix}");
    assert!(
        fix.contains(
            "allowCreate, allowEdit, allowDelete and modifyAllRecords to false for Contact"
        ),
        "{fix}"
    );
}

#[test]
fn ig304_operations_of_unknown_objects_may_need_their_access_anywhere() {
    let mut id = orders();
    let psg = |l| grant(GrantKind::PermissionSet, "Orders_Integration", PS, l);
    id.facts_mut().object_access = vec![
        access("Account", psg(6), "RCED"),
        access("Lead", psg(10), "RC"),
    ];
    id.set_objects_used(vec![used("Account", &[ObjectOperation::Create], false)].into());
    let query_at = loc("orders-sapi/src/main/mule/orders.xml", 42);
    *id.unknown_uses_mut() = vec![UnknownUse {
        app: "orders-sapi".into(),
        operation: ObjectOperation::Read,
        reason: UnknownUseReason::ExpressionQuery,
        relationships: Vec::new(),
        location: query_at.clone(),
    }];
    let f = run("IG304", &inventory(vec![id.clone()], vec![]));
    assert_eq!(f.len(), 1, "{f:#?}");
    let m = &f[0].message;
    // The query may read Lead: only Create is beyond what is known.
    assert!(m.contains("Lead (Create; no known use)"), "{m}");
    assert!(
        m.contains("Account (Edit, Delete; its apps only create)"),
        "{m}"
    );
    assert!(
        m.contains(
            "1 operation whose objects intguard cannot tell: orders-sapi orders.xml:42 (its query is built by an expression)"
        ),
        "{m}"
    );

    // An unknown create: neither Read nor Create on Lead is excess any more.
    id.unknown_uses_mut()[0].operation = ObjectOperation::Create;
    let f = run("IG304", &inventory(vec![id.clone()], vec![]));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(!f[0].message.contains("Lead"), "{}", f[0].message);

    // Without it, Lead is unused.
    id.unknown_uses_mut().clear();
    let f = run("IG304", &inventory(vec![id], vec![]));
    assert!(
        f[0].message.contains("Lead (Read, Create; unused)"),
        "{}",
        f[0].message
    );
}

#[test]
fn ig205_and_ig202_read_the_profile() {
    let id = orders();
    let inv = inventory(
        vec![id.clone()],
        vec![profile("Orders Integration", "Salesforce", true)],
    );
    let f = run("IG205", &inv);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].location.line, 20);
    assert!(f[0].message.contains("ApiUserOnly"), "{}", f[0].message);
    assert!(
        f[0].message.contains("Salesforce license"),
        "{}",
        f[0].message
    );
    let f = run("IG202", &inv);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].location.line, 5);
    assert!(
        f[0].message.contains("0.0.0.0-255.255.255.255"),
        "{}",
        f[0].message
    );

    // API only on the integration license, no ranges.
    let mut id2 = id;
    id2.facts_mut().effective_permissions = vec![perm(
        "ApiUserOnly",
        grant(GrantKind::Profile, "Orders Integration", PROFILE, 21),
    )];
    let inv = inventory(
        vec![id2],
        vec![profile(
            "Orders Integration",
            "Salesforce Integration",
            false,
        )],
    );
    assert!(run("IG205", &inv).is_empty());
    let f = run("IG202", &inv);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].location.line, 2);
    assert!(f[0].message.contains("has no login IP ranges"));
}

/// A hand-written profile on the Salesforce Integration license without
/// ApiUserOnly: the license already keeps the user out of the UI, so the
/// message says the permission is missing, not that the UI is open.
#[test]
fn ig205_integration_license_without_api_only_does_not_claim_ui_access() {
    let inv = inventory(
        vec![orders()],
        vec![profile(
            "Orders Integration",
            "Salesforce Integration",
            true,
        )],
    );
    let f = run("IG205", &inv);
    assert_eq!(f.len(), 1, "{f:#?}");
    let m = &f[0].message;
    assert!(
        m.contains("neither profile Orders Integration nor its permission sets grant ApiUserOnly (\"API Only User\"): only its integration license keeps it out of the UI"),
        "{m}"
    );
    assert!(!m.contains("can log in to the UI"), "{m}");
    assert!(
        f[0].fix
            .starts_with("Enable \"API Only User\" on profile Orders Integration"),
        "{}",
        f[0].fix
    );
    // On a full license, the UI is open.
    let full = inventory(
        vec![orders()],
        vec![profile("Orders Integration", "Salesforce", true)],
    );
    assert!(run("IG205", &full)[0]
        .message
        .contains("so it can log in to the UI"));
}

/// Found by testing as a user would: a user made API only by a permission
/// set, on a full Salesforce license, was said to be "not an API-only
/// integration user": only its license is wrong, and the message says so.
#[test]
fn ig205_api_only_by_a_permission_set_is_told_about_the_license_only() {
    let mut id = orders();
    id.facts_mut().effective_permissions = vec![perm(
        "ApiUserOnly",
        grant(
            GrantKind::PermissionSet,
            "Orders_API_Only",
            "permissionsets/Orders_API_Only.permissionset-meta.xml",
            8,
        ),
    )];
    let inv = inventory(
        vec![id],
        vec![profile("Orders Integration", "Salesforce", true)],
    );
    let f = run("IG205", &inv);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].location.line, 20);
    let m = &f[0].message;
    assert!(
        m.contains("is API only, but not on an integration license"),
        "{m}"
    );
    assert!(
        m.contains("profile Orders Integration is on the Salesforce license"),
        "{m}"
    );
    assert!(!m.contains("ApiUserOnly"), "{m}");
    assert!(
        f[0].fix
            .starts_with("Move int.orders@acme.com to the Salesforce Integration license"),
        "{}",
        f[0].fix
    );
}

/// The standard integration profile is not told apart by people logging in
/// with it (nobody does) but by every integration sharing its ranges.
#[test]
fn ig202_on_the_standard_integration_profile_says_why_not_there() {
    const STANDARD: &str = "Minimum Access - API Only Integrations";
    let mut id = orders();
    id.facts_mut().profile.as_mut().unwrap().name = STANDARD.into();
    let mut p = profile(STANDARD, "Salesforce Integration", false);
    p.custom = Some(false);
    let f = run("IG202", &inventory(vec![id], vec![p]));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].fix
            .contains("every integration user on it shares its ranges")
            && !f[0].fix.contains("people log in with it"),
        "{}",
        f[0].fix
    );
}

/// Found by testing an estate: two integration users hold permission set
/// Orders_Integration (`intguard.toml` assigns it to the reporting user
/// too), and IG206 told to grant the mutual-authentication permission in
/// it, which would lock the other user's apps out until they present a
/// certificate as well. A shared set is named as such, and a set of the
/// user's own is proposed instead.
#[test]
fn ig206_does_not_grant_mutual_tls_in_a_shared_permission_set() {
    let orders = orders();
    let mut reporting = IntegrationIdentity::new(
        Some("int.reporting@acme.com".into()),
        "int.reporting@acme.com".into(),
    );
    reporting.facts_mut().profile = orders.profile.clone();
    reporting.facts_mut().permission_sets = orders.permission_sets.clone();
    let inv = inventory(
        vec![orders, reporting],
        vec![profile(
            "Orders Integration",
            "Salesforce Integration",
            true,
        )],
    );
    let f = run("IG206", &inv);
    let fix = &f
        .iter()
        .find(|x| x.identity.as_deref() == Some("int.orders@acme.com"))
        .expect("a finding for int.orders@acme.com")
        .fix;
    assert!(
        fix.contains("in a new permission set assigned to it alone (Setup > Permission Sets > New > System Permissions; its permission set Orders_Integration is shared with int.reporting@acme.com"),
        "{fix}"
    );
    assert!(
        !fix.contains("in its permission set Orders_Integration"),
        "{fix}"
    );
}

/// A managed package's permission set (`acme__Sync`) cannot be edited in
/// the subscriber org: IG111's and IG204's fixes told to set its
/// PasswordNeverExpires / UseAnyApiClient entry to false in its file, and
/// IG206's to grant the mutual TLS permission in it. As IG302 and IG304
/// do, they now say to unassign it (a set of one's own replacing it), and
/// still say to edit a set of the org's own granting the same.
#[test]
fn ig111_ig204_ig206_do_not_edit_a_managed_package_permission_set() {
    const MANAGED: &str =
        "salesforce/force-app/main/default/permissionsets/acme__Sync.permissionset-meta.xml";
    let mut id = orders();
    id.facts_mut().permission_sets = vec![AccessAssignment {
        name: "acme__Sync".into(),
        source: AssignmentSource::UserDefinition,
        assigned_at: Some(loc(DEF, 11)),
        metadata: Some(loc(MANAGED, 0)),
    }];
    let managed = |l| grant(GrantKind::PermissionSet, "acme__Sync", MANAGED, l);
    id.facts_mut().effective_permissions = vec![
        perm("PasswordNeverExpires", managed(12)),
        perm("UseAnyApiClient", managed(16)),
    ];
    let inv = inventory(
        vec![id.clone()],
        vec![profile("Orders Integration", "Salesforce", true)],
    );
    for (rule, permission) in [
        ("IG111", "PasswordNeverExpires"),
        ("IG204", "UseAnyApiClient"),
    ] {
        let f = run(rule, &inv);
        assert_eq!(f.len(), 1, "{rule}: {f:#?}");
        let fix = &f[0].fix;
        assert!(
            fix.contains("Permission set acme__Sync belongs to managed package acme: its permissions cannot be edited in your org. Unassign it from int.orders@acme.com (Setup > Users > int.orders@acme.com > Permission Set Assignments"),
            "{rule}: {fix}"
        );
        assert!(
            fix.contains(&format!(
                "with a permission set of your own, without {permission}"
            )),
            "{rule}: {fix}"
        );
        assert!(
            !fix.contains("Setup > Permission Sets > acme__Sync")
                && !fix.contains("<enabled>false</enabled>"),
            "{rule}: {fix}"
        );
    }
    let f = run("IG111", &inv);
    assert!(
        f[0].fix.contains("switch to the JWT bearer flow"),
        "{}",
        f[0].fix
    );

    // The org's own profile grants it too: that one is still edited.
    let pg = |l| grant(GrantKind::Profile, "Orders Integration", PROFILE, l);
    id.facts_mut().effective_permissions[1]
        .granted_by
        .push(pg(33));
    let inv = inventory(
        vec![id.clone()],
        vec![profile("Orders Integration", "Salesforce", true)],
    );
    let fix = &run("IG204", &inv)[0].fix;
    assert!(
        fix.contains("Remove the \"Use Any API Client\" permission from profile Orders Integration (Setup > Profiles > Orders Integration > System Permissions, in profiles/Orders Integration.profile-meta.xml; set <enabled>false</enabled>")
            && fix.contains("Permission set acme__Sync belongs to managed package acme"),
        "{fix}"
    );

    // IG206: the mutual TLS permission is not granted in the managed set.
    id.facts_mut().effective_permissions.clear();
    let inv = inventory(
        vec![id],
        vec![profile(
            "Orders Integration",
            "Salesforce Integration",
            true,
        )],
    );
    let f = run("IG206", &inv);
    let fix = &f
        .iter()
        .find(|x| x.identity.as_deref() == Some("int.orders@acme.com"))
        .expect("a finding for int.orders@acme.com")
        .fix;
    assert!(!fix.contains("in its permission set acme__Sync"), "{fix}");
    assert!(
        fix.contains("in a new permission set assigned to it (Setup > Permission Sets > New > System Permissions; its permission set acme__Sync belongs to managed package acme, whose permissions cannot be edited in your org)"),
        "{fix}"
    );
}

/// Found by testing an estate with `scan --org-snapshot`: the org's copy of
/// profile "HR Integration (API)" (no login IP ranges) is judged, and the
/// fix told to edit `profiles/HR Integration (API).profile-meta.xml`, a name
/// rebuilt from the label; the repository holds it URL-encoded. Read from
/// the org, the fixes name the repository's copy of the same name.
#[test]
fn ig202_on_an_org_profile_names_the_repository_file() {
    const NAME: &str = "HR Integration (API)";
    const REPO: &str =
        "salesforce/force-app/main/default/profiles/HR Integration %28API%29.profile-meta.xml";
    let mut id = orders();
    id.facts_mut().profile.as_mut().unwrap().name = NAME.into();
    let mut org = profile(NAME, "Salesforce Integration", false);
    org.location = Location::new("org://00D000000000001/Profile/00e000000000003", 0, 0);
    let mut repo = profile(NAME, "Salesforce Integration", false);
    repo.location = loc(REPO, 2);
    let f = run("IG202", &inventory(vec![id], vec![org, repo]));
    assert!(!f.is_empty(), "{f:#?}");
    let org_finding = f
        .iter()
        .find(|x| x.location.path.starts_with("org://"))
        .expect("the org's profile is judged");
    assert!(
        org_finding
            .fix
            .contains("in profiles/HR Integration %28API%29.profile-meta.xml:"),
        "{}",
        org_finding.fix
    );
}

/// An IPv6 login range as wide as the whole address space restricts
/// nothing either (profile ranges take IPv6 too).
#[test]
fn ig202_judges_ipv6_ranges() {
    let mut p = profile("Orders Integration", "Salesforce Integration", false);
    p.login_ip_ranges = vec![
        intguard_model::IpRange {
            start: "203.0.113.0".into(),
            end: "203.0.113.31".into(),
            description: None,
            location: loc(PROFILE, 5),
        },
        intguard_model::IpRange {
            start: "::".into(),
            end: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".into(),
            description: None,
            location: loc(PROFILE, 9),
        },
    ];
    let f = run("IG202", &inventory(vec![orders()], vec![p.clone()]));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].location.line, 9);
    assert!(
        f[0].message
            .contains("(wider than a /32): it restricts nothing"),
        "{}",
        f[0].message
    );
    // A provider's /48 is a restriction.
    p.login_ip_ranges[1].start = "2001:db8:1::".into();
    p.login_ip_ranges[1].end = "2001:db8:1:ffff:ffff:ffff:ffff:ffff".into();
    assert!(run("IG202", &inventory(vec![orders()], vec![p])).is_empty());
}

/// An invalid login range (Salesforce rejects it on deploy) neither
/// restricts nor hides a wide one beside it; with only invalid ranges the
/// profile has no valid range, reported at the first of them.
#[test]
fn ig202_invalid_ranges_restrict_nothing() {
    let range = |start: &str, end: &str, line: u32| intguard_model::IpRange {
        start: start.into(),
        end: end.into(),
        description: None,
        location: loc(PROFILE, line),
    };
    let mut p = profile("Orders Integration", "Salesforce Integration", false);
    p.login_ip_ranges = vec![
        range("10.0.0.300", "10.0.0.310", 5),
        range("0.0.0.0", "255.255.255.255", 9),
    ];
    let f = run("IG202", &inventory(vec![orders()], vec![p.clone()]));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].location.line, 9);
    assert!(f[0].message.contains("0.0.0.0-255.255.255.255"));
    assert!(!f[0].message.contains("10.0.0.300"), "{}", f[0].message);

    p.login_ip_ranges.truncate(1);
    let f = run("IG202", &inventory(vec![orders()], vec![p]));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        (f[0].location.path.as_str(), f[0].location.line),
        (PROFILE, 5)
    );
    assert!(
        f[0].message.starts_with(
            "profile Orders Integration of integration user int.orders@acme.com"
        ) && f[0].message.contains(
            "has no valid login IP ranges (10.0.0.300-10.0.0.310: start address `10.0.0.300` is not an IP address)"
        ),
        "{}",
        f[0].message
    );
}

#[test]
fn ig301_admin_user_at_the_assignment() {
    let mut id = orders();
    id.facts_mut().profile.as_mut().unwrap().name = "Admin".into();
    let f = run("IG301", &inventory(vec![id], vec![]));
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].location.path.as_str(), f[0].location.line), (DEF, 10));
    assert_eq!(f[0].severity, Severity::Critical);
    assert!(f[0].related.iter().any(|r| r.line == 23));
}

#[test]
fn ig206_org_side_and_ig111_ig204_permissions() {
    let mut id = orders();
    let pg = |l| grant(GrantKind::Profile, "Orders Integration", PROFILE, l);
    id.facts_mut().effective_permissions = vec![
        perm("PasswordNeverExpires", pg(29)),
        perm("UseAnyApiClient", pg(33)),
    ];
    let inv = inventory(
        vec![id.clone()],
        vec![profile("Orders Integration", "Salesforce", true)],
    );
    let f = run("IG206", &inv);
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].location.path.as_str(), f[0].location.line), (DEF, 10));
    assert_eq!(
        f[0].fingerprint_key,
        "int.orders@acme.com|mutual-tls-permission"
    );
    let f = run("IG111", &inv);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].location.line, 29);
    // The fix names the page and the file that grant it (there is no
    // "Setup > System Permissions").
    assert!(
        f[0].fix
            .contains("Setup > Profiles > Orders Integration > System Permissions, in profiles/"),
        "{}",
        f[0].fix
    );
    let f = run("IG204", &inv);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].location.line, 33);

    // Any permission named for mutual authentication satisfies IG206.
    id.facts_mut()
        .effective_permissions
        .push(perm("EnforceSslTlsMutualAuthentication", pg(40)));
    let inv = inventory(
        vec![id.clone()],
        vec![profile("Orders Integration", "Salesforce", true)],
    );
    assert!(run("IG206", &inv).is_empty());
    // Unresolved assignments: not judged.
    id.facts_mut().effective_permissions.pop();
    id.facts_mut().unresolved.push("Missing_Set".into());
    let inv = inventory(
        vec![id],
        vec![profile("Orders Integration", "Salesforce", true)],
    );
    assert!(run("IG206", &inv).is_empty());
}

/// IG111's fix for a profile's password policy named its file without its
/// folder (`Orders_..._profilePasswordPolicy1.profilePasswordPolicy-meta.xml`),
/// where the other metadata fixes name the file from its type folder on, as
/// the project holds it.
#[test]
fn ig111_names_the_profile_password_policy_file_from_its_folder() {
    const POLICY: &str = "salesforce/force-app/main/default/profilePasswordPolicies/Orders_Integration_profilePasswordPolicy1.profilePasswordPolicy-meta.xml";
    let mut inv = inventory(
        vec![orders()],
        vec![profile("Orders Integration", "Salesforce", true)],
    );
    inv.salesforce
        .profile_password_policies
        .push(intguard_model::ProfilePasswordPolicy {
            name: "Orders_Integration_profilePasswordPolicy1".into(),
            location: loc(POLICY, 2),
            profile: Some(Located::new("Orders Integration".into(), loc(POLICY, 6))),
            password_expiration: Some(Located::new(0, loc(POLICY, 8))),
            ..Default::default()
        });
    let f = run("IG111", &inv);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        (f[0].location.path.as_str(), f[0].location.line),
        (POLICY, 8)
    );
    assert!(
        f[0].fix.contains(
            "in profilePasswordPolicies/Orders_Integration_profilePasswordPolicy1.profilePasswordPolicy-meta.xml: <passwordExpiration>90</passwordExpiration>"
        ),
        "{}",
        f[0].fix
    );
}

/// Found by testing as a user would: IG302 on a permission set cited where
/// the profile is assigned, never where the permission set (or its group)
/// is: the place to change was missing.
#[test]
fn ig302_cites_where_the_granting_set_or_group_is_assigned() {
    let mut id = orders();
    id.facts_mut().permission_set_groups.push(AccessAssignment {
        name: "Orders_Reporting_Group".into(),
        source: AssignmentSource::UserDefinition,
        assigned_at: Some(loc(DEF, 12)),
        metadata: Some(loc(
            "permissionsetgroups/Orders_Reporting_Group.permissionsetgroup-meta.xml",
            0,
        )),
    });
    let by_group = Grant {
        via_group: Some("Orders_Reporting_Group".into()),
        ..grant(
            GrantKind::PermissionSet,
            "Orders_Reporting",
            "permissionsets/Orders_Reporting.permissionset-meta.xml",
            14,
        )
    };
    id.facts_mut().effective_permissions = vec![
        perm(
            "ModifyAllData",
            grant(GrantKind::PermissionSet, "Orders_Integration", PS, 9),
        ),
        perm("ExportReport", by_group),
    ];
    let f = run("IG302", &inventory(vec![id], vec![]));
    assert_eq!(f.len(), 2, "{f:#?}");
    let related = |line: u32| -> Vec<(String, u32, String)> {
        f.iter()
            .find(|x| x.location.line == line)
            .unwrap()
            .related
            .iter()
            .map(|r| (r.path.to_string(), r.line, r.message.to_string()))
            .collect()
    };
    let set = related(9);
    assert!(
        set.contains(&(
            DEF.to_string(),
            11,
            "int.orders@acme.com is assigned permission set Orders_Integration".to_string()
        )),
        "{set:#?}"
    );
    assert!(
        !set.iter().any(|r| r.2.contains("is assigned profile")),
        "{set:#?}"
    );
    let group = related(14);
    assert!(
        group.contains(&(
            DEF.to_string(),
            12,
            "int.orders@acme.com is assigned permission set group Orders_Reporting_Group"
                .to_string()
        )),
        "{group:#?}"
    );
}

/// Found by testing an estate with `scan --org-snapshot`: ModifyMetadata
/// granted in Setup to permission set HR_API (the repository's decomposed
/// copy, `permissionsets/HR_API/HR_API.permissionset-meta.xml`, grants only
/// ExportReport) was to be set "<enabled>false</enabled> in their entries"
/// of `permissionsets/HR_API.permissionset-meta.xml`: a file that does not
/// exist, holding no such entry. The fix names the repository's file and
/// the entry to add.
#[test]
fn ig302_an_org_grant_names_the_repository_file_and_the_entry_to_add() {
    const DECOMPOSED: &str =
        "salesforce/force-app/main/default/permissionsets/HR_API/HR_API.permissionset-meta.xml";
    let mut id = orders();
    id.facts_mut().effective_permissions = vec![perm(
        "ModifyMetadata",
        Grant {
            kind: GrantKind::PermissionSet,
            name: "HR_API".into(),
            via_group: None,
            location: Location::new("org://00D000000000001/PermissionSet/0PS000000000002", 0, 0),
        },
    )];
    let mut inv = inventory(vec![id], vec![]);
    inv.salesforce
        .permission_sets
        .push(intguard_model::PermissionSet {
            name: "HR_API".into(),
            label: None,
            license: None,
            description: None,
            user_permissions: vec![NamedFlag {
                name: "ExportReport".into(),
                location: loc(DECOMPOSED, 5),
            }],
            object_permissions: Vec::new(),
            location: loc(DECOMPOSED, 2),
            decomposed: true,
            files: vec![DECOMPOSED.into()],
        });
    let f = run("IG302", &inv);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].fix.contains(
            "the repository's copy, permissionsets/HR_API/HR_API.permissionset-meta.xml, does not grant ModifyMetadata (granted in Setup, or revoked in the file but not deployed): add <userPermissions><enabled>false</enabled><name>ModifyMetadata</name></userPermissions> there"
        ),
        "{}",
        f[0].fix
    );
    assert!(
        !f[0]
            .fix
            .contains("in permissionsets/HR_API.permissionset-meta.xml"),
        "{}",
        f[0].fix
    );
}

/// Found by testing an estate: ManageUsers muted in group Billing_Bundle
/// was noted ("ManageUsers is muted (muting permission set ...)") on the
/// finding for the super powers of the user's System Administrator
/// profile, which no muting touches. Muting acts within its group: the
/// note goes only with what the same group grants.
#[test]
fn ig302_notes_a_muted_permission_only_on_its_own_groups_finding() {
    let mut id = orders();
    let in_group = |name: &str, line| Grant {
        via_group: Some("Billing_Bundle".into()),
        ..grant(
            GrantKind::PermissionSet,
            name,
            "permissionsets/Billing_Export.permissionset-meta.xml",
            line,
        )
    };
    id.facts_mut().effective_permissions = vec![
        perm(
            "ModifyAllData",
            grant(GrantKind::Profile, "Orders Integration", PROFILE, 9),
        ),
        perm("AuthorApex", in_group("Billing_Export", 13)),
    ];
    id.facts_mut().muted_permissions = vec![perm(
        "ManageUsers",
        Grant {
            via_group: Some("Billing_Bundle".into()),
            ..grant(
                GrantKind::MutingPermissionSet,
                "Billing_Mute",
                "mutingpermissionsets/Billing_Mute.mutingpermissionset-meta.xml",
                4,
            )
        },
    )];
    let f = run("IG302", &inventory(vec![id], vec![]));
    assert_eq!(f.len(), 2, "{f:#?}");
    let noted = |path: &str| {
        f.iter()
            .find(|x| x.location.path.ends_with(path))
            .unwrap()
            .related
            .iter()
            .any(|r| r.message.starts_with("ManageUsers is muted"))
    };
    assert!(!noted(PROFILE), "{f:#?}");
    assert!(noted("Billing_Export.permissionset-meta.xml"), "{f:#?}");
}

/// Found by testing as a user would: granting AuthorApex to an integration
/// profile that already held ModifyAllData (a baselined IG302 finding) was
/// hidden by `--baseline`, as the grouped finding's fingerprint named the
/// grant and the tier, not the permissions. A newly granted permission
/// must come back as a new finding.
#[test]
fn ig302_fingerprint_changes_when_a_permission_is_granted() {
    let key = |names: &[&str]| {
        let mut id = orders();
        id.facts_mut().effective_permissions = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                perm(
                    n,
                    grant(
                        GrantKind::Profile,
                        "Orders Integration",
                        PROFILE,
                        30 + i as u32,
                    ),
                )
            })
            .collect();
        let f = run("IG302", &inventory(vec![id], vec![]));
        assert_eq!(f.len(), 1, "{f:#?}");
        f[0].fingerprint_key.clone()
    };
    let before = key(&["ModifyAllData"]);
    assert_ne!(before, key(&["ModifyAllData", "AuthorApex"]));
    // The same permissions, in any order: the same finding.
    assert_eq!(
        key(&["ModifyAllData", "AuthorApex"]),
        key(&["AuthorApex", "ModifyAllData"])
    );
}

/// Found by testing as a user would: Modify All newly granted on another
/// object of a permission set whose View All was baselined was hidden by
/// `--baseline` (the fingerprint named the grant only).
#[test]
fn ig304_all_records_fingerprint_changes_when_an_object_is_added() {
    let key = |objects: &[(&str, &str)]| {
        let mut id = orders();
        id.apps.clear();
        id.facts_mut().object_access = objects
            .iter()
            .enumerate()
            .map(|(i, (o, f))| {
                access(
                    o,
                    grant(
                        GrantKind::PermissionSet,
                        "Orders_Integration",
                        PS,
                        6 + 10 * i as u32,
                    ),
                    f,
                )
            })
            .collect();
        let f = run("IG304", &inventory(vec![id], vec![]));
        assert_eq!(f.len(), 1, "{f:#?}");
        f[0].fingerprint_key.clone()
    };
    let before = key(&[("Contact", "RV")]);
    assert_ne!(before, key(&[("Contact", "RV"), ("Order", "RCEDM")]));
    // View All on Contact becoming Modify All too is more access.
    assert_ne!(before, key(&[("Contact", "RCEDVM")]));
    assert_eq!(
        key(&[("Contact", "RV"), ("Order", "RCEDM")]),
        key(&[("Order", "RCEDM"), ("Contact", "RV")])
    );
}

/// `id` also assigned group `group` (at the user definition's `line`),
/// which holds `set`.
fn with_group(id: &mut IntegrationIdentity, group: &str, line: u32) {
    id.facts_mut().permission_set_groups.push(AccessAssignment {
        name: group.into(),
        source: AssignmentSource::UserDefinition,
        assigned_at: Some(loc(DEF, line)),
        metadata: Some(loc(
            &format!("permissionsetgroups/{group}.permissionsetgroup-meta.xml"),
            0,
        )),
    });
}

/// `grant` as held through `group`.
fn through(group: &str, grant: Grant) -> Grant {
    Grant {
        via_group: Some(group.into()),
        ..grant
    }
}

/// Found by sorting the findings without a stable sort: a permission set
/// assigned directly and through a group gave two IG304 findings at the
/// same place with the same fingerprint (one per way), so a baseline or a
/// suppression of one hid both and the report said it twice. It is one
/// place to fix: one finding naming both ways and both assignments, with
/// the fingerprint the set has when assigned one way.
#[test]
fn ig304_a_set_held_directly_and_through_a_group_is_one_finding() {
    let psg = || grant(GrantKind::PermissionSet, "Orders_Integration", PS, 26);
    let mut id = orders();
    id.set_objects_used(vec![used("Order", &[ObjectOperation::Create], false)].into());
    id.facts_mut().object_access = vec![access("Order", psg(), "RCE")];
    let direct = run("IG304", &inventory(vec![id.clone()], vec![]));
    assert_eq!(direct.len(), 1, "{direct:#?}");

    with_group(&mut id, "Integration_Group", 12);
    let mut order = access("Order", psg(), "RCEV");
    order.granted_by.push(ObjectGrant {
        grant: through("Integration_Group", psg()),
        access: flags("RCEV"),
    });
    id.facts_mut().object_access = vec![order];
    let f = run("IG304", &inventory(vec![id], vec![]));
    let unused: Vec<_> = f.iter().filter(|f| f.message.contains("no app")).collect();
    let all: Vec<_> = f
        .iter()
        .filter(|f| f.message.contains("every record"))
        .collect();
    assert_eq!((unused.len(), all.len()), (1, 1), "{f:#?}");
    for f in [unused[0], all[0]] {
        assert!(
            f.message.contains(
                "via permission set Orders_Integration (assigned directly and through group Integration_Group):"
            ),
            "{}",
            f.message
        );
        for line in [11, 12] {
            assert!(
                f.related.iter().any(|r| r.path == DEF && r.line == line),
                "assignment at line {line}: {:#?}",
                f.related
            );
        }
    }
    assert!(
        unused[0]
            .message
            .contains(": Order (Edit; its apps only create)"),
        "{}",
        unused[0].message
    );
    assert_eq!(unused[0].fingerprint_key, direct[0].fingerprint_key);
    assert!(
        all[0].message.ends_with(": Order (View All)"),
        "{}",
        all[0].message
    );
}

/// A user holding a permission set through a group shares it with one
/// holding it directly: clearing the set's flags takes them from both.
#[test]
fn ig304_a_set_shared_through_a_group_is_not_cleared_for_the_other() {
    let psg = || grant(GrantKind::PermissionSet, "Orders_Integration", PS, 6);
    let mut reader = orders();
    reader.facts_mut().object_access = vec![access("Account", psg(), "RE")];
    reader.set_objects_used(vec![used("Account", &[ObjectOperation::Read], false)].into());
    let mut writer = orders();
    writer.username = Some("int.writer@acme.com".into());
    writer.name = "int.writer@acme.com".into();
    writer.facts_mut().permission_sets.clear();
    with_group(&mut writer, "Writers", 12);
    writer.facts_mut().object_access = vec![access("Account", through("Writers", psg()), "RE")];
    writer.set_objects_used(vec![used("Account", &[ObjectOperation::Edit], false)].into());
    let f = run("IG304", &inventory(vec![reader, writer], vec![]));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].fix
            .starts_with("Do not clear it in Setup > Permission Sets > Orders_Integration")
            && f[0]
                .fix
                .contains("int.writer@acme.com (used by orders-sapi) (Edit on Account)"),
        "{}",
        f[0].fix
    );
}

/// As IG304: ModifyAllData in a set assigned directly and through a group
/// is one IG302 finding. Muting in the group would not revoke the direct
/// assignment, so the fix does not offer it; held only through two groups,
/// it is muted in both.
#[test]
fn ig302_a_set_held_directly_and_through_a_group_is_one_finding() {
    let psg = || grant(GrantKind::PermissionSet, "Orders_Integration", PS, 9);
    let mut id = orders();
    id.facts_mut().effective_permissions = vec![perm("ModifyAllData", psg())];
    let direct = run("IG302", &inventory(vec![id.clone()], vec![]));
    assert_eq!(direct.len(), 1, "{direct:#?}");

    with_group(&mut id, "Integration_Group", 12);
    id.facts_mut().effective_permissions[0]
        .granted_by
        .push(through("Integration_Group", psg()));
    let f = run("IG302", &inventory(vec![id.clone()], vec![]));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].message.ends_with(
            "via permission set Orders_Integration (assigned directly and through group Integration_Group)"
        ),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].fingerprint_key, direct[0].fingerprint_key);
    assert!(!f[0].fix.contains("mute"), "{}", f[0].fix);
    assert!(!f[0].fix.contains("also granted by"), "{}", f[0].fix);
    for line in [11, 12] {
        assert!(
            f[0].related.iter().any(|r| r.path == DEF && r.line == line),
            "assignment at line {line}: {:#?}",
            f[0].related
        );
    }

    // Only through two groups: muted in each.
    with_group(&mut id, "Second_Group", 13);
    id.facts_mut().permission_sets.clear();
    id.facts_mut().effective_permissions[0].granted_by = vec![
        through("Integration_Group", psg()),
        through("Second_Group", psg()),
    ];
    let f = run("IG302", &inventory(vec![id], vec![]));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].message
            .ends_with("(through groups Integration_Group and Second_Group)"),
        "{}",
        f[0].message
    );
    assert!(
        f[0].fix.contains(", or mute it in group Integration_Group with a muting permission set; and mute it in group Second_Group with a muting permission set;"),
        "{}",
        f[0].fix
    );
}

/// IG204 and IG111 name each granting set once, however it is held: a set
/// assigned directly and through a group was listed twice ("via permission
/// set Orders_Integration, permission set Orders_Integration (group G)"),
/// its page and file twice in the fix, and IG111 cited it as "also granted
/// by" itself. A managed package's set gets one sentence, with a step for
/// each way.
#[test]
fn ig204_ig111_name_a_set_held_two_ways_once() {
    const MANAGED: &str = "permissionsets/acme__Connector.permissionset-meta.xml";
    let psg = |l| grant(GrantKind::PermissionSet, "Orders_Integration", PS, l);
    let managed = |l| grant(GrantKind::PermissionSet, "acme__Connector", MANAGED, l);
    let mut id = orders();
    with_group(&mut id, "Integration_Group", 12);
    let both = |g: fn(u32) -> Grant, l| EffectivePermission {
        granted_by: vec![g(l), through("Integration_Group", g(l))],
        ..perm("X", g(l))
    };
    let mut never_expires = both(psg, 29);
    never_expires.name = "PasswordNeverExpires".into();
    let mut any_client = both(managed, 33);
    any_client.name = "UseAnyApiClient".into();
    id.facts_mut().effective_permissions = vec![never_expires, any_client];
    let inv = inventory(vec![id], vec![]);

    let f = run("IG111", &inv);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].message.contains(
            "(PasswordNeverExpires via permission set Orders_Integration (assigned directly and through group Integration_Group))"
        ),
        "{}",
        f[0].message
    );
    assert_eq!(
        f[0].fix
            .matches("Setup > Permission Sets > Orders_Integration")
            .count(),
        1,
        "{}",
        f[0].fix
    );
    assert!(
        !f[0]
            .related
            .iter()
            .any(|r| r.message.starts_with("also granted by")),
        "{:#?}",
        f[0].related
    );

    let f = run("IG204", &inv);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].message.contains(
            "via permission set acme__Connector (assigned directly and through group Integration_Group):"
        ),
        "{}",
        f[0].message
    );
    assert_eq!(
        f[0].fix.matches("belongs to managed package acme").count(),
        1,
        "{}",
        f[0].fix
    );
    assert!(
        f[0].fix.contains("Unassign it from int.orders@acme.com")
            && f[0].fix.contains("Take it out of group Integration_Group"),
        "{}",
        f[0].fix
    );
}

/// Found by testing as a user would: a custom profile a certificate app
/// pre-authorizes, no user of it known (the user definitions kept outside
/// the Metadata API folder scanned), on a full license without API Only,
/// was reported by IG202, IG302 and IG304 but not by IG205. A standard
/// profile there is IG305's, not judged.
#[test]
fn ig205_judges_a_custom_integration_profile_without_users() {
    let profile_identity = || {
        let mut id = IntegrationIdentity::new(None, "profile Orders Integration".into());
        id.facts_mut().profile = Some(AccessAssignment {
            name: "Orders Integration".into(),
            source: AssignmentSource::Itself,
            assigned_at: None,
            metadata: Some(loc(PROFILE, 0)),
        });
        id
    };
    let inv = inventory(
        vec![profile_identity()],
        vec![profile("Orders Integration", "Salesforce Platform", false)],
    );
    let f = run("IG205", &inv);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].location.line, 20);
    assert_eq!(
        f[0].message,
        "integration profile Orders Integration is not API only: profile Orders Integration does not grant ApiUserOnly (\"API Only User\"): so its users can log in to the UI; profile Orders Integration is on the Salesforce Platform license, not Salesforce Integration"
    );
    assert!(
        f[0].fix.starts_with("A profile's license cannot change: move the integration users of profile Orders Integration"),
        "{}",
        f[0].fix
    );
    let mut standard = profile("Orders Integration", "Salesforce Platform", false);
    standard.custom = Some(false);
    assert!(run(
        "IG205",
        &inventory(vec![profile_identity()], vec![standard])
    )
    .is_empty());
}
