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
//! - Every file is read once, in parallel, in windows of the (sorted) walk
//!   (`pass`; one file's stages in `file`, its bytes in `io`, key files told
//!   by content in `key_files`):
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
//!   `utf16-properties` (a `.properties` file saved as UTF-16: read, but
//!   Mule would not find its keys), `latin1-properties` (a `.properties`
//!   file that is not UTF-8: read as ISO-8859-1, as Java reads it),
//!   `xml-syntax`, `yaml-syntax`, `yaml-duplicate-key` (a mapping key written
//!   twice: the first value is not read), `properties-syntax`, `json-syntax`,
//!   `symlink-loop`, `symlink-outside`, `symlink-folder`, `ignored-repository` (a
//!   git repository nested in a folder `.gitignore` ignores, holding a Mule app
//!   or a Salesforce project: not walked), and the metadata reader's `metadata-root`,
//!   `metadata-value`, `metadata-project`, `metadata-duplicate`.
//!
//! Set `INTGUARD_READERS_TIMING=1` to print the walk and read times to stderr.

mod certificates;
mod cut;
mod discover;
mod ignored_repositories;
pub use certificates::keystore_passwords;
pub use discover::check_ignore_glob;
mod file;
mod gitignores;
mod io;
pub use io::{decode_latin1, decode_utf16_with_bom};
mod key_files;
mod metadata;
mod mule;
mod own_report;
mod pass;
mod path_name;
mod pgp;
mod position;
mod properties;
mod repository_exclude;
mod text;
mod walked_files;
pub use key_files::der_private_key;
pub use properties::java_properties::unescape_value as unescape_properties_value;
pub use properties::value_parts::value_parts_to_mask as properties_value_parts;
pub use text::looks_like_pem_body;

/// Whether `text` is one of intguard's own outputs (a report in any format,
/// a baseline), which a scan does not audit and a new report may replace.
pub fn is_intguard_output(text: &str) -> bool {
    own_report::kind(text).is_some()
}

use std::path::{Path, PathBuf};

use intguard_model::{Inventory, MuleApp, TextFileFacts};

use io::{lossy_text, read_limited};
pub(crate) use pass::WalkedText;

/// How to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Files larger than this are skipped with a `too-large` diagnostic,
    /// but for binary files (a NUL in their first 8 KiB) other than keys and
    /// structured files: only their start is ever read.
    pub max_file_size: u64,
    /// Gitignore-style globs relative to each root (from the config file),
    /// e.g. `**/src/test/**`.
    pub ignore_globs: Vec<String>,
    /// The folder the globs are relative to instead, canonical, when the
    /// config was found above the roots: each root under it takes the
    /// globs as they apply below it (`orders-sapi/sandbox/**` is
    /// `/sandbox/**` for the root `orders-sapi`).
    pub ignore_base: Option<std::path::PathBuf>,
    /// Worker threads for walking and reading; 0 = the rayon pool the caller
    /// runs in (all cores unless it installed another).
    pub threads: usize,
    /// Follow symbolic links (loops become `symlink-loop` diagnostics).
    pub follow_symlinks: bool,
    /// Files the user named, read with the app folder they lie in (a root
    /// of the walk): read even when a `.gitignore` matches them, as a file
    /// given as a root itself is (ripgrep's rule: what is named is
    /// searched). The config's `paths.ignore` and the skipped folders
    /// (`target/`, ...) still apply, with a note.
    pub named_files: Vec<std::path::PathBuf>,
    /// The config a scan applies, to say of each other `intguard.toml` it
    /// walks that its settings do not apply (`config-not-used`):
    /// `Some(Some(file))` (canonical, and how to show it), `Some(None)`
    /// when the scan has none; `None` says nothing.
    pub config_in_use: Option<Option<(std::path::PathBuf, String)>>,
    /// Leave out the fields each Salesforce create, update and upsert sets
    /// (the keys of the DataWeave building its records) when the walk finds
    /// no profile or permission set ([`Discovered::object_access_metadata`]):
    /// for a caller that then drops the apps' operations, as a scan of
    /// paths alone does, since nothing could compare them with a
    /// permission. Reading them was 7% of a Mule monorepo's instructions.
    pub written_fields_need_object_access: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_file_size: 32 * 1024 * 1024,
            ignore_globs: Vec::new(),
            ignore_base: None,
            threads: 0,
            follow_symlinks: false,
            named_files: Vec::new(),
            config_in_use: None,
            written_fields_need_object_access: false,
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
    let read = || pass::read_all(paths, options, on_app, pass::FILE_WINDOW);
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

/// The Mule app a path lies inside, when the path is not itself an app's
/// folder: the nearest enclosing folder with `mule-artifact.json`,
/// `mule-project.xml` or a pom with packaging `mule-application`,
/// `mule-plugin`, `mule` or `mule-domain` (the same test as discovery's, [`mule::app_roots`]). A file or folder given alone is read without its
/// app's connections and properties otherwise, and looks clean.
pub fn enclosing_app_root(path: &Path) -> Option<PathBuf> {
    enclosing(path, is_app_root)
}

/// The nearest folder holding `path` (canonical) that `is_root` takes, when
/// `path` is not such a folder itself.
fn enclosing(path: &Path, is_root: fn(&Path) -> bool) -> Option<PathBuf> {
    let path = std::fs::canonicalize(path).ok()?;
    if path.is_dir() && is_root(&path) {
        return None;
    }
    path.parent()?
        .ancestors()
        .find(|dir| is_root(dir))
        .map(Path::to_path_buf)
}

/// The Salesforce metadata project a path lies inside, when it is not the
/// project's folder itself: the nearest enclosing folder with an SFDX
/// `sfdx-project.json`, or a Metadata API `package.xml`. A profile or
/// permission set given alone is read without the user definitions that
/// say who holds it, and looks clean.
pub fn enclosing_metadata_project(path: &Path) -> Option<PathBuf> {
    enclosing(path, is_metadata_project_root)
}

fn is_metadata_project_root(dir: &Path) -> bool {
    dir.join("sfdx-project.json").is_file()
        || read_limited(&dir.join("package.xml"), 1 << 20)
            .is_some_and(|x| memchr::memmem::find(&x, b"<Package").is_some())
}

pub(crate) fn is_app_root(dir: &Path) -> bool {
    if dir.join("mule-artifact.json").is_file() || dir.join("mule-project.xml").is_file() {
        return true;
    }
    read_limited(&dir.join("pom.xml"), 1 << 20)
        .is_some_and(|pom| mule::descriptor::pom_info(&lossy_text(&pom)).is_read_as_app())
}
