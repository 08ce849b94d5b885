//! Salesforce metadata: SFDX and Metadata API projects, URL-decoded names,
//! decomposed permission sets, groups with muting, connected apps, the
//! External Client App family, settings, policies, user definitions, bad
//! files and a generated 2 MB profile.

use crate::common;

use std::fmt::Write as _;
use std::fs;

use common::{fixture, lc, pos, read, rel_to};
use intguard_model::{Inventory, MetadataFormat, SalesforceMetadata};
use intguard_readers::{read_paths, ReadOptions};

const SFDX: &str = "salesforce/sfdx";
const D: &str = "force-app/main/default";

fn sfdx() -> Inventory {
    read(SFDX)
}

fn md(inv: &Inventory) -> &SalesforceMetadata {
    &inv.salesforce
}

fn f(rel: &str) -> String {
    format!("{SFDX}/{D}/{rel}")
}

#[test]
fn sfdx_project_and_package_directories() {
    let inv = sfdx();
    let p = &md(&inv).projects;
    assert_eq!(p.len(), 1, "manifest/package.xml is not a project: {p:?}");
    assert_eq!(p[0].format, MetadataFormat::Sfdx);
    let dirs: Vec<_> = p[0]
        .package_directories
        .iter()
        .map(|d| rel_to(SFDX, d))
        .collect();
    assert_eq!(dirs, ["force-app", "extra"]);
}

#[test]
fn profiles_with_decoded_names_labels_and_positions() {
    let inv = sfdx();
    let m = md(&inv);
    let names: Vec<_> = m.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Truncated",
            "Admin",
            "Minimum Access - API Only Integrations",
            "System Admin(Without Super Access)"
        ]
    );
    let admin = m.profile("System Administrator").expect("label lookup");
    assert_eq!(admin.name, "Admin");
    assert_eq!(admin.label.as_deref(), Some("System Administrator"));
    assert_eq!(admin.custom, Some(false));
    assert_eq!(admin.user_license.as_ref().unwrap().value, "Salesforce");
    // Only enabled permissions are kept.
    let perms: Vec<_> = admin
        .user_permissions
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(perms, ["ApiEnabled", "ModifyAllData"]);
    let rel = f("profiles/Admin.profile-meta.xml");
    let mad = admin.permission("ModifyAllData").unwrap();
    // The <userPermissions> element holding <name>ModifyAllData</name>.
    let (name_line, _) = pos(&rel, "<name>ModifyAllData</name>");
    assert_eq!(lc(&mad.location), (name_line - 2, 5));
    assert!(mad
        .location
        .path
        .ends_with("profiles/Admin.profile-meta.xml"));
    let acc = &admin.object_permissions[0];
    assert_eq!(acc.object, "Account");
    assert!(acc.read && acc.create && acc.edit && acc.delete && acc.view_all && acc.modify_all);
    assert_eq!(lc(&acc.location), pos(&rel, "<objectPermissions>"));

    let encoded = m.profile("System Admin(Without Super Access)").unwrap();
    assert_eq!(encoded.label, None);
    assert_eq!(encoded.custom, Some(true));
    assert_eq!(encoded.login_ip_ranges.len(), 1);
    let r = &encoded.login_ip_ranges[0];
    assert_eq!(
        (r.start.as_str(), r.end.as_str(), r.description.as_deref()),
        ("203.0.113.0", "203.0.113.255", Some("Office"))
    );
    assert_eq!(r.ipv4_size(), Some(256));

    let int = m.profile("Minimum Access - API Only Integrations").unwrap();
    assert!(int.is_integration_license());
    assert!(int.has_permission("ApiUserOnly"));
}

#[test]
fn permission_sets_plain_and_decomposed() {
    let inv = sfdx();
    let m = md(&inv);
    let orders = m.permission_set("Orders API").expect("by label");
    assert_eq!(orders.name, "Orders_API");
    assert!(!orders.decomposed);
    assert_eq!(
        orders.license.as_ref().unwrap().value,
        "Salesforce API Integration"
    );
    assert_eq!(orders.object_permissions[0].object, "Order");

    let big = m.permission_set("Big_Decomposed").unwrap();
    assert!(big.decomposed);
    assert_eq!(big.files.len(), 3);
    assert_eq!(big.label.as_deref(), Some("Big Decomposed"));
    assert_eq!(big.description.as_deref(), Some("Decomposed"));
    assert!(big
        .location
        .path
        .ends_with("Big_Decomposed/Big_Decomposed.permissionset-meta.xml"));
    let perms: Vec<_> = big
        .user_permissions
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(perms, ["ExportReport", "ViewAllData"]);
    // objectSettings entries without <object> take the file's object.
    let acc = &big.object_permissions[0];
    assert_eq!(acc.object, "Account");
    assert!(acc.read && acc.view_all && !acc.edit);
    assert!(acc
        .location
        .path
        .ends_with("objectSettings/Account.objectSettings-meta.xml"));
}

#[test]
fn groups_and_muting() {
    let inv = sfdx();
    let m = md(&inv);
    let g = m.permission_set_group("Integration Group").unwrap();
    let sets: Vec<_> = g.permission_sets.iter().map(|s| s.value.as_str()).collect();
    assert_eq!(sets, ["Orders_API", "Big_Decomposed"]);
    assert_eq!(
        g.muting_permission_sets[0].value,
        "Integration_Group_Muting"
    );
    assert_eq!(g.status.as_deref(), Some("Updated"));
    let rel = f("permissionsetgroups/Integration_Group.permissionsetgroup-meta.xml");
    assert_eq!(
        lc(&g.permission_sets[1].location),
        pos(&rel, "<permissionSets>Big")
    );
    let muting = m.muting_permission_set("Integration_Group_Muting").unwrap();
    assert_eq!(muting.user_permissions[0].name, "ExportReport");
    assert!(muting.object_permissions[0].view_all);
    assert!(!muting.object_permissions[0].read);
}

#[test]
fn connected_app() {
    let inv = sfdx();
    let m = md(&inv);
    let app = m.connected_app("Orders Integration").unwrap();
    assert_eq!(app.name, "Orders_Integration");
    assert_eq!(app.contact_email.as_deref(), Some("integration@acme.com"));
    let o = app.oauth.as_ref().unwrap();
    let scopes: Vec<_> = o.scopes.iter().map(|s| s.value.as_str()).collect();
    assert_eq!(scopes, ["Api", "Full", "RefreshToken"]);
    assert!(o.has_scope("full"));
    let rel = f("connectedApps/Orders_Integration.connectedApp-meta.xml");
    assert_eq!(lc(&o.scopes[1].location), pos(&rel, "<scopes>Full"));
    assert!(app.is_admin_approved());
    assert!(app.client_credentials_enabled());
    assert!(!app.has_certificate());
    assert_eq!(
        o.client_credential_user.as_ref().unwrap().value,
        "int.orders@acme.com"
    );
    assert_eq!(o.ip_relaxation.as_ref().unwrap().value, "BYPASS");
    assert_eq!(
        lc(&o.ip_relaxation.as_ref().unwrap().location),
        pos(&rel, "<ipRelaxation>")
    );
    assert_eq!(o.refresh_token_policy.as_ref().unwrap().value, "infinite");
    assert_eq!(
        o.flag("isConsumerSecretOptional").map(|f| f.value),
        Some(false)
    );
    assert_eq!(app.profile_names[0].value, "System Administrator");
    assert_eq!(app.permission_set_names[0].value, "Orders_API");
    assert_eq!(app.ip_ranges[0].ipv4_size(), Some(1 << 32));
}

#[test]
fn external_client_app_family_is_merged() {
    let inv = sfdx();
    let m = md(&inv);
    assert_eq!(m.external_client_apps.len(), 1);
    let eca = &m.external_client_apps[0];
    assert_eq!(eca.name, "Invoices");
    assert_eq!(eca.files.len(), 5);
    assert_eq!(eca.distribution_state.as_deref(), Some("Local"));
    let s = eca.oauth_settings.as_ref().unwrap();
    let scopes: Vec<_> = s.scopes.iter().map(|s| s.value.as_str()).collect();
    assert_eq!(scopes, ["Api", "RefreshToken", "OpenID"]);
    assert_eq!(s.trusted_ip_ranges[0].ipv4_size(), Some(11));
    let g = eca.global_oauth.as_ref().unwrap();
    assert!(eca.has_certificate());
    assert!(g.has_consumer_secret());
    let rel = f("extlClntAppGlobalOauthSets/Invoices_glbloauth.ecaGlblOauth-meta.xml");
    assert_eq!(
        lc(g.consumer_secret.as_ref().unwrap()),
        pos(&rel, "<consumerSecret>")
    );
    // The secret value is kept nowhere in the metadata model, but the text
    // scan knows it (so outputs mask it); metadata booleans named after
    // secrets (`isConsumerSecretOptional`) are not secrets.
    let json = serde_json_string(&inv);
    assert!(!json.contains("FIXTURESECRETVALUE"));
    let secrets = inv.known_secrets();
    assert!(secrets.iter().any(|s| s == "FIXTURESECRETVALUE0123456789"));
    assert!(!secrets.iter().any(|s| s == "false" || s == "true"));
    assert_eq!(g.flag("isPkceRequired").map(|f| f.value), Some(true));
    assert_eq!(
        g.flag("shouldRotateConsumerKey").map(|f| f.value),
        Some(false)
    );
    let p = eca.oauth_policies.as_ref().unwrap();
    assert!(eca.is_admin_approved());
    assert_eq!(
        p.ip_relaxation_policy_type.as_ref().unwrap().value,
        "Enforce"
    );
    let profiles: Vec<_> = p.profiles.iter().map(|s| s.value.as_str()).collect();
    assert_eq!(profiles, ["Standard User", "Acme Integration"]);
    assert_eq!(p.permission_sets[0].value, "Invoices_API");
    assert_eq!(
        p.refresh_token_policy_type.as_ref().unwrap().value,
        "SpecificLifetime"
    );
    assert!(!eca.client_credentials_enabled());
    assert_eq!(
        eca.policies
            .as_ref()
            .unwrap()
            .is_enabled
            .as_ref()
            .map(|v| v.value),
        Some(true)
    );
}

fn serde_json_string(inv: &Inventory) -> String {
    // The model is Serialize; a debug dump is enough to look for a value.
    format!("{:?}", inv.salesforce)
}

#[test]
fn settings_and_profile_policies() {
    let inv = sfdx();
    let m = md(&inv);
    assert_eq!(m.security_settings.len(), 1, "Account.settings is not read");
    let sec = &m.security_settings[0];
    let pw = sec.password_policies.as_ref().unwrap();
    assert_eq!(pw.expiration.as_ref().unwrap().value, "OneYear");
    assert_eq!(pw.complexity.as_ref().unwrap().value, "AlphaNumeric");
    assert_eq!(pw.minimum_password_length.as_ref().unwrap().value, "8");
    let rel = f("settings/Security.settings-meta.xml");
    assert_eq!(
        lc(&pw.expiration.as_ref().unwrap().location),
        pos(&rel, "<expiration>")
    );
    let ss = sec.session_settings.as_ref().unwrap();
    assert_eq!(
        ss.lock_sessions_to_ip.as_ref().map(|v| v.value),
        Some(false)
    );
    assert_eq!(
        ss.enforce_ip_ranges_every_request.as_ref().map(|v| v.value),
        Some(false)
    );
    assert_eq!(ss.session_timeout.as_ref().unwrap().value, "TwoHours");
    assert_eq!(sec.network_access_ip_ranges[0].start, "192.0.2.0");

    assert_eq!(
        m.connected_app_settings[0]
            .enable_admin_approved_apps_only
            .as_ref()
            .map(|v| v.value),
        Some(true)
    );
    let oidc = &m.oauth_oidc_settings[0];
    assert_eq!(
        oidc.block_oauth_un_pw_flow.as_ref().map(|v| v.value),
        Some(false)
    );
    // `maybe` is not a boolean: reported, not kept.
    assert!(oidc.is_pkce_required.is_none());
    assert!(inv
        .diagnostics
        .iter()
        .any(|d| d.code == "metadata-value" && d.path.ends_with("OauthOidc.settings-meta.xml")));

    let pp = m.profile_password_policy("Acme Integration").unwrap();
    assert_eq!(pp.password_expiration.as_ref().map(|v| v.value), Some(0));
    assert_eq!(pp.max_login_attempts.as_ref().map(|v| v.value), Some(0));
    let ps = m.profile_session_setting("Acme Integration").unwrap();
    assert_eq!(ps.session_timeout.as_ref().map(|v| v.value), Some(120));
}

#[test]
fn user_definitions() {
    let inv = sfdx();
    let m = md(&inv);
    assert_eq!(m.user_definitions.len(), 1, "{:?}", m.user_definitions);
    let u = &m.user_definitions[0];
    assert_eq!(u.username, "int.orders@acme.com");
    assert_eq!(u.profile_name.as_deref(), Some("System Administrator"));
    assert_eq!(u.permsets, ["Orders_API", "Integration_Group"]);
    let rel = format!("{SFDX}/config/int-orders-user-def.json");
    assert_eq!(lc(&u.location), pos(&rel, "\"Username\""));
    assert_eq!(
        lc(u.profile_location.as_ref().unwrap()),
        pos(&rel, "\"profileName\"")
    );
    assert_eq!(
        lc(u.permsets_location.as_ref().unwrap()),
        pos(&rel, "\"permsets\"")
    );
}

#[test]
fn bad_files_become_diagnostics() {
    let inv = sfdx();
    let trunc = inv
        .diagnostics
        .iter()
        .find(|d| d.path.ends_with("Truncated.profile-meta.xml"))
        .expect("truncated profile diagnostic");
    assert_eq!(trunc.code, "xml-syntax");
    // What was read before the break is kept.
    let t = md(&inv).profile("Truncated").unwrap();
    assert!(t.has_permission("ManageUsers"));
    let wrong = inv
        .diagnostics
        .iter()
        .find(|d| d.path.ends_with("WrongRoot.profile-meta.xml"))
        .expect("wrong root diagnostic");
    assert_eq!(wrong.code, "metadata-root");
    assert!(md(&inv).profile("WrongRoot").is_none());
}

#[test]
fn metadata_api_format() {
    let inv = read("salesforce/mdapi");
    let m = md(&inv);
    assert_eq!(m.projects.len(), 1);
    assert_eq!(m.projects[0].format, MetadataFormat::MetadataApi);
    let names: Vec<_> = m.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["E&C TANC", "Standard"]);
    let std_profile = m.profile("Standard User").unwrap();
    assert_eq!(std_profile.label.as_deref(), Some("Standard User"));
    assert!(m.profile("E&C TANC").unwrap().is_integration_license());
    let app = m.connected_app("Legacy_Sync").unwrap();
    assert!(app.has_certificate());
    let cert = &app
        .oauth
        .as_ref()
        .unwrap()
        .certificate
        .as_ref()
        .unwrap()
        .value;
    assert!(cert.starts_with("-----BEGIN CERTIFICATE-----\nMIIB"));
    assert!(!app.is_admin_approved());
    assert_eq!(
        m.security_settings[0]
            .password_policies
            .as_ref()
            .unwrap()
            .expiration
            .as_ref()
            .unwrap()
            .value,
        "Never"
    );
    assert!(m.permission_sets[0].is_salesforce_managed());
}

#[test]
fn metadata_api_files_need_a_package_xml() {
    let inv = read("salesforce/loose");
    assert!(inv.salesforce.profiles.is_empty());
    assert!(inv.salesforce.is_empty());
}

#[test]
fn both_formats_in_one_scan() {
    let inv = read_paths(&[fixture("salesforce")], &ReadOptions::default());
    let m = md(&inv);
    assert_eq!(m.projects.len(), 2);
    assert!(m.profile("E&C TANC").is_some());
    assert!(m.profile("Admin").is_some());
    assert_eq!(m.connected_apps.len(), 2);
}

/// An SFDX project with nothing in it yet, and its profiles folder.
fn empty_sfdx_project() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("sfdx-project.json"),
        r#"{"packageDirectories":[{"path":"force-app"}]}"#,
    )
    .unwrap();
    let profiles = dir.path().join("force-app/main/default/profiles");
    fs::create_dir_all(&profiles).unwrap();
    (dir, profiles)
}

/// A generated profile of about 2 MB (thousands of field permissions, a few
/// hundred object permissions): read in one streaming pass, with exact
/// positions at the end of the file.
#[test]
fn two_megabyte_profile() {
    let (dir, profiles) = empty_sfdx_project();
    let root = dir.path();
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <custom>true</custom>\n",
    );
    let mut i: usize = 0;
    while x.len() < 2 * 1024 * 1024 {
        write!(
            x,
            "    <fieldPermissions>\n        <editable>true</editable>\n        <field>Obj{}__c.Field{}__c</field>\n        <readable>true</readable>\n    </fieldPermissions>\n",
            i % 300,
            i
        )
        .unwrap();
        if i % 40 == 0 {
            write!(
                x,
                "    <objectPermissions>\n        <allowCreate>false</allowCreate>\n        <allowDelete>false</allowDelete>\n        <allowEdit>true</allowEdit>\n        <allowRead>true</allowRead>\n        <modifyAllRecords>false</modifyAllRecords>\n        <object>Obj{i}__c</object>\n        <viewAllRecords>false</viewAllRecords>\n    </objectPermissions>\n"
            )
            .unwrap();
        }
        i += 1;
    }
    x.push_str("    <userLicense>Salesforce Integration</userLicense>\n");
    let before_perm = x.lines().count() as u32;
    x.push_str("    <userPermissions>\n        <enabled>true</enabled>\n        <name>ViewAllData</name>\n    </userPermissions>\n</Profile>\n");
    fs::write(
        profiles.join("Big%20Org%20Integration.profile-meta.xml"),
        &x,
    )
    .unwrap();

    let inv = read_paths(&[root.to_path_buf()], &ReadOptions::default());
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let p = inv.salesforce.profile("Big Org Integration").unwrap();
    assert!(p.is_integration_license());
    assert_eq!(p.object_permissions.len(), i.div_ceil(40));
    assert_eq!(p.user_permissions.len(), 1);
    assert_eq!(lc(&p.user_permissions[0].location), (before_perm + 1, 5));
    assert!(x.len() >= 2 * 1024 * 1024);
    // Speed is measured by bench/run.sh, not here.
}

/// The same kind of profile minified onto one line (as some tools write
/// metadata): found by fuzzing, each position was counted from the start of
/// the line, so a megabyte on one line took minutes. Every element is read,
/// with its column on that line.
#[test]
fn minified_profile_on_one_line() {
    let (dir, profiles) = empty_sfdx_project();
    let root = dir.path();
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\"><custom>true</custom>",
    );
    let mut objects = 0;
    while x.len() < 1024 * 1024 {
        write!(
            x,
            "<objectPermissions><allowEdit>true</allowEdit><allowRead>true</allowRead><object>Obj{objects}__c</object></objectPermissions>"
        )
        .unwrap();
        objects += 1;
    }
    x.push_str("<userLicense>Salesforce Integration</userLicense>");
    let line = x.lines().nth(1).unwrap();
    let column = line.chars().count() as u32 + 1;
    x.push_str("<userPermissions><enabled>true</enabled><name>ViewAllData</name></userPermissions></Profile>");
    fs::write(profiles.join("Min.profile-meta.xml"), &x).unwrap();

    let inv = read_paths(&[root.to_path_buf()], &ReadOptions::default());
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let p = inv.salesforce.profile("Min").unwrap();
    assert_eq!(p.object_permissions.len(), objects);
    assert_eq!(lc(&p.user_permissions[0].location), (2, column));
}

/// The same profile and permission set in two package directories of one
/// project: the first (in path order) is read, the other copy is ignored
/// with a warning at its root element naming the file that is read.
#[test]
fn duplicates_across_package_directories_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("sfdx-project.json"),
        r#"{"packageDirectories":[{"path":"force-app"},{"path":"other-pkg"}]}"#,
    )
    .unwrap();
    let profile = |license: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <custom>true</custom>\n    <userLicense>{license}</userLicense>\n</Profile>\n"
        )
    };
    let set = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Orders API</label>\n</PermissionSet>\n";
    for (pkg, license) in [
        ("force-app", "Salesforce Integration"),
        ("other-pkg", "Salesforce"),
    ] {
        let d = root.join(pkg).join("main/default");
        fs::create_dir_all(d.join("profiles")).unwrap();
        fs::write(d.join("profiles/Int.profile-meta.xml"), profile(license)).unwrap();
    }
    // Plain in one package directory, decomposed in the other.
    let plain = root.join("force-app/main/default/permissionsets");
    fs::create_dir_all(&plain).unwrap();
    fs::write(plain.join("Orders_API.permissionset-meta.xml"), set).unwrap();
    let decomposed = root.join("other-pkg/main/default/permissionsets/Orders_API");
    fs::create_dir_all(&decomposed).unwrap();
    fs::write(decomposed.join("Orders_API.permissionset-meta.xml"), set).unwrap();

    let inv = read_paths(&[root.to_path_buf()], &ReadOptions::default());
    let shown = |rel: &str| root.join(rel).to_string_lossy().replace('\\', "/");
    let kept_profile = shown("force-app/main/default/profiles/Int.profile-meta.xml");
    let kept_set = shown("force-app/main/default/permissionsets/Orders_API.permissionset-meta.xml");

    let m = md(&inv);
    assert_eq!(m.profiles.len(), 1, "{:?}", m.profiles);
    assert_eq!(m.profiles[0].location.path, kept_profile);
    assert!(m.profiles[0].is_integration_license());
    assert_eq!(m.permission_sets.len(), 1);
    assert_eq!(m.permission_sets[0].location.path, kept_set);
    assert!(!m.permission_sets[0].decomposed);

    let found: Vec<_> = inv
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code,
                d.path.as_str(),
                d.line,
                d.column,
                d.message.as_str(),
            )
        })
        .collect();
    let ignored_profile = shown("other-pkg/main/default/profiles/Int.profile-meta.xml");
    let ignored_set =
        shown("other-pkg/main/default/permissionsets/Orders_API/Orders_API.permissionset-meta.xml");
    let profile_message = format!(
        "profile `Int` is defined more than once in this project: this file is ignored, {kept_profile} is read"
    );
    let set_message = format!(
        "permission set `Orders_API` is defined more than once in this project: this file is ignored, {kept_set} is read"
    );
    assert_eq!(
        found,
        [
            (
                "metadata-duplicate",
                ignored_set.as_str(),
                Some(3),
                Some(1),
                set_message.as_str()
            ),
            (
                "metadata-duplicate",
                ignored_profile.as_str(),
                Some(2),
                Some(1),
                profile_message.as_str()
            ),
        ]
    );
}

/// A stale copy of a profile and of a permission set outside the package
/// directories of sfdx-project.json (an old export kept in `aa-old/`, read
/// first in path order) is not what `sf project deploy` sends: the copies
/// in the package directory are read, and the stale ones are reported as
/// duplicates saying they are outside the package directories. The stale
/// copies grant less, so judging them would hide ModifyAllData.
#[test]
fn copies_in_package_directories_win_over_copies_outside_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("sfdx-project.json"),
        r#"{"packageDirectories":[{"path":"force-app","default":true}]}"#,
    )
    .unwrap();
    let profile = |permission: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <custom>true</custom>\n    <userLicense>Salesforce Integration</userLicense>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>{permission}</name>\n    </userPermissions>\n</Profile>\n"
        )
    };
    let set = |permission: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>Sync</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>{permission}</name>\n    </userPermissions>\n</PermissionSet>\n"
        )
    };
    for (folder, permission) in [
        ("aa-old", "ApiEnabled"),
        ("force-app/main/default", "ModifyAllData"),
    ] {
        let d = root.join(folder);
        fs::create_dir_all(d.join("profiles")).unwrap();
        fs::create_dir_all(d.join("permissionsets")).unwrap();
        fs::write(d.join("profiles/Int.profile-meta.xml"), profile(permission)).unwrap();
        fs::write(
            d.join("permissionsets/Sync.permissionset-meta.xml"),
            set(permission),
        )
        .unwrap();
    }

    let inv = read_paths(&[root.to_path_buf()], &ReadOptions::default());
    let shown = |rel: &str| root.join(rel).to_string_lossy().replace('\\', "/");
    let m = md(&inv);
    assert_eq!(m.profiles.len(), 1, "{:?}", m.profiles);
    assert_eq!(
        m.profiles[0].location.path,
        shown("force-app/main/default/profiles/Int.profile-meta.xml")
    );
    let names =
        |p: &[intguard_model::NamedFlag]| p.iter().map(|u| u.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&m.profiles[0].user_permissions), ["ModifyAllData"]);
    assert_eq!(m.permission_sets.len(), 1, "{:?}", m.permission_sets);
    assert_eq!(
        m.permission_sets[0].location.path,
        shown("force-app/main/default/permissionsets/Sync.permissionset-meta.xml")
    );
    assert_eq!(
        names(&m.permission_sets[0].user_permissions),
        ["ModifyAllData"]
    );

    let mut found: Vec<(&str, &str)> = inv
        .diagnostics
        .iter()
        .map(|d| (d.code, d.path.as_str()))
        .collect();
    found.sort_unstable();
    let stale_profile = shown("aa-old/profiles/Int.profile-meta.xml");
    let stale_set = shown("aa-old/permissionsets/Sync.permissionset-meta.xml");
    let mut expected = [
        ("metadata-duplicate", stale_profile.as_str()),
        ("metadata-duplicate", stale_set.as_str()),
    ];
    expected.sort_unstable();
    assert_eq!(found, expected);
    assert!(inv.diagnostics.iter().all(|d| d
        .message
        .contains("outside the package directories of sfdx-project.json")));
}

/// `.forceignore` is not honoured (README, "Salesforce metadata"): a
/// profile it keeps out of `sf` deployments is still the org's profile as
/// last retrieved, and is read.
#[test]
fn forceignore_does_not_hide_metadata() {
    let (dir, profiles) = empty_sfdx_project();
    fs::write(
        dir.path().join(".forceignore"),
        "**/profiles/**\n**/jsconfig.json\n",
    )
    .unwrap();
    fs::write(
        profiles.join("Int.profile-meta.xml"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <custom>true</custom>\n    <userLicense>Salesforce Integration</userLicense>\n</Profile>\n",
    )
    .unwrap();
    let inv = read_paths(&[dir.path().to_path_buf()], &ReadOptions::default());
    let names: Vec<&str> = md(&inv).profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Int"]);
}

/// Metadata API files (`src/profiles/X.profile`, no `.xml` extension) are
/// structured like XML ones: a profile saved in Windows-1252 gets a
/// `not-utf8` warning at its first invalid byte, and a permission set with
/// binary content a `binary` one; both were read (or skipped) silently,
/// hiding an integration profile from every rule.
#[test]
fn metadata_api_files_report_decoding_problems() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    fs::create_dir_all(src.join("profiles")).unwrap();
    fs::create_dir_all(src.join("permissionsets")).unwrap();
    fs::write(
        src.join("package.xml"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Package xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <version>62.0</version>\n</Package>\n",
    )
    .unwrap();
    fs::write(
        src.join("profiles/Int.profile"),
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <description>Int\xe9gration</description>\n    <userLicense>Salesforce Integration</userLicense>\n</Profile>\n",
    )
    .unwrap();
    fs::write(
        src.join("permissionsets/Sync.permissionset"),
        b"<?xml version=\"1.0\"?>\n<PermissionSet\0\0\0\0",
    )
    .unwrap();
    let inv = read_paths(&[dir.path().to_path_buf()], &ReadOptions::default());
    let shown = |rel: &str| dir.path().join(rel).to_string_lossy().replace('\\', "/");
    let mut found: Vec<(&str, String, Option<u32>, Option<u32>)> = inv
        .diagnostics
        .iter()
        .map(|d| (d.code, d.path.to_string(), d.line, d.column))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            (
                "binary",
                shown("src/permissionsets/Sync.permissionset"),
                None,
                None
            ),
            (
                "not-utf8",
                shown("src/profiles/Int.profile"),
                Some(3),
                Some(21)
            ),
        ]
    );
    // Read as well as possible: still the integration profile it is.
    let p = &md(&inv).profiles;
    assert_eq!(p.len(), 1);
    assert!(p[0].is_integration_license());
}

/// `<enabled>yes</enabled>` in a `<userPermissions>`: no xsd:boolean, so
/// Salesforce refuses the file on deploy. It was taken as disabled without
/// a word; it is a `metadata-value` warning at the `<enabled>` element,
/// naming the permission, and the permission is still not counted.
#[test]
fn a_user_permission_enabled_by_no_boolean_is_reported() {
    let (dir, profiles) = empty_sfdx_project();
    let file = profiles.join("Int.profile-meta.xml");
    fs::write(
        &file,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <userLicense>Salesforce Integration</userLicense>\n    <userPermissions>\n        <enabled>yes</enabled>\n        <name>ModifyAllData</name>\n    </userPermissions>\n    <userPermissions>\n        <enabled>false</enabled>\n        <name>ViewAllData</name>\n    </userPermissions>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEnabled</name>\n    </userPermissions>\n</Profile>\n",
    )
    .unwrap();
    let inv = read_paths(&[dir.path().to_path_buf()], &ReadOptions::default());
    let found: Vec<_> = inv
        .diagnostics
        .iter()
        .map(|d| (d.code, d.line, d.column, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [(
            "metadata-value",
            Some(5),
            Some(9),
            "<enabled> of <userPermissions> ModifyAllData is `yes`, not true or false: Salesforce rejects the file on deploy; not counted as granted"
        )]
    );
    assert_eq!(
        inv.diagnostics[0].path.as_str(),
        file.to_string_lossy().replace('\\', "/")
    );
    let names: Vec<&str> = md(&inv).profiles[0]
        .user_permissions
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["ApiEnabled"]);
}

/// A login IP range Salesforce rejects on deploy (an end that is no IPv4
/// address, a start after the end) is reported at its element, saying why,
/// and kept as written; a valid one beside it is not reported.
#[test]
fn invalid_login_ip_ranges_are_reported() {
    let (dir, profiles) = empty_sfdx_project();
    let text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <custom>true</custom>\n    <loginIpRanges>\n        <endAddress>10.0.0.310</endAddress>\n        <startAddress>10.0.0.300</startAddress>\n    </loginIpRanges>\n    <loginIpRanges><startAddress>203.0.113.31</startAddress><endAddress>203.0.113.0</endAddress></loginIpRanges>\n    <loginIpRanges>\n        <endAddress>198.51.100.15</endAddress>\n        <startAddress>198.51.100.0</startAddress>\n    </loginIpRanges>\n</Profile>\n";
    let file = profiles.join("Int.profile-meta.xml");
    fs::write(&file, text).unwrap();

    let inv = read_paths(&[dir.path().to_path_buf()], &ReadOptions::default());
    let shown = file.to_string_lossy().replace('\\', "/");
    let found: Vec<_> = inv
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code,
                d.path.as_str(),
                d.line,
                d.column,
                d.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "metadata-value",
                shown.as_str(),
                Some(4),
                Some(5),
                "invalid <loginIpRanges>: start address `10.0.0.300` is not an IP address; Salesforce rejects the range on deploy, so it is not counted as one"
            ),
            (
                "metadata-value",
                shown.as_str(),
                Some(8),
                Some(5),
                "invalid <loginIpRanges>: start address `203.0.113.31` comes after end address `203.0.113.0`; Salesforce rejects the range on deploy, so it is not counted as one"
            ),
        ]
    );
    let p = md(&inv).profile("Int").unwrap();
    let valid: Vec<_> = p.login_ip_ranges.iter().map(|r| r.is_valid()).collect();
    assert_eq!(valid, [false, false, true]);
}

/// Found by testing as a user would: two user definition files of one
/// username were read without a word; the user took the first file's
/// profile and both files' permission sets. The second is now a warning,
/// which names the conflicting profiles when they differ.
#[test]
fn a_username_defined_twice_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("sfdx-project.json"),
        r#"{"packageDirectories":[{"path":"force-app"}]}"#,
    )
    .unwrap();
    fs::create_dir_all(root.join("config")).unwrap();
    let def = |profile: &str| {
        format!(
            "{{\n  \"Username\": \"int.orders@acme.com\",\n  \"LastName\": \"Orders\",\n  \"profileName\": \"{profile}\"\n}}\n"
        )
    };
    fs::write(
        root.join("config/a-orders-user-def.json"),
        def("Minimum Access - API Only Integrations"),
    )
    .unwrap();
    fs::write(
        root.join("config/b-orders-user-def.json"),
        def("System Administrator"),
    )
    .unwrap();
    fs::write(
        root.join("config/c-orders-user-def.json"),
        def("Minimum Access - API Only Integrations"),
    )
    .unwrap();
    let inv = read_paths(&[root.to_path_buf()], &ReadOptions::default());
    let shown = |rel: &str| root.join(rel).to_string_lossy().replace('\\', "/");
    let found: Vec<_> = inv
        .diagnostics
        .iter()
        .filter(|d| d.code == "metadata-duplicate")
        .map(|d| (d.path.clone(), d.line, d.column, d.message.clone()))
        .collect();
    let first = shown("config/a-orders-user-def.json");
    assert_eq!(
        found,
        [
            (
                shown("config/b-orders-user-def.json"),
                Some(2),
                Some(3),
                format!("user `int.orders@acme.com` is defined again here (first at {first}:2): one username is one user of an org; it gives profile System Administrator, the first profile Minimum Access - API Only Integrations: intguard judges the user with the first, so say which one the org has by deleting the other file")
            ),
            (
                shown("config/c-orders-user-def.json"),
                Some(2),
                Some(3),
                format!("user `int.orders@acme.com` is defined again here (first at {first}:2): one username is one user of an org")
            ),
        ]
    );
}
