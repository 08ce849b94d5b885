//! A [`LeastPrivilegeSet`] as a permission set's metadata file
//! (`.permissionset-meta.xml` in source format, `.permissionset` in Metadata
//! API format: the same XML), elements in the order Salesforce retrieves
//! them (alphabetical; `fieldPermissions` sorted by field, as retrieved),
//! four-space indented as the CLI writes them.

use std::fmt::Write as _;

use intguard_model::AccessFlags;

use super::derive::LeastPrivilegeSet;

pub(crate) fn render(set: &LeastPrivilegeSet) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n",
    );
    element(&mut out, 1, "description", &set.description);
    // Read-only and editable fields in one list, by field.
    let mut fields: Vec<(&str, bool)> = set
        .fields
        .iter()
        .map(|f| (f.as_str(), false))
        .chain(set.edited_fields.iter().map(|f| (f.field.as_str(), true)))
        .collect();
    fields.sort_by_key(|(f, _)| f.to_ascii_lowercase());
    for (field, editable) in fields {
        out.push_str("    <fieldPermissions>\n");
        element(&mut out, 2, "editable", bool(editable));
        element(&mut out, 2, "field", field);
        element(&mut out, 2, "readable", "true");
        out.push_str("    </fieldPermissions>\n");
    }
    element(&mut out, 1, "hasActivationRequired", "false");
    element(&mut out, 1, "label", &set.label);
    for o in &set.objects {
        let a = o.access;
        out.push_str("    <objectPermissions>\n");
        element(&mut out, 2, "allowCreate", bool(a.create));
        element(&mut out, 2, "allowDelete", bool(a.delete));
        element(&mut out, 2, "allowEdit", bool(a.edit));
        element(&mut out, 2, "allowRead", bool(a.read));
        element(&mut out, 2, "modifyAllRecords", bool(a.modify_all));
        element(&mut out, 2, "object", &o.object);
        element(&mut out, 2, "viewAllRecords", bool(a.view_all));
        out.push_str("    </objectPermissions>\n");
    }
    out.push_str("</PermissionSet>\n");
    out
}

fn bool(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

fn element(out: &mut String, depth: usize, name: &str, text: &str) {
    let _ = write!(out, "{}<{name}>", "    ".repeat(depth));
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    let _ = writeln!(out, "</{name}>");
}

/// The object permissions a permission set's XML grants, read back with
/// quick-xml (for a set written where no Salesforce project is read, so the
/// scan's metadata reader does not see it): `(object, flags)` in order, or
/// what is wrong with the XML.
pub fn object_permissions(text: &str) -> Result<Vec<(String, AccessFlags)>, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut out: Vec<(String, AccessFlags)> = Vec::new();
    let mut current: Option<(String, AccessFlags)> = None;
    let mut seen_root = false;
    loop {
        match reader.read_event() {
            Ok(Event::Empty(e)) if path.is_empty() => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                return Err(format!("its root element is an empty <{name}>"));
            }
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if path.is_empty() {
                    if name != "PermissionSet" {
                        return Err(format!("its root element is <{name}>, not <PermissionSet>"));
                    }
                    seen_root = true;
                }
                if path.len() == 1 && name == "objectPermissions" {
                    current = Some((String::new(), AccessFlags::default()));
                }
                path.push(name);
            }
            Ok(Event::End(_)) => {
                if path.len() == 2 && path[1] == "objectPermissions" {
                    out.extend(current.take());
                }
                path.pop();
            }
            Ok(Event::Text(t)) => {
                let value = t.decode().map_err(|e| e.to_string())?;
                if let (Some((object, flags)), [_, parent, leaf]) = (&mut current, path.as_slice())
                {
                    if parent == "objectPermissions" {
                        let on = value.trim() == "true";
                        match leaf.as_str() {
                            "object" => *object = value.trim().to_string(),
                            "allowRead" => flags.read = on,
                            "allowCreate" => flags.create = on,
                            "allowEdit" => flags.edit = on,
                            "allowDelete" => flags.delete = on,
                            "viewAllRecords" => flags.view_all = on,
                            "modifyAllRecords" => flags.modify_all = on,
                            _ => {}
                        }
                    }
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "not well-formed XML at byte {}: {e}",
                    reader.error_position()
                ))
            }
        }
    }
    if !path.is_empty() {
        return Err("it ends inside an element".to_string());
    }
    if !seen_root {
        return Err("it has no <PermissionSet> element".to_string());
    }
    Ok(out)
}

/// The field permissions a permission set's XML grants, read back with
/// quick-xml (the scan's metadata reader does not keep them): `(field,
/// editable, readable)` in order, or what is wrong with the XML.
pub fn field_permissions(text: &str) -> Result<Vec<(String, bool, bool)>, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut current: Option<(String, bool, bool)> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if path.len() == 1 && name == "fieldPermissions" {
                    current = Some((String::new(), false, false));
                }
                path.push(name);
            }
            Ok(Event::End(_)) => {
                if path.len() == 2 && path[1] == "fieldPermissions" {
                    out.extend(current.take());
                }
                path.pop();
            }
            Ok(Event::Text(t)) => {
                let value = t.decode().map_err(|e| e.to_string())?;
                if let (Some((field, editable, readable)), [_, parent, leaf]) =
                    (&mut current, path.as_slice())
                {
                    if parent == "fieldPermissions" {
                        let on = value.trim() == "true";
                        match leaf.as_str() {
                            "field" => *field = value.trim().to_string(),
                            "editable" => *editable = on,
                            "readable" => *readable = on,
                            _ => {}
                        }
                    }
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "not well-formed XML at byte {}: {e}",
                    reader.error_position()
                ))
            }
        }
    }
    Ok(out)
}

/// The field permissions `set` plans, as [`field_permissions`] reads them.
pub(crate) fn planned_fields(set: &LeastPrivilegeSet) -> Vec<(String, bool, bool)> {
    let mut fields: Vec<(String, bool, bool)> = set
        .fields
        .iter()
        .map(|f| (f.clone(), false, true))
        .chain(
            set.edited_fields
                .iter()
                .map(|f| (f.field.clone(), true, true)),
        )
        .collect();
    fields.sort_by_key(|(f, _, _)| f.to_ascii_lowercase());
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions::derive::ObjectGrantPlan;

    #[test]
    fn the_written_xml_reads_back_and_escapes_text() {
        let flags = AccessFlags {
            read: true,
            create: true,
            ..AccessFlags::default()
        };
        let set = LeastPrivilegeSet {
            name: "A_Least_Privilege".into(),
            label: "a & <b> least privilege".into(),
            description: "for \"a\" 'b'".into(),
            usernames: vec!["a@x.com".into()],
            apps: vec!["app".into()],
            objects: vec![ObjectGrantPlan {
                object: "Invoice__c".into(),
                access: flags,
                operations: Vec::new(),
                inferred: false,
                required_for: Vec::new(),
                first_use: None,
            }],
            fields: vec!["Invoice__c.Amount__c".into(), "Invoice__c.Zeta__c".into()],
            edited_fields: vec![crate::permissions::EditedField {
                field: "Invoice__c.Approved__c".into(),
                seen_at: intguard_model::Location::new("a.xml", 1, 1),
            }],
            standard_written_fields: Vec::new(),
            unread_writes: Vec::new(),
            standard_fields: Vec::new(),
            setup_object_fields: Vec::new(),
            left_out: Vec::new(),
            not_derived: Vec::new(),
        };
        let xml = render(&set);
        assert!(
            xml.contains("<label>a &amp; &lt;b&gt; least privilege</label>"),
            "{xml}"
        );
        assert!(xml.contains("<description>for &quot;a&quot; &apos;b&apos;</description>"));
        // Fields in one list by name, in metadata order: the field set is
        // editable (and readable), the others readable only; all before
        // `hasActivationRequired`.
        let field = |name: &str, editable: bool| {
            format!("    <fieldPermissions>\n        <editable>{editable}</editable>\n        <field>Invoice__c.{name}</field>\n        <readable>true</readable>\n    </fieldPermissions>\n")
        };
        let blocks = [
            field("Amount__c", false),
            field("Approved__c", true),
            field("Zeta__c", false),
        ]
        .concat();
        let at = xml.find(&blocks).unwrap_or_else(|| panic!("{xml}"));
        assert_eq!(field_permissions(&xml).unwrap(), planned_fields(&set));
        assert_eq!(
            planned_fields(&set),
            [
                ("Invoice__c.Amount__c".to_string(), false, true),
                ("Invoice__c.Approved__c".to_string(), true, true),
                ("Invoice__c.Zeta__c".to_string(), false, true)
            ]
        );
        assert!(at < xml.find("<hasActivationRequired>").unwrap());
        assert!(at > xml.find("<description>").unwrap());
        assert_eq!(
            object_permissions(&xml).unwrap(),
            [("Invoice__c".to_string(), flags)]
        );
        assert!(object_permissions("<Profile/>").is_err());
        assert!(object_permissions("<PermissionSet><objectPermissions>").is_err());
    }
}
