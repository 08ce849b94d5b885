//! The identity graph built from hand-made Inventories.

use super::*;
use crate::expr::Value;
use crate::inventory::graph::{AssignmentSource, GrantKind, IdentityAppUse, ObjectOperation};
use crate::inventory::mule::{
    AuthClass, DomainLink, MuleRuntime, SalesforceOperation, XmlAttribute,
};
use crate::inventory::object_uses::operation_kind;
use crate::inventory::salesforce::*;
use crate::inventory::IdentityHint;

fn loc(p: &str, l: u32) -> Location {
    Location::new(p, l, 1)
}

fn conn(name: &str, user: &str, path: &str) -> SalesforceConnection {
    SalesforceConnection {
        composite: false,
        config_name: name.into(),
        element: "salesforce:basic-connection".into(),
        runtime: MuleRuntime::Mule4,
        auth: AuthClass::Password,
        location: loc(path, 5),
        attributes: vec![XmlAttribute {
            element: "salesforce:basic-connection".into(),
            owner: Some(name.into()),
            name: "username".into(),
            value: Value::new(user, loc(path, 5)),
        }]
        .into(),
        tls_context: None,
    }
}

fn op(
    element: &str,
    cfg: &str,
    object: Option<&str>,
    soql: Option<&str>,
    path: &str,
) -> SalesforceOperation {
    SalesforceOperation {
        element: element.into(),
        config_ref: Some(cfg.into()),
        object_type: object.map(str::to_string),
        soql: soql.map(str::to_string),
        bulk_operation: None,
        location: loc(path, 20),
        writes: None,
    }
}

fn flag(name: &str, p: &str, l: u32) -> NamedFlag {
    NamedFlag {
        name: name.into(),
        location: loc(p, l),
    }
}

fn objp(
    object: &str,
    read: bool,
    edit: bool,
    view_all: bool,
    modify_all: bool,
    p: &str,
) -> ObjectPermission {
    ObjectPermission {
        object: object.into(),
        read,
        edit,
        view_all,
        modify_all,
        location: loc(p, 9),
        ..ObjectPermission::default()
    }
}

fn profile(name: &str, license: &str, perms: &[&str], objects: Vec<ObjectPermission>) -> Profile {
    let p = format!("sf/profiles/{name}.profile-meta.xml");
    Profile {
        name: name.into(),
        label: (profile_label(name) != name).then(|| profile_label(name).to_string()),
        user_license: Some(Located::new(license.to_string(), loc(&p, 3))),
        custom: Some(false),
        user_permissions: perms.iter().map(|x| flag(x, &p, 7)).collect(),
        object_permissions: objects,
        login_ip_ranges: Vec::new(),
        location: loc(&p, 2),
    }
}

fn permset(name: &str, perms: &[&str], objects: Vec<ObjectPermission>) -> PermissionSet {
    let p = format!("sf/permissionsets/{name}.permissionset-meta.xml");
    PermissionSet {
        name: name.into(),
        label: None,
        license: None,
        description: None,
        user_permissions: perms.iter().map(|x| flag(x, &p, 5)).collect(),
        object_permissions: objects,
        location: loc(&p, 2),
        decomposed: false,
        files: vec![p.clone()],
    }
}

/// Two Mule apps in a monorepo share int.orders@acme.com in prod; the
/// org says who that is.
#[allow(clippy::field_reassign_with_default)]
fn monorepo() -> Inventory {
    let mut orders = MuleApp::new("orders-sapi", "apps/orders-sapi", MuleRuntime::Mule4);
    orders.salesforce_connections = vec![conn(
        "SF",
        "int.orders@acme.com",
        "apps/orders-sapi/src/main/mule/global.xml",
    )];
    orders.operations = thin_vec::thin_vec![
        op(
            "salesforce:query",
            "SF",
            None,
            Some(
                "SELECT Id, Account.Name, (SELECT Id FROM OrderItems) FROM Order WHERE Status = :s",
            ),
            "apps/orders-sapi/src/main/mule/orders.xml",
        ),
        op(
            "salesforce:upsert",
            "SF",
            Some("Order"),
            None,
            "apps/orders-sapi/src/main/mule/orders.xml",
        ),
        op(
            "salesforce:create",
            "OTHER",
            Some("Case"),
            None,
            "apps/orders-sapi/src/main/mule/orders.xml",
        ),
    ];
    let mut billing = MuleApp::new("billing-papi", "apps/billing-papi", MuleRuntime::Mule4);
    billing.salesforce_connections = vec![
        conn(
            "SFB",
            "INT.ORDERS@acme.com",
            "apps/billing-papi/src/main/mule/global.xml",
        ),
        conn(
            "TEST",
            "int.test@acme.com",
            "apps/billing-papi/src/test/munit/t.xml",
        ),
    ];
    billing.operations = thin_vec::thin_vec![op(
        "salesforce:delete",
        "SFB",
        Some("Invoice__c"),
        None,
        "apps/billing-papi/src/main/mule/b.xml",
    )];

    let mut md = SalesforceMetadata::default();
    md.profiles = vec![
        profile(
            "Admin",
            "Salesforce",
            &["ApiEnabled", "ModifyAllData", "ExportReport"],
            vec![objp(
                "Account",
                true,
                true,
                true,
                true,
                "sf/profiles/Admin.profile-meta.xml",
            )],
        ),
        profile(
            "Minimum Access - API Only Integrations",
            "Salesforce Integration",
            &["ApiEnabled", "ApiUserOnly"],
            vec![],
        ),
        profile(
            "Acme Integration",
            "Salesforce Integration",
            &["ApiUserOnly"],
            vec![],
        ),
    ];
    md.permission_sets = vec![
        permset(
            "Orders_API",
            &["ApiEnabled"],
            vec![objp(
                "Order",
                true,
                true,
                false,
                false,
                "sf/permissionsets/Orders_API.permissionset-meta.xml",
            )],
        ),
        permset(
            "Exports",
            &["DataExport", "ExportReport"],
            vec![objp(
                "Invoice__c",
                true,
                true,
                true,
                false,
                "sf/permissionsets/Exports.permissionset-meta.xml",
            )],
        ),
        permset("Invoices_API", &["ApiEnabled"], vec![]),
    ];
    md.muting_permission_sets = vec![MutingPermissionSet {
        name: "G_Muting".into(),
        label: None,
        user_permissions: vec![flag(
            "DataExport",
            "sf/mutingpermissionsets/G_Muting.mutingpermissionset-meta.xml",
            4,
        )],
        object_permissions: vec![objp(
            "Invoice__c",
            false,
            false,
            true,
            false,
            "sf/mutingpermissionsets/G_Muting.mutingpermissionset-meta.xml",
        )],
        location: loc(
            "sf/mutingpermissionsets/G_Muting.mutingpermissionset-meta.xml",
            2,
        ),
    }];
    md.permission_set_groups = vec![PermissionSetGroup {
        name: "G".into(),
        label: Some("Group G".into()),
        permission_sets: vec![Located::new("Exports".into(), loc("sf/g.xml", 4))],
        muting_permission_sets: vec![Located::new("G_Muting".into(), loc("sf/g.xml", 5))],
        status: None,
        location: loc("sf/g.xml", 2),
    }];
    md.connected_apps = vec![ConnectedApp {
        name: "Orders".into(),
        label: Some("Orders Integration".into()),
        contact_email: None,
        location: loc("sf/connectedApps/Orders.connectedApp-meta.xml", 2),
        oauth: Some(ConnectedAppOauth {
            is_admin_approved: Some(Located::new(true, loc("sf/c.xml", 6))),
            is_client_credential_enabled: Some(Located::new(true, loc("sf/c.xml", 7))),
            client_credential_user: Some(Located::new(
                "int.cc@acme.com".into(),
                loc("sf/c.xml", 8),
            )),
            ..ConnectedAppOauth::default()
        }),
        profile_names: vec![Located::new(
            "System Administrator".into(),
            loc("sf/c.xml", 12),
        )],
        permission_set_names: vec![Located::new("Exports".into(), loc("sf/c.xml", 13))],
        ip_ranges: Vec::new(),
        has_saml: false,
    }];
    md.external_client_apps = vec![ExternalClientApp {
        name: "Invoices".into(),
        global_oauth: Some(EcaGlobalOauth {
            certificate: Some(Located::new("MIIB".into(), loc("sf/e.xml", 3))),
            ..EcaGlobalOauth::default()
        }),
        oauth_policies: Some(EcaOauthPolicies {
            profiles: vec![
                Located::new("Standard User".into(), loc("sf/p.xml", 4)),
                Located::new("Acme Integration".into(), loc("sf/p.xml", 4)),
            ],
            permission_sets: vec![Located::new("Invoices_API".into(), loc("sf/p.xml", 5))],
            permitted_users_policy_type: Some(Located::new(
                "AdminApprovedPreAuthorized".into(),
                loc("sf/p.xml", 6),
            )),
            ..EcaOauthPolicies::default()
        }),
        ..ExternalClientApp::default()
    }];
    md.user_definitions = vec![UserDefinition {
        username: "int.orders@acme.com".into(),
        profile_name: Some("System Administrator".into()),
        permsets: vec!["Orders_API".into(), "Group G".into(), "Missing_PS".into()],
        location: loc("sf/config/u.json", 2),
        profile_location: Some(loc("sf/config/u.json", 5)),
        permsets_location: Some(loc("sf/config/u.json", 6)),
    }];
    Inventory {
        apps: vec![orders, billing],
        salesforce: md,
        identity_hints: vec![IdentityHint {
            username: "int.billing@acme.com".into(),
            system: Some("Billing".into()),
            apps: vec!["billing-papi".into()],
            profile: Some("Acme Integration".into()),
            permission_sets: vec![],
            ..IdentityHint::default()
        }],
        ..Inventory::default()
    }
}

#[test]
fn joins_mule_user_definition_and_metadata() {
    let mut inv = monorepo();
    inv.build_identities();
    let names: Vec<_> = inv.identities.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "int.billing@acme.com",
            "int.cc@acme.com",
            "int.orders@acme.com",
            "permission set Invoices_API",
            "profile Minimum Access - API Only Integrations",
        ],
        "MUnit connections are not identities; Standard User is an audience, not an identity"
    );
    let id = inv.identity("INT.ORDERS@ACME.COM").unwrap();
    // The index finds what `identity` finds, whatever the case.
    let index = inv.identity_index();
    for name in [
        "INT.ORDERS@ACME.COM",
        "int.orders@acme.com",
        "int.billing@acme.com",
    ] {
        let (a, b) = (index.get(name).unwrap(), inv.identity(name).unwrap());
        assert!(std::ptr::eq(a, b), "{name}");
    }
    assert!(index.get("nobody@acme.com").is_none());
    assert_eq!(id.app_names(), ["billing-papi", "orders-sapi"]);
    assert!(id.has_reason(ReasonKind::MuleConnection));
    assert!(id.has_reason(ReasonKind::UserDefinition));
    assert!(id.has_reason(ReasonKind::PreAuthorizedByIntegrationApp));
    let p = id.profile.as_ref().unwrap();
    assert_eq!(p.name, "Admin");
    assert_eq!(p.source, AssignmentSource::UserDefinition);
    assert_eq!(p.assigned_at, Some(loc("sf/config/u.json", 5)));
    assert_eq!(
        p.metadata,
        Some(loc("sf/profiles/Admin.profile-meta.xml", 2))
    );
    assert!(id.is_admin());
    assert_eq!(id.license.as_deref(), Some("Salesforce"));
    // The group was assigned as a permission set by its label.
    assert_eq!(id.permission_set_groups[0].name, "G");
    let sets: Vec<_> = id.permission_sets.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(sets, ["Orders_API", "Missing_PS"]);
    // Assigned at the `permsets` key, not the username's.
    assert_eq!(
        id.permission_sets[0].assigned_at,
        Some(loc("sf/config/u.json", 6))
    );
    assert_eq!(id.unresolved, ["permission set Missing_PS"]);

    // Effective permissions: union minus muting (DataExport muted in G;
    // ExportReport from the profile and G).
    let perms: Vec<_> = id
        .effective_permissions
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(perms, ["ApiEnabled", "ExportReport", "ModifyAllData"]);
    let mad = id.permission("modifyalldata").unwrap();
    assert_eq!(mad.category, Some(PermissionCategory::SuperPower));
    assert_eq!(mad.granted_by[0].kind, GrantKind::Profile);
    assert_eq!(
        mad.granted_by[0].location,
        loc("sf/profiles/Admin.profile-meta.xml", 7)
    );
    let er = id.permission("ExportReport").unwrap();
    assert_eq!(er.granted_by.len(), 2);
    assert_eq!(er.granted_by[1].via_group.as_deref(), Some("G"));
    assert_eq!(id.muted_permissions[0].name, "DataExport");
    assert_eq!(
        id.muted_permissions[0].granted_by[0].kind,
        GrantKind::MutingPermissionSet
    );
    let dangerous: Vec<_> = id
        .dangerous_permissions()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(dangerous, ["ModifyAllData", "ExportReport"]);

    // Object access: View All on Invoice__c is muted.
    let inv_acc = id.object_access("Invoice__c").unwrap();
    assert!(inv_acc.access.read && inv_acc.access.edit && !inv_acc.access.view_all);
    assert!(id.object_access("Account").unwrap().access.modify_all);

    // Objects used: the query's FROM object, relationship targets
    // (inferred), the upsert and the other app's delete; not the
    // operation bound to another config.
    let used: Vec<_> = id
        .objects_used()
        .iter()
        .map(|u| (u.object.as_str(), u.inferred))
        .collect();
    assert_eq!(
        used,
        [
            ("Account", true),
            ("Invoice__c", false),
            ("Order", false),
            ("OrderItem", true)
        ]
    );
    let order = id.object_used("Order").unwrap();
    assert_eq!(
        order.operations,
        [ObjectOperation::Read, ObjectOperation::Upsert]
    );
    assert_eq!(order.relationships, ["Account"]);
    assert!(order.needs().create && order.needs().edit && !order.needs().delete);
    assert_eq!(id.object_used("Invoice__c").unwrap().apps, ["billing-papi"]);
    assert!(id.object_used("Case").is_none());

    // Apps pre-authorizing it: the connected app via the Admin profile
    // and via Exports (in group G).
    let pre: Vec<_> = id
        .pre_authorized_by
        .iter()
        .map(|p| (p.app.as_str(), p.via))
        .collect();
    assert_eq!(
        pre,
        [
            ("Orders", PreAuthVia::Profile),
            ("Orders", PreAuthVia::PermissionSet)
        ]
    );
}

/// A set or profile assigned but not in the metadata read is a warning at
/// the assignment (once); a standard profile, a managed package's set, and
/// a kind the project retrieves none of are not.
#[test]
fn assignments_not_in_the_metadata_are_warned_once() {
    let mut inv = monorepo();
    inv.build_identities();
    let warnings = inv.unresolved_assignment_warnings();
    let said: Vec<(String, Option<u32>, &str)> = warnings
        .iter()
        .map(|d| (d.path.clone(), d.line, d.code))
        .collect();
    assert_eq!(
        said,
        [(
            "sf/config/u.json".to_string(),
            Some(6),
            "metadata-not-found"
        )]
    );
    assert!(
        warnings[0]
            .message
            .starts_with("int.orders@acme.com: permission set `Missing_PS` is not in the Salesforce metadata read"),
        "{}",
        warnings[0].message
    );
    // A custom profile that is missing is said; a managed set is not.
    inv.salesforce.user_definitions[0].profile_name = Some("Orders Integration".into());
    inv.salesforce.user_definitions[0].permsets = vec!["acme__Managed_Set".into()];
    inv.build_identities();
    let said: Vec<(Option<u32>, bool)> = inv
        .unresolved_assignment_warnings()
        .iter()
        .map(|d| (d.line, d.message.contains("profile `Orders Integration`")))
        .collect();
    assert_eq!(said, [(Some(5), true)]);
    // No profile retrieved at all: nothing to say of a profile.
    inv.salesforce.profiles.clear();
    inv.build_identities();
    assert!(inv.unresolved_assignment_warnings().is_empty());
}

/// Found by testing an estate holding two orgs' metadata (an SFDX project
/// and another org's Metadata API `src/`), both with a profile `Orders
/// Integration`: the user definition's profile silently resolved to the
/// other org's file, and every rule judged its grants. A name that several
/// files define is a warning at the assignment naming them and the one
/// judged; the org's copy joined from a snapshot is no second file.
#[test]
fn an_assignment_several_files_define_is_warned() {
    let mut inv = monorepo();
    inv.salesforce.user_definitions[0].profile_name = Some("Orders Integration".into());
    inv.salesforce.user_definitions[0].permsets = vec!["Orders_API".into()];
    let mut other_org = profile(
        "Orders Integration",
        "Salesforce",
        &["ModifyAllData"],
        Vec::new(),
    );
    other_org.location = loc("eu/src/profiles/Orders Integration.profile", 2);
    let mut ours = profile(
        "Orders Integration",
        "Salesforce Integration",
        &["ApiUserOnly"],
        Vec::new(),
    );
    let mut from_org = ours.clone();
    from_org.location = loc("org://00D000000000001/Profile/00e000000000001", 0);
    ours.location = loc("sf/profiles/Orders Integration.profile-meta.xml", 2);
    inv.salesforce.profiles = vec![other_org, ours];
    inv.build_identities();
    let warned: Vec<_> = inv
        .unresolved_assignment_warnings()
        .into_iter()
        .filter(|d| d.code == "metadata-ambiguous")
        .collect();
    assert_eq!(warned.len(), 1, "{warned:#?}");
    assert_eq!(
        (warned[0].path.as_str(), warned[0].line),
        ("sf/config/u.json", Some(5))
    );
    assert!(
        warned[0].message.starts_with(
            "int.orders@acme.com: profile `Orders Integration` is defined by 2 files of the Salesforce metadata read (eu/src/profiles/Orders Integration.profile, sf/profiles/Orders Integration.profile-meta.xml): its grants are judged from eu/src/profiles/Orders Integration.profile"
        ),
        "{}",
        warned[0].message
    );
    // One file and the org's copy of it: nothing to say.
    inv.salesforce.profiles.remove(0);
    inv.salesforce.profiles.insert(0, from_org);
    inv.build_identities();
    assert!(!inv
        .unresolved_assignment_warnings()
        .iter()
        .any(|d| d.code == "metadata-ambiguous"));
}

#[test]
fn config_hints_client_credentials_and_access_only_identities() {
    let mut inv = monorepo();
    inv.build_identities();
    let billing = inv.identity("int.billing@acme.com").unwrap();
    assert!(billing.has_reason(ReasonKind::Config));
    assert!(billing.has_reason(ReasonKind::IntegrationLicense));
    assert!(billing.has_reason(ReasonKind::ApiOnly));
    assert_eq!(billing.system.as_deref(), Some("Billing"));
    assert_eq!(
        billing.profile.as_ref().unwrap().source,
        AssignmentSource::Config
    );
    // The ECA (with a certificate) pre-authorizes Acme Integration.
    assert!(billing.has_reason(ReasonKind::PreAuthorizedByIntegrationApp));
    assert_eq!(billing.pre_authorized_by[0].app, "Invoices");
    assert!(billing.pre_authorized_by[0].certificate);

    let cc = inv.identity("int.cc@acme.com").unwrap();
    assert!(cc.has_reason(ReasonKind::ClientCredentialsUser));
    assert_eq!(
        cc.pre_authorized_by[0].via,
        PreAuthVia::ClientCredentialsUser
    );
    assert_eq!(cc.unresolved, Vec::<String>::new());

    let ps = inv
        .identities
        .iter()
        .find(|i| i.name == "permission set Invoices_API")
        .unwrap();
    assert!(ps.username.is_none());
    assert_eq!(ps.permission_sets[0].source, AssignmentSource::Itself);
    assert!(ps.has_reason(ReasonKind::PreAuthorizedByIntegrationApp));
    assert_eq!(ps.pre_authorized_by[0].via, PreAuthVia::PermissionSet);

    let std_int = inv
        .identities
        .iter()
        .find(|i| i.name.starts_with("profile Minimum"))
        .unwrap();
    assert!(std_int.has_reason(ReasonKind::IntegrationLicense));
    assert!(std_int.has_permission("ApiUserOnly"));

    // Idempotent.
    let n = inv.identities.len();
    inv.build_identities();
    assert_eq!(inv.identities.len(), n);
}

/// The app `orders` whose connection logs in as `${sfdc.user}`, set to
/// `dev_user` in dev.yaml and `int.orders@acme.com` in prod.yaml (line 3),
/// with its identities built.
fn orders_with_users(dev_user: &str) -> Inventory {
    use crate::inventory::mule::{PropertyEntry, PropertyFile, PropertyFormat};
    let mut app = MuleApp::new("orders", "orders", MuleRuntime::Mule4);
    app.environments = vec!["dev".into(), "prod".into()].into();
    app.salesforce_connections = vec![conn("SF", "${sfdc.user}", "orders/src/main/mule/g.xml")];
    let file = |env: &str, user: &str| PropertyFile {
        path: format!("orders/src/main/resources/{env}.yaml").into(),
        format: PropertyFormat::Yaml,
        environment: Some(env.into()),
        secure: false,
        plain_too: false,
        loaded: true,
        entries: vec![PropertyEntry::new(
            "sfdc.user",
            user,
            loc(&format!("orders/src/main/resources/{env}.yaml"), 3),
        )],
        split_values: Vec::new(),
    };
    app.property_files = vec![file("dev", dev_user), file("prod", "int.orders@acme.com")].into();
    let mut inv = Inventory {
        apps: vec![app],
        ..Inventory::default()
    };
    inv.build_identities();
    inv
}

#[test]
fn per_environment_usernames() {
    let inv = orders_with_users("int.orders@acme.com.dev");
    let names: Vec<_> = inv.identities.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["int.orders@acme.com", "int.orders@acme.com.dev"]);
    let prod = inv.identity("int.orders@acme.com").unwrap();
    assert_eq!(prod.environments(), ["prod"]);
    assert_eq!(
        prod.apps[0].defined_at,
        Some(loc("orders/src/main/resources/prod.yaml", 3))
    );
    assert!(prod.profile.is_none());
    assert!(prod.effective_permissions.is_empty());
}

/// A Mule-only identity is its username and its connections: no facts
/// box, its username and name one string, and the names its app uses
/// repeat (the app, the environment, the connection) shared with the
/// app's other identities.
#[test]
fn a_mule_only_identity_holds_its_names_once() {
    let inv = orders_with_users("Int.Orders@acme.com.dev");
    let [prod, dev] = inv.identities.as_slice() else {
        panic!("{:?}", inv.identities);
    };
    for id in [prod, dev] {
        assert!(!id.has_facts(), "{}", id.name);
        let username = id.username.as_ref().unwrap();
        assert!(std::ptr::eq(username.as_str(), id.name.as_str()));
        assert!(id.profile.is_none() && id.permission_sets.is_empty());
    }
    // As first written, whatever the case.
    assert_eq!(dev.name, "Int.Orders@acme.com.dev");
    let (p, d) = (&prod.apps[0], &dev.apps[0]);
    assert_eq!((p.app.as_str(), d.app.as_str()), ("orders", "orders"));
    assert!(std::ptr::eq(p.app.as_str(), d.app.as_str()));
    assert!(std::ptr::eq(p.config_name.as_str(), d.config_name.as_str()));
    // What is the same for every environment of the connection is held once.
    assert!(std::sync::Arc::ptr_eq(&p.connection, &d.connection));
    assert_ne!(p.environment, d.environment);
    // An environment is shared with the other apps' uses of it.
    let mut billing = inv.apps[0].clone();
    billing.name = "billing".into();
    let mut two = Inventory {
        apps: vec![inv.apps[0].clone(), billing],
        ..Inventory::default()
    };
    two.build_identities();
    let prod: Vec<&IdentityAppUse> = two
        .identities
        .iter()
        .flat_map(|i| &i.apps)
        .filter(|u| u.environment.as_deref() == Some("prod"))
        .collect();
    let [orders, billing] = prod.as_slice() else {
        panic!("{prod:?}");
    };
    assert_eq!(
        (orders.app.as_str(), billing.app.as_str()),
        ("orders", "billing")
    );
    assert!(std::ptr::eq(
        orders.environment.as_deref().unwrap(),
        billing.environment.as_deref().unwrap()
    ));
}

/// The identities come users first, then access-only ones, each by name
/// with case ignored, equal names in the order they were made: as a stable
/// sort by `(username.is_none(), name.to_lowercase())` orders them, non-ASCII
/// names (a final sigma lowercases by its place) included.
#[test]
fn identities_are_sorted_as_by_their_lowercased_names() {
    let names = [
        (true, "b@acme.com"),
        (false, "profile Zeta"),
        (true, "A@acme.com"),
        (true, "a@acme.com"),
        (false, "permission set alpha"),
        (true, "ΟΔΟΣ@acme.com"),
        (true, "Oδoς@acme.com"),
        (true, "οδοσ@acme.com"),
        (true, "B@acme.com"),
        (false, "Profile zeta"),
        (true, "_x@acme.com"),
        (true, "ab@acme.com"),
        (true, "a"),
    ];
    let ids: Vec<IntegrationIdentity> = names
        .iter()
        .map(|(user, name)| {
            IntegrationIdentity::new(user.then(|| name.to_string()), name.to_string())
        })
        .collect();
    let mut expected = ids.clone();
    expected.sort_by_cached_key(|id| (id.username.is_none(), id.name.to_lowercase()));
    let mut sorted = ids;
    sort_identities(&mut sorted);
    let order = |ids: &[IntegrationIdentity]| -> Vec<String> {
        ids.iter().map(|i| i.name.to_string()).collect()
    };
    assert_eq!(order(&sorted), order(&expected));
    assert_eq!(sorted[0].name, "_x@acme.com");
    assert_eq!(sorted.last().unwrap().name, "Profile zeta");
}

/// An encrypted username (`![...]`, read whole or as part of the value)
/// names nobody: with random IVs one user has many ciphertexts.
#[test]
fn encrypted_usernames_are_no_identities() {
    use crate::inventory::mule::{PropertyEntry, PropertyFile, PropertyFormat};
    let mut app = MuleApp::new("orders", "orders", MuleRuntime::Mule4);
    app.environments = vec!["dev".into(), "prod".into(), "qa".into()].into();
    app.salesforce_connections = vec![
        conn("SF", "${secure::sfdc.user}", "orders/src/main/mule/g.xml"),
        conn(
            "SF2",
            "${secure::sfdc.prefix}.sandbox",
            "orders/src/main/mule/g.xml",
        ),
    ];
    let file = |env: &str, entries: &[(&str, &str)]| PropertyFile {
        path: format!("orders/src/main/resources/{env}-secure.yaml").into(),
        format: PropertyFormat::Yaml,
        environment: Some(env.into()),
        secure: true,
        plain_too: false,
        loaded: true,
        entries: entries
            .iter()
            .map(|(k, v)| PropertyEntry::new(k, v, loc("s.yaml", 1)))
            .collect(),
        split_values: Vec::new(),
    };
    app.property_files = vec![
        file("dev", &[("sfdc.user", "int.orders@acme.com.dev")]),
        file("prod", &[("sfdc.user", "![geR4SnTya8cuj6EI86MJvj3Se=]")]),
        file("qa", &[("sfdc.user", " ![QOZJZSad2t/MvqJ6SBiWTQ==] ")]),
        file("dev", &[("sfdc.prefix", "![Glc8p+d+oEOvkchfXdtsrg==]")]),
    ]
    .into();
    let mut inv = Inventory {
        apps: vec![app],
        ..Inventory::default()
    };
    inv.build_identities();
    let names: Vec<_> = inv.identities.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["int.orders@acme.com.dev"]);
    let users = inv.apps[0].salesforce_connections[0].users(&inv.apps[0]);
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].environment.as_deref(), Some("dev"));
}

#[test]
fn apps_digested_while_reading_give_the_same_graph() {
    let mut whole = monorepo();
    whole.build_identities();
    let mut streamed = monorepo();
    for app in &mut streamed.apps {
        let had_operations = !app.operations.is_empty();
        app.digest_operations();
        assert!(app.operations.is_empty());
        assert_eq!(!app.object_uses.is_empty(), had_operations, "{}", app.name);
        let digest: Vec<(String, SharedUses)> = app.object_uses.to_vec();
        app.digest_operations();
        assert_eq!(app.object_uses, digest, "digesting twice changes nothing");
    }
    streamed.build_identities();
    assert!(whole
        .identities
        .iter()
        .any(|i| !i.objects_used().is_empty()));
    assert_eq!(whole.identities.len(), streamed.identities.len());
    for (a, b) in whole.identities.iter().zip(&streamed.identities) {
        assert_eq!(a.username, b.username);
        assert_eq!(a.objects_used(), b.objects_used(), "{:?}", a.username);
    }
}

#[test]
fn operation_kinds() {
    let k = |e: &str| operation_kind(&op(e, "c", None, None, "x"));
    assert_eq!(k("salesforce:query"), ObjectOperation::Read);
    assert_eq!(k("salesforce:query-all"), ObjectOperation::Read);
    assert_eq!(k("salesforce:create"), ObjectOperation::Create);
    assert_eq!(k("sfdc:create-single"), ObjectOperation::Create);
    assert_eq!(k("salesforce:update"), ObjectOperation::Edit);
    assert_eq!(k("salesforce:upsert"), ObjectOperation::Upsert);
    assert_eq!(k("salesforce:delete"), ObjectOperation::Delete);
    assert_eq!(k("sfdc:hard-delete-bulk"), ObjectOperation::HardDelete);
    assert_eq!(
        k("salesforce:deleted-object-listener"),
        ObjectOperation::Read
    );
    assert_eq!(k("salesforce:retrieve"), ObjectOperation::Read);
    assert_eq!(
        k("salesforce:invoke-apex-rest-method"),
        ObjectOperation::Other
    );
    let mut bulk = op(
        "salesforce:create-job-bulk-api-v2",
        "c",
        Some("Account"),
        None,
        "x",
    );
    bulk.bulk_operation = Some("hardDelete".into());
    assert_eq!(operation_kind(&bulk), ObjectOperation::HardDelete);
}

/// Apps deployed in a domain use the connection it shares: the identity's
/// uses are theirs (at their operations), and the objects their operations
/// use on it are its objects. An app that names the domain's config but is
/// deployed elsewhere does not use it; a domain none of whose apps the scan
/// holds keeps its connection's use.
#[test]
fn apps_on_a_domains_connection_use_its_user() {
    let d = "acme-domain/src/main/mule/mule-domain-config.xml";
    let mut domain = MuleApp::new("acme-domain", "acme-domain", MuleRuntime::Mule4);
    domain.domain = true;
    domain
        .salesforce_connections
        .push(conn("Shared_SF", "int.shared@acme.com", d));
    let mut lonely = MuleApp::new("lonely-domain", "lonely-domain", MuleRuntime::Mule4);
    lonely.domain = true;
    lonely.salesforce_connections.push(conn(
        "Lonely_SF",
        "int.lonely@acme.com",
        "lonely-domain/src/main/mule/mule-domain-config.xml",
    ));
    let member = |name: &str, domain_name: &str, object: &str| {
        let path = format!("{name}/src/main/mule/{name}.xml");
        let mut app = MuleApp::new(name, name, MuleRuntime::Mule4);
        app.domain_link = Some(Box::new(DomainLink {
            name: domain_name.into(),
            location: loc(&format!("{name}/pom.xml"), 30),
        }));
        app.operations.push(op(
            "salesforce:create",
            "Shared_SF",
            Some(object),
            None,
            &path,
        ));
        app.note_foreign_connection_refs();
        app
    };
    let mut inv = Inventory {
        apps: vec![
            domain,
            lonely,
            member("orders", "acme-domain", "Order"),
            member("customers", "acme-domain", "Account"),
            member("elsewhere", "other-domain", "Lead"),
        ],
        ..Inventory::default()
    };
    inv.build_identities();
    let id = inv.identity("int.shared@acme.com").expect("shared user");
    assert_eq!(id.app_names(), ["customers", "orders"]);
    let at: Vec<(&str, u32)> = id
        .apps
        .iter()
        .map(|u| (u.location.path.as_str(), u.location.line))
        .collect();
    assert_eq!(
        at,
        [
            ("orders/src/main/mule/orders.xml", 20),
            ("customers/src/main/mule/customers.xml", 20)
        ]
    );
    let objects: Vec<&str> = id
        .objects_used()
        .iter()
        .map(|u| u.object.as_str())
        .collect();
    assert_eq!(objects, ["Account", "Order"]);
    // Each use is a reason, named with the domain it goes through.
    let why: Vec<String> = id.reasons().iter().map(|r| r.detail.to_string()).collect();
    assert_eq!(
        why,
        [
            "Mule app orders logs in as it through domain acme-domain (`Shared_SF`)",
            "Mule app customers logs in as it through domain acme-domain (`Shared_SF`)"
        ]
    );
    let lonely = inv.identity("int.lonely@acme.com").expect("lonely user");
    assert_eq!(lonely.app_names(), ["lonely-domain"]);
    let why: Vec<String> = lonely
        .reasons()
        .iter()
        .map(|r| r.detail.to_string())
        .collect();
    assert_eq!(
        why,
        ["Mule domain lonely-domain logs in as it (`Lonely_SF`)"]
    );
    // The app of a domain the scan did not read: its user is not known.
    let unread: Vec<(&str, &str, &str)> = inv
        .unread_domain_uses()
        .iter()
        .map(|u| (u.app.name.as_str(), u.link.name.as_str(), u.config_name))
        .collect();
    assert_eq!(unread, [("elsewhere", "other-domain", "Shared_SF")]);
}

/// The pre-authorizations an identity is asked about (by the names they
/// reach it by) include every one that reaches it: profiles by label or
/// file name, sets by label or API name in any case, sets through a
/// group, client credentials users by name with spaces around; as asking
/// it about every one would.
#[test]
fn identities_are_asked_about_every_pre_authorization_that_reaches_them() {
    use super::pre_auth::{reaches, PreAuthIndex};
    use crate::inventory::graph::{AccessAssignment, AssignmentSource, OAuthAppKind};
    let mut md = SalesforceMetadata::default();
    let mut admin = profile("Admin", "Salesforce", &[], Vec::new());
    admin.label = Some("System Administrator".into());
    md.profiles = vec![
        admin,
        profile(
            "Orders Integration",
            "Salesforce Integration",
            &[],
            Vec::new(),
        ),
    ];
    let mut orders = permset("Orders_API", &[], Vec::new());
    orders.label = Some("Orders API".into());
    md.permission_sets = vec![orders, permset("Billing_API", &[], Vec::new())];
    md.permission_set_groups = vec![PermissionSetGroup {
        name: "Finance".into(),
        label: Some("Finance Group".into()),
        permission_sets: vec![Located::new("billing_api".to_string(), loc("g", 3))],
        muting_permission_sets: Vec::new(),
        status: None,
        location: loc("g", 1),
    }];
    let pa = |via: PreAuthVia, name: &str| PreAuthorization {
        app: format!("App {name}"),
        kind: OAuthAppKind::ConnectedApp,
        via,
        name: name.into(),
        location: loc("app", 1),
        admin_approved: true,
        certificate: true,
        client_credentials: false,
    };
    let all: Vec<PreAuthorization> = [
        (PreAuthVia::Profile, "System Administrator"),
        (PreAuthVia::Profile, "admin"),
        (PreAuthVia::Profile, "Orders Integration"),
        (PreAuthVia::Profile, "Standard User"),
        (PreAuthVia::PermissionSet, "Orders API"),
        (PreAuthVia::PermissionSet, "ORDERS_API"),
        (PreAuthVia::PermissionSet, "Billing_API"),
        (PreAuthVia::PermissionSet, "Unknown_Set"),
        (PreAuthVia::ClientCredentialsUser, " Int.Orders@Acme.com "),
        (PreAuthVia::ClientCredentialsUser, "other@acme.com"),
    ]
    .into_iter()
    .map(|(via, name)| pa(via, name))
    .collect();
    let assigned = |name: &str| AccessAssignment {
        name: name.into(),
        source: AssignmentSource::UserDefinition,
        assigned_at: None,
        metadata: None,
    };
    let identity = |user: &str, profile: Option<&str>, sets: &[&str], groups: &[&str]| {
        let mut id = IntegrationIdentity::new(Some(user.into()), user.into());
        let facts = id.facts_mut();
        facts.profile = profile.map(assigned);
        facts.permission_sets = sets.iter().map(|s| assigned(s)).collect();
        facts.permission_set_groups = groups.iter().map(|g| assigned(g)).collect();
        id
    };
    let ids = [
        identity("int.orders@acme.com", Some("Admin"), &["orders_api"], &[]),
        identity(
            "a@acme.com",
            Some("System administrator"),
            &["Orders API"],
            &["Finance"],
        ),
        identity(
            "b@acme.com",
            Some("orders integration"),
            &["Unknown_Set", "Billing_API"],
            &[],
        ),
        identity("c@acme.com", Some("Standard"), &[], &["finance group"]),
        identity("d@acme.com", None, &[], &[]),
    ];
    let index = PreAuthIndex::new(&all, &md);
    let mut reached = 0;
    for id in &ids {
        let every: Vec<u32> = (0..all.len() as u32)
            .filter(|&i| reaches(&all[i as usize], id, &md))
            .collect();
        let asked: Vec<u32> = index
            .candidates(id, &md)
            .into_iter()
            .filter(|&i| reaches(&all[i as usize], id, &md))
            .collect();
        assert_eq!(asked, every, "{}", id.name);
        reached += every.len();
    }
    assert!(reached >= 12, "{reached}");
}
