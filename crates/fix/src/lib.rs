//! `intguard fix`: moves plaintext secrets of Mule apps into encrypted secure properties,
//! and re-encrypts secure properties under a new key, with strong settings when asked
//! (`--upgrade-encryption`: [`plan_rotation`]); switches Salesforce password connections
//! to the JWT bearer flow, `salesforce:jwt-connection` ([`plan_jwt`]); derives
//! least-privilege permission sets for integration users from what their apps do
//! ([`plan_permission_sets`]).
//!
//! Planning reads nothing but the [`Inventory`], the IG102 findings and the files they
//! name; it returns a [`Plan`]: the new text of every file to change, built by minimal
//! byte-range edits of the original text (no YAML, XML or JSON is ever re-serialized, so
//! untouched lines, comments, ordering and indentation stay byte-identical). A plan is
//! shown with [`Plan::diff`] (secrets masked) or written with [`Plan::apply`] (atomically,
//! per file: temporary file in the same folder, permissions kept, rename).
//!
//! # What `fix secrets` does with each IG102 finding
//! - A clear value in a secure-properties file: encrypted in place (`"![...]"`, quoted in
//!   YAML) with the algorithm, mode and IV setting of the configuration that loads it.
//! - A clear value in another property file: the property (every loaded, non-test
//!   definition of that name, so that every environment keeps resolving it) is removed
//!   from its file and added, encrypted, to the app's secure-properties file of each
//!   environment; Mule 4 references `${name}` / `p('name')` become `${secure::name}` /
//!   `p('secure::name')` in the app's XML (Mule 3 placeholders decrypt transparently and
//!   stay). YAML parents left without content are removed; a parent that still holds a key
//!   or a comment stays.
//! - A literal secret in an XML attribute: becomes a new property (`sfdc.password` for a
//!   Salesforce connection, `<config name>.<attribute>` otherwise, made unique), read as
//!   `${secure::...}` (Mule 4) or `${...}` (Mule 3).
//! - An app without a secure-properties configuration gets one (Mule 4:
//!   `<secure-properties:config key="${encryption.key}">` with AES/CBC and random IVs, or
//!   the algorithm and mode asked for; Mule 3: `<secure-property-placeholder:config>`),
//!   inserted in the XML file that loads the app's properties, with its namespace.
//! - A credential an HTTP request sends, written in clear (a header, query parameter or body
//!   field): becomes a new property named as IG102's fix names it (`<config or flow>.<name>`),
//!   read as `${secure::...}` from a key/value element's `value` (Mule 3: `${...}`) or as
//!   `p('secure::...')` from a DataWeave string; a `name=value` pair of a form-encoded string
//!   is cut out of it (`"...&password=" ++ p('secure::...') ++ "&..."`; Mule 3: `${...}` inside
//!   the string), and one of a literal `set-payload` value reads a placeholder.
//! - Mule 4: the moved names and the key property are added to mule-artifact.json
//!   `secureProperties`.
//!
//! Findings the fix cannot handle safely (global properties, form pairs in a string that
//! spans lines, `<http:body>` text written literally, DataWeave strings with escapes, Mule 3
//! DataWeave fields, scripts, test sources, files no configuration loads, multi-line values,
//! conflicting definitions, a configuration whose settings are themselves placeholders ...)
//! are left as they are and listed in [`Plan::skipped`].

#![forbid(unsafe_code)]

mod cipher_settings;
mod git;
mod json;
mod jwt;
mod line_diff;
mod permissions;
mod props;
mod rotate;
mod secrets;
mod text;
mod xml;
mod yaml;

use std::collections::HashSet;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use git::dirty_files;
pub use jwt::{check_property_name, plan_jwt, verify_jwt, JwtOptions, JwtPlan, Switched};
pub use permissions::{
    default_name, is_inside, is_valid_name, permission_set_folder, plan_permission_sets,
    EditedField, LeastPrivilegeSet, LeftOut, ObjectGrantPlan, PermissionsOptions, PermissionsPlan,
    UnreadWritePlan, NOT_DERIVED_WITHOUT_APPS,
};
pub use rotate::plan_rotation;
pub use secrets::{plan_secrets, SecretsOptions};

use intguard_model::path_text::display_path;
use intguard_model::secret::Redactor;
use intguard_model::Inventory;

/// Checks a written fix as Mule will read it: every moved value is, in a re-read
/// inventory, an `![...]` value of its target file that decrypts with `key` and the
/// cipher of the configuration loading that file. Returns what does not (no values).
pub fn verify(inventory: &Inventory, moved: &[Moved], key: &[u8]) -> Vec<String> {
    let mut problems = Vec::new();
    for m in moved {
        let target = display_path(&m.target);
        let found = inventory.apps.iter().find_map(|app| {
            app.property_files
                .iter()
                .find(|f| f.path == target)
                .map(|f| (app, f))
        });
        let Some((app, file)) = found else {
            problems.push(format!("{target}: not found"));
            continue;
        };
        let Some(entry) = file.entries.iter().find(|e| e.key() == m.name) else {
            problems.push(format!("{target}: `{}` not found", m.name));
            continue;
        };
        let Some(b64) = entry.encrypted_payload() else {
            problems.push(format!("{target}: `{}` is not encrypted", m.name));
            continue;
        };
        let ciphers = match secrets::config_for_file(app, file)
            .map(|c| secrets::file_ciphers(app, c, file))
        {
            Some(Ok(c)) => c,
            _ => {
                problems.push(format!("{target}: no configuration reads it"));
                continue;
            }
        };
        if !ciphers
            .iter()
            .any(|(_, c)| secrets::decrypt_plausible(c, key, b64).is_some())
        {
            problems.push(format!("{target}: `{}` does not decrypt", m.name));
        }
    }
    problems
}

/// A property's value, compared by its text; wiped when dropped, never printed.
#[derive(PartialEq, Eq)]
struct Value(zeroize::Zeroizing<String>);

/// What `name` reads in environment `env` of `app`: its definition in the
/// plain files Mule looks it up in, else in the secure ones (a moved
/// property is read as `secure::name`), an encrypted value decrypted with
/// `key` where the configuration reading its file opens it (else as
/// written: text to Mule, or a value under another key). `None`: undefined.
fn read_value(
    app: &intguard_model::MuleApp,
    name: &str,
    env: Option<&str>,
    key: &[u8],
) -> Option<Value> {
    use intguard_model::PropertySource;
    let source = app
        .lookup(name, false, env)
        .or_else(|| app.lookup(name, true, env))?;
    let decrypted = match source {
        PropertySource::File { file, entry } if file.secure => {
            entry.encrypted_payload().and_then(|b64| {
                let c = secrets::config_for_file(app, file)?;
                let ciphers = secrets::file_ciphers(app, c, file).ok()?;
                ciphers
                    .iter()
                    .find_map(|(_, c)| secrets::decrypt_plausible(c, key, b64))
            })
        }
        _ => None,
    };
    Some(Value(decrypted.unwrap_or_else(|| {
        zeroize::Zeroizing::new(source.raw_value().to_string())
    })))
}

/// Checks a written fix as a whole, against the inventory read before it:
/// every file it changed still reads without a new error (a YAML, XML or
/// `.properties` syntax error), and every property each app defined before
/// still has, in each environment, the same values (encrypted ones compared
/// once decrypted: `old_key` before, `new_key` after), wherever the fix moved
/// it. Returns what differs, naming properties and files, never values.
pub fn verify_unchanged(
    before: &Inventory,
    after: &Inventory,
    changed: &[&Path],
    old_key: &[u8],
    new_key: &[u8],
) -> Vec<String> {
    use intguard_model::DiagnosticLevel;
    let mut problems = Vec::new();
    let errors = |inv: &Inventory, path: &str| {
        inv.diagnostics
            .iter()
            .filter(|d| d.level == DiagnosticLevel::Error && d.path == path)
            .count()
    };
    for path in changed {
        let path = display_path(path);
        if errors(after, &path) > errors(before, &path) {
            let what = after
                .diagnostics
                .iter()
                .rfind(|d| d.level == DiagnosticLevel::Error && d.path == path)
                .map(|d| d.message.as_str())
                .unwrap_or("");
            problems.push(format!("{path} no longer reads: {what}"));
        }
    }
    for app in &before.apps {
        let Some(now) = after.apps.iter().find(|a| a.root == app.root) else {
            problems.push(format!("{}: the app is no longer found", app.name));
            continue;
        };
        let envs = app.resolution_environments();
        let names: std::collections::BTreeSet<&str> = app
            .property_files
            .iter()
            .filter(|f| f.loaded)
            .flat_map(|f| f.entries.iter().map(|e| e.key()))
            .collect();
        for env in &envs {
            for name in &names {
                let was = read_value(app, name, *env, old_key);
                if was.is_some() && read_value(now, name, *env, new_key) != was {
                    problems.push(format!(
                        "{}: `{name}`{} no longer reads as before",
                        app.name,
                        env.map(|e| format!(" ({e})")).unwrap_or_default()
                    ));
                }
            }
        }
    }
    problems
}

/// A fatal problem: nothing is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixError(pub String);

impl fmt::Display for FixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FixError {}

/// The file an inventory's path names. Paths are display paths (a file
/// name that is not UTF-8 has each such byte spelt `\xHH`): opened as
/// written, such a name is another file, not found, and written it is a
/// new file beside the one meant.
pub(crate) fn file_at(display: &str) -> PathBuf {
    intguard_model::path_text::path_of_display(display).into_owned()
}

/// Why the text of the file at `path` could not be read for `command`
/// (`read_to_string`'s error `e`). A file that is not UTF-8 is refused,
/// nothing written: one saved as UTF-16 (Windows PowerShell 5's `Out-File`
/// and `>`) is read by no Mule; one saved as ISO-8859-1 or Windows-1252 (as
/// Java reads a `.properties` file) is read by the scan, but written back
/// as UTF-8 its other accented values would change, and which of the two
/// encodings Mule reads it in (Mule 4: UTF-8 unless `<configuration-properties
/// encoding>` says otherwise) decides what its secrets are.
pub(crate) fn unreadable_text(path: &str, command: &str, e: &std::io::Error) -> FixError {
    if e.kind() != std::io::ErrorKind::InvalidData {
        return FixError(format!("{path}: {e}"));
    }
    if starts_with_utf16_bom(path) {
        return FixError(format!(
            "{path}: saved as UTF-16 (what Windows PowerShell 5's Out-File and > write), which {command} does not edit; Mule reads property files as UTF-8: save it as UTF-8 and run {command} again. Nothing was changed"
        ));
    }
    FixError(format!(
        "{path}: not valid UTF-8 (saved as ISO-8859-1 or Windows-1252, as a Java .properties file may be), which {command} does not edit: rewritten as UTF-8 its other accented characters would change, and the encoding Mule reads it in decides what its secrets are. Save it as UTF-8 (iconv -f WINDOWS-1252 -t UTF-8), check that its values read as intended, and run {command} again. Nothing was changed"
    ))
}

/// Whether the file at `path` starts with a UTF-16 byte order mark.
fn starts_with_utf16_bom(path: &str) -> bool {
    use std::io::Read;
    let mut head = [0u8; 2];
    std::fs::File::open(file_at(path))
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| matches!(head, [0xFF, 0xFE] | [0xFE, 0xFF]))
}

/// One file to create or change.
#[derive(Clone)]
pub struct FileChange {
    /// Path on disk (as the inventory names it).
    pub path: PathBuf,
    /// The current text; `None` for a file to create.
    pub original: Option<String>,
    /// The current text with every secret replaced by its mask, for diffs.
    pub masked_original: Option<String>,
    /// The new text.
    pub new: String,
}

impl fmt::Debug for FileChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the original: it holds secrets.
        f.debug_struct("FileChange")
            .field("path", &self.path)
            .field("new_file", &self.original.is_none())
            .finish()
    }
}

/// A secret moved or encrypted by the plan: where its encrypted value now is, for
/// checking the result. Holds no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// The property name.
    pub name: String,
    /// The file that holds the encrypted value.
    pub target: PathBuf,
}

/// What a plan's output is masked with: every secret the scan masks (the
/// inventory's known secrets) and the keys the command was given. Its
/// `Debug` shows none of them.
#[derive(Clone, Default)]
pub struct Masking {
    redactor: Redactor,
    /// Property keys whose value is one of the secrets (whatever their
    /// name): the continued lines of their values are masked whole.
    secret_keys: HashSet<String>,
}

impl Masking {
    /// The inventory's secrets, as the scan's redactor masks them, and `keys`.
    pub fn new(inventory: &Inventory, keys: &[&[u8]]) -> Self {
        let mut secrets = inventory.known_secrets();
        let known: HashSet<&str> = secrets.iter().map(String::as_str).collect();
        let secret_keys = inventory
            .apps
            .iter()
            .flat_map(|app| &app.property_files)
            .flat_map(|f| &f.entries)
            .filter(|e| known.contains(e.value()))
            .map(|e| e.key().to_string())
            .collect();
        secrets.extend(keys.iter().map(|k| String::from_utf8_lossy(k).into_owned()));
        Masking {
            redactor: Redactor::new(secrets),
            secret_keys,
        }
    }

    /// `text` with every secret masked.
    pub fn text(&self, text: &str) -> String {
        self.redactor.redact(text)
    }

    /// The lines of a file (endings included) as a diff shows them.
    fn lines<'a>(&self, path: &str, lines: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        intguard_engine::mask_lines(path, lines, &self.redactor, &|key| {
            self.secret_keys.contains(key)
        })
    }
}

impl fmt::Debug for Masking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Masking(..)")
    }
}

/// Everything a fix would do.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to change, in path order.
    pub changes: Vec<FileChange>,
    /// What is done, one line each (names and files, never values).
    pub actions: Vec<String>,
    /// Findings or values left alone, and why.
    pub skipped: Vec<String>,
    /// Every value written encrypted.
    pub moved: Vec<Moved>,
    /// What every line [`Plan::diff`] and [`Plan::redact`] show is masked with.
    pub masking: Masking,
    /// The folders [`Plan::apply`] created for new files (empty before it
    /// runs): [`Plan::restore`] removes them, when still empty.
    pub created_dirs: std::sync::Mutex<Vec<PathBuf>>,
    /// Fixed placeholder texts the command itself writes as values (no secret:
    /// `<keystore password>`), which [`Plan::diff`] shows as they are on a line
    /// it adds whose rest masks nothing, though under a secret's name.
    pub shown_placeholders: Vec<&'static str>,
}

impl Plan {
    /// Nothing to change.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The paths the plan writes.
    pub fn paths(&self) -> Vec<&Path> {
        self.changes.iter().map(|c| c.path.as_path()).collect()
    }

    /// A unified diff of every change. Every line it shows (removed, added and
    /// context) has its secrets masked (`Ti…(10)`) with [`Plan::masking`], as a
    /// scan's snippets are: the known secrets, the keys, values assigned to
    /// secret names and the continued lines of a `.properties` secret.
    pub fn diff(&self) -> String {
        use similar::{ChangeTag, DiffableStr};
        let mut out = String::new();
        for c in &self.changes {
            let old = c.masked_original.as_deref().unwrap_or("");
            let path = display_path(&c.path);
            let old_header = if c.original.is_some() {
                format!("a/{path}")
            } else {
                "/dev/null".to_string()
            };
            let old_slices = old.tokenize_lines();
            let new_slices = c.new.as_str().tokenize_lines();
            let ops = line_diff::line_ops(&old_slices, &new_slices);
            let old_lines = self.masking.lines(&path, old_slices.iter().copied());
            let new_lines = self.masking.lines(&path, new_slices.iter().copied());
            let mut header = Some((old_header, format!("b/{path}")));
            for hunk in similar::group_diff_ops(ops, 3) {
                if hunk.is_empty() {
                    continue;
                }
                if let Some((a, b)) = header.take() {
                    out.push_str(&format!("--- {a}\n+++ {b}\n"));
                }
                out.push_str(&format!(
                    "{}\n",
                    similar::udiff::UnifiedHunkHeader::new(&hunk)
                ));
                let changes = hunk
                    .iter()
                    .flat_map(|op| op.iter_changes(&old_slices[..], &new_slices[..]));
                for change in changes {
                    let shown;
                    let line = match change.tag() {
                        ChangeTag::Insert => {
                            let raw = change.value();
                            shown = self.placeholder_line(&path, raw).then(|| raw.to_string());
                            shown
                                .as_ref()
                                .or_else(|| change.new_index().and_then(|i| new_lines.get(i)))
                        }
                        ChangeTag::Delete | ChangeTag::Equal => {
                            change.old_index().and_then(|i| old_lines.get(i))
                        }
                    };
                    out.push_str(&format!(
                        "{}{}",
                        change.tag(),
                        line.map_or("", String::as_str)
                    ));
                    // Lines keep their line ends: only a last line without
                    // one needs more.
                    if change.missing_newline() {
                        out.push_str("\n\\ No newline at end of file\n");
                    }
                }
            }
        }
        out
    }

    /// Whether an added line may be shown as it is: it holds one of
    /// [`Plan::shown_placeholders`] (which nothing masks), and without them it
    /// masks nothing (no other value, no known secret around them).
    fn placeholder_line(&self, path: &str, raw: &str) -> bool {
        let present: Vec<&str> = self
            .shown_placeholders
            .iter()
            .copied()
            .filter(|p| raw.contains(p) && self.masking.text(p) == *p)
            .collect();
        if present.is_empty() {
            return false;
        }
        let mut rest = raw.to_string();
        for p in present {
            rest = rest.replace(p, "");
        }
        self.masking.lines(path, [rest.as_str()]) == [rest.as_str()]
            && self.masking.text(raw) == raw
    }

    /// A line to print about the plan (an action, a value left as is) with
    /// every secret of [`Plan::masking`] masked.
    pub fn redact(&self, line: &str) -> String {
        self.masking.text(line)
    }

    /// Writes every change atomically (per file): a temporary file in the same folder,
    /// the original's permissions, then a rename. Folders of new files are created.
    /// Every temporary file is written before the first rename, so a folder that cannot
    /// be written leaves every file as it was, not an app half fixed (its references
    /// reading `secure::` names that no secure file holds yet).
    pub fn apply(&self) -> std::io::Result<()> {
        // The rename would replace a link with a file of its own, leaving
        // the file it leads to (maybe shared) as it was.
        if let Some(link) = self
            .changes
            .iter()
            .find(|c| std::fs::symlink_metadata(&c.path).is_ok_and(|m| m.file_type().is_symlink()))
        {
            return Err(std::io::Error::other(format!(
                "{} is a symbolic link, which is not written through: nothing was written",
                display_path(&link.path)
            )));
        }
        let staged = self
            .changes
            .iter()
            .map(|c| {
                let created = create_parent_dirs(&c.path)?;
                self.created_dirs().extend(created);
                stage(&c.path, &c.new)
            })
            .collect::<std::io::Result<Vec<_>>>();
        let staged = match staged {
            Ok(staged) => staged,
            Err(e) => {
                // Nothing was renamed into place: the folders made for it go.
                remove_empty_dirs(&std::mem::take(&mut *self.created_dirs()));
                return Err(e);
            }
        };
        for (tmp, c) in staged.into_iter().zip(&self.changes) {
            tmp.persist(&c.path).map_err(|e| e.error)?;
        }
        Ok(())
    }

    fn created_dirs(&self) -> std::sync::MutexGuard<'_, Vec<PathBuf>> {
        self.created_dirs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Plan {
    /// Puts back every file [`Plan::apply`] wrote: the original text of each
    /// changed file, and no file where it created one, nor a folder it
    /// created for one (when nothing else was put in it since). Returns the
    /// files it could not restore, with why.
    pub fn restore(&self) -> Vec<String> {
        let mut failed = Vec::new();
        for c in &self.changes {
            let done = match &c.original {
                Some(text) => write_atomic(&c.path, text),
                None => match std::fs::remove_file(&c.path) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                    r => r,
                },
            };
            if let Err(e) = done {
                failed.push(format!("{}: {e}", display_path(&c.path)));
            }
        }
        remove_empty_dirs(&std::mem::take(&mut *self.created_dirs()));
        failed
    }
}

/// Creates the folders `path` lies in that do not exist, and returns them,
/// deepest first.
fn create_parent_dirs(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
        if std::fs::symlink_metadata(d).is_ok() {
            break;
        }
        missing.push(d.to_path_buf());
        dir = d.parent();
    }
    if let Some(deepest) = missing.first() {
        std::fs::create_dir_all(deepest)?;
    }
    Ok(missing)
}

/// Removes each folder of `dirs` that is empty, deepest first; one that is
/// not (something else was written there since) stays, and so do the
/// folders holding it.
fn remove_empty_dirs(dirs: &[PathBuf]) {
    let mut dirs: Vec<&PathBuf> = dirs.iter().collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        // `remove_dir` removes only an empty folder.
        let _ = std::fs::remove_dir(d);
    }
}

pub(crate) fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    stage(path, text)?.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// `text` in a temporary file next to `path`, with `path`'s permissions (or the usual
/// mode of a new file), closed (a plan may change many files), ready to be renamed
/// over it; deleted if dropped.
fn stage(path: &Path, text: &str) -> std::io::Result<tempfile::TempPath> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
    let mut tmp = tempfile::Builder::new()
        .prefix(".intguard-fix-")
        .tempfile_in(&dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Some(p) = permissions {
        std::fs::set_permissions(tmp.path(), p)?;
    } else {
        // A new file: the usual umask'd mode rather than the temp file's 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))?;
        }
    }
    Ok(tmp.into_temp_path())
}

/// Draws for the tests' random inputs: a number below `n` each call, the
/// same sequence for the same seed (xorshift).
#[cfg(test)]
pub(crate) fn test_draws(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_lines() {
        let plan = Plan {
            shown_placeholders: vec!["<keystore password>"],
            ..Plan::default()
        };
        let shown = |l: &str| plan.placeholder_line("a/dev.yaml", l);
        assert!(shown("    password: \"<keystore password>\"\n"));
        assert!(shown("sf.keystore.password=<keystore password>\n"));
        // Another value around it, or no placeholder: masked as usual.
        assert!(!shown("    password: \"x<keystore password>Tiger2024\"\n"));
        assert!(!shown("    password: \"Tiger2024\"\n"));
        let none = Plan::default();
        assert!(!none.placeholder_line("a/dev.yaml", "password: \"<keystore password>\"\n"));
    }
}
