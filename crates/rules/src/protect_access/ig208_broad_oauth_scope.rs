use intguard_model::{
    Finding, Inventory, Located, Location, OAuthAppKind, Practice, Related, RuleMeta, Severity,
};

use crate::identities::{
    connected_app_file, connected_app_phrase, eca_phrase, is_integration_connected_app,
    is_integration_eca, serves_phrase,
};
use crate::Rule;

pub struct BroadOauthScope;

static META: RuleMeta = RuleMeta {
    id: "IG208",
    name: "broad-oauth-scope",
    practice: Practice::ProtectAccess,
    default_severity: Severity::Medium,
    summary: "An integration app has the Full scope, web or refresh-token scopes it does not need, or infinite refresh tokens",
    doc: r#"## What it does
For OAuth apps that integrations use (a certificate for the JWT bearer flow, the client
credentials flow, or an integration user pre-authorized or running as it), flags:
- the `Full` scope (connected app `<scopes>Full</scopes>`, External Client App
  `commaSeparatedOauthScopes`);
- `Web`, `RefreshToken` and `OfflineAccess`: a server-to-server integration with the JWT
  bearer or client credentials flow gets no refresh token and opens no UI session;
- refresh tokens valid until revoked: `refreshTokenPolicy` `infinite` (or absent, the
  default) on a connected app with a refresh-token scope, `refreshTokenPolicyType`
  `Infinite` on an External Client App.
One finding per scope element (External Client Apps list their scopes in one element:
one finding per scope at that line) and one per refresh token policy.

## Why is this bad?
`Full` grants a token everything the user can do, including scopes added to the
platform later; `Web` turns an API token into a UI session (frontdoor.jsp). Refresh
tokens that never expire are long-lived credentials stored wherever the client keeps
them: one leak gives access until someone notices and revokes it.

## Example
```xml
<!-- connectedApps/Orders_Integration.connectedApp-meta.xml -->
<scopes>Api</scopes>
<scopes>RefreshToken</scopes>
<scopes>Full</scopes>
...
<refreshTokenPolicy>infinite</refreshTokenPolicy>
```

## How to fix
Setup > App Manager > the app > Edit > Selected OAuth Scopes: keep "Manage user data
via APIs (api)" only; Manage > Edit Policies > Refresh Token Policy: "Immediately expire
refresh token" (or a short lifetime). In metadata:
```xml
<oauthConfig>
    <scopes>Api</scopes>
</oauthConfig>
<oauthPolicy>
    <refreshTokenPolicy>zero</refreshTokenPolicy>
</oauthPolicy>
```
External Client Apps:
```xml
<commaSeparatedOauthScopes>Api</commaSeparatedOauthScopes>
<!-- .ecaOauthPlcy -->
<refreshTokenPolicyType>Zero</refreshTokenPolicyType>
```

## References
- Salesforce Help: OAuth Tokens and Scopes
- Salesforce Help: Manage OAuth Access Policies for a Connected App (Refresh Token Policy)
- Metadata API Developer Guide: ConnectedApp, ExtlClntAppOauthSettings, ExtlClntAppOauthConfigurablePolicies
"#,
};

fn scope_problem(scope: &str) -> Option<&'static str> {
    let s = scope.trim();
    if s.eq_ignore_ascii_case("Full") {
        Some("grants everything the user can do, including future scopes")
    } else if s.eq_ignore_ascii_case("Web") {
        Some("turns an API token into a UI session, which an integration never needs")
    } else if s.eq_ignore_ascii_case("RefreshToken") || s.eq_ignore_ascii_case("OfflineAccess") {
        Some("issues refresh tokens, which the JWT bearer and client credentials flows never use")
    } else {
        None
    }
}

fn wants_refresh(scopes: &[Located<String>]) -> bool {
    scopes
        .iter()
        .any(|s| s.is("RefreshToken") || s.is("OfflineAccess") || s.is("Full"))
}

struct Target<'a> {
    what: String,
    key: String,
    fix_where: String,
    scopes: &'a [Located<String>],
    related: Option<Location>,
}

fn scope_findings(t: &Target<'_>, out: &mut Vec<Finding>) {
    let mut seen: Vec<String> = Vec::new();
    for s in t.scopes {
        let Some(why) = scope_problem(&s.value) else {
            continue;
        };
        let scope = s.value.trim().to_string();
        if seen.iter().any(|x| x.eq_ignore_ascii_case(&scope)) {
            continue;
        }
        seen.push(scope.clone());
        let mut f = Finding::new(
            &META,
            s.location.clone(),
            format!("{} has the {scope} scope: it {why}", t.what),
        )
        .key(format!("{}|scope|{}", t.key, scope.to_ascii_lowercase()))
        .fix(format!(
            "Remove the {scope} scope ({}): keep \"Manage user data via APIs (api)\" only.",
            t.fix_where
        ));
        if let Some(r) = &t.related {
            f = f.related(Related::new(r, "the app"));
        }
        out.push(f);
    }
}

impl Rule for BroadOauthScope {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let sf = &inventory.salesforce;
        let mut out = Vec::new();
        for app in &sf.connected_apps {
            let Some(oauth) = &app.oauth else { continue };
            if !is_integration_connected_app(inventory, app) {
                continue;
            }
            let what = format!(
                "{}{}",
                connected_app_phrase(app),
                serves_phrase(inventory, OAuthAppKind::ConnectedApp, &app.name)
            );
            let t = Target {
                what: what.clone(),
                key: format!("connectedApp|{}", app.name),
                fix_where: format!(
                    "Setup > App Manager > {} > Edit > Selected OAuth Scopes; delete its <scopes> element in {}",
                    app.display_name(),
                    connected_app_file(app)
                ),
                scopes: &oauth.scopes,
                related: None,
            };
            scope_findings(&t, &mut out);
            if wants_refresh(&oauth.scopes) {
                let (at, how) = match &oauth.refresh_token_policy {
                    Some(p) if p.value.trim().eq_ignore_ascii_case("infinite") => {
                        (p.location.clone(), "refreshTokenPolicy infinite")
                    }
                    Some(_) => continue,
                    None => (
                        oauth.location.clone(),
                        "no refreshTokenPolicy, so the default: valid until revoked",
                    ),
                };
                out.push(
                    Finding::new(
                        &META,
                        at,
                        format!("{what} issues refresh tokens that never expire ({how})"),
                    )
                    .key(format!("connectedApp|{}|refreshTokenPolicy", app.name))
                    .fix(format!(
                        "Setup > App Manager > {} > Manage > Edit Policies > Refresh Token Policy: \"Immediately expire refresh token\"; in {}: <oauthPolicy><refreshTokenPolicy>zero</refreshTokenPolicy></oauthPolicy>.",
                        app.display_name(),
                        connected_app_file(app)
                    )),
                );
            }
        }
        for app in &sf.external_client_apps {
            if !is_integration_eca(inventory, app) {
                continue;
            }
            let what = format!(
                "{}{}",
                eca_phrase(app),
                serves_phrase(inventory, OAuthAppKind::ExternalClientApp, &app.name)
            );
            let empty: Vec<Located<String>> = Vec::new();
            let scopes = app
                .oauth_settings
                .as_ref()
                .map(|s| &s.scopes)
                .unwrap_or(&empty);
            let t = Target {
                what: what.clone(),
                key: format!("eca|{}", app.name),
                fix_where: format!(
                    "External Client App Manager > {} > Settings > OAuth Settings > Selected OAuth Scopes; <commaSeparatedOauthScopes> in its .ecaOauth file",
                    app.display_name()
                ),
                scopes,
                related: app.location.clone(),
            };
            scope_findings(&t, &mut out);
            let policy = app
                .oauth_policies
                .as_ref()
                .and_then(|p| p.refresh_token_policy_type.as_ref());
            if let Some(p) = policy.filter(|p| p.is("Infinite")) {
                out.push(
                    Finding::new(
                        &META,
                        p.location.clone(),
                        format!(
                            "{what} issues refresh tokens that never expire (refreshTokenPolicyType Infinite)"
                        ),
                    )
                    .key(format!("eca|{}|refreshTokenPolicyType", app.name))
                    .fix(format!(
                        "External Client App Manager > {} > Policies > OAuth Policies > Refresh Token Policy: \"Immediately expire refresh token\"; in its .ecaOauthPlcy file: <refreshTokenPolicyType>Zero</refreshTokenPolicyType>.",
                        app.display_name()
                    )),
                );
            }
        }
        out
    }
}
