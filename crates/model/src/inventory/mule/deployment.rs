//! Properties a Mule Maven plugin deployment in the app's pom sets on the
//! deployed app (`<cloudhub2Deployment><properties><sfdc.username>`):
//! Runtime Manager's application properties, which take precedence over
//! the app's property files.

use serde::Serialize;

use super::MuleApp;
use crate::expr::Value;
use crate::inventory::build::ConnectionUser;
use crate::inventory::resolve::is_environment_placeholder;
use crate::location::Location;

/// One `<name>value</name>` of a deployment's `<properties>` or
/// `<secureProperties>` in the app's pom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeploymentProperty {
    /// The deployment element (`cloudhub2Deployment`, `runtimeFabricDeployment`).
    pub deployment: String,
    pub name: String,
    pub value: String,
    pub location: Location,
}

impl MuleApp {
    /// The environment a pom deployment runs the app in: what its own
    /// properties set the app's environment placeholder to (`mule.env`),
    /// else the app's default ([`MuleApp::default_environment`]); `None`
    /// when neither says.
    fn deployment_environment(&self, deployment: &str) -> Option<&str> {
        let names_env = |n: &str| {
            self.environment_placeholders.iter().any(|(_, p)| p == n)
                || (self.environment_placeholders.is_empty() && is_environment_placeholder(n))
        };
        self.deployment_properties
            .iter()
            .find(|p| p.deployment == deployment && names_env(&p.name))
            .map(|p| p.value.trim())
            .filter(|v| !v.is_empty() && !v.contains("${"))
            .or(self.default_environment.as_deref())
    }

    /// `users` (a value resolved per environment through the property
    /// files) with what the app's pom deployments set instead: when `value`
    /// is one whole `${name}` and a deployment sets `name` to a literal, that
    /// is the value in the deployment's environment, replacing the files'
    /// there (or added, in an environment the files do not name).
    pub fn with_deployed_values(&self, value: &Value, users: &mut Vec<ConnectionUser>) {
        if self.deployment_properties.is_empty() {
            return;
        }
        let refs = value.placeholders();
        let [only] = refs.as_slice() else {
            return;
        };
        // `${name}`, nothing around it (not `#[p('name')]`).
        let whole = value.raw.get(only.start..only.end) == Some(value.raw.trim());
        if only.secure || !whole || !value.raw.trim_start().starts_with("${") {
            return;
        }
        for p in self
            .deployment_properties
            .iter()
            .filter(|p| p.name == only.name)
        {
            let set = p.value.trim();
            if set.is_empty() || set.contains("${") || set.starts_with("![") {
                continue;
            }
            let env = self.deployment_environment(&p.deployment);
            users.retain(|u| u.environment.as_deref() != env);
            users.push(ConnectionUser {
                environment: env.map(str::to_string),
                username: set.to_string(),
                defined_at: Some(p.location.clone()),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::mule::MuleRuntime;

    fn prop(deployment: &str, name: &str, value: &str, line: u32) -> DeploymentProperty {
        DeploymentProperty {
            deployment: deployment.into(),
            name: name.into(),
            value: value.into(),
            location: Location::new("orders/pom.xml", line, 15),
        }
    }

    fn user(env: Option<&str>, name: &str) -> ConnectionUser {
        ConnectionUser {
            environment: env.map(str::to_string),
            username: name.into(),
            defined_at: None,
        }
    }

    fn users_of(
        app: &MuleApp,
        raw: &str,
        from_files: Vec<ConnectionUser>,
    ) -> Vec<(Option<String>, String, u32)> {
        let mut users = from_files;
        app.with_deployed_values(&Value::new(raw, Location::new("x.xml", 1, 1)), &mut users);
        users
            .into_iter()
            .map(|u| {
                (
                    u.environment,
                    u.username,
                    u.defined_at.map_or(0, |l| l.line),
                )
            })
            .collect()
    }

    /// A deployment's value replaces the files' in the environment it runs
    /// in: the one its own `mule.env` names, else the app's default; only
    /// for a whole `${name}` (not `secure::`, not an expression), and only a
    /// literal it sets.
    #[test]
    fn deployments_set_values_in_their_environment() {
        let mut app = MuleApp::new("orders", "orders", MuleRuntime::Mule4);
        app.environment_placeholders = vec![
            ("dev".into(), "mule.env".into()),
            ("prod".into(), "mule.env".into()),
        ]
        .into();
        app.default_environment = Some("dev".into());
        app.deployment_properties = vec![
            prop("runtimeFabricDeployment", "mule.env", "prod", 20),
            prop(
                "runtimeFabricDeployment",
                "sfdc.user",
                "int.rtf@acme.example",
                21,
            ),
            prop(
                "cloudhub2Deployment",
                "sfdc.user",
                "int.ch2@acme.example",
                31,
            ),
            prop("cloudhub2Deployment", "sfdc.other", "${from.build}", 32),
        ]
        .into();
        let files = || {
            vec![
                user(Some("dev"), "int.dev@acme.example"),
                user(Some("prod"), "int.prod@acme.example"),
            ]
        };
        let owned = |e: &str, n: &str, l: u32| (Some(e.to_string()), n.to_string(), l);
        assert_eq!(
            users_of(&app, "${sfdc.user}", files()),
            vec![
                owned("prod", "int.rtf@acme.example", 21),
                owned("dev", "int.ch2@acme.example", 31)
            ]
        );
        for raw in [
            "${secure::sfdc.user}",
            "#[p('sfdc.user')]",
            "int.${sfdc.user}",
            "${sfdc.other}",
        ] {
            assert_eq!(users_of(&app, raw, files()).len(), 2, "{raw}");
            assert!(
                users_of(&app, raw, files()).iter().all(|u| u.2 == 0),
                "{raw}"
            );
        }
    }
}
