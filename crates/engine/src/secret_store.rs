//! The compact apps' `![...]` records ([`SecretFacts`], IG104's, the
//! largest part of what a scan keeps of an app: its payloads), their key
//! and trust store references ([`StoreRef`], IG105's and IG112's) and who
//! their connections log in as ([`ConnectionFacts`], the identity graph's
//! and the rules'), moved out of memory once the app's pass is done and
//! read back one app at a time when read ([`Inventory::secret_facts`],
//! [`Inventory::store_refs`], [`Inventory::connection_facts`]). Written to an encrypted anonymous temporary
//! file ([`SealedFile`], as the findings are): the payloads are ciphertext
//! of committed secrets, and stay unreadable on the disk. Kept in memory as
//! before when no file can be created or a write fails; a record that
//! cannot be read back leaves its rules' findings on its app out, and the
//! report says so ([`SecretSpill::unread_diagnostic`],
//! [`SecretSpill::unread_stores_diagnostic`],
//! [`SecretSpill::unread_connections_diagnostic`]).
//!
//! [`Inventory::secret_facts`]: intguard_model::Inventory::secret_facts
//! [`Inventory::store_refs`]: intguard_model::Inventory::store_refs
//! [`Inventory::connection_facts`]: intguard_model::Inventory::connection_facts

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, RwLock};

use intguard_model::{
    ConnectionFacts, Diagnostic, KeptConnections, KeptSecrets, KeptStores, MuleApp, SecretFacts,
    SecretStore, SpilledAt, StoreRef,
};

use crate::sealed::{temporary_file, SealedFile, SpillFile};

/// Where a scan moves the compact apps' [`SecretFacts`] (see the module);
/// safe to use from the reading's and the rules' threads.
pub(crate) struct SecretSpill {
    /// `None`: nothing is moved out (no file). Appended to under the write
    /// lock; read back under the read lock, by the rules' threads side by
    /// side (a record is one positional read; under one lock for all,
    /// IG104's threads waited on each other at every app).
    file: RwLock<Option<SealedFile>>,
    state: Mutex<State>,
    /// The connections' facts of the apps read back last, with where they
    /// were: the callers ask for an app's connections in turn, and each
    /// read the app's whole record again (an app of 2,000 connections took
    /// seconds). A few: the identity graph's threads each go through apps
    /// of their own.
    last_connections: Mutex<VecDeque<(SpilledAt, Arc<Vec<ConnectionFacts>>)>>,
}

/// How many apps' connections' facts [`SecretSpill::load_connection`] keeps.
const LAST_CONNECTIONS: usize = 4;

struct State {
    /// False once a write failed: the apps after it keep theirs in memory
    /// (what was written before stays readable).
    writable: bool,
    /// Where the records that could not be read back are, each once.
    unread: Vec<u64>,
    /// The same, of the store references.
    unread_stores: Vec<u64>,
    /// The same, of the connections' facts.
    unread_connections: Vec<u64>,
}

impl SecretSpill {
    /// Moved out to an anonymous temporary file; kept in memory when none
    /// can be created.
    pub(crate) fn new() -> Self {
        SecretSpill::with_file(temporary_file())
    }

    /// Moved out to `file`, encrypted with a key of its own; kept in memory
    /// when `file` is `None` or no key can be drawn.
    pub(crate) fn with_file(file: Option<Box<dyn SpillFile>>) -> Self {
        SecretSpill {
            file: RwLock::new(SealedFile::new(file)),
            state: Mutex::new(State {
                writable: true,
                unread: Vec::new(),
                unread_stores: Vec::new(),
                unread_connections: Vec::new(),
            }),
            last_connections: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The file to read from. (Never held while `state` is locked.)
    fn file(&self) -> std::sync::RwLockReadGuard<'_, Option<SealedFile>> {
        self.file.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The file to append to. (Taken with `state` locked first.)
    fn file_mut(&self) -> std::sync::RwLockWriteGuard<'_, Option<SealedFile>> {
        self.file.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves `app`'s [`SecretFacts`], store references and connections'
    /// facts held in memory out to the file, leaving where they are in
    /// their place ([`KeptSecrets::Spilled`], [`KeptStores::Spilled`],
    /// [`KeptConnections::Spilled`]); left as they are when there is no
    /// file or the write fails. Called once the app's
    /// pass is done (its facts final).
    pub(crate) fn move_out(&self, app: &mut MuleApp) {
        let Some(facts) = app.scan_facts.as_deref_mut() else {
            return;
        };
        if let Some(kept) = facts.secrets.as_mut() {
            if let KeptSecrets::Held(held) = &*kept {
                if let Some(at) = self.write(&**held) {
                    *kept = KeptSecrets::Spilled(at);
                }
            }
        }
        if let KeptStores::Held(held) = &facts.stores {
            if !held.is_empty() {
                if let Some(at) = self.write(held) {
                    facts.stores = KeptStores::Spilled(at);
                }
            }
        }
        if let KeptConnections::Held(held) = &facts.connections {
            if !held.is_empty() {
                if let Some(at) = self.write(held) {
                    facts.connections = KeptConnections::Spilled(at);
                }
            }
        }
    }

    /// Appends `record` to the file: where it is, or `None` when there is
    /// no file or the write fails (a full disk: the later apps' records
    /// stay in memory).
    fn write<T: serde::Serialize + ?Sized>(&self, record: &T) -> Option<SpilledAt> {
        if !self.writes() {
            return None;
        }
        // Encoded outside the lock, on the reading thread.
        let mut bytes = postcard::to_allocvec(record).ok()?;
        let len = u32::try_from(bytes.len()).ok()?;
        let mut state = self.lock();
        if !state.writable {
            return None;
        }
        let mut file = self.file_mut();
        match file.as_mut()?.append(&mut bytes) {
            Ok(offset) => Some(SpilledAt { offset, len }),
            Err(_) => {
                state.writable = false;
                None
            }
        }
    }

    /// The bytes of the record at `at`; `None` when they cannot be read.
    fn read(&self, at: SpilledAt) -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        let file = self.file();
        file.as_ref()?
            .read_at(at.offset, at.len as usize, &mut bytes)
            .ok()
            .map(|_| bytes)
    }

    /// The record at `at`; `None` when it cannot be read back, noted in
    /// the list `unread` picks of the state.
    fn load_record<T: serde::de::DeserializeOwned>(
        &self,
        at: SpilledAt,
        unread: fn(&mut State) -> &mut Vec<u64>,
    ) -> Option<T> {
        let record = self
            .read(at)
            .and_then(|bytes| postcard::from_bytes::<T>(&bytes).ok());
        if record.is_none() {
            unread(&mut self.lock()).push(at.offset);
        }
        record
    }

    /// Some app's facts may still be moved out.
    fn writes(&self) -> bool {
        // One lock at a time (see `file`).
        let has_file = self.file().is_some();
        has_file && self.lock().writable
    }

    /// How many apps' records could not be read back.
    pub(crate) fn unread(&self) -> usize {
        distinct(&mut self.lock().unread)
    }

    /// How many apps' store references could not be read back.
    pub(crate) fn unread_stores(&self) -> usize {
        distinct(&mut self.lock().unread_stores)
    }

    /// How many apps' connections' facts could not be read back.
    pub(crate) fn unread_connections(&self) -> usize {
        distinct(&mut self.lock().unread_connections)
    }

    /// The error saying the report lacks IG104's findings on the apps whose
    /// records could not be read back (the temporary file failing under
    /// the scan); `None` when every one was.
    pub(crate) fn unread_diagnostic(&self) -> Option<Diagnostic> {
        lost(self.unread(), "the `![...]` values", "IG104's")
    }

    /// The same of IG105's and IG112's findings, whose apps' store
    /// references could not be read back.
    pub(crate) fn unread_stores_diagnostic(&self) -> Option<Diagnostic> {
        lost(
            self.unread_stores(),
            "the key and trust store references",
            "IG105's and IG112's",
        )
    }

    /// The same of the findings naming who the connections log in as,
    /// whose apps' connections' facts could not be read back: their users
    /// are missing from the identity graph too.
    pub(crate) fn unread_connections_diagnostic(&self) -> Option<Diagnostic> {
        lost(
            self.unread_connections(),
            "who the Salesforce connections log in as",
            "the identity graph's and its rules' (IG2xx, IG3xx)",
        )
    }
}

/// How many places `offsets` holds, each counted once.
fn distinct(offsets: &mut Vec<u64>) -> usize {
    offsets.sort_unstable();
    offsets.dedup();
    offsets.len()
}

/// The error saying the report lacks `rules` findings on `unread` apps
/// (`None` for none), whose `what` could not be read back.
fn lost(unread: usize, what: &str, rules: &str) -> Option<Diagnostic> {
    (unread > 0).then(|| {
        Diagnostic::error(
            intguard_model::FINDINGS_LOST,
            // The folder that holds the file.
            std::env::temp_dir().to_string_lossy(),
            format!(
                "{what} of {unread} app{} could not be read back from intguard's temporary file: {rules} findings on {} are missing, this report is incomplete",
                if unread == 1 { "" } else { "s" },
                if unread == 1 { "it" } else { "them" },
            ),
        )
    })
}

impl SecretStore for SecretSpill {
    fn load(&self, at: SpilledAt) -> Option<SecretFacts> {
        self.load_record(at, |state| &mut state.unread)
    }

    fn load_stores(&self, at: SpilledAt) -> Option<Vec<StoreRef>> {
        self.load_record(at, |state| &mut state.unread_stores)
    }

    fn load_connection(&self, at: SpilledAt, i: usize) -> Option<ConnectionFacts> {
        let last = || {
            self.last_connections
                .lock()
                .unwrap_or_else(|e| e.into_inner())
        };
        let held = last()
            .iter()
            .find(|(held, _)| *held == at)
            .map(|(_, facts)| Arc::clone(facts));
        if let Some(facts) = held {
            return facts.get(i).cloned();
        }
        // Read and decoded with no lock held: the other threads' apps are
        // read meanwhile.
        let facts: Arc<Vec<ConnectionFacts>> =
            Arc::new(self.load_record(at, |state| &mut state.unread_connections)?);
        let found = facts.get(i).cloned();
        let mut last = last();
        if !last.iter().any(|(held, _)| *held == at) {
            if last.len() == LAST_CONNECTIONS {
                last.pop_front();
            }
            last.push_back((at, facts));
        }
        found
    }
}

/// Counts only: no key, no record.
impl std::fmt::Debug for SecretSpill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let file = format!("{:?}", *self.file());
        let state = self.lock();
        f.debug_struct("SecretSpill")
            .field("file", &format_args!("{file}"))
            .field("writable", &state.writable)
            .field("unread", &state.unread.len())
            .field("unread_stores", &state.unread_stores.len())
            .field("unread_connections", &state.unread_connections.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use intguard_model::Inventory;

    use super::*;
    use crate::scan::{scan_spilling_with, ScanOutcome};
    use crate::sealed::testing::Shared;
    use crate::spill::tests::{findings_lost, options, shown, workspace};
    use crate::spill::Spill;

    fn ig104(tree: &str) -> PathBuf {
        workspace()
            .join("crates/rules/tests/fixtures/IG104")
            .join(tree)
    }

    /// The apps as read, each compact app's records held in memory.
    fn read(path: &Path) -> Inventory {
        crate::read::read_inventory(&options(path))
    }

    fn kept(app: &MuleApp) -> Option<&KeptSecrets> {
        app.scan_facts.as_deref()?.secrets.as_ref()
    }

    /// Each app's records held in memory, `None` for an app with none.
    fn held(inventory: &Inventory) -> Vec<Option<SecretFacts>> {
        let held = |app: &MuleApp| match kept(app)? {
            KeptSecrets::Held(facts) => Some((**facts).clone()),
            KeptSecrets::Spilled(_) => panic!("{} moved out", app.name),
        };
        inventory.apps.iter().map(held).collect()
    }

    /// Each app's records as IG104 reads them.
    fn read_back(inventory: &Inventory) -> Vec<Option<SecretFacts>> {
        let back = |app: &MuleApp| Some(inventory.secret_facts(kept(app)?)?.into_owned());
        inventory.apps.iter().map(back).collect()
    }

    fn spilled(inventory: &Inventory) -> usize {
        let moved = |app: &&MuleApp| matches!(kept(app), Some(KeptSecrets::Spilled(_)));
        inventory.apps.iter().filter(moved).count()
    }

    /// Every IG104 fixture tree at once: many apps with records.
    fn many_apps() -> (Inventory, Vec<Option<SecretFacts>>) {
        let inventory = read(&ig104(""));
        let before = held(&inventory);
        assert!(before.iter().flatten().count() >= 10, "{before:?}");
        (inventory, before)
    }

    /// Moved out, each app's records come back as they were, one app at a
    /// time, however often read.
    #[test]
    fn records_come_back_as_they_were() {
        let (mut inventory, before) = many_apps();
        let file = Shared::default();
        let store = SecretSpill::with_file(file.boxed());
        for app in &mut inventory.apps {
            store.move_out(app);
        }
        assert_eq!(spilled(&inventory), before.iter().flatten().count());
        assert!(!file.contents().is_empty());
        inventory.secret_store = Some(Arc::new(store));
        assert_eq!(read_back(&inventory), before);
        assert_eq!(read_back(&inventory), before);
        let store = inventory.secret_store.as_deref().unwrap();
        assert!(format!("{store:?}").contains("unread: 0"), "{store:?}");
    }

    /// `tree` scanned with a temporary file that reads back (its report
    /// complete: checked) and with one whose reads all fail.
    fn read_fine_and_failing(tree: &Path) -> (ScanOutcome, ScanOutcome) {
        let read_fine = scan_spilling_with(
            &options(tree),
            Spill::in_memory(),
            SecretSpill::with_file(Shared::default().boxed()),
        );
        assert!(findings_lost(&read_fine).is_empty(), "{tree:?}");
        let failing = Shared {
            fail_reads: true,
            ..Shared::default()
        };
        let outcome = scan_spilling_with(
            &options(tree),
            Spill::in_memory(),
            SecretSpill::with_file(failing.boxed()),
        );
        (read_fine, outcome)
    }

    /// Each app's store references held in memory (empty for none).
    fn held_stores(inventory: &Inventory) -> Vec<Vec<StoreRef>> {
        let held = |app: &MuleApp| match app.scan_facts.as_deref().map(|f| &f.stores) {
            None => Vec::new(),
            Some(KeptStores::Held(stores)) => stores.to_vec(),
            Some(KeptStores::Spilled(_)) => panic!("{} moved out", app.name),
        };
        inventory.apps.iter().map(held).collect()
    }

    /// Each app's store references as IG105 and IG112 read them; `None`
    /// when they cannot be read back.
    fn stores_read_back(inventory: &Inventory) -> Vec<Option<Vec<StoreRef>>> {
        let back = |app: &MuleApp| match app.scan_facts.as_deref() {
            None => Some(Vec::new()),
            Some(f) => Some(inventory.store_refs(&f.stores)?.into_owned()),
        };
        inventory.apps.iter().map(back).collect()
    }

    fn stores_spilled(inventory: &Inventory) -> usize {
        let moved = |app: &&MuleApp| {
            app.scan_facts
                .as_deref()
                .is_some_and(|f| matches!(f.stores, KeptStores::Spilled(_)))
        };
        inventory.apps.iter().filter(moved).count()
    }

    /// Moved out, each app's store references come back as they were (a
    /// key file attribute's name included), however often read; an app
    /// with none writes nothing.
    #[test]
    fn store_references_come_back_as_they_were() {
        let mut inventory = read(&workspace().join("crates/rules/tests/fixtures/IG105"));
        let before = held_stores(&inventory);
        let with = before.iter().filter(|s| !s.is_empty()).count();
        assert!(with >= 10, "{with} apps with stores");
        assert!(
            before
                .iter()
                .flatten()
                .any(|r| matches!(r.holder, intguard_model::StoreHolder::Loader { .. })),
            "a key loader's file among them"
        );
        let store = SecretSpill::with_file(Shared::default().boxed());
        for app in &mut inventory.apps {
            store.move_out(app);
        }
        assert_eq!(stores_spilled(&inventory), with);
        inventory.secret_store = Some(Arc::new(store));
        let expected: Vec<Option<Vec<StoreRef>>> = before.into_iter().map(Some).collect();
        assert_eq!(stores_read_back(&inventory), expected);
        assert_eq!(stores_read_back(&inventory), expected);
    }

    /// Store references that cannot be read back: none, no panic; the
    /// scan's report says IG105's and IG112's findings are missing, and the
    /// other rules' are all there. On every IG105 fixture tree: each whose
    /// IG105 findings change (what loads a key file is no longer named)
    /// says so.
    #[test]
    fn store_references_failing_to_read_are_said() {
        let ig105 = |o: &ScanOutcome| {
            o.findings
                .iter()
                .filter(|f| f.rule == "IG105")
                .map(|f| format!("{f:?}"))
                .collect::<Vec<_>>()
        };
        let others = |o: &ScanOutcome| {
            o.findings
                .iter()
                .filter(|f| !matches!(f.rule, "IG104" | "IG105" | "IG112"))
                .map(|f| format!("{f:?}"))
                .collect::<Vec<_>>()
        };
        let mut missing = 0;
        let trees =
            std::fs::read_dir(workspace().join("crates/rules/tests/fixtures/IG105")).unwrap();
        for tree in trees {
            let tree = tree.unwrap().path();
            let (read_fine, outcome) = read_fine_and_failing(&tree);
            assert_eq!(others(&outcome), others(&read_fine), "{tree:?}");
            if ig105(&outcome) == ig105(&read_fine) {
                continue;
            }
            missing += 1;
            let said = findings_lost(&outcome).iter().any(|d| {
                d.message.contains("the key and trust store references of ")
                    && d.message.contains("IG105's and IG112's findings on ")
            });
            assert!(said, "{tree:?}: {:?}", outcome.diagnostics);
        }
        assert!(missing >= 3, "{missing} trees");
    }

    /// Each app's connections' facts as held in memory, one list per app
    /// (empty for an app without facts).
    fn held_connections(inventory: &Inventory) -> Vec<Vec<ConnectionFacts>> {
        let held = |app: &MuleApp| match app.scan_facts.as_deref() {
            None => Vec::new(),
            Some(f) => f.connections.held().expect("held").to_vec(),
        };
        inventory.apps.iter().map(held).collect()
    }

    /// Each app's connections' facts as the graph and the rules read them.
    fn connections_read_back(inventory: &Inventory) -> Vec<Vec<ConnectionFacts>> {
        let back = |app: &MuleApp| {
            if app.scan_facts.is_none() {
                return Vec::new();
            }
            app.salesforce_connections
                .iter()
                .map(|c| inventory.connection_facts(app, c).unwrap().into_owned())
                .collect()
        };
        inventory.apps.iter().map(back).collect()
    }

    /// Moved out, each app's connections' facts come back as they were,
    /// however often read; an app without connections writes none.
    #[test]
    fn connection_facts_come_back_as_they_were() {
        let fixtures = workspace().join("crates/rules/tests/fixtures");
        for tree in ["IG303", "IG206", "IG101"] {
            let mut inventory = read(&fixtures.join(tree));
            let before = held_connections(&inventory);
            let with = before.iter().filter(|c| !c.is_empty()).count();
            assert!(with >= 5, "{tree}: {with} apps with connections");
            assert!(
                before.iter().flatten().any(|c| !c.users.is_empty()),
                "{tree}: a user among them"
            );
            let store = SecretSpill::with_file(Shared::default().boxed());
            for app in &mut inventory.apps {
                store.move_out(app);
            }
            let moved = inventory
                .apps
                .iter()
                .filter_map(|a| a.scan_facts.as_deref())
                .filter(|f| matches!(f.connections, KeptConnections::Spilled(_)))
                .count();
            assert_eq!(moved, with, "{tree}");
            inventory.secret_store = Some(Arc::new(store));
            assert_eq!(connections_read_back(&inventory), before, "{tree}");
            assert_eq!(connections_read_back(&inventory), before, "{tree}");
        }
    }

    /// Three apps of three Salesforce connections each, each connection
    /// logging in as a user of its own.
    fn apps_of_three_connections(root: &Path) {
        for app in ["orders-sapi", "billing-sapi", "claims-sapi"] {
            let dir = root.join(app);
            std::fs::create_dir_all(dir.join("src/main/mule")).unwrap();
            std::fs::write(
                dir.join("mule-artifact.json"),
                "{\"minMuleVersion\": \"4.6.0\"}\n",
            )
            .unwrap();
            let configs: String = (0..3)
                .map(|i| {
                    format!(
                        "  <salesforce:sfdc-config name=\"SF_{i}\">\n    <salesforce:basic-connection username=\"int{i}.{app}@acme.com\" password=\"${{sf{i}.password}}\"/>\n  </salesforce:sfdc-config>\n"
                    )
                })
                .collect();
            std::fs::write(
                dir.join("src/main/mule/global.xml"),
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mule xmlns=\"http://www.mulesoft.org/schema/mule/core\"\n  xmlns:salesforce=\"http://www.mulesoft.org/schema/mule/salesforce\">\n{configs}</mule>\n"
                ),
            )
            .unwrap();
        }
    }

    /// An app's connections are read back with one read of its record
    /// while another app's are asked in between (two threads going through
    /// apps of their own), and threads reading all of them side by side
    /// get each as it was.
    #[test]
    fn connection_facts_are_read_once_per_app_by_threads_side_by_side() {
        use std::sync::atomic::Ordering;
        let tmp = tempfile::tempdir().unwrap();
        apps_of_three_connections(tmp.path());
        let mut inventory = read(tmp.path());
        let before = held_connections(&inventory);
        assert_eq!(before.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 3]);
        let file = Shared::default();
        let store = SecretSpill::with_file(file.boxed());
        for app in &mut inventory.apps {
            store.move_out(app);
        }
        inventory.secret_store = Some(Arc::new(store));
        let apps: Vec<&MuleApp> = inventory.apps.iter().collect();
        for pair in [[apps[0], apps[1]], [apps[2], apps[0]]] {
            let reads = file.reads.load(Ordering::Relaxed);
            for k in 0..3 {
                for app in pair {
                    let c = &app.salesforce_connections[k];
                    assert!(inventory.connection_facts(app, c).is_some());
                }
            }
            let read = file.reads.load(Ordering::Relaxed) - reads;
            assert!((1..=2).contains(&read), "{read} reads for two apps");
        }
        let inventory = &inventory;
        std::thread::scope(|scope| {
            let threads: Vec<_> = (0..3)
                .map(|_| scope.spawn(|| connections_read_back(inventory)))
                .collect();
            for t in threads {
                assert_eq!(t.join().unwrap(), before);
            }
        });
    }

    /// Connections' facts that cannot be read back: no user, no panic; the
    /// report says the findings naming who they log in as are missing. On
    /// every IG303 and IG206 fixture tree: each whose findings of those
    /// rules change (its shared users not found) says so.
    #[test]
    fn connection_facts_failing_to_read_are_said() {
        let of = |o: &ScanOutcome, rule: &str| {
            o.findings
                .iter()
                .filter(|f| f.rule == rule)
                .map(|f| format!("{f:?}"))
                .collect::<Vec<_>>()
        };
        let mut missing = 0;
        for rule in ["IG303", "IG206"] {
            let fixtures = workspace().join("crates/rules/tests/fixtures").join(rule);
            for tree in std::fs::read_dir(fixtures).unwrap() {
                let tree = tree.unwrap().path();
                let (read_fine, outcome) = read_fine_and_failing(&tree);
                if of(&outcome, rule) == of(&read_fine, rule) {
                    continue;
                }
                missing += 1;
                let said = findings_lost(&outcome).iter().any(|d| {
                    d.message
                        .contains("who the Salesforce connections log in as of ")
                        && d.message.contains("(IG2xx, IG3xx) findings on ")
                });
                assert!(said, "{tree:?}: {:?}", outcome.diagnostics);
            }
        }
        assert!(missing >= 4, "{missing} trees");
    }

    /// No temporary file: the records stay in memory, and read the same.
    #[test]
    fn without_a_file_records_stay_in_memory() {
        let (mut inventory, before) = many_apps();
        let store = SecretSpill::with_file(None);
        for app in &mut inventory.apps {
            store.move_out(app);
        }
        assert_eq!(spilled(&inventory), 0);
        assert_eq!(held(&inventory), before);
        assert_eq!(read_back(&inventory), before);
    }

    /// A disk that fills: the app whose write fails and those after it
    /// keep theirs in memory; those written before are read back.
    #[test]
    fn a_write_failing_keeps_the_later_records_in_memory() {
        let (mut inventory, before) = many_apps();
        let first = before.iter().flatten().next().unwrap();
        let first = postcard::to_allocvec(first).unwrap().len() as u64;
        let file = Shared {
            fail_writes_past: Some(first + 10),
            ..Shared::default()
        };
        let store = SecretSpill::with_file(file.boxed());
        for app in &mut inventory.apps {
            store.move_out(app);
        }
        assert_eq!(spilled(&inventory), 1);
        assert!(!store.writes());
        assert_eq!(file.contents().len() as u64, first + 10);
        inventory.secret_store = Some(Arc::new(store));
        assert_eq!(read_back(&inventory), before);
    }

    /// A file that cannot be read back: no record, no panic, and the app
    /// counted once however often read; the scan's report then says its
    /// IG104 findings are missing, and the run cannot pass.
    #[test]
    fn a_read_failing_is_said() {
        let tree = ig104("positive");
        let mut inventory = read(&tree);
        let file = Shared::default();
        let store = SecretSpill::with_file(file.boxed());
        for app in &mut inventory.apps {
            store.move_out(app);
        }
        let moved = spilled(&inventory);
        assert!(moved >= 3, "{moved}");
        store
            .file_mut()
            .as_mut()
            .unwrap()
            .replace_file(Box::new(Shared {
                fail_reads: true,
                ..file.clone()
            }));
        let store = Arc::new(store);
        inventory.secret_store = Some(store.clone());
        assert!(read_back(&inventory).iter().all(Option::is_none));
        assert!(read_back(&inventory).iter().all(Option::is_none));
        assert_eq!(store.unread(), moved);
        let said = store.unread_diagnostic().expect("said");
        assert_eq!(said.code, intguard_model::FINDINGS_LOST);
        let ig104 = |o: &ScanOutcome| o.findings.iter().filter(|f| f.rule == "IG104").count();
        let (read_fine, outcome) = read_fine_and_failing(&tree);
        assert!(ig104(&read_fine) >= 5, "{}", ig104(&read_fine));
        assert_eq!(ig104(&outcome), 0);
        // Said once (every read failing, the connections' facts' loss is
        // said too: `connection_facts_failing_to_read_are_said`).
        let lost = findings_lost(&outcome);
        let values_lost = |d: &&&Diagnostic| d.message.contains("the `![...]` values of ");
        assert_eq!(
            lost.iter().filter(values_lost).count(),
            1,
            "{:?}",
            outcome.diagnostics
        );
        assert!(
            lost.iter().any(|d| d.message.contains(&format!(
                "the `![...]` values of {moved} apps could not be read back"
            ))),
            "{lost:?}"
        );
        // The other rules' findings are all there.
        let others = |o: &ScanOutcome| {
            o.findings
                .iter()
                .filter(|f| f.rule != "IG104")
                .map(|f| format!("{f:?}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(others(&outcome), others(&read_fine));
    }

    /// What reaches the file is encrypted: no payload (as written or
    /// decoded) and no property name, though the records hold them; nor
    /// does a record's or the store's `Debug` show a payload.
    #[test]
    fn no_payload_reaches_the_file_in_clear() {
        let mut inventory = read(&ig104("positive"));
        let written = "w9oKTqKTtvBuRUVbhQP/qw==";
        let decoded = mule_secure_props::decode_value(written).unwrap();
        let found = |bytes: &[u8], what: &[u8]| bytes.windows(what.len()).any(|w| w == what);
        // Every record moved out, in the order written: each app's
        // `![...]` records, store references and connections' facts.
        let plain: Vec<u8> = inventory
            .apps
            .iter()
            .filter_map(|app| app.scan_facts.as_deref())
            .flat_map(|f| {
                let secrets = match &f.secrets {
                    Some(KeptSecrets::Held(s)) => postcard::to_allocvec(&**s).unwrap(),
                    _ => Vec::new(),
                };
                let stores = match &f.stores {
                    KeptStores::Held(s) if !s.is_empty() => postcard::to_allocvec(s).unwrap(),
                    _ => Vec::new(),
                };
                let connections = match f.connections.held() {
                    Some(c) if !c.is_empty() => postcard::to_allocvec(c).unwrap(),
                    _ => Vec::new(),
                };
                [secrets, stores, connections].concat()
            })
            .collect();
        assert!(found(&plain, &decoded), "the records hold the payload");
        assert!(found(&plain, b"sfdc.password"));
        let shown = format!("{:?}", inventory.apps);
        assert!(!found(shown.as_bytes(), written.as_bytes()));
        assert!(!shown.contains(&format!("{:?}", &decoded[..8])), "{shown}");
        let file = Shared::default();
        let store = SecretSpill::with_file(file.boxed());
        for app in &mut inventory.apps {
            store.move_out(app);
        }
        let bytes = file.contents();
        assert_eq!(bytes.len(), plain.len());
        assert!(!found(&bytes, &decoded));
        assert!(!found(&bytes, written.as_bytes()));
        assert!(!found(&bytes, b"sfdc.password"));
        assert!(!found(&bytes, b"prod-secure.yaml"));
        // No run of 8 bytes of the records in clear is there.
        for run in plain.chunks(8).filter(|c| c.len() == 8) {
            assert!(!found(&bytes, run), "{run:?}");
        }
        let shown = format!("{store:?}");
        assert!(!shown.contains("key"), "{shown}");
    }

    /// A scan reports the same with the records moved out, held in memory
    /// from the start (no temporary folder) or from a disk filling
    /// mid-scan: on the example and on every IG104 fixture tree (alone,
    /// and all at once).
    #[test]
    fn a_scan_reports_the_same_with_records_moved_out_or_held() {
        let fixtures = ig104("");
        let mut trees: Vec<PathBuf> = std::fs::read_dir(&fixtures)
            .unwrap()
            .map(|t| t.unwrap().path())
            .filter(|t| t.is_dir())
            .collect();
        trees.sort();
        assert!(trees.len() >= 10, "{trees:?}");
        trees.push(fixtures);
        trees.push(workspace().join("examples/acme-integrations"));
        let mut moved_out = 0;
        for tree in &trees {
            let file = Shared::default();
            let scan = |store: SecretSpill| {
                shown(&scan_spilling_with(
                    &options(tree),
                    Spill::in_memory(),
                    store,
                ))
            };
            let spilled = scan(SecretSpill::with_file(file.boxed()));
            let written = file.contents().len() as u64;
            moved_out += usize::from(written > 0);
            assert_eq!(spilled, scan(SecretSpill::with_file(None)), "{tree:?}");
            let full = Shared {
                fail_writes_past: Some(written / 2),
                ..Shared::default()
            };
            assert_eq!(
                spilled,
                scan(SecretSpill::with_file(full.boxed())),
                "{tree:?}"
            );
        }
        assert!(moved_out >= 10, "{moved_out}");
    }
}
