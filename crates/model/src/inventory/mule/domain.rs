//! Mule domains: which app is deployed in which domain, and so which apps
//! run on a Salesforce connection a domain shares.

use serde::Serialize;

use super::{MuleApp, SalesforceConnection};
use crate::finding::Diagnostic;
use crate::inventory::Inventory;
use crate::location::Location;

/// An app's link to the domain it is deployed in: the artifactId of its
/// pom's dependency with classifier `mule-domain` (Mule 4), or `domain=` of
/// its `mule-deploy.properties` (Mule 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainLink {
    pub name: String,
    pub location: Location,
}

/// One app running on one Salesforce connection: the app's own connection,
/// or its domain's shared one.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionUse<'a> {
    /// The app that runs as the connection's user.
    pub app: &'a MuleApp,
    /// The app or domain that defines the connection: its properties
    /// resolve the username.
    pub owner: &'a MuleApp,
    pub connection: &'a SalesforceConnection,
    /// Through a domain: the app's first operation on the connection.
    pub through_domain: Option<&'a Location>,
    /// Through a Mule plugin the app imports the connection's file of: the
    /// plugin (`owner` is then the app, whose properties resolve it).
    pub through_plugin: Option<&'a MuleApp>,
}

impl<'a> ConnectionUse<'a> {
    /// Where the app runs as the user: its operation on a domain's
    /// connection, else the connection.
    pub fn location(&self) -> &'a Location {
        self.through_domain.unwrap_or(&self.connection.location)
    }
}

impl MuleApp {
    /// Records the config names its Salesforce operations use that no
    /// connection of the app defines ([`MuleApp::foreign_connection_refs`]).
    /// Call once the operations and connections are read.
    pub fn note_foreign_connection_refs(&mut self) {
        let mut refs: thin_vec::ThinVec<(String, Location)> = thin_vec::ThinVec::new();
        for op in &self.operations {
            let Some(name) = op.config_ref.as_deref() else {
                continue;
            };
            if self.is_test_path(&op.location.path)
                || self
                    .salesforce_connections
                    .iter()
                    .any(|c| c.config_name == name)
                || refs.iter().any(|(n, _)| n == name)
            {
                continue;
            }
            refs.push((name.to_string(), op.location.clone()));
        }
        self.foreign_connection_refs = refs;
    }

    /// The domain is the one `link` names: by its pom's artifactId (the app
    /// name), else by its folder (the name a Mule 3 domain is deployed by).
    pub fn is_domain_named(&self, link: &DomainLink) -> bool {
        self.domain
            && (self.name == link.name
                || self.root.trim_end_matches('/').rsplit('/').next() == Some(link.name.as_str()))
    }
}

/// An app's operations on a connection of a domain the scan did not read:
/// who they run as is not known.
#[derive(Debug, Clone, Copy)]
pub struct UnreadDomainUse<'a> {
    pub app: &'a MuleApp,
    pub link: &'a DomainLink,
    pub config_name: &'a str,
    /// The app's first operation on it.
    pub location: &'a Location,
}

impl Inventory {
    /// The config-refs of apps deployed in a domain that no domain of the
    /// scan matches (its project lives elsewhere): their Salesforce user is
    /// the domain's, unknown here.
    pub fn unread_domain_uses(&self) -> Vec<UnreadDomainUse<'_>> {
        let mut out = Vec::new();
        for app in &self.apps {
            let Some(link) = &app.domain_link else {
                continue;
            };
            if self.apps.iter().any(|d| d.is_domain_named(link)) {
                continue;
            }
            for (config_name, location) in &app.foreign_connection_refs {
                out.push(UnreadDomainUse {
                    app,
                    link,
                    config_name,
                    location,
                });
            }
        }
        out
    }

    /// One `domain-unread` warning per app of [`Self::unread_domain_uses`],
    /// at its first operation on the domain's connections: the scan cannot
    /// say who the app runs as, how that user logs in, nor whether other
    /// apps share it (IG303), so "no problems found" does not cover it.
    pub fn unread_domain_warnings(&self) -> Vec<Diagnostic> {
        // (app, domain, its first use, the configs it uses), in order.
        let mut apps: Vec<(&MuleApp, &DomainLink, &Location, Vec<&str>)> = Vec::new();
        for u in self.unread_domain_uses() {
            match apps.iter_mut().find(|a| std::ptr::eq(a.0, u.app)) {
                Some(a) => a.3.push(u.config_name),
                None => apps.push((u.app, u.link, u.location, vec![u.config_name])),
            }
        }
        apps.into_iter()
            .map(|(app, link, at, configs)| {
                let configs: Vec<String> = configs.iter().map(|c| format!("`{c}`")).collect();
                Diagnostic::warning(
                    "domain-unread",
                    at.path.as_str(),
                    format!(
                        "{} runs on {} of domain {}, which is not among the paths read: the Salesforce user it logs in as, and how, are judged where the domain is read, and whether other apps share that user (IG303) is not known; scan the domain project with it",
                        app.name,
                        configs.join(", "),
                        link.name
                    ),
                )
                .at(at.line, at.column)
            })
            .collect()
    }

    /// Every app running on every Salesforce connection, one non-empty group
    /// per connection (so that its username is resolved once, however many
    /// apps share it): each app's own connections, and each domain
    /// connection used by the apps deployed in that domain whose operations
    /// name it (the domain itself when no app of the scan does: its user is
    /// still someone's), and each Mule plugin connection for each app that
    /// imports its file (one group per app: resolved in the app's
    /// properties; the plugin itself when no app of the scan does).
    pub fn connection_uses(&self) -> Vec<Vec<ConnectionUse<'_>>> {
        let mut out = Vec::new();
        for owner in &self.apps {
            let members: Vec<&MuleApp> = if owner.domain {
                self.apps
                    .iter()
                    .filter(|a| {
                        !a.domain
                            && a.domain_link
                                .as_ref()
                                .is_some_and(|l| owner.is_domain_named(l))
                    })
                    .collect()
            } else {
                Vec::new()
            };
            for connection in &owner.salesforce_connections {
                // A plugin's connection imported by apps of the scan: each
                // app runs as the user its own properties name, a group of
                // its own.
                let importers = self.plugin_file_importers(owner, &connection.location.path);
                if !importers.is_empty() {
                    for app in importers {
                        out.push(vec![ConnectionUse {
                            app,
                            owner: app,
                            connection,
                            through_domain: None,
                            through_plugin: Some(owner),
                        }]);
                    }
                    continue;
                }
                let mut group: Vec<ConnectionUse<'_>> = members
                    .iter()
                    .filter_map(|app| {
                        let (_, at) = app
                            .foreign_connection_refs
                            .iter()
                            .find(|(n, _)| *n == connection.config_name)?;
                        Some(ConnectionUse {
                            app,
                            owner,
                            connection,
                            through_domain: Some(at),
                            through_plugin: None,
                        })
                    })
                    .collect();
                if group.is_empty() {
                    group.push(ConnectionUse {
                        app: owner,
                        owner,
                        connection,
                        through_domain: None,
                        through_plugin: None,
                    });
                }
                out.push(group);
            }
        }
        out
    }
}

/// What a Mule 4 domain lends an app deployed in it
/// ([`Inventory::lend_domain_properties`]).
#[derive(Debug, Clone, Default)]
pub struct DomainLoan {
    /// The domain's definitions of the names the app reads and does not
    /// define (and what those read in turn), in the domain's files.
    pub files: Vec<super::PropertyFile>,
    /// The domain's environments the app has no file of its own for.
    pub environments: thin_vec::ThinVec<String>,
    pub environment_placeholders: thin_vec::ThinVec<(String, String)>,
}

impl Inventory {
    /// Mule 4 gives an app the configuration properties of the domain it
    /// is deployed in as a fallback (the runtime's parent configuration
    /// properties; Mule 3's sharing is not modelled): a `${name}` the app
    /// does not define resolves through the domain's. Each Mule 4 app
    /// deployed in a Mule 4 domain the scan read is lent the domain's
    /// definitions of the names it reads (`names_read`) and does not
    /// define, looked up after its own ([`MuleApp::lookup`]), and the
    /// domain's environments. Lent for the identity graph and the Scan
    /// rules, not the App rules, which run on each app as it is read
    /// (before its domain may be); [`Inventory::return_domain_properties`]
    /// takes them back.
    pub fn lend_domain_properties(&mut self, names_read: impl Fn(&MuleApp) -> Vec<String>) {
        use super::MuleRuntime;
        let mut loans: Vec<(usize, DomainLoan)> = Vec::new();
        for (i, app) in self.apps.iter().enumerate() {
            if app.domain || app.runtime != MuleRuntime::Mule4 {
                continue;
            }
            let Some(link) = &app.domain_link else {
                continue;
            };
            let Some(domain) = self
                .apps
                .iter()
                .find(|d| d.runtime == MuleRuntime::Mule4 && d.is_domain_named(link))
            else {
                continue;
            };
            let defined = |name: &str| {
                app.property_files
                    .iter()
                    .any(|f| f.entries.iter().any(|e| e.key() == name))
                    || app.global_properties.iter().any(|g| g.name == name)
            };
            let mut pending: Vec<String> = names_read(app)
                .into_iter()
                .filter(|n| !defined(n))
                .collect();
            let mut lent: std::collections::BTreeSet<String> = Default::default();
            while let Some(name) = pending.pop() {
                if defined(&name) || !lent.insert(name.clone()) {
                    continue;
                }
                for e in domain.property_files.iter().flat_map(|f| &f.entries) {
                    if e.key() == name {
                        pending.extend(
                            crate::expr::placeholders(e.value())
                                .into_iter()
                                .map(|p| p.name),
                        );
                    }
                }
            }
            let files: Vec<super::PropertyFile> = domain
                .files_in_lookup_order(None)
                .chain(
                    domain
                        .property_files
                        .iter()
                        .filter(|f| f.loaded && f.environment.is_some()),
                )
                .filter_map(|f| {
                    let entries: Vec<_> = f
                        .entries
                        .iter()
                        .filter(|e| lent.contains(e.key()))
                        .cloned()
                        .collect();
                    (!entries.is_empty()).then(|| super::PropertyFile {
                        path: f.path.clone(),
                        format: f.format,
                        environment: f.environment.clone(),
                        secure: f.secure,
                        plain_too: f.plain_too,
                        loaded: true,
                        entries,
                        split_values: Vec::new(),
                    })
                })
                .collect();
            if files.is_empty() {
                continue;
            }
            loans.push((
                i,
                DomainLoan {
                    files,
                    environments: domain.environments.clone(),
                    environment_placeholders: domain.environment_placeholders.clone(),
                },
            ));
        }
        for (i, loan) in loans {
            self.apps[i].domain_loan = Some(Box::new(loan));
        }
    }

    /// Takes back what [`Inventory::lend_domain_properties`] lent.
    pub fn return_domain_properties(&mut self) {
        for app in &mut self.apps {
            app.domain_loan = None;
        }
    }
}
