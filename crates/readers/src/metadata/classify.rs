//! Recognizing a metadata file by its path: its type (suffix and folder),
//! its URL-decoded name, and for decomposed permission sets the set and
//! object it belongs to; and the app an External Client App family file's
//! name points to.

use std::path::{Path, PathBuf};

use crate::discover::display_path;

use super::types::EcaKind;

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
pub(super) enum Tag {
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

pub(super) fn expected_root(tag: Tag, name: &str) -> String {
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
    pub(super) kind: Kind,
    /// Decoded name (file name without suffix).
    pub(super) name: String,
    /// The folder holding the type folders (package directory or `src`),
    /// display form; groups ECA families.
    pub(super) package_root: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
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
    // Searched in the path's bytes as a whole, from each `p` or `P`: neither
    // word holds a separator, so each is in a path's bytes exactly when it
    // is in one of its components, and parsing the components of every
    // walked path cost more than the search.
    let bytes = path.as_os_str().as_encoded_bytes();
    let starts_with = |at: usize, word: &[u8]| {
        bytes
            .get(at..at + word.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(word))
    };
    memchr::memchr2_iter(b'p', b'P', bytes)
        .any(|at| starts_with(at, b"profile") || starts_with(at, b"permissionset"))
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

/// `invoices_oauth` -> `invoices` (the names Salesforce gives family files).
pub(super) fn eca_owner_from_file(stem: &str) -> String {
    const SUFFIXES: &[&str] = &["_glbloauth", "_oauthplcy", "_oauth", "_plcy"];
    let lower = stem.to_ascii_lowercase();
    for s in SUFFIXES {
        if lower.ends_with(s) && stem.len() > s.len() {
            return stem[..stem.len() - s.len()].to_string();
        }
    }
    stem.to_string()
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
