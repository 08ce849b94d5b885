//! Names for the new secure properties that take over secrets written in the
//! XML. IG102's fix proposes them and `intguard fix secrets` writes them:
//! both ask [`new_property_names`], so what a finding says is what the fix
//! does.

use std::collections::HashMap;

use crate::vocab::property_name_piece;
use crate::{HttpCredential, Location, MuleApp, XmlAttribute};

/// A secret written in the XML, to be read from a new secure property.
#[derive(Debug, Clone)]
pub enum XmlSecret<'a> {
    /// A secret attribute with a literal value.
    Attribute(&'a XmlAttribute),
    /// A credential an HTTP request sends (or a field of a payload none
    /// sends), with the property named after its sender
    /// ([`crate::vocab::http_credential_property`]).
    Http {
        credential: &'a HttpCredential,
        property: String,
    },
}

impl<'a> XmlSecret<'a> {
    fn value(&self) -> &'a str {
        match self {
            XmlSecret::Attribute(a) => &a.value.raw,
            XmlSecret::Http { credential, .. } => &credential.value.raw,
        }
    }

    /// Attributes first, then HTTP credentials, each by location: the order
    /// names are given in. Test sources (`src/test/`) sort after the app's
    /// own (`src/main/`), so they never take a name from them.
    fn order(&self) -> (bool, &'a Location) {
        match self {
            XmlSecret::Attribute(a) => (false, &a.value.location),
            XmlSecret::Http { credential, .. } => (true, &credential.value.location),
        }
    }

    /// The names to try, best first; then the last one numbered.
    fn candidates(&self, app: &MuleApp) -> Vec<String> {
        match self {
            XmlSecret::Attribute(a) => {
                let owner = property_name_piece(a.owner.as_deref().unwrap_or("app"));
                // A Spring `p:password` names the bean property `password`.
                let name = a.name.rsplit(':').next().unwrap_or(&a.name);
                let mut names = Vec::new();
                if is_salesforce_attribute(app, a) {
                    names.push(format!("sfdc.{name}"));
                }
                names.push(format!("{owner}.{name}"));
                names
            }
            XmlSecret::Http { property, .. } => vec![property.clone()],
        }
    }
}

/// The attribute belongs to a Salesforce connection: its global config owns
/// it, or it is one of the connection's own attributes.
fn is_salesforce_attribute(app: &MuleApp, attr: &XmlAttribute) -> bool {
    app.salesforce_connections.iter().any(|c| {
        attr.owner.as_deref() == Some(c.config_name.as_str())
            || c.attributes
                .iter()
                .any(|a| a.value.location == attr.value.location && a.name == attr.name)
    })
}

/// The new property of each secret, in the order given. A name is taken when the app already uses it (a property
/// file or `<global-property>` defines it, an attribute reads it) or when
/// another value got it first: one connection's `sfdc.password` leaves the
/// next `sf_billing.password`, while the same value written twice gets one
/// name. Names are given in one order whatever the order of `secrets`
/// (attributes, then HTTP credentials, each by location), so that a caller
/// with fewer secrets (the fix leaves test sources alone) names the others
/// alike.
pub fn new_property_names(app: &MuleApp, secrets: &[XmlSecret<'_>]) -> Vec<String> {
    if secrets.is_empty() {
        return Vec::new();
    }
    // Every name the app uses, gathered once: looked up for every candidate
    // of every secret (a file of 50,000 secret attributes was quadratic).
    let referenced: Vec<String> = app
        .secret_attributes
        .iter()
        .chain(&app.url_attributes)
        .flat_map(|a| a.value.placeholders().into_iter().map(|p| p.name))
        .collect();
    let used: std::collections::HashSet<&str> = app
        .property_files
        .iter()
        .flat_map(|f| f.entries.iter().map(|e| e.key()))
        .chain(app.global_properties.iter().map(|g| g.name.as_str()))
        .chain(referenced.iter().map(String::as_str))
        .collect();
    let defined = |n: &str| used.contains(n);
    let mut order: Vec<usize> = (0..secrets.len()).collect();
    order.sort_by_key(|&i| secrets[i].order());
    let mut taken: HashMap<String, &str> = HashMap::new();
    let mut names = vec![String::new(); secrets.len()];
    for i in order {
        let secret = &secrets[i];
        let candidates = secret.candidates(app);
        let base = candidates.last().cloned().unwrap_or_default();
        let value = secret.value();
        // Numbering ends: the app uses finitely many names.
        let name = candidates
            .into_iter()
            .chain((2..).map(|n| format!("{base}{n}")))
            .find(|c| match taken.get(c) {
                Some(v) => *v == value,
                None => !defined(c),
            })
            .unwrap_or(base);
        taken.insert(name.clone(), value);
        names[i] = name;
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        AuthClass, MuleRuntime, PropertyEntry, PropertyFile, PropertyFormat, SalesforceConnection,
        Value,
    };

    const XML: &str = "app/src/main/mule/app.xml";

    fn attr(owner: &str, name: &str, value: &str, line: u32) -> XmlAttribute {
        XmlAttribute {
            element: "salesforce:basic-connection".into(),
            owner: Some(owner.into()),
            name: name.into(),
            value: Value::new(value, Location::new(XML, line, 5)),
        }
    }

    fn sfdc(name: &str, password: &str, line: u32) -> SalesforceConnection {
        SalesforceConnection {
            composite: false,
            config_name: name.into(),
            element: "salesforce:basic-connection".into(),
            runtime: MuleRuntime::Mule4,
            auth: AuthClass::Password,
            location: Location::new(XML, line, 5),
            attributes: vec![attr(name, "password", password, line)].into(),
            tls_context: None,
        }
    }

    #[test]
    fn each_connection_gets_its_own_name_and_a_shared_value_one() {
        let mut app = MuleApp::new("app", "app", MuleRuntime::Mule4);
        app.salesforce_connections = vec![
            sfdc("SF_Orders", "one", 4),
            sfdc("SF_Billing", "two", 7),
            sfdc("SF_Again", "one", 10),
        ];
        app.secret_attributes = app
            .salesforce_connections
            .iter()
            .flat_map(|c| c.attributes.clone())
            .chain([attr("ERP", "password", "three", 12)])
            .collect();
        let secrets: Vec<XmlSecret> = app
            .secret_attributes
            .iter()
            .rev()
            .map(XmlSecret::Attribute)
            .collect();
        let names = new_property_names(&app, &secrets);
        // Given last to first, named first to last.
        assert_eq!(
            names,
            vec![
                "erp.password",
                "sfdc.password",
                "sf_billing.password",
                "sfdc.password"
            ]
        );
    }

    #[test]
    fn names_the_app_uses_are_taken() {
        let mut app = MuleApp::new("app", "app", MuleRuntime::Mule4);
        app.salesforce_connections = vec![sfdc("SF", "one", 4)];
        app.secret_attributes = app.salesforce_connections[0].attributes.clone();
        app.property_files = vec![PropertyFile {
            path: "app/src/main/resources/config.yaml".into(),
            format: PropertyFormat::Yaml,
            environment: None,
            secure: false,
            plain_too: false,
            loaded: true,
            entries: vec![
                PropertyEntry::new("sfdc.password", "x", Location::new("c", 1, 1)),
                PropertyEntry::new("sf.password", "x", Location::new("c", 2, 1)),
            ],
            split_values: Vec::new(),
        }]
        .into();
        let secrets = [XmlSecret::Attribute(&app.secret_attributes[0])];
        assert_eq!(new_property_names(&app, &secrets), vec!["sf.password2"]);
    }
}
