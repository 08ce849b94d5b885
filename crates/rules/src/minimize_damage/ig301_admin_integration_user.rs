use intguard_model::{
    same_profile, Finding, IntegrationIdentity, Inventory, Located, Location, OAuthAppKind,
    Practice, Related, RuleMeta, Severity,
};

use crate::identities::{
    auditable, connected_app_phrase, eca_phrase, identities_of_app_that, identity_finding,
    identity_key, identity_location, identity_phrase, is_integration_connected_app,
    is_integration_eca, profile_related, with_related,
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
  `commaSeparatedProfile`, when admin approved (a self-authorized app ignores its
  profile lists: IG203 reports it). The message names the integration users that hold
  that profile themselves, and what the app's flows allow: with a certificate
  (JWT bearer) a token can be minted for any administrator; the client
  credentials flow runs as its one run-as user.

## Why is this bad?
A System Administrator can read, change and delete every record, change metadata and
Apex, create users and grant any permission. An integration running as one turns any
leak of its credential, or any bug or injection in the integration, into a full org
compromise, and its audit trail is indistinguishable from a human admin's. An app with
a certificate pre-authorized for the admin profile lets whoever holds the private key
mint a token for any administrator.

## Example
A user definition file, `config/mule-integration-user-def.json` (JSON has no
comments: a file with one is refused by `sf org create user`, and by intguard with
a `json-syntax` warning):
```json
{ "Username": "int.mule@acme.com", "profileName": "System Administrator" }
```
```xml
<!-- connectedApps/Orders_Integration.connectedApp-meta.xml -->
<profileName>System Administrator</profileName>
```

## How to fix
Give the integration its own user on the Salesforce Integration license with the
"Minimum Access - API Only Integrations" profile and a permission set with exactly what
it uses (IG304 lists the objects; `intguard fix permissions --user <username>` writes
the permission set from what the user's Mule apps do), then pre-authorize that
permission set instead of a profile:
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

/// The OAuth flows an app's metadata enables, as IG301's message needs them.
struct Flows<'a> {
    /// A certificate is uploaded: the JWT bearer flow, which mints a token
    /// for any pre-authorized user.
    certificate: bool,
    /// Read from an org, whose API does not say whether a certificate is
    /// uploaded.
    certificate_unknown: bool,
    /// The client credentials flow, which runs as its one run-as user.
    client_credentials: bool,
    run_as: Option<&'a str>,
}

/// The integration users pre-authorized by the app that hold the System
/// Administrator profile themselves (not those it serves through a
/// permission set or as its run-as user alone).
fn admin_holders(inventory: &Inventory, kind: OAuthAppKind, name: &str) -> Vec<String> {
    identities_of_app_that(inventory, kind, name, IntegrationIdentity::is_admin)
}

/// What pre-authorizing System Administrator lets happen through the app,
/// for the flows its metadata enables.
fn consequence(flows: &Flows<'_>, holders: &[String]) -> String {
    let mut parts: Vec<String> = Vec::new();
    if flows.certificate {
        parts.push(
            "whoever holds its certificate's private key can obtain a token as any administrator (JWT bearer flow)"
                .to_string(),
        );
    } else {
        parts.push(
            "every administrator may obtain API tokens through this integration app".to_string(),
        );
    }
    if flows.client_credentials {
        let run_as = flows.run_as.map(str::trim).filter(|u| !u.is_empty());
        parts.push(match run_as {
            Some(u) if holders.iter().any(|h| h.eq_ignore_ascii_case(u)) => {
                format!("its client credentials flow runs as the administrator {u}")
            }
            Some(u) => format!(
                "its client credentials flow runs as {u} alone, whatever profiles the app pre-authorizes"
            ),
            None => "its client credentials flow runs as its one run-as user, whatever profiles the app pre-authorizes".to_string(),
        });
    }
    if !holders.is_empty() {
        let who = if holders.len() == 1 {
            "the integration user it serves is itself an administrator"
        } else {
            "the integration users it serves are themselves administrators"
        };
        if !(flows.client_credentials
            && holders.len() == 1
            && flows
                .run_as
                .is_some_and(|u| u.trim().eq_ignore_ascii_case(&holders[0])))
        {
            parts.push(who.to_string());
        }
    }
    if !flows.certificate && flows.certificate_unknown {
        parts.push("if a certificate is uploaded (the org's API does not say), whoever holds its private key can obtain a token as any administrator (JWT bearer flow)".to_string());
    }
    parts.join("; ")
}

fn app_finding(
    what: String,
    flows: &Flows<'_>,
    at: &Located<String>,
    holders: Vec<String>,
    (key, fix): (String, String),
    related: Option<&Location>,
) -> Finding {
    let consequence = consequence(flows, &holders);
    let identity = (holders.len() == 1).then(|| holders[0].clone());
    let held = if holders.is_empty() {
        " (no integration user intguard knows of holds it)".to_string()
    } else {
        format!(" (held by {})", holders.join(", "))
    };
    let mut f = Finding::new(
        &META,
        at.location.clone(),
        format!("{what} pre-authorizes the System Administrator profile{held}: {consequence}"),
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
            if !is_integration_connected_app(inventory, app) {
                continue;
            }
            let oauth = app.oauth.as_ref();
            let flows = Flows {
                certificate: app.has_certificate(),
                certificate_unknown: oauth.is_some_and(|o| o.certificate_unknown),
                client_credentials: app.client_credentials_enabled(),
                run_as: oauth
                    .and_then(|o| o.client_credential_user.as_ref())
                    .map(|u| u.value.as_str()),
            };
            // Self-authorized: its lists pre-authorize nobody (IG203).
            for p in app
                .profile_names
                .iter()
                .filter(|p| app.lists_pre_authorize() && is_admin_profile(&p.value))
            {
                out.push(app_finding(
                    connected_app_phrase(app),
                    &flows,
                    p,
                    admin_holders(inventory, OAuthAppKind::ConnectedApp, &app.name),
                    (
                    format!("connectedApp|{}|profile|Admin", app.name),
                    format!(
                        "Setup > App Manager > {} > Manage > Manage Profiles: remove System Administrator, and under Manage Permission Sets add the integration's own permission set; {}.",
                        app.display_name(),
                        crate::identities::connected_app_profile_source_step(app, p)
                    ),
                    ),
                    None,
                ));
            }
        }
        for app in &sf.external_client_apps {
            if !is_integration_eca(inventory, app) {
                continue;
            }
            let Some(pol) = &app.oauth_policies else {
                continue;
            };
            let flows = Flows {
                certificate: app.has_certificate(),
                certificate_unknown: app.certificate_unknown,
                client_credentials: app.client_credentials_enabled(),
                run_as: pol
                    .client_credentials_flow_user
                    .as_ref()
                    .map(|u| u.value.as_str()),
            };
            for p in pol
                .profiles
                .iter()
                .filter(|p| app.lists_pre_authorize() && is_admin_profile(&p.value))
            {
                out.push(app_finding(
                    eca_phrase(app),
                    &flows,
                    p,
                    admin_holders(inventory, OAuthAppKind::ExternalClientApp, &app.name),
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
