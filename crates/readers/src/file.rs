//! One file read: its bytes, what kind of file it is, and the facts each
//! reader takes from it, gathered in a [`FileOutput`].

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use intguard_model::{
    keys_encrypted, Assignment, CertificateFacts, DeploymentProperty, Diagnostic, DomainLink,
    InlineSuppression, KeyMaterial, KeyMaterialKind, Location, PropertyEntry, PropertyFile,
    PropertyFormat, TextFileFacts,
};

use crate::discover;
use crate::io::{decode_utf16_with_bom, is_binary, read_text_or_whole, ReadError};
use crate::key_files::{
    der_private_key, keystore_kind, putty_key_encrypted, DER_KEY_EXTENSIONS, PEM_EXTENSIONS,
    PGP_BINARY_EXTENSIONS,
};
use crate::mule::xml::{read_mule_xml_with, MuleXmlFacts};
use crate::mule::{self, AppRoot, PropertyCandidate};
use crate::path_name::file_name;
use crate::position::LineIndex;
use crate::text::{self, AssignmentStyle, CommentSyntax, TextKind};
use crate::walked_files::WalkedFile;
use crate::{certificates, metadata, own_report, pgp, properties, ReadOptions};

/// The Spring beans namespace, which a Spring beans file of an app declares
/// (`<beans xmlns="http://www.springframework.org/schema/beans">`).
const SPRING_BEANS_NS: &[u8] = b"springframework.org/schema/beans";

/// What one file contributed. The large parts are boxed: a file has one or
/// two of them, and the outputs of every file are held until assembly.
#[derive(Debug, Default)]
pub(crate) struct FileOutput {
    pub(crate) app: Option<usize>,
    pub(crate) display: String,
    pub(crate) read: bool,
    pub(crate) bytes: u64,
    pub(crate) text: Option<Box<TextFileFacts>>,
    pub(crate) suppressions: Vec<InlineSuppression>,
    pub(crate) key_material: Option<KeyMaterial>,
    pub(crate) certificates: Vec<CertificateFacts>,
    /// A PKCS#12 file whose certificates need a password.
    pub(crate) locked_pkcs12: Option<PathBuf>,
    pub(crate) mule: Option<Box<MuleXmlFacts>>,
    pub(crate) property: Option<Box<PropertyCandidate>>,
    pub(crate) descriptor: Option<Location>,
    pub(crate) declared_secure_properties: Option<Vec<String>>,
    /// The domain the app names in its pom or deploy descriptor.
    pub(crate) domain_link: Option<DomainLink>,
    /// A Mule plugin's pom: its coordinates.
    pub(crate) plugin: Option<intguard_model::PluginCoordinates>,
    /// A pom that says `mule-plugin` (its display path and text, byte
    /// order mark skipped): the plugins it depends on are read when the app
    /// is assembled, should it import a file it does not hold.
    pub(crate) pom_with_plugins: Option<Box<(String, String)>>,
    /// The app's pom, read: whether it says `parent` (a pom that does not
    /// names no parent pom to inherit a domain from, and is not read again
    /// for one when the app is assembled).
    pub(crate) pom_names_parent: Option<bool>,
    /// What the pom's Mule Maven plugin deployments set on the app.
    pub(crate) deployment_properties: Vec<DeploymentProperty>,
    /// A DataWeave script of the app's resources that may build a login
    /// (its path under `src/main/resources/`, its text): a payload an
    /// `<ee:set-payload resource="...">` sets.
    pub(crate) payload_script: Option<Box<(String, String)>>,
    /// A DataWeave script of the app's resources, with the fields of the
    /// records it builds ([`mule::record_fields::RecordScript`]).
    pub(crate) record_script: Option<Box<mule::record_fields::RecordScript>>,
    pub(crate) metadata: Option<Box<metadata::Item>>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

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

/// Where `process_file` reads a file's bytes into, and the metadata roots.
pub(crate) struct FileInput<'a> {
    /// The worker's reusable read buffer.
    pub(crate) buf: &'a mut Vec<u8>,
    pub(crate) mdapi_roots: &'a [PathBuf],
    /// The fields Salesforce writes set are read
    /// ([`ReadOptions::written_fields_need_object_access`]).
    pub(crate) fields_written: bool,
}

/// Reads one file and takes from it what every reader finds there, in
/// stages: its bytes; binary key files; its text; key files and intguard's
/// own reports told by their text; its role in its app (Mule XML, property
/// file, DataWeave script, descriptor); Salesforce metadata; and the scan any
/// text gets (tokens, definitions, key blocks, suppressions).
pub(crate) fn process_file(
    f: &WalkedFile<'_>,
    app: Option<(usize, &AppRoot)>,
    input: FileInput<'_>,
    options: &ReadOptions,
) -> FileOutput {
    let FileInput {
        buf,
        mdapi_roots,
        fields_written,
    } = input;
    // Its display path is asked for at every stage: told once.
    let f = &f.with_display();
    let mut out = FileOutput {
        app: app.map(|(i, _)| i),
        display: f.display().to_string(),
        ..FileOutput::default()
    };
    let name = file_name(f.path)
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_string())
        .unwrap_or_default();
    // Of other binary files only the start is read (it says they are binary).
    // A structured file is read whole: binary content in it, or a size over
    // the limit, is reported.
    let whole_binary = is_binary_key_extension(&ext) || STRUCTURED.contains(&ext.as_str());
    let Some((bytes, size)) = file_bytes(f, buf, options, whole_binary, &mut out.diagnostics)
    else {
        return out;
    };
    out.read = true;
    out.bytes = size;

    if read_binary_key_file(f, &ext, bytes, &mut out) {
        return out;
    }

    // A file saved as UTF-16 (with its byte order mark) is text, every
    // other byte of it NUL: read it as the UTF-8 it decodes to.
    let decoded = decode_utf16_with_bom(bytes);
    if decoded.is_some() && ext == "properties" {
        // What Windows PowerShell 5 writes by default (`Out-File`, `>`):
        // Java's and Mule's loaders read a `.properties` file as ISO-8859-1
        // or UTF-8, every other byte a NUL, so none of its keys is found.
        out.diagnostics.push(
            Diagnostic::warning(
                "utf16-properties",
                f.display(),
                "saved as UTF-16: Mule reads a .properties file as UTF-8 (ISO-8859-1 in Java) unless its <configuration-properties> sets `encoding`, so its properties are not found at runtime; read here as the text it holds: save it as UTF-8",
            )
            .at(1, 1),
        );
    }
    let bytes: &[u8] = decoded.as_deref().map_or(bytes, str::as_bytes);
    // Salesforce metadata is told by its path, before its text is read: a
    // Metadata API file (`src/profiles/X.profile`) is as structured as an
    // XML file, its decoding problems reported.
    let classified = metadata::classify(f.path, mdapi_roots);
    let structured = STRUCTURED.contains(&ext.as_str()) || classified.is_some();
    let Some(text) = file_text(bytes, &ext, structured, f.display(), &mut out.diagnostics) else {
        return out;
    };
    let text: &str = &text;
    if read_text_key_or_report(text, f.display(), &mut out) {
        return out;
    }

    let mut role = TextRole {
        assignments: AssignmentStyle::of_file(&name, &ext),
        script_variables: Vec::new(),
        app_pom: false,
    };
    if let Some((_, root)) = app {
        read_app_file(
            f,
            root,
            (&name, &ext),
            (text, bytes),
            fields_written,
            &mut role,
            &mut out,
        );
    }
    let metadata = read_metadata_file(f, (&name, &ext), (text, bytes), classified, &mut out);
    read_text_facts(text, bytes, &ext, role, metadata, &mut out);
    out
}

/// The file's bytes (read into `buf`; only the start of a binary file
/// unless `whole_binary`) and
/// its size, or `None` with a diagnostic when it is too large or
/// unreadable.
fn file_bytes<'b>(
    f: &WalkedFile<'_>,
    buf: &'b mut Vec<u8>,
    options: &ReadOptions,
    whole_binary: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(&'b [u8], u64)> {
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
    let (size, complete) =
        match read_text_or_whole(f.path, options.max_file_size, buf, whole_binary) {
            Ok(read) => read,
            Err(ReadError::TooLarge(size)) => {
                diagnostics.push(too_large(size));
                return None;
            }
            Err(ReadError::Io(e)) => {
                diagnostics.push(Diagnostic::warning(
                    "unreadable",
                    display,
                    format!("cannot read: {e}"),
                ));
                return None;
            }
        };
    if complete && size > options.max_file_size {
        // It grew between the size check and the read.
        diagnostics.push(too_large(size));
        return None;
    }
    Some((buf.as_slice(), size))
}

/// Binary files whose every byte is read: keystores, DER certificates and
/// keys, OpenPGP keyrings ([`read_binary_key_file`]). Of any other binary
/// file only the start is read, which says it has no text.
fn is_binary_key_extension(ext: &str) -> bool {
    keystore_kind(ext).is_some()
        || certificates::DER_EXTENSIONS.contains(&ext)
        || PGP_BINARY_EXTENSIONS.contains(&ext)
        || DER_KEY_EXTENSIONS.contains(&ext)
}

/// Keystores, DER certificates, binary OpenPGP keyrings and DER private
/// keys, told by extension and content: their facts go to `out`, and `true`
/// says the file is nothing else (no text to read).
fn read_binary_key_file(f: &WalkedFile<'_>, ext: &str, bytes: &[u8], out: &mut FileOutput) -> bool {
    let display = f.display();
    let key_material = |kind, encrypted| KeyMaterial {
        kind,
        location: Location::file(display),
        encrypted,
        keystore_protection: None,
        size: bytes.len() as u64,
        // Its bytes: a keystore or key replaced at the same path (rotated,
        // but committed again) is told apart.
        digest: Some(intguard_model::secret::fingerprint_bytes(bytes)),
    };
    if let Some(kind) = keystore_kind(ext) {
        // An empty file (a placeholder) holds no key.
        if bytes.is_empty() {
            return true;
        }
        out.key_material = Some(KeyMaterial {
            keystore_protection: certificates::keystore_protection(bytes),
            ..key_material(kind, None)
        });
        let (certs, locked) = certificates::from_keystore(bytes, display);
        out.certificates = certs;
        if locked {
            out.locked_pkcs12 = Some(f.path.to_path_buf());
        }
        return true;
    }
    if certificates::DER_EXTENSIONS.contains(&ext) && bytes.first() == Some(&0x30) {
        out.certificates = certificates::from_der(bytes, display);
        if !out.certificates.is_empty() {
            return true;
        }
    }
    // A binary OpenPGP keyring or key export (`secring.gpg`, `gpg
    // --export-secret-keys`): its packets say whether it holds a secret key
    // and whether a passphrase protects it. A public keyring, an encrypted
    // message or anything unreadable is no key.
    if PGP_BINARY_EXTENSIONS.contains(&ext) && bytes.first().is_some_and(|b| b & 0x80 != 0) {
        if let Some(encrypted) = pgp::secret_key_encrypted(bytes) {
            out.key_material = Some(key_material(KeyMaterialKind::PgpKeyring, Some(encrypted)));
            return true;
        }
    }
    if DER_KEY_EXTENSIONS.contains(&ext) && bytes.first() == Some(&0x30) {
        if let Some((kind, encrypted)) = der_private_key(bytes) {
            out.key_material = Some(key_material(kind, Some(encrypted)));
            return true;
        }
    }
    false
}

/// The file as text: `None` for a binary file (a NUL byte in its first
/// 8 KiB); invalid UTF-8 replaced. Both are reported for a `structured`
/// file (XML, YAML, properties, JSON, Salesforce metadata), whose reader
/// would be misled.
fn file_text<'b>(
    bytes: &'b [u8],
    ext: &str,
    structured: bool,
    display: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Cow<'b, str>> {
    if is_binary(bytes) {
        if structured {
            diagnostics.push(Diagnostic::warning(
                "binary",
                display,
                format!("binary content in a .{ext} file (NUL byte): skipped"),
            ));
        }
        return None;
    }
    // Validated with SIMD (std's check was 1.2% of a scan's instructions);
    // std's again only for the position of the first invalid byte.
    let valid = match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(_) => std::str::from_utf8(bytes),
    };
    Some(match valid {
        Ok(s) => Cow::Borrowed(s),
        Err(e) if ext == "properties" => {
            // `Properties.load(InputStream)` reads ISO-8859-1: a file saved
            // by a Windows-1252 or ISO-8859-1 editor (`é`, `£` as one byte)
            // is a legitimate property file, its values as written.
            let latin1 = crate::io::decode_latin1(bytes);
            // Each byte is one character: the first invalid byte's.
            let at = latin1
                .char_indices()
                .nth(e.valid_up_to())
                .map_or(latin1.len(), |(i, _)| i);
            let (line, col) = LineIndex::new(&latin1).locate(&latin1, at);
            diagnostics.push(
                Diagnostic::warning(
                    "latin1-properties",
                    display,
                    "not valid UTF-8: read as ISO-8859-1 (Windows-1252, ISO-8859-1), as Java's Properties.load reads a .properties file; Mule 4 reads it in the runtime's default encoding (UTF-8 on Linux and CloudHub) unless its <configuration-properties> sets encoding=\"ISO-8859-1\", so a value holding such a character is not what Mule reads: save the file as UTF-8, or write the character as a \\uXXXX escape",
                )
                .at(line, col),
            );
            Cow::Owned(latin1)
        }
        Err(e) => {
            let lossy = String::from_utf8_lossy(bytes);
            if structured {
                let (line, col) = LineIndex::new(&lossy).locate(&lossy, e.valid_up_to());
                diagnostics.push(
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
    })
}

/// A PuTTY key file (key material, not text to search) or a report intguard
/// wrote (not audited): `true` when the file is one of them, its facts in
/// `out`.
fn read_text_key_or_report(text: &str, display: &str, out: &mut FileOutput) -> bool {
    // Its `Private-Lines` are the key (in clear with `Encryption: none`).
    if let Some(encrypted) = putty_key_encrypted(text) {
        out.key_material = Some(KeyMaterial {
            kind: KeyMaterialKind::PuttyPrivateKey,
            location: Location::file(display),
            encrypted,
            keystore_protection: None,
            size: out.bytes,
            // Its lines but the comment (a label anyone may edit): the key
            // replaced by another is told apart.
            digest: Some(intguard_model::secret::fingerprint(
                &text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.starts_with("Comment:"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            )),
        });
        return true;
    }
    if let Some(what) = own_report::kind(text) {
        // intguard never writes a token, a private key or a secret-named
        // value in clear: a file shaped like its report that holds one was
        // not written by it, and is audited (wrapping a key in a report's
        // first and last lines must not take it out of the gate).
        if let Some(held) = unmasked_secret_material(text, display) {
            out.diagnostics.push(Diagnostic::warning(
                "intguard-report",
                display,
                format!(
                    "shaped like {} {what} written by intguard, but holds {held}, which intguard never writes: audited as any file",
                    article(what)
                ),
            ));
            return false;
        }
        // Not audited, so not counted among the files scanned.
        out.read = false;
        out.bytes = 0;
        out.diagnostics.push(Diagnostic::warning(
            "intguard-report",
            display,
            format!(
                "skipped: {} {what} written by intguard, not audited",
                article(what)
            ),
        ));
        return true;
    }
    false
}

/// `a` or `an` before the kind of one of intguard's outputs: by its sound,
/// so `an HTML report` and `a SARIF report`.
fn article(what: &str) -> &'static str {
    if what.starts_with(['a', 'e', 'i', 'o', 'u', 'H']) {
        "an"
    } else {
        "a"
    }
}

/// What a file shaped like intguard's report holds that its reports never
/// do (they mask every secret): a Salesforce access or refresh token, or a
/// private key block. (A secret-named `name=value` is no sign: the reports'
/// fixes and rule help write `token=<the token>`, `![...]` values and
/// example secrets.)
fn unmasked_secret_material(text: &str, display: &str) -> Option<&'static str> {
    let kind = crate::text::TextKind {
        assignments: crate::text::AssignmentStyle::None,
        comments: crate::text::CommentSyntax::Any,
    };
    let facts = crate::text::scan_file(text, display, kind).facts;
    if facts
        .tokens
        .iter()
        .any(|t| t.kind != intguard_model::TokenKind::ConsumerKey)
    {
        Some("a Salesforce token")
    } else if !facts.private_keys.is_empty() {
        Some("a private key")
    } else {
        None
    }
}

/// How the any-text scan reads a file, as its role in its app leaves it.
struct TextRole {
    /// Which `name = value` forms are definitions; `None` for a file whose
    /// reader already took them (Mule XML, property files).
    assignments: AssignmentStyle,
    /// Secrets the DataWeave scripts in a Mule XML file's CDATA set in clear.
    script_variables: Vec<Assignment>,
    /// The app's own pom: what its Mule Maven plugin deployments set
    /// ([`FileOutput::deployment_properties`]) is the app's.
    app_pom: bool,
}

impl AssignmentStyle {
    /// The definitions a file holds, by its name.
    fn of_file(name: &str, ext: &str) -> Self {
        if name == "intguard.toml" {
            // intguard's own config: its rule names and severities
            // (`password-auth = "medium"`) are settings, not secrets. Its
            // tokens and keys, if any, are still found.
            AssignmentStyle::None
        } else if name == "pom.xml" {
            AssignmentStyle::Pom
        } else if name == "settings.xml" {
            AssignmentStyle::MavenSettings
        } else if ext == "json" {
            AssignmentStyle::Json
        } else if is_shell_like(name, ext) {
            AssignmentStyle::Shell
        } else if is_dockerfile(name) {
            AssignmentStyle::Dockerfile
        } else {
            AssignmentStyle::Generic
        }
    }
}

/// Whether a YAML file's entries are an API specification's: a top-level
/// `openapi`, `swagger` or `asyncapi` version key.
fn is_api_specification(entries: &[PropertyEntry]) -> bool {
    entries
        .iter()
        .any(|e| matches!(e.key(), "openapi" | "swagger" | "asyncapi"))
}

/// The domain a Mule 3 app's `mule-deploy.properties` names (`domain=`),
/// unless it is the runtime's `default` one or a placeholder.
fn deploy_descriptor_domain(entries: &[PropertyEntry]) -> Option<DomainLink> {
    let e = entries.iter().rev().find(|e| e.key() == "domain")?;
    let name = e.value().trim();
    if name.is_empty() || name == "default" || name.contains("${") {
        return None;
    }
    Some(DomainLink {
        name: name.to_string(),
        location: e.location.clone(),
    })
}

/// A file of an app, read for its role there: Mule XML (or a Spring beans
/// file), a property file where Mule loads them from, a DataWeave script a
/// payload may set, the app's descriptor.
fn read_app_file(
    f: &WalkedFile<'_>,
    root: &AppRoot,
    (name, ext): (&str, &str),
    (text, bytes): (&str, &[u8]),
    fields_written: bool,
    role: &mut TextRole,
    out: &mut FileOutput,
) {
    let display = f.display();
    let rel = relative_to(f.path, &root.dir).unwrap_or_default();
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
            let mut facts = read_mule_xml_with(text, display, expect, fields_written);
            out.diagnostics.append(&mut facts.diagnostics);
            role.script_variables = std::mem::take(&mut facts.script_variables);
            if facts.is_mule || facts.spring_beans {
                role.assignments = AssignmentStyle::None;
                out.mule = Some(Box::new(facts));
            }
        }
    } else if mule3
        && (rel == "mule-deploy.properties" || rel == "src/main/app/mule-deploy.properties")
    {
        // The deployed layout's descriptor (Studio keeps it in src/main/app/):
        // the runtime's, never a property source (a `${mule.env}.properties`
        // location would have taken it for an environment's file).
        let (entries, _) =
            properties::java_properties::read_properties(text, display, &mut out.diagnostics);
        out.domain_link = deploy_descriptor_domain(&entries);
    } else if matches!(ext, "yaml" | "yml" | "properties") {
        let in_resources = rel.strip_prefix("src/main/resources/");
        let in_app_dir = if mule3 {
            rel.strip_prefix("src/main/app/")
        } else {
            None
        };
        let at_root = (rel == "mule-app.properties").then_some(rel.as_str());
        // A test resource matters to the Scan rules for its `![...]` values
        // only (IG104); its other assignments stay the text scan's.
        let in_test_resources = rel
            .strip_prefix("src/test/resources/")
            .filter(|_| memchr::memmem::find(bytes, b"![").is_some());
        let test = in_test_resources.is_some();
        let main_rel = in_resources.or(in_app_dir).or(at_root);
        if let Some(res_rel) = main_rel.or(in_test_resources) {
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
            if !test {
                role.assignments = AssignmentStyle::None;
            }
            // An API specification (OpenAPI, Swagger, AsyncAPI) is no
            // property file, whatever a `${mule.env}.yaml` import could
            // match: its top-level version key says what it is.
            if format == PropertyFormat::Yaml && is_api_specification(&entries) {
                return;
            }
            // The path its entries' locations hold, shared.
            let path = entries
                .first()
                .map(|e| e.location.path.clone())
                .unwrap_or_else(|| display.into());
            out.property = Some(Box::new(PropertyCandidate {
                rel: res_rel.to_string(),
                always_loaded: mule3 && name == "mule-app.properties" && !test,
                test,
                file: PropertyFile {
                    path,
                    format,
                    environment: None,
                    secure: false,
                    plain_too: false,
                    loaded: false,
                    entries,
                    split_values,
                },
            }));
        }
    } else if rel == "pom.xml" {
        // What its Mule Maven plugin deployments set on the app: read with
        // its other definitions by the text scan below.
        role.app_pom = true;
        out.pom_names_parent = Some(memchr::memmem::find(bytes, b"parent").is_some());
        // Most poms name no domain: only those that say `mule-domain` are parsed.
        if memchr::memmem::find(bytes, b"mule-domain").is_some() {
            // quick-xml counts positions from after a byte order mark.
            let text = crate::position::without_bom(text);
            let bytes = text.as_bytes();
            out.domain_link = mule::descriptor::domain_dependency(text).map(|(name, at)| {
                let (line, column) =
                    LineIndex::new(text).locate(text, crate::position::tag_start(bytes, at));
                DomainLink {
                    name,
                    location: Location::new(display, line, column),
                }
            });
        }
        // Only poms that say `mule-plugin` are a plugin or depend on one.
        if memchr::memmem::find(bytes, b"mule-plugin").is_some() {
            let text = crate::position::without_bom(text);
            // Its packaging was read while finding the apps.
            if root.plugin {
                out.plugin = mule::descriptor::plugin_coordinates(text);
            }
            // Which plugins it depends on matters only to an app that
            // `<import>`s a file it does not hold, and every pom has connectors
            // for dependencies: the pom is kept for the app's assembly, which
            // reads them only then (a second parse of every pom was 1.5% of a
            // scan's instructions).
            out.pom_with_plugins = Some(Box::new((display.to_string(), text.to_string())));
        }
    } else if ext == "dwl" {
        if let Some(res_rel) = rel.strip_prefix("src/main/resources/") {
            if mule::xml::may_carry_a_login(text) {
                out.payload_script = Some(Box::new((res_rel.to_string(), text.to_string())));
            }
            if fields_written {
                out.record_script = Some(Box::new((
                    res_rel.to_string(),
                    mule::record_fields::script_fields(text, display),
                )));
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

/// What [`read_metadata_file`] found the file to be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MetadataRole {
    None,
    /// Salesforce metadata (a profile, a connected app, ...).
    Metadata,
    /// An `sf org create user` definition file.
    UserDefinition,
}

/// Salesforce metadata and user definition files, read into `out.metadata`.
fn read_metadata_file(
    f: &WalkedFile<'_>,
    (name, ext): (&str, &str),
    (text, bytes): (&str, &[u8]),
    classified: Option<metadata::Classified>,
    out: &mut FileOutput,
) -> MetadataRole {
    let display = f.display();
    if let Some(c) = classified {
        out.metadata = metadata::read_file(&c, text, display, &mut out.diagnostics).map(Box::new);
        return MetadataRole::Metadata;
    }
    if ext == "json"
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
        if out.metadata.is_some() {
            return MetadataRole::UserDefinition;
        }
    }
    MetadataRole::None
}

/// The scan any text gets (tokens, definitions, PEM and OpenPGP key blocks,
/// `intguard-ignore` comments), with the script variables the Mule XML
/// reader found, and the key material and certificates of a PEM file.
fn read_text_facts(
    text: &str,
    bytes: &[u8],
    ext: &str,
    role: TextRole,
    metadata: MetadataRole,
    out: &mut FileOutput,
) {
    let display = out.display.as_str();
    let xml_like = metadata == MetadataRole::Metadata
        || matches!(
            ext,
            "xml" | "xsd" | "xsl" | "xslt" | "html" | "htm" | "xhtml" | "svg" | "wsdl"
        );
    let comments = if xml_like {
        CommentSyntax::Xml
    } else if matches!(ext, "yaml" | "yml") {
        CommentSyntax::Hash
    } else if ext == "properties" {
        CommentSyntax::Properties
    } else {
        CommentSyntax::Any
    };
    let scanned = text::scan_file(
        text,
        display,
        TextKind {
            assignments: role.assignments,
            comments,
        },
    );
    let (mut facts, suppressions) = (scanned.facts, scanned.suppressions);
    if role.app_pom {
        out.deployment_properties = scanned.deployment_properties;
    }
    if metadata != MetadataRole::None {
        // `<isConsumerSecretOptional>false</...>`, `"generatePassword": true`
        // and other flags name secrets but hold booleans: not secrets (and
        // "false" must not be masked in every message).
        facts.assignments.retain(|a| {
            let v = a.value.trim();
            !(v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false"))
        });
    }
    out.suppressions = suppressions;
    for at in scanned.ignores_in_values {
        out.diagnostics.push(
            Diagnostic::warning(
                "suppression-in-value",
                display,
                "intguard-ignore written after a value in a .properties file is part of the value (Java reads `#` and `!` as a comment only at the start of a line), so it suppresses nothing: put it on a line of its own above the entry",
            )
            .at(at.line, at.column),
        );
    }
    facts.assignments.extend(role.script_variables);
    let pem_like = PEM_EXTENSIONS.contains(&ext)
        || crate::position::without_bom(text)
            .trim_start()
            .starts_with("-----BEGIN");
    if !facts.private_keys.is_empty() && pem_like {
        let kind = if facts.private_keys[0].label.starts_with("PGP ") {
            KeyMaterialKind::PgpPrivateKey
        } else {
            KeyMaterialKind::PemPrivateKey
        };
        out.key_material = Some(KeyMaterial {
            kind,
            location: Location::file(display),
            encrypted: keys_encrypted(facts.private_keys.iter().map(|k| k.encrypted)),
            keystore_protection: None,
            size: bytes.len() as u64,
            // Its keys' bodies, not its bytes: the same keys with a comment
            // line added above them are the same keys.
            digest: Some(intguard_model::secret::fingerprint(
                &facts
                    .private_keys
                    .iter()
                    .map(|k| k.digest.as_deref().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("|"),
            )),
        });
    }
    if memchr::memmem::find(bytes, b"CERTIFICATE-----").is_some() {
        if pem_like {
            out.certificates = certificates::from_pem(text, display);
        } else if certificates::CONFIG_EXTENSIONS.contains(&ext) {
            out.certificates = certificates::pasted_in_config(text, display);
        }
    }
    if !facts.is_empty() {
        out.text = Some(Box::new(facts));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
