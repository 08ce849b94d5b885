//! `intguard identities --format json`: the document is serialized straight
//! to the output, one identity at a time. Built as a `serde_json::Value`
//! first, it took ten times its own size: 650 MB for the 69 MB document of
//! one user holding 2,000 permission sets.

use std::io::{self, Write};

use intguard_model::{
    EffectivePermission, Grant, IntegrationIdentity, Inventory, PermissionCategory, Severity,
};
use serde::{Serialize, Serializer};

use super::{object_rows, org_activity, ObjectRow, OrgLogins, OrgToken};

/// Writes the document for `ids`, then a newline.
pub(super) fn write(
    out: &mut dyn Write,
    inv: &Inventory,
    ids: &[&IntegrationIdentity],
) -> io::Result<()> {
    let document = Document {
        tool: Tool {
            name: "intguard",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            identities: ids.len(),
            apps: inv.apps.iter().filter(|a| !a.domain).count(),
            domains: inv.apps.iter().filter(|a| a.domain).count(),
            metadata_projects: inv.salesforce.projects.len(),
            files: inv.stats.files,
            diagnostics: inv.diagnostics.len(),
            partial: super::is_partial(inv),
        },
        identities: Identities(ids, inv),
        unread_domain_uses: inv
            .unread_domain_uses()
            .into_iter()
            .map(|u| UnreadDomainUse {
                app: &u.app.name,
                domain: &u.link.name,
                config_name: u.config_name,
                location: u.location,
            })
            .collect(),
        diagnostics: inv
            .diagnostics
            .iter()
            .map(intguard_report::json::diagnostic)
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct Document<'a> {
    tool: Tool,
    summary: Summary,
    identities: Identities<'a>,
    /// Apps on a connection of a Mule domain the scan did not read: who
    /// they run as is not known.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unread_domain_uses: Vec<UnreadDomainUse<'a>>,
    /// The inputs' problems, as in the scan's JSON report: an unreadable
    /// file may hide an identity.
    diagnostics: Vec<intguard_report::json::JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct UnreadDomainUse<'a> {
    app: &'a str,
    domain: &'a str,
    config_name: &'a str,
    location: &'a intguard_model::Location,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    identities: usize,
    /// Mule apps, and apart from them the Mule domains read.
    apps: usize,
    domains: usize,
    metadata_projects: usize,
    files: u64,
    diagnostics: usize,
    /// Built from an org audit cut short (its `org-partial` error is among
    /// the diagnostics): only when `true`, as in the scan's JSON report.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    partial: bool,
}

/// The identities, each with its dangerous permissions and object rows
/// worked out only when it is written.
struct Identities<'a>(&'a [&'a IntegrationIdentity], &'a Inventory);

impl Serialize for Identities<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|id| {
            let org = org_activity(self.1, id);
            IdentityEntry {
                identity: id,
                salesforce_managed_profile: id.salesforce_managed_profile(),
                dangerous: id
                    .dangerous_permissions()
                    .into_iter()
                    .map(Dangerous::of)
                    .collect(),
                objects: object_rows(id),
                org_logins: org.0,
                org_tokens: org.1,
            }
        }))
    }
}

/// One identity: the graph's fields, then `dangerous` and `objects`.
#[derive(Serialize)]
struct IdentityEntry<'a> {
    #[serde(flatten)]
    identity: &'a IntegrationIdentity,
    /// The profile of a user Salesforce creates and maintains itself (CRM
    /// Analytics' integration user, ...): not judged unless an app or the
    /// configuration uses it.
    #[serde(skip_serializing_if = "Option::is_none")]
    salesforce_managed_profile: Option<&'a str>,
    dangerous: Vec<Dangerous<'a>>,
    objects: Vec<ObjectRow>,
    /// The org's Login History of its user, per application and sub type.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    org_logins: Vec<OrgLogins>,
    /// Apps holding OAuth tokens of its user in the org.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    org_tokens: Vec<OrgToken>,
}

/// A dangerous permission with its tier's severity.
#[derive(Serialize)]
struct Dangerous<'a> {
    name: &'a str,
    category: Option<PermissionCategory>,
    severity: Option<Severity>,
    granted_by: &'a [Grant],
}

impl<'a> Dangerous<'a> {
    fn of(p: &'a EffectivePermission) -> Self {
        Dangerous {
            name: &p.name,
            category: p.category,
            severity: p.category.map(|c| c.severity()),
            granted_by: &p.granted_by,
        }
    }
}
