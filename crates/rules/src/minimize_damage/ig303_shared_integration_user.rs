use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use intguard_model::{
    Finding, Inventory, Location, MuleApp, Practice, Related, RuleMeta, SalesforceConnection,
    Severity,
};

use crate::identities::active_org_users;
use crate::support::{
    connection_identities_ref, env_phrase, in_test_sources, short_location, EnvIdentity,
};
use crate::Rule;

pub struct SharedIntegrationUser;

static META: RuleMeta = RuleMeta {
    id: "IG303",
    name: "shared-integration-user",
    practice: Practice::MinimizeDamage,
    default_severity: Severity::High,
    summary: "One Salesforce integration user is shared by several apps",
    doc: r#"## What it does
Resolves the username (or JWT `principal`) of every Salesforce connection in every
environment and groups them: when the same user (case-insensitive) is used by more
than one app in the same environment, it reports one finding per username that lists
every app and connection using it, and the property lines that set it. Apps that
`intguard.toml` declares as one system sharing that user (`[[identities]]` with
`apps = [...]`) are not reported. A username that applies to every environment (written
in the XML, or set in an app without environment files) counts in each environment the
other apps use it in. Apps that use it only in environments of different names (`prod` in
one app, `production` in another, or one app's `dev` running as another's `prod` user)
share it all the same: a Salesforce username is one user of one org, whatever each app
calls its environment; the finding then names each app's environment. Connections in MUnit test sources (`src/test/`) do not count: a
suite is the app's own test, not another system using the user.

The Salesforce side counts too: a connected app (`<oauthClientCredentialUser>`) or
External Client App (`<clientCredentialsFlowUser>`) whose client credentials flow runs
as the username is one more consumer of it (unless a Mule app of that user calls that
very app, by its consumer key), and so are user definition files that create the same
username with different profiles or permission sets (two systems each expecting their
own access). Those are added to the Mule finding for the username, or reported on their
own when no Mule app shares it. Such a finding is shown at the run-as element (else at the
first user definition), which no Mule app joining the scan moves; the Mule connections
are related places, where a comment still hides it.

In an org audit (`intguard org audit`, `intguard scan --org-snapshot`) what the org saw
counts too: the OAuth tokens an integration user holds and the applications of its
successful logins within the audit window. Two or more distinct apps using one user
are reported (merged into the finding for that username when there is one), unless
`intguard.toml` lists them all as one system. Such a finding is shown at the org's user,
which no app joining or leaving the scan moves (the Mule apps' connections are related
places, where a comment still hides it).

Apps deployed in a Mule domain (a pom dependency with classifier `mule-domain`, or
`domain=` in Mule 3's `mule-deploy.properties`) whose operations use one of the
domain's Salesforce connections (`config-ref`) run as its user, resolved in the
domain's properties: each counts as an app using it, at its first operation on the
connection, and the domain's connection is listed once. A domain connection that no
app of the scan uses counts as the domain's own.

Apps that depend on a Mule plugin of the scan (a pom dependency with classifier
`mule-plugin`) and `<import file>` its configuration file run on that file's Salesforce
connections as the user their own properties name (the runtime resolves an imported
configuration's placeholders in the importing app's properties): each counts as an app
using that user, at the plugin's connection, and the finding names the apps importing it.
A plugin connection that no app of the scan imports counts as the plugin's own.

Two apps with the same name in different folders (copies of one template) are two
apps, named by their folders. A named user's authorization-code connection
(`config-with-oauth-connection`: its `resourceOwnerId` is no username) and a username
kept encrypted (`![...]`) name no shared user. The finding is about the whole scan:
its fingerprint is the username's, so a baseline keeps it as apps start or stop
using that user.

## Why is this bad?
A shared integration user must hold the union of every app's permissions, so each app
can do far more than it needs; one leaked credential or compromised app exposes all of
them. Audit trails (`CreatedBy`, `LastModifiedBy`, Login History, Event Monitoring)
cannot tell the apps apart, a password rotation or a lockout breaks all of them at
once, and the user's API limits and concurrent sessions are shared.

## Example
```yaml
# orders-sapi/src/main/resources/properties/prod.yaml
sfdc:
  username: "int.mule@acme.com"
# customers-papi/src/main/resources/properties/prod.yaml
sfdc:
  username: "int.mule@acme.com"
```

## How to fix
Create one integration user per app (or per system / API / use case): Salesforce
Integration user license, the "Minimum Access - API Only Integrations" profile and a
permission set granting only what that app uses; pre-authorize that permission set on
the app's connected app or External Client App, then point each app at its own user:
```yaml
# orders-sapi/src/main/resources/properties/prod.yaml
sfdc:
  username: "int.orders@acme.com"
# customers-papi/src/main/resources/properties/prod.yaml
sfdc:
  username: "int.customers@acme.com"
```
When the apps run on a Mule domain's shared connection, a new username needs a
connection of the app's own: define one in the app and point its operations at it.
```xml
<!-- orders-sapi/src/main/mule/global.xml -->
<salesforce:sfdc-config name="Orders_Salesforce">
  <salesforce:jwt-connection consumerKey="${secure::sfdc.consumerKey}" keyStore="keys/orders-jwt.jks"
      storePassword="${secure::sfdc.keystore.password}" certificateAlias="orders"
      principal="${sfdc.username}"/>
</salesforce:sfdc-config>
<!-- orders-sapi/src/main/mule/orders.xml: was config-ref="Shared_Salesforce" (the domain's) -->
<salesforce:query config-ref="Orders_Salesforce">
  <salesforce:salesforce-query>SELECT Id, Status FROM Order</salesforce:salesforce-query>
</salesforce:query>
```
If the apps really are one system, say so in `intguard.toml`:
```toml
[[identities]]
username = "int.mule@acme.com"
system = "Customer 360"
apps = ["orders-sapi", "customers-papi"]
```

## References
- Salesforce Help: Give Integration Users API Only Access
- Salesforce Help: Salesforce Integration User License
- Salesforce Architects: Integration security, one integration user per integration
"#,
};

struct Use<'a> {
    /// How the finding names the app running as the user ([`app_label`]).
    label: &'a str,
    /// The app, or the domain, that defines the connection: its properties
    /// resolve the username.
    owner: &'a MuleApp,
    conn: &'a SalesforceConnection,
    /// Where the app runs as the user: the connection, or the app's
    /// operation on its domain's shared connection.
    at: &'a Location,
    /// The domain whose connection it is, when the app runs on a domain's.
    domain: Option<&'a str>,
    /// The Mule plugin whose connection it is, when the app imports the
    /// plugin's configuration file (its own properties name the user).
    plugin: Option<&'a str>,
    id: &'a EnvIdentity,
    /// Its place among every use, in the connections' order.
    order: u32,
}

/// Every use of every username, sorted by username (lowercase).
struct ByUser<'u, 'a>(&'u [(Cow<'a, str>, Use<'a>)]);

impl<'u, 'a> ByUser<'u, 'a> {
    /// Each username with its uses.
    fn groups(&self) -> impl Iterator<Item = (&'u str, &'u [(Cow<'a, str>, Use<'a>)])> {
        self.0.chunk_by(|a, b| a.0 == b.0).map(|g| (&*g[0].0, g))
    }

    /// The uses of one username.
    fn get(&self, user_key: &str) -> &'u [(Cow<'a, str>, Use<'a>)] {
        let start = self.0.partition_point(|(k, _)| &**k < user_key);
        let end = self.0.partition_point(|(k, _)| &**k <= user_key);
        &self.0[start..end]
    }
}

/// One username's uses per environment. A username that applies to every
/// environment (an app without environment files, a literal username) is
/// used in each environment other apps use it in too.
fn per_environment<'u, 'a>(
    uses: &'u [(Cow<'a, str>, Use<'a>)],
) -> BTreeMap<Option<String>, Vec<&'u Use<'a>>> {
    let mut per_env: BTreeMap<Option<String>, Vec<&Use<'a>>> = BTreeMap::new();
    for (_, u) in uses {
        per_env.entry(u.id.environment.clone()).or_default().push(u);
    }
    if let Some(everywhere) = per_env.get(&None).cloned() {
        for (env, uses) in per_env.iter_mut() {
            if env.is_some() {
                uses.extend(everywhere.iter().copied());
            }
        }
    }
    per_env
}

/// `text` in lowercase, borrowed when it is already (a username mostly is).
fn lowercase(text: &str) -> Cow<'_, str> {
    let lower = text.to_lowercase();
    if lower == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(lower)
    }
}

/// A username's hash (lowercase already), to tell which usernames could make
/// a finding before their uses are gathered.
fn user_hash(user_key: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(0x1630_3303).build_hasher();
    h.write(user_key.as_bytes());
    h.finish()
}

/// How the finding names an app: its name, or its folder when another app
/// of the scan has the same name (copies of one template, `v1/orders-api`
/// and `v2/orders-api`): those are two apps sharing the user all the same.
fn app_label<'a>(app: &'a MuleApp, duplicated: &HashSet<&str>) -> &'a str {
    if duplicated.contains(app.name.as_str()) {
        &app.root
    } else {
        &app.name
    }
}

/// Where each app's uses' connections are, sorted, once each: for
/// [`app_with_locations`], gathered in one pass (a pass over every use per
/// app took time in the square of the apps sharing a user).
fn locations_by_app<'u>(uses: &[&'u Use<'_>]) -> HashMap<&'u str, Vec<&'u Location>> {
    let mut by_app: HashMap<&str, Vec<&Location>> = HashMap::new();
    for u in uses {
        by_app.entry(u.label).or_default().push(u.at);
    }
    for locs in by_app.values_mut() {
        locs.sort();
        locs.dedup();
    }
    by_app
}

/// `app (file:line, ...)`: an app and where its uses' connections are.
fn app_with_locations(app: &str, by_app: &HashMap<&str, Vec<&Location>>) -> String {
    let locs: Vec<String> = by_app
        .get(app)
        .into_iter()
        .flatten()
        .map(|l| short_location(l))
        .collect();
    format!("{app} ({})", locs.join(", "))
}

impl Rule for SharedIntegrationUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, inventory: &Inventory) -> Vec<Finding> {
        // Every use, as (username lowercase, use), grouped by username: one
        // flat list, and a map per environment for one username at a time
        // (`per_environment`). A map per username held them all at once: a
        // tenth of a scan's peak memory on a monorepo of 2,000 apps.
        let mut seen_names: HashSet<&str> = HashSet::new();
        let duplicated: HashSet<&str> = inventory
            .apps
            .iter()
            .map(|a| a.name.as_str())
            .filter(|n| !seen_names.insert(n))
            .collect();
        // Each connection's users, borrowed from a compact app's facts (a
        // copy per use was a tenth of the rules' peak at 2,000 apps): each
        // app on its own connections and on its domain's shared ones, a
        // connection's usernames resolved once, however many apps use it.
        let connections: Vec<_> = inventory
            .connection_uses()
            .into_iter()
            // An MUnit suite's connection is the app's own test, not another
            // system using the user.
            .filter(|g| !in_test_sources(&g[0].connection.location.path))
            .collect();
        // Only a username that two apps use, or that the org's side names,
        // can make a finding. Which those are is told first from a hash of
        // each use's username and its app (a collision only keeps more):
        // every connection's users held at once, to group them, were a
        // quarter of the rules' peak at 2,000 apps (a compact app's are read
        // back from the temporary file).
        let mut keys: Vec<(u64, &str, u32)> = Vec::new();
        for (at, group) in connections.iter().enumerate() {
            let ids = connection_identities_ref(inventory, group[0].owner, group[0].connection);
            for id in ids.iter() {
                let key = user_hash(&lowercase(&id.username));
                for cu in group {
                    keys.push((key, app_label(cu.app, &duplicated), at as u32));
                }
            }
        }
        keys.sort_unstable();
        let org = org_side(inventory);
        let mut wanted: HashSet<u64> = org.users().map(|u| user_hash(u)).collect();
        for same in keys.chunk_by(|a, b| a.0 == b.0) {
            if same.windows(2).any(|w| w[0].1 != w[1].1) {
                wanted.insert(same[0].0);
            }
        }
        let mut read_again: Vec<u32> = keys
            .iter()
            .filter(|k| wanted.contains(&k.0))
            .map(|k| k.2)
            .collect();
        drop(keys);
        read_again.sort_unstable();
        read_again.dedup();
        let groups: Vec<_> = read_again
            .into_iter()
            .map(|at| {
                let g = &connections[at as usize];
                let ids = connection_identities_ref(inventory, g[0].owner, g[0].connection);
                (g, ids)
            })
            .collect();
        let mut uses: Vec<(Cow<'_, str>, Use<'_>)> = Vec::new();
        for (group, ids) in &groups {
            let (owner, conn) = (group[0].owner, group[0].connection);
            let ids: Vec<(&EnvIdentity, Cow<'_, str>)> = ids
                .iter()
                .map(|id| (id, lowercase(&id.username)))
                .filter(|(_, key)| wanted.contains(&user_hash(key)))
                .collect();
            for cu in group.iter() {
                for (id, key) in &ids {
                    let use_ = Use {
                        label: app_label(cu.app, &duplicated),
                        owner,
                        conn,
                        at: cu.location(),
                        domain: cu.through_domain.map(|_| owner.name.as_str()),
                        plugin: cu.through_plugin.map(|p| p.name.as_str()),
                        id,
                        order: uses.len() as u32,
                    };
                    uses.push((key.clone(), use_));
                }
            }
        }
        // Each username's uses stay in the order of the connections; sorted
        // in place (a stable sort's buffer was a copy of every use).
        uses.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.order.cmp(&b.1.order)));
        let by_user = ByUser(&uses);

        let mut out = Vec::new();
        // Where each Mule finding is shown (its first app's connection), as
        // a related place, should the org's side take its place.
        let mut first_places: HashMap<&str, Related> = HashMap::new();
        for (user_key, user_uses) in by_user.groups() {
            let per_env = per_environment(user_uses);
            let hint = inventory.apps_allowed_to_share(user_key);
            // environment -> sorted distinct app names, where shared
            let mut shared: Vec<(&Option<String>, Vec<&str>)> = Vec::new();
            for (env, uses) in &per_env {
                let mut apps: Vec<&str> = uses.iter().map(|u| u.label).collect();
                apps.sort();
                apps.dedup();
                if apps.len() < 2 {
                    continue;
                }
                let allowed = hint.as_ref().is_some_and(|h| {
                    apps.iter()
                        .all(|a| h.iter().any(|x| x.eq_ignore_ascii_case(a)))
                });
                if allowed {
                    continue;
                }
                shared.push((env, apps));
            }
            if !shared.is_empty() {
                let (f, first) = finding(user_key, &per_env, &shared, false, hint.as_deref());
                first_places.insert(user_key, first);
                out.push(f);
                continue;
            }
            // No environment where two apps use it, but two apps use it in
            // environments of different names (`prod` in one app,
            // `production` in another; or one app's dev runs as the other's
            // prod user): a username is one user of one org, whatever each
            // app calls its environment.
            let mut all: Vec<&str> = per_env.values().flatten().map(|u| u.label).collect();
            all.sort();
            all.dedup();
            let allowed = hint.as_ref().is_some_and(|h| {
                all.iter()
                    .all(|a| h.iter().any(|x| x.eq_ignore_ascii_case(a)))
            });
            if all.len() < 2 || allowed {
                continue;
            }
            let each: Vec<(&Option<String>, Vec<&str>)> = per_env
                .iter()
                .map(|(env, uses)| {
                    let mut apps: Vec<&str> = uses.iter().map(|u| u.label).collect();
                    apps.sort();
                    apps.dedup();
                    (env, apps)
                })
                .collect();
            let (f, first) = finding(user_key, &per_env, &each, true, hint.as_deref());
            first_places.insert(user_key, first);
            out.push(f);
        }
        org_consumers(inventory, &org, &by_user, &mut first_places, &mut out);
        org_activity(inventory, &first_places, &mut out);
        out
    }
}

/// How the org's UI logins (Login History's application `Browser`) are
/// named among the apps using a user.
const UI_LOGINS: &str = "the Salesforce UI (Browser)";

/// What the org saw: the apps holding tokens of, or logging in as, each
/// integration user. Shown at the org's user, whatever the repositories
/// scanned: an app of the user that joins the scan (one more app sharing
/// it, or one whose name sorts first) does not move it; the Mule finding
/// for the user, when there is one, is merged into it, its apps' places
/// related (where a comment still hides it: `suppressible_at`).
/// `first_places` holds, per username, where the Mule finding was shown.
fn org_activity(
    inventory: &Inventory,
    first_places: &HashMap<&str, Related>,
    out: &mut Vec<Finding>,
) {
    for (id, org, user) in active_org_users(inventory) {
        let mut apps: Vec<(String, &Location)> = org
            .tokens_of(&user.id)
            .map(|t| (t.app_name.clone(), &t.location))
            .chain(
                org.logins_of(&user.id)
                    .filter(|l| l.succeeded())
                    // Login History's placeholder (`N/A`) names no app.
                    .filter_map(|l| {
                        // A login to the Salesforce UI (Login History's
                        // application `Browser`) is a person, not an app:
                        // named so. (Login type `Application` alone is not:
                        // SOAP API logins have it too.)
                        if l.app().is_some_and(|a| a.eq_ignore_ascii_case("Browser")) {
                            return Some((UI_LOGINS.to_string(), &l.location));
                        }
                        l.app().map(|a| (a.to_string(), &l.location))
                    }),
            )
            .filter(|(a, _)| !a.trim().is_empty())
            .collect();
        apps.sort_by_key(|(a, _)| a.to_lowercase());
        apps.dedup_by_key(|(a, _)| a.to_lowercase());
        if apps.len() < 2 {
            continue;
        }
        let username = &user.username;
        let user_key = username.to_lowercase();
        if let Some(h) = inventory.apps_allowed_to_share(&user_key) {
            if apps
                .iter()
                .all(|(a, _)| h.iter().any(|x| x.eq_ignore_ascii_case(a)))
            {
                continue;
            }
        }
        let names: Vec<&str> = apps.iter().map(|(a, _)| a.as_str()).collect();
        let people = names.contains(&UI_LOGINS);
        let app_names: Vec<&str> = names.iter().copied().filter(|a| *a != UI_LOGINS).collect();
        let seen = if people {
            format!(
                "in the org, people log in to the Salesforce UI as it, and {} {}: {}",
                if app_names.len() == 1 {
                    "an app".to_string()
                } else {
                    format!("{} apps", app_names.len())
                },
                if app_names.len() == 1 {
                    "holds its tokens or logs in as it"
                } else {
                    "hold its tokens or log in as it"
                },
                names.join(", ")
            )
        } else {
            format!(
                "in the org, {} apps hold its tokens or log in as it: {}",
                names.len(),
                names.join(", ")
            )
        };
        let related: Vec<Related> = apps
            .iter()
            .map(|(a, at)| Related::new(at, format!("{a} uses {username}")))
            .collect();
        if let Some(f) = out.iter_mut().find(|f| f.fingerprint_key == user_key) {
            f.message = format!("{}; {seen}", f.message);
            let shown_at = std::mem::replace(&mut f.location, user.location.clone());
            if !f.suppressible_at.contains(&shown_at) {
                f.suppressible_at.insert(0, shown_at.clone());
            }
            // Where it was shown, now a related place (the org side's own
            // finding lists every Mule use among its related places already).
            let listed = f
                .related
                .iter()
                .any(|r| r.path == shown_at.path && r.line == shown_at.line);
            let first = first_places.get(user_key.as_str()).cloned().or_else(|| {
                (!listed).then(|| Related::new(&shown_at, format!("{username} is used here")))
            });
            f.related.splice(0..0, first);
            f.add_related(related);
            continue;
        }
        let f = crate::identities::identity_finding(
            &META,
            id,
            user.location.clone(),
            format!("{username} is shared: {seen}"),
        )
        .key_for_the_whole_scan(user_key)
        .fix({
            let apps_fix = if app_names.len() < 2 {
                String::new()
            } else {
                format!(
                    "Give each app its own integration user (Salesforce Integration license, \"Minimum Access - API Only Integrations\" profile, a permission set with only what that app uses) and pre-authorize it on that app only; then revoke the other apps' tokens of {username}. If these apps are one system, declare it in intguard.toml: a [[identities]] table with the lines username = \"{username}\" and apps = [{}].",
                    app_names
                        .iter()
                        .map(|a| format!("\"{a}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let people_fix = if people {
                format!(
                    "People log in to the Salesforce UI as {username}, so its password is known to them: make it API only (the \"API Only User\" permission, or the Salesforce Integration license: IG205) and reset its password, or move the integration to the JWT bearer flow."
                )
            } else {
                String::new()
            };
            [people_fix, apps_fix]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        });
        out.push(crate::identities::with_related(f, related));
    }
}

/// An app of the org that runs as a username: a connected app or External
/// Client App whose client credentials flow runs as it.
struct RunAs<'a> {
    what: String,
    app: &'a str,
    consumer_key: Option<&'a str>,
    location: &'a Location,
}

/// The org side: connected apps and External Client Apps whose client
/// credentials flow runs as a username, and user definition files that create
/// it with different access. Counted with the Mule apps using the username (in
/// any environment); merged into the Mule finding when there is one.
///
/// Where it is shown: at the run-as element of the first connected app or
/// External Client App (by place) whose client credentials flow runs as
/// the user, else at the first user definition (by place), even when Mule
/// apps use the user too. Those places are in the Salesforce metadata,
/// which no Mule app joining or leaving the scan moves: shown at the first
/// Mule connection (in sort order), the finding moved whenever an app
/// sorting first joined. The Mule apps' places are related, and a comment
/// at any of them still hides it (`suppressible_at`). A Mule finding
/// for the user is moved there so too; `first_places` then gives up the
/// user's entry (its place is related here already).
fn org_consumers(
    inventory: &Inventory,
    org: &OrgSide<'_>,
    by_user: &ByUser<'_, '_>,
    first_places: &mut HashMap<&str, Related>,
    out: &mut Vec<Finding>,
) {
    let OrgSide { run_as, defs } = org;
    let mut users: Vec<&String> = org.users().collect();
    users.sort();
    users.dedup();
    for user_key in users {
        let per_env = per_environment(by_user.get(user_key));
        let mule_uses: Vec<&Use<'_>> = per_env.values().flatten().copied().collect();
        let mut mule_apps: Vec<&str> = mule_uses.iter().map(|u| u.label).collect();
        mule_apps.sort();
        mule_apps.dedup();
        // A run-as app whose consumer key a Mule app of this user uses is that
        // Mule app's own connected app: the same integration.
        let apps: Vec<&RunAs<'_>> = run_as
            .get(user_key)
            .map(|v| v.iter().collect())
            .unwrap_or_default();
        let apps: Vec<&RunAs<'_>> = apps
            .into_iter()
            .filter(|r| {
                let Some(key) = r.consumer_key else {
                    return true;
                };
                !mule_uses
                    .iter()
                    .any(|u| crate::support::uses_consumer_key(inventory, u.owner, u.conn, key))
            })
            .collect();
        let user_defs = defs.get(user_key).map(Vec::as_slice).unwrap_or(&[]);
        let mut variants: Vec<(Option<String>, Vec<String>)> = user_defs
            .iter()
            .map(|d| {
                let mut ps: Vec<String> = d.permsets.iter().map(|p| p.to_lowercase()).collect();
                ps.sort();
                (d.profile_name.as_ref().map(|p| p.to_lowercase()), ps)
            })
            .collect();
        variants.sort();
        variants.dedup();
        let conflicting_defs = variants.len() > 1;
        if apps.is_empty() && !conflicting_defs {
            continue;
        }
        let consumers = mule_apps.len() + apps.len() + if conflicting_defs { 2 } else { 0 };
        if consumers < 2 {
            continue;
        }
        if let Some(h) = inventory.apps_allowed_to_share(user_key) {
            let listed = |n: &str| h.iter().any(|x| x.eq_ignore_ascii_case(n));
            if !conflicting_defs
                && mule_apps.iter().all(|a| listed(a))
                && apps.iter().all(|a| listed(a.app))
            {
                continue;
            }
        }
        let username = user_defs
            .first()
            .map(|d| d.username.trim().to_string())
            .or_else(|| mule_uses.first().map(|u| u.id.username.clone()))
            .unwrap_or_else(|| user_key.clone());
        let org_parts: Vec<String> = apps
            .iter()
            .map(|r| {
                format!(
                    "{} (client credentials run-as user, {})",
                    r.what,
                    short_location(r.location)
                )
            })
            .chain(conflicting_defs.then(|| {
                let files: Vec<String> = user_defs
                    .iter()
                    .map(|d| short_location(&d.location))
                    .collect();
                format!(
                    "{} user definitions with different profiles or permission sets ({})",
                    user_defs.len(),
                    files.join(", ")
                )
            }))
            .collect();
        let mut related: Vec<Related> = apps
            .iter()
            .map(|r| {
                Related::new(
                    r.location,
                    format!("{} runs its client credentials flow as {username}", r.what),
                )
            })
            .collect();
        for d in user_defs {
            related.push(Related::new(
                &d.location,
                format!(
                    "user definition creating {username}{}",
                    d.profile_name
                        .as_deref()
                        .map(|p| format!(" on profile {p}"))
                        .unwrap_or_default()
                ),
            ));
        }
        // The metadata's place for the finding (see above).
        let metadata_at: Option<&Location> = apps
            .iter()
            .map(|r| r.location)
            .min()
            .or_else(|| user_defs.iter().map(|d| &d.location).min());
        // Merge into the Mule finding for this user when there is one.
        if let Some(f) = out.iter_mut().find(|f| f.fingerprint_key == *user_key) {
            f.message = format!("{}; and by {}", f.message, org_parts.join(", "));
            if let Some(at) = metadata_at {
                let shown_at = std::mem::replace(&mut f.location, at.clone());
                if !f.suppressible_at.contains(&shown_at) {
                    f.suppressible_at.insert(0, shown_at);
                }
                if let Some(first) = first_places.remove(user_key.as_str()) {
                    f.related.insert(0, first);
                }
            }
            f.add_related(related);
            continue;
        }
        let by_app = locations_by_app(&mule_uses);
        let mut parts: Vec<String> = mule_apps
            .iter()
            .map(|a| app_with_locations(a, &by_app))
            .collect();
        parts.extend(org_parts);
        let first_mule = mule_uses
            .iter()
            .min_by(|a, b| a.conn.location.cmp(&b.conn.location))
            .map(|u| u.conn.location.clone());
        let Some(at) = metadata_at.cloned().or(first_mule) else {
            continue;
        };
        let mut envs: Vec<String> = mule_uses
            .iter()
            .filter_map(|u| u.id.environment.clone())
            .collect();
        envs.sort();
        envs.dedup();
        let names: Vec<String> = mule_apps
            .iter()
            .map(|a| a.to_string())
            .chain(apps.iter().map(|r| r.app.to_string()))
            .collect();
        let finding = Finding::new(
            &META,
            at,
            format!("{username} is used by {}", parts.join(", and by ")),
        )
        .identity(username.clone())
        .environments(envs)
        .key_for_the_whole_scan(user_key.clone())
        .fix(format!(
            "Give each app its own integration user (Salesforce Integration license, \"Minimum Access - API Only Integrations\" profile, a permission set with only what that app uses): set a different client credentials run-as user (Setup > App Manager > the app > Manage > Edit Policies > Client Credentials Flow > Run As; <oauthClientCredentialUser> / <clientCredentialsFlowUser>) or a different username in the Mule property files, and keep one user definition per user; if these are one system, declare it in intguard.toml: a [[identities]] table with the lines username = \"{username}\" and apps = [{}].",
            names
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let mut places: Vec<Related> = Vec::new();
        for u in &mule_uses {
            places.push(Related::new(u.at, runs_as(u, &u.id.username)));
            if let Some(at) = &u.id.defined_at {
                let env = u.id.environment.as_deref().unwrap_or("every environment");
                places.push(Related::new(
                    at,
                    format!("{}: username {} for {env}", u.label, u.id.username),
                ));
            }
        }
        places.extend(related);
        let mut finding = finding.related_all(places);
        // A comment at any Mule app's place running as the user hides it,
        // as it hides the Mule finding.
        let mut hidden_from: HashSet<&Location> = HashSet::from([&finding.location]);
        let suppressible: Vec<Location> = mule_uses
            .iter()
            .filter(|u| hidden_from.insert(u.at))
            .map(|u| u.at.clone())
            .collect();
        finding.suppressible_at = suppressible;
        out.push(finding);
    }
}

/// The org's apps running as each username and its user definitions, by
/// lowercase username.
struct OrgSide<'a> {
    run_as: BTreeMap<String, Vec<RunAs<'a>>>,
    defs: BTreeMap<String, Vec<&'a intguard_model::UserDefinition>>,
}

impl OrgSide<'_> {
    /// Every username the org's side names (lowercase).
    fn users(&self) -> impl Iterator<Item = &String> {
        self.run_as.keys().chain(self.defs.keys())
    }
}

/// Connected apps and External Client Apps whose client credentials flow
/// runs as a username, and the user definition files.
fn org_side<'a>(inventory: &'a Inventory) -> OrgSide<'a> {
    let sf = &inventory.salesforce;
    let mut run_as: BTreeMap<String, Vec<RunAs<'_>>> = BTreeMap::new();
    let mut add =
        |user: &'a intguard_model::Located<String>, what: String, app: &'a str, consumer_key| {
            run_as
                .entry(user.value.trim().to_lowercase())
                .or_default()
                .push(RunAs {
                    what,
                    app,
                    consumer_key,
                    location: &user.location,
                });
        };
    for app in &sf.connected_apps {
        let Some(oauth) = &app.oauth else { continue };
        let Some(u) = oauth
            .client_credential_user
            .as_ref()
            .filter(|_| app.client_credentials_enabled())
        else {
            continue;
        };
        let key = oauth.consumer_key.as_ref().map(|k| k.value.trim());
        add(
            u,
            format!("connected app {}", app.display_name()),
            &app.name,
            key,
        );
    }
    for app in &sf.external_client_apps {
        let Some(u) = app
            .oauth_policies
            .as_ref()
            .and_then(|p| p.client_credentials_flow_user.as_ref())
            .filter(|_| app.client_credentials_enabled())
        else {
            continue;
        };
        let key = app
            .global_oauth
            .as_ref()
            .and_then(|g| g.consumer_key.as_ref())
            .map(|k| k.value.trim());
        add(
            u,
            format!("external client app {}", app.display_name()),
            &app.name,
            key,
        );
    }
    // User definitions per username: distinct (profile, permission sets).
    let mut defs: BTreeMap<String, Vec<&intguard_model::UserDefinition>> = BTreeMap::new();
    for d in &sf.user_definitions {
        defs.entry(d.username.trim().to_lowercase())
            .or_default()
            .push(d);
    }

    OrgSide { run_as, defs }
}

/// The finding for one username: `shared` lists the environments where
/// several apps use it with those apps; with `across`, each environment's
/// apps (one app's only), when only apps in environments of different names
/// share it.
fn finding(
    user_key: &str,
    per_env: &BTreeMap<Option<String>, Vec<&Use<'_>>>,
    shared: &[(&Option<String>, Vec<&str>)],
    across: bool,
    hint: Option<&[&str]>,
) -> (Finding, Related) {
    // Every use in a shared environment, first by path and line.
    let mut uses: Vec<&Use<'_>> = shared
        .iter()
        .flat_map(|(env, _)| per_env[*env].iter().copied())
        .collect();
    uses.sort_by(|a, b| {
        a.conn
            .location
            .cmp(&b.conn.location)
            .then_with(|| a.id.environment.cmp(&b.id.environment))
    });
    let username = uses
        .first()
        .map(|u| u.id.username.clone())
        .unwrap_or_else(|| user_key.to_string());

    // Group environments that share the user among the same apps:
    // "2 apps in dev, prod: a (global.xml:12), b (global.xml:9)".
    let mut groups: Vec<(Vec<&str>, Vec<String>, bool)> = Vec::new();
    for (env, apps) in shared {
        let name: Option<String> = (*env).clone();
        match groups.iter_mut().find(|(a, _, _)| a == apps) {
            Some((_, envs, unnamed)) => match name {
                Some(n) => envs.push(n),
                None => *unnamed = true,
            },
            None => {
                let unnamed = name.is_none();
                groups.push((apps.clone(), name.into_iter().collect(), unnamed));
            }
        }
    }
    let by_app = locations_by_app(&uses);
    let parts: Vec<String> = groups
        .iter()
        .map(|(apps, envs, _)| {
            let listed: Vec<String> = apps
                .iter()
                .map(|a| app_with_locations(a, &by_app))
                .collect();
            format!(
                "{} apps {}: {}",
                apps.len(),
                env_phrase(envs),
                listed.join(", ")
            )
        })
        .collect();
    let message = if across {
        let each: Vec<String> = groups
            .iter()
            .map(|(apps, envs, _)| {
                let listed: Vec<String> = apps
                    .iter()
                    .map(|a| app_with_locations(a, &by_app))
                    .collect();
                format!("{} {}", listed.join(", "), env_phrase(envs))
            })
            .collect();
        format!(
            "{username} is used by {} apps, in environments of different names: {}; a username is one user of one org, whatever each app calls its environment",
            apps_count(shared),
            each.join("; ")
        )
    } else {
        format!("{username} is used by {}", parts.join("; and by "))
    };

    // Apps on a Mule plugin's connection they import: named at the plugin.
    let mut on_plugins: Vec<(&str, &Location, &str)> = uses
        .iter()
        .filter_map(|u| u.plugin.map(|p| (p, &u.conn.location, u.label)))
        .collect();
    on_plugins.sort();
    on_plugins.dedup();
    let message = if on_plugins.is_empty() {
        message
    } else {
        let per_plugin: Vec<String> = on_plugins
            .chunk_by(|a, b| a.0 == b.0 && a.1 == b.1)
            .map(|g| {
                let apps: Vec<&str> = g.iter().map(|(_, _, a)| *a).collect();
                let s = if apps.len() == 1 { "s" } else { "" };
                format!(
                    "{} import{s} the connection at {} from Mule plugin {}",
                    apps.join(", "),
                    short_location(g[0].1),
                    g[0].0
                )
            })
            .collect();
        format!(
            "{message} ({}, its username resolved in each app's own properties)",
            per_plugin.join("; ")
        )
    };

    let mut environments: Vec<String> = shared.iter().filter_map(|(e, _)| (*e).clone()).collect();
    environments.sort();

    let first = uses[0];
    let mut apps_all: Vec<&str> = shared.iter().flat_map(|(_, a)| a.iter().copied()).collect();
    apps_all.sort();
    apps_all.dedup();
    // Where each app sets the username: a property line (`sfdc.username`
    // in its files), or the connection's attribute itself
    // (`principal="int@acme.com"`), which no property file holds.
    let in_properties = |app: &str| {
        uses.iter()
            .any(|u| u.label == app && u.id.defined_at.is_some())
    };
    let set_in = |apps: &[&str]| -> String {
        let (props, xml): (Vec<&str>, Vec<&str>) =
            apps.iter().copied().partition(|a| in_properties(a));
        let mut parts = Vec::new();
        if !props.is_empty() {
            parts.push(format!("in the property files of {}", props.join(", ")));
        }
        if !xml.is_empty() {
            parts.push(format!(
                "in the connection of {} (its username / principal attribute)",
                xml.join(", ")
            ));
        }
        parts.join(" and ")
    };
    // The apps `intguard.toml` lets share the user keep it: only the others
    // need a user of their own.
    let listed: Vec<&str> = hint
        .map(|h| {
            apps_all
                .iter()
                .copied()
                .filter(|a| h.iter().any(|x| x.eq_ignore_ascii_case(a)))
                .collect()
        })
        .unwrap_or_default();
    let keep = match named_owner(&username, &apps_all) {
        _ if !listed.is_empty() && listed.len() < apps_all.len() => {
            let others: Vec<&str> = apps_all
                .iter()
                .copied()
                .filter(|a| !listed.contains(a))
                .collect();
            format!(
                "keep {username} for {} (intguard.toml lets {} share it) and set a new username (sfdc.username / principal) {}",
                listed.join(", "),
                if listed.len() == 1 { "it" } else { "them" },
                set_in(&others)
            )
        }
        Some(owner) => {
            let others: Vec<&str> = apps_all.iter().copied().filter(|a| *a != owner).collect();
            format!(
                "keep {username} for {owner} (its name matches) and set a new username (sfdc.username / principal) {}",
                set_in(&others)
            )
        }
        None => {
            let all_props = apps_all.iter().all(|a| in_properties(a));
            let no_props = !apps_all.iter().any(|a| in_properties(a));
            format!(
                "keep {username} for one of {} and set a new username (sfdc.username / principal) {}",
                apps_all.join(", "),
                if all_props {
                    "in the property files of the others"
                } else if no_props {
                    "in the connections of the others (their username / principal attribute)"
                } else {
                    "where each of the others sets it (its property files, or its connection's username / principal attribute)"
                }
            )
        }
    };
    // Apps on a domain's connection share one config: a new username in
    // their property files is not enough.
    let mut on_domains: Vec<(&str, &str)> = uses
        .iter()
        .filter_map(|u| u.domain.map(|d| (d, u.label)))
        .collect();
    on_domains.sort();
    on_domains.dedup();
    let keep = if on_domains.is_empty() {
        keep
    } else {
        let per_domain: Vec<String> = on_domains
            .chunk_by(|a, b| a.0 == b.0)
            .map(|g| {
                let apps: Vec<&str> = g.iter().map(|(_, a)| *a).collect();
                let s = if apps.len() == 1 { "s" } else { "" };
                format!("{} run{s} on domain {}'s", apps.join(", "), g[0].0)
            })
            .collect();
        format!(
            "{keep}; {} shared Salesforce connection: give each app that needs another user a connection config of its own (in the app, with that user's properties) and point its operations' config-ref at it",
            per_domain.join(", and ")
        )
    };
    let finding = Finding::new(&META, first.at.clone(), message)
        .identity(username.clone())
        .environments(environments)
        .key_for_the_whole_scan(user_key.to_string())
        .fix(format!(
            "Give each app its own integration user (Salesforce Integration license, \"Minimum Access - API Only Integrations\" profile, a permission set with only what that app uses, pre-authorized on that app's connected app): {keep}; {}",
            declare(&username, &apps_all, hint)
        ));

    // Related: every other connection, then the property lines. Each
    // connection's environments gathered in one pass over the uses.
    let mut envs_at: HashMap<&Location, Vec<String>> = HashMap::new();
    for u in &uses {
        let envs = envs_at.entry(u.at).or_default();
        envs.extend(u.id.environment.clone());
    }
    let mut seen_at: HashSet<&Location> = HashSet::from([first.at]);
    let mut related: Vec<Related> = Vec::new();
    for u in &uses {
        if u.plugin.is_some() || !seen_at.insert(u.at) {
            continue;
        }
        let envs = envs_at.get(u.at).map_or(&[][..], Vec::as_slice);
        related.push(Related::new(
            u.at,
            format!("{} {}", runs_as(u, &u.id.username), env_phrase(envs)),
        ));
    }
    // Each app importing a Mule plugin's connection, at the connection
    // (several apps share that place).
    let mut plugin_apps: HashSet<(&Location, &str)> = HashSet::new();
    for u in &uses {
        if u.plugin.is_some() && plugin_apps.insert((u.at, u.label)) {
            let envs: Vec<String> = uses
                .iter()
                .filter(|v| v.at == u.at && v.label == u.label)
                .filter_map(|v| v.id.environment.clone())
                .collect();
            related.push(Related::new(
                u.at,
                format!("{} {}", runs_as(u, &u.id.username), env_phrase(&envs)),
            ));
        }
    }
    // The domain connections the apps share, once each.
    for u in &uses {
        if let Some(domain) = u.domain.filter(|_| seen_at.insert(&u.conn.location)) {
            related.push(Related::new(
                &u.conn.location,
                format!(
                    "domain {domain} `{}` ({}) runs as {}: every app deployed in the domain may use it",
                    u.conn.config_name, u.conn.element, u.id.username
                ),
            ));
        }
    }
    for u in &uses {
        if let Some(at) = &u.id.defined_at {
            let env = u.id.environment.as_deref().unwrap_or("every environment");
            // A domain's property line sets the user of all its apps.
            let whose = match u.domain {
                Some(domain) => format!("domain {domain}"),
                None => u.label.to_string(),
            };
            related.push(Related::new(
                at,
                format!("{whose}: username {} for {env}", u.id.username),
            ));
        }
    }
    // A comment at any app's place running as the user hides the finding,
    // not only at the first (which a new app may take). Once each: a user
    // that 3,000 apps share.
    let mut finding = finding;
    let mut places: HashSet<&Location> = HashSet::from([first.at]);
    finding.suppressible_at = uses
        .iter()
        .filter(|u| places.insert(u.at))
        .map(|u| u.at.clone())
        .collect();
    let first_envs = envs_at.get(first.at).map_or(&[][..], Vec::as_slice);
    let first_place = Related::new(
        first.at,
        format!(
            "{} {}",
            runs_as(first, &first.id.username),
            env_phrase(first_envs)
        ),
    );
    (finding.related_all(related), first_place)
}

/// How many distinct apps `shared` names.
/// How to declare the apps one system. When `intguard.toml` already names
/// the user, which of its apps it leaves out (a misspelt or renamed app
/// looked like a declaration that did not work).
fn declare(username: &str, apps: &[&str], hint: Option<&[&str]>) -> String {
    let quoted = apps
        .iter()
        .map(|a| format!("\"{a}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let Some(listed) = hint else {
        return format!(
            "if these apps are one system, declare them in intguard.toml: a [[identities]] table with the lines username = \"{username}\" and apps = [{quoted}]."
        );
    };
    let missing: Vec<&str> = apps
        .iter()
        .copied()
        .filter(|a| !listed.iter().any(|l| l.eq_ignore_ascii_case(a)))
        .collect();
    let lets = if listed.is_empty() {
        "lists no apps".to_string()
    } else {
        format!("lets {} share it", listed.join(", "))
    };
    format!(
        "intguard.toml's [[identities]] for {username} {lets}, not {}: if these apps are one system, list them there (apps = [{quoted}]).",
        missing.join(", ")
    )
}

fn apps_count(shared: &[(&Option<String>, Vec<&str>)]) -> usize {
    let mut apps: Vec<&str> = shared.iter().flat_map(|(_, a)| a.iter().copied()).collect();
    apps.sort();
    apps.dedup();
    apps.len()
}

/// `orders `SF_Config` (salesforce:sfdc-config) runs as int@acme.com`, or
/// for an app on its domain's connection `orders runs as int@acme.com
/// through domain acme-domain's `SF_Config` (salesforce:sfdc-config)`.
fn runs_as(u: &Use<'_>, username: &str) -> String {
    let (config, element) = (&u.conn.config_name, &u.conn.element);
    if let Some(plugin) = u.plugin {
        return format!(
            "{} runs as {username} through Mule plugin {plugin}'s `{config}` ({element}), which it imports",
            u.label
        );
    }
    match u.domain {
        Some(domain) => format!(
            "{} runs as {username} through domain {domain}'s `{config}` ({element})",
            u.label
        ),
        None => format!("{} `{config}` ({element}) runs as {username}", u.label),
    }
}

/// The one app whose name shares a word with the username's local part
/// (`int.orders@acme.com` and `orders-sapi`): the app the user was made for,
/// and the one that keeps it. `None` when no app or several match as well.
fn named_owner<'a>(username: &str, apps: &[&'a str]) -> Option<&'a str> {
    // Words every integration name has, which say nothing about whose it is.
    const GENERIC: &[&str] = &[
        "int",
        "integration",
        "api",
        "app",
        "user",
        "svc",
        "service",
        "mule",
        "sapi",
        "papi",
        "eapi",
        "sys",
        "prc",
        "exp",
        "sfdc",
        "salesforce",
    ];
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .map(|w| w.to_ascii_lowercase())
            .map(|w| w.strip_suffix('s').map(str::to_string).unwrap_or(w))
            .filter(|w| w.len() > 2 && !GENERIC.contains(&w.as_str()))
            .collect()
    };
    let local = username.split('@').next().unwrap_or(username);
    let user_words = words(local);
    let score = |app: &str| words(app).iter().filter(|w| user_words.contains(w)).count();
    let best = apps.iter().map(|a| score(a)).max()?;
    let mut top = apps.iter().filter(|a| score(a) == best);
    match (best, top.next(), top.next()) {
        (1.., Some(owner), None) => Some(owner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_app_named_like_the_user_is_its_owner() {
        let apps = ["customers-papi", "orders-sapi"];
        assert_eq!(
            named_owner("int.orders@acme.com", &apps),
            Some("orders-sapi")
        );
        assert_eq!(
            named_owner("svc_customer@acme.com.qa", &apps),
            Some("customers-papi")
        );
        // No app, or two apps, named like it: none is chosen.
        assert_eq!(named_owner("int.shared@acme.com", &apps), None);
        assert_eq!(named_owner("integration@acme.com", &apps), None);
        assert_eq!(
            named_owner("int.orders@acme.com", &["orders-sapi", "orders-papi"]),
            None
        );
    }

    use super::*;
    use crate::support::testkit::*;
    use intguard_model::{AuthClass, IdentityHint};

    fn sf_app(name: &str, line: u32, users: &[(&str, &str)]) -> MuleApp {
        let envs: Vec<&str> = users.iter().map(|(e, _)| *e).collect();
        let mut a = app(name, &envs);
        a.salesforce_connections.push(conn(
            "Salesforce_Config",
            "salesforce:jwt-connection",
            AuthClass::Certificate,
            &format!("{name}/src/main/mule/global.xml"),
            line,
            &[("principal", "${sfdc.username}")],
        ));
        for (env, user) in users {
            a.property_files.push(props(
                &format!("{name}/src/main/resources/properties/{env}.yaml"),
                Some(env),
                false,
                &[("sfdc.username", user)],
            ));
        }
        a
    }

    #[test]
    fn shared_in_prod_only() {
        let inv = Inventory {
            apps: vec![
                sf_app(
                    "orders-sapi",
                    12,
                    &[
                        ("dev", "int.orders@acme.com.dev"),
                        ("prod", "int.mule@acme.com"),
                    ],
                ),
                sf_app(
                    "customers-papi",
                    9,
                    &[
                        ("dev", "int.customers@acme.com.dev"),
                        ("prod", "INT.Mule@acme.com"),
                    ],
                ),
                sf_app(
                    "billing-sapi",
                    7,
                    &[
                        ("dev", "int.billing@acme.com.dev"),
                        ("prod", "int.billing@acme.com"),
                    ],
                ),
            ],
            ..Default::default()
        };
        let f = SharedIntegrationUser.check(&inv);
        assert_eq!(f.len(), 1, "{f:#?}");
        let f = &f[0];
        assert_eq!(f.location.path, "customers-papi/src/main/mule/global.xml");
        assert_eq!(
            f.message,
            "INT.Mule@acme.com is used by 2 apps in prod: customers-papi (global.xml:9), orders-sapi (global.xml:12)"
        );
        assert_eq!(f.environments, vec!["prod".to_string()]);
        assert_eq!(f.fingerprint_key, "int.mule@acme.com");
        assert!(f
            .related
            .iter()
            .any(|r| r.path == "orders-sapi/src/main/mule/global.xml" && r.line == 12));
        assert!(f.related.iter().any(|r| r
            .path
            .ends_with("orders-sapi/src/main/resources/properties/prod.yaml")));
        assert!(f.related.iter().any(|r| r
            .path
            .ends_with("customers-papi/src/main/resources/properties/prod.yaml")));
        assert!(!f.related.iter().any(|r| r.path.contains("billing")));
    }

    /// An encrypted username is no username: equal ciphertexts are not a
    /// shared user to report (and no ciphertext is named as one).
    #[test]
    fn encrypted_usernames_are_not_grouped() {
        let enc = "![geR4SnTya8cuj6EI86MJvj3SeNsla0dWRzHHjVCo5GA=]";
        let inv = Inventory {
            apps: vec![
                sf_app("orders-sapi", 12, &[("prod", enc)]),
                sf_app("customers-papi", 9, &[("prod", enc)]),
            ],
            ..Default::default()
        };
        assert!(SharedIntegrationUser.check(&inv).is_empty());
    }

    #[test]
    fn hint_allows_sharing_among_listed_apps_only() {
        let apps = vec![
            sf_app("orders-sapi", 12, &[("prod", "int.mule@acme.com")]),
            sf_app("orders-batch", 9, &[("prod", "int.mule@acme.com")]),
        ];
        let mut inv = Inventory {
            apps,
            identity_hints: vec![IdentityHint {
                username: "int.mule@acme.com".into(),
                apps: vec!["orders-sapi".into(), "Orders-Batch".into()],
                ..Default::default()
            }],
            ..Default::default()
        };
        assert!(SharedIntegrationUser.check(&inv).is_empty());
        inv.apps.push(sf_app(
            "customers-papi",
            3,
            &[("prod", "int.mule@acme.com")],
        ));
        let f = SharedIntegrationUser.check(&inv);
        assert_eq!(f.len(), 1);
        assert!(f[0]
            .message
            .starts_with("int.mule@acme.com is used by 3 apps in prod"));
        // The fix says which app the config leaves out, not to add a table
        // the config already has.
        assert!(
            f[0].fix.ends_with(
                "intguard.toml's [[identities]] for int.mule@acme.com lets orders-sapi, Orders-Batch share it, not customers-papi: if these apps are one system, list them there (apps = [\"customers-papi\", \"orders-batch\", \"orders-sapi\"])."
            ),
            "{}",
            f[0].fix
        );
    }

    /// Found by testing an estate: with `intguard.toml` letting two apps
    /// share a user and a third using it too, the fix said to keep the user
    /// for "one of" the three and give "the others" a new username "in the
    /// property files" (the allowed pair included), although the third app
    /// wrote the username in its connection (`principal="..."`), not in a
    /// property file.
    #[test]
    fn fix_keeps_the_user_for_the_apps_the_config_allows() {
        let mut literal = app("customers-papi", &["prod"]);
        literal.salesforce_connections.push(conn(
            "Salesforce_Config",
            "salesforce:jwt-connection",
            AuthClass::Certificate,
            "customers-papi/src/main/mule/global.xml",
            3,
            &[("principal", "int.mule@acme.com")],
        ));
        literal.property_files.push(props(
            "customers-papi/src/main/resources/properties/prod.yaml",
            Some("prod"),
            false,
            &[("http.port", "8081")],
        ));
        let inv = Inventory {
            apps: vec![
                sf_app("orders-sapi", 12, &[("prod", "int.mule@acme.com")]),
                sf_app("orders-batch", 9, &[("prod", "int.mule@acme.com")]),
                literal,
            ],
            identity_hints: vec![IdentityHint {
                username: "int.mule@acme.com".into(),
                apps: vec!["orders-sapi".into(), "orders-batch".into()],
                ..Default::default()
            }],
            ..Default::default()
        };
        let f = SharedIntegrationUser.check(&inv);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(
            f[0].fix.contains(
                "keep int.mule@acme.com for orders-batch, orders-sapi (intguard.toml lets them share it) and set a new username (sfdc.username / principal) in the connection of customers-papi (its username / principal attribute);"
            ),
            "{}",
            f[0].fix
        );
        assert!(!f[0].fix.contains("one of"), "{}", f[0].fix);
    }

    /// Found by testing as a user would: an `intguard.toml` that already
    /// names the user (its system or profile) and, following IG303's fix,
    /// declares its apps in a second `[[identities]]` table for the same
    /// username, still got IG303: only the first table was read for the
    /// apps, while `intguard identities` merges both.
    #[test]
    fn apps_declared_in_any_table_of_the_username_count() {
        let inv = Inventory {
            apps: vec![
                sf_app("orders-sapi", 12, &[("prod", "int.mule@acme.com")]),
                sf_app("orders-batch", 9, &[("prod", "int.mule@acme.com")]),
            ],
            identity_hints: vec![
                IdentityHint {
                    username: "int.mule@acme.com".into(),
                    system: Some("Orders".into()),
                    ..Default::default()
                },
                IdentityHint {
                    username: "INT.mule@acme.com".into(),
                    apps: vec!["orders-sapi".into()],
                    ..Default::default()
                },
                IdentityHint {
                    username: "int.mule@acme.com".into(),
                    apps: vec!["orders-batch".into()],
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert!(
            SharedIntegrationUser.check(&inv).is_empty(),
            "{:#?}",
            SharedIntegrationUser.check(&inv)
        );
    }

    /// One username in two apps' environments of different names is one
    /// user of one org, shared (found by testers: `prod` in one app and
    /// `production` in another, or one app's dev running as the other's
    /// user); environments that share it among the same apps merge.
    #[test]
    fn different_environments_share_too_and_groups_merge() {
        let inv = Inventory {
            apps: vec![
                sf_app("a", 1, &[("dev", "x@acme.com"), ("prod", "y@acme.com")]),
                sf_app("b", 2, &[("qa", "x@acme.com"), ("prod", "z@acme.com")]),
            ],
            ..Default::default()
        };
        let f = SharedIntegrationUser.check(&inv);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            f[0].message,
            "x@acme.com is used by 2 apps, in environments of different names: a (global.xml:1) in dev; b (global.xml:2) in qa; a username is one user of one org, whatever each app calls its environment"
        );
        // One app alone in several environments shares nothing.
        let inv = Inventory {
            apps: vec![sf_app(
                "a",
                1,
                &[("dev", "x@acme.com"), ("prod", "x@acme.com")],
            )],
            ..Default::default()
        };
        assert!(SharedIntegrationUser.check(&inv).is_empty());
        let inv = Inventory {
            apps: vec![
                sf_app("a", 1, &[("dev", "x@acme.com"), ("prod", "x@acme.com")]),
                sf_app("b", 2, &[("dev", "x@acme.com"), ("prod", "x@acme.com")]),
            ],
            ..Default::default()
        };
        let f = SharedIntegrationUser.check(&inv);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].message,
            "x@acme.com is used by 2 apps in dev, prod: a (global.xml:1), b (global.xml:2)"
        );
    }
}
