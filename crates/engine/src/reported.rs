//! The findings a scan reports, in the report's order, out of memory until
//! a reporter reads them.
//!
//! A scan's findings are read back from the spill once the Inventory is
//! freed ([`crate::finish`]); those reported are written again, whole, to
//! an encrypted anonymous temporary file ([`SealedFile`], as the spill is),
//! and only what orders them is held: their place, rule, severity and
//! fingerprint (about 100 bytes each, against 1.7 KB for a finding with its
//! texts). A reporter reads them back a batch of whole files' findings at a
//! time (about [`BATCH`]; a file's past [`FILE_GROUP_MAX`] in several),
//! each then given its snippet, masked, and its
//! path spelt as shown, on a thread of its own a batch ahead of the
//! reporter. A large scan's report thus holds a few batches, not every
//! finding: they made the memory of the phases after the reading grow with
//! the findings (5 MB live for the bench corpus's 2,919), and at 2,000 apps
//! those phases raised the scan's peak in some runs (9 of 18 in stop 69's
//! series).
//!
//! Where no temporary file can be made or written (`TMPDIR` missing,
//! read-only or full), and for an Inventory read elsewhere (an org
//! snapshot's findings, few and made at once), the findings are finished
//! and held in memory: the same report.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use intguard_model::secret::Redactor;
use intguard_model::{FilePath, Finding, Severity};

use crate::finish::{
    add_file_snippets, add_snippets, redact_finding, CarriedLines, MaskedShared, Relative,
};
use crate::scan::with_threads;
use crate::sealed::{SealedFile, SpillFile};
use crate::spill::{decode_one, encode_one};

/// The reported findings of a scan, in the report's order (path, line,
/// column, rule, severity, fingerprint), each with its snippet and masked
/// as it is read ([`ReportedFindings::iter`]).
pub struct ReportedFindings {
    store: Store,
}

enum Store {
    /// Finished (snippets, masking, paths as shown) and sorted.
    Held(Vec<Finding>),
    /// In a sealed file, finished as they are read back.
    Sealed(Arc<Sealed>),
}

struct Sealed {
    file: Mutex<SealedFile>,
    /// Sorted.
    keys: Vec<Key>,
    finishing: Arc<Finishing>,
    /// Whether they are shown with their snippets (the reported ones).
    snippets: bool,
    /// Findings that could not be read back (the file failing under the
    /// report): counted as they are met.
    lost: std::sync::atomic::AtomicUsize,
    /// The scan's number of threads (0: the machine's).
    threads: usize,
}

/// What finishes a scan's findings as they are read: the redactor of
/// their snippets, messages and fixes, and how their paths are shown.
pub(crate) struct Finishing {
    pub(crate) wording: Redactor,
    pub(crate) relative: Relative,
}

impl Finishing {
    /// One finding's masking and paths as shown (its snippet is added per
    /// file, [`add_snippets`]); `done`: the shared texts masked so far.
    fn finish(&self, f: &mut Finding, done: &mut MaskedShared) {
        redact_finding(f, &self.wording, done);
        self.relative.rewrite_finding(f);
    }
}

impl Sealed {
    fn count_lost(&self) {
        self.lost.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// What orders a finding in the report, and where it is in the file.
struct Key {
    /// As shown (after [`Relative::rewrite`]).
    path: FilePath,
    line: u32,
    column: u32,
    rule: &'static str,
    severity: Severity,
    fingerprint: String,
    at: u64,
    len: u32,
}

impl Key {
    fn order(&self, other: &Key) -> std::cmp::Ordering {
        (
            self.path.as_str(),
            self.line,
            self.column,
            self.rule,
            self.severity,
            &self.fingerprint,
        )
            .cmp(&(
                other.path.as_str(),
                other.line,
                other.column,
                other.rule,
                other.severity,
                &other.fingerprint,
            ))
    }
}

impl ReportedFindings {
    /// Findings held in memory as given, in their order (already
    /// finished).
    pub fn held(findings: Vec<Finding>) -> Self {
        ReportedFindings {
            store: Store::Held(findings),
        }
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        match &self.store {
            Store::Held(findings) => findings.len(),
            Store::Sealed(sealed) => sealed.keys.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each finding's rule id and severity, in order (nothing read back).
    pub fn heads(&self) -> Box<dyn Iterator<Item = (&'static str, Severity)> + '_> {
        match &self.store {
            Store::Held(findings) => Box::new(findings.iter().map(|f| (f.rule, f.severity))),
            Store::Sealed(sealed) => Box::new(sealed.keys.iter().map(|k| (k.rule, k.severity))),
        }
    }

    /// The findings in the report's order, finished: each file's read back
    /// when the reader reaches it. Can be called again (each call reads
    /// them back anew).
    pub fn iter(&self) -> Box<dyn Iterator<Item = Cow<'_, Finding>> + '_> {
        self.read(true)
    }

    /// [`ReportedFindings::iter`], but those read back get no snippet: for
    /// a reader that only counts or names them (HTML's overview), which
    /// need not read every source file a finding is in once more.
    pub fn iter_without_snippets(&self) -> Box<dyn Iterator<Item = Cow<'_, Finding>> + '_> {
        self.read(false)
    }

    fn read(&self, snippets: bool) -> Box<dyn Iterator<Item = Cow<'_, Finding>> + '_> {
        match &self.store {
            Store::Held(findings) => Box::new(findings.iter().map(Cow::Borrowed)),
            Store::Sealed(sealed) => {
                let snippets = snippets && sealed.snippets;
                Box::new(FileGroups::new(Arc::clone(sealed), snippets).map(Cow::Owned))
            }
        }
    }

    /// Every finding, in memory, read back anew.
    pub fn to_vec(&self) -> Vec<Finding> {
        self.iter().map(Cow::into_owned).collect()
    }

    /// Every finding, in memory.
    pub fn into_vec(self) -> Vec<Finding> {
        match self.store {
            Store::Held(findings) => findings,
            Store::Sealed(_) => self.iter().map(Cow::into_owned).collect(),
        }
    }

    /// How many findings could not be read back so far (the temporary
    /// file failing under the report): a report that read them lacks them.
    pub fn lost(&self) -> usize {
        match &self.store {
            Store::Held(_) => 0,
            Store::Sealed(sealed) => sealed.lost.load(std::sync::atomic::Ordering::Relaxed),
        }
    }
}

/// As the list of the findings (their JSON form, a test's view).
impl serde::Serialize for ReportedFindings {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for f in self.iter() {
            seq.serialize_element(&*f)?;
        }
        seq.end()
    }
}

/// None.
impl Default for ReportedFindings {
    fn default() -> Self {
        ReportedFindings::held(Vec::new())
    }
}

impl std::fmt::Debug for ReportedFindings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportedFindings")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

/// About how many encoded bytes [`Collecting`] writes at once.
const CHUNK: usize = 64 * 1024;

/// Collects the reported findings as [`crate::finish`] reads them back:
/// written to `file` when there is one, else held.
pub(crate) struct Collecting {
    file: Option<SealedFile>,
    /// Whether they get snippets when finished.
    snippets: bool,
    keys: Vec<Key>,
    held: Vec<Finding>,
    /// Findings encoded and not written yet, and the findings themselves,
    /// kept until their chunk is written (a write failing loses none).
    chunk: Vec<u8>,
    pending: Vec<Finding>,
    /// Bytes written to `file`.
    written: u64,
    /// Written findings that could not be read back when a write failed.
    lost: usize,
}

impl Collecting {
    /// `snippets`: whether they are shown with a snippet (the reported
    /// findings; the baselined ones are counted, and listed by SARIF
    /// without one).
    pub(crate) fn new(file: Option<Box<dyn SpillFile>>, snippets: bool) -> Self {
        Collecting {
            file: SealedFile::new(file),
            snippets,
            keys: Vec::new(),
            held: Vec::new(),
            chunk: Vec::new(),
            pending: Vec::new(),
            written: 0,
            lost: 0,
        }
    }

    /// Adds a reported finding (complete, fingerprinted, without its
    /// judging fields); `shown`: its path as the report shows it.
    pub(crate) fn push(&mut self, f: Finding, shown: FilePath) {
        if self.file.is_none() {
            self.held.push(f);
            return;
        }
        let start = self.chunk.len();
        if !encode_one(&f, &mut self.chunk) {
            // Not encodable (a bug): all stay in memory.
            self.fall_back();
            self.held.push(f);
            return;
        }
        self.keys.push(Key {
            path: shown,
            line: f.location.line,
            column: f.location.column,
            rule: f.rule,
            severity: f.severity,
            fingerprint: f.fingerprint.clone(),
            at: self.written + start as u64,
            len: (self.chunk.len() - start) as u32,
        });
        self.pending.push(f);
        if self.chunk.len() >= CHUNK {
            self.write_chunk();
        }
    }

    /// Writes the findings encoded since the last chunk.
    fn write_chunk(&mut self) {
        let Some(file) = &mut self.file else {
            return;
        };
        if self.chunk.is_empty() {
            return;
        }
        match file.append(&mut self.chunk) {
            Ok(at) if at == self.written => {
                self.written += self.chunk.len() as u64;
                self.chunk.clear();
                self.pending.clear();
            }
            _ => self.fall_back(),
        }
    }

    /// The file failed: what it holds comes back into memory, with the
    /// findings not written yet.
    fn fall_back(&mut self) {
        let Some(mut file) = self.file.take() else {
            return;
        };
        let written = self.keys.len() - self.pending.len();
        let mut buf = Vec::new();
        for key in &self.keys[..written] {
            match read_one(&mut file, key, &mut buf) {
                Some(f) => self.held.push(f),
                None => self.lost += 1,
            }
        }
        self.keys.clear();
        self.chunk.clear();
        self.held.append(&mut self.pending);
    }

    /// Findings written that could not be read back when a write failed.
    pub(crate) fn lost(&self) -> usize {
        self.lost
    }

    /// The findings collected, finished with `wording` and `relative`: in
    /// the file, sorted by what orders them, or held, finished now.
    /// `threads`: the scan's number of threads, which finish them too.
    pub(crate) fn finish(mut self, finishing: Arc<Finishing>, threads: usize) -> ReportedFindings {
        self.write_chunk();
        let Collecting {
            file,
            snippets,
            mut keys,
            mut held,
            ..
        } = self;
        if let Some(file) = file.filter(|_| held.is_empty()) {
            keys.sort_unstable_by(Key::order);
            let mut sealed = Sealed {
                file: Mutex::new(file),
                keys,
                finishing,
                snippets,
                lost: Default::default(),
                threads,
            };
            settle_ties(&mut sealed);
            return ReportedFindings {
                store: Store::Sealed(Arc::new(sealed)),
            };
        }
        finish_held(&mut held, &finishing, snippets);
        ReportedFindings::held(held)
    }
}

/// Findings finished in memory: snippets, masking, paths as shown, order.
fn finish_held(findings: &mut [Finding], finishing: &Finishing, snippets: bool) {
    use rayon::prelude::*;
    if snippets {
        add_snippets(findings, &finishing.wording);
    }
    findings
        .par_iter_mut()
        .for_each_init(MaskedShared::default, |done, f| finishing.finish(f, done));
    findings.sort_unstable_by(crate::finish::order);
}

/// Keys equal in all that orders them (no rule gives two findings at one
/// place with one fingerprint, but the order must not depend on which was
/// found first): put in the order of their messages, as the findings held
/// in memory are.
fn settle_ties(sealed: &mut Sealed) {
    let mut start = 0;
    let mut buf = Vec::new();
    while start < sealed.keys.len() {
        let mut end = start + 1;
        while end < sealed.keys.len()
            && sealed.keys[start].order(&sealed.keys[end]) == std::cmp::Ordering::Equal
        {
            end += 1;
        }
        if end - start > 1 {
            let file = sealed.file.get_mut().unwrap_or_else(|e| e.into_inner());
            let mut messages: Vec<(String, Key)> = sealed
                .keys
                .drain(start..end)
                .map(|k| {
                    let mut m = read_one(file, &k, &mut buf)
                        .map(|f| f.message)
                        .unwrap_or_default();
                    sealed.finishing.wording.redact_in_place(&mut m);
                    (m, k)
                })
                .collect();
            messages.sort_by(|a, b| a.0.cmp(&b.0));
            let settled: Vec<Key> = messages.into_iter().map(|(_, k)| k).collect();
            sealed.keys.splice(start..start, settled);
        }
        start = end;
    }
}

/// The finding `key` points at, read back and decoded; `None` when the
/// file fails.
fn read_one(file: &mut SealedFile, key: &Key, buf: &mut Vec<u8>) -> Option<Finding> {
    file.read_at(key.at, key.len as usize, buf).ok()?;
    decode_one(buf)
}

/// About how many findings [`FileGroups`] reads back and finishes at once
/// (whole files' findings, on every thread of the scan's count).
const BATCH: usize = 256;

/// At most this many findings of one file are read back at once: a file
/// holding more (a log of 100,000 logins, a token on each line) is read in
/// several batches, each reading the file again up to its last line for
/// the snippets. Read whole, its findings held 150 MB of the report's 254.
const FILE_GROUP_MAX: usize = 4096;

/// The sealed findings, whole files' at a time, finished: on a thread of
/// their own, a batch ahead of the reporter, which writes the findings
/// before while the next are read and finished.
struct FileGroups {
    batches: Batches,
    batch: std::vec::IntoIter<Finding>,
    sealed: Arc<Sealed>,
    /// Findings handed over so far.
    given: usize,
}

enum Batches {
    Ahead(std::sync::mpsc::Receiver<Vec<Finding>>),
    /// No thread could be started: read when asked.
    Here(BatchReader),
    Done,
}

impl FileGroups {
    /// `snippets`: whether the findings get theirs.
    fn new(sealed: Arc<Sealed>, snippets: bool) -> Self {
        let (send, receive) = std::sync::mpsc::sync_channel(1);
        let ahead = Arc::clone(&sealed);
        let here = Arc::clone(&sealed);
        let started = std::thread::Builder::new()
            .name("intguard-report".to_string())
            .spawn(move || {
                let threads = ahead.threads;
                let mut reader = BatchReader::new(ahead, snippets);
                // On the scan's number of threads.
                with_threads(threads, || {
                    while let Some(batch) = reader.next_batch() {
                        // The reporter stopped (a write failed): so does this.
                        if send.send(batch).is_err() {
                            break;
                        }
                    }
                });
            });
        let batches = match started {
            Ok(_) => Batches::Ahead(receive),
            Err(_) => Batches::Here(BatchReader::new(here, snippets)),
        };
        FileGroups {
            batches,
            batch: Vec::new().into_iter(),
            sealed,
            given: 0,
        }
    }
}

impl Iterator for FileGroups {
    type Item = Finding;

    fn next(&mut self) -> Option<Finding> {
        loop {
            if let Some(f) = self.batch.next() {
                self.given += 1;
                return Some(f);
            }
            let batch = match &mut self.batches {
                Batches::Ahead(receive) => match receive.recv() {
                    Ok(batch) => batch,
                    Err(_) => {
                        // The thread ended: with every finding given or
                        // counted lost, or (a bug) cut short, when those
                        // it did not give are lost too.
                        let sealed = &self.sealed;
                        let lost = sealed.lost.load(std::sync::atomic::Ordering::Relaxed);
                        let missing = sealed.keys.len().saturating_sub(self.given + lost);
                        sealed
                            .lost
                            .fetch_add(missing, std::sync::atomic::Ordering::Relaxed);
                        self.batches = Batches::Done;
                        return None;
                    }
                },
                Batches::Here(reader) => with_threads(self.sealed.threads, || reader.next_batch())?,
                Batches::Done => return None,
            };
            self.batch = batch.into_iter();
        }
    }
}

/// Reads the sealed findings back a batch of whole files' at a time.
struct BatchReader {
    sealed: Arc<Sealed>,
    /// Whether the findings get their snippets.
    snippets: bool,
    /// The first key not read yet.
    next: usize,
    /// What the last batch's snippets left of a file whose findings go on
    /// in the next ([`add_file_snippets`]).
    carried: Option<CarriedLines>,
}

impl BatchReader {
    fn new(sealed: Arc<Sealed>, snippets: bool) -> Self {
        BatchReader {
            sealed,
            snippets,
            next: 0,
            carried: None,
        }
    }

    /// The next batch; `None` once all are read.
    fn next_batch(&mut self) -> Option<Vec<Finding>> {
        (self.next < self.sealed.keys.len()).then(|| self.read_batch())
    }

    /// The next files' findings (at least one file's), read back in order
    /// and finished in parallel.
    fn read_batch(&mut self) -> Vec<Finding> {
        let sealed: &Sealed = &self.sealed;
        let keys = &sealed.keys;
        let start = self.next;
        // Each file's findings, and whether more of that file's follow in
        // the next batch.
        let mut groups: Vec<(std::ops::Range<usize>, bool)> = Vec::new();
        let mut end = start;
        while end < keys.len() && (end - start < BATCH || groups.is_empty()) {
            let path = keys[end].path.as_str();
            let file_end = end + keys[end..].partition_point(|k| k.path.as_str() == path);
            let group_end = file_end.min(end + FILE_GROUP_MAX);
            groups.push((end..group_end, group_end < file_end));
            end = group_end;
        }
        self.next = end;
        // Read, then decoded and finished.
        let mut read = read_spans(sealed, start..end);
        // What the batch before left of its last file goes to the first
        // group, the only one that can be that file's.
        let mut carried = self.carried.take();
        let raw: Vec<(Vec<Vec<u8>>, bool, Option<CarriedLines>)> = groups
            .into_iter()
            .map(|(range, more)| {
                let bytes = range
                    .filter_map(|i| {
                        let bytes = read[i - start].take();
                        if bytes.is_none() {
                            sealed.count_lost();
                        }
                        bytes
                    })
                    .collect();
                (bytes, more, carried.take())
            })
            .collect();
        use rayon::prelude::*;
        let finished: Vec<(Vec<Finding>, Option<CarriedLines>)> = raw
            .into_par_iter()
            .map_init(MaskedShared::default, |done, (group, more, carried)| {
                let mut findings: Vec<Finding> = group
                    .iter()
                    .filter_map(|bytes| {
                        let f = decode_one(bytes);
                        if f.is_none() {
                            sealed.count_lost();
                        }
                        f
                    })
                    .collect();
                let left = if self.snippets {
                    add_file_snippets(&mut findings, &sealed.finishing.wording, carried, more)
                } else {
                    None
                };
                for f in &mut findings {
                    sealed.finishing.finish(f, done);
                }
                (findings, left)
            })
            .collect();
        let mut out = Vec::with_capacity(finished.iter().map(|(f, _)| f.len()).sum());
        for (findings, left) in finished {
            out.extend(findings);
            if left.is_some() {
                self.carried = left;
            }
        }
        out
    }
}

/// Keys whose bytes lie at most this far apart are read in one span.
const SPAN_GAP: u64 = 16 * 1024;
/// A span read at once is at most about this long.
const SPAN_MAX: u64 = 1 << 20;

/// The bytes of the findings `range` of `sealed`'s keys, in its order
/// (`None` for those that cannot be read). Read in the file's order, in
/// spans: a batch's findings, one app's files', mostly lie side by side
/// (an app's were spilled together), and one read (a seek, a read, the
/// cipher's setup) per finding cost the report a fifth more time.
fn read_spans(sealed: &Sealed, range: std::ops::Range<usize>) -> Vec<Option<Vec<u8>>> {
    let keys = &sealed.keys[range.clone()];
    let mut by_place: Vec<usize> = (0..keys.len()).collect();
    by_place.sort_unstable_by_key(|&i| keys[i].at);
    let mut out: Vec<Option<Vec<u8>>> = vec![None; keys.len()];
    let file = sealed.file.lock().unwrap_or_else(|e| e.into_inner());
    let mut buf = Vec::new();
    let mut j = 0;
    while j < by_place.len() {
        let from = keys[by_place[j]].at;
        let mut to = from + u64::from(keys[by_place[j]].len);
        let mut k = j + 1;
        while k < by_place.len() {
            let key = &keys[by_place[k]];
            if key.at > to + SPAN_GAP || to - from >= SPAN_MAX {
                break;
            }
            to = to.max(key.at + u64::from(key.len));
            k += 1;
        }
        if file.read_at(from, (to - from) as usize, &mut buf).is_ok() {
            for &i in &by_place[j..k] {
                let at = (keys[i].at - from) as usize;
                out[i] = buf.get(at..at + keys[i].len as usize).map(<[u8]>::to_vec);
            }
        }
        j = k;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sealed::testing::Shared;
    use intguard_model::{Location, RuleMeta};

    fn meta(id: &str) -> &'static RuleMeta {
        intguard_rules::find_rule(id).unwrap().meta()
    }

    /// Findings in no order: two at one place with one fingerprint (told
    /// apart by their messages), one secret in a message, places in files
    /// that do not exist (no snippet).
    fn unordered() -> Vec<Finding> {
        let at = |path: &str, line: u32| Location::new(path, line, 2);
        let mut out = vec![
            Finding::new(meta("IG303"), at("b/pom.xml", 4), "zebra"),
            Finding::new(
                meta("IG101"),
                at("a/x.xml", 9),
                "password s3cretValue1 in clear",
            ),
            Finding::new(meta("IG303"), at("b/pom.xml", 4), "aardvark"),
            Finding::new(meta("IG102"), at("a/x.xml", 2), "two"),
            Finding::new(meta("IG101"), at("a/x.xml", 2), "one"),
        ];
        for (i, f) in out.iter_mut().enumerate() {
            f.fingerprint = if f.rule == "IG303" {
                "same".to_string()
            } else {
                format!("fp{i}")
            };
        }
        out
    }

    fn collected(file: Option<Box<dyn SpillFile>>) -> ReportedFindings {
        collected_all(&unordered(), file, &["s3cretValue1"], 1).0
    }

    fn listed(findings: &ReportedFindings) -> Vec<String> {
        findings
            .iter()
            .map(|f| {
                format!(
                    "{}:{} {} {}",
                    f.location.path, f.location.line, f.rule, f.message
                )
            })
            .collect()
    }

    const EXPECTED: [&str; 5] = [
        "a/x.xml:2 IG101 one",
        "a/x.xml:2 IG102 two",
        "a/x.xml:9 IG101 password s3…(12) in clear",
        "b/pom.xml:4 IG303 aardvark",
        "b/pom.xml:4 IG303 zebra",
    ];

    /// In the file, the findings come back in the report's order, masked,
    /// whatever order they were collected in, and as often as asked; held
    /// (no file), the same.
    #[test]
    fn findings_come_back_in_order_finished_with_or_without_a_file() {
        let file = Shared::default();
        let sealed = collected(file.boxed());
        assert!(matches!(sealed.store, Store::Sealed(_)));
        assert!(!file.contents().is_empty());
        assert_eq!(listed(&sealed), EXPECTED);
        assert_eq!(listed(&sealed), EXPECTED, "read again");
        assert_eq!(sealed.len(), 5);
        let heads: Vec<_> = sealed.heads().map(|(rule, _)| rule).collect();
        assert_eq!(heads, ["IG101", "IG102", "IG101", "IG303", "IG303"]);
        assert_eq!(sealed.lost(), 0);
        let held = collected(None);
        assert!(matches!(held.store, Store::Held(_)));
        assert_eq!(listed(&held), EXPECTED);
        // What reaches the disk is not the findings' text.
        let on_disk = String::from_utf8_lossy(&file.contents()).into_owned();
        assert!(!on_disk.contains("s3cretValue1") && !on_disk.contains("zebra"));
    }

    /// Read without snippets (for a reporter that only counts them), the
    /// same findings in the same order, finished but for the snippet their
    /// source file would give.
    #[test]
    fn findings_read_without_snippets_are_the_same_but_for_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flow.xml");
        std::fs::write(
            &path,
            "<mule>\n  <http:request url=\"http://x\"/>\n</mule>\n",
        )
        .unwrap();
        let shown = FilePath::from(path.to_string_lossy().as_ref());
        let mut collecting = Collecting::new(Shared::default().boxed(), true);
        for (line, rule) in [(2, "IG109"), (1, "IG101")] {
            let mut f = Finding::new(meta(rule), Location::new(shown.clone(), line, 3), "m");
            f.fingerprint = format!("fp{line}");
            collecting.push(f, shown.clone());
        }
        let finishing = Finishing {
            wording: Redactor::new(Vec::<String>::new()),
            relative: Relative::new(&[]),
        };
        let sealed = collecting.finish(Arc::new(finishing), 1);
        assert!(matches!(sealed.store, Store::Sealed(_)));
        let with: Vec<Finding> = sealed.iter().map(Cow::into_owned).collect();
        let without: Vec<Finding> = sealed
            .iter_without_snippets()
            .map(Cow::into_owned)
            .collect();
        assert_eq!(with.len(), 2);
        assert!(with.iter().all(|f| f.snippet.is_some()), "{with:?}");
        assert!(without.iter().all(|f| f.snippet.is_none()), "{without:?}");
        let unsnipped: Vec<Finding> = with
            .into_iter()
            .map(|mut f| {
                f.snippet = None;
                f
            })
            .collect();
        assert_eq!(
            serde_json::to_string(&unsnipped).unwrap(),
            serde_json::to_string(&without).unwrap()
        );
    }

    /// A write failing part-way brings what was written back into memory:
    /// the same findings, in the same order.
    #[test]
    fn a_write_failing_brings_the_findings_back_into_memory() {
        let full = Shared {
            fail_writes_past: Some(200),
            ..Shared::default()
        };
        let back = collected(full.boxed());
        assert!(matches!(back.store, Store::Held(_)));
        assert_eq!(listed(&back), EXPECTED);
    }

    /// The file failing under the report: the findings it cannot give back
    /// are counted, not invented.
    #[test]
    fn a_read_failing_counts_the_findings_lost() {
        let unreadable = Shared {
            fail_reads: true,
            ..Shared::default()
        };
        let report = collected(unreadable.boxed());
        assert_eq!(listed(&report), Vec::<String>::new());
        assert_eq!(report.lost(), 5);
    }

    /// `findings` collected (to `file`, else held) with snippets, masked
    /// with `secrets`, on `threads`; with those lost as they were written.
    fn collected_all(
        findings: &[Finding],
        file: Option<Box<dyn SpillFile>>,
        secrets: &[&str],
        threads: usize,
    ) -> (ReportedFindings, usize) {
        let mut collecting = Collecting::new(file, true);
        for f in findings.iter().cloned() {
            let shown = f.location.path.clone();
            collecting.push(f, shown);
        }
        let lost = collecting.lost();
        let finishing = Finishing {
            wording: Redactor::new(secrets.iter().map(|s| s.to_string())),
            relative: Relative::new(&[]),
        };
        (collecting.finish(Arc::new(finishing), threads), lost)
    }

    /// A file holding more findings than are read back at once (a log of
    /// logins, a token on each line) is read in several batches, each
    /// finding with its snippet, masked: the same as held in memory.
    #[test]
    fn a_file_with_many_findings_comes_back_in_several_batches() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("sync.log");
        let n = FILE_GROUP_MAX as u32 * 2 + 100;
        let text: String = (1..=n)
            .map(|i| format!("{{\"line\":{i},\"access_token\":\"00D5g000005mVws!tok{i:06}\"}}\n"))
            .collect();
        std::fs::write(&log, text).unwrap();
        let path = log.display().to_string();
        let many: Vec<Finding> = (1..=n)
            .rev()
            .map(|i| {
                let mut f =
                    Finding::new(meta("IG106"), Location::new(path.as_str(), i, 2), "a token");
                f.fingerprint = format!("fp{i}");
                f
            })
            .collect();
        let collect = |file: Option<Box<dyn SpillFile>>| {
            collected_all(&many, file, &["00D5g000005mVws!tok000777"], 2).0
        };
        let shown = |findings: &ReportedFindings| -> Vec<String> {
            findings
                .iter()
                .map(|f| format!("{} {:?}", f.location.line, f.snippet.as_deref()))
                .collect()
        };
        let held = shown(&collect(None));
        let file = Shared::default();
        let sealed = collect(file.boxed());
        assert!(matches!(sealed.store, Store::Sealed(_)));
        assert_eq!(shown(&sealed), held);
        assert_eq!(held.len(), n as usize);
        assert_eq!(
            held[776],
            "777 Some(\"{\\\"line\\\":777,\\\"access_token\\\":\\\"00…(25)\\\"}\")"
        );
        assert!(
            held[n as usize - 1].contains("tok"),
            "{}",
            held[n as usize - 1]
        );
    }

    /// Thousands of findings over hundreds of files, collected in an order
    /// of their own (as apps are spilled), written in several chunks and
    /// read back in spans: the same report as held in memory; and a write
    /// failing after the first chunks brings them all back, none lost.
    #[test]
    fn many_findings_in_chunks_come_back_as_held_ones() {
        let many: Vec<Finding> = (0..3_000u32)
            .map(|i| {
                let app = (i * 7919) % 300;
                let mut f = Finding::new(
                    meta(if i % 3 == 0 { "IG101" } else { "IG102" }),
                    Location::new(format!("app-{app}/src/main/mule/flow.xml"), i % 50 + 1, 3),
                    format!("finding {i} with a message long enough to fill the chunks faster"),
                );
                f.fingerprint = format!("fp{i}");
                f
            })
            .collect();
        let collect = |file: Option<Box<dyn SpillFile>>| collected_all(&many, file, &[], 2);
        let (held, _) = collect(None);
        let expected = listed(&held);
        assert_eq!(expected.len(), 3_000);
        let file = Shared::default();
        let (sealed, _) = collect(file.boxed());
        assert!(matches!(sealed.store, Store::Sealed(_)));
        assert!(
            file.contents().len() > 3 * CHUNK,
            "{}",
            file.contents().len()
        );
        assert_eq!(listed(&sealed), expected);
        assert_eq!(sealed.lost(), 0);
        let failing = Shared {
            fail_writes_past: Some(CHUNK as u64 * 3 / 2),
            ..Shared::default()
        };
        let (back, lost) = collect(failing.boxed());
        assert!(matches!(back.store, Store::Held(_)));
        assert_eq!(lost, 0);
        assert_eq!(listed(&back), expected);
    }
}
