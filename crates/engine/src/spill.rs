//! Findings spilled out of memory as they are made: each one written to an
//! anonymous temporary file (postcard, in a mirror of [`Finding`] that keeps
//! the fields its JSON form skips), read back one at a time by
//! [`finish`](crate::finish) once the Inventory is freed. A large scan's
//! findings (2 KB each) were otherwise held beside every app's kept facts at
//! the scan's peak memory. When the file cannot be created or written
//! (no writable temporary folder, a full disk) the findings are held in
//! memory as before: the scan goes on the same.
//!
//! What is written: the findings as the rules make them, before
//! [`finish`](crate::finish) adds snippets (a line of a scanned file), and
//! before it masks the known secrets in their messages and fixes: a rule
//! may write a value as the file has it (IG107 quotes a reference
//! `${sf.password:<default>}` whole) and leave masking to `finish`, the
//! last guard before any output. So the file is encrypted (a
//! [`SealedFile`]: ChaCha20, a key drawn for each scan and held only in
//! memory): what reaches the disk reads as noise, and is gone with the
//! process.

use foldhash::HashSet;
use std::io::Read;
use std::sync::Mutex;

use intguard_model::{
    FilePath, Finding, Location, Practice, Related, RuleMeta, Severity, SharedStr,
};
use intguard_rules::CompletionNeeds;
use serde::ser::{Serialize, Serializer};
use serde::Deserialize;

use crate::sealed::{temporary_file, Reader, SealedFile, SpillFile};

/// The findings of a scan, as they are made, with what completing them
/// needs of the Inventory ([`CompletionNeeds`]).
pub(crate) struct Spill {
    state: Mutex<State>,
}

struct State {
    /// `None`: held in memory (never created, or a write failed).
    file: Option<SealedFile>,
    /// Findings written to `file`.
    count: usize,
    /// The findings held in memory: all of them when there is no file, those
    /// that came after it failed otherwise (with those read back from it).
    held: Vec<Finding>,
    /// Findings written that could not be read back when it failed.
    lost: usize,
    needs: CompletionNeeds,
}

impl Spill {
    /// Spilled to an anonymous temporary file (in `TMPDIR`, gone when closed);
    /// held in memory when it cannot be created.
    pub(crate) fn new() -> Self {
        Spill::with_file(temporary_file())
    }

    /// Held in memory (an Inventory built elsewhere, an org snapshot's: its
    /// findings are few and all made at once).
    pub(crate) fn in_memory() -> Self {
        Spill::with_file(None)
    }

    /// Spilled to `file`, encrypted with a key of its own; held in memory
    /// when `file` is `None` or no key can be drawn.
    pub(crate) fn with_file(file: Option<Box<dyn SpillFile>>) -> Self {
        Spill {
            state: Mutex::new(State {
                file: SealedFile::new(file),
                count: 0,
                held: Vec::new(),
                lost: 0,
                needs: CompletionNeeds::default(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Spills `findings` (one rule's or one app's), in their order, after
    /// those spilled before; safe to call from several threads.
    pub(crate) fn add(&self, findings: Vec<Finding>) {
        if findings.is_empty() {
            return;
        }
        if self.lock().file.is_none() {
            self.hold(Vec::new(), findings.into_iter());
            return;
        }
        // Encoded outside the lock, on the caller's thread, a chunk at a
        // time, each finding freed once its chunk is written: one rule's
        // findings encoded whole were held twice for a moment (IG104's on
        // 2,000 apps: 4.7 MB of findings and their encoding, in a buffer
        // grown by doubling), the scan's peak memory.
        let mut chunk = Vec::new();
        let mut pending: Vec<Finding> = Vec::new();
        let mut rest = findings.into_iter();
        loop {
            let next = rest.next();
            let last = next.is_none();
            if let Some(f) = next {
                if !encode_one(&f, &mut chunk) {
                    // Not encodable (a bug): these stay in memory.
                    pending.push(f);
                    self.lock().fall_back();
                    self.hold(pending, rest);
                    return;
                }
                pending.push(f);
                if chunk.len() < SPILL_CHUNK {
                    continue;
                }
            }
            if !pending.is_empty() && !self.write_chunk(&mut chunk, &mut pending) {
                self.hold(pending, rest);
                return;
            }
            if last {
                return;
            }
        }
    }

    /// Writes one chunk of encoded findings (`pending`, encoded in `chunk`)
    /// after what was written before; `false` when there is no file any more
    /// (this write failed, or another's did), `pending` then left to hold.
    fn write_chunk(&self, chunk: &mut Vec<u8>, pending: &mut Vec<Finding>) -> bool {
        let mut state = self.lock();
        for f in pending.iter() {
            state.needs.add(f);
        }
        let state = &mut *state;
        let Some(file) = state.file.as_mut() else {
            return false;
        };
        if file.append(chunk).is_ok() {
            state.count += pending.len();
            chunk.clear();
            pending.clear();
            return true;
        }
        // A full disk (or a stream past ChaCha20's 256 GiB): those written so
        // far come back into memory, and the rest stays there.
        state.fall_back();
        false
    }

    /// Holds `pending` and then `rest` in memory, after those held before
    /// (their completion needs noted: `pending`'s already are when a chunk
    /// write failed, and noting one twice changes nothing).
    fn hold(&self, pending: Vec<Finding>, rest: impl Iterator<Item = Finding>) {
        let mut state = self.lock();
        for f in pending.into_iter().chain(rest) {
            state.needs.add(&f);
            let mut f = f;
            f.shrink_to_fit();
            state.held.push(f);
        }
    }

    /// What completing the findings spilled needs of the Inventory.
    pub(crate) fn take_needs(&self) -> CompletionNeeds {
        std::mem::take(&mut self.lock().needs)
    }

    /// The findings, in the order spilled, read back one at a time.
    pub(crate) fn read_back(self) -> ReadBack {
        let state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        ReadBack {
            // And those that fail to come (all of them without a file).
            lost: state.lost,
            file: state.file.and_then(SealedFile::into_reader),
            left: state.count,
            held: state.held.into_iter(),
            decoder: Decoder::default(),
        }
    }
}

impl State {
    /// From now on in memory, with those written so far read back first.
    fn fall_back(&mut self) {
        if let Some(file) = self.file.take() {
            let mut written = ReadBack {
                lost: 0,
                file: file.into_reader(),
                left: self.count,
                held: Vec::new().into_iter(),
                decoder: Decoder::default(),
            };
            self.held = written.by_ref().collect();
            self.lost += written.lost();
            self.count = 0;
        }
    }
}

/// About how many encoded bytes [`Spill::add`] writes at once.
const SPILL_CHUNK: usize = 64 * 1024;

/// Appends `f` to `out` as its length (4 bytes, little-endian) and its
/// postcard encoding; `false` when it cannot be encoded (never expected:
/// `out` is then of no use, the findings it holds are kept in memory).
pub(crate) fn encode_one(f: &Finding, out: &mut Vec<u8>) -> bool {
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    let encoded = postcard::to_extend(&Spilled::from(f), std::mem::take(out));
    let Ok(mut bytes) = encoded else {
        return false;
    };
    let Ok(len) = u32::try_from(bytes.len() - at - 4) else {
        bytes.truncate(at);
        *out = bytes;
        return false;
    };
    bytes[at..at + 4].copy_from_slice(&len.to_le_bytes());
    *out = bytes;
    true
}

/// Every finding, encoded as [`encode_one`] does; `None` when one cannot be.
#[cfg(test)]
fn encode_all(findings: &[Finding]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    findings
        .iter()
        .all(|f| encode_one(f, &mut out))
        .then_some(out)
}

/// The findings of a [`Spill`], in order: those in its file, then those
/// held in memory.
pub(crate) struct ReadBack {
    file: Option<Reader>,
    /// Findings still to read from `file`.
    left: usize,
    held: std::vec::IntoIter<Finding>,
    decoder: Decoder,
    /// Findings spilled that could not be read back.
    lost: usize,
}

impl ReadBack {
    /// How many findings spilled could not be read back (the temporary
    /// file failing under the scan): the report lacks them.
    pub(crate) fn lost(&self) -> usize {
        self.lost
    }
}

impl Iterator for ReadBack {
    type Item = Finding;

    fn next(&mut self) -> Option<Finding> {
        if self.left > 0 {
            if let Some(reader) = &mut self.file {
                if let Some(f) = self.decoder.next(reader) {
                    self.left -= 1;
                    return Some(f);
                }
            }
            self.lost += self.left;
            self.left = 0;
            self.file = None;
        }
        self.held.next()
    }

    /// At most every finding spilled (some may fail to come).
    fn size_hint(&self) -> (usize, Option<usize>) {
        let held = self.held.len();
        (held, Some(held + self.left))
    }
}

/// One finding as [`encode_one`] wrote it (its length first), decoded
/// alone; `None` when it cannot be.
pub(crate) fn decode_one(bytes: &[u8]) -> Option<Finding> {
    let read: Unspilled = postcard::from_bytes(bytes.get(4..)?).ok()?;
    Some(read.into_finding(&mut HashSet::default(), &mut HashSet::default()))
}

/// Decodes findings one at a time, with their rules found again and their
/// paths shared between them as they were when made, and their related
/// places' messages shared between them (many findings give the same):
/// among the findings of one stretch of [`SHARED_STRETCH`], so that the
/// texts of those not held (a scan's reported findings, out of memory
/// until the report) are not all kept alive by the sharing itself (the
/// fixes of 2,919 findings hold 1.7 MB).
#[derive(Default)]
struct Decoder {
    buf: Vec<u8>,
    paths: HashSet<FilePath>,
    messages: HashSet<SharedStr>,
    decoded: usize,
}

/// See [`Decoder`].
const SHARED_STRETCH: usize = 1024;

impl Decoder {
    fn next(&mut self, reader: &mut impl Read) -> Option<Finding> {
        let mut len = [0; 4];
        reader.read_exact(&mut len).ok()?;
        self.buf.resize(u32::from_le_bytes(len) as usize, 0);
        reader.read_exact(&mut self.buf).ok()?;
        let read: Unspilled = postcard::from_bytes(&self.buf).ok()?;
        self.decoded += 1;
        if self.decoded % SHARED_STRETCH == 0 {
            self.paths.clear();
            self.messages.clear();
        }
        Some(read.into_finding(&mut self.paths, &mut self.messages))
    }
}

/// The mirror of a [`Finding`] written: every field, those its JSON form
/// skips too.
struct Spilled<'a>(&'a Finding);

impl<'a> From<&'a Finding> for Spilled<'a> {
    fn from(f: &'a Finding) -> Self {
        Spilled(f)
    }
}

impl Serialize for Spilled<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Every field, named: a field added to `Finding` stops the build
        // here until it is spilled too.
        let Finding {
            rule,
            name,
            practice,
            severity,
            message,
            location,
            identity,
            environments,
            related,
            fix,
            fingerprint_key,
            fingerprint_by_path,
            fingerprint_key_before_value,
            fingerprint,
            fingerprint_before_value,
            fingerprint_path,
            snippet,
            snippet_column,
            shared_user_notes,
            pending_profile_places,
            also_at,
            suppressible_at,
            suppression_reason,
        } = self.0;
        (
            (*rule, *name, practice, severity, message),
            Place(location),
            (identity, environments, Relateds(related), fix),
            (
                fingerprint_key,
                fingerprint_by_path,
                fingerprint_key_before_value,
                fingerprint,
                fingerprint_before_value,
                fingerprint_path,
            ),
            (
                snippet,
                snippet_column,
                shared_user_notes,
                pending_profile_places,
            ),
            (
                Places(also_at),
                Places(suppressible_at),
                suppression_reason.as_deref(),
            ),
        )
            .serialize(s)
    }
}

struct Place<'a>(&'a Location);

impl Serialize for Place<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.0.path.as_str(), self.0.line, self.0.column).serialize(s)
    }
}

struct Places<'a>(&'a [Location]);

impl Serialize for Places<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Place))
    }
}

struct Relateds<'a>(&'a [Related]);

impl Serialize for Relateds<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.0
                .iter()
                .map(|r| (r.path.as_str(), r.line, r.message.as_str())),
        )
    }
}

/// A place read back: path, line, column.
type PlaceIn<'a> = (&'a str, u32, u32);
/// Rule id, rule name, practice, severity, message.
type HeadIn<'a> = (&'a str, &'a str, Practice, Severity, String);
/// A related place read back: path, line, message.
type RelatedIn<'a> = (&'a str, u32, &'a str);
/// Identity, environments, related places, fix.
type AboutIn<'a> = (Option<String>, Vec<String>, Vec<RelatedIn<'a>>, &'a str);
/// The fingerprint's key, by path, key before the value, fingerprint,
/// fingerprint before the value, fingerprint's path.
type KeysIn = (String, bool, Option<String>, String, Option<String>, String);
/// Snippet, snippet column, shared-user notes, pending profile places.
type ShownIn = (
    Option<String>,
    Option<u32>,
    Vec<(String, String)>,
    Option<(u32, Vec<String>)>,
);

/// What [`Spilled`] writes, read back (the same shape, owned but for the
/// rule and the paths).
#[derive(Deserialize)]
struct Unspilled<'a>(
    #[serde(borrow)] HeadIn<'a>,
    #[serde(borrow)] PlaceIn<'a>,
    #[serde(borrow)] AboutIn<'a>,
    KeysIn,
    ShownIn,
    #[serde(borrow)] PlacesIn<'a>,
);

/// The other places a suppression must cover, those it may cover, and the
/// reason of the comments hiding it.
type PlacesIn<'a> = (Vec<PlaceIn<'a>>, Vec<PlaceIn<'a>>, Option<String>);

/// `text` as held in `seen`, added when new: one copy of each text.
pub(crate) fn shared(seen: &mut HashSet<SharedStr>, text: &str) -> SharedStr {
    if let Some(held) = seen.get(text) {
        return held.clone();
    }
    let held = SharedStr::from(text);
    seen.insert(held.clone());
    held
}

impl Unspilled<'_> {
    fn into_finding(
        self,
        paths: &mut HashSet<FilePath>,
        messages: &mut HashSet<SharedStr>,
    ) -> Finding {
        let Unspilled(
            (rule, name, practice, severity, message),
            location,
            (identity, environments, related, fix),
            (
                fingerprint_key,
                fingerprint_by_path,
                fingerprint_key_before_value,
                fingerprint,
                fingerprint_before_value,
                fingerprint_path,
            ),
            (snippet, snippet_column, shared_user_notes, pending_profile_places),
            (also_at, suppressible_at, suppression_reason),
        ) = self;
        let meta = rule_meta(rule, name);
        let mut path = |p: &str| shared(paths, p);
        let mut place = |(p, line, column): PlaceIn<'_>| Location {
            path: path(p),
            line,
            column,
        };
        let location = place(location);
        let also_at = also_at.into_iter().map(&mut place).collect();
        let suppressible_at = suppressible_at.into_iter().map(&mut place).collect();
        let related = related
            .into_iter()
            .map(|(p, line, message)| Related {
                path: place((p, 0, 0)).path,
                line,
                message: shared(messages, message),
            })
            .collect();
        Finding {
            rule: meta.0,
            name: meta.1,
            practice,
            severity,
            message,
            location,
            identity,
            environments,
            related,
            fix: shared(messages, fix),
            fingerprint_key,
            fingerprint_by_path,
            fingerprint_key_before_value,
            fingerprint,
            fingerprint_before_value,
            fingerprint_path,
            snippet: snippet.map(SharedStr::from),
            snippet_column,
            shared_user_notes,
            pending_profile_places,
            also_at,
            suppressible_at,
            suppression_reason: suppression_reason.map(String::into_boxed_str),
        }
    }
}

/// The id and name of the rule that made a finding, as the registry holds
/// them.
fn rule_meta(id: &str, name: &str) -> (&'static str, &'static str) {
    static RULES: std::sync::OnceLock<Vec<&'static RuleMeta>> = std::sync::OnceLock::new();
    let rules = RULES.get_or_init(|| {
        intguard_rules::all_rules()
            .iter()
            .map(|r| r.meta())
            .collect()
    });
    // Sorted by id (`all_rules`).
    let found = rules
        .binary_search_by(|m| m.id.cmp(id))
        .ok()
        .map(|i| rules[i])
        .filter(|m| m.name == name);
    match found {
        Some(m) => (m.id, m.name),
        None => {
            // Every finding is made by a rule of the registry: one that is
            // not is a bug. Kept all the same, with its own id and name.
            debug_assert!(false, "a finding of rule {id} {name} not in the registry");
            (leak(id), leak(name))
        }
    }
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Cursor;
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::scan::{scan_spilling, ScanOptions, ScanOutcome};
    use crate::sealed::testing::Shared;

    fn meta(id: &str) -> &'static RuleMeta {
        intguard_rules::find_rule(id).unwrap().meta()
    }

    /// A finding with every field set, none to its default.
    fn full_finding() -> Finding {
        let mut f = Finding::new(
            meta("IG102"),
            Location::new("apps/orders-sapi/src/main/resources/prod.yaml", 9, 13),
            "secret property `sfdc.password` is in clear",
        )
        .severity(Severity::Medium)
        .identity("int.orders@acme.com")
        .environments(["prod", "qa"])
        .related(Related::new(
            &Location::new("apps/orders-sapi/src/main/mule/global.xml", 12, 5),
            "read by `password`",
        ))
        .related(Related::new(
            &Location::new("apps/orders-sapi/src/main/resources/prod.yaml", 3, 1),
            "set here",
        ))
        .fix("move it to prod-secure.yaml, encrypted")
        .key_with_value("sfdc.password", "26a3bfee")
        .also_at(Location::new(
            "apps/orders-sapi/src/main/mule/global.xml",
            14,
            7,
        ));
        f.practice = Practice::MinimizeDamage;
        f.fingerprint_by_path = false;
        f.fingerprint = "fp-1".into();
        f.fingerprint_before_value = Some("fp-0".into());
        f.fingerprint_path = "orders-sapi/src/main/resources/prod.yaml".into();
        f.snippet = Some("  password: \"Sp…(17)\"".into());
        f.snippet_column = Some(4);
        f.shared_user_notes = vec![("int.orders@acme.com".into(), "orders-sapi".into())];
        f.pending_profile_places = Some((2, vec!["int.orders@acme.com".into()]));
        f.suppressible_at = vec![Location::new("apps/billing/src/main/mule/global.xml", 2, 3)];
        f.suppression_reason = Some("kept until the vault migration".into());
        f
    }

    /// Every field comes back, those the JSON report skips too, the rule's
    /// id and name as the registry's own statics, and the paths shared.
    #[test]
    fn a_finding_comes_back_whole() {
        let f = full_finding();
        let bytes = encode_all(std::slice::from_ref(&f)).unwrap();
        let mut read = Decoder::default()
            .next(&mut Cursor::new(bytes))
            .expect("read back");
        assert!(std::ptr::eq(read.rule, meta("IG102").id));
        assert!(std::ptr::eq(read.name, meta("IG102").name));
        assert_eq!(read.rule, "IG102");
        assert_eq!(read.name, f.name);
        assert_eq!(read.practice, Practice::MinimizeDamage);
        assert_eq!(read.severity, Severity::Medium);
        assert_eq!(read.message, "secret property `sfdc.password` is in clear");
        assert_eq!(
            read.location,
            Location::new("apps/orders-sapi/src/main/resources/prod.yaml", 9, 13)
        );
        assert_eq!(read.identity.as_deref(), Some("int.orders@acme.com"));
        assert_eq!(read.environments, ["prod", "qa"]);
        assert_eq!(read.related, f.related);
        assert_eq!(read.related[1].line, 3);
        assert_eq!(read.related[1].message, "set here");
        assert_eq!(read.fix, "move it to prod-secure.yaml, encrypted");
        assert_eq!(read.fingerprint_key, "sfdc.password|26a3bfee");
        assert!(!read.fingerprint_by_path);
        assert_eq!(
            read.fingerprint_key_before_value.as_deref(),
            Some("sfdc.password")
        );
        assert_eq!(read.fingerprint, "fp-1");
        assert_eq!(read.fingerprint_before_value.as_deref(), Some("fp-0"));
        assert_eq!(
            read.fingerprint_path,
            "orders-sapi/src/main/resources/prod.yaml"
        );
        assert_eq!(read.snippet.as_deref(), Some("  password: \"Sp…(17)\""));
        assert_eq!(read.snippet_column, Some(4));
        assert_eq!(
            read.shared_user_notes,
            [("int.orders@acme.com".to_string(), "orders-sapi".to_string())]
        );
        assert_eq!(
            read.pending_profile_places,
            Some((2, vec!["int.orders@acme.com".to_string()]))
        );
        assert_eq!(
            read.also_at,
            [Location::new(
                "apps/orders-sapi/src/main/mule/global.xml",
                14,
                7
            )]
        );
        assert_eq!(
            read.suppressible_at,
            [Location::new("apps/billing/src/main/mule/global.xml", 2, 3)]
        );
        assert_eq!(
            read.suppression_reason.as_deref(),
            Some("kept until the vault migration")
        );
        // One path, one allocation, as when the finding was made.
        assert!(std::ptr::eq(
            read.location.path.as_str(),
            read.related[1].path.as_str()
        ));
        // The JSON a reporter writes is the same.
        read.shrink_to_fit();
        assert_eq!(
            serde_json::to_string(&read).unwrap(),
            serde_json::to_string(&f).unwrap()
        );
    }

    /// Findings read back share one copy of a fix or related message they
    /// give alike (a fix was the largest part of a held finding: 2,203
    /// distinct of the bench's 2,919); the others keep their own.
    #[test]
    fn fixes_given_alike_come_back_shared() {
        let f = |fix: &str| {
            Finding::new(meta("IG108"), Location::new("a/b.yaml", 1, 1), "weak")
                .fix(fix)
                .related(Related::new(&Location::new("a/c.xml", 2, 1), "this config"))
        };
        let spill = Spill::with_file(Shared::default().boxed());
        spill.add(vec![
            f("use AES/CBC"),
            f("use AES/CBC"),
            f("rotate the key"),
        ]);
        let back: Vec<Finding> = spill.read_back().collect();
        assert_eq!(back[0].fix, "use AES/CBC");
        assert_eq!(back[1].fix, "use AES/CBC");
        assert_eq!(back[2].fix, "rotate the key");
        assert!(std::ptr::eq(back[0].fix.as_str(), back[1].fix.as_str()));
        assert!(std::ptr::eq(
            back[0].related[0].message.as_str(),
            back[2].related[0].message.as_str()
        ));
    }

    fn findings(n: usize) -> Vec<Finding> {
        (0..n)
            .map(|i| {
                Finding::new(
                    meta("IG101"),
                    Location::new(format!("app-{i}/src/main/mule/a.xml"), i as u32 + 1, 3),
                    format!("finding {i}"),
                )
            })
            .collect()
    }

    fn messages(spill: Spill) -> (Vec<String>, usize) {
        let mut back = spill.read_back();
        let out = back.by_ref().map(|f| f.message).collect();
        (out, back.lost())
    }

    fn expected(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("finding {i}")).collect()
    }

    #[test]
    fn findings_come_back_in_the_order_spilled() {
        let file = Shared::default();
        let spill = Spill::with_file(file.boxed());
        spill.add(findings(3));
        spill.add(Vec::new());
        spill.add(findings(5).split_off(3));
        assert!(spill.lock().held.is_empty(), "nothing held in memory");
        assert!(!file.contents().is_empty());
        assert_eq!(messages(spill), (expected(5), 0));
    }

    /// No temporary file: the findings are held in memory, the same.
    #[test]
    fn without_a_file_findings_are_held() {
        let spill = Spill::with_file(None);
        spill.add(findings(2));
        spill.add(findings(4).split_off(2));
        assert_eq!(spill.lock().held.len(), 4);
        assert_eq!(messages(spill), (expected(4), 0));
    }

    /// A disk that fills mid-scan: what was written comes back into memory,
    /// ahead of what could not be written, and nothing is lost.
    #[test]
    fn a_write_failing_brings_the_findings_back_into_memory() {
        let first = encode_all(&findings(3)).unwrap().len() as u64;
        // Full part-way through the second batch.
        let file = Shared {
            fail_writes_past: Some(first + 10),
            ..Shared::default()
        };
        let spill = Spill::with_file(file.boxed());
        spill.add(findings(3));
        assert!(spill.lock().file.is_some());
        spill.add(findings(6).split_off(3));
        assert!(spill.lock().file.is_none(), "held in memory from then on");
        spill.add(findings(8).split_off(6));
        assert_eq!(messages(spill), (expected(8), 0));
    }

    /// One rule's many findings go out a chunk at a time (each freed once
    /// written), in their order.
    #[test]
    fn many_findings_of_one_rule_are_written_in_chunks_in_order() {
        let n = 5_000;
        let whole = encode_all(&findings(n)).unwrap().len();
        assert!(whole > 3 * SPILL_CHUNK, "{whole} bytes: several chunks");
        let file = Shared::default();
        let spill = Spill::with_file(file.boxed());
        spill.add(findings(n));
        assert!(spill.lock().held.is_empty(), "nothing held in memory");
        assert_eq!(file.contents().len(), whole);
        assert_eq!(messages(spill), (expected(n), 0));
    }

    /// A disk filling in the middle of one rule's chunks: the chunks written
    /// come back, then the rest of that rule's findings, in their order.
    #[test]
    fn a_write_failing_between_chunks_of_one_rule_loses_nothing() {
        let n = 5_000;
        let file = Shared {
            fail_writes_past: Some(2 * SPILL_CHUNK as u64 + 10),
            ..Shared::default()
        };
        let spill = Spill::with_file(file.boxed());
        spill.add(findings(n));
        assert!(spill.lock().file.is_none(), "held in memory from then on");
        assert_eq!(messages(spill), (expected(n), 0));
    }

    /// A rule handing over its findings a batch at a time (IG104, one per
    /// app) to a disk that fills after its first batch: that batch comes
    /// back into memory, the later ones are held after it, and every
    /// finding of the rule is read back; a file that cannot be read back
    /// counts its findings lost.
    #[test]
    fn a_write_failing_between_one_rules_batches_loses_nothing() {
        let example = workspace().join("examples/acme-integrations");
        let inventory = crate::read::read_inventory(&options(&example));
        let rule = intguard_rules::find_rule("IG104").unwrap();
        // One worker: the batches come in the apps' order, the first one
        // first.
        let one = |f: &(dyn Fn() + Sync)| crate::scan::with_threads(1, f);
        let batches = Mutex::new(Vec::new());
        one(&|| rule.run_part_into(&inventory, &|found| batches.lock().unwrap().push(found)));
        let batches = batches.into_inner().unwrap();
        assert!(batches.len() >= 3, "{} batches", batches.len());
        let first = encode_all(&batches[0]).unwrap().len() as u64;
        let shown = |all: Vec<Finding>| {
            let mut shown: Vec<String> = all.iter().map(|f| format!("{f:?}")).collect();
            shown.sort();
            shown
        };
        let whole = shown(rule.run_part(&inventory));
        assert_eq!(whole, shown(batches.into_iter().flatten().collect()));
        let file = Shared {
            fail_writes_past: Some(first + 10),
            ..Shared::default()
        };
        let spill = Spill::with_file(file.boxed());
        one(&|| rule.run_part_into(&inventory, &|found| spill.add(found)));
        assert!(spill.lock().file.is_none(), "held in memory from then on");
        assert_eq!(
            file.contents().len() as u64,
            first + 10,
            "the first batch was written"
        );
        let mut back = spill.read_back();
        let read: Vec<Finding> = back.by_ref().collect();
        assert_eq!(back.lost(), 0);
        assert_eq!(shown(read), whole);
        let unreadable = Shared {
            fail_reads: true,
            ..Shared::default()
        };
        let spill = Spill::with_file(unreadable.boxed());
        one(&|| rule.run_part_into(&inventory, &|found| spill.add(found)));
        let mut back = spill.read_back();
        assert_eq!(back.by_ref().count(), 0);
        assert_eq!(back.lost(), whole.len());
    }

    /// A file that cannot be read back: the findings it held are counted
    /// as lost (the report says so), those held in memory still come.
    #[test]
    fn a_read_failing_counts_the_findings_lost() {
        let file = Shared::default();
        let spill = Spill::with_file(file.boxed());
        spill.add(findings(3));
        let mut state = spill.lock();
        let sealed = state.file.as_mut().unwrap();
        sealed.replace_file(Box::new(Shared {
            fail_reads: true,
            ..file.clone()
        }));
        drop(state);
        let (read, lost) = messages(spill);
        assert!(read.is_empty());
        assert_eq!(lost, 3);
    }

    pub(crate) fn workspace() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// A scan of `path` alone (no org snapshot) on two threads.
    pub(crate) fn options(path: &Path) -> ScanOptions {
        ScanOptions {
            paths: vec![path.to_path_buf()],
            threads: 2,
            paths_only: true,
            ..ScanOptions::default()
        }
    }

    /// The outcome's `findings-lost` errors.
    pub(crate) fn findings_lost(outcome: &ScanOutcome) -> Vec<&intguard_model::Diagnostic> {
        outcome
            .diagnostics
            .iter()
            .filter(|d| d.code == intguard_model::FINDINGS_LOST)
            .collect()
    }

    /// A scan's outcome as JSON, every field the reports read.
    pub(crate) fn shown(outcome: &ScanOutcome) -> String {
        serde_json::to_string_pretty(&serde_json::json!({
            "findings": outcome.findings,
            "suppressed": outcome.suppressed,
            "suppression_reasons": outcome
                .suppressed
                .iter()
                .map(|f| f.suppression_reason.clone())
                .collect::<Vec<_>>(),
            "baselined": outcome.baselined,
            "diagnostics": outcome.diagnostics,
            "apps": outcome.apps,
        }))
        .unwrap()
    }

    /// The example's scan reports the same whether its findings are
    /// spilled, held in memory from the start (no temporary folder) or
    /// brought back into memory by a disk filling mid-scan; with every
    /// finding's fields and the snippets the reporters skip too.
    #[test]
    fn a_scan_reports_the_same_spilled_or_held() {
        let example = workspace().join("examples/acme-integrations");
        let file = Shared::default();
        let spilled = scan_spilling(&options(&example), Spill::with_file(file.boxed()));
        assert!(spilled.findings.len() > 20, "{}", spilled.findings.len());
        assert!(!file.contents().is_empty(), "the findings were spilled");
        let held = scan_spilling(&options(&example), Spill::with_file(None));
        let full = Shared {
            fail_writes_past: Some(file.contents().len() as u64 / 2),
            ..Shared::default()
        };
        let filled = scan_spilling(&options(&example), Spill::with_file(full.boxed()));
        let all = |o: &ScanOutcome| {
            o.findings
                .to_vec()
                .iter()
                .chain(&o.suppressed.to_vec())
                .chain(&o.baselined.to_vec())
                .map(|f| {
                    format!(
                        "{} {:?} {:?} {:?} {:?}",
                        f.fingerprint,
                        f.fingerprint_before_value,
                        f.fingerprint_path,
                        f.snippet_column,
                        f.suppressible_at
                    )
                })
                .collect::<Vec<_>>()
        };
        for other in [&held, &filled] {
            assert_eq!(shown(&spilled), shown(other));
            assert_eq!(all(&spilled), all(other));
        }
    }

    /// A file that fails under the scan: the report says findings are
    /// missing (a `findings-lost` error) rather than passing clean.
    #[test]
    fn findings_lost_are_said() {
        let example = workspace().join("examples/acme-integrations/orders-sapi");
        let file = Shared {
            fail_reads: true,
            ..Shared::default()
        };
        let outcome = scan_spilling(&options(&example), Spill::with_file(file.boxed()));
        assert!(outcome.findings.is_empty());
        let lost = findings_lost(&outcome);
        assert_eq!(lost.len(), 1, "{:?}", outcome.diagnostics);
        assert!(lost[0].message.contains("findings could not be read back"));
    }

    /// What reaches the temporary file holds no secret the report does not
    /// show: no snippet (added after reading back), and messages and fixes
    /// name a secret by its mask.
    #[test]
    fn no_secret_reaches_the_spill_file() {
        let example = workspace().join("examples/acme-integrations");
        let file = Shared::default();
        let outcome = scan_spilling(&options(&example), Spill::with_file(file.boxed()));
        let spilled = file.contents();
        let report = shown(&outcome);
        let secrets = crate::read::read_inventory(&options(&example)).known_secrets();
        assert!(secrets.iter().any(|s| s == "Spr1ngOrders#2024"));
        assert!(secrets.len() > 5, "{secrets:?}");
        let found = |text: &[u8], s: &str| text.windows(s.len()).any(|w| w == s.as_bytes());
        // The one in the README's example is reported, and masked.
        assert!(outcome
            .findings
            .iter()
            .any(|f| f.snippet.as_deref().is_some_and(|s| s.contains("Sp…(17)"))));
        for secret in &secrets {
            if report.contains(secret.as_str()) {
                // Public text (an app's name), shown by the report too.
                continue;
            }
            assert!(!found(&spilled, secret), "{secret} spilled");
        }
        assert!(!found(&spilled, "Spr1ngOrders#2024"));
        // Nor any text of the findings: encrypted.
        assert!(!found(&spilled, "sfdc.password"));
        assert!(!found(&spilled, "int.orders@acme.com"));
    }

    /// A rule may leave a secret in a message for `finish` to mask (IG107
    /// quotes a reference with its default whole): spilled, it is
    /// encrypted, and comes back as it was.
    #[test]
    fn the_spill_file_is_encrypted() {
        let secret = "Acc0unts-Default-Pw";
        let mut f = findings(1).pop().unwrap();
        f.message = format!("secret property `sf.password` (read as ${{sf.password:{secret}}})");
        let file = Shared::default();
        let spill = Spill::with_file(file.boxed());
        spill.add(vec![f.clone(), f.clone()]);
        let bytes = file.contents();
        let plain = encode_all(&[f.clone(), f.clone()]).unwrap();
        assert_eq!(bytes.len(), plain.len());
        // No run of 8 bytes of the plain text is there (its lengths aside).
        for run in plain.chunks(8).filter(|c| c.len() == 8) {
            assert!(!bytes.windows(8).any(|w| w == run), "{run:?}");
        }
        let back: Vec<String> = spill.read_back().map(|f| f.message).collect();
        assert_eq!(back, [f.message.clone(), f.message]);
        // Another spill draws another key.
        let other = Shared::default();
        Spill::with_file(other.boxed()).add(findings(1));
        let first = Shared::default();
        Spill::with_file(first.boxed()).add(findings(1));
        assert_ne!(other.contents(), first.contents());
    }

    /// The same on every rule's fixture trees and the readers' fixtures:
    /// whatever rule made a finding, no secret the report masks is spilled.
    #[test]
    fn no_fixtures_secret_reaches_the_spill_file() {
        let root = workspace();
        let mut trees = vec![root.join("crates/readers/tests/fixtures")];
        for rule in std::fs::read_dir(root.join("crates/rules/tests/fixtures")).unwrap() {
            let rule = rule.unwrap().path();
            if rule.is_dir() {
                for tree in std::fs::read_dir(&rule).unwrap() {
                    let tree = tree.unwrap().path();
                    if tree.is_dir() {
                        trees.push(tree);
                    }
                }
            }
        }
        assert!(trees.len() >= 40, "{}", trees.len());
        let (mut checked, mut spilled_findings, mut in_clear) = (0, 0, 0);
        for tree in &trees {
            let file = Shared::default();
            let outcome = scan_spilling(&options(tree), Spill::with_file(file.boxed()));
            spilled_findings += outcome.findings.len() + outcome.suppressed.len();
            let spilled = file.contents();
            let report = shown(&outcome);
            let inventory = crate::read::read_inventory(&options(tree));
            // The findings as the rules make them, before `finish` masks.
            let made: String = intguard_rules::all_rules()
                .iter()
                .flat_map(|r| r.run(&inventory))
                .map(|f| format!("{} {} {}", f.message, f.fix, f.fingerprint_key))
                .collect();
            for secret in inventory.known_secrets() {
                if report.contains(secret.as_str()) {
                    continue;
                }
                checked += 1;
                in_clear += usize::from(made.contains(secret.as_str()));
                assert!(
                    !spilled
                        .windows(secret.len())
                        .any(|w| w == secret.as_bytes()),
                    "{tree:?}: {secret} spilled"
                );
            }
        }
        // The check means something only if there were secrets and findings,
        // and some secret in clear in a finding as made (IG107's quoted
        // references: why the file is encrypted).
        assert!(checked > 50, "{checked} secrets checked");
        assert!(in_clear > 0);
        assert!(spilled_findings > 300, "{spilled_findings} findings");
    }
}
