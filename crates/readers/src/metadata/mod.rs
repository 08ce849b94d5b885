//! Salesforce metadata: SFDX source format and Metadata API format projects,
//! and `sf org create user` definition files.
//!
//! - Projects: `sfdx-project.json` (every `packageDirectories[].path`) and
//!   Metadata API `package.xml` folders (a `package.xml` inside an SFDX
//!   project is a manifest, not a source folder).
//! - Files: SFDX `<Name>.<suffix>-meta.xml` files are recognized by their
//!   suffix wherever they are; Metadata API `<Name>.<suffix>` files in their
//!   type's folder under a `package.xml` folder. File names are URL-decoded
//!   (`System Admin%28Without Super Access%29` is `System Admin(Without Super
//!   Access)`).
//! - Decomposed permission sets (`permissionsets/X/X.permissionset-meta.xml`,
//!   `permissionsets/X/X.<part>-meta.xml`,
//!   `permissionsets/X/objectSettings/<Object>.objectSettings-meta.xml`) are
//!   merged into one permission set; External Client App families (`.eca`,
//!   `.ecaOauth`, `.ecaGlblOauth`, `.ecaOauthPlcy`, `.ecaPlcy`) into one app.
//! - Every file is streamed ([`xml`]); nothing keeps a whole file's tree.
//!
//! Diagnostic codes: `xml-syntax`, `json-syntax`, `metadata-root` (a file
//! whose root element is not its type's), `metadata-value` (a boolean or
//! number that is neither), `metadata-project` (a package directory that
//! does not exist).

pub(crate) mod types;
pub(crate) mod xml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use intguard_model::{
    profile_label, Diagnostic, ExternalClientApp, Location, MetadataFormat, MetadataProject,
    MutingPermissionSet, PermissionSet, Profile, SalesforceMetadata, UserDefinition,
};

use crate::discover::display_path;
use crate::position::LineIndex;
use types::{AccessFacts, EcaKind, EcaPart, SettingsFacts};

/// Decodes `%XX` escapes in a metadata file name (invalid escapes are kept
/// as written).
pub(crate) fn url_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A metadata type intguard reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Profile,
    PermissionSet,
    Muting,
    Group,
    ConnectedApp,
    Eca(EcaKind),
    Settings,
    PasswordPolicy,
    SessionSetting,
}

/// `(suffix, folder, type)`.
const TYPES: &[(&str, &str, Tag)] = &[
    ("profile", "profiles", Tag::Profile),
    ("permissionset", "permissionsets", Tag::PermissionSet),
    ("mutingpermissionset", "mutingpermissionsets", Tag::Muting),
    ("permissionsetgroup", "permissionsetgroups", Tag::Group),
    ("connectedApp", "connectedApps", Tag::ConnectedApp),
    ("eca", "externalClientApps", Tag::Eca(EcaKind::App)),
    (
        "ecaOauth",
        "extlClntAppOauthSettings",
        Tag::Eca(EcaKind::Oauth),
    ),
    (
        "ecaGlblOauth",
        "extlClntAppGlobalOauthSets",
        Tag::Eca(EcaKind::Global),
    ),
    (
        "ecaOauthPlcy",
        "extlClntAppOauthPolicies",
        Tag::Eca(EcaKind::OauthPolicies),
    ),
    (
        "ecaPlcy",
        "extlClntAppPolicies",
        Tag::Eca(EcaKind::Policies),
    ),
    ("settings", "settings", Tag::Settings),
    (
        "profilePasswordPolicy",
        "profilePasswordPolicies",
        Tag::PasswordPolicy,
    ),
    (
        "profileSessionSetting",
        "profileSessionSettings",
        Tag::SessionSetting,
    ),
];

fn expected_root(tag: Tag, name: &str) -> String {
    match tag {
        Tag::Profile => "Profile".into(),
        Tag::PermissionSet => "PermissionSet".into(),
        Tag::Muting => "MutingPermissionSet".into(),
        Tag::Group => "PermissionSetGroup".into(),
        Tag::ConnectedApp => "ConnectedApp".into(),
        Tag::Eca(EcaKind::App) => "ExternalClientApplication".into(),
        Tag::Eca(EcaKind::Oauth) => "ExtlClntAppOauthSettings".into(),
        Tag::Eca(EcaKind::Global) => "ExtlClntAppGlobalOauthSettings".into(),
        Tag::Eca(EcaKind::OauthPolicies) => "ExtlClntAppOauthConfigurablePolicies".into(),
        Tag::Eca(EcaKind::Policies) => "ExtlClntAppConfigurablePolicies".into(),
        Tag::Settings => format!("{name}Settings"),
        Tag::PasswordPolicy => "ProfilePasswordPolicy".into(),
        Tag::SessionSetting => "ProfileSessionSetting".into(),
    }
}

/// A metadata file recognized by its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Classified {
    kind: Kind,
    /// Decoded name (file name without suffix).
    name: String,
    /// The folder holding the type folders (package directory or `src`),
    /// display form; groups ECA families.
    package_root: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Type(Tag),
    /// A file of a decomposed permission set folder.
    PermissionSetPart {
        /// Decoded set name (the folder).
        set: String,
        /// The set's folder (display path): the merge key.
        folder: String,
        /// `objectSettings/<Object>.objectSettings-meta.xml`: the object.
        object: Option<String>,
        /// `X/X.permissionset-meta.xml`: the set's own fields.
        main: bool,
    },
}

fn name_of(p: &Path) -> Option<&str> {
    p.file_name().and_then(|n| n.to_str())
}

/// Whether the file at `path` may be metadata that grants object access
/// (profiles, permission sets whole or decomposed, permission set groups),
/// by its path alone: a name or folder that says `profile` or
/// `permissionset`, in any case. Wider than [`classify`] and far cheaper: it
/// is asked of every walked file before any is read.
pub(crate) fn may_grant_object_access(path: &Path) -> bool {
    use intguard_model::vocab::contains_ignore_ascii_case;
    path.components().any(|c| {
        let name = c.as_os_str().as_encoded_bytes();
        contains_ignore_ascii_case(name, b"profile")
            || contains_ignore_ascii_case(name, b"permissionset")
    })
}

/// Recognizes a metadata file. `mdapi_roots`: folders holding a Metadata API
/// `package.xml`.
pub(crate) fn classify(path: &Path, mdapi_roots: &[PathBuf]) -> Option<Classified> {
    let file = name_of(path)?;
    let (base, meta) = match file.strip_suffix("-meta.xml") {
        Some(b) => (b, true),
        None => (file, false),
    };
    let (stem, suffix) = base.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    let typed = TYPES
        .iter()
        .find(|(s, _, _)| s.eq_ignore_ascii_case(suffix));
    // Most files asked about (a Mule app's XML) are told apart by their name
    // alone, before their folders are looked at.
    if !meta && typed.is_none() {
        return None;
    }
    if path
        .components()
        .any(|c| matches!(c.as_os_str().as_encoded_bytes(), b".sfdx" | b".sf"))
    {
        return None;
    }
    let parent = path.parent()?;
    let parent_name = name_of(parent).unwrap_or("");
    let grand = parent.parent();
    let grand_name = grand.and_then(name_of).unwrap_or("");

    if meta {
        // Decomposed permission sets.
        if grand_name.eq_ignore_ascii_case("permissionsets")
            && !parent_name.eq_ignore_ascii_case("permissionsets")
        {
            let main = suffix.eq_ignore_ascii_case("permissionset") && stem == parent_name;
            return Some(Classified {
                kind: Kind::PermissionSetPart {
                    set: url_decode(parent_name),
                    folder: display_path(parent),
                    object: None,
                    main,
                },
                name: url_decode(parent_name),
                package_root: grand.and_then(Path::parent).map(display_path)?,
            });
        }
        if parent_name == "objectSettings" && suffix.eq_ignore_ascii_case("objectSettings") {
            let set_dir = grand?;
            let types_dir = set_dir.parent()?;
            if name_of(types_dir).is_some_and(|n| n.eq_ignore_ascii_case("permissionsets")) {
                return Some(Classified {
                    kind: Kind::PermissionSetPart {
                        set: url_decode(grand_name),
                        folder: display_path(set_dir),
                        object: Some(url_decode(stem)),
                        main: false,
                    },
                    name: url_decode(grand_name),
                    package_root: types_dir.parent().map(display_path)?,
                });
            }
            return None;
        }
    }
    let (_, folder, tag) = typed?;
    if !meta {
        // Metadata API: the type's folder right under a package.xml folder.
        if !parent_name.eq_ignore_ascii_case(folder) {
            return None;
        }
        if !grand.is_some_and(|g| mdapi_roots.iter().any(|r| r == g)) {
            return None;
        }
    }
    Some(Classified {
        kind: Kind::Type(*tag),
        name: url_decode(stem),
        package_root: grand.map(display_path).unwrap_or_default(),
    })
}

/// What one metadata file contributed.
#[allow(clippy::large_enum_variant)] // one per file, moved once
#[derive(Debug, Clone)]
pub(crate) enum Item {
    Profile(Profile),
    PermissionSetPart {
        set: String,
        /// Merge key: the file (plain) or the folder (decomposed).
        key: String,
        facts: AccessFacts,
        file: String,
        location: Location,
        main: bool,
        decomposed: bool,
    },
    Muting(MutingPermissionSet),
    Group(intguard_model::PermissionSetGroup),
    ConnectedApp(intguard_model::ConnectedApp),
    Eca {
        key: String,
        name: String,
        file: String,
        part: EcaPart,
    },
    Settings(SettingsFacts),
    PasswordPolicy(intguard_model::ProfilePasswordPolicy),
    SessionSetting(intguard_model::ProfileSessionSetting),
    UserDefinition(UserDefinition),
}

/// Reads a recognized metadata file.
pub(crate) fn read_file(
    c: &Classified,
    text: &str,
    display: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Item> {
    let tag = match &c.kind {
        Kind::PermissionSetPart {
            set,
            folder,
            object,
            main,
        } => {
            let parsed = types::read_access(text, display, object.as_deref());
            diagnostics.extend(parsed.diagnostics);
            parsed.root.as_ref()?;
            return Some(Item::PermissionSetPart {
                set: set.clone(),
                key: folder.clone(),
                facts: parsed.value,
                file: display.to_string(),
                location: parsed.root_location,
                main: *main,
                decomposed: true,
            });
        }
        Kind::Type(tag) => *tag,
    };
    let expected = expected_root(tag, &c.name);
    let check = |root: &Option<String>, diagnostics: &mut Vec<Diagnostic>| -> bool {
        match root {
            Some(r) if r == &expected => true,
            Some(r) => {
                diagnostics.push(
                    Diagnostic::warning(
                        "metadata-root",
                        display,
                        format!("root element <{r}> is not <{expected}>: not read as metadata"),
                    )
                    .at(1, 1),
                );
                false
            }
            None => false,
        }
    };
    macro_rules! take {
        ($parsed:expr) => {{
            let parsed = $parsed;
            diagnostics.extend(parsed.diagnostics);
            if !check(&parsed.root, diagnostics) {
                return None;
            }
            (parsed.value, parsed.root_location)
        }};
    }
    let name = c.name.clone();
    Some(match tag {
        Tag::Profile => {
            let (f, location) = take!(types::read_access(text, display, None));
            let label = profile_label(&name);
            Item::Profile(Profile {
                label: (label != name).then(|| label.to_string()),
                name,
                user_license: f.license,
                custom: f.custom,
                user_permissions: f.user_permissions,
                object_permissions: f.object_permissions,
                login_ip_ranges: f.login_ip_ranges,
                location,
            })
        }
        Tag::PermissionSet => {
            let (facts, location) = take!(types::read_access(text, display, None));
            Item::PermissionSetPart {
                set: name,
                key: display.to_string(),
                facts,
                file: display.to_string(),
                location,
                main: true,
                decomposed: false,
            }
        }
        Tag::Muting => {
            let (f, location) = take!(types::read_access(text, display, None));
            Item::Muting(MutingPermissionSet {
                name,
                label: f.label,
                user_permissions: f.user_permissions,
                object_permissions: f.object_permissions,
                location,
            })
        }
        Tag::Group => {
            let (g, _) = take!(types::read_group(text, display, &name));
            Item::Group(g)
        }
        Tag::ConnectedApp => {
            let (a, _) = take!(types::read_connected_app(text, display, &name));
            Item::ConnectedApp(a)
        }
        Tag::Eca(kind) => {
            let ((owner, part), _) = take!(types::read_eca(text, display, kind));
            let app = match kind {
                EcaKind::App => name,
                _ => owner.unwrap_or_else(|| eca_owner_from_file(&name)),
            };
            Item::Eca {
                key: format!("{}#{}", c.package_root, app.to_ascii_lowercase()),
                name: app,
                file: display.to_string(),
                part,
            }
        }
        Tag::Settings => {
            let parsed = types::read_settings(text, display, &name)?;
            let (s, _) = take!(parsed);
            Item::Settings(s)
        }
        Tag::PasswordPolicy => {
            let (p, _) = take!(types::read_password_policy(text, display, &name));
            Item::PasswordPolicy(p)
        }
        Tag::SessionSetting => {
            let (p, _) = take!(types::read_session_setting(text, display, &name));
            Item::SessionSetting(p)
        }
    })
}

/// `invoices_oauth` -> `invoices` (the names Salesforce gives family files).
fn eca_owner_from_file(stem: &str) -> String {
    const SUFFIXES: &[&str] = &["_glbloauth", "_oauthplcy", "_oauth", "_plcy"];
    let lower = stem.to_ascii_lowercase();
    for s in SUFFIXES {
        if lower.ends_with(s) && stem.len() > s.len() {
            return stem[..stem.len() - s.len()].to_string();
        }
    }
    stem.to_string()
}

// ---------------------------------------------------------------------------
// Projects.

/// The metadata projects of a scan and the Metadata API source folders.
#[derive(Debug, Default)]
pub(crate) struct Projects {
    pub projects: Vec<MetadataProject>,
    pub mdapi_roots: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Finds the projects from `sfdx-project.json` and `package.xml` files
/// (path, display path, content).
pub(crate) fn projects(
    sfdx: &[(PathBuf, String, String)],
    packages: &[(PathBuf, String, String)],
) -> Projects {
    let mut out = Projects::default();
    let sfdx_dirs: Vec<&Path> = sfdx.iter().filter_map(|(p, _, _)| p.parent()).collect();
    for (path, display, text) in sfdx {
        let dir = path.parent().unwrap_or(Path::new(""));
        let mut dirs = Vec::new();
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => {
                if let Some(list) = v.get("packageDirectories").and_then(|p| p.as_array()) {
                    for d in list {
                        let Some(p) = d.get("path").and_then(|p| p.as_str()) else {
                            continue;
                        };
                        let full = dir.join(p.trim_end_matches(['/', '\\']));
                        if !full.is_dir() {
                            out.diagnostics.push(Diagnostic::warning(
                                "metadata-project",
                                display.as_str(),
                                format!("package directory `{p}` does not exist"),
                            ));
                        }
                        dirs.push(display_path(&full));
                    }
                }
            }
            Err(e) => out.diagnostics.push(
                Diagnostic::warning(
                    "json-syntax",
                    display.as_str(),
                    format!("sfdx-project.json is not valid JSON: {e}"),
                )
                .at(
                    u32::try_from(e.line()).unwrap_or(0),
                    u32::try_from(e.column()).unwrap_or(0),
                ),
            ),
        }
        out.projects.push(MetadataProject {
            root: display_path(dir),
            format: MetadataFormat::Sfdx,
            descriptor: Location::file(display.as_str()),
            package_directories: dirs,
        });
    }
    for (path, display, text) in packages {
        let Some(dir) = path.parent() else {
            continue;
        };
        if !text.contains("<Package") {
            continue;
        }
        // A package.xml inside an SFDX project is a manifest.
        if sfdx_dirs.iter().any(|s| dir.starts_with(s)) {
            continue;
        }
        out.mdapi_roots.push(dir.to_path_buf());
        out.projects.push(MetadataProject {
            root: display_path(dir),
            format: MetadataFormat::MetadataApi,
            descriptor: Location::file(display.as_str()),
            package_directories: vec![display_path(dir)],
        });
    }
    out
}

// ---------------------------------------------------------------------------
// User definition files.

/// Cheap test before parsing a JSON file as a user definition.
pub(crate) fn may_be_user_definition(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"sername\"").is_some()
}

/// Reads an `sf org create user --definition-file` JSON file. `in_config`:
/// the file lies in a `config/` folder (where they usually are), so a file
/// with a username is one even without a profile or permission sets, and
/// syntax errors are reported.
pub(crate) fn read_user_definition(
    text: &str,
    display: &str,
    in_config: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<UserDefinition> {
    let v: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            if in_config {
                diagnostics.push(
                    Diagnostic::warning("json-syntax", display, format!("not valid JSON: {e}")).at(
                        u32::try_from(e.line()).unwrap_or(0),
                        u32::try_from(e.column()).unwrap_or(0),
                    ),
                );
            }
            return None;
        }
    };
    let obj = v.as_object()?;
    let key = |name: &str| obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(name));
    let (user_key, user) = key("username")?;
    let username = user.as_str()?.trim().to_string();
    if username.is_empty() {
        return None;
    }
    let profile = key("profileName");
    let permsets = key("permsets").or_else(|| key("permissionSets"));
    if !(in_config || profile.is_some() || permsets.is_some()) {
        return None;
    }
    let lines = LineIndex::new(text);
    let locate = |k: &str| -> Location {
        let needle = format!("\"{k}\"");
        match text.find(&needle) {
            Some(off) => {
                let (line, col) = lines.locate(text, off);
                Location::new(display, line, col)
            }
            None => Location::file(display),
        }
    };
    let permsets = match permsets.map(|(_, v)| v) {
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        Some(serde_json::Value::String(s)) => s
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        _ => Vec::new(),
    };
    Some(UserDefinition {
        username,
        profile_name: profile
            .and_then(|(_, v)| v.as_str())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        permsets,
        location: locate(user_key),
        profile_location: profile.map(|(k, _)| locate(k)),
    })
}

// ---------------------------------------------------------------------------
// Assembly.

/// Builds the metadata part of the inventory from every file's items, in
/// the walk's (sorted) order.
pub(crate) fn assemble(projects: Vec<MetadataProject>, items: Vec<Item>) -> SalesforceMetadata {
    let mut md = SalesforceMetadata {
        projects,
        ..SalesforceMetadata::default()
    };
    let mut sets: Vec<PermissionSet> = Vec::new();
    let mut set_index: HashMap<String, usize> = HashMap::new();
    let mut ecas: Vec<ExternalClientApp> = Vec::new();
    let mut eca_index: HashMap<String, usize> = HashMap::new();
    for item in items {
        match item {
            Item::Profile(p) => md.profiles.push(p),
            Item::PermissionSetPart {
                set,
                key,
                facts,
                file,
                location,
                main,
                decomposed,
            } => {
                let i = *set_index.entry(key).or_insert_with(|| {
                    sets.push(PermissionSet {
                        name: set.clone(),
                        label: None,
                        license: None,
                        description: None,
                        user_permissions: Vec::new(),
                        object_permissions: Vec::new(),
                        location: location.clone(),
                        decomposed,
                        files: Vec::new(),
                    });
                    sets.len() - 1
                });
                let ps = &mut sets[i];
                if main {
                    ps.location = location;
                    ps.label = facts.label.or(ps.label.take());
                    ps.license = facts.license.or(ps.license.take());
                    ps.description = facts.description.or(ps.description.take());
                }
                ps.files.push(file);
                ps.user_permissions.extend(facts.user_permissions);
                ps.object_permissions.extend(facts.object_permissions);
            }
            Item::Muting(m) => md.muting_permission_sets.push(m),
            Item::Group(g) => md.permission_set_groups.push(g),
            Item::ConnectedApp(a) => md.connected_apps.push(a),
            Item::Eca {
                key,
                name,
                file,
                part,
            } => {
                let i = *eca_index.entry(key).or_insert_with(|| {
                    ecas.push(ExternalClientApp {
                        name: name.clone(),
                        ..ExternalClientApp::default()
                    });
                    ecas.len() - 1
                });
                let app = &mut ecas[i];
                app.files.push(file);
                match part {
                    EcaPart::App {
                        label,
                        contact_email,
                        distribution_state,
                        location,
                    } => {
                        app.name = name;
                        app.label = label;
                        app.contact_email = contact_email;
                        app.distribution_state = distribution_state;
                        app.location = Some(location);
                    }
                    EcaPart::Oauth(o) => app.oauth_settings = Some(o),
                    EcaPart::Global(g) => app.global_oauth = Some(g),
                    EcaPart::OauthPolicies(p) => app.oauth_policies = Some(p),
                    EcaPart::Policies(p) => app.policies = Some(p),
                }
            }
            Item::Settings(SettingsFacts::Security(s)) => md.security_settings.push(s),
            Item::Settings(SettingsFacts::ConnectedApp(s)) => md.connected_app_settings.push(s),
            Item::Settings(SettingsFacts::OauthOidc(s)) => md.oauth_oidc_settings.push(s),
            Item::PasswordPolicy(p) => md.profile_password_policies.push(p),
            Item::SessionSetting(p) => md.profile_session_settings.push(p),
            Item::UserDefinition(u) => md.user_definitions.push(u),
        }
    }
    for ps in &mut sets {
        ps.user_permissions.sort_by(|a, b| a.name.cmp(&b.name));
        ps.user_permissions.dedup_by(|a, b| a.name == b.name);
    }
    md.permission_sets = sets;
    md.external_client_apps = ecas;
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_access_metadata_is_told_by_its_path() {
        for granting in [
            "force-app/main/default/profiles/Integration.profile-meta.xml",
            "src/profiles/Admin.profile",
            "force-app/main/default/permissionsets/Orders.permissionset-meta.xml",
            "force-app/main/default/permissionsets/Orders/objectSettings/Order.objectSettings-meta.xml",
            "src/permissionsetgroups/Integration.permissionsetgroup",
            "pkg/PROFILES/x.xml",
        ] {
            assert!(may_grant_object_access(Path::new(granting)), "{granting}");
        }
        for other in [
            "apps/orders-sapi/src/main/mule/orders.xml",
            "apps/orders-sapi/src/main/resources/config-prod.yaml",
            "force-app/main/default/classes/Orders.cls",
            "config/users/int-user.json",
        ] {
            assert!(!may_grant_object_access(Path::new(other)), "{other}");
        }
    }

    #[test]
    fn decodes_file_names() {
        assert_eq!(
            url_decode("System Admin%28Without Super Access%29"),
            "System Admin(Without Super Access)"
        );
        assert_eq!(url_decode("E%26C TANC"), "E&C TANC");
        assert_eq!(url_decode("100%"), "100%");
        assert_eq!(url_decode("a%2"), "a%2");
        assert_eq!(url_decode("%zz"), "%zz");
        assert_eq!(url_decode("caf%C3%A9"), "café");
    }

    #[test]
    fn classifies_paths() {
        let c = |p: &str| classify(Path::new(p), &[PathBuf::from("r/src")]);
        let k = c("r/force-app/main/default/profiles/Acme%20Integration.profile-meta.xml").unwrap();
        assert_eq!(k.kind, Kind::Type(Tag::Profile));
        assert_eq!(k.name, "Acme Integration");
        assert!(c("r/src/profiles/Admin.profile").is_some());
        // Metadata API files must be in their folder under a package.xml folder.
        assert!(c("r/other/profiles/Admin.profile").is_none());
        assert!(c("r/src/notprofiles/Admin.profile").is_none());
        let part = c("r/fa/permissionsets/Big/Big.permissionset-meta.xml").unwrap();
        assert!(matches!(
            part.kind,
            Kind::PermissionSetPart { main: true, .. }
        ));
        let part = c("r/fa/permissionsets/Big/Big.userPermissions-meta.xml").unwrap();
        assert!(matches!(
            part.kind,
            Kind::PermissionSetPart { main: false, .. }
        ));
        let obj =
            c("r/fa/permissionsets/Big/objectSettings/Account.objectSettings-meta.xml").unwrap();
        match obj.kind {
            Kind::PermissionSetPart { set, object, .. } => {
                assert_eq!(set, "Big");
                assert_eq!(object.as_deref(), Some("Account"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            c("r/fa/settings/Security.settings-meta.xml").unwrap().kind,
            Kind::Type(Tag::Settings)
        );
        assert!(c("r/fa/classes/Foo.cls-meta.xml").is_none());
        assert!(c("r/.sfdx/x/profiles/Admin.profile-meta.xml").is_none());
        assert_eq!(eca_owner_from_file("invoices_glbloauth"), "invoices");
        assert_eq!(eca_owner_from_file("invoices_oauthPlcy"), "invoices");
        assert_eq!(eca_owner_from_file("solo"), "solo");
    }
}
