use intguard_model::{
    AuthClass, Finding, IntegrationIdentity, Inventory, Location, Practice, ProfilePasswordPolicy,
    Related, RuleMeta, Severity,
};

use crate::identities::{
    auditable, grant_related, identity_finding, identity_key, identity_label, identity_phrase,
    identity_related, profile_related, with_related,
};
use crate::support::settings_file;
use crate::Rule;

pub struct WeakPasswordPolicy;

static META: RuleMeta = RuleMeta {
    id: "IG111",
    name: "weak-password-policy",
    practice: Practice::ProtectCredentials,
    default_severity: Severity::Medium,
    summary: "The org's or an integration profile's password policy is weak, or an integration user's password never expires",
    doc: r#"## What it does
Flags, each at its element:
- the org's password policy (`Security.settings` `passwordPolicies`), with Health
  Check's Baseline Standard as the bar: `expiration` `Never` or `OneYear`, `complexity`
  `NoRestriction`, `minimumPasswordLength` under 8, `maxLoginAttempts` `NoLimit`;
- the password policy of a profile an integration user is on (`ProfilePasswordPolicy`):
  `passwordExpiration` 0 (never) or a year or more, `passwordComplexity` 0,
  `minimumPasswordLength` under 8, `maxLoginAttempts` 0 (no limit);
- `PasswordNeverExpires` ("Password Never Expires") held by an integration user, at the
  granting `userPermissions` element.

## Why is this bad?
Where an integration still has a password (SOAP login, the username-password flow,
Data Loader), that password is a shared secret: it sits in property files and CI
variables and many people have seen it. A policy that never expires it, accepts short
or simple passwords and never locks the account turns one leak into permanent access
and makes guessing practical.

## Example
```xml
<!-- settings/Security.settings-meta.xml -->
<passwordPolicies>
    <complexity>NoRestriction</complexity>
    <expiration>Never</expiration>
    <maxLoginAttempts>NoLimit</maxLoginAttempts>
    <minimumPasswordLength>6</minimumPasswordLength>
</passwordPolicies>
```

## How to fix
Setup > Password Policies (org) or Setup > Profiles > the integration profile > Password
Policies:
```xml
<passwordPolicies>
    <complexity>UpperLowerCaseNumericSpecialCharacters</complexity>
    <expiration>NinetyDays</expiration>
    <maxLoginAttempts>ThreeAttempts</maxLoginAttempts>
    <minimumPasswordLength>12</minimumPasswordLength>
</passwordPolicies>
```
```xml
<!-- profilePasswordPolicies/<Profile>_profilePasswordPolicy<n>.profilePasswordPolicy-meta.xml -->
<maxLoginAttempts>3</maxLoginAttempts>
<minimumPasswordLength>12</minimumPasswordLength>
<passwordComplexity>3</passwordComplexity>
<passwordExpiration>90</passwordExpiration>
```
Remove "Password Never Expires" from the integration user's profile and permission sets.
A managed package's permission set (`acme__Sync`) cannot be edited in your org: unassign
it and give the integration a permission set of your own instead.
Better still, stop using the password: the JWT bearer flow needs none (IG101).

## References
- Salesforce Help: Set Password Policies
- Salesforce Help: Health Check, Baseline Standard (Password Policy Settings)
- Metadata API Developer Guide: SecuritySettings (PasswordPolicies), ProfilePasswordPolicy
"#,
};

/// `(element, value, problem)` for a weak org password policy value.
fn org_weakness(element: &str, value: &str) -> Option<&'static str> {
    let v = value.trim();
    match element {
        "expiration" if v.eq_ignore_ascii_case("Never") => Some("passwords never expire"),
        "expiration" if v.eq_ignore_ascii_case("OneYear") => {
            Some("passwords expire only once a year")
        }
        "complexity" if v.eq_ignore_ascii_case("NoRestriction") => {
            Some("passwords need no mix of character types")
        }
        "minimumPasswordLength" if v.parse::<u32>().is_ok_and(|n| n < 8) => {
            Some("passwords may be shorter than 8 characters")
        }
        "maxLoginAttempts" if v.eq_ignore_ascii_case("NoLimit") => {
            Some("accounts are never locked out after failed logins")
        }
        _ => None,
    }
}

fn profile_weakness(element: &str, value: u32) -> Option<&'static str> {
    match element {
        "passwordExpiration" if value == 0 => Some("passwords never expire"),
        "passwordExpiration" if value >= 365 => Some("passwords expire only once a year"),
        "passwordComplexity" if value == 0 => Some("passwords need no mix of character types"),
        "minimumPasswordLength" if value < 8 => Some("passwords may be shorter than 8 characters"),
        "maxLoginAttempts" if value == 0 => {
            Some("accounts are never locked out after failed logins")
        }
        _ => None,
    }
}

const ORG_FIX: &[(&str, &str)] = &[
    ("expiration", "NinetyDays"),
    ("complexity", "UpperLowerCaseNumericSpecialCharacters"),
    ("minimumPasswordLength", "12"),
    ("maxLoginAttempts", "ThreeAttempts"),
];

const PROFILE_FIX: &[(&str, &str)] = &[
    ("passwordExpiration", "90"),
    ("passwordComplexity", "3"),
    ("minimumPasswordLength", "12"),
    ("maxLoginAttempts", "3"),
];

fn fix_value(table: &[(&str, &'static str)], element: &str) -> &'static str {
    table
        .iter()
        .find(|(e, _)| *e == element)
        .map(|(_, v)| *v)
        .unwrap_or("")
}

fn profile_policy_findings(
    policy: &ProfilePasswordPolicy,
    ids: &[&IntegrationIdentity],
    out: &mut Vec<Finding>,
) {
    let profile = policy
        .profile
        .as_ref()
        .map(|p| p.value.trim().to_string())
        .unwrap_or_else(|| policy.name.clone());
    let who: Vec<String> = ids.iter().map(|i| identity_label(i)).collect();
    let fields: [(&str, Option<(u32, &Location)>); 4] = [
        (
            "passwordExpiration",
            policy
                .password_expiration
                .as_ref()
                .map(|v| (v.value, &v.location)),
        ),
        (
            "passwordComplexity",
            policy
                .password_complexity
                .as_ref()
                .map(|v| (v.value, &v.location)),
        ),
        (
            "minimumPasswordLength",
            policy
                .minimum_password_length
                .as_ref()
                .map(|v| (v.value, &v.location)),
        ),
        (
            "maxLoginAttempts",
            policy
                .max_login_attempts
                .as_ref()
                .map(|v| (v.value, &v.location)),
        ),
    ];
    for (element, v) in fields {
        let Some((value, at)) = v else { continue };
        let Some(problem) = profile_weakness(element, value) else {
            continue;
        };
        let mut f = Finding::new(
            &META,
            at.clone(),
            format!(
                "password policy of integration profile {profile} ({}): {problem} ({element} {value})",
                who.join(", ")
            ),
        )
        .key(format!("ProfilePasswordPolicy|{profile}|{element}"))
        .fix(format!(
            "Setup > Profiles > {profile} > Password Policies; in {}: <{element}>{}</{element}>.",
            crate::support::metadata_file(&policy.location.path, "profilePasswordPolicies", || {
                format!(
                    "profilePasswordPolicies/{}.profilePasswordPolicy-meta.xml",
                    policy.name
                )
            }),
            fix_value(PROFILE_FIX, element)
        ));
        if ids.len() == 1 {
            f = f.identity(identity_label(ids[0]));
        }
        for id in ids {
            f = with_related(f, profile_related(id));
            f = with_related(f, identity_related(id));
        }
        out.push(f);
    }
}

impl Rule for WeakPasswordPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let sf = &inventory.salesforce;
        let mut out = Vec::new();
        // Mule connections that log in with a password: a shorter expiry
        // stops them when their password expires, unless they move first.
        let mut password_apps: Vec<&str> = inventory
            .connections()
            .filter(|(_, c)| c.auth == AuthClass::Password)
            .map(|(a, _)| a.name.as_str())
            .collect();
        password_apps.sort_unstable();
        password_apps.dedup();
        let expiry_note = if password_apps.is_empty() {
            String::new()
        } else {
            format!(
                " First move the integrations that log in with a password ({}) to the JWT bearer flow (IG101), or rotate their passwords before each expiry: an expired password stops an app's logins.",
                password_apps.join(", ")
            )
        };
        for s in &sf.security_settings {
            let Some(pp) = &s.password_policies else {
                continue;
            };
            for (element, v) in [
                ("expiration", &pp.expiration),
                ("complexity", &pp.complexity),
                ("minimumPasswordLength", &pp.minimum_password_length),
                ("maxLoginAttempts", &pp.max_login_attempts),
            ] {
                let Some(v) = v else { continue };
                let Some(problem) = org_weakness(element, &v.value) else {
                    continue;
                };
                out.push(
                    Finding::new(
                        &META,
                        v.location.clone(),
                        format!(
                            "org password policy: {problem} ({element} {})",
                            v.value.trim()
                        ),
                    )
                    .key(format!("SecuritySettings|passwordPolicies|{element}"))
                    .fix(format!(
                        "Setup > Password Policies; in {}: <passwordPolicies><{element}>{}</{element}></passwordPolicies>.{}",
                        settings_file(&s.location.path, "Security"),
                        fix_value(ORG_FIX, element),
                        if element == "expiration" { expiry_note.as_str() } else { "" }
                    )),
                );
            }
        }

        // Profile password policies of integration profiles.
        for policy in &sf.profile_password_policies {
            let Some(profile) = &policy.profile else {
                continue;
            };
            let ids: Vec<&IntegrationIdentity> = auditable(inventory)
                .filter(|id| {
                    id.profile
                        .as_ref()
                        .is_some_and(|p| intguard_model::same_profile(&p.name, &profile.value))
                })
                .collect();
            if ids.is_empty() {
                continue;
            }
            profile_policy_findings(policy, &ids, &mut out);
        }

        for id in auditable(inventory) {
            let Some(p) = id.permission("PasswordNeverExpires") else {
                continue;
            };
            let Some(grant) = p.granted_by.first() else {
                continue;
            };
            let sources: Vec<String> = crate::identities::by_grant(&p.granted_by)
                .into_iter()
                .map(|(g, routes)| crate::identities::describe_routes(g, &routes))
                .collect();
            let mut f = identity_finding(
                &META,
                id,
                grant.location.clone(),
                format!(
                    "{}'s password never expires (PasswordNeverExpires via {})",
                    identity_phrase(id),
                    sources.join(", ")
                ),
            )
            .key(format!("{}|PasswordNeverExpires", identity_key(id)))
            .fix({
                // A managed package's set is unassigned, not edited.
                let (edit, unassign) = crate::support::permission_removal(
                    inventory,
                    &identity_label(id),
                    &p.granted_by,
                    "PasswordNeverExpires",
                    "\"Password Never Expires\"",
                );
                let rotate = "rotate the password or, better, switch to the JWT bearer flow.";
                let rotated = edit.is_some();
                let mut sentences: Vec<String> = edit
                    .map(|e| format!("{e}, and {rotate}"))
                    .into_iter()
                    .collect();
                sentences.extend(unassign);
                if !rotated {
                    sentences.push(format!("Then {rotate}"));
                }
                sentences.join(" ")
            });
            for (g, routes) in crate::identities::by_grant(&p.granted_by).iter().skip(1) {
                f = f.related(Related::new(
                    &g.location,
                    format!(
                        "also granted by {}",
                        crate::identities::describe_routes(g, routes)
                    ),
                ));
            }
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

/// Where a grant's system permissions are edited, in Setup and in the
/// project: `Setup > Profiles > Int Profile > System Permissions, in
/// profiles/Int Profile.profile-meta.xml`.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_check_bar() {
        assert!(org_weakness("expiration", "Never").is_some());
        assert!(org_weakness("expiration", "OneYear").is_some());
        assert!(org_weakness("expiration", "SixMonths").is_none());
        assert!(org_weakness("complexity", "AlphaNumeric").is_none());
        assert!(org_weakness("minimumPasswordLength", "6").is_some());
        assert!(org_weakness("minimumPasswordLength", "8").is_none());
        assert!(org_weakness("maxLoginAttempts", "NoLimit").is_some());
        assert!(profile_weakness("passwordExpiration", 0).is_some());
        assert!(profile_weakness("passwordExpiration", 90).is_none());
        assert!(profile_weakness("maxLoginAttempts", 3).is_none());
    }
}
