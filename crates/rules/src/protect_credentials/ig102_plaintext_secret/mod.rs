//! IG102 plaintext-secret: its documentation, and the scan of each place a
//! secret may be written in clear, one part per kind of place:
//! - [`xml`]: literal secrets in XML attributes, and the credentials HTTP
//!   requests send ([`http`] says who sends each one);
//! - [`property_files`]: property files and `<global-property>` elements;
//! - [`urls`]: passwords in a URL's user info, credentials in its query;
//! - [`text_files`]: scripts, launch files, poms and CI files.
//!
//! A place is reported once, by the first part that finds it ([`Seen`]).

use std::collections::HashSet;

// Keyed by locations and names, asked for every property entry: a fast
// hasher (SipHash's flooding resistance buys nothing on one's own files).
use foldhash::{HashMap, HashMapExt, HashSetExt};

use intguard_model::expr::placeholders;
use intguard_model::property_names::{new_property_names, XmlSecret};
use intguard_model::secret::{describe, fingerprint as secret_digest};
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

mod ci_services;
mod fix_secrets_declines;
mod http;
mod property_files;
mod text_files;
mod urls;
mod xml;

pub struct PlaintextSecret;

static META: RuleMeta = RuleMeta {
    id: "IG102",
    name: "plaintext-secret",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::Critical,
    summary: "A password, token or client secret is written in clear in XML or a property file",
    doc: r#"## What it does
Flags secret-bearing values written in clear (not `![...]`, not a `${...}` reference,
not a template dummy such as `changeme` or `<password>`, not a token endpoint's address
under a token's name, `sf.token: https://acme.my.salesforce.com/services/oauth2/token`;
but a well-known default such as `changeit` on a store that holds a private key, a
`tls:key-store` or a JWT connection's keystore, is reported: it protects nothing):
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
  value`, Mule 3's form-encoded `set-payload` literal; in a `.dwl` file of the app,
  such as the one `<ee:set-payload resource="...">` reads, the finding is in that
  file, whichever request sends it). The finding points at the
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
- a variable whose name carries a secret set to a literal (`<set-variable
  variableName="apiPassword" value="..."/>`; Mule 3 `<set-session-variable>` and
  `<set-property propertyName="Authorization" value="..."/>`, an outbound property
  sent as a header), reported at its `value`, and an `ee:set-variable` (Mule 3
  `dw:set-variable`) named so whose DataWeave script is one string literal, reported
  at the literal;
- a DataWeave script (a `.dwl` file, or one written in the XML, such as an
  `ee:set-variable`'s CDATA opening with `%dw 2.0` or, without it, with a directive
  such as `output`) that declares a secret as a string literal (`var clientSecret =
  "..."`, `var apiKey: String = "..."`, DataWeave 1.0 `%var`) in its header or in the
  header of a `do { ... --- ... }` block; the fix reads it with `p('secure::...')`;
- a password in a URL's user info (`https://svc:password@host/...`), in an XML
  attribute or a property value;
- a credential written in a URL's query (`...?grant_type=password&password=...`,
  `client_secret=`, `api_key=`: the names of the HTTP credentials above), in an XML
  attribute or a property value: a query string is written to the logs of every
  proxy and server on its way; the fix moves it to the body or a header, read from a
  secure property;
- `-Dsfdc.password=...`, `export SFDC_PASSWORD=...` or a pom property with a secret
  name in scripts, launch and CI files, and a `-D` option of the app's own scripts and
  launch files that sets a property the app reads where a secret goes, whatever its name
  (`-Dsf.login=...` for `password="${sf.login}"`); in a Jenkinsfile or another Groovy
  file, a quoted value only (`SF_PASSWORD = '...'`, `def sfToken = '...'`: Groovy's
  `credentials('id')`, `params.X` and `env.X` are expressions, no secret), fixed with a
  Jenkins credential; in a GitHub Actions, GitLab CI, Azure Pipelines or Bitbucket
  Pipelines file the fix writes the service's own reference (`${{ secrets.X }}`, `$X`,
  `$(X)`) and says where the secret is kept; a command's long option named like a secret
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
  <salesforce:jwt-connection consumerKey="${secure::sfdc.consumerKey}" keyStore="${sfdc.keystore.path}"
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
Encrypt with `intguard fix secrets --key-env <VAR holding the key> <app folder>` (for an app
whose secure-properties config is a Mule plugin's it imports: the folder holding the plugin and
the app, so that it encrypts as that config decrypts) or
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
fn identities_in(
    inventory: &Inventory,
    app: &MuleApp,
    conn: &SalesforceConnection,
    env: Option<&str>,
) -> Vec<crate::support::EnvIdentity> {
    connection_identities(inventory, app, conn)
        .into_iter()
        .filter(|i| env.is_none() || i.environment.as_deref() == env)
        .collect()
}

/// `password` of <salesforce:basic-connection> `Salesforce_Config`.
fn attr_label(attr: &XmlAttribute) -> String {
    match &attr.owner {
        Some(owner) => format!("`{}` of <{}> `{owner}`", attr.name, attr.element),
        None => format!("`{}` of <{}>", attr.name, attr.element),
    }
}

/// Mule 3: the file the app's `<secure-property-placeholder:config>` loads
/// (or the one a new configuration, as `fix secrets` adds it, would load),
/// whose `![...]` values plain `${name}` references decrypt.
fn mule3_secure_file(app: &MuleApp) -> String {
    format!(
        "the app's secure properties file ({})",
        app.secure_file_hint()
    )
}

/// How to encrypt a value so that this app decrypts it: with the key, algorithm,
/// mode and IVs of its own secure-properties configuration (a value encrypted
/// otherwise does not decrypt and the app fails at start), or of the one a
/// Mule plugin whose file it imports lends it (run on the folder holding the
/// plugin and the app, `fix secrets` encrypts with that one), or, when it
/// has none, with the configuration `intguard fix secrets` adds.
fn encrypt_how(inventory: &Inventory, app: &MuleApp) -> String {
    encrypt_how_with(inventory, app, false)
}

/// [`encrypt_how`] for a value `intguard fix secrets` does not move (a
/// `<global-property>`): encrypted by hand, with `intguard secure-props`.
fn encrypt_by_hand(inventory: &Inventory, app: &MuleApp) -> String {
    encrypt_how_with(inventory, app, true)
}

fn encrypt_how_with(inventory: &Inventory, app: &MuleApp, by_hand: bool) -> String {
    let config = app.secure_property_configs.first();
    // A Mule plugin's config runs in the app: `fix secrets` must read the
    // plugin with the app to encrypt as it decrypts.
    let folder = config.map_or_else(
        || app.root.clone(),
        |c| crate::support::secure_config_folder(inventory, app, c),
    );
    let fix = format!(
        "intguard fix secrets --key-env <VAR holding the key> {}",
        crate::support::shell_word(&folder)
    );
    let secure_props = |alg: &str, mode: &str, random_iv: bool| {
        format!(
            "intguard secure-props encrypt --key-env <VAR holding the key> --algorithm {alg} --mode {mode}{} --wrap",
            if random_iv { " --random-iv" } else { "" }
        )
    };
    let tool = |alg: &str, mode: &str, random_iv: bool| {
        format!(
            "java -cp secure-properties-tool.jar com.mulesoft.tools.SecurePropertiesTool string encrypt {alg} {mode} <key> \"<value>\"{}",
            if random_iv { " --use-random-iv true" } else { "" }
        )
    };
    match (config, app.runtime) {
        (Some(c), runtime) => {
            let label = match app.lending_plugin(&c.location.path) {
                Some(_) => super::ig103_committed_encryption_key::config_label_in(app, c),
                None => format!("the app's <{}>", c.element),
            };
            // Mule 3's placeholder has no random-IV option.
            let random_iv = runtime == MuleRuntime::Mule4 && c.random_ivs();
            // A key the repository holds opens the new value too (IG104).
            let committed = c
                .key
                .as_ref()
                .is_some_and(|k| k.is_literal() || app.resolve_all(k).iter().any(|r| r.value.is_some()));
            let by_hand_tool = secure_props(c.algorithm_name(), c.mode_name(), random_iv);
            let tool = tool(c.algorithm_name(), c.mode_name(), random_iv);
            if by_hand {
                let once = if committed {
                    format!(
                        " once that key, committed in the repository, is taken out and rotated (IG103: {})",
                        crate::support::rotate_key_command(&folder)
                    )
                } else {
                    String::new()
                };
                return format!(
                    "encrypt it with the key of {label}{once} ({by_hand_tool}, or {tool})"
                );
            }
            if committed {
                format!(
                    "encrypt it with the key of {label} once that key, committed in the repository, is taken out and rotated (IG103: {}); then, with the new key: {fix} (it encrypts as that configuration decrypts), or {tool}",
                    crate::support::rotate_key_command(&folder)
                )
            } else {
                format!(
                    "encrypt it with the key of {label} ({fix}, which encrypts as that configuration decrypts; or {tool})"
                )
            }
        }
        (None, runtime) if by_hand => {
            let mule4 = runtime == MuleRuntime::Mule4;
            format!(
                "encrypt it with a key supplied at deploy time ({}, or {}) and read the file with a new {}",
                secure_props("AES", "CBC", mule4),
                tool("AES", "CBC", mule4),
                if mule4 {
                    "<secure-properties:config> (useRandomIVs=\"true\")"
                } else {
                    "<secure-property-placeholder:config>"
                }
            )
        }
        (None, MuleRuntime::Mule3) => format!(
            "encrypt it with a key supplied at deploy time ({fix}, which also adds the <secure-property-placeholder:config>; or {})",
            tool("AES", "CBC", false)
        ),
        // A file it imports that the scan did not read (a Mule plugin's) may
        // declare the config: `fix secrets` moves nothing without it.
        (None, MuleRuntime::Mule4) if !by_hand && app.unread_config_import().is_some() => {
            let import = app.unread_config_import().map_or("", |i| i.file.as_str());
            format!(
                "encrypt it as the app's secure-properties configuration decrypts (intguard fix secrets --key-env <VAR holding the key> <the folder holding {} and the Mule plugin holding the {import} it imports>, which encrypts with that plugin's <secure-properties:config>, or adds one with useRandomIVs=\"true\" when it has none; or {})",
                app.root,
                tool("AES", "CBC", true)
            )
        }
        (None, MuleRuntime::Mule4) => format!(
            "encrypt it with a key supplied at deploy time ({fix}, which also adds a <secure-properties:config> with useRandomIVs=\"true\"; or {})",
            tool("AES", "CBC", true)
        ),
    }
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
        let mut seen = Seen::new(inventory);
        for app in inventory.apps.iter().filter(|a| !reads_plugin_config(a)) {
            app_findings(inventory, app, &mut seen, &mut out);
        }
        text_files::text_file_findings(inventory, &mut seen, &mut out);

        crate::support::disambiguate_keys(&mut out);
        out
    }

    /// The apps [`Rule::check`] leaves out ([`reads_plugin_config`]), with
    /// what the Mule plugins whose files they import lend them: the
    /// secure-properties config a value must be encrypted for, and the
    /// files it reads.
    fn check_scan(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut seen = Seen::new(inventory);
        for app in inventory.apps.iter().filter(|a| reads_plugin_config(a)) {
            app_findings(inventory, app, &mut seen, &mut out);
        }
        crate::support::disambiguate_keys(&mut out);
        out
    }
}

/// An app with no secure-properties config of its own that imports
/// configuration files it does not hold (a Mule plugin's): the config its
/// values are encrypted for may be one of those files', which only the
/// whole scan sees ([`Inventory::lend_plugin_configurations`]). Its XML and
/// property files are judged there ([`Rule::check_scan`]), so the scan keeps
/// all its facts until then (`scan_scope::keep_what_scan_rules_read`).
pub(crate) fn reads_plugin_config(app: &MuleApp) -> bool {
    !app.config_imports.is_empty()
        && match &app.plugin_loan {
            // Lent: its own configs come first.
            Some(_) => app
                .secure_property_configs
                .first()
                .is_none_or(|c| app.lending_plugin(&c.location.path).is_some()),
            None => app.secure_property_configs.is_empty(),
        }
}

/// The clear secrets of `app`'s XML, property files and URLs.
fn app_findings<'a>(
    inventory: &Inventory,
    app: &'a MuleApp,
    seen: &mut Seen<'a>,
    out: &mut Vec<Finding>,
) {
    let how = encrypt_how(inventory, app);
    let by_hand = encrypt_by_hand(inventory, app);
    xml::xml_findings(inventory, app, &how, seen, out);
    property_files::property_findings(inventory, app, &how, &by_hand, seen, out);
    urls::url_findings(app, &how, seen, out);
}

fn finding(location: &Location, message: String) -> Finding {
    Finding::new(&META, location.clone(), message)
}

/// What the parts of IG102 share across a scan: the places already
/// reported (a value is reported once, by the first part that finds it),
/// and the lines holding a Salesforce access or refresh token, which are
/// IG106's (it says what the value is and how to revoke it).
struct Seen<'a> {
    flagged: foldhash::HashSet<&'a Location>,
    token_lines: HashSet<(&'a str, u32)>,
}

impl<'a> Seen<'a> {
    fn new(inventory: &'a Inventory) -> Self {
        Seen {
            flagged: foldhash::HashSet::new(),
            token_lines: inventory
                .text_files
                .iter()
                .flat_map(|f| &f.tokens)
                .filter(|t| t.kind != TokenKind::ConsumerKey)
                .map(|t| (t.location.path.as_str(), t.location.line))
                .collect(),
        }
    }

    fn is_token_line(&self, loc: &Location) -> bool {
        self.token_lines.contains(&(loc.path.as_str(), loc.line))
    }
}

#[cfg(test)]
mod tests;
