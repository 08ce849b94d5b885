//! The global configurations the XML reader captures (Salesforce
//! connections, secure-properties configs, TLS contexts, HTTP listener and
//! request configs, Cryptography module configs, the Mule 3 PGP key ring
//! bean), turned into model items when they close.

use intguard_model::{
    vocab, AuthClass, HttpAuthentication, HttpCredential, HttpListener, HttpParam, HttpParamKind,
    HttpRequester, HttpValueSyntax, KeyLoader, KeyLoaderKind, Location, MuleRuntime,
    PropertyImport, SalesforceConnection, SecurePropertiesConfig, SharedStr, Store, TlsContext,
    Value, XmlAttribute,
};

use super::{is_constant, Fam, Node, XmlReader};

impl XmlReader<'_> {
    /// A captured global configuration closed: turn it into model items.
    pub(super) fn global_config(&mut self, node: Node) {
        match (node.family, node.local.as_str()) {
            // The Composite connector's config element name is UNVERIFIED
            // (`config` or `composite-config`): its connection children
            // share the Salesforce connector's names.
            (Fam::Salesforce, "sfdc-config")
            | (Fam::SalesforceComposite, "config" | "composite-config") => {
                let family = node.family;
                let Some(conn) =
                    node.child(|c| c.family == family && c.local.ends_with("-connection"))
                else {
                    return;
                };
                let mut attributes = conn.attrs.clone();
                // Client credentials (UNVERIFIED element names, community
                // docs): the grant's own element holds clientId/clientSecret.
                if let Some(cc) = conn.descendant(&|n: &Node| n.local == "oauth-client-credentials")
                {
                    attributes.extend(cc.attrs.iter().cloned());
                }
                let auth = classify_mule4(&conn.local, &attributes);
                let tls_context = conn
                    .descendant(&|n: &Node| n.is(Fam::Tls, "context"))
                    .map(|n| Box::new(tls_context(n)));
                self.facts
                    .salesforce_connections
                    .push(SalesforceConnection {
                        config_name: node.attr_str("name").unwrap_or_default(),
                        element: conn.qname.clone(),
                        runtime: MuleRuntime::Mule4,
                        auth,
                        location: conn.location.clone(),
                        attributes: attributes.into(),
                        tls_context,
                        composite: family == Fam::SalesforceComposite,
                    });
            }
            (Fam::Sfdc, _) => {
                // Mule 3: the config element is the connection (see
                // `is_sfdc_config` for the names): classify by the attributes
                // present, then by the name.
                let auth = classify_mule3(&node.local, &node.attrs);
                let tls_context = node
                    .descendant(&|n: &Node| n.is(Fam::Tls, "context"))
                    .map(|n| Box::new(tls_context(n)));
                self.facts
                    .salesforce_connections
                    .push(SalesforceConnection {
                        composite: false,
                        config_name: node.attr_str("name").unwrap_or_default(),
                        element: node.qname.clone(),
                        runtime: MuleRuntime::Mule3,
                        auth,
                        location: node.location.clone(),
                        attributes: node.attrs.as_slice().into(),
                        tls_context,
                    });
            }
            (Fam::SecureProperties, "config") => {
                let encrypt = node.descendant(&|n: &Node| n.local == "encrypt");
                let from_encrypt = |name: &str| encrypt.and_then(|e| e.attr(name).cloned());
                let cipher = [
                    from_encrypt("algorithm"),
                    from_encrypt("mode"),
                    from_encrypt("useRandomIVs"),
                ];
                self.secure_properties_config(&node, "file", cipher);
            }
            (Fam::SecurePropertyPlaceholder, "config") => {
                let cipher = [
                    node.attr("encryptionAlgorithm").cloned(),
                    node.attr("encryptionMode").cloned(),
                    node.attr("useRandomIVs").cloned(),
                ];
                self.secure_properties_config(&node, "location", cipher);
            }
            (Fam::SpringBeans, "bean") => {
                // Mule 3 PGP key manager (MuleSoft's Mule 3.9 PGP security
                // page); other beans are not read.
                if node.attr_str("class").as_deref() != Some(PGP_KEY_RING_CLASS) {
                    return;
                }
                let name = node.attr_str("id").or_else(|| node.attr_str("name"));
                let attributes = node
                    .children
                    .iter()
                    .filter(|c| c.family == Fam::SpringBeans && c.local == "property")
                    .filter_map(|c| {
                        Some(XmlAttribute {
                            element: c.qname.as_str().into(),
                            owner: name.as_deref().map(SharedStr::from),
                            name: c.attr_str("name")?,
                            value: c.attr("value")?.clone(),
                        })
                    })
                    .collect();
                self.facts.key_loaders.push(KeyLoader {
                    kind: KeyLoaderKind::PgpKeyRingBean,
                    element: node.qname.clone(),
                    name,
                    location: node.location.clone(),
                    attributes,
                    key_infos: Vec::new(),
                });
            }
            (Fam::Tls, "context") => {
                self.facts.tls_contexts.push(tls_context(&node));
            }
            (Fam::Https, "connector" | "polling-connector") => {
                self.facts
                    .transport_connectors
                    .push(intguard_model::TransportConnector {
                        name: node.attr_str("name").unwrap_or_default(),
                        element: node.qname.clone(),
                        https: true,
                        location: node.location.clone(),
                    });
                self.facts
                    .tls_contexts
                    .extend(https_connector_stores(&node));
            }
            (Fam::Crypto, "jce-config" | "pgp-config") => {
                let mut key_infos = Vec::new();
                key_infos_of(&node, &mut key_infos);
                self.facts.key_loaders.push(KeyLoader {
                    kind: if node.local == "pgp-config" {
                        KeyLoaderKind::Pgp
                    } else {
                        KeyLoaderKind::Jce
                    },
                    element: node.qname.clone(),
                    name: node.attr_str("name"),
                    location: node.location.clone(),
                    attributes: node.attrs.clone(),
                    key_infos,
                });
            }
            (Fam::Http, "listener-config") => {
                let conn = node.child(|c| c.local == "listener-connection");
                let src = conn.unwrap_or(&node);
                let get = |n: &str| src.attr(n).or_else(|| node.attr(n)).cloned();
                self.facts.http_listeners.push(HttpListener {
                    config_name: node.attr_str("name").unwrap_or_default(),
                    location: src.location.clone(),
                    protocol: get("protocol"),
                    host: get("host"),
                    port: get("port"),
                    tls_context_ref: get("tlsContext")
                        .or_else(|| get("tlsContext-ref"))
                        .map(|v| v.raw),
                    tls_context: node
                        .descendant(&|n: &Node| n.is(Fam::Tls, "context"))
                        .map(tls_context),
                });
            }
            (Fam::Http, "request-config") => {
                let conn = node.child(|c| c.local == "request-connection");
                let src = conn.unwrap_or(&node);
                let get = |n: &str| src.attr(n).or_else(|| node.attr(n)).cloned();
                let (default_credentials, default_query_params) = default_params(&node);
                let auth_node = match node.descendant(&|n: &Node| n.local == "authentication") {
                    Some(a) => a.children.first(),
                    None => node.descendant(&|n: &Node| {
                        n.local.ends_with("-authentication") || n.local.ends_with("-grant-type")
                    }),
                };
                self.facts.http_requests.push(HttpRequester {
                    config_name: node.attr_str("name").unwrap_or_default(),
                    location: src.location.clone(),
                    protocol: get("protocol"),
                    host: get("host"),
                    port: get("port"),
                    base_path: node
                        .attr("basePath")
                        .or_else(|| src.attr("basePath"))
                        .cloned(),
                    tls_context_ref: get("tlsContext")
                        .or_else(|| get("tlsContext-ref"))
                        .map(|v| v.raw),
                    tls_context: node
                        .descendant(&|n: &Node| n.is(Fam::Tls, "context"))
                        .map(tls_context),
                    authentication: auth_node.map(|a| HttpAuthentication {
                        element: a.qname.clone(),
                        location: a.location.clone(),
                        attributes: a.attrs.clone(),
                    }),
                    default_credentials,
                    default_query_params,
                    send_body_mode: node.attr("sendBodyMode").cloned(),
                });
            }
            _ => {}
        }
    }

    /// A secure-properties config (Mule 4 `secure-properties:config`, Mule 3
    /// `secure-property-placeholder:config`): the file it imports, named by
    /// `file_attribute`, and its key; `cipher` is its algorithm, mode and
    /// random-IV setting as the element spells them.
    fn secure_properties_config(
        &mut self,
        node: &Node,
        file_attribute: &str,
        cipher: [Option<Value>; 3],
    ) {
        let file = node.attr(file_attribute).cloned();
        if let Some(file) = &file {
            self.facts.property_imports.push(PropertyImport {
                element: node.qname.clone(),
                file: file.clone(),
                secure: true,
            });
        }
        let [algorithm, mode, use_random_ivs] = cipher;
        self.facts
            .secure_property_configs
            .push(SecurePropertiesConfig {
                name: node.attr_str("name"),
                element: node.qname.clone(),
                location: node.location.clone(),
                key: node.attr("key").cloned(),
                file: file.map(Box::new),
                algorithm: algorithm.map(Box::new),
                mode: mode.map(Box::new),
                use_random_ivs: use_random_ivs.map(Box::new),
            });
    }
}

/// The default headers and query parameters of an `http:request-config`:
/// `<http:default-headers><http:default-header key value/>` (MuleSoft's HTTP
/// connector docs) and `<http:default-query-params><http:query-param key
/// value/>` (the connector's `RequestSettings.defaultQueryParams` is a list
/// of its `QueryParam` type, whose parameters are `key` and `value`;
/// `default-query-param` is accepted too).
/// Those that carry a credential, and the other default query parameters
/// (`grant_type`, `username` ...).
fn default_params(config: &Node) -> (Vec<HttpCredential>, Vec<HttpParam>) {
    fn walk(
        node: &Node,
        in_query_params: bool,
        owner: &Option<String>,
        out: &mut (Vec<HttpCredential>, Vec<HttpParam>),
    ) {
        for c in &node.children {
            let kind = match c.local.as_str() {
                "default-header" => Some(HttpParamKind::Header),
                "query-param" | "default-query-param" if in_query_params => {
                    Some(HttpParamKind::QueryParam)
                }
                _ => None,
            };
            if let Some(kind) = kind {
                if let (Some(key), Some(value)) = (c.attr("key"), c.attr("value")) {
                    if vocab::is_credential_param_name(&key.raw) {
                        out.0.push(HttpCredential {
                            kind,
                            name: key.raw.clone(),
                            constant: is_constant(value),
                            value: value.clone(),
                            syntax: HttpValueSyntax::Attribute,
                            element: c.qname.clone(),
                            owner: owner.clone(),
                            handed_via: Vec::new(),
                        });
                    } else if kind == HttpParamKind::QueryParam {
                        out.1.push(HttpParam {
                            name: key.raw.clone(),
                            value: value.clone(),
                        });
                    }
                }
            }
            walk(
                c,
                in_query_params || c.local == "default-query-params",
                owner,
                out,
            );
        }
    }
    let mut out = (Vec::new(), Vec::new());
    walk(config, false, &config.attr_str("name"), &mut out);
    out
}

/// The class of the Mule 3 PGP module's key manager bean.
const PGP_KEY_RING_CLASS: &str = "org.mule.module.pgp.PGPKeyRingImpl";

/// The key info elements under a Crypto config (`jce-symmetric-key-info`,
/// `jce-asymmetric-key-info`, `pgp-asymmetric-key-info`, inside their
/// `*-key-infos` list), in document order.
fn key_infos_of(node: &Node, out: &mut Vec<Store>) {
    for c in &node.children {
        if c.local.ends_with("-key-info") {
            out.push(Store {
                element: c.qname.clone(),
                location: c.location.clone(),
                attributes: c.attrs.clone(),
            });
        }
        key_infos_of(c, out);
    }
}

fn tls_context(node: &Node) -> TlsContext {
    let store = |local: &str| {
        node.child(|c| c.local == local).map(|s| Store {
            element: s.qname.clone(),
            location: s.location.clone(),
            attributes: s.attrs.clone(),
        })
    };
    TlsContext {
        element: node.qname.clone(),
        name: node.attr_str("name"),
        location: node.location.clone(),
        enabled_protocols: node.attr("enabledProtocols").cloned(),
        trust_store: store("trust-store"),
        key_store: store("key-store"),
    }
}

/// The stores of a Mule 3 HTTPS transport connector (MuleSoft's Mule 3 HTTPS
/// transport reference): `<https:tls-key-store path keyPassword
/// storePassword alias>` (the server's key) with `<https:tls-server path
/// storePassword>` (the trust store) as one context, and `<https:tls-client
/// path storePassword>` (the client's key for mutual TLS) as another, located
/// at its own element so that each is told apart.
fn https_connector_stores(node: &Node) -> Vec<TlsContext> {
    let store = |local: &str| {
        node.child(|c| c.local == local).map(|s| Store {
            element: s.qname.clone(),
            location: s.location.clone(),
            attributes: s.attrs.clone(),
        })
    };
    let context = |location: Location, key_store, trust_store| TlsContext {
        element: node.qname.clone(),
        name: node.attr_str("name"),
        location,
        enabled_protocols: None,
        trust_store,
        key_store,
    };
    let mut out = Vec::new();
    let (key_store, trust_store) = (store("tls-key-store"), store("tls-server"));
    if key_store.is_some() || trust_store.is_some() {
        out.push(context(node.location.clone(), key_store, trust_store));
    }
    if let Some(client) = store("tls-client") {
        out.push(context(client.location.clone(), Some(client), None));
    }
    out
}

fn has(attrs: &[XmlAttribute], name: &str) -> bool {
    attrs.iter().any(|a| a.name.eq_ignore_ascii_case(name))
}

fn classify_by_attributes(attrs: &[XmlAttribute]) -> AuthClass {
    if has(attrs, "password") {
        AuthClass::Password
    } else if has(attrs, "keyStore") || has(attrs, "principal") {
        AuthClass::Certificate
    } else if has(attrs, "clientSecret") {
        AuthClass::ClientSecret
    } else {
        AuthClass::Unknown
    }
}

fn classify_mule4(kind: &str, attrs: &[XmlAttribute]) -> AuthClass {
    match kind {
        // A basic connection that reuses a session (`sessionId` and
        // `serviceEndpoint`, no username or password) logs in with nothing
        // the app holds but that session: no password login.
        "basic-connection"
            if has(attrs, "sessionId") && !has(attrs, "password") && !has(attrs, "username") =>
        {
            AuthClass::Unknown
        }
        "basic-connection" | "oauth-user-pass-connection" => AuthClass::Password,
        "jwt-connection" | "saml-connection" => AuthClass::Certificate,
        "config-with-oauth-connection" => AuthClass::NamedUser,
        "oauth-client-credentials-connection" => AuthClass::ClientSecret,
        _ => classify_by_attributes(attrs),
    }
}

fn classify_mule3(kind: &str, attrs: &[XmlAttribute]) -> AuthClass {
    let basic = matches!(kind, "config" | "cached-basic-config");
    match classify_by_attributes(attrs) {
        // A session handed in (`sessionId`, `serviceEndpoint`) with no
        // username or password: no password login, as in Mule 4.
        AuthClass::Unknown if basic && has(attrs, "sessionId") && !has(attrs, "username") => {
            AuthClass::Unknown
        }
        AuthClass::Unknown if basic => AuthClass::Password,
        // `cached-config-oauth-jwt-bearer` (and a SAML bearer one, name
        // UNVERIFIED) sign in with a certificate even when its attributes
        // come from elsewhere.
        AuthClass::Unknown if kind.contains("jwt") || kind.contains("saml") => {
            AuthClass::Certificate
        }
        AuthClass::Unknown if kind.contains("oauth") => AuthClass::NamedUser,
        other => other,
    }
}
