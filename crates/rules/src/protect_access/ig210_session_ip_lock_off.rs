use intguard_model::{Finding, Inventory, Located, Location, Practice, RuleMeta, Severity};

use crate::support::settings_file;
use crate::Rule;

pub struct SessionIpLockOff;

static META: RuleMeta = RuleMeta {
    id: "IG210",
    name: "session-ip-lock-off",
    practice: Practice::ProtectAccess,
    default_severity: Severity::Low,
    summary: "Sessions are not locked to the IP address they started from, or login IP ranges are not enforced on every request",
    doc: r#"## What it does
Reads `sessionSettings` in `Security.settings` of every project and flags, each at its
element:
- `lockSessionsToIp` false or absent ("Lock sessions to the IP address from which they
  originated");
- `enforceIpRangesEveryRequest` false or absent ("Enforce login IP ranges on every
  request"; Health Check's `enforceLoginIp`).
A project without `Security.settings`, or a file without `sessionSettings`, is not judged.

## Why is this bad?
An access token or session id stolen from an integration (a log line, a heap dump, a
proxy) can be replayed from anywhere until it expires, even though the integration
user's profile restricts where it may log in: the login IP ranges are checked at login
only. Locking sessions to their origin IP and enforcing the ranges on every request
make a stolen token useless elsewhere.

## Example
```xml
<!-- settings/Security.settings-meta.xml -->
<sessionSettings>
    <enforceIpRangesEveryRequest>false</enforceIpRangesEveryRequest>
    <lockSessionsToIp>false</lockSessionsToIp>
</sessionSettings>
```

## How to fix
Setup > Session Settings: check "Lock sessions to the IP address from which they
originated" and "Enforce login IP ranges on every request". In metadata:
```xml
<sessionSettings>
    <enforceIpRangesEveryRequest>true</enforceIpRangesEveryRequest>
    <lockSessionsToIp>true</lockSessionsToIp>
</sessionSettings>
```
Integrations behind a pool of egress addresses (several NAT IPs) should pin one egress
address first, or their sessions will be invalidated when the address changes.

## References
- Salesforce Help: Modify Session Security Settings
- Salesforce Help: Health Check, Session Settings (Enforce login IP ranges on every request)
- Metadata API Developer Guide: SecuritySettings (SessionSettings)
"#,
};

fn check_flag(
    flag: Option<&Located<bool>>,
    section: &Location,
    element: &str,
    what: &str,
    setup: &str,
    out: &mut Vec<Finding>,
) {
    let at = match flag {
        Some(v) if v.value => return,
        Some(v) => v.location.clone(),
        None => section.clone(),
    };
    let state = if flag.is_some() { "false" } else { "not set" };
    out.push(
        Finding::new(
            &META,
            at,
            format!("{what} ({element} {state}): a stolen session or access token works from any address"),
        )
        .key(format!("SecuritySettings|{element}"))
        .fix(format!(
            "Setup > Session Settings: check \"{setup}\"; in {}: <sessionSettings><{element}>true</{element}></sessionSettings>.",
            settings_file(&section.path, "Security")
        )),
    );
}

impl Rule for SessionIpLockOff {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for s in &inventory.salesforce.security_settings {
            let Some(ss) = &s.session_settings else {
                continue;
            };
            check_flag(
                ss.lock_sessions_to_ip.as_ref(),
                &ss.location,
                "lockSessionsToIp",
                "sessions are not locked to the IP address they started from",
                "Lock sessions to the IP address from which they originated",
                &mut out,
            );
            check_flag(
                ss.enforce_ip_ranges_every_request.as_ref(),
                &ss.location,
                "enforceIpRangesEveryRequest",
                "login IP ranges are checked at login only, not on every request",
                "Enforce login IP ranges on every request",
                &mut out,
            );
        }
        out
    }
}
