//! What integration users may do: access-only identities (profiles and
//! permission sets no username holds), assignments resolved against the
//! metadata, and effective permissions and object access with their grants.

use std::collections::BTreeMap;

use super::pre_auth::integration_app_grants;
use super::{add_reason, push_assignment, Builder};
use crate::inventory::graph::{
    AccessAssignment, AssignmentSource, EffectivePermission, Grant, GrantKind, IntegrationIdentity,
    ObjectAccess, ObjectGrant, PreAuthVia, PreAuthorization, ReasonKind,
};
use crate::inventory::salesforce::{
    self, is_broad_profile, permission_category, same_profile, AccessFlags, NamedFlag,
    ObjectPermission, SalesforceMetadata,
};
use crate::location::Location;

/// Access-only identities: integration profiles (on an integration license,
/// or granting API Only) and what integration apps pre-authorize, when no
/// username holds them.
pub(super) fn access_only_identities(
    b: &mut Builder,
    md: &SalesforceMetadata,
    pre_auths: &[PreAuthorization],
) {
    for p in &md.profiles {
        let mut reasons = Vec::new();
        if p.is_integration_license() {
            reasons.push((
                ReasonKind::IntegrationLicense,
                format!(
                    "its user license is {}",
                    p.user_license
                        .as_ref()
                        .map(|l| l.value.as_str())
                        .unwrap_or("")
                ),
                p.user_license.as_ref().map(|l| l.location.clone()),
            ));
        }
        if let Some(flag) = p.permission("ApiUserOnly") {
            reasons.push((
                ReasonKind::ApiOnly,
                "it grants API Only (ApiUserOnly)".to_string(),
                Some(flag.location.clone()),
            ));
        }
        for (kind, detail, at) in reasons {
            access_identity(b, md, AccessKey::Profile(&p.name), kind, detail, at);
        }
    }
    for pa in integration_app_grants(pre_auths) {
        let (key, what) = match pa.via {
            PreAuthVia::Profile => {
                if is_broad_profile(&pa.name) {
                    continue;
                }
                let name = md
                    .profile(&pa.name)
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| salesforce::profile_file_name(&pa.name).to_string());
                (AccessKeyOwned::Profile(name), "profile")
            }
            PreAuthVia::PermissionSet => {
                let name = md
                    .permission_set(&pa.name)
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| pa.name.clone());
                (AccessKeyOwned::PermissionSet(name), "permission set")
            }
            PreAuthVia::ClientCredentialsUser => continue,
        };
        let how = if pa.certificate {
            "a certificate (JWT bearer)"
        } else {
            "client credentials"
        };
        access_identity(
            b,
            md,
            key.borrow(),
            ReasonKind::PreAuthorizedByIntegrationApp,
            format!(
                "{} {} (which uses {how}) pre-authorizes this {what}",
                pa.kind.describe(),
                pa.app
            ),
            Some(pa.location.clone()),
        );
    }
}

enum AccessKey<'a> {
    Profile(&'a str),
    PermissionSet(&'a str),
}

enum AccessKeyOwned {
    Profile(String),
    PermissionSet(String),
}

impl AccessKeyOwned {
    fn borrow(&self) -> AccessKey<'_> {
        match self {
            AccessKeyOwned::Profile(s) => AccessKey::Profile(s),
            AccessKeyOwned::PermissionSet(s) => AccessKey::PermissionSet(s),
        }
    }
}

/// Adds a reason to the identities holding a profile or permission set, or
/// creates an access-only identity for it when no username holds it.
fn access_identity(
    b: &mut Builder,
    md: &SalesforceMetadata,
    key: AccessKey<'_>,
    kind: ReasonKind,
    detail: String,
    at: Option<Location>,
) {
    let holders: Vec<usize> = b
        .ids
        .iter()
        .enumerate()
        .filter(|(_, id)| id.username.is_some())
        .filter(|(_, id)| match &key {
            AccessKey::Profile(p) => id
                .profile
                .as_ref()
                .is_some_and(|x| same_profile(&x.name, p)),
            AccessKey::PermissionSet(ps) => {
                id.permission_sets
                    .iter()
                    .any(|x| x.name.eq_ignore_ascii_case(ps))
                    || id.permission_set_groups.iter().any(|g| {
                        md.permission_set_group(&g.name).is_some_and(|g| {
                            g.permission_sets
                                .iter()
                                .any(|s| s.value.eq_ignore_ascii_case(ps))
                        })
                    })
            }
        })
        .map(|(i, _)| i)
        .collect();
    if !holders.is_empty() {
        // Their reasons come from their own access (see `intrinsic_reasons`
        // and the pre-authorizations).
        return;
    }
    let (map_key, name, assignment) = match key {
        AccessKey::Profile(p) => {
            let file = md.profile(p).map(|x| x.name.as_str()).unwrap_or(p);
            (
                format!("profile:{}", file.to_lowercase()),
                format!("profile {file}"),
                (true, file.to_string()),
            )
        }
        AccessKey::PermissionSet(ps) => {
            let n = md.permission_set(ps).map(|x| x.name.as_str()).unwrap_or(ps);
            (
                format!("permset:{}", n.to_lowercase()),
                format!("permission set {n}"),
                (false, n.to_string()),
            )
        }
    };
    let i = match b.by_access.get(&map_key) {
        Some(i) => *i,
        None => {
            let mut id = IntegrationIdentity::new(None, name);
            let a = AccessAssignment {
                name: assignment.1,
                source: AssignmentSource::Itself,
                assigned_at: None,
                metadata: None,
            };
            if assignment.0 {
                id.facts_mut().profile = Some(a);
            } else {
                id.facts_mut().permission_sets.push(a);
            }
            normalize_assignments(&mut id, md);
            b.ids.push(id);
            b.by_access.insert(map_key, b.ids.len() - 1);
            b.ids.len() - 1
        }
    };
    add_reason(&mut b.ids[i], kind, detail, at);
}

/// Canonical names and metadata files for the identity's assignments;
/// permission set names that are groups move to the groups.
pub(super) fn normalize_assignments(id: &mut IntegrationIdentity, md: &SalesforceMetadata) {
    if !id.has_facts() {
        // Nothing assigned: its facts are not made for nothing.
        return;
    }
    let id = id.facts_mut();
    if let Some(p) = &mut id.profile {
        if let Some(found) = md.profile(&p.name) {
            p.name = found.name.clone();
            p.metadata = Some(found.location.clone());
        }
    }
    let sets = std::mem::take(&mut id.permission_sets);
    for mut a in sets {
        if let Some(ps) = md.permission_set(&a.name) {
            a.name = ps.name.clone();
            a.metadata = Some(ps.location.clone());
            push_assignment(&mut id.permission_sets, a);
        } else if let Some(g) = md.permission_set_group(&a.name) {
            a.name = g.name.clone();
            a.metadata = Some(g.location.clone());
            push_assignment(&mut id.permission_set_groups, a);
        } else {
            push_assignment(&mut id.permission_sets, a);
        }
    }
}

/// Accumulates permissions and object access with their grants.
#[derive(Default)]
struct Access {
    perms: BTreeMap<String, EffectivePermission>,
    objects: BTreeMap<String, ObjectAccess>,
}

impl Access {
    fn grant_perm(&mut self, p: &NamedFlag, grant: Grant) {
        let key = p.name.to_lowercase();
        let e = self
            .perms
            .entry(key)
            .or_insert_with(|| EffectivePermission {
                name: p.name.clone(),
                category: permission_category(&p.name),
                granted_by: Vec::new(),
            });
        if !e.granted_by.contains(&grant) {
            e.granted_by.push(grant);
        }
    }

    fn grant_object(&mut self, o: &ObjectPermission, access: AccessFlags, grant: Grant) {
        if !access.any() {
            return;
        }
        let e = self
            .objects
            .entry(o.object.to_lowercase())
            .or_insert_with(|| ObjectAccess {
                object: o.object.clone(),
                access: AccessFlags::default(),
                granted_by: Vec::new(),
            });
        e.access = e.access.union(access);
        e.granted_by.push(ObjectGrant { grant, access });
    }
}

fn grant(kind: GrantKind, name: &str, via_group: Option<&str>, at: &Location) -> Grant {
    Grant {
        kind,
        name: name.to_string(),
        via_group: via_group.map(str::to_string),
        location: at.clone(),
    }
}

/// Effective permissions and object access: profile ∪ sets ∪ each group's
/// sets minus that group's muting sets.
pub(super) fn resolve_access(id: &mut IntegrationIdentity, md: &SalesforceMetadata) {
    if !id.has_facts() {
        // Nothing assigned: no access, nothing unresolved.
        return;
    }
    let id = id.facts_mut();
    let mut acc = Access::default();
    let mut muted: BTreeMap<String, EffectivePermission> = BTreeMap::new();
    let mut unresolved = Vec::new();
    if let Some(a) = &id.profile {
        match md.profile(&a.name) {
            Some(p) => {
                id.license = p.user_license.as_ref().map(|l| l.value.clone());
                for f in &p.user_permissions {
                    acc.grant_perm(f, grant(GrantKind::Profile, &p.name, None, &f.location));
                }
                for o in &p.object_permissions {
                    acc.grant_object(
                        o,
                        AccessFlags::from(o),
                        grant(GrantKind::Profile, &p.name, None, &o.location),
                    );
                }
            }
            None => unresolved.push(format!("profile {}", a.name)),
        }
    }
    for a in &id.permission_sets {
        match md.permission_set(&a.name) {
            Some(ps) => {
                for f in &ps.user_permissions {
                    acc.grant_perm(
                        f,
                        grant(GrantKind::PermissionSet, &ps.name, None, &f.location),
                    );
                }
                for o in &ps.object_permissions {
                    acc.grant_object(
                        o,
                        AccessFlags::from(o),
                        grant(GrantKind::PermissionSet, &ps.name, None, &o.location),
                    );
                }
            }
            None => unresolved.push(format!("permission set {}", a.name)),
        }
    }
    for a in &id.permission_set_groups {
        let Some(g) = md.permission_set_group(&a.name) else {
            unresolved.push(format!("permission set group {}", a.name));
            continue;
        };
        // The group's muting.
        let mut mute_perms: Vec<(&NamedFlag, &str)> = Vec::new();
        let mut mute_objects: Vec<(&ObjectPermission, &str)> = Vec::new();
        for m in &g.muting_permission_sets {
            match md.muting_permission_set(&m.value) {
                Some(ms) => {
                    mute_perms.extend(ms.user_permissions.iter().map(|f| (f, ms.name.as_str())));
                    mute_objects
                        .extend(ms.object_permissions.iter().map(|o| (o, ms.name.as_str())));
                }
                None => unresolved.push(format!("muting permission set {}", m.value)),
            }
        }
        for s in &g.permission_sets {
            let Some(ps) = md.permission_set(&s.value) else {
                unresolved.push(format!("permission set {} (group {})", s.value, g.name));
                continue;
            };
            for f in &ps.user_permissions {
                if let Some((mf, mname)) = mute_perms
                    .iter()
                    .find(|(m, _)| m.name.eq_ignore_ascii_case(&f.name))
                {
                    let e =
                        muted
                            .entry(f.name.to_lowercase())
                            .or_insert_with(|| EffectivePermission {
                                name: f.name.clone(),
                                category: permission_category(&f.name),
                                granted_by: Vec::new(),
                            });
                    let gr = grant(
                        GrantKind::MutingPermissionSet,
                        mname,
                        Some(&g.name),
                        &mf.location,
                    );
                    if !e.granted_by.contains(&gr) {
                        e.granted_by.push(gr);
                    }
                    continue;
                }
                acc.grant_perm(
                    f,
                    grant(
                        GrantKind::PermissionSet,
                        &ps.name,
                        Some(&g.name),
                        &f.location,
                    ),
                );
            }
            for o in &ps.object_permissions {
                let mut flags = AccessFlags::from(o);
                for (mo, _) in mute_objects
                    .iter()
                    .filter(|(m, _)| m.object.eq_ignore_ascii_case(&o.object))
                {
                    flags = flags.minus(AccessFlags::from(*mo));
                }
                acc.grant_object(
                    o,
                    flags,
                    grant(
                        GrantKind::PermissionSet,
                        &ps.name,
                        Some(&g.name),
                        &o.location,
                    ),
                );
            }
        }
    }
    // A permission muted in a group but granted elsewhere is not muted.
    muted.retain(|k, _| !acc.perms.contains_key(k));
    id.effective_permissions = acc.perms.into_values().collect();
    id.muted_permissions = muted.into_values().collect();
    id.object_access = acc.objects.into_values().collect();
    for u in unresolved {
        if !id.unresolved.contains(&u) {
            id.unresolved.push(u);
        }
    }
}

/// Reasons that follow from the identity's access: an integration license,
/// API Only.
pub(super) fn intrinsic_reasons(id: &mut IntegrationIdentity, md: &SalesforceMetadata) {
    if id.username.is_none() {
        return;
    }
    if let Some(p) = id.profile.as_ref().and_then(|a| md.profile(&a.name)) {
        if p.is_integration_license() && !id.has_reason(ReasonKind::IntegrationLicense) {
            let l = p.user_license.as_ref();
            add_reason(
                id,
                ReasonKind::IntegrationLicense,
                format!(
                    "its profile {} is on the {} license",
                    p.name,
                    l.map(|l| l.value.as_str()).unwrap_or("")
                ),
                l.map(|l| l.location.clone()),
            );
        }
    }
    if let Some(flag) = id
        .permission("ApiUserOnly")
        .filter(|_| !id.has_reason(ReasonKind::ApiOnly))
    {
        let g = flag.granted_by.first().cloned();
        if let Some(g) = g {
            add_reason(
                id,
                ReasonKind::ApiOnly,
                format!("{} grants API Only", g.describe()),
                Some(g.location),
            );
        }
    }
}
