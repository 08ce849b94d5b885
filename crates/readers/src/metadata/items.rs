//! Reading one recognized metadata file into the [`Item`] it contributes:
//! the root element is checked against the file's type, then the type's
//! reader runs.

use intguard_model::{
    profile_label, Diagnostic, Location, MutingPermissionSet, Profile, UserDefinition,
};

use super::classify::{eca_owner_from_file, expected_root, Classified, Kind, Tag};
use super::types::{self, AccessFacts, EcaKind, EcaPart, SettingsFacts};

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
