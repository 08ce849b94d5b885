//! Salesforce connections and the operations flows run through them.

use serde::Serialize;
use thin_vec::ThinVec;

use crate::expr::Value;
use crate::location::Location;

use super::{MuleRuntime, TlsContext, XmlAttribute};

/// How a Salesforce connection authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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
    pub attributes: ThinVec<XmlAttribute>,
    /// A nested `tls:context` (connector 9.7+): a key-store in it is the client
    /// certificate for mutual TLS.
    /// Boxed: most connections have none, and a compact app's connections
    /// are held to the end of a scan without it.
    pub tls_context: Option<Box<TlsContext>>,
    /// Of the Salesforce Composite connector: its namespace, whatever the
    /// prefix (`sfc:config` under `xmlns:sfc=".../salesforce-composite"`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub composite: bool,
}

impl SalesforceConnection {
    /// A connection of the Salesforce Composite connector (read in its
    /// namespace, or under its conventional `salesforce-composite` prefix).
    pub fn is_composite(&self) -> bool {
        self.composite || self.element.starts_with("salesforce-composite:")
    }

    /// Logs in with the OAuth username-password flow: Mule 4's
    /// `oauth-user-pass-connection`, Mule 3's `sfdc:config-oauth-user-pass`
    /// (not a SOAP `login()`).
    pub fn is_oauth_user_pass(&self) -> bool {
        self.element.ends_with("oauth-user-pass-connection")
            || (self.runtime == MuleRuntime::Mule3 && self.element.ends_with("oauth-user-pass"))
    }

    /// What a password connection is to be replaced by, in its connector's
    /// terms: `<salesforce:jwt-connection>`, or the Composite connector's
    /// OAuth JWT connection, whose element name is UNVERIFIED.
    pub fn jwt_replacement(&self) -> &'static str {
        if self.is_composite() {
            "the Composite connector's OAuth JWT connection (Studio's \"OAuth JWT\" connection type)"
        } else {
            "<salesforce:jwt-connection>"
        }
    }

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
    /// What a create / update / upsert writes, as far as it can be told
    /// from the DataWeave building its records; `None` for the other
    /// operations.
    #[serde(skip)]
    pub writes: Option<Box<crate::inventory::graph::PayloadWrites>>,
}
