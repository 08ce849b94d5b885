use std::collections::HashSet;

// Keyed by locations and names, asked for every property entry: a fast
// hasher (SipHash's flooding resistance buys nothing on one's own files).
use foldhash::{HashMap, HashMapExt, HashSetExt};

use intguard_model::expr::placeholders;
use intguard_model::property_names::{new_property_names, XmlSecret};
use intguard_model::secret::describe;
use intguard_model::vocab::is_secret_name;
use intguard_model::{
    vocab, Assignment, DefinitionForm, Finding, HttpCredential, HttpParamKind, HttpValueSyntax,
    Inventory, Location, MuleApp, MuleRuntime, Practice, PropertyFile, PropertyFormat, Related,
    RuleMeta, SalesforceConnection, Severity, TokenKind, XmlAttribute,
};

use super::ig103_committed_encryption_key::{is_committed_value, is_key_name};
use crate::identities::is_login_secret;
use crate::support::{
    app_for_path, connection_identities, describe_identities, environment_variable, file_name,
};
use crate::{Rule, Scope};

pub struct PlaintextSecret;

static META: RuleMeta = RuleMeta {
    id: "IG102",
    name: "plaintext-secret",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::Critical,
    summary: "A password, token or client secret is written in clear in XML or a property file",
    doc: r#"## What it does
Flags secret-bearing values written in clear (not `![...]`, not a `${...}` reference,
not a template dummy such as `changeme` or `<password>`; but a well-known default such
as `changeit` on a store that holds a private key, a `tls:key-store` or a JWT
connection's keystore, is reported: it protects nothing):
- an XML attribute whose name carries a secret (`password`, `securityToken`,
  `consumerSecret`, `clientSecret`, `storePassword`, `keyPassword`, `token`, ...) with
  a literal value, on a Salesforce connection, a `tls:key-store`/`tls:trust-store`, an
  HTTP authentication or any other element, and a Spring bean property named so
  (Mule 3 `<spring:property name="password" value="..."/>`, reported at its `value`),
  also in a Spring beans file of the app (root `<beans>`, such as the `beans.xml` a
  Mule 4 `<spring:config files="beans.xml"/>` loads): a `<property>` or
  `<constructor-arg>` with a literal `value`, the text of its `<value>` child, or a
  `p:password="..."` attribute;
- a credential an HTTP request sends as a constant: a header or query parameter
  named like one (`Authorization`, `Proxy-Authorization`, `client_secret`,
  `access_token`, `x-api-key`, ...) whose value is written in the XML, in
  `<http:headers>` / `<http:query-params>` (DataWeave maps or `<http:header
  key value>` children), Mule 3 `<http:request-builder>` (`headerName`/`paramName`)
  or a request config's `<http:default-headers>` / `<http:default-query-params>`;
  the finding points at the value (a `Basic` header is only base64 of
  `user:password`);
- a credential an HTTP request sends as a constant in its body: a field named like
  one (`password`, `client_secret`, `apiKey`, `refresh_token`, ...) of a DataWeave or
  JSON object (`{ client_secret: "..." }`), or a `name=value` pair of a form-encoded
  string (`#["grant_type=password&username=...&password=..."]`), in `<http:body>` or
  in the payload the flow sets before the request (`ee:set-payload`, `set-payload
  value`, Mule 3's form-encoded `set-payload` literal). The finding points at the
  value (a DataWeave string's opening quote, a form value's first character). Fields
  read from properties (`p('...')`, `Mule::p(...)`, `${...}`), variables or
  attributes, interpolated or concatenated strings, empty strings and fields that
  carry no credential (`grant_type`, `client_id`, `username`, anti-CSRF tokens) are
  not reported. Which request sends a payload follows the HTTP connector:
  - a GET, HEAD or OPTIONS sends no body unless `sendBodyMode="ALWAYS"` (on the
    request or, when the request sets none, on its `http:request-config`);
    `sendBodyMode="NEVER"` sends none;
  - a request whose own `<http:body>` leaves `payload` out does not send it;
  - after a `flow-ref` or a Salesforce operation the payload is what that returned,
    unless the result went to a variable (`target="..."`); a request with `target`
    leaves the payload to the requests after it;
  - the payload a `flow-ref` hands a flow is sent by that flow's first request, when
    nothing there sets the payload first; a flow whose first step is a `flow-ref`
    hands it on to the flow that one calls (up to 8 flows deep).

  A payload that no request sends (it goes to another connector, or nowhere) is
  reported as such: the credential is written in the XML all the same;
- a property file entry with a secret name, in every environment's file and in files
  that no configuration loads, secure-properties files included (a clear value in a
  secure file is still clear); an entry that a secret attribute reads through
  `${name}` counts even when its name does not say "password";
- a `<global-property>` holding a secret;
- a DataWeave script (a `.dwl` file, or one written in the XML, such as an
  `ee:set-variable`'s CDATA opening with `%dw 2.0` or, without it, with a directive
  such as `output`) that declares a secret as a string literal (`var clientSecret =
  "..."`, `var apiKey: String = "..."`, DataWeave 1.0 `%var`) in its header or in the
  header of a `do { ... --- ... }` block; the fix reads it with `p('secure::...')`;
- a password in a URL's user info (`https://svc:password@host/...`), in an XML
  attribute or a property value;
- `-Dsfdc.password=...`, `export SFDC_PASSWORD=...` or a pom property with a secret
  name in scripts, launch and CI files; a command's long option named like a secret
  (`anypoint-cli-v4 ... --client_secret <value>`, `--password=<value>`; after a space,
  a value that is quoted or looks like a secret, since a bare `--password` flag
  prompts), and the secret fields of a form-encoded body a command sends (`curl -d
  "grant_type=password&...&password=..."`: its fix also replaces the password flow),
  and the password of a Basic authentication option (`curl -u user:password`,
  `--user`);
  options that say where the secret is (`--password-stdin`, `--token-file`) are not;
  in a pom, also the Mule Maven plugin deployment's `<properties>` and `<secureProperties>` (set on the app at deploy time)
  and a plugin setting named like a secret (the deployment's Anypoint `<password>`, a
  database plugin's `<password>`); a `<server>` password of a Maven `settings.xml`
  (named after the server's id; the fix reads `${env.*}` there, and for an Anypoint
  Exchange connected-app login, `clientId~?~clientSecret`, both parts); a `{"key":
  "sf_password", "value": "..."}` pair of a JSON file (Postman environments,
  collection variables and auth settings; a `{{variable}}` value is not one); a
  Dockerfile's `ENV` or `ARG` (kept in the image's layers); a container's `env` entry
  (`- name: SFDC_PASSWORD` with a literal `value:`, in a Kubernetes manifest), where
  the fix reads it from a Secret instead.

Salesforce access and refresh tokens (`00D...!...`, `5Aep861...`) are left to IG106,
which reports them with revocation steps. A property finding points at the key's line
and names the environment; its related
locations show the XML attributes that read it and the message names the Salesforce
user of the connection involved. MUnit test sources are reported one level lower.
Values are never shown: only a mask and a short SHA-256 fingerprint (`Ti…(10)
sha256:1a2b3c4d`) so the same secret can be recognised in several files.

## Why is this bad?
A secret in the repository is known to everyone who can read it, now and forever
(git history, forks, CI caches, laptops). Integration users' passwords and client
secrets are typically shared by several apps and rarely rotated, so one leaked
property file opens the org to anyone, with the integration user's (usually broad)
permissions and no trace of who used it.

## Example
```xml
<salesforce:sfdc-config name="Salesforce_Config">
  <salesforce:basic-connection username="${sfdc.username}" password="Tiger2024!"
      securityToken="${sfdc.token}"/>
</salesforce:sfdc-config>
```
```yaml
# src/main/resources/properties/prod.yaml
sfdc:
  username: "int.orders@acme.com"
  token: "aB3dE5fG7hJ9kL1mN3pQ5rS7"
```
```xml
<http:request-config name="ERP_Request">
  <http:request-connection protocol="HTTPS" host="erp.acme.com" port="443"/>
  <http:default-headers>
    <http:default-header key="Authorization" value="Basic c3ZjLW9yZGVyczpUaWdlcjIwMjQh"/>
  </http:default-headers>
</http:request-config>
<http:request config-ref="ERP_Request" path="/stock">
  <http:query-params>#[{ client_secret: 'Zq8Lw2Mn5Rt7' }]</http:query-params>
</http:request>
<http:request config-ref="Salesforce_Token" path="/services/oauth2/token">
  <http:body>#[output application/x-www-form-urlencoded --- {
    grant_type: "client_credentials", client_id: "3MVG9...", client_secret: "8F2D..." }]</http:body>
</http:request>
```

## How to fix
Encrypt the values with a key that is supplied at deploy time (never committed), read
them with `secure::`, and change the exposed secrets (they stay in git history):
```xml
<secure-properties:config name="Secure_Props" key="${encryption.key}"
    file="properties/${mule.env}-secure.yaml">
  <secure-properties:encrypt algorithm="AES" mode="CBC" useRandomIVs="true"/>
</secure-properties:config>
<salesforce:sfdc-config name="Salesforce_Config">
  <salesforce:jwt-connection consumerKey="${secure::sfdc.consumerKey}" keyStore="keys/sfdc.jks"
      storePassword="${secure::sfdc.keystorePassword}" principal="${sfdc.username}"/>
</salesforce:sfdc-config>
```
```yaml
# src/main/resources/properties/prod-secure.yaml
sfdc:
  keystorePassword: "![kX3y...Q==]"
```
A header or query parameter reads the secure property the same way:
`<http:default-header key="Authorization" value="${secure::erp.authorization}"/>`,
or in DataWeave `#[{ client_secret: p('secure::erp.client_secret') }]` (query
parameters and request bodies alike; in a form-encoded string,
`"...&password=" ++ p('secure::erp.password')`, or better an object with
`output application/x-www-form-urlencoded`, which also URL-encodes it); for Basic
credentials prefer `<http:authentication><http:basic-authentication username="..."
password="${secure::erp.password}"/>`.
Encrypt with `intguard fix` or
`java -cp secure-properties-tool.jar com.mulesoft.tools.SecurePropertiesTool string encrypt AES CBC <key> "<value>" --use-random-iv true`,
and list `encryption.key` in mule-artifact.json `secureProperties`. Better still,
remove the password altogether (JWT bearer flow, IG101).

A Spring bean property in a Mule 4 Spring beans file reads placeholders from the app's
configuration properties, which MuleSoft documents for `.properties` files only (not
YAML, and `secure::` is not documented there): write `value="${billing.db.password}"`
and supply `billing.db.password` at deploy time as a protected Runtime Manager
property listed in `secureProperties`. The same holds for a clear property-file entry
or `<global-property>` that such a bean reads (`db.password=...` read by
`value="${db.password}"`): delete it and supply it at deploy time, the bean's
`${db.password}` unchanged; moving it to a secure file would leave the bean without it.
`intguard fix secrets` leaves these to you and says so. In a Mule 3 app, the secure
property placeholder serves every Spring bean.

## References
- MuleSoft Docs: Secure Configuration Properties (Mule 4)
- MuleSoft Docs: Secure Properties Tool
- OWASP: Secrets Management Cheat Sheet
- CWE-798: Use of Hard-coded Credentials
- MuleSoft Docs: HTTP Connector, Configure HTTP Request Operation (headers, default headers, query parameters, body)
- MuleSoft Docs: Spring Module; Create Placeholders for Spring Configurations
"#,
};

/// `true`/`false`: a switch, not a secret (`sfdc.useToken: true`).
fn is_switch(value: &str) -> bool {
    let v = value.trim();
    v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")
}

/// A value written in clear that may be a real secret.
fn is_clear_secret(value: &str) -> bool {
    let v = value.trim();
    !v.starts_with("![") && is_committed_value(v) && !is_switch(v)
}

/// The value is exactly one reference (`${x}`, `${secure::x}`, `#[p('x')]`), so
/// whatever it resolves to is the whole secret.
fn is_whole_reference(raw: &str) -> bool {
    let t = raw.trim();
    let refs = placeholders(t);
    refs.len() == 1
        && ((refs[0].start == 0 && refs[0].end == t.len())
            || (t.starts_with("#[") && t.ends_with(']')))
}

/// The Salesforce connection a secret attribute belongs to (its global config
/// owns it, or it is one of the connection's own attributes).
fn owning_connection<'a>(
    app: &'a MuleApp,
    attr: &XmlAttribute,
) -> Option<&'a SalesforceConnection> {
    app.salesforce_connections
        .iter()
        .find(|c| attr.owner.as_deref() == Some(c.config_name.as_str()))
        .or_else(|| {
            app.salesforce_connections.iter().find(|c| {
                c.attributes
                    .iter()
                    .any(|a| a.value.location == attr.value.location && a.name == attr.name)
            })
        })
}

/// Who `conn` runs as in `env` (every environment when `None`).
fn identity_for(app: &MuleApp, conn: &SalesforceConnection, env: Option<&str>) -> Option<String> {
    let ids: Vec<_> = connection_identities(app, conn)
        .into_iter()
        .filter(|i| env.is_none() || i.environment.as_deref() == env)
        .collect();
    describe_identities(&ids)
}

/// `password` of <salesforce:basic-connection> `Salesforce_Config`.
fn attr_label(attr: &XmlAttribute) -> String {
    match &attr.owner {
        Some(owner) => format!("`{}` of <{}> `{owner}`", attr.name, attr.element),
        None => format!("`{}` of <{}>", attr.name, attr.element),
    }
}

/// A secret attribute that reads a property definition.
#[derive(Clone, Copy)]
struct Use<'a> {
    attr: &'a XmlAttribute,
    env: Option<&'a str>,
    /// The definition gives the attribute's whole value.
    whole: bool,
}

/// For every property definition (by location), the secret attributes that
/// read it, per environment; and, for files nobody loads, the attributes
/// whose references name it.
struct Uses<'a> {
    by_location: HashMap<&'a Location, Vec<Use<'a>>>,
    by_name: HashMap<String, Vec<&'a XmlAttribute>>,
}

impl<'a> Uses<'a> {
    fn of(app: &'a MuleApp) -> Self {
        let mut by_location: HashMap<&'a Location, Vec<Use<'a>>> = HashMap::new();
        let mut by_name: HashMap<String, Vec<&'a XmlAttribute>> = HashMap::new();
        for attr in app
            .secret_attributes
            .iter()
            .filter(|a| !a.value.is_literal())
        {
            let whole = is_whole_reference(&attr.value.raw);
            for r in app.resolve_all(&attr.value) {
                let chain_whole = whole
                    && r.sources.len() > 1
                    && r.sources[..r.sources.len() - 1]
                        .iter()
                        .all(|s| is_whole_reference(s.raw_value()));
                let last = r.sources.len().saturating_sub(1);
                for (i, s) in r.sources.iter().enumerate() {
                    by_location.entry(s.location()).or_default().push(Use {
                        attr,
                        env: r.environment,
                        whole: i == last && ((r.sources.len() == 1 && whole) || chain_whole),
                    });
                }
            }
        }
        for attr in &app.secret_attributes {
            for p in placeholders(&attr.value.raw) {
                by_name.entry(p.name).or_default().push(attr);
            }
        }
        Uses {
            by_location,
            by_name,
        }
    }

    /// The attributes reading `entry` of `file`: by resolution, or by name
    /// when the file takes no part in resolution.
    fn for_entry(&self, file: &PropertyFile, location: &Location, key: &str) -> Vec<Use<'a>> {
        if let Some(uses) = self.by_location.get(location) {
            return uses.clone();
        }
        if file.loaded {
            return Vec::new();
        }
        self.by_name
            .get(key)
            .map(|attrs| {
                attrs
                    .iter()
                    .map(|attr| Use {
                        attr,
                        env: None,
                        whole: is_whole_reference(&attr.value.raw),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Related entries for the attributes reading a definition, and the identity
/// of the Salesforce connections among them.
fn describe_uses(
    app: &MuleApp,
    uses: &[Use<'_>],
    file_env: Option<&str>,
) -> (Vec<Related>, Option<String>, Option<String>) {
    let mut related = Vec::new();
    let mut seen = HashSet::new();
    let mut first = None;
    let mut identities: Vec<String> = Vec::new();
    for u in uses {
        if !seen.insert((&u.attr.value.location, u.attr.name.as_str())) {
            continue;
        }
        let label = attr_label(u.attr);
        first.get_or_insert_with(|| label.clone());
        related.push(Related::new(
            &u.attr.value.location,
            format!("{label} reads it"),
        ));
        if let Some(conn) = owning_connection(app, u.attr) {
            if let Some(who) = identity_for(app, conn, file_env.or(u.env)) {
                if !identities.contains(&who) {
                    identities.push(who);
                }
            }
        }
    }
    let first = first.map(|f| {
        if related.len() > 1 {
            format!("{f} and {} more", related.len() - 1)
        } else {
            f
        }
    });
    let identity = (!identities.is_empty()).then(|| identities.join(", "));
    (related, first, identity)
}

fn encrypted_line(format: PropertyFormat, key: &str) -> String {
    match format {
        PropertyFormat::Yaml => format!("{key}: \"![<encrypted value>]\""),
        PropertyFormat::Properties => format!("{key}=![<encrypted value>]"),
    }
}

/// Mule 3: `<secure-property-placeholder:config>` decrypts `![...]` values read
/// with plain `${name}` references.
const MULE3_LOADER: &str = "a file loaded by <secure-property-placeholder:config key=\"${mule.key}\" location=\"secure.${env}.properties\"/>";

/// The fix of a Spring bean property's literal secret
/// (`<property name="password" value="..."/>`, its `<value>` text, or a
/// `constructor-arg`). A Mule 3 app's secure-property placeholder serves
/// every Spring bean. A Mule 4 Spring beans file reads `${...}` from the
/// app's configuration properties, which MuleSoft documents for `.properties`
/// files only (not YAML, and not `secure::`): the value comes at deploy time.
fn spring_property_fix(app: &MuleApp, attr: &XmlAttribute, prop: &str, how: &str) -> String {
    let set = if attr.is_spring_bean_property() {
        format!(
            "Set the bean's `{}` to `${{{prop}}}` instead of the literal (value=\"${{{prop}}}\", or <value>${{{prop}}}</value>)",
            attr.name
        )
    } else {
        format!(
            "Replace {name}=\"…\" with {name}=\"${{{prop}}}\"",
            name = attr.written_name()
        )
    };
    match app.runtime {
        MuleRuntime::Mule3 => format!(
            "{set} and add `{prop}=![<encrypted value>]` to {MULE3_LOADER}; {how}. Then change the secret: the clear value stays in git history."
        ),
        MuleRuntime::Mule4 => format!(
            "{set}, and supply `{prop}` at deploy time only, as a protected Runtime Manager property listed in mule-artifact.json \"secureProperties\": a Spring beans file reads placeholders from the app's configuration properties (a `.properties` file, not YAML), so a value kept in the repository would be in clear again. Then change the secret: the clear value stays in git history."
        ),
    }
}

/// A Mule 4 Spring beans file's attribute among the readers of a property
/// definition: the value cannot become a `${secure::...}` property (see
/// [`MuleApp::read_by_spring_beans`]).
fn spring_reader<'a>(app: &MuleApp, uses: &[Use<'a>]) -> Option<&'a XmlAttribute> {
    if app.runtime != MuleRuntime::Mule4 {
        return None;
    }
    uses.iter()
        .map(|u| u.attr)
        .find(|a| app.in_spring_beans_file(a))
}

/// The fix of a clear definition that a Mule 4 Spring beans file reads:
/// supplied at deploy time, the bean's `${name}` unchanged. `delete`: the
/// definition's removal (`Delete `db.password` from spring.properties`).
fn spring_read_fix(name: &str, delete: &str, reader: &XmlAttribute) -> String {
    format!(
        "{delete} and supply `{name}` at deploy time only, as a protected Runtime Manager property listed in mule-artifact.json \"secureProperties\" (the ${{{name}}} references stay as they are): {} in {} reads it, and a Spring beans file reads placeholders from the app's configuration properties (a `.properties` file, not YAML, and not `secure::`), so an encrypted secure property would not reach the bean. Then change the secret: the clear value stays in git history.",
        attr_label(reader),
        file_name(&reader.value.location.path)
    )
}

/// How to encrypt a value so that this app decrypts it: with the key, algorithm,
/// mode and IVs of its own secure-properties configuration (a value encrypted
/// otherwise does not decrypt and the app fails at start), or, when it has
/// none, with the configuration `intguard fix secrets` adds.
fn encrypt_how(app: &MuleApp) -> String {
    let fix = format!(
        "intguard fix secrets --key-env <VAR holding the key> {}",
        app.root
    );
    let tool = |alg: &str, mode: &str, random_iv: bool| {
        format!(
            "java -cp secure-properties-tool.jar com.mulesoft.tools.SecurePropertiesTool string encrypt {alg} {mode} <key> \"<value>\"{}",
            if random_iv { " --use-random-iv true" } else { "" }
        )
    };
    match (app.secure_property_configs.first(), app.runtime) {
        (Some(c), runtime) => {
            // Mule 3's placeholder has no random-IV option.
            let random_iv = runtime == MuleRuntime::Mule4 && c.random_ivs();
            // A key the repository holds opens the new value too (IG104).
            let committed = c
                .key
                .as_ref()
                .is_some_and(|k| k.is_literal() || app.resolve_all(k).iter().any(|r| r.value.is_some()));
            let tool = tool(c.algorithm_name(), c.mode_name(), random_iv);
            if committed {
                format!(
                    "encrypt it with the key of the app's <{}> once that key, committed in the repository, is taken out and rotated (IG103: {}); then, with the new key: {fix} (it encrypts as that configuration decrypts), or {tool}",
                    c.element,
                    crate::support::rotate_key_command(&app.root)
                )
            } else {
                format!(
                    "encrypt it with the key of the app's <{}> ({fix}, which encrypts as that configuration decrypts; or {tool})",
                    c.element
                )
            }
        }
        (None, MuleRuntime::Mule3) => format!(
            "encrypt it with a key supplied at deploy time ({fix}, which also adds the <secure-property-placeholder:config>; or {})",
            tool("AES", "CBC", false)
        ),
        (None, MuleRuntime::Mule4) => format!(
            "encrypt it with a key supplied at deploy time ({fix}, which also adds a <secure-properties:config> with useRandomIVs=\"true\"; or {})",
            tool("AES", "CBC", true)
        ),
    }
}

/// Where an HTTP credential is sent from: a request config's defaults, or
/// one `<http:request>`; or the payload of a flow that no request sends.
enum HttpSender<'a> {
    Config(&'a str),
    Request {
        config_ref: Option<&'a str>,
        flow: Option<&'a str>,
    },
    Unsent {
        flow: Option<&'a str>,
    },
}

impl HttpSender<'_> {
    /// `<http:request-config> `ERP_Request` (default header)`, `<http:request>
    /// in flow `get-stock` (config `ERP_Request`)`.
    fn label(&self, credential: &HttpCredential) -> String {
        let kind = credential.kind.label();
        match self {
            HttpSender::Config(name) => {
                format!("<http:request-config> `{name}` sends the default {kind}")
            }
            HttpSender::Request { config_ref, flow } => format!(
                "<http:request>{}{} sends the {kind}",
                flow.map(|f| format!(" in flow `{f}`")).unwrap_or_default(),
                config_ref
                    .map(|c| format!(" (config `{c}`)"))
                    .unwrap_or_default()
            ),
            HttpSender::Unsent { flow } => format!(
                "<{}>{} sets the payload field",
                credential.element,
                flow.map(|f| format!(" in flow `{f}`")).unwrap_or_default(),
            ),
        }
    }

    /// The suggested secure property for the credential.
    fn property(&self, credential: &HttpCredential) -> String {
        let sender = match self {
            HttpSender::Config(name) => Some(*name),
            HttpSender::Request { config_ref, flow } => config_ref.or(*flow),
            HttpSender::Unsent { flow } => *flow,
        };
        vocab::http_credential_property(sender, &credential.name)
    }
}

/// Every header, query parameter and body field carrying a credential that
/// the app's HTTP requests send, with who sends it; then the fields of the
/// payloads no request sends.
fn http_credentials(app: &MuleApp) -> Vec<(&HttpCredential, HttpSender<'_>)> {
    let mut out: Vec<(&HttpCredential, HttpSender<'_>)> = Vec::new();
    for r in &app.http_requests {
        for c in &r.default_credentials {
            out.push((c, HttpSender::Config(&r.config_name)));
        }
    }
    for op in &app.http_request_operations {
        for c in &op.credentials {
            out.push((
                c,
                HttpSender::Request {
                    config_ref: op.config_ref.as_deref(),
                    flow: op.flow.as_deref().or(c.owner.as_deref()),
                },
            ));
        }
    }
    for c in &app.unsent_payload_credentials {
        out.push((
            c,
            HttpSender::Unsent {
                flow: c.owner.as_deref(),
            },
        ));
    }
    out
}

/// Whether a credential an HTTP request sends is written in clear: a
/// constant, not a template dummy. (Salesforce tokens are left to IG106 by
/// the caller.)
fn is_clear_credential(credential: &HttpCredential) -> bool {
    if !credential.constant {
        return false;
    }
    let (scheme, secret) = credential.scheme_and_credential();
    // A scheme without its credential (`Authorization: Bearer`) is a template.
    let scheme_alone = scheme.is_none()
        && ["basic", "bearer", "digest", "negotiate", "token"]
            .iter()
            .any(|s| secret.eq_ignore_ascii_case(s));
    !(scheme_alone
        || vocab::is_placeholder_value(&credential.value.raw)
        || vocab::is_placeholder_value(secret)
        || !is_clear_secret(secret))
}

/// The finding for a credential an HTTP request sends written in clear
/// ([`is_clear_credential`]), to be read from the secure property `prop`.
fn http_credential_finding(
    app: &MuleApp,
    credential: &HttpCredential,
    sender: &HttpSender<'_>,
    how: &str,
    prop: &str,
) -> Finding {
    let (scheme, secret) = credential.scheme_and_credential();
    let what = match scheme {
        Some(s) => format!("a {s} credential"),
        None => "a credential".to_string(),
    };
    let basic = scheme.is_some_and(|s| s.eq_ignore_ascii_case("basic"));
    // A body field of the payload set before the request, not of its own
    // <http:body>.
    let payload =
        credential.kind == HttpParamKind::BodyField && credential.element.ends_with("set-payload");
    let message = format!(
        "{}: {} `{}`{} with {what} written in clear in the XML ({}){}",
        app.name,
        sender.label(credential),
        credential.name,
        match sender {
            HttpSender::Unsent { .. } => {
                " (no <http:request> of this flow sends it as its body)".to_string()
            }
            HttpSender::Request {
                flow: Some(flow), ..
            } if payload && credential.owner.as_deref().is_some_and(|o| o != *flow) => format!(
                " (in the payload <{}> in flow `{}` sets before its flow-ref to {})",
                credential.element,
                credential.owner.as_deref().unwrap_or_default(),
                handed_on(&credential.handed_via)
            ),
            _ if payload => format!(
                " (in the payload <{}> sets before the request)",
                credential.element
            ),
            _ => String::new(),
        },
        describe(secret),
        if basic {
            ": Basic is only base64 of user:password, anyone reading the file can decode it"
        } else {
            ""
        }
    );
    let whole = match scheme {
        Some(s) => format!(" (the whole value, `{s}` scheme included)"),
        None => String::new(),
    };
    let (element, name) = (&credential.element, &credential.name);
    let secure_file = format!(
        "add `{prop}: \"![<encrypted value>]\"`{whole} to the app's secure properties file (e.g. properties/${{mule.env}}-secure.yaml loaded by <secure-properties:config>)"
    );
    let mule3_file = format!("add `{prop}=![<encrypted value>]`{whole} to {MULE3_LOADER}");
    let replace = match (app.runtime, credential.syntax) {
        (MuleRuntime::Mule3, HttpValueSyntax::Attribute) => {
            format!("Replace value=\"…\" with value=\"${{{prop}}}\" and {mule3_file}")
        }
        (MuleRuntime::Mule4, HttpValueSyntax::Attribute) => format!(
            "Replace value=\"…\" with value=\"${{secure::{prop}}}\" and {secure_file}"
        ),
        (MuleRuntime::Mule3, HttpValueSyntax::DataWeaveField) => format!(
            "In the DataWeave of <{element}>, replace the literal after `{name}`: with \"${{{prop}}}\" (a placeholder, filled in when the app starts) and {mule3_file}"
        ),
        (MuleRuntime::Mule4, HttpValueSyntax::DataWeaveField) => format!(
            "In the DataWeave of <{element}>, replace the literal after `{name}`: with p('secure::{prop}') (the expression form of ${{secure::{prop}}}) and {secure_file}"
        ),
        (MuleRuntime::Mule3, HttpValueSyntax::DataWeaveFormPair) => format!(
            "In the expression of <{element}>, replace the value after `{name}=` in the string with ${{{prop}}} (a placeholder, filled in when the app starts) and {mule3_file}"
        ),
        (MuleRuntime::Mule4, HttpValueSyntax::DataWeaveFormPair) => format!(
            "In the DataWeave of <{element}>, end the string before the value and append the property, \"...{name}=\" ++ p('secure::{prop}'), or better write the body as an object, output application/x-www-form-urlencoded --- {{ ..., {name}: p('secure::{prop}') }}, which also URL-encodes it; {secure_file}"
        ),
        (MuleRuntime::Mule3, HttpValueSyntax::Text) => format!(
            "In <{element}>, replace the value of `{name}` with ${{{prop}}} (a placeholder, filled in when the app starts) and {mule3_file}"
        ),
        (MuleRuntime::Mule4, HttpValueSyntax::Text) => format!(
            "In <{element}>, replace the value of `{name}` with ${{secure::{prop}}} and {secure_file}"
        ),
    };
    let better = match (basic, app.runtime) {
        (false, _) => "",
        (true, MuleRuntime::Mule4) => " Better still, send it with <http:authentication><http:basic-authentication username=\"...\" password=\"${secure::...}\"/></http:authentication> on the request config.",
        (true, MuleRuntime::Mule3) => " Better still, send it with <http:basic-authentication username=\"...\" password=\"${...}\"/> in the <http:request-config>.",
    };
    let fix = format!(
        "{replace}; {how}. Then change the credential: the clear value stays in git history.{better}"
    );
    let owner = match sender {
        HttpSender::Config(name) => (*name).to_string(),
        HttpSender::Request { config_ref, flow } => {
            format!(
                "{}>{}",
                flow.unwrap_or_default(),
                config_ref.unwrap_or_default()
            )
        }
        HttpSender::Unsent { flow } => format!("{}>payload", flow.unwrap_or_default()),
    };
    finding(&credential.value.location, message)
        .key(format!(
            "http|{owner}|{}|{}",
            credential.kind.label(),
            credential.name.to_ascii_lowercase()
        ))
        .fix(fix)
}

/// A password attribute of a store that holds a private key: a TLS key
/// store, or the keystore of a Salesforce JWT connection.
fn holds_private_key(attr: &XmlAttribute) -> bool {
    attr.element == "tls:key-store"
        || (attr.element.ends_with("jwt-connection")
            && matches!(attr.name.as_str(), "storePassword" | "keyStorePassword"))
}

/// Where a secret set in a script, launch file or CI file should come from,
/// for the way it is written.
fn assignment_fix(a: &Assignment, file: &str) -> String {
    match a.form {
        DefinitionForm::PomPluginSetting => {
            let setting = a.name.rsplit('/').next().unwrap_or(&a.name);
            format!(
                "Replace the value in {file} with a property the build is given from the pipeline's secret store (<{setting}>${{deploy.{setting}}}</{setting}> with mvn deploy -Ddeploy.{setting}=... from a masked CI secret), and purge it from git history. Then change the secret."
            )
        }
        DefinitionForm::JsonKeyValue => format!(
            "Empty the value of `{}` in {file} and purge it from git history: an exported Postman environment or collection carries every value it holds. Keep credentials out of committed exports (Postman Vault, or a value each person sets locally and does not export), then change the secret.",
            a.name
        ),
        DefinitionForm::MavenServer => maven_server_fix(a, file),
        DefinitionForm::DataWeaveVariable => format!(
            "Read it from a secure property instead (var {name} = p('secure::{property}'), with `{property}` encrypted in the app's secure properties file, or supplied at deploy time as a protected Runtime Manager property), and purge the literal from {file}'s git history. Then change the secret.",
            name = a.name,
            property = dataweave_property(&a.name)
        ),
        DefinitionForm::CommandOption => format!(
            "Pass it from the pipeline's secret store instead ({} \"${}\", from a masked CI secret), and purge the value from {file}'s git history. Then change the secret.",
            a.name,
            environment_variable(&a.name)
        ),
        DefinitionForm::BasicAuthOption => {
            let option = a.name.split(' ').next().unwrap_or("-u");
            format!(
                "Pass the credentials from the pipeline's secret store instead ({option} \"$API_USER:$API_PASSWORD\" from masked CI secrets, or a .netrc file the pipeline writes), and purge the value from {file}'s git history. Then change the password."
            )
        }
        DefinitionForm::FormField | DefinitionForm::PasswordGrantField => {
            let field = format!(
                "Send the field from the pipeline's secret store instead (--data-urlencode \"{}=${}\", from a masked CI secret), and purge the value from {file}'s git history. Then change the secret.",
                a.name,
                environment_variable(&a.name)
            );
            if a.form == DefinitionForm::PasswordGrantField {
                format!(
                    "{field} This logs in with the OAuth username-password flow: use the JWT bearer flow instead (sf org login jwt --username <user> --jwt-key-file \"$KEY_FILE\" --client-id <consumer key>, or grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer with a signed assertion), with no password to keep."
                )
            } else {
                field
            }
        }
        form => match crate::support::container_value_removal(form, &a.name, file) {
            Some(how) => format!("{how}. Then change the secret."),
            None => format!(
                "Remove the value from {file} and purge it from git history; inject `{}` at deploy time from the pipeline's secret store (a masked CI secret, or a Runtime Manager protected property listed in mule-artifact.json secureProperties). Then change the secret.",
                a.name
            ),
        },
    }
}

/// The property a DataWeave variable's secret moves to: its name, split at
/// case changes and joined with dots (`clientSecret` -> `client.secret`).
fn dataweave_property(var: &str) -> String {
    let mut out = String::new();
    for (i, c) in var.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('.');
        }
        out.push(if c == '_' {
            '.'
        } else {
            c.to_ascii_lowercase()
        });
    }
    out
}

/// A Maven `settings.xml` server credential (`exchange/password`: the
/// server's id, then the element) read from an environment variable.
fn maven_server_fix(a: &Assignment, file: &str) -> String {
    let element = a.name.rsplit('/').next().unwrap_or(&a.name);
    // Anypoint Exchange's connected-app login: `clientId~?~clientSecret`
    // under the username `~~~Client~~~` (MuleSoft's Exchange Maven docs).
    if a.value.contains("~?~") {
        return format!(
            "Replace the value in {file} with environment variables Maven reads there (<{element}>${{env.ANYPOINT_CLIENT_ID}}~?~${{env.ANYPOINT_CLIENT_SECRET}}</{element}>) set from masked CI secrets, and purge it from git history. Then regenerate the connected app's client secret in Access Management: the committed one stays in git history."
        );
    }
    let var = environment_variable(&a.name);
    format!(
        "Replace the value in {file} with an environment variable Maven reads there (<{element}>${{env.{var}}}</{element}>) set from a masked CI secret, and purge it from git history. Then change the secret: the committed one stays in git history."
    )
}

impl Rule for PlaintextSecret {
    /// Reads an app's XML and property files, and the token lines of its own files.
    fn scope(&self) -> Scope {
        Scope::App
    }

    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut flagged: foldhash::HashSet<&Location> = foldhash::HashSet::new();
        // Lines holding a Salesforce access or refresh token are IG106's: it
        // says what the value is and how to revoke it.
        let token_lines: HashSet<(&str, u32)> = inventory
            .text_files
            .iter()
            .flat_map(|f| &f.tokens)
            .filter(|t| t.kind != TokenKind::ConsumerKey)
            .map(|t| (t.location.path.as_str(), t.location.line))
            .collect();
        let is_token_line = |loc: &Location| token_lines.contains(&(loc.path.as_str(), loc.line));
        for app in &inventory.apps {
            let how = encrypt_how(app);
            // (a) literal secrets in the XML.
            let mut literals: Vec<(&XmlAttribute, bool)> = Vec::new();
            for attr in &app.secret_attributes {
                // A template dummy is no secret, but on a store holding a
                // private key a well-known default is the key's only guard.
                let default_key_store_password =
                    holds_private_key(attr) && vocab::is_well_known_password(&attr.value.raw);
                if !attr.value.is_literal()
                    || (vocab::is_placeholder_value(&attr.value.raw) && !default_key_store_password)
                {
                    continue;
                }
                if !(is_clear_secret(&attr.value.raw) || default_key_store_password)
                    || is_token_line(&attr.value.location)
                    || !flagged.insert(&attr.value.location)
                {
                    continue;
                }
                literals.push((attr, default_key_store_password));
            }
            // (a') credentials HTTP requests send, written in clear.
            let mut sent = Vec::new();
            for (credential, sender) in http_credentials(app) {
                if is_token_line(&credential.value.location)
                    || flagged.contains(&credential.value.location)
                    || !is_clear_credential(credential)
                {
                    continue;
                }
                flagged.insert(&credential.value.location);
                sent.push((credential, sender));
            }
            // The properties `fix secrets` would write, so that doing by hand
            // what two findings say never puts two secrets under one name.
            let secrets: Vec<XmlSecret> = literals
                .iter()
                .map(|(attr, _)| XmlSecret::Attribute(attr))
                .chain(sent.iter().map(|(credential, sender)| XmlSecret::Http {
                    credential,
                    property: sender.property(credential),
                }))
                .collect();
            let names = new_property_names(app, &secrets);
            let (attribute_names, http_names) = names.split_at(literals.len());

            for ((attr, default_key_store_password), prop) in literals.iter().zip(attribute_names) {
                let conn = owning_connection(app, attr);
                let who = conn.and_then(|c| identity_for(app, c, None));
                let message = format!(
                    "{}: {} is written in clear in the XML ({}{}){}",
                    app.name,
                    attr_label(attr),
                    describe(&attr.value.raw),
                    if *default_key_store_password {
                        ", a well-known default password: the private key is as good as unprotected"
                    } else {
                        ""
                    },
                    who.as_deref()
                        .map(|w| format!(", Salesforce user {w}"))
                        .unwrap_or_default()
                );
                let fix = if attr.is_spring_bean_property() || app.in_spring_beans_file(attr) {
                    spring_property_fix(app, attr, prop, &how)
                } else if app.runtime == MuleRuntime::Mule3 {
                    format!(
                        "Replace {name}=\"…\" with {name}=\"${{{prop}}}\" and add `{prop}=![<encrypted value>]` to {MULE3_LOADER}; {how}. Then change the secret: the clear value stays in git history.",
                        name = attr.written_name()
                    )
                } else {
                    format!(
                        "Replace {name}=\"…\" with {name}=\"${{secure::{prop}}}\" and add `{prop}: \"![<encrypted value>]\"` to the app's secure properties file (e.g. properties/${{mule.env}}-secure.yaml loaded by <secure-properties:config>); {how}. Then change the secret: the clear value stays in git history.",
                        name = attr.written_name()
                    )
                };
                out.push(
                    finding(&attr.value.location, message)
                        .maybe_identity(who)
                        .key(format!(
                            "xml|{}|{}|{}",
                            attr.owner.as_deref().unwrap_or_default(),
                            attr.element,
                            attr.name
                        ))
                        .fix(fix),
                );
            }
            for ((credential, sender), prop) in sent.iter().zip(http_names) {
                out.push(http_credential_finding(app, credential, sender, &how, prop));
            }

            let uses = Uses::of(app);

            // (b) property files of every environment, loaded or not.
            for file in &app.property_files {
                for entry in &file.entries {
                    let entry_uses = uses.for_entry(file, &entry.location, entry.key());
                    let named_secret = is_secret_name(entry.key()) && !is_key_name(entry.key());
                    if !(named_secret || entry_uses.iter().any(|u| u.whole)) {
                        continue;
                    }
                    if !is_clear_secret(entry.value())
                        || is_token_line(&entry.location)
                        || !flagged.insert(&entry.location)
                    {
                        continue;
                    }
                    let env = file.environment.as_deref();
                    let (related, used_by, who) = describe_uses(app, &entry_uses, env);
                    let scope = match (env, file.loaded) {
                        (_, false) => " (a file no configuration loads)".to_string(),
                        (Some(e), true) => format!(" ({e})"),
                        (None, true) => " (every environment)".to_string(),
                    };
                    let kind = if file.secure {
                        "is not encrypted, although the file is a secure-properties file"
                    } else {
                        "is in clear"
                    };
                    let message = format!(
                        "{}: secret property `{}` in {}{scope} {kind} ({}){}{}",
                        app.name,
                        entry.key(),
                        file_name(&file.path),
                        describe(entry.value()),
                        used_by
                            .map(|u| if file.loaded {
                                format!(", read by {u}")
                            } else {
                                // Nothing reads this file: its value reaches
                                // no attribute, its name does.
                                format!(", a name {u} reads from the files that are loaded")
                            })
                            .unwrap_or_default(),
                        who.as_deref()
                            .map(|w| format!(", Salesforce user {w}"))
                            .unwrap_or_default(),
                    );
                    let line = encrypted_line(file.format, entry.key());
                    let spring = spring_reader(app, &entry_uses);
                    let fix = match (app.runtime, file.secure, spring) {
                        (_, _, Some(reader)) => {
                            let delete = format!(
                                "Delete `{}` from {}",
                                entry.key(),
                                file_name(&file.path)
                            );
                            spring_read_fix(entry.key(), &delete, reader)
                        }
                        (MuleRuntime::Mule3, true, None) => format!(
                            "Write `{line}` in {} instead: {how}. Then change the secret: the clear value stays in git history.",
                            file_name(&file.path)
                        ),
                        (MuleRuntime::Mule3, false, None) => format!(
                            "Move it to {MULE3_LOADER} as `{}=![<encrypted value>]` (the ${{{}}} references stay): {how}. Then change the secret: the clear value stays in git history.",
                            entry.key(), entry.key()
                        ),
                        (MuleRuntime::Mule4, true, None) => format!(
                            "Write `{line}` in {} instead (read as ${{secure::{}}}): {how}. Then change the secret: the clear value stays in git history.",
                            file_name(&file.path),
                            entry.key()
                        ),
                        (MuleRuntime::Mule4, false, None) => format!(
                            "Move it to the environment's secure properties file (e.g. properties/${{mule.env}}-secure.yaml) as `{}: \"![<encrypted value>]\"` and read it as ${{secure::{}}}: {how}. Then change the secret: the clear value stays in git history.",
                            entry.key(), entry.key()
                        ),
                    };
                    let shared_user = who
                        .as_deref()
                        .filter(|_| is_login_secret(entry.key()))
                        .map(|user| (user.to_string(), app.name.clone()));
                    let mut f = finding(&entry.location, message)
                        .maybe_identity(who)
                        .environments(env.map(str::to_string))
                        .key(format!("property|{}", entry.key()))
                        .fix(fix);
                    f.shared_user_note = shared_user;
                    for r in related {
                        f = f.related(r);
                    }
                    out.push(f);
                }
            }

            // Global properties holding a secret.
            for g in &app.global_properties {
                let g_uses = uses
                    .by_location
                    .get(&g.location)
                    .cloned()
                    .unwrap_or_default();
                let named_secret = is_secret_name(&g.name) && !is_key_name(&g.name);
                if !(named_secret || g_uses.iter().any(|u| u.whole)) {
                    continue;
                }
                if !is_clear_secret(&g.value.raw)
                    || is_token_line(&g.location)
                    || !flagged.insert(&g.location)
                {
                    continue;
                }
                let (related, used_by, who) = describe_uses(app, &g_uses, None);
                let message = format!(
                    "{}: <global-property name=\"{}\"> holds a secret in clear ({}){}{}",
                    app.name,
                    g.name,
                    describe(&g.value.raw),
                    used_by
                        .map(|u| format!(", read by {u}"))
                        .unwrap_or_default(),
                    who.as_deref()
                        .map(|w| format!(", Salesforce user {w}"))
                        .unwrap_or_default(),
                );
                let fix = if let Some(reader) = spring_reader(app, &g_uses) {
                    let delete = format!(
                        "Delete the <global-property name=\"{}\"> from {}",
                        g.name,
                        file_name(&g.location.path)
                    );
                    spring_read_fix(&g.name, &delete, reader)
                } else if app.runtime == MuleRuntime::Mule3 {
                    format!(
                        "Remove the <global-property name=\"{name}\"> and write `{name}=![<encrypted value>]` in {MULE3_LOADER}: {how}. Then change the secret: the clear value stays in git history.",
                        name = g.name
                    )
                } else {
                    format!(
                        "Remove the <global-property name=\"{name}\"> and write `{name}: \"![<encrypted value>]\"` in the secure properties file, read as ${{secure::{name}}}: {how}. Then change the secret: the clear value stays in git history.",
                        name = g.name
                    )
                };
                let mut f = finding(&g.location, message)
                    .maybe_identity(who)
                    .key(format!("global-property|{}", g.name))
                    .fix(fix);
                for r in related {
                    f = f.related(r);
                }
                out.push(f);
            }

            // (c) a password in a URL's user info (`https://svc:Pw@host`),
            // in the XML or in a property file.
            let url_fix = crate::support::in_runtime_syntax(app, format!(
                "Take `user:password@` out of the URL and give the credential to the connector instead, read from an encrypted secure property (an HTTP request: <http:authentication><http:basic-authentication username=\"...\" password=\"${{secure::<name>.password}}\"/></http:authentication> on its config); {how}. Then change the password: the clear value stays in git history."
            ));
            for attr in &app.url_attributes {
                let Some(password) = vocab::url_password(&attr.value.raw) else {
                    continue;
                };
                if is_token_line(&attr.value.location) || !flagged.insert(&attr.value.location) {
                    continue;
                }
                let message = format!(
                    "{}: {} carries a password in its URL's user info, written in clear in the XML ({})",
                    app.name,
                    attr_label(attr),
                    describe(password)
                );
                out.push(
                    finding(&attr.value.location, message)
                        .key(format!(
                            "url-password|{}|{}|{}",
                            attr.owner.as_deref().unwrap_or_default(),
                            attr.element,
                            attr.name
                        ))
                        .fix(url_fix.clone()),
                );
            }
            for file in &app.property_files {
                for entry in &file.entries {
                    let Some(password) = vocab::url_password(entry.value()) else {
                        continue;
                    };
                    if is_token_line(&entry.location) || !flagged.insert(&entry.location) {
                        continue;
                    }
                    let env = file.environment.as_deref();
                    let message = format!(
                        "{}: property `{}` in {}{} is a URL with a password in its user info, in clear ({})",
                        app.name,
                        entry.key(),
                        file_name(&file.path),
                        env.map(|e| format!(" ({e})")).unwrap_or_default(),
                        describe(password)
                    );
                    out.push(
                        finding(&entry.location, message)
                            .environments(env.map(str::to_string))
                            .key(format!("url-password-property|{}", entry.key()))
                            .fix(url_fix.clone()),
                    );
                }
            }
        }

        // Scripts, launch files, poms, CI files.
        for file in &inventory.text_files {
            for a in &file.assignments {
                let basic = a.form == DefinitionForm::BasicAuthOption;
                if !basic && (!is_secret_name(&a.name) || is_key_name(&a.name)) {
                    continue;
                }
                if !is_clear_secret(&a.value)
                    || is_token_line(&a.location)
                    || !flagged.insert(&a.location)
                {
                    continue;
                }
                let owner = app_for_path(inventory, &file.path)
                    .map(|app| format!("{}: ", app.name))
                    .unwrap_or_default();
                let message = format!(
                    "{owner}secret `{}` is set in clear in {} ({})",
                    a.name,
                    file_name(&file.path),
                    describe(&a.value)
                );
                let fix = assignment_fix(a, file_name(&file.path));
                out.push(
                    finding(&a.location, message)
                        .key(format!("assignment|{}", a.name))
                        .fix(fix),
                );
            }
        }
        crate::support::disambiguate_keys(&mut out);
        out
    }
}

fn finding(location: &Location, message: String) -> Finding {
    Finding::new(&META, location.clone(), message)
}

/// Where a flow-ref's payload went: straight to the request's flow, or
/// through the flows that handed it on.
fn handed_on(via: &[String]) -> String {
    match via {
        [] => "this flow".to_string(),
        [first] => format!("`{first}`, which hands it on to this flow"),
        [first, rest @ ..] => {
            let rest: Vec<String> = rest.iter().map(|f| format!("`{f}`")).collect();
            format!(
                "`{first}`, which hands it on through {} to this flow",
                crate::support::and_list(&rest)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_of_flows_are_named_in_order() {
        assert_eq!(handed_on(&[]), "this flow");
        assert_eq!(
            handed_on(&["w".to_string()]),
            "`w`, which hands it on to this flow"
        );
        assert_eq!(
            handed_on(&["a".to_string(), "b".to_string(), "c".to_string()]),
            "`a`, which hands it on through `b` and `c` to this flow"
        );
    }
    use crate::support::testkit::{app, attr, conn, loc, props, val};
    use intguard_model::{Assignment, AuthClass, GlobalProperty, TextFileFacts};

    const XML: &str = "orders/src/main/mule/global.xml";
    const SECRETS: &[&str] = &[
        "Tiger2024!",
        "aB3dE5fG7hJ9kL1m",
        "Kst0reP4ss",
        "Sup3rS3cret!",
    ];

    fn orders() -> MuleApp {
        let mut a = app("orders", &["dev", "prod"]);
        a.salesforce_connections = vec![conn(
            "Salesforce_Config",
            "salesforce:basic-connection",
            AuthClass::Password,
            XML,
            10,
            &[
                ("username", "${sfdc.username}"),
                ("password", "${sfdc.password}"),
                ("securityToken", "${secure::sfdc.token}"),
            ],
        )];
        a.secret_attributes = vec![
            attr(
                "salesforce:basic-connection",
                Some("Salesforce_Config"),
                "password",
                "${sfdc.password}",
                XML,
                10,
            ),
            attr(
                "salesforce:basic-connection",
                Some("Salesforce_Config"),
                "securityToken",
                "${secure::sfdc.token}",
                XML,
                10,
            ),
            attr(
                "tls:key-store",
                Some("TLS_Context"),
                "keyPassword",
                "Kst0reP4ss",
                XML,
                20,
            ),
            attr(
                "tls:key-store",
                Some("TLS_Context"),
                "password",
                "changeit",
                XML,
                21,
            ),
        ];
        let mut unused = props(
            "orders/src/main/resources/properties/old.properties",
            None,
            false,
            &[("sfdc.password", "Sup3rS3cret!"), ("sfdc.user", "x")],
        );
        unused.loaded = false;
        unused.format = PropertyFormat::Properties;
        a.property_files = vec![
            props(
                "orders/src/main/resources/properties/dev.yaml",
                Some("dev"),
                false,
                &[
                    ("sfdc.username", "int.dev@acme.com"),
                    ("sfdc.password", "${SFDC_PW}"),
                ],
            ),
            props(
                "orders/src/main/resources/properties/prod.yaml",
                Some("prod"),
                false,
                &[
                    ("sfdc.username", "int.orders@acme.com"),
                    ("sfdc.password", "Tiger2024!"),
                    ("feature.token.enabled", "true"),
                ],
            ),
            props(
                "orders/src/main/resources/properties/prod-secure.yaml",
                Some("prod"),
                true,
                &[
                    ("sfdc.token", "aB3dE5fG7hJ9kL1m"),
                    ("sfdc.consumerSecret", "![w9oKTqKTtvBuRUVbhQP/qw==]"),
                ],
            ),
            unused,
        ];
        a
    }

    fn places(f: &[Finding]) -> Vec<(String, u32)> {
        let mut v: Vec<_> = f
            .iter()
            .map(|f| (f.location.path.to_string(), f.location.line))
            .collect();
        v.sort();
        v
    }

    fn assert_no_secret(f: &[Finding]) {
        for f in f {
            let mut texts = vec![f.message.clone(), f.fix.clone()];
            texts.extend(f.related.iter().map(|r| r.message.clone()));
            for t in texts {
                for s in SECRETS {
                    assert!(!t.contains(s), "secret in {t}");
                }
            }
        }
    }

    #[test]
    fn flags_xml_and_every_property_file() {
        let inv = Inventory {
            apps: vec![orders()],
            ..Default::default()
        };
        let f = PlaintextSecret.check(&inv);
        assert_eq!(
            places(&f),
            vec![
                (XML.to_string(), 20),
                (XML.to_string(), 21),
                (
                    "orders/src/main/resources/properties/old.properties".to_string(),
                    1
                ),
                (
                    "orders/src/main/resources/properties/prod-secure.yaml".to_string(),
                    1
                ),
                (
                    "orders/src/main/resources/properties/prod.yaml".to_string(),
                    2
                ),
            ]
        );
        assert_no_secret(&f);
        let prod = f
            .iter()
            .find(|f| f.location.path.ends_with("prod.yaml"))
            .unwrap();
        assert_eq!(prod.environments, vec!["prod".to_string()]);
        assert_eq!(prod.identity.as_deref(), Some("int.orders@acme.com"));
        assert_eq!(prod.related.len(), 1);
        assert_eq!(
            (prod.related[0].path.as_str(), prod.related[0].line),
            (XML, 10)
        );
        assert!(
            prod.message
                .contains("`sfdc.password` in prod.yaml (prod) is in clear (Ti…(10) sha256:"),
            "{}",
            prod.message
        );
        assert!(prod
            .message
            .contains("read by `password` of <salesforce:basic-connection> `Salesforce_Config`"));
        let secure = f
            .iter()
            .find(|f| f.location.path.ends_with("prod-secure.yaml"))
            .unwrap();
        assert!(
            secure
                .message
                .contains("is not encrypted, although the file is a secure-properties file"),
            "{}",
            secure.message
        );
        assert_eq!(secure.identity.as_deref(), Some("int.orders@acme.com"));
        let old = f
            .iter()
            .find(|f| f.location.path.ends_with("old.properties"))
            .unwrap();
        assert!(old.message.contains("no configuration loads"));
        assert!(
            old.fix.contains("sfdc.password: \"![<encrypted value>]\""),
            "{}",
            old.fix
        );
        assert_eq!(old.related.len(), 1, "linked by name");
        // The key store's default password counts; it is said to be one.
        let default = f
            .iter()
            .find(|f| f.fingerprint_key == "xml|TLS_Context|tls:key-store|password")
            .unwrap();
        assert!(
            default.message.contains("a well-known default password"),
            "{}",
            default.message
        );
        let ks = f.iter().find(|f| f.location.line == 20).unwrap();
        assert_eq!(
            ks.fingerprint_key,
            "xml|TLS_Context|tls:key-store|keyPassword"
        );
        assert!(
            ks.fix.contains("${secure::tls_context.keyPassword}"),
            "{}",
            ks.fix
        );
    }

    #[test]
    fn property_read_by_a_password_attribute_counts_whatever_its_name() {
        let mut a = app("billing", &[]);
        a.secret_attributes = vec![attr(
            "http:basic-authentication",
            Some("ERP"),
            "password",
            "${erp.pw}",
            "billing/x.xml",
            4,
        )];
        a.property_files = vec![props(
            "billing/config.yaml",
            None,
            false,
            &[("erp.pw", "Tiger2024!"), ("erp.host", "erp")],
        )];
        a.global_properties = vec![GlobalProperty {
            name: "erp.password".into(),
            value: val("Tiger2024!", "billing/x.xml", 2),
            location: loc("billing/x.xml", 2),
        }];
        let inv = Inventory {
            apps: vec![a],
            text_files: vec![TextFileFacts {
                path: "scripts/run.sh".into(),
                assignments: vec![
                    Assignment {
                        form: Default::default(),
                        name: "SFDC_PASSWORD".into(),
                        value: "Tiger2024!".into(),
                        secret: true,
                        location: loc("scripts/run.sh", 3),
                    },
                    Assignment {
                        form: Default::default(),
                        name: "SFDC_TOKEN".into(),
                        value: "$SFDC_TOKEN".into(),
                        secret: true,
                        location: loc("scripts/run.sh", 4),
                    },
                    Assignment {
                        form: Default::default(),
                        name: "encryption.key".into(),
                        value: "Abcdef0123456789".into(),
                        secret: true,
                        location: loc("scripts/run.sh", 5),
                    },
                ],
                ..Default::default()
            }],
            ..Default::default()
        };
        let f = PlaintextSecret.check(&inv);
        assert_eq!(
            places(&f),
            vec![
                ("billing/config.yaml".to_string(), 1),
                ("billing/x.xml".to_string(), 2),
                ("scripts/run.sh".to_string(), 3),
            ]
        );
        assert_no_secret(&f);
        assert_eq!(
            f.iter()
                .find(|f| f.location.line == 1)
                .unwrap()
                .environments,
            Vec::<String>::new()
        );
    }

    #[test]
    fn references_encrypted_values_and_dummies_are_clean() {
        let mut a = app("clean", &["dev"]);
        a.secret_attributes = vec![
            attr(
                "salesforce:jwt-connection",
                Some("SF"),
                "storePassword",
                "${secure::sf.storePassword}",
                "clean/g.xml",
                3,
            ),
            attr(
                "tls:trust-store",
                Some("TLS"),
                "password",
                "changeit",
                "clean/g.xml",
                9,
            ),
        ];
        a.property_files = vec![props(
            "clean/dev-secure.yaml",
            Some("dev"),
            true,
            &[
                ("sf.storePassword", "![w9oKTqKTtvBuRUVbhQP/qw==]"),
                ("sf.password", "<password>"),
                ("sf.tokenEndpoint", "https://x"),
            ],
        )];
        let inv = Inventory {
            apps: vec![a],
            ..Default::default()
        };
        assert!(PlaintextSecret.check(&inv).is_empty());
    }

    #[test]
    fn salesforce_tokens_are_left_to_ig106() {
        use intguard_model::TokenCandidate;
        let token = "00D5e000000AbCdEFG!AQ8AQPz1x2y3z4w5v6u7t8s9r0q";
        let inv = Inventory {
            text_files: vec![TextFileFacts {
                path: "scripts/smoke.sh".into(),
                tokens: vec![TokenCandidate {
                    kind: intguard_model::TokenKind::AccessToken,
                    value: token.into(),
                    location: loc("scripts/smoke.sh", 2),
                    host: None,
                }],
                assignments: vec![
                    Assignment {
                        form: Default::default(),
                        name: "SF_TOKEN".into(),
                        value: token.into(),
                        secret: true,
                        location: loc("scripts/smoke.sh", 2),
                    },
                    Assignment {
                        form: Default::default(),
                        name: "SF_PASSWORD".into(),
                        value: "Tiger2024!".into(),
                        secret: true,
                        location: loc("scripts/smoke.sh", 3),
                    },
                ],
                ..Default::default()
            }],
            ..Default::default()
        };
        let f = PlaintextSecret.check(&inv);
        assert_eq!(places(&f), vec![("scripts/smoke.sh".to_string(), 3)]);
    }

    #[test]
    fn test_sources_are_lowered() {
        let mut a = app("t", &[]);
        a.property_files = vec![props(
            "t/src/test/resources/test.yaml",
            None,
            false,
            &[("sfdc.password", "Tiger2024!")],
        )];
        let inv = Inventory {
            apps: vec![a],
            ..Default::default()
        };
        let f = PlaintextSecret.run(&inv);
        assert_eq!(f[0].severity, Severity::High);
    }
}
