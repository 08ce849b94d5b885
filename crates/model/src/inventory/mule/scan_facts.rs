//! What the whole-scan consumers (the rules' `Scope::Scan` rules, the App
//! rules' whole-scan parts and the identity graph) read of a Mule app's
//! connections, worked out once as the app is read: a scan then keeps these
//! small records instead of the properties and attributes they come from.
//!
//! Only a *compact* app has them: one that is not a domain, is not deployed
//! in one, is not a Mule plugin and imports no configuration file. What such
//! an app resolves does not change once other apps are read (no domain or
//! plugin lends it anything), so its facts are the same whenever they are
//! computed. The other apps are kept whole and read as before.

use super::{MuleApp, SalesforceConnection};
use crate::inventory::ConnectionUser;

/// An app's part of what the whole scan reads of it (see the module).
#[derive(Debug, Clone, Default)]
pub struct AppScanFacts {
    /// One per [`MuleApp::salesforce_connections`], in their order.
    pub connections: Vec<ConnectionFacts>,
}

/// Who a Salesforce connection logs in as, and what the whole-scan rules
/// ask of it, computed with every property of its app.
#[derive(Debug, Clone, Default)]
pub struct ConnectionFacts {
    /// Who it logs in as per environment: its username resolved in every
    /// environment (environments where it is encrypted or does not resolve
    /// left out), with what the pom's deployments set instead (the rules'
    /// `support::connection_identities`).
    pub users: Vec<ConnectionUser>,
    /// Indexes into `users` the identity graph leaves out: a username that
    /// is still a reference (`${...}`, `#[...]`) as the XML or the property
    /// files give it, which names no one ([`SalesforceConnection::users`]).
    pub unnamed: Vec<u32>,
    /// The environments where its username is an encrypted `![...]` value.
    pub encrypted_environments: Vec<Option<String>>,
    /// Its `consumerKey` resolved in every environment where it resolves
    /// and is not encrypted (no connected app's key is), trimmed, each once:
    /// IG303 tells a Mule app's own connected app by it.
    pub consumer_keys: Vec<String>,
    /// It presents a client certificate on port 8443 of My Domain in every
    /// environment (IG206's org side: whether granting the mutual TLS
    /// permission locks it out).
    pub presents_certificate_on_8443: bool,
}

impl ConnectionFacts {
    /// The users the identity graph counts ([`ConnectionFacts::unnamed`]
    /// apart): [`SalesforceConnection::users`].
    pub fn graph_users(&self) -> impl Iterator<Item = &ConnectionUser> {
        self.users
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.unnamed.contains(&(*i as u32)))
            .map(|(_, u)| u)
    }
}

impl MuleApp {
    /// The facts of `connection`, one of the app's own
    /// [`MuleApp::salesforce_connections`], when the app is compact and its
    /// facts were computed ([`MuleApp::scan_facts`]); `None` otherwise (a
    /// domain, a plugin, an app kept whole, an Inventory built by hand, a
    /// Mule plugin's connection lent to the app): the caller works them out
    /// from the app as it is.
    pub fn connection_facts(&self, connection: &SalesforceConnection) -> Option<&ConnectionFacts> {
        let facts = self.scan_facts.as_deref()?;
        let i = self
            .salesforce_connections
            .iter()
            .position(|c| std::ptr::eq(c, connection))?;
        facts.connections.get(i)
    }
}
