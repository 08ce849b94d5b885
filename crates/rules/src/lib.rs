//! intguard's rules. Each rule lives in its own file under the practice it
//! serves (`protect_credentials`, `protect_access`, `minimize_damage`), declares
//! its [`RuleMeta`] (id, name, severity and documentation) next to its code,
//! and is a pure function of the [`Inventory`]: no I/O.

pub mod identities;
pub mod minimize_damage;
pub mod protect_access;
pub mod protect_credentials;
mod registry;
pub mod scan_scope;
pub mod support;

use foldhash::{HashMap, HashSet};

use intguard_model::{Finding, Inventory, RuleMeta};

pub use registry::{all_rules, find_rule, similar_rules};

/// What a rule's findings depend on, which decides when the engine may run
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One Mule app's facts and the text facts of its files; nothing of other
    /// apps, the Salesforce metadata, the org or the config's identity
    /// mapping. The engine runs such a rule on each app as soon as the app is
    /// read (with that app alone in the Inventory) and on the files outside
    /// any app (with no app at all), so that it need not hold every app's
    /// facts until the end. What only the whole scan knows (who else logs in
    /// as a user) is left to [`complete`]; what it finds in the org or the
    /// metadata, to [`Rule::check_scan`], run once at the end.
    App,
    /// Anything in the Inventory: run once, when everything is read.
    Scan,
}

/// Where a rule hands over its findings a batch at a time
/// ([`Rule::check_into`]); called from any thread.
pub type Sink<'s> = dyn Fn(Vec<Finding>) + Sync + 's;

/// A rule: metadata plus a check over the whole Inventory.
pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    /// The rule's findings at the rule's own severities.
    fn check(&self, inventory: &Inventory) -> Vec<Finding>;

    /// [`Rule::check`]'s findings handed to `sink` a batch at a time as they
    /// are made, so that a rule making many need not hold them all: the
    /// engine spills each batch out of memory. The same findings as
    /// [`Rule::check`], fields and all; only their order may differ (batches
    /// may come from several threads), which the report's sort undoes. All
    /// at once by default; a rule making findings in proportion to the apps
    /// hands them over per app.
    fn check_into(&self, inventory: &Inventory, sink: &Sink<'_>) {
        sink(self.check(inventory));
    }

    /// What the rule reads: [`Scope::Scan`] unless the rule says otherwise.
    fn scope(&self) -> Scope {
        Scope::Scan
    }

    /// Every finding the rule can show at a place of an app is made from
    /// that app alone: in a scan of some files of an app (a pre-commit
    /// hook, which reads that app alone) a comment naming the rule that
    /// hides nothing is reported. The [`Scope::App`] rules unless they say
    /// otherwise.
    fn sees_one_app_alone(&self) -> bool {
        self.scope() == Scope::App
    }

    /// For a [`Scope::App`] rule, the findings that need more than one app
    /// (the org's login history): run once, on the whole Inventory, beside
    /// the [`Scope::Scan`] rules. [`Rule::check`] then finds the rest, one
    /// app at a time. None by default; a Scan rule finds everything in
    /// [`Rule::check`].
    fn check_scan(&self, _inventory: &Inventory) -> Vec<Finding> {
        Vec::new()
    }

    /// [`Rule::check`], with every finding located in a Mule app's test
    /// sources (`src/test/`: MUnit suites and their resources) reported one
    /// severity lower, for every rule alike. MUnit suites often hold fake
    /// credentials and local mocks; a real secret there is still reported.
    /// What needs the whole scan is not added yet: see [`complete`].
    fn run_part(&self, inventory: &Inventory) -> Vec<Finding> {
        lowered_in_test_sources(self.check(inventory))
    }

    /// [`Rule::run_part`] through [`Rule::check_into`]: each batch handed
    /// to `sink` with the severities of [`Rule::run_part`].
    fn run_part_into(&self, inventory: &Inventory, sink: &Sink<'_>) {
        self.check_into(inventory, &|found| sink(lowered_in_test_sources(found)));
    }

    /// [`Rule::check_scan`], with the severities of [`Rule::run_part`].
    fn run_scan_part(&self, inventory: &Inventory) -> Vec<Finding> {
        lowered_in_test_sources(self.check_scan(inventory))
    }

    /// What the engine runs on a whole Inventory: [`Rule::run_part`] and
    /// [`Rule::run_scan_part`], then [`complete`].
    fn run(&self, inventory: &Inventory) -> Vec<Finding> {
        let mut findings = self.run_part(inventory);
        findings.extend(self.run_scan_part(inventory));
        complete(inventory, &mut findings);
        findings
    }
}

/// Findings in a Mule app's test sources one severity lower (see
/// [`Rule::run_part`]).
fn lowered_in_test_sources(mut findings: Vec<Finding>) -> Vec<Finding> {
    for f in &mut findings {
        if support::in_test_sources(&f.location.path) {
            f.severity = f.severity.lowered();
        }
    }
    findings
}

/// Adds to findings made by [`Rule::run_part`] what only the whole scan
/// knows: in the fix, the other apps that log in as the finding's user, and,
/// first, for a user Salesforce maintains itself that the customer uses as
/// its own integration user, that the fix is a user of their own (its
/// profile and the user itself are Salesforce's to change).
/// `inventory` is the whole scan's, identities built.
pub fn complete(inventory: &Inventory, findings: &mut [Finding]) {
    let mut needs = CompletionNeeds::default();
    findings.iter().for_each(|f| needs.add(f));
    let completion = Completion::new(inventory, &needs);
    findings.iter_mut().for_each(|f| completion.complete(f));
}

/// What [`Completion`] must take from the Inventory for some findings,
/// gathered as they are made: the users their shared-user notes name and
/// the paths of IG101/IG102's findings (a Mule plugin's file).
#[derive(Debug, Default)]
pub struct CompletionNeeds {
    users: HashSet<String>,
    plugin_paths: HashSet<String>,
    /// The users whose profile's places some findings wait for
    /// ([`Finding::pending_profile_places`]), lowercase.
    profile_users: HashSet<String>,
}

impl CompletionNeeds {
    pub fn add(&mut self, f: &Finding) {
        if matches!(f.rule, "IG101" | "IG102")
            && !self.plugin_paths.contains(f.location.path.as_str())
        {
            self.plugin_paths.insert(f.location.path.to_string());
        }
        for (user, _) in &f.shared_user_notes {
            if !self.users.contains(user.as_str()) {
                self.users.insert(user.clone());
            }
        }
        for user in f.pending_profile_places.iter().flat_map(|(_, u)| u) {
            let user = user.to_ascii_lowercase();
            if !self.profile_users.contains(&user) {
                self.profile_users.insert(user);
            }
        }
    }
}

/// What [`complete`] adds, taken from the whole scan's Inventory for the
/// findings [`CompletionNeeds`] gathered, as owned data: the engine frees the
/// Inventory before it reads the findings back and completes each.
#[derive(Debug, Default)]
pub struct Completion {
    notes: identities::SharedUserNotes,
    /// By lowercase identity label ([`identities::salesforce_managed_notes`]).
    managed: HashMap<String, String>,
    /// By path, for a Mule plugin's file that apps import.
    plugin_notes: HashMap<String, String>,
    /// By lowercase username: where its profile is assigned, and the
    /// profile ([`identities::profile_related`]).
    profile_places: HashMap<String, Vec<intguard_model::Related>>,
}

impl Completion {
    pub fn new(inventory: &Inventory, needs: &CompletionNeeds) -> Self {
        let importers = support::PluginImporters::new(inventory);
        let index = inventory.identity_index();
        Completion {
            profile_places: needs
                .profile_users
                .iter()
                .filter_map(|user| {
                    let id = index.get(user)?;
                    Some((user.clone(), identities::profile_related(id)))
                })
                .collect(),
            notes: identities::SharedUserNotes::indexed(
                inventory,
                &index,
                needs.users.iter().map(String::as_str),
            ),
            managed: identities::salesforce_managed_notes(inventory),
            plugin_notes: needs
                .plugin_paths
                .iter()
                .filter_map(|path| Some((path.clone(), importers.note(path)?)))
                .collect(),
        }
    }

    /// [`complete`] for one finding, whose needs were added.
    pub fn complete(&self, f: &mut Finding) {
        // A password login or a clear secret in a Mule plugin's file runs in
        // every app importing the file: named, so the reach is seen.
        if matches!(f.rule, "IG101" | "IG102") {
            if let Some(note) = self.plugin_notes.get(f.location.path.as_str()) {
                // `complete` may see a finding twice (per app, then the scan).
                if !f.message.ends_with(note.as_str()) {
                    f.message.push_str(note);
                }
            }
        }
        // Where each user's profile is assigned, and the profile, at the
        // place the rule left for them, each place once (taken: `complete`
        // may see a finding twice).
        if let Some((at, users)) = f.pending_profile_places.take() {
            let mut at = at as usize;
            for user in users {
                let places = self.profile_places.get(&user.to_ascii_lowercase());
                for r in places.into_iter().flatten() {
                    if !f.related.contains(r) {
                        at = at.min(f.related.len());
                        f.related.insert(at, r.clone());
                        at += 1;
                    }
                }
            }
        }
        for (user, app) in std::mem::take(&mut f.shared_user_notes) {
            f.fix = format!("{}{}", f.fix, self.notes.note(&user, &app)).into();
        }
        let note = f
            .identity
            .as_deref()
            .and_then(|who| self.managed.get(&who.to_lowercase()));
        if let Some(note) = note {
            // `complete` may see a finding twice (per app, then the scan).
            if !f.fix.starts_with(note.as_str()) {
                f.fix = format!("{note} {}", f.fix).into();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use intguard_model::{
        AccessAssignment, AssignmentSource, IntegrationIdentity, Location, Related,
    };

    /// The profile's places of a user a rule run on one app could not see
    /// go where it left room for them, once, however often `complete` runs.
    #[test]
    fn pending_profile_places_are_filled_once_where_left() {
        let mut id = IntegrationIdentity::new(
            Some("int.orders@acme.com".into()),
            "int.orders@acme.com".into(),
        );
        id.facts_mut().profile = Some(AccessAssignment {
            name: "Orders Integration".into(),
            source: AssignmentSource::UserDefinition,
            assigned_at: Some(Location::new("config/orders-user-def.json", 5, 3)),
            metadata: Some(Location::file(
                "force-app/main/default/profiles/Orders Integration.profile-meta.xml",
            )),
        });
        let inventory = Inventory {
            identities: vec![id],
            ..Inventory::default()
        };
        let meta = registry::find_rule("IG206").unwrap().meta();
        let at = Location::new("orders/src/main/mule/global.xml", 10, 5);
        let mut f = Finding::new(meta, at.clone(), "no mutual TLS")
            .related(Related::new(
                &Location::new("orders/src/main/resources/prod.yaml", 2, 1),
                "username int.orders@acme.com for prod",
            ))
            .related(Related::new(&at, "nested TLS context without a key store"));
        f.pending_profile_places = Some((1, vec!["INT.orders@acme.com".into()]));
        let mut findings = vec![f];
        complete(&inventory, &mut findings);
        complete(&inventory, &mut findings);
        let related: Vec<&str> = findings[0]
            .related
            .iter()
            .map(|r| r.message.as_str())
            .collect();
        assert_eq!(
            related,
            [
                "username int.orders@acme.com for prod",
                "int.orders@acme.com is assigned profile Orders Integration",
                "profile Orders Integration",
                "nested TLS context without a key store",
            ]
        );
        assert!(findings[0].pending_profile_places.is_none());
    }
}
