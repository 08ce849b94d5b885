//! The Inventory: one normalized model of everything the readers saw, whatever
//! the source. Every item carries its provenance (a [`Location`]).
//!
//! [`Location`]: crate::Location

mod build;
mod certificates;
mod files;
mod graph;
mod identity;
mod mule;
mod object_uses;
mod org;
mod pre_authorized;
mod resolve;
mod salesforce;

pub use build::ConnectionUser;
pub use certificates::*;
pub use files::*;
pub use graph::*;
pub use identity::*;
pub use mule::*;
pub use object_uses::SharedUses;
pub use org::*;
pub use pre_authorized::PreAuthorizedIndex;
pub use resolve::*;
pub use salesforce::*;

use std::borrow::Cow;
use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::finding::Diagnostic;

#[derive(Debug, Default, Clone, Serialize)]
pub struct Inventory {
    /// The paths the scan started from, as given.
    pub roots: Vec<String>,
    pub apps: Vec<MuleApp>,
    /// Facts found in any text file, inside an app or not (tokens, key blocks,
    /// `-Dname=value` definitions). Only files with at least one fact.
    pub text_files: Vec<TextFileFacts>,
    /// Private keys and keystores committed to the repository.
    pub key_material: Vec<KeyMaterial>,
    /// X.509 certificates committed to the repository: PEM and DER files, JKS
    /// keystores, and PKCS#12 keystores whose password is empty or committed.
    pub certificates: Vec<CertificateFacts>,
    /// When the scan read the files, in seconds since the Unix epoch (0:
    /// unknown). Rules that depend on time use this, never the clock, so they
    /// stay pure and tests can fix "now".
    pub now_unix: i64,
    /// `intguard-ignore` comments, wherever they were written.
    pub suppressions: Vec<InlineSuppression>,
    /// What the user told intguard about identities (config file mapping).
    pub identity_hints: Vec<IdentityHint>,
    /// Salesforce metadata (SFDX and Metadata API projects, user definitions).
    pub salesforce: SalesforceMetadata,
    /// A live org's users, logins, tokens and Health Check (from `intguard org
    /// audit` or a snapshot); its profiles, sets and apps are in `salesforce`.
    pub org: Option<OrgFacts>,
    /// The identity graph, filled by [`Inventory::build_identities`] once the
    /// readers and the config have filled the rest.
    pub identities: Vec<IntegrationIdentity>,
    pub stats: ScanStats,
    pub diagnostics: Vec<Diagnostic>,
    /// Where a scan moved the compact apps' [`SecretFacts`] out of memory
    /// ([`KeptSecrets::Spilled`]), read back one app at a time by
    /// [`Inventory::secret_facts`]; `None` when none was.
    #[serde(skip)]
    pub secret_store: Option<std::sync::Arc<dyn SecretStore>>,
    /// The identities by the apps pre-authorizing them, made when first
    /// asked ([`Inventory::identities_pre_authorized_by`]).
    #[serde(skip)]
    pub pre_authorized: PreAuthorizedIndex,
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct ScanStats {
    pub files: u64,
    pub bytes: u64,
}

impl Inventory {
    /// A compact app's [`SecretFacts`] as kept ([`AppScanFacts::secrets`]):
    /// those held in memory, or those moved out read back from
    /// [`Inventory::secret_store`] (the caller's to drop once used);
    /// `None` when they cannot be read back (the store notes it).
    pub fn secret_facts<'a>(&'a self, kept: &'a KeptSecrets) -> Option<Cow<'a, SecretFacts>> {
        match kept {
            KeptSecrets::Held(facts) => Some(Cow::Borrowed(facts)),
            KeptSecrets::Spilled(at) => {
                debug_assert!(self.secret_store.is_some(), "facts spilled without a store");
                self.secret_store.as_deref()?.load(*at).map(Cow::Owned)
            }
        }
    }

    /// An app's store references ([`crate::AppScanFacts::stores`]), read
    /// back when the scan moved them out; `None` when they cannot be.
    pub fn store_refs<'a>(&'a self, kept: &'a KeptStores) -> Option<Cow<'a, [StoreRef]>> {
        match kept {
            KeptStores::Held(stores) => Some(Cow::Borrowed(stores)),
            KeptStores::Spilled(at) => {
                debug_assert!(
                    self.secret_store.is_some(),
                    "stores spilled without a store"
                );
                self.secret_store
                    .as_deref()?
                    .load_stores(*at)
                    .map(Cow::Owned)
            }
        }
    }

    /// The facts of `connection`, one of `app`'s own connections, when the
    /// app is compact ([`MuleApp::kept_connection_facts`]): held in memory,
    /// or read back when the scan moved them out (none, `Default`, when
    /// they cannot be: the store notes it, and the report says so). `None`
    /// for a connection without facts: the caller works them out from the
    /// app as it is.
    pub fn connection_facts<'a>(
        &'a self,
        app: &'a MuleApp,
        connection: &SalesforceConnection,
    ) -> Option<Cow<'a, ConnectionFacts>> {
        let (kept, i) = app.kept_connection_facts(connection)?;
        match kept {
            KeptConnections::Held(facts) => facts.get(i).map(Cow::Borrowed),
            KeptConnections::Spilled(at) => {
                debug_assert!(
                    self.secret_store.is_some(),
                    "connections spilled without a store"
                );
                let loaded = self
                    .secret_store
                    .as_deref()
                    .and_then(|store| store.load_connection(*at, i))
                    .unwrap_or_default();
                Some(Cow::Owned(loaded))
            }
        }
    }

    /// Every secret value the readers saw, for the engine's output redactor.
    pub fn known_secrets(&self) -> Vec<String> {
        // Thousands of apps' property files: spread over the cores (this runs
        // between the rules and the report, when nothing else does).
        let per_app: Vec<AppSecrets> = self.apps.par_iter().map(MuleApp::secrets).collect();
        self.known_secrets_with(per_app)
    }

    /// [`Inventory::known_secrets`], with the apps' part collected before
    /// (by [`MuleApp::secrets`], as each app was read: the apps held now may
    /// lack the facts they came from).
    pub fn known_secrets_with(&self, mut per_app: Vec<AppSecrets>) -> Vec<String> {
        // `-Dname=value` anywhere is a secret when its name says so or when
        // some app reads that name where a secret is expected
        // (`key="${enc.k}"` with `-Denc.k=...` in a script), whether the
        // assignment is still in the files' facts or was taken out of them
        // with its name (`AppSecrets::assigned`).
        let read_as_secret: std::collections::HashSet<String> = per_app
            .iter_mut()
            .flat_map(|app| std::mem::take(&mut app.names_read))
            .collect();
        let mut out: Vec<String> = Vec::new();
        for app in per_app {
            out.extend(app.values);
            out.extend(
                app.assigned
                    .into_iter()
                    .filter(|(name, _)| read_as_secret.contains(name))
                    .map(|(_, value)| value),
            );
        }
        for file in &self.text_files {
            out.extend(file.tokens.iter().map(|t| t.value.clone()));
            out.extend(
                file.assignments
                    .iter()
                    .filter(|a| a.secret || read_as_secret.contains(&*a.name))
                    // `-Dsf.password=$SF_PASSWORD`, `%SF_PASSWORD%`: the
                    // pipeline's variable, no value of its own (no rule
                    // reports one; a fix names it).
                    .filter(|a| !is_variable(&a.value))
                    .map(|a| a.value.to_string()),
            );
        }
        // References and dummies are not secrets, and masking them would
        // garble messages that quote them.
        out.retain(|s| !crate::vocab::is_placeholder_value(s));
        out
    }

    /// All apps' connections with their app, in a stable order.
    pub fn connections(&self) -> impl Iterator<Item = (&MuleApp, &SalesforceConnection)> {
        self.apps
            .iter()
            .flat_map(|app| app.salesforce_connections.iter().map(move |c| (app, c)))
    }

    pub fn app_by_name(&self, name: &str) -> Option<&MuleApp> {
        self.apps.iter().find(|a| a.name == name)
    }

    /// The integration identity with this username (case-insensitive).
    pub fn identity(&self, username: &str) -> Option<&IntegrationIdentity> {
        self.identities.iter().find(|i| {
            i.username
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case(username))
        })
    }

    /// [`Inventory::identity`] for many usernames: an index built once (a
    /// rule that looks up each connection's users would otherwise scan every
    /// identity for each, which grows with the square of the apps).
    pub fn identity_index(&self) -> IdentityIndex<'_> {
        let mut by_username = HashMap::new();
        for id in &self.identities {
            if let Some(u) = &id.username {
                by_username.entry(u.to_ascii_lowercase()).or_insert(id);
            }
        }
        IdentityIndex { by_username }
    }

    /// The apps the config allows to share a username (`apps` of every
    /// `[[identities]]` table naming it, as the identity graph merges
    /// them); `None` when no table names it.
    pub fn apps_allowed_to_share(&self, username: &str) -> Option<Vec<&str>> {
        let mut named = false;
        let mut apps = Vec::new();
        for h in &self.identity_hints {
            if h.username.eq_ignore_ascii_case(username) {
                named = true;
                apps.extend(h.apps.iter().map(String::as_str));
            }
        }
        named.then_some(apps)
    }
}

/// Identities by username, ASCII case ignored ([`Inventory::identity_index`]).
pub struct IdentityIndex<'a> {
    by_username: HashMap<String, &'a IntegrationIdentity>,
}

impl<'a> IdentityIndex<'a> {
    /// What [`Inventory::identity`] finds for `username`.
    pub fn get(&self, username: &str) -> Option<&'a IntegrationIdentity> {
        self.by_username
            .get(&username.to_ascii_lowercase())
            .copied()
    }
}

/// A script's or CI file's variable standing for a value: `$NAME`,
/// `%NAME%`.
fn is_variable(value: &str) -> bool {
    let v = crate::trim::trim(value);
    v.starts_with('$') || (v.len() > 1 && v.starts_with('%') && v.ends_with('%'))
}
