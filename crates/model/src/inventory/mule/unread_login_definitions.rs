//! A definition, in one environment's own property file, of what a
//! Salesforce connection reads its username or login URL from, that Mule
//! never reads: a file it looks in first in that environment defines the
//! name too, with another value (a `common.yaml` declared before
//! `${mule.env}.yaml`: Mule 4 keeps the first definition). The team's
//! override is dead and the app logs in as, or to, the other value, which is
//! what intguard reports; a `property-shadowed` warning at the dead
//! definition says which one is read, so that a finding naming another user
//! than the file seems to is understood, and the order fixed.

use foldhash::{HashSet, HashSetExt};

use crate::finding::Diagnostic;
use crate::inventory::resolve::PropertySource;
use crate::inventory::Inventory;
use crate::location::Location;
use crate::path_text::file_name;

use super::{MuleApp, MuleRuntime, PropertyEntry, SalesforceConnection};

impl Inventory {
    /// [`MuleApp::unread_login_definition_warnings`] of each app kept whole
    /// (a compact app's were given as it was read).
    pub fn unread_login_definition_warnings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for app in self.apps.iter().filter(|a| a.scan_facts.is_none()) {
            app.unread_login_definition_warnings(&mut out);
        }
        out
    }
}

/// A dead definition and the one Mule reads instead.
struct Shadowed<'a> {
    dead: &'a PropertyEntry,
    environment: &'a str,
    read: &'a PropertyEntry,
    connection: &'a SalesforceConnection,
    /// The connection's attribute (`username`, `url`, ...).
    attribute: &'a str,
    /// What the attribute resolves to in that environment, when known.
    resolved: Option<String>,
}

impl MuleApp {
    /// A `property-shadowed` warning at each definition in an environment's
    /// own file of a name a Salesforce connection's username, principal or
    /// login URL reads (directly or through other definitions), where a file
    /// Mule looks in first in that environment defines it otherwise.
    pub fn unread_login_definition_warnings(&self, out: &mut Vec<Diagnostic>) {
        if self.salesforce_connections.is_empty()
            || !self.property_files.iter().any(|f| f.environment.is_some())
        {
            return;
        }
        // Only where an environment's own file comes after another file
        // Mule reads alike there can one of its definitions be dead.
        let environments: Vec<&str> = self
            .resolution_environments()
            .into_iter()
            .flatten()
            .filter(|env| self.own_file_after_another(env))
            .collect();
        if environments.is_empty() {
            return;
        }
        let mut found: Vec<Shadowed<'_>> = Vec::new();
        for conn in &self.salesforce_connections {
            let attributes = conn
                .attributes
                .iter()
                .filter(|a| {
                    ["username", "principal"]
                        .iter()
                        .any(|n| a.name.eq_ignore_ascii_case(n))
                })
                .chain(conn.endpoint_attributes());
            for attribute in attributes {
                let refs = crate::expr::placeholders(&attribute.value.raw);
                if refs.is_empty() {
                    continue;
                }
                for &env in &environments {
                    for (file, entry, secure) in self.definitions_read(&refs, env) {
                        for dead in self.unread_after(file, entry, secure, env) {
                            if found.iter().any(|s| std::ptr::eq(s.dead, dead)) {
                                continue;
                            }
                            found.push(Shadowed {
                                dead,
                                environment: env,
                                read: entry,
                                connection: conn,
                                attribute: &attribute.name,
                                resolved: self.resolve(&attribute.value, Some(env)).value,
                            });
                        }
                    }
                }
            }
        }
        for s in found {
            out.push(self.shadowed_warning(&s));
        }
    }

    /// The file definitions that the references `refs` read in environment
    /// `env`, through other definitions too, looked up as resolution does
    /// (a value is resolved in full only for a warning: most apps have
    /// none). Each name once: a loop ends, and definitions reading several
    /// others that read them again do not multiply.
    fn definitions_read<'a>(
        &'a self,
        refs: &[crate::expr::Placeholder],
        env: &'a str,
    ) -> Vec<(&'a super::PropertyFile, &'a PropertyEntry, bool)> {
        let mut out = Vec::new();
        let mut names: Vec<(String, bool)> = refs
            .iter()
            .filter(|p| !p.is_nested())
            .map(|p| (p.name.clone(), p.secure))
            .collect();
        let mut seen: HashSet<(String, bool)> = HashSet::new();
        while let Some(next) = names.pop() {
            if !seen.insert(next.clone()) {
                continue;
            }
            let Some(PropertySource::File { file, entry }) =
                self.lookup(&next.0, next.1, Some(env))
            else {
                continue;
            };
            if crate::expr::contains_pair(entry.value(), b"${") {
                names.extend(
                    crate::expr::placeholders(entry.value())
                        .into_iter()
                        .filter(|p| !p.is_nested())
                        .map(|p| (p.name, p.secure)),
                );
            }
            out.push((file, entry, next.1));
        }
        out
    }

    /// Whether Mule looks in a file of environment `env`'s own after
    /// another file of the same kind (plain or secure; Mule 3 reads both
    /// alike) in that environment.
    fn own_file_after_another(&self, env: &str) -> bool {
        let mut seen = [false; 2];
        for f in self.files_in_lookup_order(Some(env)) {
            let own = f.environment.as_deref() == Some(env);
            // [plain, secure]: a file loaded by both kinds of import is both.
            let kinds = match self.runtime {
                MuleRuntime::Mule3 => [true, false],
                MuleRuntime::Mule4 => [f.read_by(false), f.read_by(true)],
            };
            for (seen, _) in seen.iter_mut().zip(kinds).filter(|(_, k)| *k) {
                if own && *seen {
                    return true;
                }
                *seen = true;
            }
        }
        false
    }

    /// The definitions of `read`'s name in environment `env`'s own files
    /// that Mule looks in after `read_file`, with another value (`secure`:
    /// read as `${secure::name}`).
    fn unread_after<'a>(
        &'a self,
        read_file: &'a super::PropertyFile,
        read: &'a PropertyEntry,
        secure: bool,
        env: &'a str,
    ) -> Vec<&'a PropertyEntry> {
        let hash = PropertyEntry::hash_key(read.key());
        // A Mule 3 placeholder reads plain and secure files alike.
        let same_kind =
            |f: &super::PropertyFile| self.runtime == MuleRuntime::Mule3 || f.read_by(secure);
        self.files_in_lookup_order(Some(env))
            .skip_while(|f| !std::ptr::eq(*f, read_file))
            .skip(1)
            .filter(|f| f.environment.as_deref() == Some(env) && same_kind(f))
            .filter_map(|f| {
                self.key_index
                    .last_with_key(&self.property_files, f, read.key(), hash)
            })
            .filter(|e| e.value() != read.value())
            .collect()
    }

    fn shadowed_warning(&self, s: &Shadowed<'_>) -> Diagnostic {
        let at = &s.dead.location;
        let place = |l: &Location| format!("{}:{}", file_name(&l.path), l.line);
        let (order, remedy) = match self.runtime {
            MuleRuntime::Mule4 => (
                "Mule 4 keeps a property's first definition, in the order its property files are declared",
                "declare the environment's file before the other",
            ),
            MuleRuntime::Mule3 => (
                "a Mule 3 placeholder looks in the last file of its location list first, and in mule-app.properties before any",
                "list the environment's file after the other in the placeholder's location (mule-app.properties wins over every placeholder's files)",
            ),
        };
        let login = match (
            &s.resolved,
            s.attribute.eq_ignore_ascii_case("username")
                || s.attribute.eq_ignore_ascii_case("principal"),
        ) {
            (Some(v), true) => format!(", so `{}` logs in as {v} there", s.connection.config_name),
            (Some(v), false) => format!(
                ", so `{}` takes {}=\"{v}\" there",
                s.connection.config_name, s.attribute
            ),
            (None, _) => String::new(),
        };
        Diagnostic::warning(
            "property-shadowed",
            at.path.as_str(),
            format!(
                "{}: `{}` = \"{}\" in {} is never read in {}: {} defines it as \"{}\" and Mule looks there first ({order}){login}; {remedy}, or delete the definition that should not apply",
                self.name,
                s.dead.key(),
                s.dead.value(),
                file_name(&at.path),
                s.environment,
                place(&s.read.location),
                s.read.value(),
            ),
        )
        .at(at.line, at.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::mule::{PropertyFile, PropertyFormat, XmlAttribute};
    use crate::{AuthClass, Value};

    fn file(path: &str, env: Option<&str>, entries: &[(&str, &str, u32)]) -> PropertyFile {
        PropertyFile {
            path: path.into(),
            format: PropertyFormat::Yaml,
            environment: env.map(str::to_string),
            secure: false,
            plain_too: false,
            loaded: true,
            entries: entries
                .iter()
                .map(|(k, v, line)| PropertyEntry::new(k, v, Location::new(path, *line, 3)))
                .collect(),
            split_values: Vec::new(),
        }
    }

    fn app(files: Vec<PropertyFile>) -> MuleApp {
        let mut app = MuleApp::new("orders-sapi", "orders-sapi", MuleRuntime::Mule4);
        app.environments = vec!["prod".into(), "qa".into()].into();
        app.property_order = (0..files.len() as u32).collect();
        app.property_files = files.into();
        let at = Location::new("global.xml", 12, 5);
        let attr = |name: &str, raw: &str| XmlAttribute {
            element: "salesforce:basic-connection".into(),
            owner: Some("Salesforce_Config".into()),
            name: name.into(),
            value: Value::new(raw, at.clone()),
        };
        app.salesforce_connections = vec![SalesforceConnection {
            config_name: "Salesforce_Config".into(),
            element: "salesforce:basic-connection".into(),
            runtime: MuleRuntime::Mule4,
            auth: AuthClass::Password,
            location: at.clone(),
            attributes: crate::thin_vec![
                attr("username", "#[p('sf.user')]"),
                attr("url", "${sf.url}"),
            ],
            tls_context: None,
            composite: false,
        }];
        app
    }

    fn warnings(app: &MuleApp) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        app.unread_login_definition_warnings(&mut out);
        out
    }

    #[test]
    fn an_environments_username_after_a_common_file_is_never_read() {
        let a = app(vec![
            file(
                "common.yaml",
                None,
                &[("sf.user", "svc.integration@acme.com.qa", 2)],
            ),
            file(
                "prod.yaml",
                Some("prod"),
                &[("sf.user", "svc.orders@acme.com", 2)],
            ),
            file(
                "qa.yaml",
                Some("qa"),
                &[("sf.user", "svc.integration@acme.com.qa", 2)],
            ),
        ]);
        let w = warnings(&a);
        assert_eq!(w.len(), 1, "{w:#?}");
        assert_eq!(w[0].code, "property-shadowed");
        assert_eq!((w[0].path.as_str(), w[0].line), ("prod.yaml", Some(2)));
        assert_eq!(
            w[0].message,
            "orders-sapi: `sf.user` = \"svc.orders@acme.com\" in prod.yaml is never read in prod: common.yaml:2 defines it as \"svc.integration@acme.com.qa\" and Mule looks there first (Mule 4 keeps a property's first definition, in the order its property files are declared), so `Salesforce_Config` logs in as svc.integration@acme.com.qa there; declare the environment's file before the other, or delete the definition that should not apply"
        );
    }

    #[test]
    fn an_environments_file_declared_first_overrides_the_default() {
        // The usual layout: the environment's file first, defaults after.
        let a = app(vec![
            file(
                "prod.yaml",
                Some("prod"),
                &[("sf.user", "svc.orders@acme.com", 2)],
            ),
            file(
                "common.yaml",
                None,
                &[
                    ("sf.user", "svc.integration@acme.com.qa", 2),
                    ("sf.url", "https://test.salesforce.com", 3),
                ],
            ),
        ]);
        assert!(warnings(&a).is_empty());
    }

    #[test]
    fn a_login_url_read_through_another_definition() {
        let a = app(vec![
            file(
                "common.yaml",
                None,
                &[
                    ("sf.url", "${sf.host}/services/Soap/u/60.0", 3),
                    ("sf.host", "https://test.salesforce.com", 4),
                ],
            ),
            file(
                "prod.yaml",
                Some("prod"),
                &[("sf.host", "https://login.salesforce.com", 5)],
            ),
        ]);
        let w = warnings(&a);
        assert_eq!(w.len(), 1, "{w:#?}");
        assert_eq!((w[0].path.as_str(), w[0].line), ("prod.yaml", Some(5)));
        assert!(
            w[0].message.contains("`Salesforce_Config` takes url=\"https://test.salesforce.com/services/Soap/u/60.0\" there"),
            "{}",
            w[0].message
        );
    }
}
