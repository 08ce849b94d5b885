use super::*;
use intguard_model::AuthClass;

/// A Spring beans file (root `<beans>` in the Spring beans namespace) is
/// read for its beans wherever it lies: secret-named properties and
/// constructor arguments, written as `value` or as a `<value>` child's
/// text (located at the text), owned by the bean's `id`; a `ref`, a
/// plain name and a `<value>` of another property are not secrets. A
/// PGP key ring bean is a key loader there too. A `<beans>` root in no
/// namespace is not Spring's.
#[test]
fn spring_beans_file() {
    let xml = r#"<?xml version="1.0"?>
<beans xmlns="http://www.springframework.org/schema/beans">
  <bean id="ds" class="org.apache.commons.dbcp2.BasicDataSource">
    <property name="username"><value>svc</value></property>
    <property name="password" value="pw-1"/>
    <property name="secret" ref="vault"/>
  </bean>
  <bean id="client" class="com.acme.Client">
    <constructor-arg name="clientSecret" value="cs-2"/>
    <property name="apiKey">
      <value>
        key-3
      </value>
    </property>
    <property name="token"><value>${api.token}</value></property>
  </bean>
  <bean id="keys" class="org.mule.module.pgp.PGPKeyRingImpl">
    <property name="secretKeyRingFileName" value="secring.gpg"/>
  </bean>
</beans>"#;
    let f = read_mule_xml(xml, "app/src/main/resources/beans.xml", false);
    assert!(f.spring_beans && !f.is_mule);
    type Seen<'a> = (&'a str, Option<&'a str>, &'a str, &'a str, u32, u32);
    let got: Vec<Seen<'_>> = f
        .secret_attributes
        .iter()
        .map(|a| {
            (
                a.element.as_str(),
                a.owner.as_deref(),
                a.name.as_str(),
                a.value.raw.as_str(),
                a.value.location.line,
                a.value.location.column,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("property", Some("ds"), "password", "pw-1", 5, 31),
            (
                "constructor-arg",
                Some("client"),
                "clientSecret",
                "cs-2",
                9,
                42
            ),
            ("property", Some("client"), "apiKey", "key-3", 12, 9),
            ("property", Some("client"), "token", "${api.token}", 15, 35),
        ]
    );
    assert!(f
        .secret_attributes
        .iter()
        .all(|a| a.written_name() == "value"));
    assert_eq!(f.key_loaders.len(), 1);
    assert_eq!(f.key_loaders[0].kind, KeyLoaderKind::PgpKeyRingBean);

    let plain = read_mule_xml(
        r#"<beans><bean id="x"><property name="password" value="pw"/></bean></beans>"#,
        "app/src/main/resources/other.xml",
        false,
    );
    assert!(!plain.spring_beans && plain.secret_attributes.is_empty());
}

/// Each attribute of well-formed `s` (in a file holding a CR): its name,
/// its value as read, and whether that value borrows the text as written.
fn values_read(s: &str) -> Vec<(&str, String, bool)> {
    let mut attrs = Vec::new();
    assert_eq!(parse_attrs(s, 0, true, &mut attrs), None);
    attrs
        .iter()
        .map(|a| {
            (
                a.name,
                a.value.to_string(),
                matches!(a.value, Cow::Borrowed(_)),
            )
        })
        .collect()
}

#[test]
fn entities_are_told_per_value() {
    let s = r#" a="plain" b='x&amp;y' c="t&lt;" d="open&amp;"#;
    let got = values_read(s);
    let got: Vec<(&str, &str, bool)> = got.iter().map(|(n, v, b)| (*n, v.as_str(), *b)).collect();
    assert_eq!(
        got,
        vec![
            ("a", "plain", true),
            ("b", "x&y", false),
            ("c", "t<", false),
            // Unterminated: the value runs to the end, entity decoded.
            ("d", "open&", false),
        ]
    );
}

#[test]
fn attrs_with_positions() {
    let s = r#" name="a" password = 'p&amp;w' x=y/"#;
    let mut attrs = Vec::new();
    let problem = parse_attrs(s, 10, false, &mut attrs);
    assert_eq!(
        problem,
        Some((
            10 + s.find("x=").unwrap(),
            "an attribute value without quotes"
        ))
    );
    assert_eq!(attrs.len(), 3);
    assert_eq!(attrs[1].name, "password");
    assert_eq!(attrs[1].value, "p&w");
    assert_eq!(attrs[1].offset, 10 + s.find("password").unwrap());
    assert_eq!(attrs[2].value, "y/");
}

#[test]
fn query_text_is_kept_exactly_across_text_cdata_and_references() {
    // Text pieces are taken from the file's text without re-validation:
    // multi-byte characters on either side of a CDATA section and of an
    // entity must come out whole.
    let xml = "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\" \
                   xmlns:salesforce=\"http://www.mulesoft.org/schema/mule/salesforce\">\
                   <flow name=\"f\"><salesforce:query config-ref=\"sf\">\
                   <salesforce:salesforce-query>SELECT Id FROM Account WHERE Name = 'Zürich' \
                   <![CDATA[AND City <> 'Köln']]> AND Note = 'a&amp;b ✓'</salesforce:salesforce-query>\
                   </salesforce:query></flow></mule>";
    let facts = read_mule_xml(xml, "src/main/mule/f.xml", true);
    assert_eq!(facts.operations.len(), 1);
    assert_eq!(
        facts.operations[0].soql.as_deref(),
        Some("SELECT Id FROM Account WHERE Name = 'Zürich' AND City <> 'Köln' AND Note = 'a&b ✓'")
    );
}

/// A search's SOSL, in a child element or an attribute (Mule 4) or in
/// `query` (Mule 3), is kept as the operation's query: its `RETURNING`
/// objects are what it reads.
#[test]
fn a_search_keeps_its_sosl_from_a_child_or_an_attribute() {
    let xml = "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\" \
                   xmlns:salesforce=\"http://www.mulesoft.org/schema/mule/salesforce\" \
                   xmlns:sfdc=\"http://www.mulesoft.org/schema/mule/sfdc\">\
                   <flow name=\"f\"><salesforce:search config-ref=\"sf\">\
                   <salesforce:search-string>FIND {Acme} RETURNING Account(Name), Contact\
                   </salesforce:search-string></salesforce:search>\
                   <salesforce:search config-ref=\"sf\" searchString=\"FIND {x} RETURNING Lead\"/>\
                   <sfdc:search config-ref=\"sf3\" query=\"FIND {y} RETURNING Case\"/>\
                   </flow></mule>";
    let facts = read_mule_xml(xml, "src/main/mule/f.xml", true);
    let queries: Vec<Option<&str>> = facts.operations.iter().map(|o| o.soql.as_deref()).collect();
    assert_eq!(
        queries,
        [
            Some("FIND {Acme} RETURNING Account(Name), Contact"),
            Some("FIND {x} RETURNING Lead"),
            Some("FIND {y} RETURNING Case"),
        ]
    );
}

/// Mule 3 Salesforce connector 8.x/9.x names its configs
/// `cached-basic-config` and `cached-config-oauth-jwt-bearer` (the names
/// MuleSoft's migration assistant reads): connections, classified by what
/// they hold, and no operations.
#[test]
fn mule3_cached_sfdc_configs_are_connections_not_operations() {
    let xml = "<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\" \
                   xmlns:sfdc=\"http://www.mulesoft.org/schema/mule/sfdc\">\
                   <sfdc:cached-basic-config name=\"basic\" username=\"u\" password=\"${p}\"/>\
                   <sfdc:cached-config-oauth-jwt-bearer name=\"jwt\" consumerKey=\"${k}\" \
                   keyStore=\"k.jks\" storePassword=\"${s}\" principal=\"${u}\"/>\
                   <sfdc:cached-config-oauth-jwt-bearer name=\"jwt-props\" consumerKey=\"${k}\"/>\
                   <flow name=\"f\"><sfdc:query config-ref=\"jwt\" query=\"SELECT Id FROM Case\"/></flow>\
                   </mule>";
    let facts = read_mule_xml(xml, "src/main/app/f.xml", true);
    let got: Vec<(&str, &str, AuthClass)> = facts
        .salesforce_connections
        .iter()
        .map(|c| (c.config_name.as_str(), c.element.as_str(), c.auth))
        .collect();
    assert_eq!(
        got,
        [
            ("basic", "sfdc:cached-basic-config", AuthClass::Password),
            (
                "jwt",
                "sfdc:cached-config-oauth-jwt-bearer",
                AuthClass::Certificate
            ),
            (
                "jwt-props",
                "sfdc:cached-config-oauth-jwt-bearer",
                AuthClass::Certificate
            ),
        ]
    );
    let ops: Vec<&str> = facts
        .operations
        .iter()
        .map(|o| o.element.as_str())
        .collect();
    assert_eq!(ops, ["sfdc:query"]);
}

/// A Mule 3 Spring `PropertyPlaceholderConfigurer` bean loads property
/// files like `<context:property-placeholder>`: its `location` value, or
/// its `locations` list (one import, in order, at its first file). Another
/// bean's `location` property is not an import, and a placeholder bean's
/// secret property is still a secret.
#[test]
fn mule3_spring_property_placeholder_beans_import_files() {
    let xml = r#"<mule xmlns="http://www.mulesoft.org/schema/mule/core"
      xmlns:spring="http://www.springframework.org/schema/beans">
  <spring:beans>
    <spring:bean id="one" class="org.springframework.beans.factory.config.PropertyPlaceholderConfigurer">
      <spring:property name="location" value="classpath:common.properties"/>
    </spring:bean>
    <spring:bean id="many" class="org.springframework.beans.factory.config.PropertyPlaceholderConfigurer">
      <spring:property name="locations">
        <spring:list>
          <spring:value>classpath:legacy.properties</spring:value>
          <spring:value>
            classpath:legacy.${mule.env}.properties
          </spring:value>
        </spring:list>
      </spring:property>
      <spring:property name="password" value="pw-1"/>
    </spring:bean>
    <spring:bean id="report" class="com.acme.ReportWriter">
      <spring:property name="location" value="/var/reports"/>
    </spring:bean>
  </spring:beans>
</mule>"#;
    let f = read_mule_xml(xml, "app/src/main/app/legacy.xml", true);
    let got: Vec<(&str, &str, u32, bool)> = f
        .property_imports
        .iter()
        .map(|i| {
            (
                i.element.as_str(),
                i.file.raw.as_str(),
                i.file.location.line,
                i.secure,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("spring:property", "classpath:common.properties", 5, false),
            (
                "spring:property",
                "classpath:legacy.properties,classpath:legacy.${mule.env}.properties",
                10,
                false
            ),
        ]
    );
    let secrets: Vec<&str> = f
        .secret_attributes
        .iter()
        .map(|a| a.value.raw.as_str())
        .collect();
    assert_eq!(secrets, ["pw-1"]);
}

#[test]
fn common_plain_attributes_are_not_secret_names() {
    for name in [
        "config-ref",
        "message",
        "level",
        "category",
        "name",
        "value",
        "variableName",
        "path",
        "expression",
        "type",
        "method",
        "target",
        "targetValue",
        "logException",
        "enableNotifications",
        "collection",
        "batchSize",
        "objectType",
        "externalIdFieldName",
        "allowedMethods",
        "version",
        "encoding",
        "mimeType",
        "when",
    ] {
        assert!(is_common_plain_attribute(name), "{name}");
        assert!(!vocab::is_secret_name(name), "{name} is a secret name");
    }
    assert!(!is_common_plain_attribute("password"));
}

#[test]
fn not_mule_root() {
    let f = read_mule_xml("<project><a/></project>", "p.xml", false);
    assert!(!f.is_mule);
    assert!(f.diagnostics.is_empty());
}

#[test]
fn request_credentials_with_positions() {
    let xml = r##"<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <http:request-config name="Stock_Config">
    <http:request-connection host="stock.acme.com"/>
    <http:default-headers>
      <http:default-header key="Authorization" value="Basic c3RvY2s6c2VjcmV0"/>
      <http:default-header key="Accept" value="application/json"/>
    </http:default-headers>
    <http:default-query-params>
      <http:query-param key="apikey" value="${stock.apikey}"/>
    </http:default-query-params>
  </http:request-config>
  <flow name="get-stock">
    <http:request method="GET" config-ref="Stock_Config" path="/x">
      <http:headers><![CDATA[#[{
  'Authorization': 'Bearer abcDEF123',
  'Accept': 'application/json'
}]]]></http:headers>
      <http:query-params>#[{client_secret: &quot;s3cr3tValue&quot;}]</http:query-params>
    </http:request>
    <http:request method="GET" url="http://m3.acme.com/x">
      <http:request-builder>
        <http:header headerName="Authorization" value="Bearer m3Literal"/>
        <http:query-param paramName="access_token" value="#[flowVars.token]"/>
      </http:request-builder>
    </http:request>
  </flow>
</mule>
"##;
    let f = read_mule_xml(xml, "a.xml", true);
    let config = &f.http_requests[0];
    let d: Vec<(&str, u32, u32, bool)> = config
        .default_credentials
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.value.location.line,
                c.value.location.column,
                c.constant,
            )
        })
        .collect();
    assert_eq!(
        d,
        vec![("Authorization", 5, 48, true), ("apikey", 9, 38, false)]
    );
    assert_eq!(
        config.default_credentials[0].owner.as_deref(),
        Some("Stock_Config")
    );
    assert_eq!(
        config.default_credentials[1].kind,
        HttpParamKind::QueryParam
    );
    let ops = &f.http_request_operations;
    let c: Vec<(&str, &str, u32, u32, bool)> = ops[0]
        .credentials
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.value.raw.as_str(),
                c.value.location.line,
                c.value.location.column,
                c.constant,
            )
        })
        .collect();
    assert_eq!(
        c,
        vec![
            ("Authorization", "Bearer abcDEF123", 15, 20, true),
            ("client_secret", "s3cr3tValue", 18, 44, true),
        ]
    );
    assert_eq!(ops[0].credentials[0].owner.as_deref(), Some("get-stock"));
    let m3: Vec<(&str, u32, bool)> = ops[1]
        .credentials
        .iter()
        .map(|c| (c.name.as_str(), c.value.location.line, c.constant))
        .collect();
    assert_eq!(
        m3,
        vec![("Authorization", 22, true), ("access_token", 23, false)]
    );
}

/// After a `flow-ref` or a Salesforce operation the payload is what it
/// returns: the request after it does not send the payload set before
/// it; a logger changes nothing. The payload a `flow-ref` hands a flow is
/// sent by that flow's first request when nothing there set the payload
/// before it, else it is kept as unsent.
#[test]
fn flow_refs_and_salesforce_operations_replace_the_payload() {
    let xml = r##"<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <flow name="a">
    <set-payload value='#[{ password: "BeforeRef1" }]'/>
    <flow-ref name="b"/>
    <http:request method="POST" url="https://partner.example/a"/>
  </flow>
  <flow name="c">
    <set-payload value='#[{ password: "BeforeQuery2" }]'/>
    <salesforce:query config-ref="SF"><salesforce:salesforce-query>SELECT Id FROM Account</salesforce:salesforce-query></salesforce:query>
    <http:request method="POST" url="https://partner.example/c"/>
  </flow>
  <flow name="d">
    <set-payload value='#[{ password: "Sent3" }]'/>
    <logger message="sending"/>
    <http:request method="POST" url="https://partner.example/d"/>
  </flow>
  <flow name="x">
    <set-payload value='#[{ password: "ToE4" }]'/>
    <flow-ref name="e"/>
  </flow>
  <sub-flow name="b">
    <logger message="calling"/>
    <http:request method="POST" url="https://partner.example/b"/>
  </sub-flow>
  <sub-flow name="e">
    <set-payload value='#[{ id: 1 }]'/>
    <http:request method="POST" url="https://partner.example/e"/>
  </sub-flow>
</mule>
"##;
    let mut f = read_mule_xml(xml, "a.xml", true);
    let raw =
        |cs: &[HttpCredential]| -> Vec<String> { cs.iter().map(|c| c.value.raw.clone()).collect() };
    let sent: Vec<Vec<String>> = f
        .http_request_operations
        .iter()
        .map(|op| raw(&op.credentials))
        .collect();
    assert_eq!(
        sent,
        [vec![], vec![], vec!["Sent3".to_string()], vec![], vec![]]
    );
    let flows: Vec<(Option<&str>, bool)> = f
        .http_request_operations
        .iter()
        .map(|op| (op.flow.as_deref(), op.sends_caller_payload))
        .collect();
    assert_eq!(
        flows,
        [
            (Some("a"), false),
            (Some("c"), false),
            (Some("d"), false),
            (Some("b"), true),
            (Some("e"), false)
        ]
    );
    // `e` is in this file and sets its own payload before its request:
    // what `x` hands it is unsent, read as such when the file ends.
    assert_eq!(raw(&f.unsent_payload_credentials), ["BeforeQuery2", "ToE4"]);
    let handed: Vec<(&str, Vec<String>)> = f
        .payload_handoffs
        .iter()
        .map(|h| (h.target.as_str(), raw(&h.credentials)))
        .collect();
    assert_eq!(handed, [("b", vec!["BeforeRef1".to_string()])]);
    assert!(f.payload_forwards.is_empty(), "{:?}", f.payload_forwards);
    let handoffs = std::mem::take(&mut f.payload_handoffs);
    settle_body_mode(
        &mut f.http_request_operations,
        &[],
        &mut f.unsent_payload_credentials,
    );
    follow_flow_refs(
        &mut f.http_request_operations,
        handoffs,
        &[],
        &mut f.unsent_payload_credentials,
    );
    let b = &f.http_request_operations[3];
    assert_eq!(
        (raw(&b.credentials), b.payload_fields),
        (vec!["BeforeRef1".to_string()], 1)
    );
    assert_eq!(b.credentials[0].owner.as_deref(), Some("a"));
    assert_eq!(b.credentials[0].value.location.line, 3);
    assert_eq!(raw(&f.unsent_payload_credentials), ["BeforeQuery2", "ToE4"]);
    assert_eq!(f.operations.len(), 1);
}

/// A flow whose first payload step is a `flow-ref` hands the payload it
/// received on: the request at the end of the chain sends it, and says
/// which flows it went through. A loop, or a flow that sets its own
/// payload first, ends the chain: the payload is unsent.
#[test]
fn payloads_are_followed_through_flows_that_hand_them_on() {
    let xml = r##"<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <flow name="caller">
    <set-payload value='#[{ grant_type: "password", username: "int@acme.example", password: "Chain1" }]'/>
    <flow-ref name="wrapper"/>
  </flow>
  <sub-flow name="wrapper">
    <logger message="getting a token"/>
    <flow-ref name="token"/>
  </sub-flow>
  <sub-flow name="token">
    <http:request method="POST" url="https://login.example/token"/>
  </sub-flow>
  <flow name="loop-a">
    <set-payload value='#[{ password: "Loop2" }]'/>
    <flow-ref name="loop-b"/>
  </flow>
  <sub-flow name="loop-b">
    <flow-ref name="loop-c"/>
  </sub-flow>
  <sub-flow name="loop-c">
    <flow-ref name="loop-b"/>
  </sub-flow>
  <flow name="to-sets-first">
    <set-payload value='#[{ password: "NotForwarded3" }]'/>
    <flow-ref name="sets-first"/>
  </flow>
  <sub-flow name="sets-first">
    <set-payload value='#[{ id: 1 }]'/>
    <flow-ref name="token"/>
  </sub-flow>
</mule>
"##;
    let mut f = read_mule_xml(xml, "a.xml", true);
    let forwards: Vec<(&str, &str)> = f
        .payload_forwards
        .iter()
        .map(|p| (p.from.as_str(), p.to.as_str()))
        .collect();
    assert_eq!(
        forwards,
        [
            ("wrapper", "token"),
            ("loop-b", "loop-c"),
            ("loop-c", "loop-b")
        ]
    );
    let handoffs = std::mem::take(&mut f.payload_handoffs);
    let forwards = std::mem::take(&mut f.payload_forwards);
    settle_body_mode(
        &mut f.http_request_operations,
        &[],
        &mut f.unsent_payload_credentials,
    );
    follow_flow_refs(
        &mut f.http_request_operations,
        handoffs,
        &forwards,
        &mut f.unsent_payload_credentials,
    );
    let token = &f.http_request_operations[0];
    let sent: Vec<(&str, &str, Option<&str>, &[String])> = token
        .credentials
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.value.raw.as_str(),
                c.owner.as_deref(),
                c.handed_via.as_slice(),
            )
        })
        .collect();
    assert_eq!(
        sent,
        [(
            "password",
            "Chain1",
            Some("caller"),
            &["wrapper".to_string()][..]
        )]
    );
    assert_eq!(token.credentials[0].value.location.line, 3);
    // IG101 reads the password grant at the end of the chain.
    assert!(token
        .payload
        .as_deref()
        .is_some_and(|p| p.contains("grant_type")));
    let unsent: Vec<&str> = f
        .unsent_payload_credentials
        .iter()
        .map(|c| c.value.raw.as_str())
        .collect();
    assert_eq!(unsent, ["NotForwarded3", "Loop2"]);
}

/// A `flow-ref`, a Salesforce operation or a request whose result goes
/// to a variable (`target="..."`) leaves the payload: the request after
/// it sends it too, and the flow called still receives it.
#[test]
fn results_kept_in_variables_leave_the_payload() {
    let xml = r##"<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <flow name="t1">
    <set-payload value='#[{ password: "KeptRef5" }]'/>
    <flow-ref name="b" target="audit"/>
    <http:request method="POST" url="https://partner.example/t1"/>
  </flow>
  <flow name="t2">
    <set-payload value='#[{ password: "KeptQuery6" }]'/>
    <salesforce:query config-ref="SF" target="rows"><salesforce:salesforce-query>SELECT Id FROM Account</salesforce:salesforce-query></salesforce:query>
    <http:request method="POST" url="https://partner.example/t2"/>
  </flow>
  <flow name="t3">
    <set-payload value='#[{ password: "Twice7" }]'/>
    <http:request method="GET" url="https://partner.example/check" target="check"/>
    <http:request method="POST" url="https://partner.example/first" target="first"/>
    <http:request method="POST" url="https://partner.example/second"/>
    <http:request method="POST" url="https://partner.example/third"/>
  </flow>
</mule>
"##;
    let mut f = read_mule_xml(xml, "a.xml", true);
    // The GET sends no body (settled with the configs): what it read of
    // the payload goes, and the payload stays for the next request.
    let mut unsent = Vec::new();
    settle_body_mode(&mut f.http_request_operations, &[], &mut unsent);
    let sent: Vec<Vec<&str>> = f
        .http_request_operations
        .iter()
        .map(|op| {
            op.credentials
                .iter()
                .map(|c| c.value.raw.as_str())
                .collect()
        })
        .collect();
    assert_eq!(
        sent,
        [
            vec!["KeptRef5"],
            vec!["KeptQuery6"],
            vec![],
            vec!["Twice7"],
            vec!["Twice7"],
            vec![]
        ]
    );
    let handed: Vec<(&str, Vec<&str>)> = f
        .payload_handoffs
        .iter()
        .map(|h| {
            (
                h.target.as_str(),
                h.credentials.iter().map(|c| c.value.raw.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(handed, [("b", vec!["KeptRef5"])]);
    assert!(f.unsent_payload_credentials.is_empty());
}

#[test]
fn request_body_and_payload_credentials_with_positions() {
    let xml = r##"<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http" xmlns:ee="http://www.mulesoft.org/schema/mule/ee/core">
  <http:request-config name="Token_Config">
    <http:request-connection host="login.salesforce.com"/>
    <http:default-query-params>
      <http:query-param key="grant_type" value="password"/>
      <http:query-param key="password" value="${secure::pw}"/>
    </http:default-query-params>
  </http:request-config>
  <flow name="f">
    <set-payload value="#[&quot;grant_type=password&amp;password=Attr1Pw&quot;]"/>
    <http:request method="POST" config-ref="Token_Config" path="/t">
      <http:body><![CDATA[#[payload ++ { client_secret: "B0dySecret" }]]]></http:body>
      <http:query-params>
        <http:query-param key="grant_type" value="password"/>
        <http:query-param key="page" value="1"/>
      </http:query-params>
    </http:request>
    <http:request method="POST" config-ref="Token_Config" path="/again"/>
  </flow>
  <flow name="g">
    <ee:transform>
      <ee:message>
        <ee:set-payload><![CDATA[%dw 2.0
output application/json
---
{ password: "Scr1ptPw" }]]></ee:set-payload>
      </ee:message>
    </ee:transform>
  </flow>
  <flow name="h">
    <http:request method="POST" config-ref="Token_Config" path="/h">
      <http:body>grant_type=password&amp;password=T3xtPw</http:body>
    </http:request>
  </flow>
</mule>
"##;
    let f = read_mule_xml(xml, "a.xml", true);
    let config = &f.http_requests[0];
    assert_eq!(config.default_credentials.len(), 1);
    let defaults: Vec<(&str, &str, u32)> = config
        .default_query_params
        .iter()
        .map(|p| (p.name.as_str(), p.value.raw.as_str(), p.value.location.line))
        .collect();
    assert_eq!(defaults, vec![("grant_type", "password", 5)]);
    let ops = &f.http_request_operations;
    assert_eq!(ops.len(), 3);
    let creds = |i: usize| -> Vec<(&str, &str, u32, u32, bool, &str, HttpValueSyntax)> {
        ops[i]
            .credentials
            .iter()
            .map(|c| {
                assert_eq!(c.kind, HttpParamKind::BodyField);
                (
                    c.name.as_str(),
                    c.value.raw.as_str(),
                    c.value.location.line,
                    c.value.location.column,
                    c.constant,
                    c.element.as_str(),
                    c.syntax,
                )
            })
            .collect()
    };
    // The payload set before the first request is sent by its body (the
    // value of the attribute, through `&quot;` and `&amp;`), with the
    // body's own field.
    assert_eq!(
        creds(0),
        vec![
            (
                "password",
                "Attr1Pw",
                10,
                66,
                true,
                "set-payload",
                HttpValueSyntax::DataWeaveFormPair
            ),
            (
                "client_secret",
                "B0dySecret",
                12,
                57,
                true,
                "http:body",
                HttpValueSyntax::DataWeaveField
            ),
        ]
    );
    assert_eq!(ops[0].credentials[0].owner.as_deref(), Some("f"));
    let params: Vec<(&str, &str)> = ops[0]
        .query_params
        .iter()
        .map(|p| (p.name.as_str(), p.value.raw.as_str()))
        .collect();
    assert_eq!(params, vec![("grant_type", "password")]);
    // The next request sends the first one's response: no payload
    // credentials again.
    assert!(creds(1).is_empty());
    // A payload set in a flow without a request is nobody's body; literal
    // body text.
    assert_eq!(
        creds(2),
        vec![(
            "password",
            "T3xtPw",
            32,
            51,
            true,
            "http:body",
            HttpValueSyntax::Text
        )]
    );
}

#[test]
fn dsql() {
    assert_eq!(
        strip_dsql(" dsql:SELECT Id FROM Account"),
        "SELECT Id FROM Account"
    );
    assert_eq!(strip_dsql("SELECT Id"), "SELECT Id");
}

/// Line ends in attribute values are read as an XML parser reads them: a
/// CRLF or a lone CR is one LF (a `&#13;` reference stays a CR); other
/// whitespace is kept as written.
#[test]
fn line_ends_in_attribute_values_are_lf() {
    let s = " a=\"x\r\ny\" b='x\ny\tz' c=\"x\ry\" d=\"x&#13;y\r\n&amp;z\" e=\"plain\"";
    let got = values_read(s);
    let got: Vec<(&str, &str, bool)> = got.iter().map(|(n, v, b)| (*n, v.as_str(), *b)).collect();
    assert_eq!(
        got,
        vec![
            ("a", "x\ny", false),
            ("b", "x\ny\tz", true),
            ("c", "x\ny", false),
            ("d", "x\ry\n&z", false),
            ("e", "plain", true),
        ]
    );
}

/// A payload script written across CRLF lines: its credentials are found
/// where they are written, at the same line and column as with LF lines
/// (each CRLF inside the value is one LF, two bytes of the file).
#[test]
fn credentials_after_crlf_in_a_payload_script_keep_their_place() {
    let lf = r#"<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http">
  <flow name="f">
    <set-payload value='#[{
      user: "int",
      password: "Sent9", token: "Tok3n" }]'/>
    <http:request method="POST" url="https://partner.example/f"/>
  </flow>
</mule>
"#;
    let crlf = lf.replace('\n', "\r\n");
    let placed = |xml: &str| -> Vec<(String, u32, u32)> {
        let f = read_mule_xml(xml, "a.xml", true);
        f.http_request_operations[0]
            .credentials
            .iter()
            .map(|c| {
                let at = &c.value.location;
                (c.value.raw.clone(), at.line, at.column)
            })
            .collect()
    };
    let line = lf.lines().nth(4).unwrap();
    let col = |s: &str| line.find(s).unwrap() as u32 + 1;
    let want = vec![
        ("Sent9".to_string(), 5, col("\"Sent9\"")),
        ("Tok3n".to_string(), 5, col("\"Tok3n\"")),
    ];
    assert_eq!(placed(lf), want);
    assert_eq!(placed(&crlf), want);
}

/// A name written twice is found among few attributes and among many (past
/// `MANY_ATTRIBUTES` a set finds it), at the second one.
#[test]
fn an_attribute_written_twice_is_found_among_many() {
    for count in [3, 40, 2000] {
        let names: Vec<String> = (0..count).map(|i| format!("a{i}")).collect();
        let unique: String = names.iter().map(|n| format!(" {n}=\"v\"")).collect();
        let mut out = Vec::new();
        assert_eq!(attrs::parse_attrs(&unique, 0, false, &mut out), None);
        assert_eq!(out.len(), count);
        let repeated = format!("{unique} a1=\"w\" a2=\"x\"");
        let at = unique.len() + 1;
        assert_eq!(
            attrs::parse_attrs(&repeated, 100, false, &mut out),
            Some((100 + at, "an attribute written twice")),
            "{count} attributes"
        );
        assert_eq!(out.len(), count + 2);
    }
}

/// Found by testing as a user would: a `salesforce:basic-connection` that
/// reuses a session (`sessionId` + `serviceEndpoint`, no username or
/// password) was classed a password login, and IG101 said it
/// "authenticates with a username and password". It logs in with nothing
/// the app holds but the session (IG106 judges a committed one); with a
/// password it is a password login still.
#[test]
fn a_session_basic_connection_is_no_password_login() {
    let xml = r#"<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">
  <salesforce:sfdc-config name="Session">
    <salesforce:basic-connection sessionId="${sf.session}" serviceEndpoint="https://acme.my.salesforce.com/services/Soap/u/58.0/00D"/>
  </salesforce:sfdc-config>
  <salesforce:sfdc-config name="Both">
    <salesforce:basic-connection username="u@acme.com" password="${sf.pw}" sessionId="${sf.session}"/>
  </salesforce:sfdc-config>
</mule>"#;
    let facts = read_mule_xml(xml, "src/main/mule/g.xml", true);
    use intguard_model::AuthClass;
    let auth: Vec<(&str, AuthClass)> = facts
        .salesforce_connections
        .iter()
        .map(|c| (c.config_name.as_str(), c.auth))
        .collect();
    assert_eq!(
        auth,
        [
            ("Session", AuthClass::Unknown),
            ("Both", AuthClass::Password)
        ]
    );
}

/// Mule 4's `<import file>` of another configuration file (a Mule plugin's,
/// when the app does not hold it) is read as written, at the element; an
/// empty `file` is no import.
#[test]
fn config_imports() {
    let xml = r#"<?xml version="1.0"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core">
  <import file="common/common-global.xml"/>
  <import file=""/>
</mule>"#;
    let f = read_mule_xml(xml, "app/src/main/mule/global.xml", false);
    let got: Vec<(&str, u32, u32)> = f
        .config_imports
        .iter()
        .map(|i| (i.file.as_str(), i.location.line, i.location.column))
        .collect();
    assert_eq!(got, [("common/common-global.xml", 3, 3)]);
}

/// A text may carry a login when it reads a property or names a grant type
/// or a username, in any case.
#[test]
fn may_carry_a_login_in_any_case() {
    for (text, carries) in [
        ("#[p('secure::sf.pw')]", true),
        ("${sf.password}", true),
        ("grant_type=password&x=1", true),
        ("{ GRANT_TYPE: 'client_credentials' }", true),
        ("{ \"UserName\": vars.u }", true),
        ("output application/json --- payload", false),
        ("user_name=x&grant-type=y", false),
        ("", false),
        ("usernam", false),
        ("ünicode Grant_Type", true),
    ] {
        assert_eq!(super::may_carry_a_login(text), carries, "{text:?}");
    }
}
