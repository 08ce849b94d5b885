//! The rules' documentation: the Salesforce metadata its examples and fixes
//! show can be deployed as written. The Metadata API reads the fields of
//! these types in the order of its schema (alphabetical for them), and
//! refuses a file that lists them otherwise ("Element ... invalid at this
//! location").

use intguard_rules::all_rules;

/// Types whose fields the schema lists alphabetically.
const ORDERED: [&str; 5] = [
    "objectPermissions",
    "fieldPermissions",
    "userPermissions",
    "loginIpRanges",
    "ipRanges",
];

/// The names of the child elements of each `<{parent}>` element in `xml`.
fn children_of<'a>(xml: &'a str, parent: &str) -> Vec<Vec<&'a str>> {
    let open = format!("<{parent}>");
    let close = format!("</{parent}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(end) = rest.find(&close) {
        // The element that this end closes: the last start before it (the
        // prose may name `<objectPermissions>` without a block).
        let Some(i) = rest[..end].rfind(&open) else {
            rest = &rest[end + close.len()..];
            continue;
        };
        let names = rest[i + open.len()..end]
            .split('<')
            .skip(1)
            .filter(|t| !t.starts_with('/') && !t.starts_with('!'))
            .filter_map(|t| t.split(['>', ' ', '/']).next())
            .collect();
        out.push(names);
        rest = &rest[end + close.len()..];
    }
    out
}

#[test]
fn metadata_in_rule_docs_lists_fields_in_schema_order() {
    for rule in all_rules() {
        let meta = rule.meta();
        for parent in ORDERED {
            for names in children_of(meta.doc, parent) {
                let mut sorted = names.clone();
                sorted.sort_unstable();
                assert_eq!(
                    names, sorted,
                    "{}: a <{parent}> of its documentation lists its fields out of the Metadata API's order",
                    meta.id
                );
            }
        }
    }
}

/// Every ```json block of a rule's documentation is JSON as written (a user
/// definition file, mule-artifact.json): a file copied from it is read.
#[test]
fn json_in_rule_docs_is_valid() {
    for rule in all_rules() {
        let meta = rule.meta();
        for block in meta.doc.split("```json\n").skip(1) {
            let json = &block[..block.find("```").expect("the block ends")];
            if let Err(e) = serde_json::from_str::<serde_json::Value>(json) {
                panic!(
                    "{}: a JSON block of its documentation is not JSON ({e}):\n{json}",
                    meta.id
                );
            }
        }
    }
}

/// A command a rule's documentation names is one the binary has: `intguard
/// fix` alone is no command (`fix secrets`, `fix jwt`, `fix permissions`).
#[test]
fn fix_commands_in_rule_docs_name_a_subcommand() {
    for rule in all_rules() {
        let meta = rule.meta();
        for (i, _) in meta.doc.match_indices("intguard fix") {
            let next = meta.doc[i + "intguard fix".len()..]
                .trim_start()
                .split(|c: char| !c.is_ascii_alphabetic())
                .next();
            assert!(
                matches!(next, Some("secrets" | "jwt" | "permissions")),
                "{}: `intguard fix` is followed by {next:?}, not a fix command",
                meta.id
            );
        }
    }
}
