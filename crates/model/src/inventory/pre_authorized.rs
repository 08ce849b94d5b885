//! The identities each OAuth app pre-authorizes, by the app's name: the
//! rules on connected apps and External Client Apps say which integration
//! users each serves, and asking every identity for each app (500 apps,
//! 2,000 users pre-authorized by 600 each) took 13 s.
//!
//! Made on the first lookup after [`Inventory::build_identities`] (which
//! forgets the one before: the identities are not changed after it); made
//! of fewer or more identities than the Inventory holds (a test's own
//! graph), it is not used and the lookup asks every identity.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::graph::{IntegrationIdentity, OAuthAppKind};
use super::Inventory;

/// See the module docs; an Inventory's own, made when first asked.
#[derive(Debug, Default, Clone)]
pub struct PreAuthorizedIndex(OnceLock<Apps>);

#[derive(Debug, Clone)]
struct Apps {
    /// How many identities it was made of.
    identities: usize,
    /// (kind, app name in lower case) -> the identities, in order.
    by_app: HashMap<(OAuthAppKind, String), Vec<u32>>,
}

impl Inventory {
    /// The identities an app of `kind` named `app` (in any case)
    /// pre-authorizes, in the Inventory's order.
    pub fn identities_pre_authorized_by(
        &self,
        kind: OAuthAppKind,
        app: &str,
    ) -> Vec<&IntegrationIdentity> {
        let served = |id: &IntegrationIdentity| {
            id.pre_authorized_by
                .iter()
                .any(|p| p.kind == kind && p.app.eq_ignore_ascii_case(app))
        };
        let apps = self.pre_authorized.0.get_or_init(|| {
            let mut by_app: HashMap<(OAuthAppKind, String), Vec<u32>> = HashMap::new();
            for (i, id) in self.identities.iter().enumerate() {
                for p in &id.pre_authorized_by {
                    let list = by_app
                        .entry((p.kind, p.app.to_ascii_lowercase()))
                        .or_default();
                    if list.last() != Some(&(i as u32)) {
                        list.push(i as u32);
                    }
                }
            }
            Apps {
                identities: self.identities.len(),
                by_app,
            }
        });
        if apps.identities != self.identities.len() {
            return self.identities.iter().filter(|id| served(id)).collect();
        }
        apps.by_app
            .get(&(kind, app.to_ascii_lowercase()))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.identities.get(i as usize))
            .collect()
    }

    /// Forgets the index of [`Inventory::identities_pre_authorized_by`]:
    /// the identities were made again.
    pub(crate) fn forget_pre_authorized(&mut self) {
        self.pre_authorized = PreAuthorizedIndex::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::graph::{PreAuthVia, PreAuthorization};
    use crate::location::Location;

    fn pre_authorized(app: &str, kind: OAuthAppKind) -> PreAuthorization {
        PreAuthorization {
            app: app.into(),
            kind,
            via: PreAuthVia::Profile,
            name: "Integration".into(),
            location: Location::new("a", 1, 1),
            admin_approved: true,
            certificate: true,
            client_credentials: false,
        }
    }

    fn names(ids: Vec<&IntegrationIdentity>) -> Vec<&str> {
        ids.into_iter().map(|i| &*i.name).collect()
    }

    /// The identities an app pre-authorizes, by its name in any case and
    /// its kind, in order; a graph made again (or set by hand, with more
    /// identities) is asked whole, not through the index made before.
    #[test]
    fn identities_by_the_app_pre_authorizing_them() {
        let mut inv = Inventory::default();
        for (user, apps) in [
            ("a@x.com", vec![("Orders", OAuthAppKind::ConnectedApp)]),
            ("b@x.com", vec![("orders", OAuthAppKind::ExternalClientApp)]),
            (
                "c@x.com",
                vec![
                    ("ORDERS", OAuthAppKind::ConnectedApp),
                    ("Orders", OAuthAppKind::ConnectedApp),
                ],
            ),
        ] {
            let mut id = IntegrationIdentity::new(Some(user.into()), user.into());
            for (app, kind) in apps {
                id.facts_mut()
                    .pre_authorized_by
                    .push(pre_authorized(app, kind));
            }
            inv.identities.push(id);
        }
        let of = |inv: &Inventory, kind, app: &str| -> Vec<String> {
            names(inv.identities_pre_authorized_by(kind, app))
                .into_iter()
                .map(str::to_string)
                .collect()
        };
        assert_eq!(
            of(&inv, OAuthAppKind::ConnectedApp, "orders"),
            ["a@x.com", "c@x.com"]
        );
        assert_eq!(
            of(&inv, OAuthAppKind::ExternalClientApp, "ORDERS"),
            ["b@x.com"]
        );
        assert!(of(&inv, OAuthAppKind::ConnectedApp, "Billing").is_empty());
        // One more identity after the index was made: asked whole.
        let mut d = IntegrationIdentity::new(Some("d@x.com".into()), "d@x.com".into());
        d.facts_mut()
            .pre_authorized_by
            .push(pre_authorized("Orders", OAuthAppKind::ConnectedApp));
        inv.identities.push(d);
        assert_eq!(
            of(&inv, OAuthAppKind::ConnectedApp, "Orders"),
            ["a@x.com", "c@x.com", "d@x.com"]
        );
        inv.forget_pre_authorized();
        assert_eq!(
            of(&inv, OAuthAppKind::ConnectedApp, "Orders"),
            ["a@x.com", "c@x.com", "d@x.com"]
        );
    }
}
