//! User definition files (`sf org create user --definition-file` JSON).

use intguard_model::{Diagnostic, Location, UserDefinition};

use crate::position::LineIndex;

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
    // A byte order mark (Windows editors write one) is no JSON syntax error.
    let text = crate::position::without_bom(text);
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
    let permsets_location = permsets.map(|(k, _)| locate(k));
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
        permsets_location,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A byte order mark before the JSON (as Windows editors write it) is
    /// read past: the user is not dropped with a syntax warning.
    #[test]
    fn a_byte_order_mark_is_no_syntax_error() {
        let mut diagnostics = Vec::new();
        let text = "\u{feff}{\n  \"Username\": \"int.bom@acme.com\",\n  \"profileName\": \"Int Profile\"\n}\n";
        let def = read_user_definition(text, "config/bom-user-def.json", true, &mut diagnostics)
            .expect("read");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(def.username, "int.bom@acme.com");
        assert_eq!(def.profile_name.as_deref(), Some("Int Profile"));
        assert_eq!(def.location.line, 2);
    }
}
