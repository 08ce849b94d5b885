//! What a least-privilege permission set grants: the object access the
//! Mule apps running as an integration user use (their Salesforce operations
//! and SOQL, digested in the identity graph), with the flags Salesforce
//! requires for those, read access to the custom fields their queries
//! read, and edit access to the custom fields their creates, updates and
//! upserts set (the keys of the records their DataWeave builds, an upsert's
//! external id field). Nothing else: no View All / Modify All, no system
//! permission.

use std::collections::{BTreeMap, HashSet};

use intguard_model::{
    AccessFlags, IntegrationIdentity, Location, ObjectOperation, UnknownUse, UnreadPayload,
};

/// One permission set to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeastPrivilegeSet {
    /// API name (file name): `Int_Orders_Least_Privilege`.
    pub name: String,
    pub label: String,
    pub description: String,
    /// The users it is for (a user and its sandbox copies share one set:
    /// `int.orders@acme.com`, `int.orders@acme.com.dev`).
    pub usernames: Vec<String>,
    /// The Mule apps whose operations it grants.
    pub apps: Vec<String>,
    /// Sorted by object, case ignored.
    pub objects: Vec<ObjectGrantPlan>,
    /// Custom fields read (`Invoice__c.Amount__c`) and not set, sorted:
    /// granted Read.
    pub fields: Vec<String>,
    /// Custom fields its writes set (read or not), sorted: granted Read and
    /// Edit.
    pub edited_fields: Vec<EditedField>,
    /// Standard fields its writes set (`Contact.Email`), sorted: not
    /// granted (as those read), to check in the org.
    pub standard_written_fields: Vec<String>,
    /// Writes whose records' fields are not known: what they set is not in
    /// the set.
    pub unread_writes: Vec<UnreadWritePlan>,
    /// Standard fields read (`Account.Industry`), sorted: not granted (some
    /// take no field-level security and a permission set naming them does
    /// not deploy); to check in the org.
    pub standard_fields: Vec<String>,
    /// Custom fields read on setup objects (`User.Region__c`), sorted: their
    /// object takes no object permissions, but custom fields take
    /// field-level security; not granted, to check in the org.
    pub setup_object_fields: Vec<String>,
    /// Objects used that take no object permissions (custom metadata
    /// types, setup objects such as User), with the first place using them
    /// and why.
    pub left_out: Vec<LeftOut>,
    /// Operations whose objects are not known: whatever they need is not in
    /// the set.
    pub not_derived: Vec<UnknownUse>,
}

/// A custom field a write sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditedField {
    /// `Account.Tier__c`.
    pub field: String,
    /// Where it was first seen set (the DataWeave key, the upsert's
    /// external id attribute).
    pub seen_at: Location,
}

/// A create / update / upsert whose records' fields are not known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnreadWritePlan {
    pub object: String,
    /// Create, edit (an update) or upsert.
    pub operation: ObjectOperation,
    pub reason: UnreadPayload,
    /// The operation.
    pub location: Location,
}

/// An object used but not in the set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub object: String,
    pub first_use: Option<Location>,
    pub reason: &'static str,
}

/// One object's access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectGrantPlan {
    pub object: String,
    pub access: AccessFlags,
    /// What the apps do with it (empty when granted only because Salesforce
    /// requires it with another object's access).
    pub operations: Vec<ObjectOperation>,
    /// Known only from a relationship name in SOQL (`Owner` -> User).
    pub inferred: bool,
    /// Why it is granted when no app uses it: `Read on Account is required
    /// for Contract`.
    pub required_for: Vec<String>,
    /// The first operation using it.
    pub first_use: Option<Location>,
}

/// Objects whose access Salesforce ties to Read on Account: a permission
/// set granting any access to them without it does not deploy ("Permission
/// Read Contracts depends on permission(s): Read Accounts").
const NEEDS_ACCOUNT_READ: &[&str] = &["Case", "Contact", "Contract", "Opportunity"];

/// Setup objects: users read them without object permissions (sharing and
/// system permissions such as View All Users decide), and a permission set
/// grants none.
const SETUP_OBJECTS: &[&str] = &[
    "BusinessHours",
    "Group",
    "Organization",
    "Profile",
    "RecordType",
    "User",
    "UserRole",
];

/// Standard fields every user with object access reads, which take no
/// field-level security: not listed for checking.
const SYSTEM_FIELDS: &[&str] = &[
    "Id",
    "Name",
    "CreatedDate",
    "CreatedById",
    "LastModifiedDate",
    "LastModifiedById",
    "SystemModstamp",
    "IsDeleted",
    "OwnerId",
    "RecordTypeId",
    "LastViewedDate",
    "LastReferencedDate",
    "CurrencyIsoCode",
];

/// Names, each once whatever its case (the first spelling met kept), in
/// the order met: a set of the lower-case names beside the list, as a user's
/// apps may read hundreds of thousands of fields (comparing each with those
/// before took time in their square: 26 s for 200,000).
#[derive(Default)]
struct Names {
    list: Vec<String>,
    seen: HashSet<String>,
}

impl Names {
    fn add(&mut self, name: String) {
        if self.seen.insert(name.to_ascii_lowercase()) {
            self.list.push(name);
        }
    }
}

/// Items, each once, in the order met.
struct Distinct<T> {
    list: Vec<T>,
    seen: HashSet<T>,
}

impl<T: Clone + Eq + std::hash::Hash> Distinct<T> {
    fn new() -> Self {
        Distinct {
            list: Vec::new(),
            seen: HashSet::new(),
        }
    }

    fn add(&mut self, item: &T) {
        if !self.seen.contains(item) {
            self.seen.insert(item.clone());
            self.list.push(item.clone());
        }
    }
}

/// The set for a group of identities (one user and its sandbox copies),
/// named `name`. `None` when their apps use no known object.
pub(crate) fn derive(ids: &[&IntegrationIdentity], name: &str) -> Option<LeastPrivilegeSet> {
    let mut objects: BTreeMap<String, ObjectGrantPlan> = BTreeMap::new();
    let mut fields = Names::default();
    let mut edited_fields: Vec<EditedField> = Vec::new();
    // Lower-case names of `edited_fields`: each once however many writes.
    let mut edited_seen: HashSet<String> = Default::default();
    let mut standard_written_fields = Names::default();
    let mut unread_writes = Distinct::new();
    let mut standard_fields = Names::default();
    let mut setup_object_fields = Names::default();
    let mut left_out: Vec<LeftOut> = Vec::new();
    // Lower-case names of `left_out`'s objects.
    let mut left_out_seen: HashSet<String> = HashSet::new();
    let mut not_derived = Distinct::new();
    let mut apps = Distinct::new();
    let mut usernames = Names::default();

    for id in ids {
        if let Some(u) = &id.username {
            usernames.add(u.to_string());
        }
        for a in id.app_names() {
            apps.add(&a.to_string());
        }
        for u in id.unknown_uses() {
            not_derived.add(u);
        }
        for used in id.objects_used().iter() {
            let reason = if is_custom_metadata_type(&used.object) {
                Some("a custom metadata type takes no object permissions (grant it under Custom Metadata Types if the org restricts it)")
            } else if SETUP_OBJECTS
                .iter()
                .any(|o| o.eq_ignore_ascii_case(&used.object))
            {
                let read = used.fields.iter();
                let written = used.written_fields.iter().map(|w| &w.field);
                for f in read.chain(written).filter(|f| is_custom(f)) {
                    setup_object_fields.add(format!("{}.{f}", used.object));
                }
                Some("a setup object: users read it without object permissions (sharing decides)")
            } else {
                None
            };
            if let Some(reason) = reason {
                if left_out_seen.insert(used.object.to_ascii_lowercase()) {
                    left_out.push(LeftOut {
                        object: used.object.clone(),
                        first_use: used.locations.first().cloned(),
                        reason,
                    });
                }
                continue;
            }
            let mut need = if used.operations.contains(&ObjectOperation::Other) {
                AccessFlags::crud()
            } else {
                used.needs()
            };
            need.read = true;
            let need = need.with_required();
            let entry = objects
                .entry(used.object.to_ascii_lowercase())
                .or_insert_with(|| ObjectGrantPlan {
                    object: used.object.clone(),
                    access: AccessFlags::default(),
                    operations: Vec::new(),
                    inferred: used.inferred,
                    required_for: Vec::new(),
                    first_use: used.locations.first().cloned(),
                });
            entry.access = entry.access.union(need);
            entry.inferred &= used.inferred;
            for op in &used.operations {
                if !entry.operations.contains(op) {
                    entry.operations.push(*op);
                }
            }
            entry.operations.sort();
            for f in &used.fields {
                let list = if is_custom(f) {
                    &mut fields
                } else if SYSTEM_FIELDS.iter().any(|s| s.eq_ignore_ascii_case(f)) {
                    continue;
                } else {
                    &mut standard_fields
                };
                list.add(format!("{}.{f}", used.object));
            }
            for w in &used.written_fields {
                let qualified = format!("{}.{}", used.object, w.field);
                if is_custom(&w.field) {
                    if edited_seen.insert(qualified.to_ascii_lowercase()) {
                        edited_fields.push(EditedField {
                            field: qualified,
                            seen_at: w.location.clone(),
                        });
                    }
                } else if !SYSTEM_FIELDS
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(&w.field))
                {
                    standard_written_fields.add(qualified);
                }
            }
            for u in &used.unread_writes {
                unread_writes.add(&UnreadWritePlan {
                    object: used.object.clone(),
                    operation: u.operation,
                    reason: u.reason,
                    location: u.location.clone(),
                });
            }
        }
    }
    let mut fields = fields.list;
    let mut standard_written_fields = standard_written_fields.list;
    let mut unread_writes = unread_writes.list;
    let mut standard_fields = standard_fields.list;
    let mut setup_object_fields = setup_object_fields.list;
    let (usernames, apps, not_derived) = (usernames.list, apps.list, not_derived.list);
    // A field both read and set is granted Edit (with Read).
    fields.retain(|f| !edited_seen.contains(&f.to_ascii_lowercase()));
    if objects.is_empty() {
        return None;
    }
    // What Salesforce requires with the access granted.
    let dependents: Vec<String> = objects
        .values()
        .filter(|o| {
            NEEDS_ACCOUNT_READ
                .iter()
                .any(|d| d.eq_ignore_ascii_case(&o.object))
        })
        .map(|o| o.object.clone())
        .collect();
    if !dependents.is_empty() {
        let account = objects
            .entry("account".to_string())
            .or_insert_with(|| ObjectGrantPlan {
                object: "Account".to_string(),
                access: AccessFlags::default(),
                operations: Vec::new(),
                inferred: false,
                required_for: Vec::new(),
                first_use: None,
            });
        // Said even when a relationship name reads it too: its object told
        // by convention is to check, but Read on Account is not to remove.
        if !account.access.read || account.inferred {
            account.access.read = true;
            account.required_for = dependents;
        }
    }
    fields.sort_by_key(|f| f.to_ascii_lowercase());
    edited_fields.sort_by_key(|f| f.field.to_ascii_lowercase());
    standard_written_fields.sort_by_key(|f| f.to_ascii_lowercase());
    unread_writes.sort_by(|a, b| (&a.location, &a.object).cmp(&(&b.location, &b.object)));
    standard_fields.sort_by_key(|f| f.to_ascii_lowercase());
    setup_object_fields.sort_by_key(|f| f.to_ascii_lowercase());
    let who = usernames.join(", ");
    let description = shorten(
        &format!(
            "Least privilege for {who}: the object access of the Mule app{} {} (generated by intguard fix permissions).",
            if apps.len() == 1 { "" } else { "s" },
            apps.join(", ")
        ),
        255,
    );
    Some(LeastPrivilegeSet {
        name: name.to_string(),
        label: shorten(
            &format!("{} least privilege", local_part(&usernames[0])),
            80,
        ),
        description,
        usernames,
        apps,
        objects: objects.into_values().collect(),
        fields,
        edited_fields,
        standard_written_fields,
        unread_writes,
        standard_fields,
        setup_object_fields,
        left_out,
        not_derived,
    })
}

fn is_custom(field: &str) -> bool {
    field.len() > 3 && field[field.len() - 3..].eq_ignore_ascii_case("__c")
}

fn is_custom_metadata_type(object: &str) -> bool {
    object.len() > 5 && object[object.len() - 5..].eq_ignore_ascii_case("__mdt")
}

/// `int.orders` of `int.orders@acme.com`.
pub(crate) fn local_part(username: &str) -> &str {
    username.split('@').next().unwrap_or(username)
}

/// The default API name of a user's set: its local part in words,
/// capitalised, then `Least_Privilege` (`int.orders` ->
/// `Int_Orders_Least_Privilege`). API names start with a letter, hold
/// letters, digits and single underscores, and are at most 80 characters.
pub fn default_name(username: &str) -> String {
    let words: Vec<String> = local_part(username)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            let first = cs.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(cs).collect()
        })
        .collect();
    let mut name = words.join("_");
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "Integration_");
    }
    let suffix = "_Least_Privilege";
    name.truncate(80 - suffix.len());
    let name = name.trim_end_matches('_').to_string();
    format!("{name}{suffix}")
}

/// Whether `name` is a valid API name for a permission set.
pub fn is_valid_name(name: &str) -> bool {
    name.len() <= 80
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.contains("__")
        && !name.ends_with('_')
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_are_api_names() {
        assert_eq!(
            default_name("int.orders@acme.com"),
            "Int_Orders_Least_Privilege"
        );
        assert_eq!(
            default_name("svc-legacy_sync@acme.com.dev"),
            "Svc_Legacy_Sync_Least_Privilege"
        );
        assert_eq!(
            default_name("42bot@x.com"),
            "Integration_42bot_Least_Privilege"
        );
        let long = default_name(&format!("{}@x.com", "a.".repeat(60)));
        assert!(is_valid_name(&long) && long.len() <= 80, "{long}");
        for name in [
            "Int_Orders_Least_Privilege",
            "Integration_42bot_Least_Privilege",
        ] {
            assert!(is_valid_name(name));
        }
        for bad in ["1x", "a__b", "a_", "a-b", ""] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }
}
