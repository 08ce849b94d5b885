use intguard_model::{
    is_broad_profile, profile_label, same_profile, Finding, Inventory, Located, OAuthAppKind,
    Practice, Related, RuleMeta, Severity, STANDARD_INTEGRATION_PROFILE,
};

use crate::identities::{
    connected_app_phrase, eca_phrase, is_integration_connected_app, is_integration_eca,
    serves_phrase,
};
use crate::Rule;

pub struct BroadAppAudience;

static META: RuleMeta = RuleMeta {
    id: "IG305",
    name: "broad-app-audience",
    practice: Practice::MinimizeDamage,
    default_severity: Severity::Medium,
    summary: "An integration app is pre-authorized for broad profiles instead of one dedicated permission set",
    doc: r#"## What it does
For OAuth apps that integrations use (a certificate, the client credentials flow, or an
integration user pre-authorized or running as it), flags each pre-authorized profile
that a whole population of people holds: Standard User (`Standard`), Standard Platform
User (`StandardAul`), Read Only, Contract Manager, Marketing User, Solution Manager
(connected app `<profileName>`, External Client App `commaSeparatedProfile`). System
Administrator is reported by IG301 (critical) instead. The standard integration profile,
"Minimum Access - API Only Integrations", is flagged too: every integration user is meant
to be on it, each system with its own permission set, so an app pre-authorized for it
reaches every other system's integration user. Pre-authorizing a permission set, or the
integration's own custom profile, is fine. Only an admin-approved app pre-authorizes:
one that all users may self-authorize (connected app `isAdminApproved` false or not
set, External Client App `permittedUsersPolicyType` `AllSelfAuthorized`) ignores its
profile lists, and IG203 reports it.

## Why is this bad?
Pre-authorization decides who may obtain tokens through the app. With a certificate
(JWT bearer) anyone who holds the private key can mint a token for any pre-authorized
user: pre-authorize "Standard User" and a leaked key of one integration opens every
employee's account. Even without a certificate it widens who can use a powerful
integration app.

## Example
```xml
<!-- extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy-meta.xml -->
<commaSeparatedProfile>Standard User</commaSeparatedProfile>
```

## How to fix
Create a permission set for the integration (assigned only to its integration user) and
pre-authorize it instead: Setup > App Manager > the app > Manage > Manage Profiles:
remove the profile; Manage Permission Sets: add the set. In metadata:
```xml
<!-- connected app -->
<permissionSetName>Billing_Sync_Integration</permissionSetName>
<!-- .ecaOauthPlcy -->
<commaSeparatedPermissionSet>Billing_Sync_Integration</commaSeparatedPermissionSet>
```

## References
- Salesforce Help: Manage Profiles and Permission Sets for a Connected App
- Salesforce Help: Configure External Client App OAuth Policies
- Salesforce Help: OAuth 2.0 JWT Bearer Flow (pre-authorized users)
"#,
};

fn broad(p: &Located<String>) -> bool {
    (is_broad_profile(&p.value) && !same_profile(&p.value, "Admin"))
        || same_profile(&p.value, STANDARD_INTEGRATION_PROFILE)
}

/// Who can obtain tokens through an app pre-authorized for profile
/// `label`: everyone on it, or for the standard integration profile every
/// integration user (each system's, whose own access is its permission
/// sets), naming those known.
fn audience(inventory: &Inventory, label: &str) -> String {
    if !same_profile(label, STANDARD_INTEGRATION_PROFILE) {
        return "everyone on it can obtain tokens through this integration app".to_string();
    }
    let mut users: Vec<&str> = inventory
        .identities
        .iter()
        .filter(|id| {
            id.profile
                .as_ref()
                .is_some_and(|p| same_profile(&p.name, STANDARD_INTEGRATION_PROFILE))
        })
        .filter_map(|id| id.username.as_deref())
        .collect();
    users.sort_unstable();
    users.dedup();
    let known = if users.is_empty() {
        String::new()
    } else {
        format!(" ({})", users.join(", "))
    };
    format!(
        "every integration user on it{known}, whatever system it serves, can obtain tokens through this app (each integration should be pre-authorized by its own permission set)"
    )
}

impl Rule for BroadAppAudience {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let sf = &inventory.salesforce;
        let mut out = Vec::new();
        for app in &sf.connected_apps {
            // Self-authorized: its lists pre-authorize nobody (IG203).
            if !is_integration_connected_app(inventory, app) || !app.lists_pre_authorize() {
                continue;
            }
            for p in app.profile_names.iter().filter(|p| broad(p)) {
                let label = profile_label(p.value.trim());
                out.push(
                    Finding::new(
                        &META,
                        p.location.clone(),
                        format!(
                            "{}{} is pre-authorized for the {label} profile: {}",
                            connected_app_phrase(app),
                            serves_phrase(inventory, OAuthAppKind::ConnectedApp, &app.name),
                            audience(inventory, label)
                        ),
                    )
                    .key(format!("connectedApp|{}|profile|{}", app.name, label.to_lowercase()))
                    .fix(format!(
                        "Setup > App Manager > {} > Manage > Manage Profiles: remove {label}; Manage Permission Sets: add a permission set held only by the integration user. {}.",
                        app.display_name(),
                        capitalize(&crate::identities::connected_app_profile_source_step(app, p))
                    )),
                );
            }
        }
        for app in &sf.external_client_apps {
            if !is_integration_eca(inventory, app) || !app.lists_pre_authorize() {
                continue;
            }
            let Some(pol) = &app.oauth_policies else {
                continue;
            };
            for p in pol.profiles.iter().filter(|p| broad(p)) {
                let label = profile_label(p.value.trim());
                let mut f = Finding::new(
                    &META,
                    p.location.clone(),
                    format!(
                        "{}{} is pre-authorized for the {label} profile: {}",
                        eca_phrase(app),
                        serves_phrase(inventory, OAuthAppKind::ExternalClientApp, &app.name),
                        audience(inventory, label)
                    ),
                )
                .key(format!("eca|{}|profile|{}", app.name, label.to_lowercase()))
                .fix(format!(
                    "External Client App Manager > {} > Policies > OAuth Policies: remove {label} from the selected profiles and select a permission set held only by the integration user (<commaSeparatedPermissionSet> in its .ecaOauthPlcy file).",
                    app.display_name()
                ));
                if let Some(loc) = &app.location {
                    f = f.related(Related::new(loc, eca_phrase(app)));
                }
                out.push(f);
            }
        }
        out
    }
}

/// `In ...` for a step that starts a sentence.
fn capitalize(step: &str) -> String {
    let mut chars = step.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
