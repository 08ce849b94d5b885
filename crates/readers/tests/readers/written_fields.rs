//! The fields Salesforce writes set, left out when nothing could compare
//! them with a permission (`ReadOptions::written_fields_need_object_access`).

use std::path::Path;

use intguard_model::Inventory;
use intguard_readers::{read_paths, ReadOptions};

/// A Mule 4 app whose create builds its records inline (DataWeave in
/// `ee:transform`) and whose upsert takes them from a DataWeave file; with
/// a profile beside it when asked.
fn app_with_writes(profile: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("accounts-sapi");
    std::fs::create_dir_all(app.join("src/main/mule")).unwrap();
    std::fs::create_dir_all(app.join("src/main/resources/dwl")).unwrap();
    std::fs::write(app.join("mule-artifact.json"), "{}").unwrap();
    std::fs::write(
        app.join("src/main/mule/accounts.xml"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:ee="http://www.mulesoft.org/schema/mule/ee/core"
      xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="SF">
    <salesforce:jwt-connection consumerKey="${sf.key}" keyStorePath="${sf.keystore}" principal="int.accounts@acme.example"/>
  </salesforce:sfdc-config>
  <flow name="create-accounts">
    <ee:transform>
      <ee:message>
        <ee:set-payload><![CDATA[%dw 2.0
output application/java
---
payload map { Name: $.name, Tier__c: $.tier }]]></ee:set-payload>
      </ee:message>
    </ee:transform>
    <salesforce:create type="Account" config-ref="SF"/>
  </flow>
  <flow name="upsert-orders">
    <ee:transform>
      <ee:message>
        <ee:set-payload resource="dwl/orders.dwl"/>
      </ee:message>
    </ee:transform>
    <salesforce:upsert objectType="Order__c" externalIdFieldName="Ext_Id__c" config-ref="SF"/>
  </flow>
</mule>
"#,
    )
    .unwrap();
    std::fs::write(
        app.join("src/main/resources/dwl/orders.dwl"),
        "%dw 2.0\noutput application/java\n---\npayload map { Amount__c: $.amount }\n",
    )
    .unwrap();
    if profile {
        let profiles = dir.path().join("force-app/main/default/profiles");
        std::fs::create_dir_all(&profiles).unwrap();
        std::fs::write(
            profiles.join("Accounts Integration.profile-meta.xml"),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<Profile xmlns="http://soap.sforce.com/2006/04/metadata">
  <objectPermissions>
    <allowCreate>true</allowCreate>
    <allowRead>true</allowRead>
    <object>Account</object>
  </objectPermissions>
</Profile>
"#,
        )
        .unwrap();
    }
    dir
}

fn read(dir: &Path, need_object_access: bool) -> Inventory {
    let options = ReadOptions {
        written_fields_need_object_access: need_object_access,
        threads: 1,
        ..ReadOptions::default()
    };
    read_paths(&[dir.to_path_buf()], &options)
}

/// Each operation of the app: its kind, and the fields it writes as read
/// (`None`: its writes were not read).
fn writes(inventory: &Inventory) -> Vec<(String, Option<Vec<String>>)> {
    assert_eq!(inventory.apps.len(), 1);
    inventory.apps[0]
        .operations
        .iter()
        .map(|o| {
            let fields = o.writes.as_ref().map(|w| {
                let mut names: Vec<String> = w.fields.iter().map(|f| f.field.clone()).collect();
                names.extend(w.external_id.iter().map(|f| f.field.clone()));
                names
            });
            (o.element.clone(), fields)
        })
        .collect()
}

fn all_read() -> Vec<(String, Option<Vec<String>>)> {
    vec![
        (
            "salesforce:create".to_string(),
            Some(vec!["Name".to_string(), "Tier__c".to_string()]),
        ),
        (
            "salesforce:upsert".to_string(),
            // The DataWeave file's, read as the app is assembled.
            Some(vec!["Amount__c".to_string(), "Ext_Id__c".to_string()]),
        ),
    ]
}

#[test]
fn written_fields_are_read_by_default() {
    let dir = app_with_writes(false);
    assert_eq!(writes(&read(dir.path(), false)), all_read());
}

#[test]
fn written_fields_are_left_out_when_no_permission_could_be_compared() {
    let mule_only = app_with_writes(false);
    let inventory = read(mule_only.path(), true);
    // The operations themselves are read; only what they write is not.
    assert_eq!(
        writes(&inventory),
        [
            ("salesforce:create".to_string(), None),
            ("salesforce:upsert".to_string(), None)
        ]
    );
    // A profile beside the app: read as by default.
    let with_profile = app_with_writes(true);
    assert_eq!(writes(&read(with_profile.path(), true)), all_read());
}
