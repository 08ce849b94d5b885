use serde::Serialize;

use crate::expr::Value;
use crate::location::Location;
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
}

/// One Mule application (Mule 4: `mule-artifact.json` / pom packaging
/// `mule-application`; Mule 3: `mule-project.xml`).
#[derive(Debug, Clone, Serialize)]
pub struct MuleApp {
    pub name: String,
    /// The app's folder, as a display path.
    pub root: String,
    pub runtime: MuleRuntime,
    /// `mule-artifact.json` or `mule-project.xml`.
    pub descriptor: Option<Location>,
    /// `secureProperties` of mule-artifact.json; `None` when the file or the
    /// field is absent.
    pub declared_secure_properties: Option<Vec<String>>,
    pub xml_files: Vec<String>,
    /// Spring beans files (root `<beans>`) the app's Spring configuration
    /// may load: Mule 4 `<spring:config files="beans.xml"/>`, Mule 3
    /// `<spring:import>`. Their secret bean properties are among
    /// `secret_attributes`; they are not among `xml_files`.
    pub spring_bean_files: Vec<String>,
    pub salesforce_connections: Vec<SalesforceConnection>,
    pub secure_property_configs: Vec<SecurePropertiesConfig>,
    pub property_imports: Vec<PropertyImport>,
    pub global_properties: Vec<GlobalProperty>,
    pub tls_contexts: Vec<TlsContext>,
    /// Configurations other than Salesforce connections and TLS stores that
    /// load a key file by path: Cryptography module configs, the Mule 3 PGP
    /// key ring bean, SFTP key authentication.
    pub key_loaders: Vec<KeyLoader>,
    pub http_listeners: Vec<HttpListener>,
    pub http_requests: Vec<HttpRequester>,
    /// `<http:request>` operations in flows.
    pub http_request_operations: Vec<HttpRequestOperation>,
    /// Credential-named fields of payloads set in flows that no
    /// `<http:request>` after them in the flow sends (the payload goes to
    /// another connector, through a `flow-ref`, or nowhere), when written as
    /// constants: in the XML all the same.
    pub unsent_payload_credentials: Vec<HttpCredential>,
    /// Every XML attribute whose name carries a secret (vocab), wherever it is.
    pub secret_attributes: Vec<XmlAttribute>,
    /// XML attributes holding URLs (`url`, `tokenEndpoint`, `address`, ... or any
    /// value with `://`).
    pub url_attributes: Vec<XmlAttribute>,
    pub property_files: Vec<PropertyFile>,
    /// Indexes into `property_files` of the files Mule loads, in the order
    /// it looks a property up in them ([`MuleApp::lookup`]): the imports' files
    /// in declaration order, since Mule 4 keeps a property's first
    /// definition and a Mule 3 placeholder the last of its `location` list.
    /// Empty (an app built by hand): each environment's own files, then the
    /// others, as listed.
    pub property_order: Vec<u32>,
    /// Salesforce operations and sources, until
    /// [`MuleApp::digest_operations`] turns them into `object_uses`.
    pub operations: Vec<SalesforceOperation>,
    /// Per connection config name, what its operations use (filled by
    /// [`MuleApp::digest_operations`]).
    #[serde(skip)]
    pub object_uses: Vec<(String, crate::inventory::SharedUses)>,
    /// Per connection config name, its operations whose objects are not
    /// known (filled by [`MuleApp::digest_operations`]; rare).
    #[serde(skip)]
    pub unknown_uses: Vec<(String, crate::inventory::UnknownUse)>,
    /// Environments found in property file names (`dev`, `prod`, ...), sorted;
    /// empty when the app has no per-environment files.
    pub environments: Vec<String>,
    /// (environment, placeholder) for each import placeholder that matched
    /// an environment's file (`config-${mule.env}.yaml` found
    /// `config-uat.yaml`: (`uat`, `mule.env`)), sorted. Resolving for that
    /// environment, the placeholder is its name: the deploy sets it so.
    pub environment_placeholders: Vec<(String, String)>,
    /// `mule.env` / `env` default given by a global-property, if any.
    pub default_environment: Option<String>,
}

impl MuleApp {
    /// The attribute is written in one of the app's Spring beans files.
    pub fn in_spring_beans_file(&self, attr: &XmlAttribute) -> bool {
        let path = attr.value.location.path.as_str();
        self.spring_bean_files.iter().any(|f| f == path)
    }

    pub fn new(name: impl Into<String>, root: impl Into<String>, runtime: MuleRuntime) -> Self {
        MuleApp {
            name: name.into(),
            root: root.into(),
            runtime,
            descriptor: None,
            declared_secure_properties: None,
            xml_files: Vec::new(),
            spring_bean_files: Vec::new(),
            salesforce_connections: Vec::new(),
            secure_property_configs: Vec::new(),
            property_imports: Vec::new(),
            global_properties: Vec::new(),
            tls_contexts: Vec::new(),
            key_loaders: Vec::new(),
            http_listeners: Vec::new(),
            http_requests: Vec::new(),
            http_request_operations: Vec::new(),
            unsent_payload_credentials: Vec::new(),
            secret_attributes: Vec::new(),
            url_attributes: Vec::new(),
            property_files: Vec::new(),
            property_order: Vec::new(),
            operations: Vec::new(),
            object_uses: Vec::new(),
            unknown_uses: Vec::new(),
            environments: Vec::new(),
            environment_placeholders: Vec::new(),
            default_environment: None,
        }
    }

    /// The environments to resolve properties for: those found in file names,
    /// or a single unnamed one.
    pub fn resolution_environments(&self) -> Vec<Option<&str>> {
        if self.environments.is_empty() {
            vec![None]
        } else {
            self.environments.iter().map(|e| Some(e.as_str())).collect()
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
                Some(file.path.as_str())
            } else {
                file.path.strip_prefix(root)?.strip_prefix('/')
            };
            in_app?.strip_prefix(dir)
        };
        let rel = under("src/main/resources/").or_else(|| under("src/main/app/"))?;
        let reads = |c: &SecurePropertiesConfig, literal_only: bool| {
            c.file.as_ref().is_some_and(|f| {
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
        AppSecrets { values, names_read }
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
            vocab::is_secret_or_key_name(e.key()) || read_as_secret.contains(e.key())
        };
        for file in &self.property_files {
            out.extend(
                file.entries
                    .iter()
                    .filter(|e| is_secret(e))
                    .map(|e| e.value().to_string()),
            );
            for (i, pieces) in &file.split_values {
                if file.entries.get(*i as usize).is_some_and(is_secret) {
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
            .http_request_operations
            .iter()
            .flat_map(|r| &r.credentials)
            .chain(
                self.http_requests
                    .iter()
                    .flat_map(|r| &r.default_credentials),
            )
            .chain(&self.unsent_payload_credentials)
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
    /// Qualified element name as written, e.g. `salesforce:basic-connection`.
    pub element: String,
    /// `name` attribute of the element or of its nearest named ancestor, to
    /// tell the reader which global config this is.
    pub owner: Option<String>,
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

/// How a Salesforce connection authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthClass {
    /// Username + password (+ security token): SOAP login or the OAuth
    /// username-password flow.
    Password,
    /// JWT or SAML bearer with a certificate.
    Certificate,
    /// OAuth client credentials (a client secret; runs as a configured user).
    ClientSecret,
    /// Authorization-code flow for a named human user, not an integration user.
    NamedUser,
    Unknown,
}

/// A Salesforce connector configuration (Mule 4 `salesforce:sfdc-config` with
/// its `salesforce:*-connection` child; Mule 3 `sfdc:config*`).
#[derive(Debug, Clone, Serialize)]
pub struct SalesforceConnection {
    /// The config's `name`.
    pub config_name: String,
    /// The connection element as written: `salesforce:basic-connection`,
    /// `sfdc:config`, ...
    pub element: String,
    pub runtime: MuleRuntime,
    pub auth: AuthClass,
    /// Location of the connection element.
    pub location: Location,
    /// All attributes of the connection element.
    pub attributes: Vec<XmlAttribute>,
    /// A nested `tls:context` (connector 9.7+): a key-store in it is the client
    /// certificate for mutual TLS.
    pub tls_context: Option<TlsContext>,
}

impl SalesforceConnection {
    pub fn attr(&self, name: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(|a| &a.value)
    }

    /// The attribute that names the Salesforce user: `username`, or the JWT/SAML
    /// `principal`. Not an authorization-code connection's `resourceOwnerId`:
    /// that is the key Mule keeps a named user's token under, no username.
    pub fn username(&self) -> Option<&Value> {
        self.attr("username").or_else(|| self.attr("principal"))
    }

    /// The URLs the connection talks to for login or API calls.
    pub fn endpoint_attributes(&self) -> impl Iterator<Item = &XmlAttribute> {
        const URL_ATTRS: &[&str] = &[
            "url",
            "tokenEndpoint",
            "tokenUrl",
            "audienceUrl",
            "serviceEndpoint",
            "authorizationUrl",
            "accessTokenUrl",
        ];
        self.attributes
            .iter()
            .filter(|a| URL_ATTRS.iter().any(|u| u.eq_ignore_ascii_case(&a.name)))
    }
}

/// `secure-properties:config` (Mule 4) or `secure-property-placeholder:config`
/// (Mule 3).
#[derive(Debug, Clone, Serialize)]
pub struct SecurePropertiesConfig {
    pub name: Option<String>,
    pub element: String,
    pub location: Location,
    pub key: Option<Value>,
    /// `file` (Mule 4) or `location` (Mule 3).
    pub file: Option<Value>,
    /// `algorithm` / `encryptionAlgorithm`; default AES.
    pub algorithm: Option<Value>,
    /// `mode` / `encryptionMode`; default CBC.
    pub mode: Option<Value>,
    /// `useRandomIVs`; default false.
    pub use_random_ivs: Option<Value>,
}

impl SecurePropertiesConfig {
    pub fn algorithm_name(&self) -> &str {
        self.algorithm
            .as_ref()
            .map(|v| v.raw.trim())
            .unwrap_or("AES")
    }

    pub fn mode_name(&self) -> &str {
        self.mode.as_ref().map(|v| v.raw.trim()).unwrap_or("CBC")
    }

    pub fn random_ivs(&self) -> bool {
        self.use_random_ivs
            .as_ref()
            .is_some_and(|v| v.raw.trim().eq_ignore_ascii_case("true"))
    }
}

/// An element that loads property files: `configuration-properties`,
/// `secure-properties:config`, Mule 3 `context:property-placeholder`.
#[derive(Debug, Clone, Serialize)]
pub struct PropertyImport {
    pub element: String,
    /// The file (or comma-separated locations) attribute as written.
    pub file: Value,
    pub secure: bool,
}

/// `<global-property name value/>`.
#[derive(Debug, Clone, Serialize)]
pub struct GlobalProperty {
    pub name: String,
    pub value: Value,
    pub location: Location,
}

/// An element that names key material and the passwords that open it.
#[derive(Debug, Clone, Serialize)]
pub struct Store {
    /// `tls:key-store` or `tls:trust-store`; a Crypto config's key info
    /// (`crypto:pgp-asymmetric-key-info`, ...).
    pub element: String,
    pub location: Location,
    pub attributes: Vec<XmlAttribute>,
}

impl Store {
    pub fn attr(&self, name: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(|a| &a.value)
    }
}

/// `tls:context`, global or nested.
#[derive(Debug, Clone, Serialize)]
pub struct TlsContext {
    pub name: Option<String>,
    pub location: Location,
    pub enabled_protocols: Option<Value>,
    pub trust_store: Option<Store>,
    pub key_store: Option<Store>,
}

/// What kind of configuration loads a key file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyLoaderKind {
    /// Mule 4 Cryptography module `<crypto:jce-config keystore password
    /// type>` with its `<crypto:jce-key-infos>` (`jce-symmetric-key-info` /
    /// `jce-asymmetric-key-info`: `keyId alias password`).
    Jce,
    /// Mule 4 Cryptography module `<crypto:pgp-config publicKeyring
    /// privateKeyring>` with its `<crypto:pgp-key-infos>`
    /// (`pgp-asymmetric-key-info`: `keyId fingerprint passphrase`).
    Pgp,
    /// Mule 3 PGP module key manager: a Spring bean of class
    /// `org.mule.module.pgp.PGPKeyRingImpl` whose properties
    /// (`publicKeyRingFileName`, `secretKeyRingFileName`, `secretAliasId`,
    /// `secretPassphrase`) are recorded as its attributes.
    PgpKeyRingBean,
    /// SSH key authentication of an SFTP connection: an element of the SFTP
    /// connector's namespace with an `identityFile` (Mule 4
    /// `<sftp:connection identityFile passphrase>`, Mule 3 `<sftp:connector>`
    /// or endpoint with the same attributes).
    SftpIdentity,
}

/// A configuration that loads a key file by path (see [`KeyLoaderKind`]).
#[derive(Debug, Clone, Serialize)]
pub struct KeyLoader {
    pub kind: KeyLoaderKind,
    /// `crypto:jce-config`, `crypto:pgp-config`, `spring:bean`,
    /// `sftp:connection`, as written.
    pub element: String,
    /// The config's `name`; the bean's `id` (or `name`); for an SFTP
    /// connection, its config's.
    pub name: Option<String>,
    pub location: Location,
    /// The element's attributes; a bean's properties, by property name,
    /// each located at its `value`.
    pub attributes: Vec<XmlAttribute>,
    /// The key info elements under the config, each with its attributes.
    pub key_infos: Vec<Store>,
}

impl KeyLoader {
    /// Loads OpenPGP keys.
    pub fn is_pgp(&self) -> bool {
        matches!(
            self.kind,
            KeyLoaderKind::Pgp | KeyLoaderKind::PgpKeyRingBean
        )
    }

    pub fn attr(&self, name: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(|a| &a.value)
    }

    /// The attributes that name key files, each with whether the file holds
    /// the private key (else public keys only).
    pub fn key_file_attributes(&self) -> &'static [(&'static str, bool)] {
        match self.kind {
            KeyLoaderKind::Jce => &[("keystore", true)],
            KeyLoaderKind::Pgp => &[("privateKeyring", true), ("publicKeyring", false)],
            KeyLoaderKind::PgpKeyRingBean => &[
                ("secretKeyRingFileName", true),
                ("publicKeyRingFileName", false),
            ],
            KeyLoaderKind::SftpIdentity => &[("identityFile", true)],
        }
    }

    /// The values that open the private key, with what they are called:
    /// the config's `password`, the bean's `secretPassphrase` or the SFTP
    /// connection's `passphrase`, then each
    /// key info's `password` or `passphrase` (`passphrase of key `k``).
    pub fn key_passwords(&self) -> Vec<(String, &Value)> {
        let own: &[&str] = match self.kind {
            KeyLoaderKind::SftpIdentity => &["passphrase"],
            _ => &["password", "secretPassphrase"],
        };
        let mut out: Vec<(String, &Value)> = own
            .iter()
            .filter_map(|n| Some((n.to_string(), self.attr(n)?)))
            .collect();
        for info in &self.key_infos {
            let key = info
                .attr("keyId")
                .map(|k| format!(" of key `{}`", k.raw))
                .unwrap_or_default();
            for n in ["password", "passphrase"] {
                if let Some(v) = info.attr(n) {
                    out.push((format!("{n}{key}"), v));
                }
            }
        }
        out
    }

    /// `Crypto config `Signing` (crypto:jce-config)`, `Spring bean
    /// `pgpKeyManager` (PGPKeyRingImpl)`.
    pub fn describe(&self) -> String {
        let label = self
            .name
            .as_deref()
            .map(|n| format!(" `{n}`"))
            .unwrap_or_default();
        match self.kind {
            KeyLoaderKind::PgpKeyRingBean => format!("Spring bean{label} (PGPKeyRingImpl)"),
            KeyLoaderKind::SftpIdentity => format!("SFTP connection{label} ({})", self.element),
            _ => format!("Crypto config{label} ({})", self.element),
        }
    }
}

/// `http:listener-config` with its `http:listener-connection`.
#[derive(Debug, Clone, Serialize)]
pub struct HttpListener {
    pub config_name: String,
    /// Location of the connection element (or of the config if it has none).
    pub location: Location,
    pub protocol: Option<Value>,
    pub host: Option<Value>,
    pub port: Option<Value>,
    pub tls_context_ref: Option<String>,
    pub tls_context: Option<TlsContext>,
}

/// `http:request-config` with its `http:request-connection`.
#[derive(Debug, Clone, Serialize)]
pub struct HttpRequester {
    pub config_name: String,
    pub location: Location,
    pub protocol: Option<Value>,
    pub host: Option<Value>,
    pub port: Option<Value>,
    pub base_path: Option<Value>,
    pub tls_context_ref: Option<String>,
    pub tls_context: Option<TlsContext>,
    /// An `http:authentication` child (basic, digest, ntlm, oauth client
    /// credentials ...): the request carries credentials.
    pub authentication: Option<HttpAuthentication>,
    /// Default headers and query parameters (`<http:default-headers>`,
    /// `<http:default-query-params>`) that carry a credential: every request
    /// through this config sends them.
    pub default_credentials: Vec<HttpCredential>,
    /// The other default query parameters (`grant_type`, `username`,
    /// `scope` ...): every request through this config sends them too.
    pub default_query_params: Vec<HttpParam>,
    /// `sendBodyMode` (`AUTO`, `ALWAYS`, `NEVER`): whether its requests send
    /// a body, for those that do not say so themselves.
    pub send_body_mode: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpAuthentication {
    pub element: String,
    pub location: Location,
    pub attributes: Vec<XmlAttribute>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PropertyFormat {
    Yaml,
    Properties,
}

/// A property file of the app, with what the reader learnt of how Mule loads it.
#[derive(Debug, Clone, Serialize)]
pub struct PropertyFile {
    pub path: String,
    pub format: PropertyFormat,
    /// The environment this file is for, when its name was matched by an
    /// import with `${mule.env}` / `${env}` in it. `None`: every environment.
    pub environment: Option<String>,
    /// Loaded by a secure-properties config (`${secure::...}` reads it).
    pub secure: bool,
    /// Matched by some import. Files nobody imports are still audited, but do
    /// not take part in resolution.
    pub loaded: bool,
    pub entries: Vec<PropertyEntry>,
    /// Values written otherwise than they read: over several lines
    /// (`.properties` continuations) or with escapes (`Mule\=24#x`), as
    /// (entry index, the value's pieces as written): what output must mask
    /// wherever a piece appears, the value read being all the readers keep.
    /// Empty for most files.
    #[serde(skip)]
    pub split_values: Vec<(u32, Box<[Box<str>]>)>,
}

/// One key of a property file (YAML keys flattened with dots).
#[derive(Clone)]
pub struct PropertyEntry {
    /// The key and then the value, in one allocation: a scan holds every
    /// entry of every app (about 120 per app) until the rules have run.
    text: Box<str>,
    key_len: u32,
    /// [`PropertyEntry::hash_key`] of the key: resolution compares this
    /// before the key (thousands of lookups per app); it fits in the
    /// struct's padding.
    key_hash: u32,
    /// Location of the key.
    pub location: Location,
}

// The key hash costs no memory: it fills what was padding.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<PropertyEntry>() == 48);

impl PropertyEntry {
    pub fn new(key: &str, value: &str, location: Location) -> Self {
        Self::nested("", key, value, location)
    }

    /// The entry of `key` under `prefix` (YAML nesting): the key is
    /// `prefix.key`, or `key` when `prefix` is empty. One allocation for the
    /// joined key and the value.
    pub fn nested(prefix: &str, key: &str, value: &str, location: Location) -> Self {
        let dot = usize::from(!prefix.is_empty());
        let key_len = prefix.len() + dot + key.len();
        let mut text = String::with_capacity(key_len + value.len());
        text.push_str(prefix);
        if dot == 1 {
            text.push('.');
        }
        text.push_str(key);
        let key_hash = Self::hash_key(&text);
        text.push_str(value);
        PropertyEntry {
            text: text.into_boxed_str(),
            // A key of 4 GiB is beyond any file the readers accept.
            key_len: u32::try_from(key_len).unwrap_or(u32::MAX),
            key_hash,
            location,
        }
    }

    /// A cheap hash of a key (FNV-1a), for [`PropertyEntry::has_key`].
    pub fn hash_key(key: &str) -> u32 {
        key.bytes().fold(0x811c_9dc5_u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        })
    }

    /// Whether this entry's key is `key`, whose [`PropertyEntry::hash_key`]
    /// is `hash`.
    pub fn has_key(&self, key: &str, hash: u32) -> bool {
        self.key_hash == hash && self.key() == key
    }

    pub fn key(&self) -> &str {
        &self.text[..self.key_len as usize]
    }

    /// The value as written (quotes removed). May be a secret: never output.
    pub fn value(&self) -> &str {
        &self.text[self.key_len as usize..]
    }

    /// `![base64]` value: encrypted with the secure-properties key.
    pub fn encrypted_payload(&self) -> Option<&str> {
        let v = self.value().trim();
        v.strip_prefix("![")?.strip_suffix(']')
    }
}

/// The value is masked: a debug print in a log or a failed assertion must
/// not show a secret either.
impl std::fmt::Debug for PropertyEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PropertyEntry")
            .field("key", &self.key())
            .field("value", &crate::secret::mask(self.value()))
            .field("location", &self.location)
            .finish()
    }
}

/// Serialized as `{key, location}`: the value may be a secret.
impl Serialize for PropertyEntry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("PropertyEntry", 2)?;
        s.serialize_field("key", self.key())?;
        s.serialize_field("location", &self.location)?;
        s.end()
    }
}

/// An `<http:request>` operation in a flow: where it goes and what it sends.
#[derive(Debug, Clone, Serialize)]
pub struct HttpRequestOperation {
    pub location: Location,
    /// The `http:request-config` it uses.
    pub config_ref: Option<String>,
    /// `url` (a full URL, instead of a config).
    pub url: Option<Value>,
    /// `path` (appended to the config's host and base path).
    pub path: Option<Value>,
    /// The text of its children (`http:body`, `http:query-params`,
    /// `http:headers`, `http:uri-params`): DataWeave expressions, as written.
    pub children_text: String,
    /// The payload the flow last set before the request (`ee:set-payload`
    /// text or `set-payload value`), the body a request sends by default.
    pub payload: Option<String>,
    /// That payload's script is a file of the app (`<ee:set-payload
    /// resource="dwl/login.dwl"/>`, under `src/main/resources/`): its text
    /// becomes `payload` when the app is assembled.
    pub payload_resource: Option<String>,
    /// Headers, query parameters and body fields it sends that carry a
    /// credential: its own, and the fields of the payload the flow set just
    /// before it (a request sends the payload as its body by default).
    pub credentials: Vec<HttpCredential>,
    /// How many of the first `credentials` are fields of that payload (or
    /// of the payloads `flow-ref`s hand its flow, see `sends_caller_payload`).
    pub payload_fields: usize,
    /// The flow or sub-flow holding it.
    pub flow: Option<String>,
    /// It is the first request of its flow, before anything there sets the
    /// payload, and sends it: the payload a `flow-ref` hands the flow is its
    /// body.
    pub sends_caller_payload: bool,
    /// Whether it sends a body (the payload, unless it has a body of its
    /// own).
    pub sends_body: SendsBody,
    /// Its query parameters written as key/value elements
    /// (`<http:query-param key value>`) whose name is no credential's
    /// (those are in `credentials`), kept when they may say how it logs in
    /// (`grant_type`, `username`, a property reference).
    pub query_params: Vec<HttpParam>,
}

impl HttpRequestOperation {
    /// Forgets the payload set before the request: it does not send it (its
    /// own body leaves it out, or it sends no body). Returns the payload's
    /// credential-named fields.
    pub fn drop_payload(&mut self) -> Vec<HttpCredential> {
        let n = self.payload_fields.min(self.credentials.len());
        self.payload_fields = 0;
        self.payload = None;
        self.payload_resource = None;
        self.credentials.drain(..n).collect()
    }
}

/// Whether an HTTP request sends a body: the HTTP connector's `sendBodyMode`
/// (the request's own, else its config's) with its method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SendsBody {
    Yes,
    No,
    /// The request does not set `sendBodyMode`: its config's decides, and
    /// under the default mode (AUTO) it sends one when `auto` says so (its
    /// method is not GET, HEAD or OPTIONS). Settled when the app is
    /// assembled, its configs known.
    ByConfig {
        auto: bool,
    },
}

/// A named value an HTTP request sends that is no credential (`grant_type`,
/// `username`, `scope`): its name and its value as written.
#[derive(Debug, Clone, Serialize)]
pub struct HttpParam {
    pub name: String,
    pub value: Value,
}

/// Where an HTTP request puts a named value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HttpParamKind {
    Header,
    QueryParam,
    /// A field of the request body: an entry of a DataWeave or JSON object,
    /// or a `name=value` pair of a form-encoded string.
    BodyField,
}

impl HttpParamKind {
    /// `header`, `query parameter`, `body field`.
    pub fn label(self) -> &'static str {
        match self {
            HttpParamKind::Header => "header",
            HttpParamKind::QueryParam => "query parameter",
            HttpParamKind::BodyField => "body field",
        }
    }
}

/// How a credential's value is written, which decides how to replace it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HttpValueSyntax {
    /// The `value` attribute of a key/value element (`<http:header key
    /// value>`, `<http:default-header>`, Mule 3 `headerName`/`paramName`).
    Attribute,
    /// An entry of a DataWeave object (`client_secret: '...'`).
    DataWeaveField,
    /// A `name=value` pair inside a DataWeave string literal
    /// (`"grant_type=password&password=..."`).
    DataWeaveFormPair,
    /// Literal text, no expression (`set-payload value="a=b&password=..."`,
    /// a JSON body written as is): a `${...}` placeholder replaces it.
    Text,
}

/// A header, query parameter or body field an HTTP request sends whose name
/// says it carries a credential ([`vocab::is_credential_param_name`]:
/// `Authorization`, `client_secret`, `password`, `x-api-key`, ...), whatever
/// its value: a key/value element (`<http:header key="..." value="..."/>`,
/// Mule 3 `headerName`/`paramName`, `<http:default-header>`), an entry of a
/// DataWeave map (`<http:headers>#[{'Authorization': '...'}]</http:headers>`),
/// or a field of the body (`<http:body>`, or the payload set just before the
/// request): an object entry or a form-encoded `name=value` pair.
#[derive(Clone)]
pub struct HttpCredential {
    pub kind: HttpParamKind,
    /// The header, parameter or field name as written.
    pub name: String,
    /// The value as written. Its location is the `value` attribute's (key/value
    /// elements), the opening quote of the DataWeave string (maps and
    /// objects), or the value's first character (form pairs, literal text).
    /// May be a secret: never output.
    pub value: Value,
    /// The value is a constant written in the file: no `${...}` / `#[...]`
    /// reference, no DataWeave expression, interpolation or concatenation.
    pub constant: bool,
    /// How the value is written.
    pub syntax: HttpValueSyntax,
    /// The element it is written in: `http:header`, `http:default-header`,
    /// `http:query-param`, `http:headers` (a DataWeave map), `http:body`,
    /// `ee:set-payload` / `set-payload` (the payload set before the
    /// request) ...
    pub element: String,
    /// The `name` of the request config (default headers) or of the flow
    /// holding the request.
    pub owner: Option<String>,
    /// A payload field handed on by flows between the flow that set it
    /// (`owner`) and the request's: the flows its `flow-ref`s went through,
    /// in order (`a` refs `b`, `b` refs `c` whose request sends it: `[b]`).
    /// Empty for all else.
    pub handed_via: Vec<String>,
}

impl HttpCredential {
    /// The authentication scheme and the credential proper of an
    /// `Authorization` value (`Basic dXNl...` -> (`Basic`, `dXNl...`)); no
    /// scheme for other values or a single word.
    pub fn scheme_and_credential(&self) -> (Option<&str>, &str) {
        let v = self.value.raw.trim();
        let is_auth = self.kind == HttpParamKind::Header
            && (self.name.eq_ignore_ascii_case("authorization")
                || self.name.eq_ignore_ascii_case("proxy-authorization"));
        match v.split_once(char::is_whitespace) {
            Some((scheme, rest))
                if is_auth
                    && !rest.trim().is_empty()
                    && scheme
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
            {
                (Some(scheme), rest.trim())
            }
            _ => (None, v),
        }
    }
}

/// The value is masked: a debug print must not show a secret.
impl std::fmt::Debug for HttpCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpCredential")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("value", &crate::secret::mask(&self.value.raw))
            .field("location", &self.value.location)
            .field("constant", &self.constant)
            .field("syntax", &self.syntax)
            .field("element", &self.element)
            .field("owner", &self.owner)
            .field("handed_via", &self.handed_via)
            .finish()
    }
}

/// Serialized without the value (it may be a secret).
impl Serialize for HttpCredential {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("HttpCredential", 8)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("name", &self.name)?;
        s.serialize_field("location", &self.value.location)?;
        s.serialize_field("constant", &self.constant)?;
        s.serialize_field("syntax", &self.syntax)?;
        s.serialize_field("element", &self.element)?;
        s.serialize_field("owner", &self.owner)?;
        s.serialize_field("handed_via", &self.handed_via)?;
        s.end()
    }
}

/// A Salesforce operation or source: what an app does in Salesforce.
#[derive(Debug, Clone, Serialize)]
pub struct SalesforceOperation {
    /// Element as written, e.g. `salesforce:query`, `sfdc:upsert`.
    pub element: String,
    pub config_ref: Option<String>,
    /// `type` / `objectType` / `sObjectType`.
    pub object_type: Option<String>,
    /// SOQL text (query child, `query` attribute; `dsql:` prefix removed).
    pub soql: Option<String>,
    /// Bulk `operation` attribute, when present.
    pub bulk_operation: Option<String>,
    pub location: Location,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_entry_debug_shows_the_key_and_masks_the_value() {
        let e = PropertyEntry::new(
            "sfdc.password",
            "Sup3rS3cret!",
            Location::new("p.yaml", 3, 1),
        );
        assert_eq!((e.key(), e.value()), ("sfdc.password", "Sup3rS3cret!"));
        let debug = format!("{e:?}");
        assert!(debug.contains("sfdc.password"), "{debug}");
        assert!(!debug.contains("Sup3rS3cret!"), "{debug}");
    }
}

/// Whether `rel` matches a property file pattern whose placeholders stand for
/// any non-empty name without `/` (`properties/${mule.env}-secure.yaml`).
fn file_pattern_matches(pattern: &str, rel: &str) -> bool {
    match pattern.find("${") {
        None => pattern == rel,
        Some(start) => {
            let Some(end) = pattern[start..].find('}') else {
                return pattern == rel;
            };
            let Some(s) = rel.strip_prefix(&pattern[..start]) else {
                return false;
            };
            let rest = &pattern[start + end + 1..];
            let limit = s.find('/').unwrap_or(s.len());
            (1..=limit)
                .filter(|&i| s.is_char_boundary(i))
                .any(|i| file_pattern_matches(rest, &s[i..]))
        }
    }
}

#[cfg(test)]
mod secure_config_tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(file_pattern_matches(
            "properties/${mule.env}-secure.yaml",
            "properties/dev-secure.yaml"
        ));
        assert!(!file_pattern_matches(
            "properties/${mule.env}-secure.yaml",
            "properties/a/dev-secure.yaml"
        ));
        assert!(file_pattern_matches("s2.yaml", "s2.yaml"));
        assert!(!file_pattern_matches("s1.yaml", "s2.yaml"));
        assert!(file_pattern_matches("${a}/${b}.yaml", "x/y.yaml"));
    }

    /// A pattern's placeholders other than the environment's read what the
    /// app gives them at startup, as when the readers matched the file:
    /// `${app.name}-secure-${mule.env}.yaml` (app.name orders-api) does not
    /// read `other-secure-dev.yaml`.
    #[test]
    fn placeholders_known_at_startup() {
        let location = Location::file("orders-api/src/main/mule/global.xml");
        let value = |v: &str| Value::new(v, location.clone());
        let config = |name: &str, file: &str| SecurePropertiesConfig {
            name: Some(name.into()),
            element: "secure-properties:config".into(),
            location: location.clone(),
            key: Some(value("${key}")),
            file: Some(value(file)),
            algorithm: None,
            mode: None,
            use_random_ivs: None,
        };
        let mut app = MuleApp::new("orders-api", "orders-api", MuleRuntime::Mule4);
        app.global_properties.push(GlobalProperty {
            name: "app.name".into(),
            value: value("orders-api"),
            location: location.clone(),
        });
        app.secure_property_configs = vec![
            config("app", "${app.name}-secure-${mule.env}.yaml"),
            config("other", "other-secure-${mule.env}.yaml"),
        ];
        let file = |name: &str| PropertyFile {
            path: format!("orders-api/src/main/resources/{name}"),
            format: PropertyFormat::Yaml,
            environment: Some("dev".into()),
            secure: true,
            loaded: true,
            entries: Vec::new(),
            split_values: Vec::new(),
        };
        let reader = |name: &str| {
            app.secure_config_for(&file(name))
                .and_then(|c| c.name.as_deref())
        };
        assert_eq!(reader("other-secure-dev.yaml"), Some("other"));
        assert_eq!(reader("orders-api-secure-dev.yaml"), Some("app"));
        assert_eq!(reader("billing-api-secure-dev.yaml"), None);
    }
}
