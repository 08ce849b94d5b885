use intguard_model::{Finding, Inventory, OAuthAppKind, Practice, Related, RuleMeta, Severity};

use crate::identities::{connected_app_file, connected_app_phrase, eca_phrase, serves_phrase};
use crate::Rule;

pub struct NotAdminApproved;

static META: RuleMeta = RuleMeta {
    id: "IG203",
    name: "not-admin-approved",
    practice: Practice::ProtectAccess,
    default_severity: Severity::High,
    summary: "An OAuth app lets any user self-authorize instead of admin-approved users only",
    doc: r#"## What it does
Flags OAuth apps whose permitted users are "All users may self-authorize":
- connected apps with an `oauthConfig` whose `isAdminApproved` is `false` or absent
  (absent means false);
- External Client Apps whose `.ecaOauthPlcy` says
  `<permittedUsersPolicyType>AllSelfAuthorized</permittedUsersPolicyType>`.
SAML-only connected apps (no `oauthConfig`) are not OAuth apps and are skipped.

## Why is this bad?
With self-authorization, any user of the org who has the consumer key (and secret, or
the private key) can obtain tokens through the app, and the `profileName` /
`permissionSetName` lists do not apply. "Admin approved users are pre-authorized"
limits the app to the profiles and permission sets you list: for an integration, one
dedicated permission set held only by its integration user. With the JWT bearer flow
it is also what removes the need for any interactive approval.

## Example
```xml
<!-- connectedApps/Legacy_Data_Loader.connectedApp-meta.xml -->
<oauthConfig>
    <consumerKey>3MVG9...</consumerKey>
    <isAdminApproved>false</isAdminApproved>
    <scopes>Api</scopes>
</oauthConfig>
```

## How to fix
Setup > App Manager > the app > Manage > Edit Policies > Permitted Users: "Admin
approved users are pre-authorized", then Manage Permission Sets: add the integration's
permission set. In metadata:
```xml
<oauthConfig>
    <isAdminApproved>true</isAdminApproved>
</oauthConfig>
<permissionSetName>Orders_Integration</permissionSetName>
```
External Client Apps (`.ecaOauthPlcy`):
```xml
<permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType>
<commaSeparatedPermissionSet>Orders_Integration</commaSeparatedPermissionSet>
```

## References
- Salesforce Help: Manage OAuth Access Policies for a Connected App (Permitted Users)
- Salesforce Help: Configure External Client App OAuth Policies
- Metadata API Developer Guide: ConnectedApp (ConnectedAppOauthConfig.isAdminApproved), ExtlClntAppOauthConfigurablePolicies
"#,
};

impl Rule for NotAdminApproved {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let sf = &inventory.salesforce;
        let mut out = Vec::new();
        for app in &sf.connected_apps {
            let Some(oauth) = &app.oauth else { continue };
            if app.is_admin_approved() {
                continue;
            }
            let (at, how) = match &oauth.is_admin_approved {
                Some(v) => (v.location.clone(), "isAdminApproved is false"),
                None => (oauth.location.clone(), "isAdminApproved is not set (false)"),
            };
            let ignored = if app.profile_names.is_empty() && app.permission_set_names.is_empty() {
                String::new()
            } else {
                " and its profile / permission set lists are ignored".to_string()
            };
            out.push(
                Finding::new(
                    &META,
                    at,
                    format!(
                        "{}{} lets all users self-authorize ({how}){ignored}",
                        connected_app_phrase(app),
                        serves_phrase(inventory, OAuthAppKind::ConnectedApp, &app.name)
                    ),
                )
                .key(format!("connectedApp|{}|isAdminApproved", app.name))
                .fix(format!(
                    "Setup > App Manager > {} > Manage > Edit Policies > Permitted Users: \"Admin approved users are pre-authorized\", then Manage Permission Sets: add the integration's own permission set; in {} set <isAdminApproved>true</isAdminApproved> in <oauthConfig> and list <permissionSetName>.",
                    app.display_name(),
                    connected_app_file(app)
                )),
            );
        }
        for app in &sf.external_client_apps {
            let Some(v) = app
                .oauth_policies
                .as_ref()
                .and_then(|p| p.permitted_users_policy_type.as_ref())
            else {
                continue;
            };
            if !v.is("AllSelfAuthorized") {
                continue;
            }
            let mut f = Finding::new(
                &META,
                v.location.clone(),
                format!(
                    "{}{} lets all users self-authorize (permittedUsersPolicyType AllSelfAuthorized)",
                    eca_phrase(app),
                    serves_phrase(inventory, OAuthAppKind::ExternalClientApp, &app.name)
                ),
            )
            .key(format!("eca|{}|permittedUsersPolicyType", app.name))
            .fix(format!(
                "External Client App Manager > {} > Policies > OAuth Policies > Permitted Users: \"Admin approved users are pre-authorized\" and select the integration's own permission set; in its .ecaOauthPlcy file set <permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType> and <commaSeparatedPermissionSet>.",
                app.display_name()
            ));
            if let Some(loc) = &app.location {
                f = f.related(Related::new(loc, eca_phrase(app)));
            }
            out.push(f);
        }
        out
    }
}
