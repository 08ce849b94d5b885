//! Credentials in HTTP request bodies and password grants in request-config
//! defaults, end to end. The scan drops the `<http:request>`s that reach no
//! Salesforce host as soon as an app is read (to save memory) unless they
//! send credentials: a request whose body (its `<http:body>`, or the payload
//! set just before it) carries a credential must be kept, so that IG102
//! reports each literal body field at its value.

use crate::support;

use support::*;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:doc="http://www.mulesoft.org/schema/mule/documentation"
      xmlns:http="http://www.mulesoft.org/schema/mule/http"
      xmlns:ee="http://www.mulesoft.org/schema/mule/ee/core">
"#;

/// The clear body credentials of the fixture.
const SECRETS: [&str; 4] = [
    "PartnerBodySecret-60413",
    "PartnerFormPassw0rd-2291",
    "PartnerJsonApiKey-7730",
    "PartnerM3Passw0rd-5512",
];

#[test]
fn body_credentials_of_requests_to_any_host_are_reported_at_the_value() {
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "partner-client", &[]);
    let xml = format!(
        r#"{HEAD}  <http:request-config name="Partner_Api">
    <http:request-connection protocol="HTTPS" host="partner.acme.example" port="443"/>
  </http:request-config>
  <http:request-config name="Salesforce_Token">
    <http:request-connection protocol="HTTPS" host="login.salesforce.com" port="443"/>
    <http:default-query-params>
      <http:query-param key="grant_type" value="password"/>
    </http:default-query-params>
  </http:request-config>
  <flow name="partner-token-flow">
    <http:request method="POST" config-ref="Partner_Api" path="/oauth/token">
      <http:body><![CDATA[#[output application/x-www-form-urlencoded --- {{ grant_type: "client_credentials", client_id: "partner-client", client_secret: "{s0}" }}]]]></http:body>
    </http:request>
    <http:request method="POST" config-ref="Partner_Api" path="/oauth/token">
      <http:body>#["grant_type=password&amp;username=svc.partner&amp;password={s1}"]</http:body>
    </http:request>
  </flow>
  <flow name="partner-login-flow">
    <ee:transform>
      <ee:message>
        <ee:set-payload><![CDATA[%dw 2.0
output application/json
---
{{
  "username": "svc.partner",
  apiKey: '{s2}'
}}]]></ee:set-payload>
      </ee:message>
    </ee:transform>
    <http:request method="POST" config-ref="Partner_Api" path="/login"/>
  </flow>
  <flow name="partner-clean-flow">
    <http:request method="POST" config-ref="Partner_Api" path="/oauth/token">
      <http:body>#[{{ grant_type: "client_credentials", client_secret: p('secure::partner.secret'), password: vars.pw }}]</http:body>
    </http:request>
    <http:request method="GET" config-ref="Partner_Api" path="/status"/>
  </flow>
  <flow name="salesforce-token-flow">
    <http:request method="POST" config-ref="Salesforce_Token" path="/services/oauth2/token"/>
  </flow>
</mule>
"#,
        s0 = SECRETS[0],
        s1 = SECRETS[1],
        s2 = SECRETS[2],
    );
    write(&app, "src/main/mule/partner.xml", &xml);
    // Mule 3: the payload is the body; a form-encoded literal.
    let m3 = tmp.path().join("partner-m3");
    write(
        &m3,
        "mule-project.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule-project xmlns="http://www.mulesoft.org/schema/mule/mule-project" runtimeId="org.mule.tooling.server.3.9.5.ee" schemaVersion="5.0.0">
    <name>partner-m3</name>
</mule-project>
"#,
    );
    let m3_xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http">
    <http:request-config name="Partner_Api" protocol="HTTPS" host="partner.acme.example" port="443"/>
    <flow name="partner-token-m3">
        <set-payload value="grant_type=password&amp;username=svc.partner&amp;password={}"/>
        <http:request config-ref="Partner_Api" path="/oauth/token" method="POST"/>
    </flow>
</mule>
"#,
        SECRETS[3]
    );
    write(&m3, "src/main/app/partner.xml", &m3_xml);

    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_code(1);
    let mut got: Vec<(String, String, u64, u64)> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG102" || f["rule"] == "IG101")
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let file = if path.ends_with("app/partner.xml") {
                "m3"
            } else {
                "m4"
            };
            (
                f["rule"].as_str().unwrap().to_string(),
                file.to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    let at = |text: &str, needle: &str| pos_in(text, needle);
    let m4 = |needle: &str| {
        let (l, c) = at(&xml, needle);
        ("IG102".to_string(), "m4".to_string(), l, c)
    };
    let (m3_line, m3_col) = at(&m3_xml, SECRETS[3]);
    let (sf_line, sf_col) = at(
        &xml,
        r#"<http:request method="POST" config-ref="Salesforce_Token""#,
    );
    let mut want = vec![
        // The DataWeave string's opening quote, a form value's first character.
        m4(&format!("\"{}", SECRETS[0])),
        m4(SECRETS[1]),
        m4(&format!("'{}", SECRETS[2])),
        ("IG102".to_string(), "m3".to_string(), m3_line, m3_col),
        // grant_type=password in the request config's default query parameters.
        ("IG101".to_string(), "m4".to_string(), sf_line, sf_col),
    ];
    want.sort();
    assert_eq!(got, want, "{report:#}");
    let messages: Vec<&str> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG102")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .all(|m| m.contains("sends the body field `")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains(
            "body field `apiKey` (in the payload <ee:set-payload> sets before the request)"
        )),
        "{messages:#?}"
    );
    assert_masked_in_every_format(tmp.path(), &SECRETS);
}

/// Credentials in payloads that no `<http:request>` of their flow sends
/// (sent by nothing, or by a request whose config's `sendBodyMode` is NEVER)
/// are still written in the XML: reported at the value, said to be unsent;
/// one a flow-ref hands a sub-flow is sent by the sub-flow's first request.
/// All are masked everywhere and moved to secure properties by `fix
/// secrets`. A payload that reads its credential from a property is not
/// reported.
#[test]
fn payload_credentials_no_request_sends_are_reported_where_they_are_set() {
    const UNSENT: [&str; 3] = [
        "PayloadToSubflowSecret-4410",
        "PayloadForNobodyPassw0rd-8812",
        "NeverSentApiKey-3301",
    ];
    let tmp = tempfile::tempdir().unwrap();
    let app = mule4_app(tmp.path(), "partner-batch", &[]);
    let xml = format!(
        r##"{HEAD}  <http:request-config name="Partner_Api">
    <http:request-connection protocol="HTTPS" host="partner.acme.example" port="443"/>
  </http:request-config>
  <http:request-config name="Partner_Ping" sendBodyMode="NEVER">
    <http:request-connection protocol="HTTPS" host="partner.acme.example" port="443"/>
  </http:request-config>
  <flow name="token-flow">
    <ee:transform>
      <ee:message>
        <ee:set-payload><![CDATA[%dw 2.0
output application/json
---
{{ client_id: "partner-batch", client_secret: "{s0}" }}]]></ee:set-payload>
      </ee:message>
    </ee:transform>
    <flow-ref name="call-partner"/>
  </flow>
  <sub-flow name="call-partner">
    <http:request method="POST" config-ref="Partner_Api" path="/oauth/token"/>
  </sub-flow>
  <flow name="draft-flow">
    <set-payload value='#[output application/json --- {{ "password": "{s1}" }}]'/>
    <logger level="INFO" message="draft ready"/>
  </flow>
  <flow name="ping-flow">
    <set-payload value='#[output application/json --- {{ api_key: "{s2}" }}]'/>
    <http:request method="POST" config-ref="Partner_Ping" path="/ping"/>
  </flow>
  <flow name="clean-flow">
    <set-payload value="#[output application/json --- {{ password: p('secure::partner.password') }}]"/>
    <flow-ref name="call-partner"/>
  </flow>
</mule>
"##,
        s0 = UNSENT[0],
        s1 = UNSENT[1],
        s2 = UNSENT[2],
    );
    write(&app, "src/main/mule/batch.xml", &xml);

    let (run, report) = scan_json(tmp.path(), &[]);
    run.expect_code(1);
    let ig102: Vec<&serde_json::Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "IG102")
        .collect();
    let mut got: Vec<(u64, u64)> = ig102
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    got.sort();
    let mut want = vec![
        pos_in(&xml, &format!("\"{}", UNSENT[0])),
        pos_in(&xml, &format!("\"{}", UNSENT[1])),
        pos_in(&xml, &format!("\"{}", UNSENT[2])),
    ];
    want.sort();
    assert_eq!(got, want, "{report:#}");
    // Handed to `call-partner` by a flow-ref: sent by its request.
    let handed = "<http:request> in flow `call-partner` (config `Partner_Api`) sends the body field `client_secret` (in the payload <ee:set-payload> in flow `token-flow` sets before its flow-ref to this flow)";
    assert!(
        ig102
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains(handed)),
        "{handed} {report:#}"
    );
    for (flow, field) in [("draft-flow", "password"), ("ping-flow", "api_key")] {
        let said = format!(
            "in flow `{flow}` sets the payload field `{field}` (no <http:request> of this flow sends it as its body)"
        );
        assert!(
            ig102
                .iter()
                .any(|f| f["message"].as_str().unwrap().contains(&said)),
            "{said} {report:#}"
        );
    }
    assert_masked_in_every_format(tmp.path(), &UNSENT);

    // `fix secrets` moves each into a secure property named after its flow.
    let fix = run_cmd(
        intguard()
            .args(["fix", "secrets", "--key-env", "PARTNER_KEY", "--force"])
            .arg(&app)
            .env("PARTNER_KEY", "0123456789abcdef"),
    );
    fix.expect_no_panic();
    let fixed = std::fs::read_to_string(app.join("src/main/mule/batch.xml")).unwrap();
    for s in UNSENT {
        assert!(!fixed.contains(s), "{s} left in {fixed}");
        assert!(!fix.stdout.contains(s) && !fix.stderr.contains(s));
    }
    for prop in [
        "partner_api.client_secret",
        "draft_flow.password",
        "ping_flow.api_key",
    ] {
        assert!(
            fixed.contains(&format!("p(\"secure::{prop}\")")),
            "{prop} in {fixed}"
        );
    }
    let (_, after) = scan_json(tmp.path(), &[]);
    assert!(
        findings(&after).iter().all(|f| f["rule"] != "IG102"),
        "{after:#}"
    );
}
