//! The identity-graph rules (IG111, IG202, IG204, IG205, IG206 org side,
//! IG301, IG302, IG304) on the shared org fixtures, both formats, with the
//! identity graph built by the model as the engine builds it (see
//! `common::inventory`). The hand-built identities of `identity_rules.rs`
//! cover the corner cases; these cover the joins from real files.

use crate::common;
use crate::org;

use intguard_model::{Finding, Severity};
use org::{Format, FORMATS};

const ORDERS_PROFILE: &str = "md:profiles/Orders Integration %28API%29.profile";
const ADMIN: &str = "md:profiles/Admin.profile";
const ORDERS_PSET: &str = "md:permissionsets/Orders_Integration.permissionset";
const PASSWORD_POLICY: &str =
    "md:profilePasswordPolicies/OrdersIntegrationAPI_profilePasswordPolicy1712059287035.profilePasswordPolicy";
const SECURITY: &str = "md:settings/Security.settings";
const ORDERS_USER_DEF: &str = "salesforce/config/orders-integration-user-def.json";
const MULE_USER_DEF: &str = "salesforce/config/mule-integration-user-def.json";
const ORDERS_GLOBAL: &str = "orders-sapi/src/main/mule/global.xml";
const BILLING_GLOBAL: &str = "billing-sapi/src/main/mule/global.xml";

fn assert_org(id: &str, positive: bool, expected: &[(&str, u32)]) {
    for f in FORMATS {
        org::assert_places(id, f, positive, expected);
    }
}

fn assert_clean(id: &str) {
    for f in FORMATS {
        common::assert_clean(id, &f.fixture(false));
    }
}

fn sfdx(id: &str) -> Vec<Finding> {
    common::run(id, &Format::Sfdx.fixture(true))
}

fn at<'a>(findings: &'a [Finding], path_end: &str, line: u32) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.location.path.ends_with(path_end) && f.location.line == line)
        .unwrap_or_else(|| panic!("no finding at {path_end}:{line}"))
}

/// A finding about an identity names it and cites both ends: the Mule
/// connection (and the property line that set the username) and the profile.
fn assert_both_ends(f: &Finding, user: &str, app: &str) {
    assert!(f.message.contains(user), "{}", f.message);
    assert_eq!(f.identity.as_deref(), Some(user), "{}", f.message);
    assert!(
        f.related
            .iter()
            .any(|r| r.path.ends_with(&format!("{app}/src/main/mule/global.xml"))),
        "{} cites no Mule connection of {app}: {:#?}",
        f.message,
        f.related
    );
    assert!(
        f.related.iter().any(|r| r
            .path
            .ends_with(&format!("{app}/src/main/resources/properties/prod.yaml"))),
        "{} cites no username property of {app}: {:#?}",
        f.message,
        f.related
    );
}

#[test]
fn ig111_weak_password_policy() {
    assert_org(
        "IG111",
        true,
        &[
            (SECURITY, 12),
            (SECURITY, 14),
            (SECURITY, 17),
            (SECURITY, 18),
            (PASSWORD_POLICY, 5),
            (PASSWORD_POLICY, 10),
            (ORDERS_PROFILE, 29),
        ],
    );
    assert_clean("IG111");
    let f = sfdx("IG111");
    let never = at(&f, ".profile-meta.xml", 29);
    assert!(never
        .message
        .starts_with("int.orders@acme.com (used by orders-sapi)"));
    assert_both_ends(never, "int.orders@acme.com", "orders-sapi");
}

#[test]
fn ig202_no_login_ip_ranges() {
    assert_org("IG202", true, &[(ORDERS_PROFILE, 5), (ADMIN, 2)]);
    assert_clean("IG202");
    let f = sfdx("IG202");
    assert!(f.iter().all(|f| f.severity == Severity::High));
    let admin = at(&f, "Admin.profile-meta.xml", 2);
    assert!(
        admin.message.contains("int.mule@acme.com"),
        "{}",
        admin.message
    );
    assert_both_ends(admin, "int.mule@acme.com", "billing-sapi");
    let orders = at(&f, ".profile-meta.xml", 5);
    assert!(orders.message.contains("0.0.0.0-255.255.255.255"));
    assert_both_ends(orders, "int.orders@acme.com", "orders-sapi");
}

#[test]
fn ig204_api_access_control_off() {
    assert_org(
        "IG204",
        true,
        &[
            ("md:settings/ConnectedApp.settings", 3),
            (ORDERS_PROFILE, 33),
        ],
    );
    assert_clean("IG204");
    let f = sfdx("IG204");
    let any_client = at(&f, ".profile-meta.xml", 33);
    assert!(any_client.message.contains("UseAnyApiClient"));
    assert_both_ends(any_client, "int.orders@acme.com", "orders-sapi");
}

#[test]
fn ig205_not_api_only() {
    assert_org("IG205", true, &[(ORDERS_PROFILE, 20), (ADMIN, 48)]);
    assert_clean("IG205");
    let f = sfdx("IG205");
    assert_both_ends(
        at(&f, "Admin.profile-meta.xml", 48),
        "int.mule@acme.com",
        "billing-sapi",
    );
    assert_both_ends(
        at(&f, ".profile-meta.xml", 20),
        "int.orders@acme.com",
        "orders-sapi",
    );
}

/// Org side: the user definition line of each user whose profile and sets
/// lack the mutual-authentication permission; Mule side: each connection
/// without a client certificate. The negative org's orders-sapi still has
/// no client certificate (its user requires mutual TLS on the org side).
#[test]
fn ig206_no_mutual_tls() {
    assert_org(
        "IG206",
        true,
        &[
            (ORDERS_USER_DEF, 10),
            (MULE_USER_DEF, 10),
            (ORDERS_GLOBAL, 23),
            (BILLING_GLOBAL, 23),
        ],
    );
    assert_org("IG206", false, &[(ORDERS_GLOBAL, 23)]);
    // Mule side: the connection is the location; the property line and the
    // user's profile are the other ends.
    let f = sfdx("IG206");
    let conn = at(&f, "orders-sapi/src/main/mule/global.xml", 23);
    assert!(
        conn.related.iter().any(|r| r
            .path
            .ends_with("Orders Integration %28API%29.profile-meta.xml")),
        "{:#?}",
        conn.related
    );
    assert!(conn.related.iter().any(|r| r
        .path
        .ends_with("orders-sapi/src/main/resources/properties/prod.yaml")));
    let orders = at(&f, "orders-integration-user-def.json", 10);
    assert!(
        orders.message.contains(
            "neither its profile Orders Integration (API) nor its permission sets Orders_Integration nor its permission set groups Orders_Reporting_Group grant"
        ),
        "{}",
        orders.message
    );
    // The permission goes into the set the user already has.
    assert!(
        orders
            .fix
            .contains("user permission in its permission set Orders_Integration (Setup > Permission Sets > Orders_Integration > System Permissions)"),
        "{}",
        orders.fix
    );
    assert_both_ends(orders, "int.orders@acme.com", "orders-sapi");
    let mule = at(&f, "mule-integration-user-def.json", 10);
    assert!(
        mule.message
            .contains("its profile System Administrator does not grant"),
        "{}",
        mule.message
    );
    assert_both_ends(mule, "int.mule@acme.com", "billing-sapi");
}

#[test]
fn ig301_admin_integration_user() {
    assert_org(
        "IG301",
        true,
        &[
            (MULE_USER_DEF, 10),
            ("md:connectedApps/Orders_Integration.connectedApp", 23),
        ],
    );
    assert_clean("IG301");
    let f = sfdx("IG301");
    assert!(f.iter().all(|f| f.severity == Severity::Critical));
    let user = at(&f, "mule-integration-user-def.json", 10);
    assert!(user.message.contains("System Administrator"));
    assert_both_ends(user, "int.mule@acme.com", "billing-sapi");
}

/// One finding per identity, grant and tier, at the `<userPermissions>`
/// element of its first permission (alphabetically) in that tier.
#[test]
fn ig302_dangerous_permission() {
    // Every source of a permission has its finding: ExportReport comes from
    // the profile and from Orders_Reporting (through its group, whose muting
    // set mutes DataExport only), and removing one leaves the other.
    for (f, reporting) in [
        (
            Format::Sfdx,
            (
                "salesforce/force-app/main/default/permissionsets/Orders_Reporting/Orders_Reporting.userPermissions-meta.xml",
                7,
            ),
        ),
        (
            Format::Mdapi,
            ("salesforce/src/permissionsets/Orders_Reporting.permissionset", 20),
        ),
    ] {
        org::assert_places(
            "IG302",
            f,
            true,
            &[
                (ORDERS_PROFILE, 25),
                (ORDERS_PROFILE, 29),
                (ORDERS_PROFILE, 33),
                (ADMIN, 53),
                (ADMIN, 65),
                (ADMIN, 73),
                reporting,
            ],
        );
    }
    assert_clean("IG302");
    let f = sfdx("IG302");
    let reporting = f
        .iter()
        .find(|f| {
            f.location
                .path
                .ends_with("Orders_Reporting.userPermissions-meta.xml")
        })
        .unwrap();
    assert!(
        reporting.message.contains("ExportReport")
            && reporting.fix.contains(
                "It is also granted by profile Orders Integration (API): remove it there too"
            ),
        "{} / {}",
        reporting.message,
        reporting.fix
    );
    // The group has a muting permission set: the permission goes there,
    // not into "a muting permission set" to create.
    assert!(
        reporting.fix.contains(
            "or mute it in group Orders_Reporting_Group: its muting permission set Orders_Reporting_Group_Muting does not mute it yet"
        ) && reporting.fix.contains(
            "in mutingpermissionsets/Orders_Reporting_Group_Muting.mutingpermissionset-meta.xml: <userPermissions><enabled>true</enabled><name>ExportReport</name></userPermissions>"
        ),
        "{}",
        reporting.fix
    );
    let tiers: Vec<(u32, Severity)> = f
        .iter()
        .filter(|f| f.location.path.ends_with("Admin.profile-meta.xml"))
        .map(|f| (f.location.line, f.severity))
        .collect();
    assert_eq!(
        tiers,
        [
            (53, Severity::Critical),
            (65, Severity::High),
            (73, Severity::High)
        ]
    );
    let orders: Vec<Severity> = f
        .iter()
        .filter(|f| f.location.path.contains("Orders Integration"))
        .map(|f| f.severity)
        .collect();
    assert_eq!(orders, [Severity::High, Severity::Medium, Severity::Medium]);
    let supers = at(&f, "Admin.profile-meta.xml", 53);
    assert!(supers.message.contains("ModifyAllData"));
    assert_both_ends(supers, "int.mule@acme.com", "billing-sapi");
}

/// Unused objects and operations per grant, and View All / Modify All. The
/// group's muting removes DataExport, not the Case read of Orders_Reporting.
#[test]
fn ig304_excess_object_access() {
    for f in FORMATS {
        let case = match f {
            Format::Sfdx => (
                "salesforce/force-app/main/default/permissionsets/Orders_Reporting/objectSettings/Case.objectSettings-meta.xml",
                3,
            ),
            Format::Mdapi => ("salesforce/src/permissionsets/Orders_Reporting.permissionset", 6),
        };
        org::assert_places(
            "IG304",
            f,
            true,
            &[
                (ORDERS_PROFILE, 10),
                (ORDERS_PSET, 16),
                (ORDERS_PSET, 26),
                case,
                // The unused access now starts at Account (line 14), which
                // billing-sapi only reads through `Account.Name`.
                (ADMIN, 14),
                (ADMIN, 14),
            ],
        );
    }
    assert_clean("IG304");
    let f = sfdx("IG304");
    let lead = at(&f, ".profile-meta.xml", 10);
    assert!(
        lead.message.contains("Lead (Read, Create, Edit; unused)"),
        "{}",
        lead.message
    );
    assert_both_ends(lead, "int.orders@acme.com", "orders-sapi");
    let edit = at(&f, "Orders_Integration.permissionset-meta.xml", 26);
    assert!(
        edit.message.contains("Order (Edit; its apps only create)"),
        "{}",
        edit.message
    );
    // Reading through a relationship only reads.
    assert!(
        f.iter().any(|f| f
            .message
            .contains("Account (Create, Edit, Delete; its apps only read)")),
        "{f:#?}"
    );
    let view_all = at(&f, "Orders_Integration.permissionset-meta.xml", 16);
    assert!(
        view_all.message.contains("Contact (View All)"),
        "{}",
        view_all.message
    );
}
