//! Where the secrets of a password login are set (a connection's password
//! and token, the password an `<http:request>` sends): what IG101's fix tells
//! the user to delete once the login uses a certificate.

use std::cell::OnceCell;
use std::collections::HashMap;

use intguard_model::vocab::url_query_pairs;
use intguard_model::{
    DefinitionForm, HttpRequestOperation, HttpValueSyntax, Inventory, Location, MuleApp,
    PropertySource, SalesforceConnection, Value,
};

use crate::scan_scope::has_a_value_of_its_own;
use crate::support::{and_list, file_name};

/// The places the repository sets a login's secrets in some environment,
/// and the properties nothing in it sets (the deployment does).
#[derive(Debug, Default)]
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
        options: &CommittedOptions<'_>,
        app: &MuleApp,
        conn: &SalesforceConnection,
        attributes: &[&str],
    ) -> Self {
        let mut places = SecretPlaces::default();
        for &name in attributes {
            if let Some(value) = conn.attr(name) {
                places.add_value(options, app, value, format!("the {name} attribute"));
            }
        }
        places
    }

    /// The places of the password an `<http:request>` sends: the fields
    /// named `password` of its body, of the payload set before it and of its
    /// query parameters, a `password=` pair of its URL, and the password of
    /// a SOAP login envelope in its body or payload.
    pub(super) fn of_request(
        options: &CommittedOptions<'_>,
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
            places.add_value(options, app, &value, what);
        }
        for p in op.query_params.iter().filter(|p| is_password(&p.name)) {
            let what = "the password query parameter".to_string();
            places.add_value(options, app, &p.value, what);
        }
        if let Some(url) = &op.url {
            if let Some(value) = url_password(&url.raw, &url.location) {
                places.add_value(options, app, &value, "the password in the url".to_string());
            }
        }
        // A SOAP login() sends its password in the envelope's <password>
        // element: written as XML (a set-payload value) or built by DataWeave
        // (`urn#password: p('...')`).
        for text in [op.payload.as_deref(), Some(op.children_text.as_str())]
            .into_iter()
            .flatten()
        {
            for written in soap_passwords(text) {
                let value = if written.contains("p(") && !written.contains("#[") {
                    Value::new(format!("#[{written}]"), op.location.clone())
                } else {
                    Value::new(written, op.location.clone())
                };
                let what = "the password of the SOAP login envelope".to_string();
                places.add_value(options, app, &value, what);
            }
        }
        places
    }

    /// Where `value` is set in each environment: `inline` (what holds it)
    /// when it is written where it is read.
    fn add_value(
        &mut self,
        options: &CommittedOptions<'_>,
        app: &MuleApp,
        value: &Value,
        inline: String,
    ) {
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
                match options.find(app, property) {
                    Some((what, file)) => self.add(what.to_string(), file),
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

/// The `-D` options of the apps' scripts and launch files
/// (`-Dsf.login=...` for `${sf.login}`) and the properties of their poms
/// (the Mule Maven plugin's deployment `<properties>`) that set a value of
/// their own; a reference (`-Dsf.login=${SF_LOGIN}`) leaves the value to the
/// deployment. Gathered once, on the first reference no file defines, and
/// kept by app: looking through every text file for each reference was
/// quadratic in the apps.
pub(super) struct CommittedOptions<'a> {
    inventory: &'a Inventory,
    /// By app root: (property, what sets it, file), in walk order.
    by_app: OnceCell<HashMap<&'a str, Vec<CommittedOption<'a>>>>,
}

struct CommittedOption<'a> {
    property: &'a str,
    /// `-Dsf.login` or `` `billing.password` ``.
    what: String,
    file: &'a str,
}

impl<'a> CommittedOptions<'a> {
    pub(super) fn new(inventory: &'a Inventory) -> Self {
        CommittedOptions {
            inventory,
            by_app: OnceCell::new(),
        }
    }

    /// What in a file of `app` sets `property`, and the file: the first
    /// such option in walk order.
    fn find(&self, app: &MuleApp, property: &str) -> Option<(&str, &'a str)> {
        let by_app = self.by_app.get_or_init(|| gather(self.inventory));
        by_app
            .get(app.root.as_str())?
            .iter()
            .find(|o| o.property == property)
            .map(|o| (o.what.as_str(), o.file))
    }
}

fn gather(inventory: &Inventory) -> HashMap<&str, Vec<CommittedOption<'_>>> {
    // A file's app: the deepest app root among its folders, found by
    // walking up its path (`support::app_for_path` tries every app, for
    // every file that sets options: every pom).
    let roots: HashMap<&str, &str> = inventory
        .apps
        .iter()
        .map(|a| (a.root.trim_end_matches('/'), a.root.as_str()))
        .collect();
    let app_root = |path: &str| {
        path.match_indices('/')
            .rev()
            .find_map(|(i, _)| roots.get(&path[..i]))
            .or_else(|| roots.get(""))
            .copied()
    };
    let mut by_app: HashMap<&str, Vec<CommittedOption<'_>>> = HashMap::new();
    for f in &inventory.text_files {
        let mut options = f
            .assignments
            .iter()
            .filter(|a| {
                matches!(
                    a.form,
                    DefinitionForm::JavaOption | DefinitionForm::PomProperty
                ) && has_a_value_of_its_own(a)
            })
            .peekable();
        // Most files set none: the app is looked for only for those that do.
        if options.peek().is_none() {
            continue;
        }
        let Some(root) = app_root(&f.path) else {
            continue;
        };
        let list = by_app.entry(root).or_default();
        for a in options {
            let what = match a.form {
                DefinitionForm::JavaOption => format!("-D{}", a.name),
                _ => format!("`{}`", a.name),
            };
            list.push(CommittedOption {
                property: &a.name,
                what,
                file: file_name(&f.path),
            });
        }
    }
    by_app
}

/// The value of the `password=` pair in the query of a URL
/// (`...?grant_type=password&password=${secure::sf.password}`).
/// The contents of a SOAP envelope's password: `<urn:password>...</urn:password>`
/// (any prefix, or none) and the DataWeave field of a namespaced key
/// (`urn#password: p('sf.password') ++ p('sf.token')`, up to the next `,`,
/// `}` or line end). A plain `password:` field is a credential the reader
/// already gives ([`HttpRequestOperation::credentials`]).
fn soap_passwords(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("password") {
        let at = from + i;
        let after = at + "password".len();
        from = after;
        let before = &text[..at];
        // `<password>` or `<prefix:password>`.
        let element = before.ends_with('<')
            || before.strip_suffix(':').is_some_and(|b| {
                let prefix = b.trim_end_matches(|c: char| {
                    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
                });
                prefix.len() < b.len() && prefix.ends_with('<')
            });
        if element && text[after..].starts_with('>') {
            let content = &text[after + 1..];
            if let Some(end) = content.find("</") {
                out.push(content[..end].trim());
            }
            continue;
        }
        if before.ends_with('#') {
            let rest = text[after..].trim_start_matches([' ', '\t', '"', '\'']);
            if let Some(rest) = rest.strip_prefix(':') {
                let end = rest.find([',', '}', '\n']).unwrap_or(rest.len());
                out.push(rest[..end].trim());
            }
        }
    }
    out.retain(|v| !v.is_empty());
    out
}

fn url_password(url: &str, at: &Location) -> Option<Value> {
    url_query_pairs(url)
        .find(|(name, value)| *name == "password" && !value.is_empty())
        .map(|(_, value)| Value::new(value, at.clone()))
}

#[cfg(test)]
mod tests {
    use super::soap_passwords;

    #[test]
    fn soap_passwords_are_the_envelopes_password_contents() {
        let xml = "<env:Body><urn:login><urn:username>${sf.user}</urn:username><urn:password>${sf.password}${sf.token}</urn:password></urn:login></env:Body>";
        assert_eq!(soap_passwords(xml), ["${sf.password}${sf.token}"]);
        assert_eq!(
            soap_passwords("<login><password> Lit3ral </password>"),
            ["Lit3ral"]
        );
        let dw = "{ urn#login: { urn#username: p('sf.user'), urn#password: p('secure::sf.password') ++ p('secure::sf.token') } }";
        assert_eq!(
            soap_passwords(dw),
            ["p('secure::sf.password') ++ p('secure::sf.token')"]
        );
        // Not an envelope's password: a plain field (a credential the reader
        // gives), an element merely named like it, an empty element.
        for text in [
            "{ password: p('sf.password') }",
            "<urn:passwordHint>x</urn:passwordHint>",
            "<oldpassword>x</oldpassword>",
            "<urn:password></urn:password>",
        ] {
            assert!(soap_passwords(text).is_empty(), "{text}");
        }
    }
}
