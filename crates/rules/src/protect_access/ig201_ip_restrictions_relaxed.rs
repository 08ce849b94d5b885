use intguard_model::{Finding, Inventory, OAuthAppKind, Practice, RuleMeta, Severity};

use crate::identities::{connected_app_file, connected_app_phrase, eca_phrase, serves_phrase};
use crate::Rule;

pub struct IpRestrictionsRelaxed;

static META: RuleMeta = RuleMeta {
    id: "IG201",
    name: "ip-restrictions-relaxed",
    practice: Practice::ProtectAccess,
    default_severity: Severity::High,
    summary: "An OAuth app relaxes the login IP ranges of the users it serves",
    doc: r#"## What it does
Reads every connected app's `oauthPolicy.ipRelaxation` and every External Client App's
`ipRelaxationPolicyType` (`.ecaOauthPlcy`) and flags any value other than enforcing:
- `BYPASS` / `Bypass` ("Relax IP restrictions") and `BYPASS_2FACTOR` / `Bypass_2factor`
  ("Relax IP restrictions with second factor"): high;
- `ENFORCE_RELAXREFRESH` / `Enforce_RelaxRefresh` ("Enforce IP restrictions, but relax
  for refreshed tokens"): medium, since only refresh tokens escape the ranges.
An absent value is the default, `ENFORCE`.

## Why is this bad?
Login IP ranges on the integration user's profile are the control that makes a stolen
certificate, consumer secret or password useless outside your network (CloudHub static
IPs, your VPC egress). A relaxed app lets anyone holding the credential obtain tokens
for the app's users from any address on the internet.

## Example
```xml
<!-- connectedApps/Orders_Integration.connectedApp-meta.xml -->
<oauthPolicy>
    <ipRelaxation>BYPASS</ipRelaxation>
    <refreshTokenPolicy>infinite</refreshTokenPolicy>
</oauthPolicy>
```

## How to fix
Setup > App Manager > the app > Manage > Edit Policies > IP Relaxation: "Enforce IP
restrictions" (External Client Apps: External Client App Manager > the app > Policies >
OAuth Policies > IP Relaxation). In metadata:
```xml
<oauthPolicy>
    <ipRelaxation>ENFORCE</ipRelaxation>
</oauthPolicy>
```
```xml
<!-- extlClntAppOauthPolicies/<App>_oauthPlcy.ecaOauthPlcy-meta.xml -->
<ipRelaxationPolicyType>Enforce</ipRelaxationPolicyType>
```
Then make sure the integration users' profiles have login IP ranges (IG202).

## References
- Salesforce Help: Manage OAuth Access Policies for a Connected App (IP Relaxation)
- Salesforce Help: Configure External Client App OAuth Policies
- Metadata API Developer Guide: ConnectedApp (ConnectedAppOauthPolicy.ipRelaxation), ExtlClntAppOauthConfigurablePolicies
"#,
};

/// Severity of a relaxation value (case-insensitive, `_` ignored), `None`
/// when it enforces.
fn relaxation(value: &str) -> Option<(Severity, &'static str)> {
    let v: String = value
        .trim()
        .chars()
        .filter(|c| *c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    match v.as_str() {
        "" | "enforce" => None,
        "enforcerelaxrefresh" => Some((
            Severity::Medium,
            "enforces IP restrictions but relaxes them for refreshed tokens",
        )),
        "bypass2factor" => Some((
            Severity::High,
            "relaxes IP restrictions for users who pass a second factor",
        )),
        "bypass" => Some((Severity::High, "relaxes IP restrictions")),
        _ => Some((Severity::High, "does not enforce IP restrictions")),
    }
}

impl Rule for IpRestrictionsRelaxed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let sf = &inventory.salesforce;
        let mut out = Vec::new();
        for app in &sf.connected_apps {
            let Some(v) = app.oauth.as_ref().and_then(|o| o.ip_relaxation.as_ref()) else {
                continue;
            };
            let Some((severity, what)) = relaxation(&v.value) else {
                continue;
            };
            out.push(
                Finding::new(
                    &META,
                    v.location.clone(),
                    format!(
                        "{}{} {what} (ipRelaxation {}): a leaked credential works from any address",
                        connected_app_phrase(app),
                        serves_phrase(inventory, OAuthAppKind::ConnectedApp, &app.name),
                        v.value.trim()
                    ),
                )
                .severity(severity)
                .key(format!("connectedApp|{}|ipRelaxation", app.name))
                .fix(format!(
                    "Setup > App Manager > {} > Manage > Edit Policies > IP Relaxation: \"Enforce IP restrictions\"; in {} set <oauthPolicy><ipRelaxation>ENFORCE</ipRelaxation></oauthPolicy>, and give the integration users' profiles login IP ranges.",
                    app.display_name(),
                    connected_app_file(app)
                )),
            );
        }
        for app in &sf.external_client_apps {
            let Some(v) = app
                .oauth_policies
                .as_ref()
                .and_then(|p| p.ip_relaxation_policy_type.as_ref())
            else {
                continue;
            };
            let Some((severity, what)) = relaxation(&v.value) else {
                continue;
            };
            let mut f = Finding::new(
                &META,
                v.location.clone(),
                format!(
                    "{}{} {what} (ipRelaxationPolicyType {}): a leaked credential works from any address",
                    eca_phrase(app),
                    serves_phrase(inventory, OAuthAppKind::ExternalClientApp, &app.name),
                    v.value.trim()
                ),
            )
            .severity(severity)
            .key(format!("eca|{}|ipRelaxationPolicyType", app.name))
            .fix(format!(
                "External Client App Manager > {} > Policies > OAuth Policies > IP Relaxation: \"Enforce IP restrictions\"; in its .ecaOauthPlcy file set <ipRelaxationPolicyType>Enforce</ipRelaxationPolicyType>, and give the integration users' profiles login IP ranges.",
                app.display_name()
            ));
            if let Some(loc) = &app.location {
                f = f.related(intguard_model::Related::new(loc, eca_phrase(app)));
            }
            out.push(f);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaxation_values() {
        assert!(relaxation("ENFORCE").is_none());
        assert!(relaxation("Enforce").is_none());
        assert_eq!(relaxation("BYPASS").unwrap().0, Severity::High);
        assert_eq!(relaxation("Bypass_2factor").unwrap().0, Severity::High);
        assert_eq!(
            relaxation("ENFORCE_RELAXREFRESH").unwrap().0,
            Severity::Medium
        );
        assert_eq!(
            relaxation("Enforce_RelaxRefresh").unwrap().0,
            Severity::Medium
        );
    }
}
