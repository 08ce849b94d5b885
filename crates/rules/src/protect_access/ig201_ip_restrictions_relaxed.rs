use intguard_model::{
    Finding, Inventory, IpFamily, IpRange, OAuthAppKind, Practice, RuleMeta, Severity,
};

use crate::identities::{connected_app_file, connected_app_phrase, eca_phrase, serves_phrase};
use crate::Rule;

pub struct IpRestrictionsRelaxed;

static META: RuleMeta = RuleMeta {
    id: "IG201",
    name: "ip-restrictions-relaxed",
    practice: Practice::ProtectAccess,
    default_severity: Severity::High,
    summary: "An OAuth app relaxes the login IP ranges of the users it serves",
    doc: r#"## What it does
Reads every connected app's `oauthPolicy.ipRelaxation` and every External Client App's
`ipRelaxationPolicyType` (`.ecaOauthPlcy`) and flags any value other than enforcing:
- `BYPASS` / `Bypass` ("Relax IP restrictions") and `BYPASS_2FACTOR` / `Bypass_2factor`
  ("Relax IP restrictions with second factor"): high;
- `ENFORCE_RELAXREFRESH` / `Enforce_RelaxRefresh` ("Enforce IP restrictions, but relax
  for refreshed tokens"): medium, since only refresh tokens escape the ranges.
An absent value is the default, `ENFORCE`.

It also reads the app's trusted IP ranges (a connected app's `ipRanges`, an External
Client App's `trustedIpRanges` in `.ecaOauth`): logins from inside them skip the
identity verification Salesforce otherwise asks for. A range wider than a /8 (IPv4)
or a /32 (IPv6), such as `0.0.0.0` - `255.255.255.255`, trusts the whole internet:
medium, one finding per range.

## Why is this bad?
Login IP ranges on the integration user's profile are the control that makes a stolen
certificate, consumer secret or password useless outside your network (CloudHub static
IPs, your VPC egress). A relaxed app lets anyone holding the credential obtain tokens
for the app's users from any address on the internet.

## Example
```xml
<!-- connectedApps/Orders_Integration.connectedApp-meta.xml -->
<oauthPolicy>
    <ipRelaxation>BYPASS</ipRelaxation>
    <refreshTokenPolicy>infinite</refreshTokenPolicy>
</oauthPolicy>
```

A trusted IP range as wide as the internet waives the app's identity verification for
everyone:
```xml
<ipRanges>
    <description>any address</description>
    <end>255.255.255.255</end>
    <start>0.0.0.0</start>
</ipRanges>
```

## How to fix
Setup > App Manager > the app > Manage > Edit Policies > IP Relaxation: "Enforce IP
restrictions" (External Client Apps: External Client App Manager > the app > Policies >
OAuth Policies > IP Relaxation). In metadata:
```xml
<oauthPolicy>
    <ipRelaxation>ENFORCE</ipRelaxation>
</oauthPolicy>
```
```xml
<!-- extlClntAppOauthPolicies/<App>_oauthPlcy.ecaOauthPlcy-meta.xml -->
<ipRelaxationPolicyType>Enforce</ipRelaxationPolicyType>
```
Then make sure the integration users' profiles have login IP ranges (IG202).

Narrow a trusted IP range to the integration runtime's egress addresses (CloudHub:
Runtime Manager > the app > Static IPs), or delete it: Setup > App Manager > the app >
Manage > Trusted IP Range for OAuth Web Server Flow (External Client Apps: the app's
OAuth settings).

## References
- Salesforce Help: Manage OAuth Access Policies for a Connected App (IP Relaxation)
- Salesforce Help: Configure External Client App OAuth Policies
- Salesforce Help: Set Trusted IP Ranges for a Connected App
- Metadata API Developer Guide: ConnectedApp (ConnectedAppOauthPolicy.ipRelaxation), ExtlClntAppOauthConfigurablePolicies
"#,
};

/// Severity of a relaxation value (case-insensitive, `_` ignored), `None`
/// when it enforces.
fn relaxation(value: &str) -> Option<(Severity, &'static str)> {
    let v: String = value
        .trim()
        .chars()
        .filter(|c| *c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    match v.as_str() {
        "" | "enforce" => None,
        "enforcerelaxrefresh" => Some((
            Severity::Medium,
            "enforces IP restrictions but relaxes them for refreshed tokens",
        )),
        "bypass2factor" => Some((
            Severity::High,
            "relaxes IP restrictions for users who pass a second factor",
        )),
        "bypass" => Some((Severity::High, "relaxes IP restrictions")),
        _ => Some((Severity::High, "does not enforce IP restrictions")),
    }
}

/// What a leaked credential can do under a relaxation of this tier: only
/// refreshed tokens escape the ranges under `ENFORCE_RELAXREFRESH`.
fn consequence(severity: Severity) -> &'static str {
    if severity == Severity::High {
        "a leaked credential works from any address"
    } else {
        "a leaked refresh token works from any address"
    }
}

/// The fingerprint key's tier suffix: a relaxation that becomes worse
/// (refreshed tokens only -> every login) is a new finding, not one
/// hidden by a baseline of the milder one. The high tier keeps the plain
/// key, as before.
fn tier_key(severity: Severity) -> &'static str {
    if severity == Severity::High {
        ""
    } else {
        "|relax-refresh"
    }
}

impl Rule for IpRestrictionsRelaxed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let sf = &inventory.salesforce;
        let mut out = Vec::new();
        for app in &sf.connected_apps {
            let Some(v) = app.oauth.as_ref().and_then(|o| o.ip_relaxation.as_ref()) else {
                continue;
            };
            let Some((severity, what)) = relaxation(&v.value) else {
                continue;
            };
            out.push(
                Finding::new(
                    &META,
                    v.location.clone(),
                    format!(
                        "{}{} {what} (ipRelaxation {}): {}",
                        connected_app_phrase(app),
                        serves_phrase(inventory, OAuthAppKind::ConnectedApp, &app.name),
                        v.value.trim(),
                        consequence(severity)
                    ),
                )
                .severity(severity)
                .key(format!(
                    "connectedApp|{}|ipRelaxation{}",
                    app.name,
                    tier_key(severity)
                ))
                .fix(format!(
                    "Setup > App Manager > {} > Manage > Edit Policies > IP Relaxation: \"Enforce IP restrictions\"; in {} set <oauthPolicy><ipRelaxation>ENFORCE</ipRelaxation></oauthPolicy>, and give the integration users' profiles login IP ranges.",
                    app.display_name(),
                    connected_app_file(app)
                )),
            );
        }
        for app in &sf.external_client_apps {
            let Some(v) = app
                .oauth_policies
                .as_ref()
                .and_then(|p| p.ip_relaxation_policy_type.as_ref())
            else {
                continue;
            };
            let Some((severity, what)) = relaxation(&v.value) else {
                continue;
            };
            let mut f = Finding::new(
                &META,
                v.location.clone(),
                format!(
                    "{}{} {what} (ipRelaxationPolicyType {}): {}",
                    eca_phrase(app),
                    serves_phrase(inventory, OAuthAppKind::ExternalClientApp, &app.name),
                    v.value.trim(),
                    consequence(severity)
                ),
            )
            .severity(severity)
            .key(format!(
                "eca|{}|ipRelaxationPolicyType{}",
                app.name,
                tier_key(severity)
            ))
            .fix(format!(
                "External Client App Manager > {} > Policies > OAuth Policies > IP Relaxation: \"Enforce IP restrictions\"; in its .ecaOauthPlcy file set <ipRelaxationPolicyType>Enforce</ipRelaxationPolicyType>, and give the integration users' profiles login IP ranges.",
                app.display_name()
            ));
            if let Some(loc) = &app.location {
                f = f.related(intguard_model::Related::new(loc, eca_phrase(app)));
            }
            out.push(f);
        }
        for app in &sf.connected_apps {
            let holder = format!(
                "{}{}",
                connected_app_phrase(app),
                serves_phrase(inventory, OAuthAppKind::ConnectedApp, &app.name)
            );
            let fix = format!(
                "Narrow the range to the integration runtime's egress addresses (CloudHub: Runtime Manager > the app > Static IPs) or delete it: Setup > App Manager > {} > Manage > Trusted IP Range for OAuth Web Server Flow; in {} edit or remove this <ipRanges> element.",
                app.display_name(),
                connected_app_file(app)
            );
            let key = format!("connectedApp|{}|ipRanges", app.name);
            wide_trusted_ranges(&app.ip_ranges, "ipRanges", &holder, &fix, &key, &mut out);
        }
        for app in &sf.external_client_apps {
            let Some(settings) = &app.oauth_settings else {
                continue;
            };
            let holder = format!(
                "{}{}",
                eca_phrase(app),
                serves_phrase(inventory, OAuthAppKind::ExternalClientApp, &app.name)
            );
            let fix = format!(
                "Narrow the range to the integration runtime's egress addresses (CloudHub: Runtime Manager > the app > Static IPs) or delete it: External Client App Manager > {} > Settings > OAuth Settings; in its .ecaOauth file edit or remove this <trustedIpRanges> element.",
                app.display_name()
            );
            let key = format!("eca|{}|trustedIpRanges", app.name);
            wide_trusted_ranges(
                &settings.trusted_ip_ranges,
                "trustedIpRanges",
                &holder,
                &fix,
                &key,
                &mut out,
            );
        }
        out
    }
}

/// One finding per trusted IP range of an app so wide that it trusts the
/// whole internet ([`IpRange::too_wide`], IG202's measure): logins from it
/// skip identity verification.
fn wide_trusted_ranges(
    ranges: &[IpRange],
    element: &str,
    holder: &str,
    fix: &str,
    key: &str,
    out: &mut Vec<Finding>,
) {
    for range in ranges {
        let Some(family) = range.too_wide() else {
            continue;
        };
        let than = match family {
            IpFamily::V4 => "wider than a /8",
            IpFamily::V6 => "wider than a /32",
        };
        let (start, end) = (range.start.trim(), range.end.trim());
        out.push(
            Finding::new(
                &META,
                range.location.clone(),
                format!(
                    "{holder} trusts {start}-{end} ({element}, {than}): logins from any of those addresses skip identity verification"
                ),
            )
            .severity(Severity::Medium)
            .key(format!("{key}|{start}-{end}"))
            .fix(fix.to_string()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaxation_values() {
        assert!(relaxation("ENFORCE").is_none());
        assert!(relaxation("Enforce").is_none());
        assert_eq!(relaxation("BYPASS").unwrap().0, Severity::High);
        assert_eq!(relaxation("Bypass_2factor").unwrap().0, Severity::High);
        assert_eq!(
            relaxation("ENFORCE_RELAXREFRESH").unwrap().0,
            Severity::Medium
        );
        assert_eq!(
            relaxation("Enforce_RelaxRefresh").unwrap().0,
            Severity::Medium
        );
    }
}
