use intguard_model::{
    same_profile, Finding, Inventory, Located, Location, OAuthAppKind, Practice, Related, RuleMeta,
    Severity,
};

use crate::identities::{
    auditable, connected_app_phrase, eca_phrase, identities_of_app, identity_finding, identity_key,
    identity_location, identity_phrase, is_integration_connected_app, is_integration_eca,
    profile_related, with_related,
};
use crate::Rule;

pub struct AdminIntegrationUser;

static META: RuleMeta = RuleMeta {
    id: "IG301",
    name: "admin-integration-user",
    practice: Practice::MinimizeDamage,
    default_severity: Severity::Critical,
    summary: "An integration user is a System Administrator, or an integration app is pre-authorized for System Administrators",
    doc: r#"## What it does
- Flags every integration user whose profile is System Administrator (`Admin`, label
  "System Administrator", in a user definition file, intguard's config or the identity
  graph), at the place the profile is assigned, citing the Mule connections that run as
  it, the apps whose client credentials flow runs as it and the profile file.
- Flags integration apps (a certificate for the JWT bearer flow, the client
  credentials flow, or an integration user that logs in through it) that pre-authorize the System Administrator profile: connected app
  `<profileName>System Administrator</profileName>`, External Client App
  `commaSeparatedProfile`.

## Why is this bad?
A System Administrator can read, change and delete every record, change metadata and
Apex, create users and grant any permission. An integration running as one turns any
leak of its credential, or any bug or injection in the integration, into a full org
compromise, and its audit trail is indistinguishable from a human admin's. An app with
a certificate pre-authorized for the admin profile lets whoever holds the private key
mint a token for any administrator.

## Example
```json
// config/mule-integration-user-def.json
{ "Username": "int.mule@acme.com", "profileName": "System Administrator" }
```
```xml
<!-- connectedApps/Orders_Integration.connectedApp-meta.xml -->
<profileName>System Administrator</profileName>
```

## How to fix
Give the integration its own user on the Salesforce Integration license with the
"Minimum Access - API Only Integrations" profile and a permission set with exactly what
it uses (`intguard` IG304 lists the objects), then pre-authorize that permission set
instead of a profile:
```json
{ "Username": "int.orders@acme.com", "profileName": "Minimum Access - API Only Integrations", "permsets": ["Orders_Integration"] }
```
```xml
<permissionSetName>Orders_Integration</permissionSetName>
```
Setup > App Manager > the app > Manage > Manage Profiles: remove System Administrator;
Manage Permission Sets: add the integration's permission set.

## References
- Salesforce Help: Give Integration Users API Only Access
- Salesforce Help: Salesforce Integration User License
- Salesforce Architects: Integration security, least privilege for integration users
"#,
};

fn is_admin_profile(name: &str) -> bool {
    same_profile(name, "Admin")
}

fn app_finding(
    what: String,
    cert: bool,
    cc: bool,
    at: &Located<String>,
    served: Vec<String>,
    (key, fix): (String, String),
    related: Option<&Location>,
) -> Finding {
    let consequence = match (cert, cc) {
        (true, true) => "whoever holds its certificate (JWT bearer) and client credentials can act as any administrator",
        (true, false) => "whoever holds its certificate (JWT bearer) can act as any administrator",
        (false, true) => "whoever holds its client credentials can act as any administrator",
        // Pre-authorized through an integration user it serves.
        (false, false) => "every administrator may obtain API tokens through this integration app, and the integration itself runs as an administrator",
    };
    let identity = (served.len() == 1).then(|| served[0].clone());
    let served = if served.is_empty() {
        String::new()
    } else {
        format!(" (holders include {})", served.join(", "))
    };
    let mut f = Finding::new(
        &META,
        at.location.clone(),
        format!("{what} pre-authorizes the System Administrator profile{served}: {consequence}"),
    )
    .maybe_identity(identity)
    .key(key)
    .fix(fix);
    if let Some(r) = related {
        f = f.related(Related::new(r, "the app"));
    }
    f
}

impl Rule for AdminIntegrationUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for id in auditable(inventory) {
            if id.username.is_none() || !id.is_admin() {
                continue;
            }
            let Some(at) = identity_location(id) else {
                continue;
            };
            let f = identity_finding(
                &META,
                id,
                at,
                format!(
                    "integration user {} is a System Administrator: a leak of its credential is a full org compromise",
                    identity_phrase(id)
                ),
            )
            .key(format!("{}|admin", identity_key(id)))
            .fix(format!(
                "Move {} to the Salesforce Integration license and the \"Minimum Access - API Only Integrations\" profile (user definition: \"profileName\": \"Minimum Access - API Only Integrations\"; Setup > Users > Edit) and grant only what its apps use with a permission set, pre-authorized on its connected app.",
                id.username.as_deref().unwrap_or(&id.name)
            ));
            out.push(with_related(f, profile_related(id)));
        }
        let sf = &inventory.salesforce;
        for app in &sf.connected_apps {
            let cert = app.has_certificate();
            let cc = app.client_credentials_enabled();
            if !is_integration_connected_app(inventory, app) {
                continue;
            }
            for p in app
                .profile_names
                .iter()
                .filter(|p| is_admin_profile(&p.value))
            {
                out.push(app_finding(
                    connected_app_phrase(app),
                    cert,
                    cc,
                    p,
                    identities_of_app(inventory, OAuthAppKind::ConnectedApp, &app.name),
                    (
                    format!("connectedApp|{}|profile|Admin", app.name),
                    format!(
                        "Setup > App Manager > {} > Manage > Manage Profiles: remove System Administrator, and under Manage Permission Sets add the integration's own permission set; in connectedApps/{}.connectedApp-meta.xml replace <profileName>{}</profileName> with <permissionSetName>...</permissionSetName>.",
                        app.display_name(),
                        app.name,
                        p.value.trim()
                    ),
                    ),
                    None,
                ));
            }
        }
        for app in &sf.external_client_apps {
            let cert = app.has_certificate();
            let cc = app.client_credentials_enabled();
            if !is_integration_eca(inventory, app) {
                continue;
            }
            let Some(pol) = &app.oauth_policies else {
                continue;
            };
            for p in pol.profiles.iter().filter(|p| is_admin_profile(&p.value)) {
                out.push(app_finding(
                    eca_phrase(app),
                    cert,
                    cc,
                    p,
                    identities_of_app(inventory, OAuthAppKind::ExternalClientApp, &app.name),
                    (
                    format!("eca|{}|profile|Admin", app.name),
                    format!(
                        "External Client App Manager > {} > Policies > OAuth Policies: remove System Administrator from the selected profiles and select the integration's own permission set (<commaSeparatedPermissionSet> in its .ecaOauthPlcy file).",
                        app.display_name()
                    ),
                    ),
                    app.location.as_ref(),
                ));
            }
        }
        out
    }
}
