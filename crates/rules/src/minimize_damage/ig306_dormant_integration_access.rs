use intguard_model::{days_between, Finding, Inventory, Practice, Related, RuleMeta, Severity};

use crate::identities::{active_org_users, identity_finding};
use crate::Rule;

pub struct DormantIntegrationAccess;

static META: RuleMeta = RuleMeta {
    id: "IG306",
    name: "dormant-integration-access",
    practice: Practice::MinimizeDamage,
    default_severity: Severity::Low,
    summary: "An integration user or an app's OAuth token unused for 90 days",
    doc: r#"## What it does
Org audits only (`intguard org audit`, or `intguard scan --org-snapshot`). Reports:
- an active integration user whose `LastLoginDate` is more than 90 days before the org
  was read, or who never logged in (and was created more than 90 days before, when
  its `CreatedDate` is known), unless an app used one of its OAuth tokens, or Login
  History shows it logging in, within those 90 days (the integration still runs as it);
- an OAuth token (connected app authorization) of an integration user whose
  `LastUsedDate` is more than 90 days old, or that was never used.

A user the org shows frozen (`UserLogin.IsFrozen`) is reported as such: it already
cannot log in, but it is still active, keeps its permissions and credentials, and an
unfreeze brings them back, so freezing it is no fix; deactivating it is, once its
integration is retired.

## Why is this bad?
Access nobody uses is pure risk: its credential (password, certificate, refresh token)
still works for whoever holds it, and nobody watches it. Dormant integration users are
often left behind by retired integrations, with their permissions intact.

## Example
```text
int.legacy-sync@acme.com  IsActive true  LastLoginDate 2026-04-15 (200 days ago)
OauthToken  Old Sync / int.legacy-sync@acme.com  LastUsedDate 2026-04-15
```

## How to fix
Confirm with the integration's owner that nothing uses it, then deactivate the user
(Setup > Users > Edit > Active off) or freeze it first; revoke unused tokens (Setup >
Connected Apps OAuth Usage, or the user's OAuth Connected Apps list > Revoke), and
remove the permission sets it no longer needs. A user already frozen: deactivate it when
its integration is retired (or record its owner and why it stays frozen).

## References
- Salesforce Help: Deactivate Users
- Salesforce Help: Monitor Usage for Connected Apps (Connected Apps OAuth Usage)
"#,
};

/// Unused for longer than this, access is dormant.
const MAX_IDLE_DAYS: i64 = 90;

impl Rule for DormantIntegrationAccess {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for (id, org, user) in active_org_users(inventory) {
            let username = &user.username;
            let idle = user
                .last_login_unix
                .map(|t| days_between(t, org.read_at_unix));
            // A user created less than 90 days ago has not been unused for
            // 90 days, logged in or not.
            let age = user.created_unix.map(|t| days_between(t, org.read_at_unix));
            // `LastLoginDate` is not the only sign of use: an app using the
            // user's OAuth token (a refresh token, a long session) or a
            // login Login History holds says the integration still runs as
            // it, and deactivating the user would break it.
            let token_used = org
                .tokens_of(&user.id)
                .filter_map(|t| t.last_used_unix)
                .max();
            let logged_in = org
                .logins_of(&user.id)
                .filter(|l| l.succeeded())
                .map(|l| l.time_unix)
                .max();
            let used_lately = token_used
                .max(logged_in)
                .is_some_and(|t| days_between(t, org.read_at_unix) <= MAX_IDLE_DAYS);
            let dormant = !used_lately
                && match (idle, age) {
                    (Some(d), _) => d > MAX_IDLE_DAYS,
                    (None, Some(a)) => a > MAX_IDLE_DAYS,
                    (None, None) => true,
                };
            if dormant {
                let mut when = match (idle, age) {
                    (Some(d), _) => format!("has not logged in for {d} days"),
                    (None, Some(a)) => {
                        format!("has never logged in, {a} days after it was created")
                    }
                    (None, None) => "has never logged in".to_string(),
                };
                if let Some(t) = token_used {
                    when.push_str(&format!(
                        ", and its OAuth tokens were last used {} days ago",
                        days_between(t, org.read_at_unix)
                    ));
                }
                let f = match &user.frozen {
                    // Frozen: it cannot log in already; "freeze it" would
                    // be no fix, and "active" alone would hide why.
                    Some(frozen) => identity_finding(
                        &META,
                        id,
                        user.location.clone(),
                        format!(
                            "integration user {username} is frozen (it cannot log in, but is still active and keeps its permissions and credentials) and {when}"
                        ),
                    )
                    .related(Related::new(frozen, format!("{username} is frozen")))
                    .fix(format!(
                        "{username} is already frozen, so nothing logs in as it now; unfreezing it would make its credentials and permissions work again. When the integration it served is retired, deactivate it in Setup > Users (Edit > Active off) and remove its permission sets; until then record its owner and why it stays frozen."
                    )),
                    None => identity_finding(
                        &META,
                        id,
                        user.location.clone(),
                        format!("active integration user {username} {when}"),
                    )
                    .fix(format!(
                        "If no integration uses {username} any more, deactivate (or freeze) it in Setup > Users, and remove its permission sets; otherwise record its owner."
                    )),
                };
                out.push(f.key(format!("dormant-user|{}", username.to_lowercase())));
            }
            for t in org.tokens_of(&user.id) {
                let idle = t.last_used_unix.map(|u| days_between(u, org.read_at_unix));
                if idle.is_some_and(|d| d <= MAX_IDLE_DAYS) {
                    continue;
                }
                let when = match idle {
                    Some(d) => format!("unused for {d} days"),
                    None => "never used".to_string(),
                };
                out.push(
                    identity_finding(
                        &META,
                        id,
                        t.location.clone(),
                        format!(
                            "OAuth token of {} for integration user {username} is {when}",
                            t.app_name
                        ),
                    )
                    .key(format!(
                        "dormant-token|{}|{}",
                        username.to_lowercase(),
                        t.app_name.to_lowercase()
                    ))
                    .fix(format!(
                        "Revoke it: Setup > Connected Apps OAuth Usage > {} > User Count > Revoke for {username} (or the user's detail page > OAuth Connected Apps > Revoke).{}",
                        t.app_name,
                        if user.frozen.is_some() {
                            " The user is frozen, but the org still lists this token: revoke it rather than rely on the freeze."
                        } else {
                            ""
                        }
                    )),
                );
            }
        }
        out
    }
}
