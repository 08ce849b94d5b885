//! Small helpers shared by rules: resolving who a connection runs as, and
//! phrasing environments.

use intguard_model::{MuleApp, Related, SalesforceConnection, Value};

/// The username a connection uses in one environment, with where it was defined.
#[derive(Debug, Clone)]
pub struct EnvIdentity {
    pub environment: Option<String>,
    pub username: String,
    /// The property definition (file line) when it came from a property.
    pub defined_at: Option<intguard_model::Location>,
}

/// Who `connection` runs as, per environment of `app` (only environments where
/// the username resolves).
pub fn connection_identities(app: &MuleApp, connection: &SalesforceConnection) -> Vec<EnvIdentity> {
    let Some(user) = connection.username() else {
        return Vec::new();
    };
    resolved_per_env(app, user)
}

/// A value resolved in every environment, keeping those that resolve.
pub fn resolved_per_env(app: &MuleApp, value: &Value) -> Vec<EnvIdentity> {
    app.resolve_all(value)
        .into_iter()
        .filter_map(|r| {
            let username = r.value.clone()?.trim().to_string();
            if username.is_empty() {
                return None;
            }
            Some(EnvIdentity {
                environment: r.environment.map(str::to_string),
                username,
                defined_at: r.origin().map(|o| o.location().clone()),
            })
        })
        .collect()
}

/// `int.orders@acme.com` when every environment agrees, else
/// `int.orders@acme.com (prod), int.orders@acme.com.qa (qa)`.
pub fn describe_identities(ids: &[EnvIdentity]) -> Option<String> {
    let first = ids.first()?;
    if ids.iter().all(|i| i.username == first.username) {
        return Some(first.username.clone());
    }
    Some(
        ids.iter()
            .map(|i| match &i.environment {
                Some(env) => format!("{} ({env})", i.username),
                None => i.username.clone(),
            })
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// Related entries pointing at each property line that defined a username.
pub fn identity_related(ids: &[EnvIdentity]) -> Vec<Related> {
    ids.iter()
        .filter_map(|i| {
            let loc = i.defined_at.as_ref()?;
            let env = i.environment.as_deref().unwrap_or("all environments");
            Some(Related::new(loc, format!("username {} for {env}", i.username)))
        })
        .collect()
}

/// Environment names of a set of identities.
pub fn environments(ids: &[EnvIdentity]) -> Vec<String> {
    ids.iter().filter_map(|i| i.environment.clone()).collect()
}

/// `in prod, qa` / `in every environment`.
pub fn env_phrase(envs: &[String]) -> String {
    if envs.is_empty() {
        "in every environment".to_string()
    } else {
        format!("in {}", envs.join(", "))
    }
}
