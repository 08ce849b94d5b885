use intguard_model::{
    AuthClass, Finding, Inventory, MuleRuntime, Practice, Related, RuleMeta, Severity,
};

use crate::identities::{active_org_users, identity_finding, shared_user_note};

use crate::support::{connection_identities, describe_identities, environments, identity_related};
use crate::Rule;

pub struct PasswordAuth;

static META: RuleMeta = RuleMeta {
    id: "IG101",
    name: "password-auth",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::High,
    summary: "A Salesforce connection authenticates with a username and password",
    doc: r#"## What it does
Flags Salesforce connections that log in with a password: Mule 4
`salesforce:basic-connection` (SOAP `login()`), `salesforce:oauth-user-pass-connection`
(the OAuth username-password flow), Mule 3 `sfdc:config` with a `password`, and any
connection whose login URL is the SOAP endpoint `/services/Soap/u/`.

In an org audit (`intguard org audit`, `intguard scan --org-snapshot`) it also reads the
Login History of every integration user within the audit window: successful logins
through the OAuth username-password flow (`LoginSubType` `OauthUsernamePassword`) or a
SOAP `login()` are reported once per user, with the apps and source addresses, and
attempts refused with "Username-Password Flow Disabled" show what still tries.

## Why is this bad?
A password (plus security token) is a shared secret that a whole team ends up
knowing; it is copied between environments, rarely rotated, and works from anywhere
the user's login IP ranges allow. The OAuth username-password flow is blocked by
default in orgs since Summer '23, and SOAP `login()` is retiring (Summer '27). The
JWT bearer flow replaces the password with a private key that never leaves the
runtime, and the connected app (or External Client App) decides who may use it.

## Example
```xml
<salesforce:sfdc-config name="Salesforce_Config">
  <salesforce:basic-connection username="${sfdc.username}" password="${secure::sfdc.password}"
      securityToken="${secure::sfdc.token}"/>
</salesforce:sfdc-config>
```

## How to fix
Create a certificate (`intguard keys new --out keys/`), upload it to a connected app or
External Client App with "Use digital signatures", pre-authorize the integration
user's permission set (admin-approved users only), and switch the connection to JWT:
```xml
<salesforce:sfdc-config name="Salesforce_Config">
  <salesforce:jwt-connection consumerKey="${secure::sfdc.consumerKey}"
      keyStore="keys/sfdc.jks" storePassword="${secure::sfdc.keystorePassword}"
      certificateAlias="sfdc" principal="${sfdc.username}"
      tokenEndpoint="https://acme.my.salesforce.com/services/oauth2/token"
      audienceUrl="https://login.salesforce.com"/>
</salesforce:sfdc-config>
```
Then remove the password and security token from every property file and reset the
user's password to a long random value nobody knows.

## References
- Salesforce Help: OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration
- Salesforce Help: Block the OAuth 2.0 Username-Password Flow
- MuleSoft Docs: Salesforce Connector 10.x Reference, JWT connection
"#,
};

impl Rule for PasswordAuth {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for (app, conn) in inventory.connections() {
            let soap_login = conn
                .endpoint_attributes()
                .flat_map(|a| app.resolve_all(&a.value))
                .filter_map(|r| r.value)
                .any(|url| url.contains("/services/Soap/u/"));
            let how = match conn.auth {
                AuthClass::Password if conn.element.ends_with("oauth-user-pass-connection") => {
                    "the OAuth username-password flow"
                }
                AuthClass::Password => "a username, password and security token (SOAP login)",
                _ if soap_login => "the SOAP login endpoint /services/Soap/u/",
                _ => continue,
            };
            let ids = connection_identities(app, conn);
            let who = describe_identities(&ids);
            let message = format!(
                "{} `{}` ({}) authenticates with {how}{}",
                app.name,
                conn.config_name,
                conn.element,
                who.as_deref()
                    .map(|w| format!(" as {w}"))
                    .unwrap_or_default()
            );
            let mut finding = Finding::new(&META, conn.location.clone(), message)
                .maybe_identity(who)
                .environments(environments(&ids))
                .key(format!("{}|{}", conn.config_name, conn.element))
                .fix(if app.runtime == MuleRuntime::Mule3 {
                    // <salesforce:jwt-connection> is Mule 4's connector.
                    format!(
                        "Migrate the integration to Mule 4 and replace <{}> with <salesforce:jwt-connection> (consumerKey, keyStore, storePassword, principal) backed by a certificate uploaded to a connected app or External Client App; then remove the password and security token from the property files and reset the user's password. Until then, keep the password out of the repository and rotate it.",
                        conn.element
                    )
                } else {
                    format!(
                        "Replace <{}> with <salesforce:jwt-connection> (consumerKey, keyStore, storePassword, principal) backed by a certificate uploaded to a connected app or External Client App; then remove the password and security token from the property files and reset the user's password.",
                        conn.element
                    )
                });
            let mut users: Vec<&str> = ids.iter().map(|i| i.username.as_str()).collect();
            users.sort_unstable();
            users.dedup();
            let notes: String = users
                .iter()
                .map(|u| shared_user_note(inventory, u, &app.name))
                .collect();
            if !notes.is_empty() {
                finding.fix.push_str(&notes);
            }
            for rel in identity_related(&ids) {
                finding = finding.related(rel);
            }
            out.push(finding);
        }
        out.extend(password_logins(inventory));
        out
    }
}

/// Integration users whose Login History shows password logins.
fn password_logins(inventory: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    for (id, org, user) in active_org_users(inventory) {
        let logins: Vec<_> = org
            .logins_of(&user.id)
            .filter(|l| l.is_password_login())
            .collect();
        if logins.is_empty() {
            continue;
        }
        let ok = logins.iter().filter(|l| l.succeeded()).count();
        let blocked = logins.len() - ok;
        let mut via: Vec<String> = logins
            .iter()
            .map(|l| {
                let how = l
                    .login_sub_type
                    .clone()
                    .or_else(|| l.api_type.clone())
                    .unwrap_or_else(|| "password".into());
                match (&l.application, &l.source_ip) {
                    (Some(a), Some(ip)) => format!("{a} ({how}) from {ip}"),
                    (Some(a), None) => format!("{a} ({how})"),
                    (None, Some(ip)) => format!("{how} from {ip}"),
                    (None, None) => how,
                }
            })
            .collect();
        via.sort();
        via.dedup();
        let username = &user.username;
        let what = match (ok, blocked) {
            (0, b) => format!("{b} password login attempt(s), refused"),
            (o, 0) => format!("{o} password login(s)"),
            (o, b) => format!("{o} password login(s) and {b} refused attempt(s)"),
        };
        let mut f = identity_finding(
            &META,
            id,
            user.location.clone(),
            format!(
                "integration user {username} logs in with a password: {what} in the audit window by {}",
                via.join(", ")
            ),
        )
        .key(format!("login-history|{}", username.to_lowercase()))
        .fix(format!(
            "Move what logs in as {username} to the JWT bearer flow (a certificate on its connected app or External Client App; salesforce:jwt-connection in Mule), then block the username-password flow (Setup > OAuth and OpenID Connect Settings) and reset the password to a random value nobody keeps."
        ));
        if ok == 0 {
            f = f.severity(Severity::Medium);
        }
        for l in logins.iter().take(3) {
            f = f.related(Related::new(
                &l.location,
                format!(
                    "{} {}",
                    l.status.as_deref().unwrap_or("login"),
                    l.login_sub_type.as_deref().unwrap_or("")
                ),
            ));
        }
        out.push(f);
    }
    out
}
