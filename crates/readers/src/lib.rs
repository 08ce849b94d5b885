//! intguard's readers: from paths on disk to an [`Inventory`].
//!
//! ```text
//! paths -> discover (parallel walk, app roots) -> read each file once (rayon,
//!          windows of 1,024 files) -> Mule XML / property files / descriptors /
//!          any-text facts -> each app assembled when complete (on_app) -> Inventory
//! ```
//!
//! Readers know formats, not rules: they record what is written and where
//! (file, line, column), and turn bad input into diagnostics, never panics.
//!
//! - Discovery (`discover`): parallel walk of every root (a root inside
//!   another is walked once), `.gitignore` respected even outside git, hidden
//!   files included, `.git/`, `target/`, `node_modules/` skipped, config ignore
//!   globs. App roots: Mule 4 (`mule-artifact.json` or pom packaging
//!   `mule-application`), Mule 3 (`mule-project.xml`); each file belongs to
//!   its nearest app.
//! - Every file is read once, in parallel, in windows of the (sorted) walk:
//!   Mule XML (`mule::xml`), property files (`properties`), descriptors
//!   (`mule::descriptor`), keystores and private keys (PEM, DER, PuTTY,
//!   OpenPGP: `pgp`), and the any-text scan (`text`: tokens, PEM and
//!   OpenPGP blocks, `-D` and other definitions,
//!   `intguard-ignore` comments). An app is assembled as soon as the window
//!   holding its last file is read, and handed to the caller's `on_app`
//!   ([`read_paths_with`]) before the next window, so a caller can shrink it
//!   while the rest is read.
//! - Salesforce metadata (`metadata`): SFDX projects (`sfdx-project.json`,
//!   every package directory) and Metadata API folders (`package.xml`),
//!   streamed type by type into [`intguard_model::SalesforceMetadata`];
//!   `sf org create user` definition files (JSON with a username).
//! - Certificates (`certificates`): PEM and DER certificates, JKS keystores,
//!   and PKCS#12 keystores whose password is empty or committed in clear,
//!   parsed with `salesforce-auth`; [`Inventory::now_unix`] records the scan
//!   time for rules that judge validity.
//! - Diagnostic codes: `unreadable`, `too-large`, `binary`, `not-utf8`,
//!   `xml-syntax`, `yaml-syntax`, `properties-syntax`, `json-syntax`,
//!   `symlink-loop`, `symlink-outside`, and the metadata reader's `metadata-root`,
//!   `metadata-value`, `metadata-project`.
//!
//! Set `INTGUARD_READERS_TIMING=1` to print the walk and read times to stderr.

mod certificates;
mod cut;
mod discover;
pub use discover::check_ignore_glob;
mod metadata;
mod mule;
mod own_report;
mod pgp;
mod position;
mod properties;
mod text;
pub use text::looks_like_pem_body;

use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use intguard_model::{
    keys_encrypted, Assignment, CertificateFacts, DefinitionForm, Diagnostic, InlineSuppression,
    Inventory, KeyMaterial, KeyMaterialKind, Location, MuleApp, PropertyFile, PropertyFormat,
    TextFileFacts,
};
use rayon::prelude::*;

use discover::WalkedFile;
use mule::xml::{read_mule_xml, MuleXmlFacts};
use mule::{AppParts, AppRoot, DirDescriptors, PropertyCandidate};
use position::LineIndex;
use text::{AssignmentStyle, CommentSyntax, TextKind};

/// How to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Files larger than this are skipped with a `too-large` diagnostic.
    pub max_file_size: u64,
    /// Gitignore-style globs relative to each root (from the config file),
    /// e.g. `**/src/test/**`.
    pub ignore_globs: Vec<String>,
    /// Worker threads for walking and reading; 0 = the rayon pool the caller
    /// runs in (all cores unless it installed another).
    pub threads: usize,
    /// Follow symbolic links (loops become `symlink-loop` diagnostics).
    pub follow_symlinks: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_file_size: 32 * 1024 * 1024,
            ignore_globs: Vec::new(),
            threads: 0,
            follow_symlinks: false,
        }
    }
}

/// Reads every given path (directories are walked; files are read as they
/// are) into one inventory. Paths that do not exist are the caller's to
/// check; here they only yield diagnostics.
pub fn read_paths(paths: &[PathBuf], options: &ReadOptions) -> Inventory {
    read_paths_with(paths, options, &|_, _, _| {})
}

/// What the walk found, known before any file is read and handed to
/// `on_app` with every app ([`read_paths_with`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Discovered {
    /// Some walked file may be Salesforce metadata that grants object
    /// access: a profile or permission set (whole or decomposed) or a
    /// permission set group, judged by its path alone (wider than what the
    /// metadata reader then reads). `false`: the Inventory will hold no
    /// object permissions.
    pub object_access_metadata: bool,
}

/// What [`read_paths_with`] hands its caller for each app: the app, the
/// any-text facts of its files (tokens, key blocks, definitions; what the
/// caller leaves there joins [`Inventory::text_files`] afterwards, in the
/// walk's order) and what the walk found.
pub type OnApp<'a> = dyn Fn(&mut MuleApp, &mut Vec<TextFileFacts>, &Discovered) + Sync + 'a;

/// [`read_paths`], handing each app to `on_app` as soon as its files are
/// read, before the next files are: what the caller does there (e.g.
/// [`MuleApp::digest_operations`]) happens while the rest of the repository is
/// read, and what it frees is not held meanwhile.
pub fn read_paths_with(paths: &[PathBuf], options: &ReadOptions, on_app: &OnApp<'_>) -> Inventory {
    let read = || read_all(paths, options, on_app, FILE_WINDOW);
    // 0, or the size of the pool the caller runs us in: that pool.
    if options.threads == 0 || options.threads == rayon::current_num_threads() {
        return read();
    }
    match rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
    {
        Ok(pool) => pool.install(read),
        Err(_) => read(),
    }
}

/// How many files are read between two assemblies of the apps completed:
/// enough to keep every core busy, few enough that the raw facts of the apps
/// being read stay small.
const FILE_WINDOW: usize = 1024;

const DESCRIPTOR_NAMES: &[&str] = &["mule-artifact.json", "pom.xml", "mule-project.xml"];

fn read_all(
    paths: &[PathBuf],
    options: &ReadOptions,
    on_app: &OnApp<'_>,
    window: usize,
) -> Inventory {
    let t0 = std::time::Instant::now();
    let now_unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let walk = discover::walk(paths, options);
    let t_walk = t0.elapsed();
    let mut inventory = Inventory {
        roots: paths.iter().map(|p| discover::display_path(p)).collect(),
        now_unix,
        ..Inventory::default()
    };
    inventory.diagnostics = walk.diagnostics;

    // App roots, from the descriptors. pom.xml and mule-project.xml are read
    // here once and their bytes kept for the file pass.
    let descriptor_files: Vec<&WalkedFile> = walk
        .files
        .iter()
        .filter(|f| {
            f.path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| DESCRIPTOR_NAMES.contains(&n))
        })
        .collect();
    let read_descriptors: Vec<(PathBuf, String, Option<Vec<u8>>)> = descriptor_files
        .par_iter()
        .map(|f| {
            let name = f
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = if name == "mule-artifact.json" {
                None
            } else {
                read_limited(&f.path, options.max_file_size)
            };
            (f.path.clone(), name, bytes)
        })
        .collect();
    let mut dirs: HashMap<PathBuf, DirDescriptors> = HashMap::new();
    // Each descriptor's bytes until the file pass reaches it, which takes
    // them: a monorepo's pom files are not all held through the pass. Keyed
    // by the path's bytes with a fast hasher: every file of the walk is
    // looked up, and hashing a `Path` parses its components.
    let mut cache: foldhash::HashMap<Vec<u8>, std::sync::Mutex<Option<Vec<u8>>>> =
        foldhash::HashMap::default();
    for (path, name, bytes) in read_descriptors {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let entry = dirs.entry(dir).or_default();
        match name.as_str() {
            "mule-artifact.json" => entry.mule_artifact_json = true,
            "pom.xml" => {
                if let Some(b) = &bytes {
                    entry.pom = Some(mule::descriptor::pom_info(&lossy_text(b)));
                }
            }
            _ => {
                if let Some(b) = &bytes {
                    entry.mule_project_name =
                        Some(mule::descriptor::mule_project_name(&lossy_text(b)));
                }
            }
        }
        if let Some(b) = bytes {
            cache.insert(
                path.into_os_string().into_encoded_bytes(),
                std::sync::Mutex::new(Some(b)),
            );
        }
    }
    let apps = mule::app_roots(dirs);

    // Salesforce metadata projects (SFDX and Metadata API).
    let project_files = |wanted: &str| -> Vec<(PathBuf, String, String)> {
        walk.files
            .iter()
            .filter(|f| f.path.file_name().and_then(|n| n.to_str()) == Some(wanted))
            .filter_map(|f| {
                let bytes = read_limited(&f.path, options.max_file_size)?;
                Some((
                    f.path.clone(),
                    f.display().to_string(),
                    lossy_text(&bytes).into_owned(),
                ))
            })
            .collect()
    };
    let md_projects = metadata::projects(
        &project_files("sfdx-project.json"),
        &project_files("package.xml"),
    );
    inventory.diagnostics.extend(md_projects.diagnostics);
    let mdapi_roots = md_projects.mdapi_roots;
    let discovered = Discovered {
        object_access_metadata: walk
            .files
            .iter()
            .any(|f| metadata::may_grant_object_access(&f.path)),
    };

    // Keyed by the paths' bytes, with a fast hasher: hashing a `Path` parses
    // its components, and this is asked for every ancestor of every file.
    // Both sides come from `parent()` of walked paths, so equal folders are
    // spelt alike.
    let app_index: foldhash::HashMap<&OsStr, usize> = apps
        .iter()
        .enumerate()
        .map(|(i, a)| (a.dir.as_os_str(), i))
        .collect();

    // Every file's app (its nearest app root), and the last file of each app:
    // the walk is sorted by path, so an app's files are one run of it (but
    // for the apps nested in it), and an app is complete once the file pass
    // is past its last file.
    let file_app: Vec<Option<usize>> = walk
        .files
        .par_iter()
        .map(|f| {
            f.path
                .ancestors()
                .skip(1)
                .find_map(|a| app_index.get(a.as_os_str()).copied())
        })
        .collect();
    let mut last_file = vec![0usize; apps.len()];
    for (i, app) in file_app.iter().enumerate() {
        if let Some(a) = app {
            last_file[*a] = i;
        }
    }
    let mut by_last: Vec<usize> = (0..apps.len()).collect();
    by_last.sort_by_key(|&a| last_file[a]);
    let mut by_last = by_last.into_iter().peekable();

    // The files in windows, each window's files in parallel and its results
    // consumed in the walk's order; each app is assembled (and handed to
    // `on_app`) as soon as its last file is read, so that only the apps being
    // read are held in their raw form. Each worker thread reads into one
    // reused buffer (`with_read_buffer`): a fresh allocation per file costs
    // page faults that rival the reading itself.
    let mut parts: Vec<Option<AppParts>> = apps.iter().map(|_| Some(AppParts::default())).collect();
    let mut assembled: Vec<Option<MuleApp>> = apps.iter().map(|_| None).collect();
    let mut md_items = Vec::new();
    let mut locked_pkcs12: Vec<(String, PathBuf)> = Vec::new();
    // The apps completed by the previous window are assembled while the next
    // window is read.
    let assemble = |complete: Vec<(usize, AppParts)>| -> Vec<(usize, MuleApp, WalkedText)> {
        complete
            .into_par_iter()
            .map(|(a, mut p)| {
                let mut text_files = std::mem::take(&mut p.text_files);
                let mut app = mule::assemble(&apps[a], p);
                on_app(&mut app, &mut text_files.facts, &discovered);
                // The app is held until the rules are done, and its facts were
                // allocated among the parsers' temporaries: a copy packs them
                // into fresh pages and lets the next windows reuse the old
                // ones (peak memory of the bench corpus -15%).
                (a, app.clone(), text_files)
            })
            .collect()
    };
    let read_window = |range: std::ops::Range<usize>| -> Vec<FileOutput> {
        walk.files[range.clone()]
            .par_iter()
            .zip(&file_app[range])
            .map(|(f, app)| {
                let cached = cache
                    .get(f.path.as_os_str().as_encoded_bytes())
                    .and_then(|c| c.lock().unwrap_or_else(|e| e.into_inner()).take());
                with_read_buffer(|buf| {
                    let input = FileInput {
                        cached: cached.as_deref(),
                        buf,
                        mdapi_roots: &mdapi_roots,
                    };
                    process_file(f, app.map(|i| (i, &apps[i])), input, options)
                })
            })
            .collect()
    };
    let mut complete: Vec<(usize, AppParts)> = Vec::new();
    let mut text_files = WalkedText::default();
    let mut start: usize = 0;
    loop {
        let end = start.saturating_add(window.max(1)).min(walk.files.len());
        if start == end && complete.is_empty() && by_last.peek().is_none() {
            break;
        }
        let (outputs, done) = rayon::join(
            || read_window(start..end),
            || assemble(std::mem::take(&mut complete)),
        );
        for (a, app, text) in done {
            assembled[a] = Some(app);
            text_files.append(text);
        }
        for (i, out) in outputs.into_iter().enumerate() {
            inventory.certificates.extend(out.certificates);
            if let Some(path) = out.locked_pkcs12 {
                locked_pkcs12.push((out.display.clone(), path));
            }
            if out.read {
                inventory.stats.files += 1;
                inventory.stats.bytes += out.bytes;
            }
            inventory.diagnostics.extend(out.diagnostics);
            inventory.suppressions.extend(out.suppressions);
            if let Some(k) = out.key_material {
                inventory.key_material.push(k);
            }
            if let Some(m) = out.metadata {
                md_items.push(*m);
            }
            let mut part = out.app.and_then(|a| parts[a].as_mut());
            if let Some(t) = out.text {
                match &mut part {
                    Some(p) => p.text_files.push(start + i, *t),
                    None => text_files.push(start + i, *t),
                }
            }
            let Some(part) = part else {
                continue;
            };
            if let Some(x) = out.mule {
                part.xml.push((out.display.clone(), *x));
            }
            if let Some(p) = out.property {
                part.properties.push(*p);
            }
            if let Some(d) = out.descriptor {
                part.descriptor = Some(d);
            }
            if out.declared_secure_properties.is_some() {
                part.declared_secure_properties = out.declared_secure_properties;
            }
            if let Some(script) = out.payload_script {
                part.payload_scripts.push(*script);
            }
        }
        while let Some(&a) = by_last.peek() {
            if last_file[a] >= end && end < walk.files.len() {
                break;
            }
            by_last.next();
            if let Some(p) = parts[a].take() {
                complete.push((a, p));
            }
        }
        start = end;
    }
    drop(cache);
    let t_files = t0.elapsed();

    inventory.apps = assembled.into_iter().flatten().collect();
    inventory.text_files = text_files.in_walk_order();
    inventory.salesforce = metadata::assemble(md_projects.projects, md_items);
    certificates::unlock_pkcs12(&mut inventory, &locked_pkcs12);
    certificates::from_oauth_apps(&mut inventory);
    inventory.diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.code).cmp(&(&b.path, b.line, b.column, b.code))
    });
    inventory.diagnostics.dedup();
    if std::env::var_os("INTGUARD_READERS_TIMING").is_some() {
        eprintln!("walk {t_walk:?} files {t_files:?} total {:?}", t0.elapsed());
    }
    inventory
}

/// Text facts with their files' places in the walk: those handed out with
/// their app and those of files outside any app join in the walk's order.
#[derive(Debug, Default)]
pub(crate) struct WalkedText {
    order: Vec<usize>,
    pub facts: Vec<TextFileFacts>,
}

impl WalkedText {
    pub fn push(&mut self, index: usize, facts: TextFileFacts) {
        self.order.push(index);
        self.facts.push(facts);
    }

    fn append(&mut self, mut other: WalkedText) {
        self.order.append(&mut other.order);
        self.facts.append(&mut other.facts);
    }

    fn in_walk_order(self) -> Vec<TextFileFacts> {
        let mut all: Vec<(usize, TextFileFacts)> = self.order.into_iter().zip(self.facts).collect();
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, t)| t).collect()
    }
}

/// The Spring beans namespace, which a Spring beans file of an app declares
/// (`<beans xmlns="http://www.springframework.org/schema/beans">`).
const SPRING_BEANS_NS: &[u8] = b"springframework.org/schema/beans";

/// What one file contributed. The large parts are boxed: a file has one or
/// two of them, and the outputs of every file are held until assembly.
#[derive(Debug, Default)]
struct FileOutput {
    app: Option<usize>,
    display: String,
    read: bool,
    bytes: u64,
    text: Option<Box<TextFileFacts>>,
    suppressions: Vec<InlineSuppression>,
    key_material: Option<KeyMaterial>,
    certificates: Vec<CertificateFacts>,
    /// A PKCS#12 file whose certificates need a password.
    locked_pkcs12: Option<PathBuf>,
    mule: Option<Box<MuleXmlFacts>>,
    property: Option<Box<PropertyCandidate>>,
    descriptor: Option<Location>,
    declared_secure_properties: Option<Vec<String>>,
    /// A DataWeave script of the app's resources that may build a login
    /// (its path under `src/main/resources/`, its text): a payload an
    /// `<ee:set-payload resource="...">` sets.
    payload_script: Option<Box<(String, String)>>,
    metadata: Option<Box<metadata::Item>>,
    diagnostics: Vec<Diagnostic>,
}

enum ReadError {
    /// The file's size, over the limit.
    TooLarge(u64),
    Io(std::io::Error),
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e)
    }
}

thread_local! {
    /// Each worker thread's read buffer, kept from file to file and window to
    /// window (rayon's `map_init` would make one per job split, and every
    /// fresh buffer grows through newly faulted, zeroed pages).
    static READ_BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// A buffer kept beyond this size (after an unusually large file) is let go
/// rather than held by the thread for the rest of the scan.
const READ_BUFFER_KEEP: usize = 1 << 20;

/// Runs `f` with this thread's read buffer. The buffer is taken out while `f`
/// runs, so a nested call (rayon may run another file's job on this thread
/// while `f` waits) gets a fresh one instead of a borrow error.
fn with_read_buffer<T>(f: impl FnOnce(&mut Vec<u8>) -> T) -> T {
    let mut buf = READ_BUFFER.take();
    let out = f(&mut buf);
    if buf.capacity() <= READ_BUFFER_KEEP {
        READ_BUFFER.set(buf);
    }
    out
}

/// Reads the whole file into `buf` (cleared first; its capacity is kept),
/// unless the open file is larger than `max` bytes. At most `max + 1` bytes
/// are read, should the file grow meanwhile.
fn read_into(path: &Path, max: u64, buf: &mut Vec<u8>) -> Result<(), ReadError> {
    use std::io::Read;
    buf.clear();
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > max {
        return Err(ReadError::TooLarge(size));
    }
    buf.reserve(usize::try_from(size).unwrap_or(0));
    file.take(max.saturating_add(1)).read_to_end(buf)?;
    Ok(())
}

/// `bytes` as text: borrowed when they are UTF-8 (checked with SIMD, as
/// std's check of a large pom file is slow), else with the invalid bytes
/// replaced.
fn lossy_text(bytes: &[u8]) -> Cow<'_, str> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// The file's bytes, or None when it cannot be read or is over `max` bytes.
fn read_limited(path: &Path, max: u64) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    read_into(path, max, &mut buf).ok().map(|()| buf)
}

/// The Mule app a path lies inside, when the path is not itself an app's
/// folder: the nearest enclosing folder with `mule-artifact.json`,
/// `mule-project.xml` or a pom with packaging `mule-application` (the same
/// test as discovery's). A file or folder given alone is read without its
/// app's connections and properties otherwise, and looks clean.
pub fn enclosing_app_root(path: &Path) -> Option<PathBuf> {
    let path = std::fs::canonicalize(path).ok()?;
    let start = if path.is_dir() {
        if is_app_root(&path) {
            return None;
        }
        path.parent()?
    } else {
        path.parent()?
    };
    start
        .ancestors()
        .find(|dir| is_app_root(dir))
        .map(Path::to_path_buf)
}

fn is_app_root(dir: &Path) -> bool {
    if dir.join("mule-artifact.json").is_file() || dir.join("mule-project.xml").is_file() {
        return true;
    }
    read_limited(&dir.join("pom.xml"), 1 << 20)
        .is_some_and(|pom| mule::descriptor::pom_info(&lossy_text(&pom)).is_mule_application())
}

/// The text of a file that starts with a UTF-16 byte order mark (little or
/// big endian); `None` for any other file. Unpaired surrogates become U+FFFD.
pub fn decode_utf16_with_bom(bytes: &[u8]) -> Option<String> {
    let (little_endian, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => return None,
    };
    let units = body.chunks_exact(2).map(|c| {
        if little_endian {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

fn keystore_kind(ext: &str) -> Option<KeyMaterialKind> {
    match ext {
        "jks" => Some(KeyMaterialKind::Jks),
        "p12" | "pfx" => Some(KeyMaterialKind::Pkcs12),
        // JCEKS (Java's other keystore type) and BouncyCastle's BKS / BCFKS,
        // which Mule loads with `type="jceks"` / `type="bks"`.
        "keystore" | "jceks" | "bks" | "bcfks" => Some(KeyMaterialKind::Keystore),
        _ => None,
    }
}

/// Extensions of binary (DER) private key files.
/// Binary OpenPGP files: keyrings (`secring.gpg`, `.skr`) and key exports.
const PGP_BINARY_EXTENSIONS: &[&str] = &["gpg", "pgp", "skr"];
const DER_KEY_EXTENSIONS: &[&str] = &["der", "p8", "pk8", "pkcs8", "key"];

/// Whether a binary file is a private key, which kind, and whether it is
/// encrypted: PKCS#8 (`PrivateKeyInfo`, or `EncryptedPrivateKeyInfo`),
/// PKCS#1 (`RSAPrivateKey`) or SEC1 (`ECPrivateKey`); `None` when it is none
/// of them.
fn der_private_key(bytes: &[u8]) -> Option<(KeyMaterialKind, bool)> {
    if pkcs8::PrivateKeyInfoRef::try_from(bytes).is_ok() {
        Some((KeyMaterialKind::DerPrivateKey, false))
    } else if pkcs8::EncryptedPrivateKeyInfoRef::try_from(bytes).is_ok() {
        Some((KeyMaterialKind::DerPrivateKey, true))
    } else if pkcs1::RsaPrivateKeyRef::try_from(bytes).is_ok() {
        // PKCS#1 has no encrypted DER form: only PEM's `Proc-Type` headers
        // encrypt it.
        Some((KeyMaterialKind::DerPkcs1PrivateKey, false))
    } else if sec1::EcPrivateKey::try_from(bytes).is_ok() {
        // SEC1 (`openssl ec -outform DER`), which has no encrypted DER form
        // either.
        Some((KeyMaterialKind::DerSec1PrivateKey, false))
    } else {
        None
    }
}

/// Whether a text is a PuTTY private key file (`.ppk`, whatever its name):
/// `Some` when its first line is `PuTTY-User-Key-File-<version>: <algorithm>`,
/// holding whether the `Encryption:` header that follows names a cipher
/// (`aes256-cbc`) rather than `none` (`None` without that header).
fn putty_key_encrypted(text: &str) -> Option<Option<bool>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    let (version, algorithm) = lines
        .next()?
        .strip_prefix("PuTTY-User-Key-File-")?
        .split_once(':')?;
    if version.is_empty()
        || !version.bytes().all(|b| b.is_ascii_digit())
        || algorithm.trim().is_empty()
    {
        return None;
    }
    // `Encryption:` is the second line in every version of the format.
    let encryption = lines
        .next()
        .and_then(|l| l.strip_prefix("Encryption:"))
        .map(str::trim);
    Some(encryption.map(|e| !e.eq_ignore_ascii_case("none")))
}

/// Extensions of files that hold keys or certificates in PEM form.
const PEM_EXTENSIONS: &[&str] = &[
    "pem", "key", "p8", "pk8", "pkcs8", "crt", "cer", "der", "ppk",
];

/// Extensions of structured files whose decoding problems are reported.
const STRUCTURED: &[&str] = &["xml", "yaml", "yml", "properties", "json"];

fn is_shell_like(name: &str, ext: &str) -> bool {
    name == ".env"
        || name.starts_with(".env.")
        || name == ".envrc"
        || matches!(ext, "env" | "sh" | "bash" | "zsh" | "ksh" | "bat" | "cmd")
}

/// `path` relative to `dir`, `/`-separated. Both come from the walk, so
/// `dir` is spelt as `path` begins: a byte comparison says it on Unix
/// (`Path::strip_prefix` parses every component, 2,000 instructions a file);
/// anything else goes the component way.
fn relative_to(path: &Path, dir: &Path) -> Option<String> {
    if cfg!(unix) {
        let rest = path
            .as_os_str()
            .as_encoded_bytes()
            .strip_prefix(dir.as_os_str().as_encoded_bytes())
            .and_then(|r| r.strip_prefix(b"/"))
            .filter(|r| !r.is_empty() && !r.starts_with(b"/"))
            .and_then(|r| std::str::from_utf8(r).ok());
        if let Some(rest) = rest.filter(|r| !r.starts_with("./") && !r.contains("/./")) {
            return Some(rest.to_string());
        }
    }
    path.strip_prefix(dir).ok().map(discover::display_path)
}

/// `Dockerfile`, `Dockerfile.prod`, `api.dockerfile`, `Containerfile`.
fn is_dockerfile(name: &str) -> bool {
    let n = name.as_bytes();
    let starts = |p: &[u8]| n.len() >= p.len() && n[..p.len()].eq_ignore_ascii_case(p);
    let ends = |p: &[u8]| n.len() >= p.len() && n[n.len() - p.len()..].eq_ignore_ascii_case(p);
    name.eq_ignore_ascii_case("dockerfile")
        || name.eq_ignore_ascii_case("containerfile")
        || starts(b"dockerfile.")
        || ends(b".dockerfile")
}

fn under_any(rel: &str, dirs: &[&str]) -> bool {
    dirs.iter().any(|d| rel.starts_with(d))
}

/// How `process_file` gets a file's bytes, and the metadata roots.
struct FileInput<'a> {
    /// The bytes, when a descriptor pass already read them.
    cached: Option<&'a [u8]>,
    /// The worker's reusable read buffer.
    buf: &'a mut Vec<u8>,
    mdapi_roots: &'a [PathBuf],
}

fn process_file(
    f: &WalkedFile,
    app: Option<(usize, &AppRoot)>,
    input: FileInput<'_>,
    options: &ReadOptions,
) -> FileOutput {
    let FileInput {
        cached,
        buf,
        mdapi_roots,
    } = input;
    let mut out = FileOutput {
        app: app.map(|(i, _)| i),
        display: f.display().to_string(),
        ..FileOutput::default()
    };
    let display = f.display();
    let too_large = |size: u64| {
        Diagnostic::warning(
            "too-large",
            display,
            format!(
                "skipped: {size} bytes is more than the limit of {} bytes",
                options.max_file_size
            ),
        )
    };
    let bytes: &[u8] = match cached {
        Some(b) => b,
        None => match read_into(&f.path, options.max_file_size, buf) {
            Ok(()) => buf.as_slice(),
            Err(ReadError::TooLarge(size)) => {
                out.diagnostics.push(too_large(size));
                return out;
            }
            Err(ReadError::Io(e)) => {
                out.diagnostics.push(Diagnostic::warning(
                    "unreadable",
                    display,
                    format!("cannot read: {e}"),
                ));
                return out;
            }
        },
    };
    if bytes.len() as u64 > options.max_file_size {
        // It grew between the size check and the read.
        out.diagnostics.push(too_large(bytes.len() as u64));
        return out;
    }
    out.read = true;
    out.bytes = bytes.len() as u64;

    let name = f
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_string())
        .unwrap_or_default();

    if let Some(kind) = keystore_kind(&ext) {
        out.key_material = Some(KeyMaterial {
            kind,
            location: Location::file(display),
            encrypted: None,
            size: bytes.len() as u64,
        });
        let (certs, locked) = certificates::from_keystore(bytes, display);
        out.certificates = certs;
        if locked {
            out.locked_pkcs12 = Some(f.path.clone());
        }
        return out;
    }

    if certificates::DER_EXTENSIONS.contains(&ext.as_str()) && bytes.first() == Some(&0x30) {
        out.certificates = certificates::from_der(bytes, display);
        if !out.certificates.is_empty() {
            return out;
        }
    }
    // A binary OpenPGP keyring or key export (`secring.gpg`, `gpg
    // --export-secret-keys`): its packets say whether it holds a secret key
    // and whether a passphrase protects it. A public keyring, an encrypted
    // message or anything unreadable is no key.
    if PGP_BINARY_EXTENSIONS.contains(&ext.as_str()) && bytes.first().is_some_and(|b| b & 0x80 != 0)
    {
        if let Some(encrypted) = pgp::secret_key_encrypted(bytes) {
            out.key_material = Some(KeyMaterial {
                kind: KeyMaterialKind::PgpKeyring,
                location: Location::file(display),
                encrypted: Some(encrypted),
                size: bytes.len() as u64,
            });
            return out;
        }
    }
    if DER_KEY_EXTENSIONS.contains(&ext.as_str()) && bytes.first() == Some(&0x30) {
        if let Some((kind, encrypted)) = der_private_key(bytes) {
            out.key_material = Some(KeyMaterial {
                kind,
                location: Location::file(display),
                encrypted: Some(encrypted),
                size: bytes.len() as u64,
            });
            return out;
        }
    }

    // A file saved as UTF-16 (with its byte order mark) is text, every
    // other byte of it NUL: read it as the UTF-8 it decodes to.
    let decoded = decode_utf16_with_bom(bytes);
    let bytes: &[u8] = decoded.as_deref().map_or(bytes, str::as_bytes);
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        if STRUCTURED.contains(&ext.as_str()) {
            out.diagnostics.push(Diagnostic::warning(
                "binary",
                display,
                format!("binary content in a .{ext} file (NUL byte): skipped"),
            ));
        }
        return out;
    }

    // Validated with SIMD (std's check was 1.2% of a scan's instructions);
    // std's again only for the position of the first invalid byte.
    let valid = match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(_) => std::str::from_utf8(bytes),
    };
    let text: Cow<'_, str> = match valid {
        Ok(s) => Cow::Borrowed(s),
        Err(e) => {
            let lossy = String::from_utf8_lossy(bytes);
            if STRUCTURED.contains(&ext.as_str()) {
                let (line, col) = LineIndex::new(&lossy).locate(&lossy, e.valid_up_to());
                out.diagnostics.push(
                    Diagnostic::warning(
                        "not-utf8",
                        display,
                        "not valid UTF-8: invalid bytes were replaced and the file read as well as possible",
                    )
                    .at(line, col),
                );
            }
            lossy
        }
    };
    let text: &str = &text;

    // Its `Private-Lines` are the key (in clear with `Encryption: none`): the
    // file is key material, not text to search.
    if let Some(encrypted) = putty_key_encrypted(text) {
        out.key_material = Some(KeyMaterial {
            kind: KeyMaterialKind::PuttyPrivateKey,
            location: Location::file(display),
            encrypted,
            size: out.bytes,
        });
        return out;
    }

    if let Some(what) = own_report::kind(text) {
        // Not audited, so not counted among the files scanned.
        out.read = false;
        out.bytes = 0;
        out.diagnostics.push(Diagnostic::warning(
            "intguard-report",
            display,
            format!("skipped: a {what} written by intguard, not audited"),
        ));
        return out;
    }

    // Secret variables of DataWeave scripts in a Mule XML file's CDATA.
    let mut script_variables: Vec<(String, String, Location)> = Vec::new();
    // The file's role in its app.
    let mut assignments = if name == "pom.xml" {
        AssignmentStyle::Pom
    } else if name == "settings.xml" {
        AssignmentStyle::MavenSettings
    } else if ext == "json" {
        AssignmentStyle::Json
    } else if is_shell_like(&name, &ext) {
        AssignmentStyle::Shell
    } else if is_dockerfile(&name) {
        AssignmentStyle::Dockerfile
    } else {
        AssignmentStyle::Generic
    };
    if let Some((_, root)) = app {
        let rel = relative_to(&f.path, &root.dir).unwrap_or_default();
        let mule3 = root.runtime == intguard_model::MuleRuntime::Mule3;
        if ext == "xml" && rel != "pom.xml" && rel != "mule-project.xml" {
            let expect = under_any(
                &rel,
                &["src/main/mule/", "src/main/app/", "src/test/munit/"],
            );
            if expect
                || memchr::memmem::find(bytes, b"<mule").is_some()
                || memchr::memmem::find(bytes, SPRING_BEANS_NS).is_some()
            {
                let mut facts = read_mule_xml(text, display, expect);
                out.diagnostics.append(&mut facts.diagnostics);
                script_variables = std::mem::take(&mut facts.script_variables);
                if facts.is_mule || facts.spring_beans {
                    assignments = AssignmentStyle::None;
                    out.mule = Some(Box::new(facts));
                }
            }
        } else if matches!(ext.as_str(), "yaml" | "yml" | "properties") {
            let in_resources = rel.strip_prefix("src/main/resources/");
            let in_app_dir = if mule3 {
                rel.strip_prefix("src/main/app/")
            } else {
                None
            };
            let at_root = (rel == "mule-app.properties").then_some(rel.as_str());
            if let Some(res_rel) = in_resources.or(in_app_dir).or(at_root) {
                let (format, (entries, split_values)) = if ext == "properties" {
                    (
                        PropertyFormat::Properties,
                        properties::java_properties::read_properties(
                            text,
                            display,
                            &mut out.diagnostics,
                        ),
                    )
                } else {
                    (
                        PropertyFormat::Yaml,
                        properties::yaml::read_yaml(text, display, &mut out.diagnostics),
                    )
                };
                assignments = AssignmentStyle::None;
                out.property = Some(Box::new(PropertyCandidate {
                    rel: res_rel.to_string(),
                    always_loaded: mule3 && name == "mule-app.properties",
                    file: PropertyFile {
                        path: display.to_string(),
                        format,
                        environment: None,
                        secure: false,
                        loaded: false,
                        entries,
                        split_values,
                    },
                }));
            }
        } else if ext == "dwl" {
            if let Some(res_rel) = rel.strip_prefix("src/main/resources/") {
                if mule::xml::may_carry_a_login(text) {
                    out.payload_script = Some(Box::new((res_rel.to_string(), text.to_string())));
                }
            }
        } else if rel == "mule-artifact.json" {
            let a = mule::descriptor::artifact_json(text, display, &mut out.diagnostics);
            out.declared_secure_properties = a.secure_properties;
            out.descriptor = Some(Location::file(display));
        } else if rel == "mule-project.xml" && mule3 {
            out.descriptor = Some(Location::file(display));
        }
    }

    // Salesforce metadata and user definition files.
    let mut is_metadata = false;
    let mut is_user_definition = false;
    if let Some(c) = metadata::classify(&f.path, mdapi_roots) {
        is_metadata = true;
        out.metadata = metadata::read_file(&c, text, display, &mut out.diagnostics).map(Box::new);
    } else if ext == "json"
        && name != "sfdx-project.json"
        && name != "mule-artifact.json"
        && metadata::may_be_user_definition(bytes)
    {
        let in_config = f
            .path
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|n| n == "config");
        out.metadata =
            metadata::read_user_definition(text, display, in_config, &mut out.diagnostics)
                .map(|d| Box::new(metadata::Item::UserDefinition(d)));
        is_user_definition = out.metadata.is_some();
    }

    let xml_like = is_metadata
        || matches!(
            ext.as_str(),
            "xml" | "xsd" | "xsl" | "xslt" | "html" | "htm" | "xhtml" | "svg" | "wsdl"
        );
    let comments = if xml_like {
        CommentSyntax::Xml
    } else if matches!(ext.as_str(), "yaml" | "yml") {
        CommentSyntax::Hash
    } else if ext == "properties" {
        CommentSyntax::Properties
    } else {
        CommentSyntax::Any
    };
    let (mut facts, suppressions) = text::scan(
        text,
        display,
        TextKind {
            assignments,
            comments,
        },
    );
    if is_metadata || is_user_definition {
        // `<isConsumerSecretOptional>false</...>`, `"generatePassword": true`
        // and other flags name secrets but hold booleans: not secrets (and
        // "false" must not be masked in every message).
        facts.assignments.retain(|a| {
            let v = a.value.trim();
            !(v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false"))
        });
    }
    out.suppressions = suppressions;
    facts
        .assignments
        .extend(
            script_variables
                .into_iter()
                .map(|(name, value, location)| Assignment {
                    name,
                    value,
                    secret: true,
                    location,
                    form: DefinitionForm::DataWeaveVariable,
                }),
        );
    if !facts.private_keys.is_empty()
        && (PEM_EXTENSIONS.contains(&ext.as_str()) || text.trim_start().starts_with("-----BEGIN"))
    {
        let kind = if facts.private_keys[0].label.starts_with("PGP ") {
            KeyMaterialKind::PgpPrivateKey
        } else {
            KeyMaterialKind::PemPrivateKey
        };
        out.key_material = Some(KeyMaterial {
            kind,
            location: Location::file(display),
            encrypted: keys_encrypted(facts.private_keys.iter().map(|k| k.encrypted)),
            size: bytes.len() as u64,
        });
    }
    if (PEM_EXTENSIONS.contains(&ext.as_str()) || text.trim_start().starts_with("-----BEGIN"))
        && memchr::memmem::find(bytes, b"CERTIFICATE-----").is_some()
    {
        out.certificates = certificates::from_pem(text, display);
    }
    if !facts.is_empty() {
        out.text = Some(Box::new(facts));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Binary PKCS#8 and PKCS#1 keys, plain and encrypted, are told by their
    /// structure; a certificate or a cut key is not one.
    #[test]
    fn der_private_keys_by_structure() {
        use base64::Engine as _;
        let der_of = |pem: &str| {
            let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
            base64::engine::general_purpose::STANDARD
                .decode(body)
                .unwrap()
        };
        let generated =
            salesforce_auth::certs::generate_self_signed("fixture", 1, 2048, None).unwrap();
        let plain = generated.private_key().pkcs8_der();
        let pkcs8 = Some((KeyMaterialKind::DerPrivateKey, false));
        assert_eq!(der_private_key(plain), pkcs8);
        let encrypted = der_of(
            &generated
                .private_key()
                .to_encrypted_pkcs8_pem("fixture-pass")
                .unwrap(),
        );
        assert_eq!(
            der_private_key(&encrypted),
            Some((KeyMaterialKind::DerPrivateKey, true))
        );
        assert_eq!(der_private_key(&plain[..plain.len() - 1]), None);
        assert_eq!(der_private_key(&der_of(&generated.certificate_pem)), None);

        // An RSA key's PKCS#8 wrapping holds its PKCS#1 `RSAPrivateKey`.
        let info = pkcs8::PrivateKeyInfoRef::try_from(plain).unwrap();
        let pkcs1 = info.private_key.as_bytes();
        assert_eq!(
            der_private_key(pkcs1),
            Some((KeyMaterialKind::DerPkcs1PrivateKey, false))
        );
        assert_eq!(der_private_key(&pkcs1[..pkcs1.len() - 1]), None);
    }

    /// PuTTY keys are told by their first line, encrypted or not by their
    /// `Encryption:` header; the header elsewhere, or a look-alike, is not one.
    #[test]
    fn putty_keys_by_their_header() {
        let key = |version: &str, encryption: &str, eol: &str| {
            [
                &format!("PuTTY-User-Key-File-{version}: ssh-ed25519"),
                &format!("Encryption: {encryption}"),
                "Comment: fixture",
                "Public-Lines: 1",
                "AAAAC3NzaC1lZDI1NTE5AAAAIHn1",
                "Private-Lines: 1",
                "AAAAIH5GnUrVb0L3vOiVxKG2r1",
                "Private-MAC: 0123456789abcdef",
            ]
            .join(eol)
        };
        for eol in ["\n", "\r\n"] {
            for version in ["2", "3"] {
                assert_eq!(
                    putty_key_encrypted(&key(version, "none", eol)),
                    Some(Some(false))
                );
                assert_eq!(
                    putty_key_encrypted(&key(version, "aes256-cbc", eol)),
                    Some(Some(true))
                );
            }
        }
        assert_eq!(
            putty_key_encrypted(&format!("\u{feff}{}", key("3", "none", "\n"))),
            Some(Some(false))
        );
        assert_eq!(
            putty_key_encrypted("PuTTY-User-Key-File-3: ssh-rsa\nComment: x\n"),
            Some(None)
        );
        for not_one in [
            "Keys start with\nPuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\n",
            "PuTTY-User-Key-File-: ssh-rsa\nEncryption: none\n",
            "PuTTY-User-Key-File-3 ssh-rsa\nEncryption: none\n",
            "PuTTY-User-Key-File-3:\nEncryption: none\n",
            "",
        ] {
            assert_eq!(putty_key_encrypted(not_one), None, "{not_one:?}");
        }
    }

    #[test]
    fn read_buffer_is_kept_per_thread_unless_large() {
        std::thread::spawn(|| {
            let ptr = with_read_buffer(|b| {
                b.extend_from_slice(&[1; 1000]);
                b.as_ptr()
            });
            // The next file reuses the same allocation...
            assert_eq!(with_read_buffer(|b| b.as_ptr()), ptr);
            // ...but a nested call (rayon running another job while this one
            // waits) gets its own buffer, not a borrow error.
            with_read_buffer(|outer| {
                assert_eq!(outer.as_ptr(), ptr);
                with_read_buffer(|inner| assert_eq!(inner.capacity(), 0));
            });
            // A buffer grown past the limit is not kept.
            with_read_buffer(|b| b.reserve(READ_BUFFER_KEEP + 1));
            with_read_buffer(|b| assert_eq!(b.capacity(), 0));
        })
        .join()
        .unwrap();
    }

    fn copy_tree(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_tree(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    #[test]
    fn relative_paths_agree_with_strip_prefix() {
        for (path, dir) in [
            ("a/app/src/main/x.xml", "a/app"),
            ("./app/pom.xml", "./app"),
            ("./pom.xml", "."),
            ("/abs/app/src/é.yaml", "/abs/app"),
            ("a/app2/x", "a/app"),
            ("a/app//x", "a/app"),
            ("a/app/./x", "a/app"),
            ("a/app", "a/app"),
        ] {
            let (path, dir) = (Path::new(path), Path::new(dir));
            let slow = path.strip_prefix(dir).ok().map(discover::display_path);
            assert_eq!(relative_to(path, dir), slow, "{path:?} in {dir:?}");
        }
    }

    #[test]
    fn dockerfiles_by_name() {
        for name in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.prod",
            "api.Dockerfile",
            "Containerfile",
        ] {
            assert!(is_dockerfile(name), "{name}");
        }
        for name in [
            "Dockerfile-notes.md",
            "docker-compose.yml",
            "my.dockerfiles",
            "Dockerfil",
            "",
        ] {
            assert!(!is_dockerfile(name), "{name}");
        }
    }

    /// Reading in windows of one file gives what reading in one window does,
    /// with an app nested in another (the outer app's files on both sides of
    /// the inner one's), and hands every app to `on_app` once, complete.
    #[test]
    fn windows_do_not_change_what_is_read() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        copy_tree(&fixtures.join("mule4-app"), &root.join("outer"));
        copy_tree(&fixtures.join("mule4-app"), &root.join("outer/nested"));
        std::fs::write(
            root.join("outer/zz-notes.sh"),
            "export SF_PASSWORD=Sup3rS3cret!\n",
        )
        .unwrap();
        copy_tree(&fixtures.join("mule3-app"), &root.join("other"));
        copy_tree(&fixtures.join("monorepo"), &root.join("repo"));
        std::fs::write(root.join("readme.txt"), "nothing here\n").unwrap();
        std::fs::write(root.join("loose.sh"), "export SF_PASSWORD=L00seS3cret!\n").unwrap();

        let paths = vec![root.to_path_buf()];
        let options = ReadOptions::default();
        let seen: Mutex<Vec<(String, usize)>> = Mutex::new(Vec::new());
        let handed: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
        let record = |app: &mut MuleApp, text: &mut Vec<TextFileFacts>, _: &Discovered| {
            let facts = app.xml_files.len() + app.property_files.len();
            seen.lock().unwrap().push((app.name.clone(), facts));
            for t in text.iter() {
                handed
                    .lock()
                    .unwrap()
                    .push((app.root.clone(), t.path.to_string()));
            }
        };
        let whole = read_all(&paths, &options, &record, usize::MAX);
        let whole_seen = std::mem::take(&mut *seen.lock().unwrap());
        let mut windowed = read_all(&paths, &options, &record, 1);
        let windowed_seen = std::mem::take(&mut *seen.lock().unwrap());
        // The two reads may fall in different seconds: the clock is not what
        // was read (this comparison failed once across a second boundary).
        windowed.now_unix = whole.now_unix;

        assert!(whole.apps.len() >= 5, "{:?}", whole_seen);
        assert!(whole.apps.iter().any(|a| a.root.ends_with("outer/nested")));
        assert_eq!(
            serde_json::to_string(&whole).unwrap(),
            serde_json::to_string(&windowed).unwrap()
        );
        let sorted = |mut v: Vec<(String, usize)>| {
            v.sort();
            v
        };
        assert_eq!(whole_seen.len(), whole.apps.len());
        assert_eq!(sorted(whole_seen), sorted(windowed_seen));

        // Each app's text facts were handed with it, and only its own (not
        // its nested app's); files outside any app were not. Every one is in
        // the Inventory afterwards, in the same order whatever the windows.
        let handed = std::mem::take(&mut *handed.lock().unwrap());
        for (root, path) in &handed {
            assert!(
                path.starts_with(&format!("{root}/")),
                "{path} handed with {root}"
            );
            let nested = whole
                .apps
                .iter()
                .any(|a| a.root.len() > root.len() && path.starts_with(&format!("{}/", a.root)));
            assert!(!nested, "{path} belongs to an app nested in {root}");
        }
        assert!(handed
            .iter()
            .any(|(root, path)| root.ends_with("/outer") && path.ends_with("outer/zz-notes.sh")));
        let in_inventory: Vec<&str> = whole.text_files.iter().map(|t| t.path.as_str()).collect();
        for (_, path) in &handed {
            assert!(in_inventory.contains(&path.as_str()), "{path} lost");
        }
        let loose = root.join("loose.sh").to_string_lossy().replace('\\', "/");
        assert!(in_inventory.contains(&loose.as_str()), "{in_inventory:?}");
        assert!(!handed.iter().any(|(_, path)| *path == loose));
    }
}
