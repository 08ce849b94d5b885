//! The identity graph: each integration user, why it is one, the apps that
//! run as it, the access it holds and the apps that pre-authorize it.
//!
//! ```text
//! Mule connection (per environment) ─┐
//! user definition file ──────────────┼─> username ─> profile, permission sets, groups
//! intguard.toml [[identities]] ──────┘                  │
//! connected app / ECA (pre-authorizes) ─────────────────┘
//!        ─> effective permissions (union minus muting), object access,
//!           objects used (Mule operations + SOQL)
//! ```
//!
//! Built by [`Inventory::build_identities`](crate::Inventory::build_identities)
//! after reading; rules read [`Inventory::identities`](crate::Inventory).

use std::sync::Arc;

use foldhash::HashMap;
use serde::Serialize;

use crate::location::Location;
use crate::shared_str::SharedStr;

use super::mule::AuthClass;
use super::salesforce::{AccessFlags, PermissionCategory};

/// One integration identity: a Salesforce username, or (when the repository
/// names no user) a profile or permission set that integration apps
/// pre-authorize or that carries the integration license.
///
/// What the metadata, the config and the org say of it ([`IdentityFacts`]:
/// its profile, permission sets and access, user definitions, ...) is held
/// apart, boxed, and only when one of them says something: most identities
/// of a Mule-only monorepo are a username and the connections that log in
/// as it, and held inline those empty lists were three quarters of the
/// graph. They read as fields of the identity (`id.profile`,
/// `id.permission_sets`: it dereferences to them, or to empty ones);
/// [`Self::facts_mut`] writes them. It serializes as one flat object, as
/// when every fact was its own field (the JSON of `intguard identities`
/// and of `scan`).
#[derive(Debug, Clone)]
pub struct IntegrationIdentity {
    /// The Salesforce username, as first seen; `None` for an identity known
    /// only by its access. The same text as `name` when `Some` (one
    /// string, shared).
    pub username: Option<SharedStr>,
    /// The username, or `profile Acme Integration` / `permission set X`.
    pub name: SharedStr,
    /// The Mule connections that run as it, one per app, connection and
    /// environment. Each is a reason it is an integration user too
    /// ([`Self::reasons`]).
    pub apps: Vec<IdentityAppUse>,
    /// Its other reasons and what its apps use ([`Self::objects_used`],
    /// [`Self::unknown_uses`]): `None` while it has none of them (most
    /// identities of a Mule monorepo scanned without object permissions).
    more: Option<Box<IdentityMore>>,
    /// `None` while nothing but its Mule connections is known of it.
    facts: Option<Box<IdentityFacts>>,
}

/// What an identity holds besides its names, apps and facts, boxed apart
/// (its `more`: see [`IntegrationIdentity`]).
#[derive(Debug, Clone, Default)]
struct IdentityMore {
    /// Why it is an integration user (DESIGN.md "Who is an integration
    /// user"), but for its Mule connections: each of its apps is one
    /// reason, said when asked ([`IntegrationIdentity::reasons`]) instead
    /// of held as text for every use. Each once, by kind.
    other_reasons: Vec<IdentityReason>,
    /// Objects the apps running as this identity use (Mule operations and
    /// SOQL), sorted by object. Shared: the identities of one connection
    /// (one per environment) use the same objects.
    objects_used: std::sync::Arc<[ObjectUse]>,
    /// Operations of those apps whose objects are not known (a query built by
    /// an expression, one intguard cannot read, an expression as the object
    /// type): whatever they touch may be granted for them.
    unknown_uses: Vec<UnknownUse>,
}

/// What the metadata, the config and the org say of an identity: see
/// [`IntegrationIdentity`], which reads as them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityFacts {
    /// User definition files that create it.
    pub user_definitions: Vec<Location>,
    /// `system` of the config's `[[identities]]` entry.
    pub system: Option<String>,
    /// Apps the config allows to share it.
    pub allowed_apps: Vec<String>,
    /// Its profile, as assigned (user definition, config, or the profile
    /// itself for a profile identity).
    pub profile: Option<AccessAssignment>,
    /// The profile's user license, when the profile was read.
    pub license: Option<String>,
    pub permission_sets: Vec<AccessAssignment>,
    pub permission_set_groups: Vec<AccessAssignment>,
    /// Permissions granted by the profile, the permission sets and the
    /// groups' sets, minus the groups' muting sets; sorted by name.
    pub effective_permissions: Vec<EffectivePermission>,
    /// Permissions a muting permission set removed.
    pub muted_permissions: Vec<EffectivePermission>,
    /// Object access granted (union minus muting), sorted by object.
    pub object_access: Vec<ObjectAccess>,
    /// Connected apps and External Client Apps that pre-authorize it.
    pub pre_authorized_by: Vec<PreAuthorization>,
    /// Profiles, permission sets and groups named for it but not found in the
    /// metadata that was read (their grants are unknown).
    pub unresolved: Vec<String>,
    /// The org user (its `org://` record) when the org read says it is
    /// inactive: it cannot log in, so its credential grants nothing while it
    /// stays so (rules do not judge its access; the join says an app runs as
    /// it). Not serialized when `None`.
    pub inactive_in_org: Option<Location>,
    /// The org's `UserLogin` record when it says the (active) user is
    /// frozen: it cannot log in now, but keeps its access and credentials,
    /// and an unfreeze brings both back (rules still judge its access). Not
    /// serialized when `None`.
    pub frozen_in_org: Option<Location>,
    /// The org's `UserLogin` record when it says the (active) user's password
    /// is locked after too many failed logins: its password is refused until
    /// an admin unlocks it, and the failures came from a deployment with a
    /// wrong password or from someone guessing it. Not serialized when
    /// `None`.
    pub password_locked_in_org: Option<Location>,
}

impl IdentityFacts {
    /// None: what an identity without facts reads as.
    const NONE: IdentityFacts = IdentityFacts {
        user_definitions: Vec::new(),
        system: None,
        allowed_apps: Vec::new(),
        profile: None,
        license: None,
        permission_sets: Vec::new(),
        permission_set_groups: Vec::new(),
        effective_permissions: Vec::new(),
        muted_permissions: Vec::new(),
        object_access: Vec::new(),
        pre_authorized_by: Vec::new(),
        unresolved: Vec::new(),
        inactive_in_org: None,
        frozen_in_org: None,
        password_locked_in_org: None,
    };
}

static NO_FACTS: IdentityFacts = IdentityFacts::NONE;

impl std::ops::Deref for IntegrationIdentity {
    type Target = IdentityFacts;

    fn deref(&self) -> &IdentityFacts {
        self.facts.as_deref().unwrap_or(&NO_FACTS)
    }
}

impl Serialize for IntegrationIdentity {
    /// The identity and its facts as one object, in the order the fields
    /// were declared when they were all the identity's own (the JSON of
    /// `intguard identities` and `scan`): the org's three marks only when
    /// set.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let f: &IdentityFacts = self;
        let org = [
            ("inactive_in_org", &f.inactive_in_org),
            ("frozen_in_org", &f.frozen_in_org),
            ("password_locked_in_org", &f.password_locked_in_org),
        ];
        let len = 18 + org.iter().filter(|(_, at)| at.is_some()).count();
        let mut st = serializer.serialize_struct("IntegrationIdentity", len)?;
        st.serialize_field("username", &self.username)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("reasons", &self.reasons())?;
        st.serialize_field("apps", &self.apps)?;
        st.serialize_field("user_definitions", &f.user_definitions)?;
        st.serialize_field("system", &f.system)?;
        st.serialize_field("allowed_apps", &f.allowed_apps)?;
        st.serialize_field("profile", &f.profile)?;
        st.serialize_field("license", &f.license)?;
        st.serialize_field("permission_sets", &f.permission_sets)?;
        st.serialize_field("permission_set_groups", &f.permission_set_groups)?;
        st.serialize_field("effective_permissions", &f.effective_permissions)?;
        st.serialize_field("muted_permissions", &f.muted_permissions)?;
        st.serialize_field("object_access", &f.object_access)?;
        st.serialize_field("objects_used", self.objects_used())?;
        st.serialize_field("unknown_uses", self.unknown_uses())?;
        st.serialize_field("pre_authorized_by", &f.pre_authorized_by)?;
        st.serialize_field("unresolved", &f.unresolved)?;
        for (key, at) in org {
            match at {
                Some(at) => st.serialize_field(key, at)?,
                None => st.skip_field(key)?,
            }
        }
        st.end()
    }
}

impl IntegrationIdentity {
    /// An identity named `name`, of `username` when it has one (the same
    /// text: held once).
    pub fn new(username: Option<String>, name: String) -> Self {
        let name = SharedStr::from(name);
        let username = username.map(|u| {
            if u == *name {
                name.clone()
            } else {
                SharedStr::from(u)
            }
        });
        IntegrationIdentity {
            username,
            name,
            apps: Vec::new(),
            more: None,
            facts: None,
        }
    }

    /// The identity of a username (its name too).
    pub(crate) fn of_user(username: SharedStr) -> Self {
        IntegrationIdentity {
            username: Some(username.clone()),
            name: username,
            apps: Vec::new(),
            more: None,
            facts: None,
        }
    }

    /// Reasons besides its Mule connections (see [`Self::reasons`]).
    pub(crate) fn other_reasons(&self) -> &[IdentityReason] {
        self.more.as_deref().map_or(&[], |m| &m.other_reasons)
    }

    /// [`Self::other_reasons`], to write.
    pub(crate) fn other_reasons_mut(&mut self) -> &mut Vec<IdentityReason> {
        &mut self.more.get_or_insert_with(Default::default).other_reasons
    }

    /// Objects the apps running as this identity use (Mule operations and
    /// SOQL), sorted by object.
    pub fn objects_used(&self) -> &[ObjectUse] {
        self.more.as_deref().map_or(&[], |m| &m.objects_used)
    }

    /// Operations of its apps whose objects are not known (a query built
    /// by an expression, one intguard cannot read, an expression as the
    /// object type): whatever they touch may be granted for them.
    pub fn unknown_uses(&self) -> &[UnknownUse] {
        self.more.as_deref().map_or(&[], |m| &m.unknown_uses)
    }

    /// Its other reasons each once, by kind, at their exact room (they
    /// were pushed as found).
    pub(crate) fn settle_other_reasons(&mut self) {
        if let Some(more) = self.more.as_deref_mut() {
            crate::dedup::keep_first(&mut more.other_reasons);
            more.other_reasons.sort_by_key(|r| r.kind);
            more.other_reasons.shrink_to_fit();
        }
    }

    /// Sets [`Self::objects_used`] (shared by the identities of one
    /// connection): nothing is held for none.
    pub fn set_objects_used(&mut self, used: std::sync::Arc<[ObjectUse]>) {
        if used.is_empty() && self.more.is_none() {
            return;
        }
        self.more.get_or_insert_with(Default::default).objects_used = used;
    }

    /// [`Self::unknown_uses`], to write.
    pub fn unknown_uses_mut(&mut self) -> &mut Vec<UnknownUse> {
        &mut self.more.get_or_insert_with(Default::default).unknown_uses
    }

    /// Its facts, to write: made (empty) at the first write.
    pub fn facts_mut(&mut self) -> &mut IdentityFacts {
        self.facts.get_or_insert_with(Default::default)
    }

    /// Whether anything but its Mule connections is known of it (its
    /// [`IdentityFacts`] were written).
    pub fn has_facts(&self) -> bool {
        self.facts.is_some()
    }

    /// The profile, when it is one of the profiles of the users Salesforce
    /// creates and maintains itself ([`SALESFORCE_MANAGED_PROFILES`]: CRM
    /// Analytics' integration user, ...).
    ///
    /// [`SALESFORCE_MANAGED_PROFILES`]: crate::SALESFORCE_MANAGED_PROFILES
    pub fn salesforce_managed_profile(&self) -> Option<&str> {
        self.profile
            .as_ref()
            .map(|p| p.name.as_str())
            .filter(|name| crate::is_salesforce_managed_profile(name))
    }

    /// True when nothing but its own license or API Only permission makes
    /// it an integration user: no app, user definition, config entry or
    /// client credentials flow names it, and no app pre-authorizes it.
    pub fn only_intrinsic_reasons(&self) -> bool {
        self.apps.is_empty()
            && self
                .other_reasons()
                .iter()
                .all(|r| matches!(r.kind, ReasonKind::IntegrationLicense | ReasonKind::ApiOnly))
    }

    pub fn has_reason(&self, kind: ReasonKind) -> bool {
        (kind == ReasonKind::MuleConnection && !self.apps.is_empty())
            || self.other_reasons().iter().any(|r| r.kind == kind)
    }

    /// Whether a reason of another kind than `kind` makes it an integration
    /// user.
    pub fn has_reason_besides(&self, kind: ReasonKind) -> bool {
        (kind != ReasonKind::MuleConnection && !self.apps.is_empty())
            || self.other_reasons().iter().any(|r| r.kind != kind)
    }

    /// Why it is an integration user (DESIGN.md "Who is an integration
    /// user"), each reason once, by kind: first a
    /// [`ReasonKind::MuleConnection`] for each of its [`Self::apps`] (`Mule
    /// app orders-sapi (prod) logs in as it (`SF`)`, at the connection),
    /// then the others.
    pub fn reasons(&self) -> Vec<std::borrow::Cow<'_, IdentityReason>> {
        use std::borrow::Cow;
        let mut mule: Vec<IdentityReason> = self.apps.iter().map(IdentityAppUse::reason).collect();
        // Uses that differ only in their username's line or their
        // authentication give one reason.
        crate::dedup::keep_first(&mut mule);
        let others = self.other_reasons();
        let mut out: Vec<Cow<'_, IdentityReason>> = Vec::with_capacity(mule.len() + others.len());
        out.extend(mule.into_iter().map(Cow::Owned));
        out.extend(others.iter().map(Cow::Borrowed));
        out
    }

    /// Adds a reason of another kind than [`ReasonKind::MuleConnection`]
    /// (those are its [`Self::apps`]), unless it has it already, in its
    /// kind's place among the others.
    pub fn add_reason(&mut self, reason: IdentityReason) {
        let others = self.other_reasons_mut();
        if !others.contains(&reason) {
            let at = others.partition_point(|r| r.kind <= reason.kind);
            others.insert(at, reason);
        }
    }

    /// Distinct names of the Mule apps that run as it.
    pub fn app_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.apps.iter().map(|a| a.app.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Distinct environments it is used in; none when an app without
    /// per-environment files uses it (in every environment, then).
    pub fn environments(&self) -> Vec<&str> {
        if self.apps.iter().any(|a| a.environment.is_none()) {
            return Vec::new();
        }
        let mut envs: Vec<&str> = self
            .apps
            .iter()
            .filter_map(|a| a.environment.as_deref())
            .collect();
        envs.sort_unstable();
        envs.dedup();
        envs
    }

    pub fn permission(&self, name: &str) -> Option<&EffectivePermission> {
        self.effective_permissions
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    pub fn has_permission(&self, name: &str) -> bool {
        self.permission(name).is_some()
    }

    /// Effective permissions with a dangerous category, most severe first.
    pub fn dangerous_permissions(&self) -> Vec<&EffectivePermission> {
        let mut v: Vec<&EffectivePermission> = self
            .effective_permissions
            .iter()
            .filter(|p| p.category.is_some())
            .collect();
        v.sort_by_key(|p| (p.category, p.name.clone()));
        v
    }

    pub fn object_access(&self, object: &str) -> Option<&ObjectAccess> {
        self.object_access
            .iter()
            .find(|o| o.object.eq_ignore_ascii_case(object))
    }

    pub fn object_used(&self, object: &str) -> Option<&ObjectUse> {
        self.objects_used()
            .iter()
            .find(|o| o.object.eq_ignore_ascii_case(object))
    }

    /// The access its apps' use of an object needs (read is implied by any
    /// use), with the flags Salesforce requires for those (Delete needs
    /// Edit: [`AccessFlags::with_required`]); `None` when no app uses it, not
    /// even possibly. A use known only from a relationship name (a field path
    /// or a child sub-query in SOQL) only reads; an operation of unknown kind
    /// may need anything but view-all / modify-all; operations whose objects
    /// are unknown ([`Self::unknown_uses`]) may need theirs on any object.
    pub fn access_needed(&self, object: &str) -> Option<AccessFlags> {
        needed(self.object_used(object), self.unknown_needs())
    }

    /// What the operations whose objects are unknown may need, on any object.
    fn unknown_needs(&self) -> AccessFlags {
        self.unknown_uses()
            .iter()
            .fold(AccessFlags::default(), |acc, u| acc.union(u.needs()))
    }

    /// [`Self::object_access`], [`Self::object_used`] and
    /// [`Self::access_needed`] for many objects: each list indexed once.
    /// Asked object by object, a profile granting 20,000 objects took
    /// 20,000 searches of 20,000 each.
    pub fn object_lookup(&self) -> ObjectLookup<'_> {
        fn index<T>(items: &[T], name: impl Fn(&T) -> &str) -> HashMap<String, &T> {
            let mut map = HashMap::with_capacity_and_hasher(items.len(), Default::default());
            for item in items {
                // The first of a name, as `find` gives.
                map.entry(name(item).to_ascii_lowercase()).or_insert(item);
            }
            map
        }
        ObjectLookup {
            access: index(&self.object_access, |o| &o.object),
            used: index(self.objects_used(), |o| &o.object),
            unknown: self.unknown_needs(),
        }
    }

    /// The profile is System Administrator.
    pub fn is_admin(&self) -> bool {
        self.profile
            .as_ref()
            .is_some_and(|p| super::salesforce::same_profile(&p.name, "Admin"))
    }
}

/// An identity's object access and object uses by object name (ASCII case
/// ignored, as Salesforce does): see [`IntegrationIdentity::object_lookup`].
pub struct ObjectLookup<'a> {
    access: HashMap<String, &'a ObjectAccess>,
    used: HashMap<String, &'a ObjectUse>,
    unknown: AccessFlags,
}

impl<'a> ObjectLookup<'a> {
    pub fn access(&self, object: &str) -> Option<&'a ObjectAccess> {
        self.access.get(&object.to_ascii_lowercase()).copied()
    }

    pub fn used(&self, object: &str) -> Option<&'a ObjectUse> {
        self.used.get(&object.to_ascii_lowercase()).copied()
    }

    /// [`IntegrationIdentity::access_needed`].
    pub fn needed(&self, object: &str) -> Option<AccessFlags> {
        needed(self.used(object), self.unknown)
    }
}

/// The access an object's use needs, with what the operations whose objects
/// are unknown may need (see [`IntegrationIdentity::access_needed`]).
fn needed(used: Option<&ObjectUse>, unknown: AccessFlags) -> Option<AccessFlags> {
    let Some(used) = used else {
        return unknown.any().then(|| unknown.with_required());
    };
    if used.operations.contains(&ObjectOperation::Other) {
        return Some(AccessFlags::crud());
    }
    let mut need = used.needs().union(unknown);
    need.read = true;
    Some(need.with_required())
}

/// Why an identity is an integration identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonKind {
    /// A Mule Salesforce connection logs in as it.
    MuleConnection,
    /// A user definition file (`sf org create user`) creates it.
    UserDefinition,
    /// intguard's config names it (`[[identities]]`).
    Config,
    /// The run-as user of an app's client credentials flow.
    ClientCredentialsUser,
    /// Its profile or a permission set is on an integration license.
    IntegrationLicense,
    /// Its profile or a permission set grants API Only (`ApiUserOnly`).
    ApiOnly,
    /// An app with a certificate or client credentials pre-authorizes its
    /// profile or one of its permission sets.
    PreAuthorizedByIntegrationApp,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct IdentityReason {
    pub kind: ReasonKind,
    /// For people: `used by orders-sapi (prod) in global.xml`. Boxed: held
    /// at its length.
    pub detail: Box<str>,
    pub location: Option<Location>,
}

/// A Mule connection that runs as the identity in one environment: what
/// is the same in every environment of the connection ([`IdentityConnection`],
/// shared by them: each identity of a connection in a scan is one of its
/// environments), then its environment and where its username is defined.
/// Reads as the shared part's fields too (`u.app`, `u.config_name`: it
/// dereferences to it; writing one through `DerefMut` changes this use's
/// copy only). Serializes as one flat object, as when every field was its
/// own (the JSON of `intguard identities` and of `scan`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdentityAppUse {
    /// The app, connection and location, shared by the connection's
    /// environments.
    pub connection: Arc<IdentityConnection>,
    /// `None`: the app has no per-environment files.
    pub environment: Option<SharedStr>,
    /// The property line that defined the username, if it came from one.
    pub defined_at: Option<Location>,
}

/// What an [`IdentityAppUse`] holds of its Mule connection: the same for
/// every environment the connection logs in for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdentityConnection {
    pub app: SharedStr,
    pub config_name: SharedStr,
    pub auth: AuthClass,
    /// The connection element; for an app on its domain's connection, the
    /// app's first operation on it.
    pub location: Location,
    /// The domain whose shared connection it is, when the app runs on its
    /// domain's (`config_name` is the domain's config).
    pub domain: Option<SharedStr>,
    /// The Mule plugin whose connection it is, when the app imports the
    /// plugin's configuration file (`location` is the plugin's connection;
    /// the username is resolved in the app's properties).
    pub plugin: Option<SharedStr>,
    /// `app` is a Mule domain (its own connection, which no app of the
    /// scan runs on): its reason says "Mule domain".
    pub app_is_domain: bool,
}

impl std::ops::Deref for IdentityAppUse {
    type Target = IdentityConnection;
    fn deref(&self) -> &IdentityConnection {
        &self.connection
    }
}

impl std::ops::DerefMut for IdentityAppUse {
    fn deref_mut(&mut self) -> &mut IdentityConnection {
        Arc::make_mut(&mut self.connection)
    }
}

/// The fields in their order when each was the use's own: `app`,
/// `environment`, `config_name`, `auth`, `location`, `defined_at`, then
/// `domain` and `plugin` when set.
impl Serialize for IdentityAppUse {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let c = &*self.connection;
        let len = 6 + usize::from(c.domain.is_some()) + usize::from(c.plugin.is_some());
        let mut st = serializer.serialize_struct("IdentityAppUse", len)?;
        st.serialize_field("app", &c.app)?;
        st.serialize_field("environment", &self.environment)?;
        st.serialize_field("config_name", &c.config_name)?;
        st.serialize_field("auth", &c.auth)?;
        st.serialize_field("location", &c.location)?;
        st.serialize_field("defined_at", &self.defined_at)?;
        match &c.domain {
            Some(domain) => st.serialize_field("domain", domain)?,
            None => st.skip_field("domain")?,
        }
        match &c.plugin {
            Some(plugin) => st.serialize_field("plugin", plugin)?,
            None => st.skip_field("plugin")?,
        }
        st.end()
    }
}

impl IdentityAppUse {
    /// The reason it gives its identity: `Mule app orders-sapi (prod) logs
    /// in as it (`Salesforce_Config`)`, at its location.
    pub fn reason(&self) -> IdentityReason {
        let env = self
            .environment
            .as_deref()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        let through = match (&self.domain, &self.plugin) {
            (Some(domain), _) => format!(" through domain {domain}"),
            (None, Some(plugin)) => format!(" through Mule plugin {plugin}, which it imports"),
            (None, None) => String::new(),
        };
        IdentityReason {
            kind: ReasonKind::MuleConnection,
            detail: format!(
                "Mule {} {}{env} logs in as it{through} (`{}`)",
                if self.app_is_domain { "domain" } else { "app" },
                self.app,
                self.config_name
            )
            .into_boxed_str(),
            location: Some(self.location.clone()),
        }
    }
}

/// What grants access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GrantKind {
    Profile,
    PermissionSet,
    PermissionSetGroup,
    MutingPermissionSet,
}

impl GrantKind {
    pub fn describe(self) -> &'static str {
        match self {
            GrantKind::Profile => "profile",
            GrantKind::PermissionSet => "permission set",
            GrantKind::PermissionSetGroup => "permission set group",
            GrantKind::MutingPermissionSet => "muting permission set",
        }
    }
}

/// Where an identity's access is assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssignmentSource {
    UserDefinition,
    Config,
    /// The org's own assignment (live org or snapshot).
    Org,
    /// The identity is the profile or permission set itself.
    Itself,
}

/// A profile, permission set or group assigned to an identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessAssignment {
    /// The name as found in metadata when resolved (file name), else as
    /// written.
    pub name: String,
    pub source: AssignmentSource,
    /// Where it was assigned (the user definition's key, the config's
    /// value); `None` when not known (an org's assignment).
    pub assigned_at: Option<Location>,
    /// The metadata file, when it was read.
    pub metadata: Option<Location>,
}

/// One source of a permission or object access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub kind: GrantKind,
    /// Profile / permission set name.
    pub name: String,
    /// The group a permission set was granted through.
    pub via_group: Option<String>,
    /// The `userPermissions` / `objectPermissions` element.
    pub location: Location,
}

impl Grant {
    /// The same profile or permission set, held through `group` (`None`:
    /// assigned directly).
    pub fn via(&self, group: Option<&str>) -> Grant {
        Grant {
            via_group: group.map(str::to_string),
            ..self.clone()
        }
    }

    /// `profile System Administrator` (profiles by the label Setup shows),
    /// `permission set X (group G)`.
    pub fn describe(&self) -> String {
        let name = match self.kind {
            GrantKind::Profile => super::salesforce::profile_label(&self.name),
            _ => self.name.as_str(),
        };
        match &self.via_group {
            Some(g) => format!("{} {name} (group {g})", self.kind.describe()),
            None => format!("{} {name}", self.kind.describe()),
        }
    }
}

/// A permission the identity holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectivePermission {
    pub name: String,
    pub category: Option<PermissionCategory>,
    pub granted_by: Vec<Grant>,
}

/// Access to one object: the union of its grants, minus muting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectAccess {
    pub object: String,
    pub access: AccessFlags,
    pub granted_by: Vec<ObjectGrant>,
}

/// One `objectPermissions` entry contributing to an [`ObjectAccess`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectGrant {
    pub grant: Grant,
    pub access: AccessFlags,
}

/// What an app does to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectOperation {
    Read,
    Create,
    Edit,
    Delete,
    /// A bulk job's `hardDelete`: a delete that skips the Recycle Bin, which
    /// the user permission Bulk API Hard Delete allows besides Delete.
    HardDelete,
    /// Create or edit.
    Upsert,
    /// An operation whose kind is not known (a generic invoke).
    Other,
}

impl ObjectOperation {
    /// The access the operation needs.
    pub fn needs(self) -> AccessFlags {
        let mut f = AccessFlags::default();
        match self {
            ObjectOperation::Read => f.read = true,
            ObjectOperation::Create => f.create = true,
            ObjectOperation::Edit => f.edit = true,
            ObjectOperation::Delete | ObjectOperation::HardDelete => f.delete = true,
            ObjectOperation::Upsert => {
                f.create = true;
                f.edit = true;
            }
            ObjectOperation::Other => {}
        }
        f
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectOperation::Read => "read",
            ObjectOperation::Create => "create",
            ObjectOperation::Edit => "edit",
            ObjectOperation::Delete => "delete",
            ObjectOperation::HardDelete => "hard delete",
            ObjectOperation::Upsert => "upsert",
            ObjectOperation::Other => "other",
        }
    }
}

/// An object the identity's apps use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectUse {
    /// API name (`Account`), or a relationship name resolved by convention
    /// (`Contacts` -> `Contact`) when `inferred`.
    pub object: String,
    pub operations: Vec<ObjectOperation>,
    /// Relationship paths read through this object in SOQL
    /// (`Owner.Name` on `Account`).
    pub relationships: Vec<String>,
    /// The fields of this object its SOQL reads, as written
    /// ([`crate::soql::field_on_object`]: `Amount__c`; `Account__c` for
    /// `Account__r.Name`, `OwnerId` for `Owner.Name`), first seen first;
    /// on an object reached through a relationship name, those read through
    /// it (`Industry` of `Account.Industry`, a child sub-query's fields).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// The fields its create / update / upsert operations set, read from
    /// the DataWeave building their records (the keys of the objects it
    /// outputs) and an upsert's external id field; first seen first, each
    /// once (case ignored), where it was first seen. Only keys that look
    /// like field names: a custom one (`Tier__c`) or a standard one
    /// (`Phone`); not those whose value is an object (a relationship).
    #[serde(skip)]
    pub written_fields: Vec<WrittenField>,
    /// Its create / update / upsert operations whose records' fields are
    /// not known (built elsewhere), with why.
    #[serde(skip)]
    pub unread_writes: Vec<UnreadWrite>,
    /// Known only from a relationship name (sub-query or path), not from a
    /// FROM clause or an operation's type.
    pub inferred: bool,
    /// The operations (Mule elements) that use it.
    pub locations: Vec<Location>,
    pub apps: Vec<String>,
}

impl ObjectUse {
    /// The same use with its lists at their exact length (they grow one
    /// operation at a time while an app is digested).
    pub fn packed(mut self) -> Self {
        self.operations.shrink_to_fit();
        self.relationships.shrink_to_fit();
        self.fields.shrink_to_fit();
        self.written_fields.shrink_to_fit();
        self.unread_writes.shrink_to_fit();
        self.locations.shrink_to_fit();
        self.apps.shrink_to_fit();
        self
    }

    /// The access the operations need.
    pub fn needs(&self) -> AccessFlags {
        self.operations
            .iter()
            .fold(AccessFlags::default(), |acc, op| acc.union(op.needs()))
    }
}

/// A field a create / update / upsert sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrittenField {
    /// As written (`Tier__c`).
    pub field: String,
    /// Where: the key in the DataWeave, or the upsert's
    /// `externalIdFieldName` attribute.
    pub location: Location,
}

/// What a create / update / upsert writes, as far as the DataWeave
/// building its records tells (see [`ObjectUse::written_fields`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayloadWrites {
    /// An upsert's `externalIdFieldName`, which every record sets.
    pub external_id: Option<WrittenField>,
    /// The fields its records' DataWeave sets, in order; shared by the
    /// writes one payload feeds.
    pub fields: std::sync::Arc<[WrittenField]>,
    /// Why the fields of its records are not all known, if they are not.
    pub unread: Option<UnreadPayload>,
    /// The DataWeave file of the app (`<ee:set-payload resource="...">`,
    /// under `src/main/resources/`) building its records, read when the
    /// app is assembled.
    pub resource: Option<String>,
}

/// Why the fields a create / update / upsert sets are not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnreadPayload {
    /// Nothing in its flow sets the payload before it: the records are
    /// what the flow receives (from its caller or its source).
    FlowInput,
    /// The payload is the result of a `flow-ref`.
    FlowRef,
    /// Another processor (a connector's operation, a router or a scope)
    /// sets the payload before it: after the DataWeave, or with none.
    Processor,
    /// Its records are an expression intguard does not read: a variable, a
    /// function's result, a literal, a form other than an object, a list
    /// of objects or a `map` to an object.
    Expression,
    /// Built by a DataWeave file that was not found or not read.
    Resource,
}

impl UnreadPayload {
    pub fn describe(self) -> &'static str {
        match self {
            UnreadPayload::FlowInput => "its records are the payload its flow receives (built by the caller or the source)",
            UnreadPayload::FlowRef => "its records are what a flow-ref returns",
            UnreadPayload::Processor => "its records are what another processor before it outputs (a connector's operation, a router or a scope), not a DataWeave intguard reads",
            UnreadPayload::Expression => "its records are an expression intguard does not read (a variable, a function, not an object or list of objects)",
            UnreadPayload::Resource => "its records are built by a DataWeave file intguard did not find",
        }
    }
}

/// A create / update / upsert whose records' fields are not known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreadWrite {
    /// Create, edit (an update) or upsert.
    pub operation: ObjectOperation,
    pub reason: UnreadPayload,
    /// The operation.
    pub location: Location,
}

/// A Salesforce operation whose objects are not known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct UnknownUse {
    pub app: String,
    /// What it does to the objects it uses.
    pub operation: ObjectOperation,
    pub reason: UnknownUseReason,
    /// For [`UnknownUseReason::RelationshipTarget`]: the relationships it
    /// reads through whose objects are not known (`Account__r`, `What`),
    /// each once.
    pub relationships: Vec<String>,
    /// The operation (Mule element).
    pub location: Location,
}

impl UnknownUse {
    /// Why its objects are not known, naming the relationships when the
    /// reason is one: "its query reads through the custom relationship
    /// Account__r, whose object is not known".
    pub fn describe(&self) -> String {
        if self.reason != UnknownUseReason::RelationshipTarget || self.relationships.is_empty() {
            return self.reason.describe().to_string();
        }
        let polymorphic = |n: &str| n.eq_ignore_ascii_case("What") || n.eq_ignore_ascii_case("Who");
        let custom = |n: &str| n.len() > 3 && n[n.len() - 3..].eq_ignore_ascii_case("__r");
        let of = |keep: &dyn Fn(&str) -> bool| -> Vec<&str> {
            self.relationships
                .iter()
                .map(String::as_str)
                .filter(|n| keep(n))
                .collect()
        };
        let mut groups: Vec<String> = Vec::new();
        let customs = of(&|n| custom(n));
        if !customs.is_empty() {
            groups.push(format!(
                "the custom relationship{} {}",
                if customs.len() == 1 { "" } else { "s" },
                customs.join(", ")
            ));
        }
        let polys = of(&|n| polymorphic(n));
        if !polys.is_empty() {
            groups.push(format!("the polymorphic {} (no TYPEOF)", polys.join(", ")));
        }
        let others = of(&|n| !custom(n) && !polymorphic(n));
        if !others.is_empty() {
            groups.push(format!(
                "{} (a name intguard does not know)",
                others.join(", ")
            ));
        }
        let one = self.relationships.len() == 1;
        format!(
            "its query reads through {}, whose object{} {} not known",
            groups.join(" and "),
            if one { "" } else { "s" },
            if one { "is" } else { "are" }
        )
    }

    /// The access it may need on any object: what its operation needs, with
    /// what Salesforce requires for that (a delete needs Edit), and read,
    /// which any use implies.
    pub fn needs(&self) -> AccessFlags {
        if self.operation == ObjectOperation::Other {
            return AccessFlags::crud();
        }
        let mut n = self.operation.needs();
        n.read = true;
        n.with_required()
    }
}

/// Why an operation's objects are not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnknownUseReason {
    /// The query text is built by a DataWeave expression or a property.
    ExpressionQuery,
    /// The query text is literal but intguard's SOQL parser cannot read it.
    UnreadQuery,
    /// The object type is an expression, or a property not defined in the
    /// repository.
    ExpressionType,
    /// The query reads through a relationship whose object is not known: a
    /// custom one (`Account__r`: its lookup field may point at any object,
    /// `Account`, `Partner__c`, and the field's definition is not in what
    /// intguard reads), a polymorphic one without `TYPEOF` (`What`, `Who`),
    /// or a standard name intguard does not know.
    RelationshipTarget,
    /// The operation names no object: `<salesforce:delete>` takes record
    /// ids, whose objects are known only at run time; the same for any
    /// other operation on records given neither a `type` nor a query.
    NoObject,
}

impl UnknownUseReason {
    pub fn describe(self) -> &'static str {
        match self {
            UnknownUseReason::ExpressionQuery => "its query is built by an expression",
            UnknownUseReason::UnreadQuery => "intguard cannot read its query",
            UnknownUseReason::ExpressionType => {
                "its object type is an expression or an undefined property"
            }
            UnknownUseReason::RelationshipTarget => {
                "its query reads through a relationship (custom __r, polymorphic What / Who, or a name intguard does not know) whose object is not known"
            }
            UnknownUseReason::NoObject => "it names no object",
        }
    }
}

/// Kind of OAuth app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OAuthAppKind {
    ConnectedApp,
    ExternalClientApp,
}

impl OAuthAppKind {
    pub fn describe(self) -> &'static str {
        match self {
            OAuthAppKind::ConnectedApp => "connected app",
            OAuthAppKind::ExternalClientApp => "external client app",
        }
    }
}

/// How an app reaches an identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PreAuthVia {
    Profile,
    PermissionSet,
    /// The identity is the app's client credentials run-as user.
    ClientCredentialsUser,
}

/// A connected app or ECA that pre-authorizes the identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PreAuthorization {
    pub app: String,
    pub kind: OAuthAppKind,
    pub via: PreAuthVia,
    /// The profile or permission set name as the app wrote it, or the run-as
    /// username.
    pub name: String,
    /// The `profileName` / `permissionSetName` / `commaSeparatedProfile` /
    /// run-as element.
    pub location: Location,
    pub admin_approved: bool,
    pub certificate: bool,
    pub client_credentials: bool,
}

impl PreAuthorization {
    /// `connected app Orders via profile System Administrator`.
    pub fn describe(&self) -> String {
        let via = match self.via {
            PreAuthVia::Profile => format!("profile {}", self.name),
            PreAuthVia::PermissionSet => format!("permission set {}", self.name),
            PreAuthVia::ClientCredentialsUser => "client credentials run-as user".to_string(),
        };
        format!("{} {} via {via}", self.kind.describe(), self.app)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(object: &str, read: bool) -> ObjectAccess {
        ObjectAccess {
            object: object.into(),
            access: AccessFlags {
                read,
                ..AccessFlags::default()
            },
            granted_by: Vec::new(),
        }
    }

    fn used(object: &str, operations: Vec<ObjectOperation>, inferred: bool) -> ObjectUse {
        ObjectUse {
            object: object.into(),
            operations,
            relationships: Vec::new(),
            fields: Vec::new(),
            written_fields: Vec::new(),
            unread_writes: Vec::new(),
            inferred,
            locations: Vec::new(),
            apps: Vec::new(),
        }
    }

    /// The graph is held from its building to the report: an identity, a
    /// use of it by an app and a reason stay this small (552, 176 and 56
    /// bytes when every fact was inline and every name a `String`; an
    /// identity was 128 bytes while its reasons and objects used were
    /// inline).
    #[test]
    fn the_graph_items_stay_small() {
        use std::mem::size_of;
        assert!(
            size_of::<IntegrationIdentity>() <= 72,
            "{}",
            size_of::<IntegrationIdentity>()
        );
        assert!(
            size_of::<IdentityAppUse>() <= 48,
            "{}",
            size_of::<IdentityAppUse>()
        );
        assert!(
            size_of::<IdentityReason>() <= 48,
            "{}",
            size_of::<IdentityReason>()
        );
    }

    /// The layout before the facts were boxed, with its derived
    /// serialization: the JSON of `intguard identities` and `scan`.
    #[derive(Serialize)]
    struct Inline<'a> {
        username: Option<&'a str>,
        name: &'a str,
        reasons: Vec<IdentityReason>,
        apps: &'a [IdentityAppUse],
        user_definitions: &'a [Location],
        system: &'a Option<String>,
        allowed_apps: &'a [String],
        profile: &'a Option<AccessAssignment>,
        license: &'a Option<String>,
        permission_sets: &'a [AccessAssignment],
        permission_set_groups: &'a [AccessAssignment],
        effective_permissions: &'a [EffectivePermission],
        muted_permissions: &'a [EffectivePermission],
        object_access: &'a [ObjectAccess],
        objects_used: &'a [ObjectUse],
        unknown_uses: &'a [UnknownUse],
        pre_authorized_by: &'a [PreAuthorization],
        unresolved: &'a [String],
        #[serde(skip_serializing_if = "Option::is_none")]
        inactive_in_org: &'a Option<Location>,
        #[serde(skip_serializing_if = "Option::is_none")]
        frozen_in_org: &'a Option<Location>,
        #[serde(skip_serializing_if = "Option::is_none")]
        password_locked_in_org: &'a Option<Location>,
    }

    impl<'a> Inline<'a> {
        fn of(id: &'a IntegrationIdentity) -> Self {
            Inline {
                username: id.username.as_deref(),
                name: &id.name,
                reasons: id.reasons().into_iter().map(|r| r.into_owned()).collect(),
                apps: &id.apps,
                user_definitions: &id.user_definitions,
                system: &id.system,
                allowed_apps: &id.allowed_apps,
                profile: &id.profile,
                license: &id.license,
                permission_sets: &id.permission_sets,
                permission_set_groups: &id.permission_set_groups,
                effective_permissions: &id.effective_permissions,
                muted_permissions: &id.muted_permissions,
                object_access: &id.object_access,
                objects_used: id.objects_used(),
                unknown_uses: id.unknown_uses(),
                pre_authorized_by: &id.pre_authorized_by,
                unresolved: &id.unresolved,
                inactive_in_org: &id.inactive_in_org,
                frozen_in_org: &id.frozen_in_org,
                password_locked_in_org: &id.password_locked_in_org,
            }
        }
    }

    /// An identity serializes as the inline layout did, alone and
    /// flattened into another object (as `intguard identities` writes it):
    /// with no facts, with every fact, and with some of the org's marks.
    #[test]
    fn an_identity_serializes_as_when_its_facts_were_inline() {
        let at = |line| Location::new("org://User/005", line, 1);
        let bare = {
            let mut id =
                IntegrationIdentity::new(Some("int@acme.com".into()), "int@acme.com".into());
            id.add_reason(IdentityReason {
                kind: ReasonKind::Config,
                detail: "named in intguard.toml [[identities]]".into(),
                location: None,
            });
            id.apps.push(IdentityAppUse {
                connection: Arc::new(IdentityConnection {
                    app: "orders".into(),
                    config_name: "SF".into(),
                    auth: AuthClass::Password,
                    location: at(3),
                    domain: Some("shared".into()),
                    plugin: None,
                    app_is_domain: false,
                }),
                environment: Some("prod".into()),
                defined_at: None,
            });
            id
        };
        let assignment = |name: &str| AccessAssignment {
            name: name.into(),
            source: AssignmentSource::Org,
            assigned_at: Some(at(9)),
            metadata: None,
        };
        let grant = Grant {
            kind: GrantKind::PermissionSet,
            name: "Orders".into(),
            via_group: Some("G".into()),
            location: at(11),
        };
        let mut full = bare.clone();
        full.set_objects_used(vec![used("Order", vec![ObjectOperation::Read], false)].into());
        *full.unknown_uses_mut() = vec![UnknownUse {
            app: "orders".into(),
            operation: ObjectOperation::Delete,
            reason: UnknownUseReason::NoObject,
            relationships: Vec::new(),
            location: at(20),
        }];
        *full.facts_mut() = IdentityFacts {
            user_definitions: vec![at(1)],
            system: Some("ERP".into()),
            allowed_apps: vec!["orders".into()],
            profile: Some(assignment("Acme Integration")),
            license: Some("Salesforce Integration".into()),
            permission_sets: vec![assignment("Orders")],
            permission_set_groups: vec![assignment("G")],
            effective_permissions: vec![EffectivePermission {
                name: "ApiEnabled".into(),
                category: None,
                granted_by: vec![grant.clone()],
            }],
            muted_permissions: vec![EffectivePermission {
                name: "ExportReport".into(),
                category: Some(PermissionCategory::DataExfiltration),
                granted_by: vec![grant.clone()],
            }],
            object_access: vec![access("Order", true)],
            pre_authorized_by: vec![PreAuthorization {
                app: "Orders".into(),
                kind: OAuthAppKind::ConnectedApp,
                via: PreAuthVia::PermissionSet,
                name: "Orders".into(),
                location: at(30),
                admin_approved: true,
                certificate: true,
                client_credentials: false,
            }],
            unresolved: vec!["permission set Gone".into()],
            inactive_in_org: Some(at(40)),
            frozen_in_org: Some(at(41)),
            password_locked_in_org: Some(at(42)),
        };
        let mut frozen = bare.clone();
        frozen.facts_mut().frozen_in_org = Some(at(41));
        let access_only = IntegrationIdentity::new(None, "profile Acme Integration".into());
        #[derive(Serialize)]
        struct Outer<T> {
            #[serde(flatten)]
            identity: T,
            dangerous: u8,
        }
        for id in [&bare, &full, &frozen, &access_only] {
            assert_eq!(
                serde_json::to_string_pretty(id).unwrap(),
                serde_json::to_string_pretty(&Inline::of(id)).unwrap()
            );
            let flat = |identity| {
                serde_json::to_string(&Outer {
                    identity,
                    dangerous: 1,
                })
            };
            assert_eq!(
                flat(id).unwrap(),
                serde_json::to_string(&Outer {
                    identity: Inline::of(id),
                    dangerous: 1
                })
                .unwrap()
            );
        }
        let text = serde_json::to_string(&full).unwrap();
        assert!(
            text.contains(r#""unresolved":["permission set Gone"],"inactive_in_org":"#),
            "{text}"
        );
        assert!(!serde_json::to_string(&bare).unwrap().contains("in_org"));
    }

    /// The layout before a connection's part was shared by its
    /// environments, with its derived serialization.
    #[derive(Serialize)]
    struct FlatAppUse<'a> {
        app: &'a SharedStr,
        environment: &'a Option<SharedStr>,
        config_name: &'a SharedStr,
        auth: AuthClass,
        location: &'a Location,
        defined_at: &'a Option<Location>,
        #[serde(skip_serializing_if = "Option::is_none")]
        domain: &'a Option<SharedStr>,
        #[serde(skip_serializing_if = "Option::is_none")]
        plugin: &'a Option<SharedStr>,
    }

    impl<'a> FlatAppUse<'a> {
        fn of(u: &'a IdentityAppUse) -> Self {
            FlatAppUse {
                app: &u.app,
                environment: &u.environment,
                config_name: &u.config_name,
                auth: u.auth,
                location: &u.location,
                defined_at: &u.defined_at,
                domain: &u.domain,
                plugin: &u.plugin,
            }
        }
    }

    /// A use serializes as when each of its fields was its own: with and
    /// without an environment, a property line, a domain or a plugin; and
    /// a field written through `DerefMut` changes that use alone.
    #[test]
    fn a_use_serializes_as_when_it_held_its_connection_inline() {
        let plain = mule_use("orders", Some("prod"), 5);
        let mut dev = plain.clone();
        dev.environment = Some("dev".into());
        dev.defined_at = Some(Location::new("orders/dev.yaml", 2, 1));
        let mut through_domain = mule_use("billing", None, 9);
        through_domain.domain = Some("acme-domain".into());
        let mut through_plugin = plain.clone();
        through_plugin.plugin = Some("shared-sf".into());
        through_plugin.auth = AuthClass::Certificate;
        assert!(Arc::ptr_eq(&plain.connection, &dev.connection));
        assert!(!Arc::ptr_eq(&plain.connection, &through_plugin.connection));
        assert_eq!(plain.plugin, None);
        assert_eq!(plain.auth, AuthClass::Password);
        for u in [&plain, &dev, &through_domain, &through_plugin] {
            assert_eq!(
                serde_json::to_string(u).unwrap(),
                serde_json::to_string(&FlatAppUse::of(u)).unwrap()
            );
            assert_eq!(
                serde_json::to_string_pretty(&[u]).unwrap(),
                serde_json::to_string_pretty(&[FlatAppUse::of(u)]).unwrap()
            );
        }
        let text = serde_json::to_string(&through_plugin).unwrap();
        assert!(
            text.starts_with(r#"{"app":"orders","environment":"prod","config_name":"SF","auth":"#)
                && text.ends_with(r#","defined_at":null,"plugin":"shared-sf"}"#),
            "{text}"
        );
    }

    fn mule_use(app: &str, env: Option<&str>, line: u32) -> IdentityAppUse {
        IdentityAppUse {
            connection: Arc::new(IdentityConnection {
                app: app.into(),
                config_name: "SF".into(),
                auth: AuthClass::Password,
                location: Location::new(format!("{app}/src/main/mule/global.xml"), line, 3),
                domain: None,
                plugin: None,
                app_is_domain: false,
            }),
            environment: env.map(Into::into),
            defined_at: None,
        }
    }

    /// Each Mule use is a reason, worded as when the graph held the text
    /// (`Mule app X (env) logs in as it[ through ...] (`config`)`, at the
    /// use): through a domain, a Mule plugin, for a domain's own
    /// connection. Uses that differ only in their username's line or their
    /// authentication are one reason; the Mule reasons come first, then the
    /// others by kind, each once.
    #[test]
    fn mule_uses_are_the_reasons_they_were() {
        let mut id = IntegrationIdentity::new(Some("int@acme.com".into()), "int@acme.com".into());
        assert!(id.reasons().is_empty());
        assert!(!id.has_reason(ReasonKind::MuleConnection));
        assert!(!id.has_reason_besides(ReasonKind::Config));
        assert!(id.only_intrinsic_reasons());
        id.add_reason(IdentityReason {
            kind: ReasonKind::UserDefinition,
            detail: "a user definition file creates it".into(),
            location: Some(Location::new("config/int-user-def.json", 0, 0)),
        });
        id.add_reason(IdentityReason {
            kind: ReasonKind::Config,
            detail: "named in intguard.toml [[identities]]".into(),
            location: None,
        });
        id.add_reason(IdentityReason {
            kind: ReasonKind::Config,
            detail: "named in intguard.toml [[identities]]".into(),
            location: None,
        });
        assert!(!id.only_intrinsic_reasons());
        assert!(id.has_reason_besides(ReasonKind::Config));
        let plain = mule_use("orders", Some("prod"), 5);
        let mut other_line = plain.clone();
        other_line.defined_at = Some(Location::new("orders/prod.yaml", 2, 1));
        other_line.auth = AuthClass::Certificate;
        let mut through_domain = mule_use("billing", None, 9);
        through_domain.domain = Some("acme-domain".into());
        let mut through_plugin = mule_use("invoices", Some("dev"), 7);
        through_plugin.plugin = Some("acme-common".into());
        let mut own = mule_use("acme-domain", None, 4);
        own.app_is_domain = true;
        id.apps = vec![plain, other_line, through_domain, through_plugin, own];
        assert!(id.has_reason(ReasonKind::MuleConnection));
        let reasons: Vec<(ReasonKind, String, Option<String>)> = id
            .reasons()
            .iter()
            .map(|r| {
                let at = r.location.as_ref().map(|l| l.to_string());
                (r.kind, r.detail.to_string(), at)
            })
            .collect();
        let mule = |d: &str, at: &str| {
            (
                ReasonKind::MuleConnection,
                d.to_string(),
                Some(at.to_string()),
            )
        };
        assert_eq!(
            reasons,
            [
                mule(
                    "Mule app orders (prod) logs in as it (`SF`)",
                    "orders/src/main/mule/global.xml:5:3"
                ),
                mule(
                    "Mule app billing logs in as it through domain acme-domain (`SF`)",
                    "billing/src/main/mule/global.xml:9:3"
                ),
                mule(
                    "Mule app invoices (dev) logs in as it through Mule plugin acme-common, which it imports (`SF`)",
                    "invoices/src/main/mule/global.xml:7:3"
                ),
                mule(
                    "Mule domain acme-domain logs in as it (`SF`)",
                    "acme-domain/src/main/mule/global.xml:4:3"
                ),
                (
                    ReasonKind::UserDefinition,
                    "a user definition file creates it".to_string(),
                    Some("config/int-user-def.json".to_string())
                ),
                (
                    ReasonKind::Config,
                    "named in intguard.toml [[identities]]".to_string(),
                    None
                ),
            ]
        );
        // Serialized as they read.
        let json = serde_json::to_value(&id).unwrap();
        assert_eq!(json["reasons"].as_array().unwrap().len(), 6);
        assert_eq!(
            json["reasons"][3]["detail"],
            "Mule domain acme-domain logs in as it (`SF`)"
        );
        assert_eq!(json["reasons"][5]["kind"], "config");
    }

    /// Nothing is held for an identity without uses or other reasons, and
    /// what is set reads back.
    #[test]
    fn uses_are_held_only_when_there_are_some() {
        let mut id = IntegrationIdentity::new(Some("int@acme.com".into()), "int@acme.com".into());
        id.set_objects_used(Default::default());
        assert!(id.more.is_none());
        id.set_objects_used(vec![used("Order", vec![ObjectOperation::Read], false)].into());
        assert_eq!(id.objects_used().len(), 1);
        assert!(id.unknown_uses().is_empty());
        id.settle_other_reasons();
        assert!(id.reasons().is_empty());
        id.set_objects_used(Default::default());
        assert!(id.objects_used().is_empty());
    }

    /// Reading through a relationship (`Account.Name` from Contact) only
    /// reads; a delete needs the Edit and Read Salesforce requires for it,
    /// on its object or, when its objects are unknown, on any object.
    #[test]
    fn needs_are_what_salesforce_requires_and_relationships_only_read() {
        let mut id = IntegrationIdentity::new(Some("int@acme.com".into()), "int@acme.com".into());
        id.set_objects_used(
            vec![
                used("Account", vec![ObjectOperation::Read], true),
                used("Case", vec![ObjectOperation::Delete], false),
                used("Lead", vec![ObjectOperation::Create], false),
            ]
            .into(),
        );
        let need = |id: &IntegrationIdentity, o: &str| id.access_needed(o).map(|n| n.describe());
        assert_eq!(need(&id, "Account").as_deref(), Some("Read"));
        assert_eq!(need(&id, "Case").as_deref(), Some("Read, Edit, Delete"));
        assert_eq!(need(&id, "Lead").as_deref(), Some("Read, Create"));
        assert_eq!(need(&id, "Order"), None);
        *id.unknown_uses_mut() = vec![UnknownUse {
            app: "orders".into(),
            operation: ObjectOperation::Delete,
            reason: UnknownUseReason::NoObject,
            relationships: Vec::new(),
            location: Location::new("a.xml", 1, 1),
        }];
        assert_eq!(need(&id, "Order").as_deref(), Some("Read, Edit, Delete"));
        assert_eq!(
            need(&id, "Lead").as_deref(),
            Some("Read, Create, Edit, Delete")
        );
    }

    /// The lookup answers as the one-object methods do, for every name
    /// asked in any case, with or without unknown uses.
    #[test]
    fn the_lookup_answers_as_the_one_object_methods() {
        let mut id = IntegrationIdentity::new(Some("int@acme.com".into()), "int@acme.com".into());
        id.facts_mut().object_access = vec![
            access("Account", true),
            access("ACCOUNT", false),
            access("Case", false),
        ];
        id.set_objects_used(
            vec![
                used("account", vec![ObjectOperation::Read], false),
                used("Contact", vec![ObjectOperation::Create], false),
                used("Order", Vec::new(), true),
            ]
            .into(),
        );
        let names = ["Account", "account", "CASE", "Contact", "Order", "Lead", ""];
        for unknown in [false, true] {
            if unknown {
                *id.unknown_uses_mut() = vec![UnknownUse {
                    app: "orders".into(),
                    operation: ObjectOperation::Delete,
                    reason: UnknownUseReason::ExpressionQuery,
                    relationships: Vec::new(),
                    location: Location::new("a.xml", 1, 1),
                }];
            }
            let lookup = id.object_lookup();
            for name in names {
                assert_eq!(
                    lookup.access(name).map(|o| (&o.object, o.access)),
                    id.object_access(name).map(|o| (&o.object, o.access)),
                    "{name}"
                );
                assert_eq!(lookup.used(name), id.object_used(name), "{name}");
                assert_eq!(lookup.needed(name), id.access_needed(name), "{name}");
            }
            // The first of a name wins, in any case.
            assert!(lookup.access("account").unwrap().access.read);
            assert_eq!(lookup.needed("Lead").is_some(), unknown);
        }
    }
}
