//! What the [`Scope::Scan`] rules (and the identity graph) read of a Mule
//! app. Once an app's [`Scope::App`] rules have run, the engine keeps only
//! this of it until every app is read: most of an app's facts are property
//! entries nothing but the app's own rules reads, and holding every app's
//! made a scan's memory grow with the monorepo.
//!
//! [`Scope::Scan`]: crate::Scope::Scan
//! [`Scope::App`]: crate::Scope::App

mod strings;

use foldhash::HashSet;

use intguard_model::expr::{contains_pair, placeholders};
use intguard_model::vocab::is_placeholder_value;
use intguard_model::{
    AppScanFacts, Assignment, ConnectionFacts, Diagnostic, KeptSecrets, MuleApp,
    SalesforceConnection, TextFileFacts, ThinVec,
};

use crate::protect_credentials::{is_committed_value, is_key_name, names_match};
use crate::support::resolved_users;

/// The app is kept whole until every app is read, its facts read as they
/// are then: a domain (it lends its properties to the apps deployed in it,
/// `Inventory::lend_domain_properties`), an app deployed in one (its
/// `${...}` fall back to the domain's, often read after it), a Mule plugin
/// (its configurations run in the apps importing its files) and an app
/// importing configuration files (resolved with the plugin's, and judged
/// with them by IG102 and IG107's whole-scan parts). Such apps are few.
/// Every other app is *compact*: what it resolves is known as it is read
/// ([`app_scan_facts`]).
pub fn needs_whole(app: &MuleApp) -> bool {
    app.domain
        || app.domain_link.is_some()
        || app.plugin.is_some()
        || !app.config_imports.is_empty()
        || crate::protect_credentials::judged_with_plugin_configs(app)
}

/// What the whole scan reads of a compact app's connections
/// ([`AppScanFacts`]), worked out with all its properties; `None` for an
/// app kept whole ([`needs_whole`]). The engine computes it for every app
/// as soon as it is read, whatever the command (a scan, or an Inventory
/// read whole for `--org-snapshot`, `org audit` or `identities`): the
/// consumers read it in both, so they agree.
pub fn app_scan_facts(app: &MuleApp) -> Option<Box<AppScanFacts>> {
    if needs_whole(app) {
        return None;
    }
    Some(Box::new(AppScanFacts {
        connections: intguard_model::KeptConnections::Held(
            app.salesforce_connections
                .iter()
                .map(|c| connection_facts(app, c))
                .collect(),
        ),
        stores: intguard_model::KeptStores::Held(
            crate::protect_credentials::store_refs(app).into(),
        ),
        // The reading's own (`intguard_readers::keystore_passwords`), set
        // by its caller.
        keystore_passwords: ThinVec::new(),
        // Its `![...]` values and what IG104 decrypts them with.
        secrets: crate::protect_credentials::secret_facts(app, None).map(KeptSecrets::Held),
        // Its committed key definitions as IG103 (and IG104) read them.
        // (`None` when they say nothing: see `KeyFacts::holds_nothing`.)
        keys: crate::protect_credentials::key_facts(app).filter(|k| !k.holds_nothing()),
    }))
}

/// [`ConnectionFacts`] of one connection of `app`.
fn connection_facts(app: &MuleApp, conn: &SalesforceConnection) -> ConnectionFacts {
    let (users, encrypted_environments) = resolved_users(app, conn);
    // What `SalesforceConnection::users` leaves out: a value of the files
    // still naming a reference (what a pom deployment sets never holds
    // `${`, and is kept with `#[`).
    let deployed = |u: &intguard_model::ConnectionUser| {
        u.defined_at
            .as_ref()
            .is_some_and(|at| app.deployment_properties.iter().any(|p| &p.location == at))
    };
    let unnamed = users
        .iter()
        .enumerate()
        .filter(|(_, u)| u.username.contains("${") || (u.username.contains("#[") && !deployed(u)))
        .map(|(i, _)| i as u32)
        .collect();
    let mut consumer_keys: ThinVec<String> = ThinVec::new();
    if let Some(v) = conn.attr("consumerKey") {
        for r in app.resolve_all(v) {
            // An encrypted `![...]` value is no connected app's consumer key
            // (`3MVG9...`: letters, digits, `.` and `_`): not held.
            if r.is_encrypted() {
                continue;
            }
            if let Some(k) = r.value {
                let k = k.trim();
                if !consumer_keys.iter().any(|c| c == k) {
                    consumer_keys.push(k.to_string());
                }
            }
        }
    }
    ConnectionFacts {
        users: users.into(),
        unnamed,
        encrypted_environments: encrypted_environments.into(),
        consumer_keys,
        presents_certificate_on_8443: crate::protect_access::presents_certificate_on_8443(
            app, conn,
        ),
    }
}

/// The warnings about a compact app given as it is read (its
/// [`AppScanFacts`] computed): its unread SOQL queries, `![...]` values
/// only a plain loader reads, misnamed property files, properties
/// defined through themselves and login settings an earlier file shadows.
/// The whole-scan passes give those of the apps kept whole.
pub fn app_pass_diagnostics(app: &MuleApp, out: &mut Vec<Diagnostic>) {
    if app.scan_facts.is_none() {
        return;
    }
    app.unread_query_warnings(out);
    app.undecrypted_value_warnings(out);
    app.misnamed_property_file_warnings(out);
    app.reference_cycle_warnings(out);
    app.unread_login_definition_warnings(out);
}

/// Drops from `app` what no [`Scope::Scan`](crate::Scope::Scan) rule reads:
/// the literal secret and URL attributes of its XML, the payload
/// credentials no request sends, the lists of its files and imports and
/// the HTTP requests and configs only App rules read
/// (`keep_http_scan_rules_read`).
///
/// A compact app (its `scan_facts` worked out, [`app_scan_facts`]) keeps
/// no connection attribute, TLS context, HTTP config, key loader, MUnit
/// test resource, property file, global property, environment table or
/// deployment property (`drop_what_facts_replace`): who its connections
/// log in as, the key stores it loads, its `![...]` values with what IG104
/// decrypts them with, its committed key definitions and what else the
/// whole scan asks of them are in its facts. Apps kept whole
/// ([`needs_whole`]) keep everything.
///
/// An app without facts (built by hand) keeps every property entry that
/// - some fact kept may resolve, directly or through other entries (a
///   connection's `${sfdc.username}`, a global property's `#[p('x')]`);
/// - holds an `![...]` value, is named like a secure-properties key, or
///   as one of the app's configs' keys however spelt (`APP_CRYPT` for
///   `${app.crypt}`): IG103 and IG104 look for them.
///
/// Entries are kept or dropped by key, with every definition of the key,
/// so each kept reference resolves in every environment as before.
pub fn keep_what_scan_rules_read(app: &mut MuleApp) {
    // Domains, their apps, Mule plugins and the apps importing their files
    // are read whole at the end, with what a domain or plugin lends them
    // (`needs_whole`): all their facts are kept. Such apps are few.
    if needs_whole(app) {
        return;
    }
    app.secret_attributes = ThinVec::new();
    app.url_attributes = ThinVec::new();
    app.unsent_payload_credentials = ThinVec::new();
    // A Mule plugin's configuration files are what its importers name.
    if app.plugin.is_none() {
        app.xml_files = ThinVec::new();
    }
    app.spring_bean_files = ThinVec::new();
    app.property_imports = ThinVec::new();
    // Read by App rules only (IG107 at the end reads a Mule plugin
    // importer's, kept whole), and by the warnings given as the app was
    // read (`app_pass_diagnostics`).
    app.descriptor = None;
    app.http_transport_endpoints = ThinVec::new();
    app.transport_connectors = ThinVec::new();
    app.misnamed_property_files = ThinVec::new();
    // `secureProperties` is read at the end by IG103's fix only (IG107
    // reads it of apps kept whole), for the apps whose secure-properties
    // configs use a committed key: an app with none is no key's user. (An
    // app with one keeps the whole list: a key assigned outside every app
    // is tested by its first user's first key name on every user's list,
    // another app's name included, so no filter of the list by the app's
    // own names gives the same fix.)
    if app.secure_property_configs.is_empty() {
        app.declared_secure_properties = None;
    }
    // A domain's connections an app deployed in none names: nobody's.
    if app.domain_link.is_none() {
        app.foreign_connection_refs = ThinVec::new();
    }
    // Who each connection logs in as, its consumer key and what IG206's
    // org side asks of it are in the app's `scan_facts`, and so are the key
    // stores it loads (IG105, IG112) and what IG104 says to change for a
    // decrypted value by the attributes reading it: none of its
    // connections' attributes is kept, nor its TLS contexts, HTTP configs
    // or key loaders, nor (below) its property files.
    // Its `![...]` values are facts too (IG104), its MUnit test resources'
    // with them (nothing else reads those).
    let compact = app.scan_facts.is_some();
    if compact {
        for c in &mut app.salesforce_connections {
            c.attributes = Default::default();
            c.tls_context = None;
        }
        app.tls_contexts = ThinVec::new();
        app.http_listeners = ThinVec::new();
        app.http_requests = ThinVec::new();
        app.key_loaders = ThinVec::new();
        app.test_property_files = Default::default();
        // Of its secure-properties configs, the Scan rules read the name,
        // element, location and key (IG103's labels, key names and the key
        // sources it adds from assignments, IG104's users of a key,
        // `support::secure_config_folder`). Which files each reads and how
        // it encrypts (`secure_config_for`, `settings`) were read into its
        // facts: `KeyFacts` (a key in a secure file, IG108's upgrade) and
        // the `![...]` records (readers, ciphers). What else reads them
        // (IG102, IG107, IG108, lending) reads apps kept whole only.
        for c in &mut app.secure_property_configs {
            c.file = None;
            c.algorithm = None;
            c.mode = None;
            c.use_random_ivs = None;
        }
    }
    keep_http_scan_rules_read(app);
    if compact {
        drop_what_facts_replace(app);
        return;
    }
    // An app without facts (built by hand): what only dropped facts
    // referred to goes.
    let wanted = referenced_names(app);
    // IG103 takes an entry named as a config's key as that key, however
    // the name is spelt (`APP_CRYPT` for `${app.crypt}`).
    let key_names: Vec<String> = app
        .secure_property_configs
        .iter()
        .flat_map(crate::protect_credentials::config_key_names)
        .collect();
    for file in &mut app.property_files {
        file.entries.retain(|e| {
            // IG103's: a key written after a `.properties` file's byte
            // order mark is committed all the same.
            let written = e.key_after_bom().unwrap_or(e.key());
            wanted.contains(e.key())
                || e.encrypted_payload().is_some()
                || is_key_name(written)
                || key_names.iter().any(|n| names_match(n, written))
        });
        file.entries.shrink_to_fit();
        // Indexes into the entries, read only for the output's redactor,
        // whose secrets are collected before.
        file.split_values = Vec::new();
    }
    // Held for IG104's `![...]` values only.
    for file in &mut app.test_property_files {
        file.entries.retain(|e| e.encrypted_payload().is_some());
        file.entries.shrink_to_fit();
        file.split_values = Vec::new();
    }
}

/// Drops from a compact app what only resolving a reference read once its
/// App rules have run: its property files, their lookup order, its global
/// properties, environment tables, environment placeholders, default
/// environment and deployment properties. Every reader after the app pass
/// reads what they resolved in the app's `scan_facts` instead: who its
/// connections log in as and their consumer keys (the identity graph,
/// IG206's org side, IG303, IG104's users), the stores it loads (IG105,
/// IG112), its `![...]` values with what decrypts them (IG104) and its
/// committed key definitions (IG103, IG104's keys). Lending
/// (a domain's properties, a Mule plugin's configurations) and the
/// whole-scan parts of IG102, IG107 and IG206's Mule side read only apps
/// kept whole; the warnings that read them were given in the app pass
/// ([`app_pass_diagnostics`]), and the redactor's secrets were collected
/// before.
fn drop_what_facts_replace(app: &mut MuleApp) {
    app.drop_property_files();
    app.property_order = Default::default();
    app.global_properties = Default::default();
    app.environments = Default::default();
    app.environment_placeholders = Default::default();
    app.default_environment = None;
    app.deployment_properties = Default::default();
}

/// Drops from the text facts of `app`'s files (`files`, those read with it,
/// once its App rules have read them) the `name=value` assignments no Scan
/// rule can use. A file left with no fact goes: every reader of the text
/// facts goes through their facts, so an empty one is read by none. Files
/// outside every app keep theirs (the App rules read them at the end).
///
/// - An app kept whole, or without facts, loses those whose value is a
///   reference to something else (`${encryption.key}`, `${ENV^^}`,
///   `acme-${mule.env}`) by both IG103's test of a committed key
///   (`is_committed_value`) and the redactor's ([`is_placeholder_value`]):
///   IG103 and IG104 take only committed values as keys, and the redactor
///   masks no placeholder. The pom's and deploy commands' references were
///   half of an app's assignments.
/// - A compact app (whose redactor's part of every assignment was taken
///   before, `AppSecrets::add_assignments`) keeps only what IG103 reads
///   after the app pass (IG104 tries the keys IG103 finds): a committed
///   value ([`is_committed_value`]) whose name is a key's ([`is_key_name`])
///   or one of the app's secure-properties configs' keys however spelt
///   (`APP_CRYPT` for `${app.crypt}`). Its configs are final (nothing is
///   lent to it). A pom's version properties and the `-Dmule.env=dev` of a
///   README were most of a monorepo's kept text facts.
pub fn keep_text_facts_scan_rules_read(app: &MuleApp, files: &mut Vec<TextFileFacts>) {
    let key_names: Option<Vec<String>> = app.scan_facts.is_some().then(|| {
        app.secure_property_configs
            .iter()
            .flat_map(crate::protect_credentials::config_key_names)
            .collect()
    });
    let read_by_ig103 = |a: &Assignment, names: &[String]| {
        is_committed_value(&a.value)
            && (is_key_name(&a.name) || names.iter().any(|n| names_match(n, &a.name)))
    };
    for file in files.iter_mut() {
        file.assignments.retain(|a| match &key_names {
            Some(names) => read_by_ig103(a, names),
            None => has_a_value_of_its_own(a),
        });
        file.assignments.shrink_to_fit();
    }
    files.retain(|f| !f.is_empty());
}

/// The assignment sets a value of its own, not a reference to something
/// else (see [`keep_text_facts_scan_rules_read`]): what a Scan rule may
/// take as set in the repository.
pub(crate) fn has_a_value_of_its_own(a: &Assignment) -> bool {
    is_committed_value(&a.value) || !is_placeholder_value(&a.value)
}

/// Of an app's HTTP side, what the Scan rules read once its App rules
/// (IG101, IG102, IG107, IG109, IG110) have run: the listeners and request
/// configs with a nested `<tls:context>`, which IG105 and IG112 read with
/// every TLS context of an app and its holder
/// ([`crate::support::tls_contexts`]) when the app has no facts (a compact
/// app keeps none: its store references are facts). No Scan rule reads a
/// request.
fn keep_http_scan_rules_read(app: &mut MuleApp) {
    app.http_request_operations = ThinVec::new();
    app.http_requests.retain(|r| r.tls_context.is_some());
    app.http_listeners.retain(|l| l.tls_context.is_some());
    app.http_requests.shrink_to_fit();
    app.http_listeners.shrink_to_fit();
}

/// Every property name some fact of `app` other than its property files
/// refers to, and the names those definitions refer to in turn.
fn referenced_names(app: &mut MuleApp) -> HashSet<String> {
    let mut wanted: HashSet<String> = HashSet::default();
    let files = std::mem::take(&mut app.property_files);
    // Every string of every fact, whatever field holds it: a field added
    // later is covered without a change here.
    let mut pending: Vec<String> = Vec::new();
    strings::visit_strings(&*app, &mut |s| names_in(s, &mut pending));
    app.property_files = files;
    // The definitions, sorted by name once: following a chain of
    // references (`a: ${b}`, `b: ${c}`, ...) by scanning every entry at each
    // step took time in the square of the chain's length.
    let mut definitions: Vec<(&str, &str)> = app
        .property_files
        .iter()
        .flat_map(|f| &f.entries)
        .map(|e| (e.key(), e.value()))
        .collect();
    definitions.sort_unstable_by_key(|d| d.0);
    let mut nested = 0usize;
    while let Some(name) = pending.pop() {
        if wanted.contains(&name) {
            continue;
        }
        // `${mule.env}.sf.user`: every key it can name. Each such name
        // looks at every definition: past a few hundred of them (no real
        // app has that many), every definition is kept instead, so that a
        // crafted app costs no more than the square of a few hundred.
        if contains_pair(&name, b"${") {
            nested += 1;
            if nested > MAX_NESTED_NAMES {
                if nested == MAX_NESTED_NAMES + 1 {
                    pending.extend(definitions.iter().map(|d| d.0.to_string()));
                }
            } else {
                pending.extend(
                    definitions
                        .iter()
                        .filter(|d| intguard_model::nested_name_matches(&name, d.0))
                        .map(|d| d.0.to_string()),
                );
            }
            wanted.insert(name);
            continue;
        }
        let first = definitions.partition_point(|d| d.0 < name.as_str());
        for (_, value) in definitions[first..].iter().take_while(|d| d.0 == name) {
            names_in(value, &mut pending);
        }
        wanted.insert(name);
    }
    wanted
}

/// Every property name some fact of `app` reads (its property files'
/// values included): what
/// [`intguard_model::Inventory::lend_domain_properties`] looks for in its
/// domain.
pub fn names_read_by(app: &MuleApp) -> Vec<String> {
    let mut out = Vec::new();
    strings::visit_strings(app, &mut |s| names_in(s, &mut out));
    out.sort_unstable();
    out.dedup();
    out
}

/// The property names `text` may read: its `${...}` and `#[p('...')]`
/// references, and `p('...')` calls outside `#[...]` (a script's text, read
/// as one expression): more entries kept than needed rather than one
/// missing.
fn names_in(text: &str, out: &mut Vec<String>) {
    names_in_nested(text, out, 0);
}

/// How many nested names ([`referenced_names`]) are matched against the
/// definitions one by one.
const MAX_NESTED_NAMES: usize = 256;

/// How deep references nested in a reference's name are followed
/// (`${${mule.env}.x}` is one level; a 50,000-deep one is an attack on the
/// stack, not a configuration).
const MAX_NAME_NESTING: u32 = 8;

fn names_in_nested(text: &str, out: &mut Vec<String>, depth: u32) {
    let script = contains_pair(text, b"p(");
    if !script && !contains_pair(text, b"${") {
        return;
    }
    let wrapped;
    let text = if script && !contains_pair(text, b"#[") {
        wrapped = format!("#[{text}]");
        &wrapped
    } else {
        text
    };
    for p in placeholders(text) {
        // A nested name's own references (`mule.env`) are read too.
        if p.is_nested() && depth < MAX_NAME_NESTING {
            names_in_nested(&p.name, out, depth + 1);
        }
        out.push(p.name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::testkit::{app, attr, conn, props, val};
    use intguard_model::{
        AuthClass, GlobalProperty, HttpListener, HttpRequestOperation, HttpRequester, SendsBody,
    };

    const XML: &str = "orders/src/main/mule/global.xml";

    fn keys(app: &MuleApp) -> Vec<Vec<&str>> {
        app.property_files
            .iter()
            .map(|f| f.entries.iter().map(|e| e.key()).collect())
            .collect()
    }

    /// `<secure-properties:config name="Secure_Props" key="${encryption.key}"
    /// file="properties/${mule.env}-secure.yaml"/>` at line 5.
    fn secure_props_config() -> intguard_model::SecurePropertiesConfig {
        intguard_model::SecurePropertiesConfig {
            name: Some("Secure_Props".into()),
            element: "secure-properties:config".into(),
            location: crate::support::testkit::loc(XML, 5),
            key: Some(val("${encryption.key}", XML, 5)),
            file: Some(val("properties/${mule.env}-secure.yaml", XML, 5).into()),
            algorithm: None,
            mode: None,
            use_random_ivs: None,
        }
    }

    /// An app whose connection reads `${sfdc.user}`, defined through
    /// `${sfdc.prefix}`, beside entries nothing reads.
    fn orders() -> MuleApp {
        let mut a = app("orders", &["dev", "prod"]);
        a.salesforce_connections.push(conn(
            "SF",
            "salesforce:jwt-connection",
            AuthClass::Certificate,
            XML,
            10,
            &[("principal", "${sfdc.user}")],
        ));
        a.global_properties.push(GlobalProperty {
            name: "region".into(),
            value: val("#[p('app.region')]", XML, 3),
            location: crate::support::testkit::loc(XML, 3),
        });
        a.secret_attributes.push(attr(
            "http:basic-authentication",
            None,
            "password",
            "${http.pw}",
            XML,
            20,
        ));
        for env in ["dev", "prod"] {
            a.property_files.push(props(
                &format!("orders/src/main/resources/{env}.yaml"),
                Some(env),
                false,
                &[
                    ("sfdc.user", "int.orders@acme.com.${sfdc.suffix}"),
                    ("sfdc.suffix", env),
                    ("app.batchSize", "200"),
                    ("app.region", "AMER"),
                    ("encryption.key", "MuleSoftKey12345"),
                    ("http.pw", "P4ssw0rd!"),
                    ("api.secret", "![bm90IGEgcmVhbCB2YWx1ZQ==]"),
                    ("sfdc.tokenEndpoint", "https://acme.my.salesforce.com:8443"),
                ],
            ));
        }
        a
    }

    /// `secureProperties` goes with the app's last reader: a compact app
    /// with no secure-properties config is no committed key's user (IG103's
    /// fix); one with a config keeps the whole list, which IG103 tests with
    /// another app's key name too.
    #[test]
    fn declared_secure_properties_go_only_without_a_secure_config() {
        let declared = || -> Option<std::sync::Arc<[String]>> {
            Some(vec!["key.salt".to_string(), "sf.password".to_string()].into())
        };
        let mut without = orders();
        without.declared_secure_properties = declared();
        keep_what_scan_rules_read(&mut without);
        assert_eq!(without.declared_secure_properties, None);
        assert!(!without.declares_secure_property("key.salt"));

        let mut with = orders();
        with.declared_secure_properties = declared();
        with.secure_property_configs = vec![secure_props_config()];
        keep_what_scan_rules_read(&mut with);
        assert_eq!(with.declared_secure_properties, declared());
        // Not one of its own key names, but another app's first one may be.
        assert!(with.declares_secure_property("key.salt"));

        // An app kept whole keeps it, config or not (IG107 reads it).
        let mut plugin = orders();
        plugin.declared_secure_properties = declared();
        plugin.plugin = Some(Box::new(intguard_model::PluginCoordinates {
            group_id: None,
            artifact_id: "orders".into(),
        }));
        keep_what_scan_rules_read(&mut plugin);
        assert_eq!(plugin.declared_secure_properties, declared());
    }

    #[test]
    fn keeps_what_kept_facts_resolve_and_what_scan_rules_look_for() {
        let mut a = orders();
        let before = a.resolve_all(&a.salesforce_connections[0].attributes[0].value);
        let before: Vec<Option<String>> = before.into_iter().map(|r| r.value).collect();
        keep_what_scan_rules_read(&mut a);
        let kept = [
            // the connection's username and the entry it reads in turn
            "sfdc.user",
            "sfdc.suffix",
            // a global property's p('...')
            "app.region",
            // IG103's key names, IG104's encrypted values
            "encryption.key",
            "api.secret",
        ];
        for file in keys(&a) {
            let mut want = kept.to_vec();
            want.sort();
            let mut file = file;
            file.sort();
            assert_eq!(file, want);
        }
        // Resolution is unchanged in every environment.
        let after: Vec<Option<String>> = a
            .resolve_all(&a.salesforce_connections[0].attributes[0].value)
            .into_iter()
            .map(|r| r.value)
            .collect();
        assert_eq!(before, after);
        assert_eq!(
            after,
            [
                Some("int.orders@acme.com.dev".to_string()),
                Some("int.orders@acme.com.prod".to_string())
            ]
        );
        // What only App rules read is gone, with the entries only it read.
        assert!(a.secret_attributes.is_empty());
    }

    /// A compact app keeps no property file, global property, environment
    /// table or deployment property: what IG103 reads of them (the key its
    /// config's `${encryption.key}` resolves to per environment, the entries
    /// named like a key) is in its `KeyFacts`, each definition once, and who
    /// its connection logs in as is in its connection facts. An app without
    /// facts keeps the entries IG103 looks for.
    #[test]
    fn a_compact_app_keeps_no_property_its_facts_resolved() {
        let inventory = &intguard_model::Inventory::default();
        let mut a = orders();
        a.secure_property_configs = vec![secure_props_config()];
        a.environment_placeholders = vec![("dev".into(), "env".into())].into();
        a.default_environment = Some("dev".into());
        a.deployment_properties = vec![intguard_model::DeploymentProperty {
            deployment: "cloudhub2Deployment".into(),
            name: "mule.env".into(),
            value: "prod".into(),
            location: crate::support::testkit::loc("orders/pom.xml", 40),
        }]
        .into();
        let mut compact = a.clone();
        compact.scan_facts = app_scan_facts(&compact);
        let who = crate::support::connection_identities(
            inventory,
            &compact,
            &compact.salesforce_connections[0],
        );
        keep_what_scan_rules_read(&mut compact);
        assert!(compact.property_files.is_empty());
        assert!(compact.property_order.is_empty());
        assert!(compact.global_properties.is_empty());
        assert!(compact.environments.is_empty());
        assert!(compact.environment_placeholders.is_empty());
        assert_eq!(compact.default_environment, None);
        assert!(compact.deployment_properties.is_empty());
        // Its config keeps what the Scan rules read of it: not the file
        // pattern and settings its facts were worked out with.
        let config = &compact.secure_property_configs[0];
        let written = secure_props_config();
        assert_eq!(
            (&config.name, &config.element, &config.location, &config.key),
            (
                &written.name,
                &written.element,
                &written.location,
                &written.key
            )
        );
        assert_eq!(config.file, None);
        assert_eq!(config.settings().count(), 0);
        // What they resolved is held in the facts.
        let after = crate::support::connection_identities(
            inventory,
            &compact,
            &compact.salesforce_connections[0],
        );
        let names = |ids: &[crate::support::EnvIdentity]| -> Vec<String> {
            ids.iter().map(|i| i.username.clone()).collect()
        };
        assert_eq!(names(&after), names(&who));
        assert!(!names(&after).is_empty());
        let keys_facts = compact
            .scan_facts
            .as_ref()
            .and_then(|f| f.keys.as_ref())
            .expect("key facts");
        // Per environment, the config's key is the entry named like a key:
        // one definition each, which both lists refer to.
        assert_eq!(keys_facts.defs.len(), 2, "{keys_facts:?}");
        assert_eq!(keys_facts.configs[0].sources.as_slice(), [0, 1]);
        assert_eq!(keys_facts.named.as_slice(), [0, 1]);
        let envs: Vec<Option<&str>> = keys_facts
            .defs
            .iter()
            .map(|d| d.environment.as_deref())
            .collect();
        assert_eq!(envs, [Some("dev"), Some("prod")]);
        assert!(keys_facts
            .named()
            .all(|d| d.name.as_deref() == Some("encryption.key")));
        // The key is not shown by the facts' `Debug`.
        assert!(!format!("{:?}", compact.scan_facts).contains("MuleSoftKey12345"));

        let mut by_hand = a;
        keep_what_scan_rules_read(&mut by_hand);
        assert!(keys(&by_hand)
            .iter()
            .flatten()
            .any(|k| *k == "encryption.key"));
        assert!(!by_hand.global_properties.is_empty());
    }

    fn requester(name: &str, host: &str, line: u32, tls: bool) -> HttpRequester {
        HttpRequester {
            config_name: name.into(),
            location: crate::support::testkit::loc(XML, line),
            protocol: Some(val("HTTPS", XML, line)),
            host: Some(val(host, XML, line)),
            port: None,
            base_path: None,
            tls_context_ref: None,
            tls_context: tls.then(|| crate::support::testkit::tls(None, XML, line + 1)),
            authentication: None,
            default_credentials: Vec::new(),
            default_query_params: Vec::new(),
            send_body_mode: None,
        }
    }

    fn listener(name: &str, line: u32, tls: bool) -> HttpListener {
        HttpListener {
            config_name: name.into(),
            location: crate::support::testkit::loc(XML, line),
            protocol: None,
            host: Some(val("0.0.0.0", XML, line)),
            port: Some(val(if tls { "8443" } else { "${http.port}" }, XML, line)),
            tls_context_ref: None,
            tls_context: tls.then(|| crate::support::testkit::tls(None, XML, line + 1)),
        }
    }

    fn request(config: Option<&str>, url: Option<&str>, line: u32) -> HttpRequestOperation {
        HttpRequestOperation {
            location: crate::support::testkit::loc(XML, line),
            config_ref: config.map(str::to_string),
            url: url.map(|u| val(u, XML, line)),
            path: Some(val("/v1/orders", XML, line)),
            children_text: String::new(),
            payload: None,
            payload_resource: None,
            credentials: Vec::new(),
            payload_fields: 0,
            flow: Some("main".into()),
            sends_caller_payload: false,
            sends_body: SendsBody::No,
            query_params: Vec::new(),
        }
    }

    /// What IG105/IG112 read (nested TLS contexts) stays; requests, configs
    /// and listeners only App rules read (IG101 among them: it runs on each
    /// app as it is read) go, and so do the property entries only they
    /// referred to.
    #[test]
    fn keeps_the_http_facts_scan_rules_read() {
        let mut a = orders();
        a.http_requests = intguard_model::thin_vec![
            requester("ERP", "${erp.host}", 30, false),
            requester("SFDC_Login", "${sf.login.host}", 32, false),
            requester("Partner", "partner.example.com", 34, true),
            requester("Unset", "${nowhere.host}", 36, false),
        ];
        a.http_request_operations = intguard_model::thin_vec![
            request(Some("ERP"), None, 40),
            request(Some("SFDC_Login"), None, 41),
            request(None, Some("https://${erp.host}/v2/stock"), 42),
            request(
                None,
                Some("https://login.salesforce.com/services/oauth2/token"),
                43,
            ),
            request(Some("Unset"), None, 44),
        ];
        a.http_listeners =
            intguard_model::thin_vec![listener("Plain", 50, false), listener("Secure", 52, true)];
        for file in &mut a.property_files {
            for (k, v) in [
                ("erp.host", "erp.acme.internal"),
                ("sf.login.host", "acme.my.salesforce.com"),
                ("http.port", "8081"),
            ] {
                file.entries.push(intguard_model::PropertyEntry::new(
                    k,
                    v,
                    crate::support::testkit::loc(&file.path, 40),
                ));
            }
        }
        keep_what_scan_rules_read(&mut a);
        let lines: Vec<u32> = a
            .http_request_operations
            .iter()
            .map(|op| op.location.line)
            .collect();
        // Every request goes: no Scan rule reads one.
        assert!(lines.is_empty(), "{lines:?}");
        let configs: Vec<&str> = a
            .http_requests
            .iter()
            .map(|r| r.config_name.as_str())
            .collect();
        assert_eq!(configs, ["Partner"]);
        let listeners: Vec<&str> = a
            .http_listeners
            .iter()
            .map(|l| l.config_name.as_str())
            .collect();
        assert_eq!(listeners, ["Secure"]);
        for file in keys(&a) {
            assert!(!file.contains(&"sf.login.host"), "{file:?}");
            assert!(!file.contains(&"erp.host"), "{file:?}");
            assert!(!file.contains(&"http.port"), "{file:?}");
        }
    }

    /// Assignments whose value only refers to something else go; committed
    /// values stay, whatever their name, for IG103/IG104 and the redactor.
    #[test]
    fn keeps_the_assignments_with_a_value_of_their_own() {
        let written = [
            ("encryption.key", "${encryption.key}"),
            ("mule.env", "$ENV"),
            ("deploy.environment", "${ENV^^}"),
            ("anypoint.client.secret", "${anypoint.client.secret}"),
            ("app.name", "acme-orders-${mule.env}"),
            ("app.runtime", "4.6.8"),
            ("encryption.key", "MuleSoftKey12345"),
            ("db.pw", "Tr0ub4dor&3"),
        ];
        let mut files = vec![TextFileFacts {
            path: "orders/scripts/deploy.sh".into(),
            assignments: written
                .iter()
                .enumerate()
                .map(|(i, (name, value))| intguard_model::Assignment {
                    form: Default::default(),
                    name: name.to_string().into(),
                    value: value.to_string().into(),
                    secret: is_key_name(name),
                    location: crate::support::testkit::loc(
                        "orders/scripts/deploy.sh",
                        i as u32 + 1,
                    ),
                })
                .collect(),
            ..Default::default()
        }];
        keep_text_facts_scan_rules_read(&orders(), &mut files);
        let kept: Vec<(&str, &str)> = files[0]
            .assignments
            .iter()
            .map(|a| (&*a.name, &*a.value))
            .collect();
        assert_eq!(
            kept,
            [
                // Not a reference to the redactor, which would mask it if an
                // app read `mule.env` as a secret.
                ("mule.env", "$ENV"),
                ("app.runtime", "4.6.8"),
                ("encryption.key", "MuleSoftKey12345"),
                ("db.pw", "Tr0ub4dor&3"),
            ]
        );
    }

    /// A file whose only facts were references to something else is not
    /// kept at all; one with a fact left is.
    #[test]
    fn a_file_left_with_no_fact_is_not_kept() {
        let assignment = |name: &str, value: &str, line: u32| intguard_model::Assignment {
            form: Default::default(),
            name: name.into(),
            value: value.into(),
            secret: is_key_name(name),
            location: crate::support::testkit::loc("orders/pom.xml", line),
        };
        let mut files = vec![
            TextFileFacts {
                path: "orders/pom.xml".into(),
                assignments: vec![
                    assignment("mule.env", "${mule.env}", 30),
                    assignment("encryption.key", "${encryption.key}", 31),
                ],
                ..Default::default()
            },
            TextFileFacts {
                path: "orders/scripts/deploy.sh".into(),
                assignments: vec![
                    assignment("encryption.key", "${ENCRYPTION_KEY}", 3),
                    assignment("app.runtime", "4.6.8", 4),
                ],
                ..Default::default()
            },
        ];
        keep_text_facts_scan_rules_read(&orders(), &mut files);
        let kept: Vec<(&str, usize)> = files
            .iter()
            .map(|f| (f.path.as_str(), f.assignments.len()))
            .collect();
        assert_eq!(kept, [("orders/scripts/deploy.sh", 1)]);
    }

    /// A chain of references is followed to its end, and only it is kept.
    #[test]
    fn a_long_chain_of_references_is_followed_to_its_end() {
        let mut a = orders();
        let file = &mut a.property_files[0];
        file.entries.clear();
        let n = 2000;
        for i in 0..n {
            let value = if i + 1 < n {
                format!("x-${{chain.k{}}}", i + 1)
            } else {
                "end".to_string()
            };
            let key = format!("chain.k{i}");
            file.entries.push(intguard_model::PropertyEntry::new(
                &key,
                &value,
                crate::support::testkit::loc(&file.path, i + 1),
            ));
        }
        file.entries.push(intguard_model::PropertyEntry::new(
            "unread",
            "${chain.k0}",
            crate::support::testkit::loc(&file.path, n + 1),
        ));
        a.salesforce_connections[0].attributes[0].value = val("${chain.k0}", XML, 10);
        keep_what_scan_rules_read(&mut a);
        let kept = &keys(&a)[0];
        assert_eq!(kept.len(), n as usize, "{:?}", &kept[..5]);
        assert!(kept.contains(&"chain.k1999") && !kept.contains(&"unread"));
    }

    /// `orders` with a consumer key (a literal in dev, encrypted in prod)
    /// and a keystore password read from an encrypted entry.
    fn orders_with_keys() -> MuleApp {
        let mut a = orders();
        a.salesforce_connections[0].attributes.extend([
            attr(
                "salesforce:jwt-connection",
                Some("SF"),
                "consumerKey",
                "${sfdc.key}",
                XML,
                10,
            ),
            attr(
                "salesforce:jwt-connection",
                Some("SF"),
                "storePassword",
                "${secure::api.secret}",
                XML,
                10,
            ),
        ]);
        for (file, key) in a
            .property_files
            .iter_mut()
            .zip(["3MVG9orders.dev", "![c29tZSBrZXk=]"])
        {
            file.entries.push(intguard_model::PropertyEntry::new(
                "sfdc.key",
                key,
                crate::support::testkit::loc(&file.path, 30),
            ));
        }
        a
    }

    #[test]
    fn a_compact_apps_connections_are_worked_out_as_it_is_read() {
        let inventory = &intguard_model::Inventory::default();
        let a = orders_with_keys();
        let facts = app_scan_facts(&a).expect("a compact app");
        assert_eq!(facts.connections.held().unwrap().len(), 1);
        let c = &facts.connections.held().unwrap()[0];
        let users: Vec<(Option<&str>, &str)> = c
            .users
            .iter()
            .map(|u| (u.environment.as_deref(), u.username.as_str()))
            .collect();
        assert_eq!(
            users,
            [
                (Some("dev"), "int.orders@acme.com.dev"),
                (Some("prod"), "int.orders@acme.com.prod")
            ]
        );
        // Where each came from, for the related places.
        assert!(c.users.iter().all(|u| u.defined_at.is_some()));
        assert!(c.unnamed.is_empty() && c.encrypted_environments.is_empty());
        // The encrypted consumer key is no connected app's.
        assert_eq!(c.consumer_keys, ["3MVG9orders.dev"]);
        // No client certificate: not ready for the mutual TLS permission.
        assert!(!c.presents_certificate_on_8443);
        // The rules' helpers read them.
        let conn = &a.salesforce_connections[0];
        let mut whole = a.clone();
        whole.scan_facts = None;
        let mut compact = a.clone();
        compact.scan_facts = Some(facts);
        let names = |ids: Vec<crate::support::EnvIdentity>| -> Vec<String> {
            ids.into_iter().map(|i| i.username).collect()
        };
        assert_eq!(
            names(crate::support::connection_identities(
                inventory,
                &compact,
                &compact.salesforce_connections[0]
            )),
            names(crate::support::connection_identities(
                inventory, &whole, conn
            ))
        );
        assert!(crate::support::uses_consumer_key(
            inventory,
            &compact,
            &compact.salesforce_connections[0],
            "3MVG9orders.dev"
        ));
    }

    /// A username still naming a reference names no one in the graph
    /// (`SalesforceConnection::users`), but the rules show it.
    #[test]
    fn the_graph_counts_the_users_the_connection_names() {
        let mut a = orders();
        a.salesforce_connections[0].attributes[0] = attr(
            "salesforce:jwt-connection",
            Some("SF"),
            "principal",
            "#[vars.sfUser]",
            XML,
            10,
        );
        let facts = app_scan_facts(&a).unwrap();
        let c = &facts.connections.held().unwrap()[0];
        // Per environment.
        assert_eq!(c.users.len(), 2, "{:?}", c.users);
        assert_eq!(c.unnamed, [0, 1]);
        assert_eq!(c.graph_users().count(), 0);
        assert!(a.salesforce_connections[0].users(&a).is_empty());
        // A plain one is counted.
        let plain = orders();
        let facts = app_scan_facts(&plain).unwrap();
        let graph: Vec<&str> = facts.connections.held().unwrap()[0]
            .graph_users()
            .map(|u| u.username.as_str())
            .collect();
        let users = plain.salesforce_connections[0].users(&plain);
        let expected: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(graph, expected);
    }

    /// What a pom deployment sets is counted by the graph even when it holds
    /// `#[` (it is added after the files' values are filtered), unlike the
    /// same text from the XML or the files.
    #[test]
    fn the_graph_counts_what_a_deployment_sets() {
        let mut a = orders();
        a.salesforce_connections[0].attributes[0] = attr(
            "salesforce:jwt-connection",
            Some("SF"),
            "principal",
            "${sfdc.user}",
            XML,
            10,
        );
        for (deployment, env, value) in [
            ("cloudhub2Deployment", "prod", "#[vars.prodUser]"),
            ("runtimeFabricDeployment", "dev", "int.dev@acme.com"),
        ] {
            a.deployment_properties
                .push(intguard_model::DeploymentProperty {
                    deployment: deployment.into(),
                    name: "sfdc.user".into(),
                    value: value.into(),
                    location: crate::support::testkit::loc("orders/pom.xml", 40),
                });
            a.deployment_properties
                .push(intguard_model::DeploymentProperty {
                    deployment: deployment.into(),
                    name: "mule.env".into(),
                    value: env.into(),
                    location: crate::support::testkit::loc("orders/pom.xml", 41),
                });
        }
        let facts = app_scan_facts(&a).unwrap();
        let c = &facts.connections.held().unwrap()[0];
        let graph: Vec<(Option<&str>, &str)> = c
            .graph_users()
            .map(|u| (u.environment.as_deref(), u.username.as_str()))
            .collect();
        let users = a.salesforce_connections[0].users(&a);
        let expected: Vec<(Option<&str>, &str)> = users
            .iter()
            .map(|u| (u.environment.as_deref(), u.username.as_str()))
            .collect();
        assert_eq!(graph, expected);
        assert!(
            expected.iter().any(|(_, u)| u.starts_with("#[")),
            "{expected:?}"
        );
    }

    /// Domains, their apps, plugins and importers are kept whole: no facts,
    /// nothing dropped.
    #[test]
    fn apps_read_with_others_are_kept_whole() {
        let mut member = orders();
        member.domain_link = Some(Box::new(intguard_model::DomainLink {
            name: "acme-domain".into(),
            location: crate::support::testkit::loc("orders/pom.xml", 20),
        }));
        assert!(needs_whole(&member));
        assert!(app_scan_facts(&member).is_none());
        let before = format!("{:?}", keys(&member));
        keep_what_scan_rules_read(&mut member);
        assert_eq!(format!("{:?}", keys(&member)), before);
        assert!(!member.secret_attributes.is_empty());
        assert!(!needs_whole(&orders()));
    }

    /// With its facts computed, a compact app keeps no connection attribute
    /// (who it logs in as, and what IG104 says to change for a value an
    /// attribute reads, are facts), and not the username entries nor its
    /// `![...]` values (IG104's facts: none here, with no secure-properties
    /// config to decrypt them).
    #[test]
    fn a_compact_app_keeps_its_connections_facts_not_their_sources() {
        let inventory = &intguard_model::Inventory::default();
        let mut a = orders_with_keys();
        a.scan_facts = app_scan_facts(&a);
        let who =
            crate::support::connection_identities(inventory, &a, &a.salesforce_connections[0]);
        keep_what_scan_rules_read(&mut a);
        let attrs: Vec<&str> = a.salesforce_connections[0]
            .attributes
            .iter()
            .map(|x| x.name.as_str())
            .collect();
        assert!(attrs.is_empty(), "{attrs:?}");
        for file in keys(&a) {
            assert!(!file.contains(&"sfdc.user"), "{file:?}");
            assert!(!file.contains(&"sfdc.suffix"), "{file:?}");
            assert!(!file.contains(&"api.secret"), "{file:?}");
        }
        let after =
            crate::support::connection_identities(inventory, &a, &a.salesforce_connections[0]);
        let names = |ids: &[crate::support::EnvIdentity]| -> Vec<String> {
            ids.iter().map(|i| i.username.clone()).collect()
        };
        assert_eq!(names(&after), names(&who));
        // Without facts (an app built by hand), nothing of the connection goes.
        let mut by_hand = orders_with_keys();
        keep_what_scan_rules_read(&mut by_hand);
        assert_eq!(by_hand.salesforce_connections[0].attributes.len(), 3);
    }

    #[test]
    fn a_payload_script_keeps_the_properties_it_calls() {
        let mut a = orders();
        let mut with_script = orders();
        with_script.global_properties[0].value =
            val("%dw 2.0 --- { user: p('app.batchSize') }", XML, 3);
        keep_what_scan_rules_read(&mut a);
        keep_what_scan_rules_read(&mut with_script);
        assert!(!keys(&a)[0].contains(&"app.batchSize"));
        assert!(keys(&with_script)[0].contains(&"app.batchSize"));
        assert!(!keys(&with_script)[0].contains(&"app.region"));
    }
}
