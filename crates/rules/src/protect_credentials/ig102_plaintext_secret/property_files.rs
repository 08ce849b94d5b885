//! IG102 in property files and `<global-property>` elements: clear secret
//! values, with the attributes that read them.

use super::fix_secrets_declines::Declined;
use super::*;

/// A secret attribute that reads a property definition.
#[derive(Clone, Copy)]
pub(super) struct Use<'a> {
    attr: &'a XmlAttribute,
    env: Option<&'a str>,
    /// The definition gives the attribute's whole value.
    whole: bool,
    /// The attribute names it as `${secure::name}`, which a plain file never
    /// answers (Mule 4): the clear value is the one the app was meant to read.
    secure_only: bool,
    /// The attribute reads the name, but another definition of it (a
    /// duplicate key, a file looked in first) in every environment: this
    /// one is a secret all the same, committed, that nothing reads.
    shadowed: bool,
}

/// For every property definition (by location), the secret attributes that
/// read it, per environment; and, for files nobody loads, the attributes
/// whose references name it.
pub(super) struct Uses<'a> {
    by_location: HashMap<&'a Location, Vec<Use<'a>>>,
    by_name: HashMap<String, Vec<&'a XmlAttribute>>,
    /// Mule 4: the attributes naming each property as `${secure::name}`.
    by_secure_name: HashMap<String, Vec<&'a XmlAttribute>>,
}

impl<'a> Uses<'a> {
    pub(super) fn of(app: &'a MuleApp) -> Self {
        let mut by_location: HashMap<&'a Location, Vec<Use<'a>>> = HashMap::new();
        let mut by_name: HashMap<String, Vec<&'a XmlAttribute>> = HashMap::new();
        for attr in app
            .secret_attributes
            .iter()
            .filter(|a| !a.value.is_literal())
        {
            let whole = is_whole_reference(&attr.value.raw);
            for r in app.resolve_all(&attr.value) {
                let chain_whole = whole
                    && r.sources.len() > 1
                    && r.sources[..r.sources.len() - 1]
                        .iter()
                        .all(|s| is_whole_reference(s.raw_value()));
                let last = r.sources.len().saturating_sub(1);
                for (i, s) in r.sources.iter().enumerate() {
                    by_location.entry(s.location()).or_default().push(Use {
                        attr,
                        env: r.environment,
                        whole: i == last && ((r.sources.len() == 1 && whole) || chain_whole),
                        secure_only: false,
                        shadowed: false,
                    });
                }
            }
        }
        let mut by_secure_name: HashMap<String, Vec<&'a XmlAttribute>> = HashMap::new();
        for attr in &app.secret_attributes {
            for p in placeholders(&attr.value.raw) {
                if p.secure && app.runtime == MuleRuntime::Mule4 {
                    by_secure_name.entry(p.name.clone()).or_default().push(attr);
                }
                by_name.entry(p.name).or_default().push(attr);
            }
        }
        Uses {
            by_location,
            by_secure_name,
            by_name,
        }
    }

    /// The attributes reading `entry` of `file`: by resolution, or by name
    /// when the file takes no part in resolution, or when another
    /// definition of the name is read wherever this one could be.
    pub(super) fn for_entry(
        &self,
        file: &PropertyFile,
        location: &Location,
        key: &str,
    ) -> Vec<Use<'a>> {
        if let Some(uses) = self.by_location.get(location) {
            return uses.clone();
        }
        let uses: Vec<Use<'a>> = match (file.loaded, file.secure) {
            (false, _) => uses_by_name(&self.by_name, key, false, false),
            // `${secure::name}` reads secure files only: a plain loaded file
            // defining `name` holds the secret the attribute was meant to
            // read (whether a secure file has it too or not).
            (true, false) => uses_by_name(&self.by_secure_name, key, true, false),
            (true, true) => Vec::new(),
        };
        if !uses.is_empty() || !file.loaded {
            return uses;
        }
        // A loaded definition no attribute resolves to, of a name they read:
        // another one wins (`password: old` then `password: new`, or a file
        // looked in first defines it), and this one was written as the
        // secret all the same.
        self.shadowed(key)
    }

    /// Some secret attribute reads `name` (`${name}`, `${secure::name}`).
    pub(super) fn reads_name(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// The attributes reading `name`, for a definition of it that another
    /// one shadows wherever it could be read.
    pub(super) fn shadowed(&self, name: &str) -> Vec<Use<'a>> {
        uses_by_name(&self.by_name, name, false, true)
    }
}

/// The attributes of `names` reading `name`, as uses of a definition of it
/// found by its name.
fn uses_by_name<'a>(
    names: &HashMap<String, Vec<&'a XmlAttribute>>,
    name: &str,
    secure_only: bool,
    shadowed: bool,
) -> Vec<Use<'a>> {
    names
        .get(name)
        .map(|attrs| {
            attrs
                .iter()
                .map(|attr| Use {
                    attr,
                    env: None,
                    whole: is_whole_reference(&attr.value.raw),
                    secure_only,
                    shadowed,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The property definitions (by location) that HTTP requests send as
/// credentials, read by a reference that is the whole value
/// (`password: p('secure::sf.pw')` in a login body, `x-api-key:
/// p('partner.k')`), in every environment: the reader keeps only
/// credential-bearing headers, parameters and fields, so the value is a
/// secret whatever the property's name.
fn sent_as_credentials(app: &MuleApp) -> HashMap<&Location, Vec<&HttpCredential>> {
    let mut out: HashMap<&Location, Vec<&HttpCredential>> = HashMap::new();
    for (c, _) in super::http::http_credentials(app) {
        if c.constant {
            continue;
        }
        // A DataWeave field's value is the expression inside the `#[...]`.
        let value = match c.syntax {
            HttpValueSyntax::DataWeaveField => {
                intguard_model::Value::new(format!("#[{}]", c.value.raw), c.value.location.clone())
            }
            _ => c.value.clone(),
        };
        if !is_whole_reference(&value.raw) {
            continue;
        }
        for r in app.resolve_all(&value) {
            // The definition holding the value: the last of a chain of whole
            // references (`sf.login: ${secure::sf.pw}`), or none.
            let Some(last) = r.sources.last() else {
                continue;
            };
            if !r.sources[..r.sources.len() - 1]
                .iter()
                .all(|s| is_whole_reference(s.raw_value()))
            {
                continue;
            }
            let at = out.entry(last.location()).or_default();
            if !at.iter().any(|x| std::ptr::eq(*x, c)) {
                at.push(c);
            }
        }
    }
    out
}

/// Related entries for the attributes reading a definition, and the identity
/// of the Salesforce connections among them.
pub(super) fn describe_uses(
    inventory: &Inventory,
    app: &MuleApp,
    uses: &[Use<'_>],
    file_env: Option<&str>,
) -> (Vec<Related>, Option<String>, Option<String>) {
    let mut related = Vec::new();
    let mut seen = HashSet::new();
    let mut first = None;
    let mut identities: Vec<crate::support::EnvIdentity> = Vec::new();
    for u in uses {
        // Who reads it in each environment a use is for: a file read in
        // every environment is each environment's user's.
        if let Some(conn) = owning_connection(app, u.attr) {
            for id in identities_in(inventory, app, conn, file_env.or(u.env)) {
                if !identities
                    .iter()
                    .any(|i| i.environment == id.environment && i.username == id.username)
                {
                    identities.push(id);
                }
            }
        }
        if !seen.insert((&u.attr.value.location, u.attr.name.as_str())) {
            continue;
        }
        let label = attr_label(u.attr);
        first.get_or_insert_with(|| label.clone());
        related.push(Related::new(
            &u.attr.value.location,
            if u.secure_only {
                format!("{label} names it as secure::, which reads secure-properties files only")
            } else if u.shadowed {
                format!("{label} reads the name, not from this definition")
            } else {
                format!("{label} reads it")
            },
        ));
    }
    let first = first.map(|f| {
        if related.len() > 1 {
            format!("{f} and {} more", related.len() - 1)
        } else {
            f
        }
    });
    let identity = describe_identities(&identities);
    (related, first, identity)
}

pub(super) fn encrypted_line(format: PropertyFormat, key: &str) -> String {
    match format {
        PropertyFormat::Yaml => format!("{key}: \"![<encrypted value>]\""),
        PropertyFormat::Properties => format!("{key}=![<encrypted value>]"),
    }
}

/// A Mule 4 Spring beans file's attribute among the readers of a property
/// definition: the value cannot become a `${secure::...}` property (see
/// [`MuleApp::read_by_spring_beans`]).
pub(super) fn spring_reader<'a>(app: &MuleApp, uses: &[Use<'a>]) -> Option<&'a XmlAttribute> {
    if app.runtime != MuleRuntime::Mule4 {
        return None;
    }
    uses.iter()
        .map(|u| u.attr)
        .find(|a| app.in_spring_beans_file(a))
}

/// The fix of a clear definition that a Mule 4 Spring beans file reads:
/// supplied at deploy time, the bean's `${name}` unchanged. `delete`: the
/// definition's removal (`Delete `db.password` from spring.properties`).
pub(super) fn spring_read_fix(name: &str, delete: &str, reader: &XmlAttribute) -> String {
    format!(
        "{delete} and supply `{name}` at deploy time only, as a protected Runtime Manager property listed in mule-artifact.json \"secureProperties\" (the ${{{name}}} references stay as they are): {} in {} reads it, and a Spring beans file reads placeholders from the app's configuration properties (a `.properties` file, not YAML, and not `secure::`), so an encrypted secure property would not reach the bean. Then change the secret: the clear value stays in git history.",
        attr_label(reader),
        file_name(&reader.value.location.path)
    )
}

/// The clear secrets of `app`'s property files (every environment's,
/// loaded or not) and of its global properties.
pub(super) fn property_findings<'a>(
    inventory: &Inventory,
    app: &'a MuleApp,
    how: &str,
    by_hand: &str,
    seen: &mut Seen<'a>,
    out: &mut Vec<Finding>,
) {
    let uses = Uses::of(app);
    let sent = sent_as_credentials(app);
    let declined = Declined::new(app);

    // (b) property files of every environment, loaded or not.
    for file in &app.property_files {
        // The name first written at each place, made when a finding first
        // asks (looked for among all the file's entries for each finding,
        // 50,000 secrets in one file took 3 s).
        let mut first_at: Option<HashMap<&Location, &str>> = None;
        // Entries an anchor gives several names (`defaults.token` merged into
        // `sf.token` by `<<: *defaults`) share their place, where one
        // finding is reported: under the name the app reads, first.
        // (Each entry's name looked up once, not once per comparison.)
        let (read, unread): (Vec<&intguard_model::PropertyEntry>, Vec<_>) =
            file.entries.iter().partition(|e| uses.reads_name(e.key()));
        for entry in read.into_iter().chain(unread) {
            let entry_uses = uses.for_entry(file, &entry.location, entry.key());
            let named_secret = entry.has_secret_name() && !is_key_name(entry.key());
            let sent_by = sent
                .get(&entry.location)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if !(named_secret || entry_uses.iter().any(|u| u.whole) || !sent_by.is_empty()) {
                continue;
            }
            // As in the XML: a template dummy is no secret, but a
            // well-known default that a store holding a private key reads is
            // the key's only guard.
            let default_key_store_password = vocab::is_well_known_password(entry.value())
                && entry_uses
                    .iter()
                    .any(|u| u.whole && super::xml::holds_private_key(u.attr));
            if !(is_clear_secret(entry.value()) || default_key_store_password)
                || seen.is_token_line(&entry.location)
                || !seen.flagged.insert(&entry.location)
            {
                continue;
            }
            let env = file.environment.as_deref();
            let (related, used_by, who) = describe_uses(inventory, app, &entry_uses, env);
            let scope = match (env, file.loaded) {
                (_, false) => " (a file no configuration loads)".to_string(),
                _ if entry.is_unread() => {
                    let at = env.map(|e| format!(", {e}")).unwrap_or_default();
                    format!(" (under a key the file writes again below, whose value replaces this one: Mule does not read it{at})")
                }
                (Some(e), true) => format!(" ({e})"),
                (None, true) => read_in(app, file, entry),
            };
            let kind = if file.secure {
                "is not encrypted, although the file is a secure-properties file"
            } else {
                "is in clear"
            };
            let sent_note = sent_by
                .first()
                .map(|c| {
                    format!(
                        ", sent by an HTTP request as {} `{}`{}",
                        c.kind.label(),
                        c.name,
                        match sent_by.len() {
                            1 => String::new(),
                            n => format!(" (and {} more)", n - 1),
                        }
                    )
                })
                .unwrap_or_default();
            // A `.properties` file's byte order mark is part of its first
            // key for Mule: named without it, and said so.
            let bom = entry.key_after_bom();
            let key = bom.unwrap_or(entry.key());
            let bom_note = if bom.is_some() {
                format!(
                    " (written after the file's UTF-8 byte order mark, which Mule's .properties loader reads as part of the key: ${{{key}}} does not read this value)"
                )
            } else {
                String::new()
            };
            // Written once under another name (an anchor's), which the
            // app reads under this one.
            let written_as = first_at
                .get_or_insert_with(|| {
                    let mut first = HashMap::new();
                    for e in &file.entries {
                        first.entry(&e.location).or_insert(e.key());
                    }
                    first
                })
                .get(&entry.location)
                .copied()
                .filter(|k| *k != entry.key())
                .map(|k| format!(" (written as `{k}`, merged or aliased into it)"))
                .unwrap_or_default();
            let message = format!(
                "{}: secret property `{}`{written_as}{bom_note} in {}{scope} {kind} ({}{}){}{sent_note}{}",
                app.name,
                key,
                file_name(&file.path),
                describe(entry.value()),
                if default_key_store_password {
                    ", a well-known default password: the private key is as good as unprotected"
                } else {
                    ""
                },
                used_by
                    .map(|u| if entry_uses.iter().all(|u| u.secure_only) {
                        format!(
                            ", a name {u} reads as ${{secure::{}}}, from secure-properties files only",
                            key
                        )
                    } else if entry_uses.iter().all(|u| u.shadowed) {
                        format!(", a name {u} reads, not from this definition")
                    } else if file.loaded {
                        format!(", read by {u}")
                    } else {
                        // Nothing reads this file: its value reaches
                        // no attribute, its name does.
                        format!(", a name {u} reads from the files that are loaded")
                    })
                    .unwrap_or_default(),
                who.as_deref()
                    .map(|w| format!(", Salesforce user {w}"))
                    .unwrap_or_default(),
            );
            let line = encrypted_line(file.format, key);
            let spring = spring_reader(app, &entry_uses);
            let list_item = file.format == PropertyFormat::Yaml && entry.is_yaml_list_item();
            let mut fix = match (app.runtime, file.secure, spring) {
                _ if list_item => list_item_fix(app, key, how),
                _ if vocab::is_runtime_read_secret(key) => {
                    runtime_read_fix(app, key, &file.path)
                }
                _ if !file.loaded => unloaded_fix(app, key, &file.path, by_hand),
                (_, _, Some(reader)) => {
                    let delete = format!(
                        "Delete `{}` from {}",
                        key,
                        file_name(&file.path)
                    );
                    spring_read_fix(key, &delete, reader)
                }
                (MuleRuntime::Mule3, true, None) => format!(
                    "Write `{line}` in {} instead: {how}. Then change the secret: the clear value stays in git history.",
                    file_name(&file.path)
                ),
                (MuleRuntime::Mule3, false, None) => {
                    let (how, why_not) = declined.how(key, how, by_hand);
                    format!(
                        "Move it to {} as `{}=![<encrypted value>]` (the ${{{}}} references stay): {how}.{why_not} Then change the secret: the clear value stays in git history.",
                        mule3_secure_file(app), key, key
                    )
                }
                (MuleRuntime::Mule4, true, None) if app.read_plainly(file, entry) => format!(
                    "Write `{line}` in {} instead, and read it as ${{secure::{key}}} where the app reads ${{{key}}} (a <configuration-properties> loads {} too: it would read the ![...] text): {how}. Then change the secret: the clear value stays in git history.",
                    file_name(&file.path),
                    file_name(&file.path),
                ),
                (MuleRuntime::Mule4, true, None) => format!(
                    "Write `{line}` in {} instead (read as ${{secure::{}}}): {how}. Then change the secret: the clear value stays in git history.",
                    file_name(&file.path),
                    key
                ),
                (MuleRuntime::Mule4, false, None) => {
                    let (how, why_not) = declined.how(key, how, by_hand);
                    format!(
                        "Move it to the environment's secure properties file ({}) as `{}` and read it as ${{secure::{}}}: {how}.{why_not} Then change the secret: the clear value stays in git history.",
                        app.secure_file_hint(),
                        app.secure_line(key),
                        key
                    )
                }
            };
            if bom.is_some() {
                fix = format!(
                    "Save {} as UTF-8 without a byte order mark (Mule reads the mark as part of `{key}`, so nothing reads this value as `{key}` now). {fix}",
                    file_name(&file.path)
                );
            }
            let shared_user = who
                .as_deref()
                .filter(|_| is_login_secret(key))
                .map(|user| (user.to_string(), app.name.clone()));
            let mut f = finding(&entry.location, message)
                .maybe_identity(who)
                .environments(env.map(str::to_string))
                .key_with_value(
                    format!("property|{}", entry.key()),
                    &secret_digest(entry.value()),
                )
                .fix(fix);
            f.shared_user_notes.extend(shared_user);
            for r in related {
                f = f.related(r);
            }
            out.push(f);
        }
    }

    // Global properties holding a secret.
    for g in &app.global_properties {
        let g_uses = uses
            .by_location
            .get(&g.location)
            .cloned()
            .unwrap_or_else(|| uses.shadowed(&g.name));
        let named_secret = is_secret_name(&g.name) && !is_key_name(&g.name);
        if !(named_secret || g_uses.iter().any(|u| u.whole)) {
            continue;
        }
        if !is_clear_secret(&g.value.raw)
            || seen.is_token_line(&g.location)
            || !seen.flagged.insert(&g.location)
        {
            continue;
        }
        let (related, used_by, who) = describe_uses(inventory, app, &g_uses, None);
        let message = format!(
            "{}: <global-property name=\"{}\"> holds a secret in clear ({}){}{}",
            app.name,
            g.name,
            describe(&g.value.raw),
            used_by
                .map(|u| if g_uses.iter().all(|u| u.shadowed) {
                    format!(", a name {u} reads, from a property file that defines it too")
                } else {
                    format!(", read by {u}")
                })
                .unwrap_or_default(),
            who.as_deref()
                .map(|w| format!(", Salesforce user {w}"))
                .unwrap_or_default(),
        );
        let fix = if let Some(reader) = spring_reader(app, &g_uses) {
            let delete = format!(
                "Delete the <global-property name=\"{}\"> from {}",
                g.name,
                file_name(&g.location.path)
            );
            spring_read_fix(&g.name, &delete, reader)
        } else if app.runtime == MuleRuntime::Mule3 {
            format!(
                "Remove the <global-property name=\"{name}\"> and write `{name}=![<encrypted value>]` in {loader}: {how} (intguard fix secrets does not move a <global-property>: move it by hand). Then change the secret: the clear value stays in git history.",
                name = g.name,
                loader = mule3_secure_file(app),
                how = by_hand
            )
        } else {
            format!(
                "Remove the <global-property name=\"{name}\"> and write `{name}: \"![<encrypted value>]\"` in the secure properties file, read as ${{secure::{name}}}: {how} (intguard fix secrets does not move a <global-property>: move it by hand). Then change the secret: the clear value stays in git history.",
                name = g.name,
                how = by_hand
            )
        };
        let mut f = finding(&g.location, message)
            .maybe_identity(who)
            .key_with_value(
                format!("global-property|{}", g.name),
                &secret_digest(&g.value.raw),
            )
            .fix(fix);
        for r in related {
            f = f.related(r);
        }
        out.push(f);
    }
}

/// The fix of a secret in a YAML list (`api.keys[0].secret`): Mule names no
/// property after a list item, so it cannot be read as a property where it
/// is, nor after a move under the same name: it needs a key of its own.
fn list_item_fix(app: &MuleApp, key: &str, how: &str) -> String {
    let own_key = list_index_as_name(key);
    let reference = match app.runtime {
        MuleRuntime::Mule4 => format!("${{secure::{own_key}}}"),
        MuleRuntime::Mule3 => format!("${{{own_key}}}"),
    };
    format!(
        "Take it out of the YAML list: Mule's configuration properties name no property after a list item (a list of scalars is one comma-separated value, a list of maps is refused when the file loads), so no ${{...}} reads it. Give it a key of its own in the app's secure properties file ({}), as `{}`, read as {reference}: {how}. Then change the secret: the clear value stays in git history.",
        app.secure_file_hint(),
        app.secure_line(&own_key)
    )
}

/// The fix of a secret in a property file that no configuration loads: the
/// app never reads the value, so the secure file the app reads, or the
/// configuration that would load this one, is named, and `fix secrets`
/// (which leaves such files) is not.
fn unloaded_fix(app: &MuleApp, key: &str, path: &str, how: &str) -> String {
    // Mule reads `file=` from the app's resources.
    let rel = path
        .split_once("src/main/resources/")
        .map_or_else(|| file_name(path).to_string(), |(_, r)| r.to_string());
    match app.runtime {
        MuleRuntime::Mule4 => format!(
            "No <configuration-properties> or <secure-properties:config> loads {rel}, so the app never reads this value (intguard fix secrets leaves the file). If nothing needs it, delete it. If the app should read it, move it to the environment's secure properties file ({}) as `{}`, read as ${{secure::{key}}}, or encrypt it in place (`{}`) and load the file with <secure-properties:config name=\"...\" file=\"{rel}\" key=\"${{encryption.key}}\">: {how}. Then change the secret: the clear value stays in git history.",
            app.secure_file_hint(),
            app.secure_line(key),
            encrypted_line(
                if rel.ends_with(".properties") {
                    PropertyFormat::Properties
                } else {
                    PropertyFormat::Yaml
                },
                key
            ),
        ),
        MuleRuntime::Mule3 => format!(
            "No <context:property-placeholder> or <secure-property-placeholder:config> loads {rel}, so the app never reads this value (intguard fix secrets leaves the file). If nothing needs it, delete it. If the app should read it, move it to {} as `{key}=![<encrypted value>]` (the ${{{key}}} references stay): {how}. Then change the secret: the clear value stays in git history.",
            mule3_secure_file(app)
        ),
    }
}

/// `api.keys[0].secret` -> `api.keys.<name>.secret`.
fn list_index_as_name(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 8);
    let mut rest = key;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && after.as_bytes().get(digits) == Some(&b']') {
            out.push_str(&rest[..open]);
            out.push_str(".<name>");
            rest = &after[digits + 1..];
        } else {
            out.push_str(&rest[..=open]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The fix of a secret the Mule runtime reads from the deployment
/// (`anypoint.platform.client_secret`): no `${secure::...}` reaches it, so
/// it leaves the repository for the deployment's protected properties.
fn runtime_read_fix(app: &MuleApp, key: &str, path: &str) -> String {
    let listed = match app.runtime {
        MuleRuntime::Mule4 => format!(
            ", listed in mule-artifact.json \"secureProperties\" (\"{key}\") so that Runtime Manager stores it protected"
        ),
        MuleRuntime::Mule3 => String::new(),
    };
    format!(
        "The Mule runtime reads `{key}` from the deployment's properties, not through a ${{...}} of the app, so an encrypted copy would not reach it: delete it from {} and supply it at deploy time (Runtime Manager > the application > Properties{listed}; on a customer-hosted runtime, in its wrapper.conf or a -D{key}= option kept out of the repository). Then regenerate the secret in Anypoint Access Management: the clear value stays in git history.",
        file_name(path)
    )
}

/// Where a definition of a file every environment loads is the one Mule
/// reads: ` (every environment)`, ` (dev)` when the others' own files
/// define the name first, or ` (every environment defines it first
/// elsewhere)`.
fn read_in(app: &MuleApp, file: &PropertyFile, entry: &intguard_model::PropertyEntry) -> String {
    // Looked up as the references reading the file do (both ways for a
    // file loaded by a plain and a secure import).
    let kinds = [Some(file.secure), file.plain_too.then_some(false)];
    let lookups = |env| {
        kinds
            .into_iter()
            .flatten()
            .filter_map(move |secure| app.lookup(entry.key(), secure, env))
    };
    if app.environments.is_empty() {
        // A name defined twice (a duplicate key, another file looked in
        // first): only one definition is read.
        let mut found = lookups(None).peekable();
        let read = found.peek().is_none() || found.any(|s| s.location() == &entry.location);
        return if read {
            " (every environment)"
        } else {
            " (another definition of it is read)"
        }
        .to_string();
    }
    let read: Vec<&str> = app
        .environments
        .iter()
        .map(String::as_str)
        .filter(|e| lookups(Some(e)).any(|s| s.location() == &entry.location))
        .collect();
    if read.len() == app.environments.len() {
        " (every environment)".to_string()
    } else if read.is_empty() {
        " (every environment reads another definition first)".to_string()
    } else {
        format!(" ({})", read.join(", "))
    }
}
