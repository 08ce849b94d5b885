use intguard_model::{AuthClass, Finding, Inventory, Practice, Related, RuleMeta, Severity};

use crate::support::settings_file;
use crate::Rule;

pub struct PasswordFlowsAllowed;

static META: RuleMeta = RuleMeta {
    id: "IG207",
    name: "password-flows-allowed",
    practice: Practice::ProtectAccess,
    default_severity: Severity::Medium,
    summary: "The OAuth username-password flow is not blocked in the org",
    doc: r#"## What it does
Reads `OauthOidc.settings` (OauthOidcSettings) of every project and flags it unless
`<blockOAuthUnPwFlow>true</blockOAuthUnPwFlow>`: an explicit `false`, or a retrieved file
without the field. Mule connections that use the flow
(`salesforce:oauth-user-pass-connection`) are cited as related. A project without
`OauthOidc.settings` is not judged.

## Why is this bad?
The username-password flow trades a password (plus security token) for an access token
with no certificate, no interactive step and no second factor: the weakest way to reach
the API, and exactly what a leaked integration password is used for. Salesforce blocks
it by default in orgs created since Summer '23 and External Client Apps never allow it;
an org that re-enabled it keeps the door open for every connected app.

## Example
```xml
<!-- settings/OauthOidc.settings-meta.xml -->
<OauthOidcSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <blockOAuthUnPwFlow>false</blockOAuthUnPwFlow>
</OauthOidcSettings>
```

## How to fix
Move the integrations that still use it to the JWT bearer flow (IG101), then Setup >
OAuth and OpenID Connect Settings > "Block username-password flows" on. In metadata:
```xml
<OauthOidcSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <blockOAuthUnPwFlow>true</blockOAuthUnPwFlow>
</OauthOidcSettings>
```

## References
- Salesforce Help: Block the OAuth 2.0 Username-Password Flow
- Salesforce Help: OAuth 2.0 Username-Password Flow for Special Scenarios
- Metadata API Developer Guide: OauthOidcSettings
"#,
};

impl Rule for PasswordFlowsAllowed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let users: Vec<Related> = inventory
            .connections()
            .filter(|(_, c)| c.auth == AuthClass::Password && c.is_oauth_user_pass())
            .map(|(app, c)| {
                Related::new(
                    &c.location,
                    format!(
                        "{} `{}` uses the username-password flow",
                        app.name, c.config_name
                    ),
                )
            })
            .collect();
        let mut out = Vec::new();
        for s in &inventory.salesforce.oauth_oidc_settings {
            let (at, how) = match &s.block_oauth_un_pw_flow {
                Some(v) if v.value => continue,
                Some(v) => (v.location.clone(), "blockOAuthUnPwFlow is false"),
                None => (
                    s.location.clone(),
                    "OauthOidc.settings has no blockOAuthUnPwFlow",
                ),
            };
            let mut f = Finding::new(
                &META,
                at,
                format!(
                    "the OAuth username-password flow is allowed ({how}): a leaked integration password is enough to get API tokens"
                ),
            )
            .key("OauthOidcSettings|blockOAuthUnPwFlow")
            .fix(format!("Move integrations that use the username-password flow to the JWT bearer flow, then Setup > OAuth and OpenID Connect Settings: turn on \"Block username-password flows\"; in {}: <blockOAuthUnPwFlow>true</blockOAuthUnPwFlow>.", settings_file(&s.location.path, "OauthOidc")));
            for r in &users {
                f = f.related(r.clone());
            }
            out.push(f);
        }
        out
    }
}
