//! Where the secrets of a password login are set (a connection's password
//! and token, the password an `<http:request>` sends): what IG101's fix tells
//! the user to delete once the login uses a certificate.

use intguard_model::{
    DefinitionForm, HttpRequestOperation, HttpValueSyntax, Inventory, Location, MuleApp,
    PropertySource, SalesforceConnection, Value,
};

use crate::scan_scope::has_a_value_of_its_own;
use crate::support::{app_for_path, file_name};

/// The places the repository sets a login's secrets in some environment,
/// and the properties nothing in it sets (the deployment does).
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
            if let Some(value) = conn.attr(name) {
                places.add_value(inventory, app, value, format!("the {name} attribute"));
            }
        }
        places
    }

    /// The places of the password an `<http:request>` sends: the fields
    /// named `password` of its body, of the payload set before it and of its
    /// query parameters, and a `password=` pair of its URL.
    pub(super) fn of_request(
        inventory: &Inventory,
        app: &MuleApp,
        op: &HttpRequestOperation,
    ) -> Self {
        let mut places = SecretPlaces::default();
        let is_password = |name: &str| name.eq_ignore_ascii_case("password");
        for c in op.credentials.iter().filter(|c| is_password(&c.name)) {
            let what = format!("the password field of <{}>", c.element);
            let value = match c.syntax {
                // A DataWeave field's value is an expression (`p('...')`).
                HttpValueSyntax::DataWeaveField if !c.value.raw.contains("#[") => {
                    Value::new(format!("#[{}]", c.value.raw), c.value.location.clone())
                }
                _ => c.value.clone(),
            };
            places.add_value(inventory, app, &value, what);
        }
        for p in op.query_params.iter().filter(|p| is_password(&p.name)) {
            let what = "the password query parameter".to_string();
            places.add_value(inventory, app, &p.value, what);
        }
        if let Some(url) = &op.url {
            if let Some(value) = url_password(&url.raw, &url.location) {
                places.add_value(
                    inventory,
                    app,
                    &value,
                    "the password in the url".to_string(),
                );
            }
        }
        places
    }

    /// Where `value` is set in each environment: `inline` (what holds it)
    /// when it is written where it is read.
    fn add_value(&mut self, inventory: &Inventory, app: &MuleApp, value: &Value, inline: String) {
        for r in app.resolve_all(value) {
            if r.value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                continue;
            }
            if r.is_inline() {
                self.add(inline.clone(), file_name(&value.location.path));
                continue;
            }
            // A reference left to the deployment is its value's origin,
            // even when a definition on the way to it is committed.
            if r.unresolved.is_empty() {
                if let Some(origin) = r.origin() {
                    let (what, file) = describe(origin);
                    self.add(what, file);
                }
            }
            for property in &r.unresolved {
                match committed_option(inventory, app, property) {
                    Some((what, file)) => self.add(what, file),
                    None => {
                        let name = format!("`{property}`");
                        if !self.at_deploy.contains(&name) {
                            self.at_deploy.push(name);
                        }
                    }
                }
            }
        }
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
    /// security token") once nothing reads them, before "and reset ...".
    /// `None` when no place is known.
    pub(super) fn removal(&self, secrets: &str) -> Option<String> {
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
            (Some(r), Some(d)) => Some(format!("{r}, {d},")),
            (Some(one), None) | (None, Some(one)) => Some(one),
            (None, None) => None,
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

/// Where a file of `app` sets `property` to a value of its own: a `-D`
/// option of a script or launch file (`-Dsf.login=...` for `${sf.login}`),
/// or a property of its pom (the Mule Maven plugin's deployment
/// `<properties>`): what it is and the file. A reference
/// (`-Dsf.login=${SF_LOGIN}`) leaves the value to the deployment.
fn committed_option<'a>(
    inventory: &'a Inventory,
    app: &MuleApp,
    property: &str,
) -> Option<(String, &'a str)> {
    inventory
        .text_files
        .iter()
        .filter(|f| app_for_path(inventory, &f.path).is_some_and(|a| std::ptr::eq(a, app)))
        .find_map(|f| {
            let a = f.assignments.iter().find(|a| {
                a.name == property
                    && matches!(
                        a.form,
                        DefinitionForm::JavaOption | DefinitionForm::PomProperty
                    )
                    && has_a_value_of_its_own(a)
            })?;
            let what = match a.form {
                DefinitionForm::JavaOption => format!("-D{property}"),
                _ => format!("`{property}`"),
            };
            Some((what, file_name(&f.path)))
        })
}

/// The value of the `password=` pair in the query of a URL
/// (`...?grant_type=password&password=${secure::sf.password}`).
fn url_password(url: &str, at: &Location) -> Option<Value> {
    let query = &url[url.find('?')? + 1..];
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("password="))
        .filter(|v| !v.is_empty())
        .map(|v| Value::new(v, at.clone()))
}
