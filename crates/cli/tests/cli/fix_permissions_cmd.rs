//! `intguard fix permissions`: least-privilege permission sets derived from
//! what the Mule apps do, on the example and on hand-made trees.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::support::*;

/// The object permissions and readable fields of a permission set's XML:
/// `{object: "Read, Create, Edit"}` (flags in metadata order: allowCreate,
/// allowDelete, allowEdit, allowRead, modifyAllRecords, viewAllRecords) and
/// `[field]` (`field (editable)` for those editable too).
fn grants(xml: &str) -> (BTreeMap<String, Vec<String>>, Vec<String>) {
    let mut objects = BTreeMap::new();
    for block in xml.split("<objectPermissions>").skip(1) {
        let block = block.split("</objectPermissions>").next().unwrap();
        let value = |tag: &str| {
            block
                .split(&format!("<{tag}>"))
                .nth(1)
                .and_then(|s| s.split(&format!("</{tag}>")).next())
                .unwrap_or_else(|| panic!("<{tag}> in {block}"))
                .to_string()
        };
        let on: Vec<String> = [
            "allowCreate",
            "allowDelete",
            "allowEdit",
            "allowRead",
            "modifyAllRecords",
            "viewAllRecords",
        ]
        .into_iter()
        .filter(|t| value(t) == "true")
        .map(str::to_string)
        .collect();
        objects.insert(value("object"), on);
    }
    let mut fields = Vec::new();
    for block in xml.split("<fieldPermissions>").skip(1) {
        let block = block.split("</fieldPermissions>").next().unwrap();
        assert!(block.contains("<readable>true</readable>"), "{block}");
        let editable = block.contains("<editable>true</editable>");
        assert!(
            editable || block.contains("<editable>false</editable>"),
            "{block}"
        );
        let field = block.split("<field>").nth(1).unwrap();
        let field = field.split("</field>").next().unwrap();
        fields.push(if editable {
            format!("{field} (editable)")
        } else {
            field.to_string()
        });
    }
    (objects, fields)
}

fn flags(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn permission_sets_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const PERMSETS: &str = "salesforce/force-app/main/default/permissionsets";

/// The example's orders-sapi upserts Account, creates Order and queries
/// Order with its items; customers-papi (which logs in as the same user in
/// prod) upserts Account and Contact and queries Account with its contacts
/// and owner. The set grants exactly that: read and the create / edit of
/// the upserts, no delete, no View All or Modify All, read on the custom
/// field the queries read, nothing on User (a setup object).
#[test]
fn the_example_users_set_grants_what_its_apps_use() {
    let (_tmp, ex) = copy_example("");
    let before = permission_sets_in(&ex.join(PERMSETS));
    let run = run_cmd(intguard().current_dir(&ex).args([
        "fix",
        "permissions",
        ".",
        "--dry-run",
        "--user",
        "int.orders@acme.com",
    ]));
    run.expect_no_panic().expect_code(0);
    let (objects, fields) = grants(&run.stdout);
    let want: BTreeMap<String, Vec<String>> = [
        ("Account", flags(&["allowCreate", "allowEdit", "allowRead"])),
        ("Contact", flags(&["allowCreate", "allowEdit", "allowRead"])),
        ("Order", flags(&["allowCreate", "allowRead"])),
        ("OrderItem", flags(&["allowRead"])),
        ("PricebookEntry", flags(&["allowRead"])),
        ("Product2", flags(&["allowRead"])),
    ]
    .into_iter()
    .map(|(o, f)| (o.to_string(), f))
    .collect();
    assert_eq!(objects, want, "{}", run.stdout);
    // The external ids the upserts match on and the custom fields their
    // DataWeave (inline or in a file of the app) sets: editable.
    assert_eq!(
        fields,
        [
            "Account.External_Id__c (editable)",
            "Account.Shop_Customer_Since__c (editable)",
            "Contact.Shop_Contact_Id__c (editable)",
            "Order.Shop_Order_Id__c (editable)"
        ]
    );
    assert!(run
        .stdout
        .contains("<label>int.orders least privilege</label>"));
    for line in [
        "intguard: would write ./salesforce/force-app/main/default/permissionsets/Int_Orders_Least_Privilege.permissionset-meta.xml",
        "  for          int.orders@acme.com (Mule apps customers-papi, orders-sapi)",
        "  left out     User (customers.xml:62): a setup object",
        "(Account.BillingCity, Account.BillingCountryCode, Contact.Email, Contact.FirstName, Contact.LastName, Order.AccountId,",
        "Order.TotalAmount, OrderItem.PricebookEntryId, OrderItem.Quantity, OrderItem.UnitPrice, PricebookEntry.Product2Id, Product2.ProductCode): grant Read on those the org secures",
        "then remove what it replaces: profile System Administrator (move the user to \"Minimum Access - API Only Integrations\"), permission set Orders_Integration (IG301, IG302, IG304)",
        "pre-authorize it on connected app Orders_SAPI",
        "intguard: dry run: 1 permission set(s) would be written; nothing was written",
    ] {
        assert!(run.stderr.contains(line), "{line}\n{}", run.stderr);
    }
    assert_eq!(
        permission_sets_in(&ex.join(PERMSETS)),
        before,
        "a dry run writes nothing"
    );
}

/// Written next to the project's permission sets, read back, refused over
/// an existing file without --force; and once the user holds it instead of
/// System Administrator and Orders_Integration (and the connected app
/// pre-authorizes it), intguard's own rules find nothing excessive left
/// for that user.
#[test]
fn a_written_set_replaces_the_broad_access_of_the_user() {
    let (_tmp, ex) = copy_example("");
    let in_ex = |args: &[&str]| run_cmd(intguard().current_dir(&ex).args(args));
    let args = ["fix", "permissions", ".", "--user", "int.orders@acme.com"];
    let run = in_ex(&args);
    run.expect_no_panic().expect_code(0);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let file = ex
        .join(PERMSETS)
        .join("Int_Orders_Least_Privilege.permissionset-meta.xml");
    let xml = fs::read_to_string(&file).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n"));
    assert!(
        run.stderr
            .contains("intguard: 1 permission set(s) written and read back"),
        "{}",
        run.stderr
    );

    let again = in_ex(&args);
    again.expect_code(2);
    assert!(again.stderr.contains("exists"), "{}", again.stderr);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    in_ex(&[&args[..], &["--force"]].concat()).expect_code(0);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        xml,
        "the same set again"
    );

    // Apply the next steps it names.
    let user_def = ex.join("salesforce/config/int-orders-user-def.json");
    let text = fs::read_to_string(&user_def).unwrap();
    let text = text
        .replace(
            "\"System Administrator\"",
            "\"Minimum Access - API Only Integrations\"",
        )
        .replace(
            "[\"Orders_Integration\"]",
            "[\"Int_Orders_Least_Privilege\"]",
        );
    fs::write(&user_def, text).unwrap();
    let app = ex
        .join("salesforce/force-app/main/default/connectedApps/Orders_SAPI.connectedApp-meta.xml");
    let text = fs::read_to_string(&app).unwrap();
    assert!(text.contains("<profileName>System Administrator</profileName>"));
    let text = text.replace(
        "<profileName>System Administrator</profileName>",
        "<permissionSetName>Int_Orders_Least_Privilege</permissionSetName>",
    );
    fs::write(&app, text).unwrap();

    let (scan, report) = scan_json(&ex, &["--fail-on", "none"]);
    scan.expect_code(0);
    let left: Vec<String> = findings(&report)
        .iter()
        .filter(|f| {
            ["IG301", "IG302", "IG304"].contains(&f["rule"].as_str().unwrap())
                && (f["identity"] == "int.orders@acme.com"
                    || f["message"]
                        .as_str()
                        .unwrap()
                        .contains("int.orders@acme.com"))
        })
        .map(|f| format!("{} {}", f["rule"], f["message"]))
        .collect();
    assert!(left.is_empty(), "{left:#?}");
    assert!(
        diagnostics(&report).iter().all(|d| !d["path"]
            .as_str()
            .unwrap()
            .contains("Int_Orders_Least_Privilege")),
        "{report:#}"
    );
    // Before the change the same scan reported them.
    let (_, before) = scan_json(&example(), &["--fail-on", "none"]);
    let ig304: Vec<&serde_json::Value> = findings(&before)
        .iter()
        .filter(|f| f["rule"] == "IG304" && f["identity"] == "int.orders@acme.com")
        .collect();
    assert!(!ig304.is_empty());
    // Whose fixes name the command that writes the set.
    assert!(ig304.iter().any(|f| f["fix"]
        .as_str()
        .unwrap()
        .contains("`intguard fix permissions --user int.orders@acme.com` writes it")));
    for f in ig304 {
        let fix = f["fix"].as_str().unwrap();
        if fix.contains("granting only") {
            assert!(
                fix.contains("(`intguard fix permissions --user int.orders@acme.com` writes it)"),
                "{fix}"
            );
        }
    }
}

/// A Mule app logging in as int.billing@acme.com that queries, deletes
/// and bulk-upserts, next to a Metadata API project: the set is written as
/// `permissionsets/<Name>.permissionset` of that project, the delete brings
/// the Edit Salesforce requires with it, the Contact access Read on
/// Account, a custom metadata type is left out, and an operation whose
/// object is an expression is named as not derived (exit 1).
fn billing_tree(root: &Path) {
    write(root, "billing/mule-artifact.json", "{}");
    write(
        root,
        "billing/src/main/mule/global.xml",
        r##"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="SF">
    <salesforce:jwt-connection consumerKey="k" keyStore="k.jks" storePassword="${secure::p}" principal="int.billing@acme.com"/>
  </salesforce:sfdc-config>
  <flow name="f">
    <salesforce:query config-ref="SF">
      <salesforce:salesforce-query>SELECT Id, Amount__c, Status__c, Description FROM Invoice__c</salesforce:salesforce-query>
    </salesforce:query>
    <salesforce:query config-ref="SF">
      <salesforce:salesforce-query>SELECT Id, Email FROM Contact</salesforce:salesforce-query>
    </salesforce:query>
    <salesforce:query config-ref="SF">
      <salesforce:salesforce-query>SELECT Label, Rate__c FROM Tax_Rate__mdt</salesforce:salesforce-query>
    </salesforce:query>
    <salesforce:create-job-bulk-api-v2 config-ref="SF" objectType="Invoice__c" operation="delete"/>
    <salesforce:create config-ref="SF" type="#[vars.objectName]"/>
  </flow>
</mule>
"##,
    );
    write(
        root,
        "org/src/package.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Package xmlns="http://soap.sforce.com/2006/04/metadata"><version>62.0</version></Package>
"#,
    );
}

#[test]
fn metadata_api_projects_get_a_permissionset_file_and_what_is_not_derived_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    billing_tree(root);
    let run = run_cmd(
        intguard()
            .current_dir(root)
            .args(["fix", "permissions", "."]),
    );
    run.expect_no_panic().expect_code(1);
    let file = root.join("org/src/permissionsets/Int_Billing_Least_Privilege.permissionset");
    let (objects, fields) = grants(&fs::read_to_string(&file).unwrap());
    let want: BTreeMap<String, Vec<String>> = [
        ("Account", flags(&["allowRead"])),
        ("Contact", flags(&["allowRead"])),
        (
            "Invoice__c",
            flags(&["allowDelete", "allowEdit", "allowRead"]),
        ),
    ]
    .into_iter()
    .map(|(o, f)| (o.to_string(), f))
    .collect();
    assert_eq!(objects, want);
    assert_eq!(fields, ["Invoice__c.Amount__c", "Invoice__c.Status__c"]);
    for line in [
        "Account     Read                   required by Salesforce with access to Contact",
        "left out     Tax_Rate__mdt (global.xml:14): a custom metadata type takes no object permissions",
        "not derived  billing global.xml:18 (create): its object type is",
        "check        field-level security of the standard fields its queries read (Contact.Email, Invoice__c.Description)",
        // `--metadata` reads SFDX package directories only.
        "next         add it to ./org/src/package.xml (PermissionSet member Int_Billing_Least_Privilege), deploy it (sf project deploy start --metadata-dir ./org/src) and assign it to int.billing@acme.com",
    ] {
        assert!(run.stderr.contains(line), "{line}\n{}", run.stderr);
    }
}

#[test]
fn out_name_and_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    billing_tree(root);
    let in_root = |args: &[&str]| run_cmd(intguard().current_dir(root).args(args));
    // --out and --name.
    in_root(&[
        "fix",
        "permissions",
        ".",
        "--out",
        "sets",
        "--name",
        "Billing_API",
    ])
    .expect_code(1);
    assert!(root
        .join("sets/Billing_API.permissionset-meta.xml")
        .is_file());
    let outside = in_root(&[
        "fix",
        "permissions",
        ".",
        "--out",
        "sets",
        "--name",
        "Billing_API",
        "--dry-run",
    ]);
    assert!(
        outside.stderr.contains(
            "next         move it into a package directory of the Salesforce project, deploy it (sf project deploy start --metadata PermissionSet:Billing_API)"
        ),
        "{}",
        outside.stderr
    );

    let bad_name = in_root(&[
        "fix",
        "permissions",
        ".",
        "--name",
        "Billing__API",
        "--dry-run",
    ]);
    bad_name.expect_code(2);
    assert!(
        bad_name.stderr.contains("single underscores"),
        "{}",
        bad_name.stderr
    );

    let unknown = in_root(&[
        "fix",
        "permissions",
        ".",
        "--user",
        "nobody@acme.com",
        "--dry-run",
    ]);
    unknown.expect_code(2);
    assert!(
        unknown
            .stderr
            .contains("no Mule app among the paths logs in as nobody@acme.com; the users they log in as: int.billing@acme.com"),
        "{}",
        unknown.stderr
    );

    // Without a Salesforce project, the folder must be given.
    fs::remove_dir_all(root.join("org")).unwrap();
    let nowhere = in_root(&["fix", "permissions", "billing"]);
    nowhere.expect_code(2);
    assert!(
        nowhere.stderr.contains("give --out DIR"),
        "{}",
        nowhere.stderr
    );
    // A dry run still shows the set.
    let shown = in_root(&["fix", "permissions", "billing", "--dry-run"]);
    shown.expect_code(1);
    assert!(
        shown.stdout.contains("<object>Invoice__c</object>"),
        "{}",
        shown.stdout
    );
}

/// No Mule app logs in as a user: nothing to do, exit 0.
#[test]
fn nothing_to_derive_without_a_user() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "notes/README.md", "# Integration notes\n");
    let run = run_cmd(
        intguard()
            .args(["fix", "permissions", "--dry-run"])
            .arg(tmp.path()),
    );
    run.expect_no_panic().expect_code(0);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("no Mule app among the paths logs in as a Salesforce user"),
        "{}",
        run.stderr
    );
}

/// `--out` named without `./` inside a Metadata API project (whose root
/// is read as `./org/src`) is still inside it: the set is a
/// `.permissionset` there, not a source-format file Metadata API ignores.
#[test]
fn out_inside_a_metadata_api_project_however_it_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    billing_tree(root);
    let run = run_cmd(intguard().current_dir(root).args([
        "fix",
        "permissions",
        ".",
        "--out",
        "org/src/permissionsets",
    ]));
    run.expect_no_panic().expect_code(1);
    assert_eq!(
        permission_sets_in(&root.join("org/src/permissionsets")),
        ["Int_Billing_Least_Privilege.permissionset"],
        "{}",
        run.stderr
    );
}

/// An SFDX project with several package directories and no permission set
/// yet: the set goes to the default one (where `sf` puts new metadata),
/// not the first listed.
#[test]
fn the_default_package_directory_gets_the_set() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    billing_tree(root);
    fs::remove_dir_all(root.join("org")).unwrap();
    write(
        root,
        "sf/sfdx-project.json",
        r#"{"packageDirectories":[{"path":"shared"},{"path":"force-app","default":true}]}"#,
    );
    fs::create_dir_all(root.join("sf/shared/main/default")).unwrap();
    fs::create_dir_all(root.join("sf/force-app/main/default")).unwrap();
    let run = run_cmd(
        intguard()
            .current_dir(root)
            .args(["fix", "permissions", ".", "--dry-run"]),
    );
    run.expect_no_panic().expect_code(1);
    assert!(
        run.stderr.contains(
            "would write ./sf/force-app/main/default/permissionsets/Int_Billing_Least_Privilege.permissionset-meta.xml"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("next         deploy it (sf project deploy start --metadata PermissionSet:Int_Billing_Least_Privilege)"),
        "{}",
        run.stderr
    );
    // In the project but outside its package directories, `--metadata`
    // does not find it.
    let elsewhere = run_cmd(intguard().current_dir(root).args([
        "fix",
        "permissions",
        ".",
        "--dry-run",
        "--out",
        "sf/generated",
    ]));
    assert!(
        elsewhere.stderr.contains(
            "next         move it into a package directory of the Salesforce project, deploy it"
        ),
        "{}",
        elsewhere.stderr
    );
}

/// A permission set of the same name elsewhere in the project (here a
/// decomposed folder) is not doubled by a second file, even with --force:
/// the run says where it is and writes nothing.
#[test]
fn a_set_of_the_same_name_elsewhere_is_not_doubled() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    billing_tree(root);
    fs::remove_dir_all(root.join("org")).unwrap();
    write(
        root,
        "sf/sfdx-project.json",
        r#"{"packageDirectories":[{"path":"force-app","default":true}]}"#,
    );
    let decomposed = "sf/force-app/main/default/permissionsets/Int_Billing_Least_Privilege";
    write(
        root,
        &format!("{decomposed}/Int_Billing_Least_Privilege.permissionset-meta.xml"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>Billing</label>
</PermissionSet>
"#,
    );
    let before = permission_sets_in(&root.join("sf/force-app/main/default/permissionsets"));
    for extra in [&[][..], &["--force"][..]] {
        let run = run_cmd(
            intguard()
                .current_dir(root)
                .args(["fix", "permissions", "."])
                .args(extra),
        );
        run.expect_no_panic().expect_code(2);
        assert!(
            run.stderr
                .contains("permission set Int_Billing_Least_Privilege exists already")
                && run.stderr.contains("--name"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(
        permission_sets_in(&root.join("sf/force-app/main/default/permissionsets")),
        before
    );
}

/// An app whose username is a property set at deploy time: its operations
/// are left for a person (exit 1, the app named), not "nothing to derive".
#[test]
fn an_app_logging_in_as_an_unknown_user_is_left_for_a_person() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "cases/mule-artifact.json", "{}");
    write(
        root,
        "cases/src/main/mule/global.xml",
        r##"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="SF">
    <salesforce:jwt-connection consumerKey="k" keyStore="k.jks" storePassword="${secure::p}" principal="${sf.user}"/>
  </salesforce:sfdc-config>
  <flow name="f">
    <salesforce:create config-ref="SF" type="Case"/>
  </flow>
</mule>
"##,
    );
    let run = run_cmd(
        intguard()
            .current_dir(root)
            .args(["fix", "permissions", ".", "--dry-run"]),
    );
    run.expect_no_panic().expect_code(1);
    assert!(
        run.stderr.contains(
            "left as is: Mule app cases (`SF`): the user it logs in as is not known here"
        ),
        "{}",
        run.stderr
    );
}

/// A bulk `hardDelete` job needs Bulk API Hard Delete besides Delete: the
/// set does not grant that system permission, and the summary says so
/// (exit 1: the job fails until a person decides).
#[test]
fn a_hard_delete_job_is_left_for_a_person() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    billing_tree(root);
    let flows = root.join("billing/src/main/mule/global.xml");
    let text = fs::read_to_string(&flows)
        .unwrap()
        .replace("operation=\"delete\"", "operation=\"hardDelete\"")
        .replace(
            "<salesforce:create config-ref=\"SF\" type=\"#[vars.objectName]\"/>",
            "",
        );
    fs::write(&flows, text).unwrap();
    let run = run_cmd(
        intguard()
            .current_dir(root)
            .args(["fix", "permissions", ".", "--dry-run"]),
    );
    run.expect_no_panic().expect_code(1);
    let (objects, _) = grants(&run.stdout);
    assert_eq!(
        objects["Invoice__c"],
        flags(&["allowDelete", "allowEdit", "allowRead"])
    );
    assert!(!run.stdout.contains("userPermissions"), "{}", run.stdout);
    assert!(
        run.stderr.contains("Invoice__c  Read, Edit, Delete     read, hard delete")
            && run.stderr.contains(
                "its bulk hardDelete jobs (Invoice__c) need the user permission Bulk API Hard Delete (BulkApiHardDelete), not granted here"
            ),
        "{}",
        run.stderr
    );
}

/// The fields a create sets, read from the transform before it: its custom
/// fields are written editable (and readable) in the set, a field the app
/// also queries too (not twice), a field only queried stays read-only; a
/// relationship's nested object sets its lookup field (`Account__r` sets
/// `Account__c`), its own keys and the standard fields are not granted (the
/// standard ones are named to check); an upsert's external id
/// field is editable; a create whose records a flow-ref returns is named
/// for a person, with its place and why. A conditional entry counts: the
/// create may set it.
#[test]
fn the_fields_a_transform_sets_before_a_create_are_editable() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "billing/mule-artifact.json", "{}");
    write(
        root,
        "billing/src/main/mule/flows.xml",
        r##"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:ee="http://www.mulesoft.org/schema/mule/ee/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="SF">
    <salesforce:jwt-connection consumerKey="k" keyStore="k.jks" storePassword="${secure::p}" principal="int.billing@acme.com"/>
  </salesforce:sfdc-config>
  <flow name="invoices">
    <salesforce:query config-ref="SF">
      <salesforce:salesforce-query>SELECT Id, Amount__c, Status__c FROM Invoice__c</salesforce:salesforce-query>
    </salesforce:query>
    <ee:transform>
      <ee:message>
        <ee:set-payload><![CDATA[%dw 2.0
output application/java
---
payload map (i) -> {
  Amount__c: i.amount,
  (Approved__c: true) if (i.approved),
  Account__r: { External_Id__c: i.account },
  Description: i.text
}]]></ee:set-payload>
      </ee:message>
    </ee:transform>
    <salesforce:create config-ref="SF" type="Invoice__c"/>
    <salesforce:upsert config-ref="SF" objectType="Payment__c" externalIdFieldName="Payment_Key__c"/>
    <flow-ref name="build-refunds"/>
    <salesforce:create config-ref="SF" type="Refund__c"/>
  </flow>
</mule>
"##,
    );
    write(
        root,
        "org/src/package.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Package xmlns="http://soap.sforce.com/2006/04/metadata"><version>62.0</version></Package>
"#,
    );
    let run = run_cmd(
        intguard()
            .current_dir(root)
            .args(["fix", "permissions", "."]),
    );
    run.expect_no_panic().expect_code(0);
    let file = root.join("org/src/permissionsets/Int_Billing_Least_Privilege.permissionset");
    let xml = fs::read_to_string(&file).unwrap();
    let (objects, fields) = grants(&xml);
    assert_eq!(
        objects["Invoice__c"],
        flags(&["allowCreate", "allowRead"]),
        "{xml}"
    );
    assert_eq!(
        fields,
        [
            "Invoice__c.Account__c (editable)",
            "Invoice__c.Amount__c (editable)",
            "Invoice__c.Approved__c (editable)",
            "Invoice__c.Status__c",
            "Payment__c.Payment_Key__c (editable)"
        ],
        "{xml}"
    );
    assert!(
        !xml.contains("External_Id__c") && !xml.contains("Description"),
        "{xml}"
    );
    for line in [
        "  fields       Read, Edit on Invoice__c.Account__c (set at flows.xml:20), Invoice__c.Amount__c (set at flows.xml:18), Invoice__c.Approved__c (set at flows.xml:19), Payment__c.Payment_Key__c (set at flows.xml:26)",
        "               Read on Invoice__c.Status__c",
        "field-level security of the standard fields its creates and updates set (Invoice__c.Description): grant Edit on those the org secures",
        "the fields the upsert of Payment__c (flows.xml:26) sets: its records are what another processor before it outputs (a connector's operation, a router or a scope), not a DataWeave intguard reads: grant Edit on those",
        "the fields the create of Refund__c (flows.xml:28) sets: its records are what a flow-ref returns: grant Edit on those",
        "intguard: 1 permission set(s) written and read back",
    ] {
        assert!(run.stderr.contains(line), "{line}\n{}", run.stderr);
    }
}

/// The example's Mule 3 legacy-sync upserts contacts built by `payload map
/// { ... } filter (...)`: filtered records keep their keys, so the custom
/// field they set is granted Edit, and the standard ones are named.
#[test]
fn filtered_records_of_a_mule3_upsert_are_read() {
    let (_tmp, ex) = copy_example("");
    let run = run_cmd(intguard().current_dir(&ex).args([
        "fix",
        "permissions",
        ".",
        "--dry-run",
        "--user",
        "svc.legacysync@acme.com",
    ]));
    run.expect_no_panic().expect_code(0);
    let (_, fields) = grants(&run.stdout);
    assert_eq!(
        fields,
        ["Contact.Legacy_CRM_Id__c (editable)"],
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("Read, Edit on Contact.Legacy_CRM_Id__c (set at legacy-sync.xml:32)"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("an expression intguard does not read"),
        "{}",
        run.stderr
    );
}

/// A metadata-only SFDX project (no Mule app): its integration user is
/// known from a user definition file, but no set can be derived. Without
/// `--user` the summary names the user and says what to scan with the
/// project (exit 0); `--user` naming it says the same, naming why it is an
/// integration user, instead of "no Mule app logs in as a known user"; a
/// user the paths know nothing of is said to be unknown.
#[test]
fn a_metadata_only_project_says_what_to_scan_with_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "sfdx-project.json",
        r#"{"packageDirectories":[{"path":"force-app","default":true}]}"#,
    );
    write(
        root,
        "force-app/main/default/profiles/Warehouse%20Integration.profile-meta.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <custom>true</custom>\n    <userLicense>Salesforce Integration</userLicense>\n</Profile>\n",
    );
    write(
        root,
        "config/int-warehouse-user-def.json",
        "{\n  \"Username\": \"int.warehouse@acme.example\",\n  \"LastName\": \"Warehouse\",\n  \"profileName\": \"Warehouse Integration\"\n}\n",
    );
    let what_to_scan = "scan the folders of the apps that log in as it together with the Salesforce project (intguard fix permissions <project> <apps>)";

    let all = run_cmd(
        intguard()
            .args(["fix", "permissions", "--dry-run"])
            .arg(root),
    );
    all.expect_no_panic().expect_code(0);
    assert!(all.stdout.is_empty(), "{}", all.stdout);
    assert!(
        all.stderr.contains(
            "the Salesforce metadata read has integration users (int.warehouse@acme.example), but a set is derived from the Salesforce operations of the Mule apps"
        ),
        "{}",
        all.stderr
    );
    assert!(all.stderr.contains(what_to_scan), "{}", all.stderr);

    let named = run_cmd(
        intguard()
            .args([
                "fix",
                "permissions",
                "--dry-run",
                "--user",
                "int.warehouse@acme.example",
            ])
            .arg(root),
    );
    named.expect_no_panic().expect_code(2);
    assert!(
        named.stderr.contains(
            "no Mule app among the paths logs in as int.warehouse@acme.example, an integration user of the Salesforce metadata read (a user definition file creates it)"
        ),
        "{}",
        named.stderr
    );
    assert!(named.stderr.contains(what_to_scan), "{}", named.stderr);
    assert!(!named.stderr.contains("known user"), "{}", named.stderr);

    let unknown = run_cmd(
        intguard()
            .args([
                "fix",
                "permissions",
                "--dry-run",
                "--user",
                "nobody@acme.example",
            ])
            .arg(root),
    );
    unknown.expect_no_panic().expect_code(2);
    assert!(
        unknown.stderr.contains(
            "no Mule app among the paths logs in as nobody@acme.example, nor as any other Salesforce user"
        ),
        "{}",
        unknown.stderr
    );
    assert!(!root.join("force-app/main/default/permissionsets").exists());
}

/// A Salesforce project in a folder whose name is not UTF-8 (`sales\xE9force`,
/// saved from a Latin-1 system) gets the set next to its own permission sets,
/// named as reports name the folder. Taken as written, the name reports show
/// made a new folder `sales\xE9force` (a backslash and `xE9`) for it.
#[cfg(unix)]
#[test]
fn a_project_whose_path_is_not_utf8_gets_the_set_in_its_own_folder() {
    use std::os::unix::ffi::OsStrExt;
    let (_tmp, ex) = copy_example("");
    let latin1 = std::ffi::OsStr::from_bytes(b"sales\xE9force");
    std::fs::rename(ex.join("salesforce"), ex.join(latin1)).unwrap();
    let run = run_cmd(intguard().current_dir(&ex).args([
        "fix",
        "permissions",
        ".",
        "--user",
        "int.orders@acme.com",
    ]));
    run.expect_no_panic().expect_code(0);
    let shown = "./sales\\xE9force/force-app/main/default/permissionsets/Int_Orders_Least_Privilege.permissionset-meta.xml";
    assert!(
        run.stderr.contains(&format!("intguard: wrote {shown}\n")),
        "{}",
        run.stderr
    );
    // Its package directory is told: the deploy command is the project's.
    assert!(
        run.stderr.contains(
            "next         deploy it (sf project deploy start --metadata PermissionSet:Int_Orders_Least_Privilege)"
        ),
        "{}",
        run.stderr
    );
    let folder = Path::new(latin1).join("force-app/main/default/permissionsets");
    assert!(
        permission_sets_in(&ex.join(&folder))
            .contains(&"Int_Orders_Least_Privilege.permissionset-meta.xml".to_string()),
        "{:?}",
        permission_sets_in(&ex.join(&folder))
    );
    let mut escaped = Vec::new();
    for entry in std::fs::read_dir(&ex).unwrap() {
        let name = entry.unwrap().file_name();
        if name.to_string_lossy().contains("\\x") {
            escaped.push(name);
        }
    }
    assert!(escaped.is_empty(), "{escaped:?}");
}
