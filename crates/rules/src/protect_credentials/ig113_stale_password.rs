use intguard_model::{
    days_between, AuthClass, Finding, Inventory, Practice, Related, RuleMeta, Severity,
};

use crate::identities::{active_org_users, identity_finding};
use crate::Rule;

pub struct StalePassword;

static META: RuleMeta = RuleMeta {
    id: "IG113",
    name: "stale-password",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::Medium,
    summary: "An integration user still logs in with a password that has not changed in 90 days",
    doc: r#"## What it does
Org audits only (`intguard org audit`, or `intguard scan --org-snapshot`). For every
active integration user of the org, takes `LastPasswordChangeDate` (or `CreatedDate`
when it never changed) and reports the user when the password is older than 90 days at
the time the org was read **and** the user still logs in with it: a password login in
its Login History within the audit window (the OAuth username-password flow, a SOAP
`login()`), or a Mule app of the scan connecting as it with a password. A user the org
shows frozen (`UserLogin.IsFrozen`) is still reported, as frozen: its password is its
credential again the moment it is unfrozen.

When the auditing user could not read LoginHistory, the rule reports "not checked" as a
diagnostic instead of passing.

## Why is this bad?
A password that a whole team has seen, copied into property files of every environment
and never rotated is the most common way integration users are taken over. Every day it
stays the same widens the circle of people and files that know it.

## Example
```text
int.etl@acme.com  LastPasswordChangeDate 2025-09-27 (400 days ago)
LoginHistory: 2026-10-31 Remote Access 2.0 / OauthUsernamePassword from 203.0.113.11
```

## How to fix
Best: stop using a password. Move the integration to the OAuth 2.0 JWT bearer flow (a
certificate on the connected app, `salesforce:jwt-connection` in Mule; `intguard keys
new` makes the key and certificate), then block the username-password flow (IG207).
Until then, reset the password (Setup > Users > the user > Reset Password), store the
new one encrypted (secure properties), and shorten the expiry of the integration
profile's password policy to 90 days.

## References
- Salesforce Help: Set Password Policies
- Salesforce Help: OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration
- Salesforce Help: Monitor Login History
"#,
};

/// Older than this, a password is stale.
const MAX_AGE_DAYS: i64 = 90;

impl Rule for StalePassword {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for (id, org, user) in active_org_users(inventory) {
            let Some(changed) = user.last_password_change_unix.or(user.created_unix) else {
                continue;
            };
            let age = days_between(changed, org.read_at_unix);
            if age <= MAX_AGE_DAYS {
                continue;
            }
            let logins: Vec<_> = org
                .logins_of(&user.id)
                .filter(|l| l.succeeded() && l.is_password_login())
                .collect();
            let mule: Vec<_> = id
                .apps
                .iter()
                .filter(|a| a.auth == AuthClass::Password)
                .collect();
            if logins.is_empty() && mule.is_empty() {
                continue;
            }
            let mut evidence = Vec::new();
            if let Some(last) = logins.iter().max_by_key(|l| l.time_unix) {
                evidence.push(format!(
                    "{} password login(s) in the audit window, the last {} days ago{}",
                    logins.len(),
                    days_between(last.time_unix, org.read_at_unix),
                    last.source_ip
                        .as_deref()
                        .map(|ip| format!(" from {ip}"))
                        .unwrap_or_default()
                ));
            }
            if !mule.is_empty() {
                let mut apps: Vec<&str> = mule.iter().map(|a| a.app.as_str()).collect();
                apps.sort_unstable();
                apps.dedup();
                evidence.push(format!("password connections in {}", apps.join(", ")));
            }
            let username = &user.username;
            // Frozen, it does not log in now: its password still is its
            // credential the moment it is unfrozen.
            let message = if user.frozen.is_some() {
                format!(
                    "integration user {username} is frozen (it cannot log in until unfrozen), but its credential is still a password last changed {age} days ago ({})",
                    evidence.join("; ")
                )
            } else {
                format!(
                    "integration user {username} still logs in with a password last changed {age} days ago ({})",
                    evidence.join("; ")
                )
            };
            let mut f = identity_finding(&META, id, user.location.clone(), message)
            .key(format!("stale-password|{}", username.to_lowercase()))
            .fix(format!(
                "Move {username} to the JWT bearer flow (certificate, no password) and block the username-password flow; until then reset its password (Setup > Users > {username} > Reset Password), keep it encrypted, and set a 90-day expiry on its profile's password policy."
            ));
            for l in logins.iter().take(3) {
                f = f.related(Related::new(
                    &l.location,
                    format!(
                        "password login{}{}",
                        l.app().map(|a| format!(" by {a}")).unwrap_or_default(),
                        l.source_ip
                            .as_deref()
                            .map(|ip| format!(" from {ip}"))
                            .unwrap_or_default()
                    ),
                ));
            }
            out.push(f);
        }
        out
    }
}
