use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;

use intguard_model::expr::placeholders;
use intguard_model::vocab::is_secret_name;
use intguard_model::{
    Finding, Inventory, Location, MuleApp, MuleRuntime, Placeholder, Practice, Related, RuleMeta,
    SalesforceConnection, Severity, Value,
};

use super::ig103_committed_encryption_key::config_label_in;
use crate::support::{connection_identities, describe_identities, file_name, short_location};
use crate::{Rule, Scope};

pub struct SecurePropertyExposed;

static META: RuleMeta = RuleMeta {
    id: "IG107",
    name: "secure-property-exposed",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::Medium,
    summary: "A secret property is not listed in mule-artifact.json `secureProperties` (Mule 3: mule-app.properties `secure.properties`)",
    doc: r#"## What it does
For Mule 4 apps with a `mule-artifact.json` (and Mule 3 apps that declare hidden
properties, below), finds the secret properties whose values
are set (or overridden) in Runtime Manager at deploy time, and reports each one missing
from the descriptor's `secureProperties` array:
- the property that holds the secure-properties key (`key="${encryption.key}"`);
- a secret read through a plain `${name}` (or `#[p('name')]`) reference: in a secret
  attribute (`password`, `storePassword`, `keyPassword`, `consumerSecret`,
  `clientSecret`, `securityToken`, ...) or under a secret name (`*.password`,
  `*.token`, `*.secret`, ...), anywhere in connections, TLS contexts, HTTP
  authentication, global-properties and property values (in files a
  configuration loads); the value of a secret property counts as a secret
  attribute: `sfdc.password: "${sfdc.deploy.password}"` is reported for
  `sfdc.deploy.password`, and so is `sf.alias: "${sf.base}"` when a password
  attribute reads `${sf.alias}`.

One finding per name, where it is read (the `key` attribute, the connection
attribute, the global-property, the property file's key), with related locations on
`mule-artifact.json`, the other references and the property's definitions (a YAML
definition Mule does not read, its key being written again below in the same mapping,
is said to be unread, and what its value reads is not reported; a definition in a
property file no `<configuration-properties>` or `<secure-properties:config>` of the
app loads is not where Mule reads the value: it is left out, or, when no loaded file
defines the property, said not to be loaded). The
message quotes the reference as written (`${name}`, `#[p('name')]`). The fix gives the complete line to write. Properties read
only as `${secure::name}` come from the encrypted files through the Secure
Configuration Properties module, not from Runtime Manager, so they are not reported.
The configurations of a Mule plugin's file that an app imports (`<import file="..."/>`)
run in the app and read the app's properties: a secret property only they read (the
key of the plugin's secure-properties config, a `${...}` password of its connection) is
checked against the importing app's `secureProperties` and reported at the app's
`mule-artifact.json`, naming the plugin's configuration.
Mule 3 apps declare the properties CloudHub hides in the `secure.properties` entry of
`mule-app.properties`, a comma-separated list of names
(`secure.properties=sfdc.password, secure.key`; MuleSoft's migration assistant turns it
into Mule 4's `secureProperties`). A Mule 3 app that has this entry is checked the same
way, the entry standing for the descriptor, except for properties its encrypted
`secure-property-placeholder` file defines (read as `${name}`, they come from that
file, like Mule 4's `${secure::name}`). A Mule 3 app without the entry is not checked:
its repository does not say whether it is deployed through Runtime Manager (CloudHub)
or on premises, where Runtime Manager shows nothing and the entry hides nothing.
MUnit test sources are ignored, and so are domain projects (pom packaging `mule-domain`):
a domain is installed in the runtime's `domains` folder, never deployed through Runtime
Manager; and so are Mule plugin projects (pom packaging `mule-plugin`), deployed inside the
apps that depend on them, whose own `secureProperties` are the ones that count.

## Why is this bad?
Runtime Manager (CloudHub, CloudHub 2.0, Runtime Fabric, hybrid) supplies the
properties that are not in the repository: the encryption key, and secrets read as
plain `${name}`. Only properties listed in `secureProperties` are hidden there: the
others are displayed in clear in the application's Properties tab and returned by the
Runtime Manager API, so everyone with read access to the environment learns the
integration user's password, or the key that decrypts every secure property.

## Example
```json
{
  "minMuleVersion": "4.6.0",
  "secureProperties": ["anypoint.platform.client_secret"]
}
```
```xml
<secure-properties:config name="Secure_Props" key="${encryption.key}"
    file="properties/${mule.env}-secure.yaml"/>
<salesforce:sfdc-config name="Salesforce_Config">
  <salesforce:basic-connection username="${sfdc.username}" password="${sfdc.password}"
      securityToken="${secure::sfdc.token}"/>
</salesforce:sfdc-config>
```

## How to fix
List them in `mule-artifact.json`:
```json
{
  "minMuleVersion": "4.6.0",
  "secureProperties": [
    "anypoint.platform.client_secret",
    "encryption.key",
    "sfdc.password"
  ]
}
```
Then redeploy, and re-enter values that were already set in Runtime Manager so that
they are stored protected (values shown before may have been seen: rotate them).
Better still, read secrets as `${secure::name}` from encrypted files, and drop the
password altogether (JWT bearer flow, IG101).

## References
- MuleSoft Docs: CloudHub 2.0, Protect Application Property Values
- MuleSoft Docs: CloudHub, Safely Hide Application Properties (`secureProperties`)
- MuleSoft Docs: mule-artifact.json descriptor
- MuleSoft Docs (Mule 3 era): Runtime Manager, Secure Application Properties (the
  `secure.properties` entry of `mule-app.properties`)
- mulesoft/mule-migration-assistant: `SetSecureProperties` (reads `secure.properties`
  from `mule-app.properties`, comma-separated, into `secureProperties`)
"#,
};

fn in_test_sources(path: &str) -> bool {
    path.contains("/src/test/") || path.starts_with("src/test/")
}

/// Why a place mentions a secret property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Why {
    /// The secure-properties key attribute (best location).
    EncryptionKey,
    /// A plain `${name}` read of a secret.
    Reference,
    /// Where the property is defined (context only).
    Definition,
    /// A definition Mule does not read: a YAML key written again below in
    /// its mapping replaces it (context only, after those read).
    UnreadDefinition,
    /// A definition in a file no import of the app loads, given only when
    /// no loaded file defines the name (context only, last).
    UnloadedDefinition,
}

impl Why {
    /// A place that reads the property (a definition, read or not, only
    /// says where it is written).
    fn reads(self) -> bool {
        matches!(self, Why::EncryptionKey | Why::Reference)
    }
}

#[derive(Debug, Clone)]
struct Occurrence {
    why: Why,
    location: Location,
    /// What the place is, for messages: `read by ...`, `the key of <...>`, ...
    label: String,
}

/// A value of the app's model that may hold a property reference.
struct Held<'a> {
    text: &'a str,
    location: &'a Location,
    /// A secret slot: a password attribute, the definition of a secret
    /// property.
    secret: bool,
    /// Who holds it, for messages.
    label: String,
}

/// Every value of the app's model that may hold a property reference, with
/// whether it is a secret slot and who holds it.
fn app_values<'a>(app: &'a MuleApp) -> Vec<Held<'a>> {
    let mut out: Vec<Held<'a>> = Vec::new();
    // Labels are made for values with references only (apps have thousands of
    // attributes).
    let mut push_text =
        |text: &'a str, location: &'a Location, secret: bool, label: &dyn Fn() -> String| {
            if may_reference(text) {
                out.push(Held {
                    text,
                    location,
                    secret,
                    label: label(),
                });
            }
        };
    let mut push = |v: &'a Value, secret: bool, label: &dyn Fn() -> String| {
        push_text(&v.raw, &v.location, secret, label)
    };
    let attr = |a: &intguard_model::XmlAttribute| match &a.owner {
        Some(owner) => format!("`{}` of <{}> `{owner}`", a.name, a.element),
        None => format!("`{}` of <{}>", a.name, a.element),
    };
    let mut stores = Vec::new();
    for a in app.secret_attributes.iter().chain(&app.url_attributes) {
        push(&a.value, is_secret_name(&a.name), &|| attr(a));
    }
    // With a Mule plugin's connections the app imports, while lent.
    for (c, _) in app.resolved_salesforce_connections() {
        for a in &c.attributes {
            push(&a.value, is_secret_name(&a.name), &|| attr(a));
        }
        stores.extend(c.tls_context.as_deref());
    }
    for l in &app.http_listeners {
        for v in [&l.protocol, &l.host, &l.port].into_iter().flatten() {
            push(v, false, &|| format!("HTTP listener `{}`", l.config_name));
        }
        stores.extend(l.tls_context.iter());
    }
    for r in &app.http_requests {
        for v in [&r.protocol, &r.host, &r.port, &r.base_path]
            .into_iter()
            .flatten()
        {
            push(v, false, &|| {
                format!("HTTP request config `{}`", r.config_name)
            });
        }
        for a in r.authentication.iter().flat_map(|auth| &auth.attributes) {
            push(&a.value, is_secret_name(&a.name), &|| attr(a));
        }
        stores.extend(r.tls_context.iter());
    }
    stores.extend(app.tls_contexts.iter());
    for ctx in stores {
        for store in ctx.key_store.iter().chain(ctx.trust_store.iter()) {
            for a in &store.attributes {
                push(&a.value, is_secret_name(&a.name), &|| attr(a));
            }
        }
    }
    // Definitions: a secret property's value is a secret slot, whether its
    // name says so or a secret attribute reads it (`password="${sf.alias}"`).
    let read_as_secret = app.secret_reference_names();
    // `named_secret`: the name's `is_secret_name` (a property entry's is
    // told when it is read).
    let secret_definition =
        |name: &str, named_secret: bool| named_secret || read_as_secret.contains(name);
    for g in &app.global_properties {
        push(
            &g.value,
            secret_definition(&g.name, is_secret_name(&g.name)),
            &|| format!("<global-property name=\"{}\">", g.name),
        );
    }
    // A file no configuration loads resolves nothing.
    for file in app.property_files.iter().filter(|f| f.loaded) {
        for e in &file.entries {
            // Most values reference nothing: asked first, as naming the
            // slot costs more (120 entries an app). A value Mule does not
            // read (its key written again below) reads nothing.
            if !may_reference(e.value()) || e.is_unread() {
                continue;
            }
            let secret = secret_definition(e.key(), e.has_secret_name());
            push_text(e.value(), &e.location, secret, &|| {
                format!("`{}` in {}", e.key(), file_name(&file.path))
            });
        }
    }
    out
}

/// Whether the app defines `name`, and every definition in its property
/// files is a token endpoint's address
/// ([`intguard_model::vocab::is_token_endpoint_url`]).
fn defined_only_as_token_endpoint(app: &MuleApp, name: &str) -> bool {
    let mut values = app
        .property_files
        .iter()
        .flat_map(|f| &f.entries)
        .filter(|e| e.key() == name)
        .map(|e| e.value())
        .peekable();
    values.peek().is_some() && values.all(intguard_model::vocab::is_token_endpoint_url)
}

/// Whether a value may hold a property reference: `${name}` or `p('name')`.
fn may_reference(text: &str) -> bool {
    text.contains("${") || text.contains("p(")
}

/// The reference as written: `${name}`, or a DataWeave `p('name')` with
/// its `#[...]` when the expression is nothing else.
fn written_reference(text: &str, p: &Placeholder) -> String {
    let reference = &text[p.start..p.end];
    let trimmed = text.trim();
    let whole_expression = trimmed
        .strip_prefix("#[")
        .and_then(|t| t.strip_suffix(']'))
        .is_some_and(|inner| inner.trim() == reference);
    if whole_expression {
        trimmed.to_string()
    } else {
        reference.to_string()
    }
}

/// The secret properties of an app that Runtime Manager supplies, each with
/// the places that mention it (best first).
fn secret_properties(app: &MuleApp) -> BTreeMap<String, Vec<Occurrence>> {
    let mut names: BTreeMap<String, Vec<Occurrence>> = BTreeMap::new();
    let mut add = |name: &str, occ: Occurrence| {
        if in_test_sources(&occ.location.path) {
            return;
        }
        let list = names.entry(name.to_string()).or_default();
        if !list.iter().any(|o| o.location == occ.location) {
            list.push(occ);
        }
    };
    for config in &app.secure_property_configs {
        let Some(key) = &config.key else { continue };
        for p in key.placeholders() {
            add(
                &p.name,
                Occurrence {
                    why: Why::EncryptionKey,
                    location: key.location.clone(),
                    label: format!("the key of {}", config_label_in(app, config)),
                },
            );
        }
    }
    // Each nested name's readings once, for a few hundred names at most
    // (each looks at every property entry); past that, the name as written.
    let mut nested: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for held in app_values(app) {
        for p in placeholders(held.text) {
            if p.secure || !(held.secret || is_secret_name(&p.name)) {
                continue;
            }
            // `${${mule.env}.sf.password}`: each name it reads.
            let names = if !p.is_nested() {
                vec![p.name.clone()]
            } else if let Some(known) = nested.get(&p.name) {
                known.clone()
            } else if nested.len() < 256 {
                let names = app.names_read_by(&p);
                nested.insert(p.name.clone(), names.clone());
                names
            } else {
                vec![p.name.clone()]
            };
            for name in names {
                // Secret by its name alone, but a token endpoint's address
                // wherever it is defined (`sf.token` read by a
                // `tokenEndpoint`): no secret to protect.
                if !held.secret && defined_only_as_token_endpoint(app, &name) {
                    continue;
                }
                add(
                    &name,
                    Occurrence {
                        why: Why::Reference,
                        location: held.location.clone(),
                        label: format!(
                            "read as {} by {}",
                            written_reference(held.text, &p),
                            held.label
                        ),
                    },
                );
            }
        }
    }
    // Where those properties are defined: context for the finding. A file
    // no import loads is not where Mule reads a value: named only for a
    // property no loaded file defines, as not loaded.
    let mut unloaded: Vec<(&str, Occurrence)> = Vec::new();
    for file in &app.property_files {
        for entry in &file.entries {
            if let Some(list) = names.get_mut(entry.key()) {
                if in_test_sources(&entry.location.path) {
                    continue;
                }
                if !file.loaded {
                    unloaded.push((
                        entry.key(),
                        Occurrence {
                            why: Why::UnloadedDefinition,
                            location: entry.location.clone(),
                            label: format!(
                                "written in {}, which no <configuration-properties> or <secure-properties:config> of {} loads: Mule does not read it",
                                file_name(&file.path),
                                app.name
                            ),
                        },
                    ));
                } else if entry.is_unread() {
                    // Not where the value comes from: say so.
                    list.push(Occurrence {
                        why: Why::UnreadDefinition,
                        location: entry.location.clone(),
                        label: format!(
                            "written in {} under a key the file writes again below, whose value replaces this one: Mule does not read it",
                            file_name(&file.path)
                        ),
                    });
                } else {
                    list.push(Occurrence {
                        why: Why::Definition,
                        location: entry.location.clone(),
                        // In Mule 4 a secure file's keys are another name
                        // space: `${secure::x}`, reached from a plain definition
                        // (unless a plain import loads the file too).
                        label: if file.secure
                            && !file.plain_too
                            && app.runtime == MuleRuntime::Mule4
                        {
                            format!(
                                "defined in {}, read as ${{secure::{}}}",
                                file_name(&file.path),
                                entry.key()
                            )
                        } else {
                            format!("defined in {}", file_name(&file.path))
                        },
                    });
                }
            }
        }
    }
    for (name, occ) in unloaded {
        if let Some(list) = names.get_mut(name) {
            if !list
                .iter()
                .any(|o| matches!(o.why, Why::Definition | Why::UnreadDefinition))
            {
                list.push(occ);
            }
        }
    }
    for list in names.values_mut() {
        list.sort_by(|a, b| a.why.cmp(&b.why).then_with(|| a.location.cmp(&b.location)));
    }
    names
}

/// The app's Salesforce connections by the properties their attributes
/// read, built once per app: asking every connection for every name took
/// time in the product of their numbers (an app of 2,000 connections and
/// 4,000 secret properties: 1.2 s).
struct ConnectionsReading<'a> {
    /// Each property read, with the connections reading it (in order, each
    /// once).
    by_name: HashMap<String, Vec<&'a SalesforceConnection>>,
}

impl<'a> ConnectionsReading<'a> {
    fn of(app: &'a MuleApp) -> Self {
        let mut by_name: HashMap<String, Vec<&SalesforceConnection>> = HashMap::default();
        for (conn, _) in app.resolved_salesforce_connections() {
            for a in &conn.attributes {
                for p in a.value.placeholders() {
                    let readers = by_name.entry(p.name).or_default();
                    if !readers.last().is_some_and(|c| std::ptr::eq(*c, conn)) {
                        readers.push(conn);
                    }
                }
            }
        }
        Self { by_name }
    }

    /// The Salesforce users whose connection reads `name`.
    fn identities(&self, inventory: &Inventory, app: &MuleApp, name: &str) -> Option<String> {
        let mut who: Vec<String> = Vec::new();
        for &conn in self.by_name.get(name).map_or(&[][..], Vec::as_slice) {
            if let Some(w) = describe_identities(&connection_identities(inventory, app, conn)) {
                if !who.contains(&w) {
                    who.push(w);
                }
            }
        }
        (!who.is_empty()).then(|| who.join(", "))
    }
}

/// The names a fix's `secureProperties` line lists in full: every finding
/// of the app repeats the line, so thousands of names made a report grow
/// with their square (98 MB for 3,000).
const MAX_LISTED: usize = 50;

fn json_list(names: &[String]) -> String {
    let quoted: Vec<String> = names
        .iter()
        .take(MAX_LISTED)
        .map(|n| format!("\"{n}\""))
        .collect();
    let more = match names.len().saturating_sub(MAX_LISTED) {
        0 => String::new(),
        n => format!(", ... and {n} more: every secret property these findings name"),
    };
    format!("\"secureProperties\": [{}{more}]", quoted.join(", "))
}

impl Rule for SecurePropertyExposed {
    /// Reads one app's references, property files and descriptor.
    fn scope(&self) -> Scope {
        Scope::App
    }

    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for app in &inventory.apps {
            check_app(inventory, app, false, &mut out);
        }
        crate::support::disambiguate_keys(&mut out);
        out
    }

    /// The secret properties only the configurations of a Mule plugin an
    /// app imports read (its secure-properties config's `key`, a lent
    /// connection's or TLS context's password): lent to the app while the
    /// Scan rules run ([`Inventory::lend_plugin_configurations`]), so not
    /// seen by [`Rule::check`], which reads each app alone. Reported for
    /// the importing app, at its mule-artifact.json.
    fn check_scan(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for app in inventory.apps.iter().filter(|a| a.plugin_loan.is_some()) {
            check_app(inventory, app, true, &mut out);
        }
        crate::support::disambiguate_keys(&mut out);
        out
    }
}

/// The findings of one app: with `lent_only`, only the names that nothing
/// but the configurations lent by Mule plugins read, at the app's
/// mule-artifact.json (the plugin's file is shared by every importing
/// app); without, the others (all of them when nothing is lent, as
/// [`Rule::check`] reads each app).
fn check_app(inventory: &Inventory, app: &MuleApp, lent_only: bool, out: &mut Vec<Finding>) {
    // A domain is installed in the runtime's `domains` folder, never
    // through Runtime Manager: no property of it is shown there. A Mule
    // plugin is deployed inside the apps importing it: their
    // `secureProperties` hide what its files read (the scan part, below),
    // its own list hides nothing.
    if app.domain || app.plugin.is_some() {
        return;
    }
    let Some(declaration) = declaration(app) else {
        return;
    };
    let descriptor = &declaration.location;
    let all_missing: Vec<(String, Vec<Occurrence>)> = secret_properties(app)
        .into_iter()
        .filter(|(name, _)| !declaration.names.iter().any(|d| d == name))
        // Mule 3 reads its encrypted file's properties as `${name}`: they
        // come from the file (Mule 4's `${secure::name}`), not from Runtime
        // Manager.
        .filter(|(name, _)| app.runtime == MuleRuntime::Mule4 || !defined_in_secure_file(app, name))
        .collect();
    let lent_read = |occurrences: &[Occurrence]| {
        occurrences
            .iter()
            .filter(|o| o.why.reads())
            .all(|o| app.lending_plugin(&o.location.path).is_some())
    };
    let missing: Vec<&(String, Vec<Occurrence>)> = all_missing
        .iter()
        .filter(|(_, o)| lent_read(o) == lent_only)
        .collect();
    if missing.is_empty() {
        return;
    }
    // The line to write lists every name missing, lent or not.
    let mut wanted: Vec<String> = declaration.names.clone();
    let mut extra: BTreeSet<String> = BTreeSet::new();
    extra.extend(all_missing.iter().map(|(n, _)| n.clone()));
    wanted.extend(extra);
    let mule3 = declaration.mule3;
    let line = if mule3 {
        properties_line(&wanted)
    } else {
        json_list(&wanted)
    };
    let listed = if mule3 {
        "is not listed in the secure.properties entry of mule-app.properties"
    } else if declaration.declared {
        "is not listed in mule-artifact.json secureProperties"
    } else {
        "is not protected: mule-artifact.json has no secureProperties"
    };
    let reading = ConnectionsReading::of(app);
    for (name, occurrences) in missing {
        let first = &occurrences[0];
        let mut why = match first.why {
            Why::EncryptionKey => format!("it holds {}", first.label),
            Why::Reference | Why::Definition | Why::UnreadDefinition | Why::UnloadedDefinition => {
                first.label.clone()
            }
        };
        let plugin = app.lending_plugin(&first.location.path);
        if let (Some(plugin), Why::Reference) = (plugin, first.why) {
            why.push_str(&format!(
                " in {} of Mule plugin {plugin}, which {} imports",
                file_name(&first.location.path),
                app.name
            ));
        }
        let message = format!(
            "{}: secret property `{name}` ({why}) {listed}, so Runtime Manager shows a value set there in clear",
            app.name
        );
        let (fix, add) = if mule3 {
            (
                format!(
                    "Add {name} to the secure.properties entry of mule-app.properties: {line}. Redeploy, then re-enter the value in Runtime Manager so it is stored hidden."
                ),
                format!("mule-app.properties: add {name} to secure.properties"),
            )
        } else {
            (
                format!(
                    "Add \"{name}\" to mule-artifact.json: {line}. Redeploy, then re-enter the value in Runtime Manager so it is stored protected."
                ),
                format!("mule-artifact.json: add \"{name}\" to secureProperties"),
            )
        };
        let mut f = if plugin.is_some() {
            // At the app's descriptor, the plugin's file related.
            Finding::new(&META, descriptor.clone(), message).related(Related::new(
                &first.location,
                format!(
                    "`{name}` {} ({})",
                    first.label,
                    short_location(&first.location)
                ),
            ))
        } else {
            Finding::new(&META, first.location.clone(), message)
                .related(Related::new(descriptor, add))
        };
        f = f
            .maybe_identity(reading.identities(inventory, app, name))
            .key(format!("secure-property|{name}"))
            .fix(fix);
        for o in occurrences.iter().skip(1).take(10) {
            f = f.related(Related::new(
                &o.location,
                format!("`{name}` {} ({})", o.label, short_location(&o.location)),
            ));
        }
        out.push(f);
    }
}

/// Where an app declares the properties Runtime Manager hides.
struct Declaration {
    /// `mule-artifact.json`, or Mule 3's `secure.properties` entry.
    location: Location,
    /// The names declared (without a `secure::` prefix).
    names: Vec<String>,
    /// Mule 4: whether the descriptor has a `secureProperties` array.
    declared: bool,
    /// Declared in Mule 3's `mule-app.properties`.
    mule3: bool,
}

/// The app's declaration of hidden properties: Mule 4's `mule-artifact.json`
/// `secureProperties`; Mule 3's `secure.properties` entry of
/// `mule-app.properties`, a comma-separated list of names (read the way
/// mulesoft/mule-migration-assistant's SetSecureProperties reads it to
/// write Mule 4's `secureProperties`; MuleSoft's CloudHub documentation of
/// Mule 3 apps names the same entry). A Mule 3 app without that entry is not
/// checked: whether it is deployed through Runtime Manager (CloudHub) or on
/// premises, where the entry hides nothing, its repository does not say.
fn declaration(app: &MuleApp) -> Option<Declaration> {
    match app.runtime {
        MuleRuntime::Mule4 => {
            let descriptor = app
                .descriptor
                .as_ref()
                .filter(|d| file_name(&d.path) == "mule-artifact.json")?;
            Some(Declaration {
                location: descriptor.clone(),
                names: app
                    .declared_secure_property_names()
                    .map(str::to_string)
                    .collect(),
                declared: app.declared_secure_properties.is_some(),
                mule3: false,
            })
        }
        MuleRuntime::Mule3 => {
            let entry = app
                .property_files
                .iter()
                .filter(|f| {
                    file_name(&f.path) == "mule-app.properties" && !in_test_sources(&f.path)
                })
                .flat_map(|f| &f.entries)
                .rfind(|e| e.key() == "secure.properties" && !e.is_unread())?;
            Some(Declaration {
                location: entry.location.clone(),
                names: entry
                    .value()
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string)
                    .collect(),
                declared: true,
                mule3: true,
            })
        }
    }
}

/// Whether a loaded encrypted properties file of the app (Mule 3's
/// `secure-property-placeholder` location) defines `name`.
fn defined_in_secure_file(app: &MuleApp, name: &str) -> bool {
    app.property_files
        .iter()
        .filter(|f| f.secure && f.loaded)
        .flat_map(|f| &f.entries)
        .any(|e| e.key() == name && !e.is_unread())
}

/// Mule 3's `secure.properties=a, b` line, cut like [`json_list`]'s.
fn properties_line(names: &[String]) -> String {
    let listed: Vec<&str> = names.iter().take(MAX_LISTED).map(String::as_str).collect();
    let more = match names.len().saturating_sub(MAX_LISTED) {
        0 => String::new(),
        n => format!(", ... and {n} more: every secret property these findings name"),
    };
    format!("secure.properties={}{more}", listed.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Thousands of names: the line lists fifty and counts the rest (every
    /// finding repeats it; the report grew with the square of the names).
    #[test]
    fn a_long_secure_properties_line_is_cut() {
        let names: Vec<String> = (0..3000).map(|i| format!("p{i}")).collect();
        let line = json_list(&names);
        assert!(
            line.starts_with(r#""secureProperties": ["p0", "p1""#),
            "{line}"
        );
        assert!(line.contains(r#""p49", ... and 2950 more"#), "{line}");
        assert!(!line.contains(r#""p50""#), "{line}");
        let few = json_list(&names[..2]);
        assert_eq!(few, r#""secureProperties": ["p0", "p1"]"#);
    }
    use crate::support::testkit::{app, attr, conn, loc, props, val};
    use intguard_model::{AuthClass, SecurePropertiesConfig};

    const XML: &str = "orders/src/main/mule/global.xml";

    fn orders(declared: Option<&[&str]>) -> MuleApp {
        let mut a = app("orders", &["dev", "prod"]);
        a.descriptor = Some(Location::file("orders/mule-artifact.json"));
        a.declared_secure_properties = declared.map(|d| d.iter().map(|s| s.to_string()).collect());
        a.secure_property_configs = vec![SecurePropertiesConfig {
            name: Some("Secure_Props".into()),
            element: "secure-properties:config".into(),
            location: loc(XML, 5),
            key: Some(val("${encryption.key}", XML, 5)),
            file: Some(val("properties/${mule.env}-secure.yaml", XML, 5).into()),
            algorithm: None,
            mode: None,
            use_random_ivs: None,
        }];
        a.salesforce_connections = vec![conn(
            "Salesforce_Config",
            "salesforce:basic-connection",
            AuthClass::Password,
            XML,
            12,
            &[
                ("username", "int.orders@acme.com"),
                ("password", "${sfdc.password}"),
                ("securityToken", "${secure::sfdc.token}"),
            ],
        )];
        a.secret_attributes = intguard_model::thin_vec![
            attr(
                "salesforce:basic-connection",
                Some("Salesforce_Config"),
                "password",
                "${sfdc.password}",
                XML,
                12,
            ),
            attr(
                "salesforce:basic-connection",
                Some("Salesforce_Config"),
                "securityToken",
                "${secure::sfdc.token}",
                XML,
                12,
            ),
            attr(
                "http:basic-authentication",
                Some("ERP_Request"),
                "password",
                "${erp.pw}",
                XML,
                20,
            ),
        ];
        a.property_files = vec![
            props(
                "orders/src/main/resources/properties/prod.yaml",
                Some("prod"),
                false,
                &[("sfdc.password", "${SFDC_PASSWORD}"), ("http.port", "8081")],
            ),
            props(
                "orders/src/main/resources/properties/prod-secure.yaml",
                Some("prod"),
                true,
                &[("sfdc.token", "![abc]"), ("sfdc.consumerSecret", "![def]")],
            ),
        ]
        .into();
        a
    }

    fn run(a: MuleApp) -> Vec<Finding> {
        SecurePropertyExposed.check(&Inventory {
            apps: vec![a],
            ..Default::default()
        })
    }

    #[test]
    fn key_and_plain_secret_references_at_the_xml() {
        let f = run(orders(Some(&["anypoint.platform.client_secret"])));
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.location.line, f.fingerprint_key.as_str()))
            .collect();
        // `erp.pw` has no secret name, but a password attribute reads it;
        // `secure::` reads (sfdc.token) and unread secure values are not
        // reported; SFDC_PASSWORD, which sfdc.password's value reads, is (at
        // its prod.yaml definition).
        assert_eq!(
            got,
            vec![
                (1, "secure-property|SFDC_PASSWORD"),
                (5, "secure-property|encryption.key"),
                (20, "secure-property|erp.pw"),
                (12, "secure-property|sfdc.password"),
            ]
        );
        let line = "\"secureProperties\": [\"anypoint.platform.client_secret\", \"SFDC_PASSWORD\", \"encryption.key\", \"erp.pw\", \"sfdc.password\"]";
        assert!(f.iter().all(|f| f.fix.contains(line)), "{}", f[0].fix);
        assert_eq!(f[1].related[0].path, "orders/mule-artifact.json");
        assert!(
            f[1].message
                .contains("it holds the key of <secure-properties:config> `Secure_Props`"),
            "{}",
            f[1].message
        );
        let pw = &f[3];
        assert_eq!(pw.identity.as_deref(), Some("int.orders@acme.com"));
        assert!(pw.message.contains("read as ${sfdc.password} by `password` of <salesforce:basic-connection> `Salesforce_Config`"), "{}", pw.message);
        assert!(
            pw.related
                .iter()
                .any(|r| r.path.ends_with("prod.yaml") && r.line == 1),
            "definition: {:#?}",
            pw.related
        );
    }

    #[test]
    fn fully_declared_mule3_and_descriptorless_apps_are_clean() {
        assert!(run(orders(Some(&[
            "SFDC_PASSWORD",
            "encryption.key",
            "erp.pw",
            "secure::sfdc.password"
        ])))
        .is_empty());
        let mut no_descriptor = orders(None);
        no_descriptor.descriptor = None;
        assert!(run(no_descriptor).is_empty());
        let mut mule3 = orders(None);
        mule3.runtime = MuleRuntime::Mule3;
        mule3.descriptor = Some(Location::file("orders/mule-project.xml"));
        assert!(run(mule3).is_empty());
        // A domain project is not deployed through Runtime Manager: the
        // same app as a domain, which finds 4 as an app (below), finds none.
        let mut domain = orders(None);
        domain.domain = true;
        assert!(run(domain).is_empty());
        // Nor is a Mule plugin: it runs inside the apps importing it.
        let mut plugin = orders(None);
        plugin.plugin = Some(Box::new(intguard_model::PluginCoordinates {
            group_id: Some("com.acme".into()),
            artifact_id: "common-lib".into(),
        }));
        assert!(run(plugin).is_empty());
    }

    #[test]
    fn no_secure_properties_field_means_nothing_listed() {
        let f = run(orders(None));
        assert_eq!(f.len(), 4);
        assert!(f[0]
            .message
            .contains("mule-artifact.json has no secureProperties"));
    }

    /// Each finding names the users of every connection reading its
    /// property, in the connections' order and each once, whatever the
    /// number of connections (they are indexed once per app).
    #[test]
    fn the_users_named_are_those_of_the_connections_reading_the_property() {
        let mut a = orders(Some(&[]));
        let user_conn = |name: &str, line: u32, user: &str, attrs: &[(&str, &str)]| {
            let mut all = vec![("username", user)];
            all.extend_from_slice(attrs);
            conn(
                name,
                "salesforce:basic-connection",
                AuthClass::Password,
                XML,
                line,
                &all,
            )
        };
        a.salesforce_connections = vec![
            // Reads `sfdc.password` twice.
            user_conn(
                "A",
                30,
                "int.a@acme.com",
                &[
                    ("password", "${sfdc.password}"),
                    ("securityToken", "${sfdc.password}"),
                ],
            ),
            user_conn("B", 40, "int.b@acme.com", &[("password", "${erp.pw}")]),
            // The same user as A: named once.
            user_conn(
                "C",
                50,
                "int.a@acme.com",
                &[("password", "${sfdc.password}")],
            ),
            user_conn(
                "D",
                60,
                "int.d@acme.com",
                &[("password", "x${sfdc.password}${erp.pw}")],
            ),
        ];
        // 300 more connections, each reading a name of its own.
        for i in 0..300 {
            let password = format!("${{own{i}.password}}");
            a.salesforce_connections.push(user_conn(
                &format!("Own{i}"),
                100 + i,
                &format!("int.own{i}@acme.com"),
                &[("password", password.as_str())],
            ));
        }
        let f = run(a);
        let identity = |key: &str| {
            f.iter()
                .find(|f| f.fingerprint_key == format!("secure-property|{key}"))
                .unwrap_or_else(|| panic!("no finding for {key}"))
                .identity
                .clone()
        };
        assert_eq!(
            identity("sfdc.password").as_deref(),
            Some("int.a@acme.com, int.d@acme.com")
        );
        assert_eq!(
            identity("erp.pw").as_deref(),
            Some("int.b@acme.com, int.d@acme.com")
        );
        assert_eq!(
            identity("own7.password").as_deref(),
            Some("int.own7@acme.com")
        );
        assert_eq!(
            identity("own299.password").as_deref(),
            Some("int.own299@acme.com")
        );
        // Read by no connection (the secure-properties config's key): no user.
        assert_eq!(identity("encryption.key"), None);
    }
}
