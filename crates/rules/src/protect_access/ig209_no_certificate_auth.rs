use intguard_model::{Finding, Inventory, OAuthAppKind, Practice, Related, RuleMeta, Severity};

use crate::identities::{
    connected_app_file, connected_app_phrase, eca_phrase, identities_of_app, identities_of_app_that,
};
use crate::Rule;

pub struct NoCertificateAuth;

static META: RuleMeta = RuleMeta {
    id: "IG209",
    name: "no-certificate-auth",
    practice: Practice::ProtectAccess,
    default_severity: Severity::Medium,
    summary: "An integration app has no certificate, so it can only be used with secrets",
    doc: r#"## What it does
Flags OAuth apps that integrations use but that hold no certificate ("Use digital
signatures" off):
- connected apps with an `oauthConfig` without `<certificate>` that run the client
  credentials flow (`isClientCredentialEnabled`) or that an integration user is
  pre-authorized for or runs as;
- External Client Apps whose `.ecaGlblOauth` has no `<certificate>`, with the same
  conditions (`isClientCredentialsFlowEnabled`, pre-authorized integration users).
Apps people log in through (no integration user, no client credentials) are not
flagged.

## Why is this bad?
Without a certificate the app cannot do the JWT bearer flow, so every integration
through it authenticates with a consumer secret and/or the user's password: secrets that
are copied into property files, CI variables and chat, and that work from anywhere. With
a certificate the private key stays in the runtime's keystore and the signed assertion
is valid for three minutes.

## Example
```xml
<!-- connectedApps/Legacy_Data_Loader.connectedApp-meta.xml -->
<oauthConfig>
    <consumerKey>3MVG9...</consumerKey>
    <isClientCredentialEnabled>true</isClientCredentialEnabled>
    <oauthClientCredentialUser>int.mule@acme.com</oauthClientCredentialUser>
    <scopes>Api</scopes>
</oauthConfig>
```

## How to fix
Create a key pair and certificate (`intguard keys new --out <a folder outside the repository>`, or
`openssl req -x509 -newkey rsa:2048 -nodes -keyout sfdc.key -out sfdc.crt -days 365`),
then Setup > App Manager > the app > Edit > "Use digital signatures": upload the
certificate (External Client Apps: Settings > OAuth Settings > Enable JWT Bearer Flow).
Switch the integration to `salesforce:jwt-connection` and stop using the consumer secret
and password. In metadata:
```xml
<oauthConfig>
    <certificate>MIIDdzCCAl+gAwIBAgI...</certificate>
    <isAdminApproved>true</isAdminApproved>
    <scopes>Api</scopes>
</oauthConfig>
```

## References
- Salesforce Help: OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration
- Salesforce Help: Create a Private Key and Self-Signed Digital Certificate
- Metadata API Developer Guide: ConnectedApp (ConnectedAppOauthConfig.certificate), ExtlClntAppGlobalOauthSettings
"#,
};

impl Rule for NoCertificateAuth {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let sf = &inventory.salesforce;
        let mut out = Vec::new();
        for app in &sf.connected_apps {
            let Some(oauth) = &app.oauth else { continue };
            if app.has_certificate() || oauth.certificate_unknown {
                continue;
            }
            let ids = identities_of_app(inventory, OAuthAppKind::ConnectedApp, &app.name);
            let cc = app.client_credentials_enabled();
            if ids.is_empty() && !cc {
                continue;
            }
            let mut why = Vec::new();
            if cc {
                why.push("runs the client credentials flow (consumer secret)".to_string());
            }
            if !ids.is_empty() {
                why.push(format!("serves {}", ids.join(", ")));
            }
            let mut f = Finding::new(
                &META,
                oauth.location.clone(),
                format!(
                    "{} has no certificate: it {}, so it can only be used with a consumer secret or password",
                    connected_app_phrase(app),
                    why.join(" and ")
                ),
            )
            .key(format!("connectedApp|{}|certificate", app.name))
            .fix(format!(
                "Create a key pair and certificate (intguard keys new --out <a folder outside the repository>), upload it in Setup > App Manager > {} > Edit > \"Use digital signatures\" (<certificate> in {}), and switch the integration to the JWT bearer flow {}.",
                app.display_name(),
                connected_app_file(app),
                jwt_switch(inventory, OAuthAppKind::ConnectedApp, &app.name)
            ));
            if let Some(u) = oauth.client_credential_user.as_ref() {
                f = f.related(Related::new(
                    &u.location,
                    format!("client credentials run as {}", u.value.trim()),
                ));
            }
            out.push(f);
        }
        for app in &sf.external_client_apps {
            if app.has_certificate() || app.certificate_unknown {
                continue;
            }
            let ids = identities_of_app(inventory, OAuthAppKind::ExternalClientApp, &app.name);
            let cc = app.client_credentials_enabled();
            if ids.is_empty() && !cc {
                continue;
            }
            let mut why = Vec::new();
            if cc {
                why.push("runs the client credentials flow (consumer secret)".to_string());
            }
            if !ids.is_empty() {
                why.push(format!("serves {}", ids.join(", ")));
            }
            let at = app
                .global_oauth
                .as_ref()
                .map(|g| g.location.clone())
                .unwrap_or_else(|| app.primary_location());
            let mut f = Finding::new(
                &META,
                at,
                format!(
                    "{} has no certificate: it {}, so it can only be used with a consumer secret",
                    eca_phrase(app),
                    why.join(" and ")
                ),
            )
            .key(format!("eca|{}|certificate", app.name))
            .fix(format!(
                "Create a key pair and certificate (intguard keys new --out <a folder outside the repository>), then External Client App Manager > {} > Settings > OAuth Settings: Enable JWT Bearer Flow and upload the certificate (<certificate> in its .ecaGlblOauth file); switch the integration to the JWT bearer flow {}.",
                app.display_name(),
                jwt_switch(inventory, OAuthAppKind::ExternalClientApp, &app.name)
            ));
            if let Some(u) = app
                .oauth_policies
                .as_ref()
                .and_then(|p| p.client_credentials_flow_user.as_ref())
            {
                f = f.related(Related::new(
                    &u.location,
                    format!("client credentials run as {}", u.value.trim()),
                ));
            }
            out.push(f);
        }
        out
    }
}

/// How an integration of OAuth app `name` switches to the JWT bearer flow:
/// a Mule app of the scan logging in as one of its users does it with a
/// `salesforce:jwt-connection`; anything else (a metadata-only project,
/// whose integrations are not among the paths) signs a JWT itself.
fn jwt_switch(inventory: &Inventory, kind: OAuthAppKind, name: &str) -> &'static str {
    if identities_of_app_that(inventory, kind, name, |id| !id.apps.is_empty()).is_empty() {
        "(its client signs a JWT with the private key instead of sending the consumer secret or a password; intguard fix jwt does it for a Mule app)"
    } else {
        "(salesforce:jwt-connection)"
    }
}
