//! Where each value of an app that IG102 may report is, found once per
//! app: a finding is matched to its property entry, secret attribute, HTTP
//! credential or `<global-property>` by its place. Each finding walked all
//! of them before (100,000 secrets written in one flow: minutes).

use std::collections::{HashMap, HashSet};

use intguard_model::{HttpCredential, Location, MuleApp, PropertyFile, XmlAttribute};

/// An app's values by place: where two share a place, the first in the
/// order each was searched before is kept.
pub(super) struct Places<'a> {
    /// Property entries: the first file (in the app's order) holding one at
    /// the place, and its first entry there.
    entries: HashMap<&'a Location, (&'a PropertyFile, usize)>,
    attributes: HashMap<&'a Location, &'a XmlAttribute>,
    /// The credentials HTTP requests send, with their sender (the request
    /// config, else the flow) for naming the property as IG102's fix does:
    /// a config's defaults, then each request's, then those of payloads no
    /// request sends.
    http: HashMap<&'a Location, (&'a HttpCredential, Option<&'a str>)>,
    globals: HashSet<&'a Location>,
}

impl<'a> Places<'a> {
    pub(super) fn of(app: &'a MuleApp) -> Self {
        let mut entries = HashMap::new();
        for p in &app.property_files {
            for (i, e) in p.entries.iter().enumerate() {
                entries.entry(&e.location).or_insert((p, i));
            }
        }
        let mut attributes = HashMap::new();
        for a in &app.secret_attributes {
            attributes.entry(&a.value.location).or_insert(a);
        }
        let defaults = app.http_requests.iter().flat_map(|r| {
            r.default_credentials
                .iter()
                .map(move |c| (c, Some(r.config_name.as_str())))
        });
        let sent = app.http_request_operations.iter().flat_map(|op| {
            op.credentials.iter().map(move |c| {
                let flow = op.flow.as_deref().or(c.owner.as_deref());
                (c, op.config_ref.as_deref().or(flow))
            })
        });
        // A payload no request sends: named after its flow, as IG102 names it.
        let unsent = app
            .unsent_payload_credentials
            .iter()
            .map(|c| (c, c.owner.as_deref()));
        let mut http = HashMap::new();
        for (c, sender) in defaults.chain(sent).chain(unsent) {
            http.entry(&c.value.location).or_insert((c, sender));
        }
        let globals = app.global_properties.iter().map(|g| &g.location).collect();
        Places {
            entries,
            attributes,
            http,
            globals,
        }
    }

    /// Some value of the app is at `at`.
    pub(super) fn holds(&self, at: &Location) -> bool {
        self.entries.contains_key(at)
            || self.attributes.contains_key(at)
            || self.globals.contains(at)
            || self.http.contains_key(at)
    }

    /// The property entry at `at`: its file and index.
    pub(super) fn entry(&self, at: &Location) -> Option<(&'a PropertyFile, usize)> {
        self.entries.get(at).copied()
    }

    /// The secret attribute at `at`.
    pub(super) fn attribute(&self, at: &Location) -> Option<&'a XmlAttribute> {
        self.attributes.get(at).copied()
    }

    /// The HTTP credential at `at`, with its sender.
    pub(super) fn http_credential(
        &self,
        at: &Location,
    ) -> Option<(&'a HttpCredential, Option<&'a str>)> {
        self.http.get(at).copied()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use intguard_model::{HttpCredential, Location, MuleApp};

    use super::Places;

    /// The credential at `at` as `fix secrets` searched for it before the
    /// index: a config's defaults, each request's, then unsent payloads'.
    fn walked_http<'a>(
        app: &'a MuleApp,
        at: &Location,
    ) -> Option<(&'a HttpCredential, Option<&'a str>)> {
        let defaults = app.http_requests.iter().flat_map(|r| {
            r.default_credentials
                .iter()
                .map(move |c| (c, Some(r.config_name.as_str())))
        });
        let sent = app.http_request_operations.iter().flat_map(|op| {
            op.credentials.iter().map(move |c| {
                let flow = op.flow.as_deref().or(c.owner.as_deref());
                (c, op.config_ref.as_deref().or(flow))
            })
        });
        let unsent = app
            .unsent_payload_credentials
            .iter()
            .map(|c| (c, c.owner.as_deref()));
        defaults
            .chain(sent)
            .chain(unsent)
            .find(|(c, _)| &c.value.location == at)
    }

    /// Every place of the fixture apps' values, and places none has, is
    /// answered as walking each kind of value answered it.
    #[test]
    fn places_are_found_as_walking_the_values_found_them() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut asked = 0;
        let mut kinds = [0; 5];
        for tree in [
            "fix/tests/fixtures/mule4-http",
            "fix/tests/fixtures/mule4-props",
            "fix/tests/fixtures/mule4-yaml",
            "fix/tests/fixtures/mule3-app",
            "fix/tests/fixtures/mule4-domain",
            // Requests' credentials through configs and flows, and payloads
            // no request sends (IG102's body fixtures).
            "rules/tests/fixtures/IG102/body-positive",
        ] {
            let inventory = intguard_readers::read_paths(&[crates.join(tree)], &Default::default());
            for app in &inventory.apps {
                let places = Places::of(app);
                let mut all: Vec<Location> = app
                    .property_files
                    .iter()
                    .flat_map(|p| p.entries.iter().map(|e| e.location.clone()))
                    .chain(
                        app.secret_attributes
                            .iter()
                            .map(|a| a.value.location.clone()),
                    )
                    .chain(app.url_attributes.iter().map(|a| a.value.location.clone()))
                    .chain(app.global_properties.iter().map(|g| g.location.clone()))
                    .chain(
                        app.http_requests
                            .iter()
                            .flat_map(|r| &r.default_credentials)
                            .chain(
                                app.http_request_operations
                                    .iter()
                                    .flat_map(|o| &o.credentials),
                            )
                            .chain(&app.unsent_payload_credentials)
                            .map(|c| c.value.location.clone()),
                    )
                    .collect();
                all.push(Location::new("nowhere.xml", 1, 1));
                for at in &all {
                    let entry = app.property_files.iter().find_map(|p| {
                        p.entries
                            .iter()
                            .position(|e| &e.location == at)
                            .map(|i| (p, i))
                    });
                    let attribute = app
                        .secret_attributes
                        .iter()
                        .find(|a| &a.value.location == at);
                    let global = app.global_properties.iter().any(|g| &g.location == at);
                    let http = walked_http(app, at);
                    assert_eq!(
                        places.entry(at).map(|(p, i)| (&p.path, i)),
                        entry.map(|(p, i)| (&p.path, i)),
                        "{at}"
                    );
                    assert_eq!(
                        places.attribute(at).map(|a| (&a.name, &a.value.location)),
                        attribute.map(|a| (&a.name, &a.value.location)),
                        "{at}"
                    );
                    assert_eq!(
                        places.http_credential(at).map(|(c, s)| (&c.name, s)),
                        http.map(|(c, s)| (&c.name, s)),
                        "{at}"
                    );
                    assert_eq!(
                        places.holds(at),
                        entry.is_some() || attribute.is_some() || global || http.is_some(),
                        "{at}"
                    );
                    let unsent = app
                        .unsent_payload_credentials
                        .iter()
                        .any(|c| &c.value.location == at);
                    let found = [
                        entry.is_some(),
                        attribute.is_some(),
                        global,
                        http.is_some(),
                        unsent,
                    ];
                    for (k, found) in found.into_iter().enumerate() {
                        kinds[k] += usize::from(found);
                    }
                    asked += 1;
                }
            }
        }
        // Each kind of value is met, and places that hold none.
        assert!(kinds.iter().all(|&k| k > 0), "{kinds:?}");
        assert!(asked > kinds.iter().sum::<usize>() / 2, "{asked}");
    }
}
