//! intguard's readers: from paths on disk to an [`Inventory`].
//!
//! ```text
//! paths -> discover (parallel walk, app roots) -> read each file once (rayon)
//!       -> Mule XML / property files / descriptors / any-text facts -> Inventory
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
//! - Every file is read once, in parallel: Mule XML (`mule::xml`), property
//!   files (`properties`), descriptors (`mule::descriptor`), keystores and
//!   PEM keys, and the any-text scan (`text`: tokens, PEM blocks, `-D` and
//!   other definitions, `intguard-ignore` comments).
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
//!   `symlink-loop`, and the metadata reader's `metadata-root`,
//!   `metadata-value`, `metadata-project`.
//!
//! Set `INTGUARD_READERS_TIMING=1` to print the walk and read times to stderr.

mod certificates;
mod discover;
mod metadata;
mod mule;
mod position;
mod properties;
mod text;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use intguard_model::{
    CertificateFacts, Diagnostic, InlineSuppression, Inventory, KeyMaterial, KeyMaterialKind,
    Location, PropertyFile, PropertyFormat, TextFileFacts,
};
use rayon::prelude::*;

use discover::WalkedFile;
use mule::xml::{read_mule_xml, MuleXmlFacts};
use mule::{AppParts, AppRoot, DirDescriptors, PropertyCandidate};
use position::LineIndex;
use text::{AssignmentStyle, TextKind};

/// How to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Files larger than this are skipped with a `too-large` diagnostic.
    pub max_file_size: u64,
    /// Gitignore-style globs relative to each root (from the config file),
    /// e.g. `**/src/test/**`.
    pub ignore_globs: Vec<String>,
    /// Worker threads for walking and reading; 0 = all cores.
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
    match rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
    {
        Ok(pool) => pool.install(|| read_all(paths, options)),
        Err(_) => read_all(paths, options),
    }
}

const DESCRIPTOR_NAMES: &[&str] = &["mule-artifact.json", "pom.xml", "mule-project.xml"];

fn read_all(paths: &[PathBuf], options: &ReadOptions) -> Inventory {
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
    let mut cache: HashMap<PathBuf, Vec<u8>> = HashMap::new();
    for (path, name, bytes) in read_descriptors {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let entry = dirs.entry(dir).or_default();
        match name.as_str() {
            "mule-artifact.json" => entry.mule_artifact_json = true,
            "pom.xml" => {
                if let Some(b) = &bytes {
                    entry.pom = Some(mule::descriptor::pom_info(&String::from_utf8_lossy(b)));
                }
            }
            _ => {
                if let Some(b) = &bytes {
                    entry.mule_project_name = Some(mule::descriptor::mule_project_name(
                        &String::from_utf8_lossy(b),
                    ));
                }
            }
        }
        if let Some(b) = bytes {
            cache.insert(path, b);
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
                    f.display.clone(),
                    String::from_utf8_lossy(&bytes).into_owned(),
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

    let app_index: HashMap<&Path, usize> = apps
        .iter()
        .enumerate()
        .map(|(i, a)| (a.dir.as_path(), i))
        .collect();

    // One pass over every file, in parallel; results keep the walk's order.
    // Each worker reads into one reused buffer: a fresh allocation per file
    // costs page faults that rival the reading itself.
    let outputs: Vec<FileOutput> = walk
        .files
        .par_iter()
        .map_init(Vec::new, |buf, f| {
            let app = f
                .path
                .ancestors()
                .skip(1)
                .find_map(|a| app_index.get(a).copied());
            let cached = cache.get(&f.path).map(Vec::as_slice);
            let input = FileInput {
                cached,
                buf,
                mdapi_roots: &mdapi_roots,
            };
            process_file(f, app.map(|i| (i, &apps[i])), input, options)
        })
        .collect();
    drop(cache);
    let t_files = t0.elapsed();

    let mut parts: Vec<AppParts> = apps.iter().map(|_| AppParts::default()).collect();
    let mut md_items = Vec::new();
    let mut locked_pkcs12: Vec<(String, PathBuf)> = Vec::new();
    for out in outputs {
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
        if let Some(t) = out.text {
            inventory.text_files.push(*t);
        }
        if let Some(k) = out.key_material {
            inventory.key_material.push(k);
        }
        if let Some(m) = out.metadata {
            md_items.push(*m);
        }
        let Some(i) = out.app else {
            continue;
        };
        let part = &mut parts[i];
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
    }
    inventory.apps = apps
        .iter()
        .zip(parts)
        .map(|(root, parts)| mule::assemble(root, parts))
        .collect();
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

/// The file's bytes, or None when it cannot be read or is over `max` bytes.
fn read_limited(path: &Path, max: u64) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    read_into(path, max, &mut buf).ok().map(|()| buf)
}

fn keystore_kind(ext: &str) -> Option<KeyMaterialKind> {
    match ext {
        "jks" => Some(KeyMaterialKind::Jks),
        "p12" | "pfx" => Some(KeyMaterialKind::Pkcs12),
        "keystore" | "bcfks" => Some(KeyMaterialKind::Keystore),
        _ => None,
    }
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
        display: f.display.clone(),
        ..FileOutput::default()
    };
    let display = f.display.as_str();
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

    let text: Cow<'_, str> = match std::str::from_utf8(bytes) {
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

    // The file's role in its app.
    let mut assignments = if name == "pom.xml" {
        AssignmentStyle::Pom
    } else if is_shell_like(&name, &ext) {
        AssignmentStyle::Shell
    } else {
        AssignmentStyle::Generic
    };
    if let Some((_, root)) = app {
        let rel = f
            .path
            .strip_prefix(&root.dir)
            .map(discover::display_path)
            .unwrap_or_default();
        let mule3 = root.runtime == intguard_model::MuleRuntime::Mule3;
        if ext == "xml" && rel != "pom.xml" && rel != "mule-project.xml" {
            let expect = under_any(
                &rel,
                &["src/main/mule/", "src/main/app/", "src/test/munit/"],
            );
            if expect || memchr::memmem::find(bytes, b"<mule").is_some() {
                let mut facts = read_mule_xml(text, display, expect);
                out.diagnostics.append(&mut facts.diagnostics);
                if facts.is_mule {
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
                let (format, entries) = if ext == "properties" {
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
                    },
                }));
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
    let (mut facts, suppressions) = text::scan(
        text,
        display,
        TextKind {
            assignments,
            xml: xml_like,
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
    if !facts.private_keys.is_empty()
        && (PEM_EXTENSIONS.contains(&ext.as_str()) || text.trim_start().starts_with("-----BEGIN"))
    {
        out.key_material = Some(KeyMaterial {
            kind: KeyMaterialKind::PemPrivateKey,
            location: Location::file(display),
            encrypted: Some(facts.private_keys.iter().all(|k| k.encrypted)),
            size: bytes.len() as u64,
        });
    }
    if (PEM_EXTENSIONS.contains(&ext.as_str()) || text.trim_start().starts_with("-----BEGIN"))
        && memchr::memmem::find(bytes, b"CERTIFICATE-----").is_some()
    {
        out.certificates = certificates::from_pem(text, display);
    }
    if !(facts.tokens.is_empty() && facts.private_keys.is_empty() && facts.assignments.is_empty()) {
        out.text = Some(Box::new(facts));
    }
    out
}
