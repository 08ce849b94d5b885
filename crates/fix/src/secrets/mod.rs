//! Planning `fix secrets`: from IG102 findings to file edits.
//!
//! - this module: which findings become which edits ([`plan_secrets`]);
//! - [`config`]: the secure-properties configuration that reads the moved
//!   values, its cipher and its file per environment;
//! - [`literals`]: secrets written in the XML (attributes, the credentials
//!   HTTP requests send) and how the edited text reads their new property;
//! - [`workspace`]: the edits gathered per file, applied at the end.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use intguard_model::expr::reads_itself_securely;
use intguard_model::property_names::{new_property_names, XmlSecret};
use intguard_model::secret::mask;
use intguard_model::vocab;
use intguard_model::{
    Finding, HttpCredential, Inventory, MuleApp, MuleRuntime, PropertyFile, PropertyFormat,
    XmlAttribute,
};
use mule_secure_props::{parse_encrypted_value, Algorithm, Cipher, Mode};
use zeroize::Zeroizing;

use crate::{xml, FixError, Masking, Moved, Plan};

mod config;
mod literals;
mod places;
mod plain_too;
pub(crate) mod workspace;

use config::{check_key, check_key_against, encrypt, target_ciphers, Setup, KEY_PROPERTY};
pub(crate) use config::{
    config_cipher, config_ciphers, config_for_file, decrypt_plausible, file_ciphers, setup, targets,
};
use literals::{http_literal_span, LiteralSite, Reference};
use places::Places;
use workspace::Workspace;

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

pub(crate) fn in_test_sources(path: &str) -> bool {
    path.contains("/src/test/") || path.starts_with("src/test/")
}

/// Plans the fix of every IG102 finding (others are ignored) in the inventory's apps.
/// `key` encrypts the values (and must open a secure file's existing values).
pub fn plan_secrets(
    inventory: &Inventory,
    findings: &[Finding],
    key: &[u8],
    options: &SecretsOptions,
) -> Result<Plan, FixError> {
    let mut plan = Plan {
        masking: Masking::new(inventory, &[key]),
        ..Plan::default()
    };
    let mut ws = Workspace::default();
    let findings: Vec<&Finding> = findings.iter().filter(|f| f.rule == "IG102").collect();
    let mut handled: BTreeSet<usize> = BTreeSet::new();
    for app in &inventory.apps {
        let places = Places::of(app);
        let mine: Vec<(usize, &Finding)> = findings
            .iter()
            .enumerate()
            .filter(|(_, f)| places.holds(&f.location))
            .map(|(i, f)| (i, *f))
            .collect();
        if mine.is_empty() {
            continue;
        }
        handled.extend(mine.iter().map(|(i, _)| *i));
        let fs: Vec<&Finding> = mine.into_iter().map(|(_, f)| f).collect();
        plan_app(app, &places, &fs, key, options, &mut ws, &mut plan)?;
    }
    for (i, f) in findings.iter().enumerate() {
        if !handled.contains(&i) {
            plan.skipped.push(why_left(inventory, f));
        }
    }
    ws.build(&mut plan)?;
    Ok(plan)
}

/// The places that read a property as a plain property outside the XML
/// (which the fix rewrites): another property's value (`sf.login:
/// "${sf.pass}"`) and the app's DataWeave scripts (`p('sf.pass')`,
/// `Mule::p("sf.pass")`). Test sources are left out, as everywhere. Found
/// once for all the names a fix moves: the values' references read once,
/// each script read once (thousands of names each reading every value and
/// every script again took time growing with their square).
struct PlainReaders {
    /// Name -> each property reading it, in the files' order.
    in_properties: std::collections::HashMap<String, Vec<String>>,
    /// The scripts and their text.
    scripts: Vec<(PathBuf, String)>,
}

impl PlainReaders {
    fn of(app: &MuleApp) -> Self {
        let mut in_properties: std::collections::HashMap<String, Vec<String>> =
            std::collections::HashMap::new();
        for file in app
            .property_files
            .iter()
            .filter(|f| !in_test_sources(&f.path))
        {
            for e in &file.entries {
                let mut read: Vec<String> = Vec::new();
                for p in intguard_model::expr::placeholders(e.value()) {
                    if !p.secure && p.name != e.key() && !read.contains(&p.name) {
                        read.push(p.name);
                    }
                }
                for name in read {
                    in_properties.entry(name).or_default().push(format!(
                        "`{}` at {}",
                        e.key(),
                        e.location
                    ));
                }
            }
        }
        let scripts = dataweave_scripts(&app.root)
            .into_iter()
            .filter_map(|script| {
                let text = std::fs::read_to_string(&script).ok()?;
                Some((script, text))
            })
            .collect();
        PlainReaders {
            in_properties,
            scripts,
        }
    }

    /// What reads `name` as a plain property: the properties, then the
    /// first line of each script that calls `p()` with it.
    fn of_name(&self, name: &str) -> Vec<String> {
        let mut out = self.in_properties.get(name).cloned().unwrap_or_default();
        let calls = [format!("p('{name}')"), format!("p(\"{name}\")")];
        for (script, text) in &self.scripts {
            if let Some(line) = text
                .lines()
                .position(|l| calls.iter().any(|c| l.contains(c.as_str())))
            {
                out.push(format!(
                    "{}:{}",
                    intguard_model::path_text::display_path(script),
                    line + 1
                ));
            }
        }
        out
    }
}

/// The `.dwl` files of an app's `src/main` (a few levels deep).
fn dataweave_scripts(root: &str) -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, depth: u32, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let Ok(kind) = e.file_type() else { continue };
            let path = e.path();
            if kind.is_dir() && depth < 8 {
                walk(&path, depth + 1, out);
            } else if kind.is_file() && path.extension().is_some_and(|x| x == "dwl") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    let base = if root.is_empty() { "." } else { root };
    walk(&crate::file_at(base).join("src/main"), 0, &mut out);
    out.sort();
    out
}

/// Why a finding no app's plan takes is left as is, in the terms of where
/// it is: a credential inside a URL, a DataWeave script, another file of an
/// app, or a file of no app.
fn why_left(inventory: &Inventory, f: &Finding) -> String {
    let path = f.location.path.as_str();
    let app = inventory.apps.iter().find(|a| {
        let root = a.root.trim_end_matches('/');
        root.is_empty()
            || path
                .strip_prefix(root)
                .is_some_and(|rest| rest.starts_with('/'))
    });
    let Some(app) = app else {
        return format!(
            "{}: outside every Mule app (fix secrets edits apps' XML and property files); change it by hand as the finding's fix says",
            f.location
        );
    };
    let file = path.rsplit('/').next().unwrap_or(path);
    if let Some(url) = app
        .url_attributes
        .iter()
        .find(|a| a.value.location == f.location)
    {
        return format!(
            "{}: the credential is part of the URL of <{}> (fix secrets moves whole values): take it out of the URL and give it to the connector in its own attribute (an HTTP request: <http:basic-authentication password=\"...\"/> on its config), then run fix secrets again to encrypt it",
            f.location, url.element
        );
    }
    if path.ends_with(".dwl") {
        return format!(
            "{}: in the DataWeave script {file}, which fix secrets does not edit; change it by hand as the finding's fix says",
            f.location
        );
    }
    format!(
        "{}: in {file}, which fix secrets does not edit (it edits the app's XML attributes and property files); change it by hand as the finding's fix says",
        f.location
    )
}

/// Where the file at `path` leads when it is a symbolic link.
fn link_target(path: &str) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_symlink() {
        return None;
    }
    Some(match std::fs::canonicalize(path) {
        Ok(t) => t.display().to_string(),
        Err(_) => "a missing file".to_string(),
    })
}

/// One value to add to a secure file.
struct Insert {
    name: String,
    value: Zeroizing<String>,
}

/// The IG102 findings of one app, by what the fix does with them.
#[derive(Default)]
struct Classified<'a> {
    /// Clear values in secure files: encrypted in place.
    in_secure: Vec<(&'a PropertyFile, usize)>,
    /// Clear values in other property files: moved to the secure ones.
    to_move: Vec<(&'a PropertyFile, usize)>,
    /// Literal secrets in XML attributes: new secure properties.
    literals: Vec<&'a XmlAttribute>,
    /// Credentials HTTP requests send, with the property IG102 suggests.
    http_literals: Vec<(&'a HttpCredential, String)>,
}

impl Classified<'_> {
    fn moves_nothing(&self) -> bool {
        self.to_move.is_empty() && self.literals.is_empty() && self.http_literals.is_empty()
    }

    /// Lists every value to move as skipped, for `why`.
    fn skip_moves(&self, plan: &mut Plan, why: &str) {
        for (file, i) in &self.to_move {
            plan.skipped.push(format!(
                "{}: `{}`: {why}",
                file.entries[*i].location,
                file.entries[*i].key()
            ));
        }
        for a in &self.literals {
            plan.skipped
                .push(format!("{}: `{}`: {why}", a.value.location, a.name));
        }
        for (c, _) in &self.http_literals {
            plan.skipped
                .push(format!("{}: `{}`: {why}", c.value.location, c.name));
        }
    }
}

/// Sorts the app's findings by what the fix does with them; those it leaves
/// alone (test sources, files nothing loads, global properties) are listed
/// as skipped with the reason.
fn classify<'a>(
    app: &'a MuleApp,
    places: &Places<'a>,
    findings: &[&Finding],
    plan: &mut Plan,
) -> Classified<'a> {
    let mut out = Classified::default();
    let spring_reads = app.read_by_spring_beans();
    for f in findings {
        if let Some((file, i)) = places.entry(&f.location) {
            if in_test_sources(&file.path) {
                plan.skipped.push(format!(
                    "{}: `{}` is in test sources; test credentials are left alone",
                    f.location,
                    file.entries[i].key()
                ));
            } else if let Some(target) = link_target(&file.path) {
                // Written at the link, the link would become a file of its
                // own and the one it leads to (maybe shared) keep the secret.
                plan.skipped.push(format!(
                    "{}: `{}` is in a symbolic link to {target}, which fix secrets does not write through (the file may be shared): move it there by hand, or replace the link with a copy of the file and run fix secrets again",
                    f.location,
                    file.entries[i].key()
                ));
            } else if spring_reads.contains(&f.location) {
                // The bean's `${name}` would not read a `secure::` value.
                plan.skipped.push(format!(
                    "{}: `{}` is read by a Spring beans file: supply it at deploy time by hand (the finding's fix says how)",
                    f.location,
                    file.entries[i].key()
                ));
            } else if intguard_model::vocab::is_runtime_read_secret(file.entries[i].key()) {
                plan.skipped.push(format!(
                    "{}: `{}` is read by the Mule runtime from the deployment, not by the app: an encrypted copy would not reach it; delete it and supply it at deploy time, as the finding's fix says",
                    f.location,
                    file.entries[i].key()
                ));
            } else if file.format == PropertyFormat::Yaml && file.entries[i].is_yaml_list_item() {
                // Moved to a secure file, nothing could read it there either.
                plan.skipped.push(format!(
                    "{}: `{}` is an item of a YAML list, which Mule reads as no property (no ${{secure::...}} can name it); take the secret out of the list by hand, as the finding's fix says",
                    f.location,
                    file.entries[i].key()
                ));
            } else if let Some(key) = file.entries[i].key_after_bom() {
                // Moved or encrypted under its name, the value would still be
                // read by nothing, and the mark would pass to the next key.
                plan.skipped.push(format!(
                    "{}: `{key}` follows the UTF-8 byte order mark the file starts with, which Mule's .properties loader reads as part of the key (nothing reads it as `{key}`): save the file as UTF-8 without a byte order mark, then run fix secrets again",
                    f.location
                ));
            } else if file.secure {
                out.in_secure.push((file, i));
            } else if !file.loaded {
                plan.skipped.push(format!(
                    "{}: `{}` is in a file no configuration loads; delete it or the secret by hand",
                    f.location,
                    file.entries[i].key()
                ));
            } else {
                out.to_move.push((file, i));
            }
        } else if let Some(a) = places.attribute(&f.location) {
            if in_test_sources(&a.value.location.path) {
                plan.skipped.push(format!(
                    "{}: `{}` is in test sources; test credentials are left alone",
                    f.location, a.name
                ));
            } else if !a.value.is_literal() {
                // IG102 on a reference's clear default
                // (`password="${sf.pass:Pw-1}"`): the attribute is a
                // reference, not a literal to move whole, and the
                // environments that define the name must keep reading it.
                let name = intguard_model::expr::placeholders(&a.value.raw)
                    .into_iter()
                    .find(|p| {
                        a.value
                            .raw
                            .get(p.start..p.end)
                            .is_some_and(|w| intguard_model::expr::placeholder_default(w).is_some())
                    })
                    .map(|p| (if p.secure { "secure::" } else { "" }, p.name));
                let (secure, name) = name.unwrap_or(("", "the property".to_string()));
                plan.skipped.push(format!(
                    "{}: `{}` falls back to a secret written in clear as the default of `${{{secure}{name}}}`: remove the default by hand and define `{name}` where it is needed (the finding's fix says how)",
                    f.location, a.name
                ));
            } else if app.runtime == MuleRuntime::Mule4 && app.in_spring_beans_file(a) {
                // `secure::` is not documented to resolve in Spring beans.
                plan.skipped.push(format!(
                    "{}: `{}` is in a Spring beans file: replace it with a placeholder supplied at deploy time by hand (the finding's fix says how)",
                    f.location, a.name
                ));
            } else {
                out.literals.push(a);
            }
        } else if let Some((c, sender)) = places.http_credential(&f.location) {
            if in_test_sources(&c.value.location.path) {
                plan.skipped.push(format!(
                    "{}: {} `{}` is in test sources; test credentials are left alone",
                    f.location,
                    c.kind.label(),
                    c.name
                ));
            } else {
                out.http_literals
                    .push((c, vocab::http_credential_property(sender, &c.name)));
            }
        } else {
            plan.skipped.push(format!(
                "{}: a <global-property> holding a secret: move it by hand",
                f.location
            ));
        }
    }
    out
}

fn plan_app<'a>(
    app: &'a MuleApp,
    places: &Places<'a>,
    findings: &[&Finding],
    key: &[u8],
    options: &SecretsOptions,
    ws: &mut Workspace,
    plan: &mut Plan,
) -> Result<(), FixError> {
    let work = classify(app, places, findings, plan);
    // The key must be the app's: it has to open the values already encrypted
    // in every file its configurations read, or what this writes would not
    // decrypt at run time (a target file without such values proves nothing).
    if !(work.in_secure.is_empty() && work.moves_nothing()) {
        // A file a plain import loads is never decrypted: an `![...]` there
        // is text to Mule, not a value the key must open.
        for file in app
            .property_files
            .iter()
            .filter(|f| !in_test_sources(&f.path) && (!f.loaded || f.secure))
        {
            if let Some(Ok(cipher)) =
                config_for_file(app, file).map(|c| config_cipher(app, c, file))
            {
                check_key_against(file, &cipher, key)?;
            }
        }
    }

    encrypt_in_place(app, &work.in_secure, key, ws, plan)?;
    if work.moves_nothing() {
        return Ok(());
    }
    // A file the app imports and the reading did not hold (a Mule plugin's
    // outside the folder) may declare the secure-properties config the app
    // runs with: values must be encrypted as it decrypts, and a second
    // config added beside it would read its files with other settings.
    if app.runtime_secure_config().is_none() {
        if let Some(import) = app.unread_config_import() {
            work.skip_moves(
                plan,
                &format!(
                    "the app imports {} ({}), which no Mule plugin under the folder holds: a <{}> there would read the values to encrypt, with its own key and settings; run fix secrets on a folder holding the Mule plugin and this app",
                    import.file,
                    import.location,
                    app.secure_config_element()
                ),
            );
            return Ok(());
        }
    }
    let setup = match setup(app, options) {
        Ok(s) => s,
        Err(why) => {
            work.skip_moves(plan, &why);
            return Ok(());
        }
    };
    let targets = match targets(app, &setup) {
        Ok(t) => t,
        Err(why) => {
            work.skip_moves(plan, &why);
            return Ok(());
        }
    };
    let ciphers = match target_ciphers(&setup, &targets) {
        Ok(c) => c,
        Err(why) => {
            work.skip_moves(plan, &why);
            return Ok(());
        }
    };
    // The key must fit each cipher and open what the target files hold already.
    for (path, cipher) in &ciphers {
        check_key(cipher, key)?;
        if let Some(file) = app.property_files.iter().find(|f| &f.path == path) {
            check_key_against(file, cipher, key)?;
        }
    }
    let mut moving = Moving {
        app,
        setup,
        targets,
        ciphers,
        key,
        inserts: BTreeMap::new(),
    };
    let secure_names = moving.move_properties(&work.to_move, ws, plan)?;
    let literal_names = moving.move_literals(&work, ws, plan)?;
    moving.write_inserts(ws, plan)?;
    if secure_names.is_empty() && literal_names.is_empty() {
        return Ok(());
    }
    moving.declare(&secure_names, &literal_names, ws, plan)
}

/// Encrypts in place the clear values of secure files, with the cipher of
/// the configuration that reads each file.
fn encrypt_in_place(
    app: &MuleApp,
    in_secure: &[(&PropertyFile, usize)],
    key: &[u8],
    ws: &mut Workspace,
    plan: &mut Plan,
) -> Result<(), FixError> {
    // (a) Clear values in secure files: encrypted in place.
    let mut plain_readers: Option<PlainReaders> = None;
    // Names the XML reads as `${name}` from a file a plain import loads too.
    let mut switched: Vec<String> = Vec::new();
    for &(file, i) in in_secure {
        let entry = &file.entries[i];
        let config = config_for_file(app, file);
        let cipher = match config.map(|c| config_cipher(app, c, file)) {
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
        let at = &entry.location;
        let Some(span) = ws.property_value_span(&file.path, file.format, at.line, at.column)?
        else {
            continue;
        };
        let Some(span) = span.filter(|s| s.scalar == entry.value()) else {
            plan.skipped.push(format!(
                "{}: `{}`: the value is written in a form this fix does not rewrite (a YAML block, multi-line, anchored, tagged or flow value, or a bad \\u escape); encrypt it by hand",
                entry.location,
                entry.key()
            ));
            continue;
        };
        let readers = || {
            plain_readers
                .get_or_insert_with(|| PlainReaders::of(app))
                .of_name(entry.key())
        };
        match plain_too::plain_reads_to_switch(app, file, entry, readers) {
            Ok(false) => {}
            Ok(true) => switched.push(entry.key().to_string()),
            Err(why) => {
                plan.skipped
                    .push(format!("{}: `{}`: {why}", entry.location, entry.key()));
                continue;
            }
        }
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
            target: crate::file_at(&file.path),
        });
    }
    if switched.is_empty() {
        return Ok(());
    }
    switched.sort();
    switched.dedup();
    for x in app.xml_files.iter().filter(|x| !in_test_sources(x)) {
        let Some(text) = ws.text(x)? else { continue };
        if xml::rewrite_refs(&text, &switched) != *text {
            plan.actions.push(format!(
                "read {} with secure:: in {x} (encrypted in place in a file a <configuration-properties> loads too)",
                first_names(&switched)
            ));
            ws.file(x)?.secure_refs.extend(switched.iter().cloned());
        }
    }
    Ok(())
}

/// Moving values to the secure properties files of each environment.
struct Moving<'a> {
    app: &'a MuleApp,
    setup: Setup,
    /// environment (`None`: every one) -> secure file.
    targets: BTreeMap<Option<String>, String>,
    /// secure file -> the cipher its environment reads it with.
    ciphers: BTreeMap<String, Cipher>,
    key: &'a [u8],
    /// What each target file gets.
    inserts: BTreeMap<String, Vec<Insert>>,
}

impl Moving<'_> {
    /// The cipher a target file is read with ([`target_ciphers`]).
    fn cipher(&self, path: &str) -> Result<Cipher, FixError> {
        self.ciphers
            .get(path)
            .copied()
            .ok_or_else(|| FixError(format!("{path}: no cipher for this secure file")))
    }

    fn format_of_target(&self, path: &str) -> PropertyFormat {
        self.app
            .property_files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.format)
            .unwrap_or_else(|| format_of(path))
    }

    /// What a target already defines under `name`: the decrypted or clear
    /// value (`Some(None)`: a value this key does not decrypt).
    fn existing(&self, path: &str, name: &str) -> Option<Option<Zeroizing<String>>> {
        let file = self.app.property_files.iter().find(|f| f.path == path)?;
        let e = file.entries.iter().find(|e| e.key() == name)?;
        Some(match parse_encrypted_value(e.value()) {
            Some(b64) => decrypt_plausible(&self.cipher(path).ok()?, self.key, b64),
            None => Some(Zeroizing::new(e.value().to_string())),
        })
    }

    /// Moves each property to the secure files; returns the names moved
    /// (their references become `secure::`).
    fn move_properties(
        &mut self,
        to_move: &[(&PropertyFile, usize)],
        ws: &mut Workspace,
        plan: &mut Plan,
    ) -> Result<Vec<String>, FixError> {
        // (b) Properties in other files: every loaded, non-test definition of the name moves.
        let mut secure_names: Vec<String> = Vec::new();
        let names: BTreeSet<&str> = to_move.iter().map(|(f, i)| f.entries[*i].key()).collect();
        let mut plain_readers: Option<PlainReaders> = None;
        // Every loaded, non-test definition of each name, in the files' order.
        let mut definitions: std::collections::HashMap<&str, Vec<(&PropertyFile, usize)>> =
            std::collections::HashMap::new();
        for f in self
            .app
            .property_files
            .iter()
            .filter(|f| !f.secure && f.loaded && !in_test_sources(&f.path))
        {
            for (i, e) in f.entries.iter().enumerate() {
                // An environment that already reads it as `${secure::name}`
                // is done: the others still move.
                if names.contains(e.key()) && !reads_itself_securely(e.value(), e.key()) {
                    definitions.entry(e.key()).or_default().push((f, i));
                }
            }
        }
        'names: for name in names {
            let defs: Vec<(&PropertyFile, usize)> = definitions.remove(name).unwrap_or_default();
            // The name moves whole or not at all (the references read it
            // with `secure::` in every environment, or in none), so a name
            // left lists every definition it leaves in clear (an empty one
            // holds no secret).
            let in_clear =
                |(f, i): &(&PropertyFile, usize)| !f.entries[*i].value().trim().is_empty();
            let skip = |plan: &mut Plan, why: String| {
                for (f, i) in defs.iter().filter(|d| in_clear(d)) {
                    plan.skipped
                        .push(format!("{}: `{name}`: {why}", f.entries[*i].location));
                }
            };
            // One definition that cannot move: it is listed with why, and
            // the others with it.
            let blocked = |plan: &mut Plan, at: usize, why: &str| {
                let blocker = &defs[at].0.entries[defs[at].1].location;
                for (k, (f, i)) in defs.iter().enumerate() {
                    if k != at && !in_clear(&(f, *i)) {
                        continue;
                    }
                    let here = &f.entries[*i].location;
                    plan.skipped.push(if k == at {
                        format!("{here}: `{name}`: {why}")
                    } else {
                        format!(
                            "{here}: `{name}`: not moved either, as {blocker} cannot be (the app reads `{name}` from the secure files in every environment or in none); move it by hand with that one"
                        )
                    });
                }
            };
            // Every definition must be a plain value this module can locate.
            let mut spans = Vec::new();
            for (at, (f, i)) in defs.iter().enumerate() {
                let e = &f.entries[*i];
                // Moved, it would be read: `${secure::name}` would find it,
                // where Mule finds nothing now.
                if e.is_unread() {
                    blocked(
                        plan,
                        at,
                        "written under a YAML key the file writes again below, whose value replaces this one, so Mule does not read it; delete it (or merge the two blocks) and run again",
                    );
                    continue 'names;
                }
                if e.is_reference_or_encrypted() {
                    blocked(
                        plan,
                        at,
                        "defined as a reference or an encrypted value; move it by hand",
                    );
                    continue 'names;
                }
                let l = &e.location;
                let Some(span) = ws.property_value_span(&f.path, f.format, l.line, l.column)?
                else {
                    blocked(plan, at, "the file is gone; move it by hand");
                    continue 'names;
                };
                match span.filter(|s| s.scalar == e.value()) {
                    Some(s) => spans.push(s),
                    None => {
                        blocked(
                            plan,
                            at,
                            "the value is written in a form this fix does not rewrite (a YAML block, multi-line, anchored, tagged or flow value, or a bad \\u escape); move it by hand",
                        );
                        continue 'names;
                    }
                }
            }
            // Read elsewhere as a plain property (another property's value,
            // a DataWeave script's `p('name')`): after the move that name
            // would not exist there.
            let readers = plain_readers
                .get_or_insert_with(|| PlainReaders::of(self.app))
                .of_name(name);
            if !readers.is_empty() {
                skip(
                    plan,
                    format!(
                        "also read as a plain property by {}, which this fix does not rewrite: after the move they would read a property that no longer exists; change them to read secure::{name} and move it by hand",
                        readers.join(", ")
                    ),
                );
                continue 'names;
            }
            // A <global-property> of the name stays (fix secrets leaves
            // those): the environments it serves would find no
            // `${secure::name}` once the references change.
            if let Some(g) = self.app.global_properties.iter().find(|g| g.name == name) {
                skip(
                    plan,
                    format!(
                        "<global-property name=\"{name}\"> at {} also defines it, and stays: the environments it serves would find no ${{secure::{name}}}; move the name by hand, the global property with it",
                        g.location
                    ),
                );
                continue 'names;
            }
            // The value per target file.
            let mut per_target: BTreeMap<&str, Zeroizing<String>> = BTreeMap::new();
            // Environments with no definition, by the secure file they read.
            let mut undefined: Vec<(&str, &str)> = Vec::new();
            for (env, path) in &self.targets {
                // The definition Mule reads in that environment: the first
                // in its lookup order (the others go too, unread).
                // The file Mule reads the name from in that environment (the
                // plain files, in lookup order). One that already reads it
                // as `${secure::name}` makes the environment done, whatever
                // files after it say.
                let reads_securely = self
                    .app
                    .files_in_lookup_order(env.as_deref())
                    .filter(|f| !f.secure)
                    .find_map(|file| file.entries.iter().rev().find(|e| e.key() == name))
                    .is_some_and(|e| reads_itself_securely(e.value(), name));
                if reads_securely {
                    continue;
                }
                let Some(first) = self
                    .app
                    .files_in_lookup_order(env.as_deref())
                    .find_map(|file| {
                        defs.iter()
                            .filter(|(f, _)| std::ptr::eq(*f, file))
                            .map(|(f, i)| f.entries[*i].value())
                            .next_back()
                    })
                else {
                    // Its secure file defines it already: that one is done.
                    if self.existing(path, name).is_none() {
                        undefined
                            .push((env.as_deref().unwrap_or("every environment"), path.as_str()));
                    }
                    continue;
                };
                if let Some(prev) = per_target.get(path.as_str()) {
                    if prev.as_str() != first {
                        skip(
                            plan,
                            format!(
                                "different values per environment, but one secure file ({path})"
                            ),
                        );
                        continue 'names;
                    }
                }
                per_target.insert(path.as_str(), Zeroizing::new(first.to_string()));
            }
            // An environment that defines none (its value given at deploy
            // time) would read `${secure::name}` after the move: from a
            // secure file it shares with another, that one's value; from its
            // own, nothing.
            if let Some((env, path)) = undefined.first() {
                let why = if per_target.contains_key(path) {
                    format!("would read the value moved for the others from the secure file they share ({path})")
                } else {
                    format!("would find no ${{secure::{name}}} in its secure file ({path})")
                };
                skip(
                    plan,
                    format!(
                        "defined for some environments only: {env} defines none (given at deploy time?) and, once the references read ${{secure::{name}}}, {why}; move it by hand"
                    ),
                );
                continue 'names;
            }
            // A definition already in a target must agree.
            let mut new_inserts = Vec::new();
            for (path, value) in &per_target {
                match self.existing(path, name) {
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
                    .push(format!("move `{name}` to {path} ({})", self.cipher(&path)?));
                plan.moved.push(Moved {
                    name: name.to_string(),
                    target: crate::file_at(&path),
                });
                self.inserts.entry(path).or_default().push(Insert {
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
        Ok(secure_names)
    }

    /// Replaces each literal secret of the XML with a reference to a new
    /// secure property; returns the new names.
    fn move_literals(
        &mut self,
        work: &Classified<'_>,
        ws: &mut Workspace,
        plan: &mut Plan,
    ) -> Result<Vec<String>, FixError> {
        let app = self.app;
        // (c) Literal secrets in XML attributes: new properties, named as
        // IG102's fixes name them. Every literal gets its name first, those
        // left to do by hand too: their findings told the user that name.
        let secrets: Vec<XmlSecret> = work
            .literals
            .iter()
            .map(|a| XmlSecret::Attribute(a))
            .chain(
                work.http_literals
                    .iter()
                    .map(|(credential, property)| XmlSecret::Http {
                        credential,
                        property: property.clone(),
                    }),
            )
            .collect();
        let names = new_property_names(app, &secrets);
        let (attribute_names, http_names) = names.split_at(work.literals.len());
        let mut sites: Vec<LiteralSite> = Vec::new();
        for (&a, name) in work.literals.iter().zip(attribute_names) {
            let path = &a.value.location.path;
            let Some(text) = ws.text(path)? else { continue };
            let at = ws.offset_at(path, a.value.location.line, a.value.location.column)?;
            let Some(span) = at
                .and_then(|at| xml::attr_value_span_at(&text, at, a.written_name()))
                .filter(|s| s.scalar == a.value.raw)
            else {
                plan.skipped.push(format!(
                    "{}: `{}`: cannot locate the attribute's value; move it by hand",
                    a.value.location, a.name
                ));
                continue;
            };
            // What Mule reads: a line break or tab written in the value
            // is a space (the scan keeps the lines, to mask them).
            let Some(value) = xml::attr_value_as_parsed(&text[span.inner.clone()]) else {
                plan.skipped.push(format!(
                    "{}: `{}`: cannot locate the attribute's value; move it by hand",
                    a.value.location, a.name
                ));
                continue;
            };
            sites.push(LiteralSite {
                location: &a.value.location,
                value: value.into(),
                span,
                name: name.clone(),
                reference: Reference::Placeholder(app.runtime),
                what: format!("the literal `{}` of <{}>", a.name, a.element),
            });
        }
        for ((c, _), name) in work.http_literals.iter().zip(http_names) {
            let sent = !app
                .unsent_payload_credentials
                .iter()
                .any(|u| u.value.location == c.value.location);
            let path = &c.value.location.path;
            let Some(text) = ws.text(path)? else { continue };
            let at = ws.offset_at(path, c.value.location.line, c.value.location.column)?;
            let (span, reference) = match http_literal_span(&text, at, c, app.runtime) {
                Ok(edit) => edit,
                Err(why) => {
                    plan.skipped.push(format!(
                        "{}: {} `{}` of {}: {why}; move it to a secure property by hand (the finding's fix says how)",
                        c.value.location,
                        c.kind.label(),
                        c.name,
                        if sent { "an HTTP request" } else { "a payload" }
                    ));
                    continue;
                }
            };
            sites.push(LiteralSite {
                location: &c.value.location,
                value: c.value.raw.as_str().into(),
                span,
                name: name.clone(),
                reference,
                what: if sent {
                    format!(
                        "the {} `{}` an HTTP request sends (in <{}>)",
                        c.kind.label(),
                        c.name,
                        c.element
                    )
                } else {
                    format!("the payload field `{}` (in <{}>)", c.name, c.element)
                },
            });
        }
        let mut literal_names = Vec::new();
        // The names of `literal_names`, each new one added to the secure
        // files once (many literals may share a name: the same value).
        let mut named: std::collections::HashSet<String> = std::collections::HashSet::new();
        for site in sites {
            let path = site.location.path.as_str();
            let prop = site.name;
            let work = ws.file(path)?;
            work.replacements
                .push((site.span.range.clone(), site.reference.to(&prop)));
            work.masks
                .push((site.span.inner.clone(), mask(&site.value)));
            plan.actions.push(format!(
                "replace {} in {} with a reference to the new secure property `{prop}`",
                site.what, path
            ));
            if named.insert(prop.clone()) {
                let targets_set: BTreeSet<&String> = self.targets.values().collect();
                for path in targets_set {
                    plan.moved.push(Moved {
                        name: prop.clone(),
                        target: crate::file_at(path),
                    });
                    plan.actions
                        .push(format!("add `{prop}` to {path} ({})", self.cipher(path)?));
                    self.inserts.entry(path.clone()).or_default().push(Insert {
                        name: prop.clone(),
                        value: Zeroizing::new(site.value.to_string()),
                    });
                }
                literal_names.push(prop);
            }
        }
        Ok(literal_names)
    }

    /// Writes what each target gets, encrypted.
    fn write_inserts(&mut self, ws: &mut Workspace, plan: &mut Plan) -> Result<(), FixError> {
        // Write the inserts, encrypted.
        for (path, items) in std::mem::take(&mut self.inserts) {
            let format = self.format_of_target(&path);
            let work = ws.file(&path)?;
            work.format = Some(format);
            if work.original.is_none() {
                plan.actions.push(format!("create {path}"));
            }
            for item in items {
                let b64 = encrypt(&self.cipher(&path)?, self.key, &item.value)?;
                work.inserts.push((item.name, written(format, &b64)));
            }
        }
        Ok(())
    }

    /// Declares the new configuration, makes references read `secure::` and
    /// lists the names in `mule-artifact.json`.
    fn declare(
        &self,
        secure_names: &[String],
        literal_names: &[String],
        ws: &mut Workspace,
        plan: &mut Plan,
    ) -> Result<(), FixError> {
        let app = self.app;
        if let Some((xml_path, lines)) = &self.setup.new_config {
            ws.file(xml_path)?.config = Some(lines.clone());
            plan.actions.push(format!(
                "declare <{}> for {} ({}) with key ${{{}}}",
                app.secure_config_element(),
                self.setup.pattern,
                self.setup
                    .ciphers
                    .first()
                    .map(|(_, c)| c.to_string())
                    .unwrap_or_default(),
                self.setup.key_property.as_deref().unwrap_or(KEY_PROPERTY)
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
                    if xml::rewrite_refs(&text, secure_names) != *text {
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
                // A domain is installed in the runtime's `domains` folder, never
                // deployed through Runtime Manager: nothing for it to hide.
                _ if app.domain => {}
                Some(d) => {
                    let mut names: Vec<String> = secure_names.to_vec();
                    names.extend(literal_names.iter().cloned());
                    if let Some(k) = &self.setup.key_property {
                        names.push(k.clone());
                    }
                    let declared = app.declared_secure_properties.clone().unwrap_or_default();
                    names.retain(|n| !declared.contains(n));
                    if !names.is_empty() {
                        plan.actions.push(format!(
                            "list {} in {} secureProperties",
                            first_names(&names),
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
}

/// The names a plan line lists: ten at most, then how many more (an app
/// with thousands of moved properties got one line of 50,000 characters).
pub(crate) fn first_names(names: &[String]) -> String {
    const SHOWN: usize = 10;
    if names.len() <= SHOWN {
        return names.join(", ");
    }
    format!(
        "{} and {} more",
        names[..SHOWN].join(", "),
        names.len() - SHOWN
    )
}

#[cfg(test)]
mod tests {
    use super::first_names;

    #[test]
    fn a_plan_line_lists_ten_names_at_most() {
        let names = |n: usize| -> Vec<String> { (0..n).map(|i| format!("p{i}")).collect() };
        assert_eq!(first_names(&names(2)), "p0, p1");
        assert_eq!(first_names(&names(10)), names(10).join(", "));
        assert_eq!(
            first_names(&names(3_001)),
            format!("{} and 2991 more", names(10).join(", "))
        );
    }
}
