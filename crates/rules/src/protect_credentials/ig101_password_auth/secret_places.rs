//! Where a password connection's secrets are set: what IG101's fix tells the
//! user to delete once the connection logs in with a certificate.

use intguard_model::{DefinitionForm, Inventory, MuleApp, PropertySource, SalesforceConnection};

use crate::support::{app_for_path, file_name};

/// The places the repository sets a connection's password (and security
/// token) in some environment, and the properties nothing in it sets (the
/// deployment does).
#[derive(Debug, Default, PartialEq)]
pub(super) struct SecretPlaces {
    /// What sets them and the files it is in, in the order found:
    /// (`` `sfdc.password` ``, [dev.yaml, prod.yaml]), (`-Dsf.login`,
    /// [deploy.sh]), or the attribute itself when the value is written in
    /// the XML.
    pub(super) in_repository: Vec<(String, Vec<String>)>,
    /// `` `sfdc.password` ``: referenced, defined nowhere in the repository.
    pub(super) at_deploy: Vec<String>,
}

impl SecretPlaces {
    /// The places of the `attributes` of `conn` (`password`,
    /// `securityToken`), in every environment of `app`.
    pub(super) fn of(
        inventory: &Inventory,
        app: &MuleApp,
        conn: &SalesforceConnection,
        attributes: &[&str],
    ) -> Self {
        let mut places = SecretPlaces::default();
        for &name in attributes {
            let Some(value) = conn.attr(name) else {
                continue;
            };
            for r in app.resolve_all(value) {
                if r.value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                    continue;
                }
                if r.is_inline() {
                    let file = file_name(&value.location.path);
                    places.add(format!("the {name} attribute"), file);
                    continue;
                }
                // A reference left to the deployment is its value's origin,
                // even when a definition on the way to it is committed.
                if r.unresolved.is_empty() {
                    if let Some(origin) = r.origin() {
                        let (what, file) = describe(origin);
                        places.add(what, file);
                    }
                }
                for property in &r.unresolved {
                    match script_option(inventory, app, property) {
                        Some(file) => places.add(format!("-D{property}"), file),
                        None => {
                            let name = format!("`{property}`");
                            if !places.at_deploy.contains(&name) {
                                places.at_deploy.push(name);
                            }
                        }
                    }
                }
            }
        }
        places
    }

    fn add(&mut self, what: String, file: &str) {
        let files = match self.in_repository.iter_mut().find(|(w, _)| *w == what) {
            Some((_, files)) => files,
            None => {
                self.in_repository.push((what, Vec::new()));
                &mut self.in_repository.last_mut().expect("just pushed").1
            }
        };
        if !files.iter().any(|f| f == file) {
            files.push(file.to_string());
        }
    }

    /// What to do with `secrets` ("the password", "the password and
    /// security token") once the connection no longer reads them, before
    /// "and reset the user's password".
    pub(super) fn removal(&self, secrets: &str) -> String {
        let it = if secrets.contains(" and ") {
            "them"
        } else {
            "it"
        };
        let repository = (!self.in_repository.is_empty()).then(|| {
            let places: Vec<String> = self
                .in_repository
                .iter()
                .map(|(what, files)| format!("{what} in {}", and_list(files)))
                .collect();
            format!(
                "delete {secrets} where the repository sets {it} ({})",
                places.join("; ")
            )
        });
        let deploy = (!self.at_deploy.is_empty()).then(|| {
            let what = if repository.is_some() { it } else { secrets };
            format!(
                "stop supplying {what} at deploy time ({})",
                self.at_deploy.join(", ")
            )
        });
        match (repository, deploy) {
            (Some(r), Some(d)) => format!("{r}, {d},"),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => format!("remove {secrets} from the app's configuration"),
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What a definition is and the file it is in.
fn describe<'a>(source: &PropertySource<'a>) -> (String, &'a str) {
    match source {
        PropertySource::File { file, entry } => {
            (format!("`{}`", entry.key()), file_name(&file.path))
        }
        PropertySource::Global(g) => (
            format!("<global-property name=\"{}\">", g.name),
            file_name(&g.location.path),
        ),
    }
}

/// The script or launch file of `app` with a `-D` option that sets
/// `property`: the app runs with it (`-Dsf.login=...` for `${sf.login}`).
fn script_option<'a>(inventory: &'a Inventory, app: &MuleApp, property: &str) -> Option<&'a str> {
    inventory
        .text_files
        .iter()
        .filter(|f| app_for_path(inventory, &f.path).is_some_and(|a| std::ptr::eq(a, app)))
        .find(|f| {
            f.assignments
                .iter()
                .any(|a| a.form == DefinitionForm::JavaOption && a.name == property)
        })
        .map(|f| file_name(&f.path))
}
