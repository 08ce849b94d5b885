use intguard_model::{Finding, Inventory, Practice, RuleMeta, Severity};

use crate::identities::{
    auditable, grant_related, identity_finding, identity_key, identity_label, identity_phrase,
    with_related,
};
use crate::support::settings_file;
use crate::Rule;

pub struct ApiAccessControlOff;

static META: RuleMeta = RuleMeta {
    id: "IG204",
    name: "api-access-control-off",
    practice: Practice::ProtectAccess,
    default_severity: Severity::Medium,
    summary: "API Access Control is off, or an integration user may use any API client",
    doc: r#"## What it does
- Reads `ConnectedApp.settings` (ConnectedAppSettings) of every project: API Access
  Control is on only when `<enableAdminApprovedAppsOnly>true</enableAdminApprovedAppsOnly>`.
  The field exists only once the feature is enabled in the org, so a retrieved file
  without it means off. A project without `ConnectedApp.settings` is not judged.
- Flags integration users who hold `UseAnyApiClient` ("Use Any API Client"), which
  exempts them from API Access Control.

## Why is this bad?
With API Access Control, users can reach the APIs only through connected apps or
External Client Apps an admin installed and approved for them. Without it, anyone
holding an integration user's credentials can use any client (Data Loader, Workbench, a
script with the username-password flow, a freshly created app) from wherever the login
IP ranges allow. `UseAnyApiClient` gives that back to one user.

## Example
```xml
<!-- settings/ConnectedApp.settings-meta.xml -->
<ConnectedAppSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <enableAdminApprovedAppsOnly>false</enableAdminApprovedAppsOnly>
</ConnectedAppSettings>
```

## How to fix
Install and admin-approve every app integrations use first (Setup > Connected Apps OAuth
Usage > Install; permitted users "Admin approved users are pre-authorized"), then ask
Salesforce Support to enable API Access Control and turn it on: Setup > API Access
Control > "For admin-approved users, limit API access to only allowlisted connected
apps". In metadata:
```xml
<ConnectedAppSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <enableAdminApprovedAppsOnly>true</enableAdminApprovedAppsOnly>
</ConnectedAppSettings>
```
Remove "Use Any API Client" (`UseAnyApiClient`) from the integration user's profile and
permission sets. A managed package's permission set (`acme__Sync`) cannot be edited in
your org: unassign it and give the integration a permission set of your own instead.

## References
- Salesforce Help: API Access Control
- Salesforce Help: "Use Any API Client" user permission
- Metadata API Developer Guide: ConnectedAppSettings
"#,
};

impl Rule for ApiAccessControlOff {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for s in &inventory.salesforce.connected_app_settings {
            let (at, how) = match &s.enable_admin_approved_apps_only {
                Some(v) if v.value => continue,
                Some(v) => (v.location.clone(), "enableAdminApprovedAppsOnly is false"),
                None => (
                    s.location.clone(),
                    "ConnectedApp.settings has no enableAdminApprovedAppsOnly",
                ),
            };
            out.push(
                Finding::new(
                    &META,
                    at,
                    format!(
                        "API Access Control is off ({how}): integration users' credentials work with any API client"
                    ),
                )
                .key("ConnectedAppSettings|enableAdminApprovedAppsOnly")
                .fix(format!("Admin-approve every app integrations use, have Salesforce Support enable API Access Control, then Setup > API Access Control: \"For admin-approved users, limit API access to only allowlisted connected apps\"; in {}: <enableAdminApprovedAppsOnly>true</enableAdminApprovedAppsOnly>.", settings_file(&s.location.path, "ConnectedApp"))),
            );
        }
        for id in auditable(inventory) {
            let Some(p) = id.permission("UseAnyApiClient") else {
                continue;
            };
            let Some(grant) = p.granted_by.first() else {
                continue;
            };
            let sources: Vec<String> = crate::identities::by_grant(&p.granted_by)
                .into_iter()
                .map(|(g, routes)| crate::identities::describe_routes(g, &routes))
                .collect();
            let f = identity_finding(
                &META,
                id,
                grant.location.clone(),
                format!(
                    "{} holds UseAnyApiClient (\"Use Any API Client\") via {}: it bypasses API Access Control",
                    identity_phrase(id),
                    sources.join(", ")
                ),
            )
            .key(format!("{}|UseAnyApiClient", identity_key(id)))
            .fix({
                // A managed package's set is unassigned, not edited.
                let (edit, unassign) = crate::support::permission_removal(
                    inventory,
                    &identity_label(id),
                    &p.granted_by,
                    "UseAnyApiClient",
                    "the \"Use Any API Client\" permission",
                );
                edit.map(|e| format!("{e}."))
                    .into_iter()
                    .chain(unassign)
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            // Where each grant comes from: a permission set's assignment
            // and file, not the profile's, when the set grants it.
            let related: Vec<_> = p
                .granted_by
                .iter()
                .flat_map(|g| grant_related(id, g))
                .collect();
            out.push(with_related(f, related));
        }
        out
    }
}
