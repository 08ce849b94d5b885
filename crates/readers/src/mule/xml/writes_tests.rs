//! The fields Salesforce creates, updates and upserts set, read from the
//! DataWeave building their records.

use super::*;
use intguard_model::UnreadPayload;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
  xmlns:ee="http://www.mulesoft.org/schema/mule/ee/core"
  xmlns:http="http://www.mulesoft.org/schema/mule/http"
  xmlns:db="http://www.mulesoft.org/schema/mule/db"
  xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
"#;

/// Each Salesforce operation's element, and what it writes: the fields
/// (name, line, column; the upsert's external id first, each once) and why
/// the rest is not known.
type Shown = (String, Vec<(String, u32, u32)>, Option<UnreadPayload>);

fn writes(xml: &str) -> Vec<Shown> {
    let f = read_mule_xml(xml, "app/src/main/mule/flows.xml", true);
    f.operations
        .iter()
        .filter_map(|op| {
            let w = op.writes.as_deref()?;
            Some((
                op.element.clone(),
                {
                    let mut seen = Vec::new();
                    w.external_id
                        .iter()
                        .chain(w.fields.iter())
                        .filter(|f| {
                            let new = !seen.contains(&f.field.to_ascii_lowercase());
                            seen.push(f.field.to_ascii_lowercase());
                            new
                        })
                        .map(|f| (f.field.clone(), f.location.line, f.location.column))
                        .collect()
                },
                w.unread,
            ))
        })
        .collect()
}

fn names(shown: &Shown) -> Vec<&str> {
    shown.1.iter().map(|(f, _, _)| f.as_str()).collect()
}

/// A transform setting the payload just before a create: the keys of the
/// objects it outputs, custom and standard, each where it is written; a
/// logger and a variable between them change nothing; a query is no write.
#[test]
fn a_transform_then_a_create() {
    let xml = [
        HEAD,
        r##"<flow name="f">
  <ee:transform>
    <ee:message>
      <ee:set-payload><![CDATA[%dw 2.0
output application/java
var skip = {Not_A_Field__c: 1}
---
[{
  Tier__c: payload.tier,
  "ns__Region__c": payload.region,
  Phone: payload.phone
}]]]></ee:set-payload>
    </ee:message>
  </ee:transform>
  <logger level="INFO" message="#[payload]"/>
  <set-variable variableName="x" value="#[1]"/>
  <salesforce:create type="Account" config-ref="SF"/>
  <salesforce:query config-ref="SF"><salesforce:salesforce-query>SELECT Id FROM Account</salesforce:salesforce-query></salesforce:query>
</flow></mule>"##,
    ]
    .concat();
    let got = writes(&xml);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "salesforce:create");
    assert_eq!(
        got[0].1,
        [
            ("Tier__c".to_string(), 15, 3),
            ("ns__Region__c".to_string(), 16, 4),
            ("Phone".to_string(), 17, 3)
        ]
    );
    assert_eq!(got[0].2, None);
}

/// The records written in the operation's own child (`#[...]`) are read
/// instead of the payload; `#[payload]` there is the payload.
#[test]
fn inline_records_and_payload_map() {
    let xml = [
        HEAD,
        r##"<flow name="f">
  <ee:transform><ee:message><ee:set-payload><![CDATA[payload map (c) -> { Old__c: c.x }]]></ee:set-payload></ee:message></ee:transform>
  <salesforce:update type="Contact" config-ref="SF">
    <salesforce:records><![CDATA[#[[{ Id: vars.id, Score__c: 3 }]]]]></salesforce:records>
  </salesforce:update>
</flow>
<flow name="g">
  <set-payload value="#[payload map ((c, i) -> { Rank__c: i })]"/>
  <salesforce:create-single type="Lead" config-ref="SF">
    <salesforce:records>#[payload]</salesforce:records>
  </salesforce:create-single>
</flow></mule>"##,
    ]
    .concat();
    let got = writes(&xml);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(names(&got[0]), ["Id", "Score__c"]);
    assert_eq!(got[0].2, None);
    assert_eq!(names(&got[1]), ["Rank__c"]);
    assert_eq!(got[1].1[0].1, 14);
}

/// An upsert's external id field is written, the first of its fields; a
/// nested object (a related record found by its external id) sets the
/// relationship's lookup field, and its own keys are not this object's
/// fields.
#[test]
fn upsert_external_id_and_relationship_keys() {
    let xml = [
        HEAD,
        r##"<flow name="f">
  <ee:transform><ee:message><ee:set-payload><![CDATA[%dw 2.0
output application/java
---
[{ Shop_Id__c: payload.id, Account__r: { External_Id__c: payload.account }, Account: { Tier__c: 1 }, Level__c: 2 }]]]></ee:set-payload></ee:message></ee:transform>
  <salesforce:upsert objectType="Contact" externalIdFieldName="Shop_Id__c" config-ref="SF"/>
</flow></mule>"##,
    ]
    .concat();
    let got = writes(&xml);
    assert_eq!(
        names(&got[0]),
        ["Shop_Id__c", "Account__c", "AccountId", "Level__c"]
    );
    // At the attribute.
    assert_eq!((got[0].1[0].1, got[0].1[0].2), (12, 43));
}

/// A payload set, then replaced (a database query, a flow-ref) or not set
/// in the flow at all, writes fields not known here, with why; a scope
/// that sets a payload inside hides the one before it; an error
/// handler's payload does not reach the flow's path; the upsert's external
/// id is known all the same.
#[test]
fn payloads_not_known_say_why() {
    let xml = [
        HEAD,
        r##"<flow name="overwritten">
  <ee:transform><ee:message><ee:set-payload><![CDATA[{ A__c: 1 }]]></ee:set-payload></ee:message></ee:transform>
  <db:select config-ref="db"><db:sql>SELECT 1</db:sql></db:select>
  <salesforce:create type="Account" config-ref="SF"/>
</flow>
<flow name="input">
  <http:listener config-ref="l" path="/x"><http:response statusCode="200"/></http:listener>
  <salesforce:upsert objectType="Account" externalIdFieldName="Ext__c" config-ref="SF"/>
</flow>
<flow name="called">
  <ee:transform><ee:message><ee:set-payload><![CDATA[{ B__c: 1 }]]></ee:set-payload></ee:message></ee:transform>
  <flow-ref name="other"/>
  <salesforce:create type="Account" config-ref="SF"/>
</flow>
<flow name="variable">
  <salesforce:create type="Account" config-ref="SF"><salesforce:records>#[vars.accounts]</salesforce:records></salesforce:create>
</flow>
<flow name="choice">
  <ee:transform><ee:message><ee:set-payload><![CDATA[{ C__c: 1 }]]></ee:set-payload></ee:message></ee:transform>
  <choice>
    <when expression="#[true]"><ee:transform><ee:message><ee:set-payload><![CDATA[{ D__c: 1 }]]></ee:set-payload></ee:message></ee:transform></when>
    <otherwise><salesforce:create type="Account" config-ref="SF"/></otherwise>
  </choice>
  <salesforce:create type="Account" config-ref="SF"/>
</flow>
<flow name="try">
  <ee:transform><ee:message><ee:set-payload><![CDATA[{ E__c: 1 }]]></ee:set-payload></ee:message></ee:transform>
  <try>
    <salesforce:create type="Account" config-ref="SF"/>
    <error-handler><on-error-continue><set-payload value="#[{ F__c: 1 }]"/></on-error-continue></error-handler>
  </try>
</flow></mule>"##,
    ]
    .concat();
    let got = writes(&xml);
    let shown: Vec<(Vec<&str>, Option<UnreadPayload>)> =
        got.iter().map(|g| (names(g), g.2)).collect();
    assert_eq!(
        shown,
        [
            (vec![], Some(UnreadPayload::Processor)),
            (vec!["Ext__c"], Some(UnreadPayload::FlowInput)),
            (vec![], Some(UnreadPayload::FlowRef)),
            (vec![], Some(UnreadPayload::Expression)),
            // The otherwise branch starts from the payload before the
            // choice; after the choice, which may set one, it is not known.
            (vec!["C__c"], None),
            (vec![], Some(UnreadPayload::Processor)),
            // In the try, the payload before it.
            (vec!["E__c"], None),
        ]
    );
}

/// A script in a file of the app is named for the assembly to read.
#[test]
fn a_resource_script_is_named() {
    let xml = [
        HEAD,
        r##"<flow name="f">
  <ee:transform><ee:message><ee:set-payload resource="dwl/to-account.dwl"/></ee:message></ee:transform>
  <salesforce:create type="Account" config-ref="SF"/>
</flow></mule>"##,
    ]
    .concat();
    let f = read_mule_xml(&xml, "app/src/main/mule/flows.xml", true);
    let w = f.operations[0].writes.as_deref().unwrap();
    assert_eq!(w.resource.as_deref(), Some("dwl/to-account.dwl"));
    assert_eq!(w.unread, Some(UnreadPayload::Resource));
}

/// Mule 3: `dw:transform-message` then `sfdc:create`, and a bulk job that
/// upserts; a job that queries writes nothing.
#[test]
fn mule3_transform_message_and_bulk_jobs() {
    let xml = r##"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
  xmlns:dw="http://www.mulesoft.org/schema/mule/ee/dw"
  xmlns:sfdc="http://www.mulesoft.org/schema/mule/sfdc"
  xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
<flow name="f">
  <dw:transform-message>
    <dw:set-payload><![CDATA[%dw 1.0
%output application/java
---
[{ Legacy_Id__c: payload.id, LastName: payload.name }]]]></dw:set-payload>
  </dw:transform-message>
  <sfdc:create type="Contact" config-ref="SF">
    <sfdc:objects ref="#[payload]"/>
  </sfdc:create>
</flow>
<flow name="g">
  <set-payload value="#[payload map { Batch__c: $.b }]"/>
  <salesforce:create-job operation="upsert" type="Account" externalIdFieldName="Ext__c" config-ref="SF"/>
  <salesforce:create-job operation="query" type="Account" config-ref="SF"/>
</flow></mule>"##;
    let got = writes(xml);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, "sfdc:create");
    assert_eq!(names(&got[0]), ["Legacy_Id__c", "LastName"]);
    assert_eq!(got[1].0, "salesforce:create-job");
    assert_eq!(names(&got[1]), ["Ext__c", "Batch__c"]);
}

/// Found by testing an estate: an update right after a query (no DataWeave
/// in the flow) was said to have its payload changed "between the DataWeave
/// and it". The reason says what sets its records, DataWeave or not.
#[test]
fn a_write_after_a_query_names_no_dataweave() {
    let xml = [
        HEAD,
        r##"<flow name="f">
  <salesforce:query config-ref="SF">
    <salesforce:salesforce-query>SELECT Id, Amount__c FROM Invoice__c</salesforce:salesforce-query>
  </salesforce:query>
  <salesforce:update config-ref="SF" type="Invoice__c"/>
</flow>
</mule>
"##,
    ]
    .concat();
    let shown = writes(&xml);
    assert_eq!(shown.len(), 1, "{shown:?}");
    let reason = shown[0].2.expect("its records are not read");
    assert_eq!(reason, UnreadPayload::Processor);
    let said = reason.describe();
    assert!(!said.contains("DataWeave and it"), "{said}");
    assert!(said.contains("another processor before it"), "{said}");
}
