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

/// What a permission set's XML grants, read back with quick-xml: the
/// object permissions `(object, flags)` and the field permissions `(field,
/// editable, readable)`, each in order.
#[derive(Debug, Default, PartialEq)]
pub struct ReadGrants {
    pub objects: Vec<(String, AccessFlags)>,
    pub fields: Vec<(String, bool, bool)>,
}

/// The entry of [`ReadGrants`] being read.
enum Entry {
    Object(String, AccessFlags),
    Field(String, bool, bool),
}

/// Reads what a permission set's XML grants (for a set written where no
/// Salesforce project is read, and for the field permissions, which the
/// scan's metadata reader does not keep), or what is wrong with the XML.
pub fn read_grants(text: &str) -> Result<ReadGrants, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut out = ReadGrants::default();
    let mut current: Option<Entry> = None;
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
                if path.len() == 1 {
                    current = match name.as_str() {
                        "objectPermissions" => {
                            Some(Entry::Object(String::new(), AccessFlags::default()))
                        }
                        "fieldPermissions" => Some(Entry::Field(String::new(), false, false)),
                        _ => None,
                    };
                }
                path.push(name);
            }
            Ok(Event::End(_)) => {
                if path.len() == 2 {
                    match current.take() {
                        Some(Entry::Object(object, flags)) => out.objects.push((object, flags)),
                        Some(Entry::Field(field, editable, readable)) => {
                            out.fields.push((field, editable, readable))
                        }
                        None => {}
                    }
                }
                path.pop();
            }
            Ok(Event::Text(t)) => {
                let value = t.decode().map_err(|e| e.to_string())?;
                let (Some(entry), [_, _, leaf]) = (&mut current, path.as_slice()) else {
                    continue;
                };
                let value = value.trim();
                let on = value == "true";
                match (entry, leaf.as_str()) {
                    (Entry::Object(object, _), "object") => *object = value.to_string(),
                    (Entry::Object(_, flags), leaf) => match leaf {
                        "allowRead" => flags.read = on,
                        "allowCreate" => flags.create = on,
                        "allowEdit" => flags.edit = on,
                        "allowDelete" => flags.delete = on,
                        "viewAllRecords" => flags.view_all = on,
                        "modifyAllRecords" => flags.modify_all = on,
                        _ => {}
                    },
                    (Entry::Field(field, _, _), "field") => *field = value.to_string(),
                    (Entry::Field(_, editable, _), "editable") => *editable = on,
                    (Entry::Field(_, _, readable), "readable") => *readable = on,
                    _ => {}
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

/// The field permissions `set` plans, as [`read_grants`] reads them.
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
        assert_eq!(read_grants(&xml).unwrap().fields, planned_fields(&set));
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
            read_grants(&xml).unwrap().objects,
            [("Invoice__c".to_string(), flags)]
        );
        assert!(read_grants("<Profile/>").is_err());
        assert!(read_grants("<PermissionSet><objectPermissions>").is_err());
    }
}
