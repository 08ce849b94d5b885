//! The org-side rules (IG113, IG306, IG211, and the org parts of IG101, IG202
//! and IG303) on hand-built org facts: one user that should be reported and
//! one that should not, per rule.

use intguard_model::{
    org_location, HealthCheck, HealthRisk, Inventory, IpRange, Located, LoginEvent, NamedFlag,
    OrgFacts, OrgOauthToken, OrgUser, Profile,
};
use intguard_rules::find_rule;

const NOW: i64 = 1_793_491_200;
const DAY: i64 = 86_400;

fn user(n: u32, username: &str, last_login_days: i64, password_days: i64) -> OrgUser {
    OrgUser {
        password_locked: None,
        id: format!("005{n}"),
        username: username.into(),
        is_active: true,
        frozen: None,
        profile: Some("Minimum Access - API Only Integrations".into()),
        license: Some("Salesforce Integration".into()),
        permission_sets: Vec::new(),
        permission_set_groups: Vec::new(),
        last_login_unix: Some(NOW - last_login_days * DAY),
        last_password_change_unix: Some(NOW - password_days * DAY),
        created_unix: Some(NOW - 900 * DAY),
        location: org_location("acme", "User", &format!("005{n}")),
    }
}

fn login(user: u32, n: u32, sub: &str, ip: &str, app: &str, status: &str) -> LoginEvent {
    LoginEvent {
        user_id: format!("005{user}"),
        time_unix: NOW - DAY,
        login_type: Some("Remote Access 2.0".into()),
        login_sub_type: Some(sub.into()),
        source_ip: Some(ip.into()),
        status: Some(status.into()),
        application: Some(app.into()),
        api_type: Some("REST API".into()),
        location: org_location("acme", "LoginHistory", &format!("0Ya{n}")),
    }
}

fn token(user: u32, app: &str, days: i64) -> OrgOauthToken {
    OrgOauthToken {
        app_name: app.into(),
        user_id: format!("005{user}"),
        last_used_unix: Some(NOW - days * DAY),
        use_count: Some(3),
        location: org_location("acme", "OauthToken", &format!("0CQ{user}{app}")),
    }
}

/// `good` (1) does everything right; `bad` (2) everything wrong.
fn inventory() -> Inventory {
    let mut inv = Inventory::default();
    let at = org_location("acme", "Profile", "00eMIN");
    inv.salesforce.profiles.push(Profile {
        name: "Minimum Access - API Only Integrations".into(),
        label: None,
        user_license: Some(Located::new("Salesforce Integration".into(), at.clone())),
        custom: None,
        user_permissions: vec![NamedFlag {
            name: "ApiUserOnly".into(),
            location: at.clone(),
        }],
        object_permissions: Vec::new(),
        login_ip_ranges: vec![IpRange {
            start: "203.0.113.0".into(),
            end: "203.0.113.255".into(),
            description: None,
            location: org_location("acme", "LoginIpRange", "0IP1"),
        }],
        location: at,
    });
    inv.org = Some(OrgFacts {
        org: "acme".into(),
        instance_url: "https://acme.my.salesforce.com".into(),
        read_at_unix: NOW,
        since_unix: NOW - 30 * DAY,
        users: vec![
            user(1, "good@acme.example", 1, 10),
            user(2, "bad@acme.example", 200, 400),
        ],
        logins: vec![
            login(
                1,
                1,
                "OauthJwtBearer",
                "203.0.113.5",
                "Orders Sync",
                "Success",
            ),
            login(
                2,
                2,
                "OauthUsernamePassword",
                "198.51.100.7",
                "Legacy ETL",
                "Success",
            ),
            login(
                2,
                3,
                "OauthJwtBearer",
                "203.0.113.9",
                "Billing Sync",
                "Success",
            ),
        ],
        oauth_tokens: vec![
            token(1, "Orders Sync", 1),
            token(2, "Legacy ETL", 1),
            token(2, "Old Sync", 300),
        ],
        health_check: Some(HealthCheck {
            score: Some(54.0),
            risks: vec![
                HealthRisk {
                    risk_type: "HIGH_RISK".into(),
                    setting: "Minimum password length".into(),
                    setting_group: Some("PasswordPolicies".into()),
                    org_value: Some("8".into()),
                    standard_value: Some("12".into()),
                },
                HealthRisk {
                    risk_type: "MEETS_STANDARD".into(),
                    setting: "Enforce password history".into(),
                    setting_group: None,
                    org_value: Some("3".into()),
                    standard_value: Some("3".into()),
                },
            ],
            location: org_location("acme", "SecurityHealthCheck", "score"),
        }),
        not_read: Vec::new(),
    });
    inv.now_unix = NOW;
    inv.build_identities();
    inv
}

fn messages(rule: &str, inv: &Inventory) -> Vec<String> {
    find_rule(rule)
        .unwrap()
        .run(inv)
        .into_iter()
        .map(|f| f.message)
        .collect()
}

fn about<'a>(messages: &'a [String], who: &str) -> Vec<&'a String> {
    messages.iter().filter(|m| m.contains(who)).collect()
}

#[test]
fn org_users_are_integration_identities() {
    let inv = inventory();
    let names: Vec<&str> = inv.identities.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["bad@acme.example", "good@acme.example"]);
}

#[test]
fn a_group_granting_api_only_makes_an_integration_user() {
    use intguard_model::{PermissionSet, PermissionSetGroup};
    let mut inv = inventory();
    let at = org_location("acme", "PermissionSet", "0PS9");
    inv.salesforce.permission_sets.push(PermissionSet {
        name: "Api_Only".into(),
        label: None,
        license: None,
        description: None,
        user_permissions: vec![NamedFlag {
            name: "ApiUserOnly".into(),
            location: at.clone(),
        }],
        object_permissions: Vec::new(),
        location: at.clone(),
        decomposed: false,
        files: Vec::new(),
    });
    inv.salesforce
        .permission_set_groups
        .push(PermissionSetGroup {
            name: "Etl_Group".into(),
            label: None,
            permission_sets: vec![Located::new("Api_Only".into(), at.clone())],
            muting_permission_sets: Vec::new(),
            status: None,
            location: at,
        });
    let org = inv.org.as_mut().unwrap();
    let mut etl = user(3, "etl@acme.example", 1, 10);
    etl.profile = Some("Standard User".into());
    etl.license = Some("Salesforce".into());
    etl.permission_set_groups = vec!["Etl_Group".into()];
    org.users.push(etl);
    let mut human = user(4, "human@acme.example", 1, 10);
    human.profile = Some("Standard User".into());
    human.license = Some("Salesforce".into());
    org.users.push(human);
    inv.build_identities();
    let names: Vec<&str> = inv.identities.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        ["bad@acme.example", "etl@acme.example", "good@acme.example"]
    );
}

#[test]
fn ig113_stale_password_in_use() {
    let m = messages("IG113", &inventory());
    assert_eq!(about(&m, "bad@acme.example").len(), 1, "{m:?}");
    assert!(m[0].contains("400 days"), "{m:?}");
    assert!(about(&m, "good@acme.example").is_empty(), "{m:?}");
}

#[test]
fn ig113_needs_a_password_login() {
    let mut inv = inventory();
    // An old password nobody logs in with is not stale-in-use.
    inv.org
        .as_mut()
        .unwrap()
        .logins
        .retain(|l| l.user_id != "0052");
    assert!(messages("IG113", &inv).is_empty());
}

#[test]
fn ig306_dormant_user_and_token() {
    // Nothing of bad's in use: no login in Login History, only the token
    // unused for 300 days.
    let m = messages("IG306", &bad_unused());
    let bad = about(&m, "bad@acme.example");
    assert_eq!(bad.len(), 2, "{m:?}");
    assert!(bad.iter().any(|x| x.contains("200 days")), "{m:?}");
    assert!(bad.iter().any(|x| x.contains("Old Sync")), "{m:?}");
    assert!(about(&m, "good@acme.example").is_empty(), "{m:?}");
}

/// Found by testing as a user would: a user created six days before the
/// org was read, not logged in yet, was "dormant" as one created in 2020.
#[test]
fn ig306_a_new_user_is_not_dormant() {
    let mut inv = inventory();
    let org = inv.org.as_mut().unwrap();
    // Never logged in: no Login History, no token use.
    org.logins.retain(|l| l.user_id != "0051");
    org.oauth_tokens.retain(|t| t.user_id != "0051");
    let good = org
        .users
        .iter_mut()
        .find(|u| u.username == "good@acme.example")
        .unwrap();
    good.last_login_unix = None;
    good.created_unix = Some(NOW - 6 * DAY);
    assert!(about(&messages("IG306", &inv), "good@acme.example").is_empty());

    let org = inv.org.as_mut().unwrap();
    let good = org
        .users
        .iter_mut()
        .find(|u| u.username == "good@acme.example")
        .unwrap();
    good.created_unix = Some(NOW - 120 * DAY);
    let m = messages("IG306", &inv);
    let said = about(&m, "good@acme.example");
    assert_eq!(said.len(), 1, "{m:?}");
    assert!(
        said[0].contains("has never logged in, 120 days after it was created"),
        "{m:?}"
    );
}

/// Found by auditing an org as its admin: a user whose `LastLoginDate`
/// was 200 days old was "dormant" (fix: deactivate it) although an app had
/// used its OAuth token the day before: the integration still runs as it.
/// A recent successful login in Login History counts as use too; when no
/// use is recent, the message says when its tokens were last used.
#[test]
fn ig306_a_user_whose_token_is_in_use_is_not_dormant() {
    let mut inv = bad_unused();
    let org = inv.org.as_mut().unwrap();
    org.oauth_tokens.push(token(2, "Nightly Sync", 1));
    let m = messages("IG306", &inv);
    let bad = about(&m, "bad@acme.example");
    assert!(
        !bad.iter().any(|x| x.contains("has not logged in")),
        "{m:?}"
    );
    // The token nobody used for 300 days is still dormant.
    assert!(bad.iter().any(|x| x.contains("Old Sync")), "{m:?}");

    // Only Login History shows a recent login.
    let mut inv = bad_unused();
    let org = inv.org.as_mut().unwrap();
    org.logins.push(login(
        2,
        9,
        "OauthJwtBearer",
        "203.0.113.9",
        "Billing Sync",
        "Success",
    ));
    let m = messages("IG306", &inv);
    assert!(
        !about(&m, "bad@acme.example")
            .iter()
            .any(|x| x.contains("has not logged in")),
        "{m:?}"
    );

    // Nothing recent: dormant, with when the tokens were last used.
    let m = messages("IG306", &bad_unused());
    assert!(
        about(&m, "bad@acme.example").iter().any(|x| x.ends_with(
            "has not logged in for 200 days, and its OAuth tokens were last used 300 days ago"
        )),
        "{m:?}"
    );
}

/// [`inventory`] where nothing uses bad@ lately (as its 200-day-old
/// `LastLoginDate` says): no login in Login History, and only its token
/// unused for 300 days.
fn bad_unused() -> Inventory {
    let mut inv = inventory();
    let org = inv.org.as_mut().unwrap();
    org.logins.retain(|l| l.user_id != "0052");
    org.oauth_tokens
        .retain(|t| t.user_id != "0052" || t.app_name == "Old Sync");
    inv
}

#[test]
fn ig101_password_logins_from_login_history() {
    let m = messages("IG101", &inventory());
    assert_eq!(about(&m, "bad@acme.example").len(), 1, "{m:?}");
    assert!(m[0].contains("Legacy ETL"), "{m:?}");
    assert!(about(&m, "good@acme.example").is_empty(), "{m:?}");
}

#[test]
fn ig202_logins_outside_the_profile_ranges() {
    let m = messages("IG202", &inventory());
    let bad = about(&m, "bad@acme.example");
    assert_eq!(bad.len(), 1, "{m:?}");
    assert!(
        bad[0].contains("198.51.100.7") && !bad[0].contains("203.0.113.9"),
        "{m:?}"
    );
    assert!(about(&m, "good@acme.example").is_empty(), "{m:?}");
}

/// Found by auditing an org as its admin: a successful login from an IPv6
/// address outside the profile's (IPv4) login IP ranges was never
/// reported: only IPv4 source addresses were compared. An IPv4-mapped
/// address inside the ranges stays quiet.
#[test]
fn ig202_ipv6_logins_outside_the_profile_ranges() {
    let mut inv = inventory();
    let org = inv.org.as_mut().unwrap();
    org.logins.retain(|l| l.user_id != "0052");
    org.logins.push(login(
        2,
        4,
        "OauthJwtBearer",
        "2001:db8::7",
        "Billing Sync",
        "Success",
    ));
    org.logins.push(login(
        1,
        5,
        "OauthJwtBearer",
        "::ffff:203.0.113.7",
        "Orders Sync",
        "Success",
    ));
    let m = messages("IG202", &inv);
    let bad = about(&m, "bad@acme.example");
    assert_eq!(bad.len(), 1, "{m:?}");
    assert!(
        bad[0].contains("logged in from 2001:db8::7 outside the login IP ranges"),
        "{m:?}"
    );
    assert!(about(&m, "good@acme.example").is_empty(), "{m:?}");
}

/// Found by auditing an org as its admin with an auditing user that could
/// not read LoginIpRange: every integration profile "has no login IP
/// ranges" (high), although the org-not-read warning said IG202 did not
/// check, and the profile had ranges. Unknown is not absent.
#[test]
fn ig202_unread_login_ip_ranges_are_not_missing_ones() {
    let mut inv = inventory();
    inv.salesforce.profiles[0].login_ip_ranges.clear();
    let m = messages("IG202", &inv);
    assert!(
        m.iter().any(|x| x.contains("has no login IP ranges")),
        "{m:?}"
    );

    inv.org
        .as_mut()
        .unwrap()
        .not_read
        .push(intguard_model::NotRead {
            what: "LoginIpRange".into(),
            reason: "INSUFFICIENT_ACCESS: insufficient access rights on object id".into(),
            missing_permission: Some("View Setup and Configuration".into()),
            rules: vec!["IG202".into()],
        });
    assert_eq!(messages("IG202", &inv), Vec::<String>::new());
}

/// Found by auditing an org as its admin with an auditing user that could
/// not describe PermissionSet: every integration user was "not an API-only
/// integration user: neither profile Minimum Access - API Only Integrations
/// nor its permission sets grant ApiUserOnly" (IG205, high) and without
/// the mutual-authentication permission (IG206), though no permission
/// could be read and the org-not-read warning said both did not check. The
/// license, which was read, is still judged.
#[test]
fn ig205_ig206_unread_permissions_are_not_missing_ones() {
    let unread = |inv: &mut Inventory| {
        // What the org read gives: no permission fields, so no flags.
        inv.salesforce.profiles[0].user_permissions.clear();
        inv.org
            .as_mut()
            .unwrap()
            .not_read
            .push(intguard_model::NotRead {
                what: "PermissionSet permissions (describe)".into(),
                reason: "INSUFFICIENT_ACCESS: insufficient access rights".into(),
                missing_permission: Some("View Setup and Configuration".into()),
                rules: vec!["IG205".into(), "IG206".into()],
            });
        inv.build_identities();
    };
    let mut inv = inventory();
    assert!(!messages("IG206", &inv).is_empty());
    unread(&mut inv);
    assert_eq!(messages("IG205", &inv), Vec::<String>::new());
    assert_eq!(messages("IG206", &inv), Vec::<String>::new());

    // A profile on the Salesforce license: the license is still wrong.
    let mut inv = inventory();
    inv.salesforce.profiles[0]
        .user_license
        .as_mut()
        .unwrap()
        .value = "Salesforce".into();
    unread(&mut inv);
    let m = messages("IG205", &inv);
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(
        m.iter().all(|x| x.contains(
            "is not on an integration license (whether it is API only is unknown: the org's permissions could not be read): profile Minimum Access - API Only Integrations is on the Salesforce license"
        )),
        "{m:?}"
    );
}

/// As above, with the permission set assignments unread: API Only or the
/// mutual-authentication permission may come from a permission set the
/// org did not show, so neither is said to be missing. A profile that
/// grants API Only itself is still known to.
#[test]
fn ig205_ig206_unread_assignments_leave_permissions_unknown() {
    let mut inv = inventory();
    inv.salesforce.profiles[0].user_permissions.clear();
    inv.build_identities();
    assert_eq!(messages("IG205", &inv).len(), 2);
    inv.org
        .as_mut()
        .unwrap()
        .not_read
        .push(intguard_model::NotRead {
            what: "PermissionSetAssignment".into(),
            reason: "INSUFFICIENT_ACCESS: insufficient access rights".into(),
            missing_permission: Some("View Setup and Configuration".into()),
            rules: vec!["IG205".into(), "IG206".into()],
        });
    assert_eq!(messages("IG205", &inv), Vec::<String>::new());
    assert_eq!(messages("IG206", &inv), Vec::<String>::new());
}

/// Found by auditing an org joined with its repository: once the org's
/// pre-authorizations join a retrieved connected app, a profile
/// pre-authorized in Setup only got the fix "in <the app's file> replace
/// <profileName>...</profileName>", an element the file does not hold.
#[test]
fn ig305_a_profile_pre_authorized_in_setup_only_is_not_in_the_file() {
    use intguard_model::{ConnectedApp, ConnectedAppOauth, Location};
    const APP: &str = "force-app/main/default/connectedApps/Orders_Sync.connectedApp-meta.xml";
    let mut inv = inventory();
    inv.salesforce.connected_apps.push(ConnectedApp {
        name: "Orders_Sync".into(),
        label: Some("Orders Sync".into()),
        contact_email: None,
        oauth: Some(ConnectedAppOauth {
            location: Location::new(APP, 4, 5),
            is_admin_approved: Some(Located::new(true, Location::new(APP, 6, 9))),
            ..ConnectedAppOauth::default()
        }),
        profile_names: vec![
            Located::new(
                "Minimum Access - API Only Integrations".into(),
                org_location("acme", "ConnectedApplication", "0H4ORD"),
            ),
            Located::new("Standard User".into(), Location::new(APP, 12, 5)),
        ],
        permission_set_names: Vec::new(),
        ip_ranges: Vec::new(),
        has_saml: false,
        location: Location::new(APP, 2, 1),
    });
    inv.build_identities();
    let fixes: Vec<String> = find_rule("IG305")
        .unwrap()
        .run(&inv)
        .into_iter()
        .map(|f| f.fix.to_string())
        .collect();
    assert_eq!(fixes.len(), 2, "{fixes:?}");
    assert!(
        fixes.iter().any(|f| f.ends_with(
            "The repository's copy, connectedApps/Orders_Sync.connectedApp-meta.xml, does not list Minimum Access - API Only Integrations (it was pre-authorized in Setup only): do not add it there."
        )),
        "{fixes:?}"
    );
    assert!(
        fixes.iter().any(|f| f.ends_with(
            "In connectedApps/Orders_Sync.connectedApp-meta.xml replace <profileName>Standard User</profileName> with <permissionSetName>...</permissionSetName>."
        )),
        "{fixes:?}"
    );
}

#[test]
fn ig303_several_apps_use_one_org_user() {
    let m = messages("IG303", &inventory());
    let bad = about(&m, "bad@acme.example");
    assert_eq!(bad.len(), 1, "{m:?}");
    assert!(
        bad[0].contains("Billing Sync, Legacy ETL, Old Sync"),
        "{m:?}"
    );
    assert!(about(&m, "good@acme.example").is_empty(), "{m:?}");
}

#[test]
fn ig211_health_check() {
    let m = messages("IG211", &inventory());
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(m.iter().any(|x| x.contains("score is 54")), "{m:?}");
    assert!(
        m.iter().any(|x| x.contains("Minimum password length")),
        "{m:?}"
    );
    let mut clean = inventory();
    let hc = clean.org.as_mut().unwrap().health_check.as_mut().unwrap();
    hc.score = Some(92.0);
    hc.risks.retain(|r| r.risk_type == "MEETS_STANDARD");
    assert!(messages("IG211", &clean).is_empty());
}

#[test]
fn org_rules_stay_quiet_without_an_org() {
    let inv = Inventory::default();
    for rule in ["IG113", "IG306", "IG211"] {
        assert!(messages(rule, &inv).is_empty(), "{rule}");
    }
}

/// Login History's placeholder application (`N/A`, or none) is no app: an
/// integration user one app logs in as, plus a password login naming no
/// application, is not shared (IG303), and IG101 tells that login by its
/// type and API.
#[test]
fn placeholder_login_applications_are_not_apps() {
    let mut inv = inventory();
    let org = inv.org.as_mut().unwrap();
    let mut na = login(1, 9, "", "198.51.100.99", "N/A", "Success");
    na.login_type = Some("Application".into());
    na.api_type = Some("SOAP Enterprise".into());
    org.logins.push(na);
    let mut empty = login(1, 10, "OauthJwtBearer", "203.0.113.6", " ", "Success");
    empty.application = Some(String::new());
    org.logins.push(empty);
    let m = messages("IG303", &inv);
    assert!(about(&m, "good@acme.example").is_empty(), "{m:?}");
    assert!(!m.iter().any(|x| x.contains("N/A")), "{m:?}");
    let m = messages("IG101", &inv);
    let good = about(&m, "good@acme.example");
    assert_eq!(good.len(), 1, "{m:?}");
    assert!(
        good[0].contains("by a login of type Application via SOAP Enterprise from 198.51.100.99"),
        "{m:?}"
    );
    assert!(!good[0].contains("N/A") && !good[0].contains("()"), "{m:?}");
}

/// Found by auditing an org as its admin: a person logging in to the
/// Salesforce UI as an integration user (Login History application
/// `Browser`) was counted as an app, "2 apps hold its tokens or log in as
/// it: Browser, Orders Sync", and the fix offered to declare "Browser" one
/// of the system's apps in intguard.toml, which would hide that people know
/// the credential. People are named as such, with their own fix.
#[test]
fn ig303_ui_logins_are_people_not_apps() {
    let mut inv = inventory();
    let org = inv.org.as_mut().unwrap();
    let mut ui = login(1, 11, "", "198.51.100.20", "Browser", "Success");
    ui.login_type = Some("Application".into());
    ui.api_type = Some("N/A".into());
    org.logins.push(ui);
    let findings: Vec<_> = find_rule("IG303")
        .unwrap()
        .run(&inv)
        .into_iter()
        .filter(|f| f.message.contains("good@acme.example"))
        .collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        findings[0].message,
        "good@acme.example is shared: in the org, people log in to the Salesforce UI as it, and an app holds its tokens or logs in as it: Orders Sync, the Salesforce UI (Browser)"
    );
    let fix = &findings[0].fix;
    assert!(
        fix.starts_with("People log in to the Salesforce UI as good@acme.example"),
        "{fix}"
    );
    assert!(
        !fix.contains("\"Browser\"") && !fix.contains("[[identities]]"),
        "{fix}"
    );
}

/// A user inactive in the org that the config names is no integration user
/// to judge: its privileges (System Administrator here) are not reported as
/// a live credential's, and the graph marks it inactive.
#[test]
fn an_inactive_org_user_gets_no_privilege_findings() {
    let mut inv = inventory();
    let org = inv.org.as_mut().unwrap();
    let mut gone = user(5, "gone@acme.example", 1, 10);
    gone.is_active = false;
    gone.profile = Some("System Administrator".into());
    gone.license = Some("Salesforce".into());
    org.users.push(gone);
    inv.identity_hints.push(intguard_model::IdentityHint {
        username: "gone@acme.example".into(),
        ..Default::default()
    });
    inv.salesforce.profiles.push(Profile {
        name: "Admin".into(),
        label: Some("System Administrator".into()),
        user_license: None,
        custom: None,
        user_permissions: ["ModifyAllData", "ViewAllData", "ManageUsers"]
            .iter()
            .map(|n| NamedFlag {
                name: n.to_string(),
                location: org_location("acme", "Profile", "00eADM"),
            })
            .collect(),
        object_permissions: Vec::new(),
        login_ip_ranges: Vec::new(),
        location: org_location("acme", "Profile", "00eADM"),
    });
    inv.build_identities();
    let gone = inv
        .identities
        .iter()
        .find(|i| i.name == "gone@acme.example")
        .expect("named by the config, it is an identity");
    assert!(gone.inactive_in_org.is_some());
    for rule in [
        "IG301", "IG302", "IG202", "IG205", "IG206", "IG304", "IG204",
    ] {
        let m = messages(rule, &inv);
        assert!(about(&m, "gone@acme.example").is_empty(), "{rule}: {m:?}");
    }
    // The same user active is reported.
    inv.org
        .as_mut()
        .unwrap()
        .users
        .last_mut()
        .unwrap()
        .is_active = true;
    inv.build_identities();
    assert_eq!(
        about(&messages("IG301", &inv), "gone@acme.example").len(),
        1
    );
}

/// A dormant user the org shows frozen (`UserLogin.IsFrozen`) already
/// cannot log in: IG306 says it is frozen, and its fix is deactivating it
/// when the integration is retired, not "deactivate (or freeze)". The same
/// user not frozen keeps the usual message and fix.
#[test]
fn ig306_a_frozen_dormant_user_is_told_frozen_and_to_deactivate() {
    let mut inv = bad_unused();
    let bad = inv
        .org
        .as_mut()
        .unwrap()
        .users
        .iter_mut()
        .find(|u| u.username == "bad@acme.example")
        .unwrap();
    bad.frozen = Some(org_location("acme", "UserLogin", "0602"));
    inv.build_identities();
    let frozen_id = inv
        .identities
        .iter()
        .find(|i| i.name == "bad@acme.example")
        .unwrap();
    assert!(frozen_id.frozen_in_org.is_some());
    let findings: Vec<_> = find_rule("IG306")
        .unwrap()
        .run(&inv)
        .into_iter()
        .filter(|f| f.identity.as_deref() == Some("bad@acme.example"))
        .collect();
    let user = findings
        .iter()
        .find(|f| f.message.contains("has not logged in"))
        .expect("the dormant user is still reported");
    assert_eq!(
        user.message,
        "integration user bad@acme.example is frozen (it cannot log in, but is still active and keeps its permissions and credentials) and has not logged in for 200 days, and its OAuth tokens were last used 300 days ago"
    );
    assert!(
        user.fix.starts_with("bad@acme.example is already frozen"),
        "{}",
        user.fix
    );
    assert!(
        user.fix
            .contains("When the integration it served is retired, deactivate it"),
        "{}",
        user.fix
    );
    assert!(!user.fix.contains("(or freeze)"), "{}", user.fix);
    let token = findings
        .iter()
        .find(|f| f.message.contains("Old Sync"))
        .expect("its unused token is still reported");
    assert!(
        token
            .fix
            .contains("The user is frozen, but the org still lists this token"),
        "{}",
        token.fix
    );

    // Not frozen: "active", and freezing is offered.
    let inv = bad_unused();
    assert!(inv.identities.iter().all(|i| i.frozen_in_org.is_none()));
    let findings = find_rule("IG306").unwrap().run(&inv);
    let user = findings
        .iter()
        .find(|f| f.message.contains("bad@acme.example has not logged in"))
        .unwrap();
    assert!(
        user.message
            .starts_with("active integration user bad@acme.example"),
        "{}",
        user.message
    );
    assert!(
        user.fix.contains("deactivate (or freeze) it"),
        "{}",
        user.fix
    );
    assert!(!findings
        .iter()
        .any(|f| f.message.contains("frozen") || f.fix.contains("is frozen")));
}

/// [`inventory`] plus the users Salesforce creates and maintains itself:
/// CRM Analytics' integration user (6) on its standard profile (View All
/// Data, no API Only, no login IP ranges, not logged in for 200 days: every
/// org rule would have something to say) and Sales Insights' (7).
fn with_salesforce_managed_users() -> Inventory {
    let mut inv = inventory();
    for (name, perms) in [
        (
            "Analytics Cloud Integration User",
            &["ApiEnabled", "ViewAllData"][..],
        ),
        ("Sales Insights Integration User", &["ApiEnabled"][..]),
    ] {
        let at = org_location("acme", "Profile", name);
        inv.salesforce.profiles.push(Profile {
            name: name.into(),
            label: None,
            user_license: Some(Located::new(name.into(), at.clone())),
            custom: None,
            user_permissions: perms
                .iter()
                .map(|n| NamedFlag {
                    name: n.to_string(),
                    location: at.clone(),
                })
                .collect(),
            object_permissions: Vec::new(),
            login_ip_ranges: Vec::new(),
            location: at,
        });
    }
    let org = inv.org.as_mut().unwrap();
    let mut analytics = user(6, "integration@00dacme.example", 200, 400);
    analytics.profile = Some("Analytics Cloud Integration User".into());
    analytics.license = Some("Analytics Cloud Integration User".into());
    org.users.push(analytics);
    let mut insights = user(7, "insightsintegration@00dacme.example", 200, 400);
    insights.profile = Some("Sales Insights Integration User".into());
    insights.license = Some("Sales Insights Integration User".into());
    org.users.push(insights);
    inv.build_identities();
    inv
}

fn all_findings_about(inv: &Inventory, who: &str) -> Vec<String> {
    intguard_rules::all_rules()
        .into_iter()
        .flat_map(|r| r.run(inv))
        .filter(|f| f.identity.as_deref() == Some(who) || f.message.contains(who))
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect()
}

/// Users on the profiles Salesforce manages for its own features (CRM
/// Analytics, Sales Insights) are integration users (listed, with what they
/// reach) but get no finding: every fix (edit the standard profile's system
/// permissions, move the user to another profile or license, deactivate
/// it) is one the customer cannot apply.
#[test]
fn salesforce_managed_users_are_listed_but_not_judged() {
    let inv = with_salesforce_managed_users();
    for who in [
        "integration@00dacme.example",
        "insightsintegration@00dacme.example",
    ] {
        let id = inv
            .identities
            .iter()
            .find(|i| i.name == who)
            .unwrap_or_else(|| panic!("{who} is an identity"));
        assert!(id.salesforce_managed_profile().is_some(), "{who}");
        assert!(!intguard_rules::identities::is_auditable(id), "{who}");
        let said = all_findings_about(&inv, who);
        assert!(said.is_empty(), "{who}: {said:#?}");
    }
    let analytics = inv
        .identities
        .iter()
        .find(|i| i.name == "integration@00dacme.example")
        .unwrap();
    assert!(analytics
        .effective_permissions
        .iter()
        .any(|p| p.name == "ViewAllData"));
    // Nor are their profiles judged on their users' behalf.
    let profiles: Vec<String> = intguard_rules::all_rules()
        .into_iter()
        .flat_map(|r| r.run(&inv))
        .filter(|f| f.message.contains("Analytics Cloud") || f.message.contains("Sales Insights"))
        .map(|f| format!("{}: {} | {}", f.rule, f.message, f.fix))
        .collect();
    assert!(profiles.is_empty(), "{profiles:#?}");
    // The customer's own dormant user next to them is still reported.
    assert_eq!(about(&messages("IG306", &inv), "bad@acme.example").len(), 1);
}

/// The same user made the customer's (an app's or the config's integration
/// user, named in intguard.toml) is judged like any other; so is a user on a
/// custom profile that only looks like Salesforce's.
#[test]
fn a_salesforce_managed_user_the_customer_uses_is_judged() {
    let mut inv = with_salesforce_managed_users();
    inv.identity_hints.push(intguard_model::IdentityHint {
        username: "integration@00dacme.example".into(),
        ..Default::default()
    });
    inv.build_identities();
    let m = messages("IG306", &inv);
    assert_eq!(about(&m, "integration@00dacme.example").len(), 1, "{m:?}");
    let m = messages("IG302", &inv);
    assert!(
        about(&m, "integration@00dacme.example")
            .iter()
            .any(|x| x.contains("ViewAllData") || x.contains("View All Data")),
        "{m:?}"
    );
    // Every fix about it says first that it is Salesforce's user, not to be
    // changed: the app needs a user of its own. Not the other users' fixes.
    let note = "integration@00dacme.example is the user Salesforce creates and maintains for its own feature (profile Analytics Cloud Integration User): do not change it or its profile; give what logs in as it an integration user of its own";
    let all: Vec<_> = intguard_rules::all_rules()
        .into_iter()
        .flat_map(|r| r.run(&inv))
        .collect();
    let judged: Vec<_> = all
        .iter()
        .filter(|f| f.identity.as_deref() == Some("integration@00dacme.example"))
        .collect();
    assert!(judged.len() >= 2, "{judged:#?}");
    for f in &judged {
        assert!(f.fix.starts_with(note), "{}: {}", f.rule, f.fix);
        assert_eq!(f.fix.matches(note).count(), 1, "{}", f.fix);
    }
    assert!(
        all.iter()
            .filter(|f| f.identity.as_deref() != Some("integration@00dacme.example"))
            .all(|f| !f.fix.contains("Salesforce creates and maintains")),
        "{all:#?}"
    );

    let mut inv = with_salesforce_managed_users();
    let org = inv.org.as_mut().unwrap();
    let insights = org
        .users
        .iter_mut()
        .find(|u| u.username == "insightsintegration@00dacme.example")
        .unwrap();
    insights.profile = Some("Acme Insights Integration".into());
    inv.build_identities();
    let id = inv
        .identities
        .iter()
        .find(|i| i.name == "insightsintegration@00dacme.example")
        .unwrap();
    assert!(id.salesforce_managed_profile().is_none());
    assert_eq!(
        about(
            &messages("IG306", &inv),
            "insightsintegration@00dacme.example"
        )
        .len(),
        1
    );
}

/// IG113 on a frozen user: it does not "still log in" (it cannot), but its
/// stale password is still its credential once unfrozen: reported, saying
/// so. Not frozen, the message is unchanged.
#[test]
fn ig113_a_frozen_user_does_not_still_log_in() {
    let mut inv = inventory();
    inv.org
        .as_mut()
        .unwrap()
        .users
        .iter_mut()
        .find(|u| u.username == "bad@acme.example")
        .unwrap()
        .frozen = Some(org_location("acme", "UserLogin", "0602"));
    inv.build_identities();
    let m = messages("IG113", &inv);
    let bad = about(&m, "bad@acme.example");
    assert_eq!(bad.len(), 1, "{m:?}");
    assert!(
        bad[0].starts_with("integration user bad@acme.example is frozen (it cannot log in until unfrozen), but its credential is still a password last changed 400 days ago"),
        "{m:?}"
    );
    assert!(!bad[0].contains("still logs in"), "{m:?}");

    let m = messages("IG113", &inventory());
    let bad = about(&m, "bad@acme.example");
    assert!(
        bad[0].starts_with("integration user bad@acme.example still logs in with a password"),
        "{m:?}"
    );
    assert!(!bad[0].contains("frozen"), "{m:?}");
}

/// Retrieved metadata alone (no org): the profile of CRM Analytics'
/// integration user, on its own license with View All Data, is an
/// integration profile but gets no finding (its system permissions cannot
/// be edited); a custom profile on that license holding the same is judged.
#[test]
fn a_salesforce_managed_profile_in_metadata_is_not_judged() {
    let profile = |name: &str, custom: bool| {
        let at = intguard_model::Location::file(format!(
            "force-app/main/default/profiles/{name}.profile-meta.xml"
        ));
        Profile {
            name: name.into(),
            label: None,
            user_license: Some(Located::new(
                "Analytics Cloud Integration User".into(),
                at.clone(),
            )),
            custom: Some(custom),
            user_permissions: ["ApiEnabled", "ViewAllData"]
                .iter()
                .map(|n| NamedFlag {
                    name: n.to_string(),
                    location: at.clone(),
                })
                .collect(),
            object_permissions: Vec::new(),
            login_ip_ranges: Vec::new(),
            location: at,
        }
    };
    let findings = |p: Profile| -> Vec<String> {
        let mut inv = Inventory::default();
        inv.salesforce.profiles.push(p);
        inv.build_identities();
        assert_eq!(inv.identities.len(), 1, "{:?}", inv.identities);
        intguard_rules::all_rules()
            .into_iter()
            .flat_map(|r| r.run(&inv))
            .map(|f| format!("{}: {}", f.rule, f.message))
            .collect()
    };
    let managed = findings(profile("Analytics Cloud Integration User", false));
    assert!(managed.is_empty(), "{managed:#?}");
    let custom = findings(profile("Acme Analytics Integration", true));
    assert!(
        custom
            .iter()
            .any(|f| f.starts_with("IG302") && f.contains("Acme Analytics Integration")),
        "{custom:#?}"
    );
}

/// Salesforce usernames are case-insensitive and the org holds the real
/// spelling: a user the config (or a Mule app) writes in other letters is
/// joined with the org's user and shown as the org spells it.
#[test]
fn an_identity_joined_with_the_org_takes_the_orgs_spelling() {
    let mut inv = inventory();
    inv.org
        .as_mut()
        .unwrap()
        .users
        .push(user(6, "int.orders@acme.example", 1, 10));
    inv.identity_hints.push(intguard_model::IdentityHint {
        username: "INT.Orders@Acme.example".into(),
        ..Default::default()
    });
    inv.build_identities();
    let joined: Vec<_> = inv
        .identities
        .iter()
        .filter(|i| {
            i.username
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case("int.orders@acme.example"))
        })
        .collect();
    assert_eq!(joined.len(), 1, "one identity: {joined:?}");
    assert_eq!(
        joined[0].username.as_deref(),
        Some("int.orders@acme.example")
    );
    assert_eq!(joined[0].name, "int.orders@acme.example");
}
