//! A Mule application as the readers saw it: its connections, property files
//! and the configurations that load them, TLS contexts and key stores, HTTP
//! configs and requests, and Salesforce operations.

mod connections;
mod deployment;
mod domain;
mod http;
mod key_facts;
mod key_index;
mod plugin;
mod properties;
mod reference_cycles;
mod scan_facts;
mod secret_facts;
mod tls;
mod undecrypted;
mod unread_login_definitions;

pub use connections::*;
pub use deployment::*;
pub use domain::*;
pub use http::*;
pub use key_facts::*;
pub use plugin::*;
pub use properties::*;
pub use scan_facts::*;
pub use secret_facts::*;
pub use tls::*;

use std::sync::Arc;

use serde::Serialize;
use thin_vec::ThinVec;

use crate::expr::Value;
use crate::location::Location;
use crate::shared_str::SharedStr;
use crate::vocab;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MuleRuntime {
    #[serde(rename = "mule3")]
    Mule3,
    #[serde(rename = "mule4")]
    Mule4,
}

/// An app's secret values, and the names it reads where a secret is
/// expected: what the output's redactor needs of it.
#[derive(Debug, Clone, Default)]
pub struct AppSecrets {
    pub values: Vec<String>,
    pub names_read: Vec<String>,
    /// The values of text files' assignments not named as secrets, each
    /// with its name, taken before the files' facts are dropped
    /// ([`AppSecrets::add_assignments`]): a secret when some app reads the
    /// name where a secret is expected.
    pub assigned: Vec<(String, String)>,
}

impl AppSecrets {
    /// Takes what the redactor would take of `files`' assignments at the
    /// end ([`crate::Inventory::known_secrets_with`]): a value named as a
    /// secret, and the others with their names (a secret if some app reads
    /// the name where one is expected, which only the whole scan knows).
    /// A scan then keeps of a compact app's files only the assignments its
    /// Scan rules read, not every one the redactor might mask. References
    /// and dummies are left out, as the redactor leaves them.
    pub fn add_assignments(&mut self, files: &[crate::TextFileFacts]) {
        for a in files.iter().flat_map(|f| &f.assignments) {
            if vocab::is_placeholder_value(&a.value) {
                continue;
            }
            if a.secret {
                self.values.push(a.value.to_string());
            } else {
                self.assigned
                    .push((a.name.to_string(), a.value.to_string()));
            }
        }
    }
}

/// One Mule application (Mule 4: `mule-artifact.json` / pom packaging
/// `mule-application`; Mule 3: `mule-project.xml`).
///
/// A scan holds every app to its end, most of their lists emptied
/// (`intguard_rules::scan_scope`): the lists most apps then leave empty are
/// [`ThinVec`]s (8 bytes when empty, not 24), and what few apps have is
/// boxed.
#[derive(Debug, Clone, Serialize)]
pub struct MuleApp {
    pub name: String,
    /// The app's folder, as a display path.
    pub root: String,
    pub runtime: MuleRuntime,
    /// A domain project (pom packaging `mule-domain`): the configurations
    /// its apps share, installed in the runtime's `domains` folder (never
    /// deployed through Runtime Manager).
    pub domain: bool,
    /// The domain the app is deployed in, as it names it ([`DomainLink`]).
    pub domain_link: Option<Box<DomainLink>>,
    /// A Mule plugin project (pom packaging `mule-plugin`): its coordinates,
    /// which apps name in a dependency to `<import>` its configurations.
    pub plugin: Option<Box<PluginCoordinates>>,
    /// The Mule plugins its pom depends on (classifier `mule-plugin`).
    pub plugin_dependencies: ThinVec<PluginDependency>,
    /// Its `<import file>`s of configuration files it does not hold itself
    /// (a plugin's): [`Inventory::plugin_file_importers`].
    ///
    /// [`Inventory::plugin_file_importers`]: crate::Inventory::plugin_file_importers
    pub config_imports: ThinVec<ConfigImport>,
    /// What the Mule Maven plugin deployments of its pom set on it
    /// ([`DeploymentProperty`]).
    pub deployment_properties: ThinVec<DeploymentProperty>,
    /// Connection configs the app's Salesforce operations use (`config-ref`)
    /// that no connection of the app defines: its domain's shared ones, each
    /// with its first operation outside the MUnit sources.
    pub foreign_connection_refs: ThinVec<(String, Location)>,
    /// `mule-artifact.json` or `mule-project.xml`.
    pub descriptor: Option<Location>,
    /// `secureProperties` of mule-artifact.json; `None` when the file or the
    /// field is absent. Shared: a reading holds each distinct list once (a
    /// monorepo's apps list the same few), every app listing it pointing to
    /// it.
    pub declared_secure_properties: Option<Arc<[String]>>,
    pub xml_files: ThinVec<String>,
    /// Spring beans files (root `<beans>`) the app's Spring configuration
    /// may load: Mule 4 `<spring:config files="beans.xml"/>`, Mule 3
    /// `<spring:import>`. Their secret bean properties are among
    /// `secret_attributes`; they are not among `xml_files`.
    pub spring_bean_files: ThinVec<String>,
    pub salesforce_connections: Vec<SalesforceConnection>,
    pub secure_property_configs: Vec<SecurePropertiesConfig>,
    pub property_imports: ThinVec<PropertyImport>,
    pub global_properties: ThinVec<GlobalProperty>,
    pub tls_contexts: ThinVec<TlsContext>,
    /// Configurations other than Salesforce connections and TLS stores that
    /// load a key file by path: Cryptography module configs, the Mule 3 PGP
    /// key ring bean, SFTP key authentication.
    pub key_loaders: ThinVec<KeyLoader>,
    pub http_listeners: ThinVec<HttpListener>,
    /// Mule 3 HTTP transport endpoints (`<http:inbound-endpoint>`,
    /// `<http:outbound-endpoint>`, the core ones and the global endpoints
    /// they may reference).
    pub http_transport_endpoints: ThinVec<HttpTransportEndpoint>,
    /// Mule 3 HTTP and HTTPS transport connectors (`connector-ref` targets).
    pub transport_connectors: ThinVec<TransportConnector>,
    pub http_requests: ThinVec<HttpRequester>,
    /// `<http:request>` operations in flows.
    pub http_request_operations: ThinVec<HttpRequestOperation>,
    /// Credential-named fields of payloads set in flows that no
    /// `<http:request>` after them in the flow sends (the payload goes to
    /// another connector, through a `flow-ref`, or nowhere), when written as
    /// constants: in the XML all the same.
    pub unsent_payload_credentials: ThinVec<HttpCredential>,
    /// Every XML attribute whose name carries a secret (vocab), wherever it is.
    pub secret_attributes: ThinVec<XmlAttribute>,
    /// XML attributes holding URLs (`url`, `tokenEndpoint`, `address`, ... or any
    /// value with `://`).
    pub url_attributes: ThinVec<XmlAttribute>,
    pub property_files: ThinVec<PropertyFile>,
    /// Indexes into `property_files` of the files Mule loads, in the order
    /// it looks a property up in them ([`MuleApp::lookup`]): the imports' files
    /// in declaration order, since Mule 4 keeps a property's first
    /// definition and a Mule 3 placeholder the last of its `location` list.
    /// Empty (an app built by hand): each environment's own files, then the
    /// others, as listed.
    pub property_order: ThinVec<u32>,
    /// The property files of the app's MUnit test resources
    /// (`src/test/resources/`) that hold `![...]` values: a test suite's
    /// secure-properties config reads them, so a committed key opens them
    /// (IG104). Kept apart from `property_files`: the deployed app never
    /// reads them, so they take no part in resolution, and a plain secret in
    /// one is found by the text scan. Paths as `property_files`'.
    #[serde(skip)]
    pub test_property_files: ThinVec<PropertyFile>,
    /// Property files an import names but for their letter case (not
    /// loaded on Linux or CloudHub: a `property-file-case` warning each) or
    /// their YAML extension (never loaded: a `property-file-extension`
    /// warning each).
    #[serde(skip)]
    pub misnamed_property_files: ThinVec<MisnamedPropertyFile>,
    /// Salesforce operations and sources, until
    /// [`MuleApp::digest_operations`] turns them into `object_uses`.
    pub operations: ThinVec<SalesforceOperation>,
    /// Per connection config name, what its operations use (filled by
    /// [`MuleApp::digest_operations`]).
    #[serde(skip)]
    pub object_uses: ThinVec<(String, crate::inventory::SharedUses)>,
    /// Per connection config name, its operations whose objects are not
    /// known (filled by [`MuleApp::digest_operations`]; rare).
    #[serde(skip)]
    pub unknown_uses: ThinVec<(String, crate::inventory::UnknownUse)>,
    /// Environments found in property file names (`dev`, `prod`, ...), sorted;
    /// empty when the app has no per-environment files.
    pub environments: ThinVec<String>,
    /// (environment, placeholder) for each import placeholder that matched
    /// an environment's file (`config-${mule.env}.yaml` found
    /// `config-uat.yaml`: (`uat`, `mule.env`)), sorted. Resolving for that
    /// environment, the placeholder is its name: the deploy sets it so.
    pub environment_placeholders: ThinVec<(String, String)>,
    /// `mule.env` / `env` default given by a global-property, if any.
    pub default_environment: Option<String>,
    /// What the Mule 4 domain the app is deployed in defines for it, while
    /// lent ([`Inventory::lend_domain_properties`]): the last place a
    /// property is looked up. Boxed: nearly every app has none.
    #[serde(skip)]
    pub domain_loan: Option<Box<DomainLoan>>,
    /// What the Mule plugins' files the app imports define, while lent
    /// ([`Inventory::lend_plugin_configurations`]). Boxed: nearly every app
    /// has none.
    ///
    /// [`Inventory::lend_plugin_configurations`]: crate::Inventory::lend_plugin_configurations
    #[serde(skip)]
    pub plugin_loan: Option<Box<PluginLoan>>,
    /// The large property files' entries by key, for lookups.
    #[serde(skip)]
    pub(crate) key_index: key_index::KeyIndex,
    /// What the whole scan reads of a compact app's connections, computed
    /// as it is read ([`AppScanFacts`]); `None` for an app kept whole (a
    /// domain, a member of one, a Mule plugin, an app importing
    /// configuration files) and for an app built by hand.
    #[serde(skip)]
    pub scan_facts: Option<Box<AppScanFacts>>,
}

impl MuleApp {
    /// The attribute is written in one of the app's Spring beans files.
    pub fn in_spring_beans_file(&self, attr: &XmlAttribute) -> bool {
        let path = attr.value.location.path.as_str();
        self.spring_bean_files.iter().any(|f| f == path)
    }

    /// Drops the property files and what is kept to look names up in them
    /// (a compact app once its facts are worked out).
    pub fn drop_property_files(&mut self) {
        self.property_files = Default::default();
        self.key_index.clear();
    }

    pub fn new(name: impl Into<String>, root: impl Into<String>, runtime: MuleRuntime) -> Self {
        MuleApp {
            name: name.into(),
            root: root.into(),
            runtime,
            domain: false,
            domain_link: None,
            plugin: None,
            plugin_dependencies: ThinVec::new(),
            config_imports: ThinVec::new(),
            deployment_properties: ThinVec::new(),
            foreign_connection_refs: ThinVec::new(),
            descriptor: None,
            declared_secure_properties: None,
            xml_files: ThinVec::new(),
            spring_bean_files: ThinVec::new(),
            salesforce_connections: Vec::new(),
            secure_property_configs: Vec::new(),
            property_imports: ThinVec::new(),
            global_properties: ThinVec::new(),
            tls_contexts: ThinVec::new(),
            key_loaders: ThinVec::new(),
            http_listeners: ThinVec::new(),
            http_transport_endpoints: ThinVec::new(),
            transport_connectors: ThinVec::new(),
            http_requests: ThinVec::new(),
            http_request_operations: ThinVec::new(),
            unsent_payload_credentials: ThinVec::new(),
            secret_attributes: ThinVec::new(),
            url_attributes: ThinVec::new(),
            property_files: ThinVec::new(),
            property_order: ThinVec::new(),
            test_property_files: ThinVec::new(),
            misnamed_property_files: ThinVec::new(),
            operations: ThinVec::new(),
            object_uses: ThinVec::new(),
            unknown_uses: ThinVec::new(),
            environments: ThinVec::new(),
            environment_placeholders: ThinVec::new(),
            default_environment: None,
            domain_loan: None,
            plugin_loan: None,
            key_index: Default::default(),
            scan_facts: None,
        }
    }

    /// The environments to resolve properties for: those found in file names,
    /// or a single unnamed one.
    pub fn resolution_environments(&self) -> Vec<Option<&str>> {
        // While a domain's properties are lent, its environments too: the
        // app runs in whichever the deploy names.
        let lent = self
            .domain_loan
            .as_deref()
            .map(|l| l.environments.as_slice())
            .unwrap_or_default();
        let mut envs: Vec<Option<&str>> =
            self.environments.iter().map(|e| Some(e.as_str())).collect();
        for e in lent {
            if !self.environments.contains(e) {
                envs.push(Some(e.as_str()));
            }
        }
        if envs.is_empty() {
            vec![None]
        } else {
            envs
        }
    }

    /// The secure-properties config that reads `file`: the one whose `file`
    /// (Mule 4) or `location` (Mule 3) pattern matches the file's path under
    /// `src/main/resources/` (or Mule 3's `src/main/app/`), as the app reads
    /// it at startup ([`MuleApp::file_pattern_at_startup`]: the readers
    /// match files to imports so), every other `${...}` standing for a name
    /// without `/`; a config naming the file as written comes before one
    /// whose pattern matches it. `None` when none matches.
    pub fn secure_config_for(&self, file: &PropertyFile) -> Option<&SecurePropertiesConfig> {
        let root = self.root.trim_end_matches('/');
        // The file's path below `root/dir` (IG104 asks for every value).
        let under = |dir: &str| {
            let in_app = if root.is_empty() || root == "." {
                // `scan .` prints `./src/...`.
                let path = file.path.as_str();
                Some(path.strip_prefix("./").unwrap_or(path))
            } else {
                file.path.strip_prefix(root)?.strip_prefix('/')
            };
            in_app?.strip_prefix(dir)
        };
        // A test resource is read by the test suites' configs only (the
        // deployed app has no `src/test/resources/`).
        let (rel, test) = match under("src/test/resources/") {
            Some(rel) => (rel, true),
            None => (
                under("src/main/resources/").or_else(|| under("src/main/app/"))?,
                false,
            ),
        };
        let reads = |c: &SecurePropertiesConfig, literal_only: bool| {
            (!test || self.is_test_path(&c.location.path))
                && c.file.as_ref().is_some_and(|f| {
                    f.raw.split(',').any(|p| {
                        let p = p.trim();
                        let p = p
                            .strip_prefix("classpath*:")
                            .or_else(|| p.strip_prefix("classpath:"))
                            .unwrap_or(p)
                            .trim_start_matches('/');
                        if literal_only {
                            !p.contains("${") && p == rel
                        } else {
                            file_pattern_matches(&self.file_pattern_at_startup(p), rel)
                        }
                    })
                })
        };
        // A config naming the file as written reads it whatever the
        // environment; a pattern (`${mule.env}-secure.yaml`) only in one.
        let configs = &self.secure_property_configs;
        configs
            .iter()
            .find(|c| reads(c, true))
            .or_else(|| configs.iter().find(|c| reads(c, false)))
    }

    pub fn tls_context(&self, name: &str) -> Option<&TlsContext> {
        self.tls_contexts
            .iter()
            .find(|t| t.name.as_deref() == Some(name))
    }

    /// The property names mule-artifact.json's `secureProperties` lists,
    /// trimmed and without a `secure::` prefix: how Runtime Manager matches
    /// an entry written either way is not documented, and either way the
    /// author meant to protect that property. Empty when the field is absent.
    pub fn declared_secure_property_names(&self) -> impl Iterator<Item = &str> {
        self.declared_secure_properties
            .iter()
            .flat_map(|list| list.iter())
            .map(|n| n.trim().trim_start_matches("secure::"))
    }

    /// Whether `secureProperties` lists the property `name` (compared as
    /// [`MuleApp::declared_secure_property_names`] says).
    pub fn declares_secure_property(&self, name: &str) -> bool {
        self.declared_secure_property_names().any(|d| d == name)
    }

    /// Every credential the app's HTTP requests send: the operations', the
    /// request configs' defaults, and those set for a payload no request
    /// sends.
    pub fn http_credentials(&self) -> impl Iterator<Item = &HttpCredential> {
        self.http_request_operations
            .iter()
            .flat_map(|r| &r.credentials)
            .chain(
                self.http_requests
                    .iter()
                    .flat_map(|r| &r.default_credentials),
            )
            .chain(&self.unsent_payload_credentials)
    }

    /// True when the path lies in the app's test sources (MUnit).
    pub fn is_test_path(&self, path: &str) -> bool {
        path.contains("/src/test/")
    }

    /// The names of the properties the app reads where a secret is expected:
    /// in a secret attribute (`password="${sf.pw}"`, whatever the property is
    /// called), as a secure-properties key, and what those properties' own
    /// values read in turn. Their values are secrets although their names do
    /// not say so (`sf.foo`, `enc.k`).
    pub fn secret_reference_names(&self) -> foldhash::HashSet<String> {
        use foldhash::{HashSet, HashSetExt};
        // foldhash: every property key of the app is looked up here.
        let mut names: HashSet<String> = HashSet::new();
        let mut pending: Vec<String> = self
            .secret_attributes
            .iter()
            .map(|a| &a.value)
            .chain(
                self.secure_property_configs
                    .iter()
                    .filter_map(|c| c.key.as_ref()),
            )
            .flat_map(|v| v.placeholders())
            .map(|p| p.name)
            .collect();
        // What an HTTP request sends as a credential (`password:
        // p('secure::sf.pw')` in a login body, an `x-api-key` header).
        pending.extend(
            self.http_credentials()
                .filter(|c| !c.constant)
                .flat_map(|c| c.references())
                .map(|p| p.name),
        );
        // Each round follows one more level of `a: ${b}`; definitions nest
        // only a few levels deep.
        for _ in 0..4 {
            pending.retain(|n| !names.contains(n));
            if pending.is_empty() {
                break;
            }
            let wanted: HashSet<String> = pending.drain(..).collect();
            let definitions = self
                .property_files
                .iter()
                .flat_map(|f| f.entries.iter().map(|e| (e.key(), e.value())))
                .chain(
                    self.global_properties
                        .iter()
                        .map(|g| (g.name.as_str(), g.value.raw.as_str())),
                );
            for (key, value) in definitions {
                if wanted.contains(key) {
                    pending.extend(crate::expr::placeholders(value).into_iter().map(|p| p.name));
                }
            }
            names.extend(wanted);
        }
        names
    }

    /// The app's part of [`Inventory::known_secrets`](crate::Inventory::known_secrets).
    pub fn secrets(&self) -> AppSecrets {
        let mut values = Vec::new();
        let names_read = self.collect_secrets(&mut values).into_iter().collect();
        // What the whole scan's list drops anyway (`![...]` values,
        // references, dummies) is not held until then: a monorepo's
        // encrypted values were most of it.
        values.retain(|s| !crate::vocab::is_placeholder_value(s));
        values.shrink_to_fit();
        AppSecrets {
            values,
            names_read,
            assigned: Vec::new(),
        }
    }

    /// Adds the app's secret values to `out`; returns the names it reads
    /// where a secret is expected ([`Self::secret_reference_names`]).
    fn collect_secrets(&self, out: &mut Vec<String>) -> foldhash::HashSet<String> {
        out.extend(
            self.secret_attributes
                .iter()
                .filter(|a| a.value.is_literal())
                .map(|a| a.value.raw.clone()),
        );
        // `password="${sf.password:Pw-123}"`: the default is the password
        // wherever nothing defines the property.
        out.extend(
            self.secret_attributes
                .iter()
                .filter(|a| !a.value.is_literal())
                .flat_map(|a| crate::expr::literal_defaults(&a.value.raw))
                .map(str::to_string),
        );
        // Passwords in URLs' user info (`https://svc:Pw@host`).
        out.extend(
            self.url_attributes
                .iter()
                .filter_map(|a| vocab::url_password(&a.value.raw))
                .chain(
                    self.property_files
                        .iter()
                        .flat_map(|f| &f.entries)
                        .filter_map(|e| vocab::url_password(e.value())),
                )
                .map(str::to_string),
        );
        let read_as_secret = self.secret_reference_names();
        let is_secret = |e: &PropertyEntry| {
            e.has_secret_name()
                || vocab::is_encryption_key_name(e.key())
                || read_as_secret.contains(e.key())
        };
        for file in &self.property_files {
            // Which entries are secrets, told once: the three passes below
            // ask it of the same entries.
            let secret: Vec<bool> = file.entries.iter().map(is_secret).collect();
            let secret_entries = || {
                file.entries
                    .iter()
                    .zip(&secret)
                    .filter(|(_, s)| **s)
                    .map(|(e, _)| e)
            };
            out.extend(secret_entries().map(|e| e.value().to_string()));
            out.extend(
                secret_entries()
                    .flat_map(|e| crate::expr::literal_defaults(e.value()))
                    .map(str::to_string),
            );
            for (i, pieces) in &file.split_values {
                if secret.get(*i as usize).copied().unwrap_or(false) {
                    out.extend(
                        pieces
                            .iter()
                            .filter(|p| p.chars().count() >= crate::secret::MIN_FRAGMENT_LEN)
                            .map(|p| p.to_string()),
                    );
                }
            }
        }
        // Credentials an HTTP request sends, written as constants: the whole
        // value and, for `Authorization`, the credential after the scheme.
        for c in self
            .http_credentials()
            .filter(|c| c.constant && !vocab::is_placeholder_value(&c.value.raw))
        {
            out.push(c.value.raw.clone());
            if let (Some(_), credential) = c.scheme_and_credential() {
                out.push(credential.to_string());
            }
        }
        for gp in &self.global_properties {
            if vocab::is_secret_or_key_name(&gp.name) || read_as_secret.contains(gp.name.as_str()) {
                out.push(gp.value.raw.clone());
            }
        }
        for config in &self.secure_property_configs {
            if let Some(key) = &config.key {
                if key.is_literal() {
                    out.push(key.raw.clone());
                }
            }
        }
        read_as_secret
    }
}

/// An XML attribute: element, name and value (with the attribute's own position).
#[derive(Debug, Clone, Serialize)]
pub struct XmlAttribute {
    /// Qualified element name as written, e.g. `salesforce:basic-connection`
    /// (shared by the element's attributes).
    pub element: SharedStr,
    /// `name` attribute of the element or of its nearest named ancestor, to
    /// tell the reader which global config this is (shared likewise).
    pub owner: Option<SharedStr>,
    pub name: String,
    pub value: Value,
}

impl XmlAttribute {
    /// The XML attribute that holds the value as written: `value` for a
    /// Spring bean `<property name="password" value="...">` (or
    /// `constructor-arg`), which the reader records under the bean
    /// property's name; else `name`.
    pub fn written_name(&self) -> &str {
        if self.is_spring_bean_property() {
            "value"
        } else {
            &self.name
        }
    }

    /// A Spring bean property's value, recorded under the property's name:
    /// `<property name="password" value="..."/>`, a `constructor-arg`, or
    /// the text of `<property name="password"><value>...</value></property>`
    /// (located at the text).
    pub fn is_spring_bean_property(&self) -> bool {
        let local = self.element.rsplit(':').next().unwrap_or(&self.element);
        matches!(local, "property" | "constructor-arg") && self.name != "value"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An app's own environments, then those a domain lends that it has no
    /// file for; one unnamed environment when there are none.
    #[test]
    fn resolution_environments_with_and_without_a_domain() {
        let mut app = MuleApp::new("orders", "orders", MuleRuntime::Mule4);
        assert_eq!(app.resolution_environments(), [None]);
        app.environments = thin_vec::thin_vec!["dev".into(), "prod".into()];
        assert_eq!(app.resolution_environments(), [Some("dev"), Some("prod")]);
        let loan = |envs: &[&str]| {
            Some(Box::new(DomainLoan {
                files: Vec::new(),
                environments: envs.iter().map(|e| e.to_string()).collect(),
                environment_placeholders: Default::default(),
            }))
        };
        app.domain_loan = loan(&["prod", "qa"]);
        assert_eq!(
            app.resolution_environments(),
            [Some("dev"), Some("prod"), Some("qa")]
        );
        app.environments.clear();
        assert_eq!(app.resolution_environments(), [Some("prod"), Some("qa")]);
        app.domain_loan = loan(&[]);
        assert_eq!(app.resolution_environments(), [None]);
    }

    /// The shared list, the boxed links and the thin lists serialize as the
    /// plain lists and objects they were (`intguard-readers`' dump example
    /// and the scan's string visitor read the serialized form).
    #[test]
    fn an_apps_lists_and_links_serialize_as_plain_json() {
        let mut app = MuleApp::new("orders", "apps/orders", MuleRuntime::Mule4);
        app.declared_secure_properties = Some(vec!["encryption.key".to_string()].into());
        app.domain_link = Some(Box::new(DomainLink {
            name: "acme-domain".into(),
            location: Location::new("apps/orders/pom.xml", 20, 5),
        }));
        app.xml_files
            .push("apps/orders/src/main/mule/global.xml".into());
        let json = serde_json::to_value(&app).unwrap();
        assert_eq!(
            json["declared_secure_properties"],
            serde_json::json!(["encryption.key"])
        );
        assert_eq!(
            json["domain_link"],
            serde_json::json!({
                "name": "acme-domain",
                "location": {"path": "apps/orders/pom.xml", "line": 20, "column": 5}
            })
        );
        assert_eq!(
            json["xml_files"],
            serde_json::json!(["apps/orders/src/main/mule/global.xml"])
        );
        assert_eq!(json["secret_attributes"], serde_json::json!([]));
        assert_eq!(json["plugin"], serde_json::Value::Null);
    }

    /// Two apps sharing one list and a third with its own each answer for
    /// the list they were given.
    #[test]
    fn apps_sharing_a_secure_property_list_answer_for_it() {
        let shared: Arc<[String]> =
            vec![" secure::sf.password ".to_string(), "key".to_string()].into();
        let mut a = MuleApp::new("a", "a", MuleRuntime::Mule4);
        let mut b = MuleApp::new("b", "b", MuleRuntime::Mule4);
        let mut c = MuleApp::new("c", "c", MuleRuntime::Mule4);
        a.declared_secure_properties = Some(Arc::clone(&shared));
        b.declared_secure_properties = Some(shared);
        c.declared_secure_properties = Some(vec!["other".to_string()].into());
        for app in [&a, &b] {
            assert!(app.declares_secure_property("sf.password"));
            assert!(app.declares_secure_property("key"));
            assert!(!app.declares_secure_property("other"));
            assert_eq!(
                app.declared_secure_property_names().collect::<Vec<_>>(),
                ["sf.password", "key"]
            );
        }
        assert!(c.declares_secure_property("other"));
        assert!(!c.declares_secure_property("sf.password"));
        let none = MuleApp::new("d", "d", MuleRuntime::Mule4);
        assert_eq!(none.declared_secure_property_names().count(), 0);
    }
}
