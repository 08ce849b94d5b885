use intguard_model::{is_integration_license, Finding, Inventory, Practice, RuleMeta, Severity};

use crate::identities::{
    auditable, identity_finding, identity_key, identity_phrase, org_permissions_unknown,
    profile_file, profile_related, with_related,
};
use crate::Rule;

pub struct NotApiOnly;

static META: RuleMeta = RuleMeta {
    id: "IG205",
    name: "not-api-only",
    practice: Practice::ProtectAccess,
    default_severity: Severity::High,
    summary: "An integration user is not API only, or not on the Salesforce Integration license",
    doc: r#"## What it does
For every integration identity whose profile is in the metadata, checks:
- API Only: `ApiUserOnly` ("API Only User") granted by its profile or one of its
  permission sets (after permission set group muting);
- the license: the profile's `userLicense` is `Salesforce Integration` (or another
  integration license such as `Cloud Integration User`).
One finding per identity, at the profile's `userLicense` line (or the profile file).
A custom profile that an OAuth app pre-authorizes for certificate or client-credentials
logins is judged too when no user of it is known (an integration profile: its users
should be API only); a standard one there is IG305's broad audience.
Identities whose profile is not in the repository, or with profiles or permission sets
that could not be found, are not judged.

## Why is this bad?
An integration user that is not API only can log in to the Salesforce UI with its
password, so the credential a whole team knows opens a full browser session (reports,
exports, Setup if it is powerful). A full Salesforce license also costs a seat and
carries human-grade defaults. The Salesforce Integration license and the
"Minimum Access - API Only Integrations" profile are designed for this: API access
only, nothing granted by default, access added with permission sets.

## Example
```xml
<!-- profiles/Orders Integration.profile-meta.xml -->
<userLicense>Salesforce</userLicense>
<userPermissions>
    <enabled>true</enabled>
    <name>ApiEnabled</name>
</userPermissions>
```

## How to fix
Setup > Users > the integration user > Edit: User License "Salesforce Integration",
Profile "Minimum Access - API Only Integrations"; then assign the "Salesforce API
Integration" permission set license and a permission set with what the integration
uses. With a custom profile, at least enable "API Only User":
```xml
<userPermissions>
    <enabled>true</enabled>
    <name>ApiUserOnly</name>
</userPermissions>
```
In a user definition file:
```json
{ "Username": "int.orders@acme.com", "profileName": "Minimum Access - API Only Integrations", "permsets": ["Orders_Integration"] }
```

## References
- Salesforce Help: Give Integration Users API Only Access
- Salesforce Help: Salesforce Integration User License, Create an API Only Integration User
- Salesforce Help: User Permissions, "API Only User"
"#,
};

impl Rule for NotApiOnly {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let sf = &inventory.salesforce;
        let mut out = Vec::new();
        for id in auditable(inventory) {
            if !id.unresolved.is_empty() {
                continue;
            }
            let Some(profile) = id.profile.as_ref().and_then(|p| sf.profile(&p.name)) else {
                continue;
            };
            // A profile an OAuth app pre-authorizes for certificate or
            // client-credentials logins, no user of it known: judged when it
            // is the org's own (custom) profile, made for the integration; a
            // standard profile there is IG305's broad audience.
            let profile_only = id.username.is_none();
            if profile_only && profile.custom != Some(true) {
                continue;
            }
            // The org's permissions could not be read: whether it is API
            // only is unknown, not "no" (its license is still known).
            let permissions_unknown = org_permissions_unknown(inventory, profile);
            let api_only = permissions_unknown || id.has_permission("ApiUserOnly");
            let license = profile.user_license.as_ref();
            let license_ok = license.is_some_and(|l| is_integration_license(&l.value));
            if api_only && license_ok {
                continue;
            }
            let mut reasons = Vec::new();
            if !api_only {
                // The Salesforce Integration license itself allows no UI
                // login: without the permission, only the license does.
                let consequence = match (license_ok, profile_only) {
                    (true, _) => "only its integration license keeps it out of the UI (a license change would let it in)",
                    (false, false) => "so it can log in to the UI",
                    (false, true) => "so its users can log in to the UI",
                };
                reasons.push(if profile_only {
                    format!(
                        "profile {} does not grant ApiUserOnly (\"API Only User\"): {consequence}",
                        profile.display_label()
                    )
                } else {
                    format!(
                        "neither profile {} nor its permission sets grant ApiUserOnly (\"API Only User\"): {consequence}",
                        profile.display_label()
                    )
                });
            }
            if !license_ok {
                reasons.push(match license {
                    Some(l) => format!(
                        "profile {} is on the {} license, not Salesforce Integration",
                        profile.display_label(),
                        l.value.trim()
                    ),
                    None => format!("profile {} names no user license", profile.display_label()),
                });
            }
            let at = match license {
                Some(l) if !license_ok => l.location.clone(),
                _ => profile.location.clone(),
            };
            let f = identity_finding(
                &META,
                id,
                at,
                if permissions_unknown {
                    format!(
                        "{} is not on an integration license (whether it is API only is unknown: the org's permissions could not be read): {}",
                        identity_phrase(id),
                        reasons.join("; ")
                    )
                } else if api_only {
                    // API only already (a permission set may grant it): the
                    // license is what is wrong.
                    format!(
                        "{} is API only, but not on an integration license: {}",
                        identity_phrase(id),
                        reasons.join("; ")
                    )
                } else if profile_only {
                    format!(
                        "integration {} is not API only: {}",
                        identity_phrase(id),
                        reasons.join("; ")
                    )
                } else {
                    format!(
                        "{} is not an API-only integration user: {}",
                        identity_phrase(id),
                        reasons.join("; ")
                    )
                },
            )
            .key(format!("{}|api-only", identity_key(id)))
            .fix(if license_ok {
                format!(
                    "Enable \"API Only User\" on profile {} (Setup > Profiles > {} > System Permissions), in {}: <userPermissions><enabled>true</enabled><name>ApiUserOnly</name></userPermissions>.",
                    profile.display_label(),
                    profile.display_label(),
                    profile_file(inventory, profile)
                )
            } else if profile_only {
                format!(
                    "A profile's license cannot change: move the integration users of profile {} to the Salesforce Integration license and the \"Minimum Access - API Only Integrations\" profile (Setup > Users > Edit), assign them the \"Salesforce API Integration\" permission set license, grant what the integration uses with a permission set, and pre-authorize that permission set on the OAuth app instead of the profile.",
                    profile.display_label()
                )
            } else {
                format!(
                    "Move {} to the Salesforce Integration license and the \"Minimum Access - API Only Integrations\" profile (Setup > Users > Edit; in the user definition: \"profileName\": \"Minimum Access - API Only Integrations\"), assign the \"Salesforce API Integration\" permission set license and grant what the integration uses with a permission set.",
                    id.username.as_deref().unwrap_or(&id.name)
                )
            });
            out.push(with_related(f, profile_related(id)));
        }
        out
    }
}
