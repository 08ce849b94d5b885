//! Planning `fix secrets`: from IG102 findings to file edits.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::PathBuf;

use intguard_model::secret::mask;
use intguard_model::vocab;
use intguard_model::{
    Finding, HttpCredential, Inventory, MuleApp, MuleRuntime, PropertyFile, PropertyFormat,
    SecurePropertiesConfig, XmlAttribute,
};
use mule_secure_props::{parse_encrypted_value, Algorithm, Cipher, Mode};
use zeroize::Zeroizing;

use crate::text::{apply_edits, ValueSpan};
use crate::{json, props, xml, yaml, FileChange, FixError, Moved, Plan};

/// Settings for a secure-properties configuration the fix creates (existing ones keep
/// theirs).
#[derive(Debug, Clone, Copy)]
pub struct SecretsOptions {
    pub algorithm: Algorithm,
    pub mode: Mode,
}

impl Default for SecretsOptions {
    fn default() -> Self {
        SecretsOptions {
            algorithm: Algorithm::Aes,
            mode: Mode::Cbc,
        }
    }
}

const M4_NS: &str = "http://www.mulesoft.org/schema/mule/secure-properties";
const M4_XSD: &str =
    "http://www.mulesoft.org/schema/mule/secure-properties/current/mule-secure-properties.xsd";
const M3_NS: &str = "http://www.mulesoft.org/schema/mule/secure-property-placeholder";
const M3_XSD: &str = "http://www.mulesoft.org/schema/mule/secure-property-placeholder/current/mule-secure-property-placeholder.xsd";
const KEY_PROPERTY: &str = "encryption.key";

/// Edits collected for one file.
#[derive(Default)]
struct FileWork {
    /// `None`: a new file.
    original: Option<String>,
    format: Option<PropertyFormat>,
    replacements: Vec<(Range<usize>, String)>,
    /// Lines (1-based) whose entries are removed.
    delete_lines: Vec<u32>,
    /// Byte ranges of secrets in the original, with their masks.
    masks: Vec<(Range<usize>, String)>,
    /// Entries to add: name and the value as written (`"![...]"` or `![...]`).
    inserts: Vec<(String, String)>,
    /// XML: names whose references become `secure::`.
    secure_refs: Vec<String>,
    /// XML: a configuration to add.
    config: Option<NewConfigLines>,
    /// mule-artifact.json: names to list.
    artifact_names: Vec<String>,
}

#[derive(Default)]
struct Workspace {
    files: BTreeMap<String, FileWork>,
}

impl Workspace {
    fn file(&mut self, path: &str) -> Result<&mut FileWork, FixError> {
        if !self.files.contains_key(path) {
            let original = match std::fs::read_to_string(path) {
                Ok(t) => Some(t),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(FixError(format!("{path}: {e}"))),
            };
            self.files.insert(
                path.to_string(),
                FileWork {
                    original,
                    ..FileWork::default()
                },
            );
        }
        Ok(self.files.get_mut(path).expect("inserted"))
    }

    fn text(&mut self, path: &str) -> Result<Option<String>, FixError> {
        Ok(self.file(path)?.original.clone())
    }

    fn build(self, plan: &mut Plan) -> Result<(), FixError> {
        for (path, work) in self.files {
            let original = work.original.clone().unwrap_or_default();
            let mut edits = work.replacements.clone();
            let deletes = match work.format {
                Some(PropertyFormat::Yaml) => yaml::delete_ranges(&original, &work.delete_lines),
                Some(PropertyFormat::Properties) => {
                    props::delete_ranges(&original, &work.delete_lines)
                }
                None => Vec::new(),
            };
            edits.extend(deletes.into_iter().map(|r| (r, String::new())));
            let mut text = apply_edits(&original, edits)
                .ok_or_else(|| FixError(format!("{path}: overlapping edits")))?;
            if !work.secure_refs.is_empty() {
                text = xml::rewrite_refs(&text, &work.secure_refs);
            }
            if let Some((prefix, ns, xsd, lines)) = &work.config {
                let cfg = xml::NewConfig {
                    prefix,
                    namespace: ns,
                    schema: xsd,
                    lines: lines.clone(),
                };
                text = xml::add_config(&text, &cfg).ok_or_else(|| {
                    FixError(format!(
                        "{path}: cannot find where to add the secure-properties configuration (no <mule> root or </mule>)"
                    ))
                })?;
            }
            for (name, value) in &work.inserts {
                text = match work.format {
                    Some(PropertyFormat::Properties) => props::append(&text, name, value),
                    _ => yaml::insert(&text, name, value),
                };
            }
            if !work.artifact_names.is_empty() {
                text = json::add_secure_properties(&text, &work.artifact_names)
                    .map_err(|e| FixError(format!("{path}: {e}")))?;
            }
            if work.original.as_deref() == Some(text.as_str()) {
                continue;
            }
            let masked = work.original.as_ref().map(|o| {
                apply_edits(o, work.masks.clone()).unwrap_or_else(|| {
                    // Overlapping masks cannot happen; mask whole lines if they do.
                    "(masked)".to_string()
                })
            });
            plan.changes.push(FileChange {
                path: PathBuf::from(&path),
                original: work.original,
                masked_original: masked,
                new: text,
            });
        }
        Ok(())
    }
}

/// The encrypted value as written in a file of `format`.
fn written(format: PropertyFormat, b64: &str) -> String {
    match format {
        PropertyFormat::Yaml => format!("\"![{b64}]\""),
        PropertyFormat::Properties => format!("![{b64}]"),
    }
}

fn format_of(path: &str) -> PropertyFormat {
    if path.ends_with(".properties") {
        PropertyFormat::Properties
    } else {
        PropertyFormat::Yaml
    }
}

fn in_test_sources(path: &str) -> bool {
    path.contains("/src/test/") || path.starts_with("src/test/")
}

/// The resources folder of an app, as a display path prefix ending in `/`.
fn resources(app: &MuleApp) -> String {
    let root = app.root.trim_end_matches('/');
    if root.is_empty() || root == "." {
        "src/main/resources/".to_string()
    } else {
        format!("{root}/src/main/resources/")
    }
}

/// A file pattern as written in a config (`classpath:` removed).
fn clean_pattern(raw: &str) -> String {
    raw.trim()
        .trim_start_matches("classpath:")
        .trim_start_matches('/')
        .to_string()
}

/// `pattern` with every `${...}` replaced by `env`.
fn resolve_pattern(pattern: &str, env: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push_str(env);
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a file (path relative to the resources folder) matches a pattern whose
/// placeholders stand for any name without `/`.
fn pattern_matches(pattern: &str, rel: &str) -> bool {
    fn go(p: &str, s: &str) -> bool {
        match p.find("${") {
            None => p == s,
            Some(start) => {
                let Some(end) = p[start..].find('}') else {
                    return p == s;
                };
                if !s.starts_with(&p[..start]) {
                    return false;
                }
                let rest_p = &p[start + end + 1..];
                let s = &s[start..];
                (1..=s.len())
                    .filter(|&i| s.is_char_boundary(i) && !s[..i].contains('/'))
                    .any(|i| go(rest_p, &s[i..]))
            }
        }
    }
    go(pattern, rel)
}

/// `${secure::name}`: the definition already reads the value from a secure
/// file (what this module writes).
fn reads_itself_securely(value: &str, name: &str) -> bool {
    value
        .trim()
        .strip_prefix("${secure::")
        .and_then(|v| v.strip_suffix('}'))
        .is_some_and(|v| v.trim() == name)
}

fn has_placeholder(s: &str) -> bool {
    s.contains("${")
}

/// The cipher a secure-properties config uses; `Err` with a reason when it cannot be known.
pub(crate) fn config_cipher(c: &SecurePropertiesConfig) -> Result<Cipher, String> {
    for v in [&c.algorithm, &c.mode, &c.use_random_ivs]
        .into_iter()
        .flatten()
    {
        if has_placeholder(&v.raw) {
            return Err(format!(
                "the encryption settings of <{}> are placeholders ({})",
                c.element, v.raw
            ));
        }
    }
    let mut cipher = Cipher::from_mule_attributes(
        Some(c.algorithm_name()),
        Some(c.mode_name()),
        c.random_ivs(),
    )
    .map_err(|e| e.to_string())?;
    if c.element.starts_with("secure-property-placeholder") {
        // Mule 3's placeholder has no random IVs.
        cipher.random_iv = false;
    }
    Ok(cipher)
}

fn check_key(cipher: &Cipher, key: &[u8]) -> Result<(), FixError> {
    Cipher::new(cipher.algorithm, Mode::Ecb, false)
        .encrypt(key, b"")
        .map(|_| ())
        .map_err(|e| FixError(e.to_string()))
}

fn encrypt(cipher: &Cipher, key: &[u8], value: &str) -> Result<String, FixError> {
    cipher
        .encrypt(key, value.as_bytes())
        .map_err(|e| FixError(e.to_string()))
}

/// Decrypts with the plausibility check IG104 uses: padding valid and the plaintext
/// UTF-8 without control characters (other than tab).
pub(crate) fn decrypt_plausible(
    cipher: &Cipher,
    key: &[u8],
    b64: &str,
) -> Option<Zeroizing<String>> {
    let bytes = Zeroizing::new(cipher.decrypt(key, b64).ok()?);
    let s = std::str::from_utf8(&bytes).ok()?;
    if s.chars().any(|c| c.is_control() && c != '\t') {
        return None;
    }
    Some(Zeroizing::new(s.to_string()))
}

/// Refuses a key that does not open the file's existing encrypted values.
fn check_key_against(file: &PropertyFile, cipher: &Cipher, key: &[u8]) -> Result<(), FixError> {
    if let Some(e) = file
        .entries
        .iter()
        .find(|e| e.encrypted_payload().is_some())
    {
        let b64 = e.encrypted_payload().unwrap_or_default();
        if decrypt_plausible(cipher, key, b64).is_none() {
            return Err(FixError(format!(
                "{}: the key does not decrypt the existing value of `{}` ({}): wrong key? Nothing was changed",
                file.path, e.key(), cipher
            )));
        }
    }
    Ok(())
}

fn value_span_of(text: &str, file: &PropertyFile, line: u32, col: u32) -> Option<ValueSpan> {
    match file.format {
        PropertyFormat::Yaml => yaml::value_span(text, line, col),
        PropertyFormat::Properties => props::value_span(text, line),
    }
}

/// Plans the fix of every IG102 finding (others are ignored) in the inventory's apps.
/// `key` encrypts the values (and must open a secure file's existing values).
pub fn plan_secrets(
    inventory: &Inventory,
    findings: &[Finding],
    key: &[u8],
    options: &SecretsOptions,
) -> Result<Plan, FixError> {
    let mut plan = Plan::default();
    let mut ws = Workspace::default();
    let findings: Vec<&Finding> = findings.iter().filter(|f| f.rule == "IG102").collect();
    let mut handled: BTreeSet<usize> = BTreeSet::new();
    for app in &inventory.apps {
        let mine: Vec<(usize, &Finding)> = findings
            .iter()
            .enumerate()
            .filter(|(_, f)| belongs(app, f))
            .map(|(i, f)| (i, *f))
            .collect();
        if mine.is_empty() {
            continue;
        }
        handled.extend(mine.iter().map(|(i, _)| *i));
        let fs: Vec<&Finding> = mine.into_iter().map(|(_, f)| f).collect();
        plan_app(app, &fs, key, options, &mut ws, &mut plan)?;
    }
    for (i, f) in findings.iter().enumerate() {
        if !handled.contains(&i) {
            plan.skipped.push(format!(
                "{}: not in a Mule app's XML or property files; change it by hand",
                f.location
            ));
        }
    }
    ws.build(&mut plan)?;
    Ok(plan)
}

fn belongs(app: &MuleApp, f: &Finding) -> bool {
    app.property_files
        .iter()
        .any(|p| p.entries.iter().any(|e| e.location == f.location))
        || app
            .secret_attributes
            .iter()
            .any(|a| a.value.location == f.location)
        || app
            .global_properties
            .iter()
            .any(|g| g.location == f.location)
        || http_credential_at(app, &f.location).is_some()
}

/// The header or query parameter an HTTP request sends whose value is at
/// `at`, with its sender (the request config, else the flow) for naming the
/// property as IG102's fix does.
fn http_credential_at<'a>(
    app: &'a MuleApp,
    at: &intguard_model::Location,
) -> Option<(&'a HttpCredential, Option<&'a str>)> {
    let defaults = app.http_requests.iter().flat_map(|r| {
        r.default_credentials
            .iter()
            .map(move |c| (c, Some(r.config_name.as_str())))
    });
    let sent = app.http_request_operations.iter().flat_map(|op| {
        op.credentials
            .iter()
            .map(move |c| (c, op.config_ref.as_deref().or(c.owner.as_deref())))
    });
    defaults.chain(sent).find(|(c, _)| &c.value.location == at)
}

/// How a moved literal reads its new secure property.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reference {
    /// An attribute value: `${secure::prop}` (Mule 3: `${prop}`).
    Placeholder(MuleRuntime),
    /// A DataWeave string: `p('secure::prop')`, with the string's own quote
    /// so that the XML around it stays well-formed.
    DataWeave(char),
}

impl Reference {
    fn to(self, prop: &str) -> String {
        match self {
            Reference::Placeholder(MuleRuntime::Mule4) => format!("${{secure::{prop}}}"),
            Reference::Placeholder(MuleRuntime::Mule3) => format!("${{{prop}}}"),
            Reference::DataWeave(q) => format!("p({q}secure::{prop}{q})"),
        }
    }
}

/// Where an HTTP credential written in clear is and how it will read its
/// property: a key/value element's `value="…"`, or a DataWeave string.
fn http_literal_span(
    text: &str,
    credential: &HttpCredential,
    runtime: MuleRuntime,
) -> Result<(ValueSpan, Reference), &'static str> {
    let at = &credential.value.location;
    let element = credential.element.as_str();
    if element.ends_with("header") || element.ends_with("query-param") {
        let span = xml::attr_value_span(text, at.line, at.column, "value")
            .filter(|s| s.scalar == credential.value.raw)
            .ok_or("cannot locate the value attribute")?;
        return Ok((span, Reference::Placeholder(runtime)));
    }
    if runtime == MuleRuntime::Mule3 {
        return Err("a Mule 3 expression");
    }
    let span = xml::dataweave_string_span(text, at.line, at.column)
        .filter(|s| s.scalar == credential.value.raw)
        .ok_or("not a plain one-line DataWeave string")?;
    let quote = text[span.range.start..].chars().next().unwrap_or('\'');
    Ok((span, Reference::DataWeave(quote)))
}

type NewConfigLines = (&'static str, &'static str, &'static str, Vec<String>);

/// Where moved values go: the configuration, its cipher and its file per environment.
struct Setup {
    cipher: Cipher,
    /// A configuration to declare: the XML file and the element.
    new_config: Option<(String, NewConfigLines)>,
    /// file pattern relative to the resources folder.
    pattern: String,
    key_property: Option<String>,
}

fn setup(app: &MuleApp, options: &SecretsOptions) -> Result<Setup, String> {
    let wanted = match app.runtime {
        MuleRuntime::Mule4 => "secure-properties:config",
        MuleRuntime::Mule3 => "secure-property-placeholder:config",
    };
    if let Some(c) = app
        .secure_property_configs
        .iter()
        .find(|c| c.element == wanted)
    {
        let cipher = config_cipher(c)?;
        let pattern = c
            .file
            .as_ref()
            .map(|f| clean_pattern(&f.raw))
            .ok_or_else(|| format!("<{}> has no file", c.element))?;
        let key_property = c.key.as_ref().and_then(|k| {
            let ps = k.placeholders();
            (ps.len() == 1).then(|| ps[0].name.clone())
        });
        return Ok(Setup {
            cipher,
            new_config: None,
            pattern,
            key_property,
        });
    }
    // A new configuration, next to the app's other property files.
    let import = app
        .property_imports
        .iter()
        .find(|i| !i.secure && !i.file.raw.contains(','));
    let (dir, placeholder) = match import {
        Some(i) => {
            let p = clean_pattern(&i.file.raw);
            let dir = p
                .rfind('/')
                .map(|s| p[..=s].to_string())
                .unwrap_or_default();
            let ph = i
                .file
                .placeholders()
                .into_iter()
                .next()
                .map(|p| p.name)
                .filter(|_| !app.environments.is_empty());
            (dir, ph)
        }
        None => ("properties/".to_string(), None),
    };
    let (pattern, cipher) = match app.runtime {
        MuleRuntime::Mule4 => (
            match &placeholder {
                Some(p) => format!("{dir}${{{p}}}-secure.yaml"),
                None => format!("{dir}secure.yaml"),
            },
            Cipher::new(options.algorithm, options.mode, true),
        ),
        MuleRuntime::Mule3 => (
            match &placeholder {
                Some(p) => format!("{dir}secure.${{{p}}}.properties"),
                None => format!("{dir}secure.properties"),
            },
            Cipher::new(options.algorithm, options.mode, false),
        ),
    };
    // The XML file that loads the properties, else one named global, else the first.
    let xml_path = import
        .map(|i| i.file.location.path.to_string())
        .or_else(|| {
            app.xml_files
                .iter()
                .find(|p| p.rsplit('/').next().is_some_and(|n| n.contains("global")))
                .cloned()
        })
        .or_else(|| app.xml_files.first().cloned())
        .ok_or("the app has no XML configuration file to declare the secure-properties configuration in")?;
    let attr = |s: &str| xml::escape_attr(s);
    let (prefix, ns, xsd, lines) = match app.runtime {
        MuleRuntime::Mule4 => (
            "secure-properties",
            M4_NS,
            M4_XSD,
            vec![
                format!(
                    "<secure-properties:config name=\"Secure_Properties\" key=\"${{{KEY_PROPERTY}}}\" file=\"{}\">",
                    attr(&pattern)
                ),
                format!(
                    "\t<secure-properties:encrypt algorithm=\"{}\" mode=\"{}\" useRandomIVs=\"true\"/>",
                    cipher.algorithm.name(),
                    cipher.mode.name()
                ),
                "</secure-properties:config>".to_string(),
            ],
        ),
        MuleRuntime::Mule3 => (
            "secure-property-placeholder",
            M3_NS,
            M3_XSD,
            vec![format!(
                "<secure-property-placeholder:config name=\"Secure_Property_Placeholder\" key=\"${{{KEY_PROPERTY}}}\" location=\"{}\" encryptionAlgorithm=\"{}\" encryptionMode=\"{}\"/>",
                attr(&pattern),
                cipher.algorithm.name(),
                cipher.mode.name()
            )],
        ),
    };
    Ok(Setup {
        cipher,
        new_config: Some((xml_path, (prefix, ns, xsd, lines))),
        pattern,
        key_property: Some(KEY_PROPERTY.to_string()),
    })
}

/// The secure file of each environment (display path), or a reason.
fn targets(app: &MuleApp, setup: &Setup) -> Result<BTreeMap<Option<String>, String>, String> {
    let res = resources(app);
    let mut out = BTreeMap::new();
    for env in app.resolution_environments() {
        let rel = if has_placeholder(&setup.pattern) {
            let e = env
                .map(str::to_string)
                .or_else(|| app.default_environment.clone())
                .ok_or_else(|| {
                    format!(
                        "the secure file `{}` depends on an environment and the app names none",
                        setup.pattern
                    )
                })?;
            resolve_pattern(&setup.pattern, &e)
        } else {
            setup.pattern.clone()
        };
        // Prefer the file the reader found (same display path).
        let path = app
            .property_files
            .iter()
            .find(|f| f.path.ends_with(&format!("/{rel}")) && f.path.starts_with(&res))
            .map(|f| f.path.clone())
            .unwrap_or_else(|| format!("{res}{rel}"));
        out.insert(env.map(str::to_string), path);
    }
    Ok(out)
}

/// One value to add to a secure file.
struct Insert {
    name: String,
    value: Zeroizing<String>,
}

/// A secret written in the XML that moves to a new secure property.
struct LiteralSite<'a> {
    location: &'a intguard_model::Location,
    value: &'a str,
    span: ValueSpan,
    /// Property names to try, best first (then the last one numbered).
    candidates: Vec<String>,
    /// How the edited text reads the property chosen.
    reference: Reference,
    /// What the action says is replaced.
    what: String,
}

fn plan_app(
    app: &MuleApp,
    findings: &[&Finding],
    key: &[u8],
    options: &SecretsOptions,
    ws: &mut Workspace,
    plan: &mut Plan,
) -> Result<(), FixError> {
    // Classify.
    let mut in_secure: Vec<(&PropertyFile, usize)> = Vec::new();
    let mut to_move: Vec<(&PropertyFile, usize)> = Vec::new();
    let mut literals: Vec<&XmlAttribute> = Vec::new();
    // Credentials HTTP requests send, with the property IG102 suggests.
    let mut http_literals: Vec<(&HttpCredential, String)> = Vec::new();
    for f in findings {
        if let Some((file, i)) = app.property_files.iter().find_map(|p| {
            p.entries
                .iter()
                .position(|e| e.location == f.location)
                .map(|i| (p, i))
        }) {
            if in_test_sources(&file.path) {
                plan.skipped.push(format!(
                    "{}: `{}` is in test sources; test credentials are left alone",
                    f.location,
                    file.entries[i].key()
                ));
            } else if file.secure {
                in_secure.push((file, i));
            } else if !file.loaded {
                plan.skipped.push(format!(
                    "{}: `{}` is in a file no configuration loads; delete it or the secret by hand",
                    f.location,
                    file.entries[i].key()
                ));
            } else {
                to_move.push((file, i));
            }
        } else if let Some(a) = app
            .secret_attributes
            .iter()
            .find(|a| a.value.location == f.location)
        {
            if in_test_sources(&a.value.location.path) {
                plan.skipped.push(format!(
                    "{}: `{}` is in test sources; test credentials are left alone",
                    f.location, a.name
                ));
            } else {
                literals.push(a);
            }
        } else if let Some((c, sender)) = http_credential_at(app, &f.location) {
            if in_test_sources(&c.value.location.path) {
                plan.skipped.push(format!(
                    "{}: {} `{}` is in test sources; test credentials are left alone",
                    f.location,
                    c.kind.label(),
                    c.name
                ));
            } else {
                http_literals.push((c, vocab::http_credential_property(sender, &c.name)));
            }
        } else {
            plan.skipped.push(format!(
                "{}: a <global-property> holding a secret: move it by hand",
                f.location
            ));
        }
    }

    // The key must be the app's: it has to open the values already encrypted
    // in every file its configurations read, or what this writes would not
    // decrypt at run time (a target file without such values proves nothing).
    if !(in_secure.is_empty()
        && to_move.is_empty()
        && literals.is_empty()
        && http_literals.is_empty())
    {
        for file in app
            .property_files
            .iter()
            .filter(|f| !in_test_sources(&f.path))
        {
            if let Some(Ok(cipher)) = config_for_file(app, file).map(config_cipher) {
                check_key_against(file, &cipher, key)?;
            }
        }
    }

    // (a) Clear values in secure files: encrypted in place.
    for (file, i) in in_secure {
        let entry = &file.entries[i];
        let config = config_for_file(app, file);
        let cipher = match config.map(config_cipher) {
            Some(Ok(c)) => c,
            Some(Err(why)) => {
                plan.skipped
                    .push(format!("{}: `{}`: {why}", entry.location, entry.key()));
                continue;
            }
            None => {
                plan.skipped.push(format!(
                    "{}: `{}`: cannot tell which secure-properties configuration reads {}",
                    entry.location,
                    entry.key(),
                    file.path
                ));
                continue;
            }
        };
        check_key(&cipher, key)?;
        let Some(text) = ws.text(&file.path)? else {
            continue;
        };
        let Some(span) = value_span_of(&text, file, entry.location.line, entry.location.column)
            .filter(|s| s.scalar == entry.value())
        else {
            plan.skipped.push(format!(
                "{}: `{}`: the value spans several lines or uses escapes; encrypt it by hand",
                entry.location,
                entry.key()
            ));
            continue;
        };
        let b64 = encrypt(&cipher, key, entry.value())?;
        let work = ws.file(&file.path)?;
        work.format = Some(file.format);
        work.replacements
            .push((span.range.clone(), written(file.format, &b64)));
        work.masks.push((span.inner.clone(), mask(entry.value())));
        plan.actions.push(format!(
            "encrypt `{}` in place in {} ({cipher})",
            entry.key(),
            file.path
        ));
        plan.moved.push(Moved {
            name: entry.key().to_string(),
            target: PathBuf::from(&file.path),
        });
    }

    if to_move.is_empty() && literals.is_empty() && http_literals.is_empty() {
        return Ok(());
    }
    let setup = match setup(app, options) {
        Ok(s) => s,
        Err(why) => {
            for (file, i) in &to_move {
                plan.skipped.push(format!(
                    "{}: `{}`: {why}",
                    file.entries[*i].location,
                    file.entries[*i].key()
                ));
            }
            for a in &literals {
                plan.skipped
                    .push(format!("{}: `{}`: {why}", a.value.location, a.name));
            }
            for (c, _) in &http_literals {
                plan.skipped
                    .push(format!("{}: `{}`: {why}", c.value.location, c.name));
            }
            return Ok(());
        }
    };
    check_key(&setup.cipher, key)?;
    let targets = match targets(app, &setup) {
        Ok(t) => t,
        Err(why) => {
            for (file, i) in &to_move {
                plan.skipped.push(format!(
                    "{}: `{}`: {why}",
                    file.entries[*i].location,
                    file.entries[*i].key()
                ));
            }
            for a in &literals {
                plan.skipped
                    .push(format!("{}: `{}`: {why}", a.value.location, a.name));
            }
            for (c, _) in &http_literals {
                plan.skipped
                    .push(format!("{}: `{}`: {why}", c.value.location, c.name));
            }
            return Ok(());
        }
    };
    // The key must open what the target files hold already.
    for path in targets.values() {
        if let Some(file) = app.property_files.iter().find(|f| &f.path == path) {
            check_key_against(file, &setup.cipher, key)?;
        }
    }
    let target_format = |path: &str| -> PropertyFormat {
        app.property_files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.format)
            .unwrap_or_else(|| format_of(path))
    };
    // What each target already defines: name -> decrypted or clear value.
    let existing_in_target = |path: &str, name: &str| -> Option<Option<Zeroizing<String>>> {
        let file = app.property_files.iter().find(|f| f.path == path)?;
        let e = file.entries.iter().find(|e| e.key() == name)?;
        Some(match parse_encrypted_value(e.value()) {
            Some(b64) => decrypt_plausible(&setup.cipher, key, b64),
            None => Some(Zeroizing::new(e.value().to_string())),
        })
    };

    let mut inserts: BTreeMap<String, Vec<Insert>> = BTreeMap::new();
    let mut secure_names: Vec<String> = Vec::new();

    // (b) Properties in other files: every loaded, non-test definition of the name moves.
    let names: BTreeSet<&str> = to_move.iter().map(|(f, i)| f.entries[*i].key()).collect();
    'names: for name in names {
        let defs: Vec<(&PropertyFile, usize)> = app
            .property_files
            .iter()
            .filter(|f| !f.secure && f.loaded && !in_test_sources(&f.path))
            .flat_map(|f| {
                f.entries
                    .iter()
                    .enumerate()
                    // An environment that already reads it as
                    // `${secure::name}` is done: the others still move.
                    .filter(|(_, e)| e.key() == name && !reads_itself_securely(e.value(), name))
                    .map(move |(i, _)| (f, i))
            })
            .collect();
        let first_loc = defs
            .first()
            .map(|(f, i)| f.entries[*i].location.to_string())
            .unwrap_or_default();
        let skip = |plan: &mut Plan, why: String| {
            plan.skipped.push(format!("{first_loc}: `{name}`: {why}"));
        };
        // Every definition must be a plain value this module can locate.
        let mut spans = Vec::new();
        for (f, i) in &defs {
            let e = &f.entries[*i];
            if has_placeholder(e.value()) || e.encrypted_payload().is_some() {
                skip(
                    plan,
                    format!(
                        "{} defines it as a reference or an encrypted value; move it by hand",
                        e.location
                    ),
                );
                continue 'names;
            }
            let Some(text) = ws.text(&f.path)? else {
                continue 'names;
            };
            match value_span_of(&text, f, e.location.line, e.location.column)
                .filter(|s| s.scalar == e.value())
            {
                Some(s) => spans.push(s),
                None => {
                    skip(
                        plan,
                        format!(
                            "{}: the value spans several lines, uses escapes or shares its line; move it by hand",
                            e.location
                        ),
                    );
                    continue 'names;
                }
            }
        }
        // The value per target file.
        let mut per_target: BTreeMap<&str, Zeroizing<String>> = BTreeMap::new();
        for (env, path) in &targets {
            let specific: Vec<&str> = defs
                .iter()
                .filter(|(f, _)| f.environment.is_some() && f.environment == *env)
                .map(|(f, i)| f.entries[*i].value())
                .collect();
            let general: Vec<&str> = defs
                .iter()
                .filter(|(f, _)| f.environment.is_none())
                .map(|(f, i)| f.entries[*i].value())
                .collect();
            let candidates = if specific.is_empty() {
                general
            } else {
                specific
            };
            let Some(first) = candidates.first() else {
                continue;
            };
            if candidates.iter().any(|v| v != first) {
                skip(
                    plan,
                    format!(
                        "defined with different values for environment {}",
                        env.as_deref().unwrap_or("(all)")
                    ),
                );
                continue 'names;
            }
            if let Some(prev) = per_target.get(path.as_str()) {
                if prev.as_str() != *first {
                    skip(
                        plan,
                        format!("different values per environment, but one secure file ({path})"),
                    );
                    continue 'names;
                }
            }
            per_target.insert(path.as_str(), Zeroizing::new((*first).to_string()));
        }
        // A definition already in a target must agree.
        let mut new_inserts = Vec::new();
        for (path, value) in &per_target {
            match existing_in_target(path, name) {
                None => new_inserts.push((path.to_string(), value.clone())),
                Some(Some(v)) if v.as_str() == value.as_str() => {}
                Some(_) => {
                    skip(
                        plan,
                        format!("{path} already defines it with another value (or one this key does not decrypt)"),
                    );
                    continue 'names;
                }
            }
        }
        // Commit: remove every definition, add to targets.
        for ((f, i), span) in defs.iter().zip(&spans) {
            let e = &f.entries[*i];
            let work = ws.file(&f.path)?;
            work.format = Some(f.format);
            work.delete_lines.push(e.location.line);
            work.masks.push((span.inner.clone(), mask(e.value())));
        }
        for (path, value) in new_inserts {
            plan.actions
                .push(format!("move `{name}` to {path} ({})", setup.cipher));
            plan.moved.push(Moved {
                name: name.to_string(),
                target: PathBuf::from(&path),
            });
            inserts.entry(path).or_default().push(Insert {
                name: name.to_string(),
                value,
            });
        }
        let from: BTreeSet<&str> = defs.iter().map(|(f, _)| f.path.as_str()).collect();
        plan.actions.push(format!(
            "remove `{name}` from {}",
            from.into_iter().collect::<Vec<_>>().join(", ")
        ));
        secure_names.push(name.to_string());
    }

    // (c) Literal secrets in XML attributes: new properties.
    let mut taken: HashMap<String, Zeroizing<String>> = HashMap::new();
    let defined = |n: &str| {
        app.property_files
            .iter()
            .any(|f| f.entries.iter().any(|e| e.key() == n))
            || app.global_properties.iter().any(|g| g.name == n)
            || app
                .secret_attributes
                .iter()
                .chain(&app.url_attributes)
                .any(|a| a.value.placeholders().iter().any(|p| p.name == n))
    };
    let mut sites: Vec<LiteralSite> = Vec::new();
    for a in literals {
        let path = &a.value.location.path;
        let Some(text) = ws.text(path)? else { continue };
        let Some(span) = xml::attr_value_span(
            &text,
            a.value.location.line,
            a.value.location.column,
            &a.name,
        )
        .filter(|s| s.scalar == a.value.raw) else {
            plan.skipped.push(format!(
                "{}: `{}`: cannot locate the attribute's value; move it by hand",
                a.value.location, a.name
            ));
            continue;
        };
        let salesforce = app
            .salesforce_connections
            .iter()
            .any(|c| a.owner.as_deref() == Some(c.config_name.as_str()));
        let owner = vocab::property_name_piece(a.owner.as_deref().unwrap_or("app"));
        let mut candidates = Vec::new();
        if salesforce {
            candidates.push(format!("sfdc.{}", a.name));
        }
        candidates.push(format!("{owner}.{}", a.name));
        sites.push(LiteralSite {
            location: &a.value.location,
            value: &a.value.raw,
            span,
            candidates,
            reference: Reference::Placeholder(app.runtime),
            what: format!("the literal `{}` of <{}>", a.name, a.element),
        });
    }
    for (c, prop) in http_literals {
        let path = &c.value.location.path;
        let Some(text) = ws.text(path)? else { continue };
        let (span, reference) = match http_literal_span(&text, c, app.runtime) {
            Ok(edit) => edit,
            Err(why) => {
                plan.skipped.push(format!(
                    "{}: {} `{}` of an HTTP request: {why}; move it to a secure property by hand (the finding's fix says how)",
                    c.value.location,
                    c.kind.label(),
                    c.name
                ));
                continue;
            }
        };
        sites.push(LiteralSite {
            location: &c.value.location,
            value: &c.value.raw,
            span,
            candidates: vec![prop],
            reference,
            what: format!(
                "the {} `{}` an HTTP request sends (in <{}>)",
                c.kind.label(),
                c.name,
                c.element
            ),
        });
    }
    let mut literal_names = Vec::new();
    for site in sites {
        let path = site.location.path.as_str();
        let base = site.candidates.last().cloned().unwrap_or_default();
        let mut candidates = site.candidates.clone();
        candidates.extend((2..100).map(|i| format!("{base}{i}")));
        let Some(prop) = candidates.into_iter().find(|c| match taken.get(c) {
            Some(v) => v.as_str() == site.value,
            None => !defined(c),
        }) else {
            continue;
        };
        let work = ws.file(path)?;
        work.replacements
            .push((site.span.range.clone(), site.reference.to(&prop)));
        work.masks.push((site.span.inner.clone(), mask(site.value)));
        plan.actions.push(format!(
            "replace {} in {} with a reference to the new secure property `{prop}`",
            site.what, path
        ));
        if taken
            .insert(prop.clone(), Zeroizing::new(site.value.to_string()))
            .is_none()
        {
            let targets_set: BTreeSet<&String> = targets.values().collect();
            for path in targets_set {
                plan.moved.push(Moved {
                    name: prop.clone(),
                    target: PathBuf::from(path),
                });
                plan.actions
                    .push(format!("add `{prop}` to {path} ({})", setup.cipher));
                inserts.entry(path.clone()).or_default().push(Insert {
                    name: prop.clone(),
                    value: Zeroizing::new(site.value.to_string()),
                });
            }
            literal_names.push(prop);
        }
    }

    // Write the inserts, encrypted.
    for (path, items) in inserts {
        let format = target_format(&path);
        let work = ws.file(&path)?;
        work.format = Some(format);
        if work.original.is_none() {
            plan.actions.push(format!("create {path}"));
        }
        for item in items {
            let b64 = encrypt(&setup.cipher, key, &item.value)?;
            work.inserts.push((item.name, written(format, &b64)));
        }
    }
    if secure_names.is_empty() && literal_names.is_empty() {
        return Ok(());
    }
    if let Some((xml_path, lines)) = &setup.new_config {
        ws.file(xml_path)?.config = Some(lines.clone());
        plan.actions.push(format!(
            "declare <{}> for {} ({}) with key ${{{KEY_PROPERTY}}}",
            match app.runtime {
                MuleRuntime::Mule4 => "secure-properties:config",
                MuleRuntime::Mule3 => "secure-property-placeholder:config",
            },
            setup.pattern,
            setup.cipher
        ));
    }
    // Mule 4: references become secure::, and the names are hidden in Runtime Manager.
    if app.runtime == MuleRuntime::Mule4 {
        if !secure_names.is_empty() {
            for x in &app.xml_files {
                if in_test_sources(x) {
                    continue;
                }
                let Some(text) = ws.text(x)? else { continue };
                if xml::rewrite_refs(&text, &secure_names) != text {
                    plan.actions
                        .push(format!("read the moved properties with secure:: in {x}"));
                    ws.file(x)?.secure_refs.extend(secure_names.iter().cloned());
                }
            }
        }
        match app
            .descriptor
            .as_ref()
            .filter(|d| d.path.ends_with("mule-artifact.json"))
        {
            Some(d) => {
                let mut names: Vec<String> = secure_names.clone();
                names.extend(literal_names.iter().cloned());
                if let Some(k) = &setup.key_property {
                    names.push(k.clone());
                }
                let declared = app.declared_secure_properties.clone().unwrap_or_default();
                names.retain(|n| !declared.contains(n));
                if !names.is_empty() {
                    plan.actions.push(format!(
                        "list {} in {} secureProperties",
                        names.join(", "),
                        d.path
                    ));
                    ws.file(&d.path)?.artifact_names.extend(names);
                }
            }
            None => plan.skipped.push(format!(
                "{}: no mule-artifact.json: list the moved names and the key in secureProperties by hand",
                app.root
            )),
        }
    }
    Ok(())
}

/// The configuration that loads a secure file: the one whose pattern matches its path,
/// else the app's only one.
pub(crate) fn config_for_file<'a>(
    app: &'a MuleApp,
    file: &PropertyFile,
) -> Option<&'a SecurePropertiesConfig> {
    let res = resources(app);
    let rel = file.path.strip_prefix(&res);
    if let Some(rel) = rel {
        if let Some(c) = app.secure_property_configs.iter().find(|c| {
            c.file
                .as_ref()
                .is_some_and(|f| pattern_matches(&clean_pattern(&f.raw), rel))
        }) {
            return Some(c);
        }
    }
    if app.secure_property_configs.len() == 1 {
        return app.secure_property_configs.first();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(pattern_matches(
            "properties/${mule.env}-secure.yaml",
            "properties/dev-secure.yaml"
        ));
        assert!(!pattern_matches(
            "properties/${mule.env}-secure.yaml",
            "properties/a/dev-secure.yaml"
        ));
        assert!(pattern_matches("secure.yaml", "secure.yaml"));
        assert_eq!(
            resolve_pattern("p/${mule.env}-secure.yaml", "prod"),
            "p/prod-secure.yaml"
        );
    }
}
