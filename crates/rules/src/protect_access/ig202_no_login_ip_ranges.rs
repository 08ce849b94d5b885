use intguard_model::{
    same_profile, Finding, Inventory, IpFamily, Practice, Profile, Related, RuleMeta, Severity,
    STANDARD_INTEGRATION_PROFILE,
};

use crate::identities::{
    active_org_users, auditable, identity_finding, identity_label, identity_related,
    identity_users, profile_file, with_related,
};
use crate::Rule;

pub struct NoLoginIpRanges;

static META: RuleMeta = RuleMeta {
    id: "IG202",
    name: "no-login-ip-ranges",
    practice: Practice::ProtectAccess,
    default_severity: Severity::High,
    summary: "An integration user's profile has no login IP ranges, or ranges so wide they restrict nothing",
    doc: r#"## What it does
For every integration identity whose profile is in the metadata (SFDX or Metadata API
format), checks the profile's `loginIpRanges`:
- no range at all, or only ranges Salesforce rejects on deploy (an end that is no
  IP address, such as `10.0.0.300`, or a start after the end; the reader reports
  each): the user can log in from anywhere;
- a range wider than a /8 (more than 16,777,216 IPv4 addresses, e.g. `0.0.0.0` -
  `255.255.255.255`), or for IPv6 (which profile ranges take too) wider than a /32
  (e.g. `::` - `ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff`): it restricts nothing.
One finding per profile, naming every integration user on it. The standard
"Minimum Access - API Only Integrations" profile is reported only when an integration
user is assigned to it.

In an org audit (`intguard org audit`, `intguard scan --org-snapshot`) the profiles and
their ranges are the org's, and the Login History of each integration user is read too:
successful logins from an IPv4 address outside every login IP range of the user's
profile are reported once per user (the ranges were changed after the fact, or an app
relaxes IP restrictions: see IG201), naming the addresses.

## Why is this bad?
An integration runs from a handful of known addresses (CloudHub static IPs, a VPC NAT
gateway, an on-premises runtime). Login IP ranges on its profile make every credential
of that user (password, JWT certificate, refresh token) useless anywhere else, and the
login fails with "IP restricted" instead of handing out a session. Without them, a
leaked credential is enough.

## Example
```xml
<!-- profiles/Orders Integration.profile-meta.xml -->
<loginIpRanges>
    <description>MuleSoft CloudHub egress (temporary: any address)</description>
    <endAddress>255.255.255.255</endAddress>
    <startAddress>0.0.0.0</startAddress>
</loginIpRanges>
```

## How to fix
Setup > Profiles > the integration profile > Login IP Ranges > New: one range per
egress address block of the runtime (CloudHub: Runtime Manager > the app > Static IPs;
CloudHub 2.0 / RTF: the private space's NAT addresses). In metadata:
```xml
<loginIpRanges>
    <description>CloudHub static IPs (acme-prod)</description>
    <endAddress>203.0.113.31</endAddress>
    <startAddress>203.0.113.0</startAddress>
</loginIpRanges>
```
Give each integration its own profile (or keep API-only users on a profile whose ranges
cover only the integration runtimes), and keep connected apps on "Enforce IP
restrictions" (IG201) so that the ranges apply to OAuth too.

## References
- Salesforce Help: Restrict Login IP Addresses in Profiles
- Salesforce Help: Salesforce Security Guide, Set Trusted IP Ranges for Your Organization
- MuleSoft Docs: CloudHub Static IP Addresses
"#,
};

impl Rule for NoLoginIpRanges {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        let sf = &inventory.salesforce;
        // profile file name -> (profile, identities)
        let mut by_profile: Vec<(&Profile, Vec<&intguard_model::IntegrationIdentity>)> = Vec::new();
        for id in auditable(inventory) {
            let Some(profile) = id.profile.as_ref().and_then(|p| sf.profile(&p.name)) else {
                continue;
            };
            // The org's LoginIpRange rows could not be read: its profiles'
            // ranges are unknown, not absent (an org-not-read warning says
            // IG202 did not check).
            if org_ranges_unknown(inventory, profile) {
                continue;
            }
            match by_profile
                .iter_mut()
                .find(|(p, _)| p.location == profile.location)
            {
                Some((_, ids)) => ids.push(id),
                None => by_profile.push((profile, vec![id])),
            }
        }

        let mut out = Vec::new();
        for (profile, ids) in by_profile {
            // A profile that is an identity by itself (no username known,
            // e.g. the org's users could not be read) is not its own user.
            let who: Vec<String> = ids
                .iter()
                .filter(|i| i.username.is_some())
                .map(|i| format!("{}{}", identity_label(i), identity_users(i)))
                .collect();
            let name = profile.display_label();
            let (subject, who) = if who.is_empty() {
                (
                    format!("integration profile {name}"),
                    "its integration users".to_string(),
                )
            } else {
                let who = who.join(", ");
                (format!("profile {name} of integration user {who}"), who)
            };
            // An invalid range is no restriction, and neither wide nor narrow.
            let wide: Vec<_> = profile
                .login_ip_ranges
                .iter()
                .filter_map(|r| Some((r, r.too_wide()?)))
                .collect();
            let invalid: Vec<_> = profile
                .login_ip_ranges
                .iter()
                .filter_map(|r| Some((r, r.invalid_reason()?)))
                .collect();
            let (at, message, key) = if profile.login_ip_ranges.is_empty() {
                (
                    profile.location.clone(),
                    format!(
                        "{subject} has no login IP ranges: its credentials work from any address"
                    ),
                    format!("profile|{}|none", profile.name),
                )
            } else if invalid.len() == profile.login_ip_ranges.len() {
                let shown: Vec<String> = invalid
                    .iter()
                    .map(|(r, why)| format!("{}-{}: {why}", r.start.trim(), r.end.trim()))
                    .collect();
                (
                    invalid[0].0.location.clone(),
                    format!(
                        "{subject} has no valid login IP ranges ({}): its credentials work from any address",
                        shown.join("; ")
                    ),
                    format!("profile|{}|none", profile.name),
                )
            } else if let Some((first, _)) = wide.first() {
                let shown: Vec<String> = wide
                    .iter()
                    .map(|(r, _)| format!("{}-{}", r.start.trim(), r.end.trim()))
                    .collect();
                let v4 = wide.iter().any(|(_, f)| *f == IpFamily::V4);
                let v6 = wide.iter().any(|(_, f)| *f == IpFamily::V6);
                let than = match (v4, v6) {
                    (true, true) => "wider than a /8 for IPv4, a /32 for IPv6",
                    (false, true) => "wider than a /32",
                    _ => "wider than a /8",
                };
                (
                    first.location.clone(),
                    format!(
                        "{subject} allows logins from {} ({than}): it restricts nothing",
                        shown.join(", ")
                    ),
                    format!("profile|{}|wide", profile.name),
                )
            } else {
                continue;
            };
            // CloudHub is an example only for Mule apps: a profile whose
            // users no Mule app of the scan logs in as (a Salesforce
            // project scanned alone) gets a neutral one.
            let mule = ids.iter().any(|i| !i.apps.is_empty());
            let (example, description) = if mule {
                ("e.g. CloudHub static IPs", "CloudHub static IPs")
            } else {
                (
                    "e.g. the public addresses of the servers or NAT gateway it calls from",
                    "Integration egress",
                )
            };
            let ranges = format!("<loginIpRanges><description>{description}</description><startAddress>203.0.113.0</startAddress><endAddress>203.0.113.31</endAddress></loginIpRanges>");
            let enforce = "and set its connected apps to \"Enforce IP restrictions\" (IG201) so that the ranges apply to OAuth too";
            let fix = if profile.is_standard() {
                // People log in with a standard profile: ranges on it lock
                // them out. The standard integration profile is every
                // integration's: one integration's addresses lock out the
                // others.
                let why = if same_profile(&profile.name, STANDARD_INTEGRATION_PROFILE) {
                    "every integration user on it shares its ranges, and each integration's runtime has its own egress addresses"
                } else {
                    "people log in with it: ranges would lock them out"
                };
                format!(
                    "Do not restrict the standard {name} profile ({why}): move {who} to a dedicated integration profile (e.g. a copy of \"Minimum Access - API Only Integrations\", as IG301 says) whose login IP ranges are the integration runtime's egress addresses only, e.g. {ranges}, {enforce}."
                )
            } else {
                let verb = if profile.login_ip_ranges.is_empty() {
                    "add"
                } else {
                    "replace them with"
                };
                format!(
                    "Setup > Profiles > {name} > Login IP Ranges: {verb} the integration runtime's egress addresses only ({example}), in {}: {ranges}; {enforce}.",
                    profile_file(inventory, profile)
                )
            };
            let mut f = Finding::new(&META, at, message).key(key).fix(fix);
            if ids.len() == 1 {
                f = f.identity(identity_label(ids[0]));
            }
            let mut envs: Vec<String> = ids
                .iter()
                .flat_map(|i| i.environments())
                .map(str::to_string)
                .collect();
            envs.sort();
            envs.dedup();
            f = f.environments(envs);
            for id in &ids {
                if let Some(at) = id.profile.as_ref().and_then(|p| p.assigned_at.as_ref()) {
                    f = f.related(Related::new(
                        at,
                        format!("{} is assigned profile {name}", identity_label(id)),
                    ));
                }
                f = with_related(f, identity_related(id));
            }
            out.push(f);
        }
        out.extend(logins_outside_ranges(inventory));
        out
    }
}

/// A profile read from an org whose LoginIpRange rows could not be read.
fn org_ranges_unknown(inventory: &Inventory, profile: &Profile) -> bool {
    intguard_model::is_org_location(&profile.location)
        && inventory
            .org
            .as_ref()
            .is_some_and(|o| !o.was_read("LoginIpRange"))
}

/// Successful logins of integration users from addresses outside their
/// profile's valid login IP ranges (profiles with some only: the others
/// are reported above).
fn logins_outside_ranges(inventory: &Inventory) -> Vec<Finding> {
    let sf = &inventory.salesforce;
    let mut out = Vec::new();
    for (id, org, user) in active_org_users(inventory) {
        let Some(profile) = id.profile.as_ref().and_then(|p| sf.profile(&p.name)) else {
            continue;
        };
        let ranges: Vec<_> = profile
            .login_ip_ranges
            .iter()
            .filter(|r| r.is_valid())
            .collect();
        if ranges.is_empty() {
            continue;
        }
        let outside: Vec<_> = org
            .logins_of(&user.id)
            .filter(|l| l.succeeded())
            .filter(|l| {
                // IPv6 addresses too: Login History records them, and a
                // profile's ranges may be IPv4 only (an IPv6 login is then
                // outside all of them).
                l.source_ip.as_deref().is_some_and(|ip| {
                    ranges
                        .iter()
                        .map(|r| r.contains(ip))
                        .collect::<Option<Vec<bool>>>()
                        .is_some_and(|inside| !inside.contains(&true))
                })
            })
            .collect();
        if outside.is_empty() {
            continue;
        }
        let mut ips: Vec<&str> = outside
            .iter()
            .filter_map(|l| l.source_ip.as_deref())
            .collect();
        ips.sort_unstable();
        ips.dedup();
        let shown: Vec<String> = ranges
            .iter()
            .map(|r| format!("{}-{}", r.start.trim(), r.end.trim()))
            .collect();
        let name = profile.display_label();
        let username = &user.username;
        let mut f = identity_finding(
            &META,
            id,
            user.location.clone(),
            format!(
                "integration user {username} logged in from {} outside the login IP ranges of its profile {name} ({})",
                ips.join(", "),
                shown.join(", ")
            ),
        )
        .key(format!("logins-outside|{}", username.to_lowercase()))
        .fix(format!(
            "Find out who logs in as {username} from {}: if it is the integration's new runtime, add its egress range to profile {name} (Setup > Profiles > {name} > Login IP Ranges); otherwise reset the credential and keep its apps on \"Enforce IP restrictions\" (IG201).",
            ips.join(", ")
        ));
        for l in outside.iter().take(3) {
            f = f.related(Related::new(
                &l.location,
                format!(
                    "login from {}{}",
                    l.source_ip.as_deref().unwrap_or("?"),
                    l.app().map(|a| format!(" by {a}")).unwrap_or_default()
                ),
            ));
        }
        for r in &ranges {
            f = f.related(Related::new(
                &r.location,
                format!("login IP range {}-{}", r.start.trim(), r.end.trim()),
            ));
        }
        out.push(f);
    }
    out
}
